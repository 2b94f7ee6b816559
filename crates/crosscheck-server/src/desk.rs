//! The desk's routes (PRODUCT.md, "Cases and decisions", "Decisions and the audit trail"):
//! `POST /cases/{case}/decisions` and `GET /cases/{case}/decisions`, `POST /judgements` and `GET
//! /judgements`, `GET /audit?case=CASE`. Each reads its body as FastAPI reads a model (422 in
//! its words for JSON that does not parse or a field of the wrong type), checks the role
//! (recording and the log need a reviewer; a loopback server without tokens lets anyone, as it
//! does for every route), and calls the engine, which checks the request against the case or
//! the loaded datasets (422 `{"detail"}` naming the field) and writes the entry durably before
//! the 201.

use crate::error::ApiError;
use crate::params::Params;
use crate::routes::{blocking, cases_dir, read_body, Shared};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use crosscheck_engine::desk::{DecisionRequest, DeskError, JudgementRequest};
use crosscheck_engine::{Engine, RecordRef, Role, TokenInfo};
use crosscheck_verify::Judgement;
use serde_json::{json, Map, Value};
use std::sync::Arc;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cases/{case}/decisions", get(list_decisions).post(decide))
        .route("/judgements", get(list_judgements).post(judge))
        .route("/audit", get(audit))
}

/// The engine acting as the token's holder, once the holder may do what `needed` allows. No
/// holder: the server runs without tokens (loopback only), and acts as the user who started it.
fn engine_for(state: &AppState, holder: Option<&TokenInfo>, needed: Role) -> Result<Engine, ApiError> {
    match holder {
        None => Ok(state.engine.clone()),
        Some(h) if h.role.allows(needed) => Ok(state.engine.clone().acting_as(&h.name)),
        Some(h) => Err(ApiError::detail(
            StatusCode::FORBIDDEN,
            format!("The token `{}` is a {} token; this needs {}.", h.name, h.role.as_str(), needed.as_str()),
        )),
    }
}

fn desk_error(e: DeskError) -> ApiError {
    match e {
        DeskError::Lookup(_) => ApiError::not_found("No such case."),
        DeskError::Misfit(m) => ApiError::detail(StatusCode::UNPROCESSABLE_ENTITY, m.to_string()),
        DeskError::Verify(e) => {
            ApiError::detail(StatusCode::UNPROCESSABLE_ENTITY, format!("The case cannot be verified: {e}"))
        }
        DeskError::Engine(e) => e.into(),
    }
}

type Holder = Option<Extension<TokenInfo>>;

/// `POST /cases/{case}/decisions`: records a decision (reviewer); 201 with the stored decision.
async fn decide(
    State(state): Shared,
    holder: Holder,
    Path(case): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let engine = engine_for(&state, holder.as_deref(), Role::Reviewer)?;
    let body = read_body(&state, &headers, body).await?;
    let fields = body_object(&body)?;
    let request = DecisionRequest {
        target: required_text(&fields, &["body", "target"])?,
        person: optional_text(&fields, &["body", "person"])?,
        judgement: judgement(&fields, &Judgement::ALL)?,
        reason: optional_text(&fields, &["body", "reason"])?,
    };
    let dir = cases_dir(&state)?;
    let stored = blocking(&state, move || engine.decide(&dir, &case, request).map_err(desk_error)).await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

/// `GET /cases/{case}/decisions`: every decision on the case, oldest first, with
/// `in_effect` and `superseded_by`.
async fn list_decisions(
    State(state): Shared,
    holder: Holder,
    Path(case): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let engine = engine_for(&state, holder.as_deref(), Role::Reader)?;
    let dir = cases_dir(&state)?;
    let listed = blocking(&state, move || engine.decisions(&dir, &case).map_err(desk_error)).await?;
    Ok(Json(json!({ "decisions": listed })))
}

/// `POST /judgements`: records a judgement on two loaded records (reviewer); 201.
async fn judge(State(state): Shared, holder: Holder, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let engine = engine_for(&state, holder.as_deref(), Role::Reviewer)?;
    let body = read_body(&state, &headers, body).await?;
    let fields = body_object(&body)?;
    let request = JudgementRequest {
        left: record_ref(&fields, "left")?,
        right: record_ref(&fields, "right")?,
        judgement: judgement(&fields, &[Judgement::Same, Judgement::Different, Judgement::Unsure])?,
        reason: optional_text(&fields, &["body", "reason"])?,
    };
    let stored = blocking(&state, move || engine.judge(request).map_err(desk_error)).await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

/// `GET /judgements`: every judgement, oldest first, with `in_effect` and `superseded_by`.
async fn list_judgements(State(state): Shared, holder: Holder) -> Result<Json<Value>, ApiError> {
    let engine = engine_for(&state, holder.as_deref(), Role::Reader)?;
    let listed = blocking(&state, move || Ok(engine.judgements()?)).await?;
    Ok(Json(json!({ "judgements": listed })))
}

/// `GET /audit?case=CASE` (reviewer): the desk's log, the entries `crosscheck audit --case CASE
/// --output-format json` writes, as `{"entries": [...]}`; the whole log without `case`.
async fn audit(State(state): Shared, holder: Holder, RawQuery(raw): RawQuery) -> Result<Json<Value>, ApiError> {
    let engine = engine_for(&state, holder.as_deref(), Role::Reviewer)?;
    let case = Params::parse(raw.as_deref()).get("case").map(str::to_string);
    let entries = blocking(&state, move || Ok(engine.audit(case.as_deref())?)).await?;
    Ok(Json(json!({ "entries": entries })))
}

/// The body as a JSON object, or FastAPI's 422.
fn body_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid_ctx(
            &["body"],
            "json_invalid",
            "JSON decode error",
            json!({}),
            json!({ "error": e.to_string() }),
        )
    })?;
    match value {
        Value::Object(fields) => Ok(fields),
        other => Err(not_an_object(&["body"], other)),
    }
}

