//! HTML: a saved web page in, its article out.
//!
//! Takes the bytes of an HTML page (a `.html`/`.htm` file, gzipped or not, or a JSONL/CSV
//! record's `html` field) and the page's address when known; gives the article's main text
//! with its title, publication date, author and site name, menus, footers, related links,
//! cookie banners and comments left out. The extraction is `rs-trafilatura`'s (a Rust port
//! of trafilatura: F1 0.957 on the 91 pages of the article-extraction benchmark in
//! `../shared/eval/html`, README), wrapped so that no page can take the run down:
//!
//! - a page nested deeper than [`MAX_DEPTH`] elements is refused before parsing (the parser and
//!   the extractor recurse per level: tens of thousands of levels overflow a thread's stack,
//!   which no `catch_unwind` can catch, and a few thousand already take seconds);
//! - a panic inside the extractor becomes an error for that page alone;
//! - the text is cut by the caller at a paragraph boundary, never by the extractor (which
//!   cuts at a byte count that may fall inside a character).
//!
//! Bytes that are UTF-8 are read as they are; other bytes by the page's `<meta charset>`
//! (encoding_rs), else as Windows-1252.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Deepest element nesting a page may have (counted over elements whose end tag is required;
/// real news pages stay under about 60).
pub const MAX_DEPTH: usize = 1000;

/// What one page gives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The article's main text, paragraphs separated by blank lines.
    pub text: String,
    /// Headline.
    pub title: Option<String>,
    /// Publication day, ISO 8601 (`2024-03-01`).
    pub published: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// The outlet's name (`og:site_name`, the publisher in JSON-LD), else the host name.
    pub site: Option<String>,
}

/// Elements that never have content, and those whose end tag may be left out (a parser
/// closes them itself): neither deepens the nesting the way an unclosed `<div>` does.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "caption", "html", "head", "body", "!doctype",
];

/// How deep elements nest in `html`, counted from its tags alone (a fast scan, no parsing;
/// comments, `<script>` and `<style>` contents skipped).
pub fn nesting_depth(html: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    let n = html.len();
    while let Some(off) = memchr(b'<', &html[i..]) {
        i += off + 1;
        if html[i..].starts_with(b"!--") {
            i = find(html, i + 3, b"-->").map_or(n, |e| e + 3);
            continue;
        }
        let closing = html.get(i) == Some(&b'/');
        let start = i + closing as usize;
        let mut end = start;
        while end < n && (html[end].is_ascii_alphanumeric() || html[end] == b'!') {
            end += 1;
        }
        if end == start || !html[start].is_ascii_alphabetic() && html[start] != b'!' {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        let close = memchr(b'>', &html[end..]).map_or(n, |e| end + e);
        let self_closing = close > end && html.get(close - 1) == Some(&b'/');
        i = close.min(n);
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if name == b"script" || name == b"style" {
            let end_tag: &[u8] = if name == b"script" {
                b"</script"
            } else {
                b"</style"
            };
            i = find_ci(html, i, end_tag).unwrap_or(n);
            continue;
        }
        if self_closing || NOT_NESTING.iter().any(|t| t.as_bytes() == name.as_slice()) {
            continue;
        }
        depth += 1;
        deepest = deepest.max(depth);
    }
    deepest
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == b)
}

fn find(s: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| from + p)
}

fn find_ci(s: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(pat.len())
        .position(|w| w.eq_ignore_ascii_case(pat))
        .map(|p| from + p)
}

/// The article in `html` (see the module docs); `url` helps resolve the site's name. An error
/// says in one line why nothing was extracted.
pub fn extract(html: &[u8], url: Option<&str>) -> Result<Page, String> {
    let depth = nesting_depth(html);
    if depth > MAX_DEPTH {
        return Err(format!(
            "HTML nested {depth} elements deep (more than {MAX_DEPTH}); not extracted: the page is \
             malformed or hostile (open and re-save it in a browser to read it)"
        ));
    }
    let options = rs_trafilatura::Options {
        url: url.map(str::to_string),
        // the caller cuts long texts at a paragraph; the extractor's own cut can split a
        // character and panic
        max_extracted_len: usize::MAX,
        ..rs_trafilatura::Options::default()
    };
    let result = catch_unwind(AssertUnwindSafe(|| match std::str::from_utf8(html) {
        Ok(s) => rs_trafilatura::extract_with_options(s, &options),
        Err(_) => rs_trafilatura::extract_bytes_with_options(html, &options),
    }));
    let r = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Err(format!("no article found in the page: {e}")),
        Err(_) => {
            return Err(
                "the HTML extractor failed on this page (an internal error); page skipped".into(),
            );
        }
    };
    let text = r.content_text.trim().to_string();
    if text.is_empty() {
        return Err(
            "no article text found in the page (an index page, a video, or only scripts)".into(),
        );
    }
    let clean = |s: Option<String>| {
        s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
    };
    let m = r.metadata;
    Ok(Page {
        text,
        title: clean(m.title),
        // a day, as every other input gives it (the timeline counts days)
        published: m.date.map(|d| d.format("%Y-%m-%d").to_string()),
        author: clean(m.author),
        site: clean(m.sitename).or_else(|| clean(m.hostname)),
    })
}

