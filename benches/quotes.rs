//! Throughput of the attribution stage (quotation marks, cue and role tagging, rules, linking
//! sources to entities) on the bundled corpus: English (the trained model) and the languages
//! with rules. Segmentation, lexicon, parts of speech and entities are done beforehand (they
//! are benchmarked in `pipeline` and `ner`). Each set first asserts its attribution count, so a
//! fast wrong answer cannot pass, and the fastest of three timed passes asserts a floor of
//! 10 MB/s per core (the target). Run with `cargo bench --bench quotes`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newslens::input::{self, ReadOptions};
use newslens::language::detect_language;
use newslens::lexicon::{Annotated, Lexicon, annotate};
use newslens::ner::DocEntities;
use newslens::ner::gazetteer::Gazetteer;
use newslens::segment::{Segmentation, segment};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

struct Prepared {
    text: String,
    lang: &'static str,
    seg: Segmentation,
    ann: Annotated,
    upos: Vec<u8>,
    ner: DocEntities,
}

fn corpus() -> Vec<Prepared> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let docs = input::read_all(
        &[root.join("seeds"), root.join("corpus")],
        &ReadOptions::default(),
    )
    .0;
    let gaz = Gazetteer::builtin();
    docs.into_iter()
        .map(|d| {
            let lang = detect_language(&d.text).code;
            let seg = segment(&d.text, lang);
            let ann = annotate(&d.text, &seg.tokens, Lexicon::get(lang));
            let upos = newslens::pos::tag_document(&d.text, &seg, |_| lang);
            let ner = newslens::ner::extract(&d.text, &seg, lang, None, &gaz);
            Prepared {
                text: d.text,
                lang,
                seg,
                ann,
                upos,
                ner,
            }
        })
        .collect()
}

fn attributions(docs: &[&Prepared]) -> usize {
    docs.iter()
        .map(|p| {
            newslens::quotes::extract(
                black_box(&p.text),
                &p.seg,
                p.lang,
                |i| p.ann.form(i).lower.as_str(),
                |i| p.ann.stem(i),
                &p.upos,
                &p.ner,
            )
            .len()
        })
        .sum()
}

fn quotes(c: &mut Criterion) {
    let docs = corpus();
    // (name, languages, range of the attribution count when this was written, ±20 %)
    let sets: [(&str, &[&str], std::ops::Range<usize>); 3] = [
        ("eng (model)", &["eng"], 350..530),
        (
            "fra deu spa rus zho (rules)",
            &["fra", "deu", "spa", "rus", "zho"],
            150..230,
        ),
        (
            "all languages",
            &[
                "eng", "fra", "deu", "spa", "rus", "zho", "ara", "por", "cym",
            ],
            500..760,
        ),
    ];
    for (name, langs, range) in sets {
        let set: Vec<&Prepared> = docs.iter().filter(|d| langs.contains(&d.lang)).collect();
        let bytes: usize = set.iter().map(|d| d.text.len()).sum();
        let n = attributions(&set);
        eprintln!("{name}: {} documents, {n} attributions", set.len());
        assert!(range.contains(&n), "{name}: {n} attributions");
        let best = (0..3)
            .map(|_| {
                let t0 = Instant::now();
                assert_eq!(attributions(&set), n);
                t0.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        let mbps = bytes as f64 / 1e6 / best;
        eprintln!("quotes {name}: {n} attributions in {bytes} bytes, {mbps:.1} MB/s on one core");
        assert!(
            mbps >= 10.0,
            "quotes {name}: {mbps:.2} MB/s < 10 MB/s per core"
        );
        let mut g = c.benchmark_group("quotes");
        g.throughput(Throughput::Bytes(bytes as u64));
        g.sample_size(20);
        g.bench_function(name, |b| b.iter(|| assert_eq!(attributions(&set), n)));
        g.finish();
    }
}

criterion_group!(benches, quotes);
criterion_main!(benches);
