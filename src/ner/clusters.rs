//! Word clusters: classes of words that occur in like contexts, learned from unlabeled text.
//!
//! Takes plain text in one language (news, Wikipedia sentences; no labels); gives each word
//! seen at least twice a class at several granularities (by default 32, 128 and 512 classes),
//! which the tagger uses as features ([`super::features`]). A surname never seen in the NER
//! training data still shares a class with the surnames that were (`Neururer` with `Rehhagel`,
//! because both come before `sagte` and after `Trainer`), which is how a feature-based tagger
//! generalises beyond its training vocabulary (Ratinov & Roth 2009; Turian et al. 2010).
//!
//! The classes come from the predictive exchange algorithm (Uszkoreit & Brants 2008, as used
//! for NER features by Täckström et al. 2012), read in both directions: each word `w` gets a
//! class `c(w)` so as to maximise the likelihood of the text under
//! `p(w | v) = p(w | c(w)) · p(c(w) | v)`, where `v` is the word before, plus that of the text
//! read backwards (`v` the word after), so a class reflects both sides of its words. Up to
//! constants, that is maximising
//!
//! ```text
//! Σ_{v,c} N(v,c) log N(v,c)  −  2 Σ_c N(c) log N(c)
//! ```
//!
//! over the counts of (neighbour on one side, class) pairs `N(v,c)` and of classes `N(c)`. Starting from
//! classes dealt by frequency rank, every word in turn moves to the class that most increases
//! it, until no word moves or the passes run out. One pass costs (distinct word pairs) ×
//! (classes); it is deterministic (fixed word order, ties to the lowest class).
//!
//! Words are the tagger's tokens ([`super::tokens`]), normalised as its features read them
//! ([`key`]): NFC and folded punctuation, digits as `0`, case kept (`Rose` and `rose` are
//! different words), and Chinese words whole (jieba's words, simplified), not cut into
//! characters. `train-clusters` learns them and writes `models/clusters-LANG.bin`:
//!
//! ```text
//! header (NLCLS001, format version, language)
//! u32 k  u16 × k class counts  u32 n  (u8 length, UTF-8 word, u16 × k classes) × n
//! ```

use super::tokens::{HAN_BEGIN, HAN_INSIDE, NerToken};
use crate::perceptron::{Header, ModelError, Reader};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// The number of granularities every clusters file holds.
pub const LEVELS: usize = 3;

/// The class counts `train-clusters` uses unless told otherwise.
pub const DEFAULT_CLASSES: [u16; LEVELS] = [32, 128, 512];

const HEADER: Header = Header {
    magic: b"NLCLS001",
    version: 1,
    what: "word-cluster",
    trainer: "train-clusters",
};

/// A word's classes, one per granularity (coarsest first).
pub type Classes = [u16; LEVELS];

/// The classes of a language's words.
#[derive(Clone, Debug, Default)]
pub struct Clusters {
    /// The language (ISO 639-3).
    pub lang: String,
    /// Classes per granularity.
    pub sizes: Classes,
    words: FxHashMap<Box<str>, Classes>,
}

impl Clusters {
    /// Clusters from `(word, classes)` pairs.
    pub fn new(lang: &str, sizes: Classes, words: Vec<(String, Classes)>) -> Clusters {
        Clusters {
            lang: lang.to_string(),
            sizes,
            words: words
                .into_iter()
                .map(|(w, c)| (w.into_boxed_str(), c))
                .collect(),
        }
    }

    /// The classes of a word, by its [`key`].
    pub fn get(&self, key: &str) -> Option<Classes> {
        self.words.get(key).copied()
    }

