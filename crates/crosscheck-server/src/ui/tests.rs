//! The review page in-process: every page answers, values from data are escaped by the
//! templates, forms need the page's token and a reviewer, sessions follow the desk's tokens, and
//! a decision changes the page as it changes `GET /cases/{case}`.

use crate::test_support::{load, write_cases};
use crate::{app, Config};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use crosscheck_engine::{Engine, Role};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// An invented registry: the subject, and a namesake born elsewhere and later.
const REGISTRY: &str = r#"{"id":"r1","schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1961-02-03"],"nationality":["ua"]}}
{"id":"r2","schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1970-05-05"]}}
{"id":"c1","schema":"Company","properties":{"name":["Hollow Freight"]}}
{"id":"d1","schema":"Directorship","properties":{"director":["r1"],"organization":["c1"],"role":["director"]}}
"#;

const CASE: &str = "case: hollow-2024
as_of: 2024-11-01
subject:
  name: Viktor Hollow
  birthDate: 1961-02-03
evidence:
  - {dataset: registry}
";

/// A case whose values are markup and script: every one must reach the page as text.
const HOSTILE_CASE: &str = r#"case: hostile
as_of: 2024-01-01
subject:
  name: "<img src=x onerror=alert(1)>"
  birthDate: 1980-01-01
  address: "<script>alert(2)</script>"
evidence:
  - {dataset: hostile}
"#;

const HOSTILE_RECORDS: &str = r#"{"id":"h-1","schema":"Person","properties":{"name":["<img src=x onerror=alert(1)>"],"birthDate":["1980-01-01"],"address":["<script>alert(2)</script>"],"website":["javascript:alert(4)"]}}
"#;

struct Desk {
    _dir: tempfile::TempDir,
    engine: Engine,
    app: Router,
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    load(&engine, dir.path(), "registry", REGISTRY, "registry");
    load(&engine, dir.path(), "hostile", HOSTILE_RECORDS, "leak");
    let cases = write_cases(dir.path(), &[("hollow", CASE), ("hostile", HOSTILE_CASE)]);
    let app = app(engine.clone(), Config { cases: Some(cases), ..Config::new() }).unwrap();
    Desk { _dir: dir, engine, app }
}

/// One browser: its session cookie, kept between requests.
struct Browser<'a> {
    desk: &'a Desk,
    cookie: Option<String>,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    /// The page's form token (the first form's).
    fn csrf(&self) -> String {
        let start = self.body.find(r#"name="csrf" value=""#).expect("a form token") + r#"name="csrf" value=""#.len();
        self.body[start..].split('"').next().unwrap().to_string()
    }

    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).map_or("", |l| l.to_str().unwrap())
    }
}

impl Desk {
    fn browser(&self) -> Browser<'_> {
        Browser { desk: self, cookie: None }
    }
}

impl Browser<'_> {
    async fn send(&mut self, request: Request<Body>) -> Page {
        let response = self.desk.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(set) = headers.get(header::SET_COOKIE).and_then(|c| c.to_str().ok()) {
            let pair = set.split(';').next().unwrap().to_string();
            self.cookie = (!pair.ends_with('=')).then_some(pair);
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request
    }

    async fn get(&mut self, uri: &str) -> Page {
        let request = self.request("GET", uri).body(Body::empty()).unwrap();
        self.send(request).await
    }

    async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let request = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }
}

