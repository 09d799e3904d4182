//! NER: people, organisations, places and other names; dates, times, money, percentages and
//! quantities; and which mentions name the same entity.
//!
//! Takes one document's text, its segmentation, language and publication date; gives its
//! mentions (code-point offsets, label, method, normalised value) grouped into entities with
//! aliases. The stages, in order:
//!
//! 1. tokens for the tagger ([`tokens`]): possessives and contractions split off (`China’s` →
//!    `China` `’s`);
//! 2. gazetteer matches ([`gazetteer`]), used as features;
//! 3. the statistical tagger ([`model`], trained by [`train`] over [`features`]) for the
//!    document's language when a model exists (English, Spanish, Dutch, German, French,
//!    Italian, Portuguese, Russian, Chinese, Arabic; Chinese by character) — for a document in
//!    several languages, each paragraph's ([`extract_parts`]): PER, ORG, LOC, MISC;
//!    then filters: a capitalised stopword opening a sentence, a common abbreviation (`ID`)
//!    alone, a courtesy title (`Mr.`) leading a person, and title-case headline mentions the
//!    body does not confirm are dropped; and a name it found once is found where it recurs
//!    untagged (`Sammer` after `Matthias Sammer`, `recurring_names`); a sports line-up names
//!    its players (`Kahn - Babbel , Helmer ( 46. Ziege ) …`, `line_ups`);
//! 4. gazetteer mentions: the user's names (`--gazetteer`) everywhere, winning over tagger
//!    spans they overlap; the built-in names where there is no model, and there also people
//!    by a listed first name followed by capitalised words (`Angela Merkel`);
//! 5. acronyms defined in brackets (`Ministry of State Security (MSS)`) and their later uses;
//! 6. rules ([`rules`]): DATE, TIME, MONEY, PERCENT, QUANTITY with normalised values, on the
//!    tokens no name covers;
//! 7. aliases within the document ([`alias`]): `MSS` for `Ministry of State Security`, a later
//!    `Chen` for `Chen Yixin`, `U.S.` for `United States`; every named mention takes its
//!    entity's label;
//! 8. links ([`link`]): an entity that names a listed place (or a `--gazetteer` row with an
//!    `id`) takes its identifier and canonical name, so `États-Unis`, `США` and `美国` are one
//!    `United States` (`iso:US`) in every table.
//!
//! Does no I/O and cannot fail.

pub mod alias;
pub mod clusters;
pub mod features;
pub mod gazetteer;
pub mod link;
pub mod model;
pub mod rules;
pub mod scores;
pub mod tokens;
pub mod train;

use crate::segment::Segmentation;
use features::{Context, Features};
use gazetteer::{Gazetteer, Match};
use model::Model;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;
use tokens::NerToken;

/// A document as the tagger sees it.
pub struct Prepared {
    /// The tagger's tokens.
    pub tokens: Vec<NerToken>,
    /// Gazetteer matches.
    pub matches: Vec<Match>,
    /// Features of every token.
    pub features: Features,
}

/// Tokens, gazetteer matches and every feature of one segmented text in `lang` (for training
/// and evaluation).
pub fn prepare(text: &str, seg: &Segmentation, gaz: &Gazetteer, lang: &str) -> Prepared {
    prepare_with(text, seg, gaz, Some(true), &[(0..text.len(), lang)])
}

/// [`prepare`] for a text in several languages (`parts` as in [`extract_parts`], whose words
/// get their own language's clusters), computing the features only when asked (a language
/// without a model needs none): `Some(full)` as [`features::features`] takes it.
pub(crate) fn prepare_with(
    text: &str,
    seg: &Segmentation,
    gaz: &Gazetteer,
    with_features: Option<bool>,
    parts: &[(std::ops::Range<usize>, &str)],
) -> Prepared {
    let toks = tokens::ner_tokens(text, seg);
    let keys: Vec<std::borrow::Cow<str>> = toks
        .iter()
        .map(|t| crate::normalize::normalize(&text[t.start..t.end]))
        .collect();
    let key_refs: Vec<&str> = keys.iter().map(|k| k.as_ref()).collect();
    let matches = gaz.find(&toks, &key_refs);
    let Some(full) = with_features else {
        return Prepared {
            tokens: toks,
            matches,
            features: Features::default(),
        };
    };
    let codes = gaz.codes(toks.len(), &matches);
    let first: Vec<bool> = key_refs.iter().map(|k| gaz.is_first_name(k)).collect();
    let classes = token_classes(text, &toks, parts);
    let features = features::features(
        text,
        &toks,
        &Context {
            gazetteer: &codes,
            first_name: &first,
            clusters: &classes,
        },
        full,
    );
    Prepared {
        tokens: toks,
        matches,
        features,
    }
}

/// Each token's word classes, from the clusters of the language of the part it starts in;
/// empty when no part's language has clusters.
fn token_classes(
    text: &str,
    toks: &[NerToken],
    parts: &[(std::ops::Range<usize>, &str)],
) -> Vec<Option<clusters::Classes>> {
    let lang_at = |byte: usize| {
        let k = parts.partition_point(|(r, _)| r.end <= byte);
        parts.get(k).or(parts.last()).map(|p| p.1)
    };
    if parts
        .iter()
        .all(|(_, l)| clusters::clusters_for(l).is_none())
    {
        return Vec::new();
    }
    let mut out = vec![None; toks.len()];
    // each distinct word (in its language) looked up once
    let mut seen: FxHashMap<(&str, &str), Option<clusters::Classes>> = FxHashMap::default();
    for (s, e) in clusters::word_spans(toks) {
        let Some(lang) = lang_at(toks[s].start) else {
            continue;
        };
        let word = &text[toks[s].start..toks[e - 1].end];
        let c = *seen.entry((lang, word)).or_insert_with(|| {
            clusters::clusters_for(lang)
                .and_then(|cl| cl.get(&clusters::key(word, toks[s].han != 0)))
        });
        for o in &mut out[s..e] {
            *o = c;
        }
    }
    out
}

/// The tagger's entity spans `(first token, end token, type)` over a prepared document.
pub fn tag_spans(model: &Model, p: &Prepared) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for r in tokens::sentence_ranges(&p.tokens) {
        out.extend(train::decode(model, &p.features, r));
    }
    out
}

