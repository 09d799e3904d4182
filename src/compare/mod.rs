//! Compare: how the articles of a corpus cover the same people, places and topics.
//!
//! Takes, per document, what the map stage kept for comparing ([`DocCompare`]: keyword-in-
//! context lines of its named mentions and its word-pair counts, computed on worker threads by
//! [`prepare`]) plus the spooled terms, entities and keyword lists; gives seven tables, written
//! when the other tables are ([`write`]):
//!
//! - `coverage.csv` — which document mentions which item (entity, keyphrase, term), how often
//!   and where first;
//! - `coverage_matrix.csv` — the same for the top items as one row per item and one column
//!   per document (small corpora only, see [`MATRIX_MAX_DOCS`]);
//! - `similarity.csv` — each document's nearest neighbours ([`similarity`]);
//! - `keyness.csv` — the words a document (or a group of documents) uses significantly more
//!   than the rest of the corpus ([`stats::g2`]);
//! - `collocations.csv` — word pairs that occur together more than by chance
//!   ([`collocations`]);
//! - `kwic.csv` — keyword-in-context lines for the mentions of the top entities (cut in the
//!   map stage) and keyphrases (found again in the spooled texts: which keyphrases are top is
//!   known only once every keyword list is ranked);
//! - `timeline.csv` — documents and mentions of the top items per day, week or month.
//!
//! Corpus-level state grows with the vocabulary, the entities and the pruned similarity
//! vectors, never with pairs of documents. It does not build spreadsheets or reports.

pub mod collocations;
pub mod similarity;
pub mod stats;

use crate::diagnostics::Diagnostic;
use crate::lexicon::Annotated;
use crate::ner::DocEntities;
use crate::output::{Num, Row, Text, csv_writer};
use crate::pipeline::CharCursor;
use crate::publish::Staging;
use crate::schema::{self, Selection};
use crate::segment::Segmentation;
use crate::terms::CorpusTerms;
use collocations::{DocPairs, Pairs};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;

/// Above this many documents `coverage_matrix.csv` (one column per document) is not written.
pub const MATRIX_MAX_DOCS: usize = 1000;
/// Documents read from the spools per parallel batch.
const BATCH: usize = 256;

/// Time buckets of `timeline.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// The publication date.
    Day,
    /// The Monday of its ISO week.
    Week,
    /// The first of its month.
    Month,
}

/// Groups of documents for `keyness.csv` and `timeline.csv` (`--group-by`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// The `source` column of `documents.csv`.
    Source,
    /// The detected language.
    Language,
    /// The month of publication (`2023-08`); undated documents are in no group.
    PublishedMonth,
    /// A JSONL/CSV field of the records, lower-case ([`crate::input::Document::group`]);
    /// documents without it are in no group.
    Field(String),
}

impl GroupBy {
    /// The value of the `group_by` column.
    pub fn as_str(&self) -> &str {
        match self {
            GroupBy::Source => "source",
            GroupBy::Language => "language",
            GroupBy::PublishedMonth => "published:month",
            GroupBy::Field(f) => f,
        }
    }
}

/// What the compare stage does (`newslens run` options).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Whether the stage runs at all (`--no-compare` turns it off).
    pub enabled: bool,
    /// Entities in `coverage.csv`: the top N by documents (`--coverage-entities`).
    pub entities: usize,
    /// Keyphrases in `coverage.csv`: the top N by listed² / docs (`--coverage-keyphrases`).
    pub keyphrases: usize,
    /// Terms in `coverage.csv`: the top N one-word terms by documents (`--coverage-terms`).
    pub terms: usize,
    /// Items (entities and keyphrases) in `coverage_matrix.csv`, `timeline.csv` and
    /// `kwic.csv` (`--matrix-items`).
    pub matrix_items: usize,
    /// Neighbours per document in `similarity.csv` (`--neighbours`).
    pub neighbours: usize,
    /// Terms per document or group in `keyness.csv` (`--keyness-terms`).
    pub keyness_terms: usize,
    /// Characters of context on each side in `kwic.csv` (`--kwic-width`).
    pub kwic_width: usize,
    /// Bucket of `timeline.csv` (`--timeline`).
    pub timeline: Bucket,
    /// Groups for `keyness.csv` and `timeline.csv` (`--group-by`).
    pub group_by: Option<GroupBy>,
    /// Collocation window in tokens (`--collocation-window`).
    pub window: usize,
    /// Least count of a collocation (`--collocation-min`).
    pub collocation_min: u64,
    /// Rows of `collocations.csv` (`--collocations`).
    pub collocations: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: true,
            entities: 500,
            keyphrases: 200,
            terms: 100,
            matrix_items: 200,
            neighbours: 10,
            keyness_terms: 20,
            kwic_width: 60,
            timeline: Bucket::Day,
            group_by: None,
            window: 5,
            collocation_min: 3,
            collocations: 1000,
        }
    }
}

/// What the map stage keeps of one document for comparing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocCompare {
    /// Keyword-in-context lines of its named mentions, one per line:
    /// `entity \t label \t start \t left \t match \t right` (tabs and line breaks inside
    /// flattened to spaces).
    pub kwic: Vec<u8>,
    /// Its word-pair counts.
    pub pairs: DocPairs,
}

