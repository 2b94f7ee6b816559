//! The UN Security Council consolidated list (`CONSOLIDATED_LIST` XML): one record per
//! `INDIVIDUAL` or `ENTITY` element, its line the line where the element starts.
//!
//! Streaming with quick-xml: an element is collected as a flat list of its direct children (each
//! with its own text and the text of its leaf descendants, e.g. an `INDIVIDUAL_ALIAS` with its
//! `QUALITY` and `ALIAS_NAME`), turned into an entity, and dropped. Memory is one record, whatever
//! the file size. Lines are counted by a reader wrapper that notes the offsets of line ends (LF,
//! CR LF or a lone CR) as bytes pass through (quick-xml reports byte offsets only).
//!
//! Mapping decisions:
//! - `INDIVIDUAL` → `Person`, `ENTITY` → `Organization` (groups, companies, fronts); id
//!   `unsc-DATAID`, stable across list versions, so the three versions compare by id.
//! - `FIRST_NAME`..`FOURTH_NAME` joined make `name` (the UN does not say which part is the
//!   surname, so they go to `firstName`, `secondName` and `middleName` (third and fourth) as written);
//!   `NAME_ORIGINAL_SCRIPT` is an `alias`.
//! - Alias `QUALITY`: `Good`/`a.k.a.` → `alias`, `Low` → `weakAlias` (the UN's own warning that a
//!   low-quality alias is too vague to identify someone), `f.k.a.` → `previousName`.
//! - Birth dates: `EXACT` with `DATE` or `YEAR`; `APPROXIMATELY` keeps the given year or date;
//!   `BETWEEN` with `FROM_YEAR`/`TO_YEAR` becomes every year of the range (see `lists`).
//! - Documents whose type mentions a passport (English, French, Spanish) → `passportNumber`,
//!   others (national identification numbers) → `idNumber`; a document without a `NUMBER` adds
//!   nothing (its free-text note stays in the raw record only).
//! - `GENDER`, or, where older records lack it, a `Gender: male` stated in `COMMENTS1`.
//! - The listing's details: `UN_LIST_TYPE` → `program`, `REFERENCE_NUMBER` → `programId`,
//!   `LISTED_ON` → `createdAt`, the last `LAST_DAY_UPDATED` → `modifiedAt`, `COMMENTS1` → `notes`.
//!
//! Malformed XML inside a record rejects that record with the reason and line. End tags are
//! matched by this reader rather than by quick-xml, so a record with a mismatched or missing end
//! tag is rejected alone and the next record starts cleanly (the record's own end tag always
//! closes it); other syntax errors are quick-xml's, and parsing resumes after them when it can. A
//! file that ends inside a record rejects it as truncated. An element directly inside `INDIVIDUALS`
//! or `ENTITIES` that is not a record tag (a damaged `<INDIVIDUAL_>`) is a record too, rejected
//! with its line and closed by its own end tag or the expected record's; an empty one
//! (`<INDIVIDUAL_/>`) is rejected the same way. A record tag or a list tag (`INDIVIDUALS`,
//! `ENTITIES`, `CONSOLIDATED_LIST`, start or end) met inside an open record means that record was
//! never closed: it is rejected with its own line, and the new element is read as if it stood
//! alone, so the next record still loads; so does a damaged record tag met inside an open record
//! (an element holding a `DATAID`, which no part of a record does, or an empty `<INDIVIDUAL_/>`).
//! A record's fields directly in a list (`<DATAID>` after its start tag was lost) make one reject
//! up to the record's end tag. An entity reference XML does not define (`&bogus;`,
//! HTML's `&eacute;`) or a bare `&` rejects its record with the line of the reference: the text
//! cannot be told, and keeping the raw `&bogus;` would store a value the list does not hold.
//! Other elements outside the records are ignored.

use super::lists::{add_countries, add_dates, add_declared, mark_listed};
use super::reject;
use crate::text::open_text;
use crate::{Format, IngestError, Opened, ReaderOptions, Record};
use crosscheck_model::Entity;
use quick_xml::events::Event;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;

const PUBLISHER: &str = "United Nations Security Council";

/// Opens a UN consolidated list XML file.
pub fn open(path: &Path, display: String, options: &ReaderOptions) -> Result<Opened, IngestError> {
    let text = open_text(path, options.encoding.as_deref(), "UN Security Council XML")?;
    let encoding = text.encoding.clone();
    let lines = Rc::new(RefCell::new(LineIndex::default()));
    let counting = Counting { inner: text.reader, offset: 0, lines: Rc::clone(&lines), after_cr: false };
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(1 << 16, counting));
    // Whitespace before a text is skipped as it streams by, not buffered: 100 MB of blank lines
    // before the first record were held whole as one text event. Values are trimmed anyway;
    // trailing whitespace is kept, so text split by a CDATA section keeps its spaces.
    reader.config_mut().trim_text_start = true;
    reader.config_mut().trim_text_end = false;
    // End tags are checked by the parser below, which can resume after a mismatch.
    reader.config_mut().check_end_names = false;
    let mut parser = Parser {
        reader,
        lines,
        display,
        buf: Vec::new(),
        finished: false,
        container: None,
        current: None,
        ready: VecDeque::new(),
    };
    let records = std::iter::from_fn(move || parser.next_record());
    Ok(Opened { format: Format::UnXml, encoding, records: crate::Records::new(records) })
}

/// Newline offsets seen so far, pruned below the last query (queries only move forward).
///
/// Offsets are kept as runs of evenly spaced newlines (`start`, `stride`, `count`), so that blank
/// lines (`\n\n`, `\r\n\r\n`, or indentation repeated line after line) cost one entry however
/// many there are: 100 MB of blank lines before the first record took 2 GB as one offset per line.
#[derive(Default)]
struct LineIndex {
    runs: VecDeque<Run>,
    lines_before: u64,
}

/// Newlines at `start`, `start + stride`, ... (`count` of them).
#[derive(Clone, Copy)]
struct Run {
    start: u64,
    stride: u64,
    count: u64,
}

impl LineIndex {
    /// Records a newline at `offset` (offsets come in increasing order).
    fn push(&mut self, offset: u64) {
        if let Some(run) = self.runs.back_mut() {
            if run.count == 1 {
                run.stride = offset - run.start;
                run.count = 2;
                return;
            }
            if run.start + run.stride * run.count == offset {
                run.count += 1;
                return;
            }
        }
        self.runs.push_back(Run { start: offset, stride: 0, count: 1 });
    }

    /// The 1-based line of byte `offset`.
    fn line_at(&mut self, offset: u64) -> u64 {
        while let Some(run) = self.runs.front_mut() {
            if run.start >= offset {
                break;
            }
            let last = run.start + run.stride * (run.count - 1);
            if last < offset {
                self.lines_before += run.count;
                self.runs.pop_front();
                continue;
            }
            // Part of the run lies before `offset`: the newlines at start + k·stride < offset.
            let below = (offset - run.start).div_ceil(run.stride.max(1));
            self.lines_before += below;
            run.start += below * run.stride;
            run.count -= below;
            break;
        }
        self.lines_before + 1
    }
}

