//! Claims against evidence: supports and contradictions, statuses, explanations, findings and
//! warnings (PRODUCT.md, "Statuses" and "JSON report").
//!
//! Decisions and reasons:
//! - Only single-valued properties contradict: birth date, birth place, death date, age, gender,
//!   relationship, and the start and end of the same employment (the employment whose employer,
//!   or else whose role, matches the claimed one). Other links to an organisation (a directorship,
//!   a membership, an agency, a post held: `relation::ORG_LINKS`) support an employment's employer, position
//!   and years like an Employment, with their kind in the evidence ("director of ..."), but their
//!   years never contradict: a director's term may lie inside a longer employment. Names contradict only when a record resolved by
//!   identifier or link has a name wholly unlike the claimed one ([`NAME_UNLIKE`]).
//! - A document's data is evidence only for its own `.valid` and `.holder` claims; a dataset
//!   holding the document's number for the resolved holder supports both.
//! - Origins: a dataset counts under its `origin` (two copies of a leak are one), a human source
//!   under `group:<group>`, a document under `document:<key>`.
//! - Explanations are one sentence built from the claim and the origins; human sources are named
//!   by key and group only. An unverified claim of a person with records set aside (or of anyone,
//!   when the subject's record was set aside: relatives hang off it) names those records instead
//!   of "nothing bears on it"; a birth date or place claim names a record set aside because that
//!   very field differs; a birth date, gender or nationality claim says what the person's own
//!   document states, not counted (issue 14).
//! - Documents: `.valid` says "check digits and format consistent", never "valid" or "genuine"
//!   (a forgery copied from a real document is consistent too); a document's own warnings (an
//!   expiry before `as_of`) are report warnings; `.holder` is checked again with the names of
//!   the holder's resolved records beside the claimed ones (the zone's HNATIUK agrees with a
//!   registry's Гнатюк under the Ukrainian national scheme, whatever spelling the subject uses).

use crate::case::{Case, Claim, ClaimValue, EmploymentField, Target};
use crate::compare::{self, NAME_AGREES, NAME_UNLIKE, WORDS_AGREE};
use crate::documents::{self, Check, Outcome};
use crate::evidence::{EvidenceSet, Screened, SetError};
use crate::relation;
use crate::report::{
    ClaimResult, EvidenceItem, Finding, PersonSummary, Relation, Report, SetAside, SourceLabel, Status, Summary,
};
use crate::resolve::{self, How, Resolved, View};
use crosscheck_model::date::DateRelation;
use crosscheck_model::{clean, country, identifier, PartialDate, PropType, Schema};
use crosscheck_names::{Name, NameKind};
use std::collections::{BTreeMap, HashSet};

/// The crosscheck version recorded in reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Verifies `case` against `sets` (in the case's evidence order) with the default scorer.
/// Fails only when a dataset cannot be read.
pub fn verify(case: &Case, sets: &[Box<dyn EvidenceSet>]) -> Result<Report, SetError> {
    verify_with(case, sets, crosscheck_match::default_scorer())
}

/// [`verify`] with the scorer whose threshold screens the watchlists and whose id the report
/// records; the sets must screen with the same scorer (the engine's do).
pub fn verify_with(
    case: &Case,
    sets: &[Box<dyn EvidenceSet>],
    scorer: &'static crosscheck_match::Scorer,
) -> Result<Report, SetError> {
    verify_decided(case, sets, scorer, &[])
}

