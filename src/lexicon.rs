//! Lexicon: stopwords and stems per language.
//!
//! Takes a language (ISO 639-3) and a token's lower-cased matching form; gives whether it is a
//! stopword and its Snowball stem (`rust-stemmers`). Stopwords are NLTK's lists (via the
//! `stop-words` crate): 100–300 function words per language, so that content words that matter
//! in news — `state`, `security`, `police`, `law`, `million` — stay terms (Japanese, which NLTK
//! lacks, has a list of its particles and auxiliaries of that size). Languages without a
//! Snowball stemmer use the lower-cased form as the stem; languages without a list have no
//! stopwords. Abbreviations (`u.s.`), words with digits, @handles and #hashtags are never stemmed.

use crate::segment::{Token, TokenKind};
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::sync::OnceLock;

/// Stopwords and stemmer of one language.
pub struct Lexicon {
    code: &'static str,
    stopwords: FxHashSet<String>,
    stemmer: Option<Stemmer>,
}

/// (ISO 639-3, NLTK list code in `stop-words`, Snowball algorithm)
const LANGUAGES: &[(&str, Option<&str>, Option<Algorithm>)] = &[
    ("ara", Some("ar"), Some(Algorithm::Arabic)),
    ("aze", Some("az"), None),
    ("bel", Some("be"), None),
    ("ben", Some("bn"), None),
    ("cat", Some("ca"), None),
    ("dan", Some("da"), Some(Algorithm::Danish)),
    ("deu", Some("de"), Some(Algorithm::German)),
    ("ell", Some("el"), Some(Algorithm::Greek)),
    ("eng", Some("en"), Some(Algorithm::English)),
    ("eus", Some("eu"), None),
    ("fin", Some("fi"), Some(Algorithm::Finnish)),
    ("fra", Some("fr"), Some(Algorithm::French)),
    ("heb", Some("he"), None),
    ("hun", Some("hu"), Some(Algorithm::Hungarian)),
    ("ind", Some("id"), None),
    ("ita", Some("it"), Some(Algorithm::Italian)),
    ("jpn", None, None),
    ("kaz", Some("kk"), None),
    ("nep", Some("ne"), None),
    ("nld", Some("nl"), Some(Algorithm::Dutch)),
    ("nno", Some("no"), Some(Algorithm::Norwegian)),
    ("nob", Some("no"), Some(Algorithm::Norwegian)),
    ("por", Some("pt"), Some(Algorithm::Portuguese)),
    ("ron", Some("ro"), Some(Algorithm::Romanian)),
    ("rus", Some("ru"), Some(Algorithm::Russian)),
    ("slv", Some("sl"), None),
    ("spa", Some("es"), Some(Algorithm::Spanish)),
    ("sqi", Some("sq"), None),
    ("swe", Some("sv"), Some(Algorithm::Swedish)),
    ("tam", Some("ta"), Some(Algorithm::Tamil)),
    ("tgk", Some("tg"), None),
    ("tur", Some("tr"), Some(Algorithm::Turkish)),
    ("uzb", Some("uz"), None),
    ("zho", Some("zh"), None),
];

/// Japanese function words as TinySegmenter splits them (NLTK has no Japanese list): case and
/// topic particles, conjunctive particles, auxiliary and light verbs and their inflected
/// pieces, formal nouns, demonstratives; about the size of the NLTK lists, so that content
/// words (政府, 発表, 首相) stay terms.
#[rustfmt::skip]
const JAPANESE_STOPWORDS: &[&str] = &[
    "の", "に", "は", "を", "た", "が", "で", "て", "と", "し", "れ", "さ", "も", "な", "か",
    "へ", "や", "だ", "ず", "ば", "う", "き", "つ", "ん", "せ", "い", "お", "ら", "から", "まで",
    "より", "など", "ので", "のに", "けれど", "けど", "ながら", "ほど", "だけ", "しか", "ばかり",
    "こそ", "でも", "では", "には", "とは", "への", "との", "での", "からの", "までの", "ある",
    "あり", "あっ", "いる", "おり", "おる", "する", "され", "される", "させ", "させる", "でき",
    "できる", "なる", "なり", "なっ", "なく", "ない", "なかっ", "れる", "られ", "られる", "ます",
    "まし", "ませ", "です", "でし", "だっ", "たり", "たい", "こと", "もの", "ため", "よう",
    "ところ", "とき", "うち", "ほか", "これ", "それ", "あれ", "この", "その", "あの", "ここ",
    "そこ", "また", "および", "及び", "または", "並び", "しかし", "ただし", "さらに", "そして",
    "について", "によって", "により", "による", "において", "における", "に対して", "に対する",
    "として", "とともに", "という", "といった", "いう", "いっ", "同", "等",
];

