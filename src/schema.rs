//! The output contract as data: one definition per table.
//!
//! Each [`TableDef`] says a table's file name, its columns with their types, whether a default
//! run writes it, what one row is and what its columns mean. Everything that depends on the
//! contract reads it from here: the row types' headers ([`crate::output::Row::HEADER`]), which
//! tables a run writes ([`Selection`]), the column types of the Parquet sink
//! ([`crate::output`]), and the column reference in `newslens run --help` ([`help`]). Adding a
//! table is one entry in [`TABLES`] and the code that produces its rows.

/// The type of a column: how the Parquet sink stores it (CSV writes every type as text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// UTF-8 text; empty cells are empty strings in CSV and null in Parquet.
    Text,
    /// Signed 64-bit integer; empty cells are null.
    Int,
    /// 64-bit float; empty cells are null.
    Float,
    /// `true` / `false`.
    Bool,
}

/// One output table.
#[derive(Debug)]
pub struct TableDef {
    /// The table's name (`documents`), as `--tables` takes it.
    pub name: &'static str,
    /// Its CSV file name (`documents.csv`).
    pub file: &'static str,
    /// Its Parquet file name (`documents.parquet`).
    pub parquet: &'static str,
    /// Whether a default run writes it (else `--tables NAME` or `--all-tables`).
    pub default: bool,
    /// The column names, in order.
    pub header: &'static [&'static str],
    /// The column types, one per name.
    pub types: &'static [Type],
    /// The type of the columns after `header` whose names depend on the run
    /// (`coverage_matrix.csv`: one per document).
    pub more: Option<Type>,
    /// What one row is, and the row order (one line of `--help`).
    pub rows: &'static str,
    /// What the columns mean (more lines of `--help`; may be empty).
    pub notes: &'static str,
}

impl TableDef {
    /// The type of column `i` of a header that starts with [`TableDef::header`].
    pub fn type_of(&self, i: usize) -> Type {
        self.types
            .get(i)
            .copied()
            .or(self.more)
            .unwrap_or(Type::Text)
    }
}

use Type::{Bool, Float, Int, Text};

macro_rules! table {
    ($id:ident, $name:literal, default = $default:literal, [$($col:literal: $ty:ident),* $(,)?],
     more = $more:expr, rows = $rows:literal, notes = $notes:expr $(,)?) => {
        #[doc = concat!("`", $name, ".csv`: ", $rows)]
        pub const $id: TableDef = TableDef {
            name: $name,
            file: concat!($name, ".csv"),
            parquet: concat!($name, ".parquet"),
            default: $default,
            header: &[$($col),*],
            types: &[$($ty),*],
            more: $more,
            rows: $rows,
            notes: $notes,
        };
    };
}

table!(DOCUMENTS, "documents", default = true,
    ["doc_id": Text, "source": Text, "title": Text, "published": Text, "language": Text,
     "language_confidence": Float, "chars": Int, "sentences": Int, "tokens": Int, "words": Int,
     "unique_terms": Int, "language_reliable": Bool, "languages": Text, "url": Text, "path": Text,
     "line": Int, "author": Text, "wire": Text, "duplicate_of": Text],
    more = None,
    rows = "one row per article, by doc_id",
    notes = "languages = shares of letters per paragraph, largest first (eng:0.86;zho:0.14); each \
             paragraph is segmented, stopped and stemmed in its own language; a record whose \
             language cannot be told alone (a byline, a dateline) takes its file's, flagged \
             language_reliable = false; line = the record's line in a JSONL/CSV file; wire = the news \
             agency the article is signed by, in its dateline or credit line (AP, Reuters, AFP, \
             dpa, …), empty when none; duplicate_of = the doc_id of the first copy of the same \
             story (earliest published, then doc_id) when this article is a near-duplicate of \
             it (duplicates.csv), empty otherwise");

