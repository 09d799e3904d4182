//! Similarity: each document's nearest neighbours by the cosine of tf-idf vectors.
//!
//! Takes one pruned vector per document ([`vector`]: unigram stems weighted `tf × idf`,
//! terms in more than half of the documents left out, the top [`VECTOR_TERMS`] kept, L2-normalised);
//! gives for each document its `k` most similar others ([`neighbours`]). Pairs are found
//! through an inverted index over the kept terms, so only documents sharing a term are ever
//! compared and memory is the vocabulary plus the pruned vectors — never N²; posting lists
//! longer than [`POSTING_LIMIT`] are cut to the documents where the term weighs most, so
//! time stays linear in the corpus too. Documents run in
//! parallel; ties are broken by document order (`doc_id`), so the result does not depend on
//! the number of threads.

use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufWriter, Write};

/// Terms kept per document vector.
pub const VECTOR_TERMS: usize = 100;

/// A pruned, L2-normalised document vector: (term id, weight), by term id.
pub type Vector = Vec<(u32, f32)>;

/// The vector of one document from its unigram `(term id, count, df)` and word count:
/// weights `count / words × idf(df)`; terms with `df > max_df` are left out, the top `keep`
/// weights kept (ties by term id), then L2-normalised.
pub fn vector(
    terms: &[(u32, u32, u64)],
    words: u32,
    n_docs: u64,
    max_df: u64,
    keep: usize,
) -> Vector {
    let mut w: Vec<(u32, f64)> = terms
        .iter()
        .filter(|&&(_, c, df)| c > 0 && df <= max_df)
        .map(|&(id, c, df)| {
            (
                id,
                crate::terms::tf(c, words) * crate::terms::idf(n_docs, df),
            )
        })
        .collect();
    w.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    w.truncate(keep);
    let norm = w.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
    let mut v: Vector = if norm > 0.0 {
        w.into_iter()
            .map(|(id, x)| (id, (x / norm) as f32))
            .collect()
    } else {
        Vec::new()
    };
    v.sort_by_key(|x| x.0);
    v
}

/// The highest `df` a term may have to enter the vectors: half the documents (at least 1).
pub fn max_df(n_docs: u64) -> u64 {
    (n_docs / 2).max(1)
}

/// Longest posting list walked per term: past it, only the documents where the term weighs
/// most. Keeps the search linear in the corpus (at most 100 × this many accumulations per
/// document) and the index's memory at most this many entries per term; corpora where no kept
/// term is in more documents than this are searched exactly.
pub const POSTING_LIMIT: usize = 2000;

/// Bytes of one spooled vector entry: term id and weight, little-endian.
const ENTRY: usize = 8;

/// Every document's vector, spooled to a file in document order (8 bytes per kept term); in
/// memory only where each ends. Vectors are per-document results, so they stay out of memory
/// like the other spools: the search reads a block of documents at a time and each
/// shortlisted candidate's vector by position. The file is removed when this is dropped.
pub struct Vectors {
    path: std::path::PathBuf,
    out: Option<BufWriter<File>>,
    file: Option<File>,
    /// Where each document's entries end, in entries.
    ends: Vec<u64>,
}

impl Vectors {
    /// A new, empty spool at `path` (replaced if it exists).
    pub fn create(path: std::path::PathBuf) -> io::Result<Vectors> {
        let out = BufWriter::with_capacity(1 << 16, File::create(&path)?);
        Ok(Vectors {
            path,
            out: Some(out),
            file: None,
            ends: Vec::new(),
        })
    }

    /// Appends the next document's vector.
    pub fn push(&mut self, v: &[(u32, f32)]) -> io::Result<()> {
        let out = self
            .out
            .as_mut()
            .ok_or_else(|| io::Error::other("vector spool already read"))?;
        for &(t, w) in v {
            out.write_all(&t.to_le_bytes())?;
            out.write_all(&w.to_le_bytes())?;
        }
        let end = self.ends.last().copied().unwrap_or(0) + v.len() as u64;
        self.ends.push(end);
        Ok(())
    }