/// The map half: KWIC lines of every named mention (when `kwic.csv` is written) and the word
/// pairs of one document (when `collocations.csv` is).
pub fn prepare(
    text: &str,
    seg: &Segmentation,
    ann: &Annotated,
    ner: &DocEntities,
    settings: &Settings,
    tables: Selection,
) -> DocCompare {
    if !settings.enabled {
        return DocCompare::default();
    }
    let mut kwic = Vec::new();
    let mut cur = CharCursor::new(text);
    let mentions = if tables.has(&schema::KWIC) {
        &ner.mentions[..]
    } else {
        &[]
    };
    for m in mentions {
        let Some(e) = m.entity else { continue };
        let e = &ner.entities[e];
        let start = cur.at(m.start);
        let (left, right) = context(text, m.start, m.end, settings.kwic_width);
        let line = [
            flat(&e.name),
            e.label.to_string(),
            start.to_string(),
            flat(&left),
            flat(&text[m.start..m.end]),
            flat(&right),
        ]
        .join("\t");
        kwic.extend_from_slice(line.as_bytes());
        kwic.push(b'\n');
    }
    DocCompare {
        kwic,
        pairs: if tables.has(&schema::COLLOCATIONS) {
            collocations::cooccurrences(seg, ann, settings.window)
        } else {
            DocPairs::default()
        },
    }
}

/// Up to `width` characters (code points) before byte `start` and after byte `end`.
fn context(text: &str, start: usize, end: usize, width: usize) -> (String, String) {
    let mut left: Vec<char> = text[..start].chars().rev().take(width).collect();
    left.reverse();
    (
        left.into_iter().collect(),
        text[end..].chars().take(width).collect(),
    )
}

/// One `kwic.csv` line of a document.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct KwicLine {
    start: u64,
    kind: ItemType,
    item: String,
    left: String,
    matched: String,
    right: String,
}

/// The KWIC lines of the occurrences in `text` of the keyphrases `wanted` ((n, stems) → shown
/// keyphrase): the document is segmented and annotated again, and its terms enumerated as
/// [`crate::terms::count_terms`] does, so an occurrence here is one counted in `terms.csv`.
fn keyphrase_lines(
    text: &str,
    lang: &'static str,
    wanted: &FxHashMap<(u8, &str), &str>,
    width: usize,
) -> Vec<KwicLine> {
    let seg = crate::segment::segment(text, lang);
    let ann = crate::lexicon::annotate(text, &seg.tokens, crate::lexicon::Lexicon::get(lang));
    let max_n = wanted.keys().map(|k| k.0 as usize).max().unwrap_or(1);
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    let mut key = String::new();
    crate::terms::for_each_ngram(&seg, &ann, max_n, |_, first, last| {
        key.clear();
        for j in first..=last {
            if j > first {
                key.push(' ');
            }
            key.push_str(ann.stem(j));
        }
        if let Some(&shown) = wanted.get(&((last - first + 1) as u8, key.as_str())) {
            spans.push((seg.tokens[first].start, seg.tokens[last].end, shown));
        }
    });
    spans.sort_unstable();
    let mut cur = CharCursor::new(text);
    spans
        .into_iter()
        .map(|(b, e, shown)| {
            let (left, right) = context(text, b, e, width);
            KwicLine {
                start: cur.at(b),
                kind: ItemType::Keyphrase,
                item: shown.to_string(),
                left: flat(&left),
                matched: flat(&text[b..e]),
                right: flat(&right),
            }
        })
        .collect()
}

/// Tabs, line breaks and other control characters as spaces.
fn flat(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Keyphrases listed in the documents' keyword lists, counted over the corpus.
#[derive(Default)]
pub struct Keyphrases {
    ids: FxHashMap<(&'static str, u8, String), u32>,
    items: Vec<Keyphrase>,
}

struct Keyphrase {
    lang: &'static str,
    n: u8,
    stem: String,
    /// Documents listing it.
    listed: u64,
    /// Keywords as written, with the documents listing each.
    forms: BTreeMap<String, u64>,
}

impl Keyphrase {
    fn shown(&self) -> &str {
        let mut best: Option<(&String, u64)> = None;
        for (f, &c) in &self.forms {
            if best.is_none_or(|b| c > b.1) {
                best = Some((f, c));
            }
        }
        best.map_or("", |b| b.0.as_str())
    }
}

impl Keyphrases {
    /// Adds one document's keyword list `(n, stem, keyword)`; gives its keyphrase ids, sorted.
    pub fn add_list(&mut self, lang: &'static str, list: &[(u8, String, String)]) -> Vec<u32> {
        let mut ids = Vec::with_capacity(list.len());
        for (n, stem, keyword) in list {
            let next = self.items.len() as u32;
            let id = *self.ids.entry((lang, *n, stem.clone())).or_insert(next);
            if id == next {
                self.items.push(Keyphrase {
                    lang,
                    n: *n,
                    stem: stem.clone(),
                    listed: 0,
                    forms: BTreeMap::new(),
                });
            }
            let k = &mut self.items[id as usize];
            k.listed += 1;
            *k.forms.entry(keyword.clone()).or_default() += 1;
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// One document as the compare tables need it, in `doc_id` order.
pub struct Doc<'a> {
    pub doc_id: &'a str,
    pub lang: &'static str,
    pub source: &'a str,
    pub published: Option<&'a str>,
    /// The value of its `--group-by` field, if any.
    pub group: Option<&'a str>,
    /// Word tokens (the denominator of tf).
    pub words: u32,
    /// Its named entities: (entity id, mentions, code-point offset of the first).
    pub entities: &'a [(u32, u32, u64)],
    /// Ids of the keyphrases in its keyword list, sorted ([`Keyphrases::add_list`]).
    pub keyphrases: &'a [u32],
}

/// One named entity of the corpus, by entity id.
pub struct EntityInfo<'a> {
    pub name: &'a str,
    pub label: &'static str,
    /// Language-independent identifier, or "".
    pub id: &'a str,
    pub docs: u64,
    pub mentions: u64,
}

/// Everything [`write`] reads.
pub struct Corpus<'a> {
    pub docs: Vec<Doc<'a>>,
    pub terms: &'a CorpusTerms,
    pub entities: Vec<EntityInfo<'a>>,
    pub keyphrases: Keyphrases,
    pub pairs: Pairs,
}

/// Per-document spooled text: `terms` lines `n \t stem \t term \t count \t first_start`, the
/// [`DocCompare::kwic`] lines and the document text (for the keyphrases' KWIC lines).
pub trait Spools {
    fn terms(&mut self, doc: usize) -> io::Result<Vec<u8>>;
    fn kwic(&mut self, doc: usize) -> io::Result<Vec<u8>>;
    fn text(&mut self, doc: usize) -> io::Result<Vec<u8>>;
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
enum ItemType {
    Entity,
    Keyphrase,
    Term,
}

impl ItemType {
    fn as_str(self) -> &'static str {
        match self {
            ItemType::Entity => "entity",
            ItemType::Keyphrase => "keyphrase",
            ItemType::Term => "term",
        }
    }
}

/// An item of the matrix, timeline and KWIC tables.
struct TopItem<'a> {
    kind: ItemType,
    name: &'a str,
    label: &'static str,
    docs: u64,
    mentions: u64,
}

#[derive(Serialize)]
struct CoverageRow<'a> {
    item_type: &'static str,
    item: Text<'a>,
    label: &'static str,
    doc_id: Text<'a>,
    mentions: u64,
    first_start: u64,
    id: Text<'a>,
}
impl Row for CoverageRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::COVERAGE.header;
}

