//! OFAC's legacy CSV files: the SDN list (`sdn.csv`) and its alias (`alt.csv`) and address
//! (`add.csv`) files. All three are headerless, quote only when needed and write `-0-` (often
//! with a trailing space) for an empty field; the files end with a DOS end-of-file byte (0x1A) on
//! a line of its own, which is not a record.
//!
//! **Which file is which** is decided by the first record's field count, because the three share
//! the same first column (`ent_num`, a number) and OFAC never changed their layouts: 12 fields is
//! an SDN row (ent_num, name, type, program, title, call sign, vessel type, tonnage, GRT, flag,
//! owner, remarks), 5 an alias row (ent_num, alt_num, type, name, remarks), 6 an address row
//! (ent_num, add_num, address, city/state/postal, country, remarks). After that, a row with another
//! count is rejected. `detect.rs` recognises the same three shapes.
//!
//! **Rows** are cut from physical lines as every CSV reader here cuts them ([`CsvRows`]): a quote
//! that never closes, or a stray byte, costs its own row (rejected with its line) and never the
//! rows after it; lines end at LF, CR LF or a lone CR, and each reject names its true line.
//!
//! **Joining.** Alias and address rows become fragments with the SDN entry's id (`ofac-ENT_NUM`)
//! and the schema `Thing`, which the store merges into the more specific schema of the SDN row.
//! So `load sdn.csv alt.csv add.csv` gives one entity per SDN entry, in any file order.
//! An alias or address row whose ent_num has no SDN row in the load is rejected ("no SDN entry"),
//! since it would otherwise be stored as a lone, nameless fragment. The readers see one file
//! each, so they find each other through a per-thread registry of the SDN files whose readers
//! are alive, by dataset name: a load opens all its files before reading any (`pipeline`), so an
//! alias reader sees the SDN files opened before it when it is opened and those opened after it
//! when it reads its first row. An alias or address file loaded without its SDN file keeps its
//! fragments (nothing to check them against). A repeated ent_num inside the SDN file is rejected
//! (the second row would silently merge two different listings).
//!
//! **Remarks.** Birth dates, places, nationalities, documents and weak aliases sit in the free-text
//! remarks column as `;`-separated items (`DOB 03 May 1961; POB Oakvale, Egypt; Passport
//! A1234567 (Egypt); alt. Passport B7654321; a.k.a. 'THE QUILL'.`). Each item is matched against a table of
//! the labels OFAC uses (see `ID_LABELS`); the whole remarks text is kept in `notes`, so nothing
//! an unmatched item says is lost. Quoted `a.k.a. 'X'` items in the remarks are OFAC's *weak*
//! aliases (the strong ones are in `alt.csv`), so they become `weakAlias`; `f.k.a. 'X'` becomes
//! `previousName` (a vessel's former name), `n.k.a. 'X'` an `alias`. A Russian `Tax ID No.` is an
//! INN and is also written as `innCode`; a 13- or 15-digit Russian registration number is an OGRN
//! (`ogrnCode`). Individuals are written `LAST, Given names`; the name becomes `Given names
//! LAST` with `firstName`/`lastName` set, as people search for them.

use super::lists::{add_countries, add_dates, add_declared, country_values, mark_listed};
use super::{reject, CsvRows};
use crate::text::open_text;
use crate::{Format, IngestError, Opened, ReaderOptions, Record};
use crosscheck_model::Entity;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::{Rc, Weak};

/// An SDN file being read, announced to the alias and address readers of the same load.
struct SdnFile {
    dataset: String,
    path: PathBuf,
    encoding: Option<String>,
}

thread_local! {
    /// The SDN files whose readers are alive on this thread (see "Joining" above).
    static OPEN_SDN_FILES: RefCell<Vec<Weak<SdnFile>>> = const { RefCell::new(Vec::new()) };
}

/// The live SDN files of `dataset`, pruning those whose readers are gone.
fn live_sdn_files(dataset: &str) -> Vec<Rc<SdnFile>> {
    OPEN_SDN_FILES.with(|files| {
        let mut files = files.borrow_mut();
        files.retain(|f| f.strong_count() > 0);
        files.iter().filter_map(Weak::upgrade).filter(|f| f.dataset == dataset).collect()
    })
}

/// The kind of an OFAC file, from its first record (`None` when it cannot be told).
fn sniff_kind(path: &Path, encoding: Option<&str>) -> Option<FileKind> {
    let text = open_text(path, encoding, "an OFAC SDN CSV file").ok()?;
    let mut rows = CsvRows::new(text.reader, b',');
    while let Some(next) = rows.next_record(None) {
        // A record that cannot be read (a stray byte, a quote never closed) is skipped: the
        // file's own reader rejects it, and the rows after it still count.
        let Ok((_, record)) = next else { continue };
        if record.iter().any(|f| !clean_field(f).is_empty() && clean_field(f) != "\u{1a}") {
            return FileKind::from_field_count(record.len());
        }
    }
    None
}

