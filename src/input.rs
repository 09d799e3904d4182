//! Input: find the articles and read them into [`Document`]s.
//!
//! Takes the paths the user named; gives documents and diagnostics, streamed through a
//! callback so a JSONL file of millions of lines never sits in memory whole. Folders are walked
//! recursively in sorted order (hidden entries skipped, symlink loops detected). `.txt`, `.md`,
//! `.text`: one article per file, title and date read from its header lines. `.jsonl`/`.ndjson`:
//! one article per line (`id`, `text`; optional `title`, `published`/`date`, `source`, `url`,
//! `language`). `.csv`/`.tsv`: one article per row (header with `text`, or `--text-column`;
//! optional `id`, `title`, `published`/`date`, `source`, `url`, `language`). Other fields are
//! not kept, except the one named by [`ReadOptions::group_field`] (`--group-by FIELD`).
//! Everything that cannot be read is reported with path, line and reason, and the rest goes on.

use crate::decode::decode;
use crate::diagnostics::Diagnostic;
use std::collections::HashSet;
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
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
    /// Byline: the record's `author` field, or what a web page names.
    pub author: Option<String>,
    /// Language given in the record (`language` field), ISO 639-1 or 639-3.
    pub language: Option<String>,
    /// The value of the record's [`ReadOptions::group_field`], when asked for and present.
    pub group: Option<String>,
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
    /// A saved web page (gzipped or not): its article ([`crate::html`]).
    Html,
    /// A web archive (gzipped or not): one article per page in it ([`crate::warc`]).
    Warc,
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
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// CSV column holding the article text (default `text`).
    pub text_column: Option<String>,
    /// CSV delimiter, overriding detection.
    pub delimiter: Option<u8>,
    /// Longest document analysed, in bytes of text; a longer one is cut (at a paragraph or
    /// sentence end where possible) and reported.
    pub max_doc_bytes: usize,
    /// A JSONL/CSV field to keep as [`Document::group`] (`--group-by FIELD`), lower-case.
    pub group_field: Option<String>,
}

/// Default of `--max-doc-bytes`: far above any news article, far below memory trouble.
pub const DEFAULT_MAX_DOC_BYTES: usize = 16 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            text_column: None,
            delimiter: None,
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
            group_field: None,
        }
    }
}

/// Cuts `text` to at most `max` bytes, at the last paragraph break, line break or sentence
/// end in the final tenth when there is one, else at a character boundary. Returns whether it
/// cut.
pub fn truncate_text(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let floor = end - end / 10;
    let window = &text[floor..end];
    let cut = ["\n\n", "\n", ". "]
        .iter()
        .find_map(|sep| window.rfind(sep).map(|i| floor + i + sep.len()))
        .unwrap_or(end);
    text.truncate(cut);
    true
}

fn too_long(len: u64, max: usize) -> String {
    format!(
        "document is {} bytes, over --max-doc-bytes {max}: only its first {max} bytes were analysed (split the file, or raise --max-doc-bytes)",
        len
    )
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
        "html" | "htm" | "xhtml" => Format::Html,
        "warc" => Format::Warc,
        "gz" => {
            let stem = Path::new(path.file_stem()?);
            let inner = stem.extension()?.to_str()?.to_ascii_lowercase();
            match inner.as_str() {
                "html" | "htm" | "xhtml" => Format::Html,
                "warc" => Format::Warc,
                _ => return None,
            }
        }
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
            let folder = input
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match classify(input, &shown, None, &folder, meta.len(), opts) {
                Ok(f) => files.push(f),
                Err(d) => diags.push(d),
            }
        }
    }
    (files, diags)
}

