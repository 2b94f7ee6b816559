//! `/entities` and its `adjacent` routes, `/updatez` and trace context, in-process: our own
//! equivalents of the assertions of yente's `test_entity.py`, `test_trace_context.py` and the
//! `/updatez` tests of `test_base.py`, on an invented donations graph shaped like yente's
//! fixture (a donor, two addresses, two payments, two parties), then on yente's fixtures.

use crate::test_support::{answer, load_file, Fixture};
use crate::Config;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use crosscheck_engine::Engine;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The donor `donor` lists its addresses late-first; in the file the early one comes first.
/// Two payments from the donor, the first to two parties, the second to one; a sanction on the
/// donor; an old id merged into the donor.
const GRAPH: &str = r#"{"id":"addr-early","schema":"Address","properties":{"full":["1 Invented Lane, Testville"]}}
{"id":"donor","schema":"Person","caption":"Copied Caption","referents":["donor-old","donor-older"],"datasets":["donations"],"first_seen":"2024-01-02T03:04:05.678","last_seen":"2025-06-07","properties":{"name":["Herr Otto Beispiel","OTTO BEISPIEL"],"country":["de"],"addressEntity":["addr-late","addr-early"]}}
{"id":"pay-1","schema":"Payment","properties":{"payer":["donor"],"beneficiary":["party-a","party-b"],"amountEur":["1000"],"date":["2009-03-03"]}}
{"id":"party-a","schema":"Organization","properties":{"name":["Invented Party"],"addressEntity":["addr-party"]}}
{"id":"addr-late","schema":"Address","properties":{"full":["9 Made-Up Road, Testville"]}}
{"id":"pay-2","schema":"Payment","properties":{"payer":["donor"],"beneficiary":["party-a"],"amountEur":["500"],"date":["2004-08-30"]}}
{"id":"party-b","schema":"Organization","properties":{"name":["Fake"]}}
{"id":"sanction-1","schema":"Sanction","properties":{"entity":["donor"],"program":["Invented Programme"]}}
{"id":"addr-party","schema":"Address","properties":{"full":["5 Party Square, Testville"]}}
"#;

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    let file = dir.path().join("donations.jsonl");
    std::fs::write(&file, GRAPH).unwrap();
    load_file(&engine, file, "donations", "watchlist");
    Fixture { _dir: dir, engine }
}

async fn send(f: &Fixture, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    answer(&f.engine, Config::new(), request).await
}

async fn get(f: &Fixture, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = send(f, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, body)
}

/// The one entity of `list` with id `id`.
fn by_id<'a>(list: &'a Value, id: &str) -> &'a Value {
    let found: Vec<&Value> = list.as_array().unwrap().iter().filter(|e| e["id"] == id).collect();
    assert_eq!(found.len(), 1, "{id} in {list}");
    found[0]
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect()
}

/// yente's entity shape: every field present with its type, times `YYYY-MM-DDTHH:MM:SS` or null.
fn assert_entity_shape(e: &Value) {
    assert!(e["id"].is_string() && e["caption"].is_string() && e["schema"].is_string(), "{e}");
    assert!(e["properties"].is_object() && e["datasets"].is_array() && e["referents"].is_array(), "{e}");
    assert!(e["target"].is_boolean(), "{e}");
    for field in ["first_seen", "last_seen", "last_change"] {
        let v = &e[field];
        assert!(v.is_null() || v.as_str().is_some_and(|s| s.len() == 19 && s.as_bytes()[10] == b'T'), "{field}: {v}");
    }
}

