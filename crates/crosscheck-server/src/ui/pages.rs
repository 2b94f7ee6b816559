//! The page's handlers: read the form, call the engine as the JSON routes do, render.

use super::session::{form, viewer};
use super::{path_segment, see_other, Ui, Viewer};
use crate::error::ApiError;
use crate::routes::{blocking, Shared};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use crosscheck_engine::desk::{DecisionRequest, DeskError, JudgementRequest};
use crosscheck_engine::query::{Query, QuickQuery};
use crosscheck_engine::{RecordRef, Role, Scorer, ScreenFilter, ScreenOptions};
use crosscheck_verify::Judgement;
use minijinja::context;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

type UiExt = Extension<Arc<Ui>>;

/// How many candidates the screening page lists.
const SCREEN_LIMIT: usize = 10;

/// The properties shown beside a candidate, in this order.
const KEY_PROPERTIES: [&str; 7] = ["birthDate", "nationality", "citizenship", "country", "gender", "topics", "program"];

const EXPIRED: &str = "This form has expired or did not come from this page: reload the page and try again.";

/// The viewer, or the answer that replaces the page (a redirect to sign in).
macro_rules! viewer_or_return {
    ($state:expr, $ui:expr, $headers:expr) => {
        match viewer(&$state, &$ui, &$headers).await {
            Ok(viewer) => viewer,
            Err(response) => return response,
        }
    };
}

/// An engine error as a page.
fn failed(ui: &Ui, viewer: &Viewer, e: ApiError) -> Response {
    let message = match e.body.get("detail") {
        Some(Value::String(detail)) => detail.clone(),
        _ => "The request failed; the server's log says why.".into(),
    };
    ui.error(e.status, viewer, &message)
}

/// Query-string pairs in order (a repeated field, such as `datasets`, keeps every value).
fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// One candidate as the screening page shows it.
#[derive(Serialize)]
struct Candidate {
    dataset: String,
    id: String,
    caption: String,
    schema: String,
    score: f64,
    is_match: bool,
    watchlist: bool,
    summary: String,
    features: Vec<Feature>,
    properties: Vec<(String, Vec<String>)>,
}

#[derive(Serialize)]
struct Feature {
    name: &'static str,
    detail: String,
    contribution: f64,
    /// `for`, `against` or `neutral`.
    effect: &'static str,
}

/// `GET /ui/`: the screening form and, with a name, the ranked candidates `/match` gives for it.
pub(crate) async fn screening(
    state: Shared,
    Extension(ui): UiExt,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let viewer = viewer_or_return!(state, ui, headers);
    let pairs = query_pairs(raw.as_deref());
    let asked = context! {
        name => first(&pairs, "name").unwrap_or(""),
        birth_date => first(&pairs, "birth_date").unwrap_or(""),
        nationality => first(&pairs, "nationality").unwrap_or(""),
        schema => first(&pairs, "schema").unwrap_or(""),
    };
    let chosen: BTreeSet<String> =
        pairs.iter().filter(|(k, v)| k == "datasets" && !v.is_empty()).map(|(_, v)| v.clone()).collect();
    let engine = state.engine.clone();
    let name = first(&pairs, "name").map(str::to_string);
    let (birth_date, nationality, schema) = (
        first(&pairs, "birth_date").map(str::to_string),
        first(&pairs, "nationality").map(str::to_string),
        first(&pairs, "schema").map(str::to_string),
    );
    let chosen_list: Vec<String> = chosen.iter().cloned().collect();
    let result = blocking(&state, move || {
        let datasets = engine.datasets()?;
        let Some(name) = name else { return Ok((datasets, None, None)) };
        let quick = QuickQuery {
            name: &name,
            schema: schema.as_deref(),
            birth_date: birth_date.as_deref(),
            country: nationality.as_deref(),
        };
        let entity = match quick.entity() {
            Ok(entity) => entity,
            Err(e) => return Ok((datasets, None, Some(format!("The query cannot be read: {e}.")))),
        };
        // as `POST /match/default` with its defaults, over the datasets ticked (all without any)
        let scorer = Scorer::default_scorer();
        let engine = engine.with_scorer(scorer);
        let names: Vec<String> = datasets
            .iter()
            .map(|d| d.dataset.clone())
            .filter(|d| chosen_list.is_empty() || chosen_list.contains(d))
            .collect();
        let snapshot = engine.snapshot(&names)?;
        let query = Query::new(entity, snapshot.scorer())
            .map_err(|e| ApiError::bad_request(format!("The query cannot be read: {e}")))?;
        let options = ScreenOptions {
            limit: SCREEN_LIMIT,
            candidates: crosscheck_engine::screen::DEFAULT_CANDIDATES.max(SCREEN_LIMIT),
            ..ScreenOptions::new(&scorer)
        };
        let filter = ScreenFilter { cutoff: Some(scorer.default_threshold()), ..ScreenFilter::default() };
        let screening = snapshot.screen_filtered(&query, &options, &filter)?;
        let kinds: HashMap<&str, &str> = datasets.iter().map(|d| (d.dataset.as_str(), d.kind.as_str())).collect();
        let candidates: Vec<Candidate> = screening
            .hits
            .into_iter()
            .map(|hit| Candidate {
                watchlist: kinds.get(&*hit.dataset) == Some(&"watchlist"),
                dataset: hit.dataset.to_string(),
                caption: hit.entity.caption(),
                id: hit.entity.id.clone(),
                schema: hit.entity.schema.clone(),
                score: hit.score,
                is_match: hit.is_match,
                summary: hit.explanation.summary.clone(),
                features: hit
                    .explanation
                    .features
                    .iter()
                    .map(|f| Feature {
                        name: f.name,
                        detail: f.detail.clone(),
                        contribution: f.contribution,
                        effect: if f.contribution > 0.0 {
                            "for"
                        } else if f.contribution < 0.0 {
                            "against"
                        } else {
                            "neutral"
                        },
                    })
                    .collect(),
                properties: KEY_PROPERTIES
                    .iter()
                    .filter(|p| !hit.entity.get(p).is_empty())
                    .map(|p| (p.to_string(), hit.entity.get(p).to_vec()))
                    .collect(),
            })
            .collect();
        Ok((datasets, Some((candidates, screening.matches)), None))
    })
    .await;
    match result {
        Ok((datasets, found, problem)) => {
            let (candidates, matches) = match found {
                Some((candidates, matches)) => (Some(candidates), matches),
                None => (None, 0),
            };
            let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            let context = context! {
                page => "screening", asked, datasets, chosen, candidates, matches, problem,
                schemas => ["Person", "Organization", "Company", "LegalEntity", "Vessel"],
            };
            ui.render(status, "screening.html", &viewer, context)
        }
        Err(e) => failed(&ui, &viewer, e),
    }
}

