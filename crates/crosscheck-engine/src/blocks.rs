//! Candidate pairs of a cross-reference: entities that share a key of the candidate index (a
//! name token in any script, a name token with a birth year, an identifier, a linked record), so
//! that only entities with something in common are ever scored against each other.
//!
//! **Frequent keys.** A block of `n` entities holds `n (n - 1) / 2` pairs: 50,000 "Ivanov" would
//! be over a billion. A block of at most [`PairRules::block_limit`] entities gives all its pairs;
//! a larger one is read as a *sorted neighbourhood*: its dated members are ordered by birth date,
//! and each is paired with the next [`PairRules::window`] (a typo in the day stays near), and
//! with every member born the same day when they are at most `block_limit` (two Ivanovs born the
//! same day are always paired). Members without a birth date pair in a large block with nobody:
//! only their rarer keys (the other words of their name, an identifier) bring them candidates.
//! The people whom a frequent word alone would pair are the namesakes the birth date tells apart,
//! and the `y:` keys (a name word with the birth year, about seventy times rarer) already pair
//! those born in the same year.
//!
//! Pairs come as `(a, b)` with `a < b` in the caller's numbering; one pair may come from several
//! blocks (two shared words), so the caller dedupes. In link mode ([`Block::right`]) only pairs
//! across the two sides are made.

use std::ops::Range;

/// How a block's pairs are chosen (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairRules {
    /// The largest block paired whole.
    pub block_limit: usize,
    /// How many neighbours in birth-date order each member of a larger block is paired with.
    pub window: usize,
}

impl Default for PairRules {
    /// A block of up to 64 gives at most 2,016 pairs; a sorted neighbourhood of 4 catches a
    /// mistyped day (dates are compared as numbers, yyyymmdd) without pairing a whole year.
    fn default() -> Self {
        PairRules { block_limit: 64, window: 4 }
    }
}

/// The entities of one block, each with its birth date as a sortable number (`yyyymmdd`, a month
/// or day not known being 0; 0 when no birth date is known). `left` is ascending; in link mode
/// `right` holds the other side's members, ascending and numbered above every left one.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    pub left: &'a [(u32, u32)],
    pub right: Option<&'a [(u32, u32)]>,
}

/// What [`Block::pairs`] did with a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Fewer than two members (or one side empty): nothing to pair.
    Empty,
    /// Paired whole.
    Whole,
    /// Too large to pair whole: a sorted neighbourhood.
    Sorted,
}

impl Block<'_> {
    /// Calls `f(a, b)` with the block's pairs whose smaller member is in `range`, and says how
    /// the block was read. `scratch` is reused between calls.
    pub fn pairs(
        &self,
        rules: PairRules,
        range: &Range<u32>,
        scratch: &mut Vec<(u32, u32, bool)>,
        f: &mut impl FnMut(u32, u32),
    ) -> Shape {
        let limit = rules.block_limit.max(2);
        match self.right {
            None => {
                let members = self.left;
                if members.len() < 2 {
                    return Shape::Empty;
                }
                if members.len() <= limit {
                    let from = members.partition_point(|&(e, _)| e < range.start);
                    for (i, &(a, _)) in members.iter().enumerate().skip(from) {
                        if a >= range.end {
                            break;
                        }
                        members[i + 1..].iter().for_each(|&(b, _)| f(a, b));
                    }
                    return Shape::Whole;
                }
                scratch.clear();
                scratch.extend(members.iter().filter(|m| m.1 != 0).map(|&(e, birth)| (birth, e, false)));
            }
            Some(right) => {
                let left = self.left;
                if left.is_empty() || right.is_empty() {
                    return Shape::Empty;
                }
                // the same cost as a whole block of `limit` in dedupe
                if left.len() * right.len() <= limit * (limit - 1) / 2 {
                    let from = left.partition_point(|&(e, _)| e < range.start);
                    for &(a, _) in &left[from..] {
                        if a >= range.end {
                            break;
                        }
                        right.iter().for_each(|&(b, _)| f(a, b));
                    }
                    return Shape::Whole;
                }
                scratch.clear();
                scratch.extend(left.iter().filter(|m| m.1 != 0).map(|&(e, birth)| (birth, e, false)));
                scratch.extend(right.iter().filter(|m| m.1 != 0).map(|&(e, birth)| (birth, e, true)));
            }
        }
        let link = self.right.is_some();
        scratch.sort_unstable();
        let mut emit = |x: (u32, u32, bool), y: (u32, u32, bool)| {
            if link && x.2 == y.2 {
                return;
            }
            let (a, b) = if x.1 < y.1 { (x.1, y.1) } else { (y.1, x.1) };
            if range.contains(&a) {
                f(a, b);
            }
        };
        let sorted = &scratch[..];
        let mut run_start = 0;
        for k in 0..sorted.len() {
            for &next in sorted.iter().skip(k + 1).take(rules.window) {
                emit(sorted[k], next);
            }
            // at the end of a run of one birth date, its members are paired with each other
            let run_ends = k + 1 == sorted.len() || sorted[k + 1].0 != sorted[k].0;
            if run_ends {
                let run = &sorted[run_start..=k];
                // a date known only to the year or month is no day to share
                let full_date = !sorted[k].0.is_multiple_of(100);
                if full_date && run.len() > rules.window + 1 && run.len() <= limit {
                    for (i, &x) in run.iter().enumerate() {
                        // the window already paired each with its next `window`
                        run[i + 1..].iter().skip(rules.window).for_each(|&y| emit(x, y));
                    }
                }
                run_start = k + 1;
            }
        }
        Shape::Sorted
    }
}

