//! The verify report: the JSON contract of PRODUCT.md ("JSON report"), which every other format
//! renders. A wire type, so it derives `Serialize`; `docs/schemas/verify-report.schema.json`
//! describes it and a test validates real output against it.
//!
//! Keys beyond the contract (all additive): `subject`, `people`, `sources` (key and group only),
//! `exclusions`, `summary`; per claim `person` and `origins`; per evidence item `detail` (a
//! short sentence: how the record resolved, what a check found, why a birth place differs).
//! `set_aside` is the contract's: records kept out by one field, with that field. A human source appears as
//! `origin: group:<group>`, `dataset: null`, `record: source:<key>`, `value: null`: never its note.

use crate::case::Exclusion;
use crate::evidence::DatasetInfo;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A claim's status (PRODUCT.md, "Statuses").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Corroborated,
    SingleSource,
    Contradicted,
    Unverified,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Corroborated => "corroborated",
            Status::SingleSource => "single-source",
            Status::Contradicted => "contradicted",
            Status::Unverified => "unverified",
        }
    }
}

/// Whether an item of evidence supports or contradicts its claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    Supports,
    Contradicts,
}

/// One item of evidence for or against a claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceItem {
    pub origin: String,
    pub dataset: Option<String>,
    pub record: String,
    pub value: Option<String>,
    pub relation: Relation,
    pub score: Option<f64>,
    pub detail: Option<String>,
    /// A Latin reading of a Cyrillic `value` (issue 14), for editors who do not read Cyrillic;
    /// `value` itself is kept as the record has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latin: Option<String>,
    /// The case's evidence file the record was read from, as the case names it (absent for a
    /// dataset loaded with `load`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The lines of `file` holding the record (several when records of one id were merged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<u64>,
}

/// One claim and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimResult {
    pub id: String,
    pub claimed: Value,
    /// A Latin reading of a Cyrillic claimed value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed_latin: Option<String>,
    pub status: Status,
    pub evidence: Vec<EvidenceItem>,
    pub explanation: String,
    /// `subject` or the person's key.
    pub person: String,
    /// The distinct origins of the supporting evidence.
    pub origins: Vec<String>,
    /// The desk's notes on the claim (decisions `note` in effect), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<ClaimNote>,
}

/// A desk note on a claim: a decision `note` in effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimNote {
    /// The decision's id in the desk's log.
    pub decision: i64,
    pub at: String,
    pub by: String,
    pub reason: Option<String>,
}

/// One of the desk's recorded decisions on the case, and what applying it did (PRODUCT.md,
/// `decisions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionLine {
    /// The decision's id in the desk's log.
    pub id: i64,
    pub at: String,
    pub by: String,
    /// A claim id, or a record as `dataset:record`.
    pub target: String,
    pub person: Option<String>,
    pub judgement: crate::decisions::Judgement,
    pub reason: Option<String>,
    /// Whether it changed this report: in effect, fitting the case, and not `unsure`.
    pub applied: bool,
    /// The later decision on the same target that replaced it, if any.
    pub superseded_by: Option<i64>,
    /// What it did, or why it was not applied, in a sentence.
    pub effect: String,
}

/// A watchlist record matching a person of the case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub person: String,
    pub dataset: String,
    pub record: String,
    pub caption: String,
    /// A Latin reading of a Cyrillic caption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption_latin: Option<String>,
    pub score: f64,
    pub explanation: crosscheck_match::Explanation,
    pub resolved: bool,
    /// The listing's details: reason, programme, authority, dates (from the record and its
    /// Sanction records), each a list of values.
    pub details: BTreeMap<String, Vec<String>>,
}

/// A record that shares a person's name and a birth date or address but was not resolved, with
/// the field that kept it out (PRODUCT.md, `set_aside`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetAside {
    /// `subject` or the person's key.
    pub person: String,
    pub dataset: String,
    pub record: String,
    pub caption: String,
    /// A Latin reading of a Cyrillic caption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption_latin: Option<String>,
    /// "birth place differs: Lozova (the record) against Kharkiv (claimed)".
    pub reason: String,
}

/// A person of the case, for the report's overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonSummary {
    pub key: String,
    pub relationship: Option<String>,
    pub name: String,
    /// A Latin reading of a Cyrillic name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latin: Option<String>,
}

/// The watchlist findings of one person, every list and listing under them (issue 14: one
/// person on three lists is one finding to an editor, not three).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonFindings {
    /// `subject` or the person's key.
    pub person: String,
    /// The person's name as the case gives it.
    pub name: String,
    /// Whether any listing is resolved to the person (not a name match only).
    pub resolved: bool,
    /// The best score among the listings.
    pub score: f64,
    /// Every listing, in the order of `findings`.
    pub listings: Vec<Listing>,
}

/// One listing of a person's findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listing {
    pub dataset: String,
    /// The listing's record id.
    pub record: String,
    pub caption: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption_latin: Option<String>,
    /// The sanctions programme(s) named by the listing (`program`), possibly none.
    pub programme: Vec<String>,
    pub score: f64,
    pub resolved: bool,
}

/// Groups `findings` per person, people in the order they first appear.
pub fn group_findings(findings: &[Finding], people: &[&PersonSummary]) -> Vec<PersonFindings> {
    let mut out: Vec<PersonFindings> = Vec::new();
    for f in findings {
        let listing = Listing {
            dataset: f.dataset.clone(),
            record: f.record.clone(),
            caption: f.caption.clone(),
            caption_latin: f.caption_latin.clone(),
            programme: f.details.get("program").cloned().unwrap_or_default(),
            score: f.score,
            resolved: f.resolved,
        };
        match out.iter_mut().find(|g| g.person == f.person) {
            Some(g) => {
                g.resolved |= f.resolved;
                g.score = g.score.max(f.score);
                g.listings.push(listing);
            }
            None => {
                let name =
                    people.iter().find(|p| p.key == f.person).map_or_else(|| f.person.clone(), |p| p.name.clone());
                out.push(PersonFindings {
                    person: f.person.clone(),
                    name,
                    resolved: f.resolved,
                    score: f.score,
                    listings: vec![listing],
                });
            }
        }
    }
    out
}

/// A human source by label and group: never anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceLabel {
    pub key: String,
    pub group: String,
}

/// Counts per status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Summary {
    pub claims: usize,
    pub corroborated: usize,
    pub single_source: usize,
    pub contradicted: usize,
    pub unverified: usize,
    pub findings: usize,
    pub warnings: usize,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub case: String,
    pub as_of: String,
    pub crosscheck_version: String,
    pub scorer: String,
    pub datasets: Vec<DatasetInfo>,
    pub claims: Vec<ClaimResult>,
    pub findings: Vec<Finding>,
    /// `findings` grouped per person (additive, issue 14).
    pub findings_by_person: Vec<PersonFindings>,
    pub set_aside: Vec<SetAside>,
    /// The desk's decisions on the case, in the order they were made (empty with
    /// `--no-decisions`).
    pub decisions: Vec<DecisionLine>,
    pub warnings: Vec<String>,
    pub could_not_verify: Vec<String>,
    pub subject: PersonSummary,
    pub people: Vec<PersonSummary>,
    pub sources: Vec<SourceLabel>,
    pub exclusions: Vec<Exclusion>,
    pub summary: Summary,
}

impl Report {
    /// Whether `--strict` should exit 1: a contradicted claim, or anyone found on a watchlist.
    pub fn needs_review(&self) -> bool {
        !self.findings.is_empty() || self.claims.iter().any(|c| c.status == Status::Contradicted)
    }
}
