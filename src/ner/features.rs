//! Features: what the tagger knows about each token, as 32-bit hashes.
//!
//! Training (`train-ner`) and tagging compute features with this one function on the same
//! [`NerToken`]s, so the model sees real text exactly as it saw its training data. Each feature
//! is a template number mixed with a 64-bit hash of its value (FNV-1a, then a 64-bit finaliser):
//! stable across machines and builds, so a model file keeps its meaning. The templates:
//!
//! - the word (digits folded to `0`), its lower-cased form, and the lower-cased words at
//!   offsets −2…+2 within the sentence, with the two word bigrams around it;
//! - its shape (`Xxxx`, `X.X.`, `dddd-dd-dd`, runs capped at 4) and compressed shape (`Xx`),
//!   the shapes of its neighbours and the compressed-shape trigram;
//! - prefixes and suffixes of 1–4 characters;
//! - capitalisation in context: the capitalisation class combined with sentence position, with
//!   whether the sentence is an all-capitals headline, and with how the same word is written
//!   elsewhere in the document (capitalised mid-sentence, lower case) — which tells `Still` at
//!   the start of a sentence from `Chen`;
//! - gazetteer membership (label and B/I/L/U position of the longest list match) of the word and
//!   its neighbours, and first-name membership;
//! - context aggregation (Ratinov & Roth 2009): for a capitalised word, the words next to its
//!   other occurrences in the document (up to 8 distinct on each side), so a lone `Warhol`
//!   learns from `Andy Warhol` and `Mr. Warhol` elsewhere;
//! - word clusters ([`super::clusters`]): the word's class at each of three granularities (a
//!   Chinese character: its word's, with its place in it), or that it has none (a rare word)
//!   with its capitalisation, and the middle-granularity classes of the words either side —
//!   what lets `Neururer`, never seen in training, be read like the surnames it shares a class
//!   with;
//! - for a Chinese character ([`NerToken::han`]): the word the segmenter put it in, with its
//!   place in that word, the word's length, and the part of speech jieba's dictionary gives
//!   the word (`nr` person, `ns` place, `nt` organisation, …; or that it does not list it);
//!   Han characters are read in their simplified form, so traditional text uses the same
//!   weights;
//! - the bias. Previous tags enter through the transition weights of the Viterbi decoder.

use super::clusters::{Classes, LEVELS, fold_digits};
use super::tokens::{HAN_BEGIN, HAN_INSIDE, NerToken};
use crate::perceptron::pair;
use crate::segment::TokenKind;
use crate::segment::simplified::simplified;
use rustc_hash::FxHashMap;

/// Bumped whenever a template changes: a model trained with other features is refused.
pub const FEATURE_VERSION: u32 = 4;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// A stable 64-bit finaliser (splitmix64).
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Stable hash of a byte string.
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    mix(h)
}

/// The feature id of template `t` with value hash `h` (never 0); its own mixing constant, not
/// [`crate::perceptron::feature_id`]'s, which the NER models were trained with.
#[inline]
fn feat(t: u32, h: u64) -> u32 {
    let f = (mix(h ^ (((t as u64) << 56) | ((t as u64) * 0x1234_5678_9abc))) >> 32) as u32;
    if f == 0 { 1 } else { f }
}

/// Capitalisation classes.
const CAP_NONE: u8 = 0; // no letters
const CAP_LOWER: u8 = 1;
const CAP_INIT: u8 = 2; // Xxxx
const CAP_ALL: u8 = 3; // XXX (2+ letters)
const CAP_MIXED: u8 = 4; // eBay, McDonald
const CAP_SINGLE: u8 = 5; // X, X.

/// What is computed once per distinct surface form in a document.
#[derive(Clone, Copy)]
struct Form {
    raw: u64,
    lower: u64,
    shape: u64,
    short: u64,
    pre: [u64; 4],
    suf: [u64; 4],
    affixes: u8,
    cap: u8,
    lower_id: u32,
}

