//! The engine on in-memory cases and datasets: status rules, resolution rules, documents,
//! findings, warnings, and the privacy of human sources' notes (a property test over every
//! output format).

use crosscheck_model::{Entity, PartialDate};
use crosscheck_verify::evidence::MemSet;
use crosscheck_verify::render::{render, Format};
use crosscheck_verify::report::{EvidenceItem, Relation};
use crosscheck_verify::{evaluate, parse_case, Report, Status};
use proptest::prelude::*;

mod common;
use common::{entity, run};

fn status(report: &Report, id: &str) -> Status {
    common::claim(report, id).status
}

fn ev(origin: &str, relation: Relation) -> EvidenceItem {
    EvidenceItem {
        origin: origin.into(),
        dataset: None,
        record: "r".into(),
        value: None,
        relation,
        score: None,
        detail: None,
        latin: None,
        file: None,
        lines: Vec::new(),
    }
}

#[test]
fn status_rules_table() {
    use Relation::*;
    let table: &[(&[(&str, Relation)], Status)] = &[
        (&[], Status::Unverified),
        (&[("leak-2020", Supports)], Status::SingleSource),
        (&[("leak-2020", Supports), ("leak-2020", Supports)], Status::SingleSource),
        (&[("leak-2020", Supports), ("registry-2021", Supports)], Status::Corroborated),
        (&[("group:a", Supports), ("group:a", Supports)], Status::SingleSource),
        (&[("group:a", Supports), ("document:passport", Supports)], Status::Corroborated),
        (&[("leak-2020", Supports), ("registry-2021", Supports), ("group:a", Contradicts)], Status::Contradicted),
        (&[("group:a", Contradicts)], Status::Contradicted),
    ];
    for (items, want) in table {
        let evidence: Vec<EvidenceItem> = items.iter().map(|(o, r)| ev(o, *r)).collect();
        assert_eq!(evaluate::status(&evidence).0, *want, "{items:?}");
    }
}

const SUBJECT: &str = "as_of: 2024-11-01\nsubject: {name: Gleb Sergeyevich Ivanov, birthDate: 1991-03-14, birthPlace: Tver, address: [\"Moscow, Lesnaya ul. 5-12\"]}\n";

#[test]
fn two_copies_of_one_leak_count_once_and_independent_origins_corroborate() {
    let rec = entity("p1", "Person", &[("name", "Иванов Глеб Сергеевич"), ("birthDate", "14.03.1991")]);
    let leak = MemSet::new("leak", "leak-2020", "leak", vec![rec.clone()]);
    let copy = MemSet::new("leak-copy", "leak-2020", "leak", vec![rec.clone()]);
    let report = run(SUBJECT, vec![leak.clone(), copy]);
    assert_eq!(status(&report, "subject.birthDate"), Status::SingleSource);
    let registry = MemSet::new("registry", "registry-2021", "government", vec![rec]);
    let report = run(SUBJECT, vec![leak, registry]);
    assert_eq!(status(&report, "subject.birthDate"), Status::Corroborated);
    let c = report.claims.iter().find(|c| c.id == "subject.birthDate").unwrap();
    assert!(c.explanation.contains("two independent origins"), "{}", c.explanation);
    assert_eq!(status(&report, "subject.birthPlace"), Status::Unverified);
    assert!(report.could_not_verify.contains(&"subject.birthPlace".to_string()));
}

