//! Training the part-of-speech tagger: a greedy averaged perceptron.
//!
//! Reads UD sentences as JSONL (`tokens`: `form`, `upos`), as in `../shared/eval/pos/`. Every
//! tenth sentence (the 10th, 20th, …) is held back ([`split`]): never trained on, and the
//! accuracy reported for the model. Of the rest, every tenth again chooses the number of
//! passes; the model is then trained on all of the rest for that many passes. Training follows
//! the tagger's own left-to-right decoding: the tags of the previous words are the ones the
//! model being trained gave them, so it learns to recover from its own mistakes. Weights are
//! averaged over every update, quantized to `i16` under one scale and stored sparsely.
//! Deterministic for a fixed seed (the only randomness is the sentence order).

use super::{Lexicon, Model, N_TAGS, Word, features, tag_number};
use crate::perceptron::{Rng, Trainer};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Deserialize;

/// One gold token.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldToken {
    /// Its text.
    pub form: String,
    /// Its Universal POS tag (`ADP+DET` for a contraction).
    pub upos: String,
}

/// One gold sentence.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldSentence {
    /// Its tokens.
    pub tokens: Vec<GoldToken>,
}

/// Reads a gold JSONL file; sentences with an unknown tag are an error.
pub fn read_jsonl(text: &str) -> Result<Vec<GoldSentence>, String> {
    let mut out = Vec::new();
    for (i, l) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let s: GoldSentence =
            serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1))?;
        if let Some(t) = s.tokens.iter().find(|t| tag_number(&t.upos).is_none()) {
            return Err(format!("line {}: unknown tag {:?}", i + 1, t.upos));
        }
        out.push(s);
    }
    Ok(out)
}

/// The held-back part (every tenth sentence) and the rest, in file order.
pub fn split(sentences: &[GoldSentence]) -> (Vec<&GoldSentence>, Vec<&GoldSentence>) {
    let (mut held, mut rest) = (Vec::new(), Vec::new());
    for (k, s) in sentences.iter().enumerate() {
        if k % 10 == 9 {
            held.push(s);
        } else {
            rest.push(s);
        }
    }
    (held, rest)
}

/// Token accuracy of `model` on `sentences`.
pub fn accuracy(model: &Model, sentences: &[&GoldSentence]) -> f64 {
    let (mut right, mut all) = (0usize, 0usize);
    for s in sentences {
        let words: Vec<&str> = s.tokens.iter().map(|t| t.form.as_str()).collect();
        let tags = model.tag_words(&words);
        for (t, g) in tags.iter().zip(&s.tokens) {
            right += (Some(*t) == tag_number(&g.upos)) as usize;
            all += 1;
        }
    }
    right as f64 / all.max(1) as f64
}

/// A sentence ready for training.
struct Prepared {
    words: Vec<Word>,
    gold: Vec<u8>,
}

/// Folds of the jackknifed lexicon ([`prepare`]).
const FOLDS: usize = 10;

/// The sentences ready for training, and the lexicon of all of them (the model's). Each word's
/// ambiguity class comes from the lexicon of the *other* nine tenths of the sentences
/// (sentence `k` is in tenth `k % 10`): a word seen only in its own sentence gets none, as a new
/// word will at run time, so the weights do not learn to trust classes more than new text
/// allows.
fn prepare(lang: &str, sentences: &[&GoldSentence]) -> (Vec<Prepared>, Lexicon) {
    let clusters = crate::ner::clusters::clusters_for(lang);
    let mut forms: FxHashMap<&str, Word> = FxHashMap::default();
    let mut prepared: Vec<Prepared> = sentences
        .iter()
        .map(|s| Prepared {
            words: s
                .tokens
                .iter()
                .map(|t| {
                    *forms
                        .entry(&t.form)
                        .or_insert_with(|| Word::of(&t.form, clusters))
                })
                .collect(),
            gold: s
                .tokens
                .iter()
                .map(|t| tag_number(&t.upos).unwrap_or(0))
                .collect(),
        })
        .collect();
    let lexicon = |keep: &dyn Fn(usize) -> bool| {
        Lexicon::build(
            prepared
                .iter()
                .enumerate()
                .filter(|(k, _)| keep(*k))
                .flat_map(|(_, p)| p.words.iter().map(Word::key).zip(p.gold.iter().copied())),
        )
    };
    let all = lexicon(&|_| true);
    let folds: Vec<Lexicon> = (0..FOLDS).map(|f| lexicon(&|k| k % FOLDS != f)).collect();
    for (k, p) in prepared.iter_mut().enumerate() {
        let lex = &folds[k % FOLDS];
        for w in &mut p.words {
            w.amb = lex.class(w.key());
        }
    }
    (prepared, all)
}

