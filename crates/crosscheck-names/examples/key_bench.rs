//! Names keyed per second on every core, through the load's fast path (`for_each_index_key`),
//! to measure the word-keys memo: each thread keys its share of the names, hashing every key as
//! the store does.
//!
//! `cargo run --release -p crosscheck-names --example key_bench [-- ROUNDS]`
//!
//! Names: the rupep persons (Latin and Cyrillic) and yente's many-script negatives from the
//! shared reference data, repeated ROUNDS times (default 16) in a shuffled order, so the words
//! are Zipf-distributed like a real list's and most lookups hit the memo, as in a 1M-entity load.
#![allow(clippy::print_stdout)] // a benchmark report is printed output

use std::hash::{Hash, Hasher};
use std::time::Instant;

use crosscheck_names::{for_each_index_key, NameKind};

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(16);
    let root = crosscheck_testdata::reference_root();
    let mut names: Vec<String> = Vec::new();
    let mut rdr = csv::Reader::from_path(root.join("cross_script/rupep_persons_2022.csv")).expect("rupep file");
    for rec in rdr.records().flatten() {
        names.extend([rec[0].to_string(), rec[1].to_string()]);
    }
    let mut rdr = csv::Reader::from_path(root.join("bench/yente/negatives_global_dev.csv")).expect("yente file");
    for rec in rdr.records().flatten() {
        names.push(rec[0].to_string());
    }
    let n_distinct = names.len();
    let mut all: Vec<&str> = Vec::with_capacity(n_distinct * rounds);
    for round in 0..rounds {
        // a fixed shuffle per round (multiplicative stepping), so runs compare
        let step = 7919 + 2 * round;
        all.extend((0..n_distinct).map(|i| names[(i * step) % n_distinct].as_str()));
    }
    let n_threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let n_runs = 4;
    // the same threads for every run (as a load's worker pool): run 0 fills the memo, the
    // later runs measure the warm path
    let barrier = std::sync::Barrier::new(n_threads + 1);
    // CPU time of the keying threads, which a machine shared with builds disturbs far less
    // than the wall clock
    let cpu = std::sync::Mutex::new(Vec::new());
    let chunk = all.len().div_ceil(n_threads);
    std::thread::scope(|s| {
        for part in all.chunks(chunk) {
            let (barrier, cpu) = (&barrier, &cpu);
            s.spawn(move || {
                for _ in 0..n_runs {
                    barrier.wait();
                    let cpu_start = thread_cpu_ns();
                    let mut sum = 0u64;
                    for name in part {
                        for_each_index_key(name, NameKind::Person, &mut |k| {
                            let mut h = rustc_hash::FxHasher::default();
                            k.hash(&mut h);
                            sum = sum.wrapping_add(h.finish());
                        });
                    }
                    std::hint::black_box(sum);
                    cpu.lock().expect("cpu time").push(thread_cpu_ns().saturating_sub(cpu_start));
                    barrier.wait();
                }
            });
        }
        for run in 0..n_runs {
            barrier.wait();
            let start = Instant::now();
            barrier.wait();
            let secs = start.elapsed().as_secs_f64();
            let cpu_ns: u64 = std::mem::take(&mut *cpu.lock().expect("cpu time")).iter().sum();
            println!(
                "run {run}{}: {} names ({n_distinct} distinct) on {n_threads} threads in {secs:.3} s: {:.0} ns wall, {:.0} ns CPU per name",
                if run == 0 { " (cold)" } else { "" },
                all.len(),
                secs * 1e9 * n_threads as f64 / all.len() as f64,
                cpu_ns as f64 / all.len() as f64
            );
        }
    });
}

/// Nanoseconds the calling thread has run on a CPU (Linux `schedstat`; 0 elsewhere).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split(' ').next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
