//! The FtM entity: `{"id", "schema", "properties": {"prop": ["value", ...]}}`.
//!
//! This is a wire type (it is what we read and write), so it derives serde. Values are kept
//! cleaned: [`Entity::add`] cleans by the property's type and drops what cannot be read,
//! counting it in [`Entity::dropped`] so that loaders can report it.

use crate::clean::{clean_value, Cleaned};
use crate::schema::{PropType, Schema};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a record cannot become an entity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntityError {
    #[error("missing `id`")]
    MissingId,
    #[error("missing `schema`")]
    MissingSchema,
    #[error("unknown schema `{0}`")]
    UnknownSchema(String),
    #[error("cannot merge `{left}` into `{right}`: the schemata are unrelated")]
    SchemaConflict { left: String, right: String },
}

/// A property name: a string stored inline when short (every FtM property name is).
pub type PropName = smol_str::SmolStr;

/// One FollowTheMoney entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Entity {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub schema: String,
    /// Values by property name. Names are kept inline ([`PropName`]): every entity read has
    /// several, and an allocation for each was a measurable part of a load.
    #[serde(default)]
    pub properties: BTreeMap<PropName, Vec<String>>,
    /// FtM's provenance fields, kept as the source gives them and written back only when
    /// present (a record without them is stored and shown exactly as before): the ids merged
    /// into this one (`referents`), the datasets it is in, whether it is a target, and when it
    /// was first and last seen and last changed (ISO 8601 text as given). A `caption` in the
    /// source is not kept: [`Entity::ftm_caption`] computes it as FtM does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referents: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change: Option<String>,
    /// Values dropped while cleaning: (property, raw value, reason). Not serialised.
    #[serde(skip)]
    pub dropped: Vec<(String, String, &'static str)>,
}

impl Entity {
    /// An empty entity of `schema` (not checked here; see [`Entity::validate`]).
    pub fn new(id: impl Into<String>, schema: impl Into<String>) -> Self {
        Self { id: id.into(), schema: schema.into(), ..Self::default() }
    }

