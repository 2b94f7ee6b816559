//! Property tests: normalisation, transliteration and scoring never panic on arbitrary text,
//! normalisation is idempotent, and scores stay in [0, 1].

use crosscheck_names::normalize::normalize;
use crosscheck_names::translit::{transliterate, Scheme};
use crosscheck_names::{compare, latin_key, write_index_keys, Name, NameKind};
use proptest::prelude::*;

fn name_text() -> impl Strategy<Value = String> {
    // mixed scripts, punctuation, invisible characters and look-alikes
    prop::string::string_regex("[a-zA-Zа-яА-ЯёЁіїєґўáčšžß0-9 ,.'’«»\\-\u{200B}\u{0301}αβγ你好]{0,40}").unwrap()
}

/// The keys a load files a name under, through the fast path, sorted and unique.
fn fast_keys(s: &str, kind: NameKind) -> Vec<String> {
    let mut keys = Vec::new();
    write_index_keys(s, kind, "", &mut keys);
    keys.sort();
    keys.dedup();
    keys
}

proptest! {
    #[test]
    fn fast_index_keys_equal_parsed_index_keys(s in name_text()) {
        // twice: the second call answers from the per-thread memo
        for kind in [NameKind::Person, NameKind::Organization, NameKind::Any, NameKind::Person] {
            prop_assert_eq!(fast_keys(&s, kind), Name::parse(&s, kind).index_keys(), "{:?}", kind);
        }
    }

    #[test]
    fn normalize_is_idempotent(s in name_text()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' '));
    }

    #[test]
    fn latin_key_is_idempotent_ascii(s in name_text()) {
        let k = latin_key(&s);
        prop_assert!(k.is_ascii());
        prop_assert_eq!(latin_key(&k), k);
    }

    #[test]
    fn transliteration_never_panics(s in any::<String>()) {
        for scheme in Scheme::all() {
            let _ = transliterate(&s, *scheme);
        }
    }

    #[test]
    fn compare_in_range(a in name_text(), b in name_text()) {
        for kind in [NameKind::Person, NameKind::Organization, NameKind::Any] {
            let (na, nb) = (Name::parse(&a, kind), Name::parse(&b, kind));
            let m = compare(&na, &nb);
            prop_assert!((0.0..=1.0).contains(&m.score));
            let _ = na.index_keys();
            let _ = na.gender_hint();
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(a in any::<String>(), b in any::<String>()) {
        let m = compare(&Name::parse(&a, NameKind::Any), &Name::parse(&b, NameKind::Person));
        prop_assert!((0.0..=1.0).contains(&m.score));
    }
}