#[tokio::test]
async fn an_unknown_entity_is_404_as_yente() {
    let f = fixture();
    assert_eq!(get(&f, "/entities/banana").await, (StatusCode::NOT_FOUND, json!({"detail": "No such entity!"})));
    for uri in ["/entities/banana/adjacent", "/entities/banana/adjacent/addressEntity"] {
        assert_eq!(get(&f, uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn an_entity_carries_its_provenance_and_a_computed_caption() {
    let f = fixture();
    let (status, e) = get(&f, "/entities/donor?nested=false").await;
    assert_eq!(status, 200);
    assert_entity_shape(&e);
    assert_eq!(e["caption"], "Herr Otto Beispiel", "computed, not the file's");
    assert_eq!(e["referents"], json!(["donor-old", "donor-older"]));
    assert_eq!(e["datasets"], json!(["donations"]));
    assert_eq!(e["first_seen"], "2024-01-02T03:04:05");
    assert_eq!(e["last_seen"], "2025-06-07T00:00:00");
    assert_eq!(e["last_change"], Value::Null);
    let (_, payment) = get(&f, "/entities/pay-1?nested=false").await;
    assert_eq!(payment["caption"], "Payment", "no amount: the schema's label");
    assert_eq!(payment["datasets"], json!(["donations"]), "the loaded dataset when the source names none");
    let (_, sanction) = get(&f, "/entities/sanction-1?nested=false").await;
    assert_eq!(sanction["caption"], "Invented Programme");
}

#[tokio::test]
async fn not_nested_keeps_ids_and_no_reverse_properties() {
    let f = fixture();
    let (_, e) = get(&f, "/entities/donor?nested=false").await;
    assert_eq!(e["properties"]["addressEntity"], json!(["addr-late", "addr-early"]));
    assert!(e["properties"].get("paymentPayer").is_none() && e["properties"].get("sanctions").is_none());
}

#[tokio::test]
async fn nested_entities_as_yente_nests_them() {
    let f = fixture();
    let (status, e) = get(&f, "/entities/donor").await;
    assert_eq!(status, 200);
    let props = &e["properties"];
    let addresses = &props["addressEntity"];
    assert_eq!(ids(addresses), ["addr-late", "addr-early"], "in the order of the entity's values");
    assert_eq!(by_id(addresses, "addr-early")["schema"], "Address");
    assert!(by_id(addresses, "addr-early")["properties"]["full"][0].as_str().unwrap().contains("Invented Lane"));

    let sanction = &props["sanctions"][0];
    assert_entity_shape(sanction);
    assert_eq!((&sanction["schema"], &sanction["caption"]), (&json!("Sanction"), &json!("Invented Programme")));
    assert_eq!(sanction["properties"]["entity"], json!(["donor"]), "the root is not nested again");

    let payments = &props["paymentPayer"];
    assert_eq!(ids(payments), ["pay-1", "pay-2"]);
    let payment = by_id(payments, "pay-1");
    assert_eq!(payment["properties"]["payer"], json!(["donor"]));
    let beneficiaries = &payment["properties"]["beneficiary"];
    assert_eq!(ids(beneficiaries), ["party-a", "party-b"], "the far side of an edge, nested");
    let party = by_id(beneficiaries, "party-a");
    assert_eq!((&party["schema"], &party["properties"]["name"]), (&json!("Organization"), &json!(["Invented Party"])));
    assert_eq!(party["properties"]["addressEntity"], json!(["addr-party"]), "not traversed beyond the far side");
}

#[tokio::test]
async fn an_interstitial_entity_nests_both_sides() {
    let f = fixture();
    let (status, e) = get(&f, "/entities/pay-1").await;
    assert_eq!(status, 200);
    assert_eq!(e["schema"], "Payment");
    let payer = &e["properties"]["payer"];
    assert_eq!(ids(payer), ["donor"]);
    assert_eq!(ids(&e["properties"]["beneficiary"]), ["party-a", "party-b"]);
    // the payer is one step away: what links to it (its sanction, its other payment) is two
    // steps from the root and not read
    let donor = &payer[0]["properties"];
    assert!(donor.get("sanctions").is_none() && donor.get("paymentPayer").is_none(), "{donor}");
}

#[tokio::test]
async fn adjacent_pages_each_property() {
    let f = fixture();
    let (status, data) = get(&f, "/entities/donor/adjacent").await;
    assert_eq!(status, 200);
    assert_eq!(data["entity"]["caption"], "Herr Otto Beispiel");
    assert!(data["entity"]["properties"].get("paymentPayer").is_none(), "the entity itself is not nested");
    let adjacent = &data["adjacent"];
    let keys: BTreeSet<&str> = adjacent.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["addressEntity", "paymentPayer", "sanctions"]));
    let addresses = &adjacent["addressEntity"];
    assert_eq!(ids(&addresses["results"]), ["addr-late", "addr-early"]);
    assert_eq!(
        (&addresses["total"], &addresses["limit"], &addresses["offset"]),
        (&json!({"value": 2, "relation": "eq"}), &json!(10), &json!(0))
    );
    let payments = &adjacent["paymentPayer"];
    assert_eq!(payments["total"]["value"], 2);
    let payment = by_id(&payments["results"], "pay-1");
    assert_eq!(payment["properties"]["payer"], json!(["donor"]), "refers to the root, does not nest it");
    assert_eq!(ids(&payment["properties"]["beneficiary"]), ["party-a", "party-b"]);

    let (_, data) = get(&f, "/entities/pay-1/adjacent").await;
    assert_eq!(data["entity"]["schema"], "Payment");
    let adj = &data["adjacent"];
    assert_eq!(ids(&adj["payer"]["results"]), ["donor"]);
    assert_eq!(ids(&adj["beneficiary"]["results"]), ["party-a", "party-b"]);
    let payer = &adj["payer"]["results"][0]["properties"];
    let keys: BTreeSet<&str> = payer.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["addressEntity", "country", "name"]), "not traversed beyond the first Thing");
    assert_eq!(payer["addressEntity"], json!(["addr-late", "addr-early"]));
}

