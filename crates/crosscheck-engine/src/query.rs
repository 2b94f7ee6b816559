//! Query entities: what a caller asks about, completed and cleaned once, then prepared for
//! every use (index keys grouped by token, the scorer's prepared form, the schema).
//!
//! Queries are written by hand, so they may leave out `schema` (a `Person` when they carry a
//! person's properties, else `LegalEntity`, which finds people and companies alike) and `id`.
//! Their values are cleaned as a loaded record's are, so a query and a stored entity compare on
//! equal terms.

use crate::scoring::Scorer;
use crosscheck_match::Prepared;
use crosscheck_model::{Entity, Schema};
use crosscheck_store::query_key_groups;

/// Properties only a person has: a query carrying one of them and no schema is a `Person`.
const PERSONAL: [&str; 6] = ["birthDate", "firstName", "lastName", "gender", "nationality", "fatherName"];

/// Why a query cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("not an FtM entity: {0}")]
    NotAnEntity(String),
    #[error("{0}")]
    Invalid(String),
}

/// Completes and cleans an entity written by hand (see the module docs). Its `id` is kept as
/// given, empty included.
pub fn complete(mut entity: Entity) -> Result<Entity, QueryError> {
    if entity.schema.is_empty() {
        let personal = PERSONAL.iter().any(|p| entity.properties.contains_key(*p));
        entity.schema = if personal { "Person" } else { "LegalEntity" }.to_string();
    }
    let id = std::mem::take(&mut entity.id);
    entity.id = "query".into(); // validation wants an id; the caller's, even empty, is put back
    let mut entity = entity.validate().map_err(|e| QueryError::Invalid(e.to_string()))?;
    entity.id = id;
    Ok(entity)
}

/// Reads one JSON object as an entity and completes it ([`complete`]).
pub fn parse(json: &str) -> Result<Entity, QueryError> {
    let entity: Entity = serde_json::from_str(json).map_err(|e| QueryError::NotAnEntity(e.to_string()))?;
    complete(entity)
}

/// What someone types to check one name quickly (`match --name`, a search form): a name and,
/// when known, a birth date, a country and a schema.
#[derive(Debug, Clone, Default)]
pub struct QuickQuery<'a> {
    pub name: &'a str,
    /// FtM schema [default: `Person` with a birth date, else `LegalEntity`]
    pub schema: Option<&'a str>,
    /// A full or partial date (`1970`, `1970-03`, `1970-03-01`; the formats a load reads)
    pub birth_date: Option<&'a str>,
    /// A country name or code
    pub country: Option<&'a str>,
}

impl QuickQuery<'_> {
    /// The query entity, completed ([`complete`]); a value that cannot be read is an error that
    /// names it, never silently left out of the query.
    pub fn entity(&self) -> Result<Entity, QueryError> {
        if self.name.trim().is_empty() {
            return Err(QueryError::Invalid("the name is empty".into()));
        }
        let schema = match self.schema {
            Some(schema) => schema,
            None if self.birth_date.is_some() => "Person",
            None => "LegalEntity",
        };
        let mut entity = Entity::new("", schema);
        if entity.schema_def().is_none() {
            return Err(QueryError::Invalid(format!("unknown schema `{schema}`")));
        }
        entity.add("name", self.name);
        for (prop, flag, value) in [("birthDate", "birth date", self.birth_date), ("country", "country", self.country)]
        {
            let Some(value) = value else { continue };
            if !entity.add(prop, value) {
                return Err(QueryError::Invalid(format!("`{value}` is not a {flag} crosscheck can read")));
            }
        }
        complete(entity)
    }
}

/// A query ready to screen: prepared once, whatever number of datasets and candidates it meets.
#[derive(Debug, Clone)]
pub struct Query {
    entity: Entity,
    schema: &'static Schema,
    prepared: Prepared,
    key_groups: Vec<Vec<String>>,
}

