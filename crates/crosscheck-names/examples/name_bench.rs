//! Accuracy and speed of the name score on the shared reference data, beside OpenSanctions'
//! logic-v2 where its scores are available.
//!
//! `cargo run --release -p crosscheck-names --example name_bench [-- --errors] [-- --dump DIR] [-- --params v2]`
//!
//! - nomenklatura's name benchmark (826 labelled pairs; logic-v2's frozen scores beside it);
//! - rupep: the Latin and Cyrillic names of the same person (positives) against as many
//!   negatives built from the same file, a third each: same surname with another given name
//!   (another person), same given name and patronymic with another surname, and the other
//!   gender's form of the surname with another given name. Pairs are built deterministically.
//! - speed: name pairs scored per second on one core, names prepared beforehand.
//!
//! `--dump DIR` writes the rupep pairs to DIR/rupep_pairs.csv so that
//! `scripts/bench_logic_v2_names.py` can score exactly the same pairs with logic-v2. The file
//! holds personal data: keep DIR outside the project (e.g. /tmp).
#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark report is printed output

use std::collections::HashMap;
use std::time::Instant;

use crosscheck_names::normalize::normalize;
use crosscheck_names::{Name, NameKind, NameMatch, NameParams, Names};

/// The names context the bench scores with: v1's numbers, or v2's with `--params v2`.
static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();

fn compare(a: &Name, b: &Name) -> NameMatch {
    NAMES
        .get_or_init(|| {
            let v2 = std::env::args().any(|a| a == "v2");
            Names::shared().with_score_params(if v2 { NameParams::V2 } else { NameParams::V1 })
        })
        .compare(a, b)
}

fn kind_of(schema: &str) -> NameKind {
    match schema {
        "Person" => NameKind::Person,
        "Company" | "Organization" => NameKind::Organization,
        _ => NameKind::Any,
    }
}

struct Case {
    kind: NameKind,
    a: String,
    b: String,
    truth: bool,
    peer: Option<f64>,
}