    /// The schema definition, when known.
    pub fn schema_def(&self) -> Option<&'static Schema> {
        Schema::get(&self.schema)
    }

    /// The type of `prop` for this entity; undeclared properties are text.
    pub fn prop_type(&self, prop: &str) -> PropType {
        self.schema_def().and_then(|s| s.prop_type(prop)).unwrap_or(PropType::Text)
    }

    /// Adds a raw value, cleaned by its type; duplicates are ignored. Returns whether a value was kept.
    pub fn add(&mut self, prop: &str, raw: &str) -> bool {
        self.add_typed(prop, self.prop_type(prop), raw)
    }

    fn add_typed(&mut self, prop: &str, kind: PropType, raw: &str) -> bool {
        match clean_value(kind, raw) {
            Cleaned::Value(v) => {
                self.add_clean(prop, v);
                true
            }
            Cleaned::Empty => false,
            Cleaned::Dropped(reason) => {
                self.dropped.push((prop.to_string(), raw.to_string(), reason));
                false
            }
        }
    }

    /// Adds an already clean value (no cleaning, no type check); duplicates are ignored.
    pub fn add_clean(&mut self, prop: &str, value: String) {
        let values = self.properties.entry(prop.into()).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }

    /// All values of `prop`.
    pub fn get(&self, prop: &str) -> &[String] {
        self.properties.get(prop).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first value of `prop`.
    pub fn first(&self, prop: &str) -> Option<&str> {
        self.get(prop).first().map(String::as_str)
    }

    /// All values of every property of the given type, in property order.
    pub fn values_of_type(&self, kind: PropType) -> impl Iterator<Item = (&str, &str)> {
        let schema = self.schema_def();
        self.properties
            .iter()
            .filter(move |(p, _)| schema.and_then(|s| s.prop_type(p)).unwrap_or(PropType::Text) == kind)
            .flat_map(|(p, vs)| vs.iter().map(move |v| (p.as_str(), v.as_str())))
    }

    /// Every name the entity goes by: `name`, `alias`, `previousName`, then a name assembled from
    /// its parts (`firstName`, `secondName`, `middleName`, `fatherName`, `lastName`) when it has no
    /// full name. `weakAlias` is left out: it is too weak to match on.
    pub fn names(&self) -> Vec<String> {
        self.name_values().into_iter().map(std::borrow::Cow::into_owned).collect()
    }

    /// [`Entity::names`], borrowed where they are values as stored (all but an assembled name).
    pub fn name_values(&self) -> Vec<std::borrow::Cow<'_, str>> {
        let mut out: Vec<std::borrow::Cow<'_, str>> = Vec::new();
        // Repeats across the three properties found through a set (a linear search made an
        // entity with 100,000 names quadratic).
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for prop in ["name", "alias", "previousName"] {
            for v in self.get(prop) {
                if seen.insert(v.as_str()) {
                    out.push(v.as_str().into());
                }
            }
        }
        if out.is_empty() {
            if let Some(assembled) = self.assembled_name() {
                out.push(assembled.into());
            }
        }
        out
    }

    /// A full name from the name parts, given names first; `None` without a last or first name.
    pub fn assembled_name(&self) -> Option<String> {
        let mut parts: Vec<&str> = Vec::new();
        for prop in ["firstName", "secondName", "middleName", "fatherName", "lastName"] {
            parts.extend(self.get(prop).first().map(String::as_str));
        }
        if self.get("firstName").is_empty() && self.get("lastName").is_empty() {
            return None;
        }
        Some(parts.join(" "))
    }

    /// What to call the entity in reports: its first name, else an assembled name, else its id.
    pub fn caption(&self) -> String {
        self.names().into_iter().next().unwrap_or_else(|| self.id.clone())
    }

    /// Checks that the entity has an id and a known schema, and cleans every value by its type.
    pub fn validate(mut self) -> Result<Self, EntityError> {
        if self.id.trim().is_empty() {
            return Err(EntityError::MissingId);
        }
        if self.schema.trim().is_empty() {
            return Err(EntityError::MissingSchema);
        }
        let Some(schema) = self.schema_def() else {
            return Err(EntityError::UnknownSchema(self.schema));
        };
        // In place, property by property: each value is cleaned where it lies (kept as it is when
        // already clean), repeats and dropped values are squeezed out, and empty properties go.
        // No map is rebuilt and no property name copied.
        let mut dropped = std::mem::take(&mut self.dropped);
        for (prop, values) in self.properties.iter_mut() {
            let kind = schema.prop_type(prop).unwrap_or(PropType::Text);
            let mut kept = 0;
            for i in 0..values.len() {
                let v = std::mem::take(&mut values[i]);
                let cleaned = match crate::clean::already_clean(kind, v) {
                    Ok(same) => same,
                    Err(v) => match clean_value(kind, &v) {
                        Cleaned::Value(c) => c,
                        Cleaned::Empty => continue,
                        Cleaned::Dropped(reason) => {
                            dropped.push((prop.to_string(), v, reason));
                            continue;
                        }
                    },
                };
                values[kept] = cleaned;
                kept += 1;
            }
            values.truncate(kept);
            dedupe_in_order(values);
        }
        self.properties.retain(|_, values| !values.is_empty());
        self.dropped = dropped;
        Ok(self)
    }

    /// Merges `other` (same id) into `self`: values are united in order; the schema becomes the
    /// more specific of the two. To merge many parts, use [`Entity::merge_all`] once: each call
    /// here goes over every value held.
    pub fn merge(&mut self, other: Entity) -> Result<(), EntityError> {
        self.merge_all(std::iter::once(other))
    }

    /// Merges every part (same id) into `self` at once: values are united in order of first
    /// appearance, the schema becomes the most specific of all. Values are moved, never copied,
    /// and repeats are found in one pass per property at the end, so the cost is linear in the
    /// values of all parts (merging part by part was quadratic: 40,000 rows sharing one id took
    /// most of a minute). On a schema conflict `self` keeps the parts merged before it.
    pub fn merge_all(&mut self, parts: impl IntoIterator<Item = Entity>) -> Result<(), EntityError> {
        let mut touched: std::collections::BTreeSet<PropName> = std::collections::BTreeSet::new();
        let mut result = Ok(());
        for other in parts {
            let (Some(a), Some(b)) = (self.schema_def(), other.schema_def()) else {
                result = Err(EntityError::UnknownSchema(other.schema));
                break;
            };
            let Some(schema) = a.common(b) else {
                result = Err(EntityError::SchemaConflict { left: other.schema.clone(), right: self.schema.clone() });
                break;
            };
            self.schema = schema.name.to_string();
            for (prop, values) in other.properties {
                let mine = self.properties.entry(prop.clone()).or_default();
                if mine.is_empty() {
                    *mine = values;
                } else {
                    mine.extend(values);
                }
                touched.insert(prop);
            }
            self.dropped.extend(other.dropped);
            self.merge_provenance(
                other.referents,
                other.datasets,
                other.target,
                other.first_seen,
                other.last_seen,
                other.last_change,
            );
        }
        for prop in &touched {
            if let Some(values) = self.properties.get_mut(prop) {
                dedupe_in_order(values);
            }
        }
        result
    }
}

