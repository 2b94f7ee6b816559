//! The OpenRefine reconciliation service (the W3C community's reconciliation API 0.2), as yente
//! 5.5 serves it under `/reconcile/{dataset}`:
//!
//! - `GET /reconcile/{dataset}`: the manifest (identifier and schema spaces, the `view` and
//!   `preview` of a record, the suggest and extend services, the dataset's types). With a
//!   `queries` or `extend` parameter it answers them instead, as the spec's GET form allows.
//! - `POST /reconcile/{dataset}`: a form (`application/x-www-form-urlencoded`) with `queries`
//!   (JSON: `{"q0": {"query": "...", "type": "Person", "properties": [{"pid", "v"}], "limit"}}`),
//!   each screened as `/match` screens a query, through the engine; or `extend` (JSON:
//!   `{"ids": [...], "properties": [{"id": "birthDate"}]}`), the values of those properties.
//! - `GET .../suggest/entity`, `.../suggest/type`, `.../suggest/property`: what begins with
//!   `prefix` (records by name, the dataset's schemata, their properties), and
//!   `.../extend/property?type=`: the properties OpenRefine may propose for a type, FtM's
//!   featured ones first.
//!
//! Labels, plurals, descriptions and featured properties are FtM's (`crosscheck_model::labels`, generated
//! from the same pinned release as the model's table).
//!
//! Where we differ from yente: `view` and `preview` point at this server's own
//! `/entities/{id}` (a desk's lookups never leave for another site); a query batch or an extend
//! request that is not valid JSON of the expected shape is 400 naming the problem (yente answers
//! 500); `limit` of a reconciliation query is at most 500, as `/match`'s; values are rendered as
//! stored even with `render: caption` (we keep no country or topic labels yet).

use crate::error::ApiError;
use crate::params::Params;
use crate::routes::{algorithm_by_name, blocking, read_body, within_changed_since, Shared};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, RawQuery};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use crosscheck_engine::query::{complete, Query};
use crosscheck_engine::{Engine, ScreenFilter, ScreenOptions, Snapshot};
use crosscheck_model::labels::{PropLabels, SchemaLabels, SCHEMATA};
use crosscheck_model::{Entity, Schema};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// yente's settings: `MAX_BATCH`, `MATCH_PAGE` (suggestions of types and properties),
/// `DEFAULT_PAGE` and `MAX_PAGE` (suggested entities), `BASE_SCHEMA`.
const MAX_BATCH: usize = 100;
const MATCH_PAGE: usize = 5;
const DEFAULT_PAGE: i64 = 10;
const MAX_PAGE: i64 = 500;
const BASE_SCHEMA: &str = "Thing";
/// A reconciliation query's default `limit` (the spec's and yente's), and ours at most.
const DEFAULT_LIMIT: i64 = 5;
const MAX_LIMIT: i64 = 500;
/// Where OpenSanctions' identifiers and schemata are described: the records of the datasets a
/// desk loads from OpenSanctions carry those identifiers, and OpenRefine compares these
/// strings to decide whether two services share identifiers.
const SPACE: &str = "https://www.opensanctions.org/reference/#schema";

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/reconcile/{dataset}", get(manifest_or_answer).post(answer_form))
        .route("/reconcile/{dataset}/suggest/entity", get(suggest_entity))
        .route("/reconcile/{dataset}/suggest/type", get(suggest_type))
        .route("/reconcile/{dataset}/suggest/property", get(suggest_property))
        .route("/reconcile/{dataset}/extend/property", get(propose_properties))
}

/// The datasets `dataset` names (`default`: every loaded one), or 404 as yente.
fn scope(engine: &Engine, dataset: &str) -> Result<Snapshot, ApiError> {
    let loaded = engine.dataset_names()?;
    if dataset == "default" {
        return Ok(engine.snapshot(&loaded)?);
    }
    if !loaded.iter().any(|n| n == dataset) {
        return Err(ApiError::not_found("No such dataset."));
    }
    Ok(engine.snapshot(&[dataset.to_string()])?)
}

