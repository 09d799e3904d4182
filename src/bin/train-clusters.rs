//! `train-clusters`: learns word clusters from unlabeled text and writes a clusters file.
//!
//! ```sh
//! cargo run --release --bin train-clusters -- --lang deu \
//!     --text ../shared/bench/10kgnad-de --text ../shared/eval/ner/conll2003_de/train.jsonl \
//!     --out models/clusters-deu.bin
//! ```
//!
//! Each `--text` is a `.txt` file (one document), a `.jsonl` file (the `text` field of each
//! line; labels, if any, are ignored) or a folder of them (read recursively, in name order).
//! `--mixed` takes the same kinds of paths for multilingual text: only the documents the
//! language detector finds in `--lang` are used. The output is deterministic. See
//! `newslens::ner::clusters` for the algorithm; the tagger reads the clusters of its
//! language as features, so retrain the NER model after changing them.

use clap::Parser;
use newslens::ner::clusters::{self, Counts, DEFAULT_CLASSES, LEVELS};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Learns newslens word clusters (predictive exchange) from unlabeled text.
#[derive(Parser, Debug)]
#[command(name = "train-clusters")]
struct Args {
    /// Language of the texts, ISO 639-3 (eng, deu, zho, ...).
    #[arg(long)]
    lang: String,
    /// A text file, a JSONL file (`text` field) or a folder of them, all in `--lang`; repeat
    /// for several.
    #[arg(long)]
    text: Vec<PathBuf>,
    /// Like `--text`, for text in several languages: only documents detected as `--lang`.
    #[arg(long)]
    mixed: Vec<PathBuf>,
    /// Where to write the clusters.
    #[arg(long)]
    out: PathBuf,
    /// Number of classes at each of the three granularities, comma-separated.
    #[arg(long, default_value = "32,128,512")]
    classes: String,
    /// Words seen fewer times get no class.
    #[arg(long, default_value_t = 2)]
    min_count: u64,
    /// Most passes of the exchange algorithm.
    #[arg(long, default_value_t = 15)]
    passes: usize,
}

/// The files under `p` (itself if a file), in name order.
fn files(p: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            files(&e, out)?;
        }
    } else if matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("txt" | "jsonl")
    ) {
        out.push(p.to_path_buf());
    }
    Ok(())
}

/// The documents of one file.
fn documents(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
        return Ok(vec![text]);
    }
    let mut docs = Vec::new();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: not JSON ({e})", path.display(), k + 1))?;
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            docs.push(t.to_string());
        }
    }
    Ok(docs)
}

fn main() -> ExitCode {
    let a = Args::parse();
    let Some(lang) = newslens::language::parse_code(&a.lang) else {
        eprintln!("train-clusters: unknown language {:?}", a.lang);
        return ExitCode::from(2);
    };
    let sizes: Vec<u16> = a
        .classes
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|&c| c > 0)
        .collect();
    let Ok(sizes): Result<[u16; LEVELS], _> = sizes.try_into() else {
        eprintln!(
            "train-clusters: --classes needs {LEVELS} positive numbers, e.g. {DEFAULT_CLASSES:?}"
        );
        return ExitCode::from(2);
    };
    // (file, whether its documents' language must be checked)
    let mut paths = Vec::new();
    for (p, mixed) in a
        .text
        .iter()
        .map(|p| (p, false))
        .chain(a.mixed.iter().map(|p| (p, true)))
    {
        let mut found = Vec::new();
        if let Err(e) = files(p, &mut found) {
            eprintln!("train-clusters: {}: {e}", p.display());
            return ExitCode::from(2);
        }
        paths.extend(found.into_iter().map(|f| (f, mixed)));
    }
    if paths.is_empty() {
        eprintln!("train-clusters: no .txt or .jsonl file in --text or --mixed");
        return ExitCode::from(2);
    }
    let t0 = Instant::now();
    let mut counts = Counts::default();
    let (mut kept, mut other) = (0usize, 0usize);
    for (p, mixed) in &paths {
        let docs = match documents(p) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("train-clusters: {e}");
                return ExitCode::from(2);
            }
        };
        for d in docs {
            let text = newslens::normalize::normalize(&d);
            if *mixed && newslens::language::detect_language(&text).code != lang {
                other += 1;
                continue;
            }
            counts.add_text(&text, lang);
            kept += 1;
        }
    }
    eprintln!(
        "train-clusters: {} files, {kept} documents in {lang} ({other} in other languages left out), {} tokens, {} distinct words; read in {:.1} s",
        paths.len(),
        counts.tokens(),
        counts.distinct(),
        t0.elapsed().as_secs_f64()
    );
    let t1 = Instant::now();
    let cl = clusters::learn(lang, &counts, sizes, a.min_count, a.passes);
    let bytes = cl.to_bytes();
    if let Err(e) = std::fs::write(&a.out, &bytes) {
        eprintln!("train-clusters: {}: {e}", a.out.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "train-clusters: {} words classed into {sizes:?} classes in {:.1} s; wrote {} ({:.2} MB)",
        cl.len(),
        t1.elapsed().as_secs_f64(),
        a.out.display(),
        bytes.len() as f64 / 1e6
    );
    ExitCode::SUCCESS
}
