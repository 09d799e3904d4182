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
/// document); corpora where no kept term is in more documents than this are searched exactly.
pub const POSTING_LIMIT: usize = 2000;

/// For each document, its `k` most similar other documents as (index, cosine), most similar
/// first; ties by index. Documents with no shared kept term are never listed.
///
/// Candidates come from the inverted index with each posting list cut to the
/// [`POSTING_LIMIT`] documents where the term weighs most (ties by document); the best
/// `4k` candidates are then scored exactly (the full dot product of the two vectors), so every
/// cosine written is exact and only a neighbour found through no uncut list can be missed.
pub fn neighbours(
    pool: &rayon::ThreadPool,
    vectors: &[Vector],
    vocabulary: usize,
    k: usize,
) -> Vec<Vec<(u32, f64)>> {
    // inverted index: term → (document, weight)
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); vocabulary];
    for (d, v) in vectors.iter().enumerate() {
        for &(t, w) in v {
            postings[t as usize].push((d as u32, w));
        }
    }
    for p in &mut postings {
        if p.len() > POSTING_LIMIT {
            p.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            p.truncate(POSTING_LIMIT);
            p.shrink_to_fit();
        }
    }
    let n = vectors.len();
    let by = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    pool.install(|| {
        (0..n)
            .into_par_iter()
            .map_init(
                || (vec![0f64; n], Vec::<u32>::new()),
                |(acc, touched), d| {
                    for &(t, w) in &vectors[d] {
                        for &(o, wo) in &postings[t as usize] {
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
                    for b in &mut best {
                        b.1 = dot(&vectors[d], &vectors[b.0 as usize]);
                    }
                    best.sort_by(by);
                    best.truncate(k);
                    // `best` was as long as the documents touched: keep only the k kept
                    best.shrink_to_fit();
                    best
                },
            )
            .collect()
    })
}

/// The dot product of two vectors sorted by term id, summed in `a`'s term order.
fn dot(a: &Vector, b: &Vector) -> f64 {
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
    fn cosine_through_the_index_equals_the_dot_product() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let s = 0.5f32.sqrt();
        let vectors = vec![
            vec![(0, s), (1, s)],
            vec![(0, 1.0)],
            vec![(1, 0.6), (2, 0.8)],
            vec![(3, 1.0)],
        ];
        let nb = neighbours(&pool, &vectors, 4, 10);
        assert_eq!(nb[0].len(), 2);
        assert_eq!(nb[0][0].0, 1);
        assert!((nb[0][0].1 - s as f64).abs() < 1e-6);
        assert!((nb[0][1].1 - 0.6 * s as f64).abs() < 1e-6);
        assert!(nb[3].is_empty());
        // k = 1 keeps the best only
        assert_eq!(neighbours(&pool, &vectors, 4, 1)[0], vec![nb[0][0]]);
    }

    #[test]
    fn long_posting_lists_are_cut_and_cosines_stay_exact() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        // every document shares term 0; pairs (2i, 2i+1) also share a rare term
        let n = POSTING_LIMIT + 500;
        let vectors: Vec<Vector> = (0..n)
            .map(|d| {
                let w0 = 0.2 + 0.5 * (d % 7) as f32 / 7.0;
                let w1 = (1.0 - w0 * w0).sqrt();
                vec![(0, w0), (1 + (d / 2) as u32, w1)]
            })
            .collect();
        let nb = neighbours(&pool, &vectors, 1 + n / 2 + 1, 3);
        for (d, list) in nb.iter().enumerate() {
            let twin = (d ^ 1) as u32;
            assert_eq!(list[0].0, twin, "document {d}");
            for &(o, c) in list {
                assert_eq!(c, dot(&vectors[d], &vectors[o as usize]));
            }
        }
    }
}
