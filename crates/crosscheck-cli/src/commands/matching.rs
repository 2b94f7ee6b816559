//! `crosscheck match`: screen query entities against loaded datasets.
//!
//! Output, one JSON line per query line, in input order:
//! `{"query_id", "results": [{"id", "dataset", "caption", "score", "match", "explanation"}]}`.
//! `results` holds up to `--limit` candidates, best first, scoring at least half the threshold.
//! A query line that cannot be read still gets its line, with `"error"` and empty results, so
//! outputs stay aligned with inputs; the command then exits 2 after the last line.

use clap::Args;
use crosscheck_match::{score_prepared, Explanation, Prepared, DEFAULT_THRESHOLD};
use crosscheck_model::Entity;
use crosscheck_store::{query_key_groups, Dataset, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Screen entities (FtM JSON lines) against loaded datasets.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  echo '{\"id\":\"q1\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Ivan Sidorov\"]}}' | crosscheck match --dataset sanctions
  crosscheck match --dataset un --dataset ofac --input queries.jsonl --threshold 0.8 --limit 3

Exit codes: 0 every query answered; 2 usage error, or a query line that could not be read.")]
pub struct MatchArgs {
    /// Dataset to screen against (repeat for several)
    #[arg(long, required = true, value_name = "NAME")]
    pub dataset: Vec<String>,
    /// Query entities, FtM JSON lines [default: stdin; `-` for stdin]
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Decision threshold: `match` is `score >= threshold`
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_name = "T", value_parser = threshold)]
    pub threshold: f64,
    /// Most candidates per query
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub limit: usize,
    /// Candidates taken from the index per dataset before scoring
    #[arg(long, default_value_t = 64, value_name = "N", hide = true)]
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

#[derive(serde::Serialize)]
struct Answer {
    query_id: Option<String>,
    results: Vec<MatchResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(serde::Serialize)]
struct MatchResult {
    id: String,
    dataset: String,
    caption: String,
    score: f64,
    #[serde(rename = "match")]
    is_match: bool,
    explanation: Explanation,
}

/// Reads a query line as an entity. Queries may leave out `schema` (a `Person` when it has
/// person properties, else `LegalEntity`) and `id`.
pub fn parse_query(line: &str) -> Result<Entity, String> {
    let entity: Entity = serde_json::from_str(line).map_err(|e| format!("not an FtM entity: {e}"))?;
    prepare_query(entity)
}

/// Completes and cleans a query entity read from JSON (see [`parse_query`]).
pub fn prepare_query(mut entity: Entity) -> Result<Entity, String> {
    if entity.schema.is_empty() {
        let personal = ["birthDate", "firstName", "lastName", "gender", "nationality", "fatherName"];
        entity.schema =
            if personal.iter().any(|p| entity.properties.contains_key(*p)) { "Person" } else { "LegalEntity" }
                .to_string();
    }
    let id = std::mem::take(&mut entity.id);
    entity.id = "query".into();
    let mut entity = entity.validate().map_err(|e| e.to_string())?;
    entity.id = id;
    Ok(entity)
}

pub fn run(args: MatchArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let store = Store::open(data_dir)?;
    let mut datasets = Vec::new();
    for name in &args.dataset {
        datasets.push(store.dataset(name).map_err(|e| {
            crate::output::user_error_hint(
                e.to_string(),
                "load it first with `crosscheck load`, or list datasets with `crosscheck datasets`",
            )
        })?);
    }
    super::answer_lines(args.input.as_deref(), 512, |line, line_no, source| {
        answer(line, line_no, source, &datasets, &args)
    })
}

impl super::LineAnswer for Answer {
    fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

fn answer(line: &str, line_no: u64, source: &str, datasets: &[Arc<Dataset>], args: &MatchArgs) -> Answer {
    let query = match parse_query(line) {
        Ok(q) => q,
        Err(e) => {
            let query_id = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(String::from));
            return Answer { query_id, results: vec![], error: Some(format!("`{source}` line {line_no}: {e}")) };
        }
    };
    let query_id = (!query.id.is_empty()).then(|| query.id.clone());
    match screen(&query, datasets, args.threshold, args.limit, args.candidates) {
        Ok(results) => Answer { query_id, results, error: None },
        // a candidate that cannot be read is an error naming the dataset, never a skipped one
        Err(e) => Answer { query_id, results: vec![], error: Some(format!("`{source}` line {line_no}: {e}")) },
    }
}

fn screen(
    query: &Entity,
    datasets: &[Arc<Dataset>],
    threshold: f64,
    limit: usize,
    n_candidates: usize,
) -> Result<Vec<MatchResult>, crosscheck_store::StoreError> {
    let prepared = Prepared::new(query);
    let keys = query_key_groups(query);
    let query_schema = query.schema_def();
    let mut results = Vec::new();
    for dataset in datasets {
        for candidate in dataset.candidates_grouped(&keys, n_candidates) {
            let entity = dataset.entity(candidate.index)?;
            let compatible = match (query_schema, entity.schema_def()) {
                (Some(q), Some(c)) => c.matchable && q.common(c).is_some(),
                _ => false,
            };
            if !compatible {
                continue;
            }
            let scored = score_prepared(&prepared, &Prepared::new(&entity));
            if scored.score >= threshold / 2.0 {
                results.push(MatchResult {
                    caption: entity.caption(),
                    id: entity.id,
                    dataset: dataset.name().to_string(),
                    score: scored.score,
                    is_match: scored.score >= threshold,
                    explanation: scored.explanation,
                });
            }
        }
    }
    results.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    results.truncate(limit);
    Ok(results)
}
