//! Nothing lost, nothing crashes: interrupted runs, concurrent runs, oversized and malformed
//! input, worst-case text, and CSV cells that must survive a round trip.

mod common;

use common::{newslens, root, rows};
use newslens::segment::segment;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every CSV file `run.json` lists parses with the recorded number of rows, the workbook and
/// the page are whole, and no other output file is there.
fn verify_complete(out: &Path) {
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).expect("run.json present"))
            .unwrap();
    let files = run["files"].as_object().unwrap();
    for (name, info) in files {
        if name.ends_with(".html") {
            let page = fs::read(out.join(name)).unwrap();
            assert_eq!(page.len() as u64, info["bytes"].as_u64().unwrap(), "{name}");
            assert!(page.ends_with(b"</html>\n"), "{name} is cut");
            continue;
        }
        if name.ends_with(".xlsx") {
            let bytes = fs::read(out.join(name)).unwrap();
            assert!(bytes.starts_with(b"PK\x03\x04"), "{name} is not a zip");
            // the end-of-central-directory record closes a whole zip file
            let tail = &bytes[bytes.len().saturating_sub(22)..];
            assert!(tail.starts_with(b"PK\x05\x06"), "{name} is cut");
            continue;
        }
        let mut r = csv::Reader::from_path(out.join(name)).unwrap();
        let mut n = 0u64;
        for rec in r.records() {
            rec.expect("a whole CSV row");
            n += 1;
        }
        assert_eq!(
            n,
            info["rows"].as_u64().unwrap(),
            "{name} does not match run.json"
        );
    }
    for e in fs::read_dir(out).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            assert!(
                name == "run.json" || files.contains_key(&name),
                "{name} is not in run.json"
            );
        }
    }
}

#[test]
fn killed_runs_leave_the_previous_complete_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let args = [
        "run",
        "seeds",
        "corpus",
        "--emit",
        "tokens,sentences",
        "-q",
        "-o",
    ];
    let t0 = Instant::now();
    newslens().args(args).arg(&out).assert().code(0);
    let full = t0.elapsed();
    verify_complete(&out);
    let first = fs::read(out.join("run.json")).unwrap();
    let mut replaced = 0;
    for fraction in [
        0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.86, 0.9, 0.93, 0.96, 0.98, 1.0, 1.05,
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_newslens"))
            .current_dir(root())
            .args(args)
            .arg(&out)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(fraction));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        verify_complete(&out);
        replaced += (fs::read(out.join("run.json")).unwrap() != first) as usize;
    }
    // after all that, a run still goes through (stale lock and staging folders are cleared)
    newslens().args(args).arg(&out).assert().code(0);
    verify_complete(&out);
    let siblings: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        siblings.len(),
        1,
        "staging folders left behind: {siblings:?}"
    );
    eprintln!("{replaced} of 14 killed runs had already published");
}

