//! The routes: each reads its request, calls the engine on the blocking pool, and answers in
//! yente's shapes.

use crate::error::ApiError;
use crate::params::Params;
use crate::yente::{Example, MatchBody, ScoredEntityResponse};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use crosscheck_engine::query::{complete, Query};
use crosscheck_engine::{Scorer, ScreenFilter, ScreenOptions, Snapshot};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

pub(crate) type Shared = State<Arc<AppState>>;

/// yente's limits (its settings `MAX_BATCH`, `MAX_MATCHES`).
const MAX_BATCH: usize = 100;
const MAX_LIMIT: i64 = 500;
const DEFAULT_LIMIT: i64 = 5;
const MAX_EXCLUDED_IDS: usize = 50;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(|| async { axum::response::Redirect::to("/ui/") }))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/algorithms", get(algorithms))
        .route("/catalog", get(catalog))
        .route("/match/{dataset}", post(match_batch))
        .route("/cases", get(cases))
        .route("/cases/{case}", get(case_json))
        .route("/cases/{case}/report.html", get(case_html))
        .merge(crate::search::routes())
        .merge(crate::reconcile::routes())
        .merge(crate::desk::routes())
        .merge(crate::entities::routes())
        .merge(crate::ui::routes())
        .fallback(|| async { ApiError::not_found("Not Found") })
        .method_not_allowed_fallback(|| async {
            ApiError::detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
        })
        .with_state(state)
}

/// Runs `work` on the blocking pool once a worker is free, within the request's time limit.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let limit = state.config.time_limit;
    let workers = state.workers.clone();
    let run = async move {
        let permit = workers.acquire_owned().await.map_err(|_| ApiError::internal())?;
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit; // held until the work is done, even past the time limit
            work()
        });
        match task.await {
            Ok(result) => result,
            Err(e) => {
                crate::layers::log_line(&format!("error: a request's work failed: {e}"));
                Err(ApiError::internal())
            }
        }
    };
    tokio::time::timeout(limit, run).await.unwrap_or_else(|_| {
        Err(ApiError::detail(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("The request took longer than {} seconds; send fewer queries at once.", limit.as_secs()),
        ))
    })
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready when the store can be read.
async fn readyz(State(state): Shared) -> Result<Json<Value>, ApiError> {
    let engine = state.engine.clone();
    blocking(&state, move || {
        engine
            .dataset_names()
            .map(|_| Json(json!({ "status": "ok" })))
            .map_err(|_| ApiError::detail(StatusCode::SERVICE_UNAVAILABLE, "Index not ready."))
    })
    .await
}

/// Every algorithm this build runs, with its features and weights.
async fn algorithms() -> Json<Value> {
    let algorithms: Vec<Value> = Scorer::all()
        .iter()
        .map(|scorer| {
            let described = scorer.algorithm().describe();
            let features: serde_json::Map<String, Value> = described
                .features
                .iter()
                .map(|f| {
                    let coefficient = f.weights.agrees.or(f.weights.disagrees.map(|w| -w)).unwrap_or(0.0);
                    let doc = json!({
                        "description": f.doc,
                        "coefficient": coefficient,
                        "url": format!("/algorithms#{}.{}", described.name, f.name),
                        "role": f.role,
                        "weights": f.weights,
                    });
                    (f.name.to_string(), doc)
                })
                .collect();
            json!({
                "name": described.name,
                "id": described.id,
                "description": described.doc,
                "threshold": described.default_threshold,
                "features": features,
                "docs": {
                    "name": described.name,
                    "description": described.doc,
                    // our algorithms take no configuration per request: their parameters are
                    // fixed by version, and listed here so a reader sees every number
                    "config": {},
                    "features": features,
                    "parameters": described.params,
                },
            })
        })
        .collect();
    Json(json!({ "algorithms": algorithms, "default": "best", "best": Scorer::default_scorer().algorithm().name() }))
}

/// The loaded datasets, each with its version and when it was loaded; an ETag over the
/// versions, and 304 for a client that has it.
async fn catalog(State(state): Shared, headers: HeaderMap) -> Result<Response, ApiError> {
    let engine = state.engine.clone();
    let snapshot = blocking(&state, move || Ok(engine.snapshot_all()?)).await?;
    let mut parts: Vec<String> = snapshot.datasets().iter().map(|d| format!("{}:{}", d.name(), d.version())).collect();
    parts.sort();
    let etag = format!("\"{}\"", sha1_smol::Sha1::from(parts.join("\n")).digest());
    let etag_header = HeaderValue::from_str(&etag).map_err(|_| ApiError::internal())?;
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| h.split(',').map(str::trim).any(|t| t == "*" || t == etag));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_header), cache]).into_response());
    }
    let datasets: Vec<Value> = snapshot
        .datasets()
        .iter()
        .map(|d| {
            let meta = d.meta();
            json!({
                "name": d.name(),
                "title": d.name(),
                "license": null,
                "summary": null,
                "description": null,
                "url": null,
                "updated_at": meta.loaded_at,
                "last_export": meta.loaded_at,
                "entity_count": meta.records,
                "thing_count": null,
                "version": d.version(),
                "category": meta.kind,
                "tags": [],
                "publisher": meta.publisher.as_ref().map(|p| json!({ "name": p, "url": null, "official": false, "country_label": null })),
                "coverage": null,
                "resources": [],
                "children": [],
                "deprecated": false,
                "load": true,
                "entities_url": null,
                "delta_url": null,
                "namespace": false,
                "index_version": d.version(),
                "index_current": true,
                "kind": meta.kind,
                "origin": meta.origin,
                "retrieved_at": meta.retrieved_at,
            })
        })
        .collect();
    let current: Vec<&str> = snapshot.datasets().iter().map(|d| d.name()).collect();
    let body = json!({ "datasets": datasets, "current": current, "outdated": [], "index_stale": false });
    Ok(([(header::ETAG, etag_header), cache], Json(body)).into_response())
}

