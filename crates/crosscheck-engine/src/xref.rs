//! Cross-reference whole loaded datasets (PRODUCT.md, "Cross-reference (`xref`)"): which
//! records of one dataset are the same person (dedupe), or which records of one are in another
//! (link, `against`), as scored pairs and as clusters.
//!
//! How a run goes:
//! 1. **Read** every entity once, on every core, for what pairing needs: its schema (only
//!    matchable records pair: people, organisations, vessels) and its birth date as a number.
//! 2. **Plan**: the blocks of the candidate index ([`crate::blocks`]; in link mode the two
//!    datasets' blocks joined on their key hash) are walked once to count the pairs each entity
//!    starts, and the entity numbers are cut into ranges of at most `pair_budget` pairs: the
//!    passes. Memory goes with the budget, never with the number of pairs.
//! 3. **Each pass** walks the blocks again and keeps the pairs whose smaller entity is in its
//!    range, sorts and dedupes them, prepares the entities they name (on every core), scores them
//!    in batches with the scorer `compare` uses, explains only the pairs it writes (score at least
//!    half the threshold) and writes them in order: ascending (left, right) entity numbers, so the
//!    same inputs give the same lines. The matching pairs are kept for clustering (they are the
//!    output's own lines, not the candidates).
//! 4. **Cluster** ([`crate::cluster`]): the desk's judgements, then the matches best first, a
//!    join refused when a pair across it contradicts (judged different, scoring below half the
//!    threshold, or born on other dates). Clusters are written in the order of their first
//!    entity, with a stable id.
//! 5. **Review**: the run's best pairs are kept in the data directory for the review page
//!    ([`Engine::review_pairs`]), replacing the last run's over the same datasets.
//!
//! Scores are `compare`'s: a stored record is the entity `compare` completes (it was cleaned and
//! validated when loaded), prepared and scored by the same scorer (a test holds them equal).

use crate::blocks::{Block, PairRules, Shape};
use crate::cluster::{self, Evidence};
use crate::xref_pieces::{cluster_line, Fact, PairScorer};
use crate::{wire, Engine, EngineError};
use crosscheck_audit::RecordRef;
use crosscheck_match::Prepared;
use crosscheck_store::{Dataset, StoreError};
use crosscheck_verify::Judgement;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

/// What to cross-reference.
#[derive(Debug, Clone)]
pub struct XrefRequest {
    /// The dataset (deduped on its own, or linked against `against`).
    pub dataset: String,
    /// Link mode: pairs across the two datasets only, clusters over both.
    pub against: Option<String>,
    /// `match` is `score >= threshold` [default: the scorer's].
    pub threshold: Option<f64>,
    /// Pairs scoring at least this are written [default: half the threshold, as `match`
    /// lists candidates]; 0 writes every candidate pair scored.
    pub min_score: Option<f64>,
    /// Judgements from a file, applied after the desk's (a later one on a pair wins).
    pub judgements: Vec<JudgedPair>,
    pub rules: PairRules,
    /// The most candidate pairs one pass holds (8 bytes each, plus the entities they name).
    pub pair_budget: usize,
}

impl XrefRequest {
    /// Dedupe `dataset` with the default rules and budget.
    pub fn new(dataset: &str) -> XrefRequest {
        XrefRequest {
            dataset: dataset.into(),
            against: None,
            threshold: None,
            min_score: None,
            judgements: Vec::new(),
            rules: PairRules::default(),
            pair_budget: DEFAULT_PAIR_BUDGET,
        }
    }
}

/// 32 million pairs a pass: 256 MB of pairs, sorted in place.
pub const DEFAULT_PAIR_BUDGET: usize = 32 << 20;

/// One judgement on a pair of records, as the judgements file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgedPair {
    pub left: RecordRef,
    pub right: RecordRef,
    /// `same` (true) or `different`.
    pub same: bool,
}

/// A line of the judgements file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct JudgementLineError {
    pub line: u64,
    pub reason: String,
}

#[derive(Deserialize)]
struct JudgementFileLine {
    left: RecordRef,
    right: RecordRef,
    judgement: String,
}

