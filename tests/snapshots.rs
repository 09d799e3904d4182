//! Snapshot tests: every CSV the run writes for the small fixture corpus, byte for byte.
//! A change in any column shows up as a reviewable diff (`cargo insta review`).

mod common;

use common::newslens;

#[test]
fn fixture_csv_snapshots() {
    let out = tempfile::tempdir().unwrap();
    newslens()
        .args([
            "run",
            "tests/fixtures/small",
            "--emit",
            "tokens,sentences",
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
