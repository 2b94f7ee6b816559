//! Aggregation: the weighted mean of the aligned pairs, lowered for tokens one side lacks (a
//! little: middle names go missing) and multiplied down for tokens both sides have but disagree
//! on (a lot: a different given name is a different person), for a different father in an
//! Arabic chain, for initials alone and for a gender mismatch.
//!
//! Decision: leftovers are paired up as conflicts by class before the rest count as omissions,
//! preferring partners of the same role (patronymic with patronymic), so a disagreement is
//! never hidden as two harmless omissions.

// Index loops over the score, relation and weight matrices read better than zipped iterators.
#![allow(clippy::needless_range_loop)]

use super::alignment::{find_split, Alignment, MAX_TOKENS};
use super::pairing::{typo_factor, Rel};
use crate::name::NameRole;
use crate::params::NameParams;
use crate::tables::Tables;
use crate::{Name, NameKind, Token, TokenClass};

/// A given name against a surname counts little (`cross_role`), where both names say which
/// word is which: "Donald G. Davis" / "David GUBERMAN" share no given name and no surname. A
/// given-name variant (a name group: David / Davis) is unaligned across roles, since a surname
/// is no one's pet name; other pairs count `cross_role` times their score.
pub(super) fn weigh_cross_role_pairs(t: &mut Alignment<'_>) {
    let (row_name, col_name) = if t.swap { (t.b, t.a) } else { (t.a, t.b) };
    let crossed = |i: usize, j: usize| {
        matches!(
            (row_name.roles.get(i).copied(), col_name.roles.get(j).copied()),
            (Some(NameRole::Given), Some(NameRole::Surname)) | (Some(NameRole::Surname), Some(NameRole::Given))
        )
    };
    // only one pair across roles: when several are, the readings of the roles disagree (a name
    // assembled from parts written in capitals), not the people
    let mut only: Option<(usize, usize)> = None;
    for i in 0..t.n {
        if let Some(j) = t.aligned[i].filter(|&j| crossed(i, j)) {
            if only.is_some() {
                return;
            }
            only = Some((i, j));
        }
    }
    let Some((i, j)) = only else { return };
    if t.rel[i][j] == Rel::Equivalent {
        t.aligned[i] = None;
    } else {
        t.score[i][j] *= t.names.params.cross_role;
    }
}

/// Unaligns each initial whose name has a word left without a partner (`initial_needs_rest`):
/// an initial is evidence only when the rest of its name agrees. "J. Smith" / "John Smith"
/// keeps J~John; in "Jon C. Porter" / "Cheng Yun", Porter has no partner, so C~Cheng goes and
/// C and Cheng are weighed as leftovers (a conflict) instead.
pub(super) fn drop_unsupported_initials(t: &mut Alignment<'_>) {
    let (n, m) = (t.n, t.m);
    let mut col_used = [false; MAX_TOKENS];
    for j in t.aligned[..n].iter().flatten() {
        col_used[*j] = true;
    }
    // a word left over, or two initials: one unexplained middle initial is routine (J. R. Smith
    // / John Smith), two say the initials are someone else's (LLS Mark / Mark Law)
    let mut row_left = [0usize; 2];
    for i in (0..n).filter(|&i| t.aligned[i].is_none()) {
        match t.rows[i].class {
            TokenClass::Word => row_left[0] += 1,
            TokenClass::Initial => row_left[1] += 1,
            _ => {}
        }
    }
    let mut col_left = [0usize; 2];
    for j in (0..m).filter(|&j| !col_used[j]) {
        match t.cols[j].class {
            TokenClass::Word => col_left[0] += 1,
            TokenClass::Initial => col_left[1] += 1,
            _ => {}
        }
    }
    let row_word_left = row_left[0] > 0 || row_left[1] >= 2;
    let col_word_left = col_left[0] > 0 || col_left[1] >= 2;
    for i in 0..n {
        let Some(j) = t.aligned[i] else { continue };
        let (r, c) = (t.rows[i].class, t.cols[j].class);
        let unsupported = (r == TokenClass::Initial && c == TokenClass::Word && row_word_left)
            || (c == TokenClass::Initial && r == TokenClass::Word && col_word_left);
        if unsupported {
            t.aligned[i] = None;
        }
    }
}