/// A birth date as [`Block`] sorts it: `yyyymmdd`, with 0 for a month or day not known; 0 when
/// the text is no ISO date (stored dates are cleaned to ISO: `1975`, `1975-03`, `1975-03-02`).
pub fn birth_number(iso: &str) -> u32 {
    let mut parts = iso.splitn(3, '-');
    let mut number = |len: usize, max: u32| -> Option<u32> {
        let part = parts.next()?;
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
            .filter(|&n| n <= max)
    };
    let Some(year) = number(4, 9999) else { return 0 };
    let month = number(2, 12).unwrap_or(0);
    let day = if month == 0 { 0 } else { number(2, 31).unwrap_or(0) };
    year * 10_000 + month * 100 + day
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn collect(block: Block, rules: PairRules, range: Range<u32>) -> (BTreeSet<(u32, u32)>, Shape) {
        let mut pairs = BTreeSet::new();
        let shape = block.pairs(rules, &range, &mut Vec::new(), &mut |a, b| {
            assert!(a < b, "pairs come ordered");
            assert!(pairs.insert((a, b)), "a block gives a pair once");
        });
        (pairs, shape)
    }

    const ALL: Range<u32> = 0..u32::MAX;

    #[test]
    fn a_small_block_gives_every_pair_once() {
        let members = [(1, 0), (4, 19700501), (9, 0)];
        let (pairs, shape) = collect(Block { left: &members, right: None }, PairRules::default(), ALL);
        assert_eq!(shape, Shape::Whole);
        assert_eq!(pairs, BTreeSet::from([(1, 4), (1, 9), (4, 9)]));
    }

    #[test]
    fn a_range_keeps_the_pairs_whose_smaller_member_is_in_it() {
        let members = [(1, 0), (4, 0), (9, 0)];
        let (pairs, _) = collect(Block { left: &members, right: None }, PairRules::default(), 2..5);
        assert_eq!(pairs, BTreeSet::from([(4, 9)]));
        let rules = PairRules { block_limit: 2, window: 1 };
        let dated = [(1, 19700101), (4, 19700102), (9, 19700103)];
        let (pairs, _) = collect(Block { left: &dated, right: None }, rules, 2..5);
        assert_eq!(pairs, BTreeSet::from([(4, 9)]));
    }

    #[test]
    fn a_large_block_pairs_neighbours_in_birth_date_order_and_everyone_born_the_same_day() {
        let rules = PairRules { block_limit: 5, window: 1 };
        // six "Ivanovs": three born 1970-05-01, one a day later, one in 1988, one undated
        let members = [(0, 19700501), (1, 19880101), (2, 19700501), (3, 0), (4, 19700502), (5, 19700501)];
        let (pairs, shape) = collect(Block { left: &members, right: None }, rules, ALL);
        assert_eq!(shape, Shape::Sorted);
        for same_day in [(0, 2), (0, 5), (2, 5)] {
            assert!(pairs.contains(&same_day), "born the same day: {same_day:?} in {pairs:?}");
        }
        assert!(pairs.contains(&(4, 5)), "a day apart and next in order: {pairs:?}");
        assert!(!pairs.iter().any(|&(a, b)| a == 3 || b == 3), "the undated one pairs with nobody here: {pairs:?}");
        assert!(!pairs.contains(&(0, 1)), "eighteen years apart: {pairs:?}");
        assert!(pairs.len() <= 6, "a sorted neighbourhood, not every pair: {pairs:?}");
    }

    #[test]
    fn a_run_of_one_year_is_no_shared_day() {
        let rules = PairRules { block_limit: 4, window: 1 };
        let members: Vec<(u32, u32)> = (0..5).map(|e| (e, 19700000)).collect();
        let (pairs, _) = collect(Block { left: &members, right: None }, rules, ALL);
        assert_eq!(pairs.len(), 4, "only neighbours: {pairs:?}");
    }

    #[test]
    fn link_mode_pairs_only_across_the_two_sides() {
        let left = [(0, 19700501), (1, 19700501)];
        let right = [(10, 19700501), (11, 0)];
        let (pairs, _) = collect(Block { left: &left, right: Some(&right) }, PairRules::default(), ALL);
        assert_eq!(pairs, BTreeSet::from([(0, 10), (0, 11), (1, 10), (1, 11)]));
        let rules = PairRules { block_limit: 2, window: 3 };
        let (pairs, shape) = collect(Block { left: &left, right: Some(&right) }, rules, ALL);
        assert_eq!(shape, Shape::Sorted);
        assert_eq!(pairs, BTreeSet::from([(0, 10), (1, 10)]), "never (0, 1), never the undated one");
        let (_, shape) = collect(Block { left: &left, right: Some(&[]) }, rules, ALL);
        assert_eq!(shape, Shape::Empty);
    }

    #[test]
    fn birth_numbers_sort_as_dates() {
        for (iso, number) in [
            ("1970-05-01", 19700501),
            ("1970-05", 19700500),
            ("1970", 19700000),
            ("", 0),
            ("May 1970", 0),
            ("1970-13-01", 19700000),
        ] {
            assert_eq!(birth_number(iso), number, "{iso}");
        }
    }
}