/// Reads a judgements file (JSON lines `{"left": {"dataset", "id"}, "right": {...},
/// "judgement": "same"|"different", "reason"}`, as `crosscheck audit --judgements` writes it;
/// other fields are ignored, blank lines skipped). The first line that cannot be read is the
/// error, so that no run goes ahead on half a file.
pub fn read_judgements(text: &str) -> Result<Vec<JudgedPair>, JudgementLineError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let fail = |reason: String| JudgementLineError { line: i as u64 + 1, reason };
        if line.trim().is_empty() {
            continue;
        }
        let parsed: JudgementFileLine = serde_json::from_str(line).map_err(|e| {
            fail(format!(
                "not a judgement `{{\"left\": {{\"dataset\", \"id\"}}, \"right\": {{\"dataset\", \"id\"}}, \"judgement\"}}`: {e}"
            ))
        })?;
        let same = match Judgement::parse(&parsed.judgement) {
            Some(Judgement::Same) => true,
            Some(Judgement::Different) => false,
            _ => {
                return Err(fail(format!(
                    "judgement `{}`: a judgements file says `same` or `different`",
                    parsed.judgement
                )))
            }
        };
        if parsed.left == parsed.right {
            return Err(fail("`left` and `right` are the same record: a judgement is on two records".into()));
        }
        out.push(JudgedPair { left: parsed.left, right: parsed.right, same });
    }
    Ok(out)
}

/// Where a run's lines go, in order, a batch at a time (so that a front end can serialise a
/// batch on every core).
pub trait XrefSink {
    fn pairs(&mut self, pairs: &[wire::XrefPair]) -> std::io::Result<()>;
    fn clusters(&mut self, clusters: &[wire::XrefCluster]) -> std::io::Result<()>;
    /// Whether the cluster lines are wanted (they are counted either way).
    fn wants_clusters(&self) -> bool {
        true
    }
}

/// The stages of a run, for a progress bar.
pub trait XrefProgress: Sync {
    /// A stage starts, with its amount of work (entities or pairs).
    fn stage(&self, _what: &str, _total: u64) {}
    /// `n` more of the stage's work is done.
    fn advance(&self, _n: u64) {}
}

/// Progress nobody watches.
pub struct Quiet;

impl XrefProgress for Quiet {}

/// What a run did (the summary on stderr).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct XrefSummary {
    pub scorer: &'static str,
    pub threshold: f64,
    pub min_score: f64,
    pub entities: u64,
    /// Blocks of the candidate index with something to pair, paired whole or (too large) in
    /// birth-date order.
    pub blocks_whole: u64,
    pub blocks_sorted: u64,
    /// Distinct pairs scored.
    pub candidate_pairs: u64,
    /// Pairs written: scored at least `min_score` (half the threshold by default).
    pub pairs_written: u64,
    pub matches: u64,
    pub clusters: u64,
    /// Clusters of two or more entities.
    pub clusters_joined: u64,
    /// Joins of two clusters refused because a pair across them contradicted.
    pub joins_refused: u64,
    /// Judgements applied, and those naming records not in these datasets.
    pub judgements_applied: u64,
    pub judgements_elsewhere: u64,
    pub passes: u64,
    pub seconds: f64,
    /// Where the best pairs were kept for the review page ([`Engine::review_pairs`]), or why
    /// they could not be (the run's own output is complete either way).
    pub review_file: Option<std::path::PathBuf>,
    pub review_error: Option<String>,
}

/// Why a cross-reference did not run or stopped.
#[derive(Debug, thiserror::Error)]
pub enum XrefError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("`--against {0}` names the dataset being cross-referenced: to find duplicates inside one dataset, leave `--against` out")]
    SameDataset(String),
    #[error("{0} records in all: a cross-reference reads at most 4,294,967,295 at once")]
    TooLarge(u64),
    #[error("cannot write the results: {0}")]
    Write(std::io::Error),
}

/// The datasets of a run, numbered end to end: the first's entities, then the second's.
struct Universe {
    sides: Vec<(Arc<Dataset>, u32)>,
    n: u32,
}

impl Universe {
    fn side(&self, e: u32) -> (&Dataset, u32) {
        let i = if self.sides.len() > 1 && e >= self.sides[1].1 { 1 } else { 0 };
        let (dataset, base) = &self.sides[i];
        (dataset, e - base)
    }

    fn entity(&self, e: u32) -> Result<crosscheck_model::Entity, StoreError> {
        let (dataset, local) = self.side(e);
        dataset.entity(local)
    }

    fn number(&self, record: &RecordRef) -> Option<u32> {
        let (dataset, base) = self.sides.iter().find(|(d, _)| d.name() == record.dataset)?;
        dataset.number(&record.id).map(|local| base + local)
    }

