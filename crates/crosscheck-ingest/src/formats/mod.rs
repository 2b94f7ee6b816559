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
