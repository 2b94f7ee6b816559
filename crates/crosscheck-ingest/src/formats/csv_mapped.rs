//! CSV with a column mapping: one entity per row.
//!
//! The header row names the columns. A mapping column missing from the header is an error for the
//! whole file (nothing could load correctly); a row with more or fewer fields than the header is
//! rejected, as is a row none of whose mapped columns has a value. Ids are stable: a hash of the
//! `id` columns' values (so a reload gives the same ids), else the dataset name and row number.

use super::reject;
use crate::mapping::{Mapping, Source};
use crate::text::open_text;
use crate::{Format, IngestError, Opened, ReaderOptions, Record};
use crosscheck_model::{Entity, PartialDate};

/// Opens a CSV file read through `mapping`.
pub fn open(
    path: &std::path::Path,
    display: String,
    mapping: Mapping,
    options: &ReaderOptions,
) -> Result<Opened, IngestError> {
    let label = options.encoding.as_deref().or(mapping.encoding.as_deref());
    let text = open_text(path, label, "CSV")?;
    let encoding = text.encoding.clone();
    let mut reader = super::CsvRows::new(text.reader, mapping.delimiter);
    let header: Vec<String> = match reader.header() {
        Ok(h) => h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_string()).collect(),
        Err(e) => return Err(IngestError::Invalid { path: path.into(), reason: format!("unreadable header: {e}") }),
    };
    let header_is_empty = header.iter().all(String::is_empty);
    let mapping_path = options.mapping_path.clone().unwrap_or_else(|| "mapping".into());
    if !header_is_empty {
        let missing: Vec<&str> = mapping.columns().filter(|c| !header.iter().any(|h| h == c)).collect();
        if !missing.is_empty() {
            return Err(IngestError::Mapping {
                path: mapping_path,
                reason: format!(
                    "column{} `{}` not in the header of `{display}` (it has: {})",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join("`, `"),
                    header.join(", ")
                ),
            });
        }
    }
    let index = |c: &str| header.iter().position(|h| h == c).unwrap_or(usize::MAX);
    let plan: Vec<(String, Plan)> = mapping
        .properties
        .iter()
        .map(|(prop, source)| {
            let plan = match source {
                Source::Column { column, format } => Plan::Column(index(column), format.clone()),
                Source::Columns(cs) => Plan::Columns(cs.iter().map(|c| index(c)).collect()),
                Source::Literal(v) => Plan::Literal(v.clone()),
            };
            (prop.clone(), plan)
        })
        .collect();
    let id_idx: Vec<usize> = mapping.id_columns.iter().map(|c| index(c)).collect();
    let schema = mapping.schema.name;
    let delimiter = mapping.delimiter as char;
    let dataset = options.dataset.clone();
    let n_columns = header.len();
    let records = super::csv_records(reader, display.clone(), delimiter, n_columns, move |row| {
        build(row.record, &plan, &id_idx, schema, &dataset, row.number, row.line, &display, &row.raw)
    });
    Ok(Opened { format: Format::Csv, encoding, records: crate::Records::new(records) })
}

enum Plan {
    Column(usize, Option<String>),
    Columns(Vec<usize>),
    Literal(String),
}

#[allow(clippy::too_many_arguments)] // one row's context; a struct would only rename these
fn build(
    record: &csv::StringRecord,
    plan: &[(String, Plan)],
    id_idx: &[usize],
    schema: &str,
    dataset: &str,
    row_no: u64,
    line: u64,
    display: &str,
    raw: &str,
) -> Record {
    let field = |i: usize| record.get(i).unwrap_or("").trim();
    let id = if id_idx.is_empty() {
        format!("{dataset}-row-{row_no}")
    } else {
        let parts: Vec<&str> = id_idx.iter().map(|&i| field(i)).collect();
        if parts.iter().all(|p| p.is_empty()) {
            return Record::Rejected(reject(display, line, "the id columns are all empty", raw));
        }
        format!("{dataset}-{}", &sha1_smol::Sha1::from(parts.join("\u{1f}")).digest().to_string()[..20])
    };
    let mut entity = Entity::new(id, schema);
    let mut n_columns_with_values = 0;
    for (prop, how) in plan {
        match how {
            Plan::Column(i, format) => {
                let value = field(*i);
                if value.is_empty() {
                    continue;
                }
                n_columns_with_values += 1;
                match format {
                    Some(fmt) => match parse_date(value, fmt) {
                        Some(d) => entity.add_clean(prop, d.to_string()),
                        None => entity.dropped.push((prop.clone(), value.to_string(), "does not fit the date format")),
                    },
                    None => {
                        entity.add(prop, value);
                    }
                }
            }
            Plan::Columns(cols) => {
                let joined: Vec<&str> = cols.iter().map(|&i| field(i)).filter(|v| !v.is_empty()).collect();
                if !joined.is_empty() {
                    n_columns_with_values += 1;
                    entity.add(prop, &joined.join(", "));
                }
            }
            Plan::Literal(v) => {
                entity.add(prop, v);
            }
        }
    }
    if n_columns_with_values == 0 {
        return Record::Rejected(reject(display, line, "no mapped column has a value", raw));
    }
    Record::Entities { line, entities: vec![entity] }
}

