//! One target per parser of outside input, each calling the entry point the CLI and the engine
//! call: the readers through [`crosscheck_ingest::open`] (a file on disk, as `load` reads it),
//! mappings through [`Mapping::parse`], case files through [`parse_case`], identifiers through
//! [`crosscheck_ids::check`] and the extractor. A target panics when the parser does, or when
//! an invariant beyond "no panic" fails.

use crosscheck_ids::extract::{extract, extract_typed};
use crosscheck_ids::{check, Date, IdType};
use crosscheck_ingest::{open, Format, Mapping, ReaderOptions, Record};
use crosscheck_model::PartialDate;
use std::path::{Path, PathBuf};

/// A parser to fuzz.
pub struct Target {
    /// The name on the command line, and the folder of its seeds under `corpus/`.
    pub name: &'static str,
    /// What it feeds, for `--list`.
    pub about: &'static str,
    /// Tokens of the format that its seeds may not hold.
    pub tokens: &'static [&'static str],
    pub run: fn(&mut Scratch, &[u8]) -> Depth,
}

/// How far an input got: a fuzzer whose inputs are all refused at the door tests little.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// Refused whole (not text, a file-level error).
    Refused,
    /// Read, but every record or value was rejected.
    Rejected,
    /// At least one record, entity or value came out.
    Parsed,
}

/// Per-thread scratch space: the file a reader target writes its input to.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// In memory (`/dev/shm`) where there is one: a reader target writes a file per execution.
    pub fn new() -> std::io::Result<Scratch> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("crosscheck-fuzz-");
        let shm = Path::new("/dev/shm");
        let dir =
            if shm.is_dir() { builder.tempdir_in(shm).or_else(|_| builder.tempdir())? } else { builder.tempdir()? };
        Ok(Scratch { dir })
    }

    /// The scratch folder (the watchdog removes it before it stops a hanging run).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, file_name: &str, data: &[u8]) -> PathBuf {
        let path = self.dir.path().join(file_name);
        std::fs::write(&path, data).expect("the fuzzer's scratch folder is writable");
        path
    }
}

const XML_TOKENS: &[&str] = &[
    "<CONSOLIDATED_LIST>",
    "</CONSOLIDATED_LIST>",
    "<INDIVIDUALS>",
    "<INDIVIDUAL>",
    "</INDIVIDUAL>",
    "<INDIVIDUAL_>",
    "<ENTITY>",
    "</ENTITY>",
    "<INDIVIDUAL_ALIAS>",
    "<QUALITY>",
    "<ALIAS_NAME>",
    "<INDIVIDUAL_DATE_OF_BIRTH>",
    "<TYPE_OF_DATE>",
    "<DATE>",
    "<YEAR>",
    "<FROM_YEAR>",
    "<TO_YEAR>",
    "<INDIVIDUAL_DOCUMENT>",
    "<TYPE_OF_DOCUMENT>",
    "<NUMBER>",
    "<NATIONALITY>",
    "<VALUE>",
    "<INDIVIDUAL_PLACE_OF_BIRTH>",
    "<CITY>",
    "<COUNTRY>",
    "xmlns:x=\"u\"",
    "x:",
    "=\"",
    "<a b='c' b='d'>",
];

const CSV_TOKENS: &[&str] = &["\",\"", "\"\"\"", ",,,,,,", "\"\r\n\"", "=cmd|' /C calc'!A0", "\u{feff}"];

const YAML_TOKENS: &[&str] = &[
    "case: ",
    "as_of: ",
    "subject:",
    "people:",
    "documents:",
    "sources:",
    "claims:",
    "evidence:",
    "  - ",
    "key: ",
    "name: ",
    "birthDate: ",
    "type: mrz",
    "holder: ",
    "value: ",
    "group: ",
    "confirms: [",
    "note: ",
    "note:\"x\"",
    "&anchor [a, b]",
    "*anchor",
    "file: ",
    "mapping: ",
    "format: ",
    "schema: Person",
    "properties:",
    "column: ",
    "id: [",
    "delimiter: ",
    "{column: a, format: \"%d.%m.%Y\"}",
    "\"\\x00\"",
    "\"\\uD800\"",
    "!!str",
    "---\n",
];

