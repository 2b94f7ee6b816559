//! Issue 14: docs/case-file.md stands alone. Its annotated example (the fenced block marked
//! `yaml case-file-example`) runs as written, with the example case's evidence files beside it,
//! and every status its comments give (`[claim id: status]`) is the report's.

use super::common::root;
use std::fs;
use std::path::Path;

fn example_of_the_docs() -> String {
    let docs = fs::read_to_string(root().join("docs/case-file.md")).unwrap();
    let start = docs.find("```yaml case-file-example\n").expect("docs/case-file.md has its annotated example");
    let body = &docs[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("\n```").expect("the example's block ends")].to_string() + "\n"
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn the_annotated_example_runs_and_gives_the_statuses_it_says() {
    let case_dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples/defector/evidence"), &case_dir.path().join("evidence"));
    let example = example_of_the_docs();
    let case = case_dir.path().join("case.yaml");
    fs::write(&case, &example).unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = super::common::crosscheck(
        Some(data.path()),
        &["verify", case.to_str().unwrap(), "--output-format", "json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    super::common::validate("verify-report.schema.json", &report);
    let claims = report["claims"].as_array().unwrap();
    let statuses = ["corroborated", "single-source", "contradicted", "unverified"];
    let said = example
        .lines()
        .filter_map(|l| l.split_once('#').map(|(_, comment)| comment))
        .filter_map(|c| c.split_once('[').and_then(|(_, rest)| rest.split_once(']')).map(|(inside, _)| inside))
        .filter_map(|inside| inside.split_once(": "))
        .filter(|(_, status)| statuses.contains(status));
    let mut checked = 0;
    for (id, status) in said {
        let claim = claims.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no claim {id}"));
        assert_eq!(claim["status"], status, "{id}");
        checked += 1;
    }
    assert!(checked >= 6, "the example states {checked} statuses");
    // the example shows every kind of outcome
    for status in ["corroborated", "contradicted", "unverified"] {
        assert!(claims.iter().any(|c| c["status"] == status), "no {status} claim");
    }
    assert_eq!(report["case"], "defector-2024-001");
}
