//! Wire: which news agency an article says it comes from.
//!
//! Takes a document's text; gives the agency (`AP`, `Reuters`, `AFP`, `dpa`, …) when the
//! article carries the agency's own marks, or nothing. Small outlets republish the wire feed
//! whole, so an analyst comparing coverage wants the copies flagged (`documents.csv`'s
//! `wire`). Only the places agencies sign are read, never the body, where "Reuters reported"
//! is a citation, not a credit:
//!
//! - the **dateline**, within the first [`HEAD_CHARS`] characters: a place, the agency's tag
//!   in parentheses and a dash (`WASHINGTON (AP) —`, `LONDON (Reuters) -`,
//!   `PARIS, 3 mai (AFP) -`), or the tag opening the text (`(dpa) -`);
//! - the **credit line**, within the last [`TAIL_CHARS`] characters: a line that is the
//!   agency's name alone, follows a dash or a copyright sign (`— Associated Press`,
//!   `© Agence France-Presse`), or Reuters' `Reporting by …; Editing by …`.

/// How far into the text a dateline is looked for.
pub const HEAD_CHARS: usize = 300;

/// How far from the end a credit line is looked for.
pub const TAIL_CHARS: usize = 400;

/// Agencies: the tags and names they sign with, and the name newslens gives them.
const AGENCIES: &[(&str, &[&str])] = &[
    ("AP", &["AP", "Associated Press", "The Associated Press"]),
    ("Reuters", &["Reuters", "Thomson Reuters"]),
    (
        "AFP",
        &["AFP", "Agence France-Presse", "Agence France Presse"],
    ),
    ("dpa", &["dpa", "DPA", "Deutsche Presse-Agentur"]),
    ("UPI", &["UPI", "United Press International"]),
    ("EFE", &["EFE", "Agencia EFE"]),
    ("ANSA", &["ANSA"]),
    ("Xinhua", &["Xinhua"]),
    ("Kyodo", &["Kyodo", "Kyodo News"]),
    ("Bloomberg", &["Bloomberg"]),
    ("PA", &["PA", "PA Media", "Press Association"]),
    ("APA", &["APA"]),
    ("Interfax", &["Interfax"]),
    ("TASS", &["TASS", "ТАСС"]),
    ("RIA Novosti", &["RIA Novosti", "РИА Новости"]),
];

/// The agency named `name` as newslens names them (`AP`, `Reuters`, …), for reading records
/// back.
pub fn named(name: &str) -> Option<&'static str> {
    AGENCIES.iter().map(|(a, _)| *a).find(|a| *a == name)
}

fn agency_of(name: &str) -> Option<&'static str> {
    let name = name.trim();
    AGENCIES
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(a, _)| *a)
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | ':')
}

/// The agency whose marks `text` carries (see the module docs).
pub fn detect(text: &str) -> Option<&'static str> {
    dateline(text).or_else(|| credit(text))
}

/// `PLACE (TAG) —` or `(TAG) -` near the start.
fn dateline(text: &str) -> Option<&'static str> {
    let end = text
        .char_indices()
        .nth(HEAD_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let mut from = 0;
    while let Some(open) = head[from..].find('(').map(|i| from + i) {
        let Some(close) = head[open..].find(')').map(|i| open + i) else {
            break;
        };
        from = close + 1;
        let tag = &head[open + 1..close];
        // `(AP)`, `(Reuters)`; `(dpa/AFP)`: the first
        let tag = tag.split(['/', ',']).next().unwrap_or("");
        let Some(agency) = agency_of(tag) else {
            continue;
        };
        let after = head[close + 1..].trim_start();
        if !after.starts_with(is_dash) {
            continue;
        }
        // before it: nothing, or a dateline (a place, perhaps a date) on the same line, in
        // capitals or starting with one
        let before = head[..open].rsplit('\n').next().unwrap_or("").trim();
        let dateline_like = before.is_empty()
            || (before.split_whitespace().count() <= 8
                && before.chars().next().is_some_and(char::is_uppercase)
                && !before.contains(['!', '?']));
        if dateline_like {
            return Some(agency);
        }
    }
    None
}

/// A credit line near the end.
fn credit(text: &str) -> Option<&'static str> {
    let n = text.chars().count();
    let start = text
        .char_indices()
        .nth(n.saturating_sub(TAIL_CHARS))
        .map_or(0, |(i, _)| i);
    let tail = &text[start..];
    for line in tail.lines().rev().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("Reporting by") || line.contains("; Editing by") {
            return Some("Reuters");
        }
        let name = line
            .trim_start_matches(|c: char| is_dash(c) || c == '©' || c.is_whitespace())
            .trim_start_matches("(c)")
            .trim_start_matches("Copyright")
            .trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
            .trim_end_matches(['.', ')'])
            .trim();
        let signed = line != name;
        if let Some(agency) = agency_of(name)
            && (signed || name.chars().count() > 3)
        {
            return Some(agency);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        for (text, agency) in [
            ("WASHINGTON (AP) — The Senate voted on Tuesday.", "AP"),
            ("LONDON (Reuters) - Britain's economy grew.", "Reuters"),
            ("PARIS, 3 mai (AFP) - Le gouvernement a annoncé", "AFP"),
            ("Berlin (dpa) - Die Bundesregierung will", "dpa"),
            ("(dpa/AFP) - Nach dem Unwetter", "dpa"),
            ("Headline here\nNEW YORK (AP) — Stocks fell.", "AP"),
            ("WASHINGTON, Jan. 5 (AP) — The Senate", "AP"),
        ] {
            assert_eq!(detect(text), Some(agency), "{text}");
        }
    }

    #[test]
    fn credit_lines() {
        for (text, agency) in [
            ("Body of the story.\n\n— Associated Press", "AP"),
            (
                "Body.\n\nReporting by Jane Doe; Editing by John Roe",
                "Reuters",
            ),
            ("Body.\n\n© Agence France-Presse", "AFP"),
            ("Body.\n\nCopyright 2024 The Associated Press.", "AP"),
        ] {
            assert_eq!(detect(text), Some(agency), "{text}");
        }
    }

    #[test]
    fn citations_and_look_alikes_are_not_credits() {
        for text in [
            "The minister told Reuters (in an interview) that talks had failed.",
            "Shares of Apple (AAPL) — the largest company — rose.",
            "According to AFP, the talks failed.\n\nMore on this later.",
            "Officials said the AP (Advanced Placement) exam was moved.",
            "Body.\n\nAP",
            "",
        ] {
            assert_eq!(detect(text), None, "{text}");
        }
    }
}
