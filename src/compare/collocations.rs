//! Collocations: pairs of content words that occur near each other, over the corpus.
//!
//! Map ([`cooccurrences`], per document, on worker threads): takes a document's sentences and
//! lexical annotation; gives its pair counts — two content-word stems (not stopwords, not
//! numbers or punctuation) at most `window − 1` tokens apart inside one sentence, different
//! stems, each pair unordered (stems in alphabetical order). Reduce ([`Pairs::add`], in input
//! order): sums the counts per language in one map of interned stem ids. When the map holds
//! more than [`PAIR_CAP`] pairs, the rarest are dropped (count ≤ a floor that rises by one each
//! time), so memory stays bounded; a pruned run undercounts pairs near the floor and says so in
//! `diagnostics.csv`.

use crate::lexicon::Annotated;
use crate::segment::Segmentation;
use rustc_hash::FxHashMap;

/// Most pairs held by the reducer before the rarest are dropped (about 40 bytes each).
pub const PAIR_CAP: usize = 4_000_000;

/// One document's pair counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocPairs {
    /// The stems the pairs use.
    pub stems: Vec<String>,
    /// (stem index, stem index, count), the first stem alphabetically before the second.
    pub pairs: Vec<(u32, u32, u32)>,
}

/// Counts the content-word pairs of one document within `window` tokens (≥ 2).
pub fn cooccurrences(seg: &Segmentation, ann: &Annotated, window: usize) -> DocPairs {
    let window = window.max(2);
    let mut local: FxHashMap<u32, u32> = FxHashMap::default(); // annotation stem id → index
    let mut stems: Vec<String> = Vec::new();
    let mut counts: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let mut recent: Vec<(usize, u32)> = Vec::new();
    for s in &seg.sentences {
        recent.clear();
        for i in s.tokens.clone() {
            if !ann.form(i).content {
                continue;
            }
            let sid = ann.form(i).stem;
            let next = stems.len() as u32;
            let id = *local.entry(sid).or_insert_with(|| {
                stems.push(ann.stems[sid as usize].clone());
                next
            });
            recent.retain(|&(j, _)| i - j < window);
            for &(_, other) in &recent {
                if other == id {
                    continue;
                }
                let key = if stems[other as usize] < stems[id as usize] {
                    (other, id)
                } else {
                    (id, other)
                };
                *counts.entry(key).or_default() += 1;
            }
            recent.push((i, id));
        }
    }
    let mut pairs: Vec<(u32, u32, u32)> = counts.into_iter().map(|((a, b), c)| (a, b, c)).collect();
    pairs.sort_unstable();
    DocPairs { stems, pairs }
}

/// Corpus pair counts (the reduce).
pub struct Pairs {
    ids: FxHashMap<(&'static str, Box<str>), u32>,
    /// (language, stem) of each id.
    pub names: Vec<(&'static str, Box<str>)>,
    /// Counts by (id, id).
    pub counts: FxHashMap<(u32, u32), u32>,
    /// Pairs with a count up to this were dropped to bound memory (0: none).
    pub pruned_below: u32,
    /// Most pairs held ([`PAIR_CAP`]).
    cap: usize,
}

impl Default for Pairs {
    fn default() -> Self {
        Pairs::with_cap(PAIR_CAP)
    }
}

impl Pairs {
    /// Empty counts that hold at most `cap` pairs.
    pub fn with_cap(cap: usize) -> Self {
        Pairs {
            ids: FxHashMap::default(),
            names: Vec::new(),
            counts: FxHashMap::default(),
            pruned_below: 0,
            cap,
        }
    }

    fn id(&mut self, lang: &'static str, stem: &str) -> u32 {
        if let Some(&id) = self.ids.get(&(lang, Box::from(stem))) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push((lang, stem.into()));
        self.ids.insert((lang, stem.into()), id);
        id
    }

    /// Adds one document's pairs.
    pub fn add(&mut self, lang: &'static str, doc: &DocPairs) {
        let ids: Vec<u32> = doc.stems.iter().map(|s| self.id(lang, s)).collect();
        for &(a, b, c) in &doc.pairs {
            *self
                .counts
                .entry((ids[a as usize], ids[b as usize]))
                .or_default() += c;
        }
        while self.counts.len() > self.cap {
            self.pruned_below += 1;
            let floor = self.pruned_below;
            self.counts.retain(|_, c| *c > floor);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Lexicon, annotate};

    fn pairs_of(text: &str, window: usize) -> Vec<(String, String, u32)> {
        let seg = crate::segment::segment(text, "eng");
        let ann = annotate(text, &seg.tokens, Lexicon::get("eng"));
        let p = cooccurrences(&seg, &ann, window);
        p.pairs
            .iter()
            .map(|&(a, b, c)| (p.stems[a as usize].clone(), p.stems[b as usize].clone(), c))
            .collect()
    }

    #[test]
    fn window_sentence_and_stopwords() {
        let got = pairs_of("State security law. Security police.", 5);
        let want = [
            ("law", "secur", 1),
            ("law", "state", 1),
            ("polic", "secur", 1),
            ("secur", "state", 1),
        ];
        let got: Vec<(&str, &str, u32)> = got
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), *c))
            .collect();
        let mut want = want.to_vec();
        want.sort();
        let mut got = got;
        got.sort();
        assert_eq!(got, want);
        // "the" counts as a position but never pairs; window 2 = adjacent tokens only
        assert_eq!(pairs_of("state the security", 2), vec![]);
        assert_eq!(pairs_of("state the security", 3).len(), 1);
    }

    #[test]
    fn reduce_sums_and_prunes() {
        let seg = crate::segment::segment("state security", "eng");
        let ann = annotate("state security", &seg.tokens, Lexicon::get("eng"));
        let d = cooccurrences(&seg, &ann, 5);
        let mut p = Pairs::default();
        p.add("eng", &d);
        p.add("eng", &d);
        p.add("fra", &d);
        assert_eq!(p.counts.len(), 2);
        assert_eq!(p.counts.values().copied().max(), Some(2));
        assert_eq!(p.pruned_below, 0);
        // past the cap the rarest pairs go: the eng pair (2) stays, the fra one (1) is dropped
        let mut small = Pairs::with_cap(1);
        small.add("eng", &d);
        small.add("eng", &d);
        small.add("fra", &d);
        assert_eq!(small.counts.len(), 1);
        assert_eq!(small.counts.values().copied().collect::<Vec<_>>(), [2]);
        assert_eq!(small.pruned_below, 1);
    }
}