/// The bundled models: (language, file bytes). Compiled in; each is parsed only when a run
/// first meets its language.
const MODELS: &[(&str, &[u8])] = &[
    ("eng", include_bytes!("../../models/ner-eng.bin")),
    ("spa", include_bytes!("../../models/ner-spa.bin")),
    ("nld", include_bytes!("../../models/ner-nld.bin")),
    ("deu", include_bytes!("../../models/ner-deu.bin")),
    ("fra", include_bytes!("../../models/ner-fra.bin")),
    ("ita", include_bytes!("../../models/ner-ita.bin")),
    ("por", include_bytes!("../../models/ner-por.bin")),
    ("rus", include_bytes!("../../models/ner-rus.bin")),
    ("zho", include_bytes!("../../models/ner-zho.bin")),
    ("ara", include_bytes!("../../models/ner-ara.bin")),
];

/// The bundled model of a language (ISO 639-3), loaded on first use; `None` for languages
/// without one.
pub fn model_for(lang: &str) -> Option<&'static Model> {
    static LOADED: [OnceLock<Option<Model>>; MODELS.len()] =
        [const { OnceLock::new() }; MODELS.len()];
    crate::perceptron::bundled(MODELS, &LOADED, lang, Model::from_bytes)
}

/// Languages with a bundled model.
pub fn model_languages() -> impl Iterator<Item = &'static str> {
    MODELS.iter().map(|(l, _)| *l)
}

/// How a mention was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// The statistical tagger.
    Model,
    /// A rule (dates, numbers, acronyms defined in the text).
    Rule,
    /// A gazetteer name.
    Gazetteer,
}

impl Method {
    /// The name written to `mentions.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Model => "model",
            Method::Rule => "rule",
            Method::Gazetteer => "gazetteer",
        }
    }
}

/// One mention in a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Byte offset of its start in the text.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
    /// Its sentence.
    pub sentence: u32,
    /// PER, ORG, LOC, MISC, DATE, TIME, MONEY, PERCENT or QUANTITY.
    pub label: &'static str,
    /// How it was found.
    pub method: Method,
    /// Normalised value (rule mentions).
    pub value: String,
    /// Its entity (named mentions), an index into [`DocEntities::entities`].
    pub entity: Option<usize>,
}

/// A named entity of one document.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Its canonical name.
    pub name: String,
    /// PER, ORG, LOC or MISC.
    pub label: &'static str,
    /// Number of mentions.
    pub mentions: u32,
    /// Byte offset of its first mention.
    pub first_start: usize,
    /// Its other names in the document, sorted.
    pub aliases: Vec<String>,
    /// Its language-independent identifier (`iso:US`, `gn:1816670`, or a `--gazetteer` id), if
    /// it is linked ([`link`]); its name is then the id's canonical name.
    pub id: Option<String>,
}

/// The mentions and entities of one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocEntities {
    /// Mentions in text order.
    pub mentions: Vec<Mention>,
    /// Entities in order of first mention.
    pub entities: Vec<Entity>,
    /// Whether a statistical model tagged the document.
    pub model: bool,
}

/// Capitalised abbreviations that are common nouns, never names on their own.
const NOT_NAMES: &[&str] = &[
    "ID", "IDs", "CEO", "CFO", "COO", "CTO", "GDP", "TV", "PC", "AI", "DNA", "RNA", "IT", "OK",
    "PR", "IQ", "VIP", "SUV", "ATM", "FAQ", "URL", "PDF", "USB", "GPS", "SMS", "PIN", "VPN", "LED",
    "LCD", "CD", "DVD", "HQ", "PhD", "MP", "MPs", "AM", "FM", "IPO", "VAT",
];

/// The longest name [`recurring_names`] carries over, in tokens.
const RECURRING_MAX: usize = 6;

