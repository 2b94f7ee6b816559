//! The case file (PRODUCT.md, "The case file"): parsing, checking, and the claims it makes.
//!
//! Decisions and reasons:
//! - Every error names the line, the column and the key path (`sources[2].confirms[1]`) and never
//!   a value: a source's `note` and its other values are private, and the rule is simplest to keep
//!   when no message quotes any value at all. The line and column point at the value.
//! - A source's `note` is checked to be text and then dropped: it is not stored anywhere, so no
//!   output or log line can show it.
//! - A YAML sequence always gives numbered claim ids (`address: [a]` gives `subject.address.1`);
//!   a single value gives the bare id. Claims keep the order of the file, sections included.
//! - `position` beside `employer`/`employedFrom`/`employedUntil` is the employment shorthand's role;
//!   evaluation reads both Employment roles and the FtM `position` property, so either reading holds.
//! - `as_of` must be a full date (it decides ages and MRZ centuries); without it, the caller's
//!   today applies. `case` defaults to the file's stem.
//! - Dates are ISO (`1991`, `1991-03`, `1991-03-14`, bare or quoted); a bare year is a number in
//!   YAML and is read as a year. The common European form `14.03.1991` is read too.

use crate::yaml::{self, Node, Pos, Scalar};
use crosscheck_model::{clean, Entity, PartialDate, PropType, Schema};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

/// A case file that cannot be used: where, which key, and why (never a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    pub pos: Option<Pos>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.pos {
            write!(f, "line {}, column {}: ", p.line, p.column)?;
        }
        if self.key.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "`{}`: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for CaseError {}

fn err(pos: Pos, key: &str, message: impl Into<String>) -> CaseError {
    CaseError { pos: Some(pos), key: key.to_string(), message: message.into() }
}

/// The dataset kinds PRODUCT.md allows.
pub const KINDS: [&str; 7] = ["government", "leak", "social", "registry", "watchlist", "press", "other"];

/// A parsed, checked case.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub as_of: PartialDate,
    /// The subject first, then the people the subject names, in file order.
    pub people: Vec<Person>,
    pub documents: Vec<Document>,
    pub sources: Vec<HumanSource>,
    pub evidence: Vec<EvidenceSpec>,
    pub exclude: Vec<Exclusion>,
    pub claims: Vec<Claim>,
}

/// The subject or a person the subject names, as the case describes them.
#[derive(Debug, Clone)]
pub struct Person {
    /// `subject`, or the subject's word for them (`wife`).
    pub key: String,
    /// What they are to the subject, as the case says it.
    pub relationship: Option<String>,
    /// An FtM Person carrying every claimed property (cleaned): the query for resolution.
    pub entity: Entity,
    pub age: Option<i64>,
    pub employments: Vec<Employment>,
}

/// One employment the case claims.
#[derive(Debug, Clone, Default)]
pub struct Employment {
    pub employer: Option<String>,
    pub position: Option<String>,
    pub from: Option<PartialDate>,
    pub until: Option<PartialDate>,
}

/// A document the subject showed.
#[derive(Debug, Clone)]
pub struct Document {
    pub key: String,
    /// A check-id type name (`mrz`, `ru-passport`, ...) or `document`.
    pub kind: String,
    /// Index into [`Case::people`].
    pub holder: usize,
    pub value: Option<String>,
    pub number: Option<String>,
    pub issuer: Option<String>,
}

/// A human source, by label and group only (the note is never kept).
#[derive(Debug, Clone)]
pub struct HumanSource {
    pub key: String,
    pub group: String,
    pub confirms: Vec<String>,
    pub disputes: Vec<String>,
}

impl HumanSource {
    /// The origin a source's statements count under.
    pub fn origin(&self) -> String {
        format!("group:{}", self.group)
    }
}

/// Where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceSpec {
    /// A dataset loaded with `crosscheck load`.
    Dataset { name: String, pos: Pos },
    /// A file of the case, loaded into the case's scratch store.
    File(FileEvidence),
}

