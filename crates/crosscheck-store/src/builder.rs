//! Building a new dataset version: spill, merge by id, index, then switch atomically.
//!
//! Speed: a load must beat Python's `json` module merely parsing the same file. So the work per
//! entity happens once and in parallel where it can: callers [`prepare`] entities (serialise and
//! compute index keys) on all cores, and the builder only appends bytes and small integers.
//! Ids and index keys arrive with a keyed 128-bit hash computed there too, so the builder's own
//! thread files each one with an integer lookup and keeps its text in one arena (no allocation
//! per key); the final sort is over integers, and strings are compared only to order the fst.
//! When no id appears twice (nearly every load) the spill file *is* the entities file; otherwise
//! single records are copied byte for byte and only repeated ids are parsed again and merged.
//!
//! Identity by hash: two different ids (or keys) are taken as one only if their 128-bit SipHash
//! under a key drawn at random for each process collides, about 2^-128 per pair; nobody can
//! aim for it without the key. That is what lets the serial part skip string comparisons.

use crate::keys::{index_keys, reference_keys};
use crate::meta::{DatasetMeta, FORMAT_VERSION};
use crate::StoreError;
use crosscheck_model::{Entity, EntityError, Schema};
use fs_err::File;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::Hasher;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

/// An entity ready to add: its JSON line, id and index keys, computed off the builder's thread.
/// Id and keys travel as one buffer, so the builder's thread frees two allocations per entity,
/// not one per key (freeing what another thread allocated is the slow path of an allocator).
pub struct Prepared {
    schema: &'static Schema,
    json: Vec<u8>,
    /// The id, then each key, end to end.
    text: String,
    /// Where each key ends in `text` (the id ends where the first key starts).
    key_ends: Vec<u32>,
    id_len: u32,
    id_hash: u128,
    key_hashes: Vec<u128>,
}

impl Prepared {
    fn id(&self) -> &str {
        &self.text[..self.id_len as usize]
    }

    fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(self.id_len).chain(self.key_ends.iter().copied());
        starts.zip(self.key_ends.iter()).map(|(a, &b)| &self.text[a as usize..b as usize])
    }
}

/// Serialises an entity and computes its index keys. Safe to call from many threads.
pub fn prepare(entity: &Entity) -> Result<Prepared, EntityError> {
    let schema = entity.schema_def().ok_or_else(|| EntityError::UnknownSchema(entity.schema.clone()))?;
    let json = serde_json::to_vec(entity).unwrap_or_default();
    let mut keys = index_keys(entity);
    keys.extend(reference_keys(entity));
    let mut text = String::with_capacity(entity.id.len() + keys.iter().map(String::len).sum::<usize>());
    text.push_str(&entity.id);
    let mut key_ends = Vec::with_capacity(keys.len());
    for k in &keys {
        text.push_str(k);
        key_ends.push(text.len() as u32);
    }
    Ok(Prepared {
        schema,
        json,
        id_len: entity.id.len() as u32,
        id_hash: hash128(&entity.id),
        key_hashes: keys.iter().map(|k| hash128(k)).collect(),
        text,
        key_ends,
    })
}

/// Keyed 128-bit SipHash-1-3 of `s`, under a key drawn at random once per process.
fn hash128(s: &str) -> u128 {
    static KEY: OnceLock<(u64, u64)> = OnceLock::new();
    let &(k0, k1) = KEY.get_or_init(|| {
        use std::hash::{BuildHasher, RandomState};
        let r = RandomState::new();
        (r.hash_one(0u8), r.hash_one(1u8))
    });
    let mut h = SipHasher13::new_with_keys(k0, k1);
    h.write(s.as_bytes());
    let out = h.finish128();
    (u128::from(out.h1) << 64) | u128::from(out.h2)
}

/// Strings kept end to end in one buffer, addressed by (offset, length).
#[derive(Default)]
struct Arena {
    bytes: Vec<u8>,
}

impl Arena {
    fn push(&mut self, s: &str) -> (u64, u32) {
        let span = (self.bytes.len() as u64, s.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
        span
    }

    fn get(&self, (offset, len): (u64, u32)) -> &[u8] {
        &self.bytes[offset as usize..offset as usize + len as usize]
    }
}

/// Where the records of one id were spilled.
struct Slot {
    id: (u64, u32),
    first: (u64, u32),
    schema: &'static Schema,
    more: Vec<(u64, u32)>,
}

/// Counts from a finished load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadStats {
    /// Entities stored after merging records that share an id.
    pub entities: u64,
}