impl Entity {
    /// FtM's rule for the provenance of merged parts (`ValueEntity.merge`): referents and
    /// datasets united in order, the earliest `first_seen`, the latest `last_seen` and
    /// `last_change`, a target when either part is.
    fn merge_provenance(
        &mut self,
        referents: Vec<String>,
        datasets: Vec<String>,
        target: Option<bool>,
        first_seen: Option<String>,
        last_seen: Option<String>,
        last_change: Option<String>,
    ) {
        for r in referents {
            if !self.referents.contains(&r) {
                self.referents.push(r);
            }
        }
        for d in datasets {
            if !self.datasets.contains(&d) {
                self.datasets.push(d);
            }
        }
        self.target = match (self.target, target) {
            (None, t) | (t, None) => t,
            (Some(a), Some(b)) => Some(a || b),
        };
        self.first_seen = [self.first_seen.take(), first_seen].into_iter().flatten().min();
        self.last_seen = [self.last_seen.take(), last_seen].into_iter().flatten().max();
        self.last_change = [self.last_change.take(), last_change].into_iter().flatten().max();
    }

    /// The caption FtM gives this entity (`EntityProxy.caption`): the first of the schema's
    /// caption properties that has a value; for a name property with several values, the
    /// "best" of them as FtM picks it ([`crate::caption::pick_name`]), else its first value;
    /// the schema's label when none has a value. Not [`Entity::caption`], which reports use.
    pub fn ftm_caption(&self) -> String {
        crate::caption::caption(self)
    }
}

/// Removes repeated values, keeping the first of each in place: one set of borrowed values, no
/// copy of any value.
fn dedupe_in_order(values: &mut Vec<String>) {
    if values.len() < 2 {
        return;
    }
    if values.len() <= 8 {
        // A few values: a linear search costs less than a set.
        let mut kept = 1;
        for i in 1..values.len() {
            if !values[..kept].contains(&values[i]) {
                values.swap(kept, i);
                kept += 1;
            }
        }
        values.truncate(kept);
        return;
    }
    let keep: Vec<bool> = {
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::with_capacity(values.len());
        values.iter().map(|v| seen.insert(v.as_str())).collect()
    };
    let mut keep = keep.into_iter();
    values.retain(|_| keep.next().unwrap_or(false));
}

#[cfg(test)]
mod in_place {
    use super::*;

