//! Quotes: who said what — attributions with their cue, content and source.
//!
//! Takes a document's text, its [`Segmentation`], lexical annotation ([`Annotated`]: lower-cased
//! forms and stems), parts of speech and entities; gives its [`Attribution`]s: the **cue** (`said`,
//! `told`, `according to`, `wrote in a tweet`), the **content** (what was said: a quotation in
//! marks, reported speech, or both) and the **source** (who said it), each a span of the text,
//! the source resolved to one of the document's entities where it names one ([`link`]).
//!
//! Two steps, both averaged perceptrons ([`crate::perceptron`]) in one model file per language:
//!
//! 1. **Cues**: every token whose stem is in the model's cue vocabulary (the stems that begin a
//!    cue in the training data) is tagged `B` (a cue starts) or `O` by its word, stem, part of
//!    speech, neighbours, quotation marks and entities around it; a `B` extends over the
//!    following tokens tagged `I` (`said in a statement`).
//! 2. **Roles**, once per cue, in the manner of semantic role labelling: every token of the
//!    cue's paragraph (a window of sentences around it) is tagged `O`, source or content
//!    (`B`/`I`), left to right, by features relative to that cue — side and distance, sentences
//!    and commas and quotation marks between, whether it lies in the quotation that ends just
//!    before the cue or starts just after it, the cue's word and what follows it (`that`, `:`),
//!    the tags already given. The content is the longest run of content tokens, joined with the
//!    run on the cue's other side when only the cue and its source lie between (`“…,” he
//!    said, “…”`) and with a run one token away on its own side in its sentence (the tagger
//!    broke off at a quotation mark and took up again); the source is the run of source
//!    tokens nearest the cue.
//!
//! Quotation marks are paired per paragraph (`“…”`, `"…"`, `„…“`, `«…»`, `»…«`, `「…」`,
//! `『…』`); a mark that never closes quotes to the end of its paragraph, a closing mark without
//! an opening one is ignored, so unbalanced, nested and multi-paragraph quotations never abort
//! a document and no attribution crosses a paragraph.
//!
//! English has a model, trained by `train-quotes` ([`train`]) on PolNeAR (US political news,
//! 2016). Other languages have no attribution data in the project; they get [`rules`]: a
//! quotation in the language's marks next to a reporting verb from a short lexicon and a name
//! or pronoun, and the language's `according to`.

pub mod rules;
pub mod train;

use crate::ner::DocEntities;
use crate::ner::features::hash_bytes;
use crate::perceptron::{Header, ModelError, Reader, SparseWeights, bundled, feature_id, pair};
use crate::segment::{Segmentation, TokenKind};
use rustc_hash::FxHashSet;
use std::ops::Range;
use std::sync::OnceLock;

/// Cue tags: outside, begins a cue, inside a cue.
pub const CUE_TAGS: usize = 3;
/// Role tags: outside, source begins, source inside, content begins, content inside.
pub const ROLE_TAGS: usize = 5;
const O: u8 = 0;
const B: u8 = 1;
const I: u8 = 2;
const B_SRC: u8 = 1;
const I_SRC: u8 = 2;
const B_CNT: u8 = 3;
const I_CNT: u8 = 4;
/// The "tag" of the cue's own tokens, and before the first token.
const CUE: u8 = 5;
const START: u8 = 6;

/// Bumped whenever a feature template changes: a model trained with other features is refused.
pub const FEATURE_VERSION: u32 = 1;
const HEADER: Header = Header {
    magic: b"NLQUO001",
    version: FEATURE_VERSION,
    what: "quotes",
    trainer: "train-quotes",
};

/// How the content is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// All in quotation marks.
    Direct,
    /// Reported speech, no quotation marks.
    Indirect,
    /// Partly quoted.
    Mixed,
}

impl Kind {
    /// The name written to `quotes.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::Indirect => "indirect",
            Kind::Mixed => "mixed",
        }
    }
}

/// One attribution. Spans are byte ranges of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// Direct, indirect or mixed.
    pub kind: Kind,
    /// What was said (from its first token to its last, a split quotation's cue included).
    pub content: Range<usize>,
    /// The reporting expression.
    pub cue: Range<usize>,
    /// Who said it, when found.
    pub source: Option<Range<usize>>,
    /// The entity the source names or refers back to: an index into
    /// [`DocEntities::entities`].
    pub entity: Option<usize>,
    /// Number of words in the content.
    pub words: u32,
}

/// A trained attribution model.
#[derive(Clone, Debug)]
pub struct Model {
    /// Its language (ISO 639-3).
    pub lang: String,
    /// Weights of the cue tagger.
    pub cue: SparseWeights,
    /// Weights of the role tagger.
    pub role: SparseWeights,
    /// Hashes of the stems that may begin a cue.
    pub cue_stems: FxHashSet<u64>,
    /// How far a candidate may lose to "outside a cue" and still be a weak cue (kept when its
    /// roles find a source and a content): trades the cue tagger's precision for recall,
    /// chosen on held-back training articles (0: no weak cues).
    pub cue_bias: i32,
}

impl Model {
    /// The model file's bytes: the header (`"NLQUO001"`), the cue stems (`u32` count, `u64`
    /// hashes ascending), the `i32` cue bias, the cue tagger's and the role tagger's sparse weights.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        HEADER.write(&self.lang, &mut b);
        let mut stems: Vec<u64> = self.cue_stems.iter().copied().collect();
        stems.sort_unstable();
        b.extend_from_slice(&(stems.len() as u32).to_le_bytes());
        for s in stems {
            b.extend_from_slice(&s.to_le_bytes());
        }
        b.extend_from_slice(&self.cue_bias.to_le_bytes());
        self.cue.write(&mut b);
        self.role.write(&mut b);
        b
    }

    /// Reads a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader::new(bytes);
        let lang = HEADER.read(&mut r)?;
        let n = r.u32()? as usize;
        let cue_stems = r
            .take(n.saturating_mul(8))?
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        let cue_bias = r.i32()?;
        let cue = SparseWeights::read(&mut r, CUE_TAGS)?;
        let role = SparseWeights::read(&mut r, ROLE_TAGS)?;
        Ok(Model {
            lang,
            cue,
            role,
            cue_stems,
            cue_bias,
        })
    }
}

/// Summed weights per tag.
#[inline]
fn scores<const N: usize>(w: &SparseWeights, feats: &[u32]) -> [i32; N] {
    let mut row = [0i32; N];
    for &f in feats {
        for e in w.weights(f) {
            row[e.tag as usize] += e.weight as i32;
        }
    }
    row
}

