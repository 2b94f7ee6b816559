//! Helpers shared by the verify crate's integration tests: invented records, a case verified
//! against in-memory datasets, a claim of the report by id.

use crosscheck_model::{Entity, PartialDate};
use crosscheck_verify::evidence::{EvidenceSet, MemSet};
use crosscheck_verify::report::ClaimResult;
use crosscheck_verify::{parse_case, verify, Report};

/// A record of `schema` with `props`; a value the model refuses as it is goes in cleaned.
pub fn entity(id: &str, schema: &str, props: &[(&str, &str)]) -> Entity {
    let mut e = Entity::new(id, schema);
    for (p, v) in props {
        if !e.add(p, v) {
            e.add_clean(p, v.to_string());
        }
    }
    e
}

/// Verifies the case text (as of 2024-11-01) against `sets`.
pub fn run(case: &str, sets: Vec<MemSet>) -> Report {
    let case = parse_case(case, "t", PartialDate::parse("2024-11-01").unwrap()).expect("a valid case");
    let sets: Vec<Box<dyn EvidenceSet>> = sets.into_iter().map(|s| Box::new(s) as Box<dyn EvidenceSet>).collect();
    verify(&case, &sets).expect("in-memory sets cannot fail")
}

/// The claim `id` of `report`.
pub fn claim<'a>(report: &'a Report, id: &str) -> &'a ClaimResult {
    report.claims.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no claim {id}"))
}