/// A file of the case and its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEvidence {
    /// As written in the case (relative to the case file unless absolute).
    pub file: PathBuf,
    pub dataset: String,
    pub mapping: Option<PathBuf>,
    pub format: Option<String>,
    pub encoding: Option<String>,
    pub origin: Option<String>,
    pub kind: Option<String>,
    pub publisher: Option<String>,
    pub retrieved_at: Option<String>,
    pub pos: Pos,
}

/// A record the desk has ruled out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exclusion {
    pub dataset: String,
    pub record: String,
    pub reason: Option<String>,
}

/// One value the case asserts.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: String,
    /// Index into [`Case::people`] (for documents: the holder).
    pub person: usize,
    pub target: Target,
    /// The value as the case gives it (JSON: dates as ISO strings, years and ages as numbers).
    pub claimed: Value,
    pub pos: Pos,
}

/// What a claim is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// An FtM property of the person, with one claimed value.
    Prop {
        prop: String,
        value: ClaimValue,
    },
    Age(i64),
    Relationship(String),
    Employment {
        index: usize,
        field: EmploymentField,
    },
    DocValid(usize),
    DocHolder(usize),
}

/// Which part of an employment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmploymentField {
    Employer,
    Position,
    From,
    Until,
}

/// A claimed property value.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimValue {
    Text(String),
    Date(PartialDate),
}

const TOP_KEYS: [&str; 8] = ["case", "as_of", "subject", "people", "documents", "sources", "evidence", "exclude"];
const EMPLOYMENT_SHORTHANDS: [&str; 4] = ["employer", "position", "employedFrom", "employedUntil"];
const EMPLOYMENT_ITEM_KEYS: [&str; 4] = ["employer", "position", "from", "until"];
const DOCUMENT_KEYS: [&str; 6] = ["key", "type", "holder", "value", "number", "issuer"];
const SOURCE_KEYS: [&str; 5] = ["key", "group", "confirms", "disputes", "note"];
const FILE_KEYS: [&str; 10] =
    ["file", "dataset", "mapping", "format", "encoding", "origin", "kind", "publisher", "retrieved_at", "retrievedAt"];

/// An unknown key, named only when it is safe to print. A key is text the user typed, and a
/// typo can make a value part of it: `note:"met him in 2015"` (no space after the colon) is one
/// key to YAML, holding a source's private note. So a key is printed only when it is a plain
/// identifier (ASCII letters, digits, `_`, `-`, at most 40 characters); otherwise only its
/// part before the first colon is, when that part is one, and else no part of it.
fn unknown_key(pos: Pos, path: &str, key: &str, known: &[&str]) -> CaseError {
    let ident = |s: &str| {
        !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let (shown, whole) = if ident(key) {
        (Some(key), true)
    } else {
        (key.split_once(':').map(|(head, _)| head.trim()).filter(|h| ident(h)), false)
    };
    let folded = |s: &str| s.replace('_', "").to_lowercase();
    let hint = shown
        .and_then(|shown| {
            known
                .iter()
                .map(|k| (k, strsim::damerau_levenshtein(&folded(k), &folded(shown))))
                .filter(|(_, d)| *d <= 2)
                .min_by_key(|(_, d)| *d)
        })
        .map(|(k, _)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    let message = match shown {
        Some(k) if whole => format!("unknown key `{k}`{hint}"),
        Some(k) => {
            format!("unknown key starting `{k}:` (not shown: it may hold a value; a space must follow the colon){hint}")
        }
        None => "unknown key (not shown: it may hold a value)".to_string(),
    };
    err(pos, path, message)
}

/// The candidate nearest to `given` (at most two edits, and fewer than its length), as a hint.
fn did_you_mean<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|c| (c, strsim::damerau_levenshtein(c, given)))
        .filter(|(c, d)| *d <= 2 && *d < c.chars().count())
        .min_by_key(|(_, d)| *d)
        .map(|(c, _)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A scalar as text (numbers written as numbers become their digits). No value is quoted in errors.
fn text(node: &Node, path: &str) -> Result<String, CaseError> {
    match node {
        Node::Scalar(Scalar::Str(s), _) => Ok(s.trim().to_string()),
        Node::Scalar(Scalar::Int(_, raw) | Scalar::Float(_, raw), _) => Ok(raw.clone()),
        Node::Scalar(Scalar::Bool(b), _) => Ok(b.to_string()),
        other => Err(err(other.pos(), path, format!("expected text, found {}", other.describe()))),
    }
}

fn nonempty_text(node: &Node, path: &str) -> Result<String, CaseError> {
    let t = text(node, path)?;
    if t.is_empty() {
        return Err(err(node.pos(), path, "is empty"));
    }
    Ok(t)
}

fn map<'a>(node: &'a Node, path: &str) -> Result<&'a [(String, Pos, Node)], CaseError> {
    match node {
        Node::Map(items, _) => Ok(items),
        other => Err(err(other.pos(), path, format!("expected a mapping, found {}", other.describe()))),
    }
}

