//! The candidate index on disk: `keys.idx`, a table of index-key hashes sorted for binary
//! search, each with its run of entity numbers in `postings.bin`.
//!
//! ```text
//! keys.idx   header: b"CCKI", u32 LE version (1), u64 LE SipHash key k0, u64 LE k1, u64 LE n
//!            n records of 24 bytes, sorted by (hi, lo):
//!              u64 LE hi, u32 LE lo   96 bits of the key's keyed SipHash-1-3 (128-bit output)
//!              u32 LE count           entity numbers filed under the key
//!              u64 LE start           their position in postings.bin (in u32 units)
//! ```
//!
//! Why hashes and not the keys themselves (an `fst` map until store format 3): a lookup only
//! ever asks "which entities are filed under this exact key", never for a range or a prefix,
//! so the text of a key is not needed once it is hashed. Building the table is a parallel sort
//! of (hash, entity) pairs, where an fst must be built one key at a time on one core: about a
//! second of a 1M-entity load (1.4M keys) against a few tens of milliseconds. The figures of
//! both options are in ARCHITECTURE.md (`examples/index_options.rs` measures them).
//!
//! Two different keys share an entry only if 96 bits of their hash collide under the key drawn
//! at random for the data directory (`hashkey.rs`) (about 1.4M² / 2^97 ≈ 10^-17 for a million-entity load); the
//! effect would be extra candidates for a query, which the scorer then judges like any other.

pub(crate) use crate::hashkey::HashKey;

const MAGIC: &[u8; 4] = b"CCKI";
const VERSION: u32 = 1;
pub(crate) const HEADER_LEN: usize = 32;
pub(crate) const RECORD_LEN: usize = 24;

/// The 96 bits of a key hash the index keeps: (hi, lo).
pub(crate) fn split(hash: u128) -> (u64, u32) {
    ((hash >> 64) as u64, (hash >> 32) as u32)
}

/// One (key, entity) pair while building, packed in one integer (96 bits of key hash, then the
/// entity number) so that sorting compares integers; sorts by key hash, then entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Posting(u128);

impl Posting {
    pub(crate) fn new(hi: u64, lo: u32, entity: u32) -> Posting {
        Posting((u128::from(hi) << 64) | (u128::from(lo) << 32) | u128::from(entity))
    }

    /// The key hash as (hi, lo).
    pub(crate) fn key(self) -> (u64, u32) {
        ((self.0 >> 64) as u64, (self.0 >> 32) as u32)
    }

    pub(crate) fn entity(self) -> u32 {
        self.0 as u32
    }
}

/// The header of a `keys.idx` with `n` records.
pub(crate) fn header(key: HashKey, n: u64) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..4].copy_from_slice(MAGIC);
    h[4..8].copy_from_slice(&VERSION.to_le_bytes());
    h[8..16].copy_from_slice(&key.0.to_le_bytes());
    h[16..24].copy_from_slice(&key.1.to_le_bytes());
    h[24..32].copy_from_slice(&n.to_le_bytes());
    h
}

/// One record of a `keys.idx`.
pub(crate) fn record(hi: u64, lo: u32, count: u32, start: u64) -> [u8; RECORD_LEN] {
    let mut r = [0u8; RECORD_LEN];
    r[..8].copy_from_slice(&hi.to_le_bytes());
    r[8..12].copy_from_slice(&lo.to_le_bytes());
    r[12..16].copy_from_slice(&count.to_le_bytes());
    r[16..24].copy_from_slice(&start.to_le_bytes());
    r
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or([0; 4]))
}

/// Reads the header of a mapped `keys.idx`: its hash key and record count, or why it is not one.
pub(crate) fn read_header(bytes: &[u8]) -> Result<(HashKey, usize), String> {
    if bytes.len() < HEADER_LEN || &bytes[..4] != MAGIC {
        return Err("keys.idx is not a key index".into());
    }
    if u32_at(bytes, 4) != VERSION {
        return Err(format!("keys.idx has version {}, expected {VERSION}", u32_at(bytes, 4)));
    }
    let n = u64_at(bytes, 24) as usize;
    if bytes.len() != HEADER_LEN + n * RECORD_LEN {
        return Err("keys.idx is truncated".into());
    }
    Ok((HashKey(u64_at(bytes, 8), u64_at(bytes, 16)), n))
}

/// Record `r` of a mapped `keys.idx` whose header was checked: (hi, lo, count, start).
pub(crate) fn record_at(bytes: &[u8], r: usize) -> (u64, u32, u32, u64) {
    let at = HEADER_LEN + r * RECORD_LEN;
    (u64_at(bytes, at), u32_at(bytes, at + 8), u32_at(bytes, at + 12), u64_at(bytes, at + 16))
}

/// (start, count) of `key`'s postings in a mapped `keys.idx` whose header was checked.
pub(crate) fn lookup(bytes: &[u8], hash_key: HashKey, n: usize, key: &str) -> Option<(u64, u32)> {
    let target = split(hash_key.hash(key));
    let at = |i: usize| HEADER_LEN + i * RECORD_LEN;
    let (mut low, mut high) = (0usize, n);
    while low < high {
        let mid = low + (high - low) / 2;
        let r = at(mid);
        match (u64_at(bytes, r), u32_at(bytes, r + 8)).cmp(&target) {
            std::cmp::Ordering::Less => low = mid + 1,
            std::cmp::Ordering::Greater => high = mid,
            std::cmp::Ordering::Equal => return Some((u64_at(bytes, r + 16), u32_at(bytes, r + 12))),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_table_answers_every_key_and_only_those() {
        let key = HashKey(7, 11);
        let keys = ["n:ivanov", "n:ivan", "i:4509123456", "r:p1", "n:"];
        let mut entries: Vec<(u64, u32, u32, u64)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let (hi, lo) = split(key.hash(k));
                (hi, lo, i as u32 + 1, 10 * i as u64)
            })
            .collect();
        entries.sort();
        let mut bytes = header(key, entries.len() as u64).to_vec();
        for (hi, lo, count, start) in &entries {
            bytes.extend(record(*hi, *lo, *count, *start));
        }
        assert_eq!(read_header(&bytes), Ok((key, keys.len())));
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(lookup(&bytes, key, keys.len(), k), Some((10 * i as u64, i as u32 + 1)), "{k}");
        }
        assert_eq!(lookup(&bytes, key, keys.len(), "n:petrov"), None);
        // another hash key finds nothing: the table is only readable with its own key
        assert_eq!(lookup(&bytes, HashKey(8, 11), keys.len(), "n:ivanov"), None);
        assert!(read_header(&bytes[..bytes.len() - 1]).is_err());
        assert!(read_header(b"not an index at all, 32 bytes...").is_err());
    }
}
