//! Fuzz every identifier parser, `auto` and text extraction. Invariants beyond "no panic": a
//! valid value's normalized form is valid too, and every extracted span is a char boundary.
#![no_main]

use crosscheck_ids::extract::{extract, extract_typed};
use crosscheck_ids::{check, Date, IdType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let as_of = Date::new(2024, 11, 1).unwrap();
    let kind = IdType::ALL[usize::from(selector) % IdType::ALL.len()];
    if kind == IdType::Mrz {
        return; // its own target
    }
    let r = check(kind, text, as_of);
    if r.valid && kind != IdType::Auto && kind != IdType::Phone {
        let normalized = r.normalized.clone().unwrap();
        let again = check(kind, &normalized, as_of);
        assert!(again.valid, "{kind:?}: `{text}` valid but its normalized `{normalized}` is not: {:?}", again.errors);
    }
    for found in extract(text).into_iter().chain(extract_typed(text, kind)) {
        assert!(text.is_char_boundary(found.span.start) && text.is_char_boundary(found.span.end));
        assert!(found.span.start <= found.span.end && found.span.end <= text.len());
    }
});
