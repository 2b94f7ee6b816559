//! Case parsing: claim ids and order, YAML 1.2 readings, and errors that name line, column and key
//! but never a value.

use super::*;

fn today() -> PartialDate {
    PartialDate::parse("2024-11-01").unwrap()
}

fn parse(text: &str) -> Result<Case, CaseError> {
    parse_case(text, "default", today())
}

const CASE: &str = r#"
case: desk-2024-017
as_of: 2024-11-01
subject:
  name: Gleb Sergeyevich Ivanov
  birthDate: 1991-03-14
  birthPlace: Tver
  address: ["Moscow, Lesnaya ul. 5-12", "Tver, prospekt Lenina 3"]
  employer: Federal Protective Service
  position: communications engineer
  employedFrom: 2009
  employedUntil: 2022
  employment:
    - {employer: Tver Railway Depot, position: electrician, from: 2007, until: 2009}
people:
  - {key: wife, relationship: spouse, name: Anna Ivanova, age: 33}
  - {key: father, relationship: father, name: Sergei Ivanov, birthDate: 1962-07-02}
documents:
  - key: passport
    type: mrz
    holder: subject
    value: "P<RUSIVANOV<<GLEB<<<<<<<<<<<<<<<<<<<<<<<<<<<\n7512345672RUS9103144M3009129<<<<<<<<<<<<<<08"
  - {key: service-id, type: document, number: "FSO 004512", issuer: Federal Protective Service, holder: subject}
sources:
  - {key: A, group: former-colleagues, confirms: [subject.name, subject.employer]}
  - {key: B, group: neighbours, confirms: [subject.name, subject.address.1], disputes: [subject.employedUntil],
     note: "met him in 2015"}
evidence:
  - {dataset: ru-wanted}
  - {file: evidence/registry.jsonl, dataset: registry, origin: registry-2021, kind: government}
  - {file: evidence/leak.csv, mapping: evidence/leak.mapping.yml, origin: leak-2020, kind: leak}
"#;

#[test]
fn product_example_claim_ids_in_order() {
    let case = parse(CASE).unwrap();
    let ids: Vec<&str> = case.claims.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "subject.name",
            "subject.birthDate",
            "subject.birthPlace",
            "subject.address.1",
            "subject.address.2",
            "subject.employer",
            "subject.position",
            "subject.employedFrom",
            "subject.employedUntil",
            "subject.employment.1.employer",
            "subject.employment.1.position",
            "subject.employment.1.from",
            "subject.employment.1.until",
            "wife.relationship",
            "wife.name",
            "wife.age",
            "father.relationship",
            "father.name",
            "father.birthDate",
            "passport.valid",
            "passport.holder",
            "service-id.valid",
            "service-id.holder",
        ]
    );
    let claimed = |id: &str| case.claims.iter().find(|c| c.id == id).unwrap().claimed.clone();
    assert_eq!(claimed("subject.birthDate"), serde_json::json!("1991-03-14"));
    assert_eq!(claimed("subject.employedFrom"), serde_json::json!(2009));
    assert_eq!(claimed("wife.age"), serde_json::json!(33));
    assert_eq!(claimed("passport.valid"), serde_json::Value::Null);
    assert_eq!(case.sources[1].group, "neighbours");
    assert_eq!(case.evidence.len(), 3);
    let EvidenceSpec::File(f) = &case.evidence[2] else { panic!() };
    assert_eq!(f.dataset, "leak");
}

#[test]
fn yaml_1_2_readings() {
    let case = parse("subject: {name: NO, birthDate: 1991, nationality: NO}\n").unwrap();
    assert_eq!(case.claims[0].claimed, serde_json::json!("NO"));
    assert_eq!(case.claims[1].claimed, serde_json::json!("1991"));
    assert_eq!(case.people[0].entity.get("nationality"), ["no"]);
    assert_eq!(case.id, "default");
    let bom = parse("\u{feff}subject: {name: X Y}\r\npeople:\r\n  - {key: wife, name: Z Y}\r\n").unwrap();
    assert_eq!(bom.claims.len(), 2);
    let quoted = parse("subject: {name: X Y, birthDate: \"1991-03\"}\n").unwrap();
    assert_eq!(quoted.claims[1].claimed, serde_json::json!("1991-03"));
}

fn error_of(text: &str) -> CaseError {
    parse(text).unwrap_err()
}