    fn record(&self, e: u32, id: String) -> RecordRef {
        RecordRef { dataset: self.side(e).0.name().to_string(), id }
    }

    /// The id of entity `e`, read from its stored line.
    fn id(&self, e: u32) -> Result<String, StoreError> {
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        let (dataset, local) = self.side(e);
        let raw = dataset.raw_checked(local)?;
        serde_json::from_slice::<Id>(raw).map(|r| r.id).or_else(|_| dataset.entity(local).map(|e| e.id))
    }
}

impl Engine {
    /// Cross-references `request.dataset` (see the module docs), writing pairs and then clusters
    /// to `sink`. Everything that can be refused (an unknown dataset, `against` the same one) is
    /// refused before the first line is written.
    pub fn xref(
        &self,
        request: &XrefRequest,
        sink: &mut dyn XrefSink,
        progress: &dyn XrefProgress,
    ) -> Result<XrefSummary, XrefError> {
        let started = Instant::now();
        let mut names = vec![request.dataset.clone()];
        if let Some(against) = &request.against {
            if *against == request.dataset {
                return Err(XrefError::SameDataset(against.clone()));
            }
            names.push(against.clone());
        }
        let snapshot = self.snapshot(&names)?;
        let mut sides = Vec::new();
        let mut n: u64 = 0;
        for dataset in snapshot.datasets() {
            sides.push((dataset.clone(), n as u32));
            n += dataset.len() as u64;
        }
        if n > u32::MAX as u64 {
            return Err(XrefError::TooLarge(n));
        }
        let universe = Universe { sides, n: n as u32 };
        let mut judged = self
            .judgements_in_effect()?
            .into_iter()
            .map(|j| JudgedPair { left: j.left, right: j.right, same: j.judgement == Judgement::Same })
            .collect::<Vec<_>>();
        judged.extend(request.judgements.iter().cloned());

        let scorer = *self.scorer();
        let scoring = PairScorer::new(scorer, request.threshold, request.min_score);
        let (threshold, written_from) = (scoring.threshold, scoring.written_from);
        let mut summary = XrefSummary {
            scorer: scorer.id(),
            threshold,
            min_score: written_from,
            entities: universe.n as u64,
            ..XrefSummary::default()
        };

        progress.stage("reading records", universe.n as u64);
        let facts = read_facts(&universe, progress)?;

        progress.stage("planning passes", 0);
        let passes = plan(&universe, &facts, request, &mut summary);
        summary.passes = passes.len() as u64;

        let mut matches: Vec<(u32, u32, f64)> = Vec::new();
        let mut review = BestPairs::default();
        let mut slot = vec![u32::MAX; universe.n as usize];
        // the last pass's prepared entities, kept for clustering (in one pass: all it needs)
        let mut last: Vec<(String, Prepared)> = Vec::new();
        for (i, range) in passes.iter().enumerate() {
            let mut pairs = Vec::new();
            let mut scratch = Vec::new();
            for_each_block(&universe, &facts, &mut |block| {
                block.pairs(request.rules, range, &mut scratch, &mut |a, b| pairs.push((a, b)));
            });
            pairs.par_sort_unstable();
            pairs.dedup();
            summary.candidate_pairs += pairs.len() as u64;
            let what = if passes.len() > 1 {
                format!("scoring pairs (pass {} of {})", i + 1, passes.len())
            } else {
                "scoring pairs".into()
            };
            progress.stage(&what, pairs.len() as u64);

            let needed = named_entities(&pairs, universe.n);
            for (k, &e) in needed.iter().enumerate() {
                slot[e as usize] = k as u32;
            }
            let prepared: Vec<(String, Prepared)> = needed
                .par_iter()
                .map(|&e| universe.entity(e).map(|entity| (entity.id.clone(), scorer.prepare(&entity))))
                .collect::<Result<_, _>>()?;
            let get = |e: u32| &prepared[slot[e as usize] as usize];
            for batch in pairs.chunks(1 << 15) {
                let mut scored: Vec<(u32, u32, f64)> = batch
                    .par_iter()
                    .filter(|&&(a, b)| facts[a as usize].compatible(&facts[b as usize]))
                    .filter_map(|&(a, b)| {
                        let score = scorer.score(&get(a).1, &get(b).1);
                        // kept when written, or when it matches (clusters need every match,
                        // whatever `min_score` writes)
                        scoring.kept(score).then_some((a, b, score))
                    })
                    .collect();
                matches.extend(scored.iter().filter(|p| p.2 >= threshold));
                scored.retain(|p| p.2 >= written_from);
                let lines: Vec<wire::XrefPair> = scored
                    .par_iter()
                    .map(|&(a, b, _)| {
                        let ((left_id, left), (right_id, right)) = (get(a), get(b));
                        scoring.line(
                            universe.record(a, left_id.clone()),
                            universe.record(b, right_id.clone()),
                            left,
                            right,
                        )
                    })
                    .collect();
                sink.pairs(&lines).map_err(XrefError::Write)?;
                review.offer(&scored, &lines);
                summary.pairs_written += lines.len() as u64;
                progress.advance(batch.len() as u64);
            }
            if i + 1 < passes.len() {
                for &e in &needed {
                    slot[e as usize] = u32::MAX;
                }
            } else {
                last = prepared;
            }
        }
        summary.matches = matches.len() as u64;

        progress.stage("clustering", 0);
        let mut same = Vec::new();
        let mut different = FxHashSet::default();
        let mut in_effect: FxHashMap<(u32, u32), bool> = FxHashMap::default();
        for j in &judged {
            match (universe.number(&j.left), universe.number(&j.right)) {
                (Some(a), Some(b)) if a != b => {
                    in_effect.insert((a.min(b), a.max(b)), j.same);
                }
                _ => summary.judgements_elsewhere += 1,
            }
        }
        let mut in_effect: Vec<((u32, u32), bool)> = in_effect.into_iter().collect();
        in_effect.sort_unstable();
        summary.judgements_applied = in_effect.len() as u64;
        for (pair, is_same) in in_effect {
            if is_same {
                same.push(pair);
            } else {
                different.insert(pair);
            }
        }
        let kept = |e: u32| slot.get(e as usize).filter(|&&s| s != u32::MAX).map(|&s| &last[s as usize].1);
        let cache: RefCell<FxHashMap<u32, Prepared>> = RefCell::default();
        let failure: RefCell<Option<StoreError>> = RefCell::default();
        let contradicts = |a: u32, b: u32| -> bool {
            if !facts[a as usize].compatible(&facts[b as usize]) {
                return true;
            }
            let mut cache = cache.borrow_mut();
            for e in [a, b] {
                if kept(e).is_some() {
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(e) {
                    match universe.entity(e) {
                        Ok(entity) => {
                            slot.insert(scorer.prepare(&entity));
                        }
                        Err(err) => {
                            failure.borrow_mut().get_or_insert(err);
                            return true;
                        }
                    }
                }
            }
            // not even a possible match, or born on other dates (a pair that matched despite
            // it was let through above): two people that only a chain would have put together
            let (left, right) = (kept(a).unwrap_or_else(|| &cache[&a]), kept(b).unwrap_or_else(|| &cache[&b]));
            scoring.contradicts((&facts[a as usize], &facts[b as usize]), left, right)
        };
        let evidence = Evidence { matches: &matches, same: &same, different: &different };
        let clusters = cluster::cluster(universe.n as usize, &evidence, contradicts);
        if let Some(err) = failure.into_inner() {
            return Err(err.into());
        }
        summary.joins_refused = clusters.refused;
        drop(matches);
        let clusters = clusters.settled();
        summary.clusters_joined = clusters.joined() as u64;

        if !sink.wants_clusters() {
            summary.clusters = (0..universe.n).into_par_iter().filter(|&e| clusters.members(e)[0] == e).count() as u64;
        }
        progress.stage("writing clusters", universe.n as u64);
        let chunk = 1u32 << 16;
        let writing = if sink.wants_clusters() { universe.n } else { 0 };
        for start in (0..writing).step_by(chunk as usize) {
            let end = start.saturating_add(chunk).min(universe.n);
            let lines: Vec<wire::XrefCluster> = (start..end)
                .into_par_iter()
                .map(|e| {
                    let members = clusters.members(e);
                    if members[0] != e {
                        return Ok(None);
                    }
                    let refs = members
                        .iter()
                        .map(|&m| universe.id(m).map(|id| universe.record(m, id)))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(Some(cluster_line(refs)))
                })
                .collect::<Result<Vec<_>, StoreError>>()?
                .into_iter()
                .flatten()
                .collect();
            sink.clusters(&lines).map_err(XrefError::Write)?;
            summary.clusters += lines.len() as u64;
            progress.advance((end - start) as u64);
        }
        match self.save_review(&names, review.into_best()) {
            Ok(path) => summary.review_file = Some(path),
            Err(e) => summary.review_error = Some(e.to_string()),
        }
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }

    /// Keeps `pairs` as the review queue of a run over `datasets`, replacing the last run's.
    fn save_review(&self, datasets: &[String], pairs: Vec<ReviewPair>) -> std::io::Result<std::path::PathBuf> {
        let dir = self.data_dir.join(REVIEW_DIR);
        fs_err::create_dir_all(&dir)?;
        let mut hash = Sha256::new();
        datasets.iter().for_each(|d| {
            hash.update(d.as_bytes());
            hash.update([0]);
        });
        let name = crate::desk::hex(&hash.finalize()[..8]);
        let path = dir.join(format!("{name}.jsonl"));
        let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
        {
            let mut out = std::io::BufWriter::new(tmp.as_file_mut());
            for pair in &pairs {
                serde_json::to_writer(&mut out, pair)?;
                std::io::Write::write_all(&mut out, b"\n")?;
            }
            std::io::Write::flush(&mut out)?;
        }
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }

    /// The pairs to review on the review page: the best pairs of the latest cross-reference of
    /// each set of datasets, best first, leaving out every pair the desk has judged and the
    /// records no longer loaded; at most `limit`.
    pub fn review_pairs(&self, limit: usize) -> Result<Vec<ReviewPair>, EngineError> {
        let dir = self.data_dir.join(REVIEW_DIR);
        let judged: FxHashSet<(RecordRef, RecordRef)> = self
            .judgements()?
            .into_iter()
            .flat_map(|j| {
                let j = j.judgement;
                [(j.left.clone(), j.right.clone()), (j.right, j.left)]
            })
            .collect();
        let mut pairs: Vec<ReviewPair> = Vec::new();
        let Ok(entries) = fs_err::read_dir(&dir) else { return Ok(pairs) };
        let mut files: Vec<std::path::PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        let mut seen = FxHashSet::default();
        for file in files {
            // a queue written by this build; a line it cannot read is left out, never shown half
            let Ok(text) = fs_err::read_to_string(&file) else { continue };
            for line in text.lines() {
                let Ok(pair) = serde_json::from_str::<ReviewPair>(line) else { continue };
                let key = (pair.left.clone(), pair.right.clone());
                if judged.contains(&key) || !seen.insert(key) {
                    continue;
                }
                pairs.push(pair);
            }
        }
        pairs.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| (&a.left, &a.right).cmp(&(&b.left, &b.right))));
        let mut kept = Vec::new();
        // each dataset's live version opened once (`None`: no longer loaded)
        let mut open: FxHashMap<String, Option<Arc<Dataset>>> = FxHashMap::default();
        let mut loaded = |r: &RecordRef| {
            let dataset = open.entry(r.dataset.clone()).or_insert_with(|| self.store().snapshot(&r.dataset).ok());
            dataset.as_ref().is_some_and(|d| d.number(&r.id).is_some())
        };
        for pair in pairs {
            if kept.len() == limit {
                break;
            }
            if loaded(&pair.left) && loaded(&pair.right) {
                kept.push(pair);
            }
        }
        Ok(kept)
    }
}

