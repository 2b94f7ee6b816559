//! `load`, `match`, `compare` and `datasets` run as a user would run them: the real binary, real
//! files, exit codes and outputs checked, JSON validated against `docs/schemas/`.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn crosscheck(data: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let out = super::common::crosscheck(Some(data), args, stdin);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn lines(text: &str) -> Vec<Value> {
    super::common::json_lines(text.as_bytes())
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("fixture written");
    path
}

fn person(id: &str, name: &str, extra: Value) -> String {
    let mut props = json!({"name": [name]});
    for (k, v) in extra.as_object().into_iter().flatten() {
        props[k] = json!([v]);
    }
    json!({"id": id, "schema": "Person", "properties": props}).to_string()
}

fn load_json(data: &Path, args: &[&str]) -> (Run, Value) {
    let mut all = vec!["load", "--output-format", "json"];
    all.extend_from_slice(args);
    let run = crosscheck(data, &all, None);
    let summary = lines(&run.stdout).pop().unwrap_or(Value::Null);
    (run, summary)
}

#[test]
fn load_counts_rejects_and_keeps_previous_version_on_bad_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let good = format!(
        "{}\n{}\n{{\"id\":\"x\",\"schema\":\"Person\",\"prop\n\n{}\n{{\"id\":\"p1\",\"schema\":\"Person\",\"properties\":{{\"alias\":[\"Ivan Sidorov\"]}}}}\n",
        person("p1", "Иван Сидоров", json!({"birthDate": "1970-05-01"})),
        person("p2", "Maria Gonzalez", json!({"birthDate": "not a date"})),
        r#"{"id":"s1","schema":"Starship"}"#,
    );
    let file = write(dir.path(), "people.jsonl", good.as_bytes());
    let (run, summary) = load_json(&data, &[file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    super::common::validate("load-summary.schema.json", &summary);
    // 5 records: two people, a truncated line, an unknown schema, and a second record of p1.
    assert_eq!(
        (summary["read"].as_u64(), summary["loaded"].as_u64(), summary["rejected"].as_u64()),
        (Some(5), Some(2), Some(2))
    );
    assert_eq!(summary["dataset"], "people");
    assert_eq!(summary["values_dropped"], 1, "the unreadable birth date is counted");
    let rejects = lines(&std::fs::read_to_string(summary["rejects_file"].as_str().unwrap()).unwrap());
    assert_eq!(rejects.len(), 2);
    assert_eq!(rejects[0]["line"], 3);
    assert!(rejects[0]["reason"].as_str().unwrap().starts_with("truncated JSON"));
    assert_eq!(rejects[1]["reason"], "unknown schema `Starship`");

    // The merged p1 carries both names.
    let found = crosscheck(&data, &["match", "--dataset", "people"], Some(&person("q", "Ivan Sidorov", json!({}))));
    let out = lines(&found.stdout);
    assert_eq!(out[0]["results"][0]["id"], "p1");

    // Empty, binary and wholly rejected reloads fail with exit 2 and keep the dataset.
    let empty = write(dir.path(), "empty.jsonl", b"");
    let binary = write(dir.path(), "people.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00");
    let garbage = write(dir.path(), "garbage.jsonl", b"{oops\n[1]\n");
    for bad in [&empty, &binary, &garbage] {
        let run = crosscheck(&data, &["load", "--dataset", "people", bad.to_str().unwrap()], None);
        assert_eq!(run.code, 2, "{}: {}", bad.display(), run.stderr);
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
    }
    let run = crosscheck(&data, &["datasets", "--json"], None);
    assert_eq!(lines(&run.stdout)[0]["records"], 2, "the first version is still live");
    let run = crosscheck(&data, &["load", "--dataset", "people", binary.to_str().unwrap()], None);
    assert!(run.stderr.contains("people.bin") && run.stderr.contains("binary"), "{}", run.stderr);
}

#[test]
fn load_csv_detects_windows_1251_and_rejects_ragged_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mapping = write(
        dir.path(),
        "leak.mapping.yml",
        b"schema: Person\nid: [passport]\ndelimiter: \";\"\nproperties:\n  name: fio\n  birthDate: {column: dob, format: \"%d.%m.%Y\"}\n  passportNumber: passport\n",
    );
    let text = "fio;dob;passport\nИванов Глеб Сергеевич;14.03.1991;4509 123456\nПетрова Анна Викторовна;01.02.1990;4510 654321\nЛишний;01.01.1990;1;extra\nКороткий\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let csv = write(dir.path(), "leak.csv", &bytes);
    let (run, summary) =
        load_json(&data, &["--mapping", mapping.to_str().unwrap(), "--kind", "leak", csv.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    super::common::validate("load-summary.schema.json", &summary);
    assert_eq!(
        (summary["read"].as_u64(), summary["loaded"].as_u64(), summary["rejected"].as_u64()),
        (Some(4), Some(2), Some(2))
    );
    assert_eq!(
        (summary["encoding"].as_str(), summary["encoding_detected"].as_bool()),
        (Some("windows-1251"), Some(true))
    );
    assert_eq!(summary["kind"], "leak");
    let q = person("q", "Gleb Ivanov", json!({"birthDate": "1991-03-14"}));
    let out = lines(&crosscheck(&data, &["match", "--dataset", "leak"], Some(&q)).stdout);
    assert_eq!(out[0]["results"][0]["caption"], "Иванов Глеб Сергеевич");
    assert_eq!(out[0]["results"][0]["match"], true);

    // A mapping naming a column the file lacks stops the load before anything is stored.
    let bad_mapping = write(dir.path(), "bad.mapping.yml", b"schema: Person\nproperties:\n  name: full_name\n");
    let run = crosscheck(&data, &["load", "--mapping", bad_mapping.to_str().unwrap(), csv.to_str().unwrap()], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`full_name` not in the header"), "{}", run.stderr);
    // CSV without a mapping says what to do.
    let run = crosscheck(&data, &["load", csv.to_str().unwrap()], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("hint: pass `--mapping FILE`"), "{}", run.stderr);
}

#[test]
fn match_is_ordered_explained_and_schema_valid() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let list = [
        person("a", "Глеб Сергеевич Иванов", json!({"birthDate": "1991-03-14", "nationality": "ru"})),
        person("b", "Gleb Ivanov", json!({"birthDate": "1960-01-01"})),
        person("c", "Marta Kowalczyk", json!({})),
    ]
    .join("\n");
    let file = write(dir.path(), "list.jsonl", list.as_bytes());
    assert_eq!(crosscheck(&data, &["load", file.to_str().unwrap()], None).code, 0);
    let queries = [
        person("q1", "IVANOV, Gleb", json!({"birthDate": "1991-03-14"})),
        "not json".to_string(),
        person("q3", "Nobody Atall", json!({})),
    ]
    .join("\n");
    let run = crosscheck(&data, &["match", "--dataset", "list", "--limit", "2"], Some(&queries));
    assert_eq!(run.code, 2, "an unreadable query line makes exit 2");
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
    let out = lines(&run.stdout);
    assert_eq!(out.len(), 3, "one line per query line");
    for o in &out {
        super::common::validate("match-result.schema.json", o);
    }
    assert_eq!(out[0]["query_id"], "q1");
    let results = out[0]["results"].as_array().unwrap();
    assert_eq!(results[0]["id"], "a", "the namesake with the same birth date ranks first");
    assert!(results[0]["score"].as_f64() > results.get(1).and_then(|r| r["score"].as_f64()).or(Some(0.0)));
    assert!(out[1]["error"].is_string());
    assert_eq!(out[2]["results"], json!([]));

    let run = crosscheck(&data, &["match", "--dataset", "nope"], Some(""));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no dataset `nope`"), "{}", run.stderr);
}

#[test]
fn compare_accepts_name_parts_and_answers_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = [
        json!({"id": "c1", "left": {"schema": "Person", "properties": {"name": ["John Smith"]}}, "right": {"schema": "Person", "properties": {"name": ["Smith, John"]}}}),
        json!({"id": 2, "left": {"properties": {"firstName": ["Hans"], "lastName": ["Friedrich"]}}, "right": {"schema": "Person", "properties": {"name": ["Hans Friedrich"]}}}),
        json!({"id": "c3", "left": {"schema": "Person", "properties": {"name": ["Anna Ivanova"], "birthDate": ["1980"]}}, "right": {"schema": "Person", "properties": {"name": ["Anna Ivanova"], "birthDate": ["1955-02-02"]}}}),
        json!({"id": "c4", "left": {"schema": "Spaceship"}, "right": {}}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let run = crosscheck(dir.path(), &["compare"], Some(&pairs));
    let out = lines(&run.stdout);
    assert_eq!(
        out.iter().map(|o| o["id"].clone()).collect::<Vec<_>>(),
        [json!("c1"), json!(2), json!("c3"), json!("c4")]
    );
    for o in &out {
        super::common::validate("compare-result.schema.json", o);
    }
    assert_eq!(
        (out[0]["match"].as_bool(), out[1]["match"].as_bool(), out[2]["match"].as_bool()),
        (Some(true), Some(true), Some(false))
    );
    assert!(out[3]["error"].as_str().unwrap().contains("Spaceship"));
    assert_eq!(run.code, 2);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [vec!["load"], vec!["match"], vec!["compare", "--threshold", "3"], vec!["load", "--format", "pdf", "x"]]
    {
        let run = crosscheck(dir.path(), &args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    let run = crosscheck(dir.path(), &["load", "no-such-file.jsonl"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-file.jsonl"), "{}", run.stderr);
}

/// Issue 15: one stray byte in a UTF-8 file (FtM or CSV) costs the record holding it, which is
/// rejected with its line; the file stays UTF-8 (it was once decoded whole as GBK, then turned
/// into U+FFFD without a count) and every other record loads as written.
#[test]
fn a_stray_byte_in_utf8_rejects_only_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut ftm = Vec::new();
    for i in 0..40 {
        let name =
            if i == 20 { "Иванова @Мария".to_string() } else { format!("Иванова Мария {i}") };
        ftm.extend(person(&format!("p{i}"), &name, json!({})).as_bytes());
        ftm.push(b'\n');
    }
    let at = ftm.iter().position(|&b| b == b'@').unwrap();
    ftm[at] = 0xFF;
    let mut csv = b"id,name\n".to_vec();
    for i in 0..40 {
        csv.extend(format!("c{i},Петров Олег {i}\n").as_bytes());
    }
    let at = csv.windows(4).position(|w| w == b"c20,").unwrap() + 4;
    csv[at] = 0xFF;
    let mapping = write(dir.path(), "m.yaml", b"schema: Person\nid: id\nproperties:\n  name: name\n");
    let ftm = write(dir.path(), "people.jsonl", &ftm);
    let csv = write(dir.path(), "rows.csv", &csv);
    for (args, line, kept) in [
        (vec![ftm.to_str().unwrap()], 21, "Иванова Мария 0"),
        (vec!["--mapping", mapping.to_str().unwrap(), csv.to_str().unwrap()], 22, "Петров Олег 0"),
    ] {
        let (run, summary) = load_json(&data, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            summary["encoding"]["name"].as_str().or(summary["encoding"].as_str()).map(|e| e.contains("UTF-8")),
            Some(true),
            "{summary}"
        );
        assert_eq!(
            (summary["read"].as_u64(), summary["loaded"].as_u64(), summary["rejected"].as_u64()),
            (Some(40), Some(39), Some(1)),
            "{summary}"
        );
        let rejects = lines(&std::fs::read_to_string(summary["rejects_file"].as_str().unwrap()).unwrap());
        assert_eq!(rejects[0]["line"], line, "{rejects:?}");
        let dataset = summary["dataset"].as_str().unwrap();
        let found =
            crosscheck(&data, &["match", "--dataset", dataset, "--name", kept, "--output-format", "json"], None);
        assert!(found.stdout.contains(kept), "{}{}", found.stdout, found.stderr);
    }
}
