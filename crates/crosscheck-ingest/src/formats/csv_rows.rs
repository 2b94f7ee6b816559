//! CSV records cut from physical lines by the project, not by the `csv` crate over the whole file.
//!
//! The `csv` crate accepts a quote that never closes (the rest of the file becomes one field) and
//! counts lines at LF only. Here each physical line is read with its true number (see
//! [`crate::lines`]); lines are joined only while a quote is open, and each joined record is
//! parsed on its own. When the quote is still open at the end of the file or after
//! [`MAX_RECORD_LINES`] lines or [`MAX_RECORD`] bytes, or when a joined record does not have the
//! header's number of fields, the first line alone is rejected and reading resumes at the next
//! line: a damaged quote costs one row, never the rows after it.

use crate::lines::{BoundedLines, Line, MAX_LINE};
use std::collections::VecDeque;
use std::io::Read;

/// The most physical lines one quoted record may span.
pub(crate) const MAX_RECORD_LINES: usize = 1000;
/// The most bytes one record may hold.
pub(crate) const MAX_RECORD: usize = MAX_LINE;

/// A record that could not be read: its first line, the reason, and its raw text.
pub(crate) struct Bad {
    pub line: u64,
    pub reason: String,
    pub raw: String,
}

/// The logical CSV records of a text stream.
pub(crate) struct CsvRows {
    lines: BoundedLines<Box<dyn Read + Send>>,
    /// Lines read ahead while a quote was open, not yet part of a record.
    pending: VecDeque<Line>,
    eof: bool,
    delimiter: u8,
    parser: OneRecord,
}

/// Where a record's quote state is at the end of some bytes.
#[derive(Clone, Copy)]
struct Quotes {
    in_quote: bool,
    field_start: bool,
    /// A `"` inside quotes just seen: either the closing quote or the first of `""`.
    quote_seen: bool,
    /// A quote closed with something other than a delimiter or the line's end right after it
    /// (`"x"y`): the quoting is broken, so a record joined across lines by it is not trusted.
    stray_close: bool,
}

impl Quotes {
    fn new() -> Self {
        Quotes { in_quote: false, field_start: true, quote_seen: false, stray_close: false }
    }

    /// Feeds one line; whether the record is complete at its end.
    fn feed(&mut self, bytes: &[u8], delimiter: u8) -> bool {
        for &b in bytes {
            if self.in_quote {
                if self.quote_seen {
                    self.quote_seen = false;
                    if b == b'"' {
                        continue;
                    }
                    self.in_quote = false;
                    self.field_start = b == delimiter;
                    self.stray_close |= b != delimiter;
                } else if b == b'"' {
                    self.quote_seen = true;
                }
            } else if b == delimiter {
                self.field_start = true;
            } else {
                self.in_quote = b == b'"' && self.field_start;
                self.field_start = false;
            }
        }
        if self.quote_seen {
            self.in_quote = false;
            self.quote_seen = false;
        }
        !self.in_quote
    }
}

impl CsvRows {
    pub(crate) fn new(reader: Box<dyn Read + Send>, delimiter: u8) -> Self {
        CsvRows {
            lines: BoundedLines::new(reader, MAX_LINE),
            pending: VecDeque::new(),
            eof: false,
            delimiter,
            parser: OneRecord::new(delimiter),
        }
    }

    /// The pending line `i`, reading ahead as needed; `Err` on a read error.
    fn line(&mut self, i: usize) -> Result<Option<&Line>, std::io::Error> {
        while self.pending.len() <= i && !self.eof {
            match self.lines.next_line()? {
                Some(line) => self.pending.push_back(line),
                None => self.eof = true,
            }
        }
        Ok(self.pending.get(i))
    }

    /// The header: the first record's fields (none for an empty file).
    pub(crate) fn header(&mut self) -> Result<Vec<String>, String> {
        match self.next_record(None) {
            None => Ok(Vec::new()),
            Some(Ok((_, record))) => Ok(record.iter().map(String::from).collect()),
            Some(Err(bad)) => Err(format!("line {}: {}", bad.line, bad.reason)),
        }
    }

