//! Map and reduce as separate processes: `newslens map`, `newslens reduce` and the line
//! format between them.
//!
//! [`map`] takes articles on a reader (JSONL records in the `.jsonl` input contract, or one
//! envelope per input file carrying its bytes) and gives, on a writer, one JSON object per
//! line: a `header` (the map-side options), then per document a `doc` record (everything the
//! per-document stages computed: counts, terms with their surface forms, keyword candidates,
//! mention/entity rows, word pairs, KWIC lines, the text) and per skipped or repaired input a
//! `diag` record, in input order, then an `end` record with the counts. It keeps one batch of
//! documents in memory and writes no file.
//!
//! [`reduce`] takes one or more such streams, in order, and gives the output folder `newslens
//! run` gives: it turns each `doc` record back into the [`Mapped`] value the map side made and
//! feeds it, with the diagnostics, to the same [`crate::run::Output`] that `newslens run` feeds
//! in memory — the same merge ([`Reducer::add`](crate::run), where duplicate doc_ids are
//! renamed), the same table writer, workbook, page and publication. `run` is map and reduce in
//! one process without the line format, so the two cannot drift; a test checks that sharded
//! map + reduce gives byte-identical tables.
//!
//! The records hold the *partial corpus statistics* of their documents: each `doc` record's
//! `terms` are its document-frequency contributions (one per (language, n, stem)), its
//! `entities` its entity counts; `end` holds the shard's document count. They are what a
//! cluster job aggregates (see `spark/newslens_spark.py`). This module does not decide how
//! a corpus is split: a stream is read in order and shards are concatenated in input order.
//! The format is documented in the README ("Running on a cluster").

use crate::diagnostics::{Diagnostic, Severity};
use crate::input::{self, Document, InputFile, Item, ReadOptions};
use crate::keywords::Method;
use crate::language::LangInfo;
use crate::pipeline::{Analysis, DocEntity, Options, StageTimes};
use crate::run::{
    BATCH_BYTES, BATCH_DOCS, Mapped, Output, Progress, RunConfig, RunError, Summary,
    load_gazetteer, map_batch, starts_batch,
};
use crate::terms::{DocTerm, DocTerms};
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The `format` of a map stream's header: changes whenever a record's meaning does.
pub const FORMAT: &str = "newslens-map/3";

/// What `newslens map` reads.
#[derive(Clone, Debug)]
pub enum MapInput {
    /// JSONL article records (the `.jsonl` input contract), shown in `path`/`doc_id` as
    /// `path`, numbered from `first_line` (a shard of a larger file).
    Records {
        /// The file name shown in `documents.csv` and `diagnostics.csv`.
        path: String,
        /// The line number of the first line.
        first_line: u64,
    },
    /// One [`Envelope`] per line: an input file as `newslens run` finds it, with its bytes.
    Files,
}

/// Everything `newslens map` needs to know.
#[derive(Clone, Debug)]
pub struct MapConfig {
    /// Per-document stage options.
    pub pipeline: Options,
    /// How records are read.
    pub read: ReadOptions,
    /// Worker threads; 0 = all cores.
    pub jobs: usize,
    /// A user's gazetteer CSV.
    pub gazetteer: Option<PathBuf>,
    /// What is read.
    pub input: MapInput,
}

/// What a map process did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapSummary {
    /// Documents written.
    pub documents: u64,
    /// Diagnostics written (skipped and repaired inputs).
    pub diagnostics: u64,
    /// Inputs skipped (error diagnostics).
    pub errors: u64,
    /// Bytes of input read.
    pub input_bytes: u64,
}

/// One input file for `newslens map --files`, as a JSON line: `path` as `newslens run` shows
/// it (`corpus/bbc/001.txt`), `id` the input folder's name joined with the path inside it
/// (`corpus/bbc/001.txt`; absent for a file named on the command line, whose id is its stem),
/// `folder` the folder it is in (`source`), `content` its bytes in base64.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Envelope {
    /// The path shown.
    pub path: String,
    /// Folder name + path inside the input folder (extension kept); `None` for a named file.
    #[serde(default)]
    pub id: Option<String>,
    /// The folder the file is in.
    #[serde(default)]
    pub folder: String,
    /// The file's bytes, base64.
    pub content: String,
}

