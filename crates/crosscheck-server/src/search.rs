//! `GET /search/{dataset}`: yente's text search, a thin adapter over
//! [`crosscheck_engine::Snapshot::search`]. Parameters are read and checked as yente's FastAPI
//! app reads them (422 naming the parameter); the query language, filters, ranking and facets
//! are the engine's (`crosscheck_engine::search`).
//!
//! yente's windows: `limit` at most 500 (default 10), `offset` at most 9,499, and together
//! never past the 9,999th result (a larger window is cut, not refused). `changed_since` keeps
//! the datasets loaded after it (the store keeps no per-record dates, as for `/match`).

use crate::error::ApiError;
use crate::params::Params;
use crate::routes::{blocking, Shared};
use crate::yente::EntityResponse;
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use crosscheck_engine::search::{SearchError, SearchRequest, SortKey, FACETS};
use crosscheck_engine::Snapshot;
use crosscheck_model::Schema;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// yente's settings `MAX_PAGE`, `DEFAULT_PAGE`, `MAX_RESULTS` and `MAX_OFFSET`.
const MAX_PAGE: i64 = 500;
const DEFAULT_PAGE: i64 = 10;
const MAX_RESULTS: i64 = 9999;
const MAX_OFFSET: i64 = MAX_RESULTS - MAX_PAGE;

/// yente's facets when none are asked for.
const DEFAULT_FACETS: [&str; 3] = ["countries", "topics", "datasets"];

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/search/{dataset}", get(search))
}

/// Which loaded datasets a request searches, beyond the path's dataset.
struct Scope {
    include: Vec<String>,
    exclude: Vec<String>,
    changed_since: Option<String>,
}

/// Reads the request's parameters into the engine's request and the datasets in scope.
fn read(params: &Params) -> Result<(SearchRequest, Scope), ApiError> {
    let limit = params.int("limit", DEFAULT_PAGE, None, Some(MAX_PAGE))?;
    let offset = params.int("offset", 0, None, Some(MAX_OFFSET))?;
    // yente's `limit_window`
    let limit = limit.max(0);
    let offset = offset.clamp(0, MAX_RESULTS);
    let limit = if limit + offset > MAX_RESULTS { (MAX_RESULTS - offset).max(0) } else { limit };
    let fuzzy = params.boolean("fuzzy", false)?;
    let simple = params.boolean("simple", false)?;
    let target = params.get("target").map(|_| params.boolean("target", false)).transpose()?;
    let changed_since = params.timestamp("changed_since")?;
    let filter_and = match params.get("filter_op") {
        None | Some("OR") => false,
        Some("AND") => true,
        Some(other) => {
            return Err(ApiError::invalid_ctx(
                &["query", "filter_op"],
                "enum",
                "Input should be 'AND' or 'OR'",
                json!(other),
                json!({ "expected": "'AND' or 'OR'" }),
            ))
        }
    };
    let mut facets = Vec::new();
    let asked = params.all("facets");
    for f in if asked.is_empty() { DEFAULT_FACETS.iter().map(|s| s.to_string()).collect() } else { asked } {
        if !FACETS.contains(&f.as_str()) {
            let expected = FACETS.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", ");
            return Err(ApiError::invalid_ctx(
                &["query", "facets"],
                "enum",
                format!("Input should be {expected}"),
                json!(f),
                json!({ "expected": expected }),
            ));
        }
        if !facets.contains(&f) {
            facets.push(f);
        }
    }
    let schema_name = params.get("schema").unwrap_or("Thing");
    let schema = Schema::get(schema_name).ok_or_else(|| ApiError::bad_request("Invalid schema"))?;
    let mut filters: Vec<(String, String)> = Vec::new();
    for (field, param) in [("countries", "countries"), ("topics", "topics"), ("datasets", "datasets")] {
        filters.extend(params.all(param).into_iter().map(|v| (field.to_string(), v)));
    }
    for f in params.all("filter") {
        match f.split_once(':') {
            Some((field, value)) => filters.push((field.to_string(), value.to_string())),
            None => return Err(ApiError::bad_request(format!("Invalid filter: {f:?}"))),
        }
    }
    if let Some(target) = target {
        filters.push(("target".to_string(), target.to_string()));
    }
    let mut sort = Vec::new();
    for s in params.all("sort") {
        let (field, order) = match s.rsplit_once(':') {
            Some((f, o)) if o == "asc" || o == "desc" => (f.to_string(), o == "desc"),
            Some((f, _)) => (f.to_string(), false),
            None => (s.clone(), false),
        };
        let key = match field.as_str() {
            "_score" => SortKey::Score,
            "entity_id" | "id" => SortKey::Id,
            "schema" => SortKey::Schema,
            "first_seen" => SortKey::Seen(0),
            "last_seen" => SortKey::Seen(1),
            "last_change" => SortKey::Seen(2),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Results cannot be sorted by `{field}`: sort by _score, entity_id, schema, first_seen, \
                     last_seen or last_change"
                )))
            }
        };
        sort.push((key, order));
    }
    let request = SearchRequest {
        q: params.get("q").unwrap_or("").to_string(),
        simple,
        fuzzy,
        schema,
        exclude_schemas: params.list("exclude_schema", None)?,
        filters,
        filter_and,
        facets,
        sort,
        limit: limit as usize,
        offset: offset as usize,
    };
    let scope = Scope {
        include: params.list("include_dataset", None)?,
        exclude: params.list("exclude_dataset", None)?,
        changed_since,
    };
    Ok((request, scope))
}