    /// Validation as a plain rebuild of the map, to hold the in-place version to.
    fn rebuilt(mut e: Entity) -> Entity {
        let schema = e.schema_def().expect("a known schema");
        for (prop, values) in std::mem::take(&mut e.properties) {
            let kind = schema.prop_type(&prop).unwrap_or(PropType::Text);
            let mut clean: Vec<String> = Vec::new();
            for v in values {
                match clean_value(kind, &v) {
                    Cleaned::Value(c) if !clean.contains(&c) => clean.push(c),
                    Cleaned::Value(_) | Cleaned::Empty => {}
                    Cleaned::Dropped(reason) => e.dropped.push((prop.to_string(), v, reason)),
                }
            }
            if !clean.is_empty() {
                e.properties.insert(prop, clean);
            }
        }
        e
    }

    proptest::proptest! {
        #[test]
        fn in_place_validation_equals_a_rebuild(
            props in proptest::collection::btree_map(
                proptest::sample::select(vec!["name", "alias", "birthDate", "nationality", "gender", "passportNumber", "notes", "madeUp"]),
                proptest::collection::vec("[ a-zA-Z0-9.\\-]{0,12}|ru|1962-07-02| Anna  ", 0..5),
                0..6,
            ),
        ) {
            let mut e = Entity::new("x", "Person");
            e.properties = props.into_iter().map(|(k, v)| (k.into(), v)).collect();
            let want = rebuilt(e.clone());
            let got = e.validate().unwrap();
            proptest::prop_assert_eq!(&got.properties, &want.properties);
            proptest::prop_assert_eq!(&got.dropped, &want.dropped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_cleans_and_rejects() {
        let e: Entity = serde_json::from_str(
            r#"{"id":"p1","schema":"Person","properties":{"name":["  Anna  Ivanova "],"birthDate":["02.07.1962","soon"],"nationality":["Russia"]}}"#,
        )
        .unwrap();
        let e = e.validate().unwrap();
        assert_eq!(e.get("name"), ["Anna Ivanova"]);
        assert_eq!(e.get("birthDate"), ["1962-07-02"]);
        assert_eq!(e.get("nationality"), ["ru"]);
        assert_eq!(e.dropped.len(), 1);
        let unknown: Entity = serde_json::from_str(r#"{"id":"x","schema":"Spaceship"}"#).unwrap();
        assert_eq!(unknown.validate(), Err(EntityError::UnknownSchema("Spaceship".into())));
        let no_id: Entity = serde_json::from_str(r#"{"schema":"Person"}"#).unwrap();
        assert_eq!(no_id.validate(), Err(EntityError::MissingId));
    }

    #[test]
    fn merge_keeps_specific_schema_and_unites_values() {
        let mut a = Entity::new("x", "LegalEntity");
        a.add("name", "ACME");
        let mut b = Entity::new("x", "Company");
        b.add("name", "ACME");
        b.add("name", "Acme Ltd");
        a.merge(b).unwrap();
        assert_eq!(a.schema, "Company");
        assert_eq!(a.get("name"), ["ACME", "Acme Ltd"]);
        let mut p = Entity::new("x", "Person");
        assert!(p.merge(Entity::new("x", "Company")).is_err());
    }

    #[test]
    fn names_from_parts() {
        let mut e = Entity::new("x", "Person");
        e.add("firstName", "Hans");
        e.add("lastName", "Friedrich");
        assert_eq!(e.names(), ["Hans Friedrich"]);
        assert_eq!(e.caption(), "Hans Friedrich");
    }
}

#[cfg(test)]
mod many_values {
    use super::*;

    #[test]
    fn merge_keeps_first_seen_order_and_drops_repeats_across_many_values() {
        let mut a = Entity::new("p1", "Person");
        for i in 0..3000 {
            a.add_clean("name", format!("Invented Name {i}"));
        }
        let mut b = Entity::new("p1", "Person");
        for i in (1500..4500).rev() {
            b.add_clean("name", format!("Invented Name {i}"));
        }
        a.merge(b).expect("same schema");
        let names = a.get("name");
        assert_eq!(names.len(), 4500);
        assert_eq!(names[0], "Invented Name 0");
        assert_eq!(names[2999], "Invented Name 2999");
        assert_eq!(names[3000], "Invented Name 4499");
        assert_eq!(names[4499], "Invented Name 3000");
    }
}
