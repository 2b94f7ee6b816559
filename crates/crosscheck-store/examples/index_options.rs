//! Measures the two candidate-index options of ARCHITECTURE.md on a loaded dataset:
//! (a) the `fst` map read straight from the memory-mapped `keys.fst` (what the store does), and
//! (b) the same keys in an in-memory `HashMap`, which must be rebuilt from disk at every start.
//!
//! Run: `cargo run --release -p crosscheck-store --example index_options -- DATA_DIR DATASET`
//! (load a dataset first, e.g. the 1M synthetic one of `scripts/bench_screening.py scale`).
#![allow(clippy::print_stdout)] // a measuring tool prints its figures

use fst::{IntoStreamer, Streamer};
use std::collections::HashMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, name] = args.as_slice() else {
        println!("usage: index_options DATA_DIR DATASET");
        return;
    };
    let base = std::path::Path::new(dir).join("datasets").join(name);
    let current = std::fs::read_to_string(base.join("CURRENT")).expect("a loaded dataset");
    let path = base.join(current.trim()).join("keys.fst");
    let bytes = std::fs::read(&path).expect("keys.fst");
    let size = bytes.len();

    let start = Instant::now();
    let map = fst::Map::new(bytes).expect("an fst map");
    let fst_open = start.elapsed();
    let mut keys: Vec<String> = Vec::new();
    let mut stream = map.stream();
    let mut key_idx = 0usize;
    while let Some((k, _)) = stream.next() {
        // Every seventh key: a sample spread over the whole key space.
        if key_idx.is_multiple_of(7) {
            keys.push(String::from_utf8_lossy(k).into_owned());
        }
        key_idx += 1;
    }
    let n_keys = map.len();

    let start = Instant::now();
    let mut hash: HashMap<String, u64> = HashMap::with_capacity(n_keys);
    let mut stream = map.into_stream();
    while let Some((k, v)) = stream.next() {
        hash.insert(String::from_utf8_lossy(k).into_owned(), v);
    }
    let hash_build = start.elapsed();
    let hash_bytes: usize = hash.keys().map(|k| k.capacity() + 24 + 8 + 8).sum();

    let map = fst::Map::new(std::fs::read(&path).expect("keys.fst")).expect("an fst map");
    let rounds = 1_000_000 / keys.len().max(1) + 1;
    let start = Instant::now();
    let mut found = 0u64;
    for _ in 0..rounds {
        for k in &keys {
            found += map.get(k).is_some() as u64;
        }
    }
    let fst_lookup = start.elapsed().as_nanos() as f64 / (rounds * keys.len()) as f64;
    let start = Instant::now();
    for _ in 0..rounds {
        for k in &keys {
            found += hash.contains_key(k) as u64;
        }
    }
    let hash_lookup = start.elapsed().as_nanos() as f64 / (rounds * keys.len()) as f64;
    println!("{n_keys} keys ({found} lookups hit)");
    println!(
        "fst:      {:.1} MB on disk, open {:?} (mapped, nothing built), lookup {fst_lookup:.0} ns",
        size as f64 / 1e6,
        fst_open
    );
    println!(
        "HashMap:  ~{:.1} MB in memory, rebuilt in {:?} at every start, lookup {hash_lookup:.0} ns",
        hash_bytes as f64 / 1e6,
        hash_build
    );
}
