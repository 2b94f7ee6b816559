//! The reconciliation service in-process: our own equivalents of each assertion of yente's
//! `tests/test_reconcile.py`, over an invented list, and the same on yente's zala fixture.

use crate::test_support::{answer, load_file, Fixture};
use crate::Config;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use crosscheck_engine::Engine;
use serde_json::{json, Value};

const LIST: &str = r#"{"id":"p-olga","schema":"Person","properties":{"name":["Olga Petrovna Vetrova","Ольга Петровна Ветрова"],"birthDate":["1971-05-06"],"nationality":["ru"],"country":["ru"]}}
{"id":"p-olaf","schema":"Person","properties":{"name":["Olaf Vetter"],"birthDate":["1950"]}}
{"id":"c-vetra","schema":"Company","properties":{"name":["Vetra Shipping Holdings"],"jurisdiction":["cy"]}}
{"id":"o-relief","schema":"Organization","properties":{"name":["Northern Relief Fund"]}}
{"id":"own-1","schema":"Ownership","properties":{"owner":["p-olga"],"asset":["c-vetra"],"percentage":["60"]}}
"#;

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    let file = dir.path().join("list.jsonl");
    std::fs::write(&file, LIST).unwrap();
    load_file(&engine, file, "list", "watchlist");
    Fixture { _dir: dir, engine }
}

async fn call(f: &Fixture, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    answer(&f.engine, Config::new(), request).await
}

async fn get(f: &Fixture, uri: &str) -> (StatusCode, Value) {
    let request = Request::get(uri).header("host", "desk.local:8000").body(Body::empty()).unwrap();
    let (status, _, body) = call(f, request).await;
    (status, body)
}

/// A form post as OpenRefine sends it: `field=<JSON>`, form-encoded.
async fn post_form(f: &Fixture, uri: &str, field: &str, value: &Value) -> (StatusCode, axum::http::HeaderMap, Value) {
    let body: String = form_urlencoded::Serializer::new(String::new()).append_pair(field, &value.to_string()).finish();
    let request =
        Request::post(uri).header("content-type", "application/x-www-form-urlencoded").body(Body::from(body)).unwrap();
    call(f, request).await
}

