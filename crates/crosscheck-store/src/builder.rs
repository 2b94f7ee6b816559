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
//! and two keys only if 96 bits of theirs do, under the data directory's key (`index.key`, see
//! `hashkey.rs`); nobody can aim for it without the key. That is what lets the serial part skip
//! string comparisons. A [`PreparedBatch`] carries the key it was hashed with, and the builder
//! refuses a batch hashed with another.
//!
//! **One load of a dataset at a time.** [`crate::Store::builder`] takes the dataset's writer
//! lock (`.load.lock`) and holds it until the builder is finished or dropped. A second load of
//! the same dataset *waits* for the first rather than failing: both finish, the later publish
//! wins, and nothing is lost (a scheduled reload does not fail because a person started one by
//! hand). [`crate::Store::builder_waiting`] tells the caller it is waiting, so the CLI can say
//! so. Loads of different datasets run side by side.
//!
//! **Publishing.** The version is built in `.tmp-<pid>-<stamp>-<n>/`, whose `.lock` the load
//! holds. Every file is synced, its size and CRC-32 recorded in `meta.json` (with the version
//! it replaces), the folder renamed to `v<stamp>-<pid>-<n>` and the dataset folder synced; then
//! `CURRENT` is written under a temporary name, synced and renamed over, and the folder synced
//! again. A reader reads `CURRENT` once and opens that folder, so it sees the old version or
//! the new one, whole, never a mix. A failure before the `CURRENT` rename (a disk that fills at
//! the switch) removes the new folder: no orphan is left to fill the disk for the next load.
//!
//! **Rejects belong to their version.** The caller writes rejected records to
//! [`Builder::rejects_path`], inside the folder being built: they are published with the
//! version (`v…/rejects.jsonl`, [`LoadStats::rejects_file`]) and collected with it. A load that
//! fails or loads nothing never touches the live version's rejects: its own are moved to
//! `datasets/<name>/failed-load.rejects.jsonl` ([`Builder::abandon`] returns the path), which
//! the next failed load replaces and the next successful one removes.

use crate::check::{sum_of, SumWriter};
use crate::gc;
use crate::keyindex::{self, split, HashKey, Posting};
use crate::keys::{index_keys, push_key_hashes};
use crate::meta::{DatasetMeta, FileSum, FORMAT_VERSION, KEY_VERSION};
use crate::{Durability, StoreError};
use crosscheck_model::{Entity, EntityError, Schema};
use fs_err::File;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Entities ready to add, prepared together off the builder's thread: their JSON lines, ids and
/// index-key hashes end to end in three buffers (a few allocations per batch, not three per
/// entity, all freed together), and the hash of each id. The text of a key is not needed once
/// hashed (see `keyindex.rs`). Hashed with the store's key: make one with
/// [`Builder::new_batch`] or [`PreparedBatch::new`] and [`crate::Store::hash_key`].
pub struct PreparedBatch {
    key: HashKey,
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
    /// An empty batch whose ids and keys are hashed with `key` (the store's).
    pub fn new(key: HashKey) -> PreparedBatch {
        PreparedBatch { key, json: Vec::new(), ids: String::new(), keys: Vec::new(), items: Vec::new() }
    }

    /// The key the batch hashes with.
    pub fn hash_key(&self) -> HashKey {
        self.key
    }