/// `GET /ui/entities/{id}`: the entity with its properties and the entities linked to it.
pub(crate) async fn entity(
    state: Shared,
    Extension(ui): UiExt,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let viewer = viewer_or_return!(state, ui, headers);
    let engine = state.engine.clone();
    let found = blocking(&state, move || crate::entities::nested_entity(engine.snapshot_all()?, &id)).await;
    match found {
        Ok(Some(entity)) => ui.render(StatusCode::OK, "entity.html", &viewer, context! { page => "screening", entity }),
        Ok(None) => ui.error(StatusCode::NOT_FOUND, &viewer, "No loaded dataset has an entity with this id."),
        Err(e) => failed(&ui, &viewer, e),
    }
}

/// `GET /ui/cases`: every case of `--cases`, with its statuses counted.
pub(crate) async fn cases(state: Shared, Extension(ui): UiExt, headers: HeaderMap) -> Response {
    let viewer = viewer_or_return!(state, ui, headers);
    let Some(dir) = state.config.cases.clone() else {
        return ui.render(StatusCode::OK, "cases.html", &viewer, context! { page => "cases", no_folder => true });
    };
    let engine = state.engine.clone();
    let listed = blocking(&state, move || {
        engine.case_summaries(&dir).map_err(|e| {
            crate::layers::log_line(&format!("error: the folder of cases cannot be read: {e}"));
            ApiError::internal()
        })
    })
    .await;
    match listed {
        Ok(cases) => ui.render(StatusCode::OK, "cases.html", &viewer, context! { page => "cases", cases }),
        Err(e) => failed(&ui, &viewer, e),
    }
}

/// The statuses in the order the review shows them (what needs a look first), with the
/// words and the shape beside each colour.
const STATUSES: [(&str, &str, &str); 4] = [
    ("contradicted", "Contradicted", "✖"),
    ("single-source", "Single source", "◐"),
    ("corroborated", "Corroborated", "✔"),
    ("unverified", "Unverified", "?"),
];

