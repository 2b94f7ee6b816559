//! The desk's routes in-process: who may record, what a decision or judgement must be to be
//! recorded (FastAPI's 422 for shapes, `{"detail"}` naming the field for what does not fit the
//! case), supersession, and a case's report with its decisions applied.

use crate::test_support::{answer, answer_bytes, load, write_cases};
use crate::Config;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use crosscheck_engine::{Engine, Role};
use serde_json::{json, Value};

const REGISTRY: &str = r#"{"id":"r1","schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1961-02-03"]}}
{"id":"r2","schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1970-05-05"]}}
"#;

const CASE: &str = "case: hollow-2024
as_of: 2024-11-01
subject:
  name: Viktor Hollow
  birthDate: 1961-02-03
people:
  - {key: wife, relationship: spouse, name: Anna Hollow}
evidence:
  - {dataset: registry}
";

struct Desk {
    _dir: tempfile::TempDir,
    engine: Engine,
    config: Config,
    reader: String,
    reviewer: String,
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    load(&engine, dir.path(), "registry", REGISTRY, "registry");
    let cases = write_cases(dir.path(), &[("hollow", CASE)]);
    let reader = engine.add_token("rita", Role::Reader).unwrap();
    let reviewer = engine.add_token("vera", Role::Reviewer).unwrap();
    let config = Config { cases: Some(cases), ..Config::new() };
    Desk { _dir: dir, engine, config, reader, reviewer }
}

impl Desk {
    async fn call(&self, token: &str, method: &str, uri: &str, body: &str) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("ApiKey {token}"))
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, _, body) = answer(&self.engine, self.config.clone(), request).await;
        (status, body)
    }

    async fn decide(&self, body: Value) -> (StatusCode, Value) {
        self.call(&self.reviewer, "POST", "/cases/hollow/decisions", &body.to_string()).await
    }

    async fn status_of(&self, claim: &str) -> String {
        let (status, report) = self.call(&self.reader, "GET", "/cases/hollow", "").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let claim = report["claims"].as_array().unwrap().iter().find(|c| c["id"] == claim).unwrap();
        claim["status"].as_str().unwrap().to_string()
    }
}

