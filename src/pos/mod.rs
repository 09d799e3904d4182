//! Parts of speech: the Universal POS tag (UPOS) of every token.
//!
//! Takes a document's text and its [`Segmentation`] (sentences and tokens) and the language of
//! each sentence; gives one tag per token ([`tag_document`]), or [`NO_TAG`] where the language
//! has no model. Used by the keyword stage (noun-phrase candidates, [`crate::keywords`]) and
//! written as the `upos` column of `tokens.csv`.
//!
//! The tagger is a greedy averaged perceptron (Collins 2002; the left-to-right design of
//! Honnibal's "A good part-of-speech tagger in about 200 lines of Python"), one model per
//! language, trained by `train-pos` ([`train`]) on the Universal Dependencies sentences in
//! `../shared/eval/pos/` and committed in `models/pos-*.bin` (compiled in, parsed on first
//! use). Features ([`features`]) are 32-bit hashes of the word (lower-cased, digits folded),
//! its suffixes of one to three characters and first character, its shape and
//! capitalisation, its position in the sentence, its word classes at three granularities
//! (the entity tagger's clusters, [`crate::ner::clusters`], learned from unlabeled news: what
//! lets a word the treebank never had share weights with words it had), for a word in Han
//! characters the part of speech jieba's dictionary gives it, the two words on
//! each side (with the suffix and middle class of the adjacent ones), the *ambiguity classes*
//! of the word and of the two after it (the tags the training data gave each word,
//! [`Lexicon`]: a look ahead at what the next words can be) and the two tags already given to
//! the words before it. Each token costs about twenty look-ups in one small table.
//!
//! Model file (little-endian): the [`crate::perceptron::Header`] (`"NLPOS001"`, feature
//! version, language), `f32` scale, the sparse weights of [`crate::perceptron`], then the
//! [`Lexicon`].

pub mod train;

use crate::ner::features::hash_bytes;
use crate::perceptron::{
    Entry, Header, ModelError, Reader, SparseWeights, bundled, feature_id as feat, pair,
};
use crate::segment::Segmentation;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// The Universal POS tags, in tag-number order.
pub const TAGS: [&str; 17] = [
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
];
/// Number of tags.
pub const N_TAGS: usize = TAGS.len();
/// The tag of a token whose language has no model.
pub const NO_TAG: u8 = u8::MAX;

/// Tag numbers used elsewhere.
pub const ADJ: u8 = 0;
/// Adposition (`of`, `de`, `von`).
pub const ADP: u8 = 1;
/// Adverb.
pub const ADV: u8 = 2;
/// Coordinating conjunction.
pub const CCONJ: u8 = 4;
/// Determiner.
pub const DET: u8 = 5;
/// Common noun.
pub const NOUN: u8 = 7;
/// Numeral.
pub const NUM: u8 = 8;
/// Pronoun.
pub const PRON: u8 = 10;
/// Proper noun.
pub const PROPN: u8 = 11;
/// Verb.
pub const VERB: u8 = 15;

/// The tag number of a UPOS name; a contraction's `ADP+DET` counts as its first part.
pub fn tag_number(name: &str) -> Option<u8> {
    let first = name.split('+').next().unwrap_or(name);
    TAGS.iter().position(|t| *t == first).map(|k| k as u8)
}

/// The name of a tag number (empty for [`NO_TAG`]).
pub fn tag_name(t: u8) -> &'static str {
    TAGS.get(t as usize).copied().unwrap_or("")
}

/// Bumped whenever a feature template changes: a model trained with other features is refused.
pub const FEATURE_VERSION: u32 = 4;
const HEADER: Header = Header {
    magic: b"NLPOS001",
    version: FEATURE_VERSION,
    what: "POS",
    trainer: "train-pos",
};

/// A trained part-of-speech tagger.
#[derive(Clone, Debug)]
pub struct Model {
    /// The language it was trained for (ISO 639-3).
    pub lang: String,
    /// Weight of one quantization step.
    pub scale: f32,
    /// The features' weights.
    pub weights: SparseWeights,
    /// The tags each word of the training data was seen with ([`Lexicon`]).
    pub lexicon: Lexicon,
    /// The sums of the features of few values, built on first use ([`Model::dense`]).
    dense: OnceLock<Box<Dense>>,
}

