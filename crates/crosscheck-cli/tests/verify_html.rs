//! The HTML report in a real browser: headless Chromium renders the reports of the example cases
//! (`examples/defector/` and `examples/every-status/`, which has every status and a set-aside
//! record), takes a screenshot of each, and checks its network log and console: the page must make
//! no request beyond itself and log no console error.
//!
//! Runs where Chromium is installed (CI installs the Debian package `chromium`); elsewhere it skips
//! with a visible message, and under `CI=true` a missing Chromium is a failure. Background
//! networking, component updates, sync and the first-run flow are disabled so that the browser's
//! own traffic does not blur the page's. The screenshots are kept as CI artefacts for people to look
//! at: `target/ci-artifacts/verify-defector.png` and `verify-every-status.png` (the target folder
//! is `CARGO_TARGET_DIR`, else the one holding the test binary).
#![allow(clippy::print_stderr)] // a skipped test says so on stderr

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| Path::new(dir).join(name)).find(|p| p.is_file())
    })
}

/// Where the screenshots are kept: `<target>/ci-artifacts`.
fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        // <target>/<profile>/deps/<test binary>
        let exe = std::env::current_exe().expect("the test binary's path");
        exe.ancestors().nth(3).map_or_else(|| super::common::root().join("target"), Path::to_path_buf)
    });
    let target = if target.is_absolute() { target } else { super::common::root().join(target) };
    target.join("ci-artifacts")
}

#[test]
fn html_report_renders_offline_without_console_errors() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no Chromium: install the `chromium` package"
        );
        eprintln!("skip: headless Chromium is not installed (CI installs the Debian package `chromium`)");
        return;
    };
    // (example, screenshot, window height: the whole report fits at 1280 pixels wide)
    for (example, shot, height) in
        [("defector", "verify-defector.png", 9_000), ("every-status", "verify-every-status.png", 5_000)]
    {
        render_and_check(&browser, example, shot, height);
    }
}

/// Renders `examples/<example>/case.yaml` as HTML in Chromium, keeps the screenshot as
/// `<artifacts>/<keep_as>` (a window `height` pixels tall), and checks the console and the network log.
fn render_and_check(browser: &Path, example: &str, keep_as: &str, height: u32) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let case = super::common::root().join("examples").join(example).join("case.yaml");
    let out =
        super::common::crosscheck(Some(&data), &["verify", "--output-format", "html", case.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    let page = dir.path().join("report.html");
    std::fs::write(&page, &out.stdout).unwrap();
    let shot = dir.path().join("shot.png");
    let netlog = dir.path().join("net.json");
    let profile = dir.path().join("profile");
    let run = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--metrics-recording-only",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--window-size=1280,{height}"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{example}: chromium failed:\n{log}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "{example}: not a real screenshot");
    let kept = artifacts();
    std::fs::create_dir_all(&kept).expect("the artefacts folder");
    std::fs::copy(&shot, kept.join(keep_as)).expect("the screenshot kept");

    // Chromium prints every console message as `...:CONSOLE...] "text", source: ...` without its
    // level; the page has no script, so any console message at all (a CSP refusal, an error) fails.
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "{example}: console messages: {console:#?}");

    // Requests the page starts carry the page's origin as initiator (`null` for a file); the
    // browser's own (time sync, accounts, spelling dictionaries) carry "not an origin".
    let net: Value = serde_json::from_str(&std::fs::read_to_string(&netlog).expect("a net log")).unwrap_or(Value::Null);
    let events = net["events"].as_array().cloned().unwrap_or_default();
    let from_page: Vec<String> = events
        .iter()
        .filter_map(|e| {
            let params = e.get("params")?;
            let initiator = params.get("initiator")?.as_str()?;
            let url = params.get("url")?.as_str()?;
            (initiator != "not an origin" && !url.starts_with("file://")).then(|| url.to_string())
        })
        .collect();
    assert!(from_page.is_empty(), "{example}: the page made requests beyond itself: {from_page:?}");
    // the net log did record the browser's traffic, so an empty list above means something
    assert!(!events.is_empty(), "{example}: the net log recorded nothing");
}
