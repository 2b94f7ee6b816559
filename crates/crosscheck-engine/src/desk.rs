//! The desk's decisions and judgements (PRODUCT.md, "Cases and decisions", "Decisions and the
//! audit trail"): recording them, checked against the case or the loaded datasets, as entries
//! of the desk's log; listing them with which one is in effect; the judgements in effect as the
//! file `xref --judgements` reads; and the log itself, for `crosscheck audit` and `GET /audit`
//! alike.
//!
//! A decision is an entry with action `decision`, its case, target, person, judgement and
//! reason, and the versions of the case's datasets and the scorer in effect when it was made (a
//! dataset loaded with `load` by its store version, a file of the case by `sha256:` and the
//! first 16 hex digits of its content's SHA-256). A judgement is an entry with action
//! `judgement`, its two records (`left`, `right`), judgement and reason, and the two datasets'
//! versions. A later decision on the same target (a later judgement on the same pair, in either
//! order) supersedes the earlier; both stay in the log. Reading never creates the log.

use crate::cases::{case_file, CaseLookupError};
use crate::verify::{VerifyError, VerifyOptions};
use crate::{Engine, EngineError};
use crosscheck_audit::{DatasetVersion, Desk, Entry, NewEntry, RecordRef};
use crosscheck_verify::case::EvidenceSpec;
use crosscheck_verify::decisions::{self, Checked, Misfit};
use crosscheck_verify::{Decision, Judgement};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// A decision as asked for (`POST /cases/{case}/decisions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRequest {
    pub target: String,
    pub person: Option<String>,
    pub judgement: Judgement,
    pub reason: Option<String>,
}

/// A decision as stored: PRODUCT.md's `{"id", "at", "by", "case", "target", "person",
/// "judgement", "reason", "datasets", "scorer"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredDecision {
    pub id: i64,
    pub at: String,
    pub by: String,
    pub case: String,
    pub target: String,
    pub person: Option<String>,
    pub judgement: Judgement,
    pub reason: Option<String>,
    pub datasets: Vec<DatasetVersion>,
    pub scorer: Option<String>,
}

/// A decision in the listing, with whether it is in effect (`GET /cases/{case}/decisions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedDecision {
    #[serde(flatten)]
    pub decision: StoredDecision,
    /// No later decision on the same target.
    pub in_effect: bool,
    /// The later decision on the same target that replaced it.
    pub superseded_by: Option<i64>,
}

/// A judgement on a pair of records as asked for (`POST /judgements`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgementRequest {
    pub left: RecordRef,
    pub right: RecordRef,
    pub judgement: Judgement,
    pub reason: Option<String>,
}

/// A judgement as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredJudgement {
    pub id: i64,
    pub at: String,
    pub by: String,
    pub left: RecordRef,
    pub right: RecordRef,
    pub judgement: Judgement,
    pub reason: Option<String>,
    pub datasets: Vec<DatasetVersion>,
    pub scorer: Option<String>,
}

/// A judgement in the listing (`GET /judgements`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedJudgement {
    #[serde(flatten)]
    pub judgement: StoredJudgement,
    pub in_effect: bool,
    pub superseded_by: Option<i64>,
}

/// One line of the judgements file (`crosscheck audit --judgements`, read by `xref
/// --judgements`): the judgement in effect on one pair, `same` or `different` only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgementLine {
    pub left: RecordRef,
    pub right: RecordRef,
    pub judgement: Judgement,
    pub reason: Option<String>,
    /// The log entry it comes from, when and by whom.
    pub id: i64,
    pub at: String,
    pub by: String,
}

/// Why a decision or judgement was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Lookup(#[from] CaseLookupError),
    /// The request does not fit the case or the datasets: the field at fault and why.
    #[error("{0}")]
    Misfit(#[from] Misfit),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl From<crosscheck_audit::AuditError> for DeskError {
    fn from(e: crosscheck_audit::AuditError) -> DeskError {
        DeskError::Engine(e.into())
    }
}

fn misfit(field: &'static str, message: impl Into<String>) -> DeskError {
    DeskError::Misfit(Misfit { field, message: message.into() })
}

impl Engine {
    /// The desk's log when it exists (reading never creates it).
    pub fn desk_if_any(&self) -> Result<Option<Arc<Desk>>, EngineError> {
        let cached = self.desk.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        if cached.is_some() || self.data_dir.join(crosscheck_audit::FILE_NAME).is_file() {
            return self.desk().map(Some);
        }
        Ok(None)
    }

