//! The cross-reference in pieces, for a front end that runs it on many machines (the Spark job
//! of `python/crosscheck-spark`, PRODUCT.md "Scale-out"). Each piece is a function of its inputs
//! alone, and [`Engine::xref`](crate::Engine::xref) is made of the same functions, so the pieces
//! put together as the module docs of [`crate::xref`] describe give its pairs and clusters:
//!
//! 1. [`read_line`]: a line of an FtM JSON-lines file, read and checked as `crosscheck load`
//!    reads it.
//! 2. [`Record::from_parts`]: the lines of one id, merged as a load merges them, with the index
//!    key hashes the store files it under, whether it can match and its birth date.
//! 3. Number the records as a load does (the first dataset's, then the other's; in each, by
//!    first appearance: files in the order given, lines in file order), group them by key hash
//!    and call [`block_pairs`] on each block; the distinct pairs are the candidates.
//! 4. [`PairScorer::score`] each candidate; the pairs it writes are [`PairScorer::line`]s.
//! 5. Join the matches (and `same` judgements) into connected components; each component is
//!    clustered by [`cluster_component`] (the greedy rule only ever joins inside a component,
//!    so clustering the components one by one gives the clusters of the whole); every entity in
//!    no component is a cluster of one, [`cluster_line`].

use crate::blocks::{birth_number, Block, PairRules};
use crate::cluster::{self, Evidence};
use crate::{wire, Scorer};
use crosscheck_audit::RecordRef;
use crosscheck_match::{birth_dates_disagree, Prepared};
use crosscheck_model::{Entity, Schema};
use crosscheck_store::HashKey;
use rustc_hash::FxHashSet;
use sha2::{Digest, Sha256};

/// Reads one line of an FtM JSON-lines file as `crosscheck load` does: the entity, checked and
/// cleaned, or why the line is refused (the load's reject reason). `None` for a blank line,
/// which a load skips.
pub fn read_line(line: &str) -> Option<Result<Entity, String>> {
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    if line.trim().is_empty() {
        return None;
    }
    let max = crosscheck_ingest::lines::MAX_JSON_LINE;
    if line.len() > max {
        return Some(Err(format!("line of {} bytes, more than the {} MiB a line may hold", line.len(), max >> 20)));
    }
    Some(match crosscheck_ingest::formats::ftm::parse_line("", 0, line) {
        crosscheck_ingest::Record::Entities { mut entities, .. } if entities.len() == 1 => Ok(entities.remove(0)),
        crosscheck_ingest::Record::Entities { .. } => Err("not one entity".into()),
        crosscheck_ingest::Record::Rejected(reject) => Err(reject.reason),
    })
}

/// An entity as a cross-reference reads it.
#[derive(Debug, Clone)]
pub struct Record {
    pub entity: Entity,
    /// The store's key hashes of the entity ([`crosscheck_store::entity_key_hashes`]).
    pub keys: Vec<(u64, u32)>,
    /// Whether it pairs at all (people, organisations, vessels: a matchable schema).
    pub matchable: bool,
    /// Its birth date as blocks sort it ([`birth_number`]), 0 when none.
    pub birth: u32,
}

impl Record {
    /// The entity of one id from its records in the order read (as a load merges repeated ids),
    /// with its keys under `key`. An error when two records of the id have schemas that cannot
    /// be one entity (a load rejects the later record).
    pub fn from_parts(mut parts: Vec<Entity>, key: HashKey) -> Result<Record, String> {
        if parts.is_empty() {
            return Err("no record".into());
        }
        let mut entity = parts[0].clone();
        if parts.len() > 1 {
            entity.merge_all(parts[1..].iter().cloned()).map_err(|e| e.to_string())?;
        }
        let keys = crosscheck_store::entity_key_hashes(&parts, &entity, key);
        parts.clear();
        let fact = Fact::of(&entity);
        Ok(Record { keys, matchable: fact.schema.is_some(), birth: fact.birth, entity })
    }
}

/// What pairing needs of an entity: whether it can match at all, and its birth date.
#[derive(Clone, Copy)]
pub(crate) struct Fact {
    pub(crate) schema: Option<&'static Schema>,
    pub(crate) birth: u32,
}

impl Fact {
    pub(crate) fn of(entity: &Entity) -> Fact {
        let schema = entity.schema_def().filter(|s| s.matchable);
        let birth = entity.get("birthDate").iter().map(|d| birth_number(d)).find(|&b| b != 0).unwrap_or(0);
        Fact { schema, birth }
    }

    pub(crate) fn compatible(&self, other: &Fact) -> bool {
        match (self.schema, other.schema) {
            (Some(a), Some(b)) => a.can_match(b) && b.can_match(a),
            _ => false,
        }
    }
}

/// The candidate pairs of one block: its members as `(entity number, birth)`, and in link mode
/// the other dataset's members (numbered above every one of `left`). Only matchable entities
/// are members. Pairs as `(a, b)` with `a < b`, each once.
pub fn block_pairs(rules: PairRules, left: &mut [(u32, u32)], right: Option<&mut [(u32, u32)]>) -> Vec<(u32, u32)> {
    left.sort_unstable();
    let right = right.map(|r| {
        r.sort_unstable();
        &*r
    });
    let mut out = Vec::new();
    Block { left, right }.pairs(rules, &(0..u32::MAX), &mut Vec::new(), &mut |a, b| out.push((a, b)));
    out
}

