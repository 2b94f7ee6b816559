//! The search index's build time, size and query rate on one loaded dataset (BENCHMARKS.md,
//! "Search"): `cargo run --release -p crosscheck-engine --example search_bench -- DATA_DIR DATASET [QUERY...]`.
#![allow(clippy::print_stdout)]

use crosscheck_engine::search::{index_for, SearchRequest};
use crosscheck_engine::Engine;
use std::time::Instant;

fn rss_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, dataset, queries @ ..] = args.as_slice() else {
        println!("usage: search_bench DATA_DIR DATASET [QUERY...]");
        return;
    };
    let engine = Engine::open(std::path::Path::new(dir)).expect("a data directory");
    let snapshot = engine.snapshot(std::slice::from_ref(dataset)).expect("a loaded dataset");
    let before = rss_kb("RssAnon:");
    let start = Instant::now();
    let index = index_for(&snapshot.datasets()[0]).expect("an index");
    let built = start.elapsed();
    println!(
        "entities {}  terms {}  build {:.2} s  index heap {:.0} MB  anonymous RSS +{:.0} MB (peak RSS {:.0} MB)",
        index.len(),
        index.terms(),
        built.as_secs_f64(),
        index.heap_bytes() as f64 / 1e6,
        (rss_kb("RssAnon:") - before) as f64 / 1e3,
        rss_kb("VmHWM:") as f64 / 1e3,
    );
    for q in queries {
        let request = SearchRequest::new(q);
        let results = snapshot.search(&request).expect("a search");
        let start = Instant::now();
        let mut n = 0;
        while start.elapsed().as_secs_f64() < 3.0 {
            snapshot.search(&request).expect("a search");
            n += 1;
        }
        let rate = n as f64 / start.elapsed().as_secs_f64();
        println!("{q:?}: total {}  {rate:.0} queries/s (one thread)", results.total);
    }
}
