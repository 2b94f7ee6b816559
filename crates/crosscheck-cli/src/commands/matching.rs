//! `crosscheck match`: screen query entities against loaded datasets.
//!
//! Output, one JSON line per query line, in input order (`crosscheck_engine::wire::MatchAnswer`):
//! `{"query_id", "scorer", "total", "results": [{"id", "dataset", "caption", "score", "match",
//! "explanation", "properties"}]}`. A query line that cannot be read still gets its line, with
//! `"error"` and empty results, so outputs stay aligned with inputs; the command then exits 2
//! after the last line. A dataset that cannot be read stops the command (exit 2).
//!
//! `--name` (with `--birth-date`, `--country`, `--schema`) screens one name typed on the
//! command line; on a terminal it prints a table for people unless `--output-format json`.
//! `--output-format text` prints that table for query files too.

use crate::sink::Sink;
use clap::{Args, ValueEnum};
use crosscheck_engine::query::QuickQuery;
use crosscheck_engine::{wire, Engine, Scorer, ScreenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Screen entities (FtM JSON lines) against loaded datasets.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck match --dataset ofac --name 'Ivan Sidorov' --birth-date 1970
  crosscheck match --dataset un --dataset ofac --input queries.jsonl \\
      --threshold 0.8 --limit-per-dataset 3 -o answers.jsonl
  crosscheck match --dataset ofac --input staff.jsonl --fail-on-match
  echo '{\"id\":\"q1\",\"properties\":{\"name\":[\"Ivan Sidorov\"]}}' \\
      | crosscheck match --dataset sanctions

Look a result up in full with `crosscheck show DATASET:ID`.

Exit codes: 0 every query answered (with --fail-on-match: and none matched); 1 with --fail-on-match, some query matched; 2 usage error, or a query line that could not be read (not a query, not UTF-8, or longer than 16 MiB: answered in place with `error`).")]
pub struct MatchArgs {
    /// Dataset to screen against (repeat for several)
    #[arg(long, required = true, value_name = "NAME")]
    pub dataset: Vec<String>,
    /// Query entities, FtM JSON lines [default: stdin; `-` for stdin]
    #[arg(long, value_name = "FILE", conflicts_with = "name")]
    pub input: Option<PathBuf>,
    /// Screen one name instead of reading query entities
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// With --name: the person's birth date or year (1970, 1970-03-01)
    #[arg(long, value_name = "DATE", requires = "name")]
    pub birth_date: Option<String>,
    /// With --name: a country (name or code)
    #[arg(long, value_name = "COUNTRY", requires = "name")]
    pub country: Option<String>,
    /// With --name: the FtM schema (Person, Company, Organization, Vessel...) [default: Person
    /// with a birth date, else any person or organisation]
    #[arg(long, value_name = "SCHEMA", requires = "name")]
    pub schema: Option<String>,
    /// Decision threshold: `match` is `score >= threshold` [default: the scorer's, 0.7]
    #[arg(long, value_name = "T", value_parser = threshold)]
    pub threshold: Option<f64>,
    /// Most candidates per query, over all datasets [default: 5; with --limit-per-dataset, that
    /// number for each dataset]
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Most candidates per query from each dataset, so one long list cannot crowd out another
    #[arg(long, value_name = "N")]
    pub limit_per_dataset: Option<usize>,
    /// Exit 1 when any query has a match (for scripts and pipelines)
    #[arg(long)]
    pub fail_on_match: bool,
    /// json: one JSON line per query (the default); text: a table for people [default: text
    /// for --name on a terminal, else json]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<LinesFormat>,
    /// Write the answers to FILE (replaced only when the run finishes) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Scoring algorithm, by name or id (`crosscheck-v1`, `crosscheck-v2`, `crosscheck-v3`;
    /// yente's `name-based`, `logic-v1`); an id's hash must be this build's [default:
    /// crosscheck-v2]
    #[arg(long, value_name = "NAME", value_parser = scorer)]
    pub scorer: Option<Scorer>,
    /// Candidates taken from the index per dataset before scoring
    #[arg(long, default_value_t = crosscheck_engine::screen::DEFAULT_CANDIDATES, value_name = "N", hide = true)]
    pub candidates: usize,
}

/// How line-by-line answers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinesFormat {
    /// A table for people
    Text,
    /// One JSON line per input line (PRODUCT.md)
    Json,
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
        limit: args.limit.unwrap_or(match args.limit_per_dataset {
            Some(n) => n.saturating_mul(args.dataset.len()),
            None => 5,
        }),
        per_dataset: args.limit_per_dataset,
        candidates: args.candidates,
    };
    let mut out = Sink::open(args.output.as_deref())?;
    let format = args.output_format.unwrap_or(if args.name.is_some() && out.is_terminal() {
        LinesFormat::Text
    } else {
        LinesFormat::Json
    });
    let any_match = std::sync::atomic::AtomicBool::new(false);
    let code = if let Some(name) = &args.name {
        let quick = QuickQuery {
            name,
            schema: args.schema.as_deref(),
            birth_date: args.birth_date.as_deref(),
            country: args.country.as_deref(),
        };
        let entity = quick.entity().map_err(|e| crate::output::user_error(format!("--name: {e}")))?;
        let answer = wire::answer_match_entity(&snapshot, entity, &options).map_err(super::engine_error)?;
        any_match.store(answer.results.iter().any(|r| r.is_match), std::sync::atomic::Ordering::Relaxed);
        let mut bytes = Vec::new();
        super::LineAnswer::write_as(&answer, format, &mut bytes)?;
        out.write_all(&bytes)?;
        ExitCode::SUCCESS
    } else {
        super::answer_lines(
            args.input.as_deref(),
            &mut out,
            format,
            512,
            |line, line_no, source| {
                let answer =
                    wire::answer_match_line(&snapshot, line, line_no, source, &options).map_err(super::engine_error)?;
                if answer.results.iter().any(|r| r.is_match) {
                    any_match.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                Ok(answer)
            },
            |line_no, source, reason| wire::unreadable_match_line(snapshot.scorer(), line_no, source, reason),
        )?
    };
    out.finish()?;
    if code == ExitCode::SUCCESS && args.fail_on_match && any_match.into_inner() {
        return Ok(ExitCode::from(1));
    }
    Ok(code)
}