/// The scores of the per-token features with few values, one row per value, so that tagging
/// adds a row instead of probing the weight table: capitalisation × first word (template 9),
/// the previous tag (10) and the two previous tags (11). Tags are indexed 0..[`N_TAGS`], the
/// sentence start [`N_TAGS`].
#[derive(Clone, Debug)]
struct Dense {
    cap_first: [[i32; N_TAGS]; 10],
    p1: [[i32; N_TAGS]; N_TAGS + 1],
    p1p2: [[[i32; N_TAGS]; N_TAGS + 1]; N_TAGS + 1],
}

/// The feature value of a previous tag at dense index `k` ([`Dense`]).
fn prev_value(k: usize) -> u64 {
    if k == N_TAGS { START } else { k as u64 }
}

impl Model {
    /// The dense rows of the features with few values.
    fn dense(&self) -> &Dense {
        self.dense.get_or_init(|| {
            let mut d = Box::new(Dense {
                cap_first: [[0; N_TAGS]; 10],
                p1: [[0; N_TAGS]; N_TAGS + 1],
                p1p2: [[[0; N_TAGS]; N_TAGS + 1]; N_TAGS + 1],
            });
            for (v, row) in d.cap_first.iter_mut().enumerate() {
                *row = self.scores(&[feat(9, v as u64)]);
            }
            for a in 0..=N_TAGS {
                d.p1[a] = self.scores(&[feat(10, prev_value(a))]);
                for b in 0..=N_TAGS {
                    d.p1p2[a][b] = self.scores(&[feat(11, pair(prev_value(a), prev_value(b)))]);
                }
            }
            d
        })
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        HEADER.write(&self.lang, &mut b);
        b.extend_from_slice(&self.scale.to_le_bytes());
        self.weights.write(&mut b);
        self.lexicon.write(&mut b);
        b
    }

    /// Reads a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader::new(bytes);
        let lang = HEADER.read(&mut r)?;
        let scale = r.f32()?;
        let weights = SparseWeights::read(&mut r, N_TAGS)?;
        let lexicon = Lexicon::read(&mut r)?;
        Ok(Model {
            lang,
            scale,
            weights,
            lexicon,
            dense: OnceLock::new(),
        })
    }

    /// The best tag for a token with features `feats`.
    #[inline]
    fn best(&self, feats: &[u32]) -> u8 {
        best_of(&self.scores(feats))
    }

    /// Summed weights per tag of features `feats`.
    #[inline]
    fn scores(&self, feats: &[u32]) -> [i32; N_TAGS] {
        let mut row = [0i32; N_TAGS];
        for &f in feats {
            for &Entry { tag, weight } in self.weights.weights(f) {
                if let Some(r) = row.get_mut(tag as usize) {
                    *r += weight as i32;
                }
            }
        }
        row
    }

    /// Tags of one sentence of words `words` (their text), left to right.
    pub fn tag_words(&self, words: &[&str]) -> Vec<u8> {
        let info: Vec<Word> = words.iter().map(|w| self.word(w)).collect();
        self.tag_infos(&info)
    }

    /// What the features need of word `w`, its ambiguity class from this model's lexicon.
    fn word(&self, w: &str) -> Word {
        let mut word = Word::of(w, crate::ner::clusters::clusters_for(&self.lang));
        word.amb = self.lexicon.class(word.key());
        word
    }

    fn tag_infos(&self, info: &[Word]) -> Vec<u8> {
        let mut tags = Vec::with_capacity(info.len());
        let mut feats = Vec::with_capacity(24);
        for i in 0..info.len() {
            features(info, i, &tags, &mut feats);
            tags.push(self.best(&feats));
        }
        tags
    }
}

