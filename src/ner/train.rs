//! Training: an averaged structured perceptron over the features of [`super::features`].
//!
//! Reads gold JSONL (`text`, `entities` with code-point `start`/`end`/`label`), segments and
//! tokenizes each text exactly as `newslens run` does, aligns the gold spans with the tokens
//! (spans that do not fall on token boundaries are counted and left out) and trains by
//! Collins' perceptron with Viterbi decoding and weight averaging. After each epoch the averaged
//! weights are scored on the development file; the best epoch is kept, pruned (weights below
//! one quantization step are dropped) and quantized to i16. Deterministic for a fixed seed: the
//! only randomness is the sentence order, from a seeded xorshift generator.

use super::features::Features;
use super::gazetteer::Gazetteer;
use super::model::{Entry, Model, N_TAGS, TYPES, spans, tags_of, viterbi};
use super::{Prepared, prepare};
use crate::perceptron::Rng;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Deserialize;

/// One gold entity.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldEntity {
    /// Code-point start.
    pub start: usize,
    /// Code-point end (exclusive).
    pub end: usize,
    /// PER, ORG, LOC or MISC.
    pub label: String,
}

/// One gold document.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldDoc {
    /// Its id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// Its entities.
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
}

/// Reads a gold JSONL file.
pub fn read_jsonl(text: &str) -> Result<Vec<GoldDoc>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// The document with every non-ASCII character removed and its entities moved to match, as
/// text reads after a lossy conversion (`Präsident` → `Prsident`; the CoNLL-2003 German
/// development and test text is such a copy). `None` unless the text has non-ASCII letters and
/// they are at most a fifth of its letters (Latin-script text with accents or umlauts, not
/// Cyrillic or Han). Training on these copies too teaches the tagger to read such text.
pub fn ascii_copy(doc: &GoldDoc) -> Option<GoldDoc> {
    let (mut letters, mut other) = (0usize, 0usize);
    for c in doc.text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        other += !c.is_ascii() as usize;
    }
    if other == 0 || other * 5 > letters {
        return None;
    }
    // the new code-point index of each old one
    let mut index = Vec::with_capacity(doc.text.len() + 1);
    let mut text = String::with_capacity(doc.text.len());
    for c in doc.text.chars() {
        index.push(text.len());
        if c.is_ascii() {
            text.push(c);
        }
    }
    index.push(text.len());
    let entities = doc
        .entities
        .iter()
        .filter_map(|e| {
            let (start, end) = (*index.get(e.start)?, *index.get(e.end)?);
            (end > start).then(|| GoldEntity {
                start,
                end,
                label: e.label.clone(),
            })
        })
        .collect();
    Some(GoldDoc {
        id: format!("{}-ascii", doc.id),
        text,
        entities,
    })
}

/// A sentence ready for training: its tokens' features and gold tags.
struct Sentence {
    feats: Vec<u32>,
    offsets: Vec<u32>,
    gold: Vec<u8>,
}

/// A document prepared for training or evaluation.
pub struct Example {
    prepared: Prepared,
    /// Gold spans as token ranges `(start, end, type)`.
    gold: Vec<(usize, usize, usize)>,
    /// Gold entities that do not fall on token boundaries.
    pub misaligned: usize,
    /// Their types, counted as missed when scoring.
    misaligned_types: [usize; 4],
    /// The source it comes from when training with source-specific weights
    /// ([`Settings::sources`]): 0, the default, is the source the model is for and has only the
    /// shared weights; source `k > 0` also has weights of its own, which the model written
    /// leaves out.
    pub source: u32,
}

fn type_index(label: &str) -> Option<usize> {
    TYPES.iter().position(|t| *t == label)
}

