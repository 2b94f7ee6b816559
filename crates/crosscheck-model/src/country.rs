//! Countries to ISO 3166-1 alpha-2 codes, lower case, as FtM stores them.
//!
//! The ISO table comes from the `celes` crate (codes, English names, common aliases); lists
//! also write demonyms ("Iranian") and historical or official long forms ("Iran (Islamic
//! Republic of)"), which the small table below adds.

use std::str::FromStr;

const EXTRA: &[(&str, &str)] = &[
    ("russian", "ru"),
    ("russia", "ru"),
    ("russianfederation", "ru"),
    ("ussr", "su"),
    ("sovietunion", "su"),
    ("ukrainian", "ua"),
    ("belarusian", "by"),
    ("belarus", "by"),
    ("iranian", "ir"),
    ("iran", "ir"),
    ("iranislamicrepublicof", "ir"),
    ("afghan", "af"),
    ("iraqi", "iq"),
    ("syrian", "sy"),
    ("syria", "sy"),
    ("syrianarabrepublic", "sy"),
    ("lebanese", "lb"),
    ("saudi", "sa"),
    ("saudiarabian", "sa"),
    ("yemeni", "ye"),
    ("libyan", "ly"),
    ("libya", "ly"),
    ("egyptian", "eg"),
    ("sudanese", "sd"),
    ("somali", "so"),
    ("pakistani", "pk"),
    ("indian", "in"),
    ("chinese", "cn"),
    ("northkorea", "kp"),
    ("northkorean", "kp"),
    ("democraticpeoplesrepublicofkorea", "kp"),
    ("dprk", "kp"),
    ("southkorea", "kr"),
    ("republicofkorea", "kr"),
    ("korea", "kr"),
    ("american", "us"),
    ("usa", "us"),
    ("unitedstates", "us"),
    ("unitedstatesofamerica", "us"),
    ("british", "gb"),
    ("uk", "gb"),
    ("unitedkingdom", "gb"),
    ("german", "de"),
    ("french", "fr"),
    ("italian", "it"),
    ("spanish", "es"),
    ("turkish", "tr"),
    ("turkey", "tr"),
    ("turkiye", "tr"),
    ("jordanian", "jo"),
    ("kuwaiti", "kw"),
    ("qatari", "qa"),
    ("emirati", "ae"),
    ("tunisian", "tn"),
    ("algerian", "dz"),
    ("moroccan", "ma"),
    ("nigerian", "ng"),
    ("malian", "ml"),
    ("venezuela", "ve"),
    ("venezuelan", "ve"),
    ("bolivarianrepublicofvenezuela", "ve"),
    ("cuban", "cu"),
    ("vietnam", "vn"),
    ("vietnamese", "vn"),
    ("laos", "la"),
    ("bolivia", "bo"),
    ("tanzania", "tz"),
    ("unitedrepublicoftanzania", "tz"),
    ("moldova", "md"),
    ("republicofmoldova", "md"),
    ("congo", "cg"),
    ("democraticrepublicofthecongo", "cd"),
    ("drc", "cd"),
    ("ivorycoast", "ci"),
    ("cotedivoire", "ci"),
    ("palestine", "ps"),
    ("stateofpalestine", "ps"),
    ("kosovo", "xk"),
    ("czechia", "cz"),
    ("czechrepublic", "cz"),
    ("macedonia", "mk"),
    ("northmacedonia", "mk"),
    ("burma", "mm"),
    ("myanmar", "mm"),
    ("eswatini", "sz"),
    ("swaziland", "sz"),
    ("capeverde", "cv"),
    ("caboverde", "cv"),
    ("bosniaandherzegovina", "ba"),
    ("taiwan", "tw"),
    ("indonesian", "id"),
    ("filipino", "ph"),
    ("philippine", "ph"),
    ("israeli", "il"),
    ("palestinian", "ps"),
    ("congolese", "cd"),
    ("rwandan", "rw"),
    ("nicaraguan", "ni"),
    ("haitian", "ht"),
    ("guatemalan", "gt"),
    ("moldovan", "md"),
    ("belarussian", "by"),
    ("byelorussian", "by"),
    ("sultanateofoman", "om"),
    ("omani", "om"),
    ("libyanarabjamahiriya", "ly"),
    ("bahraini", "bh"),
    ("kenyan", "ke"),
    ("ugandan", "ug"),
    ("ethiopian", "et"),
    ("eritrean", "er"),
    ("nigerien", "ne"),
    ("chadian", "td"),
    ("southsudanese", "ss"),
    ("centralafrican", "cf"),
    ("burundian", "bi"),
    ("zimbabwean", "zw"),
    ("mexican", "mx"),
    ("colombian", "co"),
    ("bosnian", "ba"),
    ("serbian", "rs"),
    ("kazakh", "kz"),
    ("kazakhstani", "kz"),
    ("uzbek", "uz"),
    ("kyrgyz", "kg"),
    ("tajik", "tj"),
    ("turkmen", "tm"),
    ("georgian", "ge"),
    ("armenian", "am"),
    ("azerbaijani", "az"),
    ("bangladeshi", "bd"),
    ("maldivian", "mv"),
    ("trinidadian", "tt"),
    ("россия", "ru"),
    ("рф", "ru"),
    ("российскаяфедерация", "ru"),
    ("украина", "ua"),
    ("україна", "ua"),
    ("беларусь", "by"),
];

fn squash(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The ISO alpha-2 code (lower case) for a code, name, alias or demonym; `None` when unknown.
pub fn code(raw: &str) -> Option<String> {
    // A list spells its countries a few dozen ways over millions of values: remember the
    // answers per thread (bounded) instead of walking the name tables for each one.
    thread_local! {
        static MEMO: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, Option<String>>> = Default::default();
    }
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(c) = memo.get(raw) {
            return c.clone();
        }
        let c = lookup(raw);
        if memo.len() >= 4096 {
            memo.clear();
        }
        memo.insert(raw.into(), c.clone());
        c
    })
}

fn lookup(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let key = squash(raw);
    if let Some((_, c)) = EXTRA.iter().find(|(k, _)| *k == key) {
        return Some((*c).to_string());
    }
    if key == "su" || key == "xk" {
        return Some(key);
    }
    celes::Country::from_str(&key).or_else(|_| celes::Country::from_str(raw)).ok().map(|c| c.alpha2.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn codes_names_and_demonyms() {
        let table = [
            ("af", Some("af")),
            ("AFG", Some("af")),
            ("Afghanistan", Some("af")),
            ("Iran (Islamic Republic of)", Some("ir")),
            ("Russian Federation", Some("ru")),
            ("Russian", Some("ru")),
            ("Democratic People's Republic of Korea", Some("kp")),
            ("Россия", Some("ru")),
            ("Atlantis", None),
            ("", None),
        ];
        for (input, want) in table {
            assert_eq!(code(input).as_deref(), want, "input {input:?}");
        }
    }
}