fn seq<'a>(node: &'a Node, path: &str) -> Result<&'a [Node], CaseError> {
    match node {
        Node::Seq(items, _) => Ok(items),
        Node::Scalar(Scalar::Null, _) => Ok(&[]),
        other => Err(err(other.pos(), path, format!("expected a list, found {}", other.describe()))),
    }
}

/// A date as the case writes it: ISO (partial allowed), a bare year, or `14.03.1991`.
fn date(node: &Node, path: &str) -> Result<PartialDate, CaseError> {
    let unreadable = || err(node.pos(), path, "unreadable date: write it as YYYY, YYYY-MM or YYYY-MM-DD");
    match node {
        Node::Scalar(Scalar::Int(y, _), _) => PartialDate::new(*y as i32, None, None).ok_or_else(unreadable),
        Node::Scalar(Scalar::Str(s), _) => PartialDate::parse_loose(s).ok_or_else(unreadable),
        _ => Err(unreadable()),
    }
}

fn date_json(d: &PartialDate) -> Value {
    Value::String(d.to_string())
}

/// A year-ish claim (`employedFrom: 2009`): a number when only the year is known.
fn year_json(d: &PartialDate) -> Value {
    if d.month.is_none() {
        Value::from(d.year)
    } else {
        date_json(d)
    }
}

/// One top-level section's claims, to be put in file order at the end.
struct Builder {
    today: PartialDate,
    people: Vec<Person>,
    people_claims: Vec<Vec<Claim>>,
    doc_claims: Vec<Claim>,
}

/// Parses and checks a case. `default_id` names it when `case` is absent; `today` is `as_of`'s default.
pub fn parse_case(input: &str, default_id: &str, today: PartialDate) -> Result<Case, CaseError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let root = yaml::parse(input).map_err(|e| CaseError {
        pos: Some(e.pos),
        key: String::new(),
        message: format!("not valid YAML: {}", e.reason),
    })?;
    let top = map(&root, "")?;
    let mut seen = HashSet::new();
    for (key, pos, _) in top {
        if !TOP_KEYS.contains(&key.as_str()) {
            return Err(unknown_key(*pos, "", key, &TOP_KEYS));
        }
        if !seen.insert(key.as_str()) {
            return Err(err(*pos, key, "appears twice"));
        }
    }
    let get = |k: &str| top.iter().find(|(key, _, _)| key == k).map(|(_, p, n)| (*p, n));
    let id = match get("case") {
        Some((_, n)) => nonempty_text(n, "case")?,
        None => default_id.to_string(),
    };
    let as_of = match get("as_of") {
        Some((_, n)) => {
            let d = date(n, "as_of")?;
            if d.day.is_none() {
                return Err(err(n.pos(), "as_of", "must be a full date (YYYY-MM-DD)"));
            }
            d
        }
        None => today,
    };
    let mut b = Builder { today: as_of, people: Vec::new(), people_claims: Vec::new(), doc_claims: Vec::new() };
    let Some((subject_pos, subject)) = get("subject") else {
        return Err(CaseError { pos: None, key: "subject".into(), message: "the case has no subject".into() });
    };
    b.person(subject, "subject", subject_pos, true)?;
    if let Some((_, people)) = get("people") {
        for (i, node) in seq(people, "people")?.iter().enumerate() {
            b.person(node, &format!("people[{}]", i + 1), node.pos(), false)?;
        }
    }
    let documents = match get("documents") {
        Some((_, n)) => b.documents(n)?,
        None => Vec::new(),
    };
    // claims in file order: sections in the order they appear
    let mut claims = Vec::new();
    for (key, _, _) in top {
        match key.as_str() {
            "subject" => claims.append(&mut b.people_claims[0]),
            "people" => {
                for c in b.people_claims.iter_mut().skip(1) {
                    claims.append(c);
                }
            }
            "documents" => claims.append(&mut b.doc_claims),
            _ => {}
        }
    }
    let ids: HashSet<&str> = claims.iter().map(|c| c.id.as_str()).collect();
    let sources = match get("sources") {
        Some((_, n)) => parse_sources(n, &ids)?,
        None => Vec::new(),
    };
    let evidence = match get("evidence") {
        Some((_, n)) => parse_evidence(n)?,
        None => Vec::new(),
    };
    let exclude = match get("exclude") {
        Some((_, n)) => parse_exclude(n, &evidence)?,
        None => Vec::new(),
    };
    Ok(Case { id, as_of, people: b.people, documents, sources, evidence, exclude, claims })
}

