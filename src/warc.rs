//! WARC: web archives in, their news pages out.
//!
//! Takes a `.warc` or `.warc.gz` stream (Common Crawl's news crawl, the Internet Archive,
//! newsroom archiving tools); gives one [`Document`] per `response` record that holds a web
//! page (HTTP 200, an HTML content type), with `url` from `WARC-Target-URI`, `published` from
//! the page or else `WARC-Date`, `source` the host, and the article from [`crate::html`].
//!
//! The stream is read record by record: a record's block is read only when it is a page to
//! extract (and then at most [`crate::html`]'s cap), every other block is skipped as it
//! streams by, so a gigabyte archive never sits in memory. Each gzip member is decompressed
//! in turn. What is not a page is told apart: `warcinfo`, `request`, `metadata` and the other
//! bookkeeping records are counted in one info line per file; a response that is not an HTML
//! page (a PDF, an image, a redirect) is an info row of its own; a record cut short, a header
//! block that is not WARC, or a damaged gzip member ends the file with an error naming the
//! record, after every record before it was read.
//!
//! Written here rather than taken from the `warc` crate (0.4): its reader gathers a header
//! block with no bound (a file that is not WARC, or a damaged one, is read whole into memory
//! looking for the blank line), and it cannot skip a block it does not want without buffering
//! it.

use crate::diagnostics::Diagnostic;
use crate::input::{Document, InputFile, Item};
use std::io::{self, BufRead, BufReader, Read};

/// Longest header block (WARC or HTTP) read; a longer one is not a header block.
const MAX_HEADER: usize = 64 * 1024;

/// Reads the WARC stream `source` of `file`; `max` is the longest text kept per document,
/// `html_cap` the most bytes of one page read.
pub fn read(
    file: &InputFile,
    source: impl Read,
    max: usize,
    html_cap: usize,
    emit: &mut dyn FnMut(Item),
) {
    let mut buffered = BufReader::with_capacity(64 * 1024, source);
    let gzipped = match buffered.fill_buf() {
        Ok(head) => head.starts_with(&[0x1f, 0x8b]),
        Err(e) => {
            emit(Item::Diag(Diagnostic::error(
                &file.display,
                None,
                format!("cannot read: {e}"),
            )));
            return;
        }
    };
    if gzipped {
        let z = flate2::bufread::MultiGzDecoder::new(buffered);
        records(
            file,
            BufReader::with_capacity(64 * 1024, z),
            max,
            html_cap,
            emit,
        )
    } else {
        records(file, buffered, max, html_cap, emit)
    }
}

/// Counts of records that are not pages, for the file's info line.
#[derive(Default)]
struct Skipped {
    bookkeeping: u64,
}

