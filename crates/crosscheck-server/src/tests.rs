//! The API in-process (no socket): each route's shapes, status codes and limits as yente's
//! clients and tests expect them, over a small fictional watchlist.

use crate::test_support::{answer, load, Fixture};
use crate::{app, Config};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use crosscheck_engine::Engine;
use serde_json::{json, Value};
use tower::ServiceExt;

const LIST: &str = r#"{"id":"p1","schema":"Person","properties":{"name":["Viktor Aleksandrovich Hollow"],"birthDate":["1961-02-03"],"nationality":["ru"],"topics":["sanction"]}}
{"id":"p2","schema":"Person","properties":{"name":["Виктор Александрович Холлоу"],"birthDate":["1961-02-03"]}}
{"id":"c1","schema":"Company","properties":{"name":["Hollow Trading"],"jurisdiction":["cy"]}}
{"id":"p3","schema":"Person","properties":{"name":["Maria Lindqvist"],"birthDate":["1980"]}}
"#;

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    load(&engine, dir.path(), "list", LIST, "watchlist");
    load(
        &engine,
        dir.path(),
        "registry",
        r#"{"id":"r1","schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1961-02-03"]}}"#,
        "registry",
    );
    Fixture { _dir: dir, engine }
}

/// One request; the answer's status, headers and JSON body (`Value::Null` when empty).
async fn call(fixture: &Fixture, config: Config, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    answer(&fixture.engine, config, request).await
}

fn post(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri).body(body.into()).unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn hollow(extra: Value) -> String {
    let mut q = json!({"queries": {"q1": {"schema": "Person", "properties": {"name": ["Viktor Hollow"], "birthDate": "1961-02-03"}}}});
    if let Value::Object(extra) = extra {
        for (k, v) in extra {
            q[k] = v;
        }
    }
    q.to_string()
}

