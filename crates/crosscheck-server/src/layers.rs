//! What wraps every route: the URL length cap (414, as yente), W3C trace context (as yente),
//! CORS (any origin, as yente),
//! access tokens (401, 403), a panic turned into 500 `{"status": "error"}` and a log line, and
//! one log line per request with the token's name.
//!
//! The request log names the route's pattern (`/match/{dataset}`), never the URL: a query
//! string or an entity id may be a name someone asked about, and names never reach the log.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use crosscheck_engine::{Role, TokenInfo};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// yente's `MAX_URL_LENGTH`: the path and query string together.
pub const MAX_URL_LENGTH: usize = 60_000;

pub fn wrap(router: Router, state: Arc<AppState>) -> Router {
    router
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
        .layer(axum::middleware::from_fn_with_state(state, access))
        .layer(tower_http::cors::CorsLayer::very_permissive())
        .layer(axum::middleware::from_fn(url_length))
        .layer(axum::middleware::from_fn(trace_context))
        .layer(axum::middleware::from_fn(request_log))
}

/// W3C trace context as yente propagates it: the answer carries a `traceparent` with the
/// caller's trace id, version and flags and a new span id of ours, and a `tracestate` with our
/// entry (`yente=<span id>`, the vendor key yente's clients look for) first, then the caller's
/// entries (lower-cased, any earlier `yente` entry and any malformed one left out). Without a
/// usable `traceparent` (absent, version `ff`, an id of zeros or not hex of the right length)
/// a new trace is started, flags `00`.
async fn trace_context(request: Request, next: Next) -> Response {
    let (traceparent, tracestate) = {
        let header = |name: &str| request.headers().get(name).and_then(|h| h.to_str().ok());
        trace_headers(header("traceparent"), header("tracestate"))
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(value) = axum::http::HeaderValue::from_str(&traceparent) {
        headers.insert("traceparent", value);
    }
    if let Ok(value) = axum::http::HeaderValue::from_str(&tracestate) {
        headers.insert("tracestate", value);
    }
    response
}

/// The `traceparent` and `tracestate` of the answer to a request that came with these.
fn trace_headers(parent: Option<&str>, state: Option<&str>) -> (String, String) {
    let span = random_hex(8);
    let traceparent = match parent.and_then(parse_traceparent) {
        Some((version, trace, flags)) => format!("{version}-{trace}-{span}-{flags}"),
        None => format!("00-{}-{span}-00", random_hex(16)),
    };
    let mut entries = vec![format!("yente={span}")];
    for entry in state.unwrap_or("").split(',') {
        let parts: Vec<&str> = entry.split('=').collect();
        if let [vendor, value] = parts.as_slice() {
            let (vendor, value) = (vendor.trim().to_lowercase(), value.trim().to_lowercase());
            // only what is safe to echo in a header
            let safe = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b',' && b != b'=');
            if vendor != "yente" && safe(&vendor) && safe(&value) {
                entries.push(format!("{vendor}={value}"));
            }
        }
    }
    (traceparent, entries.join(","))
}

/// The version, trace id and flags of a usable `traceparent` header.
fn parse_traceparent(header: &str) -> Option<(String, String, String)> {
    let mut parts = header.trim().split('-');
    let (version, trace, parent, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    let zeros = |s: &str| s.bytes().all(|b| b == b'0');
    if !hex(version, 2) || version.eq_ignore_ascii_case("ff") || !hex(trace, 32) || zeros(trace) {
        return None;
    }
    if !hex(parent, 16) || zeros(parent) || !hex(flags, 2) {
        return None;
    }
    Some((version.to_lowercase(), trace.to_lowercase(), flags.to_lowercase()))
}

/// `bytes` random bytes as lower-case hex (a clock-derived value if the system has no
/// randomness to give, which only weakens the uniqueness of a span id).
fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::fill(&mut buf).is_err() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos());
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (nanos >> ((i % 16) * 8)) as u8 | 1;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
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

/// The name of the token a request came with, for the log (the review page adds its signed-in
/// holder's to its answers).
#[derive(Debug, Clone)]
pub(crate) struct TokenName(pub(crate) String);

/// Routes anyone may call: health checks for the machines that watch the server.
const OPEN_ROUTES: [&str; 2] = ["/healthz", "/readyz"];

