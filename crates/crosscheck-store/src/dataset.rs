//! Reading one dataset version: memory-mapped, nothing loaded per entity.
//!
//! A [`Dataset`] is an immutable snapshot: the files of one version folder, mapped, with a
//! shared lock on the folder's `.lock` held for as long as the value lives, so garbage
//! collection leaves the folder alone (see `gc.rs`). The [`crate::Store`] catalog hands it out
//! in an `Arc`. Opening checks what is cheap (sizes against `meta.json`, headers, offsets);
//! [`Dataset::check`] (in `check.rs`) checks the rest.

use crate::gc;
use crate::keyindex::{self, HashKey};
use crate::meta::{DatasetMeta, FORMAT_VERSION, KEY_VERSION};
use crate::StoreError;
use crosscheck_model::Entity;
use memmap2::Mmap;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

/// A dataset version, open for reading (a snapshot: it never changes while it lives).
pub struct Dataset {
    meta: DatasetMeta,
    version: String,
    dataset_dir: PathBuf,
    /// The shared lock on the version folder; `None` only while dropping.
    lock: Option<fs_err::File>,
    entities: Mmap,
    offsets: Mmap,
    ids: fst::Map<Mmap>,
    /// `keys.idx` (see `keyindex.rs`), its hash key and record count.
    keys: Mmap,
    hash_key: HashKey,
    n_keys: usize,
    postings: Mmap,
}

/// The entities filed under one key of the candidate index ([`Dataset::blocks`]).
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    key: (u64, u32),
    postings: &'a [u8],
}

impl Block<'_> {
    /// The key's hash, as the index orders keys: two datasets of one data directory file the
    /// same key under the same hash (the directory's `index.key`), so a cross-reference between
    /// them joins their blocks on it.
    pub fn key(&self) -> (u64, u32) {
        self.key
    }

    /// How many entities share the key.
    pub fn len(&self) -> usize {
        self.postings.len() / 4
    }

    /// Whether no entity is filed under the key (never, for a key of a live version).
    pub fn is_empty(&self) -> bool {
        self.postings.is_empty()
    }

    /// The entity numbers, ascending.
    pub fn entities(&self) -> impl Iterator<Item = u32> + '_ {
        self.postings.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
}

/// An entity number and how strongly the index suggests it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub index: u32,
    pub weight: f32,
}

/// Why a version could not be opened: its folder went away (garbage collection won a race with
/// a reader that read `CURRENT` before a newer publish: read `CURRENT` again), or an error.
pub(crate) enum OpenError {
    Gone,
    Store(StoreError),
}

impl From<StoreError> for OpenError {
    fn from(e: StoreError) -> Self {
        OpenError::Store(e)
    }
}

fn not_found(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound
}

fn map(path: &Path) -> Result<Mmap, OpenError> {
    let file = match fs_err::File::open(path) {
        Ok(f) => f,
        Err(e) if not_found(&e) => return Err(OpenError::Gone),
        Err(e) => return Err(StoreError::Io(e).into()),
    };
    // SAFETY: version folders are immutable once live: a reload writes a new folder and never
    // modifies a published one, and the shared lock we hold keeps garbage collection from
    // removing it, so the mapping cannot change under us.
    #[allow(unsafe_code)]
    let mmap = unsafe { Mmap::map(file.file()) }.map_err(StoreError::Io)?;
    Ok(mmap)
}

/// The files every version has, beside `meta.json` and `.lock`.
pub(crate) const DATA_FILES: [&str; 5] = ["entities.jsonl", "offsets.bin", "ids.fst", "keys.idx", "postings.bin"];

