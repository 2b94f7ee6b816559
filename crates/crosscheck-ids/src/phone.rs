//! Phone numbers to E.164, with the `phonenumber` crate (a Rust port of Google's libphonenumber
//! metadata): numbering plans change every month and are not worth hand-writing.
//!
//! A number without a country code cannot be placed in general; the one exception we make is
//! the Russian trunk form (`8 916 123-45-67`, 11 digits starting with 8 or 7), which is how the
//! desk's sources write numbers. It is read as Russian, with a warning saying so.

use crate::report::IdCheck;
use phonenumber::{country, Mode};

/// Checks a phone number and gives its E.164 form.
pub fn check_phone(raw: &str) -> IdCheck {
    let mut r = IdCheck::new("phone", raw);
    let trimmed: String =
        raw.chars().filter(|c| !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}')).collect();
    let trimmed = trimmed.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        r.error("no digits in the value");
        return r;
    }
    if digits.len() > 17 {
        r.error(format!("a phone number has at most 15 digits; found {}", digits.len()));
        return r;
    }
    let international = trimmed.starts_with('+') || trimmed.starts_with("00");
    let parsed = if international {
        let text = if let Some(rest) = trimmed.strip_prefix("00") { format!("+{rest}") } else { trimmed.to_string() };
        phonenumber::parse(None, text)
    } else if digits.len() == 11 && (digits.starts_with('8') || digits.starts_with('7')) {
        r.warn("no country code: read as a Russian number (11 digits starting with 8 or 7)");
        phonenumber::parse(Some(country::Id::RU), format!("+7{}", &digits[1..]))
    } else {
        r.error("no country code: write the number with `+` and its country code");
        return r;
    };
    let number = match parsed {
        Ok(n) => n,
        Err(e) => {
            r.error(format!("not a phone number: {e}"));
            return r;
        }
    };
    let e164 = number.format().mode(Mode::E164).to_string();
    r.normalized = Some(e164);
    r.field("country_code", number.code().value().to_string());
    if let Some(id) = number.country().id() {
        r.field("region", id.as_ref());
    }
    if !phonenumber::is_valid(&number) {
        r.error("the number does not fit its country's numbering plan");
    }
    r
}

#[cfg(test)]
mod tests {
    use super::check_phone;

    #[test]
    fn phone_table() {
        let r = check_phone("+44 20 7946 0958");
        assert!(r.valid, "{:?}", r.errors);
        assert_eq!(r.normalized.as_deref(), Some("+442079460958"));
        let r = check_phone("8 (916) 123-45-67");
        assert!(r.valid, "{:?}", r.errors);
        assert_eq!(r.normalized.as_deref(), Some("+79161234567"));
        assert_eq!(r.fields.get("region"), Some("RU"));
        assert!(!check_phone("123").valid);
        assert!(!check_phone("+7 916 123").valid);
    }
}
