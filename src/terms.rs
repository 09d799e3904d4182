//! Terms: what each document talks about, counted, and how common it is in the corpus.
//!
//! Takes one document's sentences, tokens and lexical annotation; gives its content terms as
//! unigrams and as 2- and 3-grams ([`count_terms`]), grouped by stem, each with its count and the
//! lower-cased surface forms seen. An n-gram stays inside a sentence, does not cross punctuation,
//! and neither starts nor ends with a stopword (`ministry of state` is one, `of state` is not).
//! [`CorpusTerms`] merges documents — in any order, with the same result — into document
//! frequencies, so a corpus can be split across threads or processes and merged.
//! Formulas: `tf = count / words`, `idf = ln((1 + N) / (1 + df)) + 1`, `tfidf = tf × idf`.

use crate::lexicon::Annotated;
use crate::segment::{Segmentation, TokenKind};
use rustc_hash::FxHashMap;

/// Longest n-gram counted.
pub const MAX_N: usize = 3;
const NONE: u32 = u32::MAX;

/// One term of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocTerm {
    /// Number of words: 1, 2 or 3.
    pub n: u8,
    /// The stems of its words, joined by single spaces.
    pub stem: String,
    /// Occurrences in the document.
    pub count: u32,
    /// Lower-cased surface forms (words joined by single spaces) with their counts, most
    /// frequent first, ties in alphabetical order.
    pub forms: Vec<(String, u32)>,
    /// Index of the first token of its first occurrence.
    pub first_token: u32,
}

impl DocTerm {
    /// The term as shown: its most frequent lower-cased surface form.
    pub fn term(&self) -> &str {
        &self.forms[0].0
    }
}

/// The terms of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocTerms {
    /// Terms sorted by descending count, then n, then term.
    pub terms: Vec<DocTerm>,
    /// Word tokens in the document (the denominator of tf).
    pub words: u32,
    /// Distinct unigram terms.
    pub unique_unigrams: u32,
}

/// Counts the content terms of one document, up to `max_n` words long (1..=3).
pub fn count_terms(seg: &Segmentation, ann: &Annotated, max_n: usize) -> DocTerms {
    let words = seg
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .count() as u32;
    // counts by sequence of form ids; NONE pads unigrams and bigrams
    // (count, first token of the first occurrence) by sequence of form ids
    let mut by_forms: FxHashMap<[u32; MAX_N], (u32, u32)> = FxHashMap::default();
    for_each_ngram(seg, ann, max_n, |_, first, last| {
        let mut key = [NONE; MAX_N];
        for (k, j) in (first..=last).enumerate() {
            key[k] = ann.token_forms[j];
        }
        let e = by_forms.entry(key).or_insert((0, first as u32));
        e.0 += 1;
        e.1 = e.1.min(first as u32);
    });
    // group form sequences by stem sequence
    type Forms = Vec<([u32; MAX_N], (u32, u32))>;
    let mut by_stems: FxHashMap<[u32; MAX_N], Forms> = FxHashMap::default();
    for (forms, count) in by_forms {
        let stems = forms.map(|f| {
            if f == NONE {
                NONE
            } else {
                ann.forms[f as usize].stem
            }
        });
        by_stems.entry(stems).or_default().push((forms, count));
    }
    let mut terms: Vec<DocTerm> = by_stems
        .into_iter()
        .map(|(stems, group)| {
            let first_token = group.iter().map(|(_, (_, t))| *t).min().unwrap_or(0);
            let mut forms: Vec<(String, u32)> = group
                .iter()
                .map(|(f, (c, _))| (join(f, |id| ann.forms[id as usize].lower.as_str()), *c))
                .collect();
            forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            DocTerm {
                n: stems.iter().filter(|&&s| s != NONE).count() as u8,
                stem: join(&stems, |id| ann.stems[id as usize].as_str()),
                count: forms.iter().map(|f| f.1).sum(),
                forms,
                first_token,
            }
        })
        .collect();
    terms.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.n.cmp(&b.n))
            .then_with(|| a.term().cmp(b.term()))
            .then_with(|| a.stem.cmp(&b.stem))
    });
    let unique_unigrams = terms.iter().filter(|t| t.n == 1).count() as u32;
    DocTerms {
        terms,
        words,
        unique_unigrams,
    }
}

