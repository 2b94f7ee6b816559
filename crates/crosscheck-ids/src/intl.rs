//! International identifiers: IBAN (ISO 13616), LEI (ISO 17442) and IMO ship numbers.
//!
//! The IBAN country lengths and BBAN structures are the SWIFT IBAN registry's (checked against
//! python-stdnum's `iban.dat`; Costa Rica at its 2017 length of 22). National check digits inside
//! the BBAN are checked for Belgium and Spain only (their rules are one line each); other
//! countries' national checks (France's RIB key, Italy's CIN, ...) are not, and a value that fails
//! only those is reported valid.

use crate::checksum::{imo_check, mod97};
use crate::report::IdCheck;
use crate::{key, stray_char};

/// IBAN length per country (SWIFT registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// BBAN structure per country (SWIFT registry): one class per character, `n` digit, `a` capital
/// letter, `c` letter or digit.
const BBAN_FORMATS: &[(&str, &str)] = &[
    ("AD", "nnnnnnnncccccccccccc"),
    ("AE", "nnnnnnnnnnnnnnnnnnn"),
    ("AL", "nnnnnnnncccccccccccccccc"),
    ("AT", "nnnnnnnnnnnnnnnn"),
    ("AZ", "aaaacccccccccccccccccccc"),
    ("BA", "nnnnnnnnnnnnnnnn"),
    ("BE", "nnnnnnnnnnnn"),
    ("BG", "aaaannnnnncccccccc"),
    ("BH", "aaaacccccccccccccc"),
    ("BY", "ccccnnnncccccccccccccccc"),
    ("BR", "nnnnnnnnnnnnnnnnnnnnnnnac"),
    ("CH", "nnnnncccccccccccc"),
    ("CR", "nnnnnnnnnnnnnnnnnn"),
    ("CY", "nnnnnnnncccccccccccccccc"),
    ("CZ", "nnnnnnnnnnnnnnnnnnnn"),
    ("DE", "nnnnnnnnnnnnnnnnnn"),
    ("DK", "nnnnnnnnnnnnnn"),
    ("DO", "ccccnnnnnnnnnnnnnnnnnnnn"),
    ("EE", "nnnnnnnnnnnnnnnn"),
    ("ES", "nnnnnnnnnnnnnnnnnnnn"),
    ("FI", "nnnnnnnnnnnnnn"),
    ("FO", "nnnnnnnnnnnnnn"),
    ("FR", "nnnnnnnnnncccccccccccnn"),
    ("GB", "aaaannnnnnnnnnnnnn"),
    ("GE", "aannnnnnnnnnnnnnnn"),
    ("GI", "aaaaccccccccccccccc"),
    ("GL", "nnnnnnnnnnnnnn"),
    ("GR", "nnnnnnncccccccccccccccc"),
    ("GT", "cccccccccccccccccccccccc"),
    ("HR", "nnnnnnnnnnnnnnnnn"),
    ("HU", "nnnnnnnnnnnnnnnnnnnnnnnn"),
    ("IE", "aaaannnnnnnnnnnnnn"),
    ("IL", "nnnnnnnnnnnnnnnnnnn"),
    ("IS", "nnnnnnnnnnnnnnnnnnnnnn"),
    ("IT", "annnnnnnnnncccccccccccc"),
    ("JO", "aaaannnncccccccccccccccccc"),
    ("KW", "aaaacccccccccccccccccccccc"),
    ("KZ", "nnnccccccccccccc"),
    ("LB", "nnnncccccccccccccccccccc"),
    ("LC", "aaaacccccccccccccccccccccccc"),
    ("LI", "nnnnncccccccccccc"),
    ("LT", "nnnnnnnnnnnnnnnn"),
    ("LU", "nnnccccccccccccc"),
    ("LV", "aaaaccccccccccccc"),
    ("MC", "nnnnnnnnnncccccccccccnn"),
    ("MD", "cccccccccccccccccccc"),
    ("ME", "nnnnnnnnnnnnnnnnnn"),
    ("MK", "nnnccccccccccnn"),
    ("MR", "nnnnnnnnnnnnnnnnnnnnnnn"),
    ("MT", "aaaannnnncccccccccccccccccc"),
    ("MU", "aaaannnnnnnnnnnnnnnnnnnaaa"),
    ("NL", "aaaannnnnnnnnn"),
    ("NO", "nnnnnnnnnnn"),
    ("PK", "aaaacccccccccccccccc"),
    ("PL", "nnnnnnnnnnnnnnnnnnnnnnnn"),
    ("PS", "aaaaccccccccccccccccccccc"),
    ("PT", "nnnnnnnnnnnnnnnnnnnnn"),
    ("QA", "aaaaccccccccccccccccccccc"),
    ("RO", "aaaacccccccccccccccc"),
    ("RU", "nnnnnnnnnnnnnnccccccccccccccc"),
    ("RS", "nnnnnnnnnnnnnnnnnn"),
    ("SA", "nncccccccccccccccccc"),
    ("SE", "nnnnnnnnnnnnnnnnnnnn"),
    ("SI", "nnnnnnnnnnnnnnn"),
    ("SK", "nnnnnnnnnnnnnnnnnnnn"),
    ("SM", "annnnnnnnnncccccccccccc"),
    ("ST", "nnnnnnnnnnnnnnnnnnnnn"),
    ("TL", "nnnnnnnnnnnnnnnnnnn"),
    ("TN", "nnnnnnnnnnnnnnnnnnnn"),
    ("TR", "nnnnnncccccccccccccccc"),
    ("UA", "nnnnnnccccccccccccccccccc"),
    ("VG", "aaaannnnnnnnnnnnnnnn"),
    ("XK", "nnnnnnnnnnnnnnnn"),
];

