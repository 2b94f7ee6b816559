//! Issue 15, hostile input to `load`, through the binary: each damaged record of a CSV file, an
//! OFAC file or a UN list is counted and rejected at its true line, the records after it load,
//! and a mapping's errors never print what the mapping file holds.
//!
//! Covered elsewhere, not repeated here: a stray byte in UTF-8 FtM and CSV
//! (`foundation::a_stray_byte_in_utf8_rejects_only_its_record`), a case's `mapping:` that is
//! another file (`hostile_case::a_mapping_that_is_another_file_is_not_echoed`), over-long and
//! non-UTF-8 stream lines (`hostile_streams`). The readers' property tests
//! (`crates/crosscheck-ingest/tests/props.rs`) cover these shapes in many combinations.

use serde_json::Value;
use std::path::{Path, PathBuf};

struct Loaded {
    code: Option<i32>,
    summary: Value,
    stderr: String,
    /// Each reject as (line, reason).
    rejects: Vec<(u64, String)>,
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("fixture written");
    path
}

fn load(dir: &Path, args: &[&str]) -> Loaded {
    let mut all = vec!["load", "--output-format", "json"];
    all.extend_from_slice(args);
    let out = super::common::crosscheck(Some(&dir.join("data")), &all, None);
    let summary = super::common::json_lines(&out.stdout).pop().unwrap_or(Value::Null);
    let rejects = match summary["rejects_file"].as_str() {
        Some(path) => super::common::json_lines(&std::fs::read(path).expect("rejects file"))
            .into_iter()
            .map(|r| (r["line"].as_u64().unwrap(), r["reason"].as_str().unwrap().to_string()))
            .collect(),
        None => Vec::new(),
    };
    Loaded { code: out.status.code(), summary, stderr: String::from_utf8_lossy(&out.stderr).into_owned(), rejects }
}

fn counts(l: &Loaded) -> (Option<u64>, Option<u64>, Option<u64>) {
    (l.summary["read"].as_u64(), l.summary["loaded"].as_u64(), l.summary["rejected"].as_u64())
}

/// An unterminated quote in row 3 swallowed the next 5,000 rows (about 2,700 neither loaded nor
/// rejected, "2 read"): now it costs its own row, rejected at its line, in LF, CR LF and CR files.
#[test]
fn an_unterminated_quote_costs_one_csv_row_whatever_the_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = write(dir.path(), "m.yaml", b"schema: Person\nid: id\nproperties:\n  name: name\n  address: city\n");
    for (i, end) in ["\n", "\r\n", "\r"].into_iter().enumerate() {
        let mut csv = format!("id,name,city{end}");
        for n in 1..=5000 {
            let row = match n {
                3 => format!("3,\"Broken Quote,Oakvale{end}"),
                7 => format!("7,\"Quoted, With Comma\",Oakvale{end}"),
                9 => format!("9,Short Row{end}"),
                _ => format!("{n},Person {n},Oakvale{end}"),
            };
            csv.push_str(&row);
        }
        let file = write(dir.path(), &format!("rows{i}.csv"), csv.as_bytes());
        let l = load(dir.path(), &["--mapping", mapping.to_str().unwrap(), file.to_str().unwrap()]);
        assert_eq!(l.code, Some(0), "{}", l.stderr);
        assert_eq!(counts(&l), (Some(5000), Some(4998), Some(2)), "{end:?}: {}", l.summary);
        let lines: Vec<u64> = l.rejects.iter().map(|r| r.0).collect();
        assert_eq!(lines, [4, 10], "{end:?}: {:?}", l.rejects);
        assert!(l.rejects[0].1.contains("this line alone is rejected"), "{:?}", l.rejects);
    }
}

/// OFAC quotes every name: a quote left open in one name was closed by the next row's opening
/// quote, and the joined row, with 12 fields, hid the next entry without a word.
#[test]
fn an_unterminated_quote_in_an_ofac_name_costs_its_own_row() {
    let dir = tempfile::tempdir().unwrap();
    let rest = ",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
    let mut sdn = String::new();
    for n in 1..=50 {
        if n == 20 {
            sdn.push_str(&format!("{n},\"QUILL, Broken{rest}"));
        } else {
            sdn.push_str(&format!("{n},\"QUILL, Person {n}\"{rest}"));
        }
    }
    sdn.push('\u{1a}');
    let file = write(dir.path(), "sdn.csv", sdn.as_bytes());
    let l = load(dir.path(), &["--format", "ofac-sdn", file.to_str().unwrap()]);
    assert_eq!(l.code, Some(0), "{}", l.stderr);
    assert_eq!(counts(&l), (Some(50), Some(49), Some(1)), "{}", l.summary);
    assert_eq!(l.rejects[0].0, 20, "{:?}", l.rejects);
}