/// The highest-scoring tag (the first on ties).
#[inline]
fn best_of<T: PartialOrd + Copy>(row: &[T]) -> u8 {
    let mut b = 0;
    for t in 1..row.len() {
        if row[t] > row[b] {
            b = t;
        }
    }
    b as u8
}

/// The bundled models: (language, file bytes). Compiled in; each is parsed only when a run
/// first meets its language.
const MODELS: &[(&str, &[u8])] = &[
    ("eng", include_bytes!("../../models/pos-eng.bin")),
    ("deu", include_bytes!("../../models/pos-deu.bin")),
    ("fra", include_bytes!("../../models/pos-fra.bin")),
    ("spa", include_bytes!("../../models/pos-spa.bin")),
    ("por", include_bytes!("../../models/pos-por.bin")),
    ("ita", include_bytes!("../../models/pos-ita.bin")),
    ("nld", include_bytes!("../../models/pos-nld.bin")),
    ("rus", include_bytes!("../../models/pos-rus.bin")),
    ("zho", include_bytes!("../../models/pos-zho.bin")),
];

/// The bundled POS model of a language (ISO 639-3), loaded on first use; `None` for languages
/// without one.
pub fn model_for(lang: &str) -> Option<&'static Model> {
    static LOADED: [OnceLock<Option<Model>>; MODELS.len()] =
        [const { OnceLock::new() }; MODELS.len()];
    bundled(MODELS, &LOADED, lang, Model::from_bytes)
}

/// Languages with a bundled POS model.
pub fn model_languages() -> impl Iterator<Item = &'static str> {
    MODELS.iter().map(|(l, _)| *l)
}

/// The tags of every token of a document: each sentence by the model of `lang_of(sentence's
/// first token)`; [`NO_TAG`] for the tokens of sentences whose language has no model.
///
/// The same scores as [`features`] summed token by token, regrouped: the features that depend
/// only on a word (its own, and what it contributes as a neighbour at −2, −1, +1, +2) are
/// summed once per distinct form and document ([`FormScores`]), leaving six look-ups per token
/// (position, previous tags, word pairs).
pub fn tag_document<'l>(
    text: &str,
    seg: &Segmentation,
    lang_of: impl Fn(usize) -> &'l str,
) -> Vec<u8> {
    let mut tags = vec![NO_TAG; seg.tokens.len()];
    // per model met: each distinct form's index into `words` and `scores`
    let mut by_model: Vec<(*const Model, FxHashMap<&str, u32>, Edges)> = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut scores: Vec<FormScores> = Vec::new();
    let mut ids: Vec<u32> = Vec::new();
    for s in &seg.sentences {
        let range = s.tokens.clone();
        if range.is_empty() {
            continue;
        }
        let Some(model) = model_for(lang_of(range.start)) else {
            continue;
        };
        let m_index = MODELS
            .iter()
            .position(|(l, _)| *l == model.lang)
            .unwrap_or(MODELS.len());
        let m = match by_model
            .iter()
            .position(|(p, _, _)| std::ptr::eq(*p, model))
        {
            Some(m) => m,
            None => {
                by_model.push((model, FxHashMap::default(), Edges::of(model)));
                by_model.len() - 1
            }
        };
        let (_, forms, edges) = &mut by_model[m];
        ids.clear();
        let sentence = &seg.tokens[range.clone()];
        if is_title_case(sentence.iter().map(|t| &text[t.start..t.end])) {
            // a headline capitalises every word: tagged as if written in lower case, or every
            // word of it would be a proper noun
            for t in sentence {
                let (word, form) = cached(
                    m_index,
                    model,
                    &crate::normalize::lower(&text[t.start..t.end]),
                );
                scores.push(form);
                words.push(word);
                ids.push((words.len() - 1) as u32);
            }
        } else {
            for t in sentence {
                let w = &text[t.start..t.end];
                let id = *forms.entry(w).or_insert_with(|| {
                    let (word, form) = cached(m_index, model, w);
                    scores.push(form);
                    words.push(word);
                    (words.len() - 1) as u32
                });
                ids.push(id);
            }
        }
        let out = &mut tags[range];
        let n = ids.len();
        let dense = model.dense();
        let mut feats = [0u32; 3];
        for i in 0..n {
            let w = &words[ids[i] as usize];
            let f = &scores[ids[i] as usize];
            let mut row = f.word;
            let add = |row: &mut [i32; N_TAGS], v: &[i32; N_TAGS]| {
                for (r, x) in row.iter_mut().zip(v) {
                    *r += x;
                }
            };
            add(
                &mut row,
                if i >= 1 {
                    &scores[ids[i - 1] as usize].before
                } else {
                    &edges.before
                },
            );
            add(
                &mut row,
                if i >= 2 {
                    &scores[ids[i - 2] as usize].before2
                } else {
                    &edges.before2
                },
            );
            add(
                &mut row,
                if i + 1 < n {
                    &scores[ids[i + 1] as usize].after
                } else {
                    &edges.after
                },
            );
            add(
                &mut row,
                if i + 2 < n {
                    &scores[ids[i + 2] as usize].after2
                } else {
                    &edges.after2
                },
            );
            let lower_before = if i >= 1 {
                words[ids[i - 1] as usize].lower
            } else {
                BOS
            };
            let lower_after = if i + 1 < n {
                words[ids[i + 1] as usize].lower
            } else {
                EOS
            };
            let (k1, k2) = (
                if i >= 1 { out[i - 1] as usize } else { N_TAGS },
                if i >= 2 { out[i - 2] as usize } else { N_TAGS },
            );
            // capitalisation classes are 0..=4, so the index is below 10
            add(
                &mut row,
                &dense.cap_first[(w.cap as usize) << 1 | (i == 0) as usize],
            );
            add(&mut row, &dense.p1[k1]);
            add(&mut row, &dense.p1p2[k1][k2]);
            feats[0] = feat(12, pair(prev_value(k1), w.lower));
            feats[1] = feat(25, pair(w.lower, lower_after));
            feats[2] = feat(20, pair(lower_before, w.lower));
            add(&mut row, &model.scores(&feats));
            out[i] = best_of(&row);
        }
    }
    tags
}