/// The ent_nums of the SDN rows of `files` (an unreadable file adds none), read as the SDN
/// file's own reader reads them.
fn sdn_ent_nums(files: &[Rc<SdnFile>]) -> HashSet<u64> {
    let mut ids = HashSet::new();
    for file in files {
        let Ok(text) = open_text(&file.path, file.encoding.as_deref(), "an OFAC SDN CSV file") else { continue };
        let mut rows = CsvRows::new(text.reader, b',');
        while let Some(next) = rows.next_record(Some(FileKind::Sdn.fields())) {
            let Ok((_, record)) = next else { continue };
            if record.len() == FileKind::Sdn.fields() {
                if let Some(Ok(n)) = record.get(0).map(|f| clean_field(f).parse::<u64>()) {
                    ids.insert(n);
                }
            }
        }
    }
    ids
}

/// Which of OFAC's three files a reader is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Sdn,
    Alt,
    Add,
}

impl FileKind {
    fn from_field_count(n: usize) -> Option<FileKind> {
        match n {
            12 => Some(FileKind::Sdn),
            5 => Some(FileKind::Alt),
            6 => Some(FileKind::Add),
            _ => None,
        }
    }

    fn fields(self) -> usize {
        match self {
            FileKind::Sdn => 12,
            FileKind::Alt => 5,
            FileKind::Add => 6,
        }
    }

    fn what(self) -> &'static str {
        match self {
            FileKind::Sdn => "an SDN row",
            FileKind::Alt => "an alias (alt.csv) row",
            FileKind::Add => "an address (add.csv) row",
        }
    }
}

/// The authority written on every OFAC entity.
const PUBLISHER: &str = "US Treasury, Office of Foreign Assets Control (OFAC)";

/// Opens an OFAC SDN, alt or add CSV file.
pub fn open(path: &Path, display: String, options: &ReaderOptions) -> Result<Opened, IngestError> {
    let text = open_text(path, options.encoding.as_deref(), "an OFAC SDN CSV file")?;
    let encoding = text.encoding.clone();
    let dataset = options.dataset.clone();
    // An SDN file announces itself for as long as its reader lives; an alias or address file
    // notes the SDN files already announced (see "Joining").
    let (announced, mut known_sdn): (Option<Rc<SdnFile>>, Vec<Rc<SdnFile>>) =
        match sniff_kind(path, options.encoding.as_deref()) {
            Some(FileKind::Sdn) => {
                let file = Rc::new(SdnFile {
                    dataset: dataset.clone(),
                    path: path.to_path_buf(),
                    encoding: options.encoding.clone(),
                });
                OPEN_SDN_FILES.with(|files| files.borrow_mut().push(Rc::downgrade(&file)));
                (Some(file), Vec::new())
            }
            Some(_) => (None, live_sdn_files(&dataset)),
            None => (None, Vec::new()),
        };
    let mut sdn_ids: Option<Option<HashSet<u64>>> = None;
    let mut rows = CsvRows::new(text.reader, b',');
    let mut kind: Option<FileKind> = None;
    let mut seen: HashMap<u64, u64> = HashMap::new();
    let records = std::iter::from_fn(move || loop {
        let _keep_announced = &announced;
        let (line, record) = match rows.next_record(kind.map(FileKind::fields))? {
            Ok(row) => row,
            Err(bad) => return Some(Record::Rejected(reject(&display, bad.line, bad.reason, &bad.raw))),
        };
        let fields: Vec<&str> = record.iter().map(clean_field).collect();
        if fields.iter().all(|f| f.is_empty() || *f == "\u{1a}") {
            continue; // the DOS end-of-file byte, or a blank row: not a record
        }
        let raw = record.iter().collect::<Vec<_>>().join(",");
        let this_kind = match kind {
            Some(k) => k,
            None => match FileKind::from_field_count(fields.len()) {
                Some(k) => {
                    kind = Some(k);
                    k
                }
                None => {
                    let reason = format!(
                        "row has {} fields: an OFAC SDN row has 12, an alias (alt.csv) row 5, an address (add.csv) row 6",
                        fields.len()
                    );
                    return Some(Record::Rejected(reject(&display, line, reason, &raw)));
                }
            },
        };
        if fields.len() != this_kind.fields() {
            let reason = format!("row has {} fields, {} has {}", fields.len(), this_kind.what(), this_kind.fields());
            return Some(Record::Rejected(reject(&display, line, reason, &raw)));
        }
        let ent_num = match fields[0].parse::<u64>() {
            Ok(n) => n,
            Err(_) => {
                let reason = format!("ent_num `{}` is not a number", fields[0]);
                return Some(Record::Rejected(reject(&display, line, reason, &raw)));
            }
        };
        let built = match this_kind {
            FileKind::Sdn => {
                if let Some(first) = seen.get(&ent_num) {
                    let reason = format!("ent_num {ent_num} is already listed at line {first}");
                    return Some(Record::Rejected(reject(&display, line, reason, &raw)));
                }
                let built = sdn_entity(ent_num, &fields);
                if built.is_ok() {
                    seen.insert(ent_num, line);
                }
                built
            }
            FileKind::Alt | FileKind::Add => {
                // First row: the SDN files of this load are all open now.
                let ids = sdn_ids.get_or_insert_with(|| {
                    for file in live_sdn_files(&dataset) {
                        if !known_sdn.iter().any(|k| Rc::ptr_eq(k, &file)) {
                            known_sdn.push(file);
                        }
                    }
                    (!known_sdn.is_empty()).then(|| sdn_ent_nums(&known_sdn))
                });
                if ids.as_ref().is_some_and(|ids| !ids.contains(&ent_num)) {
                    let reason = format!("no SDN entry with ent_num {ent_num} in this load for {}", this_kind.what());
                    return Some(Record::Rejected(reject(&display, line, reason, &raw)));
                }
                if this_kind == FileKind::Alt {
                    alt_fragment(ent_num, &fields)
                } else {
                    add_fragment(ent_num, &fields)
                }
            }
        };
        return Some(match built {
            Ok(entity) => Record::Entities { line, entities: vec![entity] },
            Err(reason) => Record::Rejected(reject(&display, line, reason, &raw)),
        });
    });
    Ok(Opened { format: Format::OfacSdn, encoding, records: crate::Records::new(records) })
}