fn cap_class(s: &str) -> u8 {
    let mut letters = 0;
    let mut upper = 0;
    let mut first_upper = false;
    for (i, c) in s.chars().enumerate() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
                if i == 0 {
                    first_upper = true;
                }
            }
        }
    }
    match (letters, upper) {
        (0, _) => CAP_NONE,
        (_, 0) => CAP_LOWER,
        (1, 1) => CAP_SINGLE,
        (l, u) if l == u => CAP_ALL,
        (_, 1) if first_upper => CAP_INIT,
        _ if first_upper && s.chars().skip(1).filter(|c| c.is_uppercase()).count() == 0 => CAP_INIT,
        _ => CAP_MIXED,
    }
}

fn shape_char(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_alphabetic() {
        'x'
    } else if c.is_numeric() {
        'd'
    } else {
        crate::normalize::fold_char(c)
    }
}

fn shapes(s: &str, full: &mut String, short: &mut String) {
    full.clear();
    short.clear();
    let mut last = '\0';
    let mut run = 0;
    for c in s.chars().map(shape_char) {
        if c == last {
            run += 1;
        } else {
            run = 1;
            last = c;
            short.push(c);
        }
        if run <= 4 {
            full.push(c);
        }
    }
}

/// Per-token context the feature function needs besides the text.
pub struct Context<'a> {
    /// Gazetteer code per token: 0 none, else 1 + label × 4 + position (B, I, L, U).
    pub gazetteer: &'a [u8],
    /// Whether the token is a listed first name.
    pub first_name: &'a [bool],
    /// The word classes of each token ([`super::clusters`]), where its language has clusters
    /// and the word a class.
    pub clusters: &'a [Option<Classes>],
}

/// The features of every token of a document, flattened: token `i` has
/// `ids[offsets[i]..offsets[i + 1]]`.
#[derive(Clone, Debug, Default)]
pub struct Features {
    /// Feature ids.
    pub ids: Vec<u32>,
    /// Start of each token's features, plus the end.
    pub offsets: Vec<u32>,
    /// Whether the lists hold every feature, or leave out those of [`form_ids`].
    pub full: bool,
    /// Each token's form: the index of the first token with the same text in `form_first`.
    pub form_of: Vec<u32>,
    /// The first token of each form.
    pub form_first: Vec<u32>,
    /// Without `full`: the features of few values ([`small_index`]) of token `i`, as rows of
    /// the model's dense table: `small[small_offsets[i]..small_offsets[i + 1]]`.
    pub small: Vec<u32>,
    /// Start of each token's small features, plus the end.
    pub small_offsets: Vec<u32>,
}