/// `GET /reconcile/{dataset}`: the manifest, or the answer to `queries` / `extend` given in
/// the query string.
async fn manifest_or_answer(
    state: Shared,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    if params.get("queries").is_some() || params.get("extend").is_some() {
        let form = Form {
            queries: params.get("queries").map(str::to_string),
            extend: params.get("extend").map(str::to_string),
        };
        return answer(&state, dataset, &params, form).await;
    }
    let base = base_url(&headers);
    let engine = state.engine.clone();
    let types = blocking(&state, move || {
        let snapshot = scope(&engine, &dataset)?;
        Ok((dataset, matchable_schemata(&snapshot)?))
    })
    .await?;
    let (dataset, types) = types;
    // the query string is passed on to the services (it may carry `api_key`), as yente does
    let query = raw.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| format!("?{q}")).unwrap_or_default();
    let service_url = format!("{base}/reconcile/{dataset}");
    let service = |path: &str| json!({ "service_url": service_url, "service_path": format!("{path}{query}") });
    let view = format!("{base}/entities/{{{{id}}}}");
    Ok(Json(json!({
        "versions": ["0.2"],
        "name": format!("{dataset} (crosscheck)"),
        "identifierSpace": SPACE,
        "schemaSpace": SPACE,
        "view": { "url": view },
        "documentation": "https://www.opensanctions.org/docs/",
        "batchSize": 3,
        "preview": { "url": view, "width": 430, "height": 600 },
        "suggest": {
            "entity": service("/suggest/entity"),
            "type": service("/suggest/type"),
            "property": service("/suggest/property"),
        },
        "extend": {
            "propose_properties": service("/extend/property"),
            "propose_settings": [
                {
                    "name": "limit",
                    "label": "Limit",
                    "type": "number",
                    "default": 0,
                    "help_text": "Maximum number of values to return per row (0 for no limit).",
                    "choices": [],
                },
                {
                    "name": "render",
                    "label": "Value rendering",
                    "type": "select",
                    "default": "caption",
                    "choices": [
                        { "id": "caption", "name": "User-readable value" },
                        { "id": "raw", "name": "Machine-readable value" },
                    ],
                    "help_text": "Return readable value (e.g. 'Russia') instead of raw value ('ru').",
                },
            ],
        },
        "defaultTypes": types.iter().filter_map(|t| schema_labels(t)).map(freebase_type).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// This server's address as the client reached it (the `Host` header), for the manifest's
/// links.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("http");
    format!("{scheme}://{host}")
}

/// The two fields of a reconciliation request.
struct Form {
    queries: Option<String>,
    extend: Option<String>,
}

/// `POST /reconcile/{dataset}`: a form with `queries` or `extend` (read whatever the
/// `Content-Type`, as a form).
async fn answer_form(
    state: Shared,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let body = read_body(&state, &headers, body).await?;
    let mut form = Form { queries: None, extend: None };
    for (key, value) in form_urlencoded::parse(&body) {
        match &*key {
            "queries" => form.queries = Some(value.into_owned()),
            "extend" => form.extend = Some(value.into_owned()),
            _ => {}
        }
    }
    answer(&state, dataset, &params, form).await
}

async fn answer(state: &AppState, dataset: String, params: &Params, form: Form) -> Result<Response, ApiError> {
    let algorithm = params.get("algorithm").unwrap_or("best").to_string();
    let changed_since = params.timestamp("changed_since")?;
    let engine = state.engine.clone();
    blocking(state, move || {
        if let Some(extend) = form.extend.filter(|e| !e.trim().is_empty()) {
            let snapshot = scope(&engine, &dataset)?;
            let answer = extend_rows(&snapshot, &extend)?;
            let rows = answer["rows"].as_object().map_or(0, Map::len);
            return Ok(([("x-batch-size", HeaderValue::from(rows))], Json(answer)).into_response());
        }
        let Some(queries) = form.queries else {
            return Err(ApiError::bad_request("No queries or extend request provided."));
        };
        let scorer = algorithm_by_name(&algorithm)?;
        let engine = engine.with_scorer(scorer);
        let snapshot = within_changed_since(scope(&engine, &dataset)?, changed_since.as_deref());
        let answers = reconcile_queries(&snapshot, &queries)?;
        let batch = HeaderValue::from(answers.len());
        Ok(([("x-batch-size", batch)], Json(answers)).into_response())
    })
    .await
}

/// One reconciliation query, as read.
struct ReconQuery {
    name: String,
    entity: Entity,
    limit: usize,
}

/// Answers a batch of reconciliation queries: each screened as `/match` screens its entity (the
/// same candidates and scores), every candidate scoring above 0 listed, up to the query's
/// `limit`.
fn reconcile_queries(snapshot: &Snapshot, data: &str) -> Result<BTreeMap<String, Value>, ApiError> {
    let batch = read_batch(data)?;
    let mut answers = BTreeMap::new();
    for query in batch {
        let entity = complete(query.entity).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let prepared = Query::new(entity, snapshot.scorer()).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let options = ScreenOptions {
            limit: query.limit,
            candidates: crosscheck_engine::screen::DEFAULT_CANDIDATES.max(query.limit),
            ..ScreenOptions::new(snapshot.scorer())
        };
        let filter = ScreenFilter { cutoff: Some(0.0), ..ScreenFilter::default() };
        let screening = snapshot.screen_filtered(&prepared, &options, &filter)?;
        let results: Vec<Value> = screening
            .hits
            .into_iter()
            .map(|hit| {
                let mut entity = freebase_entity(&hit.entity);
                entity["score"] = json!(hit.score);
                entity["match"] = json!(hit.is_match);
                entity
            })
            .collect();
        answers.insert(query.name, json!({ "result": results }));
    }
    Ok(answers)
}

/// Reads `{"name": {"query", "type", "limit", "properties"}}` into query entities: the schema is
/// `type` (its first when a list; `Thing`, yente's base schema, when absent), `query` its name,
/// and each property filter `{"pid": "Person:birthDate" or "birthDate", "v": value(s)}` a
/// property; a `pid` FtM does not know is left out, as yente leaves it out.
fn read_batch(data: &str) -> Result<Vec<ReconQuery>, ApiError> {
    let value: Value = serde_json::from_str(data)
        .map_err(|e| ApiError::bad_request(format!("The reconciliation queries are not valid JSON: {e}")))?;
    let Value::Object(queries) = value else {
        return Err(ApiError::bad_request("The reconciliation queries must be a JSON object of named queries."));
    };
    if queries.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!("Too many queries in one batch (limit: {MAX_BATCH})")));
    }
    let mut batch = Vec::with_capacity(queries.len());
    for (name, query) in queries {
        let wrong = |what: &str| ApiError::bad_request(format!("Reconciliation query `{name}`: {what}"));
        let Value::Object(query) = query else {
            return Err(wrong("it must be an object (`{\"query\": \"a name\"}`)"));
        };
        let schema = match query.get("type") {
            None | Some(Value::Null) => BASE_SCHEMA.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(types)) => match types.first() {
                None => BASE_SCHEMA.to_string(),
                Some(Value::String(s)) => s.clone(),
                Some(_) => return Err(wrong("`type` must be a schema name or a list of them")),
            },
            Some(_) => return Err(wrong("`type` must be a schema name or a list of them")),
        };
        let limit = match query.get("limit") {
            None | Some(Value::Null) => DEFAULT_LIMIT,
            Some(v) => v
                .as_i64()
                .filter(|l| (0..=MAX_LIMIT).contains(l))
                .ok_or_else(|| wrong(&format!("`limit` must be a whole number from 0 to {MAX_LIMIT}")))?,
        } as usize;
        let mut entity = Entity::new("", schema);
        match query.get("query") {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => {
                entity.properties.entry("name".into()).or_default().push(text.clone());
            }
            Some(_) => return Err(wrong("`query` must be text")),
        }
        let filters = match query.get("properties") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(filters)) => filters.as_slice(),
            Some(_) => return Err(wrong("`properties` must be a list of `{\"pid\", \"v\"}`")),
        };
        for filter in filters {
            let (Some(pid), Some(v)) = (filter.get("pid").and_then(Value::as_str), filter.get("v")) else {
                return Err(wrong("each of `properties` must be `{\"pid\": \"...\", \"v\": \"...\"}`"));
            };
            let values: Vec<String> = match v {
                Value::String(s) => vec![s.clone()],
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    items.iter().filter_map(Value::as_str).map(str::to_string).collect()
                }
                _ => return Err(wrong(&format!("the value of `{pid}` must be text or a list of text"))),
            };
            if let Some(prop) = property_of(pid, &entity.schema) {
                entity.properties.entry(prop.into()).or_default().extend(values);
            }
        }
        batch.push(ReconQuery { name, entity, limit });
    }
    Ok(batch)
}

