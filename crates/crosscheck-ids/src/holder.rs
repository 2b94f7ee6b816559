//! Does a machine-readable zone agree with the person who claims it? Name (under the
//! transliteration its issuer used), birth date, sex and nationality, each `agrees`,
//! `disagrees` or `unknown` with a sentence saying why.
//!
//! Decisions and reasons:
//! - The MRZ has no issue date. The issue year is bounded by the expiry (travel documents run
//!   at most ten years: issued in `[expiry - 10, expiry]`, and not after the as-of date), and the
//!   schemes the issuer used in that window come from `crosscheck_names::translit`
//!   (`Scheme::for_issuer`): Russia ICAO 9303 since 2013, GOST 52535 2010–2013, MVD 310/782
//!   before; Ukraine the national system of 2010 and the 2007 passport rules.
//! - A name that matches only under an older scheme of the same issuer still agrees: holders may
//!   ask to keep the spelling of their previous passport. The detail says so.
//! - A name that matches only under a scheme the issuer never used in passports (BGN/PCGN, a
//!   library system) is `unknown`, not `agrees`: it is the desk's call.
//! - A claimed name in Latin letters in another romanisation than the zone's (Dmitry Sokolovsky
//!   against SOKOLOVSKII DMITRII) is the same name: the issuer transliterated the Cyrillic one.
//!   It is read back into Cyrillic (as a romanised Russian name in English or German habits,
//!   then as a Western one) and out
//!   again under the issuer's schemes; failing that, token by token on the name matcher's
//!   phonetic keys (equal for the usual romanisations of one Cyrillic word). Only for issuers
//!   that transliterate from Cyrillic: other zones compare a Latin name as written.
//! - Tokens are compared as the MRZ writes them (capitals only; spaces, hyphens and apostrophes
//!   separate or vanish). Every MRZ token must be found in the holder's name; the holder may have
//!   more (a patronymic is not in Russian MRZs). When the name field is full, the last MRZ token
//!   may be a prefix (truncation).

use crate::date::Date;
use crate::mrz::{MrzData, MrzDate};
use crate::report::{Agreement, HolderCheck, IdCheck};
use crate::IdType;
use crosscheck_model::Entity;
use crosscheck_names::translit::{mrz_fold, transliterate, Scheme};

/// Checks `value` as `kind` and, for the documents that carry holder data, compares it with
/// `holder`: an MRZ through [`check_holder`] (a zone that cannot be read gives one `unknown`
/// check saying so), a Russian internal passport's form year against the holder's birth date
/// ([`crate::ru::passport_plausibility`]). Other types carry no holder data: their report has
/// no `checks`. This is the one definition `check-id --holder` and a case's `<key>.holder`
/// claim share.
pub fn check_with_holder(kind: IdType, value: &str, holder: &Entity, as_of: Date) -> IdCheck {
    if kind == IdType::Mrz {
        let parsed = crate::mrz::parse(value, as_of);
        let mut report = parsed.report;
        report.checks = Some(match &parsed.data {
            Some(data) => check_holder(data, holder, as_of),
            None => vec![HolderCheck {
                check: "document",
                result: Agreement::Unknown,
                detail: "the zone could not be read, so nothing was compared".into(),
            }],
        });
        return report;
    }
    let mut report = crate::check(kind, value, as_of);
    if report.kind == "ru-passport" {
        report.checks = Some(vec![passport_holder_check(&report, holder, as_of)]);
    }
    report
}

/// A Russian passport's form year (from its series) against the holder's birth date.
fn passport_holder_check(report: &IdCheck, holder: &Entity, as_of: Date) -> HolderCheck {
    let unknown =
        |detail: &str| HolderCheck { check: "passport_issue_age", result: Agreement::Unknown, detail: detail.into() };
    let Some(year) = report.fields.get("form_year").and_then(|y| y.parse::<i32>().ok()) else {
        return unknown("only an internal passport's series carries a form year");
    };
    let Some(born) = holder.get("birthDate").iter().find_map(|d| Date::parse_iso(d)) else {
        return unknown("the holder has no full birth date");
    };
    crate::ru::passport_plausibility(year, born, as_of)
}

