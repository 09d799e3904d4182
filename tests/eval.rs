//! Accuracy floors on the published evaluation sets in `../shared/eval`, scored by its own
//! scripts through the real CLI (strip.py → `newslens run` → score_*.py). A checkout without
//! `../shared` (a user's clone) skips these with a message; CI has it, so there they gate.
//! The floors sit just under the figures measured when they were set, so quality cannot
//! silently regress; raise them when a change improves a figure.

mod common;

use common::{newslens, shared_eval};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Runs a scorer and returns its full output.
fn python(args: &[&dyn AsRef<std::ffi::OsStr>]) -> String {
    let out = Command::new("python3")
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("python3 is needed to run the ../shared/eval scorers");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// strip.py + newslens run, returning the output folder.
fn run_on(eval: &Path, gold: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    python(&[&eval.join("strip.py"), &gold, &input]);
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .args(extra)
        .assert()
        .success();
    dir
}

/// [`run_on`] with the stripped lines in a fixed pseudo-random order, so that neighbouring
/// documents are unrelated: the language-ID items are sorted by language, and a file's
/// language would otherwise be lent to its unsure one-word items (`file_priors`), which
/// measures the file's order rather than the detector.
fn run_on_shuffled(eval: &Path, gold: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let stripped = dir.path().join("stripped.jsonl");
    python(&[&eval.join("strip.py"), &gold, &stripped]);
    let text = std::fs::read_to_string(&stripped).unwrap();
    let mut lines: Vec<(u64, &str)> = text
        .lines()
        .map(|l| {
            // FNV-1a: stable across platforms and Rust versions
            let h = l.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
            });
            (h, l)
        })
        .collect();
    lines.sort();
    let input = dir.path().join("in.jsonl");
    let body: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
    std::fs::write(&input, body).unwrap();
    newslens()
        .arg("run")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg("-q")
        .args(extra)
        .assert()
        .success();
    dir
}

/// `key=value` pairs of a scorer's last line.
fn figures(output: &str) -> BTreeMap<String, f64> {
    output
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.parse().unwrap()))
        .collect()
}

#[test]
fn segmentation_floors() {
    let Some(eval) = shared_eval() else {
        eprintln!("skipped: ../shared/eval not found (segmentation accuracy is checked in CI)");
        return;
    };
    // (set, sentence F1 floor, token F1 floor); spaCy 3.8 en_core_web_sm on EWT: 0.830 / 0.957
    let floors = [
        ("ewt_test", 0.89, 0.975),
        ("pud_eng", 0.99, 0.98),
        ("pud_deu", 0.99, 0.98),
        ("pud_fra", 0.99, 0.99),
        ("pud_spa", 0.99, 0.99),
        ("pud_rus", 0.99, 0.99),
        ("pud_ara", 0.99, 0.80),
        ("pud_zho", 0.99, 0.85),
    ];
    for (set, sentence_floor, token_floor) in floors {
        let gold = eval.join(format!("segmentation/{set}.jsonl"));
        let dir = run_on(&eval, &gold, &["--emit", "tokens,sentences"]);
        let out = python(&[
            &eval.join("score_segmentation.py"),
            &gold,
            &dir.path().join("out"),
        ]);
        let f = figures(&out);
        eprintln!(
            "{set}: sentence_f1={} token_f1={}",
            f["sentence_f1"], f["token_f1"]
        );
        assert!(
            f["sentence_f1"] >= sentence_floor,
            "{set} sentence F1 {} < {sentence_floor}",
            f["sentence_f1"]
        );
        assert!(
            f["token_f1"] >= token_floor,
            "{set} token F1 {} < {token_floor}",
            f["token_f1"]
        );
    }
}

/// The 24 languages of the lingua-rs accuracy table quoted in the language-ID issue.
const COMMON: &[&str] = &[
    "eng", "deu", "fra", "spa", "ita", "por", "nld", "swe", "nob", "dan", "fin", "rus", "hun",
    "ron", "tur", "ell", "ara", "tam", "zho", "jpn", "kor", "pol", "ces", "ukr",
];

