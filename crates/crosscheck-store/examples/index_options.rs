//! Measures the candidate-index options of ARCHITECTURE.md on the keys of a loaded dataset:
//! (a) an `fst` map of the key strings (the store's index until format 3), built as a load must
//!     build it: sort, then insert one key at a time;
//! (b) the store's own `keys.idx`, a sorted table of 96-bit key hashes (format 3), built by one
//!     parallel sort of (hash, entity) pairs; its lookups are timed through `Dataset::postings`;
//! (c) an in-memory `HashMap` of the key strings, which every process would rebuild at start.
//!
//! Run: `cargo run --release -p crosscheck-store --example index_options -- DATA_DIR DATASET`
//! (load a dataset first, e.g. the 1M synthetic one of `scripts/bench_screening.py scale`).
#![allow(clippy::print_stdout)] // a measuring tool prints its figures

use crosscheck_store::{index_keys, reference_keys, Store};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, name] = args.as_slice() else {
        println!("usage: index_options DATA_DIR DATASET");
        return;
    };
    let store = Store::open(std::path::Path::new(dir)).expect("a data directory");
    let ds = store.dataset(name).expect("a loaded dataset");
    // Every (key, entity) pair the dataset was filed under, computed again from its entities.
    let pairs: Vec<(String, u32)> = (0..ds.len() as u32)
        .into_par_iter()
        .flat_map_iter(|i| {
            let e = ds.entity(i).expect("a stored entity");
            let mut keys = index_keys(&e);
            keys.extend(reference_keys(&e));
            keys.into_iter().map(move |k| (k, i))
        })
        .collect();

    // (a) fst: sort the distinct keys, then build.
    let start = Instant::now();
    let mut keys: Vec<&str> = pairs.par_iter().map(|(k, _)| k.as_str()).collect();
    keys.par_sort_unstable();
    keys.dedup();
    let mut builder = fst::MapBuilder::memory();
    for (i, k) in keys.iter().enumerate() {
        builder.insert(k, i as u64).expect("sorted keys");
    }
    let fst_bytes = builder.into_inner().expect("an fst");
    let fst_build = start.elapsed();
    let fst_map = fst::Map::new(fst_bytes).expect("an fst map");

    // (b) hashed table: hash every pair (done in parallel during a load), one parallel sort.
    let state = RandomState::new();
    let start = Instant::now();
    let mut hashed: Vec<(u64, u32)> = pairs.par_iter().map(|(k, i)| (state.hash_one(k), *i)).collect();
    hashed.par_sort_unstable();
    hashed.dedup();
    let table_build = start.elapsed();
    let base = std::path::Path::new(dir).join("datasets").join(name);
    let version = std::fs::read_to_string(base.join("CURRENT")).expect("a live version");
    let table_bytes = std::fs::metadata(base.join(version.trim()).join("keys.idx")).map_or(0, |m| m.len());

    // (c) HashMap rebuilt from the key strings.
    let start = Instant::now();
    let hash: HashMap<&str, u64> = keys.iter().enumerate().map(|(i, k)| (*k, i as u64)).collect();
    let hash_build = start.elapsed();
    let hash_bytes: usize = keys.iter().map(|k| k.len() + 16 + 8 + 8).sum();

    // Lookups of every seventh key, two million in all.
    let sample: Vec<&str> = keys.iter().step_by(7).copied().collect();
    let rounds = 2_000_000 / sample.len().max(1) + 1;
    let n = (rounds * sample.len()) as f64;
    let time = |f: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        let mut hits = 0u64;
        for _ in 0..rounds {
            for k in &sample {
                hits += f(k) as u64;
            }
        }
        (start.elapsed().as_nanos() as f64 / n, hits)
    };
    let (fst_ns, fst_hits) = time(&|k| fst_map.get(k).is_some());
    let (table_ns, table_hits) = time(&|k| ds.postings(k).next().is_some());
    let (hash_ns, _) = time(&|k| hash.contains_key(k));
    println!(
        "{} distinct keys, {} (key, entity) pairs; hits: fst {fst_hits}, table {table_hits}",
        keys.len(),
        pairs.len()
    );
    println!(
        "fst:       {:.1} MB, built in {fst_build:?} (sort + one core), lookup {fst_ns:.0} ns",
        fst_map.as_fst().size() as f64 / 1e6
    );
    println!(
        "keys.idx:  {:.1} MB, built in {table_build:?} (parallel sort), lookup {table_ns:.0} ns (hash + search)",
        table_bytes as f64 / 1e6
    );
    println!(
        "HashMap:   ~{:.1} MB in memory, rebuilt in {hash_build:?} at every start, lookup {hash_ns:.0} ns",
        hash_bytes as f64 / 1e6
    );
}
