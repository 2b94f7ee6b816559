//! Algorithms as declared tables: a [`Scorer`] is a name, a doc, a table of [`FeatureDef`]s and
//! one [`Params`] value; the registry ([`algorithms`]) lists every one this build can run.
//!
//! Modelled on nomenklatura's `logic_v2/model.py` (`NAME`, `features = [Feature(func, weight)]`,
//! `CONFIG`) and `Feature.get_doc()`, which yente publishes at `/algorithms`: [`Scorer::describe`]
//! is that data. Old versions stay registered so that earlier results can be reproduced; a
//! change that moves scores is a new algorithm, not an edit of one.
//!
//! The id is the name plus a hash of the parameters' canonical text
//! (`crosscheck-v1+1a2b3c4d`). It is declared in the table, not computed at run time, so that
//! reading it costs nothing and so that a test (`registered_ids_hash_their_params`) fails when
//! someone edits a number without noticing that the id, and so every report's claim about how
//! its scores were made, would change.

use crate::explain::{Explanation, FeatureResult};
use crate::features::{evaluate, Prepared, RawSum, V1_FEATURES, V2_FEATURES, V3_FEATURES};
use crate::params::{ParamEntry, Params};
use crate::Scored;
use crosscheck_model::Entity;
use crosscheck_names::{NameParams, Names};
use serde::Serialize;
use std::sync::LazyLock;

/// What a feature can do to the raw score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Only adds (or is absent): its value is in [0, 1].
    Evidence,
    /// Only subtracts (or is absent): its value is in [-1, 0].
    Penalty,
    /// Adds when the two sides agree, subtracts when they disagree.
    Both,
}

/// A feature's weights under some parameters: what it adds at full agreement and what it takes
/// away at full disagreement (`None` where its role does not allow it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FeatureWeights {
    pub agrees: Option<f64>,
    pub disagrees: Option<f64>,
}

/// One row of an algorithm's feature table.
#[derive(Debug, Clone, Copy)]
pub struct FeatureDef {
    /// The name explanations give it (`name`, `birthDate`, ...).
    pub name: &'static str,
    /// What it compares, why, and how it moves the score (published with the weights).
    pub doc: &'static str,
    pub role: Role,
    /// Its weights, read from the algorithm's parameters.
    pub weights: fn(&Params) -> FeatureWeights,
}

/// The evaluation code an algorithm runs; its numbers come from its [`Params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Logic {
    /// The additive feature sum of `crosscheck-v1` and `crosscheck-v2`: the rules v2 added are
    /// switched by its parameters (neutral in v1's), so both run one evaluator.
    Additive,
    /// nomenklatura's `name-based` (`name_based.rs`): a weighted sum of two name features.
    NameBased,
    /// nomenklatura's `logic-v1` (`logic_v1.rs`): the best main feature plus qualifiers.
    LogicV1,
}

impl Logic {
    /// A nomenklatura algorithm's feature code and combination.
    fn nomenklatura(self) -> Option<(&'static [crate::nk::NkFeature], crate::nk::Combine)> {
        use crate::nk::Combine;
        match self {
            Logic::Additive => None,
            Logic::NameBased => Some((&crate::name_based::NAME_BASED_IMPL, Combine::Sum)),
            Logic::LogicV1 => Some((&crate::logic_v1::LOGIC_V1_IMPL, Combine::BestThenQualifiers)),
        }
    }
}

/// A scoring algorithm: name, id, doc, feature table and parameters.
///
/// [`Scorer::score`] is the fast path (no sentences, no allocation for the explanation) for
/// callers that score many pairs and explain few; [`Scorer::explain`] adds the explanation and
/// gives the same score, bit for bit.
#[derive(Debug)]
pub struct Scorer {
    name: &'static str,
    id: &'static str,
    doc: &'static str,
    features: &'static [FeatureDef],
    params: Params,
    logic: Logic,
    /// The names context this algorithm compares names with (its `names_params`, the shared
    /// tables): a function, since a context is built at run time and the table is static.
    names: fn() -> &'static Names,
}

/// `crosscheck-v1`: additive and explainable; frozen by the golden tests.
pub static CROSSCHECK_V1: Scorer = Scorer {
    name: "crosscheck-v1",
    id: "crosscheck-v1+366a535c",
    doc: "Additive and explainable: each feature has a weight and a value in [-1, 1], its \
          contribution is their product, and the raw score is the sum of contributions, \
          squashed above `squash_from` so that strong pairs keep their order below 1.0 \
          (OpenSanctions' logic-v2 gives exactly 1.0 to a fifth of true pairs, which cannot \
          rank). Missing data on either side is neutral: it neither helps nor hurts.",
    features: &V1_FEATURES,
    params: Params::V1,
    logic: Logic::Additive,
    names: Names::shared,
};