#[tokio::test]
async fn adjacent_limit_and_offset_page_the_first_step_only() {
    let f = fixture();
    let (_, data) = get(&f, "/entities/donor/adjacent?limit=1").await;
    let adjacent = &data["adjacent"];
    assert_eq!(ids(&adjacent["addressEntity"]["results"]), ["addr-early"]);
    assert_eq!(
        (&adjacent["addressEntity"]["total"]["value"], &adjacent["addressEntity"]["limit"]),
        (&json!(2), &json!(1))
    );
    let payments = &adjacent["paymentPayer"];
    assert_eq!((ids(&payments["results"]), &payments["total"]["value"]), (vec!["pay-1"], &json!(2)));
    let beneficiaries = &payments["results"][0]["properties"]["beneficiary"];
    assert_eq!(ids(beneficiaries), ["party-a", "party-b"], "the far side is not paginated");
    assert!(beneficiaries.as_array().unwrap().iter().all(|b| b["schema"] == "Organization"));
    assert_eq!(by_id(beneficiaries, "party-b")["properties"]["name"], json!(["Fake"]));

    let (_, data) = get(&f, "/entities/pay-1/adjacent?limit=1").await;
    assert_eq!(data["adjacent"]["payer"]["results"].as_array().unwrap().len(), 1);
    assert_eq!(ids(&data["adjacent"]["beneficiary"]["results"]), ["party-a"]);

    let (_, data) = get(&f, "/entities/donor/adjacent?limit=1&offset=1").await;
    let adjacent = &data["adjacent"];
    assert_eq!(ids(&adjacent["addressEntity"]["results"]), ["addr-late"]);
    assert_eq!(
        (&adjacent["addressEntity"]["offset"], &adjacent["addressEntity"]["total"]["value"]),
        (&json!(1), &json!(2))
    );
    let payment = &adjacent["paymentPayer"]["results"];
    assert_eq!(ids(payment), ["pay-2"]);
    assert_eq!(ids(&payment[0]["properties"]["beneficiary"]), ["party-a"]);
}