/// A reader that records where lines end: at LF, CR LF (one line end, at the CR) or a lone CR
/// (files from old Mac tools), as an editor counts them.
struct Counting {
    inner: Box<dyn Read>,
    offset: u64,
    lines: Rc<RefCell<LineIndex>>,
    /// The last byte read was CR: an LF right after it ends the same line.
    after_cr: bool,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut lines = self.lines.borrow_mut();
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\r' || (b == b'\n' && !self.after_cr) {
                lines.push(self.offset + i as u64);
            }
            self.after_cr = b == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// One direct child of a record: its tag, its own text, and its leaf descendants' texts.
#[derive(Debug, Default)]
struct Child {
    tag: String,
    /// The line where the element starts.
    line: u64,
    text: String,
    fields: Vec<(String, String)>,
}

impl Child {
    fn field(&self, tag: &str) -> Option<&str> {
        self.fields.iter().find(|(t, v)| t == tag && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }

    fn values<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter(move |(t, v)| t == tag && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }
}

/// A record being collected.
struct Collecting {
    tag: String,
    line: u64,
    children: Vec<Child>,
    /// Element names below the record (depth 1 = a direct child).
    stack: Vec<String>,
    /// The first structural problem met (a mismatched end tag), which rejects the record.
    malformed: Option<String>,
    /// For a damaged record tag (`<INDIVIDUAL_>`), the record tag whose end also closes it.
    closes_on: Option<&'static str>,
}

/// Marks `c` malformed when `bytes` (a value's raw text) are not UTF-8: the record is rejected
/// instead of holding replacement characters in place of the bytes (a file in another encoding
/// is read with `--encoding`).
fn not_utf8(c: &mut Collecting, bytes: &[u8]) {
    if c.malformed.is_none() && std::str::from_utf8(bytes).is_err() {
        let inside = c.stack.last().map_or(c.tag.as_str(), String::as_str);
        c.malformed = Some(format!(
            "not UTF-8: invalid byte in the text of <{inside}> (give the file's encoding with --encoding)"
        ));
    }
}

impl Collecting {
    fn raw(&self) -> String {
        let mut out = format!("<{}>", self.tag);
        for c in &self.children {
            out.push_str(&format!(" {}={:?}", c.tag, c.text.trim()));
            for (t, v) in &c.fields {
                out.push_str(&format!(" {}.{t}={:?}", c.tag, v.trim()));
            }
        }
        out
    }
}

struct Parser {
    reader: quick_xml::Reader<BufReader<Counting>>,
    lines: Rc<RefCell<LineIndex>>,
    display: String,
    buf: Vec<u8>,
    finished: bool,
    /// The record tag expected inside the open `INDIVIDUALS` or `ENTITIES` container.
    container: Option<&'static str>,
    /// The record being collected: kept between calls, since the event that rejects an unclosed
    /// record (a new record tag) also opens the next one.
    current: Option<Collecting>,
    /// Records an event produced beyond the one returned (an empty record tag met inside an
    /// unclosed record rejects both).
    ready: VecDeque<Record>,
}

fn is_record_tag(tag: &str) -> bool {
    tag == "INDIVIDUAL" || tag == "ENTITY"
}

/// A tag named like a record (`INDIVIDUAL_`, `ENTITY_X`) that is none of the parts of a UN record.
fn looks_like_record_tag(tag: &str) -> bool {
    const PARTS: [&str; 7] = [
        "INDIVIDUAL_ALIAS",
        "INDIVIDUAL_ADDRESS",
        "INDIVIDUAL_DATE_OF_BIRTH",
        "INDIVIDUAL_PLACE_OF_BIRTH",
        "INDIVIDUAL_DOCUMENT",
        "ENTITY_ALIAS",
        "ENTITY_ADDRESS",
    ];
    (tag.starts_with("INDIVIDUAL") || tag.starts_with("ENTITY")) && !PARTS.contains(&tag)
}

/// The fields of a UN record other than its parts (see [`looks_like_record_tag`]).
fn is_record_field(tag: &str) -> bool {
    const FIELDS: [&str; 21] = [
        "DATAID",
        "VERSIONNUM",
        "FIRST_NAME",
        "SECOND_NAME",
        "THIRD_NAME",
        "FOURTH_NAME",
        "UN_LIST_TYPE",
        "REFERENCE_NUMBER",
        "LISTED_ON",
        "SUBMITTED_ON",
        "SUBMITTED_BY",
        "GENDER",
        "NAME_ORIGINAL_SCRIPT",
        "COMMENTS1",
        "TITLE",
        "DESIGNATION",
        "NATIONALITY",
        "LIST_TYPE",
        "LAST_DAY_UPDATED",
        "SORT_KEY",
        "SORT_KEY_LAST_MOD",
    ];
    FIELDS.contains(&tag)
}

/// The elements that enclose records: met inside a record, they mean the record was never closed.
fn is_list_tag(tag: &str) -> bool {
    tag == "INDIVIDUALS" || tag == "ENTITIES" || tag == "CONSOLIDATED_LIST"
}

impl Collecting {
    fn new(tag: String, line: u64, malformed: Option<String>, closes_on: Option<&'static str>) -> Collecting {
        Collecting { tag, line, children: Vec::new(), stack: Vec::new(), malformed, closes_on }
    }
}

impl Parser {
    fn line_at(&self, offset: u64) -> u64 {
        self.lines.borrow_mut().line_at(offset)
    }

    /// The reject of a record that `what` (met at `line`) cut short before its end tag. A problem
    /// met earlier in the record is its reason; else the missing end tag.
    fn unclosed(&self, c: Collecting, line: u64, what: &str) -> Record {
        let reason = c
            .malformed
            .clone()
            .unwrap_or_else(|| format!("malformed XML: <{}> is not closed when {what} comes at line {line}", c.tag));
        Record::Rejected(reject(&self.display, c.line, reason, &c.raw()))
    }

