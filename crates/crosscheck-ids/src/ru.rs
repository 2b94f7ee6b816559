//! Russian identifiers: INN (10 and 12 digits), SNILS, OGRN (13), OGRNIP (15), KPP, BIK, and the
//! internal (4-digit series + 6-digit number) and foreign (2 + 7 digits) passports.
//!
//! Rules and their sources, with the traps the issue names:
//! - INN: FNS order of 2003 (weights 2,4,10,3,5,9,4,6,8 for ten digits; two digits for twelve).
//! - SNILS: Pension Fund rule (weights 9..1; 100 and 101 give 00; above, mod 101). Numbers up to
//!   001-001-998 were issued before the check number existed: valid, with a warning.
//! - OGRN: (first 12 digits mod 11) mod 10. OGRNIP: (first 14 digits mod 13) mod 10: a popular
//!   library takes mod 11 and so rejects about a quarter of real numbers.
//! - KPP and BIK have no check digit: structure and region only.
//! - Internal passport series: OKATO region code + last two digits of the year the form was
//!   printed (forms since 1997). Passports are issued at 14 and replaced at 20 and 45 (Government
//!   decree 828 of 1997, with 90 days to replace); [`passport_plausibility`] compares the form
//!   year with a birth date. Regions outside the OKATO list only warn: some regions have used
//!   series of their own (Crimea, the autonomous okrugs).

use crate::checksum::{inn10_check, inn12_check1, inn12_check2, ogrn_check, ogrnip_check, snils_check};
use crate::date::Date;
use crate::report::{Agreement, HolderCheck, IdCheck};
use crate::{digits_only, key, stray_char};

/// OKATO first-level codes (regions of the Russian Federation) and their names.
const REGIONS: &[(&str, &str)] = &[
    ("01", "Altai Krai"),
    ("03", "Krasnodar Krai"),
    ("04", "Krasnoyarsk Krai"),
    ("05", "Primorsky Krai"),
    ("07", "Stavropol Krai"),
    ("08", "Khabarovsk Krai"),
    ("10", "Amur Oblast"),
    ("11", "Arkhangelsk Oblast"),
    ("12", "Astrakhan Oblast"),
    ("14", "Belgorod Oblast"),
    ("15", "Bryansk Oblast"),
    ("17", "Vladimir Oblast"),
    ("18", "Volgograd Oblast"),
    ("19", "Vologda Oblast"),
    ("20", "Voronezh Oblast"),
    ("22", "Nizhny Novgorod Oblast"),
    ("24", "Ivanovo Oblast"),
    ("25", "Irkutsk Oblast"),
    ("26", "Ingushetia"),
    ("27", "Kaliningrad Oblast"),
    ("28", "Tver Oblast"),
    ("29", "Kaluga Oblast"),
    ("30", "Kamchatka Krai"),
    ("32", "Kemerovo Oblast"),
    ("33", "Kirov Oblast"),
    ("34", "Kostroma Oblast"),
    ("35", "Crimea"),
    ("36", "Samara Oblast"),
    ("37", "Kurgan Oblast"),
    ("38", "Kursk Oblast"),
    ("40", "Saint Petersburg"),
    ("41", "Leningrad Oblast"),
    ("42", "Lipetsk Oblast"),
    ("44", "Magadan Oblast"),
    ("45", "Moscow"),
    ("46", "Moscow Oblast"),
    ("47", "Murmansk Oblast"),
    ("49", "Novgorod Oblast"),
    ("50", "Novosibirsk Oblast"),
    ("52", "Omsk Oblast"),
    ("53", "Orenburg Oblast"),
    ("54", "Oryol Oblast"),
    ("56", "Penza Oblast"),
    ("57", "Perm Krai"),
    ("58", "Pskov Oblast"),
    ("60", "Rostov Oblast"),
    ("61", "Ryazan Oblast"),
    ("63", "Saratov Oblast"),
    ("64", "Sakhalin Oblast"),
    ("65", "Sverdlovsk Oblast"),
    ("66", "Smolensk Oblast"),
    ("67", "Sevastopol"),
    ("68", "Tambov Oblast"),
    ("69", "Tomsk Oblast"),
    ("70", "Tula Oblast"),
    ("71", "Tyumen Oblast"),
    ("73", "Ulyanovsk Oblast"),
    ("75", "Chelyabinsk Oblast"),
    ("76", "Zabaykalsky Krai"),
    ("77", "Chukotka"),
    ("78", "Yaroslavl Oblast"),
    ("79", "Adygea"),
    ("80", "Bashkortostan"),
    ("81", "Buryatia"),
    ("82", "Dagestan"),
    ("83", "Kabardino-Balkaria"),
    ("84", "Altai Republic"),
    ("85", "Kalmykia"),
    ("86", "Karelia"),
    ("87", "Komi"),
    ("88", "Mari El"),
    ("89", "Mordovia"),
    ("90", "North Ossetia"),
    ("91", "Karachay-Cherkessia"),
    ("92", "Tatarstan"),
    ("93", "Tuva"),
    ("94", "Udmurtia"),
    ("95", "Khakassia"),
    ("96", "Chechnya"),
    ("97", "Chuvashia"),
    ("98", "Sakha (Yakutia)"),
    ("99", "Jewish Autonomous Oblast"),
];

