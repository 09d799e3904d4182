//! Tagging's fast path: the weights of a form's own features summed once, not per token.
//!
//! Takes a bundled model and a document's features computed without the form-only ones
//! ([`super::features::features`] with `full` false); gives the same entity spans as the full
//! features would (a test checks the scores are equal), without probing the weight table for
//! each occurrence of a word's own features.
//!
//! Of a token's ~35–50 features, about twenty depend only on its form (word, lower case, shape,
//! affixes, the bias) or on a neighbour's (the lower case and shape of the words at −2…+2).
//! Their weights are summed once per form into [`FormScores`] — one row of tag scores per
//! [`Slot`] — and a token's scores are its own row, its neighbours' rows for their slots, and
//! the weights of the features that need its context (gazetteer, capitalisation in the
//! document, word pairs, clusters, …). The sums are kept per thread for the first
//! [`CACHE_FORMS`] forms of each model (about 3 MB), so common words cost one hash look-up
//! across documents; others are summed once per document. Of the context features, those with
//! few values (capitalisation and position, gazetteer codes, word classes, …;
//! [`super::features::small_index`]) are rows of a dense table built once per model
//! ([`Model::small_rows`], 0.5 MB), added without probing the weight table.

use super::features::{self, Features, SLOTS};
use super::model::{Model, N_TAGS, spans, viterbi_i32};
use super::tokens::NerToken;
use crate::segment::TokenKind;
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// A form's summed weights, one row of tag scores per slot ([`SLOTS`] order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormScores([[i32; N_TAGS]; SLOTS.len()]);

impl FormScores {
    /// The sums for the form of token `t` (text `s`).
    pub fn of(model: &Model, s: &str, t: &NerToken) -> FormScores {
        let mut rows = [[0i32; N_TAGS]; SLOTS.len()];
        features::form_ids(s, t, |slot, ids| model.add(ids, &mut rows[slot as usize]));
        FormScores(rows)
    }

    /// The sums for the sentence edge (what lies beyond the first or last token).
    pub fn edge(model: &Model) -> FormScores {
        let mut rows = [[0i32; N_TAGS]; SLOTS.len()];
        features::edge_ids(|slot, ids| model.add(ids, &mut rows[slot as usize]));
        FormScores(rows)
    }

    #[inline]
    fn row(&self, slot: usize) -> &[i32; N_TAGS] {
        &self.0[slot]
    }
}

/// Forms kept per model and thread.
pub const CACHE_FORMS: usize = 8192;

/// What a form's sums depend on besides its text: token kind and whether it is a Han character.
fn flags(t: &NerToken) -> u8 {
    let kind = match t.kind {
        TokenKind::Word => 0,
        TokenKind::Number => 1,
        TokenKind::Punct => 2,
        _ => 3,
    };
    kind << 1 | (t.han != 0) as u8
}

type Cache = FxHashMap<(u8, Box<str>), FormScores>;

thread_local! {
    /// Per bundled model (by address: bundled models live as long as the program), its forms.
    static CACHE: RefCell<FxHashMap<usize, (FormScores, Cache)>> = RefCell::new(FxHashMap::default());
}

/// One document's sums under one model, filled as its sentences are tagged.
pub struct DocScores {
    model: usize,
    forms: Vec<Option<FormScores>>,
    edge: FormScores,
}

/// The spans `(first token, end token, type)` of the sentence `range` of a document whose
/// features were computed without the form-only ones. `doc` carries the document's sums from
/// sentence to sentence (start it at `None`).
pub fn decode(
    model: &'static Model,
    text: &str,
    toks: &[NerToken],
    feats: &Features,
    range: std::ops::Range<usize>,
    doc: &mut Option<DocScores>,
) -> Vec<(usize, usize, usize)> {
    let first = range.start;
    let em = emissions(model, text, toks, feats, range, doc);
    spans(&viterbi_i32(&em, &model.trans, &model.end))
        .into_iter()
        .map(|(s, e, t)| (s + first, e + first, t))
        .collect()
}

