//! The whole per-document pipeline on arbitrary bytes: decode, then every stage; counts add
//! up and offsets stay inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use newslens::input::Document;
use newslens::pipeline::{Options, analyze};

fuzz_target!(|data: &[u8]| {
    let Ok(d) = newslens::decode::decode(data) else { return };
    let chars = d.text.chars().count() as u64;
    let doc = Document { doc_id: "f".into(), text: d.text, ..Document::default() };
    let opts = Options { tables: newslens::schema::Selection::all(), ..Options::default() };
    let a = analyze(doc, &opts);
    assert_eq!(a.chars, chars);
    let unigrams: u32 = a.terms.terms.iter().filter(|t| t.n == 1).map(|t| t.count).sum();
    assert!(unigrams <= a.terms.words + a.tokens as u32);
    let rows = String::from_utf8(a.token_rows).unwrap();
    assert_eq!(rows.matches('\n').count() as u64, a.tokens);
});
