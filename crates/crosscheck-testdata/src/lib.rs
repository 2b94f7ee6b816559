//! Where tests find the shared reference data (`../shared/data`, or `CROSSCHECK_REFERENCE_DATA`).
//!
//! The data is never copied into the project (SOURCES.md). A test that reads it calls
//! [`reference_file`]: when the file is missing the test fails under `CI=true` and otherwise
//! skips with a visible message on stderr, because a newcomer's clone has no `../shared`.
//! Tests that use it carry `shared_data` in their name.
#![allow(clippy::print_stderr)] // the skip message is the point

pub mod invented;
use std::path::PathBuf;

/// The reference data folder, whether or not it exists.
pub fn reference_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("CROSSCHECK_REFERENCE_DATA") {
        return PathBuf::from(dir);
    }
    // Tests run with the crate folder as working directory: crates/<name>/ -> ../../../shared/data
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.join("../../../shared/data")
}

/// The path of `relative` inside the reference data, or `None` (after printing a skip message)
/// when it is missing outside CI. Panics when it is missing under `CI=true`.
pub fn reference_file(relative: &str) -> Option<PathBuf> {
    let path = reference_root().join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("reference data `{}` is missing and CI=true: set CROSSCHECK_REFERENCE_DATA", path.display());
    }
    eprintln!(
        "SKIPPED: reference data `{}` not found (set CROSSCHECK_REFERENCE_DATA to run this test)",
        path.display()
    );
    None
}

/// Validates `instance` against `docs/schemas/<schema_file>`; the other schemas in that folder
/// are available to `$ref` by their file name (`"$ref": "explanation.schema.json"`).
/// Returns every validation error, with its JSON path, in one message.
pub fn validate_against_schema(schema_file: &str, instance: &serde_json::Value) -> Result<(), String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas");
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("schema `{name}`: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("schema `{name}` is not JSON: {e}"))
    };
    let mut options = jsonschema::options();
    for entry in std::fs::read_dir(&dir).expect("docs/schemas exists") {
        let name = entry.expect("readable docs/schemas").file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && name != schema_file {
            let resource = jsonschema::Resource::from_contents(read(&name)).expect("a valid schema resource");
            options.with_resource(format!("https://crosscheck.invalid/schemas/{name}"), resource);
        }
    }
    let validator = options.build(&read(schema_file)).map_err(|e| format!("schema `{schema_file}`: {e}"))?;
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{} at `{}`", e, e.instance_path)).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{schema_file}: {}\ninstance: {instance}", errors.join("; ")))
    }
}