/// Compares a parsed zone with its claimed holder (an FtM Person) as of `as_of`.
pub fn check_holder(mrz: &MrzData, holder: &Entity, as_of: Date) -> Vec<HolderCheck> {
    let mut checks = vec![name_check(mrz, holder, as_of), birth_check(mrz, holder), sex_check(mrz, holder)];
    if let Some(nat) = nationality_check(mrz, holder) {
        checks.push(nat);
    }
    if let Some(ru) = &mrz.ru_internal {
        let birth = holder
            .get("birthDate")
            .iter()
            .find_map(|d| Date::parse_iso(d))
            .or_else(|| mrz.birth_date.and_then(|d| d.full()));
        checks.push(match (ru.issue_date, birth) {
            (Some(issued), Some(born)) => crate::ru::issue_date_plausibility(issued, born, as_of),
            _ => HolderCheck {
                check: "passport_issue_age",
                result: Agreement::Unknown,
                detail: "the issue date or the holder's birth date is unknown".into(),
            },
        });
    }
    checks
}

/// The holder's names: `name`, `alias`, `previousName` and one assembled from the parts.
fn holder_names(holder: &Entity) -> Vec<String> {
    let mut names = holder.names();
    if let Some(assembled) = holder.assembled_name() {
        if !names.contains(&assembled) {
            names.push(assembled);
        }
    }
    names
}

/// A name as MRZ tokens (capitals; digits kept, as the internal passport's table uses them).
fn mrz_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '-' | '<' | ',' | '.'))
        .map(
            |t| {
                if t.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                    t.to_string()
                } else {
                    mrz_fold(t)
                }
            },
        )
        .filter(|t| !t.is_empty())
        .collect()
}

/// Every MRZ token is found in the holder tokens (each used once); with `truncated`, the last
/// MRZ token may be a prefix of a holder token.
fn covers(holder: &[String], mrz: &[String], truncated: bool) -> bool {
    covers_by(holder, mrz, truncated, &|h, t| h == t)
}

/// [`covers`] with `same(holder token, MRZ token)` deciding which tokens are one.
fn covers_by(holder: &[String], mrz: &[String], truncated: bool, same: &dyn Fn(&str, &str) -> bool) -> bool {
    let mut used = vec![false; holder.len()];
    for (idx, t) in mrz.iter().enumerate() {
        let last = idx + 1 == mrz.len();
        let found = holder
            .iter()
            .enumerate()
            .find(|(j, h)| !used[*j] && (same(h, t) || (truncated && last && h.starts_with(t.as_str()))));
        match found {
            Some((j, _)) => used[j] = true,
            None => return false,
        }
    }
    !mrz.is_empty()
}

/// ICAO 9303 part 3 writes some Latin letters as two (Ä → AE, ß → SS, ...); others lose their
/// diacritics. Both spellings occur in real zones, so a Latin name is tried both ways.
fn icao_latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        match c {
            'Ä' | 'ä' | 'Æ' | 'æ' => out.push_str("AE"),
            'Ö' | 'ö' | 'Ø' | 'ø' | 'Œ' | 'œ' => out.push_str("OE"),
            'Ü' | 'ü' => out.push_str("UE"),
            'Å' | 'å' => out.push_str("AA"),
            'ß' | 'ẞ' => out.push_str("SS"),
            'Þ' | 'þ' => out.push_str("TH"),
            'Ĳ' | 'ĳ' => out.push_str("IJ"),
            _ => out.push(c),
        }
    }
    out
}

fn is_latin(text: &str) -> bool {
    !text.chars().any(|c| c.is_alphabetic() && !c.is_ascii_alphabetic() && (c as u32) >= 0x0370)
}

/// The years in which the document could have been issued.
fn issue_window(mrz: &MrzData, as_of: Date) -> (i32, i32) {
    let birth = mrz.birth_date.map(|d| d.year);
    let (mut from, mut until) = match mrz.expiry_date {
        Some(e) => (e.year - 10, e.year.min(as_of.year)),
        None => (birth.unwrap_or(1990), as_of.year),
    };
    if let Some(b) = birth {
        from = from.max(b);
    }
    until = until.max(from);
    (from, until)
}