/// Segments, tokenizes and aligns one gold document.
pub fn example(doc: &GoldDoc, lang: &'static str, gaz: &Gazetteer) -> Example {
    let seg = crate::segment::segment(&doc.text, lang);
    let prepared = prepare(&doc.text, &seg, gaz, lang);
    // code point → byte offsets
    let mut byte_of = Vec::with_capacity(doc.text.len() + 1);
    for (b, _) in doc.text.char_indices() {
        byte_of.push(b);
    }
    byte_of.push(doc.text.len());
    let toks = &prepared.tokens;
    let starts: FxHashMap<usize, usize> =
        toks.iter().enumerate().map(|(i, t)| (t.start, i)).collect();
    let ends: FxHashMap<usize, usize> = toks.iter().enumerate().map(|(i, t)| (t.end, i)).collect();
    let mut gold = Vec::new();
    let mut misaligned = 0;
    let mut misaligned_types = [0usize; 4];
    for e in &doc.entities {
        let Some(ty) = type_index(&e.label) else {
            continue;
        };
        let (Some(&bs), Some(&be)) = (byte_of.get(e.start), byte_of.get(e.end)) else {
            misaligned += 1;
            misaligned_types[ty] += 1;
            continue;
        };
        match (starts.get(&bs), ends.get(&be)) {
            (Some(&s), Some(&t)) if t >= s && toks[s].sentence == toks[t].sentence => {
                gold.push((s, t + 1, ty))
            }
            _ => {
                misaligned += 1;
                misaligned_types[ty] += 1;
            }
        }
    }
    gold.sort();
    gold.dedup_by(|b, a| b.0 < a.1); // drop overlaps
    Example {
        prepared,
        gold,
        misaligned,
        misaligned_types,
        source: 0,
    }
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Language of the texts (ISO 639-3).
    pub lang: &'static str,
    /// Passes over the training data.
    pub epochs: u32,
    /// Seed of the sentence order.
    pub seed: u64,
    /// Features seen fewer times in training are dropped.
    pub min_count: u32,
    /// Weights smaller than this (in perceptron updates, averaged) are pruned.
    pub prune: f32,
    /// How many sources the examples come from ([`Example::source`] below it). With more than
    /// one, each feature of a source `k > 0` also fires a copy of its own (Daumé's "frustratingly
    /// easy" domain adaptation), so what only that source does — silver data that leaves
    /// entities unmarked, another annotation guide — is learned by weights the written model
    /// drops, and the shared weights keep what holds across sources.
    pub sources: u32,
    /// How many perceptrons to train side by side, each on its own order of the sentences
    /// (seeds `seed`, `seed + 1`, …); the model is the mean of their averaged weights, which
    /// smooths what one order of the data happened to teach. 1: a single perceptron.
    pub orders: u32,
}

/// Exact-match scores per type and overall: (tp, predicted, gold).
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// Per type: true positives, predictions, gold.
    pub per_type: [(usize, usize, usize); 4],
}

impl Scores {
    fn add(
        &mut self,
        pred: &[(usize, usize, usize)],
        gold: &[(usize, usize, usize)],
        missed: &[usize; 4],
    ) {
        for p in pred {
            self.per_type[p.2].1 += 1;
            if gold.contains(p) {
                self.per_type[p.2].0 += 1;
            }
        }
        for g in gold {
            self.per_type[g.2].2 += 1;
        }
        // gold entities off the token boundaries count as missed
        for (t, m) in self.per_type.iter_mut().zip(missed) {
            t.2 += m;
        }
    }

    /// Micro (precision, recall, F1).
    pub fn micro(&self) -> (f64, f64, f64) {
        let (t, p, g) = self
            .per_type
            .iter()
            .fold((0, 0, 0), |a, x| (a.0 + x.0, a.1 + x.1, a.2 + x.2));
        prf(t, p, g)
    }

    /// A table in the layout of `score_ner.py`.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:6} {:>7} {:>7} {:>7} {:>6} {:>6}\n",
            "label", "P", "R", "F1", "gold", "pred"
        );
        for (k, ty) in TYPES.iter().enumerate() {
            let (t, p, g) = self.per_type[k];
            let (pp, r, f) = prf(t, p, g);
            s += &format!("{ty:6} {pp:7.4} {r:7.4} {f:7.4} {g:6} {p:6}\n");
        }
        let (t, p, g) = self
            .per_type
            .iter()
            .fold((0, 0, 0), |a, x| (a.0 + x.0, a.1 + x.1, a.2 + x.2));
        let (pp, r, f) = prf(t, p, g);
        s += &format!("{:6} {pp:7.4} {r:7.4} {f:7.4} {g:6} {p:6}\n", "ALL");
        s
    }
}

fn prf(t: usize, p: usize, g: usize) -> (f64, f64, f64) {
    let pp = if p > 0 { t as f64 / p as f64 } else { 0.0 };
    let r = if g > 0 { t as f64 / g as f64 } else { 0.0 };
    let f = if pp + r > 0.0 {
        2.0 * pp * r / (pp + r)
    } else {
        0.0
    };
    (pp, r, f)
}