/// `/`, which redirects to the review page, and the page's own routes.
fn is_page(route: &str) -> bool {
    route == "/" || route == "/ui" || route.starts_with("/ui/")
}

/// The role a route needs: every route served today reads (the matching API).
fn needed_role(_route: &str) -> Role {
    Role::Reader
}

/// Whether tokens are in force, and the holder of the one presented.
enum Access {
    /// No token is in force.
    Open,
    /// Tokens are in force and none valid was presented.
    Refused,
    Holder(TokenInfo),
}

/// Once any token exists, every route but the health checks needs one (`Authorization: ApiKey
/// <token>`, `Authorization: Bearer <token>` or `?api_key=<token>`): 401 without a valid one,
/// 403 when its role does not allow the route. Without tokens only a loopback server answers.
async fn access(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("", |p| p.as_str()).to_string();
    // the review page checks its own sessions (`ui/session.rs`): a browser signs in once
    if OPEN_ROUTES.contains(&route.as_str()) || is_page(&route) || request.method() == axum::http::Method::OPTIONS {
        return next.run(request).await;
    }
    let desk = state.desk.clone();
    let given = presented_token(&request);
    let checked = tokio::task::spawn_blocking(move || -> Result<Access, crosscheck_engine::AuditError> {
        if !desk.has_tokens()? {
            return Ok(Access::Open);
        }
        let holder = match given {
            Some(token) => desk.authenticate(&token)?,
            None => None,
        };
        Ok(holder.map_or(Access::Refused, Access::Holder))
    })
    .await;
    let unauthorized = |detail: &str| {
        let mut response = ApiError::detail(StatusCode::UNAUTHORIZED, detail).into_response();
        response.headers_mut().insert("www-authenticate", axum::http::HeaderValue::from_static("ApiKey"));
        response
    };
    match checked {
        Ok(Ok(Access::Open)) if state.loopback => next.run(request).await,
        Ok(Ok(Access::Open)) => unauthorized("This server has no access tokens: add one with `crosscheck token add`."),
        Ok(Ok(Access::Refused)) => unauthorized(
            "A valid access token is needed: send `Authorization: ApiKey <token>` (or `Bearer <token>`, or `?api_key=<token>`).",
        ),
        Ok(Ok(Access::Holder(holder))) => {
            let needed = needed_role(&route);
            let mut response = if holder.role.allows(needed) {
                // routes that need more than reading check the holder's role themselves
                request.extensions_mut().insert(holder.clone());
                next.run(request).await
            } else {
                let detail =
                    format!("The token `{}` is a {} token; this needs {}.", holder.name, holder.role.as_str(), needed.as_str());
                ApiError::detail(StatusCode::FORBIDDEN, detail).into_response()
            };
            response.extensions_mut().insert(TokenName(holder.name));
            response
        }
        Ok(Err(e)) => {
            log_line(&format!("error: the desk's tokens cannot be read: {e}"));
            ApiError::internal().into_response()
        }
        Err(_) => ApiError::internal().into_response(),
    }
}

/// The token of `request`: the `Authorization` header (`ApiKey` or `Bearer`), else `api_key`.
fn presented_token(request: &Request) -> Option<String> {
    if let Some(header) = request.headers().get(axum::http::header::AUTHORIZATION).and_then(|h| h.to_str().ok()) {
        let (scheme, token) = header.trim().split_once(' ')?;
        return (scheme.eq_ignore_ascii_case("apikey") || scheme.eq_ignore_ascii_case("bearer"))
            .then(|| token.trim().to_string());
    }
    crate::params::Params::parse(request.uri().query()).get("api_key").map(str::to_string)
}

async fn request_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map_or("-", |p| p.as_str()).to_string();
    let response = next.run(request).await;
    let token = response.extensions().get::<TokenName>().map_or("-", |t| t.0.as_str());
    log_line(&format!("{method} {route} {} {}ms {token}", response.status().as_u16(), started.elapsed().as_millis()));
    response
}

/// One line on stderr, with the time; a closed stderr stops nothing.
pub fn log_line(line: &str) {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let _ = writeln!(std::io::stderr().lock(), "{now} {line}");
}