/// Calls `f(sentence, first, last)` for every term occurrence of 1 to `max_n` (≤ [`MAX_N`])
/// tokens `first..=last`: inside one sentence, only words, numbers, @handles and #hashtags (so
/// no punctuation inside), and first and last tokens content words (not stopwords, not bare
/// numbers). In text order of the last token, shorter first. [`count_terms`] and
/// [`crate::keywords`] both enumerate with it, so keyword candidates are exactly the terms whose
/// document frequencies [`CorpusTerms`] holds.
pub fn for_each_ngram(
    seg: &Segmentation,
    ann: &Annotated,
    max_n: usize,
    mut f: impl FnMut(usize, usize, usize),
) {
    let max_n = max_n.clamp(1, MAX_N);
    let joinable = |i: usize| is_joinable(seg.tokens[i].kind);
    for (si, s) in seg.sentences.iter().enumerate() {
        for i in s.tokens.clone() {
            if !ann.form(i).content {
                continue;
            }
            f(si, i, i);
            // n-grams ending at token i
            for n in 2..=max_n {
                if i + 1 < s.tokens.start + n {
                    break;
                }
                let first = i + 1 - n;
                // tokens first+1..=i were checked for the shorter n-grams
                if !joinable(first) {
                    break;
                }
                if ann.form(first).content {
                    f(si, first, i);
                }
            }
        }
    }
}

/// Whether a token of this kind can be part of a multi-word term.
#[inline]
pub fn is_joinable(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Word | TokenKind::Number | TokenKind::Handle | TokenKind::Hashtag
    )
}

/// Joins the strings of the ids of an n-gram key with single spaces.
fn join<'a>(ids: &[u32; MAX_N], name: impl Fn(u32) -> &'a str) -> String {
    let mut s = String::new();
    for &id in ids.iter().take_while(|&&id| id != NONE) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(name(id));
    }
    s
}

/// `tf = count / words` (0 for a document without words).
pub fn tf(count: u32, words: u32) -> f64 {
    if words == 0 {
        0.0
    } else {
        count as f64 / words as f64
    }
}

/// Smoothed inverse document frequency: `ln((1 + n_docs) / (1 + df)) + 1`.
pub fn idf(n_docs: u64, df: u64) -> f64 {
    ((1.0 + n_docs as f64) / (1.0 + df as f64)).ln() + 1.0
}

/// Corpus statistics of one term.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusTerm {
    /// Documents that contain it.
    pub docs: u64,
    /// Occurrences in all documents.
    pub count: u64,
    /// Lower-cased surface forms with their corpus counts, sorted by form. A sorted vector, not
    /// a map: most terms have one form or two, and a vocabulary of millions of terms would pay
    /// for a map's own table on every one of them.
    pub forms: Vec<(Box<str>, u64)>,
}

impl CorpusTerm {
    /// The most frequent surface form (ties: alphabetically first).
    pub fn term(&self) -> &str {
        match self.forms.as_slice() {
            [(only, _)] => only,
            forms => forms
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map_or("", |(f, _)| f),
        }
    }

    /// Adds `count` occurrences of the surface form `form`.
    fn add_form(&mut self, form: &str, count: u64) {
        match self.forms.binary_search_by(|(f, _)| (**f).cmp(form)) {
            Ok(i) => self.forms[i].1 += count,
            Err(i) => self.forms.insert(i, (form.into(), count)),
        }
    }
}

/// Key of a group of corpus terms: language and n. Terms of different languages never merge.
pub type GroupKey = (&'static str, u8);

/// Document frequencies and counts over a corpus; grows with the vocabulary, not the corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusTerms {
    /// Documents merged.
    pub n_docs: u64,
    /// Statistics per (language, n), then per stem.
    pub groups: FxHashMap<GroupKey, FxHashMap<String, CorpusTerm>>,
}

fn add_term<'a>(
    entry: &mut CorpusTerm,
    docs: u64,
    count: u64,
    forms: impl Iterator<Item = (&'a str, u64)>,
) {
    entry.docs += docs;
    entry.count += count;
    for (form, c) in forms {
        entry.add_form(form, c);
    }
}

impl CorpusTerms {
    /// Adds one document (of language `lang`).
    pub fn add(&mut self, lang: &'static str, doc: &DocTerms) {
        self.n_docs += 1;
        for t in &doc.terms {
            let group = self.groups.entry((lang, t.n)).or_default();
            let entry = match group.get_mut(t.stem.as_str()) {
                Some(e) => e,
                None => group.entry(t.stem.clone()).or_default(),
            };
            add_term(
                entry,
                1,
                t.count as u64,
                t.forms.iter().map(|(f, c)| (f.as_str(), *c as u64)),
            );
        }
    }

    /// Merges another partial result into this one (commutative and associative).
    pub fn merge(&mut self, other: CorpusTerms) {
        self.n_docs += other.n_docs;
        for (key, terms) in other.groups {
            let group = self.groups.entry(key).or_default();
            for (stem, t) in terms {
                add_term(
                    group.entry(stem).or_default(),
                    t.docs,
                    t.count,
                    t.forms.iter().map(|(f, c)| (&**f, *c)),
                );
            }
        }
    }

    /// Document frequency of a term (0 if unseen).
    pub fn df(&self, lang: &'static str, n: u8, stem: &str) -> u64 {
        self.groups
            .get(&(lang, n))
            .and_then(|g| g.get(stem))
            .map_or(0, |t| t.docs)
    }

    /// The terms of one language and length, by stem (to look up many terms of one document).
    pub fn group(&self, lang: &'static str, n: u8) -> Option<&FxHashMap<String, CorpusTerm>> {
        self.groups.get(&(lang, n))
    }

