//! The check-digit arithmetic every identifier here uses, in one place so that property tests
//! and generators share it.
//!
//! Hand-written: each rule is a few lines from its published standard (ICAO 9303 part 3 for the
//! MRZ 7-3-1 digit, ISO 7064 MOD 97-10 for IBAN and LEI, the Russian tax-service and pension-fund
//! rules), and a crate per rule would cost more than it saves. All functions take ASCII bytes
//! and return `None` when a byte is outside the rule's alphabet.

/// The value of one MRZ character: digits 0-9, `A`-`Z` 10-35, `<` 0.
pub fn mrz_value(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some(u32::from(b - b'0')),
        b'A'..=b'Z' => Some(u32::from(b - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// ICAO 9303 check digit over `chars` (weights 7, 3, 1 repeating, sum mod 10).
pub fn mrz_check_digit<'a>(chars: impl IntoIterator<Item = &'a u8>) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (idx, &b) in chars.into_iter().enumerate() {
        sum += mrz_value(b)? * WEIGHTS[idx % 3];
    }
    Some((sum % 10) as u8)
}

/// Digit values of an all-digit byte string.
fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

/// Weighted digit sum.
fn weighted(digits: &[u8], weights: &[u32]) -> Option<u32> {
    let mut sum = 0;
    for (&b, &w) in digits.iter().zip(weights) {
        sum += digit(b)? * w;
    }
    Some(sum)
}

/// The INN check digits for the first 9 (legal entity) or 10/11 digits (person): FNS rule,
/// weighted sum mod 11 mod 10.
pub fn inn10_check(first9: &[u8]) -> Option<u8> {
    Some((weighted(first9, &[2, 4, 10, 3, 5, 9, 4, 6, 8])? % 11 % 10) as u8)
}

/// The 11th digit of a 12-digit INN from its first 10 digits.
pub fn inn12_check1(first10: &[u8]) -> Option<u8> {
    Some((weighted(first10, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8])? % 11 % 10) as u8)
}

/// The 12th digit of a 12-digit INN from its first 11 digits.
pub fn inn12_check2(first11: &[u8]) -> Option<u8> {
    Some((weighted(first11, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])? % 11 % 10) as u8)
}

/// SNILS check number (two digits) from the first 9 digits: weights 9..1, sum below 100 as is,
/// 100 and 101 give 00, above that sum mod 101 (and 100 again gives 00).
pub fn snils_check(first9: &[u8]) -> Option<u8> {
    let sum = weighted(first9, &[9, 8, 7, 6, 5, 4, 3, 2, 1])?;
    let check = if sum < 100 {
        sum
    } else if sum <= 101 {
        0
    } else {
        let m = sum % 101;
        if m == 100 {
            0
        } else {
            m
        }
    };
    Some(check as u8)
}

/// The number an all-digit byte string spells, when it fits.
fn number(digits: &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    for &b in digits {
        n = n.checked_mul(10)?.checked_add(u64::from(digit(b)?))?;
    }
    Some(n)
}

/// OGRN (13 digits) check digit from the first 12: (n mod 11) mod 10.
pub fn ogrn_check(first12: &[u8]) -> Option<u8> {
    Some((number(first12)? % 11 % 10) as u8)
}

/// OGRNIP (15 digits) check digit from the first 14: (n mod 13) mod 10.
pub fn ogrnip_check(first14: &[u8]) -> Option<u8> {
    Some((number(first14)? % 13 % 10) as u8)
}

/// IMO ship number check digit from the first 6 digits: weights 7..2, sum mod 10.
pub fn imo_check(first6: &[u8]) -> Option<u8> {
    Some((weighted(first6, &[7, 6, 5, 4, 3, 2])? % 10) as u8)
}

/// ISO 7064 MOD 97-10 remainder of an alphanumeric string (letters count 10-35, as in IBAN and
/// LEI). A valid IBAN (rearranged) or LEI leaves 1.
pub fn mod97<'a>(chars: impl IntoIterator<Item = &'a u8>) -> Option<u32> {
    let mut rem: u32 = 0;
    for &b in chars {
        match b {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + u32::from(b - b'A') + 10) % 97,
            _ => return None,
        }
    }
    Some(rem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples() {
        // ICAO 9303 part 3 worked example: document number L898902C3 has check digit 6.
        assert_eq!(mrz_check_digit(b"L898902C3"), Some(6));
        assert_eq!(mrz_check_digit(b"740812"), Some(2));
        assert_eq!(inn10_check(b"770708389"), Some(3));
        assert_eq!(snils_check(b"112233445"), Some(95));
        assert_eq!(ogrn_check(b"102770013219"), Some(5));
        assert_eq!(ogrnip_check(b"30450011600015"), Some(7));
        assert_eq!(imo_check(b"907472"), Some(9));
        // LEI of the GLEIF example in ISO 17442: 5493001KJTIIGC8Y1R12.
        assert_eq!(mod97(b"5493001KJTIIGC8Y1R12"), Some(1));
    }
}
