//! Alignment: the token-pair score, relation and weight matrices of two names, and the optimal
//! one-to-one assignment over them (exhaustive over subsets of the shorter side, which has at
//! most 8 tokens in practice; greedy beyond), maximising rarity-weighted pair scores.
//!
//! Decision: the matrices are fixed-size arrays of [`MAX_TOKENS`] (tokens past it are ignored),
//! kept on the stack: comparing one name against many candidates allocates nothing here.

// Index loops over the score, relation and weight matrices read better than zipped iterators.
#![allow(clippy::needless_range_loop)]

use super::pairing::{pair_cheap, pair_fuzzy, Rel};
use crate::key::key_similarity;
use crate::params::NameParams;
use crate::{Name, NameKind, Names, Token, TokenClass};

/// Tokens of a name the score looks at (the rest are ignored).
pub(crate) const MAX_TOKENS: usize = 12;

/// Two names' tokens side by side: rows are the longer side, columns the shorter (the
/// assignment enumerates column subsets); `swap` says rows are `b`'s.
pub(super) struct Alignment<'n> {
    pub names: &'n Names,
    pub a: &'n Name,
    pub b: &'n Name,
    pub rows: &'n [Token],
    pub cols: &'n [Token],
    pub swap: bool,
    pub n: usize,
    pub m: usize,
    /// Either name is an organisation's.
    pub org: bool,
    pub score: [[f32; MAX_TOKENS]; MAX_TOKENS],
    pub rel: [[Rel; MAX_TOKENS]; MAX_TOKENS],
    pub weight: [[f32; MAX_TOKENS]; MAX_TOKENS],
    /// For each row, its aligned column.
    pub aligned: [Option<usize>; MAX_TOKENS],
}

/// Two names' tokens as rows and columns, empty matrices: what [`align`] fills in place.
///
/// Decision: the caller holds the result in its own frame and [`align`] writes into it,
/// because returning the three matrices by value cost a 1.3 KB copy per pair.
pub(super) fn unaligned<'n>(names: &'n Names, a: &'n Name, b: &'n Name) -> Alignment<'n> {
    let (pa, pb) = (&a.parts[..a.parts.len().min(MAX_TOKENS)], &b.parts[..b.parts.len().min(MAX_TOKENS)]);
    // rows = the longer side, columns = the shorter (the DP enumerates column subsets)
    let swap = pb.len() > pa.len();
    let (rows, cols) = if swap { (pb, pa) } else { (pa, pb) };
    Alignment {
        names,
        a,
        b,
        rows,
        cols,
        swap,
        n: rows.len(),
        m: cols.len(),
        org: a.kind == NameKind::Organization || b.kind == NameKind::Organization,
        score: [[0f32; MAX_TOKENS]; MAX_TOKENS],
        rel: [[Rel::None; MAX_TOKENS]; MAX_TOKENS],
        weight: [[0f32; MAX_TOKENS]; MAX_TOKENS],
        aligned: [None; MAX_TOKENS],
    }
}

/// Scores every token pair of `t`'s names and aligns them.
#[inline]
pub(super) fn align(t: &mut Alignment<'_>) {
    let (names, rows, cols, n, m, org) = (t.names, t.rows, t.cols, t.n, t.m, t.org);
    let p = &names.params;
    let Alignment { score, rel, weight, .. } = t;
    // rules first; the edit similarity only where a rule did not decide and the two tokens do
    // not both already have a near-perfect partner (it could not change the alignment)
    let mut undecided = [[false; MAX_TOKENS]; MAX_TOKENS];
    let mut row_strong = [false; MAX_TOKENS];
    let mut col_strong = [false; MAX_TOKENS];
    for i in 0..n {
        for j in 0..m {
            match pair_cheap(names, &rows[i], &cols[j], org) {
                Some((s, r)) => {
                    score[i][j] = s;
                    rel[i][j] = r;
                    if s >= p.strong_pair {
                        row_strong[i] = true;
                        col_strong[j] = true;
                    }
                }
                None => undecided[i][j] = true,
            }
        }
    }
    for i in 0..n {
        for j in 0..m {
            if undecided[i][j] && !(row_strong[i] && col_strong[j]) {
                let (s, r) = pair_fuzzy(p, &rows[i], &cols[j]);
                score[i][j] = s;
                rel[i][j] = r;
            }
            // the lighter token decides: an initial aligned with a full name counts as an initial
            weight[i][j] = rows[i].weight.min(cols[j].weight);
        }
    }
    // one word written in two pieces on one side (Mohammad Hasni / Mohammadhasni): keep the
    // pieces from aligning alone with the whole word, so that the split below joins them
    hold_split_pieces(p, rows, cols, (&row_strong, &col_strong), score, false);
    hold_split_pieces(p, cols, rows, (&col_strong, &row_strong), score, true);
    t.aligned = assign(&t.score, &t.weight, n, m);
}

