//! Opening a file as UTF-8 text: byte-order marks, encoding detection, binary files.
//!
//! Detection reads a sample (the first 256 KiB): a BOM decides; UTF-16 without a BOM shows as
//! NUL bytes at every other offset beside ASCII-range bytes; a sample that is UTF-8 but for a
//! few stray bytes is UTF-8. Anything else is guessed with `chardetng`, the detector Firefox
//! uses, and the guess is assessed ([`assess_guess`]): too little evidence keeps UTF-8 (the
//! records holding bytes that are not UTF-8 are then rejected, one by one), and a guess whose
//! evidence is weak says why. A NUL byte in the first 8 KiB of anything else marks a binary
//! file. Decoding then streams through `encoding_rs_io`, so memory stays bounded whatever the
//! file's size.

use crate::{EncodingUsed, IngestError};
use encoding_rs::Encoding;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

const SAMPLE: usize = 256 * 1024;

/// A decoded text stream and the encoding it was read with.
pub struct TextFile {
    pub reader: Box<dyn Read + Send>,
    pub encoding: EncodingUsed,
    /// Lines end at CR (old Mac tools): the sample holds a CR and no LF.
    pub cr_line_ends: bool,
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

/// Whether the bytes look binary: a NUL byte outside a UTF-16 file (with or without a BOM).
pub fn looks_binary(bytes: &[u8]) -> bool {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    !utf16 && bytes.iter().take(8192).any(|&b| b == 0) && utf16_without_bom(bytes).is_none()
}

/// UTF-16 without a byte-order mark: in its first 8 KiB, at least a fifth of the 16-bit units
/// are ASCII characters (a NUL byte beside a byte below 0x80: JSON and CSV punctuation, digits,
/// line ends are ASCII whatever the script), NUL bytes on the other side are almost absent, and
/// the whole sample decodes without error or control characters other than tab, CR, LF.
pub fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192) & !1];
    let units = head.len() / 2;
    if units < 2 {
        return None;
    }
    let (mut le, mut be) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => return None,
            (a, 0) if a < 0x80 => le += 1,
            (0, b) if b < 0x80 => be += 1,
            _ => {}
        }
    }
    let encoding = if le * 5 >= units && be * 50 <= units {
        encoding_rs::UTF_16LE
    } else if be * 5 >= units && le * 50 <= units {
        encoding_rs::UTF_16BE
    } else {
        return None;
    };
    // A sample may end inside a surrogate pair: judge it without its last two units.
    let judged = &bytes[..(bytes.len() & !1).saturating_sub(4)];
    let (text, had_errors) = encoding.decode_without_bom_handling(judged);
    let clean = !had_errors && !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    clean.then_some(encoding)
}

/// The first bytes of a file as text, for telling its format: UTF-16 (with a BOM or without)
/// decoded, anything else read as UTF-8 with replacement characters (format marks are ASCII).
pub fn head_text(bytes: &[u8]) -> String {
    let utf16 = match Encoding::for_bom(bytes) {
        Some((enc, _)) if enc != encoding_rs::UTF_8 => Some(enc),
        Some(_) => None,
        None => utf16_without_bom(bytes),
    };
    match utf16 {
        Some(enc) => enc.decode_with_bom_removal(&bytes[..bytes.len() & !1]).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
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
/// without it, a BOM decides, else UTF-16 told by its NUL bytes, else UTF-8 when the sample is
/// UTF-8 but for a few stray bytes, else a guess made on enough evidence ([`assess_guess`]).
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
    let (encoding, detected, doubt) = match label {
        Some(l) => (
            Encoding::for_label(l.trim().as_bytes()).ok_or_else(|| IngestError::UnknownEncoding(l.into()))?,
            false,
            None,
        ),
        None => match Encoding::for_bom(&head) {
            Some((enc, _)) => (enc, false, None),
            None => match utf16_without_bom(&head) {
                Some(enc) => (enc, true, None),
                None if mostly_utf8(&head, head.len() == SAMPLE) => (encoding_rs::UTF_8, false, None),
                None => {
                    let mut detector = chardetng::EncodingDetector::new();
                    detector.feed(&head, head.len() < SAMPLE);
                    let guess = detector.guess(None, true);
                    match assess_guess(&head, head.len() == SAMPLE, guess) {
                        // Too little to go on: UTF-8, and the records with other bytes are rejected.
                        Assessment::TooLittle => (encoding_rs::UTF_8, false, None),
                        Assessment::Strong => (guess, true, None),
                        Assessment::Weak(why) => (guess, true, Some(why)),
                    }
                }
            },
        },
    };
    let cr_line_ends = memchr::memchr(b'\n', &head).is_none() && memchr::memchr(b'\r', &head).is_some();
    let mut file = fs_err::File::open(path).map_err(|e| io_err(path, e))?;
    file.seek(SeekFrom::Start(0)).map_err(|e| io_err(path, e))?;
    if encoding == encoding_rs::UTF_8 && Encoding::for_bom(&head).is_none() {
        // UTF-8 without a BOM is read as it is, not through the decoder, which would turn a
        // stray byte into U+FFFD without a word: each reader rejects the record holding it.
        let reader = BufReader::with_capacity(1 << 16, file);
        return Ok(TextFile {
            cr_line_ends,
            reader: Box::new(reader),
            encoding: EncodingUsed { name: encoding.name(), detected, doubt },
        });
    }
    let reader = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(BufReader::with_capacity(1 << 16, file));
    Ok(TextFile {
        reader: Box::new(reader),
        encoding: EncodingUsed { name: encoding.name(), detected, doubt },
        cr_line_ends,
    })
}

/// What the evidence says about a guessed encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Assessment {
    /// Fewer than [`MIN_EVIDENCE`] characters outside ASCII: no guess is worth making.
    TooLittle,
    Strong,
    /// The guess stands, but it may be wrong, for this reason (said in the load summary).
    Weak(String),
}

