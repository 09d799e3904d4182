//! `train-ner`: trains the named-entity tagger from gold JSONL and writes a model file.
//!
//! ```sh
//! cargo run --release --bin train-ner -- --lang deu \
//!     --train ../shared/eval/ner/conll2003_de/train.jsonl \
//!     --silver ../shared/eval/ner/wikineural/deu.jsonl \
//!     --dev ../shared/eval/ner/conll2003_de/dev.jsonl --out models/ner-deu.bin --epochs 15
//! ```
//!
//! The epoch is chosen on a held-back part of the FIRST training file (every k-th document,
//! `--holdout`), never on the development files: those are scored once, with the model that
//! is written, for the report. The model written is then trained again on all the training
//! documents, held-back part included, for that many epochs (`--no-refit` keeps it out).
//! Further training files (other gold sources) are added to the training set whole, or their
//! first N documents with `FILE:N`. Silver files (`--silver`, machine-labelled data such as
//! WikiNEuRal) are trained on too, each with weights of its own besides the shared ones, which
//! the model written leaves out (see `Settings::sources`). `--labels` keeps only
//! some entity types (a PER/ORG/LOC model from data that also marks MISC). The output is
//! deterministic for a fixed `--seed`.

use clap::Parser;
use newslens::ner::gazetteer::Gazetteer;
use newslens::ner::train::{GoldDoc, Settings, ascii_copy, evaluate, example, read_jsonl, train};
use std::process::ExitCode;
use std::time::Instant;

/// Trains the newslens named-entity tagger (averaged perceptron, BILOU, Viterbi).
#[derive(Parser, Debug)]
#[command(name = "train-ner")]
struct Args {
    /// Language of the texts, ISO 639-3 (eng, deu, zho, ...).
    #[arg(long)]
    lang: String,
    /// Training file (JSONL: id, text, entities), `FILE` or `FILE:N` for its first N
    /// documents; repeat for several. The held-back part comes from the first.
    #[arg(long, required = true)]
    train: Vec<String>,
    /// Development file, scored once with the written model (not used to choose anything);
    /// repeat for several.
    #[arg(long)]
    dev: Vec<String>,
    /// Where to write the model.
    #[arg(long)]
    out: std::path::PathBuf,
    /// Share of the first training file's documents held back to choose the epoch.
    #[arg(long, default_value_t = 0.1)]
    holdout: f64,
    /// Entity types to learn (the others are left out of training and scoring).
    #[arg(long, default_value = "PER,ORG,LOC,MISC")]
    labels: String,
    /// Keep the held-back part out of the model written (no second training on all documents):
    /// for a language whose only figure is that part.
    #[arg(long)]
    no_refit: bool,
    /// Passes over the training data.
    #[arg(long, default_value_t = 20)]
    epochs: u32,
    /// Seed of the sentence order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Drop features seen fewer times than this in training.
    #[arg(long, default_value_t = 2)]
    min_count: u32,
    /// Also train on a copy of each Latin-script document of the first training file with its
    /// non-ASCII characters removed (`Prsident` for `Präsident`), so text that lost its umlauts or
    /// accents in a conversion is read too. The held-back part's copies join only the refit.
    #[arg(long)]
    ascii_copies: bool,
    /// Drop weights smaller than this (in averaged perceptron updates).
    #[arg(long, default_value_t = 0.0)]
    prune: f32,
    /// Silver training file (`FILE` or `FILE:N`; repeat for several): trained on like `--train`,
    /// but each also learns weights of its own that the model written leaves out (domain
    /// adaptation), so what only that data does — entities it leaves unmarked, another
    /// annotation guide — stays out of the shared weights.
    #[arg(long)]
    silver: Vec<String>,
    /// Train this many perceptrons side by side, each on its own order of the sentences
    /// (seeds `--seed`, `--seed` + 1, …), and write the mean of their weights.
    #[arg(long, default_value_t = 1)]
    orders: u32,
}

