//! Unit tests of the public API: (a, b, should-match) rows and (better, worse) ranking triples,
//! written by us. Tests over the shared reference data live in `tests/shared_data.rs`.

use super::*;

fn p(s: &str) -> Name {
    Name::parse(s, NameKind::Person)
}

#[allow(dead_code)]
fn o(s: &str) -> Name {
    Name::parse(s, NameKind::Organization)
}

fn score(a: &Name, b: &Name) -> f64 {
    compare(a, b).score
}

#[test]
fn cross_script_and_order() {
    assert!(score(&p("Иван Петрович Сидоров"), &p("Ivan Sidorov")) > 0.7);
    assert!(score(&p("John Smith"), &p("Smith, John")) >= 0.95);
    assert!(score(&p("John Smith"), &p("Maria Gonzalez")) < 0.5);
}

#[test]
fn gender_hints() {
    let g = |s| Name::parse(s, NameKind::Person).gender_hint();
    assert_eq!(g("Иванова Мария Петровна"), Some(Gender::Female));
    assert_eq!(g("Ivanov Ivan Ivanovich"), Some(Gender::Male));
    assert_eq!(g("Olena Viktorivna Kovalenko"), Some(Gender::Female));
    assert_eq!(g("Anna Zavershinskaya"), Some(Gender::Female));
    assert_eq!(g("John Smith"), None);
}