    /// Ends writing; reads may follow.
    fn finish(&mut self) -> io::Result<()> {
        if let Some(mut out) = self.out.take() {
            out.flush()?;
            drop(out);
            self.file = Some(File::open(&self.path)?);
        }
        Ok(())
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Entries `[start, end)` of documents `docs`.
    fn span(&self, docs: std::ops::Range<usize>) -> (u64, u64) {
        let start = if docs.start == 0 {
            0
        } else {
            self.ends[docs.start - 1]
        };
        let end = if docs.is_empty() {
            start
        } else {
            self.ends[docs.end - 1]
        };
        (start, end)
    }

    /// Reads the vectors of documents `docs` into `out` (cleared first), their entries in
    /// order (`bytes` is scratch space); [`Vectors::span`] tells where each begins.
    fn read(
        &self,
        docs: std::ops::Range<usize>,
        bytes: &mut Vec<u8>,
        out: &mut Vec<(u32, f32)>,
    ) -> io::Result<()> {
        let file = self
            .file
            .as_ref()
            .ok_or_else(|| io::Error::other("vector spool still being written"))?;
        let (start, end) = self.span(docs);
        bytes.clear();
        bytes.resize((end - start) as usize * ENTRY, 0);
        read_exact_at(file, bytes, start * ENTRY as u64)?;
        out.clear();
        out.extend(bytes.chunks_exact(ENTRY).map(|e| {
            (
                u32::from_le_bytes([e[0], e[1], e[2], e[3]]),
                f32::from_le_bytes([e[4], e[5], e[6], e[7]]),
            )
        }));
        Ok(())
    }
}

impl Drop for Vectors {
    fn drop(&mut self) {
        self.out = None;
        self.file = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads exactly `buf.len()` bytes at `offset`, without moving a shared cursor (so threads
/// can read at once).
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Documents searched per block: their own vectors are read at once, and their neighbour
/// lists handed on before the next block (so neither grows with the corpus).
const BLOCK: usize = 4096;

/// Whether posting `a` ranks before `b` in a cut list: heavier first, then earlier document.
fn better(a: (u32, f32), b: (u32, f32)) -> bool {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)) == std::cmp::Ordering::Less
}

/// Offers `p` to a full cut list kept as a binary heap whose root is its worst posting: `p`
/// replaces the root when it ranks before it, and sinks to its place.
fn offer(heap: &mut [(u32, f32)], p: (u32, f32)) {
    if !better(p, heap[0]) {
        return;
    }
    heap[0] = p;
    let mut i = 0;
    loop {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        let mut worst = i;
        if l < heap.len() && better(heap[worst], heap[l]) {
            worst = l;
        }
        if r < heap.len() && better(heap[worst], heap[r]) {
            worst = r;
        }
        if worst == i {
            return;
        }
        heap.swap(i, worst);
        i = worst;
    }
}

/// Pushes `p` onto a filling heap of `heap[..len]` (root: worst posting).
fn push(heap: &mut [(u32, f32)], len: usize, p: (u32, f32)) {
    heap[len] = p;
    let mut i = len;
    while i > 0 {
        let parent = (i - 1) / 2;
        if better(heap[parent], heap[i]) {
            heap.swap(parent, i);
            i = parent;
        } else {
            return;
        }
    }
}

/// The inverted index: term → (document, weight), every list cut to the [`POSTING_LIMIT`]
/// documents where the term weighs most (ties by document), in one allocation of exactly
/// `Σ min(df, POSTING_LIMIT)` entries: a long list is kept as a bounded heap while the
/// documents stream past, so it never holds more than its cut.
struct Postings {
    starts: Vec<usize>,
    entries: Vec<(u32, f32)>,
}

impl Postings {
    fn new(vectors: &Vectors, vocabulary: usize) -> io::Result<Postings> {
        let mut len = vec![0usize; vocabulary];
        let (mut bytes, mut block) = (Vec::new(), Vec::new());
        for b in (0..vectors.len()).step_by(BLOCK) {
            vectors.read(b..(b + BLOCK).min(vectors.len()), &mut bytes, &mut block)?;
            for &(t, _) in &block {
                len[t as usize] += 1;
            }
        }
        let mut starts = Vec::with_capacity(vocabulary + 1);
        let mut total = 0;
        for l in &mut len {
            starts.push(total);
            *l = (*l).min(POSTING_LIMIT);
            total += *l;
        }
        starts.push(total);
        drop(len);
        let mut entries = vec![(0u32, 0f32); total];
        let mut filled = vec![0usize; vocabulary];
        for b in (0..vectors.len()).step_by(BLOCK) {
            let docs = b..(b + BLOCK).min(vectors.len());
            vectors.read(docs.clone(), &mut bytes, &mut block)?;
            let base = vectors.span(docs.clone()).0;
            for d in docs {
                let (s, e) = vectors.span(d..d + 1);
                for &(t, w) in &block[(s - base) as usize..(e - base) as usize] {
                    let t = t as usize;
                    let list = &mut entries[starts[t]..starts[t + 1]];
                    let p = (d as u32, w);
                    if filled[t] < list.len() {
                        push(list, filled[t], p);
                        filled[t] += 1;
                    } else {
                        offer(list, p);
                    }
                }
            }
        }
        Ok(Postings { starts, entries })
    }

