//! Near-duplicate articles: wire copies and lightly edited republications of one story.
//!
//! Takes, in the map, each document's words (their lower-cased forms, punctuation left out) and
//! gives a MinHash [`signature`] of its word 3-shingles; takes, in the reduce, the signatures in
//! input order and gives each document's cluster of copies ([`Index`]).
//!
//! - **Signature**: [`HASHES`] independent hash functions over the document's distinct
//!   shingles, each keeping its minimum; only the lowest 16 bits of each minimum are kept
//!   (b-bit minwise hashing: two different minima agree on 16 bits once in 65,536), so a
//!   signature is 192 bytes. The share of equal positions in two signatures estimates the
//!   Jaccard similarity of the two shingle sets (standard error 0.04 at 0.8).
//! - **Candidates** by locality-sensitive hashing: the signature cut into [`BANDS`] bands of
//!   [`ROWS`] values; two documents that agree on a whole band are candidates (probability
//!   0.992 at similarity 0.8, 0.63 at 0.6, 0.04 at 0.4). Each band's table keeps the first
//!   document of each key, so a document is compared with at most [`BANDS`] earlier ones:
//!   linear time, never all pairs.
//! - **Verification**: a candidate is a copy when the estimated similarity reaches the
//!   threshold (`--dup-threshold`, default 0.8); copies are joined into clusters (union–find).
//!
//! A document with fewer than [`MIN_SHINGLES`] shingles (a caption, a one-line record) gets no
//! signature and is never anyone's copy. Memory: about 0.4 KB per document (the signature and
//! the band tables).

use rustc_hash::FxHashMap;

/// Hash functions (positions) per signature.
pub const HASHES: usize = BANDS * ROWS;
/// Bands of the LSH index.
pub const BANDS: usize = 16;
/// Positions per band.
pub const ROWS: usize = 6;
/// Words per shingle.
pub const SHINGLE: usize = 3;
/// Fewest distinct shingles for a signature (about a dozen words).
pub const MIN_SHINGLES: usize = 10;
/// The default similarity from which two documents are copies (`--dup-threshold`).
pub const DEFAULT_THRESHOLD: f64 = 0.8;

/// The seeds of the hash functions, fixed: signatures are comparable across runs and shards.
const SEEDS: [u64; HASHES] = {
    let mut seeds = [0u64; HASHES];
    let mut state = 0x6e65_7773_6c65_6e73u64; // "newslens"
    let mut i = 0;
    while i < HASHES {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        seeds[i] = mix(state);
        i += 1;
    }
    seeds
};