/// What the aggregate found, for the score and the explanation.
pub(super) struct Tally {
    /// The score before the fallbacks.
    pub score: f32,
    pub gender_mismatch: bool,
    /// A surname aligned with its other gender's form.
    pub gender_form: bool,
    pub father_differs: bool,
    /// A single given name is all the names share (`single_given_cap` applied).
    pub single_word: bool,
    /// Two patronymics aligned as a close spelling that name different fathers.
    pub patronymic_differs: bool,
    /// One word written in two pieces: (pieces are rows, first piece, the whole word, similarity).
    pub split: Option<(bool, usize, usize, f32)>,
    /// (row, column) pairs that disagree.
    pub conflicts: [(usize, usize); MAX_TOKENS],
    pub n_conflicts: usize,
    /// Tokens only one side has (true = a row token, false = a column token).
    pub omitted: [(bool, usize); 2 * MAX_TOKENS],
    pub n_omitted: usize,
}

/// Aggregates an alignment into a score (see the module doc).
pub(super) fn aggregate(t: &Alignment<'_>) -> Tally {
    let p = &t.names.params;
    let Alignment { a, b, rows, cols, swap, n, m, org, ref score, ref rel, ref weight, aligned, .. } = *t;
    let mut num = 0f32;
    let mut den = 0f32;
    let mut col_used = [false; MAX_TOKENS];
    let mut n_aligned_words = 0;
    let mut gender_form = false;
    let mut penalty = 1f32;
    // aligned pairs that are evidence: two words, or an initial and a word
    let mut n_supporting = 0;
    let mut supporting_given = false;
    let mut patronymic_differs = false;
    for i in 0..n {
        if let Some(j) = aligned[i] {
            col_used[j] = true;
            num += weight[i][j] * score[i][j];
            den += weight[i][j];
            if rows[i].class == TokenClass::Word && cols[j].class == TokenClass::Word {
                n_aligned_words += 1;
            }
            if matches!(rows[i].class, TokenClass::Word | TokenClass::Initial)
                && matches!(cols[j].class, TokenClass::Word | TokenClass::Initial)
            {
                n_supporting += 1;
                supporting_given = rows[i].known_given || cols[j].known_given;
            }
            match rel[i][j] {
                Rel::GenderForm => gender_form = true,
                // two fathers' names: a different patronymic is a different person
                Rel::Typo
                    if rows[i].patronymic
                        && cols[j].patronymic
                        && score[i][j] / p.typo_scale < p.patronymic_min_similarity =>
                {
                    patronymic_differs = true;
                    penalty *= p.conflict;
                }
                // a distant spelling is partly a disagreement: Sancho/Sanchez, Navros/Lavrov
                Rel::Typo => {
                    let sim = score[i][j] / p.typo_scale;
                    penalty *= typo_factor(p, sim, &rows[i], &cols[j]);
                }
                _ => {}
            }
        }
    }
    // Arabic chains: "X bin Y" names Y as the father; another father is another person
    let mut father_differs = false;
    if let (Some(fa), Some(fb)) = (a.father, b.father) {
        let (fr, fc) = if swap { (fb, fa) } else { (fa, fb) };
        // only when both fathers' names appear on the other side, in another place
        if fr < n && fc < m && aligned[fr].is_some() && col_used[fc] && aligned[fr] != Some(fc) {
            father_differs = true;
            penalty *= p.conflict;
        }
    }
    // leftovers: pair them up as conflicts by class, the rest are omissions
    let mut left_cols = [false; MAX_TOKENS];
    for j in 0..m {
        left_cols[j] = !col_used[j];
    }
    let mut left_rows = [false; MAX_TOKENS];
    for i in 0..n {
        left_rows[i] = aligned[i].is_none();
    }
    // one word written in two pieces on one side (Patr ushev / Patrushev): join neighbours
    let mut split: Option<(bool, usize, usize, f32)> = None;
    if let Some((k, o, sim)) = find_split(p, rows, cols, &mut left_rows, &mut left_cols) {
        split = Some((true, k, o, sim));
    } else if let Some((k, o, sim)) = find_split(p, cols, rows, &mut left_cols, &mut left_rows) {
        split = Some((false, k, o, sim));
    }
    if let Some((is_row, _, o, sim)) = split {
        let w = if is_row { cols[o].weight } else { rows[o].weight };
        num += w * p.split_scale * sim;
        den += w;
        n_aligned_words += 1;
        n_supporting += 1;
    }
    // (row, col) conflicts and omitted tokens (true = a row token, false = a column token)
    let mut conflicts = [(0usize, 0usize); MAX_TOKENS];
    let mut n_conflicts = 0;
    let mut omitted = [(false, 0usize); 2 * MAX_TOKENS];
    let mut n_omitted = 0;
    for i in 0..n {
        if !left_rows[i] {
            continue;
        }
        // prefer a partner of the same role (patronymic with patronymic)
        let partner = (0..m)
            .filter(|&j| left_cols[j] && conflicting(&rows[i], &cols[j]))
            .max_by_key(|&j| (rows[i].patronymic == cols[j].patronymic) as u8 * 2 + (j == i) as u8);
        match partner {
            Some(j) => {
                left_cols[j] = false;
                penalty *= conflict_factor(p, &rows[i], &cols[j]);
                conflicts[n_conflicts] = (i, j);
                n_conflicts += 1;
            }
            None => {
                omitted[n_omitted] = (true, i);
                n_omitted += 1;
            }
        }
    }
    for j in 0..m {
        if left_cols[j] {
            omitted[n_omitted] = (false, j);
            n_omitted += 1;
        }
    }
    let omit_factor = if org { p.omit_org } else { p.omit_person };
    // with two or more words agreeing, a missing middle name is routine
    let omit_factor = if !org && n_aligned_words >= 2 { p.omit_person_corroborated } else { omit_factor };
    // "President Erdogan": a title and one word name someone by surname on purpose; the other
    // name's given names are not missing, only unsaid
    let titled = |x: &Name, y: &Name| {
        x.kind != NameKind::Organization
            && word_count(x) == 1
            && word_count(y) >= 2
            && titled_surname(&t.names.tables, x)
    };
    let (titled_row, titled_col) = if swap { (titled(b, a), titled(a, b)) } else { (titled(a, b), titled(b, a)) };
    let titled_surname_aligned = n_aligned_words == 1
        && ((titled_row && aligned_to_end(rows, cols, &aligned, true))
            || (titled_col && aligned_to_end(rows, cols, &aligned, false)));
    let tok = |(is_row, k): (bool, usize)| if is_row { &rows[k] } else { &cols[k] };
    for &o in &omitted[..n_omitted] {
        let t = tok(o);
        let f = match t.class {
            // a country in one company name only: a national subsidiary
            TokenClass::Word if t.place => p.omit_place,
            TokenClass::Word if titled_surname_aligned => p.omit_after_title,
            TokenClass::Word => omit_factor,
            // a series number in one company name only: another fund, trust or vehicle
            TokenClass::Number if org => p.omit_number_org,
            TokenClass::Number => p.omit_number,
            // org-name symbols (Trust, Systems, Holding) say what the company is
            TokenClass::Legal if t.symbol && t.weight >= p.heavy_symbol_weight => omit_factor,
            TokenClass::Legal if t.symbol => p.omit_light_symbol,
            _ => p.omit_other,
        };
        den += f * t.weight;
    }
    let mut base = if den > 0.0 { num / den } else { 0.0 };
    if n_aligned_words == 0 && word_count(a) > 0 && word_count(b) > 0 {
        base *= p.no_word_aligned;
    }
    let mut score_v = base * penalty;
    // initials alone (N. N.) say little about whose they are
    let initials_only = |x: &Name| word_count(x) == 0 && x.parts.iter().any(|t| t.class == TokenClass::Initial);
    if (initials_only(a) && word_count(b) > 0) || (initials_only(b) && word_count(a) > 0) {
        score_v = score_v.min(p.initials_only_cap);
    }
    // one given name in common among several words is weak evidence; a title and a surname
    // (President Erdogan) say on purpose all they mean to
    let single_word = !org
        && supporting_given
        && n_supporting == 1
        && word_count(a).max(word_count(b)) >= 2
        && !titled_surname_aligned
        && score_v > p.single_given_cap;
    if single_word {
        score_v = p.single_given_cap;
    }
    let (ga, gb) = if p.slavic_gender_only > 0.0 { (a.gender_strict, b.gender_strict) } else { (a.gender, b.gender) };
    let gender_mismatch = matches!((ga, gb), (Some(x), Some(y)) if x != y);
    if gender_mismatch {
        score_v *= p.gender_mismatch;
    }
    Tally {
        score: score_v,
        gender_mismatch,
        gender_form,
        father_differs,
        single_word,
        patronymic_differs,
        split,
        conflicts,
        n_conflicts,
        omitted,
        n_omitted,
    }
}

