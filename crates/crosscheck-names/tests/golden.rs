//! Golden tests: the exact scores, explanations and index keys of today's name score, frozen so
//! that refactors (issue 12, "Names without hidden state": the explicit context, the parameter
//! struct, the module split) are proved bit-identical, as the index-key refactor was.
//!
//! - `golden_pairs`: every row of `golden/pairs.tsv` (invented names: Latin, Cyrillic, Greek, Han,
//!   Hangul, Arabic; persons, companies, vessels; initials, reordered, typos) rendered as text
//!   (score bits in hex, the explanation, `compare_score`'s bits, both names' index keys, tokens,
//!   gender hint and `latin_key`) must equal `golden/pairs.expected` byte for byte.
//! - `golden_digest_shared_data`: the same facts over the shared reference data (name benchmark,
//!   rupep, yente's many-script negatives), folded into one FNV-1a digest compared with a constant,
//!   because the data must not be copied into the project (SOURCES.md). Skips visibly without the
//!   data; fails under `CI=true`.
//! - `golden_params_canonical`: [`NameParams::V1`]'s canonical text equals `golden/params_v1.txt`
//!   (a scorer id hashes it: a changed number must show in review).
//! - `golden_explicit_context`: a context of its own (`Names::new()`, and one with
//!   `NameParams::V1` given explicitly) scores, explains and keys every golden row exactly as
//!   the free functions over `Names::shared()` do.
//!
//! Decision: a change that moves a score on purpose updates the goldens in the same commit, so
//! the diff of `pairs.expected` shows what moved. `GOLDEN_UPDATE=1 cargo test -p crosscheck-names
//! --test golden` rewrites the expected file and prints the new digest.
#![allow(clippy::print_stderr)] // the new digest is reported when an update is asked for

use std::fmt::Write as _;

use crosscheck_names::{
    compare, compare_best, compare_score, latin_key, write_index_keys, Name, NameKind, NameParams, Names,
};
use crosscheck_testdata::reference_file;

fn kind_of(code: &str) -> NameKind {
    match code {
        "P" | "Person" => NameKind::Person,
        "O" | "Company" | "Organization" => NameKind::Organization,
        _ => NameKind::Any,
    }
}

/// Everything the goldens freeze about one pair, as text.
fn render_pair(a: &str, b: &str, kind: NameKind, out: &mut String) {
    let (na, nb) = (Name::parse(a, kind), Name::parse(b, kind));
    let m = compare(&na, &nb);
    let back = compare(&nb, &na);
    let _ = writeln!(out, "{kind:?} | {a} | {b}");
    let _ = writeln!(out, "  score {:#018x} {:.6} | {}", m.score.to_bits(), m.score, m.detail);
    let _ = writeln!(out, "  back  {:#018x} {:.6} | {}", back.score.to_bits(), back.score, back.detail);
    let _ = writeln!(out, "  compare_score {:#018x}", compare_score(&na, &nb).to_bits());
    for (raw, n) in [(a, &na), (b, &nb)] {
        let mut fast = Vec::new();
        write_index_keys(raw, kind, "n:", &mut fast);
        let _ = writeln!(
            out,
            "  {raw:?}: tokens {:?} gender {:?} script {:?} latin {:?} keys {:?} fast {:?}",
            n.tokens,
            n.gender_hint(),
            n.script(),
            latin_key(raw),
            n.index_keys(),
            fast
        );
    }
}

fn rows() -> Vec<(NameKind, String, String)> {
    include_str!("golden/pairs.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "golden/pairs.tsv row `{l}` needs kind, a, b");
            (kind_of(cols[0]), cols[1].to_string(), cols[2].to_string())
        })
        .collect()
}

fn update() -> bool {
    std::env::var("GOLDEN_UPDATE").is_ok_and(|v| v == "1")
}