/// The tag scores (`range.len() × N_TAGS`) of one sentence, as [`decode`] reads them.
pub fn emissions(
    model: &'static Model,
    text: &str,
    toks: &[NerToken],
    feats: &Features,
    range: std::ops::Range<usize>,
    doc: &mut Option<DocScores>,
) -> Vec<i32> {
    debug_assert!(!feats.full);
    let key = model as *const Model as usize;
    let n = range.len();
    let mut em = vec![0i32; n * N_TAGS];
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let (edge, cache) = c
            .entry(key)
            .or_insert_with(|| (FormScores::edge(model), Cache::default()));
        let d = match doc {
            Some(d) if d.model == key => d,
            _ => doc.insert(DocScores {
                model: key,
                forms: vec![None; feats.form_first.len()],
                edge: edge.clone(),
            }),
        };
        // the sums of every form in the sentence
        for i in range.clone() {
            let f = feats.form_of[i] as usize;
            if d.forms[f].is_some() {
                continue;
            }
            let t = &toks[feats.form_first[f] as usize];
            let s = &text[t.start..t.end];
            let k = (flags(t), s);
            let scores = match cache.get(&k as &dyn CacheKey) {
                Some(hit) => hit.clone(),
                None => {
                    let fresh = FormScores::of(model, s, t);
                    if cache.len() < CACHE_FORMS {
                        cache.insert((k.0, Box::from(s)), fresh.clone());
                    }
                    fresh
                }
            };
            d.forms[f] = Some(scores);
        }
    });
    let Some(d) = doc.as_ref() else {
        return em;
    };
    let first = range.start;
    let small = model.small_rows();
    let form = |i: usize| d.forms[feats.form_of[i] as usize].as_ref();
    for (k, row) in em.chunks_exact_mut(N_TAGS).enumerate() {
        let row: &mut [i32; N_TAGS] = row.try_into().expect("row of N_TAGS");
        let i = first + k;
        model.add(feats.of(i), row);
        for &r in feats.small_of(i) {
            add_row(row, &small[r as usize]);
        }
        // own form, then the neighbours: slot 1 is the form two to the left, … 4 two to the right
        if let Some(own) = form(i) {
            add_row(row, own.row(0));
        }
        for (slot, delta) in [(1usize, -2isize), (2, -1), (3, 1), (4, 2)] {
            let j = k as isize + delta;
            let scores = match (0..n as isize).contains(&j) {
                true => form(first + j as usize),
                false => Some(&d.edge),
            };
            if let Some(s) = scores {
                add_row(row, s.row(slot));
            }
        }
    }
    em
}

#[inline]
fn add_row(row: &mut [i32; N_TAGS], add: &[i32; N_TAGS]) {
    for (x, y) in row.iter_mut().zip(add) {
        *x += y;
    }
}

/// Lets the cache be probed with a borrowed `(flags, &str)` key.
trait CacheKey {
    fn key(&self) -> (u8, &str);
}

impl CacheKey for (u8, Box<str>) {
    fn key(&self) -> (u8, &str) {
        (self.0, &self.1)
    }
}

impl CacheKey for (u8, &str) {
    fn key(&self) -> (u8, &str) {
        (self.0, self.1)
    }
}

impl<'a> std::borrow::Borrow<dyn CacheKey + 'a> for (u8, Box<str>) {
    fn borrow(&self) -> &(dyn CacheKey + 'a) {
        self
    }
}

impl PartialEq for dyn CacheKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for dyn CacheKey + '_ {}

impl std::hash::Hash for dyn CacheKey + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::gazetteer::Gazetteer;
    use crate::ner::{model_for, prepare, prepare_with, tokens};

    /// The fast path's scores equal those of the full features, token by token, in every
    /// language of the bundled PUD excerpts (seven, with clusters or without), with the
    /// per-thread cache warm from earlier documents.
    #[test]
    fn fast_scores_equal_full_features() {
        let corpus = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/pud-news.jsonl"
        ))
        .unwrap();
        let gaz = Gazetteer::builtin();
        let mut checked = std::collections::BTreeMap::new();
        for line in corpus.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = v["id"].as_str().unwrap();
            let lang = crate::language::parse_code(id.split('_').nth(1).unwrap()).unwrap();
            let n = checked.entry(lang).or_insert(0);
            if *n >= 40 {
                continue;
            }
            *n += 1;
            let model = model_for(lang).unwrap();
            let text = v["text"].as_str().unwrap();
            let seg = crate::segment::segment(text, lang);
            let full = prepare(text, &seg, &gaz, lang);
            let fast = prepare_with(text, &seg, &gaz, Some(false), &[(0..text.len(), lang)]);
            assert!(fast.features.ids.len() < full.features.ids.len());
            let mut doc = None;
            for r in tokens::sentence_ranges(&full.tokens) {
                let mut want = vec![0i32; r.len() * N_TAGS];
                for (k, row) in want.chunks_exact_mut(N_TAGS).enumerate() {
                    model.add(full.features.of(r.start + k), row.try_into().unwrap());
                }
                let got = emissions(
                    model,
                    text,
                    &fast.tokens,
                    &fast.features,
                    r.clone(),
                    &mut doc,
                );
                assert_eq!(got, want, "{id}, tokens {r:?}");
            }
        }
        assert_eq!(checked.len(), 7);
    }
}
