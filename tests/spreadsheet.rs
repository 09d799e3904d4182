//! Downstream safety: every CSV cell reads back identically in pandas, and a `--bom` CSV with
//! Chinese, Arabic and French names converts to a spreadsheet (LibreOffice headless) with the
//! same values. Where pandas or LibreOffice is missing these tests say they were skipped —
//! except in CI (`CI` set), where `.ci/run` installs both and a missing one is a failure.

mod common;

use common::{newslens, rows};
use std::fs;
use std::path::Path;
use std::process::Command;

const TITLES: &[&str] = &[
    "Quotes \"inside\", commas, and; semicolons",
    "Line\nbreak, tab\tand CR\r here",
    "=SUM(A1:A9)",
    "+33 1 23 45 67 89",
    "-12",
    "@handle said",
    "北京 国家安全部",
    "وزارة الخارجية القطرية",
    "Élysée : la Première ministre à Besançon",
    "null",
    "NaN",
];

fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

fn run_titles(dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let inp = dir.join("titles.jsonl");
    let mut s = String::new();
    for (i, t) in TITLES.iter().enumerate() {
        let doc = serde_json::json!({"id": format!("t{i:02}"), "title": t, "source": t, "text": "Markets rose on Monday after the central bank spoke."});
        s.push_str(&doc.to_string());
        s.push('\n');
    }
    fs::write(&inp, s).unwrap();
    let out = dir.join("out");
    newslens()
        .arg("run")
        .arg(&inp)
        .args(extra)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    out
}

fn expected(t: &str) -> String {
    if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{t}")
    } else {
        t.to_string()
    }
}

#[test]
fn pandas_reads_back_every_cell() {
    let has_pandas = Command::new("python3")
        .args(["-c", "import pandas"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_pandas {
        assert!(
            !in_ci(),
            "pandas is missing in CI: .ci/run should install it"
        );
        eprintln!("skipped: pandas not installed (pip install pandas)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for extra in [&[][..], &["--bom"][..]] {
        let out = run_titles(dir.path(), extra);
        let script = r#"
import json, sys
import pandas as pd
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, encoding="utf-8-sig")
num = pd.read_csv(sys.argv[1], keep_default_na=False, encoding="utf-8-sig")
print(json.dumps({"title": list(df["title"]), "source": list(df["source"]), "cols": list(df.columns),
                  "chars": str(num["chars"].dtype), "conf": str(num["language_confidence"].dtype)}))
"#;
        let py = Command::new("python3")
            .args(["-c", script])
            .arg(out.join("documents.csv"))
            .output()
            .unwrap();
        assert!(
            py.status.success(),
            "{}",
            String::from_utf8_lossy(&py.stderr)
        );
        let got: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();
        let want: Vec<String> = TITLES.iter().map(|t| expected(t)).collect();
        assert_eq!(
            got["title"],
            serde_json::json!(want),
            "titles with {extra:?}"
        );
        assert_eq!(
            got["source"],
            serde_json::json!(want),
            "sources with {extra:?}"
        );
        assert_eq!(
            got["cols"][0], "doc_id",
            "BOM leaked into the first column name with {extra:?}"
        );
        assert_eq!(got["chars"], "int64", "numbers must stay numbers");
        assert_eq!(got["conf"], "float64");
        // and the csv crate agrees
        let docs = rows(&out.join("documents.csv"));
        let titles: Vec<String> = docs
            .iter()
            .map(|d| d["title"].trim_start_matches('\u{feff}').to_string())
            .collect();
        assert_eq!(titles, want);
    }
}

#[test]
fn libreoffice_converts_a_bom_csv_with_accents() {
    let soffice = ["soffice", "libreoffice"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(soffice) = soffice else {
        assert!(
            !in_ci(),
            "LibreOffice is missing in CI: .ci/run should install libreoffice-calc-nogui"
        );
        eprintln!("skipped: LibreOffice not installed (apt-get install libreoffice-calc-nogui)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = run_titles(dir.path(), &["--bom"]);
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("lo-profile").display()
    );
    let conv = dir.path().join("conv");
    // The import dialog of LibreOffice pre-selects UTF-8 for a file with a byte-order mark;
    // headless conversion has no dialog, so the import options say it (44 = comma,
    // 34 = double quote, 76 = UTF-8). The BOM must then not leak into the first header.
    let status = Command::new(soffice)
        .args([
            profile.as_str(),
            "--headless",
            "--infilter=Text - txt - csv (StarCalc):44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(&conv)
        .arg(out.join("documents.csv"))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let xlsx = conv.join("documents.xlsx");
    assert!(xlsx.is_file());
    // back to CSV (UTF-8, comma, double quotes) and compare the values
    let back = dir.path().join("back");
    let status = Command::new(soffice)
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(&back)
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = fs::read_to_string(back.join("documents.csv")).unwrap();
    assert!(
        text.starts_with("doc_id,") || text.starts_with("\"doc_id\","),
        "header: {:?}",
        &text[..20]
    );
    let docs = rows(&back.join("documents.csv"));
    let titles: Vec<&str> = docs.iter().map(|d| d["title"].as_str()).collect();
    for want in [
        "北京 国家安全部",
        "وزارة الخارجية القطرية",
        "Élysée : la Première ministre à Besançon",
        "'=SUM(A1:A9)",
    ] {
        assert!(titles.contains(&want), "{want:?} not in {titles:?}");
    }
    let chars: Vec<&str> = docs.iter().map(|d| d["chars"].as_str()).collect();
    assert!(chars.iter().all(|c| *c == "52"), "{chars:?}");
}