#[test]
fn golden_pairs() {
    let rows = rows();
    assert!(rows.len() >= 60, "the golden table should have 60+ rows, has {}", rows.len());
    let mut out = String::new();
    for (kind, a, b) in &rows {
        render_pair(a, b, *kind, &mut out);
    }
    // the best pair among a few names each, and which one won
    let people: Vec<Name> = rows.iter().filter(|r| r.0 == NameKind::Person).map(|r| Name::parse(&r.1, r.0)).collect();
    let others: Vec<Name> = rows.iter().filter(|r| r.0 == NameKind::Person).map(|r| Name::parse(&r.2, r.0)).collect();
    for chunk in 0..people.len() / 8 {
        let (xs, ys) = (&people[chunk * 8..chunk * 8 + 8], &others[chunk * 8 + 3..(chunk * 8 + 9).min(others.len())]);
        let best = compare_best(xs, ys).map(|(i, j, m)| (i, j, m.score.to_bits(), m.detail));
        let _ = writeln!(out, "best of chunk {chunk}: {best:?}");
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/pairs.expected");
    if update() {
        std::fs::write(path, &out).expect("write golden/pairs.expected");
        return;
    }
    let want = std::fs::read_to_string(path).expect("tests/golden/pairs.expected (GOLDEN_UPDATE=1 writes it)");
    if want != out {
        let first = want.lines().zip(out.lines()).position(|(w, g)| w != g).unwrap_or(0);
        let (w, g) = (want.lines().nth(first).unwrap_or(""), out.lines().nth(first).unwrap_or(""));
        panic!("golden pairs differ from line {}:\n want {w}\n got  {g}", first + 1);
    }
}

#[test]
fn golden_params_canonical() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/params_v1.txt");
    let text = NameParams::V1.canonical();
    if update() {
        std::fs::write(path, &text).expect("write golden/params_v1.txt");
        return;
    }
    let want = std::fs::read_to_string(path).expect("tests/golden/params_v1.txt (GOLDEN_UPDATE=1 writes it)");
    assert_eq!(text, want, "NameParams::V1 changed: a new scorer version, or a mistake");
    assert_eq!(Names::shared().params(), &NameParams::V1);
}

#[test]
fn golden_explicit_context() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Names>();
    let own = std::sync::Arc::new(Names::new());
    let explicit = Names::with_params(NameParams::V1);
    for (kind, a, b) in rows() {
        let want = compare(&Name::parse(&a, kind), &Name::parse(&b, kind));
        let mut want_keys = Vec::new();
        write_index_keys(&a, kind, "", &mut want_keys);
        for names in [&*own, &explicit] {
            let (na, nb) = (names.parse(&a, kind), names.parse(&b, kind));
            assert_eq!(na, Name::parse(&a, kind), "{a}: the parse differs");
            let got = names.compare(&na, &nb);
            assert_eq!((got.score.to_bits(), &got.detail), (want.score.to_bits(), &want.detail), "{a} / {b}");
            assert_eq!(names.compare_score(&na, &nb).to_bits(), want.score.to_bits(), "{a} / {b}");
            let mut keys = Vec::new();
            names.write_index_keys(&a, kind, "", &mut keys);
            assert_eq!(keys, want_keys, "{a}");
            assert_eq!(names.index_keys(&na), na.index_keys(), "{a}");
        }
    }
    // the memos are shared by threads and never change a result
    let names = &*own;
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for (kind, a, b) in rows() {
                    let m = names.compare(&names.parse(&a, kind), &names.parse(&b, kind));
                    let want = compare(&Name::parse(&a, kind), &Name::parse(&b, kind));
                    assert_eq!(m.score.to_bits(), want.score.to_bits(), "{a} / {b} on another thread");
                }
            });
        }
    });
}

/// FNV-1a, 64 bits: stable across platforms and releases (std's hashers promise neither).
struct Digest(u64, usize);

