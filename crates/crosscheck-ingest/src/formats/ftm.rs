//! FtM JSON lines: one `{"id", "schema", "properties"}` object per line.
//!
//! Blank lines are not records. A line that is not JSON, not an object, or not a valid entity
//! (no id, unknown schema) is rejected with the parser's reason and column. Extra top-level
//! fields (`caption`, `datasets`, `referents`, ...) that exports carry are ignored.

use super::reject;
use crate::lines::{Appended, BoundedLines, MAX_JSON_LINE};
use crate::records::{Batch, BATCH};
use crate::text::open_text;
use crate::{IngestError, Opened, Record, Records};
use crosscheck_model::Entity;
use std::io::Read;
use std::path::Path;

/// Opens an FtM JSON-lines file. A thread reads lines in batches while the previous batch is
/// parsed on every core; records come out in file order.
///
/// Lines end at LF (a CR elsewhere is JSON whitespace), except in a file written with CR line
/// ends (old Mac tools: CR and no LF in the sample `open_text` reads), whose lines end at CR;
/// a line longer than 16 MiB is rejected with its length, and reading goes on. `encoding`: the
/// one `--encoding` names, else detected.
pub fn open(path: &Path, display: String, encoding: Option<&str>) -> Result<Opened, IngestError> {
    let text = open_text(path, encoding, "FtM JSON lines")?;
    let encoding = text.encoding.clone();
    let lines = if text.cr_line_ends {
        BoundedLines::new(text.reader, MAX_JSON_LINE)
    } else {
        BoundedLines::lf_only(text.reader, MAX_JSON_LINE)
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(2);
    std::thread::spawn(move || read_chunks(lines, &tx));
    let display: std::sync::Arc<str> = display.into();
    let batches = rx.into_iter().map(move |chunk| match chunk {
        Chunk::Lines { text, lines } => Batch::lines(display.clone(), text, lines, parse_line),
        Chunk::Unreadable { line, error } => {
            Batch::records(vec![Record::Rejected(reject(&display, line, format!("unreadable: {error}"), ""))])
        }
        Chunk::TooLong { line, len, raw } => Batch::records(vec![Record::Rejected(reject(
            &display,
            line,
            format!("line of {len} bytes, more than the {} MiB a line may hold", MAX_JSON_LINE >> 20),
            raw.trim_end(),
        ))]),
        Chunk::NotUtf8 { line, at, raw } => Batch::records(vec![Record::Rejected(reject(
            &display,
            line,
            format!("not UTF-8: invalid byte at byte {at} of the line (give the file's encoding with --encoding)"),
            &raw,
        ))]),
    });
    Ok(Opened { format: crate::Format::Ftm, encoding, records: Records::from_batches(batches) })
}

/// What the reading thread hands over: a batch of numbered lines, a line that is not UTF-8 or
/// is too long (reading goes on), or the line it could not read (after which it stops).
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
    /// A line longer than [`MAX_JSON_LINE`]: its full length, and its first bytes (for the
    /// rejects file).
    TooLong {
        line: u64,
        len: u64,
        raw: String,
    },
    /// A line holding bytes that are not UTF-8: `at` is the 1-based byte of the first, `raw` the
    /// line with it replaced (for the rejects file).
    NotUtf8 {
        line: u64,
        at: usize,
        raw: String,
    },
}

