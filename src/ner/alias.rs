//! Aliases: which named mentions of one document name the same entity.
//!
//! Mentions are grouped (union-find) when:
//!
//! 1. their names are equal after the gazetteer's canonical names are applied (`U.S.`, `US`
//!    and `United States` → `United States`);
//! 2. one is an acronym defined next to the other, `the Ministry of State Security (MSS)` or
//!    `Chinese Communist Party [CCP]`, or an all-capitals name whose letters are the initials of
//!    exactly one longer name in the document;
//! 3. one is a shorter form of exactly one longer name: a person's family or given name
//!    (`Chen` after `Chen Yixin`, `Victor` for `Victor Westerkamp`), or the first words of an
//!    organisation or place (`Astellas` for `Astellas Pharma`); a person's name is tried
//!    first. A short form that fits two longer names (`Chen` with `Chen Yixin` and `Chen Wei`)
//!    is ambiguous and stays apart (as a person, when both are people), and names listed in
//!    the gazetteer (`China`) are never read as short forms.
//!
//! Each group becomes an entity named by its canonical name, or else its longest name, with the
//! other names as aliases.

use super::gazetteer::Gazetteer;

/// A named mention as the grouping sees it.
#[derive(Clone, Debug)]
pub struct Named {
    /// The mention's name (white space collapsed, quotes folded).
    pub name: String,
    /// Its words.
    pub words: Vec<String>,
    /// Entity type index.
    pub ty: u8,
    /// The mention that defines it as an acronym, if any.
    pub acronym_of: Option<usize>,
}

/// An entity: a group of mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The entity's name.
    pub name: String,
    /// Its type index.
    pub ty: u8,
    /// Its other names, sorted.
    pub aliases: Vec<String>,
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // the smaller index is the root: deterministic
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi] = lo;
    }
}

const FUNCTION_WORDS: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "&", "de", "del", "la", "el", "los", "las", "y", "van",
    "der", "den", "het", "voor", "en", "des", "du", "le", "et", "für", "und",
];

