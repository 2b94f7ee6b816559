//! Every reader of outside files, fed arbitrary bytes: it must never panic, and every record it
//! yields is an entity or a reject. The first byte picks the format; the rest is the file.
#![no_main]

use crosscheck_ingest::{open, Format, Mapping, ReaderOptions, Record};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let format = [None, Some(Format::Ftm), Some(Format::Csv), Some(Format::OfacSdn), Some(Format::UnXml),
        Some(Format::EuJournal), Some(Format::OpenSanctionsSimple)][pick as usize % 7];
    let path = std::env::temp_dir().join(format!("cc-fuzz-{}.dat", std::process::id()));
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let options = ReaderOptions {
        mapping: Mapping::parse("schema: Person\nproperties:\n  name: a\n  birthDate: {column: b, format: \"%d.%m.%Y\"}\n").ok(),
        dataset: "fuzz".into(),
        ..Default::default()
    };
    if let Ok(opened) = open(&path, format, &options) {
        for record in opened.records.take(10_000) {
            match record {
                Record::Entities { entities, .. } => assert!(!entities.is_empty()),
                Record::Rejected(r) => assert!(!r.reason.is_empty()),
            }
        }
    }
});
