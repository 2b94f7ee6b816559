//! The JSON the product writes, one type per output, kept apart from the domain types so that
//! serialisation happens at the edge (rust-analyzer's rule): the domain types can change
//! without changing a byte of output, and these types are the contract of PRODUCT.md and
//! `docs/schemas/`.
//!
//! - `match`: one [`MatchAnswer`] per query line, in input order: `{"query_id", "scorer",
//!   "total", "results": [{"id", "dataset", "caption", "score", "match", "explanation",
//!   "properties"}]}`, plus `"error"` when the line could not be read (results then empty).
//! - `compare`: one [`CompareAnswer`] per pair line: `{"id", "scorer", "score", "match",
//!   "explanation"}`, or `"error"` with score 0 and no explanation.
//! - `check-id`: `crosscheck_ids::IdCheck` itself (its own wire type), with the line's `id`
//!   first for `--input` ([`CheckIdAnswer`]), or a [`CheckIdLineError`].
//! - `load --output-format json`: one [`LoadSummary`].
//! - `datasets --output-format json`: one [`DatasetLine`] per loaded dataset.
//! - `show --output-format json`: one [`ShownRecord`] per record asked for.
//! - `xref`: one [`XrefPair`] per pair written, then (`--clusters`) one [`XrefCluster`] per
//!   cluster.

use crate::compare::compare;
use crate::query::Query;
use crate::scoring::Scorer;
use crate::screen::{key_properties, ScreenOptions, Screening, Snapshot};
use crate::EngineError;
use crosscheck_ids::IdCheck;
use crosscheck_match::Explanation;
use crosscheck_model::Entity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The answer to one `match` query line.
#[derive(Debug, Clone, Serialize)]
pub struct MatchAnswer {
    pub query_id: Option<String>,
    pub scorer: &'static str,
    /// Candidates that reached half the threshold, before the cut to `--limit`.
    pub total: usize,
    pub results: Vec<MatchResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One ranked candidate.
#[derive(Debug, Clone, Serialize)]
pub struct MatchResult {
    pub id: String,
    pub dataset: String,
    pub caption: String,
    pub score: f64,
    #[serde(rename = "match")]
    pub is_match: bool,
    pub explanation: Explanation,
    /// The candidate's key properties (birth dates, nationalities, programme, identifiers...).
    pub properties: BTreeMap<String, Vec<String>>,
    /// FtM provenance as the source gave it, only when it did: the ids merged into this record,
    /// and when it was first seen, last seen and last changed.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// The FtM provenance fields of a record, each written only when the source gave it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Provenance {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referents: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_change: Option<String>,
}

impl Provenance {
    /// The provenance of `entity`, taken out of it.
    pub fn take(entity: &mut Entity) -> Provenance {
        Provenance {
            referents: std::mem::take(&mut entity.referents),
            first_seen: entity.first_seen.take(),
            last_seen: entity.last_seen.take(),
            last_change: entity.last_change.take(),
        }
    }
}

impl MatchAnswer {
    /// The answer for a screened query.
    pub fn new(query_id: Option<String>, scorer: &Scorer, screening: Screening) -> MatchAnswer {
        let results = screening
            .hits
            .into_iter()
            .map(|mut hit| MatchResult {
                provenance: Provenance::take(&mut hit.entity),
                caption: hit.entity.caption(),
                properties: key_properties(&hit.entity),
                id: hit.entity.id,
                dataset: hit.dataset.to_string(),
                score: hit.score,
                is_match: hit.is_match,
                explanation: hit.explanation,
            })
            .collect();
        MatchAnswer { query_id, scorer: scorer.id(), total: screening.total, results, error: None }
    }

    /// The answer for a line that could not be read: its id when the line is JSON with one.
    pub fn unreadable(line: &str, scorer: &Scorer, error: String) -> MatchAnswer {
        let query_id = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(String::from));
        MatchAnswer { query_id, scorer: scorer.id(), total: 0, results: vec![], error: Some(error) }
    }
}