fn ids(results: &Value) -> Vec<&str> {
    results.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_manifest_names_the_services_and_the_datasets_types() {
    let f = fixture();
    let (status, data) = get(&f, "/reconcile/list?api_key=abc").await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["versions"], json!(["0.2"]));
    assert!(data["identifierSpace"].as_str().unwrap().starts_with("https://www.opensanctions.org"), "{data}");
    let types: Vec<&str> = data["defaultTypes"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    for t in ["Person", "Company", "Organization", "LegalEntity", "Thing"] {
        assert!(types.contains(&t), "{t} in {types:?}");
    }
    assert!(!types.contains(&"Ownership"), "a link is not matchable: {types:?}");
    let person = data["defaultTypes"].as_array().unwrap().iter().find(|t| t["id"] == "Person").unwrap();
    assert_eq!(person["name"], "People", "a type is named by FtM's plural");
    let suggest = &data["suggest"]["entity"];
    assert_eq!(suggest["service_url"], "http://desk.local:8000/reconcile/list");
    assert_eq!(suggest["service_path"], "/suggest/entity?api_key=abc", "the query string is passed on");
    assert_eq!(data["extend"]["propose_properties"]["service_path"], "/extend/property?api_key=abc");
    assert_eq!(data["view"]["url"], "http://desk.local:8000/entities/{{id}}", "views stay on this server");
    let (status, _) = get(&f, "/reconcile/nowhere").await;
    assert_eq!(status, 404);
    let (status, default) = get(&f, "/reconcile/default").await;
    assert_eq!(status, 200);
    assert_eq!(default["defaultTypes"], data["defaultTypes"]);
}

#[tokio::test]
async fn queries_are_screened_as_match_screens_them() {
    let f = fixture();
    let queries = json!({
        "q0": {"query": "Olga Vetrova"},
        "q1": {"query": "Vetra Shipping Holdings", "type": "Company"},
        "q2": {"query": "Olga Vetrova", "type": ["Company"]},
        "q3": {"query": "Olga Vetrova", "properties": [{"pid": "Person:birthDate", "v": "1971-05-06"}, {"pid": "nationality", "v": ["ru"]}, {"pid": "Banana:peel", "v": "x"}], "limit": 1},
    });
    let (status, headers, data) = post_form(&f, "/reconcile/list", "queries", &queries).await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(headers["x-batch-size"], "4");
    let top = &data["q0"]["result"][0];
    assert_eq!(top["id"], "p-olga", "{data}");
    assert_eq!(top["name"], "Olga Petrovna Vetrova");
    assert_eq!(top["description"], "Person");
    assert_eq!(top["type"][0]["id"], "Person");
    assert!(top["score"].as_f64().unwrap() > 0.0 && top["match"].is_boolean(), "{top}");
    assert_eq!(ids(&data["q1"]["result"])[0], "c-vetra");
    assert!(!ids(&data["q2"]["result"]).contains(&"p-olga"), "a Company query never finds a person");
    assert_eq!(ids(&data["q3"]["result"]), ["p-olga"], "limit 1");

    // the same query through /match: the same score
    let body = json!({"queries": {"m": {"schema": "Thing", "properties": {"name": ["Olga Vetrova"]}}}});
    let request = Request::post("/match/list?cutoff=0").body(Body::from(body.to_string())).unwrap();
    let (_, _, matched) = call(&f, request).await;
    assert_eq!(matched["responses"]["m"]["results"][0]["score"], top["score"]);

    // the GET form of the spec
    let uri = format!("/reconcile/list?queries={}", urlencode(&json!({"q": {"query": "Olaf Vetter"}}).to_string()));
    let (status, data) = get(&f, &uri).await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["q"]["result"][0]["id"], "p-olaf");
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn extend_gives_the_values_of_the_properties_asked_for() {
    let f = fixture();
    let extend = json!({
        "ids": ["p-olga", "nobody"],
        "properties": [{"id": "name", "settings": {"limit": 1}}, {"id": "birthDate"}, {"id": "imoNumber"}],
    });
    let (status, headers, data) = post_form(&f, "/reconcile/list", "extend", &extend).await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(headers["x-batch-size"], "2");
    assert_eq!(data["meta"], json!([{"id": "name", "name": "Name"}, {"id": "birthDate", "name": "Birth date"}]));
    assert_eq!(data["rows"]["p-olga"]["name"], json!([{"str": "Olga Petrovna Vetrova"}]), "limit 1");
    assert_eq!(data["rows"]["p-olga"]["birthDate"], json!([{"str": "1971-05-06"}]));
    assert!(data["rows"]["p-olga"].get("imoNumber").is_none(), "a person has no IMO number");
    assert_eq!(data["rows"]["nobody"], json!({}), "an unknown id is an empty row");
}

#[tokio::test]
async fn bad_requests_are_400_with_a_detail() {
    let f = fixture();
    let many: serde_json::Map<String, Value> = (0..101).map(|i| (format!("q{i}"), json!({"query": "x"}))).collect();
    for (field, value, detail) in [
        ("queries", json!({"mutti": {"type": "Banana"}}), None),
        ("queries", Value::Object(many), Some("Too many queries in one batch (limit: 100)")),
        ("queries", json!({"q": {"query": 7}}), None),
        ("queries", json!({"q": {"query": "x", "limit": -1}}), None),
        ("queries", json!({"q": {"query": "x", "properties": [{"pid": "name"}]}}), None),
        ("queries", json!(["x"]), None),
        ("extend", json!({"ids": "p-olga", "properties": []}), None),
        ("nothing", json!({}), Some("No queries or extend request provided.")),
    ] {
        let (status, _, body) = post_form(&f, "/reconcile/list", field, &value).await;
        assert_eq!(status, 400, "{value}: {body}");
        match detail {
            Some(detail) => assert_eq!(body["detail"], detail),
            None => assert!(body["detail"].is_string(), "{body}"),
        }
    }
    let request = Request::post("/reconcile/list").body(Body::from("queries=%7Bnot%20json")).unwrap();
    let (status, _, body) = call(&f, request).await;
    assert_eq!(status, 400, "{body}");
    let request = Request::post("/reconcile/list").body(Body::from("extend=%7Bnot%20json")).unwrap();
    let (status, _, body) = call(&f, request).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!({"detail": "Cannot decode extension request"})));
    let (status, _, _) = post_form(&f, "/reconcile/list?algorithm=neural-net", "queries", &json!({})).await;
    assert_eq!(status, 400);
    let (status, _, _) = post_form(&f, "/reconcile/list?changed_since=soon", "queries", &json!({})).await;
    assert_eq!(status, 422);
    let (status, _, _) = post_form(&f, "/reconcile/nowhere", "queries", &json!({"q": {"query": "x"}})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn suggest_entity_finds_names_by_their_beginning() {
    let f = fixture();
    let (status, data) = get(&f, "/reconcile/list/suggest/entity").await;
    assert_eq!(status, 200);
    assert_eq!(data["result"], json!([]), "no prefix, no suggestion");
    let (_, data) = get(&f, "/reconcile/list/suggest/entity?prefix=olga%20vet").await;
    assert_eq!(data["prefix"], "olga vet");
    assert_eq!(ids(&data["result"]), ["p-olga"], "{data}");
    assert_eq!(data["result"][0]["name"], "Olga Petrovna Vetrova");
    assert_eq!(data["result"][0]["type"][0]["id"], "Person");
    let uri = format!("/reconcile/list/suggest/entity?prefix={}", urlencode("ольга ветр"));
    let (_, data) = get(&f, &uri).await;
    assert_eq!(ids(&data["result"]), ["p-olga"], "any script: {data}");
    let (_, data) = get(&f, "/reconcile/list/suggest/entity?prefix=vet").await;
    assert_eq!(ids(&data["result"]), ["c-vetra", "p-olaf", "p-olga"], "the match nearer a name's start first: {data}");
    let (_, data) = get(&f, "/reconcile/list/suggest/entity?prefix=vet&limit=1").await;
    assert_eq!(data["result"].as_array().unwrap().len(), 1);
    let (_, data) = get(&f, "/reconcile/list/suggest/entity?prefix=banana%20man").await;
    assert_eq!(data["result"], json!([]));
    let (status, _) = get(&f, "/reconcile/list/suggest/entity?prefix=o&limit=501").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn suggest_property_offers_the_datasets_properties() {
    let f = fixture();
    let (_, data) = get(&f, "/reconcile/list/suggest/property").await;
    assert_eq!(data["result"], json!([]));
    let (status, data) = get(&f, "/reconcile/list/suggest/property?prefix=country").await;
    assert_eq!(status, 200);
    let found = ids(&data["result"]);
    assert!(found.len() > 1, "{data}");
    assert!(found.contains(&"LegalEntity:mainCountry") && found.contains(&"Thing:country"), "{found:?}");
    let main = data["result"].as_array().unwrap().iter().find(|p| p["id"] == "LegalEntity:mainCountry").unwrap();
    assert_eq!(main["name"], "Country of origin", "found by its label");
    let (_, data) = get(&f, "/reconcile/list/suggest/property?prefix=banana").await;
    assert_eq!(data["result"], json!([]));
    let (_, data) = get(&f, "/reconcile/list/suggest/property?prefix=owner").await;
    assert_eq!(data["result"], json!([]), "references to other records are not offered");
}

#[tokio::test]
async fn suggest_type_offers_the_datasets_schemata() {
    let f = fixture();
    let (_, data) = get(&f, "/reconcile/list/suggest/type").await;
    assert_eq!(data["result"], json!([]));
    let (_, data) = get(&f, "/reconcile/list/suggest/type?prefix=organ").await;
    assert_eq!(ids(&data["result"]), ["Organization"], "{data}");
    let (_, data) = get(&f, "/reconcile/list/suggest/type?prefix=legal%20ent").await;
    assert_eq!(ids(&data["result"]), ["LegalEntity"], "by its label too");
    let (_, data) = get(&f, "/reconcile/list/suggest/type?prefix=banana").await;
    assert_eq!(data["result"], json!([]));
    let (_, data) = get(&f, "/reconcile/list/suggest/type?prefix=vessel").await;
    assert_eq!(data["result"], json!([]), "only the schemata the dataset holds");
}

#[tokio::test]
async fn extend_property_proposes_featured_properties_first() {
    let f = fixture();
    let (status, data) = get(&f, "/reconcile/list/extend/property?limit=5&type=LegalEntity").await;
    assert_eq!(status, 200, "{data}");
    assert_eq!((data["type"].clone(), data["limit"].clone()), (json!("LegalEntity"), json!(5)));
    let found = ids(&data["properties"]);
    assert_eq!(found.len(), 5);
    for featured in ["name", "country", "legalForm", "status"] {
        assert!(found.contains(&featured), "{featured} in {found:?}");
    }
    let names: Vec<&str> = data["properties"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by label");
    let (_, all) = get(&f, "/reconcile/list/extend/property?type=Person").await;
    let found = ids(&all["properties"]);
    assert!(found.contains(&"birthDate") && found.contains(&"name"), "inherited too: {found:?}");
    assert!(!found.contains(&"addressEntity"), "no references");
    let (_, base) = get(&f, "/reconcile/list/extend/property").await;
    assert_eq!(base["type"], "Thing");
    let (status, body) = get(&f, "/reconcile/list/extend/property?limit=5&type=Banana").await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!({"detail": "Invalid type: Banana"})));
}

/// yente's own zala fixture, loaded as yente's tests load it: their assertions, here.
#[tokio::test]
async fn reconcile_on_yentes_zala_fixture_shared_data() {
    let Some(path) = crosscheck_testdata::reference_file("ftm_samples/yente_zala_entities.ftm.json") else { return };
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    load_file(&engine, path, "zala", "watchlist");
    let f = Fixture { _dir: dir, engine };
    let zakharov = "NK-aU5ybkbRFJucf8YMwsJvDw";

    let (status, data) = get(&f, "/reconcile/zala").await;
    assert_eq!(status, 200);
    assert!(data["defaultTypes"].as_array().unwrap().len() > 3, "{data}");

    let (_, _, data) =
        post_form(&f, "/reconcile/zala", "queries", &json!({"mutti": {"query": "Alexander ZAKHAROV"}})).await;
    assert_eq!(data["mutti"]["result"][0]["id"], zakharov, "{data}");

    let extend = json!({"ids": [zakharov], "properties": [{"id": "name"}, {"id": "birthDate"}]});
    let (_, _, data) = post_form(&f, "/reconcile/zala", "extend", &extend).await;
    assert_eq!(data["meta"].as_array().unwrap().len(), 2);
    assert_eq!(data["meta"][0]["id"], "name");
    let names: String =
        data["rows"][zakharov]["name"].as_array().unwrap().iter().map(|n| n["str"].as_str().unwrap()).collect();
    assert!(names.to_lowercase().contains("zakharov"), "{names}");

    let (_, data) = get(&f, "/reconcile/zala/suggest/entity?prefix=alexander%20zak").await;
    assert_eq!(data["result"][0]["id"], zakharov, "{data}");
    let caption = data["result"][0]["name"].as_str().unwrap().to_lowercase();
    assert!(caption.contains("aleksandr"), "{caption}");

    let (_, data) = get(&f, "/reconcile/zala/suggest/type?prefix=organ").await;
    assert_eq!(ids(&data["result"]), ["Organization"]);
    let (_, data) = get(&f, "/reconcile/zala/suggest/property?prefix=country").await;
    let found = ids(&data["result"]);
    assert!(found.contains(&"LegalEntity:mainCountry") && found.contains(&"Thing:country"), "{found:?}");
}
