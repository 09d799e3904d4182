//! Perceptron weights shared by the taggers: named entities ([`crate::ner::model`]) and parts
//! of speech ([`crate::pos`]).
//!
//! A trained tagger keeps only its features with a non-zero weight, sparsely: per feature id
//! (a 32-bit hash, never 0), the tags it votes for with an `i16` weight under the model's one
//! scale. Looking up a feature is one probe of an open-addressing table built at load time
//! (tens of ms for the largest model). The stored form, little-endian, inside each model file:
//!
//! ```text
//! u32 n  u32 × n feature ids (ascending)  u8 × n entry counts  (u8 tag, i16 weight) × Σ counts
//! ```

/// One stored weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Tag.
    pub tag: u8,
    /// Quantized weight.
    pub weight: i16,
}

/// Why a model file could not be read.
#[derive(Debug)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

/// What starts every model file: 8 magic bytes naming the kind of model, the `u32` feature
/// version it was trained with, the language (ISO 639-3, space-padded to 4 bytes).
pub struct Header {
    /// The magic bytes (`NLNER001`, `NLPOS001`).
    pub magic: &'static [u8; 8],
    /// The feature version this build computes.
    pub version: u32,
    /// What the model is, for errors (`NER`, `POS`).
    pub what: &'static str,
    /// The binary that retrains it, for errors (`train-ner`).
    pub trainer: &'static str,
}

impl Header {
    /// Appends the header of a model for `lang` to `b`.
    pub fn write(&self, lang: &str, b: &mut Vec<u8>) {
        b.extend_from_slice(self.magic);
        b.extend_from_slice(&self.version.to_le_bytes());
        let mut code = [b' '; 4];
        for (i, c) in lang.bytes().take(4).enumerate() {
            code[i] = c;
        }
        b.extend_from_slice(&code);
    }

    /// Reads and checks the header; gives the model's language.
    pub fn read(&self, r: &mut Reader) -> Result<String, ModelError> {
        if r.take(8)? != self.magic {
            return Err(ModelError(format!(
                "not a newslens {} model file",
                self.what
            )));
        }
        let version = r.u32()?;
        if version != self.version {
            return Err(ModelError(format!(
                "{} model was trained with feature version {version}, this build computes version {}; retrain it with {}",
                self.what, self.version, self.trainer
            )));
        }
        Ok(String::from_utf8_lossy(r.take(4)?).trim().to_string())
    }
}

/// Models compiled into the binary, (language, file bytes), each parsed by `parse` the first
/// time a run asks for its language; `loaded` holds one cell per model.
pub fn bundled<'m, M>(
    models: &[(&str, &[u8])],
    loaded: &'m [std::sync::OnceLock<Option<M>>],
    lang: &str,
    parse: impl FnOnce(&[u8]) -> Result<M, ModelError>,
) -> Option<&'m M> {
    let k = models.iter().position(|(l, _)| *l == lang)?;
    loaded[k].get_or_init(|| parse(models[k].1).ok()).as_ref()
}

/// Reads a model file's little-endian fields in order.
pub struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `b`.
    pub fn new(b: &'a [u8]) -> Self {
        Reader { b, p: 0 }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let s = self
            .b
            .get(self.p..self.p.saturating_add(n))
            .ok_or_else(|| ModelError("model file is truncated".into()))?;
        self.p += n;
        Ok(s)
    }

    /// The next `u32`.
    pub fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }

    /// The next `i32`.
    pub fn i32(&mut self) -> Result<i32, ModelError> {
        Ok(i32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }

    /// The next `f32`.
    pub fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }
}

/// A seeded xorshift generator: the only randomness of training (the order of the sentences).
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Shuffles `v` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// The feature id of template `t` with value hash `h` (never 0): the taggers' features are
/// 32-bit hashes of (template, value).
#[inline]
pub fn feature_id(t: u32, h: u64) -> u32 {
    let f = (crate::ner::features::mix(
        h ^ (((t as u64) << 56) | (t as u64).wrapping_mul(0x2545_f491_4f6c_dd1d)),
    ) >> 32) as u32;
    if f == 0 { 1 } else { f }
}

/// Combines two value hashes into one (order matters).
#[inline]
pub fn pair(a: u64, b: u64) -> u64 {
    crate::ner::features::mix(a.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ b)
}

