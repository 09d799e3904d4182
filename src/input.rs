//! Input: find the articles and read them into [`Document`]s.
//!
//! Takes the paths the user named; gives documents and diagnostics, streamed through a
//! callback so a JSONL file of millions of lines never sits in memory whole. Folders are walked
//! recursively in sorted order (hidden entries skipped, symlink loops detected). `.txt`, `.md`,
//! `.text`: one article per file, title and date read from its header lines. `.jsonl`/`.ndjson`:
//! one article per line (`id`, `text`; optional `title`, `published`/`date`, `source`, `url`,
//! `language`). `.csv`/`.tsv`: one article per row (header with `text`, or `--text-column`;
//! optional `id`, `title`, `published`/`date`, `source`, `url`, `language`). Everything that
//! cannot be read is reported with path, line and reason, and the rest goes on.

use crate::decode::decode;
use crate::diagnostics::Diagnostic;
use std::collections::HashSet;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One article, ready for the pipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// Unique id: folder name + path inside it without extension for files; the `id` field
    /// for JSONL/CSV records (else `FILE:LINE`).
    pub doc_id: String,
    /// The file it came from, as found.
    pub path: String,
    /// Line (JSONL) or record (CSV) number within the file.
    pub line: Option<u64>,
    /// Headline.
    pub title: Option<String>,
    /// Publication date, ISO 8601.
    pub published: Option<String>,
    /// Outlet or collection: the `source` field, else the folder the file is in.
    pub source: String,
    /// Address of the article, when given.
    pub url: Option<String>,
    /// Language given in the record (`language` field), ISO 639-1 or 639-3.
    pub language: Option<String>,
    /// The decoded text; every offset in the outputs refers to it.
    pub text: String,
}

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One article per file.
    Text,
    /// One article per line.
    Jsonl,
    /// One article per row, with this delimiter.
    Csv(u8),
}

/// A file found under the inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// Path to open.
    pub path: PathBuf,
    /// Path as shown to the user (forward slashes).
    pub display: String,
    /// doc_id of a one-article file: input folder name + relative path, extension dropped.
    pub id_base: String,
    /// The folder the file is in, for `source`.
    pub folder: String,
    /// How to read it.
    pub format: Format,
    /// Size in bytes (for progress).
    pub size: u64,
}

/// Options that change how records are read.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// CSV column holding the article text (default `text`).
    pub text_column: Option<String>,
    /// CSV delimiter, overriding detection.
    pub delimiter: Option<u8>,
}

/// What a reader hands on: a document, or a diagnostic.
#[derive(Debug)]
pub enum Item {
    /// An article to analyse.
    Doc(Document),
    /// Something skipped or repaired.
    Diag(Diagnostic),
}

/// Files named like these are documentation that travels with a corpus, not articles.
fn is_documentation(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["README", "NOTICE", "LICENSE", "LICENCE", "COPYING"]
        .iter()
        .any(|p| upper == *p || upper.starts_with(&format!("{p}.")))
}

fn format_of(path: &Path, delimiter: Option<u8>) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" | "md" => Format::Text,
        "jsonl" | "ndjson" => Format::Jsonl,
        "csv" => Format::Csv(delimiter.unwrap_or(0)),
        "tsv" => Format::Csv(delimiter.unwrap_or(b'\t')),
        _ => return None,
    })
}

fn slash(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Walks the inputs. Returns the files to read, in order, and diagnostics for what was passed
/// over (unsupported types, unreadable folders, loops). A named input that does not exist is an
/// error diagnostic too; the caller decides whether finding no file at all is fatal.
pub fn discover(inputs: &[PathBuf], opts: &ReadOptions) -> (Vec<InputFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for input in inputs {
        let shown = slash(input);
        let meta = match fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                diags.push(Diagnostic::error(
                    shown,
                    None,
                    format!("cannot read: {e}; check the path"),
                ));
                continue;
            }
        };
        if meta.is_dir() {
            let root_name = input
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| shown.trim_end_matches('/').to_string());
            let mut seen = HashSet::new();
            walk(
                input, &shown, &root_name, opts, &mut seen, &mut files, &mut diags,
            );
        } else {
            let stem = input
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let folder = input
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match format_of(input, opts.delimiter) {
                Some(format) => files.push(InputFile {
                    path: input.clone(),
                    display: shown,
                    id_base: stem,
                    folder,
                    format,
                    size: meta.len(),
                }),
                None => diags.push(unsupported(&shown)),
            }
        }
    }
    (files, diags)
}

fn unsupported(shown: &str) -> Diagnostic {
    Diagnostic::error(
        shown,
        None,
        "unsupported file type; newslens reads .txt, .md, .jsonl and .csv (convert it, or move it out of the input folder)",
    )
}