fn records(
    file: &InputFile,
    mut r: impl BufRead,
    max: usize,
    html_cap: usize,
    emit: &mut dyn FnMut(Item),
) {
    let mut n = 0u64;
    let mut skipped = Skipped::default();
    let error = |n: u64, what: String| {
        Item::Diag(Diagnostic::error(
            &file.display,
            Some(n),
            format!("{what}; the rest of the file is skipped"),
        ))
    };
    loop {
        let header = match header_block(&mut r, true) {
            Ok(Some(h)) => h,
            Ok(None) => break,
            Err(e) => {
                emit(error(n + 1, format!("record {}: {e}", n + 1)));
                break;
            }
        };
        n += 1;
        let Some(version) = header.first_line.strip_prefix("WARC/") else {
            let what = if n == 1 {
                "not a WARC file (it does not begin with WARC/1.0 or WARC/1.1)".to_string()
            } else {
                format!("record {n} does not begin with a WARC version line")
            };
            emit(error(n, what));
            break;
        };
        let _ = version;
        let Some(length) = header
            .get("content-length")
            .and_then(|v| v.parse::<u64>().ok())
        else {
            emit(error(n, format!("record {n} has no Content-Length")));
            break;
        };
        let kind = header.get("warc-type").unwrap_or("").to_ascii_lowercase();
        let is_http = header
            .get("content-type")
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/http"));
        let mut block = (&mut r).take(length);
        let outcome = if kind == "response" && is_http {
            response(file, n, &header, &mut block, max, html_cap, emit)
        } else {
            skipped.bookkeeping += 1;
            Ok(None)
        };
        // whatever of the block was not read streams by
        let doc = outcome.and_then(|doc| io::copy(&mut block, &mut io::sink()).map(|_| doc));
        let doc = match doc {
            Ok(doc) => doc,
            Err(e) => {
                emit(error(n, format!("record {n} damaged ({e})")));
                break;
            }
        };
        // a page is an article only when its record is whole
        if block.limit() == 0
            && let Some(doc) = doc
        {
            emit(Item::Doc(doc));
        }
        if block.limit() > 0 {
            emit(error(
                n,
                format!(
                    "record {n} cut short: {} of its {length} bytes are missing",
                    block.limit()
                ),
            ));
            break;
        }
    }
    if skipped.bookkeeping > 0 {
        emit(Item::Diag(Diagnostic::info(
            &file.display,
            None,
            format!(
                "{} of {n} records are not HTTP responses (warcinfo, request, metadata, …): not articles",
                skipped.bookkeeping
            ),
        )));
    }
}

/// One `response` record: the HTTP message in `block`, read as far as the page goes (at most
/// `html_cap` bytes of it); its article, when it is a page.
fn response(
    file: &InputFile,
    n: u64,
    warc: &Header,
    block: &mut impl BufRead,
    max: usize,
    html_cap: usize,
    emit: &mut dyn FnMut(Item),
) -> io::Result<Option<Document>> {
    let url = warc
        .get("warc-target-uri")
        .map(|u| u.trim_matches(['<', '>']).to_string());
    let info = |what: String| Item::Diag(Diagnostic::info(&file.display, Some(n), what));
    let shown = url.as_deref().unwrap_or("(no address)");
    let http = match header_block(block, false) {
        Ok(Some(h)) => h,
        Ok(None) | Err(_) => {
            emit(info(format!(
                "record {n} ({shown}): no HTTP response in it; skipped"
            )));
            return Ok(None);
        }
    };
    let status = http.first_line.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        emit(info(format!(
            "record {n} ({shown}): HTTP status {status}, not a page; skipped"
        )));
        return Ok(None);
    }
    let ctype = http.get("content-type").unwrap_or("").to_ascii_lowercase();
    if !(ctype.contains("html") || ctype.is_empty()) {
        let ctype = ctype.split(';').next().unwrap_or("").trim().to_string();
        emit(info(format!(
            "record {n} ({shown}): {ctype}, not a web page; skipped"
        )));
        return Ok(None);
    }
    let mut body = Vec::new();
    block.take(html_cap as u64).read_to_end(&mut body)?;
    if http
        .get("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        body = dechunk(&body);
    }
    if http
        .get("content-encoding")
        .is_some_and(|e| e.eq_ignore_ascii_case("gzip"))
    {
        match crate::html::gunzip(body, html_cap) {
            Ok((b, _)) => body = b,
            Err(e) => {
                emit(info(format!("record {n} ({shown}): {e}; skipped")));
                return Ok(None);
            }
        }
    }
    if let Some(what) = crate::decode::binary(&body) {
        emit(info(format!("record {n} ({shown}): {what}; skipped")));
        return Ok(None);
    }
    let page = match crate::html::extract(&body, url.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            emit(info(format!("record {n} ({shown}): {e}")));
            return Ok(None);
        }
    };
    let mut text = page.text;
    let len = text.len();
    if crate::input::truncate_text(&mut text, max) {
        emit(Item::Diag(Diagnostic::warning(
            &file.display,
            Some(n),
            format!("record {n} ({shown}): {len} bytes of text, cut to --max-doc-bytes {max}"),
        )));
    }
    let host = url.as_deref().and_then(host_of);
    Ok(Some(Document {
        doc_id: url
            .clone()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| format!("{}#{n}", file.id_base)),
        path: file.display.clone(),
        line: Some(n),
        title: page.title,
        published: page
            .published
            .or_else(|| warc.get("warc-date").and_then(crate::meta::parse_date)),
        source: host.unwrap_or_else(|| file.folder.clone()),
        url,
        author: page.author,
        language: None,
        group: None,
        text,
    }))
}