/// Document-level consistency (Ratinov & Roth 2009): a name the tagger found once is the same
/// name where it recurs untagged in the same document — a person, organisation or place of two
/// words or more (`Deutsche Bank`), or the surname of a person found with a first name
/// (`Sammer` after `Matthias Sammer`, which the German model misses opening a sentence, where
/// every noun is capitalised too). Only in parts with a model (`part(i)` says whether token
/// `i`'s part has one, and gives its lexicon), only where the occurrence is capitalised. Never
/// MISC, a single word the tagger named alone, or a word in capitals: on the development
/// files those carried over wrongly more often than rightly (`Algemeen`, `GRANOLLERS`). Never
/// a stopword, date word or reporting verb (`May` of `Theresa May` is not carried to `in May`),
/// never a name the tagger gave two labels equally often, and never where a capitalised
/// neighbour could make it part of a longer name (`Jordan` of `Michael Jordan`); in German
/// only a listed first name counts as such a neighbour. Gives the new spans as (start token,
/// end token, type, method, acronym_of), with the model as their method.
fn recurring_names(
    text: &str,
    toks: &[NerToken],
    named: &[(usize, usize, u8, Method, Option<usize>)],
    covered: &[bool],
    part: &dyn Fn(usize) -> (bool, &'static crate::lexicon::Lexicon),
    gaz: &Gazetteer,
) -> Vec<(usize, usize, u8, Method, Option<usize>)> {
    let word = |i: usize| &text[toks[i].start..toks[i].end];
    let capitalised =
        |i: usize| toks[i].han == 0 && word(i).chars().next().is_some_and(char::is_uppercase);
    // not all in capitals (`GRANOLLERS`, `IN` in a headline); a lone letter or symbol is neither
    let mixed_case =
        |w: &str| w.chars().any(char::is_lowercase) || !w.chars().any(char::is_alphabetic);
    // label votes of each token sequence the tagger named
    let mut votes: FxHashMap<Vec<&str>, [u32; 4]> = FxHashMap::default();
    for &(s, e, ty, method, _) in named {
        if method != Method::Model || e - s > RECURRING_MAX || !capitalised(s) {
            continue;
        }
        let ty = ty as usize;
        if ty >= 3 || (s..e).any(|i| !mixed_case(word(i))) {
            continue; // MISC, and words in capitals, carry over too often wrongly
        }
        if e - s >= 2 {
            votes.entry((s..e).map(word).collect()).or_default()[ty] += 1;
        }
        // a person's surname: the last word of a name of two words or more
        if ty == 0 && e - s >= 2 && capitalised(e - 1) && word(e - 1).chars().count() >= 2 {
            votes.entry(vec![word(e - 1)]).or_default()[0] += 1;
        }
    }
    if votes.is_empty() {
        return Vec::new();
    }
    let mut keys: FxHashMap<&str, Vec<(Vec<&str>, u8)>> = FxHashMap::default();
    for (seq, v) in votes {
        let best = (0..4)
            .max_by_key(|&t| (v[t], std::cmp::Reverse(t)))
            .unwrap_or(0);
        if v.iter()
            .enumerate()
            .any(|(t, &c)| t != best && c == v[best])
        {
            continue; // as often one label as another: ambiguous
        }
        keys.entry(seq[0]).or_default().push((seq, best as u8));
    }
    for list in keys.values_mut() {
        list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    }
    let mut out = Vec::new();
    let mut taken = covered.to_vec();
    let mut i = 0;
    while i < toks.len() {
        let (has_model, lexicon) = part(i);
        let Some(list) = (!taken[i] && has_model && capitalised(i))
            .then(|| keys.get(word(i)))
            .flatten()
        else {
            i += 1;
            continue;
        };
        let sentence = toks[i].sentence;
        let hit = list.iter().find(|(seq, _)| {
            let e = i + seq.len();
            e <= toks.len()
                && (i..e).all(|j| !taken[j] && toks[j].sentence == sentence)
                && seq.iter().enumerate().all(|(k, w)| word(i + k) == *w)
        });
        let Some((seq, ty)) = hit else {
            i += 1;
            continue;
        };
        let e = i + seq.len();
        if seq.len() == 1 {
            let w = word(i);
            let lower = crate::normalize::lower(w);
            let stem = lexicon.stem(&lower);
            if lexicon.is_stopword(&lower)
                || NOT_NAMES.contains(&w)
                || HONORIFICS.contains(&w)
                || matches!(
                    lexicon.news(&lower, &stem),
                    crate::lexicon::NEWS_DATE | crate::lexicon::NEWS_CUE
                )
            {
                i += 1;
                continue;
            }
        }
        let nouns_capitalised = lexicon.code() == "deu";
        let extends = |j: usize| {
            toks[j].sentence == sentence
                && !taken[j]
                && capitalised(j)
                && !lexicon.is_stopword(&crate::normalize::lower(word(j)))
                && (!nouns_capitalised || gaz.is_first_name(&crate::normalize::normalize(word(j))))
        };
        if (i > 0 && extends(i - 1)) || (e < toks.len() && extends(e)) {
            i += 1;
            continue;
        }
        taken[i..e].iter_mut().for_each(|t| *t = true);
        out.push((i, e, *ty, Method::Model, None));
        i = e;
    }
    out
}

/// Name particles that may stand lower-cased inside a player's name in a line-up
/// (`von Ahlen`).
const NAME_PARTICLES: &[&str] = &[
    "von", "van", "de", "da", "di", "del", "della", "dos", "du", "le", "ter", "ten", "zu",
];

/// Sports line-ups: a sentence that is nothing but names separated by dashes and commas, with
/// substitutions in brackets — `Kahn - Babbel , Helmer ( 46. Ziege ) , Matthäus - Möller .`,
/// `Salzburg: Walke – Schwegler, Miranda, Ulmer – Lazaro, Ch. Leitgeb` — names its players:
/// each run of capitalised words (an initial joins the name after it) is a person, whatever
/// the tagger made of it (the models never saw such lines — the German CoNLL training text
/// has none — and left most of their names untagged or tagged `Berisha – Nielsen` as one
/// place). A line-up has at least six capitalised words, at least two dashes between them, and
/// no word in lower case but a name particle (`von`): a list of nouns (`Äpfel , Birnen und
/// Kirschen`) or a heading is not one. Words before a colon (a team: `Bayern : Kahn - …`) are
/// not players. Only in parts with a model (`has_model(i)`). Gives the token ranges of the
/// line-ups' players and their spans as (start token, end token, type, method, acronym_of),
/// with the rule as method.
#[allow(clippy::type_complexity)]
fn line_ups(
    text: &str,
    toks: &[NerToken],
    has_model: &dyn Fn(usize) -> bool,
) -> (
    Vec<std::ops::Range<usize>>,
    Vec<(usize, usize, u8, Method, Option<usize>)>,
) {
    let word = |i: usize| &text[toks[i].start..toks[i].end];
    let capitalised = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
    };
    // `Ch` of `Ch. Leitgeb`, or `M.` as one token
    let initial = |i: usize| capitalised(word(i)) && word(i).chars().count() <= 2;
    let dotted = |i: usize| {
        let w = word(i);
        w.len() > 1 && w.ends_with('.') && {
            let l = &w[..w.len() - 1];
            capitalised(l) && l.chars().count() <= 2
        }
    };
    // a sentence cut after an initial goes on in the next (`…, Ch. | Leitgeb, Keita …`)
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for r in tokens::sentence_ranges(toks) {
        match ranges.last_mut() {
            Some(last)
                if last.end == r.start
                    && last.len() >= 2
                    && word(last.end - 1) == "."
                    && initial(last.end - 2)
                    && capitalised(word(r.start)) =>
            {
                last.end = r.end
            }
            _ => ranges.push(r),
        }
    }
    // each sentence's stretches between colons; before a colon, the words after the last
    // separator are a team or a heading (`Salzburg :`, `… , Reyna Ersatz :`), not players
    let separator = |w: &str| matches!(w, "," | ";" | "/" | "-" | "–" | "—" | ")");
    let mut stretches = Vec::new();
    for range in ranges {
        if !has_model(range.start) || toks[range.start].han != 0 {
            continue;
        }
        let mut from = range.start;
        for i in range.clone() {
            if word(i) == ":" {
                if let Some(j) = (from..i).rev().find(|&j| separator(word(j))) {
                    stretches.push(from..j);
                }
                from = i + 1;
            }
        }
        stretches.push(from..range.end);
    }
    let (mut lines, mut out) = (Vec::new(), Vec::new());
    for range in stretches {
        let start = range.start;
        let (mut names, mut dashes, mut depth) = (0, 0, 0i32);
        let mut line_up = true;
        for i in start..range.end {
            let w = word(i);
            match w {
                "-" | "–" | "—" => dashes += 1,
                "," | ";" | "/" => {}
                "(" => depth += 1,
                ")" => depth -= 1,
                "." if i + 1 == range.end || (i > start && initial(i - 1)) => {}
                _ if capitalised(w) => names += 1,
                _ if dotted(i) => {}
                // a substitution's minute: `( 46. Ziege )`
                _ if depth > 0
                    && w.trim_end_matches(['.', '\''])
                        .chars()
                        .all(|c| c.is_ascii_digit()) => {}
                _ if NAME_PARTICLES.contains(&w) => {}
                _ => {
                    line_up = false;
                    break;
                }
            }
        }
        if !line_up || names < 6 || dashes < 2 {
            continue;
        }
        lines.push(start..range.end);
        let mut i = start;
        while i < range.end {
            if !capitalised(word(i)) && !dotted(i) {
                i += 1;
                continue;
            }
            // a name never runs on into another sentence
            let same = |j: usize| toks[j].sentence == toks[i].sentence;
            let mut e = i + 1;
            loop {
                if e < range.end
                    && same(e)
                    && (capitalised(word(e)) || (dotted(e - 1) && dotted(e)))
                {
                    e += 1;
                } else if e + 1 < range.end
                    && same(e + 1)
                    && word(e) == "."
                    && initial(e - 1)
                    && capitalised(word(e + 1))
                {
                    e += 2;
                } else {
                    break;
                }
            }
            // an initial alone is no name
            if !(e == i + 1 && (initial(i) || dotted(i))) {
                out.push((i, e, 0, Method::Rule, None));
            }
            i = e;
        }
    }
    (lines, out)
}

