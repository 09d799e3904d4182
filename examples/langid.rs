//! Language detection alone (a document's language and its paragraphs') over the texts of a JSONL file (one `{"text": ...}` per line), to
//! measure its speed and peak memory apart from the rest of a run:
//!
//! ```sh
//! cargo build --release --example langid
//! /usr/bin/time -v target/release/examples/langid ITEMS.jsonl [eng,fra,...|-] [PREDICTIONS]
//! ```
//!
//! Prints the number of texts, their bytes, the time taken, how many are in more than one
//! language (by paragraph) and the ten most common languages;
//! with PREDICTIONS, writes there the code detected for each text, one a line.

use newslens::language::{Detector, parse_code};
use std::collections::HashMap;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: langid ITEMS.jsonl [CODES|-] [PREDICTIONS]");
    let detector = match args.next().filter(|c| c != "-") {
        Some(codes) => {
            let codes: Vec<&'static str> = codes
                .split(',')
                .map(|c| parse_code(c).expect("unknown language code"))
                .collect();
            Detector::new(&codes).expect("no known language")
        }
        None => Detector::shared().clone(),
    };
    let predictions = args.next();
    let texts: Vec<String> = std::fs::read_to_string(&path)
        .expect("cannot read the input")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let (t0, cpu0) = (Instant::now(), cpu_ns());
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut codes = Vec::with_capacity(texts.len());
    let mut mixed = 0;
    for t in &texts {
        // as the pipeline does: the document's language, then its paragraphs' languages
        let lang = detector.detect(t);
        if std::env::var_os("DETECT_ONLY").is_none() {
            let (parts, _) = detector.parts_and_shares(t, &lang);
            mixed += (parts.len() > 1) as usize;
        }
        *counts.entry(lang.code).or_default() += 1;
        codes.push(lang.code);
    }
    let secs = t0.elapsed().as_secs_f64();
    // on a shared machine the thread's CPU time is the steadier measure
    let cpu = cpu_ns()
        .zip(cpu0)
        .map_or(secs, |(b, a)| (b - a) as f64 / 1e9);
    println!(
        "{} texts, {} bytes, {secs:.2} s wall, {cpu:.2} s CPU: {:.2} MB/s per core, {:.1} µs per text",
        texts.len(),
        bytes,
        bytes as f64 / cpu / 1e6,
        cpu * 1e6 / texts.len().max(1) as f64
    );
    println!("{mixed} texts in more than one language");
    if let Some(path) = predictions {
        std::fs::write(path, codes.join("\n") + "\n").expect("cannot write the predictions");
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (code, n) in counts.iter().take(10) {
        println!("{code} {n}");
    }
}

/// This thread's CPU time in nanoseconds (Linux), if known.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