/// Where the review queues live in the data directory: one file per set of datasets.
const REVIEW_DIR: &str = "xref";

/// How many pairs a run keeps for the review page.
pub const REVIEW_PAIRS: usize = 1000;

/// A pair kept for the review page: the records, the score and the explanation's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewPair {
    pub left: RecordRef,
    pub right: RecordRef,
    pub score: f64,
    #[serde(rename = "match")]
    pub is_match: bool,
    pub summary: String,
}

/// The best pairs of a run, best first (ties in output order), at most [`REVIEW_PAIRS`].
#[derive(Default)]
struct BestPairs {
    kept: Vec<(f64, u32, u32, ReviewPair)>,
}

impl BestPairs {
    /// `scored` and `lines` are one batch, the same pairs in the same order.
    fn offer(&mut self, scored: &[(u32, u32, f64)], lines: &[wire::XrefPair]) {
        let floor = if self.kept.len() >= REVIEW_PAIRS { self.kept[REVIEW_PAIRS - 1].0 } else { f64::NEG_INFINITY };
        for (&(a, b, _), line) in scored.iter().zip(lines) {
            if line.score > floor {
                self.kept.push((
                    line.score,
                    a,
                    b,
                    ReviewPair {
                        left: line.left.clone(),
                        right: line.right.clone(),
                        score: line.score,
                        is_match: line.is_match,
                        summary: line.explanation.summary.clone(),
                    },
                ));
            }
        }
        self.kept.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        self.kept.truncate(REVIEW_PAIRS);
    }

