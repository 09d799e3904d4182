//! `train-pos`: trains the part-of-speech tagger of one language from UD sentences (JSONL) and
//! writes a model file.
//!
//! ```sh
//! cargo run --release --bin train-pos -- --lang eng \
//!     --data ../shared/eval/pos/eng.jsonl --out models/pos-eng.bin
//! ```
//!
//! Every tenth sentence is held back and never trained on; its accuracy is printed (the figure
//! in README). The number of passes is chosen on a tenth of the rest. Deterministic for a
//! fixed `--seed`.

use clap::Parser;
use newslens::pos::train::{read_jsonl, train};
use std::process::ExitCode;
use std::time::Instant;

/// Trains the newslens part-of-speech tagger (greedy averaged perceptron, Universal POS tags).
#[derive(Parser, Debug)]
#[command(name = "train-pos")]
struct Args {
    /// Language of the sentences, ISO 639-3 (eng, deu, zho, ...).
    #[arg(long)]
    lang: String,
    /// The sentences: JSONL with `tokens` (`form`, `upos`) per line.
    #[arg(long)]
    data: std::path::PathBuf,
    /// Where to write the model.
    #[arg(long)]
    out: std::path::PathBuf,
    /// Most passes over the training sentences (the number is chosen up to this).
    #[arg(long, default_value_t = 12)]
    epochs: u32,
    /// Seed of the sentence order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Train this many taggers side by side, each on its own order of the sentences (seeds
    /// `--seed`, `--seed` + 1, …), and write the mean of their weights.
    #[arg(long, default_value_t = 1)]
    orders: u32,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let t0 = Instant::now();
    let text = match std::fs::read_to_string(&args.data) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("train-pos: {}: {e}", args.data.display());
            return ExitCode::FAILURE;
        }
    };
    let sentences = match read_jsonl(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("train-pos: {}: {e}", args.data.display());
            return ExitCode::FAILURE;
        }
    };
    let trained = train(&args.lang, &sentences, args.epochs, args.seed, args.orders);
    let curve: Vec<String> = trained.curve.iter().map(|a| format!("{a:.4}")).collect();
    eprintln!(
        "train-pos {}: {} sentences; accuracy by pass on the choosing tenth: {}",
        args.lang,
        sentences.len(),
        curve.join(" ")
    );
    let bytes = trained.model.to_bytes();
    if let Err(e) = std::fs::write(&args.out, &bytes) {
        eprintln!("train-pos: {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "{}: {} passes (choosing tenth {:.4}), held-back accuracy {:.4}, {} features, {} bytes, {:.1} s",
        args.lang,
        trained.epochs,
        trained.curve[trained.epochs as usize - 1],
        trained.held_out,
        trained.model.weights.len(),
        bytes.len(),
        t0.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
