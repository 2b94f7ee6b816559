//! Issue 18, `crosscheck xref` as an analyst runs it: pairs and clusters of a loaded dataset in
//! the documented shapes, link mode across two datasets, judgements files, and bad input refused
//! with exit 2 before anything is written.

use super::common::{crosscheck, json_lines, validate};
use serde_json::Value;
use std::path::Path;

const REGISTRY: &str = r#"{"id":"x1","schema":"Person","properties":{"name":["Ivan Petrovich Sidorov"],"birthDate":["1970-05-01"]}}
{"id":"x2","schema":"Person","properties":{"name":["Иван Петрович Сидоров"],"birthDate":["1970-05-01"]}}
{"id":"x3","schema":"Person","properties":{"name":["Ivan Petrovich Sidorov"],"birthDate":["1988-11-30"]}}
{"id":"x4","schema":"Person","properties":{"name":["Maria Gonzalez"],"birthDate":["1990-01-01"]}}
{"id":"x5","schema":"Company","properties":{"name":["Sidorov Holdings"]}}
"#;

const LIST: &str = r#"{"id":"l1","schema":"Person","properties":{"name":["SIDOROV, Ivan Petrovich"],"birthDate":["1970-05-01"]}}
{"id":"l2","schema":"Person","properties":{"name":["Olga Wendt"]}}
"#;

fn loaded() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (name, text) in [("registry", REGISTRY), ("list", LIST)] {
        let file = dir.path().join(format!("{name}.jsonl"));
        std::fs::write(&file, text).unwrap();
        let out = crosscheck(Some(&data), &["load", file.to_str().unwrap()], None);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    (dir, data)
}

