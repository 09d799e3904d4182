//! Pipeline: the per-document stages, in order, in one place.
//!
//! Takes one [`Document`]; gives its [`Analysis`]: language, counts, terms and, when asked for,
//! its sentence and token rows already encoded as CSV. This is the *map* half of newslens: it
//! reads nothing but the document, so documents run in parallel in any order and the corpus
//! statistics are merged afterwards ([`crate::terms::CorpusTerms`]). The stages:
//!
//! 1. decode and read metadata — done by [`crate::input`] before a document exists;
//! 2. language ([`crate::language`]) — first, because the segmentation rules (abbreviations,
//!    ordinals) and the lexicon depend on it;
//! 3. sentences and tokens ([`crate::segment`]);
//! 4. lexicon: normalize, lower-case, stopwords, stems ([`crate::lexicon`], [`crate::normalize`]);
//! 5. terms: unigram and n-gram counts ([`crate::terms`]);
//! 6. keywords: candidate phrases with their per-document scores ([`crate::keywords`]); the
//!    corpus-dependent scores are computed when the tables are written;
//! 7. named entities, dates and amounts, with aliases ([`crate::ner`]); in a document in
//!    several languages each paragraph by its own language's model and rules;
//! 8. what the compare tables need of the text: keyword-in-context lines and word-pair counts
//!    ([`crate::compare::prepare`]).

use crate::input::Document;
use crate::keywords::{DocKeywords, Method};
use crate::language::{Detector, LangInfo, parse_code};
use crate::lexicon::{Annotated, Lexicon, annotate, annotate_parts};
use crate::ner::gazetteer::Gazetteer;
use crate::ner::{DocEntities, extract, extract_parts};
use crate::output::{EntityRow, MentionRow, SentenceRow, Text, TokenRow, csv_writer};
use crate::schema::{self, Selection};
use crate::segment::{Segmentation, TokenKind, segment, segment_parts};
use crate::terms::{DocTerms, count_terms};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Articles that must use a term of two or three words for `corpus_terms.csv` to list it by
/// default. A phrase of one article is that article's (in `terms.csv`); a phrase of two
/// articles was, about half the time in a sample, words that met by chance (`told he could`,
/// `far the evidence`) or a story and its copy (`brits return keane`), and such phrases were
/// 35,907 of the BBC set's 75,038 rows (1.85 MB of the default output).
pub const CORPUS_TERMS_MIN_DOCS: u64 = 3;

/// What the per-document stages do.
#[derive(Clone, Debug)]
pub struct Options {
    /// Language for every document, skipping detection (`--lang`).
    pub lang: Option<&'static str>,
    /// Candidate languages for detection (`--languages`); `None` = all.
    pub languages: Option<Detector>,
    /// The tables written (`--tables`, `--all-tables`): the map stage encodes the rows of
    /// `tokens.csv` and `sentences.csv`, and keeps what `kwic.csv` and `collocations.csv`
    /// need, only when they are.
    pub tables: Selection,
    /// Longest n-gram in `terms.csv` (`--ngrams`, 1–3); the corpus counts keep all.
    pub ngrams: usize,
    /// Least number of articles using a term of two or three words for it to be in
    /// `corpus_terms.csv` (`--corpus-terms-min-docs`; 1 = every term). In a corpus of fewer
    /// articles, such a term is listed when the corpus uses it at least twice.
    pub corpus_terms_min_docs: u64,
    /// Longest n-gram counted (1–3).
    pub max_n: usize,
    /// Keywords per document per method (`--keywords`); 0 = no keyword extraction.
    pub keywords: usize,
    /// Keyword methods, in the order of `keywords.csv` (`--keyword-methods`).
    pub keyword_methods: Vec<Method>,
    /// Run the NER stage (mentions and entities).
    pub ner: bool,
    /// Name lists for NER: the built-in ones, plus `--gazetteer`.
    pub gazetteer: Arc<Gazetteer>,
    /// The compare tables (coverage, similarity, keyness, ...); the map stage reads
    /// `enabled`, `kwic_width` and `window`, the rest is read when the tables are written.
    pub compare: crate::compare::Settings,
}

