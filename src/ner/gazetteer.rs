//! Gazetteer: lists of known names (countries, capitals and cities, nationalities, major
//! organisations and agencies, news outlets) and of first names.
//!
//! The built-in lists live in `data/gazetteer/` (see its README for sources) and are compiled
//! into the binary. `--gazetteer FILE.csv` (columns `name,label`, optional `canonical`) adds a
//! user's list. A list name matches a run of tokens exactly (after quote and dash folding and
//! NFC; case-sensitive, so `US` is not `us`), leftmost-longest within a sentence. Matches are
//! both a tagger feature (label and position in the match) and, where the tagger found nothing,
//! mentions of their own (`method = gazetteer`). A `canonical` column links aliases
//! (`U.S.` → `United States`); an `id` column gives the entity an identifier that links its
//! names across languages and articles ([`super::link`]).

use super::model::TYPES;
use super::tokens::NerToken;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, OnceLock};

/// One listed name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The name as listed.
    pub name: String,
    /// Its matching tokens.
    pub tokens: Vec<String>,
    /// Entity type index into [`TYPES`].
    pub ty: u8,
    /// The canonical name it stands for (the name itself when none is given).
    pub canonical: String,
    /// Whether it came from the user's `--gazetteer` file.
    pub user: bool,
    /// The user's identifier for the entity (`id` column), linking it across languages.
    pub id: Option<String>,
}

/// A match of a listed name in a text: tokens `start..end`, entry index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Index into [`Gazetteer::entries`].
    pub entry: usize,
}

/// Name lists and first names.
#[derive(Default)]
pub struct Gazetteer {
    entries: Vec<Entry>,
    index: FxHashMap<String, Vec<u32>>,
    first_names: FxHashSet<String>,
    canonical: FxHashMap<String, String>,
    names: FxHashSet<String>,
    /// name or canonical name → entry, for entries with an id
    ids: FxHashMap<(String, u8), usize>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gazetteer({} names, {} first names)",
            self.entries.len(),
            self.first_names.len()
        )
    }
}

/// The built-in lists: (file, CSV text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "countries.csv",
        include_str!("../../data/gazetteer/countries.csv"),
    ),
    (
        "places.csv",
        include_str!("../../data/gazetteer/places.csv"),
    ),
    (
        "nationalities.csv",
        include_str!("../../data/gazetteer/nationalities.csv"),
    ),
    (
        "organisations.csv",
        include_str!("../../data/gazetteer/organisations.csv"),
    ),
    (
        "outlets.csv",
        include_str!("../../data/gazetteer/outlets.csv"),
    ),
    (
        "multilingual.csv",
        include_str!("../../data/gazetteer/multilingual.csv"),
    ),
];
const FIRST_NAMES: &str = include_str!("../../data/gazetteer/first_names.txt");

/// The matching form of a token or name part: NFC, quotes and dashes folded, case kept.
pub fn key(s: &str) -> String {
    crate::normalize::normalize(s).into_owned()
}

fn tokens_of(name: &str) -> Vec<String> {
    let seg = crate::segment::segment(name, "eng");
    super::tokens::ner_tokens(name, &seg)
        .iter()
        .map(|t| key(&name[t.start..t.end]))
        .collect()
}

/// Parses a label: PER/PERSON, ORG/ORGANIZATION/ORGANISATION, LOC/LOCATION/GPE, MISC.
pub fn parse_label(s: &str) -> Option<u8> {
    let t = match s.trim().to_ascii_uppercase().as_str() {
        "PER" | "PERSON" => 0,
        "ORG" | "ORGANIZATION" | "ORGANISATION" => 1,
        "LOC" | "LOCATION" | "GPE" => 2,
        "MISC" | "MISCELLANEOUS" => 3,
        _ => return None,
    };
    Some(t)
}

