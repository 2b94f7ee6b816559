//! Building a new dataset version: spill, merge by id, index, then switch atomically.
//!
//! Speed: a load must beat Python's `json` module merely parsing the same file. So the work per
//! entity happens once and in parallel where it can: callers prepare entities (serialise and
//! compute index keys) on all cores into a [`PreparedBatch`], and the builder only appends bytes
//! and small integers. Ids and index keys arrive hashed there too (a keyed SipHash), so the
//! builder's own thread files an id with an integer lookup (its text goes into one arena, for
//! `ids.fst`) and a key as one (hash, entity) pair, in shards by the hash's top bits; the
//! candidate index is a sort of each shard, side by side, at the end (`keyindex.rs`). When no id
//! appears twice (nearly every load) the spill file *is* the entities file; otherwise single
//! records are copied byte for byte and only repeated ids are parsed again and merged.
//!
//! Identity by hash: two different ids are taken as one only if their 128-bit hashes collide,
//! and two keys only if 96 bits of theirs do, under a key drawn at random for each process;
//! nobody can aim for it without the key. That is what lets the serial part skip string
//! comparisons.

use crate::keyindex::{self, split, HashKey, Posting};
use crate::keys::{index_keys, push_key_hashes};
use crate::meta::{DatasetMeta, FORMAT_VERSION};
use crate::StoreError;
use crosscheck_model::{Entity, EntityError, Schema};
use fs_err::File;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Entities ready to add, prepared together off the builder's thread: their JSON lines, ids and
/// index-key hashes end to end in three buffers (a few allocations per batch, not three per
/// entity, all freed together), and the hash of each id. The text of a key is not needed once
/// hashed (see `keyindex.rs`).
#[derive(Default)]
pub struct PreparedBatch {
    /// Each entity's JSON line, newline included.
    json: Vec<u8>,
    ids: String,
    keys: Vec<(u64, u32)>,
    items: Vec<Item>,
}

/// One entity of a [`PreparedBatch`]: where its parts end in the buffers (each starts where the
/// previous one ends).
struct Item {
    schema: &'static Schema,
    id_hash: u128,
    json_end: usize,
    id_end: usize,
    keys_end: usize,
}

impl PreparedBatch {
    /// Serialises `entity` and hashes its id and index keys onto the batch. Safe to run on many
    /// threads, each with a batch of its own.
    pub fn push(&mut self, entity: &Entity) -> Result<(), EntityError> {
        let schema = entity.schema_def().ok_or_else(|| EntityError::UnknownSchema(entity.schema.clone()))?;
        // cannot fail: an entity has only string keys and the writer is memory
        let _ = serde_json::to_writer(&mut self.json, entity);
        self.json.push(b'\n');
        self.ids.push_str(&entity.id);
        let key = HashKey::of_process();
        push_key_hashes(entity, key, &mut self.keys);
        self.items.push(Item {
            schema,
            id_hash: key.hash(&entity.id),
            json_end: self.json.len(),
            id_end: self.ids.len(),
            keys_end: self.keys.len(),
        });
        Ok(())
    }

    /// Entities in the batch.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the batch holds no entity.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Keeps the first `n` entities (to take back a record's entities when one of them fails).
    pub fn truncate(&mut self, n: usize) {
        self.items.truncate(n);
        let (json, ids, keys) = self.items.last().map_or((0, 0, 0), |i| (i.json_end, i.id_end, i.keys_end));
        self.json.truncate(json);
        self.ids.truncate(ids);
        self.keys.truncate(keys);
    }

    /// Entity `i`: its item and where its JSON line (without the newline), id and key hashes lie.
    fn get(&self, i: usize) -> (&Item, &[u8], &str, &[(u64, u32)]) {
        let item = &self.items[i];
        let (json, id, keys) = match i.checked_sub(1).map(|p| &self.items[p]) {
            Some(p) => (p.json_end, p.id_end, p.keys_end),
            None => (0, 0, 0),
        };
        (item, &self.json[json..item.json_end - 1], &self.ids[id..item.id_end], &self.keys[keys..item.keys_end])
    }
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

/// How many parts the id table and the postings are split into, by the top bits of a hash:
/// each part grows (and rehashes, and is sorted) on its own, so no single regrowth stalls the
/// builder's thread while the other cores wait, and the parts are sorted side by side.
const SHARD_BITS: u32 = 8;
const SHARDS: usize = 1 << SHARD_BITS;

/// Counts from a finished load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadStats {
    /// Entities stored after merging records that share an id.
    pub entities: u64,
}

