//! FtM JSON lines: one `{"id", "schema", "properties"}` object per line.
//!
//! Blank lines are not records. A line that is not JSON, not an object, or not a valid entity
//! (no id, unknown schema) is rejected with the parser's reason and column. Extra top-level
//! fields (`caption`, `datasets`, `referents`, ...) that exports carry are ignored.

use super::reject;
use crate::records::{Batch, BATCH};
use crate::text::open_text;
use crate::{IngestError, Opened, Record, Records};
use crosscheck_model::Entity;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Opens an FtM JSON-lines file. A thread reads lines in batches while the previous batch is
/// parsed on every core; records come out in file order.
pub fn open(path: &Path, display: String) -> Result<Opened, IngestError> {
    let text = open_text(path, None, "FtM JSON lines")?;
    let encoding = text.encoding.clone();
    let reader = BufReader::with_capacity(1 << 16, text.reader);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(2);
    std::thread::spawn(move || read_chunks(reader, &tx));
    let display: std::sync::Arc<str> = display.into();
    let batches = rx.into_iter().map(move |chunk| match chunk {
        Chunk::Lines { text, lines } => Batch::lines(display.clone(), text, lines, parse_line),
        Chunk::Unreadable { line, error } => {
            Batch::records(vec![Record::Rejected(reject(&display, line, format!("unreadable: {error}"), ""))])
        }
        Chunk::NotUtf8 { line, at, raw } => Batch::records(vec![Record::Rejected(reject(
            &display,
            line,
            format!("not UTF-8: invalid byte at byte {at} of the line (give the file's encoding with --encoding)"),
            &raw,
        ))]),
    });
    Ok(Opened { format: crate::Format::Ftm, encoding, records: Records::from_batches(batches) })
}

/// What the reading thread hands over: a batch of numbered lines, a line that is not UTF-8
/// (reading goes on), or the line it could not read (after which it stops).
enum Chunk {
    /// Lines end to end in one buffer (one allocation per batch, not per line), each as
    /// (line number, start, end).
    Lines {
        text: String,
        lines: Vec<(u64, usize, usize)>,
    },
    Unreadable {
        line: u64,
        error: String,
    },
    /// A line holding bytes that are not UTF-8: `at` is the 1-based byte of the first, `raw` the
    /// line with it replaced (for the rejects file).
    NotUtf8 {
        line: u64,
        at: usize,
        raw: String,
    },
}

/// Reads `reader` into batches of lines until the end, an error, or the receiver leaving.
///
/// Lines are gathered as bytes and checked as UTF-8 once per batch (one fast pass, instead of
/// a check and a copy per line); a line that is not UTF-8 is handed over alone, to be rejected,
/// and reading goes on. A line the reader fails on is unreadable, and reading stops there.
fn read_chunks(mut reader: impl BufRead, tx: &std::sync::mpsc::SyncSender<Chunk>) {
    let mut line_no = 0u64;
    let mut size_hint = 0;
    loop {
        let mut bytes: Vec<u8> = Vec::with_capacity(size_hint);
        let mut lines: Vec<(u64, usize, usize)> = Vec::with_capacity(BATCH);
        let mut failed = None;
        while lines.len() < BATCH {
            let start = bytes.len();
            match reader.read_until(b'\n', &mut bytes) {
                Ok(0) => break,
                Ok(_) => {
                    line_no += 1;
                    lines.push((line_no, start, bytes.len()));
                }
                Err(e) => {
                    line_no += 1;
                    bytes.truncate(start);
                    failed = Some(Chunk::Unreadable { line: line_no, error: e.to_string() });
                    break;
                }
            }
        }
        let full = lines.len() == BATCH;
        size_hint = size_hint.max(bytes.len() + bytes.len() / 8);
        match String::from_utf8(bytes) {
            Ok(text) => {
                if !lines.is_empty() && tx.send(Chunk::Lines { text, lines }).is_err() {
                    return;
                }
            }
            Err(e) => {
                // Rare: the batch is split line by line, each line that is not UTF-8 becomes a
                // reject, and the lines around it are handed over as usual.
                if !send_lines_checked(&e.into_bytes(), &lines, tx) {
                    return;
                }
            }
        }
        if let Some(chunk) = failed {
            let _ = tx.send(chunk);
            return;
        }
        if !full {
            return;
        }
    }
}