/// The map-side options, recorded in every stream; all streams of one reduce must agree.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Header {
    /// [`FORMAT`].
    pub format: String,
    /// The newslens version that wrote it.
    pub version: String,
    /// `--lang`.
    pub lang: Option<String>,
    /// `--languages` (empty: all).
    pub languages: Vec<String>,
    /// `--keywords`.
    pub keywords: usize,
    /// `--keyword-methods`.
    pub keyword_methods: Vec<String>,
    /// The opt-in tables written (`--tables`, `--all-tables`): `terms`, `kwic`,
    /// `collocations`, `sentences`, `tokens`.
    pub tables: Vec<String>,
    /// `--ngrams`.
    pub ngrams: usize,
    /// `--corpus-terms-min-docs`.
    pub corpus_terms_min_docs: u64,
    /// Whether NER ran.
    pub ner: bool,
    /// Whether the compare tables' per-document parts were computed (not `--no-compare`).
    pub compare: bool,
    /// `--kwic-width`.
    pub kwic_width: usize,
    /// `--collocation-window`.
    pub window: usize,
    /// `--max-doc-bytes`.
    pub max_doc_bytes: usize,
    /// `--text-column`.
    pub text_column: Option<String>,
    /// `--delimiter`.
    pub delimiter: Option<String>,
    /// The `--group-by FIELD` kept with each document.
    pub group_field: Option<String>,
    /// `--gazetteer`.
    pub gazetteer: Option<String>,
    /// Diagnostics about the options (gazetteer rows skipped), reported once by reduce.
    pub notes: Vec<DiagRecord>,
}

/// A diagnostic as a record.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DiagRecord {
    /// The input.
    pub path: String,
    /// Line or record number.
    pub line: Option<u64>,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// What happened.
    pub message: String,
}

/// The last record of a stream.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct End {
    /// `doc` records written.
    pub documents: u64,
    /// `diag` records written.
    pub diagnostics: u64,
    /// Bytes of input read.
    pub input_bytes: u64,
}

/// One term of a `doc` record: n, stem, count, first start, surface forms with their counts.
type TermRecord = (u8, String, u32, u64, Vec<(String, u32)>);

/// One entity of a `doc` record: name, label, mentions, first start, aliases, identifier ("" when
/// not linked).
type EntityRecord = (String, String, u32, u64, Vec<String>, String, u32, u32);

/// One document's record: what [`Mapped`] holds, in plain JSON types.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct DocRecord {
    id: String,
    path: String,
    line: Option<u64>,
    title: Option<String>,
    published: Option<String>,
    source: String,
    url: Option<String>,
    /// Byline (absent in streams of older versions: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    /// The news agency it is signed by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wire: Option<String>,
    /// Its MinHash signature, little-endian u16s in base64 (absent in streams of older
    /// versions, and for a very short text: none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    minhash: String,
    /// The record's own `language` field.
    given_language: Option<String>,
    group: Option<String>,
    lang: String,
    /// Shortest decimal that reads back to the same `f64`.
    confidence: String,
    reliable: bool,
    languages: String,
    bytes: u64,
    chars: u64,
    sentences: u64,
    tokens: u64,
    words: u32,
    unique_terms: u32,
    /// `[n, stem, count, first_start, [[form, count], ...]]`, in the document's term order.
    terms: Vec<TermRecord>,
    /// Keyword candidates in the spool encoding, base64.
    keywords: String,
    sentence_rows: String,
    token_rows: String,
    /// The `texts.csv` row (absent in streams of older versions, and when not asked for).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    text_row: String,
    mention_rows: String,
    entity_rows: String,
    quote_rows: String,
    /// `[name, label, mentions, first_start, [alias, ...], id, quotes, words_quoted]`.
    entities: Vec<EntityRecord>,
    ner_model: bool,
    kwic: String,
    pair_stems: Vec<String>,
    pairs: Vec<(u32, u32, u32)>,
    text: String,
    /// Nanoseconds per stage: language, segment, lexicon, terms, pos, keywords, ner, rows,
    /// compare, quotes.
    times: [u64; 10],
}

