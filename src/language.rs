//! Language: which language a document is written in.
//!
//! Takes a document's text; gives an ISO 639-3 code (`zho` for Chinese), a confidence (0–1)
//! and a reliability flag. Texts with no letters give `und`. `--lang` bypasses detection
//! ([`LangInfo::fixed`]); `--languages` restricts the candidates ([`Detector::new`]).
//!
//! Two paths, chosen per text:
//!
//! - **fast path** (whole articles): whatlang on the first [`SAMPLE_BYTES`] (then, if that is
//!   not conclusive, [`RETRY_BYTES`]), when the text has at least [`SHORT_CHARS`] characters
//!   and whatlang calls its answer reliable. Name-heavy texts (results tables, lists of names:
//!   mostly capitalised words, whose letter trigrams say little) are settled by a vote of
//!   function words instead; the NER model follows the language.
//! - **accurate path** (headlines, captions, one-line items, and anything whatlang is unsure
//!   of): the `lingua` crate in high-accuracy mode (character 1- to 5-gram models, stored as
//!   finite-state transducers and read in place from the binary, loaded lazily per language;
//!   their pages are unmapped every [`RELEASE_EVERY`] calls so they do not pile up in memory)
//!   on the first [`LINGUA_CHARS`] characters. From [`SHORTLIST_MIN_CHARS`] characters on,
//!   lingua weighs only whatlang's [`SHORTLIST`] best candidates (plus the languages only lingua
//!   knows). On lingua-rs's test data it is ~3 points more accurate than whatlang on
//!   sentences, ~20 on word pairs and ~20 on single words (README). Which languages lingua
//!   knows is a build choice: all 75 by default, the 24 common ones without the
//!   `all-languages` feature.
//!
//! Both paths first apply a CJK script rule (Chinese, Japanese or Korean when those characters
//! make up most of the letters). [`Detector::parts`] then cuts a document into runs of
//! paragraphs of one language, which the pipeline segments, stems and tags for names each in
//! its own language.

use crate::lexicon::Lexicon;
use lingua::Language;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock, RwLock};
use whatlang::{Lang, Script};

/// How much of a document the fast path reads first: about 80 words, where whatlang is
/// reliable on news prose; whole-article speed stays independent of article length.
pub const SAMPLE_BYTES: usize = 512;

/// How much of a long text the name-heavy test reads (about 150 words).
pub const NAME_SAMPLE_BYTES: usize = 1024;

/// How much the fast path reads when the first sample is not conclusive.
pub const RETRY_BYTES: usize = 4 * 1024;

/// Texts with fewer characters than this take the accurate path.
pub const SHORT_CHARS: usize = 200;

/// How many characters the accurate path reads.
pub const LINGUA_CHARS: usize = 400;

/// How many of whatlang's best candidates lingua weighs on the accurate path, for texts of at
/// least [`SHORTLIST_MIN_CHARS`] characters. On the lingua-rs sentences (mean of 24 languages)
/// accuracy stays at 0.978 (0.9780 against 0.9782 with every language) for two thirds of the
/// instructions; on word pairs and single words whatlang's shortlist misses the right language
/// too often (eight candidates: 0.885 and 0.723 against 0.915 and 0.764), so those texts are
/// weighed against every candidate.
pub const SHORTLIST: usize = 8;

/// Texts shorter than this (in characters) are weighed against every candidate.
pub const SHORTLIST_MIN_CHARS: usize = 60;

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

/// lingua's languages with their ISO 639-3 codes, sorted by code.
fn lingua_table() -> &'static [(&'static str, Language)] {
    static TABLE: OnceLock<Vec<(&'static str, Language)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(&'static str, Language)> = Language::all()
            .into_iter()
            .map(|l| {
                let code: &'static str = Box::leak(l.iso_code_639_3().to_string().into_boxed_str());
                (code, l)
            })
            .collect();
        t.sort_by_key(|(c, _)| *c);
        t
    })
}

fn lingua_code(lang: Language) -> &'static str {
    static CODES: OnceLock<HashMap<Language, &'static str>> = OnceLock::new();
    CODES.get_or_init(|| lingua_table().iter().map(|&(c, l)| (l, c)).collect())[&lang]
}

/// The bit set over [`lingua_table`] of those of `codes` lingua knows.
fn lingua_mask(codes: &[&str]) -> u128 {
    let t = lingua_table();
    codes
        .iter()
        .filter_map(|c| t.binary_search_by_key(c, |(code, _)| *code).ok())
        .fold(0, |m, i| m | 1 << i)
}