impl super::LineAnswer for wire::MatchAnswer {
    fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// A block per query: a heading with the count, then one row per candidate.
    fn write_text(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        let query = self.query_id.as_deref().map(|id| format!("query `{id}`")).unwrap_or_else(|| "query".into());
        if let Some(error) = &self.error {
            return writeln!(out, "{query}: not screened: {error}\n");
        }
        let matches = self.results.iter().filter(|r| r.is_match).count();
        let shown = if self.results.len() < self.total {
            format!(", {} shown (raise --limit to see more)", self.results.len())
        } else {
            String::new()
        };
        writeln!(
            out,
            "{query}: {matches} match{} among {} candidate{} at half the threshold or more{shown}",
            if matches == 1 { "" } else { "es" },
            self.total,
            if self.total == 1 { "" } else { "s" },
        )?;
        if !self.results.is_empty() {
            writeln!(out, "  {:<6} {:<5} {:<12} {:<32} {:<22} id", "score", "", "dataset", "name", "born")?;
        }
        for r in &self.results {
            let born = r.properties.get("birthDate").map(|d| d.join(", ")).unwrap_or_default();
            // a Cyrillic name with its Latin reading beside it, under the scheme of the record's
            // country where it names one (issue 14)
            let countries: Vec<String> = ["nationality", "citizenship", "country"]
                .iter()
                .flat_map(|p| r.properties.get(*p).into_iter().flatten().cloned())
                .collect();
            let latin = crosscheck_verify::latin::reading(&r.caption, &countries);
            let name = crosscheck_verify::latin::beside(&r.caption, latin.as_deref());
            writeln!(
                out,
                "  {:<6.2} {:<5} {:<12} {:<32} {:<22} {}",
                r.score,
                if r.is_match { "MATCH" } else { "" },
                r.dataset,
                name,
                born,
                r.id
            )?;
            writeln!(out, "         {}", r.explanation.summary)?;
        }
        if let Some(best) = self.results.first() {
            writeln!(out, "  full record: crosscheck show {}:{}", best.dataset, best.id)?;
        }
        writeln!(out, "  scorer {}\n", self.scorer)
    }
}