/// The region an OKATO code names.
pub fn okato_region(code: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// Checks a digit: `what` names it in the error ("check digit (10th digit)").
fn expect_digit(report: &mut IdCheck, what: &str, expected: Option<u8>, found: u8) -> bool {
    match expected {
        Some(e) if e + b'0' == found => true,
        Some(e) => {
            report.error(format!("{what}: expected {e}, found {}", found as char));
            false
        }
        None => false,
    }
}

/// Takes the digits of `raw` and checks the length against `lengths`; `None` after an error.
fn digits(report: &mut IdCheck, name: &str, raw: &str, lengths: &[usize]) -> Option<String> {
    let k = key(raw);
    if k.is_empty() {
        report.error(format!("no {name} found in the value"));
        return None;
    }
    report.normalized = Some(k.clone());
    if let Some((pos, c)) = stray_char(raw) {
        report.error(format!("character {pos} `{c}` has no place in {name}"));
        return None;
    }
    if let Some(bad) = k.chars().find(|c| !c.is_ascii_digit()) {
        report.error(format!("{name} has digits only; found `{bad}`"));
        return None;
    }
    if !lengths.contains(&k.len()) {
        let want: Vec<String> = lengths.iter().map(usize::to_string).collect();
        report.error(format!("{name} has {} digits; found {}", want.join(" or "), k.len()));
        several_numbers(report, raw, lengths);
        return None;
    }
    Some(k)
}

/// When a wrong-length value looks like several numbers in one field, says so.
fn several_numbers(report: &mut IdCheck, raw: &str, lengths: &[usize]) {
    let parts: Vec<String> = raw
        .split([',', ';', '/', '|', '\n'])
        .flat_map(|p| p.split("  "))
        .map(digits_only)
        .filter(|p| !p.is_empty())
        .collect();
    let total: usize = parts.iter().map(String::len).sum();
    if parts.len() > 1 && parts.iter().all(|p| lengths.contains(&p.len())) && total == key(raw).len() {
        report.warn(format!("the value holds {} numbers ({}): check them one by one", parts.len(), parts.join(", ")));
    }
}

/// INN: 10 digits for a legal entity, 12 for a person (or an individual entrepreneur).
pub fn check_inn(raw: &str) -> IdCheck {
    let mut r = IdCheck::new("ru-inn", raw);
    let Some(k) = digits(&mut r, "an INN", raw, &[10, 12]) else { return r };
    let b = k.as_bytes();
    if b.len() == 10 {
        r.field("kind", "legal entity");
        expect_digit(&mut r, "check digit (10th digit)", inn10_check(&b[..9]), b[9]);
    } else {
        r.field("kind", "individual");
        expect_digit(&mut r, "first check digit (11th digit)", inn12_check1(&b[..10]), b[10]);
        expect_digit(&mut r, "second check digit (12th digit)", inn12_check2(&b[..11]), b[11]);
    }
    r.field("region_code", &k[..2]);
    r.field("tax_office", &k[..4]);
    if &k[..2] == "00" {
        r.warn("region code 00 is not assigned");
    }
    r
}

/// SNILS: 9 digits and a 2-digit check number (`112-233-445 95`).
pub fn check_snils(raw: &str) -> IdCheck {
    let mut r = IdCheck::new("ru-snils", raw);
    let Some(k) = digits(&mut r, "a SNILS", raw, &[11]) else { return r };
    let b = k.as_bytes();
    r.field("formatted", format!("{}-{}-{} {}", &k[..3], &k[3..6], &k[6..9], &k[9..]));
    let serial: u32 = k[..9].parse().unwrap_or(0);
    if serial <= 1_001_998 {
        r.warn("numbers up to 001-001-998 carry no checkable digit: the check number was not verified");
        return r;
    }
    let expected = snils_check(&b[..9]).unwrap_or(0);
    let found: u8 = k[9..].parse().unwrap_or(0);
    if expected != found {
        r.error(format!("check number (last two digits): expected {expected:02}, found {found:02}"));
    }
    if b[..9].windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        r.warn("the same digit three times in a row: such numbers are not issued");
    }
    r
}