/// The BBAN structure of a country, when the registry gives one.
pub fn bban_format(country: &str) -> Option<&'static str> {
    BBAN_FORMATS.iter().find(|(c, _)| *c == country).map(|(_, f)| *f)
}

/// Spain's CCC check digits (two mod-11 digits over bank+branch and account).
fn es_ccc_check(bban: &[u8]) -> Option<[u8; 2]> {
    let digit = |part: &[u8]| -> Option<u8> {
        let mut sum = 0u32;
        for (idx, &b) in part.iter().enumerate() {
            sum += u32::from(b.checked_sub(b'0').filter(|d| *d < 10)?) * (1 << idx) % 11;
        }
        let check = sum % 11;
        Some(if check < 2 { check as u8 } else { (11 - check) as u8 })
    };
    let mut first: Vec<u8> = b"00".to_vec();
    first.extend_from_slice(&bban[..8]);
    Some([digit(&first)?, digit(&bban[10..20])?])
}

/// National check digits inside the BBAN, where we know the rule: Belgium (first ten digits
/// mod 97, 0 read as 97) and Spain (CCC). Returns (expected, found) on a mismatch.
fn national_check(country: &str, bban: &[u8]) -> Option<(String, String)> {
    match country {
        "BE" if bban.len() == 12 && bban.iter().all(u8::is_ascii_digit) => {
            let n: u64 = std::str::from_utf8(&bban[..10]).ok()?.parse().ok()?;
            let want = match n % 97 {
                0 => 97,
                r => r,
            };
            let found = std::str::from_utf8(&bban[10..]).ok()?;
            (format!("{want:02}") != found).then(|| (format!("{want:02}"), found.to_string()))
        }
        "ES" if bban.len() == 20 && bban.iter().all(u8::is_ascii_digit) => {
            let want = es_ccc_check(bban)?;
            let want = format!("{}{}", want[0], want[1]);
            let found = std::str::from_utf8(&bban[8..10]).ok()?;
            (want != found).then(|| (want, found.to_string()))
        }
        _ => None,
    }
}

/// The IBAN length of a country, when it has IBANs.
pub fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS.iter().find(|(c, _)| *c == country).map(|(_, n)| *n)
}

/// IBAN: country code, two check digits, BBAN; mod 97 of the rearranged string is 1.
pub fn check_iban(raw: &str) -> IdCheck {
    let mut r = IdCheck::new("iban", raw);
    let mut k = key(raw);
    if k.starts_with("IBAN") && k.len() > 4 && k.as_bytes()[4].is_ascii_alphabetic() {
        k.drain(..4);
    }
    r.normalized = Some(k.clone());
    if let Some((pos, c)) = stray_char(raw) {
        r.error(format!("character {pos} `{c}` has no place in an IBAN"));
        return r;
    }
    let b = k.as_bytes();
    if b.len() < 5 {
        r.error(format!(
            "an IBAN has a country code, two check digits and an account number; found {} characters",
            b.len()
        ));
        return r;
    }
    if let Some(bad) = k.chars().find(|c| !c.is_ascii_alphanumeric()) {
        r.error(format!("an IBAN has Latin letters and digits only; found `{bad}`"));
        return r;
    }
    let country = &k[..2];
    if !b[0].is_ascii_uppercase() || !b[1].is_ascii_uppercase() {
        r.error(format!("`{country}` is not a country code"));
        return r;
    }
    if !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
        r.error(format!("check digits `{}` are not digits", &k[2..4]));
        return r;
    }
    r.field("country", country);
    r.field("check_digits", &k[2..4]);
    r.field("bban", &k[4..]);
    match iban_length(country) {
        Some(n) if n != b.len() => r.error(format!("an IBAN of {country} has {n} characters; found {}", b.len())),
        Some(_) => {}
        None => r.error(format!("`{country}` has no IBANs in the SWIFT registry")),
    }
    if let Some(format) = bban_format(country).filter(|f| f.len() == b.len() - 4) {
        let bad = b[4..].iter().zip(format.bytes()).position(|(&c, kind)| match kind {
            b'n' => !c.is_ascii_digit(),
            b'a' => !c.is_ascii_uppercase(),
            _ => false,
        });
        if let Some(pos) = bad {
            let kind = if format.as_bytes()[pos] == b'n' { "a digit" } else { "a letter" };
            r.error(format!("character {} of an IBAN of {country} is {kind}; found `{}`", pos + 5, b[pos + 4] as char));
        }
    }
    if let Some((want, found)) = national_check(country, &b[4..]) {
        r.error(format!("national check digits of the account number ({country}): expected {want}, found {found}"));
    }
    let rearranged = b[4..].iter().chain(&b[..4]);
    let rem = mod97(rearranged).unwrap_or(0);
    if rem != 1 {
        // The check digits that would make it valid: 98 - (mod 97 with `00` in their place).
        let zeroed = b[4..].iter().chain(&b[..2]).chain(b"00");
        let want = 98 - mod97(zeroed).unwrap_or(0);
        r.error(format!("check digits (characters 3-4): expected {want:02}, found {}", &k[2..4]));
    }
    r
}