    fn into_best(self) -> Vec<ReviewPair> {
        self.kept.into_iter().map(|(_, _, _, pair)| pair).collect()
    }
}

/// Every entity's [`Fact`], read on every core.
fn read_facts(universe: &Universe, progress: &dyn XrefProgress) -> Result<Vec<Fact>, StoreError> {
    let chunk = 1u32 << 14;
    let mut facts = Vec::with_capacity(universe.n as usize);
    for start in (0..universe.n).step_by(chunk as usize) {
        let end = start.saturating_add(chunk).min(universe.n);
        let part: Vec<Fact> = (start..end)
            .into_par_iter()
            .map(|e| {
                let entity = universe.entity(e)?;
                Ok(Fact::of(&entity))
            })
            .collect::<Result<_, StoreError>>()?;
        facts.extend(part);
        progress.advance((end - start) as u64);
    }
    Ok(facts)
}

/// Calls `f` with every block of the run: a dataset's own blocks, or in link mode the blocks
/// of the two datasets that share a key (their indexes are in key-hash order, so one merge).
/// Only entities that can match are members.
fn for_each_block(universe: &Universe, facts: &[Fact], f: &mut dyn FnMut(Block)) {
    let members = |base: u32, block: &crosscheck_store::Block, out: &mut Vec<(u32, u32)>| {
        out.clear();
        out.extend(block.entities().map(|local| base + local).filter_map(|e| {
            let fact = facts.get(e as usize)?;
            fact.schema.map(|_| (e, fact.birth))
        }));
    };
    let (mut left, mut right) = (Vec::new(), Vec::new());
    match &universe.sides[..] {
        [(dataset, base)] => {
            for block in dataset.blocks() {
                if block.len() < 2 {
                    continue;
                }
                members(*base, &block, &mut left);
                f(Block { left: &left, right: None });
            }
        }
        [(a, a_base), (b, b_base), ..] => {
            let mut theirs = b.blocks().peekable();
            for block in a.blocks() {
                while theirs.next_if(|t| t.key() < block.key()).is_some() {}
                if let Some(other) = theirs.next_if(|t| t.key() == block.key()) {
                    members(*a_base, &block, &mut left);
                    members(*b_base, &other, &mut right);
                    f(Block { left: &left, right: Some(&right) });
                }
            }
        }
        [] => {}
    }
}

