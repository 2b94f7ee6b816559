//! Checksums of a version's files and the deep check behind `crosscheck datasets --check`.
//!
//! A load records each file's size and CRC-32 in `meta.json` (computed while the file is
//! written, or over the entities file while it is synced, so the load pays no extra pass).
//! Opening a version checks what costs nothing: every size against `meta.json`, the headers of
//! `keys.idx` and `ids.fst`, that the offsets cover the entities file exactly. So a file
//! emptied, halved or replaced is refused on open, naming the dataset. Bits flipped inside a
//! file keep its size; [`Dataset::check`] finds them: every checksum, every entity parses and is
//! found by its id, every offset and posting in range.

use crate::dataset::Dataset;
use crate::keyindex;
use crate::meta::FileSum;
use crate::StoreError;
use rayon::prelude::*;
use std::io::Write;

/// A writer that counts and checksums what goes through it.
pub(crate) struct SumWriter<W> {
    inner: W,
    hasher: crc32fast::Hasher,
    size: u64,
}

impl<W: Write> SumWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        SumWriter { inner, hasher: crc32fast::Hasher::new(), size: 0 }
    }

    /// The sum of everything written so far.
    pub(crate) fn sum(&self) -> FileSum {
        FileSum { size: self.size, crc32: self.hasher.clone().finalize() }
    }

    pub(crate) fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The writer and the sum of everything written.
    pub(crate) fn finish(self) -> (W, FileSum) {
        (self.inner, FileSum { size: self.size, crc32: self.hasher.finalize() })
    }
}

impl<W: Write> Write for SumWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The sum of bytes in memory, on every core for a large file.
pub(crate) fn sum_of(bytes: &[u8]) -> FileSum {
    const PIECE: usize = 16 << 20;
    let crc32 = if bytes.len() <= PIECE {
        crc32fast::hash(bytes)
    } else {
        let parts: Vec<crc32fast::Hasher> = bytes
            .par_chunks(PIECE)
            .map(|piece| {
                let mut h = crc32fast::Hasher::new();
                h.update(piece);
                h
            })
            .collect();
        let mut all = crc32fast::Hasher::new();
        for part in parts {
            all.combine(&part);
        }
        all.finalize()
    };
    FileSum { size: bytes.len() as u64, crc32 }
}

/// One file of a version, as the deep check found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    pub name: String,
    /// What `meta.json` recorded.
    pub expected: FileSum,
    /// What is on disk now (`None`: the file cannot be read).
    pub found: Option<FileSum>,
}

impl FileCheck {
    pub fn is_ok(&self) -> bool {
        self.found == Some(self.expected)
    }
}

/// The outcome of [`Dataset::check`]: every file's checksum and whatever else is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub dataset: String,
    /// The version folder checked.
    pub version: String,
    /// Entities that parsed and are found by their id.
    pub entities_ok: u64,
    pub files: Vec<FileCheck>,
    /// Each problem found, in words (the first few of each kind).
    pub problems: Vec<String>,
}

impl CheckReport {
    /// Whether nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && self.files.iter().all(FileCheck::is_ok)
    }

    /// The report when nothing is wrong, else [`StoreError::Damaged`] naming the dataset and
    /// the first problem.
    pub fn into_result(self) -> Result<CheckReport, StoreError> {
        if self.is_ok() {
            return Ok(self);
        }
        let first = self
            .files
            .iter()
            .find(|f| !f.is_ok())
            .map(|f| format!("`{}` does not match its checksum in meta.json", f.name))
            .or_else(|| self.problems.first().cloned())
            .unwrap_or_default();
        Err(StoreError::Damaged { name: self.dataset, reason: first })
    }
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = if self.is_ok() { "ok" } else { "damaged" };
        writeln!(f, "dataset `{}` version `{}`: {verdict}", self.dataset, self.version)?;
        for file in &self.files {
            match file.found {
                Some(found) if found == file.expected => {
                    writeln!(f, "  {}: ok ({} bytes, crc32 {:08x})", file.name, found.size, found.crc32)?
                }
                Some(found) => writeln!(
                    f,
                    "  {}: {} bytes, crc32 {:08x}; meta.json says {} bytes, crc32 {:08x}",
                    file.name, found.size, found.crc32, file.expected.size, file.expected.crc32
                )?,
                None => writeln!(f, "  {}: cannot be read", file.name)?,
            }
        }
        writeln!(f, "  entities readable and found by id: {}", self.entities_ok)?;
        for problem in &self.problems {
            writeln!(f, "  problem: {problem}")?;
        }
        Ok(())
    }
}

