//! Identifier and identity-document checks (MRZ, INN, SNILS, OGRN, IBAN, LEI, ...); no IO.
//!
//! One call, [`check`], takes a type, a value as people paste it and an as-of date, and returns
//! the check-id wire object [`IdCheck`]: valid or not, the canonical form, each failed check
//! saying where (`check digit of birth date (line 2, column 20): expected 2, found 7`), and the
//! fields the value encodes. [`IdType::Auto`] guesses the type. [`holder::check_holder`] compares
//! a parsed MRZ with the person who claims it; [`extract::extract`] finds identifiers in free text.
//!
//! Decisions: the as-of date is an argument, never the clock (this crate does no IO, and MRZ
//! centuries depend on it); checks never fail with `Err`: a value that cannot be read is an
//! invalid result that says why (messy data is data).
//!
//! ```
//! use crosscheck_ids::{check, Date, IdType};
//!
//! let as_of = Date::new(2024, 11, 1).unwrap();
//! let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
//! let r = check(IdType::Mrz, mrz, as_of);
//! assert!(r.valid);
//! assert_eq!(r.fields.get("birth_date"), Some("1974-08-12"));
//!
//! let r = check(IdType::Auto, "7707083894", as_of);
//! assert_eq!(r.kind, "ru-inn");
//! assert_eq!(r.errors, ["check digit (10th digit): expected 3, found 4"]);
//! ```

pub mod checksum;
pub mod date;
pub mod extract;
pub mod holder;
pub mod intl;
pub mod mrz;
pub mod phone;
mod report;
pub mod ru;

pub use date::Date;
pub use report::{Agreement, Change, Fields, HolderCheck, IdCheck, Suggestion, Suggestions};

use std::str::FromStr;

/// The types `check-id --type` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdType {
    Mrz,
    RuInn,
    RuSnils,
    RuOgrn,
    RuOgrnip,
    RuKpp,
    RuBik,
    RuPassport,
    Iban,
    Lei,
    Imo,
    Phone,
    Auto,
}

impl IdType {
    /// Every type, in the order `--help` lists them.
    pub const ALL: [IdType; 13] = [
        Self::Mrz,
        Self::RuInn,
        Self::RuSnils,
        Self::RuOgrn,
        Self::RuOgrnip,
        Self::RuKpp,
        Self::RuBik,
        Self::RuPassport,
        Self::Iban,
        Self::Lei,
        Self::Imo,
        Self::Phone,
        Self::Auto,
    ];

    /// The name on the command line and in `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mrz => "mrz",
            Self::RuInn => "ru-inn",
            Self::RuSnils => "ru-snils",
            Self::RuOgrn => "ru-ogrn",
            Self::RuOgrnip => "ru-ogrnip",
            Self::RuKpp => "ru-kpp",
            Self::RuBik => "ru-bik",
            Self::RuPassport => "ru-passport",
            Self::Iban => "iban",
            Self::Lei => "lei",
            Self::Imo => "imo",
            Self::Phone => "phone",
            Self::Auto => "auto",
        }
    }
}

/// A type name that is not one of [`IdType::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownType(pub String);

impl std::fmt::Display for UnknownType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = IdType::ALL.iter().map(|t| t.as_str()).collect();
        write!(f, "unknown identifier type `{}` (known: {})", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownType {}

impl FromStr for IdType {
    type Err = UnknownType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase().replace('_', "-");
        let alias = match lower.as_str() {
            "inn" => "ru-inn",
            "snils" => "ru-snils",
            "ogrn" => "ru-ogrn",
            "ogrnip" => "ru-ogrnip",
            "kpp" => "ru-kpp",
            "bik" => "ru-bik",
            "passport" => "ru-passport",
            other => other,
        };
        IdType::ALL.into_iter().find(|t| t.as_str() == alias).ok_or_else(|| UnknownType(s.to_string()))
    }
}

/// Checks `raw` as an identifier of type `kind`, as of `as_of`.
pub fn check(kind: IdType, raw: &str, as_of: Date) -> IdCheck {
    match kind {
        IdType::Mrz => mrz::check(raw, as_of),
        IdType::RuInn => ru::check_inn(raw),
        IdType::RuSnils => ru::check_snils(raw),
        IdType::RuOgrn => ru::check_ogrn(raw, as_of),
        IdType::RuOgrnip => ru::check_ogrnip(raw, as_of),
        IdType::RuKpp => ru::check_kpp(raw),
        IdType::RuBik => ru::check_bik(raw),
        IdType::RuPassport => ru::check_passport(raw, as_of),
        IdType::Iban => intl::check_iban(raw),
        IdType::Lei => intl::check_lei(raw),
        IdType::Imo => intl::check_imo(raw),
        IdType::Phone => phone::check_phone(raw),
        IdType::Auto => check_auto(raw, as_of),
    }
}

