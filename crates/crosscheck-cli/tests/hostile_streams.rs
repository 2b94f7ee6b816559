//! Issue 15: input lines of `match`, `compare` and `check-id` that cannot be read as text. A line
//! longer than 16 MiB, or one holding bytes that are not UTF-8, is answered in place with an error
//! naming its line and the reason; the lines around it are answered as usual, and the run exits 2.

use super::common::{crosscheck, crosscheck_bytes, json_lines};

/// Three lines: good, bad (`bad`), good.
fn around(good: &str, bad: &[u8]) -> Vec<u8> {
    let mut input = format!("{good}\n").into_bytes();
    input.extend_from_slice(bad);
    input.extend_from_slice(format!("\n{good}\n").as_bytes());
    input
}

fn over_long_line() -> Vec<u8> {
    let mut line = b"{\"id\": \"x\", \"value\": \"".to_vec();
    line.resize(17 << 20, b'a');
    line
}

#[test]
fn over_long_and_non_utf8_lines_are_answered_in_place_by_compare_and_check_id() {
    let pair = r#"{"id": "p", "left": {"schema": "Person", "properties": {"name": ["Ivo Marsh"]}}, "right": {"schema": "Person", "properties": {"name": ["Ivo Marsh"]}}}"#;
    let check = r#"{"id": "c", "type": "iban", "value": "GB82WEST12345698765432"}"#;
    let bad_utf8 = b"{\"id\": \"b\", \"value\": \"\xff\xfe\"}".to_vec();
    for (args, good) in [(vec!["compare"], pair), (vec!["check-id", "--input", "-"], check)] {
        for (bad, reason) in [(over_long_line(), "longer than 16 MiB"), (bad_utf8.clone(), "invalid UTF-8 at byte 23")]
        {
            let out = crosscheck_bytes(None, &args, around(good, &bad));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            let answers = json_lines(&out.stdout);
            assert_eq!(answers.len(), 3, "{args:?}: every line answered");
            assert!(answers[0]["error"].is_null() && answers[2]["error"].is_null(), "{args:?}: {answers:?}");
            let error = answers[1]["error"].as_str().unwrap_or_default();
            assert!(error.contains("line 2") && error.contains(reason), "{args:?}: {error}");
            assert!(stderr.contains(reason), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn an_over_long_match_query_is_answered_in_place() {
    let data = tempfile::tempdir().unwrap();
    let people = r#"{"id": "p1", "schema": "Person", "properties": {"name": ["Ivo Marsh"]}}"#;
    let file = data.path().join("people.jsonl");
    std::fs::write(&file, people).unwrap();
    let load = crosscheck(Some(&data.path().join("store")), &["load", file.to_str().unwrap()], None);
    assert_eq!(load.status.code(), Some(0), "{}", String::from_utf8_lossy(&load.stderr));
    let query = r#"{"id": "q", "schema": "Person", "properties": {"name": ["Ivo Marsh"]}}"#;
    let out = crosscheck_bytes(
        Some(&data.path().join("store")),
        &["match", "--dataset", "people"],
        around(query, &over_long_line()),
    );
    assert_eq!(out.status.code(), Some(2));
    let answers = json_lines(&out.stdout);
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["results"][0]["id"], "p1");
    assert!(answers[1]["error"].as_str().unwrap().contains("line 2"), "{answers:?}");
    assert_eq!(answers[2]["results"][0]["id"], "p1");
}