/// The weights of an averaged perceptron (Collins 2002) being trained over `N` tags, with
/// their running sums for averaging; [`Trainer::averaged`] quantizes them into the stored form.
#[derive(Default)]
pub struct Trainer<const N: usize> {
    index: rustc_hash::FxHashMap<u32, u32>,
    ids: Vec<u32>,
    w: Vec<f32>,
    u: Vec<f32>,
    /// The update counter (one step per decision seen).
    pub c: f32,
}

impl<const N: usize> Trainer<N> {
    /// An empty trainer.
    pub fn new() -> Self {
        Trainer {
            index: Default::default(),
            ids: Vec::new(),
            w: Vec::new(),
            u: Vec::new(),
            c: 1.0,
        }
    }

    /// Summed current weights per tag of features `feats`.
    pub fn scores(&self, feats: &[u32]) -> [f32; N] {
        let mut row = [0f32; N];
        for f in feats {
            if let Some(&k) = self.index.get(f) {
                let base = k as usize * N;
                for (r, w) in row.iter_mut().zip(&self.w[base..base + N]) {
                    *r += w;
                }
            }
        }
        row
    }

    /// Moves the weights of `feats` towards `gold` and away from `pred` (no-op when equal).
    pub fn update(&mut self, feats: &[u32], gold: usize, pred: usize) {
        if gold == pred {
            return;
        }
        let c = self.c;
        for &f in feats {
            let next = self.ids.len() as u32;
            let k = *self.index.entry(f).or_insert(next);
            if k == next {
                self.ids.push(f);
                self.w.extend([0.0; N]);
                self.u.extend([0.0; N]);
            }
            let base = k as usize * N;
            self.w[base + gold] += 1.0;
            self.u[base + gold] += c;
            self.w[base + pred] -= 1.0;
            self.u[base + pred] -= c;
        }
    }

    /// Counts one decision (the clock of the averaging).
    pub fn tick(&mut self) {
        self.c += 1.0;
    }

    /// The averaged weights, quantized to `i16` under one scale: (scale, weights).
    pub fn averaged(&self) -> (f32, SparseWeights) {
        Self::mean_averaged(&[self])
    }

    /// The mean of several trainers' averaged weights (trainers that read the same data in other
    /// orders), quantized as [`Trainer::averaged`]; one trainer gives its own.
    pub fn mean_averaged(all: &[&Trainer<N>]) -> (f32, SparseWeights) {
        let Some(first) = all.first() else {
            return (1.0, SparseWeights::new(Vec::new()));
        };
        let c = first.c;
        let mut ids = first.ids.clone();
        let mut avg: Vec<f32> = first
            .w
            .iter()
            .zip(&first.u)
            .map(|(w, u)| w - u / c)
            .collect();
        if all.len() > 1 {
            let mut index = first.index.clone();
            for t in &all[1..] {
                let t = *t;
                for (k, &id) in t.ids.iter().enumerate() {
                    let next = ids.len() as u32;
                    let j = *index.entry(id).or_insert(next) as usize;
                    if j == next as usize {
                        ids.push(id);
                        avg.extend([0.0; N]);
                    }
                    for x in 0..N {
                        avg[j * N + x] += t.w[k * N + x] - t.u[k * N + x] / t.c;
                    }
                }
            }
            let n = all.len() as f32;
            avg.iter_mut().for_each(|x| *x /= n);
        }
        let max = avg.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let features = ids
            .iter()
            .enumerate()
            .filter_map(|(k, &id)| {
                let entries: Vec<Entry> = (0..N)
                    .filter_map(|t| {
                        let v = (avg[k * N + t] / scale).round() as i32;
                        (v != 0).then_some(Entry {
                            tag: t as u8,
                            weight: v.clamp(-32767, 32767) as i16,
                        })
                    })
                    .collect();
                (!entries.is_empty()).then_some((id, entries))
            })
            .collect();
        (scale, SparseWeights::new(features))
    }
}

/// The weights of a trained tagger, by feature id.
#[derive(Clone, Debug, Default)]
pub struct SparseWeights {
    /// Feature ids, ascending.
    pub ids: Vec<u32>,
    /// Start of each feature's entries, plus the end.
    pub starts: Vec<u32>,
    /// The entries.
    pub entries: Vec<Entry>,
    /// Open-addressing table of (feature id, entries start << 8 | count); id 0 = empty.
    table: Vec<(u32, u32)>,
    mask: usize,
}

