//! `crosscheck load`: read files into a dataset of the embedded store.
//!
//! The summary counts source records: every record read is either part of a loaded entity or a
//! line of the rejects file (`DATA_DIR/datasets/<dataset>/v…/rejects.jsonl`, JSON lines
//! `{"file", "line", "reason", "raw"}`, published with its version; a failed load's go to
//! `DATA_DIR/datasets/<dataset>/failed-load.rejects.jsonl`). Loading a dataset again replaces it
//! atomically: a failed or interrupted load, or one that loads no entity, keeps the previous
//! version and exits 2.

use crate::output::{user_error, user_error_hint, write_json_line};
use anyhow::Context;
use clap::{Args, ValueEnum};
use crosscheck_engine::wire::LoadSummary;
use crosscheck_engine::Engine;
use crosscheck_ingest::{Format, IngestError, LoadError, LoadRequest, Mapping, ReaderOptions};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Load records into a dataset (replacing it atomically).
///
/// Formats: FtM JSON lines (`ftm`), CSV with a column mapping (`csv`), OFAC SDN CSV (`ofac-sdn`),
/// UN Security Council XML (`un-xml`), the EU journal CSV (`eu-journal`), OpenSanctions
/// `targets.simple.csv` (`opensanctions-simple`); detected when `--format` is absent.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck load examples/screening/watchlist.jsonl
  crosscheck load --dataset un --retrieved-at 2025-04-19 consolidated.xml
  crosscheck load --mapping leak.mapping.yml --kind leak --origin leak-2020 \\
    leak.csv
  crosscheck load --format ofac-sdn sdn.csv alt.csv add.csv

Bad records go to the rejects file named in the summary; a load with rejects exits 0.
Exit codes: 0 loaded; 2 usage or input error (the previous version of the dataset is kept).")]
pub struct LoadArgs {
    /// Dataset name [default: the first file's stem]
    #[arg(long)]
    pub dataset: Option<String>,
    /// Input format [default: detected from the content]
    #[arg(long, value_name = "FMT", value_parser = format_names())]
    pub format: Option<String>,
    /// Column mapping (YAML) for CSV input
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Text encoding of the input, e.g. `windows-1251`, `koi8-r` [default: UTF-8, else detected]
    #[arg(long, value_name = "ENC")]
    pub encoding: Option<String>,
    /// What the dataset is [default: `watchlist` for official lists, else `other`]
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// Provenance: datasets with the same origin count as one source [default: the dataset name]
    #[arg(long)]
    pub origin: Option<String>,
    /// Who published the data
    #[arg(long, value_name = "TEXT")]
    pub publisher: Option<String>,
    /// When the data was retrieved (a date, `YYYY-MM-DD`)
    #[arg(long, value_name = "DATE")]
    pub retrieved_at: Option<String>,
    /// Summary for people (`text`) or one JSON object (`json`)
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
    /// Files to load, all into the one dataset
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// How a summary is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Dataset kinds (PRODUCT.md, the case file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Government,
    Leak,
    Social,
    Registry,
    Watchlist,
    Press,
    Other,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Government => "government",
            Kind::Leak => "leak",
            Kind::Social => "social",
            Kind::Registry => "registry",
            Kind::Watchlist => "watchlist",
            Kind::Press => "press",
            Kind::Other => "other",
        }
    }
}

fn format_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::name))
}