/// The languages of `set` whatlang does not know.
fn lingua_only(set: u128) -> u128 {
    lingua_table()
        .iter()
        .enumerate()
        .filter(|(_, (code, _))| whatlang_lang(code).is_none())
        .fold(0, |m, (i, _)| m | 1 << i)
        & set
}

/// A lingua detector over the languages of `set`, built once per set and shared. Building
/// one is cheap: the models are loaded lazily, once per language, and shared by all detectors
/// (they are read in place from the executable).
fn lingua_detector(set: u128) -> Arc<lingua::LanguageDetector> {
    static DETECTORS: OnceLock<RwLock<HashMap<u128, Arc<lingua::LanguageDetector>>>> =
        OnceLock::new();
    let cache = DETECTORS.get_or_init(Default::default);
    if let Some(d) = cache.read().unwrap().get(&set) {
        return d.clone();
    }
    let langs: Vec<Language> = lingua_table()
        .iter()
        .enumerate()
        .filter(|(i, _)| set & (1 << i) != 0)
        .map(|(_, (_, l))| *l)
        .collect();
    let d = Arc::new(lingua::LanguageDetectorBuilder::from_languages(&langs).build());
    let mut cache = cache.write().unwrap();
    // a detector is small (its language sets), but the shortlists of a varied corpus are many
    if cache.len() >= 4096 {
        return d;
    }
    cache.entry(set).or_insert(d).clone()
}

fn lingua_language(code: &str) -> Option<Language> {
    let t = lingua_table();
    t.binary_search_by_key(&code, |(c, _)| *c)
        .ok()
        .map(|i| t[i].1)
}

/// A language detector over a set of candidate languages (all by default).
#[derive(Clone)]
pub struct Detector {
    /// The candidates (ISO 639-3), or `None` for all.
    candidates: Option<Vec<&'static str>>,
    whatlang: Option<whatlang::Detector>,
    /// lingua's languages among the candidates (bits over [`lingua_table`]).
    lingua_set: u128,
    /// Those of them whatlang does not know, so that its shortlist cannot name them.
    lingua_only: u128,
    lingua: Arc<lingua::LanguageDetector>,
}

impl fmt::Debug for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Detector")
            .field("candidates", &self.candidates)
            .finish_non_exhaustive()
    }
}

impl Default for Detector {
    fn default() -> Self {
        Detector::shared().clone()
    }
}

