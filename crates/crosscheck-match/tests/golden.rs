//! Golden tests of `crosscheck-v1`: today's scores and explanations frozen bit for bit.
//!
//! Written against the scorer before it became a declared table (issue 12, part 3), so that the
//! refactor, and every later change, cannot move a v1 score without a test saying so. A change
//! that is meant to move scores belongs in a new algorithm (`crosscheck-v2`), not here.
//!
//! - `cases_table`: invented pairs (persons, companies, cross-script names, dates,
//!   identifiers, gender, countries, ...) plus every row of the name matcher's own case tables
//!   (`crates/crosscheck-names/tests/name_cases.yaml`, read as entity pairs), each with its exact
//!   score and explanation JSON in `tests/golden/crosscheck-v1.cases.jsonl`.
//! - `entity_bench_shared_data`: every pair of the shared entity benchmark, hashed (scores as
//!   bits, explanations as JSON) against a committed digest; the data itself is never copied.
//! - `v1_id_and_params_pinned`: v1's id and the canonical text of its parameters.
//!
//! Each golden is checked through the old free function (`score`) and through the registry's
//! `explain`, and the fast path `Scorer::score` must give the same bits.
//!
//! To re-record after an intended change (there should be none for v1):
//! `CROSSCHECK_BLESS=1 cargo test -p crosscheck-match --test golden`, and review the diff.

use crosscheck_match::Scored;
use crosscheck_model::Entity;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Property/value pairs of one side of a pair.
type Props<'a> = &'a [(&'a str, &'a str)];