/// Reads `FILE` or `FILE:N` (its first N documents), keeping only entities of `labels`.
fn read(spec: &str, labels: &[&str]) -> Result<Vec<GoldDoc>, String> {
    let (path, limit) = match spec.rsplit_once(':') {
        Some((p, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            (p, n.parse::<usize>().ok())
        }
        _ => (spec, None),
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut docs = read_jsonl(&text).map_err(|e| format!("{path}: {e}"))?;
    if let Some(n) = limit {
        docs.truncate(n);
    }
    for d in &mut docs {
        d.entities.retain(|e| labels.contains(&e.label.as_str()));
    }
    Ok(docs)
}

fn main() -> ExitCode {
    let a = Args::parse();
    let Some(lang) = newslens::language::parse_code(&a.lang) else {
        eprintln!("train-ner: unknown language {:?}", a.lang);
        return ExitCode::from(2);
    };
    let labels: Vec<&str> = a.labels.split(',').map(str::trim).collect();
    if let Some(bad) = labels
        .iter()
        .find(|l| !newslens::ner::model::TYPES.contains(l))
    {
        eprintln!("train-ner: unknown label {bad:?}; use PER, ORG, LOC, MISC");
        return ExitCode::from(2);
    }
    if !(0.0..0.5).contains(&a.holdout) {
        eprintln!("train-ner: --holdout must be at least 0 and below 0.5");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for spec in a.train.iter().chain(&a.silver).chain(&a.dev) {
        match read(spec, &labels) {
            Ok(docs) => files.push(docs),
            Err(e) => {
                eprintln!("train-ner: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let dev_files = files.split_off(a.train.len() + a.silver.len());
    let t0 = Instant::now();
    let gaz = Gazetteer::builtin();
    // every k-th document of the first file is held back to choose the epoch
    let every = if a.holdout > 0.0 {
        (1.0 / a.holdout).round() as usize
    } else {
        usize::MAX
    };
    let (mut train_ex, mut held_ex, mut held_copies) = (Vec::new(), Vec::new(), Vec::new());
    let mut entities = 0;
    let mut copies = 0;
    for (f, docs) in files.iter().enumerate() {
        for (k, d) in docs.iter().enumerate() {
            // gold files share the weights; silver file k has its own too
            let source = f.saturating_sub(a.train.len() - 1) as u32;
            let mut ex = example(d, lang, &gaz);
            ex.source = source;
            let copy = (a.ascii_copies && f == 0)
                .then(|| ascii_copy(d))
                .flatten()
                .map(|c| example(&c, lang, &gaz));
            copies += copy.is_some() as usize;
            if f == 0 && k % every == every - 1 {
                held_ex.push(ex);
                held_copies.extend(copy);
            } else {
                entities += d.entities.len();
                train_ex.push(ex);
                train_ex.extend(copy);
            }
        }
    }
    if a.ascii_copies {
        eprintln!("train-ner: {copies} documents also copied without their non-ASCII characters");
    }
    let mis: usize = train_ex.iter().map(|e| e.misaligned).sum();
    eprintln!(
        "train-ner: {} training docs, {entities} entities ({mis} not on token boundaries, left out); {} held back to choose the epoch; prepared in {:.1} s",
        train_ex.len(),
        held_ex.len(),
        t0.elapsed().as_secs_f64()
    );
    let settings = Settings {
        lang,
        epochs: a.epochs,
        seed: a.seed,
        min_count: a.min_count,
        prune: a.prune,
        sources: 1 + a.silver.len() as u32,
        orders: a.orders.max(1),
    };
    let chosen = train(&train_ex, &held_ex, &settings, &mut |line| {
        eprintln!("train-ner: {line}")
    });
    let heldout = chosen.dev.clone();
    let epochs = chosen.model.epoch;
    let trained = if a.no_refit {
        eprintln!("train-ner: epoch {epochs} chosen; the held-back part stays out");
        chosen
    } else {
        // the same number of epochs again, on every training document
        train_ex.append(&mut held_ex);
        train_ex.append(&mut held_copies);
        eprintln!(
            "train-ner: epoch {epochs} chosen; training again on all {} documents",
            train_ex.len()
        );
        let refit = Settings { epochs, ..settings };
        train(&train_ex, &[], &refit, &mut |line| {
            eprintln!("train-ner: {line}")
        })
    };
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
    println!("held back (chose the epoch; scored before training again on it):");
    print!("{}", heldout.table());
    println!("heldout_f1={:.4}", heldout.micro().2);
    for (spec, docs) in a.dev.iter().zip(&dev_files) {
        let ex: Vec<_> = docs.iter().map(|d| example(d, lang, &gaz)).collect();
        let scores = evaluate(&trained.model, &ex);
        println!("{spec} (token level, before the pipeline's filters):");
        print!("{}", scores.table());
        println!("dev_f1={:.4}", scores.micro().2);
    }
    ExitCode::SUCCESS
}