/// Accepts entities for a new version of one dataset.
pub struct Builder {
    dataset_dir: PathBuf,
    tmp: PathBuf,
    meta: DatasetMeta,
    spill: BufWriter<File>,
    spill_len: u64,
    /// Id hash -> slot.
    ids: HashMap<u128, u32>,
    id_text: Arena,
    slots: Vec<Slot>,
    /// Key hash -> key id; the key's text is `key_text[key_spans[id]]`.
    key_ids: HashMap<u128, u32>,
    key_text: Arena,
    key_spans: Vec<(u64, u32)>,
    /// (key id << 32 | slot) pairs.
    postings: Vec<u64>,
    /// Whether some id came more than once (its records are merged at the end).
    repeated: bool,
    finished: bool,
}

impl Builder {
    pub(crate) fn new(dataset_dir: PathBuf, meta: DatasetMeta) -> Result<Builder, StoreError> {
        fs_err::create_dir_all(&dataset_dir)?;
        // Stale folders of interrupted loads are ours to clean.
        for entry in fs_err::read_dir(&dataset_dir)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                let _ = fs_err::remove_dir_all(entry.path());
            }
        }
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f");
        let tmp = dataset_dir.join(format!(".tmp-{}-{stamp}", std::process::id()));
        fs_err::create_dir_all(&tmp)?;
        let spill = BufWriter::with_capacity(1 << 20, File::create(tmp.join("spill.jsonl"))?);
        Ok(Builder {
            dataset_dir,
            tmp,
            meta,
            spill,
            spill_len: 0,
            ids: HashMap::default(),
            id_text: Arena::default(),
            slots: Vec::new(),
            key_ids: HashMap::default(),
            key_text: Arena::default(),
            key_spans: Vec::new(),
            postings: Vec::new(),
            repeated: false,
            finished: false,
        })
    }

    /// Adds one entity (already validated). Records sharing an id are merged at the end; a record
    /// whose schema cannot merge with the earlier records of its id is refused, so the caller can
    /// reject it.
    pub fn add(&mut self, entity: &Entity) -> Result<(), AddError> {
        let prepared = prepare(entity).map_err(|error| AddError::Rejected { error, raw: Vec::new() })?;
        self.add_prepared(prepared)
    }

    /// Adds an entity prepared with [`prepare`].
    pub fn add_prepared(&mut self, p: Prepared) -> Result<(), AddError> {
        let offset = self.spill_len;
        let len = p.json.len() as u32;
        let slot_idx = match self.ids.get(&p.id_hash) {
            Some(&idx) => {
                let slot = &mut self.slots[idx as usize];
                let Some(merged) = slot.schema.common(p.schema) else {
                    let error = EntityError::SchemaConflict {
                        left: p.schema.name.to_string(),
                        right: slot.schema.name.to_string(),
                    };
                    return Err(AddError::Rejected { error, raw: p.json });
                };
                slot.schema = merged;
                slot.more.push((offset, len));
                self.repeated = true;
                idx
            }
            None => {
                let idx = self.slots.len() as u32;
                self.ids.insert(p.id_hash, idx);
                let id = self.id_text.push(p.id());
                self.slots.push(Slot { id, first: (offset, len), schema: p.schema, more: Vec::new() });
                idx
            }
        };
        for (key, &hash) in p.keys().zip(&p.key_hashes) {
            self.file_key(key, hash, slot_idx);
        }
        let io = |e: std::io::Error| AddError::Store(e.into());
        self.spill.write_all(&p.json).map_err(io)?;
        self.spill.write_all(b"\n").map_err(io)?;
        self.spill_len += u64::from(len) + 1;
        Ok(())
    }

    fn file_key(&mut self, key: &str, hash: u128, slot: u32) {
        let next = self.key_spans.len() as u32;
        let key_id = *self.key_ids.entry(hash).or_insert(next);
        if key_id == next {
            self.key_spans.push(self.key_text.push(key));
        }
        self.postings.push((u64::from(key_id) << 32) | u64::from(slot));
    }

    /// Entities (distinct ids) so far.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The metadata the version will carry; the caller fills in counts before `finish`.
    pub fn meta_mut(&mut self) -> &mut DatasetMeta {
        &mut self.meta
    }

    /// Merges, indexes and makes the new version live. Fails with [`StoreError::Empty`] when no
    /// entity was added; the previous version then stays.
    pub fn finish(mut self) -> Result<LoadStats, StoreError> {
        if self.slots.is_empty() {
            return Err(StoreError::Empty(self.meta.dataset.clone()));
        }
        self.spill.flush()?;
        let offsets = if self.repeated { self.merge_repeated()? } else { self.spill_is_entities()? };
        let mut offsets_out = BufWriter::new(File::create(self.tmp.join("offsets.bin"))?);
        for o in &offsets {
            offsets_out.write_all(&o.to_le_bytes())?;
        }
        offsets_out.flush()?;
        // The two indexes are independent files: build them side by side.
        let (ids, keys) = rayon::join(|| self.write_ids(), || self.write_keys());
        ids?;
        keys?;
        let n_entities = (offsets.len() - 1) as u64;
        self.meta.format_version = FORMAT_VERSION;
        self.meta.records = n_entities;
        self.meta.loaded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let meta_json = serde_json::to_vec_pretty(&self.meta).map_err(std::io::Error::from)?;
        fs_err::write(self.tmp.join("meta.json"), meta_json)?;

        // Switch: rename the folder into place, then point CURRENT at it.
        let version = format!("v{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"));
        fs_err::rename(&self.tmp, self.dataset_dir.join(&version))?;
        let current_tmp = self.dataset_dir.join(".CURRENT.tmp");
        {
            let mut f = File::create(&current_tmp)?;
            f.write_all(version.as_bytes())?;
            f.sync_all()?;
        }
        fs_err::rename(&current_tmp, self.dataset_dir.join("CURRENT"))?;
        self.finished = true;
        // Older versions are no longer reachable; readers that still map them keep their data
        // until they close (POSIX unlink semantics).
        for entry in fs_err::read_dir(&self.dataset_dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('v') && name != version && entry.path().is_dir() {
                let _ = fs_err::remove_dir_all(entry.path());
            }
        }
        Ok(LoadStats { entities: n_entities })
    }

    /// No id came twice: the spill file, in order of arrival, is the entities file.
    fn spill_is_entities(&mut self) -> Result<Vec<u64>, StoreError> {
        self.spill.get_ref().sync_all()?;
        fs_err::rename(self.tmp.join("spill.jsonl"), self.tmp.join("entities.jsonl"))?;
        let mut offsets: Vec<u64> = self.slots.iter().map(|s| s.first.0).collect();
        offsets.push(self.spill_len);
        Ok(offsets)
    }

    /// Entities in order of first appearance: single records copied, repeated ids merged.
    fn merge_repeated(&mut self) -> Result<Vec<u64>, StoreError> {
        let spill_file = File::open(self.tmp.join("spill.jsonl"))?;
        // SAFETY: the spill file is private to this builder (a fresh temporary folder) and is not
        // modified while mapped.
        #[allow(unsafe_code)]
        let spill = unsafe { memmap2::Mmap::map(spill_file.file())? };
        let bytes = |(offset, len): (u64, u32)| &spill[offset as usize..offset as usize + len as usize];
        let damaged = |reason: String| StoreError::Damaged { name: self.meta.dataset.clone(), reason };
        let mut entities_out = BufWriter::with_capacity(1 << 20, File::create(self.tmp.join("entities.jsonl"))?);
        let mut offsets: Vec<u64> = Vec::with_capacity(self.slots.len() + 1);
        let mut written = 0u64;
        let mut extra_keys: Vec<(String, u32)> = Vec::new();
        for (idx, slot) in self.slots.iter().enumerate() {
            offsets.push(written);
            let line: std::borrow::Cow<[u8]> = if slot.more.is_empty() {
                bytes(slot.first).into()
            } else {
                let mut merged: Entity =
                    serde_json::from_slice(bytes(slot.first)).map_err(|e| damaged(e.to_string()))?;
                for &part in &slot.more {
                    let next: Entity = serde_json::from_slice(bytes(part)).map_err(|e| damaged(e.to_string()))?;
                    merged.merge(next).map_err(|e| damaged(e.to_string()))?;
                }
                // Keys of the parts are already filed; an assembled name may add one more.
                extra_keys.extend(index_keys(&merged).into_iter().map(|k| (k, idx as u32)));
                serde_json::to_vec(&merged).map_err(std::io::Error::from)?.into()
            };
            entities_out.write_all(&line)?;
            entities_out.write_all(b"\n")?;
            written += line.len() as u64 + 1;
        }
        offsets.push(written);
        entities_out.flush()?;
        entities_out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        drop(spill);
        fs_err::remove_file(self.tmp.join("spill.jsonl"))?;
        for (key, slot) in extra_keys {
            self.file_key(&key, hash128(&key), slot);
        }
        Ok(offsets)
    }

    /// `ids.fst`: entity id -> entity number.
    fn write_ids(&self) -> Result<(), StoreError> {
        let mut ids: Vec<(&[u8], u32)> =
            self.slots.iter().enumerate().map(|(i, s)| (self.id_text.get(s.id), i as u32)).collect();
        ids.par_sort_unstable();
        let mut out = fst::MapBuilder::new(BufWriter::new(File::create(self.tmp.join("ids.fst"))?)).map_err(fst_err)?;
        for (id, idx) in &ids {
            out.insert(id, u64::from(*idx)).map_err(fst_err)?;
        }
        out.finish().map_err(fst_err)
    }

    /// `keys.fst` and `postings.bin`: keys in byte order (what fst needs), each with its run of
    /// entity numbers.
    fn write_keys(&self) -> Result<(), StoreError> {
        let mut order: Vec<u32> = (0..self.key_spans.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| {
            self.key_text.get(self.key_spans[a as usize]).cmp(self.key_text.get(self.key_spans[b as usize]))
        });
        let mut rank_of = vec![0u32; order.len()];
        for (rank, key_id) in order.iter().enumerate() {
            rank_of[*key_id as usize] = rank as u32;
        }
        let mut postings: Vec<u64> = self
            .postings
            .par_iter()
            .map(|p| (u64::from(rank_of[(*p >> 32) as usize]) << 32) | (*p & 0xffff_ffff))
            .collect();
        postings.par_sort_unstable();
        postings.dedup();
        // Postings first (one pass, in key order), remembering each key's (start << 32 | count).
        let mut postings_out = BufWriter::with_capacity(1 << 20, File::create(self.tmp.join("postings.bin"))?);
        let mut values: Vec<u64> = Vec::with_capacity(order.len());
        let mut i = 0;
        while i < postings.len() {
            let rank = postings[i] >> 32;
            let mut j = i;
            while j < postings.len() && postings[j] >> 32 == rank {
                postings_out.write_all(&((postings[j] & 0xffff_ffff) as u32).to_le_bytes())?;
                j += 1;
            }
            debug_assert_eq!(rank as usize, values.len(), "every key has a posting");
            values.push(((i as u64) << 32) | (j - i) as u64);
            i = j;
        }
        postings_out.flush()?;
        // Building an fst is sequential: a large index is cut into contiguous key ranges, one
        // fst each, built side by side (a lookup picks the range; see `Dataset::open`).
        let shards = if order.len() >= SHARD_MIN_KEYS { KEY_SHARDS } else { 1 };
        let per = order.len().div_ceil(shards);
        (0..shards).into_par_iter().try_for_each(|shard| -> Result<(), StoreError> {
            let range = shard * per..((shard + 1) * per).min(order.len());
            let mut out = fst::MapBuilder::new(BufWriter::new(File::create(self.tmp.join(keys_file(shard)))?))
                .map_err(fst_err)?;
            for rank in range {
                let key = self.key_text.get(self.key_spans[order[rank] as usize]);
                out.insert(key, values[rank]).map_err(fst_err)?;
            }
            out.finish().map_err(fst_err)
        })
    }
}

impl Drop for Builder {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs_err::remove_dir_all(&self.tmp);
        }
    }
}

/// Why an entity could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// The entity cannot join the dataset; `raw` is its JSON, for the rejects file.
    #[error("{error}")]
    Rejected { error: EntityError, raw: Vec<u8> },
    #[error(transparent)]
    Store(StoreError),
}

/// Key ranges of a large index, built in parallel.
const KEY_SHARDS: usize = 2;
/// Below this many keys one fst is built (cutting it would save nothing worth a file).
const SHARD_MIN_KEYS: usize = 1 << 16;

/// The file of key range `shard`: `keys.fst`, then `keys.1.fst`, `keys.2.fst`...
pub(crate) fn keys_file(shard: usize) -> String {
    if shard == 0 {
        "keys.fst".to_string()
    } else {
        format!("keys.{shard}.fst")
    }
}

fn fst_err(e: fst::Error) -> StoreError {
    StoreError::Io(std::io::Error::other(e))
}