impl Gazetteer {
    /// The built-in lists, parsed once.
    pub fn builtin() -> Arc<Gazetteer> {
        static G: OnceLock<Arc<Gazetteer>> = OnceLock::new();
        G.get_or_init(|| {
            let mut g = Gazetteer::default();
            for (file, text) in BUILTIN {
                // the built-in files are checked by a unit test; a bad row cannot happen
                let _ = g.add_csv(text, false).map_err(|e| (file, e));
            }
            for line in FIRST_NAMES.lines() {
                let name = line.trim();
                if !name.is_empty() && !name.starts_with('#') {
                    g.first_names.insert(key(name));
                }
            }
            Arc::new(g)
        })
        .clone()
    }

    /// The built-in lists plus a user's CSV (`name,label[,canonical][,id]` with a header row).
    /// Returns the 1-based line numbers and reasons of rows that were skipped.
    pub fn with_user(csv_text: &str) -> Result<(Gazetteer, Vec<(u64, String)>), String> {
        let base = Gazetteer::builtin();
        let mut g = Gazetteer {
            entries: Vec::new(),
            index: FxHashMap::default(),
            first_names: base.first_names.clone(),
            canonical: FxHashMap::default(),
            names: FxHashSet::default(),
            ids: FxHashMap::default(),
        };
        // user entries first: they win over built-in ones with the same tokens
        let skipped = g.add_csv(csv_text, true)?;
        for e in &base.entries {
            g.push(e.clone());
        }
        Ok((g, skipped))
    }

    fn push(&mut self, e: Entry) {
        if e.tokens.is_empty() {
            return;
        }
        if let Some(list) = self.index.get(&e.tokens[0])
            && list
                .iter()
                .any(|&k| self.entries[k as usize].tokens == e.tokens)
        {
            return;
        }
        if e.canonical != e.name {
            self.canonical
                .entry(e.name.clone())
                .or_insert_with(|| e.canonical.clone());
        }
        let k = self.entries.len() as u32;
        if e.id.is_some() {
            for n in [&e.name, &e.canonical] {
                self.ids.entry((n.clone(), e.ty)).or_insert(k as usize);
            }
        }
        self.names.insert(e.name.clone());
        self.index.entry(e.tokens[0].clone()).or_default().push(k);
        self.entries.push(e);
    }

    fn add_csv(&mut self, text: &str, user: bool) -> Result<Vec<(u64, String)>, String> {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let headers = r.headers().map_err(|e| e.to_string())?.clone();
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(nc), Some(lc)) = (col("name"), col("label")) else {
            return Err(
                "needs a header row with the columns name,label (and optionally canonical, id)"
                    .into(),
            );
        };
        let cc = col("canonical");
        let ic = col("id");
        let mut skipped = Vec::new();
        for (i, rec) in r.records().enumerate() {
            let line = i as u64 + 2;
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    skipped.push((line, e.to_string()));
                    continue;
                }
            };
            let name = rec.get(nc).unwrap_or("").trim();
            let label = rec.get(lc).unwrap_or("");
            let Some(ty) = parse_label(label) else {
                skipped.push((
                    line,
                    format!("label {label:?} is not PER, ORG, LOC or MISC"),
                ));
                continue;
            };
            if name.is_empty() {
                skipped.push((line, "empty name".into()));
                continue;
            }
            let canonical = cc
                .and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .unwrap_or(name);
            self.push(Entry {
                name: name.to_string(),
                tokens: tokens_of(name),
                ty,
                canonical: canonical.to_string(),
                user,
                id: ic
                    .and_then(|c| rec.get(c))
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string),
            });
        }
        Ok(skipped)
    }

    /// All listed names.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether `name` (a matching form) is a listed first name.
    pub fn is_first_name(&self, name: &str) -> bool {
        self.first_names.contains(name)
    }

    /// Whether `name` is listed.
    pub fn is_listed(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// The canonical name of a listed alias (`U.S.` → `United States`).
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.canonical.get(name).map(String::as_str)
    }

    /// The identifier and canonical name a `--gazetteer` row with an `id` gives `name` (a name
    /// or canonical name of that row) of type `ty`.
    pub fn user_id(&self, name: &str, ty: u8) -> Option<(&str, &str)> {
        let e = &self.entries[*self.ids.get(&(name.to_string(), ty))?];
        Some((e.id.as_deref()?, e.canonical.as_str()))
    }

    /// Leftmost-longest matches over tokens with matching forms `keys`, within sentences.
    pub fn find(&self, toks: &[NerToken], keys: &[&str]) -> Vec<Match> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let mut best: Option<(usize, usize)> = None;
            if let Some(list) = self.index.get(keys[i]) {
                for &k in list {
                    let e = &self.entries[k as usize];
                    let n = e.tokens.len();
                    if i + n <= toks.len()
                        && best.is_none_or(|(len, _)| n > len)
                        && toks[i + n - 1].sentence == toks[i].sentence
                        && e.tokens.iter().zip(&keys[i..i + n]).all(|(a, b)| a == b)
                    {
                        best = Some((n, k as usize));
                    }
                }
            }
            match best {
                Some((n, entry)) => {
                    out.push(Match {
                        start: i,
                        end: i + n,
                        entry,
                    });
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }

    /// Per-token gazetteer codes for the features: 0, or 1 + type × 4 + position (B, I, L, U).
    pub fn codes(&self, n: usize, matches: &[Match]) -> Vec<u8> {
        let mut codes = vec![0u8; n];
        for m in matches {
            let ty = self.entries[m.entry].ty;
            let base = 1 + ty * 4;
            if m.end == m.start + 1 {
                codes[m.start] = base + 3;
            } else {
                codes[m.start] = base;
                for c in &mut codes[m.start + 1..m.end - 1] {
                    *c = base + 1;
                }
                codes[m.end - 1] = base + 2;
            }
        }
        codes
    }
}

