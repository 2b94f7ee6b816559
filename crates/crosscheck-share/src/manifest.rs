//! `MANIFEST.json`: what the bundle is and every other file in it with its SHA-256 and size.
//!
//! ```json
//! {"format": "crosscheck-bundle/1", "case": "...", "created_at": "2026-12-07T18:00:00Z",
//!  "crosscheck_version": "0.1.0", "scorer": "crosscheck-v2", "evidence": "cited",
//!  "decisions": false, "datasets": [{"dataset", "origin", "kind", "publisher", "retrieved_at",
//!  "records", "loaded_at"}], "files": [{"path": "report.json", "sha256": "...", "size": 1234}]}
//! ```
//!
//! `files` lists every entry of the tar but the manifest and its signature, in the tar's order.
//! Readers ignore fields they do not know; `format` changes when a reader would misread.

use serde::{Deserialize, Serialize};

/// The manifest's `format`.
pub const FORMAT: &str = "crosscheck-bundle/1";

/// What the writer says about the bundle, before the files are hashed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestHead {
    pub case: String,
    pub created_at: String,
    pub crosscheck_version: String,
    pub scorer: String,
    /// `cited`, `all` or `none`: which evidence records the bundle carries.
    pub evidence: String,
    /// Whether `decisions.jsonl` (the desk's decisions, with its notes) is in the bundle.
    pub decisions: bool,
    /// Each dataset's provenance, as the report lists it.
    pub datasets: Vec<serde_json::Value>,
}

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    #[serde(flatten)]
    pub head: ManifestHead,
    pub files: Vec<FileEntry>,
}

impl std::ops::Deref for Manifest {
    type Target = ManifestHead;
    fn deref(&self) -> &ManifestHead {
        &self.head
    }
}

impl Manifest {
    /// The manifest as written into a bundle: pretty JSON, ending with a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    /// Reads a manifest (after its signature was checked), with every listed path checked.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| format!("not a bundle manifest ({e})"))?;
        if manifest.format != FORMAT {
            return Err(format!(
                "format `{}` is not one this crosscheck reads (`{FORMAT}`): update crosscheck",
                manifest.format.chars().take(60).collect::<String>()
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for file in &manifest.files {
            crate::check_bundle_path(&file.path).map_err(|reason| format!("lists `{}`: {reason}", file.path))?;
            if file.path == crate::MANIFEST || file.path == crate::SIGNATURE {
                return Err(format!("lists `{}`, which cannot be listed", file.path));
            }
            if !seen.insert(file.path.as_str()) {
                return Err(format!("lists `{}` twice", file.path));
            }
            let hex = file.sha256.len() == 64 && file.sha256.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex {
                return Err(format!("the SHA-256 of `{}` is not 64 hex digits", file.path));
            }
        }
        for file in &manifest.files {
            let mut prefix = file.path.as_str();
            while let Some((parent, _)) = prefix.rsplit_once('/') {
                if seen.contains(parent) {
                    return Err(format!("lists `{parent}` both as a file and as a folder"));
                }
                prefix = parent;
            }
        }
        Ok(manifest)
    }
}
