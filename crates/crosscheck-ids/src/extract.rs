//! Finding identifiers in free text, for loaders that attach them to entities as
//! Identification and Passport records.
//!
//! Two entry points:
//! - [`extract`] reads prose and remarks ("Passport 4509 123456 issued 2012", OFAC's
//!   "Passport A1234567 (Iran)", "ИНН 7707083893, КПП 773601001") and finds a value only after a
//!   label (a bare ten-digit number in prose could be anything), plus IBANs, which carry their
//!   own check. The country in parentheses after a value (OFAC style) is kept.
//! - [`extract_typed`] reads a field known to hold one type (a `TAXPAYER_NUM` column), which may
//!   hold several numbers, zero-width spaces and look-alikes, and returns each number found.
//!
//! A labelled value may run on into the next words ("4509 123456 2012"): the longest run of
//! its digit groups that passes the type's check is taken; when none passes, the whole run is
//! kept with `valid: false` so that a loader can still record it as written.

use crate::date::Date;
use crate::{check, key, IdType};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// One identifier found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// A check-id type name (`ru-inn`, `ru-passport`, `iban`, ...) or `passport`, `national-id`
    /// for documents of other countries that have no check here.
    pub kind: &'static str,
    /// The comparison key of the value (upper case, letters and digits only).
    pub value: String,
    /// Byte range of the value in the text.
    pub span: Range<usize>,
    /// The country named in parentheses after the value, as written.
    pub country: Option<String>,
    /// Whether the value passed its type's check (`None` for kinds without one).
    pub valid: Option<bool>,
}

/// The as-of date used for plausibility inside extraction; only passport form years depend on
/// it, and only by a year, so a fixed far-future date keeps extraction deterministic.
const EXTRACT_AS_OF: Date = Date { year: 2099, month: 12, day: 31 };

/// No identifier checked here has more letters and digits than this (an IBAN has at most 34).
const MAX_ID_CHARS: usize = 40;

/// Label, value (first token may hold letters; later tokens are digit groups), optional country.
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i:(?P<label>passport|паспорт[а-я]*|пасп\.|национальный паспорт|national id(?:entification)?(?: card)?|",
        r"tax id|taxpayer id|инн|inn|снилс|snils|огрнип|ogrnip|огрн|ogrn|кпп|kpp|бик|bik|imo|lei|legal entity number|",
        r"registration (?:number|id)|iban))",
        r"(?:\s*(?i:no\.?|nr\.?|number|num\.?|booklet|серия|series|ser\.?|номер|№|#|:))*\s*[:.]?\s*",
        r"(?P<value>(?:[A-ZА-ЯЁ]{1,3}[\s/-]?){0,2}[0-9A-ZА-ЯЁ]*[0-9][0-9A-ZА-ЯЁ]*(?:(?:[ \u{a0}]|-|/|\s№\s?|\s?№)[0-9]+){0,3})",
        r"(?:\s*\((?P<country>[^()]{2,40})\))?"
    ))
    .expect("valid regex")
});

/// An IBAN anywhere (checked before it is reported).
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b").expect("valid regex")
});

/// A run of digits with the separators people put inside numbers.
static DIGIT_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9０-９](?:[0-9０-９]|[ \u{a0}\u{200b}\u{200c}\u{200d}\u{2060}\u{feff}-](?:[0-9０-９]))*")
        .expect("valid regex")
});

fn label_kind(label: &str) -> Option<IdType> {
    let l = label.to_lowercase();
    Some(match l.as_str() {
        "инн" | "inn" | "tax id" | "taxpayer id" => IdType::RuInn,
        "снилс" | "snils" => IdType::RuSnils,
        "огрнип" | "ogrnip" => IdType::RuOgrnip,
        "огрн" | "ogrn" | "registration number" | "registration id" => IdType::RuOgrn,
        "кпп" | "kpp" => IdType::RuKpp,
        "бик" | "bik" => IdType::RuBik,
        "imo" => IdType::Imo,
        "lei" | "legal entity number" => IdType::Lei,
        "iban" => IdType::Iban,
        _ if l.starts_with("passport")
            || l.starts_with("паспорт")
            || l.starts_with("пасп")
            || l.contains("паспорт") =>
        {
            IdType::RuPassport
        }
        _ => return None,
    })
}

/// Byte ranges of the groups of a value (split at spaces, dashes and `№`).
fn groups(value: &str, base: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (idx, c) in value.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(idx);
        } else if let Some(s) = start.take() {
            out.push(base + s..base + idx);
        }
    }
    if let Some(s) = start {
        out.push(base + s..base + value.len());
    }
    out
}

