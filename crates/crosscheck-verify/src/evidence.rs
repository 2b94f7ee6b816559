//! Evidence datasets: what the engine asks of them, the two implementations (a loaded store
//! dataset, an in-memory list for tests), and opening a case's evidence (the only IO here).
//!
//! The engine needs four things of a dataset: its provenance, candidates for a person (the
//! store's name- and identifier-keyed index), a record by id, and the records that link to given
//! records (a Family or Employment naming a resolved person). The store files every record under
//! the ids it links to (`r:<id>`), so [`StoreSet::referencing`] is a lookup per resolved id.
//!
//! A case's files are loaded into a scratch store in a temporary folder, removed when the
//! [`Evidence`] is dropped: they never replace a loaded dataset of the same name.

use crate::case::{Case, EvidenceSpec};
use crate::yaml::Pos;
use crosscheck_ingest::{load, Format, LoadRequest, Mapping, ReaderOptions};
use crosscheck_model::{Entity, PropType};
use crosscheck_store::{index_keys, Dataset, Store};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A dataset consulted, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetInfo {
    pub dataset: String,
    pub origin: String,
    pub kind: String,
    pub publisher: Option<String>,
    pub retrieved_at: Option<String>,
    pub records: u64,
    pub loaded_at: String,
}

/// What the engine asks of an evidence dataset.
pub trait EvidenceSet {
    fn info(&self) -> &DatasetInfo;
    /// Records that may be about the person `query` describes, at most `limit`.
    fn candidates(&self, query: &Entity, limit: usize) -> Vec<Entity>;
    /// The record with this id.
    fn get(&self, id: &str) -> Option<Entity>;
    /// Records with an entity-reference property (Family `person`, Employment `employee`, ...)
    /// naming any of `ids`.
    fn referencing(&self, ids: &[String]) -> Vec<Entity>;
}

fn references_any(entity: &Entity, ids: &[String]) -> bool {
    entity.values_of_type(PropType::Entity).any(|(_, v)| ids.iter().any(|id| id == v))
}

/// An in-memory dataset (tests, and callers that hold entities already).
#[derive(Debug, Clone)]
pub struct MemSet {
    pub info: DatasetInfo,
    pub entities: Vec<Entity>,
}

impl MemSet {
    /// A dataset of `entities` with the given name, origin and kind.
    pub fn new(dataset: &str, origin: &str, kind: &str, entities: Vec<Entity>) -> MemSet {
        let info = DatasetInfo {
            dataset: dataset.into(),
            origin: origin.into(),
            kind: kind.into(),
            publisher: None,
            retrieved_at: None,
            records: entities.len() as u64,
            loaded_at: String::new(),
        };
        MemSet { info, entities }
    }
}

impl EvidenceSet for MemSet {
    fn info(&self) -> &DatasetInfo {
        &self.info
    }

    fn candidates(&self, query: &Entity, limit: usize) -> Vec<Entity> {
        let keys = index_keys(query);
        self.entities.iter().filter(|e| index_keys(e).iter().any(|k| keys.contains(k))).take(limit).cloned().collect()
    }

    fn get(&self, id: &str) -> Option<Entity> {
        self.entities.iter().find(|e| e.id == id).cloned()
    }

    fn referencing(&self, ids: &[String]) -> Vec<Entity> {
        self.entities.iter().filter(|e| references_any(e, ids)).cloned().collect()
    }
}

/// A dataset of a store (loaded with `crosscheck load`, or a case file in the scratch store).
pub struct StoreSet {
    info: DatasetInfo,
    dataset: Arc<Dataset>,
}

impl StoreSet {
    pub fn new(dataset: Arc<Dataset>) -> StoreSet {
        let m = dataset.meta();
        let info = DatasetInfo {
            dataset: m.dataset.clone(),
            origin: m.origin.clone(),
            kind: m.kind.clone(),
            publisher: m.publisher.clone(),
            retrieved_at: m.retrieved_at.clone(),
            records: m.records,
            loaded_at: m.loaded_at.clone(),
        };
        StoreSet { info, dataset }
    }
}

impl EvidenceSet for StoreSet {
    fn info(&self) -> &DatasetInfo {
        &self.info
    }

    fn candidates(&self, query: &Entity, limit: usize) -> Vec<Entity> {
        self.dataset
            .candidates(&index_keys(query), limit)
            .into_iter()
            .filter_map(|c| self.dataset.entity(c.index).ok())
            .collect()
    }

    fn get(&self, id: &str) -> Option<Entity> {
        self.dataset.get(id).ok().flatten()
    }

    fn referencing(&self, ids: &[String]) -> Vec<Entity> {
        // The store files every record under `r:<id>` for each record it links to.
        let mut found: Vec<u32> = ids.iter().flat_map(|id| self.dataset.referencing(id)).collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().filter_map(|i| self.dataset.entity(i).ok()).filter(|e| references_any(e, ids)).collect()
    }
}

/// Why a case's evidence cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("{pos}: evidence file `{path}` does not exist")]
    MissingFile { path: PathBuf, pos: Pos },
    #[error("{pos}: mapping `{path}` {reason}")]
    Mapping { path: PathBuf, pos: Pos, reason: String },
    #[error("{pos}: unknown format `{format}`")]
    UnknownFormat { format: String, pos: Pos },
    #[error(
        "{pos}: no dataset `{name}` is loaded in `{dir}`; load it with `crosscheck load`, or give the case a `file`"
    )]
    NoDataset { name: String, dir: PathBuf, pos: Pos },
    #[error("{pos}: cannot load `{path}`: {reason}")]
    Load { path: PathBuf, pos: Pos, reason: String },
    #[error("cannot open the data directory: {0}")]
    Store(String),
}

