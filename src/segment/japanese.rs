//! Japanese words: TinySegmenter's model, decoded in safe Rust.
//!
//! Takes a chunk of text without white space (Japanese letters with the digits, Latin letters
//! and punctuation around them: the context the model was trained with); gives the byte ranges
//! of its words, which concatenate back to the chunk. TinySegmenter (Taku Kudo, 2008) is a compact
//! linear model trained on newspaper text: at each gap between two characters it adds the
//! weights of the characters around the gap, their pairs and triples, their character classes
//! and its own last three decisions, and splits where the sum is positive. The weights are in
//! [`japanese_model`](super::japanese_model), unchanged.
//!
//! The model pads the text with three symbols before and after it. They are a [`Sym`] of their
//! own, never `char`s: the `tinysegmenter` crate built them as code points above `char::MAX`,
//! which is undefined behaviour (and aborts debug builds).
//!
//! Does no I/O and cannot fail.

use super::japanese_model as m;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// A symbol of the model's window: a character of the text or one of the padding symbols
/// (`B3 B2 B1` before the text, `E1 E2 E3` after it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Sym {
    B3,
    B2,
    B1,
    C(char),
    E1,
    E2,
    E3,
}

/// Character classes (`O` other, also the padding); the letters are the model's.
const CLASSES: &[u8; 7] = b"OMHIKAN";
const N_CLASS: usize = CLASSES.len();
/// Previous decisions: `U` unknown (before the text), `O` no split, `B` split.
const DECISIONS: &[u8; 3] = b"UOB";
const N_DEC: usize = DECISIONS.len();

/// The class of a character, as TinySegmenter defines them: kanji numerals `M`, other Han and
/// iteration marks `H`, hiragana `I`, katakana `K`, Latin letters `A`, digits `N`, else `O`.
fn class(c: char) -> usize {
    let letter = match c as u32 {
        0x4E00 | 0x4E8C | 0x4E09 | 0x56DB | 0x4E94 | 0x516D | 0x4E03 | 0x516B | 0x4E5D | 0x5341
        | 0x767E | 0x5343 | 0x4E07 | 0x5104 | 0x5146 => b'M',
        0x4E00..=0x9FA0 | 0x3005 | 0x3006 | 0x30F5 | 0x30F6 => b'H',
        0x3041..=0x3093 => b'I',
        0x30A1..=0x30F4 | 0x30FC | 0xFF71..=0xFF9D | 0xFF9E | 0xFF70 => b'K',
        0x61..=0x7A | 0x41..=0x5A | 0xFF41..=0xFF5A | 0xFF21..=0xFF3A => b'A',
        0x30..=0x39 | 0xFF10..=0xFF19 => b'N',
        _ => b'O',
    };
    index(CLASSES, letter)
}

fn index(alphabet: &[u8], letter: u8) -> usize {
    alphabet
        .iter()
        .position(|&l| l == letter)
        .expect("a letter of the model's alphabet")
}

/// The model laid out for decoding: word features in hash maps, one lookup per character,
/// pair and triple of the text; class and decision features in dense arrays.
struct Model {
    /// UW1…UW6 of a symbol.
    uni: FxHashMap<Sym, [i32; 6]>,
    /// BW1…BW3 of a pair of adjacent symbols.
    bi: FxHashMap<(Sym, Sym), [i32; 3]>,
    /// TW1…TW4 of a triple of adjacent symbols.
    tri: FxHashMap<(Sym, Sym, Sym), [i32; 4]>,
    uc: [[i32; N_CLASS]; 6],
    bc: [[i32; N_CLASS * N_CLASS]; 3],
    tc: [[i32; N_CLASS * N_CLASS * N_CLASS]; 4],
    up: [[i32; N_DEC]; 3],
    bp: [[i32; N_DEC * N_DEC]; 2],
    uq: [[i32; N_DEC * N_CLASS]; 3],
    bq: [[i32; N_DEC * N_CLASS * N_CLASS]; 4],
    tq: [[i32; N_DEC * N_CLASS * N_CLASS * N_CLASS]; 4],
}

/// The dense index of a key such as `"BHH"`: the first `n_dec` letters are decisions, the
/// rest classes.
fn dense(key: &str, n_dec: usize) -> usize {
    key.bytes().enumerate().fold(0, |acc, (i, b)| {
        if i < n_dec {
            acc * N_DEC + index(DECISIONS, b)
        } else {
            acc * N_CLASS + index(CLASSES, b)
        }
    })
}

fn fill<const N: usize, const K: usize>(
    tables: [&[(&str, i32)]; K],
    n_dec: usize,
) -> [[i32; N]; K] {
    let mut out = [[0; N]; K];
    for (row, table) in out.iter_mut().zip(tables) {
        for &(key, w) in table {
            row[dense(key, n_dec)] = w;
        }
    }
    out
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let mut uni: FxHashMap<Sym, [i32; 6]> = FxHashMap::default();
        for (k, table) in m::UW.iter().enumerate() {
            for &(a, w) in *table {
                uni.entry(a).or_default()[k] = w;
            }
        }
        let mut bi: FxHashMap<(Sym, Sym), [i32; 3]> = FxHashMap::default();
        for (k, table) in m::BW.iter().enumerate() {
            for &(a, b, w) in *table {
                bi.entry((a, b)).or_default()[k] = w;
            }
        }
        let mut tri: FxHashMap<(Sym, Sym, Sym), [i32; 4]> = FxHashMap::default();
        for (k, table) in m::TW.iter().enumerate() {
            for &(a, b, c, w) in *table {
                tri.entry((a, b, c)).or_default()[k] = w;
            }
        }
        Model {
            uni,
            bi,
            tri,
            uc: fill(m::UC, 0),
            bc: fill(m::BC, 0),
            tc: fill(m::TC, 0),
            up: fill(m::UP, 1),
            bp: fill(m::BP, 2),
            uq: fill(m::UQ, 1),
            bq: fill(m::BQ, 1),
            tq: fill(m::TQ, 1),
        }
    })
}

