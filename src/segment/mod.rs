//! Segment: sentences and tokens.
//!
//! Takes the decoded text of one document and its language (ISO 639-3, for the abbreviation and
//! ordinal rules); gives tokens (byte offsets into the ORIGINAL text, a [`TokenKind`], the index
//! of their sentence) and sentences (byte spans from their first token's start to their last
//! token's end). Word and sentence boundaries come from Unicode UAX #29 (`unicode-segmentation`)
//! with the repairs news text needs:
//!
//! - URLs, e-mail addresses, @handles and #hashtags are found first and stay one token;
//! - in Chinese documents, runs of Han characters are split into words by jieba, in Japanese
//!   documents runs of Han and kana by TinySegmenter's model (`japanese.rs`; UAX #29 would make
//!   every character a word);
//! - hyphenated words (`counter-espionage`, `COVID-19`, `2-1`) stay one token;
//! - abbreviations keep their period (`U.S.`, `Mr.`, `Aug.`, `Inc.`, `No. 3`, initials `J.`) and
//!   do not end a sentence unless a capitalised function word follows (`in the U.S. The ...`);
//! - German-style ordinals (`2. August`) stay one token and do not end a sentence;
//! - a `?`/`!` followed by a lower-case word (`"Why?" he asked`) does not end a sentence;
//! - a single line break inside a sentence (hard-wrapped text) does not end it; a line break
//!   after a heading or before a capitalised line does.
//!
//! Numbers keep their separators (`100,000`, `3.5`); currency and percent signs are tokens of
//! their own (`$` `1.2` `billion`, `3.5` `%`), as in Universal Dependencies. Does no I/O and
//! cannot fail.

mod japanese;
mod japanese_model;
pub(crate) mod simplified;

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenKind {
    /// Contains at least one letter: `word`, `U.S.`, `COVID-19`, `China’s`.
    Word,
    /// Digits with their separators: `2023`, `100,000`, `3.5`, `2-1`.
    Number,
    /// Punctuation: `.`, `,`, `“`, `(`, `—`.
    Punct,
    /// Anything else: `$`, `€`, `+`, emoji.
    Symbol,
    /// `https://example.com/a?b=c`, `www.example.org`.
    Url,
    /// `name@example.com`.
    Email,
    /// `@handle`.
    Handle,
    /// `#hashtag`.
    Hashtag,
}

impl TokenKind {
    /// The lower-case name written to `tokens.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Word => "word",
            TokenKind::Number => "number",
            TokenKind::Punct => "punct",
            TokenKind::Symbol => "symbol",
            TokenKind::Url => "url",
            TokenKind::Email => "email",
            TokenKind::Handle => "handle",
            TokenKind::Hashtag => "hashtag",
        }
    }
}

/// One token: a byte span of the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// What it is.
    pub kind: TokenKind,
    /// Index of its sentence.
    pub sentence: u32,
}

/// One sentence: the span from its first token to its last, and the range of its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Byte offset of the first token's start.
    pub start: usize,
    /// Byte offset of the last token's end.
    pub end: usize,
    /// Indices into [`Segmentation::tokens`].
    pub tokens: Range<usize>,
}

/// The sentences and tokens of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segmentation {
    /// All tokens in text order; white space is not a token.
    pub tokens: Vec<Token>,
    /// Sentences in text order; together they cover every token exactly once.
    pub sentences: Vec<Sentence>,
}

/// Splits `text` into sentences and tokens. `lang` is an ISO 639-3 code (or `und`).
pub fn segment(text: &str, lang: &str) -> Segmentation {
    let mut tokens = tokenize(text, lang);
    let breaks = sentence_breaks(text, &tokens, lang);
    let mut sentences = Vec::with_capacity(breaks.len() + 1);
    let mut first = 0;
    for &b in breaks.iter().chain(std::iter::once(&tokens.len())) {
        if b > first {
            let index = sentences.len() as u32;
            for t in &mut tokens[first..b] {
                t.sentence = index;
            }
            sentences.push(Sentence {
                start: tokens[first].start,
                end: tokens[b - 1].end,
                tokens: first..b,
            });
            first = b;
        }
    }
    Segmentation { tokens, sentences }
}

/// Splits `text` into sentences and tokens part by part, each part (consecutive byte ranges
/// covering the text) with its own language: a mixed-language document's paragraphs. A sentence
/// never crosses from one part into the next.
pub fn segment_parts(text: &str, parts: &[(Range<usize>, &str)]) -> Segmentation {
    let mut out = Segmentation::default();
    for (range, lang) in parts {
        let seg = segment(&text[range.clone()], lang);
        let (t0, s0) = (out.tokens.len(), out.sentences.len() as u32);
        out.tokens.extend(seg.tokens.into_iter().map(|t| Token {
            start: t.start + range.start,
            end: t.end + range.start,
            sentence: t.sentence + s0,
            ..t
        }));
        out.sentences
            .extend(seg.sentences.into_iter().map(|s| Sentence {
                start: s.start + range.start,
                end: s.end + range.start,
                tokens: s.tokens.start + t0..s.tokens.end + t0,
            }));
    }
    out
}

