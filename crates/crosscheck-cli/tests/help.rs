//! Issue 14: `--help` examples read as commands at 80 columns: clap wraps a long line where it
//! likes, which splits a command in two lines that both look like commands. Every example line
//! starts a command or continues one after a trailing `\`, and a command copied from the help
//! runs as written.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_crosscheck")).args(args).env("COLUMNS", "80").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_examples_do_not_wrap_mid_command() {
    for command in ["load", "match", "compare", "datasets", "check-id", "verify", "serve", "token", "audit"] {
        let text = help(&[command, "--help"]);
        let block: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("Example"))
            .skip(1)
            .take_while(|l| !l.trim().is_empty())
            .collect();
        assert!(!block.is_empty(), "`{command} --help` has no examples");
        let mut continued = false;
        for line in &block {
            let starts = ["  crosscheck ", "  echo ", "  printf ", "  curl "].iter().any(|p| line.starts_with(p));
            if continued {
                assert!(line.starts_with("    "), "`{command} --help`: a continuation is indented: {line:?}");
            } else {
                assert!(starts, "`{command} --help`: an example line starts no command (wrapped?): {line:?}");
            }
            // a line wider than the terminal must be one word (an MRZ), which nothing can split
            assert!(line.chars().count() <= 80 || !line.trim().contains(' '), "too wide: {line:?}");
            continued = line.ends_with(" \\");
        }
        assert!(!continued, "`{command} --help`: the last example ends with `\\`");
    }
}

#[cfg(unix)]
#[test]
fn the_compare_example_runs_as_written() {
    let text = help(&["compare", "--help"]);
    let block: Vec<&str> =
        text.lines().skip_while(|l| !l.starts_with("Example")).skip(1).take_while(|l| !l.trim().is_empty()).collect();
    let bin = env!("CARGO_BIN_EXE_crosscheck");
    let script = block.join("\n").replace("crosscheck compare", &format!("'{bin}' compare"));
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["id"], "c1");
}
