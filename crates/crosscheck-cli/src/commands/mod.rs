//! One module per command. Each resolves its settings from the raw arguments and runs.

pub mod audit;
pub mod check_id;
pub mod compare;
pub mod datasets;
pub mod keys;
pub mod load;
pub mod matching;
pub mod serve;
pub mod share;
pub mod show;
pub mod token;
pub mod verify;
pub mod xref;

use crate::cli::{Cli, Command};
use crosscheck_ingest::lines::BoundedLines;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the chosen command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let data_dir = || data_dir(cli.data_dir.as_deref());
    if matches!(
        cli.command,
        Command::Load(_)
            | Command::Match(_)
            | Command::Compare(_)
            | Command::Verify(_)
            | Command::Serve(_)
            | Command::Share(_)
            | Command::Xref(_)
    ) {
        // the name tables are built while the command opens and reads its input
        std::thread::spawn(crosscheck_names::warm_up);
    }
    match cli.command {
        Command::Load(args) => load::run(args, &data_dir()?),
        Command::Match(args) => matching::run(args, &data_dir()?),
        Command::Compare(args) => compare::run(args),
        Command::Datasets(args) => datasets::run(args, &data_dir()?),
        Command::Show(args) => show::run(args, &data_dir()?),
        Command::Serve(args) => serve::run(args, &data_dir()?),
        Command::Token(args) => token::run(args, &data_dir()?),
        Command::Audit(args) => audit::run(args, &data_dir()?),
        Command::Verify(args) => verify::run(args, &data_dir()?),
        Command::CheckId(args) => check_id::run(args),
        Command::Keys(args) => keys::run(args),
        Command::Share(args) => share::run(args, &data_dir()?),
        Command::Xref(args) => xref::run(args, &data_dir()?),
    }
}

/// An engine error as the person running the command reads it: exit 2, with the engine's hint.
pub fn engine_error(e: crosscheck_engine::EngineError) -> anyhow::Error {
    match e.hint() {
        Some(hint) => crate::output::user_error_hint(e.to_string(), hint),
        None => crate::output::user_error(e.to_string()),
    }
}

/// The data directory: the flag, else `CROSSCHECK_DATA_DIR`, else the per-user data directory.
pub fn data_dir(flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("CROSSCHECK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir().map(|d| d.join("crosscheck")).ok_or_else(|| {
        crate::output::user_error_hint(
            "no data directory: this system has no per-user data folder",
            "pass `--data-dir DIR` or set `CROSSCHECK_DATA_DIR`",
        )
    })
}

/// The reason of an IO error without the path (fs-err adds one the message already names).
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// An answer to one input line, and its error message when the line could not be read.
pub trait LineAnswer: serde::Serialize + Send {
    fn error(&self) -> Option<&str>;

    /// The answer for people (`--output-format text`).
    fn write_text(&self, out: &mut Vec<u8>) -> io::Result<()>;

    /// The answer in `format`: a JSON line, or text.
    fn write_as(&self, format: matching::LinesFormat, out: &mut Vec<u8>) -> io::Result<()>
    where
        Self: Sized,
    {
        match format {
            matching::LinesFormat::Json => crate::output::write_json_line(out, self),
            matching::LinesFormat::Text => self.write_text(out),
        }
    }
}