/// The folder of cases, or 404 when the server was started without one.
pub(crate) fn cases_dir(state: &AppState) -> Result<std::path::PathBuf, ApiError> {
    state
        .config
        .cases
        .clone()
        .ok_or_else(|| ApiError::not_found("This server was started without --cases: it serves no cases."))
}

/// `GET /cases`: every case of the folder, verified, one line each.
async fn cases(State(state): Shared) -> Result<Json<Value>, ApiError> {
    let dir = cases_dir(&state)?;
    let engine = state.engine.clone();
    blocking(&state, move || {
        let cases = engine.case_summaries(&dir).map_err(|e| {
            crate::layers::log_line(&format!("error: the folder of cases cannot be read: {e}"));
            ApiError::internal()
        })?;
        Ok(Json(json!({ "cases": cases })))
    })
    .await
}

/// `GET /cases/{case}`: the case's report as `verify --output-format json` writes it.
async fn case_json(State(state): Shared, Path(case): Path<String>) -> Result<Response, ApiError> {
    let report = case_report(&state, case, crosscheck_verify::render::Format::Json).await?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], report).into_response())
}

/// `GET /cases/{case}/report.html`: the case's report as `verify --output-format html` writes it.
async fn case_html(State(state): Shared, Path(case): Path<String>) -> Result<Response, ApiError> {
    let report = case_report(&state, case, crosscheck_verify::render::Format::Html).await?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], report).into_response())
}

async fn case_report(
    state: &AppState,
    case: String,
    format: crosscheck_verify::render::Format,
) -> Result<String, ApiError> {
    let dir = cases_dir(state)?;
    let engine = state.engine.clone();
    blocking(state, move || match engine.verify_case(&dir, &case) {
        Ok(verified) => Ok(crosscheck_verify::render::render(&verified.report, format)),
        Err(crosscheck_engine::cases::CaseError::Lookup(_)) => Err(ApiError::not_found("No such case.")),
        Err(crosscheck_engine::cases::CaseError::Verify(e)) => {
            Err(ApiError::detail(StatusCode::UNPROCESSABLE_ENTITY, format!("The case cannot be verified: {e}")))
        }
    })
    .await
}

/// What one `/match` request asks, its parameters read and checked.
struct MatchRequest {
    scorer: Scorer,
    options: ScreenOptions,
    filter: ScreenFilter,
    datasets: Vec<String>,
    changed_since: Option<String>,
    examples: Vec<Example>,
}