impl Lexicon {
    fn build(code: &'static str) -> Lexicon {
        let entry = LANGUAGES.iter().find(|(c, _, _)| *c == code);
        let stopwords = match code {
            "jpn" => JAPANESE_STOPWORDS.iter().map(|w| w.to_string()).collect(),
            _ => entry
                .and_then(|(_, list, _)| *list)
                .and_then(stop_words::lookup)
                .map(|words| words.iter().map(|w| crate::normalize::lower(w)).collect())
                .unwrap_or_default(),
        };
        let stemmer = entry.and_then(|(_, _, alg)| *alg).map(Stemmer::create);
        Lexicon {
            code,
            stopwords,
            stemmer,
        }
    }

    /// The lexicon of `code` (ISO 639-3); built once, then shared by all threads. Unknown codes
    /// (and `und`) get an empty lexicon: no stopwords, lower-cased forms as stems.
    pub fn get(code: &str) -> &'static Lexicon {
        static CACHE: OnceLock<Vec<Lexicon>> = OnceLock::new();
        static EMPTY: OnceLock<Lexicon> = OnceLock::new();
        let all = CACHE.get_or_init(|| {
            LANGUAGES
                .iter()
                .map(|(c, _, _)| Lexicon::build(c))
                .collect()
        });
        all.iter()
            .find(|l| l.code == code)
            .unwrap_or_else(|| EMPTY.get_or_init(|| Lexicon::build("und")))
    }

    /// The language code this lexicon serves.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Whether this language has a Snowball stemmer.
    pub fn has_stemmer(&self) -> bool {
        self.stemmer.is_some()
    }

    /// Whether the lower-cased matching form `lower` is a stopword.
    #[inline]
    pub fn is_stopword(&self, lower: &str) -> bool {
        self.stopwords.contains(lower)
    }

    /// The stem of the lower-cased matching form `lower`.
    pub fn stem<'a>(&self, lower: &'a str) -> Cow<'a, str> {
        let Some(stemmer) = &self.stemmer else {
            return Cow::Borrowed(lower);
        };
        if lower.contains('.') || lower.chars().any(|c| c.is_ascii_digit()) {
            return Cow::Borrowed(lower);
        }
        let stemmed = stemmer.stem(lower);
        if stemmed.is_empty() {
            Cow::Borrowed(lower)
        } else {
            stemmed
        }
    }
}

/// One distinct lower-cased form in a document, with its stem and stopword flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The lower-cased matching form.
    pub lower: String,
    /// Index into [`Annotated::stems`].
    pub stem: u32,
    /// Whether it is a stopword of the document's language (words only).
    pub stopword: bool,
    /// Whether it counts as a content term: a word, @handle or #hashtag that is not a stopword.
    pub content: bool,
}

/// The lexical annotation of one document's tokens. Forms and stems are interned per document,
/// so each distinct word is lower-cased and stemmed once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Annotated {
    /// For each token, its index into `forms`.
    pub token_forms: Vec<u32>,
    /// Distinct forms in order of first occurrence.
    pub forms: Vec<Form>,
    /// Distinct stems in order of first occurrence.
    pub stems: Vec<String>,
}

impl Annotated {
    /// The form of token `i`.
    #[inline]
    pub fn form(&self, i: usize) -> &Form {
        &self.forms[self.token_forms[i] as usize]
    }

    /// The stem of token `i`.
    #[inline]
    pub fn stem(&self, i: usize) -> &str {
        &self.stems[self.form(i).stem as usize]
    }
}

/// Lower-cases, stems and flags every token of `text`.
pub fn annotate(text: &str, tokens: &[Token], lexicon: &Lexicon) -> Annotated {
    annotate_parts(text, tokens, &[(0, lexicon)])
}