#[test]
fn a_second_run_into_the_same_folder_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jsonl");
    let line = r#"{"id":"ID","text":"The police said the storm closed the port on Tuesday, and officials expect it to reopen on Thursday after inspections. "}"#;
    let mut s = String::new();
    for i in 0..60_000 {
        s.push_str(&line.replace("ID", &i.to_string()));
        s.push('\n');
    }
    fs::write(&big, s).unwrap();
    let out = dir.path().join("out");
    let mut first = Command::new(env!("CARGO_BIN_EXE_newslens"))
        .args(["run", "-q", "--emit", "tokens", "-o"])
        .arg(&out)
        .arg(&big)
        .spawn()
        .unwrap();
    let lock = out.join(newslens::publish::LOCK_FILE);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !lock.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = newslens()
        .args(["run", "seeds", "-q", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let still_running = first.try_wait().unwrap().is_none();
    let status = first.wait().unwrap();
    assert!(status.success());
    if still_running {
        assert_eq!(second.status.code(), Some(2));
        let err = String::from_utf8_lossy(&second.stderr);
        assert!(err.contains("another newslens run"), "{err}");
    }
    verify_complete(&out);
    assert_eq!(rows(&out.join("documents.csv")).len(), 60_000);
}

#[test]
fn oversized_documents_are_cut_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let para = "The committee met again on Monday. Members argued about the budget for hours.\n\n";
    fs::write(inp.join("long.txt"), para.repeat(2_000)).unwrap();
    fs::write(
        inp.join("feed.jsonl"),
        format!(
            "{{\"id\":\"big\",\"text\":\"{}\"}}\n{{\"id\":\"huge\",\"text\":\"{}\"}}\n{{\"id\":\"ok\",\"text\":\"Fine.\"}}\n",
            "word ".repeat(3_000),
            "x".repeat(300_000)
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(&inp)
        .args(["--max-doc-bytes", "10000", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    let docs = rows(&out.join("documents.csv"));
    let ids: Vec<&str> = docs.iter().map(|d| d["doc_id"].as_str()).collect();
    assert_eq!(ids, ["big", "in/long", "ok"]);
    for d in &docs {
        assert!(d["chars"].parse::<usize>().unwrap() <= 10_000);
    }
    let long = docs.iter().find(|d| d["doc_id"] == "in/long").unwrap();
    // cut at a paragraph end: whole sentences only
    assert_eq!(long["sentences"].parse::<usize>().unwrap() % 2, 0);
    let diags = rows(&out.join("diagnostics.csv"));
    let msgs: Vec<String> = diags
        .iter()
        .map(|d| format!("{}:{}:{}", d["line"], d["severity"], d["message"]))
        .collect();
    assert!(msgs.iter().any(|m| m.starts_with("1:warning:document is 15000 bytes, over --max-doc-bytes 10000")), "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("2:error:line is 300024 bytes")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with(":warning:document is 158000 bytes")),
        "{msgs:?}"
    );
}

#[test]
fn malformed_inputs_of_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    let deep = (0..40).fold(inp.clone(), |p, i| p.join(format!("d{i}")));
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("deep.txt"), "A story found forty folders down.").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&inp, inp.join("d0").join("loop")).unwrap();
    let utf16: Vec<u8> = "Die Regierung hat am Dienstag ein Gesetz beschlossen."
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    fs::write(inp.join("utf16-nobom.txt"), utf16).unwrap();
    fs::write(
        inp.join("cr.txt"),
        "Headline here\rFirst line of the story.\rSecond line.",
    )
    .unwrap();
    fs::write(
        inp.join("crlf.txt"),
        "Headline here\r\nFirst line of the story.\r\nSecond line.\r\n",
    )
    .unwrap();
    fs::write(inp.join("whitespace.txt"), " \t\u{00A0}\n").unwrap();
    fs::write(inp.join("truncated.txt"), b"Caf\xC3").unwrap();
    fs::write(
        inp.join("rtl.txt"),
        "قال المتحدث باسم الحكومة إن الاجتماع سيعقد يوم الثلاثاء. 👩‍👩‍👧 e\u{301}te\u{301}",
    )
    .unwrap();
    fs::write(
        inp.join("bad.jsonl"),
        "{\"id\":\"j1\",\"text\":\"Good record.\"}\n[1,2]\n{\"id\":\"j2\"}\n{\"id\":\"j3\",\"text\":null}\n{\"id\":\"j1\",\"text\":\"Same id.\"}\n",
    )
    .unwrap();
    fs::write(
        inp.join("semi.csv"),
        "\u{FEFF}id;title;text\ns1;Semi;\"Texte avec; point-virgule.\"\ns2;Ragged\n",
    )
    .unwrap();
    fs::write(
        inp.join("quotes.csv"),
        "id,text\nq1,\"unbalanced quote here\nq2,more\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(&inp)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    verify_complete(&out);
    let docs = rows(&out.join("documents.csv"));
    let get = |suffix: &str| {
        docs.iter()
            .find(|d| d["doc_id"].ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} missing"))
    };
    assert_eq!(get("/deep")["words"], "6");
    assert_eq!(get("utf16-nobom")["language"], "deu");
    assert_eq!(get("/cr")["sentences"], "3");
    assert_eq!(get("/crlf")["sentences"], "3");
    assert_eq!(get("/rtl")["language"], "ara");
    assert_eq!(get("/truncated")["chars"], "4");
    assert_eq!(get("s1")["title"], "Semi");
    assert!(docs.iter().any(|d| d["doc_id"] == "j1#2"));
    let diags = rows(&out.join("diagnostics.csv"));
    let about = |file: &str| -> Vec<String> {
        diags
            .iter()
            .filter(|d| d["path"].ends_with(file))
            .map(|d| format!("{}:{}:{}", d["line"], d["severity"], d["message"]))
            .collect()
    };
    assert!(about("whitespace.txt")[0].contains("error:empty file"));
    assert!(about("truncated.txt")[0].contains("warning:not valid UTF-8"));
    assert!(about("utf16-nobom.txt")[0].contains("warning:UTF-16 without a byte-order mark"));
    let bad = about("bad.jsonl");
    assert!(bad[0].starts_with("2:error:not a JSON object"), "{bad:?}");
    assert!(
        bad[1].starts_with("3:error:no \"text\" (or \"html\") field"),
        "{bad:?}"
    );
    assert!(
        bad[2].starts_with("4:error:field \"text\" is not a string"),
        "{bad:?}"
    );
    assert!(bad[3].starts_with("5:warning:duplicate doc_id"), "{bad:?}");
    assert!(
        about("semi.csv")[0].starts_with("3:error:row has 2 fields"),
        "{:?}",
        about("semi.csv")
    );
    let quotes = about("quotes.csv");
    assert!(
        quotes[0].starts_with("2:warning:unbalanced quotes"),
        "{quotes:?}"
    );
    #[cfg(unix)]
    assert!(diags.iter().any(|d| d["message"].contains("symlink loop")));
}

#[test]
fn worst_case_text_stays_linear() {
    // counts, not clocks: each case must give a small, exact number of tokens
    let periods = ".".repeat(1_000_000);
    assert_eq!(segment(&periods, "eng").tokens.len(), 1);
    let word = "a".repeat(5_000_000);
    assert_eq!(segment(&word, "eng").tokens.len(), 1);
    let url = format!("http://x.org/{}", ")".repeat(200_000));
    assert_eq!(segment(&url, "eng").tokens.len(), 200_001);
    let ats = "a@".repeat(500_000);
    assert!(segment(&ats, "eng").tokens.len() <= 1_000_001);
    let hyphens = "a-".repeat(500_000);
    assert_eq!(segment(&hyphens, "eng").tokens.len(), 2);
    let abbrev = "U.S. ".repeat(200_000);
    let seg = segment(&abbrev, "eng");
    assert_eq!(seg.tokens.len(), 200_000);
    assert_eq!(seg.sentences.len(), 1);
}

#[test]
fn csv_cells_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("cells.jsonl");
    let titles = [
        "Quotes \"inside\" and, commas",
        "Line\nbreak and\ttab",
        "=1+2",
        "+cmd",
        "-minus",
        "@at",
        "Zhōng 中文 عربي Ελληνικά",
    ];
    let mut s = String::new();
    for (i, t) in titles.iter().enumerate() {
        s.push_str(&serde_json::json!({"id": format!("c{i}"), "title": t, "text": "Markets rose on Monday."}).to_string());
        s.push('\n');
    }
    fs::write(&inp, s).unwrap();
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(&inp)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let docs = rows(&out.join("documents.csv"));
    for (d, t) in docs.iter().zip(titles) {
        let want = if t.starts_with(['=', '+', '-', '@']) {
            format!("'{t}")
        } else {
            t.to_string()
        };
        assert_eq!(d["title"], want);
        assert_eq!(d["chars"], "23");
    }
    // Python's csv module reads the same values
    let py = Command::new("python3")
        .arg("-c")
        .arg("import csv,sys,json; print(json.dumps([r['title'] for r in csv.DictReader(open(sys.argv[1], encoding='utf-8', newline=''))]))")
        .arg(out.join("documents.csv"))
        .output();
    if let Ok(py) = py {
        assert!(py.status.success());
        let got: Vec<String> = serde_json::from_slice(&py.stdout).unwrap();
        let want: Vec<String> = docs.iter().map(|d| d["title"].clone()).collect();
        assert_eq!(got, want);
    }
}

/// A `size` tmpfs mounted on a new folder `disk` in `dir`, unmounted when the guard drops;
/// `None` (with a message) where mounting is not allowed (needs root).
fn small_disk(dir: &Path, size: &str, what: &str) -> Option<(PathBuf, Unmount)> {
    let disk = dir.join("disk");
    fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(&disk)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root); {what} not tested");
        return None;
    }
    Some((disk.clone(), Unmount(disk)))
}

