//! `crosscheck compare`: score pairs of entities.
//!
//! Input: JSON lines `{"id", "left": <entity>, "right": <entity>}`. Output, one line per input
//! line, in order: `{"id", "score", "match", "explanation"}`. Entities may carry `name` or only
//! name parts (`firstName`, `lastName`, ...) and may leave out `schema` and `id`. A line that
//! cannot be read is answered with `"error"` (and `score` 0) and the command exits 2 at the end.

use super::matching::{prepare_query, threshold};
use clap::Args;
use crosscheck_match::{score, Explanation, DEFAULT_THRESHOLD};
use serde::Deserialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// Score whether pairs of records are the same person or company.
#[derive(Debug, Args)]
#[command(after_help = "Example:
  echo '{\"id\":\"c1\",\"left\":{\"schema\":\"Person\",\"properties\":{\"name\":[\"John Smith\"]}},\"right\":{\"schema\":\"Person\",\"properties\":{\"name\":[\"Smith, John\"]}}}' | crosscheck compare

Exit codes: 0 every pair answered; 2 usage error, or a line that could not be read.")]
pub struct CompareArgs {
    /// Pairs, JSON lines `{"id", "left", "right"}` [default: stdin; `-` for stdin]
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Decision threshold: `match` is `score >= threshold`
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_name = "T", value_parser = threshold)]
    pub threshold: f64,
}

#[derive(Deserialize)]
struct Pair {
    #[serde(default)]
    id: serde_json::Value,
    left: crosscheck_model::Entity,
    right: crosscheck_model::Entity,
}

#[derive(serde::Serialize)]
struct Answer {
    id: serde_json::Value,
    score: f64,
    #[serde(rename = "match")]
    is_match: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Explanation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn answer(line: &str, line_no: u64, source: &str, threshold: f64) -> Answer {
    let fail = |id: serde_json::Value, e: String| Answer {
        id,
        score: 0.0,
        is_match: false,
        explanation: None,
        error: Some(format!("`{source}` line {line_no}: {e}")),
    };
    let pair: Pair = match serde_json::from_str(line) {
        Ok(p) => p,
        Err(e) => {
            // Keep the id when the line is JSON with one, so the answer can still be matched up.
            let id = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .unwrap_or(serde_json::Value::Null);
            return fail(id, format!("not a pair `{{\"id\", \"left\", \"right\"}}` of entities: {e}"));
        }
    };
    let left = match prepare_query(pair.left) {
        Ok(e) => e,
        Err(e) => return fail(pair.id, format!("left: {e}")),
    };
    let right = match prepare_query(pair.right) {
        Ok(e) => e,
        Err(e) => return fail(pair.id, format!("right: {e}")),
    };
    let scored = score(&left, &right);
    Answer {
        id: pair.id,
        score: scored.score,
        is_match: scored.score >= threshold,
        explanation: Some(scored.explanation),
        error: None,
    }
}

impl super::LineAnswer for Answer {
    fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

pub fn run(args: CompareArgs) -> anyhow::Result<ExitCode> {
    super::answer_lines(args.input.as_deref(), 4096, |line, line_no, source| {
        answer(line, line_no, source, args.threshold)
    })
}
