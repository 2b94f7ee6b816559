//! `crosscheck verify CASE`: check a subject's account claim by claim and write a report.
//!
//! The engine reads and checks the case (any problem: exit 2, nothing written to stdout), opens
//! the evidence (loaded datasets by name; the case's files into a scratch store that is removed
//! afterwards) and evaluates it; this command renders the whole report in memory, then writes
//! it at once. Exit 0 when the report was written; with `--strict`, 1 when a claim is
//! contradicted or anyone in the case is found on a watchlist (PRODUCT.md).
//!
//! Log lines (stderr) name evidence files and counts only: human sources appear in no log line.

use crate::output::{diag, user_error};
use crate::sink::Sink;
use clap::{Args, ValueEnum};
use crosscheck_engine::verify::VerifyOptions;
use crosscheck_engine::Engine;
use crosscheck_verify::render::{self, Format};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Verify a subject's account against evidence, claim by claim
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck verify examples/defector/case.yaml
  crosscheck verify case.yaml --output-format html -o report.html
  crosscheck verify case.yaml --strict --output-format json > report.json
  crosscheck verify --allow-outside-case-folder shared/case.yaml
  crosscheck verify cases/hollow/case.yaml --no-decisions

The desk's decisions on the case (recorded on the team server, under the name of the folder
holding the case file) are applied and listed in the report, unless --no-decisions.

The case file's keys, claim ids and rules: docs/case-file.md.

Exit codes: 0 the report was written; 1 with --strict, a claim is contradicted or someone in the case is on a watchlist; 2 a problem with the case or its evidence (nothing written to stdout).")]
pub struct VerifyArgs {
    /// The case file (YAML; see docs/case-file.md). Its evidence files are read relative to it
    #[arg(value_name = "CASE")]
    pub case: PathBuf,

    /// Report format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,

    /// Write the report to FILE (replaced only when the report is complete) instead of stdout;
    /// a run that fails leaves an earlier FILE as it was
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when any claim is contradicted or anyone in the case is found on a watchlist
    #[arg(long)]
    pub strict: bool,

    /// Let the case's `file:` and `mapping:` paths point outside the case file's folder (by
    /// default they must stay inside it, symlinks followed: a case file may come from someone else)
    #[arg(long)]
    pub allow_outside_case_folder: bool,

    /// Ignore the desk's recorded decisions on this case (by default they are applied: the
    /// decisions recorded under the name of the folder holding CASE, as the server records them)
    #[arg(long)]
    pub no_decisions: bool,

    /// Scoring algorithm, by name or id (`crosscheck-v1`, `crosscheck-v2`, `crosscheck-v3`;
    /// yente's `name-based`, `logic-v1`) [default: crosscheck-v2]
    #[arg(long, value_name = "NAME", value_parser = super::matching::scorer)]
    pub scorer: Option<crosscheck_engine::Scorer>,
}

/// `--output-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Markdown,
    Html,
}

impl OutputFormat {
    fn format(self) -> Format {
        match self {
            OutputFormat::Text => Format::Text,
            OutputFormat::Json => Format::Json,
            OutputFormat::Markdown => Format::Markdown,
            OutputFormat::Html => Format::Html,
        }
    }
}

pub fn run(args: VerifyArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(data_dir)?.with_scorer(args.scorer.unwrap_or_default());
    let options =
        VerifyOptions { allow_outside_case_folder: args.allow_outside_case_folder, no_decisions: args.no_decisions };
    let verified = engine.verify_with(&args.case, options).map_err(|e| user_error(e.to_string()))?;
    for (file, read, loaded, rejected) in &verified.loads {
        diag!("read {read} records of `{file}`: {loaded} entities, {rejected} rejected");
    }
    let output = render::render(&verified.report, args.output_format.format());
    let mut out = Sink::open(args.output.as_deref())?;
    out.write_all(output.as_bytes())?;
    out.finish()?;
    if args.strict && verified.report.needs_review() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