const ID_TOKENS: &[&str] = &[
    "P<",
    "I<",
    "V<",
    "ID",
    "<<",
    "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
    "RUS",
    "UTO",
    "D<<",
    "7408122",
    "F1204159",
    "M3009129",
    "ИНН",
    "СНИЛС",
    "ОГРН",
    "КПП",
    "БИК",
    "IMO",
    "LEI",
    "IBAN",
    "GB82WEST12345698765432",
    "+7",
    "+44",
    "(916)",
    "ext. 12",
    "7707083893",
    "112-233-445 95",
    "1027700132195",
    "044525225",
    "45 06 123456",
    "5493001KJTIIGC8Y1R12",
    "IMO 9074729",
    "０１２３",
    "٠١٢",
];

/// The mapping a CSV input gets when it brings no mapping of its own, or one that does not parse.
const FALLBACK_MAPPING: &str = "schema: Person\nid: [passport]\nproperties:\n  name: name\n  \
     birthDate: {column: dob, format: \"%d.%m.%Y\"}\n  passportNumber: passport\n  phone: phone\n";

/// Where a CSV input's mapping ends and its table starts (see the `csv` seeds).
const CSV_SPLIT: &[u8] = b"\n#--- table\n";

pub const TARGETS: &[Target] = &[
    Target { name: "ftm", about: "FtM JSON lines (load --format ftm)", tokens: FTM_TOKENS, run: ftm },
    Target {
        name: "csv",
        about: "CSV with a column mapping (load --format csv --mapping); the input is the mapping, a \
                `#--- table` line, then the table",
        tokens: CSV_AND_YAML_TOKENS,
        run: csv,
    },
    Target { name: "mapping", about: "CSV column mappings (YAML written by hand)", tokens: YAML_TOKENS, run: mapping },
    Target {
        name: "ofac",
        about: "OFAC's legacy CSV files: sdn.csv, alt.csv, add.csv (load --format ofac-sdn)",
        tokens: CSV_TOKENS,
        run: ofac,
    },
    Target { name: "un-xml", about: "the UN Security Council consolidated list, XML", tokens: XML_TOKENS, run: un_xml },
    Target { name: "eu-journal", about: "EU Official Journal annex tables, CSV", tokens: CSV_TOKENS, run: eu_journal },
    Target {
        name: "opensanctions-simple",
        about: "OpenSanctions' simple CSV export",
        tokens: CSV_TOKENS,
        run: os_simple,
    },
    Target {
        name: "detect",
        about: "format detection then the detected reader (load without --format)",
        tokens: DETECT_TOKENS,
        run: detect,
    },
    Target { name: "case", about: "case files (verify), YAML", tokens: YAML_TOKENS, run: case },
    Target { name: "mrz", about: "machine-readable zones (check-id --type mrz)", tokens: ID_TOKENS, run: mrz },
    Target {
        name: "identifiers",
        about: "every other check-id type, `auto`, and identifiers found in free text",
        tokens: ID_TOKENS,
        run: identifiers,
    },
    Target {
        name: "places",
        about: "written places (birth places in cases and records), read and compared",
        tokens: PLACE_TOKENS,
        run: places,
    },
    Target {
        name: "dates",
        about: "dates: ISO, the loose forms of lists, and a mapping's strftime format (first line)",
        tokens: DATE_TOKENS,
        run: dates,
    },
    Target {
        name: "judgements",
        about: "judgements files (xref --judgements), JSON lines",
        tokens: JUDGEMENT_TOKENS,
        run: judgements,
    },
    Target {
        name: "bundle",
        about: "partner bundles (share open): age, tar, the manifest and its minisign signature",
        tokens: BUNDLE_TOKENS,
        run: bundle,
    },
];

const JUDGEMENT_TOKENS: &[&str] = &[
    "{\"left\":{\"dataset\":\"a\",\"id\":\"1\"},",
    "\"right\":{\"dataset\":\"a\",\"id\":\"2\"},",
    "\"judgement\":\"same\"}",
    "\"judgement\":\"different\"",
    "\"reason\":",
    "\n",
    "\\u0000",
    "null",
];

