//! `GET /entities/{entity_id}` with its adjacent entities nested as yente nests them, the two
//! `adjacent` routes with their pages, and `POST /updatez`.
//!
//! What is adjacent, as yente 5.5 finds it (`yente/search/nested.py`), over the store's
//! reference index instead of Elasticsearch:
//! - the records that link to the entity (`Dataset::referencing`), and the records it links
//!   to; then, for every adjacent record that is an edge (an interstitial schema such as
//!   `Ownership`, `Directorship`, `Family`, `Payment`), the records on its far side, which are
//!   nested in full and never paginated;
//! - a record linking to the entity is nested under the reverse property (a `Sanction`'s
//!   `entity` is the person's `sanctions`, a `Payment`'s `payer` its `paymentPayer`), at the
//!   entity and at the records one step away, never deeper;
//! - the entity itself is never nested again: an edge nested under it keeps the entity's id as
//!   a plain value (`"payer": ["<id>"]`); a property none of whose values was retrieved keeps
//!   its ids;
//! - adjacent records come in file order (the store's order, datasets by name), which is
//!   yente's `_doc` order for the `adjacent` routes; a page (`limit`, `offset`) counts the
//!   records one step away only, and `total` counts them all.
//!
//! An id given among a record's `referents` (an id merged into another) answers 308 to
//! `/entities/<canonical id>`, as yente answers. An id in several loaded datasets is one entity,
//! its parts merged as FtM merges them (values united, `datasets` listing each).

use crate::error::ApiError;
use crate::params::Params;
use crate::routes::{blocking, Shared};
use crate::yente::EntityResponse;
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use crosscheck_engine::Snapshot;
use crosscheck_model::{Entity, EntityProp, GraphSchema};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// yente's `MAX_RESULTS`: the most adjacent records read in one step.
const MAX_RESULTS: usize = 9999;
/// yente's `MAX_PAGE`, `DEFAULT_PAGE` and `MAX_OFFSET` for the `adjacent` routes.
const MAX_PAGE: i64 = 500;
const DEFAULT_PAGE: i64 = 10;
const MAX_OFFSET: i64 = MAX_RESULTS as i64 - MAX_PAGE;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/entities/{entity_id}", get(fetch_entity))
        .route("/entities/{entity_id}/adjacent", get(fetch_adjacent))
        .route("/entities/{entity_id}/adjacent/{property_name}", get(fetch_adjacent_by_prop))
        .route("/updatez", post(updatez))
}

/// `POST /updatez`: yente's forced re-index. This server has no update token (and no index to
/// rebuild): a dataset is reloaded with `crosscheck load`, which running servers pick up
/// without a restart. So every call is 403, as yente answers without a configured token.
async fn updatez() -> ApiError {
    ApiError::detail(
        StatusCode::FORBIDDEN,
        "Invalid token. This server takes no update token: reload a dataset with `crosscheck load`; \
         the server serves the new version to every request that starts after it.",
    )
}

/// The page of the `adjacent` routes: `limit` at most 500, `offset` at most 9,499 (422
/// outside), and `sort` accepted and left aside (adjacent records come in file order).
fn page(raw: Option<&str>) -> Result<(usize, usize), ApiError> {
    let params = Params::parse(raw);
    let limit = params.int("limit", DEFAULT_PAGE, Some(0), Some(MAX_PAGE))?;
    let offset = params.int("offset", 0, Some(0), Some(MAX_OFFSET))?;
    Ok((limit as usize, offset as usize))
}

/// `GET /entities/{entity_id}`: the entity, with its adjacent entities nested unless
/// `nested=false`.
async fn fetch_entity(
    State(state): Shared,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let nested = Params::parse(raw.as_deref()).boolean("nested", true)?;
    let engine = state.engine.clone();
    blocking(&state, move || {
        with_root(&engine, &id, |graph, root| {
            if !nested {
                return Ok(Json(graph.shown(root)).into_response());
            }
            let (shown, _) = graph.nest(root, None, MAX_RESULTS, 0)?;
            Ok(Json(shown).into_response())
        })
    })
    .await
}

