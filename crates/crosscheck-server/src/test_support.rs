//! What the in-process tests of every route share: a temporary data directory with its engine,
//! datasets loaded from text, and one request answered by the whole app (its layers included).

use crate::{app, Config};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use crosscheck_engine::load::{Cancel, Quiet};
use crosscheck_engine::Engine;
use crosscheck_ingest::{LoadRequest, ReaderOptions};
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

/// An engine over a temporary data directory, removed when dropped.
pub(crate) struct Fixture {
    pub(crate) _dir: tempfile::TempDir,
    pub(crate) engine: Engine,
}

/// Loads `file` (FtM JSON lines) as `dataset` of `kind` (`watchlist`, `registry`, ...).
pub(crate) fn load_file(engine: &Engine, file: PathBuf, dataset: &str, kind: &str) {
    let request = LoadRequest {
        files: vec![file],
        options: ReaderOptions { dataset: dataset.into(), ..ReaderOptions::default() },
        kind: Some(kind.into()),
        ..LoadRequest::default()
    };
    engine.load(&request, &Quiet, &Cancel::default()).unwrap();
}

/// Writes `text` to `<dir>/<dataset>.jsonl` and loads it as `dataset` of `kind`.
pub(crate) fn load(engine: &Engine, dir: &Path, dataset: &str, text: &str, kind: &str) {
    let file = dir.join(format!("{dataset}.jsonl"));
    std::fs::write(&file, text).unwrap();
    load_file(engine, file, dataset, kind);
}

/// Writes each `(name, case.yaml text)` as a case folder under `<dir>/cases`, the folder a
/// server's `--cases` names.
pub(crate) fn write_cases(dir: &Path, cases: &[(&str, &str)]) -> PathBuf {
    let folder = dir.join("cases");
    for (name, text) in cases {
        std::fs::create_dir_all(folder.join(name)).unwrap();
        std::fs::write(folder.join(name).join("case.yaml"), text).unwrap();
    }
    folder
}

/// One request through the app: the answer's status, headers and JSON body (`Value::Null`
/// when empty or not JSON).
pub(crate) async fn answer(engine: &Engine, config: Config, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let (status, headers, bytes) = answer_bytes(engine, config, request).await;
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// One request through the app: the answer's status, headers and body as it came.
pub(crate) async fn answer_bytes(
    engine: &Engine,
    config: Config,
    request: Request<Body>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = app(engine.clone(), config).unwrap().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}