/// Whether a sentence of `words` is a title-case headline: at least three words with letters,
/// every one of them capitalised (`Parliament Passes New State Security Law`).
pub fn is_title_case<'w>(words: impl Iterator<Item = &'w str>) -> bool {
    let mut n = 0;
    for w in words {
        let mut letters = w.chars().filter(|c| c.is_alphabetic());
        match letters.next() {
            Some(c) if c.is_uppercase() => n += 1,
            Some(_) => return false,
            None => {}
        }
    }
    n >= 3
}

/// Forms kept per thread and language across documents: about 3.5 MB each when full.
const CACHE_FORMS: usize = 8192;

/// One language's cache: form → its word and scores.
type FormCache = FxHashMap<Box<str>, (Word, FormScores)>;

thread_local! {
    /// Per model (index into [`MODELS`]): the first [`CACHE_FORMS`] forms a thread meets (the
    /// frequent words of a corpus come early), with their words and scores. A pure function of
    /// model and form, so tags do not depend on which thread tags a document.
    static CACHE: std::cell::RefCell<Vec<FormCache>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The word and scores of form `w` under model `model` (number `m` of [`MODELS`]).
fn cached(m: usize, model: &Model, w: &str) -> (Word, FormScores) {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() <= m {
            c.resize_with(m + 1, FormCache::default);
        }
        let cache = &mut c[m];
        if let Some(hit) = cache.get(w) {
            return *hit;
        }
        let word = model.word(w);
        let form = FormScores::of(model, &word);
        if cache.len() < CACHE_FORMS {
            cache.insert(Box::from(w), (word, form));
        }
        (word, form)
    })
}

/// A form's share of the scores, summed once: its own word features, and what it adds as the
/// word two before, one before, one after and two after the word being tagged.
#[derive(Clone, Copy, Debug)]
struct FormScores {
    word: [i32; N_TAGS],
    before2: [i32; N_TAGS],
    before: [i32; N_TAGS],
    after: [i32; N_TAGS],
    after2: [i32; N_TAGS],
}