#[test]
fn language_id_floors() {
    let Some(eval) = shared_eval() else {
        eprintln!("skipped: ../shared/eval not found (language-ID accuracy is checked in CI)");
        return;
    };
    let gold = eval.join("langid/dev.jsonl");
    let dir = run_on_shuffled(&eval, &gold, &[]);
    // lingua-rs report, 24 common languages: lingua high accuracy 0.977 / 0.914 / 0.763,
    // whatlang 0.940 / 0.684 / 0.534. newslens reached 0.9781 / 0.9153 / 0.7637 (over all 75
    // languages 0.9511 / 0.8902 / 0.7434); the floors are lingua's figures, just below those,
    // and for all 75 languages just below what newslens reached.
    for (kind, floor, floor_all) in [
        ("sentence", 0.977, 0.95),
        ("word_pair", 0.914, 0.889),
        ("word", 0.763, 0.742),
    ] {
        let out = python(&[
            &eval.join("score_langid.py"),
            &gold,
            &dir.path().join("out"),
            &"--kind",
            &kind,
        ]);
        let per_lang: BTreeMap<&str, f64> = out
            .lines()
            .filter(|l| l.starts_with("  "))
            .flat_map(|l| l.split_whitespace())
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k, v.parse().unwrap()))
            .collect();
        let common: Vec<f64> = COMMON.iter().map(|l| per_lang[l]).collect();
        let mean = common.iter().sum::<f64>() / common.len() as f64;
        let all = figures(&out)[&format!("langid_mean_accuracy_{kind}")];
        eprintln!("langid {kind}: mean over 24 common languages {mean:.4}, over all 75 {all:.4}");
        assert!(mean >= floor, "langid {kind}: {mean:.4} < {floor}");
        assert!(
            all >= floor_all,
            "langid {kind}, 75 languages: {all:.4} < {floor_all}"
        );
    }
}

/// F1 at 5 and 10 from a keyphrase scorer's output (`@5: P=… R=… F1=…` lines).
fn f1_at(output: &str) -> (f64, f64) {
    let at = |k: &str| -> f64 {
        output
            .lines()
            .find(|l| l.starts_with(&format!("@{k}:")))
            .and_then(|l| l.rsplit("F1=").next())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no F1@{k} in scorer output:\n{output}"))
    };
    (at("5"), at("10"))
}

#[test]
fn pos_accuracy_floors() {
    let Some(eval) = shared_eval() else {
        eprintln!("skipped: ../shared/eval not found (POS accuracy needs its UD sentences)");
        return;
    };
    // token accuracy on the tenth of each file that train-pos held back (never trained on),
    // with the bundled models; floors just under what was measured (README, "Parts of
    // speech"). The issue's targets: 0.95 English, 0.92 elsewhere.
    let floors = [
        ("eng", 0.947),
        ("deu", 0.952),
        ("fra", 0.965),
        ("spa", 0.947),
        ("por", 0.958),
        ("ita", 0.955),
        ("nld", 0.957),
        ("rus", 0.953),
        ("zho", 0.889),
    ];
    assert_eq!(
        floors.len(),
        newslens::pos::model_languages().count(),
        "every POS model has a floor"
    );
    for (lang, floor) in floors {
        let path = eval.join("pos").join(format!("{lang}.jsonl"));
        let text = std::fs::read_to_string(&path).unwrap();
        let sentences = newslens::pos::train::read_jsonl(&text).unwrap();
        let (held, _) = newslens::pos::train::split(&sentences);
        let model = newslens::pos::model_for(lang).unwrap();
        let acc = newslens::pos::train::accuracy(model, &held);
        eprintln!(
            "pos {lang}: held-back accuracy {acc:.4} over {} sentences",
            held.len()
        );
        assert!(acc >= floor, "pos {lang}: {acc:.4} < {floor}");
    }
}