/// Tokens of `text` (sentence indices left at 0).
pub fn tokenize(text: &str, lang: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let rules = &Rules::for_language(lang);
    let mut chunk_start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || (c.is_control() && c != '\u{200D}') {
            if let Some(s) = chunk_start.take() {
                chunk(text, s, i, rules, &mut out);
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
    if let Some(s) = chunk_start {
        chunk(text, s, text.len(), rules, &mut out);
    }
    out
}

fn push(out: &mut Vec<Token>, start: usize, end: usize, kind: TokenKind) {
    out.push(Token {
        start,
        end,
        kind,
        sentence: 0,
    });
}

/// Han characters (CJK unified ideographs and their extensions, compatibility ideographs, 〇).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2EBEF | 0xF900..=0xFAFF | 0x3007)
}

/// The Chinese word segmenter (jieba with its embedded dictionary), loaded on first use.
fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: std::sync::OnceLock<jieba_rs::Jieba> = std::sync::OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

/// jieba's part-of-speech tag for a word its dictionary lists (`nr` a person's name, `ns` a
/// place, `nt` an organisation, `n` a noun, …), or `None` for a word it does not list.
pub fn jieba_word_tag(word: &str) -> Option<String> {
    let j = jieba();
    if !j.has_word(word) {
        return None;
    }
    match j.tag(word, false).as_slice() {
        [one] => Some(one.tag.to_string()),
        _ => None,
    }
}

/// One run of text without white space. In Chinese text, runs of Han characters are split
/// into words by jieba, in Japanese text runs of Han and kana by TinySegmenter's model (UAX #29
/// would make every character a word); the rest goes on below.
fn chunk(text: &str, s: usize, e: usize, rules: &Rules, out: &mut Vec<Token>) {
    let in_run: fn(char) -> bool = if rules.chinese {
        is_han
    } else if rules.japanese {
        is_japanese
    } else {
        return chunk_plain(text, s, e, rules, out);
    };
    if !text[s..e].chars().any(in_run) {
        return chunk_plain(text, s, e, rules, out);
    }
    // The Japanese model reads the whole chunk: digits, Latin letters and punctuation are
    // context it was trained with (`10日早く` splits after `日` only when it sees the digits).
    // Its cuts inside each run of Japanese letters are kept.
    let mut cuts = Vec::new();
    if rules.japanese {
        japanese::words(&text[s..e], |a, _| cuts.push(s + a));
    }
    let words = |h: usize, i: usize, out: &mut Vec<Token>| {
        if rules.japanese {
            japanese_words(&cuts, h, i, out)
        } else {
            han_words(text, h, i, out)
        }
    };
    let mut run_start = s;
    let mut cjk_run = None;
    for (i, c) in text[s..e].char_indices().map(|(i, c)| (s + i, c)) {
        match (in_run(c), cjk_run) {
            (true, None) => {
                chunk_plain(text, run_start, i, rules, out);
                cjk_run = Some(i);
            }
            (false, Some(h)) => {
                words(h, i, out);
                cjk_run = None;
                run_start = i;
            }
            _ => {}
        }
    }
    match cjk_run {
        Some(h) => words(h, e, out),
        None => chunk_plain(text, run_start, e, rules, out),
    }
}

/// Han characters, hiragana, katakana (full and half width), the prolonged sound mark and the
/// iteration marks: the letters of Japanese words.
fn is_japanese(c: char) -> bool {
    is_han(c)
        || matches!(c as u32, 0x3041..=0x309F | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F | 0x3005)
}

/// Words of the run `s..e` of Japanese letters: the run cut where TinySegmenter's model (see
/// [`japanese`]) cut its chunk (`cuts`, ascending byte offsets).
fn japanese_words(cuts: &[usize], s: usize, e: usize, out: &mut Vec<Token>) {
    let mut a = s;
    let first = cuts.partition_point(|&c| c <= s);
    for &c in cuts[first..].iter().take_while(|&&c| c < e) {
        push(out, a, c, TokenKind::Word);
        a = c;
    }
    push(out, a, e, TokenKind::Word);
}

/// Words of a run of Han characters. jieba's dictionary is in simplified characters, so
/// traditional text is segmented through its character-by-character simplified form
/// ([`simplified`]), which has the same byte length, so offsets carry over unchanged.
fn han_words(text: &str, s: usize, e: usize, out: &mut Vec<Token>) {
    let run = &text[s..e];
    let simplified = simplified::simplified(run);
    let source = if simplified.len() == run.len() {
        simplified.as_str()
    } else {
        run
    };
    for w in jieba().cut(source, true) {
        let (a, b) = (s + w.byte_start, s + w.byte_end);
        // numeral or demonstrative + measure word (一個, 這種, 兩位) are two words, as in the
        // Chinese Treebank and Universal Dependencies guidelines
        let mut chars = w.word.chars();
        if let (Some(first), Some(second), None) = (chars.next(), chars.next(), chars.next())
            && NUMERALS_DEMONSTRATIVES.contains(first)
            && MEASURE_WORDS.contains(second)
        {
            let cut = a + first.len_utf8();
            push(out, a, cut, TokenKind::Word);
            push(out, cut, b, TokenKind::Word);
        } else {
            push(out, a, b, TokenKind::Word);
        }
    }
}

/// Chinese numerals and demonstratives that combine with a measure word (simplified forms:
/// segmentation runs on simplified text).
const NUMERALS_DEMONSTRATIVES: &str = "一二三四五六七八九十百千万两几这那哪每某该各";
/// Common Chinese measure words (simplified).
const MEASURE_WORDS: &str =
    "个种位次件名家条张本只些场项份辆架座部批则篇首句段样岁届层份片群支枚颗";

/// One run of text without white space: find the special tokens, UAX #29 for the rest.
fn chunk_plain(text: &str, s: usize, e: usize, rules: &Rules, out: &mut Vec<Token>) {
    if s >= e {
        return;
    }
    let bytes = &text.as_bytes()[s..e];
    if bytes.iter().all(u8::is_ascii_alphanumeric) {
        let kind = if bytes.iter().any(u8::is_ascii_alphabetic) {
            TokenKind::Word
        } else {
            TokenKind::Number
        };
        push(out, s, e, kind);
        return;
    }
    let maybe_special = bytes
        .iter()
        .any(|&b| b == b'@' || b == b'#' || b == b':' || b == b'w' || b == b'W');
    if !maybe_special {
        plain(text, s, e, rules, out);
        return;
    }
    let mut plain_start = s;
    let mut p = s;
    let mut prev: Option<char> = None;
    while p < e {
        if let Some((end, kind)) = special_at(text, p, e, prev) {
            plain(text, plain_start, p, rules, out);
            push(out, p, end, kind);
            p = end;
            plain_start = end;
            prev = text[..end].chars().next_back();
            continue;
        }
        let c = text[p..].chars().next().unwrap_or(' ');
        prev = Some(c);
        p += c.len_utf8();
    }
    plain(text, plain_start, e, rules, out);
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_email_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// A URL, e-mail, handle or hashtag starting at byte `p` (before `e`), given the char before.
fn special_at(text: &str, p: usize, e: usize, prev: Option<char>) -> Option<(usize, TokenKind)> {
    let rest = &text[p..e];
    let b = rest.as_bytes();
    let after_boundary = prev.is_none_or(|c| !is_word_char(c) && c != '/' && c != '.');
    if after_boundary && (starts_with_ci(b, b"http://") || starts_with_ci(b, b"https://")) {
        let end = trim_url(rest);
        if end > rest.find("://").unwrap_or(0) + 4 {
            return Some((p + end, TokenKind::Url));
        }
    }
    if after_boundary
        && starts_with_ci(b, b"www.")
        && b.get(4).is_some_and(u8::is_ascii_alphanumeric)
    {
        return Some((p + trim_url(rest), TokenKind::Url));
    }
    match b[0] {
        b'@' if prev.is_none_or(|c| !is_word_char(c)) => {
            let n = word_run(&rest[1..]);
            (n > 0).then_some((p + 1 + n, TokenKind::Handle))
        }
        b'#' if prev.is_none_or(|c| !is_word_char(c)) => {
            let n = word_run(&rest[1..]);
            let tag = &rest[1..1 + n];
            (n > 0 && tag.chars().any(char::is_alphabetic))
                .then_some((p + 1 + n, TokenKind::Hashtag))
        }
        c if (c as char).is_ascii_alphanumeric() && prev.is_none_or(|c| !is_email_local(c)) => {
            email_len(rest).map(|n| (p + n, TokenKind::Email))
        }
        _ => None,
    }
}

fn starts_with_ci(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn word_run(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(s.len(), |(i, _)| i)
}

/// Length of a URL at the start of `s` (no white space inside): trailing punctuation that
/// belongs to the sentence is left out, a closing bracket only when the URL has no opening one.
fn trim_url(s: &str) -> usize {
    // bracket balance of the whole candidate, updated as characters are stripped (linear)
    let mut parens = s.matches('(').count() as isize - s.matches(')').count() as isize;
    let mut brackets = s.matches('[').count() as isize - s.matches(']').count() as isize;
    let mut end = s.len();
    while let Some(c) = s[..end].chars().next_back() {
        let strip = match c {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '”' | '’' | '»' | '>' => true,
            ')' => parens < 0,
            ']' => brackets < 0,
            _ => false,
        };
        if !strip {
            break;
        }
        match c {
            ')' => parens += 1,
            ']' => brackets += 1,
            _ => {}
        }
        end -= c.len_utf8();
    }
    end
}

/// Length of `local@domain.tld` at the start of `s`, if there is one.
fn email_len(s: &str) -> Option<usize> {
    let at = s.find(|c: char| !is_email_local(c))?;
    if s.as_bytes()[at] != b'@' || at == 0 {
        return None;
    }
    let domain = &s[at + 1..];
    let mut n = domain
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .unwrap_or(domain.len());
    while n > 0 && matches!(domain.as_bytes()[n - 1], b'.' | b'-') {
        n -= 1;
    }
    let d = &domain[..n];
    let tld = d.rsplit('.').next()?;
    (d.contains('.') && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        .then_some(at + 1 + n)
}

/// Text between special tokens: UAX #29 word segments, then the merges for abbreviations,
/// hyphenated words and ordinals.
fn plain(text: &str, s: usize, e: usize, rules: &Rules, out: &mut Vec<Token>) {
    if s >= e {
        return;
    }
    let mut segs: Vec<(usize, usize, TokenKind)> = Vec::new();
    for (i, w) in text[s..e].split_word_bound_indices() {
        let (a, b) = (s + i, s + i + w.len());
        let kind = classify(w);
        // runs of punctuation: `...`, `!!!`, `?!`, `--`, `**`
        if kind == TokenKind::Punct
            && let Some(last) = segs.last_mut()
            && last.2 == TokenKind::Punct
            && last.1 == a
            && punct_run(&text[last.0..last.1], w)
        {
            last.1 = b;
            continue;
        }
        // elision: French l'état, qu'il; Italian dell'anno
        if kind == TokenKind::Word
            && let Some(cut) = rules.elision(w)
        {
            segs.push((a, a + cut, TokenKind::Word));
            segs.push((a + cut, b, classify(&w[cut..])));
            continue;
        }
        segs.push((a, b, kind));
    }
    let ordinal_dots = rules.ordinal_dots;
    let mut k = 0;
    while k < segs.len() {
        let (a, mut b, mut kind) = segs[k];
        k += 1;
        loop {
            // word-word, word-number: one hyphenated token
            if matches!(kind, TokenKind::Word | TokenKind::Number)
                && k + 1 < segs.len()
                && is_hyphen(&text[segs[k].0..segs[k].1])
                && matches!(segs[k + 1].2, TokenKind::Word | TokenKind::Number)
            {
                if segs[k + 1].2 == TokenKind::Word {
                    kind = TokenKind::Word;
                }
                b = segs[k + 1].1;
                k += 2;
                continue;
            }
            // dates and fractions: 01/24/2001, 1/2
            if kind == TokenKind::Number
                && k + 1 < segs.len()
                && &text[segs[k].0..segs[k].1] == "/"
                && segs[k + 1].2 == TokenKind::Number
            {
                b = segs[k + 1].1;
                k += 2;
                continue;
            }
            // abbreviation or ordinal: keep the period
            if k < segs.len() && &text[segs[k].0..segs[k].1] == "." {
                let keep = match kind {
                    TokenKind::Word => is_abbreviation(&text[a..b], text, segs[k].1, rules),
                    TokenKind::Number => ordinal_dots && is_ordinal(&text[a..b], text, segs[k].1),
                    _ => false,
                };
                if keep {
                    b = segs[k].1;
                    k += 1;
                    if k < segs.len() && is_hyphen(&text[segs[k].0..segs[k].1]) {
                        continue;
                    }
                }
            }
            break;
        }
        push(out, a, b, kind);
    }
}

/// Whether punctuation `next` continues the run `run`: the same character repeated, or a mix
/// of sentence-final marks (`?!`, `.?`).
fn punct_run(run: &str, next: &str) -> bool {
    let mut chars = next.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    // O(1) per step: a run holding a non-terminal mark was built by repeating it, and a run
    // starting with a terminal mark holds only terminal marks
    let terminal = |c: char| matches!(c, '.' | '!' | '?');
    let first = run.chars().next();
    let same = first == Some(c)
        && run.ends_with(c)
        && matches!(
            c,
            '.' | '!' | '?' | '-' | '*' | '=' | '_' | '~' | '#' | '/' | '+'
        );
    same || (terminal(c) && first.is_some_and(terminal))
}

/// Language-specific tokenization rules.
pub struct Rules {
    /// Ordinals are written with a period (`2. August`).
    ordinal_dots: bool,
    /// Elided words split off at their apostrophe, lower case, without the apostrophe.
    elisions: &'static [&'static str],
    /// Han text is split into words by a dictionary segmenter.
    chinese: bool,
    /// Han and kana text is split into words by a Japanese segmenter.
    japanese: bool,
}

/// French elided articles, pronouns and conjunctions.
const FRENCH_ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
];
/// Italian elided articles and articulated prepositions.
const ITALIAN_ELISIONS: &[&str] = &[
    "l", "un", "d", "c", "dell", "all", "dall", "nell", "sull", "coll", "quell", "quest", "bell",
    "sant", "tutt", "v", "m", "t", "s", "n",
];
/// Catalan elided articles and prepositions.
const CATALAN_ELISIONS: &[&str] = &["l", "d", "m", "t", "s", "n"];

impl Rules {
    /// The rules of an ISO 639-3 language.
    pub fn for_language(lang: &str) -> Rules {
        Rules {
            ordinal_dots: ORDINAL_DOT_LANGS.contains(&lang),
            elisions: match lang {
                "fra" => FRENCH_ELISIONS,
                "ita" => ITALIAN_ELISIONS,
                "cat" => CATALAN_ELISIONS,
                _ => &[],
            },
            chinese: lang == "zho",
            japanese: lang == "jpn",
        }
    }

    /// Where to split an elided word (`l'état` → 2), if it is one.
    fn elision(&self, word: &str) -> Option<usize> {
        if self.elisions.is_empty() {
            return None;
        }
        let (i, apo) = word.char_indices().find(|&(_, c)| c == '\'' || c == '’')?;
        let cut = i + apo.len_utf8();
        (cut < word.len() && self.elisions.contains(&word[..i].to_lowercase().as_str()))
            .then_some(cut)
    }
}

fn is_hyphen(s: &str) -> bool {
    matches!(s, "-" | "\u{2010}" | "\u{2011}")
}

fn classify(s: &str) -> TokenKind {
    let mut digit = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            return TokenKind::Word;
        }
        digit |= c.is_numeric();
    }
    if digit {
        TokenKind::Number
    } else if s.chars().next().is_some_and(is_punct) {
        TokenKind::Punct
    } else {
        TokenKind::Symbol
    }
}