/// A header block: its first line and its fields (names lower-cased, values trimmed).
struct Header {
    first_line: String,
    fields: Vec<(String, String)>,
}

impl Header {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads lines up to a blank line (at most [`MAX_HEADER`] bytes). `None` at the end of the
/// stream; with `skip_blank`, blank lines before the block (between records) are passed over.
fn header_block(r: &mut impl BufRead, skip_blank: bool) -> io::Result<Option<Header>> {
    let mut lines: Vec<String> = Vec::new();
    let mut total = 0usize;
    loop {
        let mut line = Vec::new();
        let got = r
            .by_ref()
            .take((MAX_HEADER - total + 1) as u64)
            .read_until(b'\n', &mut line)?;
        if got == 0 {
            if lines.is_empty() {
                return Ok(None);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the stream ends inside a header block",
            ));
        }
        total += got;
        if total > MAX_HEADER {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a header block longer than {} KiB", MAX_HEADER / 1024),
            ));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if lines.is_empty() && skip_blank {
                continue;
            }
            break;
        }
        lines.push(text.to_string());
    }
    let mut it = lines.into_iter();
    let first_line = it.next().unwrap_or_default();
    let mut fields: Vec<(String, String)> = Vec::new();
    for l in it {
        match l.split_once(':') {
            Some((k, v)) => fields.push((k.trim().to_ascii_lowercase(), v.trim().to_string())),
            // a continuation line
            None => {
                if let Some(last) = fields.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(l.trim());
                }
            }
        }
    }
    Ok(Some(Header { first_line, fields }))
}

/// The body of an HTTP message sent in chunks; what cannot be read as chunks is kept as it is.
fn dechunk(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let Some(eol) = body[i..].windows(2).position(|w| w == b"\r\n") else {
            return body.to_vec();
        };
        let size_text = String::from_utf8_lossy(&body[i..i + eol]);
        let Ok(size) = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
        else {
            return body.to_vec();
        };
        i += eol + 2;
        if size == 0 {
            break;
        }
        let end = (i + size).min(body.len());
        out.extend_from_slice(&body[i..end]);
        i = end + 2;
    }
    out
}

/// `www.example.com` → `example.com`, from an absolute address.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host
        .rsplit('@')
        .next()?
        .split(':')
        .next()?
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://www.bbc.co.uk/news/x?y=1").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            host_of("http://user@Example.org:8080/").as_deref(),
            Some("example.org")
        );
        assert_eq!(host_of("not a url"), None);
    }

    #[test]
    fn chunks() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n"),
            b"hello world"
        );
        assert_eq!(dechunk(b"<html>not chunked"), b"<html>not chunked");
    }

    #[test]
    fn header_blocks_are_bounded() {
        let mut r = io::Cursor::new(b"\r\n\r\nWARC/1.1\r\nA: b\r\n c\r\n\r\nrest".to_vec());
        let h = header_block(&mut r, true).unwrap().unwrap();
        assert_eq!(h.first_line, "WARC/1.1");
        assert_eq!(h.get("a"), Some("b c"));
        let mut huge = io::Cursor::new(vec![b'x'; 10 * MAX_HEADER]);
        assert!(header_block(&mut huge, true).is_err());
        assert!(
            header_block(&mut io::Cursor::new(Vec::new()), true)
                .unwrap()
                .is_none()
        );
    }
}
