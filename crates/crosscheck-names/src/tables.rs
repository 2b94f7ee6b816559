//! Runtime tables derived from the shared reference data by `scripts/derive_names_tables.py`
//! (sources, versions and licences are in each file's header under `data/`).
//!
//! Decision: the files are plain TSV compiled in with `include_str!` and parsed once per
//! [`crate::Names`] context into [`Tables`] (no statics: a context owns its tables, so two
//! contexts never share hidden state): they stay diffable in review, need no decompression
//! dependency, and the parse (about 40,000 rows, about 80 ms of one core, built on several
//! threads) happens once per context; a process normally has one, [`crate::Names::shared`]. Keys are the
//! matcher's own phonetic keys, computed at load, so the tables follow any change to the key.

use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// FNV-1a: the tables are keyed by short ASCII keys looked up several times per parsed name,
/// where SipHash's DoS resistance buys nothing (the keys are ours) and costs a third of the
/// lookup. Hand-written because it is ten lines; a hashing crate would be a dependency for it.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub(crate) type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<Fnv>>;

/// FNV-1a of a string (token equality pre-check).
pub(crate) fn fnv(s: &str) -> u64 {
    let mut h = Fnv::default();
    h.write(s.as_bytes());
    h.finish()
}

use crate::gender::Gender;
use crate::key::phonetic_key;
use crate::normalize::normalize;

const PERSON_PREFIXES: &str = include_str!("../data/person_prefixes.tsv");
const NICKNAMES: &str = include_str!("../data/nicknames.tsv");
const ORG_TYPES: &str = include_str!("../data/org_types.tsv");
const NAME_GROUPS: &str = include_str!("../data/name_groups.tsv");
const NAME_FREQ: &str = include_str!("../data/name_freq.tsv");
const TRANSLIT_PAIRS: &str = include_str!("../data/translit_pairs.tsv");
const SCRIPT_PAIRS: &str = include_str!("../data/script_pairs.tsv");

fn rows(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

/// Latin transliteration of a normalised word, as the parser does it.
fn latin(word: &str) -> String {
    crate::latin_word(word)
}

/// Honorifics and titles, as sequences of normalised words.
fn person_prefix_set() -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = rows(PERSON_PREFIXES)
        .map(|l| normalize(l).split(' ').map(str::to_string).collect::<Vec<_>>())
        .filter(|w| !w.is_empty() && !w[0].is_empty())
        .collect();
    v.sort_by_key(|w| std::cmp::Reverse(w.len()));
    v
}

/// Legal form: (compare form, generic form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LegalForm {
    pub compare: String,
    pub generic: String,
    /// An org-name symbol (Corporation → CO), not a legal form proper.
    pub symbol: bool,
}

pub(crate) struct OrgTypes {
    pub by_phrase: HashMap<String, LegalForm>,
    pub max_words: usize,
    /// First words of the phrases.
    pub first_words: std::collections::HashSet<String>,
}

fn org_types() -> OrgTypes {
    let mut by_phrase = HashMap::default();
    let mut max_words = 1;
    for line in rows(ORG_TYPES) {
        let mut cols = line.split('\t');
        let (Some(alias), Some(compare), Some(generic)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        let symbol = cols.next() == Some("symbol");
        let form = LegalForm {
            compare: normalize(compare).replace(' ', ""),
            generic: normalize(generic).replace(' ', ""),
            symbol,
        };
        let norm = normalize(&crate::segmentation::collapse_dotted(alias));
        if norm.is_empty() {
            continue;
        }
        // "o o o" and "ooo" are one form: also index the phrase with single letters joined
        let joined = join_single_letters(&norm);
        max_words = max_words.max(norm.split(' ').count());
        let lat = norm.split(' ').map(|w| crate::ascii_token(&latin(w))).collect::<Vec<_>>().join(" ");
        for key in [norm, joined, lat] {
            by_phrase.entry(key).or_insert_with(|| form.clone());
        }
    }
    // Most words start no legal form: one set lookup (of the word, then of its Latin form)
    // before any phrase is joined and looked up.
    let first_words = by_phrase.keys().map(|k| k.split(' ').next().unwrap_or_default().to_string()).collect();
    OrgTypes { by_phrase, max_words, first_words }
}

/// "o o o" → "ooo", "a b c company" → "abc company".
pub(crate) fn join_single_letters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev_single = false;
    for w in text.split(' ') {
        let single = w.chars().count() == 1;
        if !(out.is_empty() || single && prev_single) {
            out.push(' ');
        }
        out.push_str(w);
        prev_single = single;
    }
    out
}