#[test]
fn resolution_rules() {
    // a namesake whose birth date differs, not linked: not resolved, so no contradiction
    let namesake = entity("n1", "Person", &[("name", "Ivanov Gleb"), ("birthDate", "1975-01-01")]);
    // name alone, nothing agreeing: not resolved
    let bare = entity("n2", "Person", &[("name", "Gleb Ivanov")]);
    // name + agreeing address (Cyrillic, other word order): resolved
    let by_address =
        entity("a1", "Person", &[("name", "Глеб Иванов"), ("address", "г. Москва, ул. Лесная, д. 5, кв. 12")]);
    let set = MemSet::new("d", "d", "leak", vec![namesake, bare, by_address]);
    let report = run(SUBJECT, vec![set]);
    assert_eq!(status(&report, "subject.birthDate"), Status::Unverified);
    assert_eq!(status(&report, "subject.address.1"), Status::SingleSource);
    let name = report.claims.iter().find(|c| c.id == "subject.name").unwrap();
    assert_eq!(name.evidence.len(), 1);
    assert_eq!(name.evidence[0].record, "a1");

    // resolved by identifier with a wholly unlike name: the name is contradicted
    let case = "as_of: 2024-11-01\nsubject: {name: Gleb Ivanov, passportNumber: \"45 09 123456\"}\n";
    let other = entity("x", "Person", &[("name", "Maria Petrova"), ("passportNumber", "4509-123456")]);
    let report = run(case, vec![MemSet::new("d", "d", "government", vec![other])]);
    assert_eq!(status(&report, "subject.name"), Status::Contradicted);
    assert_eq!(status(&report, "subject.passportNumber"), Status::SingleSource);
}

const FAMILY_CASE: &str = r#"as_of: 2024-11-01
subject: {name: Gleb Ivanov, birthDate: 1991-03-14}
people:
  - {key: wife, relationship: spouse, name: Anna Ivanova, age: 33}
  - {key: father, relationship: father, name: Sergei Ivanov, birthDate: 1962-07-02}
  - {key: mother, relationship: mother, name: Olga Ivanova}
"#;

#[test]
fn links_resolve_relatives_and_differences_contradict() {
    let entities = vec![
        entity("s", "Person", &[("name", "Иванов Глеб"), ("birthDate", "1991-03-14")]),
        entity("w", "Person", &[("name", "Иванова Анна Петровна"), ("birthDate", "1991-06-01")]),
        entity("f", "Person", &[("name", "Иванов Сергей"), ("birthDate", "1961-07-02")]),
        entity("m", "Person", &[("name", "Иванова Ольга")]),
        entity("l1", "Family", &[("person", "s"), ("relative", "w"), ("relationship", "жена")]),
        entity("l2", "Family", &[("person", "s"), ("relative", "f"), ("relationship", "отец")]),
        // stated from the mother's side: the subject is her son
        entity("l3", "Family", &[("person", "m"), ("relative", "s"), ("relationship", "сын")]),
    ];
    let report = run(FAMILY_CASE, vec![MemSet::new("reg", "reg", "government", entities)]);
    assert_eq!(status(&report, "wife.relationship"), Status::SingleSource);
    assert_eq!(status(&report, "wife.name"), Status::SingleSource);
    assert_eq!(status(&report, "wife.age"), Status::SingleSource); // born 1991-06-01: 33 on 2024-11-01
    assert_eq!(status(&report, "father.birthDate"), Status::Contradicted);
    assert_eq!(status(&report, "father.relationship"), Status::SingleSource);
    assert_eq!(status(&report, "mother.relationship"), Status::SingleSource);
    assert_eq!(status(&report, "mother.name"), Status::SingleSource);

    // a relationship that does not fit does not resolve through the link
    let entities = vec![
        entity("s", "Person", &[("name", "Иванов Глеб"), ("birthDate", "1991-03-14")]),
        entity("w", "Person", &[("name", "Иванова Анна")]),
        entity("l1", "Family", &[("person", "s"), ("relative", "w"), ("relationship", "сестра")]),
    ];
    let report = run(FAMILY_CASE, vec![MemSet::new("reg", "reg", "government", entities)]);
    assert_eq!(status(&report, "wife.name"), Status::Unverified);
}