/// Trims a field and maps OFAC's `-0-` to empty.
fn clean_field(field: &str) -> &str {
    let f = field.trim();
    if f == "-0-" {
        ""
    } else {
        f
    }
}

fn entity_id(ent_num: u64) -> String {
    format!("ofac-{ent_num}")
}

/// `LAST, Given names` to (`Given names LAST`, given, last) when it has that shape.
fn person_name(name: &str) -> Option<(String, &str, &str)> {
    let (last, given) = name.split_once(',')?;
    let (last, given) = (last.trim(), given.trim());
    if last.is_empty() || given.is_empty() || given.contains(',') {
        return None;
    }
    Some((format!("{given} {last}"), given, last))
}

/// Whether an alias reads like an individual's `LAST, Given` (surname in capitals, given names
/// not): company names also contain commas (`ANGLO-CARIBBEAN CO., LTD.`), but in capitals only.
fn looks_like_person_name(name: &str) -> bool {
    match name.split_once(',') {
        Some((last, given)) => {
            !last.chars().any(char::is_lowercase) && given.chars().any(char::is_lowercase) && !given.contains(',')
        }
        None => false,
    }
}

fn sdn_entity(ent_num: u64, f: &[&str]) -> Result<Entity, String> {
    let name = f[1];
    if name.is_empty() {
        return Err("the SDN row has no name".into());
    }
    let schema = match f[2].to_lowercase().as_str() {
        "individual" => "Person",
        "vessel" => "Vessel",
        "aircraft" => "Airplane",
        "" => "LegalEntity",
        other => return Err(format!("unknown SDN type `{other}` (expected individual, vessel, aircraft or empty)")),
    };
    let mut e = Entity::new(entity_id(ent_num), schema);
    match (schema, person_name(name)) {
        ("Person", Some((full, given, last))) => {
            e.add("name", &full);
            e.add("firstName", given);
            e.add("lastName", last);
        }
        _ => {
            e.add("name", name);
        }
    }
    mark_listed(&mut e, PUBLISHER);
    // Several programmes are written `SDGT] [IFSR`.
    for program in f[3].split("] [") {
        let program = program.trim_matches(['[', ']', ' ']);
        if !program.is_empty() {
            e.add("program", program);
        }
    }
    if !f[4].is_empty() {
        add_declared(&mut e, "position", None, f[4]);
    }
    if schema == "Vessel" {
        e.add("callSign", f[5]);
        e.add("type", f[6]);
        e.add("tonnage", &f[7].replace(',', ""));
        e.add("grossRegisteredTonnage", &f[8].replace(',', ""));
        add_countries(&mut e, "flag", None, f[9]);
        if !f[10].is_empty() {
            e.add("notes", &format!("Vessel owner: {}", f[10]));
        }
    }
    let remarks = f[11];
    if !remarks.is_empty() {
        e.add("notes", remarks);
        parse_remarks(&mut e, remarks);
    }
    Ok(e)
}

fn alt_fragment(ent_num: u64, f: &[&str]) -> Result<Entity, String> {
    let name = f[3];
    if name.is_empty() {
        return Err("the alias row has no name".into());
    }
    let mut e = Entity::new(entity_id(ent_num), "Thing");
    let name = match person_name(name) {
        Some((full, _, _)) if looks_like_person_name(name) => full,
        _ => name.to_string(),
    };
    let prop = match f[2].to_lowercase().trim_matches('.') {
        "fka" | "f.k.a" => "previousName",
        _ => "alias", // aka, nka (the name it is now known by)
    };
    e.add(prop, &name);
    Ok(e)
}

