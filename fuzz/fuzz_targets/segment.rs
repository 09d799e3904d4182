//! Segmentation of arbitrary text in a few languages: tokens are ordered, non-empty spans on
//! character boundaries; sentences cover every token once.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let lang = ["eng", "fra", "deu", "ita", "zho", "und"][which as usize % 6];
    let seg = newslens::segment::segment(text, lang);
    let mut last = 0;
    for t in &seg.tokens {
        assert!(t.start >= last && t.start < t.end && t.end <= text.len());
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        assert!(!text[t.start..t.end].trim().is_empty());
        last = t.end;
    }
    let covered: usize = seg.sentences.iter().map(|s| s.tokens.len()).sum();
    assert_eq!(covered, seg.tokens.len());
});
