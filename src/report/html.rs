//! Page: `report.html`, the run at a glance in one self-contained file.
//!
//! Takes the CSV files in a folder; gives one HTML page with inline CSS and inline SVG — no
//! scripts, fonts, style sheets or images from anywhere, so it opens offline, from an e-mail,
//! with JavaScript off. Sections: the corpus summary (documents, languages, sizes, dates, top
//! sources) from `documents.csv`; an entity × document heat map (from `coverage.csv`, else
//! `entities.csv`); stories (groups of articles linked by similar neighbours, drawn as small
//! graphs) and each document's nearest neighbours (`similarity.csv`); top keyphrases per
//! source (`keywords.csv`); who is quoted most, over the corpus and per group
//! (`corpus_sources.csv`, `quotes.csv`); keyness per group (`keyness.csv`); top collocations
//! (`collocations.csv`); and a timeline of documents per day, month or year with the most
//! mentioned items over time (`timeline.csv`). A table the run did not write makes its section
//! say "not computed in this run". Large corpora are cut to the top rows of each view, and the
//! page says so and names the CSV file with the rest. Every text is HTML-escaped; the bytes
//! depend on the CSV files alone (no clock, no randomness, ties broken by name).

use super::{CsvTable, Written, cell};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// The file name.
pub const FILE: &str = "report.html";
/// Entities (heat-map columns) shown.
pub const HEAT_ITEMS: usize = 25;
/// Documents (heat-map rows) shown.
pub const HEAT_DOCS: usize = 40;
/// Documents listed with their nearest neighbours.
pub const NEIGHBOUR_DOCS: usize = 40;
/// Neighbours listed per document.
pub const NEIGHBOURS: u64 = 3;
/// Cosine from which two neighbours belong to one story in the cluster view.
pub const CLUSTER_COSINE: f64 = 0.3;
/// Stories drawn.
pub const CLUSTERS: usize = 12;
/// Articles drawn per story.
pub const CLUSTER_NODES: usize = 12;
/// Groups shown in the keyphrase and keyness sections.
pub const GROUPS: usize = 12;
/// Items per group.
pub const PER_GROUP: usize = 10;
/// Documents listed with their own keyphrases.
pub const KEYPHRASE_DOCS: usize = 200;
/// Series in the timeline chart.
pub const TIMELINE_SERIES: usize = 6;

const PALETTE: &[&str] = &[
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
];

/// HTML-escapes `s` (text and attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to `n` characters with an ellipsis.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// One row of `documents.csv`.
struct Doc {
    id: String,
    title: String,
    source: String,
    published: String,
    language: String,
    chars: u64,
    /// The news agency it is signed by (empty: none).
    wire: String,
    /// The first copy of its story (empty: not a copy).
    duplicate_of: String,
}

impl Doc {
    fn label(&self) -> &str {
        if self.title.trim().is_empty() {
            &self.id
        } else {
            &self.title
        }
    }
}

/// The documents, by id.
struct Docs {
    list: Vec<Doc>,
    index: HashMap<String, usize>,
}

impl Docs {
    fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.index.get(id).map_or(id, |&i| self.list[i].label())
    }
}

fn load_docs(dir: &Path) -> io::Result<Docs> {
    let mut list = Vec::new();
    if let Some(mut t) = CsvTable::open(dir, "documents.csv")? {
        let [id, title, source, published, language, chars] = t.cols(
            "documents.csv",
            [
                "doc_id",
                "title",
                "source",
                "published",
                "language",
                "chars",
            ],
        )?;
        // columns of later versions: a folder written before them has no copies to show
        let (wire, duplicate_of) = (t.col("wire"), t.col("duplicate_of"));
        let optional = |rec: &csv::StringRecord, col: Option<usize>| {
            col.map_or(String::new(), |c| cell(rec, c).to_string())
        };
        let mut rec = csv::StringRecord::new();
        while t.next(&mut rec)? {
            list.push(Doc {
                id: cell(&rec, id).to_string(),
                title: cell(&rec, title).to_string(),
                source: cell(&rec, source).to_string(),
                published: cell(&rec, published).to_string(),
                language: cell(&rec, language).to_string(),
                chars: cell(&rec, chars).parse().unwrap_or(0),
                wire: optional(&rec, wire),
                duplicate_of: optional(&rec, duplicate_of),
            });
        }
    }
    let index = list
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();
    Ok(Docs { list, index })
}