impl Options {
    /// Whether keywords are extracted.
    pub fn extract_keywords(&self) -> bool {
        self.keywords > 0 && !self.keyword_methods.is_empty()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: None,
            languages: None,
            tables: Selection::default(),
            ngrams: crate::terms::MAX_N,
            corpus_terms_min_docs: CORPUS_TERMS_MIN_DOCS,
            max_n: crate::terms::MAX_N,
            keywords: 20,
            keyword_methods: Method::DEFAULT.to_vec(),
            ner: true,
            gazetteer: Gazetteer::builtin(),
            compare: crate::compare::Settings::default(),
        }
    }
}

/// Time spent per stage (summed over threads when merged).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageTimes {
    /// Language identification.
    pub language: Duration,
    /// Sentences and tokens.
    pub segment: Duration,
    /// Normalization, stopwords and stems.
    pub lexicon: Duration,
    /// Term counting, and the near-duplicate signature ([`crate::dedup`]).
    pub terms: Duration,
    /// Parts of speech.
    pub pos: Duration,
    /// Keyword candidates and their per-document scores.
    pub keywords: Duration,
    /// Named entities, rules and aliases.
    pub ner: Duration,
    /// Quotations and attributions.
    pub quotes: Duration,
    /// Encoding the optional sentence and token rows.
    pub rows: Duration,
    /// KWIC lines and word pairs for the compare tables.
    pub compare: Duration,
}

impl StageTimes {
    /// Adds another document's times.
    pub fn add(&mut self, o: &StageTimes) {
        self.language += o.language;
        self.segment += o.segment;
        self.lexicon += o.lexicon;
        self.terms += o.terms;
        self.pos += o.pos;
        self.keywords += o.keywords;
        self.ner += o.ner;
        self.quotes += o.quotes;
        self.rows += o.rows;
        self.compare += o.compare;
    }
}

/// One named entity of a document, as the corpus table needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocEntity {
    /// Canonical name.
    pub name: String,
    /// PER, ORG, LOC or MISC.
    pub label: &'static str,
    /// Mentions in the document.
    pub mentions: u32,
    /// Other names in the document.
    pub aliases: Vec<String>,
    /// Code-point offset of its first mention.
    pub first_start: u64,
    /// Language-independent identifier, if linked.
    pub id: Option<String>,
    /// Attributions whose source is this entity.
    pub quotes: u32,
    /// Words of their content.
    pub words_quoted: u32,
}

/// Everything newslens computes from one document alone.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The document, without its text (dropped after analysis to keep memory flat).
    pub doc: Document,
    /// Its language.
    pub lang: LangInfo,
    /// The news agency it is signed by ([`crate::wire`]).
    pub wire: Option<&'static str>,
    /// Its MinHash signature ([`crate::dedup::signature`]; empty for a very short text).
    pub minhash: Vec<u16>,
    /// Its languages by share of letters, per paragraph (`eng:0.86;zho:0.14`).
    pub languages: String,
    /// Bytes of text.
    pub bytes: u64,
    /// Unicode code points of text.
    pub chars: u64,
    /// Number of sentences.
    pub sentences: u64,
    /// Number of tokens.
    pub tokens: u64,
    /// Content terms with their counts.
    pub terms: DocTerms,
    /// Code-point offset of each term's first occurrence (in the order of `terms.terms`).
    pub term_starts: Vec<u64>,
    /// Keyword candidates with their per-document scores (empty unless asked for).
    pub keywords: DocKeywords,
    /// `sentences.csv` rows, CSV-encoded (empty unless asked for).
    pub sentence_rows: Vec<u8>,
    /// `tokens.csv` rows, CSV-encoded (empty unless asked for).
    pub token_rows: Vec<u8>,
    /// The `texts.csv` row, CSV-encoded (empty unless asked for).
    pub text_row: Vec<u8>,
    /// `mentions.csv` rows, CSV-encoded.
    pub mention_rows: Vec<u8>,
    /// `entities.csv` rows, CSV-encoded.
    pub entity_rows: Vec<u8>,
    /// `quotes.csv` rows, CSV-encoded (empty unless asked for).
    pub quote_rows: Vec<u8>,
    /// The document's named entities, for the corpus table.
    pub entities: Vec<DocEntity>,
    /// Whether an NER model tagged it (false: rules and gazetteer only).
    pub ner_model: bool,
    /// What the compare tables need of the text (empty when they are off).
    pub compare: crate::compare::DocCompare,
    /// The text, kept for the compare tables' KWIC lines (empty when they are off).
    pub text: String,
    /// Time per stage.
    pub times: StageTimes,
}

