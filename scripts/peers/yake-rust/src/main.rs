//! Times yake-rust's top-10 keyphrases (n ≤ 3, English stopwords) over every `.txt` file
//! under the folder given, one core. Prints `chars seconds keyphrases`.
use std::time::Instant;
use yake_rust::{Config, StopWords, get_n_best};

fn main() {
    let root = std::env::args().nth(1).expect("usage: yake-rust-peer FOLDER");
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "txt") {
                files.push(p);
            }
        }
    }
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).expect("read")).into_owned())
        .collect();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    let stop = StopWords::predefined("en").expect("en stopwords");
    let config = Config {
        ngrams: 3,
        ..Config::default()
    };
    let start = Instant::now();
    let mut found = 0;
    for t in &texts {
        found += get_n_best(10, t, &stop, &config).len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{chars} {secs} {found}");
}