/// A damaged start tag (`<INDIVIDUAL_>`) made a listing disappear without a reject; so did a
/// record never closed, an empty damaged tag and the list closing over an open record. Each is now
/// a reject at the line where its record starts, and the records after it load.
#[test]
fn damaged_un_records_are_rejected_at_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let good = |i: u32| format!("  <INDIVIDUAL><DATAID>{i}</DATAID><FIRST_NAME>PERSON {i}</FIRST_NAME></INDIVIDUAL>\n");
    let xml = [
        "<?xml version='1.0' encoding='UTF-8'?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n".to_string(),
        good(1),                                                                                      // line 4
        "  <INDIVIDUAL_><DATAID>2</DATAID><FIRST_NAME>B</FIRST_NAME></INDIVIDUAL_>\n".into(),         // 5
        "  <INDIVIDUAL><DATAID>3</DATAID><FIRST_NAME>C</FIRST_NAME>\n".into(),                        // 6, never closed
        good(4),                                                                                      // 7
        "  <INDIVIDUAL_/>\n".into(),                                                                  // 8
        "  <INDIVIDUAL><DATAID>5</DATAID><FIRST_NAME>E &bogus; F</FIRST_NAME></INDIVIDUAL>\n".into(), // 9
        "  <INDIVIDUAL><DATAID>6</DATAID><FIRST_NAME>G</FIRST_NAME>\n".into(), // 10, the list closes over it
        "</INDIVIDUALS>\n<ENTITIES>\n".into(),
        "  <ENTITY><DATAID>7</DATAID><FIRST_NAME>NORTHWIND FRONT</FIRST_NAME></ENTITY>\n".into(), // 13
        "</ENTITIES>\n</CONSOLIDATED_LIST>\n".into(),
    ]
    .concat();
    let file = write(dir.path(), "un.xml", xml.as_bytes());
    let l = load(dir.path(), &["--format", "un-xml", file.to_str().unwrap()]);
    assert_eq!(l.code, Some(0), "{}", l.stderr);
    assert_eq!(counts(&l), (Some(8), Some(3), Some(5)), "{}", l.summary);
    let lines: Vec<u64> = l.rejects.iter().map(|r| r.0).collect();
    assert_eq!(lines, [5, 6, 8, 9, 10], "{:?}", l.rejects);
}

/// A mapping pointing at the wrong file printed its content in serde's messages (`invalid type:
/// string "..."`, `unknown field `<the first line>``); a key inside a property gave "did not match
/// any variant of untagged enum RawSource". Errors now name the key, its line and what was
/// expected, never a value.
#[test]
fn mapping_errors_name_the_key_and_line_never_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "rows.csv", b"id,name\n1,Ivan Testov\n");
    let secret = "s3cr3t-T0KEN:9f8e7d6c";
    let cases = [
        (format!("rootsecret:$6${secret}:19000:0:99999:7:::\n"), vec!["unknown key (not shown)"]),
        (format!("{secret}\n"), vec!["holds text"]),
        (format!("schema: Person\nproperties: \"{secret}\"\n"), vec!["`properties` (line 2)", "expected keys"]),
        (
            format!("schema: Person\nproperties:\n  name: {{column: {{x: \"{secret}\"}}}}\n"),
            vec!["line 3", "`column` expects text"],
        ),
        (
            "schema: Person\nproperties:\n  name: {colum: name}\n".to_string(),
            vec!["property `name` (line 3)", "unknown key `colum`"],
        ),
    ];
    for (yaml, want) in cases {
        let mapping = write(dir.path(), "mapping.yaml", yaml.as_bytes());
        let l = load(dir.path(), &["--mapping", mapping.to_str().unwrap(), csv.to_str().unwrap()]);
        assert_eq!(l.code, Some(2), "{yaml:?}: {}", l.stderr);
        for w in want {
            assert!(l.stderr.contains(w), "{yaml:?}: want {w:?} in {}", l.stderr);
        }
        for shown in [secret, "T0KEN", "9f8e7d6c", "untagged enum"] {
            assert!(!l.stderr.contains(shown), "{yaml:?} shows {shown:?}: {}", l.stderr);
        }
    }
}