impl Features {
    /// The features of token `i`.
    #[inline]
    pub fn of(&self, i: usize) -> &[u32] {
        &self.ids[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The small-domain feature rows of token `i` (empty with `full`).
    #[inline]
    pub fn small_of(&self, i: usize) -> &[u32] {
        match self.small_offsets.get(i + 1) {
            Some(&end) => &self.small[self.small_offsets[i] as usize..end as usize],
            None => &[],
        }
    }
}

// template numbers
const T_BIAS: u32 = 1;
const T_RAW: u32 = 2;
const T_LOWER: u32 = 3; // + offset: 3..=7 for -2..+2
const T_BI_LEFT: u32 = 8;
const T_BI_RIGHT: u32 = 9;
const T_SHAPE: u32 = 10; // 10, 11, 12 for -1, 0, +1
const T_SHORT3: u32 = 13;
const T_PRE: u32 = 14; // 14..=17
const T_SUF: u32 = 18; // 18..=21
const T_CAP_POS: u32 = 22;
const T_HEADLINE: u32 = 23;
const T_DOC_CASE: u32 = 24;
const T_GAZ: u32 = 25; // 25, 26, 27 for -1, 0, +1
const T_FIRST_NAME: u32 = 28;
const T_LEFT_SHAPE: u32 = 29;
const T_SHAPE_RIGHT: u32 = 30;
const T_RAW_LEFT: u32 = 31;
const T_DOC_CASE_WORD: u32 = 32;
const T_GAZ_WORD: u32 = 33;
const T_AGG_LEFT: u32 = 34;
const T_AGG_RIGHT: u32 = 35;
const T_HAN_WORD: u32 = 36;
const T_HAN_PLACE: u32 = 37;
const T_CLUSTER: u32 = 38; // 38, 39, 40 for the three granularities
const T_NO_CLUSTER: u32 = 41;
const T_CLUSTER_LEFT: u32 = 42;
const T_CLUSTER_RIGHT: u32 = 43;
const T_HAN_TAG: u32 = 44;
/// Distinct neighbouring words aggregated per word and side.
const AGG_MAX: usize = 8;

/// Where a form's features apply: to its own token, or to the token at distance 2 or 1 after
/// it (`Left2`, `Left1`: the form is that token's left neighbour) or before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The form's own token.
    Own,
    /// The form is two tokens to the left.
    Left2,
    /// The form is the left neighbour.
    Left1,
    /// The form is the right neighbour.
    Right1,
    /// The form is two tokens to the right.
    Right2,
}

/// Every slot, in the order [`super::scores::FormScores`] keeps them (`slot as usize`).
pub const SLOTS: [Slot; 5] = [
    Slot::Own,
    Slot::Left2,
    Slot::Left1,
    Slot::Right1,
    Slot::Right2,
];

const BOS: u64 = 0x5b5f_4253_5f5d;
const EOS: u64 = 0x5b5f_4553_5f5d;

/// The features that depend only on the form of token `t` (text `s`), as its own token's or
/// as a neighbour's, handed to `each` slot by slot (the form read once): the word, its lower case and shape, prefixes and suffixes, the
/// bias; and the lower case (and shape) seen by the tokens around it. Exactly those that
/// [`features`] leaves out without `full`.
pub fn form_ids(s: &str, t: &NerToken, mut each: impl FnMut(Slot, &[u32])) {
    let (f, _) = form(s, t, &mut Scratch::default());
    let mut ids = Vec::with_capacity(16);
    for slot in SLOTS {
        ids.clear();
        form_slot_ids(&f, slot, &mut ids);
        each(slot, &ids);
    }
}

/// [`form_ids`] for the sentence edge: what a token whose neighbours in a slot lie outside its
/// sentence gets for them (nothing for [`Slot::Own`]).
pub fn edge_ids(mut each: impl FnMut(Slot, &[u32])) {
    let mut ids = Vec::with_capacity(2);
    for slot in SLOTS {
        ids.clear();
        edge_slot_ids(slot, &mut ids);
        each(slot, &ids);
    }
}

fn edge_slot_ids(slot: Slot, out: &mut Vec<u32>) {
    match slot {
        Slot::Own => {}
        Slot::Left2 => out.push(feat(T_LOWER, BOS)),
        Slot::Left1 => {
            out.push(feat(T_LOWER + 1, BOS));
            out.push(feat(T_SHAPE, BOS));
        }
        Slot::Right1 => {
            out.push(feat(T_LOWER + 3, EOS));
            out.push(feat(T_SHAPE + 2, EOS));
        }
        Slot::Right2 => out.push(feat(T_LOWER + 4, EOS)),
    }
}

fn form_slot_ids(f: &Form, slot: Slot, out: &mut Vec<u32>) {
    match slot {
        Slot::Own => {
            out.push(feat(T_BIAS, 0));
            out.push(feat(T_RAW, f.raw));
            out.push(feat(T_LOWER + 2, f.lower));
            out.push(feat(T_SHAPE + 1, f.shape));
            for k in 0..f.affixes as usize {
                out.push(feat(T_PRE + k as u32, f.pre[k]));
                out.push(feat(T_SUF + k as u32, f.suf[k]));
            }
        }
        Slot::Left2 => out.push(feat(T_LOWER, f.lower)),
        Slot::Left1 => {
            out.push(feat(T_LOWER + 1, f.lower));
            out.push(feat(T_SHAPE, f.shape));
        }
        Slot::Right1 => {
            out.push(feat(T_LOWER + 3, f.lower));
            out.push(feat(T_SHAPE + 2, f.shape));
        }
        Slot::Right2 => out.push(feat(T_LOWER + 4, f.lower)),
    }
}

/// Rows of the dense table of features with few values ([`small_index`]).
pub const SMALL_ROWS: usize = 447 + LEVELS * 512 * 5;

/// Where a feature of a template with few values (capitalisation and position, the document
/// case pattern, gazetteer codes, first names, Chinese character places, word classes) has its
/// row in a model's dense table, so tagging adds a row instead of probing the weight table;
/// `None` for other templates and for values outside the table (classes beyond 512).
pub fn small_index(t: u32, v: u64) -> Option<u32> {
    let cap = v >> 8;
    let k = match t {
        T_CAP_POS if cap <= 5 && v & 0xff <= 1 => cap * 2 + (v & 1),
        T_DOC_CASE if cap <= 5 && v & 0xff & !0b1_0111 == 0 => {
            let b = ((v >> 4) & 1) << 3 | (v & 0b111);
            12 + cap * 16 + b
        }
        T_GAZ..=27 if (1..=16).contains(&v) || v == 255 => {
            let g = if v == 255 { 16 } else { v - 1 };
            108 + (t - T_GAZ) as u64 * 17 + g
        }
        T_FIRST_NAME if v <= 5 => 159 + v,
        T_NO_CLUSTER if v <= 5 => 165 + v,
        T_HAN_PLACE if (1..=4).contains(&cap) && (1..=4).contains(&(v & 0xff)) => {
            171 + (cap - 1) * 4 + (v & 0xff) - 1
        }
        T_CLUSTER_LEFT | T_CLUSTER_RIGHT => {
            let c = match v {
                u64::MAX => 129,
                x if x == u64::MAX - 1 => 128,
                x if x < 128 => x,
                _ => return None,
            };
            187 + (t - T_CLUSTER_LEFT) as u64 * 130 + c
        }
        T_CLUSTER..=40 if cap < 512 && v & 0xff <= 4 => {
            447 + (t - T_CLUSTER) as u64 * 512 * 5 + cap * 5 + (v & 0xff)
        }
        _ => return None,
    };
    Some(k as u32)
}

/// Every `(feature id, row)` of the dense table, for building a model's table.
pub fn small_domain() -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(SMALL_ROWS);
    let mut put = |t: u32, v: u64| {
        if let Some(k) = small_index(t, v) {
            out.push((feat(t, v), k));
        }
    };
    for cap in 0..=5u64 {
        for pos in 0..=1 {
            put(T_CAP_POS, cap << 8 | pos);
        }
        for b in 0..16u64 {
            put(T_DOC_CASE, cap << 8 | (b >> 3) << 4 | (b & 0b111));
        }
        put(T_FIRST_NAME, cap);
        put(T_NO_CLUSTER, cap);
    }
    for t in T_GAZ..=27 {
        for g in (1..=16).chain([255]) {
            put(t, g);
        }
    }
    for han in 1..=4u64 {
        for len in 1..=4 {
            put(T_HAN_PLACE, han << 8 | len);
        }
    }
    for t in [T_CLUSTER_LEFT, T_CLUSTER_RIGHT] {
        for c in (0..128).chain([u64::MAX - 1, u64::MAX]) {
            put(t, c);
        }
    }
    for l in 0..LEVELS as u32 {
        for c in 0..512u64 {
            for han in 0..=4 {
                put(T_CLUSTER + l, c << 8 | han);
            }
        }
    }
    out
}

