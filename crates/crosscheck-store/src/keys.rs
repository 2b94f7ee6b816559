//! What an entity is filed under in the candidate index: `n:` name keys, `y:` name keys with a
//! birth year, `u:` name keys of undated people, `i:` identifiers and `r:` references, all from
//! one visitor ([`visit_keys`]) so that what a load files and what a query looks up cannot drift.

use crate::keyindex::{split, HashKey};
use crosscheck_model::{identifier, Entity, PartialDate, PropType};
use crosscheck_names::{for_each_index_key, Name, NameKind};

/// The kind of names an entity of this schema has.
pub fn name_kind(entity: &Entity) -> NameKind {
    match entity.schema_def() {
        Some(s) if s.is_a("Person") => NameKind::Person,
        Some(s) if s.is_a("Organization") => NameKind::Organization,
        _ => NameKind::Any,
    }
}

/// The most birth years an entity is filed under (one `y:` key per name key and year). A record
/// listing more (a range expanded year by year) is vague about its date: its first years are
/// kept, in the order written, and its name keys still find it.
const MAX_BIRTH_YEARS: usize = 8;

/// The distinct years of an entity's birth dates, as four ASCII digits, at most
/// [`MAX_BIRTH_YEARS`], in the order written. A stored or query entity is cleaned, so its dates
/// are ISO (`1975`, `1975-03`, `1975-03-02`) and the year is read off the front; any other
/// text is parsed as a load would parse it, and dropped when it is no date.
fn birth_years(entity: &Entity) -> ([[u8; 4]; MAX_BIRTH_YEARS], usize) {
    let mut years = [[0u8; 4]; MAX_BIRTH_YEARS];
    let mut n_years = 0;
    for value in entity.get("birthDate") {
        if n_years == MAX_BIRTH_YEARS {
            break;
        }
        let bytes = value.as_bytes();
        let iso =
            bytes.len() >= 4 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes.get(4).is_none_or(|b| *b == b'-');
        let year = if iso {
            [bytes[0], bytes[1], bytes[2], bytes[3]]
        } else {
            match PartialDate::parse_loose(value).map(|d| d.year) {
                Some(y @ 1000..=9999) => {
                    let y = y as u32;
                    [y / 1000, y / 100 % 10, y / 10 % 10, y % 10].map(|d| b'0' + d as u8)
                }
                _ => continue,
            }
        };
        if !years[..n_years].contains(&year) {
            years[n_years] = year;
            n_years += 1;
        }
    }
    (years, n_years)
}

/// Prefix of a name key with a birth year: `y:<name key>:<year>`.
const YEAR: &str = "y:";
/// Prefix of a name key of a person with no birth date: `u:<name key>`.
const UNDATED: &str = "u:";

/// Whether the entity's schema has a birth date (a Person), so that having none says something.
fn can_have_birth_date(entity: &Entity) -> bool {
    entity.schema_def().is_some_and(|s| s.prop_type("birthDate").is_some())
}

/// Calls `f` with each key of `entity` as the parts of its text, concatenated (so a load can
/// hash them without building the string). Screening keys: `n:` + each name key; `y:` + each
/// name key + `:` + each birth year, when the entity has a birth date, or `u:` + each name key
/// when it is a person without one (so a dated query finds the undated namesakes without
/// reading every namesake; see [`query_key_groups`]); `i:` + each normalised
/// identifier of four characters or more (shorter ones match too much to be worth a lookup).
/// Reference keys: `r:` + each entity id it links to. The one place that decides what an entity
/// is found by, for the key strings a query looks up and the hashes a load files. One pass over
/// the properties, each property's type looked up once.
///
/// Why `y:` keys: among namesakes only the birth date tells people apart, and a name key alone
/// cannot rank the one born in the right year above thousands of others (issue 13: a copy of a
/// person found itself in 62% of cases in a million people with few names). A name key with
/// the year is about seventy times rarer, so the inverse document frequency of the candidate
/// vote puts the right year first. The year and not the whole date: partial dates (`1975`) are
/// common in lists, and a year-only date must reach the people born that year, and a query with
/// a full date the records known only to the year; the scorer judges the rest of the date.
fn visit_keys(entity: &Entity, screening: bool, references: bool, f: &mut dyn FnMut(&[&str])) {
    if screening {
        let kind = name_kind(entity);
        let (years, n_years) = birth_years(entity);
        let years = &years[..n_years];
        let undated = n_years == 0 && can_have_birth_date(entity);
        for name in entity.name_values() {
            for_each_index_key(&name, kind, &mut |k| {
                f(&["n:", k]);
                for year in years {
                    // four ASCII digits (`birth_years`), so always text
                    if let Ok(year) = std::str::from_utf8(year) {
                        f(&[YEAR, k, ":", year]);
                    }
                }
                if undated {
                    f(&[UNDATED, k]);
                }
            });
        }
    }
    let schema = entity.schema_def();
    for (prop, values) in &entity.properties {
        match schema.and_then(|s| s.prop_type(prop)) {
            Some(PropType::Identifier) if screening => {
                for value in values {
                    let norm = identifier::normalize(value);
                    if norm.chars().count() >= 4 {
                        f(&["i:", &norm]);
                    }
                }
            }
            Some(PropType::Entity) if references => values.iter().for_each(|id| f(&["r:", id])),
            _ => {}
        }
    }
    if references {
        // the ids merged into this one (FtM's `referents`), so that an old id finds its record
        entity.referents.iter().for_each(|id| f(&["m:", id]));
    }
}

