//! Issue 15, line caps and encodings through `load`: an FtM line over 16 MiB is one reject at its
//! true line and the lines around it load; UTF-16 without a byte-order mark loads without
//! `--encoding`; a guessed encoding says how sure the guess is.

use super::common::{crosscheck, json_lines, validate};
use serde_json::Value;
use std::path::Path;

/// Loads `file` (with `extra` arguments before it) into `data` with a JSON summary: the exit code,
/// the summary and stderr.
fn load(data: &Path, extra: &[&str], file: &Path) -> (Option<i32>, Value, String) {
    let mut args = vec!["load", "--output-format", "json"];
    args.extend_from_slice(extra);
    args.push(file.to_str().unwrap());
    let out = crosscheck(Some(data), &args, None);
    let summary = json_lines(&out.stdout).pop().unwrap_or(Value::Null);
    (out.status.code(), summary, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn counts(summary: &Value) -> (Option<u64>, Option<u64>, Option<u64>) {
    (summary["read"].as_u64(), summary["loaded"].as_u64(), summary["rejected"].as_u64())
}

fn rejects(summary: &Value) -> Vec<Value> {
    json_lines(&std::fs::read(summary["rejects_file"].as_str().expect("a rejects file")).unwrap())
}

fn person(id: &str, name: &str) -> String {
    serde_json::json!({"id": id, "schema": "Person", "properties": {"name": [name]}}).to_string()
}

#[test]
fn an_ftm_line_over_16_mib_is_one_reject_at_its_true_line_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut content = format!("{}\r\n\n", person("a", "Ivo Marsh")).into_bytes();
    let start = content.len();
    content.extend_from_slice(br#"{"id": "huge", "schema": "Person", "properties": {"name": [""#);
    content.resize(content.len() + (17 << 20), b'x');
    content.extend_from_slice(b"\"]}}");
    let huge = content.len() - start;
    content.push(b'\n');
    // A CR inside an object is whitespace, not the end of a line.
    content
        .extend_from_slice(b"{\"id\": \"b\",\r \"schema\": \"Person\", \"properties\": {\"name\": [\"Ana Reyes\"]}}\n");
    let file = dir.path().join("people.jsonl");
    std::fs::write(&file, &content).unwrap();
    let (code, summary, stderr) = load(&dir.path().join("data"), &[], &file);
    assert_eq!(code, Some(0), "{stderr}");
    validate("load-summary.schema.json", &summary);
    assert_eq!(counts(&summary), (Some(3), Some(2), Some(1)), "{summary}");
    let rejects = rejects(&summary);
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["line"], 3, "{}", rejects[0]["reason"]);
    let reason = rejects[0]["reason"].as_str().unwrap();
    assert!(reason.contains(&format!("line of {huge} bytes")), "{reason}");
    assert!(reason.contains("16 MiB"), "{reason}");
    assert!(rejects[0]["raw"].as_str().unwrap().len() <= 64 * 1024);
}