/// The property a reconciliation `pid` names: a qualified name (`Person:birthDate`, as
/// `suggest/property` gives them) of a schema that has it, or a plain name the query's schema has.
fn property_of(pid: &str, query_schema: &str) -> Option<String> {
    let (schema, prop) = pid.split_once(':').unwrap_or((query_schema, pid));
    let schema = Schema::get(schema)?;
    property_labels(schema).into_iter().find(|(_, p)| p.name == prop).map(|(_, p)| p.name.to_string())
}

/// The values of the requested properties of the requested records: `{"meta": [{"id",
/// "name"}], "rows": {id: {property: [{"str": value}]}}}`, every id a row (empty when the
/// record is not in the datasets or lacks the property).
fn extend_rows(snapshot: &Snapshot, data: &str) -> Result<Value, ApiError> {
    let value: Value =
        serde_json::from_str(data).map_err(|_| ApiError::bad_request("Cannot decode extension request"))?;
    let wrong = |what: &str| ApiError::bad_request(format!("The extension request {what}"));
    let ids: Vec<&str> = match value.get("ids").and_then(Value::as_array) {
        Some(ids) => ids
            .iter()
            .map(|id| id.as_str().ok_or_else(|| wrong("has an id that is not text")))
            .collect::<Result<_, _>>()?,
        None => return Err(wrong("needs `ids`, a list of record ids")),
    };
    let Some(properties) = value.get("properties").and_then(Value::as_array) else {
        return Err(wrong("needs `properties`, a list of `{\"id\": \"property\"}`"));
    };
    let mut wanted = Vec::with_capacity(properties.len());
    for p in properties {
        let Some(id) = p.get("id").and_then(Value::as_str) else {
            return Err(wrong("has a property without an `id`"));
        };
        let settings = p.get("settings");
        let limit = match settings.and_then(|s| s.get("limit")) {
            None | Some(Value::Null) => 0,
            Some(l) => l.as_i64().ok_or_else(|| wrong(&format!("has a `limit` of `{id}` that is not a number")))?,
        };
        wanted.push((id, limit));
    }
    if ids.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!("Too many queries in one batch (limit: {MAX_BATCH})")));
    }
    let mut meta: Vec<Value> = Vec::new();
    let mut rows = Map::new();
    for id in &ids {
        rows.insert(id.to_string(), json!({}));
    }
    for id in ids {
        let Some(entity) = find(snapshot, id)? else { continue };
        let Some(schema) = entity.schema_def() else { continue };
        let props = property_labels(schema);
        let mut row = Map::new();
        for &(prop, limit) in &wanted {
            let Some((_, labels)) = props.iter().find(|(_, p)| p.name == prop) else { continue };
            if !meta.iter().any(|m| m["id"] == prop) {
                meta.push(json!({ "id": labels.name, "name": labels.label }));
            }
            let mut values = entity.get(prop);
            if limit > 0 {
                values = &values[..values.len().min(limit as usize)];
            }
            row.insert(prop.to_string(), values.iter().map(|v| json!({ "str": v })).collect());
        }
        rows.insert(entity.id.clone(), Value::Object(row));
    }
    Ok(json!({ "meta": meta, "rows": rows }))
}