table!(DUPLICATES, "duplicates", default = true,
    ["cluster": Int, "doc_id": Text, "duplicate_of": Text, "similarity": Float,
     "published": Text, "source": Text, "wire": Text],
    more = None,
    rows = "one row per article that has near-duplicates (wire copies, light edits), by cluster, \
            then the first copy, then published, doc_id",
    notes = "cluster = 1, 2, … in the order of their first copies (earliest published, then \
             doc_id; undated articles after dated ones); duplicate_of = the cluster's first copy \
             (empty on its own row); similarity = estimated Jaccard similarity of the article's \
             word 3-shingles to the first copy's (MinHash, 96 hashes; three decimals); copies are articles from \
             --dup-threshold (default 0.8) on, joined through any copy");

table!(ENTITIES, "entities", default = true,
    ["doc_id": Text, "entity": Text, "label": Text, "mentions": Int, "first_start": Int,
     "aliases": Text, "id": Text],
    more = None,
    rows = "named entities per article, by doc_id, mentions (descending), entity",
    notes = "aliases ;-joined (MSS;U.S.;Chen); id = language-independent identifier of a linked \
             entity (iso:US, gn:1816670) or the --gazetteer id");

table!(CORPUS_ENTITIES, "corpus_entities", default = true,
    ["entity": Text, "label": Text, "docs": Int, "mentions": Int, "aliases": Text, "id": Text],
    more = None,
    rows = "every named entity of the corpus, by mentions (descending), entity",
    notes = "one row per id (all languages and labels), or else per name and label");

table!(MENTIONS, "mentions", default = true,
    ["doc_id": Text, "start": Int, "end": Int, "text": Text, "label": Text, "entity": Text,
     "sentence": Int, "method": Text, "value": Text],
    more = None,
    rows = "every mention of a person, organisation, place, other name, date, time or amount, \
            by doc_id, start",
    notes = "label = PER, ORG, LOC, MISC, DATE, TIME, MONEY, PERCENT or QUANTITY; entity = the \
             canonical name of its entity (named mentions only); method = model, rule or \
             gazetteer; value = ISO date (2023-08-01, 2023-07), 24-hour time, amount and \
             currency (1200000000 USD), percent, amount and unit");

table!(QUOTES, "quotes", default = true,
    ["doc_id": Text, "quote_id": Int, "kind": Text, "content_start": Int, "content_end": Int,
     "content": Text, "cue": Text, "cue_start": Int, "cue_end": Int, "source": Text,
     "source_start": Int, "source_end": Int, "entity": Text, "entity_id": Text, "label": Text],
    more = None,
    rows = "who said what: one row per attribution (a quotation or reported speech), by doc_id, \
            content_start",
    notes = "kind = direct (in quotation marks), indirect (reported) or mixed; cue = the \
             reporting words (said, told, according to); source = who, as written (empty when \
             not found); entity = the article's entity the source names or refers back to (he, \
             she, the spokesman), empty when none or ambiguous; entity_id and label = its id and \
             label. English by a trained model; French, German, Spanish, Portuguese, Italian, \
             Russian, Chinese: direct quotations and 'according to' by rule");

table!(CORPUS_SOURCES, "corpus_sources", default = true,
    ["group_by": Text, "group": Text, "entity": Text, "label": Text, "id": Text, "docs": Int,
     "quotes": Int, "words_quoted": Int],
    more = None,
    rows = "whose voice is heard: the entities quoted, over the corpus and then per --group-by \
            group, by quotes (descending), entity",
    notes = "group_by = corpus (all articles) or the --group-by field (source = per outlet); \
             docs = articles quoting the entity; words_quoted = words of its quotes' content; \
             entity and id as in corpus_entities.csv");