    /// Serialises `entity` and hashes its id and index keys onto the batch. Safe to run on many
    /// threads, each with a batch of its own.
    pub fn push(&mut self, entity: &Entity) -> Result<(), EntityError> {
        let schema = entity.schema_def().ok_or_else(|| EntityError::UnknownSchema(entity.schema.clone()))?;
        // cannot fail: an entity has only string keys and the writer is memory
        let _ = serde_json::to_writer(&mut self.json, entity);
        self.json.push(b'\n');
        self.ids.push_str(&entity.id);
        let key = self.key;
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

/// The rejects file's name inside a version folder.
pub const REJECTS_FILE: &str = "rejects.jsonl";

/// What a finished load published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadStats {
    /// Entities stored after merging records that share an id.
    pub entities: u64,
    /// The version folder's name, now named by `CURRENT`.
    pub version: String,
    /// The version's rejects (`v…/rejects.jsonl`), if the caller wrote any.
    pub rejects_file: Option<PathBuf>,
}

/// Accepts entities for a new version of one dataset.
///
/// What it keeps per entity is a few integers, column by column (no per-entity allocation):
/// where its first record lies in the spill file, where its id lies in the id arena, and its
/// schema; later records of the same id are listed aside.
pub struct Builder {
    dataset_dir: PathBuf,
    tmp: PathBuf,
    /// The dataset's writer lock, held until the builder is gone.
    _writer_lock: File,
    /// The temporary folder's own lock, held until it is published.
    tmp_lock: Option<File>,
    /// The version folder once renamed into place, until `CURRENT` names it.
    renamed: Option<PathBuf>,
    key: HashKey,
    meta: DatasetMeta,
    spill: BufWriter<SumWriter<File>>,
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
    durability: Durability,
}

impl Builder {
    pub(crate) fn new(
        dataset_dir: PathBuf,
        meta: DatasetMeta,
        key: HashKey,
        durability: Durability,
        on_wait: &mut dyn FnMut(),
    ) -> Result<Builder, StoreError> {
        fs_err::create_dir_all(&dataset_dir)?;
        let writer_lock = gc::lock_writer(&dataset_dir, on_wait)?;
        // Under the writer lock: temporary folders of loads that are gone, orphans and old
        // versions nobody reads go before this load needs the disk space.
        gc::collect(&dataset_dir)?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
        let (pid, n) = (std::process::id(), crate::unique_suffix());
        let tmp = dataset_dir.join(format!("{}{pid}-{stamp}-{n}", gc::TMP_PREFIX));
        let tmp_lock = gc::create_locked_folder(&tmp)?;
        let spill = BufWriter::with_capacity(1 << 20, SumWriter::new(File::create(tmp.join("spill.jsonl"))?));
        Ok(Builder {
            dataset_dir,
            tmp,
            _writer_lock: writer_lock,
            tmp_lock: Some(tmp_lock),
            renamed: None,
            key,
            durability,
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
        let mut batch = self.new_batch();
        batch.push(entity).map_err(|error| AddError::Rejected { error, raw: Vec::new() })?;
        self.add_from(&batch, 0)
    }

    /// Adds entity `i` of a [`PreparedBatch`] (`i` below `batch.len()`).
    pub fn add_from(&mut self, batch: &PreparedBatch, i: usize) -> Result<(), AddError> {
        if batch.key != self.key {
            return Err(AddError::Store(StoreError::WrongKey { name: self.meta.dataset.clone() }));
        }
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

    /// An empty batch hashed with this store's key.
    pub fn new_batch(&self) -> PreparedBatch {
        PreparedBatch::new(self.key)
    }

    /// The key the index is hashed with (the data directory's).
    pub fn hash_key(&self) -> HashKey {
        self.key
    }

    /// Where the caller writes rejected records: `rejects.jsonl` inside the version being built,
    /// published with it (see the module docs).
    pub fn rejects_path(&self) -> PathBuf {
        self.tmp.join(REJECTS_FILE)
    }

    /// Where the rejects of a load that fails are kept: `datasets/<name>/failed-load.rejects.jsonl`.
    pub fn failed_rejects_path(&self) -> PathBuf {
        self.dataset_dir.join(gc::FAILED_REJECTS)
    }

    /// Gives up the load: the folder being built is removed, the live version is untouched.
    /// Returns where the load's rejects were kept ([`Builder::failed_rejects_path`]), if it had any.
    pub fn abandon(mut self) -> Option<PathBuf> {
        self.discard()
    }

    /// Removes what this load built (not yet live), keeping its rejects aside.
    fn discard(&mut self) -> Option<PathBuf> {
        if self.finished {
            return None;
        }
        self.finished = true;
        let folder = self.renamed.take().unwrap_or_else(|| self.tmp.clone());
        let rejects = folder.join(REJECTS_FILE);
        let kept = self.failed_rejects_path();
        let moved = rejects.exists() && fs_err::rename(&rejects, &kept).is_ok();
        let _ = fs_err::remove_dir_all(&folder);
        let _ = fs_err::remove_file(self.dataset_dir.join(gc::CURRENT_TMP));
        let _ = self.durability.sync(|| gc::sync_dir(&self.dataset_dir));
        moved.then_some(kept)
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
        let (entities, (ids, keys)) = std::thread::scope(|scope| {
            let entities = scope.spawn(move || match merged {
                Some(done) => Ok(done),
                None => this.spill_is_entities(),
            });
            let indexes =
                rayon::join(|| this.write_ids(), || write_keys(&this.tmp, this.key, this.durability, postings));
            (entities.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), indexes)
        });
        let (offsets, entities_sum) = entities?;
        let ids_sum = ids?;
        let (keys_sum, postings_sum) = keys?;
        let offset_bytes: Vec<u8> = offsets.iter().flat_map(|o| o.to_le_bytes()).collect();
        write_synced(&self.tmp.join("offsets.bin"), &offset_bytes, self.durability)?;
        let mut sums = vec![
            ("entities.jsonl", entities_sum),
            ("offsets.bin", sum_of(&offset_bytes)),
            ("ids.fst", ids_sum),
            ("keys.idx", keys_sum),
            ("postings.bin", postings_sum),
        ];
        let rejects = self.rejects_path();
        if rejects.exists() {
            let bytes = fs_err::read(&rejects)?;
            let file = File::open(&rejects)?;
            self.durability.sync(|| file.sync_all())?;
            sums.push((REJECTS_FILE, sum_of(&bytes)));
        }
        let n_entities = (offsets.len() - 1) as u64;
        let name = self.meta.dataset.clone();
        self.meta.format_version = FORMAT_VERSION;
        self.meta.key_version = KEY_VERSION;
        self.meta.records = n_entities;
        self.meta.loaded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.meta.data_files = sums.into_iter().map(|(file, sum)| (file.to_string(), sum)).collect();
        // a damaged CURRENT names no version worth keeping
        self.meta.previous_version = gc::read_current(&name, &self.dataset_dir).ok().flatten();
        let meta_json = serde_json::to_vec_pretty(&self.meta).map_err(std::io::Error::from)?;
        write_synced(&self.tmp.join("meta.json"), &meta_json, self.durability)?;
        self.durability.sync(|| gc::sync_dir(&self.tmp))?;

        // Switch: rename the folder into place, then point CURRENT at it. Until CURRENT names it,
        // a failure removes the folder again (`discard`, from drop).
        let version = format!(
            "v{}-{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
            std::process::id(),
            crate::unique_suffix()
        );
        let version_dir = self.dataset_dir.join(&version);
        fs_err::rename(&self.tmp, &version_dir)?;
        self.renamed = Some(version_dir.clone());
        self.durability.sync(|| gc::sync_dir(&self.dataset_dir))?;
        // readers may lock the folder from the moment CURRENT names it
        drop(self.tmp_lock.take());
        let current_tmp = self.dataset_dir.join(gc::CURRENT_TMP);
        write_synced(&current_tmp, version.as_bytes(), self.durability)?;
        fs_err::rename(&current_tmp, self.dataset_dir.join(gc::CURRENT))?;
        self.finished = true;
        self.renamed = None;
        self.durability.sync(|| gc::sync_dir(&self.dataset_dir))?;
        let _ = fs_err::remove_file(self.failed_rejects_path());
        // Older versions go once no reader holds them; the one replaced stays for readers that
        // read CURRENT just before the switch. A failure here leaves them for the next load.
        let _ = gc::collect(&self.dataset_dir);
        let rejects_file = self.meta.data_files.contains_key(REJECTS_FILE).then(|| version_dir.join(REJECTS_FILE));
        Ok(LoadStats { entities: n_entities, version, rejects_file })
    }

    /// No id came twice: the spill file, in order of arrival, is the entities file (its
    /// checksum was taken as it was written).
    fn spill_is_entities(&self) -> Result<(Vec<u64>, FileSum), StoreError> {
        let sum = self.spill.get_ref().sum();
        let spill = self.spill.get_ref().get_ref();
        self.durability.sync(|| spill.sync_all())?;
        fs_err::rename(self.tmp.join("spill.jsonl"), self.tmp.join("entities.jsonl"))?;
        let mut offsets: Vec<u64> = self.firsts.iter().map(|f| f.0).collect();
        offsets.push(self.spill_len);
        Ok((offsets, sum))
    }

    /// Entities in order of first appearance: single records copied, repeated ids merged.
    fn merge_repeated(&mut self) -> Result<(Vec<u64>, FileSum), StoreError> {
        let spill_file = File::open(self.tmp.join("spill.jsonl"))?;
        // SAFETY: the spill file is private to this builder (a fresh temporary folder) and is not
        // modified while mapped.
        #[allow(unsafe_code)]
        let spill = unsafe { memmap2::Mmap::map(spill_file.file())? };
        let bytes = |(offset, len): (u64, u32)| &spill[offset as usize..offset as usize + len as usize];
        let damaged = |reason: String| StoreError::Damaged { name: self.meta.dataset.clone(), reason };
        let mut entities_out =
            BufWriter::with_capacity(1 << 20, SumWriter::new(File::create(self.tmp.join("entities.jsonl"))?));
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
                    // All parts at once: merging part by part went over every value held for
                    // each part (quadratic when thousands of rows share one id).
                    let parts = more
                        .iter()
                        .map(|&part| serde_json::from_slice::<Entity>(bytes(part)).map_err(|e| damaged(e.to_string())))
                        .collect::<Result<Vec<_>, _>>()?;
                    merged.merge_all(parts).map_err(|e| damaged(e.to_string()))?;
                    // Keys of the parts are already filed; an assembled name may add one more,
                    // and one part's birth date gives another part's names their `y:` keys (an
                    // undated part's `u:` keys stay: they only make the entity a candidate for
                    // dated queries, which the scorer judges).
                    extra_keys.extend(index_keys(&merged).into_iter().map(|k| (k, idx as u32)));
                    serde_json::to_vec(&merged).map_err(std::io::Error::from)?.into()
                }
            };
            entities_out.write_all(&line)?;
            entities_out.write_all(b"\n")?;
            written += line.len() as u64 + 1;
        }
        offsets.push(written);
        let (file, sum) = entities_out.into_inner().map_err(|e| e.into_error())?.finish();
        self.durability.sync(|| file.sync_all())?;
        drop(spill);
        fs_err::remove_file(self.tmp.join("spill.jsonl"))?;
        let key = self.key;
        for (k, entity) in extra_keys {
            let (hi, lo) = split(key.hash(&k));
            self.postings[(hi >> (64 - SHARD_BITS)) as usize].push(Posting::new(hi, lo, entity));
        }
        Ok((offsets, sum))
    }

