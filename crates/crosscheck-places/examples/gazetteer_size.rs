//! Measures the gazetteer: table size, index build time, name keys, cost of one comparison.
//! `cargo run --release -p crosscheck-places --example gazetteer_size`
#![allow(clippy::print_stdout)] // an example reports on stdout

use std::time::Instant;

fn main() {
    let start = Instant::now();
    let g = crosscheck_places::Gazetteer::shared();
    let built = start.elapsed();
    let table = include_str!("../data/places.tsv");
    println!(
        "table {} bytes, {} cities, {} countries, {} name keys; index built in {:.1} ms",
        table.len(),
        g.cities.len(),
        g.countries.len(),
        g.n_keys(),
        built.as_secs_f64() * 1000.0
    );
    let pairs = [("Manchester", "Манчестер"), ("Kyiv", "Lviv"), ("г. Москва", "Moscow, Russia"), ("Zavidovo", "Tver")];
    let n = 20_000;
    let start = Instant::now();
    let mut same = 0usize;
    for i in 0..n {
        let (a, b) = pairs[i % pairs.len()];
        same += usize::from(crosscheck_places::compare(a, b) == crosscheck_places::PlaceRelation::Same);
    }
    let per = start.elapsed().as_secs_f64() / n as f64 * 1e6;
    println!("{per:.2} µs per comparison of two texts ({same} same of {n})");
    let parsed: Vec<_> =
        pairs.iter().map(|(a, b)| (crosscheck_places::parse(a), crosscheck_places::parse(b))).collect();
    let start = Instant::now();
    let mut same = 0usize;
    for i in 0..n {
        let (a, b) = &parsed[i % parsed.len()];
        same += usize::from(crosscheck_places::compare_parsed(a, b).relation == crosscheck_places::PlaceRelation::Same);
    }
    let per = start.elapsed().as_secs_f64() / n as f64 * 1e6;
    println!("{per:.2} µs per comparison of two parsed places ({same} same of {n})");
}