#[tokio::test]
async fn match_answers_in_yentes_shape_with_the_command_lines_scores() {
    let f = fixture();
    let (status, headers, body) = call(&f, Config::new(), post("/match/list", hollow(json!({})))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["x-batch-size"], "1");
    assert_eq!(body["limit"], 5);
    let answer = &body["responses"]["q1"];
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["query"]["schema"], "Person");
    assert_eq!(answer["query"]["properties"]["birthDate"], json!(["1961-02-03"]));
    let results = answer["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"p1") && ids.contains(&"p2"), "{ids:?}");
    assert!(!ids.contains(&"c1"), "a person query never finds a company");
    for r in results {
        for key in [
            "id",
            "caption",
            "schema",
            "properties",
            "datasets",
            "referents",
            "target",
            "score",
            "explanations",
            "match",
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        assert!(r["first_seen"].is_null() && r["last_seen"].is_null() && r["last_change"].is_null());
        assert_eq!(r["datasets"], json!(["list"]));
        assert_eq!(r["target"], true, "a watchlist's records are targets");
        assert!(r["score"].as_f64().unwrap() > 0.7, "yente lists what scores above the cutoff");
        assert!(r["explanations"]["name"]["score"].is_number(), "{}", r["explanations"]);
    }
    assert_eq!(
        answer["total"],
        json!({"value": results.iter().filter(|r| r["match"] == true).count(), "relation": "eq"})
    );

    // the same query through the engine as `crosscheck match` runs it: the same scores
    let snapshot = f.engine.snapshot(&["list".to_string()]).unwrap();
    let cli = crosscheck_engine::wire::answer_match_line(
        &snapshot,
        r#"{"schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1961-02-03"]}}"#,
        1,
        "-",
        &crosscheck_engine::ScreenOptions::new(f.engine.scorer()),
    )
    .unwrap();
    for r in results {
        let same = cli.results.iter().find(|c| c.id == r["id"]).expect("the command line finds it too");
        assert_eq!(same.score, r["score"].as_f64().unwrap());
        assert_eq!(same.is_match, r["match"]);
    }
}

#[tokio::test]
async fn default_is_every_dataset_and_the_filters_narrow_it() {
    let f = fixture();
    let datasets = |body: &Value| -> Vec<String> {
        let mut d: Vec<String> = body["responses"]["q1"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["datasets"][0].as_str().unwrap().to_string())
            .collect();
        d.sort();
        d.dedup();
        d
    };
    let (_, _, all) = call(&f, Config::new(), post("/match/default", hollow(json!({})))).await;
    assert_eq!(datasets(&all), ["list", "registry"]);
    let (_, _, only) =
        call(&f, Config::new(), post("/match/default?include_dataset=registry", hollow(json!({})))).await;
    assert_eq!(datasets(&only), ["registry"]);
    let (_, _, without) = call(&f, Config::new(), post("/match/default?exclude_dataset=list", hollow(json!({})))).await;
    assert_eq!(datasets(&without), ["registry"]);
    let (status, _, none) =
        call(&f, Config::new(), post("/match/list?include_dataset=nowhere", hollow(json!({})))).await;
    assert_eq!(status, 200, "an unknown include_dataset gives nothing, not an error");
    assert_eq!(none["responses"]["q1"]["results"], json!([]));
    let (_, _, excluded) =
        call(&f, Config::new(), post("/match/list?exclude_entity_ids=p1&exclude_schema=Company", hollow(json!({}))))
            .await;
    let ids: Vec<&str> =
        excluded["responses"]["q1"]["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"p1") && ids.contains(&"p2"), "{ids:?}");
    let (_, _, topical) = call(&f, Config::new(), post("/match/list?topics=sanction", hollow(json!({})))).await;
    let ids: Vec<&str> =
        topical["responses"]["q1"]["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["p1"], "only records with the topic");
    let (_, _, low) = call(&f, Config::new(), post("/match/list?threshold=0.99&cutoff=0.1", hollow(json!({})))).await;
    let results = low["responses"]["q1"]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["match"] == false), "a high threshold keeps lower scores above the cutoff");
}

#[tokio::test]
async fn bad_requests_get_yentes_status_codes() {
    let f = fixture();
    let person = |name: &str| json!({"schema": "Person", "properties": {"name": [name]}});
    let many: serde_json::Map<String, Value> = (0..101).map(|i| (format!("q{i}"), person("Olga Test"))).collect();
    for (uri, body, status, detail) in [
        ("/match/nowhere", hollow(json!({})), 404, Some("No such dataset.")),
        ("/match/list?algorithm=neural-net", hollow(json!({})), 400, Some("Invalid algorithm: neural-net")),
        ("/match/list", hollow(json!({"config": {"nm_number_mismatch": 0.4}})), 400, None),
        ("/match/list", hollow(json!({"weights": {"name": 0.5}})), 400, None),
        ("/match/list", json!({"queries": many}).to_string(), 400, Some("Too many queries in one batch (limit: 100)")),
        ("/match/list", json!({"queries": {}}).to_string(), 400, Some("No queries provided.")),
        ("/match/list", json!({"queries": {"q": {"schema": "Spaceship", "properties": {}}}}).to_string(), 400, None),
        ("/match/list", json!({"queries": {"q": {"properties": {"name": "Banana"}}}}).to_string(), 422, None),
        ("/match/list", "{not json".to_string(), 422, None),
        ("/match/list?limit=501", hollow(json!({})), 422, None),
        ("/match/list?changed_since=soon", hollow(json!({})), 422, None),
    ] {
        let (got, _, body) = call(&f, Config::new(), post(uri, body)).await;
        assert_eq!(got, status, "{uri}: {body}");
        if let Some(detail) = detail {
            assert_eq!(body["detail"], detail, "{uri}");
        } else {
            assert!(body.get("detail").is_some(), "{uri}: {body}");
        }
    }
    // a weight for a feature our scorer lacks is passed over, as yente passes over such names
    let (status, _, body) =
        call(&f, Config::new(), post("/match/list", hollow(json!({"weights": {"name_literal": 0.8}})))).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = call(&f, Config::new(), get("/match/list")).await;
    assert_eq!(status, 405);
    let (status, _, body) = call(&f, Config::new(), get("/nowhere")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"detail": "Not Found"})));
}

