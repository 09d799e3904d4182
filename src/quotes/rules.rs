//! Attributions by rule, for languages without a trained model.
//!
//! There is no attribution data for them in the project, so these rules find only what they
//! can find reliably: a **direct quotation** in the language's marks with a reporting verb from
//! a short lexicon next to it — after the closing mark (`», a déclaré le ministre`, `“, sagte
//! Merkel`, `」他说`) or before the opening one with a colon or comma (`Merkel sagte: „…“`) —
//! and the language's **`according to`** (`selon`, `laut`, `según`, `segundo`, `secondo`,
//! `по словам`, `据`) with the rest of its sentence as content. The source is the name or
//! pronoun beside the verb. The verb lists are the commonest reporting verbs of news in each
//! language (past and present, the forms that stand beside a quotation).

use super::{Doc, Mark, TokenAttribution};
use std::ops::Range;

/// Reporting verbs (lower-case token forms), per language.
fn verbs(lang: &str) -> &'static [&'static str] {
    match lang {
        "fra" => &[
            "dit",
            "déclaré",
            "affirmé",
            "indiqué",
            "expliqué",
            "ajouté",
            "estimé",
            "souligné",
            "précisé",
            "assuré",
            "confié",
            "raconté",
            "lancé",
            "insisté",
            "répondu",
            "annoncé",
            "explique",
            "affirme",
            "estime",
            "ajoute",
            "déclare",
            "souligne",
            "raconte",
            "poursuit",
            "confie",
            "insiste",
            "lance",
            "précise",
            "assure",
            "indique",
            "dit-il",
            "dit-elle",
            "a-t-il",
            "a-t-elle",
            "écrit",
            "martelé",
            "déploré",
            "prévenu",
        ],
        "deu" => &[
            "sagte",
            "sagt",
            "sagten",
            "erklärte",
            "erklärt",
            "betonte",
            "betont",
            "meinte",
            "meint",
            "so",
            "schrieb",
            "schreibt",
            "warnte",
            "warnt",
            "kritisierte",
            "erläuterte",
            "berichtete",
            "fügte",
            "teilte",
            "sagen",
            "erklärten",
            "betonten",
            "forderte",
            "räumte",
            "ergänzte",
            "versicherte",
            "bekräftigte",
        ],
        "spa" => &[
            "dijo",
            "afirmó",
            "señaló",
            "explicó",
            "aseguró",
            "indicó",
            "declaró",
            "añadió",
            "agregó",
            "dice",
            "afirma",
            "sostuvo",
            "manifestó",
            "comentó",
            "advirtió",
            "subrayó",
            "destacó",
            "insistió",
            "apuntó",
            "expresó",
            "escribió",
            "asegura",
            "explica",
            "señala",
            "añade",
        ],
        "por" => &[
            "disse",
            "afirmou",
            "declarou",
            "explicou",
            "acrescentou",
            "diz",
            "afirma",
            "ressaltou",
            "destacou",
            "informou",
            "garantiu",
            "contou",
            "disseram",
            "escreveu",
            "afirmaram",
            "comentou",
            "avaliou",
            "alertou",
            "defendeu",
            "salientou",
            "sublinhou",
        ],
        "ita" => &[
            "detto",
            "dichiarato",
            "spiegato",
            "affermato",
            "aggiunto",
            "sottolineato",
            "dice",
            "spiega",
            "afferma",
            "aggiunge",
            "sottolinea",
            "scritto",
            "precisato",
            "commentato",
            "ribadito",
            "osservato",
            "dichiara",
        ],
        "rus" => &[
            "сказал",
            "сказала",
            "заявил",
            "заявила",
            "отметил",
            "отметила",
            "сообщил",
            "сообщила",
            "пояснил",
            "пояснила",
            "подчеркнул",
            "подчеркнула",
            "добавил",
            "добавила",
            "говорит",
            "считает",
            "заявили",
            "сообщили",
            "написал",
            "написала",
            "рассказал",
            "рассказала",
            "уточнил",
            "уточнила",
            "признал",
            "признала",
        ],
        "zho" => &[
            "说", "表示", "称", "指出", "强调", "透露", "认为", "宣布", "告诉", "说道", "坦言",
            "写道", "介绍", "声称",
        ],
        _ => &[],
    }
}

/// `according to`: (its first token, a second token it needs, if any), per language.
fn according(lang: &str) -> &'static [(&'static str, &'static str)] {
    match lang {
        "fra" => &[("selon", ""), ("d'après", ""), ("d’après", "")],
        "deu" => &[("laut", ""), ("zufolge", "")],
        "spa" => &[("según", "")],
        "por" => &[("segundo", ""), ("conforme", "")],
        "ita" => &[("secondo", "")],
        "rus" => &[("по", "словам"), ("по", "данным"), ("согласно", "")],
        "zho" => &[("据", ""), ("根据", "")],
        _ => &[],
    }
}

