//! The embedded store: datasets on disk under the data directory, each with a candidate index,
//! read through a catalog of immutable snapshots by many readers while one writer per dataset
//! publishes new versions.
//!
//! ```text
//! DATA_DIR/index.key                         the hash key of every index (hashkey.rs)
//! DATA_DIR/datasets/<name>/CURRENT           the live version's folder name (replaced by rename)
//!                          .load.lock        the writer lock (one load of a dataset at a time)
//!                          failed-load.rejects.jsonl   rejects of the last load that failed
//!                          v<stamp>-<pid>-<n>/meta.json   provenance, counts, format and key
//!                                                         versions, each file's size and CRC-32
//!                                   .lock           shared by the version's readers
//!                                   entities.jsonl  merged FtM entities, one per line
//!                                   offsets.bin     u64 LE start of each entity, plus the end
//!                                   ids.fst         entity id -> entity number
//!                                   keys.idx        index key hash -> run of postings (see keyindex.rs)
//!                                   postings.bin    u32 LE entity numbers
//!                                   rejects.jsonl   the records this version's load rejected
//! ```
//!
//! **Many readers, one writer** (tantivy's `IndexReader`/`Searcher` is the model). [`Store`] is
//! the catalog, cheap to clone and share between threads. [`Store::snapshot`] hands out the
//! live version of a dataset as an `Arc<Dataset>`: an immutable snapshot that stays valid (its
//! folder is not removed) for as long as anyone holds it, however many loads publish meanwhile.
//! The catalog keeps each dataset's open version; a call only reads the few bytes of `CURRENT`
//! and reopens when a new version was published. A reader never sees a half-published dataset:
//! a version folder is complete and synced before `CURRENT` names it.
//!
//! **Writers.** [`Store::builder`] takes the dataset's writer lock: a second load of the same
//! dataset waits for the first (both finish, the later publish wins);
//! [`Store::builder_waiting`] says when it starts waiting. A failed, interrupted or empty load
//! never touches `CURRENT`, so the previous version stays live; see `builder.rs` for the switch
//! and for where rejects go, and `gc.rs` for the locks and which folders are removed (at most
//! two versions are kept: `CURRENT` and the one it replaced, plus any an old snapshot holds).
//!
//! **Trust the disk, but check.** `CURRENT` must name a version folder of its own dataset or
//! the dataset is [`StoreError::Damaged`]. Opening checks each file's size against `meta.json`
//! and the headers; [`Dataset::check`] checks every checksum and record. A record that cannot
//! be read is an error naming the dataset, never a silently missing candidate. A store written
//! by another format ([`FORMAT_VERSION`]) or key algorithm ([`KEY_VERSION`]) is refused with
//! advice to load it again.
//!
//! **Bounded memory.** Readers memory-map the files; nothing is held per entity. The builder
//! spills entities to disk as they arrive and keeps per entity only an id hash and offsets, plus
//! the index keys it sorts at the end (see ARCHITECTURE.md).
//!
//! **Candidate keys.** [`index_keys`] is the single definition of what an entity is filed
//! under: name keys from `crosscheck-names` (script-, transliteration- and order-proof), each
//! name key with each birth year (or, for a person with no birth date, marked undated), and
//! normalised identifiers. Queries use the same function, so the two sides cannot drift;
//! [`Dataset::candidates_grouped`] weighs them (a name with the right year outranks the name).
//! Each entity is also filed under [`reference_keys`] (`r:<id>` for every record it links to,
//! `m:<id>` for every id in its `referents`),
//! so [`Dataset::referencing`] finds the Family or Employment records naming a person by lookup.
//!
//! ```
//! use crosscheck_store::{DatasetMeta, Store};
//! let dir = tempfile::tempdir().unwrap();
//! let store = Store::open(dir.path()).unwrap();
//! let mut builder = store.builder(DatasetMeta::new("people", "registry-2021", "registry")).unwrap();
//! let mut person = crosscheck_model::Entity::new("p1", "Person");
//! person.add("name", "Gleb Ivanov");
//! builder.add(&person).unwrap();
//! let stats = builder.finish().unwrap();
//! let snapshot = store.snapshot("people").unwrap();
//! assert_eq!((snapshot.len(), snapshot.version()), (1, stats.version.as_str()));
//! assert!(store.snapshot("people").unwrap().version() == snapshot.version(), "cached");
//! assert!(snapshot.check().unwrap().is_ok());
//! ```

