//! Error reporting and exit codes shared by every command.

use std::io::{self, Write};
use std::process::ExitCode;

/// An error in what the user gave us (a bad file, flag or record): exit code 2.
/// Anything else that escapes a command is unexpected, also exit 2, but said differently.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// A user error with no hint.
pub fn user_error(message: impl Into<String>) -> anyhow::Error {
    UserError { message: message.into(), hint: None }.into()
}

/// A user error with a `hint:` line.
pub fn user_error_hint(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    UserError { message: message.into(), hint: Some(hint.into()) }.into()
}

/// Prints the whole error chain and returns exit code 2 (or 0 for a closed stdout).
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    if err.chain().any(|e| e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)) {
        return ExitCode::SUCCESS;
    }
    let mut stderr = io::stderr().lock();
    let _ = write!(stderr, "error: {err}");
    for cause in err.chain().skip(1) {
        let _ = write!(stderr, "\n  caused by: {cause}");
    }
    let _ = writeln!(stderr);
    if let Some(hint) = err.chain().find_map(|e| e.downcast_ref::<UserError>()).and_then(|u| u.hint.as_ref()) {
        let _ = writeln!(stderr, "hint: {hint}");
    }
    ExitCode::from(2)
}

/// Writes one diagnostic line to stderr, and never fails: a closed stderr (a log reader that
/// exited) must not stop the data on stdout, as `eprintln!`'s panic would. Use [`diag!`].
pub fn diag_line(args: std::fmt::Arguments<'_>) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_fmt(args).and_then(|()| stderr.write_all(b"\n"));
}

/// `eprintln!` that ignores a closed stderr (see [`diag_line`]).
macro_rules! diag {
    ($($arg:tt)*) => {
        $crate::output::diag_line(format_args!($($arg)*))
    };
}
pub(crate) use diag;

/// Writes one JSON value as a line.
pub fn write_json_line<W: Write, T: serde::Serialize>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}
