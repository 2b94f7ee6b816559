//! Evidence datasets: what verification asks of them, and an in-memory implementation for
//! tests. The store-backed implementation, and opening a case's evidence (loaded datasets, the
//! case's own files), live in `crosscheck-engine`: this crate does no IO.
//!
//! Verification needs five things of a dataset: its provenance, candidates for a person (the
//! store's name- and identifier-keyed index), the records that match a person on a watchlist
//! (screened by the engine, as `match` screens), a record by id, and the records that link to
//! given records (a Family or Employment naming a resolved person). Each may fail: a record
//! that cannot be read is an error naming the dataset, never a record silently left out.

use crosscheck_match::Explanation;
use crosscheck_model::{Entity, PropType};
use crosscheck_store::index_keys;
use serde::Serialize;

/// A dataset consulted, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetInfo {
    pub dataset: String,
    pub origin: String,
    pub kind: String,
    pub publisher: Option<String>,
    pub retrieved_at: Option<String>,
    pub records: u64,
    pub loaded_at: String,
    /// The file of the case's `evidence` this dataset was read from, as the case names it
    /// (relative to the case file); absent for a dataset loaded with `load` (issue 14: where a
    /// record comes from).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// A dataset that cannot be read (a damaged store): verification stops rather than report on
/// part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dataset `{dataset}` cannot be read: {reason}")]
pub struct SetError {
    pub dataset: String,
    pub reason: String,
}

/// A record that matches a person of the case, with its score.
#[derive(Debug, Clone)]
pub struct Screened {
    pub entity: Entity,
    pub score: f64,
    pub explanation: Explanation,
}

/// What verification asks of an evidence dataset.
pub trait EvidenceSet {
    fn info(&self) -> &DatasetInfo;
    /// Records that may be about the person `query` describes, at most `limit`.
    fn candidates(&self, query: &Entity, limit: usize) -> Result<Vec<Entity>, SetError>;
    /// Records scoring at least `threshold` against `query` whose schema `query` may match
    /// (`Schema::can_match`), best first: the watchlist findings.
    fn screen(&self, query: &Entity, threshold: f64) -> Result<Vec<Screened>, SetError>;
    /// The record with this id.
    fn get(&self, id: &str) -> Result<Option<Entity>, SetError>;
    /// Records with an entity-reference property (Family `person`, Employment `employee`, ...)
    /// naming any of `ids`.
    fn referencing(&self, ids: &[String]) -> Result<Vec<Entity>, SetError>;
    /// The lines of the dataset's file (`info().file`) that hold the record with this id: none
    /// when unknown (a dataset loaded with `load`).
    fn lines(&self, _id: &str) -> Vec<u64> {
        Vec::new()
    }
    /// Every record of the set, when it can list them (issue 20: `share --evidence all`).
    fn all(&self) -> Option<Result<Vec<Entity>, SetError>> {
        None
    }
}

/// Whether `entity` links to any of `ids` through an entity-typed property.
pub fn references_any(entity: &Entity, ids: &[String]) -> bool {
    entity.values_of_type(PropType::Entity).any(|(_, v)| ids.iter().any(|id| id == v))
}

/// An in-memory dataset (tests, and callers that hold entities already).
#[derive(Debug, Clone)]
pub struct MemSet {
    pub info: DatasetInfo,
    pub entities: Vec<Entity>,
    /// Record id -> lines of `info.file` (see [`MemSet::from_file`]).
    pub lines: std::collections::BTreeMap<String, Vec<u64>>,
}

impl MemSet {
    /// A dataset of `entities` with the given name, origin and kind.
    pub fn new(dataset: &str, origin: &str, kind: &str, entities: Vec<Entity>) -> MemSet {
        let info = DatasetInfo {
            dataset: dataset.into(),
            origin: origin.into(),
            kind: kind.into(),
            publisher: None,
            retrieved_at: None,
            records: entities.len() as u64,
            loaded_at: String::new(),
            file: None,
        };
        MemSet { info, entities, lines: Default::default() }
    }

    /// The set as read from the case's evidence file `file`, each entity on the line given beside it.
    pub fn from_file(mut self, file: &str, lines: &[(&str, u64)]) -> MemSet {
        self.info.file = Some(file.to_string());
        for (id, line) in lines {
            self.lines.entry(id.to_string()).or_default().push(*line);
        }
        self
    }
}

impl EvidenceSet for MemSet {
    fn info(&self) -> &DatasetInfo {
        &self.info
    }

    /// Records sharing an index key with the query, as the store's index would propose them.
    fn candidates(&self, query: &Entity, limit: usize) -> Result<Vec<Entity>, SetError> {
        let keys = index_keys(query);
        Ok(self
            .entities
            .iter()
            .filter(|e| index_keys(e).iter().any(|k| keys.contains(k)))
            .take(limit)
            .cloned()
            .collect())
    }

    fn screen(&self, query: &Entity, threshold: f64) -> Result<Vec<Screened>, SetError> {
        let Some(query_schema) = query.schema_def() else { return Ok(Vec::new()) };
        let prepared = crosscheck_match::Prepared::new(query);
        let mut out: Vec<Screened> = self
            .entities
            .iter()
            .filter(|e| e.schema_def().is_some_and(|s| query_schema.can_match(s)))
            .map(|e| (e, crosscheck_match::score_prepared(&prepared, &crosscheck_match::Prepared::new(e))))
            .filter(|(_, scored)| scored.score >= threshold)
            .map(|(e, scored)| Screened { entity: e.clone(), score: scored.score, explanation: scored.explanation })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.entity.id.cmp(&b.entity.id)));
        Ok(out)
    }

    fn get(&self, id: &str) -> Result<Option<Entity>, SetError> {
        Ok(self.entities.iter().find(|e| e.id == id).cloned())
    }

    fn referencing(&self, ids: &[String]) -> Result<Vec<Entity>, SetError> {
        Ok(self.entities.iter().filter(|e| references_any(e, ids)).cloned().collect())
    }

    fn lines(&self, id: &str) -> Vec<u64> {
        self.lines.get(id).cloned().unwrap_or_default()
    }
}
