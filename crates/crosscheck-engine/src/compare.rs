//! Comparing two records: are they the same person or company?
//!
//! Both sides are completed and cleaned as queries are ([`crate::query::complete`]): records
//! written by hand may carry only name parts and no schema. The score is the one `match` and
//! cross-reference give the same two entities: one scorer everywhere.

use crate::query::{complete, QueryError};
use crate::scoring::Scorer;
use crosscheck_match::Explanation;
use crosscheck_model::Entity;

/// The outcome of one comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub score: f64,
    pub is_match: bool,
    pub explanation: Explanation,
}

/// Which side of a pair could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("left: {0}")]
    Left(QueryError),
    #[error("right: {0}")]
    Right(QueryError),
}

/// Compares `left` with `right` (as written by hand) at `threshold`.
pub fn compare(scorer: &Scorer, left: Entity, right: Entity, threshold: f64) -> Result<Comparison, CompareError> {
    let left = complete(left).map_err(CompareError::Left)?;
    let right = complete(right).map_err(CompareError::Right)?;
    let scored = scorer.explain(&scorer.prepare(&left), &scorer.prepare(&right));
    Ok(Comparison { score: scored.score, is_match: scored.score >= threshold, explanation: scored.explanation })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(json: &str) -> Entity {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn name_parts_and_word_order_compare_as_one_name() {
        let scorer = Scorer::default_scorer();
        let parts = person(r#"{"properties":{"firstName":["Hans"],"lastName":["Friedrich"]}}"#);
        let whole = person(r#"{"schema":"Person","properties":{"name":["Friedrich, Hans"]}}"#);
        let result = compare(&scorer, parts, whole, 0.7).unwrap();
        assert!(result.is_match, "{result:?}");
        let other = person(r#"{"properties":{"name":["Olga Wendt"]}}"#);
        let whole = person(r#"{"properties":{"name":["Hans Friedrich"]}}"#);
        assert!(!compare(&scorer, other, whole, 0.7).unwrap().is_match);
    }

    #[test]
    fn a_bad_side_is_named() {
        let scorer = Scorer::default_scorer();
        let bad = person(r#"{"schema":"Spaceship","properties":{}}"#);
        let good = person(r#"{"properties":{"name":["A B"]}}"#);
        assert!(matches!(compare(&scorer, good.clone(), bad.clone(), 0.7), Err(CompareError::Right(_))));
        assert!(matches!(compare(&scorer, bad, good, 0.7), Err(CompareError::Left(_))));
    }
}