/// Given-name equivalence groups: phonetic key → group ids (nicknames and Wikidata groups).
fn name_groups() -> HashMap<String, Vec<u32>> {
    let mut index: HashMap<String, Vec<u32>> = HashMap::default();
    let groups = rows(NAME_GROUPS).chain(rows(NICKNAMES));
    for (id, line) in groups.enumerate() {
        for form in line.split('\t') {
            let norm = normalize(form);
            if norm.is_empty() || norm.contains(' ') {
                continue;
            }
            let key = phonetic_key(&latin(&norm));
            if key.len() < 2 {
                continue;
            }
            let ids = index.entry(key).or_default();
            if !ids.contains(&(id as u32)) {
                ids.push(id as u32);
            }
        }
    }
    for ids in index.values_mut() {
        ids.sort_unstable();
    }
    index
}

/// Latin and Cyrillic spellings of one Western name token that the phonetic key does not
/// bring together (White / Уайт, Bruce / Брюс, Gilles / Жиль), both directions.
fn spelling_pairs() -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::default();
    for line in rows(TRANSLIT_PAIRS) {
        let mut cols = line.split('\t');
        let (Some(lat), Some(cyr)) = (cols.next(), cols.next()) else { continue };
        let kl = phonetic_key(&latin(&normalize(lat)));
        let kc = phonetic_key(&latin(&normalize(cyr)));
        if kl == kc || kl.is_empty() || kc.is_empty() {
            continue;
        }
        for (from, to) in [(kl.clone(), kc.clone()), (kc, kl)] {
            let v = map.entry(from).or_default();
            if !v.contains(&to) {
                v.push(to);
            }
        }
    }
    map
}

/// Key of a native-script name token (Arabic, Hebrew, Khmer, Thai, Indic, Ethiopic) → keys of
/// its Latin spellings (ماري → marie, mary; ពត → pot): romanising these scripts loses the vowels,
/// which Wikidata's spellings restore. Loaded on first use: only names in those scripts need it,
/// and it is not an index key source (a screening index stays as it was).
fn native_pairs() -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::default();
    // the file is sorted by native spelling and repeats Latin ones: key each spelling once
    let mut latin_keys: HashMap<&str, String> = HashMap::default();
    let mut last: (&str, String) = ("", String::new());
    for line in rows(SCRIPT_PAIRS) {
        let mut cols = line.split('\t');
        let (Some(native), Some(lat)) = (cols.next(), cols.next()) else { continue };
        let kl = latin_keys.entry(lat).or_insert_with(|| phonetic_key(&latin(&normalize(lat)))).clone();
        if last.0 != native {
            last = (native, phonetic_key(&latin(&normalize(native))));
        }
        let kn = last.1.clone();
        // Wikidata items sometimes hold unrelated names (ماري beside Trina): a native spelling
        // must share most of its consonants with the Latin one
        if kl == kn || kl.is_empty() || kn.is_empty() {
            continue;
        }
        if crate::key::key_similarity(&consonants(&kl), &consonants(&kn), 0.5) < 0.5 {
            continue;
        }
        let v = map.entry(kn).or_default();
        if !v.contains(&kl) {
            v.push(kl);
        }
    }
    map
}

/// The consonants of a key, repeats merged (w and y are long vowels in the abjads).
fn consonants(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars().filter(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'w' | 'j')) {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Latin word (lower case) → its most frequent Cyrillic spelling in the Wikidata pairs.
fn cyrillic_spelling() -> HashMap<String, (String, u32)> {
    let mut map: HashMap<String, (String, u32)> = HashMap::default();
    for line in rows(TRANSLIT_PAIRS) {
        let mut cols = line.split('\t');
        let (Some(lat), Some(cyr), Some(count)) = (cols.next(), cols.next(), cols.next()) else { continue };
        let count: u32 = count.parse().unwrap_or(0);
        let e = map.entry(lat.to_string()).or_insert_with(|| (cyr.to_string(), 0));
        if count > e.1 {
            *e = (cyr.to_string(), count);
        }
    }
    map
}

/// What the frequency table knows about a token key.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FreqInfo {
    pub given_count: u32,
    pub surname_count: u32,
    pub given_gender: Option<Gender>,
}

