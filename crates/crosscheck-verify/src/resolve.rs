//! Which records of a dataset are about which person of the case (PRODUCT.md, "Resolution").
//!
//! A record resolves to a person when
//! 1. it shares an identifier with them (normalised: spaces, dashes, case and look-alike letters do
//!    not count), on itself or through an Identification/Passport record it holds; the numbers of
//!    documents the person holds count as their identifiers; or
//! 2. its name reaches the default threshold and at least one of birth date, birth place or
//!    address agrees while neither birth date nor birth place disagrees; or
//! 3. a Family (or Associate) record links it to a resolved record, with a relationship that fits
//!    the one the case gives the person: directly to the subject's record, or through another
//!    person's (the father's son is a brother: relations compose, see `relation::compose`). Among several people whose
//!    relationship fits (two brothers), the best name wins. Such a record stays resolved when its
//!    other values differ: the differences become contradictions.
//!
//! A record whose name agrees and which shares a birth date or address, but which a disagreeing
//! birth date or birth place keeps out, is a near miss ([`NearMiss`], the report's `set_aside`,
//! issue 14): it never resolves and is never evidence, but the report lists it with the field
//! that kept it out, so a desk sees every near-contradiction (a registry record with the
//! subject's name, birth date and address but another birth place, whose family records would
//! otherwise vanish). A record resolved after all (through a link) is no near miss.
//!
//! Ages never count toward resolution. Excluded records (`exclude`) never resolve and are never
//! evidence. A record that would resolve to two people goes to the one whose name fits best.
//! Links are followed for two rounds: the subject's records, then the records resolved through
//! them (their employments, documents and listings). An employment is any link of a person to an
//! organisation they work for ([`relation::ORG_LINKS`]: `Employment`, `Directorship`,
//! `Membership`, `Representation`, `Occupancy`), found as Employment records are, by the `r:`
//! reference key of the resolved record, with the organisation's names read from its own record
//! (an Occupancy's through its post: the `Position`'s names are the role, its `organization` the
//! employer).

use crate::case::{Case, Person};
use crate::compare::{self, NAME_AGREES, WORDS_AGREE};
use crate::evidence::{EvidenceSet, SetError};
use crate::relation::{self, Kin};
use crosscheck_model::date::DateRelation;
use crosscheck_model::{identifier, Entity, PartialDate, PropType};
use crosscheck_names::{Name, NameKind};
use std::collections::{HashMap, HashSet};

/// How many candidates the index is asked for, per person and dataset: enough that a common name
/// shared by a hundred namesakes still reaches the one whose birth date agrees.
pub const CANDIDATES: usize = 200;

/// Why a record resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum How {
    Identifier(String),
    Name {
        score: f64,
        agreeing: &'static str,
    },
    Link {
        relationship: String,
    },
    /// The desk decided the record is about the person (a decision `same`, by its log id).
    Decision {
        id: i64,
    },
}

impl How {
    /// A few words for explanations ("by passport number", "by name and birth date").
    pub fn describe(&self) -> String {
        match self {
            How::Identifier(prop) => format!("resolved by identifier ({prop})"),
            How::Name { agreeing, .. } => format!("resolved by name and {agreeing}"),
            How::Link { relationship } => format!("resolved through a family record ({relationship})"),
            How::Decision { id } => format!("resolved by desk decision {id}"),
        }
    }
}

/// A record resolved to a person of the case.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub person: usize,
    pub entity: Entity,
    pub how: How,
    pub name_score: f64,
}

/// A family link between a record of the subject and another record: what the other is to the
/// subject, as the data says it.
#[derive(Debug, Clone)]
pub struct FamilyLink {
    pub other_id: String,
    /// The word of the record, when the record states it from the subject's side.
    pub word: String,
    pub kin: Option<Kin>,
    pub link_id: String,
}

/// An employment of a resolved record, or another link to an organisation it works for
/// (a directorship, a membership: [`relation::ORG_LINKS`]).
#[derive(Debug, Clone)]
pub struct EmploymentLink {
    pub person: usize,
    pub link: Entity,
    pub employer_names: Vec<String>,
    /// The role the link gives: its `role`, or the post's names for an Occupancy.
    pub roles: Vec<String>,
    /// Which link it is (`Employment`, `Directorship`, ...), for the report.
    pub kind: &'static relation::OrgLink,
}

/// A record that shares a person's name and a birth date or address but was kept out by a
/// disagreeing birth date or birth place (PRODUCT.md, `set_aside`): listed so that no
/// near-contradiction is hidden.
#[derive(Debug, Clone)]
pub struct NearMiss {
    pub person: usize,
    pub record: String,
    pub caption: String,
    /// The field that kept it out, with both values: "birth place differs: Lozova (the record)
    /// against Kharkiv (claimed)".
    pub reason: String,
}

