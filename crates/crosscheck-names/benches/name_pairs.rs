//! Criterion benchmark: name-pair scores per second on prepared names (the matcher's hot path).
//!
//! `cargo bench -p crosscheck-names --bench name_pairs`
//!
//! Inputs are built here from a few dozen given names, patronymics and surnames written by us
//! (no reference data needed): each Cyrillic person name is paired with a Latin spelling of
//! itself under a rotating passport scheme (a true pair) and with Latin spellings of two other
//! people (one sharing the surname, one sharing the given name), so the mix has the aligned and
//! the disagreeing token pairs a screening run sees. Throughput is reported in pairs.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crosscheck_names::translit::{transliterate, Scheme};
use crosscheck_names::{compare, Name, NameKind};

const GIVEN_M: &[&str] = &["Александр", "Сергей", "Владимир", "Дмитрий", "Андрей", "Алексей", "Юрий", "Игорь"];
const GIVEN_F: &[&str] = &["Елена", "Ольга", "Наталья", "Татьяна", "Юлия", "Мария", "Анна", "Ирина"];
const PATR: &[&str] = &["Иванович", "Петрович", "Сергеевич", "Викторович", "Николаевич", "Юрьевич"];
const PATR_F: &[&str] = &["Ивановна", "Петровна", "Сергеевна", "Викторовна", "Николаевна", "Юрьевна"];
const SURNAME: &[(&str, &str)] = &[
    ("Кузнецов", "Кузнецова"),
    ("Щеглов", "Щеглова"),
    ("Завершинский", "Завершинская"),
    ("Хабибуллин", "Хабибуллина"),
    ("Цыганков", "Цыганкова"),
    ("Жуков", "Жукова"),
    ("Ельцин", "Ельцина"),
    ("Чистюхин", "Чистюхина"),
    ("Лавров", "Лаврова"),
    ("Рыжков", "Рыжкова"),
];

fn people() -> Vec<String> {
    let mut out = Vec::new();
    for (k, (m, f)) in SURNAME.iter().enumerate() {
        for i in 0..4 {
            let male = (i + k) % 2 == 0;
            let (given, patr, surname) = if male {
                (GIVEN_M[(i * 3 + k) % GIVEN_M.len()], PATR[(i + k) % PATR.len()], *m)
            } else {
                (GIVEN_F[(i * 5 + k) % GIVEN_F.len()], PATR_F[(i + 2 * k) % PATR_F.len()], *f)
            };
            out.push(format!("{given} {patr} {surname}"));
        }
    }
    out
}

fn pairs() -> Vec<(Name, Name)> {
    let people = people();
    let schemes = [Scheme::Icao9303, Scheme::Mvd782, Scheme::BgnPcgn, Scheme::Gost52535, Scheme::Wikipedia];
    let mut out = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let cyr = Name::parse(p, NameKind::Person);
        for (k, j) in [i, (i + 1) % people.len(), (i + 7) % people.len()].into_iter().enumerate() {
            let lat = transliterate(&people[j], schemes[(i + k) % schemes.len()]);
            // surname first with a comma for a third of them, as lists write it
            let lat = if i % 3 == 0 {
                let mut w: Vec<&str> = lat.split(' ').collect();
                let last = w.pop().unwrap_or_default().to_uppercase();
                format!("{last}, {}", w.join(" "))
            } else {
                lat
            };
            out.push((cyr.clone(), Name::parse(&lat, NameKind::Person)));
        }
    }
    out
}

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