fn f1(scores: &[(f64, bool)], threshold: f64) -> (f64, f64, f64) {
    let tp = scores.iter().filter(|(s, t)| *t && *s >= threshold).count() as f64;
    let fp = scores.iter().filter(|(s, t)| !*t && *s >= threshold).count() as f64;
    let fn_ = scores.iter().filter(|(s, t)| *t && *s < threshold).count() as f64;
    let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

fn best_threshold(scores: &[(f64, bool)]) -> (f64, f64) {
    let mut best = (0.0, 0.0);
    for k in 30..=98 {
        let t = k as f64 / 100.0;
        let (_, _, f) = f1(scores, t);
        if f > best.1 {
            best = (t, f);
        }
    }
    best
}

fn name_bench(root: &std::path::Path, show_errors: bool) {
    let dir = root.join("bench/nomenklatura");
    let mut peer: HashMap<(String, String, String, String), f64> = HashMap::new();
    let mut rdr =
        csv::Reader::from_path(dir.join("contrib_name_bench_run_data_logicv2-frozen.csv")).expect("frozen run");
    for rec in rdr.records().flatten() {
        peer.insert((rec[0].into(), rec[2].into(), rec[3].into(), rec[4].into()), rec[9].parse().unwrap_or(0.0));
    }
    let mut cases = Vec::new();
    let mut rdr = csv::Reader::from_path(dir.join("contrib_name_bench_cases.csv")).expect("cases");
    for rec in rdr.records().flatten() {
        let key = (rec[0].to_string(), rec[1].to_string(), rec[2].to_string(), rec[3].to_string());
        cases.push(Case {
            kind: kind_of(&rec[1]),
            a: rec[2].into(),
            b: rec[3].into(),
            truth: &rec[4] == "true",
            peer: peer.get(&key).copied(),
        });
    }
    // pairs labelled both ways (same two names, any order, any schema)
    let mut labels: HashMap<(String, String), (bool, bool)> = HashMap::new();
    for c in &cases {
        let k = if c.a <= c.b { (c.a.clone(), c.b.clone()) } else { (c.b.clone(), c.a.clone()) };
        let e = labels.entry(k).or_insert((false, false));
        if c.truth {
            e.0 = true;
        } else {
            e.1 = true;
        }
    }
    let both_ways = labels.values().filter(|(t, f)| *t && *f).count();
    // the entity benchmark labels some of the same name pairs the other way
    let mut entity_label: HashMap<(String, String), bool> = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(dir.join("contrib_entity_bench_checks.yml")) {
        if let Ok(doc) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text) {
            for check in doc["checks"].as_sequence().into_iter().flatten() {
                let first = |v: &serde_yaml_ng::Value| -> Option<String> {
                    v.as_str().map(str::to_string).or_else(|| v.as_sequence()?.first()?.as_str().map(str::to_string))
                };
                if let (Some(q), Some(c), Some(m)) =
                    (first(&check["query"]["name"]), first(&check["candidate"]["name"]), check["match"].as_bool())
                {
                    entity_label.insert((q, c), m);
                }
            }
        }
    }
    let mut contradicted = 0;
    let mut sided_with_entity = 0;
    let mut ours_clean = Vec::new();
    let t0 = Instant::now();
    let mut ours = Vec::new();
    let mut ours_shared = Vec::new();
    let mut theirs = Vec::new();
    let mut exact_one = 0;
    let mut differing_true = 0;
    let mut peer_exact_one = 0;
    for c in &cases {
        let m = compare(&Name::parse(&c.a, c.kind), &Name::parse(&c.b, c.kind));
        ours.push((m.score, c.truth));
        match entity_label.get(&(c.a.clone(), c.b.clone())) {
            Some(&e) if e != c.truth => {
                contradicted += 1;
                if (m.score >= 0.7) == e {
                    sided_with_entity += 1;
                }
            }
            _ => ours_clean.push((m.score, c.truth)),
        }
        if let Some(p) = c.peer {
            theirs.push((p, c.truth));
            ours_shared.push((m.score, c.truth));
        }
        if c.truth && normalize(&c.a) != normalize(&c.b) {
            differing_true += 1;
            if m.score >= 1.0 {
                exact_one += 1;
            }
            if c.peer.is_some_and(|p| p >= 1.0) {
                peer_exact_one += 1;
            }
        }
        if show_errors && ((m.score >= 0.7) != c.truth) {
            println!(
                "  {} {:.3} peer {:.3} | {} | {} | {}",
                if c.truth { "FN" } else { "FP" },
                m.score,
                c.peer.unwrap_or(-1.0),
                c.a,
                c.b,
                m.detail
            );
        }
    }
    let elapsed = t0.elapsed();
    let (p, r, f) = f1(&ours, 0.7);
    let (pp, pr, pf) = f1(&theirs, 0.7);
    let (sp, sr, sf) = f1(&ours_shared, 0.7);
    let (bt, bf) = best_threshold(&ours);
    println!(
        "nomenklatura name bench: {} pairs ({} peer scores), {} pairs labelled both ways",
        cases.len(),
        theirs.len(),
        both_ways
    );
    println!("  crosscheck-names @0.70: P {p:.3} R {r:.3} F1 {f:.3}   (best threshold {bt:.2}: F1 {bf:.3})");
    let (_, _, cf) = f1(&ours_clean, 0.7);
    println!(
        "  {contradicted} pairs are labelled the other way in contrib_entity_bench_checks.yml; we side with the entity file on {sided_with_entity}; F1 without them {cf:.3}"
    );
    println!("  on the {} pairs with a frozen logic-v2 score:", theirs.len());
    println!("    crosscheck-names @0.70: P {sp:.3} R {sr:.3} F1 {sf:.3}");
    println!("    logic-v2 (frozen) @0.70: P {pp:.3} R {pr:.3} F1 {pf:.3}   ratio F1 {:.3}", sf / pf);
    println!(
        "  true pairs with differing normalised names scored exactly 1.0: ours {exact_one}/{differing_true} ({:.1}%), logic-v2 {peer_exact_one}/{differing_true} ({:.1}%)",
        100.0 * exact_one as f64 / differing_true.max(1) as f64,
        100.0 * peer_exact_one as f64 / differing_true.max(1) as f64
    );
    println!(
        "  parse + compare, first pass (includes loading the tables): {:.1} µs per pair",
        elapsed.as_secs_f64() * 1e6 / cases.len() as f64
    );
}

