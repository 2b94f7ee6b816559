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

/// Calls `f` with each screening key of `entity` as (prefix, key): `n:` + each name key, `i:` +
/// each normalised identifier of four characters or more (shorter ones match too much to be worth
/// a lookup). The one place that decides what an entity is found by, for the key strings a query
/// looks up and the hashes a load files.
fn visit_screening_keys(entity: &Entity, f: &mut dyn FnMut(&str, &str)) {
    let kind = name_kind(entity);
    for name in entity.name_values() {
        for_each_index_key(&name, kind, &mut |k| f("n:", k));
    }
    for (_, value) in entity.values_of_type(PropType::Identifier) {
        let norm = identifier::normalize(value);
        if norm.chars().count() >= 4 {
            f("i:", &norm);
        }
    }
}

/// Calls `f` with each reference key of `entity` as (prefix, id): `r:` + each entity id it links to.
fn visit_reference_keys(entity: &Entity, f: &mut dyn FnMut(&str, &str)) {
    for (_, id) in entity.values_of_type(PropType::Entity) {
        f("r:", id);
    }
}

/// Screening keys of an entity (see [`visit_screening_keys`]). Sorted, unique.
pub fn index_keys(entity: &Entity) -> Vec<String> {
    let mut keys = Vec::new();
    visit_screening_keys(entity, &mut |prefix, key| keys.push(format!("{prefix}{key}")));
    keys.sort();
    keys.dedup();
    keys
}

/// The hashes of an entity's [`index_keys`] and [`reference_keys`] as the index files them
/// (sorted, unique), computed without building the key strings: a load hashes millions.
pub(crate) fn key_hashes(entity: &Entity, key: HashKey) -> Vec<(u64, u32)> {
    let mut out = Vec::new();
    let mut file = |prefix: &str, k: &str| out.push(split(key.hash_parts(&[prefix, k])));
    visit_screening_keys(entity, &mut file);
    visit_reference_keys(entity, &mut file);
    out.sort_unstable();
    out.dedup();
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
    visit_reference_keys(entity, &mut |prefix, id| keys.push(format!("{prefix}{id}")));
    keys.sort();
    keys.dedup();
    keys
}