impl SparseWeights {
    /// The weights of `features` (feature id, its entries; ids unique and non-zero).
    pub fn new(mut features: Vec<(u32, Vec<Entry>)>) -> SparseWeights {
        features.sort_by_key(|f| f.0);
        let mut w = SparseWeights::default();
        for (id, es) in features {
            w.ids.push(id);
            w.starts.push(w.entries.len() as u32);
            w.entries.extend(es);
        }
        w.starts.push(w.entries.len() as u32);
        w.build_table();
        w
    }

    fn build_table(&mut self) {
        let cap = (self.ids.len() * 2).next_power_of_two().max(16);
        self.mask = cap - 1;
        self.table = vec![(0, 0); cap];
        for (k, &id) in self.ids.iter().enumerate() {
            let mut slot = Self::slot(id) & self.mask;
            while self.table[slot].0 != 0 {
                slot = (slot + 1) & self.mask;
            }
            let (start, end) = (self.starts[k], self.starts[k + 1]);
            self.table[slot] = (id, start << 8 | (end - start));
        }
    }

    #[inline]
    fn slot(id: u32) -> usize {
        (id.wrapping_mul(0x9E37_79B1)) as usize
    }

    /// The weights of feature `id` (empty when the model does not know it).
    #[inline]
    pub fn weights(&self, id: u32) -> &[Entry] {
        let mut slot = Self::slot(id) & self.mask;
        loop {
            let (key, v) = self.table[slot];
            if key == id {
                let start = (v >> 8) as usize;
                return &self.entries[start..start + (v & 0xff) as usize];
            }
            if key == 0 {
                return &[];
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// Number of stored features.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no feature is stored.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Appends the stored form to `b`.
    pub fn write(&self, b: &mut Vec<u8>) {
        b.reserve(4 + self.ids.len() * 5 + self.entries.len() * 3);
        b.extend_from_slice(&(self.ids.len() as u32).to_le_bytes());
        for id in &self.ids {
            b.extend_from_slice(&id.to_le_bytes());
        }
        for k in 0..self.ids.len() {
            b.push((self.starts[k + 1] - self.starts[k]) as u8);
        }
        for e in &self.entries {
            b.push(e.tag);
            b.extend_from_slice(&e.weight.to_le_bytes());
        }
    }

    /// Reads the stored form; every tag must be below `n_tags`, ids ascending and non-zero.
    pub fn read(r: &mut Reader, n_tags: usize) -> Result<SparseWeights, ModelError> {
        let n = r.u32()? as usize;
        let ids: Vec<u32> = r
            .take(n.saturating_mul(4))?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if ids.first() == Some(&0) || ids.windows(2).any(|w| w[0] >= w[1]) {
            return Err(ModelError("model file has unordered feature ids".into()));
        }
        let counts = r.take(n)?;
        let mut starts = Vec::with_capacity(n + 1);
        let mut total = 0u32;
        for &c in counts {
            starts.push(total);
            total += c as u32;
        }
        starts.push(total);
        let entries = r
            .take(total as usize * 3)?
            .chunks_exact(3)
            .map(|c| Entry {
                tag: c[0],
                weight: i16::from_le_bytes([c[1], c[2]]),
            })
            .collect::<Vec<_>>();
        if entries.iter().any(|e| e.tag as usize >= n_tags) {
            return Err(ModelError("model file has an unknown tag".into()));
        }
        let mut w = SparseWeights {
            ids,
            starts,
            entries,
            table: Vec::new(),
            mask: 0,
        };
        w.build_table();
        Ok(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_and_round_trip() {
        let w = SparseWeights::new(vec![
            (
                7,
                vec![Entry { tag: 1, weight: -3 }, Entry { tag: 2, weight: 9 }],
            ),
            (3, vec![Entry { tag: 0, weight: 5 }]),
        ]);
        assert_eq!(w.weights(7).len(), 2);
        assert_eq!(w.weights(3), &[Entry { tag: 0, weight: 5 }]);
        assert!(w.weights(4).is_empty());
        let mut b = Vec::new();
        w.write(&mut b);
        let back = SparseWeights::read(&mut Reader::new(&b), 3).unwrap();
        assert_eq!((back.ids.clone(), back.entries.clone()), (w.ids, w.entries));
        assert!(back.weights(7)[1].weight == 9);
        assert!(SparseWeights::read(&mut Reader::new(&b), 2).is_err());
        assert!(SparseWeights::read(&mut Reader::new(&b[..b.len() - 1]), 3).is_err());
    }
}