    /// Number of words with classes.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word has a class.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The file's bytes; words in byte order, so the same clusters give the same file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(64 + self.words.len() * 16);
        HEADER.write(&self.lang, &mut b);
        b.extend_from_slice(&(LEVELS as u32).to_le_bytes());
        for s in self.sizes {
            b.extend_from_slice(&s.to_le_bytes());
        }
        let mut words: Vec<(&str, &Classes)> = self
            .words
            .iter()
            .filter(|(w, _)| !w.is_empty() && w.len() <= u8::MAX as usize)
            .map(|(w, c)| (&**w, c))
            .collect();
        words.sort_unstable();
        b.extend_from_slice(&(words.len() as u32).to_le_bytes());
        for (w, c) in words {
            b.push(w.len() as u8);
            b.extend_from_slice(w.as_bytes());
            for x in c {
                b.extend_from_slice(&x.to_le_bytes());
            }
        }
        b
    }

    /// Reads a clusters file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Clusters, ModelError> {
        let mut r = Reader::new(bytes);
        let lang = HEADER.read(&mut r)?;
        if r.u32()? as usize != LEVELS {
            return Err(ModelError(format!(
                "word-cluster file does not hold {LEVELS} granularities; retrain it with train-clusters"
            )));
        }
        let mut sizes = [0u16; LEVELS];
        for s in &mut sizes {
            *s = u16_of(r.take(2)?);
        }
        let n = r.u32()? as usize;
        let mut words = FxHashMap::default();
        words.reserve(n.min(1 << 20));
        for _ in 0..n {
            let len = r.take(1)?[0] as usize;
            let w = std::str::from_utf8(r.take(len)?).map_err(|_| {
                ModelError("word-cluster file holds a word that is not UTF-8".into())
            })?;
            let mut c = [0u16; LEVELS];
            for (x, size) in c.iter_mut().zip(sizes) {
                *x = u16_of(r.take(2)?);
                if *x >= size {
                    return Err(ModelError(
                        "word-cluster file holds a class out of range".into(),
                    ));
                }
            }
            words.insert(w.into(), c);
        }
        Ok(Clusters { lang, sizes, words })
    }
}

fn u16_of(b: &[u8]) -> u16 {
    u16::from_le_bytes(b.try_into().unwrap_or_default())
}

/// The bundled clusters: (language, file bytes), each parsed the first time a run meets its
/// language. Spanish, Dutch and Arabic have none: `../shared` holds no text in them beyond
/// their NER training data, and clusters learned from that alone lowered the F1 on the
/// held-back tenth of it (README, "Entity models").
const BUNDLED: &[(&str, &[u8])] = &[
    ("eng", include_bytes!("../../models/clusters-eng.bin")),
    ("deu", include_bytes!("../../models/clusters-deu.bin")),
    ("fra", include_bytes!("../../models/clusters-fra.bin")),
    ("ita", include_bytes!("../../models/clusters-ita.bin")),
    ("por", include_bytes!("../../models/clusters-por.bin")),
    ("rus", include_bytes!("../../models/clusters-rus.bin")),
    ("zho", include_bytes!("../../models/clusters-zho.bin")),
];

/// The bundled clusters of a language, loaded on first use; `None` without any.
pub fn clusters_for(lang: &str) -> Option<&'static Clusters> {
    static LOADED: [OnceLock<Option<Clusters>>; BUNDLED.len()] =
        [const { OnceLock::new() }; BUNDLED.len()];
    crate::perceptron::bundled(BUNDLED, &LOADED, lang, Clusters::from_bytes)
}

/// The digits of `s` folded to `0` (so `1996` and `2023` are one word).
pub fn fold_digits(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_digit()) {
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| if c.is_ascii_digit() { '0' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The words of a tokenized text as clusters see them: `(first token, end token, key)`, one
/// per token except Chinese characters, which are joined back into their segmenter word.
pub fn words(text: &str, toks: &[NerToken]) -> Vec<(usize, usize, String)> {
    word_spans(toks)
        .map(|(i, j)| {
            (
                i,
                j,
                key(&text[toks[i].start..toks[j - 1].end], toks[i].han != 0),
            )
        })
        .collect()
}

/// The token ranges of [`words`], without their keys.
pub fn word_spans(toks: &[NerToken]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= toks.len() {
            return None;
        }
        let mut j = i;
        if toks[i].han != 0 {
            while j + 1 < toks.len() && matches!(toks[j].han, HAN_BEGIN | HAN_INSIDE) {
                j += 1;
            }
        }
        let span = (i, j + 1);
        i = j + 1;
        Some(span)
    })
}

