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
pub mod check_id;
pub mod compare;
pub mod evidence;
pub mod load;
pub mod query;
pub mod scoring;
pub mod screen;
pub mod verify;
pub mod wire;

pub use scoring::Scorer;
pub use screen::{Hit, ScreenFilter, ScreenOptions, Screening, Snapshot};

use crosscheck_store::{Store, StoreError};
use std::path::Path;

/// Errors of the engine's use cases. Each names what failed and, where it can, what to do.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no dataset `{name}` in `{dir}`")]
    NoSuchDataset { name: String, dir: std::path::PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EngineError {
    /// Advice for the person who ran the command, when there is some.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            EngineError::NoSuchDataset { .. } => {
                Some("load it first with `crosscheck load`, or list datasets with `crosscheck datasets`")
            }
            EngineError::Store(_) => None,
        }
    }
}

/// The engine over one data directory.
#[derive(Clone)]
pub struct Engine {
    store: Store,
    scorer: Scorer,
}

impl Engine {
    /// Opens (and creates when absent) the store at `data_dir`, with the default scorer.
    pub fn open(data_dir: &Path) -> Result<Engine, EngineError> {
        Ok(Engine { store: Store::open(data_dir)?, scorer: Scorer::default_scorer() })
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

    /// Every loaded dataset's live version, by name.
    pub fn datasets(&self) -> Result<Vec<wire::DatasetLine>, EngineError> {
        let names = self.store.list()?;
        let snapshot = self.snapshot(&names)?;
        Ok(snapshot.datasets().iter().map(|d| wire::DatasetLine::new(d)).collect())
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

    /// Loads files into a dataset (see [`load`]).
    pub fn load(
        &self,
        request: &crosscheck_ingest::LoadRequest,
        progress: &dyn load::Progress,
        cancel: &load::Cancel,
    ) -> Result<crosscheck_ingest::LoadReport, crosscheck_ingest::LoadError> {
        load::load(&self.store, request, progress, cancel)
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