fn timed<T>(slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let t0 = Instant::now();
    let out = f();
    *slot += t0.elapsed();
    out
}

/// The language `doc` is analysed in, before any file prior: given (`--lang`, the record's
/// `language` field) or detected.
pub fn first_language(doc: &Document, opts: &Options) -> LangInfo {
    match given_language(doc, opts) {
        Some(code) => LangInfo::fixed(code),
        None => detector(opts).detect(&doc.text),
    }
}

fn given_language(doc: &Document, opts: &Options) -> Option<&'static str> {
    opts.lang
        .or_else(|| doc.language.as_deref().and_then(parse_code))
}

fn detector(opts: &Options) -> &Detector {
    opts.languages
        .as_ref()
        .unwrap_or_else(|| Detector::shared())
}

/// Runs every per-document stage on `doc`.
pub fn analyze(doc: Document, opts: &Options) -> Analysis {
    let t0 = Instant::now();
    let lang = first_language(&doc, opts);
    analyze_in(doc, opts, lang, t0.elapsed())
}

/// Runs every per-document stage on `doc` in the language `lang` (from [`first_language`], or
/// its file's language: [`crate::language::file_priors`]); `detecting` is the time detection
/// took.
pub fn analyze_in(
    mut doc: Document,
    opts: &Options,
    lang: LangInfo,
    detecting: Duration,
) -> Analysis {
    let mut times = StageTimes {
        language: detecting,
        ..StageTimes::default()
    };
    let given = given_language(&doc, opts).is_some();
    let text = std::mem::take(&mut doc.text);
    let (lang, parts, languages) = timed(&mut times.language, || {
        if given {
            let code = lang.code;
            (lang, Vec::new(), format!("{code}:1.00"))
        } else {
            let (parts, shares) = detector(opts).parts_and_shares(&text, &lang);
            (lang, parts, shares)
        }
    });
    // a document in several languages is segmented and stemmed paragraph by paragraph, each in
    // its own language
    let seg = timed(&mut times.segment, || match parts.len() {
        0 | 1 => segment(&text, lang.code),
        _ => segment_parts(&text, &parts),
    });
    let ann = timed(&mut times.lexicon, || match parts.len() {
        0 | 1 => annotate(&text, &seg.tokens, Lexicon::get(lang.code)),
        _ => {
            // the first token of each part
            let mut lexicons = Vec::with_capacity(parts.len());
            let mut t = 0;
            for (range, code) in &parts {
                while seg.tokens.get(t).is_some_and(|tok| tok.start < range.start) {
                    t += 1;
                }
                lexicons.push((t, Lexicon::get(code)));
            }
            annotate_parts(&text, &seg.tokens, &lexicons)
        }
    });
    let terms = timed(&mut times.terms, || count_terms(&seg, &ann, opts.max_n));
    let minhash = timed(&mut times.terms, || minhash(&seg, &ann));
    let quotes_on =
        opts.ner && (opts.tables.has(&schema::QUOTES) || opts.tables.has(&schema::CORPUS_SOURCES));
    // parts of speech, where something uses them: each sentence by the model of its language
    let upos = timed(&mut times.pos, || {
        if !(opts.extract_keywords() || opts.tables.has(&schema::TOKENS) || quotes_on) {
            return Vec::new();
        }
        let code = lang.code;
        crate::pos::tag_document(&text, &seg, |t| {
            let b = seg.tokens[t].start;
            parts
                .iter()
                .find(|(range, _)| range.contains(&b))
                .map_or(code, |(_, c)| *c)
        })
    });
    let ner = if opts.ner {
        // each part by its own language's model, stopwords and rules
        timed(&mut times.ner, || match parts.len() {
            0 | 1 => extract(
                &text,
                &seg,
                lang.code,
                doc.published.as_deref(),
                &opts.gazetteer,
            ),
            _ => extract_parts(
                &text,
                &seg,
                &parts,
                doc.published.as_deref(),
                &opts.gazetteer,
            ),
        })
    } else {
        DocEntities::default()
    };
    // who said what: the document's language (its main one, for a mixed document)
    let quotes = timed(&mut times.quotes, || {
        if !quotes_on {
            return Vec::new();
        }
        crate::quotes::extract(
            &text,
            &seg,
            lang.code,
            |i| ann.form(i).lower.as_str(),
            |i| ann.stem(i),
            &upos,
            &ner,
        )
    });
    let keywords = timed(&mut times.keywords, || {
        if opts.extract_keywords() {
            let names = crate::keywords::name_spans(&seg, &ner);
            crate::keywords::extract_for(
                &text,
                &seg,
                &ann,
                &crate::keywords::Tags {
                    upos: &upos,
                    names: &names,
                    adjectives_follow: crate::keywords::adjectives_follow(lang.code),
                },
                opts.max_n,
                &opts.keyword_methods,
            )
        } else {
            DocKeywords::default()
        }
    });
    let (sentence_rows, token_rows) = timed(&mut times.rows, || {
        encode_rows(&doc.doc_id, &text, &seg, &ann, &upos, opts)
    });
    let text_row = timed(&mut times.rows, || {
        let mut row = Vec::new();
        if opts.tables.has(&schema::TEXTS) {
            let mut w = csv_writer(&mut row);
            w.serialize(crate::output::TextRow {
                doc_id: Text(&doc.doc_id),
                title: doc.title.as_deref().map(Text),
                text: Text(&text),
            })
            .expect("writing to memory");
            drop(w);
        }
        row
    });
    let (mention_rows, entity_rows, starts) =
        timed(&mut times.rows, || encode_ner(&doc.doc_id, &text, &ner));
    let quote_rows = timed(&mut times.quotes, || {
        if opts.tables.has(&schema::QUOTES) {
            encode_quotes(&doc.doc_id, &text, &quotes, &ner)
        } else {
            Vec::new()
        }
    });
    let mut voices = vec![(0u32, 0u32); ner.entities.len()];
    for q in &quotes {
        if let Some(e) = q.entity {
            voices[e].0 += 1;
            voices[e].1 += q.words;
        }
    }
    let term_starts = timed(&mut times.terms, || {
        let mut order: Vec<(usize, usize)> = terms
            .terms
            .iter()
            .enumerate()
            .map(|(k, t)| (seg.tokens[t.first_token as usize].start, k))
            .collect();
        order.sort_unstable();
        let mut cur = CharCursor::new(&text);
        let mut starts = vec![0u64; order.len()];
        for (b, k) in order {
            starts[k] = cur.at(b);
        }
        starts
    });
    let compare = timed(&mut times.compare, || {
        crate::compare::prepare(&text, &seg, &ann, &ner, &opts.compare, opts.tables)
    });
    let entities = ner
        .entities
        .into_iter()
        .zip(starts)
        .zip(voices)
        .map(|((e, first_start), (quotes, words_quoted))| DocEntity {
            name: e.name,
            label: e.label,
            mentions: e.mentions,
            aliases: e.aliases,
            first_start,
            id: e.id,
            quotes,
            words_quoted,
        })
        .collect();
    let (bytes, chars) = (text.len() as u64, text.chars().count() as u64);
    Analysis {
        lang,
        wire: crate::wire::detect(&text),
        minhash,
        languages,
        bytes,
        chars,
        sentences: seg.sentences.len() as u64,
        tokens: seg.tokens.len() as u64,
        terms,
        term_starts,
        keywords,
        sentence_rows,
        token_rows,
        text_row,
        mention_rows,
        entity_rows,
        quote_rows,
        entities,
        ner_model: ner.model,
        compare,
        text: if opts.compare.enabled && opts.tables.has(&schema::KWIC) {
            text
        } else {
            String::new()
        },
        times,
        doc,
    }
}