#[tokio::test]
async fn adjacent_by_property() {
    let f = fixture();
    assert_eq!(
        get(&f, "/entities/donor/adjacent/address").await,
        (StatusCode::NOT_FOUND, json!({"detail": "No such property!"}))
    );
    assert_eq!(get(&f, "/entities/donor/adjacent/name").await.0, StatusCode::NOT_FOUND, "not an entity property");
    let (status, data) = get(&f, "/entities/donor/adjacent/addressEntity").await;
    assert_eq!(status, 200);
    assert_eq!((&data["limit"], &data["offset"], &data["total"]["value"]), (&json!(10), &json!(0), &json!(2)));
    assert_eq!(ids(&data["results"]), ["addr-late", "addr-early"]);

    let (_, data) = get(&f, "/entities/donor/adjacent/paymentPayer").await;
    assert_eq!((ids(&data["results"]), &data["total"]["value"]), (vec!["pay-1", "pay-2"], &json!(2)));
    assert_eq!(by_id(&data["results"], "pay-1")["properties"]["payer"], json!(["donor"]));

    let (_, data) = get(&f, "/entities/donor/adjacent/addressEntity?limit=1").await;
    assert_eq!(
        (ids(&data["results"]), &data["limit"], &data["total"]["value"]),
        (vec!["addr-early"], &json!(1), &json!(2))
    );
    let (_, data) = get(&f, "/entities/donor/adjacent/paymentPayer?limit=1").await;
    assert_eq!(ids(&data["results"][0]["properties"]["beneficiary"]), ["party-a", "party-b"]);
    let (_, data) = get(&f, "/entities/donor/adjacent/addressEntity?limit=1&offset=1").await;
    assert_eq!((ids(&data["results"]), &data["offset"]), (vec!["addr-late"], &json!(1)));
    let (_, data) = get(&f, "/entities/donor/adjacent/paymentPayer?limit=1&offset=1").await;
    assert_eq!(ids(&data["results"]), ["pay-2"]);
    assert_eq!(ids(&data["results"][0]["properties"]["beneficiary"]), ["party-a"]);

    let (_, data) = get(&f, "/entities/donor/adjacent/ownershipOwner").await;
    assert_eq!(
        (&data["results"], &data["total"]["value"]),
        (&json!([]), &json!(0)),
        "a property with nothing adjacent"
    );
}

#[tokio::test]
async fn pages_outside_yentes_windows_are_422() {
    let f = fixture();
    for uri in [
        "/entities/donor/adjacent?limit=501",
        "/entities/donor/adjacent?offset=9500",
        "/entities/donor/adjacent/addressEntity?limit=many",
        "/entities/donor?nested=perhaps",
    ] {
        let (status, body) = get(&f, uri).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {body}");
    }
}

#[tokio::test]
async fn a_merged_id_redirects_to_its_canonical_entity() {
    let f = fixture();
    for uri in ["/entities/donor-old", "/entities/donor-older?nested=false", "/entities/donor-old/adjacent"] {
        let (status, headers, _) = send(&f, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT, "{uri}");
        assert_eq!(headers["location"], "/entities/donor", "{uri}");
    }
}

