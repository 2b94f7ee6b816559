//! Issue 14, screening for triage: a quick check by name, a limit per dataset, a record looked
//! up in full, `--fail-on-match`, `--output-format` and `-o FILE` on every command that prints.

use crate::common::{crosscheck, json_lines, root, validate};
use std::path::Path;

/// Two watchlists loaded from the screening example (the same invented people in both).
fn two_lists(data: &Path) {
    let list = root().join("examples/screening/watchlist.jsonl");
    for (name, publisher) in [("alpha", "Invented Ministry"), ("beta", "Invented Office")] {
        let run = crosscheck(
            Some(data),
            &[
                "load",
                "--dataset",
                name,
                "--kind",
                "watchlist",
                "--publisher",
                publisher,
                "--retrieved-at",
                "2026-11-01",
                list.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    }
}

#[test]
fn a_name_typed_on_the_command_line_is_screened_like_a_query_line() {
    let dir = tempfile::tempdir().unwrap();
    two_lists(dir.path());
    let typed = crosscheck(
        Some(dir.path()),
        &["match", "--dataset", "alpha", "--name", "Ivan Sidorov", "--birth-date", "1970-05-01"],
        None,
    );
    assert_eq!(typed.status.code(), Some(0), "{}", String::from_utf8_lossy(&typed.stderr));
    let line = r#"{"schema":"Person","properties":{"name":["Ivan Sidorov"],"birthDate":["1970-05-01"]}}"#;
    let piped = crosscheck(Some(dir.path()), &["match", "--dataset", "alpha"], Some(line));
    let (typed, piped) = (&json_lines(&typed.stdout)[0], &json_lines(&piped.stdout)[0]);
    validate("match-result.schema.json", typed);
    assert_eq!(typed["results"], piped["results"], "not a terminal: the same JSON as a query line");
    assert_eq!(typed["results"][0]["id"], "wl-003");

    let bad =
        crosscheck(Some(dir.path()), &["match", "--dataset", "alpha", "--name", "X", "--birth-date", "soon"], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`soon` is not a birth date"));
}

#[test]
fn the_text_table_says_how_many_candidates_were_cut() {
    let dir = tempfile::tempdir().unwrap();
    two_lists(dir.path());
    let args = [
        "match",
        "--dataset",
        "alpha",
        "--dataset",
        "beta",
        "--name",
        "Ivan Sidorov",
        "--birth-date",
        "1970",
        "--limit",
        "1",
    ];
    let run = crosscheck(Some(dir.path()), &[&args[..], &["--output-format", "text"]].concat(), None);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("1 shown (raise --limit to see more)"), "{text}");
    assert!(text.contains("MATCH") && text.contains("wl-003") && text.contains("1970-05-01"), "{text}");
    assert!(text.contains("crosscheck show alpha:wl-003"), "the way to the full record: {text}");
}

#[test]
fn a_limit_per_dataset_keeps_each_list_in_view() {
    let dir = tempfile::tempdir().unwrap();
    two_lists(dir.path());
    let query = r#"{"id":"q","schema":"Person","properties":{"name":["Ivan Sidorov"]}}"#;
    let shared = crosscheck(
        Some(dir.path()),
        &["match", "--dataset", "alpha", "--dataset", "beta", "--limit", "2"],
        Some(query),
    );
    let per = crosscheck(
        Some(dir.path()),
        &["match", "--dataset", "alpha", "--dataset", "beta", "--limit-per-dataset", "1"],
        Some(query),
    );
    let (shared, per) = (&json_lines(&shared.stdout)[0], &json_lines(&per.stdout)[0]);
    let datasets = |answer: &serde_json::Value| -> Vec<String> {
        answer["results"].as_array().unwrap().iter().map(|r| r["dataset"].as_str().unwrap().to_string()).collect()
    };
    // the two lists hold the same people: shared, the best two are one person from each list
    // or two people from one; per dataset, each list gives exactly its best
    assert_eq!(datasets(per), ["alpha", "beta"], "{per}");
    assert_eq!(per["results"][0]["id"], per["results"][1]["id"]);
    assert_eq!(per["total"], shared["total"], "total counts every candidate either way");
    assert!(per["total"].as_u64().unwrap() > 2);
}

#[test]
fn fail_on_match_exits_1_only_when_something_matched() {
    let dir = tempfile::tempdir().unwrap();
    two_lists(dir.path());
    let hit = crosscheck(
        Some(dir.path()),
        &["match", "--dataset", "alpha", "--name", "Gleb Ivanov", "--fail-on-match"],
        None,
    );
    assert_eq!(hit.status.code(), Some(1));
    assert!(!json_lines(&hit.stdout).is_empty(), "the answers are still written");
    let miss = crosscheck(
        Some(dir.path()),
        &["match", "--dataset", "alpha", "--name", "Zebulon Quarry", "--fail-on-match"],
        None,
    );
    assert_eq!(miss.status.code(), Some(0));
}

#[test]
fn show_prints_a_stored_record_with_its_provenance() {
    let dir = tempfile::tempdir().unwrap();
    two_lists(dir.path());
    let run = crosscheck(Some(dir.path()), &["show", "beta:wl-001"], None);
    let text = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0));
    for expected in ["Глеб Сергеевич Иванов (Person)", "beta:wl-001", "Invented Office", "2026-11-01", "Тверь"]
    {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let json = crosscheck(Some(dir.path()), &["show", "alpha:wl-001", "beta:wl-003", "--output-format", "json"], None);
    let records = json_lines(&json.stdout);
    assert_eq!(records.len(), 2);
    records.iter().for_each(|r| validate("show-record.schema.json", r));
    assert_eq!(records[1]["id"], "wl-003");
    assert_eq!(records[1]["dataset"]["dataset"], "beta");
    assert_eq!(records[0]["properties"]["birthPlace"][0], "Тверь");

    for (spec, says) in [
        ("beta:nobody", "has no record `nobody`"),
        ("gamma:wl-001", "no dataset `gamma`"),
        ("wl-001", "is not `DATASET:ID`"),
    ] {
        let run = crosscheck(Some(dir.path()), &["show", spec], None);
        assert_eq!(run.status.code(), Some(2), "{spec}");
        assert!(
            String::from_utf8_lossy(&run.stderr).contains(says),
            "{spec}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn output_to_a_file_is_written_whole_and_matches_stdout() {
    let dir = tempfile::tempdir().unwrap();
    two_lists(dir.path());
    let queries = root().join("examples/screening/queries.jsonl");
    let file = dir.path().join("answers.jsonl");
    let to_file = crosscheck(
        Some(dir.path()),
        &["match", "--dataset", "alpha", "--input", queries.to_str().unwrap(), "-o", file.to_str().unwrap()],
        None,
    );
    assert_eq!(to_file.status.code(), Some(0));
    assert!(to_file.stdout.is_empty());
    let to_stdout =
        crosscheck(Some(dir.path()), &["match", "--dataset", "alpha", "--input", queries.to_str().unwrap()], None);
    assert_eq!(std::fs::read(&file).unwrap(), to_stdout.stdout);

    // a run that stops on an error leaves the earlier file as it was
    let stopped = crosscheck(
        Some(dir.path()),
        &["match", "--dataset", "nosuch", "--input", queries.to_str().unwrap(), "-o", file.to_str().unwrap()],
        None,
    );
    assert_eq!(stopped.status.code(), Some(2));
    assert_eq!(std::fs::read(&file).unwrap(), to_stdout.stdout);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");

    let listing = dir.path().join("datasets.json");
    let run =
        crosscheck(Some(dir.path()), &["datasets", "--output-format", "json", "-o", listing.to_str().unwrap()], None);
    assert_eq!(run.status.code(), Some(0));
    let lines = json_lines(&std::fs::read(&listing).unwrap());
    lines.iter().for_each(|l| validate("datasets-line.schema.json", l));
    assert_eq!(lines.iter().map(|l| l["dataset"].as_str().unwrap()).collect::<Vec<_>>(), ["alpha", "beta"]);
}

#[test]
fn compare_and_check_id_speak_text_too() {
    let pair = r#"{"id":"c1","left":{"schema":"Person","properties":{"name":["Olga Test"]}},"right":{"schema":"Person","properties":{"name":["TEST, Olga"]}}}"#;
    let run = crosscheck(None, &["compare", "--output-format", "text"], Some(pair));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.starts_with("c1  ") && text.contains("MATCH"), "{text}");
    let run = crosscheck(
        None,
        &["check-id", "--type", "ru-inn", "--output-format", "text", "7707083893", "7707083894"],
        None,
    );
    let text = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "one value is invalid");
    assert!(text.contains("`7707083893`: consistent") && text.contains("`7707083894`: INVALID"), "{text}");
}

#[test]
fn the_text_table_reads_a_cyrillic_name_in_latin_letters_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.jsonl");
    std::fs::write(
        &list,
        concat!(
            r#"{"id":"u-1","schema":"Person","properties":{"name":["Гнатюк Олександр"],"nationality":["ua"],"birthDate":["1985-04-09"]}}"#,
            "\n",
            r#"{"id":"r-1","schema":"Person","properties":{"name":["Гнатюк Александр"],"nationality":["ru"],"birthDate":["1985-04-09"]}}"#,
            "\n",
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let load =
        crosscheck(Some(&data), &["load", "--dataset", "cyr", "--kind", "watchlist", list.to_str().unwrap()], None);
    assert_eq!(load.status.code(), Some(0), "{}", String::from_utf8_lossy(&load.stderr));
    let args = ["match", "--dataset", "cyr", "--name", "Oleksandr Hnatiuk", "--output-format", "text"];
    let run = crosscheck(Some(&data), &args, None);
    let text = String::from_utf8_lossy(&run.stdout);
    // each under the scheme of its record's country: Ukrainian national, ICAO 9303 (Russia)
    assert!(text.contains("Гнатюк Олександр (Hnatiuk Oleksandr)"), "{text}");
    assert!(text.contains("Гнатюк Александр (Gnatiuk Aleksandr)"), "{text}");
    // JSON keeps the caption as it is
    let json = crosscheck(Some(&data), &args[..5], None);
    assert!(json_lines(&json.stdout)[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| !r["caption"].as_str().unwrap().contains('(')));
}

/// `-o /dev/null` or a named pipe is written to, not replaced: renaming a finished file over a
/// device would take it away from everyone on the machine.
#[test]
fn output_to_a_device_or_pipe_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("answers.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let pair =
        r#"{"id":"p1","left":{"properties":{"name":["John Smith"]}},"right":{"properties":{"name":["Smith, John"]}}}"#;
    let out = crosscheck(None, &["compare", "-o", fifo.to_str().unwrap()], Some(pair));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // checked before waiting for the reader, which a replaced pipe would leave waiting forever
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still the pipe, not a file renamed over it");
    let read = reader.join().unwrap();
    assert_eq!(json_lines(read.as_bytes())[0]["id"], "p1", "{read}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file beside it: {leftovers:?}");
}