    fn next_record(&mut self) -> Option<Record> {
        if let Some(record) = self.ready.pop_front() {
            return Some(record);
        }
        while !self.finished {
            self.buf.clear();
            let before = self.reader.buffer_position();
            // Newlines before this event are counted and dropped, whether or not a record asks.
            self.line_at(before);
            let event = self.reader.read_event_into(&mut self.buf);
            // Where the event starts: whitespace before it was skipped, not returned, so it is
            // counted back from where the event ends.
            let end = self.reader.buffer_position();
            let before = match &event {
                Ok(Event::Start(e)) => end - (e.len() as u64 + 2),
                Ok(Event::Empty(e)) => end - (e.len() as u64 + 3),
                Ok(Event::End(e)) => end - (e.len() as u64 + 3),
                Ok(Event::Text(t)) => end - t.len() as u64,
                _ => before,
            }
            .max(before);
            match event {
                Err(quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::UnmatchedEndTag(_)))
                    if self.current.is_none() && self.reader.buffer_position() != before =>
                {
                    // An end tag with nothing open, outside a record: it holds no record.
                    continue;
                }
                Err(e) => {
                    let at = self.reader.error_position();
                    let line = self.line_at(at);
                    // quick-xml usually resumes after a syntax error; if it did not move, stop.
                    if self.reader.buffer_position() == before {
                        self.finished = true;
                    }
                    let reason = format!("malformed XML at line {line}: {e}");
                    return Some(match self.current.take() {
                        Some(c) => Record::Rejected(reject(&self.display, c.line, reason, &c.raw())),
                        None => Record::Rejected(reject(&self.display, line, reason, "")),
                    });
                }
                Ok(Event::Eof) => {
                    self.finished = true;
                    if let Some(c) = self.current.take() {
                        let reason = format!("truncated: the file ends inside <{}>", c.tag);
                        return Some(Record::Rejected(reject(&self.display, c.line, reason, &c.raw())));
                    }
                    return None;
                }
                Ok(Event::Start(start)) => {
                    let tag = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    if is_record_tag(&tag) || is_list_tag(&tag) {
                        // A record or a list opened inside a record: that record was never closed.
                        // It is rejected and the new element read as if it stood alone.
                        let line = self.line_at(before);
                        let cut = self.current.take().map(|c| self.unclosed(c, line, &format!("<{tag}>")));
                        match tag.as_str() {
                            "INDIVIDUALS" => self.container = Some("INDIVIDUAL"),
                            "ENTITIES" => self.container = Some("ENTITY"),
                            "CONSOLIDATED_LIST" => {}
                            _ => self.current = Some(Collecting::new(tag, line, None, None)),
                        }
                        if cut.is_some() {
                            return cut;
                        }
                        continue;
                    }
                    match &mut self.current {
                        None => {
                            // A damaged record tag (`<INDIVIDUAL_>`) directly in a container is a
                            // record: rejected with its line, not dropped.
                            if let Some(expected) = self.container {
                                let line = self.line_at(before);
                                if is_record_field(&tag) {
                                    // `<DATAID>` directly in the list: the fields of a record whose
                                    // start tag was lost, gathered into one reject up to its end tag.
                                    let reason = format!(
                                        "<{tag}> directly in the list: a record's fields without its <{expected}> start tag"
                                    );
                                    let mut c = Collecting::new(expected.to_string(), line, Some(reason), None);
                                    c.children.push(Child { tag: tag.clone(), line, ..Child::default() });
                                    c.stack.push(tag);
                                    self.current = Some(c);
                                } else {
                                    let reason = format!("unknown element <{tag}> where <{expected}> was expected");
                                    self.current = Some(Collecting::new(tag, line, Some(reason), Some(expected)));
                                }
                            }
                        }
                        Some(c) => {
                            if c.stack.len() == 1 && tag == "DATAID" {
                                // No part of a record holds a DATAID: the element around it is a
                                // damaged record tag (`<INDIVIDUAL_X><DATAID>`) met while a record
                                // was open. That record is rejected, unclosed, and the damaged
                                // one is read as if it stood alone.
                                let mut open = self.current.take()?;
                                let part = open.children.pop()?;
                                open.stack.clear();
                                let expected = self.container.unwrap_or(if part.tag.starts_with("ENTITY") {
                                    "ENTITY"
                                } else {
                                    "INDIVIDUAL"
                                });
                                let reason = format!("unknown element <{}> where <{expected}> was expected", part.tag);
                                let mut damaged =
                                    Collecting::new(part.tag.clone(), part.line, Some(reason), Some(expected));
                                let line = self.lines.borrow_mut().line_at(before);
                                damaged.children.push(Child { tag, line, ..Child::default() });
                                damaged.stack.push("DATAID".into());
                                self.current = Some(damaged);
                                return Some(self.unclosed(open, part.line, &format!("<{}>", part.tag)));
                            }
                            if c.stack.is_empty() {
                                let line = self.lines.borrow_mut().line_at(before);
                                c.children.push(Child { tag: tag.clone(), line, ..Child::default() });
                            } else if let Some(child) = c.children.last_mut() {
                                // Each nested element is its own field, even when two in a row
                                // share a tag (`<VALUE>a</VALUE><VALUE>b</VALUE>`).
                                child.fields.push((tag.clone(), String::new()));
                            }
                            c.stack.push(tag);
                        }
                    }
                }
                Ok(Event::Empty(start)) => {
                    let tag = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    // `<INDIVIDUAL/>`, or a damaged `<INDIVIDUAL_/>` directly in a container: a
                    // record without content, rejected with its line.
                    let damaged = match &self.current {
                        None => self.container.is_some() && !is_list_tag(&tag),
                        // `<INDIVIDUAL_/>` inside an open record: no part of a record is named so.
                        Some(c) => c.stack.is_empty() && looks_like_record_tag(&tag),
                    };
                    if is_record_tag(&tag) || damaged {
                        let line = self.line_at(before);
                        let reason = match self.container {
                            _ if !is_record_tag(&tag) => {
                                let expected = self.container.unwrap_or(if tag.starts_with("ENTITY") {
                                    "ENTITY"
                                } else {
                                    "INDIVIDUAL"
                                });
                                format!("unknown element <{tag}/> where <{expected}> was expected")
                            }
                            _ => format!("empty <{tag}/> element: no name"),
                        };
                        let empty = Record::Rejected(reject(&self.display, line, reason, &format!("<{tag}/>")));
                        return Some(match self.current.take() {
                            Some(c) => {
                                self.ready.push_back(empty);
                                self.unclosed(c, line, &format!("<{tag}/>"))
                            }
                            None => empty,
                        });
                    }
                    if let Some(c) = &mut self.current {
                        if c.stack.is_empty() {
                            c.children.push(Child { tag, ..Child::default() });
                        }
                    }
                }
                Ok(Event::End(end)) => {
                    let tag = String::from_utf8_lossy(end.local_name().as_ref()).into_owned();
                    let Some(c) = &mut self.current else {
                        if is_list_tag(&tag) {
                            self.container = None;
                        }
                        continue;
                    };
                    // End tags are matched here rather than by quick-xml, so that a broken record
                    // is rejected alone and the next one starts cleanly: the record's own end tag
                    // always closes it, and an end tag closes the innermost open element it names.
                    if tag == c.tag || c.closes_on == Some(tag.as_str()) {
                        if let (Some(open), None) = (c.stack.last(), &c.malformed) {
                            let line = self.lines.borrow_mut().line_at(self.reader.buffer_position());
                            c.malformed = Some(format!("malformed XML at line {line}: <{open}> is not closed"));
                        }
                        let Some(done) = self.current.take() else { continue };
                        return Some(match &done.malformed {
                            Some(reason) => Record::Rejected(reject(&self.display, done.line, reason, &done.raw())),
                            None => build(&self.display, done),
                        });
                    }
                    if is_list_tag(&tag) && !c.stack.contains(&tag) {
                        // `</INDIVIDUALS>` while a record is open: the list ends, and the record
                        // with it, unclosed.
                        self.container = None;
                        let line = self.lines.borrow_mut().line_at(before);
                        let c = self.current.take()?;
                        return Some(self.unclosed(c, line, &format!("</{tag}>")));
                    }
                    match c.stack.iter().rposition(|t| *t == tag) {
                        Some(pos) if pos + 1 == c.stack.len() => {
                            c.stack.pop();
                        }
                        found => {
                            if c.malformed.is_none() {
                                let line = self.lines.borrow_mut().line_at(self.reader.buffer_position());
                                let expected = c.stack.last().map_or(c.tag.as_str(), String::as_str);
                                c.malformed = Some(format!(
                                    "malformed XML at line {line}: end tag </{tag}> where </{expected}> was expected"
                                ));
                            }
                            if let Some(pos) = found {
                                c.stack.truncate(pos);
                            }
                        }
                    }
                }
                Ok(Event::Text(text)) => {
                    if let Some(c) = &mut self.current {
                        not_utf8(c, &text);
                        // An entity reference XML does not define (`&bogus;`, or HTML's `&eacute;`)
                        // rejects the record: its text cannot be told, and keeping the raw
                        // `&bogus;` would store a value the list does not hold.
                        match text.unescape() {
                            Ok(value) => push_text(c, &value),
                            Err(e) => {
                                if c.malformed.is_none() {
                                    let (at, what) = reference_problem(&e);
                                    let newlines = text.get(..at).map_or(0, line_ends);
                                    let line = self.lines.borrow_mut().line_at(before) + newlines as u64;
                                    let inside = c.stack.last().map_or(c.tag.as_str(), String::as_str);
                                    c.malformed =
                                        Some(format!("malformed XML at line {line}: {what} in the text of <{inside}>"));
                                }
                            }
                        }
                    }
                }
                Ok(Event::CData(data)) => {
                    if let Some(c) = &mut self.current {
                        not_utf8(c, &data);
                        let value = String::from_utf8_lossy(&data.into_inner()).into_owned();
                        push_text(c, &value);
                    }
                }
                Ok(_) => {}
            }
        }
        None
    }
}

