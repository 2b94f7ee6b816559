//! A case's evidence: loaded datasets by name, and the case's own files loaded into a scratch
//! store, each seen by verification through [`StoreSet`].
//!
//! A case's files are loaded into a scratch store in a temporary folder, removed when the
//! [`Evidence`] is dropped: they never replace a loaded dataset of the same name. The loaded
//! datasets are snapshots: a reload published while the case is verified is not seen by it.
//!
//! [`StoreSet`] answers verification's questions as the other front ends are answered: the
//! index's candidates for the query's grouped keys, watchlist findings screened as `match`
//! screens ([`crate::screen`]: the query prepared once, the schema rule, the scorer), a record
//! that cannot be read an error naming the dataset. The store files every record under the ids
//! it links to (`r:<id>`), so [`StoreSet::referencing`] is a lookup per resolved id.

use crate::query::Query;
use crate::scoring::Scorer;
use crate::screen::{rank, screen_dataset, ScreenOptions};
use crosscheck_ingest::{Format, LoadRequest, Mapping, ReaderOptions};
use crosscheck_model::Entity;
use crosscheck_store::{query_key_groups, Dataset, Store, StoreError};
use crosscheck_verify::case::{Case, EvidenceSpec};
use crosscheck_verify::evidence::{references_any, DatasetInfo, EvidenceSet, Screened, SetError};
use crosscheck_verify::Pos;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A dataset of a store (loaded with `crosscheck load`, or a case file in the scratch store).
pub struct StoreSet {
    info: DatasetInfo,
    dataset: Arc<Dataset>,
    scorer: Scorer,
}

impl StoreSet {
    pub fn new(dataset: Arc<Dataset>, scorer: Scorer) -> StoreSet {
        let m = dataset.meta();
        let info = DatasetInfo {
            dataset: m.dataset.clone(),
            origin: m.origin.clone(),
            kind: m.kind.clone(),
            publisher: m.publisher.clone(),
            retrieved_at: m.retrieved_at.clone(),
            records: m.records,
            loaded_at: m.loaded_at.clone(),
            file: None,
        };
        StoreSet { info, dataset, scorer }
    }

    /// The set as read from a case's evidence file (named as the case names it).
    pub fn with_file(mut self, file: String) -> StoreSet {
        self.info.file = Some(file);
        self
    }

    fn entity(&self, index: u32) -> Result<Entity, SetError> {
        self.dataset.entity(index).map_err(|e| self.unreadable(e))
    }

    fn unreadable(&self, e: impl std::fmt::Display) -> SetError {
        SetError { dataset: self.info.dataset.clone(), reason: e.to_string() }
    }
}

impl EvidenceSet for StoreSet {
    fn info(&self) -> &DatasetInfo {
        &self.info
    }

    fn candidates(&self, query: &Entity, limit: usize) -> Result<Vec<Entity>, SetError> {
        let groups = query_key_groups(query);
        self.dataset.candidates_grouped(&groups, limit).into_iter().map(|c| self.entity(c.index)).collect()
    }

    fn screen(&self, query: &Entity, threshold: f64) -> Result<Vec<Screened>, SetError> {
        let query = Query::new(query.clone(), &self.scorer).map_err(|e| self.unreadable(e))?;
        let options = ScreenOptions { threshold, limit: usize::MAX, per_dataset: None, candidates: FINDING_CANDIDATES };
        let mut scored = Vec::new();
        screen_dataset(&self.scorer, &self.dataset, &query, &options, &Default::default(), &mut scored)
            .map_err(|e| self.unreadable(e))?;
        let screening = rank(&self.scorer, &query, scored, &options);
        Ok(screening
            .hits
            .into_iter()
            .filter(|h| h.is_match)
            .map(|h| Screened { entity: h.entity, score: h.score, explanation: h.explanation })
            .collect())
    }

    fn get(&self, id: &str) -> Result<Option<Entity>, SetError> {
        self.dataset.get(id).map_err(|e| self.unreadable(e))
    }