mod builder;
mod check;
mod dataset;
mod gc;
mod hashkey;
mod keyindex;
mod keys;
mod meta;

pub use builder::{AddError, Builder, LoadStats, PreparedBatch, REJECTS_FILE};
pub use check::{CheckReport, FileCheck};
pub use dataset::{Block, Candidate, Dataset};
pub use hashkey::{HashKey, INDEX_KEY_FILE};
pub use keys::{entity_key_hashes, index_keys, query_key_groups, reference_keys};
pub use meta::{DatasetMeta, FileSum, FORMAT_VERSION, KEY_VERSION};

use dataset::OpenError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Errors of the store. Each names the dataset or path and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no dataset `{name}` in `{dir}`")]
    NoSuchDataset { name: String, dir: PathBuf },
    #[error(
        "dataset `{name}` was written in store format {found}; this crosscheck reads format {expected}: load it again"
    )]
    Incompatible { name: String, found: u32, expected: u32 },
    #[error(
        "dataset `{name}` was indexed with key algorithm {found}; this crosscheck computes keys with algorithm {expected}, so lookups would miss candidates: load it again"
    )]
    KeyAlgorithm { name: String, found: u32, expected: u32 },
    #[error("dataset `{name}` is damaged: {reason}; load it again")]
    Damaged { name: String, reason: String },
    #[error(
        "the index key `{path}` is damaged ({reason}): remove it to draw a new one, then load every dataset again"
    )]
    KeyFile { path: PathBuf, reason: String },
    #[error("a batch prepared with another hash key was added to `{name}`: prepare batches with `Builder::new_batch`")]
    WrongKey { name: String },
    #[error("invalid dataset name `{0}`: use letters, digits, `-`, `_` and `.`, not starting with `.`")]
    InvalidName(String),
    #[error("nothing was loaded into `{0}`: the previous version, if any, is kept")]
    Empty(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The catalog of a data directory: hands out snapshots of live versions and builders of new
/// ones. Clones share one catalog (an `Arc` inside).
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    root: PathBuf,
    durability: Durability,
    /// Read (or drawn) when first needed: a reader never needs it, nor write access for it.
    key: OnceLock<HashKey>,
    /// The open version of each dataset read so far.
    open: Mutex<HashMap<String, Arc<Dataset>>>,
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset").field("name", &self.name()).field("version", &self.version()).finish()
    }
}

/// Whether a load waits for the disk before it publishes (every file and folder synced, so a
/// power cut never leaves `CURRENT` naming a version whose bytes were not written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    Synced,
    /// A scratch store's: its folder goes with the process, so there is nothing to keep.
    Scratch,
}

impl Durability {
    /// Runs `sync` (an fsync) when the store is durable.
    pub(crate) fn sync(self, sync: impl FnOnce() -> std::io::Result<()>) -> std::io::Result<()> {
        match self {
            Durability::Synced => sync(),
            Durability::Scratch => Ok(()),
        }
    }
}

/// How often a reader reads `CURRENT` again when the version it named was removed meanwhile
/// (each time, a newer publish happened in between).
const OPEN_ATTEMPTS: usize = 16;