/// `GET /entities/{entity_id}/adjacent`: for every entity property of the schema (reverse
/// ones included) that has adjacent records, a page of them with their total.
async fn fetch_adjacent(
    State(state): Shared,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (limit, offset) = page(raw.as_deref())?;
    let engine = state.engine.clone();
    blocking(&state, move || {
        with_root(&engine, &id, |graph, root| {
            let mut adjacent = Map::new();
            if let Some(schema) = GraphSchema::get(&root.entity.schema) {
                for prop in schema.entity_props {
                    let (shown, total) = graph.nest(root, Some(prop), limit, offset)?;
                    if total > 0 {
                        adjacent.insert(prop.name.to_string(), results(&shown, prop.name, total, limit, offset));
                    }
                }
            }
            Ok(Json(json!({ "entity": graph.shown(root), "adjacent": adjacent })).into_response())
        })
    })
    .await
}

/// `GET /entities/{entity_id}/adjacent/{property_name}`: one property's page.
async fn fetch_adjacent_by_prop(
    State(state): Shared,
    Path((id, property)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (limit, offset) = page(raw.as_deref())?;
    let engine = state.engine.clone();
    blocking(&state, move || {
        with_root(&engine, &id, |graph, root| {
            let prop = GraphSchema::get(&root.entity.schema)
                .and_then(|s| s.entity_prop(&property))
                .ok_or_else(|| ApiError::not_found("No such property!"))?;
            let (shown, total) = graph.nest(root, Some(prop), limit, offset)?;
            Ok(Json(results(&shown, prop.name, total, limit, offset)).into_response())
        })
    })
    .await
}

/// Answers for entity `id` of every loaded dataset with `answer`, given the graph and the
/// entity: a merged id is redirected to its canonical one (308), an unknown one is 404.
fn with_root(
    engine: &crosscheck_engine::Engine,
    id: &str,
    answer: impl FnOnce(&Graph, &Record) -> Result<Response, ApiError>,
) -> Result<Response, ApiError> {
    let graph = Graph::new(engine.snapshot_all()?);
    match graph.lookup(id)? {
        Lookup::Found(root) => answer(&graph, &root),
        Lookup::Merged(canonical) => Ok(redirect(&canonical)),
        Lookup::Missing => Err(ApiError::not_found("No such entity!")),
    }
}

/// yente's `AdjacentResultsResponse` for `prop` of a nested entity.
fn results(shown: &Value, prop: &str, total: usize, limit: usize, offset: usize) -> Value {
    let results = shown["properties"].get(prop).cloned().unwrap_or_else(|| json!([]));
    json!({ "results": results, "total": { "value": total, "relation": "eq" }, "limit": limit, "offset": offset })
}

/// 308 to the canonical entity, as yente redirects a merged id.
fn redirect(canonical: &str) -> Response {
    let path: String = canonical
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    match HeaderValue::from_str(&format!("/entities/{path}")) {
        Ok(location) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response(),
        Err(_) => ApiError::internal().into_response(),
    }
}

/// A record found, with its place in file order (the dataset's rank, its entity number).
#[derive(Debug, Clone)]
struct Record {
    place: (usize, u32),
    entity: Entity,
    watchlist: bool,
}

enum Lookup {
    Found(Box<Record>),
    /// The id is among the `referents` of this canonical id.
    Merged(String),
    Missing,
}

/// The loaded datasets, read as one graph.
struct Graph {
    snapshot: Snapshot,
    /// The records linking to an id, read once per request (`adjacent` asks for each property).
    linking: std::cell::RefCell<HashMap<String, Arc<Vec<Record>>>>,
}

fn store_error(e: crosscheck_store::StoreError) -> ApiError {
    ApiError::from(crosscheck_engine::EngineError::from(e))
}

impl Graph {
    fn new(snapshot: Snapshot) -> Graph {
        Graph { snapshot, linking: Default::default() }
    }

    /// The record `id`, merged across the datasets that hold it.
    fn find(&self, id: &str) -> Result<Option<Record>, ApiError> {
        let mut found: Option<Record> = None;
        for (rank, dataset) in self.snapshot.datasets().iter().enumerate() {
            let Some(number) = dataset.number(id) else { continue };
            let part = self.record(rank, number)?;
            found = Some(match found {
                None => part,
                Some(mut first) => {
                    // unrelated schemata under one id: the first dataset's record stands
                    let _ = first.entity.merge(part.entity);
                    first.watchlist |= part.watchlist;
                    first
                }
            });
        }
        Ok(found)
    }

    /// Entity `number` of the dataset ranked `rank`, its `datasets` named when the source did not.
    fn record(&self, rank: usize, number: u32) -> Result<Record, ApiError> {
        let dataset = &self.snapshot.datasets()[rank];
        let mut entity = dataset.entity(number).map_err(store_error)?;
        // as yente indexes: the source's datasets that are loaded (only this one can be), else it
        entity.datasets = vec![dataset.name().to_string()];
        Ok(Record { place: (rank, number), entity, watchlist: dataset.meta().kind == "watchlist" })
    }

    fn lookup(&self, id: &str) -> Result<Lookup, ApiError> {
        if let Some(found) = self.find(id)? {
            return Ok(Lookup::Found(Box::new(found)));
        }
        for (rank, dataset) in self.snapshot.datasets().iter().enumerate() {
            if let Some(number) = dataset.merged_into(id).next() {
                return Ok(Lookup::Merged(self.record(rank, number)?.entity.id));
            }
        }
        Ok(Lookup::Missing)
    }

    /// Every record that links to `id`, through any property or through `prop`'s reverse.
    fn referencing(&self, id: &str, prop: Option<&EntityProp>, out: &mut Vec<Record>) -> Result<(), ApiError> {
        let cached = self.linking.borrow().get(id).cloned();
        let linking = match cached {
            Some(linking) => linking,
            None => {
                let mut all: Vec<Record> = Vec::new();
                let several = self.snapshot.datasets().len() > 1;
                for (rank, dataset) in self.snapshot.datasets().iter().enumerate() {
                    for number in dataset.referencing(id) {
                        let record = self.record(rank, number)?;
                        if !several {
                            all.push(record);
                        } else if !all.iter().any(|r| r.entity.id == record.entity.id) {
                            // the same id in another loaded dataset: one record, its parts merged
                            all.push(self.find(&record.entity.id)?.unwrap_or(record));
                        }
                    }
                }
                let all = Arc::new(all);
                self.linking.borrow_mut().insert(id.to_string(), all.clone());
                all
            }
        };
        for record in linking.iter() {
            let wanted = match prop.map(|p| p.reverse) {
                None => true,
                // yente asks for every record linking to the entity through a property with no
                // reverse (`riskSource`), and counts them all though none can be one of its
                // values: nothing links back through such a property, so nothing is read
                Some(None) => false,
                // yente asks for the reverse's own schema, not its descendants
                Some(Some((schema, name))) => {
                    record.entity.schema == schema && record.entity.get(name).iter().any(|v| v == id)
                }
            };
            if wanted {
                out.push(record.clone());
            }
        }
        Ok(())
    }

    /// The entity as yente shows it, without nesting.
    fn shown(&self, record: &Record) -> Value {
        let dataset = record.entity.datasets.first().cloned().unwrap_or_default();
        let mut shown = serde_json::to_value(EntityResponse::new(record.entity.clone(), &dataset, record.watchlist))
            .unwrap_or(Value::Null);
        // an id in several loaded datasets lists each
        shown["datasets"] = json!(record.entity.datasets);
        shown
    }

    /// `root` with its adjacent records nested (only through `prop` when given), the first step
    /// paged by `limit` and `offset`, and how many records the first step found.
    fn nest(
        &self,
        root: &Record,
        prop: Option<&EntityProp>,
        limit: usize,
        offset: usize,
    ) -> Result<(Value, usize), ApiError> {
        let mut found: HashMap<String, Record> = HashMap::new();
        found.insert(root.entity.id.clone(), root.clone());
        let mut inverted: HashMap<String, Vec<(&'static str, String)>> = HashMap::new();
        let mut inbound: Vec<String> = vec![root.entity.id.clone()];
        let mut outbound: Vec<String> = match prop {
            None => entity_values(&root.entity).map(|(_, v)| v.to_string()).collect(),
            Some(p) => root.entity.get(p.name).to_vec(),
        };
        let mut total = None;
        let (mut take, mut skip) = (limit, offset);
        // each step reads what the last one's edges point to; a handful of steps at most
        for _ in 0..16 {
            if inbound.is_empty() && outbound.is_empty() {
                break;
            }
            let mut step: Vec<Record> = Vec::new();
            for id in &inbound {
                self.referencing(id, prop, &mut step)?;
            }
            for id in &outbound {
                if let Some(record) = self.find(id)? {
                    step.push(record);
                }
            }
            step.sort_by_key(|r| r.place);
            let mut seen = HashSet::new();
            step.retain(|r| !found.contains_key(&r.entity.id) && seen.insert(r.entity.id.clone()));
            total.get_or_insert(step.len());
            inbound.clear();
            outbound.clear();
            for adjacent in step.into_iter().skip(skip).take(take) {
                let edge = GraphSchema::get(&adjacent.entity.schema).is_some_and(GraphSchema::is_edge);
                let id = adjacent.entity.id.clone();
                for (link, value) in entity_values(&adjacent.entity) {
                    if edge && !found.contains_key(value) && value != id && !outbound.iter().any(|o| o == value) {
                        outbound.push(value.to_string());
                    }
                    if let Some((_, reverse)) = link.reverse {
                        let refs = inverted.entry(value.to_string()).or_default();
                        if !refs.iter().any(|(r, a)| *r == reverse && *a == id) {
                            refs.push((reverse, id.clone()));
                        }
                    }
                }
                found.insert(id, adjacent);
            }
            (take, skip) = (MAX_RESULTS, 0);
        }
        let nested = Nesting { found: &found, inverted: &inverted, graph: self };
        Ok((nested.nest(root, &[]), total.unwrap_or(0)))
    }
}

/// Every value of an entity-typed (not reverse) property of `entity`, with its property.
fn entity_values(entity: &Entity) -> impl Iterator<Item = (&'static EntityProp, &str)> + '_ {
    let schema = GraphSchema::get(&entity.schema);
    entity.properties.iter().flat_map(move |(name, values)| {
        let link = schema.and_then(|s| s.entity_prop(name)).filter(|p| !p.stub);
        link.into_iter().flat_map(move |link| values.iter().map(move |v| (link, v.as_str())))
    })
}

/// The records read for one nesting, and who links to whom.
struct Nesting<'a> {
    found: &'a HashMap<String, Record>,
    /// For each id, the (reverse property, record) pairs of the records linking to it.
    inverted: &'a HashMap<String, Vec<(&'static str, String)>>,
    graph: &'a Graph,
}

impl Nesting<'_> {
    /// `record` shown with what links to it (at the root and one step away) and what it links
    /// to nested, leaving out the records on `path` (those above it).
    fn nest(&self, record: &Record, path: &[&str]) -> Value {
        let id = record.entity.id.as_str();
        let mut next_path = path.to_vec();
        next_path.push(id);
        let mut props: Map<String, Value> = Map::new();
        if path.len() <= 1 {
            for (reverse, adjacent) in self.inverted.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                if path.contains(&adjacent.as_str()) {
                    continue;
                }
                if let Some(adjacent) = self.found.get(adjacent) {
                    let nested = self.nest(adjacent, &next_path);
                    if let Value::Array(list) = props.entry(reverse.to_string()).or_insert_with(|| json!([])) {
                        list.push(nested);
                    }
                }
            }
        }
        let schema = GraphSchema::get(&record.entity.schema);
        for (name, values) in &record.entity.properties {
            if schema.and_then(|s| s.entity_prop(name)).is_none_or(|p| p.stub) {
                continue;
            }
            let nested: Vec<Value> = values
                .iter()
                .filter(|v| !path.contains(&v.as_str()))
                .filter_map(|v| self.found.get(v))
                .map(|adjacent| self.nest(adjacent, &next_path))
                .collect();
            if !nested.is_empty() {
                props.insert(name.to_string(), Value::Array(nested));
            }
        }
        let mut shown = self.graph.shown(record);
        if let Some(Value::Object(properties)) = shown.get_mut("properties") {
            properties.extend(props);
        }
        shown
    }
}

/// The entity `id` as `GET /entities/{id}` answers it (adjacent entities nested; a merged id
/// followed to its canonical entity), or `None`: the review page's entity view (`ui`).
pub(crate) fn nested_entity(snapshot: Snapshot, id: &str) -> Result<Option<Value>, ApiError> {
    let graph = Graph::new(snapshot);
    let root = match graph.lookup(id)? {
        Lookup::Found(root) => root,
        Lookup::Merged(canonical) => match graph.lookup(&canonical)? {
            Lookup::Found(root) => root,
            _ => return Ok(None),
        },
        Lookup::Missing => return Ok(None),
    };
    Ok(Some(graph.nest(&root, None, MAX_RESULTS, 0)?.0))
}
