//! Output: the CSV contract and how files are written.
//!
//! Takes rows; gives CSV files that open cleanly in a spreadsheet, pandas or R. Every table has a
//! fixed header ([`Row::HEADER`]) written even when it has no rows. Text cells that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) get a
//! leading `'` ([`guard`]); numbers are written plainly, floats in their shortest exact form.
//! Where the files go and how they are published is [`crate::publish`]'s job.

use crate::schema::TableDef;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Makes a text cell safe to open in a spreadsheet: a leading `'` before `= + - @ \t \r`.
pub fn guard(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// A text cell, written through [`guard`].
#[derive(Clone, Copy, Debug)]
pub struct Text<'a>(pub &'a str);

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&guard(self.0))
    }
}

/// A float cell in plain decimal notation (shortest representation that reads back exactly).
#[derive(Clone, Copy, Debug)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.0.abs();
        // ryu and `format!` agree on the digits except on exact ties, which only large
        // numbers with few fraction bits can have; those (and the non-finite) go the slow way
        if x == 0.0 || (1e-30..1e12).contains(&x) {
            let mut ryu = ryu::Buffer::new();
            let mut out = [0u8; 40];
            match plain_decimal(ryu.format_finite(self.0), &mut out) {
                Some(text) => s.serialize_str(text),
                // longer than 40 characters (below about 1e-20): rare, allocate
                None => s.serialize_str(&format!("{}", self.0)),
            }
        } else if x.is_finite() {
            s.serialize_str(&format!("{}", self.0))
        } else {
            s.serialize_str("")
        }
    }
}

/// Rewrites ryu's shortest round-trip form (`1.0`, `1.5e-7`) as the plain decimal that
/// `format!("{}")` gives (`1`, `0.00000015`) into `out` — the same digits, without the
/// allocation and at several times the speed. `None` when it does not fit.
fn plain_decimal<'o>(ryu: &str, out: &'o mut [u8; 40]) -> Option<&'o str> {
    let (neg, body) = match ryu.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, ryu),
    };
    let (mantissa, exp) = match body.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let frac = frac.trim_end_matches('0');
    // the digits without the point, and where the point goes
    let mut digits = [0u8; 40];
    let n = int.len() + frac.len();
    if n > digits.len() {
        return None;
    }
    digits[..int.len()].copy_from_slice(int.as_bytes());
    digits[int.len()..n].copy_from_slice(frac.as_bytes());
    let point = int.len() as i32 + exp;
    let mut len = 0usize;
    let mut push = |b: u8, out: &mut [u8; 40]| -> Option<()> {
        *out.get_mut(len)? = b;
        len += 1;
        Some(())
    };
    if neg {
        push(b'-', out)?;
    }
    let digits = &digits[..n];
    if point <= 0 {
        push(b'0', out)?;
        push(b'.', out)?;
        for _ in 0..-point {
            push(b'0', out)?;
        }
        for &d in digits {
            push(d, out)?;
        }
    } else {
        let point = point as usize;
        let padded = digits.iter().copied().chain(std::iter::repeat(b'0'));
        for (i, d) in padded.take(point.max(n)).enumerate() {
            if i == point {
                push(b'.', out)?;
            }
            push(d, out)?;
        }
    }
    std::str::from_utf8(&out[..len]).ok()
}

/// A row type of one output table.
pub trait Row: Serialize {
    /// The column names, in order.
    const HEADER: &'static [&'static str];
}

/// `documents.csv`: one row per document.
#[derive(Serialize)]
pub struct DocumentRow<'a> {
    pub doc_id: Text<'a>,
    pub source: Text<'a>,
    pub title: Option<Text<'a>>,
    pub published: Option<&'a str>,
    pub language: &'a str,
    pub language_confidence: Num,
    pub chars: u64,
    pub sentences: u64,
    pub tokens: u64,
    pub words: u64,
    pub unique_terms: u64,
    pub language_reliable: bool,
    pub languages: &'a str,
    pub url: Option<Text<'a>>,
    pub path: Text<'a>,
    pub line: Option<u64>,
    pub author: Option<Text<'a>>,
    pub wire: Option<&'a str>,
    /// Filled in when the table is written (the clusters are known only then).
    pub duplicate_of: Option<Text<'a>>,
}

impl Row for DocumentRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::DOCUMENTS.header;
}

/// `terms.csv`: one row per term per document.
#[derive(Serialize)]
pub struct TermRow<'a> {
    pub doc_id: Text<'a>,
    pub term: Text<'a>,
    pub stem: Text<'a>,
    pub n: u8,
    pub count: u32,
    pub tf: Num,
    pub df: u64,
    pub idf: Num,
    pub tfidf: Num,
}

