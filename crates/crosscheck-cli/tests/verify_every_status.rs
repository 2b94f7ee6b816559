//! `examples/every-status/`: an invented case whose report has every claim status, a record set
//! aside, a person on two watchlists grouped under him, Latin readings beside Cyrillic values,
//! and the case file and line of each record read from its files, in every format.

use super::common::root;
use serde_json::Value;

fn run(format: &str) -> Vec<u8> {
    let data = tempfile::tempdir().unwrap();
    let case = root().join("examples/every-status/case.yaml");
    let out = super::common::crosscheck(
        Some(data.path()),
        &["verify", "--output-format", format, case.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{format}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn every_status_appears_with_its_claim_and_the_set_aside_record_is_listed() {
    let report: Value = serde_json::from_slice(&run("json")).expect("one JSON report");
    super::common::validate("verify-report.schema.json", &report);
    let status = |id: &str| {
        let claims = report["claims"].as_array().unwrap();
        let c = claims.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no claim {id}"));
        c["status"].as_str().unwrap().to_string()
    };
    // (claim, status), as the case file's header says
    for (id, want) in [
        ("subject.name", "corroborated"),
        ("subject.birthDate", "corroborated"),
        ("subject.phone", "single-source"),
        ("subject.birthPlace", "single-source"),
        ("wife.birthDate", "contradicted"),
        ("subject.employer", "unverified"),
    ] {
        assert_eq!(status(id), want, "{id}");
    }
    let set_aside = report["set_aside"].as_array().unwrap();
    assert_eq!(set_aside.len(), 1, "{set_aside:?}");
    assert_eq!((set_aside[0]["dataset"].as_str(), set_aside[0]["record"].as_str()), (Some("voters"), Some("vot-7731")));
    assert!(set_aside[0]["reason"].as_str().unwrap().starts_with("birth place differs"));
    assert_eq!(set_aside[0]["caption_latin"], "Koval Bohdan Ivanovych");

    // the brother is one finding with both listings under him
    let grouped = report["findings_by_person"].as_array().unwrap();
    assert_eq!(grouped.len(), 1, "{grouped:?}");
    assert_eq!(grouped[0]["person"], "brother");
    let listings: Vec<&str> =
        grouped[0]["listings"].as_array().unwrap().iter().map(|l| l["dataset"].as_str().unwrap()).collect();
    assert_eq!(listings, ["list-a", "list-b"]);
    assert_eq!(grouped[0]["listings"][0]["programme"][0], "Invented programme A-7 (fuel smuggling)");

    // the registry's record: value as it is, its reading beside it, its file and line
    let name = report["claims"].as_array().unwrap().iter().find(|c| c["id"] == "subject.name").unwrap();
    let registry = name["evidence"].as_array().unwrap().iter().find(|e| e["dataset"] == "registry").unwrap();
    assert_eq!(registry["value"], "Коваль Богдан Іванович");
    assert_eq!(registry["latin"], "Koval Bohdan Ivanovych");
    assert_eq!(registry["file"], "evidence/registry.jsonl");
    assert_eq!(registry["lines"], serde_json::json!([1]));
    assert!(registry["detail"].as_str().unwrap().ends_with("evidence/registry.jsonl line 1"));
    // a CSV row's line counts the header: the subject is the second row, line 3
    let leak = name["evidence"].as_array().unwrap().iter().find(|e| e["dataset"] == "leak").unwrap();
    assert_eq!(leak["lines"], serde_json::json!([3]));
}

#[test]
fn every_format_shows_statuses_readings_lines_provenance_and_grouped_findings() {
    for format in ["text", "markdown", "html"] {
        let out = String::from_utf8(run(format)).unwrap();
        for status in ["corroborated", "single-source", "contradicted", "unverified"] {
            assert!(out.contains(status), "{format}: no {status}");
        }
        for needle in [
            "Коваль Богдан Іванович (Koval Bohdan Ivanovych)",
            "Коваль Оксана Петрівна (Koval Oksana Petrivna)",
            "evidence/registry.jsonl line 2",
            "evidence/leak.csv line 3",
            "State register of residents (fictional)",
            "2022-05-17",
            "vot-7731",
            "Invented programme A-7 (fuel smuggling)",
            "lb-913",
        ] {
            assert!(out.contains(needle), "{format}: no {needle:?}");
        }
        if format == "html" {
            assert!(!out.contains('`'), "backticks in HTML");
        }
    }
    let text = String::from_utf8(run("text")).unwrap();
    assert!(
        text.contains("Watchlists: brother (Serhii Koval) found in 2 listings on 2 lists (list-a, list-b), best score"),
        "{text}"
    );
    assert_eq!(text.matches("Watchlists:").count(), 1, "one line per person:\n{text}");
}