/// The fewest characters outside ASCII a guess is made on.
const MIN_EVIDENCE: usize = 8;

/// The single- and double-byte encodings a guess is weighed against.
const RIVALS: [&Encoding; 17] = [
    encoding_rs::WINDOWS_1251,
    encoding_rs::KOI8_R,
    encoding_rs::IBM866,
    encoding_rs::ISO_8859_5,
    encoding_rs::WINDOWS_1252,
    encoding_rs::WINDOWS_1250,
    encoding_rs::ISO_8859_2,
    encoding_rs::WINDOWS_1253,
    encoding_rs::WINDOWS_1254,
    encoding_rs::WINDOWS_1255,
    encoding_rs::WINDOWS_1256,
    encoding_rs::WINDOWS_1257,
    encoding_rs::GBK,
    encoding_rs::BIG5,
    encoding_rs::SHIFT_JIS,
    encoding_rs::EUC_JP,
    encoding_rs::EUC_KR,
];

/// How sure the guess `guess` for `head` (a sample, `cut` when the file goes on) is. The evidence:
/// how many characters outside ASCII the sample holds, whether `guess` decodes them all, whether
/// what it gives reads as text ([`plausibility`]: letters of one script, sensible case, common
/// letters), and whether another common encoding reads a different text as plausibly.
/// (`chardetng`'s own `guess_assess` does not help here: in 0.1.17 it is true for any guess.)
fn assess_guess(head: &[u8], cut: bool, guess: &'static Encoding) -> Assessment {
    let head = match (cut, head.iter().rposition(|&b| b == b'\n')) {
        (true, Some(i)) => &head[..=i],
        _ => head,
    };
    let (text, _) = guess.decode_without_bom_handling(head);
    let errors = text.chars().filter(|&c| c == '\u{fffd}').count();
    let mine = plausibility(&text);
    if mine.outside_ascii < MIN_EVIDENCE {
        return Assessment::TooLittle;
    }
    let name = guess.name();
    if errors > 0 {
        return Assessment::Weak(format!("{errors} byte sequences in the first part of the file are not {name}"));
    }
    if mine.score < 0.75 {
        return Assessment::Weak(format!(
            "read as {name}, the text is not mostly words in one alphabet ({:.0}% plausible)",
            mine.score * 100.0
        ));
    }
    for rival in RIVALS.into_iter().filter(|&r| r != guess) {
        let (other, had_errors) = rival.decode_without_bom_handling(head);
        if had_errors || same_reading(&text, &other) {
            continue;
        }
        if plausibility(&other).score >= mine.score * 0.8 {
            return Assessment::Weak(format!("{} reads it almost as plausibly", rival.name()));
        }
    }
    Assessment::Strong
}