/// The near-duplicate signature of a document: its words and numbers (punctuation and
/// symbols left out) by their lower-cased forms, each distinct form hashed once.
pub fn minhash(seg: &Segmentation, ann: &Annotated) -> Vec<u16> {
    let forms: Vec<u64> = ann
        .forms
        .iter()
        .map(|f| crate::dedup::word_hash(&f.lower))
        .collect();
    let words: Vec<u64> = seg
        .tokens
        .iter()
        .zip(&ann.token_forms)
        .filter(|(t, _)| !matches!(t.kind, TokenKind::Punct | TokenKind::Symbol))
        .map(|(_, &f)| forms[f as usize])
        .collect();
    crate::dedup::signature(&words)
}

/// Converts increasing byte offsets of one text to code-point offsets in one pass.
pub struct CharCursor<'a> {
    text: &'a str,
    byte: usize,
    chars: u64,
    ascii: bool,
}

impl<'a> CharCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        CharCursor {
            text,
            byte: 0,
            chars: 0,
            ascii: text.is_ascii(),
        }
    }

    /// Code-point offset of byte offset `b`; `b` must not decrease between calls.
    pub fn at(&mut self, b: usize) -> u64 {
        if self.ascii {
            return b as u64;
        }
        debug_assert!(b >= self.byte);
        self.chars += self.text[self.byte..b].chars().count() as u64;
        self.byte = b;
        self.chars
    }
}

