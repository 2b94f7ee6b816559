//! Physical lines of a text stream, each with its true number, and a cap on a line's size.
//!
//! A line ends at LF, CR LF or a lone CR (files from old Mac tools), so line numbers match what
//! an editor shows whatever the line endings. A line longer than the cap is not kept whole: its
//! first bytes are kept for the rejects file and the rest is skipped, so memory stays
//! proportional to the cap however long the line.

use std::io::{BufRead, BufReader, Read};

/// The longest line kept whole (1 MiB).
pub const MAX_LINE: usize = 1 << 20;

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

/// Reads `reader` one physical line at a time, lines longer than `cap` cut (see [`Line`]).
pub struct BoundedLines<R> {
    reader: BufReader<R>,
    cap: usize,
    number: u64,
    /// The previous line ended with CR: an LF right after it belongs to that line.
    after_cr: bool,
}

impl<R: Read> BoundedLines<R> {
    pub fn new(reader: R, cap: usize) -> Self {
        BoundedLines { reader: BufReader::with_capacity(1 << 16, reader), cap, number: 0, after_cr: false }
    }

    /// How many lines were read so far.
    pub fn lines_read(&self) -> u64 {
        self.number
    }

    /// The next line, `None` at the end of the stream.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut bytes = Vec::new();
        let mut len: u64 = 0;
        let mut any = false;
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
            let end = buf.iter().position(|&b| b == b'\n' || b == b'\r');
            let chunk = &buf[..end.unwrap_or(buf.len())];
            let room = self.cap.saturating_sub(len as usize);
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            len += chunk.len() as u64;
            match end {
                Some(i) => {
                    self.after_cr = buf[i] == b'\r';
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
            bytes.truncate(KEPT.min(self.cap));
        }
        Ok(Some(Line { number: self.number, bytes, too_long }))
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