fn walk(
    dir: &Path,
    shown: &str,
    id_prefix: &str,
    opts: &ReadOptions,
    seen: &mut HashSet<PathBuf>,
    files: &mut Vec<InputFile>,
    diags: &mut Vec<Diagnostic>,
) {
    match dir.canonicalize() {
        Ok(real) if !seen.insert(real.clone()) => {
            diags.push(Diagnostic::warning(
                shown,
                None,
                "folder visited twice (symlink loop); not read again",
            ));
            return;
        }
        Ok(_) => {}
        Err(e) => {
            diags.push(Diagnostic::error(
                shown,
                None,
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            diags.push(Diagnostic::error(
                shown,
                None,
                format!("cannot read folder: {e}; check its permissions"),
            ));
            return;
        }
    };
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => names.push((e.file_name().to_string_lossy().into_owned(), e.path())),
            Err(e) => diags.push(Diagnostic::error(
                shown,
                None,
                format!("cannot list folder entry: {e}"),
            )),
        }
    }
    names.sort();
    for (name, path) in names {
        if name.starts_with('.') {
            continue;
        }
        let child_shown = format!("{}/{}", shown.trim_end_matches('/'), name);
        let child_id = format!("{id_prefix}/{name}");
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                diags.push(Diagnostic::error(
                    child_shown,
                    None,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if meta.is_dir() {
            walk(&path, &child_shown, &child_id, opts, seen, files, diags);
        } else if is_documentation(&name) {
            diags.push(Diagnostic::info(
                child_shown,
                None,
                "documentation file (README/NOTICE/LICENSE), not read as an article",
            ));
        } else if let Some(format) = format_of(&path, opts.delimiter) {
            let id_base = match child_id.rfind('.') {
                Some(dot) if dot > child_id.rfind('/').unwrap_or(0) => child_id[..dot].to_string(),
                _ => child_id,
            };
            files.push(InputFile {
                path,
                display: child_shown,
                id_base,
                folder: id_prefix.to_string(),
                format,
                size: meta.len(),
            });
        } else {
            diags.push(unsupported(&child_shown));
        }
    }
}

/// Reads one file, handing each document or diagnostic to `emit` in file order.
pub fn read(file: &InputFile, opts: &ReadOptions, emit: &mut dyn FnMut(Item)) {
    match file.format {
        Format::Text => read_text(file, emit),
        Format::Jsonl => read_jsonl(file, emit),
        Format::Csv(delim) => read_csv(file, delim, opts, emit),
    }
}

fn read_text(file: &InputFile, emit: &mut dyn FnMut(Item)) {
    let bytes = match fs::read(&file.path) {
        Ok(b) => b,
        Err(e) => {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                None,
                format!("cannot read: {e}"),
            )));
            return;
        }
    };
    let decoded = match decode(&bytes) {
        Ok(d) => d,
        Err(e) => {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                None,
                e.to_string(),
            )));
            return;
        }
    };
    if let Some(w) = decoded.warning {
        emit(Item::Diag(Diagnostic::warning(&file.display, None, w)));
    }
    let header = crate::meta::from_header(&decoded.text);
    emit(Item::Doc(Document {
        doc_id: file.id_base.clone(),
        path: file.display.clone(),
        line: None,
        title: header.title,
        published: header.published,
        source: file.folder.clone(),
        url: None,
        language: None,
        text: decoded.text,
    }));
}

/// Fields shared by JSONL and CSV records, already as strings.
#[derive(Default)]
struct Fields {
    id: Option<String>,
    text: Option<String>,
    title: Option<String>,
    published: Option<String>,
    source: Option<String>,
    url: Option<String>,
    language: Option<String>,
}

fn record_doc(file: &InputFile, line: u64, f: Fields, emit: &mut dyn FnMut(Item)) {
    let Some(text) = f.text.filter(|t| !t.trim().is_empty()) else {
        emit(Item::Diag(Diagnostic::error(
            &file.display,
            Some(line),
            "empty text; record skipped",
        )));
        return;
    };
    let published = match f
        .published
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => {
            let parsed = crate::meta::parse_date(raw);
            if parsed.is_none() {
                emit(Item::Diag(Diagnostic::warning(
                    &file.display,
                    Some(line),
                    format!("unrecognised date {raw:?}; published left empty (use YYYY-MM-DD)"),
                )));
            }
            parsed
        }
        None => None,
    };
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    emit(Item::Doc(Document {
        doc_id: nonempty(f.id).unwrap_or_else(|| format!("{}:{line}", file.display)),
        path: file.display.clone(),
        line: Some(line),
        title: nonempty(f.title),
        published,
        source: nonempty(f.source).unwrap_or_else(|| file.folder.clone()),
        url: nonempty(f.url),
        language: nonempty(f.language),
        text,
    }));
}

/// Bytes to text for one record of a JSONL/CSV file; Windows-1252 when not UTF-8.
fn text_of(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(), true),
    }
}

