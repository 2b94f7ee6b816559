//! Text normalisation shared by every other module: Unicode NFKC, case folding, zero-width and
//! format characters, look-alike letters across Latin and Cyrillic, punctuation, and scripts.
//!
//! Decisions:
//! - Look-alikes are resolved per word, toward the word's majority script: a Latin `a`, `o`, `c`,
//!   `e`, `p`, `x`, `y`... inside an otherwise Cyrillic word becomes Cyrillic (and the reverse), so
//!   a registry typo or a deliberate homoglyph does not split one name into two scripts. The
//!   look-alike table is hand-written (a dozen letters, the set ICU's confusables list gives
//!   for the two alphabets); pulling a confusables crate for it is not worth the dependency.
//! - Apostrophes inside words (O'Brien, Anatol'yevna, Мар'яна) are dropped, joining the word:
//!   they encode a soft or hard sign or an elision, never a word boundary.
//! - Everything that is not a letter or a digit becomes a word boundary.

use unicode_normalization::UnicodeNormalization;

/// The writing system of a token, as far as matching needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    Latin,
    Cyrillic,
    Greek,
    Armenian,
    Georgian,
    Arabic,
    Hebrew,
    Han,
    Hangul,
    Kana,
    Other,
    /// Digits and the like: no script.
    Common,
}

/// `char::is_alphabetic` with fast paths for ASCII, Latin-1 and Cyrillic (the standard
/// library's table lookup for non-ASCII letters dominated parse time).
#[inline]
pub fn is_letter(c: char) -> bool {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A => true,
        0..=0x7F => false,
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F => true,
        0x400..=0x481 | 0x48A..=0x52F => true,
        _ => c.is_alphabetic(),
    }
}

/// ASCII and the basic Russian alphabet: text made only of these is already in NFKC and NFC.
fn is_simple(c: char) -> bool {
    c.is_ascii() || matches!(c as u32, 0x401 | 0x410..=0x44F | 0x451)
}

/// The script of one character.
pub fn char_script(c: char) -> Script {
    match c as u32 {
        0x30..=0x39 => Script::Common,
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x530..=0x58F => Script::Armenian,
        0x590..=0x5FF => Script::Hebrew,
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
        0x10A0..=0x10FF | 0x1C90..=0x1CBF => Script::Georgian,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x3040..=0x30FF => Script::Kana,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF => Script::Han,
        _ if is_letter(c) => Script::Other,
        _ => Script::Common,
    }
}

/// The dominant script of a string (the script of most of its letters).
pub fn detect_script(text: &str) -> Script {
    let mut counts = [0usize; 12];
    for c in text.chars() {
        counts[char_script(c) as usize] += 1;
    }
    counts[Script::Common as usize] = 0;
    let best = counts.iter().enumerate().max_by_key(|(_, n)| **n).map(|(i, _)| i).unwrap_or(11);
    if counts[best] == 0 {
        return Script::Common;
    }
    SCRIPTS[best]
}

const SCRIPTS: [Script; 12] = [
    Script::Latin,
    Script::Cyrillic,
    Script::Greek,
    Script::Armenian,
    Script::Georgian,
    Script::Arabic,
    Script::Hebrew,
    Script::Han,
    Script::Hangul,
    Script::Kana,
    Script::Other,
    Script::Common,
];

/// Latin letters that look like Cyrillic ones (lower case), and their twins.
const LOOKALIKES: &[(char, char)] = &[
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('i', 'і'),
    ('j', 'ј'),
    ('k', 'к'),
    ('m', 'м'),
    ('h', 'н'),
    ('o', 'о'),
    ('p', 'р'),
    ('t', 'т'),
    ('x', 'х'),
    ('y', 'у'),
    ('b', 'в'),
];

fn to_cyrillic_twin(c: char) -> Option<char> {
    LOOKALIKES.iter().find(|(l, _)| *l == c).map(|(_, k)| *k)
}

fn to_latin_twin(c: char) -> Option<char> {
    // н, в, т, м look Latin only in capitals (H, B, T, M) but we work in lower case; keep them.
    LOOKALIKES.iter().find(|(_, k)| *k == c).map(|(l, _)| *l)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘' | '`' | '´' | 'ʹ' | 'ʺ' | 'ˈ' | '′')
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}' | '\u{180E}')
}

/// Normalises a name into lower-case words separated by single spaces: NFKC, case folding,
/// zero-width characters removed, apostrophes inside words dropped, look-alike letters moved to
/// the word's script, everything else that is not a letter or digit turned into a space.
/// Diacritics are kept (they matter for transliteration); see [`ascii_fold`] to drop them.
pub fn normalize(raw: &str) -> String {
    if raw.is_ascii() {
        return normalize_ascii(raw);
    }
    normalize_general(raw)
}

/// [`normalize`] for ASCII text, byte by byte (most names in most lists): the same rules with
/// nothing to compose, fold or confuse. A property test holds it equal to the general path.
fn normalize_ascii(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut in_word = false;
    let mut pending_space = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(b.to_ascii_lowercase() as char);
            in_word = true;
        } else if matches!(b, b'\'' | b'`') && in_word && bytes.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()) {
            // inside a word: dropped, the word stays whole
        } else {
            pending_space = true;
            in_word = false;
        }
    }
    out
}