/// The record with `id` in the first dataset of `snapshot` that has it.
fn find(snapshot: &Snapshot, id: &str) -> Result<Option<Entity>, ApiError> {
    for dataset in snapshot.datasets() {
        if let Some(entity) = dataset.get(id).map_err(crosscheck_engine::EngineError::from)? {
            return Ok(Some(entity));
        }
    }
    Ok(None)
}

/// `GET .../suggest/entity?prefix=&limit=`: records whose names begin with `prefix`.
async fn suggest_entity(
    state: Shared,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let prefix = params.get("prefix").unwrap_or("").to_string();
    let limit = params.int("limit", DEFAULT_PAGE, None, Some(MAX_PAGE))?.max(0) as usize;
    let engine = state.engine.clone();
    blocking(&state, move || {
        let snapshot = scope(&engine, &dataset)?;
        let found = crosscheck_engine::suggest::suggest_entities(&snapshot, &prefix, limit)?;
        let result: Vec<Value> = found.iter().map(|s| freebase_entity(&s.entity)).collect();
        Ok(Json(suggestions(&prefix, result)).into_response())
    })
    .await
}

/// `GET .../suggest/type?prefix=`: the dataset's schemata whose name or label begins with it.
async fn suggest_type(
    state: Shared,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    suggest_from_schemata(state, dataset, raw, |prefix, schemata| {
        schemata.filter(|s| match_prefix(prefix, &[s.name, s.label])).take(MATCH_PAGE).map(freebase_type).collect()
    })
    .await
}