    /// `ids.fst`: entity id -> entity number.
    fn write_ids(&self) -> Result<FileSum, StoreError> {
        let mut ids: Vec<(&[u8], u32)> =
            self.id_spans.iter().enumerate().map(|(i, &span)| (self.id_text.get(span), i as u32)).collect();
        ids.par_sort_unstable();
        let file = SumWriter::new(File::create(self.tmp.join("ids.fst"))?);
        let mut out = fst::MapBuilder::new(BufWriter::with_capacity(1 << 20, file)).map_err(fst_err)?;
        for (id, idx) in &ids {
            out.insert(id, u64::from(*idx)).map_err(fst_err)?;
        }
        let (file, sum) = out.into_inner().map_err(fst_err)?.into_inner().map_err(|e| e.into_error())?.finish();
        self.durability.sync(|| file.sync_all())?;
        Ok(sum)
    }
}

/// `keys.idx` and `postings.bin` in `dir` (see `keyindex.rs`). The shards hold disjoint ranges
/// of key hashes, in order: each is sorted on its own (on every core), then written in turn,
/// a group of shards at a time turned into bytes side by side.
fn write_keys(
    dir: &Path,
    key: HashKey,
    durability: Durability,
    mut shards: Vec<Vec<Posting>>,
) -> Result<(FileSum, FileSum), StoreError> {
    // sorted and unique, with the number of distinct keys of each shard
    let distinct: Vec<u64> = shards
        .par_iter_mut()
        .map(|shard| {
            shard.sort_unstable();
            shard.dedup();
            shard.windows(2).filter(|w| w[0].key() != w[1].key()).count() as u64 + u64::from(!shard.is_empty())
        })
        .collect();
    let mut postings_out = BufWriter::with_capacity(1 << 20, SumWriter::new(File::create(dir.join("postings.bin"))?));
    let mut keys_out = BufWriter::with_capacity(1 << 20, SumWriter::new(File::create(dir.join("keys.idx"))?));
    keys_out.write_all(&keyindex::header(key, distinct.iter().sum()))?;
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
    let (keys_file, keys_sum) = keys_out.into_inner().map_err(|e| e.into_error())?.finish();
    let (postings_file, postings_sum) = postings_out.into_inner().map_err(|e| e.into_error())?.finish();
    // the two syncs overlap: the disk flushes both at once
    let (keys_synced, postings_synced) =
        rayon::join(|| durability.sync(|| keys_file.sync_all()), || durability.sync(|| postings_file.sync_all()));
    keys_synced?;
    postings_synced?;
    Ok((keys_sum, postings_sum))
}

/// Writes `bytes` to a new file at `path` and syncs it (in a durable store).
fn write_synced(path: &Path, bytes: &[u8], durability: Durability) -> Result<(), StoreError> {
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    durability.sync(|| f.sync_all())?;
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
        // an interrupted or failed load: nothing of it is live
        self.discard();
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