/// Answers one `match` input line (`source` and `line_no` name it in an error). A line that
/// cannot be read is answered in band, with `error`; a dataset that cannot be read fails.
pub fn answer_match_line(
    snapshot: &Snapshot,
    line: &str,
    line_no: u64,
    source: &str,
    options: &ScreenOptions,
) -> Result<MatchAnswer, EngineError> {
    let query = match Query::from_json(line, snapshot.scorer()) {
        Ok(q) => q,
        Err(e) => return Ok(MatchAnswer::unreadable(line, snapshot.scorer(), at_line(source, line_no, &e))),
    };
    let screening = snapshot.screen(&query, options)?;
    Ok(MatchAnswer::new(query.id().map(str::to_string), snapshot.scorer(), screening))
}

/// Screens one query entity (already built, e.g. by [`crate::query::QuickQuery`]).
pub fn answer_match_entity(
    snapshot: &Snapshot,
    entity: Entity,
    options: &ScreenOptions,
) -> Result<MatchAnswer, EngineError> {
    let query = match Query::new(entity, snapshot.scorer()) {
        Ok(q) => q,
        Err(e) => return Ok(MatchAnswer::unreadable("", snapshot.scorer(), e.to_string())),
    };
    let screening = snapshot.screen(&query, options)?;
    Ok(MatchAnswer::new(query.id().map(str::to_string), snapshot.scorer(), screening))
}

fn at_line(source: &str, line_no: u64, e: &dyn std::fmt::Display) -> String {
    format!("`{source}` line {line_no}: {e}")
}

/// One `compare` input line.
#[derive(Deserialize)]
struct Pair {
    #[serde(default)]
    id: serde_json::Value,
    left: Entity,
    right: Entity,
}

/// One pair of `xref`: `{"left": {"dataset", "id"}, "right": {...}, "score", "match",
/// "explanation"}`.
#[derive(Debug, Clone, Serialize)]
pub struct XrefPair {
    pub left: crosscheck_audit::RecordRef,
    pub right: crosscheck_audit::RecordRef,
    pub score: f64,
    #[serde(rename = "match")]
    pub is_match: bool,
    pub explanation: Explanation,
}

/// One cluster of `xref --clusters`: `{"cluster", "size", "members": [{"dataset", "id"}]}`.
#[derive(Debug, Clone, Serialize)]
pub struct XrefCluster {
    pub cluster: String,
    pub size: usize,
    pub members: Vec<crosscheck_audit::RecordRef>,
}

/// The answer to one `compare` line.
#[derive(Debug, Clone, Serialize)]
pub struct CompareAnswer {
    pub id: serde_json::Value,
    pub scorer: &'static str,
    pub score: f64,
    #[serde(rename = "match")]
    pub is_match: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The answer for a `match` input line that could not even be read as text (too long, not
/// UTF-8): `reason` says why, with its source and line.
pub fn unreadable_match_line(scorer: &Scorer, line_no: u64, source: &str, reason: &str) -> MatchAnswer {
    MatchAnswer::unreadable("", scorer, at_line(source, line_no, &reason))
}

/// The answer for a `compare` input line that could not even be read as text (too long, not
/// UTF-8): `reason` says why, with its source and line.
pub fn unreadable_compare_line(scorer: &Scorer, line_no: u64, source: &str, reason: &str) -> CompareAnswer {
    CompareAnswer {
        id: serde_json::Value::Null,
        scorer: scorer.id(),
        score: 0.0,
        is_match: false,
        explanation: None,
        error: Some(at_line(source, line_no, &reason)),
    }
}

/// Answers one `compare` line `{"id", "left", "right"}`; a line that cannot be read is
/// answered with `error` (and the line's id when it has one).
pub fn answer_compare_line(scorer: &Scorer, line: &str, line_no: u64, source: &str, threshold: f64) -> CompareAnswer {
    let fail = |id: serde_json::Value, e: &dyn std::fmt::Display| CompareAnswer {
        id,
        scorer: scorer.id(),
        score: 0.0,
        is_match: false,
        explanation: None,
        error: Some(at_line(source, line_no, e)),
    };
    let pair: Pair = match serde_json::from_str(line) {
        Ok(p) => p,
        Err(e) => {
            let id = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .unwrap_or(serde_json::Value::Null);
            return fail(id, &format!("not a pair `{{\"id\", \"left\", \"right\"}}` of entities: {e}"));
        }
    };
    match compare(scorer, pair.left, pair.right, threshold) {
        Ok(c) => CompareAnswer {
            id: pair.id,
            scorer: scorer.id(),
            score: c.score,
            is_match: c.is_match,
            explanation: Some(c.explanation),
            error: None,
        },
        Err(e) => fail(pair.id, &e),
    }
}

/// A `check-id --input` answer: the line's id, then the check.
#[derive(Debug, Serialize)]
pub struct CheckIdAnswer<'a> {
    pub id: &'a serde_json::Value,
    #[serde(flatten)]
    pub check: &'a IdCheck,
}

/// The answer to a `check-id --input` line that could not be read.
#[derive(Debug, Serialize)]
pub struct CheckIdLineError<'a> {
    pub id: &'a serde_json::Value,
    pub valid: bool,
    pub error: String,
}

