//! The EU Official Journal sanctions CSV: one listing per row, 45 named columns (`celex,
//! recordId, programKey, annex, measure, startDate, reason, schema, name, alias, ...`).
//!
//! Columns are found by their header names, so a file with the columns in another order, or with
//! extra columns, reads the same; a file without `celex`, `schema` or `name` is refused as a whole.
//! A row with another field count than the header, without a name, or with a schema we do not
//! know is rejected.
//!
//! **Key.** `recordId` restarts in each annex of an act and is empty on some rows, so a listing is
//! keyed by celex + annex + recordId (`eu-32014R0269-I-PERSONS-1`), and by a hash of the whole row
//! when recordId is empty (the same row reloaded gets the same id). A key seen twice in one file
//! is rejected rather than silently merged. One person listed under several acts stays several
//! entities: linking them is matching's job, not the loader's.
//!
//! **Values.** Lists in a cell are `;`-separated (`alias` holds Latin and Cyrillic forms); birth
//! dates are prose (`7.4.1956 or 16.4.1956`, `Approximately 1955`, see `lists`). Identifier cells
//! mix labels and enumerations (`(a) Voter ID 4411223, (b) Student ID 900100200`, `1234567890123,
//! KPP 123456789`, `X1234567 (Ruritania)`): each part loses its parenthetical remarks and enumeration
//! marker, a part labelled INN/OGRN/KPP/OKPO goes to that code, and the number is the part itself
//! when it is only digits, spaces and dashes, else its tokens with three or more digits. Rows of
//! schema `Asset` (ports, a digital currency) are FtM `Asset` entities.
//!
//! Text cells enumerate alternatives as `(a) Sheikh, (b) Colonel` or `(a) X; (b) Y`: aliases,
//! birth places, positions and addresses are split on `;` and on those markers.
//!
//! The listing's details go on the entity: `programKey` → `program`, celex → `programId`,
//! `startDate` → `createdAt`, `measure` → `summary`, `reason` and `notes` → `notes`.

use super::lists::{add_countries, add_dates, add_declared, hashed_id, mark_listed, split_enumerated};
use super::reject;
use crate::text::open_text;
use crate::{Format, IngestError, Opened, ReaderOptions, Record};
use crosscheck_model::{Entity, Schema};
use std::collections::HashMap;
use std::path::Path;

const PUBLISHER: &str = "Council of the European Union";

/// Opens an EU journal CSV file.
pub fn open(path: &Path, display: String, options: &ReaderOptions) -> Result<Opened, IngestError> {
    let text = open_text(path, options.encoding.as_deref(), "EU journal CSV")?;
    let encoding = text.encoding.clone();
    let mut reader = super::CsvRows::new(text.reader, b',');
    let header: Vec<String> = match reader.header() {
        Ok(h) => h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_string()).collect(),
        Err(e) => return Err(IngestError::Invalid { path: path.into(), reason: format!("unreadable header: {e}") }),
    };
    let columns = Columns::new(&header);
    if !header.iter().all(String::is_empty) {
        let missing: Vec<&str> =
            ["celex", "schema", "name"].into_iter().filter(|c| !header.iter().any(|h| h == c)).collect();
        if !missing.is_empty() {
            return Err(IngestError::Invalid {
                path: path.into(),
                reason: format!("not an EU journal CSV: no `{}` column in the header", missing.join("`, `")),
            });
        }
    }
    let n_columns = header.len();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let records = super::csv_records(reader, display.clone(), ',', n_columns, move |row| {
        let line = row.line;
        match build(&columns, row.record, &row.raw) {
            Ok(entity) => match seen.get(&entity.id) {
                Some(first) => {
                    let reason = format!("listing key `{}` is already used at line {first}", entity.id);
                    Record::Rejected(reject(&display, line, reason, &row.raw))
                }
                None => {
                    seen.insert(entity.id.clone(), line);
                    Record::Entities { line, entities: vec![entity] }
                }
            },
            Err(reason) => Record::Rejected(reject(&display, line, reason, &row.raw)),
        }
    });
    Ok(Opened { format: Format::EuJournal, encoding, records: crate::Records::new(records) })
}

