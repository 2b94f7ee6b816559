//! Fuzz the MRZ parser: any text, any as-of date. Invariants beyond "no panic": a valid zone's
//! normalized form is itself valid with the same fields, and every OCR suggestion is a zone
//! that passes every check.
#![no_main]

use crosscheck_ids::{check, Date, IdType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let as_of = Date::from_unix_days(i64::from(u16::from_le_bytes([data[0], data[1]])) * 3);
    let Ok(text) = std::str::from_utf8(&data[2..]) else { return };
    let r = check(IdType::Mrz, text, as_of);
    if r.valid {
        let again = check(IdType::Mrz, r.normalized.as_deref().unwrap(), as_of);
        assert!(again.valid, "normalized form of a valid zone is invalid: {:?}", again.errors);
        assert_eq!(again.fields, r.fields);
    }
    if let Some(s) = &r.suggestions {
        for c in &s.candidates {
            let fixed = check(IdType::Mrz, &c.mrz, as_of);
            assert!(fixed.valid, "suggestion fails its checks: {:?}\n{}", fixed.errors, c.mrz);
        }
    }
});
