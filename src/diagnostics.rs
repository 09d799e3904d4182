//! Diagnostics: what the run could not process, or had to repair.
//!
//! Takes nothing; gives the [`Diagnostic`] record that every stage returns instead of printing
//! or failing. The binary writes them to `diagnostics.csv` and summarises them on stderr.
//! Invariant: an input that is skipped always leaves exactly one `error` row naming its path
//! (and line, for JSONL/CSV records); a repaired input leaves a `warning` row.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input (file, line or row) was skipped.
    Error,
    /// The input was processed after a repair (e.g. decoded as Windows-1252, id renamed).
    Warning,
    /// Nothing was lost; the user may want to know (e.g. a NOTICE file that is not an article).
    Info,
}

impl Severity {
    /// The lower-case name written to `diagnostics.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of `diagnostics.csv`: which input, where in it, how bad, and what happened.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// The input file, as the user named it (or as found under a named folder).
    pub path: String,
    /// 1-based line (JSONL) or record (CSV) number, when the problem is inside a file.
    pub line: Option<u64>,
    /// How bad it is.
    pub severity: Severity,
    /// What happened and, where there is one, what the user can do about it.
    pub message: String,
}

impl Diagnostic {
    /// A skipped input.
    pub fn error(path: impl Into<String>, line: Option<u64>, message: impl Into<String>) -> Self {
        Self::new(path, line, Severity::Error, message)
    }

    /// A repaired input.
    pub fn warning(path: impl Into<String>, line: Option<u64>, message: impl Into<String>) -> Self {
        Self::new(path, line, Severity::Warning, message)
    }

    /// A note that loses nothing.
    pub fn info(path: impl Into<String>, line: Option<u64>, message: impl Into<String>) -> Self {
        Self::new(path, line, Severity::Info, message)
    }

    fn new(
        path: impl Into<String>,
        line: Option<u64>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            severity,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "{}:{}: {}: {}",
                self.path, line, self.severity, self.message
            ),
            None => write!(f, "{}: {}: {}", self.path, self.severity, self.message),
        }
    }
}