fn read_jsonl(file: &InputFile, emit: &mut dyn FnMut(Item)) {
    let f = match fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                None,
                format!("cannot read: {e}"),
            )));
            return;
        }
    };
    let mut reader = BufReader::with_capacity(1 << 16, f);
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut warned_encoding = false;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    Some(line + 1),
                    format!("read error: {e}; rest of file skipped"),
                )));
                return;
            }
        }
        line += 1;
        let mut bytes = buf.as_slice();
        if line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let (text, repaired) = text_of(bytes);
        if repaired && !warned_encoding {
            warned_encoding = true;
            emit(Item::Diag(Diagnostic::warning(
                &file.display,
                Some(line),
                "not valid UTF-8; lines decoded as Windows-1252 — save the file as UTF-8",
            )));
        }
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    Some(line),
                    format!("invalid JSON ({e}); line skipped"),
                )));
                continue;
            }
        };
        let Some(obj) = value.as_object() else {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                Some(line),
                "not a JSON object; line skipped",
            )));
            continue;
        };
        let text = match obj.get("text") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(_) => {
                emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    Some(line),
                    "field \"text\" is not a string; line skipped",
                )));
                continue;
            }
            None => {
                emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    Some(line),
                    "no \"text\" field; line skipped",
                )));
                continue;
            }
        };
        let scalar = |key: &str| -> Option<String> {
            match obj.get(key)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        };
        let fields = Fields {
            id: scalar("id"),
            text,
            title: scalar("title"),
            published: scalar("published").or_else(|| scalar("date")),
            source: scalar("source"),
            url: scalar("url"),
            language: scalar("language").or_else(|| scalar("lang")),
        };
        record_doc(file, line, fields, emit);
    }
}

/// Picks the delimiter of a CSV file from its first line: the most frequent of , ; tab |.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| (first.iter().filter(|b| *b == d).count(), *d == b','))
        .unwrap_or(b',')
}

fn read_csv(file: &InputFile, delim: u8, opts: &ReadOptions, emit: &mut dyn FnMut(Item)) {
    let mut f = match fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                None,
                format!("cannot read: {e}"),
            )));
            return;
        }
    };
    let mut head = vec![0u8; 8192];
    let n = f.read(&mut head).unwrap_or(0);
    head.truncate(n);
    let delim = if delim == 0 {
        sniff_delimiter(&head)
    } else {
        delim
    };
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let chained = std::io::Cursor::new(if bom { head[3..].to_vec() } else { head }).chain(f);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(true)
        .from_reader(chained);
    let headers = match reader.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|h| text_of(h).0.trim().to_lowercase())
            .collect::<Vec<_>>(),
        Err(e) => {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                Some(1),
                format!("cannot read CSV header: {e}"),
            )));
            return;
        }
    };
    let want = opts.text_column.as_deref().unwrap_or("text").to_lowercase();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(text_col) = col(&want) else {
        emit(Item::Diag(Diagnostic::error(
            &file.display,
            Some(1),
            format!(
                "no {want:?} column in the header ({}); name the text column with --text-column",
                headers.join(", ")
            ),
        )));
        return;
    };
    let (id_col, title_col, url_col, source_col) =
        (col("id"), col("title"), col("url"), col("source"));
    let date_col = col("published").or_else(|| col("date"));
    let lang_col = col("language").or_else(|| col("lang"));
    let mut warned_encoding = false;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line());
                emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    line,
                    format!("malformed CSV ({e}); rest of file skipped"),
                )));
                return;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != headers.len() {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                Some(line),
                format!(
                    "row has {} fields, the header has {}; row skipped (unbalanced quotes or wrong delimiter? see --delimiter)",
                    record.len(),
                    headers.len()
                ),
            )));
            continue;
        }
        let mut get = |i: Option<usize>| -> Option<String> {
            let (s, repaired) = text_of(record.get(i?)?);
            if repaired && !warned_encoding {
                warned_encoding = true;
                emit(Item::Diag(Diagnostic::warning(
                    &file.display,
                    Some(line),
                    "not valid UTF-8; fields decoded as Windows-1252 — save the file as UTF-8",
                )));
            }
            Some(s)
        };
        let fields = Fields {
            id: get(id_col),
            text: get(Some(text_col)),
            title: get(title_col),
            published: get(date_col),
            source: get(source_col),
            url: get(url_col),
            language: get(lang_col),
        };
        record_doc(file, line, fields, emit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"id,text,title\n1,a,b"), b',');
        assert_eq!(sniff_delimiter(b"id;text;title\n1;a,b;c"), b';');
        assert_eq!(sniff_delimiter(b"id\ttext\n"), b'\t');
        assert_eq!(sniff_delimiter(b"text\n"), b',');
    }

    #[test]
    fn documentation_names() {
        assert!(is_documentation("NOTICE.md"));
        assert!(is_documentation("README"));
        assert!(is_documentation("license.txt"));
        assert!(!is_documentation("notices_from_police.txt"));
    }
}