/// What one dataset says about the case.
#[derive(Debug, Default)]
pub struct View {
    pub resolved: Vec<Resolved>,
    /// Records kept out by a disagreeing field although name and a birth date or address agree.
    pub set_aside: Vec<NearMiss>,
    pub family: Vec<FamilyLink>,
    pub employments: Vec<EmploymentLink>,
    /// Identification/Passport records and the person whose resolved record holds them.
    pub identifications: Vec<(usize, Entity)>,
    /// Sanction records by the id of the entity they list.
    pub sanctions: HashMap<String, Vec<Entity>>,
}

impl View {
    pub fn of_person(&self, person: usize) -> impl Iterator<Item = &Resolved> {
        self.resolved.iter().filter(move |r| r.person == person)
    }

    pub fn find(&self, id: &str) -> Option<&Resolved> {
        self.resolved.iter().find(|r| r.entity.id == id)
    }
}

/// A person of the case, prepared once for resolution.
pub struct Query {
    /// The names context names are compared with (the scorer's).
    pub matcher: &'static crosscheck_names::Names,
    pub names: Vec<Name>,
    pub ids: HashSet<String>,
    pub entity: Entity,
}

/// Prepares every person of the case (identifiers include the numbers of documents they hold).
pub fn queries(case: &Case, doc_numbers: &[(usize, String)], matcher: &'static crosscheck_names::Names) -> Vec<Query> {
    case.people
        .iter()
        .enumerate()
        .map(|(idx, p)| {
            let mut entity = p.entity.clone();
            for (holder, number) in doc_numbers {
                if *holder == idx {
                    entity.add_clean("idNumber", number.clone());
                }
            }
            let ids = identifiers(&entity);
            let names = entity.names().iter().map(|n| Name::parse(n, NameKind::Person)).collect();
            Query { matcher, names, ids, entity }
        })
        .collect()
}

fn identifiers(entity: &Entity) -> HashSet<String> {
    entity
        .values_of_type(PropType::Identifier)
        .map(|(_, v)| identifier::normalize(v))
        .filter(|k| k.chars().count() >= 4)
        .collect()
}

fn is_person_like(e: &Entity) -> bool {
    e.schema_def().is_some_and(|s| s.is_a("Person") || s.name == "LegalEntity")
}

/// Agreement of one single-valued or address property: (agrees, disagrees).
fn agreement(person: &Person, record: &Entity, prop: &str) -> (bool, bool) {
    let claimed = person.entity.get(prop);
    let found = record.get(prop);
    if claimed.is_empty() || found.is_empty() {
        return (false, false);
    }
    let mut agrees = false;
    // a birth place disagrees only when the gazetteer knows the two as different places: one it
    // cannot decide (a village it does not know) never blocks resolution (issue 13)
    let mut place_differs = false;
    for c in claimed {
        for f in found {
            let ok = match prop {
                "birthDate" => match (PartialDate::parse(c), PartialDate::parse(f)) {
                    (Some(a), Some(b)) => a.relation(&b) != DateRelation::Differs,
                    _ => false,
                },
                "birthPlace" => {
                    let place = compare::place_agreement(c, f);
                    place_differs |= place.differs();
                    place.agrees()
                }
                _ => compare::words_score(c, f) >= WORDS_AGREE,
            };
            agrees |= ok;
        }
    }
    (agrees, !agrees && prop != "address" && (prop != "birthPlace" || place_differs))
}

/// Why `record`, which shares `person`'s name and a birth date or address, does not resolve:
/// the disagreeing field with both values; `None` when it resolves or shares too little.
pub fn near_miss(person: &Person, query: &Query, record: &Entity) -> Option<String> {
    if !is_person_like(record) || best_name_score(query, record) < NAME_AGREES {
        return None;
    }
    let (date_ok, date_bad) = agreement(person, record, "birthDate");
    let (_, place_bad) = agreement(person, record, "birthPlace");
    let address_ok = agreement(person, record, "address").0;
    let shares = date_ok || address_ok;
    let values = |prop: &str| {
        let found = record.get(prop).join("; ");
        let claimed = person.entity.get(prop).join("; ");
        // a Cyrillic value read in Latin letters beside it (issue 14): "м. Суми (m. Sumy; the record)"
        match crate::latin::reading(&found, &crate::latin::countries(record)) {
            Some(latin) if latin != found => format!("{found} ({latin}; the record) against {claimed} (claimed)"),
            _ => format!("{found} (the record) against {claimed} (claimed)"),
        }
    };
    let mut why = Vec::new();
    if date_bad {
        why.push(format!("birth date differs: {}", values("birthDate")));
    }
    if place_bad {
        why.push(format!("birth place differs: {}", values("birthPlace")));
    }
    (!why.is_empty() && shares).then(|| why.join("; "))
}