/// `crosscheck-v2`: v1's additive model with rules that hold on records unlike the benchmarks'
/// (see [`Params::V2`] and `NameParams::V2` for what it switches on).
pub static CROSSCHECK_V2: Scorer = Scorer {
    name: "crosscheck-v2",
    id: "crosscheck-v2+399fb8c4",
    doc: "crosscheck-v1's additive model (each feature a weight times a value in [-1, 1], \
          summed and squashed above `squash_from`), with rules made to hold on records unlike \
          any benchmark's: a person and an organisation are never one on a name alone, a \
          single shared word among several is weak evidence, initials need the rest of the \
          name to agree, a given name against a surname counts little, differing \
          patronymics weigh like differing given names, and Western names are read through \
          their Cyrillic spellings. Missing data on either side is neutral.",
    features: &V2_FEATURES,
    params: Params::V2,
    logic: Logic::Additive,
    names: v2_names,
};

/// `crosscheck-v3`: v2 with addresses compared and the same full birth day weighing more (see
/// [`Params::V3`]), for records of registries and leaks, which carry both (issue 18).
pub static CROSSCHECK_V3: Scorer = Scorer {
    name: "crosscheck-v3",
    id: "crosscheck-v3+b2ec7b0d",
    doc: "crosscheck-v2 (every rule of it), with two kinds of evidence that registries and \
          leaks carry and watchlists seldom do: an address shared down to a house number or \
          postcode, and the same full birth day, which weighs more than a shared year; and a \
          birth date that disagrees is never outweighed by a name alone, so namesakes stay \
          apart however many share the name. Made for cross-referencing whole datasets, where \
          those records meet. Missing data on either side is neutral.",
    features: &V3_FEATURES,
    params: Params::V3,
    logic: Logic::Additive,
    names: v2_names,
};

/// nomenklatura's `name-based`, ported (MIT, (c) OpenSanctions; see `name_based.rs`).
pub static NAME_BASED: Scorer = Scorer {
    name: "name-based",
    id: "name-based+8136b82b",
    doc: "nomenklatura's name-based algorithm (yente's `name-based`), ported to crosscheck: \
          Deprecated in favour of `ofac`, which actually emulates OFAC's public Sanctions List \
          Search behaviour. This algorithm matches on entity name using phonetic comparisons \
          and Jaro-Winkler edit distance, vaguely based on FAQ #249, but does not reach OFAC \
          parity. The score is the weighted sum of its two features. Difference from \
          nomenklatura: names in other scripts are transliterated by crosscheck's own tables, \
          not ICU's, so they may be spelled a little apart.",
    features: &crate::name_based::NAME_BASED_FEATURES,
    params: Params::NAME_BASED,
    logic: Logic::NameBased,
    names: Names::shared,
};

/// nomenklatura's `logic-v1`, ported (MIT, (c) OpenSanctions; see `logic_v1.rs`).
pub static LOGIC_V1: Scorer = Scorer {
    name: "logic-v1",
    id: "logic-v1+ca3893a3",
    doc: "nomenklatura's logic-v1 algorithm (yente's `logic-v1`), ported to crosscheck: A \
          rule-based matching system that generates a set of basic scores via name and \
          identifier-based matching, and then qualifies that score using supporting or \
          contradicting features of the two entities. The score is the best weighted main \
          feature, plus the weighted qualifiers (negative) when it is above 0, within [0, 1]. \
          Not ported: address_entity_match (weight 0 here, rigour's address tables are not \
          carried). Approximated: countries are compared as codes (no territory table), INN \
          and OGRN check digits are not verified, transliteration to ASCII is crosscheck's \
          own, not ICU's.",
    features: &crate::logic_v1::LOGIC_V1_FEATURES,
    params: Params::LOGIC_V1,
    logic: Logic::LogicV1,
    names: Names::shared,
};

/// The names context of `crosscheck-v2`: the shared tables, v2's name numbers.
fn v2_names() -> &'static Names {
    static V2: LazyLock<Names> = LazyLock::new(|| Names::shared().with_score_params(NameParams::V2));
    &V2
}

/// Every algorithm this build can run, oldest first.
static ALGORITHMS: [&Scorer; 5] = [&CROSSCHECK_V1, &CROSSCHECK_V2, &CROSSCHECK_V3, &NAME_BASED, &LOGIC_V1];

/// Every registered algorithm, oldest first.
pub fn algorithms() -> &'static [&'static Scorer] {
    &ALGORITHMS
}

/// The algorithm with this name (`crosscheck-v1`) or id (`crosscheck-v1+1a2b3c4d`). An id whose
/// hash is not this build's finds nothing: its scores were made with other parameters.
pub fn algorithm(name_or_id: &str) -> Option<&'static Scorer> {
    ALGORITHMS.iter().copied().find(|s| s.name == name_or_id || s.id == name_or_id)
}

/// The algorithm used when none is asked for: `crosscheck-v2`, which is at least as good as v1
/// on every benchmark we measure (BENCHMARKS.md, "crosscheck-v2"). `crosscheck-v3`, newer, is
/// made for cross-referencing registries and leaks and loses typo-ridden watchlist positives
/// (BENCHMARKS.md, "Cross-reference"), so it is chosen by name.
pub fn default_scorer() -> &'static Scorer {
    &CROSSCHECK_V2
}