/// [`verify_with`], applying the desk's recorded `decisions` on the case (in log order; see
/// [`crate::decisions`]): the report lists every one under `decisions`, with what it did.
pub fn verify_decided(
    case: &Case,
    sets: &[Box<dyn EvidenceSet>],
    scorer: &'static crosscheck_match::Scorer,
    decisions: &[crate::decisions::Decision],
) -> Result<Report, SetError> {
    let applying = apply_decisions(case, sets, decisions)?;
    let outcomes: Vec<Outcome> =
        case.documents.iter().map(|d| documents::check(d, &case.people[d.holder].entity, &case.as_of)).collect();
    let doc_numbers: Vec<(usize, String)> =
        case.documents.iter().zip(&outcomes).filter_map(|(d, o)| o.number.clone().map(|n| (d.holder, n))).collect();
    let queries = resolve::queries(case, &doc_numbers, scorer.names());
    let mut views = Vec::with_capacity(sets.len());
    let mut raw_findings = Vec::new();
    for set in sets {
        let dataset = &set.info().dataset;
        let forced: Vec<resolve::Forced> =
            applying.same.iter().filter(|(d, _)| d == dataset).map(|(_, f)| f.clone()).collect();
        let excluded: HashSet<String> = case
            .exclude
            .iter()
            .filter(|x| &x.dataset == dataset)
            .map(|x| x.record.clone())
            .chain(applying.different.iter().filter(|(d, _)| d == dataset).map(|(_, r)| r.clone()))
            .filter(|r| !forced.iter().any(|f| &f.entity.id == r))
            .collect();
        let mut matches = Vec::new();
        if set.info().kind == "watchlist" {
            for (idx, query) in queries.iter().enumerate() {
                for hit in set.screen(&query.entity, scorer.default_threshold())? {
                    if !excluded.contains(&hit.entity.id) {
                        matches.push((idx, hit));
                    }
                }
            }
        }
        if set.info().kind == "watchlist" {
            // a listing the desk decided is the person is a finding of theirs, whatever its score
            for f in &forced {
                if !matches.iter().any(|(idx, hit)| *idx == f.person && hit.entity.id == f.entity.id) {
                    let query = scorer.prepare(&queries[f.person].entity);
                    let scored = scorer.explain(&query, &scorer.prepare(&f.entity));
                    let hit =
                        Screened { entity: f.entity.clone(), score: scored.score, explanation: scored.explanation };
                    matches.push((f.person, hit));
                }
            }
        }
        let extra: Vec<String> = matches.iter().map(|(_, hit)| hit.entity.id.clone()).collect();
        let view = resolve::resolve(case, &queries, set.as_ref(), &excluded, &extra, &forced)?;
        raw_findings.push(matches);
        views.push(view);
    }
    let outcomes = recheck_holders(case, sets, &views, outcomes);
    let set_aside: Vec<SetAside> = sets
        .iter()
        .zip(&views)
        .flat_map(|(set, view)| {
            view.set_aside.iter().map(|m| SetAside {
                person: case.people[m.person].key.clone(),
                dataset: set.info().dataset.clone(),
                record: m.record.clone(),
                caption: m.caption.clone(),
                caption_latin: None,
                reason: m.reason.clone(),
            })
        })
        .collect();
    let ctx = Ctx { case, sets, views: &views, outcomes: &outcomes, names: scorer.names(), set_aside: &set_aside };
    let mut claims: Vec<ClaimResult> = case.claims.iter().map(|c| ctx.evaluate(c)).collect();
    for (index, note) in applying.notes {
        claims[index].notes.push(note);
    }
    annotate(case, sets, &mut claims)?;
    let mut findings = Vec::new();
    for ((set, view), matches) in sets.iter().zip(&views).zip(raw_findings) {
        for (idx, Screened { entity: record, score, explanation }) in matches {
            let resolved = view.find(&record.id).is_some_and(|r| r.person == idx);
            let mut details: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for prop in ["topics", "program", "notes", "summary", "createdAt"] {
                let values = record.get(prop);
                if !values.is_empty() {
                    details.entry(prop.to_string()).or_default().extend(values.iter().cloned());
                }
            }
            for sanction in view.sanctions.get(&record.id).into_iter().flatten() {
                for (prop, values) in &sanction.properties {
                    if prop == "entity" {
                        continue;
                    }
                    let slot = details.entry(prop.to_string()).or_default();
                    for v in values {
                        if !slot.contains(v) {
                            slot.push(v.clone());
                        }
                    }
                }
            }
            findings.push(crate::report::Finding {
                person: case.people[idx].key.clone(),
                dataset: set.info().dataset.clone(),
                record: record.id.clone(),
                caption_latin: crate::latin::reading(&record.caption(), &crate::latin::countries(&record)),
                caption: record.caption(),
                score,
                explanation,
                resolved,
                details,
            });
        }
    }
    findings.sort_by(|a: &Finding, b: &Finding| b.resolved.cmp(&a.resolved).then(b.score.total_cmp(&a.score)));
    let mut warnings = warnings(case);
    // a document's own doubts (an expiry before `as_of`): consistent is not in force
    for (doc, outcome) in case.documents.iter().zip(&outcomes) {
        for w in &outcome.warnings {
            warnings.push(format!("`{}` ({}): {w}.", doc.key, doc.kind));
        }
    }
    let could_not_verify: Vec<String> =
        claims.iter().filter(|c| c.status == Status::Unverified).map(|c| c.id.clone()).collect();
    let count = |s: Status| claims.iter().filter(|c| c.status == s).count();
    let summary = Summary {
        claims: claims.len(),
        corroborated: count(Status::Corroborated),
        single_source: count(Status::SingleSource),
        contradicted: count(Status::Contradicted),
        unverified: count(Status::Unverified),
        findings: findings.len(),
        warnings: warnings.len(),
    };
    let summary_of = |i: usize| PersonSummary {
        key: case.people[i].key.clone(),
        relationship: case.people[i].relationship.clone(),
        name: case.people[i].entity.caption(),
        latin: crate::latin::reading(
            &case.people[i].entity.caption(),
            &crate::latin::countries(&case.people[i].entity),
        ),
    };
    let subject = summary_of(0);
    let people: Vec<PersonSummary> = (1..case.people.len()).map(summary_of).collect();
    let everyone: Vec<&PersonSummary> = std::iter::once(&subject).chain(&people).collect();
    let findings_by_person = crate::report::group_findings(&findings, &everyone);
    let mut set_aside = set_aside;
    for x in &mut set_aside {
        let countries = sets
            .iter()
            .find(|s| s.info().dataset == x.dataset)
            .and_then(|s| s.get(&x.record).ok().flatten())
            .map(|e| crate::latin::countries(&e))
            .unwrap_or_default();
        x.caption_latin = crate::latin::reading(&x.caption, &countries);
    }
    Ok(Report {
        case: case.id.clone(),
        as_of: case.as_of.to_string(),
        crosscheck_version: VERSION.to_string(),
        scorer: scorer.id().to_string(),
        datasets: sets.iter().map(|s| s.info().clone()).collect(),
        claims,
        findings,
        findings_by_person,
        set_aside,
        decisions: applying.lines,
        warnings,
        could_not_verify,
        subject,
        people,
        sources: case.sources.iter().map(|s| SourceLabel { key: s.key.clone(), group: s.group.clone() }).collect(),
        exclusions: case.exclude.clone(),
        summary,
    })
}

/// The decisions sorted into what verification does with them.
struct Applying {
    /// `same` in effect: (dataset, the record forced to its person).
    same: Vec<(String, resolve::Forced)>,
    /// `different` in effect: (dataset, record).
    different: Vec<(String, String)>,
    /// `note` in effect: (claim index, note).
    notes: Vec<(usize, crate::report::ClaimNote)>,
    lines: Vec<crate::report::DecisionLine>,
}