#[test]
fn excluded_records_are_never_evidence() {
    let case = format!("{SUBJECT}evidence: [{{dataset: d}}]\nexclude:\n  - {{record: \"d:p1\", reason: a namesake}}\n");
    let rec = entity("p1", "Person", &[("name", "Иванов Глеб Сергеевич"), ("birthDate", "1991-03-14")]);
    let report = run(&case, vec![MemSet::new("d", "d", "leak", vec![rec])]);
    assert_eq!(status(&report, "subject.birthDate"), Status::Unverified);
    assert_eq!(report.exclusions[0].reason.as_deref(), Some("a namesake"));
}

/// Issue 13 ("Places across scripts"): an invented British subject in invented Russian-script
/// records. Born in Cologne ("Кёльн" in the records), his father in Munich ("Мюнхен"), his wife in
/// Kyiv ("Київ"). Before, the word comparison judged each a different place, the disagreeing birth
/// place kept the subject's and the father's records from resolving, and every claim they carried
/// was lost. A namesake born on the same day in Lviv stays out; one born in a village the
/// gazetteer does not know is no contradiction of the claimed birth place.
#[test]
fn issue_13_places_across_scripts() {
    let case = r#"as_of: 2024-11-01
subject:
  name: Oliver James Bennett
  birthDate: 1984-05-02
  birthPlace: Cologne
  address: ["Moscow, Tverskaya ul. 7-15"]
  employer: Rostelecom
  position: engineer
  employedFrom: 2015
  employedUntil: 2021
people:
  - {key: wife, relationship: spouse, name: Anna Bennett, age: 38, birthPlace: Kyiv}
  - {key: father, relationship: father, name: James Bennett, birthDate: 1955-03-10, birthPlace: Munich}
"#;
    let migration = vec![
        entity(
            "s",
            "Person",
            &[
                ("name", "Беннетт Оливер Джеймс"),
                ("birthDate", "02.05.1984"),
                ("birthPlace", "г. Кёльн, ФРГ"),
                ("address", "г. Москва, ул. Тверская, д. 7, кв. 15"),
            ],
        ),
        entity("w", "Person", &[("name", "Беннетт Анна"), ("birthDate", "1986-01-20"), ("birthPlace", "Київ")]),
        entity("l1", "Family", &[("person", "s"), ("relative", "w"), ("relationship", "жена")]),
        // a namesake born the same day in Lviv: a place the gazetteer knows as another
        entity("n1", "Person", &[("name", "Беннетт Оливер"), ("birthDate", "1984-05-02"), ("birthPlace", "Львов")]),
    ];
    let leak = vec![
        entity("s2", "Person", &[("name", "Оливер Беннетт"), ("birthDate", "1984-05-02"), ("birthPlace", "Кёльн")]),
        entity("f2", "Person", &[("name", "Беннетт Джеймс"), ("birthDate", "1955-03-10"), ("birthPlace", "Мюнхен")]),
        entity("l2", "Family", &[("person", "s2"), ("relative", "f2"), ("relationship", "отец")]),
        entity("o", "Company", &[("name", "ПАО «Ростелеком»")]),
        entity(
            "e",
            "Employment",
            &[("employee", "s2"), ("employer", "o"), ("role", "инженер"), ("startDate", "2015"), ("endDate", "2019")],
        ),
        // resolved by name and birth date; its birth place is a village no gazetteer row names
        entity(
            "v",
            "Person",
            &[("name", "Беннетт Оливер Джеймс"), ("birthDate", "1984-05-02"), ("birthPlace", "пос. Завидово")],
        ),
    ];
    let report = run(
        case,
        vec![
            MemSet::new("migration", "migration-registry-2022", "government", migration),
            MemSet::new("leak", "delivery-leak-2020", "leak", leak),
        ],
    );
    let expected = [
        // the subject's records resolve in both datasets: two origins
        ("subject.name", Status::Corroborated),
        ("subject.birthDate", Status::Corroborated),
        // Кёльн in both; Завидово is undecidable, not a contradiction; Lviv's namesake is not resolved
        ("subject.birthPlace", Status::Corroborated),
        ("subject.address.1", Status::SingleSource),
        ("subject.employer", Status::SingleSource),
        ("subject.position", Status::SingleSource),
        ("subject.employedFrom", Status::SingleSource),
        ("subject.employedUntil", Status::Contradicted),
        ("wife.relationship", Status::SingleSource),
        ("wife.name", Status::SingleSource),
        ("wife.age", Status::SingleSource),
        ("wife.birthPlace", Status::SingleSource),
        ("father.relationship", Status::SingleSource),
        ("father.name", Status::SingleSource),
        ("father.birthDate", Status::SingleSource),
        ("father.birthPlace", Status::SingleSource),
    ];
    for (id, want) in expected {
        let claim = report.claims.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no claim {id}"));
        assert_eq!(claim.status, want, "{id}: {claim:?}");
    }
    assert_eq!(report.claims.len(), expected.len(), "every claim is in the table");
    let place = report.claims.iter().find(|c| c.id == "subject.birthPlace").unwrap();
    assert!(place.evidence.iter().all(|e| e.record != "n1" && e.record != "v"), "{place:?}");
}

