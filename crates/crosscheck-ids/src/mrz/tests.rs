//! MRZ unit tables: layouts, fields, centuries, errors and OCR suggestions.

use super::*;

fn as_of() -> Date {
    Date::new(2024, 11, 1).unwrap()
}

fn check(raw: &str) -> IdCheck {
    super::check(raw, as_of())
}

const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

#[test]
fn icao_td3_specimen() {
    let r = check(TD3);
    assert!(r.valid, "{:?}", r.errors);
    let f = &r.fields;
    assert_eq!(f.get("format"), Some("TD3"));
    assert_eq!(f.get("document_code"), Some("P"));
    assert_eq!(f.get("issuing_state"), Some("UTO"));
    assert_eq!(f.get("surname"), Some("ERIKSSON"));
    assert_eq!(f.get("given_names"), Some("ANNA MARIA"));
    assert_eq!(f.get("document_number"), Some("L898902C3"));
    assert_eq!(f.get("nationality"), Some("UTO"));
    assert_eq!(f.get("birth_date"), Some("1974-08-12"));
    assert_eq!(f.get("expiry_date"), Some("2012-04-15"));
    assert_eq!(f.get("sex"), Some("F"));
    assert_eq!(f.get("optional_data"), Some("ZE184226B"));
    assert!(r.suggestions.is_none());
    assert!(r.warnings.iter().any(|w| w.contains("expired")));
}

#[test]
fn pasted_forms_read_the_same() {
    let one_line = TD3.replace('\n', "");
    let spaced = TD3.replace("ANNA", "AN NA").replace('\n', "\r\n");
    let lower = TD3.to_lowercase();
    for input in [one_line.as_str(), spaced.as_str(), lower.as_str()] {
        let r = check(input);
        assert!(r.valid, "{input}: {:?}", r.errors);
        assert_eq!(r.fields.get("surname"), Some("ERIKSSON"));
    }
    // Trailing fillers eaten by a paste: padded, with a warning.
    let short = TD3.replacen("<<<<<<<<<<\n", "\n", 1);
    let r = check(&short);
    assert!(r.valid, "{:?}", r.errors);
    assert!(r.warnings.iter().any(|w| w.contains("padded")));
}

#[test]
fn td1_td2_and_visas() {
    let td1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";
    let r = check(td1);
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.fields.get("format"), Some("TD1"));
    assert_eq!(r.fields.get("optional_data_2"), Some(""));
    let td2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6";
    let r = check(td2);
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.fields.get("format"), Some("TD2"));
    let mrva = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<";
    let r = check(mrva);
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.fields.get("format"), Some("MRVA"));
    assert_eq!(r.fields.get("birth_date"), Some("1940-09-07"));
    assert_eq!(r.fields.get("expiry_date"), Some("1996-12-10"));
    let mrvb = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<";
    assert_eq!(check(mrvb).fields.get("format"), Some("MRVB"));
}

#[test]
fn long_document_number_in_optional_data() {
    let td1 = "IDBEL600001795<0152<<<<<<<<<<<\n1301014F2311207BEL130101987398\nSPECIMEN<<SPECIMEN<<<<<<<<<<<<";
    let r = check(td1);
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.fields.get("document_number"), Some("600001795015"));
    assert_eq!(r.fields.get("optional_data"), Some(""));
}

#[test]
fn centuries_follow_the_as_of_date() {
    let r = super::check(TD3, Date::new(2011, 1, 1).unwrap());
    assert_eq!(r.fields.get("expiry_date"), Some("2012-04-15"));
    // Birth year 74 as of 2073 is 2074? No: a birth date is never after the as-of date.
    let r = super::check(TD3, Date::new(2074, 8, 11).unwrap());
    assert_eq!(r.fields.get("birth_date"), Some("1974-08-12"));
    let r = super::check(TD3, Date::new(2074, 8, 12).unwrap());
    assert_eq!(r.fields.get("birth_date"), Some("2074-08-12"));
}