/// The `data-status` of the claim `id` on a case page.
fn status_on_page(body: &str, id: &str) -> String {
    let hook = format!(r#"data-claim-id="{id}" data-status=""#);
    let start = body.find(&hook).unwrap_or_else(|| panic!("claim {id} is not on the page")) + hook.len();
    body[start..].split('"').next().unwrap().to_string()
}

async fn json_status(desk: &Desk, case: &str, claim: &str) -> String {
    let request = Request::builder().uri(format!("/cases/{case}")).body(Body::empty()).unwrap();
    let response = desk.app.clone().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let report: Value = serde_json::from_slice(&bytes).unwrap();
    let claims = report["claims"].as_array().unwrap();
    claims.iter().find(|c| c["id"] == claim).unwrap()["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn every_page_answers_with_its_policy_and_the_root_leads_to_it() {
    let desk = desk();
    let mut browser = desk.browser();
    let root = browser.get("/").await;
    assert_eq!(root.status, StatusCode::SEE_OTHER);
    assert_eq!(root.location(), "/ui/");
    for path in ["/ui/", "/ui/cases", "/ui/cases/hollow", "/ui/xref", "/ui/audit", "/ui/entities/r1"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        let csp = page.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
        assert!(page.body.contains("<h1>"), "{path}");
        assert!(!page.body.contains("<script>"), "{path}: no inline script");
    }
    for (path, kind) in [("/ui/static/ui.css", "text/css"), ("/ui/static/ui.js", "text/javascript")] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with(kind));
    }
    assert_eq!(browser.get("/ui/cases/no-such-case").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn screening_ranks_the_candidates_with_their_explanation_and_links_the_entity() {
    let desk = desk();
    let mut browser = desk.browser();
    let page = browser.get("/ui/?name=Viktor+Hollow&birth_date=1961-02-03&datasets=registry").await;
    assert_eq!(page.status, StatusCode::OK);
    let first = page.body.find(r#"data-entity="registry:r1""#).expect("the subject's record is listed");
    if let Some(second) = page.body.find(r#"data-entity="registry:r2""#) {
        assert!(first < second, "the record born the same day ranks first");
    }
    assert!(page.body.contains("data-score=\""));
    assert!(page.body.contains("birthDate"), "the explanation names the dates compared");
    let entity = browser.get("/ui/entities/r1").await;
    assert!(entity.body.contains("Hollow Freight"), "the linked company is shown: {}", entity.body);
    let unreadable = browser.get("/ui/?name=Viktor+Hollow&birth_date=not-a-date").await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unreadable.body.contains("not-a-date"));
}

#[tokio::test]
async fn values_from_data_reach_the_page_as_text() {
    let desk = desk();
    let mut browser = desk.browser();
    for path in ["/ui/cases/hostile", "/ui/cases", "/ui/?name=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", "/ui/entities/h-1"]
    {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<img src=x"), "{path}: {}", page.body);
        assert!(!page.body.contains("<script>alert"), "{path}");
        assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"), "{path}: the value is shown as text");
    }
    let case = browser.get("/ui/cases/hostile").await;
    assert!(!case.body.contains(r#"href="javascript"#));
}

#[tokio::test]
async fn a_form_without_the_page_token_is_refused_and_records_nothing() {
    let desk = desk();
    let mut browser = desk.browser();
    let fields = [("target", "registry:r1"), ("person", "subject"), ("judgement", "different")];
    let refused = browser.post("/ui/cases/hollow/decisions", &fields).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let wrong = [("csrf", "0000"), fields[0], fields[1], fields[2]];
    assert_eq!(browser.post("/ui/cases/hollow/decisions", &wrong).await.status, StatusCode::FORBIDDEN);
    assert!(desk.engine.audit(Some("hollow")).unwrap().is_empty());
}

#[tokio::test]
async fn a_different_decision_takes_the_record_out_of_the_evidence_as_the_json_report_does() {
    let desk = desk();
    let mut browser = desk.browser();
    let page = browser.get("/ui/cases/hollow").await;
    assert!(page.body.contains(r#"data-record="registry:r1""#));
    assert_eq!(
        status_on_page(&page.body, "subject.birthDate"),
        json_status(&desk, "hollow", "subject.birthDate").await
    );
    let before = status_on_page(&page.body, "subject.birthDate");
    assert_ne!(before, "unverified");
    let csrf = page.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("target", "registry:r1"),
        ("person", "subject"),
        ("judgement", "different"),
        ("reason", "another <b>Viktor</b>"),
        ("anchor", "claim-subject.birthDate"),
    ];
    let decided = browser.post("/ui/cases/hollow/decisions", &fields).await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    assert!(decided.location().starts_with("/ui/cases/hollow?decided="), "{}", decided.location());
    let after = browser.get(decided.location()).await;
    let status = status_on_page(&after.body, "subject.birthDate");
    assert_eq!(status, json_status(&desk, "hollow", "subject.birthDate").await);
    assert_eq!(status, "unverified");
    assert!(after.body.contains("another &lt;b&gt;Viktor&lt;"), "who decided what is shown, escaped");
    let note =
        [("csrf", csrf.as_str()), ("target", "subject.name"), ("judgement", "note"), ("reason", "asked the registry")];
    assert_eq!(browser.post("/ui/cases/hollow/decisions", &note).await.status, StatusCode::SEE_OTHER);
    assert!(browser.get("/ui/cases/hollow").await.body.contains("asked the registry"));
    let misfit = [("csrf", csrf.as_str()), ("target", "registry:nobody"), ("person", "subject"), ("judgement", "same")];
    assert_eq!(browser.post("/ui/cases/hollow/decisions", &misfit).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let audit = browser.get("/ui/audit?case=hollow").await;
    assert!(audit.body.contains("Chain verified"), "{}", audit.body);
}

#[tokio::test]
async fn with_tokens_the_page_signs_in_and_a_reader_cannot_decide() {
    let desk = desk();
    let reader = desk.engine.add_token("rita", Role::Reader).unwrap();
    let reviewer = desk.engine.add_token("vera", Role::Reviewer).unwrap();
    let mut browser = desk.browser();
    let page = browser.get("/ui/cases/hollow").await;
    assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/ui/sign-in"));
    let form = browser.get("/ui/sign-in").await;
    let csrf = form.csrf();
    let bad = browser.post("/ui/sign-in", &[("csrf", &csrf), ("token", "not-a-token")]).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(browser.cookie.is_none());
    assert_eq!(browser.post("/ui/sign-in", &[("token", &reader)]).await.status, StatusCode::FORBIDDEN);

    let signed = browser.post("/ui/sign-in", &[("csrf", &csrf), ("token", &reader)]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let cookie = signed.headers[header::SET_COOKIE].to_str().unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/ui"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains(&reader), "the cookie holds a session id, never the token");
    let page = browser.get("/ui/cases/hollow").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("rita"));
    assert!(!page.body.contains("data-judgement"), "a reader sees no decision control");
    let fields = [
        ("csrf", page.csrf()),
        ("target", "registry:r1".into()),
        ("person", "subject".into()),
        ("judgement", "different".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(browser.post("/ui/cases/hollow/decisions", &fields).await.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/ui/audit").await.status, StatusCode::FORBIDDEN);
    assert!(desk.engine.audit(Some("hollow")).unwrap().is_empty());
    let out = browser.post("/ui/sign-out", &[("csrf", &page.csrf())]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/ui/cases").await.location(), "/ui/sign-in");

    let mut vera = desk.browser();
    let csrf = vera.get("/ui/sign-in").await.csrf();
    vera.post("/ui/sign-in", &[("csrf", &csrf), ("token", &reviewer)]).await;
    let page = vera.get("/ui/cases/hollow").await;
    assert!(page.body.contains(r#"data-judgement="different""#));
    let csrf = page.csrf();
    let fields =
        [("csrf", csrf.as_str()), ("target", "registry:r1"), ("person", "subject"), ("judgement", "different")];
    assert_eq!(vera.post("/ui/cases/hollow/decisions", &fields).await.status, StatusCode::SEE_OTHER);
    let entries = desk.engine.audit(Some("hollow")).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].fields.by, "vera", "the decision is the token holder's");
    // another session's form token does not fit this one
    let mut other = desk.browser();
    let csrf_other = other.get("/ui/sign-in").await.csrf();
    other.post("/ui/sign-in", &[("csrf", &csrf_other), ("token", &reviewer)]).await;
    let stolen = [("csrf", csrf.as_str()), ("target", "subject.name"), ("judgement", "note"), ("reason", "x")];
    assert_eq!(other.post("/ui/cases/hollow/decisions", &stolen).await.status, StatusCode::FORBIDDEN);
    // a revoked token ends its sessions
    desk.engine.revoke_token("vera").unwrap();
    assert_eq!(vera.get("/ui/cases").await.location(), "/ui/sign-in");
    // the JSON API keeps its token forms
    let request = Request::builder().uri("/cases").body(Body::empty()).unwrap();
    assert_eq!(desk.app.clone().oneshot(request).await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

/// Judges the registry's two Viktor Hollows `different` from `page`'s form, as a reviewer would.
async fn judge_r1_r2(browser: &mut Browser<'_>, page: &Page, reason: &str) -> Page {
    let csrf = page.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("left_dataset", "registry"),
        ("left_id", "r1"),
        ("right_dataset", "registry"),
        ("right_id", "r2"),
        ("judgement", "different"),
        ("reason", reason),
    ];
    browser.post("/ui/xref/judgements", &fields).await
}

#[tokio::test]
async fn a_judgement_from_the_xref_page_is_recorded_and_listed() {
    let desk = desk();
    let mut browser = desk.browser();
    let page = browser.get("/ui/xref").await;
    assert!(page.body.contains("crosscheck xref"), "the page says where pairs come from");
    let judged = judge_r1_r2(&mut browser, &page, "born nine years apart").await;
    assert_eq!(judged.status, StatusCode::SEE_OTHER, "{}", judged.body);
    let page = browser.get("/ui/xref").await;
    assert!(page.body.contains("born nine years apart"));
    assert_eq!(desk.engine.judgements().unwrap().len(), 1);
}

#[tokio::test]
async fn another_sites_script_gets_no_page_and_cannot_post() {
    let desk = desk();
    let mut browser = desk.browser();
    let csrf = browser.get("/ui/cases/hollow").await.csrf();
    let from = |method: &str, origin: &str, body: String| {
        Request::builder()
            .method(method)
            .uri("/ui/cases/hollow/decisions")
            .header(header::HOST, "127.0.0.1:8000")
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let fields = format!("csrf={csrf}&target=registry%3Ar1&person=subject&judgement=different");
    let read = Request::builder()
        .uri("/ui/cases/hollow")
        .header(header::HOST, "127.0.0.1:8000")
        .header(header::ORIGIN, "http://elsewhere.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(browser.send(read).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        browser.send(from("POST", "http://elsewhere.example", fields.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(browser.send(from("POST", "null", fields.clone())).await.status, StatusCode::FORBIDDEN);
    assert!(desk.engine.audit(Some("hollow")).unwrap().is_empty());
    // the page's own form, from its own origin
    assert_eq!(browser.send(from("POST", "http://127.0.0.1:8000", fields)).await.status, StatusCode::SEE_OTHER);
}

/// Discards a cross-reference's lines: the test wants its review queue.
struct Discard;

impl crosscheck_engine::xref::XrefSink for Discard {
    fn pairs(&mut self, _: &[crosscheck_engine::wire::XrefPair]) -> std::io::Result<()> {
        Ok(())
    }
    fn clusters(&mut self, _: &[crosscheck_engine::wire::XrefCluster]) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_xref_page_lists_the_latest_runs_pairs_until_they_are_judged() {
    let desk = desk();
    let request = crosscheck_engine::xref::XrefRequest::new("registry");
    desk.engine.xref(&request, &mut Discard, &crosscheck_engine::xref::Quiet).unwrap();
    let mut browser = desk.browser();
    let page = browser.get("/ui/xref").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"data-pair="registry:r1|registry:r2""#), "{}", page.body);
    assert!(page.body.contains("Possible match"), "the namesakes born nine years apart score below the threshold");
    assert!(page.body.contains("1970-05-05"), "each side's key properties are shown");
    assert_eq!(judge_r1_r2(&mut browser, &page, "two men").await.status, StatusCode::SEE_OTHER);
    let page = browser.get("/ui/xref").await;
    assert!(!page.body.contains(r#"data-pair="registry:r1|registry:r2""#), "judged, so no longer to judge");
    assert!(page.body.contains("two men"));
}