/// Without a model: a listed first name followed by one or two capitalised words is a person
/// (`Angela Merkel`, `Jean-Claude Juncker`).
fn people_by_first_name(
    text: &str,
    toks: &[NerToken],
    range: std::ops::Range<usize>,
    gaz: &Gazetteer,
    lexicon: &crate::lexicon::Lexicon,
    covered: &mut [bool],
    named: &mut Vec<(usize, usize, u8, Method, Option<usize>)>,
) {
    let word = |k: usize| &text[toks[k].start..toks[k].end];
    let name_like = |k: usize| {
        let w = word(k);
        let mut cs = w.chars();
        toks[k].kind == crate::segment::TokenKind::Word
            && cs.next().is_some_and(char::is_uppercase)
            && cs.clone().next().is_some()
            && cs.all(|c| c.is_lowercase() || c == '-' || c == '\'')
            && !lexicon.is_stopword(&crate::normalize::lower(w))
    };
    let mut i = range.start;
    while i + 1 < range.end {
        let same = |k: usize| k < range.end && toks[k].sentence == toks[i].sentence;
        if covered[i] || !gaz.is_first_name(&gazetteer::key(word(i))) || !name_like(i) {
            i += 1;
            continue;
        }
        let mut e = i + 1;
        while e < i + 3 && same(e) && !covered[e] && name_like(e) {
            e += 1;
        }
        if e > i + 1 {
            covered[i..e].iter_mut().for_each(|c| *c = true);
            named.push((i, e, 0, Method::Rule, None));
            i = e;
        } else {
            i += 1;
        }
    }
}

/// Courtesy titles that precede a name.
const HONORIFICS: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Mr", "Mrs", "Ms", "Dr.", "Prof.", "Sr.", "Sra.", "Srta.", "Dña.",
    "Dhr.", "dhr.", "Mevr.", "mevr.", "Mw.", "mw.",
];

/// Sentences set in title case (`China’s State Security Calls Upon Ordinary Citizens ...`): four
/// in five words of three letters or more after the first are capitalised, and at least two of
/// them are words the document otherwise writes in lower case. The tagger, trained on sentence-case and all-capitals text, reads such headlines as
/// names; their mentions are kept only when the body confirms them.
fn title_case_sentences(text: &str, toks: &[NerToken]) -> Vec<bool> {
    let mut lower_seen = rustc_hash::FxHashSet::default();
    for t in toks {
        let s = &text[t.start..t.end];
        if s.chars().next().is_some_and(char::is_lowercase) {
            lower_seen.insert(s);
        }
    }
    let n_sent = toks.last().map_or(0, |t| t.sentence as usize + 1);
    let mut title = vec![false; n_sent];
    for r in tokens::sentence_ranges(toks) {
        let (mut words, mut caps, mut known) = (0, 0, 0);
        for i in r.clone().skip(1) {
            let s = &text[toks[i].start..toks[i].end];
            if s.chars().count() < 3 || !s.chars().all(char::is_alphabetic) {
                continue;
            }
            words += 1;
            let mut cs = s.chars();
            if cs.next().is_some_and(char::is_uppercase) {
                caps += 1;
                if cs.all(char::is_lowercase)
                    && lower_seen.contains(crate::normalize::lower(s).as_str())
                {
                    known += 1;
                }
            }
        }
        if known >= 2 && caps * 5 >= words * 4 {
            title[toks[r.start].sentence as usize] = true;
        }
    }
    title
}

fn mention_name(text: &str, toks: &[NerToken], s: usize, e: usize) -> (String, Vec<String>) {
    let mut name = String::new();
    let mut words = Vec::with_capacity(e - s);
    for k in s..e {
        if k > s && toks[k].start > toks[k - 1].end {
            name.push(' ');
        }
        let w = crate::normalize::normalize(&text[toks[k].start..toks[k].end]);
        name.push_str(&w);
        words.push(w.into_owned());
    }
    (name, words)
}

/// Runs the NER stages on one segmented document in one language. `published` is its ISO
/// date, if known.
pub fn extract(
    text: &str,
    seg: &Segmentation,
    lang: &str,
    published: Option<&str>,
    gaz: &Gazetteer,
) -> DocEntities {
    extract_parts(text, seg, &[(0..text.len(), lang)], published, gaz)
}

/// One language's stretch of a document, as the NER stages see it.
struct Part<'a> {
    /// Its tokens (indices into the tagger's tokens).
    tokens: std::ops::Range<usize>,
    lang: &'a str,
    model: Option<&'static Model>,
    lexicon: &'static crate::lexicon::Lexicon,
}