/// Where in a text (a byte offset) and what its unreadable reference is, from quick-xml's error.
fn reference_problem(e: &quick_xml::Error) -> (usize, String) {
    use quick_xml::escape::EscapeError;
    match e {
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(range, name)) => (
            range.start,
            format!(
                "unknown entity `&{name};` (XML defines &amp; &lt; &gt; &quot; &apos; and numeric references only)"
            ),
        ),
        quick_xml::Error::Escape(EscapeError::UnterminatedEntity(range)) => {
            (range.start, "`&` without its `;` (a bare & is written &amp;)".to_string())
        }
        quick_xml::Error::Escape(EscapeError::InvalidCharRef(e)) => (0, format!("invalid character reference: {e}")),
        other => (0, format!("unreadable text: {other}")),
    }
}

/// How many lines end in `bytes` (at LF, CR LF or a lone CR, as [`Counting`] counts them).
fn line_ends(bytes: &[u8]) -> usize {
    bytes.iter().enumerate().filter(|&(i, &b)| b == b'\r' || (b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'))).count()
}

/// Adds text to the element on top of the stack.
fn push_text(c: &mut Collecting, value: &str) {
    let Some(child) = c.children.last_mut() else { return };
    match c.stack.len() {
        0 => {} // text directly inside the record: whitespace
        1 => child.text.push_str(value),
        _ => {
            if let Some((_, v)) = child.fields.last_mut() {
                v.push_str(value);
            }
        }
    }
}

/// Builds the entity of one record.
fn build(display: &str, c: Collecting) -> Record {
    let raw = c.raw();
    let text_of = |tag: &str| -> Option<&str> {
        c.children.iter().find(|ch| ch.tag == tag).map(|ch| ch.text.trim()).filter(|t| !t.is_empty())
    };
    let is_person = c.tag == "INDIVIDUAL";
    let id = match (text_of("DATAID"), text_of("REFERENCE_NUMBER")) {
        (Some(d), _) => format!("unsc-{d}"),
        (None, Some(r)) => format!("unsc-{r}"),
        (None, None) => {
            return Record::Rejected(reject(display, c.line, "the record has no DATAID or REFERENCE_NUMBER", &raw));
        }
    };
    let mut e = Entity::new(id, if is_person { "Person" } else { "Organization" });
    let parts: Vec<&str> =
        ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"].iter().filter_map(|t| text_of(t)).collect();
    if !parts.is_empty() {
        e.add("name", &parts.join(" "));
        if is_person {
            for (prop, part) in ["firstName", "secondName", "middleName", "middleName"].iter().zip(&parts) {
                e.add(prop, part);
            }
        }
    }
    if let Some(original) = text_of("NAME_ORIGINAL_SCRIPT") {
        e.add("alias", original);
    }
    mark_listed(&mut e, PUBLISHER);
    if let Some(v) = text_of("UN_LIST_TYPE") {
        e.add("program", v);
    }
    if let Some(v) = text_of("REFERENCE_NUMBER") {
        e.add("programId", v);
    }
    if let Some(v) = text_of("LISTED_ON") {
        e.add("createdAt", without_zone(v));
    }
    if let Some(v) = text_of("COMMENTS1") {
        e.add("notes", v);
    }
    match text_of("GENDER") {
        Some(v) => add_declared(&mut e, "gender", None, v),
        // Older records say it only in the comments: `... Gender: male.`
        None => {
            if let Some(v) = text_of("COMMENTS1").and_then(gender_in_comments) {
                add_declared(&mut e, "gender", None, v);
            }
        }
    }
    for child in &c.children {
        match child.tag.as_str() {
            "TITLE" => child.values("VALUE").for_each(|v| add_declared(&mut e, "title", None, v)),
            "DESIGNATION" => child.values("VALUE").for_each(|v| add_declared(&mut e, "position", None, v)),
            "NATIONALITY" => {
                child.values("VALUE").for_each(|v| add_countries(&mut e, "nationality", Some("country"), v))
            }
            "LAST_DAY_UPDATED" => {
                if let Some(last) = child.values("VALUE").last() {
                    e.add("modifiedAt", without_zone(last));
                }
            }
            "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => alias(&mut e, child),
            "INDIVIDUAL_DATE_OF_BIRTH" => birth_date(&mut e, child),
            "INDIVIDUAL_PLACE_OF_BIRTH" => {
                let place = joined(child, &["CITY", "STATE_PROVINCE", "COUNTRY"]);
                if !place.is_empty() {
                    add_declared(&mut e, "birthPlace", None, &place);
                }
                if let Some(country) = child.field("COUNTRY") {
                    add_countries(&mut e, "birthCountry", None, country);
                }
            }
            "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => {
                let address = joined(child, &["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"]);
                if !address.is_empty() {
                    e.add("address", &address);
                }
                if let Some(country) = child.field("COUNTRY") {
                    add_countries(&mut e, "country", None, country);
                }
            }
            "INDIVIDUAL_DOCUMENT" => document(&mut e, child),
            _ => {}
        }
    }
    if e.get("name").is_empty() {
        // No name parts: fall back to the first strong alias, else reject.
        match e.get("alias").first().cloned() {
            Some(a) => e.add_clean("name", a),
            None => return Record::Rejected(reject(display, c.line, format!("<{}> has no name", c.tag), &raw)),
        }
    }
    Record::Entities { line: c.line, entities: vec![e] }
}

/// The gender a comment states as `Gender: male` (the UN's wording), if any.
fn gender_in_comments(comments: &str) -> Option<&'static str> {
    let at = comments.find("Gender")?;
    let rest = comments[at + "Gender".len()..].trim_start_matches([':', ' ']);
    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
    match word.as_str() {
        "male" => Some("male"),
        "female" => Some("female"),
        _ => None,
    }
}

