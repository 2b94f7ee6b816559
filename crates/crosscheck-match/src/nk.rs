//! What nomenklatura's heuristic algorithms share: an entity read the way FollowTheMoney hands
//! it to them ([`NkPrepared`]), and the evaluation loop of its `HeuristicAlgorithm.compare`
//! (main features, then qualifiers only when a main feature scored, then the algorithm's own
//! combination, clamped to [0, 1]).
//!
//! Written for crosscheck after nomenklatura's `matching/types.py` and `matching/util.py` (MIT,
//! (c) OpenSanctions); no code copied. The left side is nomenklatura's `query`, the right its
//! `result`: some features are one-sided (`jaro_name_parts` walks the query's words,
//! `weak_alias_match` reads the result's weak aliases), as in nomenklatura.

use crate::explain::{Explanation, FeatureResult};
use crate::nk_text::{clean_name_ascii, clean_name_light, fingerprint_name, name_words, names_word_list};
use crate::params::Params;
use crate::scorer::FeatureDef;
use crate::Scored;
use crosscheck_model::{Entity, PropType, Schema};
use std::collections::BTreeSet;

/// One name token as `person_name_phonetic_match` compares it (nomenklatura's
/// `NameTokenPhonetic`).
#[derive(Debug, Clone)]
pub(crate) struct PhoneticToken {
    pub token: String,
    /// The token in ASCII, when its script can be written in Latin letters.
    pub ascii: Option<String>,
    /// Its Metaphone code, when that has at least three letters.
    pub metaphone: Option<String>,
}

/// An entity as nomenklatura's features read it, with what depends on one side only computed
/// once.
#[derive(Debug, Clone)]
pub(crate) struct NkPrepared {
    pub(crate) entity: Entity,
    pub(crate) schema: Option<&'static Schema>,
    /// `name`, `alias`, `previousName` (FtM's matchable name properties), in order, once each.
    pub(crate) names: Vec<String>,
    /// The words of every name's fingerprint (`names_word_list`).
    pub(crate) name_words: Vec<String>,
    /// `clean_name_light` of every name, of every name-typed value (those and `weakAlias`,
    /// `abbreviation`), of the weak aliases and abbreviations.
    pub(crate) light_names: BTreeSet<String>,
    pub(crate) light_all_names: BTreeSet<String>,
    pub(crate) light_weak_aliases: BTreeSet<String>,
    /// Per name: its fingerprint, and its ASCII words (`_name_parts`).
    pub(crate) fingerprints: Vec<Option<String>>,
    pub(crate) name_parts: Vec<Vec<String>>,
    /// Per name: its phonetic tokens.
    pub(crate) phonetic: Vec<Vec<PhoneticToken>>,
    /// Words of the `lastName` values' fingerprints, of two letters or more.
    pub(crate) last_names: Vec<String>,
}