/// A judgements file: read whole, or refused at its first bad line with that line's number.
fn judgements(_: &mut Scratch, data: &[u8]) -> Depth {
    // the command refuses a file that is not UTF-8 before reading its lines
    let Ok(text) = std::str::from_utf8(data) else { return Depth::Refused };
    match crosscheck_engine::xref::read_judgements(text) {
        Ok(read) if read.is_empty() => Depth::Rejected,
        Ok(_) => Depth::Parsed,
        Err(e) => {
            let lines = text.lines().count() as u64;
            assert!(e.line >= 1 && e.line <= lines.max(1), "line {} of {lines}", e.line);
            assert!(!e.reason.trim().is_empty(), "a judgements error without a reason");
            Depth::Rejected
        }
    }
}

const BUNDLE_TOKENS: &[&str] = &[
    "MANIFEST.json",
    "MANIFEST.json.minisig",
    "evidence/",
    "../",
    "/etc/passwd",
    "ustar\x0000",
    "ustar  \x00",
    "\"sha256\": \"",
    "\"size\": ",
    "\"path\": \"",
    "untrusted comment: ",
    "trusted comment: ",
    "age-encryption.org/v1\n",
    "-> X25519 ",
];

/// The fuzz seeds' signer (`corpus/bundle/` was made with its secret key, which is not kept).
const BUNDLE_TRUST: &str = "RWRvscGWYEHlYpiQPWpIgblKGh0KTr0k0UHDGtMfsoEHy8AI16rr2Qsk";
/// The invented identity `corpus/bundle/encrypted.age` is encrypted to (fuzzing only).
const BUNDLE_IDENTITY: &str = "AGE-SECRET-KEY-1V76JEHGHDUMU2X9JP5ERTH7RS5RETE2Y2D658UEW8QF63RJ9YHLSHZZ4KE";

fn bundle(_: &mut Scratch, data: &[u8]) -> Depth {
    let trust = crosscheck_share::parse_public_key(BUNDLE_TRUST, "fuzz").expect("the fuzz key");
    let identities = crosscheck_share::parse_identities(BUNDLE_IDENTITY, "fuzz").expect("the fuzz identity");
    match crosscheck_share::open_bundle(data, &trust, &identities) {
        Ok(opened) => {
            for file in &opened.files {
                assert!(
                    crosscheck_share::check_bundle_path(&file.path).is_ok(),
                    "an unsafe path passed: {}",
                    file.path
                );
            }
            Depth::Parsed
        }
        Err(e) => {
            assert!(!e.to_string().trim().is_empty(), "a bundle error without a message");
            match crosscheck_share::read_entries(data) {
                Ok(_) => Depth::Rejected,
                Err(_) => Depth::Refused,
            }
        }
    }
}

const FTM_TOKENS: &[&str] = &[
    "{\"id\":",
    "\"schema\":\"Person\"",
    "\"schema\":\"Thing\"",
    "\"properties\":{",
    "\"name\":[",
    "\"birthDate\":[",
    "\"datasets\":[",
    "null",
    "[]",
    "{}",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "1e999",
    "-0",
];
const CSV_AND_YAML_TOKENS: &[&str] = &["#--- table\n", "delimiter: \";\"", "delimiter: \"\\t\"", "encoding: ", "\",\""];
const DETECT_TOKENS: &[&str] = &[
    "<CONSOLIDATED_LIST",
    "celex,recordId",
    "\"id\",\"schema\",\"name\",\"aliases\"",
    "id,schema,name,aliases",
    "{",
    "1,2,aka,",
    "-0-",
];
const PLACE_TOKENS: &[&str] =
    &["г. ", "ул. ", "обл.", "Oblast", "Krai", "Respublika", ", ", "/", "(", ")", "USSR", "СССР", "near "];
const DATE_TOKENS: &[&str] = &["%d", "%m", "%Y", "%y", "%b", "%B", "%e", "%j", "%C", "%s", "%+", "%.f", "%#z", "|"];