/// Counts sorted by count (descending), then key.
fn ranked<K: Ord + Clone>(counts: impl IntoIterator<Item = (K, u64)>) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;margin:0;color:#1b1f24;background:#fff}
header{background:#17324d;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:24px}
header p{margin:4px 0 0;color:#c8d6e5}
nav{padding:8px 32px;background:#eef2f6;font-size:14px}
nav a{margin-right:16px;color:#17324d}
main{padding:0 32px 40px;max-width:1400px}
h2{border-bottom:2px solid #17324d;padding-bottom:4px;margin-top:36px}
.note{color:#5a6570;font-size:13px}
.missing{color:#8a5a00;background:#fff6e0;padding:8px 12px;border-left:4px solid #e0a800}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #d5dde5;border-radius:6px;padding:10px 16px;min-width:150px}
.card b{display:block;font-size:22px}
.card span{color:#5a6570;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border-bottom:1px solid #e3e8ee;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f6f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:10px;background:#4a90c2;vertical-align:middle;margin-right:6px}
.groups{display:flex;flex-wrap:wrap;gap:16px}
.group{border:1px solid #d5dde5;border-radius:6px;padding:6px 12px;min-width:260px;max-width:420px}
.group h3{font-size:14px;margin:4px 0}
svg text{font-family:inherit}
.hm-cell:hover,.hm-zero:hover{stroke:#000;stroke-width:1}
details{margin:8px 0}
";

/// Writes `dir/report.html` from the CSV files in `dir`.
pub fn write(dir: &Path) -> io::Result<Written> {
    let page = render(dir)?;
    std::fs::write(dir.join(FILE), &page)?;
    let mut info = serde_json::Map::new();
    info.insert("bytes".into(), (page.len() as u64).into());
    Ok(Written { name: FILE, info })
}

/// The page's HTML.
pub fn render(dir: &Path) -> io::Result<String> {
    let docs = load_docs(dir)?;
    let mut body = String::new();
    summary(&mut body, &docs);
    type Draw = fn(&mut String, &Path, &Docs) -> io::Result<()>;
    let sections: [(&str, &str, Draw); 7] = [
        (
            "coverage",
            "Coverage: who and what each article mentions",
            heat_map,
        ),
        ("voices", "Voices: who is quoted", |o, d, _| voices(o, d)),
        ("similarity", "Similar articles", neighbours),
        ("keyphrases", "Keyphrases", keyphrases),
        ("keyness", "Keyness: what sets each group apart", keyness),
        ("collocations", "Collocations", |o, d, _| collocations(o, d)),
        ("timeline", "Timeline", timeline),
    ];
    for (id, title, draw) in sections {
        let _ = writeln!(body, "<section id=\"{id}\"><h2>{title}</h2>");
        let mut s = String::new();
        match draw(&mut s, dir, &docs) {
            Ok(()) => body.push_str(&s),
            // a table without the expected columns spoils its section, not the run
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                let _ = writeln!(
                    body,
                    "<p class=\"missing\">Could not be drawn: {}.</p>",
                    esc(&e.to_string())
                );
            }
            Err(e) => return Err(e),
        }
        body.push_str("</section>\n");
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>newslens report — {} documents</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
<header><h1>newslens report</h1><p>{} documents · made from the CSV tables in this folder</p></header>\n\
<nav><a href=\"#summary\">Summary</a><a href=\"#coverage\">Coverage</a>\
<a href=\"#voices\">Voices</a><a href=\"#similarity\">Similar articles</a><a href=\"#keyphrases\">Keyphrases</a>\
<a href=\"#keyness\">Keyness</a><a href=\"#collocations\">Collocations</a>\
<a href=\"#timeline\">Timeline</a></nav>\n<main>\n{body}</main>\n</body>\n</html>\n",
        docs.list.len(),
        thousands(docs.list.len() as u64)
    );
    Ok(out)
}

fn missing(out: &mut String, file: &str, what: &str) {
    let _ = writeln!(
        out,
        "<p class=\"missing\">Not computed in this run: no <code>{}</code> ({}).</p>",
        esc(file),
        esc(what)
    );
}

fn bar(value: f64, max: f64, px: f64) -> String {
    let w = if max > 0.0 {
        (value / max * px).clamp(1.0, px)
    } else {
        1.0
    };
    format!("<span class=\"bar\" style=\"width:{w:.0}px\"></span>")
}

fn summary(out: &mut String, docs: &Docs) {
    out.push_str("<section id=\"summary\"><h2>Summary</h2>\n");
    let n = docs.list.len() as u64;
    let mut chars: Vec<u64> = docs.list.iter().map(|d| d.chars).collect();
    chars.sort_unstable();
    let total: u64 = chars.iter().sum();
    let median = chars.get(chars.len() / 2).copied().unwrap_or(0);
    let mut langs: BTreeMap<&str, u64> = BTreeMap::new();
    let mut sources: BTreeMap<&str, u64> = BTreeMap::new();
    let mut dates: Vec<&str> = Vec::new();
    for d in &docs.list {
        *langs.entry(d.language.as_str()).or_default() += 1;
        *sources.entry(d.source.as_str()).or_default() += 1;
        if !d.published.is_empty() {
            dates.push(&d.published);
        }
    }
    dates.sort_unstable();
    let date_range = match (dates.first(), dates.last()) {
        (Some(a), Some(b)) => format!("{} – {}", esc(a), esc(b)),
        _ => "no dates".into(),
    };
    let langs = ranked(langs);
    let _ = writeln!(
        out,
        "<div class=\"cards\">\
<div class=\"card\"><b>{}</b><span>documents</span></div>\
<div class=\"card\"><b>{}</b><span>languages</span></div>\
<div class=\"card\"><b>{}</b><span>characters of text (median {} per document, {}–{})</span></div>\
<div class=\"card\"><b>{}</b><span>publication dates ({} of {} documents dated)</span></div>\
<div class=\"card\"><b>{}</b><span>sources</span></div></div>",
        thousands(n),
        langs.len(),
        thousands(total),
        thousands(median),
        thousands(chars.first().copied().unwrap_or(0)),
        thousands(chars.last().copied().unwrap_or(0)),
        date_range,
        thousands(dates.len() as u64),
        thousands(n),
        thousands(sources.len() as u64),
    );
    out.push_str("<div class=\"groups\"><div><h3>Languages</h3><table><tr><th>language</th><th>documents</th></tr>\n");
    count_rows(out, langs.iter().take(15).map(|(l, k)| (esc(l), *k)));
    out.push_str("</table></div>\n<div><h3>Top sources</h3><table><tr><th>source</th><th>documents</th></tr>\n");
    let sources = ranked(sources);
    count_rows(
        out,
        sources
            .iter()
            .take(10)
            .map(|(s, k)| (esc(&short(s, 60)), *k)),
    );
    out.push_str("</table>");
    if sources.len() > 10 {
        let _ = write!(
            out,
            "<p class=\"note\">10 of {} sources; documents.csv has them all.</p>",
            sources.len()
        );
    }
    out.push_str("</div>");
    copies(out, docs);
    out.push_str("</div></section>\n");
}

/// Copies of other articles (documents.csv's duplicate_of), by news agency: the copy's own
/// credit, else its first copy's.
fn copies(out: &mut String, docs: &Docs) {
    let mut by_wire: BTreeMap<&str, u64> = BTreeMap::new();
    let mut stories: BTreeMap<&str, ()> = BTreeMap::new();
    for d in docs.list.iter().filter(|d| !d.duplicate_of.is_empty()) {
        let first = docs.index.get(&d.duplicate_of).map(|&i| &docs.list[i]);
        let wire = match (d.wire.as_str(), first.map_or("", |f| f.wire.as_str())) {
            ("", "") => "no agency named",
            ("", w) | (w, _) => w,
        };
        *by_wire.entry(wire).or_default() += 1;
        stories.insert(&d.duplicate_of, ());
    }
    let n: u64 = by_wire.values().sum();
    if n == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "\n<div><h3>Copies</h3><p>{} of {} articles are near-duplicates of another ({} {}): \
wire copies and light edits of one story, listed in duplicates.csv.</p>\
<table><tr><th>news agency</th><th>copies</th></tr>",
        thousands(n),
        thousands(docs.list.len() as u64),
        thousands(stories.len() as u64),
        if stories.len() == 1 {
            "story"
        } else {
            "stories"
        },
    );
    count_rows(out, ranked(by_wire).into_iter().map(|(w, k)| (esc(w), k)));
    out.push_str("</table></div>");
}

/// Table rows of (escaped label, count), largest first, each count with a bar scaled to the
/// first (the largest).
fn count_rows(out: &mut String, rows: impl Iterator<Item = (String, u64)>) {
    let mut max = None;
    for (label, k) in rows {
        let m = *max.get_or_insert(k as f64);
        let _ = writeln!(
            out,
            "<tr><td>{label}</td><td class=\"num\">{}{k}</td></tr>",
            bar(k as f64, m, 120.0)
        );
    }
}

/// A colour from light to dark blue for `t` in 0..=1.
fn blue(t: f64) -> String {
    let (a, b) = ([222.0, 235.0, 247.0], [8.0, 48.0, 107.0]);
    let c: Vec<u8> = (0..3)
        .map(|i| (a[i] + (b[i] - a[i]) * t.clamp(0.0, 1.0)).round() as u8)
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn heat_map(out: &mut String, dir: &Path, docs: &Docs) -> io::Result<()> {
    // the source: coverage.csv's entity rows, else entities.csv
    let (file, cols, entity_only) = if CsvTable::open(dir, "coverage.csv")?.is_some() {
        (
            "coverage.csv",
            ["item", "label", "doc_id", "mentions"],
            true,
        )
    } else {
        (
            "entities.csv",
            ["entity", "label", "doc_id", "mentions"],
            false,
        )
    };
    let scan = |f: &mut dyn FnMut(&str, &str, &str, u64)| -> io::Result<bool> {
        let Some(mut t) = CsvTable::open(dir, file)? else {
            return Ok(false);
        };
        let [item, label, doc, mentions] = t.cols(file, cols)?;
        let kind = t.col("item_type");
        let mut rec = csv::StringRecord::new();
        while t.next(&mut rec)? {
            if entity_only && kind.is_some_and(|k| cell(&rec, k) != "entity") {
                continue;
            }
            let m = cell(&rec, mentions).parse().unwrap_or(0);
            f(cell(&rec, item), cell(&rec, label), cell(&rec, doc), m);
        }
        Ok(true)
    };
    let mut totals: HashMap<(String, String), u64> = HashMap::new();
    let found = scan(&mut |item, label, _, m| {
        *totals
            .entry((item.to_string(), label.to_string()))
            .or_default() += m;
    })?;
    if !found {
        missing(out, "entities.csv", "named-entity extraction was off");
        return Ok(());
    }
    let n_items = totals.len();
    let items: Vec<((String, String), u64)> = ranked(totals).into_iter().take(HEAT_ITEMS).collect();
    let column: HashMap<&(String, String), usize> =
        items.iter().enumerate().map(|(i, (k, _))| (k, i)).collect();
    let mut cells: HashMap<String, Vec<u64>> = HashMap::new();
    scan(&mut |item, label, doc, m| {
        if let Some(&c) = column.get(&(item.to_string(), label.to_string())) {
            cells
                .entry(doc.to_string())
                .or_insert_with(|| vec![0; items.len()])[c] += m;
        }
    })?;
    let n_docs_with = cells.len();
    let rows: Vec<(String, u64)> = ranked(
        cells
            .iter()
            .map(|(d, v)| (d.clone(), v.iter().sum::<u64>())),
    )
    .into_iter()
    .take(HEAT_DOCS)
    .collect();
    if items.is_empty() || rows.is_empty() {
        out.push_str("<p class=\"note\">No named entities were found.</p>\n");
        return Ok(());
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">The {} entities mentioned most across the corpus (of {}) × the {} \
documents that mention them most (of {} that mention any; {} documents in all). Colour: mentions \
in the document (log scale); hover a cell for the count. Source: <code>{file}</code>.</p>",
        items.len(),
        thousands(n_items as u64),
        rows.len(),
        thousands(n_docs_with as u64),
        thousands(docs.list.len() as u64),
    );
    let max = rows
        .iter()
        .flat_map(|(d, _)| cells[d].iter().copied())
        .max()
        .unwrap_or(1)
        .max(1);
    let (cell_px, left, top) = (18.0, 300.0, 150.0);
    let width = left + items.len() as f64 * cell_px + 40.0;
    let height = top + rows.len() as f64 * cell_px + 40.0;
    let _ = writeln!(
        out,
        "<svg id=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"entity by document heat map\">"
    );
    for (c, ((name, label), total)) in items.iter().enumerate() {
        let x = left + c as f64 * cell_px + cell_px * 0.6;
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"0\" font-size=\"11\" transform=\"translate({x:.1},{:.1}) rotate(-55)\">\
<title>{} ({}): {total} mentions</title>{}</text>",
            top - 6.0,
            esc(name),
            esc(label),
            esc(&short(name, 24))
        );
    }
    for (r, (doc, _)) in rows.iter().enumerate() {
        let y = top + r as f64 * cell_px;
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\"><title>{}</title>{}</text>",
            left - 6.0,
            y + cell_px * 0.7,
            esc(doc),
            esc(&short(docs.label(doc), 46))
        );
        for (c, &m) in cells[doc].iter().enumerate() {
            let x = left + c as f64 * cell_px;
            let (class, fill) = if m == 0 {
                ("hm-zero", "#f3f5f7".to_string())
            } else {
                (
                    "hm-cell",
                    blue(((1 + m) as f64).ln() / ((1 + max) as f64).ln()),
                )
            };
            let _ = writeln!(
                out,
                "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\">\
<title>{} — {}: {m}</title></rect>",
                cell_px - 1.0,
                cell_px - 1.0,
                esc(&short(docs.label(doc), 120)),
                esc(&short(&items[c].0.0, 80))
            );
        }
    }
    // legend
    let ly = top + rows.len() as f64 * cell_px + 16.0;
    for i in 0..5 {
        let t = i as f64 / 4.0;
        let m = ((1 + max) as f64).powf(t) - 1.0;
        let x = left + i as f64 * 48.0;
        let _ = writeln!(
            out,
            "<rect x=\"{x:.1}\" y=\"{ly:.1}\" width=\"14\" height=\"14\" fill=\"{}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{:.0}</text>",
            if i == 0 { "#f3f5f7".into() } else { blue(t) },
            x + 18.0,
            ly + 11.0,
            m
        );
    }
    out.push_str("</svg>\n");
    Ok(())
}

fn neighbours(out: &mut String, dir: &Path, docs: &Docs) -> io::Result<()> {
    let file = "similarity.csv";
    let Some(mut t) = CsvTable::open(dir, file)? else {
        missing(out, file, "document similarity was not computed");
        return Ok(());
    };
    let [a, b, rank, cosine, ents, keys] = t.cols(
        file,
        [
            "doc_a",
            "doc_b",
            "rank",
            "cosine",
            "shared_entities",
            "shared_keyphrases",
        ],
    )?;
    let mut near: BTreeMap<String, Vec<Near>> = BTreeMap::new();
    let mut rec = csv::StringRecord::new();
    while t.next(&mut rec)? {
        let r: u64 = cell(&rec, rank).parse().unwrap_or(u64::MAX);
        if r > NEIGHBOURS {
            continue;
        }
        near.entry(cell(&rec, a).to_string()).or_default().push((
            r,
            cell(&rec, b).to_string(),
            cell(&rec, cosine).parse().unwrap_or(0.0),
            cell(&rec, ents).to_string(),
            cell(&rec, keys).to_string(),
        ));
    }
    for v in near.values_mut() {
        v.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.cmp(&y.1)));
    }
    clusters(out, &near, docs);
    let mut order: Vec<(&String, f64)> = near
        .iter()
        .map(|(d, v)| (d, v.first().map_or(0.0, |n| n.2)))
        .collect();
    order.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    let _ = writeln!(
        out,
        "<p class=\"note\">The {} articles with the closest neighbour (of {}), each with its {} nearest \
neighbours by cosine similarity; the bar is the cosine (0–1). <code>{file}</code> has every article.</p>",
        order.len().min(NEIGHBOUR_DOCS),
        thousands(order.len() as u64),
        NEIGHBOURS
    );
    out.push_str("<table id=\"neighbours\"><tr><th>article</th><th>nearest neighbours</th></tr>\n");
    for (d, _) in order.iter().take(NEIGHBOUR_DOCS) {
        let _ = write!(
            out,
            "<tr><td title=\"{}\">{}</td><td>",
            esc(d),
            esc(&short(docs.label(d), 70))
        );
        for (_, other, cos, ents, keys) in &near[*d] {
            let shared = [("entities", ents), ("keyphrases", keys)]
                .iter()
                .filter(|(_, v)| !v.is_empty() && v.as_str() != "0")
                // a count, or the shared names themselves
                .map(|(k, v)| match v.parse::<f64>() {
                    Ok(_) => format!("{} {k}", esc(v)),
                    Err(_) => format!("{k}: {}", esc(&short(v, 80))),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let _ = write!(
                out,
                "<div>{}{cos:.2} <span title=\"{}\">{}</span>{}</div>",
                bar(*cos, 1.0, 60.0),
                esc(other),
                esc(&short(docs.label(other), 70)),
                if shared.is_empty() {
                    String::new()
                } else {
                    format!(" <span class=\"note\">(shared: {shared})</span>")
                }
            );
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</table>\n");
    Ok(())
}

/// A document's nearest neighbours: (rank, doc_b, cosine, shared entities, shared keyphrases).
type Near = (u64, String, f64, String, String);

/// Groups of articles linked by neighbour pairs with at least [`CLUSTER_COSINE`], drawn as
/// small graphs: one circle per article (numbered, listed below), one line per pair, thicker
/// for a higher cosine. Connected components of the neighbour graph, largest first.
fn clusters(out: &mut String, near: &BTreeMap<String, Vec<Near>>, docs: &Docs) {
    let mut edges: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for (a, list) in near {
        for (_, b, cos, ..) in list {
            if *cos >= CLUSTER_COSINE && a != b {
                let key = if a < b {
                    (a.as_str(), b.as_str())
                } else {
                    (b.as_str(), a.as_str())
                };
                let e = edges.entry(key).or_insert(0.0);
                *e = e.max(*cos);
            }
        }
    }
    // union-find over the articles with an edge, numbered in doc_id order
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (a, b) in edges.keys() {
        index.insert(a, 0);
        index.insert(b, 0);
    }
    let names: Vec<&str> = index.keys().copied().collect();
    for (i, v) in index.values_mut().enumerate() {
        *v = i;
    }
    let mut parent: Vec<usize> = (0..names.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (a, b) in edges.keys() {
        let (ra, rb) = (root(&mut parent, index[a]), root(&mut parent, index[b]));
        parent[ra.max(rb)] = ra.min(rb);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..names.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    // weight of an article: the sum of its edges' cosines
    let mut weight = vec![0.0f64; names.len()];
    for ((a, b), cos) in &edges {
        weight[index[a]] += cos;
        weight[index[b]] += cos;
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort_by(|x, y| y.len().cmp(&x.len()).then_with(|| x[0].cmp(&y[0])));
    let _ = writeln!(
        out,
        "<h3>Stories</h3><p class=\"note\">Articles linked by a neighbour pair with cosine ≥ {CLUSTER_COSINE}: {} groups of {} articles; the {} largest, with at most {} articles each (the most linked). Hover a line for its cosine.</p>\n<div class=\"groups\" id=\"clusters\">",
        groups.len(),
        names.len(),
        groups.len().min(CLUSTERS),
        CLUSTER_NODES
    );
    if groups.is_empty() {
        out.push_str("<p class=\"note\">No pair of articles is that similar.</p>");
    }
    for (g, members) in groups.iter().take(CLUSTERS).enumerate() {
        let mut shown = members.clone();
        shown.sort_by(|&x, &y| weight[y].total_cmp(&weight[x]).then_with(|| x.cmp(&y)));
        shown.truncate(CLUSTER_NODES);
        shown.sort_unstable();
        // a pair side by side; more on a circle, smaller for a few
        let n = shown.len() as f64;
        let radius = match shown.len() {
            0..=2 => 0.0,
            3..=4 => 45.0,
            _ => 85.0,
        };
        let height = if radius == 0.0 {
            50.0
        } else {
            2.0 * radius + 30.0
        };
        let pos: Vec<(f64, f64)> = (0..shown.len())
            .map(|i| {
                if radius == 0.0 {
                    return (70.0 + 100.0 * i as f64, height / 2.0);
                }
                let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n;
                (
                    120.0 + radius * angle.cos(),
                    height / 2.0 + radius * angle.sin(),
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<div class=\"group\"><h3>Story {} <span class=\"note\">({} articles)</span></h3>\
<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"{height:.0}\" viewBox=\"0 0 240 {height:.0}\" role=\"img\" aria-label=\"story {}\">",
            g + 1,
            members.len(),
            g + 1
        );
        for (i, &x) in shown.iter().enumerate() {
            for (j, &y) in shown.iter().enumerate().skip(i + 1) {
                if let Some(cos) = edges.get(&(names[x], names[y])) {
                    let _ = writeln!(
                        out,
                        "<line class=\"sim-edge\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#4a90c2\" \
stroke-opacity=\"{:.2}\" stroke-width=\"{:.1}\"><title>{} – {}: cosine {cos:.2}</title></line>",
                        pos[i].0,
                        pos[i].1,
                        pos[j].0,
                        pos[j].1,
                        0.3 + 0.7 * cos,
                        1.0 + 5.0 * cos,
                        esc(&short(docs.label(names[x]), 60)),
                        esc(&short(docs.label(names[y]), 60))
                    );
                }
            }
        }
        for (i, &x) in shown.iter().enumerate() {
            let _ = writeln!(
                out,
                "<g class=\"sim-node\"><title>{}</title><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"10\" fill=\"#17324d\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#fff\" text-anchor=\"middle\">{}</text></g>",
                esc(&short(docs.label(names[x]), 120)),
                pos[i].0,
                pos[i].1,
                pos[i].0,
                pos[i].1 + 3.5,
                i + 1
            );
        }
        out.push_str("</svg><ol class=\"note\">");
        for &x in &shown {
            let _ = write!(
                out,
                "<li title=\"{}\">{}</li>",
                esc(names[x]),
                esc(&short(docs.label(names[x]), 60))
            );
        }
        out.push_str("</ol></div>\n");
    }
    out.push_str("</div>\n<h3>Nearest neighbours</h3>\n");
}

fn keyphrases(out: &mut String, dir: &Path, docs: &Docs) -> io::Result<()> {
    let file = "keywords.csv";
    let Some(mut t) = CsvTable::open(dir, file)? else {
        missing(out, file, "keyphrases were not extracted");
        return Ok(());
    };
    let [doc, method, rank, keyword] = t.cols(file, ["doc_id", "method", "rank", "keyword"])?;
    // groups: languages or sources, whichever tells more documents apart
    let count = |f: fn(&Doc) -> &str| {
        docs.list
            .iter()
            .map(f)
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    let by_language = count(|d| &d.language) > count(|d| &d.source);
    let group_of: fn(&Doc) -> &str = if by_language {
        |d| &d.language
    } else {
        |d| &d.source
    };
    let mut chosen: Option<String> = None;
    // (source, lower-cased phrase) -> (documents, first spelling)
    let mut per_source: HashMap<(String, String), (u64, String)> = HashMap::new();
    let mut per_doc: Vec<(String, Vec<String>)> = Vec::new();
    let mut rec = csv::StringRecord::new();
    while t.next(&mut rec)? {
        let m = cell(&rec, method);
        // the first method listed (combined unless --keyword-methods says otherwise)
        match &chosen {
            None => chosen = Some(m.to_string()),
            Some(c) if c != m => continue,
            _ => {}
        }
        if cell(&rec, rank).parse::<usize>().unwrap_or(usize::MAX) > 5 {
            continue;
        }
        let d = cell(&rec, doc);
        let k = cell(&rec, keyword);
        let source = docs.index.get(d).map_or("", |&i| group_of(&docs.list[i]));
        let e = per_source
            .entry((source.to_string(), k.to_lowercase()))
            .or_insert_with(|| (0, k.to_string()));
        e.0 += 1;
        if per_doc.last().is_none_or(|(id, _)| id != d) {
            if per_doc.len() >= KEYPHRASE_DOCS {
                continue;
            }
            per_doc.push((d.to_string(), Vec::new()));
        }
        if let Some(last) = per_doc.last_mut() {
            last.1.push(k.to_string());
        }
    }
    let Some(method) = chosen else {
        out.push_str("<p class=\"note\">No keyphrases (the run asked for none).</p>\n");
        return Ok(());
    };
    let mut sources: BTreeMap<&str, u64> = BTreeMap::new();
    for d in &docs.list {
        *sources.entry(group_of(d)).or_default() += 1;
    }
    let sources = ranked(sources);
    let what = if by_language { "language" } else { "source" };
    let _ = writeln!(
        out,
        "<p class=\"note\">Per {what}: the phrases most often among an article's top 5 \
(<code>{}</code> method), with how many articles list them; the {} largest of {} {what}s.</p>\n<div class=\"groups\">",
        esc(&method),
        sources.len().min(GROUPS),
        sources.len()
    );
    let mut by_source: HashMap<&str, Vec<(&str, u64, &str)>> = HashMap::new();
    for ((s, key), (n, shown)) in &per_source {
        by_source
            .entry(s.as_str())
            .or_default()
            .push((key.as_str(), *n, shown.as_str()));
    }
    for (s, n_docs) in sources.iter().take(GROUPS) {
        let mut list = by_source.remove(s).unwrap_or_default();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let max = list.first().map_or(1, |l| l.1) as f64;
        let _ = write!(
            out,
            "<div class=\"group\"><h3>{} <span class=\"note\">({} articles)</span></h3><table>",
            esc(&short(s, 50)),
            n_docs
        );
        for (_, n, shown) in list.iter().take(PER_GROUP) {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}{n}</td></tr>",
                esc(&short(shown, 80)),
                bar(*n as f64, max, 60.0)
            );
        }
        out.push_str("</table></div>\n");
    }
    out.push_str("</div>\n");
    let _ = writeln!(
        out,
        "<details><summary>Top 5 keyphrases of each article ({} of {}, by doc_id; keywords.csv has all)</summary>\
<table><tr><th>article</th><th>keyphrases</th></tr>",
        per_doc.len(),
        docs.list.len()
    );
    for (d, ks) in &per_doc {
        let list = ks
            .iter()
            .map(|k| esc(&short(k, 80)))
            .collect::<Vec<_>>()
            .join(" · ");
        let _ = writeln!(
            out,
            "<tr><td title=\"{}\">{}</td><td>{list}</td></tr>",
            esc(d),
            esc(&short(docs.label(d), 70))
        );
    }
    out.push_str("</table></details>\n");
    Ok(())
}

fn keyness(out: &mut String, dir: &Path, docs: &Docs) -> io::Result<()> {
    let file = "keyness.csv";
    let Some(mut t) = CsvTable::open(dir, file)? else {
        missing(out, file, "keyness was not computed");
        return Ok(());
    };
    let [by, group, rank, term, count, ll, ratio] = t.cols(
        file,
        [
            "group_by",
            "group",
            "rank",
            "term",
            "count",
            "log_likelihood",
            "log_ratio",
        ],
    )?;
    // (group_by, group) -> terms, in file order of groups
    /// (term, count, log-likelihood, log ratio)
    type Term = (String, String, f64, String);
    let mut groups: Vec<((String, String), Vec<Term>)> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut rec = csv::StringRecord::new();
    let mut n_groups = 0usize;
    while t.next(&mut rec)? {
        if cell(&rec, rank).parse::<usize>().unwrap_or(usize::MAX) > PER_GROUP {
            continue;
        }
        let key = (cell(&rec, by).to_string(), cell(&rec, group).to_string());
        let i = match index.get(&key) {
            Some(&i) => i,
            None => {
                n_groups += 1;
                // per-document rows only when there are no other groups
                let keep = if key.0 == "doc_id" {
                    groups.iter().all(|g| g.0.0 == "doc_id")
                } else {
                    groups.retain(|g| g.0.0 != "doc_id");
                    index.retain(|k, _| k.0 != "doc_id");
                    for (j, g) in groups.iter().enumerate() {
                        index.insert(g.0.clone(), j);
                    }
                    true
                };
                if !keep || groups.len() >= GROUPS {
                    continue;
                }
                groups.push((key.clone(), Vec::new()));
                index.insert(key, groups.len() - 1);
                groups.len() - 1
            }
        };
        groups[i].1.push((
            cell(&rec, term).to_string(),
            cell(&rec, count).to_string(),
            cell(&rec, ll).parse().unwrap_or(0.0),
            cell(&rec, ratio).to_string(),
        ));
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">Terms over-represented in a group against the rest of the corpus, by \
log-likelihood (G²); {} of {} groups, top {} terms each. <code>{file}</code> has all.</p>\n<div class=\"groups\">",
        groups.len(),
        n_groups,
        PER_GROUP
    );
    for ((by, g), terms) in &groups {
        let name = if by == "doc_id" {
            short(docs.label(g), 50)
        } else {
            format!("{by} = {}", short(g, 50))
        };
        let max = terms.iter().map(|t| t.2).fold(0.0, f64::max);
        let _ = write!(
            out,
            "<div class=\"group\"><h3 title=\"{}\">{}</h3><table><tr><th>term</th><th>G²</th><th>count</th><th>log ratio</th></tr>",
            esc(g),
            esc(&name)
        );
        for (term, count, ll, ratio) in terms {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}{ll:.1}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&short(term, 80)),
                bar(*ll, max, 50.0),
                esc(count),
                esc(ratio)
            );
        }
        out.push_str("</table></div>\n");
    }
    out.push_str("</div>\n");
    Ok(())
}

/// Who is quoted most, over the corpus and per group (`corpus_sources.csv`), with the kinds of
/// attribution found (`quotes.csv`).
fn voices(out: &mut String, dir: &Path) -> io::Result<()> {
    let file = "corpus_sources.csv";
    let Some(mut t) = CsvTable::open(dir, file)? else {
        missing(out, file, "quotes were not extracted");
        return Ok(());
    };
    let [by, group, entity, label, docs, quotes, words] = t.cols(
        file,
        [
            "group_by",
            "group",
            "entity",
            "label",
            "docs",
            "quotes",
            "words_quoted",
        ],
    )?;
    // kinds of attribution, when quotes.csv is there
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut quoted_docs = std::collections::HashSet::new();
    if let Some(mut q) = CsvTable::open(dir, "quotes.csv")? {
        let [doc, kind] = q.cols("quotes.csv", ["doc_id", "kind"])?;
        let mut rec = csv::StringRecord::new();
        while q.next(&mut rec)? {
            *kinds.entry(cell(&rec, kind).to_string()).or_default() += 1;
            quoted_docs.insert(cell(&rec, doc).to_string());
        }
    }
    /// (entity, label, docs, quotes, words)
    type Voice = (String, String, String, u64, String);
    let mut groups: Vec<((String, String), Vec<Voice>)> = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut n_groups = 0usize;
    let mut last_key: Option<(String, String)> = None;
    while t.next(&mut rec)? {
        let key = (cell(&rec, by).to_string(), cell(&rec, group).to_string());
        if last_key.as_ref() != Some(&key) {
            n_groups += 1;
            last_key = Some(key.clone());
            if groups.len() <= GROUPS {
                groups.push((key.clone(), Vec::new()));
            }
        }
        let Some(g) = groups.last_mut().filter(|g| g.0 == key) else {
            continue;
        };
        if g.1.len() < PER_GROUP {
            g.1.push((
                cell(&rec, entity).to_string(),
                cell(&rec, label).to_string(),
                cell(&rec, docs).to_string(),
                cell(&rec, quotes).parse().unwrap_or(0),
                cell(&rec, words).to_string(),
            ));
        }
    }
    let total: u64 = kinds.values().sum();
    let kinds_text = kinds
        .iter()
        .map(|(k, n)| format!("{} {}", thousands(*n), esc(k)))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "<p class=\"note\">{} attributions (who said what) in {} articles{}; the people and \
organisations they were resolved to, by quotes; {} of {} groups, top {} each. <code>quotes.csv</code> \
has every attribution, <code>{file}</code> every source.</p>\n<div class=\"groups\">",
        thousands(total),
        thousands(quoted_docs.len() as u64),
        if kinds_text.is_empty() {
            String::new()
        } else {
            format!(" ({kinds_text})")
        },
        groups.len(),
        n_groups,
        PER_GROUP
    );
    for ((by, g), voices) in &groups {
        let name = if by == "corpus" {
            "all articles".to_string()
        } else {
            format!("{by} = {}", short(g, 50))
        };
        let max = voices.iter().map(|v| v.3).max().unwrap_or(0) as f64;
        let _ = write!(
            out,
            "<div class=\"group\"><h3 title=\"{}\">{}</h3><table><tr><th>source</th><th>quotes</th><th>articles</th><th>words</th></tr>",
            esc(g),
            esc(&name)
        );
        for (entity, label, docs, quotes, words) in voices {
            let _ = write!(
                out,
                "<tr><td>{} <span class=\"note\">{}</span></td><td class=\"num\">{}{quotes}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&short(entity, 60)),
                esc(label),
                bar(*quotes as f64, max, 50.0),
                esc(docs),
                esc(words)
            );
        }
        out.push_str("</table></div>\n");
    }
    out.push_str("</div>\n");
    Ok(())
}

fn collocations(out: &mut String, dir: &Path) -> io::Result<()> {
    let file = "collocations.csv";
    let Some(mut t) = CsvTable::open(dir, file)? else {
        missing(out, file, "collocations were not computed");
        return Ok(());
    };
    let [lang, a, b, count, pmi, ll] = t.cols(
        file,
        [
            "language",
            "term_a",
            "term_b",
            "count",
            "pmi",
            "log_likelihood",
        ],
    )?;
    let mut top: Vec<(f64, [String; 5])> = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut n = 0u64;
    let cmp = |x: &(f64, [String; 5]), y: &(f64, [String; 5])| {
        y.0.total_cmp(&x.0).then_with(|| x.1.cmp(&y.1))
    };
    while t.next(&mut rec)? {
        n += 1;
        top.push((
            cell(&rec, ll).parse().unwrap_or(0.0),
            [lang, a, b, count, pmi].map(|i| cell(&rec, i).to_string()),
        ));
        if top.len() > 1000 {
            top.sort_by(cmp);
            top.truncate(20);
        }
    }
    top.sort_by(cmp);
    top.truncate(20);
    let _ = writeln!(
        out,
        "<p class=\"note\">Word pairs that occur together far more than chance, by log-likelihood; top {} of {}.</p>\
<table><tr><th>language</th><th>pair</th><th>count</th><th>PMI</th><th>G²</th></tr>",
        top.len(),
        thousands(n)
    );
    for (ll, [lang, a, b, count, pmi]) in &top {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{} {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{ll:.1}</td></tr>",
            esc(lang),
            esc(&short(a, 60)),
            esc(&short(b, 60)),
            esc(count),
            esc(pmi)
        );
    }
    out.push_str("</table>\n");
    Ok(())
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number ([`days_from_civil`]'s inverse).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date: (year, month, day), 0 where not given.
fn parse_date(s: &str) -> Option<(i64, i64, i64)> {
    let mut it = s.get(..s.len().min(10))?.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next().map_or(Some(0), |m| m.parse().ok())?;
    let d: i64 = it.next().map_or(Some(0), |d| d.parse().ok())?;
    ((1..=9999).contains(&y) && (0..=12).contains(&m) && (0..=31).contains(&d)).then_some((y, m, d))
}

/// The periods of a time axis: days, months or years, whichever keeps it readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Period {
    Day,
    Month,
    Year,
}

struct Axis {
    period: Period,
    first: i64,
    len: usize,
}

impl Axis {
    fn new(dates: &[(i64, i64, i64)]) -> Option<Axis> {
        let lo = *dates.iter().min()?;
        let hi = *dates.iter().max()?;
        let span_days = days_from_civil(hi.0, hi.1.max(1), hi.2.max(1))
            - days_from_civil(lo.0, lo.1.max(1), lo.2.max(1));
        let span_months = (hi.0 - lo.0) * 12 + hi.1.max(1) - lo.1.max(1);
        let all_days = dates.iter().all(|d| d.2 > 0);
        let all_months = dates.iter().all(|d| d.1 > 0);
        let period = if all_days && span_days <= 92 {
            Period::Day
        } else if all_months && span_months <= 120 {
            Period::Month
        } else {
            Period::Year
        };
        let mut axis = Axis {
            period,
            first: 0,
            len: 0,
        };
        axis.first = axis.key(lo);
        axis.len = (axis.key(hi) - axis.first + 1) as usize;
        Some(axis)
    }

    fn key(&self, (y, m, d): (i64, i64, i64)) -> i64 {
        match self.period {
            Period::Day => days_from_civil(y, m.max(1), d.max(1)),
            Period::Month => y * 12 + m.max(1) - 1,
            Period::Year => y,
        }
    }

    /// The slot of a date on the axis, if the date is precise enough.
    fn slot(&self, d: (i64, i64, i64)) -> Option<usize> {
        let precise = match self.period {
            Period::Day => d.2 > 0,
            Period::Month => d.1 > 0,
            Period::Year => true,
        };
        let k = self.key(d) - self.first;
        (precise && k >= 0 && (k as usize) < self.len).then_some(k as usize)
    }

    fn label(&self, slot: usize) -> String {
        let k = self.first + slot as i64;
        match self.period {
            Period::Day => {
                let (y, m, d) = civil_from_days(k);
                format!("{y:04}-{m:02}-{d:02}")
            }
            Period::Month => format!("{:04}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1),
            Period::Year => format!("{k:04}"),
        }
    }

    fn name(&self) -> &'static str {
        match self.period {
            Period::Day => "day",
            Period::Month => "month",
            Period::Year => "year",
        }
    }
}

/// The top of a value axis with 4 round steps (1, 2, 2.5 or 5 × 10ⁿ, at least 1) above `max`.
fn nice_top(max: u64) -> f64 {
    let raw = max as f64 / 4.0;
    let mag = 10f64.powf(raw.log10().floor().max(0.0));
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|k| k * mag)
        .find(|s| *s >= raw && s.fract() == 0.0)
        .unwrap_or(10.0 * mag);
    step * 4.0
}

/// An SVG chart: bars (`bars`) and/or lines (`series`: name, colour, values) over `axis`.
fn chart(
    out: &mut String,
    id: &str,
    axis: &Axis,
    bars: Option<&[u64]>,
    series: &[(String, &str, Vec<u64>)],
    y_label: &str,
) {
    let (w, h, left, bottom, top) = (960.0, 260.0, 50.0, 50.0, 16.0);
    let plot_w = w - left - 16.0;
    let plot_h = h - bottom - top;
    let max = bars
        .into_iter()
        .flatten()
        .chain(series.iter().flat_map(|s| s.2.iter()))
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    let max = nice_top(max);
    let step = plot_w / axis.len.max(1) as f64;
    let x_of = |i: usize| left + step * (i as f64 + 0.5);
    let y_of = |v: u64| top + plot_h - v as f64 / max * plot_h;
    let _ = writeln!(
        out,
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"{}\">",
        esc(y_label)
    );
    // grid and y ticks
    for i in 0..=4 {
        let v = max * i as f64 / 4.0;
        let y = top + plot_h - plot_h * i as f64 / 4.0;
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e3e8ee\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{v:.0}</text>",
            left + plot_w,
            left - 4.0,
            y + 3.0
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"12\" y=\"{:.1}\" font-size=\"11\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">{}</text>",
        top + plot_h / 2.0,
        top + plot_h / 2.0,
        esc(y_label)
    );
    // x labels: at most about 16
    let every = axis.len.div_ceil(16).max(1);
    for i in (0..axis.len).step_by(every) {
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"0\" font-size=\"10\" transform=\"translate({:.1},{:.1}) rotate(-35)\" text-anchor=\"end\">{}</text>",
            x_of(i),
            top + plot_h + 12.0,
            axis.label(i)
        );
    }
    if let Some(bars) = bars {
        for (i, &v) in bars.iter().enumerate() {
            if v == 0 {
                continue;
            }
            let y = y_of(v);
            let _ = writeln!(
                out,
                "<rect class=\"tl-bar\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#4a90c2\"><title>{}: {v}</title></rect>",
                x_of(i) - step * 0.4,
                (step * 0.8).max(1.0),
                top + plot_h - y,
                axis.label(i)
            );
        }
    }
    for (name, colour, values) in series {
        let points = values
            .iter()
            .enumerate()
            .map(|(i, &v)| format!("{:.1},{:.1}", x_of(i), y_of(v)))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            "<polyline class=\"tl-line\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points}\"><title>{}</title></polyline>",
            esc(name)
        );
        for (i, &v) in values.iter().enumerate() {
            if v > 0 && values.len() <= 120 {
                let _ = writeln!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"><title>{} {}: {v}</title></circle>",
                    x_of(i),
                    y_of(v),
                    esc(name),
                    axis.label(i)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    if !series.is_empty() {
        out.push_str("<p>");
        for (name, colour, values) in series {
            let _ = write!(
                out,
                "<span style=\"color:{colour}\">■</span> {} ({}) &nbsp; ",
                esc(name),
                values.iter().sum::<u64>()
            );
        }
        out.push_str("</p>\n");
    }
}

fn timeline(out: &mut String, dir: &Path, docs: &Docs) -> io::Result<()> {
    let doc_dates: Vec<(i64, i64, i64)> = docs
        .list
        .iter()
        .filter_map(|d| parse_date(&d.published))
        .collect();
    // corpus-wide timeline rows: (item_type, item, label) -> [(date, mentions)]
    type Key = (String, String, String);
    type Date = (i64, i64, i64);
    let mut items: HashMap<Key, Vec<(Date, u64)>> = HashMap::new();
    let file = "timeline.csv";
    let has_timeline = if let Some(mut t) = CsvTable::open(dir, file)? {
        let [by, date, kind, item, label, mentions] = t.cols(
            file,
            ["group_by", "date", "item_type", "item", "label", "mentions"],
        )?;
        let mut rec = csv::StringRecord::new();
        while t.next(&mut rec)? {
            if cell(&rec, by) != "corpus" {
                continue;
            }
            let Some(d) = parse_date(cell(&rec, date)) else {
                continue;
            };
            items
                .entry((
                    cell(&rec, kind).to_string(),
                    cell(&rec, item).to_string(),
                    cell(&rec, label).to_string(),
                ))
                .or_default()
                .push((d, cell(&rec, mentions).parse().unwrap_or(0)));
        }
        true
    } else {
        false
    };
    let all: Vec<(i64, i64, i64)> = doc_dates
        .iter()
        .copied()
        .chain(items.values().flatten().map(|x| x.0))
        .collect();
    let Some(axis) = Axis::new(&all) else {
        out.push_str(
            "<p class=\"note\">No document has a publication date, so there is no timeline.</p>\n",
        );
        return Ok(());
    };
    let mut bars = vec![0u64; axis.len];
    let mut imprecise = 0;
    for d in &doc_dates {
        match axis.slot(*d) {
            Some(i) => bars[i] += 1,
            None => imprecise += 1,
        }
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">Articles per {}: {} of {} articles are dated{}.</p>",
        axis.name(),
        thousands(doc_dates.len() as u64),
        thousands(docs.list.len() as u64),
        if imprecise > 0 {
            format!(
                "; {imprecise} with a date less precise than a {} are not shown",
                axis.name()
            )
        } else {
            String::new()
        }
    );
    chart(out, "timeline-docs", &axis, Some(&bars), &[], "articles");
    if !has_timeline {
        missing(out, file, "mentions over time were not computed");
        return Ok(());
    }
    let totals = ranked(
        items
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().map(|x| x.1).sum::<u64>())),
    );
    let mut series = Vec::new();
    for (i, (key, _)) in totals.iter().take(TIMELINE_SERIES).enumerate() {
        let mut values = vec![0u64; axis.len];
        for (d, m) in &items[key] {
            if let Some(s) = axis.slot(*d) {
                values[s] += m;
            }
        }
        let name = if key.2.is_empty() {
            short(&key.1, 40)
        } else {
            format!("{} ({})", short(&key.1, 40), key.2)
        };
        series.push((name, PALETTE[i % PALETTE.len()], values));
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">Mentions per {} of the {} most mentioned items (of {}); <code>{file}</code> has all, also per group.</p>",
        axis.name(),
        series.len(),
        thousands(totals.len() as u64)
    );
    chart(out, "timeline-items", &axis, None, &series, "mentions");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('x' & \"y\")</script>"),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
    }

    #[test]
    fn empty_folder_and_bad_tables_still_give_a_page() {
        let dir = tempfile::tempdir().unwrap();
        let html = render(dir.path()).unwrap();
        assert!(html.contains("<b>0</b><span>documents</span>"));
        assert!(html.contains("No document has a publication date"));
        assert_eq!(html.matches("Not computed in this run").count(), 6);
        std::fs::write(dir.path().join("similarity.csv"), "doc_a,other\nx,y\n").unwrap();
        let html = render(dir.path()).unwrap();
        assert!(html.contains("Could not be drawn: similarity.csv has no column doc_b."));
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn axis_tops_are_round() {
        for (max, top) in [
            (1, 4.0),
            (3, 4.0),
            (5, 8.0),
            (98, 100.0),
            (76, 80.0),
            (1234, 2000.0),
        ] {
            assert_eq!(nice_top(max), top, "{max}");
        }
    }

    #[test]
    fn dates_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2023, 12, 31), (1899, 3, 1)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 2), 1);
        assert_eq!(parse_date("2023-08-02"), Some((2023, 8, 2)));
        assert_eq!(parse_date("2023-08"), Some((2023, 8, 0)));
        assert_eq!(parse_date("2023"), Some((2023, 0, 0)));
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn axis_picks_a_readable_period() {
        let days = [(2023, 1, 30), (2023, 2, 2)];
        let a = Axis::new(&days).unwrap();
        assert_eq!((a.period, a.len), (Period::Day, 4));
        assert_eq!(a.label(3), "2023-02-02");
        let months = [(2012, 6, 1), (2015, 9, 1)];
        let a = Axis::new(&months).unwrap();
        assert_eq!(
            (a.period, a.len, a.label(0)),
            (Period::Month, 40, "2012-06".into())
        );
        let years = [(1990, 0, 0), (2015, 9, 1)];
        assert_eq!(Axis::new(&years).unwrap().period, Period::Year);
    }
}