/// (case label, left schema, left properties, right schema, right properties); names invented.
#[rustfmt::skip]
const CASES: &[(&str, &str, Props, &str, Props)] = &[
    // persons: names alone
    ("person/identical", "Person", &[("name", "Tobias Lindqvist")], "Person", &[("name", "Tobias Lindqvist")]),
    ("person/comma-order", "Person", &[("name", "LINDQVIST, Tobias")], "Person", &[("name", "Tobias Lindqvist")]),
    ("person/different", "Person", &[("name", "Tobias Lindqvist")], "Person", &[("name", "Marek Zawadzki")]),
    ("person/shared-surname", "Person", &[("name", "Tobias Lindqvist")], "Person", &[("name", "Henrik Lindqvist")]),
    ("person/aliases-best-pair", "Person", &[("name", "Kestrel Obuya"), ("alias", "K. Obuya")], "Person", &[("name", "Obuya Kestrel")]),
    ("person/aka", "Person", &[("name", "Dorian Vell a.k.a. Dorian Vellani")], "Person", &[("name", "Dorian Vellani")]),
    ("person/slash-surnames", "Person", &[("name", "Wanda Korecka/Lis")], "Person", &[("name", "Wanda Lis")]),
    ("person/initials-only", "Person", &[("name", "T. L.")], "Person", &[("name", "Tobias Lindqvist")]),
    ("person/no-name-one-side", "Person", &[("birthDate", "1968-04-22")], "Person", &[("name", "Tobias Lindqvist"), ("birthDate", "1968-04-22")]),
    // cross-script
    ("script/cyrillic-patronymic", "Person", &[("name", "Арсений Глебович Варенцов")], "Person", &[("name", "Arseniy Varentsov")]),
    ("script/cyrillic-with-date", "Person", &[("name", "Арсений Варенцов"), ("birthDate", "1971-10-03")], "Person", &[("name", "VARENTSOV, Arsenii"), ("birthDate", "1971-10-03")]),
    ("script/greek", "Person", &[("name", "Νικόλαος Παπαδάκης")], "Person", &[("name", "Nikolaos Papadakis")]),
    ("script/arabic", "Person", &[("name", "يوسف ناصر")], "Person", &[("name", "Yousef Nasser")]),
    ("script/han-gender", "Person", &[("name", "陈国栋"), ("gender", "male")], "Person", &[("name", "Chen Guodong"), ("gender", "male")]),
    ("script/hangul", "Person", &[("name", "최민호")], "Person", &[("name", "Choi Min-ho")]),
    // birth dates
    ("date/exact", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22")]),
    ("date/year-contains", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22")]),
    ("date/month-contains", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22")]),
    ("date/year-off-by-one", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1969-04-22")]),
    ("date/day-month-swapped", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-11")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-11-04")]),
    ("date/day-slip", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-23")]),
    ("date/month-only-slip", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-07")]),
    ("date/years-apart", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1983-09-02")]),
    ("date/one-of-several", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22"), ("birthDate", "1970-01-01")], "Person", &[("name", "Ilse Marbach"), ("birthDate", "1970-01-01")]),
    ("date/different-people-same-date", "Person", &[("name", "Ilse Marbach"), ("birthDate", "1968-04-22")], "Person", &[("name", "Oskar Feldmann"), ("birthDate", "1968-04-22")]),
    // identifiers
    ("id/passport-spacing", "Person", &[("name", "Ruslan Tagirov"), ("passportNumber", "45 0912345")], "Person", &[("name", "R. Tagirov"), ("passportNumber", "450912345")]),
    ("id/too-short", "Person", &[("name", "Ruslan Tagirov"), ("idNumber", "1234")], "Person", &[("name", "Ruslan Tagirov"), ("idNumber", "1234")]),
    ("id/different", "Person", &[("name", "Ruslan Tagirov"), ("passportNumber", "450912345")], "Person", &[("name", "Ruslan Tagirov"), ("passportNumber", "450912399")]),
    ("id/inn-cross-script-company", "Company", &[("name", "ООО «Северный Ветер»"), ("innCode", "7701234567")], "Company", &[("name", "Severny Veter LLC"), ("innCode", "7701234567")]),
    ("id/registration-names-differ", "Company", &[("name", "Brightwater Holdings Ltd"), ("registrationNumber", "HRB 448812")], "Company", &[("name", "Clearwater Trading GmbH"), ("registrationNumber", "HRB448812")]),
    // gender
    ("gender/agrees", "Person", &[("name", "Alexis Verhoeven"), ("gender", "female")], "Person", &[("name", "Alexis Verhoeven"), ("gender", "female")]),
    ("gender/disagrees", "Person", &[("name", "Alexis Verhoeven"), ("gender", "female")], "Person", &[("name", "Alexis Verhoeven"), ("gender", "male")]),
    ("gender/other-ignored", "Person", &[("name", "Alexis Verhoeven"), ("gender", "other")], "Person", &[("name", "Alexis Verhoeven"), ("gender", "male")]),
    // countries
    ("country/agrees", "Person", &[("name", "Dmitri Orlovsky"), ("nationality", "ru")], "Person", &[("name", "Dmitri Orlovsky"), ("citizenship", "ru")]),
    ("country/disagrees", "Person", &[("name", "Dmitri Orlovsky"), ("nationality", "ru")], "Person", &[("name", "Dmitri Orlovsky"), ("nationality", "ua"), ("country", "pl")]),
    ("country/overlap-of-several", "Person", &[("name", "Dmitri Orlovsky"), ("nationality", "ru"), ("country", "cy")], "Person", &[("name", "Dmitri Orlovsky"), ("country", "cy")]),
    ("country/company-jurisdiction", "Company", &[("name", "Halvorsen Marine AS"), ("jurisdiction", "no")], "Company", &[("name", "Halvorsen Marine AS"), ("jurisdiction", "se")]),
    // birth places
    ("place/cross-script", "Person", &[("name", "Pyotr Savelyev"), ("birthPlace", "г. Новосибирск")], "Person", &[("name", "Pyotr Savelyev"), ("birthPlace", "Novosibirsk, Russia")]),
    ("place/different", "Person", &[("name", "Pyotr Savelyev"), ("birthPlace", "Omsk")], "Person", &[("name", "Pyotr Savelyev"), ("birthPlace", "Tomsk")]),
    // schema
    ("schema/person-vs-legal-entity", "Person", &[("name", "Gareth Pemberton")], "LegalEntity", &[("name", "Gareth Pemberton")]),
    ("schema/legal-entity-vs-person", "LegalEntity", &[("name", "Gareth Pemberton")], "Person", &[("name", "Gareth Pemberton")]),
    ("schema/legal-entity-vs-company", "LegalEntity", &[("name", "Pemberton Logistics")], "Company", &[("name", "Pemberton Logistics Ltd")]),
    // name parts
    ("parts/first-names-swapped", "Person", &[("firstName", "Konstantin"), ("lastName", "Werner")], "Person", &[("firstName", "Werner"), ("lastName", "Konstantin")]),
    ("parts/first-name-initial", "Person", &[("firstName", "Konstantin"), ("lastName", "Werner")], "Person", &[("firstName", "K."), ("lastName", "Werner")]),
    ("parts/parts-vs-name", "Person", &[("firstName", "Konstantin"), ("fatherName", "Pavlovich"), ("lastName", "Werner")], "Person", &[("name", "Konstantin Werner")]),
    // many features at once
    ("all/strong-pair-squashed", "Person",
        &[("name", "Светлана Игоревна Ломова"), ("birthDate", "1979-02-14"), ("passportNumber", "4509 771234"), ("nationality", "ru"), ("gender", "female"), ("birthPlace", "Самара")],
        "Person",
        &[("name", "Svetlana Lomova"), ("birthDate", "1979-02-14"), ("passportNumber", "4509771234"), ("nationality", "ru"), ("gender", "female"), ("birthPlace", "Samara, USSR")]),
    ("all/strong-but-gender", "Person",
        &[("name", "Svetlana Lomova"), ("birthDate", "1979-02-14"), ("nationality", "ru"), ("gender", "female")],
        "Person",
        &[("name", "Svetlana Lomova"), ("birthDate", "1979-02-14"), ("nationality", "ru"), ("gender", "male")]),
    // companies and other things
    ("org/legal-form", "Company", &[("name", "Halvorsen Shipping Aktieselskab")], "Company", &[("name", "Halvorsen Shipping AS")]),
    ("org/cross-script", "Company", &[("name", "АО «Кедровая Роща»")], "Company", &[("name", "Kedrovaya Roshcha JSC")]),
    ("org/alternatives", "Organization", &[("name", "Dawn Front/Jabhat al-Fajr")], "Organization", &[("name", "Jabhat al-Fajr")]),
    ("org/acronym", "Organization", &[("name", "NDL")], "Organization", &[("name", "Northern Dawn League")]),
    ("org/percent", "Organization", &[("name", "7% Society")], "Organization", &[("name", "Seven Percent Society")]),
    ("org/different", "Company", &[("name", "Brightwater Holdings Ltd")], "Company", &[("name", "Clearwater Holdings Ltd")]),
    ("vessel/prefix-and-imo", "Vessel", &[("name", "MV Silver Heron"), ("imoNumber", "IMO 9123456")], "Vessel", &[("name", "Silver Heron"), ("imoNumber", "9123456")]),
];

#[derive(serde::Deserialize)]
struct NameCases {
    matches: Vec<(String, String, String, bool)>,
    ranking: Vec<(String, String, String)>,
}

fn entity(schema: &str, props: &[(&str, &str)]) -> Entity {
    let mut e = Entity::new("x", schema);
    for (p, v) in props {
        e.add(p, v);
    }
    e
}

/// Every golden case as (label, left, right), in table order.
fn all_cases() -> Vec<(String, Entity, Entity)> {
    let mut out: Vec<(String, Entity, Entity)> =
        CASES.iter().map(|(label, ls, lp, rs, rp)| (label.to_string(), entity(ls, lp), entity(rs, rp))).collect();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crosscheck-names/tests/name_cases.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: NameCases = serde_yaml_ng::from_str(&text).expect("name_cases.yaml parses");
    let name = |schema: &str, n: &str| entity(schema, &[("name", n)]);
    for (a, b, kind, _) in &cases.matches {
        out.push((format!("name_cases/{kind}: {a} | {b}"), name(kind, a), name(kind, b)));
    }
    for (target, better, worse) in &cases.ranking {
        for other in [better, worse] {
            out.push((
                format!("name_cases/ranking: {target} | {other}"),
                name("Person", target),
                name("Person", other),
            ));
        }
    }
    out
}

/// One golden line: the score (shortest round-trip decimal, so bit-exact) and the explanation.
fn line(label: &str, scored: &Scored) -> String {
    serde_json::json!({"case": label, "score": scored.score, "explanation": scored.explanation}).to_string()
}

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/crosscheck-v1.cases.jsonl")
}

fn blessing() -> bool {
    std::env::var("CROSSCHECK_BLESS").is_ok_and(|v| v == "1")
}

/// Compares `got` (label -> line) with the golden file; rewrites it when blessing.
fn check_golden(got: &[(String, String)]) {
    let path = golden_path();
    if blessing() {
        let text: String = got.iter().map(|(_, l)| format!("{l}\n")).collect();
        std::fs::write(&path, text).expect("golden file writable");
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let want: BTreeMap<String, String> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("golden line is JSON");
            (v["case"].as_str().expect("golden line has a case").to_string(), l.to_string())
        })
        .collect();
    let mut problems = Vec::new();
    for (label, l) in got {
        match want.get(label) {
            None => problems.push(format!("no golden line for `{label}`: {l}")),
            Some(w) if w != l => problems.push(format!("`{label}` changed:\n  was {w}\n  now {l}")),
            Some(_) => {}
        }
    }
    for label in want.keys() {
        if !got.iter().any(|(g, _)| g == label) {
            problems.push(format!("golden line `{label}` has no case any more"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} golden problems (CROSSCHECK_BLESS=1 re-records; v1 must not move):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The explained score of a pair, after checking that the old free function, the registry's
/// `explain` and the fast path `score` agree bit for bit.
fn checked(a: &Entity, b: &Entity) -> Scored {
    let scorer = &crosscheck_match::CROSSCHECK_V1;
    let old = crosscheck_match::score(a, b);
    let (pa, pb) = (scorer.prepare(a), scorer.prepare(b));
    let explained = scorer.explain(&pa, &pb);
    assert_eq!(old, explained, "the free function and the registry differ");
    assert_eq!(scorer.score(&pa, &pb).to_bits(), explained.score.to_bits(), "fast path differs: {explained:?}");
    for f in &explained.explanation.features {
        let def = scorer.feature(f.name).unwrap_or_else(|| panic!("`{}` is not in the feature table", f.name));
        let weights = (def.weights)(scorer.params());
        let declared = if f.value >= 0.0 { weights.agrees } else { weights.disagrees };
        assert_eq!(declared, Some(f.weight), "`{}` used a weight its table row does not declare", f.name);
    }
    explained
}

#[test]
fn v1_id_and_params_pinned() {
    let v1 = crosscheck_match::algorithm("crosscheck-v1").expect("v1 is registered");
    assert_eq!(v1.id(), "crosscheck-v1+366a535c");
    assert_eq!(v1.computed_id(), v1.id());
    let want = "\
name_agrees = 1.0
birth_date_agrees = 0.12
birth_date_disagrees = 0.35
identifier_agrees = 0.3
country_agrees = 0.04
country_disagrees = 0.08
gender_agrees = 0.02
gender_disagrees = 0.35
birth_place_agrees = 0.04
schema_disagrees = 0.1
first_name_disagrees = 0.3
birth_date_month_contains = 0.8
birth_date_year_contains = 0.6
birth_date_one_slip = -0.15
first_name_differs_below = 0.5
squash_from = 0.9
score_scale = 10000.0
default_threshold = 0.7
min_identifier_chars = 5
min_birth_place_token_len = 4
min_alternative_letters = 2
min_person_alternative_words = 2
";
    // the name matcher's own numbers, pinned by that crate's golden (`params_v1.txt`)
    let names = crosscheck_names::NameParams::V1.canonical().lines().collect::<Vec<_>>().join("; ");
    let want = format!("{want}names_params = {names}\n");
    assert_eq!(v1.params().canonical_text(), want);
    assert_eq!(v1.default_threshold(), crosscheck_match::DEFAULT_THRESHOLD);
    assert_eq!(v1.name(), crosscheck_match::SCORER);
}

#[test]
fn cases_table() {
    let cases = all_cases();
    assert!(CASES.len() >= 40, "the invented table keeps 40+ rows");
    let got: Vec<(String, String)> = cases
        .iter()
        .map(|(label, a, b)| {
            let scored = checked(a, b);
            (label.clone(), line(label, &scored))
        })
        .collect();
    check_golden(&got);
}

/// The digest of every pair of `contrib_entity_bench_checks.yml` (228 pairs): SHA-1 over one
/// line per pair, `index \t score bits \t explanation JSON`.
const ENTITY_BENCH_DIGEST: &str = "c4451d341ec8a9597efd0664994bb8282fc20ef4";
const ENTITY_BENCH_PAIRS: usize = 228;

fn yaml_values(v: &serde_yaml_ng::Value) -> Vec<String> {
    match v {
        serde_yaml_ng::Value::Sequence(items) => items.iter().flat_map(yaml_values).collect(),
        serde_yaml_ng::Value::String(s) => vec![s.clone()],
        serde_yaml_ng::Value::Number(n) => vec![n.to_string()],
        serde_yaml_ng::Value::Bool(b) => vec![b.to_string()],
        _ => Vec::new(),
    }
}

fn bench_entity(schema: &str, props: &serde_yaml_ng::Value) -> Entity {
    let mut e = Entity::new("x", schema);
    if let Some(map) = props.as_mapping() {
        for (k, v) in map {
            let prop = k.as_str().expect("property names are strings");
            for value in yaml_values(v) {
                e.add(prop, &value);
            }
        }
    }
    e
}

/// The benchmark's pairs as (left, right), in file order.
fn entity_bench_pairs() -> Option<Vec<(Entity, Entity)>> {
    let path = crosscheck_testdata::reference_file("bench/nomenklatura/contrib_entity_bench_checks.yml")?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("the entity bench parses");
    let checks = doc["checks"].as_sequence().expect("a `checks` list");
    Some(
        checks
            .iter()
            .map(|c| {
                let schema = c["schema"].as_str().expect("a schema");
                (bench_entity(schema, &c["query"]), bench_entity(schema, &c["candidate"]))
            })
            .collect(),
    )
}

fn digest_lines(lines: impl Iterator<Item = String>) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    for l in lines {
        hasher.update(l.as_bytes());
        hasher.update(b"\n");
    }
    hasher.digest().to_string()
}

#[test]
fn entity_bench_shared_data() {
    let Some(pairs) = entity_bench_pairs() else { return };
    assert_eq!(pairs.len(), ENTITY_BENCH_PAIRS);
    let digest = digest_lines(pairs.iter().enumerate().map(|(i, (a, b))| {
        let scored = checked(a, b);
        let explanation = serde_json::to_string(&scored.explanation).expect("serialises");
        format!("{i}\t{:016x}\t{explanation}", scored.score.to_bits())
    }));
    assert_eq!(digest, ENTITY_BENCH_DIGEST, "the v1 scores of the entity benchmark moved");
}
