//! Table tests of the name score: `name_cases.yaml` holds (a, b, kind, should-match) rows and
//! (target, better, worse) ranking triples written by us; one helper, `check`, touches the API.

use crosscheck_names::{compare, compare_score, Name, NameKind};
use serde::Deserialize;

#[derive(Deserialize)]
struct Cases {
    matches: Vec<(String, String, String, bool)>,
    ranking: Vec<(String, String, String)>,
}

fn kind(k: &str) -> NameKind {
    match k {
        "Person" => NameKind::Person,
        "Organization" => NameKind::Organization,
        _ => NameKind::Any,
    }
}

fn check(a: &str, b: &str, k: NameKind) -> (f64, String) {
    let m = compare(&Name::parse(a, k), &Name::parse(b, k));
    assert_eq!(m.score, compare_score(&Name::parse(a, k), &Name::parse(b, k)), "{a} / {b}: compare_score differs");
    let back = compare(&Name::parse(b, k), &Name::parse(a, k));
    assert!((0.0..=1.0).contains(&m.score), "{a} / {b}: score {} out of range", m.score);
    assert!((m.score - back.score).abs() < 0.05, "{a} / {b}: not symmetric ({} vs {})", m.score, back.score);
    (m.score, m.detail)
}

fn cases() -> Cases {
    serde_yaml_ng::from_str(include_str!("name_cases.yaml")).expect("tests/name_cases.yaml parses")
}

#[test]
fn should_match_table() {
    let mut failures = Vec::new();
    for (a, b, k, want) in cases().matches {
        let (score, detail) = check(&a, &b, kind(&k));
        if (score >= 0.7) != want {
            failures.push(format!("{a} / {b}: {score:.3} (want match={want}): {detail}"));
        }
    }
    assert!(failures.is_empty(), "{} rows failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn ranking_table() {
    let mut failures = Vec::new();
    for (target, better, worse) in cases().ranking {
        let (good, _) = check(&target, &better, NameKind::Person);
        let (bad, _) = check(&target, &worse, NameKind::Person);
        if good <= bad {
            failures.push(format!("{target}: `{better}` {good:.3} should beat `{worse}` {bad:.3}"));
        }
    }
    assert!(failures.is_empty(), "{} triples failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn identical_only_scores_one() {
    let p = |s| Name::parse(s, NameKind::Person);
    assert_eq!(compare(&p("Сергей Лавров"), &p("Сергей  Лавров")).score, 1.0);
    assert!(compare(&p("Сергей Лавров"), &p("Sergei Lavrov")).score < 1.0);
    assert!(compare(&p("Putin, Vladimir"), &p("Vladimir Putin")).score < 1.0);
}

#[test]
fn explains_alignment_and_scheme() {
    let (_, detail) = check("Юлия Щеглова", "Iuliia Shcheglova", NameKind::Person);
    assert!(detail.contains("icao_9303"), "{detail}");
    let (_, detail) = check("Иван Иванов", "Maria Ivanova", NameKind::Person);
    assert!(detail.contains("gender"), "{detail}");
}

#[test]
fn index_keys_shared_across_scripts_and_forms() {
    let keys = |s: &str| Name::parse(s, NameKind::Person).index_keys();
    let shares = |a: &str, b: &str| keys(a).iter().any(|k| keys(b).contains(k));
    assert!(shares("Михаил Ходорковский", "KHODORKOVSKIY, Mikhail"));
    assert!(shares("Иванова Мария", "Ivanov Ivan"));
    assert!(shares("Volodymyr Zelenskyy", "Владимир Зеленский"));
    assert!(shares("Bruce White", "Брюс Уайт"));
    assert!(shares("Shinji Ikari", "Синдзи Икари"));
    assert!(!keys("Ivan Petrov").is_empty());
}
