//! The embedded store: datasets on disk under the data directory, each with a candidate index.
//!
//! ```text
//! DATA_DIR/datasets/<name>/CURRENT           the live version's folder name (replaced by rename)
//! DATA_DIR/datasets/<name>/v<stamp>/meta.json     provenance, counts, format version
//!                                   entities.jsonl  merged FtM entities, one per line
//!                                   offsets.bin     u64 LE start of each entity, plus the end
//!                                   ids.fst         entity id -> entity number
//!                                   keys.idx        index key hash -> run of postings (see keyindex.rs)
//!                                   postings.bin    u32 LE entity numbers
//! ```
//!
//! **Atomic replacement.** A load builds a new version in a `.tmp-*` folder and only then points
//! `CURRENT` at it (write + rename, which POSIX makes atomic). A failed, interrupted or empty load
//! never touches `CURRENT`, so the previous version stays live; stale temporary folders are
//! removed by the next load.
//!
//! **Bounded memory.** Readers memory-map the files; nothing is held per entity. The builder
//! spills entities to disk as they arrive and keeps per entity only an id hash and offsets, plus
//! the index keys it sorts at the end (about 60 bytes per key; see ARCHITECTURE.md).
//!
//! **Candidate keys.** [`index_keys`] is the single definition of what an entity is filed
//! under: name keys from `crosscheck-names` (script-, transliteration- and order-proof) and
//! normalised identifiers. Queries use the same function, so the two sides cannot drift.
//! Each entity is also filed under [`reference_keys`] (`r:<id>` for every record it links to),
//! so [`Dataset::referencing`] finds the Family or Employment records naming a person by lookup.

mod builder;
mod dataset;
mod keyindex;
mod keys;
mod meta;

pub use builder::{AddError, Builder, LoadStats, PreparedBatch};
pub use dataset::{Candidate, Dataset};
pub use keys::{index_keys, query_key_groups, reference_keys};
pub use meta::{DatasetMeta, FORMAT_VERSION};

use std::path::{Path, PathBuf};

/// Errors of the store. Each names the dataset or path and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no dataset `{name}` in `{dir}`")]
    NoSuchDataset { name: String, dir: PathBuf },
    #[error(
        "dataset `{name}` was written in store format {found}; this crosscheck reads format {expected}: load it again"
    )]
    Incompatible { name: String, found: u32, expected: u32 },
    #[error("dataset `{name}` is damaged: {reason}; load it again")]
    Damaged { name: String, reason: String },
    #[error("invalid dataset name `{0}`: use letters, digits, `-`, `_` and `.`, not starting with `.`")]
    InvalidName(String),
    #[error("nothing was loaded into `{0}`: the previous version, if any, is kept")]
    Empty(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The data directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens (and creates when absent) a store at `root`.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        fs_err::create_dir_all(root.join("datasets"))?;
        Ok(Store { root: root.to_path_buf() })
    }

    /// The data directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn dataset_dir(&self, name: &str) -> Result<PathBuf, StoreError> {
        let valid = !name.is_empty()
            && !name.starts_with('.')
            && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(StoreError::InvalidName(name.to_string()));
        }
        Ok(self.root.join("datasets").join(name))
    }

    /// Starts loading a new version of a dataset.
    pub fn builder(&self, meta: DatasetMeta) -> Result<Builder, StoreError> {
        let dir = self.dataset_dir(&meta.dataset)?;
        Builder::new(dir, meta)
    }

    /// Opens the live version of a dataset.
    pub fn dataset(&self, name: &str) -> Result<Dataset, StoreError> {
        let dir = self.dataset_dir(name)?;
        let current = match fs_err::read_to_string(dir.join("CURRENT")) {
            Ok(c) => c.trim().to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NoSuchDataset { name: name.to_string(), dir: self.root.clone() })
            }
            Err(e) => return Err(e.into()),
        };
        Dataset::open(name, &dir.join(current))
    }

    /// The names of all datasets with a live version, sorted.
    pub fn list(&self) -> Result<Vec<String>, StoreError> {
        let mut names = Vec::new();
        for entry in fs_err::read_dir(self.root.join("datasets"))? {
            let entry = entry?;
            if entry.path().join("CURRENT").exists() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests;