/// `2015-07-01-04:00` (an XML Schema date with a time zone, in older lists) → `2015-07-01`.
fn without_zone(date: &str) -> &str {
    let b = date.as_bytes();
    let iso_day =
        b.len() > 10 && b[4] == b'-' && b[7] == b'-' && b[..10].iter().all(|c| c.is_ascii_digit() || *c == b'-');
    if iso_day && matches!(b[10], b'-' | b'+' | b'Z') {
        &date[..10]
    } else {
        date
    }
}

fn joined(child: &Child, tags: &[&str]) -> String {
    tags.iter().filter_map(|t| child.field(t)).collect::<Vec<_>>().join(", ")
}

fn alias(e: &mut Entity, child: &Child) {
    let Some(name) = child.field("ALIAS_NAME") else { return };
    let prop = match child.field("QUALITY").unwrap_or("").to_lowercase().as_str() {
        "low" => "weakAlias",
        "f.k.a." | "fka" => "previousName",
        _ => "alias", // Good, a.k.a., or not given
    };
    e.add(prop, name);
    // Some aliases carry the birth details they were listed with.
    if let Some(d) = child.field("DATE_OF_BIRTH") {
        if e.schema == "Person" {
            add_dates(e, "birthDate", without_zone(d));
        }
    }
    if let Some(city) = child.field("CITY_OF_BIRTH") {
        add_declared(e, "birthPlace", None, city);
    }
}

fn birth_date(e: &mut Entity, child: &Child) {
    let kind = child.field("TYPE_OF_DATE").unwrap_or("").to_uppercase();
    match (kind.as_str(), child.field("FROM_YEAR"), child.field("TO_YEAR")) {
        ("BETWEEN", Some(from), Some(to)) => add_dates(e, "birthDate", &format!("{from} to {to}")),
        _ => {
            for tag in ["DATE", "YEAR", "FROM_YEAR", "TO_YEAR"] {
                if let Some(v) = child.field(tag) {
                    add_dates(e, "birthDate", without_zone(v));
                }
            }
        }
    }
}

fn document(e: &mut Entity, child: &Child) {
    // Some documents give the number only in prose: `Afghan national identification card
    // (tazkira) number 123456`, `Ruritanian passport number L 234567 issued on 1 Mar. 1999`.
    let number = match child.field("NUMBER") {
        Some(n) => n.to_string(),
        None => {
            match [child.field("TYPE_OF_DOCUMENT2"), child.field("NOTE")].into_iter().flatten().find_map(number_in_text)
            {
                Some(n) => n,
                None => return,
            }
        }
    };
    let kind = [child.field("TYPE_OF_DOCUMENT"), child.field("TYPE_OF_DOCUMENT2")]
        .iter()
        .flatten()
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let prop = if ["passport", "passeport", "pasaporte"].iter().any(|p| kind.contains(p)) {
        "passportNumber"
    } else {
        "idNumber"
    };
    add_declared(e, prop, Some("idNumber"), &number);
}

/// The document number in a sentence: the first token with three digits or more after `number`,
/// `card`, `code` or `SSN`, or at the very start; a short letter prefix written apart (`L 234567`,
/// `DE- 345678`) is joined to it. Dates and years elsewhere in the sentence are not numbers.
fn number_in_text(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let start =
        ["number", "card", "code", "ssn"].iter().filter_map(|m| lower.find(m).map(|p| p + m.len())).min().unwrap_or(0);
    let tokens: Vec<&str> =
        text.get(start..)?.split_whitespace().map(|t| t.trim_matches([',', '.', ';', ':', '(', ')'])).collect();
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).count();
    let (i, token) = tokens.iter().enumerate().take(if start == 0 { 1 } else { 3 }).find(|(_, t)| digits(t) >= 3)?;
    let prefix = i
        .checked_sub(1)
        .map(|p| tokens[p].trim_end_matches('-'))
        .filter(|p| (1..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_uppercase()));
    Some(match prefix {
        Some(p) => format!("{p}{token}"),
        None => token.to_string(),
    })
}

#[cfg(test)]
mod tests {

    /// The line index against a plain count of newlines, on offsets of every spacing: regular
    /// runs (blank lines, CRLF, indentation), irregular text, and queries inside runs.
    #[test]
    fn the_line_index_counts_like_a_plain_scan() {
        let texts: Vec<Vec<u8>> = vec![
            b"\n\n\n\nab\ncd\n\n".to_vec(),
            b"\r\n".repeat(50),
            b"  <A>\n    <B/>\n  </A>\n".repeat(20),
            (0..500u32).map(|i| if i * 7919 % 13 < 3 { b'\n' } else { b'x' }).collect(),
        ];
        for text in texts {
            for step in [1usize, 2, 3, 7, 64] {
                let mut index = LineIndex::default();
                for (i, &b) in text.iter().enumerate() {
                    if b == b'\n' {
                        index.push(i as u64);
                    }
                }
                for offset in (0..=text.len()).step_by(step) {
                    let plain = 1 + text[..offset].iter().filter(|&&b| b == b'\n').count() as u64;
                    assert_eq!(index.line_at(offset as u64), plain, "offset {offset} step {step}");
                }
                // As the reader does it: newlines read a chunk ahead of the queries.
                let mut index = LineIndex::default();
                let mut pushed = 0;
                for offset in (0..=text.len()).step_by(step) {
                    while pushed < text.len().min(offset + 5) {
                        if text[pushed] == b'\n' {
                            index.push(pushed as u64);
                        }
                        pushed += 1;
                    }
                    let plain = 1 + text[..offset].iter().filter(|&&b| b == b'\n').count() as u64;
                    assert_eq!(index.line_at(offset as u64), plain, "interleaved: offset {offset} step {step}");
                }
            }
        }
    }
    use super::*;
    use std::io::Write;

    fn read(content: &str) -> Vec<Record> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        open(f.path(), "un.xml".into(), &ReaderOptions::default()).unwrap().records.collect()
    }

    // A fictional list in the UN's layout.
    const LIST: &str = "<?xml version='1.0' encoding='UTF-8'?>