#[test]
fn keyphrase_floors() {
    let Some(eval) = shared_eval() else {
        eprintln!("skipped: ../shared/eval not found (keyphrase accuracy is checked in CI)");
        return;
    };
    // (set, docs to leave out, F1@10 floor for combined, YAKE 0.7.3's F1@10 by the same
    // scorer, the methods combined must beat). Floors sit just under what newslens measured
    // when they were set (0.1571, 0.4203, 0.3565, 0.2516), and above YAKE's figures from the
    // issue. On the news sets combined beats newslens's own YAKE and PositionRank; on Inspec
    // (scientific abstracts) YAKE only: RAKE and PositionRank lead there (0.262, 0.260).
    let news: &[&str] = &["yake", "positionrank"];
    let sets = [
        ("500N-KPCrowd", Some("title_only"), 0.155, 0.076, news),
        ("WikiNews-fr", None, 0.415, 0.242, news),
        ("110-PT-BN-KP", None, 0.35, 0.198, news),
        ("Inspec", None, 0.245, 0.0, &["yake"]),
    ];
    for (set, exclude, floor, yake_reference, beats) in sets {
        assert!(floor > yake_reference);
        let gold = eval.join(format!("keyphrase/{set}.jsonl"));
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        let out = dir.path().join("out");
        let flag: Vec<&str> = exclude.map_or(vec![], |f| vec!["--exclude-flag", f]);
        let (strip_py, score_py) = (eval.join("strip.py"), eval.join("score_keyphrases.py"));
        let mut strip: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&strip_py, &gold, &input];
        strip.extend(flag.iter().map(|f| f as &dyn AsRef<std::ffi::OsStr>));
        python(&strip);
        newslens()
            .arg("run")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("-q")
            .args([
                "--keyword-methods",
                "combined,yake,tfidf,textrank,rake,positionrank",
            ])
            .assert()
            .success();
        let mut f1 = BTreeMap::new();
        for method in [
            "combined",
            "yake",
            "tfidf",
            "textrank",
            "rake",
            "positionrank",
        ] {
            let mut score: Vec<&dyn AsRef<std::ffi::OsStr>> =
                vec![&score_py, &gold, &out, &"--method", &method];
            score.extend(flag.iter().map(|f| f as &dyn AsRef<std::ffi::OsStr>));
            let report = python(&score);
            assert!(
                report.contains("stemmer=snowball"),
                "the floors were measured with stemmed matching: pip install snowballstemmer\n{report}"
            );
            let (at5, at10) = f1_at(&report);
            assert_eq!(at10, figures(&report)["kp_f1_at_10"]);
            eprintln!("keyphrases {set} {method}: F1@5={at5:.4} F1@10={at10:.4}");
            f1.insert(method, at10);
        }
        let combined = f1["combined"];
        assert!(
            combined >= floor,
            "{set}: combined F1@10 {combined:.4} < {floor}"
        );
        for method in beats {
            let other = f1[method];
            assert!(
                combined > other,
                "{set}: combined F1@10 {combined:.4} does not beat {method} ({other:.4})"
            );
        }
    }
}

