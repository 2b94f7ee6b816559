//! Clusters of a cross-reference: which entities are one person, from the matching pairs, the
//! desk's judgements and a veto on contradictions (so that matches do not chain blindly).
//!
//! **Why this rule.** Connected components of the matching pairs chain: A~B and B~C put A and C
//! in one cluster however clearly A and C differ (two namesakes born years apart, each close to
//! a third record that gives no date). Correlation clustering would weigh every pair but is hard
//! to bound in time. So clusters are grown greedily, best pair first (ties by entity number), and
//! two clusters are joined only when *no* pair across them is a contradiction: judged
//! `different`, or scored below the floor (half the threshold: the pair is not even a possible
//! match, which a differing birth date or a different name gives). Pairs across that matched
//! are known to agree; the others are scored when the join is considered. What that costs: a join
//! of clusters of sizes `x` and `y` looks at `x · y` pairs, and each pair inside a final cluster
//! is looked at once, when its two sides are joined, so the work is the number of pairs inside
//! clusters, not of all pairs.
//!
//! Judgements come first: `same` joins the two whatever the scores (the desk has looked), then
//! the matching pairs are tried, and `different` vetoes any join that would put its two together.

use rustc_hash::{FxHashMap, FxHashSet};

/// A pair of entities, the smaller number first.
pub type Pair = (u32, u32);

/// The clusters of `n` entities.
pub struct Clusters {
    parent: Vec<u32>,
    /// The members of each cluster of two or more, by its root, ascending.
    members: FxHashMap<u32, Vec<u32>>,
    /// Joins a contradiction refused.
    pub refused: u64,
}

impl Clusters {
    /// Each of the `n` entities alone.
    pub fn singletons(n: usize) -> Clusters {
        Clusters { parent: (0..n as u32).collect(), members: FxHashMap::default(), refused: 0 }
    }

    /// The root of `e`'s cluster.
    pub fn root(&mut self, e: u32) -> u32 {
        let mut r = e;
        while self.parent[r as usize] != r {
            r = self.parent[r as usize];
        }
        let mut x = e;
        while self.parent[x as usize] != r {
            let next = self.parent[x as usize];
            self.parent[x as usize] = r;
            x = next;
        }
        r
    }

    /// The members of the cluster whose root is `root`, ascending.
    pub fn members_of_root(&self, root: u32) -> &[u32] {
        match self.members.get(&root) {
            Some(m) => m,
            None => std::slice::from_ref(&self.parent[root as usize]),
        }
    }

    /// The clusters with every entity's root found, for reading on many threads.
    pub fn settled(mut self) -> Settled {
        for e in 0..self.parent.len() as u32 {
            let root = self.root(e);
            self.parent[e as usize] = root;
        }
        Settled { root: self.parent, members: self.members }
    }

    /// How many clusters of two or more there are.
    pub fn joined(&self) -> usize {
        self.members.len()
    }

