//! `newslens map` + `newslens reduce` give the output folder of `newslens run`, byte for byte:
//! the input split into shards mapped by separate processes, then reduced in order.

mod common;

use common::{newslens, root};
use std::fs;
use std::path::{Path, PathBuf};

/// Every published file but `run.json` (timings), compared byte for byte; `run.json`'s counts.
fn assert_same_output(a: &Path, b: &Path) {
    let names = |d: &Path| {
        let mut v: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
    };
    let (na, nb) = (names(a), names(b));
    assert_eq!(na, nb, "different files");
    assert!(na.len() >= 10, "too few files: {na:?}");
    for n in &na {
        if n == "run.json" {
            continue;
        }
        let (x, y) = (fs::read(a.join(n)).unwrap(), fs::read(b.join(n)).unwrap());
        assert!(
            x == y,
            "{n} differs between run and map+reduce ({} vs {} bytes)",
            x.len(),
            y.len()
        );
    }
    let counts = |d: &Path| {
        let v: serde_json::Value =
            serde_json::from_slice(&fs::read(d.join("run.json")).unwrap()).unwrap();
        (
            v["counts"].clone(),
            v["files"].clone(),
            v["languages"].clone(),
        )
    };
    assert_eq!(counts(a), counts(b));
}

/// A JSONL feed with what a shard boundary could get wrong: duplicate ids in different
/// shards (and an id that collides with a renamed one), bad lines, an empty text, a bad date.
fn feed(dir: &Path) -> PathBuf {
    let pud = fs::read_to_string(root().join("corpus/pud-news.jsonl")).unwrap();
    let mut lines: Vec<String> = pud.lines().take(120).map(str::to_string).collect();
    let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    let id = first["id"].as_str().unwrap().to_string();
    lines.insert(
        5,
        serde_json::json!({"id": format!("{id}#2"), "text": "A short note on markets in London on Tuesday."})
            .to_string(),
    );
    lines.insert(7, "{not json".into());
    lines.insert(50, serde_json::json!({"id": "e", "text": "  "}).to_string());
    lines.insert(
        60,
        serde_json::json!({"id": &id, "text": "The Ministry of State Security said on Monday that Chen Yixin met officials in Beijing.", "published": "someday"})
            .to_string(),
    );
    lines.push(
        serde_json::json!({"id": &id, "text": "=Formula-looking text, said Acme Corp. in Paris.", "title": "=SUM(A1)"})
            .to_string(),
    );
    lines.push(
        serde_json::json!({"text": "No id here; the BBC reported it from Madrid."}).to_string(),
    );
    // three copies of one wire story, one in each shard: their signatures travel in the map's
    // records and the reduce clusters them
    let copies = fs::read_to_string(root().join("tests/fixtures/copies/spill.jsonl")).unwrap();
    for (at, line) in [20, 70, 110].into_iter().zip(copies.lines().take(3)) {
        lines.insert(at, line.to_string());
    }
    let path = dir.join("feed.jsonl");
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn sharded_map_and_reduce_equal_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let feed = feed(dir);
    let shown = feed.display().to_string();
    let run_out = dir.join("run");
    newslens()
        .args(["run", &shown, "-q", "-j2", "-o"])
        .arg(&run_out)
        .assert()
        .code(1);
    // three shards of the feed, each mapped by its own process with its first line number
    let text = fs::read_to_string(&feed).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cuts = [0, 40, 83, lines.len()];
    let mut shards = Vec::new();
    for (k, w) in cuts.windows(2).enumerate() {
        let part = lines[w[0]..w[1]].join("\n") + "\n";
        let out = newslens()
            .args(["map", "-j1", "--path", &shown, "--first-line"])
            .arg((w[0] + 1).to_string())
            .write_stdin(part)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let shard = dir.join(format!("shard{k}.map"));
        fs::write(&shard, out).unwrap();
        shards.push(shard);
    }
    let reduced = dir.join("reduced");
    newslens()
        .args(["reduce", "-q", "-j2", "-o"])
        .arg(&reduced)
        .args(&shards)
        .assert()
        .code(1);
    assert_same_output(&run_out, &reduced);
    let dups = fs::read_to_string(reduced.join("duplicates.csv")).unwrap();
    assert_eq!(dups.lines().count(), 1 + 3, "{dups}");
    let diags = fs::read_to_string(reduced.join("diagnostics.csv")).unwrap();
    assert!(diags.contains("renamed to"), "{diags}");
    assert!(diags.contains("invalid JSON"), "{diags}");

    // the same stream on standard input, as one piece
    let all: Vec<u8> = shards.iter().flat_map(|s| fs::read(s).unwrap()).collect();
    let piped = dir.join("piped");
    newslens()
        .args(["reduce", "-q", "-o"])
        .arg(&piped)
        .write_stdin(all)
        .assert()
        .code(1);
    assert_same_output(&run_out, &piped);
}

