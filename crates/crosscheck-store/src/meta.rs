//! A dataset's provenance and counts, stored as `meta.json` beside its data.

use serde::{Deserialize, Serialize};

/// The on-disk format this build writes and reads. Bump it on any change to the files.
/// 2: reference keys (`r:<id>`) filed for every entity a record links to.
/// 3: the candidate index is a sorted table of key hashes (`keys.idx`) instead of `keys.fst`.
pub const FORMAT_VERSION: u32 = 3;

/// What the store records about one dataset version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetMeta {
    pub format_version: u32,
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
}

impl DatasetMeta {
    /// Provenance for a new load; counts are filled in by the builder.
    pub fn new(dataset: &str, origin: &str, kind: &str) -> Self {
        DatasetMeta {
            format_version: FORMAT_VERSION,
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
        }
    }
}
