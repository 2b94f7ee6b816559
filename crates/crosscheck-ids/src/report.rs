//! The check-id wire object: `{"type", "input", "valid", "normalized", "errors", "warnings",
//! "fields"}` plus `suggestions` (MRZ with failed checks) and `checks` (against a holder).
//!
//! This is what `crosscheck check-id` prints (one JSON line per value) and what
//! `docs/schemas/check-id.schema.json` describes, so it derives `Serialize` (a wire type).
//! Decisions:
//! - `errors` and `warnings` are plain sentences that name the check and where it failed
//!   ("check digit of birth date: expected 2, found 7"): they are read by people first.
//! - `fields` keeps insertion order (a `Vec` serialised as a map) so the output reads in the
//!   order of the document; values are strings, or `null` when a field is present but unreadable.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// The outcome of checking one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdCheck {
    /// The type checked (`mrz`, `ru-inn`, ...); for `auto`, the type guessed.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The value as given.
    pub input: String,
    /// True when every check passed (warnings do not make a value invalid).
    pub valid: bool,
    /// The canonical form (digits only, upper case, E.164, MRZ lines joined by `\n`), or `null`
    /// when nothing recognisable was found.
    pub normalized: Option<String>,
    /// Failed checks, each saying which check and where.
    pub errors: Vec<String>,
    /// Doubts that do not make the value invalid.
    pub warnings: Vec<String>,
    /// What the value encodes (MRZ fields, region, kind of taxpayer, ...).
    pub fields: Fields,
    /// OCR corrections consistent with the check digits (MRZ only, when a check failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Suggestions>,
    /// Agreement with a claimed holder (only when a holder was given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<HolderCheck>>,
}

impl IdCheck {
    /// An empty result for `kind` and `input`, valid until an error is added.
    pub fn new(kind: &'static str, input: &str) -> Self {
        Self {
            kind,
            input: input.to_string(),
            valid: true,
            normalized: None,
            errors: Vec::new(),
            warnings: Vec::new(),
            fields: Fields::default(),
            suggestions: None,
            checks: None,
        }
    }

    /// Records a failed check; the value becomes invalid.
    pub fn error(&mut self, message: impl Into<String>) {
        self.valid = false;
        self.errors.push(message.into());
    }

    /// Records a doubt.
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }

    /// Adds a field.
    pub fn field(&mut self, key: &'static str, value: impl Into<String>) {
        self.fields.0.push((key, Some(value.into())));
    }

    /// Adds a field that is present but could not be read.
    pub fn field_null(&mut self, key: &'static str) {
        self.fields.0.push((key, None));
    }
}

/// Ordered `key: value` pairs, serialised as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(&'static str, Option<String>)>);

impl Fields {
    /// The value of `key`, when present and readable.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| *k == key).and_then(|(_, v)| v.as_deref())
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// OCR corrections that make every check digit agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestions {
    /// True when exactly one correction with the fewest changes exists.
    pub unique: bool,
    /// The corrections, fewest changes first (at most a handful are listed).
    pub candidates: Vec<Suggestion>,
}

/// One corrected reading of the zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The corrected zone, lines joined by `\n`.
    pub mrz: String,
    /// Every character changed.
    pub changes: Vec<Change>,
}

/// One character changed by a suggestion (lines and columns count from 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub line: usize,
    pub column: usize,
    pub field: &'static str,
    pub from: char,
    pub to: char,
}

/// One comparison of a document with its claimed holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderCheck {
    /// `name`, `birth_date`, `sex`, `passport_issue_age`, ...
    pub check: &'static str,
    pub result: Agreement,
    /// One plain sentence saying why.
    pub detail: String,
}

/// Whether a document and its claimed holder agree on one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Agreement {
    Agrees,
    Disagrees,
    Unknown,
}

impl Agreement {
    /// The word the JSON answer uses (`agrees`, `disagrees`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Agreement::Agrees => "agrees",
            Agreement::Disagrees => "disagrees",
            Agreement::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod agreement_words {
    use super::Agreement;

    /// The text output's word is the JSON answer's, so people and programs read the same.
    #[test]
    fn as_str_is_the_serialised_word() {
        for a in [Agreement::Agrees, Agreement::Disagrees, Agreement::Unknown] {
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
    }
}
