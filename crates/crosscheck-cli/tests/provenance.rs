//! FtM's provenance fields (`referents`, `first_seen`, `last_seen`, `last_change`) survive a load
//! and are shown by `match` and `show` as the source gave them; a record without them is shown
//! exactly as before, with none of the keys.

use serde_json::Value;

fn run(data: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Vec<Value> {
    let out = super::common::crosscheck(Some(data), args, stdin);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    super::common::json_lines(&out.stdout)
}

#[test]
fn provenance_is_carried_through_load_match_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("list.ftm.json");
    std::fs::write(
        &file,
        concat!(
            r#"{"id":"p1","schema":"Person","caption":"Ignored","referents":["old-p1"],"datasets":["src"],"first_seen":"2024-01-02T03:04:05","last_seen":"2025-06-07T08:09:10","last_change":"2025-01-01T00:00:00","properties":{"name":["Olga Invented"]}}"#,
            "\n",
            r#"{"id":"p2","schema":"Person","properties":{"name":["Olga Inventova"]}}"#,
            "\n"
        ),
    )
    .unwrap();
    run(&data, &["load", "--output-format", "json", "--dataset", "list", file.to_str().unwrap()], None);
    let query = r#"{"id":"q","schema":"Person","properties":{"name":["Olga Invented"]}}"#;
    let answers =
        run(&data, &["match", "--output-format", "json", "--dataset", "list", "--threshold", "0.1"], Some(query));
    let results = answers[0]["results"].as_array().unwrap();
    let p1 = results.iter().find(|r| r["id"] == "p1").expect("p1 found");
    assert_eq!(p1["referents"], serde_json::json!(["old-p1"]));
    assert_eq!((&p1["first_seen"], &p1["last_seen"]), (&"2024-01-02T03:04:05".into(), &"2025-06-07T08:09:10".into()));
    assert_eq!(p1["last_change"], "2025-01-01T00:00:00");
    if let Some(p2) = results.iter().find(|r| r["id"] == "p2") {
        for key in ["referents", "first_seen", "last_seen", "last_change"] {
            assert!(p2.get(key).is_none(), "{key} in {p2}");
        }
    }
    let shown = run(&data, &["show", "list:p1", "list:p2", "--output-format", "json"], None);
    assert_eq!(shown[0]["referents"], serde_json::json!(["old-p1"]));
    assert_eq!(shown[0]["first_seen"], "2024-01-02T03:04:05");
    assert!(shown[1].get("referents").is_none() && shown[1].get("first_seen").is_none(), "{}", shown[1]);
    super::common::validate("show-record.schema.json", &shown[0]);
    super::common::validate("match-result.schema.json", &answers[0]);
}
