//! The team server (`crosscheck serve`): yente's matching API over the engine's store
//! snapshots, on one laptop, with no other service.
//!
//! This is the only crate that knows HTTP. Every route is a thin adapter: it reads the request
//! (`params` for query strings, `yente` for bodies and answers), calls `crosscheck-engine`, and
//! writes yente's shapes. Scoring runs on Tokio's blocking pool behind a semaphore sized to the
//! cores, never on the runtime's own threads, and each request has a time limit.
//!
//! Each request takes the newest published version of the datasets it reads when it starts
//! ([`crosscheck_engine::Engine::snapshot`]) and keeps it to the end: a `crosscheck load` while
//! the server runs is served to every request that starts after the publish, and no request
//! mixes two versions.
//!
//! Routes (yente 5.5, `../shared/contracts/yente-5.5.0-openapi.json`): `POST /match/{dataset}`,
//! `GET /entities/{entity_id}`, `GET /catalog`, `GET /algorithms`, `GET /healthz`,
//! `GET /readyz`; with `--cases DIR`, `GET /cases`, `GET /cases/{case}` (the JSON report) and
//! `GET /cases/{case}/report.html`; the desk's `POST`/`GET /cases/{case}/decisions`, `POST`/`GET
//! /judgements` and `GET /audit` (`desk.rs`). Every error is `{"detail": "..."}` with yente's status code; a URL longer than
//! 60,000 bytes is 414, a body over `--max-body` 413, a panic 500 `{"status": "error"}` (and a log
//! line). One log line per request on stderr: time, method, route, status, milliseconds; never a
//! query's names or properties.

mod desk;
mod entities;
#[cfg(test)]
mod entities_tests;
mod error;
mod layers;
mod params;
mod reconcile;
mod routes;
mod search;
#[cfg(test)]
mod test_support;
mod ui;
mod yente;

pub use error::ApiError;

use crosscheck_engine::Engine;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How the server is run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free port (the log line names it).
    pub bind: SocketAddr,
    /// Largest request body accepted (413 above it).
    pub max_body: usize,
    /// Longest a request may take before it is answered 503.
    pub time_limit: Duration,
    /// Requests scored at once (the rest wait): the cores, by default.
    pub workers: usize,
    /// The folder of case folders (`--cases`), each a `case.yaml` with its files.
    pub cases: Option<std::path::PathBuf>,
}

impl Config {
    /// The defaults of PRODUCT.md: `127.0.0.1:8000`, 10 MB bodies, 30 s, one worker per core.
    pub fn new() -> Config {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            max_body: DEFAULT_MAX_BODY,
            time_limit: Duration::from_secs(30),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            cases: None,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

/// 10 MB, as PRODUCT.md says.
pub const DEFAULT_MAX_BODY: usize = 10_000_000;

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "`{0}` is not a loopback address, and no access token exists: anyone who can reach the address \
         could read every dataset"
    )]
    OpenWithoutTokens(SocketAddr),
    #[error("cannot listen on `{addr}`: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error("{0}")]
    Desk(String),
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

impl StartError {
    /// What the person starting the server can do.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            StartError::OpenWithoutTokens(_) => Some(
                "add a token first (`crosscheck token add NAME --role reader`, then give it to who needs it), \
                 or bind to 127.0.0.1 (the default)",
            ),
            StartError::Bind { .. } => Some("pick another port with `--bind 127.0.0.1:PORT`"),
            StartError::Io(_) | StartError::Desk(_) => None,
        }
    }
}

/// What every request shares.
pub(crate) struct AppState {
    pub engine: Engine,
    /// The desk's tokens (and, next, its decisions).
    pub desk: Arc<crosscheck_engine::Desk>,
    /// Whether the server listens on a loopback address only (then it may answer without tokens).
    pub loopback: bool,
    pub config: Config,
    /// One permit per request being scored.
    pub workers: Arc<tokio::sync::Semaphore>,
}

/// The application: every route and layer, over `engine`.
pub fn app(engine: Engine, config: Config) -> Result<axum::Router, StartError> {
    let desk = engine.desk().map_err(|e| StartError::Desk(e.to_string()))?;
    let state = Arc::new(AppState {
        workers: Arc::new(tokio::sync::Semaphore::new(config.workers.max(1))),
        loopback: config.bind.ip().is_loopback(),
        desk,
        engine,
        config,
    });
    Ok(layers::wrap(routes::router(state.clone()), state))
}

/// Checks that `config` may be served: an address other than loopback needs access tokens.
pub fn check(config: &Config, engine: &Engine) -> Result<(), StartError> {
    let desk = engine.desk().map_err(|e| StartError::Desk(e.to_string()))?;
    let has_tokens = desk.has_tokens().map_err(|e| StartError::Desk(e.to_string()))?;
    if !config.bind.ip().is_loopback() && !has_tokens {
        return Err(StartError::OpenWithoutTokens(config.bind));
    }
    Ok(())
}

/// Serves until Ctrl-C or SIGTERM; `ready` is called with the bound address once the server
/// listens (the command line logs it).
pub fn serve(engine: Engine, config: Config, ready: impl FnOnce(SocketAddr)) -> Result<(), StartError> {
    check(&config, &engine)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(config.workers.clamp(1, 4))
        .thread_name("crosscheck-http")
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| StartError::Bind { addr: config.bind, reason: e.to_string() })?;
        ready(listener.local_addr()?);
        warm_search(&engine);
        let app = app(engine, config)?;
        axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
        Ok(())
    })
}

/// Starts building every loaded dataset's search index in the background, so that the first
/// `/search` is answered at once (a million records take some seconds; `/match` does not need
/// it), and logs each index built, now and later (a dataset loaded while the server runs is
/// indexed on its first search). A dataset that cannot be read now is left to its first search,
/// which says why.
fn warm_search(engine: &Engine) {
    crosscheck_engine::search::observe_builds(|dataset, built, took| match built {
        Ok(records) => layers::log_line(&format!(
            "search index of `{}` (version {}) ready: {records} records in {:.1} s",
            dataset.name(),
            dataset.version(),
            took.as_secs_f64()
        )),
        Err(reason) => {
            layers::log_line(&format!("warning: `{}` cannot be indexed for search: {reason}", dataset.name()))
        }
    });
    if let Ok(snapshot) = engine.snapshot_all() {
        snapshot.datasets().iter().for_each(crosscheck_engine::search::warm);
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests;