/// Whether two decodings of a sample read the same but for a few characters (encodings that
/// differ only in rare symbols).
fn same_reading(a: &str, b: &str) -> bool {
    let (mut differ, mut total) = (0usize, 0usize);
    let mut b_chars = b.chars();
    for x in a.chars() {
        let Some(y) = b_chars.next() else { return false };
        if !x.is_ascii() || !y.is_ascii() {
            total += 1;
            differ += usize::from(x != y);
        }
    }
    b_chars.next().is_none() && differ * 20 <= total
}

/// How much a decoded text looks like text, as seen from its characters outside ASCII.
struct Plausibility {
    /// Characters outside ASCII, punctuation and spaces left out.
    outside_ascii: usize,
    /// 0 to 1: the share of them that are letters of the most frequent script, lowered by words
    /// with a capital after a small letter (`иВАНОВ`, a sign of KOI8-R read as windows-1251 or
    /// the reverse), a final letter inside or a vowel point first, for Latin by words mostly of accented letters, and for Cyrillic and Greek
    /// by a low share of their most common letters.
    score: f64,
}

/// The script of a character outside ASCII, for letters: 0 Latin, 1 Greek, 2 Cyrillic, 3 Armenian,
/// 4 Hebrew, 5 Arabic, 6 Thai, 7 Chinese, Japanese and Korean (they mix).
fn script(c: char) -> Option<usize> {
    let u = c as u32;
    let script = match u {
        0x00C0..=0x024F | 0x1E00..=0x1EFF => 0,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => 1,
        0x0400..=0x052F => 2,
        0x0530..=0x058F => 3,
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => 4,
        0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => 5,
        0x0E00..=0x0E7F => 6,
        0x1100..=0x11FF | 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF => 7,
        _ => return None,
    };
    (script == 7 || c.is_alphabetic()).then_some(script)
}

/// Punctuation and spaces outside ASCII that real text holds whatever the script: they are
/// neither evidence for nor against a reading.
fn neutral(c: char) -> bool {
    matches!(c as u32, 0x00A0 | 0x00AB | 0x00BB | 0x00B7 | 0x2000..=0x206F | 0x2116 | 0x20AC)
}

/// For scripts whose text a misread turns into other letters of the same script: the most
/// common letters (about 0.6 of the letters of real text; a misread gives about 0.25).
const COMMON: [(usize, &str); 2] = [(1, "αοιετσνηυρς"), (2, "оеаинтсрвлі")];

/// Letters that only end a word (Greek final sigma, Hebrew final forms): one inside a word is a
/// sign of a misread.
const FINALS: &str = "ςםןץףך";

/// Hebrew and Arabic vowel points: they follow a letter, never start a word.
fn point(c: char) -> bool {
    matches!(c as u32, 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED)
}