/// Column positions by name.
struct Columns {
    index: HashMap<String, usize>,
}

impl Columns {
    fn new(header: &[String]) -> Self {
        Columns { index: header.iter().enumerate().map(|(i, h)| (h.clone(), i)).collect() }
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> &'r str {
        self.index.get(name).and_then(|&i| record.get(i)).unwrap_or("").trim()
    }
}

/// Slug for an id part: letters and digits kept, runs of anything else become one `-`.
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn build(cols: &Columns, r: &csv::StringRecord, raw: &str) -> Result<Entity, String> {
    let get = |name: &str| cols.get(r, name);
    let name = get("name");
    if name.is_empty() {
        return Err("the row has no name".into());
    }
    let schema = match get("schema") {
        "" => "LegalEntity",
        s => match Schema::get(s) {
            Some(def) if def.is_a("Thing") => def.name,
            _ => return Err(format!("unknown schema `{s}`")),
        },
    };
    let (celex, annex, record_id) = (get("celex"), get("annex"), get("recordId"));
    let id = if record_id.is_empty() {
        hashed_id(&format!("eu-{}", slug(celex)), &[raw])
    } else {
        format!("eu-{}-{}-{}", slug(celex), slug(annex), slug(record_id))
    };
    let mut e = Entity::new(id, schema);
    e.add("name", name);
    for (column, prop) in [("alias", "alias"), ("weakAlias", "weakAlias"), ("previousName", "previousName")] {
        for alias in split_enumerated(get(column)) {
            for name in alias_names(alias) {
                e.add(prop, name);
            }
        }
    }
    mark_listed(&mut e, PUBLISHER);
    e.add("program", get("programKey"));
    e.add("programId", celex);
    e.add("summary", get("measure"));
    add_dates(&mut e, "createdAt", get("startDate"));
    e.add("notes", get("reason"));
    e.add("notes", get("notes"));
    for (column, prop, fallback) in [
        ("country", "country", None),
        ("nationality", "nationality", Some("country")),
        ("jurisdiction", "jurisdiction", Some("country")),
        ("flag", "flag", None),
    ] {
        add_countries(&mut e, prop, fallback, get(column));
    }
    if e.schema_def().is_some_and(|s| s.prop_type("birthDate").is_some()) {
        add_dates(&mut e, "birthDate", get("birthDate"));
    }
    if e.schema_def().is_some_and(|s| s.prop_type("incorporationDate").is_some()) {
        add_dates(&mut e, "incorporationDate", get("incorporationDate"));
    }
    for prop in ["birthPlace", "position"] {
        for value in split_enumerated(get(prop)) {
            add_declared(&mut e, prop, None, value);
        }
    }
    for prop in ["gender", "appearance", "ethnicity", "fatherName", "motherName", "legalForm", "sector"] {
        let value = get(prop);
        if !value.is_empty() {
            add_declared(&mut e, prop, None, value);
        }
    }
    for (column, prop) in [("address", "address"), ("phone", "phone"), ("email", "email"), ("website", "website")] {
        for part in split_enumerated(get(column)) {
            add_declared(&mut e, prop, None, part);
        }
    }
    for prop in [
        "passportNumber",
        "registrationNumber",
        "taxNumber",
        "idNumber",
        "innCode",
        "ogrnCode",
        "kppCode",
        "okpoCode",
        "leiCode",
        "swiftBic",
        "ticker",
        "imoNumber",
        "mmsi",
    ] {
        for (prop, number) in identifiers(prop, get(prop)) {
            let number =
                if prop == "imoNumber" { format!("IMO{}", number.trim_start_matches("IMO").trim()) } else { number };
            add_declared(&mut e, prop, Some("idNumber"), &number);
        }
    }
    Ok(e)
}