/// Scores a model on prepared examples (token-level spans, before any post-processing).
pub fn evaluate(model: &Model, examples: &[Example]) -> Scores {
    let mut scores = Scores::default();
    for ex in examples {
        let pred = super::tag_spans(model, &ex.prepared);
        scores.add(&pred, &ex.gold, &ex.misaligned_types);
    }
    scores
}

/// The perceptron's weights: current and the running sums for averaging.
struct Weights {
    w: Vec<f32>,
    u: Vec<f32>,
    tw: Vec<f32>,
    tu: Vec<f32>,
    ew: Vec<f32>,
    eu: Vec<f32>,
}

impl Weights {
    fn averaged(&self, c: f32) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let avg = |w: &[f32], u: &[f32]| w.iter().zip(u).map(|(w, u)| w - u / c).collect();
        (
            avg(&self.w, &self.u),
            avg(&self.tw, &self.tu),
            avg(&self.ew, &self.eu),
        )
    }
}

fn emissions(w: &[f32], s: &Sentence) -> Vec<f32> {
    let n = s.gold.len();
    let mut em = vec![0f32; n * N_TAGS];
    for i in 0..n {
        let row = &mut em[i * N_TAGS..(i + 1) * N_TAGS];
        for &f in &s.feats[s.offsets[i] as usize..s.offsets[i + 1] as usize] {
            let wr = &w[f as usize * N_TAGS..(f as usize + 1) * N_TAGS];
            for (r, x) in row.iter_mut().zip(wr) {
                *r += x;
            }
        }
    }
    em
}

/// One pass of the perceptron over `sentences` in `order`; `c` counts the updates before it
/// (for the averaging). Gives the number of sentences tagged wrong.
fn epoch_pass(wt: &mut Weights, sentences: &[Sentence], order: &[usize], mut c: f32) -> usize {
    let mut errors = 0usize;
    for &k in order {
        let sent = &sentences[k];
        let em = emissions(&wt.w, sent);
        let pred = viterbi(&em, &wt.tw, &wt.ew);
        if pred != sent.gold {
            errors += 1;
            let n = sent.gold.len();
            for i in 0..n {
                let (g, p) = (sent.gold[i] as usize, pred[i] as usize);
                if g != p {
                    for &f in &sent.feats[sent.offsets[i] as usize..sent.offsets[i + 1] as usize] {
                        let base = f as usize * N_TAGS;
                        wt.w[base + g] += 1.0;
                        wt.u[base + g] += c;
                        wt.w[base + p] -= 1.0;
                        wt.u[base + p] -= c;
                    }
                }
                let gp = if i == 0 {
                    N_TAGS
                } else {
                    sent.gold[i - 1] as usize
                };
                let pp = if i == 0 { N_TAGS } else { pred[i - 1] as usize };
                if (gp, g) != (pp, p) {
                    wt.tw[gp * N_TAGS + g] += 1.0;
                    wt.tu[gp * N_TAGS + g] += c;
                    wt.tw[pp * N_TAGS + p] -= 1.0;
                    wt.tu[pp * N_TAGS + p] -= c;
                }
            }
            let (g, p) = (sent.gold[n - 1] as usize, pred[n - 1] as usize);
            if g != p {
                wt.ew[g] += 1.0;
                wt.eu[g] += c;
                wt.ew[p] -= 1.0;
                wt.eu[p] -= c;
            }
        }
        c += 1.0;
    }
    errors
}

