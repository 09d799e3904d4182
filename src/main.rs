//! The `newslens` command line: parses arguments, draws progress, prints the summary and sets
//! the exit status (0 all inputs processed, 1 some skipped, 2 fatal error). All the work is in
//! the library.

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use newslens::input::ReadOptions;
use newslens::keywords::Method;
use newslens::pipeline::Options;
use newslens::run::{Progress, RunConfig, Summary, run};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

const OUTPUTS: &str = "\
OUTPUT FILES (in the output folder; CSV, UTF-8, header row always present):
  documents.csv     doc_id, source, title, published, language, language_confidence, chars,
                    sentences, tokens, words, unique_terms, language_reliable, languages, url,
                    path, line — one row per article, sorted by doc_id; languages = shares
                    of letters per paragraph, largest first (eng:0.86;zho:0.14); each
                    paragraph is segmented, stopped and stemmed in its own language
  terms.csv         doc_id, term, stem, n, count, tf, df, idf, tfidf
                    — content terms (n = 1, 2, 3 words) per article, by doc_id then count
  keywords.csv      doc_id, method, rank, keyword, score, count, first_start
                    — the top --keywords phrases per article and method (combined, yake,
                    tfidf, textrank, rake), by doc_id, method, rank; keyword = the phrase as
                    most often written in the article; score: higher is better, except
                    yake (lower is better); count = occurrences in the article;
                    first_start = offset of the first one
  corpus_terms.csv  term, stem, n, language, docs, count, idf
                    — every term of the corpus, by docs then count
  mentions.csv      doc_id, start, end, text, label, entity, sentence, method, value
                    — every mention of a person (PER), organisation (ORG), place (LOC), other
                    name (MISC), DATE, TIME, MONEY, PERCENT or QUANTITY, by doc_id then start;
                    entity = the canonical name of its entity (named mentions only);
                    method = model, rule or gazetteer; value = ISO date (2023-08-01, 2023-07),
                    24-hour time, amount and currency (1200000000 USD), percent, amount and unit
  entities.csv      doc_id, entity, label, mentions, first_start, aliases
                    — named entities per article (aliases ;-joined: MSS, U.S., Chen), by
                    doc_id then mentions (descending) then entity
  corpus_entities.csv  entity, label, docs, mentions, aliases
                    — every named entity of the corpus, by mentions (descending) then entity
  diagnostics.csv   path, line, severity, message
                    — every input skipped (error) or repaired (warning); an info row with an
                    empty path counts articles in languages without an NER model (models:
                    eng, spa, nld; the others get rule and gazetteer entities only)
  sentences.csv     doc_id, sentence, start, end                     (with --emit sentences)
  tokens.csv        doc_id, sentence, token, start, end, text, kind, lower, stem, stopword
                                                                     (with --emit tokens)
  run.json          version, arguments, counts, languages, files, seconds per stage
                    — written last: its presence means the run completed

start/end are 0-based Unicode code-point offsets into the document text, end exclusive.
tf = count / words; idf = ln((1 + N) / (1 + df)) + 1; tfidf = tf * idf.
Text cells starting with = + - @ tab or CR get a leading ' so spreadsheets do not run them.

EXIT STATUS: 0 every input processed; 1 finished, some inputs skipped (see diagnostics.csv);
2 fatal error (no inputs, output folder not writable, bad option).";