/// A case's evidence, open for reading. Holds the scratch folder while alive.
pub struct Evidence {
    pub sets: Vec<Box<dyn EvidenceSet>>,
    /// What loading the case's files read and rejected: (file, read, loaded, rejected).
    pub loads: Vec<(String, u64, u64, u64)>,
    _scratch: Option<tempfile::TempDir>,
}

impl Evidence {
    /// Evidence given directly (tests, benchmarks).
    pub fn from_sets(sets: Vec<Box<dyn EvidenceSet>>) -> Evidence {
        Evidence { sets, loads: Vec::new(), _scratch: None }
    }
}

/// Opens every evidence entry of `case`: loaded datasets from `data_dir`, files (relative to
/// `case_dir`) loaded into a scratch store. Every file is checked to exist before any is loaded.
pub fn open(case: &Case, case_dir: &Path, data_dir: &Path) -> Result<Evidence, EvidenceError> {
    let resolve = |p: &Path| if p.is_absolute() { p.to_path_buf() } else { case_dir.join(p) };
    for spec in &case.evidence {
        if let EvidenceSpec::File(f) = spec {
            for p in std::iter::once(&f.file).chain(f.mapping.as_ref()) {
                if !resolve(p).is_file() {
                    return Err(EvidenceError::MissingFile { path: resolve(p), pos: f.pos });
                }
            }
        }
    }
    let mut loaded_store: Option<Store> = None;
    let mut scratch: Option<(tempfile::TempDir, Store)> = None;
    let mut sets: Vec<Box<dyn EvidenceSet>> = Vec::new();
    let mut loads = Vec::new();
    for spec in &case.evidence {
        match spec {
            EvidenceSpec::Dataset { name, pos } => {
                let no_dataset = || EvidenceError::NoDataset { name: name.clone(), dir: data_dir.into(), pos: *pos };
                if !data_dir.join("datasets").join(name).is_dir() {
                    return Err(no_dataset());
                }
                if loaded_store.is_none() {
                    loaded_store = Some(Store::open(data_dir).map_err(|e| EvidenceError::Store(e.to_string()))?);
                }
                let store = loaded_store.as_ref().ok_or_else(no_dataset)?;
                let dataset = store.dataset(name).map_err(|e| EvidenceError::Load {
                    path: data_dir.join("datasets").join(name),
                    pos: *pos,
                    reason: e.to_string(),
                })?;
                sets.push(Box::new(StoreSet::new(dataset)));
            }
            EvidenceSpec::File(f) => {
                if scratch.is_none() {
                    let dir = tempfile::Builder::new()
                        .prefix("crosscheck-case-")
                        .tempdir()
                        .map_err(|e| EvidenceError::Store(e.to_string()))?;
                    let store = Store::open(dir.path()).map_err(|e| EvidenceError::Store(e.to_string()))?;
                    scratch = Some((dir, store));
                }
                let Some((_, store)) = scratch.as_ref() else { continue };
                let path = resolve(&f.file);
                let mapping = match &f.mapping {
                    None => None,
                    Some(m) => {
                        let mpath = resolve(m);
                        let text = fs_err::read_to_string(&mpath).map_err(|e| EvidenceError::Mapping {
                            path: mpath.clone(),
                            pos: f.pos,
                            reason: format!("cannot be read: {}", e.kind()),
                        })?;
                        let parsed = Mapping::parse(&text).map_err(|reason| EvidenceError::Mapping {
                            path: mpath.clone(),
                            pos: f.pos,
                            reason,
                        })?;
                        Some((parsed, mpath))
                    }
                };
                let format = match &f.format {
                    None => None,
                    Some(name) => Some(
                        Format::from_name(name)
                            .ok_or_else(|| EvidenceError::UnknownFormat { format: name.clone(), pos: f.pos })?,
                    ),
                };
                let request = LoadRequest {
                    files: vec![path.clone()],
                    format,
                    options: ReaderOptions {
                        mapping_path: mapping.as_ref().map(|(_, p)| p.clone()),
                        mapping: mapping.map(|(m, _)| m),
                        encoding: f.encoding.clone(),
                        dataset: f.dataset.clone(),
                    },
                    kind: f.kind.clone(),
                    origin: f.origin.clone(),
                    publisher: f.publisher.clone(),
                    retrieved_at: f.retrieved_at.clone(),
                };
                let report = load(store, &request, &mut |_, _| {}).map_err(|e| EvidenceError::Load {
                    path: path.clone(),
                    pos: f.pos,
                    reason: error_chain(&e),
                })?;
                loads.push((f.file.display().to_string(), report.read, report.loaded, report.rejected));
                let dataset = store.dataset(&f.dataset).map_err(|e| EvidenceError::Load {
                    path: path.clone(),
                    pos: f.pos,
                    reason: e.to_string(),
                })?;
                sets.push(Box::new(StoreSet::new(dataset)));
            }
        }
    }
    Ok(Evidence { sets, loads, _scratch: scratch.map(|(d, _)| d) })
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Today's date (UTC), the default `as_of` of a case that gives none.
pub fn today() -> crosscheck_model::PartialDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(0);
    let d = crosscheck_ids::Date::from_unix_days(days);
    crosscheck_model::PartialDate::new(d.year, Some(d.month), Some(d.day)).unwrap_or(crosscheck_model::PartialDate {
        year: 2000,
        month: Some(1),
        day: Some(1),
    })
}
