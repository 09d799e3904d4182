//! The `newslens` command line: parses arguments, draws progress, prints the summary and sets
//! the exit status (0 all inputs processed, 1 some skipped, 2 fatal error). All the work is in
//! the library.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// mimalloc instead of the system allocator: the pipeline makes many small short-lived
/// allocations on several threads (glibc's malloc was a fifth of a BBC run's cycles). Built
/// with `no_thp`: mimalloc otherwise asks for transparent huge pages, and the kernel zeroes
/// 2 MiB at each first touch — two thirds of a one-article run's CPU time (0.10–0.13 s wall
/// with them, 0.04–0.05 s without), for no measurable gain on the BBC set and 15 % more
/// memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use indicatif::{ProgressBar, ProgressStyle};
use newslens::compare::{Bucket, GroupBy};
use newslens::input::ReadOptions;
use newslens::keywords::Method;
use newslens::mapreduce::{MapConfig, MapInput, map, reduce};
use newslens::pipeline::Options;
use newslens::run::{Progress, RunConfig, Summary, run};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// The long help's reference of output files: the tables' definitions
/// ([`newslens::schema::help`]), then the files that are not tables.
fn outputs() -> String {
    newslens::schema::help()
        + "\
OTHER FILES
  newslens.xlsx     the tables as one Excel workbook (not with --no-workbook): an about sheet
                    (each sheet's file and rows, what was left out), then one sheet per table
                    the run wrote (terms, mentions, sentences and tokens stay files only);
                    frozen bold header, autofilter, numbers as numbers, text as text (no '
                    guard); at most 1,048,575 rows a sheet; a heat map on the coverage matrix
  report.html       the run at a glance, one self-contained page (not with --no-report): no
                    network, scripts or fonts; corpus summary, entity x document heat map,
                    nearest-neighbour articles, keyphrases per source, keyness per group,
                    collocations (with --tables collocations), timeline
  run.json          version, arguments, counts, languages, files, seconds per stage
                    — written last: its presence means the run completed

start/end are 0-based Unicode code-point offsets into the document text, end exclusive.
Text cells starting with = + - @ tab or CR get a leading ' so spreadsheets do not run them.

EXIT STATUS: 0 every input processed; 1 finished, some inputs skipped (see diagnostics.csv);
2 fatal error (no inputs, output folder not writable, bad option)."
}

/// newslens: a folder of news articles in, spreadsheet-ready tables out.
///
/// Reads plain-text articles (.txt, .md), JSONL and CSV files of many articles, detects each
/// article's language, splits sentences and tokens, counts terms (TF, DF, TF-IDF, n-grams), and
/// finds people, organisations, places, dates and amounts with their aliases.
/// With no command it runs `newslens run` on seeds/ and corpus/ into output/.
#[derive(Parser, Debug)]
#[command(name = "newslens", version, args_conflicts_with_subcommands = true, after_long_help = outputs())]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse articles and write the CSV tables (the default command).
    #[command(after_long_help = outputs())]
    Run(RunArgs),
    /// Run the per-document stages on articles read from standard input and write one JSON
    /// record per document (and per skipped input) to standard output, for `newslens reduce`.
    /// Exit status 0 when the whole stream was written (skipped inputs are records in it).
    #[command(after_long_help = MAP_FORMAT)]
    Map(MapArgs),
    /// Merge the outputs of `newslens map` (in input order) and write the tables, exactly as
    /// `newslens run` on the same input.
    #[command(after_long_help = outputs())]
    Reduce(ReduceArgs),
}