#[tokio::test]
async fn updatez_is_post_only_and_refused_without_a_token() {
    let f = fixture();
    assert_eq!(get(&f, "/updatez").await.0, StatusCode::METHOD_NOT_ALLOWED);
    for uri in ["/updatez", "/updatez?sync=true", "/updatez?token=guess&sync=true", "/updatez?token="] {
        let (status, _, body) = send(&f, Request::post(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
        assert!(body["detail"].as_str().unwrap().contains("crosscheck load"), "{body}");
    }
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[tokio::test]
async fn trace_context_is_propagated_as_yente_does() {
    let f = fixture();
    let traced = |parent: &str, state: &str| {
        Request::get("/entities/donor?nested=false")
            .header("traceparent", parent)
            .header("tracestate", state)
            .body(Body::empty())
            .unwrap()
    };
    let (_, headers, _) =
        send(&f, traced("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "rojo=00f067aa0ba902b7")).await;
    let parent: Vec<&str> = headers["traceparent"].to_str().unwrap().split('-').collect();
    assert_eq!((parent[0], parent[1], parent[3]), ("00", "0af7651916cd43dd8448eb211c80319c", "01"));
    assert!(is_hex(parent[2], 16) && parent[2] != "b7ad6b7169203331", "a new span id: {parent:?}");
    assert_eq!(headers["tracestate"].to_str().unwrap(), format!("yente={},rojo=00f067aa0ba902b7", parent[2]));

    // none given, a broken one (version ff, a zero span), or a 404: a new trace each time
    let plain = Request::get("/entities/donor").body(Body::empty()).unwrap();
    let broken = traced("ff-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", "rojo=00f067aa0ba902b7");
    let missing = Request::get("/entities/banana").body(Body::empty()).unwrap();
    for request in [plain, broken, missing] {
        let (_, headers, _) = send(&f, request).await;
        let parent: Vec<&str> = headers["traceparent"].to_str().unwrap().split('-').collect();
        assert_eq!(parent.len(), 4);
        assert!(
            parent[0] == "00" && is_hex(parent[1], 32) && is_hex(parent[2], 16) && is_hex(parent[3], 2),
            "{parent:?}"
        );
        assert_ne!(parent[1], "0af7651916cd43dd8448eb211c80319c");
        assert!(headers["tracestate"].to_str().unwrap().starts_with(&format!("yente={}", parent[2])));
    }
    // our own earlier entry is replaced, a malformed one dropped
    let (_, headers, _) = send(
        &f,
        traced("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "yente=1111111111111111,bad,Rojo=ABC"),
    )
    .await;
    let span = headers["traceparent"].to_str().unwrap().split('-').nth(2).unwrap().to_string();
    assert_eq!(headers["tracestate"].to_str().unwrap(), format!("yente={span},rojo=abc"));
}

/// yente's fixtures, loaded as its tests load them.
fn shared_fixture(files: &[(&str, &str)]) -> Option<Fixture> {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    for (file, dataset) in files {
        load_file(&engine, crosscheck_testdata::reference_file(&format!("ftm_samples/{file}"))?, dataset, "watchlist");
    }
    Some(Fixture { _dir: dir, engine })
}

#[tokio::test]
async fn yentes_entity_tests_on_its_zala_fixture_shared_data() {
    let Some(f) = shared_fixture(&[("yente_zala_entities.ftm.json", "zala")]) else { return };
    assert_eq!(get(&f, "/entities/banana").await.0, StatusCode::NOT_FOUND);
    let (status, e) = get(&f, "/entities/NK-aU5ybkbRFJucf8YMwsJvDw").await;
    assert_eq!(status, 200);
    assert_entity_shape(&e);
    assert_eq!((&e["id"], &e["schema"]), (&json!("NK-aU5ybkbRFJucf8YMwsJvDw"), &json!("Person")));
    assert_eq!(e["datasets"], json!(["zala"]), "the source's datasets that are loaded, else the one loaded");
    assert!(e["referents"].as_array().unwrap().len() > 5, "{}", e["referents"]);
    assert!(e["properties"]["birthDate"][0].is_string());
    let sanction = &e["properties"]["sanctions"][0];
    assert_entity_shape(sanction);
    assert_eq!(sanction["schema"], "Sanction");
    assert!(e["first_seen"].is_string() && e["last_change"].is_string(), "{e}");
    // a referent answers with the canonical entity
    let old = e["referents"][0].as_str().unwrap();
    let (status, headers, _) = send(&f, Request::get(format!("/entities/{old}")).body(Body::empty()).unwrap()).await;
    assert_eq!(
        (status, headers["location"].to_str().unwrap()),
        (StatusCode::PERMANENT_REDIRECT, "/entities/NK-aU5ybkbRFJucf8YMwsJvDw")
    );
}

#[tokio::test]
async fn yentes_adjacency_tests_on_its_parteispenden_fixture_shared_data() {
    let Some(f) = shared_fixture(&[("yente_parteispenden_entities.ftm.json", "parteispenden")]) else { return };
    let donor = "281d01c426ce39ddf80aa0e46574843c1ba8bfc9";
    let (home, other, pmt, pmt2, cdu) = (
        "012a13cddb445def96357093c4ebb30c3c5ab41d",
        "582e64e961eaf537d8a80856520d601519a5fb98",
        "98a5b377dffde7307e265a7cc928297e318daaef",
        "8928105b8d3748805295a0fb01ae57cc37be30a5",
        "c326dd8021ee75fe9608f31ecb4e2e7388144102",
    );
    let (_, e) = get(&f, &format!("/entities/{donor}?nested=false")).await;
    assert_eq!(e["properties"]["addressEntity"].as_array().unwrap().len(), 2);
    assert!(e["properties"]["addressEntity"].as_array().unwrap().contains(&json!(home)));
    assert!(e["properties"].get("paymentPayer").is_none());

    let (_, e) = get(&f, &format!("/entities/{donor}")).await;
    let props = &e["properties"];
    assert!(by_id(&props["addressEntity"], home)["properties"]["full"][0].as_str().unwrap().contains("Pferdmengesstr"));
    assert_eq!(props["paymentPayer"].as_array().unwrap().len(), 2);
    let payment = by_id(&props["paymentPayer"], pmt);
    assert_eq!(payment["properties"]["payer"], json!([donor]));
    assert_eq!(by_id(&payment["properties"]["beneficiary"], cdu)["properties"]["name"], json!(["CDU"]));
    assert_eq!(payment["properties"]["beneficiary"].as_array().unwrap().len(), 2);

    let (_, data) = get(&f, &format!("/entities/{donor}/adjacent")).await;
    assert_eq!(data["entity"]["caption"], "Herr Christoph Alexander Kahl");
    assert_eq!(data["adjacent"]["addressEntity"]["total"]["value"], 2);
    let (_, data) = get(&f, &format!("/entities/{pmt}/adjacent")).await;
    let payer = &data["adjacent"]["payer"]["results"][0];
    assert_eq!(payer["id"], donor);
    let keys: BTreeSet<&str> = payer["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["addressEntity", "country", "name"]));
    assert!(payer["properties"]["addressEntity"].as_array().unwrap().iter().all(Value::is_string));

    let (_, data) = get(&f, &format!("/entities/{donor}/adjacent?limit=1")).await;
    assert_eq!(ids(&data["adjacent"]["addressEntity"]["results"]), [other]);
    assert_eq!(ids(&data["adjacent"]["paymentPayer"]["results"]), [pmt]);
    let beneficiaries = &data["adjacent"]["paymentPayer"]["results"][0]["properties"]["beneficiary"];
    assert_eq!(by_id(beneficiaries, "fake-org")["properties"]["name"], json!(["Fake"]));
    let (_, data) = get(&f, &format!("/entities/{donor}/adjacent?limit=1&offset=1")).await;
    assert_eq!(ids(&data["adjacent"]["addressEntity"]["results"]), [home]);
    assert_eq!(ids(&data["adjacent"]["paymentPayer"]["results"]), [pmt2]);
    let (_, data) = get(&f, &format!("/entities/{donor}/adjacent/paymentPayer?limit=1&offset=1")).await;
    assert_eq!(ids(&data["results"][0]["properties"]["beneficiary"]), [cdu]);
}

/// yente's `test_app.py`: `/match` without a `Content-Type`, and a URL over the cap refused
/// with 414 before any route (with trace context still on the answer). Its ReDoc page test is
/// left out: this server serves no documentation page.
#[tokio::test]
async fn yentes_app_tests() {
    let f = fixture();
    let query = r#"{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Otto Beispiel"]}}}}"#;
    let (status, _, body) = send(&f, Request::post("/match/donations").body(Body::from(query)).unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["responses"]["q1"]["results"][0]["id"], "donor");
    assert_eq!(body["responses"]["q1"]["results"][0]["caption"], "Herr Otto Beispiel");

    let long = format!("/entities/donor?q={}", "a".repeat(crate::layers::MAX_URL_LENGTH + 100));
    let (status, headers, body) = send(&f, Request::get(long).body(Body::empty()).unwrap()).await;
    assert_eq!((status, body), (StatusCode::URI_TOO_LONG, json!({"detail": "Request URI too long"})));
    assert!(headers.contains_key("traceparent") && headers.contains_key("tracestate"));
    assert_eq!(get(&f, "/entities/donor?q=acme&nested=false").await.0, 200, "a normal query string passes");
}

#[tokio::test]
async fn ownership_directorship_and_family_are_nested_through_their_far_side() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    let file = dir.path().join("links.jsonl");
    std::fs::write(
        &file,
        r#"{"id":"owner","schema":"Person","properties":{"name":["Ivo Invented"]}}
{"id":"firm","schema":"Company","properties":{"name":["Invented Holdings"]}}
{"id":"own-1","schema":"Ownership","properties":{"owner":["owner"],"asset":["firm"],"percentage":["60"]}}
{"id":"dir-1","schema":"Directorship","properties":{"director":["owner"],"organization":["firm"],"role":["Director"]}}
{"id":"kin","schema":"Person","properties":{"name":["Eva Invented"]}}
{"id":"fam-1","schema":"Family","properties":{"person":["owner"],"relative":["kin"],"relationship":["sister"]}}
"#,
    )
    .unwrap();
    load_file(&engine, file, "links", "watchlist");
    let f = Fixture { _dir: dir, engine };

    let (_, e) = get(&f, "/entities/owner").await;
    let props = &e["properties"];
    let ownership = &props["ownershipOwner"][0];
    assert_eq!((&ownership["id"], &ownership["caption"]), (&json!("own-1"), &json!("Ownership")));
    assert_eq!(ownership["properties"]["owner"], json!(["owner"]));
    assert_eq!(ownership["properties"]["asset"][0]["properties"]["name"], json!(["Invented Holdings"]));
    assert_eq!(props["directorshipDirector"][0]["caption"], "Director");
    assert_eq!(props["directorshipDirector"][0]["properties"]["organization"][0]["id"], "firm");
    assert_eq!(props["familyPerson"][0]["properties"]["relative"][0]["caption"], "Eva Invented");

    let (_, e) = get(&f, "/entities/firm").await;
    assert_eq!(e["properties"]["ownershipAsset"][0]["properties"]["owner"][0]["id"], "owner");
    assert_eq!(e["properties"]["directorshipOrganization"][0]["properties"]["director"][0]["id"], "owner");
    let (_, e) = get(&f, "/entities/kin").await;
    assert_eq!(e["properties"]["familyRelative"][0]["properties"]["person"][0]["caption"], "Ivo Invented");
    let (_, adjacent) = get(&f, "/entities/owner/adjacent/ownershipOwner").await;
    assert_eq!(ids(&adjacent["results"]), ["own-1"]);
}

#[tokio::test]
async fn an_id_in_two_datasets_is_one_entity_listing_both() {
    let f = fixture();
    let extra = f._dir.path().join("more.jsonl");
    std::fs::write(
        &extra,
        r#"{"id":"donor","schema":"Person","properties":{"birthDate":["1950-01-01"]}}
{"id":"pay-1","schema":"Payment","properties":{"purpose":["Invented donation"]}}
"#,
    )
    .unwrap();
    load_file(&f.engine, extra, "more", "watchlist");
    let (_, e) = get(&f, "/entities/donor").await;
    assert_eq!(e["datasets"], json!(["donations", "more"]));
    assert_eq!(e["properties"]["birthDate"], json!(["1950-01-01"]));
    assert_eq!(e["properties"]["name"], json!(["Herr Otto Beispiel", "OTTO BEISPIEL"]));
    let payment = by_id(&e["properties"]["paymentPayer"], "pay-1");
    assert_eq!(payment["datasets"], json!(["donations", "more"]));
    assert_eq!(payment["properties"]["purpose"], json!(["Invented donation"]));
    assert_eq!(e["properties"]["paymentPayer"].as_array().unwrap().len(), 2, "one record per id");
}