#[test]
fn employment_across_languages_and_its_years() {
    let case = "as_of: 2024-11-01\nsubject: {name: Gleb Ivanov, birthDate: 1991-03-14, employer: Rostelecom, position: engineer, employedFrom: 2012, employedUntil: 2020}\n";
    let entities = vec![
        entity("s", "Person", &[("name", "Иванов Глеб"), ("birthDate", "1991-03-14")]),
        entity("o", "Company", &[("name", "ПАО «Ростелеком»")]),
        entity(
            "e",
            "Employment",
            &[("employee", "s"), ("employer", "o"), ("role", "инженер"), ("startDate", "2012-09"), ("endDate", "2019")],
        ),
    ];
    let report = run(case, vec![MemSet::new("hr", "hr-leak", "leak", entities)]);
    assert_eq!(status(&report, "subject.employer"), Status::SingleSource);
    assert_eq!(status(&report, "subject.position"), Status::SingleSource);
    assert_eq!(status(&report, "subject.employedFrom"), Status::SingleSource);
    assert_eq!(status(&report, "subject.employedUntil"), Status::Contradicted);
}

#[test]
fn documents_and_sources() {
    let case = r#"as_of: 2024-11-01
subject: {name: Gleb Ivanov, birthDate: 1991-03-14, gender: male}
documents:
  - key: passport
    type: mrz
    value: "P<RUSIVANOV<<GLEB<<<<<<<<<<<<<<<<<<<<<<<<<<<\n7512345672RUS9103144M3009129<<<<<<<<<<<<<<08"
  - {key: bad, type: ru-inn, value: "7707083894"}
  - {key: card, type: document, number: "FSO 004512"}
sources:
  - {key: A, group: colleagues, confirms: [subject.name, card.holder]}
  - {key: B, group: colleagues, disputes: [subject.birthDate]}
"#;
    let report = run(case, vec![]);
    assert_eq!(status(&report, "passport.valid"), Status::SingleSource);
    assert_eq!(status(&report, "passport.holder"), Status::SingleSource);
    assert_eq!(status(&report, "bad.valid"), Status::Contradicted);
    assert_eq!(status(&report, "card.valid"), Status::Unverified);
    assert_eq!(status(&report, "card.holder"), Status::SingleSource);
    assert_eq!(status(&report, "subject.birthDate"), Status::Contradicted);
    let name = report.claims.iter().find(|c| c.id == "subject.name").unwrap();
    assert_eq!(name.evidence[0].origin, "group:colleagues");
    assert_eq!(name.evidence[0].record, "source:A");
    assert_eq!(name.evidence[0].dataset, None);
    assert!(report.claims.iter().all(|c| c.id != "passport.valid" || c.claimed.is_null()));
}