/// The table options travel in the stream's header: a map asked for opt-in tables, fewer
/// n-grams and every phrase in corpus_terms gives, reduced as Parquet, the output of `run`
/// with the same options.
#[test]
fn table_options_travel_from_map_to_reduce() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let feed = feed(dir);
    let shown = feed.display().to_string();
    let opts = [
        "--tables",
        "terms,kwic,collocations",
        "--ngrams",
        "2",
        "--corpus-terms-min-docs",
        "1",
        "--keyword-methods",
        "combined,rake",
    ];
    let run_out = dir.join("run");
    newslens()
        .args(["run", &shown, "-q", "--format", "parquet", "-o"])
        .arg(&run_out)
        .args(opts)
        .assert()
        .code(1);
    let map = newslens()
        .args(["map", "-j1", "--path", &shown])
        .args(opts)
        .write_stdin(fs::read(&feed).unwrap())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let header = String::from_utf8_lossy(&map);
    let header = header.lines().next().unwrap();
    assert!(
        header.contains("newslens-map/3")
            && header.contains("\"tables\":[\"terms\",\"kwic\",\"collocations\"]"),
        "{header}"
    );
    let reduced = dir.join("reduced");
    newslens()
        .args(["reduce", "-q", "--format", "parquet", "-o"])
        .arg(&reduced)
        .write_stdin(map)
        .assert()
        .code(1);
    assert_same_output(&run_out, &reduced);
    for f in ["terms.parquet", "kwic.parquet", "collocations.parquet"] {
        assert!(reduced.join(f).is_file(), "{f}");
    }
}

/// The files of `inputs` as `newslens map --files` envelopes, as the Spark driver sends them:
/// sorted, hidden entries left out, `id` = input folder name + path inside it.
fn envelopes(inputs: &[&str]) -> Vec<String> {
    fn walk(dir: &Path, shown: &str, id: &str, out: &mut Vec<String>) {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            if name.starts_with('.') {
                continue;
            }
            let path = dir.join(&name);
            let (shown, child) = (format!("{shown}/{name}"), format!("{id}/{name}"));
            if path.is_dir() {
                walk(&path, &shown, &child, out);
            } else {
                let content = newslens::mapreduce::base64_encode(&fs::read(&path).unwrap());
                out.push(
                    serde_json::json!({"path": shown, "id": child, "folder": id, "content": content})
                        .to_string(),
                );
            }
        }
    }
    let mut out = Vec::new();
    for input in inputs {
        walk(&root().join(input), input, input, &mut out);
    }
    out
}

#[test]
fn file_envelopes_map_like_the_files_themselves() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run_out = dir.join("run");
    newslens()
        .args(["run", "seeds", "corpus", "-q", "-o"])
        .arg(&run_out)
        .assert()
        .code(0);
    let env = envelopes(&["seeds", "corpus"]);
    let half = env.len() / 2;
    let mut shards = Vec::new();
    for (k, part) in [&env[..half], &env[half..]].into_iter().enumerate() {
        let out = newslens()
            .args(["map", "--files"])
            .write_stdin(part.join("\n") + "\n")
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let shard = dir.join(format!("files{k}.map"));
        fs::write(&shard, out).unwrap();
        shards.push(shard);
    }
    let reduced = dir.join("reduced");
    newslens()
        .args(["reduce", "-q", "-o"])
        .arg(&reduced)
        .args(&shards)
        .assert()
        .code(0);
    assert_same_output(&run_out, &reduced);
}

#[test]
fn reduce_refuses_a_cut_or_mixed_stream() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let feed = "{\"id\": \"a\", \"text\": \"Markets rose in London on Monday.\"}\n{\"id\": \"b\", \"text\": \"Rain fell in Paris.\"}\n";
    let map = |extra: &[&str]| {
        newslens()
            .arg("map")
            .args(extra)
            .write_stdin(feed)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone()
    };
    let whole = map(&[]);
    let text = String::from_utf8(whole.clone()).unwrap();
    assert_eq!(text.lines().count(), 4, "header, 2 docs, end: {text}");
    // the map process died before its end record
    let cut: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    fs::write(dir.join("cut.map"), cut).unwrap();
    let out = newslens()
        .args(["reduce", "-q", "-o"])
        .arg(dir.join("o1"))
        .arg(dir.join("cut.map"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("without its end record"));
    assert!(!dir.join("o1/documents.csv").exists());
    // shards mapped with different options
    fs::write(dir.join("a.map"), &whole).unwrap();
    fs::write(dir.join("b.map"), map(&["--keywords", "5"])).unwrap();
    let out = newslens()
        .args(["reduce", "-q", "-o"])
        .arg(dir.join("o2"))
        .arg(dir.join("a.map"))
        .arg(dir.join("b.map"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("other options"));
}