/// The names in one alias: `Abu X (formerly listed as)` → `Abu X` (a trailing remark is not part
/// of the name), but `Tobias QUILL (Тобиас КВИЛЛ)` → both, as the parentheses hold the name in
/// another script.
fn alias_names(alias: &str) -> Vec<&str> {
    match alias.find(" (") {
        Some(pos) if alias.ends_with(')') && pos > 0 => {
            let (base, inner) = (alias[..pos].trim(), alias[pos + 2..alias.len() - 1].trim());
            if inner.chars().any(|c| c.is_alphabetic() && !c.is_ascii() && !matches!(c, 'À'..='ɏ')) {
                vec![base, inner]
            } else {
                vec![base]
            }
        }
        _ => vec![alias],
    }
}

/// The identifiers in a cell, each with the property it belongs to.
fn identifiers(prop: &str, cell: &str) -> Vec<(&'static str, String)> {
    let prop: &'static str = match prop {
        "passportNumber" => "passportNumber",
        "registrationNumber" => "registrationNumber",
        "taxNumber" => "taxNumber",
        "innCode" => "innCode",
        "ogrnCode" => "ogrnCode",
        "kppCode" => "kppCode",
        "okpoCode" => "okpoCode",
        "leiCode" => "leiCode",
        "swiftBic" => "swiftBic",
        "ticker" => "ticker",
        "imoNumber" => "imoNumber",
        "mmsi" => "mmsi",
        _ => "idNumber",
    };
    let mut out = Vec::new();
    for part in split_parts(cell) {
        let mut part_prop = prop;
        let mut text = part.as_str();
        for (label, code) in [("KPP", "kppCode"), ("INN", "innCode"), ("OGRN", "ogrnCode"), ("OKPO", "okpoCode")] {
            if let Some(rest) = text.strip_prefix(label) {
                if rest.starts_with([' ', ':']) {
                    part_prop = code;
                    text = rest.trim_start_matches([' ', ':']);
                }
            }
        }
        let numeric = text.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
        if numeric {
            let digits_only = ["innCode", "ogrnCode", "kppCode", "okpoCode", "mmsi"].contains(&part_prop);
            let value = if digits_only { text.replace([' ', '-'], "") } else { text.to_string() };
            if !value.is_empty() {
                out.push((part_prop, value));
            }
        } else if text.split_whitespace().count() == 1 {
            out.push((part_prop, text.trim_matches([',', '.', ':']).to_string()));
        } else {
            for token in text.split_whitespace() {
                let token = token.trim_matches([',', '.', ':', ';']);
                if token.chars().filter(char::is_ascii_digit).count() >= 3 {
                    out.push((part_prop, token.to_string()));
                }
            }
        }
    }
    out
}