/// Reads `lines` into batches until the end, an error, or the receiver leaving.
///
/// Lines are gathered as bytes into one buffer and checked as UTF-8 once per batch (one fast
/// pass, instead of a check and a copy per line); a line that is not UTF-8 is handed over alone,
/// to be rejected, and reading goes on. A line longer than the cap is handed over alone too, as
/// its length and first bytes, and reading goes on: memory stays within the cap. A line the
/// reader fails on is unreadable, and reading stops there.
fn read_chunks(mut lines: BoundedLines<impl Read>, tx: &std::sync::mpsc::SyncSender<Chunk>) {
    let mut size_hint = 0;
    loop {
        let mut bytes: Vec<u8> = Vec::with_capacity(size_hint);
        let mut batch: Vec<(u64, usize, usize)> = Vec::with_capacity(BATCH);
        let mut failed = None;
        let mut ended = false;
        while batch.len() < BATCH {
            let start = bytes.len();
            match lines.append_line(&mut bytes) {
                Ok(None) => {
                    ended = true;
                    break;
                }
                Ok(Some(Appended { number, too_long: None })) => batch.push((number, start, bytes.len())),
                Ok(Some(Appended { number, too_long: Some(len) })) => {
                    let raw = String::from_utf8_lossy(&bytes[start..]).into_owned();
                    bytes.truncate(start);
                    failed = Some(Chunk::TooLong { line: number, len, raw });
                    break;
                }
                Err(e) => {
                    bytes.truncate(start);
                    let line = lines.lines_read() + 1;
                    failed = Some(Chunk::Unreadable { line, error: e.to_string() });
                    ended = true;
                    break;
                }
            }
        }
        size_hint = size_hint.max(bytes.len() + bytes.len() / 8);
        // The lines are stored without their terminators, so two halves of a character cut by
        // a line end join into valid UTF-8: each line must also start and end on a character.
        let whole = match String::from_utf8(bytes) {
            Ok(text) if batch.iter().all(|&(_, s, e)| text.is_char_boundary(s) && text.is_char_boundary(e)) => Ok(text),
            Ok(text) => Err(text.into_bytes()),
            Err(e) => Err(e.into_bytes()),
        };
        match whole {
            Ok(text) => {
                if !batch.is_empty() && tx.send(Chunk::Lines { text, lines: batch }).is_err() {
                    return;
                }
            }
            Err(bytes) => {
                // Rare: the batch is split line by line, each line that is not UTF-8 becomes a
                // reject, and the lines around it are handed over as usual.
                if !send_lines_checked(&bytes, &batch, tx) {
                    return;
                }
            }
        }
        if let Some(chunk) = failed {
            if tx.send(chunk).is_err() {
                return;
            }
        }
        if ended {
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
        open(f.path(), "f.jsonl".into(), None).unwrap().records.collect()
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

    /// What `read_chunks` hands over for `input` (lines capped at `cap`), one string per line.
    fn described(input: &[u8], cap: usize) -> Vec<String> {
        let (tx, rx) = std::sync::mpsc::sync_channel(8);
        read_chunks(BoundedLines::lf_only(input, cap), &tx);
        drop(tx);
        rx.into_iter()
            .flat_map(|c| match c {
                Chunk::Lines { text, lines } => {
                    lines.iter().map(|&(n, s, e)| format!("{n} {:?}", &text[s..e])).collect()
                }
                Chunk::NotUtf8 { line, at, .. } => vec![format!("{line} bad at {at}")],
                Chunk::Unreadable { line, error } => vec![format!("{line} unreadable {error}")],
                Chunk::TooLong { line, len, raw } => vec![format!("{line} too long {len} {raw:?}")],
            })
            .collect()
    }

    #[test]
    fn a_line_that_is_not_utf8_is_handed_over_alone_and_reading_goes_on() {
        let got = described(b"{}\r\nsecond\nbad \xff byte\nthird\n\xfe\n", MAX_JSON_LINE);
        assert_eq!(got, ["1 \"{}\"", "2 \"second\"", "3 bad at 5", "4 \"third\"", "5 bad at 1"]);
    }

    #[test]
    fn a_character_cut_by_a_line_end_rejects_both_halves_lines() {
        // "д" is D0 B4: a line end between its bytes leaves neither line UTF-8, though the two
        // lines side by side, without their terminator, would be.
        let got = described(b"{}\nab\xd0\n\xb4cd\n{}\n", MAX_JSON_LINE);
        assert_eq!(got, ["1 \"{}\"", "2 bad at 3", "3 bad at 1", "4 \"{}\""]);
    }

    #[test]
    fn a_line_over_the_cap_is_handed_over_alone_with_its_length_and_reading_goes_on() {
        let got = described(b"{\"a\": 1}\n{\"much\": \"longer than the cap\"}\r\n\n{\r}\n", 16);
        assert_eq!(
            got,
            ["1 \"{\\\"a\\\": 1}\"", "2 too long 31 \"{\\\"much\\\": \\\"longer\"", "3 \"\"", "4 \"{\\r}\""]
        );
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
