//! `crosscheck datasets`: what is loaded, with provenance and counts.

use clap::Args;
use crosscheck_store::Store;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// List loaded datasets with their provenance and counts.
#[derive(Debug, Args)]
pub struct DatasetsArgs {
    /// Print one JSON object per dataset instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: DatasetsArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let store = Store::open(data_dir)?;
    let mut out = std::io::stdout().lock();
    let names = store.list()?;
    if names.is_empty() && !args.json {
        writeln!(out, "no datasets in `{}` (load one with `crosscheck load FILE`)", data_dir.display())?;
    }
    for name in names {
        let dataset = store.dataset(&name)?;
        let m = dataset.meta();
        if args.json {
            crate::output::write_json_line(&mut out, m)?;
        } else {
            writeln!(
                out,
                "{:<24} {:>10} entities  kind {:<10} origin {:<20} loaded {}",
                m.dataset, m.records, m.kind, m.origin, m.loaded_at
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
