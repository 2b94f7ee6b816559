//! Physical lines of a text stream, each with its true number, and a cap on a line's size.
//!
//! By default a line ends at LF, CR LF or a lone CR (files from old Mac tools), so line numbers
//! match what an editor shows whatever the line endings. JSON lines are read in LF-only mode
//! ([`BoundedLines::lf_only`]): a CR is whitespace inside a JSON object and must not split it, so
//! only LF ends a line there (CR LF still does, its CR dropped). A line longer than the cap is
//! not kept whole: its first bytes are kept for the rejects file and the rest is skipped, so
//! memory stays proportional to the cap however long the line.

use std::io::{BufRead, BufReader, Read};

/// The longest line kept whole (1 MiB).
pub const MAX_LINE: usize = 1 << 20;

/// The longest JSON line kept whole (16 MiB): one FtM entity, query or pair per line, and an
/// entity with thousands of names or a long document is far larger than a CSV row.
pub const MAX_JSON_LINE: usize = 16 << 20;

/// How much of a too-long line is kept (for a reject's raw text).
const KEPT: usize = 64 * 1024;

/// One physical line, without its terminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based.
    pub number: u64,
    /// The line's bytes; only the first 64 KiB when `too_long`.
    pub bytes: Vec<u8>,
    /// The line's full length in bytes when it is longer than the cap.
    pub too_long: Option<u64>,
}

/// Where a line appended by [`BoundedLines::append_line`] ends up: its number, and its full
/// length when it is longer than the cap (only its first 64 KiB were appended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub number: u64,
    pub too_long: Option<u64>,
}

/// Reads `reader` one physical line at a time, lines longer than `cap` cut (see [`Line`]).
pub struct BoundedLines<R> {
    reader: BufReader<R>,
    cap: usize,
    number: u64,
    /// The previous line ended with CR: an LF right after it belongs to that line.
    after_cr: bool,
    /// Only LF ends a line (JSON lines).
    lf_only: bool,
}

impl<R: Read> BoundedLines<R> {
    /// Lines ending at LF, CR LF or a lone CR.
    pub fn new(reader: R, cap: usize) -> Self {
        BoundedLines {
            reader: BufReader::with_capacity(1 << 16, reader),
            cap,
            number: 0,
            after_cr: false,
            lf_only: false,
        }
    }

    /// Lines ending at LF only, a CR right before the LF dropped (JSON lines: a CR elsewhere is
    /// part of the line).
    pub fn lf_only(reader: R, cap: usize) -> Self {
        BoundedLines { lf_only: true, ..BoundedLines::new(reader, cap) }
    }

    /// How many lines were read so far.
    pub fn lines_read(&self) -> u64 {
        self.number
    }

    /// Whether nothing read from the source waits in the buffer: the next line will read from
    /// it (and may block on a pipe), so a caller answering lines should flush its output first.
    pub fn buffer_empty(&self) -> bool {
        self.reader.buffer().is_empty()
    }

    /// The next line, `None` at the end of the stream.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut bytes = Vec::new();
        Ok(self.append_line(&mut bytes)?.map(|a| Line { number: a.number, bytes, too_long: a.too_long }))
    }

    /// Appends the next line to `out`, without its terminator (so that many lines can share one
    /// buffer); `None` at the end of the stream. A line longer than the cap appends only its
    /// first 64 KiB, and memory stays within the cap while the rest is skipped.
    pub fn append_line(&mut self, out: &mut Vec<u8>) -> std::io::Result<Option<Appended>> {
        let start = out.len();
        let mut len: u64 = 0;
        let mut any = false;
        // The last byte of the line so far is a CR (LF-only mode: dropped if an LF follows).
        let mut ends_cr = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            if self.after_cr {
                self.after_cr = false;
                if buf[0] == b'\n' {
                    self.reader.consume(1);
                    continue;
                }
            }
            any = true;
            let end = if self.lf_only { memchr::memchr(b'\n', buf) } else { memchr::memchr2(b'\n', b'\r', buf) };
            let chunk = &buf[..end.unwrap_or(buf.len())];
            let room = self.cap.saturating_sub(len as usize);
            out.extend_from_slice(&chunk[..chunk.len().min(room)]);
            len += chunk.len() as u64;
            if let Some(&last) = chunk.last() {
                ends_cr = last == b'\r';
            }
            match end {
                Some(i) => {
                    if self.lf_only {
                        if ends_cr {
                            len -= 1;
                            if (out.len() - start) as u64 > len {
                                out.pop();
                            }
                        }
                    } else {
                        self.after_cr = buf[i] == b'\r';
                    }
                    self.reader.consume(i + 1);
                    break;
                }
                None => {
                    let n = buf.len();
                    self.reader.consume(n);
                }
            }
        }
        self.number += 1;
        let too_long = (len as usize > self.cap).then_some(len);
        if too_long.is_some() {
            out.truncate(start + KEPT.min(self.cap));
        }
        Ok(Some(Appended { number: self.number, too_long }))
    }
}