/// `mentions.csv` rows in text order and `entities.csv` rows by mentions (descending), then
/// name and label; and the code-point offset of each entity's first mention.
fn encode_ner(doc_id: &str, text: &str, ner: &DocEntities) -> (Vec<u8>, Vec<u8>, Vec<u64>) {
    let mut mentions = Vec::new();
    let mut w = csv_writer(&mut mentions);
    let mut cur = CharCursor::new(text);
    let mut starts = vec![0u64; ner.entities.len()];
    let mut firsts: Vec<(usize, usize)> = ner
        .entities
        .iter()
        .enumerate()
        .map(|(k, e)| (e.first_start, k))
        .collect();
    firsts.sort_unstable();
    let mut fi = 0;
    for m in &ner.mentions {
        // entity first-mention offsets are mention starts, visited in increasing order
        let start = cur.at(m.start);
        while fi < firsts.len() && firsts[fi].0 == m.start {
            starts[firsts[fi].1] = start;
            fi += 1;
        }
        let end = cur.at(m.end);
        let _ = w.serialize(MentionRow {
            doc_id: Text(doc_id),
            start,
            end,
            text: Text(&text[m.start..m.end]),
            label: m.label,
            entity: m.entity.map(|g| Text(&ner.entities[g].name)),
            sentence: m.sentence,
            method: m.method.as_str(),
            value: (!m.value.is_empty()).then_some(Text(&m.value)),
        });
    }
    let _ = w.flush();
    drop(w);
    let mut order: Vec<usize> = (0..ner.entities.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&ner.entities[a], &ner.entities[b]);
        y.mentions
            .cmp(&x.mentions)
            .then_with(|| x.name.cmp(&y.name))
            .then_with(|| x.label.cmp(y.label))
    });
    let mut entities = Vec::new();
    let mut w = csv_writer(&mut entities);
    for k in order {
        let e = &ner.entities[k];
        let aliases = e.aliases.join(";");
        let _ = w.serialize(EntityRow {
            doc_id: Text(doc_id),
            entity: Text(&e.name),
            label: e.label,
            mentions: e.mentions,
            first_start: starts[k],
            aliases: Text(&aliases),
            id: Text(e.id.as_deref().unwrap_or("")),
        });
    }
    let _ = w.flush();
    drop(w);
    (mentions, entities, starts)
}