impl FormScores {
    fn of(model: &Model, w: &Word) -> FormScores {
        let mut f = Vec::with_capacity(12);
        word_features(w, &mut f);
        let suf = w.suf[2].max(w.suf[1]);
        FormScores {
            word: model.scores(&f),
            before: model.scores(&[feat(13, w.lower), feat(14, suf), feat(30, w.cls[1] as u64)]),
            before2: model.scores(&[feat(15, w.lower)]),
            after: model.scores(&[
                feat(16, w.lower),
                feat(17, suf),
                feat(19, w.shape),
                feat(31, w.cls[1] as u64),
                feat(35, w.amb as u64),
            ]),
            after2: model.scores(&[feat(18, w.lower), feat(36, w.amb as u64)]),
        }
    }
}

/// What the sentence's edges add where a neighbour is missing.
struct Edges {
    before2: [i32; N_TAGS],
    before: [i32; N_TAGS],
    after: [i32; N_TAGS],
    after2: [i32; N_TAGS],
}

impl Edges {
    fn of(model: &Model) -> Edges {
        Edges {
            before: model.scores(&[feat(13, BOS), feat(14, BOS), feat(30, BOS)]),
            before2: model.scores(&[feat(15, BOS)]),
            after: model.scores(&[
                feat(16, EOS),
                feat(17, EOS),
                feat(19, EOS),
                feat(31, EOS),
                feat(35, EOS),
            ]),
            after2: model.scores(&[feat(18, EOS), feat(36, EOS)]),
        }
    }
}

/// What the features need of one word, computed once per distinct form.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Word {
    lower: u64,
    raw: u64,
    suf: [u64; 4],
    pre: [u64; 3],
    shape: u64,
    len: u8,
    cap: u8,
    number: bool,
    /// Its word classes ([`crate::ner::clusters`]), coarsest first, each plus one (0: none).
    cls: [u16; crate::ner::clusters::LEVELS],
    /// For a word in Han characters, the hash of the part of speech jieba's dictionary gives
    /// it (0: not a Han word, 1: not listed).
    dict: u64,
    /// Its ambiguity class: the tags the training data gave it, one bit each ([`Lexicon`]); 0
    /// for a word it did not have.
    pub(crate) amb: u32,
}

impl Word {
    pub(crate) fn of(w: &str, clusters: Option<&crate::ner::clusters::Clusters>) -> Word {
        let han = w.chars().any(crate::segment::is_han);
        let dict = if han {
            let simple = crate::segment::simplified::simplified(w);
            crate::segment::jieba_word_tag(&simple).map_or(1, |t| hash_bytes(t.as_bytes()))
        } else {
            0
        };
        let cls = clusters
            .and_then(|c| c.get(&crate::ner::clusters::key(w, han)))
            .map_or([0; crate::ner::clusters::LEVELS], |c| c.map(|x| x + 1));
        let lower = crate::normalize::lower(w);
        let folded: String = lower
            .chars()
            .map(|c| if c.is_ascii_digit() { '0' } else { c })
            .collect();
        let chars = folded.chars().count();
        let mut suf = [0u64; 4];
        let starts: Vec<usize> = folded
            .char_indices()
            .rev()
            .take(4)
            .map(|(b, _)| b)
            .collect();
        for (k, &b) in starts.iter().enumerate() {
            // a suffix as long as the word is the word
            if k + 1 < chars {
                suf[k] = hash_bytes(&folded.as_bytes()[b..]);
            }
        }
        let mut pre = [0u64; 3];
        let ends: Vec<usize> = folded
            .char_indices()
            .skip(1)
            .map(|(b, _)| b)
            .chain(std::iter::once(folded.len()))
            .take(3)
            .collect();
        for (k, &b) in ends.iter().enumerate() {
            if k + 1 < chars || k == 0 {
                pre[k] = hash_bytes(&folded.as_bytes()[..b]);
            }
        }
        // the short shape: runs of X, x, d and other characters collapsed
        let mut shape = String::new();
        let mut last = '\0';
        let (mut upper, mut letters) = (0, 0);
        for c in w.chars() {
            let k = if c.is_uppercase() {
                upper += 1;
                letters += 1;
                'X'
            } else if c.is_alphabetic() {
                letters += 1;
                'x'
            } else if c.is_numeric() {
                'd'
            } else {
                crate::normalize::fold_char(c)
            };
            if k != last {
                shape.push(k);
                last = k;
            }
        }
        let first_upper = w.chars().next().is_some_and(char::is_uppercase);
        let cap = match (letters, upper) {
            (0, _) => 0,
            (_, 0) => 1,
            (l, u) if l == u && l > 1 => 3,
            _ if first_upper => 2,
            _ => 4,
        };
        Word {
            lower: hash_bytes(folded.as_bytes()),
            raw: hash_bytes(w.as_bytes()),
            suf,
            pre,
            shape: hash_bytes(shape.as_bytes()),
            len: chars.min(8) as u8,
            cap,
            number: w.chars().any(|c| c.is_numeric()) && !w.chars().any(char::is_alphabetic),
            cls,
            dict,
            amb: 0,
        }
    }