/// `POST /match/{dataset}`: a batch of up to 100 query entities, each screened against the
/// dataset (or every loaded one for `default`) as `crosscheck match` screens it.
async fn match_batch(
    State(state): Shared,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let limit = params.int("limit", DEFAULT_LIMIT, Some(0), Some(MAX_LIMIT))? as usize;
    let threshold_param = params.get("threshold").is_some();
    let threshold = params.float("threshold", 0.0)?;
    let cutoff = params.get("cutoff").map(|_| params.float("cutoff", 0.0)).transpose()?;
    let algorithm = params.get("algorithm").unwrap_or("best").to_string();
    let include = params.list("include_dataset", None)?;
    let exclude = params.list("exclude_dataset", None)?;
    let exclude_schemas = params.list("exclude_schema", None)?;
    let topics = params.list("topics", None)?;
    let changed_since = params.timestamp("changed_since")?;
    let exclude_ids: HashSet<String> = params.list("exclude_entity_ids", Some(MAX_EXCLUDED_IDS))?.into_iter().collect();
    let body = read_body(&state, &headers, body).await?;
    let body = MatchBody::parse(&body)?;

    let engine = state.engine.clone();
    let answer = blocking(&state, move || {
        let loaded = engine.dataset_names()?;
        if dataset != "default" && !loaded.contains(&dataset) {
            return Err(ApiError::not_found("No such dataset."));
        }
        let scorer = algorithm_by_name(&algorithm)?;
        if let Some(key) = body.config.keys().next() {
            return Err(ApiError::bad_request(format!(
                "Invalid configuration parameter: {key} for algorithm {}",
                scorer.algorithm().name()
            )));
        }
        // yente applies a weight to the feature of that name and passes over names its algorithm
        // lacks; ours are fixed by version, so a weight for one of their features is refused
        // (applying it would make scores differ from the command line's) and others pass as in yente
        if let Some(feature) = body.weights.keys().find(|name| scorer.algorithm().feature(name).is_some()) {
            return Err(ApiError::bad_request(format!(
                "Invalid weight: {feature}. The weights of {} are fixed by its version (see /algorithms); \
                 pick another algorithm instead",
                scorer.algorithm().name()
            )));
        }
        if body.examples.len() > MAX_BATCH {
            return Err(ApiError::bad_request(format!("Too many queries in one batch (limit: {MAX_BATCH})")));
        }
        let threshold = if threshold_param { threshold } else { scorer.default_threshold() };
        let in_scope = |name: &String| {
            (dataset == "default" || *name == dataset)
                && (include.is_empty() || include.contains(name))
                && !exclude.contains(name)
        };
        let datasets: Vec<String> = loaded.iter().filter(|n| in_scope(n)).cloned().collect();
        let request = MatchRequest {
            scorer,
            options: ScreenOptions {
                threshold,
                limit,
                candidates: crosscheck_engine::screen::DEFAULT_CANDIDATES.max(limit),
                ..ScreenOptions::new(&scorer)
            },
            filter: ScreenFilter {
                exclude_schemas,
                exclude_ids,
                topics,
                // yente lists what scores above the cutoff, which is never above the threshold
                cutoff: Some(cutoff.unwrap_or(scorer.default_threshold()).min(threshold)),
            },
            datasets,
            changed_since,
            examples: body.examples,
        };
        answer_batch(&engine, request)
    })
    .await?;
    Ok(answer)
}

/// The scorer `name` selects: `best` (the default), or one of ours by name or id.
pub(crate) fn algorithm_by_name(name: &str) -> Result<Scorer, ApiError> {
    let clean = name.trim().to_lowercase();
    if clean == "best" {
        return Ok(Scorer::default_scorer());
    }
    Scorer::by_name(&clean).ok_or_else(|| ApiError::bad_request(format!("Invalid algorithm: {name}")))
}

fn answer_batch(engine: &crosscheck_engine::Engine, request: MatchRequest) -> Result<Response, ApiError> {
    let engine = engine.clone().with_scorer(request.scorer);
    let snapshot = engine.snapshot(&request.datasets)?;
    let snapshot = within_changed_since(snapshot, request.changed_since.as_deref());
    let watchlists: HashSet<String> =
        snapshot.datasets().iter().filter(|d| d.meta().kind == "watchlist").map(|d| d.name().to_string()).collect();
    // every query is read before any is screened: one that cannot be parsed fails the batch
    let mut queries = Vec::with_capacity(request.examples.len());
    for example in request.examples {
        let entity =
            complete(example.entity).map_err(|e| ApiError::bad_request(format!("Cannot parse example entity: {e}")))?;
        let query = Query::new(entity, snapshot.scorer())
            .map_err(|e| ApiError::bad_request(format!("Cannot parse example entity: {e}")))?;
        queries.push((example.name, example.id, query));
    }
    if queries.is_empty() {
        return Err(ApiError::bad_request("No queries provided."));
    }
    let mut responses = BTreeMap::new();
    for (name, id, query) in &queries {
        let screening = snapshot.screen_filtered(query, &request.options, &request.filter)?;
        let results: Vec<ScoredEntityResponse> = screening
            .hits
            .into_iter()
            .map(|hit| {
                let watchlist = watchlists.contains(&*hit.dataset);
                ScoredEntityResponse::new(hit, watchlist)
            })
            .collect();
        let echoed = query.entity();
        let properties: BTreeMap<&str, &Vec<String>> = echoed.properties.iter().map(|(k, v)| (k.as_str(), v)).collect();
        responses.insert(
            name.clone(),
            json!({
                "status": 200,
                "results": results,
                "total": { "value": screening.matches, "relation": "eq" },
                "query": { "id": id, "schema": echoed.schema, "properties": properties },
            }),
        );
    }
    let batch = HeaderValue::from(responses.len());
    let body = json!({ "responses": responses, "limit": request.options.limit });
    Ok(([("x-batch-size", batch)], Json(body)).into_response())
}

/// `changed_since`: a dataset loaded before it has no record changed since (the store keeps no
/// per-record dates, so a dataset loaded after it is screened whole).
pub(crate) fn within_changed_since(snapshot: Snapshot, changed_since: Option<&str>) -> Snapshot {
    match changed_since {
        Some(since) => snapshot.only(|d| d.meta().loaded_at.as_str() >= since),
        None => snapshot,
    }
}

/// The request body, at most `--max-body` bytes (413 above it).
pub(crate) async fn read_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<axum::body::Bytes, ApiError> {
    let max = state.config.max_body;
    let too_large =
        || ApiError::detail(StatusCode::PAYLOAD_TOO_LARGE, format!("The request body is larger than {max} bytes."));
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, max).await.map_err(|_| too_large())
}
