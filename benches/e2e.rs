//! End to end: `run::run` on the bundled corpus (seeds/ + corpus/), every stage on, the
//! tables written and published into a temporary folder, with one worker thread and with two.
//! Before timing, one run asserts what it produced (documents, files, row counts), so a fast
//! wrong answer cannot pass. Throughput is the documents' text bytes (criterion's MB/s).
//! `scripts/bench-e2e.sh` measures the same on bigger corpora with peak memory.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newslens::run::{NoProgress, RunConfig, run};
use std::path::PathBuf;

/// The allocator of the `newslens` binary, so the benchmark measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn e2e(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temporary folder");
    let cfg = |jobs| RunConfig {
        jobs,
        ..RunConfig::new(
            vec![root.join("seeds"), root.join("corpus")],
            tmp.path().join(format!("out-{jobs}")),
        )
    };
    let first = run(&cfg(1), &NoProgress).expect("run");
    assert_eq!(
        first.documents,
        1 + 43 + 100 + 1505,
        "bundled corpus changed"
    );
    assert_eq!(first.errors, 0);
    for f in [
        "documents.csv",
        "terms.csv",
        "keywords.csv",
        "corpus_terms.csv",
        "mentions.csv",
        "entities.csv",
    ] {
        assert!(
            first.files.contains(&f),
            "{f} not written: {:?}",
            first.files
        );
    }
    let rows = |f: &str| {
        std::fs::read_to_string(tmp.path().join("out-1").join(f))
            .expect("table")
            .lines()
            .count()
    };
    assert!(
        rows("terms.csv") > 100_000,
        "terms rows: {}",
        rows("terms.csv")
    );
    assert!(
        rows("mentions.csv") > 3_000,
        "mentions: {}",
        rows("mentions.csv")
    );

    let mut g = c.benchmark_group("e2e");
    g.throughput(Throughput::Bytes(first.text_bytes));
    g.sample_size(10);
    for jobs in [1, 2] {
        let cfg = cfg(jobs);
        g.bench_function(format!("run -j{jobs} (bundled corpus)"), |b| {
            b.iter(|| {
                let s = run(&cfg, &NoProgress).expect("run");
                assert_eq!(s.documents, first.documents);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, e2e);
criterion_main!(benches);