table!(KEYWORDS, "keywords", default = true,
    ["doc_id": Text, "method": Text, "rank": Int, "keyword": Text, "score": Float, "count": Int,
     "first_start": Int],
    more = None,
    rows = "the top --keywords keyphrases per article and method, by doc_id, method, rank",
    notes = "method = combined by default (--keyword-methods adds yake, tfidf, textrank, rake, \
             positionrank); keyword = the phrase as most often written in the article; score: \
             higher is better, except yake (lower is better); count = occurrences in the \
             article; first_start = offset of the first one");

table!(CORPUS_TERMS, "corpus_terms", default = true,
    ["term": Text, "stem": Text, "n": Int, "language": Text, "docs": Int, "count": Int,
     "idf": Float],
    more = None,
    rows = "the terms of the corpus (n = 1, 2, 3 words), by docs, count (descending)",
    notes = "every one-word term; a longer one only when at least --corpus-terms-min-docs \
             articles use it (default 3; 1 = every term, as with --all-tables), or, in a \
             corpus of fewer articles, when it occurs at least twice");

table!(COVERAGE, "coverage", default = true,
    ["item_type": Text, "item": Text, "label": Text, "doc_id": Text, "mentions": Int,
     "first_start": Int, "id": Text],
    more = None,
    rows = "which article mentions which item, by doc_id, item_type, mentions (descending)",
    notes = "item_type = entity (the top --coverage-entities by articles), keyphrase (the top \
             --coverage-keyphrases by listed^2 / docs, listed = articles listing them in \
             keywords.csv, first method) or term (the top --coverage-terms one-word terms by \
             articles); first_start = offset of the first mention");

table!(COVERAGE_MATRIX, "coverage_matrix", default = true,
    ["item_type": Text, "item": Text, "label": Text, "docs": Int, "mentions": Int],
    more = Some(Int),
    rows = "the top --matrix-items entities and keyphrases, with one column per doc_id",
    notes = "each cell = the item's mentions in that article; only for corpora of up to 1000 \
             articles (otherwise an info row in diagnostics.csv: use coverage.csv)");

table!(SIMILARITY, "similarity", default = true,
    ["doc_a": Text, "doc_b": Text, "rank": Int, "cosine": Float, "shared_entities": Int,
     "shared_keyphrases": Int],
    more = None,
    rows = "each article's --neighbours most similar articles, by doc_a, rank",
    notes = "cosine of tf-idf vectors of one-word terms (terms in more than half the articles \
             left out, top 100 per article, L2-normalised); shared_* = entities / listed \
             keyphrases both articles have");

table!(KEYNESS, "keyness", default = true,
    ["group_by": Text, "group": Text, "rank": Int, "term": Text, "count": Int,
     "expected": Float, "other_count": Int, "log_likelihood": Float, "log_ratio": Float,
     "p_value": Float],
    more = None,
    rows = "the --keyness-terms words each article (group_by = doc_id) and each --group-by \
            group uses more than the rest of the corpus, by group, rank",
    notes = "Dunning's log-likelihood G2; expected = count expected in the target; log_ratio = \
             log2 of the ratio of relative frequencies (0.5 for a zero count); p_value = \
             chi-square, 1 degree of freedom");

table!(TIMELINE, "timeline", default = true,
    ["group_by": Text, "group": Text, "date": Text, "item_type": Text, "item": Text,
     "label": Text, "docs": Int, "mentions": Int],
    more = None,
    rows = "dated articles and mentions of the top items per --timeline day, week or month",
    notes = "date = the day, the Monday of the week, or the 1st of the month; group_by = corpus \
             (group empty), plus one set of rows per --group-by group");

table!(DIAGNOSTICS, "diagnostics", default = true,
    ["path": Text, "line": Int, "severity": Text, "message": Text],
    more = None,
    rows = "every input skipped (error) or repaired (warning), by path, line",
    notes = "an info row with an empty path notes a run-wide fact (articles in languages \
             without an NER model, a table not written)");