/// Unicode punctuation (general category P*), near enough for tokens.
pub fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation()
            && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(c,
        '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}'
        | '\u{037E}' | '\u{0387}' | '\u{055A}'..='\u{055F}' | '\u{0589}' | '\u{058A}'
        | '\u{05BE}' | '\u{05C0}' | '\u{05C3}' | '\u{05C6}' | '\u{05F3}' | '\u{05F4}'
        | '\u{0609}' | '\u{060A}' | '\u{060C}' | '\u{060D}' | '\u{061B}' | '\u{061D}'..='\u{061F}'
        | '\u{066A}'..='\u{066D}' | '\u{06D4}' | '\u{0964}' | '\u{0965}' | '\u{0970}'
        | '\u{0E4F}' | '\u{0E5A}' | '\u{0E5B}' | '\u{10FB}' | '\u{1360}'..='\u{1368}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{2043}' | '\u{2045}'..='\u{2051}'
        | '\u{2053}'..='\u{205E}' | '\u{207D}' | '\u{207E}' | '\u{208D}' | '\u{208E}'
        | '\u{2308}'..='\u{230B}' | '\u{2329}' | '\u{232A}' | '\u{2768}'..='\u{2775}'
        | '\u{27C5}' | '\u{27C6}' | '\u{27E6}'..='\u{27EF}' | '\u{2983}'..='\u{2998}'
        | '\u{29D8}'..='\u{29DB}' | '\u{29FC}' | '\u{29FD}' | '\u{2E00}'..='\u{2E4F}'
        | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}'
        | '\u{3030}' | '\u{303D}' | '\u{30A0}' | '\u{30FB}' | '\u{FE10}'..='\u{FE19}'
        | '\u{FE30}'..='\u{FE52}' | '\u{FE54}'..='\u{FE61}' | '\u{FE63}' | '\u{FE68}'
        | '\u{FE6A}' | '\u{FE6B}' | '\u{FF01}'..='\u{FF03}' | '\u{FF05}'..='\u{FF0A}'
        | '\u{FF0C}'..='\u{FF0F}' | '\u{FF1A}' | '\u{FF1B}' | '\u{FF1F}' | '\u{FF20}'
        | '\u{FF3B}'..='\u{FF3D}' | '\u{FF3F}' | '\u{FF5B}' | '\u{FF5D}' | '\u{FF5F}'..='\u{FF65}')
}