/// Optimal assignment maximising Σ score·weight; returns, for each row, the aligned column.
#[inline]
fn assign(
    score: &[[f32; MAX_TOKENS]; MAX_TOKENS],
    weight: &[[f32; MAX_TOKENS]; MAX_TOKENS],
    n: usize,
    m: usize,
) -> [Option<usize>; MAX_TOKENS] {
    let mut best = [None; MAX_TOKENS];
    if m <= 8 && n <= MAX_TOKENS {
        // DP over rows, state = set of used columns
        let states = 1usize << m;
        let size = (n + 1) * states;
        // small problems (the usual 2-4 tokens) stay on the stack
        let mut dp_stack = [f32::NEG_INFINITY; 256];
        let mut choice_stack = [u8::MAX; 256];
        let mut dp_heap = Vec::new();
        let mut choice_heap = Vec::new();
        let (dp, choice): (&mut [f32], &mut [u8]) = if size <= 256 {
            (&mut dp_stack[..size], &mut choice_stack[..size])
        } else {
            dp_heap.resize(size, f32::NEG_INFINITY);
            choice_heap.resize(size, u8::MAX);
            (&mut dp_heap[..], &mut choice_heap[..])
        };
        dp[0] = 0.0;
        for i in 0..n {
            for mask in 0..states {
                let cur = dp[i * states + mask];
                if cur == f32::NEG_INFINITY {
                    continue;
                }
                // leave row i unaligned
                let next = (i + 1) * states + mask;
                if cur > dp[next] {
                    dp[next] = cur;
                    choice[next] = u8::MAX;
                }
                for j in 0..m {
                    if mask & (1 << j) != 0 || score[i][j] <= 0.0 {
                        continue;
                    }
                    let v = cur + score[i][j] * weight[i][j];
                    let next = (i + 1) * states + (mask | (1 << j));
                    if v > dp[next] {
                        dp[next] = v;
                        choice[next] = j as u8;
                    }
                }
            }
        }
        let (mut mask, _) = (0..states).map(|s| (s, dp[n * states + s])).fold((0, f32::NEG_INFINITY), |acc, x| {
            if x.1 > acc.1 {
                x
            } else {
                acc
            }
        });
        for i in (0..n).rev() {
            let c = choice[(i + 1) * states + mask];
            if c != u8::MAX {
                best[i] = Some(c as usize);
                mask &= !(1 << c);
            }
        }
        return best;
    }
    // greedy for long names
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for i in 0..n {
        for j in 0..m {
            if score[i][j] > 0.0 {
                pairs.push((score[i][j] * weight[i][j], i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut used = [false; MAX_TOKENS];
    for (_, i, j) in pairs {
        if best[i].is_none() && !used[j] {
            best[i] = Some(j);
            used[j] = true;
        }
    }
    best
}

/// Two neighbouring unaligned words of `side` that together spell an unaligned word of `other`.
pub(super) fn find_split(
    p: &NameParams,
    side: &[Token],
    other: &[Token],
    left_side: &mut [bool],
    left_other: &mut [bool],
) -> Option<(usize, usize, f32)> {
    for k in 0..side.len().saturating_sub(1) {
        if !(left_side[k] && left_side[k + 1])
            || side[k].class != TokenClass::Word
            || side[k + 1].class != TokenClass::Word
        {
            continue;
        }
        let (x, y) = (side[k].key.as_str(), side[k + 1].key.as_str());
        // quick length test before building the joined key
        if !(0..other.len()).any(|o| left_other[o] && other[o].key.len().abs_diff(x.len() + y.len()) <= 2) {
            continue;
        }
        let joined = format!("{x}{y}");
        let best = (0..other.len())
            .filter(|&o| left_other[o] && other[o].class == TokenClass::Word)
            .filter(|&o| !(other[o].patronymic && (side[k].known_given || side[k + 1].known_given)))
            .map(|o| (o, key_similarity(&joined, &other[o].key, p.split_similarity)))
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((o, sim)) = best.filter(|(_, sim)| *sim >= p.split_similarity) {
            left_side[k] = false;
            left_side[k + 1] = false;
            left_other[o] = false;
            return Some((k, o, sim));
        }
    }
    None
}

/// Makes neighbouring words of `side` that together spell a word of `other` (which no token
/// matches closely) unable to align alone with it. `strong`: which tokens of `side` and `other`
/// have a near-perfect partner (they are no pieces). `transposed`: `side` indexes the columns.
fn hold_split_pieces(
    p: &NameParams,
    side: &[Token],
    other: &[Token],
    strong: (&[bool; MAX_TOKENS], &[bool; MAX_TOKENS]),
    score: &mut [[f32; MAX_TOKENS]; MAX_TOKENS],
    transposed: bool,
) {
    let at = |score: &[[f32; MAX_TOKENS]; MAX_TOKENS], k: usize, o: usize| {
        if transposed {
            score[o][k]
        } else {
            score[k][o]
        }
    };
    for k in 0..side.len().saturating_sub(1) {
        if side[k].class != TokenClass::Word || side[k + 1].class != TokenClass::Word || strong.0[k] || strong.0[k + 1]
        {
            continue;
        }
        let (x, y) = (side[k].key.as_str(), side[k + 1].key.as_str());
        for o in 0..other.len() {
            if other[o].class != TokenClass::Word
                || strong.1[o]
                || other[o].key.len().abs_diff(x.len() + y.len()) > 2
                || at(score, k, o) >= p.strong_pair
                || at(score, k + 1, o) >= p.strong_pair
                || (other[o].patronymic && (side[k].known_given || side[k + 1].known_given))
            {
                continue;
            }
            let joined = format!("{x}{y}");
            if key_similarity(&joined, &other[o].key, p.split_similarity) >= p.split_similarity {
                for piece in [k, k + 1] {
                    if transposed {
                        score[o][piece] = 0.0;
                    } else {
                        score[piece][o] = 0.0;
                    }
                }
            }
        }
    }
}
