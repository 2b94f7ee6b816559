//! The product's use cases behind one API, for every front end (the command line today; the
//! team server, cross-reference and the Python wheel next).
//!
//! rust-analyzer's `ide` crate is the model: an [`Engine`] holds the store and the settings
//! (the scorer, passed explicitly: no globals a server could trip over) and hands out
//! [`Snapshot`]s, immutable views of datasets that a request keeps from start to finish
//! whatever is published meanwhile. One method or function per use case:
//!
//! - screening: [`Snapshot::screen`] (one query against several datasets: prepared once,
//!   grouped index keys, the schema rule, ranking) and [`wire::answer_match_line`];
//! - comparing two records: [`compare::compare`] and [`wire::answer_compare_line`];
//! - checking identifiers and documents, with the holder: [`check_id::check`];
//! - loading files into a dataset, with progress and cancellation: [`Engine::load`];
//! - looking a stored record up by its id: [`Engine::record`];
//! - verifying a case: [`Engine::verify`] (its watchlist findings screened as `match` screens);
//! - sharing a case with partner desks: [`Engine::share_contents`] and [`share::unpack`];
//! - the blocks a cross-reference iterates: [`blocks::blocks`] (entities sharing an index key).
//!
//! Front ends parse arguments, read and write streams, and print; a use case written in a front
//! end is a bug. The JSON they write is in [`wire`], apart from the domain types.
//!
//! ```
//! use crosscheck_engine::{query::Query, Engine};
//! use crosscheck_model::Entity;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let engine = Engine::open(dir.path()).unwrap();
//! let left: Entity = serde_json::from_str(r#"{"properties":{"name":["Иван Петрович Сидоров"]}}"#).unwrap();
//! let right: Entity = serde_json::from_str(r#"{"properties":{"name":["Ivan Sidorov"]}}"#).unwrap();
//! let result = crosscheck_engine::compare::compare(engine.scorer(), left, right, 0.7).unwrap();
//! assert!(result.is_match);
//! assert!(Query::from_json("{not json", engine.scorer()).is_err());
//! ```
//!
//! Everything here is `Send + Sync` and synchronous: a server runs it on a blocking pool.

pub mod blocks;
pub mod cases;
pub mod check_id;
pub mod cluster;
pub mod compare;
pub mod desk;
pub mod evidence;
pub mod load;
pub mod query;
pub mod scoring;
pub mod screen;
pub mod search;
pub mod share;
pub mod suggest;
pub mod verify;
pub mod wire;
pub mod xref;
pub mod xref_pieces;

pub use scoring::Scorer;
pub use screen::{Hit, ScreenFilter, ScreenOptions, Screening, Snapshot};
pub use share::{EvidenceChoice, ShareContents, ShareOptions, ShareUseError};

pub use crosscheck_audit::{AuditError, Desk, Entry, RecordRef, Role, TokenInfo};

use crosscheck_store::{Store, StoreError};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The command line's actor in the desk's log: `system:` and the login name.
pub fn system_user() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default();
    if user.is_empty() {
        "system".to_string()
    } else {
        format!("system:{user}")
    }
}

/// Errors of the engine's use cases. Each names what failed and, where it can, what to do.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no dataset `{name}` in `{dir}`")]
    NoSuchDataset { name: String, dir: std::path::PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Audit(#[from] crosscheck_audit::AuditError),
}

impl EngineError {
    /// Advice for the person who ran the command, when there is some.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            EngineError::NoSuchDataset { .. } => {
                Some("load it first with `crosscheck load`, or list datasets with `crosscheck datasets`")
            }
            EngineError::Store(_) | EngineError::Audit(_) => None,
        }
    }
}

/// The engine over one data directory.
#[derive(Clone)]
pub struct Engine {
    store: Store,
    scorer: Scorer,
    data_dir: Arc<Path>,
    /// Who the entries this engine writes to the desk's log name.
    actor: Arc<str>,
    /// The desk's log, opened when first needed (reading commands never create it).
    desk: Arc<Mutex<Option<Arc<Desk>>>>,
}

impl Engine {
    /// Opens (and creates when absent) the store at `data_dir`, with the default scorer,
    /// acting as the system user ([`system_user`]).
    pub fn open(data_dir: &Path) -> Result<Engine, EngineError> {
        Ok(Engine {
            store: Store::open(data_dir)?,
            scorer: Scorer::default_scorer(),
            data_dir: data_dir.into(),
            actor: system_user().into(),
            desk: Arc::default(),
        })
    }

    /// The same engine, writing `actor` (a token's name) into the log entries it makes.
    pub fn acting_as(mut self, actor: &str) -> Engine {
        self.actor = actor.into();
        self
    }