/// Drains a reader, checking that every record is entities or a reject with a reason.
fn read_all(path: &Path, format: Option<Format>, options: &ReaderOptions) -> Depth {
    match open(path, format, options) {
        Ok(opened) => {
            let mut depth = Depth::Rejected;
            for record in opened.records {
                match record {
                    Record::Entities { entities, .. } => {
                        assert!(!entities.is_empty(), "a record with no entity");
                        depth = Depth::Parsed;
                    }
                    Record::Rejected(r) => assert!(!r.reason.trim().is_empty(), "a reject without a reason"),
                }
            }
            depth
        }
        Err(e) => {
            assert!(!e.to_string().trim().is_empty(), "an error without a message");
            Depth::Refused
        }
    }
}

fn options(mapping: Option<Mapping>) -> ReaderOptions {
    ReaderOptions { mapping, dataset: "fuzz".into(), ..Default::default() }
}

fn ftm(s: &mut Scratch, data: &[u8]) -> Depth {
    read_all(&s.write("input.jsonl", data), Some(Format::Ftm), &options(None))
}

fn csv(s: &mut Scratch, data: &[u8]) -> Depth {
    let (mapping_text, table) = match data.windows(CSV_SPLIT.len()).position(|w| w == CSV_SPLIT) {
        Some(at) => (&data[..at], &data[at + CSV_SPLIT.len()..]),
        None => (&b""[..], data),
    };
    let mapping = std::str::from_utf8(mapping_text)
        .ok()
        .and_then(|t| Mapping::parse(t).ok())
        .or_else(|| header_mapping(table))
        .unwrap_or_else(|| Mapping::parse(FALLBACK_MAPPING).expect("the fallback mapping parses"));
    read_all(&s.write("input.csv", table), Some(Format::Csv), &options(Some(mapping)))
}

/// When the input's own mapping is damaged: one that names the table's first column, so the
/// table is still read rather than refused for a column it lacks.
fn header_mapping(table: &[u8]) -> Option<Mapping> {
    let first = table.split(|&b| b == b'\n').next()?;
    let first = std::str::from_utf8(first).ok()?.trim_start_matches('\u{feff}');
    let delimiter = [';', '\t', ','].into_iter().find(|&d| first.contains(d)).unwrap_or(',');
    let column = first.split(delimiter).next()?.trim().trim_matches('"');
    if column.is_empty() || !column.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ' ') {
        return None;
    }
    let delimiter = if delimiter == '\t' { "\\t".to_string() } else { delimiter.to_string() };
    Mapping::parse(&format!("schema: Person\ndelimiter: \"{delimiter}\"\nproperties:\n  name: \"{column}\"\n")).ok()
}

fn mapping(_: &mut Scratch, data: &[u8]) -> Depth {
    let Ok(text) = std::str::from_utf8(data) else { return Depth::Refused };
    match Mapping::parse(text) {
        Ok(_) => Depth::Parsed,
        Err(e) => {
            assert!(!e.trim().is_empty(), "a mapping error without a message");
            Depth::Rejected
        }
    }
}

fn ofac(s: &mut Scratch, data: &[u8]) -> Depth {
    read_all(&s.write("sdn.csv", data), Some(Format::OfacSdn), &options(None))
}

fn un_xml(s: &mut Scratch, data: &[u8]) -> Depth {
    read_all(&s.write("consolidated.xml", data), Some(Format::UnXml), &options(None))
}

fn eu_journal(s: &mut Scratch, data: &[u8]) -> Depth {
    read_all(&s.write("annex.csv", data), Some(Format::EuJournal), &options(None))
}

fn os_simple(s: &mut Scratch, data: &[u8]) -> Depth {
    read_all(&s.write("targets.simple.csv", data), Some(Format::OpenSanctionsSimple), &options(None))
}

fn detect(s: &mut Scratch, data: &[u8]) -> Depth {
    // The extension plays a part in detection; let the input's length choose it.
    let name = ["input.csv", "input.json", "input.xml", "input.txt", "input.tsv", "input"][data.len() % 6];
    read_all(&s.write(name, data), None, &options(None))
}