/// The distinct values of some properties, in order.
fn values(entity: &Entity, props: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in props {
        for v in entity.get(p) {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
    }
    out
}

impl NkPrepared {
    pub(crate) fn new(entity: &Entity) -> NkPrepared {
        let names = values(entity, &["name", "alias", "previousName"]);
        let all_names = values(entity, &["name", "alias", "previousName", "weakAlias", "abbreviation"]);
        let light = |vs: &[String]| vs.iter().filter_map(|n| clean_name_light(n)).collect::<BTreeSet<_>>();
        let phonetic = names
            .iter()
            .map(|n| {
                crate::nk_text::tokenize_name(&n.to_lowercase(), 2)
                    .into_iter()
                    .map(|token| {
                        let ascii = crate::nk_text::can_latinize(&token).then(|| crosscheck_names::latin_key(&token));
                        let metaphone =
                            ascii.as_deref().map(crate::phonetic::metaphone).filter(|m| m.chars().count() >= 3);
                        PhoneticToken { token, ascii, metaphone }
                    })
                    .collect()
            })
            .collect();
        NkPrepared {
            schema: entity.schema_def(),
            name_words: names_word_list(names.iter().map(String::as_str), 1),
            light_names: light(&names),
            light_all_names: light(&all_names),
            light_weak_aliases: light(&values(entity, &["weakAlias", "abbreviation"])),
            fingerprints: names.iter().map(|n| fingerprint_name(n)).collect(),
            name_parts: names.iter().map(|n| name_words(clean_name_ascii(n).as_deref(), 1)).collect(),
            phonetic,
            last_names: names_word_list(entity.get("lastName").iter().map(String::as_str), 2),
            names,
            entity: entity.clone(),
        }
    }

    /// The distinct values of one property (identifiers as FollowTheMoney cleans them).
    pub(crate) fn prop(&self, prop: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in values(&self.entity, &[prop]) {
            let v = match self.schema.and_then(|s| s.prop_type(prop)) {
                Some(PropType::Identifier) => ftm_identifier(prop, &v),
                _ => v,
            };
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The distinct values of every property of one type; identifiers in the form
    /// FollowTheMoney cleans them to when they are added (a BIC to its first eight characters,
    /// an IMO number as `IMO0000000`), which nomenklatura then reads.
    pub(crate) fn of_type(&self, kind: PropType) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (prop, v) in self.entity.values_of_type(kind) {
            let v = if kind == PropType::Identifier { ftm_identifier(prop, v) } else { v.to_string() };
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }
}

/// An identifier as FollowTheMoney cleans it for its property's format (the value as written
/// when it is not one of the format).
pub(crate) fn ftm_identifier(prop: &str, value: &str) -> String {
    use crate::logic_v1::{clean_bic, clean_imo, clean_inn, clean_isin, clean_lei, clean_ogrn};
    let clean: Option<fn(&str) -> Option<String>> = match prop {
        "swiftBic" => Some(clean_bic),
        "imoNumber" => Some(clean_imo),
        "leiCode" => Some(clean_lei),
        "isin" => Some(clean_isin),
        "innCode" => Some(clean_inn),
        "ogrnCode" => Some(clean_ogrn),
        _ => None,
    };
    clean.and_then(|c| c(value)).unwrap_or_else(|| value.to_string())
}

/// nomenklatura's `has_schema`: the more specific of the two schemata is (or descends from)
/// `schema`; false when they are unrelated or unknown.
pub(crate) fn has_schema(left: &NkPrepared, right: &NkPrepared, schema: &str) -> bool {
    match (left.schema, right.schema) {
        (Some(a), Some(b)) => a.common(b).is_some_and(|c| c.is_a(schema)),
        _ => false,
    }
}

/// A feature's result: nomenklatura's `FtResult` (a score in [0, 1], and a sentence only when
/// explaining).
pub(crate) struct Ft {
    pub score: f64,
    pub detail: Option<String>,
}

impl Ft {
    pub(crate) fn none() -> Ft {
        Ft { score: 0.0, detail: None }
    }

    pub(crate) fn new(score: f64, detail: Option<String>) -> Ft {
        Ft { score, detail }
    }
}

/// A feature's code: the two sides and whether to write the sentence.
pub(crate) type FeatureFn = fn(&NkPrepared, &NkPrepared, bool) -> Ft;

/// One row of a nomenklatura algorithm: its published definition, whether it is a qualifier,
/// and its code.
pub(crate) struct NkFeature {
    pub def: &'static FeatureDef,
    pub qualifier: bool,
    pub func: FeatureFn,
}

/// How an algorithm combines its weighted feature scores (its `compute_score`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Combine {
    /// `name-based`: the sum of every feature's weight times its score.
    Sum,
    /// `logic-v1`: the best weighted main feature; when it is above 0, plus every weighted
    /// qualifier.
    BestThenQualifiers,
}

/// The signed weight of a feature under some parameters (a qualifier's is negative).
pub(crate) fn signed_weight(def: &FeatureDef, p: &Params) -> f64 {
    let w = (def.weights)(p);
    w.agrees.unwrap_or_else(|| -w.disagrees.unwrap_or(0.0))
}

/// nomenklatura's `HeuristicAlgorithm.compare`, with the sentences only when `explain`.
/// Returns the score and, per evaluated feature, its index, weight and result.
fn evaluate(
    features: &[NkFeature],
    combine: Combine,
    p: &Params,
    left: &NkPrepared,
    right: &NkPrepared,
    explain: bool,
) -> (f64, Vec<(usize, f64, Ft)>) {
    let mut results: Vec<(usize, f64, Ft)> = Vec::new();
    if let (Some(a), Some(b)) = (left.schema, right.schema) {
        if !a.can_match(b) && a.name != b.name {
            return (0.0, results);
        }
    }
    for qualifiers in [false, true] {
        if qualifiers && results.iter().map(|(_, _, r)| r.score).fold(0.0, f64::max) <= 0.0 {
            // qualifiers only take away: without a main feature there is nothing to qualify
            return (0.0, results);
        }
        for (i, f) in features.iter().enumerate().filter(|(_, f)| f.qualifier == qualifiers) {
            let weight = signed_weight(f.def, p);
            // a feature at weight 0 is not computed (nomenklatura's custom-weight switch)
            if weight != 0.0 {
                results.push((i, weight, (f.func)(left, right, explain)));
            }
        }
    }
    let weighted =
        |q: bool| results.iter().filter(move |(i, _, _)| features[*i].qualifier == q).map(|(_, w, r)| w * r.score);
    let score = match combine {
        Combine::Sum => weighted(false).chain(weighted(true)).sum::<f64>(),
        Combine::BestThenQualifiers => {
            let best = weighted(false).fold(0.0, f64::max);
            if best == 0.0 {
                0.0
            } else {
                weighted(true).fold(best, |s, x| s + x)
            }
        }
    };
    (score.clamp(0.0, 1.0), results)
}

/// The score alone.
pub(crate) fn score(features: &[NkFeature], combine: Combine, p: &Params, l: &NkPrepared, r: &NkPrepared) -> f64 {
    evaluate(features, combine, p, l, r, false).0
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The score and why: every feature that scored or has something to say, as nomenklatura's
/// explanations list them.
pub(crate) fn explain(
    name: &str,
    features: &[NkFeature],
    combine: Combine,
    p: &Params,
    l: &NkPrepared,
    r: &NkPrepared,
) -> Scored {
    let (score, results) = evaluate(features, combine, p, l, r, true);
    let mut rows: Vec<FeatureResult> = Vec::new();
    for (i, weight, ft) in results {
        if ft.score <= 0.0 && ft.detail.is_none() {
            continue;
        }
        rows.push(FeatureResult {
            name: features[i].def.name,
            weight: round(weight),
            value: round(ft.score),
            contribution: round(weight * ft.score),
            detail: ft.detail.unwrap_or_else(|| format!("{} scored {:.2}", features[i].def.name, ft.score)),
        });
    }
    let scored: Vec<&FeatureResult> = rows.iter().filter(|f| f.contribution != 0.0).collect();
    let summary = match combine {
        Combine::Sum => {
            let parts: Vec<String> = scored.iter().map(|f| format!("{} {:.2}", f.name, f.value)).collect();
            if parts.is_empty() {
                format!("score {score:.2} ({name}): no name words alike")
            } else {
                format!("score {score:.2} ({name}): weighted sum of {}", parts.join(", "))
            }
        }
        Combine::BestThenQualifiers => {
            let best = scored
                .iter()
                .filter(|f| !features.iter().any(|g| g.qualifier && g.def.name == f.name))
                .max_by(|a, b| a.contribution.total_cmp(&b.contribution));
            let against: Vec<&str> = scored.iter().filter(|f| f.contribution < 0.0).map(|f| f.name).collect();
            match best {
                None => format!("score {score:.2} ({name}): no name or identifier feature agrees"),
                Some(b) if against.is_empty() => format!("score {score:.2} ({name}): best feature {}", b.name),
                Some(b) => {
                    format!("score {score:.2} ({name}): best feature {}; against: {}", b.name, against.join(", "))
                }
            }
        }
    };
    Scored { score, explanation: Explanation { summary, features: rows } }
}
