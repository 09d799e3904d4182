//! The JSONL and CSV readers on arbitrary bytes: never panic, and every document they give
//! has non-blank text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use newslens::input::{Format, InputFile, Item, ReadOptions, read_records};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let format = match which % 3 {
        0 => Format::Jsonl,
        1 => Format::Csv(0),
        _ => Format::Csv(b';'),
    };
    let file = InputFile {
        path: "fuzz".into(),
        display: "fuzz".into(),
        id_base: "fuzz".into(),
        folder: "fuzz".into(),
        format,
        size: rest.len() as u64,
    };
    let opts = ReadOptions { max_doc_bytes: 4096, ..ReadOptions::default() };
    read_records(&file, rest, &opts, &mut |item| {
        if let Item::Doc(d) = item {
            assert!(!d.text.trim().is_empty());
            assert!(d.text.len() <= 4096);
        }
    });
});
