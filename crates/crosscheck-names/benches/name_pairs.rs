//! Criterion benchmark: name-pair scores per second on prepared names (the matcher's hot path).
//!
//! `cargo bench -p crosscheck-names --bench name_pairs`
//!
//! Inputs are built in `common/mod.rs` from a few dozen given names, patronymics and surnames written by us
//! (no reference data needed): each Cyrillic person name is paired with a Latin spelling of
//! itself under a rotating passport scheme (a true pair) and with Latin spellings of two other
//! people (one sharing the surname, one sharing the given name), so the mix has the aligned and
//! the disagreeing token pairs a screening run sees. Throughput is reported in pairs.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crosscheck_names::{compare, Name, NameKind};

mod common;

use common::{pairs, people};

fn bench(c: &mut Criterion) {
    let pairs = pairs();
    let mut group = c.benchmark_group("compare");
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("prepared_person_pairs", |b| {
        b.iter(|| {
            let mut total = 0.0;
            for (a, x) in &pairs {
                total += compare(std::hint::black_box(a), std::hint::black_box(x)).score;
            }
            total
        })
    });
    group.finish();
    let mut group = c.benchmark_group("parse");
    let people = people();
    group.throughput(Throughput::Elements(people.len() as u64));
    group.bench_function("person_names", |b| {
        b.iter(|| {
            people.iter().map(|p| Name::parse(std::hint::black_box(p), NameKind::Person).tokens.len()).sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
