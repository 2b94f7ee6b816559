//! Issue 16, the desk's decisions as a user meets them: a decision acknowledged with 201 by
//! `crosscheck serve` is in the log after a `kill -9` of the server the next instant; `verify`
//! applies the case's decisions (found by the case folder's name) in every format, and
//! `--no-decisions` ignores them; `audit --judgements` exports the pairs in effect; `audit
//! --verify` still finds an edited or removed entry among decisions.

use super::server::Server;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const REGISTRY: &str = r#"{"id":"r1","schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1961-02-03"]}}
{"id":"r2","schema":"Person","properties":{"name":["Viktor Hollow"],"birthDate":["1970-05-05"]}}
"#;

const CASE: &str = "case: hollow-2024
as_of: 2024-11-01
subject:
  name: Viktor Hollow
  birthDate: 1961-02-03
evidence:
  - {dataset: registry}
";

/// A data dir with `registry` loaded, a folder of cases holding `hollow`, and a reviewer token.
struct Desk {
    _dir: tempfile::TempDir,
    data: PathBuf,
    cases: PathBuf,
    token: String,
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let registry = dir.path().join("registry.jsonl");
    std::fs::write(&registry, REGISTRY).unwrap();
    let out = run(&data, &["load", "--kind", "registry", registry.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(cases.join("hollow")).unwrap();
    std::fs::write(cases.join("hollow/case.yaml"), CASE).unwrap();
    let out = run(&data, &["token", "add", "vera", "--role", "reviewer"]);
    assert_eq!(out.status.code(), Some(0));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    Desk { _dir: dir, data, cases, token }
}

fn run(data: &Path, args: &[&str]) -> std::process::Output {
    super::common::crosscheck(Some(data), args, None)
}

impl Desk {
    fn case_file(&self) -> String {
        self.cases.join("hollow/case.yaml").to_str().unwrap().to_string()
    }

    fn verify_json(&self, extra: &[&str]) -> Value {
        let case = self.case_file();
        let mut args = vec!["verify", case.as_str(), "--output-format", "json"];
        args.extend_from_slice(extra);
        let out = run(&self.data, &args);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        super::common::validate("verify-report.schema.json", &report);
        report
    }

    /// Starts the server, POSTs each body to `path` and kills it (SIGKILL) the instant the last
    /// answer is read; the answers.
    fn post_then_kill(&self, path: &str, bodies: &[Value]) -> Vec<(u16, Value)> {
        let server = Server::start(&self.data, &["--cases", self.cases.to_str().unwrap()]);
        let answers = bodies.iter().map(|body| server.post_as(&self.token, path, &body.to_string())).collect();
        server.kill_now();
        answers
    }
}

fn status_of<'a>(report: &'a Value, claim: &str) -> &'a str {
    report["claims"].as_array().unwrap().iter().find(|c| c["id"] == claim).unwrap()["status"].as_str().unwrap()
}

