//! Issue 15, case files and streams under hostile input: an alias bomb, a second document, a
//! case or mapping that is a device or a directory, paths outside the case folder, a mapping that
//! is some other file (its content never printed), the scratch store's permissions and clean-up,
//! and a closed stderr that must not stop stdout. Every case is invented; every run is bounded
//! (each would otherwise take all memory or hang).

use super::common::root;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn verify(data: &Path, case: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify", case.to_str().unwrap()];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let out = super::common::crosscheck(Some(data), &args, None);
    assert!(started.elapsed() < Duration::from_secs(60), "verify took {:?}", started.elapsed());
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts exit 2, nothing on stdout, and a message holding every part of `want`.
fn refused(out: &Output, want: &[&str]) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(out.stdout.is_empty());
    for w in want {
        assert!(stderr(out).contains(w), "no `{w}` in: {}", stderr(out));
    }
}

#[test]
fn an_alias_bomb_is_refused_without_taking_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from("subject: {name: Ivan Testov}\nunknown:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..=9 {
        let p = format!("*a{}", i - 1);
        bomb.push_str(&format!("  a{i}: &a{i} [{}]\n", [p.as_str(); 9].join(", ")));
    }
    let case = dir.path().join("bomb.yaml");
    fs::write(&case, &bomb).unwrap();
    refused(&verify(dir.path(), &case, &[]), &["bomb.yaml", "line", "too large"]);
}

#[test]
fn a_second_document_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("two.yaml");
    fs::write(&case, "subject: {name: Ivan Testov}\n---\nsubject: {name: Petr Testov}\n").unwrap();
    refused(&verify(dir.path(), &case, &[]), &["line 2", "second YAML document"]);
}

#[cfg(unix)]
#[test]
fn devices_and_directories_are_named_for_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    // A case may come from a pipe or device, read up to the size limit: `/dev/zero` is refused
    // there, at once; evidence and mappings must still be regular files.
    refused(&verify(dir.path(), Path::new("/dev/zero"), &[]), &["/dev/zero", "larger than 16 MiB"]);
    refused(&verify(dir.path(), dir.path(), &[]), &["is a directory"]);
    fs::create_dir(dir.path().join("folder")).unwrap();
    let case = dir.path().join("case.yaml");
    let write_case = |evidence: &str| {
        fs::write(&case, format!("subject: {{name: Ivan Testov}}\nevidence:\n  - {evidence}\n")).unwrap();
    };
    write_case("{file: folder}");
    refused(&verify(dir.path(), &case, &[]), &["line 3", "`evidence[1].file`", "is a directory"]);
    write_case("{file: /dev/zero}");
    refused(&verify(dir.path(), &case, &["--allow-outside-case-folder"]), &["not a regular file"]);
    fs::write(dir.path().join("rows.csv"), "id,name\n1,Ivan Testov\n").unwrap();
    write_case("{file: rows.csv, mapping: /dev/zero}");
    refused(
        &verify(dir.path(), &case, &["--allow-outside-case-folder"]),
        &["`evidence[1].mapping`", "not a regular file"],
    );
}

#[test]
fn a_case_file_over_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("big.yaml");
    let mut text = String::from("subject: {name: Ivan Testov}\n#");
    text.push_str(&"x".repeat(17 * 1024 * 1024));
    fs::write(&case, text).unwrap();
    refused(&verify(dir.path(), &case, &[]), &["big.yaml", "larger than 16 MiB"]);
}

