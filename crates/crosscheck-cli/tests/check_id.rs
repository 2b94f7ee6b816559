//! `crosscheck check-id` end to end: the binary is run on fictional values written here, exit
//! codes are checked, and every output line is validated against `docs/schemas/check-id.schema.json`.

use serde_json::{json, Value};
use std::process::Output;

const SPECIMEN: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const GLEB: &str = "P<RUSIVANOV<<GLEB<<<<<<<<<<<<<<<<<<<<<<<<<<<\n7512345672RUS9103144M3009129<<<<<<<<<<<<<<08";

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    super::common::crosscheck(None, &[&["check-id"], args].concat(), stdin)
}

fn lines(out: &Output) -> Vec<Value> {
    super::common::json_lines(&out.stdout)
}

fn validate(instance: &Value) {
    super::common::validate("check-id.schema.json", instance);
}

#[test]
fn values_on_the_command_line() {
    let out = run(&["--type", "ru-inn", "--as-of", "2024-11-01", "7707083893", "77 07 08 38 94"], None);
    assert_eq!(out.status.code(), Some(1), "an invalid value exits 1");
    let got = lines(&out);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["valid"], true);
    assert_eq!(got[1]["errors"], json!(["check digit (10th digit): expected 3, found 4"]));
    got.iter().for_each(validate);

    let out = run(&["--type", "mrz", "--as-of", "2024-11-01", SPECIMEN], None);
    assert_eq!(out.status.code(), Some(0));
    let got = lines(&out);
    assert_eq!(got[0]["fields"]["surname"], "ERIKSSON");
    assert_eq!(got[0]["fields"]["expiry_date"], "2012-04-15");
    validate(&got[0]);
}

#[test]
fn input_lines_in_order_with_ids_and_bad_lines_answered() {
    let bad_mrz = SPECIMEN.replace("7408122F", "74O8122F");
    let input = [
        json!({"id": "m1", "type": "mrz", "value": SPECIMEN}).to_string(),
        json!({"id": 2, "type": "iban", "value": "GB82 WEST 1234 5698 7654 32"}).to_string(),
        "{not json".to_string(),
        json!({"id": "m2", "type": "mrz", "value": bad_mrz}).to_string(),
        json!({"id": "t", "type": "starship", "value": "1"}).to_string(),
        json!({"id": "a", "value": "112-233-445 95"}).to_string(),
        json!({"id": "p", "type": "phone", "value": "+44 20 7946 0958"}).to_string(),
        json!({"id": "o", "type": "ru-ogrnip", "value": "312502904600034"}).to_string(),
    ]
    .join("\n");
    let out = run(&["--input", "-", "--as-of", "2024-11-01"], Some(&input));
    assert_eq!(out.status.code(), Some(2), "malformed lines exit 2 at the end");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`stdin` line 3: not a JSON object"), "{stderr}");
    assert!(stderr.contains("`stdin` line 5: unknown identifier type `starship`"), "{stderr}");
    let got = lines(&out);
    let ids: Vec<Value> = got.iter().map(|o| o["id"].clone()).collect();
    assert_eq!(ids, [json!("m1"), json!(2), Value::Null, json!("m2"), json!("t"), json!("a"), json!("p"), json!("o")]);
    assert_eq!(got[1]["valid"], true);
    assert_eq!(got[2]["valid"], false);
    assert_eq!(got[3]["suggestions"]["unique"], true);
    assert_eq!(got[3]["suggestions"]["candidates"][0]["mrz"], SPECIMEN);
    assert_eq!(got[5]["type"], "ru-snils", "auto guessed the type");
    assert_eq!(got[6]["normalized"], "+442079460958");
    assert_eq!(got[7]["valid"], true);
    got.iter().for_each(validate);
}

#[test]
fn holder_checks() {
    let dir = tempfile::tempdir().unwrap();
    let holder = dir.path().join("holder.json");
    let person = json!({"id": "s", "schema": "Person", "properties": {
        "name": ["Глеб Сергеевич Иванов"], "birthDate": ["1991-03-14"], "gender": ["male"], "nationality": ["ru"]}});
    std::fs::write(&holder, person.to_string()).unwrap();
    let out = run(&["--type", "mrz", "--as-of", "2024-11-01", "--holder", holder.to_str().unwrap(), GLEB], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got = lines(&out);
    validate(&got[0]);
    let checks = got[0]["checks"].as_array().unwrap();
    let results: Vec<(&str, &str)> =
        checks.iter().map(|c| (c["check"].as_str().unwrap(), c["result"].as_str().unwrap())).collect();
    assert_eq!(results, [("name", "agrees"), ("birth_date", "agrees"), ("sex", "agrees"), ("nationality", "agrees")]);
    assert!(checks[0]["detail"].as_str().unwrap().contains("icao_9303"));

    // A Russian internal passport: the form year against the holder's age (issued at 14,
    // replaced at 20 and 45).
    let args = ["--type", "ru-passport", "--as-of", "2024-11-01", "--holder", holder.to_str().unwrap()];
    let out = run(&[&args[..], &["45 11 123456", "45 05 123456"]].concat(), None);
    assert_eq!(out.status.code(), Some(0), "both numbers are well formed");
    let got = lines(&out);
    got.iter().for_each(validate);
    assert_eq!(got[0]["checks"][0]["result"], "agrees");
    assert_eq!(got[1]["checks"][0]["result"], "disagrees", "a 2005 form was issued before 20 and expired");

    let out = run(&["--type", "mrz", "--holder", dir.path().join("missing.json").to_str().unwrap(), GLEB], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read holder"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[], None).status.code(), Some(2));
    assert_eq!(run(&["--type", "nope", "1"], None).status.code(), Some(2));
    assert_eq!(run(&["--as-of", "2024-13-01", "1"], None).status.code(), Some(2));
    assert_eq!(run(&["--input", "/nonexistent/file.jsonl"], None).status.code(), Some(2));
}