/// One line of a map stream.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Line {
    Header(Box<Header>),
    Doc(Box<DocRecord>),
    Diag(DiagRecord),
    End(End),
}

impl DiagRecord {
    fn of(d: &Diagnostic) -> DiagRecord {
        DiagRecord {
            path: d.path.clone(),
            line: d.line,
            severity: d.severity.as_str().to_string(),
            message: d.message.clone(),
        }
    }

    fn diagnostic(&self) -> Result<Diagnostic, String> {
        let severity = match self.severity.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            s => return Err(format!("unknown severity {s:?}")),
        };
        Ok(Diagnostic {
            path: self.path.clone(),
            line: self.line,
            severity,
            message: self.message.clone(),
        })
    }
}

impl Header {
    fn of(cfg: &MapConfig, notes: &[Diagnostic]) -> Header {
        let p = &cfg.pipeline;
        Header {
            format: FORMAT.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            lang: p.lang.map(str::to_string),
            languages: p
                .languages
                .as_ref()
                .and_then(|d| d.candidates())
                .map(|c| c.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            keywords: p.keywords,
            keyword_methods: p
                .keyword_methods
                .iter()
                .map(|m| m.as_str().to_string())
                .collect(),
            tables: p.tables.opt_in().iter().map(|t| t.to_string()).collect(),
            ngrams: p.ngrams,
            corpus_terms_min_docs: p.corpus_terms_min_docs,
            ner: p.ner,
            compare: p.compare.enabled,
            kwic_width: p.compare.kwic_width,
            window: p.compare.window,
            max_doc_bytes: cfg.read.max_doc_bytes,
            text_column: cfg.read.text_column.clone(),
            delimiter: cfg.read.delimiter.map(|d| (d as char).to_string()),
            group_field: cfg.read.group_field.clone(),
            gazetteer: cfg.gazetteer.as_ref().map(|g| g.display().to_string()),
            notes: notes.iter().map(DiagRecord::of).collect(),
        }
    }

    /// The run configuration a reduce of this stream writes with: `cfg`'s table options and
    /// this header's map-side options.
    fn apply(&self, cfg: &RunConfig) -> Result<RunConfig, String> {
        let mut out = cfg.clone();
        let p = &mut out.pipeline;
        p.keywords = self.keywords;
        p.keyword_methods = self
            .keyword_methods
            .iter()
            .map(|m| Method::parse(m).ok_or_else(|| format!("unknown keyword method {m:?}")))
            .collect::<Result<_, _>>()?;
        let mut tables = crate::schema::Selection::default();
        for name in &self.tables {
            tables.add(crate::schema::find(name).ok_or_else(|| format!("unknown table {name:?}"))?);
        }
        p.tables = tables;
        p.ngrams = self.ngrams;
        p.corpus_terms_min_docs = self.corpus_terms_min_docs;
        p.ner = self.ner;
        p.compare.enabled = self.compare;
        p.compare.kwic_width = self.kwic_width;
        p.compare.window = self.window;
        if let Some(crate::compare::GroupBy::Field(f)) = &p.compare.group_by
            && self.group_field.as_deref() != Some(f.as_str())
        {
            return Err(format!(
                "--group-by {f}: the map did not keep that field; run newslens map with --group-by {f}"
            ));
        }
        out.read.group_field = self.group_field.clone();
        out.read.max_doc_bytes = self.max_doc_bytes;
        Ok(out)
    }
}

fn static_code(code: &str) -> Option<&'static str> {
    crate::language::parse_code(code).filter(|c| *c == code)
}