fn add_fragment(ent_num: u64, f: &[&str]) -> Result<Entity, String> {
    // OFAC writes a row of `-0-` when an entry's address is unknown: it adds nothing, but it is a
    // record of the entry, so it becomes an empty fragment that merges into it.
    let parts: Vec<&str> = [f[2], f[3], f[4]].into_iter().filter(|p| !p.is_empty()).collect();
    let mut e = Entity::new(entity_id(ent_num), "Thing");
    if !parts.is_empty() {
        e.add("address", &parts.join(", "));
    }
    add_countries(&mut e, "country", None, f[4]);
    if !f[5].is_empty() {
        e.add("notes", f[5]);
    }
    Ok(e)
}

/// Remark labels followed by a number and an optional `(Country)`, and the property they fill.
/// Longer labels come before labels they start with.
const ID_LABELS: &[(&str, &str)] = &[
    ("Passport", "passportNumber"),
    ("Diplomatic Passport", "passportNumber"),
    ("British National Overseas Passport", "passportNumber"),
    ("Stateless Person Passport", "passportNumber"),
    ("National ID No.", "idNumber"),
    ("National Foreign ID Number", "idNumber"),
    ("Personal ID Card", "idNumber"),
    ("Identification Number", "idNumber"),
    ("Cedula No.", "idNumber"),
    ("D.N.I.", "idNumber"),
    ("C.U.R.P.", "idNumber"),
    ("Birth Certificate Number", "idNumber"),
    ("Driver's License No.", "idNumber"),
    ("Electoral Registry No.", "idNumber"),
    ("Residency Number", "idNumber"),
    ("SSN", "socialSecurityNumber"),
    ("Tax ID No.", "taxNumber"),
    ("NIT #", "taxNumber"),
    ("R.F.C.", "taxNumber"),
    ("RFC", "taxNumber"),
    ("RUC #", "taxNumber"),
    ("CUIT", "taxNumber"),
    ("V.A.T. Number", "vatCode"),
    ("Business Registration Number", "registrationNumber"),
    ("Business Registration Document #", "registrationNumber"),
    ("Registration Number", "registrationNumber"),
    ("Registration ID", "registrationNumber"),
    ("Company Number IMO", "imoNumber"),
    ("Company Number", "registrationNumber"),
    ("Commercial Registry Number", "registrationNumber"),
    ("Unified Social Credit Code (USCC)", "registrationNumber"),
    ("Trade License No.", "registrationNumber"),
    ("Chamber of Commerce Number", "registrationNumber"),
    ("Enterprise Number", "registrationNumber"),
    ("Economic Register Number (CBLS)", "registrationNumber"),
    ("Central Registration System Number", "registrationNumber"),
    ("Istanbul Chamber of Comm. No.", "registrationNumber"),
    ("Matricula Mercantil No", "registrationNumber"),
    ("Folio Mercantil No.", "registrationNumber"),
    ("Government Gazette Number", "registrationNumber"),
    ("C.R. No.", "registrationNumber"),
    ("Legal Entity Number", "leiCode"),
    ("SWIFT/BIC", "swiftBic"),
    ("D-U-N-S Number", "dunsCode"),
    ("MMSI", "mmsi"),
    ("Vessel Registration Identification", "imoNumber"),
];

/// Parses the remarks items into properties of `e`.
fn parse_remarks(e: &mut Entity, remarks: &str) {
    let is_person = e.schema == "Person";
    for item in remarks.split(';') {
        let item = item.trim().trim_end_matches('.').trim();
        let item = item.strip_prefix("alt. ").unwrap_or(item).trim();
        if item.is_empty() {
            continue;
        }
        if let Some(name) = quoted_after(item, "a.k.a.") {
            e.add("weakAlias", name);
        } else if let Some(name) = quoted_after(item, "f.k.a.") {
            e.add("previousName", name);
        } else if let Some(name) = quoted_after(item, "n.k.a.") {
            e.add("alias", name);
        } else if let Some(rest) = label(item, "DOB") {
            if is_person {
                add_dates(e, "birthDate", rest);
            }
        } else if let Some(rest) = label(item, "POB") {
            add_declared(e, "birthPlace", None, rest);
            if let Some(last) = rest.rsplit(',').next() {
                for country in country_values(last) {
                    if is_person && crosscheck_model::country::code(&country).is_some() {
                        e.add("birthCountry", &country);
                    }
                }
            }
        } else if let Some(rest) = label(item, "nationality") {
            add_countries(e, "nationality", Some("country"), rest);
        } else if let Some(rest) = label(item, "citizen") {
            add_countries(e, "citizenship", Some("country"), rest);
        } else if let Some(rest) = label(item, "Gender") {
            add_declared(e, "gender", None, rest);
        } else if let Some(rest) = label(item, "Email Address") {
            add_declared(e, "email", None, rest);
        } else if let Some(rest) = label(item, "Website") {
            add_declared(e, "website", None, rest);
        } else if let Some(rest) = label(item, "Phone Number") {
            add_declared(e, "phone", None, rest);
        } else if let Some(rest) = label(item, "Organization Established Date") {
            if e.schema_def().is_some_and(|s| s.prop_type("incorporationDate").is_some()) {
                add_dates(e, "incorporationDate", rest);
            }
        } else if let Some(rest) = label(item, "Former Vessel Flag") {
            add_countries(e, "pastFlags", None, rest);
        } else if let Some((prop, rest)) = ID_LABELS.iter().find_map(|(l, p)| label(item, l).map(|r| (*p, r))) {
            add_identifier(e, prop, rest);
        }
    }
}

