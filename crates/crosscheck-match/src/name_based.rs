//! nomenklatura's `name-based` algorithm: the words of the two sides' names compared by
//! Jaro-Winkler and by Soundex, half and half.
//!
//! Written for crosscheck after nomenklatura's `matching/name_based/model.py` (`NameMatcher`)
//! and `matching/name_based/names.py` (MIT, (c) OpenSanctions); no code copied. Feature names,
//! docs and weights are nomenklatura's, so `/algorithms` and explanations read as yente's.

use crate::nk::{Ft, NkFeature, NkPrepared};
use crate::nk_text::jaro_winkler;
use crate::phonetic::soundex_token;
use crate::scorer::{FeatureDef, FeatureWeights, Role};
use std::collections::BTreeSet;

pub(crate) const JARO_NAME_PARTS: FeatureDef = FeatureDef {
    name: "jaro_name_parts",
    doc: "Compare two sets of name parts using the Jaro-Winkler string similarity algorithm. \
          (Each word of the query's names is paired with its most similar word of the \
          result's, counted when above 0.5; the score is the mean over the query's words.)",
    role: Role::Evidence,
    weights: |p| FeatureWeights { agrees: Some(p.jaro_name_parts), disagrees: None },
};

pub(crate) const SOUNDEX_NAME_PARTS: FeatureDef = FeatureDef {
    name: "soundex_name_parts",
    doc: "Compare two sets of name parts using the phonetic matching. (The Soundex codes of \
          both sides' name words, as sets; the score is the shared codes over the smaller \
          set.)",
    role: Role::Evidence,
    weights: |p| FeatureWeights { agrees: Some(p.soundex_name_parts), disagrees: None },
};

/// The feature table as published.
pub static NAME_BASED_FEATURES: [FeatureDef; 2] = [JARO_NAME_PARTS, SOUNDEX_NAME_PARTS];

/// The feature table with its code.
pub(crate) static NAME_BASED_IMPL: [NkFeature; 2] = [
    NkFeature { def: &NAME_BASED_FEATURES[0], qualifier: false, func: jaro_name_parts },
    NkFeature { def: &NAME_BASED_FEATURES[1], qualifier: false, func: soundex_name_parts },
];

/// The distinct words, in first-seen order (Python iterates its sets in an order of its own;
/// the score does not depend on it).
fn distinct(words: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for w in words {
        if !out.contains(&w.as_str()) {
            out.push(w);
        }
    }
    out
}

pub(crate) fn jaro_name_parts(query: &NkPrepared, result: &NkPrepared, explain: bool) -> Ft {
    let result_parts = distinct(&result.name_words);
    let mut similarities: Vec<f64> = Vec::new();
    let mut tokens: Vec<(&str, &str)> = Vec::new();
    for part in distinct(&query.name_words) {
        let mut best = 0.0;
        let mut best_token: Option<&str> = None;
        for other in &result_parts {
            let similarity = jaro_winkler(part, other);
            if similarity > 0.5 && similarity > best {
                best = similarity;
                best_token = Some(other);
            }
        }
        similarities.push(best);
        if let Some(t) = best_token {
            tokens.push((part, t));
        }
    }
    if similarities.is_empty() {
        return Ft::none();
    }
    let score = similarities.iter().sum::<f64>() / (similarities.len() as f64).max(1.0);
    let detail = explain.then(|| {
        let mapping: Vec<String> = tokens.iter().map(|(a, b)| format!("{a} -> {b}")).collect();
        format!("Matched {} tokens: {}", tokens.len(), mapping.join(", "))
    });
    Ft::new(score, detail)
}

pub(crate) fn soundex_name_parts(query: &NkPrepared, result: &NkPrepared, explain: bool) -> Ft {
    let q: BTreeSet<String> = query.name_words.iter().map(|w| soundex_token(w)).collect();
    let r: BTreeSet<String> = result.name_words.iter().map(|w| soundex_token(w)).collect();
    let overlap: Vec<&String> = q.intersection(&r).collect();
    if overlap.is_empty() {
        return Ft::none();
    }
    let min_len = q.len().min(r.len());
    let score = overlap.len() as f64 / (min_len as f64).max(1.0);
    let detail = explain.then(|| {
        let codes: Vec<&str> = overlap.iter().map(|s| s.as_str()).collect();
        format!("Matched {} tokens: {}", overlap.len(), codes.join(", "))
    });
    Ft::new(score, detail)
}