impl Builder {
    fn person(&mut self, node: &Node, path: &str, pos: Pos, is_subject: bool) -> Result<(), CaseError> {
        let schema = Schema::get("Person").expect("Person schema");
        let items = map(node, path)?;
        let person_idx = self.people.len();
        let mut key = if is_subject { Some("subject".to_string()) } else { None };
        if !is_subject {
            let Some((_, kpos, knode)) = items.iter().find(|(k, _, _)| k == "key") else {
                return Err(err(pos, path, "a person needs a `key` (the subject's word for them, e.g. `wife`)"));
            };
            let k = nonempty_text(knode, &join(path, "key"))?;
            let valid = k.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
            if !valid || k == "subject" {
                return Err(err(*kpos, &join(path, "key"), "use letters, digits, `-` and `_` (and not `subject`)"));
            }
            if self.people.iter().any(|p| p.key == k) {
                return Err(err(*kpos, &join(path, "key"), "two people share this key"));
            }
            key = Some(k);
        }
        let key = key.unwrap_or_default();
        let mut entity = Entity::new(key.clone(), "Person");
        let mut person =
            Person { key: key.clone(), relationship: None, entity: Entity::default(), age: None, employments: vec![] };
        let mut claims = Vec::new();
        let mut shorthand: Option<usize> = None;
        let mut seen = HashSet::new();
        for (k, kpos, value) in items {
            let kpath = join(path, k);
            if !seen.insert(k.as_str()) {
                return Err(err(*kpos, &kpath, "appears twice"));
            }
            let claim = |suffix: &str, target: Target, claimed: Value, pos: Pos| Claim {
                id: format!("{key}.{suffix}"),
                person: person_idx,
                target,
                claimed,
                pos,
            };
            match k.as_str() {
                "key" if !is_subject => {}
                "relationship" if !is_subject => {
                    let r = nonempty_text(value, &kpath)?;
                    if !crate::relation::is_known(&r) {
                        // the word is the user's, not a source's: safe to suggest a fix by it
                        let hint =
                            crate::relation::suggest(&r).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                        return Err(err(
                            value.pos(),
                            &kpath,
                            format!(
                                "unknown relationship{hint}: use a word of the vocabulary in docs/case-file.md \
                                 (`spouse`, `wife`, `son`, `father`, `brother`, ..., or Russian/Ukrainian ones)"
                            ),
                        ));
                    }
                    person.relationship = Some(r.clone());
                    claims.push(claim("relationship", Target::Relationship(r.clone()), Value::String(r), value.pos()));
                }
                "age" => {
                    let Node::Scalar(Scalar::Int(age, _), _) = value else {
                        return Err(err(value.pos(), &kpath, "an age is a whole number of years"));
                    };
                    if !(0..=150).contains(age) {
                        return Err(err(value.pos(), &kpath, "an age runs from 0 to 150"));
                    }
                    person.age = Some(*age);
                    claims.push(claim("age", Target::Age(*age), Value::from(*age), value.pos()));
                }
                s if EMPLOYMENT_SHORTHANDS.contains(&s) => {
                    let index = *shorthand.get_or_insert_with(|| {
                        person.employments.push(Employment::default());
                        person.employments.len() - 1
                    });
                    let (field, claimed) = employment_field(&mut person.employments[index], s, value, &kpath)?;
                    claims.push(claim(s, Target::Employment { index, field }, claimed, value.pos()));
                }
                "employment" => {
                    for (i, item) in seq(value, &kpath)?.iter().enumerate() {
                        let ipath = format!("{kpath}[{}]", i + 1);
                        let index = person.employments.len();
                        person.employments.push(Employment::default());
                        let mut iseen = HashSet::new();
                        for (ik, ikpos, ivalue) in map(item, &ipath)? {
                            if !EMPLOYMENT_ITEM_KEYS.contains(&ik.as_str()) {
                                return Err(unknown_key(*ikpos, &ipath, ik, &EMPLOYMENT_ITEM_KEYS));
                            }
                            if !iseen.insert(ik.as_str()) {
                                return Err(err(*ikpos, &join(&ipath, ik), "appears twice"));
                            }
                            let fpath = join(&ipath, ik);
                            let (field, claimed) =
                                employment_field(&mut person.employments[index], ik, ivalue, &fpath)?;
                            claims.push(claim(
                                &format!("employment.{}.{ik}", i + 1),
                                Target::Employment { index, field },
                                claimed,
                                ivalue.pos(),
                            ));
                        }
                    }
                }
                prop => {
                    let Some(kind) = schema.prop_type(prop) else {
                        let mut known: Vec<&str> = vec!["age", "employment"];
                        known.extend(EMPLOYMENT_SHORTHANDS);
                        known.extend(PERSON_PROPS);
                        if !is_subject {
                            known.extend(["key", "relationship"]);
                        }
                        return Err(unknown_key(*kpos, path, prop, &known));
                    };
                    let (values, numbered) = match value {
                        Node::Seq(items, _) => (items.iter().collect::<Vec<_>>(), true),
                        other => (vec![other], false),
                    };
                    for (i, v) in values.into_iter().enumerate() {
                        let vpath = if numbered { format!("{kpath}[{}]", i + 1) } else { kpath.clone() };
                        let (cv, claimed) = prop_value(kind, v, &vpath)?;
                        match &cv {
                            ClaimValue::Date(d) => entity.add_clean(prop, d.to_string()),
                            ClaimValue::Text(t) => {
                                if !entity.add(prop, t) {
                                    entity.add_clean(prop, t.clone());
                                }
                            }
                        }
                        let suffix = if numbered { format!("{prop}.{}", i + 1) } else { prop.to_string() };
                        claims.push(claim(
                            &suffix,
                            Target::Prop { prop: prop.to_string(), value: cv },
                            claimed,
                            v.pos(),
                        ));
                    }
                }
            }
        }
        if entity.names().is_empty() {
            let who = if is_subject { "the subject".to_string() } else { format!("person `{key}`") };
            return Err(err(pos, path, format!("{who} has no name: give `name` (or `firstName` and `lastName`)")));
        }
        if let Some(d) = entity.first("birthDate").and_then(PartialDate::parse) {
            if d.year > self.today.year {
                return Err(err(pos, &join(path, "birthDate"), "is after `as_of`"));
            }
        }
        person.entity = entity;
        self.people.push(person);
        self.people_claims.push(claims);
        Ok(())
    }

