//! Screening: one query against a snapshot of datasets.
//!
//! The steps, each once per query: the query is prepared ([`Query`]: cleaned, its index keys
//! grouped by the token they come from, the scorer's prepared form); each dataset's index
//! proposes its best candidates for the key groups (an inverse-document-frequency vote, see
//! `crosscheck_store::Dataset::candidates_grouped`: among namesakes, those born in the query's
//! year come first, through the name-and-year keys, so the right one is scored however many
//! share the name; issue 13); a candidate whose schema the query cannot
//! match ([`Schema::can_match`]: a Person query never finds a Company) is set aside unscored;
//! the rest are scored and kept when they reach half the threshold; results are ranked best
//! first (ties by id, then dataset, so the order is stable) and cut to the limit, with the
//! number before the cut in `total`.
//!
//! A record that cannot be read is an error naming the dataset, never a skipped candidate: a
//! damaged store must not look like a clean one with fewer results.

use crate::query::Query;
use crate::scoring::Scorer;
use crate::EngineError;
use crosscheck_match::Explanation;
use crosscheck_model::{Entity, PropType};
use crosscheck_store::Dataset;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How a screening is cut.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenOptions {
    /// `match` is `score >= threshold`; candidates below half of it are not reported.
    pub threshold: f64,
    /// Most results returned (`total` still counts all).
    pub limit: usize,
    /// Most results from any one dataset, so that one long list cannot crowd out the others
    /// (`None`: no such cut). Applied before `limit`.
    pub per_dataset: Option<usize>,
    /// Candidates taken from each dataset's index before scoring (plus ties, see the store).
    pub candidates: usize,
}

impl ScreenOptions {
    /// The command line's defaults: the scorer's threshold, 5 results, 64 candidates.
    pub fn new(scorer: &Scorer) -> ScreenOptions {
        ScreenOptions {
            threshold: scorer.default_threshold(),
            limit: 5,
            per_dataset: None,
            candidates: DEFAULT_CANDIDATES,
        }
    }
}

/// Candidates per dataset by default: enough that the right record survives among namesakes
/// in lists of a million (the index ranks those born in the query's year first); candidates
/// tied with the best one are kept too, up to eight times as many.
pub const DEFAULT_CANDIDATES: usize = 64;

/// One scored candidate.
#[derive(Debug, Clone)]
pub struct Hit {
    pub dataset: Arc<str>,
    pub entity: Entity,
    pub score: f64,
    pub is_match: bool,
    pub explanation: Explanation,
}

/// The ranked results of one query.
#[derive(Debug, Clone, Default)]
pub struct Screening {
    /// Every candidate that reached half the threshold, before the cut to the limit.
    pub total: usize,
    /// How many of those reached the threshold (yente's `total`).
    pub matches: usize,
    /// The best `limit` of them, best first.
    pub hits: Vec<Hit>,
}

/// What a caller leaves out of a screening, beyond the options' cut (the team server's
/// `exclude_schema`, `exclude_entity_ids`, `topics` and `cutoff`, as yente reads them).
#[derive(Debug, Clone, Default)]
pub struct ScreenFilter {
    /// Candidates of these schemas are not scored.
    pub exclude_schemas: Vec<String>,
    /// Candidates with these ids, or merged from a record with one of them (`referents`), are
    /// not scored: an id a client knows is excluded whichever record now carries it, as in yente.
    pub exclude_ids: std::collections::HashSet<String>,
    /// When not empty, only candidates carrying one of these `topics` values are scored.
    pub topics: Vec<String>,
    /// The lowest score kept, instead of half the threshold: yente's `cutoff` (a candidate
    /// must score above it).
    pub cutoff: Option<f64>,
}

impl ScreenFilter {
    fn admits(&self, entity: &Entity) -> bool {
        if self.exclude_schemas.contains(&entity.schema)
            || self.exclude_ids.contains(&entity.id)
            || entity.referents.iter().any(|id| self.exclude_ids.contains(id))
        {
            return false;
        }
        self.topics.is_empty() || entity.get("topics").iter().any(|t| self.topics.contains(t))
    }

    fn keeps(&self, score: f64, options: &ScreenOptions) -> bool {
        match self.cutoff {
            Some(cutoff) => score > cutoff,
            None => score >= options.threshold / 2.0,
        }
    }
}

/// Immutable datasets screened together: what one request sees, start to finish, whatever is
/// published meanwhile.
#[derive(Clone)]
pub struct Snapshot {
    datasets: Vec<Arc<Dataset>>,
    scorer: Scorer,
}

impl Snapshot {
    pub(crate) fn new(datasets: Vec<Arc<Dataset>>, scorer: Scorer) -> Snapshot {
        Snapshot { datasets, scorer }
    }

    /// The datasets, in the order asked for.
    pub fn datasets(&self) -> &[Arc<Dataset>] {
        &self.datasets
    }

