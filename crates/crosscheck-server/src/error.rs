//! Errors as yente answers them: `{"detail": "..."}` with a status code, and FastAPI's
//! validation error (422, `{"detail": [{"type", "loc", "msg", "input"}]}`) for a parameter or a
//! body field of the wrong shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// An error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiError {
    /// `{"detail": detail}` with `status`.
    pub fn detail(status: StatusCode, detail: impl Into<String>) -> ApiError {
        ApiError { status, body: json!({ "detail": detail.into() }) }
    }

    /// 400, yente's answer to a query it cannot use.
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::detail(StatusCode::BAD_REQUEST, detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::detail(StatusCode::NOT_FOUND, detail)
    }

    /// 422 for one field: `loc` is where (`["query", "limit"]`, `["body", "queries", "q1",
    /// "schema"]`), `kind` FastAPI's error type (`missing`, `int_parsing`, ...), `input` what
    /// was given (`Value::Null` when it is absent or must not be echoed).
    pub fn invalid(loc: &[&str], kind: &str, msg: impl Into<String>, input: Value) -> ApiError {
        ApiError::invalid_ctx(loc, kind, msg, input, Value::Null)
    }

    /// [`ApiError::invalid`] with FastAPI's `ctx` (the limit broken: `{"le": 500}`).
    pub fn invalid_ctx(loc: &[&str], kind: &str, msg: impl Into<String>, input: Value, ctx: Value) -> ApiError {
        let mut item = json!({ "type": kind, "loc": loc, "msg": msg.into(), "input": input });
        if !ctx.is_null() {
            item["ctx"] = ctx;
        }
        ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, body: json!({ "detail": [item] }) }
    }

    /// 500 as yente answers an unexpected failure (the cause goes to the log, not the client).
    pub fn internal() -> ApiError {
        ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, body: json!({ "status": "error" }) }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

impl From<crosscheck_engine::EngineError> for ApiError {
    fn from(e: crosscheck_engine::EngineError) -> ApiError {
        match e {
            crosscheck_engine::EngineError::NoSuchDataset { .. } => ApiError::not_found("No such dataset."),
            e => {
                crate::layers::log_line(&format!("error: {e}"));
                ApiError::internal()
            }
        }
    }
}