pub fn run(args: LoadArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let dataset = match &args.dataset {
        Some(d) => d.clone(),
        None => args.files[0]
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .ok_or_else(|| user_error("cannot name the dataset after the first file: pass `--dataset NAME`"))?,
    };
    let mapping = match &args.mapping {
        Some(path) => {
            let text = fs_err::read_to_string(path).map_err(|e| {
                user_error(format!("cannot read mapping `{}`: {}", path.display(), super::io_reason(&e)))
            })?;
            Some(Mapping::parse(&text).map_err(|e| user_error(format!("mapping `{}`: {e}", path.display())))?)
        }
        None => None,
    };
    if let Some(date) = &args.retrieved_at {
        if crosscheck_model::PartialDate::parse(date).is_none() {
            return Err(user_error(format!("`--retrieved-at {date}` is not a date (use YYYY-MM-DD)")));
        }
    }
    let request = LoadRequest {
        files: args.files.clone(),
        format: args.format.as_deref().and_then(Format::from_name),
        options: ReaderOptions {
            mapping,
            mapping_path: args.mapping.clone(),
            encoding: args.encoding.clone(),
            dataset: dataset.clone(),
        },
        kind: args.kind.map(|k| k.name().to_string()),
        origin: args.origin.clone(),
        publisher: args.publisher.clone(),
        retrieved_at: args.retrieved_at.clone(),
    };
    let engine =
        Engine::open(data_dir).with_context(|| format!("cannot open the data directory `{}`", data_dir.display()))?;
    let progress = Bar(progress_bar());
    let report = engine.load(&request, &progress, &crosscheck_engine::load::Cancel::default());
    progress.0.finish_and_clear();
    let report = report.map_err(load_error)?;
    let summary = LoadSummary {
        dataset: report.dataset.clone(),
        files: args.files.iter().map(|p| p.display().to_string()).collect(),
        read: report.read,
        loaded: report.loaded,
        rejected: report.rejected,
        rejects_file: report.rejects_file.as_ref().map(|p| p.display().to_string()),
        format: report.format.name().to_string(),
        encoding: report.encoding.name.to_string(),
        encoding_detected: report.encoding.detected,
        encoding_confidence: report.encoding.detected.then_some(match report.encoding.doubt {
            Some(_) => "low",
            None => "high",
        }),
        encoding_doubt: report.encoding.doubt.clone(),
        values_dropped: report.values_dropped,
        kind: report.kind.clone(),
        origin: report.origin.clone(),
    };
    let mut stdout = std::io::stdout().lock();
    match args.output_format {
        OutputFormat::Json => write_json_line(&mut stdout, &summary)?,
        OutputFormat::Text => {
            writeln!(
                stdout,
                "loaded `{}` ({}, kind {}, origin {}): {} records read, {} entities stored, {} rejected",
                summary.dataset,
                summary.format,
                summary.kind,
                summary.origin,
                summary.read,
                summary.loaded,
                summary.rejected
            )?;
            match (&summary.encoding_doubt, summary.encoding_detected) {
                (Some(doubt), _) => writeln!(
                    stdout,
                    "encoding: guessed {} (low confidence: {doubt}): pass `--encoding` to be sure",
                    summary.encoding
                )?,
                (None, true) => writeln!(
                    stdout,
                    "encoding: guessed {} (high confidence; pass `--encoding` if this is wrong)",
                    summary.encoding
                )?,
                (None, false) => {}
            }
            if summary.values_dropped > 0 {
                writeln!(
                    stdout,
                    "{} values could not be read as their type (dates, countries) and were left out",
                    summary.values_dropped
                )?;
            }
            if let Some(path) = &summary.rejects_file {
                writeln!(stdout, "rejects: {path}")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn load_error(e: LoadError) -> anyhow::Error {
    match e {
        LoadError::Ingest(e) => ingest_error(e),
        LoadError::Empty { rejected, ref rejects_file, .. } => {
            let hint = match rejects_file {
                Some(path) if rejected > 0 => format!("all {rejected} records were rejected: see `{}`", path.display()),
                _ => "the input holds no records".to_string(),
            };
            user_error_hint(e.to_string(), hint)
        }
        LoadError::Store(crosscheck_store::StoreError::InvalidName(_)) => user_error(e.to_string()),
        other => anyhow::Error::new(other).context("the load failed; the previous version, if any, is kept"),
    }
}

fn ingest_error(e: IngestError) -> anyhow::Error {
    match &e {
        IngestError::MappingRequired { .. } => {
            user_error_hint(e.to_string(), "pass `--mapping FILE` (see `crosscheck load --help`) or `--format`")
        }
        IngestError::UnknownFormat { .. } => user_error_hint(e.to_string(), "pass `--format FMT`"),
        _ => user_error(e.to_string()),
    }
}

/// A load's progress on a terminal's progress bar.
struct Bar(ProgressBar);

impl crosscheck_engine::load::Progress for Bar {
    fn read(&self, file: &str, records: u64) {
        if !file.is_empty() {
            self.0.set_message(file.to_string());
        }
        self.0.set_position(records);
    }

    fn waiting(&self, dataset: &str) {
        // said on every stderr, not only a terminal's: a scheduled job's log should show the wait
        self.0.suspend(|| crate::output::diag!("waiting for another load of `{dataset}` to finish"));
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}: {pos} records ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}