/// Checks each decision against the case (and a record target against its dataset), finds which
/// are in effect, and says what each does.
fn apply_decisions(
    case: &Case,
    sets: &[Box<dyn EvidenceSet>],
    decisions: &[crate::decisions::Decision],
) -> Result<Applying, SetError> {
    use crate::decisions::{self, Checked, Judgement};
    let targets: Vec<(i64, String)> = decisions.iter().map(|d| (d.id, d.target.trim().to_string())).collect();
    let later = decisions::superseded_by(&targets);
    let mut out = Applying { same: Vec::new(), different: Vec::new(), notes: Vec::new(), lines: Vec::new() };
    for (d, superseded_by) in decisions.iter().zip(later) {
        let (applied, effect) = if let Some(next) = superseded_by {
            (false, format!("superseded by decision {next}"))
        } else {
            match decisions::check(case, &d.target, d.person.as_deref(), d.judgement) {
                Err(misfit) => (false, format!("not applied: it no longer fits the case ({misfit})")),
                Ok(Checked::Claim(index)) => {
                    let note = crate::report::ClaimNote {
                        decision: d.id,
                        at: d.at.clone(),
                        by: d.by.clone(),
                        reason: d.reason.clone(),
                    };
                    out.notes.push((index, note));
                    (true, format!("a note on {}", case.claims[index].id))
                }
                Ok(Checked::Record { dataset, record, person }) => {
                    let key = &case.people[person].key;
                    let set = sets.iter().find(|s| s.info().dataset == dataset);
                    let entity = match set {
                        Some(set) => set.get(&record)?,
                        None => None,
                    };
                    match (d.judgement, entity) {
                        (_, None) => (false, format!("not applied: {dataset} has no record {record}")),
                        (Judgement::Same, Some(entity)) => {
                            out.same.push((dataset, resolve::Forced { person, entity, decision: d.id }));
                            (true, format!("the record is about {key}, by desk decision"))
                        }
                        (Judgement::Different, Some(_)) => {
                            out.different.push((dataset, record));
                            (true, format!("the record is not about {key}: kept out, as the case file's exclude"))
                        }
                        (_, Some(_)) => (false, "recorded; unsure changes nothing".to_string()),
                    }
                }
            }
        };
        out.lines.push(crate::report::DecisionLine {
            id: d.id,
            at: d.at.clone(),
            by: d.by.clone(),
            target: d.target.clone(),
            person: d.person.clone(),
            judgement: d.judgement,
            reason: d.reason.clone(),
            applied,
            superseded_by,
            effect,
        });
    }
    Ok(out)
}

/// Adds what an editor needs beside each item of evidence (issue 14): a Latin reading of a
/// Cyrillic value (the scheme of the record's country, else of the person's), and for a record
/// read from one of the case's files, that file and the record's line(s), in the detail too
/// ("evidence/registry.csv line 4"). Claimed values in Cyrillic get a reading as well.
fn annotate(case: &Case, sets: &[Box<dyn EvidenceSet>], claims: &mut [ClaimResult]) -> Result<(), SetError> {
    for claim in claims {
        let person = case.people.iter().find(|p| p.key == claim.person);
        let person_countries = person.map(|p| crate::latin::countries(&p.entity)).unwrap_or_default();
        if let serde_json::Value::String(v) = &claim.claimed {
            claim.claimed_latin = crate::latin::reading(v, &person_countries);
        }
        for e in &mut claim.evidence {
            let Some(set) = e.dataset.as_deref().and_then(|d| sets.iter().find(|s| s.info().dataset == d)) else {
                continue;
            };
            if let Some(value) = e.value.as_deref().filter(|v| crate::latin::has_cyrillic(v)) {
                let mut countries = match set.get(&e.record)? {
                    Some(record) => crate::latin::countries(&record),
                    None => Vec::new(),
                };
                countries.extend(person_countries.iter().cloned());
                e.latin = crate::latin::reading(value, &countries);
            }
            if let Some(file) = &set.info().file {
                e.lines = set.lines(&e.record);
                e.file = Some(file.clone());
                if let Some(at) = where_in_file(file, &e.lines) {
                    e.detail = Some(match e.detail.take() {
                        Some(d) => format!("{d}; {at}"),
                        None => at,
                    });
                }
            }
        }
    }
    Ok(())
}

/// "registry.csv line 4", "registry.csv lines 4, 9": where a record stands in a case's file.
fn where_in_file(file: &str, lines: &[u64]) -> Option<String> {
    let numbers: Vec<String> = lines.iter().map(u64::to_string).collect();
    match numbers.len() {
        0 => None,
        1 => Some(format!("{file} line {}", numbers[0])),
        _ => Some(format!("{file} lines {}", numbers.join(", "))),
    }
}