#[derive(Serialize)]
struct SimilarityRow<'a> {
    doc_a: Text<'a>,
    doc_b: Text<'a>,
    rank: u32,
    cosine: Num,
    shared_entities: u64,
    shared_keyphrases: u64,
}
impl Row for SimilarityRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::SIMILARITY.header;
}

#[derive(Serialize)]
struct KeynessRow<'a> {
    group_by: &'a str,
    group: Text<'a>,
    rank: u32,
    term: Text<'a>,
    count: u64,
    expected: Num,
    other_count: u64,
    log_likelihood: Num,
    log_ratio: Num,
    p_value: Num,
}
impl Row for KeynessRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::KEYNESS.header;
}

#[derive(Serialize)]
struct CollocationRow<'a> {
    language: &'a str,
    term_a: Text<'a>,
    term_b: Text<'a>,
    count: u64,
    count_a: u64,
    count_b: u64,
    pmi: Num,
    log_likelihood: Num,
}
impl Row for CollocationRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::COLLOCATIONS.header;
}

#[derive(Serialize)]
struct KwicRow<'a> {
    doc_id: Text<'a>,
    item_type: &'static str,
    item: Text<'a>,
    left: Text<'a>,
    #[serde(rename = "match")]
    matched: Text<'a>,
    right: Text<'a>,
    start: u64,
}
impl Row for KwicRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::KWIC.header;
}

#[derive(Serialize)]
struct TimelineRow<'a> {
    group_by: &'a str,
    group: Text<'a>,
    date: &'a str,
    item_type: &'static str,
    item: Text<'a>,
    label: &'static str,
    docs: u64,
    mentions: u64,
}
impl Row for TimelineRow<'_> {
    const HEADER: &'static [&'static str] = crate::schema::TIMELINE.header;
}

/// One-word terms of the corpus, with dense ids.
struct Vocabulary<'a> {
    ids: FxHashMap<(&'static str, &'a str), u32>,
    /// (language, shown term, docs, count) by id.
    info: Vec<(&'static str, &'a str, u64, u64)>,
    /// Content tokens of the corpus, all languages.
    total: u64,
    /// Content tokens per language.
    per_lang: FxHashMap<&'static str, u64>,
}

impl<'a> Vocabulary<'a> {
    fn new(corpus: &'a CorpusTerms) -> Self {
        let mut all: Vec<(&'static str, &'a str, &'a crate::terms::CorpusTerm)> = corpus
            .groups
            .iter()
            .filter(|((_, n), _)| *n == 1)
            .flat_map(|(&(lang, _), g)| g.iter().map(move |(s, t)| (lang, s.as_str(), t)))
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(b.1)));
        let mut v = Vocabulary {
            ids: FxHashMap::default(),
            info: Vec::with_capacity(all.len()),
            total: 0,
            per_lang: FxHashMap::default(),
        };
        for (lang, stem, t) in all {
            v.ids.insert((lang, stem), v.info.len() as u32);
            v.info.push((lang, t.term(), t.docs, t.count));
            v.total += t.count;
            *v.per_lang.entry(lang).or_default() += t.count;
        }
        v
    }
}

/// One parsed line of the terms spool.
struct SpooledTerm<'t> {
    n: u8,
    stem: &'t str,
    count: u32,
    first: u64,
}

fn parse_terms(bytes: &[u8]) -> io::Result<Vec<SpooledTerm<'_>>> {
    let corrupt = || io::Error::other("corrupt terms spool");
    let text = std::str::from_utf8(bytes).map_err(|_| corrupt())?;
    let mut out = Vec::new();
    for line in text.lines() {
        let mut f = line.split('\t');
        let (Some(n), Some(stem), Some(_), Some(count), Some(first)) =
            (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return Err(corrupt());
        };
        out.push(SpooledTerm {
            n: n.parse().map_err(|_| corrupt())?,
            stem,
            count: count.parse().map_err(|_| corrupt())?,
            first: first.parse().map_err(|_| corrupt())?,
        });
    }
    Ok(out)
}

/// A ranked keyness entry.
struct Key {
    term: u32,
    count: u64,
    other: u64,
    expected: f64,
    g2: f64,
    lr: f64,
}

