//! Scoring rules as tables: (left, right, expectation) rows and (better, worse) ranking pairs.

use super::*;
use crosscheck_model::Entity;

fn person(props: &[(&str, &str)]) -> Entity {
    let mut e = Entity::new("x", "Person");
    for (p, v) in props {
        e.add(p, v);
    }
    e
}

/// Property/value pairs of one side of a pair.
type Props<'a> = &'a [(&'a str, &'a str)];

fn s(a: &[(&str, &str)], b: &[(&str, &str)]) -> f64 {
    score(&person(a), &person(b)).score
}

#[test]
fn decisions_table() {
    let table: &[(Props, Props, bool)] = &[
        (&[("name", "John Smith")], &[("name", "Smith, John")], true),
        (&[("name", "Иван Петрович Сидоров")], &[("name", "Ivan Sidorov")], true),
        (
            &[("name", "Ivan Sidorov"), ("birthDate", "1970-05-01")],
            &[("name", "Ivan Sidorov"), ("birthDate", "1985-02-11")],
            false,
        ),
        (&[("name", "Maria Gonzalez")], &[("name", "Ivan Sidorov")], false),
        (&[("firstName", "Hans"), ("lastName", "Friedrich")], &[("name", "Hans Friedrich")], true),
        (&[("name", "Anna Smith"), ("gender", "female")], &[("name", "Anna Smith"), ("gender", "male")], false),
        // a slash between surnames is not a list of names
        (&[("name", "Anna Ivanova/Petrova")], &[("name", "Olga Petrova")], false),
        (&[("name", "Anna Ivanova/Anna Petrova")], &[("name", "Anna Petrova")], true),
        // both records say which name is the given one, and they are swapped
        (
            &[("firstName", "Konrad"), ("lastName", "Albrecht")],
            &[("firstName", "Albrecht"), ("lastName", "Konrad")],
            false,
        ),
        (&[("firstName", "Konrad"), ("lastName", "Albrecht")], &[("firstName", "K."), ("lastName", "Albrecht")], true),
    ];
    for (a, b, want) in table {
        let got = s(a, b);
        assert_eq!(got >= DEFAULT_THRESHOLD, *want, "{a:?} vs {b:?}: {got}");
    }
}

#[test]
fn ranking_pairs() {
    // (better pair, worse pair): evidence for must raise the score, evidence against lower it.
    let base: &[(&str, &str)] = &[("name", "Gleb Ivanov"), ("birthDate", "1991-03-14"), ("nationality", "ru")];
    let exact = s(base, base);
    let year_only = s(base, &[("name", "Gleb Ivanov"), ("birthDate", "1991"), ("nationality", "ru")]);
    let no_date = s(base, &[("name", "Gleb Ivanov")]);
    let other_date = s(base, &[("name", "Gleb Ivanov"), ("birthDate", "1975-01-01")]);
    assert!(exact > year_only, "{exact} > {year_only}");
    assert!(year_only > no_date, "{year_only} > {no_date}");
    let slip = s(base, &[("name", "Gleb Ivanov"), ("birthDate", "1991-03-15")]);
    assert!(no_date > slip, "{no_date} > {slip}");
    assert!(slip > other_date, "{slip} > {other_date}");
    assert!(slip >= DEFAULT_THRESHOLD, "an exact name with a one-slip date still matches: {slip}");
    assert!(exact < 1.0, "a strong pair still ranks below 1.0: {exact}");
    let with_id = s(
        &[("name", "Gleb Ivanov"), ("passportNumber", "75 1234567")],
        &[("name", "G. Ivanov"), ("passportNumber", "751234567")],
    );
    let without_id = s(&[("name", "Gleb Ivanov")], &[("name", "G. Ivanov")]);
    assert!(with_id > without_id, "{with_id} > {without_id}");
}

#[test]
fn explanation_sums_and_serialises() {
    let r = score(
        &person(&[("name", "Gleb Ivanov"), ("birthDate", "1991")]),
        &person(&[("name", "Gleb Ivanov"), ("birthDate", "1991-03-14")]),
    );
    let raw: f64 = r.explanation.features.iter().map(|f| f.contribution).sum();
    assert!((squash(raw) - r.score).abs() < 1e-3);
    let json = serde_json::to_value(&r.explanation).unwrap();
    assert!(json["summary"].is_string());
    for key in ["name", "weight", "value", "contribution", "detail"] {
        assert!(json["features"][0].get(key).is_some(), "{key}");
    }
}

#[test]
fn squash_is_monotone_and_below_one() {
    let mut last = -1.0;
    for i in 0..200 {
        let x = i as f64 / 100.0;
        let y = squash(x);
        assert!(y >= last && y < 1.0, "{x} -> {y}");
        last = y;
    }
}

fn thing(schema: &str, name: &str) -> Entity {
    let mut e = Entity::new("x", schema);
    e.add("name", name);
    e
}

#[test]
fn names_of_things_table() {
    let table: &[(&str, &str, &str, bool)] = &[
        // a value listing alternatives matches each of them
        ("Organization", "Northern Front", "Jabhat al-Shimal/Northern Front", true),
        ("Organization", "Northern Front", "Northern Front a.k.a. Jabhat al-Shimal", true),
        ("Organization", "Southern Front", "Jabhat al-Shimal/Northern Front", false),
        // a slash inside one name is not a list
        ("Company", "Nordhavn A/S", "Nordhavn A/S", true),
        ("Company", "Nordhavn A/S", "Sydhavn A/S", false),
        // a per cent sign is the word
        ("Organization", "The 9%ers", "The Nine Percenters", true),
        ("Organization", "9% Club", "Nine Percent Club", true),
        ("Organization", "9% Club", "Nine Percent Society", false),
        // a ship-type prefix is not part of a vessel's name
        ("Vessel", "Morning Lark", "MV Morning Lark", true),
        ("Vessel", "Morning Lark", "M/T Morning Lark", true),
        ("Vessel", "Morning Lark", "MV Evening Lark", false),
    ];
    for (schema, a, b, want) in table {
        let got = score(&thing(schema, a), &thing(schema, b)).score;
        assert_eq!(got >= DEFAULT_THRESHOLD, *want, "{schema} {a} vs {b}: {got}");
    }
}

#[test]
fn alternatives_split_only_lists() {
    use crate::features::alternatives;
    assert_eq!(alternatives("Alpha/Beta Gamma"), vec!["Alpha", "Beta Gamma"]);
    assert!(alternatives("Maersk A/S").is_empty());
    assert!(alternatives("M/V Aurora").is_empty());
    assert!(alternatives("Plain Name").is_empty());
}
