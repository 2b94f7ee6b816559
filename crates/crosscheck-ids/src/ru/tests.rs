//! Russian identifier unit tables.

use super::*;

fn as_of() -> Date {
    Date::new(2024, 11, 1).unwrap()
}

#[test]
fn inn_table() {
    assert!(check_inn("7707083893").valid);
    assert!(check_inn("77 07 08 38 93").valid);
    assert!(check_inn("500100732259").valid);
    assert!(check_inn("7707\u{200b}083893").valid);
    assert_eq!(check_inn("7707083894").errors, ["check digit (10th digit): expected 3, found 4"]);
    assert_eq!(check_inn("500100732258").errors, ["second check digit (12th digit): expected 9, found 8"]);
    assert_eq!(check_inn("77070838").errors, ["an INN has 10 or 12 digits; found 8"]);
    let several = check_inn("7707083893, 500100732259");
    assert!(!several.valid);
    assert!(several.warnings[0].contains("2 numbers"), "{:?}", several.warnings);
}

#[test]
fn snils_table() {
    assert!(check_snils("112-233-445 95").valid);
    let early = check_snils("001-001-998 00");
    assert!(early.valid);
    assert_eq!(early.warnings.len(), 1);
    assert_eq!(check_snils("112-233-445 98").errors, ["check number (last two digits): expected 95, found 98"]);
}

#[test]
fn ogrn_and_ogrnip_table() {
    assert!(check_ogrn("1027700132195", as_of()).valid);
    assert!(!check_ogrn("1027700132194", as_of()).valid);
    assert!(check_ogrnip("304500116000157", as_of()).valid);
    // Valid under (n mod 13) mod 10, rejected by the mod-11 rule of a popular library.
    assert!(check_ogrnip("312502904600034", as_of()).valid);
    assert!(!check_ogrnip("304500116000158", as_of()).valid);
    assert!(!check_ogrnip("512502904600034", as_of()).valid);
}

#[test]
fn kpp_bik_table() {
    assert!(check_kpp("773642301").valid);
    assert!(check_kpp("7736AB001").valid);
    assert!(!check_kpp("773$N3301").valid);
    assert!(check_bik("044525225").valid);
    assert_eq!(check_bik("044525225").fields.get("region"), Some("Moscow"));
    assert!(!check_bik("054525225").valid);
}

#[test]
fn passports() {
    let r = check_passport("45 09 123456", as_of());
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.fields.get("region"), Some("Moscow"));
    assert_eq!(r.fields.get("form_year"), Some("2009"));
    assert!(check_passport("75 1234567", as_of()).valid);
    assert!(!check_passport("4590 123456", as_of()).valid, "form year 1990 predates the 1997 form");
    let soviet = check_passport("IV-МЮ 123456", as_of());
    assert_eq!(soviet.fields.get("kind"), Some("Soviet (1974 form)"));
    assert!(!soviet.valid);
}

#[test]
fn passport_plausibility_table() {
    let born = Date::new(1991, 3, 14).unwrap();
    let at = Date::new(2024, 11, 1).unwrap();
    assert_eq!(passport_plausibility(2011, born, at).result, Agreement::Agrees);
    assert_eq!(passport_plausibility(2005, born, at).result, Agreement::Disagrees, "issued at 14, not replaced at 20");
    assert_eq!(passport_plausibility(2026, born, at).result, Agreement::Disagrees);
    let child = Date::new(2012, 1, 1).unwrap();
    assert_eq!(passport_plausibility(2024, child, at).result, Agreement::Disagrees);
}

#[test]
fn issue_date_plausibility_table() {
    let born = Date::new(1991, 3, 14).unwrap();
    let at = Date::new(2024, 11, 1).unwrap();
    let d = |y, m, dd| Date::new(y, m, dd).unwrap();
    assert_eq!(issue_date_plausibility(d(2011, 3, 20), born, at).result, Agreement::Agrees);
    assert_eq!(issue_date_plausibility(d(2005, 4, 1), born, at).result, Agreement::Disagrees, "expired at 20");
    assert_eq!(issue_date_plausibility(d(2004, 1, 1), born, at).result, Agreement::Disagrees, "issued at 12");
    assert_eq!(issue_date_plausibility(d(2025, 1, 1), born, at).result, Agreement::Disagrees, "after as-of");
}