impl Dataset {
    /// Opens version folder `version` of dataset `name` (in `dataset_dir`), taking its shared lock.
    pub(crate) fn open(name: &str, dataset_dir: &Path, version: &str) -> Result<Dataset, OpenError> {
        let dir = dataset_dir.join(version);
        let damaged = |reason: String| OpenError::Store(StoreError::Damaged { name: name.to_string(), reason });
        let lock = match fs_err::File::open(dir.join(gc::FOLDER_LOCK)) {
            Ok(lock) => {
                lock.lock_shared().map_err(StoreError::Io)?;
                Some(lock)
            }
            Err(e) if not_found(&e) => None,
            Err(e) => return Err(StoreError::Io(e).into()),
        };
        let meta_text = match fs_err::read_to_string(dir.join("meta.json")) {
            Ok(t) => t,
            Err(e) if not_found(&e) => return Err(OpenError::Gone),
            Err(e) => return Err(StoreError::Io(e).into()),
        };
        let value: serde_json::Value =
            serde_json::from_str(&meta_text).map_err(|e| damaged(format!("meta.json: {e}")))?;
        let found = value.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if found != FORMAT_VERSION {
            let name = name.to_string();
            return Err(StoreError::Incompatible { name, found, expected: FORMAT_VERSION }.into());
        }
        let meta: DatasetMeta = serde_json::from_value(value).map_err(|e| damaged(format!("meta.json: {e}")))?;
        if meta.key_version != KEY_VERSION {
            let name = name.to_string();
            return Err(StoreError::KeyAlgorithm { name, found: meta.key_version, expected: KEY_VERSION }.into());
        }
        if meta.dataset != name {
            return Err(damaged(format!("version `{version}` belongs to dataset `{}`", meta.dataset)));
        }
        let Some(lock) = lock else {
            return Err(damaged(format!("version `{version}` has no `{}`", gc::FOLDER_LOCK)));
        };
        let mut maps = Vec::with_capacity(DATA_FILES.len());
        for file in DATA_FILES {
            let Some(sum) = meta.data_files.get(file) else {
                return Err(damaged(format!("meta.json records no size for `{file}`")));
            };
            let mapped = map(&dir.join(file))?;
            if mapped.len() as u64 != sum.size {
                return Err(damaged(format!(
                    "`{file}` is {} bytes, meta.json says {} (emptied, cut short or replaced)",
                    mapped.len(),
                    sum.size
                )));
            }
            maps.push(mapped);
        }
        let [entities, offsets, ids, keys, postings]: [Mmap; 5] =
            maps.try_into().map_err(|_| damaged("files missing".into()))?;
        if offsets.len() % 8 != 0 || offsets.len() / 8 != meta.records as usize + 1 {
            return Err(damaged("offsets do not match the entity count".into()));
        }
        let offset_at = |i: usize| u64::from_le_bytes(offsets[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]));
        if offset_at(0) != 0 || offset_at(meta.records as usize) != entities.len() as u64 {
            return Err(damaged("the offsets do not cover the entities file".into()));
        }
        if postings.len() % 4 != 0 {
            return Err(damaged("postings.bin is not a whole number of entries".into()));
        }
        let ids = fst::Map::new(ids).map_err(|e| damaged(format!("ids.fst: {e}")))?;
        let (hash_key, n_keys) = keyindex::read_header(&keys).map_err(damaged)?;
        Ok(Dataset {
            meta,
            version: version.to_string(),
            dataset_dir: dataset_dir.to_path_buf(),
            lock: Some(lock),
            entities,
            offsets,
            ids,
            keys,
            hash_key,
            n_keys,
            postings,
        })
    }

    /// Tells the kernel that the records read so far need not stay in this process's memory
    /// (after a pass over every record, such as building a search index): they stay in the
    /// page cache and are mapped again, from it, when next read. The resident memory of a
    /// server then counts the records its requests read, not every record it once indexed.
    pub fn release_read_pages(&self) {
        // SAFETY: the mapping is read-only and its file never changes (see `map`): dropping its
        // pages loses nothing, the next read maps the same bytes again from the file.
        #[cfg(unix)]
        #[allow(unsafe_code)]
        let _ = unsafe { self.entities.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
    }

    /// The version folder's name (`v…`), as `CURRENT` named it when this snapshot was opened.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The version folder.
    pub fn dir(&self) -> PathBuf {
        self.dataset_dir.join(&self.version)
    }

    /// The version's rejects file (`rejects.jsonl` in the version folder), if its load had any.
    pub fn rejects_file(&self) -> Option<PathBuf> {
        self.meta
            .data_files
            .contains_key(crate::builder::REJECTS_FILE)
            .then(|| self.dir().join(crate::builder::REJECTS_FILE))
    }

    /// The bytes of a mapped data file, by name.
    pub(crate) fn mapped(&self, file: &str) -> Option<&[u8]> {
        match file {
            "entities.jsonl" => Some(&self.entities),
            "offsets.bin" => Some(&self.offsets),
            "ids.fst" => Some(self.ids.as_fst().as_bytes()),
            "keys.idx" => Some(&self.keys),
            "postings.bin" => Some(&self.postings),
            _ => None,
        }
    }

    pub(crate) fn id_index(&self, id: &str) -> Option<u32> {
        self.ids.get(id).map(|i| i as u32)
    }

    pub(crate) fn id_count(&self) -> usize {
        self.ids.len()
    }

    /// `keys.idx`, its record count and `postings.bin`.
    pub(crate) fn index_parts(&self) -> (&[u8], usize, &[u8]) {
        (&self.keys, self.n_keys, &self.postings)
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

    /// The raw JSON of entity `index` (without its newline), or why it cannot be read.
    pub fn raw_checked(&self, index: u32) -> Result<&[u8], StoreError> {
        let i = index as usize;
        let damaged = |reason: String| StoreError::Damaged { name: self.meta.dataset.clone(), reason };
        if i >= self.len() {
            return Err(damaged(format!("entity {index} asked for, the dataset holds {}", self.len())));
        }
        let (start, end) = (self.offset(i), self.offset(i + 1));
        match self.entities.get(start..end) {
            Some([line @ .., b'\n']) => Ok(line),
            _ => Err(damaged(format!("entity {index}: its offsets ({start}..{end}) do not frame a line"))),
        }
    }

    /// The raw JSON of entity `index`; empty when it cannot be read (see [`Dataset::raw_checked`]).
    pub fn raw(&self, index: u32) -> &[u8] {
        self.raw_checked(index).unwrap_or(&[])
    }

    /// Entity number `index`. A record that cannot be read is [`StoreError::Damaged`], naming the
    /// dataset: never a silently missing candidate.
    pub fn entity(&self, index: u32) -> Result<Entity, StoreError> {
        serde_json::from_slice(self.raw_checked(index)?).map_err(|e| StoreError::Damaged {
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

    /// Every key of the candidate index with the entities filed under it, in the index's
    /// order (ascending [`Block::key`]: the same for the same data directory and data). What a
    /// cross-reference iterates: two entities are candidates for each other when they share a
    /// block. The key's text is not kept (`keyindex.rs`), only its entities.
    pub fn blocks(&self) -> impl Iterator<Item = Block<'_>> + '_ {
        (0..self.n_keys).map(move |r| {
            let (hi, lo, count, start) = keyindex::record_at(&self.keys, r);
            let (start, count) = (start as usize, count as usize);
            Block { key: (hi, lo), postings: self.postings.get(start * 4..(start + count) * 4).unwrap_or(&[]) }
        })
    }

    /// The entity numbers of records that link to entity `id` (through any entity-typed
    /// property), in stored order.
    pub fn referencing(&self, id: &str) -> impl Iterator<Item = u32> + '_ {
        self.postings(&format!("r:{id}")).collect::<Vec<_>>().into_iter()
    }

    /// The entity numbers of records that name `id` among their `referents` (the ids merged
    /// into them), in stored order.
    pub fn merged_into(&self, id: &str) -> impl Iterator<Item = u32> + '_ {
        self.postings(&format!("m:{id}")).collect::<Vec<_>>().into_iter()
    }

    /// The entity number of `id`: its place in stored order.
    pub fn number(&self, id: &str) -> Option<u32> {
        self.ids.get(id).map(|i| i as u32)
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
    /// outranks agreeing on "Ivan", and a name with the birth year (`y:`) outranks the name
    /// alone; an undated person's key (`u:`) weighs as the name alone; identifier keys weigh
    /// most.
    ///
    /// Which keys bring in candidates of their own (the others only add weight to candidates
    /// found): a key shared by at most `COMMON` entities. A frequent given name must not flood
    /// the list, and capping its postings would drop true candidates arbitrarily. Where the
    /// query's birth year is known (a group holding `y:` or `u:` keys found in the index), the
    /// name alone brings in only namesakes few enough to be scored all (`8 x limit`): the
    /// namesakes born that year and those with no date come through the rarer keys, and the
    /// thousands born in other years would only cost time (issue 13). The vote runs in two
    /// passes: every key that brings in candidates first (each group's keys heaviest first, so
    /// the first to credit a candidate in a group is its best), then the others over the
    /// candidates found, so the result does not depend on the order of the groups. Only when
    /// no key at all may bring in candidates does the rarest group, its first `COMMON`.
    pub fn candidates_grouped(&self, groups: &[Vec<String>], limit: usize) -> Vec<Candidate> {
        const COMMON: usize = 20_000;
        let few = limit.saturating_mul(8).max(1);
        let n = self.len().max(1) as f32;
        let idf = |df: usize| (1.0 + n / df.max(1) as f32).ln();
        // Each group's keys found in the index, heaviest first.
        let mut groups: Vec<Vec<VoteKey>> = groups
            .iter()
            .map(|g| {
                let found: Vec<(&String, usize, usize)> = g
                    .iter()
                    .map(|k| {
                        let (start, df) = self.key_postings(k);
                        (k, start, df)
                    })
                    .filter(|&(_, _, df)| df > 0)
                    .collect();
                let dated = found.iter().any(|(k, _, _)| k.starts_with("y:") || k.starts_with("u:"));
                let mut keys: Vec<VoteKey> = found
                    .into_iter()
                    .map(|(k, start, df)| {
                        let (weight, opens, dates) = match k.split_at(2) {
                            ("i:", _) => (idf(df) * 4.0, df <= COMMON, false),
                            ("u:", name_key) => {
                                (idf(self.key_postings(&format!("n:{name_key}")).1), df <= COMMON, true)
                            }
                            ("y:", _) => (idf(df), df <= COMMON, true),
                            ("n:", _) if dated => (idf(df), df <= few.min(COMMON), false),
                            _ => (idf(df), df <= COMMON, false),
                        };
                        VoteKey { weight, start, df, opens, dates, name_in_dated_group: dated && k.starts_with("n:") }
                    })
                    .collect();
                keys.sort_unstable_by(|a, b| b.weight.total_cmp(&a.weight).then(a.df.cmp(&b.df)));
                keys
            })
            .filter(|keys| !keys.is_empty())
            .collect();
        groups.sort_by_key(|keys| keys.iter().map(|k| k.df).min().unwrap_or(usize::MAX));
        if !groups.iter().flatten().any(|k| k.opens) {
            if let Some(rarest) = groups.first_mut() {
                rarest.iter_mut().for_each(|k| k.opens = true);
            }
        }
        let capacity: usize = groups.iter().flatten().filter(|k| k.opens).map(|k| k.df.min(COMMON)).sum();
        // entity -> (weight, whether a `y:` or `u:` key credited it: it showed the year, or
        // that it has no date)
        let mut weights: FxHashMap<u32, (f32, bool)> = FxHashMap::default();
        weights.reserve(capacity.min(1 << 20));
        // For the groups with keys that only add weight: the candidates each one credited first.
        let mut credited_by: Vec<(usize, FxHashSet<u32>)> = Vec::new();
        for (g, keys) in groups.iter().enumerate() {
            // sized up front: growing a set of thousands rehashed it a dozen times per query
            let size: usize = keys.iter().filter(|k| k.opens).map(|k| k.df.min(COMMON)).sum();
            let mut credited: FxHashSet<u32> =
                FxHashSet::with_capacity_and_hasher(size.min(1 << 20), Default::default());
            for key in keys.iter().filter(|k| k.opens) {
                for idx in self.postings_at(key.start, key.df).take(COMMON) {
                    if credited.insert(idx) {
                        let entry = weights.entry(idx).or_default();
                        entry.0 += key.weight;
                        entry.1 |= key.dates;
                    }
                }
            }
            if keys.iter().any(|k| !k.opens) {
                credited_by.push((g, credited));
            }
        }
        // Candidates that showed no year: the only ones a dated group's name key can add to
        // (any other candidate with the name was credited by the name's `y:` or `u:` key).
        let mut yearless: Option<Vec<u32>> = None;
        for (g, mut credited) in credited_by {
            for key in groups[g].iter().filter(|k| !k.opens) {
                let bytes = self.postings.get(key.start * 4..(key.start + key.df) * 4).unwrap_or(&[]);
                let credit = |credited: &mut FxHashSet<u32>, idx: u32, entry: &mut (f32, bool)| {
                    if credited.insert(idx) {
                        entry.0 += key.weight;
                        entry.1 |= key.dates;
                    }
                };
                if key.name_in_dated_group {
                    let yearless = yearless.get_or_insert_with(|| {
                        let mut v: Vec<u32> = weights.iter().filter(|(_, e)| !e.1).map(|(idx, _)| *idx).collect();
                        v.sort_unstable();
                        v
                    });
                    for_each_in_postings(bytes, yearless, |idx| {
                        if let Some(entry) = weights.get_mut(&idx) {
                            credit(&mut credited, idx, entry);
                        }
                    });
                } else if weights.len().saturating_mul(16) < key.df {
                    // far fewer candidates than postings: look each one up (postings are sorted)
                    let mut uncredited: Vec<u32> =
                        weights.keys().filter(|idx| !credited.contains(idx)).copied().collect();
                    uncredited.sort_unstable();
                    for_each_in_postings(bytes, &uncredited, |idx| {
                        if let Some(entry) = weights.get_mut(&idx) {
                            credit(&mut credited, idx, entry);
                        }
                    });
                } else {
                    for idx in bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])) {
                        if let Some(entry) = weights.get_mut(&idx) {
                            credit(&mut credited, idx, entry);
                        }
                    }
                }
            }
        }
        let mut out: Vec<Candidate> =
            weights.into_iter().map(|(index, (weight, _))| Candidate { index, weight }).collect();
        let order = |a: &Candidate, b: &Candidate| b.weight.total_cmp(&a.weight).then(a.index.cmp(&b.index));
        // Candidates tied with the best one are kept too (up to 8 x limit): namesakes the index
        // cannot tell apart (the same name, the same birth year) must all reach the scorer, or
        // a name shared by hundreds would hide the one whose birth date agrees. Ties further
        // down the list share less of the query than the best candidate, and scoring hundreds
        // of them cost most of a query's time among namesakes (issue 13). Only candidates that
        // can be returned are sorted.
        if limit > 0 && out.len() > limit {
            out.select_nth_unstable_by(limit - 1, order);
            let cutoff = out[limit - 1].weight;
            let best = out[..limit].iter().map(|c| c.weight).fold(cutoff, f32::max);
            // sums of the same weights in another order may differ in the last bits
            let tied_with_best = cutoff >= best - best.abs() * 1e-5;
            let mut kept = limit;
            if tied_with_best {
                for rest in limit..out.len() {
                    if out[rest].weight >= cutoff {
                        out.swap(kept, rest);
                        kept += 1;
                    }
                }
            }
            out.truncate(kept);
        }
        out.sort_unstable_by(order);
        out.truncate(if limit == 0 { 0 } else { out.len().min(limit * 8) });
        out
    }

    /// `count` entity numbers from `start` in `postings.bin`.
    fn postings_at(&self, start: usize, count: usize) -> impl Iterator<Item = u32> + '_ {
        let bytes = self.postings.get(start * 4..(start + count) * 4).unwrap_or(&[]);
        bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
}

