//! Snapshot tests: every CSV the run writes for the small fixture corpus, byte for byte, with
//! `--all-tables` (every table whole, as runs wrote them before the lean default) and by
//! default. A change in any column shows up as a reviewable diff (`cargo insta review`).

mod common;

use common::newslens;

#[test]
fn fixture_csv_snapshots() {
    let out = tempfile::tempdir().unwrap();
    newslens()
        .args([
            "run",
            "tests/fixtures/small",
            "--all-tables",
            "-q",
            "-j",
            "2",
            "-o",
        ])
        .arg(out.path())
        .assert()
        .code(1);
    for name in [
        "documents",
        "terms",
        "keywords",
        "corpus_terms",
        "mentions",
        "entities",
        "corpus_entities",
        "quotes",
        "corpus_sources",
        "coverage",
        "coverage_matrix",
        "similarity",
        "keyness",
        "collocations",
        "kwic",
        "timeline",
        "diagnostics",
        "sentences",
        "tokens",
    ] {
        let text = std::fs::read_to_string(out.path().join(format!("{name}.csv"))).unwrap();
        insta::assert_snapshot!(name, text);
    }
}

/// The lean default: the tables an analyst opens, each equal to its `--all-tables` form except
/// `keywords.csv` (method `combined` only) and `corpus_terms.csv` (phrases of one article left
/// out), and none of the opt-in tables.
#[test]
fn default_run_writes_the_default_tables_equal_to_their_whole_form() {
    let all = tempfile::tempdir().unwrap();
    let lean = tempfile::tempdir().unwrap();
    for (dir, extra) in [(&all, Some("--all-tables")), (&lean, None)] {
        let mut cmd = newslens();
        cmd.args(["run", "tests/fixtures/small", "-q", "-j", "2", "-o"])
            .arg(dir.path());
        if let Some(e) = extra {
            cmd.arg(e);
        }
        cmd.assert().code(1);
    }
    let mut files: Vec<String> = std::fs::read_dir(lean.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = newslens::schema::TABLES
        .iter()
        .filter(|t| t.default)
        .map(|t| t.file.to_string())
        .chain(["newslens.xlsx", "report.html", "run.json"].map(String::from))
        .collect();
    expected.sort();
    assert_eq!(files, expected);
    let read = |dir: &tempfile::TempDir, name: &str| {
        std::fs::read_to_string(dir.path().join(name)).unwrap()
    };
    for t in newslens::schema::TABLES.iter().filter(|t| t.default) {
        if t.name != "keywords" && t.name != "corpus_terms" {
            assert_eq!(read(&lean, t.file), read(&all, t.file), "{}", t.file);
        }
    }
    // keywords: the combined rows of the whole table
    let whole = read(&all, "keywords.csv");
    let combined: Vec<&str> = whole
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(1) == Some("combined"))
        .map(|(_, l)| l)
        .collect();
    assert!(combined.len() > 20, "the fixture has keywords");
    assert_eq!(read(&lean, "keywords.csv"), combined.join("\n") + "\n");
    // corpus_terms: every word; a phrase when two or more articles use it
    let lean_terms = common::rows(&lean.path().join("corpus_terms.csv"));
    let all_terms = common::rows(&all.path().join("corpus_terms.csv"));
    let kept: Vec<_> = all_terms
        .iter()
        .filter(|r| r["n"] == "1" || r["docs"].parse::<u64>().unwrap() >= 2)
        .cloned()
        .collect();
    assert!(kept.len() < all_terms.len());
    assert_eq!(lean_terms, kept);
}

/// In a corpus of one article, `corpus_terms.csv` lists the phrases the article repeats.
#[test]
fn a_one_article_corpus_keeps_its_repeated_phrases() {
    let out = tempfile::tempdir().unwrap();
    newslens()
        .args(["run", "seeds", "-q", "--no-workbook", "--no-report", "-o"])
        .arg(out.path())
        .assert()
        .success();
    let terms = common::rows(&out.path().join("corpus_terms.csv"));
    let phrases: Vec<_> = terms.iter().filter(|r| r["n"] != "1").collect();
    assert!(
        phrases.iter().any(|r| r["term"] == "state security"),
        "{phrases:?}"
    );
    assert!(
        phrases
            .iter()
            .all(|r| r["count"].parse::<u64>().unwrap() >= 2)
    );
    assert!(terms.iter().any(|r| r["n"] == "1" && r["count"] == "1"));
}