impl Detector {
    /// The detector over all languages, built once per process.
    pub fn shared() -> &'static Detector {
        static ALL: OnceLock<Detector> = OnceLock::new();
        ALL.get_or_init(|| {
            let all = lingua_table().iter().map(|(c, _)| *c).collect::<Vec<_>>();
            let lingua_set = lingua_mask(&all);
            Detector {
                candidates: None,
                whatlang: Some(whatlang::Detector::new()),
                lingua_set,
                lingua_only: lingua_only(lingua_set),
                lingua: lingua_detector(lingua_set),
            }
        })
    }

    /// A detector restricted to `codes` (ISO 639-3 as [`parse_code`] returns them). `None` when
    /// no code names a language either detector knows.
    pub fn new(codes: &[&'static str]) -> Option<Detector> {
        let mut codes: Vec<&'static str> = codes.iter().copied().filter(|c| *c != "und").collect();
        codes.sort_unstable();
        codes.dedup();
        let lingua_langs: Vec<Language> = codes.iter().filter_map(|c| lingua_language(c)).collect();
        let whatlang_langs: Vec<Lang> = codes.iter().filter_map(|c| whatlang_lang(c)).collect();
        if lingua_langs.is_empty() && whatlang_langs.is_empty() {
            return None;
        }
        // lingua needs at least one language; with none of its languages it only ever runs on
        // text whatlang already answered for
        let (lingua_set, lingua) = if lingua_langs.is_empty() {
            let d = Detector::shared();
            (d.lingua_set, d.lingua.clone())
        } else {
            let set = lingua_mask(&codes);
            (set, lingua_detector(set))
        };
        Some(Detector {
            whatlang: (!whatlang_langs.is_empty())
                .then(|| whatlang::Detector::with_allowlist(whatlang_langs)),
            lingua_set,
            lingua_only: lingua_only(lingua_set),
            lingua,
            candidates: Some(codes),
        })
    }

    /// The candidate languages, or `None` for all.
    pub fn candidates(&self) -> Option<&[&'static str]> {
        self.candidates.as_deref()
    }

    /// Detects the language of `text` (see the module docs).
    pub fn detect(&self, text: &str) -> LangInfo {
        let sample = prefix(text, SAMPLE_BYTES);
        if let Some(cjk) = cjk_language(sample)
            && self.allows(cjk.code)
        {
            return cjk;
        }
        if text.chars().nth(SHORT_CHARS).is_some()
            && let Some(w) = &self.whatlang
        {
            let long = prefix(text, RETRY_BYTES);
            if name_heavy(prefix(text, NAME_SAMPLE_BYTES)) {
                return self.names(w, long);
            }
            // a longer sample when the first is not conclusive (a title, a byline, names)
            for sample in [sample, long] {
                if let Some(info) = w.detect(sample)
                    && info.is_reliable()
                {
                    return LangInfo {
                        code: iso639_3(info.lang()),
                        confidence: round3(info.confidence()),
                        reliable: true,
                    };
                }
                if sample.len() == text.len() {
                    break;
                }
            }
        }
        self.accurate(prefix(text, RETRY_BYTES))
    }

    /// A name-heavy text: whatlang's guess, overruled by a clear vote of function words.
    fn names(&self, w: &whatlang::Detector, sample: &str) -> LangInfo {
        let Some(info) = w.detect(sample) else {
            return self.accurate(sample);
        };
        let mut out = LangInfo {
            code: iso639_3(info.lang()),
            confidence: round3(info.confidence()),
            reliable: info.is_reliable(),
        };
        if let Some(code) = stopword_vote(sample, info.script(), out.code)
            && self.allows(code)
        {
            out.code = code;
        }
        out
    }

    /// Languages of a document by share of its letters, per paragraph (see [`Detector::parts`]),
    /// formatted for `documents.csv` as `eng:0.86;zho:0.14` (largest share first).
    pub fn shares(&self, text: &str, doc: &LangInfo) -> String {
        self.parts_and_shares(text, doc).1
    }

    /// [`Detector::parts`] and [`Detector::shares`] at the cost of one.
    pub fn parts_and_shares(
        &self,
        text: &str,
        doc: &LangInfo,
    ) -> (Vec<(Range<usize>, &'static str)>, String) {
        let paragraphs = self.paragraphs(text, doc);
        let mut letters: Vec<(&'static str, usize)> = Vec::new();
        for (_, code, n) in &paragraphs {
            match letters.iter_mut().find(|(c, _)| c == code) {
                Some((_, m)) => *m += n,
                None => letters.push((code, *n)),
            }
        }
        (
            merge_parts(text, doc, paragraphs),
            format_shares(&letters, doc.code),
        )
    }

    /// The document cut into consecutive parts of one language each (byte ranges covering the
    /// whole text), for segmenting and stemming each in its own language: paragraphs (blocks
    /// between blank lines, or lines when there are none) with their languages, neighbours of
    /// one language merged. `doc` is the document's language: paragraphs shorter than
    /// [`SHORT_CHARS`] take it unless the CJK rule says otherwise, longer ones get whatlang on
    /// their first [`SAMPLE_BYTES`] and keep `doc` when that is not reliable, so this costs
    /// about one fast-path call per long paragraph. A document in one language is one part.
    pub fn parts(&self, text: &str, doc: &LangInfo) -> Vec<(Range<usize>, &'static str)> {
        merge_parts(text, doc, self.paragraphs(text, doc))
    }

    /// Paragraphs with letters: (byte range, language, letters).
    fn paragraphs(&self, text: &str, doc: &LangInfo) -> Vec<(Range<usize>, &'static str, usize)> {
        let blank_lines =
            text.lines().any(|l| l.trim().is_empty()) && text.lines().any(|l| !l.trim().is_empty());
        let mut spans: Vec<Range<usize>> = Vec::new();
        let mut start = None;
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            if blank_lines {
                if line.trim().is_empty() {
                    if let Some(s) = start.take() {
                        spans.push(s..pos);
                    }
                } else if start.is_none() {
                    start = Some(pos);
                }
            } else {
                spans.push(pos..pos + line.len());
            }
            pos += line.len();
        }
        if let Some(s) = start {
            spans.push(s..text.len());
        }
        let doc_lexicon = Lexicon::get(doc.code);
        let mut out = Vec::with_capacity(spans.len());
        for range in spans {
            let p = &text[range.clone()];
            // letters; bytes when the paragraph is ASCII (most news prose), the same count
            let n = match p.is_ascii() {
                true => p.bytes().filter(u8::is_ascii_alphabetic).count(),
                false => p
                    .chars()
                    .filter(|c| match c.is_ascii() {
                        true => c.is_ascii_alphabetic(),
                        false => c.is_alphabetic(),
                    })
                    .count(),
            };
            if n == 0 {
                continue;
            }
            let sample = prefix(p, SAMPLE_BYTES);
            let code = match cjk_language(sample) {
                Some(cjk) if self.allows(cjk.code) => cjk.code,
                _ if n < SHORT_CHARS || mostly_function_words(sample, doc_lexicon) => doc.code,
                _ => self
                    .whatlang
                    .as_ref()
                    .and_then(|w| w.detect(sample))
                    .filter(|i| i.is_reliable())
                    .map_or(doc.code, |i| iso639_3(i.lang())),
            };
            out.push((range, code, n));
        }
        out
    }

    fn allows(&self, code: &str) -> bool {
        self.candidates.as_ref().is_none_or(|c| c.contains(&code))
    }

    /// The languages lingua weighs for `sample`, when whatlang can narrow them down: in a script
    /// that several languages share (Latin, Cyrillic, Arabic, Devanagari), whatlang's
    /// [`SHORTLIST`] best-scoring candidates, plus the candidates only lingua knows. lingua's
    /// cost grows with the number of languages it weighs (its 1- to 5-gram look-ups), while
    /// whatlang scores every language of a script in microseconds. `None`: all candidates
    /// (other scripts, which lingua's rules settle without n-grams).
    fn shortlist(&self, sample: &str) -> Option<u128> {
        sample.chars().nth(SHORTLIST_MIN_CHARS)?;
        let raw = whatlang::dev::raw_detect(sample);
        let Some(whatlang::dev::RawLangInfo::MultiScript(combined)) = raw.lang_info else {
            return None;
        };
        let mut set = self.lingua_only;
        let mut taken = 0;
        for (lang, _) in &combined.scores {
            let bit = lingua_mask(&[iso639_3(*lang)]) & self.lingua_set;
            if bit != 0 {
                set |= bit;
                taken += 1;
                if taken == SHORTLIST {
                    break;
                }
            }
        }
        (set.count_ones() >= 2).then_some(set)
    }

    /// The accurate path: lingua on the first [`LINGUA_CHARS`] characters.
    fn accurate(&self, sample: &str) -> LangInfo {
        let end = sample
            .char_indices()
            .nth(LINGUA_CHARS)
            .map_or(sample.len(), |(i, _)| i);
        let sample = &sample[..end];
        let values = match self.shortlist(sample) {
            Some(set) => lingua_detector(set).compute_language_confidence_values(sample),
            None => self.lingua.compute_language_confidence_values(sample),
        };
        model_pages::after_call();
        match values.first() {
            Some(&(lang, conf)) if conf > 0.0 => LangInfo {
                code: lingua_code(lang),
                confidence: round3(conf),
                reliable: conf >= 0.5,
            },
            _ => LangInfo::UNDETERMINED,
        }
    }
}

/// How many accurate-path calls may touch lingua's models between two releases of their pages
/// (`model_pages`). One call on a short Latin-script text weighs 26–75 languages, and its
/// look-ups land all over each model, so it maps most of each one (a page fault maps a whole
/// page-cache folio of 64 KiB or more): one call maps up to about 100 MB, a few dozen calls
/// nearly all 242 MB. Default run on `seeds/` and `corpus/` (peak RSS, `-j2`): never released
/// 365 MB; every 128 calls 304 MB; 64: 247–248; 32: 219–241; 16: 198–209. The cost is the
/// faults that map the pages back: nothing measurable on that run, but on a stream of nothing
/// but one-line items (5,000 of `dev.jsonl`) CPU time per item +29 % at 64, +50 % at 32,
/// +76 % at 16. Whole articles take the fast path and do not pay it.
pub const RELEASE_EVERY: usize = 32;

/// lingua's models are compiled into the executable and read in place, so every page an n-gram
/// look-up touches stays mapped into the process: over a varied corpus the accurate path ends
/// up with most of the models of the languages it weighs resident (in the bundled run 242 MB of
/// the 282 MB of all 75 languages, for about 1,500 short texts). Those pages are clean and
/// file-backed: the page cache holds them, shared and reclaimable, and mapping one again is a
/// minor fault. Every [`RELEASE_EVERY`] accurate-path calls the detector unmaps them
/// (`madvise(MADV_DONTNEED)` over the executable's read-only segment, which holds `.rodata`);
/// the next calls map back only what they touch, so the models' share of the resident set
/// stays at what a few hundred short texts need.
mod model_pages {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    /// Counts one accurate-path call; every [`super::RELEASE_EVERY`]th releases the pages.
    pub fn after_call() {
        let every = super::RELEASE_EVERY;
        if CALLS.fetch_add(1, Ordering::Relaxed) % every == every - 1 {
            release();
        }
    }

    /// Unmaps the resident pages of the executable's read-only segment.
    #[cfg(target_os = "linux")]
    pub fn release() {
        if let Some((start, len)) = *segment() {
            // SAFETY: the range is whole pages of a PT_LOAD segment mapped read-only and
            // private from the executable file, which nobody writes: the dynamic loader relocates
            // only writable segments (RELRO lies in one), and a running executable cannot be
            // opened for writing (ETXTBSY). Dropping such pages changes no byte the program can
            // read: the next access maps the same file page again.
            unsafe {
                libc::madvise(start as *mut libc::c_void, len, libc::MADV_DONTNEED);
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub fn release() {}

    /// The whole pages of the executable's largest read-only (not writable, not executable)
    /// loaded segment, if it holds this module's constants (`.rodata`).
    #[cfg(target_os = "linux")]
    pub fn segment() -> &'static Option<(usize, usize)> {
        static SEGMENT: std::sync::OnceLock<Option<(usize, usize)>> = std::sync::OnceLock::new();
        SEGMENT.get_or_init(|| {
            // called for each loaded object, the executable first
            unsafe extern "C" fn first(
                info: *mut libc::dl_phdr_info,
                _size: libc::size_t,
                data: *mut libc::c_void,
            ) -> libc::c_int {
                // SAFETY: the loader passes a valid `dl_phdr_info` whose `dlpi_phdr` points at
                // `dlpi_phnum` program headers; `data` is the `Option` passed below.
                let (info, out) = unsafe { (&*info, &mut *(data as *mut Option<(usize, usize)>)) };
                let phdrs = match info.dlpi_phdr.is_null() {
                    true => &[][..],
                    // SAFETY: see above
                    false => unsafe {
                        std::slice::from_raw_parts(info.dlpi_phdr, info.dlpi_phnum as usize)
                    },
                };
                // SAFETY: sysconf has no preconditions
                let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as usize;
                for ph in phdrs {
                    if ph.p_type != libc::PT_LOAD || ph.p_flags != libc::PF_R {
                        continue;
                    }
                    let start = info.dlpi_addr as usize + ph.p_vaddr as usize;
                    let end = start + ph.p_filesz.min(ph.p_memsz) as usize;
                    let (s, e) = (start.next_multiple_of(page), end / page * page);
                    if e > s && out.is_none_or(|(_, len)| e - s > len) {
                        *out = Some((s, e - s));
                    }
                }
                1
            }
            let mut out: Option<(usize, usize)> = None;
            // SAFETY: `first` only reads what the loader passes and writes `out`
            unsafe {
                libc::dl_iterate_phdr(Some(first), &mut out as *mut _ as *mut libc::c_void);
            }
            let probe = PROBE.as_ptr() as usize;
            out.filter(|&(s, len)| (s..s + len).contains(&probe))
        })
    }

    /// A constant in `.rodata`, to check that the segment found is the one holding it.
    #[cfg(target_os = "linux")]
    static PROBE: &str = "lingua models are read in place from .rodata";
}

/// Whether a quarter or more of the first 60 words of `sample` are function words of `lexicon`
/// (news prose: 40–50 %, a paragraph in another language: a few): then the paragraph is in the
/// document's language, and whatlang need not read it. Five times cheaper than asking whatlang
/// (whole articles: detection alone 29 MB/s per core; with whatlang on every long paragraph
/// 6 MB/s).
fn mostly_function_words(sample: &str, lexicon: &Lexicon) -> bool {
    let (mut words, mut hits) = (0usize, 0usize);
    let mut lower = String::new();
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(60)
    {
        lower.clear();
        lower.extend(w.chars().flat_map(char::to_lowercase));
        words += 1;
        hits += lexicon.is_stopword(&lower) as usize;
    }
    words >= 10 && hits * 4 >= words
}

/// Consecutive parts covering `text` from its paragraphs, neighbours of one language merged.
fn merge_parts(
    text: &str,
    doc: &LangInfo,
    paragraphs: Vec<(Range<usize>, &'static str, usize)>,
) -> Vec<(Range<usize>, &'static str)> {
    let mut parts: Vec<(Range<usize>, &'static str)> = Vec::new();
    for (range, code, _) in paragraphs {
        match parts.last_mut() {
            Some((_, c)) if *c == code => {}
            Some((r, _)) => {
                r.end = range.start;
                parts.push((range, code));
            }
            None => parts.push((0..range.end, code)),
        }
    }
    match parts.first_mut() {
        Some(_) => parts.last_mut().unwrap().0.end = text.len(),
        None => parts.push((0..text.len(), doc.code)),
    }
    parts
}

/// `eng:0.86;zho:0.14` from letters per language, largest share first (then by code); shares
/// that round to 0.00 are left out; `doc:1.00` when there are no letters.
pub fn format_shares(letters: &[(&'static str, usize)], doc: &'static str) -> String {
    let total: usize = letters.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return format!("{doc}:1.00");
    }
    let mut sorted = letters.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (code, n) in sorted {
        let share = n as f64 / total as f64;
        if share < 0.005 {
            continue;
        }
        if !out.is_empty() {
            out.push(';');
        }
        out.push_str(&format!("{code}:{share:.2}"));
    }
    out
}

/// The longest prefix of `text` of at most `bytes` bytes.
fn prefix(text: &str, bytes: usize) -> &str {
    let mut end = text.len().min(bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn whatlang_lang(code: &str) -> Option<Lang> {
    match code {
        "zho" => Some(Lang::Cmn),
        "fas" => Some(Lang::Pes),
        other => Lang::from_code(other),
    }
}

/// ISO 639-3 code of a whatlang language, in lingua's convention where both know the
/// language (Mandarin as the macrolanguage `zho`, Iranian Persian as `fas`).
pub fn iso639_3(lang: Lang) -> &'static str {
    match lang {
        Lang::Cmn => "zho",
        Lang::Pes => "fas",
        other => other.code(),
    }
}

/// Parses a user's language code (ISO 639-3 as whatlang or lingua know them, `zho`, or `und`;
/// ISO 639-1 two-letter codes of the common news languages are accepted too).
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
        "fa" | "pes" => "fas",
        other => other,
    };
    if let Some(&(c, _)) = lingua_table().iter().find(|(c, _)| *c == three) {
        return Some(c);
    }
    Lang::from_code(three).map(iso639_3)
}

/// Detects the language of `text` among all languages (see the module docs).
pub fn detect_language(text: &str) -> LangInfo {
    Detector::shared().detect(text)
}

/// A file's language, as its prior: at least this many of its documents (in one batch) must be
/// reliably detected ...
pub const PRIOR_MIN_RELIABLE: usize = 10;

/// ... and at least this share of them in one language.
pub const PRIOR_MIN_SHARE: f64 = 0.75;

/// The language a file's documents mostly have, for those of them whose own detection is not
/// reliable: a one-line item (`HANAU .`, `RICHARD MENG`, a football line-up) in a file of
/// German sentences says next to nothing about its language by itself, and the NER model of
/// the wrong language misses its names. `items` are the documents of one batch in input order,
/// each with its file (path), its detected language and its text; the answer holds, per item,
/// the language it takes instead, where it changes.
///
/// A file's prior is the language of at least [`PRIOR_MIN_SHARE`] of its reliably detected
/// documents in the batch, when there are at least [`PRIOR_MIN_RELIABLE`] of those: a file of
/// mixed languages has none. It applies only to unreliable detections of texts in the script
/// the file's language is written in there (a short Cyrillic line in a German file stays
/// Russian; a text without letters stays `und`). The taken language stays flagged unreliable.
/// Documents whose language was given (`--lang`, a record's `language`) count as reliable.
/// The result depends on the batch alone, not on the thread count; `run` and `map` start a
/// new batch where a multi-record file starts, so both cut a file the same way.
pub fn file_priors(items: &[(&str, &LangInfo, &str)]) -> Vec<Option<LangInfo>> {
    let mut out = vec![None; items.len()];
    // files in order of first appearance, with their items
    let mut files: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, (path, _, _)) in items.iter().enumerate() {
        match files.iter_mut().rev().find(|(p, _)| p == path) {
            Some((_, v)) => v.push(i),
            None => files.push((path, vec![i])),
        }
    }
    for (_, idx) in files {
        if idx.len() < PRIOR_MIN_RELIABLE {
            continue;
        }
        let mut votes: Vec<(&'static str, usize)> = Vec::new();
        let mut reliable = 0usize;
        for &i in &idx {
            let l = items[i].1;
            if l.reliable && l.code != "und" {
                reliable += 1;
                match votes.iter_mut().find(|(c, _)| *c == l.code) {
                    Some((_, n)) => *n += 1,
                    None => votes.push((l.code, 1)),
                }
            }
        }
        let Some(&(code, n)) = votes.iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))) else {
            continue;
        };
        if reliable < PRIOR_MIN_RELIABLE || (n as f64) < PRIOR_MIN_SHARE * reliable as f64 {
            continue;
        }
        // the script the language is written in, in this file
        let mut scripts: Vec<(Script, usize)> = Vec::new();
        for &i in &idx {
            let l = items[i].1;
            if l.reliable
                && l.code == code
                && let Some(s) = whatlang::detect_script(prefix(items[i].2, SAMPLE_BYTES))
            {
                match scripts.iter_mut().find(|(x, _)| *x == s) {
                    Some((_, m)) => *m += 1,
                    None => scripts.push((s, 1)),
                }
            }
        }
        let Some(&(script, _)) = scripts.iter().max_by_key(|(_, m)| *m) else {
            continue;
        };
        for &i in &idx {
            let (_, l, text) = items[i];
            if l.reliable || l.code == code {
                continue;
            }
            if whatlang::detect_script(prefix(text, SAMPLE_BYTES)) != Some(script) {
                continue;
            }
            out[i] = Some(LangInfo {
                code,
                confidence: l.confidence,
                reliable: false,
            });
        }
    }
    out
}

/// Chinese, Japanese or Korean by script, when those characters make up most of the letters.
/// (whatlang counts characters per script, so a Chinese sentence quoting a Latin name is
/// otherwise read as a Latin-script language.)
fn cjk_language(sample: &str) -> Option<LangInfo> {
    // no CJK letters in ASCII (checked a word at a time, much faster than by character)
    if sample.is_ascii() {
        return None;
    }
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

/// For name-heavy text: the language whose function words the text uses clearly more often than
/// those of whatlang's guess (at least two of them), among languages of its script. Each
/// function word counts once, and one-letter words, in tables and lists mostly initials, not at
/// all.
fn stopword_vote(sample: &str, script: Script, guess: &'static str) -> Option<&'static str> {
    let candidates = VOTERS.iter().find(|(s, _)| *s == script)?.1;
    let mut words: Vec<String> = sample
        .split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '’'))
        .filter(|w| w.chars().count() > 1)
        .take(200)
        .map(crate::normalize::lower)
        .collect();
    words.sort();
    words.dedup();
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

    fn sure(code: &'static str) -> LangInfo {
        LangInfo {
            code,
            confidence: 0.9,
            reliable: true,
        }
    }

    fn unsure(code: &'static str) -> LangInfo {
        LangInfo {
            code,
            confidence: 0.2,
            reliable: false,
        }
    }

    #[test]
    fn a_file_lends_its_language_to_its_unsure_documents() {
        let de = "Die Regierung hat am Freitag neue Zahlen vorgelegt .";
        let mut langs: Vec<(LangInfo, &str)> = vec![(sure("deu"), de); 12];
        langs.push((unsure("eng"), "RICHARD MENG")); // 12
        langs.push((unsure("rus"), "Москва")); // 13: another script
        langs.push((LangInfo::UNDETERMINED, "1:0 ( 0:0 )")); // 14: no letters
        langs.push((sure("nld"), "Dit is een zin .")); // 15: sure of itself
        let items: Vec<(&str, &LangInfo, &str)> =
            langs.iter().map(|(l, t)| ("a.jsonl", l, *t)).collect();
        let got = file_priors(&items);
        assert_eq!(
            got[12].as_ref().map(|l| (l.code, l.reliable)),
            Some(("deu", false))
        );
        for (i, g) in got.iter().enumerate() {
            if i != 12 {
                assert_eq!(*g, None, "item {i}");
            }
        }
        // the same documents in another file, or too few sure ones: nothing lent
        let mut other = items.clone();
        other[12].0 = "b.jsonl";
        assert!(file_priors(&other).iter().all(Option::is_none));
        assert!(file_priors(&items[4..]).iter().all(Option::is_none)); // nine sure ones
    }

    #[test]
    fn a_file_of_mixed_languages_lends_none() {
        let mut langs: Vec<LangInfo> = Vec::new();
        for i in 0..20 {
            langs.push(sure(if i % 3 == 0 { "eng" } else { "deu" }));
        }
        langs.push(unsure("eng"));
        let items: Vec<(&str, &LangInfo, &str)> =
            langs.iter().map(|l| ("a.csv", l, "Word Word")).collect();
        // 13 of 20 German: under three quarters
        assert!(file_priors(&items).iter().all(Option::is_none));
        langs[0] = sure("deu");
        langs[3] = sure("deu");
        let items: Vec<(&str, &LangInfo, &str)> =
            langs.iter().map(|l| ("a.csv", l, "Word Word")).collect();
        // 15 of 20
        assert_eq!(
            file_priors(&items)[20].as_ref().map(|l| l.code),
            Some("deu")
        );
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
    fn shares() {
        let d = Detector::shared();
        let en = "The Ministry of State Security has issued a call for citizens to report spies, \
                  saying that foreign intelligence agencies have stepped up their activities in \
                  the country over the past year and that everyone should be vigilant at work.";
        let zh = "国家安全部呼吁公民积极参与反间谍工作。国家安全部呼吁公民积极参与反间谍工作。";
        let doc = d.detect(en);
        assert_eq!(d.shares(en, &doc), "eng:1.00");
        let mixed = format!("{en}\n\n{zh}\n");
        let got = d.shares(&mixed, &d.detect(&mixed));
        assert!(
            got.starts_with("eng:0.") && got.contains(";zho:0."),
            "{got}"
        );
        assert_eq!(d.shares("", &LangInfo::UNDETERMINED), "und:1.00");
        // parts cover the text, one per run of paragraphs in one language
        let parts = d.parts(&mixed, &d.detect(&mixed));
        assert_eq!(
            parts,
            [(0..en.len() + 2, "eng"), (en.len() + 2..mixed.len(), "zho")]
        );
        assert_eq!(d.parts(en, &doc), [(0..en.len(), "eng")]);
        assert_eq!(d.parts("", &LangInfo::UNDETERMINED), [(0..0, "und")]);
        assert_eq!(
            format_shares(&[("zho", 14), ("eng", 86)], "eng"),
            "eng:0.86;zho:0.14"
        );
    }

    #[test]
    fn restricted() {
        // "sentences" alone: English or French; among German and French only, French
        let d = Detector::new(&["deu", "fra"]).unwrap();
        assert_eq!(d.candidates(), Some(&["deu", "fra"][..]));
        assert_eq!(d.detect("sentences").code, "fra");
        assert!(Detector::new(&["und"]).is_none());
    }

    /// Resident kB of the mapping that holds `addr` (`/proc/self/smaps`).
    #[cfg(target_os = "linux")]
    fn resident_kb(addr: usize) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split(' ').next().unwrap_or("");
            if let Some((a, b)) = range.split_once('-')
                && let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
            {
                inside = (a..b).contains(&addr);
            } else if inside && let Some(kb) = line.strip_prefix("Rss:") {
                return kb.trim().trim_end_matches(" kB").trim().parse().unwrap();
            }
        }
        panic!("no mapping holds {addr:#x}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn model_pages_are_released_without_changing_answers() {
        let (start, len) = model_pages::segment().expect("the read-only segment");
        assert!(len > 1 << 20, "{len} bytes");
        // short texts: the accurate path, lingua's models
        let texts = [
            "Do you argue with your alarm clock?",
            "Hvor ligger den nærmeste togstation?",
            "sentences",
            "Ça va très bien, merci.",
            "Kuka voitti eilisen ottelun?",
        ];
        let before: Vec<LangInfo> = texts.iter().map(|t| detect_language(t)).collect();
        let mapped = resident_kb(start);
        model_pages::release();
        let released = resident_kb(start);
        assert!(released * 2 < mapped, "{mapped} kB, then {released} kB");
        let after: Vec<LangInfo> = texts.iter().map(|t| detect_language(t)).collect();
        assert_eq!(before, after);
        assert_eq!(after[0].code, "eng");
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
