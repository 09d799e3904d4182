//! Model: the trained tagger — label set, weights, file format and Viterbi decoding.
//!
//! Labels are BILOU over PER, ORG, LOC and MISC (17 tags: `O`, then `B-`, `I-`, `L-`, `U-` of
//! each type). Scores are linear: the sum of the weights of a token's features for a tag, plus a
//! transition weight from the previous tag (first-order Markov), decoded exactly by Viterbi with
//! the BILOU constraints (no `I-PER` after `O`, no sentence ending inside an entity).
//!
//! The model file (little-endian) stores only features with a non-zero weight, sparsely, with
//! weights quantized to i16 under one scale:
//!
//! ```text
//! "NLNER001"  u32 feature version  [u8;4] language  u32 epoch  f32 scale
//! i32 × (17 + 1) × 17 transitions (row 17 = sentence start)  i32 × 17 end weights
//! u32 n  u32 × n feature ids (ascending)  u8 × n entry counts  (u8 tag, i16 weight) × Σ counts
//! ```
//!
//! Loading builds an open-addressing table from feature id to its weights (tens of ms).

use super::features::{self, FEATURE_VERSION};
pub use crate::perceptron::{Entry, ModelError};
use crate::perceptron::{Header, Reader, SparseWeights};

/// Entity types, in tag order.
pub const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];
/// Number of tags.
pub const N_TAGS: usize = 1 + 4 * TYPES.len();

/// The position part of a BILOU tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pos {
    /// Outside.
    O,
    /// Begin.
    B,
    /// Inside.
    I,
    /// Last.
    L,
    /// Unit.
    U,
}

/// Tag number of `pos` for type index `ty` (ignored for `O`).
pub const fn tag(pos: Pos, ty: usize) -> usize {
    match pos {
        Pos::O => 0,
        Pos::B => 1 + 4 * ty,
        Pos::I => 2 + 4 * ty,
        Pos::L => 3 + 4 * ty,
        Pos::U => 4 + 4 * ty,
    }
}

/// Position and type index of a tag.
pub const fn untag(t: usize) -> (Pos, usize) {
    if t == 0 {
        return (Pos::O, 0);
    }
    let ty = (t - 1) / 4;
    let pos = match (t - 1) % 4 {
        0 => Pos::B,
        1 => Pos::I,
        2 => Pos::L,
        _ => Pos::U,
    };
    (pos, ty)
}

/// Whether tag `cur` may follow `prev` (`None` = sentence start).
pub fn allowed(prev: Option<usize>, cur: usize) -> bool {
    let (cp, ct) = untag(cur);
    match prev.map(untag) {
        Some((Pos::B | Pos::I, pt)) => matches!(cp, Pos::I | Pos::L) && ct == pt,
        _ => matches!(cp, Pos::O | Pos::B | Pos::U),
    }
}

/// Whether a sentence may end with tag `t`.
pub fn allowed_end(t: usize) -> bool {
    matches!(untag(t).0, Pos::O | Pos::L | Pos::U)
}

/// Entity spans `(first token, last token + 1, type)` of a tag sequence.
pub fn spans(tags: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let (p, ty) = untag(t as usize);
        match p {
            Pos::O => open = None,
            Pos::U => {
                out.push((i, i + 1, ty));
                open = None;
            }
            Pos::B => open = Some((i, ty)),
            Pos::I => {}
            Pos::L => {
                if let Some((s, oty)) = open.take()
                    && oty == ty
                {
                    out.push((s, i + 1, ty));
                }
            }
        }
    }
    out
}

/// BILOU tags of `n` tokens with entity spans `(first, end, type)`.
pub fn tags_of(n: usize, spans: &[(usize, usize, usize)]) -> Vec<u8> {
    let mut tags = vec![0u8; n];
    for &(s, e, ty) in spans {
        if e == s + 1 {
            tags[s] = tag(Pos::U, ty) as u8;
        } else {
            tags[s] = tag(Pos::B, ty) as u8;
            for t in &mut tags[s + 1..e - 1] {
                *t = tag(Pos::I, ty) as u8;
            }
            tags[e - 1] = tag(Pos::L, ty) as u8;
        }
    }
    tags
}

