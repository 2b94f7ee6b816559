//! Property tests of the loaders under damaged input (issue 15). Each file is generated from
//! records whose lines are known, some of them damaged in the ways the reliability probe found
//! (stray bytes in UTF-8, unterminated quotes, CR-only line endings, damaged UN tags), and each
//! property checks the invariant a load's summary rests on: every record read is stored or
//! rejected (read = stored + rejected), a record is rejected exactly when it was damaged, and each
//! outcome carries its record's true line. Cases are few and files small so `cargo test` stays fast.

use crosscheck_ingest::{open, Format, Mapping, ReaderOptions, Record};
use proptest::prelude::*;
use std::io::Write;

/// Fictional names in Cyrillic: with them, a file holding a few stray bytes is UTF-8 beyond doubt.
const NAMES: [&str; 6] =
    ["Иванов Пётр", "Смирнова Анна", "Кузнецов Олег", "Попова Мария", "Соколов Игорь", "Лебедева Ольга"];

/// A file's line ending: LF, CR LF or CR alone.
fn ending() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]
}

/// Each record as (line, rejected), in file order.
fn outcomes(bytes: &[u8], format: Format, options: &ReaderOptions) -> Vec<(u64, bool)> {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    let opened = open(f.path(), Some(format), options).unwrap();
    opened
        .records
        .map(|r| match r {
            Record::Entities { line, entities } => {
                assert!(!entities.is_empty());
                (line, false)
            }
            Record::Rejected(r) => {
                assert!(!r.reason.is_empty());
                (r.line, true)
            }
        })
        .collect()
}

/// Builds a file line by line, noting where each record starts and whether it is damaged.
struct File {
    bytes: Vec<u8>,
    line: u64,
    end: &'static str,
    want: Vec<(u64, bool)>,
}

impl File {
    fn new(end: &'static str) -> File {
        File { bytes: Vec::new(), line: 1, end, want: Vec::new() }
    }

    /// Appends `text` (which may hold `{end}` for a line break inside the record) as lines.
    fn push(&mut self, text: &[u8]) {
        for (i, part) in text.split(|&b| b == b'\x01').enumerate() {
            if i > 0 {
                self.bytes.extend_from_slice(self.end.as_bytes());
                self.line += 1;
            }
            self.bytes.extend_from_slice(part);
        }
        self.bytes.extend_from_slice(self.end.as_bytes());
        self.line += 1;
    }

