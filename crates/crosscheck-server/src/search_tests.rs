//! `/search` in-process: our own equivalent of each assertion of yente's `tests/test_search.py`
//! (on an invented list, then `shared_data` ones on yente's zala fixture), and the query
//! language's edges through HTTP.
//!
//! One assertion of yente's is not met: `test_search_zakharov` wants `first_seen` and
//! `last_seen` set, and our store keeps no per-record dates (they are `null`, as in `/match`
//! and `/entities`). `test_search_sorted` holds trivially for the same reason.

use crate::test_support::{answer, load, load_file, Fixture};
use crate::Config;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use crosscheck_engine::Engine;
use serde_json::Value;

/// An invented watchlist: two people named alike, a company, their addresses and sanctions.
const LIST: &str = r#"{"id":"p-orlov","schema":"Person","properties":{"name":["Dmitri Orlovsky Varnek"],"alias":["Дмитрий Варнек"],"birthDate":["1972-01-26"],"nationality":["ru"],"country":["ru"],"topics":["sanction"],"addressEntity":["a-tarnow"]}}
{"id":"p-other","schema":"Person","properties":{"name":["Pavel Grint"],"notes":["Business partner of Dmitri Varnek in Tarnowsk"],"country":["ru"],"topics":["sanction"]}}
{"id":"c-varnek","schema":"Company","properties":{"name":["Varnek Holdings"],"jurisdiction":["cy"],"topics":["sanction"]}}
{"id":"c-quiet","schema":"Company","target":false,"properties":{"name":["Quiet Harbour Shipping"],"jurisdiction":["lb"]}}
{"id":"a-tarnow","schema":"Address","properties":{"full":["12 Mill Street, Tarnowsk"],"city":["Tarnowsk"],"country":["ru"]}}
{"id":"a-tarnow2","schema":"Address","properties":{"full":["3 Bridge Road, Tarnowsk"],"city":["Tarnowsk"],"country":["ru"]}}
{"id":"s-1","schema":"Sanction","properties":{"entity":["p-orlov"],"authority":["Invented Council"],"program":["Tarnowsk measures"]}}
{"id":"p-3","schema":"Person","properties":{"name":["Olga Tarnowska"],"birthDate":["1980-05-05"],"country":["pl"]}}
{"id":"p-4","schema":"Person","properties":{"name":["Marek Zelny"],"country":["pl"]}}
{"id":"p-5","schema":"Person","properties":{"name":["Irena Zelna"],"country":["cz"]}}
{"id":"p-6","schema":"Person","properties":{"name":["Jonas Brill"],"country":["de"]}}
{"id":"p-7","schema":"Person","properties":{"name":["Ada Kremer"],"country":["de"]}}
"#;

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    load(&engine, dir.path(), "list", LIST, "watchlist");
    load(
        &engine,
        dir.path(),
        "other",
        r#"{"id":"o-1","schema":"Person","properties":{"name":["Henrik Solberg"],"country":["no"]}}"#,
        "registry",
    );
    Fixture { _dir: dir, engine }
}

async fn get(fixture: &Fixture, uri: &str) -> (StatusCode, Value) {
    let uri = uri.replace(' ', "%20").replace('§', "%C2%A7");
    let (status, _, body) =
        answer(&fixture.engine, Config::new(), Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, body)
}