    /// The scorer every score of this snapshot comes from.
    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }

    /// The same snapshot with only the datasets `keep` accepts (the same versions: nothing is
    /// opened again).
    pub fn only(mut self, keep: impl Fn(&Dataset) -> bool) -> Snapshot {
        self.datasets.retain(|d| keep(d));
        self
    }

    /// Screens `query` against every dataset of the snapshot.
    pub fn screen(&self, query: &Query, options: &ScreenOptions) -> Result<Screening, EngineError> {
        self.screen_filtered(query, options, &ScreenFilter::default())
    }

    /// Screens `query`, leaving out what `filter` excludes.
    pub fn screen_filtered(
        &self,
        query: &Query,
        options: &ScreenOptions,
        filter: &ScreenFilter,
    ) -> Result<Screening, EngineError> {
        let mut scored = Vec::new();
        for dataset in &self.datasets {
            screen_dataset(&self.scorer, dataset, query, options, filter, &mut scored)?;
        }
        Ok(rank(&self.scorer, query, scored, options))
    }
}

/// A candidate scored on the fast path (no explanation yet).
pub(crate) struct Scored {
    dataset: Arc<str>,
    entity: Entity,
    prepared: crosscheck_match::Prepared,
    score: f64,
}

/// Scores `dataset`'s candidates for `query` on the fast path, keeping those at half the
/// threshold or more.
pub(crate) fn screen_dataset(
    scorer: &Scorer,
    dataset: &Dataset,
    query: &Query,
    options: &ScreenOptions,
    filter: &ScreenFilter,
    out: &mut Vec<Scored>,
) -> Result<(), EngineError> {
    let name: Arc<str> = dataset.name().into();
    for candidate in dataset.candidates_grouped(query.key_groups(), options.candidates) {
        let entity = dataset.entity(candidate.index)?;
        let Some(schema) = entity.schema_def() else { continue };
        if !query.schema().can_match(schema) || !filter.admits(&entity) {
            continue;
        }
        let prepared = scorer.prepare(&entity);
        let score = scorer.score(query.prepared(), &prepared);
        if filter.keeps(score, options) {
            out.push(Scored { dataset: name.clone(), entity, prepared, score });
        }
    }
    Ok(())
}

/// Ranks scored candidates best first (ties by id, then dataset) and explains only those kept:
/// an explanation is sentences and allocations, and most candidates are cut.
pub(crate) fn rank(scorer: &Scorer, query: &Query, mut scored: Vec<Scored>, options: &ScreenOptions) -> Screening {
    scored.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| a.entity.id.cmp(&b.entity.id)).then_with(|| a.dataset.cmp(&b.dataset))
    });
    let total = scored.len();
    let matches = scored.iter().filter(|s| s.score >= options.threshold).count();
    if let Some(per_dataset) = options.per_dataset {
        let mut kept: BTreeMap<Arc<str>, usize> = BTreeMap::new();
        scored.retain(|s| {
            let n = kept.entry(s.dataset.clone()).or_default();
            *n += 1;
            *n <= per_dataset
        });
    }
    scored.truncate(options.limit);
    let hits = scored
        .into_iter()
        .map(|s| {
            let explained = scorer.explain(query.prepared(), &s.prepared);
            debug_assert_eq!(explained.score.to_bits(), s.score.to_bits(), "score and explain agree");
            Hit {
                dataset: s.dataset,
                entity: s.entity,
                score: explained.score,
                is_match: explained.score >= options.threshold,
                explanation: explained.explanation,
            }
        })
        .collect();
    Screening { total, matches, hits }
}

/// Properties shown beside a candidate so a reader can tell namesakes apart at a glance
/// (PRODUCT.md: birth dates, nationalities, programme, listing date, identifiers).
const KEY_PROPERTIES: [&str; 14] = [
    "birthDate",
    "deathDate",
    "birthPlace",
    "gender",
    "nationality",
    "citizenship",
    "country",
    "jurisdiction",
    "incorporationDate",
    "program",
    "programId",
    "topics",
    "listingDate",
    "createdAt",
];

/// A candidate's key properties: those of [`KEY_PROPERTIES`] it has, and every identifier.
pub fn key_properties(entity: &Entity) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for prop in KEY_PROPERTIES {
        let values = entity.get(prop);
        if !values.is_empty() {
            out.insert(prop.to_string(), values.to_vec());
        }
    }
    for (prop, value) in entity.values_of_type(PropType::Identifier) {
        out.entry(prop.to_string()).or_default().push(value.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ScreenFilter;
    use crosscheck_model::Entity;

    #[test]
    fn an_excluded_id_excludes_the_record_it_was_merged_into() {
        let mut merged = Entity::new("NK-merged", "Person");
        merged.referents = vec!["list-123".into(), "other-9".into()];
        let plain = Entity::new("list-7", "Person");
        let filter = |ids: &[&str]| ScreenFilter {
            exclude_ids: ids.iter().map(|s| s.to_string()).collect(),
            ..ScreenFilter::default()
        };
        for (ids, merged_admitted, plain_admitted) in [
            (&[][..], true, true),
            (&["NK-merged"][..], false, true),
            (&["other-9"][..], false, true),
            (&["list-7"][..], true, false),
            (&["list-12"][..], true, true),
        ] {
            let f = filter(ids);
            assert_eq!((f.admits(&merged), f.admits(&plain)), (merged_admitted, plain_admitted), "{ids:?}");
        }
    }
}
