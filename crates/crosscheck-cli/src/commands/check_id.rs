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

use crate::output::{user_error, user_error_hint, write_json_line};
use clap::Args;
use crosscheck_ids::holder::check_holder;
use crosscheck_ids::mrz::parse as parse_mrz;
use crosscheck_ids::{check, Agreement, Date, HolderCheck, IdCheck, IdType};
use crosscheck_model::Entity;
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Validate identity documents and identifiers (MRZ, INN, SNILS, OGRN, IBAN, LEI, ...)
#[derive(Debug, Args)]
#[command(
    after_help = "Types: mrz, ru-inn, ru-snils, ru-ogrn, ru-ogrnip, ru-kpp, ru-bik, ru-passport (internal and foreign), iban, lei, imo, phone, auto (guess from the value; the default).

Examples:
  crosscheck check-id --type ru-inn 7707083893 '77 07 08 38 94'
  crosscheck check-id --type mrz $'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\\nL898902C36UTO7408122F1204159ZE184226B<<<<<10'
  crosscheck check-id --type mrz --holder person.json --as-of 2024-11-01 \"$(cat passport.mrz)\"
  printf '%s\\n' '{\"id\":\"a\",\"type\":\"ru-snils\",\"value\":\"112-233-445 95\"}' | crosscheck check-id --input -

Input lines (--input): JSON objects {\"id\", \"type\", \"value\"} (optional \"holder\": an FtM Person). `type` defaults to --type, else auto. An MRZ value is the whole zone, lines joined by \\n. A line that cannot be read is answered in place with {\"id\", \"valid\": false, \"error\"} and reported on stderr; the run goes on and exits 2 at the end.

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
}

fn parse_type(s: &str) -> Result<IdType, String> {
    s.parse::<IdType>().map_err(|e| e.to_string())
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

/// Today's UTC date from the system clock.
fn today() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Date::from_unix_days((secs / 86_400) as i64)
}

/// One input line.
#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    id: serde_json::Value,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    value: Option<serde_json::Value>,
    #[serde(default)]
    holder: Option<Entity>,
}

/// An answer with the line's `id` first.
#[derive(Serialize)]
struct Answer<'a> {
    id: &'a serde_json::Value,
    #[serde(flatten)]
    check: &'a IdCheck,
}

/// The answer to a line that could not be read.
#[derive(Serialize)]
struct LineError<'a> {
    id: &'a serde_json::Value,
    valid: bool,
    error: String,
}

/// Checks one value, adding holder checks when a holder is given.
fn check_one(kind: IdType, value: &str, holder: Option<&Entity>, as_of: Date) -> IdCheck {
    let Some(holder) = holder else {
        return check(kind, value, as_of);
    };
    if kind == IdType::Mrz {
        let parsed = parse_mrz(value, as_of);
        let mut report = parsed.report;
        report.checks = Some(match &parsed.data {
            Some(data) => check_holder(data, holder, as_of),
            None => vec![HolderCheck {
                check: "document",
                result: Agreement::Unknown,
                detail: "the zone could not be read, so nothing was compared".into(),
            }],
        });
        return report;
    }
    let mut report = check(kind, value, as_of);
    if report.kind == "ru-passport" {
        report.checks = Some(vec![passport_holder_check(&report, holder, as_of)]);
    }
    report
}