/// Viterbi over emission scores `em` (`n × N_TAGS`, row-major), transitions `trans`
/// (`(N_TAGS + 1) × N_TAGS`, the last row from the sentence start) and end weights.
pub fn viterbi<T>(em: &[T], trans: &[T], end: &[T]) -> Vec<u8>
where
    T: Copy + PartialOrd + std::ops::Add<Output = T> + Default,
{
    let n = em.len() / N_TAGS;
    if n == 0 {
        return Vec::new();
    }
    let mut score = vec![T::default(); N_TAGS];
    let mut valid = [false; N_TAGS];
    let mut back = vec![0u8; n * N_TAGS];
    for t in 0..N_TAGS {
        valid[t] = allowed(None, t);
        score[t] = trans[N_TAGS * N_TAGS + t] + em[t];
    }
    let mut next = vec![T::default(); N_TAGS];
    let mut next_valid = [false; N_TAGS];
    let allowed_prev = &*ALLOWED_PREV;
    for i in 1..n {
        for cur in 0..N_TAGS {
            let mut best: Option<(T, usize)> = None;
            for &prev in &allowed_prev[cur] {
                let prev = prev as usize;
                if !valid[prev] {
                    continue;
                }
                let s = score[prev] + trans[prev * N_TAGS + cur];
                if best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, prev));
                }
            }
            match best {
                Some((s, p)) => {
                    next[cur] = s + em[i * N_TAGS + cur];
                    next_valid[cur] = true;
                    back[i * N_TAGS + cur] = p as u8;
                }
                None => next_valid[cur] = false,
            }
        }
        std::mem::swap(&mut score, &mut next);
        std::mem::swap(&mut valid, &mut next_valid);
    }
    let mut best: Option<(T, usize)> = None;
    for t in 0..N_TAGS {
        if valid[t] && allowed_end(t) {
            let s = score[t] + end[t];
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, t));
            }
        }
    }
    let mut out = vec![0u8; n];
    let mut cur = best.map_or(0, |(_, t)| t);
    for i in (0..n).rev() {
        out[i] = cur as u8;
        if i > 0 {
            cur = back[i * N_TAGS + cur] as usize;
        }
    }
    out
}

