//! End to end: `run::run` on the bundled corpus (seeds/ + corpus/), every stage on, the
//! tables written and published into a temporary folder: the default output with one worker
//! thread and with two, and every table whole as Parquet (`--all-tables --format parquet`)
//! with one. Before timing, one run of each asserts what it produced (documents, files, row
//! counts), so a fast wrong answer cannot pass. Throughput is the documents' text bytes
//! (criterion's MB/s). `scripts/bench-e2e.sh` measures the same on bigger corpora with peak
//! memory and output size.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newslens::run::{NoProgress, RunConfig, run};
use newslens::schema::{Format, Selection};
use std::path::PathBuf;

/// The allocator of the `newslens` binary, so the benchmark measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn e2e(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temporary folder");
    let cfg = |jobs, all: bool| {
        let mut cfg = RunConfig {
            jobs,
            ..RunConfig::new(
                vec![root.join("seeds"), root.join("corpus")],
                tmp.path().join(format!("out-{jobs}-{all}")),
            )
        };
        if all {
            // what `--all-tables --format parquet` sets
            cfg.pipeline.tables = Selection::all();
            cfg.pipeline.keyword_methods = newslens::keywords::Method::ALL_TABLES.to_vec();
            cfg.pipeline.corpus_terms_min_docs = 1;
            cfg.format = Format::Parquet;
        }
        cfg
    };
    let first = run(&cfg(1, false), &NoProgress).expect("run");
    assert_eq!(
        first.documents,
        1 + 43 + 100 + 1505,
        "bundled corpus changed"
    );
    assert_eq!(first.errors, 0);
    let defaults: Vec<&str> = newslens::schema::TABLES
        .iter()
        .filter(|t| t.default && t.name != "coverage_matrix")
        .map(|t| t.file)
        .collect();
    for f in &defaults {
        assert!(
            first.files.contains(f),
            "{f} not written: {:?}",
            first.files
        );
    }
    assert!(!first.files.contains(&"terms.csv"));
    let rows = |f: &str| {
        std::fs::read_to_string(tmp.path().join("out-1-false").join(f))
            .expect("table")
            .lines()
            .count()
    };
    assert!(
        rows("mentions.csv") > 3_000,
        "mentions: {}",
        rows("mentions.csv")
    );
    let whole = run(&cfg(1, true), &NoProgress).expect("run");
    assert!(whole.files.contains(&"terms.parquet") && whole.files.contains(&"tokens.parquet"));
    let run_json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("out-1-true/run.json")).expect("run.json"),
    )
    .expect("run.json");
    let terms = run_json["files"]["terms.parquet"]["rows"]
        .as_u64()
        .unwrap_or(0);
    assert!(terms > 100_000, "terms rows: {terms}");

    let mut g = c.benchmark_group("e2e");
    g.throughput(Throughput::Bytes(first.text_bytes));
    g.sample_size(10);
    for (jobs, all) in [(1, false), (2, false), (1, true)] {
        let cfg = cfg(jobs, all);
        let what = if all {
            "--all-tables --format parquet"
        } else {
            "default"
        };
        g.bench_function(format!("run -j{jobs} {what} (bundled corpus)"), |b| {
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
