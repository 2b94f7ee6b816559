//! Telling a file's format from its name and first bytes, when `--format` is absent.
//!
//! Content wins over the extension: the UN list is XML with a `CONSOLIDATED_LIST` root; the EU
//! journal CSV starts with `celex,recordId`; OpenSanctions' simple export with `id,schema,name`;
//! OFAC's SDN file is headerless, its first field a number and `-0-` marking empty fields.
//! Anything else ending in `.csv`/`.tsv`/`.txt` is CSV and needs a mapping; JSON is FtM. UTF-16
//! files, with a byte-order mark or without, are told by their decoded text.

use crate::text::{head_text, looks_binary, sample};
use crate::{Format, IngestError};
use std::path::Path;

/// Detects the format of `path`. `has_mapping` makes unrecognised CSV into [`Format::Csv`].
pub fn detect_format(path: &Path, has_mapping: bool) -> Result<Format, IngestError> {
    let head = sample(path, 64 * 1024)?;
    if head.is_empty() {
        // An empty file reads as zero records of whatever it claims to be.
        return Ok(if has_mapping { Format::Csv } else { Format::Ftm });
    }
    if looks_binary(&head) {
        return Err(IngestError::Binary { path: path.into(), expected: "a dataset in a known format" });
    }
    // UTF-16 (with a BOM or without) is decoded; other text is sniffed by its ASCII marks.
    let text = head_text(&head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if text.starts_with('<') {
        if text.contains("CONSOLIDATED_LIST") {
            return Ok(Format::UnXml);
        }
        return Err(IngestError::UnknownFormat {
            path: path.into(),
            reason: "XML that is not the UN Security Council consolidated list".into(),
        });
    }
    if text.starts_with('{') {
        return Ok(Format::Ftm);
    }
    let first_line = text.lines().next().unwrap_or("").trim();
    // OpenSanctions quotes every header name (`"id","schema",...`).
    let header = first_line.to_ascii_lowercase().replace('"', "");
    if header.starts_with("celex,recordid") {
        return Ok(Format::EuJournal);
    }
    if header.starts_with("id,schema,name,aliases") {
        return Ok(Format::OpenSanctionsSimple);
    }
    if has_mapping {
        return Ok(Format::Csv);
    }
    let fields: Vec<&str> = first_line.split(',').map(str::trim).collect();
    let is_number = |f: &str| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit());
    if is_number(fields[0]) && first_line.contains("-0-") {
        return Ok(Format::OfacSdn);
    }
    // OFAC's alias file (`alt.csv`): ent_num, alt_num, aka/fka/nka, name, remarks.
    if fields.len() >= 3 && is_number(fields[0]) && is_number(fields[1]) && ["aka", "fka", "nka"].contains(&fields[2]) {
        return Ok(Format::OfacSdn);
    }
    if matches!(ext.as_str(), "json" | "jsonl" | "ijson" | "ndjson" | "ftm") {
        return Ok(Format::Ftm);
    }
    if matches!(ext.as_str(), "csv" | "tsv" | "txt") {
        return Err(IngestError::MappingRequired { path: path.into() });
    }
    Err(IngestError::UnknownFormat {
        path: path.into(),
        reason: "not FtM JSON lines, CSV, or an official list format".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn detect(name: &str, content: &[u8], mapping: bool) -> Result<Format, IngestError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        fs_err::File::create(&path).unwrap().write_all(content).unwrap();
        detect_format(&path, mapping)
    }

    #[test]
    fn detection_table() {
        let table: [(&str, &[u8], bool, Option<Format>); 11] = [
            ("a.jsonl", b"{\"id\":\"x\"}\n", false, Some(Format::Ftm)),
            ("a.txt", b"\xEF\xBB\xBF{\"id\":\"x\"}\n", false, Some(Format::Ftm)),
            ("un.xml", b"<?xml version=\"1.0\"?><CONSOLIDATED_LIST>", false, Some(Format::UnXml)),
            ("eu.csv", b"celex,recordId,programKey\n", false, Some(Format::EuJournal)),
            ("t.csv", b"id,schema,name,aliases,birth_date\n", false, Some(Format::OpenSanctionsSimple)),
            ("sdn.csv", b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\"\n", false, Some(Format::OfacSdn)),
            ("t.csv", b"\"id\",\"schema\",\"name\",\"aliases\"\n", false, Some(Format::OpenSanctionsSimple)),
            ("alt.csv", b"9001,77,aka,Some other name,\n", false, Some(Format::OfacSdn)),
            ("add.csv", b"9001,25,-0- ,\"Oakvale\",\"Egypt\",-0- \n", false, Some(Format::OfacSdn)),
            ("people.csv", b"fio;dob\n", true, Some(Format::Csv)),
            ("people.csv", b"fio;dob\n", false, None),
        ];
        for (name, content, mapping, want) in table {
            assert_eq!(detect(name, content, mapping).ok(), want, "{name}");
        }
        assert!(matches!(detect("x.bin", b"\x00\x01\x02", false), Err(IngestError::Binary { .. })));
    }

    #[test]
    fn utf16_with_or_without_a_bom_is_told_by_its_text() {
        let ftm = "{\"id\":\"x\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Глеб\"]}}\n";
        let csv = "celex,recordId,programKey\n";
        let le = |t: &str, bom: bool| -> Vec<u8> {
            let bom = if bom { vec![0xFF, 0xFE] } else { vec![] };
            bom.into_iter().chain(t.encode_utf16().flat_map(u16::to_le_bytes)).collect()
        };
        let be = |t: &str| -> Vec<u8> { t.encode_utf16().flat_map(u16::to_be_bytes).collect() };
        for (name, content, want) in [
            ("a.dat", le(ftm, false), Format::Ftm),
            ("a.dat", le(ftm, true), Format::Ftm),
            ("a.dat", be(ftm), Format::Ftm),
            ("eu.csv", le(csv, false), Format::EuJournal),
            ("eu.csv", be(csv), Format::EuJournal),
        ] {
            assert_eq!(detect(name, &content, false).ok(), Some(want), "{content:?}");
        }
    }
}