/// The best of the tags `allowed` by `row` (ties to the lower tag).
#[inline]
fn best_allowed<T: PartialOrd + Copy>(row: &[T], allowed: &[u8]) -> u8 {
    let mut best = allowed[0];
    for &t in &allowed[1..] {
        if row[t as usize] > row[best as usize] {
            best = t;
        }
    }
    best
}

const BUNDLED: &[(&str, &[u8])] = &[("eng", include_bytes!("../../models/quotes-eng.bin"))];

/// The bundled model for `lang`, parsed on first use.
pub fn model_for(lang: &str) -> Option<&'static Model> {
    static LOADED: [OnceLock<Option<Model>>; 1] = [OnceLock::new()];
    bundled(BUNDLED, &LOADED, lang, Model::from_bytes)
}

/// Languages with a model.
pub fn model_languages() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|(l, _)| *l)
}

/// What punctuation a token is, for features.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Mark {
    None = 0,
    Open = 1,
    Close = 2,
    Comma = 3,
    Colon = 4,
    Stop = 5,
    Dash = 6,
    Other = 7,
}

/// One token as the taggers see it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    start: usize,
    end: usize,
    lower: u64,
    stem: u64,
    pos: u8,
    word: bool,
    cap: bool,
    sentence: u32,
    /// Its quotation (1-based id of the outermost pair of marks around or at it; 0 none).
    quote: u32,
    mark: Mark,
    /// Entity label of a mention over it: 0 none, 1 PER, 2 ORG, 3 LOC, 4 MISC, 5 other.
    ent: u8,
    /// May begin a cue (stem in the model's cue vocabulary).
    candidate: bool,
}

/// A document prepared for tagging: its tokens and paragraphs.
pub(crate) struct Doc {
    pub(crate) toks: Vec<Tok>,
    /// Token ranges of the paragraphs.
    pub(crate) paragraphs: Vec<Range<usize>>,
    /// Each quotation's first and last token.
    quotes: Vec<(usize, usize)>,
    /// Per sentence: whether a quotation mark is in it.
    quoted_sentence: Vec<bool>,
}

const BOS: u64 = 0x5b5f_4253_5f5d;
const EOS: u64 = 0x5b5f_4553_5f5d;

/// Byte ranges of the paragraphs: text between blank lines, or between line breaks when the text
/// has no blank line.
fn paragraph_breaks(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let blank = |single: bool| {
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\n' {
                let mut j = i + 1;
                let mut lines = 1;
                while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r' | b'\n') {
                    lines += (b[j] == b'\n') as usize;
                    j += 1;
                }
                if single || lines >= 2 {
                    out.push(j);
                }
                i = j;
            } else {
                i += 1;
            }
        }
        out
    };
    let two = blank(false);
    if two.is_empty() { blank(true) } else { two }
}

/// Opening and closing quotation marks: (mark, the marks it closes).
fn closes(c: char) -> &'static [char] {
    match c {
        '”' => &['“', '„', '"'],
        '“' => &['„'],
        '»' => &['«'],
        '«' => &['»'],
        '」' => &['「'],
        '』' => &['『'],
        '"' => &['"'],
        '\'' => &['\'', '`'],
        _ => &[],
    }
}

fn opens(c: char) -> bool {
    matches!(c, '“' | '„' | '«' | '»' | '「' | '『' | '"' | '\'' | '`')
}

/// Whether token `i` is the first of two adjacent apostrophes (`''`) or backticks (``` `` ```):
/// the double quotation marks of typewriter and archive text (`''Some courses are adapting,''
/// said …`, as news archives and Penn Treebank text write them). Such a pair is one mark, the
/// character [`closes`] and [`opens`] know it by.
fn doubled(text: &str, toks: &[crate::segment::Token], i: usize) -> Option<char> {
    let (a, b) = (toks.get(i)?, toks.get(i + 1)?);
    let c = single_char(&text[a.start..a.end]).filter(|c| matches!(c, '\'' | '`'))?;
    (a.end == b.start && text[b.start..b.end] == text[a.start..a.end]).then_some(c)
}