    /// A record starting on the next line; `\x01` in `text` breaks a line inside it.
    fn record(&mut self, text: &[u8], damaged: bool) {
        self.want.push((self.line, damaged));
        self.push(text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// FtM lines: a stray byte or a cut line rejects that line alone; blank lines are not records.
    /// A file with CR line ends (no LF at all) is read line by line too.
    #[test]
    fn ftm_lines_are_each_stored_or_rejected_at_their_line(
        kinds in proptest::collection::vec(0u8..4, 1..30),
        end in ending(),
    ) {
        let mut file = File::new(end);
        for (i, kind) in kinds.iter().enumerate() {
            let name = NAMES[i % NAMES.len()];
            let line = format!("{{\"id\": \"p{i}\", \"schema\": \"Person\", \"properties\": {{\"name\": [\"{name}\"]}}}}");
            match kind {
                1 => {
                    let mut bytes = line.into_bytes();
                    let at = bytes.windows(2).position(|w| w == b"\"]").unwrap();
                    bytes.insert(at, 0xFF);
                    file.record(&bytes, true);
                }
                2 => {
                    file.push(b"");
                    file.record(line.as_bytes(), false);
                }
                3 => file.record(&line.as_bytes()[..line.len() - 5], true),
                _ => file.record(line.as_bytes(), false),
            }
        }
        prop_assert_eq!(outcomes(&file.bytes, Format::Ftm, &ReaderOptions::default()), file.want);
    }

    /// CSV with a mapping: a stray byte, a quote never closed or a short row rejects that row
    /// alone, at its first line; quoted fields across lines and `""` escapes load.
    #[test]
    fn csv_rows_are_each_stored_or_rejected_at_their_line(
        kinds in proptest::collection::vec(0u8..6, 1..30),
        end in ending(),
    ) {
        let mut file = File::new(end);
        file.push(b"id,name,city");
        for (i, kind) in kinds.iter().enumerate() {
            let name = NAMES[i % NAMES.len()];
            match kind {
                1 => file.record(format!("{i},\"{name}, \"\"Младший\"\"\",Москва").as_bytes(), false),
                2 => file.record(format!("{i},\"{name}\x01вторая строка\",Тверь").as_bytes(), false),
                3 => file.record(&[format!("{i},{name}").as_bytes(), b"\xFF,", "Псков".as_bytes()].concat(), true),
                4 => file.record(format!("{i},\"{name},Казань").as_bytes(), true),
                5 => file.record(format!("{i},{name}").as_bytes(), true),
                _ => file.record(format!("{i},{name},Самара").as_bytes(), false),
            }
        }
        let mapping = Mapping::parse("schema: Person\nid: id\nproperties:\n  name: name\n  address: city\n").unwrap();
        let options = ReaderOptions { mapping: Some(mapping), dataset: "props".into(), ..Default::default() };
        prop_assert_eq!(outcomes(&file.bytes, Format::Csv, &options), file.want);
    }

    /// OFAC SDN rows (headerless, a quoted name on every row): an unterminated quote, a stray
    /// byte or a short row rejects that row alone, whatever the line endings.
    #[test]
    fn ofac_rows_are_each_stored_or_rejected_at_their_line(
        kinds in proptest::collection::vec(0u8..4, 1..30),
        end in ending(),
    ) {
        let mut file = File::new(end);
        let rest = ",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1961; nationality Russia.\"";
        for (i, kind) in kinds.iter().enumerate() {
            let name = NAMES[i % NAMES.len()].to_uppercase();
            let n = 100 + i;
            match kind {
                1 => file.record(format!("{n},\"{name}{rest}").as_bytes(), true),
                2 => file.record(&[format!("{n},\"{name}").as_bytes(), b"\xFF\"", rest.as_bytes()].concat(), true),
                3 => file.record(format!("{n},\"{name}\",-0- ").as_bytes(), true),
                _ => file.record(format!("{n},\"{name}\"{rest}").as_bytes(), false),
            }
        }
        file.bytes.push(0x1A); // OFAC's DOS end-of-file byte: not a record
        prop_assert_eq!(outcomes(&file.bytes, Format::OfacSdn, &ReaderOptions::default()), file.want);
    }

    /// UN XML: damaged record tags (`<INDIVIDUAL_>`, `<INDIVIDUAL_/>`), records never closed,
    /// unknown entity references, stray bytes and mismatched end tags each reject their record
    /// alone, at the line where it starts; the records after them load.
    #[test]
    fn un_records_are_each_stored_or_rejected_at_their_line(
        kinds in proptest::collection::vec(0u8..9, 1..30),
        end in ending(),
    ) {
        let mut file = File::new(end);
        file.push(b"<?xml version='1.0' encoding='UTF-8'?>");
        file.push(b"<CONSOLIDATED_LIST dateGenerated='2025-01-01T00:00:00Z'>\x01<INDIVIDUALS>");
        for (i, kind) in kinds.iter().enumerate() {
            let name = NAMES[i % NAMES.len()];
            let id = format!("<DATAID>{}</DATAID>", 900_000 + i);
            let record = |first: &str, last: &str| format!("<INDIVIDUAL>{id}<FIRST_NAME>{first}</FIRST_NAME>{last}");
            match kind {
                1 => file.record(format!("<INDIVIDUAL_>{id}<FIRST_NAME>{name}</FIRST_NAME></INDIVIDUAL_>").as_bytes(), true),
                2 => file.record(b"<INDIVIDUAL_/>", true),
                3 => file.record(record(name, "").as_bytes(), true),
                4 => file.record(record(&format!("{name} &bogus;"), "</INDIVIDUAL>").as_bytes(), true),
                5 => file.record(&[record(name, "").as_bytes(), b"\xFF</INDIVIDUAL>"].concat(), true),
                6 => file.record(format!("<INDIVIDUAL>{id}<FIRST_NAME>{name}</SECOND_NAME></INDIVIDUAL>").as_bytes(), true),
                7 => file.record(format!("<INDIVIDUAL_X>{id}\x01<FIRST_NAME>{name}</FIRST_NAME>").as_bytes(), true),
                8 => file.record(format!("<INDIVIDUAL>\x01  {id}\x01  <FIRST_NAME>{name} &amp; Co</FIRST_NAME>\x01</INDIVIDUAL>").as_bytes(), false),
                _ => file.record(record(name, "</INDIVIDUAL>").as_bytes(), false),
            }
        }
        file.push(b"</INDIVIDUALS>\x01<ENTITIES>");
        file.record("<ENTITY><DATAID>1</DATAID><FIRST_NAME>Северный фронт</FIRST_NAME></ENTITY>".as_bytes(), false);
        file.push(b"</ENTITIES>\x01</CONSOLIDATED_LIST>");
        prop_assert_eq!(outcomes(&file.bytes, Format::UnXml, &ReaderOptions::default()), file.want);
    }
}
