//! One module per input format. Each `open` returns an [`crate::Opened`] whose iterator yields
//! one [`crate::Record`] per source record.

pub mod csv_mapped;
mod csv_rows;
pub mod eu_journal;
pub mod ftm;
mod lists;
pub mod ofac;
pub mod os_simple;
pub mod un_xml;

use crate::{Record, Reject};
pub(crate) use csv_rows::CsvRows;

/// Builds a reject for `file` at `line`. Raw text is capped at 64 KiB so a 10 MB garbage line does
/// not make a 10 MB rejects entry; the cap is said in the reason.
pub(crate) fn reject(file: &str, line: u64, reason: impl Into<String>, raw: &str) -> Reject {
    const CAP: usize = 64 * 1024;
    let mut reason = reason.into();
    let raw = if raw.len() > CAP {
        let mut end = CAP;
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        reason.push_str(&format!(" (raw record of {} bytes cut to the first {CAP})", raw.len()));
        &raw[..end]
    } else {
        raw
    };
    Reject { file: file.to_string(), line, reason, raw: raw.to_string() }
}

/// One data row of a CSV file, as the CSV reader read it.
pub(crate) struct Row<'a> {
    pub record: &'a csv::StringRecord,
    /// The line the row starts on, 1-based.
    pub line: u64,
    /// The row's number among the data rows, 1-based.
    pub number: u64,
    /// The row's fields joined by the delimiter, for the rejects file.
    pub raw: String,
}

/// The row loop of the CSV readers: yields one record per data row of `rows` (after its header).
/// A row that cannot be read (see [`csv_rows`]) becomes a reject at its true line; a row with
/// another number of fields than the header's is rejected with both counts; every other row goes
/// to `build`.
pub(crate) fn csv_records(
    mut rows: CsvRows,
    display: String,
    delimiter: char,
    n_columns: usize,
    mut build: impl FnMut(Row<'_>) -> Record + 'static,
) -> impl Iterator<Item = Record> {
    let mut number = 0u64;
    std::iter::from_fn(move || {
        let next = rows.next_record(Some(n_columns))?;
        number += 1;
        Some(match next {
            Err(bad) => Record::Rejected(reject(&display, bad.line, bad.reason, &bad.raw)),
            Ok((line, record)) => {
                let raw = record.iter().collect::<Vec<_>>().join(&delimiter.to_string());
                if record.len() != n_columns {
                    let reason = format!("row has {} fields, the header has {n_columns}", record.len());
                    return Some(Record::Rejected(reject(&display, line, reason, &raw)));
                }
                build(Row { record: &record, line, number, raw })
            }
        })
    })
}

/// Test support: each record as `ok`, or `<line> <reason>` for a reject.
#[cfg(test)]
pub(crate) fn outcomes(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|r| match r {
            Record::Rejected(r) => format!("{} {}", r.line, r.reason),
            Record::Entities { .. } => "ok".into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{open, Format, ReaderOptions, Record};
    use std::io::Write;

    proptest::proptest! {
        /// Any bytes at all, read as every format: the file is refused as a whole (binary,
        /// unknown) or read to the end, every record with a line number and a reject with a
        /// reason, and no panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..3000)) {
            let mut f = tempfile::NamedTempFile::new().unwrap();
            f.write_all(&bytes).unwrap();
            for format in [None, Some(Format::Ftm), Some(Format::OfacSdn), Some(Format::UnXml), Some(Format::EuJournal), Some(Format::OpenSanctionsSimple)] {
                if let Ok(opened) = open(f.path(), format, &ReaderOptions::default()) {
                    for record in opened.records {
                        match record {
                            Record::Entities { line, entities } => proptest::prop_assert!(line >= 1 && !entities.is_empty()),
                            Record::Rejected(r) => proptest::prop_assert!(r.line >= 1 && !r.reason.is_empty()),
                        }
                    }
                }
            }
        }
    }
}