/// What one found file is: an [`InputFile`] to read, or the diagnostic that passes it over
/// (documentation, unsupported type). `shown` is its path as shown; `child_id` the input
/// folder's name joined with its path inside it (`None` for a file named on the command line:
/// its id is its stem, and it is read even when named like documentation); `folder` the
/// folder it is in, for `source`. [`discover`] and `newslens map --files` both use it.
pub fn classify(
    path: &Path,
    shown: &str,
    child_id: Option<&str>,
    folder: &str,
    size: u64,
    opts: &ReadOptions,
) -> Result<InputFile, Diagnostic> {
    let name = shown.rsplit('/').next().unwrap_or(shown);
    if child_id.is_some() && is_documentation(name) {
        return Err(Diagnostic::info(
            shown,
            None,
            "documentation file (README/NOTICE/LICENSE), not read as an article",
        ));
    }
    let Some(format) = format_of(path, opts.delimiter) else {
        return Err(unsupported(shown));
    };
    let mut id_base = match child_id {
        Some(id) => match id.rfind('.') {
            Some(dot) if dot > id.rfind('/').unwrap_or(0) => id[..dot].to_string(),
            _ => id.to_string(),
        },
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    // `page.html.gz` is `page`, `crawl.warc.gz` is `crawl`
    if matches!(format, Format::Html | Format::Warc)
        && let Some(dot) = id_base.rfind('.')
        && dot > id_base.rfind('/').map_or(0, |s| s + 1)
        && ["html", "htm", "xhtml", "warc"]
            .contains(&id_base[dot + 1..].to_ascii_lowercase().as_str())
    {
        id_base.truncate(dot);
    }
    Ok(InputFile {
        path: path.to_path_buf(),
        display: shown.to_string(),
        id_base,
        folder: folder.to_string(),
        format,
        size,
    })
}

fn unsupported(shown: &str) -> Diagnostic {
    Diagnostic::error(
        shown,
        None,
        "unsupported file type; newslens reads .txt, .md, .jsonl, .csv, .tsv, .html/.htm and .warc (also gzipped) (convert it, or move it out of the input folder)",
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
        } else {
            match classify(
                &path,
                &child_shown,
                Some(&child_id),
                id_prefix,
                meta.len(),
                opts,
            ) {
                Ok(f) => files.push(f),
                Err(d) => diags.push(d),
            }
        }
    }
}

/// Discovers and reads every input into memory: all documents, then all diagnostics. For
/// small corpora, tests and benchmarks; `newslens run` streams instead.
pub fn read_all(inputs: &[PathBuf], opts: &ReadOptions) -> (Vec<Document>, Vec<Diagnostic>) {
    let (files, mut diags) = discover(inputs, opts);
    let mut docs = Vec::new();
    for f in &files {
        read(f, opts, &mut |item| match item {
            Item::Doc(d) => docs.push(d),
            Item::Diag(d) => diags.push(d),
        });
    }
    (docs, diags)
}

/// Reads one file, handing each document or diagnostic to `emit` in file order.
pub fn read(file: &InputFile, opts: &ReadOptions, emit: &mut dyn FnMut(Item)) {
    match file.format {
        Format::Text => {
            let max = opts.max_doc_bytes;
            let read = fs::File::open(&file.path).and_then(|f| {
                let len = f.metadata()?.len();
                let mut bytes = Vec::with_capacity(len.min(max as u64 + 4) as usize);
                // a few bytes over the limit so a cut never splits a UTF-8 sequence we could keep
                f.take(max as u64 + 4).read_to_end(&mut bytes)?;
                Ok((bytes, len))
            });
            match read {
                Ok((bytes, len)) => read_text(file, bytes, len, max, emit),
                Err(e) => emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    None,
                    format!("cannot read: {e}"),
                ))),
            }
        }
        Format::Html => {
            let cap = html_cap(opts.max_doc_bytes);
            let read = fs::File::open(&file.path).and_then(|f| {
                let mut bytes = Vec::new();
                f.take(cap as u64).read_to_end(&mut bytes)?;
                Ok(bytes)
            });
            match read {
                Ok(bytes) => read_html(file, bytes, opts.max_doc_bytes, emit),
                Err(e) => emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    None,
                    format!("cannot read: {e}"),
                ))),
            }
        }
        Format::Jsonl | Format::Csv(_) | Format::Warc => match fs::File::open(&file.path) {
            Ok(f) => read_records(file, f, opts, emit),
            Err(e) => emit(Item::Diag(Diagnostic::error(
                &file.display,
                None,
                format!("cannot read: {e}"),
            ))),
        },
    }
}

/// Reads the JSONL lines or CSV rows of `file` from `source` (its bytes), handing each
/// document or diagnostic to `emit`. Plain-text files are not records: nothing is read.
pub fn read_records(
    file: &InputFile,
    source: impl Read,
    opts: &ReadOptions,
    emit: &mut dyn FnMut(Item),
) {
    match file.format {
        Format::Jsonl => read_jsonl(file, source, 1, opts, emit),
        Format::Csv(delim) => read_csv(file, source, delim, opts, emit),
        Format::Warc => {
            let max = opts.max_doc_bytes;
            crate::warc::read(file, source, max, html_cap(max), emit)
        }
        Format::Text | Format::Html => {}
    }
}

