//! Meta: an article's title and publication date.
//!
//! Takes metadata values (a JSONL/CSV `published` or `date` field) or the first lines of a
//! plain-text article; gives an ISO 8601 date (`2023-08-02`) and a title. Dates are read in the
//! forms news uses: `2023-08-02`, `2023-08-02T10:00:00Z`, `August 2, 2023`, `Aug. 2, 2023`,
//! `2 August 2023`, `Wednesday, August 2, 2023`, `Published: August 2, 2023`, and their French,
//! German, Spanish, Italian, Portuguese and Dutch counterparts (`29 mai 2012`, `2. August 2023`,
//! `2 de agosto de 2023`). The title is the first header line that reads like a headline: not a
//! date, a byline label or a tagline ending in a period. Does no I/O and cannot fail.

/// How many non-empty lines at the top of an article count as its header.
const HEADER_LINES: usize = 15;

/// (name, month) for month names and abbreviations in the languages above, lower case.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    // French
    ("janvier", 1),
    ("janv", 1),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("okt", 10),
    ("dezember", 12),
    ("dez", 12),
    // Spanish
    ("enero", 1),
    ("ene", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("dic", 12),
    // Italian
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("dezembro", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
];

/// Words that may surround a date without being part of it.
const FILLER: &[&str] = &[
    // labels
    "published",
    "updated",
    "posted",
    "date",
    "dated",
    "publié",
    "publie",
    "mis",
    "à",
    "jour",
    "veröffentlicht",
    "aktualisiert",
    "publicado",
    "actualizado",
    "pubblicato",
    "gepubliceerd",
    // prepositions and articles
    "on",
    "the",
    "of",
    "le",
    "de",
    "del",
    "am",
    "den",
    "el",
    "il",
    "op",
    "em",
    "er",
    // weekdays
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "segunda-feira",
    "terça-feira",
    "quarta-feira",
    "quinta-feira",
    "sexta-feira",
];

pub(crate) fn month(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|&(_, m)| m)
}

pub(crate) fn day(word: &str) -> Option<u32> {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &word[digits.len()..];
    if digits.is_empty() || !matches!(suffix, "" | "." | "st" | "nd" | "rd" | "th" | "er" | "º") {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

pub(crate) fn year(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1800..=2200).contains(y))
}

pub(crate) fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub(crate) fn iso(y: i32, m: u32, d: u32) -> Option<String> {
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// `YYYY-MM-DD` or `YYYY/MM/DD` at the start of `s`, with anything after it (a time).
fn iso_prefix(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b.len() < 10 || !(b[4] == b'-' || b[4] == b'/') || b[7] != b[4] {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| s[r].parse().ok())
            .flatten()
    };
    let y = num(0..4)? as i32;
    let date = iso(y, num(5..7)?, num(8..10)?)?;
    Some((date, 10))
}