/// One key of a query group, as the candidate vote uses it.
struct VoteKey {
    weight: f32,
    /// Its run in `postings.bin`: first entity number and count (the document frequency).
    start: usize,
    df: usize,
    /// Whether it brings in candidates of its own, or only adds weight to those found.
    opens: bool,
    /// A `y:` or `u:` key: what a candidate it credits says about its birth date.
    dates: bool,
    /// An `n:` key in a group that also holds `y:` or `u:` keys found in the index.
    name_in_dated_group: bool,
}

/// Calls `f` with each of `sorted` (ascending) that is among the ascending u32 LE entity
/// numbers of `bytes`. A galloping search from the last position found: the lookups move
/// forward through the postings, so a few candidates against a long list read a few cache lines
/// each instead of a whole binary search's.
pub(crate) fn for_each_in_postings(bytes: &[u8], sorted: &[u32], mut f: impl FnMut(u32)) {
    let len = bytes.len() / 4;
    let at = |i: usize| u32::from_le_bytes([bytes[i * 4], bytes[i * 4 + 1], bytes[i * 4 + 2], bytes[i * 4 + 3]]);
    let mut lo = 0;
    for &idx in sorted {
        // gallop: find the first step at or past idx, then search between the last two steps
        let mut step = 1;
        while lo + step < len && at(lo + step) < idx {
            step *= 2;
        }
        let (mut a, mut b) = (lo + step / 2, (lo + step + 1).min(len));
        while a < b {
            let mid = a + (b - a) / 2;
            if at(mid) < idx {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        if a == len {
            return;
        }
        if at(a) == idx {
            f(idx);
        }
        lo = a;
    }
}

impl Drop for Dataset {
    fn drop(&mut self) {
        // Release our share first, then remove the folder if nobody else holds it and it is no
        // longer kept (a newer version replaced the one after it).
        drop(self.lock.take());
        gc::collect_version(&self.dataset_dir, &self.version);
    }
}