fn name_check(mrz: &MrzData, holder: &Entity, as_of: Date) -> HolderCheck {
    let mrz_name: Vec<String> = mrz_tokens(&mrz.surname).into_iter().chain(mrz_tokens(&mrz.given_names)).collect();
    let shown = format!("{} {}", mrz.surname, mrz.given_names).trim().to_string();
    let names = holder_names(holder);
    let result = |result, detail: String| HolderCheck { check: "name", result, detail };
    if names.is_empty() {
        return result(Agreement::Unknown, "the holder has no name to compare".into());
    }
    if mrz_name.is_empty() {
        return result(Agreement::Unknown, "the zone holds no name".into());
    }
    let (from, until) = issue_window(mrz, as_of);
    let issuer = mrz.issuing_state.as_str();
    let issuer_schemes = Scheme::for_issuer(issuer);
    let in_window: Vec<Scheme> = issuer_schemes
        .iter()
        .filter(|(_, f, u)| f.is_none_or(|f| f <= until) && u.is_none_or(|u| u >= from))
        .map(|(s, _, _)| *s)
        .collect();
    let years = |s: Scheme| {
        issuer_schemes
            .iter()
            .find(|(x, _, _)| *x == s)
            .map(|(_, f, u)| match (f, u) {
                (Some(f), Some(u)) => format!("{f}–{u}"),
                (Some(f), None) => format!("since {f}"),
                (None, Some(u)) => format!("until {u}"),
                (None, None) => "always".to_string(),
            })
            .unwrap_or_default()
    };
    let window = if from == until { format!("{from}") } else { format!("{from}–{until}") };
    // 0. A Russian internal passport writes Cyrillic with its own table: compare letter for letter.
    if mrz.ru_internal.is_some() {
        for name in names.iter().filter(|n| !is_latin(n)) {
            if covers(&mrz_tokens(&crate::mrz::pnrus_encode(name)), &mrz_name, mrz.names_truncated) {
                return result(
                    Agreement::Agrees,
                    format!("MRZ name `{shown}` agrees with `{name}` under the internal passport's letter table (Ё 2, Ч 3, Ш 4, ...)"),
                );
            }
        }
    }
    // 1. A Latin name as written.
    for name in names.iter().filter(|n| is_latin(n)) {
        if covers(&mrz_tokens(name), &mrz_name, mrz.names_truncated) {
            return result(Agreement::Agrees, format!("MRZ name `{shown}` agrees with `{name}` as written"));
        }
        if covers(&mrz_tokens(&icao_latin(name)), &mrz_name, mrz.names_truncated) {
            return result(
                Agreement::Agrees,
                format!("MRZ name `{shown}` agrees with `{name}` under ICAO 9303's Latin rules (Ä → AE, ß → SS, ...)"),
            );
        }
    }
    // 2. Schemes the issuer used while the document could have been issued, then its older
    //    ones, then any other scheme.
    let stages: [(&[Scheme], u8); 3] =
        [(&in_window, 0), (&issuer_schemes.iter().map(|(s, _, _)| *s).collect::<Vec<_>>(), 1), (Scheme::all(), 2)];
    for (schemes, stage) in stages {
        for name in names.iter().filter(|n| !is_latin(n)) {
            for &scheme in schemes {
                let latin = transliterate(name, scheme);
                if covers(&mrz_tokens(&latin), &mrz_name, mrz.names_truncated) {
                    let detail = match stage {
                        0 => format!(
                            "MRZ name `{shown}` agrees with `{name}` under {scheme}, which {issuer} used {} (document issued {window})",
                            years(scheme)
                        ),
                        1 => format!(
                            "MRZ name `{shown}` agrees with `{name}` under {scheme}, which {issuer} used {}, before this document was issued ({window}); holders may keep an older spelling",
                            years(scheme)
                        ),
                        _ => format!(
                            "MRZ name `{shown}` matches `{name}` only under {scheme}, which {} did not use in travel documents",
                            if issuer.is_empty() { "the issuer" } else { issuer }
                        ),
                    };
                    let verdict =
                        if stage < 2 || issuer_schemes.is_empty() { Agreement::Agrees } else { Agreement::Unknown };
                    return result(verdict, detail);
                }
            }
        }
    }
    // 3. A Latin name in another romanisation (Dmitry Sokolovsky against SOKOLOVSKII DMITRII):
    //    the issuer transliterated the holder's Cyrillic name, so read the claimed name back
    //    into Cyrillic and out again under the issuer's schemes; failing that, compare token by
    //    token on the name matcher's phonetic keys, which are the same for the usual
    //    romanisations of one Cyrillic word. Only for issuers that transliterate from Cyrillic
    //    (a Latin name on a German passport is compared as written, above).
    if !issuer_schemes.is_empty() {
        let names_ctx = crosscheck_names::Names::shared();
        let issuer_all: Vec<Scheme> = issuer_schemes.iter().map(|(s, _, _)| *s).collect();
        for name in names.iter().filter(|n| is_latin(n)) {
            // read as a romanised Russian name (Dmitry → Дмитрий, with English then German
            // habits), then as a Western one
            let mut forms = crosscheck_names::translit::russian_cyrillic_forms(name);
            let western = names_ctx.to_cyrillic(name);
            if !forms.contains(&western) {
                forms.push(western);
            }
            for (schemes, stage, cyrillic) in [(&in_window, 0u8), (&issuer_all, 1)]
                .into_iter()
                .flat_map(|(schemes, stage)| forms.iter().map(move |f| (schemes, stage, f)))
            {
                for &scheme in schemes.iter() {
                    let latin = transliterate(cyrillic, scheme);
                    if covers(&mrz_tokens(&latin), &mrz_name, mrz.names_truncated) {
                        let when = if stage == 0 {
                            format!("which {issuer} used {} (document issued {window})", years(scheme))
                        } else {
                            format!("which {issuer} used {}, before this document was issued ({window}); holders may keep an older spelling", years(scheme))
                        };
                        return result(
                            Agreement::Agrees,
                            format!("MRZ name `{shown}` agrees with `{name}` read through its Cyrillic form `{cyrillic}` under {scheme}, {when}"),
                        );
                    }
                }
            }
            let key = |t: &str| crosscheck_names::key::phonetic_key(&t.to_ascii_lowercase());
            let same_key = |h: &str, t: &str| h == t || key(h) == key(t);
            if covers_by(&mrz_tokens(name), &mrz_name, mrz.names_truncated, &same_key) {
                return result(
                    Agreement::Agrees,
                    format!("MRZ name `{shown}` agrees with `{name}` as another romanisation of the same Cyrillic name (every word has the same phonetic key)"),
                );
            }
        }
    }
    // 4. No scheme: say how close the best reading is.
    let mrz_parsed = crosscheck_names::Name::parse(&shown, crosscheck_names::NameKind::Person);
    let best = names
        .iter()
        .map(|n| {
            (
                n,
                crosscheck_names::compare(
                    &crosscheck_names::Name::parse(n, crosscheck_names::NameKind::Person),
                    &mrz_parsed,
                ),
            )
        })
        .max_by(|a, b| a.1.score.total_cmp(&b.1.score));
    let close = best.as_ref().map(|(n, m)| format!("; closest: `{n}`, score {:.2}", m.score)).unwrap_or_default();
    result(
        Agreement::Disagrees,
        format!(
            "MRZ name `{shown}` is not the holder's name under any transliteration {} used{close}",
            if issuer.is_empty() { "the issuer" } else { issuer }
        ),
    )
}

