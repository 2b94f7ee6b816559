//! Criterion benchmark: entity pairs scored per second on prepared entities (xref's hot path).
//!
//! `cargo bench -p crosscheck-match --bench score_pairs`
//!
//! Inputs are built here from a few given names, patronymics and surnames written by us (no
//! reference data needed), as in `crosscheck-names/benches/name_pairs.rs`: each Cyrillic
//! person, with a birth date, gender and nationality, is paired with a Latin spelling of
//! itself (a true pair, the date sometimes one slip off) and with Latin spellings of two
//! other people, so the mix has agreeing and disagreeing features. `explain` builds the
//! explanation a `compare` line carries; `score` is the fast path that xref calls per pair.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crosscheck_match::Prepared;
use crosscheck_model::Entity;
use crosscheck_names::translit::{transliterate, Scheme};

/// (name, birth date, gender) of each invented person.
fn people() -> Vec<(String, String, &'static str)> {
    crosscheck_testdata::invented::russian_people().into_iter().map(|p| (p.name, p.birth_date, p.gender)).collect()
}

fn person(name: &str, date: &str, gender: &str, country: &str) -> Entity {
    let mut e = Entity::new("x", "Person");
    e.add("name", name);
    e.add("birthDate", date);
    e.add("gender", gender);
    e.add("nationality", country);
    e
}

fn prepared_pairs(scorer: &crosscheck_match::Scorer) -> Vec<(Prepared, Prepared)> {
    let people = people();
    let schemes = [Scheme::Icao9303, Scheme::Mvd782, Scheme::BgnPcgn, Scheme::Gost52535, Scheme::Wikipedia];
    let mut out = Vec::new();
    for (i, (name, date, gender)) in people.iter().enumerate() {
        let cyr = scorer.prepare(&person(name, date, gender, "ru"));
        for (k, j) in [i, (i + 1) % people.len(), (i + 7) % people.len()].into_iter().enumerate() {
            let (other, other_date, other_gender) = &people[j];
            let lat = transliterate(other, schemes[(i + k) % schemes.len()]);
            // every fifth true pair has its day one off, as clerks write it
            let other_date = if j == i && i % 5 == 0 {
                format!("{}{}", &other_date[..9], if other_date.ends_with('1') { '2' } else { '1' })
            } else {
                other_date.clone()
            };
            let country = if i % 4 == 0 { "ua" } else { "ru" };
            out.push((cyr.clone(), scorer.prepare(&person(&lat, &other_date, other_gender, country))));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("score");
    let pairs = prepared_pairs(crosscheck_match::default_scorer());
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("score_prepared_explained", |b| {
        b.iter(|| {
            let mut total = 0.0;
            for (a, x) in &pairs {
                total += crosscheck_match::score_prepared(std::hint::black_box(a), std::hint::black_box(x)).score;
            }
            total
        })
    });
    // the fast path of each registered algorithm, on entities it prepared itself
    for scorer in crosscheck_match::algorithms() {
        let pairs = prepared_pairs(scorer);
        group.bench_function(format!("scorer_score_fast_path/{}", scorer.name()), |b| {
            b.iter(|| {
                let mut total = 0.0;
                for (a, x) in &pairs {
                    total += scorer.score(std::hint::black_box(a), std::hint::black_box(x));
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