/// `GET .../suggest/property?prefix=`: the properties of the dataset's schemata (by the schema
/// that declares each) whose name or label begins with it; hidden properties and references
/// to other records are not offered.
async fn suggest_property(
    state: Shared,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    suggest_from_schemata(state, dataset, raw, |prefix, schemata| {
        schemata
            .flat_map(|s| s.properties.iter().map(move |p| (s.name, p)))
            .filter(|(_, p)| !p.hidden && !p.entity && match_prefix(prefix, &[p.name, p.label]))
            .take(MATCH_PAGE)
            .map(|(schema, p)| {
                json!({ "id": format!("{schema}:{}", p.name), "name": p.label, "description": p.description })
            })
            .collect()
    })
    .await
}

/// The suggest routes over schema metadata: `pick` chooses, for the `prefix` asked, among the
/// labels of the schemata the dataset's records have.
async fn suggest_from_schemata(
    state: Shared,
    dataset: String,
    raw: Option<String>,
    pick: impl FnOnce(&str, &mut dyn Iterator<Item = &'static SchemaLabels>) -> Vec<Value> + Send + 'static,
) -> Result<Response, ApiError> {
    let prefix = Params::parse(raw.as_deref()).get("prefix").unwrap_or("").to_string();
    let engine = state.engine.clone();
    blocking(&state, move || {
        let types = matchable_schemata(&scope(&engine, &dataset)?)?;
        let result = pick(&prefix, &mut types.iter().filter_map(|t| schema_labels(t)));
        Ok(Json(suggestions(&prefix, result)).into_response())
    })
    .await
}

/// `GET .../extend/property?type=&limit=`: the properties OpenRefine may fetch for records of
/// `type`: its featured ones first, then the rest it has (neither hidden nor references), the
/// first `limit` (0: all) sorted by label, as yente lists them.
async fn propose_properties(Path(dataset): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let _ = dataset; // every schema's properties are the same whatever the dataset, as in yente
    let params = Params::parse(raw.as_deref());
    let kind = params.get("type").unwrap_or(BASE_SCHEMA);
    let limit = params.int("limit", 0, None, None)?;
    let Some(schema) = Schema::get(kind) else {
        return Err(ApiError::bad_request(format!("Invalid type: {kind}")));
    };
    let props = property_labels(schema);
    // FtM's `featured` of the schema itself (FtM does not inherit them)
    let featured = schema_labels(schema.name).map_or(&[][..], |s| s.featured);
    let mut proposed: Vec<&PropLabels> =
        featured.iter().filter_map(|f| props.iter().find(|(_, p)| p.name == *f).map(|(_, p)| *p)).collect();
    proposed.extend(props.iter().map(|(_, p)| *p).filter(|p| !p.hidden && !p.entity && !featured.contains(&p.name)));
    if limit > 0 {
        proposed.truncate(limit as usize);
    }
    proposed.sort_by_key(|p| p.label);
    let properties: Vec<Value> = proposed.iter().map(|p| json!({ "id": p.name, "name": p.label })).collect();
    Ok(Json(json!({ "limit": limit, "type": schema.name, "properties": properties })).into_response())
}

/// `{"code", "status", "prefix", "result"}`, the shape of every suggest answer.
fn suggestions(prefix: &str, result: Vec<Value>) -> Value {
    json!({ "code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": result })
}

/// yente's `match_prefix`: whether one of `labels`, lower-cased and trimmed, begins with
/// `prefix` lower-cased and trimmed; an empty prefix matches nothing.
fn match_prefix(prefix: &str, labels: &[&str]) -> bool {
    let prefix = prefix.trim().to_lowercase();
    !prefix.is_empty() && labels.iter().any(|l| l.trim().to_lowercase().starts_with(&prefix))
}

fn schema_labels(name: &str) -> Option<&'static SchemaLabels> {
    SCHEMATA.binary_search_by(|s| s.name.cmp(name)).ok().map(|i| &SCHEMATA[i])
}

