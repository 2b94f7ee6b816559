//! Issue 13, the whole FtM model: records of every kind of FtM 4 link (Directorship, Ownership,
//! Representation, UnknownLink, Succession, Occupancy, ...) load with no reject, and a
//! Directorship in a case's evidence file supports the subject's employer claim through the
//! store (filed under the director's `r:` key, found as an Employment is).

use serde_json::{json, Value};
use std::path::Path;

fn record(id: &str, schema: &str, props: Value) -> String {
    let props: serde_json::Map<String, Value> =
        props.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), json!([v]))).collect();
    json!({"id": id, "schema": schema, "properties": props}).to_string()
}

/// A small registry: a person, two companies, and the links between them.
fn registry() -> String {
    [
        record("p1", "Person", json!({"name": "Gleb Ivanov", "birthDate": "1991-03-14"})),
        record("c1", "Company", json!({"name": "Rostelecom", "innCode": "7707049388"})),
        record("c2", "Company", json!({"name": "Northwind Shipping Ltd"})),
        record(
            "d1",
            "Directorship",
            json!({"director": "p1", "organization": "c1", "role": "Chairman of the board", "startDate": "2012"}),
        ),
        record("o1", "Ownership", json!({"owner": "p1", "asset": "c2", "percentage": "40", "ownershipType": "direct"})),
        record("r1", "Representation", json!({"agent": "p1", "client": "c2", "role": "registered agent"})),
        record("u1", "UnknownLink", json!({"subject": "c1", "object": "c2", "role": "supplier"})),
        record("s1", "Succession", json!({"predecessor": "c2", "successor": "c1", "date": "2019"})),
        record("pos1", "Position", json!({"name": "Chairman of Rostelecom", "country": "ru"})),
        record("oc1", "Occupancy", json!({"holder": "p1", "post": "pos1", "status": "current"})),
        record("sa1", "Sanction", json!({"entity": "c2", "program": "Fictional list", "listingDate": "2022-03-01"})),
        record("t1", "Thing", json!({"name": "An abstract thing, as FtM accepts"})),
    ]
    .join("\n")
        + "\n"
}

fn write(dir: &Path, name: &str, content: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("fixture written");
    path
}

#[test]
fn issue_13_links_of_every_kind_load_with_no_reject() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "registry.jsonl", &registry());
    let data = dir.path().join("data");
    let out =
        super::common::crosscheck(Some(&data), &["load", "--output-format", "json", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = super::common::json_lines(&out.stdout).pop().expect("a summary");
    super::common::validate("load-summary.schema.json", &summary);
    assert_eq!((summary["read"].as_u64(), summary["rejected"].as_u64()), (Some(12), Some(0)), "{summary}");
    assert_eq!(summary["loaded"], 12);
    assert!(summary["rejects_file"].is_null(), "no rejects file when nothing was rejected: {summary}");
}

#[test]
fn issue_13_a_directorship_supports_the_employer_claim_in_a_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "registry.jsonl", &registry());
    let case = write(
        dir.path(),
        "case.yaml",
        "case: issue-13\nas_of: 2024-11-01\nsubject:\n  name: Gleb Ivanov\n  birthDate: 1991-03-14\n  employer: Rostelecom\n  employedFrom: 2012\nevidence:\n  - {file: registry.jsonl, origin: registry-2024, kind: registry}\n",
    );
    let data = dir.path().join("data");
    let out =
        super::common::crosscheck(Some(&data), &["verify", case.to_str().unwrap(), "--output-format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON report");
    super::common::validate("verify-report.schema.json", &report);
    let claim = |id: &str| report["claims"].as_array().unwrap().iter().find(|c| c["id"] == id).cloned().unwrap();
    let employer = claim("subject.employer");
    assert_eq!(employer["status"], "single-source", "{employer}");
    assert_eq!(employer["evidence"][0]["record"], "d1");
    assert_eq!(employer["evidence"][0]["value"], "Rostelecom");
    assert!(employer["evidence"][0]["detail"].as_str().unwrap().contains("director of Rostelecom"), "{employer}");
    assert_eq!(claim("subject.employedFrom")["status"], "single-source");
}