#[tokio::test]
async fn a_reviewer_records_a_decision_a_reader_may_not() {
    let desk = desk();
    let decision =
        json!({"target": "registry:r1", "person": "subject", "judgement": "different", "reason": "a namesake"});
    let (status, body) = desk.call(&desk.reader, "POST", "/cases/hollow/decisions", &decision.to_string()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("reviewer"), "{body}");
    assert!(desk.engine.audit(Some("hollow")).unwrap().is_empty(), "nothing recorded for a reader");

    let (status, stored) = desk.decide(decision).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    for key in ["id", "at", "by", "case", "target", "person", "judgement", "reason", "datasets", "scorer"] {
        assert!(stored.get(key).is_some(), "{key} missing from {stored}");
    }
    assert_eq!(stored["by"], "vera");
    assert_eq!(stored["case"], "hollow");
    assert_eq!(stored["judgement"], "different");
    assert_eq!(stored["datasets"][0]["dataset"], "registry");
    assert!(stored["datasets"][0]["version"].as_str().unwrap().starts_with('v'), "{stored}");
    assert!(stored["scorer"].as_str().unwrap().starts_with("crosscheck-"), "{stored}");

    // readers may read the decisions; the log itself is a reviewer's
    let (status, listed) = desk.call(&desk.reader, "GET", "/cases/hollow/decisions", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["decisions"][0]["id"], stored["id"]);
    assert_eq!(desk.call(&desk.reader, "GET", "/audit?case=hollow", "").await.0, StatusCode::FORBIDDEN);
    let (status, audit) = desk.call(&desk.reviewer, "GET", "/audit?case=hollow", "").await;
    assert_eq!(status, StatusCode::OK);
    let engine_entries = serde_json::to_value(desk.engine.audit(Some("hollow")).unwrap()).unwrap();
    assert_eq!(audit["entries"], engine_entries, "the route gives what `crosscheck audit --case` gives");
    assert_eq!(audit["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_later_decision_supersedes_and_the_report_applies_the_one_in_effect() {
    let desk = desk();
    assert_eq!(desk.status_of("subject.birthDate").await, "single-source");

    let (status, first) = desk
        .decide(json!({"target": "registry:r1", "person": "subject", "judgement": "different", "reason": "namesake"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(desk.status_of("subject.birthDate").await, "unverified", "`different` keeps r1 out");

    let (status, second) =
        desk.decide(json!({"target": "registry:r1", "person": "subject", "judgement": "same"})).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["reason"], Value::Null, "a reason may be left out");
    assert_eq!(desk.status_of("subject.birthDate").await, "single-source");

    // `same` on r2, whose birth date differs, makes it evidence: a contradiction, by desk decision
    let (status, _) = desk.decide(json!({"target": "registry:r2", "person": "subject", "judgement": "same"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, report) = desk.call(&desk.reader, "GET", "/cases/hollow", "").await;
    let birth = report["claims"].as_array().unwrap().iter().find(|c| c["id"] == "subject.birthDate").unwrap();
    assert_eq!(birth["status"], "contradicted", "{birth}");
    let against = birth["evidence"].as_array().unwrap().iter().find(|e| e["record"] == "r2").unwrap();
    assert!(against["detail"].as_str().unwrap().contains("by desk decision"), "{against}");

    // a note on a claim shows beside it
    let (status, note) = desk
        .decide(json!({"target": "subject.name", "judgement": "note", "reason": "spelled so in his passport"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    assert_eq!(note["person"], "subject", "a claim's person is filled in");
    let (_, report) = desk.call(&desk.reader, "GET", "/cases/hollow", "").await;
    let name = report["claims"].as_array().unwrap().iter().find(|c| c["id"] == "subject.name").unwrap();
    assert_eq!(name["notes"][0]["reason"], "spelled so in his passport");

    let decisions = report["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 4);
    assert_eq!(decisions[0]["superseded_by"], second["id"]);
    assert_eq!(decisions[0]["applied"], false);
    assert!(decisions[1..].iter().all(|d| d["applied"] == true), "{decisions:?}");

    let (_, listed) = desk.call(&desk.reader, "GET", "/cases/hollow/decisions", "").await;
    let listed = listed["decisions"].as_array().unwrap();
    assert_eq!(listed[0]["id"], first["id"]);
    assert_eq!(listed[0]["in_effect"], false);
    assert_eq!(listed[0]["superseded_by"], second["id"]);
    assert_eq!(listed[1]["in_effect"], true);
    assert_eq!(listed[1]["superseded_by"], Value::Null);

    let (status, html) = {
        let request = Request::get("/cases/hollow/report.html")
            .header("authorization", format!("ApiKey {}", desk.reader))
            .body(Body::empty())
            .unwrap();
        let (status, _, bytes) = answer_bytes(&desk.engine, desk.config.clone(), request).await;
        (status, String::from_utf8(bytes).unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Decisions of the desk") && html.contains("spelled so in his passport"));
}

#[tokio::test]
async fn bad_decisions_are_refused_with_the_field_named_and_never_recorded() {
    let desk = desk();
    let shapes: [(&str, &[&str], &str); 6] = [
        ("{not json", &["body"], "json_invalid"),
        ("[1, 2]", &["body"], "model_attributes_type"),
        (r#"{"person": "subject", "judgement": "same"}"#, &["body", "target"], "missing"),
        (r#"{"target": 7, "judgement": "same"}"#, &["body", "target"], "string_type"),
        (r#"{"target": "registry:r1", "judgement": "maybe"}"#, &["body", "judgement"], "enum"),
        (
            r#"{"target": "registry:r1", "person": ["subject"], "judgement": "same"}"#,
            &["body", "person"],
            "string_type",
        ),
    ];
    for (body, loc, kind) in shapes {
        let (status, answer) = desk.call(&desk.reviewer, "POST", "/cases/hollow/decisions", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["detail"][0]["loc"], json!(loc), "{body}: {answer}");
        assert_eq!(answer["detail"][0]["type"], kind, "{body}: {answer}");
    }
    let misfits = [
        (json!({"target": "subject.shoeSize", "judgement": "note"}), "target"),
        (json!({"target": "registry:r1", "person": "subject", "judgement": "note"}), "judgement"),
        (json!({"target": "subject.name", "judgement": "same"}), "judgement"),
        (json!({"target": "registry:r1", "person": "cousin", "judgement": "same"}), "person"),
        (json!({"target": "registry:r1", "judgement": "same"}), "person"),
        (json!({"target": "leak:r1", "person": "subject", "judgement": "same"}), "target"),
        (json!({"target": "registry:r404", "person": "subject", "judgement": "same"}), "target"),
        (json!({"target": "subject.name", "person": "wife", "judgement": "note"}), "person"),
        (json!({"target": "", "judgement": "note"}), "target"),
    ];
    for (body, field) in misfits {
        let (status, answer) = desk.decide(body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        let detail = answer["detail"].as_str().unwrap_or_else(|| panic!("{body}: {answer}"));
        assert!(detail.starts_with(&format!("{field}:")), "{body}: {detail}");
    }
    let good = json!({"target": "registry:r1", "person": "subject", "judgement": "same"}).to_string();
    for uri in ["/cases/nowhere/decisions", "/cases/..%2Fetc/decisions"] {
        let (status, answer) = desk.call(&desk.reviewer, "POST", uri, &good).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {answer}");
        assert_eq!(desk.call(&desk.reader, "GET", uri, "").await.0, StatusCode::NOT_FOUND, "{uri}");
    }
    assert!(desk.engine.audit(None).unwrap().iter().all(|e| e.fields.action != "decision"), "nothing recorded");
}

#[tokio::test]
async fn judgements_on_pairs_are_recorded_listed_and_superseded_in_either_order() {
    let desk = desk();
    let pair = |l: &str, r: &str, j: &str| {
        json!({"left": {"dataset": "registry", "id": l}, "right": {"dataset": "registry", "id": r}, "judgement": j, "reason": "checked"})
            .to_string()
    };
    let (status, body) = desk.call(&desk.reader, "POST", "/judgements", &pair("r1", "r2", "same")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, first) = desk.call(&desk.reviewer, "POST", "/judgements", &pair("r1", "r2", "same")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["left"], json!({"dataset": "registry", "id": "r1"}));
    assert_eq!(first["by"], "vera");
    let (status, second) = desk.call(&desk.reviewer, "POST", "/judgements", &pair("r2", "r1", "different")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, listed) = desk.call(&desk.reader, "GET", "/judgements", "").await;
    assert_eq!(status, StatusCode::OK);
    let listed = listed["judgements"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["superseded_by"], second["id"]);
    assert_eq!(listed[1]["in_effect"], true);
    let export = desk.engine.judgements_in_effect().unwrap();
    assert_eq!(export.len(), 1);
    assert_eq!(export[0].judgement, crosscheck_verify::Judgement::Different);

    let (status, _) = desk.call(&desk.reviewer, "POST", "/judgements", &pair("r1", "r2", "unsure")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(desk.engine.judgements_in_effect().unwrap().is_empty(), "an unsure pair is not exported");

    for (body, what) in [
        (pair("r1", "r1", "same"), "right:"),
        (pair("r1", "r9", "same"), "right.id:"),
        (
            json!({"left": {"dataset": "leak", "id": "x"}, "right": {"dataset": "registry", "id": "r1"}, "judgement": "same"})
                .to_string(),
            "left.dataset:",
        ),
    ] {
        let (status, answer) = desk.call(&desk.reviewer, "POST", "/judgements", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert!(answer["detail"].as_str().unwrap().starts_with(what), "{answer}");
    }
    for (body, loc) in [
        (pair("r1", "r2", "note"), json!(["body", "judgement"])),
        (
            r#"{"left": "registry:r1", "right": {"dataset": "registry", "id": "r2"}, "judgement": "same"}"#.into(),
            json!(["body", "left"]),
        ),
        (
            r#"{"left": {"dataset": "registry"}, "right": {"dataset": "registry", "id": "r2"}, "judgement": "same"}"#
                .into(),
            json!(["body", "left", "id"]),
        ),
    ] {
        let (status, answer) = desk.call(&desk.reviewer, "POST", "/judgements", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["detail"][0]["loc"], loc, "{answer}");
    }
}

#[tokio::test]
async fn without_tokens_a_loopback_server_records_as_the_user_who_started_it() {
    let desk = desk();
    desk.engine.revoke_token("rita").unwrap();
    desk.engine.revoke_token("vera").unwrap();
    let body = json!({"target": "subject.name", "judgement": "note"}).to_string();
    let request = Request::post("/cases/hollow/decisions").body(Body::from(body)).unwrap();
    let (status, _, stored) = answer(&desk.engine, desk.config.clone(), request).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(stored["by"], desk.engine.actor());
    assert_eq!(stored["reason"], Value::Null);
}
