//! `crosscheck match`: screen query entities against loaded datasets.
//!
//! Output, one JSON line per query line, in input order (`crosscheck_engine::wire::MatchAnswer`):
//! `{"query_id", "scorer", "total", "results": [{"id", "dataset", "caption", "score", "match",
//! "explanation", "properties"}]}`. A query line that cannot be read still gets its line, with
//! `"error"` and empty results, so outputs stay aligned with inputs; the command then exits 2
//! after the last line. A dataset that cannot be read stops the command (exit 2).

use clap::Args;
use crosscheck_engine::{wire, Engine, Scorer, ScreenOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Screen entities (FtM JSON lines) against loaded datasets.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  echo '{\"id\":\"q1\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Ivan Sidorov\"]}}' \\
    | crosscheck match --dataset sanctions
  crosscheck match --dataset un --dataset ofac --input queries.jsonl \\
    --threshold 0.8 --limit 3

Exit codes: 0 every query answered; 2 usage error, or a query line that could not be read.")]
pub struct MatchArgs {
    /// Dataset to screen against (repeat for several)
    #[arg(long, required = true, value_name = "NAME")]
    pub dataset: Vec<String>,
    /// Query entities, FtM JSON lines [default: stdin; `-` for stdin]
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Decision threshold: `match` is `score >= threshold` [default: the scorer's, 0.7]
    #[arg(long, value_name = "T", value_parser = threshold)]
    pub threshold: Option<f64>,
    /// Most candidates per query
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub limit: usize,
    /// Scoring algorithm, by name or id (`crosscheck-v1`, `crosscheck-v2`); an id's hash must be
    /// this build's [default: the newest]
    #[arg(long, value_name = "NAME", value_parser = scorer)]
    pub scorer: Option<Scorer>,
    /// Candidates taken from the index per dataset before scoring
    #[arg(long, default_value_t = crosscheck_engine::screen::DEFAULT_CANDIDATES, value_name = "N", hide = true)]
    pub candidates: usize,
}

/// Parses a threshold in [0, 1].
pub fn threshold(s: &str) -> Result<f64, String> {
    let t: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(format!("`{s}` is not between 0 and 1"))
    }
}

/// Parses a scorer name or id against the registry; the error lists what this build has.
pub fn scorer(s: &str) -> Result<Scorer, String> {
    Scorer::by_name(s).ok_or_else(|| {
        let known: Vec<&str> = Scorer::all().iter().map(|a| a.id()).collect();
        format!("no scorer `{s}` in this build (it has {}; an id names its parameters' hash)", known.join(", "))
    })
}

pub fn run(args: MatchArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(data_dir)?.with_scorer(args.scorer.unwrap_or_default());
    let snapshot = engine.snapshot(&args.dataset).map_err(super::engine_error)?;
    let options = ScreenOptions {
        threshold: args.threshold.unwrap_or(engine.scorer().default_threshold()),
        limit: args.limit,
        candidates: args.candidates,
    };
    super::answer_lines(args.input.as_deref(), 512, |line, line_no, source| {
        wire::answer_match_line(&snapshot, line, line_no, source, &options).map_err(super::engine_error)
    })
}

impl super::LineAnswer for wire::MatchAnswer {
    fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}