#[tokio::test]
async fn oversized_bodies_and_urls_are_refused_before_any_work() {
    let f = fixture();
    let small = Config { max_body: 100, ..Config::new() };
    let (status, _, body) = call(&f, small, post("/match/list", hollow(json!({})))).await;
    assert_eq!(status, 413, "{body}");
    let long = format!("/match/list?exclude_entity_ids={}", "x".repeat(61_000));
    let (status, _, body) = call(&f, Config::new(), post(&long, hollow(json!({})))).await;
    assert_eq!((status, body), (StatusCode::URI_TOO_LONG, json!({"detail": "Request URI too long"})));
}

#[tokio::test]
async fn entities_catalog_algorithms_and_health() {
    let f = fixture();
    let (status, _, body) = call(&f, Config::new(), get("/entities/p1")).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], "p1");
    assert_eq!(body["caption"], "Viktor Aleksandrovich Hollow");
    assert_eq!(body["datasets"], json!(["list"]));
    let (status, _, body) = call(&f, Config::new(), get("/entities/banana")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"detail": "No such entity!"})));

    let (status, headers, catalog) = call(&f, Config::new(), get("/catalog")).await;
    assert_eq!(status, 200);
    let names: Vec<&str> =
        catalog["datasets"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["list", "registry"]);
    assert_eq!(catalog["current"], json!(["list", "registry"]));
    assert!(catalog["datasets"][0]["version"].is_string() && catalog["datasets"][0]["updated_at"].is_string());
    let etag = headers["etag"].to_str().unwrap().to_string();
    assert_eq!(headers["cache-control"], "public, max-age=300");
    let cached = Request::get("/catalog").header("if-none-match", &etag).body(Body::empty()).unwrap();
    let (status, _, _) = call(&f, Config::new(), cached).await;
    assert_eq!(status, 304);

    let (_, _, algorithms) = call(&f, Config::new(), get("/algorithms")).await;
    assert_eq!(algorithms["default"], "best");
    assert_eq!(algorithms["best"], f.engine.scorer().algorithm().name());
    let first = &algorithms["algorithms"][0];
    assert!(first["features"]["name"]["coefficient"].is_number(), "{first}");
    assert_eq!(first["docs"]["features"], first["features"]);

    for route in ["/healthz", "/readyz"] {
        let (status, _, body) = call(&f, Config::new(), get(route)).await;
        assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})), "{route}");
    }
}

#[tokio::test]
async fn a_request_sees_the_version_published_before_it_started() {
    let f = fixture();
    let (_, _, before) = call(&f, Config::new(), post("/match/registry", hollow(json!({})))).await;
    assert_eq!(before["responses"]["q1"]["results"][0]["id"], "r1");
    load(
        &f.engine,
        f._dir.path(),
        "registry",
        r#"{"id":"r2","schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1961-02-03"]}}"#,
        "registry",
    );
    let (_, _, after) = call(&f, Config::new(), post("/match/registry", hollow(json!({})))).await;
    assert_eq!(after["responses"]["q1"]["results"][0]["id"], "r2", "the reload is served without a restart");
}

#[test]
fn only_loopback_addresses_are_served_without_tokens() {
    let f = fixture();
    let open = Config { bind: "0.0.0.0:8000".parse().unwrap(), ..Config::new() };
    assert!(matches!(crate::check(&open, &f.engine), Err(crate::StartError::OpenWithoutTokens(_))));
    for bind in ["127.0.0.1:8000", "[::1]:8000"] {
        assert!(crate::check(&Config { bind: bind.parse().unwrap(), ..Config::new() }, &f.engine).is_ok(), "{bind}");
    }
    f.engine.add_token("anna", crosscheck_engine::Role::Reader).unwrap();
    assert!(crate::check(&open, &f.engine).is_ok(), "with a token, any address");
}

