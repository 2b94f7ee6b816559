//! What an entity is filed under in the candidate index.

use crate::keyindex::{split, HashKey};
use crosscheck_model::{identifier, Entity, PropType};
use crosscheck_names::{for_each_index_key, Name, NameKind};

/// The kind of names an entity of this schema has.
pub fn name_kind(entity: &Entity) -> NameKind {
    match entity.schema_def() {
        Some(s) if s.is_a("Person") => NameKind::Person,
        Some(s) if s.is_a("Organization") => NameKind::Organization,
        _ => NameKind::Any,
    }
}

/// Calls `f` with each key of `entity` as (prefix, key). Screening keys: `n:` + each name key,
/// `i:` + each normalised identifier of four characters or more (shorter ones match too much to
/// be worth a lookup). Reference keys: `r:` + each entity id it links to. The one place that
/// decides what an entity is found by, for the key strings a query looks up and the hashes a
/// load files. One pass over the properties, each property's type looked up once.
fn visit_keys(entity: &Entity, screening: bool, references: bool, f: &mut dyn FnMut(&str, &str)) {
    if screening {
        let kind = name_kind(entity);
        for name in entity.name_values() {
            for_each_index_key(&name, kind, &mut |k| f("n:", k));
        }
    }
    let schema = entity.schema_def();
    for (prop, values) in &entity.properties {
        match schema.and_then(|s| s.prop_type(prop)) {
            Some(PropType::Identifier) if screening => {
                for value in values {
                    let norm = identifier::normalize(value);
                    if norm.chars().count() >= 4 {
                        f("i:", &norm);
                    }
                }
            }
            Some(PropType::Entity) if references => values.iter().for_each(|id| f("r:", id)),
            _ => {}
        }
    }
}

/// Screening keys of an entity (see [`visit_keys`]). Sorted, unique.
pub fn index_keys(entity: &Entity) -> Vec<String> {
    let mut keys = Vec::new();
    visit_keys(entity, true, false, &mut |prefix, key| keys.push(format!("{prefix}{key}")));
    keys.sort();
    keys.dedup();
    keys
}

/// Appends the hashes of an entity's [`index_keys`] and [`reference_keys`] as the index files
/// them (sorted, unique) to `out`, computed without building the key strings: a load hashes
/// millions.
pub(crate) fn push_key_hashes(entity: &Entity, key: HashKey, out: &mut Vec<(u64, u32)>) {
    let start = out.len();
    visit_keys(entity, true, true, &mut |prefix, k| out.push(split(key.hash_parts(&[prefix, k]))));
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
/// ways outweighs a rare surname), one per remaining whole-name key, one per identifier.
/// Every key of [`index_keys`] is in exactly one group.
pub fn query_key_groups(entity: &Entity) -> Vec<Vec<String>> {
    let all = index_keys(entity);
    let mut placed = vec![false; all.len()];
    let mut groups: Vec<Vec<String>> = Vec::new();
    let kind = name_kind(entity);
    for name in entity.names() {
        let parsed = Name::parse(&name, kind);
        for token in &parsed.tokens {
            let mut group = Vec::new();
            for key in Name::parse(token, kind).index_keys() {
                let key = format!("n:{key}");
                if let Ok(i) = all.binary_search(&key) {
                    if !placed[i] {
                        placed[i] = true;
                        group.push(key);
                    }
                }
            }
            if !group.is_empty() {
                groups.push(group);
            }
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
    visit_keys(entity, false, true, &mut |prefix, id| keys.push(format!("{prefix}{id}")));
    keys.sort();
    keys.dedup();
    keys
}