struct Unmount(PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_ends_the_run_with_exit_2_and_publishes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // a 1 MB file system: big enough for the first run's output (its workbook's temporary
    // sheets included), too small for --emit tokens
    let Some((disk, _guard)) = small_disk(dir.path(), "1m", "disk-full") else {
        return;
    };
    let out = disk.join("out");
    newslens()
        .args(["run", "seeds", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let before = fs::read(out.join("run.json")).unwrap();
    let assert = newslens()
        .args([
            "run",
            "seeds",
            "corpus",
            "--emit",
            "tokens,sentences",
            "-q",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("write failed") && err.contains("nothing was published"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert_eq!(
        fs::read(out.join("run.json")).unwrap(),
        before,
        "previous output replaced"
    );
    verify_complete(&out);
    let leftovers: Vec<_> = fs::read_dir(&disk)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "staging left on the full disk: {leftovers:?}"
    );
    assert!(!out.join(newslens::publish::LOCK_FILE).exists());
}

#[test]
fn huge_files_are_read_only_up_to_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    // a 200 MB log on one line, and a 50 MB "word" with no spaces
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(fs::File::create(inp.join("log.txt")).unwrap());
        let chunk = "2023-08-02T10:00:00 GET /index.html 200 OK; ".repeat(1000);
        while f.get_ref().metadata().unwrap().len() < 200_000_000 {
            f.write_all(chunk.as_bytes()).unwrap();
            f.flush().unwrap();
        }
        let mut w = std::io::BufWriter::new(fs::File::create(inp.join("word.txt")).unwrap());
        let block = "x".repeat(1 << 20);
        for _ in 0..50 {
            w.write_all(block.as_bytes()).unwrap();
        }
    }
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(&inp)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let docs = rows(&out.join("documents.csv"));
    assert_eq!(docs.len(), 2);
    let word = docs.iter().find(|d| d["doc_id"] == "in/word").unwrap();
    assert_eq!(word["tokens"], "1");
    assert_eq!(
        word["chars"],
        newslens::input::DEFAULT_MAX_DOC_BYTES.to_string()
    );
    let diags: Vec<_> = rows(&out.join("diagnostics.csv"))
        .into_iter()
        .filter(|d| d["severity"] != "info")
        .collect();
    assert_eq!(diags.len(), 2);
    assert!(
        diags
            .iter()
            .all(|d| d["severity"] == "warning" && d["message"].contains("over --max-doc-bytes"))
    );
}

#[test]
fn a_file_deleted_after_discovery_is_reported() {
    use newslens::input::{Item, ReadOptions, discover, read};
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "Gone before it was read.").unwrap();
    let (files, diags) = discover(&[dir.path().to_path_buf()], &ReadOptions::default());
    assert!(diags.is_empty());
    fs::remove_file(dir.path().join("a.txt")).unwrap();
    let mut got = Vec::new();
    read(&files[0], &ReadOptions::default(), &mut |item| {
        got.push(item)
    });
    assert!(
        matches!(&got[..], [Item::Diag(d)] if d.message.starts_with("cannot read")),
        "{got:?}"
    );
}

#[test]
fn output_and_input_must_not_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    newslens()
        .args(["run", "seeds", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    // reading a previous output from inside the folder about to be replaced
    let assert = newslens()
        .arg("run")
        .arg(out.join("documents.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("holds the input"), "{err}");
    verify_complete(&out);
}

#[test]
fn formula_guard_on_every_text_column() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("f.jsonl");
    fs::write(
        &inp,
        r#"{"id":"=cmd|' /C calc'!A0","title":"+title","source":"-source","url":"@url","text":"Follow @evil and =hyperlink and #tag today."}"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(&inp)
        .args(["--emit", "tokens", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let docs = rows(&out.join("documents.csv"));
    let d = &docs[0];
    assert_eq!(d["doc_id"], "'=cmd|' /C calc'!A0");
    assert_eq!(d["title"], "'+title");
    assert_eq!(d["source"], "'-source");
    assert_eq!(d["url"], "'@url");
    for file in [
        "documents.csv",
        "corpus_terms.csv",
        "corpus_terms.csv",
        "tokens.csv",
        "diagnostics.csv",
    ] {
        let mut r = csv::Reader::from_path(out.join(file)).unwrap();
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{file}: unguarded cell {cell:?}"
                );
            }
        }
    }
    let terms = rows(&out.join("corpus_terms.csv"));
    assert!(
        terms.iter().any(|t| t["term"] == "'@evil"),
        "handles are terms, guarded"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir_all(inp.join("locked")).unwrap();
    fs::write(inp.join("locked/a.txt"), "Hidden behind permissions.").unwrap();
    fs::write(inp.join("secret.txt"), "Nobody may read this.").unwrap();
    fs::write(inp.join("open.txt"), "Everybody may read this article.").unwrap();
    fs::set_permissions(inp.join("secret.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(inp.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(inp.join("secret.txt")).is_ok() {
        // root reads everything: permissions cannot make a file unreadable here
        fs::set_permissions(inp.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!(
            "skipped: running as root, permissions do not stop reads (dangling links are tested in cli.rs)"
        );
        return;
    }
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(&inp)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    fs::set_permissions(inp.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    let docs = rows(&out.join("documents.csv"));
    assert_eq!(docs.len(), 1);
    let diags = rows(&out.join("diagnostics.csv"));
    assert!(
        diags
            .iter()
            .any(|d| d["path"].ends_with("secret.txt") && d["severity"] == "error")
    );
    assert!(
        diags
            .iter()
            .any(|d| d["path"].ends_with("locked") && d["severity"] == "error")
    );
}

#[test]
fn a_disk_too_small_for_the_workbook_skips_it_and_keeps_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    // 500 kB: room for the seed's tables (about 215 kB, with the spools they are copied from
    // about 400 kB at the peak) but not for the workbook's temporary sheets (about six times
    // the CSV)
    let Some((disk, _guard)) = small_disk(dir.path(), "500k", "workbook skip") else {
        return;
    };
    let out = disk.join("out");
    // every table, whole in the workbook
    let assert = newslens()
        .args(["run", "seeds", "--all-tables", "--workbook-rows", "0", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("newslens.xlsx skipped") && err.contains("MB are free"),
        "{err}"
    );
    assert!(!out.join("newslens.xlsx").exists());
    assert!(out.join("report.html").is_file());
    verify_complete(&out);
}

/// The tables of a run as the workbook sees them while they are written: `documents.csv` is
/// finished first; when the workbook asks for more, `corpus_terms.csv` is written (and must fit).
struct TwoTables {
    dir: PathBuf,
    step: std::sync::Mutex<usize>,
    second: std::sync::Mutex<Option<std::io::Result<()>>>,
}

impl newslens::report::workbook::Tables for TwoTables {
    fn finished_beyond(
        &self,
        _seen: usize,
    ) -> (Vec<&'static str>, newslens::report::workbook::Progress) {
        use newslens::report::workbook::Progress;
        let mut step = self.step.lock().unwrap();
        *step += 1;
        match *step {
            1 => (vec!["documents.csv"], Progress::Writing),
            _ => {
                let mut second = self.second.lock().unwrap();
                if second.is_none() {
                    *second = Some(fs::write(self.dir.join("corpus_terms.csv"), table(1 << 20)));
                }
                (vec!["documents.csv", "corpus_terms.csv"], Progress::Done)
            }
        }
    }
}

/// A CSV table of about `bytes` bytes.
fn table(bytes: usize) -> String {
    let mut s = String::from("doc_id,term,count\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!("d{},term{},{}\n", i % 97, i, i % 13));
        i += 1;
    }
    s
}

#[test]
fn the_workbook_never_takes_the_room_a_table_still_to_come_needs() {
    // a 2 MB disk: a 100 kB table finished first, whose sheet takes about 1 MB while it is
    // written, then a 1 MB table; filled early, the sheet would leave the table no room
    let dir = tempfile::tempdir().unwrap();
    let Some((disk, _guard)) = small_disk(dir.path(), "2m", "workbook headroom") else {
        return;
    };
    let out = disk.join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("documents.csv"), table(100_000)).unwrap();
    let tables = TwoTables {
        dir: out.clone(),
        step: Default::default(),
        second: Default::default(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let wrote = newslens::report::workbook::write_as_ready(
        &out,
        &tables,
        &pool,
        newslens::report::workbook::MAX_ROWS,
    );
    let second = tables
        .second
        .lock()
        .unwrap()
        .take()
        .expect("corpus_terms.csv asked for");
    second.expect("the second table has room");
    let err = wrote.expect_err("no room for the workbook");
    assert_eq!(err.kind(), std::io::ErrorKind::StorageFull, "{err}");
    assert_eq!(
        fs::metadata(out.join("corpus_terms.csv")).unwrap().len() as usize,
        table(1 << 20).len()
    );
}