fn static_label(label: &str) -> Option<&'static str> {
    [
        "PER", "ORG", "LOC", "MISC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY",
    ]
    .into_iter()
    .find(|l| *l == label)
}

fn utf8(bytes: Vec<u8>, what: &str) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|_| io::Error::other(format!("{what} rows are not UTF-8")))
}

impl DocRecord {
    /// The record of one mapped document (consumes it: nothing is copied twice).
    fn of(m: Mapped) -> io::Result<DocRecord> {
        let Mapped { analysis, keywords } = m;
        let Analysis {
            doc,
            lang,
            wire,
            minhash,
            languages,
            bytes,
            chars,
            sentences,
            tokens,
            terms,
            term_starts,
            keywords: _,
            sentence_rows,
            token_rows,
            text_row,
            mention_rows,
            entity_rows,
            quote_rows,
            entities,
            ner_model,
            compare,
            text,
            times,
        } = analysis;
        let t = [
            times.language,
            times.segment,
            times.lexicon,
            times.terms,
            times.pos,
            times.keywords,
            times.ner,
            times.rows,
            times.compare,
            times.quotes,
        ]
        .map(|d| d.as_nanos() as u64);
        Ok(DocRecord {
            id: doc.doc_id,
            path: doc.path,
            line: doc.line,
            title: doc.title,
            published: doc.published,
            source: doc.source,
            url: doc.url,
            author: doc.author,
            wire: wire.map(str::to_string),
            minhash: base64_encode(
                &minhash
                    .iter()
                    .flat_map(|v| v.to_le_bytes())
                    .collect::<Vec<u8>>(),
            ),
            given_language: doc.language,
            group: doc.group,
            lang: lang.code.to_string(),
            confidence: lang.confidence.to_string(),
            reliable: lang.reliable,
            languages,
            bytes,
            chars,
            sentences,
            tokens,
            words: terms.words,
            unique_terms: terms.unique_unigrams,
            terms: terms
                .terms
                .into_iter()
                .zip(term_starts)
                .map(|(t, start)| (t.n, t.stem, t.count, start, t.forms))
                .collect(),
            keywords: base64_encode(&keywords),
            sentence_rows: utf8(sentence_rows, "sentence")?,
            token_rows: utf8(token_rows, "token")?,
            text_row: utf8(text_row, "text")?,
            mention_rows: utf8(mention_rows, "mention")?,
            entity_rows: utf8(entity_rows, "entity")?,
            quote_rows: utf8(quote_rows, "quote")?,
            entities: entities
                .into_iter()
                .map(|e| {
                    (
                        e.name,
                        e.label.to_string(),
                        e.mentions,
                        e.first_start,
                        e.aliases,
                        e.id.unwrap_or_default(),
                        e.quotes,
                        e.words_quoted,
                    )
                })
                .collect(),
            ner_model,
            kwic: utf8(compare.kwic, "KWIC")?,
            pair_stems: compare.pairs.stems,
            pairs: compare.pairs.pairs,
            text,
            times: t,
        })
    }

