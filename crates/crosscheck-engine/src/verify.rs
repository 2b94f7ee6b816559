//! Verifying a case file: read and check the case, open its evidence (loaded datasets as
//! snapshots, its own files in a scratch store), evaluate every claim, and return the report
//! for a front end to render.
//!
//! Settings resolve in this order, and any problem stops before anything is written: the case
//! is read and checked, then every evidence file is checked to exist, then the evidence is
//! opened, then evaluated. Errors name the case file and, for its entries, the line; human
//! sources appear in no error.

use crate::evidence::{self, EvidenceError};
use crate::Engine;
use crosscheck_verify::{parse_case, CaseError, Report};
use std::path::{Path, PathBuf};

/// A verified case.
pub struct Verified {
    pub report: Report,
    /// What loading the case's own files read and rejected: (file, read, loaded, rejected).
    pub loads: Vec<(String, u64, u64, u64)>,
}

/// Why a case could not be verified.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read case `{}`: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("case `{}` is not UTF-8 text", path.display())]
    NotText { path: PathBuf },
    #[error("case `{}`: {error}", path.display())]
    Case { path: PathBuf, error: CaseError },
    #[error("case `{}`, {error}", path.display())]
    Evidence { path: PathBuf, error: EvidenceError },
    #[error("case `{}`: {error}", path.display())]
    Dataset { path: PathBuf, error: crosscheck_verify::evidence::SetError },
}

impl Engine {
    /// Verifies the case file at `path` (its evidence files are read relative to it).
    pub fn verify(&self, path: &Path) -> Result<Verified, VerifyError> {
        let bytes = fs_err::read(path).map_err(|e| VerifyError::Read { path: path.into(), reason: io_reason(&e) })?;
        let text = String::from_utf8(bytes).map_err(|_| VerifyError::NotText { path: path.into() })?;
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "case".into());
        let case = parse_case(&text, &stem, evidence::today())
            .map_err(|error| VerifyError::Case { path: path.into(), error })?;
        let case_dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let opened = evidence::open(&case, &case_dir, self.store(), *self.scorer())
            .map_err(|error| VerifyError::Evidence { path: path.into(), error })?;
        let report = crosscheck_verify::verify_with(&case, &opened.sets, self.scorer().algorithm())
            .map_err(|error| VerifyError::Dataset { path: path.into(), error })?;
        Ok(Verified { report, loads: opened.loads.clone() })
    }
}

/// The reason of an IO error without the path (fs-err adds one the message already names).
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