/// Words that begin a noun phrase that may be a source (`le ministre`, `die Polizei`,
/// `son complice`): articles and possessives, per language.
fn determiner(lang: &str, w: &str) -> bool {
    let list: &[&str] = match lang {
        "fra" => &[
            "le",
            "la",
            "les",
            "l'",
            "l’",
            "un",
            "une",
            "des",
            "son",
            "sa",
            "ses",
            "leur",
            "leurs",
            "ce",
            "cette",
            "plusieurs",
        ],
        "deu" => &[
            "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "sein",
            "seine", "ihr", "ihre",
        ],
        "spa" => &[
            "el", "la", "los", "las", "un", "una", "su", "sus", "varios", "varias",
        ],
        "por" => &[
            "o", "a", "os", "as", "um", "uma", "seu", "sua", "seus", "suas",
        ],
        "ita" => &[
            "il", "lo", "la", "i", "gli", "le", "l'", "l’", "un", "una", "uno", "suo", "sua",
        ],
        _ => &[],
    };
    list.contains(&w)
}

/// Pronouns that may be a source.
fn pronoun(lang: &str, w: &str) -> bool {
    super::person_pronoun(lang, w)
        || matches!(
            (lang, w),
            ("fra", "ils" | "elles" | "il" | "elle")
                | ("deu", "er" | "sie")
                | ("rus", "они")
                | ("zho", "他们" | "她们")
        )
}

/// The attributions the rules find in `doc`.
pub(crate) fn attributions<'s>(
    doc: &Doc,
    lang: &str,
    lower_of: &impl Fn(usize) -> &'s str,
) -> Vec<TokenAttribution> {
    let verbs = verbs(lang);
    let according = according(lang);
    if verbs.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let is_verb = |k: usize| verbs.contains(&lower_of(k));
    let para_of = |k: usize| {
        doc.paragraphs
            .iter()
            .find(|p| p.contains(&k))
            .cloned()
            .unwrap_or(k..k + 1)
    };
    for &(o, c) in &doc.quotes {
        if c <= o + 1 {
            continue;
        }
        let para = para_of(o);
        // after the closing mark: `”, sagte Merkel` / `», a déclaré le ministre` / `」他说`
        let mut found = None;
        for k in c + 1..(c + 6).min(para.end) {
            let t = &doc.toks[k];
            if matches!(t.mark, Mark::Stop | Mark::Open) {
                break;
            }
            if is_verb(k) {
                let source = source_after(doc, lang, lower_of, k + 1, &para)
                    .or_else(|| words_between(doc, c + 1, k));
                found = Some(TokenAttribution {
                    cue: k..k + 1,
                    content: o..c + 1,
                    source,
                });
                break;
            }
        }
        // before the opening mark: `Merkel sagte: „…“`
        if found.is_none() && o > para.start {
            let mut sep = false;
            for k in (o.saturating_sub(8).max(para.start)..o).rev() {
                let t = &doc.toks[k];
                if matches!(t.mark, Mark::Stop | Mark::Close) {
                    break;
                }
                sep |= matches!(t.mark, Mark::Colon | Mark::Comma);
                if is_verb(k) && (sep || lang == "zho") {
                    found = Some(TokenAttribution {
                        cue: k..k + 1,
                        content: o..c + 1,
                        source: source_before(doc, lang, lower_of, k, &para),
                    });
                    break;
                }
            }
        }
        out.extend(found);
    }
    // `according to X, …` and `…, according to X`
    for (k, t) in doc.toks.iter().enumerate() {
        let Some(&(_, second)) = according.iter().find(|(a, _)| *a == lower_of(k)) else {
            continue;
        };
        let mut cue = k..k + 1;
        if !second.is_empty() {
            if k + 1 >= doc.toks.len() || lower_of(k + 1) != second {
                continue;
            }
            cue.end = k + 2;
        }
        let para = para_of(k);
        // its sentence
        let (mut s0, mut s1) = (para.start, para.end);
        while s0 < k && doc.toks[s0].sentence != t.sentence {
            s0 += 1;
        }
        while s1 > cue.end && doc.toks[s1 - 1].sentence != t.sentence {
            s1 -= 1;
        }
        // the source runs to the next punctuation: a comma when the phrase opens its sentence
        // (`Selon la police, …`), the sentence's end when it closes it (`…, selon la police.`)
        let mut e = cue.end;
        while e < s1 && e < cue.end + 10 && doc.toks[e].mark == Mark::None {
            e += 1;
        }
        let Some(start) = source_after(doc, lang, lower_of, cue.end, &para) else {
            continue;
        };
        // a tagged language's source stops where its noun phrase does (`laut der
        // US-Statistikbehörde | nur 11 Prozent …`)
        let end = noun_phrase_end(doc, start.start, e.max(start.end));
        let source = start.start..end;
        let opens = k == s0 || (k == s0 + 1 && doc.toks[s0].mark != Mark::None);
        let content = if opens {
            // German puts the verb straight after the phrase (`Laut X ist …`); elsewhere a
            // comma follows it
            let e = if lang == "deu" && end < e { end } else { e };
            if e >= s1 || (doc.toks[e].mark != Mark::Comma && !(lang == "deu" && e == end)) {
                continue;
            }
            let mut a = e;
            while a < s1 && doc.toks[a].mark != Mark::None {
                a += 1;
            }
            a..s1
        } else {
            // what comes before, without the comma that joins them
            let mut z = k;
            while z > s0 && doc.toks[z - 1].mark != Mark::None {
                z -= 1;
            }
            s0..z
        };
        if content.len() >= 3
            && !out
                .iter()
                .any(|a: &TokenAttribution| overlaps(&a.content, &content))
        {
            out.push(TokenAttribution {
                cue,
                content,
                source: Some(source),
            });
        }
    }
    out.sort_by_key(|a| (a.content.start, a.cue.start));
    out
}