    fn documents(&mut self, node: &Node) -> Result<Vec<Document>, CaseError> {
        let mut out: Vec<Document> = Vec::new();
        for (i, item) in seq(node, "documents")?.iter().enumerate() {
            let path = format!("documents[{}]", i + 1);
            let items = map(item, &path)?;
            let field = |k: &str| items.iter().find(|(key, _, _)| key == k);
            for (k, kpos, _) in items {
                if !DOCUMENT_KEYS.contains(&k.as_str()) {
                    return Err(unknown_key(*kpos, &path, k, &DOCUMENT_KEYS));
                }
            }
            let Some((_, kpos, knode)) = field("key") else {
                return Err(err(item.pos(), &path, "a document needs a `key`"));
            };
            let key = nonempty_text(knode, &join(&path, "key"))?;
            if out.iter().any(|d| d.key == key) || self.people.iter().any(|p| p.key == key) {
                return Err(err(*kpos, &join(&path, "key"), "another document or person has this key"));
            }
            let Some((_, _, tnode)) = field("type") else {
                return Err(err(
                    item.pos(),
                    &path,
                    "a document needs a `type`: a check-id type (`mrz`, ...) or `document`",
                ));
            };
            let kind = nonempty_text(tnode, &join(&path, "type"))?.to_ascii_lowercase();
            if kind != "document" && crate::documents::id_type(&kind).is_none() {
                return Err(err(tnode.pos(), &join(&path, "type"), "unknown type: use a check-id type or `document`"));
            }
            let holder = match field("holder") {
                None => 0,
                Some((_, _, h)) => {
                    let h = nonempty_text(h, &join(&path, "holder"))?;
                    self.people.iter().position(|p| p.key == h).ok_or_else(|| {
                        err(item.pos(), &join(&path, "holder"), "names no person of the case (`subject` or a key)")
                    })?
                }
            };
            let opt = |k: &str| -> Result<Option<String>, CaseError> {
                field(k).map(|(_, _, n)| nonempty_text(n, &join(&path, k))).transpose()
            };
            let value = opt("value")?;
            if kind != "document" && value.is_none() {
                return Err(err(item.pos(), &path, "a document of a check-id type needs its `value`"));
            }
            let doc =
                Document { key: key.clone(), kind, holder, value, number: opt("number")?, issuer: opt("issuer")? };
            let idx = out.len();
            for (suffix, target) in [("valid", Target::DocValid(idx)), ("holder", Target::DocHolder(idx))] {
                self.doc_claims.push(Claim {
                    id: format!("{key}.{suffix}"),
                    person: holder,
                    target,
                    claimed: Value::Null,
                    pos: item.pos(),
                });
            }
            out.push(doc);
        }
        Ok(out)
    }
}

