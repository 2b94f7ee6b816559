//! Reading one dataset version: memory-mapped, nothing loaded per entity.

use crate::keyindex::{self, HashKey};
use crate::meta::{DatasetMeta, FORMAT_VERSION};
use crate::StoreError;
use crosscheck_model::Entity;
use memmap2::Mmap;
use std::collections::HashMap;
use std::path::Path;

/// A live dataset version, open for reading.
pub struct Dataset {
    meta: DatasetMeta,
    entities: Mmap,
    offsets: Mmap,
    ids: fst::Map<Mmap>,
    /// `keys.idx` (see `keyindex.rs`), its hash key and record count.
    keys: Mmap,
    hash_key: HashKey,
    n_keys: usize,
    postings: Mmap,
}

/// An entity number and how strongly the index suggests it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub index: u32,
    pub weight: f32,
}

fn map(path: &Path) -> Result<Mmap, StoreError> {
    let file = fs_err::File::open(path)?;
    // SAFETY: version folders are immutable once live: a reload writes a new folder and never
    // modifies a published one, so the mapping cannot change under us.
    #[allow(unsafe_code)]
    let mmap = unsafe { Mmap::map(file.file())? };
    Ok(mmap)
}

impl Dataset {
    pub(crate) fn open(name: &str, dir: &Path) -> Result<Dataset, StoreError> {
        let damaged = |reason: String| StoreError::Damaged { name: name.to_string(), reason };
        let meta_text = fs_err::read_to_string(dir.join("meta.json"))?;
        let version: serde_json::Value = serde_json::from_str(&meta_text).map_err(|e| damaged(e.to_string()))?;
        let found = version.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if found != FORMAT_VERSION {
            return Err(StoreError::Incompatible { name: name.to_string(), found, expected: FORMAT_VERSION });
        }
        let meta: DatasetMeta = serde_json::from_value(version).map_err(|e| damaged(e.to_string()))?;
        let offsets = map(&dir.join("offsets.bin"))?;
        if offsets.len() % 8 != 0 || offsets.len() / 8 != meta.records as usize + 1 {
            return Err(damaged("offsets do not match the entity count".into()));
        }
        let ids = fst::Map::new(map(&dir.join("ids.fst"))?).map_err(|e| damaged(e.to_string()))?;
        let keys = map(&dir.join("keys.idx"))?;
        let (hash_key, n_keys) = keyindex::read_header(&keys).map_err(damaged)?;
        Ok(Dataset {
            meta,
            entities: map(&dir.join("entities.jsonl"))?,
            offsets,
            ids,
            keys,
            hash_key,
            n_keys,
            postings: map(&dir.join("postings.bin"))?,
        })
    }

    /// Provenance and counts.
    pub fn meta(&self) -> &DatasetMeta {
        &self.meta
    }

    /// The dataset name.
    pub fn name(&self) -> &str {
        &self.meta.dataset
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.offsets.len() / 8 - 1
    }