/// Languages that write ordinals with a period (`2. August`, `3. maj`).
const ORDINAL_DOT_LANGS: &[&str] = &[
    "deu", "dan", "nob", "nno", "fin", "hun", "ces", "slk", "pol", "hrv", "srp", "slv", "est",
    "lav", "lit", "isl", "tur",
];

/// Abbreviations that keep their period whatever follows (lower case, without the period).
const ABBREVIATIONS: &[&str] = &[
    // titles and ranks
    "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
    "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det", "cpl", "maj", "brig", "st",
    "ste", "jr", "sr", "mme", "mlle", "mm", "sra", "srta", "dra", "hr", "fr", "frau",
    // companies
    "inc", "corp", "co", "ltd", "llc", "plc", "bros", "cie", "gmbh", // months
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "janv",
    "févr", "avr", "juil", "déc", "ene", "dic", "okt", "dez",
    // days (the unambiguous ones)
    "mon", "tue", "tues", "thu", "thur", "thurs", "fri", // other
    "vs", "etc", "approx", "dept", "est", "ave", "blvd", "rd", "mt", "ft", "al", "cf", "ca", "bzw",
    "usw", "vgl", "nr", "str", "ggf", "evtl", "av", "env", "ex", "págs", "pág", "núm", "sres",
    "ud", "uds", "ss", "sig", "tel", "ref", "chr", "mrd", "mio", "jh", "jhd", "bspw", "inkl",
    "zzgl", "abs", "tsd",
];