#[test]
fn watchlist_findings_with_listing_details() {
    let entities = vec![
        entity("w1", "Person", &[("name", "Иванов Глеб Сергеевич"), ("birthDate", "1991-03-14"), ("topics", "wanted")]),
        entity("s1", "Sanction", &[("entity", "w1"), ("reason", "criminal case"), ("startDate", "2023-06-14")]),
        entity("w2", "Person", &[("name", "Gleb Ivanov")]),
    ];
    let report = run(SUBJECT, vec![MemSet::new("wanted", "mvd", "watchlist", entities)]);
    assert!(!report.findings.is_empty());
    let f = &report.findings[0];
    assert_eq!((f.person.as_str(), f.record.as_str(), f.resolved), ("subject", "w1", true));
    assert_eq!(f.details["reason"], ["criminal case"]);
    assert_eq!(f.details["startDate"], ["2023-06-14"]);
    if let Some(namesake) = report.findings.iter().find(|f| f.record == "w2") {
        assert!(!namesake.resolved);
    }
    assert!(report.needs_review());
}

#[test]
fn a_company_of_the_subjects_name_is_no_finding() {
    let entities = vec![
        entity("w1", "Person", &[("name", "Иванов Глеб Сергеевич"), ("birthDate", "1991-03-14")]),
        entity("c1", "Company", &[("name", "Gleb Ivanov")]),
    ];
    let report = run(SUBJECT, vec![MemSet::new("wanted", "mvd", "watchlist", entities)]);
    let records: Vec<&str> = report.findings.iter().map(|f| f.record.as_str()).collect();
    assert!(records.contains(&"w1") && !records.contains(&"c1"), "{records:?}");
}

#[test]
fn a_russian_passport_is_checked_against_its_holder() {
    // Born 1960: at 64 the passport in force was issued at 45 (2005) or later, so a form printed
    // in 1999 cannot be it; a 2009 form can.
    let case = |series: &str| {
        format!(
            "case: t\nas_of: 2024-11-01\nsubject: {{name: Gleb Ivanov, birthDate: 1960-01-01}}\n\
             documents:\n  - {{key: passport, type: ru-passport, value: \"45 {series} 123456\"}}\n"
        )
    };
    let report = run(&case("99"), vec![]);
    assert_eq!(status(&report, "passport.holder"), Status::Contradicted);
    let report = run(&case("09"), vec![]);
    assert_ne!(status(&report, "passport.holder"), Status::Contradicted);
    assert_ne!(status(&report, "passport.holder"), Status::Unverified);
}

#[test]
fn warnings_across_claims() {
    let case = r#"as_of: 2024-11-01
subject: {name: Gleb Ivanov, birthDate: 1991-03-14, employer: Depot, employedFrom: 2000}
people:
  - {key: wife, relationship: spouse, name: Anna Ivanova, age: 20}
  - {key: daughter, relationship: daughter, name: Maria Ivanova, age: 35}
  - {key: father, relationship: father, name: Sergei Ivanov, birthDate: 1985}
"#;
    let report = run(case, vec![]);
    let all = report.warnings.join("\n");
    assert!(all.contains("`daughter` (born 1988 or 1989) is older than their parent the subject (born 1991)"), "{all}");
    assert!(all.contains("is older than their parent `wife`"), "{all}");
    assert!(all.contains("`father` would have been at most 6"), "{all}");
    assert!(all.contains("before 14"), "{all}");
}