    fn join(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let take = |m: &mut FxHashMap<u32, Vec<u32>>, r: u32| m.remove(&r).unwrap_or_else(|| vec![r]);
        let (mut big, mut small) = (take(&mut self.members, ra), take(&mut self.members, rb));
        let (root, child) = if big.len() >= small.len() { (ra, rb) } else { (rb, ra) };
        if big.len() < small.len() {
            std::mem::swap(&mut big, &mut small);
        }
        self.parent[child as usize] = root;
        let mut merged = Vec::with_capacity(big.len() + small.len());
        let (mut i, mut j) = (0, 0);
        while i < big.len() && j < small.len() {
            if big[i] < small[j] {
                merged.push(big[i]);
                i += 1;
            } else {
                merged.push(small[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&big[i..]);
        merged.extend_from_slice(&small[j..]);
        self.members.insert(root, merged);
    }
}

/// Clusters that no longer change ([`Clusters::settled`]).
pub struct Settled {
    root: Vec<u32>,
    members: FxHashMap<u32, Vec<u32>>,
}

impl Settled {
    /// The members of `e`'s cluster, ascending (`e` among them).
    pub fn members(&self, e: u32) -> &[u32] {
        let root = self.root[e as usize];
        match self.members.get(&root) {
            Some(m) => m,
            None => std::slice::from_ref(&self.root[e as usize]),
        }
    }

    /// How many clusters of two or more there are.
    pub fn joined(&self) -> usize {
        self.members.len()
    }
}

/// What decides the clusters.
pub struct Evidence<'a> {
    /// The matching pairs with their scores, any order.
    pub matches: &'a [(u32, u32, f64)],
    /// Pairs judged the same person.
    pub same: &'a [Pair],
    /// Pairs judged different people.
    pub different: &'a FxHashSet<Pair>,
}

/// Clusters `n` entities (see the module docs); `contradicts(a, b)` says whether a pair that
/// did not match is a contradiction (it scores below the floor), for `a < b`.
pub fn cluster(n: usize, evidence: &Evidence, mut contradicts: impl FnMut(u32, u32) -> bool) -> Clusters {
    let mut clusters = Clusters::singletons(n);
    for &(a, b) in evidence.same {
        clusters.join(a, b);
    }
    let mut order: Vec<&(u32, u32, f64)> = evidence.matches.iter().collect();
    order.sort_unstable_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    let matched: FxHashSet<Pair> = evidence.matches.iter().map(|&(a, b, _)| ordered(a, b)).collect();
    for &&(a, b, _) in &order {
        let (ra, rb) = (clusters.root(a), clusters.root(b));
        if ra == rb {
            continue;
        }
        let agrees = clusters.members_of_root(ra).iter().all(|&x| {
            clusters.members_of_root(rb).iter().all(|&y| {
                let pair = ordered(x, y);
                !evidence.different.contains(&pair) && (matched.contains(&pair) || !contradicts(pair.0, pair.1))
            })
        });
        if agrees {
            clusters.join(a, b);
        } else {
            clusters.refused += 1;
        }
    }
    clusters
}

fn ordered(a: u32, b: u32) -> Pair {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(clusters: &mut Clusters, n: u32) -> Vec<Vec<u32>> {
        let mut out: Vec<Vec<u32>> = Vec::new();
        for e in 0..n {
            let root = clusters.root(e);
            let members = clusters.members_of_root(root).to_vec();
            if members[0] == e {
                out.push(members);
            }
        }
        out
    }

    #[test]
    fn settled_clusters_read_the_same() {
        let matches = [(0, 3, 0.8), (3, 5, 0.8)];
        let different = FxHashSet::default();
        let evidence = Evidence { matches: &matches, same: &[], different: &different };
        let mut clusters = cluster(6, &evidence, |_, _| false);
        let expected: Vec<Vec<u32>> = (0..6)
            .map(|e| {
                let r = clusters.root(e);
                clusters.members_of_root(r).to_vec()
            })
            .collect();
        let settled = clusters.settled();
        assert_eq!((0..6).map(|e| settled.members(e).to_vec()).collect::<Vec<_>>(), expected);
        assert_eq!(settled.members(3), &[0, 3, 5]);
        assert_eq!(settled.members(1), &[1]);
        assert_eq!(settled.joined(), 1);
    }

    #[test]
    fn matches_join_and_a_contradiction_stops_the_chain() {
        // 0 and 2 are namesakes born years apart, 1 gives no date and matches both
        let matches = [(0, 1, 0.8), (1, 2, 0.75), (3, 4, 0.9)];
        let different = FxHashSet::default();
        let evidence = Evidence { matches: &matches, same: &[], different: &different };
        let mut clusters = cluster(5, &evidence, |a, b| (a, b) == (0, 2));
        assert_eq!(groups(&mut clusters, 5), vec![vec![0, 1], vec![2], vec![3, 4]]);
        assert_eq!(clusters.refused, 1);
        let mut chained = cluster(5, &evidence, |_, _| false);
        assert_eq!(groups(&mut chained, 5), vec![vec![0, 1, 2], vec![3, 4]], "no contradiction, one person");
    }

    #[test]
    fn the_best_pair_is_joined_first() {
        // 1 matches 2 better than it matches 0; 0 and 2 contradict each other
        let matches = [(0, 1, 0.71), (1, 2, 0.95)];
        let different = FxHashSet::default();
        let evidence = Evidence { matches: &matches, same: &[], different: &different };
        let mut clusters = cluster(3, &evidence, |a, b| (a, b) == (0, 2));
        assert_eq!(groups(&mut clusters, 3), vec![vec![0], vec![1, 2]]);
    }

    #[test]
    fn judgements_override_the_scores() {
        let matches = [(0, 1, 0.9), (2, 3, 0.9)];
        let different: FxHashSet<Pair> = [(0, 1)].into_iter().collect();
        let same = [(3, 4), (1, 2)];
        let evidence = Evidence { matches: &matches, same: &same, different: &different };
        let mut clusters = cluster(5, &evidence, |_, _| false);
        assert_eq!(groups(&mut clusters, 5), vec![vec![0], vec![1, 2, 3, 4]], "0~1 matched but was judged different");
        let mut clusters = cluster(5, &evidence, |_, _| true);
        assert_eq!(
            groups(&mut clusters, 5),
            vec![vec![0], vec![1, 2], vec![3, 4]],
            "judged same even where scores contradict"
        );
    }

    #[test]
    fn every_entity_is_in_exactly_one_cluster() {
        let matches: Vec<(u32, u32, f64)> = (0..50).map(|i| (i, (i * 7 + 3) % 60, 0.8)).filter(|p| p.0 < p.1).collect();
        let different = FxHashSet::default();
        let evidence = Evidence { matches: &matches, same: &[], different: &different };
        let mut clusters = cluster(60, &evidence, |a, b| (a + b) % 5 == 0);
        let mut seen: Vec<u32> = groups(&mut clusters, 60).concat();
        seen.sort_unstable();
        assert_eq!(seen, (0..60).collect::<Vec<_>>());
    }
}