/// Reads one file from its bytes instead of the file system (`newslens map --files`: the
/// bytes travel with the record), exactly as [`read`] reads it from disk.
pub fn read_bytes(file: &InputFile, bytes: &[u8], opts: &ReadOptions, emit: &mut dyn FnMut(Item)) {
    match file.format {
        Format::Text => {
            let keep = bytes.len().min(opts.max_doc_bytes.saturating_add(4));
            read_text(
                file,
                bytes[..keep].to_vec(),
                bytes.len() as u64,
                opts.max_doc_bytes,
                emit,
            )
        }
        Format::Html => {
            let keep = bytes.len().min(html_cap(opts.max_doc_bytes));
            read_html(file, bytes[..keep].to_vec(), opts.max_doc_bytes, emit)
        }
        Format::Jsonl | Format::Csv(_) | Format::Warc => read_records(file, bytes, opts, emit),
    }
}

/// Reads JSONL lines numbered from `first_line` (a shard of a larger file, `newslens map
/// --first-line`), as [`read_records`] reads a whole `.jsonl` file.
pub fn read_jsonl_from(
    file: &InputFile,
    source: impl Read,
    first_line: u64,
    opts: &ReadOptions,
    emit: &mut dyn FnMut(Item),
) {
    read_jsonl(file, source, first_line.max(1), opts, emit)
}

/// How many bytes of a page (after gunzipping) are read: markup is most of a page, so four
/// times the longest text.
fn html_cap(max: usize) -> usize {
    max.saturating_mul(4)
}

/// A web page's article as a document: `bytes` are the file's (gzipped or not, at most
/// [`html_cap`]).
fn read_html(file: &InputFile, bytes: Vec<u8>, max: usize, emit: &mut dyn FnMut(Item)) {
    let err = |e: String| Item::Diag(Diagnostic::error(&file.display, None, e));
    let (bytes, warning) = match crate::html::gunzip(bytes, html_cap(max)) {
        Ok(b) => b,
        Err(e) => return emit(err(e)),
    };
    if let Some(w) = warning {
        emit(Item::Diag(Diagnostic::warning(&file.display, None, w)));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return emit(err("empty file".into()));
    }
    if let Some(what) = crate::decode::binary(&bytes) {
        return emit(err(format!(
            "binary data ({what}), not a web page; file skipped"
        )));
    }
    let page = match crate::html::extract(&bytes, None) {
        Ok(p) => p,
        Err(e) => return emit(err(e)),
    };
    let mut text = page.text;
    let len = text.len() as u64;
    if truncate_text(&mut text, max) {
        emit(Item::Diag(Diagnostic::warning(
            &file.display,
            None,
            too_long(len, max),
        )));
    }
    emit(Item::Doc(Document {
        doc_id: file.id_base.clone(),
        path: file.display.clone(),
        line: None,
        title: page.title,
        published: page.published,
        source: page.site.unwrap_or_else(|| file.folder.clone()),
        url: None,
        author: page.author,
        language: None,
        group: None,
        text,
    }));
}

/// `bytes`: the file's first `max + 4` bytes; `len`: its whole length.
fn read_text(
    file: &InputFile,
    mut bytes: Vec<u8>,
    len: u64,
    max: usize,
    emit: &mut dyn FnMut(Item),
) {
    let cut = len > bytes.len() as u64 || bytes.len() > max;
    if cut {
        // drop an incomplete UTF-8 sequence at the cut
        if let Err(e) = std::str::from_utf8(&bytes)
            && e.error_len().is_none()
        {
            bytes.truncate(e.valid_up_to());
        }
    }
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
    let mut decoded = decoded;
    if let Some(w) = decoded.warning.take() {
        emit(Item::Diag(Diagnostic::warning(&file.display, None, w)));
    }
    if truncate_text(&mut decoded.text, max) || cut {
        emit(Item::Diag(Diagnostic::warning(
            &file.display,
            None,
            too_long(len, max),
        )));
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
        author: None,
        language: None,
        group: None,
        text: decoded.text,
    }));
}

/// Fields shared by JSONL and CSV records, already as strings.
#[derive(Default)]
struct Fields {
    id: Option<String>,
    text: Option<String>,
    /// A web page, read when there is no text ([`crate::html`]).
    html: Option<String>,
    author: Option<String>,
    title: Option<String>,
    published: Option<String>,
    source: Option<String>,
    url: Option<String>,
    language: Option<String>,
    group: Option<String>,
}

