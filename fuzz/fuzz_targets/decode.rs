//! Decoding arbitrary bytes never panics; text it accepts is never blank, and header parsing
//! on it never panics either.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = newslens::decode::decode(data) {
        assert!(!d.text.trim().is_empty());
        let _ = newslens::meta::from_header(&d.text);
        let _ = newslens::meta::parse_date(&d.text);
    }
});