impl Scorer {
    /// The algorithm's name and version, `crosscheck-v1`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Name plus the hash of the parameters, `crosscheck-v1+1a2b3c4d`: what outputs record.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// What the algorithm does, in a paragraph.
    pub fn doc(&self) -> &'static str {
        self.doc
    }

    /// The feature table, in the order explanations list features.
    pub fn features(&self) -> &'static [FeatureDef] {
        self.features
    }

    /// The feature called `name`, if the algorithm has one.
    pub fn feature(&self, name: &str) -> Option<&'static FeatureDef> {
        self.features.iter().find(|f| f.name == name)
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The names context this algorithm compares names with (its name numbers, the shared
    /// tables), for callers that compare names on its terms (verify's claims).
    pub fn names(&self) -> &'static Names {
        (self.names)()
    }

    /// A pair is a match when its score reaches this.
    pub fn default_threshold(&self) -> f64 {
        self.params.default_threshold
    }

    /// The id this scorer's parameters hash to (what [`Scorer::id`] must say).
    pub fn computed_id(&self) -> String {
        format!("{}+{}", self.name, crate::params::digest_entries(&self.published_params()))
    }

    /// The parameters this algorithm uses, as published and hashed: all of them for
    /// crosscheck's own; for nomenklatura's, its feature weights and the threshold (the other
    /// numbers of the shared struct are not read by it).
    fn published_params(&self) -> Vec<ParamEntry> {
        let entries = self.params.entries();
        match self.logic {
            Logic::Additive => entries,
            Logic::NameBased | Logic::LogicV1 => entries
                .into_iter()
                .filter(|e| e.name == "default_threshold" || self.feature(e.name).is_some())
                .collect(),
        }
    }

    /// Prepares an entity for this algorithm (parse once, score against many).
    pub fn prepare(&self, entity: &Entity) -> Prepared {
        match self.logic {
            Logic::Additive => Prepared::with_params(entity, &self.params),
            Logic::NameBased | Logic::LogicV1 => Prepared::for_nomenklatura(entity),
        }
    }

    /// The score of `left` against `right` in [0, 1), without an explanation: the fast path.
    /// Both sides should come from this scorer's [`Scorer::prepare`] (its cut-offs).
    pub fn score(&self, left: &Prepared, right: &Prepared) -> f64 {
        if let Some((features, combine)) = self.logic.nomenklatura() {
            let (Some(l), Some(r)) = (&left.nk, &right.nk) else { return 0.0 };
            return crate::nk::score(features, combine, &self.params, l, r);
        }
        match self.logic {
            Logic::Additive => {
                let mut raw = RawSum(0.0);
                evaluate((self.names)(), left, right, &self.params, &mut raw);
                self.params.squash(raw.0)
            }
            Logic::NameBased | Logic::LogicV1 => unreachable!("handled above"),
        }
    }

    /// The score and why. The score equals [`Scorer::score`]'s bit for bit.
    pub fn explain(&self, left: &Prepared, right: &Prepared) -> Scored {
        if let Some((features, combine)) = self.logic.nomenklatura() {
            let (Some(l), Some(r)) = (&left.nk, &right.nk) else {
                let summary = format!("score 0.00 ({}): a side was not prepared by this algorithm", self.name);
                return Scored { score: 0.0, explanation: Explanation { summary, features: Vec::new() } };
            };
            return crate::nk::explain(self.name, features, combine, &self.params, l, r);
        }
        match self.logic {
            Logic::Additive => {
                let mut features: Vec<FeatureResult> = Vec::with_capacity(6);
                evaluate((self.names)(), left, right, &self.params, &mut features);
                // the same additions in the same order as the fast path's running sum
                let raw = features.iter().fold(0.0, |sum, f| sum + f.contribution);
                let score = self.params.squash(raw);
                Scored { score, explanation: Explanation::new(score, raw, features, &self.params) }
            }
            Logic::NameBased | Logic::LogicV1 => unreachable!("handled above"),
        }
    }

    /// The algorithm as data, for an `/algorithms` route: name, id, doc, threshold, every
    /// feature with its doc, role and weights, and every parameter with its doc and value.
    pub fn describe(&self) -> Description {
        Description {
            name: self.name,
            id: self.id,
            doc: self.doc,
            default_threshold: self.default_threshold(),
            features: self
                .features
                .iter()
                .map(|f| FeatureDescription {
                    name: f.name,
                    doc: f.doc,
                    role: f.role,
                    weights: (f.weights)(&self.params),
                })
                .collect(),
            params: self.published_params(),
        }
    }
}

/// An algorithm as published (a wire type, so it derives `Serialize`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Description {
    pub name: &'static str,
    pub id: &'static str,
    pub doc: &'static str,
    pub default_threshold: f64,
    pub features: Vec<FeatureDescription>,
    pub params: Vec<ParamEntry>,
}

/// One feature as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureDescription {
    pub name: &'static str,
    pub doc: &'static str,
    pub role: Role,
    pub weights: FeatureWeights,
}