/// `GET /ui/cases/{case}`: the case's report as `GET /cases/{case}` gives it (decisions
/// applied), claims beside their evidence, with the decision forms.
pub(crate) async fn case(
    state: Shared,
    Extension(ui): UiExt,
    headers: HeaderMap,
    Path(case): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let viewer = viewer_or_return!(state, ui, headers);
    let dir = match crate::routes::cases_dir(&state) {
        Ok(dir) => dir,
        Err(e) => return failed(&ui, &viewer, e),
    };
    let engine = state.engine.clone();
    let name = case.clone();
    let verified = blocking(&state, move || match engine.verify_case(&dir, &name) {
        Ok(verified) => serde_json::to_value(&verified.report).map_err(|_| ApiError::internal()),
        Err(crosscheck_engine::cases::CaseError::Lookup(_)) => Err(ApiError::not_found("No such case.")),
        Err(crosscheck_engine::cases::CaseError::Verify(e)) => {
            Err(ApiError::detail(StatusCode::UNPROCESSABLE_ENTITY, format!("The case cannot be verified: {e}")))
        }
    })
    .await;
    let report = match verified {
        Ok(report) => report,
        Err(e) => return failed(&ui, &viewer, e),
    };
    let claims = report["claims"].as_array().cloned().unwrap_or_default();
    let groups: Vec<Value> = STATUSES
        .iter()
        .map(|(status, label, shape)| {
            let members: Vec<&Value> = claims.iter().filter(|c| c["status"] == *status).collect();
            serde_json::json!({ "status": status, "label": label, "shape": shape, "claims": members })
        })
        .collect();
    let decided = query_pairs(raw.as_deref()).into_iter().find(|(k, _)| k == "decided").map(|(_, v)| v);
    let context = context! {
        page => "cases",
        case,
        case_path => path_segment(&case),
        report,
        groups,
        decided,
        judgements => ["same", "different", "unsure"],
    };
    ui.render(StatusCode::OK, "case.html", &viewer, context)
}

/// The common start of every form that changes something: the form read, its token checked
/// (403), the viewer's role checked (403).
fn checked_form(ui: &Ui, viewer: &Viewer, body: &Bytes, needed: Role) -> Result<HashMap<String, String>, Response> {
    let fields = form(body);
    if !viewer.csrf_matches(fields.get("csrf").map(String::as_str)) {
        return Err(ui.error(StatusCode::FORBIDDEN, viewer, EXPIRED));
    }
    if !viewer.allows(needed) {
        let message = format!("You are signed in as a {}: recording decisions needs a reviewer.", viewer.role);
        return Err(ui.error(StatusCode::FORBIDDEN, viewer, &message));
    }
    Ok(fields)
}

