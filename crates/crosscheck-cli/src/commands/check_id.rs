//! `crosscheck check-id`: validate identity documents and identifiers.
//!
//! Output (PRODUCT.md, schema in `docs/schemas/check-id.schema.json`): one JSON line per value,
//! `{"type", "input", "valid", "normalized", "errors", "warnings", "fields"}`, plus `suggestions`
//! for an MRZ whose checks failed and `checks` when a holder is given; with `--input`, each
//! answer starts with the line's `id`, in input order.
//!
//! Decisions:
//! - Streaming: answers are written as lines are read, and stdout is flushed whenever the input
//!   has nothing more buffered, so a pipe gets its answer without waiting for the end of input
//!   and memory stays flat on any input size.
//! - A malformed input line (not JSON, no `value`, unknown `type`) does not stop the run: it is
//!   answered in place with `{"id", "valid": false, "error"}` (the error names the file and
//!   line), reported on stderr, and the command exits 2 at the end. Stopping would lose the
//!   answers to every later line; answering keeps the output aligned with the input.
//! - `--holder` is one FtM Person (a JSON object, or the first line of a JSON-lines file); an
//!   input line may carry its own `holder` object instead.
//! - Today (for `--as-of`) is the UTC date of the system clock.

use super::matching::LinesFormat;
use crate::output::{user_error, user_error_hint, write_json_line};
use crate::sink::Sink;
use clap::Args;
use crosscheck_engine::check_id::{answer_line, check, holder_entity, today};
use crosscheck_engine::wire::{CheckIdAnswer, CheckIdLineError};
use crosscheck_ids::{Date, IdType};
use crosscheck_model::Entity;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Validate identity documents and identifiers (MRZ, INN, SNILS, OGRN, IBAN, LEI, ...)
#[derive(Debug, Args)]
#[command(
    after_help = "Types: mrz, ru-inn, ru-snils, ru-ogrn, ru-ogrnip, ru-kpp, ru-bik, ru-passport (internal and foreign), iban, lei, imo, phone, auto (guess from the value; the default).

Examples:
  crosscheck check-id --type ru-inn 7707083893 '77 07 08 38 94'
  crosscheck check-id --type mrz \\
    $'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\\nL898902C36UTO7408122F1204159ZE184226B<<<<<10'
  crosscheck check-id --type mrz --holder person.json --as-of 2024-11-01 \\
    \"$(cat passport.mrz)\"
  printf '%s\\n' '{\"id\":\"a\",\"type\":\"ru-snils\",\"value\":\"112-233-445 95\"}' \\
    | crosscheck check-id --input -

Input lines (--input): JSON objects {\"id\", \"type\", \"value\"} (optional \"holder\": an FtM Person). `type` defaults to --type, else auto. An MRZ value is the whole zone, lines joined by \\n. A line that cannot be read (not JSON, not UTF-8, or longer than 16 MiB) is answered in place with {\"id\", \"valid\": false, \"error\"} and reported on stderr; the run goes on and exits 2 at the end.

Exit codes: 0 every value valid; 1 some value invalid; 2 usage or input error (a bad flag, an unreadable file, a malformed input line)."
)]
pub struct CheckIdArgs {
    /// Values to check (quote each; an MRZ's lines joined by a newline)
    #[arg(value_name = "VALUE", conflicts_with = "input")]
    pub values: Vec<String>,
    /// Identifier type (see Types below)
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    pub kind: Option<IdType>,
    /// Read JSON lines {"id", "type", "value"} from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Date the checks are made at: MRZ centuries, expiry, passport ages [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// An FtM Person JSON file: compare an MRZ (or Russian passport) with this holder
    #[arg(long, value_name = "FILE")]
    pub holder: Option<PathBuf>,
    /// json: one JSON line per value (the default); text: a few lines per value for people
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LinesFormat::Json)]
    pub output_format: LinesFormat,
    /// Write the answers to FILE (replaced only when the run finishes) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// One value's check for people: verdict, normalised form, then errors, warnings and fields.
