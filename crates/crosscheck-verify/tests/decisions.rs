//! The desk's decisions applied by `verify_decided` (IO-free): `same` resolves a record by desk
//! decision (and wins over the case file's `exclude`), `different` keeps one out as `exclude`
//! does, `unsure` changes nothing, `note` sits beside its claim, a later decision supersedes,
//! and a decision that no longer fits the case is listed, not applied.

mod common;

use common::{claim, entity};
use crosscheck_model::PartialDate;
use crosscheck_verify::evidence::{EvidenceSet, MemSet};
use crosscheck_verify::{parse_case, verify_decided, Decision, Judgement, Report, Status};

const CASE: &str = "case: t
as_of: 2024-11-01
subject: {name: Viktor Hollow, birthDate: 1961-02-03}
people:
  - {key: wife, relationship: spouse, name: Anna Hollow}
evidence:
  - {dataset: registry}
";

fn decision(id: i64, target: &str, person: Option<&str>, judgement: Judgement) -> Decision {
    Decision {
        id,
        at: format!("2024-11-0{id}T10:00:00Z"),
        by: "vera".into(),
        target: target.into(),
        person: person.map(str::to_string),
        judgement,
        reason: Some(format!("reason {id}")),
    }
}

fn registry() -> MemSet {
    let records = vec![
        entity("r1", "Person", &[("name", "Viktor Hollow"), ("birthDate", "1961-02-03")]),
        entity("r2", "Person", &[("name", "Viktor Hollow"), ("birthDate", "1970-05-05")]),
    ];
    MemSet::new("registry", "registry", "registry", records)
}

fn run(case: &str, decisions: &[Decision]) -> Report {
    let case = parse_case(case, "t", PartialDate::parse("2024-11-01").unwrap()).unwrap();
    let sets: Vec<Box<dyn EvidenceSet>> = vec![Box::new(registry())];
    verify_decided(&case, &sets, crosscheck_match::default_scorer(), decisions).unwrap()
}

#[test]
fn without_decisions_the_report_lists_none() {
    let report = run(CASE, &[]);
    assert_eq!(report, common::run(CASE, vec![registry()]), "the same report as `verify`");
    assert_eq!(claim(&report, "subject.birthDate").status, Status::SingleSource);
    assert!(report.decisions.is_empty());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["decisions"], serde_json::json!([]));
    assert!(json["claims"][0].get("notes").is_none(), "no notes key without notes");
}

#[test]
fn same_resolves_by_desk_decision_and_different_excludes() {
    let report = run(CASE, &[decision(1, "registry:r1", Some("subject"), Judgement::Different)]);
    assert_eq!(claim(&report, "subject.birthDate").status, Status::Unverified);
    assert!(report.decisions[0].applied);

    let report = run(CASE, &[decision(1, "registry:r2", Some("subject"), Judgement::Same)]);
    let birth = claim(&report, "subject.birthDate");
    assert_eq!(birth.status, Status::Contradicted);
    let r2 = birth.evidence.iter().find(|e| e.record == "r2").unwrap();
    assert!(r2.detail.as_deref().unwrap().contains("by desk decision 1"), "{r2:?}");

    // the desk's later word wins over the case file's `exclude`
    let excluded = format!("{CASE}exclude: [\"registry:r2\"]\n");
    assert_eq!(claim(&run(&excluded, &[]), "subject.birthDate").status, Status::SingleSource);
    let report = run(&excluded, &[decision(1, "registry:r2", Some("subject"), Judgement::Same)]);
    assert_eq!(claim(&report, "subject.birthDate").status, Status::Contradicted);
}

#[test]
fn unsure_changes_nothing_and_the_latest_decision_on_a_target_is_in_effect() {
    let plain = run(CASE, &[]);
    let report = run(CASE, &[decision(1, "registry:r1", Some("subject"), Judgement::Unsure)]);
    assert_eq!(report.claims, plain.claims);
    assert!(!report.decisions[0].applied);

    let report = run(
        CASE,
        &[
            decision(1, "registry:r1", Some("subject"), Judgement::Different),
            decision(2, "subject.name", None, Judgement::Note),
            decision(3, "registry:r1", Some("subject"), Judgement::Unsure),
        ],
    );
    assert_eq!(claim(&report, "subject.birthDate").status, Status::SingleSource, "the different was superseded");
    assert_eq!(report.decisions[0].superseded_by, Some(3));
    assert!(!report.decisions[0].applied);
    let notes = &claim(&report, "subject.name").notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].reason.as_deref(), Some("reason 2"));
    assert!(report.decisions[1].applied);
}

#[test]
fn a_decision_that_no_longer_fits_the_case_is_listed_not_applied() {
    let report = run(
        CASE,
        &[
            decision(1, "subject.employer", None, Judgement::Note),
            decision(2, "registry:r404", Some("subject"), Judgement::Same),
            decision(3, "registry:r1", Some("cousin"), Judgement::Different),
            decision(4, "leak:r1", Some("subject"), Judgement::Different),
        ],
    );
    assert_eq!(claim(&report, "subject.birthDate").status, Status::SingleSource);
    assert_eq!(report.decisions.len(), 4);
    for d in &report.decisions {
        assert!(!d.applied, "{d:?}");
        assert!(d.effect.starts_with("not applied"), "{d:?}");
    }
}

#[test]
fn a_listing_the_desk_decided_is_the_subject_is_a_resolved_finding_and_different_drops_one() {
    let case = "case: t
as_of: 2024-11-01
subject: {name: Viktor Hollow, birthDate: 1961-02-03}
evidence:
  - {dataset: list}
";
    let listed = vec![
        entity("l1", "Person", &[("name", "Viktor Hollow"), ("birthDate", "1961-02-03")]),
        entity("l2", "Person", &[("name", "Wiktor Holow")]),
    ];
    let verify = |decisions: &[Decision]| {
        let case = parse_case(case, "t", PartialDate::parse("2024-11-01").unwrap()).unwrap();
        let sets: Vec<Box<dyn EvidenceSet>> = vec![Box::new(MemSet::new("list", "list", "watchlist", listed.clone()))];
        verify_decided(&case, &sets, crosscheck_match::default_scorer(), decisions).unwrap()
    };
    let plain = verify(&[]);
    assert!(plain.findings.iter().any(|f| f.record == "l1"));
    assert!(!plain.findings.iter().any(|f| f.record == "l2" && f.resolved));

    let report = verify(&[decision(1, "list:l2", Some("subject"), Judgement::Same)]);
    let l2 = report.findings.iter().find(|f| f.record == "l2").expect("a finding by desk decision");
    assert!(l2.resolved);

    let report = verify(&[decision(1, "list:l1", Some("subject"), Judgement::Different)]);
    assert!(!report.findings.iter().any(|f| f.record == "l1"), "a namesake ruled out is no finding");
}