table!(TERMS, "terms", default = false,
    ["doc_id": Text, "term": Text, "stem": Text, "n": Int, "count": Int, "tf": Float,
     "df": Int, "idf": Float, "tfidf": Float],
    more = None,
    rows = "every content term (n = 1 to --ngrams words) of every article, by doc_id, count",
    notes = "tf = count / words; idf = ln((1 + N) / (1 + df)) + 1; tfidf = tf * idf; large \
             (about 14 rows per 100 bytes of text): for document-term matrices, prefer \
             --format parquet");

table!(KWIC, "kwic", default = false,
    ["doc_id": Text, "item_type": Text, "item": Text, "left": Text, "match": Text,
     "right": Text, "start": Int],
    more = None,
    rows = "keyword in context: every mention of the top items, by doc_id, start",
    notes = "the entities and keyphrases of coverage_matrix.csv, with --kwic-width characters \
             on each side");

table!(COLLOCATIONS, "collocations", default = false,
    ["language": Text, "term_a": Text, "term_b": Text, "count": Int, "count_a": Int,
     "count_b": Int, "pmi": Float, "log_likelihood": Float],
    more = None,
    rows = "word pairs within --collocation-window tokens in a sentence, seen at least \
            --collocation-min times, by log_likelihood (descending)",
    notes = "pmi = log2(count * N / (count_a * count_b)), N = words of the language");

table!(SENTENCES, "sentences", default = false,
    ["doc_id": Text, "sentence": Int, "start": Int, "end": Int],
    more = None,
    rows = "one row per sentence, by doc_id, sentence",
    notes = "");

table!(TOKENS, "tokens", default = false,
    ["doc_id": Text, "sentence": Int, "token": Int, "start": Int, "end": Int, "text": Text,
     "kind": Text, "lower": Text, "stem": Text, "stopword": Bool, "upos": Text],
    more = None,
    rows = "one row per token, by doc_id, token (about 10 rows per 60 bytes of text)",
    notes = "kind = word, number, punct, symbol, url, email, handle, hashtag; upos = Universal POS tag (empty \
             where the language has no POS model)");

table!(TEXTS, "texts", default = false,
    ["doc_id": Text, "title": Text, "text": Text],
    more = None,
    rows = "one row per article, by doc_id: the text as analysed",
    notes = "for a web page, the article extracted from it; every offset in the other tables \
             (start, end) is a code-point offset into this text");

/// Every table, in the order of the contract (defaults first).
pub const TABLES: &[&TableDef] = &[
    &DOCUMENTS,
    &ENTITIES,
    &CORPUS_ENTITIES,
    &MENTIONS,
    &QUOTES,
    &CORPUS_SOURCES,
    &KEYWORDS,
    &CORPUS_TERMS,
    &COVERAGE,
    &COVERAGE_MATRIX,
    &SIMILARITY,
    &KEYNESS,
    &TIMELINE,
    &DUPLICATES,
    &DIAGNOSTICS,
    &TERMS,
    &KWIC,
    &COLLOCATIONS,
    &SENTENCES,
    &TOKENS,
    &TEXTS,
];

/// The table named `name` (`terms`, or its file name `terms.csv`).
pub fn find(name: &str) -> Option<&'static TableDef> {
    let name = name.strip_suffix(".csv").unwrap_or(name);
    TABLES.iter().copied().find(|t| t.name == name)
}

/// The table whose file is `file` (`terms.csv` or `terms.parquet`).
pub fn by_file(file: &str) -> Option<&'static TableDef> {
    TABLES
        .iter()
        .copied()
        .find(|t| t.file == file || t.parquet == file)
}

/// The format of the tables' files (`--format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// CSV, UTF-8, a header row.
    #[default]
    Csv,
    /// Apache Parquet, typed columns ([`crate::columnar`]).
    Parquet,
}

impl Format {
    /// The file name of table `def` in this format.
    pub fn file(self, def: &TableDef) -> &'static str {
        match self {
            Format::Csv => def.file,
            Format::Parquet => def.parquet,
        }
    }
}

/// Which tables a run writes: the defaults plus those asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection(u32);