<CONSOLIDATED_LIST dateGenerated='2025-01-01T00:00:00Z'>
    <INDIVIDUALS>
        <INDIVIDUAL>
            <DATAID>900001</DATAID>
            <FIRST_NAME>TOBIAS</FIRST_NAME>
            <SECOND_NAME>QUILLFEATHER</SECOND_NAME>
            <UN_LIST_TYPE>Ruritania</UN_LIST_TYPE>
            <REFERENCE_NUMBER>RUi.001</REFERENCE_NUMBER>
            <LISTED_ON>2010-02-03</LISTED_ON>
            <NAME_ORIGINAL_SCRIPT>Тобиас Квиллфезер</NAME_ORIGINAL_SCRIPT>
            <COMMENTS1>Leader of a fictional front &amp; treasurer.</COMMENTS1>
            <TITLE><VALUE>Mullah</VALUE></TITLE>
            <DESIGNATION><VALUE>Treasurer</VALUE></DESIGNATION>
            <NATIONALITY><VALUE>Afghanistan</VALUE></NATIONALITY>
            <LAST_DAY_UPDATED><VALUE>2011-01-01</VALUE><VALUE>2012-05-06</VALUE></LAST_DAY_UPDATED>
            <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Tobias Quill</ALIAS_NAME></INDIVIDUAL_ALIAS>
            <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>The Feather</ALIAS_NAME></INDIVIDUAL_ALIAS>
            <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
            <INDIVIDUAL_ADDRESS><CITY>Oakvale</CITY><COUNTRY>Pakistan</COUNTRY></INDIVIDUAL_ADDRESS>
            <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1961-05-03-05:00</DATE></INDIVIDUAL_DATE_OF_BIRTH>
            <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1963</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
            <INDIVIDUAL_DATE_OF_BIRTH>
                <TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1965</FROM_YEAR><TO_YEAR>1967</TO_YEAR>
            </INDIVIDUAL_DATE_OF_BIRTH>
            <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Oakvale</CITY><COUNTRY>Afghanistan</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
            <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>OA 123456</NUMBER></INDIVIDUAL_DOCUMENT>
            <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT><NUMBER>77-12</NUMBER></INDIVIDUAL_DOCUMENT>
            <GENDER>Male</GENDER>
        </INDIVIDUAL>
        <INDIVIDUAL><DATAID>900002</DATAID><UN_LIST_TYPE>Ruritania</UN_LIST_TYPE></INDIVIDUAL>
    </INDIVIDUALS>
    <ENTITIES>
        <ENTITY>
            <DATAID>900003</DATAID>
            <FIRST_NAME>NORTHWIND FRONT</FIRST_NAME>
            <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Southwind Front</ALIAS_NAME></ENTITY_ALIAS>
            <ENTITY_ADDRESS><STREET>1 Road</STREET><COUNTRY>Pakistan</COUNTRY></ENTITY_ADDRESS>
        </ENTITY>
    </ENTITIES>
