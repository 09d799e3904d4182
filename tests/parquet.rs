//! `--format parquet`: every table as a Parquet file with the CSV's columns, rows and values,
//! read back by pandas and DuckDB (`tests/parquet_check.py`), typed by the table definitions
//! (`src/schema.rs`), and byte-identical whatever the thread count.

mod common;

use common::newslens;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::path::Path;

/// Runs the small fixture and the seed with every table into `dir`.
fn run(dir: &Path, extra: &[&str]) {
    newslens()
        .args([
            "run",
            "tests/fixtures/small",
            "seeds",
            "--all-tables",
            "-q",
            "-o",
        ])
        .arg(dir)
        .args(extra)
        .assert()
        .code(1);
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn parquet_tables_read_back_equal_to_their_csv_form() {
    let pq = tempfile::tempdir().unwrap();
    let csv = tempfile::tempdir().unwrap();
    run(pq.path(), &["--format", "parquet", "-j", "2"]);
    run(csv.path(), &[]);
    // the same files, .parquet for .csv
    let expected: Vec<String> = names(csv.path())
        .into_iter()
        .map(|n| match n.strip_suffix(".csv") {
            Some(stem) => format!("{stem}.parquet"),
            None => n,
        })
        .collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(names(pq.path()), expected);
    assert!(expected.contains(&"coverage_matrix.parquet".to_string()));
    // the page is made from the same tables
    assert_eq!(
        std::fs::read(pq.path().join("report.html")).unwrap(),
        std::fs::read(csv.path().join("report.html")).unwrap()
    );
    // run.json counts the rows of the files published
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pq.path().join("run.json")).unwrap()).unwrap();
    let rows = |f: &str| run["files"][f]["rows"].as_u64().unwrap();
    for name in names(pq.path()).iter().filter(|n| n.ends_with(".parquet")) {
        let r =
            SerializedFileReader::new(std::fs::File::open(pq.path().join(name)).unwrap()).unwrap();
        assert_eq!(
            r.metadata().file_metadata().num_rows() as u64,
            rows(name),
            "{name}"
        );
    }
    // pandas and DuckDB read every table back equal to the CSV
    let check = std::process::Command::new("python3")
        .arg(common::root().join("tests/parquet_check.py"))
        .arg(pq.path())
        .arg(csv.path())
        .output();
    match check {
        Ok(out) if out.status.code() == Some(3) && std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipped the pandas/DuckDB check: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(out) => assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped the pandas/DuckDB check: python3: {e}")
        }
        Err(e) => panic!("python3: {e}"),
    }
}

#[test]
fn parquet_columns_are_typed_by_the_table_definitions() {
    let pq = tempfile::tempdir().unwrap();
    run(pq.path(), &["--format", "parquet"]);
    let mut out = String::new();
    for t in newslens::schema::TABLES {
        let r = SerializedFileReader::new(std::fs::File::open(pq.path().join(t.parquet)).unwrap())
            .unwrap();
        let schema = r.metadata().file_metadata().schema_descr();
        out.push_str(&format!("{}:", t.parquet));
        for (i, c) in schema.columns().iter().enumerate() {
            // coverage_matrix: the fixed columns, then one per document
            if t.more.is_some() && i > t.header.len() {
                continue;
            }
            let logical = c
                .logical_type_ref()
                .map(|l| format!(" {l:?}"))
                .unwrap_or_default();
            out.push_str(&format!(" {} {}{logical};", c.name(), c.physical_type()));
        }
        out.push('\n');
    }
    insta::assert_snapshot!("parquet_schema", out);
}

#[test]
fn parquet_files_are_the_same_whatever_the_threads() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    run(one.path(), &["--format", "parquet", "-j", "1"]);
    run(two.path(), &["--format", "parquet", "-j", "2"]);
    for name in names(one.path()).iter().filter(|n| n.ends_with(".parquet")) {
        assert!(
            std::fs::read(one.path().join(name)).unwrap()
                == std::fs::read(two.path().join(name)).unwrap(),
            "{name} differs between -j1 and -j2"
        );
    }
}

#[test]
fn a_default_parquet_run_publishes_no_csv() {
    let out = tempfile::tempdir().unwrap();
    newslens()
        .args(["run", "seeds", "--format", "parquet", "-q", "-o"])
        .arg(out.path())
        .assert()
        .success();
    let files = names(out.path());
    assert!(files.iter().all(|f| !f.ends_with(".csv")), "{files:?}");
    assert!(files.contains(&"documents.parquet".to_string()));
    assert!(!files.contains(&"terms.parquet".to_string()));
    // a CSV run into the same folder replaces them
    newslens()
        .args(["run", "seeds", "-q", "-o"])
        .arg(out.path())
        .assert()
        .success();
    let files = names(out.path());
    assert!(files.iter().all(|f| !f.ends_with(".parquet")), "{files:?}");
}
