//! Building a new dataset version: spill, merge by id, index, then switch atomically.
//!
//! Speed: a load must beat Python's `json` module merely parsing the same file. So the work per
//! entity happens once and in parallel where it can: callers [`prepare`] entities (serialise and
//! compute index keys) on all cores, and the builder only appends bytes and small integers.
//! Ids and index keys arrive hashed there too (a keyed SipHash), so the builder's own thread
//! files an id with an integer lookup (its text goes into one arena, for `ids.fst`) and a key as
//! one (hash, entity) pair; the candidate index is one parallel sort of those pairs at the end
//! (`keyindex.rs`). When no id appears twice (nearly every load) the spill file *is* the
//! entities file; otherwise single records are copied byte for byte and only repeated ids are
//! parsed again and merged.
//!
//! Identity by hash: two different ids are taken as one only if their 128-bit hashes collide,
//! and two keys only if 96 bits of theirs do, under a key drawn at random for each process;
//! nobody can aim for it without the key. That is what lets the serial part skip string
//! comparisons.

use crate::keyindex::{self, split, HashKey, Posting};
use crate::keys::{index_keys, key_hashes};
use crate::meta::{DatasetMeta, FORMAT_VERSION};
use crate::StoreError;
use crosscheck_model::{Entity, EntityError, Schema};
use fs_err::File;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// An entity ready to add: its JSON line, its id, and the hashes of its id and index keys,
/// computed off the builder's thread (the text of a key is not needed once hashed; see
/// `keyindex.rs`).
pub struct Prepared {
    schema: &'static Schema,
    json: Vec<u8>,
    id: String,
    id_hash: u128,
    key_hashes: Vec<(u64, u32)>,
}

/// Serialises an entity and hashes its index keys. Safe to call from many threads.
pub fn prepare(entity: &Entity) -> Result<Prepared, EntityError> {
    let schema = entity.schema_def().ok_or_else(|| EntityError::UnknownSchema(entity.schema.clone()))?;
    // sized for a typical record, so the line is not regrown as it is written
    let mut json = Vec::with_capacity(256);
    // cannot fail: an entity has only string keys and the writer is memory
    let _ = serde_json::to_writer(&mut json, entity);
    let key = HashKey::of_process();
    Ok(Prepared {
        schema,
        json,
        id_hash: key.hash(&entity.id),
        id: entity.id.clone(),
        key_hashes: key_hashes(entity, key),
    })
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
    /// (key hash, slot) pairs, sorted into the index at the end.
    postings: Vec<Posting>,
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
                let id = self.id_text.push(&p.id);
                self.slots.push(Slot { id, first: (offset, len), schema: p.schema, more: Vec::new() });
                idx
            }
        };
        self.postings.extend(p.key_hashes.iter().map(|&(hi, lo)| Posting { hi, lo, entity: slot_idx }));
        let io = |e: std::io::Error| AddError::Store(e.into());
        self.spill.write_all(&p.json).map_err(io)?;
        self.spill.write_all(b"\n").map_err(io)?;
        self.spill_len += u64::from(len) + 1;
        Ok(())
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
        let postings = std::mem::take(&mut self.postings);
        let (ids, keys) = rayon::join(|| self.write_ids(), || write_keys(&self.tmp, postings));
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
        let key = HashKey::of_process();
        for (k, slot) in extra_keys {
            let (hi, lo) = split(key.hash(&k));
            self.postings.push(Posting { hi, lo, entity: slot });
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
}

/// `keys.idx` and `postings.bin` in `dir` (see `keyindex.rs`): pairs sorted by key hash on
/// every core, then one pass writes each key's run of entity numbers and its record.
fn write_keys(dir: &Path, mut postings: Vec<Posting>) -> Result<(), StoreError> {
    postings.par_sort_unstable();
    postings.dedup();
    let mut postings_out = BufWriter::with_capacity(1 << 20, File::create(dir.join("postings.bin"))?);
    let mut records: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < postings.len() {
        let (hi, lo) = (postings[i].hi, postings[i].lo);
        let mut j = i;
        while j < postings.len() && (postings[j].hi, postings[j].lo) == (hi, lo) {
            postings_out.write_all(&postings[j].entity.to_le_bytes())?;
            j += 1;
        }
        records.extend(keyindex::record(hi, lo, (j - i) as u32, i as u64));
        i = j;
    }
    postings_out.flush()?;
    let n = (records.len() / keyindex::RECORD_LEN) as u64;
    let mut keys_out = BufWriter::new(File::create(dir.join("keys.idx"))?);
    keys_out.write_all(&keyindex::header(HashKey::of_process(), n))?;
    keys_out.write_all(&records)?;
    keys_out.flush()?;
    Ok(())
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