#[tokio::test]
async fn once_a_token_exists_every_route_but_health_needs_one() {
    let f = fixture();
    let token = f.engine.add_token("anna", crosscheck_engine::Role::Reader).unwrap();
    let with = |header: Option<String>, uri: &str| {
        let mut request = Request::get(uri);
        if let Some(header) = header {
            request = request.header("authorization", header);
        }
        request.body(Body::empty()).unwrap()
    };
    let (status, headers, body) = call(&f, Config::new(), with(None, "/catalog")).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("ApiKey"));
    assert_eq!(headers["www-authenticate"], "ApiKey");
    for header in [Some(format!("ApiKey {token}")), Some(format!("Bearer {token}")), Some(format!("apikey  {token} "))]
    {
        let (status, _, _) = call(&f, Config::new(), with(header.clone(), "/catalog")).await;
        assert_eq!(status, 200, "{header:?}");
    }
    let (status, _, _) = call(&f, Config::new(), with(None, &format!("/catalog?api_key={token}"))).await;
    assert_eq!(status, 200, "the token in the query string");
    for wrong in [format!("ApiKey {token}x"), "Basic abc".to_string(), "ApiKey".to_string()] {
        let (status, _, _) = call(&f, Config::new(), with(Some(wrong.clone()), "/catalog")).await;
        assert_eq!(status, 401, "{wrong}");
    }
    for open in ["/healthz", "/readyz"] {
        assert_eq!(call(&f, Config::new(), with(None, open)).await.0, 200, "{open}");
    }
    f.engine.revoke_token("anna").unwrap();
    let (status, _, _) = call(&f, Config::new(), with(Some(format!("ApiKey {token}")), "/catalog")).await;
    assert_eq!(status, 200, "no token in force: a loopback server answers everyone");
    let open = Config { bind: "0.0.0.0:0".parse().unwrap(), ..Config::new() };
    let (status, _, _) = call(&f, open, with(None, "/catalog")).await;
    assert_eq!(status, 401, "tokens revoked while serving beyond loopback: nobody is let in");
}

#[tokio::test]
async fn cases_are_listed_and_reported_as_verify_reports_them() {
    let f = fixture();
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let with_cases = || Config { cases: Some(examples.clone()), ..Config::new() };
    let (status, _, body) = call(&f, with_cases(), get("/cases")).await;
    assert_eq!(status, 200, "{body}");
    let cases = body["cases"].as_array().unwrap();
    let names: Vec<&str> = cases.iter().map(|c| c["case"].as_str().unwrap()).collect();
    assert_eq!(names, ["defector", "every-status"], "folders with a case.yaml only");
    let every = &cases[1];
    assert!(every["error"].is_null(), "{every}");
    for status in ["corroborated", "single-source", "contradicted", "unverified"] {
        assert!(every["statuses"][status].as_u64().unwrap() >= 1, "{status}: {every}");
    }
    let total: u64 = every["statuses"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(every["claims"].as_u64().unwrap(), total);

    let (status, _, report) = call(&f, with_cases(), get("/cases/every-status")).await;
    assert_eq!(status, 200);
    assert_eq!(report["claims"].as_array().unwrap().len() as u64, total, "the JSON report of verify");
    let page =
        app(f.engine.clone(), with_cases()).unwrap().oneshot(get("/cases/every-status/report.html")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    for bad in ["/cases/nowhere", "/cases/..", "/cases/.hidden", "/cases/screening"] {
        let (status, _, body) = call(&f, with_cases(), get(bad)).await;
        assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"detail": "No such case."})), "{bad}");
    }
    let (status, _, _) = call(&f, Config::new(), get("/cases")).await;
    assert_eq!(status, 404, "no --cases, no cases");
}