</CONSOLIDATED_LIST>
";

    #[test]
    fn individuals_and_entities() {
        let records = read(LIST);
        assert_eq!(records.len(), 3);
        let Record::Entities { line, entities } = &records[0] else { panic!("{:?}", records[0]) };
        assert_eq!(*line, 4);
        let p = &entities[0];
        assert_eq!((p.id.as_str(), p.schema.as_str()), ("unsc-900001", "Person"));
        assert_eq!(p.get("name"), ["TOBIAS QUILLFEATHER"]);
        assert_eq!(p.get("alias"), ["Тобиас Квиллфезер", "Tobias Quill"]);
        assert_eq!(p.get("weakAlias"), ["The Feather"]);
        assert_eq!(p.get("birthDate"), ["1961-05-03", "1963", "1965", "1966", "1967"]);
        assert_eq!(p.get("birthPlace"), ["Oakvale, Afghanistan"]);
        assert_eq!(p.get("birthCountry"), ["af"]);
        assert_eq!(p.get("nationality"), ["af"]);
        assert_eq!(p.get("passportNumber"), ["OA 123456"]);
        assert_eq!(p.get("idNumber"), ["77-12"]);
        assert_eq!(p.get("gender"), ["male"]);
        assert_eq!(p.get("program"), ["Ruritania"]);
        assert_eq!(p.get("programId"), ["RUi.001"]);
        assert_eq!(p.get("createdAt"), ["2010-02-03"]);
        assert_eq!(p.get("modifiedAt"), ["2012-05-06"]);
        assert_eq!(p.get("notes"), ["Leader of a fictional front & treasurer."]);
        assert_eq!(p.get("title"), ["Mullah"]);
        assert_eq!(p.get("address"), ["Oakvale, Pakistan"]);
        let Record::Rejected(r) = &records[1] else { panic!() };
        assert_eq!((r.line, r.reason.as_str()), (31, "<INDIVIDUAL> has no name"));
        let Record::Entities { line, entities } = &records[2] else { panic!() };
        assert_eq!(*line, 34);
        assert_eq!(entities[0].schema, "Organization");
        assert_eq!(entities[0].get("previousName"), ["Southwind Front"]);
        assert_eq!(entities[0].get("country"), ["pk"]);
    }

    #[test]
    fn malformed_and_truncated_records_are_rejected() {
        let records = read(
            "<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</SECOND_NAME></INDIVIDUAL>\n<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>B</FIRST_NAME>",
        );
        assert!(!records.is_empty());
        let Record::Rejected(r) = &records[0] else { panic!("{:?}", records[0]) };
        assert_eq!(r.line, 2);
        assert!(r.reason.starts_with("malformed XML at line 2"), "{}", r.reason);
        let last = records.last().unwrap();
        let Record::Rejected(r) = last else { panic!("{last:?}") };
        assert!(r.reason.contains("truncated") || r.reason.contains("malformed"), "{}", r.reason);
    }

    #[test]
    fn a_damaged_record_tag_is_a_reject_with_its_line() {
        let records = read(
            "<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL_><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL_>\n\
             <INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>B</FIRST_NAME></INDIVIDUAL>\n\
             <INDIVIDUAL_X><DATAID>3</DATAID><FIRST_NAME>C</FIRST_NAME></INDIVIDUAL>\n</INDIVIDUALS>\n\
             <ENTITIES><ENTITY_><DATAID>4</DATAID><FIRST_NAME>D</FIRST_NAME></ENTITY_></ENTITIES></CONSOLIDATED_LIST>\n",
        );
        assert_eq!(
            super::super::outcomes(&records),
            [
                "2 unknown element <INDIVIDUAL_> where <INDIVIDUAL> was expected",
                "ok",
                "4 unknown element <INDIVIDUAL_X> where <INDIVIDUAL> was expected",
                "6 unknown element <ENTITY_> where <ENTITY> was expected",
            ]
        );
    }

    /// Every damaged shape: each record read is stored or rejected, with its true line, and the
    /// records after the damage still load. `ok` rows are the records that must survive.
    #[test]
    fn damaged_shapes_table() {
        let good = |i: u32| format!("<INDIVIDUAL><DATAID>{i}</DATAID><FIRST_NAME>Name{i}</FIRST_NAME></INDIVIDUAL>");
        let ent = |i: u32| format!("<ENTITY><DATAID>{i}</DATAID><FIRST_NAME>Front{i}</FIRST_NAME></ENTITY>");
        let head = "<CONSOLIDATED_LIST><INDIVIDUALS>";
        let table: Vec<(String, Vec<&str>)> = vec![
            (
                // a record tag opened inside another record
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>\n{}\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(2), good(3)),
                vec!["2 malformed XML: <INDIVIDUAL> is not closed when <INDIVIDUAL> comes at line 3", "ok", "ok"],
            ),
            (
                // an entity opened inside an individual, nested deeper
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID><TITLE>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", ent(2)),
                vec!["2 malformed XML: <INDIVIDUAL> is not closed when <ENTITY> comes at line 3", "ok"],
            ),
            (
                // the list closes while a record is open; the entities after it still load
                format!("{head}\n{}\n<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>B</FIRST_NAME>\n</INDIVIDUALS>\n<ENTITIES>\n{}\n</ENTITIES></CONSOLIDATED_LIST>\n", good(1), ent(3)),
                vec!["ok", "3 malformed XML: <INDIVIDUAL> is not closed when </INDIVIDUALS> comes at line 4", "ok"],
            ),
            (
                // the next list opens while a record is open
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>\n<ENTITIES>\n{}\n</ENTITIES></CONSOLIDATED_LIST>\n", ent(2)),
                vec!["2 malformed XML: <INDIVIDUAL> is not closed when <ENTITIES> comes at line 3", "ok"],
            ),
            (
                // the whole list closes while a record is open
                format!("{head}\n{}\n<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>B</FIRST_NAME>\n</CONSOLIDATED_LIST>\n", good(1)),
                vec!["ok", "3 malformed XML: <INDIVIDUAL> is not closed when </CONSOLIDATED_LIST> comes at line 4"],
            ),
            (
                // an entity reference XML does not define, on the record's third line
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID>\n<FIRST_NAME>A\nB &bogus; C</FIRST_NAME></INDIVIDUAL>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(2)),
                vec![
                    "2 malformed XML at line 4: unknown entity `&bogus;` (XML defines &amp; &lt; &gt; &quot; &apos; and numeric references only) in the text of <FIRST_NAME>",
                    "ok",
                ],
            ),
            (
                // a bare ampersand
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A & B</FIRST_NAME></INDIVIDUAL>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(2)),
                vec!["2 malformed XML at line 2: `&` without its `;` (a bare & is written &amp;) in the text of <FIRST_NAME>", "ok"],
            ),
            (
                // references XML does define are read
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A &amp; B &#233;</FIRST_NAME></INDIVIDUAL>\n</INDIVIDUALS></CONSOLIDATED_LIST>\n"),
                vec!["ok"],
            ),
            (
                // an empty damaged record tag, and an empty record tag
                format!("{head}\n<INDIVIDUAL_/>\n{}\n<INDIVIDUAL/>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(1), good(2)),
                vec![
                    "2 unknown element <INDIVIDUAL_/> where <INDIVIDUAL> was expected",
                    "ok",
                    "4 empty <INDIVIDUAL/> element: no name",
                    "ok",
                ],
            ),
            (
                // an empty record tag inside an open record: both rejected
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>\n<INDIVIDUAL/>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(2)),
                vec![
                    "2 malformed XML: <INDIVIDUAL> is not closed when <INDIVIDUAL/> comes at line 3",
                    "3 empty <INDIVIDUAL/> element: no name",
                    "ok",
                ],
            ),
            (
                // a damaged start tag closed by its own end tag, then by the expected one
                format!("{head}\n<INDIVIDUAL_><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL_>\n<INDIVIDUAL_X><DATAID>2</DATAID></INDIVIDUAL>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(3)),
                vec![
                    "2 unknown element <INDIVIDUAL_> where <INDIVIDUAL> was expected",
                    "3 unknown element <INDIVIDUAL_X> where <INDIVIDUAL> was expected",
                    "ok",
                ],
            ),
            (
                // a damaged start tag that never closes: the next record tag ends it
                format!("{head}\n<INDIVIDUAL_><DATAID>1</DATAID>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(2)),
                vec!["2 unknown element <INDIVIDUAL_> where <INDIVIDUAL> was expected", "ok"],
            ),
            (
                // a record's start tag swallowed by junk: its fields make one reject
                format!("{head}\n</\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(2)),
                vec!["3 <DATAID> directly in the list: a record's fields without its <INDIVIDUAL> start tag", "ok"],
            ),
            (
                // a damaged record tag met inside a record left open, with content and empty
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>\n<INDIVIDUAL_X><DATAID>2</DATAID><FIRST_NAME>B</FIRST_NAME></INDIVIDUAL_X>\n<INDIVIDUAL><DATAID>3</DATAID>\n<INDIVIDUAL_/>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(4)),
                vec![
                    "2 malformed XML: <INDIVIDUAL> is not closed when <INDIVIDUAL_X> comes at line 3",
                    "3 unknown element <INDIVIDUAL_X> where <INDIVIDUAL> was expected",
                    "4 malformed XML: <INDIVIDUAL> is not closed when <INDIVIDUAL_/> comes at line 5",
                    "5 unknown element <INDIVIDUAL_/> where <INDIVIDUAL> was expected",
                    "ok",
                ],
            ),
            (
                // a mismatched end tag inside a record
                format!("{head}\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</SECOND_NAME></INDIVIDUAL>\n{}\n</INDIVIDUALS></CONSOLIDATED_LIST>\n", good(2)),
                vec!["2 malformed XML at line 2: end tag </SECOND_NAME> where </FIRST_NAME> was expected", "ok"],
            ),
            (
                // the file ends inside a record
                format!("{head}\n{}\n<INDIVIDUAL><DATAID>2</DATAID>\n<FIRST_NAME>B</FIRST_NAME>", good(1)),
                vec!["ok", "3 truncated: the file ends inside <INDIVIDUAL>"],
            ),
        ];
        for (i, (xml, want)) in table.iter().enumerate() {
            let records = read(xml);
            let got = super::super::outcomes(&records);
            assert_eq!(&got, want, "shape {i}:\n{xml}");
            // Every record in the file is stored or rejected: the tags that open one, counted.
            let opened = xml.matches("<INDIVIDUAL>").count()
                + xml.matches("<ENTITY>").count()
                + xml.matches("<INDIVIDUAL/>").count()
                + xml.matches("<INDIVIDUAL_").count();
            assert_eq!(records.len(), opened, "shape {i}: read = stored + rejected");
        }
    }

    /// A stray byte in one record's value rejects that record, with its line; the others load.
    #[test]
    fn a_value_that_is_not_utf8_rejects_its_record() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(
            b"<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A\xffB</FIRST_NAME></INDIVIDUAL>\n\
              <INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>C</FIRST_NAME></INDIVIDUAL>\n",
        )
        .unwrap();
        // The rest of the file is UTF-8 beyond doubt (Cyrillic names), so the file is read as UTF-8.
        for i in 3..20 {
            writeln!(f, "<INDIVIDUAL><DATAID>{i}</DATAID><FIRST_NAME>Иванов Пётр</FIRST_NAME></INDIVIDUAL>").unwrap();
        }
        f.write_all(b"</INDIVIDUALS></CONSOLIDATED_LIST>\n").unwrap();
        let records: Vec<Record> =
            open(f.path(), "un.xml".into(), &ReaderOptions::default()).unwrap().records.collect();
        assert_eq!(
            super::super::outcomes(&records),
            [&["2 not UTF-8: invalid byte in the text of <FIRST_NAME> (give the file's encoding with --encoding)"][..], &["ok"; 18]]
                .concat()
        );
    }

    #[test]
    fn gender_from_comments() {
        assert_eq!(gender_in_comments("Official of a bank. Gender: male."), Some("male"));
        assert_eq!(gender_in_comments("Gender:female"), Some("female"));
        assert_eq!(gender_in_comments("Gender: unknown"), None);
        assert_eq!(gender_in_comments("Leader of a front"), None);
    }

    #[test]
    fn numbers_in_document_prose() {
        let table = [
            ("Afghan national identification card (tazkira) number 123456", Some("123456")),
            ("Ruritanian passport number L 234567 issued on 1 Mar. 1999", Some("L234567")),
            ("Ruritanian national identity card DE- 345678", Some("DE345678")),
            ("09876543 issued on 2 Jan. 2001", Some("09876543")),
            ("Italian Fiscal Code: RSSMRA80A01H501U", Some("RSSMRA80A01H501U")),
            ("SSN 123-45-6789 (United States of America)", Some("123-45-6789")),
            ("issued in 1993, under name X", None),
            ("Birth certificate", None),
        ];
        for (text, want) in table {
            assert_eq!(number_in_text(text).as_deref(), want, "{text}");
        }
    }

    fn xml_escape(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
    }

    proptest::proptest! {
        /// A fictional person written in the UN's layout reads back field for field.
        #[test]
        fn written_records_read_back(p in crate::formats::lists::testgen::listed(), dataid in 1u64..10_000_000) {
            let xml = format!(
                "<?xml version='1.0' encoding='UTF-8'?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n\
                 <DATAID>{dataid}</DATAID><FIRST_NAME>{}</FIRST_NAME><SECOND_NAME>{}</SECOND_NAME>\n\
                 <COMMENTS1>{}</COMMENTS1><NATIONALITY><VALUE>{}</VALUE></NATIONALITY>\n\
                 <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>{}</ALIAS_NAME></INDIVIDUAL_ALIAS>\n\
                 <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>{}</ALIAS_NAME></INDIVIDUAL_ALIAS>\n\
                 <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>{}</DATE></INDIVIDUAL_DATE_OF_BIRTH>\n\
                 <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>{}</NUMBER></INDIVIDUAL_DOCUMENT>\n\
                 </INDIVIDUAL>\n</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n",
                p.given, p.last, xml_escape(&p.reason), p.country.0, p.alias, p.weak_alias, p.iso_date(), p.passport
            );
            let records = read(&xml);
            proptest::prop_assert_eq!(records.len(), 1);
            let Record::Entities { line, entities } = &records[0] else { panic!("{:?}", records[0]) };
            let e = &entities[0];
            proptest::prop_assert_eq!(*line, 4);
            proptest::prop_assert_eq!(&e.id, &format!("unsc-{dataid}"));
            proptest::prop_assert_eq!(e.get("name"), [format!("{} {}", p.given, p.last)]);
            proptest::prop_assert_eq!(e.get("alias"), [p.alias.clone()]);
            proptest::prop_assert_eq!(e.get("weakAlias"), [p.weak_alias.clone()]);
            proptest::prop_assert_eq!(e.get("birthDate"), [p.iso_date()]);
            proptest::prop_assert_eq!(e.get("passportNumber"), [p.passport.clone()]);
            proptest::prop_assert_eq!(e.get("nationality"), [p.country.1]);
            proptest::prop_assert_eq!(e.get("notes"), [p.reason.split_whitespace().collect::<Vec<_>>().join(" ")]);
        }

        #[test]
        fn document_prose_never_panics(text in "\\PC{0,80}") {
            let _ = number_in_text(&text);
        }

        #[test]
        fn mangled_xml_never_panics(cut in 0usize..2400, junk in "\\PC{0,20}", at in 0usize..2400) {
            let mut text: String = LIST.chars().take(cut).collect();
            let at = text.char_indices().map(|(i, _)| i).nth(at).unwrap_or(text.len());
            text.insert_str(at, &junk);
            let records = read(&text);
            // At most one record per record tag in the input, plus one per parse error.
            proptest::prop_assert!(records.len() <= text.matches("<INDIVIDUAL").count() + text.matches("<ENTITY").count() + 8);
        }

        #[test]
        fn every_record_is_accounted(n in 0usize..30, broken in proptest::collection::vec(0u8..4, 30)) {
            let mut text = String::from("<CONSOLIDATED_LIST><INDIVIDUALS>\n");
            for (i, how) in broken.iter().enumerate().take(n) {
                if *how == 1 {
                    // no name
                    text.push_str(&format!("<INDIVIDUAL><DATAID>{i}</DATAID></INDIVIDUAL>\n"));
                } else if *how == 2 {
                    // mismatched end tag
                    text.push_str(&format!("<INDIVIDUAL><DATAID>{i}</DATAID><FIRST_NAME>N{i}</SECOND_NAME></INDIVIDUAL>\n"));
                } else if *how == 3 {
                    // unclosed element
                    text.push_str(&format!("<INDIVIDUAL><DATAID>{i}</DATAID><FIRST_NAME>N{i}</INDIVIDUAL>\n"));
                } else {
                    text.push_str(&format!("<INDIVIDUAL><DATAID>{i}</DATAID><FIRST_NAME>N{i}</FIRST_NAME></INDIVIDUAL>\n"));
                }
            }
            text.push_str("</INDIVIDUALS></CONSOLIDATED_LIST>\n");
            let records = read(&text);
            proptest::prop_assert_eq!(records.len(), n);
            let rejected = records.iter().filter(|r| matches!(r, Record::Rejected(_))).count();
            proptest::prop_assert_eq!(rejected, broken[..n].iter().filter(|b| **b != 0).count());
            for (i, r) in records.iter().enumerate() {
                let line = match r { Record::Entities { line, .. } => *line, Record::Rejected(r) => r.line };
                proptest::prop_assert_eq!(line, i as u64 + 2);
            }
        }
    }
}