struct Person {
    en: String,
    ru: String,
    ru_words: Vec<String>,
}

/// Positives and negatives (Latin name, Cyrillic name, is same person), built from the file.
fn rupep_pairs(root: &std::path::Path) -> Vec<(String, String, bool, &'static str)> {
    let mut rdr = csv::Reader::from_path(root.join("cross_script/rupep_persons_2022.csv")).expect("rupep");
    let mut people = Vec::new();
    for rec in rdr.records().flatten() {
        let (en, ru) = (rec[0].trim().to_string(), rec[1].trim().to_string());
        let ru_words: Vec<String> = normalize(&ru).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
        if en.is_empty() || ru_words.len() < 2 {
            continue;
        }
        people.push(Person { en, ru, ru_words });
    }
    let surname = |p: &Person| p.ru_words.last().cloned().unwrap_or_default();
    let given = |p: &Person| p.ru_words[0].clone();
    let given_patr = |p: &Person| p.ru_words[..p.ru_words.len() - 1].join(" ");
    let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_given_patr: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        by_surname.entry(surname(p)).or_default().push(i);
        if p.ru_words.len() == 3 {
            by_given_patr.entry(given_patr(p)).or_default().push(i);
        }
    }
    // masculine stem of a surname for the opposite-gender negatives
    let stem = |s: &str| -> Option<(String, bool)> {
        for (f, m) in [
            ("ская", "ский"),
            ("цкая", "цкий"),
            ("ова", "ов"),
            ("ева", "ев"),
            ("ёва", "ёв"),
            ("ина", "ин"),
            ("ына", "ын"),
        ] {
            if let Some(st) = s.strip_suffix(f) {
                return Some((format!("{st}{m}"), true));
            }
        }
        for m in ["ский", "цкий", "ов", "ев", "ёв", "ин", "ын"] {
            if s.ends_with(m) {
                return Some((s.to_string(), false));
            }
        }
        None
    };
    let mut by_stem: HashMap<(String, bool), Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        if let Some(k) = stem(&surname(p)) {
            by_stem.entry(k).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    for p in &people {
        pairs.push((p.en.clone(), p.ru.clone(), true, "same person"));
    }
    let n_pos = pairs.len();
    // negatives, round robin over the three kinds, deterministic order
    let mut kind = 0usize;
    let mut cursor = [0usize; 3];
    let mut guard = 0;
    while pairs.len() < 2 * n_pos && guard < 20 * n_pos {
        guard += 1;
        let k = kind % 3;
        kind += 1;
        let i = cursor[k] % people.len();
        cursor[k] += 1;
        let p = &people[i];
        let other = match k {
            0 => by_surname.get(&surname(p)).and_then(|v| v.iter().find(|&&j| given(&people[j]) != given(p))),
            1 if p.ru_words.len() == 3 => {
                by_given_patr.get(&given_patr(p)).and_then(|v| v.iter().find(|&&j| surname(&people[j]) != surname(p)))
            }
            2 => stem(&surname(p)).and_then(|(st, fem)| {
                by_stem.get(&(st, !fem)).and_then(|v| v.iter().find(|&&j| given(&people[j]) != given(p)))
            }),
            _ => None,
        };
        if let Some(&j) = other {
            let what = [
                "same surname, other person",
                "same given name and patronymic, other surname",
                "other gender's surname, other given name",
            ][k];
            pairs.push((p.en.clone(), people[j].ru.clone(), false, what));
        }
    }
    pairs
}