    /// Who this engine's log entries name.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The desk's log and tokens (`desk.sqlite3` in the data directory, created when absent).
    pub fn desk(&self) -> Result<Arc<Desk>, EngineError> {
        let mut slot = self.desk.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(desk) = slot.as_ref() {
            return Ok(desk.clone());
        }
        let desk = Arc::new(Desk::open(&self.data_dir)?);
        *slot = Some(desk.clone());
        Ok(desk)
    }

    /// Makes an access token for the team server (shown once), logged as this engine's actor.
    pub fn add_token(&self, name: &str, role: Role) -> Result<String, EngineError> {
        Ok(self.desk()?.add_token(name, role, &self.actor)?)
    }

    /// Ends an access token, logged as this engine's actor.
    pub fn revoke_token(&self, name: &str) -> Result<(), EngineError> {
        Ok(self.desk()?.revoke_token(name, &self.actor)?)
    }

    /// The same engine with another scorer.
    pub fn with_scorer(mut self, scorer: Scorer) -> Engine {
        self.scorer = scorer;
        self
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The scorer every score comes from.
    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }

    /// The live versions of `datasets`, held until the snapshot is dropped.
    pub fn snapshot(&self, datasets: &[String]) -> Result<Snapshot, EngineError> {
        let mut open = Vec::with_capacity(datasets.len());
        for name in datasets {
            let dataset = self.store.snapshot(name).map_err(|e| match e {
                StoreError::NoSuchDataset { name, dir } => EngineError::NoSuchDataset { name, dir },
                e => EngineError::Store(e),
            })?;
            open.push(dataset);
        }
        Ok(Snapshot::new(open, self.scorer))
    }

    /// The live versions of every loaded dataset, by name.
    pub fn snapshot_all(&self) -> Result<Snapshot, EngineError> {
        self.snapshot(&self.store.list()?)
    }

    /// Every loaded dataset's live version, by name.
    pub fn datasets(&self) -> Result<Vec<wire::DatasetLine>, EngineError> {
        Ok(self.snapshot_all()?.datasets().iter().map(|d| wire::DatasetLine::new(d)).collect())
    }

    /// One stored record by its id, with its dataset's provenance (`crosscheck show`): `None`
    /// when the dataset has no such id.
    pub fn record(&self, dataset: &str, id: &str) -> Result<Option<wire::ShownRecord>, EngineError> {
        let dataset = self.snapshot(&[dataset.to_string()])?.datasets()[0].clone();
        Ok(dataset.get(id)?.map(|entity| wire::ShownRecord::new(entity, &dataset)))
    }

    /// The loaded datasets' names, sorted.
    pub fn dataset_names(&self) -> Result<Vec<String>, EngineError> {
        Ok(self.store.list()?)
    }

    /// The deep check of one dataset's live version (every checksum, every record readable and
    /// found by its id, the index in range): what `crosscheck datasets --check` prints. A
    /// version so damaged that it cannot even be opened is an `Err`.
    pub fn check_dataset(&self, name: &str) -> Result<crosscheck_store::CheckReport, EngineError> {
        let dataset = self.snapshot(&[name.to_string()])?.datasets()[0].clone();
        Ok(dataset.check()?)
    }

    /// Loads files into a dataset (see [`load`]), and writes the load into the desk's log. A
    /// log that cannot be written fails the command, saying the data itself was loaded.
    pub fn load(
        &self,
        request: &crosscheck_ingest::LoadRequest,
        progress: &dyn load::Progress,
        cancel: &load::Cancel,
    ) -> Result<crosscheck_ingest::LoadReport, crosscheck_ingest::LoadError> {
        let report = load::load(&self.store, request, progress, cancel)?;
        let logged = self.log_load(&report);
        logged.map_err(|e| {
            let reason =
                format!("`{}` was loaded, but its entry in the desk's log could not be written: {e}", report.dataset);
            crosscheck_ingest::LoadError::Store(StoreError::Io(std::io::Error::other(reason)))
        })?;
        Ok(report)
    }

    fn log_load(&self, report: &crosscheck_ingest::LoadReport) -> Result<(), EngineError> {
        let version = self.store.snapshot(&report.dataset)?.version().to_string();
        let entry = crosscheck_audit::NewEntry {
            by: self.actor.to_string(),
            action: "load".into(),
            target: Some(report.dataset.clone()),
            reason: Some(format!(
                "{} records read, {} entities stored, {} rejected",
                report.read, report.loaded, report.rejected
            )),
            datasets: vec![crosscheck_audit::DatasetVersion { dataset: report.dataset.clone(), version }],
            ..Default::default()
        };
        self.desk()?.append(entry)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn the_engine_and_its_snapshots_cross_threads() {
        assert_send_sync::<Engine>();
        assert_send_sync::<Snapshot>();
    }
}