/// `quotes.csv` rows in text order (by content start), offsets in code points.
fn encode_quotes(
    doc_id: &str,
    text: &str,
    quotes: &[crate::quotes::Attribution],
    ner: &DocEntities,
) -> Vec<u8> {
    if quotes.is_empty() {
        return Vec::new();
    }
    // every offset the rows need, converted in one pass
    let mut offsets: Vec<usize> = Vec::with_capacity(quotes.len() * 6);
    for q in quotes {
        offsets.extend([q.content.start, q.content.end, q.cue.start, q.cue.end]);
        if let Some(s) = &q.source {
            offsets.extend([s.start, s.end]);
        }
    }
    offsets.sort_unstable();
    offsets.dedup();
    let mut cur = CharCursor::new(text);
    let chars: Vec<u64> = offsets.iter().map(|&b| cur.at(b)).collect();
    let at = |b: usize| chars[offsets.binary_search(&b).expect("collected above")];
    let mut out = Vec::new();
    let mut w = csv_writer(&mut out);
    for (k, q) in quotes.iter().enumerate() {
        let entity = q.entity.map(|e| &ner.entities[e]);
        let _ = w.serialize(crate::output::QuoteRow {
            doc_id: Text(doc_id),
            quote_id: k as u32 + 1,
            kind: q.kind.as_str(),
            content_start: at(q.content.start),
            content_end: at(q.content.end),
            content: Text(&text[q.content.clone()]),
            cue: Text(&text[q.cue.clone()]),
            cue_start: at(q.cue.start),
            cue_end: at(q.cue.end),
            source: q.source.clone().map(|s| Text(&text[s])),
            source_start: q.source.as_ref().map(|s| at(s.start)),
            source_end: q.source.as_ref().map(|s| at(s.end)),
            entity: entity.map(|e| Text(&e.name)),
            entity_id: entity.and_then(|e| e.id.as_deref()).map(Text),
            label: entity.map(|e| e.label),
        });
    }
    let _ = w.flush();
    drop(w);
    out
}

fn encode_rows(
    doc_id: &str,
    text: &str,
    seg: &Segmentation,
    ann: &Annotated,
    upos: &[u8],
    opts: &Options,
) -> (Vec<u8>, Vec<u8>) {
    let mut sentences = Vec::new();
    let mut tokens = Vec::new();
    if opts.tables.has(&schema::SENTENCES) {
        let mut w = csv_writer(&mut sentences);
        let mut cur = CharCursor::new(text);
        for (i, s) in seg.sentences.iter().enumerate() {
            let start = cur.at(s.start);
            let end = cur.at(s.end);
            // writing to a Vec cannot fail
            let _ = w.serialize(SentenceRow {
                doc_id: Text(doc_id),
                sentence: i as u32,
                start,
                end,
            });
        }
        let _ = w.flush();
    }
    if opts.tables.has(&schema::TOKENS) {
        let mut w = csv_writer(&mut tokens);
        let mut cur = CharCursor::new(text);
        for (i, t) in seg.tokens.iter().enumerate() {
            let form = ann.form(i);
            let start = cur.at(t.start);
            let end = cur.at(t.end);
            let _ = w.serialize(TokenRow {
                doc_id: Text(doc_id),
                sentence: t.sentence,
                token: i as u32,
                start,
                end,
                text: Text(&text[t.start..t.end]),
                kind: t.kind.as_str(),
                lower: Text(&form.lower),
                stem: Text(ann.stem(i)),
                stopword: form.stopword,
                upos: crate::pos::tag_name(upos.get(i).copied().unwrap_or(crate::pos::NO_TAG)),
            });
        }
        let _ = w.flush();
    }
    (sentences, tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets() {
        let text = "Zü “a” b";
        let mut c = CharCursor::new(text);
        assert_eq!(c.at(0), 0);
        assert_eq!(c.at(3), 2);
        assert_eq!(c.at(4), 3);
        assert_eq!(c.at(7), 4);
        assert_eq!(c.at(text.len()), 8);
    }

    #[test]
    fn analysis_counts() {
        let doc = Document {
            doc_id: "d".into(),
            text: "The Ministry of State Security (MSS) spoke. It said “normal”.".into(),
            ..Document::default()
        };
        let opts = Options {
            tables: Selection::all(),
            ..Options::default()
        };
        let a = analyze(doc, &opts);
        assert_eq!(a.lang.code, "eng");
        assert_eq!(a.sentences, 2);
        assert_eq!(a.tokens, 16);
        assert_eq!(a.terms.words, 10);
        assert_eq!(
            String::from_utf8(a.sentence_rows).unwrap(),
            "d,0,0,43\nd,1,44,61\n"
        );
        assert!(
            String::from_utf8(a.token_rows)
                .unwrap()
                .starts_with("d,0,0,0,3,The,word,the,the,true,DET\n")
        );
    }
}