fn rupep(root: &std::path::Path, show_errors: bool, dump: Option<&str>) {
    let pairs = rupep_pairs(root);
    if let Some(dir) = dump {
        let path = std::path::Path::new(dir).join("rupep_pairs.csv");
        let mut w = csv::Writer::from_path(&path).expect("dump file");
        w.write_record(["name_latin", "name_cyrillic", "is_match", "kind"]).expect("write");
        for (a, b, t, k) in &pairs {
            w.write_record([a.as_str(), b.as_str(), if *t { "true" } else { "false" }, k]).expect("write");
        }
        println!("wrote {}", path.display());
    }
    let prepared: Vec<(Name, Name, bool)> = pairs
        .iter()
        .map(|(a, b, t, _)| (Name::parse(a, NameKind::Person), Name::parse(b, NameKind::Person), *t))
        .collect();
    let mut scores = Vec::with_capacity(prepared.len());
    for ((a, b, t), (ra, rb, _, what)) in prepared.iter().zip(&pairs) {
        let m = compare(a, b);
        scores.push((m.score, *t));
        if show_errors && ((m.score >= 0.7) != *t) {
            println!("  {} {:.3} | {ra} | {rb} | {what} | {}", if *t { "FN" } else { "FP" }, m.score, m.detail);
        }
    }
    let n_pos = scores.iter().filter(|s| s.1).count();
    let n_neg = scores.len() - n_pos;
    let (p, r, f) = f1(&scores, 0.7);
    // best recall at precision >= 0.99
    let mut best = (0.0, 0.0, 0.0);
    for k in 30..=99 {
        let t = k as f64 / 100.0;
        let (pp, rr, _) = f1(&scores, t);
        if pp >= 0.99 && rr > best.1 {
            best = (t, rr, pp);
        }
    }
    println!("rupep Latin vs Cyrillic: {n_pos} positives, {n_neg} negatives");
    println!("  crosscheck-names @0.70: P {p:.4} R {r:.4} F1 {f:.4}");
    println!("  best recall at precision >= 0.99: threshold {:.2}, R {:.4}, P {:.4}", best.0, best.1, best.2);
    let pos_mean = scores.iter().filter(|s| s.1).map(|s| s.0).sum::<f64>() / n_pos.max(1) as f64;
    let neg_mean = scores.iter().filter(|s| !s.1).map(|s| s.0).sum::<f64>() / n_neg.max(1) as f64;
    println!("  mean score: positives {pos_mean:.3}, negatives {neg_mean:.3}");

    // speed: prepared names, one core; CPU time of this process as well as wall time, because
    // the machines are shared and wall time counts other people's work
    let rounds = 20;
    for (a, b, _) in &prepared {
        let _ = compare(a, b); // warm the lazily built tables and explanations
    }
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let mut sink = 0.0;
    for _ in 0..rounds {
        for (a, b, _) in &prepared {
            sink += compare(a, b).score;
        }
    }
    let dt = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let n = (rounds * prepared.len()) as f64;
    println!(
        "  speed: {:.0} name pairs per CPU-second on one core, {:.0} per wall-clock second (prepared names; checksum {sink:.1})",
        n / cpu.max(1e-9),
        n / dt
    );
}

/// Western name tokens written in Cyrillic (Wikidata pairs, CC0): how often the Latin token and
/// its Cyrillic spelling align as the same token (score of the single-token names >= 0.7).
/// Every 10th pair, so the figure is a held-out check rather than something tables learn from.
fn translit_pairs(root: &std::path::Path, show_errors: bool) {
    let Ok(text) = std::fs::read_to_string(root.join("names/translit_pairs/wd_en_ru_80.tsv")) else {
        println!("translit_pairs: file missing");
        return;
    };
    let (mut hit, mut total, mut hit_w, mut total_w) = (0usize, 0usize, 0u64, 0u64);
    // negatives: each Latin token against the Cyrillic token of the next pair read
    let (mut false_hits, mut negatives) = (0usize, 0usize);
    let mut written = 0usize; // to_cyrillic gives exactly the Wikidata spelling
    let mut previous_latin: Option<String> = None;
    // `--train` looks at the other nine tenths instead (for choosing rules without peeking)
    let train = std::env::args().any(|a| a == "--train");
    for (k, line) in text.lines().enumerate() {
        if (k % 10 != 0) != train {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            continue;
        }
        let latin = cols[0];
        let cyr: String = cols[1].split(' ').collect();
        let count: u64 = cols[2].parse().unwrap_or(1);
        let cyr_name = Name::parse(&cyr, NameKind::Person);
        written += (crosscheck_names::translit::to_cyrillic(latin).to_lowercase() == cyr.to_lowercase()) as usize;
        if let Some(prev) = previous_latin.replace(latin.to_string()) {
            let other = Name::parse(&prev, NameKind::Person);
            if crosscheck_names::latin_key(&prev) != crosscheck_names::latin_key(latin) {
                negatives += 1;
                false_hits += (compare(&other, &cyr_name).score >= 0.7) as usize;
            }
        }
        let m = compare(&Name::parse(latin, NameKind::Person), &cyr_name);
        total += 1;
        total_w += count;
        if m.score >= 0.7 {
            hit += 1;
            hit_w += count;
        } else if show_errors && (count >= 5 || train) {
            println!("  miss {:.3} | {latin} | {cyr} | {count}", m.score);
        }
    }
    println!(
        "translit_pairs (every 10th Latin/Cyrillic token pair): {hit}/{total} align ({:.1}%), {:.1}% weighted by frequency",
        100.0 * hit as f64 / total.max(1) as f64,
        100.0 * hit_w as f64 / total_w.max(1) as f64
    );
    println!(
        "  against another pair's Cyrillic token: {false_hits}/{negatives} align ({:.2}%)",
        100.0 * false_hits as f64 / negatives.max(1) as f64
    );
    println!(
        "  translit::to_cyrillic writes the Wikidata spelling exactly for {written}/{total} ({:.1}%)",
        100.0 * written as f64 / total.max(1) as f64
    );
}