    /// Its lower-cased form's hash (digits folded): what the lexicon is keyed by.
    pub(crate) fn key(&self) -> u64 {
        self.lower
    }
}

/// The tags each word (lower-cased, digits folded) was seen with in the training data, as bit
/// masks: a word's *ambiguity class* (`that`: DET, PRON, SCONJ; `run`: NOUN, VERB). Features of
/// the classes of the word and of the two after it let the left-to-right tagger look ahead at
/// what the next words can be — words of one class share their weights, so this carries to
/// words seen once or twice. A tag counts when it is at least [`Lexicon::MIN_SHARE`] of a word's
/// occurrences. Training builds the classes of each tenth of its sentences from the other nine
/// tenths, so it learns how far to trust a class as the tagger will meet it on new text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lexicon(FxHashMap<u64, u32>);

impl Lexicon {
    /// The least share of a word's occurrences that puts a tag in its class.
    pub const MIN_SHARE: f64 = 0.05;

    /// The classes of words counted as (key, tag) pairs.
    pub(crate) fn build(pairs: impl Iterator<Item = (u64, u8)>) -> Lexicon {
        let mut counts: FxHashMap<u64, [u32; N_TAGS]> = FxHashMap::default();
        for (k, t) in pairs {
            counts.entry(k).or_insert([0; N_TAGS])[t as usize] += 1;
        }
        Lexicon(
            counts
                .into_iter()
                .map(|(k, c)| {
                    let total: u32 = c.iter().sum();
                    let min = (Self::MIN_SHARE * total as f64).max(1.0);
                    let mask = (0..N_TAGS)
                        .filter(|&t| c[t] as f64 >= min)
                        .fold(0u32, |m, t| m | 1 << t);
                    (k, mask)
                })
                .collect(),
        )
    }

    /// The class of the word with key `k` (0: not in the lexicon).
    #[inline]
    pub fn class(&self, k: u64) -> u32 {
        self.0.get(&k).copied().unwrap_or(0)
    }

    /// Words in the lexicon.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it has no words.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends the lexicon, sorted by key: a `u32` count, then (`u64` key, `u32` class) pairs.
    fn write(&self, b: &mut Vec<u8>) {
        let mut all: Vec<(u64, u32)> = self.0.iter().map(|(&k, &m)| (k, m)).collect();
        all.sort_unstable();
        b.extend_from_slice(&(all.len() as u32).to_le_bytes());
        for (k, m) in all {
            b.extend_from_slice(&k.to_le_bytes());
            b.extend_from_slice(&m.to_le_bytes());
        }
    }

    fn read(r: &mut Reader) -> Result<Lexicon, ModelError> {
        let n = r.u32()? as usize;
        let mut map = FxHashMap::default();
        map.reserve(n.min(1 << 20));
        for _ in 0..n {
            let k = u64::from_le_bytes(r.take(8)?.try_into().unwrap_or_default());
            map.insert(k, r.u32()?);
        }
        Ok(Lexicon(map))
    }
}

