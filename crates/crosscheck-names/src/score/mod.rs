//! The name score: token-pair scores, an optimal one-to-one alignment, and the aggregate.
//!
//! The modules follow the data's path: `pairing` scores every token pair (rules first, the edit
//! similarity only where no rule decides), `alignment` picks the one-to-one pairs, `aggregation`
//! turns aligned pairs, conflicts and omissions into a score, `fallbacks` tries what token
//! alignment cannot see (joined spellings, abbreviations, Han and Hangul readings), and
//! `explanation` writes the sentence. [`compare`] wires them together.
//!
//! Decisions and reasons (numbers are calibrated so that the match scorer's 0.7 line separates
//! "same person, written differently" from "different person"):
//! - Pair scores are capped below 1.0 unless the tokens are identical, so a score of exactly 1.0
//!   means "the same normalised name" and everything else ranks below it.
//! - Alignment is an optimal assignment (exhaustive over subsets of the shorter side, which has
//!   at most 8 tokens in practice; greedy beyond), maximising rarity-weighted pair scores.
//! - Missing tokens cost little for people (a middle name or patronymic is often left out) but
//!   more for organisations (an extra word usually names a sister company). Tokens both sides
//!   have but that disagree multiply the score down: one conflicting given name, surname or
//!   patronymic takes a perfect pair from 1.0 to about 0.55, however many other tokens agree,
//!   because that is what separates "Sergey Viktorovich Lavrov" from "Sergey Ivanovich Lavrov".
//! - Gender: gendered forms of one surname align (Ivanov/Ivanova), but when the two names point
//!   to different genders the score is multiplied by 0.7.
//! - Given names in the other gender's form are two names (Michel / Michelle, Angelo / Angela);
//!   a close spelling whose first consonants differ counts less (Lavrov / Navros: slips rarely
//!   hit the first letter); a word whose letters are scrambled aligns at 0.75 (Nitup / Putin).
//! - A name of initials only (N. N.) scores at most 0.6; a title and one word (President
//!   Macron) names someone by surname, so the other side's given names cost little.
//! - Arabic, Hebrew, Khmer, Thai and Indic words also align with the Latin spellings Wikidata
//!   gives them (`script_pairs.tsv`), since their romanisation loses the vowels.
//! - Fallbacks catch what token alignment cannot: a name written without spaces
//!   ("SergeiLavrov") compared on joined keys, an abbreviation ("PLA", also "PLA China")
//!   compared with the initials of the other name, and a Chinese name in Han characters read
//!   as pinyin against a Latin name (王明德 / Wang Mingde), a Korean name in Hangul likewise
//!   under a key that joins its romanisations (김정은 / Kim Jong Un).

mod aggregation;
mod alignment;
mod explanation;
mod fallbacks;
mod pairing;

use crate::{Name, Names};

/// The outcome of comparing two names.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    /// Similarity in [0, 1]; 1.0 only when the normalised names are identical.
    pub score: f64,
    /// One plain sentence: which tokens aligned and how.
    pub detail: String,
}

/// Scores two prepared names under the default context ([`Names::compare`]).
pub fn compare(a: &Name, b: &Name) -> NameMatch {
    Names::shared().compare(a, b)
}

/// [`Names::compare_score`] under the default context.
pub fn compare_score(a: &Name, b: &Name) -> f64 {
    Names::shared().compare_score(a, b)
}

/// [`Names::compare_best`] under the default context.
pub fn compare_best(a: &[Name], b: &[Name]) -> Option<(usize, usize, NameMatch)> {
    Names::shared().compare_best(a, b)
}

impl Names {
    /// Scores two prepared names. Symmetric up to ties in the alignment.
    pub fn compare(&self, a: &Name, b: &Name) -> NameMatch {
        compare_with(self, a, b, true)
    }

    /// The score of [`Names::compare`] without writing the explanation: for callers that rank
    /// many pairs and explain only the best (about a fifth cheaper).
    pub fn compare_score(&self, a: &Name, b: &Name) -> f64 {
        compare_with(self, a, b, false).score
    }

    /// The best-scoring pair among two sets of names, with the indices of the pair. Only the
    /// winning pair's explanation is written.
    pub fn compare_best(&self, a: &[Name], b: &[Name]) -> Option<(usize, usize, NameMatch)> {
        // one name a side (most pairs): the pair is the best, scored once
        if let ([na], [nb]) = (a, b) {
            return Some((0, 0, self.compare(na, nb)));
        }
        let mut best: Option<(usize, usize, f64)> = None;
        for (i, na) in a.iter().enumerate() {
            for (j, nb) in b.iter().enumerate() {
                let score = compare_with(self, na, nb, false).score;
                if best.is_none_or(|(_, _, s)| score > s) {
                    best = Some((i, j, score));
                }
            }
        }
        best.map(|(i, j, _)| (i, j, self.compare(&a[i], &b[j])))
    }
}

/// [`Names::compare`], with the explanation only when `explain` (the score is the same).
fn compare_with(names: &Names, a: &Name, b: &Name, explain: bool) -> NameMatch {
    if a.parts.is_empty() || b.parts.is_empty() {
        return NameMatch { score: 0.0, detail: "one of the names is empty".into() };
    }
    if a.norm == b.norm {
        return NameMatch { score: 1.0, detail: format!("`{}` and `{}` are the same name", a.raw, b.raw) };
    }
    let mut table = alignment::unaligned(names, a, b);
    alignment::align(&mut table);
    if names.params.slavic_gender_only > 0.0 {
        aggregation::drop_non_slavic_gender_forms(&mut table);
    }
    if names.params.cross_role < 1.0 {
        aggregation::weigh_cross_role_pairs(&mut table);
    }
    if names.params.initial_needs_rest > 0.0 {
        aggregation::drop_unsupported_initials(&mut table);
    }
    let tally = aggregation::aggregate(&table);
    let (score_v, fallback) = fallbacks::fallback(&names.params, a, b, table.org, tally.gender_mismatch, tally.score);
    let score_v = score_v.clamp(0.0, names.params.max_score) as f64;

    if !explain {
        return NameMatch { score: score_v, detail: String::new() };
    }
    NameMatch { score: score_v, detail: explanation::explain(&table, &tally, fallback) }
}
