//! Run: inputs in, output folder out — the whole batch job.
//!
//! Takes a [`RunConfig`]; gives the output files and a [`Summary`], or a [`RunError`] that names
//! the path and the fix. Reading is sequential and streaming; documents are analysed in
//! parallel batches on a rayon pool of `jobs` threads ([`crate::pipeline::analyze`], the *map*);
//! their corpus statistics are merged in input order ([`crate::terms::CorpusTerms`], the
//! *reduce*). Per-document rows go to spool files in the staging folder as they come, so memory
//! holds one batch of texts plus the vocabulary; at the end the spools are copied into the
//! output tables in `doc_id` order with the corpus columns (df, idf, tf-idf) filled in. Output is
//! byte-identical whatever the number of threads. The library never prints: progress goes
//! through the [`Progress`] trait and problems into `diagnostics.csv`.

use crate::diagnostics::{Diagnostic, Severity};
use crate::input::{self, Document, Item, ReadOptions};
use crate::keywords::{CorpusView, DocKeywords, Method};
use crate::language::{LangInfo, file_priors};
use crate::output::{
    CorpusEntityRow, CorpusTermRow, DiagnosticRow, DocumentRow, KeywordRow, Num, TermRow, Text,
    csv_writer,
};
use crate::pipeline::{Analysis, Options, StageTimes, analyze_in, first_language};
use crate::publish::{PublishError, Staging};
use crate::schema::{self, TableDef};
use crate::terms::{CorpusTerms, idf, tf};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Documents analysed per parallel batch (also bounded by [`BATCH_BYTES`]). An analysis
/// holds many times its text until it is merged, and up to three batches are in flight: 256
/// (rather than 1,024) took the peak of 23,232 news articles with `-j2` from 348 to 267 MB.
/// Fixed, not scaled with the threads: a file's language prior is counted per batch, and the
/// output must not depend on the thread count.
pub(crate) const BATCH_DOCS: usize = 256;
/// Bytes of text per parallel batch.
pub(crate) const BATCH_BYTES: usize = 32 << 20;
/// Documents whose keywords are ranked per parallel batch when the tables are written.
const KEYWORD_BATCH_DOCS: usize = 256;
/// Documents whose `terms.csv` rows are formatted per parallel batch.
const TERM_BATCH_DOCS: usize = 256;

/// Everything a run needs to know.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Files and folders to read.
    pub inputs: Vec<PathBuf>,
    /// Output folder.
    pub output: PathBuf,
    /// Worker threads; 0 = all cores.
    pub jobs: usize,
    /// Per-document stage options.
    pub pipeline: Options,
    /// How to read JSONL/CSV records.
    pub read: ReadOptions,
    /// Start every CSV with a UTF-8 byte-order mark (for Excel).
    pub bom: bool,
    /// The tables' file format (`--format`).
    pub format: crate::schema::Format,
    /// The command line, recorded in `run.json`.
    pub arguments: Vec<String>,
    /// A user's gazetteer CSV (`name,label[,canonical]`), added to the built-in lists.
    pub gazetteer: Option<PathBuf>,
    /// Also write `newslens.xlsx`, the tables as one workbook ([`crate::report::workbook`]).
    pub workbook: bool,
    /// Data rows per sheet of the workbook (`--workbook-rows`).
    pub workbook_rows: u32,
    /// Also write `report.html`, the run at a glance ([`crate::report::html`]).
    pub report: bool,
    /// The similarity from which two articles are copies ([`crate::dedup`]).
    pub dup_threshold: f64,
    /// Count each cluster of copies once in the corpus statistics (`--dedup`).
    pub dedup: bool,
}

/// Receives progress; the binary draws a progress bar with it.
pub trait Progress: Sync {
    /// The run starts reading `total_bytes` of input.
    fn start(&self, _total_bytes: u64) {}
    /// `done_bytes` of input and `docs` documents are done so far.
    fn advance(&self, _done_bytes: u64, _docs: u64) {}
    /// Analysis is done; the output tables are being written.
    fn finish(&self) {}
}

/// Progress that goes nowhere.
pub struct NoProgress;
impl Progress for NoProgress {}

impl RunConfig {
    /// A run of `inputs` into `output` with every default option (all cores, all stages).
    pub fn new(inputs: Vec<PathBuf>, output: PathBuf) -> RunConfig {
        RunConfig {
            inputs,
            output,
            jobs: 0,
            pipeline: Options::default(),
            read: ReadOptions::default(),
            bom: false,
            format: crate::schema::Format::Csv,
            arguments: Vec::new(),
            gazetteer: None,
            workbook: true,
            workbook_rows: crate::report::workbook::DEFAULT_ROWS,
            report: true,
            dup_threshold: crate::dedup::DEFAULT_THRESHOLD,
            dedup: false,
        }
    }
}

/// What a finished run did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Documents analysed.
    pub documents: u64,
    /// Documents per language.
    pub languages: BTreeMap<&'static str, u64>,
    /// Inputs skipped (error diagnostics).
    pub errors: u64,
    /// Inputs repaired (warning diagnostics).
    pub warnings: u64,
    /// The diagnostics, in the order of `diagnostics.csv`.
    pub diagnostics: Vec<Diagnostic>,
    /// Bytes of input files read.
    pub input_bytes: u64,
    /// Bytes of document text analysed.
    pub text_bytes: u64,
    /// Articles that are near-duplicates of an earlier copy (`duplicate_of` set).
    pub copies: u64,
    /// Clusters of copies (each with its first copy).
    pub clusters: u64,
    /// Copies per news agency of their cluster's first copy (`""`: none detected).
    pub copies_by_wire: BTreeMap<&'static str, u64>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Files published in the output folder.
    pub files: Vec<&'static str>,
    /// The output folder.
    pub output: PathBuf,
}