fn registration_year(yy: &str, as_of: Date) -> i32 {
    let yy: i32 = yy.parse().unwrap_or(0);
    let year = 2000 + yy;
    if year > as_of.year {
        year - 100
    } else {
        year
    }
}

/// OGRN: 13 digits of a legal entity's state registration number.
pub fn check_ogrn(raw: &str, as_of: Date) -> IdCheck {
    let mut r = IdCheck::new("ru-ogrn", raw);
    let Some(k) = digits(&mut r, "an OGRN", raw, &[13]) else {
        if r.normalized.as_ref().is_some_and(|n| n.len() == 15) {
            r.warn("15 digits: an OGRNIP (use type ru-ogrnip)");
        }
        return r;
    };
    let b = k.as_bytes();
    match b[0] {
        b'1' | b'5' => r.field("record", "OGRN of a legal entity"),
        b'2' | b'6' | b'7' | b'8' | b'9' => {
            r.field("record", "state registration number of a later record (GRN)");
            r.warn(format!("first digit {}: a later registration record (GRN), not the OGRN itself", b[0] as char));
        }
        _ => r.error(format!("first digit {}: an OGRN starts with 1 or 5", b[0] as char)),
    }
    let year = registration_year(&k[1..3], as_of);
    r.field("year", year.to_string());
    r.field("region_code", &k[3..5]);
    if year < 2002 {
        r.warn(format!("registration year {year} is before OGRNs were assigned (2002)"));
    }
    expect_digit(&mut r, "check digit (13th digit)", ogrn_check(&b[..12]), b[12]);
    r
}

/// OGRNIP: 15 digits of an individual entrepreneur's registration number.
pub fn check_ogrnip(raw: &str, as_of: Date) -> IdCheck {
    let mut r = IdCheck::new("ru-ogrnip", raw);
    let Some(k) = digits(&mut r, "an OGRNIP", raw, &[15]) else {
        if r.normalized.as_ref().is_some_and(|n| n.len() == 13) {
            r.warn("13 digits: an OGRN (use type ru-ogrn)");
        }
        return r;
    };
    let b = k.as_bytes();
    match b[0] {
        b'3' => r.field("record", "OGRNIP of an individual entrepreneur"),
        b'4' => {
            r.field("record", "state registration number of a later record (GRNIP)");
            r.warn("first digit 4: a later registration record (GRNIP), not the OGRNIP itself");
        }
        _ => r.error(format!("first digit {}: an OGRNIP starts with 3", b[0] as char)),
    }
    let year = registration_year(&k[1..3], as_of);
    r.field("year", year.to_string());
    r.field("region_code", &k[3..5]);
    if year < 2004 {
        r.warn(format!("registration year {year} is before OGRNIPs were assigned (2004)"));
    }
    expect_digit(&mut r, "check digit (15th digit, (n mod 13) mod 10)", ogrnip_check(&b[..14]), b[14]);
    r
}

/// KPP: tax office (4 digits), reason code (2 digits or capital letters), serial (3 digits).
pub fn check_kpp(raw: &str) -> IdCheck {
    let mut r = IdCheck::new("ru-kpp", raw);
    let k = key(raw);
    r.normalized = Some(k.clone());
    if let Some((pos, c)) = stray_char(raw) {
        r.error(format!("character {pos} `{c}` has no place in a KPP"));
        return r;
    }
    let b = k.as_bytes();
    if b.len() != 9 {
        r.error(format!("a KPP has 9 characters; found {}", b.len()));
        return r;
    }
    if let Some(pos) = (0..4).chain(6..9).find(|&i| !b[i].is_ascii_digit()) {
        r.error(format!("character {} of a KPP is a digit; found `{}`", pos + 1, b[pos] as char));
    }
    if let Some(pos) = (4..6).find(|&i| !(b[i].is_ascii_digit() || b[i].is_ascii_uppercase())) {
        r.error(format!("character {} of a KPP is a digit or a capital letter; found `{}`", pos + 1, b[pos] as char));
    }
    if !r.valid {
        return r;
    }
    r.field("tax_office", &k[..4]);
    r.field("region_code", &k[..2]);
    r.field("reason_code", &k[4..6]);
    if &k[..2] == "00" {
        r.warn("region code 00 is not assigned");
    }
    r
}

