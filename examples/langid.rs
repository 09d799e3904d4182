//! Language detection alone over the texts of a JSONL file (one `{"text": ...}` per line), to
//! measure its speed and peak memory apart from the rest of a run:
//!
//! ```sh
//! cargo build --release --example langid
//! /usr/bin/time -v target/release/examples/langid ITEMS.jsonl [eng,fra,...|-] [PREDICTIONS]
//! ```
//!
//! Prints the number of texts, their bytes, the time taken and the ten most common languages;
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
    let t0 = Instant::now();
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut codes = Vec::with_capacity(texts.len());
    for t in &texts {
        let code = detector.detect(t).code;
        *counts.entry(code).or_default() += 1;
        codes.push(code);
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{} texts, {} bytes, {secs:.2} s, {:.3} MB/s, {:.1} µs per text",
        texts.len(),
        bytes,
        bytes as f64 / secs / 1e6,
        secs * 1e6 / texts.len().max(1) as f64
    );
    if let Some(path) = predictions {
        std::fs::write(path, codes.join("\n") + "\n").expect("cannot write the predictions");
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (code, n) in counts.iter().take(10) {
        println!("{code} {n}");
    }
}