    fn get(&self, t: u32) -> &[(u32, f32)] {
        &self.entries[self.starts[t as usize]..self.starts[t as usize + 1]]
    }
}

/// For each document in order, its `k` most similar other documents as (index, cosine), most
/// similar first, ties by index, handed to `each` block by block. Documents with no shared
/// kept term get an empty list.
///
/// Candidates come from the inverted index with each posting list cut to the
/// [`POSTING_LIMIT`] documents where the term weighs most (ties by document); the best
/// `4k` candidates are then scored exactly (the full dot product of the two vectors), so every
/// cosine written is exact and only a neighbour found through no uncut list can be missed.
/// The order of a list does not matter: a candidate's score sums its products in the order
/// of the document's own terms.
pub fn neighbours(
    pool: &rayon::ThreadPool,
    vectors: &mut Vectors,
    vocabulary: usize,
    k: usize,
    mut each: impl FnMut(usize, &[(u32, f64)]) -> io::Result<()>,
) -> io::Result<()> {
    vectors.finish()?;
    let vectors = &*vectors;
    let postings = Postings::new(vectors, vocabulary)?;
    let n = vectors.len();
    let by = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    let (mut bytes, mut block) = (Vec::new(), Vec::new());
    for b in (0..n).step_by(BLOCK) {
        let docs = b..(b + BLOCK).min(n);
        vectors.read(docs.clone(), &mut bytes, &mut block)?;
        let base = vectors.span(docs.clone()).0;
        let block = &block;
        let lists: Vec<io::Result<Vec<(u32, f64)>>> = pool.install(|| {
            docs.clone()
                .into_par_iter()
                .map_init(
                    || (vec![0f64; n], Vec::<u32>::new(), Vec::new(), Vec::new()),
                    |(acc, touched, scratch, other), d| {
                        let (s, e) = vectors.span(d..d + 1);
                        let vd = &block[(s - base) as usize..(e - base) as usize];
                        for &(t, w) in vd {
                            for &(o, wo) in postings.get(t) {
                                if o as usize == d {
                                    continue;
                                }
                                if acc[o as usize] == 0.0 {
                                    touched.push(o);
                                }
                                acc[o as usize] += w as f64 * wo as f64;
                            }
                        }
                        let mut best: Vec<(u32, f64)> =
                            touched.iter().map(|&o| (o, acc[o as usize])).collect();
                        for &o in touched.iter() {
                            acc[o as usize] = 0.0;
                        }
                        touched.clear();
                        best.retain(|x| x.1 > 0.0);
                        let shortlist = k.saturating_mul(4).max(k);
                        if best.len() > shortlist && shortlist > 0 {
                            best.select_nth_unstable_by(shortlist - 1, by);
                            best.truncate(shortlist);
                        }
                        // exact cosines for the shortlist (equal to the index's where no list
                        // was cut: the same products summed in the same order)
                        for c in &mut best {
                            vectors.read(c.0 as usize..c.0 as usize + 1, scratch, other)?;
                            c.1 = dot(vd, other);
                        }
                        best.sort_by(by);
                        best.truncate(k);
                        best.shrink_to_fit();
                        Ok(best)
                    },
                )
                .collect()
        });
        for (d, list) in docs.zip(lists) {
            each(d, &list?)?;
        }
    }
    Ok(())
}

/// The dot product of two vectors sorted by term id, summed in `a`'s term order.
fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 as f64 * b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
    }

    /// The vectors spooled to a file in `dir`.
    fn spool(dir: &tempfile::TempDir, vs: &[Vector]) -> Vectors {
        let mut v = Vectors::create(dir.path().join("vectors.spool")).unwrap();
        for x in vs {
            v.push(x).unwrap();
        }
        v
    }

