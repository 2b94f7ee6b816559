//! The comparison key of an identifier: what is left when spacing, punctuation, case and
//! look-alike letters no longer count.
//!
//! PRODUCT.md: identifiers are "compared after normalisation: spaces, dashes, case and look-alike
//! characters do not count". People paste numbers with NBSPs and zero-width spaces, and Russian
//! records mix Cyrillic `А`, `В`, `С`, `Е`, `Н`, `К`, `М`, `О`, `Р`, `Т`, `Х` into Latin series.

use unicode_normalization::UnicodeNormalization;

/// Maps Cyrillic and Greek letters that look like Latin ones onto the Latin letter.
pub fn latin_lookalike(c: char) -> char {
    match c {
        'А' | 'а' | 'Α' | 'α' => 'A',
        'В' | 'в' | 'Β' | 'β' => 'B',
        'С' | 'с' | 'ϲ' => 'C',
        'Е' | 'е' | 'Ε' | 'ε' => 'E',
        'Н' | 'н' | 'Η' => 'H',
        'І' | 'і' | 'Ι' | 'ι' => 'I',
        'К' | 'к' | 'Κ' | 'κ' => 'K',
        'М' | 'м' | 'Μ' => 'M',
        'О' | 'о' | 'Ο' | 'ο' => 'O',
        'Р' | 'р' | 'Ρ' | 'ρ' => 'P',
        'Т' | 'т' | 'Τ' | 'τ' => 'T',
        'Х' | 'х' | 'Χ' | 'χ' => 'X',
        'У' | 'у' | 'Υ' => 'Y',
        'Ѕ' | 'ѕ' => 'S',
        'Ј' | 'ј' => 'J',
        _ => c,
    }
}

/// The comparison key: ASCII letters upper-cased, digits kept, look-alikes mapped, everything
/// else (spaces, dashes, dots, slashes, NBSP, zero-width characters) dropped.
/// Compatibility forms (fullwidth digits) are folded first (NFKC).
pub fn normalize(raw: &str) -> String {
    // ASCII (nearly every identifier): NFKC and the look-alike map change nothing there, so
    // byte by byte; a property test holds the two paths equal
    if raw.is_ascii() {
        return raw.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_uppercase())).collect();
    }
    normalize_general(raw)
}

fn normalize_general(raw: &str) -> String {
    raw.nfkc()
        .map(latin_lookalike)
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_uppercase())
            } else if c.is_alphabetic() {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod ascii {
    proptest::proptest! {
        #[test]
        fn the_ascii_path_equals_the_general_one(raw in "[ -~\t]{0,24}") {
            proptest::prop_assert_eq!(super::normalize(&raw), super::normalize_general(&raw));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalisation_table() {
        let table = [
            ("45 09 123456", "4509123456"),
            ("45-09\u{a0}123\u{200b}456", "4509123456"),
            ("ас 123", "AC123"),
            ("D9004878", "D9004878"),
            ("d9004878", "D9004878"),
            ("７７０７", "7707"),
        ];
        for (input, want) in table {
            assert_eq!(normalize(input), want, "input {input:?}");
        }
    }
}
