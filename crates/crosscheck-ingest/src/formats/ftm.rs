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
    });
    Ok(Opened { format: crate::Format::Ftm, encoding, records: Records::from_batches(batches) })
}

/// What the reading thread hands over: a batch of numbered lines, or the line it could not read
/// (after which it stops).
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
}

/// Reads `reader` into batches of lines until the end, an error, or the receiver leaving.
///
/// Lines are gathered as bytes and checked as UTF-8 once per batch (one fast pass, instead of
/// a check and a copy per line); a line that is not UTF-8 is unreadable, as is a line the
/// reader fails on, and reading stops there.
fn read_chunks(mut reader: impl BufRead, tx: &std::sync::mpsc::SyncSender<Chunk>) {
    const NOT_UTF8: &str = "stream did not contain valid UTF-8";
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
        let mut full = lines.len() == BATCH;
        size_hint = size_hint.max(bytes.len() + bytes.len() / 8);
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                // the batch ends before the line holding the bad byte, which is unreadable
                let bad_at = e.utf8_error().valid_up_to();
                let k = lines.partition_point(|&(_, _, end)| end <= bad_at);
                failed =
                    Some(Chunk::Unreadable { line: lines.get(k).map_or(line_no, |l| l.0), error: NOT_UTF8.into() });
                full = false;
                lines.truncate(k);
                let mut bytes = e.into_bytes();
                bytes.truncate(lines.last().map_or(0, |l| l.2));
                // valid: it ends where the valid prefix does or before
                String::from_utf8(bytes).unwrap_or_default()
            }
        };
        if !lines.is_empty() && tx.send(Chunk::Lines { text, lines }).is_err() {
            return;
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
    fn reading_stops_at_a_line_that_is_not_utf8_after_handing_over_the_lines_before() {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        read_chunks(std::io::Cursor::new(b"{}\r\nsecond\nbad \xff byte\nnever read\n".to_vec()), &tx);
        drop(tx);
        let chunks: Vec<Chunk> = rx.into_iter().collect();
        let [Chunk::Lines { text, lines }, Chunk::Unreadable { line, error }] = &chunks[..] else {
            panic!("expected the good lines, then the bad one");
        };
        assert_eq!(
            lines.iter().map(|&(n, s, e)| (n, &text[s..e])).collect::<Vec<_>>(),
            [(1, "{}\r\n"), (2, "second\n")]
        );
        assert_eq!((*line, error.as_str()), (3, "stream did not contain valid UTF-8"));
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
