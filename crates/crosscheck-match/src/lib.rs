//! Scoring whether two entities are the same person or company, with the evidence for and against.
//!
//! A scorer is versioned ([`SCORER`]) so that earlier results can be reproduced; every report
//! records the name. Scorer `crosscheck-v1` is additive and explainable: each feature has a
//! weight and a value in [-1, 1], its contribution is their product, and the raw score is the sum
//! of contributions. The raw score is then squashed above [`SQUASH_FROM`] so that strong pairs
//! keep their order instead of piling up at 1.0 (OpenSanctions' logic-v2 gives exactly 1.0 to a
//! fifth of true pairs, which cannot rank).
//!
//! Features (weights in [`Weights`]): `name` (the name matcher's best pair), `birthDate` (equal,
//! contained, or different), `identifier` (a shared normalised identifier), `country`
//! (nationality/citizenship/country overlap or disjoint), `gender`, `birthPlace`, and `schema`
//! (a person against a legal entity not known to be a person), and `firstName` (both records
//! name the given names, and they differ).
//! Missing data on either side is neutral: it neither helps nor hurts.
//!
//! ```
//! use crosscheck_match::{score, DEFAULT_THRESHOLD};
//! use crosscheck_model::Entity;
//!
//! let mut a = Entity::new("a", "Person");
//! a.add("name", "Иван Петрович Сидоров");
//! a.add("birthDate", "1970-05-01");
//! let mut b = Entity::new("b", "Person");
//! b.add("name", "Ivan Sidorov");
//! b.add("birthDate", "1970-05-01");
//! let result = score(&a, &b);
//! assert!(result.score >= DEFAULT_THRESHOLD);
//! ```

mod explain;
mod features;

pub use explain::{Explanation, FeatureResult};
pub use features::Prepared;

/// The scorer's name and version, recorded in every report.
pub const SCORER: &str = "crosscheck-v1";

/// The default decision threshold: a pair is a match when its score reaches it.
///
/// The name weight is 1.0, so for a pair with nothing but names the score is the name matcher's
/// own score, which `crosscheck-names` calibrates so that 0.7 separates the same name from
/// different ones. Other evidence moves it from there: an agreeing birth date lifts a close name
/// over the line; a birth date years apart (-0.35) keeps even an identical name below it.
pub const DEFAULT_THRESHOLD: f64 = 0.7;

/// Raw scores above this are compressed toward 1.0 (see the crate docs).
pub const SQUASH_FROM: f64 = 0.9;

/// Feature weights of `crosscheck-v1`.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub name: f64,
    pub birth_date_agrees: f64,
    pub birth_date_disagrees: f64,
    pub identifier: f64,
    pub country_agrees: f64,
    pub country_disagrees: f64,
    pub gender_agrees: f64,
    pub gender_disagrees: f64,
    pub birth_place: f64,
    pub schema_mismatch: f64,
    pub first_name_disagrees: f64,
}

/// The weights `crosscheck-v1` uses.
pub const WEIGHTS: Weights = Weights {
    name: 1.00,
    birth_date_agrees: 0.12,
    birth_date_disagrees: 0.35,
    identifier: 0.30,
    country_agrees: 0.04,
    country_disagrees: 0.08,
    gender_agrees: 0.02,
    gender_disagrees: 0.35,
    birth_place: 0.04,
    schema_mismatch: 0.10,
    first_name_disagrees: 0.30,
};

/// A score and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    pub explanation: Explanation,
}

/// Scores `left` against `right` (prepares both; use [`Prepared`] to score one side many times).
pub fn score(left: &crosscheck_model::Entity, right: &crosscheck_model::Entity) -> Scored {
    score_prepared(&Prepared::new(left), &Prepared::new(right))
}

/// Scores two prepared entities.
pub fn score_prepared(left: &Prepared, right: &Prepared) -> Scored {
    let features = features::evaluate(left, right, &WEIGHTS);
    let raw: f64 = features.iter().map(|f| f.contribution).sum();
    let score = squash(raw);
    let explanation = Explanation::new(score, raw, features);
    Scored { score, explanation }
}

/// Compresses raw scores above [`SQUASH_FROM`] smoothly toward (never past) 1.0, clamps below 0.
pub fn squash(raw: f64) -> f64 {
    let squashed = if raw <= SQUASH_FROM {
        raw.max(0.0)
    } else {
        let room = 1.0 - SQUASH_FROM;
        SQUASH_FROM + room * (1.0 - (-(raw - SQUASH_FROM) / room).exp())
    };
    // Rounded down to 4 places for stable output; a strong pair lands at 0.99xx, not 1.0.
    (squashed * 10_000.0).floor() / 10_000.0
}

#[cfg(test)]
mod tests;