/// User + system CPU time of this process, from /proc/self/stat (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // fields after the command name in parentheses: utime and stime are the 12th and 13th
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0 // USER_HZ is 100 on Linux
}

/// EU sanctions listings of persons (Official Journal transcriptions): the Latin name against
/// the best of its Cyrillic aliases. Recall only: some aliases are cover identities, so a
/// perfect matcher stays below 100%.
fn eu_sanctions(root: &std::path::Path, show_errors: bool) {
    let Ok(dir) = std::fs::read_dir(root.join("watchlists/eu_journal_sanctions/consolidated")) else {
        println!("eu sanctions: folder missing");
        return;
    };
    let (mut hit, mut total) = (0usize, 0usize);
    for entry in dir.flatten() {
        let Ok(mut rdr) = csv::Reader::from_path(entry.path()) else { continue };
        let headers = rdr.headers().cloned().unwrap_or_default();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (Some(schema), Some(name), Some(alias)) = (col("schema"), col("name"), col("alias")) else { continue };
        for rec in rdr.records().flatten() {
            if &rec[schema] != "Person" || rec[name].is_empty() {
                continue;
            }
            let cyr: Vec<Name> = rec[alias]
                .split(';')
                .map(str::trim)
                .filter(|a| a.chars().any(|c| ('\u{400}'..='\u{4FF}').contains(&c)))
                .map(|a| Name::parse(a, NameKind::Person))
                .collect();
            if cyr.is_empty() {
                continue;
            }
            let latin = [Name::parse(&rec[name], NameKind::Person)];
            let best = crosscheck_names::compare_best(&latin, &cyr).map(|(_, _, m)| m);
            total += 1;
            match best {
                Some(m) if m.score >= 0.7 => hit += 1,
                Some(m) if show_errors => {
                    println!("  eu miss {:.3} | {} | {} | {}", m.score, &rec[name], &rec[alias], m.detail)
                }
                _ => {}
            }
        }
    }
    println!(
        "EU sanctions persons, Latin name vs best Cyrillic alias: {hit}/{total} matched at 0.7 ({:.1}%)",
        100.0 * hit as f64 / total.max(1) as f64
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let show_errors = args.iter().any(|a| a == "--errors");
    let dump = args.iter().position(|a| a == "--dump").and_then(|i| args.get(i + 1)).map(String::as_str);
    let root = std::env::var_os("CROSSCHECK_REFERENCE_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("../shared/data"));
    if !root.exists() {
        eprintln!("reference data not found at `{}`: set CROSSCHECK_REFERENCE_DATA", root.display());
        std::process::exit(2);
    }
    name_bench(&root, show_errors);
    rupep(&root, show_errors, dump);
    translit_pairs(&root, show_errors);
    eu_sanctions(&root, show_errors);
}