/// Trains on `train` for `epochs` passes; gives the model after each pass (averaged).
fn passes(
    lang: &str,
    (train, lexicon): &(Vec<Prepared>, Lexicon),
    epochs: u32,
    seed: u64,
    orders: u32,
    mut each: impl FnMut(u32, Model),
) {
    // one trainer per order of the sentences (seeds `seed`, `seed + 1`, …), side by side
    let mut runs: Vec<(Trainer<N_TAGS>, Rng, Vec<usize>)> = (0..orders.max(1) as u64)
        .map(|k| {
            (
                Trainer::<N_TAGS>::new(),
                Rng::new(seed + k),
                (0..train.len()).collect(),
            )
        })
        .collect();
    for epoch in 1..=epochs {
        runs.par_iter_mut().for_each(|(wt, rng, order)| {
            let mut feats = Vec::with_capacity(24);
            let mut tags: Vec<u8> = Vec::new();
            rng.shuffle(order);
            for &k in order.iter() {
                let s = &train[k];
                tags.clear();
                for i in 0..s.words.len() {
                    features(&s.words, i, &tags, &mut feats);
                    let pred = super::best_of(&wt.scores(&feats)) as usize;
                    let gold = s.gold[i] as usize;
                    wt.update(&feats, gold, pred);
                    tags.push(pred as u8);
                    wt.tick();
                }
            }
        });
        let trainers: Vec<&Trainer<N_TAGS>> = runs.iter().map(|r| &r.0).collect();
        let (scale, weights) = Trainer::mean_averaged(&trainers);
        each(
            epoch,
            Model {
                lang: lang.to_string(),
                scale,
                weights,
                lexicon: lexicon.clone(),
                dense: Default::default(),
            },
        );
    }
}

/// What [`train`] gives.
pub struct Trained {
    /// The model, trained on all but the held-back part.
    pub model: Model,
    /// Its accuracy on the held-back part.
    pub held_out: f64,
    /// Accuracy on the part that chose the passes, after each pass.
    pub curve: Vec<f64>,
    /// The passes chosen.
    pub epochs: u32,
}