/// Parses a date with a strftime format. Formats without a day (`%m.%Y`) or month (`%Y`) give a
/// partial date.
pub fn parse_date(value: &str, format: &str) -> Option<PartialDate> {
    use chrono::Datelike;
    let has_day = format.contains("%d") || format.contains("%e") || format.contains("%j");
    let has_month = format.contains("%m") || format.contains("%b") || format.contains("%B");
    if has_day {
        let d = chrono::NaiveDate::parse_from_str(value, format).ok()?;
        return PartialDate::new(d.year(), Some(d.month() as u8), Some(d.day() as u8));
    }
    let padded_value = format!("{value}|01");
    if has_month {
        let d = chrono::NaiveDate::parse_from_str(&padded_value, &format!("{format}|%d")).ok()?;
        return PartialDate::new(d.year(), Some(d.month() as u8), None);
    }
    let d = chrono::NaiveDate::parse_from_str(&format!("{value}|01|01"), &format!("{format}|%m|%d")).ok()?;
    PartialDate::new(d.year(), None, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const MAPPING: &str = "schema: Person\nid: [passport]\ndelimiter: \";\"\nproperties:\n  name: fio\n  birthDate: {column: dob, format: \"%d.%m.%Y\"}\n  address: [street, city]\n  nationality: {literal: ru}\n";

    fn read(content: &[u8], encoding: Option<&str>) -> Result<Vec<Record>, IngestError> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content).unwrap();
        let options = ReaderOptions {
            mapping: Some(Mapping::parse(MAPPING).unwrap()),
            encoding: encoding.map(String::from),
            dataset: "leak".into(),
            ..Default::default()
        };
        Ok(open(f.path(), "leak.csv".into(), options.mapping.clone().unwrap(), &options)?.records.collect())
    }

    #[test]
    fn rows_become_entities_and_bad_rows_are_rejected() {
        let records = read(
            "fio;dob;passport;street;city\nИванов Глеб;14.03.1991;4509 123456;Lesnaya 5;Moscow\n;;;;\nPetrov;1.1.1990;77\nAnna;31.02.1990;1;;Tver\n"
                .as_bytes(),
            None,
        )
        .unwrap();
        assert_eq!(records.len(), 4);
        let Record::Entities { entities, line } = &records[0] else { panic!() };
        assert_eq!(*line, 2);
        let e = &entities[0];
        assert_eq!(e.get("name"), ["Иванов Глеб"]);
        assert_eq!(e.get("birthDate"), ["1991-03-14"]);
        assert_eq!(e.get("address"), ["Lesnaya 5, Moscow"]);
        assert_eq!(e.get("nationality"), ["ru"]);
        assert!(e.id.starts_with("leak-"));
        let Record::Rejected(r) = &records[1] else { panic!() };
        assert_eq!((r.line, r.reason.as_str()), (3, "the id columns are all empty"));
        let Record::Rejected(r) = &records[2] else { panic!() };
        assert_eq!((r.line, r.reason.as_str()), (4, "row has 3 fields, the header has 5"));
        let Record::Entities { entities, .. } = &records[3] else { panic!() };
        assert_eq!(entities[0].dropped.len(), 1, "31.02 is not a date");
    }

    #[test]
    fn missing_column_fails_the_file() {
        let err = read(b"fio;dob\nA;1.1.1990\n", None).unwrap_err().to_string();
        assert!(err.contains("`passport`, `street`, `city` not in the header"), "{err}");
    }

    #[test]
    fn windows_1251_with_explicit_encoding() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("fio;dob;passport;street;city\nИванов;01.01.1990;1;;\n");
        let records = read(&bytes, Some("windows-1251")).unwrap();
        let Record::Entities { entities, .. } = &records[0] else { panic!() };
        assert_eq!(entities[0].get("name"), ["Иванов"]);
    }

    #[test]
    fn partial_date_formats() {
        assert_eq!(parse_date("03.1991", "%m.%Y").unwrap().to_string(), "1991-03");
        assert_eq!(parse_date("1991", "%Y").unwrap().to_string(), "1991");
        assert_eq!(parse_date("14/03/1991", "%d/%m/%Y").unwrap().to_string(), "1991-03-14");
        assert!(parse_date("x", "%Y").is_none());
    }

    proptest::proptest! {
        /// Rows of any text, any line ending (LF, CR LF, lone CR) and at most one quote that never
        /// closes: every non-blank row is exactly one record, an entity or a reject with a reason,
        /// at its true line; the broken row alone is rejected.
        #[test]
        fn mangled_csv_never_panics_and_every_row_is_accounted(
            rows in proptest::collection::vec(proptest::collection::vec(r"[a-zA-Zа-я0-9 .,;\x{2028}\t-]{0,12}", 1..7), 0..12),
            ending in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
            broken in proptest::option::of((0usize..12, 0usize..7)),
        ) {
            let mut rows = rows;
            let broken = broken.filter(|&(r, _)| r < rows.len()).map(|(r, f)| {
                let f = f.min(rows[r].len() - 1);
                rows[r][f] = format!("\"{}", rows[r][f]);
                r
            });
            let mut content = format!("fio;dob;passport;street;city{ending}");
            for row in &rows {
                content.push_str(&row.join(";"));
                content.push_str(ending);
            }
            let records = read(content.as_bytes(), None).unwrap();
            // Blank lines are not rows; row i is on line i + 2.
            let lines: Vec<u64> = (0..rows.len()).filter(|&i| !rows[i].join(";").is_empty()).map(|i| i as u64 + 2).collect();
            proptest::prop_assert_eq!(records.len(), lines.len());
            for (r, &want) in records.iter().zip(&lines) {
                match r {
                    Record::Rejected(r) => {
                        proptest::prop_assert!(!r.reason.is_empty());
                        proptest::prop_assert_eq!(r.line, want);
                    }
                    Record::Entities { line, .. } => {
                        proptest::prop_assert_eq!(*line, want);
                        proptest::prop_assert!(broken.map(|b| b as u64 + 2) != Some(want), "the broken row loaded");
                    }
                }
            }
        }
    }

    #[test]
    fn an_unterminated_quote_rejects_its_row_and_the_rows_after_it_load() {
        let mut content = String::from("fio;dob;passport;street;city\n");
        for i in 1..=6000 {
            if i == 3 {
                content.push_str("\"Broken quote;;3;;\n");
            } else {
                content.push_str(&format!("Person {i};;{i};;\n"));
            }
        }
        let records = read(content.as_bytes(), None).unwrap();
        assert_eq!(records.len(), 6000);
        let rejects: Vec<_> =
            records.iter().filter_map(|r| if let Record::Rejected(r) = r { Some(r) } else { None }).collect();
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].line, 4);
        assert!(rejects[0].reason.contains("quote"), "{}", rejects[0].reason);
        assert_eq!(rejects[0].raw, "\"Broken quote;;3;;");
    }

    #[test]
    fn cr_only_rows_are_rejected_at_their_true_line() {
        let mut content = String::from("fio;dob;passport;street;city\r");
        for i in 2..=60 {
            content.push_str(&if i == 51 { "only;three;fields".to_string() } else { format!("Person {i};;{i};;") });
            content.push('\r');
        }
        let records = read(content.as_bytes(), None).unwrap();
        assert_eq!(records.len(), 59);
        let Record::Rejected(r) = &records[49] else { panic!("row 51 loaded") };
        assert_eq!((r.line, r.reason.as_str()), (51, "row has 3 fields, the header has 5"));
    }
}