/// Reused buffers for [`form`].
#[derive(Default)]
struct Scratch {
    full: String,
    short: String,
}

/// What the features read of one surface form (its `lower_id` left 0), and its lower case.
/// Depends only on the form, its token kind and whether it is a Han character.
fn form(s: &str, t: &NerToken, scratch: &mut Scratch) -> (Form, String) {
    let mut lower = crate::normalize::lower(s);
    if t.han != 0 {
        lower = simplified(&lower);
    }
    shapes(s, &mut scratch.full, &mut scratch.short);
    let mut pre = [0u64; 4];
    let mut suf = [0u64; 4];
    let affixes = if t.kind == TokenKind::Word {
        lower.chars().count().min(4) as u8
    } else {
        0
    };
    if affixes > 0 {
        // byte offsets of the first and last four characters
        let ends: Vec<usize> = lower
            .char_indices()
            .skip(1)
            .map(|(b, _)| b)
            .chain(std::iter::once(lower.len()))
            .take(4)
            .collect();
        let starts: Vec<usize> = lower.char_indices().rev().take(4).map(|(b, _)| b).collect();
        for k in 0..affixes as usize {
            pre[k] = hash_bytes(&lower.as_bytes()[..ends[k]]);
            suf[k] = hash_bytes(&lower.as_bytes()[starts[k]..]);
        }
    }
    let normal = crate::normalize::normalize(s);
    let raw = if t.han != 0 {
        hash_bytes(simplified(&normal).as_bytes())
    } else {
        hash_bytes(fold_digits(&normal).as_bytes())
    };
    let f = Form {
        raw,
        lower: hash_bytes(fold_digits(&lower).as_bytes()),
        shape: hash_bytes(scratch.full.as_bytes()),
        short: hash_bytes(scratch.short.as_bytes()),
        pre,
        suf,
        affixes,
        cap: cap_class(s),
        lower_id: 0,
    };
    (f, lower)
}

