//! Language: which language a document is written in.
//!
//! Takes a document's text; gives an ISO 639-3 code (`zho` for Chinese), whatlang's confidence
//! (0–1) and its reliability flag. Texts with no letters give `und`. Only the first
//! [`SAMPLE_BYTES`] are read: whatlang's accuracy saturates long before that, and whole-article
//! speed stays independent of article length. `--lang` bypasses detection ([`LangInfo::fixed`]).
//! Short unreliable texts and name-heavy ones (sports results, lists of names: mostly
//! capitalised words) are settled by a vote of function words, since the letter trigrams of
//! names say little about the language.

use crate::lexicon::Lexicon;
use whatlang::{Lang, Script, detect};

/// How much of a document detection reads.
pub const SAMPLE_BYTES: usize = 4 * 1024;

/// The language of one document.
#[derive(Clone, Debug, PartialEq)]
pub struct LangInfo {
    /// ISO 639-3 code, or `und` when it cannot tell.
    pub code: &'static str,
    /// Detector confidence in [0, 1]; 1 when the language was given with `--lang`.
    pub confidence: f64,
    /// Whether the detector considers its answer reliable.
    pub reliable: bool,
}

impl LangInfo {
    /// Unknown language.
    pub const UNDETERMINED: LangInfo = LangInfo {
        code: "und",
        confidence: 0.0,
        reliable: false,
    };

    /// A language the user fixed with `--lang`.
    pub fn fixed(code: &'static str) -> LangInfo {
        LangInfo {
            code,
            confidence: 1.0,
            reliable: true,
        }
    }
}

/// ISO 639-3 code of a whatlang language (Mandarin reported as the macrolanguage `zho`).
pub fn iso639_3(lang: Lang) -> &'static str {
    match lang {
        Lang::Cmn => "zho",
        other => other.code(),
    }
}

/// Parses a user's language code (ISO 639-3 as whatlang knows them, `zho`, or `und`; ISO 639-1
/// two-letter codes of the common news languages are accepted too).
pub fn parse_code(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_lowercase();
    let three = match code.as_str() {
        "und" => return Some("und"),
        "zho" | "zh" | "chi" => return Some("zho"),
        "en" => "eng",
        "fr" => "fra",
        "de" => "deu",
        "es" => "spa",
        "it" => "ita",
        "pt" => "por",
        "nl" => "nld",
        "sv" => "swe",
        "da" => "dan",
        "nb" | "no" => "nob",
        "fi" => "fin",
        "ru" => "rus",
        "uk" => "ukr",
        "pl" => "pol",
        "cs" => "ces",
        "hu" => "hun",
        "ro" => "ron",
        "tr" => "tur",
        "el" => "ell",
        "ar" => "ara",
        "he" => "heb",
        "ja" => "jpn",
        "ko" => "kor",
        "hi" => "hin",
        "ta" => "tam",
        other => other,
    };
    Lang::from_code(three).map(iso639_3)
}

/// Detects the language of `text` (see the module docs).
pub fn detect_language(text: &str) -> LangInfo {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    if let Some(cjk) = cjk_language(sample) {
        return cjk;
    }
    let Some(info) = detect(sample) else {
        return LangInfo::UNDETERMINED;
    };
    let mut out = LangInfo {
        code: iso639_3(info.lang()),
        confidence: (info.confidence() * 1000.0).round() / 1000.0,
        reliable: info.is_reliable(),
    };
    let heavy = name_heavy(sample);
    if (!out.reliable || heavy)
        && let Some(code) = stopword_vote(sample, info.script(), out.code, heavy)
    {
        out.code = code;
    }
    out
}

/// A long sample whose words are mostly capitalised: a results table, a list of names. Letter
/// trigrams of names say little about the language; its few function words say more.
fn name_heavy(sample: &str) -> bool {
    let (mut words, mut caps) = (0usize, 0usize);
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        caps += w.chars().next().is_some_and(char::is_uppercase) as usize;
    }
    words >= 40 && caps * 2 >= words
}

/// Chinese, Japanese or Korean by script, when those characters make up most of the letters.
/// (whatlang counts characters per script, so a Chinese sentence quoting a Latin name is
/// otherwise read as a Latin-script language.)
fn cjk_language(sample: &str) -> Option<LangInfo> {
    let (mut han, mut kana, mut hangul, mut other) = (0usize, 0usize, 0usize, 0usize);
    for c in sample.chars().filter(|c| c.is_alphabetic()) {
        match c as u32 {
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => kana += 1,
            0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => hangul += 1,
            0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2FFFF | 0xF900..=0xFAFF => han += 1,
            _ => other += 1,
        }
    }
    // one CJK character carries about as much as a short Latin word
    let cjk = han + kana + hangul;
    if cjk < 2 || cjk * 3 < other {
        return None;
    }
    let code = if hangul * 2 >= cjk {
        "kor"
    } else if kana * 10 >= cjk {
        "jpn"
    } else if han * 2 >= cjk {
        "zho"
    } else {
        return None;
    };
    Some(LangInfo {
        code,
        confidence: ((cjk as f64 / (cjk + other) as f64) * 1000.0).round() / 1000.0,
        reliable: cjk >= 10,
    })
}