/// Where the noun phrase from `a` ends, before `limit`: determiners, adjectives, nouns, names,
/// numbers, and an adposition that joins two of them (`le président du conseil`). Without
/// parts of speech (a language without a tagger), `limit`.
fn noun_phrase_end(doc: &Doc, a: usize, limit: usize) -> usize {
    use crate::pos::{ADJ, ADP, DET, NOUN, NUM, PROPN};
    if doc.toks[a..limit].iter().any(|t| t.pos == u8::MAX) {
        return limit;
    }
    let mut e = a;
    while e < limit {
        let p = doc.toks[e].pos;
        let joins = p == ADP
            && e > a
            && doc
                .toks
                .get(e + 1)
                .is_some_and(|n| e + 1 < limit && matches!(n.pos, DET | NOUN | PROPN | ADJ));
        if matches!(p, DET | ADJ | NOUN | PROPN | NUM) || joins {
            e += 1;
        } else {
            break;
        }
    }
    if e > a { e } else { limit }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// A name (a run of entity tokens) or a pronoun starting at `k`, or a noun phrase that starts
/// with an article or possessive (`le ministre`), up to the next punctuation; in Chinese a
/// short run of words, in Russian capitalised words.
fn source_after<'s>(
    doc: &Doc,
    lang: &str,
    lower_of: &impl Fn(usize) -> &'s str,
    k: usize,
    para: &Range<usize>,
) -> Option<Range<usize>> {
    if k >= para.end {
        return None;
    }
    if pronoun(lang, lower_of(k)) {
        return Some(k..k + 1);
    }
    let mut e = k;
    while e < para.end && e < k + 5 && doc.toks[e].mark == Mark::None {
        e += 1;
    }
    // keep a name's tokens only, when one is there
    let named: Vec<usize> = (k..e)
        .filter(|&j| matches!(doc.toks[j].ent, 1 | 2))
        .collect();
    match (named.first(), named.last()) {
        (Some(&a), Some(&b)) => Some(a..b + 1),
        _ if e == k => None,
        _ if determiner(lang, lower_of(k)) => Some(k..e),
        _ if lang == "zho" && e <= k + 3 => Some(k..e),
        _ if lang == "rus" && doc.toks[k].cap => {
            let mut c = k;
            while c < e && doc.toks[c].cap {
                c += 1;
            }
            Some(k..c)
        }
        _ => None,
    }
}

/// The name or pronoun just before the verb at `k`.
fn source_before<'s>(
    doc: &Doc,
    lang: &str,
    lower_of: &impl Fn(usize) -> &'s str,
    k: usize,
    para: &Range<usize>,
) -> Option<Range<usize>> {
    if k == para.start {
        return None;
    }
    if pronoun(lang, lower_of(k - 1)) {
        return Some(k - 1..k);
    }
    let mut a = k;
    while a > para.start && a + 5 > k && doc.toks[a - 1].mark == Mark::None {
        a -= 1;
    }
    let named: Vec<usize> = (a..k)
        .filter(|&j| matches!(doc.toks[j].ent, 1 | 2))
        .collect();
    match (named.first(), named.last()) {
        (Some(&x), Some(&y)) => Some(x..y + 1),
        _ => (k > a).then_some(a..k),
    }
}

/// The words between a closing mark and a verb (`”, Merkel sagte`), when any.
fn words_between(doc: &Doc, a: usize, b: usize) -> Option<Range<usize>> {
    let words: Vec<usize> = (a..b).filter(|&j| doc.toks[j].mark == Mark::None).collect();
    Some(*words.first()?..*words.last()? + 1)
}
