//! Throughput of article extraction from web pages ([`newslens::html::extract`]) on the 91
//! saved news pages of the article-extraction benchmark in `../shared/eval/html` (gunzipped
//! beforehand; not bundled: without it the bench says so and measures nothing). The pages are
//! first extracted once and checked (every one gives text), so a fast wrong answer cannot
//! pass; the fastest of three timed passes asserts a floor of 15 MB of HTML per second per core
//! (the target is 20). Run with `cargo bench --bench html`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

fn pages() -> Option<Vec<Vec<u8>>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/html/pages");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    Some(
        paths
            .into_iter()
            .map(|p| {
                let gz = std::fs::read(&p).unwrap();
                newslens::html::gunzip(gz, 64 << 20).unwrap().0
            })
            .collect(),
    )
}

fn extract_all(pages: &[Vec<u8>]) -> usize {
    pages
        .iter()
        .filter(|p| newslens::html::extract(black_box(p), None).is_ok())
        .count()
}

fn bench(c: &mut Criterion) {
    let Some(pages) = pages() else {
        eprintln!("skipped: ../shared/eval/html not found (the pages are not bundled)");
        return;
    };
    let bytes: usize = pages.iter().map(Vec::len).sum();
    assert_eq!(extract_all(&pages), pages.len(), "a page gave no article");
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        extract_all(&pages);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let mbs = bytes as f64 / 1e6 / best;
    eprintln!(
        "html: {} pages, {:.1} MB of HTML, {mbs:.1} MB/s per core ({:.1} ms per page)",
        pages.len(),
        bytes as f64 / 1e6,
        best * 1e3 / pages.len() as f64
    );
    assert!(mbs >= 15.0, "article extraction {mbs:.1} MB/s < 15");
    let mut g = c.benchmark_group("html");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("extract_91_pages", |b| b.iter(|| extract_all(&pages)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