/// Scores candidate pairs as a cross-reference does.
#[derive(Debug, Clone, Copy)]
pub struct PairScorer {
    pub scorer: Scorer,
    /// `match` is `score >= threshold`.
    pub threshold: f64,
    /// Pairs scoring at least this are written.
    pub written_from: f64,
}

impl PairScorer {
    /// `threshold` defaults to the scorer's, `min_score` to half the threshold (as `xref`).
    pub fn new(scorer: Scorer, threshold: Option<f64>, min_score: Option<f64>) -> PairScorer {
        let threshold = threshold.unwrap_or(scorer.default_threshold());
        PairScorer { scorer, threshold, written_from: min_score.unwrap_or(threshold / 2.0) }
    }

    /// Below this a pair is not even a possible match, and it keeps two clusters apart.
    pub fn floor(&self) -> f64 {
        self.threshold / 2.0
    }

    /// The score of two prepared entities, or `None` when their schemas cannot match (a
    /// person and a company): such a pair is never scored.
    pub fn score(&self, left: (&Entity, &Prepared), right: (&Entity, &Prepared)) -> Option<f64> {
        Fact::of(left.0).compatible(&Fact::of(right.0)).then(|| self.scorer.score(left.1, right.1))
    }

    /// Whether the pair is written (its line) or kept for clustering (a match).
    pub fn kept(&self, score: f64) -> bool {
        score >= self.written_from || score >= self.threshold
    }

    /// The line of a pair that is written, explained.
    pub fn line(&self, left: RecordRef, right: RecordRef, a: &Prepared, b: &Prepared) -> wire::XrefPair {
        let scored = self.scorer.explain(a, b);
        wire::XrefPair {
            left,
            right,
            score: scored.score,
            is_match: scored.score >= self.threshold,
            explanation: scored.explanation,
        }
    }

    /// Whether two entities that did not match keep their clusters apart: they cannot match
    /// at all, score below the floor, or were born on other dates.
    pub(crate) fn contradicts(&self, facts: (&Fact, &Fact), left: &Prepared, right: &Prepared) -> bool {
        !facts.0.compatible(facts.1)
            || self.scorer.score(left, right) < self.floor()
            || birth_dates_disagree(left, right)
    }
}

/// A member of a component to cluster.
pub struct Member {
    /// Its number in the whole run (as in step 3 of the module docs).
    pub number: u32,
    pub record: RecordRef,
    pub entity: Entity,
}

/// The clusters of one connected component of the matches and `same` judgements: `matches`
/// and the judgements name members by their numbers (`different` pairs may name anyone; those
/// outside the component are ignored). Every member is in exactly one cluster of the answer,
/// each given with the number of its first member (the embedded run writes clusters in that
/// order).
pub fn cluster_component(
    scoring: &PairScorer,
    members: &mut [Member],
    matches: &[(u32, u32, f64)],
    same: &[(u32, u32)],
    different: &[(u32, u32)],
) -> Vec<(u32, wire::XrefCluster)> {
    members.sort_unstable_by_key(|m| m.number);
    // numbered 0.. in the run's order, so that ties are broken as in the whole run
    let local = |n: u32| members.binary_search_by_key(&n, |m| m.number).ok().map(|i| i as u32);
    let pair = |a: u32, b: u32| Some((local(a)?, local(b)?)).map(|(x, y)| (x.min(y), x.max(y)));
    let matches: Vec<(u32, u32, f64)> =
        matches.iter().filter_map(|&(a, b, s)| pair(a, b).map(|(x, y)| (x, y, s))).collect();
    let mut same: Vec<(u32, u32)> = same.iter().filter_map(|&(a, b)| pair(a, b)).collect();
    same.sort_unstable();
    let different: FxHashSet<(u32, u32)> = different.iter().filter_map(|&(a, b)| pair(a, b)).collect();
    let facts: Vec<Fact> = members.iter().map(|m| Fact::of(&m.entity)).collect();
    let prepared: Vec<Prepared> = members.iter().map(|m| scoring.scorer.prepare(&m.entity)).collect();
    let evidence = Evidence { matches: &matches, same: &same, different: &different };
    let clusters = cluster::cluster(members.len(), &evidence, |x, y| {
        let (x, y) = (x as usize, y as usize);
        scoring.contradicts((&facts[x], &facts[y]), &prepared[x], &prepared[y])
    })
    .settled();
    (0..members.len() as u32)
        .filter(|&e| clusters.members(e)[0] == e)
        .map(|e| {
            let refs = clusters.members(e).iter().map(|&m| members[m as usize].record.clone()).collect();
            (members[e as usize].number, cluster_line(refs))
        })
        .collect()
}

/// The line of a cluster of `members` (any order): its stable id, size and sorted members.
pub fn cluster_line(mut members: Vec<RecordRef>) -> wire::XrefCluster {
    members.sort();
    wire::XrefCluster { cluster: cluster_id(&members), size: members.len(), members }
}

/// A cluster's stable id: the first 16 hex digits of the SHA-256 of its sorted members.
fn cluster_id(members: &[RecordRef]) -> String {
    let mut hash = Sha256::new();
    for m in members {
        hash.update(m.dataset.as_bytes());
        hash.update([0x1f]);
        hash.update(m.id.as_bytes());
        hash.update([0x1e]);
    }
    crate::desk::hex(&hash.finalize()[..8])
}

#[cfg(test)]
#[path = "xref_pieces_tests.rs"]
mod tests;