/// Whether `record` resolves directly (identifier, or name with agreeing data) to `person`.
pub fn direct(person: &Person, query: &Query, record: &Entity) -> Option<(How, f64)> {
    if !is_person_like(record) {
        return None;
    }
    let name_score = best_name_score(query, record);
    for (prop, value) in record.values_of_type(PropType::Identifier) {
        if query.ids.contains(&identifier::normalize(value)) {
            return Some((How::Identifier(prop.to_string()), name_score));
        }
    }
    if name_score < NAME_AGREES {
        return None;
    }
    let (date_ok, date_bad) = agreement(person, record, "birthDate");
    let (place_ok, place_bad) = agreement(person, record, "birthPlace");
    if date_bad || place_bad {
        return None;
    }
    let agreeing = if date_ok {
        "birth date"
    } else if place_ok {
        "birth place"
    } else if agreement(person, record, "address").0 {
        "address"
    } else {
        return None;
    };
    Some((How::Name { score: name_score, agreeing }, name_score))
}

/// The best score of the person's names against the record's.
pub fn best_name_score(query: &Query, record: &Entity) -> f64 {
    let names = record.names();
    query
        .names
        .iter()
        .filter_map(|n| compare::best_name(query.matcher, n, &names))
        .map(|(_, s, _)| s)
        .fold(0.0, f64::max)
}

/// A record the desk decided is about a person (a decision `same`): it resolves to them
/// whatever the rules say.
#[derive(Debug, Clone)]
pub struct Forced {
    pub person: usize,
    pub entity: Entity,
    /// The decision's id in the desk's log.
    pub decision: i64,
}

/// Resolves every person of `case` in `set`. `extra_ids` are records whose links are wanted too
/// (watchlist findings, for their listings); `forced` are the desk's `same` decisions on records
/// of this set (never in `excluded`).
pub fn resolve(
    case: &Case,
    queries: &[Query],
    set: &dyn EvidenceSet,
    excluded: &HashSet<String>,
    extra_ids: &[String],
    forced: &[Forced],
) -> Result<View, SetError> {
    let mut view = View::default();
    for f in forced {
        let score = best_name_score(&queries[f.person], &f.entity);
        let how = How::Decision { id: f.decision };
        view.resolved.push(Resolved { person: f.person, entity: f.entity.clone(), how, name_score: score });
    }
    for (idx, (person, query)) in case.people.iter().zip(queries).enumerate() {
        for record in set.candidates(&query.entity, CANDIDATES)? {
            if excluded.contains(&record.id) {
                continue;
            }
            // an identity document record holding one of the person's numbers resolves its holder
            if record.schema_def().is_some_and(|s| s.is_a("Identification")) {
                let shares = record.get("number").iter().any(|n| query.ids.contains(&identifier::normalize(n)));
                let holder = match record.first("holder").filter(|h| !excluded.contains(*h)) {
                    Some(h) => set.get(h)?,
                    None => None,
                };
                if let (true, Some(holder)) = (shares, holder.filter(is_person_like)) {
                    let score = best_name_score(query, &holder);
                    let how = How::Identifier(format!("{} record {}", record.schema, record.id));
                    add(&mut view, Resolved { person: idx, entity: holder, how, name_score: score });
                }
                continue;
            }
            let Some((how, score)) = direct(person, query, &record) else {
                if let Some(reason) = near_miss(person, query, &record) {
                    let caption = record.caption();
                    view.set_aside.push(NearMiss { person: idx, record: record.id.clone(), caption, reason });
                }
                continue;
            };
            add(&mut view, Resolved { person: idx, entity: record, how, name_score: score });
        }
    }
    let mut wanted: Vec<String> = view.resolved.iter().map(|r| r.entity.id.clone()).collect();
    wanted.extend(extra_ids.iter().cloned());
    let mut done: HashSet<String> = HashSet::new();
    let mut seen_links: HashSet<String> = HashSet::new();
    for _round in 0..2 {
        wanted.retain(|id| !done.contains(id));
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            break;
        }
        done.extend(wanted.iter().cloned());
        let mut links = set.referencing(&wanted)?;
        links.retain(|l| seen_links.insert(l.id.clone()));
        let before: HashSet<String> = view.resolved.iter().map(|r| r.entity.id.clone()).collect();
        for link in links {
            if excluded.contains(&link.id) {
                continue;
            }
            follow(case, queries, set, excluded, &mut view, link)?;
        }
        // a second pass only for people whose own links can be evidence (their employments,
        // their documents) or lead to people not yet resolved (the father's other son)
        let unresolved = (1..case.people.len()).any(|p| view.of_person(p).next().is_none());
        let needs_links = |person: usize| {
            unresolved
                || !case.people[person].employments.is_empty()
                || case.documents.iter().any(|d| d.holder == person)
        };
        wanted = view
            .resolved
            .iter()
            .filter(|r| !before.contains(&r.entity.id) && needs_links(r.person))
            .map(|r| r.entity.id.clone())
            .collect();
    }
    // a record resolved after all (through a link, or to another person) is no near miss
    let resolved: HashSet<String> = view.resolved.iter().map(|r| r.entity.id.clone()).collect();
    view.set_aside.retain(|m| !resolved.contains(&m.record));
    view.set_aside.dedup_by(|a, b| a.record == b.record && a.person == b.person);
    Ok(view)
}