fn record_doc(file: &InputFile, line: u64, max: usize, mut f: Fields, emit: &mut dyn FnMut(Item)) {
    let text = f.text.take().filter(|t| !t.trim().is_empty());
    let html = f.html.take().filter(|t| !t.trim().is_empty());
    let (mut text, page) = match (text, html) {
        (Some(text), _) => (text, None),
        (None, Some(html)) => match crate::html::extract(html.as_bytes(), f.url.as_deref()) {
            Ok(mut page) => (std::mem::take(&mut page.text), Some(page)),
            Err(e) => {
                emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    Some(line),
                    format!("{e}; record skipped"),
                )));
                return;
            }
        },
        (None, None) => {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                Some(line),
                "empty text; record skipped",
            )));
            return;
        }
    };
    // what the record says first, then what the page says
    if let Some(page) = page {
        let fill = |field: &mut Option<String>, from: Option<String>| {
            if field.as_deref().is_none_or(|s| s.trim().is_empty()) {
                *field = from;
            }
        };
        fill(&mut f.title, page.title);
        fill(&mut f.published, page.published);
        fill(&mut f.author, page.author);
        fill(&mut f.source, page.site);
    }
    let len = text.len() as u64;
    if truncate_text(&mut text, max) {
        emit(Item::Diag(Diagnostic::warning(
            &file.display,
            Some(line),
            too_long(len, max),
        )));
    }
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
        // an id is one line in every table: control characters (line breaks, tabs) become spaces
        doc_id: nonempty(f.id.map(|s| s.replace(char::is_control, " ")))
            .unwrap_or_else(|| format!("{}:{line}", file.display)),
        path: file.display.clone(),
        line: Some(line),
        title: nonempty(f.title),
        published,
        source: nonempty(f.source).unwrap_or_else(|| file.folder.clone()),
        url: nonempty(f.url),
        author: nonempty(f.author),
        language: nonempty(f.language),
        group: nonempty(f.group),
        text,
    }));
}

/// Bytes to text for one record of a JSONL/CSV file; Windows-1252 when not UTF-8.
fn text_of(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        // a field that is not UTF-8 is Windows-1252, even if it begins like a UTF-16 BOM
        Err(_) => (
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            true,
        ),
    }
}

/// Reads one line into `buf`, keeping at most `limit` bytes of it; returns the line's full
/// length (0 at the end of the file).
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(total);
        }
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = limit.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..used.min(room)]);
        reader.consume(used);
        total += used;
        if done {
            return Ok(total);
        }
    }
}

fn read_jsonl(
    file: &InputFile,
    source: impl Read,
    first_line: u64,
    opts: &ReadOptions,
    emit: &mut dyn FnMut(Item),
) {
    let max = opts.max_doc_bytes;
    let mut reader = BufReader::with_capacity(1 << 16, source);
    let mut buf = Vec::new();
    let mut line = first_line - 1;
    let mut warned_encoding = false;
    loop {
        buf.clear();
        // JSON escapes can double a text's size; a line longer than that is skipped unread
        let limit = max.saturating_mul(2).saturating_add(4096);
        match read_line_bounded(&mut reader, &mut buf, limit) {
            Ok(0) => break,
            Ok(n) if n > limit => {
                line += 1;
                emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    Some(line),
                    format!(
                        "line is {n} bytes, too long for --max-doc-bytes {max}; line skipped (raise --max-doc-bytes)"
                    ),
                )));
                continue;
            }
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
        let mut body = |key: &str| match obj.get(key) {
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            None => Ok(None),
            // a page may be missing where the text is given
            Some(serde_json::Value::Null) if key == "html" => Ok(None),
            Some(_) => {
                emit(Item::Diag(Diagnostic::error(
                    &file.display,
                    Some(line),
                    format!("field {key:?} is not a string; line skipped"),
                )));
                Err(())
            }
        };
        let (Ok(text), Ok(html)) = (body("text"), body("html")) else {
            continue;
        };
        if text.is_none() && html.is_none() {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                Some(line),
                "no \"text\" (or \"html\") field; line skipped",
            )));
            continue;
        }
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
            html,
            author: scalar("author").or_else(|| scalar("byline")),
            title: scalar("title"),
            published: scalar("published").or_else(|| scalar("date")),
            source: scalar("source"),
            url: scalar("url"),
            language: scalar("language").or_else(|| scalar("lang")),
            group: opts.group_field.as_deref().and_then(|g| {
                // JSON keys are matched case-insensitively, like CSV headers
                obj.iter()
                    .find(|(k, _)| k.to_lowercase() == g)
                    .and_then(|(k, _)| scalar(k))
            }),
        };
        record_doc(file, line, max, fields, emit);
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

