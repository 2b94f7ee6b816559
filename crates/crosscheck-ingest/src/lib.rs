//! Readers that turn outside files into FtM entities, one source record at a time.
//!
//! Every reader yields a [`Record`] per source record: the entities it produced, or a
//! [`Reject`] saying which file and line failed and why, with the raw text. Nothing is dropped
//! silently: a record is either in a loaded entity or in the rejects file, so a load can report
//! exact counts. Problems that make a whole file unreadable (it is binary, its mapping names a
//! column the file lacks, the format cannot be told) are an [`IngestError`] instead.
//!
//! Several records may produce entities with the same id (an OFAC alias row joins its entry);
//! merging them is the store's job, which sees the whole dataset.
//!
//! ```no_run
//! use crosscheck_ingest::{open, ReaderOptions, Record};
//!
//! let opened = open("people.jsonl".as_ref(), None, &ReaderOptions::default()).unwrap();
//! for record in opened.records {
//!     match record {
//!         Record::Entities { entities, .. } => println!("{} entities", entities.len()),
//!         Record::Rejected(reject) => eprintln!("line {}: {}", reject.line, reject.reason),
//!     }
//! }
//! ```

mod detect;
pub mod formats;
pub mod lines;
pub mod mapping;
pub mod pipeline;
mod records;
mod text;

use crosscheck_model::Entity;
use std::path::{Path, PathBuf};

pub use detect::detect_format;
pub use mapping::Mapping;
pub use pipeline::{load, LoadError, LoadObserver, LoadReport, LoadRequest};
pub use records::{Batch, Records};

/// The formats `load --format` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Ftm,
    Csv,
    OfacSdn,
    UnXml,
    EuJournal,
    OpenSanctionsSimple,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 6] =
        [Format::Ftm, Format::Csv, Format::OfacSdn, Format::UnXml, Format::EuJournal, Format::OpenSanctionsSimple];

    /// The `--format` name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Ftm => "ftm",
            Format::Csv => "csv",
            Format::OfacSdn => "ofac-sdn",
            Format::UnXml => "un-xml",
            Format::EuJournal => "eu-journal",
            Format::OpenSanctionsSimple => "opensanctions-simple",
        }
    }

    /// Parses a `--format` name.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The dataset kind a load of this format gets unless `--kind` says otherwise (PRODUCT.md).
    pub fn default_kind(self) -> &'static str {
        match self {
            Format::Ftm | Format::Csv => "other",
            _ => "watchlist",
        }
    }
}

/// A source record that could not become an entity. Serialised as one line of the rejects file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    pub reason: String,
    pub raw: String,
}

/// What one source record became.
#[derive(Debug, Clone)]
pub enum Record {
    /// The entities the record produced (at least one), and the values cleaning dropped.
    Entities {
        line: u64,
        entities: Vec<Entity>,
    },
    Rejected(Reject),
}

/// A whole file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read `{path}`")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` looks like a binary file, not {expected}")]
    Binary { path: PathBuf, expected: &'static str },
    #[error("cannot tell the format of `{path}`: {reason}")]
    UnknownFormat { path: PathBuf, reason: String },
    #[error("`{path}` is CSV without a column mapping")]
    MappingRequired { path: PathBuf },
    #[error("mapping `{path}`: {reason}")]
    Mapping { path: PathBuf, reason: String },
    #[error("unknown encoding `{0}`")]
    UnknownEncoding(String),
    #[error("`{path}`: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

/// Options that shape how a file is read.
#[derive(Debug, Default, Clone)]
pub struct ReaderOptions {
    /// Column mapping for CSV input.
    pub mapping: Option<Mapping>,
    /// Where the mapping came from, for messages.
    pub mapping_path: Option<PathBuf>,
    /// The encoding named by `--encoding` (a WHATWG label such as `windows-1251`).
    pub encoding: Option<String>,
    /// The dataset the entities go to; readers that mint ids prefix them with it.
    pub dataset: String,
}

/// An open file, ready to yield records.
pub struct Opened {
    pub format: Format,
    /// The encoding used, and whether it was detected rather than given or UTF-8.
    pub encoding: EncodingUsed,
    pub records: Records,
}

/// The text encoding a file was read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingUsed {
    pub name: &'static str,
    pub detected: bool,
    /// Why a detected encoding may be wrong, when the evidence for it is weak.
    pub doubt: Option<String>,
}

/// Opens `path` as `format` (detected when `None`).
pub fn open(path: &Path, format: Option<Format>, options: &ReaderOptions) -> Result<Opened, IngestError> {
    let format = match format {
        Some(f) => f,
        None => detect_format(path, options.mapping.is_some())?,
    };
    let display = path.display().to_string();
    match format {
        Format::Ftm => formats::ftm::open(path, display, options.encoding.as_deref()),
        Format::Csv => {
            let mapping = options.mapping.clone().ok_or_else(|| IngestError::MappingRequired { path: path.into() })?;
            formats::csv_mapped::open(path, display, mapping, options)
        }
        Format::OfacSdn => formats::ofac::open(path, display, options),
        Format::UnXml => formats::un_xml::open(path, display, options),
        Format::EuJournal => formats::eu_journal::open(path, display, options),
        Format::OpenSanctionsSimple => formats::os_simple::open(path, display, options),
    }
}