/// LEI: 18 alphanumeric characters and two check digits; mod 97 of the whole is 1.
pub fn check_lei(raw: &str) -> IdCheck {
    let mut r = IdCheck::new("lei", raw);
    let mut k = key(raw);
    if k.starts_with("LEI") && k.len() == 23 {
        k.drain(..3);
    }
    r.normalized = Some(k.clone());
    if let Some((pos, c)) = stray_char(raw) {
        r.error(format!("character {pos} `{c}` has no place in an LEI"));
        return r;
    }
    let b = k.as_bytes();
    if b.len() != 20 {
        r.error(format!("an LEI has 20 characters; found {}", b.len()));
        return r;
    }
    if let Some(bad) = k.chars().find(|c| !c.is_ascii_alphanumeric()) {
        r.error(format!("an LEI has Latin letters and digits only; found `{bad}`"));
        return r;
    }
    if !b[18].is_ascii_digit() || !b[19].is_ascii_digit() {
        r.error(format!("check digits (characters 19-20) `{}` are not digits", &k[18..]));
        return r;
    }
    r.field("lou", &k[..4]);
    r.field("entity", &k[4..18]);
    r.field("check_digits", &k[18..]);
    if mod97(b).unwrap_or(0) != 1 {
        let want = 98 - mod97(b[..18].iter().chain(b"00")).unwrap_or(0);
        r.error(format!("check digits (characters 19-20): expected {want:02}, found {}", &k[18..]));
    }
    r
}

/// IMO ship number: seven digits, the last a check digit (weights 7..2, mod 10); `IMO` prefix
/// allowed.
pub fn check_imo(raw: &str) -> IdCheck {
    let mut r = IdCheck::new("imo", raw);
    let mut k = key(raw);
    if k.starts_with("IMO") {
        k.drain(..3);
    }
    r.normalized = Some(k.clone());
    if let Some((pos, c)) = stray_char(raw) {
        r.error(format!("character {pos} `{c}` has no place in an IMO number"));
        return r;
    }
    let b = k.as_bytes();
    if let Some(bad) = k.chars().find(|c| !c.is_ascii_digit()) {
        r.error(format!("an IMO number has digits only; found `{bad}`"));
        return r;
    }
    if b.len() != 7 {
        r.error(format!("an IMO number has 7 digits; found {}", b.len()));
        return r;
    }
    if let Some(want) = imo_check(&b[..6]) {
        if want + b'0' != b[6] {
            r.error(format!("check digit (7th digit): expected {want}, found {}", b[6] as char));
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_table() {
        let cases = [
            ("GB82 WEST 1234 5698 7654 32", true),
            ("DE89370400440532013000", true),
            ("de89 3704 0044 0532 0130 00", true),
            ("IBAN DE89370400440532013000", true),
            ("DE89370400440532013001", false),
            ("DE8937040044053201300", false),
            ("XX89370400440532013000", false),
            ("RU0204452560040702810412345678901", true),
        ];
        for (input, valid) in cases {
            let r = check_iban(input);
            assert_eq!(r.valid, valid, "{input}: {:?}", r.errors);
        }
        assert_eq!(
            check_iban("DE89370400440532013001").errors[0],
            "check digits (characters 3-4): expected 62, found 89"
        );
    }

    #[test]
    fn every_bban_format_fits_its_iban_length() {
        for (country, format) in BBAN_FORMATS {
            assert_eq!(iban_length(country), Some(format.len() + 4), "{country}");
        }
    }

    #[test]
    fn lei_and_imo_tables() {
        assert!(check_lei("5493001KJTIIGC8Y1R12").valid);
        assert!(check_lei("LEI: 5493 001K JTII GC8Y 1R12").valid);
        let bad = check_lei("5493001KJTIIGC8Y1R13");
        assert_eq!(bad.errors, ["check digits (characters 19-20): expected 12, found 13"]);
        assert!(check_imo("IMO 9074729").valid);
        assert_eq!(check_imo("9074728").errors, ["check digit (7th digit): expected 9, found 8"]);
        assert!(!check_imo("907472").valid);
    }
}