/// The key of one word: NFC, folded punctuation, digits as `0`, case kept; Han text simplified.
pub fn key(word: &str, han: bool) -> String {
    let normal = crate::normalize::normalize(word);
    if han {
        crate::segment::simplified::simplified(&normal)
    } else {
        fold_digits(&normal).into_owned()
    }
}

/// The word before a sentence, in [`Counts`]' pairs.
const START: u32 = u32::MAX;
/// The word after a sentence.
const END: u32 = u32::MAX - 1;

/// Counts gathered from unlabeled text, ready for [`learn`].
#[derive(Default)]
pub struct Counts {
    ids: FxHashMap<String, u32>,
    words: Vec<String>,
    freq: Vec<u64>,
    /// (previous word, word) → count; a sentence starts after [`START`] and ends before [`END`].
    pairs: FxHashMap<(u32, u32), u32>,
    tokens: u64,
}

impl Counts {
    /// Adds one sentence's words.
    pub fn add_sentence<'w>(&mut self, words: impl IntoIterator<Item = &'w str>) {
        let mut prev = START;
        for w in words {
            let id = match self.ids.get(w) {
                Some(&id) => id,
                None => {
                    let id = self.words.len() as u32;
                    self.ids.insert(w.to_string(), id);
                    self.words.push(w.to_string());
                    self.freq.push(0);
                    id
                }
            };
            self.freq[id as usize] += 1;
            *self.pairs.entry((prev, id)).or_insert(0) += 1;
            prev = id;
            self.tokens += 1;
        }
        if prev != START {
            *self.pairs.entry((prev, END)).or_insert(0) += 1;
        }
    }

    /// Adds every sentence of a text in `lang`, tokenized as the tagger tokenizes.
    pub fn add_text(&mut self, text: &str, lang: &'static str) {
        let seg = crate::segment::segment(text, lang);
        let toks = super::tokens::ner_tokens(text, &seg);
        let words = words(text, &toks);
        let mut start = 0;
        while start < words.len() {
            let sentence = toks[words[start].0].sentence;
            let end = start
                + words[start..]
                    .iter()
                    .position(|w| toks[w.0].sentence != sentence)
                    .unwrap_or(words.len() - start);
            self.add_sentence(words[start..end].iter().map(|w| w.2.as_str()));
            start = end;
        }
    }

    /// Tokens counted.
    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    /// Distinct words counted.
    pub fn distinct(&self) -> usize {
        self.words.len()
    }
}

/// `x ln x`, with `0 ln 0 = 0`.
#[inline]
fn xlogx(x: u64) -> f64 {
    if x == 0 {
        0.0
    } else {
        let x = x as f64;
        x * x.ln()
    }
}

