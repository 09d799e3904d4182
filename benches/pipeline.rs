//! Throughput of each per-document stage and of the whole map, on the bundled corpus
//! (seeds/ + corpus/: English and French Wikinews, PUD excerpts in seven languages).
//! Each benchmark first asserts what it computes, so a fast wrong answer cannot pass.
//! Run with `cargo bench`; criterion reports MB/s (Throughput::Bytes).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newslens::input::{self, Document, ReadOptions};
use newslens::language::{Detector, detect_language};
use newslens::lexicon::{Lexicon, annotate};
use newslens::pipeline::{Options, analyze, minhash};
use newslens::segment::segment;
use newslens::terms::count_terms;
use std::hint::black_box;
use std::path::PathBuf;

/// The bundled corpus: seeds/ and corpus/.
fn corpus() -> Vec<Document> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    input::read_all(
        &[root.join("seeds"), root.join("corpus")],
        &ReadOptions::default(),
    )
    .0
}

fn stages(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    assert_eq!(docs.len(), 1 + 43 + 100 + 1505, "bundled corpus changed");
    let langs: Vec<&'static str> = docs.iter().map(|d| detect_language(&d.text).code).collect();

    let mut g = c.benchmark_group("stage");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);

    g.bench_function("language", |b| {
        b.iter(|| {
            let n = docs
                .iter()
                .filter(|d| detect_language(black_box(&d.text)).code == "eng")
                .count();
            assert!(n > 250, "English documents: {n}");
        })
    });

    // whole articles (the seed and the 143 Wikinews files; the PUD items are single
    // sentences) stay on the fast path: >= 20 MB/s per core
    let articles: Vec<&Document> = docs.iter().filter(|d| d.line.is_none()).collect();
    let article_bytes: usize = articles.iter().map(|d| d.text.len()).sum();
    g.throughput(Throughput::Bytes(article_bytes as u64));
    // as the pipeline does: the article's language, then its paragraphs' (languages, parts)
    let detector = Detector::shared();
    g.bench_function("language (whole articles)", |b| {
        b.iter(|| {
            let n = articles
                .iter()
                .filter(|d| {
                    let lang = detector.detect(black_box(&d.text));
                    let (parts, _) = detector.parts_and_shares(&d.text, &lang);
                    parts.len() == 1 && matches!(lang.code, "eng" | "fra")
                })
                .count();
            assert_eq!(
                n,
                1 + 43 + 100,
                "articles in English or French, in one part"
            );
        })
    });
    g.throughput(Throughput::Bytes(bytes as u64));

    let tokens: usize = docs
        .iter()
        .zip(&langs)
        .map(|(d, l)| segment(&d.text, l).tokens.len())
        .sum();
    assert!((130_000..200_000).contains(&tokens), "tokens: {tokens}");
    g.bench_function("segment", |b| {
        b.iter(|| {
            let n: usize = docs
                .iter()
                .zip(&langs)
                .map(|(d, l)| segment(black_box(&d.text), l).tokens.len())
                .sum();
            assert_eq!(n, tokens);
        })
    });

    let segs: Vec<_> = docs
        .iter()
        .zip(&langs)
        .map(|(d, l)| segment(&d.text, l))
        .collect();
    g.bench_function("lexicon", |b| {
        b.iter(|| {
            let n: usize = docs
                .iter()
                .zip(&langs)
                .zip(&segs)
                .map(|((d, l), s)| {
                    annotate(black_box(&d.text), &s.tokens, Lexicon::get(l))
                        .token_forms
                        .len()
                })
                .sum();
            assert_eq!(n, tokens);
        })
    });

    let anns: Vec<_> = docs
        .iter()
        .zip(&langs)
        .zip(&segs)
        .map(|((d, l), s)| annotate(&d.text, &s.tokens, Lexicon::get(l)))
        .collect();
    let terms: usize = segs
        .iter()
        .zip(&anns)
        .map(|(s, a)| count_terms(s, a, 3).terms.len())
        .sum();
    g.bench_function("terms", |b| {
        b.iter(|| {
            let n: usize = segs
                .iter()
                .zip(&anns)
                .map(|(s, a)| count_terms(black_box(s), a, 3).terms.len())
                .sum();
            assert_eq!(n, terms);
        })
    });

    // near-duplicates: the map's signatures, then the reduce's index (linear, no pairs)
    let sigs: Vec<Vec<u16>> = segs.iter().zip(&anns).map(|(s, a)| minhash(s, a)).collect();
    let signed = sigs.iter().filter(|s| !s.is_empty()).count();
    assert!(signed > 500, "signatures: {signed}");
    g.bench_function("near-duplicate signature", |b| {
        b.iter(|| {
            let n = segs
                .iter()
                .zip(&anns)
                .filter(|(s, a)| !minhash(black_box(s), a).is_empty())
                .count();
            assert_eq!(n, signed);
        })
    });
    g.bench_function("near-duplicate index", |b| {
        b.iter(|| {
            let mut index = newslens::dedup::Index::new(newslens::dedup::DEFAULT_THRESHOLD);
            // each document twice: every second one is a copy
            let copies = sigs
                .iter()
                .flat_map(|s| [s, s])
                .filter(|s| index.add(black_box(s)).is_some())
                .count();
            assert_eq!(copies, signed);
        })
    });

    g.bench_function("analyze (all per-document stages)", |b| {
        let opts = Options::default();
        b.iter(|| {
            let n: usize = docs
                .iter()
                .map(|d| analyze(black_box(d.clone()), &opts).terms.terms.len())
                .sum();
            assert!(n > terms / 2, "terms: {n}");
        })
    });
    g.finish();
}

/// Japanese segmentation (TinySegmenter's model) on the Japanese news fixture, repeated to
/// about 100 KB in paragraphs.
fn japanese(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let para = std::fs::read_to_string(root.join("tests/fixtures/japanese/news.txt")).unwrap();
    let text = vec![para.trim_end(); 200].join("\n\n");
    let words = segment(&text, "jpn").tokens.len();
    assert!(words > 200 * 90, "words: {words}");
    let mut g = c.benchmark_group("stage");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("segment (Japanese)", |b| {
        b.iter(|| assert_eq!(segment(black_box(&text), "jpn").tokens.len(), words))
    });
    g.finish();
}

criterion_group!(benches, stages, japanese);
criterion_main!(benches);