fn case(_: &mut Scratch, data: &[u8]) -> Depth {
    // The engine refuses a case file that is not UTF-8 before parsing it.
    let Ok(text) = std::str::from_utf8(data) else { return Depth::Refused };
    let today = PartialDate::new(2024, Some(11), Some(1)).expect("a real date");
    match crosscheck_verify::parse_case(text, "fuzz-case", today) {
        Ok(_) => Depth::Parsed,
        Err(e) => {
            assert!(!e.to_string().trim().is_empty(), "a case error without a message");
            Depth::Rejected
        }
    }
}

fn as_of() -> Date {
    Date::new(2024, 11, 1).expect("a real date")
}

fn mrz(_: &mut Scratch, data: &[u8]) -> Depth {
    let Ok(text) = std::str::from_utf8(data) else { return Depth::Refused };
    let as_of = as_of();
    let r = check(IdType::Mrz, text, as_of);
    if r.valid {
        let normalized = r.normalized.as_deref().expect("a valid zone has a normalized form");
        let again = check(IdType::Mrz, normalized, as_of);
        assert!(again.valid, "the normalized form of a valid zone is invalid: {:?}", again.errors);
        assert_eq!(again.fields, r.fields, "the normalized form reads differently");
    }
    if let Some(s) = &r.suggestions {
        for c in &s.candidates {
            let fixed = check(IdType::Mrz, &c.mrz, as_of);
            assert!(fixed.valid, "a suggested correction fails its checks: {:?}", fixed.errors);
        }
    }
    spans_are_sound(text, IdType::Mrz);
    if r.valid {
        Depth::Parsed
    } else {
        Depth::Rejected
    }
}

fn identifiers(_: &mut Scratch, data: &[u8]) -> Depth {
    let Ok(text) = std::str::from_utf8(data) else { return Depth::Refused };
    let as_of = as_of();
    let mut depth = Depth::Rejected;
    for kind in IdType::ALL {
        if kind == IdType::Mrz {
            continue; // its own target
        }
        let r = check(kind, text, as_of);
        if r.valid {
            depth = Depth::Parsed;
        }
        if r.valid && kind != IdType::Auto && kind != IdType::Phone {
            let normalized = r.normalized.clone().expect("a valid value has a normalized form");
            let again = check(kind, &normalized, as_of);
            assert!(again.valid, "{kind:?}: valid, but its normalized form `{normalized}` is not: {:?}", again.errors);
        }
        spans_are_sound(text, kind);
    }
    spans_are_sound(text, IdType::Auto);
    if !extract(text).is_empty() {
        depth = Depth::Parsed;
    }
    depth
}

fn spans_are_sound(text: &str, kind: IdType) {
    for found in extract_typed(text, kind) {
        let span = found.span;
        assert!(span.start <= span.end && span.end <= text.len(), "a span outside the text");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "a span inside a character");
    }
}

fn places(_: &mut Scratch, data: &[u8]) -> Depth {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\n').unwrap_or((&text, ""));
    let _ = crosscheck_places::parse(a);
    let ab = crosscheck_places::compare(a, b);
    let ba = crosscheck_places::compare(b, a);
    assert_eq!(ab, ba.flip(), "compare is not symmetric");
    if ab == crosscheck_places::PlaceRelation::Unknown {
        Depth::Rejected
    } else {
        Depth::Parsed
    }
}

fn dates(_: &mut Scratch, data: &[u8]) -> Depth {
    let text = String::from_utf8_lossy(data);
    let (format, value) = text.split_once('\n').unwrap_or(("%d.%m.%Y", &text));
    let mut depth = Depth::Rejected;
    for d in [PartialDate::parse(value), PartialDate::parse_loose(value)].into_iter().flatten() {
        assert!(PartialDate::new(d.year, d.month, d.day).is_some(), "a parsed date that is not a date: {d:?}");
        depth = Depth::Parsed;
    }
    if crosscheck_ingest::formats::csv_mapped::parse_date(value, format).is_some() {
        depth = Depth::Parsed;
    }
    depth
}

pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}