/// Splits an identifier cell on `;`, `,` and `(a)`-style markers, dropping parenthetical remarks.
fn split_parts(cell: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(cell.len());
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    cleaned.push(';'); // a closed remark or `(a)` marker ends a part
                }
            }
            '"' => {}
            _ if depth == 0 => cleaned.push(c),
            _ => {}
        }
    }
    cleaned.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const HEADER: &str = "celex,recordId,programKey,annex,measure,startDate,reason,schema,name,alias,weakAlias,previousName,country,nationality,jurisdiction,birthDate,birthPlace,position,passportNumber,gender,appearance,ethnicity,fatherName,motherName,incorporationDate,legalForm,sector,registrationNumber,taxNumber,idNumber,innCode,ogrnCode,kppCode,okpoCode,leiCode,swiftBic,ticker,imoNumber,mmsi,flag,address,phone,email,website,notes";

    /// A fictional row: the given columns set, the others empty.
    fn row(values: &[(&str, &str)]) -> String {
        HEADER
            .split(',')
            .map(|h| {
                values
                    .iter()
                    .find(|(k, _)| *k == h)
                    .map_or(String::new(), |(_, v)| format!("\"{}\"", v.replace('"', "\"\"")))
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn read(content: &str) -> Vec<Record> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        open(f.path(), "eu.csv".into(), &ReaderOptions::default()).unwrap().records.collect()
    }

    fn entity(record: &Record) -> &Entity {
        match record {
            Record::Entities { entities, .. } => &entities[0],
            Record::Rejected(r) => panic!("rejected: {}", r.reason),
        }
    }

    #[test]
    fn rows_become_listings() {
        let content = [
            HEADER.to_string(),
            row(&[
                ("celex", "32099R0001"),
                ("recordId", "7"),
                ("programKey", "EU-RUR"),
                ("annex", "I.PERSONS"),
                ("measure", "Asset freeze"),
                ("startDate", "17.3.2014"),
                ("reason", "Fictional treasurer."),
                ("schema", "Person"),
                ("name", "Tobias Quillfeather"),
                ("alias", "Тобиас Квиллфезер; Toby Quill (formerly listed as); Tobi Kvil (Тоби Квил)"),
                ("birthDate", "7.4.1956 or 16.4.1956"),
                ("nationality", "Russian and Ukrainian"),
                ("passportNumber", "X1234567 (Ruritania); 555000111"),
                ("innCode", "1234 567890"),
                ("idNumber", "(a) Voter ID 44112233AB, (b) Student ID 900100200"),
                ("gender", "Male"),
            ]),
            row(&[
                ("celex", "32099R0001"),
                ("programKey", "EU-RUR"),
                ("annex", "II"),
                ("schema", "Company"),
                ("name", "Northwind JSC"),
                ("ogrnCode", "1234567890123, KPP 123456789"),
                ("nationality", "Russia"),
            ]),
            row(&[("celex", "32099R0001"), ("recordId", "8"), ("annex", "I.PERSONS"), ("schema", "Person")]),
            row(&[
                ("celex", "32099R0001"),
                ("recordId", "7"),
                ("annex", "I.PERSONS"),
                ("schema", "Person"),
                ("name", "X"),
            ]),
            row(&[("celex", "32099R0001"), ("recordId", "9"), ("schema", "Starship"), ("name", "X")]),
            "32099R0001,10,EU-RUR".to_string(),
        ]
        .join("\n");
        let records = read(&content);
        assert_eq!(records.len(), 6);
        let p = entity(&records[0]);
        assert_eq!(p.id, "eu-32099R0001-I-PERSONS-7");
        assert_eq!(p.get("alias"), ["Тобиас Квиллфезер", "Toby Quill", "Tobi Kvil", "Тоби Квил"]);
        assert_eq!(p.get("birthDate"), ["1956-04-07", "1956-04-16"]);
        assert_eq!(p.get("nationality"), ["ru", "ua"]);
        assert_eq!(p.get("passportNumber"), ["X1234567", "555000111"]);
        assert_eq!(p.get("innCode"), ["1234567890"]);
        assert_eq!(p.get("idNumber"), ["44112233AB", "900100200"]);
        assert_eq!(p.get("createdAt"), ["2014-03-17"]);
        assert_eq!(p.get("program"), ["EU-RUR"]);
        assert_eq!(p.get("programId"), ["32099R0001"]);
        assert_eq!(p.get("notes"), ["Fictional treasurer."]);
        assert_eq!(p.get("gender"), ["male"]);
        let org = entity(&records[1]);
        assert!(org.id.starts_with("eu-32099R0001-"), "{}", org.id);
        assert_eq!(org.get("ogrnCode"), ["1234567890123"]);
        assert_eq!(org.get("kppCode"), ["123456789"]);
        assert_eq!(org.get("country"), ["ru"]);
        let reasons = super::super::outcomes(&records[2..]);
        assert_eq!(
            reasons,
            [
                "4 the row has no name",
                "5 listing key `eu-32099R0001-I-PERSONS-7` is already used at line 2",
                "6 unknown schema `Starship`",
                "7 row has 3 fields, the header has 45",
            ]
        );
    }

    #[test]
    fn an_asset_row_is_an_asset() {
        let content = [
            HEADER.to_string(),
            row(&[
                ("celex", "32099R0001"),
                ("recordId", "1"),
                ("annex", "XLVII.A"),
                ("measure", "Transportation restrictions"),
                ("schema", "Asset"),
                ("name", "Port of Fictiona"),
            ]),
        ]
        .join("\n");
        let records = read(&content);
        let asset = entity(&records[0]);
        assert_eq!((asset.schema.as_str(), asset.get("name")), ("Asset", &["Port of Fictiona".to_string()][..]));
        // FtM 4: an Asset is a Thing and, as FtM has it, not screened by name (a Company is an Asset)
        assert!(asset.schema_def().is_some_and(|s| !s.matchable && s.is_a("Thing")));
    }

    #[test]
    fn a_file_without_the_key_columns_is_refused() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"id,label\n1,x\n").unwrap();
        let err = open(f.path(), "x.csv".into(), &ReaderOptions::default()).err().unwrap().to_string();
        assert!(err.contains("no `celex`, `schema`, `name` column"), "{err}");
    }

    proptest::proptest! {
        /// A fictional listing written in the journal's layout reads back field for field.
        #[test]
        fn written_rows_read_back(p in crate::formats::lists::testgen::listed(), record_id in 1u32..5000) {
            let name = format!("{} {}", p.given, p.last);
            let aliases = format!("{}; {}", p.alias, p.weak_alias);
            let passport = format!("{} ({})", p.passport, p.country.0);
            let content = [
                HEADER.to_string(),
                row(&[
                    ("celex", "32099R0001"),
                    ("recordId", &record_id.to_string()),
                    ("annex", "I"),
                    ("schema", "Person"),
                    ("name", &name),
                    ("alias", &aliases),
                    ("birthDate", &p.eu_date()),
                    ("passportNumber", &passport),
                    ("nationality", p.country.0),
                    ("reason", &p.reason),
                ]),
            ]
            .join("\n");
            let records = read(&content);
            proptest::prop_assert_eq!(records.len(), 1);
            let e = entity(&records[0]);
            proptest::prop_assert_eq!(&e.id, &format!("eu-32099R0001-I-{record_id}"));
            proptest::prop_assert_eq!(e.get("name"), [name]);
            proptest::prop_assert_eq!(e.get("alias"), [p.alias.clone(), p.weak_alias.clone()]);
            proptest::prop_assert_eq!(e.get("birthDate"), [p.iso_date()]);
            proptest::prop_assert_eq!(e.get("passportNumber"), [p.passport.clone()]);
            proptest::prop_assert_eq!(e.get("nationality"), [p.country.1]);
            proptest::prop_assert_eq!(e.get("notes"), [p.reason.split_whitespace().collect::<Vec<_>>().join(" ")]);
        }

        #[test]
        fn mangled_rows_never_panic_and_every_row_is_accounted(
            rows in proptest::collection::vec(proptest::collection::vec("[^\"\\n\\r\\x00]{0,12}", 0..50), 1..15)
        ) {
            let mut content = HEADER.to_string();
            for fields in &rows {
                content.push('\n');
                // Never a blank row (the CSV reader skips those): the first field is never empty.
                let mut fields = fields.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>();
                if fields.is_empty() { fields.push("\"x\"".into()); }
                content.push_str(&fields.join(","));
            }
            let records = read(&content);
            proptest::prop_assert_eq!(records.len(), rows.len());
        }

        #[test]
        fn identifier_cells_never_panic(cell in "\\PC{0,60}") {
            let _ = identifiers("idNumber", &cell);
            let _ = identifiers("ogrnCode", &cell);
        }
    }
}
