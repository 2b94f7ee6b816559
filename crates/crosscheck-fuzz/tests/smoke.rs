//! A bounded fuzz run of every target, so `cargo test` catches a parser that starts to panic.
//! The long runs (a million executions each) are `cargo run --release -p crosscheck-fuzz -- all`;
//! their figures are in BENCHMARKS.md.

use crosscheck_fuzz::{default_corpus, fuzz, targets, Config};
use std::time::Duration;

/// Executions per target: a few seconds each in the dev profile (dependencies optimised). The
/// readers open a file per execution (as `load` does), so they get fewer.
const EXECUTIONS: u64 = 20_000;
const READER_EXECUTIONS: u64 = 4_000;
const READERS: &[&str] = &["ftm", "csv", "ofac", "un-xml", "eu-journal", "opensanctions-simple", "detect"];

fn smoke(name: &str) {
    let executions = if READERS.contains(&name) { READER_EXECUTIONS } else { EXECUTIONS };
    let target = targets::find(name).expect("a known target");
    let config = Config {
        iterations: executions,
        seed: 15,
        time_limit: None,
        // Generous: this is the unoptimised test build on a shared machine, and a slow input is
        // for the long release runs to measure. A hang still stops the run.
        slow: Duration::from_secs(30),
        hang: Duration::from_secs(120),
        corpus: default_corpus(),
        findings: std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings"),
        progress: None,
    };
    let outcome = fuzz(target, &config).expect("the seed corpus reads");
    assert_eq!(outcome.executions, executions);
    let crashes: Vec<String> = outcome
        .crashes
        .iter()
        .map(|c| format!("{} x{} at {}: {} (input {})", name, c.count, c.location, c.message, c.input.display()))
        .collect();
    assert!(crashes.is_empty(), "crashes:\n{}", crashes.join("\n"));
}

macro_rules! smoke_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(#[test] fn $test() { smoke($name); })*

        #[test]
        fn every_target_has_a_smoke_test() {
            let tested = [$($name),*];
            for t in targets::TARGETS {
                assert!(tested.contains(&t.name), "no smoke test for target `{}`", t.name);
            }
        }
    };
}

smoke_tests! {
    ftm_lines => "ftm",
    csv_with_mapping => "csv",
    mappings => "mapping",
    ofac => "ofac",
    un_xml => "un-xml",
    eu_journal => "eu-journal",
    opensanctions_simple => "opensanctions-simple",
    format_detection => "detect",
    case_files => "case",
    mrz => "mrz",
    identifiers => "identifiers",
    places => "places",
    dates => "dates",
    partner_bundles => "bundle",
    judgements_files => "judgements",
}