/// Person properties named in "did you mean" hints.
const PERSON_PROPS: [&str; 16] = [
    "name",
    "alias",
    "firstName",
    "lastName",
    "middleName",
    "fatherName",
    "birthDate",
    "birthPlace",
    "deathDate",
    "gender",
    "nationality",
    "address",
    "phone",
    "email",
    "passportNumber",
    "innCode",
];

fn employment_field(
    emp: &mut Employment,
    key: &str,
    value: &Node,
    path: &str,
) -> Result<(EmploymentField, Value), CaseError> {
    Ok(match key {
        "employer" => {
            let t = nonempty_text(value, path)?;
            emp.employer = Some(t.clone());
            (EmploymentField::Employer, Value::String(t))
        }
        "position" => {
            let t = nonempty_text(value, path)?;
            emp.position = Some(t.clone());
            (EmploymentField::Position, Value::String(t))
        }
        "employedFrom" | "from" => {
            let d = date(value, path)?;
            emp.from = Some(d);
            (EmploymentField::From, year_json(&d))
        }
        _ => {
            let d = date(value, path)?;
            emp.until = Some(d);
            (EmploymentField::Until, year_json(&d))
        }
    })
}

fn prop_value(kind: PropType, node: &Node, path: &str) -> Result<(ClaimValue, Value), CaseError> {
    match kind {
        PropType::Date => {
            let d = date(node, path)?;
            Ok((ClaimValue::Date(d), date_json(&d)))
        }
        PropType::Gender => {
            // an unknown spelling stays a claim: it simply finds no evidence
            let t = nonempty_text(node, path)?;
            let g = clean::gender(&t).map_or_else(|| t.clone(), str::to_string);
            Ok((ClaimValue::Text(g), Value::String(t)))
        }
        _ => {
            let t = nonempty_text(node, path)?;
            Ok((ClaimValue::Text(t.clone()), Value::String(t)))
        }
    }
}