#[test]
fn errors_name_the_check_and_place() {
    let bad = TD3.replace("7408122F", "7408127F");
    let r = check(&bad);
    assert!(!r.valid);
    assert!(
        r.errors.contains(&"check digit of birth date (line 2, column 20): expected 2, found 7".to_string()),
        "{:?}",
        r.errors
    );
    assert!(r.errors.iter().any(|e| e.starts_with("check digit of composite")), "{:?}", r.errors);
}

#[test]
fn ocr_suggestions() {
    // O for 0 in the birth date: forced by the class, confirmed by the check digits.
    let bad = TD3.replace("7408122F", "74O8122F");
    let r = check(&bad);
    assert!(!r.valid);
    let s = r.suggestions.expect("suggestions");
    assert!(s.unique, "{s:?}");
    assert_eq!(s.candidates[0].mrz, TD3);
    assert_eq!(s.candidates[0].changes[0].field, "birth_date");
    // An ambiguous one in the document number: 0 read as O inside an alphanumeric field.
    let bad = TD3.replace("L898902C3", "L8989O2C3");
    let s = check(&bad).suggestions.expect("suggestions");
    assert!(s.candidates.iter().any(|c| c.mrz == TD3), "{s:?}");
}

#[test]
fn not_an_mrz() {
    let r = check("hello");
    assert!(!r.valid);
    assert!(r.errors[0].starts_with("not a machine-readable zone"), "{:?}", r.errors);
    assert!(r.fields.0.is_empty());
}

#[test]
fn fuzz_regression_suggestions_are_real_dates() {
    // Found by the `mrz` fuzz target: a correction satisfied the check digits with month 79.
    let zone = "V<UTOENNA<MARIA<<1<<<<<<<<<<<<<<<<<\nL8988902C4XXX4009078F9979Z06E11894226B<<TOER";
    let r = check(zone);
    for c in r.suggestions.iter().flat_map(|s| &s.candidates) {
        let fixed = check(&c.mrz);
        assert!(fixed.valid, "{:?}\n{}", fixed.errors, c.mrz);
    }
}

#[test]
fn country_codes() {
    for code in ["UTO", "RUS", "D", "GBR", "UKR", "XXA", "FRA", "ITA", "CHE", "BEL"] {
        assert!(is_icao_country(code), "{code}");
    }
    for code in ["FEA", "GBM", "BKR", "UER", "WTO", "QQQ"] {
        assert!(!is_icao_country(code), "{code}");
    }
    let bad = TD3.replace("UTO7408", "UT07408");
    assert!(
        check(&bad).errors.iter().any(|e| e.contains("nationality (line 2, column 13)")),
        "{:?}",
        check(&bad).errors
    );
    let bad = TD3.replace("UTO7408", "UTX7408");
    assert_eq!(check(&bad).errors, ["nationality: `UTX` is not an ICAO 9303 country code"]);
}

#[test]
fn document_codes_fit_the_format() {
    let bad = TD3.replacen("P<", "Q<", 1);
    assert_eq!(check(&bad).errors, ["document code `Q<`: a passport zone (2×44) starts with P"]);
    let td2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6";
    assert!(check(td2).valid);
    assert!(!check(&td2.replacen("I<", "IV", 1)).valid);
}

#[test]
fn letters_after_the_name_filler_are_an_error() {
    let bad = TD3.replacen("MARIA<<<<<<<<<<<<", "MARIA<<<<<<<<<<<Y", 1);
    assert_eq!(check(&bad).errors, ["name (line 1, column 37): `Y` after the filler that ends the given names"]);
    let bad = TD3.replacen("ERIKSSON<<ANNA", "ERIKSSON<<<NNA", 1);
    assert_eq!(check(&bad).errors, ["name (line 1, column 16): more than two fillers between surname and given names"]);
    // No surname (`<<ANNA<MARIA`) is allowed.
    let td1 = "I<CHED231458907ABC<<<<<<<<<<<<\n7408122F1204159CHE<<<<<<<<<<<1\n<<ANNA<MARIA<<<<<<<<<<<<<<<<<<";
    assert!(check(td1).valid, "{:?}", check(td1).errors);
}