const BOS: u64 = 0x5b5f_4253_5f5d;
const EOS: u64 = 0x5b5f_4553_5f5d;
/// The "tag" before the first word.
const START: u64 = 0xff;

/// The features of word `i` of a sentence, given the tags of the words before it, into `out`.
pub(crate) fn features(words: &[Word], i: usize, prev: &[u8], out: &mut Vec<u32>) {
    out.clear();
    let w = &words[i];
    word_features(w, out);
    let at = |d: isize| {
        let j = i as isize + d;
        (j >= 0 && (j as usize) < words.len()).then(|| &words[j as usize])
    };
    let lower = |d: isize| at(d).map_or(if d < 0 { BOS } else { EOS }, |w| w.lower);
    let p1 = if i >= 1 { prev[i - 1] as u64 } else { START };
    let p2 = if i >= 2 { prev[i - 2] as u64 } else { START };
    out.push(feat(9, (w.cap as u64) << 1 | (i == 0) as u64));
    out.push(feat(10, p1));
    out.push(feat(11, pair(p1, p2)));
    out.push(feat(12, pair(p1, w.lower)));
    out.push(feat(13, lower(-1)));
    out.push(feat(14, at(-1).map_or(BOS, |w| w.suf[2].max(w.suf[1]))));
    out.push(feat(15, lower(-2)));
    out.push(feat(16, lower(1)));
    out.push(feat(17, at(1).map_or(EOS, |w| w.suf[2].max(w.suf[1]))));
    out.push(feat(18, lower(2)));
    out.push(feat(19, at(1).map_or(EOS, |w| w.shape)));
    out.push(feat(30, at(-1).map_or(BOS, |w| w.cls[1] as u64)));
    out.push(feat(31, at(1).map_or(EOS, |w| w.cls[1] as u64)));
    out.push(feat(25, pair(w.lower, lower(1))));
    out.push(feat(20, pair(lower(-1), w.lower)));
    out.push(feat(35, at(1).map_or(EOS, |w| w.amb as u64)));
    out.push(feat(36, at(2).map_or(EOS, |w| w.amb as u64)));
}