/// Learns the classes of every word seen at least `min_count` times, at each granularity of
/// `sizes`, with at most `passes` passes each. The granularities are learned independently
/// (in parallel).
pub fn learn(
    lang: &str,
    counts: &Counts,
    sizes: Classes,
    min_count: u64,
    passes: usize,
) -> Clusters {
    // the words to class, most frequent first (ties in byte order)
    let mut order: Vec<u32> = (0..counts.words.len() as u32)
        .filter(|&w| counts.freq[w as usize] >= min_count)
        .collect();
    order.sort_by(|&a, &b| {
        counts.freq[b as usize]
            .cmp(&counts.freq[a as usize])
            .then_with(|| counts.words[a as usize].cmp(&counts.words[b as usize]))
    });
    // dense index of each classed word; the contexts: a neighbour on the left (classed words,
    // the others as one, the sentence edge) then the same on the right
    let mut dense = vec![u32::MAX; counts.words.len()];
    for (k, &w) in order.iter().enumerate() {
        dense[w as usize] = k as u32;
    }
    let other = order.len() as u32;
    let edge = other + 1;
    let n_side = order.len() + 2;
    let side = |v: u32| match v {
        START | END => edge,
        v if dense[v as usize] == u32::MAX => other,
        v => dense[v as usize],
    };
    let mut contexts: Vec<Vec<(u32, u32)>> = vec![Vec::new(); order.len()];
    let mut pairs: Vec<(&(u32, u32), &u32)> = counts.pairs.iter().collect();
    pairs.sort_unstable();
    for (&(v, w), &n) in pairs {
        if w != END && dense[w as usize] != u32::MAX {
            contexts[dense[w as usize] as usize].push((side(v), n));
        }
        if v != START && dense[v as usize] != u32::MAX {
            contexts[dense[v as usize] as usize].push((n_side as u32 + side(w), n));
        }
    }
    // merge the rare neighbours' counts
    for p in &mut contexts {
        p.sort_unstable();
        p.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
    }
    // each word's count: its left contexts' (the right ones sum to the same)
    let totals: Vec<u64> = contexts
        .iter()
        .map(|p| {
            p.iter()
                .filter(|&&(v, _)| (v as usize) < n_side)
                .map(|&(_, n)| n as u64)
                .sum()
        })
        .collect();
    let levels: Vec<Vec<u16>> = {
        use rayon::prelude::*;
        sizes
            .par_iter()
            .map(|&c| exchange(&contexts, &totals, 2 * n_side, c.max(1) as usize, passes))
            .collect()
    };
    let words = order
        .iter()
        .enumerate()
        .map(|(k, &w)| {
            let mut c = [0u16; LEVELS];
            for (l, level) in levels.iter().enumerate() {
                c[l] = level[k];
            }
            (counts.words[w as usize].clone(), c)
        })
        .collect();
    Clusters::new(lang, sizes, words)
}

