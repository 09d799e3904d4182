//! Times the per-document pipeline on pathological inputs at two sizes, to check that work
//! grows linearly (ratio ≈ 5 for 5× the input). `cargo run --release --example worst`
use newslens::input::Document;
use newslens::pipeline::{Options, analyze};
use std::time::Instant;

/// A named generator of pathological text of a given size.
type Case = (&'static str, fn(usize) -> String);

fn main() {
    let cases: Vec<Case> = vec![
        ("periods", |n| ".".repeat(n)),
        ("one word", |n| "a".repeat(n)),
        ("url + parens", |n| {
            format!("http://x.org/{}", ")".repeat(n / 10))
        }),
        ("a@a@", |n| "a@".repeat(n / 2)),
        ("a-a-", |n| "a-".repeat(n / 2)),
        ("U.S. U.S.", |n| "U.S. ".repeat(n / 5)),
        ("newlines", |n| "\n".repeat(n)),
        ("words", |n| "the state security law ".repeat(n / 23)),
    ];
    for (name, make) in cases {
        let mut times = Vec::new();
        for n in [400_000, 2_000_000] {
            let doc = Document {
                doc_id: "x".into(),
                text: make(n),
                ..Document::default()
            };
            let t = Instant::now();
            let a = analyze(doc, &Options::default());
            times.push(t.elapsed().as_secs_f64());
            eprint!(
                "{name:>14} n={n:>9}: {:>8} tokens {:>7.3} s   ",
                a.tokens,
                times.last().unwrap()
            );
        }
        eprintln!("ratio {:.1}", times[1] / times[0].max(1e-9));
    }
}