    /// Every entry of the log, oldest first; only those of `case` when given (`crosscheck
    /// audit`, `GET /audit`).
    pub fn audit(&self, case: Option<&str>) -> Result<Vec<Entry>, EngineError> {
        match self.desk_if_any()? {
            Some(desk) => Ok(desk.entries(case)?),
            None => Ok(Vec::new()),
        }
    }

    /// Records a decision on the case `case` of the folder `cases`, once it fits the case: its
    /// target a claim id (judgement `note`) or a record of one of the case's datasets that
    /// exists (`same`, `different`, `unsure`, with `person` the subject or a person's key).
    pub fn decide(&self, cases: &Path, case: &str, request: DecisionRequest) -> Result<StoredDecision, DeskError> {
        let file = case_file(cases, case)?;
        let opened = self.open_case(&file, VerifyOptions::default())?;
        let target = request.target.trim().to_string();
        let person = request.person.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        let checked = decisions::check(&opened.case, &target, person.as_deref(), request.judgement)?;
        let person = match checked {
            Checked::Claim(index) => Some(opened.case.people[opened.case.claims[index].person].key.clone()),
            Checked::Record { ref dataset, ref record, .. } => {
                let set = opened.evidence.sets.iter().find(|s| &s.info().dataset == dataset);
                let found = match set {
                    Some(set) => set.get(record).map_err(|e| VerifyError::Dataset { path: file.clone(), error: e })?,
                    None => None,
                };
                if found.is_none() {
                    return Err(misfit("target", format!("the dataset `{dataset}` has no record `{record}`")));
                }
                person
            }
        };
        let datasets = case_versions(self, &opened.case, &file)?;
        let reason = request.reason.filter(|r| !r.trim().is_empty());
        let entry = NewEntry {
            by: self.actor.to_string(),
            action: "decision".into(),
            case: Some(case.to_string()),
            target: Some(target),
            person,
            judgement: Some(request.judgement.as_str().into()),
            reason,
            datasets,
            scorer: Some(self.scorer().id().to_string()),
            ..NewEntry::default()
        };
        let stored = self.desk()?.append(entry)?;
        Ok(stored_decision(&stored).expect("a decision just written reads back"))
    }

    /// The decisions on the case `case` of `cases`, in the order they were made, each with
    /// whether it is in effect.
    pub fn decisions(&self, cases: &Path, case: &str) -> Result<Vec<ListedDecision>, DeskError> {
        case_file(cases, case)?;
        let stored: Vec<StoredDecision> = self.audit(Some(case))?.iter().filter_map(stored_decision).collect();
        let targets: Vec<(i64, String)> = stored.iter().map(|d| (d.id, d.target.clone())).collect();
        let later = decisions::superseded_by(&targets);
        Ok(stored
            .into_iter()
            .zip(later)
            .map(|(decision, superseded_by)| ListedDecision {
                decision,
                in_effect: superseded_by.is_none(),
                superseded_by,
            })
            .collect())
    }

    /// The decisions recorded on the case named `case`, as `verify` applies them.
    pub fn recorded_decisions(&self, case: &str) -> Result<Vec<Decision>, EngineError> {
        Ok(self
            .audit(Some(case))?
            .iter()
            .filter_map(stored_decision)
            .map(|d| Decision {
                id: d.id,
                at: d.at,
                by: d.by,
                target: d.target,
                person: d.person,
                judgement: d.judgement,
                reason: d.reason,
            })
            .collect())
    }

    /// Records a judgement on a pair of loaded records.
    pub fn judge(&self, request: JudgementRequest) -> Result<StoredJudgement, DeskError> {
        if request.judgement == Judgement::Note {
            return Err(misfit(
                "judgement",
                "`note` is for claims of a case: a pair is `same`, `different` or `unsure`",
            ));
        }
        let mut datasets = Vec::new();
        for (side, record) in [("left", &request.left), ("right", &request.right)] {
            let snapshot = match self.snapshot(std::slice::from_ref(&record.dataset)) {
                Ok(s) => s,
                Err(EngineError::NoSuchDataset { .. }) => {
                    let field = if side == "left" { "left.dataset" } else { "right.dataset" };
                    return Err(misfit(field, format!("no dataset `{}` is loaded", record.dataset)));
                }
                Err(e) => return Err(e.into()),
            };
            let dataset = &snapshot.datasets()[0];
            if dataset.get(&record.id).map_err(EngineError::from)?.is_none() {
                let field = if side == "left" { "left.id" } else { "right.id" };
                return Err(misfit(field, format!("the dataset `{}` has no record `{}`", record.dataset, record.id)));
            }
            let version = DatasetVersion { dataset: record.dataset.clone(), version: dataset.version().to_string() };
            if !datasets.contains(&version) {
                datasets.push(version);
            }
        }
        if request.left == request.right {
            return Err(misfit("right", "is the same record as `left`: a judgement is on two records"));
        }
        let entry = NewEntry {
            by: self.actor.to_string(),
            action: "judgement".into(),
            judgement: Some(request.judgement.as_str().into()),
            reason: request.reason.filter(|r| !r.trim().is_empty()),
            datasets,
            scorer: Some(self.scorer().id().to_string()),
            left: Some(request.left),
            right: Some(request.right),
            ..NewEntry::default()
        };
        let stored = self.desk()?.append(entry)?;
        Ok(stored_judgement(&stored).expect("a judgement just written reads back"))
    }

