//! The store under many readers and writers, as users meet it: `match` in a loop while the same
//! dataset is reloaded six times, two loads at a time (separate processes, as on a desk where a
//! scheduled reload runs while an analyst screens), and `datasets --check` finding damage that
//! keeps a file's size.

use super::common::{crosscheck, json_lines};
use std::path::Path;

fn people(n: usize, tag: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"id\":\"p{i}\",\"schema\":\"Person\",\"properties\":{{\"name\":[\"Ivan Sidorov {tag}{i}\"],\"birthDate\":[\"1970-05-01\"]}}}}\n"
            )
        })
        .collect()
}

fn load(data: &Path, file: &Path) -> std::process::Output {
    crosscheck(Some(data), &["load", "--dataset", "people", file.to_str().unwrap()], None)
}

#[test]
fn match_never_fails_while_the_dataset_is_reloaded_two_loads_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("people.jsonl");
    std::fs::write(&file, people(2_000, "")).unwrap();
    assert!(load(&data, &file).status.success());
    let query = "{\"id\":\"q\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Ivan Sidorov 7\"]}}\n";
    let done = std::sync::atomic::AtomicBool::new(false);
    let (n_reads, failures) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let (mut n, mut failures) = (0, Vec::new());
            while !done.load(std::sync::atomic::Ordering::Relaxed) || n == 0 {
                let out = crosscheck(Some(&data), &["match", "--dataset", "people"], Some(query));
                let answers = json_lines(&out.stdout);
                let found = answers.first().and_then(|a| a["results"].as_array()).is_some_and(|r| !r.is_empty());
                if !out.status.success() || !found {
                    failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
                }
                n += 1;
            }
            (n, failures)
        });
        for _round in 0..3 {
            let loads: Vec<_> = (0..2).map(|_| scope.spawn(|| load(&data, &file))).collect();
            for l in loads {
                let out = l.join().unwrap();
                assert!(out.status.success(), "a racing load failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        reader.join().unwrap()
    });
    assert!(failures.is_empty(), "{} of {n_reads} reads failed: {:?}", failures.len(), failures.first());
    let dataset_dir = data.join("datasets").join("people");
    let names: Vec<String> = std::fs::read_dir(&dataset_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let versions = names.iter().filter(|n| n.starts_with('v')).count();
    assert!((1..=2).contains(&versions), "versions kept: {names:?}");
    assert!(!names.iter().any(|n| n.starts_with(".tmp-")), "temp leftovers: {names:?}");
    let current = std::fs::read_to_string(dataset_dir.join("CURRENT")).unwrap();
    assert!(names.contains(&current.trim().to_string()), "CURRENT names a live folder: {current}");
    let check = crosscheck(Some(&data), &["datasets", "--check"], None);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn datasets_check_finds_flipped_bits_that_keep_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("people.jsonl");
    std::fs::write(&file, people(50, "")).unwrap();
    assert!(load(&data, &file).status.success());
    let ok = crosscheck(Some(&data), &["datasets", "--check"], None);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stdout));

    let dataset_dir = data.join("datasets").join("people");
    let current = std::fs::read_to_string(dataset_dir.join("CURRENT")).unwrap();
    let entities = dataset_dir.join(current.trim()).join("entities.jsonl");
    let mut bytes = std::fs::read(&entities).unwrap();
    let at = bytes.iter().position(|&b| b == b'S').unwrap(); // a letter of a name: still valid JSON
    bytes[at] = b'T';
    std::fs::write(&entities, &bytes).unwrap();
    let damaged = crosscheck(Some(&data), &["datasets", "--check"], None);
    let report = String::from_utf8_lossy(&damaged.stdout);
    assert_eq!(damaged.status.code(), Some(1), "{report}");
    assert!(report.contains("damaged") && report.contains("entities.jsonl"), "{report}");

    let missing = crosscheck(Some(&data), &["datasets", "--check", "nope"], None);
    assert_eq!(missing.status.code(), Some(2));
}