fn run(data: &Path, args: &[&str]) -> (Option<i32>, Vec<Value>, String) {
    let out = crosscheck(Some(data), args, None);
    (out.status.code(), json_lines(&out.stdout), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn ids(pair: &Value) -> (String, String) {
    (pair["left"]["id"].as_str().unwrap().to_string(), pair["right"]["id"].as_str().unwrap().to_string())
}

fn clusters(path: &Path) -> Vec<Value> {
    json_lines(&std::fs::read(path).unwrap())
}

fn cluster_of(clusters: &[Value], id: &str) -> String {
    clusters
        .iter()
        .find(|c| c["members"].as_array().unwrap().iter().any(|m| m["id"] == id))
        .map(|c| c["cluster"].as_str().unwrap().to_string())
        .unwrap()
}

#[test]
fn dedupe_writes_pairs_and_clusters_in_their_documented_shapes() {
    let (dir, data) = loaded();
    let clusters_file = dir.path().join("people.jsonl");
    let (code, pairs, stderr) =
        run(&data, &["xref", "--dataset", "registry", "--clusters", clusters_file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    for pair in &pairs {
        validate("xref-pair.schema.json", pair);
        assert!(pair["score"].as_f64().unwrap() >= 0.35, "{pair}");
    }
    let matched: Vec<_> = pairs.iter().filter(|p| p["match"] == true).map(ids).collect();
    assert_eq!(matched, vec![("x1".to_string(), "x2".to_string())], "{pairs:?}");
    assert!(!pairs.iter().any(|p| ids(p).1 == "x5" || ids(p).0 == "x5"), "a person is never paired with a company");

    let found = clusters(&clusters_file);
    found.iter().for_each(|c| validate("xref-cluster.schema.json", c));
    let mut members: Vec<String> = found
        .iter()
        .flat_map(|c| c["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()))
        .collect();
    members.sort();
    assert_eq!(members, ["x1", "x2", "x3", "x4", "x5"], "every record in exactly one cluster");
    assert_eq!(cluster_of(&found, "x1"), cluster_of(&found, "x2"));
    assert_ne!(cluster_of(&found, "x1"), cluster_of(&found, "x3"), "the namesake born 1988 stays apart");

    assert!(stderr.contains("cross-referenced 5 records"), "{stderr}");
    assert!(stderr.contains("1 matches"), "{stderr}");
    assert!(stderr.contains("clusters: 4 (1 of two or more records)"), "{stderr}");

    // the same inputs, the same lines (and the same cluster ids)
    let again = dir.path().join("again.jsonl");
    let (_, pairs_again, _) = run(&data, &["xref", "--dataset", "registry", "--clusters", again.to_str().unwrap()]);
    assert_eq!(pairs, pairs_again);
    assert_eq!(found, clusters(&again));
}

#[test]
fn link_mode_pairs_only_across_and_clusters_over_both() {
    let (dir, data) = loaded();
    let clusters_file = dir.path().join("both.jsonl");
    let output = dir.path().join("hits.jsonl");
    let (code, stdout, stderr) = run(
        &data,
        &[
            "xref",
            "--dataset",
            "list",
            "--against",
            "registry",
            "-o",
            output.to_str().unwrap(),
            "--clusters",
            clusters_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty(), "pairs go to the -o file");
    let pairs = json_lines(&std::fs::read(&output).unwrap());
    assert!(!pairs.is_empty());
    for pair in &pairs {
        assert_eq!(
            (pair["left"]["dataset"].as_str(), pair["right"]["dataset"].as_str()),
            (Some("list"), Some("registry"))
        );
    }
    let found = clusters(&clusters_file);
    assert_eq!(found.iter().map(|c| c["size"].as_u64().unwrap()).sum::<u64>(), 7, "2 + 5 records");
    let listed = cluster_of(&found, "l1");
    assert_eq!(cluster_of(&found, "x1"), listed);
    assert_eq!(cluster_of(&found, "x2"), listed, "the registry's two spellings join through the listing");
}

#[test]
fn a_judgements_file_wins_over_the_scores() {
    let (dir, data) = loaded();
    let judged = dir.path().join("judged.jsonl");
    std::fs::write(
        &judged,
        r#"{"left":{"dataset":"registry","id":"x1"},"right":{"dataset":"registry","id":"x2"},"judgement":"different","reason":"other parents"}
{"left":{"dataset":"registry","id":"x3"},"right":{"dataset":"registry","id":"x4"},"judgement":"same","reason":"a test of the rule"}
"#,
    )
    .unwrap();
    let clusters_file = dir.path().join("people.jsonl");
    let (code, _, stderr) = run(
        &data,
        &[
            "xref",
            "--dataset",
            "registry",
            "--judgements",
            judged.to_str().unwrap(),
            "--clusters",
            clusters_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let found = clusters(&clusters_file);
    assert_ne!(cluster_of(&found, "x1"), cluster_of(&found, "x2"));
    assert_eq!(cluster_of(&found, "x3"), cluster_of(&found, "x4"));
    assert!(stderr.contains("judgements: 2 applied"), "{stderr}");
}

#[test]
fn bad_input_exits_2_naming_what_and_where_and_writes_nothing() {
    let (dir, data) = loaded();
    let output = dir.path().join("pairs.jsonl");
    let clusters_file = dir.path().join("clusters.jsonl");
    std::fs::write(&output, "earlier run\n").unwrap();
    let bad = dir.path().join("judged.jsonl");
    std::fs::write(
        &bad,
        "{\"left\":{\"dataset\":\"registry\",\"id\":\"x1\"},\"right\":{\"dataset\":\"registry\",\"id\":\"x2\"},\"judgement\":\"same\"}\nnot json\n",
    )
    .unwrap();
    let files = ["-o", output.to_str().unwrap(), "--clusters", clusters_file.to_str().unwrap()];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["xref", "--dataset", "nope"], "no dataset `nope`"),
        (vec!["xref", "--dataset", "registry", "--against", "registry"], "leave `--against` out"),
        (
            vec!["xref", "--dataset", "registry", "--judgements", bad.to_str().unwrap()],
            "judged.jsonl`, line 2: not a judgement",
        ),
        (vec!["xref", "--dataset", "registry", "--judgements", "/nonexistent/j.jsonl"], "no such file"),
        (vec!["xref", "--dataset", "registry", "--threshold", "7"], "not between 0 and 1"),
    ];
    for (mut args, expected) in cases {
        args.extend_from_slice(&files);
        let (code, stdout, stderr) = run(&data, &args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert_eq!(std::fs::read_to_string(&output).unwrap(), "earlier run\n", "{args:?}: the earlier file stays");
        assert!(!clusters_file.exists(), "{args:?}");
    }
}
