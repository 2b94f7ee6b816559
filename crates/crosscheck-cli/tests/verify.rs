//! `crosscheck verify` end to end: the example case on an empty data dir in every format (JSON
//! validated against `docs/schemas/verify-report.schema.json`), `--strict`, a case that uses a
//! loaded dataset, bad input (exit 2, nothing on stdout), and notes that never reach stdout or
//! stderr.

use super::common::root;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn example() -> PathBuf {
    root().join("examples/defector/case.yaml")
}

fn crosscheck(data_dir: &Path, args: &[&str]) -> Output {
    super::common::crosscheck(Some(data_dir), args, None)
}

fn verify(data_dir: &Path, case: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify", case.to_str().unwrap()];
    args.extend_from_slice(extra);
    crosscheck(data_dir, &args)
}

fn validate(instance: &Value) {
    super::common::validate("verify-report.schema.json", instance);
}

#[test]
fn example_case_on_an_empty_data_dir() {
    let data = tempfile::tempdir().unwrap();
    let out = verify(data.path(), &example(), &["--output-format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON report");
    validate(&report);
    let claims = report["claims"].as_array().unwrap();
    assert!(claims.len() >= 12);
    for status in ["corroborated", "single-source", "contradicted", "unverified"] {
        assert!(claims.iter().any(|c| c["status"] == status), "no {status} claim");
    }
    for c in claims {
        let sentence = c["explanation"].as_str().unwrap();
        assert!(sentence.ends_with('.') && !sentence.contains('\n'), "not one sentence: {sentence}");
    }
    let status = |id: &str| claims.iter().find(|c| c["id"] == id).map(|c| c["status"].clone()).unwrap();
    assert_eq!(status("subject.birthDate"), "corroborated");
    assert_eq!(status("father.birthDate"), "contradicted");
    assert_eq!(status("wife.name"), "corroborated");
    assert_eq!(status("passport.valid"), "corroborated");
    assert_eq!(status("service-id.valid"), "unverified");
    // the leak and its copy share one origin: the address is corroborated only with neighbours
    let address = claims.iter().find(|c| c["id"] == "subject.address.1").unwrap();
    assert_eq!(address["origins"], serde_json::json!(["delivery-leak-2020", "group:neighbours"]));
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings[0]["person"], "subject");
    assert_eq!(findings[0]["resolved"], true);
    assert!(report["could_not_verify"].as_array().unwrap().iter().any(|c| c == "subject.employment.1.employer"));
    // the brother is found through the father's family record (a composed relationship)
    assert_eq!(status("brother.name"), "single-source");

    let strict = verify(data.path(), &example(), &["--output-format", "json", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    let strict_report: Value = serde_json::from_slice(&strict.stdout).expect("--strict still writes the report");
    assert_eq!(strict_report["claims"].as_array().map(Vec::len), Some(claims.len()));
    // the scratch store is not the data dir: nothing was loaded there
    assert!(!data.path().join("datasets").join("registry").exists());
}

#[test]
fn every_format_renders_and_no_note_leaks() {
    let data = tempfile::tempdir().unwrap();
    for format in ["text", "json", "markdown", "html"] {
        let out = verify(data.path(), &example(), &["--output-format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stdout.contains("subject.birthDate"), "{format}");
        for text in [&stdout, &stderr] {
            assert!(!text.contains("private:"), "{format} shows a note");
            assert!(!text.contains("late 2022"), "{format} shows a note");
        }
        if format == "html" {
            assert!(stdout.starts_with("<!DOCTYPE html>"));
            assert!(stdout.contains("<svg"));
            assert!(stdout.contains("What we could not verify"));
            for external in ["<script", "<link", "src=", "@import", "url("] {
                assert!(!stdout.contains(external), "html refers to something outside: {external}");
            }
        }
    }
}

#[test]
fn loaded_datasets_are_used_by_name_with_their_stored_provenance() {
    let data = tempfile::tempdir().unwrap();
    let registry = root().join("examples/defector/evidence/registry.jsonl");
    let load = crosscheck(
        data.path(),
        &[
            "load",
            "--dataset",
            "civil",
            "--kind",
            "government",
            "--origin",
            "registry-2021",
            registry.to_str().unwrap(),
        ],
    );
    assert_eq!(load.status.code(), Some(0), "{}", String::from_utf8_lossy(&load.stderr));
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.yaml");
    std::fs::write(
        &case,
        "as_of: 2024-11-01\nsubject: {name: Kirill Lebedev, birthDate: 1988-09-21}\nevidence:\n  - {dataset: civil}\n",
    )
    .unwrap();
    let out = verify(data.path(), &case, &["--output-format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&report);
    assert_eq!(report["datasets"][0]["origin"], "registry-2021");
    assert_eq!(report["datasets"][0]["kind"], "government");
    assert_eq!(report["claims"][1]["status"], "single-source");

    std::fs::write(&case, "subject: {name: Kirill Lebedev}\nevidence:\n  - {dataset: nowhere}\n").unwrap();
    let out = verify(data.path(), &case, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no dataset `nowhere`"));
}

#[test]
fn bad_input_exits_2_with_line_and_key_and_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let table: &[(&str, &str)] = &[
        ("subject: {name: A B}\nevidnce: []\n", "line 2, column 1: unknown key `evidnce` (did you mean `evidence`?)"),
        (
            "subject: {name: A B}\nsources:\n  - {key: A, note: TOPSECRET, confirms: [subject.age]}\n",
            "line 3, column 42: `sources[1].confirms[1]`: source `A` names a claim id the case does not make",
        ),
        ("subject: {name: A B}\nevidence:\n  - {file: missing.jsonl}\n", "line 3, column 5: evidence file"),
        ("subject:\n  name: A B\n  birthDate: 31.02.1990\n", "line 3, column 14: `subject.birthDate`: unreadable date"),
        (
            "subject: {name: A B}\npeople:\n  - {key: wife, age: 30}\n",
            "line 3, column 5: `people[1]`: person `wife` has no name",
        ),
    ];
    for (text, want) in table {
        let case = dir.path().join("bad.yaml");
        std::fs::write(&case, text).unwrap();
        let out = verify(data.path(), &case, &["--output-format", "json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(out.stdout.is_empty(), "{text}: something was written");
        assert!(stderr.contains(want), "{text}:\n{stderr}");
        assert!(!stderr.contains("TOPSECRET"));
    }
    let out = verify(data.path(), &dir.path().join("absent.yaml"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}

/// Random markers (std's randomly keyed hasher: no extra dependency) in the notes of the example
/// case: never on stdout or stderr, in any format, nor in an error about the sources.
#[test]
fn random_note_markers_never_reach_stdout_or_stderr() {
    use std::hash::{BuildHasher, RandomState};
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(example()).unwrap();
    let evidence = root().join("examples/defector/evidence");
    for round in 0..3u64 {
        let marker = format!("NOTE{:016x}", RandomState::new().hash_one(round));
        let text = original
            .replace("private: how the desk reached B", &marker)
            .replace("private: says he left in late 2022", &format!("{marker} {marker}"))
            .replace("evidence/", &format!("{}/", evidence.display()));
        assert!(text.contains(&marker));
        let case = dir.path().join("case.yaml");
        std::fs::write(&case, &text).unwrap();
        for format in ["text", "json", "markdown", "html"] {
            // the evidence is the example's, outside this case's folder
            let out =
                verify(data.path(), &case, &["--output-format", format, "--strict", "--allow-outside-case-folder"]);
            assert_eq!(out.status.code(), Some(1));
            assert!(!String::from_utf8_lossy(&out.stdout).contains(&marker), "{format} stdout");
            assert!(!String::from_utf8_lossy(&out.stderr).contains(&marker), "{format} stderr");
        }
        std::fs::write(&case, text.replace("confirms: [subject.name, subject.position]", "confirms: [subject.nope]"))
            .unwrap();
        let out = verify(data.path(), &case, &["--allow-outside-case-folder"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(!String::from_utf8_lossy(&out.stderr).contains(&marker));
    }
}

/// Issue 14 end to end: a case folder whose registry holds the subject's namesake with the same
/// birth date and address but another town of the region as birth place, and an expired
/// passport. The JSON lists the record under `set_aside` (validated against the schema), the
/// expiry is a warning, no watchlist was consulted, and the region never corroborates the city.
#[test]
fn issue_14_set_aside_expired_passport_and_no_watchlist_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.yaml");
    std::fs::write(
        &case,
        "case: issue-14\nas_of: 2024-11-01\n\
         subject: {name: Oleksandr Hnatyuk, birthDate: 1985-04-09, birthPlace: Kharkiv, address: \"Kharkiv, vul. Sumska 10\"}\n\
         documents:\n  - key: passport\n    type: mrz\n    holder: subject\n    value: \
         \"P<UKRHNATIUK<<OLEKSANDR<<<<<<<<<<<<<<<<<<<<<\\nFA123456<6UKR8504098M2009122<<<<<<<<<<<<<<02\"\n\
         evidence:\n  - {file: registry.jsonl, origin: registry-2021, kind: government}\n",
    )
    .unwrap();
    let records = [
        serde_json::json!({"id": "r9", "schema": "Person", "properties": {
            "name": ["Гнатюк Олександр Миколайович"], "birthDate": ["1985-04-09"],
            "birthPlace": ["м. Лозова, Харківська обл."], "address": ["м. Харків, вул. Сумська, 10"]}}),
        serde_json::json!({"id": "r10", "schema": "Person", "properties": {
            "name": ["Гнатюк Олександр"], "birthDate": ["1990-01-01"], "birthPlace": ["Харківська обл."]}}),
    ];
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    std::fs::write(dir.path().join("registry.jsonl"), lines.join("\n") + "\n").unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = verify(data.path(), &case, &["--output-format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON report");
    validate(&report);
    // where the records come from: the case's own file, as the case names it
    assert_eq!(report["datasets"][0]["file"], "registry.jsonl");
    let set_aside = report["set_aside"].as_array().unwrap();
    assert_eq!(set_aside.len(), 1, "{set_aside:?}");
    assert_eq!(set_aside[0]["record"], "r9");
    assert_eq!(set_aside[0]["dataset"], "registry");
    assert!(set_aside[0]["reason"].as_str().unwrap().starts_with("birth place differs"), "{}", set_aside[0]);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("expired on 2020-09-12")), "{warnings:?}");
    let claims = report["claims"].as_array().unwrap();
    let place = claims.iter().find(|c| c["id"] == "subject.birthPlace").unwrap();
    assert_ne!(place["status"], "corroborated");
    assert_ne!(place["status"], "single-source");
    for format in ["text", "markdown"] {
        let out = verify(data.path(), &case, &["--output-format", format]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("No watchlist consulted"), "{format}: {text}");
        assert!(text.contains("r9") && text.contains("birth place differs"), "{format}: {text}");
    }
}

/// `verify -o FILE` writes the report to FILE and nothing to stdout; a run that fails on its case
/// leaves an earlier FILE as it was, and no temporary file beside it.
#[test]
fn verify_output_file_is_replaced_only_by_a_complete_report() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = verify(data.path(), &example(), &["--output-format", "json", "-o", report.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    let written: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    validate(&written);

    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "subject: {name: A B}\nevidnce: []\n").unwrap();
    let before = std::fs::read(&report).unwrap();
    let out = verify(data.path(), &bad, &["-o", report.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&report).unwrap(), before, "a failed run changed the report");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "left behind: {names:?}");
}

/// A case piped in (`cat case.yaml | crosscheck verify /dev/stdin`) or redirected
/// (`crosscheck verify /dev/stdin < case.yaml`) is read, and its evidence paths are read from the
/// current folder: run from the example's folder it gives the same claims as the file itself.
#[test]
fn a_case_from_a_pipe_reads_its_evidence_from_the_current_folder() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let data = tempfile::tempdir().unwrap();
    let folder = example().parent().unwrap().to_path_buf();
    let direct = verify(data.path(), &example(), &["--output-format", "json"]);
    let direct: Value = serde_json::from_slice(&direct.stdout).unwrap();
    for piped in [true, false] {
        let stdin = if piped { Stdio::piped() } else { Stdio::from(std::fs::File::open(example()).unwrap()) };
        let mut child = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
            .arg("--data-dir")
            .arg(data.path())
            .args(["verify", "/dev/stdin", "--output-format", "json"])
            .current_dir(&folder)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(mut pipe) = child.stdin.take() {
            pipe.write_all(&std::fs::read(example()).unwrap()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "piped={piped}: {}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["claims"], direct["claims"], "piped={piped}");
    }
}