/// Calls `word(start, end)` with the byte range of each word of `run` (a white-space-free
/// chunk), in order.
pub(super) fn words(run: &str, mut word: impl FnMut(usize, usize)) {
    if run.is_empty() {
        return;
    }
    let model = model();
    // the window: three padding symbols, the text, three padding symbols
    let mut syms = vec![Sym::B3, Sym::B2, Sym::B1];
    let mut starts = Vec::with_capacity(run.len() / 3 + 1);
    for (i, c) in run.char_indices() {
        syms.push(Sym::C(c));
        starts.push(i);
    }
    syms.extend([Sym::E1, Sym::E2, Sym::E3]);
    let n = syms.len();
    let cls: Vec<usize> = syms
        .iter()
        .map(|s| match s {
            Sym::C(c) => class(*c),
            _ => 0,
        })
        .collect();
    // word-feature weights, one lookup per symbol, pair and triple
    let uni: Vec<[i32; 6]> = syms
        .iter()
        .map(|s| model.uni.get(s).copied().unwrap_or_default())
        .collect();
    let bi: Vec<[i32; 3]> = syms
        .windows(2)
        .map(|w| model.bi.get(&(w[0], w[1])).copied().unwrap_or_default())
        .collect();
    let tri: Vec<[i32; 4]> = syms
        .windows(3)
        .map(|w| {
            model
                .tri
                .get(&(w[0], w[1], w[2]))
                .copied()
                .unwrap_or_default()
        })
        .collect();
    let (c2, c3) = (
        |a: usize, b: usize| a * N_CLASS + b,
        |a, b, c| (a * N_CLASS + b) * N_CLASS + c,
    );
    // the last three decisions, oldest first
    let mut p = [0usize; 3];
    let mut start = 0;
    // the gap before symbol i (the text's characters are syms[3..n - 3])
    for i in 4..n - 3 {
        let c = &cls[i - 3..i + 3];
        let mut score = m::BIAS;
        score += (0..6).map(|k| uni[i - 3 + k][k]).sum::<i32>();
        score += bi[i - 2][0] + bi[i - 1][1] + bi[i][2];
        score += tri[i - 3][0] + tri[i - 2][1] + tri[i - 1][2] + tri[i][3];
        score += (0..6).map(|k| model.uc[k][c[k]]).sum::<i32>();
        score +=
            model.bc[0][c2(c[1], c[2])] + model.bc[1][c2(c[2], c[3])] + model.bc[2][c2(c[3], c[4])];
        score += model.tc[0][c3(c[0], c[1], c[2])]
            + model.tc[1][c3(c[1], c[2], c[3])]
            + model.tc[2][c3(c[2], c[3], c[4])]
            + model.tc[3][c3(c[3], c[4], c[5])];
        score += model.up[0][p[0]] + model.up[1][p[1]] + model.up[2][p[2]];
        score += model.bp[0][p[0] * N_DEC + p[1]] + model.bp[1][p[1] * N_DEC + p[2]];
        score += model.uq[0][p[0] * N_CLASS + c[0]]
            + model.uq[1][p[1] * N_CLASS + c[1]]
            + model.uq[2][p[2] * N_CLASS + c[2]];
        let q2 = |d: usize, a: usize, b: usize| d * N_CLASS * N_CLASS + c2(a, b);
        score += model.bq[0][q2(p[1], c[1], c[2])]
            + model.bq[1][q2(p[1], c[2], c[3])]
            + model.bq[2][q2(p[2], c[1], c[2])]
            + model.bq[3][q2(p[2], c[2], c[3])];
        let q3 =
            |d: usize, a: usize, b: usize, e: usize| d * N_CLASS * N_CLASS * N_CLASS + c3(a, b, e);
        score += model.tq[0][q3(p[1], c[0], c[1], c[2])]
            + model.tq[1][q3(p[1], c[1], c[2], c[3])]
            + model.tq[2][q3(p[2], c[0], c[1], c[2])]
            + model.tq[3][q3(p[2], c[1], c[2], c[3])];
        let split = score > 0;
        if split {
            let end = starts[i - 3];
            word(start, end);
            start = end;
        }
        p = [p[1], p[2], if split { 2 } else { 1 }];
    }
    word(start, run.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        words(text, |a, b| out.push(&text[a..b]));
        out
    }

    #[test]
    fn the_models_published_examples() {
        // the examples of TinySegmenter's own page and of the tinysegmenter crate
        assert_eq!(
            split("私の名前は中野です"),
            ["私", "の", "名前", "は", "中野", "です"]
        );
        assert_eq!(
            split("TinySegmenterは25kBで書かれています。"),
            [
                "TinySegmenter",
                "は",
                "2",
                "5",
                "kB",
                "で",
                "書か",
                "れ",
                "て",
                "い",
                "ます",
                "。"
            ]
        );
        assert!(split("").is_empty());
        assert_eq!(split("日"), ["日"]);
    }

    #[test]
    fn every_model_key_is_in_the_alphabets() {
        // building the model panics on a letter outside the class or decision alphabets
        let m = model();
        assert!(m.uni.contains_key(&Sym::E2));
        assert_eq!(m.bi.get(&(Sym::B1, Sym::C('あ'))).map(|w| w[0]), Some(1404));
    }
}
