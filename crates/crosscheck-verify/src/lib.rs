//! Verifying a subject's account: case files, claims, evidence, corroboration, reports.
//!
//! The path of the data is the path of the modules:
//! [`case`] reads a case file (YAML 1.2, through the marked tree of `yaml`) into people,
//! documents, human sources, evidence and claims with stable ids; [`evidence`] says what is asked
//! of the datasets to check against; [`resolve`] decides which records are about which person; [`evaluate`] turns records,
//! documents ([`documents`], through `crosscheck-ids`) and sources into supports and
//! contradictions, statuses, findings and warnings, giving a [`Report`]; [`render`] writes the
//! report as text, JSON, Markdown or HTML.
//!
//! This crate does no IO: it sees datasets through [`evidence::EvidenceSet`]. The store-backed
//! sets, and opening a case's evidence (loaded datasets, the case's own files loaded into a
//! scratch store), are `crosscheck-engine`'s, which also screens watchlists for the findings the
//! way `match` does. Tests build cases and datasets inline:
//!
//! ```
//! use crosscheck_model::{Entity, PartialDate};
//! use crosscheck_verify::{case::parse_case, evidence::{EvidenceSet, MemSet}, verify, Status};
//!
//! let case = parse_case(
//!     "case: t1\nas_of: 2024-11-01\nsubject: {name: Gleb Ivanov, birthDate: 1991-03-14}\n",
//!     "t1",
//!     PartialDate::parse("2024-11-01").unwrap(),
//! )
//! .unwrap();
//! let mut record = Entity::new("r1", "Person");
//! record.add("name", "Иванов Глеб Сергеевич");
//! record.add("birthDate", "14.03.1991");
//! let sets: Vec<Box<dyn EvidenceSet>> = vec![
//!     Box::new(MemSet::new("registry", "registry-2021", "government", vec![record.clone()])),
//!     Box::new(MemSet::new("leak", "leak-2020", "leak", vec![record])),
//! ];
//! let report = verify(&case, &sets).unwrap();
//! assert_eq!(report.claims[0].id, "subject.name");
//! assert_eq!(report.claims[1].status, Status::Corroborated);
//! ```
//!
//! Invariant: a human source's `note` is dropped by the parser and exists nowhere after it, so no
//! report, message or log line can carry it. Sources appear by key and group only.

pub mod case;
pub mod compare;
pub mod decisions;
pub mod documents;
pub mod evaluate;
pub mod evidence;
pub mod latin;
pub mod relation;
pub mod render;
pub mod report;
pub mod resolve;
mod yaml;

pub use case::{parse_case, Case, CaseError};
pub use decisions::{Decision, Judgement};
pub use evaluate::{verify, verify_decided, verify_with};
pub use report::{Report, Status};
pub use yaml::Pos;