fn notes_case(marker: &str) -> String {
    format!(
        r#"as_of: 2024-11-01
subject: {{name: Gleb Ivanov, birthDate: 1991-03-14}}
sources:
  - {{key: A, group: g1, confirms: [subject.name], note: "{marker}"}}
  - key: B
    group: g2
    disputes: [subject.birthDate]
    note: |
      {marker}
"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A source's note never reaches any output format.
    #[test]
    fn notes_never_appear_in_any_output(marker in "[A-Za-z0-9]{12,24}") {
        let rec = entity("p1", "Person", &[("name", "Иванов Глеб"), ("birthDate", "1991-03-14")]);
        let report = run(&notes_case(&marker), vec![MemSet::new("d", "d", "leak", vec![rec])]);
        for format in Format::ALL {
            let out = render(&report, format);
            prop_assert!(!out.contains(&marker), "{} shows the note", format.name());
        }
        let debug = format!("{:?}", report);
        prop_assert!(!debug.contains(&marker));
        // and errors about sources never show it either
        let bad = notes_case(&marker).replace("confirms: [subject.name]", "confirms: [subject.nothing]");
        let err = parse_case(&bad, "t", PartialDate::parse("2024-11-01").unwrap()).unwrap_err();
        prop_assert!(!err.to_string().contains(&marker));
    }
}

#[test]
fn a_passport_record_resolves_its_holder_and_supports_the_document() {
    let case = r#"as_of: 2024-11-01
subject: {name: Gleb Ivanov, birthDate: 1991-03-14}
documents:
  - {key: card, type: document, number: "FSO 004512"}
"#;
    let entities = vec![
        entity("h", "Person", &[("name", "Иванов Глеб")]),
        entity("doc", "Identification", &[("holder", "h"), ("number", "fso-004512")]),
    ];
    let report = run(case, vec![MemSet::new("hr", "hr-leak", "leak", entities)]);
    assert_eq!(status(&report, "subject.name"), Status::SingleSource);
    assert_eq!(status(&report, "card.valid"), Status::SingleSource);
    assert_eq!(status(&report, "card.holder"), Status::SingleSource);
}

#[test]
fn relatives_of_relatives_resolve_through_composed_relationships() {
    let case = r#"as_of: 2024-11-01
subject: {name: Gleb Ivanov, birthDate: 1991-03-14}
people:
  - {key: father, relationship: father, name: Sergei Ivanov}
  - {key: brother, relationship: brother, name: Pavel Ivanov, birthDate: 1985}
  - {key: mother, relationship: mother, name: Olga Ivanova}
"#;
    let entities = vec![
        entity("s", "Person", &[("name", "Иванов Глеб"), ("birthDate", "1991-03-14")]),
        entity("f", "Person", &[("name", "Иванов Сергей")]),
        entity("b", "Person", &[("name", "Иванов Павел"), ("birthDate", "1986-01-01")]),
        entity("m", "Person", &[("name", "Иванова Ольга")]),
        entity("l1", "Family", &[("person", "s"), ("relative", "f"), ("relationship", "отец")]),
        entity("l2", "Family", &[("person", "f"), ("relative", "b"), ("relationship", "сын")]),
        entity("l3", "Family", &[("person", "f"), ("relative", "s"), ("relationship", "сын")]),
        entity("l4", "Family", &[("person", "f"), ("relative", "m"), ("relationship", "жена")]),
    ];
    let report = run(case, vec![MemSet::new("reg", "reg", "government", entities)]);
    assert_eq!(status(&report, "brother.name"), Status::SingleSource);
    assert_eq!(status(&report, "brother.relationship"), Status::SingleSource);
    assert_eq!(status(&report, "brother.birthDate"), Status::Contradicted);
    assert_eq!(status(&report, "mother.name"), Status::SingleSource);
    assert_eq!(status(&report, "father.relationship"), Status::SingleSource);
}

#[test]
fn a_hundred_and_fifty_namesakes_do_not_hide_the_record_that_agrees() {
    let mut entities: Vec<Entity> = (0..150)
        .map(|i| {
            entity(
                &format!("n{i}"),
                "Person",
                &[("name", "Иванов Глеб"), ("birthDate", &format!("{}-01-01", 1930 + i % 60))],
            )
        })
        .collect();
    entities.push(entity("real", "Person", &[("name", "Иванов Глеб"), ("birthDate", "1991-03-14")]));
    let report = run(SUBJECT, vec![MemSet::new("reg", "reg", "government", entities)]);
    assert_eq!(status(&report, "subject.birthDate"), Status::SingleSource);
    let c = report.claims.iter().find(|c| c.id == "subject.birthDate").unwrap();
    assert_eq!(c.evidence.len(), 1);
    assert_eq!(c.evidence[0].record, "real");
}

/// Issue 13: a Directorship (FtM 4) links the subject to an organisation as an Employment does:
/// it supports the claimed employer, position and start year, with its kind in the evidence; its
/// end year does not contradict (a director's term may be part of a longer employment). An
/// Ownership is no employment and supports nothing.
#[test]
fn a_directorship_supports_the_employer_claim_and_an_ownership_does_not() {
    let case = "as_of: 2024-11-01\nsubject:\n  name: Gleb Ivanov\n  birthDate: 1991-03-14\n  employment:\n    - {employer: Rostelecom, position: chairman, from: 2012, until: 2020}\n    - {employer: Northwind Shipping, from: 2015}\n";
    let entities = vec![
        entity("s", "Person", &[("name", "Иванов Глеб"), ("birthDate", "1991-03-14")]),
        entity("o", "Company", &[("name", "ПАО «Ростелеком»")]),
        entity(
            "d",
            "Directorship",
            &[
                ("director", "s"),
                ("organization", "o"),
                ("role", "Chairman of the board"),
                ("startDate", "2012-06"),
                ("endDate", "2016"),
            ],
        ),
        entity("n", "Company", &[("name", "Northwind Shipping Ltd")]),
        entity("w", "Ownership", &[("owner", "s"), ("asset", "n"), ("percentage", "40"), ("startDate", "2015")]),
    ];
    let report = run(case, vec![MemSet::new("registry", "registry-2024", "registry", entities)]);
    assert_eq!(status(&report, "subject.employment.1.employer"), Status::SingleSource);
    assert_eq!(status(&report, "subject.employment.1.position"), Status::SingleSource);
    assert_eq!(status(&report, "subject.employment.1.from"), Status::SingleSource);
    assert_eq!(status(&report, "subject.employment.1.until"), Status::Unverified, "no contradiction either");
    let employer = report.claims.iter().find(|c| c.id == "subject.employment.1.employer").unwrap();
    assert_eq!(employer.evidence[0].record, "d");
    assert_eq!(employer.evidence[0].relation, Relation::Supports);
    let detail = employer.evidence[0].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("directorship record d") && detail.contains("director of"), "{detail}");
    assert_eq!(status(&report, "subject.employment.2.employer"), Status::Unverified, "an owner is no employee");
    assert_eq!(status(&report, "subject.employment.2.from"), Status::Unverified);
}

