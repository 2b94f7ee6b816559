//! Where a command's data goes: stdout, or the file of `-o FILE`.
//!
//! A file is written whole or not at all: the data goes to a temporary file beside it, which
//! replaces `FILE` only when the command has finished (its answers all written, whatever their
//! exit code). A command that stops on an error, or is interrupted, leaves an earlier `FILE` as
//! it was instead of half of a new one. A `FILE` that exists and is not a regular file (a
//! device such as `/dev/null`, a named pipe) is written directly: renaming a file over it would
//! replace the device for everyone on the machine.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The output of one command (see the module docs).
pub struct Sink {
    inner: Inner,
}

enum Inner {
    Stdout(BufWriter<io::Stdout>),
    File { file: BufWriter<tempfile::NamedTempFile>, path: PathBuf },
    Special(BufWriter<std::fs::File>),
}

impl Sink {
    /// Stdout for `None` or `-`, else a temporary file beside `path`.
    pub fn open(path: Option<&Path>) -> anyhow::Result<Sink> {
        let inner = match path {
            None => Inner::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())),
            Some(p) if p.as_os_str() == "-" => Inner::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())),
            Some(p) if std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()) => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(p)
                    .map_err(|e| cannot(p, crate::commands::io_reason(&e)))?;
                Inner::Special(BufWriter::with_capacity(1 << 16, file))
            }
            Some(p) => {
                let dir = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                if p.is_dir() {
                    return Err(cannot(p, "it is a folder".into()));
                }
                let tmp = tempfile::Builder::new()
                    .prefix(".crosscheck-")
                    .suffix(".part")
                    .tempfile_in(dir)
                    .map_err(|e| cannot(p, crate::commands::io_reason(&e)))?;
                Inner::File { file: BufWriter::with_capacity(1 << 16, tmp), path: p.to_path_buf() }
            }
        };
        Ok(Sink { inner })
    }

    /// Whether the data goes to a terminal, where a person reads it.
    pub fn is_terminal(&self) -> bool {
        matches!(self.inner, Inner::Stdout(_)) && io::stdout().is_terminal()
    }

    /// Flushes the data, and moves a file into place.
    pub fn finish(self) -> anyhow::Result<()> {
        match self.inner {
            Inner::Stdout(mut out) => Ok(out.flush()?),
            Inner::Special(mut out) => Ok(out.flush()?),
            Inner::File { file, path } => {
                let tmp = file.into_inner().map_err(|e| e.into_error())?;
                tmp.as_file().sync_all()?;
                tmp.persist(&path).map_err(|e| cannot(&path, crate::commands::io_reason(&e.error)))?;
                Ok(())
            }
        }
    }
}

/// Why `path` cannot be written, as the person running the command reads it.
fn cannot(path: &Path, reason: String) -> anyhow::Error {
    crate::output::user_error(format!("cannot write `{}`: {reason}", path.display()))
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Stdout(out) => out.write(buf),
            Inner::File { file, .. } => file.write(buf),
            Inner::Special(out) => out.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(out) => out.write_all(buf),
            Inner::File { file, .. } => file.write_all(buf),
            Inner::Special(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(out) => out.flush(),
            Inner::File { file, .. } => file.flush(),
            Inner::Special(out) => out.flush(),
        }
    }
}
