//! One module per input format. Each `open` returns an [`crate::Opened`] whose iterator yields
//! one [`crate::Record`] per source record.

pub mod csv_mapped;
pub mod eu_journal;
pub mod ftm;
mod lists;
pub mod ofac;
pub mod os_simple;
pub mod un_xml;

use crate::Reject;

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
