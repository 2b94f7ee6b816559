//! Who is looking at the page, and what they may do.
//!
//! With tokens in force, a person signs in once with their token (`/ui/sign-in`): the server
//! keeps a session in memory under a random id and gives the browser only that id, in a cookie
//! `HttpOnly; SameSite=Strict; Path=/ui`. Each request checks the session's token again, so a
//! token revoked with `crosscheck token revoke` ends its sessions at the next click. Without
//! tokens (a loopback server only) everyone at this computer may do everything, as the JSON
//! routes allow.
//!
//! Every form that changes something carries a token against cross-site request forgery: the
//! session's own, or without sessions one random per server start (so a page of another site
//! cannot post to a desk running on a reporter's laptop). It is compared in constant time; a
//! POST without the right one is 403.

use super::{see_other, Ui};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use crosscheck_engine::{Engine, Role};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

const COOKIE: &str = "crosscheck_session";
/// How long a session lasts without a new sign-in.
const LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// The most sessions kept at once (the oldest goes first).
const MAX_SESSIONS: usize = 10_000;

/// One signed-in browser.
struct Session {
    /// The token it signed in with, checked again on each request (never leaves the server).
    token: String,
    csrf: String,
    started: Instant,
}

/// The sessions of this server (in memory: a restart signs everyone out).
pub(crate) struct Sessions {
    by_id: Mutex<HashMap<String, Session>>,
    /// The form token while no token is in force (and of the sign-in form).
    server_csrf: String,
}