/// The features of a word that do not depend on its neighbours or place, appended to `out`.
fn word_features(w: &Word, out: &mut Vec<u32>) {
    out.push(feat(1, 0));
    if w.number {
        out.push(feat(2, 0));
    } else {
        out.push(feat(3, w.lower));
    }
    for (k, &s) in w.suf.iter().enumerate() {
        if s != 0 {
            out.push(feat(4 + k as u32, s));
        }
    }
    for (k, &p) in w.pre.iter().enumerate() {
        if p != 0 {
            out.push(feat(21 + k as u32, p));
        }
    }
    out.push(feat(8, w.shape));
    out.push(feat(24, w.raw));
    out.push(feat(26, w.len as u64));
    for (k, &c) in w.cls.iter().enumerate() {
        out.push(feat(27 + k as u32, c as u64));
    }
    if w.dict != 0 {
        out.push(feat(33, w.dict));
    }
    out.push(feat(34, w.amb as u64));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names() {
        assert_eq!(tag_number("PROPN"), Some(PROPN));
        assert_eq!(tag_number("ADP+DET"), Some(ADP));
        assert_eq!(tag_number("NOPE"), None);
        assert_eq!(tag_name(NOUN), "NOUN");
        assert_eq!(tag_name(NO_TAG), "");
        assert_eq!(tag_name(ADJ), "ADJ");
        assert_eq!(tag_name(CCONJ), "CCONJ");
        assert_eq!(tag_name(DET), "DET");
        assert_eq!(tag_name(NUM), "NUM");
        assert_eq!(tag_name(VERB), "VERB");
    }

    #[test]
    fn every_bundled_model_loads() {
        for lang in model_languages() {
            let m = model_for(lang).unwrap_or_else(|| panic!("{lang}"));
            assert_eq!(m.lang, lang);
            assert!(m.weights.len() > 1000, "{lang}");
        }
        assert!(model_for("ara").is_none());
    }

    #[test]
    fn english_sentence() {
        let m = model_for("eng").unwrap();
        let words = [
            "The", "Ministry", "of", "State", "Security", "said", "on", "Monday", "that", "it",
            "had", "arrested", "two", "foreign", "spies", ".",
        ];
        let tags: Vec<&str> = m.tag_words(&words).into_iter().map(tag_name).collect();
        // what noun phrases need: names, nouns, verbs and adpositions (the held-back accuracy is
        // asserted in tests/eval.rs)
        let expected = [
            "DET",
            "NOUN|PROPN",
            "ADP",
            "PROPN",
            "PROPN",
            "VERB",
            "ADP",
            "PROPN",
            "SCONJ|PRON",
            "PRON",
            "AUX",
            "VERB",
            "NUM",
            "ADJ|NOUN",
            "NOUN",
            "PUNCT",
        ];
        for (k, (t, e)) in tags.iter().zip(expected).enumerate() {
            assert!(e.split('|').any(|e| e == *t), "{}: {tags:?}", words[k]);
        }
    }

    #[test]
    fn the_fast_path_gives_the_reference_tags() {
        // tag_document regroups the sums of `features`; every tag must be the same
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/small/news/security_law.txt"
        ))
        .unwrap();
        let chinese =
            "国家安全部星期一表示，两名外国间谍已在北京被捕。陈一新部长说，调查仍在进行。";
        for (lang, text) in [
            ("eng", text.as_str()),
            ("fra", &text),
            ("deu", &text),
            ("zho", chinese),
        ] {
            let seg = crate::segment::segment(text, lang);
            let fast = tag_document(text, &seg, |_| lang);
            let m = model_for(lang).unwrap();
            let mut reference = Vec::new();
            for s in &seg.sentences {
                let words: Vec<&str> = seg.tokens[s.tokens.clone()]
                    .iter()
                    .map(|t| &text[t.start..t.end])
                    .collect();
                if is_title_case(words.iter().copied()) {
                    let lower: Vec<String> =
                        words.iter().map(|w| crate::normalize::lower(w)).collect();
                    let lower: Vec<&str> = lower.iter().map(|w| w.as_str()).collect();
                    reference.extend(m.tag_words(&lower));
                } else {
                    reference.extend(m.tag_words(&words));
                }
            }
            assert_eq!(fast, reference, "{lang}");
        }
    }

    #[test]
    fn headlines_in_title_case() {
        assert!(is_title_case(
            ["Parliament", "Passes", "New", "Law", "."].into_iter()
        ));
        assert!(!is_title_case(
            ["Parliament", "passes", "a", "law"].into_iter()
        ));
        assert!(!is_title_case(["By", "Anna", "."].into_iter()));
        let text = "Parliament Passes New State Security Law After Long Debate";
        let seg = crate::segment::segment(text, "eng");
        let tags = tag_document(text, &seg, |_| "eng");
        // `Passes` is the verb, not part of a name
        assert_eq!(tag_name(tags[1]), "VERB", "{tags:?}");
    }

    #[test]
    fn model_file_round_trip() {
        let m = model_for("eng").unwrap();
        let b = m.to_bytes();
        let back = Model::from_bytes(&b).unwrap();
        assert_eq!(back.to_bytes(), b);
        assert!(Model::from_bytes(&b[..20]).is_err());
        assert!(Model::from_bytes(b"NLNER001xxxx").is_err());
    }

    #[test]
    fn documents_without_a_model_get_no_tags() {
        let text = "Die Polizei sagte am Montag. مرحبا بكم.";
        let seg = crate::segment::segment(text, "deu");
        let tags = tag_document(text, &seg, |i| {
            if seg.tokens[i].start < 29 {
                "deu"
            } else {
                "ara"
            }
        });
        assert_eq!(tags.len(), seg.tokens.len());
        assert!(tags[0] != NO_TAG);
        assert_eq!(*tags.last().unwrap(), NO_TAG);
    }
}