/// Screening keys of an entity (see [`visit_keys`]). Sorted, unique.
pub fn index_keys(entity: &Entity) -> Vec<String> {
    let mut keys = Vec::new();
    visit_keys(entity, true, false, &mut |parts| keys.push(parts.concat()));
    keys.sort();
    keys.dedup();
    keys
}

/// Appends the hashes of an entity's [`index_keys`] and [`reference_keys`] as the index files
/// them (sorted, unique) to `out`, computed without building the key strings: a load hashes
/// millions.
pub(crate) fn push_key_hashes(entity: &Entity, key: HashKey, out: &mut Vec<(u64, u32)>) {
    let start = out.len();
    visit_keys(entity, true, true, &mut |parts| out.push(split(key.hash_parts(parts))));
    let mine = &mut out[start..];
    mine.sort_unstable();
    // unique in place: `out` is a whole batch's buffer, so no vector of its own to dedup
    let mut kept = 0;
    for i in 0..mine.len() {
        if kept == 0 || mine[i] != mine[kept - 1] {
            mine[kept] = mine[i];
            kept += 1;
        }
    }
    out.truncate(start + kept);
}

/// The key hashes of an entity loaded from `parts` (the records of one id in the order read;
/// one for most entities) whose merge is `merged`, exactly as a load files them: each part's
/// keys and, when there are several parts, the screening keys of the merged entity (an assembled
/// name, one part's birth date giving another's names their `y:` keys). Sorted, unique. For a
/// front end that computes the index on other machines (the Spark job): the same hashes as the
/// store's under the same `key`.
pub fn entity_key_hashes(parts: &[Entity], merged: &Entity, key: HashKey) -> Vec<(u64, u32)> {
    let mut out = Vec::new();
    for part in parts {
        push_key_hashes(part, key, &mut out);
    }
    if parts.len() > 1 {
        out.extend(index_keys(merged).iter().map(|k| split(key.hash(k))));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// [`push_key_hashes`] into a vector of their own, pushed after a value already there (as in a
/// batch's buffer), which must come out untouched.
#[cfg(test)]
pub(crate) fn key_hashes(entity: &Entity, key: HashKey) -> Vec<(u64, u32)> {
    let mut out = vec![(u64::MAX, u32::MAX)];
    push_key_hashes(entity, key, &mut out);
    assert_eq!(out[0], (u64::MAX, u32::MAX), "the value before the entity's keys changed");
    out.remove(0);
    out
}

/// The index keys of a query, grouped by the evidence they stand for: one group per name token
/// (the spelling variants of one token must count once, or a frequent given name written three
/// ways outweighs a rare surname), one per remaining whole-name key, one per identifier. A
/// name key's `y:` keys (the key with each birth year) join its group: they are the same token,
/// known more precisely, so a candidate earns the rarer of the two, never both (the year would
/// otherwise count once per token on top of the name). A dated query's groups also hold the
/// `u:` key of each of its name keys: the key an undated person of that name is filed under,
/// which the vote weighs as the name alone (it says nothing of the year), so undated namesakes
/// are found without reading every namesake. Every key of [`index_keys`] but the `u:` keys of
/// an undated query is in exactly one group; a dated query's `u:` keys are the only others.
pub fn query_key_groups(entity: &Entity) -> Vec<Vec<String>> {
    // An undated query's own `u:` keys are left out: its name keys find every namesake, and a
    // `u:` key would only mark its groups as knowing the year.
    let mut all = index_keys(entity);
    all.retain(|k| !k.starts_with(UNDATED));
    let mut placed = vec![false; all.len()];
    let (years, n_years) = birth_years(entity);
    let years: Vec<&str> = years[..n_years].iter().filter_map(|y| std::str::from_utf8(y).ok()).collect();
    // Puts `n:<name_key>` and its `y:` keys into `group`, those not placed yet, and for a dated
    // query the `u:` key of the undated namesakes.
    let mut place = |name_key: &str, group: &mut Vec<String>| {
        let keys =
            std::iter::once(format!("n:{name_key}")).chain(years.iter().map(|y| format!("{YEAR}{name_key}:{y}")));
        let mut any = false;
        for key in keys {
            if let Ok(i) = all.binary_search(&key) {
                if !placed[i] {
                    placed[i] = true;
                    group.push(key);
                    any = true;
                }
            }
        }
        if any && !years.is_empty() {
            group.push(format!("{UNDATED}{name_key}"));
        }
    };
    let mut groups: Vec<Vec<String>> = Vec::new();
    let kind = name_kind(entity);
    for name in entity.names() {
        let parsed = Name::parse(&name, kind);
        for token in &parsed.tokens {
            let mut group = Vec::new();
            for key in Name::parse(token, kind).index_keys() {
                place(&key, &mut group);
            }
            if !group.is_empty() {
                groups.push(group);
            }
        }
    }
    // whole-name keys (a name written without spaces), with their years
    for key in all.iter().filter_map(|k| k.strip_prefix("n:")) {
        let mut group = Vec::new();
        place(key, &mut group);
        if !group.is_empty() {
            groups.push(group);
        }
    }
    groups.extend(all.into_iter().zip(placed).filter(|(_, p)| !p).map(|(k, _)| vec![k]));
    groups
}

/// Keys of the records an entity links to: `r:` + each entity id it references (a Family's
/// `person` and `relative`, an Employment's `employer`, a Sanction's `entity`, ...). Filed with
/// the entity, never used for screening: they let `verify` find the records that link to a
/// resolved person with a lookup instead of a scan.
pub fn reference_keys(entity: &Entity) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    visit_keys(entity, false, true, &mut |parts| keys.push(parts.concat()));
    keys.sort();
    keys.dedup();
    keys
}