fn plausibility(text: &str) -> Plausibility {
    let mut by_script = [0usize; 8];
    let mut common = [0usize; 8];
    let mut outside_ascii = 0usize;
    // Words holding a letter outside ASCII, and those of them that are odd (see `score`).
    let (mut words, mut odd_words) = (0usize, 0usize);
    // The letters of those words, and how many of them are outside ASCII.
    let (mut word_letters, mut word_non_ascii) = (0usize, 0usize);
    let (mut letters, mut non_ascii, mut odd, mut prev_lower, mut prev_final) = (0usize, 0usize, false, false, false);
    let mut end_word = |letters: &mut usize, non_ascii: &mut usize, odd: &mut bool| {
        if *non_ascii > 0 {
            words += 1;
            odd_words += usize::from(*odd);
            word_letters += *letters;
            word_non_ascii += *non_ascii;
        }
        (*letters, *non_ascii, *odd) = (0, 0, false);
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            odd |= (c.is_uppercase() && prev_lower) || prev_final || (letters == 0 && point(c));
            letters += 1;
            non_ascii += usize::from(!c.is_ascii());
            prev_lower = c.is_lowercase();
            prev_final = FINALS.contains(c);
        } else {
            end_word(&mut letters, &mut non_ascii, &mut odd);
            (prev_lower, prev_final) = (false, false);
        }
        if c.is_ascii() || neutral(c) {
            continue;
        }
        outside_ascii += 1;
        if let Some(s) = script(c) {
            by_script[s] += 1;
            if let Some((_, set)) = COMMON.iter().find(|(script, _)| *script == s) {
                let lower = c.to_lowercase().next().unwrap_or(c);
                common[s] += usize::from(set.contains(lower));
            }
        }
    }
    end_word(&mut letters, &mut non_ascii, &mut odd);
    let (main_script, main) = by_script.iter().copied().enumerate().max_by_key(|&(_, n)| n).unwrap_or((0, 0));
    let mut score = if outside_ascii == 0 { 0.0 } else { main as f64 / outside_ascii as f64 };
    if words > 0 {
        score *= 1.0 - odd_words as f64 / words as f64;
    }
    if main_script == 0 && word_letters > 0 {
        // Latin text is mostly ASCII letters, a few accented; Cyrillic or Greek misread as
        // Latin-1 is accented letters only (`Èâàíîâ`).
        let share = word_non_ascii as f64 / word_letters as f64;
        score *= ((1.0 - share) / 0.6).min(1.0);
    }
    if COMMON.iter().any(|(s, _)| *s == main_script) && main >= 20 {
        score *= (common[main_script] as f64 / main as f64 / 0.45).min(1.0);
    }
    Plausibility { outside_ascii, score }
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
        assert_eq!(enc, EncodingUsed { name: "windows-1251", detected: true, doubt: None });
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
        assert_eq!(t.encoding, EncodingUsed { name: "UTF-8", detected: false, doubt: None });
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
    fn utf16_without_bom_is_detected_in_either_byte_order() {
        let text = "id,name\n1,Глеб Иванов\n2,Ana Reyes\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            assert!(!looks_binary(&bytes));
            let (s, enc) = decode(&bytes, None);
            assert_eq!(s, text);
            assert_eq!(enc, EncodingUsed { name, detected: true, doubt: None });
        }
        // Text wholly outside ASCII (no NUL bytes at all) is not taken for UTF-16.
        let cyrillic: Vec<u8> = "ГлебИванов".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(utf16_without_bom(&cyrillic), None);
    }

    /// A guess on plenty of Cyrillic in mixed case is sure; a guess that another encoding reads
    /// as plausibly (capitals only) says so; a handful of stray bytes keeps UTF-8.
    #[test]
    fn how_sure_a_guess_is() {
        let names = "Иванов Глеб Сергеевич;Петрова Анна Викторовна;Сидоров Олег Иванович;Кузнецова Мария\n";
        for encoding in [encoding_rs::WINDOWS_1251, encoding_rs::KOI8_R] {
            let repeated = names.repeat(3);
            let (bytes, _, _) = encoding.encode(&repeated);
            let (s, enc) = decode(&bytes, None);
            assert!(s.contains("Петрова Анна"), "{s}");
            // KOI8-U is KOI8-R with a few more Ukrainian letters.
            let name = if enc.name == "KOI8-U" { "KOI8-R" } else { enc.name };
            assert_eq!((name, enc.detected, enc.doubt), (encoding.name(), true, None));
        }
        // In capitals, windows-1251 and KOI8-R read as much like Russian as each other.
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("ИВАНОВ ГЛЕБ;ПЕТРОВА АННА;СИДОРОВ ОЛЕГ\n");
        let (_, enc) = decode(&bytes, None);
        assert!(enc.detected && enc.doubt.is_some(), "{enc:?}");
        // Two stray bytes in ASCII are no evidence for any encoding: UTF-8, bytes as they are.
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"id,name\n1,Ana Reyes\xff\n2,Ivo\xfe Marsh\n").unwrap();
        let t = open_text(f.path(), None, "text").unwrap();
        assert_eq!(t.encoding, EncodingUsed { name: "UTF-8", detected: false, doubt: None });
    }

    #[test]
    fn plausibility_prefers_the_right_reading() {
        let text = "Иванов Глеб Сергеевич, Петрова Анна Викторовна, Сидоров Олег Иванович";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let right = plausibility(text).score;
        assert!(right > 0.9, "{right}");
        let wrongs = [
            encoding_rs::KOI8_R,
            encoding_rs::ISO_8859_5,
            encoding_rs::IBM866,
            encoding_rs::WINDOWS_1252,
            encoding_rs::WINDOWS_1250,
            encoding_rs::WINDOWS_1253,
            encoding_rs::WINDOWS_1255,
            encoding_rs::WINDOWS_1256,
        ];
        for wrong in wrongs {
            let (misread, _) = wrong.decode_without_bom_handling(&bytes);
            let score = plausibility(&misread).score;
            assert!(score < right * 0.8, "{} gives {misread} at {score}", wrong.name());
        }
    }

    #[test]
    fn binary_is_refused() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"\x7fELF\x02\x01\x01\x00\x00\x00").unwrap();
        assert!(matches!(open_text(f.path(), None, "text"), Err(IngestError::Binary { .. })));
    }
}