impl Default for Selection {
    fn default() -> Self {
        let mut s = Selection(0);
        for t in TABLES.iter().filter(|t| t.default) {
            s.add(t);
        }
        s
    }
}

impl Selection {
    /// Every table.
    pub fn all() -> Selection {
        let mut s = Selection(0);
        for t in TABLES {
            s.add(t);
        }
        s
    }

    fn bit(t: &TableDef) -> u32 {
        let i = TABLES
            .iter()
            .position(|x| x.name == t.name)
            .expect("a table of TABLES");
        1 << i
    }

    /// Adds `t`.
    pub fn add(&mut self, t: &TableDef) {
        self.0 |= Self::bit(t);
    }

    /// Whether `t` is written.
    pub fn has(&self, t: &TableDef) -> bool {
        self.0 & Self::bit(t) != 0
    }

    /// The opt-in tables selected, by name (what `newslens map` records in its header).
    pub fn opt_in(&self) -> Vec<&'static str> {
        TABLES
            .iter()
            .filter(|t| !t.default && self.has(t))
            .map(|t| t.name)
            .collect()
    }
}

/// Wraps `text` to `width` columns, every line indented by `indent` spaces.
fn wrap(text: &str, indent: usize, width: usize, out: &mut String) {
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.chars().count() > width {
            out.push('\n');
            line = 0;
        }
        if line == 0 {
            out.extend(std::iter::repeat_n(' ', indent));
            line = indent;
        } else {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    if line > 0 {
        out.push('\n');
    }
}

/// The column reference of `--help`: every table, its columns and what they mean; defaults
/// first, then the opt-in ones.
pub fn help() -> String {
    let mut out = String::new();
    for (title, default) in [
        (
            "DEFAULT OUTPUT (in the output folder; --format csv: NAME.csv, parquet: NAME.parquet; \
             a header row always present)",
            true,
        ),
        (
            "OPT-IN TABLES (--tables NAME,... or --all-tables; same columns in both formats)",
            false,
        ),
    ] {
        wrap(title, 0, 96, &mut out);
        for t in TABLES.iter().filter(|t| t.default == default) {
            out.push_str(&format!("  {}\n", t.file));
            wrap(&t.header.join(", "), 6, 96, &mut out);
            wrap(&format!("— {}", t.rows), 6, 96, &mut out);
            if !t.notes.is_empty() {
                wrap(t.notes, 6, 96, &mut out);
            }
        }
        out.push('\n');
    }
    out
}

/// The README's list of tables (between its `tables:begin` and `tables:end` marks): one line
/// per table, the default ones first.
pub fn markdown_list() -> String {
    let mut out = String::new();
    for (title, default) in [("default table", true), ("opt-in table", false)] {
        out.push_str(&format!("| {title} | rows |\n|---|---|\n"));
        for t in TABLES.iter().filter(|t| t.default == default) {
            let how = if default {
                String::new()
            } else {
                format!(" (`--tables {}`)", t.name)
            };
            out.push_str(&format!("| `{}`{how} | {} |\n", t.name, t.rows));
        }
        out.push('\n');
    }
    out
}

/// `docs/columns.md`: every table's columns with their types and meaning.
pub fn markdown_columns() -> String {
    let mut out = String::from(
        "# Output columns\n\n<!-- generated from src/schema.rs by `NEWSLENS_UPDATE_DOCS=1 cargo test \
         --lib schema`; do not edit -->\n\nEvery table, in CSV (`NAME.csv`) and Parquet \
         (`NAME.parquet`, `--format parquet`) with the same columns. Types are those of the \
         Parquet columns; in CSV an empty cell is a null. How the rows are made: \
         [tables.md](tables.md).\n",
    );
    for t in TABLES {
        let kind = if t.default { "default" } else { "opt-in" };
        out.push_str(&format!(
            "\n## {} ({kind})\n\n{}.\n\n| column | type |\n|---|---|\n",
            t.name,
            upper_first(t.rows)
        ));
        for (c, ty) in t.header.iter().zip(t.types) {
            out.push_str(&format!("| `{c}` | {} |\n", type_name(*ty)));
        }
        if let Some(ty) = t.more {
            out.push_str(&format!("| one per `doc_id` | {} |\n", type_name(ty)));
        }
        if !t.notes.is_empty() {
            out.push_str(&format!("\n{}.\n", upper_first(t.notes)));
        }
    }
    out
}

fn type_name(t: Type) -> &'static str {
    match t {
        Type::Text => "text",
        Type::Int => "integer",
        Type::Float => "float",
        Type::Bool => "true/false",
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_one_type_and_names_are_unique() {
        for t in TABLES {
            assert_eq!(t.header.len(), t.types.len(), "{}", t.name);
            assert_eq!(t.file, format!("{}.csv", t.name));
            assert_eq!(t.parquet, format!("{}.parquet", t.name));
            let mut names = t.header.to_vec();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), t.header.len(), "{}: a column twice", t.name);
        }
        let mut names: Vec<_> = TABLES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLES.len());
    }

    #[test]
    fn selection_holds_the_defaults_and_what_is_added() {
        let mut s = Selection::default();
        assert!(s.has(&DOCUMENTS) && s.has(&KEYWORDS) && s.has(&DIAGNOSTICS));
        assert!(!s.has(&TERMS) && !s.has(&KWIC) && !s.has(&TOKENS));
        assert!(s.opt_in().is_empty());
        s.add(&KWIC);
        assert!(s.has(&KWIC));
        assert_eq!(s.opt_in(), vec!["kwic"]);
        assert_eq!(
            Selection::all().opt_in(),
            vec![
                "terms",
                "kwic",
                "collocations",
                "sentences",
                "tokens",
                "texts"
            ]
        );
        assert_eq!(find("terms.csv").map(|t| t.name), Some("terms"));
        assert_eq!(by_file("kwic.parquet").map(|t| t.name), Some("kwic"));
        assert!(find("nothing").is_none());
    }

    #[test]
    fn help_lists_every_table_and_column() {
        let h = help();
        for t in TABLES {
            assert!(h.contains(&format!("  {}\n", t.file)), "{}", t.name);
            for c in t.header {
                assert!(h.contains(c), "{}.{c}", t.name);
            }
        }
        let opt = h.find("OPT-IN").unwrap();
        assert!(h.find("  terms.csv").unwrap() > opt);
        assert!(h.find("  documents.csv").unwrap() < opt);
        assert!(h.lines().all(|l| l.chars().count() <= 96), "{h}");
    }

    /// README's list of tables and docs/columns.md are generated from the definitions; with
    /// NEWSLENS_UPDATE_DOCS=1 this test rewrites them.
    #[test]
    fn docs_are_generated_from_the_definitions() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let update = std::env::var_os("NEWSLENS_UPDATE_DOCS").is_some();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let (begin, end) = ("<!-- tables:begin -->\n", "<!-- tables:end -->");
        let a = readme
            .find(begin)
            .expect("README has the tables:begin mark")
            + begin.len();
        let b = readme.find(end).expect("README has the tables:end mark");
        let list = markdown_list();
        let columns = markdown_columns();
        if update {
            let new = format!("{}{list}{}", &readme[..a], &readme[b..]);
            std::fs::write(root.join("README.md"), new).unwrap();
            std::fs::write(root.join("docs/columns.md"), &columns).unwrap();
            return;
        }
        assert_eq!(
            &readme[a..b],
            list,
            "README's table list is stale: NEWSLENS_UPDATE_DOCS=1 cargo test --lib schema"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("docs/columns.md")).unwrap_or_default(),
            columns,
            "docs/columns.md is stale: NEWSLENS_UPDATE_DOCS=1 cargo test --lib schema"
        );
    }
}