/// Whether `name` is a title followed by one word (Mr. Smith, President Erdogan).
fn titled_surname(tables: &Tables, name: &Name) -> bool {
    let norm = crate::normalize::normalize(&name.raw);
    let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
    let first = &tables.person_prefix_first;
    words.len() >= 2
        && first.contains(words[0])
        && tables.person_prefixes.iter().any(|p| p.len() < words.len() && p.iter().zip(&words).all(|(x, y)| x == y))
}

/// Whether the one aligned word of the titled side (`rows` when `titled_rows`) is aligned with
/// the first or last word of the other side (where surnames are written).
fn aligned_to_end(rows: &[Token], cols: &[Token], aligned: &[Option<usize>; MAX_TOKENS], titled_rows: bool) -> bool {
    let ends = |side: &[Token], k: usize| {
        let words: Vec<usize> = (0..side.len()).filter(|&i| side[i].class == TokenClass::Word).collect();
        words.first() == Some(&k) || words.last() == Some(&k)
    };
    (0..rows.len()).any(|i| match aligned[i] {
        Some(j) if rows[i].class == TokenClass::Word && cols[j].class == TokenClass::Word => {
            if titled_rows {
                ends(cols, j)
            } else {
                ends(rows, i)
            }
        }
        _ => false,
    })
}

pub(super) fn word_count(n: &Name) -> usize {
    n.parts.iter().filter(|t| t.class == TokenClass::Word).count()
}

fn conflicting(a: &Token, b: &Token) -> bool {
    use TokenClass::*;
    matches!(
        (a.class, b.class),
        (Word, Word) | (Word, Initial) | (Initial, Word) | (Initial, Initial) | (Legal, Legal) | (Number, Number)
    )
}

fn conflict_factor(p: &NameParams, a: &Token, b: &Token) -> f32 {
    use TokenClass::*;
    match (a.class, b.class) {
        (Word, Word) => p.conflict,
        (Legal, Legal)
            if (a.symbol && a.weight >= p.heavy_symbol_weight) || (b.symbol && b.weight >= p.heavy_symbol_weight) =>
        {
            p.conflict
        }
        (Legal, Legal) if a.symbol || b.symbol => p.conflict_symbol,
        (Legal, Legal) => p.conflict_legal,
        (Number, Number) => p.conflict_number,
        _ => p.conflict_initial,
    }
}