fn ids(body: &Value) -> Vec<String> {
    body["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

fn total(body: &Value) -> u64 {
    body["total"]["value"].as_u64().unwrap()
}

fn facet_names(body: &Value, facet: &str) -> Vec<String> {
    body["facets"][facet]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_name_finds_its_record_first_in_yentes_shape() {
    let f = fixture();
    let (status, body) = get(&f, "/search/list?q=dmitri varnek").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids = ids(&body);
    assert_eq!(ids[0], "p-orlov", "a hit in a name ranks above a hit in notes: {body}");
    assert!(ids.contains(&"p-other".to_string()), "the notes are searched too: {body}");
    let first = &body["results"][0];
    for field in ["id", "caption", "schema", "properties", "datasets", "referents", "target"] {
        assert!(!first[field].is_null(), "{field} in {first}");
    }
    assert_eq!(first["datasets"], serde_json::json!(["list"]), "the dataset, never `default`");
    assert_eq!(first["caption"], "Dmitri Orlovsky Varnek");
    assert_eq!(body["total"]["relation"], "eq");
    assert_eq!(body["limit"], 10);
    assert_eq!(body["offset"], 0);
    // across scripts, as the names are indexed in their Latin reading too
    let (_, cyrillic) = get(&f, "/search/list?q=Варнек").await;
    assert_eq!(ids_of(&cyrillic)[0], "p-orlov");
}

fn ids_of(body: &Value) -> Vec<String> {
    ids(body)
}

#[tokio::test]
async fn no_query_lists_every_record_by_page() {
    let f = fixture();
    let (status, body) = get(&f, "/search/list").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body).len(), 10, "a page of yente's default size");
    assert_eq!(total(&body), 11, "the Sanction is not a Thing, so `schema=Thing` leaves it out");
}

#[tokio::test]
async fn a_syntax_error_is_400_unless_the_simple_syntax_is_asked() {
    let f = fixture();
    for bad in ["invalid/query", "varnek AND", "(varnek", "\"varnek", "name:", "OR varnek", "varnek^"] {
        let (status, body) = get(&f, &format!("/search/list?q={}", bad.replace('(', "%28").replace('"', "%22"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["detail"].as_str().unwrap().starts_with("Invalid query"), "{body}");
        let (status, _) =
            get(&f, &format!("/search/list?simple=true&q={}", bad.replace('(', "%28").replace('"', "%22"))).await;
        assert_eq!(status, StatusCode::OK, "{bad} with simple=true");
    }
    let (_, body) = get(&f, "/search/list?simple=true&q=varnek|zelny").await;
    assert_eq!(total(&body), 4, "`|` is OR in the simple syntax: {body}");
}

#[tokio::test]
async fn an_unknown_dataset_is_404_and_an_unknown_schema_400() {
    let f = fixture();
    assert_eq!(get(&f, "/search/banana").await.0, StatusCode::NOT_FOUND);
    let (status, body) = get(&f, "/search/list?q=varnek&schema=Banana").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "Invalid schema");
}

#[tokio::test]
async fn schema_keeps_its_kind_and_excludes_others() {
    let f = fixture();
    let (_, vessel) = get(&f, "/search/list?q=varnek&schema=Vessel").await;
    assert!(ids(&vessel).is_empty());
    let (_, person) = get(&f, "/search/list?q=varnek&schema=Person").await;
    assert!(!ids(&person).is_empty());
    assert!(ids(&person).iter().all(|id| id.starts_with("p-")), "{person}");
    let (_, legal) = get(&f, "/search/list?q=varnek&schema=LegalEntity").await;
    assert!(ids(&legal).contains(&"c-varnek".to_string()), "a LegalEntity search finds companies: {legal}");
}

#[tokio::test]
async fn exclude_schema_lowers_the_total() {
    let f = fixture();
    let (_, all) = get(&f, "/search/list?q=tarnowsk").await;
    let (_, no_addresses) = get(&f, "/search/list?q=tarnowsk&exclude_schema=Address").await;
    assert!(total(&all) >= 3, "{all}");
    assert!(total(&no_addresses) < total(&all), "{no_addresses}");
}

#[tokio::test]
async fn include_and_exclude_dataset_scope_the_search() {
    let f = fixture();
    let (_, all) = get(&f, "/search/list?q=dmitri varnek").await;
    assert!(total(&all) > 0);
    let (_, excluded) = get(&f, "/search/list?q=dmitri varnek&exclude_dataset=list").await;
    assert_eq!(total(&excluded), 0);
    let (status, unknown) = get(&f, "/search/list?q=dmitri varnek&include_dataset=mx_senators").await;
    assert_eq!(status, StatusCode::OK, "an unknown dataset to include is not an error");
    assert_eq!(total(&unknown), 0);
    let (_, included) = get(&f, "/search/list?q=dmitri varnek&include_dataset=list").await;
    assert!(total(&included) > 0);
    let (_, both) = get(&f, "/search/list?q=dmitri varnek&include_dataset=list&exclude_dataset=list").await;
    assert_eq!(total(&both), 0, "exclude wins");
    let (_, other) = get(&f, "/search/other?q=dmitri varnek").await;
    assert!(ids(&other).is_empty(), "a dataset's search sees only that dataset");
    let (_, default) = get(&f, "/search/default?q=solberg").await;
    assert_eq!(ids(&default), ["o-1"], "`default` is every loaded dataset");
}

#[tokio::test]
async fn changed_since_after_the_load_finds_nothing() {
    let f = fixture();
    let (status, body) = get(&f, "/search/list?q=varnek&changed_since=2099-01-01T00:00").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total(&body), 0);
    let (status, _) = get(&f, "/search/list?q=varnek&changed_since=tomorrow").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn countries_filter_with_or_by_default_and_and_on_request() {
    let f = fixture();
    let (_, ru) = get(&f, "/search/list?q=dmitri varnek&countries=ru").await;
    assert!(!ids(&ru).is_empty());
    let (_, ke) = get(&f, "/search/list?q=dmitri varnek&countries=ke").await;
    assert!(ids(&ke).is_empty());
    let (_, either) = get(&f, "/search/list?q=dmitri varnek&countries=ke&countries=ru").await;
    assert!(!ids(&either).is_empty());
    let (_, both) = get(&f, "/search/list?q=dmitri varnek&filter_op=AND&countries=ke&countries=ru").await;
    assert!(ids(&both).is_empty());
    let (status, _) = get(&f, "/search/list?filter_op=XOR").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn property_filters_match_whole_values() {
    let f = fixture();
    let (_, wrong) = get(&f, "/search/list?q=dmitri varnek&filter=properties.birthDate:1972-01-26§").await;
    assert!(ids(&wrong).is_empty(), "{wrong}");
    let (_, right) = get(&f, "/search/list?q=dmitri varnek&filter=properties.birthDate:1972-01-26").await;
    assert_eq!(ids(&right), ["p-orlov"]);
    let (_, year) = get(&f, "/search/list?filter=properties.birthDate:1972").await;
    assert_eq!(ids(&year), ["p-orlov"], "a date filter takes a year");
    let (_, schema) = get(&f, "/search/list?filter=schema:Company").await;
    assert_eq!(ids(&schema).len(), 2);
    let (status, body) = get(&f, "/search/list?filter=birthDate").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "Invalid filter: \"birthDate\"");
}

#[tokio::test]
async fn facets_count_the_records_found_with_ftm_labels() {
    let f = fixture();
    let (_, body) = get(&f, "/search/list").await;
    let facets = body["facets"].as_object().unwrap();
    assert_eq!(facets.len(), 3, "{body}");
    assert!(["countries", "topics", "datasets"].iter().all(|k| facets.contains_key(*k)));
    assert_eq!(facet_names(&body, "datasets"), ["list"], "not the other loaded dataset");
    assert_eq!(body["facets"]["datasets"]["label"], "Data sources");
    assert!(facet_names(&body, "topics").contains(&"sanction".to_string()));
    let topics = &body["facets"]["topics"]["values"][0];
    assert_eq!(
        (topics["name"].as_str(), topics["label"].as_str(), topics["count"].as_u64()),
        (Some("sanction"), Some("Sanctioned"), Some(3))
    );
    assert_eq!(body["facets"]["countries"]["label"], "Countries");
    let (_, ru) = get(&f, "/search/list?q=dmitri varnek&countries=ru").await;
    let names = facet_names(&ru, "countries");
    assert!(names.contains(&"ru".to_string()) && !names.contains(&"lb".to_string()), "{ru}");
    let (_, two) = get(&f, "/search/list?facets=schema&facets=topics").await;
    let keys: Vec<&String> = two["facets"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["schema", "topics"]);
    assert!(facet_names(&two, "schema").contains(&"Address".to_string()));
    let address =
        two["facets"]["schema"]["values"].as_array().unwrap().iter().find(|v| v["name"] == "Address").unwrap();
    assert_eq!(address["label"], "Addresses");
    assert_eq!(get(&f, "/search/list?facets=colours").await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn topics_filter_and_addresses_by_schema() {
    let f = fixture();
    let (_, sanctioned) = get(&f, "/search/list?topics=sanction").await;
    assert_eq!(total(&sanctioned), 3);
    let (_, addresses) = get(&f, "/search/list?schema=Address").await;
    assert_eq!(total(&addresses), 2);
}

#[tokio::test]
async fn target_filters_listed_records_from_the_rest() {
    let f = fixture();
    let (_, targets) = get(&f, "/search/list?schema=LegalEntity&target=true").await;
    assert!(!ids(&targets).is_empty());
    assert!(targets["results"].as_array().unwrap().iter().all(|r| r["target"] == true));
    assert!(ids(&targets).contains(&"p-3".to_string()), "a watchlist's people are its targets");
    let (_, rest) = get(&f, "/search/list?schema=LegalEntity&target=false").await;
    assert_eq!(ids(&rest), ["c-quiet"], "unless the source says otherwise");
    assert!(rest["results"].as_array().unwrap().iter().all(|r| r["target"] == false));
    let (_, sanctions) = get(&f, "/search/list?schema=Sanction").await;
    assert!(sanctions["results"].as_array().unwrap().iter().all(|r| r["target"] == false), "{sanctions}");
}

#[tokio::test]
async fn sorting_by_a_date_we_do_not_keep_is_accepted() {
    let f = fixture();
    let (status, body) = get(&f, "/search/list?sort=first_seen:desc").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["results"].as_array().unwrap().iter().all(|r| r["first_seen"].is_null()));
    let (_, by_id) = get(&f, "/search/list?sort=entity_id:desc&limit=3").await;
    assert_eq!(ids(&by_id), ["p-other", "p-orlov", "p-7"]);
    assert_eq!(get(&f, "/search/list?sort=colour").await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn limit_and_offset_windows_as_yente() {
    let f = fixture();
    let (_, none) = get(&f, "/search/list?limit=0&q=varnek").await;
    assert!(ids(&none).is_empty());
    assert!(total(&none) > 0, "the total still counts");
    let (_, far) = get(&f, "/search/list?offset=100&q=varnek").await;
    assert!(ids(&far).is_empty());
    assert_eq!(far["offset"], 100);
    assert_eq!(get(&f, "/search/default?offset=9999&q=putin").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(get(&f, "/search/list?limit=10000&q=varnek").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, most) = get(&f, "/search/list?limit=500&q=varnek").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((most["limit"].as_u64(), most["offset"].as_u64()), (Some(500), Some(0)));
    let (_, cut) = get(&f, "/search/list?limit=500&offset=9499").await;
    assert_eq!(cut["limit"], 500, "9,499 + 500 is the last window");
    let (_, page2) = get(&f, "/search/list?limit=4&offset=4").await;
    let (_, page1) = get(&f, "/search/list?limit=8").await;
    assert_eq!(ids(&page2), ids(&page1)[4..8].to_vec(), "pages follow one order");
}

#[tokio::test]
async fn the_query_language_through_http() {
    let f = fixture();
    let cases: &[(&str, &[&str])] = &[
        ("varnek AND holdings", &["c-varnek"]),
        ("zelny OR zelna", &["p-4", "p-5"]),
        ("varnek -holdings -dmitri", &[]),
        ("varnek NOT holdings", &["p-orlov", "p-other"]),
        ("\"varnek holdings\"", &["c-varnek"]),
        ("\"holdings varnek\"", &[]),
        ("zeln*", &["p-4", "p-5"]),
        ("zeln?", &["p-4", "p-5"]),
        ("names:tarnowska", &["p-3"]),
        ("countries:pl AND schema:Person", &["p-3", "p-4"]),
        ("properties.city:tarnowsk", &["a-tarnow", "a-tarnow2"]),
        ("properties.birthDate:[1970 TO 1975]", &["p-orlov"]),
        ("properties.birthDate:>=1975", &["p-3"]),
        ("zelni~1", &["p-4", "p-5"]),
        ("(zelny OR kremer) AND countries:de", &["p-7"]),
        ("colour:red", &[]),
    ];
    for (q, want) in cases {
        let uri =
            format!("/search/list?limit=50&q={}", form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>());
        let (status, body) = get(&f, &uri).await;
        assert_eq!(status, StatusCode::OK, "{q}: {body}");
        let mut got = ids(&body);
        got.sort();
        assert_eq!(got, *want, "{q}");
    }
}

/// Loads yente's zala fixture (and parteispenden beside it) the way the command line does.
fn zala() -> Option<Fixture> {
    let zala = crosscheck_testdata::reference_file("ftm_samples/yente_zala_entities.ftm.json")?;
    let spenden = crosscheck_testdata::reference_file("ftm_samples/yente_parteispenden_entities.ftm.json")?;
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    load_file(&engine, zala, "zala", "watchlist");
    load_file(&engine, spenden, "parteispenden", "other");
    Some(Fixture { _dir: dir, engine })
}

#[tokio::test]
async fn yentes_search_assertions_on_the_zala_fixture_shared_data() {
    let Some(f) = zala() else { return };
    let (status, body) = get(&f, "/search/zala?q=alexander zakharov").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body)[0], "NK-aU5ybkbRFJucf8YMwsJvDw", "{body}");
    assert!(!body["results"][0]["datasets"].as_array().unwrap().iter().any(|d| d == "default" || d == "sanctions"));
    let (_, all) = get(&f, "/search/zala").await;
    assert!(ids(&all).len() > 9);
    assert_eq!(get(&f, "/search/zala?q=invalid/query").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(get(&f, "/search/zala?q=invalid/query&simple=true").await.0, StatusCode::OK);
    let (_, merkel) = get(&f, "/search/zala?q=angela merkel&schema=Vessel").await;
    assert!(ids(&merkel).is_empty());
    let (_, moscow) = get(&f, "/search/zala?q=moscow").await;
    let (_, moscow_no_addr) = get(&f, "/search/zala?q=moscow&exclude_schema=Address").await;
    assert!(total(&moscow) > 5, "{moscow}");
    assert!(total(&moscow_no_addr) < total(&moscow));
    for (uri, found) in [
        ("/search/zala?q=alexander zakharov&exclude_dataset=zala", false),
        ("/search/zala?q=alexander zakharov&include_dataset=mx_senators", false),
        ("/search/zala?q=alexander zakharov&include_dataset=zala", true),
        ("/search/zala?q=alexander zakharov&include_dataset=zala&exclude_dataset=zala", false),
        ("/search/zala?q=alexander zakharov&changed_since=2099-01-01T00:00", false),
        ("/search/zala?q=alexander zakharov&schema=Person", true),
        ("/search/zala?q=alexander zakharov&countries=ru", true),
        ("/search/zala?q=alexander zakharov&countries=ke", false),
        ("/search/zala?q=alexander zakharov&countries=ke&countries=ru", true),
        ("/search/zala?q=alexander zakharov&filter_op=AND&countries=ke&countries=ru", false),
        ("/search/zala?q=alexander zakharov&filter=properties.birthDate:1972-01-26§", false),
        ("/search/zala?topics=sanction", true),
        ("/search/zala?schema=Address", true),
        ("/search/zala?schema=LegalEntity&target=true", true),
        ("/search/zala?schema=LegalEntity&target=false", true),
    ] {
        let (status, body) = get(&f, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(total(&body) > 0, found, "{uri}: {body}");
    }
    let (_, facets) = get(&f, "/search/zala").await;
    assert!(facet_names(&facets, "datasets").contains(&"zala".to_string()));
    assert!(!facet_names(&facets, "datasets").contains(&"parteispenden".to_string()));
    assert!(facet_names(&facets, "topics").contains(&"sanction".to_string()));
    let (_, spenden) = get(&f, "/search/parteispenden").await;
    assert!(facet_names(&spenden, "datasets").contains(&"parteispenden".to_string()));
    let (_, ru) = get(&f, "/search/zala?q=alexander zakharov&countries=ru").await;
    let names = facet_names(&ru, "countries");
    assert!(
        names.contains(&"ru".to_string()) && !names.contains(&"ke".to_string()) && !names.contains(&"lb".to_string())
    );
    let (_, schema) = get(&f, "/search/zala?facets=schema").await;
    assert!(facet_names(&schema, "schema").contains(&"Address".to_string()));
}
