//! Report: the tables of a run, for people who would rather look than read.
//!
//! Takes the staging folder once the CSV tables are written (the workbook, with more than one
//! thread, as each is: [`workbook::write_as_ready`]); gives two more files made
//! from those CSV files alone (read back by column name, so this module depends on the CSV
//! contract and nothing else): `newslens.xlsx`, one sheet per table ([`workbook`]), and
//! `report.html`, one self-contained page of summaries, a heat map, neighbours, keyphrases,
//! keyness and a timeline ([`html`]). Tables that a run did not write (the comparison tables,
//! `coverage_matrix.csv` above 1,000 documents, `entities.csv` with NER off) are left out of
//! both: the workbook's `about` sheet and the page say so. Both files are deterministic: the
//! same CSV files give the same bytes. Nothing here prints.

pub mod html;
pub mod workbook;

use std::fs::File;
use std::io;
use std::path::Path;

/// What one report file holds, for `run.json`'s files list.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// The file name, e.g. `newslens.xlsx`.
    pub name: &'static str,
    /// Facts about it (`sheets` and `rows` of a workbook, `bytes` of a page).
    pub info: serde_json::Map<String, serde_json::Value>,
}

/// Removes the formula guard [`crate::output::guard`] put in front of a CSV text cell: a
/// leading `'` followed by `=`, `+`, `-`, `@`, tab or carriage return. (Text that really began
/// with `'=` loses its apostrophe; the guard cannot tell the two apart.)
pub fn unguard(s: &str) -> &str {
    match s.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => &s[1..],
        _ => s,
    }
}

/// One output table read back by column name.
pub(crate) struct CsvTable {
    reader: csv::Reader<File>,
    /// The column names, in order (a byte-order mark dropped).
    pub header: Vec<String>,
}

impl CsvTable {
    /// Opens `dir/name`; `None` when the run did not write it.
    pub fn open(dir: &Path, name: &str) -> io::Result<Option<CsvTable>> {
        let path = dir.join(name);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
        let header = reader
            .headers()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if i == 0 {
                    h.trim_start_matches('\u{feff}').to_string()
                } else {
                    h.to_string()
                }
            })
            .collect();
        Ok(Some(CsvTable { reader, header }))
    }

    /// The index of column `name`.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Indexes of the columns `names`; an error naming the first one missing.
    pub fn cols<const N: usize>(&self, file: &str, names: [&str; N]) -> io::Result<[usize; N]> {
        let mut out = [0; N];
        for (o, n) in out.iter_mut().zip(names) {
            *o = self.col(n).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{file} has no column {n}"),
                )
            })?;
        }
        Ok(out)
    }

    /// Counts the rows left, reading them without decoding their cells.
    pub fn count_rest(&mut self) -> io::Result<u64> {
        let mut rec = csv::ByteRecord::new();
        let mut n = 0;
        while self.reader.read_byte_record(&mut rec).map_err(csv_error)? {
            n += 1;
        }
        Ok(n)
    }

    /// Reads the next row into `rec`; false at the end. A malformed row is `InvalidData`.
    pub fn next(&mut self, rec: &mut csv::StringRecord) -> io::Result<bool> {
        self.reader.read_record(rec).map_err(csv_error)
    }
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
    }
}

/// Cell `i` of `rec` with the formula guard removed ("" when the row is short).
pub(crate) fn cell(rec: &csv::StringRecord, i: usize) -> &str {
    unguard(rec.get(i).unwrap_or(""))
}

/// Writes the workbook and/or the page into `dir`; returns what was written, and a note for
/// the run's summary when the workbook was skipped because the disk has too little room for
/// it (the tables are the run's results; a workbook is a view of them, not worth losing them).
/// The two files, and the workbook's sheets, are made in parallel on the current rayon pool
/// (call it inside `pool.install` to bound the threads); the bytes do not depend on it.
/// `workbook`: the workbook's rows per sheet, `None` for no workbook.
pub fn write(
    dir: &Path,
    workbook: Option<u32>,
    page: bool,
) -> io::Result<(Vec<Written>, Vec<crate::diagnostics::Diagnostic>)> {
    let (book, html) = rayon::join(
        || workbook.map(|rows| workbook::write(dir, rows)),
        || page.then(|| html::write(dir)),
    );
    let mut out = Vec::new();
    let mut notes = Vec::new();
    if let Some(book) = book {
        out.extend(workbook_or_note(dir, book, &mut notes)?);
    }
    if let Some(page) = html {
        out.push(page?);
    }
    Ok((out, notes))
}

/// The workbook [`workbook::write`] gave, or, when the disk had too little room for it, `None`
/// and a warning in `notes` (its partial file removed); any other error as it is.
pub fn workbook_or_note(
    dir: &Path,
    book: io::Result<Written>,
    notes: &mut Vec<crate::diagnostics::Diagnostic>,
) -> io::Result<Option<Written>> {
    match book {
        Ok(w) => Ok(Some(w)),
        Err(e) if e.kind() == io::ErrorKind::StorageFull => {
            notes.push(crate::diagnostics::Diagnostic::warning(
                "",
                None,
                format!("{} skipped: {e}", workbook::FILE),
            ));
            let _ = std::fs::remove_file(dir.join(workbook::FILE));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::guard;

    #[test]
    fn unguard_inverts_guard() {
        for s in [
            "=SUM(A1)", "+1", "-x", "@h", "\tx", "\rx", "plain", "", "'quoted", "a=b",
        ] {
            assert_eq!(unguard(&guard(s)), s);
        }
    }
}
