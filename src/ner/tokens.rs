//! NER tokens: the segmenter's tokens, re-cut where CoNLL-style entity boundaries need it.
//!
//! newslens keeps `China’s` as one token (the UD/EWT convention); CoNLL annotates `China` and
//! tokenizes the possessive apart (`China 's`). The tagger therefore sees `China’s` as `China` +
//! `’s` (and contractions as CoNLL writes them: `I` `'m`, `do` `n't`), and a free-standing
//! `'s` (as in CoNLL text, `Germany 's`, which the segmenter cuts into `'` and `s`) as one token
//! `'s`. Words made only of Han characters (Chinese words, Japanese kanji compounds) are cut
//! into their characters: entity boundaries fall inside jieba's words (`部长陈一新在`), so the
//! tagger decides per character and learns the word it came from as a feature
//! ([`NerToken::han`]). Offsets stay byte offsets into the original text.

use crate::segment::{Segmentation, TokenKind};

/// One token as the tagger sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NerToken {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// What it is.
    pub kind: TokenKind,
    /// Index of its sentence.
    pub sentence: u32,
    /// For a Han character cut out of a segmenter word, its place in that word: 1 first,
    /// 2 inside, 3 last, 4 a word of one character ([`HAN_BEGIN`] …); 0 for every other token.
    pub han: u8,
}

/// [`NerToken::han`]: the first character of a word of several.
pub const HAN_BEGIN: u8 = 1;
/// [`NerToken::han`]: a character inside a word.
pub const HAN_INSIDE: u8 = 2;
/// [`NerToken::han`]: the last character of a word of several.
pub const HAN_END: u8 = 3;
/// [`NerToken::han`]: a word of one Han character.
pub const HAN_SINGLE: u8 = 4;

/// Pushes a word of Han characters as one token per character, each with its place.
fn han_characters(text: &str, start: usize, end: usize, sentence: u32, out: &mut Vec<NerToken>) {
    let word = &text[start..end];
    let n = word.chars().count();
    for (k, (b, c)) in word.char_indices().enumerate() {
        let han = match (k, n) {
            (_, 1) => HAN_SINGLE,
            (0, _) => HAN_BEGIN,
            (k, n) if k + 1 == n => HAN_END,
            _ => HAN_INSIDE,
        };
        out.push(NerToken {
            start: start + b,
            end: start + b + c.len_utf8(),
            kind: TokenKind::Word,
            sentence,
            han,
        });
    }
}

fn is_apostrophe(s: &str) -> bool {
    matches!(s, "'" | "’")
}

/// Clitics that follow an apostrophe: `'s`, `'re`, `'ve`, `'ll`, `'d`, `'m`.
fn is_clitic(s: &str) -> bool {
    matches!(
        s,
        "s" | "S" | "re" | "RE" | "ve" | "VE" | "ll" | "LL" | "d" | "D" | "m" | "M"
    )
}

/// Where a possessive or contraction splits off, CoNLL (Penn Treebank) style: `China’s` →
/// `China` `’s`, `I'm` → `I` `'m`, `don't` → `do` `n't`.
fn clitic_cut(s: &str) -> Option<usize> {
    if !s.contains(['\'', '’']) {
        return None;
    }
    let lower = s.to_lowercase();
    let base_len = ["n't", "n’t"]
        .iter()
        .find(|c| lower.ends_with(*c))
        .map(|c| s.len() - c.len())
        .or_else(|| {
            let apo = s.rfind(['\'', '’'])?;
            let clitic = &s[apo..];
            let rest = clitic.trim_start_matches(['\'', '’']);
            is_clitic(rest).then_some(apo)
        })?;
    let last = s[..base_len].chars().next_back()?;
    (last.is_alphanumeric() || last == '.').then_some(base_len)
}

