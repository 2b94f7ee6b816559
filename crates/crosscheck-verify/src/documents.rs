//! A document's own checks (`<key>.valid`) and its agreement with its holder (`<key>.holder`),
//! from `crosscheck-ids`. This module is the one place that knows that crate.
//!
//! - `valid`: the check-id checks of the document's type (MRZ check digits and formats, INN
//!   control digits, ...) with the case's `as_of` as the MRZ as-of date. A `type: document` has
//!   nothing to compute: its checks are unknown, and only a dataset holding its number for the
//!   holder can support it (evaluated by the caller).
//! - `holder`: for an MRZ, `crosscheck_ids::holder::check_holder` against the holder as the case
//!   describes them (name as the issuing state transliterates it, birth date, sex, nationality):
//!   any disagreement fails, otherwise any agreement passes, otherwise unknown. For a Russian
//!   internal passport, the form year of its series against the holder's birth date (the same
//!   check `check-id --holder` makes: `crosscheck_ids::holder::check_with_holder`).

use crate::case::Document;
use crosscheck_ids::holder::{check_holder, check_with_holder};
use crosscheck_ids::{Agreement, Date, IdType};
use crosscheck_model::{Entity, PartialDate};

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Passed(String),
    Failed(String),
    Unknown(String),
}

/// What the document's own data says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub valid: Check,
    pub holder: Check,
    /// The document number, for looking it up in datasets.
    pub number: Option<String>,
    /// Doubts of its own checks that do not fail them: an expiry before `as_of`, an expiry not
    /// after the birth date. The report carries them as warnings (issue 14: an expired passport
    /// is consistent, and still expired).
    pub warnings: Vec<String>,
    /// What the document itself states of its holder (`birthDate`, `gender`, `nationality`),
    /// shown beside those claims; never evidence for them (PRODUCT.md: a document's data is
    /// evidence only for its own claims).
    pub states: Vec<(&'static str, String)>,
}

/// The check-id type of a document type name (`mrz`, `ru-passport`, `inn`...).
pub fn id_type(name: &str) -> Option<IdType> {
    name.parse().ok()
}

fn ids_date(d: &PartialDate) -> Option<Date> {
    Date::new(d.year, d.month?, d.day?)
}

/// Checks `doc` held by `holder` as of `as_of`.
pub fn check(doc: &Document, holder: &Entity, as_of: &PartialDate) -> Outcome {
    let nothing = |what: &str| Check::Unknown(format!("a `document` has no {what} to compute"));
    let Some(kind) = id_type(&doc.kind) else {
        return Outcome {
            valid: nothing("checks"),
            holder: nothing("data"),
            number: doc.number.clone(),
            warnings: Vec::new(),
            states: Vec::new(),
        };
    };
    let Some(as_of) = ids_date(as_of) else {
        return Outcome {
            valid: Check::Unknown("no full as-of date".into()),
            holder: Check::Unknown("no full as-of date".into()),
            number: doc.number.clone(),
            warnings: Vec::new(),
            states: Vec::new(),
        };
    };
    let value = doc.value.clone().unwrap_or_default();
    if kind == IdType::Mrz {
        let parsed = crosscheck_ids::mrz::parse(&value, as_of);
        let valid = verdict(&parsed.report);
        let holder = match &parsed.data {
            None => Check::Unknown("the zone could not be read".into()),
            Some(data) => {
                let checks = check_holder(data, holder, as_of);
                let disagree: Vec<&str> =
                    checks.iter().filter(|c| c.result == Agreement::Disagrees).map(|c| c.detail.as_str()).collect();
                let agree: Vec<&str> =
                    checks.iter().filter(|c| c.result == Agreement::Agrees).map(|c| c.check).collect();
                // the name's detail says which spelling agreed and under which scheme
                let name = checks.iter().find(|c| c.check == "name" && c.result == Agreement::Agrees);
                if !disagree.is_empty() {
                    Check::Failed(disagree.join("; "))
                } else if !agree.is_empty() {
                    let mut detail = format!("the zone agrees with the holder on {}", agree.join(", "));
                    if let Some(name) = name {
                        detail.push_str(": ");
                        detail.push_str(&name.detail);
                    }
                    Check::Passed(detail)
                } else {
                    Check::Unknown("nothing in the zone could be compared with the holder".into())
                }
            }
        };
        let mut states = Vec::new();
        if let Some(data) = &parsed.data {
            if let Some(born) = data.birth_date {
                states.push(("birthDate", born.iso()));
            }
            match data.sex {
                Some('M') => states.push(("gender", "male".to_string())),
                Some('F') => states.push(("gender", "female".to_string())),
                _ => {}
            }
            let nationality = data.nationality.trim_matches('<');
            if !nationality.is_empty() {
                states.push(("nationality", nationality.to_string()));
            }
        }
        let number = parsed.data.map(|d| d.document_number).or_else(|| doc.number.clone());
        return Outcome { valid, holder, number, warnings: parsed.report.warnings.clone(), states };
    }
    let report = check_with_holder(kind, &value, holder, as_of);
    let number = report.normalized.clone().or_else(|| Some(value.clone()));
    let holder = match &report.checks {
        Some(checks) => summarise(checks),
        None => Check::Unknown(format!("a `{}` value carries no holder data", report.kind)),
    };
    Outcome { valid: verdict(&report), holder, number, warnings: report.warnings.clone(), states: Vec::new() }
}

/// The holder claim's outcome from its checks: any disagreement fails, else any agreement
/// passes, else unknown with the checks' own reasons.
fn summarise(checks: &[crosscheck_ids::HolderCheck]) -> Check {
    let disagree: Vec<&str> =
        checks.iter().filter(|c| c.result == Agreement::Disagrees).map(|c| c.detail.as_str()).collect();
    let agree: Vec<&str> = checks.iter().filter(|c| c.result == Agreement::Agrees).map(|c| c.detail.as_str()).collect();
    if !disagree.is_empty() {
        Check::Failed(disagree.join("; "))
    } else if !agree.is_empty() {
        Check::Passed(agree.join("; "))
    } else {
        Check::Unknown(checks.iter().map(|c| c.detail.as_str()).collect::<Vec<_>>().join("; "))
    }
}

/// What the checks prove, and no more: check digits and formats are consistent, which a forgery
/// copied from a real document also is. Never "genuine", never a bare "valid" (issue 14); a
/// warning (an expiry before `as_of`) is said beside it.
fn verdict(report: &crosscheck_ids::IdCheck) -> Check {
    if report.valid {
        let mut detail = format!("check digits and format consistent ({})", report.kind);
        for w in &report.warnings {
            detail.push_str("; ");
            detail.push_str(w);
        }
        Check::Passed(detail)
    } else {
        Check::Failed(report.errors.join("; "))
    }
}