/// [`annotate`] for a document in several languages: `parts` gives, in token order, the index
/// of the first token each lexicon applies to (the first at 0).
pub fn annotate_parts(text: &str, tokens: &[Token], parts: &[(usize, &Lexicon)]) -> Annotated {
    let mut out = Annotated {
        token_forms: Vec::with_capacity(tokens.len()),
        ..Annotated::default()
    };
    // keyed by (language, kind, original text): the same word is looked up once per document
    let mut seen: FxHashMap<(&str, TokenKind, &str), u32> = FxHashMap::default();
    let mut stem_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut part = 0;
    for (i, t) in tokens.iter().enumerate() {
        while parts.get(part + 1).is_some_and(|(first, _)| *first <= i) {
            part += 1;
        }
        let lexicon = parts[part].1;
        let surface = &text[t.start..t.end];
        let id = *seen
            .entry((lexicon.code, t.kind, surface))
            .or_insert_with(|| {
                let lower = crate::normalize::lower(surface);
                let (stem, stopword, content) = match t.kind {
                    TokenKind::Word => {
                        // elided words (French l', qu') are listed without their apostrophe
                        let stop = lexicon.is_stopword(&lower)
                            || lower
                                .strip_suffix('\'')
                                .is_some_and(|w| lexicon.is_stopword(w));
                        (lexicon.stem(&lower).into_owned(), stop, !stop)
                    }
                    TokenKind::Handle | TokenKind::Hashtag => (lower.clone(), false, true),
                    _ => (lower.clone(), false, false),
                };
                let next = stem_ids.len() as u32;
                let stem_id = *stem_ids.entry(stem).or_insert_with_key(|s| {
                    out.stems.push(s.clone());
                    next
                });
                out.forms.push(Form {
                    lower,
                    stem: stem_id,
                    stopword,
                    content,
                });
                (out.forms.len() - 1) as u32
            });
        out.token_forms.push(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(code: &str, word: &str, stop: bool, stem: &str) {
        let lex = Lexicon::get(code);
        let lower = crate::normalize::lower(word);
        assert_eq!(lex.is_stopword(&lower), stop, "{code} stopword {word:?}");
        assert_eq!(lex.stem(&lower), stem, "{code} stem {word:?}");
    }

    #[test]
    fn english() {
        check("eng", "the", true, "the");
        check("eng", "state", false, "state");
        check("eng", "security", false, "secur");
        check("eng", "police", false, "polic");
        check("eng", "law", false, "law");
        check("eng", "million", false, "million");
        check("eng", "information", false, "inform");
        check("eng", "world", false, "world");
        check("eng", "China’s", false, "china");
        check("eng", "China's", false, "china");
        check("eng", "U.S.", false, "u.s.");
        check("eng", "informants", false, "inform");
        check("eng", "2023", false, "2023");
    }

    #[test]
    fn other_languages() {
        check("fra", "le", true, "le");
        check("fra", "gouvernement", false, "gouvern");
        check("deu", "und", true, "und");
        check("deu", "Regierungen", false, "regier");
        check("spa", "elecciones", false, "eleccion");
        check("rus", "и", true, "и");
        check("xxx", "Whatever", false, "whatever");
        check("und", "the", false, "the");
        check("pol", "rząd", false, "rząd");
        check("jpn", "の", true, "の");
        check("jpn", "政府", false, "政府");
    }

    #[test]
    fn annotation_interns_forms() {
        let text = "The State and the state’s states.";
        let seg = crate::segment::segment(text, "eng");
        let a = annotate(text, &seg.tokens, Lexicon::get("eng"));
        let rows: Vec<String> = (0..seg.tokens.len())
            .map(|i| {
                format!(
                    "{}/{}/{}/{}",
                    a.form(i).lower,
                    a.stem(i),
                    a.form(i).stopword,
                    a.form(i).content
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                "the/the/true/false",
                "state/state/false/true",
                "and/and/true/false",
                "the/the/true/false",
                "state's/state/false/true",
                "states/state/false/true",
                "././false/false",
            ]
        );
        assert_eq!(a.stems.iter().filter(|s| *s == "state").count(), 1);
    }

    #[test]
    fn shared_between_threads() {
        fn assert_sync<T: Sync>(_: &T) {}
        assert_sync(Lexicon::get("eng"));
    }
}
