//! OpenSanctions' `targets.simple.csv` exports: one target per row (`id, schema, name, aliases,
//! birth_date, countries, addresses, identifiers, sanctions, phones, emails, [program_ids,]
//! dataset, first_seen, last_seen, last_change`).
//!
//! Columns are found by header name (exports differ: some have `program_ids`), and `id` and
//! `name` must be there. Multi-valued cells are `;`-separated, and a value that itself contains
//! `;` or `"` is quoted CSV-style inside the cell (`"Red Notice - a; b"`), so cells with a quote
//! are split with a `;`-delimited CSV parser and the others with a plain split.
//!
//! The export keeps OpenSanctions' ids (`NK-...`), so entities keep them: the same target in two
//! exports has the same id. Its schema must be one crosscheck knows (a row of another schema,
//! such as `CryptoWallet`, is rejected with the schema named). The export flattens all country
//! properties into `countries` (→ `country`) and all identifiers into `identifiers`: an
//! `IMO1234567` becomes `imoNumber` on vessels and organisations, the rest `idNumber`
//! (`registrationNumber` on vessels). `sanctions` (the listing summaries) goes to `notes` and
//! marks the target with `topics: sanction`; `program_ids` → `program`, `dataset` → `publisher`,
//! `first_seen` → `createdAt`, `last_change` → `modifiedAt`.

use super::lists::{add_declared, split_list};
use super::reject;
use crate::text::open_text;
use crate::{Format, IngestError, Opened, ReaderOptions, Record};
use crosscheck_model::{Entity, Schema};
use std::collections::HashMap;
use std::path::Path;

/// Opens an OpenSanctions simple CSV export.
pub fn open(path: &Path, display: String, options: &ReaderOptions) -> Result<Opened, IngestError> {
    let text = open_text(path, options.encoding.as_deref(), "OpenSanctions targets.simple.csv")?;
    let encoding = text.encoding.clone();
    let mut reader = super::CsvRows::new(text.reader, b',');
    let header: Vec<String> = match reader.header() {
        Ok(h) => h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_string()).collect(),
        Err(e) => return Err(IngestError::Invalid { path: path.into(), reason: format!("unreadable header: {e}") }),
    };
    if !header.iter().all(String::is_empty) {
        let missing: Vec<&str> = ["id", "name"].into_iter().filter(|c| !header.iter().any(|h| h == c)).collect();
        if !missing.is_empty() {
            return Err(IngestError::Invalid {
                path: path.into(),
                reason: format!(
                    "not an OpenSanctions simple export: no `{}` column in the header",
                    missing.join("`, `")
                ),
            });
        }
    }
    let index: HashMap<String, usize> = header.iter().enumerate().map(|(i, h)| (h.clone(), i)).collect();
    let n_columns = header.len();
    let records =
        super::csv_records(reader, display.clone(), ',', n_columns, move |row| match build(&index, row.record) {
            Ok(entity) => Record::Entities { line: row.line, entities: vec![entity] },
            Err(reason) => Record::Rejected(reject(&display, row.line, reason, &row.raw)),
        });
    Ok(Opened { format: Format::OpenSanctionsSimple, encoding, records: crate::Records::new(records) })
}

/// The values of a `;`-separated cell whose values may be quoted CSV-style (`"a; b";c`, `""`
/// inside quotes for a quote). Hand-written rather than a `;`-delimited `csv::Reader` per cell:
/// building a reader allocates and zeroes its buffers, which was a third of a whole load's time.
fn values(cell: &str) -> Vec<String> {
    if !cell.contains('"') {
        return split_list(cell, ';').map(String::from).collect();
    }
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
}

/// The trimmed value of column `name` (empty when the file has no such column).
fn cell<'r>(index: &HashMap<String, usize>, record: &'r csv::StringRecord, name: &str) -> &'r str {
    index.get(name).and_then(|&i| record.get(i)).unwrap_or("").trim()
}