/// Abbreviations that keep their period only before a number (`No. 3`, `p. 12`).
const NUMBER_ABBREVIATIONS: &[&str] =
    &["no", "nos", "vol", "fig", "p", "pp", "art", "ch", "n", "nº"];

/// Does `word` followed by a period (ending at byte `after`) form an abbreviation?
fn is_abbreviation(word: &str, text: &str, after: usize, rules: &Rules) -> bool {
    if word.contains('.') {
        // U.S, e.g, a.m, Ph.D: short letter groups joined by periods
        return word
            .split('.')
            .all(|p| !p.is_empty() && p.chars().count() <= 2);
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next())
        && c.is_uppercase()
    {
        return true; // an initial: J. Smith
    }
    if word.chars().count() > 6 {
        return false;
    }
    // German `v. Chr.`, `z. B.`, `u. a.`: a lower-case letter before another word
    if rules.ordinal_dots
        && word.len() == 1
        && word.chars().all(char::is_lowercase)
        && text[after..].starts_with(' ')
        && next_char(text, after).is_some_and(char::is_alphabetic)
    {
        return true;
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    NUMBER_ABBREVIATIONS.contains(&lower.as_str())
        && next_char(text, after).is_some_and(|c| c.is_ascii_digit())
}

/// `2.` in `2. August`: one or two digits, a period, then a word (not a line end).
fn is_ordinal(number: &str, text: &str, after: usize) -> bool {
    number.len() <= 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && text[after..].starts_with(' ')
        && next_char(text, after).is_some_and(char::is_alphabetic)
}

/// The first character after byte `pos` that is not a space or tab (None at a line end).
fn next_char(text: &str, pos: usize) -> Option<char> {
    text[pos..]
        .chars()
        .find(|&c| c != ' ' && c != '\t')
        .filter(|c| !matches!(c, '\n' | '\r'))
}

/// Token indices before which a sentence starts (excluding 0), in order.
fn sentence_breaks(text: &str, tokens: &[Token], lang: &str) -> Vec<usize> {
    let lexicon = crate::lexicon::Lexicon::get(lang);
    let mut breaks = Vec::new();
    let mut t = 0;
    for (b, _) in text.split_sentence_bound_indices() {
        if b == 0 {
            continue;
        }
        while t < tokens.len() && tokens[t].end <= b {
            t += 1;
        }
        // `t` is the first token ending after b; break only if it starts at or after b
        if t == 0 || t >= tokens.len() || tokens[t].start < b {
            continue;
        }
        if breaks.last() == Some(&t) {
            continue;
        }
        if keep_break(text, tokens, t, lexicon) {
            breaks.push(t);
        }
    }
    breaks
}

/// Decides whether the UAX #29 break before token `t` stands.
fn keep_break(text: &str, tokens: &[Token], t: usize, lexicon: &crate::lexicon::Lexicon) -> bool {
    let prev = tokens[t - 1];
    let next = tokens[t];
    let gap = &text[prev.end..next.start];
    let prev_text = &text[prev.start..prev.end];
    let next_text = &text[next.start..next.end];
    let next_first = next_text.chars().next().unwrap_or(' ');
    let newlines = gap.matches('\n').count().max(gap.matches('\r').count());
    if newlines >= 2 {
        return true;
    }
    if newlines == 1 {
        // hard-wrapped prose: the line ends inside a sentence and the next starts in lower case
        let prev_open = matches!(prev.kind, TokenKind::Word | TokenKind::Number)
            || matches!(prev_text, "," | ";" | "-" | "(");
        return !(prev_open && next_first.is_lowercase());
    }
    // an abbreviation ends a sentence only before a capitalised function word
    if prev.kind == TokenKind::Word && prev_text.len() > 1 && prev_text.ends_with('.') {
        return starts_sentence(next_text, lexicon);
    }
    if prev.kind == TokenKind::Number && prev_text.ends_with('.') {
        return false; // ordinal
    }
    // `"Why?" he asked.`: ?/! (and closing quotes) before a lower-case word
    if next_first.is_lowercase() {
        let mut i = t;
        while i > 0 && is_closing(&text[tokens[i - 1].start..tokens[i - 1].end]) {
            i -= 1;
        }
        if i > 0
            && text[tokens[i - 1].start..tokens[i - 1].end]
                .chars()
                .all(|c| matches!(c, '?' | '!' | '…' | '.'))
            && &text[tokens[i - 1].start..tokens[i - 1].end] != "."
        {
            return false;
        }
    }
    true
}

fn is_closing(s: &str) -> bool {
    matches!(s, "\"" | "'" | "”" | "’" | "»" | ")" | "]")
}

/// A capitalised function word (The, He, But, In, ...) or a quote opening a new sentence.
fn starts_sentence(word: &str, lexicon: &crate::lexicon::Lexicon) -> bool {
    let first = word.chars().next().unwrap_or(' ');
    if !first.is_uppercase() {
        return matches!(word, "\"" | "“" | "«" | "„");
    }
    let lower = crate::normalize::lower(word);
    lexicon.is_stopword(&lower) || crate::lexicon::Lexicon::get("eng").is_stopword(&lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens as `text/kind`, sentences separated by `|`.
    fn render(text: &str, lang: &str) -> String {
        let seg = segment(text, lang);
        seg.sentences
            .iter()
            .map(|s| {
                seg.tokens[s.tokens.clone()]
                    .iter()
                    .map(|t| {
                        let k = match t.kind {
                            TokenKind::Word => String::new(),
                            other => format!("/{}", other.as_str()),
                        };
                        format!("{}{}", &text[t.start..t.end], k)
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    fn check(text: &str, expected: &str) {
        assert_eq!(render(text, "eng"), expected, "input: {text:?}");
    }

    #[test]
    fn words_and_punctuation() {
        check("Hello, world!", "Hello ,/punct world !/punct");
        check("China’s spy agency", "China’s spy agency");
        check("don't stop", "don't stop");
        check("counter-espionage law", "counter-espionage law");
        check("COVID-19 cases", "COVID-19 cases");
        check("a 30-year-old man", "a 30-year-old man");
        check("(Image: PRC)", "(/punct Image :/punct PRC )/punct");
        check("“normal”", "“/punct normal ”/punct");
    }

    #[test]
    fn numbers() {
        check("100,000 followers", "100,000/number followers");
        check("won 2-1 today", "won 2-1/number today");
        check("rose 3.5% in", "rose 3.5/number %/punct in");
        check("$1.2 billion", "$/symbol 1.2/number billion");
        check("€300 fine", "€/symbol 300/number fine");
    }

    #[test]
    fn special_tokens() {
        check(
            "see https://example.com/a?b=c.",
            "see https://example.com/a?b=c/url ./punct",
        );
        check("(www.example.org)", "(/punct www.example.org/url )/punct");
        check(
            "mail jane.doe@example.co.uk now",
            "mail jane.doe@example.co.uk/email now",
        );
        check(
            "thanks @newslens_bot!",
            "thanks @newslens_bot/handle !/punct",
        );
        check("#MeToo and #2020", "#MeToo/hashtag and #/punct 2020/number");
        check("C# code", "C #/punct code");
        check(
            "http://en.wikipedia.org/wiki/Foo_(bar))",
            "http://en.wikipedia.org/wiki/Foo_(bar)/url )/punct",
        );
    }

    #[test]
    fn abbreviations() {
        check(
            "He met U.S. President Biden.",
            "He met U.S. President Biden ./punct",
        );
        check(
            "On Aug. 1 the MSS spoke.",
            "On Aug. 1/number the MSS spoke ./punct",
        );
        check(
            "Mr. Smith and Gen. Lee of Acme Inc. arrived.",
            "Mr. Smith and Gen. Lee of Acme Inc. arrived ./punct",
        );
        check("Item No. 3 is here.", "Item No. 3/number is here ./punct");
        check(
            "I said no. Then left.",
            "I said no ./punct | Then left ./punct",
        );
        check("John F. Kennedy spoke.", "John F. Kennedy spoke ./punct");
        check(
            "He lives in the U.S. The weather is fine.",
            "He lives in the U.S. | The weather is fine ./punct",
        );
        check("at 3 p.m. Monday", "at 3/number p.m. Monday");
    }

    #[test]
    fn sentences() {
        check(
            "One. Two! Three? Four",
            "One ./punct | Two !/punct | Three ?/punct | Four",
        );
        check(
            "\"Why?\" he asked.",
            "\"/punct Why ?/punct \"/punct he asked ./punct",
        );
        check(
            "Title line\nThe body starts here.",
            "Title line | The body starts here ./punct",
        );
        check(
            "a sentence that is\nwrapped here.",
            "a sentence that is wrapped here ./punct",
        );
        check("First para\n\nsecond para", "First para | second para");
        check("他说。我们走！", "他 说 。/punct | 我 们 走 ！/punct");
        assert_eq!(
            render("国家安全部呼吁公民积极参与反间谍工作。2023年8月1日", "zho"),
            "国家安全部 呼吁 公民 积极参与 反间谍 工作 。/punct | 2023/number 年 8/number 月 1/number 日"
        );
        assert_eq!(
            render("這個國家有兩位部長。", "zho"),
            "這 個 國家 有 兩 位 部長 。/punct"
        );
    }

    #[test]
    fn japanese_words() {
        // hand-checked news sentences: words, particles and auxiliaries apart, as in the
        // newspaper corpora TinySegmenter was trained on
        for (text, words) in [
            (
                "東京都は新型コロナウイルスの感染者が増えていると発表した。",
                "東京都 は 新型 コロナウイルス の 感染 者 が 増え て いる と 発表 し た 。/punct",
            ),
            (
                "日本銀行は金融政策の維持を決めた。",
                "日本銀行 は 金融 政策 の 維持 を 決め た 。/punct",
            ),
            (
                "岸田首相は記者会見で経済対策を説明した。",
                "岸田 首相 は 記者 会見 で 経済 対策 を 説明 し た 。/punct",
            ),
            (
                "トヨタ自動車の2023年度の営業利益は5兆円を超えた。",
                "トヨタ 自動車 の 2023/number 年度 の 営業 利益 は 5/number 兆 円 を 超え た 。/punct",
            ),
            (
                "政府は来年度予算案を閣議決定しました。NHKが報じた。",
                "政府 は 来年度 予算 案 を 閣議 決定 し まし た 。/punct | NHK が 報じ た 。/punct",
            ),
        ] {
            assert_eq!(render(text, "jpn"), words, "{text}");
        }
        // other languages keep UAX #29 (one token per Han character or kana run)
        assert_eq!(render("東京都", "und"), "東 京 都");
    }

    #[test]
    fn japanese_news_paragraph() {
        // the model reads whole chunks, digits and punctuation included, as it was trained:
        // reading the runs of Japanese letters alone gave `10 日早く`, `3 日遅い`, `と述べ`
        let text = include_str!("../../tests/fixtures/japanese/news.txt").trim_end();
        assert_eq!(
            render(text, "jpn"),
            "気象庁 は 4/number 日 、/punct 九州 南部 が 梅雨 明け し た と み られる と 発表 し た 。/punct | \
             平年 より 10/number 日 早く 、/punct 昨年 より 3/number 日 遅い 。/punct | \
             東京 の 株式 市場 で は 日経 平均 株価 が 一 時 500/number 円 以上 値上 がりし 、/punct \
             約 3/number か 月 ぶり の 高値 を 付け た 。/punct | \
             政府 は 物価 高 へ の 対策 として 、/punct 電気 ・ ガス 料金 の 補助 を 延長 する 方針 を 固め た 。/punct | \
             岸田 首相 は 記者 団 に対し 「/punct 国民 の 生活 を 守る ため 、/punct あらゆる 手段 を 講じる 」/punct と 述べ た 。/punct"
        );
    }

    #[test]
    fn long_mixed_japanese_chinese_latin() {
        // Runs in the README's `cargo test` (a debug build, where the standard library checks
        // unsafe preconditions): every script, astral Han, half-width kana, combining marks,
        // emoji and unbalanced brackets, about 150 KB, through the Japanese, Chinese and
        // default rules. Tokens are ordered, disjoint, non-empty and on character boundaries.
        let pieces = [
            include_str!("../../tests/fixtures/japanese/news.txt"),
            "国家安全部呼吁公民积极参与反间谍工作。這個國家有兩位部長。",
            "TinySegmenterは25kBで書かれています。ｶﾀｶﾅﾃｽﾄ、ｰﾞﾟ。𠮷野家と𪚲。",
            "The Ministry of State Security (MSS) said: “Chen Yixin” — 陈一新, 2023年8月1日 😀.",
            "é́ ｱｲｳ ア゙ 々〆ヵヶ ０１２ ＡＢＣ ((( 」」 ・・・ \u{3000}全角\u{3000}空白 x",
        ];
        let mut text = String::new();
        for i in 0..1000 {
            text.push_str(pieces[i % pieces.len()]);
            text.push_str(if i % 7 == 0 { "\n\n" } else { " " });
        }
        assert!(text.len() > 150_000);
        for lang in ["jpn", "zho", "eng", "und"] {
            let seg = segment(&text, lang);
            assert!(seg.tokens.len() > 10_000, "{lang}");
            let mut last = 0;
            for t in &seg.tokens {
                assert!(t.start >= last && t.end > t.start, "{lang}: {t:?}");
                assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                last = t.end;
            }
        }
    }

    #[test]
    fn punctuation_runs_and_dates() {
        check(
            "Wait... what?! No!!!",
            "Wait .../punct what ?!/punct | No !!!/punct",
        );
        check(
            "on 01/24/2001 -- really",
            "on 01/24/2001/number --/punct really",
        );
        check("a :) b", "a :/punct )/punct b");
    }

    #[test]
    fn elisions() {
        assert_eq!(
            render("L'État qu'il aime, jusqu'à l’aube.", "fra"),
            "L' État qu' il aime ,/punct jusqu' à l’ aube ./punct"
        );
        assert_eq!(render("dell'anno", "ita"), "dell' anno");
        assert_eq!(render("l'état", "eng"), "l'état");
        assert_eq!(render("aujourd'hui", "fra"), "aujourd'hui");
    }

    #[test]
    fn ordinals() {
        assert_eq!(
            render("Am 2. August 2023 kam er.", "deu"),
            "Am 2./number August 2023/number kam er ./punct"
        );
        assert_eq!(
            render("Es waren 12. Dann", "eng"),
            "Es waren 12/number ./punct | Dann"
        );
        assert_eq!(
            render("Im 3. Jh. v. Chr. gab es z. B. Krieg.", "deu"),
            "Im 3./number Jh. v. Chr. gab es z. B. Krieg ./punct"
        );
    }

    #[test]
    fn empty() {
        assert_eq!(segment("", "eng"), Segmentation::default());
        assert_eq!(segment(" \n\t ", "eng"), Segmentation::default());
    }
}