#[test]
fn errors_name_line_column_and_key_never_values() {
    let table: &[(&str, usize, &str, &str)] = &[
        ("subject: {name: A B}\nbogus: 1\n", 2, "", "unknown key `bogus`"),
        ("subject:\n  name: A B\n  birthdate: 1991\n", 3, "subject", "did you mean `birthDate`?"),
        ("subject:\n  name: A B\n  birthDate: 14th of March\n", 3, "subject.birthDate", "unreadable date"),
        ("subject: {birthDate: 1991}\n", 1, "subject", "has no name"),
        ("subject: {name: A B}\npeople:\n  - {key: wife, age: 30}\n", 3, "people[1]", "person `wife` has no name"),
        (
            "subject: {name: A B}\nsources:\n  - {key: A, group: g, note: SECRET-NOTE, confirms: [subject.bogus]}\n",
            3,
            "sources[1].confirms[1]",
            "names a claim id the case does not make",
        ),
        ("subject: {name: A B}\nsources:\n  - {key: A, notes: SECRET-NOTE}\n", 3, "sources[1]", "unknown key `notes`"),
        ("subject: {name: A B}\nsources:\n  - {key: A, note: [SECRET-NOTE]}\n", 3, "sources[1].note", "expected text"),
        ("subject: {name: A B}\nevidence:\n  - {file: x.csv, kind: gossip}\n", 3, "evidence[1].kind", "unknown kind"),
        ("subject: {name: A B}\nas_of: 2024-11\n", 2, "as_of", "full date"),
        ("subject: {name: A B}\npeople:\n  - {key: w, name: C D, age: old}\n", 3, "people[1].age", "whole number"),
        (
            "subject: {name: A B}\ndocuments:\n  - {key: p, type: ticket, value: x}\n",
            3,
            "documents[1].type",
            "unknown type",
        ),
        ("subject: {name: A B}\nexclude: [registry]\n", 2, "exclude[1]", "dataset:record"),
        ("subject: {name: A B}\nexclude: [\"registry:r1\"]\n", 2, "exclude[1]", "not in `evidence`"),
    ];
    for (text, line, key, message) in table {
        let e = error_of(text);
        assert_eq!(e.pos.map(|p| p.line), Some(*line), "{text}: {e}");
        assert_eq!(e.key, *key, "{text}: {e}");
        assert!(e.message.contains(message), "{text}: {e}");
        assert!(!e.to_string().contains("SECRET"), "{e}");
    }
}

#[test]
fn syntax_error_is_positioned() {
    let e = error_of("subject: {name: [A B}\n");
    assert!(e.pos.is_some());
    assert!(e.message.starts_with("not valid YAML"));
}

#[test]
fn a_note_typed_without_a_space_never_reaches_an_error() {
    // `note:"..."` is one key to YAML: the key holds the note
    for text in [
        "subject: {name: A B}\nsources:\n  - key: A\n    note:\"SECRET met him in 2015\": x\n",
        "subject: {name: A B}\nsources:\n  - {key: A, \"note:SECRET-NOTE\": 1}\n",
        "subject: {name: A B}\nsources:\n  - {key: A, \"SECRET NOTE met him\": 1}\n",
        "subject: {name: A B}\nbogus:\"SECRET\": 1\n",
    ] {
        let e = error_of(text);
        assert!(e.pos.is_some(), "{text}: {e}");
        assert!(e.message.contains("unknown key"), "{text}: {e}");
        assert!(!e.to_string().contains("SECRET"), "{text}: {e}");
    }
    let e = error_of("subject: {name: A B}\nsources:\n  - {key: A, \"note:SECRET-NOTE\": 1}\n");
    assert!(e.message.contains("`note:`"), "{e}");
}

#[test]
fn unknown_relationship_is_an_error_with_a_suggestion() {
    let e = error_of("subject: {name: A B}\npeople:\n  - {key: boy, relationship: sn, name: C B}\n");
    assert_eq!(e.pos.map(|p| p.line), Some(3));
    assert_eq!(e.key, "people[1].relationship");
    assert!(e.message.contains("unknown relationship (did you mean `son`?)"), "{e}");
    // every word of the vocabulary, in every language, is accepted
    for word in crate::relation::vocabulary() {
        let text = format!("subject: {{name: A B}}\npeople:\n  - {{key: p, relationship: \"{word}\", name: C B}}\n");
        assert!(parse(&text).is_ok(), "{word}");
    }
}

#[test]
fn unknown_claim_ids_and_datasets_get_a_suggestion() {
    let e = error_of("subject: {name: A B, birthDate: 1990}\nsources:\n  - {key: A, confirms: [subject.birthdate]}\n");
    assert!(e.message.contains("did you mean `subject.birthDate`?"), "{e}");
    let e = error_of(
        "subject: {name: A B}\nevidence:\n  - {file: r.jsonl, dataset: registry}\nexclude: [\"registy:r1\"]\n",
    );
    assert!(e.message.contains("did you mean `registry`?"), "{e}");
}

#[test]
fn docs_list_every_relationship_word() {
    let docs = include_str!("../../../../docs/case-file.md");
    for word in crate::relation::vocabulary() {
        assert!(docs.contains(&format!("`{word}`")), "docs/case-file.md does not list `{word}`");
    }
}