/// The holder checks again with the names of the holder's resolved records beside the claimed
/// ones (issue 14): a zone spelling HNATIUK agrees with a registry's `Гнатюк Олександр` under the
/// Ukrainian national scheme even when the subject writes "Aleksandr Gnatyuk". Only names are
/// added (a record's birth date is not the subject's claim), and the detail says whose name
/// agreed.
fn recheck_holders(
    case: &Case,
    sets: &[Box<dyn EvidenceSet>],
    views: &[View],
    mut outcomes: Vec<Outcome>,
) -> Vec<Outcome> {
    for (doc, outcome) in case.documents.iter().zip(outcomes.iter_mut()) {
        if matches!(outcome.holder, Check::Passed(_))
            && !matches!(&outcome.holder, Check::Passed(d) if d.contains("romanisation"))
        {
            continue;
        }
        let mut holder = case.people[doc.holder].entity.clone();
        let mut whose: Vec<(String, String)> = Vec::new(); // (name, "`dataset` record id")
        for (set, view) in sets.iter().zip(views) {
            for r in view.of_person(doc.holder) {
                for name in r.entity.names() {
                    if !holder.get("alias").contains(&name) && !holder.get("name").contains(&name) {
                        holder.add_clean("alias", name.clone());
                    }
                    whose.push((name, format!("`{}` record {}", set.info().dataset, r.entity.id)));
                }
            }
        }
        if whose.is_empty() {
            continue;
        }
        let again = documents::check(doc, &holder, &case.as_of);
        let credit = |detail: &str| -> String {
            match whose.iter().find(|(name, _)| detail.contains(&format!("`{name}`"))) {
                Some((_, record)) => format!("{detail} (the name of {record}, the holder's)"),
                None => detail.to_string(),
            }
        };
        // the subject's own spelling that differs from the zone only by romanisation stays as a
        // note beside the record's agreeing name
        let note = match &outcome.holder {
            Check::Passed(d) if d.contains("romanisation") => {
                d.split_once(": ").map(|(_, name)| format!("; note: {name}")).unwrap_or_default()
            }
            _ => String::new(),
        };
        outcome.holder = match again.holder {
            Check::Passed(d) if !note.is_empty() && !d.contains("romanisation") => {
                Check::Passed(format!("{}{note}", credit(&d)))
            }
            Check::Passed(d) => Check::Passed(credit(&d)),
            Check::Failed(d) => Check::Failed(credit(&d)),
            Check::Unknown(d) => Check::Unknown(d),
        };
    }
    outcomes
}

struct Ctx<'a> {
    /// The scorer's names context: claimed names and employers are compared on its terms.
    names: &'static crosscheck_names::Names,
    case: &'a Case,
    sets: &'a [Box<dyn EvidenceSet>],
    views: &'a [View],
    outcomes: &'a [Outcome],
    /// Records kept out of the case by one field: an unverified claim of their person says so.
    set_aside: &'a [SetAside],
}

fn item(
    set: &dyn EvidenceSet,
    record: &str,
    value: Option<String>,
    relation: Relation,
    score: Option<f64>,
    detail: String,
) -> EvidenceItem {
    EvidenceItem {
        origin: set.info().origin.clone(),
        dataset: Some(set.info().dataset.clone()),
        record: record.to_string(),
        value,
        relation,
        score: score.map(|s| (s * 10_000.0).round() / 10_000.0),
        detail: Some(detail),
        latin: None,
        file: None,
        lines: Vec::new(),
    }
}

