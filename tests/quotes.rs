//! Quotes and attributions end to end: the seed article's speakers through the CLI, broken
//! quotation marks that must never abort a document or cross a paragraph, the rules of the
//! languages without a model, and sources resolved to entities (or left unresolved).

mod common;

use common::{newslens, rows};
use newslens::lexicon::{Lexicon, annotate};
use newslens::ner::gazetteer::Gazetteer;
use newslens::quotes::Attribution;

/// Every stage a run gives the attribution stage, then the stage itself.
fn attributions(text: &str, lang: &'static str) -> Vec<Attribution> {
    let seg = newslens::segment::segment(text, lang);
    let ann = annotate(text, &seg.tokens, Lexicon::get(lang));
    let upos = newslens::pos::tag_document(text, &seg, |_| lang);
    let ner = newslens::ner::extract(text, &seg, lang, None, &Gazetteer::builtin());
    newslens::quotes::extract(
        text,
        &seg,
        lang,
        |i| ann.form(i).lower.as_str(),
        |i| ann.stem(i),
        &upos,
        &ner,
    )
}

/// (content, cue, source, entity name) of each attribution.
fn described(text: &str, lang: &'static str) -> Vec<(String, String, String, String)> {
    let seg = newslens::segment::segment(text, lang);
    let ner = newslens::ner::extract(text, &seg, lang, None, &Gazetteer::builtin());
    attributions(text, lang)
        .into_iter()
        .map(|a| {
            (
                text[a.content.clone()].to_string(),
                text[a.cue.clone()].to_string(),
                a.source.map(|s| text[s].to_string()).unwrap_or_default(),
                a.entity
                    .map(|e| ner.entities[e].name.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn the_seed_article_s_speakers_are_found_with_their_entities() {
    let dir = tempfile::tempdir().unwrap();
    newslens()
        .args(["run", "seeds", "-q", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let quotes = rows(&dir.path().join("quotes.csv"));
    let find = |cue: &str, source: &str| {
        quotes
            .iter()
            .find(|r| r["cue"] == cue && r["source"].contains(source))
            .unwrap_or_else(|| panic!("no {cue:?} by {source:?} in {quotes:#?}"))
    };
    // the MSS: its announcement and its WeChat account
    let mss = "Ministry of State Security";
    assert!(
        quotes.iter().any(
            |r| format!("{} {}", r["cue"], r["source"]).contains("announcement")
                && r["source"].contains("MSS")
                && r["entity"] == mss
        ),
        "the MSS announcement: {quotes:#?}"
    );
    assert_eq!(
        find("said", "WeChat social media account of the MSS")["entity"],
        mss
    );
    // `…,” Chen said`, linked to Chen Yixin, a direct quotation
    let chen = find("said", "Chen");
    assert_eq!(chen["entity"], "Chen Yixin");
    assert_eq!(chen["label"], "PER");
    assert_eq!(chen["kind"], "direct");
    assert!(chen["content"].starts_with("“The most fundamental"));
    // `wrote in a July 31 tweet`
    assert_eq!(find("wrote", "Songpinganq")["entity"], "Songpinganq");
    // `According to the CCP regime, …`
    assert_eq!(
        find("According to", "the CCP regime")["entity"],
        "Chinese Communist Party"
    );
    // offsets are code points into the text, and the content is what they span
    let seed = std::fs::read_dir(common::root().join("seeds"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(seed).unwrap();
    let chars: Vec<char> = text.chars().collect();
    for q in &quotes {
        let (a, b): (usize, usize) = (
            q["content_start"].parse().unwrap(),
            q["content_end"].parse().unwrap(),
        );
        assert_eq!(chars[a..b].iter().collect::<String>(), q["content"]);
    }
    // and the speakers, counted over the corpus
    let sources = rows(&dir.path().join("corpus_sources.csv"));
    let mss_row = sources.iter().find(|r| r["entity"] == mss).unwrap();
    assert_eq!(mss_row["group_by"], "corpus");
    assert!(
        mss_row["quotes"].parse::<u32>().unwrap() >= 3,
        "{mss_row:?}"
    );
}

/// Twenty ways quotation marks go wrong in real text.
const BROKEN: &[&str] = &[
    "“This quote never closes, he said.\n\nThe next paragraph is plain.",
    "He said: ”backwards marks“ are odd.",
    "“Nested “inner” quotes,” she said, “are fine.”",
    "“Open one. “Open two. “Open three,” said Ann.",
    "\"Straight \"quotes\" that \"do not\" pair,\" said Bob.",
    "” Only a closing mark, said the mayor.",
    "“",
    "”",
    "\"\"\"\"\"",
    "“A quote across\n\nparagraphs,” the minister said.",
    "« Ouverture sans fermeture, a déclaré le ministre.\n\nSuite.",
    "„Kein Ende, sagte Merkel.\n\nNächster Absatz.",
    "「沒有結束，他說。\n\n下一段。",
    "“Mixed «marks» and „more“ marks,” said Carl.",
    "‘Single quotes’ are not pairs, said Dan. ’Tis odd.",
    "Said said said said said said said said.",
    "“” said Eve. “” “”",
    "According to\n\nnobody, this ends.",
    "The spokesman said. “",
    "“Emoji 🎉 quotes 🎉,” said Fay. “Another 🎉",
];

#[test]
fn broken_quotation_marks_never_abort_and_stay_in_their_paragraph() {
    for (k, text) in BROKEN.iter().enumerate() {
        for lang in ["eng", "fra", "deu", "zho"] {
            for a in attributions(text, lang) {
                for span in [Some(&a.content), Some(&a.cue), a.source.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    let s = &text[span.clone()];
                    assert!(
                        !s.contains("\n\n"),
                        "case {k} ({lang}): {s:?} crosses a paragraph"
                    );
                }
                assert!(a.content.start < a.content.end, "case {k}: empty content");
            }
        }
    }
    // and through the CLI, one article per case
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("broken.jsonl");
    let lines: Vec<String> = BROKEN
        .iter()
        .enumerate()
        .map(|(k, t)| serde_json::json!({"id": format!("b{k}"), "text": t}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    newslens()
        .arg("run")
        .arg(&input)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .code(predicates::ord::le(1));
    assert!(out.join("quotes.csv").is_file());
}

#[test]
fn languages_without_a_model_find_quotations_and_according_to() {
    // sentences in the manner of the bundled corpus's Wikinews and PUD articles
    let cases: &[(&str, &'static str, &str, &str, &str)] = &[
        (
            "« Nous sommes prêts », a déclaré le ministre. Il pleuvait.",
            "fra",
            "« Nous sommes prêts »",
            "déclaré",
            "le ministre",
        ),
        (
            "Selon la police, deux hommes ont été arrêtés. Il pleuvait.",
            "fra",
            "deux hommes ont été arrêtés.",
            "Selon",
            "la police",
        ),
        (
            "„Wir stehen im Wettbewerb“, sagte Joe Sternlieb. Es regnete.",
            "deu",
            "„Wir stehen im Wettbewerb“",
            "sagte",
            "Joe Sternlieb",
        ),
        (
            "Laut der Polizei ist die Straße seit Montag gesperrt. Es regnete.",
            "deu",
            "ist die Straße seit Montag gesperrt.",
            "Laut",
            "der Polizei",
        ),
        (
            "\"Es un paso importante\", dijo el presidente. Llovía.",
            "spa",
            "\"Es un paso importante\"",
            "dijo",
            "el presidente",
        ),
        (
            "\"Estamos prontos\", disse o ministro. Chovia.",
            "por",
            "\"Estamos prontos\"",
            "disse",
            "o ministro",
        ),
        (
            "«Siamo pronti», ha dichiarato il sindaco. Pioveva.",
            "ita",
            "«Siamo pronti»",
            "dichiarato",
            "il sindaco",
        ),
        (
            "«Здесь высокая конкуренция», сказал Джо Штернлиб. Шёл дождь.",
            "rus",
            "«Здесь высокая конкуренция»",
            "сказал",
            "Джо Штернлиб",
        ),
        (
            "“这样的文件可能带来后果。”他表示。",
            "zho",
            "“这样的文件可能带来后果。”",
            "表示",
            "他",
        ),
    ];
    for &(text, lang, content, cue, source) in cases {
        let found = described(text, lang);
        assert!(
            found
                .iter()
                .any(|(c, q, s, _)| c == content && q == cue && s == source),
            "{lang}: {text}\n{found:#?}"
        );
    }
    // plain narration has none
    assert!(described("Le ministre est arrivé à Paris mardi.", "fra").is_empty());
}

#[test]
fn sources_resolve_to_entities_or_stay_unresolved_when_ambiguous() {
    // a pronoun after one person
    let one = "Angela Merkel arrived in Paris on Monday.\n\n\
               “We are ready,” she said.";
    let found = described(one, "eng");
    let she = found.iter().find(|f| f.2 == "she").expect("she said");
    assert_eq!(she.3, "Angela Merkel", "{found:#?}");
    // two people in the last sentence: `he` is left unresolved
    let two = "John Smith met Peter Jones in London on Monday.\n\n\
               “The talks went well,” he said.";
    let found = described(two, "eng");
    let he = found.iter().find(|f| f.2 == "he").expect("he said");
    assert_eq!(he.3, "", "{found:#?}");
    // a description that stood beside a named person earlier
    let desc = "Mark Brown, a spokesman for the ministry, spoke to reporters.\n\n\
                “There is no plan to close the border,” the spokesman said.";
    let found = described(desc, "eng");
    let sp = found
        .iter()
        .find(|f| f.2 == "the spokesman")
        .expect("the spokesman said");
    assert_eq!(sp.3, "Mark Brown", "{found:#?}");
}
