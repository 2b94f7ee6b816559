//! A folder of cases, as the team server serves it (`serve --cases DIR`): each case is a
//! folder holding a `case.yaml` and its files, named by the folder. A case's name comes from a
//! URL, so it is checked before any path is built: one plain folder name, nothing that could
//! reach outside the folder of cases.

use crate::verify::{Verified, VerifyError};
use crate::Engine;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file a case folder holds.
pub const CASE_FILE: &str = "case.yaml";

/// One line of the list of cases (`GET /cases`): PRODUCT.md's `{"case", "as_of", "subject",
/// "claims", "statuses"}`, and `error` (an addition) for a case that cannot be verified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseSummary {
    pub case: String,
    pub as_of: Option<String>,
    pub subject: Option<String>,
    pub claims: usize,
    /// Claims by status (`corroborated`, `single-source`, `contradicted`, `unverified`).
    pub statuses: BTreeMap<&'static str, usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Why a case cannot be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseLookupError {
    #[error("`{0}` is not a case name: a case is named by its folder (letters, digits, `.`, `_`, `-`)")]
    BadName(String),
    #[error("no case `{0}`")]
    NoSuchCase(String),
}

/// The case file of the case `name` in `cases`, once `name` is known to be one plain folder name.
pub fn case_file(cases: &Path, name: &str) -> Result<PathBuf, CaseLookupError> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 200
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !plain {
        return Err(CaseLookupError::BadName(name.to_string()));
    }
    let file = cases.join(name).join(CASE_FILE);
    if file.is_file() {
        Ok(file)
    } else {
        Err(CaseLookupError::NoSuchCase(name.to_string()))
    }
}

/// The names of the cases in `cases` (folders holding a `case.yaml`), sorted.
pub fn case_names(cases: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(cases)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if case_file(cases, &name).is_ok() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

impl Engine {
    /// Verifies the case `name` of the folder `cases`.
    pub fn verify_case(&self, cases: &Path, name: &str) -> Result<Verified, CaseError> {
        let file = case_file(cases, name)?;
        Ok(self.verify(&file)?)
    }

    /// Every case of `cases`, verified, as one line each; a case that cannot be verified says
    /// why in its line.
    pub fn case_summaries(&self, cases: &Path) -> std::io::Result<Vec<CaseSummary>> {
        let mut out = Vec::new();
        for name in case_names(cases)? {
            out.push(match self.verify_case(cases, &name) {
                Ok(verified) => summary(name, &verified),
                Err(e) => CaseSummary {
                    case: name,
                    as_of: None,
                    subject: None,
                    claims: 0,
                    statuses: BTreeMap::new(),
                    error: Some(e.to_string()),
                },
            });
        }
        Ok(out)
    }
}

fn summary(case: String, verified: &Verified) -> CaseSummary {
    let report = &verified.report;
    let mut statuses = BTreeMap::new();
    for claim in &report.claims {
        *statuses.entry(claim.status.as_str()).or_default() += 1;
    }
    CaseSummary {
        case,
        as_of: Some(report.as_of.clone()),
        subject: Some(report.subject.name.clone()),
        claims: report.claims.len(),
        statuses,
        error: None,
    }
}

/// Why a case of a folder cannot be verified.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error(transparent)]
    Lookup(#[from] CaseLookupError),
    #[error(transparent)]
    Verify(#[from] VerifyError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_name_is_one_plain_folder_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("hollow-2024")).unwrap();
        std::fs::write(dir.path().join("hollow-2024").join(CASE_FILE), "x").unwrap();
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        assert!(case_file(dir.path(), "hollow-2024").is_ok());
        assert_eq!(case_file(dir.path(), "empty"), Err(CaseLookupError::NoSuchCase("empty".into())));
        for bad in ["", "..", ".", "../hollow-2024", "hollow-2024/../x", "a/b", ".hidden", "a\\b", "a b"] {
            assert!(matches!(case_file(dir.path(), bad), Err(CaseLookupError::BadName(_))), "{bad:?}");
        }
        assert_eq!(case_names(dir.path()).unwrap(), ["hollow-2024"]);
    }
}
