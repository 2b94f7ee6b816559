//! The blocks a cross-reference iterates: groups of entities that share a key of the candidate
//! index (a name token in any script, an identifier, a linked record), so that only entities
//! with something in common are ever scored against each other.
//!
//! A block shared by more than `max_len` entities (a frequent given name in a leak of millions)
//! is left out: every pair in it would be scored, and the entities in it that are the same
//! person share a rarer key too (their surname, their birth-date-bearing identifiers). The cut
//! is the caller's, so a cross-reference can report how many blocks it set aside.
//!
//! Pairs inside a block come in ascending entity numbers, `(a, b)` with `a < b`; one pair may
//! come from several blocks (two shared tokens), so a caller dedupes before scoring.

use crosscheck_store::Dataset;

/// The entities of one block, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub entities: Vec<u32>,
}

impl Block {
    /// Every pair of the block once, `(a, b)` with `a < b`.
    pub fn pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.entities.iter().enumerate().flat_map(move |(i, &a)| self.entities[i + 1..].iter().map(move |&b| (a, b)))
    }
}

/// What [`blocks`] passed over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Blocks of one entity: nothing to pair.
    pub single: u64,
    /// Blocks above the size cut, and the entities they held.
    pub too_large: u64,
    pub too_large_entities: u64,
}

/// The blocks of `dataset` with two to `max_len` entities, in the index's order; what was
/// passed over is counted in `skipped`.
pub fn blocks<'a>(dataset: &'a Dataset, max_len: usize, skipped: &'a mut Skipped) -> impl Iterator<Item = Block> + 'a {
    dataset.blocks().filter_map(move |block| match block.len() {
        0 | 1 => {
            skipped.single += 1;
            None
        }
        n if n > max_len => {
            skipped.too_large += 1;
            skipped.too_large_entities += n as u64;
            None
        }
        _ => Some(Block { entities: block.entities().collect() }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosscheck_store::{DatasetMeta, Store};

    #[test]
    fn entities_sharing_a_key_share_a_block() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut builder = store.builder(DatasetMeta::new("d", "d", "other")).unwrap();
        for (id, name) in [("a", "Ivan Petrov"), ("b", "Иван Петров"), ("c", "Maria Lindqvist"), ("d", "Olga Petrova")]
        {
            let mut e = crosscheck_model::Entity::new(id, "Person");
            e.add("name", name);
            builder.add(&e).unwrap();
        }
        builder.finish().unwrap();
        let dataset = store.snapshot("d").unwrap();
        let mut skipped = Skipped::default();
        let pairs: std::collections::BTreeSet<(u32, u32)> =
            blocks(&dataset, 100, &mut skipped).flat_map(|b| b.pairs().collect::<Vec<_>>()).collect();
        let index = |id: &str| (0..dataset.len() as u32).find(|&i| dataset.entity(i).unwrap().id == id).unwrap();
        let pair = |x: &str, y: &str| {
            let (a, b) = (index(x), index(y));
            (a.min(b), a.max(b))
        };
        assert!(pairs.contains(&pair("a", "b")), "the same name in two scripts shares keys: {pairs:?}");
        assert!(!pairs.contains(&pair("a", "c")), "nothing in common, never paired: {pairs:?}");
        assert!(skipped.single > 0, "Lindqvist's keys are hers alone");

        let mut skipped = Skipped::default();
        assert_eq!(blocks(&dataset, 1, &mut skipped).count(), 0);
        assert!(skipped.too_large > 0);
    }
}