    /// The next non-blank record with its first line; `n_fields` is the header's field count, for
    /// telling a joined record that went wrong. `Err(io)` as a `Bad` with line 0 ends the file.
    pub(crate) fn next_record(&mut self, n_fields: Option<usize>) -> Option<Result<(u64, csv::StringRecord), Bad>> {
        loop {
            let first = match self.line(0) {
                Ok(Some(l)) => l,
                Ok(None) => return None,
                Err(e) => return Some(Err(self.io_error(e))),
            };
            let number = first.number;
            if let Some(len) = first.too_long {
                let first = self.pending.pop_front().expect("line 0 was read");
                let reason = format!("line of {len} bytes, more than the {} MiB a line may hold", MAX_LINE >> 20);
                return Some(Err(Bad { line: number, reason, raw: String::from_utf8_lossy(&first.bytes).into() }));
            }
            if first.bytes.is_empty() {
                // Empty lines are not records (as the `csv` crate reads them).
                self.pending.pop_front();
                continue;
            }
            // Lines 0..=end make the record, when its quotes close.
            let delimiter = self.delimiter;
            let mut quotes = Quotes::new();
            let mut bytes = 0usize;
            let mut end = None;
            let mut why_open = "the file ends";
            for i in 0..MAX_RECORD_LINES {
                let line = match self.line(i) {
                    Ok(Some(l)) => l,
                    Ok(None) => break,
                    Err(e) => return Some(Err(self.io_error(e))),
                };
                bytes += line.bytes.len() + 1;
                if line.too_long.is_some() || bytes > MAX_RECORD {
                    why_open = "the record would pass 1 MiB";
                    break;
                }
                if quotes.feed(&line.bytes, delimiter) {
                    end = Some(i);
                    break;
                }
                why_open = "1000 lines later it is still open";
            }
            let Some(end) = end else {
                let first = self.pending.pop_front().expect("line 0 was read");
                let reason =
                    format!("a quote opened on this line is never closed ({why_open}); this line alone is rejected");
                return Some(Err(Bad { line: number, reason, raw: String::from_utf8_lossy(&first.bytes).into() }));
            };
            let mut joined = Vec::with_capacity(bytes);
            for (i, line) in self.pending.iter().take(end + 1).enumerate() {
                if i > 0 {
                    joined.push(b'\n');
                }
                joined.extend_from_slice(&line.bytes);
            }
            let parsed = self.parser.parse(&joined);
            let fits = match (&parsed, n_fields) {
                (Ok(r), Some(n)) => r.len() == n,
                (Ok(_), None) => true,
                (Err(_), _) => false,
            };
            if end > 0 && quotes.stray_close {
                // `2,"BROKEN` then `3,"NEXT",...`: the next row's opening quote "closed" this one.
                let first = self.pending.pop_front().expect("line 0 was read");
                let reason = format!(
                    "a quote opened on this line closes only {end} line{} later, inside a field; this line alone is rejected",
                    if end > 1 { "s" } else { "" }
                );
                return Some(Err(Bad { line: number, reason, raw: String::from_utf8_lossy(&first.bytes).into() }));
            }
            if end > 0 && !fits {
                let first = self.pending.pop_front().expect("line 0 was read");
                let fields = parsed.as_ref().map_or(String::new(), |r| format!(", {} fields", r.len()));
                let reason = format!(
                    "a quote opened on this line closes only {end} line{} later and the row so joined does not fit the header{fields}; this line alone is rejected",
                    if end > 1 { "s" } else { "" }
                );
                return Some(Err(Bad { line: number, reason, raw: String::from_utf8_lossy(&first.bytes).into() }));
            }
            self.pending.drain(..=end);
            return Some(match parsed {
                Ok(record) => Ok((number, record)),
                Err(reason) => Err(Bad { line: number, reason, raw: String::from_utf8_lossy(&joined).into() }),
            });
        }
    }

    fn io_error(&mut self, e: std::io::Error) -> Bad {
        self.eof = true;
        self.pending.clear();
        let line = self.lines.lines_read() + 1;
        Bad { line, reason: format!("unreadable file, reading stops here: {e}"), raw: String::new() }
    }
}