#[test]
fn a_decision_acknowledged_with_201_survives_kill_9_and_verify_applies_it() {
    let desk = desk();
    assert_eq!(status_of(&desk.verify_json(&[]), "subject.birthDate"), "single-source");
    let decision =
        json!({"target": "registry:r1", "person": "subject", "judgement": "different", "reason": "a namesake"});
    let answers = desk.post_then_kill("/cases/hollow/decisions", &[decision]);
    assert_eq!(answers[0].0, 201, "{:?}", answers[0].1);
    let id = answers[0].1["id"].as_i64().unwrap();

    let out = run(&desk.data, &["audit", "--case", "hollow", "--output-format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let entries = super::common::json_lines(&out.stdout);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["id"], id);
    assert_eq!(entries[0]["action"], "decision");
    assert_eq!(entries[0]["by"], "vera");
    assert_eq!(entries[0]["judgement"], "different");
    let verified = run(&desk.data, &["audit", "--verify"]);
    assert_eq!(verified.status.code(), Some(0), "{}", String::from_utf8_lossy(&verified.stderr));

    // the case's decisions are found by its folder's name: `different` rules r1 out
    let report = desk.verify_json(&[]);
    assert_eq!(status_of(&report, "subject.birthDate"), "unverified");
    assert_eq!(report["decisions"][0]["id"], id);
    assert_eq!(report["decisions"][0]["applied"], true);
    let ignored = desk.verify_json(&["--no-decisions"]);
    assert_eq!(status_of(&ignored, "subject.birthDate"), "single-source");
    assert_eq!(ignored["decisions"], json!([]));

    let case = desk.case_file();
    for (format, heading) in [
        ("text", "DECISIONS OF THE DESK"),
        ("markdown", "## Decisions of the desk"),
        ("html", "<h2>Decisions of the desk</h2>"),
    ] {
        let out = run(&desk.data, &["verify", &case, "--output-format", format]);
        let shown = String::from_utf8(out.stdout).unwrap();
        assert!(shown.contains(heading) && shown.contains("a namesake"), "{format}: {shown}");
        let out = run(&desk.data, &["verify", &case, "--output-format", format, "--no-decisions"]);
        assert!(!String::from_utf8(out.stdout).unwrap().contains(heading), "{format} with --no-decisions");
    }
}

#[test]
fn a_report_without_decisions_is_unchanged_but_for_an_empty_list() {
    let desk = desk();
    let case = desk.case_file();
    for format in ["text", "markdown", "html"] {
        let with = run(&desk.data, &["verify", &case, "--output-format", format]);
        let without = run(&desk.data, &["verify", &case, "--output-format", format, "--no-decisions"]);
        assert_eq!(with.stdout, without.stdout, "{format}");
    }
    assert_eq!(desk.verify_json(&[])["decisions"], json!([]));
}

#[test]
fn judgements_are_exported_one_line_per_pair_in_effect() {
    let desk = desk();
    let pair = |l: &str, r: &str, j: &str| json!({"left": {"dataset": "registry", "id": l}, "right": {"dataset": "registry", "id": r}, "judgement": j, "reason": "seen"});
    let answers = desk.post_then_kill("/judgements", &[pair("r1", "r2", "same"), pair("r2", "r1", "different")]);
    assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
    let out = run(&desk.data, &["audit", "--judgements"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = super::common::json_lines(&out.stdout);
    assert_eq!(lines.len(), 1, "{lines:?}");
    super::common::validate("judgement-line.schema.json", &lines[0]);
    assert_eq!(lines[0]["left"], json!({"dataset": "registry", "id": "r2"}));
    assert_eq!(lines[0]["right"], json!({"dataset": "registry", "id": "r1"}));
    assert_eq!(lines[0]["judgement"], "different");
    assert_eq!(lines[0]["reason"], "seen");
    assert_eq!(lines[0]["by"], "vera");
}

#[test]
fn audit_verify_finds_an_edited_or_removed_decision() {
    for (sql, id) in [
        ("UPDATE log SET body = replace(body, 'second', 'other') WHERE id = 4", "entry 4"),
        ("DELETE FROM log WHERE id = 4", "entry 4"),
    ] {
        let desk = desk();
        let decisions: Vec<Value> = ["first", "second", "third"]
            .iter()
            .map(
                |reason| json!({"target": "registry:r2", "person": "subject", "judgement": "unsure", "reason": reason}),
            )
            .collect();
        let answers = desk.post_then_kill("/cases/hollow/decisions", &decisions);
        assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
        // entries: 1 the load, 2 the token, 3..5 the decisions (the second is entry 4)
        let entries = super::common::json_lines(&run(&desk.data, &["audit", "--output-format", "json"]).stdout);
        assert_eq!(entries.len(), 5);
        assert_eq!(entries[3]["reason"], "second");
        rusqlite::Connection::open(desk.data.join("desk.sqlite3")).unwrap().execute_batch(sql).unwrap();
        let out = run(&desk.data, &["audit", "--verify"]);
        assert_eq!(out.status.code(), Some(1), "{sql}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(id), "{sql}: {said}");
    }
}

#[test]
fn a_judgement_recorded_on_the_server_is_used_by_the_next_xref() {
    let desk = desk();
    let clusters = desk._dir.path().join("clusters.jsonl");
    let xref = |desk: &Desk| -> Vec<Value> {
        let out = run(&desk.data, &["xref", "--dataset", "registry", "--clusters", clusters.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        super::common::json_lines(&std::fs::read(&clusters).unwrap())
    };
    // two Viktor Hollows born nine years apart: two people, until the desk says otherwise
    assert_eq!(xref(&desk).len(), 2);
    let judgement = json!({"left": {"dataset": "registry", "id": "r1"}, "right": {"dataset": "registry", "id": "r2"}, "judgement": "same", "reason": "one man, a wrong date in the registry"});
    let answers = desk.post_then_kill("/judgements", &[judgement]);
    assert_eq!(answers[0].0, 201, "{:?}", answers[0].1);
    let after = xref(&desk);
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0]["size"], 2);
}