    /// Number of distinct terms.
    pub fn len(&self) -> usize {
        self.groups.values().map(|g| g.len()).sum()
    }

    /// Whether no term was seen.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows for `corpus_terms.csv` as (language, n, stem, stats), those `keep(n, stats)`
    /// accepts: sorted by descending docs, then descending count, then language, n, term and
    /// stem (a total order: the sort is parallel on the current rayon pool, and the result the
    /// same whatever its size). The rows are chosen before the sort: most terms of a corpus
    /// tie on one document and one occurrence, and compare by their text.
    pub fn sorted(
        &self,
        keep: impl Fn(u8, &CorpusTerm) -> bool,
    ) -> Vec<(&'static str, u8, &str, &CorpusTerm)> {
        use rayon::slice::ParallelSliceMut;
        let mut rows: Vec<_> = self
            .groups
            .iter()
            .flat_map(|(&(lang, n), g)| g.iter().map(move |(stem, t)| (lang, n, stem.as_str(), t)))
            .filter(|r| keep(r.1, r.3))
            .collect();
        rows.par_sort_unstable_by(|a, b| {
            b.3.docs
                .cmp(&a.3.docs)
                .then(b.3.count.cmp(&a.3.count))
                .then(a.0.cmp(b.0))
                .then(a.1.cmp(&b.1))
                .then_with(|| a.3.term().cmp(b.3.term()))
                .then_with(|| a.2.cmp(b.2))
        });
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Lexicon, annotate};

    fn terms_of(text: &str) -> DocTerms {
        let seg = crate::segment::segment(text, "eng");
        let ann = annotate(text, &seg.tokens, Lexicon::get("eng"));
        count_terms(&seg, &ann, 3)
    }

    fn check(text: &str, expected: &[&str]) {
        let got: Vec<String> = terms_of(text)
            .terms
            .iter()
            .map(|t| format!("{}={}", t.term(), t.count))
            .collect();
        assert_eq!(got, expected, "{text:?}");
    }

    #[test]
    fn unigrams_and_ngrams() {
        check(
            "the Ministry of State Security",
            &[
                "ministry=1",
                "security=1",
                "state=1",
                "state security=1",
                "ministry of state=1",
            ],
        );
        check("Security, security. SECURITY!", &["security=3"]);
        check(
            "China’s law and China's police",
            &[
                "china's=2",
                "law=1",
                "police=1",
                "china's law=1",
                "china's police=1",
                "law and china's=1",
            ],
        );
        check(
            "We paid 100 dollars",
            &["dollars=1", "paid=1", "paid 100 dollars=1"],
        );
        check("state. security", &["security=1", "state=1"]);
    }

    #[test]
    fn counts_add_up() {
        let d = terms_of("The state security law: state security matters, says the state.");
        let unigrams: u32 = d.terms.iter().filter(|t| t.n == 1).map(|t| t.count).sum();
        assert_eq!(unigrams, 8);
        assert_eq!(d.words, 10);
        assert_eq!(d.unique_unigrams, 5);
    }

    #[test]
    fn corpus_merge_is_order_independent() {
        let a = terms_of("state security and state police");
        let b = terms_of("Security matters. The police.");
        let mut ab = CorpusTerms::default();
        ab.add("eng", &a);
        ab.add("eng", &b);
        let mut ba = CorpusTerms::default();
        ba.add("eng", &b);
        ba.add("eng", &a);
        assert_eq!(ab, ba);
        let (mut left, mut right) = (CorpusTerms::default(), CorpusTerms::default());
        left.add("eng", &a);
        right.add("eng", &b);
        left.merge(right);
        assert_eq!(left, ab);
        assert_eq!(ab.df("eng", 1, "secur"), 2);
        assert_eq!(ab.df("eng", 1, "state"), 1);
        assert_eq!(ab.df("fra", 1, "secur"), 0);
    }

    #[test]
    fn corpus_term_shows_its_most_frequent_form() {
        let mut t = CorpusTerm::default();
        for (form, n) in [
            ("security", 2),
            ("secure", 3),
            ("securities", 1),
            ("security", 1),
        ] {
            t.add_form(form, n);
        }
        // sorted by form, counts added up; a tie goes to the alphabetically first form
        assert_eq!(
            t.forms,
            [
                ("secure".into(), 3),
                ("securities".into(), 1),
                ("security".into(), 3)
            ]
        );
        assert_eq!(t.term(), "secure");
        t.add_form("security", 1);
        assert_eq!(t.term(), "security");
        assert_eq!(CorpusTerm::default().term(), "");
    }

    #[test]
    fn formulas() {
        assert_eq!(tf(2, 8), 0.25);
        assert_eq!(tf(2, 0), 0.0);
        assert!((idf(10, 1) - ((11.0f64 / 2.0).ln() + 1.0)).abs() < 1e-12);
        assert_eq!(idf(3, 3), 1.0);
    }
}