/// `YYYY[-MM[-DD]]` to parts.
fn partial(s: &str) -> Option<(i32, Option<u8>, Option<u8>)> {
    let mut parts = s.trim().split('-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next().and_then(|p| p.parse().ok());
    let d = parts.next().and_then(|p| p.parse().ok());
    Some((y, m, d))
}

fn dates_agree(mrz: &MrzDate, claimed: (i32, Option<u8>, Option<u8>)) -> bool {
    let (y, m, d) = claimed;
    y == mrz.year
        && match (m, mrz.month) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
        && match (d, mrz.day) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

fn birth_check(mrz: &MrzData, holder: &Entity) -> HolderCheck {
    let result = |result, detail: String| HolderCheck { check: "birth_date", result, detail };
    let Some(born) = mrz.birth_date else {
        return result(Agreement::Unknown, "the zone's birth date is unknown or unreadable".into());
    };
    let claimed: Vec<&String> = holder.get("birthDate").iter().collect();
    if claimed.is_empty() {
        return result(Agreement::Unknown, "the holder has no birth date".into());
    }
    if let Some(c) = claimed.iter().find(|c| partial(c).is_some_and(|p| dates_agree(&born, p))) {
        return result(Agreement::Agrees, format!("MRZ birth date {} agrees with the holder's {c}", born.iso()));
    }
    let list: Vec<&str> = claimed.iter().map(|s| s.as_str()).collect();
    result(Agreement::Disagrees, format!("MRZ birth date {} differs from the holder's {}", born.iso(), list.join(", ")))
}

fn sex_check(mrz: &MrzData, holder: &Entity) -> HolderCheck {
    let result = |result, detail: String| HolderCheck { check: "sex", result, detail };
    let mrz_gender = match mrz.sex {
        Some('M') => "male",
        Some('F') => "female",
        Some(_) => return result(Agreement::Unknown, "the zone does not state the sex (`<` or `X`)".into()),
        None => return result(Agreement::Unknown, "the zone's sex field is unreadable".into()),
    };
    let claimed: Vec<&'static str> =
        holder.get("gender").iter().filter_map(|g| crosscheck_model::clean::gender(g)).collect();
    if claimed.is_empty() {
        let hint = holder_names(holder)
            .iter()
            .find_map(|n| crosscheck_names::Name::parse(n, crosscheck_names::NameKind::Person).gender_hint());
        let hint = match hint {
            Some(crosscheck_names::Gender::Male) => "; the name's forms suggest male",
            Some(crosscheck_names::Gender::Female) => "; the name's forms suggest female",
            None => "",
        };
        return result(Agreement::Unknown, format!("the holder's gender is not given{hint}"));
    }
    if claimed.contains(&mrz_gender) {
        result(
            Agreement::Agrees,
            format!("MRZ sex {} agrees with the holder's gender {mrz_gender}", mrz.sex.unwrap_or('?')),
        )
    } else {
        result(
            Agreement::Disagrees,
            format!("MRZ sex {} differs from the holder's gender {}", mrz.sex.unwrap_or('?'), claimed.join(", ")),
        )
    }
}

fn nationality_check(mrz: &MrzData, holder: &Entity) -> Option<HolderCheck> {
    let claimed: Vec<&String> = holder.get("nationality").iter().chain(holder.get("citizenship")).collect();
    if claimed.is_empty() || mrz.nationality.is_empty() {
        return None;
    }
    let mrz_code = mrz_country(&mrz.nationality)?;
    let codes: Vec<String> = claimed.iter().filter_map(|c| crosscheck_model::country::code(c)).collect();
    let (result, detail) = if codes.contains(&mrz_code) {
        (Agreement::Agrees, format!("MRZ nationality {} agrees with the holder's nationality", mrz.nationality))
    } else {
        let list: Vec<&str> = claimed.iter().map(|s| s.as_str()).collect();
        (
            Agreement::Disagrees,
            format!("MRZ nationality {} is not among the holder's ({})", mrz.nationality, list.join(", ")),
        )
    };
    Some(HolderCheck { check: "nationality", result, detail })
}

/// ISO alpha-2 (lower case) for an MRZ nationality code (alpha-3, with ICAO's `D` for Germany).
fn mrz_country(code: &str) -> Option<String> {
    match code {
        "D" => Some("de".to_string()),
        "SUN" => Some("su".to_string()),
        "UTO" | "XXA" | "XXB" | "XXC" | "XXX" => None,
        other => crosscheck_model::country::code(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mrz;

    fn person(props: &[(&str, &str)]) -> Entity {
        let mut e = Entity::new("p", "Person");
        for (k, v) in props {
            e.add(k, v);
        }
        e
    }

    fn results(mrz_text: &str, holder: &Entity) -> Vec<(&'static str, Agreement, String)> {
        let as_of = Date::new(2024, 11, 1).unwrap();
        let parsed = mrz::parse(mrz_text, as_of);
        check_holder(parsed.data.as_ref().unwrap(), holder, as_of)
            .into_iter()
            .map(|c| (c.check, c.result, c.detail))
            .collect()
    }

    /// A TD3 zone from a name field and line 2 (both padded with fillers to 44).
    fn td3(line1: &str, line2: &str) -> String {
        format!("{line1:<<44}\n{line2:<<44}")
    }

    const GLEB: &str = "P<RUSIVANOV<<GLEB<<<<<<<<<<<<<<<<<<<<<<<<<<<\n7512345672RUS9103144M3009129<<<<<<<<<<<<<<08";

    #[test]
    fn russian_passport_agrees_under_icao() {
        let holder = person(&[("name", "Глеб Сергеевич Иванов"), ("birthDate", "1991-03-14"), ("gender", "male")]);
        let r = results(GLEB, &holder);
        assert_eq!(r[0].1, Agreement::Agrees, "{}", r[0].2);
        assert!(r[0].2.contains("icao_9303"), "{}", r[0].2);
        assert_eq!(r[1].1, Agreement::Agrees);
        assert_eq!(r[2].1, Agreement::Agrees);
    }

    #[test]
    fn latin_names_with_diacritics_and_ukrainian_schemes() {
        let mueller = td3("P<D<<MUELLER<<HANS<PETER", "C01X0006H1D<<6408125M2710319<<<<<<<<<<<<<<<0");
        let r = results(&mueller, &person(&[("name", "Hans-Peter Müller")]));
        assert_eq!(r[0].1, Agreement::Agrees, "{}", r[0].2);
        let muller = td3("P<D<<MULLER<<HANS<PETER", "C01X0006H1D<<6408125M2710319<<<<<<<<<<<<<<<0");
        let r = results(&muller, &person(&[("name", "Hans-Peter Müller")]));
        assert_eq!(r[0].1, Agreement::Agrees, "{}", r[0].2);
        let ukr = td3("P<UKRZELENSKYI<<VOLODYMYR", "XX000000<0UKR7801251M2809257<<<<<<<<<<<<<<<0");
        let r = results(&ukr, &person(&[("name", "Володимир Зеленський")]));
        assert_eq!(r[0].1, Agreement::Agrees, "{}", r[0].2);
        assert!(r[0].2.contains("ukrainian_national_2010"), "{}", r[0].2);
    }

    #[test]
    fn russian_internal_passport_zone() {
        use crate::checksum::mrz_check_digit;
        let d = |s: &str| char::from(b'0' + mrz_check_digit(s.as_bytes()).unwrap());
        let (number, birth, expiry, optional) = ("451123456", "910314", "<<<<<<", "1110320770001<");
        let body =
            format!("{number}{}RUS{birth}{}M{expiry}{}{optional}{}", d(number), d(birth), d(expiry), d(optional));
        let composite = format!("{}{}{}", &body[..10], &body[13..20], &body[21..43]);
        let zone = td3("PNRUSIVANOV<<GLEB<SERGEEVI3", &format!("{body}{}", d(&composite)));
        let as_of = Date::new(2024, 11, 1).unwrap();
        let parsed = mrz::parse(&zone, as_of);
        assert!(parsed.report.valid, "{:?}", parsed.report.errors);
        let f = &parsed.report.fields;
        assert_eq!(f.get("passport_series"), Some("4511"));
        assert_eq!(f.get("passport_number"), Some("123456"));
        assert_eq!(f.get("issue_date"), Some("2011-03-20"));
        assert_eq!(f.get("department_code"), Some("770-001"));
        assert_eq!(f.get("given_names_cyrillic"), Some("ГЛЕБ СЕРГЕЕВИЧ"));
        let holder = person(&[("name", "Иванов Глеб Сергеевич"), ("birthDate", "1991-03-14"), ("gender", "male")]);
        let r = results(&zone, &holder);
        assert_eq!(r[0].1, Agreement::Agrees, "{}", r[0].2);
        assert!(r[0].2.contains("letter table"), "{}", r[0].2);
        let issue = r.iter().find(|c| c.0 == "passport_issue_age").unwrap();
        assert_eq!(issue.1, Agreement::Agrees, "issued days after the 20th birthday: {}", issue.2);
    }

    #[test]
    fn disagreements_are_reported() {
        let holder = person(&[("name", "Пётр Смирнов"), ("birthDate", "1991-03-15"), ("gender", "female")]);
        let r = results(GLEB, &holder);
        assert!(r.iter().all(|(_, a, _)| *a == Agreement::Disagrees), "{r:?}");
    }

    /// A claimed Latin name in another romanisation than the passport's is the same name read
    /// through its Cyrillic form; a different name still disagrees. Invented names, one reason
    /// each.
    #[test]
    fn latin_name_in_another_romanisation() {
        // a passport expiring 2030, issued 2020-2024 (ICAO 9303 era)
        let line2 = "7512345672RUS9103144M3009129<<<<<<<<<<<<<<08";
        let rows: &[(&str, &str, Agreement, &str)] = &[
            // -y / -ii, -sky / -skii: Wikipedia style against ICAO 9303
            ("P<RUSSOKOLOVSKII<<DMITRII", "Dmitry Sokolovsky", Agreement::Agrees, "Cyrillic form"),
            // -ey / -ei, ya / ia, yu / iu
            ("P<RUSZAVYALOV<<ALEKSEI", "Alexey Zavyalov", Agreement::Agrees, ""),
            ("P<RUSKLIUEVA<<IULIIA", "Yuliya Klyueva", Agreement::Agrees, ""),
            // kh / h and German-style w: the keys join them
            ("P<RUSKHRENOV<<MIKHAIL", "Michail Chrenow", Agreement::Agrees, ""),
            // another name is not another romanisation
            ("P<RUSSOKOLOVSKII<<DMITRII", "Dmitry Sobolevsky", Agreement::Disagrees, ""),
            ("P<RUSSOKOLOVSKII<<DMITRII", "Denis Sokolovsky", Agreement::Disagrees, ""),
        ];
        for (line1, claimed, want, detail) in rows {
            let r = results(&td3(line1, line2), &person(&[("name", claimed)]));
            assert_eq!(r[0].1, *want, "{line1} / {claimed}: {}", r[0].2);
            assert!(r[0].2.contains(detail), "{line1} / {claimed}: {}", r[0].2);
        }
        // a Latin passport name is compared as written: no Cyrillic reading for a German issuer
        let de = td3("P<D<<SOKOLOVSKII<<DMITRII", "C01X0006H1D<<6408125M2710319<<<<<<<<<<<<<<<0");
        let r = results(&de, &person(&[("name", "Dmitry Sokolovsky")]));
        assert_eq!(r[0].1, Agreement::Disagrees, "{}", r[0].2);
    }

    #[test]
    fn older_scheme_is_kept_spelling() {
        // Юлия under MVD 782 is YULIYA; a passport expiring 2030 was issued 2020-2024 (ICAO era).
        let line2 = "7512345672RUS9103144F3009129<<<<<<<<<<<<<<08";
        let mrz_text = td3("P<RUSSHCHEGLOVA<<YULIYA", line2);
        let holder = person(&[("name", "Юлия Щеглова")]);
        let r = results(&mrz_text, &holder);
        assert_eq!(r[0].1, Agreement::Agrees, "{}", r[0].2);
        assert!(r[0].2.contains("older spelling"), "{}", r[0].2);
        let r = results(&td3("P<RUSSHCHEGLOVA<<IULIIA", line2), &holder);
        assert!(r[0].2.contains("icao_9303") && !r[0].2.contains("older"), "{}", r[0].2);
        assert_eq!(r[2].1, Agreement::Unknown);
    }

    /// Issue 14: a Ukrainian passport, HNATIUK under the national scheme. The subject's own
    /// spelling Hnatyuk differs only by romanisation: a note, never a disagreement; the
    /// registry's Cyrillic name agrees.
    #[test]
    fn ukrainian_spelling_that_differs_only_by_romanisation() {
        let zone = td3("P<UKRHNATIUK<<OLEKSANDR", "XX000000<0UKR8504097M2809257<<<<<<<<<<<<<<<0");
        let r = results(&zone, &person(&[("name", "Oleksandr Hnatyuk")]));
        assert_ne!(r[0].1, Agreement::Disagrees, "{}", r[0].2);
        assert!(r[0].2.contains("romanisation"), "{}", r[0].2);
        let r = results(&zone, &person(&[("name", "Oleksandr Hnatyuk"), ("alias", "Гнатюк Олександр Миколайович")]));
        assert_eq!(r[0].1, Agreement::Agrees, "{}", r[0].2);
        assert!(r[0].2.contains("ukrainian_national_2010"), "{}", r[0].2);
        // another name is still another name
        let r = results(&zone, &person(&[("name", "Oleksandr Hnatenko")]));
        assert_eq!(r[0].1, Agreement::Disagrees, "{}", r[0].2);
    }
}