/// G² of chi-square with 1 degree of freedom at p = 0.05: keyness lists only terms at least
/// this significant.
pub const SIGNIFICANT_G2: f64 = 3.841458820694124;

/// Occurrences a key word needs in its article or group. A word used once, and nowhere else,
/// gets the same G² as every other such word of the article (15.2 in a 400-word BBC article,
/// more than half the G² of most of its real key words), so they tied, were ordered by
/// alphabet, and filled the tail of the list: `10.9bn`, `11.1bn`, `284m`, `3.36bn` were key
/// words 14 to 17 of an article about Time Warner's profits, and half of all rows at rank 20
/// were words used once. Keyword tools set such a floor too (a minimum frequency).
pub const KEY_MIN_COUNT: u64 = 2;

/// The terms `target` (term id → count) uses at least [`KEY_MIN_COUNT`] times and over-uses
/// against the rest of the corpus significantly (p < 0.05), by G² (descending), then term.
fn keyness(target: &[(u32, u64)], vocab: &Vocabulary, k: usize) -> Vec<Key> {
    let t: u64 = target.iter().map(|x| x.1).sum();
    let r = vocab.total.saturating_sub(t);
    if t == 0 || r == 0 || k == 0 {
        return Vec::new();
    }
    let mut keys: Vec<Key> = target
        .iter()
        .filter_map(|&(term, a)| {
            if a < KEY_MIN_COUNT {
                return None;
            }
            let b = vocab.info[term as usize].3.saturating_sub(a);
            // over-use only: a / t > b / r
            if (a as u128) * (r as u128) <= (b as u128) * (t as u128) {
                return None;
            }
            let g2 = stats::g2(a as f64, b as f64, (t - a) as f64, (r - b) as f64);
            if g2 < SIGNIFICANT_G2 {
                return None;
            }
            Some(Key {
                term,
                count: a,
                other: b,
                expected: t as f64 * (a + b) as f64 / (t + r) as f64,
                g2,
                lr: stats::log_ratio(a, t, b, r),
            })
        })
        .collect();
    keys.sort_by(|x, y| {
        y.g2.total_cmp(&x.g2)
            .then_with(|| {
                vocab.info[x.term as usize]
                    .1
                    .cmp(vocab.info[y.term as usize].1)
            })
            .then(x.term.cmp(&y.term))
    });
    keys.truncate(k);
    keys
}

fn keyness_rows(group_by: &str, group: &str, keys: &[Key], vocab: &Vocabulary) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = csv_writer(&mut out);
    for (i, key) in keys.iter().enumerate() {
        let _ = w.serialize(KeynessRow {
            group_by,
            group: Text(group),
            rank: i as u32 + 1,
            term: Text(vocab.info[key.term as usize].1),
            count: key.count,
            expected: Num(stats::round(key.expected, 6)),
            other_count: key.other,
            log_likelihood: Num(stats::round(key.g2, 6)),
            log_ratio: Num(stats::round(key.lr, 6)),
            p_value: Num(stats::round(stats::chi2_sf_1(key.g2), 10)),
        });
    }
    let _ = w.flush();
    drop(w);
    out
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The bucket date of an ISO publication date (`2023-08-02`), or None for a partial one.
fn bucket_date(published: &str, bucket: Bucket) -> Option<String> {
    let p = published.get(..10)?;
    let mut f = p.split('-');
    let y: i64 = f.next()?.parse().ok()?;
    let m: i64 = f.next()?.parse().ok()?;
    let d: i64 = f.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(match bucket {
        Bucket::Day => format!("{y:04}-{m:02}-{d:02}"),
        Bucket::Month => format!("{y:04}-{m:02}-01"),
        Bucket::Week => {
            let days = days_from_civil(y, m, d);
            // 1970-01-01 was a Thursday: Monday-based weekday = (days + 3) mod 7
            let (y, m, d) = civil_from_days(days - (days + 3).rem_euclid(7));
            format!("{y:04}-{m:02}-{d:02}")
        }
    })
}

fn group_of(doc: &Doc, by: &GroupBy) -> Option<String> {
    match by {
        GroupBy::Field(_) => doc.group.map(str::to_string),
        GroupBy::Source => Some(doc.source.to_string()),
        GroupBy::Language => Some(doc.lang.to_string()),
        GroupBy::PublishedMonth => doc.published.and_then(|p| p.get(..7)).map(str::to_string),
    }
}

/// A `timeline.csv` cell: (0 corpus / 1 group, group, date, item's place in the order of
/// items); its value is (documents, mentions, item).
type TimelineKey = (u8, String, String, u32);

/// A `collocations.csv` row: (G², language, term a, term b, count, count a, count b, PMI).
type Collocation<'a> = (f64, &'static str, &'a str, &'a str, u64, u64, u64, f64);

/// What one document contributes, computed on a worker thread.
#[derive(Default)]
struct DocOut {
    coverage: Vec<u8>,
    keyness: Vec<u8>,
    vector: similarity::Vector,
    /// (top item, mentions)
    hits: Vec<(u32, u32)>,
    /// Top keyphrases it contains (keyphrase ids), for kwic.csv.
    kwic_keyphrases: Vec<u32>,
    /// (term id, count) of its words, for the groups.
    unigrams: Vec<(u32, u64)>,
}

