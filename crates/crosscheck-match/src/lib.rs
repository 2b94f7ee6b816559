//! Scoring whether two entities are the same person or company, with the evidence for and against.
//!
//! Scorers are versioned algorithms, kept side by side so that earlier results can be
//! reproduced. Each is a declared table ([`Scorer`]): a name (`crosscheck-v1`), a table of
//! features ([`FeatureDef`]: name, doc, role, weights), one parameter struct ([`Params`]: every
//! number it uses, named and documented), and an id that adds a hash of the parameters
//! (`crosscheck-v1+…`), which every output carrying a score records. The registry is
//! [`algorithms`], [`algorithm`] (by name or id) and [`default_scorer`]; [`Scorer::describe`]
//! publishes an algorithm with its docs and weights.
//!
//! `crosscheck-v1` is additive and explainable: each feature has a weight and a value in
//! [-1, 1], its contribution is their product, and the raw score is the sum of contributions.
//! The raw score is then squashed above `squash_from` so that strong pairs keep their order
//! instead of piling up at 1.0. Missing data on either side is neutral.
//!
//! Scoring and explaining are apart: [`Scorer::score`] returns the score alone and builds no
//! sentence (xref scores millions of pairs), [`Scorer::explain`] returns the same score, bit
//! for bit, with its [`Explanation`].
//!
//! ```
//! use crosscheck_match::{algorithm, default_scorer};
//! use crosscheck_model::Entity;
//!
//! let mut a = Entity::new("a", "Person");
//! a.add("name", "Иван Петрович Сидоров");
//! a.add("birthDate", "1970-05-01");
//! let mut b = Entity::new("b", "Person");
//! b.add("name", "Ivan Sidorov");
//! b.add("birthDate", "1970-05-01");
//!
//! let scorer = default_scorer();
//! assert_eq!(scorer.name(), "crosscheck-v2");
//! assert!(scorer.id().starts_with("crosscheck-v2+"));
//! assert!(std::ptr::eq(algorithm(scorer.id()).unwrap(), scorer));
//!
//! let (a, b) = (scorer.prepare(&a), scorer.prepare(&b));
//! let score = scorer.score(&a, &b);
//! assert!(score >= scorer.default_threshold());
//! let explained = scorer.explain(&a, &b);
//! assert_eq!(explained.score.to_bits(), score.to_bits());
//! assert!(explained.explanation.features.iter().all(|f| scorer.feature(f.name).is_some()));
//! ```
//!
//! The free functions [`score`] and [`score_prepared`] and the constants [`SCORER`] and
//! [`DEFAULT_THRESHOLD`] are `crosscheck-v1` through the older interface; new code should take
//! a [`Scorer`] (and record its [`Scorer::id`]).

mod explain;
mod features;
mod logic_v1;
mod name_based;
mod nk;
mod nk_text;
mod params;
mod phonetic;
mod scorer;

pub use explain::{Explanation, FeatureResult};
pub use features::{birth_dates_disagree, Prepared, V1_FEATURES, V2_FEATURES, V3_FEATURES};
pub use logic_v1::LOGIC_V1_FEATURES;
pub use name_based::NAME_BASED_FEATURES;
pub use params::{ParamEntry, Params};
pub use scorer::{
    algorithm, algorithms, default_scorer, Description, FeatureDef, FeatureDescription, FeatureWeights, Role, Scorer,
    CROSSCHECK_V1, CROSSCHECK_V2, CROSSCHECK_V3, LOGIC_V1, NAME_BASED,
};

/// The default scorer's name and version. Prefer [`Scorer::id`] of [`default_scorer`] in
/// outputs: it also says which parameters made the scores.
pub const SCORER: &str = "crosscheck-v1";

/// `crosscheck-v1`'s decision threshold. Prefer [`Scorer::default_threshold`].
///
/// The name weight is 1.0, so for a pair with nothing but names the score is the name matcher's
/// own score, which `crosscheck-names` calibrates so that 0.7 separates the same name from
/// different ones. Other evidence moves it from there: an agreeing birth date lifts a close name
/// over the line; a birth date years apart (-0.35) keeps even an identical name below it.
pub const DEFAULT_THRESHOLD: f64 = Params::V1.default_threshold;

/// `crosscheck-v1`'s squash start: raw scores above it are compressed toward 1.0.
pub const SQUASH_FROM: f64 = Params::V1.squash_from;

/// A score and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    pub explanation: Explanation,
}

/// Scores `left` against `right` with `crosscheck-v1`, explained (prepares both; use
/// [`Prepared`] to score one side many times). Prefer [`Scorer::explain`].
pub fn score(left: &crosscheck_model::Entity, right: &crosscheck_model::Entity) -> Scored {
    score_prepared(&Prepared::new(left), &Prepared::new(right))
}

/// Scores two prepared entities with `crosscheck-v1`, explained. Prefer [`Scorer::explain`], or
/// [`Scorer::score`] when the explanation is not needed.
pub fn score_prepared(left: &Prepared, right: &Prepared) -> Scored {
    CROSSCHECK_V1.explain(left, right)
}

/// `crosscheck-v1`'s squash (see [`Params::squash`]).
pub fn squash(raw: f64) -> f64 {
    Params::V1.squash(raw)
}

#[cfg(test)]
mod tests;