/// `GET /search/{dataset}`: records whose names or other values match the query text.
async fn search(
    State(state): Shared,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = Params::parse(raw.as_deref());
    let (request, Scope { include, exclude, changed_since }) = read(&params)?;
    let engine = state.engine.clone();
    let snapshot = searchable(&state, move || {
        let loaded = engine.dataset_names()?;
        if dataset != "default" && !loaded.contains(&dataset) {
            return Err(ApiError::not_found("No such dataset."));
        }
        let in_scope = |name: &String| {
            (dataset == "default" || *name == dataset)
                && (include.is_empty() || include.contains(name))
                && !exclude.contains(name)
        };
        let names: Vec<String> = loaded.iter().filter(|n| in_scope(n)).cloned().collect();
        let snapshot = engine.snapshot(&names)?;
        Ok(match changed_since.as_deref() {
            Some(since) => snapshot.only(|d| d.meta().loaded_at.as_str() >= since),
            None => snapshot,
        })
    })
    .await?;
    blocking(&state, move || {
        let watchlists: Vec<String> =
            snapshot.datasets().iter().filter(|d| d.meta().kind == "watchlist").map(|d| d.name().to_string()).collect();
        let found = snapshot.search(&request).map_err(|e| match e {
            SearchError::Syntax(e) => ApiError::bad_request(format!("Invalid query: {e}")),
            SearchError::Invalid(e) => ApiError::bad_request(e),
            SearchError::Building(name) => ApiError::detail(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                format!("The search index of `{name}` is being built (about 10 seconds a million records); try again shortly."),
            ),
            SearchError::Unreadable(e) => {
                crate::layers::log_line(&format!("error: {e}"));
                ApiError::internal()
            }
            SearchError::Engine(e) => ApiError::from(e),
        })?;
        let results: Vec<EntityResponse> = found
            .hits
            .into_iter()
            .map(|hit| {
                let watchlist = watchlists.iter().any(|w| **w == *hit.dataset);
                let mut entity = EntityResponse::new(hit.entity, &hit.dataset, watchlist);
                entity.target = hit.target;
                entity
            })
            .collect();
        let mut facets = Map::new();
        for facet in found.facets {
            let values: Vec<Value> = facet
                .values
                .into_iter()
                .map(|v| json!({ "name": v.name, "label": v.label, "count": v.count }))
                .collect();
            facets.insert(facet.field, json!({ "label": facet.label, "values": values }));
        }
        Ok(Json(json!({
            "results": results,
            "facets": facets,
            "total": { "value": found.total, "relation": "eq" },
            "limit": request.limit,
            "offset": request.offset,
        })))
    })
    .await
}

/// Opens the snapshot a search reads (`open`) and waits until each of its datasets can be
/// searched (a dataset's first index is built when the server starts, or on its first search
/// when it was loaded later), without taking one of the workers `/match` needs: 503 when that
/// takes longer than the request's time limit.
async fn searchable(
    state: &AppState,
    open: impl FnOnce() -> Result<Snapshot, ApiError> + Send + 'static,
) -> Result<Snapshot, ApiError> {
    let wait = tokio::task::spawn_blocking(move || {
        let snapshot = open()?;
        snapshot.datasets().iter().for_each(crosscheck_engine::search::wait_until_searchable);
        Ok(snapshot)
    });
    match tokio::time::timeout(state.config.time_limit, wait).await {
        Ok(Ok(opened)) => opened,
        Ok(Err(e)) => {
            crate::layers::log_line(&format!("error: a search's snapshot could not be opened: {e}"));
            Err(ApiError::internal())
        }
        Err(_) => Err(ApiError::detail(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "The search index is still being built (about 10 seconds a million records); try again shortly.",
        )),
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