fn build(index: &HashMap<String, usize>, record: &csv::StringRecord) -> Result<Entity, String> {
    let get = |name: &str| cell(index, record, name);
    let id = get("id");
    if id.is_empty() {
        return Err("the row has no id".into());
    }
    let name = get("name");
    if name.is_empty() {
        return Err("the row has no name".into());
    }
    let schema = match get("schema") {
        "" => "LegalEntity",
        s => match Schema::get(s) {
            Some(def) => def.name,
            None => return Err(format!("schema `{s}` is not one crosscheck knows")),
        },
    };
    let mut e = Entity::new(id, schema);
    e.add("name", name);
    for alias in values(get("aliases")) {
        e.add("alias", &alias);
    }
    for date in values(get("birth_date")) {
        add_declared(&mut e, "birthDate", None, &date);
    }
    for country in values(get("countries")) {
        e.add("country", &country);
    }
    for address in values(get("addresses")) {
        e.add("address", &address);
    }
    for phone in values(get("phones")) {
        add_declared(&mut e, "phone", None, &phone);
    }
    for email in values(get("emails")) {
        add_declared(&mut e, "email", None, &email);
    }
    for identifier in values(get("identifiers")) {
        let imo = identifier.strip_prefix("IMO").filter(|d| d.len() == 7 && d.bytes().all(|b| b.is_ascii_digit()));
        let prop = match (imo, schema) {
            (Some(_), "Vessel" | "Organization" | "Company") => "imoNumber",
            (_, "Vessel") => "registrationNumber",
            _ => "idNumber",
        };
        add_declared(&mut e, prop, None, &identifier);
    }
    let sanctions = values(get("sanctions"));
    if !sanctions.is_empty() {
        e.add_clean("topics", "sanction".to_string());
    }
    for s in sanctions {
        e.add("notes", &s);
    }
    for program in values(get("program_ids")) {
        e.add("program", &program);
    }
    e.add("publisher", get("dataset"));
    e.add("createdAt", get("first_seen"));
    e.add("modifiedAt", get("last_change"));
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read(content: &str) -> Vec<Record> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        open(f.path(), "targets.simple.csv".into(), &ReaderOptions::default()).unwrap().records.collect()
    }

    const HEADER: &str = "\"id\",\"schema\",\"name\",\"aliases\",\"birth_date\",\"countries\",\"addresses\",\"identifiers\",\"sanctions\",\"phones\",\"emails\",\"program_ids\",\"dataset\",\"first_seen\",\"last_seen\",\"last_change\"";

    #[test]
    fn rows_become_targets() {
        let content = format!(
            "{HEADER}\n\
             \"NK-a1\",\"Person\",\"Tobias Quillfeather\",\"Toby Quill;Тобиас Квиллфезер\",\"1961-05-03;1962\",\"ru;ua\",\"\",\"1234567890\",\"\"\"Wanted - fraud; forgery\"\";Asset freeze\",\"\",\"\",\"RU-X\",\"Fictional list\",\"2024-03-04T17:09:51\",\"2025-05-23T18:28:10\",\"2024-08-08T18:27:02\"\n\
             \"NK-a2\",\"Vessel\",\"SEA LARK\",\"Old Lark\",\"\",\"pa\",\"\",\"IMO9123456\",\"\"\"\"\"\",\"\",\"\",\"\",\"Fictional list\",\"2024-03-04\",\"2025-05-23\",\"2024-08-08\"\n\
             \"NK-a3\",\"Spaceship\",\"EP-XXX\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"x\",\"\",\"\",\"\"\n\
             \"NK-a4\",\"Person\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"x\",\"\",\"\",\"\"\n\
             \"NK-a5\",\"Person\"\n"
        );
        let records = read(&content);
        assert_eq!(records.len(), 5);
        let Record::Entities { entities, line } = &records[0] else { panic!("{:?}", records[0]) };
        let p = &entities[0];
        assert_eq!((p.id.as_str(), *line), ("NK-a1", 2));
        assert_eq!(p.get("alias"), ["Toby Quill", "Тобиас Квиллфезер"]);
        assert_eq!(p.get("birthDate"), ["1961-05-03", "1962"]);
        assert_eq!(p.get("country"), ["ru", "ua"]);
        assert_eq!(p.get("idNumber"), ["1234567890"]);
        assert_eq!(p.get("notes"), ["Wanted - fraud; forgery", "Asset freeze"]);
        assert_eq!(p.get("topics"), ["sanction"]);
        assert_eq!(p.get("program"), ["RU-X"]);
        assert_eq!(p.get("createdAt"), ["2024-03-04"]);
        let Record::Entities { entities, .. } = &records[1] else { panic!() };
        assert_eq!(entities[0].get("imoNumber"), ["IMO9123456"]);
        assert!(entities[0].get("topics").is_empty(), "an empty quoted sanction is no sanction");
        let reasons = super::super::outcomes(&records[2..]);
        assert_eq!(
            reasons,
            [
                "4 schema `Spaceship` is not one crosscheck knows",
                "5 the row has no name",
                "6 row has 2 fields, the header has 16"
            ]
        );
    }

    /// A value as OpenSanctions writes it in a `;`-separated cell.
    fn cell_value(v: &str) -> String {
        if v.contains([';', '"']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    }

    /// A CSV field, quoted.
    fn field(v: &str) -> String {
        format!("\"{}\"", v.replace('"', "\"\""))
    }

    proptest::proptest! {
        /// A fictional target written as OpenSanctions writes a row reads back field for field.
        #[test]
        fn written_rows_read_back(p in crate::formats::lists::testgen::listed(), n in 1u32..1_000_000) {
            let fields = [
                format!("NK-{n}"),
                "Person".to_string(),
                format!("{} {}", p.given, p.last),
                format!("{};{}", p.alias, p.weak_alias),
                p.iso_date(),
                p.country.1.to_string(),
                String::new(),
                p.passport.clone(),
                cell_value(&p.reason),
                String::new(),
                String::new(),
                "X-1".to_string(),
                "Fictional list".to_string(),
                "2024-03-04T17:09:51".to_string(),
                "2025-05-23T18:28:10".to_string(),
                "2024-08-08T18:27:02".to_string(),
            ];
            let content = format!("{HEADER}\n{}\n", fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
            let records = read(&content);
            proptest::prop_assert_eq!(records.len(), 1);
            let Record::Entities { entities, .. } = &records[0] else { panic!("{:?}", records[0]) };
            let e = &entities[0];
            proptest::prop_assert_eq!(&e.id, &format!("NK-{n}"));
            proptest::prop_assert_eq!(e.get("name"), [format!("{} {}", p.given, p.last)]);
            proptest::prop_assert_eq!(e.get("alias"), [p.alias.clone(), p.weak_alias.clone()]);
            proptest::prop_assert_eq!(e.get("birthDate"), [p.iso_date()]);
            proptest::prop_assert_eq!(e.get("country"), [p.country.1]);
            proptest::prop_assert_eq!(e.get("idNumber"), [p.passport.clone()]);
            proptest::prop_assert_eq!(e.get("notes"), [p.reason.split_whitespace().collect::<Vec<_>>().join(" ")]);
        }

        #[test]
        fn mangled_rows_never_panic_and_every_row_is_accounted(
            rows in proptest::collection::vec(proptest::collection::vec("[^\\n\\r\\x00]{0,12}", 1..18), 1..15)
        ) {
            let mut content = HEADER.to_string();
            for fields in &rows {
                content.push('\n');
                let fields: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
                content.push_str(&fields.join(","));
            }
            proptest::prop_assert_eq!(read(&content).len(), rows.len());
        }

        #[test]
        fn list_cells_never_panic(cell in "\\PC{0,60}") {
            let _ = values(&cell);
        }

        /// Values written the way OpenSanctions writes them read back unchanged.
        #[test]
        fn list_cells_round_trip(items in proptest::collection::vec("[^\\s;\"][^;\"]{0,8}[^\\s;\"]|[^\\s]{0,0}x[a-z\"; ]{0,6}y", 0..6)) {
            let cell = items
                .iter()
                .map(|v| if v.contains([';', '"']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.clone() })
                .collect::<Vec<_>>()
                .join(";");
            let want: Vec<String> = items.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
            proptest::prop_assert_eq!(values(&cell), want);
        }
    }
}