/// Hands over `lines` of `bytes` (some not UTF-8): runs of good lines as [`Chunk::Lines`], each
/// bad line as [`Chunk::NotUtf8`]. `false` when the receiver left.
fn send_lines_checked(bytes: &[u8], lines: &[(u64, usize, usize)], tx: &std::sync::mpsc::SyncSender<Chunk>) -> bool {
    let mut text = String::new();
    let mut good: Vec<(u64, usize, usize)> = Vec::new();
    for &(line, start, end) in lines {
        match std::str::from_utf8(&bytes[start..end]) {
            Ok(valid) => {
                good.push((line, text.len(), text.len() + valid.len()));
                text.push_str(valid);
            }
            Err(e) => {
                if !good.is_empty()
                    && tx
                        .send(Chunk::Lines { text: std::mem::take(&mut text), lines: std::mem::take(&mut good) })
                        .is_err()
                {
                    return false;
                }
                let raw = String::from_utf8_lossy(&bytes[start..end]).trim_end().to_string();
                if tx.send(Chunk::NotUtf8 { line, at: e.valid_up_to() + 1, raw }).is_err() {
                    return false;
                }
            }
        }
    }
    good.is_empty() || tx.send(Chunk::Lines { text, lines: good }).is_ok()
}

/// Parses one line into a record.
pub fn parse_line(display: &str, line_no: u64, line: &str) -> Record {
    let entity: Entity = match serde_json::from_str(line) {
        Ok(e) => e,
        Err(e) => {
            let reason = match e.classify() {
                serde_json::error::Category::Eof => format!("truncated JSON (ends at column {})", e.column()),
                serde_json::error::Category::Data => format!("not an FtM entity: {e}"),
                _ => format!("invalid JSON: {e}"),
            };
            return Record::Rejected(reject(display, line_no, reason, line));
        }
    };
    match entity.validate() {
        Ok(entity) => Record::Entities { line: line_no, entities: vec![entity] },
        Err(e) => Record::Rejected(reject(display, line_no, e.to_string(), line)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read(content: &[u8]) -> Vec<Record> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content).unwrap();
        open(f.path(), "f.jsonl".into()).unwrap().records.collect()
    }

    fn reasons(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .map(|r| match r {
                Record::Entities { entities, .. } => format!("ok {}", entities[0].id),
                Record::Rejected(r) => format!("{} {}", r.line, r.reason),
            })
            .collect()
    }

    #[test]
    fn good_bad_and_blank_lines() {
        let records = read(
            b"{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\n\n{not json\n\
              {\"id\":\"b\",\"schema\":\"Starship\"}\n[1,2]\n{\"schema\":\"Person\"}\n{\"id\":\"c\",\"schema\":\"Person\",\"prop",
        );
        let got = reasons(&records);
        assert_eq!(got[0], "ok a");
        assert!(got[1].starts_with("3 invalid JSON"), "{}", got[1]);
        assert_eq!(got[2], "4 unknown schema `Starship`");
        assert!(got[3].starts_with("5 not an FtM entity"), "{}", got[3]);
        assert_eq!(got[4], "6 missing `id`");
        assert!(got[5].starts_with("7 truncated JSON"), "{}", got[5]);
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_handed_over_alone_and_reading_goes_on() {
        let (tx, rx) = std::sync::mpsc::sync_channel(8);
        read_chunks(std::io::Cursor::new(b"{}\r\nsecond\nbad \xff byte\nthird\n\xfe\n".to_vec()), &tx);
        drop(tx);
        let chunks: Vec<Chunk> = rx.into_iter().collect();
        let got: Vec<String> = chunks
            .iter()
            .flat_map(|c| match c {
                Chunk::Lines { text, lines } => {
                    lines.iter().map(|&(n, s, e)| format!("{n} {:?}", &text[s..e])).collect()
                }
                Chunk::NotUtf8 { line, at, .. } => vec![format!("{line} bad at {at}")],
                Chunk::Unreadable { line, error } => vec![format!("{line} unreadable {error}")],
            })
            .collect();
        assert_eq!(got, ["1 \"{}\\r\\n\"", "2 \"second\\n\"", "3 bad at 5", "4 \"third\\n\"", "5 bad at 1"]);
    }

    #[test]
    fn huge_line_is_rejected_with_a_capped_raw() {
        let mut content = b"{\"id\":\"x\",\"schema\":\"Person\",\"properties\":{\"name\":[\"".to_vec();
        content.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
        content.extend(b"\n");
        let records = read(&content);
        let Record::Rejected(r) = &records[0] else { panic!("expected a reject") };
        assert!(r.reason.starts_with("truncated JSON"), "{}", r.reason);
        assert!(r.raw.len() <= 64 * 1024);
    }

    proptest::proptest! {
        #[test]
        fn mangled_lines_never_panic_and_every_line_is_accounted(lines in proptest::collection::vec("\\PC{0,40}", 0..20)) {
            let content = lines.iter().map(|l| l.replace('\n', " ")).collect::<Vec<_>>().join("\n");
            let records = read(content.as_bytes());
            let non_blank = content.lines().filter(|l| !l.trim().is_empty()).count();
            proptest::prop_assert_eq!(records.len(), non_blank);
        }
    }
}