impl Ctx<'_> {
    fn evaluate(&self, claim: &Claim) -> ClaimResult {
        let mut evidence = Vec::new();
        match &claim.target {
            Target::DocValid(d) | Target::DocHolder(d) => self.document(claim, *d, &mut evidence),
            _ => {
                for (set, view) in self.sets.iter().zip(self.views) {
                    self.dataset_evidence(claim, set.as_ref(), view, &mut evidence);
                }
            }
        }
        for source in &self.case.sources {
            for (list, relation) in [(&source.confirms, Relation::Supports), (&source.disputes, Relation::Contradicts)]
            {
                if list.contains(&claim.id) {
                    evidence.push(EvidenceItem {
                        origin: source.origin(),
                        dataset: None,
                        record: format!("source:{}", source.key),
                        value: None,
                        relation,
                        score: None,
                        detail: None,
                        latin: None,
                        file: None,
                        lines: Vec::new(),
                    });
                }
            }
        }
        let (status, origins) = status(&evidence);
        let mut explanation = self.explain(claim, status, &evidence, &origins);
        // a record set aside because this very field differs is a near-contradiction: said
        // beside any status but unverified (whose sentence already names the set-aside records)
        if let (Target::Prop { prop, .. }, true) = (&claim.target, status != Status::Unverified) {
            let field = match prop.as_str() {
                "birthDate" => Some("birth date differs"),
                "birthPlace" => Some("birth place differs"),
                _ => None,
            };
            let person = &self.case.people[claim.person].key;
            let near: Vec<String> = self
                .set_aside
                .iter()
                .filter(|x| &x.person == person && field.is_some_and(|f| x.reason.contains(f)))
                .map(|x| format!("`{}` record {}", x.dataset, x.record))
                .collect();
            if !near.is_empty() {
                explanation.pop();
                explanation.push_str(&format!(
                    "; {} set aside as not about this person, states otherwise.",
                    and_list(&dedup(near))
                ));
            }
        }
        // what the person's own documents state of a birth date, gender or nationality, beside
        // the claim and not counted for it (issue 14; PRODUCT.md's rule stands)
        if let Target::Prop { prop, .. } = &claim.target {
            let stated: Vec<String> = self
                .case
                .documents
                .iter()
                .zip(self.outcomes)
                .filter(|(d, _)| d.holder == claim.person)
                .flat_map(|(d, o)| {
                    o.states.iter().filter(|(p, _)| p == prop).map(move |(_, v)| format!("`{}` states {v}", d.key))
                })
                .collect();
            if !stated.is_empty() {
                let whose = if claim.person == 0 { "the subject's" } else { "their" };
                explanation.pop(); // the full stop
                explanation
                    .push_str(&format!("; {whose} own document {} (not counted as an origin).", and_list(&stated)));
            }
        }
        ClaimResult {
            id: claim.id.clone(),
            claimed: claim.claimed.clone(),
            claimed_latin: None,
            status,
            evidence,
            explanation,
            person: self.case.people[claim.person].key.clone(),
            origins,
            notes: Vec::new(),
        }
    }

    fn document(&self, claim: &Claim, d: usize, evidence: &mut Vec<EvidenceItem>) {
        let doc = &self.case.documents[d];
        let outcome = &self.outcomes[d];
        let check = match claim.target {
            Target::DocValid(_) => &outcome.valid,
            _ => &outcome.holder,
        };
        let own = |relation, detail: &str| EvidenceItem {
            origin: format!("document:{}", doc.key),
            dataset: None,
            record: format!("document:{}", doc.key),
            value: None,
            relation,
            score: None,
            detail: Some(detail.to_string()),
            latin: None,
            file: None,
            lines: Vec::new(),
        };
        match check {
            Check::Passed(detail) => evidence.push(own(Relation::Supports, detail)),
            Check::Failed(detail) => evidence.push(own(Relation::Contradicts, detail)),
            Check::Unknown(_) => {}
        }
        let Some(number) = outcome.number.as_deref().map(identifier::normalize).filter(|n| n.len() >= 4) else {
            return;
        };
        for (set, view) in self.sets.iter().zip(self.views) {
            let mut hits: Vec<(String, String)> = Vec::new();
            for r in view.of_person(doc.holder) {
                for (prop, v) in r.entity.values_of_type(PropType::Identifier) {
                    if identifier::normalize(v) == number {
                        hits.push((
                            r.entity.id.clone(),
                            format!("{prop} of the holder's record ({})", r.how.describe()),
                        ));
                    }
                }
            }
            for (person, ident) in &view.identifications {
                if *person == doc.holder && ident.get("number").iter().any(|v| identifier::normalize(v) == number) {
                    hits.push((ident.id.clone(), "an identity document record of the resolved holder".into()));
                }
            }
            hits.dedup_by(|a, b| a.0 == b.0);
            for (record, detail) in hits {
                let value = outcome.number.clone();
                evidence.push(item(set.as_ref(), &record, value, Relation::Supports, None, detail));
            }
        }
    }

    fn dataset_evidence(&self, claim: &Claim, set: &dyn EvidenceSet, view: &View, evidence: &mut Vec<EvidenceItem>) {
        let person = &self.case.people[claim.person];
        match &claim.target {
            Target::Relationship(word) => {
                for r in view.of_person(claim.person) {
                    for link in view.family.iter().filter(|l| l.other_id == r.entity.id) {
                        let fits = match link.kin {
                            Some(kin) => relation::fits_kin(word, kin),
                            None => relation::fits(word, &link.word),
                        };
                        if link.kin.is_none() && !fits {
                            continue; // an unknown word says nothing either way
                        }
                        let value = if link.word.is_empty() { None } else { Some(link.word.clone()) };
                        let rel = if fits { Relation::Supports } else { Relation::Contradicts };
                        let detail = format!("family record {} links this record to the subject's", link.link_id);
                        evidence.push(item(set, &r.entity.id, value, rel, None, detail));
                    }
                }
            }
            Target::Employment { index, field } => {
                let emp = &person.employments[*index];
                for link in view.employments.iter().filter(|l| l.person == claim.person) {
                    let employer_score = emp.employer.as_ref().map(|c| {
                        link.employer_names
                            .iter()
                            .map(|n| compare::employer_score(self.names, c, n))
                            .fold(0.0, f64::max)
                    });
                    let roles = &link.roles;
                    let role_score = emp
                        .position
                        .as_ref()
                        .map(|c| roles.iter().map(|r| compare::words_score(c, r)).fold(0.0, f64::max));
                    let employer_name = link.employer_names.first().cloned();
                    // an Employment says it in its name; any other link says what kind it is
                    let detail = |what: &str| match link.kind.schema {
                        "Employment" => format!("employment record {}: {what}", link.link.id),
                        schema => {
                            // what the person is director of, member of, holder of (a post)
                            let of = if link.kind.through_post { &link.roles } else { &link.employer_names };
                            let of = of.first().map_or("the organisation", String::as_str);
                            format!(
                                "{} record {} ({} {of}): {what}",
                                schema.to_lowercase(),
                                link.link.id,
                                link.kind.kind
                            )
                        }
                    };
                    match field {
                        EmploymentField::Employer => {
                            if let Some(s) = employer_score.filter(|s| *s >= WORDS_AGREE) {
                                evidence.push(item(
                                    set,
                                    &link.link.id,
                                    employer_name,
                                    Relation::Supports,
                                    Some(s),
                                    detail("employer"),
                                ));
                            }
                        }
                        EmploymentField::Position => {
                            if let Some(s) = role_score.filter(|s| *s >= WORDS_AGREE) {
                                let role = roles.first().cloned();
                                evidence.push(item(
                                    set,
                                    &link.link.id,
                                    role,
                                    Relation::Supports,
                                    Some(s),
                                    detail("role"),
                                ));
                            }
                        }
                        EmploymentField::From | EmploymentField::Until => {
                            let same = match employer_score {
                                Some(s) => s >= WORDS_AGREE,
                                None => role_score.is_some_and(|s| s >= WORDS_AGREE),
                            };
                            let (claimed, prop) = match field {
                                EmploymentField::From => (emp.from, "startDate"),
                                _ => (emp.until, "endDate"),
                            };
                            let Some(claimed) = claimed.filter(|_| same) else { continue };
                            // a directorship's or membership's term may lie inside a longer
                            // employment: its years support the claimed ones, never contradict
                            let same_employment = link.kind.schema == "Employment";
                            for v in link.link.get(prop) {
                                let Some(found) = PartialDate::parse(v) else { continue };
                                let rel = if years_agree(&claimed, &found) {
                                    Relation::Supports
                                } else if same_employment {
                                    Relation::Contradicts
                                } else {
                                    continue;
                                };
                                evidence.push(item(set, &link.link.id, Some(v.clone()), rel, None, detail(prop)));
                            }
                        }
                    }
                }
                if *field == EmploymentField::Position {
                    if let Some(position) = &emp.position {
                        for r in view.of_person(claim.person) {
                            for v in r.entity.get("position") {
                                let s = compare::words_score(position, v);
                                if s >= WORDS_AGREE {
                                    let detail = r.how.describe();
                                    evidence.push(item(
                                        set,
                                        &r.entity.id,
                                        Some(v.clone()),
                                        Relation::Supports,
                                        Some(s),
                                        detail,
                                    ));
                                }
                            }
                        }
                    }
                }
            }
            Target::Age(age) => {
                for r in view.of_person(claim.person) {
                    for v in r.entity.get("birthDate") {
                        let Some(born) = PartialDate::parse(v) else { continue };
                        let (lo, hi) = born.possible_ages_at(&self.case.as_of);
                        let rel = if (lo as i64..=hi as i64).contains(age) {
                            Relation::Supports
                        } else {
                            Relation::Contradicts
                        };
                        let detail = format!("born {v}: {} at {}; {}", ages(lo, hi), self.case.as_of, r.how.describe());
                        evidence.push(item(set, &r.entity.id, Some(v.clone()), rel, None, detail));
                    }
                }
            }
            Target::Prop { prop, value } => {
                for r in view.of_person(claim.person) {
                    prop_evidence(self.names, prop, value, r, set, evidence);
                }
            }
            Target::DocValid(_) | Target::DocHolder(_) => {}
        }
    }

    fn explain(&self, claim: &Claim, status: Status, evidence: &[EvidenceItem], origins: &[String]) -> String {
        let what = self.phrase(claim);
        let describe = |relation: Relation| -> Vec<String> {
            let mut seen: Vec<String> = Vec::new();
            let mut out = Vec::new();
            for e in evidence.iter().filter(|e| e.relation == relation) {
                if seen.contains(&e.origin) {
                    continue;
                }
                seen.push(e.origin.clone());
                out.push(self.origin_phrase(&e.origin, evidence, relation));
            }
            out
        };
        let n_sets = self.sets.len();
        match status {
            Status::Corroborated => {
                format!(
                    "{what}: in {}, {} independent origins.",
                    and_list(&describe(Relation::Supports)),
                    number_word(origins.len())
                )
            }
            Status::SingleSource => {
                format!(
                    "{what}: only in {}, one origin; nothing independent confirms it.",
                    and_list(&describe(Relation::Supports))
                )
            }
            Status::Contradicted => {
                let against = and_list(&describe(Relation::Contradicts));
                let values: Vec<String> = evidence
                    .iter()
                    .filter(|e| e.relation == Relation::Contradicts)
                    .filter_map(|e| e.value.clone())
                    .collect::<Vec<_>>();
                let values =
                    if values.is_empty() { String::new() } else { format!(" (found: {})", and_list(&dedup(values))) };
                let support = describe(Relation::Supports);
                if support.is_empty() {
                    format!("{what}: contradicted by {against}{values}.")
                } else {
                    format!("{what}: contradicted by {against}{values}; supported by {}.", and_list(&support))
                }
            }
            Status::Unverified => {
                // a record set aside may be about this person: say so rather than "nothing"
                // (issue 14). A relative's claims hang off the subject's record, so a subject's
                // record set aside bears on everyone's.
                let person = &self.case.people[claim.person].key;
                let near: Vec<String> = self
                    .set_aside
                    .iter()
                    .filter(|x| &x.person == person || x.person == self.case.people[0].key)
                    .map(|x| {
                        let whose = if &x.person == person { String::new() } else { format!("{}'s ", x.person) };
                        format!("{whose}`{}` record {} ({})", x.dataset, x.record, x.reason)
                    })
                    .collect();
                if !near.is_empty() {
                    let noun = if near.len() == 1 {
                        "a record that may bear on it was"
                    } else {
                        "records that may bear on it were"
                    };
                    return format!(
                        "{what}: nothing resolved bears on it, but {noun} set aside: {}.",
                        and_list(&dedup(near))
                    );
                }
                let sets = if n_sets == 1 { "the one dataset".to_string() } else { format!("the {n_sets} datasets") };
                format!("{what}: nothing in {sets} consulted, the documents or the sources bears on it.")
            }
        }
    }

    /// How an origin reads in a sentence: its datasets, its sources, or the document.
    fn origin_phrase(&self, origin: &str, evidence: &[EvidenceItem], relation: Relation) -> String {
        if let Some(doc) = origin.strip_prefix("document:") {
            return format!("the {doc}'s own data");
        }
        if let Some(group) = origin.strip_prefix("group:") {
            let keys: Vec<String> = evidence
                .iter()
                .filter(|e| e.origin == origin && e.relation == relation)
                .filter_map(|e| e.record.strip_prefix("source:").map(str::to_string))
                .collect();
            let keys = dedup(keys);
            let noun = if keys.len() == 1 { "source" } else { "sources" };
            return format!("{noun} {} (group {group})", and_list(&keys));
        }
        let datasets: Vec<String> = dedup(
            evidence
                .iter()
                .filter(|e| e.origin == origin && e.relation == relation)
                .filter_map(|e| e.dataset.clone())
                .collect(),
        );
        if datasets.len() == 1 && datasets[0] == origin {
            format!("`{origin}`")
        } else {
            format!("{} (origin {origin})", and_list(&datasets.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>()))
        }
    }

    /// The claim in a few words: "born 1991-03-14", "wife's name Anna Ivanova".
    fn phrase(&self, claim: &Claim) -> String {
        let person = &self.case.people[claim.person];
        let owner = if claim.person == 0 { String::new() } else { format!("{}'s ", person.key) };
        let claimed = match &claim.claimed {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match &claim.target {
            Target::Prop { prop, value } => match (prop.as_str(), value) {
                ("birthDate", ClaimValue::Date(d)) => format!("{owner}birth date {}", long_date(d)),
                ("birthPlace", _) => format!("{owner}birth place {claimed}"),
                ("deathDate", ClaimValue::Date(d)) => format!("{owner}death date {}", long_date(d)),
                (p, _) => format!("{owner}{} {claimed}", words_of(p)),
            },
            Target::Age(a) => format!("{owner}age {a}"),
            Target::Relationship(r) => format!("{} as the subject's {r}", person.key),
            Target::Employment { field, .. } => {
                let what = match field {
                    EmploymentField::Employer => "employer",
                    EmploymentField::Position => "position",
                    EmploymentField::From => "employed from",
                    EmploymentField::Until => "employed until",
                };
                format!("{owner}{what} {claimed}")
            }
            // what its checks can show: consistency, never authenticity; a `document` has no
            // checks, only its number on record for the holder
            Target::DocValid(d) => {
                let doc = &self.case.documents[*d];
                if documents::id_type(&doc.kind).is_some() {
                    format!("{} ({}) consistent in its check digits and format", doc.key, doc.kind)
                } else {
                    format!("{}'s number on record for its holder", doc.key)
                }
            }
            Target::DocHolder(d) => {
                let doc = &self.case.documents[*d];
                format!("{} held by {}", doc.key, self.case.people[doc.holder].key)
            }
        }
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}

fn ages(lo: i32, hi: i32) -> String {
    if lo == hi {
        format!("aged {lo}")
    } else {
        format!("aged {lo} or {hi}")
    }
}

fn number_word(n: usize) -> String {
    match n {
        2 => "two".into(),
        3 => "three".into(),
        4 => "four".into(),
        5 => "five".into(),
        6 => "six".into(),
        7 => "seven".into(),
        8 => "eight".into(),
        9 => "nine".into(),
        n => n.to_string(),
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => "nothing".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `birthDate` → "birth date"; `passportNumber` → "passport number".
fn words_of(prop: &str) -> String {
    let mut out = String::new();
    for c in prop.chars() {
        if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "14 March 1991", "March 1991", "1991".
pub fn long_date(d: &PartialDate) -> String {
    match (d.month, d.day) {
        (Some(m), Some(day)) => format!("{day} {} {}", MONTHS[m as usize - 1], d.year),
        (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], d.year),
        _ => d.year.to_string(),
    }
}

fn years_agree(claimed: &PartialDate, found: &PartialDate) -> bool {
    claimed.relation(found) != DateRelation::Differs
}

/// The status and the distinct supporting origins.
pub fn status(evidence: &[EvidenceItem]) -> (Status, Vec<String>) {
    let origins =
        dedup(evidence.iter().filter(|e| e.relation == Relation::Supports).map(|e| e.origin.clone()).collect());
    let status = if evidence.iter().any(|e| e.relation == Relation::Contradicts) {
        Status::Contradicted
    } else {
        match origins.len() {
            0 => Status::Unverified,
            1 => Status::SingleSource,
            _ => Status::Corroborated,
        }
    };
    (status, origins)
}

/// Single-valued properties: a different value contradicts.
const SINGLE_VALUED: [&str; 4] = ["birthDate", "birthPlace", "deathDate", "gender"];

fn prop_evidence(
    r_names: &crosscheck_names::Names,
    prop: &str,
    value: &ClaimValue,
    r: &Resolved,
    set: &dyn EvidenceSet,
    evidence: &mut Vec<EvidenceItem>,
) {
    let kind = Schema::get("Person").and_then(|s| s.prop_type(prop)).unwrap_or(PropType::String);
    let how = r.how.describe();
    if kind == PropType::Name {
        let ClaimValue::Text(text) = value else { return };
        // any of the record's names may carry a claimed name or alias
        let mut names = r.entity.names();
        names.extend(r.entity.get("weakAlias").iter().cloned());
        let Some((found, score, detail)) = compare::best_name(r_names, &Name::parse(text, NameKind::Person), &names)
        else {
            return;
        };
        let by_name = matches!(r.how, How::Name { .. });
        if score >= NAME_AGREES {
            evidence.push(item(
                set,
                &r.entity.id,
                Some(found),
                Relation::Supports,
                Some(score),
                format!("{how}; {detail}"),
            ));
        } else if prop == "name" && !by_name && score < NAME_UNLIKE {
            evidence.push(item(
                set,
                &r.entity.id,
                Some(found),
                Relation::Contradicts,
                Some(score),
                format!("{how}; {detail}"),
            ));
        }
        return;
    }
    let found = r.entity.get(prop);
    if found.is_empty() {
        return;
    }
    let mut best: Option<(String, f64)> = None;
    for f in found {
        let score = match (kind, value) {
            (PropType::Date, ClaimValue::Date(d)) => match PartialDate::parse(f) {
                Some(x) if d.relation(&x) != DateRelation::Differs => 1.0,
                _ => 0.0,
            },
            (PropType::Gender, ClaimValue::Text(t)) => f64::from(u8::from(clean::gender(f) == Some(t.as_str()))),
            (PropType::Identifier, ClaimValue::Text(t)) => {
                f64::from(u8::from(identifier::normalize(f) == identifier::normalize(t)))
            }
            (PropType::Phone, ClaimValue::Text(t)) => f64::from(u8::from(compare::same_phone(t, f))),
            (PropType::Email, ClaimValue::Text(t)) => f64::from(u8::from(t.trim().eq_ignore_ascii_case(f.trim()))),
            (PropType::Country, ClaimValue::Text(t)) => {
                f64::from(u8::from(match (country::code(f), country::code(t)) {
                    (Some(a), Some(b)) => a == b,
                    _ => compare::same_text(f, t),
                }))
            }
            (PropType::Address, ClaimValue::Text(t)) => compare::words_score(t, f),
            (_, ClaimValue::Text(t)) if prop == "birthPlace" => compare::place_agreement(t, f).score(),
            (_, ClaimValue::Text(t)) if prop == "position" => compare::words_score(t, f),
            (_, ClaimValue::Text(t)) => f64::from(u8::from(compare::same_text(t, f))),
            _ => 0.0,
        };
        if best.as_ref().is_none_or(|(_, s)| score > *s) {
            best = Some((f.clone(), score));
        }
    }
    let Some((found, score)) = best else { return };
    let graded = matches!(kind, PropType::Address) || prop == "birthPlace" || prop == "position";
    let threshold = if graded { WORDS_AGREE } else { 1.0 };
    let shown_score = graded.then_some(score);
    // a birth place says why, as the gazetteer decided it ("Lozova (UA) is not Kharkiv (UA)")
    let detail = match (prop, value) {
        ("birthPlace", ClaimValue::Text(t)) => {
            let place = crosscheck_places::explain(t, &found);
            if place.relation == crosscheck_places::PlaceRelation::Unknown {
                how
            } else {
                format!("{how}; {}", place.reason)
            }
        }
        _ => how,
    };
    if score >= threshold {
        evidence.push(item(set, &r.entity.id, Some(found), Relation::Supports, shown_score, detail));
    } else if SINGLE_VALUED.contains(&prop) && (prop != "birthPlace" || birth_place_differs(value, &found)) {
        evidence.push(item(set, &r.entity.id, Some(found), Relation::Contradicts, shown_score, detail));
    }
}

/// Whether a record's birth place is one the gazetteer knows as another place than the claimed
/// one: only then does it contradict (an undecidable place is no evidence either way, issue 13).
fn birth_place_differs(value: &ClaimValue, found: &str) -> bool {
    matches!(value, ClaimValue::Text(t) if compare::place_agreement(t, found).differs())
}

/// The birth years a person's claims allow: from a birth date, else from an age at `as_of`.
fn birth_years(case: &Case, idx: usize) -> Option<(i32, i32)> {
    let p = &case.people[idx];
    if let Some(d) = p.entity.first("birthDate").and_then(PartialDate::parse) {
        return Some((d.year, d.year));
    }
    p.age.map(|a| (case.as_of.year - a as i32 - 1, case.as_of.year - a as i32))
}

/// Inconsistencies across claims, one sentence each.
pub fn warnings(case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    let label = |i: usize| if i == 0 { "the subject".to_string() } else { format!("`{}`", case.people[i].key) };
    // parents and children: at least 12 years apart, in the right order
    let subject_years = birth_years(case, 0);
    let spouses: Vec<usize> = (1..case.people.len())
        .filter(|&i| {
            case.people[i]
                .relationship
                .as_deref()
                .and_then(relation::kin)
                .is_some_and(|k| k.category == relation::Category::Spouse)
        })
        .collect();
    for i in 1..case.people.len() {
        let Some(kin) = case.people[i].relationship.as_deref().and_then(relation::kin) else { continue };
        let Some(years) = birth_years(case, i) else { continue };
        let pairs: Vec<(usize, usize)> = match kin.category {
            relation::Category::Child => {
                std::iter::once(0).chain(spouses.iter().copied()).map(|parent| (parent, i)).collect()
            }
            relation::Category::Parent => vec![(i, 0)],
            _ => vec![],
        };
        for (parent, child) in pairs {
            let (Some((p_lo, _)), Some((_, c_hi))) = (
                if parent == i { Some(years) } else { birth_years(case, parent) },
                if child == i { Some(years) } else { subject_years },
            ) else {
                continue;
            };
            let gap = c_hi - p_lo;
            let born = |lo: i32, hi: i32| if lo == hi { format!("born {lo}") } else { format!("born {lo} or {hi}") };
            let child_years = if child == i { years } else { subject_years.unwrap_or(years) };
            let parent_years = if parent == i { years } else { birth_years(case, parent).unwrap_or(years) };
            if gap <= 0 {
                out.push(format!(
                    "{} ({}) is older than their parent {} ({}).",
                    label(child),
                    born(child_years.0, child_years.1),
                    label(parent),
                    born(parent_years.0, parent_years.1)
                ));
            } else if gap < 12 {
                out.push(format!("{} would have been at most {gap} at the birth of {}.", label(parent), label(child)));
            }
        }
    }
    for idx in 0..case.people.len() {
        let p = &case.people[idx];
        let born = birth_years(case, idx);
        if let (Some(d), Some(age)) = (p.entity.first("birthDate").and_then(PartialDate::parse), p.age) {
            let (lo, hi) = d.possible_ages_at(&case.as_of);
            if !(lo as i64..=hi as i64).contains(&age) {
                out.push(format!(
                    "{}'s claimed age {age} does not fit the claimed birth date {d} at {}.",
                    label(idx),
                    case.as_of
                ));
            }
        }
        for emp in &p.employments {
            let what = emp.employer.as_deref().or(emp.position.as_deref()).unwrap_or("an employment");
            if let (Some(from), Some((lo, _))) = (emp.from, born) {
                if from.year - lo < 14 {
                    out.push(format!(
                        "{}'s employment at {what} starts in {} at the age of {} at most, before 14.",
                        label(idx),
                        from.year,
                        from.year - lo
                    ));
                }
            }
            if let (Some(from), Some(until)) = (emp.from, emp.until) {
                if until.year < from.year {
                    out.push(format!(
                        "{}'s employment at {what} ends ({until}) before it starts ({from}).",
                        label(idx)
                    ));
                }
            }
            if emp.from.is_some_and(|f| f.year > case.as_of.year) {
                out.push(format!("{}'s employment at {what} starts after `as_of`.", label(idx)));
            }
        }
    }
    out
}