/// Writes the compare tables into the staging folder; gives the names written, and calls
/// `finished` with each as soon as it is complete.
#[allow(clippy::too_many_arguments)]
pub fn write(
    settings: &Settings,
    tables: Selection,
    corpus: Corpus,
    spools: &mut dyn Spools,
    staging: &Staging,
    pool: &rayon::ThreadPool,
    diagnostics: &mut Vec<Diagnostic>,
    finished: &dyn Fn(&'static str),
) -> io::Result<Vec<&'static str>> {
    let mut written = Vec::new();
    let done = |name| {
        finished(name);
        name
    };
    let Corpus {
        docs,
        terms,
        entities,
        keyphrases,
        pairs,
    } = corpus;
    let vocab = Vocabulary::new(terms);
    let n_docs = docs.len();

    // the items of coverage.csv
    let mut ent_order: Vec<u32> = (0..entities.len() as u32).collect();
    ent_order.sort_by(|&a, &b| {
        let (x, y) = (&entities[a as usize], &entities[b as usize]);
        y.docs
            .cmp(&x.docs)
            .then(y.mentions.cmp(&x.mentions))
            .then_with(|| x.name.cmp(y.name))
            .then(x.label.cmp(y.label))
    });
    ent_order.truncate(settings.entities);
    let mut entity_selected = vec![false; entities.len()];
    for &e in &ent_order {
        entity_selected[e as usize] = true;
    }
    let kp_stats = |k: &Keyphrase| {
        terms
            .group(k.lang, k.n)
            .and_then(|g| g.get(k.stem.as_str()))
            .map_or((0, 0), |t| (t.docs, t.count))
    };
    let mut kp_order: Vec<u32> = (0..keyphrases.items.len() as u32).collect();
    // by listed² / docs: listed by many articles, and by a large share of those mentioning it
    // (a word such as `said`, listed by many but mentioned by nearly all, ranks low)
    let kp_score = |k: &Keyphrase| {
        (
            k.listed as u128 * k.listed as u128,
            kp_stats(k).0.max(1) as u128,
        )
    };
    kp_order.sort_by(|&a, &b| {
        let (x, y) = (&keyphrases.items[a as usize], &keyphrases.items[b as usize]);
        let ((xn, xd), (yn, yd)) = (kp_score(x), kp_score(y));
        (yn * xd)
            .cmp(&(xn * yd))
            .then(y.listed.cmp(&x.listed))
            .then(kp_stats(y).cmp(&kp_stats(x)))
            .then_with(|| x.shown().cmp(y.shown()))
            .then(x.lang.cmp(y.lang))
            .then_with(|| x.stem.cmp(&y.stem))
    });
    kp_order.truncate(settings.keyphrases);
    // (lang, n, stem) → keyphrase id, for the selected ones
    let kp_selected: FxHashMap<(&'static str, u8, &str), u32> = kp_order
        .iter()
        .map(|&k| {
            let it = &keyphrases.items[k as usize];
            ((it.lang, it.n, it.stem.as_str()), k)
        })
        .collect();
    let mut term_order: Vec<u32> = (0..vocab.info.len() as u32).collect();
    term_order.sort_by(|&a, &b| {
        let (x, y) = (&vocab.info[a as usize], &vocab.info[b as usize]);
        y.2.cmp(&x.2)
            .then(y.3.cmp(&x.3))
            .then_with(|| x.1.cmp(y.1))
            .then(x.0.cmp(y.0))
    });
    term_order.truncate(settings.terms);
    let mut term_selected = vec![false; vocab.info.len()];
    for &t in &term_order {
        term_selected[t as usize] = true;
    }

    // the top items: selected entities and keyphrases by docs, mentions, name
    let mut top: Vec<(TopItem, u32)> = ent_order
        .iter()
        .map(|&e| {
            let x = &entities[e as usize];
            (
                TopItem {
                    kind: ItemType::Entity,
                    name: x.name,
                    label: x.label,
                    docs: x.docs,
                    mentions: x.mentions,
                },
                e,
            )
        })
        .chain(kp_order.iter().map(|&k| {
            let it = &keyphrases.items[k as usize];
            let (docs, mentions) = kp_stats(it);
            (
                TopItem {
                    kind: ItemType::Keyphrase,
                    name: it.shown(),
                    label: "",
                    docs,
                    mentions,
                },
                k,
            )
        }))
        .collect();
    top.sort_by(|(a, ai), (b, bi)| {
        b.docs
            .cmp(&a.docs)
            .then(b.mentions.cmp(&a.mentions))
            .then_with(|| a.name.cmp(b.name))
            .then(a.kind.cmp(&b.kind))
            .then(a.label.cmp(b.label))
            .then(ai.cmp(bi))
    });
    top.truncate(settings.matrix_items);
    let mut top_entity: FxHashMap<u32, u32> = FxHashMap::default();
    let mut top_kp: FxHashMap<u32, u32> = FxHashMap::default();
    for (i, (it, id)) in top.iter().enumerate() {
        match it.kind {
            ItemType::Entity => top_entity.insert(*id, i as u32),
            _ => top_kp.insert(*id, i as u32),
        };
    }
    // the order of items within a timeline date: type, name, label
    let mut item_rank: Vec<u32> = vec![0; top.len()];
    {
        let mut o: Vec<usize> = (0..top.len()).collect();
        o.sort_by(|&a, &b| {
            let (x, y) = (&top[a].0, &top[b].0);
            x.kind
                .cmp(&y.kind)
                .then_with(|| x.name.cmp(y.name))
                .then(x.label.cmp(y.label))
                .then(a.cmp(&b))
        });
        for (r, i) in o.into_iter().enumerate() {
            item_rank[i] = r as u32;
        }
    }

    let max_df = similarity::max_df(n_docs as u64);
    let per_doc = |d: &Doc, bytes: &[u8]| -> io::Result<DocOut> {
        let spooled = parse_terms(bytes)?;
        let mut out = DocOut::default();
        // coverage rows: entities, keyphrases, terms; each by mentions (descending), then item
        let mut rows: Vec<(ItemType, &str, &'static str, u64, u64, &str)> = Vec::new();
        for &(e, m, first) in d.entities {
            if entity_selected[e as usize] {
                let x = &entities[e as usize];
                rows.push((ItemType::Entity, x.name, x.label, m as u64, first, x.id));
                if let Some(&i) = top_entity.get(&e) {
                    out.hits.push((i, m));
                }
            }
        }
        let mut vec_terms = Vec::new();
        for t in &spooled {
            if let Some(&k) = kp_selected.get(&(d.lang, t.n, t.stem)) {
                rows.push((
                    ItemType::Keyphrase,
                    keyphrases.items[k as usize].shown(),
                    "",
                    t.count as u64,
                    t.first,
                    "",
                ));
                if let Some(&i) = top_kp.get(&k) {
                    out.hits.push((i, t.count));
                    out.kwic_keyphrases.push(k);
                }
            }
            if t.n == 1
                && let Some(&id) = vocab.ids.get(&(d.lang, t.stem))
            {
                if term_selected[id as usize] {
                    rows.push((
                        ItemType::Term,
                        vocab.info[id as usize].1,
                        "",
                        t.count as u64,
                        t.first,
                        "",
                    ));
                }
                out.unigrams.push((id, t.count as u64));
                vec_terms.push((id, t.count, vocab.info[id as usize].2));
            }
        }
        rows.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.3.cmp(&a.3))
                .then_with(|| a.1.cmp(b.1))
                .then(a.2.cmp(b.2))
                .then(a.4.cmp(&b.4))
                .then(a.5.cmp(b.5))
        });
        let mut w = csv_writer(&mut out.coverage);
        for (kind, item, label, mentions, first, id) in rows {
            let _ = w.serialize(CoverageRow {
                item_type: kind.as_str(),
                item: Text(item),
                label,
                doc_id: Text(d.doc_id),
                mentions,
                first_start: first,
                id: Text(id),
            });
        }
        let _ = w.flush();
        drop(w);
        out.unigrams.sort_unstable();
        let keys = keyness(&out.unigrams, &vocab, settings.keyness_terms);
        out.keyness = keyness_rows("doc_id", d.doc_id, &keys, &vocab);
        out.vector = similarity::vector(
            &vec_terms,
            d.words,
            n_docs as u64,
            max_df,
            similarity::VECTOR_TERMS,
        );
        if settings.group_by.is_none() {
            out.unigrams = Vec::new();
        }
        out.hits.sort_unstable();
        Ok(out)
    };

    let mut coverage = staging.table(&schema::COVERAGE)?;
    let mut keyness_t = staging.table(&schema::KEYNESS)?;
    let mut vectors = similarity::Vectors::create(staging.dir().join("vectors.spool"))?;
    let keep_matrix = n_docs <= MATRIX_MAX_DOCS;
    let mut matrix_hits: Vec<Vec<(u32, u32)>> = Vec::new();
    // documents with top keyphrases: (document, keyphrase ids)
    let mut kwic_keyphrases: Vec<(usize, Vec<u32>)> = Vec::new();
    // (group_by index: 0 corpus, 1 group) , group, date, item rank → (docs, mentions)
    let mut timeline: BTreeMap<TimelineKey, (u64, u64, u32)> = BTreeMap::new();
    let mut groups: BTreeMap<String, FxHashMap<u32, u64>> = BTreeMap::new();
    for (b, chunk) in docs.chunks(BATCH).enumerate() {
        let mut texts = Vec::with_capacity(chunk.len());
        for i in 0..chunk.len() {
            texts.push(spools.terms(b * BATCH + i)?);
        }
        let outs: Vec<io::Result<DocOut>> = pool.install(|| {
            chunk
                .par_iter()
                .zip(texts)
                .map(|(d, t)| per_doc(d, &t))
                .collect()
        });
        for (k, (d, out)) in chunk.iter().zip(outs).enumerate() {
            let mut out = out?;
            if !out.kwic_keyphrases.is_empty() {
                let ids = std::mem::take(&mut out.kwic_keyphrases);
                kwic_keyphrases.push((b * BATCH + k, ids));
            }
            coverage.raw(&out.coverage)?;
            keyness_t.raw(&out.keyness)?;
            vectors.push(&out.vector)?;
            let group = settings.group_by.as_ref().and_then(|g| group_of(d, g));
            if let Some(date) = d.published.and_then(|p| bucket_date(p, settings.timeline)) {
                for &(i, m) in &out.hits {
                    let mut add = |gb: u8, g: &str| {
                        let e = timeline
                            .entry((gb, g.to_string(), date.clone(), item_rank[i as usize]))
                            .or_insert((0, 0, i));
                        e.0 += 1;
                        e.1 += m as u64;
                    };
                    add(0, "");
                    if let Some(g) = &group {
                        add(1, g);
                    }
                }
            }
            if let Some(g) = group {
                let counts = groups.entry(g).or_default();
                for &(t, c) in &out.unigrams {
                    *counts.entry(t).or_default() += c;
                }
            }
            if keep_matrix {
                matrix_hits.push(out.hits);
            }
        }
    }
    written.push(done(coverage.finish()?));

    // keyness of the groups, after the documents
    if let Some(by) = &settings.group_by {
        for (g, counts) in &groups {
            let mut target: Vec<(u32, u64)> = counts.iter().map(|(&t, &c)| (t, c)).collect();
            target.sort_unstable();
            let keys = keyness(&target, &vocab, settings.keyness_terms);
            keyness_t.raw(&keyness_rows(by.as_str(), g, &keys, &vocab))?;
        }
    }
    written.push(done(keyness_t.finish()?));

    // coverage_matrix.csv
    if keep_matrix {
        let mut header: Vec<&str> = crate::schema::COVERAGE_MATRIX.header.to_vec();
        header.extend(docs.iter().map(|d| d.doc_id));
        let mut t = staging.table_with_header(&schema::COVERAGE_MATRIX, &header)?;
        let mut cells = vec![vec![0u32; n_docs]; top.len()];
        for (d, hits) in matrix_hits.iter().enumerate() {
            for &(i, m) in hits {
                cells[i as usize][d] += m;
            }
        }
        let mut out = Vec::new();
        for ((it, _), row) in top.iter().zip(&cells) {
            let mut w = csv_writer(&mut out);
            let mut rec: Vec<String> = vec![
                it.kind.as_str().to_string(),
                crate::output::guard(it.name).into_owned(),
                it.label.to_string(),
                it.docs.to_string(),
                it.mentions.to_string(),
            ];
            rec.extend(row.iter().map(u32::to_string));
            w.write_record(&rec).map_err(io::Error::other)?;
            w.flush()?;
        }
        t.raw(&out)?;
        written.push(done(t.finish()?));
    } else {
        diagnostics.push(Diagnostic::info(
            "",
            None,
            format!(
                "coverage_matrix.csv not written: {n_docs} documents, more than {MATRIX_MAX_DOCS} columns; coverage.csv has the same counts in long form (in pandas: coverage.pivot_table(index=[\"item_type\", \"item\", \"label\"], columns=\"doc_id\", values=\"mentions\", fill_value=0))"
            ),
        ));
    }

    // collocations.csv (before the similarity index is built, so the word pairs are gone by then)
    let collocations_written = if tables.has(&schema::COLLOCATIONS) {
        Some(write_collocations(
            settings,
            &vocab,
            &pairs,
            staging,
            diagnostics,
        )?)
    } else {
        None
    };
    drop(pairs);
    let collocations_written = collocations_written.map(done);

    // similarity.csv
    let mut t = staging.table(&schema::SIMILARITY)?;
    let shared = |a: &[u32], b: &[u32]| -> u64 {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    };
    // a document's entity ids, sorted (its entities are distinct)
    let entity_ids = |d: &Doc, ids: &mut Vec<u32>| {
        ids.clear();
        ids.extend(d.entities.iter().map(|e| e.0));
        ids.sort_unstable();
    };
    let (mut ids_a, mut ids_b) = (Vec::new(), Vec::new());
    similarity::neighbours(
        pool,
        &mut vectors,
        vocab.info.len(),
        settings.neighbours,
        |a, list| {
            entity_ids(&docs[a], &mut ids_a);
            for (r, &(b, cos)) in list.iter().enumerate() {
                let b = b as usize;
                entity_ids(&docs[b], &mut ids_b);
                t.row(&SimilarityRow {
                    doc_a: Text(docs[a].doc_id),
                    doc_b: Text(docs[b].doc_id),
                    rank: r as u32 + 1,
                    cosine: Num(stats::round(cos, 6)),
                    shared_entities: shared(&ids_a, &ids_b),
                    shared_keyphrases: shared(docs[a].keyphrases, docs[b].keyphrases),
                })?;
            }
            Ok(())
        },
    )?;
    drop(vectors);
    written.push(done(t.finish()?));
    written.extend(collocations_written);

    // kwic.csv: the spooled lines of the top entities' mentions, and the top keyphrases'
    // occurrences found again in the spooled texts (in parallel batches)
    if tables.has(&schema::KWIC) {
        let mut t = staging.table(&schema::KWIC)?;
        let top_names: FxHashMap<(&str, &str), u32> = top
            .iter()
            .filter(|(it, _)| it.kind == ItemType::Entity)
            .map(|(it, id)| ((it.name, it.label), *id))
            .collect();
        let mut kp_docs = kwic_keyphrases.into_iter().peekable();
        for (b, chunk) in docs.chunks(BATCH).enumerate() {
            // (document, its entity lines, its text and top keyphrases when it has any)
            type Work = (usize, Vec<KwicLine>, Option<(String, Vec<u32>)>);
            let mut work: Vec<Work> = Vec::new();
            for (k, d) in chunk.iter().enumerate() {
                let i = b * BATCH + k;
                let mut lines = Vec::new();
                if d.entities.iter().any(|e| top_entity.contains_key(&e.0)) {
                    let bytes = spools.kwic(i)?;
                    let text = std::str::from_utf8(&bytes).map_err(io::Error::other)?;
                    for line in text.lines() {
                        let f: Vec<&str> = line.split('\t').collect();
                        let [name, label, start, left, matched, right] = f[..] else {
                            return Err(io::Error::other("corrupt kwic spool"));
                        };
                        if !top_names.contains_key(&(name, label)) {
                            continue;
                        }
                        lines.push(KwicLine {
                            start: start.parse().map_err(io::Error::other)?,
                            kind: ItemType::Entity,
                            item: name.to_string(),
                            left: left.to_string(),
                            matched: matched.to_string(),
                            right: right.to_string(),
                        });
                    }
                }
                let mut text = None;
                if kp_docs.peek().is_some_and(|(j, _)| *j == i)
                    && let Some((_, ids)) = kp_docs.next()
                {
                    let bytes = spools.text(i)?;
                    let s = String::from_utf8(bytes).map_err(io::Error::other)?;
                    text = Some((s, ids));
                }
                work.push((i, lines, text));
            }
            let done: Vec<Vec<KwicLine>> = pool.install(|| {
                work.into_par_iter()
                    .map(|(i, mut lines, text)| {
                        if let Some((text, ids)) = text {
                            let d = &docs[i];
                            let wanted: FxHashMap<(u8, &str), &str> = ids
                                .iter()
                                .map(|&k| {
                                    let it = &keyphrases.items[k as usize];
                                    ((it.n, it.stem.as_str()), it.shown())
                                })
                                .collect();
                            lines.extend(keyphrase_lines(
                                &text,
                                d.lang,
                                &wanted,
                                settings.kwic_width,
                            ));
                        }
                        lines.sort();
                        lines
                    })
                    .collect()
            });
            for (k, lines) in done.into_iter().enumerate() {
                let d = &chunk[k];
                for l in lines {
                    t.row(&KwicRow {
                        doc_id: Text(d.doc_id),
                        item_type: l.kind.as_str(),
                        item: Text(&l.item),
                        left: Text(&l.left),
                        matched: Text(&l.matched),
                        right: Text(&l.right),
                        start: l.start,
                    })?;
                }
            }
        }
        written.push(done(t.finish()?));
    }

    // timeline.csv
    let mut t = staging.table(&schema::TIMELINE)?;
    let by = settings.group_by.as_ref().map_or("", GroupBy::as_str);
    for ((gb, group, date, _), (docs_n, mentions, i)) in &timeline {
        let it = &top[*i as usize].0;
        t.row(&TimelineRow {
            group_by: if *gb == 0 { "corpus" } else { by },
            group: Text(group),
            date,
            item_type: it.kind.as_str(),
            item: Text(it.name),
            label: it.label,
            docs: *docs_n,
            mentions: *mentions,
        })?;
    }
    written.push(done(t.finish()?));
    Ok(written)
}