/// Accepts entities for a new version of one dataset.
///
/// What it keeps per entity is a few integers, column by column (no per-entity allocation):
/// where its first record lies in the spill file, where its id lies in the id arena, and its
/// schema; later records of the same id are listed aside.
pub struct Builder {
    dataset_dir: PathBuf,
    tmp: PathBuf,
    meta: DatasetMeta,
    spill: BufWriter<File>,
    spill_len: u64,
    /// Id hash -> entity number, in shards by the hash's top bits.
    ids: Vec<HashMap<u128, u32>>,
    id_text: Arena,
    /// Per entity: its id in `id_text`, its first record in the spill file, its schema.
    id_spans: Vec<(u64, u32)>,
    firsts: Vec<(u64, u32)>,
    schemas: Vec<&'static Schema>,
    /// Later records of an id, by entity number (rare: most loads have none).
    more: HashMap<u32, Vec<(u64, u32)>>,
    /// (key hash, entity) pairs in shards by the hash's top bits, sorted into the index at the end.
    postings: Vec<Vec<Posting>>,
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
            ids: (0..SHARDS).map(|_| HashMap::default()).collect(),
            id_text: Arena::default(),
            id_spans: Vec::new(),
            firsts: Vec::new(),
            schemas: Vec::new(),
            more: HashMap::default(),
            postings: (0..SHARDS).map(|_| Vec::new()).collect(),
            finished: false,
        })
    }

    /// Adds one entity (already validated). Records sharing an id are merged at the end; a record
    /// whose schema cannot merge with the earlier records of its id is refused, so the caller can
    /// reject it.
    pub fn add(&mut self, entity: &Entity) -> Result<(), AddError> {
        let mut batch = PreparedBatch::default();
        batch.push(entity).map_err(|error| AddError::Rejected { error, raw: Vec::new() })?;
        self.add_from(&batch, 0)
    }

    /// Adds entity `i` of a [`PreparedBatch`] (`i` below `batch.len()`).
    pub fn add_from(&mut self, batch: &PreparedBatch, i: usize) -> Result<(), AddError> {
        let (item, json, id, keys) = batch.get(i);
        let offset = self.spill_len;
        let len = json.len() as u32;
        let shard = &mut self.ids[(item.id_hash >> (128 - SHARD_BITS)) as usize];
        let entity = match shard.get(&item.id_hash) {
            Some(&idx) => {
                let schema = &mut self.schemas[idx as usize];
                let Some(merged) = schema.common(item.schema) else {
                    let error = EntityError::SchemaConflict {
                        left: item.schema.name.to_string(),
                        right: schema.name.to_string(),
                    };
                    return Err(AddError::Rejected { error, raw: json.to_vec() });
                };
                *schema = merged;
                self.more.entry(idx).or_default().push((offset, len));
                idx
            }
            None => {
                let idx = self.firsts.len() as u32;
                shard.insert(item.id_hash, idx);
                self.id_spans.push(self.id_text.push(id));
                self.firsts.push((offset, len));
                self.schemas.push(item.schema);
                idx
            }
        };
        for &(hi, lo) in keys {
            self.postings[(hi >> (64 - SHARD_BITS)) as usize].push(Posting::new(hi, lo, entity));
        }
        self.spill.write_all(json).map_err(|e| AddError::Store(e.into()))?;
        self.spill.write_all(b"\n").map_err(|e| AddError::Store(e.into()))?;
        self.spill_len += u64::from(len) + 1;
        Ok(())
    }

    /// Entities (distinct ids) so far.
    pub fn len(&self) -> usize {
        self.firsts.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.firsts.is_empty()
    }

    /// The metadata the version will carry; the caller fills in counts before `finish`.
    pub fn meta_mut(&mut self) -> &mut DatasetMeta {
        &mut self.meta
    }

    /// Merges, indexes and makes the new version live. Fails with [`StoreError::Empty`] when no
    /// entity was added; the previous version then stays.
    pub fn finish(mut self) -> Result<LoadStats, StoreError> {
        if self.firsts.is_empty() {
            return Err(StoreError::Empty(self.meta.dataset.clone()));
        }
        self.spill.flush()?;
        let repeated = !self.more.is_empty();
        // merging may file keys of its own: before the index is built
        let merged = if repeated { Some(self.merge_repeated()?) } else { None };
        // The entities file is synced to disk while the two indexes (independent files) are
        // built side by side on every core.
        let postings = std::mem::take(&mut self.postings);
        let this = &self;
        let (offsets, (ids, keys)) = std::thread::scope(|scope| {
            let entities = scope.spawn(move || match merged {
                Some(offsets) => Ok(offsets),
                None => this.spill_is_entities(),
            });
            let indexes = rayon::join(|| this.write_ids(), || write_keys(&this.tmp, postings));
            (entities.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), indexes)
        });
        let offsets = offsets?;
        ids?;
        keys?;
        let mut offsets_out = BufWriter::new(File::create(self.tmp.join("offsets.bin"))?);
        for o in &offsets {
            offsets_out.write_all(&o.to_le_bytes())?;
        }
        offsets_out.flush()?;
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
    fn spill_is_entities(&self) -> Result<Vec<u64>, StoreError> {
        self.spill.get_ref().sync_all()?;
        fs_err::rename(self.tmp.join("spill.jsonl"), self.tmp.join("entities.jsonl"))?;
        let mut offsets: Vec<u64> = self.firsts.iter().map(|f| f.0).collect();
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
        let mut offsets: Vec<u64> = Vec::with_capacity(self.firsts.len() + 1);
        let mut written = 0u64;
        let mut extra_keys: Vec<(String, u32)> = Vec::new();
        for (idx, &first) in self.firsts.iter().enumerate() {
            offsets.push(written);
            let line: std::borrow::Cow<[u8]> = match self.more.get(&(idx as u32)) {
                None => bytes(first).into(),
                Some(more) => {
                    let mut merged: Entity =
                        serde_json::from_slice(bytes(first)).map_err(|e| damaged(e.to_string()))?;
                    for &part in more {
                        let next: Entity = serde_json::from_slice(bytes(part)).map_err(|e| damaged(e.to_string()))?;
                        merged.merge(next).map_err(|e| damaged(e.to_string()))?;
                    }
                    // Keys of the parts are already filed; an assembled name may add one more.
                    extra_keys.extend(index_keys(&merged).into_iter().map(|k| (k, idx as u32)));
                    serde_json::to_vec(&merged).map_err(std::io::Error::from)?.into()
                }
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
        let key = HashKey::of_process();
        for (k, entity) in extra_keys {
            let (hi, lo) = split(key.hash(&k));
            self.postings[(hi >> (64 - SHARD_BITS)) as usize].push(Posting::new(hi, lo, entity));
        }
        Ok(offsets)
    }

    /// `ids.fst`: entity id -> entity number.
    fn write_ids(&self) -> Result<(), StoreError> {
        let mut ids: Vec<(&[u8], u32)> =
            self.id_spans.iter().enumerate().map(|(i, &span)| (self.id_text.get(span), i as u32)).collect();
        ids.par_sort_unstable();
        let mut out = fst::MapBuilder::new(BufWriter::new(File::create(self.tmp.join("ids.fst"))?)).map_err(fst_err)?;
        for (id, idx) in &ids {
            out.insert(id, u64::from(*idx)).map_err(fst_err)?;
        }
        out.finish().map_err(fst_err)
    }
}

/// `keys.idx` and `postings.bin` in `dir` (see `keyindex.rs`). The shards hold disjoint ranges
/// of key hashes, in order: each is sorted on its own (on every core), then written in turn,
/// a group of shards at a time turned into bytes side by side.
fn write_keys(dir: &Path, mut shards: Vec<Vec<Posting>>) -> Result<(), StoreError> {
    // sorted and unique, with the number of distinct keys of each shard
    let distinct: Vec<u64> = shards
        .par_iter_mut()
        .map(|shard| {
            shard.sort_unstable();
            shard.dedup();
            shard.windows(2).filter(|w| w[0].key() != w[1].key()).count() as u64 + u64::from(!shard.is_empty())
        })
        .collect();
    let mut postings_out = BufWriter::with_capacity(1 << 20, File::create(dir.join("postings.bin"))?);
    let mut keys_out = BufWriter::with_capacity(1 << 20, File::create(dir.join("keys.idx"))?);
    keys_out.write_all(&keyindex::header(HashKey::of_process(), distinct.iter().sum()))?;
    let mut start = 0u64;
    for group in shards.chunks(16) {
        let starts: Vec<u64> = group
            .iter()
            .scan(start, |at, shard| {
                let s = *at;
                *at += shard.len() as u64;
                Some(s)
            })
            .collect();
        start += group.iter().map(|s| s.len() as u64).sum::<u64>();
        let bytes: Vec<(Vec<u8>, Vec<u8>)> =
            group.par_iter().zip(starts).map(|(shard, start)| shard_bytes(shard, start)).collect();
        for (postings, records) in bytes {
            postings_out.write_all(&postings)?;
            keys_out.write_all(&records)?;
        }
    }
    postings_out.flush()?;
    keys_out.flush()?;
    Ok(())
}

/// The `postings.bin` and `keys.idx` bytes of one sorted shard whose postings start at `start`.
fn shard_bytes(shard: &[Posting], start: u64) -> (Vec<u8>, Vec<u8>) {
    let mut postings = Vec::with_capacity(shard.len() * 4);
    let mut records = Vec::new();
    let mut i = 0;
    while i < shard.len() {
        let (hi, lo) = shard[i].key();
        let mut j = i;
        while j < shard.len() && shard[j].key() == (hi, lo) {
            postings.extend_from_slice(&shard[j].entity().to_le_bytes());
            j += 1;
        }
        records.extend(keyindex::record(hi, lo, (j - i) as u32, start + i as u64));
        i = j;
    }
    (postings, records)
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

fn fst_err(e: fst::Error) -> StoreError {
    StoreError::Io(std::io::Error::other(e))
}
