//! The secret key of the index's key hashes, one per data directory (`DATA_DIR/index.key`).
//!
//! Why per data directory and not per process (as until store format 3): every writer of a
//! store's key hashes must agree on the key, or lookups silently miss. A load, a later load of
//! another dataset and a Spark executor computing hashes on another machine all read the same
//! file. The key is drawn at random once, when the first load needs it, so nobody can aim for a
//! collision without reading the data directory. Each dataset's `keys.idx` also carries the key
//! it was built with, so a dataset stays readable even if `index.key` is lost and drawn anew.
//!
//! ```text
//! DATA_DIR/index.key   {"hash": "siphash-1-3-128", "k0": "<16 hex digits>", "k1": "<16 hex digits>"}
//! ```
//!
//! A key hash is the 128-bit SipHash-1-3 of the key's UTF-8 bytes (`n:<name key>`,
//! `i:<identifier>`, `r:<entity id>`) under (k0, k1); the index keeps its top 96 bits. The
//! algorithm that decides the keys themselves is versioned by [`crate::KEY_VERSION`].
//!
//! The file is created atomically: written in full under a private name, then hard-linked to
//! `index.key`, which fails if another process got there first (its key is then read instead).
//! So two loads starting at once can never use two keys.

use crate::StoreError;
use serde::{Deserialize, Serialize};
use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::Hasher;
use std::path::{Path, PathBuf};

/// The name of the key file in the data directory.
pub const INDEX_KEY_FILE: &str = "index.key";
const HASH_NAME: &str = "siphash-1-3-128";

/// The secret of a store's key hashes (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashKey(pub u64, pub u64);

#[derive(Serialize, Deserialize)]
struct KeyFile {
    hash: String,
    k0: String,
    k1: String,
}

impl HashKey {
    /// 128-bit keyed SipHash-1-3 of `s`.
    pub fn hash(self, s: &str) -> u128 {
        self.hash_parts(&[s])
    }

    /// [`HashKey::hash`] of the concatenation of `parts`, without building it.
    pub fn hash_parts(self, parts: &[&str]) -> u128 {
        let mut h = SipHasher13::new_with_keys(self.0, self.1);
        for part in parts {
            h.write(part.as_bytes());
        }
        let out = h.finish128();
        (u128::from(out.h1) << 64) | u128::from(out.h2)
    }

    /// A key drawn at random (std's `RandomState` is seeded by the operating system).
    fn random() -> HashKey {
        use std::hash::{BuildHasher, RandomState};
        let r = RandomState::new();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        HashKey(r.hash_one((0u8, nanos, std::process::id())), r.hash_one((1u8, nanos, std::process::id())))
    }

    /// Reads a key file (`DATA_DIR/index.key`), as a Spark executor or another tool would.
    pub fn read(path: &Path) -> Result<HashKey, StoreError> {
        let damaged = |reason: String| StoreError::KeyFile { path: path.to_path_buf(), reason };
        let text = fs_err::read_to_string(path)?;
        let file: KeyFile = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
        if file.hash != HASH_NAME {
            return Err(damaged(format!("hash `{}`, expected `{HASH_NAME}`", file.hash)));
        }
        let part = |s: &str| u64::from_str_radix(s, 16).map_err(|e| damaged(format!("`{s}`: {e}")));
        Ok(HashKey(part(&file.k0)?, part(&file.k1)?))
    }

    /// The key of the data directory `root`, drawn and written on first use.
    pub(crate) fn of_store(root: &Path) -> Result<HashKey, StoreError> {
        let path = root.join(INDEX_KEY_FILE);
        match HashKey::read(&path) {
            Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
            other => return other,
        }
        let key = HashKey::random();
        let text = serde_json::to_string(&KeyFile {
            hash: HASH_NAME.into(),
            k0: format!("{:016x}", key.0),
            k1: format!("{:016x}", key.1),
        })
        .map_err(std::io::Error::from)?;
        let private = root.join(format!(".{INDEX_KEY_FILE}.{}-{}", std::process::id(), crate::unique_suffix()));
        let written = write_synced(&private, text.as_bytes()).and_then(|()| fs_err::hard_link(&private, &path));
        let _ = fs_err::remove_file(&private);
        match written {
            Ok(()) => {
                crate::gc::sync_dir(root)?;
                Ok(key)
            }
            // another process drew the key first: use theirs
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => HashKey::read(&path),
            Err(e) => Err(e.into()),
        }
    }
}

fn write_synced(path: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = fs_err::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