    /// Whether the dataset holds no entity (never true for a live version).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn offset(&self, i: usize) -> usize {
        let b = &self.offsets[i * 8..i * 8 + 8];
        u64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as usize
    }

    /// The raw JSON of entity `index`.
    pub fn raw(&self, index: u32) -> &[u8] {
        let i = index as usize;
        if i >= self.len() {
            return &[];
        }
        let (start, end) = (self.offset(i), self.offset(i + 1).saturating_sub(1));
        self.entities.get(start..end).unwrap_or(&[])
    }

    /// Entity number `index`.
    pub fn entity(&self, index: u32) -> Result<Entity, StoreError> {
        serde_json::from_slice(self.raw(index)).map_err(|e| StoreError::Damaged {
            name: self.meta.dataset.clone(),
            reason: format!("entity {index}: {e}"),
        })
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Result<Option<Entity>, StoreError> {
        match self.ids.get(id) {
            Some(i) => self.entity(i as u32).map(Some),
            None => Ok(None),
        }
    }

    /// All entities in stored order.
    pub fn iter(&self) -> impl Iterator<Item = Result<Entity, StoreError>> + '_ {
        (0..self.len() as u32).map(|i| self.entity(i))
    }

    /// Where `key`'s entity numbers are in `postings.bin`: (start, count).
    fn key_postings(&self, key: &str) -> (usize, usize) {
        keyindex::lookup(&self.keys, self.hash_key, self.n_keys, key).map_or((0, 0), |(s, c)| (s as usize, c as usize))
    }

    /// The entity numbers filed under `key`.
    pub fn postings(&self, key: &str) -> impl Iterator<Item = u32> + '_ {
        let (start, count) = self.key_postings(key);
        let bytes = self.postings.get(start * 4..(start + count) * 4).unwrap_or(&[]);
        bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// The entity numbers of records that link to entity `id` (through any entity-typed
    /// property), in stored order.
    pub fn referencing(&self, id: &str) -> impl Iterator<Item = u32> + '_ {
        self.postings(&format!("r:{id}")).collect::<Vec<_>>().into_iter()
    }

    fn postings_len(&self, key: &str) -> usize {
        self.key_postings(key).1
    }

    /// Candidates for a query filed under `keys` (see [`crate::index_keys`]), best first, at most
    /// `limit` (plus ties). Each key is its own piece of evidence; see [`Dataset::candidates_grouped`].
    pub fn candidates(&self, keys: &[String], limit: usize) -> Vec<Candidate> {
        let groups: Vec<Vec<String>> = keys.iter().map(|k| vec![k.clone()]).collect();
        self.candidates_grouped(&groups, limit)
    }

    /// Candidates for a query whose keys come in groups ([`crate::query_key_groups`]): a
    /// candidate earns, per group, the weight of the best key it shares. A key weighs more the
    /// fewer entities share it (an inverse document frequency), so agreeing on a rare surname
    /// outranks agreeing on "Ivan"; identifier keys weigh most.
    pub fn candidates_grouped(&self, groups: &[Vec<String>], limit: usize) -> Vec<Candidate> {
        let n = self.len().max(1) as f32;
        // Rarest groups first. A group whose keys are all shared by more than `COMMON` entities
        // (a frequent given name) only adds weight to entities a rarer group already found:
        // letting it bring in candidates of its own would flood the list, and capping its
        // postings would drop true candidates arbitrarily.
        const COMMON: usize = 20_000;
        let mut by_rarity: Vec<(usize, Vec<(usize, &String)>)> = groups
            .iter()
            .map(|g| {
                let keys: Vec<(usize, &String)> =
                    g.iter().map(|k| (self.postings_len(k), k)).filter(|(df, _)| *df > 0).collect();
                (keys.iter().map(|(df, _)| *df).min().unwrap_or(0), keys)
            })
            .filter(|(_, keys)| !keys.is_empty())
            .collect();
        by_rarity.sort_unstable_by_key(|(df, _)| *df);
        let mut weights: HashMap<u32, f32> = HashMap::new();
        let mut best_in_group: HashMap<u32, f32> = HashMap::new();
        for (min_df, keys) in by_rarity {
            best_in_group.clear();
            let open = min_df <= COMMON || weights.is_empty();
            for (df, key) in keys {
                let idf = (1.0 + n / df as f32).ln();
                let w = if key.starts_with("i:") { idf * 4.0 } else { idf };
                for idx in self.postings(key).take(if open { COMMON } else { usize::MAX }) {
                    if open || weights.contains_key(&idx) {
                        let best = best_in_group.entry(idx).or_default();
                        *best = best.max(w);
                    }
                }
            }
            for (&idx, &w) in &best_in_group {
                *weights.entry(idx).or_default() += w;
            }
        }
        let mut out: Vec<Candidate> = weights.into_iter().map(|(index, weight)| Candidate { index, weight }).collect();
        out.sort_unstable_by(|a, b| b.weight.total_cmp(&a.weight).then(a.index.cmp(&b.index)));
        // Candidates tied with the last one kept are kept too (up to 8 x limit): a common name
        // shared by hundreds of entities must not hide the one whose birth date agrees.
        if let Some(cutoff) = out.get(limit.saturating_sub(1)).map(|c| c.weight) {
            let tied = out[limit.min(out.len())..].iter().take_while(|c| c.weight >= cutoff).count();
            out.truncate((limit + tied).min(limit * 8));
        }
        out
    }
}
