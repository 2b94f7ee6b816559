//! What every test module needs: running the real binary as a user would, reading its JSON
//! lines, and validating them against `docs/schemas/`.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The project root (examples, docs).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `crosscheck` with `args`, after `--data-dir DATA` when given, feeding `stdin` (an empty
/// input when `None`) from a thread so that a large input cannot deadlock on a full pipe.
pub fn crosscheck(data: Option<&Path>, args: &[&str], stdin: Option<&str>) -> Output {
    crosscheck_bytes(data, args, stdin.unwrap_or("").as_bytes().to_vec())
}

/// [`crosscheck`] with raw bytes on stdin (input that is not UTF-8, or very long lines).
pub fn crosscheck_bytes(data: Option<&Path>, args: &[&str], input: Vec<u8>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crosscheck"));
    if let Some(data) = data {
        command.arg("--data-dir").arg(data);
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("stdin writer");
    out
}

/// The non-blank lines of `stdout`, each parsed as JSON.
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Validates `instance` against `docs/schemas/<schema>`.
pub fn validate(schema: &str, instance: &Value) {
    crosscheck_testdata::validate_against_schema(schema, instance).unwrap();
}