impl Row for TermRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::TERMS.header;
}

/// `keywords.csv`: the top keywords of each document, per method.
#[derive(Serialize)]
pub struct KeywordRow<'a> {
    pub doc_id: Text<'a>,
    pub method: &'a str,
    pub rank: u32,
    pub keyword: Text<'a>,
    pub score: Num,
    pub count: u32,
    pub first_start: u64,
}

impl Row for KeywordRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::KEYWORDS.header;
}

/// `corpus_terms.csv`: one row per term (and language) in the corpus.
#[derive(Serialize)]
pub struct CorpusTermRow<'a> {
    pub term: Text<'a>,
    pub stem: Text<'a>,
    pub n: u8,
    pub language: &'a str,
    pub docs: u64,
    pub count: u64,
    pub idf: Num,
}

impl Row for CorpusTermRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::CORPUS_TERMS.header;
}

/// `duplicates.csv`: one row per article in a cluster of copies.
#[derive(Serialize)]
pub struct DuplicateRow<'a> {
    pub cluster: u64,
    pub doc_id: Text<'a>,
    pub duplicate_of: Option<Text<'a>>,
    pub similarity: Num,
    pub published: Option<&'a str>,
    pub source: Text<'a>,
    pub wire: Option<&'a str>,
}

impl Row for DuplicateRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::DUPLICATES.header;
}

/// `diagnostics.csv`: one row per skipped or repaired input.
#[derive(Serialize)]
pub struct DiagnosticRow<'a> {
    pub path: Text<'a>,
    pub line: Option<u64>,
    pub severity: &'a str,
    pub message: Text<'a>,
}

impl Row for DiagnosticRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::DIAGNOSTICS.header;
}

/// `sentences.csv` (with `--emit sentences`).
#[derive(Serialize)]
pub struct SentenceRow<'a> {
    pub doc_id: Text<'a>,
    pub sentence: u32,
    pub start: u64,
    pub end: u64,
}

impl Row for SentenceRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::SENTENCES.header;
}

/// `tokens.csv` (with `--emit tokens`).
#[derive(Serialize)]
pub struct TokenRow<'a> {
    pub doc_id: Text<'a>,
    pub sentence: u32,
    pub token: u32,
    pub start: u64,
    pub end: u64,
    pub text: Text<'a>,
    pub kind: &'a str,
    pub lower: Text<'a>,
    pub stem: Text<'a>,
    pub stopword: bool,
    /// Universal POS tag; empty where the language has no POS model.
    pub upos: &'a str,
}

impl Row for TokenRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::TOKENS.header;
}

/// `texts.csv` (with `--tables texts`): the text every offset refers to.
#[derive(Serialize)]
pub struct TextRow<'a> {
    pub doc_id: Text<'a>,
    pub title: Option<Text<'a>>,
    pub text: Text<'a>,
}

impl Row for TextRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::TEXTS.header;
}

/// `mentions.csv`: one row per mention of a named entity, date, time or amount.
#[derive(Serialize)]
pub struct MentionRow<'a> {
    pub doc_id: Text<'a>,
    pub start: u64,
    pub end: u64,
    pub text: Text<'a>,
    pub label: &'a str,
    pub entity: Option<Text<'a>>,
    pub sentence: u32,
    pub method: &'a str,
    pub value: Option<Text<'a>>,
}

impl Row for MentionRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::MENTIONS.header;
}

/// `entities.csv`: one row per named entity per document.
#[derive(Serialize)]
pub struct EntityRow<'a> {
    pub doc_id: Text<'a>,
    pub entity: Text<'a>,
    pub label: &'a str,
    pub mentions: u32,
    pub first_start: u64,
    pub aliases: Text<'a>,
    /// Language-independent identifier (`iso:US`, `gn:1816670`), or empty.
    pub id: Text<'a>,
}

impl Row for EntityRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::ENTITIES.header;
}

/// `quotes.csv`: one row per attribution.
#[derive(Serialize)]
pub struct QuoteRow<'a> {
    pub doc_id: Text<'a>,
    pub quote_id: u32,
    pub kind: &'a str,
    pub content_start: u64,
    pub content_end: u64,
    pub content: Text<'a>,
    pub cue: Text<'a>,
    pub cue_start: u64,
    pub cue_end: u64,
    pub source: Option<Text<'a>>,
    pub source_start: Option<u64>,
    pub source_end: Option<u64>,
    pub entity: Option<Text<'a>>,
    pub entity_id: Option<Text<'a>>,
    pub label: Option<&'a str>,
}

impl Row for QuoteRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::QUOTES.header;
}

