//! Normalize: the matching form of a piece of text.
//!
//! Takes a slice of the ORIGINAL decoded text (usually one token); gives its matching form:
//! Unicode NFC, typographic quotes, apostrophes, dashes and unusual spaces folded to their
//! ASCII counterparts, and (with [`lower`]) lower-cased. The original text is never rewritten:
//! tokens keep their offsets into it, and only their `lower`/`stem` columns use this form, so
//! `China’s` and `China's` count as the same word while `tokens.csv` still slices the source.

use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The ASCII stand-in for a typographic character, or the character itself.
#[inline]
pub fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
        _ => c,
    }
}

#[inline]
fn needs_fold(c: char) -> bool {
    fold_char(c) != c
}

/// NFC plus the character folding of [`fold_char`]. Borrows when nothing changes (all ASCII
/// text, the common case).
pub fn normalize(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let nfc = is_nfc_quick(s.chars()) == IsNormalized::Yes;
    let fold = s.chars().any(needs_fold);
    match (nfc, fold) {
        (true, false) => Cow::Borrowed(s),
        (true, true) => Cow::Owned(s.chars().map(fold_char).collect()),
        (false, _) => Cow::Owned(s.nfc().map(fold_char).collect()),
    }
}

/// The lower-cased matching form: [`normalize`] then Unicode lower case.
pub fn lower(s: &str) -> String {
    let n = normalize(s);
    if n.is_ascii() {
        n.to_ascii_lowercase()
    } else {
        n.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, normalized: &str, lowered: &str) {
        assert_eq!(normalize(input), normalized, "normalize({input:?})");
        assert_eq!(lower(input), lowered, "lower({input:?})");
    }

    #[test]
    fn folding() {
        check("plain", "plain", "plain");
        check("China’s", "China's", "china's");
        check("“Quoted”", "\"Quoted\"", "\"quoted\"");
        check("2010–2012", "2010-2012", "2010-2012");
        check("e\u{301}té", "été", "été");
        check("ÉTÉ", "ÉTÉ", "été");
        check("a\u{00A0}b", "a b", "a b");
        check("İstanbul", "İstanbul", "i̇stanbul");
    }

    #[test]
    fn borrows_when_unchanged() {
        assert!(matches!(normalize("ascii only"), Cow::Borrowed(_)));
        assert!(matches!(normalize("Zürich"), Cow::Borrowed(_)));
        assert!(matches!(normalize("Zu\u{308}rich"), Cow::Owned(_)));
    }
}