/// Whether the mark at `start..end` of `text` is left-flanking (after a space, an opening
/// bracket or the start, before a letter, digit or other mark: it opens) and right-flanking
/// (after a word or punctuation, before a space, punctuation or the end: it closes).
fn flanks(text: &str, start: usize, end: usize) -> (bool, bool) {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let open_br = |c: Option<char>| matches!(c, Some('(' | '[' | '{' | '—' | '–'));
    let punct = |c: Option<char>| c.is_some_and(|c| c.is_ascii_punctuation() || c == '…');
    let opener = (space(before) || open_br(before)) && !space(after);
    let closer = !space(before) && !open_br(before) && (space(after) || punct(after));
    (opener, closer)
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

impl Doc {
    /// Prepares `text`: `stem_of(i)` and `lower_of(i)` give token `i`'s stem and lower-cased form,
    /// `upos` its part of speech (empty: none), `cue_stems` the stems that may begin a cue.
    pub(crate) fn new<'s>(
        text: &str,
        seg: &Segmentation,
        lower_of: impl Fn(usize) -> &'s str,
        stem_of: impl Fn(usize) -> &'s str,
        upos: &[u8],
        ner: &DocEntities,
        cue_stems: &FxHashSet<u64>,
    ) -> Doc {
        let mut toks = Vec::with_capacity(seg.tokens.len());
        let mut m = 0;
        for (i, t) in seg.tokens.iter().enumerate() {
            let s = &text[t.start..t.end];
            while m < ner.mentions.len() && ner.mentions[m].end <= t.start {
                m += 1;
            }
            let ent = ner.mentions.get(m).map_or(0, |x| {
                if x.start <= t.start {
                    match x.label {
                        "PER" => 1,
                        "ORG" => 2,
                        "LOC" => 3,
                        "MISC" => 4,
                        _ => 5,
                    }
                } else {
                    0
                }
            });
            // backticks are symbols to the segmenter; doubled, they open a quotation
            let mark = if t.kind == TokenKind::Punct || (t.kind == TokenKind::Symbol && s == "`") {
                match single_char(s) {
                    Some('\'' | '`') => match doubled(text, &seg.tokens, i) {
                        Some(_) => Mark::Close, // paired below
                        None => Mark::Other,
                    },
                    Some(c) if opens(c) || !closes(c).is_empty() => Mark::Close, // paired below
                    Some(',') | Some('，') | Some('、') => Mark::Comma,
                    Some(':') | Some('：') => Mark::Colon,
                    Some('.') | Some('!') | Some('?') | Some('。') | Some('！') | Some('？') => {
                        Mark::Stop
                    }
                    Some('—') | Some('–') | Some('-') => Mark::Dash,
                    _ => Mark::Other,
                }
            } else {
                Mark::None
            };
            let stem = stem_of(i);
            let stem_h = hash_bytes(stem.as_bytes());
            toks.push(Tok {
                start: t.start,
                end: t.end,
                lower: hash_bytes(lower_of(i).as_bytes()),
                stem: stem_h,
                pos: upos.get(i).copied().unwrap_or(u8::MAX),
                word: matches!(t.kind, TokenKind::Word | TokenKind::Number),
                cap: s.chars().next().is_some_and(char::is_uppercase),
                sentence: t.sentence,
                quote: 0,
                mark,
                ent,
                candidate: cue_stems.contains(&stem_h),
            });
        }
        // paragraphs as token ranges
        let mut paragraphs = Vec::new();
        let mut first = 0;
        for brk in paragraph_breaks(text) {
            let mut k = first;
            while k < toks.len() && toks[k].start < brk {
                k += 1;
            }
            if k > first {
                paragraphs.push(first..k);
                first = k;
            }
        }
        if first < toks.len() {
            paragraphs.push(first..toks.len());
        }
        let mut doc = Doc {
            toks,
            paragraphs,
            quotes: Vec::new(),
            quoted_sentence: vec![false; seg.sentences.len()],
        };
        doc.pair_quotes(text);
        for t in &doc.toks {
            if matches!(t.mark, Mark::Open | Mark::Close)
                && let Some(q) = doc.quoted_sentence.get_mut(t.sentence as usize)
            {
                *q = true;
            }
        }
        doc
    }

    /// Pairs the quotation marks of each paragraph and numbers the quotations.
    fn pair_quotes(&mut self, text: &str) {
        for p in 0..self.paragraphs.len() {
            let range = self.paragraphs[p].clone();
            let mut stack: Vec<(char, usize)> = Vec::new();
            let mut pairs: Vec<(usize, usize)> = Vec::new();
            let mut closed_at = usize::MAX;
            for i in range.clone() {
                let t = self.toks[i];
                if t.mark != Mark::Close || i == closed_at {
                    continue;
                }
                // provisional: every quotation mark was flagged Close; decide here
                self.toks[i].mark = Mark::Other;
                let Some(c) = single_char(&text[t.start..t.end]) else {
                    continue;
                };
                // a straight mark takes its role from the characters either side: one that
                // follows a word and precedes a space or punctuation closes, and may close a
                // curly opening mark (`“… the FBI," Chaffetz said`); one that precedes a word
                // after a space opens, and closes nothing
                let (opener, closer) = if c == '"' {
                    flanks(text, t.start, t.end)
                } else {
                    (false, false)
                };
                let closable: &[char] = if closer && !opener {
                    &['"', '“']
                } else {
                    closes(c)
                };
                if opener && !closer {
                    stack.push((c, i));
                    continue;
                }
                if let Some(k) = stack.iter().rposition(|(o, _)| closable.contains(o)) {
                    // a doubled mark (`''`) closes on its second token
                    let end = if matches!(c, '\'' | '`') { i + 1 } else { i };
                    pairs.push((stack[k].1, end));
                    stack.truncate(k);
                    self.toks[end].mark = Mark::Close;
                    closed_at = end;
                } else if opens(c) && !closer {
                    stack.push((c, i));
                }
            }
            // a quotation that never closes runs to the end of its paragraph
            if let Some(&(_, o)) = stack.first() {
                pairs.push((o, range.end - 1));
            }
            pairs.sort_unstable();
            let mut covered = range.start;
            for (o, c) in pairs {
                if o < covered {
                    continue; // nested in an earlier one
                }
                self.toks[o].mark = Mark::Open;
                self.quotes.push((o, c));
                let id = self.quotes.len() as u32;
                for t in &mut self.toks[o..=c] {
                    t.quote = id;
                }
                covered = c + 1;
            }
        }
    }

    fn lower(&self, i: isize, range: &Range<usize>) -> u64 {
        if i < range.start as isize {
            BOS
        } else if i >= range.end as isize {
            EOS
        } else {
            self.toks[i as usize].lower
        }
    }

    fn pos(&self, i: isize, range: &Range<usize>) -> u64 {
        if i < range.start as isize {
            BOS
        } else if i >= range.end as isize {
            EOS
        } else {
            self.toks[i as usize].pos as u64
        }
    }

    fn mark(&self, i: isize, range: &Range<usize>) -> u64 {
        if i < range.start as isize || i >= range.end as isize {
            9
        } else {
            self.toks[i as usize].mark as u64
        }
    }

    fn ent(&self, i: isize, range: &Range<usize>) -> u64 {
        if i < range.start as isize || i >= range.end as isize {
            7
        } else {
            self.toks[i as usize].ent as u64
        }
    }

    /// Features of token `i` of paragraph `range` for the cue tagger; `prev` the tag of `i - 1`.
    pub(crate) fn cue_features(
        &self,
        i: usize,
        range: &Range<usize>,
        prev: u8,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        let t = &self.toks[i];
        let ii = i as isize;
        let f = feature_id;
        out.push(f(1, 0));
        out.push(f(2, t.lower));
        out.push(f(3, t.stem));
        out.push(f(4, t.pos as u64));
        out.push(f(5, pair(t.lower, t.pos as u64)));
        out.push(f(6, self.lower(ii - 1, range)));
        out.push(f(7, self.lower(ii + 1, range)));
        out.push(f(8, self.lower(ii + 2, range)));
        out.push(f(9, self.pos(ii - 1, range)));
        out.push(f(10, self.pos(ii + 1, range)));
        out.push(f(
            11,
            pair(self.pos(ii - 1, range), self.pos(ii + 1, range)),
        ));
        out.push(f(12, pair(t.stem, self.lower(ii + 1, range))));
        out.push(f(
            13,
            pair(
                t.stem,
                self.mark(ii - 1, range) * 16 + self.mark(ii + 1, range),
            ),
        ));
        let in_quote = (t.quote != 0) as u64;
        out.push(f(14, in_quote * 2 + t.cap as u64));
        out.push(f(15, pair(t.stem, in_quote)));
        out.push(f(16, self.ent(ii - 1, range) * 8 + self.ent(ii + 1, range)));
        out.push(f(17, prev as u64));
        out.push(f(18, pair(prev as u64, t.stem)));
        out.push(f(19, pair(t.stem, self.pos(ii - 1, range))));
        let first = i == range.start || self.toks[i - 1].sentence != t.sentence;
        let last = i + 1 >= range.end
            || self.toks[i + 1].sentence != t.sentence
            || (self.toks[i + 1].mark == Mark::Stop && i + 2 >= range.end);
        out.push(f(20, pair(t.stem, (first as u64) << 1 | last as u64)));
        // a quotation closing just before or opening just after
        let closed_before =
            (i.saturating_sub(4).max(range.start)..i).any(|k| self.toks[k].mark == Mark::Close);
        let opens_after = (i + 1..(i + 4).min(range.end)).any(|k| self.toks[k].mark == Mark::Open);
        out.push(f(
            21,
            pair(t.stem, (closed_before as u64) << 1 | opens_after as u64),
        ));
        out.push(f(22, pair(t.stem, self.lower(ii - 1, range))));
        out.push(f(23, pair(t.stem, self.ent(ii - 1, range))));
        out.push(f(24, pair(t.stem, self.pos(ii - 2, range))));
        out.push(f(25, pair(t.stem, self.pos(ii + 1, range))));
        let quoted = self
            .quoted_sentence
            .get(t.sentence as usize)
            .copied()
            .unwrap_or(false);
        out.push(f(26, pair(t.stem, quoted as u64)));
        out.push(f(27, pair(t.lower, self.lower(ii - 1, range))));
        // a subject before (a person, organisation, pronoun or noun within four tokens) and a
        // complement after (the first word or mark within three tokens)
        let subject = (i.saturating_sub(4).max(range.start)..i)
            .rev()
            .find_map(|k| {
                let x = &self.toks[k];
                match (x.ent, x.pos) {
                    (1, _) => Some(1u64),
                    (2, _) => Some(2),
                    (_, crate::pos::PRON) => Some(3),
                    (_, crate::pos::NOUN | crate::pos::PROPN) => Some(4),
                    _ if x.mark == Mark::Stop => Some(5),
                    _ => None,
                }
            })
            .unwrap_or(0);
        out.push(f(60, pair(t.stem, subject)));
        let complement = (i + 1..(i + 4).min(range.end))
            .find_map(|k| {
                let x = &self.toks[k];
                match x.mark {
                    Mark::None if x.pos == crate::pos::ADV => None,
                    Mark::None => Some(pair(x.pos as u64, x.lower)),
                    Mark::Comma => None,
                    m => Some(200 + m as u64),
                }
            })
            .unwrap_or(EOS);
        out.push(f(61, pair(t.stem, complement)));
        out.push(f(62, pair(subject, complement)));
        out.push(f(
            28,
            pair(
                t.stem,
                pair(self.pos(ii - 1, range), self.pos(ii + 1, range)),
            ),
        ));
    }

    /// The tokens the role tagger reads for a cue in paragraph `para`: the sentences before,
    /// of and after the cue, widened to the whole quotations beside and around it, at most
    /// 400 tokens on each side.
    pub(crate) fn window(&self, ctx: &CueContext, para: &Range<usize>) -> Range<usize> {
        let cue = &ctx.cue;
        let s = ctx.sentence;
        let mut a = cue.start;
        while a > para.start && self.toks[a - 1].sentence + 1 >= s {
            a -= 1;
        }
        let mut b = cue.end;
        while b < para.end && self.toks[b].sentence <= s + 1 {
            b += 1;
        }
        for q in [ctx.left_quote, ctx.right_quote, ctx.own_quote] {
            if q != 0 {
                let (o, c) = self.quotes[q as usize - 1];
                a = a.min(o);
                b = b.max(c + 1);
            }
        }
        a.max(cue.start.saturating_sub(150)).max(para.start)..b.min(cue.end + 150).min(para.end)
    }
}