/// BIK: `04` (Russia), region (OKATO, 2 digits), division (2), institution (3).
pub fn check_bik(raw: &str) -> IdCheck {
    let mut r = IdCheck::new("ru-bik", raw);
    let Some(k) = digits(&mut r, "a BIK", raw, &[9]) else { return r };
    if &k[..2] != "04" {
        r.error(format!("country code `{}`: a Russian BIK starts with 04", &k[..2]));
        return r;
    }
    r.field("region_code", &k[2..4]);
    match okato_region(&k[2..4]) {
        Some(name) => r.field("region", name),
        None => r.warn(format!("region code `{}` is not an OKATO region code", &k[2..4])),
    }
    r.field("division", &k[4..6]);
    r.field("institution", &k[6..]);
    r
}

/// A Russian passport: internal (10 digits: series of 4 + number of 6) or foreign (9 digits:
/// series of 2 + number of 7). Also reads the Soviet-style series `IV-МЮ 123456` and says it is
/// no longer valid.
pub fn check_passport(raw: &str, as_of: Date) -> IdCheck {
    let mut r = IdCheck::new("ru-passport", raw);
    let k = key(raw);
    r.normalized = Some(k.clone());
    if k.is_empty() {
        r.error("no passport number found in the value");
        return r;
    }
    if !k.bytes().all(|b| b.is_ascii_digit()) {
        if let Some((series, number)) = soviet_series(raw) {
            r.normalized = Some(format!("{series} {number}"));
            r.field("kind", "Soviet (1974 form)");
            r.field("series", series);
            r.field("number", number);
            r.error("the 1974-form (Soviet) passport stopped being valid in 2004");
            return r;
        }
        let bad = k.chars().find(|c| !c.is_ascii_digit()).unwrap_or('?');
        r.error(format!("a Russian passport number has digits only; found `{bad}`"));
        return r;
    }
    match k.len() {
        10 => {
            r.field("kind", "internal");
            r.field("series", &k[..4]);
            r.field("number", &k[4..]);
            r.field("region_code", &k[..2]);
            match okato_region(&k[..2]) {
                Some(name) => r.field("region", name),
                None => r.warn(format!("series region code `{}` is not an OKATO region code", &k[..2])),
            }
            let year = form_year(&k[2..4], as_of);
            r.field("form_year", year.to_string());
            if year < 1997 {
                r.error(format!("series year `{}` reads {year}: the current passport form dates from 1997", &k[2..4]));
            } else if year > as_of.year + 1 {
                r.error(format!("series year `{}` reads {year}, after the as-of date {as_of}", &k[2..4]));
            } else if year == as_of.year + 1 {
                r.warn(format!("form year {year} is the year after the as-of date"));
            }
            if &k[4..] == "000000" {
                r.error("number 000000 is not issued");
            }
        }
        9 => {
            r.field("kind", "foreign");
            r.field("series", &k[..2]);
            r.field("number", &k[2..]);
            if &k[2..] == "0000000" {
                r.error("number 0000000 is not issued");
            }
        }
        n => r.error(format!(
            "a Russian passport has 10 digits (internal: series 4 + number 6) or 9 (foreign: 2 + 7); found {n}"
        )),
    }
    r
}

/// The year of a form from the two series digits (forms since 1997).
fn form_year(yy: &str, as_of: Date) -> i32 {
    let yy: i32 = yy.parse().unwrap_or(0);
    if 2000 + yy <= as_of.year + 1 {
        2000 + yy
    } else {
        1900 + yy
    }
}

