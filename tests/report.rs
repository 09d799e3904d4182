//! The workbook and the page: `newslens.xlsx` read back with calamine (numbers are numbers,
//! ids and titles are text, Chinese and Arabic round-trip, frozen header, autofilter, the
//! coverage heat map, the row cap), and `report.html` rendered in headless Chromium (a
//! screenshot that is not blank, and the DOM holds the heat-map cells, the neighbours and the
//! charts, with markup in titles escaped). The comparison tables (coverage, similarity,
//! keyness, ...) come from small fixture CSV files here, so these tests do not depend on the
//! code that writes them. Where Chromium is missing the browser test says it was skipped —
//! except in CI (`CI` set), where `.ci/run` installs it and a missing one is a failure.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::newslens;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const DOC_HEADER: &str = "doc_id,source,title,published,language,language_confidence,chars,sentences,tokens,words,unique_terms,language_reliable,languages,url,path,line";

/// A folder of output tables, the comparison tables included, with tricky titles and ids.
fn fixture(dir: &Path) {
    let docs = [
        ("2023", "wire", "北京 国家安全部", "2023-08-01", "zho"),
        (
            "a1",
            "wire",
            "<script>alert(1)</script> & friends",
            "2023-08-02",
            "eng",
        ),
        ("a2", "daily", "وزارة الخارجية القطرية", "2023-08-02", "ara"),
        ("a3", "daily", "'=SUM(A1:A9)", "2023-08-04", "eng"),
    ];
    let mut s = format!("{DOC_HEADER}\n");
    for (id, src, title, date, lang) in docs {
        s += &format!(
            "{id},{src},\"{title}\",{date},{lang},0.9,1200,10,200,180,90,true,{lang}:1.00,,in/{id}.txt,\n"
        );
    }
    let files: &[(&str, &str)] = &[
        ("documents.csv", &s),
        (
            "keywords.csv",
            "doc_id,method,rank,keyword,score,count,first_start\n\
             2023,combined,1,国家安全部,2.5,3,0\n\
             a1,combined,1,central bank,1.5,2,10\na1,combined,2,'-minus,1.2,1,40\n\
             a2,combined,1,الخارجية,0.7,2,3\na3,combined,1,markets,0.5,1,0\n",
        ),
        (
            "quotes.csv",
            "doc_id,quote_id,kind,content_start,content_end,content,cue,cue_start,cue_end,source,\
             source_start,source_end,entity,entity_id,label\n\
             a1,1,direct,0,10,\"“Rates stay”\",said,12,16,Ann Lee,17,24,Ann Lee,,PER\n\
             a3,1,indirect,0,20,markets will fall,said,21,25,<b>Bob</b>,26,36,<b>Bob</b>,,PER\n",
        ),
        (
            "corpus_sources.csv",
            "group_by,group,entity,label,id,docs,quotes,words_quoted\n\
             corpus,,Ann Lee,PER,,1,1,2\ncorpus,,<b>Bob</b>,PER,,1,1,3\n\
             source,daily,<b>Bob</b>,PER,,1,1,3\nsource,wire,Ann Lee,PER,,1,1,2\n",
        ),
        (
            "entities.csv",
            "doc_id,entity,label,mentions,first_start,aliases\n\
             2023,Beijing,LOC,3,0,北京\na1,Beijing,LOC,1,5,\na1,Fed,ORG,4,9,Federal Reserve\n\
             a2,Qatar,LOC,2,0,\na3,Fed,ORG,1,3,\n",
        ),
        (
            "corpus_entities.csv",
            "entity,label,docs,mentions,aliases\nFed,ORG,2,5,Federal Reserve\nBeijing,LOC,2,4,北京\nQatar,LOC,1,2,\n",
        ),
        (
            "coverage.csv",
            "item_type,item,label,doc_id,mentions,first_start\n\
             entity,Beijing,LOC,2023,3,0\nentity,Beijing,LOC,a1,1,5\nentity,Fed,ORG,a1,4,9\n\
             entity,Qatar,LOC,a2,2,0\nentity,Fed,ORG,a3,1,3\nkeyphrase,central bank,,a1,2,10\n",
        ),
        (
            "coverage_matrix.csv",
            "item_type,item,label,docs,mentions,2023,a1,a2,a3\n\
             entity,Fed,ORG,2,5,0,4,0,1\nentity,Beijing,LOC,2,4,3,1,0,0\nentity,Qatar,LOC,1,2,0,0,2,0\n",
        ),
        (
            "similarity.csv",
            "doc_a,doc_b,rank,cosine,shared_entities,shared_keyphrases\n\
             2023,a1,1,0.42,1,0\na1,a3,1,0.61,1,1\na1,2023,2,0.42,1,0\na2,a1,1,0.05,0,0\na3,a1,1,0.61,1,1\n",
        ),
        (
            "keyness.csv",
            "group_by,group,rank,term,count,expected,other_count,log_likelihood,log_ratio,p_value\n\
             source,daily,1,qatar,2,0.5,0,6.2,2.1,0.01\nsource,wire,1,beijing,4,1.5,0,8.4,1.9,0.004\n\
             doc_id,a1,1,bank,2,0.4,0,3.1,1.2,0.08\n",
        ),
        (
            "collocations.csv",
            "language,term_a,term_b,count,count_a,count_b,pmi,log_likelihood\neng,central,bank,2,2,3,3.2,11.5\n",
        ),
        (
            "kwic.csv",
            "doc_id,item_type,item,left,match,right,start\na1,entity,Fed,the ,Fed,said,9\n",
        ),
        (
            "timeline.csv",
            "group_by,group,date,item_type,item,label,docs,mentions\n\
             corpus,,2023-08-01,entity,Beijing,LOC,1,3\ncorpus,,2023-08-02,entity,Fed,ORG,1,4\n\
             corpus,,2023-08-02,entity,Beijing,LOC,1,1\ncorpus,,2023-08-04,entity,Fed,ORG,1,1\n\
             source,wire,2023-08-01,entity,Beijing,LOC,1,3\n",
        ),
        (
            "corpus_terms.csv",
            "term,stem,n,language,docs,count,idf\nbank,bank,1,eng,1,2,1.5\n",
        ),
        ("diagnostics.csv", "path,line,severity,message\n"),
    ];
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.worksheet_range(name)
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect()
}