/// Gunzips `bytes` when they start with gzip's magic number, reading at most `max` bytes of
/// output (a gzip bomb stops there); other bytes are returned as they are. A stream cut short
/// gives what came out of it with a warning.
pub fn gunzip(bytes: Vec<u8>, max: usize) -> Result<(Vec<u8>, Option<String>), String> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok((bytes, None));
    }
    let mut out = Vec::new();
    let mut d = flate2::read::MultiGzDecoder::new(&bytes[..]).take(max as u64);
    match d.read_to_end(&mut out) {
        Ok(_) => Ok((out, None)),
        Err(e) if !out.is_empty() => {
            let w = format!(
                "gzip data cut short or damaged after {} bytes ({e}); read what came before",
                out.len()
            );
            Ok((out, Some(w)))
        }
        Err(e) => Err(format!("not readable as gzip: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Floods close roads | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-03-01T08:00:00Z">
<meta name="author" content="Lois Lane">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<article><h1>Floods close roads across the valley</h1>
<p>Heavy rain on Thursday flooded the main roads of the valley, and the regional council closed
three bridges as the river rose to its highest level in forty years.</p>
<p>"We have never seen the water this high," said Maria Keller, who has run the bakery on the
river bank since 1985. Emergency crews evacuated two hundred residents overnight.</p>
<p>The weather service expects the rain to ease on Saturday, but warned that the ground is
saturated and that more flooding is possible next week in the lower valley.</p>
</article>
<footer>Copyright Daily Planet. All rights reserved. Contact us. Privacy policy.</footer>
</body></html>"#;

    #[test]
    fn the_article_without_the_page_around_it() {
        let p = extract(
            PAGE.as_bytes(),
            Some("https://www.dailyplanet.example/floods"),
        )
        .unwrap();
        assert!(p.text.contains("flooded the main roads"), "{}", p.text);
        assert!(p.text.contains("Maria Keller"), "{}", p.text);
        for junk in ["cookies", "Copyright", "Sport"] {
            assert!(!p.text.contains(junk), "{junk} in {}", p.text);
        }
        assert_eq!(p.published.as_deref(), Some("2024-03-01"));
        assert_eq!(p.author.as_deref(), Some("Lois Lane"));
        assert_eq!(p.site.as_deref(), Some("Daily Planet"));
        assert!(
            p.title
                .as_deref()
                .is_some_and(|t| t.contains("Floods close roads"))
        );
    }

    #[test]
    fn nesting_is_counted_from_the_tags() {
        assert_eq!(nesting_depth(b"<div><div><span>x</span></div></div>"), 3);
        // unclosed paragraphs and list items, void and self-closing elements do not nest
        assert_eq!(
            nesting_depth(b"<div><p>a<p>b<li>c<br><img src=x><x/></div>"),
            1
        );
        // comments, scripts and styles are skipped
        assert_eq!(
            nesting_depth(b"<!-- <div><div> --><script>if (a<b) {'<div>'}</script><div></div>"),
            1
        );
        assert_eq!(nesting_depth(b"a < b and c<d"), 1);
    }

    #[test]
    fn hostile_pages_are_refused_or_reported_never_fatal() {
        // far deeper than a thread's stack would survive in the parser
        let deep = "<div>".repeat(100_000) + "text";
        let e = extract(deep.as_bytes(), None).unwrap_err();
        assert!(e.contains("nested 100000 elements deep"), "{e}");
        let tables = "<table><tr><td>".repeat(5_000);
        assert!(extract(tables.as_bytes(), None).is_err());
        // empty, binary, scripts only, unclosed tags: an error or a page, never a panic
        for bad in [
            &b""[..],
            &[0u8; 4096][..],
            b"<html><script>var a = 1;</script></html>",
            b"<p><b><i>unclosed <div><span>",
            &[0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28][..],
        ] {
            let _ = extract(bad, None);
        }
        // a long article with multi-byte characters (the extractor's own length cut would
        // fall inside a character)
        let long = format!(
            "<html><body><article>{}</article></body></html>",
            "<p>Москва и Петербург получили новые правила для городского транспорта.</p>"
                .repeat(12_000)
        );
        let p = extract(long.as_bytes(), None).unwrap();
        assert!(p.text.len() > 1_000_000);
    }

    #[test]
    fn gzip_in_and_cut_short() {
        use std::io::Write;
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(PAGE.as_bytes()).unwrap();
        let gz = z.finish().unwrap();
        assert_eq!(
            gunzip(gz.clone(), 1 << 20).unwrap(),
            (PAGE.as_bytes().to_vec(), None)
        );
        assert_eq!(
            gunzip(PAGE.as_bytes().to_vec(), 10).unwrap().0,
            PAGE.as_bytes()
        );
        // at most `max` bytes come out
        assert_eq!(gunzip(gz.clone(), 100).unwrap().0.len(), 100);
        let (part, warning) = gunzip(gz[..gz.len() / 2].to_vec(), 1 << 20).unwrap();
        assert!(!part.is_empty() && PAGE.as_bytes().starts_with(&part));
        assert!(warning.unwrap().contains("cut short"));
        assert!(gunzip(vec![0x1f, 0x8b, 0, 0], 1 << 20).is_err());
    }
}