const MAP_FORMAT: &str = "\
MAP OUTPUT (one JSON object per line; the README's \"Running on a cluster\" has every field):
  {\"header\": {...}}  the map-side options (format newslens-map/1); every shard given to one
                      reduce must have the same header
  {\"doc\": {...}}     one per document, in input order: id, path, line, title, published,
                      source, url, lang, counts, terms [[n, stem, count, first_start,
                      [[form, count]]]], keywords (base64), mention/entity rows, entities
                      [[name, label, mentions, first_start, [aliases]]], word pairs, text
  {\"diag\": {...}}    one per skipped or repaired input: path, line, severity, message
  {\"end\": {...}}     documents, diagnostics, input_bytes — a shard without it is refused

EXAMPLES:
  newslens map < feed.jsonl > shard.jsonl && newslens reduce shard.jsonl -o out
  split -n l/4 -d feed.jsonl part. && parallel 'newslens map -j1 --path feed.jsonl < {} > {}.map' ::: part.0?
  newslens reduce part.00.map part.01.map part.02.map part.03.map -o out
  (give --first-line to number a part's lines as in the whole file)";

/// The tables a run writes only when asked (see [`newslens::schema`]).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum OptIn {
    /// terms.csv: every term of every article with tf, df, idf, tf-idf (large)
    Terms,
    /// kwic.csv: keyword in context for the top entities and keyphrases
    Kwic,
    /// collocations.csv: word pairs that occur together more than by chance
    Collocations,
    /// sentences.csv: one row per sentence
    Sentences,
    /// tokens.csv: one row per token (large: about 10 rows per 60 bytes of text)
    Tokens,
    /// texts.csv: each article's text as analysed (for a web page, what was extracted)
    #[value(alias = "text")]
    Texts,
}

impl OptIn {
    fn table(self) -> &'static newslens::schema::TableDef {
        use newslens::schema;
        match self {
            OptIn::Terms => &schema::TERMS,
            OptIn::Kwic => &schema::KWIC,
            OptIn::Collocations => &schema::COLLOCATIONS,
            OptIn::Sentences => &schema::SENTENCES,
            OptIn::Tokens => &schema::TOKENS,
            OptIn::Texts => &schema::TEXTS,
        }
    }
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
    /// PositionRank: position-biased PageRank (Florescu & Caragea 2017)
    Positionrank,
}

impl KeywordMethod {
    fn method(self) -> Method {
        match self {
            KeywordMethod::Combined => Method::Combined,
            KeywordMethod::Yake => Method::Yake,
            KeywordMethod::Tfidf => Method::Tfidf,
            KeywordMethod::Textrank => Method::Textrank,
            KeywordMethod::Rake => Method::Rake,
            KeywordMethod::Positionrank => Method::Positionrank,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
enum FormatArg {
    /// CSV files, UTF-8, a header row
    #[default]
    Csv,
    /// Apache Parquet files: typed columns, dictionary-encoded text, Snappy
    Parquet,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Timeline {
    /// the publication date
    #[default]
    Day,
    /// the Monday of the ISO week
    Week,
    /// the first of the month
    Month,
}

fn parse_group_by(s: &str) -> Result<GroupBy, String> {
    match s {
        "source" => Ok(GroupBy::Source),
        "language" => Ok(GroupBy::Language),
        "published:month" => Ok(GroupBy::PublishedMonth),
        "" => Err("empty; use source, language, published:month or a JSONL/CSV field name".into()),
        f if f.contains(':') => Err(format!(
            "unknown group {f:?}; use source, language, published:month or a JSONL/CSV field name"
        )),
        f => Ok(GroupBy::Field(f.to_lowercase())),
    }
}

#[derive(Args, Debug, Default)]
struct RunArgs {
    /// Files and folders to read [default: seeds corpus]. Folders are read recursively.
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    analysis: AnalysisArgs,
    #[command(flatten)]
    tables: TableArgs,
}

/// What the per-document stages do (the map side: `newslens map` takes these).
#[derive(Args, Debug, Default)]
struct AnalysisArgs {
    /// Language of every article (ISO 639-3 like eng, fra, deu; or 639-1), skipping detection.
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,
    /// Candidate languages for detection (comma-separated ISO 639-3 or 639-1 codes, e.g.
    /// eng,fra,deu): restricting them to the languages a corpus can contain raises accuracy,
    /// above all on short texts. Ignored with --lang.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    languages: Vec<String>,
    /// Also write these opt-in tables (comma-separated); the default ones are always written.
    #[arg(long, value_delimiter = ',', value_name = "TABLES")]
    tables: Vec<OptIn>,
    /// The same as --tables (kept for older scripts).
    #[arg(long, value_delimiter = ',', value_name = "TABLES", hide = true)]
    emit: Vec<OptIn>,
    /// Write every table whole: the opt-in tables, every term in corpus_terms.csv, and the
    /// keyword methods combined,yake,tfidf,textrank,rake (unless --keyword-methods says).
    #[arg(long)]
    all_tables: bool,
    /// Longest terms in terms.csv, in words (1, 2 or 3).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=3))]
    ngrams: u8,
    /// Least number of articles using a term of two or three words for corpus_terms.csv to
    /// list it (in a smaller corpus: used twice) [default: 3; 1 with --all-tables]; 1 = every
    /// term.
    #[arg(long, value_name = "N")]
    corpus_terms_min_docs: Option<u64>,
    /// Keywords per article per method in keywords.csv; 0 = no keywords.
    #[arg(long, value_name = "N", default_value_t = 20)]
    keywords: usize,
    /// Keyword methods (comma-separated) [default: combined; with --all-tables
    /// combined,yake,tfidf,textrank,rake; positionrank on request].
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
    /// Extra names for NER: a CSV file with columns name,label (PER, ORG, LOC, MISC) and
    /// optional canonical and id columns; they bias the tagger and are matched exactly; rows
    /// with one id are one entity across languages (the id column of the entity tables).
    #[arg(long, value_name = "FILE.csv")]
    gazetteer: Option<PathBuf>,
    /// Do not write the compare tables (coverage, coverage_matrix, similarity, keyness,
    /// collocations, kwic, timeline).
    #[arg(long)]
    no_compare: bool,
    /// Characters of context on each side of a match in kwic.csv.
    #[arg(long, value_name = "CHARS", default_value_t = 60)]
    kwic_width: usize,
    /// Collocation window: word pairs at most N-1 tokens apart in a sentence.
    #[arg(long, value_name = "N", default_value_t = 5)]
    collocation_window: usize,
}

/// How the tables are written (the reduce side: `newslens reduce` takes these).
#[derive(Args, Debug, Default)]
struct TableArgs {
    /// Output folder.
    #[arg(short, long, default_value = "output")]
    output: PathBuf,
    /// Worker threads; 0 = all cores.
    #[arg(short, long, default_value_t = 0)]
    jobs: usize,
    /// Start every CSV with a UTF-8 byte-order mark, so Excel shows accents correctly.
    #[arg(long)]
    bom: bool,
    /// File format of the tables: csv (opens in a spreadsheet) or parquet (typed columns,
    /// compressed; for pandas, R arrow, DuckDB, polars, Spark). The workbook and the page are
    /// the same in both.
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    format: FormatArg,
    /// Do not write newslens.xlsx (the tables as one Excel workbook).
    #[arg(long)]
    no_workbook: bool,
    /// Rows per sheet of newslens.xlsx (each sheet holds a table's first rows; its file has
    /// all); 0 = as many as Excel takes (1,048,575).
    #[arg(long, value_name = "N", default_value_t = newslens::report::workbook::DEFAULT_ROWS)]
    workbook_rows: u32,
    /// Do not write report.html (the run at a glance).
    #[arg(long)]
    no_report: bool,
    /// Entities in coverage.csv: the top N by articles mentioning them.
    #[arg(long, value_name = "N", default_value_t = 500)]
    coverage_entities: usize,
    /// Keyphrases in coverage.csv: the top N by listed^2 / docs (articles listing them in
    /// keywords.csv, squared, over articles mentioning them).
    #[arg(long, value_name = "N", default_value_t = 200)]
    coverage_keyphrases: usize,
    /// One-word terms in coverage.csv: the top N by articles.
    #[arg(long, value_name = "N", default_value_t = 100)]
    coverage_terms: usize,
    /// Items (entities and keyphrases) in coverage_matrix.csv, timeline.csv and kwic.csv.
    #[arg(long, value_name = "N", default_value_t = 200)]
    matrix_items: usize,
    /// Most similar articles per article in similarity.csv.
    #[arg(long, value_name = "N", default_value_t = 10)]
    neighbours: usize,
    /// Key words per article and per group in keyness.csv.
    #[arg(long, value_name = "N", default_value_t = 20)]
    keyness_terms: usize,
    /// Time bucket of timeline.csv.
    #[arg(long, value_enum, default_value_t = Timeline::Day)]
    timeline: Timeline,
    /// Groups for keyness.csv and timeline.csv: source, language, published:month, or the name
    /// of a JSONL/CSV field of the records (articles without it are in no group).
    #[arg(long, value_name = "GROUP", value_parser = parse_group_by)]
    group_by: Option<GroupBy>,
    /// Similarity (estimated Jaccard of word 3-shingles, 0 to 1) from which two articles are
    /// copies of one story: duplicate_of in documents.csv, duplicates.csv.
    #[arg(long, value_name = "SIM", default_value_t = newslens::dedup::DEFAULT_THRESHOLD,
          value_parser = parse_threshold)]
    dup_threshold: f64,
    /// Count each cluster of copies once: in the corpus counts (df and tf-idf, corpus_terms,
    /// corpus_entities, corpus_sources, collocations) through the copy read first, in the
    /// compare tables (coverage, similarity, keyness, timeline, kwic) through its first copy
    /// (earliest published). Every article keeps its own rows in the other tables.
    #[arg(long)]
    dedup: bool,
    /// Least count of a word pair in collocations.csv.
    #[arg(long, value_name = "N", default_value_t = 3)]
    collocation_min: u64,
    /// Rows of collocations.csv (the strongest by log-likelihood).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    collocations: usize,
    /// No progress bar and no summary.
    #[arg(short, long)]
    quiet: bool,
}

/// `newslens map`: the per-document stages as a filter, standard input to standard output.
#[derive(Args, Debug)]
struct MapArgs {
    /// Standard input holds one JSON envelope per input file ({"path", "id", "folder",
    /// "content": base64 bytes}, as `newslens run` would find the file), not article records.
    #[arg(long)]
    files: bool,
    /// The file name shown for the JSONL records read (path column, FILE:LINE ids).
    #[arg(long, value_name = "NAME", default_value = "stdin")]
    path: String,
    /// The line number of the first JSONL record (for a shard of a larger file).
    #[arg(long, value_name = "N", default_value_t = 1)]
    first_line: u64,
    #[command(flatten)]
    analysis: AnalysisArgs,
    /// Keep this JSONL/CSV field with each document, for `newslens reduce --group-by FIELD`.
    #[arg(long, value_name = "FIELD")]
    group_by: Option<String>,
    /// Worker threads; 0 = all cores.
    #[arg(short, long, default_value_t = 0)]
    jobs: usize,
}

/// `newslens reduce`: map outputs in, the output folder of `newslens run` out.
#[derive(Args, Debug)]
struct ReduceArgs {
    /// Outputs of `newslens map`, in input order; - = standard input [default: -].
    shards: Vec<PathBuf>,
    #[command(flatten)]
    tables: TableArgs,
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
    match cli.command {
        Some(Command::Run(a)) => run_main(a),
        Some(Command::Map(m)) => map_main(m),
        Some(Command::Reduce(r)) => reduce_main(r),
        None => run_main(cli.run),
    }
}

/// The configuration of a run from its options; an error message for a bad one.
fn parse_threshold(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
        _ => Err(format!(
            "{s:?} is not a similarity; use a number above 0 and at most 1, such as 0.8"
        )),
    }
}

fn run_config(
    inputs: Vec<PathBuf>,
    a: &AnalysisArgs,
    t: &TableArgs,
    group_field: Option<String>,
) -> Result<RunConfig, String> {
    let lang = match a.lang.as_deref() {
        Some(code) => match newslens::language::parse_code(code) {
            Some(c) => Some(c),
            None => {
                return Err(format!(
                    "--lang {code}: unknown language code; use an ISO 639-3 code such as eng, fra, deu, spa, zho"
                ));
            }
        },
        None => None,
    };
    let mut codes = Vec::new();
    for code in &a.languages {
        match newslens::language::parse_code(code) {
            Some(c) => codes.push(c),
            None => {
                return Err(format!(
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
    let delimiter = match a.delimiter {
        Some(c) if c.is_ascii() => Some(c as u8),
        Some(c) => {
            return Err(format!(
                "--delimiter {c:?}: must be a single ASCII character such as , ; or tab"
            ));
        }
        None => None,
    };
    let mut tables = if a.all_tables {
        newslens::schema::Selection::all()
    } else {
        newslens::schema::Selection::default()
    };
    for t in a.tables.iter().chain(&a.emit) {
        tables.add(t.table());
    }
    Ok(RunConfig {
        inputs,
        output: t.output.clone(),
        jobs: t.jobs,
        pipeline: Options {
            lang,
            languages,
            tables,
            ngrams: a.ngrams as usize,
            corpus_terms_min_docs: a
                .corpus_terms_min_docs
                .unwrap_or(if a.all_tables {
                    1
                } else {
                    newslens::pipeline::CORPUS_TERMS_MIN_DOCS
                })
                .max(1),
            keywords: a.keywords,
            keyword_methods: if a.keyword_methods.is_empty() {
                if a.all_tables {
                    Method::ALL_TABLES.to_vec()
                } else {
                    Method::DEFAULT.to_vec()
                }
            } else {
                Method::ALL
                    .into_iter()
                    .filter(|m| a.keyword_methods.iter().any(|k| k.method() == *m))
                    .collect()
            },
            compare: newslens::compare::Settings {
                enabled: !a.no_compare,
                entities: t.coverage_entities,
                keyphrases: t.coverage_keyphrases,
                terms: t.coverage_terms,
                matrix_items: t.matrix_items,
                neighbours: t.neighbours,
                keyness_terms: t.keyness_terms,
                kwic_width: a.kwic_width,
                timeline: match t.timeline {
                    Timeline::Day => Bucket::Day,
                    Timeline::Week => Bucket::Week,
                    Timeline::Month => Bucket::Month,
                },
                group_by: t.group_by.clone(),
                window: a.collocation_window.max(2),
                collocation_min: t.collocation_min,
                collocations: t.collocations,
            },
            ..Options::default()
        },
        read: ReadOptions {
            text_column: a.text_column.clone(),
            delimiter,
            max_doc_bytes: a.max_doc_bytes.max(1),
            group_field,
        },
        bom: t.bom,
        format: match t.format {
            FormatArg::Csv => newslens::schema::Format::Csv,
            FormatArg::Parquet => newslens::schema::Format::Parquet,
        },
        arguments: std::env::args().collect(),
        gazetteer: a.gazetteer.clone(),
        workbook: !t.no_workbook,
        workbook_rows: match t.workbook_rows {
            0 => newslens::report::workbook::MAX_ROWS,
            n => n,
        },
        report: !t.no_report,
        dup_threshold: t.dup_threshold,
        dedup: t.dedup,
    })
}

fn run_main(args: RunArgs) -> ExitCode {
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
    let group_field = match &args.tables.group_by {
        Some(GroupBy::Field(f)) => Some(f.clone()),
        _ => None,
    };
    let cfg = match run_config(inputs, &args.analysis, &args.tables, group_field) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    with_progress(&args.tables, |p| run(&cfg, p))
}

fn map_main(args: MapArgs) -> ExitCode {
    let group_field = match args.group_by.as_deref().map(parse_group_by) {
        Some(Ok(GroupBy::Field(f))) => Some(f),
        Some(Ok(_)) | None => None,
        Some(Err(e)) => return fail(format!("--group-by: {e}")),
    };
    let tables = TableArgs {
        jobs: args.jobs,
        ..TableArgs::default()
    };
    let cfg = match run_config(Vec::new(), &args.analysis, &tables, group_field) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let map_cfg = MapConfig {
        pipeline: cfg.pipeline,
        read: cfg.read,
        jobs: args.jobs,
        gazetteer: cfg.gazetteer,
        input: if args.files {
            MapInput::Files
        } else {
            MapInput::Records {
                path: args.path.clone(),
                first_line: args.first_line,
            }
        },
    };
    match map(&map_cfg, std::io::stdin().lock(), std::io::stdout().lock()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn reduce_main(args: ReduceArgs) -> ExitCode {
    let shards = if args.shards.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.shards.clone()
    };
    let cfg = match run_config(shards, &AnalysisArgs::default(), &args.tables, None) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    with_progress(&args.tables, |p| reduce(&cfg, p))
}

/// Runs `job` with a progress bar (when stderr is a terminal and not `-q`), then prints the
/// summary and gives the exit status.
fn with_progress(
    args: &TableArgs,
    job: impl FnOnce(&dyn Progress) -> Result<Summary, newslens::run::RunError>,
) -> ExitCode {
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
    match job(progress) {
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
    if s.copies > 0 {
        let by_wire = s
            .copies_by_wire
            .iter()
            .map(|(w, n)| format!("{} {n}", if w.is_empty() { "no agency" } else { w }))
            .collect::<Vec<_>>()
            .join(", ");
        eprintln!(
            "  {} {} of another ({} {}; {by_wire}) — listed in duplicates.csv",
            s.copies,
            if s.copies == 1 {
                "article is a copy"
            } else {
                "articles are copies"
            },
            s.clusters,
            if s.clusters == 1 { "story" } else { "stories" },
        );
    }
    eprintln!("  wrote {}: {}", s.output.display(), s.files.join(", "));
    // run-wide notes (no path): languages without an NER model, a table not written
    for d in s
        .diagnostics
        .iter()
        .filter(|d| d.severity == newslens::diagnostics::Severity::Info && d.path.is_empty())
    {
        eprintln!("  note: {}", d.message);
    }
}

fn human_bytes(b: u64) -> String {
    match b {
        0..1_000 => format!("{b} B"),
        1_000..1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        _ => format!("{:.2} GB", b as f64 / 1e9),
    }
}
