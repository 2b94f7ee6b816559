//! `crosscheck compare`: score pairs of entities.
//!
//! Input: JSON lines `{"id", "left": <entity>, "right": <entity>}`. Output, one line per input
//! line, in order (`crosscheck_engine::wire::CompareAnswer`): `{"id", "scorer", "score",
//! "match", "explanation"}`. Entities may carry `name` or only name parts (`firstName`,
//! `lastName`, ...) and may leave out `schema` and `id`. A line that cannot be read is answered
//! with `"error"` (and `score` 0) and the command exits 2 at the end.

use super::matching::{scorer, threshold, LinesFormat};
use crate::sink::Sink;
use clap::Args;
use crosscheck_engine::{wire, Scorer};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Score whether pairs of records are the same person or company.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck compare --input pairs.jsonl -o scores.jsonl
  printf '%s%s%s\\n' '{\"id\":\"c1\",' \\
    '\"left\":{\"schema\":\"Person\",\"properties\":{\"name\":[\"John Smith\"]}},' \\
    '\"right\":{\"schema\":\"Person\",\"properties\":{\"name\":[\"Smith, John\"]}}}' \\
    | crosscheck compare

Exit codes: 0 every pair answered; 2 usage error, or a line that could not be read (not a pair, not UTF-8, or longer than 16 MiB: answered in place with `error`).")]
pub struct CompareArgs {
    /// Pairs, JSON lines `{"id", "left", "right"}` [default: stdin; `-` for stdin]
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Decision threshold: `match` is `score >= threshold` [default: the scorer's, 0.7]
    #[arg(long, value_name = "T", value_parser = threshold)]
    pub threshold: Option<f64>,
    /// Scoring algorithm, by name or id (`crosscheck-v1`, `crosscheck-v2`, `crosscheck-v3`;
    /// yente's `name-based`, `logic-v1`) [default: crosscheck-v2]
    #[arg(long, value_name = "NAME", value_parser = scorer)]
    pub scorer: Option<Scorer>,
    /// json: one JSON line per pair (the default); text: one line per pair for people
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LinesFormat::Json)]
    pub output_format: LinesFormat,
    /// Write the answers to FILE (replaced only when the run finishes) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl super::LineAnswer for wire::CompareAnswer {
    fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// `<id>  <score>  MATCH|no match  <summary>`.
    fn write_text(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        let id = match &self.id {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "-".into(),
            other => other.to_string(),
        };
        match (&self.error, &self.explanation) {
            (Some(error), _) => writeln!(out, "{id}  not compared: {error}"),
            (None, Some(explanation)) => writeln!(
                out,
                "{id}  {:.2}  {}  {}",
                self.score,
                if self.is_match { "MATCH" } else { "no match" },
                explanation.summary
            ),
            (None, None) => writeln!(out, "{id}  {:.2}", self.score),
        }
    }
}

pub fn run(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let scorer = args.scorer.unwrap_or_default();
    let threshold = args.threshold.unwrap_or(scorer.default_threshold());
    let mut out = Sink::open(args.output.as_deref())?;
    let code = super::answer_lines(
        args.input.as_deref(),
        &mut out,
        args.output_format,
        4096,
        |line, line_no, source| Ok(wire::answer_compare_line(&scorer, line, line_no, source, threshold)),
        |line_no, source, reason| wire::unreadable_compare_line(&scorer, line_no, source, reason),
    )?;
    out.finish()?;
    Ok(code)
}