#[test]
fn evidence_outside_the_case_folder_needs_the_flag() {
    let outside = tempfile::tempdir().unwrap();
    let rows = outside.path().join("rows.jsonl");
    fs::write(&rows, r#"{"id":"p1","schema":"Person","properties":{"name":["Ivan Testov"]}}"#).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.yaml");
    let body =
        |file: &str| format!("subject: {{name: Ivan Testov}}\nevidence:\n  - {{file: \"{file}\", kind: registry}}\n");
    fs::write(&case, body(rows.to_str().unwrap())).unwrap();
    refused(
        &verify(dir.path(), &case, &[]),
        &["line 3", "`evidence[1].file`", "outside", "--allow-outside-case-folder"],
    );
    let ok = verify(dir.path(), &case, &["--allow-outside-case-folder"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    // `..` and a symlink are resolved before the check
    fs::write(&case, body(&format!("../{}/rows.jsonl", outside.path().file_name().unwrap().to_str().unwrap())))
        .unwrap();
    refused(&verify(dir.path(), &case, &[]), &["outside"]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&rows, dir.path().join("link.jsonl")).unwrap();
        fs::write(&case, body("link.jsonl")).unwrap();
        refused(&verify(dir.path(), &case, &[]), &["outside"]);
    }
    // inside the folder, a subfolder is fine
    fs::create_dir(dir.path().join("evidence")).unwrap();
    fs::copy(&rows, dir.path().join("evidence/rows.jsonl")).unwrap();
    fs::write(&case, body("evidence/rows.jsonl")).unwrap();
    let ok = verify(dir.path(), &case, &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

#[test]
fn a_mapping_that_is_another_file_is_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("rows.csv"), "id,name\n1,Ivan Testov\n").unwrap();
    fs::write(dir.path().join("shadow"), "rootsecret:$6$SECRETHASH:19000:0:99999:7:::\n").unwrap();
    let case = dir.path().join("case.yaml");
    fs::write(&case, "subject: {name: Ivan Testov}\nevidence:\n  - {file: rows.csv, mapping: shadow}\n").unwrap();
    let out = verify(dir.path(), &case, &[]);
    refused(&out, &["line 3", "`evidence[1].mapping`", "is not a mapping file"]);
    assert!(!stderr(&out).contains("SECRET"), "{}", stderr(&out));
}

#[test]
fn a_note_typed_without_a_space_never_reaches_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.yaml");
    fs::write(&case, "subject: {name: Ivan Testov}\nsources:\n  - key: A\n    note:\"SECRET met him in 2015\": 1\n")
        .unwrap();
    let out = verify(dir.path(), &case, &[]);
    refused(&out, &["line 4", "unknown key"]);
    assert!(!stderr(&out).contains("SECRET"), "{}", stderr(&out));
}

#[test]
fn an_unknown_relationship_is_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.yaml");
    fs::write(&case, "subject: {name: Ivan Testov}\npeople:\n  - {key: boy, relationship: sn, name: Oleg Testov}\n")
        .unwrap();
    refused(&verify(dir.path(), &case, &[]), &["case.yaml", "line 3", "people[1].relationship", "did you mean `son`?"]);
}

#[cfg(target_os = "linux")]
#[test]
fn the_scratch_store_is_owner_only_and_stale_ones_are_removed() {
    use std::os::unix::fs::PermissionsExt;
    // a scratch folder left by a killed run: a process id that cannot be alive (above pid_max)
    let stale = std::env::temp_dir().join("crosscheck-case-4194399-test");
    fs::create_dir_all(stale.join("datasets")).unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = verify(data.path(), &root().join("examples/defector/case.yaml"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stale.exists(), "a killed run's scratch folder stays");
    // while a run holds its scratch folder, it is owner-only: watch a slow run's folder appear
    let mut child = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["--data-dir", data.path().to_str().unwrap(), "verify"])
        .arg(root().join("examples/defector/case.yaml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let prefix = format!("crosscheck-case-{}-", child.id());
    let started = Instant::now();
    let mut seen = None;
    while seen.is_none() && started.elapsed() < Duration::from_secs(30) {
        seen = fs::read_dir(std::env::temp_dir())
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .and_then(|e| e.metadata().ok());
        if child.try_wait().unwrap().is_some() {
            break;
        }
    }
    child.wait().unwrap();
    let meta = seen.expect("the run's scratch folder was seen while it ran");
    assert_eq!(meta.permissions().mode() & 0o777, 0o700, "the scratch folder is not owner-only");
    let left: Vec<_> = fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "the scratch folder stays after the run");
}

/// A closed stderr (a log reader that exited) stops nothing: stdout is whole, the exit code true.
#[cfg(unix)]
#[test]
fn a_closed_stderr_never_stops_the_data() {
    let data = tempfile::tempdir().unwrap();
    let case = root().join("examples/defector/case.yaml");
    let run = |stderr_closed: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_crosscheck"));
        command.args(["--data-dir", data.path().to_str().unwrap(), "verify"]).arg(&case);
        command.args(["--output-format", "json"]).stdin(Stdio::null()).stdout(Stdio::piped());
        if stderr_closed {
            // a pipe whose reader is gone: every write to stderr fails with EPIPE
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            command.stderr(writer);
        } else {
            command.stderr(Stdio::null());
        }
        command.output().unwrap()
    };
    let whole = run(false);
    let closed = run(true);
    assert_eq!(closed.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&closed.stdout).expect("a whole JSON report");
    assert_eq!(
        report["claims"].as_array().map(Vec::len),
        serde_json::from_slice::<serde_json::Value>(&whole.stdout).unwrap()["claims"].as_array().map(Vec::len)
    );
    // check-id reports a bad line on stderr and goes on
    let mut command = Command::new(env!("CARGO_BIN_EXE_crosscheck"));
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let input = "{\"id\":\"a\",\"type\":\"inn\",\"value\":\"7707083893\"}\nnot json\n{\"id\":\"b\",\"type\":\"inn\",\"value\":\"7707083893\"}\n";
    let mut child = command
        .args(["check-id", "--input", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(writer)
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a bad line exits 2, not a panic's 101");
    assert_eq!(super::common::json_lines(&out.stdout).len(), 3);
}