/// Writes `collocations.csv`: the strongest `settings.collocations` word pairs by G².
fn write_collocations(
    settings: &Settings,
    vocab: &Vocabulary<'_>,
    pairs: &Pairs,
    staging: &Staging,
    diagnostics: &mut Vec<Diagnostic>,
) -> io::Result<&'static str> {
    let mut t = staging.table(&schema::COLLOCATIONS)?;
    // the best `keep` pairs by G² (then language, terms: a total order), selected as the pairs
    // stream past so memory stays at twice the rows written, never the 4 million pairs counted
    let by = |x: &Collocation, y: &Collocation| {
        y.0.total_cmp(&x.0)
            .then(x.1.cmp(y.1))
            .then_with(|| x.2.cmp(y.2))
            .then_with(|| x.3.cmp(y.3))
    };
    let keep = settings.collocations;
    let mut rows: Vec<Collocation> = Vec::new();
    for (&(a, b), &c) in &pairs.counts {
        let c = c as u64;
        if c < settings.collocation_min.max(1) {
            continue;
        }
        let (lang, sa) = &pairs.names[a as usize];
        let (_, sb) = &pairs.names[b as usize];
        let (Some(&ia), Some(&ib)) = (
            vocab.ids.get(&(*lang, &**sa)),
            vocab.ids.get(&(*lang, &**sb)),
        ) else {
            continue;
        };
        let (ca, cb) = (vocab.info[ia as usize].3, vocab.info[ib as usize].3);
        let n = vocab.per_lang.get(lang).copied().unwrap_or(0);
        let o12 = ca.saturating_sub(c);
        let o21 = cb.saturating_sub(c);
        let o22 = n.saturating_sub(c + o12 + o21);
        let g = stats::g2(c as f64, o12 as f64, o21 as f64, o22 as f64);
        if keep == 0 {
            continue;
        }
        rows.push((
            g,
            lang,
            vocab.info[ia as usize].1,
            vocab.info[ib as usize].1,
            c,
            ca,
            cb,
            stats::pmi(c, ca, cb, n),
        ));
        if rows.len() >= 2 * keep.max(4096) {
            rows.select_nth_unstable_by(keep - 1, by);
            rows.truncate(keep);
        }
    }
    rows.sort_by(by);
    rows.truncate(settings.collocations);
    for (g, lang, a, b, c, ca, cb, pmi) in rows {
        t.row(&CollocationRow {
            language: lang,
            term_a: Text(a),
            term_b: Text(b),
            count: c,
            count_a: ca,
            count_b: cb,
            pmi: Num(stats::round(pmi, 6)),
            log_likelihood: Num(stats::round(g, 6)),
        })?;
    }
    if pairs.pruned_below > 0 {
        diagnostics.push(Diagnostic::info(
            "",
            None,
            format!(
                "collocations.csv: more than {} distinct word pairs; pairs seen {} times or fewer were dropped while counting, so counts near that are low",
                collocations::PAIR_CAP,
                pairs.pruned_below
            ),
        ));
    }
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets() {
        assert_eq!(
            bucket_date("2023-08-02", Bucket::Day).unwrap(),
            "2023-08-02"
        );
        assert_eq!(
            bucket_date("2023-08-02", Bucket::Month).unwrap(),
            "2023-08-01"
        );
        // 2023-08-02 was a Wednesday; its week starts on Monday 2023-07-31
        assert_eq!(
            bucket_date("2023-08-02", Bucket::Week).unwrap(),
            "2023-07-31"
        );
        assert_eq!(
            bucket_date("2023-07-31", Bucket::Week).unwrap(),
            "2023-07-31"
        );
        assert_eq!(
            bucket_date("2023-01-01", Bucket::Week).unwrap(),
            "2022-12-26"
        );
        assert_eq!(bucket_date("2023-08", Bucket::Day), None);
    }

    #[test]
    fn flattening() {
        assert_eq!(flat("a\tb\nc\r\nd"), "a b c  d");
    }
}