/// A number unique in this process, for folder names that two loads in one microsecond must
/// not share.
pub(crate) fn unique_suffix() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Store {
    /// Opens (and creates when absent) a store at `root`.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        Store::open_with(root, Durability::Synced)
    }

    /// Opens a store that lives only as long as its folder (a case's own files, loaded for one
    /// `verify`): the same atomic switch and locks, without waiting for the disk, since a crash
    /// takes the folder with it.
    pub fn open_scratch(root: &Path) -> Result<Store, StoreError> {
        Store::open_with(root, Durability::Scratch)
    }

    fn open_with(root: &Path, durability: Durability) -> Result<Store, StoreError> {
        fs_err::create_dir_all(root.join("datasets"))?;
        let inner =
            Inner { root: root.to_path_buf(), durability, key: OnceLock::new(), open: Mutex::new(HashMap::new()) };
        Ok(Store { inner: Arc::new(inner) })
    }

    /// The data directory.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// The hash key of this data directory's indexes (`DATA_DIR/index.key`, drawn on first use).
    pub fn hash_key(&self) -> Result<HashKey, StoreError> {
        if let Some(key) = self.inner.key.get() {
            return Ok(*key);
        }
        let key = HashKey::of_store(&self.inner.root)?;
        Ok(*self.inner.key.get_or_init(|| key))
    }

    fn dataset_dir(&self, name: &str) -> Result<PathBuf, StoreError> {
        let valid = !name.is_empty()
            && !name.starts_with('.')
            && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(StoreError::InvalidName(name.to_string()));
        }
        Ok(self.inner.root.join("datasets").join(name))
    }

    /// Starts loading a new version of a dataset, waiting while another load of the same
    /// dataset runs (see [`Store::builder_waiting`]).
    pub fn builder(&self, meta: DatasetMeta) -> Result<Builder, StoreError> {
        self.builder_waiting(meta, &mut || {})
    }

    /// [`Store::builder`], calling `on_wait` once if another load of the dataset holds its
    /// writer lock, before waiting for it to finish (so a CLI can say "waiting for another
    /// load of `x`").
    pub fn builder_waiting(&self, meta: DatasetMeta, on_wait: &mut dyn FnMut()) -> Result<Builder, StoreError> {
        let dir = self.dataset_dir(&meta.dataset)?;
        let key = self.hash_key()?;
        Builder::new(dir, meta, key, self.inner.durability, on_wait)
    }

    /// The live version of a dataset, as an immutable snapshot. Cached: a call reads `CURRENT`
    /// (a few bytes) and opens the version only when another was published since.
    pub fn snapshot(&self, name: &str) -> Result<Arc<Dataset>, StoreError> {
        let dir = self.dataset_dir(name)?;
        let mut gone: Option<String> = None;
        for _ in 0..OPEN_ATTEMPTS {
            let Some(current) = gc::read_current(name, &dir)? else {
                return Err(StoreError::NoSuchDataset { name: name.to_string(), dir: self.inner.root.clone() });
            };
            if gone.as_deref() == Some(current.as_str()) {
                // CURRENT still names the folder that is missing: not a race with a publish
                return Err(StoreError::Damaged {
                    name: name.to_string(),
                    reason: format!("`CURRENT` names `{current}`, whose files are missing"),
                });
            }
            if let Some(open) = self.cached(name).filter(|d| d.version() == current) {
                return Ok(open);
            }
            match Dataset::open(name, &dir, &current) {
                Ok(dataset) => {
                    let dataset = Arc::new(dataset);
                    let mut open = self.lock_open();
                    if let Some(first) = open.get(name).filter(|d| d.version() == current).cloned() {
                        // another reader opened this version meanwhile: every reader shares one
                        // (what is kept beside a version, such as its search index, is kept once)
                        drop(open);
                        return Ok(first);
                    }
                    let replaced = open.insert(name.to_string(), dataset.clone());
                    drop(open);
                    drop(replaced); // outside the catalog's lock: dropping may collect its folder
                    return Ok(dataset);
                }
                Err(OpenError::Gone) => gone = Some(current),
                Err(OpenError::Store(e)) => return Err(e),
            }
        }
        Err(StoreError::Damaged {
            name: name.to_string(),
            reason: format!("its version changed {OPEN_ATTEMPTS} times while it was being opened"),
        })
    }

    /// The live version of a dataset: the same as [`Store::snapshot`].
    pub fn dataset(&self, name: &str) -> Result<Arc<Dataset>, StoreError> {
        self.snapshot(name)
    }

    fn lock_open(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Dataset>>> {
        // a panic elsewhere while holding the map leaves it usable: it only caches
        self.inner.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cached(&self, name: &str) -> Option<Arc<Dataset>> {
        self.lock_open().get(name).cloned()
    }

    /// The names of all datasets with a live version, sorted.
    pub fn list(&self) -> Result<Vec<String>, StoreError> {
        let mut names = Vec::new();
        for entry in fs_err::read_dir(self.inner.root.join("datasets"))? {
            let entry = entry?;
            if entry.path().join(gc::CURRENT).exists() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_readers;
