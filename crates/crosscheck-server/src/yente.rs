//! yente 5.5's request and response shapes (`../shared/contracts/yente-5.5.0-openapi.json`),
//! kept apart from the engine's types: the engine's results are turned into these at the edge.
//!
//! An entity is shown as its source gave it, FtM's way: `first_seen`, `last_seen` and
//! `last_change` as `YYYY-MM-DDTHH:MM:SS` when the source has them (else `null`), its
//! `referents`, its `datasets` as yente indexes them (the source's datasets that are loaded,
//! else the loaded one: so always the loaded dataset, which has no children here),
//! `target` as the source says (else true for records of a dataset of kind `watchlist`), and
//! its caption computed as followthemoney computes it ([`Entity::ftm_caption`]), not copied.

use crate::error::ApiError;
use crosscheck_engine::Hit;
use crosscheck_model::Entity;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// yente's `EntityResponse`.
#[derive(Debug, Clone, Serialize)]
pub struct EntityResponse {
    pub id: String,
    pub caption: String,
    pub schema: String,
    pub properties: BTreeMap<String, Vec<String>>,
    pub datasets: Vec<String>,
    pub referents: Vec<String>,
    pub target: bool,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub last_change: Option<String>,
}

impl EntityResponse {
    /// A stored record of `dataset` (`watchlist`: whether that dataset is a watchlist).
    pub fn new(entity: Entity, dataset: &str, watchlist: bool) -> EntityResponse {
        let caption = entity.ftm_caption();
        // one rule on every route: the source's flag, else a watchlist's records with a topic
        let target = crosscheck_engine::search::is_target(&entity, if watchlist { "watchlist" } else { "" });
        // as yente indexes: the source's datasets that are loaded (here: this one), else this one
        let datasets = vec![dataset.to_string()];
        EntityResponse {
            caption,
            properties: entity.properties.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            id: entity.id,
            schema: entity.schema,
            datasets,
            referents: entity.referents,
            target,
            first_seen: entity.first_seen.as_deref().and_then(timestamp),
            last_seen: entity.last_seen.as_deref().and_then(timestamp),
            last_change: entity.last_change.as_deref().and_then(timestamp),
        }
    }
}

/// A source's date or time as yente writes it, `YYYY-MM-DDTHH:MM:SS` (UTC, no fraction, no
/// zone; a date alone is its midnight); `None` for text that is neither.
pub fn timestamp(given: &str) -> Option<String> {
    let given = given.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(given) {
        return Some(t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(given, format) {
            return Some(t.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
    }
    chrono::NaiveDate::parse_from_str(given, "%Y-%m-%d").ok().map(|d| format!("{}T00:00:00", d.format("%Y-%m-%d")))
}

/// yente's `FeatureResult`, with our feature's weight and contribution beside its score.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureResult {
    pub detail: Option<String>,
    pub score: f64,
    pub query: Option<String>,
    pub candidate: Option<String>,
    pub weight: f64,
    pub contribution: f64,
}

/// yente's `ScoredEntityResponse`.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredEntityResponse {
    #[serde(flatten)]
    pub entity: EntityResponse,
    pub score: f64,
    pub explanations: BTreeMap<String, FeatureResult>,
    #[serde(rename = "match")]
    pub is_match: bool,
}

impl ScoredEntityResponse {
    pub fn new(hit: Hit, watchlist: bool) -> ScoredEntityResponse {
        let mut explanations = BTreeMap::new();
        for f in hit.explanation.features {
            explanations.entry(f.name.to_string()).or_insert(FeatureResult {
                detail: Some(f.detail),
                score: f.value,
                query: None,
                candidate: None,
                weight: f.weight,
                contribution: f.contribution,
            });
        }
        ScoredEntityResponse {
            entity: EntityResponse::new(hit.entity, &hit.dataset, watchlist),
            score: hit.score,
            explanations,
            is_match: hit.is_match,
        }
    }
}

/// One query of a `/match` batch, as checked: its name in the batch, the caller's id, and the
/// entity built from it (not yet cleaned).
#[derive(Debug, Clone)]
pub struct Example {
    pub name: String,
    pub id: Option<String>,
    pub entity: Entity,
}

/// yente's `EntityMatchQuery`, checked as FastAPI checks it (422 naming the field).
#[derive(Debug, Clone, Default)]
pub struct MatchBody {
    pub weights: BTreeMap<String, f64>,
    pub config: Map<String, Value>,
    pub examples: Vec<Example>,
}

impl MatchBody {
    /// Reads a request body.
    pub fn parse(body: &[u8]) -> Result<MatchBody, ApiError> {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            ApiError::invalid_ctx(
                &["body"],
                "json_invalid",
                "JSON decode error",
                json!({}),
                json!({ "error": e.to_string() }),
            )
        })?;
        let Value::Object(mut top) = value else {
            return Err(not_an_object(&["body"]));
        };
        let weights = match top.remove("weights") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(w)) => w
                .into_iter()
                .map(|(k, v)| match v.as_f64() {
                    Some(f) => Ok((k, f)),
                    None => Err(ApiError::invalid(
                        &["body", "weights", &k],
                        "float_type",
                        "Input should be a valid number",
                        v,
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(not_an_object(&["body", "weights"])),
        };
        let config = match top.remove("config") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(c)) => c,
            Some(_) => return Err(not_an_object(&["body", "config"])),
        };
        let queries = match top.remove("queries") {
            Some(Value::Object(q)) => q,
            Some(_) => return Err(not_an_object(&["body", "queries"])),
            None => return Err(ApiError::invalid(&["body", "queries"], "missing", "Field required", Value::Null)),
        };
        let mut examples = Vec::with_capacity(queries.len());
        for (name, query) in queries {
            if query.is_null() {
                continue; // yente skips a query given as null
            }
            examples.push(example(name, query)?);
        }
        Ok(MatchBody { weights, config, examples })
    }
}

