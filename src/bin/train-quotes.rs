//! `train-quotes`: trains the attribution model (cues, sources, contents) of one language from
//! PolNeAR-style JSONL and writes a model file.
//!
//! ```sh
//! cargo run --release --bin train-quotes -- --lang eng \
//!     --data ../shared/eval/quotes/polnear_train.jsonl --out models/quotes-eng.bin
//! ```
//!
//! Every tenth article chooses the number of passes; the model is then trained on every
//! article. `--dev FILE` prints the figures on another file (for reporting; it chooses
//! nothing). Deterministic for a fixed `--seed`.

use clap::Parser;
use newslens::quotes::train::{Scores, evaluate_articles, read_jsonl, train};
use std::process::ExitCode;
use std::time::Instant;

/// Trains the newslens attribution model (averaged perceptrons for cues and roles).
#[derive(Parser, Debug)]
#[command(name = "train-quotes")]
struct Args {
    /// Language of the articles, ISO 639-3.
    #[arg(long)]
    lang: String,
    /// The articles: JSONL with `id`, `text`, `attributions` (source, cue, content spans).
    #[arg(long)]
    data: std::path::PathBuf,
    /// Where to write the model.
    #[arg(long)]
    out: std::path::PathBuf,
    /// Articles to report figures on after training (never trained on).
    #[arg(long)]
    dev: Option<std::path::PathBuf>,
    /// Most passes over the articles (the number is chosen up to this).
    #[arg(long, default_value_t = 10)]
    epochs: u32,
    /// Seed of the article order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn read(path: &std::path::Path) -> Result<Vec<newslens::quotes::train::GoldArticle>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    read_jsonl(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn line(s: &Scores) -> String {
    let (p, r) = s.content_pr();
    format!(
        "content P {p:.3} R {r:.3} F1 {:.3}, content+source F1 {:.3} ({} gold, {} found, {} gold cues found of {} possible)",
        s.content_f1(),
        s.source_f1(),
        s.gold,
        s.predicted,
        s.cues_found,
        s.cues_possible
    )
}

fn main() -> ExitCode {
    let args = Args::parse();
    let t0 = Instant::now();
    let articles = match read(&args.data) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("train-quotes: {e}");
            return ExitCode::FAILURE;
        }
    };
    let trained = train(&args.lang, &articles, args.epochs, args.seed);
    for (k, s) in trained.curve.iter().enumerate() {
        eprintln!("pass {}: {}", k + 1, line(s));
    }
    for (b, s) in &trained.biases {
        eprintln!("cue bias {b}: {}", line(s));
    }
    let bytes = trained.model.to_bytes();
    if let Err(e) = std::fs::write(&args.out, &bytes) {
        eprintln!("train-quotes: {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "{}: {} articles, {}+{} passes, {} cue stems, {} + {} features, {} bytes, {:.1} s",
        args.lang,
        articles.len(),
        trained.epochs.0,
        trained.epochs.1,
        trained.model.cue_stems.len(),
        trained.model.cue.len(),
        trained.model.role.len(),
        bytes.len(),
        t0.elapsed().as_secs_f64()
    );
    if let Some(dev) = &args.dev {
        match read(dev) {
            Ok(d) => println!(
                "{}: {}",
                dev.display(),
                line(&evaluate_articles(&trained.model, &d, &args.lang))
            ),
            Err(e) => {
                eprintln!("train-quotes: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
