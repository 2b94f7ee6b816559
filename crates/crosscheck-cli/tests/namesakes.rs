//! Issue 13, retrieval among namesakes: in a list where thousands share a name and only the
//! birth date tells them apart, a copy of a loaded person (same name, birth date and country, no
//! identifier) must come back as its own top match, however many share the name. Invented
//! people, built here: 3,000 sharing three names (1,000 each, born over 70 years, every name and
//! date distinct as a pair), a third with a passport number.

use super::common::{crosscheck, json_lines};

const NAMES: [&str; 3] = ["Иванов Сергей Петрович", "Смирнова Анна Ивановна", "Kuznetsov Aleksei Ivanovich"];

/// Person `i`'s birth date: distinct for the people of one name (`i / 3` below 1,000).
fn birth_date(i: usize) -> String {
    let k = i / 3;
    format!("{}-{:02}-{:02}", 1940 + k % 70, 1 + k / 70 % 12, 1 + k / 840 % 28)
}

fn person(i: usize, with_id: bool) -> String {
    let mut props = serde_json::json!({
        "name": [NAMES[i % 3]],
        "birthDate": [birth_date(i)],
        "nationality": ["ru"],
    });
    if with_id && i % 3 == 1 {
        props["passportNumber"] = serde_json::json!([format!("45 {:02} {:06}", i % 100, 100_000 + i)]);
    }
    let id = if with_id { format!("p{i}") } else { format!("q{i}") };
    serde_json::json!({"id": id, "schema": "Person", "properties": props}).to_string() + "\n"
}

#[test]
fn issue_13_a_copy_without_identifier_finds_itself_first_among_thousands_of_namesakes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("people.jsonl");
    std::fs::write(&file, (0..3000).map(|i| person(i, true)).collect::<String>()).unwrap();
    let out = crosscheck(Some(&data), &["load", "--dataset", "people", file.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // people spread over the file, the last loaded included
    let sample: Vec<usize> = (0..3000).step_by(97).chain([2997, 2998, 2999]).collect();
    let queries: String = sample.iter().map(|&i| person(i, false)).collect();
    let out = crosscheck(Some(&data), &["match", "--dataset", "people"], Some(&queries));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answers = json_lines(&out.stdout);
    assert_eq!(answers.len(), sample.len());
    let missed: Vec<String> = sample
        .iter()
        .zip(&answers)
        .filter_map(|(i, answer)| {
            let top = answer["results"].get(0).and_then(|r| r["id"].as_str()).unwrap_or("nothing");
            (top != format!("p{i}")).then(|| format!("q{i} found {top}"))
        })
        .collect();
    assert!(missed.is_empty(), "{} of {} missed: {missed:?}", missed.len(), sample.len());
}