/// A reconciliation type: `{"id": schema, "name": plural, "description"}`.
fn freebase_type(labels: &SchemaLabels) -> Value {
    json!({ "id": labels.name, "name": labels.plural, "description": labels.description.unwrap_or(labels.label) })
}

/// A reconciliation entity: `{"id", "name": caption, "description": schema label, "type"}`.
fn freebase_entity(entity: &Entity) -> Value {
    let labels = schema_labels(&entity.schema);
    json!({
        "id": entity.id,
        "name": entity.ftm_caption(),
        "description": labels.map(|l| l.label),
        "type": labels.map(freebase_type).into_iter().collect::<Vec<_>>(),
    })
}

/// Every property `schema` has, with the schema that declares it, in FtM's order: its own, then
/// each parent's (in the order it extends them) that it does not declare itself.
fn property_labels(schema: &'static Schema) -> Vec<(&'static str, &'static PropLabels)> {
    fn walk(schema: &'static Schema, out: &mut Vec<(&'static str, &'static PropLabels)>) {
        if let Some(labels) = schema_labels(schema.name) {
            for p in labels.properties {
                if !out.iter().any(|(_, q)| q.name == p.name) {
                    out.push((schema.name, p));
                }
            }
        }
        for parent in schema.extends.iter().filter_map(|p| Schema::get(p)) {
            walk(parent, out);
        }
    }
    let mut out = Vec::new();
    walk(schema, &mut out);
    out
}

/// The matchable schemata of the snapshot's records and their parents, kept per dataset
/// version (finding them reads every record; a version never changes).
fn matchable_schemata(snapshot: &Snapshot) -> Result<BTreeSet<&'static str>, ApiError> {
    type Cache = Mutex<HashMap<(String, String), BTreeSet<&'static str>>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    let mut all = BTreeSet::new();
    for dataset in snapshot.datasets() {
        let key = (dataset.name().to_string(), dataset.version().to_string());
        let known = cache.lock().map_err(|_| ApiError::internal())?.get(&key).cloned();
        let types = match known {
            Some(types) => types,
            None => {
                let one = snapshot.clone().only(|d| d.name() == dataset.name() && d.version() == dataset.version());
                let types = crosscheck_engine::suggest::matchable_schemata(&one)?;
                let mut cache = cache.lock().map_err(|_| ApiError::internal())?;
                if cache.len() > 256 {
                    cache.clear(); // old versions: a reload every few minutes for days
                }
                cache.insert(key, types.clone());
                types
            }
        };
        all.extend(types);
    }
    Ok(all)
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
