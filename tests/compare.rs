//! The compare tables end to end: coverage, coverage_matrix, similarity, keyness,
//! collocations, kwic and timeline — their contracts on the small fixture, their statistics
//! against SciPy, and what they say about the bundled corpus.

mod common;

use common::{newslens, root, rows};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Runs newslens once per argument list; the output folders live as long as the tests.
fn output(key: &'static str, args: &[&str]) -> PathBuf {
    static DIRS: OnceLock<std::sync::Mutex<BTreeMap<&'static str, tempfile::TempDir>>> =
        OnceLock::new();
    let dirs = DIRS.get_or_init(Default::default);
    let mut dirs = dirs.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(d) = dirs.get(key) {
        return d.path().to_path_buf();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = newslens()
        .args(["run", "-q", "--all-tables", "-o"])
        .arg(dir.path())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code().unwrap_or(2) < 2,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().to_path_buf();
    dirs.insert(key, dir);
    path
}

fn fixture() -> PathBuf {
    output(
        "fixture",
        &["tests/fixtures/small", "--keyness-terms", "100"],
    )
}

fn bundled() -> PathBuf {
    output("bundled", &["seeds", "corpus"])
}

fn header(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn headers_are_the_contract() {
    let out = fixture();
    for (file, want) in [
        (
            "coverage.csv",
            "item_type,item,label,doc_id,mentions,first_start,id",
        ),
        (
            "similarity.csv",
            "doc_a,doc_b,rank,cosine,shared_entities,shared_keyphrases",
        ),
        (
            "keyness.csv",
            "group_by,group,rank,term,count,expected,other_count,log_likelihood,log_ratio,p_value",
        ),
        (
            "collocations.csv",
            "language,term_a,term_b,count,count_a,count_b,pmi,log_likelihood",
        ),
        ("kwic.csv", "doc_id,item_type,item,left,match,right,start"),
        (
            "timeline.csv",
            "group_by,group,date,item_type,item,label,docs,mentions",
        ),
    ] {
        assert_eq!(header(&out.join(file)), want, "{file}");
    }
    let docs: Vec<String> = rows(&out.join("documents.csv"))
        .into_iter()
        .map(|d| d["doc_id"].clone())
        .collect();
    assert_eq!(
        header(&out.join("coverage_matrix.csv")),
        format!("item_type,item,label,docs,mentions,{}", docs.join(","))
    );
}

#[test]
fn coverage_agrees_with_mentions_entities_and_terms() {
    let out = fixture();
    let coverage = rows(&out.join("coverage.csv"));
    let mentions = rows(&out.join("mentions.csv"));
    let entities = rows(&out.join("entities.csv"));
    let terms = rows(&out.join("terms.csv"));
    let corpus_terms = rows(&out.join("corpus_terms.csv"));
    assert!(coverage.iter().any(|r| r["item_type"] == "entity"));
    assert!(coverage.iter().any(|r| r["item_type"] == "keyphrase"));
    assert!(coverage.iter().any(|r| r["item_type"] == "term"));
    for r in &coverage {
        match r["item_type"].as_str() {
            "entity" => {
                // first_start is the first mention in mentions.csv; mentions as in entities.csv
                let first = mentions
                    .iter()
                    .filter(|m| m["doc_id"] == r["doc_id"] && m["entity"] == r["item"])
                    .map(|m| m["start"].parse::<u64>().unwrap())
                    .min()
                    .unwrap();
                assert_eq!(r["first_start"], first.to_string(), "{r:?}");
                let e = entities
                    .iter()
                    .find(|e| e["doc_id"] == r["doc_id"] && e["entity"] == r["item"])
                    .unwrap();
                assert_eq!((&e["mentions"], &e["label"]), (&r["mentions"], &r["label"]));
            }
            "term" => {
                // a term is shown by its corpus-wide form (as in corpus_terms.csv), the same in
                // every row; terms.csv shows each article's own form of the stem
                assert_eq!(r["label"], "");
                let stems: Vec<&String> = corpus_terms
                    .iter()
                    .filter(|t| t["term"] == r["item"] && t["n"] == "1")
                    .map(|t| &t["stem"])
                    .collect();
                let t = terms
                    .iter()
                    .find(|t| {
                        t["doc_id"] == r["doc_id"] && stems.contains(&&t["stem"]) && t["n"] == "1"
                    })
                    .unwrap_or_else(|| panic!("{r:?} not in terms.csv"));
                assert_eq!(t["count"], r["mentions"]);
            }
            "keyphrase" => assert_eq!(r["label"], ""),
            other => panic!("item_type {other}"),
        }
    }
    // rows by doc_id, then item type
    let order: Vec<(String, u8)> = coverage
        .iter()
        .map(|r| {
            let t = match r["item_type"].as_str() {
                "entity" => 0,
                "keyphrase" => 1,
                _ => 2,
            };
            (r["doc_id"].clone(), t)
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

/// Code points `start..start + len` of a document's text, as Python slices it.
fn slice(text: &str, start: usize, len: usize) -> String {
    text.chars().skip(start).take(len).collect()
}

#[test]
fn first_start_of_terms_slices_the_text() {
    let out = fixture();
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/small/news/security_law.txt")).unwrap();
    let mut seen = 0;
    for r in rows(&out.join("coverage.csv")) {
        if r["doc_id"] != "small/news/security_law" || r["item_type"] == "entity" {
            continue;
        }
        let start: usize = r["first_start"].parse().unwrap();
        let item = r["item"].to_lowercase();
        let first_word = item.split(' ').next().unwrap();
        let at = slice(&text, start, first_word.chars().count()).to_lowercase();
        // terms are shown by their most frequent form; the stem's first spelling may differ
        // in its ending only
        let stem_len = first_word.chars().count().min(4);
        assert_eq!(
            at.chars().take(stem_len).collect::<String>(),
            first_word.chars().take(stem_len).collect::<String>(),
            "{r:?}"
        );
        seen += 1;
    }
    assert!(seen > 10);
}

#[test]
fn matrix_counts_are_the_coverage_counts() {
    let out = fixture();
    let coverage = rows(&out.join("coverage.csv"));
    let matrix = rows(&out.join("coverage_matrix.csv"));
    assert!(!matrix.is_empty());
    let mut last = (u64::MAX, u64::MAX);
    for m in &matrix {
        assert_ne!(
            m["item_type"], "term",
            "the matrix holds entities and keyphrases"
        );
        let key = (m["docs"].parse().unwrap(), m["mentions"].parse().unwrap());
        assert!(
            key <= last,
            "matrix rows by docs, then mentions, descending"
        );
        last = key;
        let mut docs = 0;
        for (col, v) in m {
            if ["item_type", "item", "label", "docs", "mentions"].contains(&col.as_str())
                || v == "0"
            {
                continue;
            }
            docs += 1;
            let c = coverage
                .iter()
                .find(|c| {
                    &c["doc_id"] == col
                        && c["item"] == m["item"]
                        && c["item_type"] == m["item_type"]
                })
                .unwrap_or_else(|| panic!("{col} {m:?}"));
            assert_eq!(&c["mentions"], v);
        }
        assert!(docs <= m["docs"].parse::<u32>().unwrap(), "{m:?}");
    }
}

#[test]
fn similarity_is_ranked_and_symmetric() {
    let out = fixture();
    let sim = rows(&out.join("similarity.csv"));
    assert!(!sim.is_empty());
    let cos: BTreeMap<(String, String), String> = sim
        .iter()
        .map(|r| {
            (
                (r["doc_a"].clone(), r["doc_b"].clone()),
                r["cosine"].clone(),
            )
        })
        .collect();
    for r in &sim {
        assert_ne!(r["doc_a"], r["doc_b"]);
        let c: f64 = r["cosine"].parse().unwrap();
        assert!(c > 0.0 && c <= 1.0 + 1e-9);
        if let Some(back) = cos.get(&(r["doc_b"].clone(), r["doc_a"].clone())) {
            assert_eq!(back, &r["cosine"]);
        }
    }
    // the two storm articles are each other's nearest
    let first = |a: &str| {
        sim.iter()
            .find(|r| r["doc_a"] == a && r["rank"] == "1")
            .unwrap()["doc_b"]
            .clone()
    };
    assert_eq!(first("feed-1"), "row-1");
    assert_eq!(first("row-1"), "feed-1");
}

#[test]
fn keyness_and_collocations_match_scipy() {
    let script = root().join("tests/compare_scipy.py");
    for out in [fixture(), bundled()] {
        let run = std::process::Command::new("python3")
            .arg(&script)
            .arg(&out)
            .output();
        let Ok(run) = run else {
            assert!(std::env::var_os("CI").is_none(), "python3 is needed in CI");
            eprintln!("skipped: python3 not found");
            return;
        };
        let said = String::from_utf8_lossy(&run.stdout).into_owned()
            + &String::from_utf8_lossy(&run.stderr);
        if run.status.code() == Some(3) {
            assert!(
                std::env::var_os("CI").is_none(),
                "scipy is missing; CI must have it (.ci/run installs it): {said}"
            );
            eprintln!("skipped: {said} (pip install scipy to run this check)");
            return;
        }
        assert!(run.status.success(), "{said}");
        eprintln!("{said}");
    }
}

#[test]
fn kwic_lines_are_the_mentions_in_context() {
    let out = fixture();
    let kwic = rows(&out.join("kwic.csv"));
    let mentions = rows(&out.join("mentions.csv"));
    let coverage = rows(&out.join("coverage.csv"));
    let matrix = rows(&out.join("coverage_matrix.csv"));
    assert!(kwic.iter().any(|k| k["item_type"] == "entity"));
    assert!(kwic.iter().any(|k| k["item_type"] == "keyphrase"));
    let mut per_item: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for k in &kwic {
        assert!(k["left"].chars().count() <= 60 && k["right"].chars().count() <= 60);
        assert!(!k["left"].contains('\n') && !k["right"].contains('\n'));
        assert!(
            matrix
                .iter()
                .any(|m| m["item"] == k["item"] && m["item_type"] == k["item_type"]),
            "{k:?} is no top item"
        );
        if k["item_type"] == "entity" {
            let m = mentions
                .iter()
                .find(|m| m["doc_id"] == k["doc_id"] && m["start"] == k["start"])
                .unwrap_or_else(|| panic!("{k:?} is no mention"));
            assert_eq!(m["text"], k["match"]);
            assert_eq!(m["entity"], k["item"]);
        }
        *per_item
            .entry((
                k["doc_id"].clone(),
                k["item_type"].clone(),
                k["item"].clone(),
            ))
            .or_default() += 1;
    }
    // one line per occurrence counted in coverage.csv (keyphrases: all spellings of the stems)
    for ((doc, kind, item), n) in per_item {
        let c = coverage
            .iter()
            .find(|c| c["doc_id"] == doc && c["item_type"] == kind && c["item"] == item)
            .unwrap_or_else(|| panic!("{doc} {item} not in coverage.csv"));
        assert_eq!(c["mentions"], n.to_string(), "{doc} {kind} {item}");
        let first = kwic
            .iter()
            .find(|k| k["doc_id"] == doc && k["item_type"] == kind && k["item"] == item)
            .unwrap();
        assert_eq!(c["first_start"], first["start"], "{doc} {item}");
    }
}

#[test]
fn timeline_counts_dated_documents() {
    let out = fixture();
    let timeline = rows(&out.join("timeline.csv"));
    let docs = rows(&out.join("documents.csv"));
    let coverage = rows(&out.join("coverage.csv"));
    assert!(!timeline.is_empty());
    for t in &timeline {
        assert_eq!(
            (t["group_by"].as_str(), t["group"].as_str()),
            ("corpus", "")
        );
        let dated: BTreeSet<&str> = docs
            .iter()
            .filter(|d| d["published"] == t["date"])
            .map(|d| d["doc_id"].as_str())
            .collect();
        let hits: Vec<&BTreeMap<String, String>> = coverage
            .iter()
            .filter(|c| {
                dated.contains(c["doc_id"].as_str())
                    && c["item"] == t["item"]
                    && c["item_type"] == t["item_type"]
            })
            .collect();
        assert_eq!(hits.len().to_string(), t["docs"], "{t:?}");
        let m: u64 = hits
            .iter()
            .map(|c| c["mentions"].parse::<u64>().unwrap())
            .sum();
        assert_eq!(m.to_string(), t["mentions"], "{t:?}");
    }
}

#[test]
fn groups_weeks_and_switching_off() {
    let out = output(
        "groups",
        &[
            "tests/fixtures/small",
            "--group-by",
            "source",
            "--timeline",
            "month",
        ],
    );
    let keyness = rows(&out.join("keyness.csv"));
    assert!(
        keyness
            .iter()
            .any(|k| k["group_by"] == "source" && k["group"] == "Wire")
    );
    let timeline = rows(&out.join("timeline.csv"));
    assert!(timeline.iter().all(|t| t["date"] == "2023-08-01"));
    assert!(
        timeline
            .iter()
            .any(|t| t["group_by"] == "source" && t["group"] == "Coast Times")
    );
    let off = output("off", &["tests/fixtures/small", "--no-compare"]);
    for f in [
        "coverage.csv",
        "coverage_matrix.csv",
        "similarity.csv",
        "keyness.csv",
        "kwic.csv",
    ] {
        assert!(!off.join(f).exists(), "{f} written with --no-compare");
    }
    let bad = newslens()
        .args([
            "run",
            "tests/fixtures/small",
            "--group-by",
            "published:year",
            "-o",
            "/nonexistent",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("published:month"));
}

#[test]
fn bundled_corpus_seed_keyness_and_same_event_neighbours() {
    let out = bundled();
    let keyness = rows(&out.join("keyness.csv"));
    let seed: Vec<&str> = keyness
        .iter()
        .filter(|k| k["group_by"] == "doc_id" && k["group"].starts_with("seeds/"))
        .map(|k| k["term"].as_str())
        .take(12)
        .collect();
    for want in ["chinese", "china", "security", "espionage", "mss"] {
        assert!(
            seed.contains(&want),
            "{want} not among the seed's top key words {seed:?}"
        );
    }
    // Wikinews articles about the same event are each other's nearest neighbours
    let sim = rows(&out.join("similarity.csv"));
    let nearest = |a: &str| {
        sim.iter()
            .find(|r| r["doc_a"] == format!("corpus/wikinews-fr/{a}") && r["rank"] == "1")
            .map(|r| {
                r["doc_b"]
                    .trim_start_matches("corpus/wikinews-fr/")
                    .to_string()
            })
    };
    for (a, b) in [
        ("wikinews_fr_44520", "wikinews_fr_44502"), // Higgs boson
        ("wikinews_fr_45774", "wikinews_fr_45758"), // Vendée Globe
        ("wikinews_fr_44507", "wikinews_fr_44499"), // Forum mondial de la langue française
    ] {
        assert_eq!(nearest(a).as_deref(), Some(b));
        assert_eq!(nearest(b).as_deref(), Some(a));
    }
    // over 1000 documents: no wide matrix, and diagnostics.csv says why
    assert!(!out.join("coverage_matrix.csv").exists());
    let diags = rows(&out.join("diagnostics.csv"));
    assert!(
        diags
            .iter()
            .any(|d| d["severity"] == "info" && d["message"].contains("coverage.csv"))
    );
}

#[test]
fn group_by_a_metadata_field() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.jsonl");
    let table = dir.path().join("table.csv");
    let mut lines = String::new();
    for (i, (section, text)) in [
        (
            "Weather",
            "A storm closed the ports. The storm moved north. Storm winds rose.",
        ),
        (
            "Weather",
            "The storm reached the coast. Ports stayed closed during the storm.",
        ),
        (
            "Markets",
            "Markets rose as the central bank held rates. Bank shares gained. Bank bonds rallied.",
        ),
    ]
    .iter()
    .enumerate()
    {
        lines +=
            &format!("{{\"id\": \"f{i}\", \"Section\": \"{section}\", \"text\": \"{text}\"}}\n");
    }
    std::fs::write(&feed, lines).unwrap();
    std::fs::write(
        &table,
        "id,section,text\nt1,Markets,\"The bank cut rates and markets rallied; bank stocks led the bank index.\"\nt2,,\"No section here at all, just words.\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    newslens()
        .args(["run", "-q", "--group-by", "section", "-o"])
        .arg(&out)
        .arg(&feed)
        .arg(&table)
        .assert()
        .code(0);
    let keyness = rows(&out.join("keyness.csv"));
    let groups: BTreeSet<(&str, &str)> = keyness
        .iter()
        .filter(|k| k["group_by"] != "doc_id")
        .map(|k| (k["group_by"].as_str(), k["group"].as_str()))
        .collect();
    assert_eq!(
        groups,
        BTreeSet::from([("section", "Markets"), ("section", "Weather")])
    );
    let weather: Vec<&str> = keyness
        .iter()
        .filter(|k| k["group"] == "Weather")
        .map(|k| k["term"].as_str())
        .collect();
    assert_eq!(weather.first(), Some(&"storm"), "{weather:?}");
    // only the asked-for field is kept: documents.csv is unchanged
    assert_eq!(
        header(&out.join("documents.csv")),
        "doc_id,source,title,published,language,language_confidence,chars,sentences,tokens,words,unique_terms,language_reliable,languages,url,path,line,author,wire,duplicate_of"
    );
}

#[test]
fn collocations_are_the_head_of_the_whole_ranking() {
    // the rows written are selected while the pairs stream past (memory stays at twice the
    // rows written); they must be exactly the head of the ranking of every pair
    let run = |key, n| {
        output(
            key,
            &[
                "seeds",
                "corpus",
                "--collocation-min",
                "1",
                "--collocations",
                n,
                "--no-workbook",
                "--no-report",
            ],
        )
    };
    let lines = |dir: &Path| -> Vec<String> {
        std::fs::read_to_string(dir.join("collocations.csv"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    let (every, top) = (
        lines(&run("collocations-every", "10000000")),
        lines(&run("collocations-top", "1000")),
    );
    assert!(
        every.len() > 3 * 4096,
        "the bundled corpus has {} pairs: too few to exercise the selection",
        every.len()
    );
    assert_eq!(top.len(), 1001);
    assert_eq!(&every[..top.len()], &top[..]);
}