/// The load summary (`load --output-format json`).
#[derive(Debug, Clone, Serialize)]
pub struct LoadSummary {
    pub dataset: String,
    pub files: Vec<String>,
    pub read: u64,
    pub loaded: u64,
    pub rejected: u64,
    pub rejects_file: Option<String>,
    pub format: String,
    pub encoding: String,
    pub encoding_detected: bool,
    /// How sure a guessed encoding is: `high` or `low`; `None` when it was not guessed.
    pub encoding_confidence: Option<&'static str>,
    /// Why a guess is not sure (for `low`).
    pub encoding_doubt: Option<String>,
    pub values_dropped: u64,
    pub kind: String,
    pub origin: String,
}

/// One loaded dataset (`datasets --json`): its live version, provenance and counts.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetLine {
    pub dataset: String,
    /// The live version's folder name.
    pub version: String,
    pub origin: String,
    pub kind: String,
    pub publisher: Option<String>,
    pub retrieved_at: Option<String>,
    /// The format the files were read as, and the files.
    pub format: String,
    pub files: Vec<String>,
    /// Entities stored; source records read and rejected by the load.
    pub records: u64,
    pub read: u64,
    pub rejected: u64,
    pub loaded_at: String,
    /// The live version's rejects file, when the load rejected anything.
    pub rejects_file: Option<String>,
}

impl DatasetLine {
    /// The line for a dataset's live version.
    pub fn new(dataset: &crosscheck_store::Dataset) -> DatasetLine {
        let m = dataset.meta();
        DatasetLine {
            dataset: m.dataset.clone(),
            version: dataset.version().to_string(),
            origin: m.origin.clone(),
            kind: m.kind.clone(),
            publisher: m.publisher.clone(),
            retrieved_at: m.retrieved_at.clone(),
            format: m.format.clone(),
            files: m.files.clone(),
            records: m.records,
            read: m.read,
            rejected: m.rejected,
            loaded_at: m.loaded_at.clone(),
            rejects_file: dataset.rejects_file().map(|p| p.display().to_string()),
        }
    }
}

/// One stored record (`show --output-format json`): the FtM entity as stored, its caption and
/// key properties as `match` shows them, and the provenance of the dataset that holds it.
#[derive(Debug, Clone, Serialize)]
pub struct ShownRecord {
    pub id: String,
    pub schema: String,
    pub caption: String,
    pub properties: BTreeMap<String, Vec<String>>,
    /// The properties `match` shows beside a candidate (birth dates, programme, identifiers...).
    pub key_properties: BTreeMap<String, Vec<String>>,
    pub dataset: DatasetLine,
    /// FtM provenance as the source gave it, only when it did: the ids merged into this record,
    /// and when it was first seen, last seen and last changed.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl ShownRecord {
    /// The record of `entity`, stored in `dataset`.
    pub fn new(mut entity: Entity, dataset: &crosscheck_store::Dataset) -> ShownRecord {
        ShownRecord {
            provenance: Provenance::take(&mut entity),
            caption: entity.caption(),
            key_properties: key_properties(&entity),
            properties: entity.properties.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            id: entity.id,
            schema: entity.schema,
            dataset: DatasetLine::new(dataset),
        }
    }
}
