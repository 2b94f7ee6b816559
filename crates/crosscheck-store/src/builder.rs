//! Building a new dataset version: spill, merge by id, index, then switch atomically.

use crate::keys::index_keys;
use crate::meta::{DatasetMeta, FORMAT_VERSION};
use crate::StoreError;
use crosscheck_model::{Entity, EntityError, Schema};
use fs_err::File;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Where a record with a given id hash was spilled.
struct Slot {
    first: u64,
    schema: &'static Schema,
    more: Vec<u64>,
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
    slots: HashMap<u64, Slot>,
    order: Vec<u64>,
    hasher: std::collections::hash_map::RandomState,
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
            slots: HashMap::new(),
            order: Vec::new(),
            hasher: Default::default(),
            finished: false,
        })
    }

    /// Adds one entity (already validated). Records sharing an id are merged at the end; a record
    /// whose schema cannot merge with the earlier records of its id is refused, so the caller can
    /// reject it.
    pub fn add(&mut self, entity: &Entity) -> Result<(), AddError> {
        let schema =
            entity.schema_def().ok_or_else(|| AddError::Entity(EntityError::UnknownSchema(entity.schema.clone())))?;
        let mut h = self.hasher.build_hasher();
        h.write(entity.id.as_bytes());
        let key = h.finish();
        let offset = self.spill_len;
        if let Some(slot) = self.slots.get_mut(&key) {
            // A hash collision between different ids is possible but harmless: parts are grouped
            // by their real id when merged. The schema check then is conservative.
            let merged = slot.schema.common(schema).ok_or_else(|| {
                AddError::Entity(EntityError::SchemaConflict {
                    left: entity.schema.clone(),
                    right: slot.schema.name.to_string(),
                })
            })?;
            slot.schema = merged;
            slot.more.push(offset);
        } else {
            self.slots.insert(key, Slot { first: offset, schema, more: Vec::new() });
            self.order.push(key);
        }
        let line = serde_json::to_vec(entity).map_err(|e| AddError::Store(StoreError::Io(e.into())))?;
        self.spill.write_all(&line).map_err(|e| AddError::Store(e.into()))?;
        self.spill.write_all(b"\n").map_err(|e| AddError::Store(e.into()))?;
        self.spill_len += line.len() as u64 + 1;
        Ok(())
    }

    /// Entities (distinct ids) so far.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Merges, indexes and makes the new version live. Fails with [`StoreError::Empty`] when no
    /// entity was added; the previous version then stays.
    pub fn finish(mut self) -> Result<LoadStats, StoreError> {
        if self.order.is_empty() {
            return Err(StoreError::Empty(self.meta.dataset.clone()));
        }
        self.spill.flush()?;
        let spill_file = File::open(self.tmp.join("spill.jsonl"))?;
        // SAFETY: the spill file is private to this builder (a fresh temporary folder) and is not
        // modified while mapped.
        #[allow(unsafe_code)]
        let spill = unsafe { memmap2::Mmap::map(spill_file.file())? };
        let part = |offset: u64| -> Result<Entity, StoreError> {
            let start = offset as usize;
            let end = spill[start..].iter().position(|&b| b == b'\n').map_or(spill.len(), |p| start + p);
            serde_json::from_slice(&spill[start..end])
                .map_err(|e| StoreError::Damaged { name: self.meta.dataset.clone(), reason: e.to_string() })
        };

        let mut entities_out = BufWriter::with_capacity(1 << 20, File::create(self.tmp.join("entities.jsonl"))?);
        let mut offsets: Vec<u64> = Vec::with_capacity(self.order.len() + 1);
        let mut ids: Vec<(String, u32)> = Vec::with_capacity(self.order.len());
        let mut keys: Vec<(String, u32)> = Vec::new();
        let mut written = 0u64;
        {
            let mut emit = |entity: Entity, offsets: &mut Vec<u64>| -> Result<(), StoreError> {
                let idx = offsets.len() as u32;
                offsets.push(written);
                let line = serde_json::to_vec(&entity).map_err(std::io::Error::from)?;
                entities_out.write_all(&line)?;
                entities_out.write_all(b"\n")?;
                written += line.len() as u64 + 1;
                keys.extend(index_keys(&entity).into_iter().map(|k| (k, idx)));
                ids.push((entity.id, idx));
                Ok(())
            };
            for key in &self.order {
                let slot = &self.slots[key];
                let first = part(slot.first)?;
                if slot.more.is_empty() {
                    emit(first, &mut offsets)?;
                    continue;
                }
                let mut groups: Vec<Entity> = vec![first];
                for &offset in &slot.more {
                    let next = part(offset)?;
                    match groups.iter_mut().find(|g| g.id == next.id) {
                        Some(g) => g.merge(next).map_err(|e| StoreError::Damaged {
                            name: self.meta.dataset.clone(),
                            reason: e.to_string(),
                        })?,
                        None => groups.push(next),
                    }
                }
                for g in groups {
                    emit(g, &mut offsets)?;
                }
            }
        }
        offsets.push(written);
        entities_out.flush()?;
        entities_out.into_inner().map_err(|e| e.into_error())?.sync_all()?;

        let mut offsets_out = BufWriter::new(File::create(self.tmp.join("offsets.bin"))?);
        for o in &offsets {
            offsets_out.write_all(&o.to_le_bytes())?;
        }
        offsets_out.flush()?;

        ids.sort_unstable();
        ids.dedup_by(|a, b| a.0 == b.0);
        let mut ids_out =
            fst::MapBuilder::new(BufWriter::new(File::create(self.tmp.join("ids.fst"))?)).map_err(fst_err)?;
        for (id, idx) in &ids {
            ids_out.insert(id, u64::from(*idx)).map_err(fst_err)?;
        }
        ids_out.finish().map_err(fst_err)?;

        keys.sort_unstable();
        keys.dedup();
        let mut keys_out =
            fst::MapBuilder::new(BufWriter::new(File::create(self.tmp.join("keys.fst"))?)).map_err(fst_err)?;
        let mut postings = BufWriter::new(File::create(self.tmp.join("postings.bin"))?);
        let mut n_postings: u64 = 0;
        let mut i = 0;
        while i < keys.len() {
            let start = n_postings;
            let mut j = i;
            while j < keys.len() && keys[j].0 == keys[i].0 {
                postings.write_all(&keys[j].1.to_le_bytes())?;
                j += 1;
            }
            n_postings += (j - i) as u64;
            keys_out.insert(&keys[i].0, (start << 32) | (j - i) as u64).map_err(fst_err)?;
            i = j;
        }
        keys_out.finish().map_err(fst_err)?;
        postings.flush()?;
        drop(spill);
        fs_err::remove_file(self.tmp.join("spill.jsonl"))?;

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

    /// The metadata the version will carry; the caller fills in counts before `finish`.
    pub fn meta_mut(&mut self) -> &mut DatasetMeta {
        &mut self.meta
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
    #[error(transparent)]
    Entity(EntityError),
    #[error(transparent)]
    Store(StoreError),
}

fn fst_err(e: fst::Error) -> StoreError {
    StoreError::Io(std::io::Error::other(e))
}