fn string_list(node: &Node, path: &str) -> Result<Vec<(String, Pos)>, CaseError> {
    match node {
        Node::Scalar(Scalar::Str(_), _) => Ok(vec![(text(node, path)?, node.pos())]),
        _ => seq(node, path)?
            .iter()
            .enumerate()
            .map(|(i, n)| Ok((nonempty_text(n, &format!("{path}[{}]", i + 1))?, n.pos())))
            .collect(),
    }
}

fn parse_sources(node: &Node, ids: &HashSet<&str>) -> Result<Vec<HumanSource>, CaseError> {
    let mut out: Vec<HumanSource> = Vec::new();
    for (i, item) in seq(node, "sources")?.iter().enumerate() {
        let path = format!("sources[{}]", i + 1);
        let items = map(item, &path)?;
        for (k, kpos, _) in items {
            if !SOURCE_KEYS.contains(&k.as_str()) {
                return Err(unknown_key(*kpos, &path, k, &SOURCE_KEYS));
            }
        }
        let field = |k: &str| items.iter().find(|(key, _, _)| key == k).map(|(_, _, n)| n);
        let key = match field("key") {
            Some(n) => nonempty_text(n, &join(&path, "key"))?,
            None => return Err(err(item.pos(), &path, "a source needs a `key` (its label)")),
        };
        if out.iter().any(|s| s.key == key) {
            return Err(err(item.pos(), &join(&path, "key"), "two sources share this key"));
        }
        let group = match field("group") {
            Some(n) => nonempty_text(n, &join(&path, "group"))?,
            None => key.clone(),
        };
        if let Some(note) = field("note") {
            // checked, then dropped: the note is never stored, so it cannot be printed
            text(note, &join(&path, "note"))?;
        }
        let mut lists = [Vec::new(), Vec::new()];
        for (slot, name) in lists.iter_mut().zip(["confirms", "disputes"]) {
            let Some(n) = field(name) else { continue };
            let lpath = format!("{path}.{name}");
            for (j, (id, pos)) in string_list(n, &lpath)?.into_iter().enumerate() {
                if !ids.contains(id.as_str()) {
                    let hint = did_you_mean(&id, ids.iter().copied());
                    return Err(err(
                        pos,
                        &format!("{lpath}[{}]", j + 1),
                        format!("source `{key}` names a claim id the case does not make{hint}"),
                    ));
                }
                slot.push(id);
            }
        }
        let [confirms, disputes] = lists;
        out.push(HumanSource { key, group, confirms, disputes });
    }
    Ok(out)
}

