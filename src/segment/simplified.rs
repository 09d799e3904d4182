//! Traditional Chinese characters to simplified ones, character for character, so that jieba
//! (whose dictionary is simplified) segments traditional text.
//!
//! Takes a run of text; gives the same run with each traditional character that has a
//! simplified form replaced by it. Every pair in the table is three UTF-8 bytes on both sides,
//! so the result has the same length and the same character boundaries, and offsets found in it
//! hold in the original. Phrase-level conversion (`乾隆` keeps `乾`) is not attempted: where
//! jieba cuts does not depend on it. The table (2,734 pairs, MIT) is fast2s's; see
//! `LICENSE-t2s` beside this file. Does no I/O and cannot fail.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

fn table() -> &'static FxHashMap<char, char> {
    static TABLE: OnceLock<FxHashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("t2s.txt")
            .lines()
            .filter_map(|line| {
                let mut cs = line.chars();
                let (t, sp, s) = (cs.next()?, cs.next()?, cs.next()?);
                (sp == ' ' && t.len_utf8() == s.len_utf8()).then_some((t, s))
            })
            .collect()
    })
}

/// `run` with traditional characters replaced by their simplified forms (same byte length).
pub(crate) fn simplified(run: &str) -> String {
    let t = table();
    run.chars()
        .map(|c| t.get(&c).copied().unwrap_or(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_length_simplified() {
        assert_eq!(table().len(), 2734, "every pair of the table is kept");
        assert_eq!(simplified("這個國家有兩位部長。"), "这个国家有两位部长。");
        assert_eq!(simplified("臺灣 Taiwan 1990"), "台湾 Taiwan 1990");
        for line in include_str!("t2s.txt").lines() {
            assert_eq!(simplified(line).len(), line.len(), "{line}");
        }
    }
}