    /// Every judgement, in the order made, each with whether it is in effect.
    pub fn judgements(&self) -> Result<Vec<ListedJudgement>, EngineError> {
        let stored: Vec<StoredJudgement> = self.audit(None)?.iter().filter_map(stored_judgement).collect();
        let pairs: Vec<(i64, String)> = stored.iter().map(|j| (j.id, pair_key(&j.left, &j.right))).collect();
        let later = decisions::superseded_by(&pairs);
        Ok(stored
            .into_iter()
            .zip(later)
            .map(|(judgement, superseded_by)| ListedJudgement {
                judgement,
                in_effect: superseded_by.is_none(),
                superseded_by,
            })
            .collect())
    }

    /// The judgements file: the judgement in effect on each pair, when it is `same` or
    /// `different` (a pair whose latest judgement is `unsure` is left out), in the order made.
    pub fn judgements_in_effect(&self) -> Result<Vec<JudgementLine>, EngineError> {
        Ok(self
            .judgements()?
            .into_iter()
            .filter(|j| j.in_effect && matches!(j.judgement.judgement, Judgement::Same | Judgement::Different))
            .map(|j| {
                let j = j.judgement;
                JudgementLine {
                    left: j.left,
                    right: j.right,
                    judgement: j.judgement,
                    reason: j.reason,
                    id: j.id,
                    at: j.at,
                    by: j.by,
                }
            })
            .collect())
    }
}

/// The pair, in either order, as one key.
fn pair_key(a: &RecordRef, b: &RecordRef) -> String {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    serde_json::to_string(&(lo, hi)).unwrap_or_default()
}

fn stored_decision(e: &Entry) -> Option<StoredDecision> {
    let f = &e.fields;
    if f.action != "decision" {
        return None;
    }
    Some(StoredDecision {
        id: e.id,
        at: e.at.clone(),
        by: f.by.clone(),
        case: f.case.clone()?,
        target: f.target.clone()?,
        person: f.person.clone(),
        judgement: Judgement::parse(f.judgement.as_deref()?)?,
        reason: f.reason.clone(),
        datasets: f.datasets.clone(),
        scorer: f.scorer.clone(),
    })
}

fn stored_judgement(e: &Entry) -> Option<StoredJudgement> {
    let f = &e.fields;
    if f.action != "judgement" {
        return None;
    }
    Some(StoredJudgement {
        id: e.id,
        at: e.at.clone(),
        by: f.by.clone(),
        left: f.left.clone()?,
        right: f.right.clone()?,
        judgement: Judgement::parse(f.judgement.as_deref()?)?,
        reason: f.reason.clone(),
        datasets: f.datasets.clone(),
        scorer: f.scorer.clone(),
    })
}

/// The versions of the case's datasets now: a loaded dataset's store version, a file's
/// `sha256:` and 16 hex digits of its content.
fn case_versions(
    engine: &Engine,
    case: &crosscheck_verify::Case,
    file: &Path,
) -> Result<Vec<DatasetVersion>, DeskError> {
    let case_dir = file.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for spec in &case.evidence {
        let (dataset, version) = match spec {
            EvidenceSpec::Dataset { name, .. } => {
                let snapshot = engine.snapshot(std::slice::from_ref(name))?;
                (name.clone(), snapshot.datasets()[0].version().to_string())
            }
            EvidenceSpec::File(f) => {
                let path = if f.file.is_absolute() { f.file.clone() } else { case_dir.join(&f.file) };
                let bytes = fs_err::read(&path)
                    .map_err(|e| VerifyError::Read { path: path.clone(), reason: crate::verify::io_reason(&e) })?;
                let digest = hex(&Sha256::digest(&bytes)[..8]);
                (f.dataset.clone(), format!("sha256:{digest}"))
            }
        };
        out.push(DatasetVersion { dataset, version });
    }
    Ok(out)
}

/// Lower-case hex digits of `bytes` (ids made from digests).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