/// The type name of a type index.
pub fn type_name(ty: u8) -> &'static str {
    TYPES[ty as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lists_parse() {
        for (file, text) in BUILTIN {
            let mut g = Gazetteer::default();
            let skipped = g.add_csv(text, false).unwrap();
            assert!(skipped.is_empty(), "{file}: {skipped:?}");
            assert!(g.entries.len() > 20, "{file}");
        }
        let g = Gazetteer::builtin();
        assert!(g.is_first_name("Victor"));
        assert_eq!(g.canonical("U.S."), Some("United States"));
        assert_eq!(g.canonical("US"), Some("United States"));
        assert_eq!(g.canonical("Duitsland"), Some("Germany"));
        assert_eq!(g.canonical("Holanda"), Some("Netherlands"));
    }

    #[test]
    fn matches_are_leftmost_longest_and_case_sensitive() {
        let g = Gazetteer::builtin();
        let text = "The United States and the U.S. and us and New York City met Reuters.";
        let seg = crate::segment::segment(text, "eng");
        let toks = super::super::tokens::ner_tokens(text, &seg);
        let keys: Vec<String> = toks.iter().map(|t| key(&text[t.start..t.end])).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let found: Vec<(String, &str)> = g
            .find(&toks, &keys)
            .iter()
            .map(|m| {
                (
                    text[toks[m.start].start..toks[m.end - 1].end].to_string(),
                    type_name(g.entries()[m.entry].ty),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("United States".to_string(), "LOC"),
                ("U.S.".to_string(), "LOC"),
                ("New York City".to_string(), "LOC"),
                ("Reuters".to_string(), "ORG"),
            ]
        );
    }

    #[test]
    fn user_lists() {
        let (g, skipped) = Gazetteer::with_user(
            "name,label\nAcme Widgets,ORG\nBad Row,THING\n,PER\nZork Bank,organization\n",
        )
        .unwrap();
        assert_eq!(skipped.len(), 2);
        assert!(
            g.entries()
                .iter()
                .any(|e| e.name == "Acme Widgets" && e.user)
        );
        assert!(
            g.entries()
                .iter()
                .any(|e| e.name == "Zork Bank" && e.ty == 1)
        );
        assert!(g.entries().iter().any(|e| e.name == "Reuters" && !e.user));
        assert!(Gazetteer::with_user("a,b\nx,y\n").is_err());
    }
}
