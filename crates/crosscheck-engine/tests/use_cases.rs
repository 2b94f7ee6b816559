//! The engine's use cases as a front end calls them, on small fictional datasets loaded into a
//! temporary store: screening (schema rule, ranking, totals, key properties, damaged records),
//! comparing, and verifying a case whose watchlist holds a company of the subject's name.

use crosscheck_engine::load::{Cancel, Quiet};
use crosscheck_engine::query::Query;
use crosscheck_engine::{wire, Engine, ScreenOptions};
use crosscheck_ingest::{LoadRequest, ReaderOptions};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn load(engine: &Engine, dataset: &str, file: &Path, kind: &str) {
    let request = LoadRequest {
        files: vec![file.to_path_buf()],
        options: ReaderOptions { dataset: dataset.into(), ..ReaderOptions::default() },
        kind: Some(kind.into()),
        ..LoadRequest::default()
    };
    engine.load(&request, &Quiet, &Cancel::default()).unwrap();
}

const LIST: &str = r#"{"id":"p1","schema":"Person","properties":{"name":["Viktor Aleksandrovich Hollow"],"birthDate":["1961-02-03"],"nationality":["ru"],"passportNumber":["7512345672"]}}
{"id":"p2","schema":"Person","properties":{"name":["Виктор Александрович Холлоу"],"birthDate":["1961-02-03"]}}
{"id":"c1","schema":"Company","properties":{"name":["Viktor Hollow"],"jurisdiction":["cy"]}}
{"id":"p3","schema":"Person","properties":{"name":["Maria Lindqvist"],"birthDate":["1980"]}}
"#;

fn engine_with_list() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    let file = write(dir.path(), "list.jsonl", LIST);
    load(&engine, "list", &file, "watchlist");
    (dir, engine)
}

#[test]
fn a_person_query_finds_people_in_both_scripts_and_never_a_company() {
    let (_dir, engine) = engine_with_list();
    let snapshot = engine.snapshot(&["list".to_string()]).unwrap();
    let query = Query::from_json(
        r#"{"id":"q","properties":{"name":["Viktor Hollow"],"birthDate":["1961-02-03"]}}"#,
        engine.scorer(),
    )
    .unwrap();
    let screening = snapshot.screen(&query, &ScreenOptions::new(engine.scorer())).unwrap();
    let ids: Vec<&str> = screening.hits.iter().map(|h| h.entity.id.as_str()).collect();
    assert!(ids.contains(&"p1") && ids.contains(&"p2"), "{ids:?}");
    assert!(!ids.contains(&"c1"), "a Person query offered a Company: {ids:?}");
    assert_eq!(screening.total, screening.hits.len());
    let scores: Vec<f64> = screening.hits.iter().map(|h| h.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "not best first: {scores:?}");

    // an organisation query finds the company and no person
    let query =
        Query::from_json(r#"{"schema":"Organization","properties":{"name":["Viktor Hollow"]}}"#, engine.scorer())
            .unwrap();
    let screening = snapshot.screen(&query, &ScreenOptions::new(engine.scorer())).unwrap();
    assert!(screening.hits.iter().all(|h| h.entity.id == "c1"), "{:?}", screening.hits);
}

#[test]
fn the_cut_is_visible_in_total_and_results_carry_key_properties() {
    let (_dir, engine) = engine_with_list();
    let snapshot = engine.snapshot(&["list".to_string()]).unwrap();
    let options = ScreenOptions { limit: 1, ..ScreenOptions::new(engine.scorer()) };
    let line = r#"{"id":"q","schema":"Person","properties":{"name":["Viktor Hollow"]}}"#;
    let answer = wire::answer_match_line(&snapshot, line, 1, "stdin", &options).unwrap();
    assert_eq!(answer.results.len(), 1);
    assert!(answer.total >= 2, "total {} should count the cut candidates", answer.total);
    assert_eq!(answer.scorer, engine.scorer().id());
    let best = &answer.results[0];
    assert_eq!(best.id, "p1", "the record with more data agreeing ranks first on a tie-free query");
    assert_eq!(best.properties.get("birthDate").map(Vec::as_slice), Some(&["1961-02-03".to_string()][..]));
    assert_eq!(best.properties.get("passportNumber").map(Vec::len), Some(1));
}

#[test]
fn an_unreadable_query_is_answered_in_band() {
    let (_dir, engine) = engine_with_list();
    let snapshot = engine.snapshot(&["list".to_string()]).unwrap();
    let answer = wire::answer_match_line(
        &snapshot,
        r#"{"id":"q9","schema":"Nope"}"#,
        7,
        "q.jsonl",
        &ScreenOptions::new(engine.scorer()),
    )
    .unwrap();
    assert_eq!(answer.query_id.as_deref(), Some("q9"));
    assert!(answer.error.as_deref().is_some_and(|e| e.starts_with("`q.jsonl` line 7:")), "{:?}", answer.error);
}

#[test]
fn an_unknown_dataset_is_named_with_advice() {
    let (_dir, engine) = engine_with_list();
    let err = engine.snapshot(&["nope".to_string()]).err().expect("no such dataset");
    assert!(err.to_string().contains("`nope`"), "{err}");
    assert!(err.hint().is_some());
}

#[test]
fn a_company_of_the_subjects_name_is_no_watchlist_finding() {
    let (dir, engine) = engine_with_list();
    let case = write(
        dir.path(),
        "case.yaml",
        "case: t\nas_of: 2024-11-01\nsubject: {name: Viktor Hollow, birthDate: 1961-02-03}\nevidence:\n  - {dataset: list}\n",
    );
    let verified = engine.verify(&case).unwrap();
    let found: Vec<&str> = verified.report.findings.iter().map(|f| f.record.as_str()).collect();
    assert!(found.contains(&"p1"), "{found:?}");
    assert!(!found.contains(&"c1"), "a Company became a finding for a Person: {found:?}");
}
