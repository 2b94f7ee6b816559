//! Suggestions while someone types: the records whose names begin with what has been typed so
//! far (OpenRefine's "suggest entity", yente's `match_phrase_prefix` over names), and the
//! schemata a dataset holds.
//!
//! A name matches a prefix when the prefix's words appear in the name in order, each whole but
//! the last, which may be the start of a word (`alexander zak` matches "Alexander ZAKHAROV"),
//! with at most [`SLOP`] of the name's words skipped between them, as Elasticsearch's phrase
//! prefix with yente's slop of 2. Both sides are read as [`crosscheck_names::latin_key`] reads
//! them (lower case, no diacritics, every script in Latin letters), so `aleksandr zakh` finds
//! "Александр Захаров" too. Best first: fewest words skipped, then the match nearer the name's
//! start, then the shorter name, then stored order.
//!
//! The records examined are those the dataset version's search index ([`crate::search`]) says
//! hold the typed words; while that index is being built (a server builds it when it starts),
//! every record is examined in stored order. Either way at most [`SCAN_CAP`] records are
//! examined in all (250,000 take about 0.4 s on a 2-core machine): a prefix of one letter in a
//! registry of millions is answered from its first quarter million candidates.

use crate::screen::Snapshot;
use crate::search::SearchIndex;
use crate::EngineError;
use crosscheck_model::{Entity, PropType, Schema};
use crosscheck_store::Dataset;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Words of a name that may be skipped between the prefix's words (yente's `slop`).
pub const SLOP: usize = 2;

/// Most records a suggestion examines, over every dataset of the snapshot.
pub const SCAN_CAP: usize = 250_000;

/// How well a name matched: (words skipped, where the match starts, words in the name); less is
/// better.
type Rank = (usize, usize, usize);

/// One suggested record.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub dataset: Arc<str>,
    pub entity: Entity,
}

/// The records of `snapshot` with a name that begins with `prefix` (see the module docs), best
/// first, at most `limit`. An empty prefix suggests nothing. A record that cannot be read is an
/// error naming its dataset.
pub fn suggest_entities(snapshot: &Snapshot, prefix: &str, limit: usize) -> Result<Vec<Suggestion>, EngineError> {
    suggest_with(snapshot, prefix, limit, &crate::search::index_if_built)
}

/// [`suggest_entities`], with each dataset's search index (if any) from `index`.
pub(crate) fn suggest_with(
    snapshot: &Snapshot,
    prefix: &str,
    limit: usize,
    index: &dyn Fn(&Arc<Dataset>) -> Option<Arc<SearchIndex>>,
) -> Result<Vec<Suggestion>, EngineError> {
    let key = crosscheck_names::latin_key(prefix);
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let mut found: Vec<(Rank, usize, usize, u32)> = Vec::new(); // (rank, order, dataset, record)
    let mut scanned = 0usize;
    let mut order = 0usize;
    'datasets: for (d, dataset) in snapshot.datasets().iter().enumerate() {
        let candidates: Box<dyn Iterator<Item = u32>> = match index(dataset) {
            Some(search) => Box::new(search.with_words(prefix).into_iter()),
            None => Box::new(0..dataset.len() as u32),
        };
        for index in candidates {
            if scanned == SCAN_CAP {
                break 'datasets;
            }
            scanned += 1;
            let entity = dataset.entity(index)?;
            let best = names_of(&entity)
                .iter()
                .filter_map(|name| {
                    let key = crosscheck_names::latin_key(name);
                    let tokens: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
                    phrase_prefix(&words, &tokens).map(|(skipped, start)| (skipped, start, tokens.len()))
                })
                .min();
            if let Some(rank) = best {
                found.push((rank, order, d, index));
            }
            order += 1;
        }
    }
    found.sort_unstable();
    found.truncate(limit);
    found
        .into_iter()
        .map(|(_, _, d, index)| {
            let dataset = &snapshot.datasets()[d];
            Ok(Suggestion { dataset: dataset.name().into(), entity: dataset.entity(index)? })
        })
        .collect()
}

/// Every value of a name-typed property (`weakAlias` included, as yente indexes names), or the
/// name assembled from its parts when there is none.
fn names_of(entity: &Entity) -> Vec<String> {
    let mut names: Vec<String> = entity.values_of_type(PropType::Name).map(|(_, v)| v.to_string()).collect();
    if names.is_empty() {
        names.extend(entity.assembled_name());
    }
    names
}

/// Where `words` match `tokens` as a phrase prefix: (words skipped in all, index of the first
/// match), the fewest skipped over every start; `None` when they do not.
fn phrase_prefix(words: &[&str], tokens: &[&str]) -> Option<(usize, usize)> {
    let (last, whole) = words.split_last()?;
    let matches = |k: usize, token: &str| if k == whole.len() { token.starts_with(last) } else { token == whole[k] };
    let mut best: Option<(usize, usize)> = None;
    for start in 0..tokens.len() {
        if !matches(0, tokens[start]) {
            continue;
        }
        let (mut at, mut skipped, mut ok) = (start, 0usize, true);
        for k in 1..words.len() {
            let next = (at + 1..tokens.len()).take(SLOP - skipped + 1).find(|&j| matches(k, tokens[j]));
            match next {
                Some(j) => {
                    skipped += j - at - 1;
                    at = j;
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && best.is_none_or(|b| (skipped, start) < b) {
            best = Some((skipped, start));
        }
    }
    best
}

/// The schemata of `snapshot`'s records that are matchable, with every schema they descend
/// from (yente's "matchable schemata" of a dataset: what OpenRefine offers as types), by name.
/// Reads every record: callers keep the answer per dataset version.
pub fn matchable_schemata(snapshot: &Snapshot) -> Result<BTreeSet<&'static str>, EngineError> {
    let mut seen: BTreeSet<&'static str> = BTreeSet::new();
    for dataset in snapshot.datasets() {
        for entity in dataset.iter() {
            let entity = entity?;
            if let Some(schema) = entity.schema_def().filter(|s| s.matchable) {
                if !seen.contains(schema.name) {
                    seen.extend(Schema::all().filter(|s| schema.is_a(s.name)).map(|s| s.name));
                }
            }
        }
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        s.split(' ').collect()
    }

    #[test]
    fn a_phrase_prefix_takes_whole_words_and_a_last_partial_one() {
        let name = words("aleksandr vyacheslavovich zakharov");
        assert_eq!(phrase_prefix(&words("aleksandr zak"), &name), Some((1, 0)), "one word skipped");
        assert_eq!(phrase_prefix(&words("vyach"), &name), Some((0, 1)));
        assert_eq!(phrase_prefix(&words("aleks zakharov"), &name), None, "only the last word may be partial");
        assert_eq!(phrase_prefix(&words("zakharov aleksandr"), &name), None, "in order");
        let long = words("a b c d e");
        assert_eq!(phrase_prefix(&words("a d"), &long), Some((2, 0)), "two skipped: the slop");
        assert_eq!(phrase_prefix(&words("a e"), &long), None, "three are too many");
    }
}