#[test]
fn ner_floors() {
    let Some(eval) = shared_eval() else {
        eprintln!("skipped: ../shared/eval not found (NER accuracy is checked in CI)");
        return;
    };
    // (gold file, micro F1 floor); spans and labels must match exactly (score_ner.py), through
    // the real CLI with language detection. English, Spanish, Dutch and German over
    // PER/ORG/LOC/MISC; Chinese, Portuguese, Italian and Russian gold marks PER/ORG/LOC only,
    // and their models learn only those. The floors sit just under what was measured; the
    // development files were not used to choose anything (epochs are chosen on a held-back
    // part of the training file).
    let floors = [
        ("ner/conll2003_en/dev.jsonl", 0.915),
        ("ner/conll2002/spa_dev.jsonl", 0.78),
        ("ner/conll2002/nld_dev.jsonl", 0.812),
        ("ner/conll2003_de/dev.jsonl", 0.728),
        ("ner/uner/zho_dev.jsonl", 0.665),
        ("ner/uner/por_dev.jsonl", 0.795),
        ("ner/kind/ita_dev.jsonl", 0.785),
        ("ner/nerel/rus_dev.jsonl", 0.80),
    ];
    // French (WikiNEuRal, silver) and Arabic (ANERcorp) have training files only: score the
    // tenth of each that train-ner held back (every tenth document) and kept out of the model
    let held = tempfile::tempdir().unwrap();
    let mut tenths = Vec::new();
    for (file, floor) in [
        ("ner/wikineural/fra.jsonl", 0.89),
        ("ner/anercorp/ara_train.jsonl", 0.78),
    ] {
        let all = std::fs::read_to_string(eval.join(file)).unwrap();
        let tenth: String = all
            .lines()
            .skip(9)
            .step_by(10)
            .map(|l| format!("{l}\n"))
            .collect();
        let path = held.path().join(file.replace('/', "_"));
        std::fs::write(&path, tenth).unwrap();
        tenths.push((path.to_string_lossy().into_owned(), floor));
    }
    // GermEval 2014: the German model learns from its first 1,100 sentences (their sources and
    // the second half's are disjoint but for 7 of 2,190); the second half is scored
    let germeval = std::fs::read_to_string(eval.join("ner/germeval2014/dev.jsonl")).unwrap();
    let second: String = germeval
        .lines()
        .skip(1100)
        .map(|l| format!("{l}\n"))
        .collect();
    let path = held.path().join("germeval2014_dev_second_half.jsonl");
    std::fs::write(&path, second).unwrap();
    tenths.push((path.to_string_lossy().into_owned(), 0.625));
    let floors = floors
        .iter()
        .copied()
        .chain(tenths.iter().map(|(p, f)| (p.as_str(), *f)));
    for (set, floor) in floors {
        let gold = eval.join(set);
        let dir = run_on(&eval, &gold, &[]);
        let out = python(&[&eval.join("score_ner.py"), &gold, &dir.path().join("out")]);
        let f = figures(&out)["ner_f1"];
        eprintln!("{set}: ner_f1={f}\n{out}");
        assert!(f >= floor, "{set}: NER F1 {f} < {floor}\n{out}");
    }
}