fn passport_holder_check(report: &IdCheck, holder: &Entity, as_of: Date) -> HolderCheck {
    let unknown =
        |detail: &str| HolderCheck { check: "passport_issue_age", result: Agreement::Unknown, detail: detail.into() };
    let Some(year) = report.fields.get("form_year").and_then(|y| y.parse::<i32>().ok()) else {
        return unknown("only an internal passport's series carries a form year");
    };
    let Some(born) = holder.get("birthDate").iter().find_map(|d| Date::parse_iso(d)) else {
        return unknown("the holder has no full birth date");
    };
    crosscheck_ids::ru::passport_plausibility(year, born, as_of)
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

/// Defaults the schema to Person and cleans the values.
fn holder_entity(mut entity: Entity) -> Result<Entity, String> {
    if entity.schema.is_empty() {
        entity.schema = "Person".into();
    }
    if entity.id.is_empty() {
        entity.id = "holder".into();
    }
    let entity = entity.validate().map_err(|e| e.to_string())?;
    if !entity.schema_def().is_some_and(|s| s.is_a("Person")) {
        return Err(format!("the holder is a `{}`, not a Person", entity.schema));
    }
    Ok(entity)
}

pub fn run(args: CheckIdArgs) -> anyhow::Result<ExitCode> {
    let as_of = args.as_of.unwrap_or_else(today);
    let holder = args.holder.as_deref().map(read_holder).transpose()?;
    let mut out = io::BufWriter::new(io::stdout().lock());
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
            let report = check_one(kind, value, holder.as_ref(), as_of);
            any_invalid |= !report.valid;
            write_json_line(&mut out, &report)?;
        }
        out.flush()?;
        return Ok(if any_invalid { ExitCode::from(1) } else { ExitCode::SUCCESS });
    }
    let path = args.input.as_deref().expect("checked above");
    let (source, mut reader): (String, BufReader<Box<dyn Read>>) = if path.as_os_str() == "-" {
        ("stdin".into(), BufReader::with_capacity(1 << 16, Box::new(io::stdin())))
    } else {
        let file = fs_err::File::open(path)
            .map_err(|e| user_error(format!("cannot read `{}`: {}", path.display(), super::io_reason(&e))))?;
        (path.display().to_string(), BufReader::with_capacity(1 << 16, Box::new(file)))
    };
    let mut n_bad_lines = 0u64;
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    loop {
        if reader.buffer().is_empty() {
            out.flush()?; // the next read may block: let the reader of our output see what we have
        }
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| user_error(format!("cannot read `{source}`: {e}")))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let text = String::from_utf8_lossy(&buf);
        let line = text.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        match answer_line(line, args.kind, holder.as_ref(), as_of) {
            Ok((id, report)) => {
                any_invalid |= !report.valid;
                write_json_line(&mut out, &Answer { id: &id, check: &report })?;
            }
            Err((id, reason)) => {
                n_bad_lines += 1;
                let error = format!("`{source}` line {line_no}: {reason}");
                eprintln!("error: {error}");
                write_json_line(&mut out, &LineError { id: &id, valid: false, error })?;
            }
        }
    }
    out.flush()?;
    Ok(if n_bad_lines > 0 {
        ExitCode::from(2)
    } else if any_invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Answers one input line, or says why it cannot be read (with the id when there is one).
fn answer_line(
    line: &str,
    default_kind: Option<IdType>,
    holder: Option<&Entity>,
    as_of: Date,
) -> Result<(serde_json::Value, IdCheck), (serde_json::Value, String)> {
    let request: Request = serde_json::from_str(line)
        .map_err(|e| (serde_json::Value::Null, format!("not a JSON object {{\"id\", \"type\", \"value\"}}: {e}")))?;
    let id = request.id;
    let value = match request.value {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(other) => return Err((id, format!("`value` is a string; found {other}"))),
        None => return Err((id, "no `value`".into())),
    };
    let kind = match request.kind.as_deref().filter(|k| !k.trim().is_empty()) {
        Some(k) => k.parse::<IdType>().map_err(|e| (id.clone(), e.to_string()))?,
        None => default_kind.unwrap_or(IdType::Auto),
    };
    let line_holder = match request.holder {
        Some(h) => Some(holder_entity(h).map_err(|e| (id.clone(), format!("holder: {e}")))?),
        None => None,
    };
    let report = check_one(kind, &value, line_holder.as_ref().or(holder), as_of);
    Ok((id, report))
}
