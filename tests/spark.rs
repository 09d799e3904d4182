//! The Spark driver (`spark/newslens_spark.py`) in `local[2]` mode gives the tables of
//! `newslens run` on the same input: the bundled corpus, a folder of bad records, and (when
//! `../shared` is there) a few hundred BBC articles. Needs python3 with pyspark and pyarrow and
//! Java 17; `.ci/run` installs pyspark. Without them it says it was skipped and passes, except
//! in CI (`CI` set), where it fails.

mod common;

use common::root;
use std::fs;
use std::path::Path;
use std::process::Command;

fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Cells equal, or both numbers within 1e-9; rows in the same order.
fn assert_same_csv(name: &str, a: &Path, b: &Path) {
    let read = |p: &Path| {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        r.records().map(|x| x.unwrap()).collect::<Vec<_>>()
    };
    let (x, y) = (read(a), read(b));
    assert_eq!(x.len(), y.len(), "{name}: row counts differ");
    for (i, (r, s)) in x.iter().zip(&y).enumerate() {
        assert_eq!(r.len(), s.len(), "{name} row {i}: field counts differ");
        for (u, v) in r.iter().zip(s.iter()) {
            if u == v {
                continue;
            }
            match (u.parse::<f64>(), v.parse::<f64>()) {
                (Ok(p), Ok(q)) if (p - q).abs() <= 1e-9 => {}
                _ => panic!("{name} row {i}: {u:?} (run) vs {v:?} (spark)"),
            }
        }
    }
}

/// Whether python3 with pyspark and pyarrow, and Java, are here; when not, says the test is
/// skipped (and fails in CI, where `.ci/run` installs them).
fn spark_ready() -> bool {
    let probe = Command::new("python3")
        .args(["-c", "import pyspark, pyarrow"])
        .output();
    let java = Command::new("java").arg("-version").output();
    let ready = matches!(&probe, Ok(o) if o.status.success())
        && matches!(&java, Ok(o) if o.status.success());
    if !ready {
        assert!(
            !in_ci(),
            "python3 with pyspark and pyarrow, and Java, are needed in CI (.ci/run installs pyspark)"
        );
        eprintln!("skipped: pyspark, pyarrow or java not found (pip install pyspark pyarrow)");
    }
    ready
}

#[test]
fn spark_local_mode_gives_the_tables_of_run() {
    if !spark_ready() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // bad records travel through Spark as diagnostics, like in a local run
    let bad = tmp.path().join("bad");
    fs::create_dir_all(bad.join("sub")).unwrap();
    fs::write(
        bad.join("feed.jsonl"),
        "{\"id\": \"pud_eng_n01001\", \"text\": \"A duplicate id: Acme Corp. opened in Paris on Monday.\"}\n{broken\n{\"id\": \"e\", \"text\": \"\"}\n{\"id\": \"d\", \"text\": \"Rain fell in Madrid.\", \"published\": \"whenever\"}\n",
    )
    .unwrap();
    fs::write(bad.join("sub/binary.txt"), [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    fs::write(bad.join("sub/empty.txt"), "").unwrap();
    fs::write(bad.join("table.xls"), "not read").unwrap();
    fs::write(bad.join(".hidden.txt"), "never read").unwrap();
    let bad = bad.display().to_string();
    let mut inputs = vec!["seeds".to_string(), "corpus".to_string(), bad];
    match common::shared_eval() {
        Some(_) if root().join("../shared/bench/bbc/tech").is_dir() => {
            inputs.push("../shared/bench/bbc/tech".into())
        }
        _ => {
            assert!(!in_ci(), "../shared/bench/bbc is needed in CI");
            eprintln!(
                "note: ../shared/bench/bbc not found; the Spark check runs on the bundled corpus only"
            );
        }
    }
    let exe = env!("CARGO_BIN_EXE_newslens");
    let local = tmp.path().join("run");
    let status = Command::new(exe)
        .current_dir(root())
        .arg("run")
        .args(&inputs)
        .args(["-q", "-j2", "--all-tables", "-o"])
        .arg(&local)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the bad records make run exit 1");
    let spark = tmp.path().join("spark");
    let out = Command::new("python3")
        .current_dir(root())
        .arg("spark/newslens_spark.py")
        .args([
            "--master",
            "local[2]",
            "--partitions",
            "4",
            "--binary",
            exe,
            "--map-args=--all-tables",
            "-o",
        ])
        .arg(&spark)
        .args(&inputs)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    let tail: String = said
        .lines()
        .filter(|l| l.contains("newslens"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the driver exits as reduce does: {said}"
    );
    eprintln!("{tail}");
    let mut names: Vec<String> = fs::read_dir(&local)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != "run.json")
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for n in &names {
        let (a, b) = (local.join(n), spark.join(n));
        assert!(b.exists(), "the Spark output lacks {n}");
        if n.ends_with(".csv") {
            assert_same_csv(n, &a, &b);
        } else {
            assert!(
                fs::read(&a).unwrap() == fs::read(&b).unwrap(),
                "{n} differs"
            );
        }
    }
    let diags = fs::read_to_string(spark.join("diagnostics.csv")).unwrap();
    for needle in [
        "invalid JSON",
        "empty text",
        "renamed to",
        "unsupported file type",
        "binary",
    ] {
        assert!(
            diags.contains(needle),
            "diagnostics.csv lacks {needle}: {diags}"
        );
    }
}

/// A Parquet dataset of records (`--parquet`) maps like the JSONL file it was made from: the
/// dataset sits where the JSONL file is named (`corpus/pud-news.jsonl/part-0.parquet`, the
/// driver started in that folder), so even `path` and `line` are the JSONL file's.
#[test]
fn spark_parquet_records_give_the_tables_of_run() {
    if !spark_ready() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dataset = tmp.path().join("corpus/pud-news.jsonl");
    fs::create_dir_all(&dataset).unwrap();
    let made = Command::new("python3")
        .args([
            "-c",
            "import sys, pyarrow.json as j, pyarrow.parquet as p; p.write_table(j.read_json(sys.argv[1]), sys.argv[2], row_group_size=300)",
        ])
        .arg(root().join("corpus/pud-news.jsonl"))
        .arg(dataset.join("part-0.parquet"))
        .status()
        .unwrap();
    assert!(made.success());
    let exe = env!("CARGO_BIN_EXE_newslens");
    let local = tmp.path().join("run");
    let status = Command::new(exe)
        .current_dir(root())
        .args([
            "run",
            "corpus/pud-news.jsonl",
            "-q",
            "--no-workbook",
            "--no-report",
            "-o",
        ])
        .arg(&local)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let spark = tmp.path().join("spark");
    let out = Command::new("python3")
        .current_dir(tmp.path())
        .arg(root().join("spark/newslens_spark.py"))
        .args([
            "--parquet",
            "--master",
            "local[2]",
            "--partitions",
            "3",
            "--binary",
            exe,
        ])
        .args(["--reduce-args", "--no-workbook --no-report", "-o"])
        .arg(&spark)
        .arg("corpus/pud-news.jsonl")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut n = 0;
    for e in fs::read_dir(&local).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") {
            assert_same_csv(&name, &local.join(&name), &spark.join(&name));
            n += 1;
        }
    }
    // the default tables but coverage_matrix (more than 1,000 articles)
    assert!(n >= 11, "{n} tables");
}