/// The tagger's tokens of one segmented text.
pub fn ner_tokens(text: &str, seg: &Segmentation) -> Vec<NerToken> {
    let toks = &seg.tokens;
    let mut out = Vec::with_capacity(toks.len() + toks.len() / 32);
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let s = &text[t.start..t.end];
        if t.kind == TokenKind::Punct
            && is_apostrophe(s)
            && i + 1 < toks.len()
            && toks[i + 1].start == t.end
            && toks[i + 1].kind == TokenKind::Word
            && is_clitic(&text[toks[i + 1].start..toks[i + 1].end])
            && (i == 0 || toks[i - 1].end < t.start || toks[i - 1].kind == TokenKind::Word)
        {
            out.push(NerToken {
                start: t.start,
                end: toks[i + 1].end,
                kind: TokenKind::Word,
                sentence: t.sentence,
                han: 0,
            });
            i += 2;
            continue;
        }
        if t.kind == TokenKind::Word
            && let Some(cut) = clitic_cut(s)
        {
            out.push(NerToken {
                start: t.start,
                end: t.start + cut,
                kind: TokenKind::Word,
                sentence: t.sentence,
                han: 0,
            });
            out.push(NerToken {
                start: t.start + cut,
                end: t.end,
                kind: TokenKind::Word,
                sentence: t.sentence,
                han: 0,
            });
            i += 1;
            continue;
        }
        if t.kind == TokenKind::Word && s.chars().all(crate::segment::is_han) {
            han_characters(text, t.start, t.end, t.sentence, &mut out);
            i += 1;
            continue;
        }
        out.push(NerToken {
            start: t.start,
            end: t.end,
            kind: t.kind,
            sentence: t.sentence,
            han: 0,
        });
        i += 1;
    }
    out
}

/// Token index ranges of each sentence, in order.
pub fn sentence_ranges(toks: &[NerToken]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut first = 0;
    for i in 1..=toks.len() {
        if i == toks.len() || toks[i].sentence != toks[first].sentence {
            if i > first {
                out.push(first..i);
            }
            first = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> Vec<&str> {
        let seg = crate::segment::segment(text, "eng");
        ner_tokens(text, &seg)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect()
    }

    #[test]
    fn possessives_and_clitics() {
        for (text, want) in [
            ("China’s spy agency", vec!["China", "’s", "spy", "agency"]),
            (
                "Germany 's representative",
                vec!["Germany", "'s", "representative"],
            ),
            ("the U.S.'s role", vec!["the", "U.S.", "'s", "role"]),
            ("O'Neill said", vec!["O'Neill", "said"]),
            ("people’s devices", vec!["people", "’s", "devices"]),
            ("it ' s", vec!["it", "'", "s"]),
            (
                "I'm sure we don't",
                vec!["I", "'m", "sure", "we", "do", "n't"],
            ),
            (
                "They’re here, we'll see",
                vec!["They", "’re", "here", ",", "we", "'ll", "see"],
            ),
            ("do n't", vec!["do", "n't"]),
            ("D'Alema", vec!["D'Alema"]),
            (
                "the Party [CCP] (MSS)",
                vec!["the", "Party", "[", "CCP", "]", "(", "MSS", ")"],
            ),
            ("U.S.-China ties", vec!["U.S.-China", "ties"]),
        ] {
            assert_eq!(render(text), want, "{text:?}");
        }
    }

    #[test]
    fn chinese_words_are_cut_into_characters() {
        let text = "国家安全部呼吁公民。";
        let seg = crate::segment::segment(text, "zho");
        let toks = ner_tokens(text, &seg);
        let got: Vec<(&str, u8)> = toks
            .iter()
            .map(|t| (&text[t.start..t.end], t.han))
            .collect();
        assert_eq!(
            got,
            [
                ("国", 1),
                ("家", 2),
                ("安", 2),
                ("全", 2),
                ("部", 3),
                ("呼", 1),
                ("吁", 3),
                ("公", 1),
                ("民", 3),
                ("。", 0)
            ]
        );
    }

    #[test]
    fn sentences() {
        let text = "One two. Three.";
        let seg = crate::segment::segment(text, "eng");
        let toks = ner_tokens(text, &seg);
        assert_eq!(sentence_ranges(&toks), vec![0..3, 3..5]);
        assert!(sentence_ranges(&[]).is_empty());
    }
}