/// Cuts the entity numbers into passes of at most `request.pair_budget` pairs (duplicates
/// counted: a bound), counting the blocks' shapes on the way.
fn plan(universe: &Universe, facts: &[Fact], request: &XrefRequest, summary: &mut XrefSummary) -> Vec<Range<u32>> {
    let mut starts = vec![0u32; universe.n as usize];
    let mut scratch = Vec::new();
    let all = 0..universe.n;
    for_each_block(universe, facts, &mut |block| match block
        .pairs(request.rules, &all, &mut scratch, &mut |a, _| starts[a as usize] = starts[a as usize].saturating_add(1))
    {
        Shape::Whole => summary.blocks_whole += 1,
        Shape::Sorted => summary.blocks_sorted += 1,
        Shape::Empty => {}
    });
    let budget = request.pair_budget.max(1) as u64;
    let mut passes = Vec::new();
    let (mut from, mut held) = (0u32, 0u64);
    for (e, &count) in starts.iter().enumerate() {
        if held > 0 && held + count as u64 > budget {
            passes.push(from..e as u32);
            from = e as u32;
            held = 0;
        }
        held += count as u64;
    }
    if from < universe.n || passes.is_empty() {
        passes.push(from..universe.n);
    }
    passes
}

/// The distinct entities `pairs` name, ascending.
fn named_entities(pairs: &[(u32, u32)], n: u32) -> Vec<u32> {
    let mut seen = vec![0u64; (n as usize).div_ceil(64)];
    for &(a, b) in pairs {
        seen[a as usize / 64] |= 1 << (a % 64);
        seen[b as usize / 64] |= 1 << (b % 64);
    }
    seen.iter()
        .enumerate()
        .flat_map(|(w, &bits)| (0..64).filter(move |i| bits & (1 << i) != 0).map(move |i| (w * 64 + i) as u32))
        .collect()
}

#[cfg(test)]
#[path = "xref_tests.rs"]
pub(crate) mod tests;
