//! A dataset's provenance and counts, stored as `meta.json` beside its data, with what the
//! store needs to trust the version folder: the format and key-algorithm versions it was built
//! with, each data file's size and checksum, and the version it replaced.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The on-disk format this build writes and reads. Bump it on any change to the files.
/// 2: reference keys (`r:<id>`) filed for every entity a record links to.
/// 3: the candidate index is a sorted table of key hashes (`keys.idx`) instead of `keys.fst`.
/// 4: the hash key comes from the data directory (`index.key`), `meta.json` records the key
///    algorithm, each file's size and checksum and the version replaced; rejects live in the
///    version folder.
pub const FORMAT_VERSION: u32 = 4;

/// The version of the key algorithm: what an entity is filed under (name keys from
/// `crosscheck-names`, identifier normalisation, reference keys) and how a key is hashed
/// (SipHash-1-3, 128-bit, keyed by `index.key`, 96 bits kept). Bump it whenever any of them
/// changes: a dataset indexed by another algorithm would silently miss candidates, so it is
/// refused with advice to load it again. Spark executors and other writers of key hashes check
/// it against the `key_version` of `index.key`.
/// 2: `y:<name key>:<year>` for each name key of an entity with a birth date (issue 13).
pub const KEY_VERSION: u32 = 2;

/// Size and CRC-32 (IEEE, as `crc32fast` and zlib compute it) of one file of a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    pub size: u64,
    pub crc32: u32,
}

/// What the store records about one dataset version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetMeta {
    pub format_version: u32,
    /// The key algorithm the index was built with ([`KEY_VERSION`]); 0 when absent.
    #[serde(default)]
    pub key_version: u32,
    pub dataset: String,
    /// Provenance: two datasets with the same origin count as one source.
    pub origin: String,
    /// `government`, `leak`, `social`, `registry`, `watchlist`, `press` or `other`.
    pub kind: String,
    pub publisher: Option<String>,
    pub retrieved_at: Option<String>,
    /// Entities stored.
    pub records: u64,
    /// Source records read and rejected by the load.
    pub read: u64,
    pub rejected: u64,
    pub files: Vec<String>,
    /// RFC 3339 time the load finished.
    pub loaded_at: String,
    /// The format the files were read as.
    pub format: String,
    /// Each file of the version folder (but `meta.json`) by name: size and checksum. Sizes are
    /// checked on every open, checksums by [`crate::Dataset::check`].
    #[serde(default)]
    pub data_files: BTreeMap<String, FileSum>,
    /// The version folder that was live when this one was published: garbage collection keeps
    /// it (a reader may still be on it) and removes anything older.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_version: Option<String>,
}

impl DatasetMeta {
    /// Provenance for a new load; counts are filled in by the builder.
    pub fn new(dataset: &str, origin: &str, kind: &str) -> Self {
        DatasetMeta {
            format_version: FORMAT_VERSION,
            key_version: KEY_VERSION,
            dataset: dataset.to_string(),
            origin: origin.to_string(),
            kind: kind.to_string(),
            publisher: None,
            retrieved_at: None,
            records: 0,
            read: 0,
            rejected: 0,
            files: Vec::new(),
            loaded_at: String::new(),
            format: String::new(),
            data_files: BTreeMap::new(),
            previous_version: None,
        }
    }
}