    fn all(vectors: &mut Vectors, vocabulary: usize, k: usize) -> Vec<Vec<(u32, f64)>> {
        let mut out = Vec::new();
        neighbours(&pool(), vectors, vocabulary, k, |d, list| {
            assert_eq!(d, out.len());
            out.push(list.to_vec());
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn vectors_are_unit_length_and_pruned() {
        let v = vector(
            &[(0, 3, 1), (1, 1, 1), (2, 5, 10), (3, 0, 1)],
            10,
            10,
            5,
            100,
        );
        assert_eq!(v.iter().map(|x| x.0).collect::<Vec<_>>(), [0, 1]);
        let norm: f32 = v.iter().map(|x| x.1 * x.1).sum();
        assert!((norm - 1.0).abs() < 1e-6);
        assert_eq!(vector(&[(0, 3, 1), (1, 1, 1)], 10, 10, 5, 1).len(), 1);
    }

    #[test]
    fn spooled_vectors_read_back_and_the_file_goes() {
        let dir = tempfile::tempdir().unwrap();
        let vs = vec![vec![(3, 0.5), (7, 0.25)], vec![], vec![(1, 1.0)]];
        let mut v = spool(&dir, &vs);
        v.finish().unwrap();
        let (mut bytes, mut out) = (Vec::new(), Vec::new());
        for (d, x) in vs.iter().enumerate() {
            v.read(d..d + 1, &mut bytes, &mut out).unwrap();
            assert_eq!(&out, x);
        }
        v.read(0..3, &mut bytes, &mut out).unwrap();
        assert_eq!(out, vs.concat());
        assert_eq!(v.span(1..3), (2, 3));
        drop(v);
        assert!(!dir.path().join("vectors.spool").exists());
    }

    #[test]
    fn cosine_through_the_index_equals_the_dot_product() {
        let dir = tempfile::tempdir().unwrap();
        let s = 0.5f32.sqrt();
        let vs = vec![
            vec![(0, s), (1, s)],
            vec![(0, 1.0)],
            vec![(1, 0.6), (2, 0.8)],
            vec![(3, 1.0)],
        ];
        let nb = all(&mut spool(&dir, &vs), 4, 10);
        assert_eq!(nb[0].len(), 2);
        assert_eq!(nb[0][0].0, 1);
        assert!((nb[0][0].1 - s as f64).abs() < 1e-6);
        assert!((nb[0][1].1 - 0.6 * s as f64).abs() < 1e-6);
        assert!(nb[3].is_empty());
        // k = 1 keeps the best only
        assert_eq!(all(&mut spool(&dir, &vs), 4, 1)[0], vec![nb[0][0]]);
    }

    #[test]
    fn long_posting_lists_are_cut_and_cosines_stay_exact() {
        let dir = tempfile::tempdir().unwrap();
        // every document shares term 0; pairs (2i, 2i+1) also share a rare term; more
        // documents than a block, so blocks meet
        let n = (POSTING_LIMIT + 500).max(BLOCK + 7);
        let vs: Vec<Vector> = (0..n)
            .map(|d| {
                let w0 = 0.2 + 0.5 * (d % 7) as f32 / 7.0;
                let w1 = (1.0 - w0 * w0).sqrt();
                vec![(0, w0), (1 + (d / 2) as u32, w1)]
            })
            .collect();
        let nb = all(&mut spool(&dir, &vs), 1 + n / 2 + 1, 3);
        assert_eq!(nb.len(), n);
        for (d, list) in nb.iter().enumerate() {
            let twin = (d ^ 1) as u32;
            if twin as usize == n {
                continue;
            }
            assert_eq!(list[0].0, twin, "document {d}");
            for &(o, c) in list {
                assert_eq!(c, dot(&vs[d], &vs[o as usize]));
            }
        }
    }

    #[test]
    fn cut_lists_keep_what_sorting_all_postings_would() {
        let dir = tempfile::tempdir().unwrap();
        // weights from a small set, so ties between documents are common
        let n = POSTING_LIMIT * 4 + 321;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let vs: Vec<Vector> = (0..n)
            .map(|_| {
                let mut v: Vector = Vec::new();
                for t in 0..4u32 {
                    if next() % 3 != 0 {
                        v.push((t * 2 + (next() % 2) as u32, (next() % 16) as f32 / 16.0));
                    }
                }
                v
            })
            .collect();
        let mut vectors = spool(&dir, &vs);
        vectors.finish().unwrap();
        let index = Postings::new(&vectors, 8).unwrap();
        for t in 0..8u32 {
            let mut every: Vec<(u32, f32)> = (0..n)
                .flat_map(|d| {
                    vs[d]
                        .iter()
                        .filter(|x| x.0 == t)
                        .map(move |x| (d as u32, x.1))
                })
                .collect();
            every.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            every.truncate(POSTING_LIMIT);
            let mut kept = index.get(t).to_vec();
            kept.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            assert_eq!(kept, every, "term {t}");
        }
        assert!(
            (0..8).all(|t| index.get(t).len() == POSTING_LIMIT),
            "the test must cut every list"
        );
    }
}