impl Digest {
    fn new() -> Self {
        Digest(0xcbf2_9ce4_8422_2325, 0)
    }
    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes.iter().chain([&0xff]) {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn pair(&mut self, a: &str, b: &str, kind: NameKind) {
        let (na, nb) = (Name::parse(a, kind), Name::parse(b, kind));
        let m = compare(&na, &nb);
        self.bytes(&m.score.to_bits().to_le_bytes());
        self.bytes(m.detail.as_bytes());
        self.bytes(&compare_score(&nb, &na).to_bits().to_le_bytes());
        self.1 += 1;
    }
    fn keys(&mut self, raw: &str, kind: NameKind) {
        let keys = Name::parse(raw, kind).index_keys();
        for k in &keys {
            self.bytes(k.as_bytes());
        }
        let mut fast = Vec::new();
        write_index_keys(raw, kind, "", &mut fast);
        fast.sort();
        fast.dedup();
        assert_eq!(fast, keys, "{kind:?} {raw}");
        self.bytes(latin_key(raw).as_bytes());
    }
}

/// Digest of today's scores over the shared reference data (see the module doc).
const SHARED_DATA_DIGEST: u64 = 0x825e_0027_6920_abc4;

#[test]
fn golden_digest_shared_data() {
    let Some(bench) = reference_file("bench/nomenklatura/contrib_name_bench_cases.csv") else { return };
    let Some(rupep) = reference_file("cross_script/rupep_persons_2022.csv") else { return };
    let Some(yente) = reference_file("bench/yente/negatives_global_dev.csv") else { return };
    let mut d = Digest::new();
    for rec in csv::Reader::from_path(&bench).expect("cases file").records() {
        let rec = rec.expect("csv row");
        let kind = kind_of(&rec[1]);
        d.pair(&rec[2], &rec[3], kind);
        d.pair(&rec[2], &rec[3], NameKind::Any);
        for raw in [&rec[2], &rec[3]] {
            d.keys(raw, kind);
            d.keys(raw, NameKind::Organization);
        }
    }
    // every rupep person: Latin against Cyrillic (a true pair) and against the next person
    let people: Vec<(String, String)> = csv::Reader::from_path(&rupep)
        .expect("rupep file")
        .records()
        .map(|r| r.expect("csv row"))
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    for (i, (en, ru)) in people.iter().enumerate() {
        d.pair(en, ru, NameKind::Person);
        d.pair(en, &people[(i + 1) % people.len()].1, NameKind::Person);
        d.keys(en, NameKind::Person);
        d.keys(ru, NameKind::Person);
    }
    // yente's synthetic people in many scripts: the full name against "last, first" and
    // against the next person
    let yente: Vec<(String, String)> = csv::Reader::from_path(&yente)
        .expect("yente negatives")
        .records()
        .map(|r| r.expect("csv row"))
        .map(|r| (r[0].to_string(), format!("{}, {}", &r[3], &r[1])))
        .collect();
    for (i, (full, reordered)) in yente.iter().enumerate() {
        d.pair(full, reordered, NameKind::Person);
        d.pair(full, &yente[(i + 1) % yente.len()].0, NameKind::Person);
        d.keys(full, NameKind::Person);
    }
    assert!(d.1 > 70_000, "expected the whole data, scored {} pairs", d.1);
    if update() {
        eprintln!("golden_digest_shared_data: SHARED_DATA_DIGEST = {:#018x} ({} pairs)", d.0, d.1);
        return;
    }
    assert_eq!(
        d.0, SHARED_DATA_DIGEST,
        "digest {:#018x} of {} pairs differs from the committed one: a score, explanation or key moved",
        d.0, d.1
    );
}

/// The numbers reach the score: a stricter conflict lowers a pair that disagrees on the
/// patronymic, a lower cap lowers every non-identical pair, and neither touches the index keys.
#[test]
fn params_reach_the_score() {
    let strict = Names::with_params(NameParams { conflict: 0.3, max_score: 0.9, ..NameParams::V1 });
    let v1 = Names::shared();
    let score = |names: &Names, a: &str, b: &str| {
        names.compare(&names.parse(a, NameKind::Person), &names.parse(b, NameKind::Person)).score
    };
    let (a, b) = ("Иван Петрович Сидоров", "Ivan Pavlovich Sidorov");
    assert!(score(&strict, a, b) < score(v1, a, b), "conflict did not reach the score");
    let (a, b) = ("Иван Петрович Сидоров", "Ivan Petrovich Sidorov");
    assert_eq!(score(&strict, a, b), 0.9_f32 as f64);
    assert_eq!(strict.parse(a, NameKind::Person).index_keys(), v1.parse(a, NameKind::Person).index_keys());
}
