//! Throughput of the NER stage (tagger, gazetteer, rules, aliases) on the bundled corpus:
//! the English articles (seed, Wikinews, PUD English), tagged by the English model, and all of
//! it (most PUD languages have no model: rules and gazetteer only). Segmentation is done
//! beforehand; it is benchmarked in `pipeline`. Each benchmark first asserts the mention count,
//! so a fast wrong answer cannot pass, and the fastest of three timed passes asserts the issue's
//! floor of 1 MB/s per core. Run with `cargo bench --bench ner`; criterion reports MB/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newslens::input::{self, Document, ReadOptions};
use newslens::language::detect_language;
use newslens::ner::extract;
use newslens::ner::gazetteer::Gazetteer;
use newslens::segment::{Segmentation, segment};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

/// The bundled corpus: seeds/ and corpus/.
fn corpus() -> Vec<Document> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    input::read_all(
        &[root.join("seeds"), root.join("corpus")],
        &ReadOptions::default(),
    )
    .0
}

type Prepared = (Document, &'static str, Segmentation);

fn mentions(docs: &[Prepared], gaz: &Gazetteer) -> usize {
    docs.iter()
        .map(|(d, l, s)| {
            extract(black_box(&d.text), s, l, d.published.as_deref(), gaz)
                .mentions
                .len()
        })
        .sum()
}

fn ner(c: &mut Criterion) {
    let docs: Vec<Prepared> = corpus()
        .into_iter()
        .map(|d| {
            let lang = detect_language(&d.text).code;
            let seg = segment(&d.text, lang);
            (d, lang, seg)
        })
        .collect();
    assert_eq!(docs.len(), 1 + 43 + 100 + 1505, "bundled corpus changed");
    let english: Vec<Prepared> = docs.iter().filter(|d| d.1 == "eng").cloned().collect();
    let gaz = Gazetteer::builtin();
    // warm up: the model loads on first use
    let _ = newslens::ner::model_for("eng");

    for (name, set, range) in [
        ("english (model)", &english, 2_700..3_700),
        ("all languages", &docs, 4_200..5_800),
    ] {
        let bytes: usize = set.iter().map(|d| d.0.text.len()).sum();
        let n = mentions(set, &gaz);
        assert!(range.contains(&n), "{name}: {n} mentions");
        // the fastest of three passes: the machine may be shared
        let best = (0..3)
            .map(|_| {
                let t0 = Instant::now();
                assert_eq!(mentions(set, &gaz), n);
                t0.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        let mbps = bytes as f64 / 1e6 / best;
        eprintln!("ner {name}: {n} mentions in {bytes} bytes, {mbps:.1} MB/s on one core");
        assert!(mbps >= 1.0, "ner {name}: {mbps:.2} MB/s < 1 MB/s per core");

        let mut g = c.benchmark_group("ner");
        g.throughput(Throughput::Bytes(bytes as u64));
        g.sample_size(20);
        g.bench_function(name, |b| b.iter(|| assert_eq!(mentions(set, &gaz), n)));
        g.finish();
    }
}

criterion_group!(benches, ner);
criterion_main!(benches);