/// `corpus_sources.csv`: one row per quoted entity, over the corpus or one group.
#[derive(Serialize)]
pub struct CorpusSourceRow<'a> {
    pub group_by: &'a str,
    pub group: Text<'a>,
    pub entity: Text<'a>,
    pub label: &'a str,
    pub id: Text<'a>,
    pub docs: u64,
    pub quotes: u64,
    pub words_quoted: u64,
}

impl Row for CorpusSourceRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::CORPUS_SOURCES.header;
}

/// `corpus_entities.csv`: one row per named entity in the corpus: per identifier where it is
/// linked (its label the one with the most mentions), else per name and label.
#[derive(Serialize)]
pub struct CorpusEntityRow<'a> {
    pub entity: Text<'a>,
    pub label: &'a str,
    pub docs: u64,
    pub mentions: u64,
    pub aliases: Text<'a>,
    /// Language-independent identifier, or empty.
    pub id: Text<'a>,
}

impl Row for CorpusEntityRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::CORPUS_ENTITIES.header;
}

/// A CSV writer without automatic headers (rows are serialized; headers come from
/// [`Row::HEADER`]).
pub fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().has_headers(false).from_writer(w)
}

/// A buffered file shared by a table's CSV writer and its raw appends.
#[derive(Clone)]
struct Shared(Rc<RefCell<BufWriter<File>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

/// One output table being written (into the staging folder, see [`crate::publish`]): rows
/// go to its CSV file; with `--format parquet` the finished CSV file is also written as a
/// Parquet file ([`crate::columnar`]), which is what the run publishes.
pub struct Table {
    name: &'static str,
    file: Shared,
    writer: csv::Writer<Shared>,
    rows: u64,
    done: Rc<RefCell<Vec<(&'static str, u64)>>>,
    /// With `--format parquet`: the definition, the CSV file and the Parquet file to write.
    parquet: Option<(&'static TableDef, PathBuf, PathBuf)>,
}

impl Table {
    /// The file name, e.g. `documents.csv`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Appends one row.
    pub fn row<R: Row>(&mut self, row: &R) -> io::Result<()> {
        self.rows += 1;
        self.writer.serialize(row).map_err(csv_io)
    }

    /// Appends bytes that are already CSV rows of this table, one row per line (true of the
    /// token and sentence rows: no cell of theirs holds a line break).
    pub fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.rows += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        self.writer.flush()?;
        self.file.write_all(bytes)
    }

    /// Appends `rows` CSV rows already encoded (their cells may hold line breaks).
    pub fn raw_rows(&mut self, bytes: &[u8], rows: u64) -> io::Result<()> {
        self.rows += rows;
        self.writer.flush()?;
        self.file.write_all(bytes)
    }

    /// Flushes and syncs the file (and writes the Parquet file, with `--format parquet`).
    pub fn finish(mut self) -> io::Result<&'static str> {
        self.writer.flush()?;
        {
            let mut file = self.file.0.borrow_mut();
            file.flush()?;
            file.get_ref().sync_all()?;
        }
        if let Some((def, csv, parquet)) = &self.parquet {
            crate::columnar::convert(def, csv, parquet)?;
        }
        self.done.borrow_mut().push((self.name, self.rows));
        Ok(self.name)
    }

    /// Creates the table file `path` with its BOM (if asked) and header; `done` receives the
    /// table's name and row count when it is finished; `parquet` names the Parquet file to
    /// write from it when it is.
    pub fn create(
        name: &'static str,
        path: &Path,
        header: &[&str],
        bom: bool,
        done: Rc<RefCell<Vec<(&'static str, u64)>>>,
        parquet: Option<(&'static TableDef, PathBuf)>,
    ) -> io::Result<Table> {
        let mut file = BufWriter::with_capacity(1 << 16, File::create(path)?);
        if bom {
            file.write_all(b"\xEF\xBB\xBF")?;
        }
        let file = Shared(Rc::new(RefCell::new(file)));
        let mut writer = csv_writer(file.clone());
        writer.write_record(header).map_err(csv_io)?;
        Ok(Table {
            name,
            file,
            writer,
            rows: 0,
            done,
            parquet: parquet.map(|(def, out)| (def, path.to_path_buf(), out)),
        })
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Every file a run may publish, in the contract's order (the tables in both formats, then
/// the workbook, the page and `run.json`); stale ones from an earlier run are removed on
/// publishing.
pub fn output_files() -> Vec<&'static str> {
    crate::schema::TABLES
        .iter()
        .flat_map(|t| [t.file, t.parquet])
        .chain(["newslens.xlsx", "report.html", "run.json"])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(x: f64) -> String {
        let mut w = csv_writer(Vec::new());
        w.serialize([Num(x)]).unwrap();
        String::from_utf8(w.into_inner().unwrap())
            .unwrap()
            .trim_end()
            .to_string()
    }

    #[test]
    fn numbers_read_as_rust_writes_them() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.1,
            1e-7,
            1.5e-7,
            123456.0,
            1.5e20,
            1e15,
            1e16,
            1e-5,
            0.30000000000000004,
            2.0f64.sqrt(),
            1e-300,
            1.7976931348623157e308,
            5e-324,
        ] {
            assert_eq!(num(x), format!("{x}"), "{x:e}");
        }
        assert_eq!(num(f64::NAN), "\"\"");
        // random bit patterns and the ranges tf, idf and scores live in
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..2_000_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = if i % 2 == 0 {
                f64::from_bits(state)
            } else {
                (state >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi((i % 13) - 6)
            };
            if x.is_finite() {
                assert_eq!(num(x), format!("{x}"), "{x:e}");
            }
        }
    }

    fn header_of<R: Row>(row: &R) -> Vec<String> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(true)
            .from_writer(vec![]);
        w.serialize(row).unwrap();
        let bytes = w.into_inner().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        text.lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn headers_match_fields() {
        let t = Text("x");
        let n = Num(0.5);
        let doc = DocumentRow {
            doc_id: t,
            source: t,
            title: Some(t),
            published: None,
            language: "eng",
            language_confidence: n,
            chars: 1,
            sentences: 1,
            tokens: 1,
            words: 1,
            unique_terms: 1,
            language_reliable: true,
            languages: "eng:1.00",
            url: None,
            path: t,
            line: None,
            author: None,
            wire: None,
            duplicate_of: None,
        };
        assert_eq!(header_of(&doc), DocumentRow::HEADER);
        let dup = DuplicateRow {
            cluster: 1,
            doc_id: t,
            duplicate_of: Some(t),
            similarity: n,
            published: None,
            source: t,
            wire: None,
        };
        assert_eq!(header_of(&dup), DuplicateRow::HEADER);
        let term = TermRow {
            doc_id: t,
            term: t,
            stem: t,
            n: 1,
            count: 1,
            tf: n,
            df: 1,
            idf: n,
            tfidf: n,
        };
        assert_eq!(header_of(&term), TermRow::HEADER);
        let kw = KeywordRow {
            doc_id: t,
            method: "combined",
            rank: 1,
            keyword: t,
            score: n,
            count: 1,
            first_start: 0,
        };
        assert_eq!(header_of(&kw), KeywordRow::HEADER);
        let ct = CorpusTermRow {
            term: t,
            stem: t,
            n: 1,
            language: "eng",
            docs: 1,
            count: 1,
            idf: n,
        };
        assert_eq!(header_of(&ct), CorpusTermRow::HEADER);
        let d = DiagnosticRow {
            path: t,
            line: None,
            severity: "error",
            message: t,
        };
        assert_eq!(header_of(&d), DiagnosticRow::HEADER);
        let s = SentenceRow {
            doc_id: t,
            sentence: 0,
            start: 0,
            end: 1,
        };
        assert_eq!(header_of(&s), SentenceRow::HEADER);
        let tok = TokenRow {
            doc_id: t,
            sentence: 0,
            token: 0,
            start: 0,
            end: 1,
            text: t,
            kind: "word",
            lower: t,
            stem: t,
            stopword: false,
            upos: "NOUN",
        };
        assert_eq!(header_of(&tok), TokenRow::HEADER);
        let m = MentionRow {
            doc_id: t,
            start: 0,
            end: 1,
            text: t,
            label: "PER",
            entity: Some(t),
            sentence: 0,
            method: "model",
            value: None,
        };
        assert_eq!(header_of(&m), MentionRow::HEADER);
        let e = EntityRow {
            doc_id: t,
            entity: t,
            label: "PER",
            mentions: 1,
            first_start: 0,
            aliases: t,
            id: t,
        };
        assert_eq!(header_of(&e), EntityRow::HEADER);
        let ce = CorpusEntityRow {
            entity: t,
            label: "PER",
            docs: 1,
            mentions: 1,
            aliases: t,
            id: t,
        };
        assert_eq!(header_of(&ce), CorpusEntityRow::HEADER);
    }

    #[test]
    fn formula_guard() {
        for (input, want) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-x", "'-x"),
            ("@handle", "'@handle"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain", "plain"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(guard(input), want);
        }
    }

    #[test]
    fn numbers_are_plain() {
        let mut w = csv_writer(vec![]);
        w.serialize((Num(0.1), Num(1e-7), Num(3.0), Num(f64::NAN)))
            .unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner().unwrap()).unwrap(),
            "0.1,0.0000001,3,\n"
        );
    }
}