fn write_text(out: &mut impl Write, id: Option<&str>, report: &crosscheck_ids::IdCheck) -> io::Result<()> {
    let verdict = if report.valid { "consistent" } else { "INVALID" };
    let label = id.map(|id| format!("{id}: ")).unwrap_or_default();
    writeln!(out, "{label}{} `{}`: {verdict}", report.kind, report.input.replace('\n', " / "))?;
    if let Some(normalized) = &report.normalized {
        writeln!(out, "  normalised  {}", normalized.replace('\n', " / "))?;
    }
    for error in &report.errors {
        writeln!(out, "  error       {error}")?;
    }
    for warning in &report.warnings {
        writeln!(out, "  warning     {warning}")?;
    }
    if let serde_json::Value::Object(fields) = serde_json::to_value(&report.fields).unwrap_or_default() {
        for (key, value) in fields {
            let value = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            writeln!(out, "  {key:<11} {value}")?;
        }
    }
    for check in report.checks.iter().flatten() {
        writeln!(out, "  holder      {}: {} ({})", check.check, check.result.as_str(), check.detail)?;
    }
    writeln!(out)
}

fn parse_type(s: &str) -> Result<IdType, String> {
    s.parse::<IdType>().map_err(|e| e.to_string())
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

/// Reads the holder file: one FtM entity (a JSON object, or the first line of JSON lines).
fn read_holder(path: &Path) -> anyhow::Result<Entity> {
    let text = fs_err::read_to_string(path)
        .map_err(|e| user_error(format!("cannot read holder `{}`: {}", path.display(), super::io_reason(&e))))?;
    let first = text.trim_start_matches('\u{feff}').trim();
    let mut stream = serde_json::Deserializer::from_str(first).into_iter::<Entity>();
    let entity = match stream.next() {
        Some(Ok(e)) => e,
        Some(Err(e)) => {
            return Err(user_error_hint(
                format!("holder `{}` is not an FtM entity: {e}", path.display()),
                "write one JSON object {\"id\", \"schema\": \"Person\", \"properties\": {\"name\": [...], \"birthDate\": [...]}}",
            ))
        }
        None => return Err(user_error(format!("holder `{}` is empty", path.display()))),
    };
    holder_entity(entity).map_err(|e| user_error(format!("holder `{}`: {e}", path.display())))
}

pub fn run(args: CheckIdArgs) -> anyhow::Result<ExitCode> {
    let as_of = args.as_of.unwrap_or_else(today);
    let holder = args.holder.as_deref().map(read_holder).transpose()?;
    let mut out = Sink::open(args.output.as_deref())?;
    let format = args.output_format;
    let mut any_invalid = false;
    if args.input.is_none() {
        if args.values.is_empty() {
            return Err(user_error_hint(
                "nothing to check",
                "give values (`check-id --type ru-inn 7707083893`) or `--input FILE`",
            ));
        }
        let kind = args.kind.unwrap_or(IdType::Auto);
        for value in &args.values {
            let report = check(kind, value, holder.as_ref(), as_of);
            any_invalid |= !report.valid;
            match format {
                LinesFormat::Json => write_json_line(&mut out, &report)?,
                LinesFormat::Text => write_text(&mut out, None, &report)?,
            }
        }
        out.finish()?;
        return Ok(if any_invalid { ExitCode::from(1) } else { ExitCode::SUCCESS });
    }
    let path = args.input.as_deref().expect("checked above");
    let (source, mut lines) = super::open_input(Some(path))?;
    let mut n_bad_lines = 0u64;
    loop {
        if lines.buffer_empty() {
            out.flush()?; // the next read may block: let the reader of our output see what we have
        }
        let line =
            super::next_input_line(&mut lines).map_err(|e| user_error(format!("cannot read `{source}`: {e}")))?;
        let Some((line_no, line)) = line else { break };
        if line.as_ref().is_ok_and(|text| text.is_empty()) {
            continue;
        }
        let answered = match &line {
            Ok(line) => answer_line(line, args.kind, holder.as_ref(), as_of),
            Err(reason) => Err((serde_json::Value::Null, reason.clone())),
        };
        match answered {
            Ok((id, report)) => {
                any_invalid |= !report.valid;
                match format {
                    LinesFormat::Json => write_json_line(&mut out, &CheckIdAnswer { id: &id, check: &report })?,
                    LinesFormat::Text => write_text(&mut out, id.as_str(), &report)?,
                }
            }
            Err((id, reason)) => {
                n_bad_lines += 1;
                let error = format!("`{source}` line {line_no}: {reason}");
                crate::output::diag!("error: {error}");
                match format {
                    LinesFormat::Json => write_json_line(&mut out, &CheckIdLineError { id: &id, valid: false, error })?,
                    LinesFormat::Text => writeln!(out, "not checked: {error}\n")?,
                }
            }
        }
    }
    out.finish()?;
    Ok(if n_bad_lines > 0 {
        ExitCode::from(2)
    } else if any_invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