impl<R: Read> Iterator for BoundedLines<R> {
    type Item = std::io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_line().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], cap: usize) -> Vec<(u64, String, Option<u64>)> {
        BoundedLines::new(input, cap)
            .map(|l| l.unwrap())
            .map(|l| (l.number, String::from_utf8(l.bytes).unwrap(), l.too_long))
            .collect()
    }

    #[test]
    fn lf_crlf_and_lone_cr_each_end_a_line() {
        let got = lines(b"a\nb\r\nc\rd\r\re", 100);
        let want: Vec<_> =
            [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, ""), (6, "e")].map(|(n, s)| (n, s.to_string(), None)).into();
        assert_eq!(got, want);
    }

    /// A reader that hands out at most `step` bytes per read, so that lines cross reads.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// LF-only mode against a cap of 8 bytes, read 1, 2, 3 bytes at a time and whole: the lines
    /// read (as text, and the full length of one over the cap).
    #[test]
    fn lf_only_lines_table() {
        type Want<'a> = &'a [(&'a str, Option<u64>)];
        let table: &[(&[u8], Want)] = &[
            (b"", &[]),
            (b"\n", &[("", None)]),
            // A CR inside a line (JSON whitespace) does not split it.
            (b"{\r}\n{}\n", &[("{\r}", None), ("{}", None)]),
            (b"a\rb\rc", &[("a\rb\rc", None)]),
            // CR LF ends a line, its CR dropped; a CR before it stays.
            (b"ab\r\ncd\r\n", &[("ab", None), ("cd", None)]),
            (b"ab\r\r\n", &[("ab\r", None)]),
            // No final newline: the last line still counts; a final lone CR is part of it.
            (b"ab\ncd", &[("ab", None), ("cd", None)]),
            (b"ab\ncd\r", &[("ab", None), ("cd\r", None)]),
            // Exactly the cap, with LF or CR LF, is kept whole; one byte more is over.
            (b"12345678\nok", &[("12345678", None), ("ok", None)]),
            (b"12345678\r\nok", &[("12345678", None), ("ok", None)]),
            (b"123456789\nok", &[("12345678", Some(9)), ("ok", None)]),
            (b"1234567\r9\r\nok", &[("1234567\r", Some(9)), ("ok", None)]),
            (b"123456789012", &[("12345678", Some(12))]),
            (b"\n\n", &[("", None), ("", None)]),
        ];
        for step in [1, 2, 3, 1 << 16] {
            for (input, want) in table {
                let mut lines = BoundedLines::lf_only(Trickle { bytes: input, step }, 8);
                let mut got = Vec::new();
                while let Some(line) = lines.next_line().unwrap() {
                    assert_eq!(line.number, got.len() as u64 + 1);
                    got.push((String::from_utf8(line.bytes).unwrap(), line.too_long));
                }
                let want: Vec<_> = want.iter().map(|(s, n)| (s.to_string(), *n)).collect();
                assert_eq!(got, want, "{input:?} read {step} bytes at a time");
            }
        }
    }

    #[test]
    fn lines_appended_share_one_buffer_and_the_buffer_empties() {
        let mut lines = BoundedLines::lf_only(&b"one\r\ntwo\nthree"[..], 100);
        let mut out = Vec::new();
        let mut got = Vec::new();
        while let Some(line) = lines.append_line(&mut out).unwrap() {
            got.push((line.number, out.len()));
        }
        assert_eq!(out, b"onetwothree");
        assert_eq!(got, [(1, 3), (2, 6), (3, 11)]);
        assert!(lines.buffer_empty());
        assert_eq!(lines.lines_read(), 3);
    }

    #[test]
    fn a_line_over_the_cap_is_cut_and_its_length_said() {
        let mut input = vec![b'x'; 300_000];
        input.extend_from_slice(b"\nnext\n");
        // A small buffer-crossing cap: the long line spans many reads.
        let got = lines(&input, 1000);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].1.len(), got[0].2), (1000, Some(300_000)));
        assert_eq!((got[1].0, got[1].1.as_str()), (2, "next"));
    }
}
