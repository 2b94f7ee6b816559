//! Issue 14, "a report an editor can trust": the cases a newcomer's trial got backwards, rebuilt
//! with invented people. A false birth place must not be corroborated, a genuine passport whose
//! spelling differs only by romanisation must not be contradicted, an expired one is warned,
//! records kept out of the case are listed with the field that kept them out, and a report says
//! when no watchlist was consulted.

use crosscheck_model::{Entity, PartialDate};
use crosscheck_verify::evidence::{EvidenceSet, MemSet};
use crosscheck_verify::render::{render, Format};
use crosscheck_verify::{parse_case, verify, Report, Status};

fn entity(id: &str, schema: &str, props: &[(&str, &str)]) -> Entity {
    let mut e = Entity::new(id, schema);
    for (p, v) in props {
        if !e.add(p, v) {
            e.add_clean(p, v.to_string());
        }
    }
    e
}

fn run(case: &str, sets: Vec<MemSet>) -> Report {
    let case = parse_case(case, "t", PartialDate::parse("2024-11-01").unwrap()).expect("a valid case");
    let sets: Vec<Box<dyn EvidenceSet>> = sets.into_iter().map(|s| Box::new(s) as Box<dyn EvidenceSet>).collect();
    verify(&case, &sets).expect("in-memory sets cannot fail")
}

fn claim<'a>(report: &'a Report, id: &str) -> &'a crosscheck_verify::report::ClaimResult {
    report.claims.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no claim {id}"))
}

const KHARKIV: &str = "case: t\nas_of: 2024-11-01\n\
    subject: {name: Oleksandr Hnatyuk, birthDate: 1985-04-09, birthPlace: Kharkiv, innCode: \"3123456789\"}\n";

/// Two registries that resolve the subject by his tax number and state a birth place.
fn registries(place: &str) -> Vec<MemSet> {
    let record = |id: &str| {
        entity(
            id,
            "Person",
            &[
                ("name", "Гнатюк Олександр Миколайович"),
                ("birthDate", "1985-04-09"),
                ("birthPlace", place),
                ("innCode", "3123456789"),
            ],
        )
    };
    vec![
        MemSet::new("registry", "registry-2021", "government", vec![record("r1")]),
        MemSet::new("voters", "voters-2019", "government", vec![record("v1")]),
    ]
}

#[test]
fn a_region_or_another_town_of_it_never_corroborates_a_city() {
    // (record's birth place, allowed statuses, why)
    let table: &[(&str, &[Status], &str)] = &[
        (
            "м. Ізюм, Харківська обл.",
            &[Status::Unverified],
            "another town of Kharkiv region the gazetteer does not know",
        ),
        ("Харківська обл.", &[Status::Unverified], "the region alone says less than the city"),
        ("м. Лозова, Харківська обл.", &[Status::Contradicted], "another town of the region the gazetteer knows"),
        ("м. Харків", &[Status::Corroborated], "the city itself, in two registries"),
        ("Харків, Харківська обл.", &[Status::Corroborated], "the city and its region"),
    ];
    for (place, allowed, why) in table {
        let report = run(KHARKIV, registries(place));
        let got = claim(&report, "subject.birthPlace");
        assert!(allowed.contains(&got.status), "{place} ({why}): {:?}: {}", got.status, got.explanation);
    }
}

/// An expired Ukrainian passport (expiry 12 September 2020) whose zone spells HNATIUK, the
/// Ukrainian national scheme's reading of Гнатюк; the subject spells himself Hnatyuk.
const PASSPORT: &str = "documents:\n  - key: passport\n    type: mrz\n    holder: subject\n    value: \
    \"P<UKRHNATIUK<<OLEKSANDR<<<<<<<<<<<<<<<<<<<<<\\nFA123456<6UKR8504098M2009122<<<<<<<<<<<<<<02\"\n";

#[test]
fn an_expired_passport_is_consistent_and_warned_and_a_romanisation_is_no_contradiction() {
    let case = format!(
        "case: t\nas_of: 2024-11-01\n\
         subject: {{name: Oleksandr Hnatyuk, birthDate: 1985-04-09, gender: male, innCode: \"3123456789\"}}\n{PASSPORT}"
    );
    let report = run(&case, registries("м. Харків"));
    let valid = claim(&report, "passport.valid");
    assert_eq!(valid.status, Status::SingleSource, "{}", valid.explanation);
    let detail = valid.evidence[0].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("check digits and format consistent"), "{detail}");
    assert!(detail.contains("expired on 2020-09-12"), "{detail}");
    let warned: Vec<&String> = report.warnings.iter().filter(|w| w.contains("expired on 2020-09-12")).collect();
    assert_eq!(warned.len(), 1, "{:?}", report.warnings);
    assert!(warned[0].contains("passport"), "{}", warned[0]);
    let holder = claim(&report, "passport.holder");
    assert_ne!(holder.status, Status::Contradicted, "{}: {:?}", holder.explanation, holder.evidence);
    assert_ne!(holder.status, Status::Unverified, "{}", holder.explanation);
    for format in Format::ALL {
        let out = render(&report, format).to_lowercase();
        assert!(!out.contains("genuine"), "{}: {out}", format.name());
        assert!(
            !out.contains(" valid:") && !out.contains(") valid"),
            "{}: a bare `valid` reads as genuine",
            format.name()
        );
        assert!(out.contains("expired on 2020-09-12"), "{} carries the expiry warning", format.name());
    }
}

#[test]
fn the_holders_resolved_records_names_are_compared_with_the_zone() {
    // the subject gives only a spelling the zone does not use; the registry resolved by tax
    // number holds the Cyrillic name, which agrees under the Ukrainian national scheme
    let case = format!(
        "case: t\nas_of: 2024-11-01\n\
         subject: {{name: Aleksandr Gnatyuk, birthDate: 1985-04-09, innCode: \"3123456789\"}}\n{PASSPORT}"
    );
    let report = run(&case, registries("м. Харків"));
    let holder = claim(&report, "passport.holder");
    assert_ne!(holder.status, Status::Contradicted, "{}: {:?}", holder.explanation, holder.evidence);
    let details: Vec<&str> = holder.evidence.iter().filter_map(|e| e.detail.as_deref()).collect();
    assert!(details.iter().any(|d| d.contains("Гнатюк") && d.contains("r1")), "{details:?}");
}