fn parse_evidence(node: &Node) -> Result<Vec<EvidenceSpec>, CaseError> {
    let mut out = Vec::new();
    let mut names = HashSet::new();
    for (i, item) in seq(node, "evidence")?.iter().enumerate() {
        let path = format!("evidence[{}]", i + 1);
        let items = map(item, &path)?;
        for (k, kpos, _) in items {
            if !FILE_KEYS.contains(&k.as_str()) {
                return Err(unknown_key(*kpos, &path, k, &FILE_KEYS));
            }
        }
        let field = |k: &str| items.iter().find(|(key, _, _)| key == k).map(|(_, _, n)| n);
        let opt = |k: &str| -> Result<Option<String>, CaseError> {
            field(k).map(|n| nonempty_text(n, &join(&path, k))).transpose()
        };
        let spec = match opt("file")? {
            None => {
                let Some(name) = opt("dataset")? else {
                    return Err(err(
                        item.pos(),
                        &path,
                        "give `dataset` (a loaded dataset) or `file` (a file of the case)",
                    ));
                };
                if let Some((k, kpos, _)) = items.iter().find(|(k, _, _)| k != "dataset") {
                    return Err(err(
                        *kpos,
                        &join(&path, k),
                        "a loaded dataset keeps its stored provenance: only `dataset` may be given",
                    ));
                }
                EvidenceSpec::Dataset { name, pos: item.pos() }
            }
            Some(file) => {
                let file = PathBuf::from(file);
                let dataset = match opt("dataset")? {
                    Some(d) => d,
                    None => file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                };
                let kind = opt("kind")?;
                if let Some(k) = &kind {
                    if !KINDS.contains(&k.as_str()) {
                        let n = field("kind").map(Node::pos).unwrap_or_default();
                        return Err(err(
                            n,
                            &join(&path, "kind"),
                            format!("unknown kind: use one of {}", KINDS.join(", ")),
                        ));
                    }
                }
                let retrieved_at = match opt("retrieved_at")? {
                    Some(r) => Some(r),
                    None => opt("retrievedAt")?,
                };
                EvidenceSpec::File(FileEvidence {
                    file,
                    dataset,
                    mapping: opt("mapping")?.map(PathBuf::from),
                    format: opt("format")?,
                    encoding: opt("encoding")?,
                    origin: opt("origin")?,
                    kind,
                    publisher: opt("publisher")?,
                    retrieved_at,
                    pos: item.pos(),
                })
            }
        };
        let name = match &spec {
            EvidenceSpec::Dataset { name, .. } => name.clone(),
            EvidenceSpec::File(f) => f.dataset.clone(),
        };
        if !names.insert(name) {
            return Err(err(item.pos(), &path, "two evidence entries use the same dataset name"));
        }
        out.push(spec);
    }
    Ok(out)
}

fn parse_exclude(node: &Node, evidence: &[EvidenceSpec]) -> Result<Vec<Exclusion>, CaseError> {
    let names: HashSet<&str> = evidence
        .iter()
        .map(|e| match e {
            EvidenceSpec::Dataset { name, .. } => name.as_str(),
            EvidenceSpec::File(f) => f.dataset.as_str(),
        })
        .collect();
    let mut out = Vec::new();
    for (i, item) in seq(node, "exclude")?.iter().enumerate() {
        let path = format!("exclude[{}]", i + 1);
        let (record, reason) = match item {
            Node::Map(items, _) => {
                for (k, kpos, _) in items {
                    if k != "record" && k != "reason" {
                        return Err(unknown_key(*kpos, &path, k, &["record", "reason"]));
                    }
                }
                let field = |k: &str| items.iter().find(|(key, _, _)| key == k).map(|(_, _, n)| n);
                let Some(r) = field("record") else {
                    return Err(err(item.pos(), &path, "give `record: \"dataset:record\"`"));
                };
                let reason = field("reason").map(|n| nonempty_text(n, &join(&path, "reason"))).transpose()?;
                (nonempty_text(r, &join(&path, "record"))?, reason)
            }
            other => (nonempty_text(other, &path)?, None),
        };
        let Some((dataset, id)) = record.split_once(':').filter(|(d, r)| !d.is_empty() && !r.is_empty()) else {
            return Err(err(item.pos(), &path, "write the record as `dataset:record`"));
        };
        if !names.contains(dataset) {
            let hint = did_you_mean(dataset, names.iter().copied());
            return Err(err(item.pos(), &path, format!("names a dataset that is not in `evidence`{hint}")));
        }
        out.push(Exclusion { dataset: dataset.to_string(), record: id.to_string(), reason });
    }
    Ok(out)
}

/// Whether `text` reads as a CSV mapping file (a YAML mapping with a `schema` key), checked
/// before the mapping's own parser runs: that parser's messages quote what it read, and a
/// `mapping:` pointing at any other file (`/etc/shadow`) must not print its content.
pub fn looks_like_mapping(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    matches!(yaml::parse(text), Ok(Node::Map(items, _)) if items.iter().any(|(k, _, _)| k == "schema"))
}

#[cfg(test)]
mod tests;
