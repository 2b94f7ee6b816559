//! `crosscheck audit`: the desk's log (decisions, judgements, token changes, loads), and
//! `--verify`, which recomputes its hash chain.

use super::matching::LinesFormat;
use clap::Args;
use crosscheck_engine::Engine;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Print the desk's log, or check that nobody changed it.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck audit
  crosscheck audit --case hollow --output-format json
  crosscheck audit --verify
  crosscheck audit --judgements -o judgements.jsonl

Every decision, judgement, token change and dataset load is an entry, with its time (UTC), who
made it (a token's name, or system:USER for the command line), the dataset versions and scorer
in effect, and a hash that chains it to the entry before.

--judgements writes, instead of the log, the judgements on pairs of records in effect (the latest
on each pair, when it is same or different), one JSON line each: {\"left\": {\"dataset\", \"id\"},
\"right\": {...}, \"judgement\", \"reason\", \"id\", \"at\", \"by\"}: the file that
`xref --judgements` reads.

Exit codes: 0 printed, or (--verify) the chain is whole; 1 (--verify) an entry was changed or
removed: the first one is named; 2 usage error.")]
pub struct AuditArgs {
    /// Only the entries of this case (the case folder's name)
    #[arg(long, value_name = "CASE")]
    pub case: Option<String>,
    /// Recompute the hash chain and name the first entry that was changed or removed
    #[arg(long, conflicts_with = "judgements")]
    pub verify: bool,
    /// Write the judgements in effect on pairs of records, as JSON lines (the file `xref
    /// --judgements` reads), instead of the log
    #[arg(long, conflicts_with = "case")]
    pub judgements: bool,
    /// text: one line per entry; json: one JSON object per entry
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LinesFormat::Text)]
    pub output_format: LinesFormat,
    /// Write to FILE (replaced only when the listing is complete) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

pub fn run(args: AuditArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(data_dir)?;
    let mut out = crate::sink::Sink::open(args.output.as_deref())?;
    if args.judgements {
        let lines = engine.judgements_in_effect().map_err(super::engine_error)?;
        for line in &lines {
            crate::output::write_json_line(&mut out, line)?;
        }
        out.finish()?;
        crate::output::diag!("{} judgements in effect", lines.len());
        return Ok(ExitCode::SUCCESS);
    }
    if args.verify {
        let desk = engine.desk().map_err(super::engine_error)?;
        let checked = desk.verify().map_err(|e| super::engine_error(e.into()))?;
        if args.output_format == LinesFormat::Json {
            crate::output::write_json_line(&mut out, &checked)?;
        }
        out.finish()?;
        return Ok(match checked.broken {
            None => {
                crate::output::diag!(
                    "the desk's log is whole: {} entries, each chained to the one before",
                    checked.entries
                );
                ExitCode::SUCCESS
            }
            Some(broken) => {
                crate::output::diag!("the desk's log was altered at entry {}: {}", broken.id, broken.reason);
                ExitCode::from(1)
            }
        });
    }
    let entries = engine.audit(args.case.as_deref()).map_err(super::engine_error)?;
    for entry in &entries {
        match args.output_format {
            LinesFormat::Json => crate::output::write_json_line(&mut out, entry)?,
            LinesFormat::Text => {
                let f = &entry.fields;
                let mut line = format!("{:>5}  {}  {}  {}", entry.id, entry.at, f.by, f.action);
                for (label, value) in
                    [("case", &f.case), ("target", &f.target), ("person", &f.person), ("judgement", &f.judgement)]
                {
                    if let Some(value) = value {
                        line.push_str(&format!("  {label}={value}"));
                    }
                }
                if let (Some(l), Some(r)) = (&f.left, &f.right) {
                    line.push_str(&format!("  pair={}:{} ~ {}:{}", l.dataset, l.id, r.dataset, r.id));
                }
                if let Some(reason) = &f.reason {
                    line.push_str(&format!("  \"{reason}\""));
                }
                writeln!(out, "{line}")?;
            }
        }
    }
    out.finish()?;
    if entries.is_empty() {
        crate::output::diag!(
            "the desk's log has no entries{}",
            args.case.map(|c| format!(" for case `{c}`")).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