/// Runs the NER stages on a document in several languages: `parts` are consecutive byte ranges
/// covering the text, each with its language ([`crate::language::Detector::parts`]), and each
/// part is tagged by its own language's model (or, without one, by the gazetteer and people
/// by first name), with its stopwords and its date and number rules. Features, the gazetteer,
/// acronyms and aliases stay document-wide, so `Chen` in one paragraph is the `Chen Yixin` of
/// another. With one part this is [`extract`].
pub fn extract_parts(
    text: &str,
    seg: &Segmentation,
    parts: &[(std::ops::Range<usize>, &str)],
    published: Option<&str>,
    gaz: &Gazetteer,
) -> DocEntities {
    let whole = [(0..text.len(), "und")];
    let parts = if parts.is_empty() { &whole[..] } else { parts };
    let any_model = parts.iter().any(|(_, lang)| model_for(lang).is_some());
    let p = prepare_with(text, seg, gaz, any_model.then_some(false), parts);
    let toks = &p.tokens;
    let n = toks.len();
    // each part's tokens: those that start in its byte range (the last part takes the rest)
    let mut first = 0;
    let parts: Vec<Part> = parts
        .iter()
        .enumerate()
        .map(|(k, (range, lang))| {
            let end = match k + 1 == parts.len() {
                true => n,
                false => first + toks[first..].partition_point(|t| t.start < range.end),
            };
            let part = Part {
                tokens: first..end,
                lang,
                model: model_for(lang),
                lexicon: crate::lexicon::Lexicon::get(lang),
            };
            first = end;
            part
        })
        .collect();
    let part_of = |i: usize| {
        &parts[parts
            .partition_point(|p| p.tokens.end <= i)
            .min(parts.len() - 1)]
    };
    // (start token, end token, type, method, acronym_of)
    let mut named: Vec<(usize, usize, u8, Method, Option<usize>)> = Vec::new();
    if any_model {
        let ranges = tokens::sentence_ranges(toks);
        let mut sentence_first = vec![false; n];
        for r in &ranges {
            if let Some(f) = r
                .clone()
                .find(|&i| toks[i].kind != crate::segment::TokenKind::Punct)
            {
                sentence_first[f] = true;
            }
        }
        // each sentence by the model of its part (a part holds whole sentences)
        let mut spans = Vec::new();
        let mut sums = None;
        for r in ranges {
            if let Some(m) = part_of(r.start).model {
                spans.extend(scores::decode(m, text, toks, &p.features, r, &mut sums));
            }
        }
        for (s, e, ty) in spans {
            // a capitalised function word opening a sentence is never a name on its own
            if e == s + 1 && sentence_first[s] {
                let lower = crate::normalize::lower(&text[toks[s].start..toks[s].end]);
                if part_of(s).lexicon.is_stopword(&lower) {
                    continue;
                }
            }
            if e == s + 1 && NOT_NAMES.contains(&&text[toks[s].start..toks[s].end]) {
                continue;
            }
            // a courtesy title is not part of the name (CoNLL): `Mr. Li` → `Li`
            let s = if ty == 0
                && e > s + 1
                && HONORIFICS.contains(&&text[toks[s].start..toks[s].end])
            {
                s + 1
            } else {
                s
            };
            named.push((s, e, ty as u8, Method::Model, None));
        }
        // title-case headlines: keep what the body or the gazetteer confirms
        let title = title_case_sentences(text, toks);
        if title.iter().any(|&t| t) {
            let in_title = |s: usize| title[toks[s].sentence as usize];
            let listed: rustc_hash::FxHashSet<(usize, usize)> =
                p.matches.iter().map(|m| (m.start, m.end)).collect();
            let body: rustc_hash::FxHashSet<String> = named
                .iter()
                .filter(|x| !in_title(x.0))
                .map(|x| mention_name(text, toks, x.0, x.1).0)
                .collect();
            named.retain(|&(s, e, ..)| {
                !in_title(s)
                    || listed.contains(&(s, e))
                    || body.contains(&mention_name(text, toks, s, e).0)
            });
        }
    }
    // the user's names (--gazetteer) win over the tagger's spans they overlap
    if any_model {
        // line-ups name their players, whatever the tagger made of them
        let (lines, players) = line_ups(text, toks, &|i| part_of(i).model.is_some());
        if !lines.is_empty() {
            named.retain(|&(s, e, ..)| !lines.iter().any(|l| s < l.end && l.start < e));
            named.extend(players);
        }
    }
    for m in p.matches.iter().filter(|m| gaz.entries()[m.entry].user) {
        named.retain(|&(s, e, ..)| e <= m.start || s >= m.end);
    }
    let mut covered = vec![false; n];
    for &(s, e, ..) in &named {
        covered[s..e].iter_mut().for_each(|c| *c = true);
    }
    if any_model {
        let found = recurring_names(
            text,
            toks,
            &named,
            &covered,
            &|i| {
                let part = part_of(i);
                (part.model.is_some(), part.lexicon)
            },
            gaz,
        );
        for &(s, e, ..) in &found {
            covered[s..e].iter_mut().for_each(|c| *c = true);
        }
        named.extend(found);
    }
    for m in &p.matches {
        let entry = &gaz.entries()[m.entry];
        // with a model, built-in names are features only: adding them where the tagger found
        // nothing changed development F1 by -0.01 to -0.03
        if part_of(m.start).model.is_some() && !entry.user {
            continue;
        }
        if covered[m.start..m.end].iter().any(|&c| c) {
            continue;
        }
        covered[m.start..m.end].iter_mut().for_each(|c| *c = true);
        named.push((m.start, m.end, entry.ty, Method::Gazetteer, None));
    }
    for part in parts.iter().filter(|p| p.model.is_none()) {
        let range = part.tokens.clone();
        people_by_first_name(
            text,
            toks,
            range,
            gaz,
            part.lexicon,
            &mut covered,
            &mut named,
        );
    }
    named.sort_by_key(|x| x.0);
    // acronyms defined in brackets right after a name: `Ministry of State Security (MSS)`
    let mut defined: Vec<(String, usize, u8)> = Vec::new();
    for (k, &(s, e, ty, ..)) in named.iter().enumerate() {
        let open = e;
        if open + 2 >= n || toks[open].sentence != toks[s].sentence {
            continue;
        }
        let (o, a, c) = (
            &text[toks[open].start..toks[open].end],
            &text[toks[open + 1].start..toks[open + 1].end],
            &text[toks[open + 2].start..toks[open + 2].end],
        );
        if !matches!((o, c), ("(", ")") | ("[", "]")) || !alias::is_acronym(a) {
            continue;
        }
        let (_, words) = mention_name(text, toks, s, e);
        if alias::initials_match(a, &words) && !defined.iter().any(|d| d.0 == a) {
            defined.push((a.to_string(), k, ty));
        }
    }
    if !defined.is_empty() {
        let mut extra = Vec::new();
        for i in 0..n {
            if covered[i] {
                continue;
            }
            let w = &text[toks[i].start..toks[i].end];
            if let Some((_, k, ty)) = defined.iter().find(|d| d.0 == w) {
                covered[i] = true;
                extra.push((i, i + 1, *ty, Method::Rule, Some(*k)));
            }
        }
        // acronym links point at indices of `named` before the extras are merged in
        let mut all = std::mem::take(&mut named);
        all.extend(extra);
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|&i| all[i].0);
        let mut new_index = vec![0; all.len()];
        for (pos, &i) in order.iter().enumerate() {
            new_index[i] = pos;
        }
        named = order
            .iter()
            .map(|&i| {
                let mut x = all[i];
                x.4 = x.4.map(|k| new_index[k]);
                x
            })
            .collect();
        // a tagged acronym inside the brackets is linked too
        for d in &defined {
            let def = new_index[d.1];
            for x in named.iter_mut() {
                if x.1 == x.0 + 1 && text[toks[x.0].start..toks[x.0].end] == d.0 && x.4.is_none() {
                    x.4 = Some(def);
                }
            }
        }
    }
    // entities
    let infos: Vec<alias::Named> = named
        .iter()
        .map(|&(s, e, ty, _, acr)| {
            let (name, words) = mention_name(text, toks, s, e);
            alias::Named {
                name,
                words,
                ty,
                acronym_of: acr,
            }
        })
        .collect();
    let (group_of, groups) = alias::group(&infos, gaz);
    // one identifier per place across languages: each group in its first mention's language
    let mut group_lang: Vec<&str> = vec![""; groups.len()];
    for (&(s, ..), &g) in named.iter().zip(&group_of) {
        if group_lang[g].is_empty() {
            group_lang[g] = part_of(s).lang;
        }
    }
    let candidates: Vec<link::Candidate> = groups
        .iter()
        .zip(&group_lang)
        .map(|(g, lang)| link::Candidate {
            names: std::iter::once(g.name.as_str())
                .chain(g.aliases.iter().map(String::as_str))
                .collect(),
            ty: g.ty,
            lang,
        })
        .collect();
    let links = link::link(&candidates, gaz, link::Places::builtin());
    // groups of one label linked to one id become one entity, named by the link
    let mut entities: Vec<Entity> = Vec::with_capacity(groups.len());
    let mut entity_of = vec![0; groups.len()];
    let mut by_id: rustc_hash::FxHashMap<(&str, u8), usize> = rustc_hash::FxHashMap::default();
    for (g, (group, l)) in groups.iter().zip(&links).enumerate() {
        let Some(l) = l else {
            entity_of[g] = entities.len();
            entities.push(Entity {
                name: group.name.clone(),
                label: model::TYPES[group.ty as usize],
                mentions: 0,
                first_start: usize::MAX,
                aliases: group.aliases.clone(),
                id: None,
            });
            continue;
        };
        let k = *by_id.entry((l.id.as_str(), group.ty)).or_insert_with(|| {
            entities.push(Entity {
                name: l.canonical.clone(),
                label: model::TYPES[group.ty as usize],
                mentions: 0,
                first_start: usize::MAX,
                aliases: Vec::new(),
                id: Some(l.id.clone()),
            });
            entities.len() - 1
        });
        entity_of[g] = k;
        let e = &mut entities[k];
        for a in std::iter::once(&group.name).chain(&group.aliases) {
            if *a != e.name && !e.aliases.contains(a) {
                e.aliases.push(a.clone());
            }
        }
    }
    for e in entities.iter_mut().filter(|e| e.id.is_some()) {
        e.aliases.sort();
    }
    let mut mentions: Vec<Mention> = named
        .iter()
        .zip(&group_of)
        .map(|(&(s, e, _, method, _), &g)| Mention {
            start: toks[s].start,
            end: toks[e - 1].end,
            sentence: toks[s].sentence,
            label: model::TYPES[groups[g].ty as usize],
            method,
            value: String::new(),
            entity: Some(entity_of[g]),
        })
        .collect();
    for m in &mentions {
        if let Some(g) = m.entity {
            entities[g].mentions += 1;
            entities[g].first_start = entities[g].first_start.min(m.start);
        }
    }
    for part in &parts {
        let (a, b) = (part.tokens.start, part.tokens.end);
        for r in rules::find(text, &toks[a..b], &covered[a..b], part.lang, published) {
            mentions.push(Mention {
                start: toks[a + r.start].start,
                end: toks[a + r.end - 1].end,
                sentence: toks[a + r.start].sentence,
                label: r.label,
                method: Method::Rule,
                value: r.value,
                entity: None,
            });
        }
    }
    mentions.sort_by_key(|m| (m.start, m.end));
    DocEntities {
        mentions,
        entities,
        model: any_model,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, label, entity, method, value) of every mention.
    fn run(
        text: &str,
        lang: &str,
        published: Option<&str>,
    ) -> Vec<(String, String, String, String, String)> {
        let seg = crate::segment::segment(text, lang);
        let d = extract(text, &seg, lang, published, &Gazetteer::builtin());
        d.mentions
            .iter()
            .map(|m| {
                (
                    text[m.start..m.end].to_string(),
                    m.label.to_string(),
                    m.entity
                        .map_or(String::new(), |e| d.entities[e].name.clone()),
                    m.method.as_str().to_string(),
                    m.value.clone(),
                )
            })
            .collect()
    }

    fn has(
        ms: &[(String, String, String, String, String)],
        text: &str,
        label: &str,
        entity: &str,
    ) -> bool {
        ms.iter()
            .any(|m| m.0 == text && m.1 == label && m.2 == entity)
    }

    #[test]
    fn bundled_models_load_fast() {
        for &(lang, bytes) in MODELS {
            let t0 = std::time::Instant::now();
            let m = Model::from_bytes(bytes).unwrap();
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            assert_eq!(m.lang, lang);
            assert!(m.len() > 10_000, "{lang}: {} features", m.len());
            assert!(bytes.len() <= 5_000_000, "{lang}: {} bytes", bytes.len());
            if !cfg!(debug_assertions) {
                assert!(ms < 200.0, "{lang} loads in {ms:.0} ms");
            }
        }
        assert!(model_for("eng").is_some());
        assert!(model_for("deu").is_some() && model_for("zho").is_some());
        assert!(model_for("ara").is_some() && model_for("jpn").is_none());
    }

    #[test]
    fn english_names_aliases_and_rules() {
        let text = "However, the Ministry of State Security (MSS) said on Tuesday that Chen Yixin \
                    had met Reuters in Beijing. Meanwhile, Chen told the MSS that U.S. firms \
                    paid $5 million. Still, the United States rose 3% last month.";
        let ms = run(text, "eng", Some("2023-08-02"));
        assert!(
            has(
                &ms,
                "Ministry of State Security",
                "ORG",
                "Ministry of State Security"
            ),
            "{ms:#?}"
        );
        assert!(
            has(&ms, "MSS", "ORG", "Ministry of State Security"),
            "{ms:#?}"
        );
        assert!(has(&ms, "Chen Yixin", "PER", "Chen Yixin"), "{ms:#?}");
        assert!(has(&ms, "Chen", "PER", "Chen Yixin"), "{ms:#?}");
        assert!(has(&ms, "Reuters", "ORG", "Reuters"), "{ms:#?}");
        assert!(has(&ms, "Beijing", "LOC", "Beijing"), "{ms:#?}");
        assert!(has(&ms, "U.S.", "LOC", "United States"), "{ms:#?}");
        assert!(has(&ms, "United States", "LOC", "United States"), "{ms:#?}");
        for word in ["However", "Meanwhile", "Still"] {
            assert!(!ms.iter().any(|m| m.0.starts_with(word)), "{word}: {ms:#?}");
        }
        let rules: Vec<(&str, &str)> = ms
            .iter()
            .filter(|m| m.3 == "rule" && m.2.is_empty())
            .map(|m| (m.0.as_str(), m.4.as_str()))
            .collect();
        assert_eq!(
            rules,
            [
                ("Tuesday", "2023-08-01"),
                ("$5 million", "5000000 USD"),
                ("3%", "3"),
                ("last month", "2023-07")
            ]
        );
    }

    #[test]
    fn possessives_and_languages_without_a_model() {
        let ms = run("China’s spy agency spoke to Germany's police.", "eng", None);
        assert!(has(&ms, "China", "LOC", "China"), "{ms:#?}");
        assert!(has(&ms, "Germany", "LOC", "Germany"), "{ms:#?}");
        // German has a model now
        let text = "Die Bundesregierung in Berlin und die Vereinten Nationen trafen sich am 2. August 2023. Angela Merkel sprach mit Hans.";
        let seg = crate::segment::segment(text, "deu");
        let d = extract(text, &seg, "deu", None, &Gazetteer::builtin());
        assert!(d.model);
        let ms = run(text, "deu", None);
        assert!(has(&ms, "Angela Merkel", "PER", "Angela Merkel"), "{ms:#?}");
        assert!(has(&ms, "Berlin", "LOC", "Berlin"), "{ms:#?}");
        assert!(
            ms.iter()
                .any(|m| m.0 == "2. August 2023" && m.4 == "2023-08-02"),
            "{ms:#?}"
        );
        // Japanese has none: gazetteer names and rules only
        let text = "東京でReutersの記者がBerlinについて話した。";
        let seg = crate::segment::segment(text, "jpn");
        let d = extract(text, &seg, "jpn", None, &Gazetteer::builtin());
        assert!(!d.model);
        assert!(d.mentions.iter().all(|m| m.method != Method::Model));
        let ms = run(text, "jpn", None);
        assert!(
            ms.iter().any(|m| m.0 == "Berlin" && m.3 == "gazetteer"),
            "{ms:#?}"
        );
    }

    /// (text, label, method) of the mentions of `text` from byte `from` on.
    fn after(d: &DocEntities, text: &str, from: usize) -> Vec<(String, String, String)> {
        d.mentions
            .iter()
            .filter(|m| m.start >= from)
            .map(|m| {
                let t = text[m.start..m.end].to_string();
                (t, m.label.to_string(), m.method.as_str().to_string())
            })
            .collect()
    }

    #[test]
    fn each_paragraph_is_tagged_in_its_own_language() {
        let en = "Prime Minister Pedro Sánchez travelled to Brussels on Tuesday to meet European \
                  Commission officials about the recovery fund, his office said.";
        let es = "Según fuentes de La Moncloa, la reunión también abordó las nuevas reglas del \
                  mercado eléctrico y la situación de Telefónica en Madrid el 2 de agosto de 2023.";
        let text = format!("{en}\n\n{es}\n");
        let from = en.len() + 2;
        let parts = [(0..from, "eng"), (from..text.len(), "spa")];
        let seg = crate::segment::segment_parts(&text, &parts);
        let gaz = Gazetteer::builtin();
        let d = extract_parts(&text, &seg, &parts, None, &gaz);
        let spanish = after(&d, &text, from);
        let english: Vec<_> = d.mentions.iter().filter(|m| m.start < from).collect();
        assert!(
            english
                .iter()
                .any(|m| &text[m.start..m.end] == "Pedro Sánchez" && m.method == Method::Model),
            "{english:#?}"
        );
        let t = |s: &str, l: &str, m: &str| (s.to_string(), l.to_string(), m.to_string());
        assert!(
            spanish.contains(&t("Telefónica", "ORG", "model")),
            "{spanish:#?}"
        );
        // Spanish date rules in the Spanish paragraph
        assert!(
            spanish.contains(&t("2 de agosto de 2023", "DATE", "rule")),
            "{spanish:#?}"
        );
        // tagged by the document's language (as before), the English model and rules read the
        // Spanish paragraph
        let whole = after(&extract(&text, &seg, "eng", None, &gaz), &text, from);
        assert!(
            !whole.contains(&t("Telefónica", "ORG", "model")),
            "{whole:#?}"
        );
        assert!(
            !whole.contains(&t("2 de agosto de 2023", "DATE", "rule")),
            "{whole:#?}"
        );

        // a Japanese paragraph has no model: the gazetteer finds its Latin-script names
        let ja = "外務省の報道官はReutersに対し、Beijingで協議を続けると述べた。";
        let text = format!("{en}\n\n{ja}\n");
        let parts = [(0..from, "eng"), (from..text.len(), "jpn")];
        let seg = crate::segment::segment_parts(&text, &parts);
        let d = extract_parts(&text, &seg, &parts, None, &gaz);
        assert!(d.model);
        let japanese = after(&d, &text, from);
        assert!(
            japanese.contains(&t("Reuters", "ORG", "gazetteer")),
            "{japanese:#?}"
        );
        assert!(
            japanese.contains(&t("Beijing", "LOC", "gazetteer")),
            "{japanese:#?}"
        );
        assert!(japanese.iter().all(|m| m.2 != "model"), "{japanese:#?}");
        // tagged by the document's language (as before), the English model reads it too
        let whole = after(&extract(&text, &seg, "eng", None, &gaz), &text, from);
        assert!(whole.iter().any(|m| m.2 == "model"), "{whole:#?}");
        // one language, one part: the same as `extract`
        let seg = crate::segment::segment(en, "eng");
        assert_eq!(
            extract_parts(en, &seg, &[(0..en.len(), "eng")], None, &gaz),
            extract(en, &seg, "eng", None, &gaz)
        );
    }

    #[test]
    fn chinese_by_character_in_both_scripts() {
        // jieba's words (`部长陈一新在`) do not decide the spans; traditional text is tagged
        // through the simplified form, with the same weights
        let simplified = "国家安全部部长陈一新在北京表示，美国和中国将继续保持沟通。";
        let traditional = "國家安全部部長陳一新在北京表示，美國和中國將繼續保持溝通。";
        let spans = |text: &str| {
            let ms = run(text, "zho", None);
            ms.iter()
                .map(|m| {
                    (
                        text[..text.find(&m.0).unwrap()].chars().count(),
                        m.0.chars().count(),
                        m.1.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let ms = run(simplified, "zho", None);
        assert!(has(&ms, "陈一新", "PER", "陈一新"), "{ms:#?}");
        assert!(has(&ms, "北京", "LOC", "Beijing"), "{ms:#?}");
        assert!(has(&ms, "国家安全部", "ORG", "国家安全部"), "{ms:#?}");
        assert_eq!(spans(simplified), spans(traditional));
    }

    #[test]
    fn a_name_found_once_is_found_where_it_recurs() {
        // the German model misses a surname opening a sentence (every noun is capitalised)
        let text = "Der Trainer Matthias Sammer lobte am Freitag in Dortmund die Mannschaft. \
            Sammer sagte, er sei zufrieden. Auch Finanzminister Theo Waigel war da. Waigel \
            sagte, der Haushalt sei solide.";
        let ms = run(text, "deu", None);
        for (name, whole) in [("Sammer", "Matthias Sammer"), ("Waigel", "Theo Waigel")] {
            assert!(
                ms.iter()
                    .any(|m| m.0 == name && m.1 == "PER" && m.2 == whole && m.3 == "model"),
                "{name}: {ms:#?}"
            );
        }
        // a month is never carried over from a person's name, nor a word in capitals
        let text = "Prime Minister Theresa May met Angela Merkel. The talks ended in May, and \
            MERKEL AND MAY agreed to meet again.";
        let ms = run(text, "eng", None);
        assert!(
            ms.iter().any(|m| m.0 == "Theresa May" && m.1 == "PER"),
            "{ms:#?}"
        );
        for m in &ms {
            assert!(
                !(m.1 == "PER" && (m.0 == "May" || m.0.contains("MAY"))),
                "{m:?} in {ms:#?}"
            );
        }
    }

    #[test]
    fn line_ups_name_their_players() {
        // the German CoNLL training text has no line-ups: the model left most players untagged
        let text = "Bayern siegte 2:0. Bayern : Kahn - Babbel , Helmer ( 46. Ziege ) , Matthäus - \
            Basler , von Heesen , M. Scholl - Klinsmann , Jancker . Ich kaufte Äpfel , Birnen - \
            Kirschen - Pflaumen , Trauben , Bananen .";
        let ms = run(text, "deu", None);
        let players: Vec<&str> = ms
            .iter()
            .filter(|m| m.1 == "PER" && m.3 == "rule")
            .map(|m| m.0.as_str())
            .collect();
        assert_eq!(
            players,
            [
                "Kahn",
                "Babbel",
                "Helmer",
                "Ziege",
                "Matthäus",
                "Basler",
                "Heesen",
                "M. Scholl",
                "Klinsmann",
                "Jancker"
            ],
            "{ms:#?}"
        );
        // the team before the colon is not a player; a list of fruit is no line-up
        for m in &ms {
            assert!(
                !(m.1 == "PER"
                    && ["Bayern", "Birnen", "Kirschen", "Trauben"].contains(&m.0.as_str())),
                "{m:?}"
            );
        }
        // a name the user listed wins over the line-up
        let (gaz, _) = Gazetteer::with_user("name,label\nBasler,ORG\n").unwrap();
        let seg = crate::segment::segment(text, "deu");
        let d = extract(text, &seg, "deu", None, &gaz);
        let basler = d
            .mentions
            .iter()
            .find(|m| &text[m.start..m.end] == "Basler")
            .unwrap();
        assert_eq!((basler.label, basler.method), ("ORG", Method::Gazetteer));
        // too few dashes: a list of names in running text is left to the tagger
        let ms = run(
            "Es spielten Kahn , Babbel , Helmer , Ziege , Basler und Klinsmann .",
            "deu",
            None,
        );
        assert!(ms.iter().all(|m| m.3 != "rule" || m.1 != "PER"), "{ms:#?}");
    }

    #[test]
    fn spanish_and_dutch_models_tag() {
        let ms = run(
            "El presidente José María Aznar viajó a Madrid con Telefónica .",
            "spa",
            None,
        );
        assert!(
            ms.iter().any(|m| m.0 == "José María Aznar" && m.1 == "PER"),
            "{ms:#?}"
        );
        assert!(
            ms.iter().any(|m| m.0 == "Madrid" && m.1 == "LOC"),
            "{ms:#?}"
        );
        let ms = run(
            "Premier Wim Kok sprak gisteren in Amsterdam met de Europese Commissie .",
            "nld",
            None,
        );
        assert!(
            ms.iter().any(|m| m.0 == "Wim Kok" && m.1 == "PER"),
            "{ms:#?}"
        );
        assert!(
            ms.iter().any(|m| m.0 == "Amsterdam" && m.1 == "LOC"),
            "{ms:#?}"
        );
    }
}