/// What the role tagger knows of one cue.
pub(crate) struct CueContext {
    cue: Range<usize>,
    stem: u64,
    before: u64,
    after: u64,
    sentence: u32,
    /// The quotation that ends just before the cue (its source between), and the one that
    /// starts just after it.
    left_quote: u32,
    right_quote: u32,
    own_quote: u32,
}

impl CueContext {
    pub(crate) fn new(doc: &Doc, cue: Range<usize>, para: &Range<usize>) -> CueContext {
        let t = &doc.toks[cue.start];
        let before = if cue.start > para.start {
            let p = &doc.toks[cue.start - 1];
            if p.mark == Mark::None {
                p.pos as u64
            } else {
                100 + p.mark as u64
            }
        } else {
            BOS
        };
        let after = if cue.end < para.end {
            let n = &doc.toks[cue.end];
            if n.mark == Mark::None {
                n.lower
            } else {
                100 + n.mark as u64
            }
        } else {
            EOS
        };
        // the nearest closed quotation within six tokens before (skipping the source)
        let mut left_quote = 0;
        for k in (cue.start.saturating_sub(7).max(para.start)..cue.start).rev() {
            let tk = &doc.toks[k];
            if tk.mark == Mark::Close && tk.quote != t.quote {
                left_quote = tk.quote;
                break;
            }
            if tk.mark == Mark::Stop {
                break;
            }
        }
        let mut right_quote = 0;
        for k in cue.end..(cue.end + 4).min(para.end) {
            let tk = &doc.toks[k];
            if tk.mark == Mark::Open {
                right_quote = tk.quote;
                break;
            }
        }
        CueContext {
            stem: t.stem,
            before,
            after,
            sentence: t.sentence,
            left_quote,
            right_quote,
            own_quote: t.quote,
            cue,
        }
    }
}

fn bucket(d: usize) -> u64 {
    match d {
        0..=4 => d as u64,
        5..=6 => 5,
        7..=10 => 6,
        11..=15 => 7,
        16..=25 => 8,
        _ => 9,
    }
}

/// Running "what lies between this token and the cue" flags, for one side.
#[derive(Clone, Copy, Default)]
pub(crate) struct Between {
    comma: bool,
    mark: bool,
    other_cue: bool,
}

impl Between {
    fn bits(self) -> u64 {
        (self.comma as u64) << 2 | (self.mark as u64) << 1 | self.other_cue as u64
    }
}

