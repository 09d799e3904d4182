//! `train-ner`: trains the named-entity tagger from gold JSONL and writes a model file.
//!
//! ```sh
//! cargo run --release --bin train-ner -- --lang eng \
//!     --train ../shared/eval/ner/conll2003_en/train.jsonl \
//!     --dev ../shared/eval/ner/conll2003_en/dev.jsonl --out models/ner-eng.bin
//! ```
//!
//! The development file is used only to pick the epoch; the output is deterministic for a
//! fixed `--seed`.

use clap::Parser;
use newslens::ner::gazetteer::Gazetteer;
use newslens::ner::train::{Settings, example, read_jsonl, train};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Trains the newslens named-entity tagger (averaged perceptron, BILOU, Viterbi).
#[derive(Parser, Debug)]
#[command(name = "train-ner")]
struct Args {
    /// Language of the texts, ISO 639-3 (eng, spa, nld).
    #[arg(long)]
    lang: String,
    /// Training file (JSONL: id, text, entities).
    #[arg(long)]
    train: PathBuf,
    /// Development file, for choosing the epoch only.
    #[arg(long)]
    dev: PathBuf,
    /// Where to write the model.
    #[arg(long)]
    out: PathBuf,
    /// Passes over the training data.
    #[arg(long, default_value_t = 20)]
    epochs: u32,
    /// Seed of the sentence order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Drop features seen fewer times than this in training.
    #[arg(long, default_value_t = 2)]
    min_count: u32,
    /// Drop weights smaller than this (in averaged perceptron updates).
    #[arg(long, default_value_t = 0.0)]
    prune: f32,
}

fn main() -> ExitCode {
    let a = Args::parse();
    let Some(lang) = newslens::language::parse_code(&a.lang) else {
        eprintln!("train-ner: unknown language {:?}", a.lang);
        return ExitCode::from(2);
    };
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p)
            .map_err(|e| format!("{}: {e}", p.display()))
            .and_then(|t| read_jsonl(&t).map_err(|e| format!("{}: {e}", p.display())))
    };
    let (train_docs, dev_docs) = match (read(&a.train), read(&a.dev)) {
        (Ok(t), Ok(d)) => (t, d),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("train-ner: {e}");
            return ExitCode::from(2);
        }
    };
    let t0 = Instant::now();
    let gaz = Gazetteer::builtin();
    let train_ex: Vec<_> = train_docs.iter().map(|d| example(d, lang, &gaz)).collect();
    let dev_ex: Vec<_> = dev_docs.iter().map(|d| example(d, lang, &gaz)).collect();
    let mis: usize = train_ex.iter().map(|e| e.misaligned).sum();
    let total: usize = train_docs.iter().map(|d| d.entities.len()).sum();
    eprintln!(
        "train-ner: {} training docs, {total} entities ({mis} not on token boundaries, left out); {} dev docs; prepared in {:.1} s",
        train_docs.len(),
        dev_docs.len(),
        t0.elapsed().as_secs_f64()
    );
    let settings = Settings {
        lang,
        epochs: a.epochs,
        seed: a.seed,
        min_count: a.min_count,
        prune: a.prune,
    };
    let trained = train(&train_ex, &dev_ex, &settings, &mut |line| {
        eprintln!("train-ner: {line}")
    });
    let bytes = trained.model.to_bytes();
    if let Err(e) = std::fs::write(&a.out, &bytes) {
        eprintln!("train-ner: {}: {e}", a.out.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "train-ner: kept epoch {}, {} features stored, {:.1} MB written to {} in {:.1} s",
        trained.model.epoch,
        trained.model.len(),
        bytes.len() as f64 / 1e6,
        a.out.display(),
        t0.elapsed().as_secs_f64()
    );
    print!("{}", trained.dev.table());
    println!("dev_f1={:.4}", trained.dev.micro().2);
    ExitCode::SUCCESS
}