    /// The mapped document this record holds.
    fn mapped(self) -> Result<Mapped, String> {
        let code = static_code(&self.lang)
            .ok_or_else(|| format!("unknown language code {:?}", self.lang))?;
        let confidence: f64 = self
            .confidence
            .parse()
            .map_err(|_| format!("bad confidence {:?}", self.confidence))?;
        let mut term_starts = Vec::with_capacity(self.terms.len());
        let mut terms = Vec::with_capacity(self.terms.len());
        for (n, stem, count, start, forms) in self.terms {
            if forms.is_empty() {
                return Err(format!("term {stem:?} has no surface form"));
            }
            term_starts.push(start);
            terms.push(DocTerm {
                n,
                stem,
                count,
                forms,
                first_token: 0,
            });
        }
        let mut entities = Vec::with_capacity(self.entities.len());
        for (name, label, mentions, first_start, aliases, id, quotes, words_quoted) in self.entities
        {
            let label =
                static_label(&label).ok_or_else(|| format!("unknown entity label {label:?}"))?;
            entities.push(DocEntity {
                name,
                label,
                mentions,
                aliases,
                first_start,
                id: (!id.is_empty()).then_some(id),
                quotes,
                words_quoted,
            });
        }
        let keywords = base64_decode(&self.keywords).ok_or("keywords are not base64")?;
        if self.pairs.iter().any(|&(a, b, _)| {
            a as usize >= self.pair_stems.len() || b as usize >= self.pair_stems.len()
        }) {
            return Err("a word pair names a stem it does not list".into());
        }
        let t = self.times.map(Duration::from_nanos);
        let minhash = base64_decode(&self.minhash).ok_or("minhash is not base64")?;
        if !(minhash.is_empty() || minhash.len() == 2 * crate::dedup::HASHES) {
            return Err("minhash is not a signature of this version".into());
        }
        let minhash = minhash
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        Ok(Mapped {
            analysis: Analysis {
                doc: Document {
                    doc_id: self.id,
                    path: self.path,
                    line: self.line,
                    title: self.title,
                    published: self.published,
                    source: self.source,
                    url: self.url,
                    author: self.author,
                    language: self.given_language,
                    group: self.group,
                    text: String::new(),
                },
                wire: self.wire.as_deref().and_then(crate::wire::named),
                minhash,
                lang: LangInfo {
                    code,
                    confidence,
                    reliable: self.reliable,
                },
                languages: self.languages,
                bytes: self.bytes,
                chars: self.chars,
                sentences: self.sentences,
                tokens: self.tokens,
                terms: DocTerms {
                    terms,
                    words: self.words,
                    unique_unigrams: self.unique_terms,
                },
                term_starts,
                keywords: Default::default(),
                sentence_rows: self.sentence_rows.into_bytes(),
                token_rows: self.token_rows.into_bytes(),
                text_row: self.text_row.into_bytes(),
                mention_rows: self.mention_rows.into_bytes(),
                entity_rows: self.entity_rows.into_bytes(),
                quote_rows: self.quote_rows.into_bytes(),
                entities,
                ner_model: self.ner_model,
                compare: crate::compare::DocCompare {
                    kwic: self.kwic.into_bytes(),
                    pairs: crate::compare::collocations::DocPairs {
                        stems: self.pair_stems,
                        pairs: self.pairs,
                    },
                },
                text: self.text,
                times: StageTimes {
                    language: t[0],
                    segment: t[1],
                    lexicon: t[2],
                    terms: t[3],
                    pos: t[4],
                    keywords: t[5],
                    ner: t[6],
                    rows: t[7],
                    compare: t[8],
                    quotes: t[9],
                },
            },
            keywords,
        })
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[(v >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Reads [`base64_encode`]'s output (white space not allowed); `None` if it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let s = text.as_bytes();
    if !s.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for (i, q) in s.chunks(4).enumerate() {
        let last = i + 1 == s.len() / 4;
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut v = 0u32;
        for &c in &q[..4 - pad] {
            v = v << 6 | value(c)?;
        }
        v <<= 6 * pad as u32;
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

fn write_line(out: &mut impl Write, line: &Line) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}

fn stream_err(what: &str, e: impl std::fmt::Display) -> RunError {
    RunError::Stream(format!("{what}: {e}"))
}

/// `newslens map`: reads `input`, writes the map stream to `out`. See the module docs.
pub fn map(cfg: &MapConfig, input: impl Read, out: impl Write) -> Result<MapSummary, RunError> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut pipeline = cfg.pipeline.clone();
    let mut notes = Vec::new();
    if let Some(path) = &cfg.gazetteer {
        let (gaz, skipped) = load_gazetteer(path)?;
        pipeline.gazetteer = gaz;
        notes = skipped;
    }
    let pipeline = &pipeline;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs)
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    let write_err = |e: io::Error| stream_err("cannot write the map output", e);
    write_line(&mut out, &Line::Header(Box::new(Header::of(cfg, &notes)))).map_err(write_err)?;

    let mut sink = Sink {
        out,
        batch: Vec::new(),
        batch_bytes: 0,
        summary: MapSummary::default(),
        failure: None,
        pipeline,
        pool: &pool,
    };
    let mut input = Counted { inner: input, n: 0 };
    match &cfg.input {
        MapInput::Records { path, first_line } => {
            let folder = Path::new(path)
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file = InputFile {
                path: PathBuf::from(path),
                display: path.clone(),
                id_base: String::new(),
                folder,
                format: input::Format::Jsonl,
                size: 0,
            };
            input::read_jsonl_from(&file, &mut input, *first_line, &cfg.read, &mut |item| {
                sink.emit(item)
            });
        }
        MapInput::Files => {
            let mut reader = BufReader::with_capacity(1 << 16, &mut input);
            let mut line = String::new();
            let mut k = 0u64;
            loop {
                line.clear();
                let n = reader
                    .read_line(&mut line)
                    .map_err(|e| stream_err("cannot read the file envelopes", e))?;
                if n == 0 {
                    break;
                }
                k += 1;
                if line.trim().is_empty() {
                    continue;
                }
                let env: Envelope = serde_json::from_str(&line).map_err(|e| {
                    stream_err(
                        &format!("envelope {k} is not {{path, id, folder, content}}"),
                        e,
                    )
                })?;
                let bytes = base64_decode(&env.content).ok_or_else(|| {
                    stream_err(
                        &format!("envelope {k} ({})", env.path),
                        "content is not base64",
                    )
                })?;
                match input::classify(
                    Path::new(&env.path),
                    &env.path,
                    env.id.as_deref(),
                    &env.folder,
                    bytes.len() as u64,
                    &cfg.read,
                ) {
                    Ok(file) => {
                        sink.summary.input_bytes += bytes.len() as u64;
                        input::read_bytes(&file, &bytes, &cfg.read, &mut |item| sink.emit(item));
                    }
                    Err(d) => sink.emit(Item::Diag(d)),
                }
                if sink.failure.is_some() {
                    break;
                }
            }
        }
    }
    if let Some(e) = sink.failure.take() {
        return Err(write_err(e));
    }
    sink.flush().map_err(write_err)?;
    let Sink {
        mut out,
        mut summary,
        ..
    } = sink;
    if matches!(cfg.input, MapInput::Records { .. }) {
        summary.input_bytes = input.n;
    }
    write_line(
        &mut out,
        &Line::End(End {
            documents: summary.documents,
            diagnostics: summary.diagnostics,
            input_bytes: summary.input_bytes,
        }),
    )
    .map_err(write_err)?;
    out.flush().map_err(write_err)?;
    Ok(summary)
}

/// Where a map process's documents and diagnostics go: diagnostics straight out, documents in
/// batches analysed in parallel and written in order.
struct Sink<'a, W: Write> {
    out: io::BufWriter<W>,
    batch: Vec<Document>,
    batch_bytes: usize,
    summary: MapSummary,
    failure: Option<io::Error>,
    pipeline: &'a Options,
    pool: &'a rayon::ThreadPool,
}

impl<W: Write> Sink<'_, W> {
    fn emit(&mut self, item: Item) {
        if self.failure.is_some() {
            return;
        }
        let done = match item {
            Item::Diag(d) => {
                self.summary.diagnostics += 1;
                self.summary.errors += u64::from(d.severity == Severity::Error);
                write_line(&mut self.out, &Line::Diag(DiagRecord::of(&d)))
            }
            Item::Doc(doc) => {
                if starts_batch(&self.batch, &doc)
                    && let Err(e) = self.flush()
                {
                    self.failure = Some(e);
                    return;
                }
                self.batch_bytes += doc.text.len();
                self.batch.push(doc);
                if self.batch.len() >= BATCH_DOCS || self.batch_bytes >= BATCH_BYTES {
                    self.flush()
                } else {
                    Ok(())
                }
            }
        };
        if let Err(e) = done {
            self.failure = Some(e);
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.batch_bytes = 0;
        for m in map_batch(std::mem::take(&mut self.batch), self.pipeline, self.pool) {
            write_line(&mut self.out, &Line::Doc(Box::new(DocRecord::of(m)?)))?;
            self.summary.documents += 1;
        }
        Ok(())
    }
}

/// `newslens reduce`: reads the map streams named in `cfg.inputs` (`-` = standard input), in
/// order, and writes the output folder as `newslens run` does. Their headers must agree;
/// the map-side options come from them, the table options from `cfg`.
pub fn reduce(cfg: &RunConfig, progress: &dyn Progress) -> Result<Summary, RunError> {
    let started = Instant::now();
    if cfg.inputs.is_empty() {
        return Err(RunError::NoInputs(
            "no map output named: newslens reduce SHARD.jsonl... (or - for standard input)".into(),
        ));
    }
    let open = |p: &Path| -> Result<Box<dyn BufRead>, RunError> {
        if p == Path::new("-") {
            Ok(Box::new(BufReader::with_capacity(1 << 16, io::stdin())))
        } else {
            let f = std::fs::File::open(p).map_err(|e| {
                RunError::NoInputs(format!(
                    "{}: cannot read it ({e}); check the path",
                    p.display()
                ))
            })?;
            Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
        }
    };
    let total: u64 = cfg
        .inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok().map(|m| m.len()))
        .sum();
    let mut readers = Vec::new();
    for p in &cfg.inputs {
        readers.push((p.display().to_string(), open(p)?));
    }
    let mut first: Option<(Header, RunConfig)> = None;
    let mut output: Option<Output> = None;
    let mut input_bytes = 0u64;
    let mut read_time = Duration::ZERO;
    let mut line = String::new();
    let mut done = 0u64;
    progress.start(total);
    for (name, mut reader) in readers {
        // (documents, diagnostics) of the open segment; None between segments
        let mut segment: Option<(u64, u64)> = None;
        let mut k = 0u64;
        let bad = |k: u64, why: String| {
            RunError::Stream(format!(
                "{name}, line {k}: {why}; is it the output of newslens map, whole?"
            ))
        };
        loop {
            let t0 = Instant::now();
            line.clear();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| bad(k + 1, format!("cannot read ({e})")))?;
            if n == 0 {
                read_time += t0.elapsed();
                break;
            }
            k += 1;
            done += n as u64;
            let record: Line = serde_json::from_str(&line)
                .map_err(|e| bad(k, format!("not a map record ({e})")))?;
            read_time += t0.elapsed();
            match record {
                Line::Header(h) => {
                    if segment.is_some() {
                        return Err(bad(k, "a header inside a shard that did not end".into()));
                    }
                    if h.format != FORMAT {
                        return Err(bad(
                            k,
                            format!("format {:?}, this newslens reads {FORMAT}", h.format),
                        ));
                    }
                    match &first {
                        None => {
                            let run_cfg = h.apply(cfg).map_err(RunError::NoInputs)?;
                            let (mut out, stale) =
                                Output::open(&run_cfg, run_cfg.pipeline.compare.enabled)?;
                            if let Some(d) = stale {
                                out.reducer.diag(d);
                            }
                            for n in &h.notes {
                                out.reducer.diag(n.diagnostic().map_err(|e| bad(k, e))?);
                            }
                            output = Some(out);
                            first = Some((*h, run_cfg));
                        }
                        Some((h0, _)) if *h0 != *h => {
                            return Err(bad(
                                k,
                                "this shard was mapped with other options (or another newslens version) than the first; map every shard the same way".into(),
                            ));
                        }
                        Some(_) => {}
                    }
                    segment = Some((0, 0));
                }
                Line::Doc(d) => {
                    let (Some(seg), Some(out)) = (segment.as_mut(), output.as_mut()) else {
                        return Err(bad(k, "a document before the header".into()));
                    };
                    seg.0 += 1;
                    let m = d.mapped().map_err(|e| bad(k, e))?;
                    out.add(vec![m])
                        .map_err(|e| RunError::Write(cfg.output.clone(), e))?;
                }
                Line::Diag(d) => {
                    let (Some(seg), Some(out)) = (segment.as_mut(), output.as_mut()) else {
                        return Err(bad(k, "a diagnostic before the header".into()));
                    };
                    seg.1 += 1;
                    out.reducer.diag(d.diagnostic().map_err(|e| bad(k, e))?);
                }
                Line::End(e) => {
                    let Some((docs, diags)) = segment.take() else {
                        return Err(bad(k, "an end record without a header".into()));
                    };
                    if (docs, diags) != (e.documents, e.diagnostics) {
                        return Err(bad(
                            k,
                            format!(
                                "the shard says {} documents and {} diagnostics, it holds {docs} and {diags}",
                                e.documents, e.diagnostics
                            ),
                        ));
                    }
                    input_bytes += e.input_bytes;
                }
            }
            if k.is_multiple_of(256)
                && let Some(out) = &output
            {
                progress.advance(done, out.reducer.documents());
            }
        }
        if segment.is_some() {
            return Err(bad(
                k,
                "the shard ends without its end record (the map process died, or the output was cut)"
                    .into(),
            ));
        }
        if k == 0 {
            return Err(bad(0, "empty".into()));
        }
    }
    let (Some((_, run_cfg)), Some(out)) = (first, output) else {
        return Err(RunError::NoInputs("no map header found".into()));
    };
    progress.advance(total, out.reducer.documents());
    progress.finish();
    out.finish(&run_cfg, started, input_bytes, read_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for s in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            &[0, 255, 128, 7],
        ] {
            let e = base64_encode(s);
            assert_eq!(base64_decode(&e).as_deref(), Some(s), "{e}");
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_decode("Zm9=v"), None);
        assert_eq!(base64_decode("Z=9v"), None);
        assert_eq!(base64_decode("Zm9*"), None);
    }

    #[test]
    fn a_mapped_document_round_trips_through_its_line() {
        // every table, so that the record carries every part (kwic lines, word pairs, text)
        let opts = Options {
            tables: crate::schema::Selection::all(),
            ..Options::default()
        };
        let doc = Document {
            doc_id: "d1".into(),
            path: "x.jsonl".into(),
            line: Some(3),
            title: Some("T".into()),
            source: "s".into(),
            text: "The Ministry of State Security (MSS) said on Monday that Chen Yixin met officials in Beijing. Chen said the U.S. spent $1.2 billion.".into(),
            ..Document::default()
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let m = map_batch(vec![doc], &opts, &pool).remove(0);
        let line =
            serde_json::to_string(&Line::Doc(Box::new(DocRecord::of(m.clone()).unwrap()))).unwrap();
        let Line::Doc(back) = serde_json::from_str(&line).unwrap() else {
            panic!("not a doc line")
        };
        let back = back.mapped().unwrap();
        let (a, b) = (&m.analysis, &back.analysis);
        assert_eq!(m.keywords, back.keywords);
        assert_eq!(a.doc, b.doc);
        assert_eq!(a.lang, b.lang);
        assert_eq!(a.terms.terms.len(), b.terms.terms.len());
        for (x, y) in a.terms.terms.iter().zip(&b.terms.terms) {
            assert_eq!(
                (x.n, &x.stem, x.count, &x.forms),
                (y.n, &y.stem, y.count, &y.forms)
            );
        }
        assert_eq!(a.term_starts, b.term_starts);
        assert_eq!(a.mention_rows, b.mention_rows);
        assert_eq!(a.entity_rows, b.entity_rows);
        assert_eq!(a.entities, b.entities);
        assert_eq!(a.compare, b.compare);
        assert_eq!(a.text, b.text);
        assert!(!a.entities.is_empty() && !a.compare.pairs.pairs.is_empty());
        assert!(!a.compare.kwic.is_empty() && !a.text.is_empty());
    }
}