fn not_an_object(loc: &[&str], input: Value) -> ApiError {
    ApiError::invalid(
        loc,
        "model_attributes_type",
        "Input should be a valid dictionary or object to extract fields from",
        input,
    )
}

fn not_text(loc: &[&str], input: Value) -> ApiError {
    ApiError::invalid(loc, "string_type", "Input should be a valid string", input)
}

fn missing(loc: &[&str], fields: &Map<String, Value>) -> ApiError {
    ApiError::invalid(loc, "missing", "Field required", Value::Object(fields.clone()))
}

fn field<'a>(loc: &[&'a str]) -> &'a str {
    loc.last().copied().unwrap_or_default()
}

fn required_text(fields: &Map<String, Value>, loc: &[&str]) -> Result<String, ApiError> {
    match fields.get(field(loc)) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(not_text(loc, other.clone())),
        None => Err(missing(loc, fields)),
    }
}

fn optional_text(fields: &Map<String, Value>, loc: &[&str]) -> Result<Option<String>, ApiError> {
    match fields.get(field(loc)) {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        None | Some(Value::Null) => Ok(None),
        Some(other) => Err(not_text(loc, other.clone())),
    }
}

/// `judgement`, one of `allowed` (FastAPI's enum error otherwise).
fn judgement(fields: &Map<String, Value>, allowed: &[Judgement]) -> Result<Judgement, ApiError> {
    let loc = ["body", "judgement"];
    let given = match fields.get("judgement") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(not_text(&loc, other.clone())),
        None => return Err(missing(&loc, fields)),
    };
    match Judgement::parse(&given).filter(|j| allowed.contains(j)) {
        Some(j) => Ok(j),
        None => {
            let words: Vec<String> = allowed.iter().map(|j| format!("'{}'", j.as_str())).collect();
            let expected = match words.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            Err(ApiError::invalid_ctx(
                &loc,
                "enum",
                format!("Input should be {expected}"),
                Value::String(given),
                json!({ "expected": expected }),
            ))
        }
    }
}

/// `left` or `right`: `{"dataset", "id"}`.
fn record_ref(fields: &Map<String, Value>, side: &'static str) -> Result<RecordRef, ApiError> {
    let inner = match fields.get(side) {
        Some(Value::Object(inner)) => inner,
        Some(other) => return Err(not_an_object(&["body", side], other.clone())),
        None => return Err(missing(&["body", side], fields)),
    };
    Ok(RecordRef {
        dataset: required_text(inner, &["body", side, "dataset"])?,
        id: required_text(inner, &["body", side, "id"])?,
    })
}

#[cfg(test)]
#[path = "desk_tests.rs"]
mod tests;
