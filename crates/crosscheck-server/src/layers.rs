//! What wraps every route: the URL length cap (414, as yente), CORS (any origin, as yente), a
//! panic turned into 500 `{"status": "error"}` and a log line, and one log line per request.
//!
//! The request log names the route's pattern (`/match/{dataset}`), never the URL: a query
//! string or an entity id may be a name someone asked about, and names never reach the log.

use crate::error::ApiError;
use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::io::Write;
use std::time::Instant;

/// yente's `MAX_URL_LENGTH`: the path and query string together.
pub const MAX_URL_LENGTH: usize = 60_000;

pub fn wrap(router: Router) -> Router {
    router
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
        .layer(tower_http::cors::CorsLayer::very_permissive())
        .layer(axum::middleware::from_fn(url_length))
        .layer(axum::middleware::from_fn(request_log))
}

async fn url_length(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let length = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if length > MAX_URL_LENGTH {
        return ApiError::detail(StatusCode::URI_TOO_LONG, "Request URI too long").into_response();
    }
    next.run(request).await
}

fn on_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    // the panic's message may quote the request: only the fact goes to the log
    log_line("error: a request panicked; answered 500");
    ApiError::internal().into_response()
}

async fn request_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map_or("-", |p| p.as_str()).to_string();
    let response = next.run(request).await;
    log_line(&format!("{method} {route} {} {}ms", response.status().as_u16(), started.elapsed().as_millis()));
    response
}

/// One line on stderr, with the time; a closed stderr stops nothing.
pub fn log_line(line: &str) {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let _ = writeln!(std::io::stderr().lock(), "{now} {line}");
}
