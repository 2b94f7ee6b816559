//! `crosscheck verify CASE`: check a subject's account claim by claim and write a report.
//!
//! Settings resolve in this order: read and check the case (any problem: exit 2, nothing
//! written to stdout), open the evidence (loaded datasets by name; the case's files into a
//! scratch store that is removed afterwards), evaluate, render the whole report in memory, then
//! write it at once. Exit 0 when the report was written; with `--strict`, 1 when a claim is
//! contradicted or anyone in the case is found on a watchlist (PRODUCT.md).
//!
//! Log lines (stderr) name evidence files and counts only: human sources appear in no log line.

use crate::output::user_error;
use clap::{Args, ValueEnum};
use crosscheck_verify::render::{self, Format};
use crosscheck_verify::{evidence, parse_case, verify};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Verify a subject's account against evidence, claim by claim
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The case file (YAML; see docs/case-file.md). Its evidence files are read relative to it
    #[arg(value_name = "CASE")]
    pub case: PathBuf,

    /// Report format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,

    /// Exit 1 when any claim is contradicted or anyone in the case is found on a watchlist
    #[arg(long)]
    pub strict: bool,
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
    let path = &args.case;
    let text = fs_err::read(path)
        .map_err(|e| user_error(format!("cannot read case `{}`: {}", path.display(), super::io_reason(&e))))?;
    let text =
        String::from_utf8(text).map_err(|_| user_error(format!("case `{}` is not UTF-8 text", path.display())))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "case".into());
    let case = parse_case(&text, &stem, evidence::today())
        .map_err(|e| user_error(format!("case `{}`: {e}", path.display())))?;
    let case_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let case_dir = if case_dir.as_os_str().is_empty() { PathBuf::from(".") } else { case_dir };
    let opened = evidence::open(&case, &case_dir, data_dir)
        .map_err(|e| user_error(format!("case `{}`, {e}", path.display())))?;
    let mut stderr = std::io::stderr().lock();
    for (file, read, loaded, rejected) in &opened.loads {
        let _ = writeln!(stderr, "read {read} records of `{file}`: {loaded} entities, {rejected} rejected");
    }
    let report = verify(&case, &opened.sets);
    let output = render::render(&report, args.output_format.format());
    let mut out = std::io::stdout().lock();
    out.write_all(output.as_bytes())?;
    out.flush()?;
    drop(opened);
    if args.strict && report.needs_review() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