/// For every token of `window`, what lies between it and the cue (tokens of the cue: default).
pub(crate) fn between(
    doc: &Doc,
    window: &Range<usize>,
    ctx: &CueContext,
    is_cue: impl Fn(usize) -> bool,
) -> Vec<Between> {
    let mut out = vec![Between::default(); window.len()];
    let mut acc = Between::default();
    for i in (window.start..ctx.cue.start).rev() {
        out[i - window.start] = acc;
        let t = &doc.toks[i];
        acc.comma |= t.mark == Mark::Comma;
        acc.mark |= matches!(t.mark, Mark::Open | Mark::Close);
        acc.other_cue |= is_cue(i);
    }
    let mut acc = Between::default();
    for i in ctx.cue.end..window.end {
        out[i - window.start] = acc;
        let t = &doc.toks[i];
        acc.comma |= t.mark == Mark::Comma;
        acc.mark |= matches!(t.mark, Mark::Open | Mark::Close);
        acc.other_cue |= is_cue(i);
    }
    out
}

impl Doc {
    /// Features of token `i` (outside the cue) for the role tagger of cue `ctx`; `p1`, `p2`
    /// the tags of the two tokens before it. Without `with_cue_constants`, the features that
    /// depend only on the cue and the side ([`cue_constants`]) are left out: tagging adds
    /// their weights once per cue and side.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn role_features(
        &self,
        i: usize,
        window: &Range<usize>,
        ctx: &CueContext,
        btw: Between,
        p1: u8,
        p2: u8,
        with_cue_constants: bool,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        let f = feature_id;
        let t = &self.toks[i];
        let ii = i as isize;
        let (side, d) = if i < ctx.cue.start {
            (0u64, ctx.cue.start - i)
        } else {
            (2u64, i + 1 - ctx.cue.end)
        };
        let b = bucket(d);
        let sd = (t.sentence as i64 - ctx.sentence as i64).clamp(-2, 2) + 2;
        let q = if t.quote == 0 {
            0
        } else if t.quote == ctx.own_quote {
            3
        } else if t.quote == ctx.left_quote {
            1
        } else if t.quote == ctx.right_quote {
            2
        } else {
            4
        };
        let (p1, p2) = (p1 as u64, p2 as u64);
        out.push(f(30, side * 16 + b));
        out.push(f(31, side * 8 + sd as u64));
        out.push(f(32, side * 8 + q));
        out.push(f(33, pair(side, t.lower)));
        out.push(f(34, pair(side, t.pos as u64)));
        out.push(f(35, pair(side * 16 + b, t.pos as u64)));
        if with_cue_constants {
            out.extend(cue_constants(ctx, side));
        }
        out.push(f(37, pair(pair(side, ctx.stem), t.pos as u64)));
        out.push(f(40, side * 64 + t.ent as u64 * 4 + b.min(3)));
        out.push(f(41, p1));
        out.push(f(42, pair(p1, side)));
        out.push(f(43, pair(p1, t.pos as u64)));
        out.push(f(44, pair(p1, p2)));
        out.push(f(45, pair(p1, t.lower)));
        out.push(f(46, side * 16 + btw.bits() * 2 + (sd != 2) as u64));
        out.push(f(
            47,
            pair(side, pair(self.pos(ii - 1, window), t.pos as u64)),
        ));
        out.push(f(
            48,
            pair(side, pair(t.pos as u64, self.pos(ii + 1, window))),
        ));
        out.push(f(49, pair(side * 16 + q, p1)));
        out.push(f(50, pair(side, t.mark as u64)));
        out.push(f(51, pair(pair(side, ctx.after), b.min(4))));
        out.push(f(52, pair(pair(side, ctx.before), b.min(4))));
        out.push(f(53, side * 64 + q * 8 + btw.bits()));
        out.push(f(54, pair(side * 16 + q, sd as u64)));
        out.push(f(55, pair(p1, side * 64 + btw.bits() * 8 + q)));
    }
}

/// The role features that depend only on the cue and the side (0 before it, 2 after it).
fn cue_constants(ctx: &CueContext, side: u64) -> [u32; 3] {
    [
        feature_id(36, pair(side, ctx.stem)),
        feature_id(38, pair(side, ctx.after)),
        feature_id(39, pair(side, ctx.before)),
    ]
}

/// The tags a role token may take after `p1`.
fn allowed_roles(p1: u8) -> &'static [u8] {
    match p1 {
        B_SRC | I_SRC => &[O, B_SRC, I_SRC, B_CNT],
        B_CNT | I_CNT => &[O, B_SRC, B_CNT, I_CNT],
        _ => &[O, B_SRC, B_CNT],
    }
}

/// The tags a cue token may take after `prev`.
fn allowed_cue(prev: u8, candidate: bool) -> &'static [u8] {
    match (prev == B || prev == I, candidate) {
        (true, true) => &[O, B, I],
        (true, false) => &[O, I],
        (false, true) => &[O, B],
        (false, false) => &[O],
    }
}

/// Tags the cues of one paragraph; gives each cue's token range, and whether it is weak: a
/// candidate the tagger put outside a cue by less than [`Model::cue_bias`], kept only when
/// its roles name both a source and a content.
pub(crate) fn tag_cues(
    model: &Model,
    doc: &Doc,
    para: &Range<usize>,
    feats: &mut Vec<u32>,
) -> Vec<(Range<usize>, bool)> {
    let mut cues: Vec<(Range<usize>, bool)> = Vec::new();
    let mut prev = O;
    for i in para.clone() {
        let allowed = allowed_cue(prev, doc.toks[i].candidate);
        let tag = if allowed.len() == 1 {
            O
        } else {
            doc.cue_features(i, para, prev, feats);
            let mut row = scores::<CUE_TAGS>(&model.cue, feats);
            let tag = best_allowed(&row, allowed);
            if tag == O && allowed.contains(&B) && model.cue_bias > 0 {
                row[B as usize] += model.cue_bias;
                if best_allowed(&row, allowed) == B {
                    cues.push((i..i + 1, true));
                }
            }
            tag
        };
        match tag {
            B => cues.push((i..i + 1, false)),
            I => {
                if let Some(c) = cues.last_mut() {
                    c.0.end = i + 1;
                }
            }
            _ => {}
        }
        prev = tag;
    }
    cues
}

/// Tags the roles of the tokens of `window` for cue `ctx`; gives one tag per token of the
/// window (the cue's own tokens [`CUE`]).
pub(crate) fn tag_roles(
    model: &Model,
    doc: &Doc,
    window: &Range<usize>,
    ctx: &CueContext,
    btw: &[Between],
    feats: &mut Vec<u32>,
) -> Vec<u8> {
    let mut tags = Vec::with_capacity(window.len());
    let (mut p1, mut p2) = (START, START);
    let constants = [0, 2].map(|side| scores::<ROLE_TAGS>(&model.role, &cue_constants(ctx, side)));
    for i in window.clone() {
        let tag = if ctx.cue.contains(&i) {
            CUE
        } else {
            doc.role_features(i, window, ctx, btw[i - window.start], p1, p2, false, feats);
            let mut row = scores::<ROLE_TAGS>(&model.role, feats);
            let side = (i >= ctx.cue.end) as usize;
            for (r, c) in row.iter_mut().zip(constants[side]) {
                *r += c;
            }
            best_allowed(&row, allowed_roles(p1))
        };
        tags.push(tag);
        p2 = p1;
        p1 = tag;
    }
    tags
}

