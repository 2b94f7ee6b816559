//! `crosscheck datasets`: what is loaded, with provenance and counts.

use super::matching::LinesFormat;
use crate::sink::Sink;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// List loaded datasets with their provenance and counts, or check them for damage.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck datasets
  crosscheck datasets --output-format json
  crosscheck datasets --check       (checksums, every record readable, index)
  crosscheck datasets --check un ofac

Exit codes: 0 listed, or every dataset checked is sound; 1 a dataset checked is damaged (load it again); 2 usage error.")]
pub struct DatasetsArgs {
    /// text: a table for people; json: one JSON object per dataset
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LinesFormat::Text)]
    pub output_format: LinesFormat,
    /// The same as `--output-format json` (kept for scripts written before it)
    #[arg(long, hide = true)]
    pub json: bool,
    /// Write to FILE (replaced only when the listing is complete) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Check the datasets' files for damage (reads every byte) instead of listing them
    #[arg(long)]
    pub check: bool,
    /// Datasets to check [default: all]
    #[arg(value_name = "NAME", requires = "check")]
    pub names: Vec<String>,
}

pub fn run(args: DatasetsArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    if args.check {
        return check(&args, data_dir);
    }
    let engine = crosscheck_engine::Engine::open(data_dir)?;
    let datasets = engine.datasets().map_err(super::engine_error)?;
    let json = args.json || args.output_format == LinesFormat::Json;
    let mut out = Sink::open(args.output.as_deref())?;
    if datasets.is_empty() && !json {
        writeln!(out, "no datasets in `{}` (load one with `crosscheck load FILE`)", data_dir.display())?;
    }
    for d in &datasets {
        if json {
            crate::output::write_json_line(&mut out, d)?;
        } else {
            writeln!(
                out,
                "{:<24} {:>10} entities  kind {:<10} origin {:<20} loaded {}",
                d.dataset, d.records, d.kind, d.origin, d.loaded_at
            )?;
        }
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// `--check`: the deep check of each dataset, a report per dataset on stdout.
fn check(args: &DatasetsArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let engine = crosscheck_engine::Engine::open(data_dir)?;
    let names = if args.names.is_empty() { engine.dataset_names()? } else { args.names.clone() };
    let mut out = Sink::open(args.output.as_deref())?;
    let mut n_damaged = 0;
    for name in &names {
        match engine.check_dataset(name) {
            Ok(report) => {
                n_damaged += usize::from(!report.is_ok());
                write!(out, "{report}")?;
            }
            Err(e @ crosscheck_engine::EngineError::NoSuchDataset { .. }) => return Err(super::engine_error(e)),
            Err(e) => {
                n_damaged += 1;
                writeln!(out, "dataset `{name}`: damaged: {e}")?;
            }
        }
    }
    if n_damaged > 0 {
        writeln!(out, "{n_damaged} of {} datasets damaged: load them again", names.len())?;
        out.finish()?;
        return Ok(ExitCode::from(1));
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
