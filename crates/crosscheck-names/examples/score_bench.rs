//! The criterion bench's work (`benches/name_pairs.rs`: name pairs scored, names parsed) timed by
//! the thread's own CPU time, the fastest of many repetitions: on a machine shared with builds
//! the wall clock of one criterion run can double, the quickest repetition's CPU time cannot.
//!
//! `cargo run --release -p crosscheck-names --example score_bench [-- REPS]`
#![allow(clippy::print_stdout)] // a benchmark report is printed output

#[path = "../benches/common/mod.rs"]
mod common;

use crosscheck_names::{compare, compare_score, Name, NameKind};

fn main() {
    let reps: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(40);
    let pairs = common::pairs();
    let people = common::people();
    let inner = 400;
    let mut compare_ns = Vec::new();
    let mut score_ns = Vec::new();
    let mut parse_ns = Vec::new();
    for _ in 0..reps {
        let start = thread_cpu_ns();
        let mut total = 0.0;
        for _ in 0..inner {
            for (a, b) in &pairs {
                total += compare(std::hint::black_box(a), std::hint::black_box(b)).score;
            }
        }
        std::hint::black_box(total);
        compare_ns.push((thread_cpu_ns() - start) as f64 / (inner * pairs.len()) as f64);
        let start = thread_cpu_ns();
        for _ in 0..inner {
            for (a, b) in &pairs {
                total += compare_score(std::hint::black_box(a), std::hint::black_box(b));
            }
        }
        std::hint::black_box(total);
        score_ns.push((thread_cpu_ns() - start) as f64 / (inner * pairs.len()) as f64);
        let start = thread_cpu_ns();
        let mut n_tokens = 0;
        for _ in 0..inner {
            for p in &people {
                n_tokens += Name::parse(std::hint::black_box(p), NameKind::Person).tokens.len();
            }
        }
        std::hint::black_box(n_tokens);
        parse_ns.push((thread_cpu_ns() - start) as f64 / (inner * people.len()) as f64);
    }
    for (what, v) in [("compare", &mut compare_ns), ("compare_score", &mut score_ns), ("parse", &mut parse_ns)] {
        v.sort_by(f64::total_cmp);
        println!(
            "{what}: fastest {:.0} ns, median {:.0} ns CPU per item over {reps} repetitions",
            v[0],
            v[v.len() / 2]
        );
    }
}

/// Nanoseconds the calling thread has run on a CPU (Linux `schedstat`; 0 elsewhere).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split(' ').next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