/// The predictive exchange algorithm over words `0..contexts.len()` (most frequent first), each
/// with its contexts `(v, count)` on both sides and its count; gives each word's class in
/// `0..c`.
fn exchange(
    contexts: &[Vec<(u32, u32)>],
    totals: &[u64],
    n_ctx: usize,
    c: usize,
    passes: usize,
) -> Vec<u16> {
    let n = contexts.len();
    let mut class: Vec<u16> = (0..n).map(|k| (k % c) as u16).collect();
    // N(v, c) and N(c)
    let mut nvc = vec![0u32; n_ctx * c];
    let mut nc = vec![0u64; c];
    for w in 0..n {
        let a = class[w] as usize;
        for &(v, k) in &contexts[w] {
            nvc[v as usize * c + a] += k;
        }
        nc[a] += totals[w];
    }
    // x ln x for the small counts, which are most of them
    let table: Vec<f64> = (0..1u64 << 16).map(xlogx).collect();
    let f = |x: u64| match table.get(x as usize) {
        Some(&y) => y,
        None => xlogx(x),
    };
    let mut gain = vec![0f64; c];
    for _ in 0..passes {
        let mut moved = 0usize;
        for w in 0..n {
            let a = class[w] as usize;
            let tw = totals[w];
            for &(v, k) in &contexts[w] {
                nvc[v as usize * c + a] -= k;
            }
            nc[a] -= tw;
            // gain of putting w in each class b:
            // Σ_v [f(N(v,b)+k) − f(N(v,b))] − 2 [f(N(b)+tw) − f(N(b))]
            let mut base = 0.0;
            for &(_, k) in &contexts[w] {
                base += f(k as u64);
            }
            for (b, g) in gain.iter_mut().enumerate() {
                *g = base - 2.0 * (f(nc[b] + tw) - f(nc[b]));
            }
            for &(v, k) in &contexts[w] {
                let k = k as u64;
                let fk = f(k);
                let row = &nvc[v as usize * c..(v as usize + 1) * c];
                for (g, &x) in gain.iter_mut().zip(row) {
                    if x != 0 {
                        let x = x as u64;
                        *g += f(x + k) - f(x) - fk;
                    }
                }
            }
            let mut best = a;
            for (b, &g) in gain.iter().enumerate() {
                if g > gain[best] + 1e-9 {
                    best = b;
                }
            }
            for &(v, k) in &contexts[w] {
                nvc[v as usize * c + best] += k;
            }
            nc[best] += tw;
            if best != a {
                class[w] = best as u16;
                moved += 1;
            }
        }
        if moved == 0 {
            break;
        }
    }
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two kinds of words in two kinds of context: names after `Mr` and before `said`, and
    /// things after `the` and before `fell`.
    fn corpus() -> Counts {
        let mut c = Counts::default();
        let names = ["Smith", "Jones", "Brown", "Li"];
        let things = ["price", "market", "index", "rate"];
        for round in 0..6 {
            for (k, n) in names.iter().enumerate() {
                let verb = if (round + k) % 2 == 0 {
                    "said"
                } else {
                    "added"
                };
                c.add_sentence(["Mr", n, verb, "."]);
            }
            for (k, t) in things.iter().enumerate() {
                let verb = if (round + k) % 2 == 0 { "fell" } else { "rose" };
                c.add_sentence(["the", t, verb, "."]);
            }
        }
        c
    }

    #[test]
    fn words_in_like_contexts_share_a_class() {
        let cl = learn("eng", &corpus(), [2, 4, 8], 2, 20);
        let class = |w: &str, l: usize| cl.get(w).unwrap()[l];
        // at four classes, names and things are apart, and each kind is one class (at two,
        // both are `word after a determiner-like word`)
        let l = 1;
        assert_eq!(class("Smith", l), class("Jones", l));
        assert_eq!(class("Smith", l), class("Li", l));
        assert_eq!(class("price", l), class("rate", l));
        assert_ne!(class("Smith", l), class("price", l));
        // every classed word has a class in range
        for l in 0..LEVELS {
            for w in ["Mr", "said", "the", "fell", "."] {
                assert!(class(w, l) < [2, 4, 8][l]);
            }
        }
        // learning is deterministic
        let again = learn("eng", &corpus(), [2, 4, 8], 2, 20);
        assert_eq!(cl.to_bytes(), again.to_bytes());
    }

    #[test]
    fn rare_words_get_no_class() {
        let mut c = corpus();
        c.add_sentence(["Mr", "Once", "said"]);
        let cl = learn("eng", &c, [2, 4, 8], 2, 5);
        assert!(cl.get("Once").is_none());
        assert!(cl.get("Smith").is_some());
    }

    #[test]
    fn file_round_trip_and_bad_files() {
        let cl = learn("deu", &corpus(), [2, 4, 8], 2, 5);
        let b = cl.to_bytes();
        let back = Clusters::from_bytes(&b).unwrap();
        assert_eq!(back.lang, "deu");
        assert_eq!(back.sizes, [2, 4, 8]);
        assert_eq!(back.len(), cl.len());
        assert_eq!(back.get("Smith"), cl.get("Smith"));
        assert_eq!(back.to_bytes(), b);
        assert!(Clusters::from_bytes(&b[..b.len() - 1]).is_err());
        assert!(Clusters::from_bytes(b"NLNER001garbage").is_err());
    }

    #[test]
    fn keys_fold_digits_keep_case_and_join_chinese_words() {
        assert_eq!(key("1996", false), "0000");
        assert_eq!(key("Rose", false), "Rose");
        let text = "陈一新说 Mr Li";
        let seg = crate::segment::segment(text, "zho");
        let toks = super::super::tokens::ner_tokens(text, &seg);
        let w = words(text, &toks);
        // Han words whole, each covering its characters' tokens
        assert!(w.iter().all(|(s, e, _)| e > s));
        assert_eq!(w.last().unwrap().2, "Li");
        let han: usize = w
            .iter()
            .filter(|(_, _, k)| k.chars().all(crate::segment::is_han))
            .map(|(s, e, _)| e - s)
            .sum();
        assert_eq!(han, 4);
    }
}