fn read_csv(
    file: &InputFile,
    mut f: impl Read,
    delim: u8,
    opts: &ReadOptions,
    emit: &mut dyn FnMut(Item),
) {
    let mut head = Vec::with_capacity(8192);
    let n = (&mut f).take(8192).read_to_end(&mut head).unwrap_or(0);
    head.truncate(n);
    let delim = if delim == 0 {
        sniff_delimiter(&head)
    } else {
        delim
    };
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let quotes = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let chained = QuoteCounter {
        inner: std::io::Cursor::new(if bom { head[3..].to_vec() } else { head }).chain(f),
        quotes: quotes.clone(),
    };
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
    let text_col = col(&want);
    let html_col = col("html");
    if text_col.is_none() && html_col.is_none() {
        emit(Item::Diag(Diagnostic::error(
            &file.display,
            Some(1),
            format!(
                "no {want:?} (or \"html\") column in the header ({}); name the text column with --text-column",
                headers.join(", ")
            ),
        )));
        return;
    }
    let author_col = col("author").or_else(|| col("byline"));
    let (id_col, title_col, url_col, source_col) =
        (col("id"), col("title"), col("url"), col("source"));
    let date_col = col("published").or_else(|| col("date"));
    let lang_col = col("language").or_else(|| col("lang"));
    let group_col = opts.group_field.as_deref().and_then(col);
    let mut warned_encoding = false;
    let mut last_line = 1;
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
            text: get(text_col),
            html: get(html_col),
            author: get(author_col),
            title: get(title_col),
            published: get(date_col),
            source: get(source_col),
            url: get(url_col),
            language: get(lang_col),
            group: get(group_col),
        };
        last_line = line;
        record_doc(file, line, opts.max_doc_bytes, fields, emit);
    }
    // well-formed CSV has an even number of quote characters (escaped quotes are doubled)
    if quotes.get() % 2 == 1 {
        emit(Item::Diag(Diagnostic::warning(
            &file.display,
            Some(last_line),
            "unbalanced quotes: a quoted field runs to the end of the file, so rows after it were read as its text; fix the quoting",
        )));
    }
}

/// Counts the quote characters of a CSV file as they are read.
struct QuoteCounter<R> {
    inner: R,
    quotes: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for QuoteCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let q = buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        self.quotes.set(self.quotes.get() + q);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_that_is_not_utf8_is_windows_1252_even_after_ff_fe() {
        assert_eq!(text_of(b"\xFF\xFEcaf\xE9"), ("ÿþcafé".to_string(), true));
        assert_eq!(text_of("café".as_bytes()), ("café".to_string(), false));
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"id,text,title\n1,a,b"), b',');
        assert_eq!(sniff_delimiter(b"id;text;title\n1;a,b;c"), b';');
        assert_eq!(sniff_delimiter(b"id\ttext\n"), b'\t');
        assert_eq!(sniff_delimiter(b"text\n"), b',');
    }

    #[test]
    fn truncation() {
        let mut t = format!("{}\n\n{}", "x".repeat(95), "y".repeat(20));
        assert!(truncate_text(&mut t, 100));
        assert_eq!(t, format!("{}\n\n", "x".repeat(95)));
        let mut t = "abcdefghij".repeat(3);
        assert!(truncate_text(&mut t, 7));
        assert_eq!(t, "abcdefg");
        let mut t = "ééééé".to_string();
        assert!(truncate_text(&mut t, 5));
        assert_eq!(t, "éé");
        let mut t = "short".to_string();
        assert!(!truncate_text(&mut t, 5));
    }

    #[test]
    fn bounded_lines() {
        let mut r = std::io::Cursor::new(b"0123456789\nab\n".to_vec());
        let mut buf = Vec::new();
        assert_eq!(read_line_bounded(&mut r, &mut buf, 4).unwrap(), 11);
        assert_eq!(buf, b"0123");
        buf.clear();
        assert_eq!(read_line_bounded(&mut r, &mut buf, 4).unwrap(), 3);
        assert_eq!(buf, b"ab\n");
        buf.clear();
        assert_eq!(read_line_bounded(&mut r, &mut buf, 4).unwrap(), 0);
    }

    #[test]
    fn documentation_names() {
        assert!(is_documentation("NOTICE.md"));
        assert!(is_documentation("README"));
        assert!(is_documentation("license.txt"));
        assert!(!is_documentation("notices_from_police.txt"));
    }
}