fn normalize_general(raw: &str) -> String {
    let mut words: Vec<Vec<char>> = Vec::new();
    let mut word: Vec<char> = Vec::new();
    let mut prev_letter = false;
    // NFKC changes nothing in plain ASCII and basic Cyrillic (the common case): skip it there
    let simple = raw.chars().all(is_simple);
    let chars: Vec<char> = if simple {
        raw.chars().collect()
    } else {
        raw.chars().filter(|c| !is_invisible(*c)).collect::<String>().nfkc().collect()
    };
    for (i, &c) in chars.iter().enumerate() {
        if is_letter(c)
            || c.is_ascii_digit()
            || (!c.is_ascii() && (c.is_numeric() || unicode_normalization::char::is_combining_mark(c)))
        {
            match c as u32 {
                0x41..=0x5A | 0x410..=0x42F => word.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
                0x401 => word.push('ё'),
                _ if c.is_ascii() || (0x430..=0x44F).contains(&(c as u32)) || c == 'ё' => word.push(c),
                _ => word.extend(c.to_lowercase()),
            }
            prev_letter = true;
        } else if is_apostrophe(c) && prev_letter && chars.get(i + 1).is_some_and(|n| is_letter(*n)) {
            // inside a word: drop it, keep the word whole
        } else {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_letter = false;
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut out = String::with_capacity(raw.len());
    for w in &mut words {
        fix_lookalikes(w);
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.iter());
    }
    if out.chars().all(is_simple) {
        out
    } else {
        // invisible characters are dropped before NFKC so they cannot block composition, and
        // lower-casing can leave sequences NFC would compose: keep the output normalised
        out.nfc().collect()
    }
}

fn fix_lookalikes(word: &mut [char]) {
    let mut latin = 0;
    let mut cyr = 0;
    // letters with no twin in the other alphabet decide first (ГOBOP is Cyrillic: Г has no
    // Latin twin), then the majority
    let mut latin_only = 0;
    let mut cyr_only = 0;
    for &c in word.iter() {
        match char_script(c) {
            Script::Latin => {
                latin += 1;
                latin_only += to_cyrillic_twin(c).is_none() as usize;
            }
            Script::Cyrillic => {
                cyr += 1;
                cyr_only += to_latin_twin(c).is_none() as usize;
            }
            _ => {}
        }
    }
    if latin == 0 || cyr == 0 {
        return;
    }
    let to_cyrillic = if cyr_only > 0 && latin_only == 0 {
        true
    } else if latin_only > 0 && cyr_only == 0 {
        false
    } else {
        cyr >= latin
    };
    if to_cyrillic {
        for c in word.iter_mut() {
            if let Some(k) = to_cyrillic_twin(*c) {
                *c = k;
            }
        }
    } else {
        for c in word.iter_mut() {
            if let Some(l) = to_latin_twin(*c) {
                *c = l;
            }
        }
    }
}

/// Removes diacritics from Latin letters and folds a few letters that decompose to nothing
/// useful (ß → ss, ø → o, ł → l, æ → ae, ı → i). Other scripts pass through.
pub fn ascii_fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'ł' => out.push('l'),
            'Ł' => out.push('L'),
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("AE"),
            'œ' => out.push_str("oe"),
            'ı' => out.push('i'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod ascii_path {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ascii_path_equals_general_path(s in "[ -~]{0,40}") {
            proptest::prop_assert_eq!(normalize_ascii(&s), normalize_general(&s));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        assert_eq!(normalize("  IVANOV,  Ivan   Ivanovich "), "ivanov ivan ivanovich");
        assert_eq!(normalize("Anatol'yevna O’Brien"), "anatolyevna obrien");
        assert_eq!(normalize("Tatyana\u{200B} \u{200B}Sergun"), "tatyana sergun");
        // Latin `a` and `o` inside a Cyrillic word
        assert_eq!(normalize("Ивaнoв"), "иванов");
        assert_eq!(normalize("ГOBOP"), "говор");
        assert_eq!(normalize("ООО «Ромашка»"), "ооо ромашка");
        assert_eq!(normalize("ﬁnance"), "finance");
    }

    #[test]
    fn scripts() {
        assert_eq!(detect_script("Иван Ivan Петров"), Script::Cyrillic);
        assert_eq!(detect_script("Barack"), Script::Latin);
        assert_eq!(detect_script("ბარაკ"), Script::Georgian);
        assert_eq!(detect_script("123"), Script::Common);
        assert_eq!(ascii_fold("Erdoğan Vučić Straße"), "Erdogan Vucic Strasse");
    }
}