/// At most this many problems of one kind are listed.
const MAX_LISTED: usize = 5;

impl Dataset {
    /// The deep check: every file against its checksum, every entity parsed and found by its
    /// id, every offset and posting in range. Reads every byte of the version (about a second
    /// per million entities); `Err` only when a file cannot be read at all.
    pub fn check(&self) -> Result<CheckReport, StoreError> {
        let mut files = Vec::new();
        for (name, &expected) in &self.meta().data_files {
            let found = match self.mapped(name) {
                Some(bytes) => Some(sum_of(bytes)),
                None => fs_err::read(self.dir().join(name)).ok().map(|b| sum_of(&b)),
            };
            files.push(FileCheck { name: name.clone(), expected, found });
        }
        let mut problems = Vec::new();
        let n = self.len();
        // offsets: increasing, within the entities file, each entity ending in a newline
        let bad_offsets: Vec<String> = (0..n)
            .into_par_iter()
            .filter_map(|i| self.raw_checked(i as u32).err().map(|e| e.to_string()))
            .take_any(MAX_LISTED)
            .collect();
        problems.extend(bad_offsets);
        // entities: parse, and the id map sends each one's id back to it
        let (ok, bad): (Vec<()>, Vec<String>) = (0..n as u32)
            .into_par_iter()
            .map(|i| match self.entity(i) {
                Ok(e) => match self.id_index(&e.id) {
                    Some(j) if j == i => Ok(()),
                    other => Err(format!("entity {i} (`{}`) is found by its id at {other:?}", e.id)),
                },
                Err(e) => Err(e.to_string()),
            })
            .partition_map(|r| match r {
                Ok(()) => rayon::iter::Either::Left(()),
                Err(e) => rayon::iter::Either::Right(e),
            });
        problems.extend(bad.into_iter().take(MAX_LISTED));
        if self.id_count() != n {
            problems.push(format!("ids.fst holds {} ids for {n} entities", self.id_count()));
        }
        // the key table: sorted, each run of postings inside postings.bin, each posting an entity
        let (keys, n_keys, postings) = self.index_parts();
        let n_postings = (postings.len() / 4) as u64;
        let mut listed = 0;
        let mut previous: Option<(u64, u32)> = None;
        for r in 0..n_keys {
            let (hi, lo, count, start) = keyindex::record_at(keys, r);
            let wrong = if previous.is_some_and(|p| p >= (hi, lo)) {
                Some(format!("keys.idx record {r} is out of order"))
            } else if start.checked_add(u64::from(count)).is_none_or(|end| end > n_postings) {
                Some(format!("keys.idx record {r} points past the end of postings.bin"))
            } else {
                None
            };
            previous = Some((hi, lo));
            if let Some(w) = wrong {
                if listed < MAX_LISTED {
                    problems.push(w);
                }
                listed += 1;
            }
        }
        if let Some(p) =
            postings.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).find(|&p| p as usize >= n)
        {
            problems.push(format!("postings.bin names entity {p}, past the last one"));
        }
        Ok(CheckReport {
            dataset: self.name().to_string(),
            version: self.version().to_string(),
            entities_ok: ok.len() as u64,
            files,
            problems,
        })
    }
}