impl Sessions {
    pub(crate) fn new() -> Sessions {
        // no randomness at all is a broken machine: a token nobody can guess is still needed
        let server_csrf = random_token().unwrap_or_else(|| "unavailable".into());
        Sessions { by_id: Mutex::new(HashMap::new()), server_csrf }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.by_id.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn token_of(&self, id: &str) -> Option<(String, String)> {
        let mut sessions = self.lock();
        match sessions.get(id) {
            Some(s) if s.started.elapsed() < LIFETIME => Some((s.token.clone(), s.csrf.clone())),
            Some(_) => {
                sessions.remove(id);
                None
            }
            None => None,
        }
    }

    fn start(&self, token: String) -> Option<String> {
        let (id, csrf) = (random_token()?, random_token()?);
        let mut sessions = self.lock();
        sessions.retain(|_, s| s.started.elapsed() < LIFETIME);
        if sessions.len() >= MAX_SESSIONS {
            if let Some(oldest) = sessions.iter().min_by_key(|(_, s)| s.started).map(|(k, _)| k.clone()) {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(id.clone(), Session { token, csrf, started: Instant::now() });
        Some(id)
    }

    fn end(&self, id: &str) {
        self.lock().remove(id);
    }
}

/// 32 random bytes as hex, or `None` when the system has no randomness to give.
fn random_token() -> Option<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).ok()?;
    Some(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Who is looking, as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Viewer {
    /// The token's name; `None` without tokens.
    pub name: Option<String>,
    pub role: &'static str,
    /// May record decisions and judgements, and read the log.
    pub can_decide: bool,
    /// The form token of every form on the page.
    pub csrf: String,
    /// Whether tokens are in force (then there is a sign-out button).
    pub signed_in: bool,
    #[serde(skip)]
    role_value: Role,
}

impl Viewer {
    fn new(name: Option<String>, role: Role, csrf: String) -> Viewer {
        Viewer {
            signed_in: name.is_some(),
            name,
            role: role.as_str(),
            can_decide: role.allows(Role::Reviewer),
            csrf,
            role_value: role,
        }
    }

    /// Someone not signed in, on the sign-in page.
    fn anonymous(csrf: String) -> Viewer {
        Viewer { name: None, role: "", can_decide: false, csrf, signed_in: false, role_value: Role::Reader }
    }

    /// `response`, with this person's token name for the request's log line.
    pub(crate) fn named(&self, mut response: Response) -> Response {
        if let Some(name) = &self.name {
            response.extensions_mut().insert(crate::layers::TokenName(name.clone()));
        }
        response
    }

    pub(crate) fn allows(&self, needed: Role) -> bool {
        self.role_value.allows(needed)
    }

    /// The engine acting as this person (their token's name in the log).
    pub(crate) fn engine(&self, state: &AppState) -> Engine {
        match &self.name {
            Some(name) => state.engine.clone().acting_as(name),
            None => state.engine.clone(),
        }
    }

    /// Whether `given` is this page's form token (constant time).
    pub(crate) fn csrf_matches(&self, given: Option<&str>) -> bool {
        given.is_some_and(|g| bool::from(g.as_bytes().ct_eq(self.csrf.as_bytes())))
    }
}

/// What the desk says about a request's session.
enum Checked {
    Open,
    Holder(crosscheck_engine::TokenInfo, String),
    NoSession,
}

/// Who is asking: a signed-in holder, everyone (no tokens, loopback), or a redirect to the
/// sign-in page.
pub(crate) async fn viewer(state: &Arc<AppState>, ui: &Arc<Ui>, headers: &HeaderMap) -> Result<Viewer, Response> {
    let session = session_id(headers);
    let found = session.as_deref().and_then(|id| ui.sessions.token_of(id));
    let desk = state.desk.clone();
    let checked = tokio::task::spawn_blocking(move || -> Result<Checked, crosscheck_engine::AuditError> {
        if !desk.has_tokens()? {
            return Ok(Checked::Open);
        }
        Ok(match found {
            Some((token, csrf)) => desk.authenticate(&token)?.map_or(Checked::NoSession, |h| Checked::Holder(h, csrf)),
            None => Checked::NoSession,
        })
    })
    .await;
    match checked {
        Ok(Ok(Checked::Open)) if state.loopback => Ok(Viewer::new(None, Role::Admin, ui.sessions.server_csrf.clone())),
        Ok(Ok(Checked::Open)) => {
            let viewer = Viewer::anonymous(String::new());
            Err(ui.error(
                StatusCode::UNAUTHORIZED,
                &viewer,
                "This server has no access tokens: add one with `crosscheck token add`.",
            ))
        }
        Ok(Ok(Checked::Holder(holder, csrf))) => Ok(Viewer::new(Some(holder.name), holder.role, csrf)),
        Ok(Ok(Checked::NoSession)) => {
            if let Some(id) = session {
                ui.sessions.end(&id); // a revoked token's session ends here
            }
            Err(see_other("/ui/sign-in"))
        }
        Ok(Err(e)) => {
            crate::layers::log_line(&format!("error: the desk's tokens cannot be read: {e}"));
            Err(ui.error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &Viewer::anonymous(String::new()),
                "The desk cannot be read.",
            ))
        }
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

/// The session id the browser sent.
fn session_id(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|h| h.to_str().ok()).flat_map(|h| h.split(';')).find_map(|c| {
        let (name, value) = c.trim().split_once('=')?;
        (name == COOKIE && !value.is_empty()).then(|| value.to_string())
    })
}

/// A form's fields (`application/x-www-form-urlencoded`); a repeated field keeps its first value.
pub(crate) fn form(body: &Bytes) -> HashMap<String, String> {
    let mut fields = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        fields.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    fields
}

/// `GET /ui/sign-in`: the form (straight to the page when no token is in force).
pub(crate) async fn sign_in_page(State(state): State<Arc<AppState>>, Extension(ui): Extension<Arc<Ui>>) -> Response {
    let desk = state.desk.clone();
    let has_tokens = tokio::task::spawn_blocking(move || desk.has_tokens()).await;
    if matches!(has_tokens, Ok(Ok(false))) {
        return see_other("/ui/");
    }
    let viewer = Viewer::anonymous(ui.sessions.server_csrf.clone());
    ui.render(StatusCode::OK, "sign_in.html", &viewer, minijinja::context! {})
}

/// `POST /ui/sign-in`: a valid token starts a session; anything else shows the form again.
pub(crate) async fn sign_in(
    State(state): State<Arc<AppState>>,
    Extension(ui): Extension<Arc<Ui>>,
    body: Bytes,
) -> Response {
    let fields = form(&body);
    let viewer = Viewer::anonymous(ui.sessions.server_csrf.clone());
    if !viewer.csrf_matches(fields.get("csrf").map(String::as_str)) {
        return ui.error(
            StatusCode::FORBIDDEN,
            &viewer,
            "This form has expired or did not come from this page: reload it and try again.",
        );
    }
    let token = fields.get("token").map(|t| t.trim().to_string()).unwrap_or_default();
    let desk = state.desk.clone();
    let given = token.clone();
    let holder = tokio::task::spawn_blocking(move || desk.authenticate(&given)).await;
    match holder {
        Ok(Ok(Some(_))) if !token.is_empty() => match ui.sessions.start(token) {
            Some(id) => {
                let cookie = format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/ui");
                let mut response = see_other("/ui/");
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().insert(header::SET_COOKIE, value);
                }
                response
            }
            None => ui.error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &viewer,
                "No session can be started: the system gives no randomness.",
            ),
        },
        Ok(Ok(_)) => {
            let context = minijinja::context! { problem => "That token is not valid (mistyped, or revoked). Ask whoever runs the desk for yours." };
            ui.render(StatusCode::UNAUTHORIZED, "sign_in.html", &viewer, context)
        }
        _ => ui.error(StatusCode::INTERNAL_SERVER_ERROR, &viewer, "The desk's tokens cannot be read."),
    }
}

/// `POST /ui/sign-out`: ends the session.
pub(crate) async fn sign_out(
    State(state): State<Arc<AppState>>,
    Extension(ui): Extension<Arc<Ui>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let viewer = match viewer(&state, &ui, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    if !viewer.csrf_matches(form(&body).get("csrf").map(String::as_str)) {
        return ui.error(
            StatusCode::FORBIDDEN,
            &viewer,
            "This form has expired or did not come from this page: reload it and try again.",
        );
    }
    if let Some(id) = session_id(&headers) {
        ui.sessions.end(&id);
    }
    let mut response = see_other("/ui/sign-in");
    let gone = HeaderValue::from_static("crosscheck_session=; HttpOnly; SameSite=Strict; Path=/ui; Max-Age=0");
    response.headers_mut().insert(header::SET_COOKIE, gone);
    response
}