/// The text after `label` when `item` starts with it as a whole word.
fn label<'a>(item: &'a str, label: &str) -> Option<&'a str> {
    let rest = item.strip_prefix(label)?;
    if !(rest.is_empty() || rest.starts_with([' ', '#', ':']) || label.ends_with(['.', '#'])) {
        return None;
    }
    let rest = rest.trim_start_matches([' ', '#', ':']).trim();
    (!rest.is_empty()).then_some(rest)
}

/// `a.k.a. 'NAME'` → `NAME`.
fn quoted_after<'a>(item: &'a str, marker: &str) -> Option<&'a str> {
    let rest = item.strip_prefix(marker)?.trim();
    let rest = rest.trim_end_matches([')', '.']).trim();
    let inner = rest.strip_prefix(['\'', '"']).unwrap_or(rest);
    let inner = inner.strip_suffix(['\'', '"']).unwrap_or(inner).trim();
    (!inner.is_empty()).then_some(inner)
}

/// `NUMBER (Country) issued ...` → the number (and the country, for Russian INN/OGRN).
fn add_identifier(e: &mut Entity, prop: &str, rest: &str) {
    let (number, country) = match rest.split_once(" (") {
        Some((n, tail)) => (n.trim(), tail.split(')').next().unwrap_or("").trim()),
        None => (rest.trim(), ""),
    };
    // `D1234567 expires 01 Jan 2020`, `123 issued 2005`: what follows the number is not part of it.
    let number = [" issued", " Issued", " expires", " Expires", " expiring", " valid", ", "]
        .iter()
        .filter_map(|w| number.find(w))
        .min()
        .map_or(number, |end| &number[..end]);
    let number = number.trim_start_matches(['#', ':', ' ']).trim();
    if number.is_empty() {
        return;
    }
    if prop == "imoNumber" {
        // `Vessel Registration Identification IMO 9253325`; other registries are registration numbers.
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let upper = number.to_uppercase();
        if upper.starts_with("IMO") || (digits.len() == 7 && digits.len() == number.len()) {
            add_declared(e, "imoNumber", None, &format!("IMO{digits}"));
        } else {
            add_declared(e, "registrationNumber", None, number);
        }
        return;
    }
    add_declared(e, prop, None, number);
    let russian = crosscheck_model::country::code(country).as_deref() == Some("ru");
    let digits = number.chars().all(|c| c.is_ascii_digit());
    if russian && digits && prop == "taxNumber" && matches!(number.len(), 10 | 12) {
        add_declared(e, "innCode", None, number);
    }
    if russian && digits && prop == "registrationNumber" && matches!(number.len(), 13 | 15) {
        add_declared(e, "ogrnCode", None, number);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn read(content: &str) -> Vec<Record> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        open(f.path(), "sdn.csv".into(), &ReaderOptions::default()).unwrap().records.collect()
    }

    fn entity(record: &Record) -> &Entity {
        match record {
            Record::Entities { entities, .. } => &entities[0],
            Record::Rejected(r) => panic!("rejected: {} {}", r.reason, r.raw),
        }
    }

    // Fictional rows in OFAC's layout.
    const SDN: &str = "\
101,\"QUILLFEATHER, Ambrose Tobias\",\"individual\",\"SDGT] [IFSR\",\"Treasurer of NORTHWIND FRONT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 03 May 1961; alt. DOB circa 1963; POB Oakvale, Ruritania; nationality Russia; Gender Male; Passport 7712345 (Russia) issued 01 Jan 2010; alt. Passport B-2291 (Egypt); Diplomatic Passport D99 expires 01 Jan 2030; National ID No. 44-1029 (Egypt); Tax ID No. 771234567890 (Russia); Email Address ambrose@example.invalid; a.k.a. 'THE QUILL'; Linked To: NORTHWIND FRONT.\"\r
102,\"NORTHWIND FRONT\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Website www.northwind.invalid; Registration Number 1027700123456 (Russia); nationality Russia; f.k.a. 'SOUTHWIND FRONT'.\"\r
103,\"SEA LARK\",\"vessel\",\"IRAN\",-0- ,\"9XAB\",\"Crude Oil Tanker\",\"1,200\",\"900\",\"Panama\",\"Lark Shipping\",\"Vessel Registration Identification IMO 9123456; MMSI 351000000; Former Vessel Flag Malta; f.k.a. 'OLD LARK'.\"\r
104,\"PEREGRINE, Ottilie\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1960 to 1962; Gender Female.\"\r
\x1a";

    #[test]
    fn sdn_rows_become_entities_with_remarks_parsed() {
        let records = read(SDN);
        assert_eq!(records.len(), 4, "the end-of-file byte is not a record");
        let p = entity(&records[0]);
        assert_eq!(p.id, "ofac-101");
        assert_eq!(p.schema, "Person");
        assert_eq!(p.get("name"), ["Ambrose Tobias QUILLFEATHER"]);
        assert_eq!(p.get("lastName"), ["QUILLFEATHER"]);
        assert_eq!(p.get("program"), ["SDGT", "IFSR"]);
        assert_eq!(p.get("position"), ["Treasurer of NORTHWIND FRONT"]);
        assert_eq!(p.get("birthDate"), ["1961-05-03", "1963"]);
        assert_eq!(p.get("birthPlace"), ["Oakvale, Ruritania"]);
        assert_eq!(p.get("nationality"), ["ru"]);
        assert_eq!(p.get("gender"), ["male"]);
        assert_eq!(p.get("passportNumber"), ["7712345", "B-2291", "D99"]);
        assert_eq!(p.get("idNumber"), ["44-1029"]);
        assert_eq!(p.get("taxNumber"), ["771234567890"]);
        assert_eq!(p.get("innCode"), ["771234567890"]);
        assert_eq!(p.get("email"), ["ambrose@example.invalid"]);
        assert_eq!(p.get("weakAlias"), ["THE QUILL"]);
        assert_eq!(p.get("topics"), ["sanction"]);
        assert!(p.first("notes").unwrap().starts_with("DOB 03 May 1961"));

        let org = entity(&records[1]);
        assert_eq!(org.schema, "LegalEntity");
        assert_eq!(org.get("website"), ["www.northwind.invalid"]);
        assert_eq!(org.get("ogrnCode"), ["1027700123456"]);
        assert_eq!(org.get("country"), ["ru"], "a company's nationality is its country");
        assert_eq!(org.get("previousName"), ["SOUTHWIND FRONT"]);

        let v = entity(&records[2]);
        assert_eq!(v.schema, "Vessel");
        assert_eq!(v.get("imoNumber"), ["IMO9123456"]);
        assert_eq!(v.get("mmsi"), ["351000000"]);
        assert_eq!(v.get("flag"), ["pa"]);
        assert_eq!(v.get("pastFlags"), ["mt"]);
        assert_eq!(v.get("tonnage"), ["1200"]);
        assert_eq!(v.get("callSign"), ["9XAB"]);
        assert_eq!(v.get("previousName"), ["OLD LARK"]);

        assert_eq!(entity(&records[3]).get("birthDate"), ["1960", "1961", "1962"]);
    }

    #[test]
    fn alt_and_add_rows_become_fragments_of_the_same_id() {
        let alt = read("101,9001,aka,\"QUILLFEATHER, Ambrose\",-0- \n101,9002,fka,\"OLD NAME CO., LTD.\",-0- \n102,9003,nka,NEW FRONT,\n");
        let a = entity(&alt[0]);
        assert_eq!((a.id.as_str(), a.schema.as_str()), ("ofac-101", "Thing"));
        assert_eq!(a.get("alias"), ["Ambrose QUILLFEATHER"]);
        assert_eq!(entity(&alt[1]).get("previousName"), ["OLD NAME CO., LTD."]);
        assert_eq!(entity(&alt[2]).get("alias"), ["NEW FRONT"]);
        let add = read("101,501,\"12 Cedar Row\",\"Oakvale 1234\",\"Egypt\",-0- \n102,502,-0- ,-0- ,-0- ,-0- \n");
        let a = entity(&add[0]);
        assert_eq!(a.get("address"), ["12 Cedar Row, Oakvale 1234, Egypt"]);
        assert_eq!(a.get("country"), ["eg"]);
        let empty = entity(&add[1]);
        assert_eq!((empty.id.as_str(), empty.properties.len()), ("ofac-102", 0), "an unknown address adds nothing");
    }

    #[test]
    fn alias_and_address_rows_join_their_sdn_entry_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, content: &str| {
            let path = dir.path().join(name);
            fs_err::write(&path, content).unwrap();
            path
        };
        let sdn = write(
            "sdn.csv",
            "101,\"QUILLFEATHER, Ambrose\",\"individual\",X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
             102,\"NORTHWIND FRONT\",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n",
        );
        let alt = write("alt.csv", "101,1,aka,\"QUILL, Ambrose\",-0- \n999,2,aka,\"NOBODY\",-0- \n");
        let add = write("add.csv", "102,1,\"1 Road\",\"Oakvale\",\"Egypt\",-0- \n998,2,-0- ,-0- ,\"Egypt\",-0- \n");
        for (i, files) in [vec![sdn.clone(), alt.clone(), add.clone()], vec![alt.clone(), add.clone(), sdn.clone()]]
            .into_iter()
            .enumerate()
        {
            let store = crosscheck_store::Store::open(&dir.path().join(format!("store-{i}"))).unwrap();
            let request = crate::LoadRequest {
                files,
                options: ReaderOptions { dataset: "ofac-join".into(), ..Default::default() },
                ..Default::default()
            };
            let report = crate::load(&store, &request, &mut crate::pipeline::Unobserved).unwrap();
            assert_eq!((report.read, report.loaded, report.rejected), (6, 2, 2), "order {i}");
            let rejects = fs_err::read_to_string(report.rejects_file.unwrap()).unwrap();
            assert!(
                rejects.contains("no SDN entry with ent_num 999 in this load for an alias (alt.csv) row"),
                "{rejects}"
            );
            assert!(rejects.contains("no SDN entry with ent_num 998"), "{rejects}");
            let dataset = store.dataset("ofac-join").unwrap();
            let person = dataset.get("ofac-101").unwrap().unwrap();
            assert_eq!((person.schema.as_str(), person.get("alias")), ("Person", &["Ambrose QUILL".to_string()][..]));
            let org = dataset.get("ofac-102").unwrap().unwrap();
            assert_eq!((org.schema.as_str(), org.get("country")), ("LegalEntity", &["eg".to_string()][..]));
        }
        // Without its SDN file, an alias file keeps its fragments: there is nothing to check them against.
        let alone = open(&alt, "alt.csv".into(), &ReaderOptions { dataset: "ofac-alone".into(), ..Default::default() });
        let records: Vec<Record> = alone.unwrap().records.collect();
        assert!(records.iter().all(|r| matches!(r, Record::Entities { .. })));
    }

    #[test]
    fn bad_rows_are_rejected_with_reasons() {
        let records = read(
            "101,\"A\",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
             101,\"B\",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
             10x,\"C\",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
             103,-0- ,-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
             104,\"D\",\"starship\",X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
             105,\"E\",-0- \n",
        );
        let reasons: Vec<String> = records
            .iter()
            .map(|r| match r {
                Record::Entities { line, .. } => format!("{line} ok"),
                Record::Rejected(r) => format!("{} {}", r.line, r.reason),
            })
            .collect();
        assert_eq!(
            reasons,
            [
                "1 ok",
                "2 ent_num 101 is already listed at line 1",
                "3 ent_num `10x` is not a number",
                "4 the SDN row has no name",
                "5 unknown SDN type `starship` (expected individual, vessel, aircraft or empty)",
                "6 row has 3 fields, an SDN row has 12",
            ]
        );
    }

    fn read_bytes(content: &[u8]) -> Vec<Record> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content).unwrap();
        open(f.path(), "sdn.csv".into(), &ReaderOptions::default()).unwrap().records.collect()
    }

    /// Damaged rows in an SDN file: each one is a reject at its true line and the rows after it
    /// load, whatever the line endings.
    #[test]
    fn damaged_sdn_rows_table() {
        let row = |n: u32| format!("{n},\"NAME {n}\",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ");
        let table: Vec<(Vec<u8>, Vec<&str>)> = vec![
            (
                // a quote that never closes, in the second row of many
                format!("{}\n201,\"BROKEN,-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n{}\n{}\n", row(1), row(2), row(3))
                    .into_bytes(),
                vec![
                    "ok",
                    "2 a quote opened on this line closes only 1 line later, inside a field; this line alone is rejected",
                    "ok",
                    "ok",
                ],
            ),
            (
                // records separated by CR only
                format!("{}\r{}\r205,\"E\"\r{}\r", row(1), row(2), row(3)).into_bytes(),
                vec!["ok", "ok", "3 row has 2 fields, an SDN row has 12", "ok"],
            ),
            (
                // CR LF, with a quoted remark spanning two lines
                format!("{}\r\n{}\r\n", row(1), row(2).replace(",-0- \r", ",\"two\r\nlines\"\r")).into_bytes(),
                vec!["ok", "ok"],
            ),
            (
                // a stray byte in a file that is UTF-8 beyond doubt (Cyrillic names)
                [
                    row(1).as_bytes(),
                    b"\n202,\"BAD \xff NAME\",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n",
                    row(3).replace("NAME", "ИВАНОВ Пётр Сергеевич").as_bytes(),
                    b"\n",
                    row(4).replace("NAME", "СМИРНОВА Анна Павловна").as_bytes(),
                    b"\n",
                ]
                .concat(),
                vec!["ok", "2 unreadable CSV: field 2 is not valid text in the file's encoding", "ok", "ok"],
            ),
            (
                // a row with too many fields, a number that is not one, then the DOS end-of-file byte
                format!("{}\n{},extra\nx1,\"A\",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n{}\n\x1a", row(1), row(2), row(3))
                    .into_bytes(),
                vec!["ok", "2 row has 13 fields, an SDN row has 12", "3 ent_num `x1` is not a number", "ok"],
            ),
        ];
        for (i, (content, want)) in table.iter().enumerate() {
            let records = read_bytes(content);
            assert_eq!(&crate::formats::outcomes(&records), want, "shape {i}");
        }
        // A damaged first row cannot tell the file's kind; the next row does.
        let records = read(&format!("1,\"A\n{}\n", row(2)));
        assert_eq!(crate::formats::outcomes(&records)[1..], ["ok"]);
    }

    /// The SDN ids an alias file is checked against are read as the SDN reader reads them: an
    /// unterminated quote in the SDN file does not hide the entries after it.
    #[test]
    fn alias_rows_find_sdn_entries_after_a_damaged_row() {
        let dir = tempfile::tempdir().unwrap();
        let sdn = dir.path().join("sdn.csv");
        let alt = dir.path().join("alt.csv");
        fs_err::write(
            &sdn,
            "101,\"BROKEN,-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
             102,\"NORTHWIND FRONT\",-0- ,X,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n",
        )
        .unwrap();
        fs_err::write(&alt, "102,1,aka,\"NORTH FRONT\",-0- \n").unwrap();
        let options = ReaderOptions { dataset: "ofac-damaged".into(), ..Default::default() };
        let sdn_opened = open(&sdn, "sdn.csv".into(), &options).unwrap();
        let alt_records: Vec<Record> = open(&alt, "alt.csv".into(), &options).unwrap().records.collect();
        assert_eq!(crate::formats::outcomes(&alt_records), ["ok"]);
        let sdn_records: Vec<Record> = sdn_opened.records.collect();
        assert_eq!(
            crate::formats::outcomes(&sdn_records),
            [
                "1 a quote opened on this line closes only 1 line later, inside a field; this line alone is rejected",
                "ok"
            ]
        );
    }

    proptest::proptest! {
        /// A fictional person written as OFAC writes an SDN row reads back field for field.
        #[test]
        fn written_sdn_rows_read_back(p in crate::formats::lists::testgen::listed(), ent_num in 1u64..1_000_000) {
            let country = p.country.0;
            let remarks = format!(
                "DOB {}; POB Oakvale, {country}; nationality {country}; Gender Male; Passport {} ({country}) issued 2001; a.k.a. '{}'.",
                p.ofac_date(), p.passport, p.weak_alias
            );
            let row = format!(
                "{ent_num},\"{}, {}\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"{remarks}\"\r\n",
                p.last, p.given
            );
            let records = read(&row);
            proptest::prop_assert_eq!(records.len(), 1);
            let e = entity(&records[0]);
            let code = p.country.1.to_string();
            proptest::prop_assert_eq!(&e.id, &format!("ofac-{ent_num}"));
            proptest::prop_assert_eq!(e.get("name"), [format!("{} {}", p.given, p.last)]);
            proptest::prop_assert_eq!(e.get("birthDate"), [p.iso_date()]);
            proptest::prop_assert_eq!(e.get("passportNumber"), [p.passport.clone()]);
            proptest::prop_assert_eq!(e.get("nationality"), [code.clone()]);
            proptest::prop_assert_eq!(e.get("birthCountry"), [code]);
            proptest::prop_assert_eq!(e.get("weakAlias"), [p.weak_alias.clone()]);
            proptest::prop_assert_eq!(e.get("gender"), ["male"]);
        }

        #[test]
        fn mangled_rows_never_panic_and_every_row_is_accounted(
            rows in proptest::collection::vec(("[0-9]{1,4}", "[ -~]{0,30}", 0usize..14), 0..20)
        ) {
            let content: String = rows
                .iter()
                .map(|(num, text, n)| {
                    let text = text.replace(['"', '\n', '\r'], " ");
                    let mut fields = vec![num.clone()];
                    fields.extend(std::iter::repeat_n(format!("\"{text}\""), *n));
                    fields.join(",") + "\n"
                })
                .collect();
            // Every row starts with a number, so none is blank: one record per row.
            proptest::prop_assert_eq!(read(&content).len(), rows.len());
        }

        #[test]
        fn random_remarks_never_panic(remarks in "\\PC{0,200}") {
            let mut e = Entity::new("x", "Person");
            parse_remarks(&mut e, &remarks);
        }
    }
}