/// A strong 64-bit finalizer (SplitMix64's): every input bit moves every output bit.
#[inline]
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The hash of a word's matching form (FNV-1a, then mixed): stable across runs and builds.
pub fn word_hash(form: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in form.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// The MinHash signature of a document given as its words' hashes ([`word_hash`]) in text
/// order; empty when it has fewer than [`MIN_SHINGLES`] distinct shingles.
pub fn signature(words: &[u64]) -> Vec<u16> {
    if words.len() < SHINGLE {
        return Vec::new();
    }
    let mut shingles: Vec<u64> = words
        .windows(SHINGLE)
        .map(|w| {
            let mut h = w[0];
            for &x in &w[1..] {
                h = mix(h.rotate_left(23) ^ x);
            }
            h
        })
        .collect();
    shingles.sort_unstable();
    shingles.dedup();
    if shingles.len() < MIN_SHINGLES {
        return Vec::new();
    }
    let mut mins = [u64::MAX; HASHES];
    for &s in &shingles {
        for (m, seed) in mins.iter_mut().zip(SEEDS) {
            *m = (*m).min(mix(s ^ seed));
        }
    }
    mins.iter().map(|&m| m as u16).collect()
}

/// The estimated Jaccard similarity of two signatures: the share of equal positions.
pub fn similarity(a: &[u16], b: &[u16]) -> f64 {
    if a.len() != HASHES || b.len() != HASHES {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / HASHES as f64
}

/// The key of band `band` of a signature.
fn band_key(sig: &[u16], band: usize) -> u32 {
    let mut h = band as u64;
    for &v in &sig[band * ROWS..(band + 1) * ROWS] {
        h = mix(h.rotate_left(16) ^ u64::from(v));
    }
    h as u32
}

/// The reduce's index of signatures, fed in input order.
#[derive(Debug)]
pub struct Index {
    threshold: f64,
    /// [`HASHES`] values per document, in the order added (zeros where it has none).
    sigs: Vec<u16>,
    /// Whether each document has a signature.
    signed: Vec<bool>,
    /// Per band: the first document of each key.
    bands: Vec<FxHashMap<u32, u32>>,
    /// Union–find parents.
    parent: Vec<u32>,
}

impl Index {
    /// An empty index; `threshold`: the similarity from which two documents are copies.
    pub fn new(threshold: f64) -> Index {
        Index {
            threshold,
            sigs: Vec::new(),
            signed: Vec::new(),
            bands: (0..BANDS).map(|_| FxHashMap::default()).collect(),
            parent: Vec::new(),
        }
    }

    /// Documents added.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// Whether no document was added.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// Adds the next document's signature (empty: none) and returns the earlier document
    /// (its position in the order added) it is a copy of, the most similar one, if any.
    pub fn add(&mut self, sig: &[u16]) -> Option<u32> {
        let me = self.parent.len() as u32;
        self.parent.push(me);
        if sig.len() != HASHES {
            self.sigs.extend([0u16; HASHES]);
            self.signed.push(false);
            return None;
        }
        let mut best: Option<(f64, u32)> = None;
        let mut seen: [u32; BANDS] = [u32::MAX; BANDS];
        for band in 0..BANDS {
            let key = band_key(sig, band);
            let first = *self.bands[band].entry(key).or_insert(me);
            if first == me || seen.contains(&first) {
                continue;
            }
            seen[band] = first;
            let s = similarity(sig, self.signature(first));
            if s >= self.threshold {
                self.union(me, first);
                if best.is_none_or(|(b, d)| s > b || (s == b && first < d)) {
                    best = Some((s, first));
                }
            }
        }
        self.sigs.extend_from_slice(sig);
        self.signed.push(true);
        best.map(|(_, d)| d)
    }

    /// The signature of document `d` (empty when it has none).
    pub fn signature(&self, d: u32) -> &[u16] {
        if !self.signed[d as usize] {
            return &[];
        }
        let at = d as usize * HASHES;
        &self.sigs[at..at + HASHES]
    }

    fn find(&mut self, mut d: u32) -> u32 {
        while self.parent[d as usize] != d {
            let up = self.parent[self.parent[d as usize] as usize];
            self.parent[d as usize] = up;
            d = up;
        }
        d
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        // the smaller (earlier) root stays: a cluster is named by its first document added
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
    }

    /// Each document's cluster: the position of the cluster's first document added (a
    /// document alone is its own cluster).
    pub fn clusters(&mut self) -> Vec<u32> {
        (0..self.parent.len() as u32)
            .map(|d| self.find(d))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<u64> {
        text.split_whitespace()
            .map(|w| word_hash(&w.to_lowercase()))
            .collect()
    }

    const STORY: &str = "The oil tanker ran aground on a reef early on Friday and spilled more \
        than ten million gallons of crude oil into the sound, the coast guard said. Cleanup crews \
        worked through the weekend to contain the slick, which spread over a hundred square miles \
        of water and reached the beaches of several islands. Officials said the captain had left \
        the bridge before the ship struck the reef, and that investigators would examine whether \
        alcohol played a part. Fishermen in the town said the spill threatened the herring season \
        and the salmon runs that the local economy depends on.";

    #[test]
    fn identical_texts_have_equal_signatures() {
        let a = signature(&words(STORY));
        assert_eq!(a.len(), HASHES);
        assert_eq!(similarity(&a, &signature(&words(STORY))), 1.0);
    }

    #[test]
    fn a_light_edit_is_similar_and_another_story_is_not() {
        let edited = format!(
            "Tanker spill fouls the sound. {}",
            STORY
                .replace("Friday", "Saturday")
                .replace("several islands", "three islands")
        );
        let other = "The central bank raised interest rates by a quarter of a point on \
            Wednesday, its third increase this year, saying inflation remained too high and \
            the labour market too tight. Markets had expected the move, and the currency \
            barely moved. The governor said further increases could not be ruled out if \
            prices kept rising, but that the committee would watch the data closely.";
        let a = signature(&words(STORY));
        let s = similarity(&a, &signature(&words(&edited)));
        assert!(s >= 0.8, "{s}");
        let t = similarity(&a, &signature(&words(other)));
        assert!(t < 0.1, "{t}");
    }

    #[test]
    fn short_texts_get_no_signature() {
        assert!(signature(&words("Results of Saturday's matches")).is_empty());
        assert!(signature(&[]).is_empty());
    }

    #[test]
    fn the_index_finds_copies_in_input_order_and_clusters_them() {
        let mut index = Index::new(DEFAULT_THRESHOLD);
        let original = signature(&words(STORY));
        let copy = signature(&words(&STORY.replace("Friday", "Thursday")));
        let other = signature(&words(
            &STORY.split('.').rev().collect::<Vec<_>>().join(" ! "),
        ));
        assert_eq!(index.add(&original), None);
        assert_eq!(index.add(&[]), None);
        assert_eq!(index.add(&copy), Some(0));
        let _ = index.add(&other);
        assert_eq!(index.add(&original), Some(0));
        let clusters = index.clusters();
        assert_eq!(clusters[0], 0);
        assert_eq!(clusters[1], 1);
        assert_eq!(clusters[2], 0);
        assert_eq!(clusters[4], 0);
        assert_eq!(index.len(), 5);
        assert!(index.signature(1).is_empty());
    }

    #[test]
    fn the_threshold_decides() {
        let a = signature(&words(STORY));
        // its last sentence rewritten: about three quarters of the shingles shared
        let cut = STORY.find("Fishermen").unwrap();
        let b = signature(&words(&format!(
            "{} The harbour master said boats would stay in port until the slick had passed, \
             and that the ferry to the islands would not sail before Tuesday.",
            &STORY[..cut]
        )));
        let s = similarity(&a, &b);
        assert!((0.6..0.9).contains(&s), "{s}");
        let mut strict = Index::new(s + 0.05);
        strict.add(&a);
        assert_eq!(strict.add(&b), None);
        // a candidate needs a band that agrees: from about 0.6 on, one does
        let mut loose = Index::new(s - 0.05);
        loose.add(&a);
        assert_eq!(loose.add(&b), Some(0));
    }
}
