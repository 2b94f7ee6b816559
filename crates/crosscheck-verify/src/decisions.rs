//! The desk's decisions on a case (PRODUCT.md, "Cases and decisions"), as values: which target
//! each one is about, whether it fits the case, which one is in effect, and what applying it
//! does. No IO: the engine reads the decisions from the desk's log and passes them in.
//!
//! A decision's `target` is a claim id of the case (`subject.birthDate`; its judgement is
//! `note`) or a record `"dataset:record"` of one of the case's datasets (the text before the
//! first `:` is the dataset; its judgement is `same`, `different` or `unsure`, and its `person`
//! is `subject` or a person's key). A later decision on the same target supersedes an earlier
//! one; both stay in the log and in the report, the earlier one not applied.
//!
//! Applied: `same` resolves the record to the person ("resolved by desk decision"), whatever
//! resolution would say, and even when the case file's `exclude` names it (the decision is the
//! desk's later word); `different` keeps the record out as `exclude` does; `unsure` changes
//! nothing; `note` shows beside its claim. A decision that no longer fits the case (a claim or
//! person removed from the case file since, a record no longer in the dataset) is listed, not
//! applied, with the reason.

use crate::case::{Case, EvidenceSpec};
use serde::{Deserialize, Serialize};

/// What the desk decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Judgement {
    /// The record is about the person.
    Same,
    /// It is not (a namesake).
    Different,
    /// Recorded, changes nothing.
    Unsure,
    /// A note on a claim.
    Note,
}

impl Judgement {
    pub const ALL: [Judgement; 4] = [Judgement::Same, Judgement::Different, Judgement::Unsure, Judgement::Note];

    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::Same => "same",
            Judgement::Different => "different",
            Judgement::Unsure => "unsure",
            Judgement::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<Judgement> {
        Judgement::ALL.into_iter().find(|j| j.as_str() == s)
    }
}

/// One recorded decision, as the desk's log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The log entry's id.
    pub id: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who (a token's name, or the system user).
    pub by: String,
    pub target: String,
    pub person: Option<String>,
    pub judgement: Judgement,
    pub reason: Option<String>,
}

/// What a decision's target is, once checked against the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// A claim of the case (index into [`Case::claims`]).
    Claim(usize),
    /// A record of a dataset of the case, about a person (index into [`Case::people`]).
    Record { dataset: String, record: String, person: usize },
}

/// Why a decision does not fit the case: the field at fault, and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Misfit {
    /// `target`, `person` or `judgement`.
    pub field: &'static str,
    pub message: String,
}

fn misfit(field: &'static str, message: impl Into<String>) -> Misfit {
    Misfit { field, message: message.into() }
}

/// The names of the case's datasets, in evidence order.
pub fn dataset_names(case: &Case) -> Vec<&str> {
    case.evidence
        .iter()
        .map(|spec| match spec {
            EvidenceSpec::Dataset { name, .. } => name.as_str(),
            EvidenceSpec::File(f) => f.dataset.as_str(),
        })
        .collect()
}

/// Checks a decision's target, person and judgement against `case` (not whether the record
/// exists: that takes the dataset, which the caller has).
pub fn check(case: &Case, target: &str, person: Option<&str>, judgement: Judgement) -> Result<Checked, Misfit> {
    let target = target.trim();
    if target.is_empty() {
        return Err(misfit("target", "is empty: give a claim id of the case or a record as `dataset:record`"));
    }
    if let Some(index) = case.claims.iter().position(|c| c.id == target) {
        let claim = &case.claims[index];
        if judgement != Judgement::Note {
            return Err(misfit(
                "judgement",
                format!(
                    "`{}` does not fit a claim: a decision on the claim `{target}` is a `note` (same, different and unsure are for records)",
                    judgement.as_str()
                ),
            ));
        }
        let owner = &case.people[claim.person].key;
        if let Some(person) = person.filter(|p| p != owner) {
            return Err(misfit("person", format!("the claim `{target}` is about `{owner}`, not `{person}`")));
        }
        return Ok(Checked::Claim(index));
    }
    let Some((dataset, record)) = target.split_once(':') else {
        return Err(misfit(
            "target",
            format!("`{target}` is neither a claim id of the case nor a record written `dataset:record`"),
        ));
    };
    let names = dataset_names(case);
    if !names.contains(&dataset) {
        let known = if names.is_empty() { "none".to_string() } else { names.join(", ") };
        return Err(misfit("target", format!("`{dataset}` is not a dataset of the case (its datasets: {known})")));
    }
    if record.is_empty() {
        return Err(misfit("target", "names no record after `dataset:`"));
    }
    if judgement == Judgement::Note {
        return Err(misfit(
            "judgement",
            "`note` does not fit a record: a decision on a record is `same`, `different` or `unsure` (notes are for claims)",
        ));
    }
    let Some(person) = person else {
        return Err(misfit("person", "is needed for a record: `subject` or the key of a person of the case"));
    };
    let Some(index) = case.people.iter().position(|p| p.key == person) else {
        let keys: Vec<&str> = case.people.iter().map(|p| p.key.as_str()).collect();
        return Err(misfit("person", format!("`{person}` is not a person of the case ({})", keys.join(", "))));
    };
    Ok(Checked::Record { dataset: dataset.to_string(), record: record.to_string(), person: index })
}

/// For each decision (in log order), the id of the decision that superseded it: the next one
/// on the same target.
pub fn superseded_by(targets: &[(i64, String)]) -> Vec<Option<i64>> {
    let mut out = vec![None; targets.len()];
    for (i, (_, target)) in targets.iter().enumerate() {
        out[i] = targets[i + 1..].iter().find(|(_, t)| t == target).map(|(id, _)| *id);
    }
    out
}