impl Query {
    /// Prepares a completed query entity ([`complete`]; an entity of a loaded dataset is too)
    /// for `scorer`.
    pub fn new(entity: Entity, scorer: &Scorer) -> Result<Query, QueryError> {
        let schema =
            entity.schema_def().ok_or_else(|| QueryError::Invalid(format!("unknown schema `{}`", entity.schema)))?;
        let prepared = scorer.prepare(&entity);
        let key_groups = query_key_groups(&entity);
        Ok(Query { entity, schema, prepared, key_groups })
    }

    /// Reads, completes and prepares one JSON object for `scorer`.
    pub fn from_json(json: &str, scorer: &Scorer) -> Result<Query, QueryError> {
        Query::new(parse(json)?, scorer)
    }

    /// The query entity as completed and cleaned.
    pub fn entity(&self) -> &Entity {
        &self.entity
    }

    /// The query's id, when it has one.
    pub fn id(&self) -> Option<&str> {
        (!self.entity.id.is_empty()).then_some(self.entity.id.as_str())
    }

    pub(crate) fn schema(&self) -> &'static Schema {
        self.schema
    }

    pub(crate) fn prepared(&self) -> &Prepared {
        &self.prepared
    }

    pub(crate) fn key_groups(&self) -> &[Vec<String>] {
        &self.key_groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_is_chosen_from_the_properties() {
        for (json, schema) in [
            (r#"{"properties":{"name":["Ivan Petrov"],"birthDate":["1970"]}}"#, "Person"),
            (r#"{"properties":{"name":["Ivan Petrov"],"gender":["m"]}}"#, "Person"),
            (r#"{"properties":{"name":["Acme Trading"]}}"#, "LegalEntity"),
            (r#"{"schema":"Company","properties":{"name":["Acme"]}}"#, "Company"),
        ] {
            assert_eq!(parse(json).unwrap().schema, schema, "{json}");
        }
    }

    #[test]
    fn the_id_is_kept_as_given() {
        assert_eq!(parse(r#"{"id":"q7","properties":{"name":["A B"]}}"#).unwrap().id, "q7");
        let query = Query::from_json(r#"{"properties":{"name":["A B"]}}"#, &Scorer::default_scorer()).unwrap();
        assert_eq!(query.id(), None);
    }

    #[test]
    fn a_quick_query_is_a_person_when_it_has_a_birth_date() {
        let quick = QuickQuery { name: "Olga Test", birth_date: Some("1971-04"), ..QuickQuery::default() };
        let entity = quick.entity().unwrap();
        assert_eq!(entity.schema, "Person");
        assert_eq!(entity.get("birthDate"), ["1971-04"]);
        assert_eq!(
            QuickQuery { name: "Acme Trading", ..QuickQuery::default() }.entity().unwrap().schema,
            "LegalEntity"
        );
        let company =
            QuickQuery { name: "Acme", schema: Some("Company"), country: Some("Latvia"), ..Default::default() };
        assert_eq!(company.entity().unwrap().get("country"), ["lv"]);
    }

    #[test]
    fn a_quick_query_names_what_it_cannot_read() {
        let bad_date = QuickQuery { name: "Olga Test", birth_date: Some("last spring"), ..QuickQuery::default() };
        assert!(bad_date.entity().unwrap_err().to_string().contains("`last spring` is not a birth date"));
        let bad_country = QuickQuery { name: "Olga Test", country: Some("Atlantis"), ..QuickQuery::default() };
        assert!(bad_country.entity().unwrap_err().to_string().contains("Atlantis"));
        assert!(QuickQuery { name: "  ", ..QuickQuery::default() }.entity().is_err());
        let spaceship = QuickQuery { name: "X", schema: Some("Spaceship"), ..QuickQuery::default() };
        assert!(spaceship.entity().unwrap_err().to_string().contains("Spaceship"));
    }

    #[test]
    fn unreadable_queries_say_why() {
        assert!(matches!(parse("{not json"), Err(QueryError::NotAnEntity(_))));
        assert!(matches!(parse(r#"{"schema":"Spaceship","properties":{}}"#), Err(QueryError::Invalid(_))));
    }
}