/// [`viterbi`] for integer scores, with invalid paths at a very low score instead of options.
pub fn viterbi_i32(em: &[i32], trans: &[i32], end: &[i32]) -> Vec<u8> {
    const NEG: i64 = i64::MIN / 4;
    let n = em.len() / N_TAGS;
    if n == 0 {
        return Vec::new();
    }
    let allowed_prev = &*ALLOWED_PREV;
    let mut score = [NEG; N_TAGS];
    for (t, s) in score.iter_mut().enumerate() {
        if allowed(None, t) {
            *s = trans[N_TAGS * N_TAGS + t] as i64 + em[t] as i64;
        }
    }
    let mut back = vec![0u8; n * N_TAGS];
    let mut next = [NEG; N_TAGS];
    for i in 1..n {
        for cur in 0..N_TAGS {
            let (mut best, mut arg) = (NEG, 0u8);
            for &p in &allowed_prev[cur] {
                let s = score[p as usize] + trans[p as usize * N_TAGS + cur] as i64;
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            next[cur] = if best == NEG {
                NEG
            } else {
                best + em[i * N_TAGS + cur] as i64
            };
            back[i * N_TAGS + cur] = arg;
        }
        score = next;
    }
    let (mut best, mut cur) = (NEG, 0usize);
    for t in 0..N_TAGS {
        if allowed_end(t) && score[t] > NEG {
            let s = score[t] + end[t] as i64;
            if s > best {
                best = s;
                cur = t;
            }
        }
    }
    let mut out = vec![0u8; n];
    for i in (0..n).rev() {
        out[i] = cur as u8;
        if i > 0 {
            cur = back[i * N_TAGS + cur] as usize;
        }
    }
    out
}

/// For each tag, the tags that may precede it.
static ALLOWED_PREV: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(|| {
    (0..N_TAGS)
        .map(|c| {
            (0..N_TAGS)
                .filter(|&p| allowed(Some(p), c))
                .map(|p| p as u8)
                .collect()
        })
        .collect()
});

/// A trained, quantized tagger.
#[derive(Clone, Debug)]
pub struct Model {
    /// The language it was trained for (ISO 639-3).
    pub lang: String,
    /// The training epoch it was taken from.
    pub epoch: u32,
    /// Weight of one quantization step.
    pub scale: f32,
    /// Transition weights, quantized.
    pub trans: Vec<i32>,
    /// End weights, quantized.
    pub end: Vec<i32>,
    /// The features' weights.
    pub weights: SparseWeights,
    /// The weights of the features with few values, one row per [`features::small_index`],
    /// built on first use.
    small: std::sync::OnceLock<Vec<[i32; N_TAGS]>>,
}

const HEADER: Header = Header {
    magic: b"NLNER001",
    version: FEATURE_VERSION,
    what: "NER",
    trainer: "train-ner",
};

impl Model {
    /// Builds a model from its parts (sorted ids, per-feature entries).
    pub fn new(
        lang: &str,
        epoch: u32,
        scale: f32,
        trans: Vec<i32>,
        end: Vec<i32>,
        features: Vec<(u32, Vec<Entry>)>,
    ) -> Model {
        Model {
            lang: lang.to_string(),
            epoch,
            scale,
            trans,
            end,
            weights: SparseWeights::new(features),
            small: std::sync::OnceLock::new(),
        }
    }

    /// Number of stored features.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Whether the model has no features.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Tags of one sentence whose tokens have features `feats(0..n)`.
    pub fn tag<'f>(&self, n: usize, feats: impl Fn(usize) -> &'f [u32]) -> Vec<u8> {
        let mut em = vec![0i32; n * N_TAGS];
        for (i, row) in em.chunks_exact_mut(N_TAGS).enumerate() {
            let row: &mut [i32; N_TAGS] = row.try_into().expect("row of N_TAGS");
            self.add(feats(i), row);
        }
        viterbi_i32(&em, &self.trans, &self.end)
    }

    /// The dense rows of the features with few values ([`features::small_index`]).
    pub fn small_rows(&self) -> &[[i32; N_TAGS]] {
        self.small.get_or_init(|| {
            let mut rows = vec![[0i32; N_TAGS]; features::SMALL_ROWS];
            for (id, k) in features::small_domain() {
                self.add(&[id], &mut rows[k as usize]);
            }
            rows
        })
    }

    /// Adds the weights of features `ids` to one token's scores.
    #[inline]
    pub fn add(&self, ids: &[u32], row: &mut [i32; N_TAGS]) {
        for &f in ids {
            for e in self.weights.weights(f) {
                if let Some(r) = row.get_mut(e.tag as usize) {
                    *r += e.weight as i32;
                }
            }
        }
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(64 + (N_TAGS + 2) * N_TAGS * 4);
        HEADER.write(&self.lang, &mut b);
        b.extend_from_slice(&self.epoch.to_le_bytes());
        b.extend_from_slice(&self.scale.to_le_bytes());
        for v in self.trans.iter().chain(&self.end) {
            b.extend_from_slice(&v.to_le_bytes());
        }
        self.weights.write(&mut b);
        b
    }

    /// Reads a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader::new(bytes);
        let lang = HEADER.read(&mut r)?;
        let epoch = r.u32()?;
        let scale = r.f32()?;
        let mut trans = Vec::with_capacity((N_TAGS + 1) * N_TAGS);
        for _ in 0..(N_TAGS + 1) * N_TAGS {
            trans.push(r.i32()?);
        }
        let mut end = Vec::with_capacity(N_TAGS);
        for _ in 0..N_TAGS {
            end.push(r.i32()?);
        }
        let weights = SparseWeights::read(&mut r, N_TAGS)?;
        Ok(Model {
            lang,
            epoch,
            scale,
            trans,
            end,
            weights,
            small: std::sync::OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        for t in 0..N_TAGS {
            let (p, ty) = untag(t);
            assert_eq!(tag(p, ty), t);
        }
        let spans_in = vec![(0, 2, 0), (3, 4, 2), (5, 8, 1)];
        let tags = tags_of(9, &spans_in);
        assert_eq!(spans(&tags), spans_in);
    }

    #[test]
    fn viterbi_respects_bilou() {
        // emissions prefer I-PER everywhere: an I may not start, so the best valid path is
        // B-PER I-PER L-PER
        let n = 3;
        let mut em = vec![0f32; n * N_TAGS];
        for i in 0..n {
            em[i * N_TAGS + tag(Pos::I, 0)] = 5.0;
            em[i * N_TAGS + tag(Pos::B, 0)] = 1.0;
            em[i * N_TAGS + tag(Pos::L, 0)] = 1.0;
        }
        let trans = vec![0f32; (N_TAGS + 1) * N_TAGS];
        let end = vec![0f32; N_TAGS];
        let tags = viterbi(&em, &trans, &end);
        assert_eq!(
            tags,
            vec![
                tag(Pos::B, 0) as u8,
                tag(Pos::I, 0) as u8,
                tag(Pos::L, 0) as u8
            ]
        );
        assert!(viterbi::<f32>(&[], &trans, &end).is_empty());
        // the integer decoder agrees
        let emi: Vec<i32> = em.iter().map(|&x| x as i32).collect();
        let ti = vec![0i32; (N_TAGS + 1) * N_TAGS];
        assert_eq!(viterbi_i32(&emi, &ti, &[0; N_TAGS]), tags);
        assert!(viterbi_i32(&[], &ti, &[0; N_TAGS]).is_empty());
    }

    #[test]
    fn file_round_trip() {
        let trans: Vec<i32> = (0..((N_TAGS + 1) * N_TAGS) as i32).collect();
        let end: Vec<i32> = (0..N_TAGS as i32).map(|x| -x).collect();
        let m = Model::new(
            "eng",
            7,
            0.01,
            trans,
            end,
            vec![
                (42, vec![Entry { tag: 1, weight: -3 }]),
                (
                    7,
                    vec![Entry { tag: 0, weight: 5 }, Entry { tag: 16, weight: 9 }],
                ),
            ],
        );
        let b = m.to_bytes();
        let m2 = Model::from_bytes(&b).unwrap();
        assert_eq!(m2.lang, "eng");
        assert_eq!(m2.epoch, 7);
        assert_eq!(m2.weights.weights(7), m.weights.weights(7));
        assert_eq!(m2.weights.weights(42), &[Entry { tag: 1, weight: -3 }]);
        assert!(m2.weights.weights(8).is_empty());
        assert_eq!(m2.to_bytes(), b);
        assert!(Model::from_bytes(&b[..b.len() - 1]).is_err());
        assert!(Model::from_bytes(b"garbage!").is_err());
    }
}
