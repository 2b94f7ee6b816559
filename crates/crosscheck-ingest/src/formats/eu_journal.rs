//! Reader for the `eu_journal` format (being written).

use crate::{IngestError, Opened, ReaderOptions};
use std::path::Path;

/// Opens `path`.
pub fn open(path: &Path, _display: String, _options: &ReaderOptions) -> Result<Opened, IngestError> {
    Err(IngestError::Invalid { path: path.into(), reason: "this format is not supported yet".into() })
}