/// Token runs of one role (`b`, `i` its begin and inside tags) in `tags`, as token ranges.
fn runs(tags: &[u8], offset: usize, b: u8, i: u8) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (k, &t) in tags.iter().enumerate() {
        if t == b || (t == i && out.last().is_none_or(|r| r.end != offset + k)) {
            out.push(offset + k..offset + k + 1);
        } else if t == i {
            out.last_mut().expect("checked").end = offset + k + 1;
        }
    }
    out
}

/// An attribution from the role tags of one cue: token ranges of content and source.
pub(crate) fn assemble(
    doc: &Doc,
    window: &Range<usize>,
    cue: &Range<usize>,
    tags: &[u8],
) -> Option<(Range<usize>, Option<Range<usize>>)> {
    let contents = runs(tags, window.start, B_CNT, I_CNT);
    let sources = runs(tags, window.start, B_SRC, I_SRC);
    let main = contents
        .iter()
        .max_by_key(|r| (r.len(), std::cmp::Reverse(r.start)))?
        .clone();
    // the source nearest the cue
    let source = sources
        .iter()
        .min_by_key(|r| {
            if r.end <= cue.start {
                cue.start - r.end
            } else {
                r.start.saturating_sub(cue.end)
            }
        })
        .cloned();
    // content split by its cue: join the run on the other side when only the cue, the source
    // and punctuation lie between and both runs are of one kind — two quotations (`“…,” he
    // said, “…”`) or two runs of reported speech (`Many of the closures, he said, have
    // involved …`), not a quotation and the unquoted words after its cue (`“…,” he said of
    // the claim`)
    let mut content = main.clone();
    let quoted = |r: &Range<usize>| {
        let words = doc.toks[r.clone()].iter().filter(|t| t.word);
        let (n, q) = words.fold((0, 0), |(n, q), t| (n + 1, q + (t.quote != 0) as usize));
        n > 0 && q * 2 > n
    };
    let gap_ok = |a: usize, b: usize| {
        (a..b).all(|k| {
            cue.contains(&k)
                || source.as_ref().is_some_and(|s| s.contains(&k))
                || doc.toks[k].mark != Mark::None
        })
    };
    for r in &contents {
        let has_words = doc.toks[r.clone()].iter().any(|t| t.word);
        if !has_words || quoted(r) != quoted(&main) {
            continue;
        }
        if r.end <= cue.start && main.start >= cue.end && gap_ok(r.end, main.start) {
            content.start = content.start.min(r.start);
        } else if r.start >= cue.end && main.end <= cue.start && gap_ok(main.end, r.start) {
            content.end = content.end.max(r.end);
        }
    }
    // the tagger decides token by token: a content it broke off for one token (a quotation
    // mark, a `says` inside the reported clause) and took up again is one content, when both
    // runs lie on the same side of the cue in one sentence (`anybody who complains about |“|
    // is not having a good night.”`)
    let left = content.end <= cue.start;
    loop {
        let before = content.clone();
        for r in contents.iter().filter(|r| (r.end <= cue.start) == left) {
            let gap = if r.start == content.end + 1 {
                content.end
            } else if r.end + 1 == content.start {
                r.end
            } else {
                continue;
            };
            if !cue.contains(&gap) && doc.toks[gap - 1].sentence == doc.toks[gap + 1].sentence {
                content.start = content.start.min(r.start);
                content.end = content.end.max(r.end);
            }
        }
        if content == before {
            break;
        }
    }
    // a quotation is said whole: a content that starts or ends inside one takes all of it
    let first = doc.toks[content.start].quote;
    if first != 0 {
        content.start = content.start.min(doc.quotes[first as usize - 1].0);
    }
    let last = doc.toks[content.end - 1].quote;
    if last != 0 {
        content.end = content.end.max(doc.quotes[last as usize - 1].1 + 1);
    }
    Some((content, source))
}

/// Direct, indirect or mixed: how many of the content's words are quoted.
fn kind_of(doc: &Doc, content: &Range<usize>) -> Kind {
    let (mut words, mut quoted) = (0, 0);
    for t in &doc.toks[content.clone()] {
        if t.word {
            words += 1;
            quoted += (t.quote != 0) as usize;
        }
    }
    if quoted == 0 {
        Kind::Indirect
    } else if quoted * 10 >= words * 9 {
        Kind::Direct
    } else {
        Kind::Mixed
    }
}

/// The attributions of one prepared document by `model`, in text order (token ranges).
pub(crate) fn attributions_by_model(model: &Model, doc: &Doc) -> Vec<TokenAttribution> {
    let mut out = Vec::new();
    let mut feats = Vec::with_capacity(32);
    for para in &doc.paragraphs {
        let cues = tag_cues(model, doc, para, &mut feats);
        if cues.is_empty() {
            continue;
        }
        let is_cue = |k: usize| cues.iter().any(|c| c.0.start == k);
        for (cue, weak) in &cues {
            let ctx = CueContext::new(doc, cue.clone(), para);
            let window = doc.window(&ctx, para);
            let btw = between(doc, &window, &ctx, is_cue);
            let tags = tag_roles(model, doc, &window, &ctx, &btw, &mut feats);
            if let Some((content, source)) = assemble(doc, &window, cue, &tags) {
                if *weak && (source.is_none() || content.len() < 3) {
                    continue;
                }
                out.push(TokenAttribution {
                    cue: cue.clone(),
                    content,
                    source,
                });
            }
        }
    }
    out
}

/// An attribution as token ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TokenAttribution {
    pub(crate) cue: Range<usize>,
    pub(crate) content: Range<usize>,
    pub(crate) source: Option<Range<usize>>,
}

