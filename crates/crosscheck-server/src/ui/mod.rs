//! The review page (`/ui/`, PRODUCT.md "The team server", issue 17): screening, the cases and
//! a case's review with decisions, the cross-reference judgements, and the desk's log.
//!
//! Server-rendered with minijinja (templates in `templates/`, embedded in the binary; HTML
//! escaped by the template engine, never by hand), one stylesheet and one script served from
//! here (`static/`), and a Content-Security-Policy of `default-src 'self'` on every answer: no
//! inline script, no asset from anywhere else. Every page reads without JavaScript; the script
//! only adds the keyboard judgements (x / n / u).
//!
//! Each handler is an adapter like the JSON routes: it reads the form, calls the same engine
//! function the JSON route calls (`Engine::decide`, `verify_case`, `judge`, `audit`, a snapshot's
//! `screen_filtered`), and renders. Who may do what is checked here (`session.rs`): the access
//! layer lets `/ui/*` through, since a browser signs in once with a token into a session cookie
//! instead of sending the token with every request.

mod pages;
mod session;
#[cfg(test)]
mod tests;

use crate::AppState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use minijinja::Environment;
use std::sync::Arc;

pub(crate) use session::Viewer;

/// What the page's handlers share beyond the server's state: the templates and the sessions.
pub(crate) struct Ui {
    templates: Environment<'static>,
    sessions: session::Sessions,
}

/// Every template, by name (autoescape follows the `.html` ending: on for all of them).
const TEMPLATES: [(&str, &str); 10] = [
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("sign_in.html", include_str!("../../templates/sign_in.html")),
    ("screening.html", include_str!("../../templates/screening.html")),
    ("entity.html", include_str!("../../templates/entity.html")),
    ("cases.html", include_str!("../../templates/cases.html")),
    ("case.html", include_str!("../../templates/case.html")),
    ("xref.html", include_str!("../../templates/xref.html")),
    ("audit.html", include_str!("../../templates/audit.html")),
    ("error.html", include_str!("../../templates/error.html")),
];

const CSS: &str = include_str!("../../static/ui.css");
const JS: &str = include_str!("../../static/ui.js");
const ICON: &str = include_str!("../../static/icon.svg");

/// The page's policy: nothing from another origin, no inline script or style, no framing.
const CSP: &str = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

impl Ui {
    fn new() -> Ui {
        let mut templates = Environment::new();
        templates.add_filter("path", |segment: String| path_segment(&segment));
        for (name, source) in TEMPLATES {
            // the templates are part of the build: one that does not parse fails the tests
            if let Err(e) = templates.add_template(name, source) {
                crate::layers::log_line(&format!("error: the page's template {name} does not parse: {e}"));
            }
        }
        Ui { templates, sessions: session::Sessions::new() }
    }

    /// `template` rendered for `viewer` with `status`, `context` merged with what every page
    /// shows (who is signed in, their role, the form token).
    fn render(&self, status: StatusCode, template: &str, viewer: &Viewer, context: minijinja::Value) -> Response {
        let full = minijinja::context! { viewer => viewer, ..context };
        match self.templates.get_template(template).and_then(|t| t.render(full)) {
            Ok(html) => viewer.named((status, Html(html)).into_response()),
            Err(e) => {
                crate::layers::log_line(&format!("error: the page {template} cannot be rendered: {e:#}"));
                (StatusCode::INTERNAL_SERVER_ERROR, Html("<!doctype html><title>Error</title><p>The page failed.</p>"))
                    .into_response()
            }
        }
    }

    /// A page saying what went wrong, with `status`.
    fn error(&self, status: StatusCode, viewer: &Viewer, message: &str) -> Response {
        let context = minijinja::context! { title => status.canonical_reason().unwrap_or("Error"), message };
        self.render(status, "error.html", viewer, context)
    }
}

pub(crate) fn routes() -> Router<Arc<AppState>> {
    let ui = Arc::new(Ui::new());
    Router::new()
        .route("/ui", get(|| async { see_other("/ui/") }))
        .route("/ui/", get(pages::screening))
        .route("/ui/entities/{entity_id}", get(pages::entity))
        .route("/ui/cases", get(pages::cases))
        .route("/ui/cases/{case}", get(pages::case))
        .route("/ui/cases/{case}/decisions", post(pages::decide))
        .route("/ui/xref", get(pages::xref))
        .route("/ui/xref/judgements", post(pages::judge))
        .route("/ui/audit", get(pages::audit))
        .route("/ui/sign-in", get(session::sign_in_page).post(session::sign_in))
        .route("/ui/sign-out", post(session::sign_out))
        .route("/ui/static/ui.css", get(|| async { asset("text/css; charset=utf-8", CSS) }))
        .route("/ui/static/ui.js", get(|| async { asset("text/javascript; charset=utf-8", JS) }))
        .route("/ui/static/icon.svg", get(|| async { asset("image/svg+xml", ICON) }))
        .layer(Extension(ui))
        .layer(axum::middleware::from_fn(same_origin))
        .layer(axum::middleware::map_response(page_headers))
}

/// 303 to `location` (after a form, and from `/` and `/ui`).
pub(crate) fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
    ];
    (headers, body).into_response()
}

/// What every answer of the page carries: the policy above, no sniffing, no referrer to
/// elsewhere, and pages (not the assets) never cached, since they show who decided what.
async fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Refuses (403) a request that another site's script sends: its `Origin` is not this server.
/// The API's CORS answers any origin (as yente does); the page must not, or a page elsewhere
/// could read a form token from a desk running without tokens. Links and forms of the page
/// itself send no `Origin` or this server's.
async fn same_origin(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let headers = request.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let from = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, rest)| rest);
        if from.is_none() || from != host {
            return (StatusCode::FORBIDDEN, "The review page answers only its own pages.").into_response();
        }
    }
    next.run(request).await
}

/// `segment` percent-encoded for a path (a case name or an id in a link or redirect).
pub(crate) fn path_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