fn text(fields: &HashMap<String, String>, key: &str) -> Option<String> {
    fields.get(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn desk_failed(ui: &Ui, viewer: &Viewer, e: DeskError) -> Response {
    let (status, message) = match e {
        DeskError::Lookup(_) => (StatusCode::NOT_FOUND, "No such case.".to_string()),
        DeskError::Misfit(m) => (StatusCode::UNPROCESSABLE_ENTITY, format!("Not recorded: {m}")),
        DeskError::Verify(e) => (StatusCode::UNPROCESSABLE_ENTITY, format!("The case cannot be verified: {e}")),
        DeskError::Engine(e) => return failed(ui, viewer, e.into()),
    };
    ui.error(status, viewer, &message)
}

/// `POST /ui/cases/{case}/decisions`: records a decision (reviewer) as `POST
/// /cases/{case}/decisions` does, then back to the case (303) as it now stands.
pub(crate) async fn decide(
    state: Shared,
    Extension(ui): UiExt,
    headers: HeaderMap,
    Path(case): Path<String>,
    body: Bytes,
) -> Response {
    let viewer = viewer_or_return!(state, ui, headers);
    let fields = match checked_form(&ui, &viewer, &body, Role::Reviewer) {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    let Some(judgement) = fields.get("judgement").and_then(|j| Judgement::parse(j)) else {
        return ui.error(StatusCode::UNPROCESSABLE_ENTITY, &viewer, "Pick same, different, unsure or note.");
    };
    let request = DecisionRequest {
        target: text(&fields, "target").unwrap_or_default(),
        person: text(&fields, "person"),
        judgement,
        reason: text(&fields, "reason"),
    };
    let anchor = text(&fields, "anchor");
    let dir = match crate::routes::cases_dir(&state) {
        Ok(dir) => dir,
        Err(e) => return failed(&ui, &viewer, e),
    };
    let engine = viewer.engine(&state);
    let name = case.clone();
    let stored = blocking(&state, move || Ok(engine.decide(&dir, &name, request))).await;
    match stored {
        Ok(Ok(stored)) => {
            let fragment = anchor.map(|a| format!("#{}", path_segment(&a))).unwrap_or_default();
            viewer.named(see_other(&format!("/ui/cases/{}?decided={}{fragment}", path_segment(&case), stored.id)))
        }
        Ok(Err(e)) => desk_failed(&ui, &viewer, e),
        Err(e) => failed(&ui, &viewer, e),
    }
}

/// How many pairs `/ui/xref` lists at once: judging them brings up the next.
const PAIRS_SHOWN: usize = 50;

/// One side of a pair to judge, as the page shows it.
#[derive(Serialize)]
struct PairSide {
    dataset: String,
    id: String,
    caption: String,
    key_properties: std::collections::BTreeMap<String, Vec<String>>,
}

/// `GET /ui/xref`: the pairs to judge, best first (the best pairs of the latest `crosscheck
/// xref` of each set of datasets, less those the desk has judged) and the judgements so far.
pub(crate) async fn xref(state: Shared, Extension(ui): UiExt, headers: HeaderMap) -> Response {
    let viewer = viewer_or_return!(state, ui, headers);
    let engine = state.engine.clone();
    let listed = blocking(&state, move || {
        let judgements = engine.judgements()?;
        let mut pairs = Vec::new();
        for pair in engine.review_pairs(PAIRS_SHOWN)? {
            let side = |r: &RecordRef| -> Result<Option<PairSide>, crosscheck_engine::EngineError> {
                Ok(engine.record(&r.dataset, &r.id)?.map(|shown| PairSide {
                    dataset: r.dataset.clone(),
                    id: r.id.clone(),
                    caption: shown.caption,
                    key_properties: shown.key_properties,
                }))
            };
            if let (Some(left), Some(right)) = (side(&pair.left)?, side(&pair.right)?) {
                pairs.push(context! { left, right, is_match => pair.is_match, summary => pair.summary });
            }
        }
        Ok((judgements, pairs))
    })
    .await;
    match listed {
        Ok((mut judgements, pairs)) => {
            judgements.reverse(); // newest first
            let context = context! { page => "xref", judgements, pairs };
            ui.render(StatusCode::OK, "xref.html", &viewer, context)
        }
        Err(e) => failed(&ui, &viewer, e),
    }
}

/// `POST /ui/xref/judgements`: records a judgement on two records (reviewer) as `POST
/// /judgements` does, then back to the pairs (303).
pub(crate) async fn judge(state: Shared, Extension(ui): UiExt, headers: HeaderMap, body: Bytes) -> Response {
    let viewer = viewer_or_return!(state, ui, headers);
    let fields = match checked_form(&ui, &viewer, &body, Role::Reviewer) {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    let judgement = fields
        .get("judgement")
        .and_then(|j| Judgement::parse(j))
        .filter(|j| [Judgement::Same, Judgement::Different, Judgement::Unsure].contains(j));
    let Some(judgement) = judgement else {
        return ui.error(StatusCode::UNPROCESSABLE_ENTITY, &viewer, "Pick same, different or unsure.");
    };
    let side = |prefix: &str| RecordRef {
        dataset: text(&fields, &format!("{prefix}_dataset")).unwrap_or_default(),
        id: text(&fields, &format!("{prefix}_id")).unwrap_or_default(),
    };
    let request =
        JudgementRequest { left: side("left"), right: side("right"), judgement, reason: text(&fields, "reason") };
    let engine = viewer.engine(&state);
    match blocking(&state, move || Ok(engine.judge(request))).await {
        Ok(Ok(stored)) => viewer.named(see_other(&format!("/ui/xref?judged={}", stored.id))),
        Ok(Err(e)) => desk_failed(&ui, &viewer, e),
        Err(e) => failed(&ui, &viewer, e),
    }
}

/// `GET /ui/audit?case=&by=`: the desk's log (reviewer, as `GET /audit`), filtered, with the
/// chain's verification.
pub(crate) async fn audit(
    state: Shared,
    Extension(ui): UiExt,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let viewer = viewer_or_return!(state, ui, headers);
    if !viewer.allows(Role::Reviewer) {
        let message = format!("You are signed in as a {}: the desk's log is for reviewers.", viewer.role);
        return ui.error(StatusCode::FORBIDDEN, &viewer, &message);
    }
    let pairs = query_pairs(raw.as_deref());
    let case = first(&pairs, "case").map(str::to_string);
    let by = first(&pairs, "by").map(str::to_string);
    let engine = state.engine.clone();
    let desk = state.desk.clone();
    let chosen_case = case.clone();
    let read = blocking(&state, move || {
        let all = engine.audit(None)?;
        let verification = desk.verify().map_err(|e| ApiError::from(crosscheck_engine::EngineError::from(e)))?;
        Ok((all, verification))
    })
    .await;
    match read {
        Ok((all, verification)) => {
            let cases: BTreeSet<&str> = all.iter().filter_map(|e| e.fields.case.as_deref()).collect();
            let people: BTreeSet<&str> = all.iter().map(|e| e.fields.by.as_str()).collect();
            let entries: Vec<_> = all
                .iter()
                .rev()
                .filter(|e| chosen_case.is_none() || e.fields.case == chosen_case)
                .filter(|e| by.is_none() || Some(&e.fields.by) == by.as_ref())
                .collect();
            let context = context! {
                page => "audit", entries, cases, people, case, by, verification, total => all.len(),
            };
            ui.render(StatusCode::OK, "audit.html", &viewer, context)
        }
        Err(e) => failed(&ui, &viewer, e),
    }
}