/// The element-wise mean of several (weights, transitions, end weights); one is returned as is.
fn mean(
    mut all: impl Iterator<Item = (Vec<f32>, Vec<f32>, Vec<f32>)>,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let Some(mut sum) = all.next() else {
        return (Vec::new(), Vec::new(), Vec::new());
    };
    let mut k = 1.0f32;
    for (w, tw, ew) in all {
        for (a, b) in [(&mut sum.0, w), (&mut sum.1, tw), (&mut sum.2, ew)] {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        k += 1.0;
    }
    if k > 1.0 {
        for v in [&mut sum.0, &mut sum.1, &mut sum.2] {
            v.iter_mut().for_each(|x| *x /= k);
        }
    }
    sum
}

/// What training produced.
pub struct Trained {
    /// The quantized model.
    pub model: Model,
    /// Development scores of the quantized model, token level.
    pub dev: Scores,
    /// Per-epoch development micro F1 of the averaged float weights.
    pub curve: Vec<f64>,
    /// Features kept after counting.
    pub features: usize,
}

fn sentences_of(ex: &Example, index: &FxHashMap<u32, u32>) -> Vec<Sentence> {
    let p = &ex.prepared;
    // a source's own copy of shared feature `k` is `k + source × index.len()`
    let own = ex.source * index.len() as u32;
    let tags = tags_of(p.tokens.len(), &ex.gold);
    let mut out = Vec::new();
    for r in super::tokens::sentence_ranges(&p.tokens) {
        let mut feats = Vec::new();
        let mut offsets = vec![0u32];
        for i in r.clone() {
            let shared = feats.len();
            feats.extend(
                p.features
                    .of(i)
                    .iter()
                    .filter_map(|f| index.get(f).copied()),
            );
            if own > 0 {
                for k in shared..feats.len() {
                    feats.push(feats[k] + own);
                }
            }
            offsets.push(feats.len() as u32);
        }
        out.push(Sentence {
            feats,
            offsets,
            gold: tags[r].to_vec(),
        });
    }
    out
}

/// Trains a model, keeping the epoch that scores best on `dev` (the last one when `dev` is
/// empty); `log` receives one line per epoch.
pub fn train(
    train: &[Example],
    dev: &[Example],
    s: &Settings,
    log: &mut dyn FnMut(String),
) -> Trained {
    // count features, keep the frequent ones
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    for ex in train {
        for &f in &ex.prepared.features.ids {
            *counts.entry(f).or_default() += 1;
        }
    }
    let mut kept: Vec<u32> = counts
        .iter()
        .filter(|&(_, &c)| c >= s.min_count)
        .map(|(&f, _)| f)
        .collect();
    kept.sort_unstable();
    let index: FxHashMap<u32, u32> = kept
        .iter()
        .enumerate()
        .map(|(i, &f)| (f, i as u32))
        .collect();
    let sentences: Vec<Sentence> = train
        .iter()
        .flat_map(|ex| sentences_of(ex, &index))
        .collect();
    let nf = kept.len();
    // the shared weights, then each other source's own
    let rows = nf * s.sources.max(1) as usize;
    log(format!(
        "{} training sentences, {} tokens, {} features ({} seen)",
        sentences.len(),
        sentences.iter().map(|s| s.gold.len()).sum::<usize>(),
        nf,
        counts.len()
    ));
    let blank = || Weights {
        w: vec![0.0; rows * N_TAGS],
        u: vec![0.0; rows * N_TAGS],
        tw: vec![0.0; (N_TAGS + 1) * N_TAGS],
        tu: vec![0.0; (N_TAGS + 1) * N_TAGS],
        ew: vec![0.0; N_TAGS],
        eu: vec![0.0; N_TAGS],
    };
    // one perceptron per sentence order, trained side by side; their averaged weights are
    // averaged again ([`Settings::orders`])
    let orders = s.orders.max(1) as u64;
    let mut runs: Vec<(Weights, Rng, Vec<usize>)> = (0..orders)
        .map(|k| {
            (
                blank(),
                Rng::new(s.seed + k),
                (0..sentences.len()).collect(),
            )
        })
        .collect();
    let mut c: f32 = 1.0;
    let mut best: Option<(f64, u32, Model)> = None;
    let mut curve = Vec::new();
    for epoch in 1..=s.epochs {
        let errors: usize = runs
            .par_iter_mut()
            .map(|(wt, rng, order)| {
                rng.shuffle(order);
                epoch_pass(wt, &sentences, order, c)
            })
            .sum::<usize>()
            / orders as usize;
        c += sentences.len() as f32;
        let (w, tw, ew) = mean(runs.iter().map(|r| r.0.averaged(c)));
        let model = quantize(s, epoch, &kept, &w, &tw, &ew);
        let scores = evaluate(&model, dev);
        let f = scores.micro().2;
        curve.push(f);
        log(format!(
            "epoch {epoch}: {errors} sentences wrong in training; dev F1 {f:.4} ({} features stored)",
            model.len()
        ));
        // without examples to choose on, the last epoch is kept
        if dev.is_empty() || best.as_ref().is_none_or(|(bf, _, _)| f > *bf) {
            best = Some((f, epoch, model));
        }
    }
    let (_, _, model) = best.unwrap_or_else(|| {
        (
            0.0,
            0,
            quantize(
                s,
                0,
                &[],
                &[],
                &vec![0.0; (N_TAGS + 1) * N_TAGS],
                &[0.0; N_TAGS],
            ),
        )
    });
    let dev_scores = evaluate(&model, dev);
    Trained {
        model,
        dev: dev_scores,
        curve,
        features: nf,
    }
}

/// Quantizes float weights to a model: one scale so that the largest weight is 32767; weights
/// smaller than `prune` (or than one step) are dropped.
fn quantize(s: &Settings, epoch: u32, ids: &[u32], w: &[f32], tw: &[f32], ew: &[f32]) -> Model {
    let max = w
        .iter()
        .chain(tw)
        .chain(ew)
        .fold(0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
    let q = |x: f32| (x / scale).round() as i32;
    let mut features = Vec::new();
    for (k, &id) in ids.iter().enumerate() {
        let entries: Vec<Entry> = (0..N_TAGS)
            .filter_map(|t| {
                let x = w[k * N_TAGS + t];
                let v = q(x);
                (v != 0 && x.abs() >= s.prune).then_some(Entry {
                    tag: t as u8,
                    weight: v.clamp(-32767, 32767) as i16,
                })
            })
            .collect();
        if !entries.is_empty() {
            features.push((id, entries));
        }
    }
    Model::new(
        s.lang,
        epoch,
        scale,
        tw.iter().map(|&x| q(x)).collect(),
        ew.iter().map(|&x| q(x)).collect(),
        features,
    )
}

/// Spans per sentence for features `feats` (used by evaluation and tagging).
pub fn decode(
    model: &Model,
    feats: &Features,
    range: std::ops::Range<usize>,
) -> Vec<(usize, usize, usize)> {
    let first = range.start;
    let tags = model.tag(range.len(), |i| feats.of(first + i));
    spans(&tags)
        .into_iter()
        .map(|(s, e, t)| (s + first, e + first, t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str, ents: &[(&str, &str)]) -> GoldDoc {
        let entities = ents
            .iter()
            .map(|(name, label)| {
                let b = text.find(name).unwrap();
                let start = text[..b].chars().count();
                GoldEntity {
                    start,
                    end: start + name.chars().count(),
                    label: label.to_string(),
                }
            })
            .collect();
        GoldDoc {
            id: id.into(),
            text: text.into(),
            entities,
        }
    }

    fn data() -> Vec<GoldDoc> {
        let people = ["Anna Berg", "Tom Hale", "Lea Moss", "Omar Dial", "Ivy Cole"];
        let places = ["Oslo", "Lima", "Kyoto", "Accra", "Perth"];
        let orgs = ["Vexo Corp", "Balder Bank", "Quill Group"];
        let mut docs = Vec::new();
        for i in 0..30 {
            let (p, l, o) = (people[i % 5], places[(i / 2) % 5], orgs[i % 3]);
            let text = format!("{p} flew to {l} on Monday . {o} said {p} had left .");
            docs.push(doc(
                &format!("d{i}"),
                &text,
                &[(p, "PER"), (l, "LOC"), (o, "ORG")],
            ));
        }
        docs
    }

    #[test]
    fn training_learns_and_is_deterministic() {
        let gaz = Gazetteer::builtin();
        let docs = data();
        let ex: Vec<Example> = docs.iter().map(|d| example(d, "eng", &gaz)).collect();
        assert!(ex.iter().all(|e| e.misaligned == 0));
        let settings = Settings {
            lang: "eng",
            epochs: 4,
            seed: 7,
            min_count: 1,
            prune: 0.0,
            sources: 1,
            orders: 1,
        };
        let a = train(&ex[..20], &ex[20..], &settings, &mut |_| {});
        let b = train(&ex[..20], &ex[20..], &settings, &mut |_| {});
        assert_eq!(a.model.to_bytes(), b.model.to_bytes());
        assert!(a.dev.micro().2 > 0.9, "{}", a.dev.table());
        assert_eq!(a.curve.len(), 4);
        let reloaded = Model::from_bytes(&a.model.to_bytes()).unwrap();
        assert_eq!(evaluate(&reloaded, &ex[20..]).micro(), a.dev.micro());
        // several orders side by side: deterministic too (whatever the threads), and not the
        // first order's model alone
        let three = Settings {
            orders: 3,
            ..settings.clone()
        };
        let c = train(&ex[..20], &ex[20..], &three, &mut |_| {});
        let d = train(&ex[..20], &ex[20..], &three, &mut |_| {});
        assert_eq!(c.model.to_bytes(), d.model.to_bytes());
        assert_ne!(c.model.to_bytes(), a.model.to_bytes());
        assert!(c.dev.micro().2 > 0.9, "{}", c.dev.table());
    }

    #[test]
    fn a_silver_source_with_its_own_weights_does_not_unteach_the_gold() {
        let gaz = Gazetteer::builtin();
        let docs = data();
        let gold =
            || -> Vec<Example> { docs[..20].iter().map(|d| example(d, "eng", &gaz)).collect() };
        let dev: Vec<Example> = docs[20..].iter().map(|d| example(d, "eng", &gaz)).collect();
        // silver data that never marks the organisations, three times as much as the gold
        let silver = |source: u32| -> Vec<Example> {
            (0..60)
                .map(|i| {
                    let mut d = docs[i % 20].clone();
                    d.id = format!("s{i}");
                    d.entities.retain(|e| e.label != "ORG");
                    let mut ex = example(&d, "eng", &gaz);
                    ex.source = source;
                    ex
                })
                .collect()
        };
        let settings = |sources| Settings {
            lang: "eng",
            epochs: 6,
            seed: 3,
            min_count: 1,
            prune: 0.0,
            sources,
            orders: 1,
        };
        let org = |t: &Trained| t.dev.per_type[1];
        let mut mixed = gold();
        mixed.extend(silver(0));
        let shared = train(&mixed, &dev, &settings(1), &mut |_| {});
        let mut adapted = gold();
        adapted.extend(silver(1));
        let own = train(&adapted, &dev, &settings(2), &mut |_| {});
        // every organisation found with the silver data's own weights, few without them
        assert_eq!(org(&own).0, org(&own).2, "{}", own.dev.table());
        assert!(
            org(&shared).0 * 2 < org(&shared).2,
            "{}",
            shared.dev.table()
        );
        // the written model holds shared weights only: as many features as without a source
        assert!(own.model.len() <= own.features);
    }

    #[test]
    fn misaligned_gold_is_counted() {
        let gaz = Gazetteer::builtin();
        let mut d = doc(
            "x",
            "The Oslo-based firm met Tom Hale .",
            &[("Tom Hale", "PER")],
        );
        d.entities.push(GoldEntity {
            start: 4,
            end: 8,
            label: "LOC".into(),
        });
        let e = example(&d, "eng", &gaz);
        assert_eq!(e.misaligned, 1);
        assert_eq!(e.misaligned_types, [0, 0, 1, 0]);
        assert_eq!(e.gold.len(), 1);
    }

    #[test]
    fn ascii_copies_drop_accents_and_keep_entities_on_their_words() {
        let d = doc(
            "1",
            "Der Präsident Müller besuchte Köln .",
            &[("Müller", "PER"), ("Köln", "LOC")],
        );
        let c = ascii_copy(&d).unwrap();
        assert_eq!(c.text, "Der Prsident Mller besuchte Kln .");
        let got: Vec<&str> = c
            .entities
            .iter()
            .map(|e| {
                let b: Vec<usize> = c.text.char_indices().map(|(b, _)| b).collect();
                &c.text[b[e.start]..b.get(e.end).copied().unwrap_or(c.text.len())]
            })
            .collect();
        assert_eq!(got, ["Mller", "Kln"]);
        // nothing to drop, or a script that is not Latin: no copy
        assert!(ascii_copy(&doc("2", "Berlin is big .", &[])).is_none());
        assert!(ascii_copy(&doc("3", "Москва большая .", &[])).is_none());
    }

    #[test]
    fn reads_jsonl() {
        let docs = read_jsonl("{\"id\": \"a\", \"text\": \"Hi\", \"entities\": []}\n\n").unwrap();
        assert_eq!(docs.len(), 1);
        assert!(read_jsonl("{broken").is_err());
    }
}