/// Computes the features of every token of one document.
///
/// With `full`, each token's list holds all its features (training). Without, it leaves out
/// those that depend only on its form or on a neighbour's form ([`form_ids`]): the tagger adds
/// their weights from sums kept per form ([`super::scores::FormScores`]), which gives the same
/// scores.
pub fn features(text: &str, toks: &[NerToken], ctx: &Context, full: bool) -> Features {
    let n = toks.len();
    let mut forms: Vec<Form> = Vec::new();
    let mut form_of: Vec<u32> = Vec::with_capacity(n);
    let mut form_first: Vec<u32> = Vec::new();
    {
        let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
        let mut lowers: FxHashMap<String, u32> = FxHashMap::default();
        let mut scratch = Scratch::default();
        for (k, t) in toks.iter().enumerate() {
            let s = &text[t.start..t.end];
            let id = *seen.entry(s).or_insert_with(|| {
                let (mut f, lower) = form(s, t, &mut scratch);
                let next = lowers.len() as u32;
                f.lower_id = *lowers.entry(lower).or_insert(next);
                forms.push(f);
                form_first.push(k as u32);
                (forms.len() - 1) as u32
            });
            form_of.push(id);
        }
    }
    let form_at = |i: usize| &forms[form_of[i] as usize];

    // sentences, their first word and whether they are all-capitals headlines
    let ranges = super::tokens::sentence_ranges(toks);
    let mut first = vec![false; n];
    let mut headline = vec![false; n];
    for r in &ranges {
        if let Some(f) = r
            .clone()
            .find(|&i| matches!(toks[i].kind, TokenKind::Word | TokenKind::Number))
        {
            first[f] = true;
        }
        let (mut caps, mut words) = (0, 0);
        for i in r.clone() {
            let c = form_at(i).cap;
            if matches!(c, CAP_LOWER | CAP_INIT | CAP_ALL | CAP_MIXED) {
                words += 1;
                caps += (c == CAP_ALL) as usize;
            }
        }
        if words >= 2 && caps * 10 >= words * 8 {
            for i in r.clone() {
                headline[i] = true;
            }
        }
    }
    // how each word is written elsewhere in the document
    let n_lower = forms.iter().map(|f| f.lower_id + 1).max().unwrap_or(0) as usize;
    let mut mid_cap = vec![false; n_lower];
    let mut low = vec![false; n_lower];
    for i in 0..n {
        let f = form_at(i);
        if f.cap == CAP_LOWER {
            low[f.lower_id as usize] = true;
        } else if f.cap == CAP_INIT && !first[i] && !headline[i] {
            mid_cap[f.lower_id as usize] = true;
        }
    }

    let mut sentence_of = vec![0usize; n];
    for (k, r) in ranges.iter().enumerate() {
        for i in r.clone() {
            sentence_of[i] = k;
        }
    }
    let at = |i: usize, d: isize| -> Option<usize> {
        let j = i as isize + d;
        if j < 0 || j as usize >= n {
            return None;
        }
        let j = j as usize;
        (sentence_of[j] == sentence_of[i]).then_some(j)
    };
    let lower_at =
        |i: usize, d: isize| at(i, d).map_or(if d < 0 { BOS } else { EOS }, |j| form_at(j).lower);
    let shape_at =
        |i: usize, d: isize| at(i, d).map_or(if d < 0 { BOS } else { EOS }, |j| form_at(j).shape);
    let short_at =
        |i: usize, d: isize| at(i, d).map_or(if d < 0 { BOS } else { EOS }, |j| form_at(j).short);
    // a neighbour's middle-granularity class (the sentence edge and words without a class apart)
    let cluster_at = |i: usize, d: isize| match at(i, d) {
        None => u64::MAX,
        Some(j) => ctx
            .clusters
            .get(j)
            .copied()
            .flatten()
            .map_or(u64::MAX - 1, |c| c[LEVELS / 2] as u64),
    };
    let gaz_at = |i: usize, d: isize| at(i, d).map_or(255u64, |j| ctx.gazetteer[j] as u64);

    // context aggregation (Ratinov & Roth 2009): the words next to every occurrence of a
    // capitalised word in the document, so `Warhol` alone learns from `Andy Warhol` elsewhere
    let mut agg: FxHashMap<u32, ([u64; AGG_MAX], usize, [u64; AGG_MAX], usize)> =
        FxHashMap::default();
    for i in 0..n {
        let f = form_at(i);
        if !matches!(f.cap, CAP_INIT | CAP_ALL | CAP_MIXED) {
            continue;
        }
        let e = agg
            .entry(f.lower_id)
            .or_insert(([0; AGG_MAX], 0, [0; AGG_MAX], 0));
        let l = lower_at(i, -1);
        if e.1 < AGG_MAX && !e.0[..e.1].contains(&l) {
            e.0[e.1] = l;
            e.1 += 1;
        }
        let r = lower_at(i, 1);
        if e.3 < AGG_MAX && !e.2[..e.3].contains(&r) {
            e.2[e.3] = r;
            e.3 += 1;
        }
    }

    // the segmenter's word of each Han character, and its length
    let mut han_word = vec![(0u64, 0u8); n];
    // and the part of speech jieba's dictionary gives that word (0: not listed)
    let mut han_tag = vec![0u64; n];
    let mut word_tags: FxHashMap<u64, u64> = FxHashMap::default();
    let mut i = 0;
    while i < n {
        if toks[i].han == 0 {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < n && matches!(toks[j].han, HAN_BEGIN | HAN_INSIDE) {
            j += 1;
        }
        let word = simplified(&text[toks[i].start..toks[j].end]);
        let h = hash_bytes(word.as_bytes());
        let len = (j + 1 - i).min(4) as u8;
        for w in &mut han_word[i..=j] {
            *w = (h, len);
        }
        let tag = *word_tags.entry(h).or_insert_with(|| {
            crate::segment::jieba_word_tag(&word).map_or(0, |t| hash_bytes(t.as_bytes()))
        });
        han_tag[i..=j].iter_mut().for_each(|t| *t = tag);
        i = j + 1;
    }

    let mut out = Features {
        ids: Vec::with_capacity(n * if full { 34 } else { 20 }),
        offsets: Vec::with_capacity(n + 1),
        full,
        form_of: Vec::new(),
        form_first: Vec::new(),
        small: Vec::new(),
        small_offsets: Vec::new(),
    };
    // a feature with few values goes to the dense-table list when tagging
    let put = |ids: &mut Vec<u32>, small: &mut Vec<u32>, t: u32, v: u64| match small_index(t, v) {
        Some(k) if !full => small.push(k),
        _ => ids.push(feat(t, v)),
    };
    for i in 0..n {
        out.offsets.push(out.ids.len() as u32);
        if !full {
            out.small_offsets.push(out.small.len() as u32);
        }
        let f = form_at(i);
        let ids = &mut out.ids;
        let small = &mut out.small;
        // the features of the form and of its neighbours' forms ([`form_ids`]), here only
        // when asked for: the tagger sums their weights once per form instead
        if full {
            ids.push(feat(T_BIAS, 0));
            ids.push(feat(T_RAW, f.raw));
            for d in -2..=2isize {
                ids.push(feat((T_LOWER as isize + 2 + d) as u32, lower_at(i, d)));
            }
        }
        ids.push(feat(T_BI_LEFT, pair(lower_at(i, -1), f.lower)));
        ids.push(feat(T_BI_RIGHT, pair(f.lower, lower_at(i, 1))));
        if full {
            for d in -1..=1isize {
                ids.push(feat((T_SHAPE as isize + 1 + d) as u32, shape_at(i, d)));
            }
        }
        ids.push(feat(
            T_SHORT3,
            pair(pair(short_at(i, -1), f.short), short_at(i, 1)),
        ));
        if full {
            for k in 0..f.affixes as usize {
                ids.push(feat(T_PRE + k as u32, f.pre[k]));
                ids.push(feat(T_SUF + k as u32, f.suf[k]));
            }
        }
        let pos = if first[i] { 1u64 } else { 0 };
        put(ids, small, T_CAP_POS, (f.cap as u64) << 8 | pos);
        if headline[i] {
            ids.push(feat(T_HEADLINE, f.lower));
        }
        let lid = f.lower_id as usize;
        let doc_case = (f.cap as u64) << 8
            | (pos << 4)
            | ((mid_cap[lid] as u64) << 1)
            | (low[lid] as u64)
            | ((headline[i] as u64) << 2);
        put(ids, small, T_DOC_CASE, doc_case);
        if f.cap != CAP_NONE && f.cap != CAP_LOWER {
            ids.push(feat(T_DOC_CASE_WORD, pair(f.lower, doc_case)));
        }
        for d in -1..=1isize {
            let g = gaz_at(i, d);
            if g != 0 {
                put(ids, small, (T_GAZ as isize + 1 + d) as u32, g);
            }
        }
        if ctx.gazetteer[i] != 0 {
            ids.push(feat(T_GAZ_WORD, pair(ctx.gazetteer[i] as u64, f.short)));
        }
        if ctx.first_name[i] {
            put(ids, small, T_FIRST_NAME, f.cap as u64);
        }
        ids.push(feat(T_LEFT_SHAPE, pair(lower_at(i, -1), f.short)));
        ids.push(feat(T_SHAPE_RIGHT, pair(f.short, lower_at(i, 1))));
        let raw_left = at(i, -1).map_or(BOS, |j| form_at(j).raw);
        ids.push(feat(T_RAW_LEFT, pair(raw_left, f.cap as u64)));
        let han = toks[i].han;
        if han != 0 {
            let (word, len) = han_word[i];
            ids.push(feat(T_HAN_WORD, pair(word, han as u64)));
            ids.push(feat(T_HAN_TAG, pair(han_tag[i], han as u64)));
            put(ids, small, T_HAN_PLACE, (han as u64) << 8 | len as u64);
        }
        match ctx.clusters.get(i).copied().flatten() {
            Some(c) => {
                for (l, &x) in c.iter().enumerate() {
                    put(
                        ids,
                        small,
                        T_CLUSTER + l as u32,
                        (x as u64) << 8 | han as u64,
                    );
                }
            }
            None if f.affixes > 0 && !ctx.clusters.is_empty() => {
                put(ids, small, T_NO_CLUSTER, f.cap as u64)
            }
            None => {}
        }
        if !ctx.clusters.is_empty() {
            put(ids, small, T_CLUSTER_LEFT, cluster_at(i, -1));
            put(ids, small, T_CLUSTER_RIGHT, cluster_at(i, 1));
        }
        if let Some(a) = agg.get(&f.lower_id) {
            for &l in &a.0[..a.1] {
                ids.push(feat(T_AGG_LEFT, l));
            }
            for &r in &a.2[..a.3] {
                ids.push(feat(T_AGG_RIGHT, r));
            }
        }
    }
    out.offsets.push(out.ids.len() as u32);
    if !full {
        out.small_offsets.push(out.small.len() as u32);
    }
    out.form_of = form_of;
    out.form_first = form_first;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalisation_classes() {
        for (s, c) in [
            ("chen", CAP_LOWER),
            ("Chen", CAP_INIT),
            ("MSS", CAP_ALL),
            ("U.S.", CAP_ALL),
            ("eBay", CAP_MIXED),
            ("McDonald", CAP_MIXED),
            ("J.", CAP_SINGLE),
            ("2023", CAP_NONE),
            ("(", CAP_NONE),
            ("Astellas-Pharma", CAP_MIXED),
        ] {
            assert_eq!(cap_class(s), c, "{s}");
        }
    }

    #[test]
    fn shape_strings() {
        let (mut a, mut b) = (String::new(), String::new());
        for (s, full, short) in [
            ("Chen", "Xxxx", "Xx"),
            ("Westerkamp", "Xxxxx", "Xx"),
            ("U.S.", "X.X.", "X.X."),
            ("1996-08-22", "dddd-dd-dd", "d-d-d"),
            ("China’s", "Xxxxx'x", "Xx'x"),
        ] {
            shapes(s, &mut a, &mut b);
            assert_eq!((a.as_str(), b.as_str()), (full, short), "{s}");
        }
    }

    #[test]
    fn the_dense_table_gives_every_small_feature_its_own_row() {
        let domain = small_domain();
        let mut rows: Vec<u32> = domain.iter().map(|&(_, k)| k).collect();
        rows.sort_unstable();
        rows.dedup();
        assert_eq!(rows.len(), domain.len(), "two features share a row");
        assert_eq!(domain.len(), SMALL_ROWS, "the table has unused rows");
        assert!(rows.iter().all(|&k| (k as usize) < SMALL_ROWS));
        // other templates and values outside the table fall back to the weight table
        assert_eq!(small_index(T_RAW, 7), None);
        assert_eq!(small_index(T_CLUSTER, 600 << 8), None);
        assert_eq!(small_index(T_CLUSTER_LEFT, 300), None);
    }

    #[test]
    fn hashes_are_stable() {
        // model files depend on these values: they must never change silently
        assert_eq!(hash_bytes(b""), 0xf52a_15e9_a9b5_e89b);
        assert_eq!(hash_bytes(b"China"), 0x6a39_0fc3_0332_c74c);
        assert_ne!(
            feat(T_RAW, hash_bytes(b"a")),
            feat(T_LOWER, hash_bytes(b"a"))
        );
    }
}