fn freq() -> HashMap<String, FreqInfo> {
    let mut map: HashMap<String, FreqInfo> = HashMap::default();
    for line in rows(NAME_FREQ) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 {
            continue;
        }
        let count: u32 = cols[2].parse().unwrap_or(0);
        let gender = match cols[3] {
            "m" => Some(Gender::Male),
            "f" => Some(Gender::Female),
            _ => None,
        };
        let key = phonetic_key(&latin(&normalize(cols[1])));
        let e = map.entry(key).or_default();
        if cols[0] == "g" {
            e.given_count = e.given_count.saturating_add(count);
            if e.given_gender.is_none() {
                e.given_gender = gender;
            }
        } else {
            e.surname_count = e.surname_count.saturating_add(count);
            if let Some(f_form) = cols.get(4).filter(|f| !f.is_empty()) {
                let fk = phonetic_key(&latin(&normalize(f_form)));
                let fe = map.entry(fk).or_default();
                fe.surname_count = fe.surname_count.saturating_add(count);
            }
        }
    }
    map
}

/// The derived tables, built once per [`crate::Names`] context.
pub(crate) struct Tables {
    /// Honorifics and titles, as sequences of normalised words, longest first.
    pub person_prefixes: Vec<Vec<String>>,
    /// First words of the honorifics, to skip the scan for most names.
    pub person_prefix_first: std::collections::HashSet<String, BuildHasherDefault<Fnv>>,
    pub org_types: OrgTypes,
    /// Given-name equivalence groups: phonetic key → group ids.
    pub name_groups: HashMap<String, Vec<u32>>,
    /// Latin/Cyrillic spelling partners by key.
    pub spelling_pairs: HashMap<String, Vec<String>>,
    /// Latin word → its most frequent Cyrillic spelling.
    pub cyrillic_spelling: HashMap<String, (String, u32)>,
    pub freq: HashMap<String, FreqInfo>,
    /// Native-script key → Latin keys; built on first use (only names in those scripts need it,
    /// and it is the largest table).
    native_pairs: OnceLock<HashMap<String, Vec<String>>>,
}

impl Tables {
    /// Builds the tables side by side on several threads (about 80 ms of one core in all).
    pub fn build() -> Self {
        std::thread::scope(|s| {
            let freq = s.spawn(freq);
            let name_groups = s.spawn(name_groups);
            let spelling_pairs = s.spawn(spelling_pairs);
            let cyrillic_spelling = s.spawn(cyrillic_spelling);
            let org_types = s.spawn(org_types);
            let person_prefixes = person_prefix_set();
            let person_prefix_first = person_prefixes.iter().map(|p| p[0].clone()).collect();
            // a table that panics to build panics the context's construction with its message
            fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
                handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }
            Tables {
                person_prefixes,
                person_prefix_first,
                org_types: join(org_types),
                name_groups: join(name_groups),
                spelling_pairs: join(spelling_pairs),
                cyrillic_spelling: join(cyrillic_spelling),
                freq: join(freq),
                native_pairs: OnceLock::new(),
            }
        })
    }

    /// The Latin keys known as spellings of the native-script key `key`.
    pub fn native_partners(&self, key: &str) -> &[String] {
        self.native_pairs.get_or_init(native_pairs).get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The keys known to be Latin/Cyrillic spellings of the same name as `key`.
    pub fn spelling_partners(&self, key: &str) -> &[String] {
        self.spelling_pairs.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Gender of a given name (by phonetic key), when the tables know it.
    pub fn given_name_gender_by_key(&self, key: &str) -> Option<Gender> {
        self.freq.get(key).filter(|f| f.given_count >= 20).and_then(|f| f.given_gender)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load() {
        let tables = Tables::build();
        assert!(tables.person_prefixes.iter().any(|p| p == &vec!["mr".to_string()]));
        let t = &tables.org_types;
        assert_eq!(t.by_phrase.get("ооо").map(|f| f.generic.as_str()), Some("llc"));
        assert_eq!(t.by_phrase.get("ooo").map(|f| f.generic.as_str()), Some("llc"));
        assert!(t.by_phrase.contains_key("limited liability company"));
        let sasha = &tables.name_groups[&phonetic_key("sasha")];
        let alex = &tables.name_groups[&phonetic_key("aleksandr")];
        assert!(sasha.iter().any(|g| alex.contains(g)));
        assert!(tables.freq[&phonetic_key("ivanov")].surname_count > 1000);
        assert_eq!(tables.given_name_gender_by_key(&phonetic_key("mariya")), Some(Gender::Female));
    }
}
