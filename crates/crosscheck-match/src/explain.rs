//! The explanation object of PRODUCT.md: `{"summary", "features": [{"name", "weight", "value",
//! "contribution", "detail"}]}`. A wire type, so it derives `Serialize`.
//!
//! Built only by [`Scorer::explain`](crate::Scorer::explain): the fast path never makes one.

use crate::params::Params;
use serde::Serialize;
use std::fmt::Write;

/// One feature's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureResult {
    /// Feature name, one of the algorithm's table (`name`, `birthDate`, ...; see
    /// [`Scorer::features`](crate::Scorer::features)).
    pub name: &'static str,
    /// The weight applied.
    pub weight: f64,
    /// The feature's value in [-1, 1]: 1 agrees fully, -1 disagrees, 0 neutral.
    pub value: f64,
    /// `weight * value`: what the feature added to the raw score.
    pub contribution: f64,
    /// One plain sentence on what was compared.
    pub detail: String,
}

/// Why a pair scored what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub summary: String,
    pub features: Vec<FeatureResult>,
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Explanation {
    pub(crate) fn new(score: f64, raw: f64, mut features: Vec<FeatureResult>, params: &Params) -> Explanation {
        for f in &mut features {
            f.weight = round(f.weight);
            f.value = round(f.value);
            f.contribution = round(f.contribution);
        }
        let mut for_ = Vec::new();
        let mut against = Vec::new();
        for f in &features {
            if f.contribution > 0.0 && f.name != "name" {
                for_.push(f.name);
            } else if f.contribution < 0.0 {
                against.push(f.name);
            }
        }
        let name = features.iter().find(|f| f.name == "name").map_or(0.0, |f| f.value);
        let mut summary = format!("score {score:.2}: names {:.0}% alike", name * 100.0);
        // written into the one string (fmt::Write on a String cannot fail)
        if !for_.is_empty() {
            summary.push_str("; for: ");
            summary.push_str(&for_.join(", "));
        }
        if !against.is_empty() {
            summary.push_str("; against: ");
            summary.push_str(&against.join(", "));
        }
        if raw > params.squash_from {
            let from = params.squash_from;
            let _ = write!(summary, " (raw {raw:.2}, compressed above {from} to keep the ranking)");
        }
        Explanation { summary, features }
    }
}
