//! The scorer a use case runs: chosen once (from `crosscheck-match`'s registry), passed
//! explicitly, named by its id in every output that carries a score.

use crosscheck_match::{Prepared, Scored};

/// A registered scoring algorithm (cheap to copy, `Send + Sync`).
#[derive(Debug, Clone, Copy)]
pub struct Scorer {
    algorithm: &'static crosscheck_match::Scorer,
}

impl PartialEq for Scorer {
    fn eq(&self, other: &Scorer) -> bool {
        self.algorithm.id() == other.algorithm.id()
    }
}

impl Scorer {
    /// The default algorithm.
    pub fn default_scorer() -> Scorer {
        Scorer { algorithm: crosscheck_match::default_scorer() }
    }

    /// The algorithm with this name (`crosscheck-v1`) or id (`crosscheck-v1+366a535c`).
    pub fn by_name(name_or_id: &str) -> Option<Scorer> {
        crosscheck_match::algorithm(name_or_id).map(|algorithm| Scorer { algorithm })
    }

    /// Every algorithm this build can run, oldest first.
    pub fn all() -> Vec<Scorer> {
        crosscheck_match::algorithms().iter().map(|&algorithm| Scorer { algorithm }).collect()
    }

    /// The id every output records: the name and a hash of the parameters.
    pub fn id(&self) -> &'static str {
        self.algorithm.id()
    }

    /// The algorithm itself: its features, parameters and description.
    pub fn algorithm(&self) -> &'static crosscheck_match::Scorer {
        self.algorithm
    }

    /// The decision threshold the algorithm is calibrated for.
    pub fn default_threshold(&self) -> f64 {
        self.algorithm.default_threshold()
    }

    /// Prepares an entity for this algorithm.
    pub fn prepare(&self, entity: &crosscheck_model::Entity) -> Prepared {
        self.algorithm.prepare(entity)
    }

    /// Scores a pair, without building the explanation (cross-reference scores millions).
    pub fn score(&self, left: &Prepared, right: &Prepared) -> f64 {
        self.algorithm.score(left, right)
    }

    /// Scores a pair, with the explanation (the same score, bit for bit).
    pub fn explain(&self, left: &Prepared, right: &Prepared) -> Scored {
        self.algorithm.explain(left, right)
    }
}

impl Default for Scorer {
    fn default() -> Self {
        Scorer::default_scorer()
    }
}