/// The XML of one part of the workbook (a zip file).
fn part(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn text(d: &Data) -> &str {
    match d {
        Data::String(s) => s,
        other => panic!("expected text, got {other:?}"),
    }
}

#[test]
fn workbook_has_numbers_as_numbers_and_text_as_text() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let (written, skipped) = newslens::report::write(
        dir.path(),
        Some(newslens::report::workbook::MAX_ROWS),
        false,
    )
    .unwrap();
    assert!(skipped.is_empty());
    assert_eq!(written[0].name, "newslens.xlsx");
    let path = dir.path().join("newslens.xlsx");
    let wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "about",
            "documents",
            "keywords",
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
            "corpus_terms",
            "diagnostics"
        ]
    );
    let docs = sheet(&path, "documents");
    assert_eq!(text(&docs[0][0]), "doc_id");
    // a numeric-looking id stays text; counts and scores are numbers; booleans are booleans
    assert_eq!(docs[1][0], Data::String("2023".into()));
    assert_eq!(docs[1][6], Data::Float(1200.0));
    assert_eq!(docs[1][5], Data::Float(0.9));
    assert_eq!(docs[1][11], Data::Bool(true));
    assert_eq!(docs[1][15], Data::Empty);
    assert_eq!(text(&docs[1][12]), "zho:1.00");
    // Chinese and Arabic round-trip; the CSV formula guard is gone, the text stays text
    assert_eq!(text(&docs[1][2]), "北京 国家安全部");
    assert_eq!(text(&docs[3][2]), "وزارة الخارجية القطرية");
    assert_eq!(text(&docs[4][2]), "=SUM(A1:A9)");
    assert_eq!(text(&docs[2][2]), "<script>alert(1)</script> & friends");
    let kw = sheet(&path, "keywords");
    assert_eq!(text(&kw[3][3]), "-minus");
    assert_eq!(kw[1][4], Data::Float(2.5));
    // the matrix's document columns are numbers, its header the doc ids as text
    let m = sheet(&path, "coverage_matrix");
    assert_eq!(text(&m[0][5]), "2023");
    assert_eq!(m[1][6], Data::Float(4.0));
    assert_eq!(text(&sheet(&path, "keyness")[1][1]), "daily");
    // frozen header, autofilter, heat map, quote prefix (sheet2 = documents, sheet9 = matrix)
    let xml = part(&path, "xl/worksheets/sheet2.xml");
    assert!(xml.contains(r#"state="frozen""#), "{xml}");
    assert!(xml.contains(r#"<autoFilter ref="A1:P5"/>"#), "{xml}");
    assert!(xml.contains("<cols>"), "column widths: {xml}");
    let styles = part(&path, "xl/styles.xml");
    assert!(styles.contains(r#"quotePrefix="1""#), "{styles}");
    let xml = part(&path, "xl/worksheets/sheet9.xml");
    assert!(
        xml.contains("<colorScale>") && xml.contains(r#"sqref="F2:I4""#),
        "{xml}"
    );
    // the about sheet lists every table
    let about = sheet(&path, "about");
    assert!(
        about
            .iter()
            .any(|r| r.first() == Some(&Data::String("kwic".into())))
    );
}

#[test]
fn workbook_caps_sheets_and_says_so_and_skips_absent_tables() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    for absent in ["similarity.csv", "coverage_matrix.csv", "keyness.csv"] {
        fs::remove_file(dir.path().join(absent)).unwrap();
    }
    newslens::report::workbook::write_capped(dir.path(), 2).unwrap();
    let path = dir.path().join("newslens.xlsx");
    let wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    assert!(!names.contains(&"similarity".to_string()), "{names:?}");
    assert!(names.contains(&"coverage".to_string()));
    assert_eq!(sheet(&path, "documents").len(), 3, "header + 2 rows");
    let about = sheet(&path, "about");
    let row = |name: &str| {
        about
            .iter()
            .find(|r| r.first() == Some(&Data::String(name.into())))
            .unwrap()
            .clone()
    };
    let docs = row("documents");
    assert_eq!((&docs[2], &docs[3]), (&Data::Float(4.0), &Data::Float(2.0)));
    assert!(
        text(&docs[4]).contains("documents.csv has all 4"),
        "{docs:?}"
    );
    assert!(text(&row("similarity")[4]).contains("not in this run"));
}

#[test]
fn corpus_terms_sheet_holds_the_terms_in_the_most_documents() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let n = newslens::report::workbook::CORPUS_TERMS_ROWS as usize + 5;
    let mut s = String::from("term,stem,n,language,docs,count,idf\n");
    for i in 0..n {
        // sorted by descending docs, as the run writes it
        s += &format!("t{i},t{i},1,eng,{},{},1.5\n", n - i, 2 * (n - i));
    }
    fs::write(dir.path().join("corpus_terms.csv"), s).unwrap();
    newslens::report::workbook::write(dir.path(), newslens::report::workbook::MAX_ROWS).unwrap();
    let path = dir.path().join("newslens.xlsx");
    let terms = sheet(&path, "corpus_terms");
    assert_eq!(
        terms.len(),
        1 + n - 5,
        "header + the first CORPUS_TERMS_ROWS rows"
    );
    assert_eq!(terms[1][0], Data::String("t0".into()));
    assert_eq!(terms[1][4], Data::Float(n as f64));
    let last = terms.last().unwrap();
    assert_eq!(last[0], Data::String(format!("t{}", n - 6)));
    let about = sheet(&path, "about");
    let row = about
        .iter()
        .find(|r| r.first() == Some(&Data::String("corpus_terms".into())))
        .unwrap();
    assert_eq!(
        (&row[2], &row[3]),
        (&Data::Float(n as f64), &Data::Float((n - 5) as f64))
    );
    assert!(
        text(&row[4]).contains(&format!("corpus_terms.csv has all {n}")),
        "{row:?}"
    );
    // the other sheets are not cut
    assert_eq!(sheet(&path, "documents").len(), 5);
}

#[test]
fn page_shows_every_section_and_escapes_text() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let html = newslens::report::html::render(dir.path()).unwrap();
    assert!(
        !html.contains("<script"),
        "markup in a title must be escaped"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends"));
    // 3 entities x 4 documents, 5 of the cells non-zero
    assert_eq!(html.matches("class=\"hm-cell\"").count(), 5);
    assert_eq!(html.matches("class=\"hm-zero\"").count(), 7);
    for needle in [
        "Source: <code>coverage.csv</code>",
        "id=\"neighbours\"",
        "source = daily",
        "central bank",
        "id=\"timeline-docs\"",
        "id=\"timeline-items\"",
        "北京 国家安全部",
        "=SUM(A1:A9)",
        "2 attributions (who said what) in 2 articles (1 direct, 1 indirect)",
        "&lt;b&gt;Bob&lt;/b&gt;",
        "source = wire",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    assert!(!html.contains("Not computed"), "every table is there");
    // one story: 2023, a1 and a3 (a2's only neighbour is too far), linked by two pairs
    assert_eq!(html.matches("class=\"sim-node\"").count(), 3);
    assert_eq!(html.matches("class=\"sim-edge\"").count(), 2);
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("http://www.w3.org/2000/svg").count(),
        "no links out"
    );
    // the same tables give the same bytes
    assert_eq!(html, newslens::report::html::render(dir.path()).unwrap());
    // absent comparison tables: their sections say so, the rest still renders
    for f in [
        "coverage.csv",
        "similarity.csv",
        "keyness.csv",
        "collocations.csv",
        "timeline.csv",
    ] {
        fs::remove_file(dir.path().join(f)).unwrap();
    }
    let html = newslens::report::html::render(dir.path()).unwrap();
    assert_eq!(html.matches("Not computed in this run").count(), 4);
    assert!(html.contains("Source: <code>entities.csv</code>"));
    assert_eq!(html.matches("class=\"hm-cell\"").count(), 5);
    assert!(html.contains("id=\"timeline-docs\""));
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// The Chromium binary, if there is one.
fn chromium() -> Option<PathBuf> {
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(names.iter().map(PathBuf::from))
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        "--window-size=1280,2000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn page_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            !in_ci(),
            "chromium is missing in CI: .ci/run should install it"
        );
        eprintln!("skipped: chromium not installed (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    newslens::report::write(dir.path(), None, true).unwrap();
    let page = dir.path().join("report.html");
    let url = format!("file://{}", page.display());
    let profile = dir.path().join("profile");

    let png_path = dir.path().join("shot.png");
    let out = headless(&browser, &profile)
        .arg(format!("--screenshot={}", png_path.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        png_path.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(&png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 2000));
    let px = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let colours: std::collections::HashSet<&[u8]> = pixels.chunks(px).collect();
    let non_white = pixels
        .chunks(px)
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    let total = pixels.len() / px;
    // the header band, the heat map and the text: many colours, and a good share of ink
    assert!(
        colours.len() > 50,
        "{} colours: a blank page?",
        colours.len()
    );
    assert!(
        non_white * 50 > total,
        "{non_white} of {total} pixels have ink"
    );

    let out = headless(&browser, &profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert_eq!(dom.matches("class=\"hm-cell\"").count(), 5, "{dom}");
    assert!(dom.contains("id=\"neighbours\""));
    assert!(dom.contains("id=\"timeline-items\""));
    assert!(dom.contains("<polyline"));
    assert!(
        !dom.contains("<script"),
        "a title's markup became an element"
    );
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn a_run_writes_the_workbook_and_the_page_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    newslens()
        .args(["run", "tests/fixtures/small", "--bom", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(1); // the fixture holds inputs that are skipped
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert!(run["files"]["newslens.xlsx"]["sheets"].as_u64().unwrap() >= 7);
    assert_eq!(
        run["files"]["report.html"]["bytes"].as_u64().unwrap(),
        fs::metadata(out.join("report.html")).unwrap().len()
    );
    assert!(run["seconds"]["report"].as_f64().is_some());
    // the CSV files' byte-order mark does not end up in the first header cell
    let docs = sheet(&out.join("newslens.xlsx"), "documents");
    assert_eq!(docs[0][0], Data::String("doc_id".into()));
    assert_eq!(
        docs.len() as u64,
        run["files"]["documents.csv"]["rows"].as_u64().unwrap() + 1
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains('\u{feff}'));
    // turned off: the files of the previous run are removed, not left stale
    newslens()
        .args([
            "run",
            "tests/fixtures/small",
            "-q",
            "--no-workbook",
            "--no-report",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1); // the fixture holds inputs that are skipped
    assert!(!out.join("newslens.xlsx").exists());
    assert!(!out.join("report.html").exists());
}