/// Parses byte strings that each make exactly one record, with one reused `csv_core` reader and
/// buffers (a `csv::Reader` built per record cost a large buffer allocation per row).
pub(crate) struct OneRecord {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl OneRecord {
    pub(crate) fn new(delimiter: u8) -> Self {
        OneRecord {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// The one record in `bytes` (the first, should a terminator be left unquoted).
    pub(crate) fn parse(&mut self, bytes: &[u8]) -> Result<csv::StringRecord, String> {
        use csv_core::ReadRecordResult as R;
        self.core.reset();
        // A record's fields never hold more bytes than its text, nor more fields than bytes + 1.
        self.out.clear();
        self.out.resize(bytes.len() + 1, 0);
        self.ends.clear();
        self.ends.resize(bytes.len() + 2, 0);
        let (mut input, mut n_out, mut n_ends) = (bytes, 0usize, 0usize);
        loop {
            let (result, n_in, o, e) = self.core.read_record(input, &mut self.out[n_out..], &mut self.ends[n_ends..]);
            input = &input[n_in..];
            n_out += o;
            n_ends += e;
            match result {
                // an empty input tells the reader the data ends
                R::InputEmpty => continue,
                R::Record | R::End => break,
                R::OutputFull | R::OutputEndsFull => {
                    return Err("unreadable CSV: the record does not fit the reader's buffers".into())
                }
            }
        }
        let mut record = csv::ByteRecord::with_capacity(n_out, n_ends.max(1));
        if n_ends == 0 {
            record.push_field(b"");
        }
        let mut start = 0;
        for &end in &self.ends[..n_ends] {
            record.push_field(&self.out[start..end]);
            start = end;
        }
        csv::StringRecord::from_byte_record(record).map_err(|e| {
            format!("unreadable CSV: field {} is not valid text in the file's encoding", e.utf8_error().field() + 1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(input: &str, n: Option<usize>) -> Vec<String> {
        let mut rows = CsvRows::new(Box::new(std::io::Cursor::new(input.as_bytes().to_vec())), b',');
        std::iter::from_fn(|| rows.next_record(n))
            .map(|r| match r {
                Ok((line, rec)) => format!("{line}: {}", rec.iter().collect::<Vec<_>>().join("|")),
                Err(bad) => format!("{} rejected", bad.line),
            })
            .collect()
    }

    #[test]
    fn quoted_newlines_join_lines_and_keep_the_first_line_number() {
        let got = rows("a,b\n\"x\ny\",2\n3,\"q\"\"uote\"\n\n5,6\n", Some(2));
        assert_eq!(got, ["1: a|b", "2: x\ny|2", "4: 3|q\"uote", "6: 5|6"]);
    }

    #[test]
    fn an_unterminated_quote_costs_its_own_line_only() {
        let mut input = String::from("id,name\n1,Anna\n2,\"Broken quote\n");
        for i in 3..6000 {
            input.push_str(&format!("{i},Person {i}\n"));
        }
        let got = rows(&input, Some(2));
        assert_eq!(got.len(), 6000);
        assert_eq!(got[2], "3 rejected");
        assert_eq!(got[3], "4: 3|Person 3");
        assert_eq!(got[5999], "6000: 5999|Person 5999");
    }

    /// A quote left open in a field that is quoted on every row (OFAC's names): the next row's
    /// opening quote would close it and the joined row would even have the header's field count.
    #[test]
    fn a_quote_closed_by_the_next_rows_opening_quote_costs_its_own_line_only() {
        let got = rows("1,\"A\",x\n2,\"BROKEN,x\n3,\"C\",x\n4,\"D\",x\n", Some(3));
        assert_eq!(got, ["1: 1|A|x", "2 rejected", "3: 3|C|x", "4: 4|D|x"]);
        // A quoted field that spans lines properly still joins them.
        assert_eq!(rows("1,\"two\nlines\",x\n", Some(3)), ["1: 1|two\nlines|x"]);
    }

    #[test]
    fn cr_only_lines_are_numbered_as_lines() {
        let got = rows("a,b\r1,2\r3\r4,5\r", Some(2));
        assert_eq!(got, ["1: a|b", "2: 1|2", "3: 3", "4: 4|5"]);
    }

    #[test]
    fn a_quote_mid_field_is_a_character() {
        assert_eq!(rows("ab\"c,d\n1,2\n", Some(2)), ["1: ab\"c|d", "2: 1|2"]);
    }
}