#[test]
fn quote_floors() {
    let Some(eval) = shared_eval() else {
        eprintln!("skipped: ../shared/eval not found (quote attribution is checked in CI)");
        return;
    };
    // PolNeAR development articles (84, US political news of 2016), never trained on: the
    // model's passes are chosen on every tenth training article. Content F1 (contents
    // overlapping by half the longer) and content+source F1 (sources overlapping too).
    let gold = eval.join("quotes/polnear_dev.jsonl");
    let dir = run_on(&eval, &gold, &[]);
    let out_dir = dir.path().join("out");
    let out = python(&[&eval.join("score_quotes.py"), &gold, &out_dir]);
    let content_f1 = |out: &str| -> f64 {
        out.lines()
            .find_map(|l| l.strip_prefix("content: "))
            .and_then(|l| l.rsplit("F1=").next())
            .and_then(|f| f.trim().parse().ok())
            .unwrap_or(0.0)
    };
    let (content, source) = (content_f1(&out), figures(&out)["quote_source_f1"]);
    eprintln!("polnear_dev: content F1 {content}, content+source F1 {source}\n{out}");
    // per kind: the scorer on the rows of one kind against the gold attributions of that kind
    // (gold kind by its content's text: direct when it is one quotation from mark to mark,
    // indirect when it has no quotation mark, else mixed; `''` counts as a mark)
    let gold_text = std::fs::read_to_string(&gold).unwrap();
    let marks = ['“', '”', '"', '«', '»', '„'];
    let kind_of = |c: &str| {
        // archive text's doubled apostrophes and backticks are double quotation marks
        let c = c.replace("''", "\"").replace("``", "\"");
        let t = c.trim_end_matches(|ch: char| ch.is_ascii_punctuation() && ch != '"');
        let cs: Vec<char> = t.chars().collect();
        if !cs.iter().any(|ch| marks.contains(ch)) {
            "indirect"
        } else if cs.len() >= 2
            && marks.contains(&cs[0])
            && marks.contains(&cs[cs.len() - 1])
            && !cs[1..cs.len() - 1].iter().any(|ch| marks.contains(ch))
        {
            "direct"
        } else {
            "mixed"
        }
    };
    for kind in ["direct", "indirect", "mixed"] {
        let sub = dir.path().join(kind);
        std::fs::create_dir_all(&sub).unwrap();
        let mut r = csv::Reader::from_path(out_dir.join("quotes.csv")).unwrap();
        let header = r.headers().unwrap().clone();
        let kind_col = header.iter().position(|c| c == "kind").unwrap();
        let mut w = csv::Writer::from_path(sub.join("quotes.csv")).unwrap();
        w.write_record(&header).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            if &rec[kind_col] == kind {
                w.write_record(&rec).unwrap();
            }
        }
        w.flush().unwrap();
        let mut kept = String::new();
        for line in gold_text.lines().filter(|l| !l.trim().is_empty()) {
            let mut doc: serde_json::Value = serde_json::from_str(line).unwrap();
            let text: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
            let atts = doc["attributions"].as_array_mut().unwrap();
            atts.retain(|a| {
                let parts = a["content"].as_array().cloned().unwrap_or_default();
                let at = |p: &serde_json::Value, k: &str| p[k].as_u64().unwrap_or(0) as usize;
                let s = parts.iter().map(|p| at(p, "start")).min().unwrap_or(0);
                let e = parts.iter().map(|p| at(p, "end")).max().unwrap_or(0);
                let c: String = text[s.min(text.len())..e.clamp(s, text.len())]
                    .iter()
                    .collect();
                kind_of(&c) == kind
            });
            kept += &doc.to_string();
            kept.push('\n');
        }
        let gold_kind = sub.join("gold.jsonl");
        std::fs::write(&gold_kind, kept).unwrap();
        let out = python(&[&eval.join("score_quotes.py"), &gold_kind, &sub]);
        eprintln!("polnear_dev, {kind} (predicted {kind} against gold {kind}):\n{out}");
    }
    assert!(content >= 0.615, "content F1 {content} < 0.615\n{out}");
    assert!(source >= 0.545, "content+source F1 {source} < 0.545\n{out}");
}

#[test]
fn html_extraction_floor() {
    let Some(eval) = shared_eval() else {
        eprintln!("skipped: ../shared/eval not found (article extraction is checked in CI)");
        return;
    };
    // the 91 pages of the article-extraction benchmark, read as they were saved (gzipped
    // HTML), scored on texts.csv with the benchmark's word-4-gram shingle F1; measured 0.957
    // (rs-trafilatura alone gives the same), Python trafilatura 0.958 on the whole benchmark
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(eval.join("html/pages"))
        .args(["-q", "--tables", "texts", "-o"])
        .arg(&out)
        .assert()
        .success();
    let report = python(&[
        &eval.join("score_html.py"),
        &eval.join("html/ground-truth.json"),
        &out,
    ]);
    let f1 = figures(&report)["html_f1"];
    eprintln!(
        "article extraction: {}",
        report.lines().last().unwrap_or("")
    );
    assert!(report.contains("pages=91 extracted=91"), "{report}");
    assert!(f1 >= 0.95, "article-extraction F1 {f1} < 0.95\n{report}");
}
