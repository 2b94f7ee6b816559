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

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
}

#[test]
fn utf16_without_a_bom_loads_without_encoding_as_ftm_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let ftm = format!("{}\n{}\n", person("a", "Глеб Иванов"), person("b", "Ana Reyes"));
    let csv = "id;name\n1;Глеб Иванов\n2;Ana Reyes\n";
    let mapping = dir.path().join("people.mapping.yml");
    std::fs::write(&mapping, "schema: Person\nid: [id]\ndelimiter: \";\"\nproperties:\n  name: name\n").unwrap();
    for (big_endian, order) in [(false, "UTF-16LE"), (true, "UTF-16BE")] {
        let data = dir.path().join(format!("data-{order}"));
        // No `--format`: the format is told from the decoded text.
        let file = dir.path().join(format!("people-{order}.dat"));
        std::fs::write(&file, utf16(&ftm, big_endian)).unwrap();
        let (code, summary, stderr) = load(&data, &[], &file);
        assert_eq!(code, Some(0), "{order}: {stderr}");
        validate("load-summary.schema.json", &summary);
        assert_eq!((summary["format"].as_str(), summary["encoding"].as_str()), (Some("ftm"), Some(order)));
        assert_eq!(counts(&summary), (Some(2), Some(2), Some(0)), "{summary}");
        assert_eq!(summary["encoding_confidence"], "high");

        let file = dir.path().join(format!("people-{order}.csv"));
        std::fs::write(&file, utf16(csv, big_endian)).unwrap();
        let (code, summary, stderr) = load(&data, &["--mapping", mapping.to_str().unwrap()], &file);
        assert_eq!(code, Some(0), "{order}: {stderr}");
        assert_eq!(summary["encoding"], order);
        assert_eq!(counts(&summary), (Some(2), Some(2), Some(0)), "{summary}");
        let shown = crosscheck(
            Some(&data),
            &["match", "--dataset", &format!("people-{order}")],
            Some(&person("q", "Глеб Иванов")),
        );
        let answers = json_lines(&shown.stdout);
        assert_eq!(answers[0]["results"][0]["caption"], "Глеб Иванов", "{order}: {answers:?}");
    }
}

#[test]
fn a_guessed_encoding_says_how_sure_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = dir.path().join("people.mapping.yml");
    std::fs::write(&mapping, "schema: Person\nid: [id]\ndelimiter: \";\"\nproperties:\n  name: name\n").unwrap();
    let sure = "id;name\n1;Иванов Глеб Сергеевич\n2;Петрова Анна Викторовна\n3;Сидоров Олег Иванович\n";
    // In capitals only, windows-1251 and KOI8-R both read as Russian.
    let unsure = "id;name\n1;ИВАНОВ ГЛЕБ\n2;ПЕТРОВА АННА\n3;СИДОРОВ ОЛЕГ\n";
    for (name, text, confidence) in [("sure", sure, "high"), ("unsure", unsure, "low")] {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let file = dir.path().join(format!("{name}.csv"));
        std::fs::write(&file, &bytes).unwrap();
        let data = dir.path().join("data");
        let (code, summary, stderr) = load(&data, &["--mapping", mapping.to_str().unwrap()], &file);
        assert_eq!(code, Some(0), "{stderr}");
        validate("load-summary.schema.json", &summary);
        assert_eq!(
            (summary["encoding"].as_str(), summary["encoding_detected"].as_bool()),
            (Some("windows-1251"), Some(true))
        );
        assert_eq!(summary["encoding_confidence"], confidence, "{summary}");
        assert_eq!(summary["encoding_doubt"].is_string(), confidence == "low", "{summary}");
        let out =
            crosscheck(Some(&data), &["load", "--mapping", mapping.to_str().unwrap(), file.to_str().unwrap()], None);
        let text = String::from_utf8_lossy(&out.stdout);
        let want = format!("encoding: guessed windows-1251 ({confidence} confidence");
        assert!(text.contains(&want), "{text}");
        assert_eq!(text.contains("pass `--encoding` to be sure"), confidence == "low", "{text}");
    }
}