    fn all(&self) -> Option<Result<Vec<Entity>, SetError>> {
        Some(self.dataset.iter().map(|e| e.map_err(|e| self.unreadable(e))).collect())
    }
    fn referencing(&self, ids: &[String]) -> Result<Vec<Entity>, SetError> {
        let mut found: Vec<u32> = ids.iter().flat_map(|id| self.dataset.referencing(id)).collect();
        found.sort_unstable();
        found.dedup();
        let mut out = Vec::new();
        for i in found {
            let entity = self.entity(i)?;
            if references_any(&entity, ids) {
                out.push(entity);
            }
        }
        Ok(out)
    }
}

/// Candidates per person and watchlist when looking for findings: more than `match`'s 64, since
/// a case names few people and a missed listing is the costliest miss.
const FINDING_CANDIDATES: usize = 200;

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
pub fn open(case: &Case, case_dir: &Path, store: &Store, scorer: Scorer) -> Result<Evidence, EvidenceError> {
    let data_dir = store.root();
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
                let dataset = store.dataset(name).map_err(|e| match e {
                    StoreError::NoSuchDataset { .. } => no_dataset(),
                    e => EvidenceError::Load {
                        path: data_dir.join("datasets").join(name),
                        pos: *pos,
                        reason: e.to_string(),
                    },
                })?;
                sets.push(Box::new(StoreSet::new(dataset, scorer)));
            }
            EvidenceSpec::File(f) => {
                if scratch.is_none() {
                    // owner-only: it holds a copy of the case's evidence (a leak, say); named by
                    // process so a later run can remove it if this one is killed
                    let mut builder = tempfile::Builder::new();
                    let prefix = format!("{SCRATCH_PREFIX}{}-", std::process::id());
                    builder.prefix(&prefix);
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt;
                        builder.permissions(std::fs::Permissions::from_mode(0o700));
                    }
                    let dir = builder.tempdir().map_err(|e| EvidenceError::Store(e.to_string()))?;
                    let store = Store::open_scratch(dir.path()).map_err(|e| EvidenceError::Store(e.to_string()))?;
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
                let report =
                    crate::load::load(store, &request, &crate::load::Quiet, &crate::load::Cancel::default())
                        .map_err(|e| EvidenceError::Load { path: path.clone(), pos: f.pos, reason: error_chain(&e) })?;
                loads.push((f.file.display().to_string(), report.read, report.loaded, report.rejected));
                let dataset = store.dataset(&f.dataset).map_err(|e| EvidenceError::Load {
                    path: path.clone(),
                    pos: f.pos,
                    reason: e.to_string(),
                })?;
                sets.push(Box::new(StoreSet::new(dataset, scorer).with_file(f.file.display().to_string())));
            }
        }
    }
    Ok(Evidence { sets, loads, _scratch: scratch.map(|(d, _)| d) })
}

/// How a case's scratch folder is named in the temporary folder: this, the process id, `-`.
const SCRATCH_PREFIX: &str = "crosscheck-case-";

/// Removes the scratch folders of verify runs that were killed (their process is gone), so a
/// copy of a case's evidence does not stay behind. Only this user's folders are touched, and
/// only on Linux, where `/proc` says which processes live; elsewhere they stay until the system
/// clears its temporary folder.
pub fn clean_stale_scratch() {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
        // `/proc/self` belongs to this process's user
        let Ok(me) = std::fs::metadata("/proc/self").map(|m| m.uid()) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(SCRATCH_PREFIX)) else { continue };
            let Some(pid) = rest.split_once('-').and_then(|(p, _)| p.parse::<u32>().ok()) else { continue };
            let Ok(meta) = entry.path().symlink_metadata() else { continue };
            if !meta.is_dir() || meta.uid() != me || pid == std::process::id() {
                continue;
            }
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
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
    let d = crate::check_id::today();
    crosscheck_model::PartialDate::new(d.year, Some(d.month), Some(d.day)).unwrap_or(crosscheck_model::PartialDate {
        year: 2000,
        month: Some(1),
        day: Some(1),
    })
}