/// The date at the start of `s` and how many bytes of `s` it used, if `s` starts with one
/// (after labels and weekday names).
pub fn date_prefix(s: &str) -> Option<(String, usize)> {
    let s_trim = s.trim_start();
    let lead = s.len() - s_trim.len();
    if let Some((date, n)) = iso_prefix(s_trim) {
        return Some((date, lead + n));
    }
    // words with their end offsets; separators are white space and , : and a trailing period
    let mut words: Vec<(String, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let sep = c.is_whitespace() || c == ',' || c == ':';
        match (sep, start) {
            (true, Some(st)) => {
                let w = s[st..i].trim_end_matches('.').to_lowercase();
                words.push((w, i));
                start = None;
                if words.len() >= 8 {
                    break;
                }
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    let mut k = 0;
    while k < words.len() && FILLER.contains(&words[k].0.as_str()) {
        k += 1;
    }
    let w = |i: usize| words.get(k + i).map(|(w, _)| w.as_str()).unwrap_or("");
    let end = |i: usize| words[k + i].1;
    // Month D(,) YYYY
    if let (Some(m), Some(d), Some(y)) = (month(w(0)), day(w(1)), year(w(2))) {
        return iso(y, m, d).map(|date| (date, end(2)));
    }
    // D Month YYYY, D. Month YYYY, D de Month de YYYY
    if let Some(d) = day(w(0)) {
        let (mi, yi) = if w(1) == "de" {
            (2, if w(3) == "de" { 4 } else { 3 })
        } else {
            (1, 2)
        };
        if let (Some(m), Some(y)) = (month(w(mi)), year(w(yi))) {
            return iso(y, m, d).map(|date| (date, end(yi)));
        }
    }
    None
}

/// Parses a metadata value as a date; `None` when it is not one of the forms above.
pub fn parse_date(s: &str) -> Option<String> {
    let (date, used) = date_prefix(s)?;
    let rest = s[used..].trim();
    // allow a time or time zone after the date, nothing wordy
    let ok = rest.is_empty()
        || rest.starts_with('T')
        || rest
            .chars()
            .all(|c| c.is_ascii_digit() || " :.+-Z,apmAPMUTCGMT".contains(c));
    ok.then_some(date)
}

/// What the header lines of a plain-text article say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// The headline.
    pub title: Option<String>,
    /// The publication date, ISO 8601.
    pub published: Option<String>,
}

/// Reads the title and publication date from the first lines of an article.
pub fn from_header(text: &str) -> Header {
    let mut header = Header::default();
    let mut body_seen = false;
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(HEADER_LINES)
    {
        if let Some((date, used)) = date_prefix(line) {
            let rest = line[used..].trim_start();
            // a line that is a date, or a dateline opening the first paragraph
            let dateline = rest.is_empty()
                || rest.starts_with(['.', '-', '—', '–', '|', '('])
                || parse_date(line).is_some();
            if dateline {
                if header.published.is_none() {
                    header.published = Some(date);
                }
                continue;
            }
        }
        if header.title.is_none() && !body_seen && is_headline(line) {
            header.title = Some(line.to_string());
        }
        if line.chars().count() > 200 {
            body_seen = true;
        }
        if header.title.is_some() && header.published.is_some() {
            break;
        }
    }
    header
}

fn is_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let chars = line.chars().count();
    let labelled = line.split_once(':').is_some_and(|(label, _)| {
        label.split_whitespace().count() == 1 && label.len() < 12 && {
            let l = label.to_lowercase();
            matches!(
                l.as_str(),
                "by" | "published" | "updated" | "posted" | "source" | "photo" | "image" | "credit"
            )
        }
    });
    (3..=40).contains(&words)
        && chars <= 250
        && !line.ends_with('.')
        && !line.ends_with(',')
        && !labelled
        && !line.to_lowercase().starts_with("by ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(parse_date(input).as_deref(), expected, "{input:?}");
    }

    #[test]
    fn dates() {
        check("2023-08-02", Some("2023-08-02"));
        check("2023-08-02T10:15:00Z", Some("2023-08-02"));
        check("2023/08/02", Some("2023-08-02"));
        check("August 2, 2023", Some("2023-08-02"));
        check("Aug. 2, 2023", Some("2023-08-02"));
        check("2 August 2023", Some("2023-08-02"));
        check("Wednesday, August 2, 2023", Some("2023-08-02"));
        check("Published: August 2, 2023", Some("2023-08-02"));
        check("Monday, May 18, 2015", Some("2015-05-18"));
        check("29 mai 2012", Some("2012-05-29"));
        check("mardi 1er mai 2012", Some("2012-05-01"));
        check("2. August 2023", Some("2023-08-02"));
        check("2 de agosto de 2023", Some("2023-08-02"));
        check("February 30, 2023", None);
        check("2023-13-01", None);
        check("next week", None);
        check("September 2020", None);
        check("August 2, 2023 in Beijing", None);
    }

    #[test]
    fn seed_header() {
        let text = "Truth, Inspiration, Hope.\n\nChina’s State Security Calls Upon Ordinary Citizens to Become Counterespionage Informants\n\nSecuritization move worsens already waning investor confidence\nVictor Westerkamp\nVictor resides in the Netherlands.\nPublished: August 2, 2023\nChina's Minister of State Security Chen Yixin. (Image: PRC government file photo)\n\nCommunist China’s spy agency...";
        let h = from_header(text);
        assert_eq!(
            h.title.as_deref(),
            Some(
                "China’s State Security Calls Upon Ordinary Citizens to Become Counterespionage Informants"
            )
        );
        assert_eq!(h.published.as_deref(), Some("2023-08-02"));
    }

    #[test]
    fn wikinews_headers() {
        let en = from_header(
            "Over 900 asylum seekers rescued off Indonesian coast\nMonday, May 18, 2015\nOn Friday, fishermen rescued over 700 asylum seekers.",
        );
        assert_eq!(
            en.title.as_deref(),
            Some("Over 900 asylum seekers rescued off Indonesian coast")
        );
        assert_eq!(en.published.as_deref(), Some("2015-05-18"));
        let fr = from_header(
            "France : encore un suicide de postier en Bretagne\n\nFrance : encore un suicide de postier en Bretagne\n\n29 mai 2012. - Un postier travaillant sur le site a été retrouvé mort.",
        );
        assert_eq!(
            fr.title.as_deref(),
            Some("France : encore un suicide de postier en Bretagne")
        );
        assert_eq!(fr.published.as_deref(), Some("2012-05-29"));
    }

    #[test]
    fn no_header() {
        let h = from_header(
            "$5,000 per person, the maximum allowed.\nIn early October, the transition team met.",
        );
        assert_eq!(h, Header::default());
    }
}
