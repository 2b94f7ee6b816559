//! What an entity is filed under in the candidate index.

use crosscheck_model::{identifier, Entity, PropType};
use crosscheck_names::{Name, NameKind};

/// The kind of names an entity of this schema has.
pub fn name_kind(entity: &Entity) -> NameKind {
    match entity.schema_def() {
        Some(s) if s.is_a("Person") => NameKind::Person,
        Some(s) if s.is_a("Organization") => NameKind::Organization,
        _ => NameKind::Any,
    }
}

/// Index keys of an entity: `n:` + each name key, `i:` + each normalised identifier of four
/// characters or more (shorter ones match too much to be worth a lookup). Sorted, unique.
pub fn index_keys(entity: &Entity) -> Vec<String> {
    let kind = name_kind(entity);
    let mut keys = Vec::new();
    for name in entity.names() {
        keys.extend(Name::parse(&name, kind).index_keys().into_iter().map(|k| format!("n:{k}")));
    }
    for (_, value) in entity.values_of_type(PropType::Identifier) {
        let norm = identifier::normalize(value);
        if norm.chars().count() >= 4 {
            keys.push(format!("i:{norm}"));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Keys of the records an entity links to: `r:` + each entity id it references (a Family's
/// `person` and `relative`, an Employment's `employer`, a Sanction's `entity`, ...). Filed with
/// the entity, never used for screening: they let `verify` find the records that link to a
/// resolved person with a lookup instead of a scan.
pub fn reference_keys(entity: &Entity) -> Vec<String> {
    let mut keys: Vec<String> = entity.values_of_type(PropType::Entity).map(|(_, id)| format!("r:{id}")).collect();
    keys.sort();
    keys.dedup();
    keys
}
