//! `crosscheck show DATASET:ID...`: a stored record in full, as a result of `match` names it.
//!
//! Text (the default) is for people: the record's caption and schema, where it comes from
//! (dataset, kind, publisher, retrieval date), then every property with its values. JSON is one
//! `crosscheck_engine::wire::ShownRecord` per record asked for, in the order asked. A record
//! that is not there stops the command with exit 2 before anything is printed.

use super::matching::LinesFormat;
use crate::output::{user_error, user_error_hint};
use crate::sink::Sink;
use clap::Args;
use crosscheck_engine::{wire::ShownRecord, Engine};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Print stored records in full, by dataset and id (as `match` results name them).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck show ofac:ofac-36090
  crosscheck show un:un-QDi.430 eu:eu-5521 --output-format json

Exit codes: 0 every record printed; 2 a dataset or record that is not there, or a usage error.")]
pub struct ShowArgs {
    /// Records to print, each `DATASET:ID` (the `dataset` and `id` of a `match` result)
    #[arg(required = true, value_name = "DATASET:ID")]
    pub records: Vec<String>,
    /// text: for people; json: one JSON object per record
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LinesFormat::Text)]
    pub output_format: LinesFormat,
    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: ShowArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(data_dir)?;
    let mut records = Vec::with_capacity(args.records.len());
    for spec in &args.records {
        // dataset names cannot hold `:` (the store's rule); ids may
        let Some((dataset, id)) = spec.split_once(':').filter(|(d, i)| !d.is_empty() && !i.is_empty()) else {
            return Err(user_error_hint(
                format!("`{spec}` is not `DATASET:ID`"),
                "write the dataset and the id of a `match` result, e.g. `crosscheck show ofac:ofac-36090`",
            ));
        };
        match engine.record(dataset, id).map_err(super::engine_error)? {
            Some(record) => records.push(record),
            None => {
                return Err(user_error_hint(
                    format!("dataset `{dataset}` has no record `{id}`"),
                    "ids are case-sensitive; `match` prints them in each result's `id`",
                ))
            }
        }
    }
    let mut out = Sink::open(args.output.as_deref())?;
    for record in &records {
        match args.output_format {
            LinesFormat::Json => crate::output::write_json_line(&mut out, record)?,
            LinesFormat::Text => write_text(&mut out, record)?,
        }
    }
    out.finish().map_err(|e| user_error(format!("{e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// The record for people: caption, provenance, then one line per property.
fn write_text(out: &mut impl Write, record: &ShownRecord) -> std::io::Result<()> {
    let d = &record.dataset;
    writeln!(out, "{} ({})", record.caption, record.schema)?;
    writeln!(out, "  {:<18} {}:{}", "record", d.dataset, record.id)?;
    let mut source = format!("{}, {}", d.kind, d.origin);
    if let Some(publisher) = &d.publisher {
        source.push_str(&format!(", published by {publisher}"));
    }
    if let Some(retrieved) = &d.retrieved_at {
        source.push_str(&format!(", retrieved {retrieved}"));
    }
    writeln!(out, "  {:<18} {source}; loaded {} (version {})", "source", d.loaded_at, d.version)?;
    let width = record.properties.keys().map(|k| k.chars().count()).max().unwrap_or(0).max(18);
    for (prop, values) in &record.properties {
        let mut values = values.iter();
        if let Some(first) = values.next() {
            writeln!(out, "  {prop:<width$} {first}")?;
        }
        for value in values {
            writeln!(out, "  {:<width$} {value}", "")?;
        }
    }
    writeln!(out)
}