/// `IV-МЮ 123456` (Roman numeral, two Cyrillic letters, six digits).
fn soviet_series(raw: &str) -> Option<(String, String)> {
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '№').collect();
    let roman_end = cleaned.find(|c: char| !matches!(c, 'I' | 'V' | 'X' | 'L' | 'i' | 'v' | 'x' | 'l'))?;
    let rest = &cleaned[roman_end..];
    let mut chars = rest.chars();
    let (a, b) = (chars.next()?, chars.next()?);
    let cyr = |c: char| ('А'..='я').contains(&c) || c == 'Ё' || c == 'ё';
    let number: String = chars.collect();
    if roman_end == 0 || !cyr(a) || !cyr(b) || number.len() != 6 || !number.bytes().all(|d| d.is_ascii_digit()) {
        return None;
    }
    let series = format!("{}-{}{}", cleaned[..roman_end].to_uppercase(), a.to_uppercase(), b.to_uppercase());
    Some((series, number))
}

/// Is an internal passport whose form was printed in `form_year` plausible for a holder born on
/// `birth`, as of `as_of`? Issued at 14, replaced at 20 and 45 (90 days' grace); a form may be
/// issued a year or more after it was printed, never before.
pub fn passport_plausibility(form_year: i32, birth: Date, as_of: Date) -> HolderCheck {
    let at14 = birth.add_years(14);
    if form_year < 1997 {
        return HolderCheck {
            check: "passport_issue_age",
            result: Agreement::Unknown,
            detail: format!("form year {form_year} is before the 1997 form"),
        };
    }
    if as_of < at14 {
        return HolderCheck {
            check: "passport_issue_age",
            result: Agreement::Disagrees,
            detail: format!("the holder, born {birth}, is under 14 on {as_of} and cannot hold a passport"),
        };
    }
    // The passport in force must have been issued after the last milestone passed (minus grace).
    let age = birth.years_until(as_of);
    let milestone = if age >= 45 {
        45
    } else if age >= 20 {
        20
    } else {
        14
    };
    let due = birth.add_years(milestone);
    let grace_over = as_of > Date::from_unix_days(due.unix_days() + 90);
    if milestone > 14 && grace_over && form_year < due.year - 1 {
        return HolderCheck {
            check: "passport_issue_age",
            result: Agreement::Disagrees,
            detail: format!(
                "a {form_year} form cannot have been issued at or after {milestone} ({due}); the passport should have been replaced"
            ),
        };
    }
    if form_year > as_of.year + 1 {
        return HolderCheck {
            check: "passport_issue_age",
            result: Agreement::Disagrees,
            detail: format!("form year {form_year} is after the as-of date {as_of}"),
        };
    }
    if form_year < at14.year - 3 {
        return HolderCheck {
            check: "passport_issue_age",
            result: Agreement::Unknown,
            detail: format!(
                "the {form_year} form was printed well before the holder turned 14 ({}); possible but unusual",
                at14.year
            ),
        };
    }
    HolderCheck {
        check: "passport_issue_age",
        result: Agreement::Agrees,
        detail: format!("a {form_year} form fits a holder born {birth} (passport due at {milestone}, {due})"),
    }
}

/// Was an internal passport issued on `issued` plausible for a holder born on `birth`, and is it
/// the one in force on `as_of`? Issued from 14; replaced at 20 and 45 (90 days' grace).
pub fn issue_date_plausibility(issued: Date, birth: Date, as_of: Date) -> HolderCheck {
    let check = "passport_issue_age";
    let age_at_issue = birth.years_until(issued);
    if issued > as_of {
        return HolderCheck {
            check,
            result: Agreement::Disagrees,
            detail: format!("issue date {issued} is after the as-of date {as_of}"),
        };
    }
    if age_at_issue < 14 {
        return HolderCheck {
            check,
            result: Agreement::Disagrees,
            detail: format!(
                "issued {issued}, when the holder (born {birth}) was {age_at_issue}: passports are issued from 14"
            ),
        };
    }
    let age = birth.years_until(as_of);
    for milestone in [45, 20] {
        let due = birth.add_years(milestone);
        let grace_over = as_of > Date::from_unix_days(due.unix_days() + 90);
        if age >= milestone && grace_over && issued < Date::from_unix_days(due.unix_days() - 30) {
            return HolderCheck {
                check,
                result: Agreement::Disagrees,
                detail: format!(
                    "issued {issued} at {age_at_issue}; it expired when the holder turned {milestone} ({due}) and is not the passport in force on {as_of}"
                ),
            };
        }
    }
    HolderCheck {
        check,
        result: Agreement::Agrees,
        detail: format!("issued {issued} at {age_at_issue}, in force on {as_of} for a holder born {birth}"),
    }
}

#[cfg(test)]
mod tests;