/// The capital initials of `words`, without function words when `skip`.
fn initials(words: &[String], skip: bool) -> String {
    words
        .iter()
        .filter(|w| !skip || !FUNCTION_WORDS.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether `acronym` (all capitals) spells the initials of `words`.
pub fn initials_match(acronym: &str, words: &[String]) -> bool {
    let letters: Vec<char> = acronym.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 || words.len() < 2 {
        return false;
    }
    let target: String = letters.iter().flat_map(|c| c.to_uppercase()).collect();
    initials(words, true) == target || initials(words, false) == target
}

/// Whether `s` looks like an acronym: 2–8 characters, capitals (and digits), at least two
/// capitals, periods allowed (`U.S.`).
pub fn is_acronym(s: &str) -> bool {
    let n = s.chars().count();
    let caps = s.chars().filter(|c| c.is_uppercase()).count();
    (2..=10).contains(&n)
        && caps >= 2
        && s.chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.' || c == '&')
}

/// Groups mentions; returns each mention's group index and the groups, in order of first
/// mention.
pub fn group(mentions: &[Named], gaz: &Gazetteer) -> (Vec<usize>, Vec<Group>) {
    let n = mentions.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let keys: Vec<String> = mentions
        .iter()
        .map(|m| gaz.canonical(&m.name).unwrap_or(&m.name).to_string())
        .collect();
    // 1. equal names
    let mut first_of: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for (i, k) in keys.iter().enumerate() {
        match first_of.get(k.as_str()) {
            Some(&j) => union(&mut parent, i, j),
            None => {
                first_of.insert(k, i);
            }
        }
    }
    // 2. defined acronyms
    for (i, m) in mentions.iter().enumerate() {
        if let Some(j) = m.acronym_of {
            union(&mut parent, i, j);
        }
    }
    // distinct names per group, to test uniqueness of candidates
    let roots = |parent: &mut [usize]| -> Vec<usize> { (0..n).map(|i| find(parent, i)).collect() };
    let r = roots(&mut parent);
    // the candidates below are searched among distinct (name, type) pairs through indexes, so a
    // long document with thousands of mentions stays linear
    let mut reps: Vec<usize> = Vec::new();
    {
        let mut seen: rustc_hash::FxHashSet<(&str, u8)> = rustc_hash::FxHashSet::default();
        for (i, m) in mentions.iter().enumerate() {
            if seen.insert((m.name.as_str(), m.ty)) {
                reps.push(i);
            }
        }
    }
    let mut by_initials: rustc_hash::FxHashMap<String, Vec<usize>> =
        rustc_hash::FxHashMap::default();
    let mut by_first: rustc_hash::FxHashMap<&str, Vec<usize>> = rustc_hash::FxHashMap::default();
    let mut by_last: rustc_hash::FxHashMap<&str, Vec<usize>> = rustc_hash::FxHashMap::default();
    for &j in &reps {
        let o = &mentions[j];
        if o.words.len() < 2 {
            continue;
        }
        for skip in [true, false] {
            let key = initials(&o.words, skip);
            let list = by_initials.entry(key).or_default();
            if !list.contains(&j) {
                list.push(j);
            }
        }
        by_first.entry(o.words[0].as_str()).or_default().push(j);
        by_last
            .entry(o.words[o.words.len() - 1].as_str())
            .or_default()
            .push(j);
    }
    // 2b. undefined acronyms matching the initials of exactly one longer name
    let mut links = Vec::new();
    for &i in &reps {
        let m = &mentions[i];
        if m.words.len() != 1 || !is_acronym(&m.name) || gaz.canonical(&m.name).is_some() {
            continue;
        }
        let target: String = m
            .name
            .chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_uppercase)
            .collect();
        if target.chars().count() < 2 {
            continue;
        }
        let mut cands: Vec<usize> = by_initials
            .get(&target)
            .map(|js| js.iter().map(|&j| r[j]).collect())
            .unwrap_or_default();
        cands.sort_unstable();
        cands.dedup();
        if cands.len() == 1 {
            links.push((i, cands[0]));
        }
    }
    // 3. short forms
    let mut person_hint: rustc_hash::FxHashSet<(&str, u8)> = rustc_hash::FxHashSet::default();
    for &i in &reps {
        let m = &mentions[i];
        let listed = gaz.canonical(&m.name).is_some() || gaz.is_listed(&m.name);
        if listed || m.words.is_empty() || is_acronym(&m.name) {
            continue;
        }
        let k = m.words.len();
        let near: Vec<usize> = by_first
            .get(m.words[0].as_str())
            .into_iter()
            .chain(by_last.get(m.words[k - 1].as_str()))
            .flatten()
            .copied()
            .collect();
        // a person's given or family name first: `Warhol` is `Andy Warhol` even when a
        // `Warhol Polaroids` is around
        let mut people: Vec<usize> = near
            .iter()
            .filter(|&&j| {
                let o = &mentions[j];
                o.ty == 0
                    && o.words.len() > k
                    && (m.ty == 0 || k == 1)
                    && (o.words[..k] == m.words[..] || o.words[o.words.len() - k..] == m.words[..])
            })
            .map(|&j| r[j])
            .collect();
        people.sort_unstable();
        people.dedup();
        if people.len() > 1 {
            // which person is unclear, that it is a person is not
            person_hint.insert((m.name.as_str(), m.ty));
            continue;
        }
        let mut cands: Vec<usize> = if people.len() == 1 {
            people
        } else {
            near.iter()
                .filter(|&&j| {
                    let o = &mentions[j];
                    o.ty != 0 && o.ty == m.ty && o.words.len() > k && o.words[..k] == m.words[..]
                })
                .map(|&j| r[j])
                .collect()
        };
        cands.sort_unstable();
        cands.dedup();
        if cands.len() == 1 && cands[0] != r[i] {
            links.push((i, cands[0]));
        }
    }
    for (a, b) in links {
        union(&mut parent, a, b);
    }
    let r = roots(&mut parent);
    // groups in order of first mention
    let mut index: rustc_hash::FxHashMap<usize, usize> = rustc_hash::FxHashMap::default();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut of = Vec::with_capacity(n);
    for (i, &root) in r.iter().enumerate() {
        let g = *index.entry(root).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[g].push(i);
        of.push(g);
    }
    let groups = members
        .iter()
        .map(|ms| {
            // a canonical name from the gazetteer wins; else the longest name, then the most
            // frequent, then the first in byte order
            let canonical = ms
                .iter()
                .find(|&&i| keys[i] != mentions[i].name)
                .map(|&i| keys[i].clone());
            let name = canonical.unwrap_or_else(|| {
                let full: Vec<usize> = ms
                    .iter()
                    .copied()
                    .filter(|&i| !is_acronym(&mentions[i].name))
                    .collect();
                let pool = if full.is_empty() { ms.clone() } else { full };
                let mut counts: rustc_hash::FxHashMap<&str, usize> =
                    rustc_hash::FxHashMap::default();
                for &j in ms {
                    *counts.entry(mentions[j].name.as_str()).or_default() += 1;
                }
                pool.iter()
                    .map(|&i| {
                        let m = &mentions[i];
                        (
                            m.words.len(),
                            counts[m.name.as_str()],
                            std::cmp::Reverse(m.name.as_str()),
                        )
                    })
                    .max()
                    .map_or_else(String::new, |b| b.2.0.to_string())
            });
            // the type most mentions of the longest names carry
            let mut votes = [0usize; 4];
            for &i in ms {
                let w = if mentions[i].name == name || keys[i] == name {
                    3
                } else {
                    1
                };
                votes[mentions[i].ty as usize] += w;
            }
            let ty = (0..4)
                .max_by_key(|&t| (votes[t], std::cmp::Reverse(t)))
                .unwrap_or(0) as u8;
            let mut aliases: Vec<String> = ms
                .iter()
                .map(|&i| mentions[i].name.clone())
                .filter(|a| *a != name)
                .collect();
            aliases.sort();
            aliases.dedup();
            Group { name, ty, aliases }
        })
        .collect();
    (of, groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, ty: u8) -> Named {
        Named {
            name: name.to_string(),
            words: name.split(' ').map(str::to_string).collect(),
            ty,
            acronym_of: None,
        }
    }

    fn grouped(ms: &[Named]) -> Vec<(String, Vec<String>)> {
        let (_, groups) = group(ms, &Gazetteer::builtin());
        groups.into_iter().map(|g| (g.name, g.aliases)).collect()
    }

    #[test]
    fn acronyms_short_forms_and_canonical_names() {
        let mut mss = named("MSS", 1);
        mss.acronym_of = Some(0);
        let ms = vec![
            named("Ministry of State Security", 1),
            mss,
            named("Chen Yixin", 0),
            named("Chen", 0),
            named("U.S.", 2),
            named("United States", 2),
            named("Chinese Communist Party", 1),
            named("CCP", 1),
            named("Victor Westerkamp", 0),
            named("Victor", 0),
            named("Astellas Pharma", 1),
            named("Astellas", 1),
            named("China", 2),
            named("Communist China", 2),
        ];
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            grouped(&ms),
            vec![
                ("Ministry of State Security".to_string(), s(&["MSS"])),
                ("Chen Yixin".to_string(), s(&["Chen"])),
                ("United States".to_string(), s(&["U.S."])),
                ("Chinese Communist Party".to_string(), s(&["CCP"])),
                ("Victor Westerkamp".to_string(), s(&["Victor"])),
                ("Astellas Pharma".to_string(), s(&["Astellas"])),
                ("China".to_string(), s(&[])),
                ("Communist China".to_string(), s(&[])),
            ]
        );
    }

    #[test]
    fn ambiguous_short_forms_stay_apart() {
        let ms = vec![
            named("Chen Yixin", 0),
            named("Chen Wei", 0),
            named("Chen", 0),
        ];
        let names: Vec<String> = grouped(&ms).into_iter().map(|g| g.0).collect();
        assert_eq!(names, ["Chen Yixin", "Chen Wei", "Chen"]);
    }

    #[test]
    fn initials() {
        let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert!(initials_match("MSS", &w("Ministry of State Security")));
        assert!(initials_match("CCP", &w("Chinese Communist Party")));
        assert!(initials_match("EU", &w("European Union")));
        assert!(!initials_match("AP", &w("Ministry of State Security")));
        assert!(is_acronym("U.S."));
        assert!(is_acronym("MSS"));
        assert!(!is_acronym("Chen"));
    }
}