/// An Occupancy (a post held, as PEP lists give public offices) supports the position by the
/// post's name and the employer by the post's organisation.
#[test]
fn an_occupancy_supports_position_and_employer_through_its_post() {
    let case = "as_of: 2024-11-01\nsubject: {name: Gleb Ivanov, birthDate: 1991-03-14, employer: Tver Oblast Administration, position: governor, employedFrom: 2016}\n";
    let entities = vec![
        entity("s", "Person", &[("name", "Gleb Ivanov"), ("birthDate", "1991-03-14")]),
        entity("b", "PublicBody", &[("name", "Administration of Tver Oblast")]),
        entity("pos", "Position", &[("name", "Governor of Tver Oblast"), ("organization", "b"), ("country", "ru")]),
        entity("oc", "Occupancy", &[("holder", "s"), ("post", "pos"), ("startDate", "2016-09"), ("status", "ended")]),
    ];
    let report = run(case, vec![MemSet::new("peps", "pep-list", "registry", entities)]);
    assert_eq!(status(&report, "subject.employer"), Status::SingleSource);
    assert_eq!(status(&report, "subject.position"), Status::SingleSource);
    assert_eq!(status(&report, "subject.employedFrom"), Status::SingleSource);
    let position = report.claims.iter().find(|c| c.id == "subject.position").unwrap();
    assert_eq!(position.evidence[0].value.as_deref(), Some("Governor of Tver Oblast"));
    let detail = position.evidence[0].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("occupancy record oc (holder of Governor of Tver Oblast)"), "{detail}");
}
