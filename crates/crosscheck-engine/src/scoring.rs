//! The scorer a use case runs: chosen once, passed explicitly, named in every output that
//! carries a score.

use crosscheck_match::{Prepared, Scored};

/// A scoring algorithm of `crosscheck-match`, by value (cheap to copy, `Send + Sync`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scorer {
    id: &'static str,
}

impl Scorer {
    /// The default algorithm.
    pub fn default_scorer() -> Scorer {
        Scorer { id: crosscheck_match::SCORER }
    }

    /// The algorithm named `name`, when there is one.
    pub fn by_name(name: &str) -> Option<Scorer> {
        (name == crosscheck_match::SCORER).then(Scorer::default_scorer)
    }

    /// The id every output records.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The decision threshold the algorithm is calibrated for.
    pub fn default_threshold(&self) -> f64 {
        crosscheck_match::DEFAULT_THRESHOLD
    }

    /// Scores a pair, with the explanation.
    pub fn explain(&self, left: &Prepared, right: &Prepared) -> Scored {
        crosscheck_match::score_prepared(left, right)
    }
}

impl Default for Scorer {
    fn default() -> Self {
        Scorer::default_scorer()
    }
}
