//! Where tests find the shared reference data (`../shared/data`, or `CROSSCHECK_REFERENCE_DATA`).
//!
//! The data is never copied into the project (SOURCES.md). A test that reads it calls
//! [`reference_file`]: when the file is missing the test fails under `CI=true` and otherwise
//! skips with a visible message on stderr, because a newcomer's clone has no `../shared`.
//! Tests that use it carry `shared_data` in their name.
#![allow(clippy::print_stderr)] // the skip message is the point

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