/// Why a run could not finish.
#[derive(Debug)]
pub enum RunError {
    /// Nothing to read.
    NoInputs(String),
    /// The output folder cannot be used.
    Output(PathBuf, String),
    /// Writing failed mid-run (disk full, permissions).
    Write(PathBuf, io::Error),
    /// The thread pool could not start.
    Threads(String),
    /// The `--gazetteer` file cannot be used.
    Gazetteer(PathBuf, String),
    /// A map stream cannot be read or written (`newslens map`/`reduce`).
    Stream(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NoInputs(msg) => f.write_str(msg),
            RunError::Output(p, msg) => write!(f, "{}: {msg}", p.display()),
            RunError::Write(p, e) => write!(
                f,
                "{}: write failed ({e}); nothing was published — free disk space or choose another folder with -o",
                p.display()
            ),
            RunError::Threads(msg) => write!(f, "cannot start worker threads: {msg}; try -j 1"),
            RunError::Gazetteer(p, msg) => write!(
                f,
                "{}: {msg}; --gazetteer takes a CSV file with a header row name,label (labels PER, ORG, LOC, MISC)",
                p.display()
            ),
            RunError::Stream(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for RunError {}

/// A document's place in the spool files and what the tables after `documents.csv` need of it.
/// Its `documents.csv` row is formatted when it is merged and spooled like its other rows, so
/// what stays in memory per document is small (about 250 bytes plus its id and entity ids).
struct DocRecord {
    doc_id: Box<str>,
    lang: &'static str,
    /// Shared by the documents of a source.
    source: std::sync::Arc<str>,
    published: Option<Box<str>>,
    group: Option<Box<str>>,
    words: u64,
    document_row: (u64, u64),
    terms: (u64, u64),
    keywords: (u64, u64),
    sentence_rows: (u64, u64),
    token_rows: (u64, u64),
    text_row: (u64, u64),
    mention_rows: (u64, u64),
    entity_rows: (u64, u64),
    quote_rows: (u64, u64),
    kwic_rows: (u64, u64),
    text_rows: (u64, u64),
    /// Its named entities for the compare tables: (corpus entity id, mentions, first start).
    entities: Box<[(u32, u32, u64)]>,
    /// The entities it quotes: (corpus entity id, quotes, words quoted).
    voices: Box<[(u32, u32, u32)]>,
    /// The news agency it is signed by.
    wire: Option<&'static str>,
    /// Its position in input order (in the near-duplicate index).
    seq: u32,
    /// Whether it counts: in the reduce, in the corpus statistics (false: `--dedup` and a copy
    /// of one read earlier); when the tables are written, in the compare tables (false:
    /// `--dedup` and not its cluster's first copy).
    counted: bool,
}

/// What makes two documents' entities one corpus entity: the same identifier (whatever the
/// name and label: `États-Unis` tagged LOC and `Estados Unidos` tagged ORG are both `iso:US`),
/// or, unlinked, the same name and label.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum EntityKey {
    Id(String),
    Name(String, &'static str),
}

/// One named entity over the corpus.
#[derive(Default)]
struct CorpusEntity {
    /// Dense id, in order of first appearance (input order).
    id: u32,
    /// Its name (a linked entity's canonical name).
    name: String,
    /// Mentions per label, in order of first appearance: the label shown has the most.
    labels: Vec<(&'static str, u64)>,
    docs: u64,
    mentions: u64,
    aliases: std::collections::BTreeSet<String>,
}

impl CorpusEntity {
    /// The label with the most mentions (the first seen among equals).
    fn label(&self) -> &'static str {
        let mut best: (&'static str, u64) = ("", 0);
        for &(l, m) in &self.labels {
            if best.0.is_empty() || m > best.1 {
                best = (l, m);
            }
        }
        best.0
    }
}

/// The identifier of a corpus entity's key, or "".
fn key_id(k: &EntityKey) -> &str {
    match k {
        EntityKey::Id(id) => id,
        EntityKey::Name(..) => "",
    }
}

/// An append-only temporary file of per-document rows.
struct Spool {
    path: PathBuf,
    out: BufWriter<File>,
    len: u64,
}

impl Spool {
    fn create(path: PathBuf) -> io::Result<Spool> {
        let out = BufWriter::with_capacity(1 << 16, File::create(&path)?);
        Ok(Spool { path, out, len: 0 })
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<(u64, u64)> {
        let start = self.len;
        self.out.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok((start, bytes.len() as u64))
    }

    fn reader(&mut self) -> io::Result<SpoolReader> {
        self.out.flush()?;
        Ok(SpoolReader {
            file: File::open(&self.path)?,
            buf: Vec::new(),
        })
    }
}

struct SpoolReader {
    file: File,
    buf: Vec<u8>,
}

impl SpoolReader {
    fn read(&mut self, (start, len): (u64, u64)) -> io::Result<&[u8]> {
        self.buf.resize(len as usize, 0);
        self.file.seek(SeekFrom::Start(start))?;
        self.file.read_exact(&mut self.buf)?;
        Ok(&self.buf)
    }
}

/// One document as the map half leaves it: its [`Analysis`] (text, rows and statistics) and its
/// keyword candidates already in the spool encoding ([`DocKeywords::encode`]). `newslens run`
/// hands it to the [`Reducer`] in memory; `newslens map` writes it as one line
/// ([`crate::mapreduce`]) that `newslens reduce` reads back into the same value.
#[derive(Clone, Debug)]
pub(crate) struct Mapped {
    /// Everything computed from the document alone (its `keywords` field is left empty).
    pub analysis: Analysis,
    /// The keyword candidates, spool-encoded (empty when no keywords are asked for).
    pub keywords: Vec<u8>,
}

/// Whether `doc` begins a new batch although `batch` is not full: a multi-record file (JSONL,
/// CSV) starts its own, so its batches, and the file language they lend unsure documents
/// ([`file_priors`]), do not depend on the files before it.
pub(crate) fn starts_batch(batch: &[Document], doc: &Document) -> bool {
    doc.line.is_some() && batch.last().is_some_and(|last| last.path != doc.path)
}

/// The map half of a batch: runs [`crate::pipeline::analyze`] on every document in parallel on `pool` and
/// encodes its keyword candidates; results in the order of `docs`.
pub(crate) fn map_batch(
    docs: Vec<Document>,
    opts: &Options,
    pool: &rayon::ThreadPool,
) -> Vec<Mapped> {
    pool.install(|| {
        // languages first, so that a file's documents can lend theirs to the unsure ones
        let first: Vec<(LangInfo, Duration)> = docs
            .par_iter()
            .map(|d| {
                let t0 = Instant::now();
                (first_language(d, opts), t0.elapsed())
            })
            .collect();
        let items: Vec<(&str, &LangInfo, &str)> = docs
            .iter()
            .zip(&first)
            .map(|(d, (l, _))| (d.path.as_str(), l, d.text.as_str()))
            .collect();
        let priors = file_priors(&items);
        drop(items);
        docs.into_par_iter()
            .zip(first)
            .zip(priors)
            .map(|((d, (lang, took)), prior)| {
                let mut a = analyze_in(d, opts, prior.unwrap_or(lang), took);
                let mut keywords = Vec::new();
                if opts.extract_keywords() {
                    let t0 = Instant::now();
                    let mut k = std::mem::take(&mut a.keywords);
                    k.retain_needed(&opts.keyword_methods, opts.keywords);
                    k.encode(&mut keywords);
                    a.times.keywords += t0.elapsed();
                }
                Mapped {
                    analysis: a,
                    keywords,
                }
            })
            .collect()
    })
}

/// The reduce half: state that grows as mapped documents and diagnostics are merged, in
/// input order.
pub(crate) struct Reducer {
    /// doc_ids seen so far (a later duplicate is renamed `id#2`).
    ids: FxHashSet<String>,
    /// Diagnostics in the order they came.
    diagnostics: Vec<Diagnostic>,
    records: Vec<DocRecord>,
    corpus: CorpusTerms,
    /// `documents.csv` rows.
    documents: Spool,
    /// Source names, each kept once.
    sources: FxHashSet<std::sync::Arc<str>>,
    terms: Spool,
    keywords: Spool,
    sentences: Spool,
    tokens: Spool,
    /// `texts.csv` rows.
    article_texts: Spool,
    mentions: Spool,
    entities: Spool,
    quotes: Spool,
    kwic: Spool,
    texts: Spool,
    corpus_entities: rustc_hash::FxHashMap<EntityKey, CorpusEntity>,
    /// Word pairs over the corpus (collocations).
    pairs: crate::compare::collocations::Pairs,
    /// Documents per language that had no NER model.
    no_model: BTreeMap<&'static str, u64>,
    /// Whether the compare tables are written (keep each document's entity ids).
    compare: bool,
    times: StageTimes,
    text_bytes: u64,
    /// Near-duplicate signatures, in input order.
    dups: crate::dedup::Index,
    /// Count each cluster of copies once (`--dedup`).
    dedup: bool,
}

impl Reducer {
    /// An empty reducer spooling into `staging`.
    fn new(staging: &Staging, compare: bool, cfg: &RunConfig) -> io::Result<Reducer> {
        let spool = |name: &str| Spool::create(staging.dir().join(name));
        Ok(Reducer {
            ids: FxHashSet::default(),
            diagnostics: Vec::new(),
            records: Vec::new(),
            corpus: CorpusTerms::default(),
            documents: spool("documents.spool")?,
            sources: FxHashSet::default(),
            terms: spool("terms.spool")?,
            keywords: spool("keywords.spool")?,
            sentences: spool("sentences.spool")?,
            tokens: spool("tokens.spool")?,
            article_texts: spool("texts-table.spool")?,
            mentions: spool("mentions.spool")?,
            entities: spool("entities.spool")?,
            quotes: spool("quotes.spool")?,
            kwic: spool("kwic.spool")?,
            texts: spool("texts.spool")?,
            corpus_entities: rustc_hash::FxHashMap::default(),
            pairs: Default::default(),
            no_model: BTreeMap::new(),
            compare,
            times: StageTimes::default(),
            text_bytes: 0,
            dups: crate::dedup::Index::new(cfg.dup_threshold),
            dedup: cfg.dedup,
        })
    }

    /// Takes a diagnostic (an input skipped or repaired), in input order.
    pub(crate) fn diag(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Documents merged so far.
    pub(crate) fn documents(&self) -> u64 {
        self.records.len() as u64
    }

    /// Merges one mapped document, in input order. A doc_id seen before is renamed (`id#2`,
    /// or the next free number) and reported, here and only here, so that a run and any
    /// sharding of its input into `newslens map` processes name documents the same way.
    pub(crate) fn add(&mut self, m: Mapped) -> io::Result<()> {
        let Mapped {
            analysis: mut a,
            keywords,
        } = m;
        if !self.ids.insert(a.doc.doc_id.clone()) {
            let mut k = 2;
            let renamed = loop {
                let candidate = format!("{}#{k}", a.doc.doc_id);
                if !self.ids.contains(&candidate) {
                    break candidate;
                }
                k += 1;
            };
            self.diagnostics.push(Diagnostic::warning(
                &a.doc.path,
                a.doc.line,
                format!(
                    "duplicate doc_id {:?}; renamed to {renamed:?}",
                    a.doc.doc_id
                ),
            ));
            self.ids.insert(renamed.clone());
            for rows in [
                &mut a.sentence_rows,
                &mut a.token_rows,
                &mut a.text_row,
                &mut a.mention_rows,
                &mut a.entity_rows,
                &mut a.quote_rows,
            ] {
                *rows = rename_rows(rows, &a.doc.doc_id, &renamed)?;
            }
            a.doc.doc_id = renamed;
        }
        let keywords = keywords.as_slice();
        let seq = self.dups.len() as u32;
        // with --dedup a copy of an earlier document adds nothing to the corpus statistics
        let counted = !(self.dups.add(&a.minhash).is_some() && self.dedup);
        if counted {
            self.corpus.add(a.lang.code, &a.terms);
        }
        self.times.add(&a.times);
        self.text_bytes += a.bytes;
        let mut lines = Vec::with_capacity(a.terms.terms.len() * 24);
        for (t, first) in a.terms.terms.iter().zip(&a.term_starts) {
            // terms and stems never contain tabs or newlines: tokens hold no white space
            let _ = writeln!(
                lines,
                "{}\t{}\t{}\t{}\t{}",
                t.n,
                t.stem,
                t.term(),
                t.count,
                first
            );
        }
        let terms = self.terms.append(&lines)?;
        let keywords = self.keywords.append(keywords)?;
        let sentence_rows = self.sentences.append(&a.sentence_rows)?;
        let token_rows = self.tokens.append(&a.token_rows)?;
        let text_row = self.article_texts.append(&a.text_row)?;
        let mention_rows = self.mentions.append(&a.mention_rows)?;
        let entity_rows = self.entities.append(&a.entity_rows)?;
        let quote_rows = self.quotes.append(&a.quote_rows)?;
        let kwic_rows = self.kwic.append(&a.compare.kwic)?;
        let text_rows = self.texts.append(a.text.as_bytes())?;
        if counted {
            self.pairs.add(a.lang.code, &a.compare.pairs);
        }
        let mut entities: Vec<(u32, u32, u64)> = Vec::new();
        let mut voices: Vec<(u32, u32, u32)> = Vec::new();
        for e in a.entities {
            let next = self.corpus_entities.len() as u32;
            let linked = e.id.is_some();
            let key = match e.id {
                Some(id) => EntityKey::Id(id),
                None => EntityKey::Name(e.name.clone(), e.label),
            };
            if !counted {
                // a copy counts nothing; it keeps the entities its story has already brought
                // in, in case it turns out to be its cluster's first copy (the one the compare
                // tables keep)
                if let Some(c) = self.corpus_entities.get(&key) {
                    match entities.iter_mut().find(|x| x.0 == c.id) {
                        Some(x) => {
                            x.1 += e.mentions;
                            x.2 = x.2.min(e.first_start);
                        }
                        None => entities.push((c.id, e.mentions, e.first_start)),
                    }
                }
                continue;
            }
            let c = self
                .corpus_entities
                .entry(key)
                .or_insert_with(|| CorpusEntity {
                    id: next,
                    name: e.name.clone(),
                    ..CorpusEntity::default()
                });
            // a document's entities of one id under two labels count once in `docs` (unlinked
            // ones are unique per name and label already)
            let seen = if linked {
                entities.iter().position(|x| x.0 == c.id)
            } else {
                None
            };
            if seen.is_none() {
                c.docs += 1;
            }
            c.mentions += e.mentions as u64;
            if e.quotes > 0 {
                match voices.iter_mut().find(|v| v.0 == c.id) {
                    Some(v) => {
                        v.1 += e.quotes;
                        v.2 += e.words_quoted;
                    }
                    None => voices.push((c.id, e.quotes, e.words_quoted)),
                }
            }
            match c.labels.iter_mut().find(|l| l.0 == e.label) {
                Some(l) => l.1 += e.mentions as u64,
                None => c.labels.push((e.label, e.mentions as u64)),
            }
            if e.name != c.name {
                c.aliases.insert(e.name);
            }
            c.aliases
                .extend(e.aliases.into_iter().filter(|a| *a != c.name));
            match seen {
                Some(k) => {
                    entities[k].1 += e.mentions;
                    entities[k].2 = entities[k].2.min(e.first_start);
                }
                None => entities.push((c.id, e.mentions, e.first_start)),
            }
        }
        if !self.compare {
            entities.clear();
        }
        if !a.ner_model {
            *self.no_model.entry(a.lang.code).or_default() += 1;
        }
        let mut row = Vec::with_capacity(256);
        let mut w = csv_writer(&mut row);
        w.serialize(DocumentRow {
            doc_id: Text(&a.doc.doc_id),
            source: Text(&a.doc.source),
            title: a.doc.title.as_deref().map(Text),
            published: a.doc.published.as_deref(),
            language: a.lang.code,
            language_confidence: Num(a.lang.confidence),
            chars: a.chars,
            sentences: a.sentences,
            tokens: a.tokens,
            words: a.terms.words as u64,
            unique_terms: a.terms.unique_unigrams as u64,
            language_reliable: a.lang.reliable,
            languages: &a.languages,
            url: a.doc.url.as_deref().map(Text),
            path: Text(&a.doc.path),
            line: a.doc.line,
            author: a.doc.author.as_deref().map(Text),
            wire: a.wire,
            duplicate_of: None,
        })
        .map_err(io::Error::other)?;
        w.flush()?;
        drop(w);
        let document_row = self.documents.append(&row)?;
        let source = match self.sources.get(a.doc.source.as_str()) {
            Some(s) => s.clone(),
            None => {
                let s: std::sync::Arc<str> = a.doc.source.as_str().into();
                self.sources.insert(s.clone());
                s
            }
        };
        self.records.push(DocRecord {
            doc_id: a.doc.doc_id.into_boxed_str(),
            lang: a.lang.code,
            source,
            published: a.doc.published.map(String::into_boxed_str),
            group: a.doc.group.map(String::into_boxed_str),
            words: a.terms.words as u64,
            document_row,
            terms,
            keywords,
            sentence_rows,
            token_rows,
            text_row,
            mention_rows,
            entity_rows,
            quote_rows,
            kwic_rows,
            text_rows,
            entities: entities.into_boxed_slice(),
            voices: voices.into_boxed_slice(),
            wire: a.wire,
            seq,
            counted,
        });
        Ok(())
    }
}

/// Per-document CSV rows (`doc_id` first) with the `doc_id` of every row changed from `old` to
/// `new`: each record starts with `old` as the CSV writer wrote it, and only that prefix is
/// replaced, so the rest of each row stays byte for byte.
fn rename_rows(rows: &[u8], old: &str, new: &str) -> io::Result<Vec<u8>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let field = |id: &str| -> io::Result<Vec<u8>> {
        let mut out = csv_field(id)?;
        out.push(b',');
        Ok(out)
    };
    let (old_field, new_field) = (field(old)?, field(new)?);
    let mut starts = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(rows);
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(io::Error::other)?
    {
        if let Some(p) = record.position() {
            starts.push(p.byte() as usize);
        }
    }
    let mut out = Vec::with_capacity(rows.len() + starts.len() * (new_field.len() + 1));
    let mut at = 0;
    for start in starts {
        if !rows[start..].starts_with(&old_field) {
            return Err(io::Error::other("a row does not start with its doc_id"));
        }
        out.extend_from_slice(&rows[at..start]);
        out.extend_from_slice(&new_field);
        at = start + old_field.len();
    }
    out.extend_from_slice(&rows[at..]);
    Ok(out)
}

fn check_output(cfg: &RunConfig) -> Result<PathBuf, RunError> {
    let out = &cfg.output;
    if out.exists() && !out.is_dir() {
        return Err(RunError::Output(
            out.clone(),
            "exists and is not a folder; choose an output folder with -o".into(),
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| {
        RunError::Output(
            out.clone(),
            format!("cannot create the output folder ({e}); choose another with -o"),
        )
    })?;
    let real = out
        .canonicalize()
        .map_err(|e| RunError::Output(out.clone(), e.to_string()))?;
    for input in &cfg.inputs {
        if let Ok(inp) = input.canonicalize()
            && inp.is_dir()
            && real.starts_with(&inp)
        {
            return Err(RunError::Output(
                out.clone(),
                format!(
                    "is inside the input folder {}; its CSV files would be read as articles next time — choose an output folder outside it with -o",
                    input.display()
                ),
            ));
        }
        if let Ok(inp) = input.canonicalize()
            && inp.starts_with(&real)
        {
            return Err(RunError::Output(
                out.clone(),
                format!(
                    "holds the input {}; publishing would replace or mix with it — move the input out of the output folder, or choose another with -o",
                    input.display()
                ),
            ));
        }
    }
    Ok(real)
}

/// Reads a `--gazetteer` file: the built-in lists plus the user's, and a warning per row
/// skipped.
pub(crate) fn load_gazetteer(
    path: &std::path::Path,
) -> Result<
    (
        std::sync::Arc<crate::ner::gazetteer::Gazetteer>,
        Vec<Diagnostic>,
    ),
    RunError,
> {
    let text = std::fs::read(path)
        .map_err(|e| RunError::Gazetteer(path.into(), format!("cannot read it ({e})")))?;
    let text = String::from_utf8(text)
        .map_err(|_| RunError::Gazetteer(path.into(), "is not UTF-8".into()))?;
    let (gaz, skipped) =
        crate::ner::gazetteer::Gazetteer::with_user(text.trim_start_matches('\u{feff}'))
            .map_err(|e| RunError::Gazetteer(path.into(), e))?;
    let notes = skipped
        .into_iter()
        .map(|(line, why)| {
            Diagnostic::warning(
                path.display().to_string(),
                Some(line),
                format!("gazetteer row skipped: {why}"),
            )
        })
        .collect();
    Ok((std::sync::Arc::new(gaz), notes))
}

/// The tables finished so far, for a thread that waits on them (the workbook's).
#[derive(Default)]
struct Finished {
    /// (tables finished, where the writing is)
    state: std::sync::Mutex<(Vec<&'static str>, crate::report::workbook::Progress)>,
    changed: std::sync::Condvar,
}

impl Finished {
    /// `Some(table)`: that table is finished; `None`: so is every table a sheet or the page is
    /// made from.
    fn announce(&self, table: Option<&'static str>) {
        use crate::report::workbook::Progress;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match table {
            Some(name) => state.0.push(name),
            None => state.1 = Progress::Done,
        }
        drop(state);
        self.changed.notify_all();
    }
}

impl crate::report::workbook::Tables for Finished {
    fn finished_beyond(
        &self,
        seen: usize,
    ) -> (Vec<&'static str>, crate::report::workbook::Progress) {
        use crate::report::workbook::Progress;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while state.1 == Progress::Writing && state.0.len() <= seen {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        (state.0.clone(), state.1)
    }
}

/// Marks the writing failed when dropped before it is done, so that a waiting thread ends
/// whatever happens (an error or a panic while writing).
struct FailOnDrop<'a>(&'a Finished);

impl Drop for FailOnDrop<'_> {
    fn drop(&mut self) {
        use crate::report::workbook::Progress;
        let mut state = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.1 == Progress::Writing {
            state.1 = Progress::Failed;
        }
        drop(state);
        self.0.changed.notify_all();
    }
}

/// The reduce side of a run: the locked staging folder, the worker pool and the [`Reducer`].
/// `newslens run` and `newslens reduce` both open one, feed it mapped documents and
/// diagnostics in input order, and [`Output::finish`] it.
pub(crate) struct Output {
    staging: Staging,
    pool: std::sync::Arc<rayon::ThreadPool>,
    /// The merge state.
    pub reducer: Reducer,
    /// Time spent merging.
    pub merge_time: Duration,
}

impl Output {
    /// Checks the output folder, locks it and opens the staging folder and the spools;
    /// `compare`: whether the compare tables will be written. Also returns the note about a
    /// dead run's lock that was replaced, if any.
    pub(crate) fn open(
        cfg: &RunConfig,
        compare: bool,
    ) -> Result<(Output, Option<Diagnostic>), RunError> {
        check_output(cfg)?;
        let mut staging = Staging::create(&cfg.output, cfg.bom).map_err(|e| match e {
            PublishError::Busy(_) => RunError::Output(cfg.output.clone(), e.to_string()),
            PublishError::Io(e) => RunError::Output(
                cfg.output.clone(),
                format!("cannot write here ({e}); choose another folder with -o"),
            ),
        })?;
        staging.set_format(cfg.format);
        let stale = staging.stale_lock().map(|pid| {
            Diagnostic::info(
                cfg.output.display().to_string(),
                None,
                format!(
                    "lock file of an earlier run (process {pid}) that no longer runs was replaced"
                ),
            )
        });
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.jobs)
            .build()
            .map_err(|e| RunError::Threads(e.to_string()))?;
        let reducer = Reducer::new(&staging, compare, cfg)
            .map_err(|e| RunError::Write(cfg.output.clone(), e))?;
        Ok((
            Output {
                staging,
                pool: std::sync::Arc::new(pool),
                reducer,
                merge_time: Duration::ZERO,
            },
            stale,
        ))
    }

    /// The worker pool (`-j` threads), to hand to another thread.
    pub(crate) fn shared_pool(&self) -> std::sync::Arc<rayon::ThreadPool> {
        self.pool.clone()
    }

    /// Merges mapped documents, in order.
    pub(crate) fn add(&mut self, mapped: Vec<Mapped>) -> io::Result<()> {
        let t0 = Instant::now();
        for m in mapped {
            self.reducer.add(m)?;
        }
        self.merge_time += t0.elapsed();
        Ok(())
    }

    /// Writes every table, the workbook and the page, then publishes them with `run.json`.
    /// `input_bytes`: bytes of input read; `read_time`: time spent reading.
    pub(crate) fn finish(
        mut self,
        cfg: &RunConfig,
        started: Instant,
        input_bytes: u64,
        read_time: Duration,
    ) -> Result<Summary, RunError> {
        let write_err = |e: io::Error| RunError::Write(cfg.output.clone(), e);
        let mut diagnostics = std::mem::take(&mut self.reducer.diagnostics);
        let t_write = Instant::now();
        let dir = self.staging.dir().to_path_buf();
        let dir = dir.as_path();
        let pool = &*self.pool;
        // with more than one thread the workbook is written while the tables are, on a thread
        // of its own: each sheet as soon as its table is finished (it reads the CSV file alone),
        // and it is saved while the tables no sheet is made from are still being written
        let overlap = cfg.workbook && pool.current_num_threads() > 1;
        let finished = Finished::default();
        let (tables, book, write_time, page) = std::thread::scope(|s| {
            let book = overlap.then(|| {
                s.spawn(|| {
                    crate::report::workbook::write_as_ready(dir, &finished, pool, cfg.workbook_rows)
                })
            });
            let tables = {
                let _failed = FailOnDrop(&finished);
                write_tables(
                    cfg,
                    pool,
                    &self.staging,
                    self.reducer,
                    &mut diagnostics,
                    &|table| finished.announce(table),
                )
            };
            let write_time = t_write.elapsed();
            // the page (and, without the overlap, the workbook) once every table is there and
            // write_tables has freed the vocabulary and the document records: the page keeps
            // a little of every document, and would add to their peak
            let page = tables.is_ok().then(|| {
                pool.install(|| {
                    crate::report::write(
                        dir,
                        (cfg.workbook && !overlap).then_some(cfg.workbook_rows),
                        cfg.report,
                    )
                })
            });
            let book = book.map(|b| {
                b.join()
                    .unwrap_or_else(|_| Err(io::Error::other("the workbook's thread failed")))
            });
            (tables, book, write_time, page)
        });
        let (summary_counts, mut files_written, times) = tables.map_err(write_err)?;
        let staging = self.staging;
        let (mut reports, skipped) = page.unwrap_or(Ok(Default::default())).map_err(write_err)?;
        diagnostics.extend(skipped);
        let book = book.map(|b| crate::report::workbook_or_note(dir, b, &mut diagnostics));
        if let Some(book) = book.transpose().map_err(write_err)?.flatten() {
            reports.insert(0, book);
        }
        files_written.extend(reports.iter().map(|r| r.name));
        // a table is written as CSV, and then as Parquet with --format parquet: the files
        // published are those of the format asked for
        for f in files_written.iter_mut() {
            *f = staging.published_name(f);
        }
        // with the overlap, the workbook's time after the last table (the rest is in write)
        let report_time = t_write.elapsed().saturating_sub(write_time);

        let mut summary = summary_counts;
        summary.errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count() as u64;
        summary.warnings = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count() as u64;
        summary.input_bytes = input_bytes;
        summary.seconds = started.elapsed().as_secs_f64();
        summary.files = files_written.clone();
        summary.output = cfg.output.clone();
        summary.diagnostics = diagnostics;
        let rows: Vec<(&str, u64)> = staging
            .finished()
            .into_iter()
            .map(|(name, n)| (staging.published_name(name), n))
            .collect();
        let run_json = run_json(
            cfg,
            &summary,
            &rows,
            &reports,
            &times,
            [read_time, self.merge_time, write_time, report_time],
        );
        staging
            .publish(&files_written, &run_json)
            .map_err(write_err)?;
        summary.files.push("run.json");
        Ok(summary)
    }
}

/// Runs the whole job. See the module docs. It is `newslens map` and `newslens reduce` in one
/// process: documents go through [`map_batch`] and into the same [`Output`] `reduce` uses,
/// only without the line format in between.
pub fn run(cfg: &RunConfig, progress: &dyn Progress) -> Result<Summary, RunError> {
    let started = Instant::now();
    let (files, discovered) = input::discover(&cfg.inputs, &cfg.read);
    if files.is_empty() {
        if let Some(d) = discovered.iter().find(|d| d.severity == Severity::Error) {
            return Err(RunError::NoInputs(format!("{}: {}", d.path, d.message)));
        }
        let named = cfg
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(RunError::NoInputs(format!(
            "no articles found in {named}: put .txt, .md, .jsonl or .csv files there, or name them: newslens run PATH..."
        )));
    }
    check_output(cfg)?;
    let mut pipeline = cfg.pipeline.clone();
    let mut notes = Vec::new();
    if let Some(path) = &cfg.gazetteer {
        let (gaz, skipped) = load_gazetteer(path)?;
        pipeline.gazetteer = gaz;
        notes = skipped;
    }
    let pipeline = &pipeline;
    let (mut out, stale) = Output::open(cfg, cfg.pipeline.compare.enabled)?;
    for d in discovered.into_iter().chain(notes).chain(stale) {
        out.reducer.diag(d);
    }
    let write_err = |e: io::Error| RunError::Write(cfg.output.clone(), e);
    let total: u64 = files.iter().map(|f| f.size).sum();
    progress.start(total);
    let mut batch: Vec<Document> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut done_files_bytes = 0u64;
    let mut read_time = Duration::ZERO;
    let mut failure: Option<io::Error> = None;

    // With more than one worker, a batch is analysed on the pool while this thread merges the
    // one before it and reads the next, so merging and reading overlap the analysis. The
    // batches are still merged in input order, so the output is the same; with `-j1` nothing
    // overlaps and the run stays on one core.
    let overlap = cfg.jobs != 1;
    let pool = out.shared_pool();
    let joined = |h: std::thread::ScopedJoinHandle<'_, Vec<Mapped>>| {
        h.join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    };
    std::thread::scope(|scope| -> Result<(), RunError> {
        let mut pending = None;
        let mut flush = |batch: &mut Vec<Document>, out: &mut Output| -> io::Result<()> {
            let docs = std::mem::take(batch);
            if !overlap {
                return out.add(map_batch(docs, pipeline, &pool));
            }
            let pool = pool.clone();
            let next = scope.spawn(move || map_batch(docs, pipeline, &pool));
            match pending.replace(next) {
                Some(previous) => out.add(joined(previous)),
                None => Ok(()),
            }
        };

        for file in &files {
            let mut file_text = 0u64;
            let mut t_read = Instant::now();
            input::read(file, &cfg.read, &mut |item| {
                if failure.is_some() {
                    return;
                }
                match item {
                    Item::Diag(d) => out.reducer.diag(d),
                    Item::Doc(doc) => {
                        if starts_batch(&batch, &doc) {
                            if let Err(e) = flush(&mut batch, &mut out) {
                                failure = Some(e);
                                return;
                            }
                            batch_bytes = 0;
                        }
                        batch_bytes += doc.text.len();
                        file_text += doc.text.len() as u64;
                        batch.push(doc);
                        if batch.len() >= BATCH_DOCS || batch_bytes >= BATCH_BYTES {
                            read_time += t_read.elapsed();
                            if let Err(e) = flush(&mut batch, &mut out) {
                                failure = Some(e);
                            }
                            batch_bytes = 0;
                            progress.advance(
                                done_files_bytes + file_text.min(file.size),
                                out.reducer.documents(),
                            );
                            t_read = Instant::now();
                        }
                    }
                }
            });
            read_time += t_read.elapsed();
            done_files_bytes += file.size;
            if let Some(e) = failure.take() {
                return Err(write_err(e));
            }
        }
        flush(&mut batch, &mut out).map_err(write_err)?;
        if let Some(last) = pending.take() {
            out.add(joined(last)).map_err(write_err)?;
        }
        Ok(())
    })?;
    progress.advance(total, out.reducer.documents());
    progress.finish();
    out.finish(cfg, started, total, read_time)
}

/// A document's keyword list for the compare tables: (n, stem, keyword as written).
type KeywordList = Vec<(u8, String, String)>;

/// The `keywords.csv` rows of one document, CSV-encoded, from its spooled candidates; and its
/// list of the first method asked for (for the compare tables).
fn keyword_rows(
    cfg: &RunConfig,
    corpus: &CorpusTerms,
    r: &DocRecord,
    spooled: &[u8],
) -> io::Result<(Vec<u8>, KeywordList)> {
    let corrupt = || io::Error::other("corrupt keywords spool");
    let doc = DocKeywords::decode(spooled).ok_or_else(corrupt)?;
    let view = CorpusView::new(corpus, r.lang);
    let mut out = Vec::new();
    let mut w = csv_writer(&mut out);
    // in the order of Method::ALL, whatever the order asked for
    let methods = Method::ALL
        .into_iter()
        .filter(|m| cfg.pipeline.keyword_methods.contains(m));
    let mut list = Vec::new();
    for (m, method) in methods.enumerate() {
        let top = crate::keywords::rank(&doc, method, &view, cfg.pipeline.keywords);
        for (rank, (i, score)) in top.into_iter().enumerate() {
            let c = &doc.candidates[i];
            if m == 0 && cfg.pipeline.compare.enabled {
                list.push((c.n, doc.stem(c).to_string(), doc.keyword(c).to_string()));
            }
            w.serialize(KeywordRow {
                doc_id: Text(&r.doc_id),
                method: method.as_str(),
                rank: rank as u32 + 1,
                keyword: Text(doc.keyword(c)),
                score: Num(crate::compare::stats::round_sig(score, 6)),
                count: c.count,
                first_start: c.first_start,
            })
            .map_err(io::Error::other)?;
        }
    }
    w.flush()?;
    drop(w);
    Ok((out, list))
}

/// The `terms.csv` rows of one document, CSV-encoded, from its spooled term counts.
/// Terms of more than `ngrams` words are left out.
fn term_rows(
    corpus: &CorpusTerms,
    r: &DocRecord,
    spooled: &[u8],
    ngrams: usize,
) -> io::Result<Vec<u8>> {
    let corrupt = || io::Error::other("corrupt terms spool");
    let text = std::str::from_utf8(spooled).map_err(|_| corrupt())?;
    let mut out = Vec::with_capacity(spooled.len() * 3);
    let mut w = csv_writer(&mut out);
    for line in text.lines() {
        // n, stem, term, count, first_start
        let mut f = line.split('\t');
        let (Some(n), Some(stem), Some(term), Some(count)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(corrupt());
        };
        let n: u8 = n.parse().map_err(|_| corrupt())?;
        if n as usize > ngrams {
            continue;
        }
        let count: u32 = count.parse().map_err(|_| corrupt())?;
        let df = corpus.df(r.lang, n, stem);
        let tf = tf(count, r.words as u32);
        let idf = idf(corpus.n_docs, df);
        w.serialize(TermRow {
            doc_id: Text(&r.doc_id),
            term: Text(term),
            stem: Text(stem),
            n,
            count,
            tf: Num(tf),
            df,
            idf: Num(idf),
            tfidf: Num(tf * idf),
        })
        .map_err(io::Error::other)?;
    }
    w.flush()?;
    drop(w);
    Ok(out)
}

/// Writes the table `name` from `spool`: each document's rows, in doc_id order; `rows` gives a
/// document's span in the spool and how many rows it holds (`None`: one per line end).
fn copy_spool(
    staging: &Staging,
    def: &'static TableDef,
    spool: &mut Spool,
    records: &[DocRecord],
    rows: impl Fn(&DocRecord) -> ((u64, u64), Option<u64>),
) -> io::Result<&'static str> {
    let mut t = staging.table(def)?;
    let mut spool = spool.reader()?;
    for r in records {
        let (span, n) = rows(r);
        let bytes = spool.read(span)?;
        match n {
            Some(n) => t.raw_rows(bytes, n)?,
            None => t.raw(bytes)?,
        }
    }
    t.finish()
}

/// One CSV field as the writer writes it (guarded, quoted where needed), without a newline.
fn csv_field(value: &str) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut w = csv_writer(&mut out);
    w.write_record([crate::output::guard(value).as_bytes()])
        .map_err(io::Error::other)?;
    w.flush()?;
    drop(w);
    while out.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        out.pop();
    }
    Ok(out)
}

/// The clusters of copies of `records` (in input order, as added to `index`): for each copy
/// (by its place in input order), its first copy's doc_id and that copy's news agency; the
/// rows of `duplicates.csv`; the number of clusters.
#[allow(clippy::type_complexity)]
fn duplicates(
    records: &[DocRecord],
    index: &mut crate::dedup::Index,
) -> io::Result<(
    rustc_hash::FxHashMap<u32, (Box<str>, Option<&'static str>)>,
    Vec<u8>,
    u64,
)> {
    let roots = index.clusters();
    let mut members: rustc_hash::FxHashMap<u32, Vec<usize>> = Default::default();
    for (i, &root) in roots.iter().enumerate() {
        if root as usize != i || members.contains_key(&root) {
            members.entry(root).or_default().push(i);
        }
    }
    // a cluster's members: the first copy (earliest published, undated last, then doc_id) first
    let key = |i: &usize| {
        let r = &records[*i];
        (r.published.is_none(), r.published.clone(), r.doc_id.clone())
    };
    let mut clusters: Vec<Vec<usize>> = members
        .into_iter()
        .map(|(root, mut m)| {
            m.push(root as usize);
            m.sort_by_key(key);
            m.dedup();
            m
        })
        .filter(|m| m.len() > 1)
        .collect();
    clusters.sort_by_key(|m| key(&m[0]));
    let mut copy_of = rustc_hash::FxHashMap::default();
    let mut rows = Vec::new();
    let mut w = csv_writer(&mut rows);
    for (c, m) in clusters.iter().enumerate() {
        let first = &records[m[0]];
        for &i in m {
            let r = &records[i];
            let is_first = i == m[0];
            w.serialize(crate::output::DuplicateRow {
                cluster: c as u64 + 1,
                doc_id: Text(&r.doc_id),
                duplicate_of: (!is_first).then_some(Text(&first.doc_id)),
                // an estimate (standard error about 0.04): three decimals say all it knows
                similarity: Num((crate::dedup::similarity(
                    index.signature(r.seq),
                    index.signature(first.seq),
                ) * 1000.0)
                    .round()
                    / 1000.0),
                published: r.published.as_deref(),
                source: Text(&r.source),
                wire: r.wire,
            })
            .map_err(io::Error::other)?;
            if !is_first {
                copy_of.insert(r.seq, (first.doc_id.clone(), first.wire));
            }
        }
    }
    w.flush()?;
    drop(w);
    Ok((copy_of, rows, clusters.len() as u64))
}

/// The `--group-by` group of a document (None: in no group).
fn group_of(r: &DocRecord, by: &crate::compare::GroupBy) -> Option<String> {
    use crate::compare::GroupBy;
    match by {
        GroupBy::Field(_) => r.group.as_deref().map(str::to_string),
        GroupBy::Source => Some(r.source.to_string()),
        GroupBy::Language => Some(r.lang.to_string()),
        GroupBy::PublishedMonth => r
            .published
            .as_deref()
            .and_then(|p| p.get(..7))
            .map(str::to_string),
    }
}

/// `corpus_sources.csv`: the quoted entities over the corpus, then per group.
fn write_corpus_sources(
    staging: &Staging,
    records: &[DocRecord],
    corpus_entities: &rustc_hash::FxHashMap<EntityKey, CorpusEntity>,
    group_by: Option<&crate::compare::GroupBy>,
) -> io::Result<&'static str> {
    let mut by_id: Vec<Option<(&EntityKey, &CorpusEntity)>> = vec![None; corpus_entities.len()];
    for (k, c) in corpus_entities {
        by_id[c.id as usize] = Some((k, c));
    }
    // (scope 0 corpus / 1 group, group, entity id) -> (docs, quotes, words)
    type Scope = (u8, String, u32);
    let mut counts: BTreeMap<Scope, (u64, u64, u64)> = BTreeMap::new();
    for r in records.iter().filter(|r| !r.voices.is_empty()) {
        let group = group_by.and_then(|g| group_of(r, g));
        for &(id, quotes, words) in r.voices.iter() {
            let scopes =
                std::iter::once((0u8, String::new())).chain(group.clone().map(|g| (1u8, g)));
            for (scope, g) in scopes {
                let c = counts.entry((scope, g, id)).or_default();
                c.0 += 1;
                c.1 += quotes as u64;
                c.2 += words as u64;
            }
        }
    }
    let mut rows: Vec<(&Scope, &(u64, u64, u64))> = counts.iter().collect();
    let name = |id: u32| by_id[id as usize].map_or("", |(_, c)| c.name.as_str());
    rows.sort_by(|a, b| {
        (a.0.0, &a.0.1)
            .cmp(&(b.0.0, &b.0.1))
            .then_with(|| b.1.1.cmp(&a.1.1))
            .then_with(|| b.1.0.cmp(&a.1.0))
            .then_with(|| name(a.0.2).cmp(name(b.0.2)))
            .then_with(|| a.0.2.cmp(&b.0.2))
    });
    let by = group_by.map_or("", crate::compare::GroupBy::as_str);
    let mut t = staging.table(&schema::CORPUS_SOURCES)?;
    for ((scope, group, id), (docs, quotes, words)) in rows {
        let Some((key, c)) = by_id[*id as usize] else {
            continue;
        };
        t.row(&crate::output::CorpusSourceRow {
            group_by: if *scope == 0 { "corpus" } else { by },
            group: Text(group),
            entity: Text(&c.name),
            label: c.label(),
            id: Text(key_id(key)),
            docs: *docs,
            quotes: *quotes,
            words_quoted: *words,
        })?;
    }
    t.finish()
}

/// Writes every table into the staging folder; returns the counts and the file names.
fn write_tables(
    cfg: &RunConfig,
    pool: &rayon::ThreadPool,
    staging: &Staging,
    reducer: Reducer,
    diagnostics: &mut Vec<Diagnostic>,
    finished: &dyn Fn(Option<&'static str>),
) -> io::Result<(Summary, Vec<&'static str>, StageTimes)> {
    let Reducer {
        ids,
        diagnostics: _,
        mut records,
        corpus,
        mut documents,
        sources,
        mut terms,
        mut keywords,
        sentences,
        tokens,
        article_texts,
        mut mentions,
        mut entities,
        mut quotes,
        mut kwic,
        mut texts,
        corpus_entities,
        pairs,
        no_model,
        compare: _,
        times,
        text_bytes,
        mut dups,
        dedup,
    } = reducer;
    // a `_` pattern would keep these alive (unmoved fields drop only when the function
    // returns); the doc_id set holds a string per document, through the compare tables' peak
    drop((ids, sources));
    // clusters of copies, while the records are in input order (their place in the index)
    let (copy_of, duplicate_rows, clusters) = duplicates(&records, &mut dups)?;
    drop(dups);
    if dedup {
        // the compare tables keep each cluster's first copy (the corpus counts were made with
        // the copy read first)
        for r in &mut records {
            r.counted = !copy_of.contains_key(&r.seq);
        }
    }
    records.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    let mut summary = Summary {
        documents: records.len() as u64,
        text_bytes,
        copies: copy_of.len() as u64,
        clusters,
        ..Summary::default()
    };
    for (_, wire) in copy_of.values() {
        *summary
            .copies_by_wire
            .entry(wire.unwrap_or(""))
            .or_default() += 1;
    }
    let mut written = Vec::new();
    // each table is announced as soon as it is finished (the workbook may be waiting for it)
    let done = |written: &mut Vec<&'static str>, name| {
        written.push(name);
        finished(Some(name));
    };
    summary.languages = BTreeMap::new();
    for r in &records {
        *summary.languages.entry(r.lang).or_default() += 1;
    }

    // documents: each spooled row ends with an empty duplicate_of, filled in here
    let mut t = staging.table(&schema::DOCUMENTS)?;
    let mut spool = documents.reader()?;
    let mut row = Vec::new();
    for r in &records {
        let bytes = spool.read(r.document_row)?;
        match copy_of.get(&r.seq) {
            Some((first, _)) => {
                row.clear();
                row.extend_from_slice(bytes.strip_suffix(b"\n").unwrap_or(bytes));
                row.extend_from_slice(&csv_field(first)?);
                row.push(b'\n');
                t.raw_rows(&row, 1)?;
            }
            None => t.raw_rows(bytes, 1)?,
        }
    }
    drop(spool);
    done(&mut written, t.finish()?);
    drop(copy_of);

    let mut t = staging.table(&schema::DUPLICATES)?;
    // a row per copy and one per first copy
    t.raw_rows(&duplicate_rows, summary.copies + summary.clusters)?;
    drop(duplicate_rows);
    done(&mut written, t.finish()?);

    let n_docs = corpus.n_docs;
    // keywords: spooled candidates are read in doc_id order, a batch at a time, ranked in
    // parallel and written in order (each document's rows depend on it and the corpus alone)
    let mut t = staging.table(&schema::KEYWORDS)?;
    let mut keyphrases = crate::compare::Keyphrases::default();
    let mut doc_keyphrases: Vec<Vec<u32>> = Vec::new();
    if cfg.pipeline.extract_keywords() {
        let mut spool = keywords.reader()?;
        for batch in records.chunks(KEYWORD_BATCH_DOCS) {
            let mut texts = Vec::with_capacity(batch.len());
            for r in batch {
                texts.push(spool.read(r.keywords)?.to_vec());
            }
            let rows: Vec<io::Result<(Vec<u8>, KeywordList)>> = pool.install(|| {
                batch
                    .par_iter()
                    .zip(texts)
                    .map(|(r, text)| keyword_rows(cfg, &corpus, r, &text))
                    .collect()
            });
            for (r, rec) in rows.into_iter().zip(batch) {
                let (rows, list) = r?;
                t.raw(&rows)?;
                if cfg.pipeline.compare.enabled {
                    // with --dedup a copy's list does not count (it has no compare rows)
                    doc_keyphrases.push(if rec.counted {
                        keyphrases.add_list(rec.lang, &list)
                    } else {
                        Vec::new()
                    });
                }
            }
        }
    }
    done(&mut written, t.finish()?);

    let mut t = staging.table(&schema::CORPUS_TERMS)?;
    // a phrase of one article is that article's, not the corpus's (it is in terms.csv)
    let min_docs = cfg.pipeline.corpus_terms_min_docs;
    let keep = |docs: u64, count: u64| {
        min_docs <= 1 || docs >= min_docs || (n_docs < min_docs && count >= 2)
    };
    let rows = pool.install(|| corpus.sorted(|n, ct| n == 1 || keep(ct.docs, ct.count)));
    for (lang, n, stem, ct) in rows {
        t.row(&CorpusTermRow {
            term: Text(ct.term()),
            stem: Text(stem),
            n,
            language: lang,
            docs: ct.docs,
            count: ct.count,
            idf: Num(crate::compare::stats::round(idf(n_docs, ct.docs), 6)),
        })?;
    }
    done(&mut written, t.finish()?);

    if cfg.pipeline.ner {
        let name = copy_spool(staging, &schema::ENTITIES, &mut entities, &records, |r| {
            (r.entity_rows, None)
        })?;
        done(&mut written, name);
        let mut rows: Vec<(&EntityKey, &CorpusEntity)> = corpus_entities.iter().collect();
        rows.sort_by(|a, b| {
            b.1.mentions
                .cmp(&a.1.mentions)
                .then_with(|| a.1.name.cmp(&b.1.name))
                .then_with(|| a.1.label().cmp(b.1.label()))
                .then_with(|| key_id(a.0).cmp(key_id(b.0)))
        });
        let mut t = staging.table(&schema::CORPUS_ENTITIES)?;
        for (key, c) in rows {
            let aliases = c
                .aliases
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(";");
            t.row(&CorpusEntityRow {
                entity: Text(&c.name),
                label: c.label(),
                docs: c.docs,
                mentions: c.mentions,
                aliases: Text(&aliases),
                id: Text(key_id(key)),
            })?;
        }
        done(&mut written, t.finish()?);
        // quotes.csv has a sheet: written before the workbook is told every sheet's table is
        // there
        if cfg.pipeline.tables.has(&schema::QUOTES) {
            let name = copy_spool(staging, &schema::QUOTES, &mut quotes, &records, |r| {
                (r.quote_rows, None)
            })?;
            done(&mut written, name);
        }
        if cfg.pipeline.tables.has(&schema::CORPUS_SOURCES) {
            let name = write_corpus_sources(
                staging,
                &records,
                &corpus_entities,
                cfg.pipeline.compare.group_by.as_ref(),
            )?;
            done(&mut written, name);
        }
        let n: u64 = no_model.values().sum();
        if n > 0 {
            let langs = no_model
                .iter()
                .map(|(l, k)| format!("{l} {k}"))
                .collect::<Vec<_>>()
                .join(", ");
            diagnostics.push(Diagnostic::info(
                "",
                None,
                format!(
                    "{n} {} in languages without an NER model ({langs}): only rule and gazetteer entities; models: {}",
                    if n == 1 { "document" } else { "documents" },
                    crate::ner::model_languages().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }

    if cfg.pipeline.compare.enabled {
        for name in write_compare(
            cfg,
            pool,
            staging,
            &records,
            &corpus,
            &corpus_entities,
            keyphrases,
            &doc_keyphrases,
            pairs,
            terms.reader()?,
            kwic.reader()?,
            texts.reader()?,
            diagnostics,
            &|name| finished(Some(name)),
        )? {
            // announced by compare::write as each was finished
            written.push(name);
        }
    }

    diagnostics.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    let mut t = staging.table(&schema::DIAGNOSTICS)?;
    for d in diagnostics.iter() {
        t.row(&DiagnosticRow {
            path: Text(&d.path),
            line: d.line,
            severity: d.severity.as_str(),
            message: Text(&d.message),
        })?;
    }
    done(&mut written, t.finish()?);
    // every table a sheet or the page is made from is there
    finished(None);

    // the tables no sheet or page is made from come last, so that the workbook's thread can
    // finish (and save) while they are written
    // terms: spooled counts are read in doc_id order, a batch at a time, turned into rows in
    // parallel (df, idf and tf-idf need only the document and the corpus) and written in order
    if cfg.pipeline.tables.has(&schema::TERMS) {
        let mut t = staging.table(&schema::TERMS)?;
        let mut terms_spool = terms.reader()?;
        let ngrams = cfg.pipeline.ngrams;
        for batch in records.chunks(TERM_BATCH_DOCS) {
            let mut texts = Vec::with_capacity(batch.len());
            for r in batch {
                texts.push(terms_spool.read(r.terms)?.to_vec());
            }
            let rows: Vec<io::Result<Vec<u8>>> = pool.install(|| {
                batch
                    .par_iter()
                    .zip(texts)
                    .map(|(r, text)| term_rows(&corpus, r, &text, ngrams))
                    .collect()
            });
            for r in rows {
                t.raw(&r?)?;
            }
        }
        done(&mut written, t.finish()?);
    }

    if cfg.pipeline.ner {
        let name = copy_spool(staging, &schema::MENTIONS, &mut mentions, &records, |r| {
            (r.mention_rows, None)
        })?;
        done(&mut written, name);
    }

    // sentence and token rows are one line each; a text row is one row of many lines
    type Rows = fn(&DocRecord) -> ((u64, u64), Option<u64>);
    let per_doc: [(&TableDef, Spool, Rows); 3] = [
        (&schema::SENTENCES, sentences, |r| (r.sentence_rows, None)),
        (&schema::TOKENS, tokens, |r| (r.token_rows, None)),
        (&schema::TEXTS, article_texts, |r| {
            (r.text_row, Some(u64::from(r.text_row.1 > 0)))
        }),
    ];
    for (def, mut spool, rows) in per_doc {
        if !cfg.pipeline.tables.has(def) {
            continue;
        }
        let name = copy_spool(staging, def, &mut spool, &records, rows)?;
        done(&mut written, name);
    }

    // listed in the contract's order, whatever order they were written in
    let order = crate::output::output_files();
    written.sort_by_key(|name| order.iter().position(|f| f == name));
    Ok((summary, written, times))
}

/// The spools [`crate::compare::write`] reads, by document (in `doc_id` order).
struct CompareSpools<'a> {
    records: Vec<&'a DocRecord>,
    terms: SpoolReader,
    kwic: SpoolReader,
    texts: SpoolReader,
}

impl crate::compare::Spools for CompareSpools<'_> {
    fn terms(&mut self, doc: usize) -> io::Result<Vec<u8>> {
        Ok(self.terms.read(self.records[doc].terms)?.to_vec())
    }
    fn kwic(&mut self, doc: usize) -> io::Result<Vec<u8>> {
        Ok(self.kwic.read(self.records[doc].kwic_rows)?.to_vec())
    }
    fn text(&mut self, doc: usize) -> io::Result<Vec<u8>> {
        Ok(self.texts.read(self.records[doc].text_rows)?.to_vec())
    }
}

/// Writes the compare tables (`coverage.csv`, `similarity.csv`, ...): see [`crate::compare`].
#[allow(clippy::too_many_arguments)]
fn write_compare(
    cfg: &RunConfig,
    pool: &rayon::ThreadPool,
    staging: &Staging,
    records: &[DocRecord],
    corpus: &CorpusTerms,
    corpus_entities: &rustc_hash::FxHashMap<EntityKey, CorpusEntity>,
    keyphrases: crate::compare::Keyphrases,
    doc_keyphrases: &[Vec<u32>],
    pairs: crate::compare::collocations::Pairs,
    terms: SpoolReader,
    kwic: SpoolReader,
    texts: SpoolReader,
    diagnostics: &mut Vec<Diagnostic>,
    finished: &dyn Fn(&'static str),
) -> io::Result<Vec<&'static str>> {
    use crate::compare::{Corpus, Doc, EntityInfo};
    let mut entities: Vec<EntityInfo> = Vec::with_capacity(corpus_entities.len());
    let mut by_id: Vec<(&EntityKey, &CorpusEntity)> = corpus_entities.iter().collect();
    by_id.sort_by_key(|e| e.1.id);
    for (key, c) in by_id {
        entities.push(EntityInfo {
            name: &c.name,
            label: c.label(),
            id: key_id(key),
            docs: c.docs,
            mentions: c.mentions,
        });
    }
    // with --dedup, only the copy read first of each cluster
    let records: Vec<(usize, &DocRecord)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.counted)
        .collect();
    let docs = records
        .iter()
        .map(|&(i, r)| Doc {
            doc_id: &r.doc_id,
            lang: r.lang,
            source: &r.source,
            published: r.published.as_deref(),
            group: r.group.as_deref(),
            words: r.words as u32,
            entities: &r.entities,
            keyphrases: doc_keyphrases.get(i).map_or(&[][..], Vec::as_slice),
        })
        .collect();
    let corpus = Corpus {
        docs,
        terms: corpus,
        entities,
        keyphrases,
        pairs,
    };
    let mut spools = CompareSpools {
        records: records.into_iter().map(|(_, r)| r).collect(),
        terms,
        kwic,
        texts,
    };
    crate::compare::write(
        &cfg.pipeline.compare,
        cfg.pipeline.tables,
        corpus,
        &mut spools,
        staging,
        pool,
        diagnostics,
        finished,
    )
}

fn run_json(
    cfg: &RunConfig,
    s: &Summary,
    rows: &[(&str, u64)],
    reports: &[crate::report::Written],
    times: &StageTimes,
    [read, merge, write, report]: [Duration; 4],
) -> String {
    let mut files: serde_json::Map<String, serde_json::Value> = rows
        .iter()
        .map(|(name, n)| (name.to_string(), serde_json::json!({ "rows": n })))
        .collect();
    for r in reports {
        files.insert(r.name.to_string(), r.info.clone().into());
    }
    let value = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "arguments": cfg.arguments,
        "inputs": cfg.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "output": cfg.output.display().to_string(),
        "threads": if cfg.jobs == 0 { rayon::current_num_threads() } else { cfg.jobs },
        "options": {
            "format": match cfg.format {
                crate::schema::Format::Csv => "csv",
                crate::schema::Format::Parquet => "parquet",
            },
            "tables": crate::schema::TABLES
                .iter()
                .filter(|t| cfg.pipeline.tables.has(t))
                .map(|t| t.name)
                .collect::<Vec<_>>(),
            "keyword_methods": cfg
                .pipeline
                .keyword_methods
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>(),
            "ngrams": cfg.pipeline.ngrams,
            "corpus_terms_min_docs": cfg.pipeline.corpus_terms_min_docs,
            "workbook_rows": cfg.workbook.then_some(cfg.workbook_rows),
            "dup_threshold": cfg.dup_threshold,
            "dedup": cfg.dedup,
        },
        "counts": {
            "documents": s.documents,
            "errors": s.errors,
            "warnings": s.warnings,
            "input_bytes": s.input_bytes,
            "text_bytes": s.text_bytes,
            "copies": s.copies,
            "copy_clusters": s.clusters,
        },
        "languages": s.languages,
        "files": files,
        "seconds": {
            "total": s.seconds,
            "read": read.as_secs_f64(),
            "language": times.language.as_secs_f64(),
            "segment": times.segment.as_secs_f64(),
            "lexicon": times.lexicon.as_secs_f64(),
            "terms": times.terms.as_secs_f64(),
            "pos": times.pos.as_secs_f64(),
            "keywords": times.keywords.as_secs_f64(),
            "ner": times.ner.as_secs_f64(),
            "quotes": times.quotes.as_secs_f64(),
            "rows": times.rows.as_secs_f64(),
            "compare": times.compare.as_secs_f64(),
            "merge": merge.as_secs_f64(),
            "write": write.as_secs_f64(),
            "report": report.as_secs_f64(),
        },
        "note": "stage seconds are summed over worker threads; total is wall-clock",
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::MentionRow;

    /// Rows as the pipeline encodes them, for `id`.
    fn rows(id: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = csv_writer(&mut out);
        for (text, label) in [
            ("Acme", "ORG"),
            ("line\nbreak, \"quoted\"", "MISC"),
            ("=Chen", "PER"),
        ] {
            w.serialize(MentionRow {
                doc_id: Text(id),
                start: 0,
                end: 4,
                text: Text(text),
                label,
                entity: Some(Text(text)),
                sentence: 0,
                method: "model",
                value: None,
            })
            .unwrap();
        }
        w.flush().unwrap();
        drop(w);
        out
    }

    #[test]
    fn renaming_rows_equals_encoding_them_with_the_new_id() {
        for (old, new) in [
            ("a", "a#2"),
            ("=SUM(A1)", "=SUM(A1)#2"),
            ("x, \"y\"", "x, \"y\"#3"),
            ("file.jsonl:7", "file.jsonl:7#2"),
        ] {
            let renamed = rename_rows(&rows(old), old, new).unwrap();
            assert_eq!(
                String::from_utf8(renamed).unwrap(),
                String::from_utf8(rows(new)).unwrap()
            );
        }
        assert!(rename_rows(&rows("a"), "b", "b#2").is_err());
        assert!(rename_rows(b"", "a", "a#2").unwrap().is_empty());
    }
}