/// Languages with stopword lists, by script, for [`stopword_vote`].
const VOTERS: &[(Script, &[&str])] = &[
    (
        Script::Latin,
        &[
            "eng", "fra", "deu", "spa", "ita", "por", "nld", "swe", "nob", "dan", "fin", "hun",
            "ron", "tur", "cat", "ind", "aze", "slv", "sqi", "eus", "uzb",
        ],
    ),
    (Script::Cyrillic, &["rus", "kaz", "tgk", "bel"]),
    (Script::Arabic, &["ara"]),
    (Script::Greek, &["ell"]),
];

/// For short or ambiguous text: the language whose function words the text uses clearly more
/// often than those of whatlang's guess (at least two of them), among languages of its script.
/// `distinct` (for name-heavy text) counts each function word once and ignores one-letter words,
/// which in tables and lists are mostly initials.
fn stopword_vote(
    sample: &str,
    script: Script,
    guess: &'static str,
    distinct: bool,
) -> Option<&'static str> {
    let candidates = VOTERS.iter().find(|(s, _)| *s == script)?.1;
    let mut words: Vec<String> = sample
        .split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty() && (!distinct || w.chars().count() > 1))
        .take(200)
        .map(crate::normalize::lower)
        .collect();
    if distinct {
        words.sort();
        words.dedup();
    }
    let hits = |code: &str| {
        let lex = Lexicon::get(code);
        words.iter().filter(|w| lex.is_stopword(w)).count()
    };
    let guess_hits = hits(guess);
    let mut best: Option<(&'static str, usize)> = None;
    for &code in candidates {
        let h = hits(code);
        if best.is_none_or(|(_, b)| h > b) {
            best = Some((code, h));
        }
    }
    let (code, h) = best?;
    (code != guess && h >= 2 && h > guess_hits).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, code: &str) {
        assert_eq!(detect_language(text).code, code, "{text:?}");
    }

    #[test]
    fn detects() {
        check(
            "The Ministry of State Security has issued a call for citizens to report spies.",
            "eng",
        );
        check(
            "Le gouvernement a annoncé une nouvelle loi sur la sécurité nationale mardi.",
            "fra",
        );
        check(
            "Die Regierung hat am Dienstag ein neues Gesetz zur Sicherheit angekündigt.",
            "deu",
        );
        check(
            "El gobierno anunció el martes una nueva ley de seguridad nacional.",
            "spa",
        );
        check("Правительство объявило во вторник о новом законе.", "rus");
        check("国家安全部呼吁公民积极参与反间谍工作。", "zho");
        check(
            "وأعلنت الحكومة يوم الثلاثاء عن قانون جديد للأمن الوطني.",
            "ara",
        );
        check("12345 !!! ...", "und");
        check("大熱的歌曲是由Sheppard演唱的《Geronimo》。", "zho");
        check("Do you argue with your alarm clock?", "eng");
        check("東京は日本の首都です。", "jpn");
        check("서울은 한국의 수도입니다.", "kor");
        check("", "und");
        // a results table: names and numbers, a few English function words
        check(
            "SOCCER - YUGOSLAV LEAGUE RESULTS / STANDINGS .\nBELGRADE 1996-08-31\nResults of Yugoslav league\nsoccer matches played on Saturday :\nDivision A\nHajduk 2 Proleter ( Z ) 0\nZemun 1 Rad ( B ) 0\nBorac 1 Mladost ( L ) 2\nCukaricki 1 Vojvodina 0\nBuducnost 1 Red Star 3\nPartizan 6 Becej 0\nStandings ( tabulate under won , drawn , lost , goals for , goals\nagainst , points ) :\nRed Star 4 4 0 0 9 3 12\nPartizan 4 3 1 0 13 3 10\nMladost ( L ) 4 2 1 1 8 5 7\nVojvodina 4 2 1 1 5 3 7\nBecej 4 2 1 1 5 7 7\nHajduk 4 2 0 2 5 3 6",
            "eng",
        );
    }

    #[test]
    fn codes() {
        assert_eq!(parse_code("eng"), Some("eng"));
        assert_eq!(parse_code("EN"), Some("eng"));
        assert_eq!(parse_code("cmn"), Some("zho"));
        assert_eq!(parse_code("zho"), Some("zho"));
        assert_eq!(parse_code("und"), Some("und"));
        assert_eq!(parse_code("klingon"), None);
    }
}