fn not_an_object(loc: &[&str]) -> ApiError {
    ApiError::invalid(
        loc,
        "dict_type",
        "Input should be a valid dictionary or object to extract fields from",
        Value::Null,
    )
}

/// One `EntityExample`: `schema` (a string) and `properties` (values a string or a list of
/// scalars) are required; `id` is a string or null.
fn example(name: String, query: Value) -> Result<Example, ApiError> {
    let invalid = |field: &str, kind: &str, msg: &str, input: Value| {
        ApiError::invalid(&["body", "queries", &name, field], kind, msg, input)
    };
    let Value::Object(mut query) = query else {
        return Err(not_an_object(&["body", "queries", &name]));
    };
    let schema = match query.remove("schema") {
        Some(Value::String(s)) => s,
        None => return Err(invalid("schema", "missing", "Field required", Value::Null)),
        Some(other) => return Err(invalid("schema", "string_type", "Input should be a valid string", other)),
    };
    let id = match query.remove("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => return Err(invalid("id", "string_type", "Input should be a valid string", other)),
    };
    let properties = match query.remove("properties") {
        Some(Value::Object(p)) => p,
        None => return Err(invalid("properties", "missing", "Field required", Value::Null)),
        Some(_) => return Err(invalid("properties", "dict_type", "Input should be a valid dictionary", Value::Null)),
    };
    let mut entity = Entity::new("", schema);
    for (prop, values) in properties {
        let values = match values {
            Value::Array(items) => items,
            Value::String(_) => vec![values],
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Cannot parse example entity: the value of `{prop}` is neither a string nor a list"
                )))
            }
        };
        for value in values {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => continue,
                Value::Array(_) | Value::Object(_) => {
                    return Err(ApiError::bad_request(format!(
                        "Cannot parse example entity: a value of `{prop}` is a list or an object, not text"
                    )))
                }
            };
            entity.properties.entry(prop.as_str().into()).or_default().push(text);
        }
    }
    Ok(Example { name, id, entity })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_read_with_string_and_list_values() {
        let body = br#"{"queries": {
            "a": {"schema": "Person", "properties": {"name": "Olga Test", "birthDate": ["1970", 1971]}},
            "b": null,
            "c": {"id": "mine", "schema": "Company", "properties": {"name": ["Acme"]}}}}"#;
        let parsed = MatchBody::parse(body).unwrap();
        assert_eq!(parsed.examples.len(), 2, "a null query is skipped");
        assert_eq!(parsed.examples[0].entity.get("name"), ["Olga Test"]);
        assert_eq!(parsed.examples[0].entity.get("birthDate"), ["1970", "1971"]);
        assert_eq!(parsed.examples[1].id.as_deref(), Some("mine"));
    }

    #[test]
    fn shapes_fastapi_refuses_are_422_naming_the_field() {
        for (body, loc) in [
            (&br#"{"queries": {"q": {"properties": {"name": "A"}}}}"#[..], json!(["body", "queries", "q", "schema"])),
            (br#"{"queries": {"q": {"schema": "Person"}}}"#, json!(["body", "queries", "q", "properties"])),
            (br#"{"queries": {"q": {"schema": 7, "properties": {}}}}"#, json!(["body", "queries", "q", "schema"])),
            (br#"{"queries": {"q": "Olga"}}"#, json!(["body", "queries", "q"])),
            (br#"{"weights": {"name": "high"}, "queries": {}}"#, json!(["body", "weights", "name"])),
            (br#"{}"#, json!(["body", "queries"])),
            (br#"[1, 2]"#, json!(["body"])),
            (br#"{"queries": "#, json!(["body"])),
        ] {
            let err = MatchBody::parse(body).unwrap_err();
            assert_eq!(err.status, 422, "{}", String::from_utf8_lossy(body));
            assert_eq!(err.body["detail"][0]["loc"], loc, "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn times_are_written_as_yente_writes_them() {
        for (given, want) in [
            ("2025-04-10T12:03:02", Some("2025-04-10T12:03:02")),
            ("2025-04-10T12:03:02.123456", Some("2025-04-10T12:03:02")),
            ("2025-04-10T12:03:02Z", Some("2025-04-10T12:03:02")),
            ("2025-04-10T14:03:02+02:00", Some("2025-04-10T12:03:02")),
            ("2025-04-10 12:03:02", Some("2025-04-10T12:03:02")),
            ("2025-04-10", Some("2025-04-10T00:00:00")),
            ("last spring", None),
            ("", None),
        ] {
            assert_eq!(timestamp(given).as_deref(), want, "{given}");
        }
    }

    #[test]
    fn provenance_is_shown_as_given_and_the_caption_computed() {
        let entity: Entity = serde_json::from_str(
            r#"{"id": "p1", "schema": "Person", "caption": "Not This", "referents": ["old-1"],
                "datasets": ["src"], "target": false, "first_seen": "2024-01-02T03:04:05",
                "last_change": "2024-02-03", "properties": {"name": ["Olga Testova", "OLGA TESTOVA"]}}"#,
        )
        .unwrap();
        let shown = serde_json::to_value(EntityResponse::new(entity, "loaded", true)).unwrap();
        assert_eq!(shown["caption"], "Olga Testova");
        assert_eq!(shown["referents"], json!(["old-1"]));
        assert_eq!(shown["datasets"], json!(["loaded"]), "the source's own sources are not loaded datasets");
        assert_eq!(shown["target"], false);
        assert_eq!(shown["first_seen"], "2024-01-02T03:04:05");
        assert_eq!(shown["last_seen"], Value::Null);
        assert_eq!(shown["last_change"], "2024-02-03T00:00:00");
        let bare = serde_json::to_value(EntityResponse::new(Entity::new("x", "LegalEntity"), "loaded", true)).unwrap();
        assert_eq!(
            (&bare["caption"], &bare["datasets"], &bare["target"]),
            (&json!("Legal entity"), &json!(["loaded"]), &json!(true))
        );
    }

    #[test]
    fn nested_values_are_400_as_yente_cannot_parse_them() {
        let err = MatchBody::parse(br#"{"queries": {"q": {"schema": "Person", "properties": {"name": [{"x": 1}]}}}}"#)
            .unwrap_err();
        assert_eq!(err.status, 400);
        assert!(err.body["detail"].as_str().unwrap().starts_with("Cannot parse example entity"));
    }
}