/// newslens: a folder of news articles in, spreadsheet-ready tables out.
///
/// Reads plain-text articles (.txt, .md), JSONL and CSV files of many articles, detects each
/// article's language, splits sentences and tokens, counts terms (TF, DF, TF-IDF, n-grams), and
/// finds people, organisations, places, dates and amounts with their aliases.
/// With no command it runs `newslens run` on seeds/ and corpus/ into output/.
#[derive(Parser, Debug)]
#[command(name = "newslens", version, args_conflicts_with_subcommands = true, after_long_help = OUTPUTS)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse articles and write the CSV tables (the default command).
    #[command(after_long_help = OUTPUTS)]
    Run(RunArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Emit {
    /// sentences.csv: one row per sentence
    Sentences,
    /// tokens.csv: one row per token (large: about 10 rows per 60 bytes of text)
    Tokens,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum KeywordMethod {
    /// corpus idf of its words x how often it stands alone, position, case, YAKE
    Combined,
    /// YAKE statistical features (Campos et al. 2020)
    Yake,
    /// phrase tf-idf against the corpus
    Tfidf,
    /// TextRank co-occurrence graph (Mihalcea & Tarau 2004)
    Textrank,
    /// RAKE degree/frequency (Rose et al. 2010)
    Rake,
}

impl KeywordMethod {
    fn method(self) -> Method {
        match self {
            KeywordMethod::Combined => Method::Combined,
            KeywordMethod::Yake => Method::Yake,
            KeywordMethod::Tfidf => Method::Tfidf,
            KeywordMethod::Textrank => Method::Textrank,
            KeywordMethod::Rake => Method::Rake,
        }
    }
}

#[derive(Args, Debug, Default)]
struct RunArgs {
    /// Files and folders to read [default: seeds corpus]. Folders are read recursively.
    inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "output")]
    output: PathBuf,
    /// Worker threads; 0 = all cores.
    #[arg(short, long, default_value_t = 0)]
    jobs: usize,
    /// Language of every article (ISO 639-3 like eng, fra, deu; or 639-1), skipping detection.
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,
    /// Candidate languages for detection (comma-separated ISO 639-3 or 639-1 codes, e.g.
    /// eng,fra,deu): restricting them to the languages a corpus can contain raises accuracy,
    /// above all on short texts. Ignored with --lang.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    languages: Vec<String>,
    /// Also write these large tables (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "TABLES")]
    emit: Vec<Emit>,
    /// Keywords per article per method in keywords.csv; 0 = no keywords.
    #[arg(long, value_name = "N", default_value_t = 20)]
    keywords: usize,
    /// Keyword methods (comma-separated) [default: combined,yake,tfidf,textrank,rake].
    #[arg(long, value_delimiter = ',', value_name = "METHODS")]
    keyword_methods: Vec<KeywordMethod>,
    /// Column of CSV inputs holding the article text.
    #[arg(long, value_name = "NAME")]
    text_column: Option<String>,
    /// Field delimiter of CSV inputs (default: detected from the header line).
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<char>,
    /// Longest document analysed, in bytes; a longer one is cut (at a paragraph end where
    /// possible) and reported in diagnostics.csv.
    #[arg(long, value_name = "BYTES", default_value_t = newslens::input::DEFAULT_MAX_DOC_BYTES)]
    max_doc_bytes: usize,
    /// Start every CSV with a UTF-8 byte-order mark, so Excel shows accents correctly.
    #[arg(long)]
    bom: bool,
    /// Extra names for NER: a CSV file with columns name,label (PER, ORG, LOC, MISC) and an
    /// optional canonical column; they bias the tagger and are matched exactly.
    #[arg(long, value_name = "FILE.csv")]
    gazetteer: Option<PathBuf>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    quiet: bool,
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, done: u64, docs: u64) {
        self.0.set_position(done);
        self.0.set_message(format!("{docs} docs"));
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("newslens: error: {msg}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Run(a)) => a,
        None => cli.run,
    };
    let lang = match args.lang.as_deref() {
        Some(code) => match newslens::language::parse_code(code) {
            Some(c) => Some(c),
            None => {
                return fail(format!(
                    "--lang {code}: unknown language code; use an ISO 639-3 code such as eng, fra, deu, spa, zho"
                ));
            }
        },
        None => None,
    };
    let mut codes = Vec::new();
    for code in &args.languages {
        match newslens::language::parse_code(code) {
            Some(c) => codes.push(c),
            None => {
                return fail(format!(
                    "--languages {code}: unknown language code; use ISO 639-3 codes such as eng,fra,deu,spa,zho"
                ));
            }
        }
    }
    let languages = if codes.is_empty() {
        None
    } else {
        newslens::language::Detector::new(&codes)
    };
    let delimiter = match args.delimiter {
        Some(c) if c.is_ascii() => Some(c as u8),
        Some(c) => {
            return fail(format!(
                "--delimiter {c:?}: must be a single ASCII character such as , ; or tab"
            ));
        }
        None => None,
    };
    let inputs = if args.inputs.is_empty() {
        let defaults: Vec<PathBuf> = ["seeds", "corpus"]
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.exists())
            .collect();
        if defaults.is_empty() {
            return fail(
                "no inputs: neither seeds/ nor corpus/ exists here; name files or folders: newslens run PATH...",
            );
        }
        defaults
    } else {
        args.inputs.clone()
    };
    let cfg = RunConfig {
        inputs,
        output: args.output.clone(),
        jobs: args.jobs,
        pipeline: Options {
            lang,
            languages,
            emit_tokens: args.emit.contains(&Emit::Tokens),
            emit_sentences: args.emit.contains(&Emit::Sentences),
            keywords: args.keywords,
            keyword_methods: if args.keyword_methods.is_empty() {
                Method::ALL.to_vec()
            } else {
                Method::ALL
                    .into_iter()
                    .filter(|m| args.keyword_methods.iter().any(|k| k.method() == *m))
                    .collect()
            },
            ..Options::default()
        },
        read: ReadOptions {
            text_column: args.text_column.clone(),
            delimiter,
            max_doc_bytes: args.max_doc_bytes.max(1),
        },
        bom: args.bom,
        arguments: std::env::args().collect(),
        gazetteer: args.gazetteer.clone(),
    };
    let bar = if !args.quiet && std::io::stderr().is_terminal() {
        let pb = ProgressBar::new(0);
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(Bar(pb))
    } else {
        None
    };
    let progress: &dyn Progress = match &bar {
        Some(b) => b,
        None => &newslens::run::NoProgress,
    };
    match run(&cfg, progress) {
        Ok(summary) => {
            if !args.quiet {
                print_summary(&summary);
            }
            if summary.errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => fail(e),
    }
}

fn print_summary(s: &Summary) {
    let langs = s
        .languages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mb = s.input_bytes as f64 / 1e6;
    eprintln!(
        "newslens: {} documents ({langs}) from {} in {:.2} s ({:.1} MB/s)",
        s.documents,
        human_bytes(s.input_bytes),
        s.seconds,
        if s.seconds > 0.0 { mb / s.seconds } else { 0.0 }
    );
    if s.errors + s.warnings > 0 {
        eprintln!(
            "  {} inputs skipped, {} repaired — details in {}",
            s.errors,
            s.warnings,
            s.output.join("diagnostics.csv").display()
        );
        for d in s
            .diagnostics
            .iter()
            .filter(|d| d.severity != newslens::diagnostics::Severity::Info)
            .take(5)
        {
            eprintln!("  {d}");
        }
    }
    eprintln!("  wrote {}: {}", s.output.display(), s.files.join(", "));
}

fn human_bytes(b: u64) -> String {
    match b {
        0..1_000 => format!("{b} B"),
        1_000..1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        _ => format!("{:.2} GB", b as f64 / 1e9),
    }
}