/// The types a value could be, most likely first, from its shape alone.
pub fn candidate_types(raw: &str) -> Vec<IdType> {
    let trimmed = raw.trim();
    if trimmed.contains('<') && mrz::normalize_lines(trimmed).iter().map(|l| l.len()).sum::<usize>() >= 60 {
        return vec![IdType::Mrz];
    }
    if trimmed.starts_with('+') {
        return vec![IdType::Phone];
    }
    let k = key(trimmed);
    let upper = k.as_bytes();
    if k.starts_with("IMO") && k.len() == 10 {
        return vec![IdType::Imo];
    }
    let all_digits = !k.is_empty() && upper.iter().all(u8::is_ascii_digit);
    if upper.len() >= 15
        && upper.len() <= 34
        && upper[..2].iter().all(u8::is_ascii_uppercase)
        && upper[2..4].iter().all(u8::is_ascii_digit)
    {
        return vec![IdType::Iban];
    }
    if upper.len() == 20 && upper[18..].iter().all(u8::is_ascii_digit) && !all_digits {
        return vec![IdType::Lei];
    }
    if !all_digits {
        if upper.len() == 9 && upper[..4].iter().all(u8::is_ascii_digit) && upper[6..].iter().all(u8::is_ascii_digit) {
            return vec![IdType::RuKpp];
        }
        return vec![IdType::RuPassport];
    }
    match k.len() {
        7 => vec![IdType::Imo],
        9 if k.starts_with("04") => vec![IdType::RuBik, IdType::RuKpp, IdType::RuPassport],
        9 => vec![IdType::RuKpp, IdType::RuPassport],
        10 => vec![IdType::RuInn, IdType::RuPassport],
        11 => vec![IdType::RuSnils, IdType::Phone],
        12 => vec![IdType::RuInn],
        13 => vec![IdType::RuOgrn],
        15 => vec![IdType::RuOgrnip],
        _ => vec![IdType::Phone],
    }
}

/// `auto`: the first candidate type that validates, else the most likely one with its errors.
/// A type without a check digit (a passport number) never wins over a checksum type of the same
/// length: a ten-digit value that fails the INN check is reported as a failed INN, with a
/// warning that it also reads as a passport number.
fn check_auto(raw: &str, as_of: Date) -> IdCheck {
    let candidates = candidate_types(raw);
    let has_check = |t: IdType| {
        matches!(
            t,
            IdType::RuInn
                | IdType::RuSnils
                | IdType::RuOgrn
                | IdType::RuOgrnip
                | IdType::Iban
                | IdType::Lei
                | IdType::Imo
                | IdType::Mrz
        )
    };
    let mut first: Option<IdCheck> = None;
    for (idx, kind) in candidates.iter().enumerate() {
        let r = check(*kind, raw, as_of);
        let outranked = idx > 0 && !has_check(*kind) && has_check(candidates[0]);
        if r.valid && !outranked {
            let mut r = r;
            let others: Vec<&str> = candidates.iter().filter(|t| *t != kind).map(|t| t.as_str()).collect();
            r.warn(if others.is_empty() {
                format!("type guessed from the value: {}", kind.as_str())
            } else {
                format!(
                    "type guessed from the value: {} (also possible by shape: {})",
                    kind.as_str(),
                    others.join(", ")
                )
            });
            return r;
        }
        if r.valid {
            if let Some(f) = first.as_mut() {
                f.warn(format!("the value also reads as a valid {}, which has no check digit", kind.as_str()));
            }
        }
        first.get_or_insert(r);
    }
    let mut r = first.unwrap_or_else(|| IdCheck::new("auto", raw));
    r.warn(format!("type guessed from the value: {} (no candidate type validates)", r.kind));
    r
}

/// The comparison key of an identifier: upper-case letters and digits only, look-alikes mapped.
/// ASCII input takes a fast path (no Unicode normalisation).
pub fn key(raw: &str) -> String {
    if raw.is_ascii() {
        raw.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_uppercase() as char).collect()
    } else {
        crosscheck_model::identifier::normalize(raw)
    }
}

/// The first character (with its 1-based position) that has no place in a pasted identifier:
/// anything but letters, digits, spaces, invisible format characters, dashes, `.`, `/`, `_`,
/// `:`, `,`, `;` and `№`. A `?` or `#` inside a number usually stands for a character lost in
/// an encoding, so it is reported rather than skipped.
pub fn stray_char(raw: &str) -> Option<(usize, char)> {
    raw.chars()
        .enumerate()
        .find(|(_, c)| {
            !(c.is_alphanumeric()
                || c.is_whitespace()
                || matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '.' | '/' | '_' | ':' | ',' | ';' | '№')
                || matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'))
        })
        .map(|(idx, c)| (idx + 1, c))
}

/// The ASCII digits of a value (after look-alike and width folding).
pub fn digits_only(raw: &str) -> String {
    key(raw).chars().filter(char::is_ascii_digit).collect()
}
