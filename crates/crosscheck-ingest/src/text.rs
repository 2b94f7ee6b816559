//! Opening a file as UTF-8 text: byte-order marks, encoding detection, binary files.
//!
//! Detection reads a sample (the first 256 KiB) with `chardetng`, the detector Firefox uses;
//! a sample that is valid UTF-8 is UTF-8. A NUL byte in the first 8 KiB marks a binary file
//! (UTF-16 files announce themselves with a BOM first, and are decoded). Decoding then streams
//! through `encoding_rs_io`, so memory stays bounded whatever the file's size.

use crate::{EncodingUsed, IngestError};
use encoding_rs::Encoding;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

const SAMPLE: usize = 256 * 1024;

/// A decoded text stream and the encoding it was read with.
pub struct TextFile {
    pub reader: Box<dyn Read + Send>,
    pub encoding: EncodingUsed,
}

fn io_err(path: &Path, source: std::io::Error) -> IngestError {
    IngestError::Io { path: path.to_path_buf(), source }
}

/// Reads the first bytes of a file (for detection).
pub fn sample(path: &Path, n: usize) -> Result<Vec<u8>, IngestError> {
    let mut file = fs_err::File::open(path).map_err(|e| io_err(path, e))?;
    let mut buf = Vec::with_capacity(n);
    file.by_ref().take(n as u64).read_to_end(&mut buf).map_err(|e| io_err(path, e))?;
    Ok(buf)
}

/// Whether the bytes look binary: a NUL byte outside a UTF-16 file.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    !utf16 && bytes.iter().take(8192).any(|&b| b == 0)
}

/// Whether `head` is UTF-8 but for a few stray bytes: another encoding is guessed only when
/// invalid sequences are more than a fifth of the non-ASCII characters. A stray 0xFF in a UTF-8
/// Cyrillic file once made the whole file decode as GBK. `cut`: the sample may end mid-character.
fn mostly_utf8(head: &[u8], cut: bool) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut chunks = head.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        let last = chunks.peek().is_none();
        if !chunk.invalid().is_empty() && (!last || !cut) {
            invalid += 1;
        }
    }
    invalid == 0 || invalid * 4 < valid
}

/// Opens `path` as text. `label` is an encoding the user named (`--encoding` or the mapping);
/// without it, a BOM decides, else UTF-8 when the sample is valid UTF-8, else detection.
pub fn open_text(path: &Path, label: Option<&str>, expected: &'static str) -> Result<TextFile, IngestError> {
    let head = sample(path, SAMPLE)?;
    // A UTF-16 file without BOM is full of NUL bytes: it is text when the user names its encoding.
    let named_utf16 = label.is_some_and(|l| {
        Encoding::for_label(l.trim().as_bytes())
            .is_some_and(|e| e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE)
    });
    if !named_utf16 && looks_binary(&head) {
        return Err(IngestError::Binary { path: path.to_path_buf(), expected });
    }
    let (encoding, detected) = match label {
        Some(l) => {
            (Encoding::for_label(l.trim().as_bytes()).ok_or_else(|| IngestError::UnknownEncoding(l.into()))?, false)
        }
        None => match Encoding::for_bom(&head) {
            Some((enc, _)) => (enc, false),
            None => {
                if mostly_utf8(&head, head.len() == SAMPLE) {
                    (encoding_rs::UTF_8, false)
                } else {
                    let mut detector = chardetng::EncodingDetector::new();
                    detector.feed(&head, head.len() < SAMPLE);
                    (detector.guess(None, true), true)
                }
            }
        },
    };
    let mut file = fs_err::File::open(path).map_err(|e| io_err(path, e))?;
    file.seek(SeekFrom::Start(0)).map_err(|e| io_err(path, e))?;
    if encoding == encoding_rs::UTF_8 && Encoding::for_bom(&head).is_none() {
        // UTF-8 without a BOM is read as it is, not through the decoder, which would turn a
        // stray byte into U+FFFD without a word: each reader rejects the record holding it.
        let reader = BufReader::with_capacity(1 << 16, file);
        return Ok(TextFile { reader: Box::new(reader), encoding: EncodingUsed { name: encoding.name(), detected } });
    }
    let reader = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(BufReader::with_capacity(1 << 16, file));
    Ok(TextFile { reader: Box::new(reader), encoding: EncodingUsed { name: encoding.name(), detected } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn decode(bytes: &[u8], label: Option<&str>) -> (String, EncodingUsed) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        let mut t = open_text(f.path(), label, "text").unwrap();
        let mut s = String::new();
        t.reader.read_to_string(&mut s).unwrap();
        (s, t.encoding)
    }

    #[test]
    fn bom_is_stripped() {
        let (s, enc) = decode(b"\xEF\xBB\xBFname\n", None);
        assert_eq!(s, "name\n");
        assert_eq!(enc.name, "UTF-8");
    }

    #[test]
    fn windows_1251_is_detected() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("фио;дата\nИванов Глеб Сергеевич;14.03.1991\nПетрова Анна;01.02.1990\n");
        let (s, enc) = decode(&bytes, None);
        assert!(s.contains("Иванов Глеб"), "{s}");
        assert_eq!(enc, EncodingUsed { name: "windows-1251", detected: true });
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let mut bytes = "id,name\n".as_bytes().to_vec();
        for i in 0..50 {
            bytes.extend(format!("{i},Иванова Мария Петровна\n").as_bytes());
        }
        bytes.extend(b"51,\xFF\n");
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&bytes).unwrap();
        let mut t = open_text(f.path(), None, "text").unwrap();
        assert_eq!(t.encoding, EncodingUsed { name: "UTF-8", detected: false });
        // The bytes come through as they are, for the reader to reject the record holding 0xFF
        // (the decoder would have made it U+FFFD without a word).
        let mut raw = Vec::new();
        t.reader.read_to_end(&mut raw).unwrap();
        assert_eq!(raw, bytes);
    }

    #[test]
    fn utf16_without_bom_loads_when_named() {
        let text = "name\nГлеб\n";
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let (s, enc) = decode(&bytes, Some("utf-16le"));
        assert_eq!(s, text);
        assert_eq!(enc.name, "UTF-16LE");
    }

    #[test]
    fn binary_is_refused() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"\x7fELF\x02\x01\x01\x00\x00\x00").unwrap();
        assert!(matches!(open_text(f.path(), None, "text"), Err(IngestError::Binary { .. })));
    }
}