/// The streaming loop of `match` and `compare`: reads `input` in batches of `batch` lines,
/// answers each line on all cores, writes the answers as JSON lines to `out` in input order, reports each
/// error on stderr, and exits 2 after the last line when any line failed.
///
/// Three stages overlap: a thread reads the next batch, all cores answer and serialise the
/// current one, and a thread writes the previous one, so reading and writing (sequential by
/// nature) no longer leave the cores idle.
pub fn answer_lines<A: LineAnswer>(
    input: Option<&Path>,
    out: &mut crate::sink::Sink,
    format: matching::LinesFormat,
    batch: usize,
    answer: impl Fn(&str, u64, &str) -> anyhow::Result<A> + Sync,
    unreadable: impl Fn(u64, &str, &str) -> A + Sync,
) -> anyhow::Result<ExitCode> {
    use rayon::prelude::*;
    use std::io::Write;
    use std::sync::mpsc::sync_channel;
    let (source, reader) = open_input(input)?;
    let (lines_tx, lines_rx) = sync_channel::<io::Result<Vec<(u64, InputLine)>>>(2);
    let (out_tx, out_rx) = sync_channel::<(Vec<u8>, Vec<String>)>(2);
    let mut n_errors = 0u64;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        scope.spawn(move || {
            for lines in line_batches(reader, batch) {
                if lines_tx.send(lines).is_err() {
                    return; // the answering side stopped on an error
                }
            }
        });
        let writer = scope.spawn(move || -> io::Result<()> {
            for (bytes, errors) in out_rx {
                for err in errors {
                    crate::output::diag!("error: {err}");
                }
                out.write_all(&bytes)?;
            }
            out.flush()
        });
        let answered = (|| -> anyhow::Result<()> {
            for lines in lines_rx {
                let lines = lines.map_err(|e| crate::output::user_error(format!("cannot read `{source}`: {e}")))?;
                let answers: Vec<(Vec<u8>, Option<String>)> = lines
                    .par_iter()
                    .map(|(line_no, line)| {
                        let a = match line {
                            Ok(line) => answer(line, *line_no, &source)?,
                            Err(reason) => unreadable(*line_no, &source, reason),
                        };
                        let mut json = Vec::with_capacity(512);
                        a.write_as(format, &mut json)?;
                        Ok((json, a.error().map(str::to_string)))
                    })
                    .collect::<anyhow::Result<_>>()?;
                let errors: Vec<String> = answers.iter().filter_map(|(_, e)| e.clone()).collect();
                n_errors += errors.len() as u64;
                let mut bytes = Vec::with_capacity(answers.iter().map(|(json, _)| json.len()).sum());
                for (json, _) in &answers {
                    bytes.extend_from_slice(json);
                }
                if out_tx.send((bytes, errors)).is_err() {
                    break; // the writer failed; its error is reported below
                }
            }
            Ok(())
        })();
        drop(out_tx);
        let written = writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        answered?;
        written?;
        Ok(())
    })?;
    Ok(if n_errors > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// The longest input line `match`, `compare` and `check-id` read, in bytes (16 MiB, as for an
/// FtM file's line): a real query or pair is a few kilobytes; a longer line is answered with an
/// error instead of taking the memory.
pub const MAX_LINE_BYTES: usize = crosscheck_ingest::lines::MAX_JSON_LINE;

/// One input line, or why it cannot be read: longer than [`MAX_LINE_BYTES`] (the rest of it is
/// skipped without being kept), or not UTF-8.
pub type InputLine = Result<String, String>;

/// The JSON lines of an input: only LF ends a line (CR LF too, its CR dropped; a CR elsewhere is
/// whitespace), and memory stays within [`MAX_LINE_BYTES`] whatever a line's length.
pub type InputLines = BoundedLines<Box<dyn Read + Send>>;

/// Opens `--input` (a file, or stdin for `None` and `-`) as JSON lines.
pub fn open_input(input: Option<&Path>) -> anyhow::Result<(String, InputLines)> {
    let (source, reader): (String, Box<dyn Read + Send>) = match input {
        None => ("stdin".into(), Box::new(io::stdin())),
        Some(p) if p.as_os_str() == "-" => ("stdin".into(), Box::new(io::stdin())),
        Some(p) => {
            let file = fs_err::File::open(p)
                .map_err(|e| crate::output::user_error(format!("cannot read `{}`: {}", p.display(), io_reason(&e))))?;
            (p.display().to_string(), Box::new(file))
        }
    };
    Ok((source, BoundedLines::lf_only(reader, MAX_LINE_BYTES)))
}

/// Reads the next line of `lines` as an [`InputLine`], trimmed and without a byte-order mark,
/// with its 1-based number; `None` at the end.
pub fn next_input_line<R: Read>(lines: &mut BoundedLines<R>) -> io::Result<Option<(u64, InputLine)>> {
    let Some(line) = lines.next_line()? else { return Ok(None) };
    if let Some(len) = line.too_long {
        let reason = format!(
            "the line is longer than {} MiB ({len} bytes), the limit for one input line; it was skipped",
            MAX_LINE_BYTES >> 20
        );
        return Ok(Some((line.number, Err(reason))));
    }
    let text = match String::from_utf8(line.bytes) {
        Ok(text) => Ok(text.trim().trim_start_matches('\u{feff}').to_string()),
        Err(e) => Err(format!(
            "invalid UTF-8 at byte {} of the line: the input must be UTF-8 (convert it, e.g. with `iconv -f windows-1251 -t utf-8`)",
            e.utf8_error().valid_up_to() + 1
        )),
    };
    Ok(Some((line.number, text)))
}

/// Reads JSON lines in batches of `batch` non-blank lines, each with its 1-based line number; a
/// line that cannot be read (see [`next_input_line`]) is kept, as its reason, so that it still
/// gets its answer.
pub fn line_batches(mut lines: InputLines, batch: usize) -> impl Iterator<Item = io::Result<Vec<(u64, InputLine)>>> {
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut out = Vec::with_capacity(batch);
        while out.len() < batch {
            match next_input_line(&mut lines) {
                Ok(None) => {
                    done = true;
                    break;
                }
                Ok(Some((line_no, line))) => {
                    if line.as_ref().map_or(true, |text| !text.is_empty()) {
                        out.push((line_no, line));
                    }
                }
                Err(e) => return Some(Err(e)),
            }
        }
        if out.is_empty() {
            None
        } else {
            Some(Ok(out))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::next_input_line;
    use crosscheck_ingest::lines::BoundedLines;

    /// Each input against a cap of 8 bytes: the lines read, in order, then the end.
    #[test]
    fn lines_are_read_within_the_cap() {
        type Want<'a> = &'a [Result<&'a str, &'a str>];
        let table: &[(&[u8], Want)] = &[
            (b"", &[]),
            (b"ab\ncd", &[Ok("ab"), Ok("cd")]),
            (b"\xef\xbb\xbf{}\n\n", &[Ok("{}"), Ok("")]),
            (b"12345678\nok\n", &[Ok("12345678"), Ok("ok")]),
            (b"123456789012\nok\n", &[Err("longer than"), Ok("ok")]),
            (b"123456789012", &[Err("longer than")]),
            (b"a\xffb\nok", &[Err("invalid UTF-8 at byte 2"), Ok("ok")]),
            // A CR inside a JSON line is whitespace; CR LF ends a line.
            (b" {\r} \r\nok\r\n", &[Ok("{\r}"), Ok("ok")]),
        ];
        for (input, want) in table {
            let mut lines = BoundedLines::lf_only(*input, 8);
            let mut got = Vec::new();
            while let Some((number, line)) = next_input_line(&mut lines).unwrap() {
                assert_eq!(number, got.len() as u64 + 1);
                got.push(line);
            }
            assert_eq!(got.len(), want.len(), "{input:?}: {got:?}");
            for (got, want) in got.iter().zip(want.iter()) {
                match (got, want) {
                    (Ok(g), Ok(w)) => assert_eq!(g, w, "{input:?}"),
                    (Err(g), Err(w)) => assert!(g.contains(w), "{input:?}: {g}"),
                    _ => panic!("{input:?}: {got:?} against {want:?}"),
                }
            }
        }
    }
}
