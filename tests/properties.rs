//! Property tests of the invariants in ARCHITECTURE.md, on arbitrary text.

use newslens::input::Document;
use newslens::keywords::{CorpusView, DocKeywords, Method, extract, rank};
use newslens::lexicon::{Lexicon, annotate};
use newslens::pipeline::{CharCursor, Options, analyze};
use newslens::segment::{TokenKind, segment};
use newslens::terms::{CorpusTerms, count_terms};
use proptest::prelude::*;

/// Text made of news-like pieces, so the interesting rules fire often.
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("U.S.".to_string()),
        Just("Mr.".to_string()),
        Just("Aug. 1".to_string()),
        Just("China’s".to_string()),
        Just("l'État".to_string()),
        Just("counter-espionage".to_string()),
        Just("$1.2".to_string()),
        Just("3.5%".to_string()),
        Just("100,000".to_string()),
        Just("https://x.org/a(b)".to_string()),
        Just("a@b.co".to_string()),
        Just("@user".to_string()),
        Just("#tag".to_string()),
        Just("...".to_string()),
        Just("“".to_string()),
        Just("?!".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("e\u{301}".to_string()),
        Just("👩‍👩‍👧".to_string()),
        Just("国家安全".to_string()),
        Just("Chen Yixin".to_string()),
        Just("Ministry of State Security (MSS)".to_string()),
        Just("[CCP]".to_string()),
        Just("July 31".to_string()),
        Just("last month".to_string()),
        Just("10:30 p.m.".to_string()),
        Just("US$5 million".to_string()),
        Just("Reuters".to_string()),
        Just("Still,".to_string()),
        "[a-zA-Z]{1,8}",
        "[0-9]{1,4}",
        "[.,;:!?()\"'-]",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec((piece, prop_oneof![Just(""), Just(" "), Just("  ")]), 0..40)
        .prop_map(|v| v.into_iter().map(|(p, s)| p + s).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tokens_are_ordered_spans_of_the_text(text in newsy(), lang in prop_oneof![Just("eng"), Just("fra"), Just("deu")]) {
        let seg = segment(&text, lang);
        let mut last_end = 0;
        for t in &seg.tokens {
            prop_assert!(t.start < t.end && t.end <= text.len());
            prop_assert!(t.start >= last_end, "tokens overlap");
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            prop_assert!(!text[t.start..t.end].trim().is_empty(), "white-space token");
            last_end = t.end;
        }
        // sentences cover every token once, in order
        let mut next = 0;
        for (i, s) in seg.sentences.iter().enumerate() {
            prop_assert_eq!(s.tokens.start, next);
            prop_assert!(s.tokens.end > s.tokens.start);
            prop_assert_eq!(s.start, seg.tokens[s.tokens.start].start);
            prop_assert_eq!(s.end, seg.tokens[s.tokens.end - 1].end);
            for t in &seg.tokens[s.tokens.clone()] {
                prop_assert_eq!(t.sentence as usize, i);
            }
            next = s.tokens.end;
        }
        prop_assert_eq!(next, seg.tokens.len());
    }

    #[test]
    fn char_offsets_match_python_indices(text in newsy()) {
        let seg = segment(&text, "eng");
        let mut cur = CharCursor::new(&text);
        for t in &seg.tokens {
            let s = cur.at(t.start);
            let e = cur.at(t.end);
            let sliced: String = text.chars().skip(s as usize).take((e - s) as usize).collect();
            prop_assert_eq!(sliced.as_str(), &text[t.start..t.end]);
        }
    }

    #[test]
    fn term_counts_add_up(text in newsy()) {
        let seg = segment(&text, "eng");
        let ann = annotate(&text, &seg.tokens, Lexicon::get("eng"));
        let terms = count_terms(&seg, &ann, 3);
        let content = (0..seg.tokens.len()).filter(|&i| ann.form(i).content).count() as u32;
        let unigrams: u32 = terms.terms.iter().filter(|t| t.n == 1).map(|t| t.count).sum();
        prop_assert_eq!(unigrams, content);
        let words = seg.tokens.iter().filter(|t| t.kind == TokenKind::Word).count() as u32;
        prop_assert_eq!(terms.words, words);
        for t in &terms.terms {
            prop_assert_eq!(t.count, t.forms.iter().map(|f| f.1).sum::<u32>());
            prop_assert_eq!(t.stem.split(' ').count(), t.n as usize);
        }
    }

    #[test]
    fn merging_is_order_independent(texts in prop::collection::vec(newsy(), 1..6), split in 0usize..6) {
        let docs: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| analyze(Document { doc_id: i.to_string(), text: t.clone(), ..Document::default() }, &Options::default()))
            .collect();
        let mut forward = CorpusTerms::default();
        for d in &docs {
            forward.add(d.lang.code, &d.terms);
        }
        let mut backward = CorpusTerms::default();
        for d in docs.iter().rev() {
            backward.add(d.lang.code, &d.terms);
        }
        prop_assert_eq!(&forward, &backward);
        // two shards merged = one pass
        let cut = split.min(docs.len());
        let (mut a, mut b) = (CorpusTerms::default(), CorpusTerms::default());
        for d in &docs[..cut] {
            a.add(d.lang.code, &d.terms);
        }
        for d in &docs[cut..] {
            b.add(d.lang.code, &d.terms);
        }
        b.merge(a);
        prop_assert_eq!(&b, &forward);
    }

    #[test]
    fn keyword_candidates_are_the_terms_in_the_articles_words(text in newsy(), lang in prop_oneof![Just("eng"), Just("fra")]) {
        let seg = segment(&text, lang);
        let lex = Lexicon::get(lang);
        let ann = annotate(&text, &seg.tokens, lex);
        let terms = count_terms(&seg, &ann, 3);
        let upos = newslens::pos::tag_document(&text, &seg, |_| lang);
        let doc = extract(&text, &seg, &ann, &newslens::keywords::Tags { upos: &upos, names: &[], adjectives_follow: newslens::keywords::adjectives_follow(lang) }, 3);
        // the same stem keys as the terms (whose df the corpus methods look up)
        let mut a: Vec<&str> = doc.candidates.iter().map(|c| doc.stem(c)).collect();
        let mut b: Vec<&str> = terms.terms.iter().map(|t| t.stem.as_str()).collect();
        a.sort_unstable();
        b.sort_unstable();
        prop_assert_eq!(a, b);
        let chars: Vec<char> = text.chars().collect();
        for c in &doc.candidates {
            let kw = doc.keyword(c);
            // the article's own words, white space (and control characters) as one space
            let squeezed = text
                .split(|ch: char| ch.is_whitespace() || ch.is_control())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            prop_assert!(squeezed.contains(kw), "{kw:?} not in the text");
            // no stopword and no bare number at either end
            let words: Vec<&str> = kw.split(' ').collect();
            for w in [words[0], words[words.len() - 1]] {
                let lower = newslens::normalize::lower(w);
                prop_assert!(!lex.is_stopword(&lower), "{kw:?} ends with a stopword");
                // words have a letter; @handles (`@123`) are names, not numbers
                prop_assert!(
                    w.chars().any(|ch| ch.is_alphabetic()) || w.starts_with('@'),
                    "{kw:?} ends with a number"
                );
            }
            prop_assert!((c.first_start as usize) < chars.len());
            prop_assert!(c.count >= 1 && c.free <= c.count && c.spread <= c.count);
            prop_assert!(c.capitalised + c.caseless <= c.count);
        }
        // the spool gives back the same document
        let mut spool = Vec::new();
        doc.encode(&mut spool);
        prop_assert_eq!(DocKeywords::decode(&spool), Some(doc.clone()));
        // no list holds near-duplicates, none is longer than asked
        for m in [Method::Yake, Method::Textrank, Method::Rake, Method::Tfidf, Method::Combined] {
            let top = rank(&doc, m, &CorpusView::none(), 7);
            prop_assert!(top.len() <= 7);
            let keys: Vec<Vec<String>> = top
                .iter()
                .map(|&(i, _)| doc.stem(&doc.candidates[i]).replace('-', "").split(' ').map(str::to_string).collect())
                .collect();
            for (x, kx) in keys.iter().enumerate() {
                for ky in &keys[x + 1..] {
                    let inside = |a: &Vec<String>, b: &Vec<String>| b.len() <= a.len() && a.windows(b.len()).any(|w| w == &b[..]);
                    prop_assert!(!inside(kx, ky) && !inside(ky, kx), "{:?} {:?} in {:?}", kx, ky, m);
                }
            }
        }
    }

    #[test]
    fn decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(d) = newslens::decode::decode(&bytes) {
            prop_assert!(!d.text.trim().is_empty());
        }
    }

    #[test]
    fn mentions_are_disjoint_spans_grouped_into_entities(
        text in newsy(),
        lang in prop_oneof![Just("eng"), Just("spa"), Just("nld"), Just("deu")],
        published in prop_oneof![Just(None), Just(Some("2023-08-02")), Just(Some("2024-02-29"))],
    ) {
        let seg = segment(&text, lang);
        let gaz = newslens::ner::gazetteer::Gazetteer::builtin();
        let d = newslens::ner::extract(&text, &seg, lang, published, &gaz);
        let mut last_end = 0;
        let mut counts = vec![0u32; d.entities.len()];
        for m in &d.mentions {
            prop_assert!(m.start < m.end && m.end <= text.len());
            prop_assert!(m.start >= last_end, "mentions overlap");
            prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            last_end = m.end;
            let named = ["PER", "ORG", "LOC", "MISC"].contains(&m.label);
            prop_assert_eq!(named, m.entity.is_some());
            if let Some(e) = m.entity {
                counts[e] += 1;
                prop_assert_eq!(d.entities[e].label, m.label);
                prop_assert!(d.entities[e].first_start <= m.start);
            }
        }
        for (e, c) in d.entities.iter().zip(&counts) {
            prop_assert_eq!(e.mentions, *c);
            prop_assert!(*c > 0);
            prop_assert!(!e.aliases.contains(&e.name));
        }
    }
}