/// The text of groups `gs[..n]` joined without separators.
fn joined(text: &str, gs: &[Range<usize>]) -> String {
    gs.iter().map(|g| &text[g.clone()]).collect()
}

/// Is `country` (as written after a value) Russia?
fn is_russia(country: Option<&str>) -> bool {
    country.is_some_and(|c| {
        let c = c.to_lowercase();
        c.contains("russia") || c.contains("росси") || c.trim() == "ru" || c.trim() == "rus"
    })
}

/// Identifiers after a label, and IBANs, in text order.
pub fn extract(text: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    for caps in LABELLED.captures_iter(text) {
        let (Some(label), Some(value)) = (caps.name("label"), caps.name("value")) else { continue };
        let country = caps.name("country").map(|c| c.as_str().trim().to_string());
        let label_text = label.as_str().to_lowercase();
        let national = label_text.starts_with("national id");
        let kind = label_kind(label.as_str());
        let found = match kind {
            Some(IdType::RuPassport) => passport(text, value.start(), value.as_str(), country.clone()),
            Some(kind) => best_prefix(text, value.start(), value.as_str(), kind, country.clone()),
            None if national => Some(Found {
                kind: "national-id",
                value: key(value.as_str()),
                span: value.range(),
                country: country.clone(),
                valid: None,
            }),
            None => None,
        };
        out.extend(found);
    }
    for m in IBAN.find_iter(text) {
        if out.iter().any(|f| f.span.start <= m.start() && m.start() < f.span.end) {
            continue;
        }
        let r = check(IdType::Iban, m.as_str(), EXTRACT_AS_OF);
        if r.valid {
            out.push(Found { kind: "iban", value: key(m.as_str()), span: m.range(), country: None, valid: Some(true) });
        }
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// The longest leading run of groups that passes `kind`'s check; else the whole value, invalid.
fn best_prefix(text: &str, base: usize, value: &str, kind: IdType, country: Option<String>) -> Option<Found> {
    let gs = groups(value, base);
    for n in (1..=gs.len()).rev() {
        let span = gs[0].start..gs[n - 1].end;
        let value = joined(text, &gs[..n]);
        let r = check(kind, &value, EXTRACT_AS_OF);
        if r.valid {
            let value = r.normalized.unwrap_or(value);
            return Some(Found { kind: kind.as_str(), value, span, country, valid: Some(true) });
        }
    }
    let span = gs.first()?.start..gs.last()?.end;
    Some(Found { kind: kind.as_str(), value: key(&joined(text, &gs)), span, country, valid: Some(false) })
}

/// A passport value: Russian (internal or foreign) when it reads as one, else a passport of
/// another country as written.
fn passport(text: &str, base: usize, value: &str, country: Option<String>) -> Option<Found> {
    let gs = groups(value, base);
    let russian_shape = |s: &str| {
        let k = key(s);
        k.bytes().all(|b| b.is_ascii_digit()) && (k.len() == 10 || (k.len() == 9 && is_russia(country.as_deref())))
    };
    let foreign_country = country.is_some() && !is_russia(country.as_deref());
    if !foreign_country {
        for n in (1..=gs.len()).rev() {
            let span = gs[0].start..gs[n - 1].end;
            let s = joined(text, &gs[..n]);
            if russian_shape(&s) {
                let r = check(IdType::RuPassport, &s, EXTRACT_AS_OF);
                return Some(Found { kind: "ru-passport", value: key(&s), span, country, valid: Some(r.valid) });
            }
        }
    }
    // Another country's passport: the first group, or all groups when they are all digits.
    let first = gs.first()?.clone();
    let all_digits = gs.iter().all(|g| text[g.clone()].bytes().all(|b| b.is_ascii_digit()));
    let span = if all_digits && gs.len() <= 2 { first.start..gs.last()?.end } else { first };
    Some(Found { kind: "passport", value: key(&text[span.clone()]), span, country, valid: None })
}

/// Every number of type `kind` in a field known to hold that type (several numbers, stray
/// separators, zero-width spaces and fullwidth digits allowed). Runs that do not have a length
/// the type allows are split into valid numbers when they are several joined; else reported
/// invalid as they are.
pub fn extract_typed(text: &str, kind: IdType) -> Vec<Found> {
    let mut out = Vec::new();
    for m in DIGIT_RUN.find_iter(text) {
        let r = check(kind, m.as_str(), EXTRACT_AS_OF);
        if r.valid {
            let value = r.normalized.unwrap_or_else(|| key(m.as_str()));
            out.push(Found { kind: kind.as_str(), value, span: m.range(), country: None, valid: Some(true) });
            continue;
        }
        // Several numbers separated by single spaces or dashes: take valid groups greedily.
        // Not for phones: their groups are one number, and each parse costs microseconds.
        let gs = if kind == IdType::Phone { Vec::new() } else { groups(m.as_str(), m.start()) };
        let mut idx = 0;
        let mut any = false;
        while idx < gs.len() {
            let mut taken = None;
            // Only windows that could hold one number: without this bound a long run of digit
            // groups (a pasted column) costs a check per pair of groups, cubic in its length.
            let mut last = idx;
            let mut chars = 0;
            while last < gs.len() {
                chars += text[gs[last].clone()].chars().count();
                if chars > MAX_ID_CHARS && last > idx {
                    break;
                }
                last += 1;
            }
            for end in (idx + 1..=last).rev() {
                let span = gs[idx].start..gs[end - 1].end;
                let r = check(kind, &text[span.clone()], EXTRACT_AS_OF);
                if r.valid {
                    taken = Some((end, span, r.normalized));
                    break;
                }
            }
            match taken {
                Some((end, span, normalized)) => {
                    let value = normalized.unwrap_or_else(|| key(&text[span.clone()]));
                    out.push(Found { kind: kind.as_str(), value, span, country: None, valid: Some(true) });
                    any = true;
                    idx = end;
                }
                None => idx += 1,
            }
        }
        if !any {
            out.push(Found {
                kind: kind.as_str(),
                value: key(m.as_str()),
                span: m.range(),
                country: None,
                valid: Some(false),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&'static str, String, Option<String>)> {
        extract(text).into_iter().map(|f| (f.kind, f.value, f.country)).collect()
    }

    #[test]
    fn extraction_table() {
        assert_eq!(kinds("Passport 4509 123456 issued 2012"), [("ru-passport", "4509123456".into(), None)]);
        assert_eq!(kinds("паспорт серия 45 09 № 123456, выдан"), [("ru-passport", "4509123456".into(), None)]);
        assert_eq!(
            kinds("DOB 1970; Passport A1234567 (Iran); Passport 512345678 (Russia)."),
            [
                ("passport", "A1234567".into(), Some("Iran".into())),
                ("ru-passport", "512345678".into(), Some("Russia".into()))
            ]
        );
        assert_eq!(
            kinds("ИНН 7707083893, КПП 773601001, ОГРН 1027700132195"),
            [
                ("ru-inn", "7707083893".into(), None),
                ("ru-kpp", "773601001".into(), None),
                ("ru-ogrn", "1027700132195".into(), None)
            ]
        );
        assert_eq!(kinds("Tax ID No. 7707083893 (Russia)"), [("ru-inn", "7707083893".into(), Some("Russia".into()))]);
        assert_eq!(kinds("Vessel Registration Identification IMO 9074729"), [("imo", "9074729".into(), None)]);
        assert_eq!(
            kinds("paid to GB82 WEST 1234 5698 7654 32 yesterday"),
            [("iban", "GB82WEST12345698765432".into(), None)]
        );
        assert!(extract("born 1970, 12 children").is_empty());
    }

    #[test]
    fn several_numbers_in_one_field() {
        let found = extract_typed("7707083893,\u{200b}500100732259 / 12345", IdType::RuInn);
        let values: Vec<(&str, Option<bool>)> = found.iter().map(|f| (f.value.as_str(), f.valid)).collect();
        assert_eq!(values, [("7707083893", Some(true)), ("500100732259", Some(true)), ("12345", Some(false))]);
        let joined = extract_typed("7707083893 500100732259", IdType::RuInn);
        assert_eq!(joined.len(), 2);
    }

    #[test]
    fn a_long_run_of_digit_groups_costs_time_in_proportion() {
        // Found by the fuzzer (crosscheck-fuzz, `identifiers`): 3.4 KB of `45 06 123456` repeated
        // took 15 s, every window of groups being checked. Each group of three is one passport.
        let run = "45 06 123456 ".repeat(2_000);
        let found = extract_typed(run.trim_end(), IdType::RuPassport);
        assert_eq!(found.len(), 2_000);
        assert!(found.iter().all(|f| f.valid == Some(true) && f.value == "4506123456"));
        let mrz = extract_typed(run.trim_end(), IdType::Mrz);
        assert_eq!(mrz.len(), 1, "one invalid run, reported as written");
        assert_eq!(mrz[0].valid, Some(false));
    }
}