/// Trains a model for `lang` from `sentences` (see the module docs for the splits), trying up
/// to `max_epochs` passes.
pub fn train(
    lang: &str,
    sentences: &[GoldSentence],
    max_epochs: u32,
    seed: u64,
    orders: u32,
) -> Trained {
    let (held, rest) = split(sentences);
    let (choose, fit): (Vec<&GoldSentence>, Vec<&GoldSentence>) = {
        let (mut c, mut f) = (Vec::new(), Vec::new());
        for (k, s) in rest.iter().enumerate() {
            if k % 10 == 9 { c.push(*s) } else { f.push(*s) }
        }
        (c, f)
    };
    let mut curve = Vec::new();
    passes(
        lang,
        &prepare(lang, &fit),
        max_epochs,
        seed,
        orders,
        |_, m| {
            curve.push(accuracy(&m, &choose));
        },
    );
    // the first pass within 0.1 points of the best
    let top = curve.iter().cloned().fold(0.0, f64::max);
    let epochs = curve
        .iter()
        .position(|&a| a >= top - 0.001)
        .map_or(1, |k| k as u32 + 1);
    let mut model = None;
    passes(lang, &prepare(lang, &rest), epochs, seed, orders, |e, m| {
        if e == epochs {
            model = Some(m);
        }
    });
    let model = model.expect("at least one pass");
    let held_out = accuracy(&model, &held);
    Trained {
        model,
        held_out,
        curve,
        epochs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(s: &str) -> GoldSentence {
        GoldSentence {
            tokens: s
                .split(' ')
                .map(|wt| {
                    let (w, t) = wt.split_once('/').unwrap();
                    GoldToken {
                        form: w.into(),
                        upos: t.into(),
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn learns_and_is_deterministic() {
        let data: Vec<GoldSentence> = (0..60)
            .map(|k| {
                sentence(match k % 3 {
                    0 => "the/DET dog/NOUN barks/VERB ./PUNCT",
                    1 => "a/DET cat/NOUN sleeps/VERB ./PUNCT",
                    _ => "Paris/PROPN is/AUX big/ADJ ./PUNCT",
                })
            })
            .collect();
        let a = train("eng", &data, 5, 1, 1);
        assert!(a.held_out > 0.99, "{}", a.held_out);
        let b = train("eng", &data, 5, 1, 1);
        assert_eq!(a.model.to_bytes(), b.model.to_bytes());
        let tags = a.model.tag_words(&["the", "cat", "barks", "."]);
        assert_eq!(tags, vec![5, 7, 15, 12]);
        // three taggers on three orders, averaged: deterministic, as accurate, and the mean
        // of the three rather than the first alone
        let c = train("eng", &data, 5, 1, 3);
        let d = train("eng", &data, 5, 1, 3);
        assert_eq!(c.model.to_bytes(), d.model.to_bytes());
        assert_ne!(c.model.to_bytes(), a.model.to_bytes());
        assert!(c.held_out > 0.99, "{}", c.held_out);
        assert_eq!(c.model.tag_words(&["the", "cat", "barks", "."]), tags);
    }

    #[test]
    fn reads_jsonl_and_refuses_unknown_tags() {
        let ok = r#"{"tokens": [{"form": "du", "upos": "ADP+DET"}]}"#;
        assert_eq!(read_jsonl(ok).unwrap().len(), 1);
        let bad = r#"{"tokens": [{"form": "x", "upos": "FOO"}]}"#;
        assert!(read_jsonl(bad).is_err());
    }

    #[test]
    fn ambiguity_classes_are_jackknifed_and_the_model_keeps_all() {
        // `run` is a noun in one sentence and a verb in ten; `zebra` occurs in one sentence only
        let mut data: Vec<GoldSentence> = (0..10)
            .map(|_| sentence("they/PRON run/VERB ./PUNCT"))
            .collect();
        data.push(sentence("the/DET run/NOUN ./PUNCT"));
        data.push(sentence("a/DET zebra/NOUN ./PUNCT"));
        let refs: Vec<&GoldSentence> = data.iter().collect();
        let (prepared, lexicon) = prepare("eng", &refs);
        let key = |w: &str| Word::of(w, None).key();
        let bit = |t: &str| 1u32 << tag_number(t).unwrap();
        // the model's lexicon: every word of the data, each tag of at least 5 % of its uses
        assert_eq!(lexicon.class(key("run")), bit("VERB") | bit("NOUN"));
        assert_eq!(lexicon.class(key("zebra")), bit("NOUN"));
        assert_eq!(lexicon.class(key("unseen")), 0);
        // in training, a word seen in no other tenth has no class, as a new word at run time
        let zebra = &prepared[11].words[1];
        assert_eq!(zebra.amb, 0);
        // `run` in the noun sentence (tenth 0) has the class of the other tenths: a verb only
        assert_eq!(prepared[10].words[1].amb, bit("VERB"));
        // … and so has `run` in sentence 0, the same tenth; sentence 1 sees both
        assert_eq!(prepared[0].words[1].amb, bit("VERB"));
        assert_eq!(prepared[1].words[1].amb, bit("VERB") | bit("NOUN"));
        // written and read back with the model
        let trained = train("eng", &data, 3, 1, 1);
        let back = Model::from_bytes(&trained.model.to_bytes()).unwrap();
        assert_eq!(back.lexicon, trained.model.lexicon);
        assert!(!back.lexicon.is_empty());
    }
}