impl TokenAttribution {
    fn bytes(&self, doc: &Doc) -> Attribution {
        let span = |r: &Range<usize>| doc.toks[r.start].start..doc.toks[r.end - 1].end;
        // a source without the commas, stops, colons, dashes and quotation marks at its ends
        // (`the MSS,`)
        let trim = |k: usize| !matches!(doc.toks[k].mark, Mark::None | Mark::Other);
        let source = self.source.clone().and_then(|mut r| {
            while !r.is_empty() && trim(r.start) {
                r.start += 1;
            }
            while !r.is_empty() && trim(r.end - 1) {
                r.end -= 1;
            }
            (!r.is_empty()).then_some(r)
        });
        Attribution {
            kind: kind_of(doc, &self.content),
            content: span(&self.content),
            cue: span(&self.cue),
            source: source.as_ref().map(span),
            entity: None,
            words: doc.toks[self.content.clone()]
                .iter()
                .filter(|t| t.word)
                .count() as u32,
        }
    }
}

/// The attributions of a document in `lang`, in text order, their sources linked to `ner`'s
/// entities. `lower_of`/`stem_of` give a token's lower-cased form and stem, `upos` the parts
/// of speech (empty where none).
#[allow(clippy::too_many_arguments)]
pub fn extract<'s>(
    text: &str,
    seg: &Segmentation,
    lang: &str,
    lower_of: impl Fn(usize) -> &'s str,
    stem_of: impl Fn(usize) -> &'s str,
    upos: &[u8],
    ner: &DocEntities,
) -> Vec<Attribution> {
    let empty = FxHashSet::default();
    let model = model_for(lang);
    let stems = model.map_or(&empty, |m| &m.cue_stems);
    let doc = Doc::new(text, seg, &lower_of, &stem_of, upos, ner, stems);
    let found = match model {
        Some(m) => attributions_by_model(m, &doc),
        None => rules::attributions(&doc, lang, &lower_of),
    };
    let mut out: Vec<Attribution> = found.iter().map(|a| a.bytes(&doc)).collect();
    for a in &mut out {
        a.entity = link(text, a, ner, lang);
    }
    out.sort_by_key(|a| (a.content.start, a.cue.start));
    out
}

/// Pronouns that refer back to the last-named person, per language.
fn person_pronoun(lang: &str, w: &str) -> bool {
    let list: &[&str] = match lang {
        "eng" => &["he", "she"],
        "fra" => &["il", "elle"],
        "deu" => &["er", "sie"],
        "spa" => &["él", "ella"],
        "por" => &["ele", "ela"],
        "ita" => &["lui", "lei"],
        "rus" => &["он", "она"],
        "zho" => &["他", "她"],
        _ => &[],
    };
    list.contains(&w)
}