fn add(view: &mut View, r: Resolved) {
    match view.resolved.iter_mut().find(|x| x.entity.id == r.entity.id) {
        // the desk's decision stands whatever the rules say
        Some(existing) if matches!(existing.how, How::Decision { .. }) => {}
        Some(existing) if existing.person != r.person && r.name_score > existing.name_score => *existing = r,
        Some(_) => {}
        None => view.resolved.push(r),
    }
}

fn follow(
    case: &Case,
    queries: &[Query],
    set: &dyn EvidenceSet,
    excluded: &HashSet<String>,
    view: &mut View,
    link: Entity,
) -> Result<(), SetError> {
    let Some(schema) = link.schema_def() else { return Ok(()) };
    let first = |p: &str| link.first(p).map(str::to_string);
    if schema.is_a("Family") || schema.is_a("Associate") {
        let other_prop = if schema.is_a("Family") { "relative" } else { "associate" };
        let (Some(a), Some(b)) = (first("person"), first(other_prop)) else { return Ok(()) };
        let word = link.first("relationship").unwrap_or_default().to_string();
        let kin = relation::kin(&word);
        // FtM: the relationship says what the relative is to the person. Seen from a resolved
        // end P, the other end X is `kin` of P; when P is not the subject, X's relation to the
        // subject is composed from P's (as the case gives it) and X's to P.
        let person_of = |id: &str| view.find(id).map(|r| r.person);
        let (anchor, other, kin_to_anchor) = match (person_of(&a), person_of(&b)) {
            (Some(0), _) => (0, b, kin),
            (_, Some(0)) => (0, a, kin.map(relation::converse)),
            (Some(p), _) => (p, b, kin),
            (None, Some(p)) => (p, a, kin.map(relation::converse)),
            (None, None) => return Ok(()),
        };
        let kin = if anchor == 0 {
            kin_to_anchor
        } else {
            let anchor_kin = case.people[anchor].relationship.as_deref().and_then(relation::kin);
            match (anchor_kin, kin_to_anchor) {
                (Some(p), Some(x)) => relation::compose(p, x),
                _ => None,
            }
        };
        if anchor != 0 && kin.is_none() {
            return Ok(());
        }
        if excluded.contains(&other) {
            return Ok(());
        }
        view.family.push(FamilyLink { other_id: other.clone(), word: word.clone(), kin, link_id: link.id.clone() });
        if view.find(&other).is_some() {
            return Ok(());
        }
        let Some(kin) = kin else { return Ok(()) };
        let Some(record) = set.get(&other)? else { return Ok(()) };
        if !is_person_like(&record) {
            return Ok(());
        }
        let best = case
            .people
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, p)| p.relationship.as_deref().is_some_and(|r| relation::fits_kin(r, kin)))
            .map(|(i, _)| (i, best_name_score(&queries[i], &record)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((person, score)) = best {
            let relationship = if word.is_empty() { "family".to_string() } else { word };
            add(view, Resolved { person, entity: record, how: How::Link { relationship }, name_score: score });
        }
    } else if let Some(kind) = relation::org_link(schema) {
        let Some(person) = first(kind.person).and_then(|id| view.find(&id).map(|r| r.person)) else {
            return Ok(());
        };
        let get = |id: Option<String>| match id {
            Some(id) if !excluded.contains(&id) => set.get(&id),
            _ => Ok(None),
        };
        let target = get(first(kind.organization))?;
        let (employer, roles) = if kind.through_post {
            let roles = target.as_ref().map(Entity::names).unwrap_or_default();
            (get(target.and_then(|post| post.first("organization").map(str::to_string)))?, roles)
        } else {
            (target, link.get("role").to_vec())
        };
        let employer_names = employer.map(|e| e.names()).unwrap_or_default();
        view.employments.push(EmploymentLink { person, link, employer_names, roles, kind });
    } else if schema.is_a("Identification") {
        if let Some(person) = first("holder").and_then(|id| view.find(&id).map(|r| r.person)) {
            view.identifications.push((person, link));
        }
    } else if schema.is_a("Sanction") {
        if let Some(id) = first("entity") {
            view.sanctions.entry(id).or_default().push(link);
        }
    }
    Ok(())
}