/// The entity a source names or refers back to:
/// - a person, organisation or place named inside the source span (a person first, else the
///   last organisation: `the WeChat account of the MSS` is the MSS);
/// - a personal pronoun (`he`, `she`): the person named last before the cue, unless two
///   people are named in that last sentence (ambiguous: left unresolved);
/// - a description (`the spokesman`): the person it stood next to earlier in the article
///   (`spokesman John Smith`, `Smith, a spokesman`).
pub fn link(text: &str, a: &Attribution, ner: &DocEntities, lang: &str) -> Option<usize> {
    let src = a.source.as_ref()?;
    // a person named in it, else the last organisation or place (`the account of the MSS`)
    let inside: Vec<&crate::ner::Mention> = ner
        .mentions
        .iter()
        .filter(|m| m.entity.is_some() && m.start < src.end && m.end > src.start)
        .filter(|m| matches!(m.label, "PER" | "ORG" | "LOC"))
        .collect();
    if let Some(m) = inside
        .iter()
        .find(|m| m.label == "PER")
        .or_else(|| inside.iter().rev().find(|m| m.label == "ORG"))
        .or_else(|| inside.last())
    {
        return m.entity;
    }
    let words: Vec<String> = text[src.clone()]
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect();
    let before: Vec<&crate::ner::Mention> = ner
        .mentions
        .iter()
        .filter(|m| m.end <= src.start.min(a.cue.start) && m.label == "PER" && m.entity.is_some())
        .collect();
    if words.len() == 1 && person_pronoun(lang, &words[0]) {
        let last = before.last()?;
        let rivals = before
            .iter()
            .rev()
            .take_while(|m| m.sentence == last.sentence)
            .any(|m| m.entity != last.entity);
        return (!rivals).then_some(last.entity).flatten();
    }
    // a description: its last word next to a person's mention earlier in the text
    let head = words.last()?.trim_matches(|c: char| !c.is_alphanumeric());
    if head.is_empty() || words.len() > 4 {
        return None;
    }
    let mut found: Option<usize> = None;
    for m in &before {
        let left = &text[text.floor_char_boundary(m.start.saturating_sub(40))..m.start];
        let right = &text[m.end..text.ceil_char_boundary((m.end + 40).min(text.len()))];
        let near = |s: &str| {
            s.split(|c: char| !c.is_alphanumeric())
                .any(|w| w.to_lowercase() == head)
        };
        let l = left.rsplit([',', '.']).next().unwrap_or("");
        let r = right.split(['.', ';']).next().unwrap_or("");
        if near(l) || (right.starts_with(',') && near(r)) {
            if found.is_some_and(|e| Some(e) != m.entity) {
                return None; // two people with that description
            }
            found = m.entity;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(text: &str) -> Doc {
        let seg = crate::segment::segment(text, "eng");
        Doc::new(
            text,
            &seg,
            |_| "",
            |_| "",
            &[],
            &DocEntities::default(),
            &FxHashSet::default(),
        )
    }

    #[test]
    fn a_content_broken_off_for_one_token_is_one_content() {
        let text = "Critics said anybody who complains about “a microphone” is not having fun. \
                    Then they left.";
        let d = prepared(text);
        let at = |w: &str| token_at(&d, text, w);
        let (said, open, fun, then) = (at("said"), at("“"), at("fun"), at("Then"));
        let window = 0..d.toks.len();
        let cue = said..said + 1;
        // the tagger's tags: Critics = source, said = cue, content broken at the quotation
        // mark and again after the sentence; a run in the next sentence stays out
        let mut tags = vec![O; d.toks.len()];
        tags[0] = B_SRC;
        tags[said] = CUE;
        tags[said + 1] = B_CNT;
        tags[said + 2..open].fill(I_CNT);
        tags[open + 1] = B_CNT;
        tags[open + 2..=fun].fill(I_CNT);
        tags[then + 1] = B_CNT;
        let (content, source) = assemble(&d, &window, &cue, &tags).unwrap();
        assert_eq!(source, Some(0..1));
        let span = &text[d.toks[content.start].start..d.toks[content.end - 1].end];
        assert_eq!(
            span,
            "anybody who complains about “a microphone” is not having fun"
        );
        // two tokens apart: not joined; the longer run is the content (with all of the
        // quotation it starts in)
        tags[open + 1] = O;
        let (content, _) = assemble(&d, &window, &cue, &tags).unwrap();
        let span = &text[d.toks[content.start].start..d.toks[content.end - 1].end];
        assert_eq!(span, "“a microphone” is not having fun");
    }

    #[test]
    fn quotation_marks_pair_per_paragraph() {
        let text = "“A b,” he said. “C\n\nD” e \"f\" ”g «h» »i« „j“";
        let d = prepared(text);
        let quoted: Vec<&str> = d
            .quotes
            .iter()
            .map(|&(o, c)| &text[d.toks[o].start..d.toks[c].end])
            .collect();
        assert_eq!(
            quoted,
            vec!["“A b,”", "“C", "\"f\"", "«h»", "»i«", "„j“"],
            "{quoted:?}"
        );
        assert_eq!(d.paragraphs.len(), 2);
    }

    /// Archive and typewriter text quotes with two apostrophes (or two backticks and two
    /// apostrophes); a lone apostrophe (`Clinton's`, `the members' dues`) is no mark.
    #[test]
    fn doubled_apostrophes_are_quotation_marks() {
        let text = "''Some courses are adapting,'' said Paul Chipok, the members' lawyer. \
                    ``It costs money,'' he said. Clinton's ''I hope not.''\n\n''Never closed";
        let d = prepared(text);
        let quoted: Vec<&str> = d
            .quotes
            .iter()
            .map(|&(o, c)| &text[d.toks[o].start..d.toks[c].end])
            .collect();
        assert_eq!(
            quoted,
            vec![
                "''Some courses are adapting,''",
                "``It costs money,''",
                "''I hope not.''",
                "''Never closed"
            ],
            "{quoted:?}"
        );
        // the closing pair's second apostrophe is the closing mark, inside the quotation
        let (o, c) = d.quotes[0];
        assert_eq!((d.toks[o].mark, d.toks[c].mark), (Mark::Open, Mark::Close));
        assert_eq!(&text[d.toks[c].start..d.toks[c].end], "'");
        assert_eq!(d.toks[c].quote, d.toks[c - 1].quote);
    }

    /// A straight mark that closes (after a word, before a space or punctuation) closes a
    /// curly opening one, and one that opens (after a space, before a word) closes nothing:
    /// mixed marks do not swallow the rest of the paragraph.
    #[test]
    fn straight_marks_open_or_close_by_their_sides() {
        let text = "“Immunity deals should not be a requirement,\" Jason Chaffetz said, adding that \
                    they were handed out \"like candy.\" Then \"a \"b\" c\".";
        let d = prepared(text);
        let quoted: Vec<&str> = d
            .quotes
            .iter()
            .map(|&(o, c)| &text[d.toks[o].start..d.toks[c].end])
            .collect();
        assert_eq!(
            quoted,
            vec![
                "“Immunity deals should not be a requirement,\"",
                "\"like candy.\"",
                "\"a \"b\" c\""
            ],
            "{quoted:?}"
        );
    }

    /// The index of the first token of `d` that reads `w`.
    fn token_at(d: &Doc, text: &str, w: &str) -> usize {
        d.toks
            .iter()
            .position(|t| &text[t.start..t.end] == w)
            .unwrap()
    }

    /// Runs of content either side of the cue are one content when only the cue and its source
    /// lie between and both are quotations or both reported speech; a quotation is not joined
    /// with the unquoted words after its cue.
    #[test]
    fn content_either_side_of_its_cue() {
        let span = |d: &Doc, text: &str, tags: &[u8], cue: Range<usize>| {
            let (c, _) = assemble(d, &(0..d.toks.len()), &cue, tags).unwrap();
            text[d.toks[c.start].start..d.toks[c.end - 1].end].to_string()
        };
        let text = "Many of the closures, he said, have involved public courses.";
        let d = prepared(text);
        let at = |w: &str| token_at(&d, text, w);
        let (he, said, have, courses) = (at("he"), at("said"), at("have"), at("courses"));
        let mut tags = vec![O; d.toks.len()];
        tags[0] = B_CNT;
        tags[1..he - 1].fill(I_CNT);
        tags[he] = B_SRC;
        tags[said] = CUE;
        tags[have] = B_CNT;
        tags[have + 1..=courses].fill(I_CNT);
        assert_eq!(
            span(&d, text, &tags, said..said + 1),
            "Many of the closures, he said, have involved public courses"
        );

        let text = "“She made it up,” he said of the claim during a long call on Sunday.";
        let d = prepared(text);
        let at = |w: &str| token_at(&d, text, w);
        let (she, up, he, said, of, sunday) = (
            at("She"),
            at("up"),
            at("he"),
            at("said"),
            at("of"),
            at("Sunday"),
        );
        let mut tags = vec![O; d.toks.len()];
        tags[she - 1] = B_CNT;
        tags[she..=up + 2].fill(I_CNT);
        tags[he] = B_SRC;
        tags[said] = CUE;
        tags[of] = B_CNT;
        tags[of + 1..=sunday].fill(I_CNT);
        assert_eq!(
            span(&d, text, &tags, said..said + 1),
            "of the claim during a long call on Sunday"
        );

        // a run of punctuation alone is joined to nothing
        let text = "Spending rose 3.5% to $1.2 billion, officials said.";
        let d = prepared(text);
        let at = |w: &str| token_at(&d, text, w);
        let (officials, said) = (at("officials"), at("said"));
        let mut tags = vec![O; d.toks.len()];
        tags[0] = B_CNT;
        tags[1..officials - 1].fill(I_CNT);
        tags[officials] = B_SRC;
        tags[said] = CUE;
        tags[said + 1] = B_CNT;
        assert_eq!(
            span(&d, text, &tags, said..said + 1),
            "Spending rose 3.5% to $1.2 billion"
        );
    }

    #[test]
    fn unbalanced_marks_never_cross_paragraphs() {
        for text in [
            "“Never closed, he said.\n\nNext paragraph.",
            "” closing first “ then open",
            "\"\"\"",
            "“a “b” c” d",
        ] {
            let d = prepared(text);
            for &(o, c) in &d.quotes {
                assert!(
                    d.paragraphs
                        .iter()
                        .any(|p| p.contains(&o) && p.contains(&c))
                );
            }
        }
    }

    #[test]
    fn model_file_round_trip_and_bundled_model_loads() {
        let m = model_for("eng").expect("English quotes model");
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.to_bytes(), m.to_bytes());
        assert!(model_for("xyz").is_none());
        assert!(Model::from_bytes(b"NLPOS001").is_err());
    }
}
