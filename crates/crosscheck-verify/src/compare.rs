//! Does a record's value agree with a claimed one? Names, places, addresses, employers, positions.
//!
//! Names go through the name matcher (`crosscheck-names`): scripts, transliterations, word order,
//! patronymics, diminutives. Places, addresses, employers and positions are not personal names: a
//! registry writes "г. Тверь" where the subject says "Tver", "ул. Лесная, д. 5, кв. 12" where he
//! says "Lesnaya ul. 5-12". They are compared as bags of words:
//! 1. both sides are Latinised (`latin_key`), split into words, and stripped of address furniture
//!    (г., ул., д., кв., city, street...), which says nothing about *which* place;
//! 2. a word agrees with another when they are equal, share a phonetic key (the same word in
//!    another transliteration), are close by the weighted edit similarity, or are the same word
//!    in another language by a short glossary (Moscow/Москва, service/служба);
//! 3. the score is the share of the shorter side's words found in the longer side, and every number
//!    on the shorter side (house, flat) must be found too.
//!
//! Employers also get the organisation name matcher (legal forms: "ПАО «Ростелеком»" is
//! Rostelecom), and the better of the two scores counts. The glossary is hand-written and short
//! on purpose: it covers the words of public bodies and jobs a desk meets in Russian and Ukrainian
//! records, names of cities whose English name is not a transliteration, and the acronyms of a few
//! public bodies (ФСО, ФСБ, МВД...). Each glossary entry is a stem (prefix) of the Latinised word.

use crosscheck_names::key::{key_similarity, phonetic_key};
use crosscheck_names::{compare, latin_key, Name, NameKind};

/// A name agrees at the matcher's default threshold (PRODUCT.md: "the name score reaches the
/// default threshold").
pub const NAME_AGREES: f64 = crosscheck_match::DEFAULT_THRESHOLD;

/// Below this, a name is "wholly unlike" the claimed one: a record resolved by identifier or link
/// with such a name contradicts the claimed name.
pub const NAME_UNLIKE: f64 = 0.4;

/// Places, addresses, employers and positions agree from this share of words.
pub const WORDS_AGREE: f64 = 0.75;

/// Words that locate nothing by themselves (Latinised).
const FURNITURE: &[&str] = &[
    "g",
    "gor",
    "gorod",
    "ul",
    "ulitsa",
    "ulica",
    "ulitca",
    "vul",
    "vulitsia",
    "vulytsia",
    "pr",
    "pr-t",
    "prt",
    "prosp",
    "d",
    "dom",
    "kv",
    "kvartira",
    "korp",
    "k",
    "str",
    "stroenie",
    "obl",
    "oblast",
    "oblasti",
    "r",
    "rn",
    "raion",
    "raiona",
    "pos",
    "pgt",
    "s",
    "selo",
    "der",
    "mkr",
    "pl",
    "ploshchad",
    "per",
    "pereulok",
    "sh",
    "shosse",
    "nab",
    "naberezhnaia",
    "bul",
    "bulvar",
    "city",
    "of",
    "street",
    "st",
    "road",
    "rd",
    "ave",
    "avenue",
    "apt",
    "flat",
    "house",
    "region",
    "district",
    "province",
    "the",
    "and",
    "i",
    "v",
    "na",
    "russia",
    "rossiia",
    "rf",
    "russian",
    "federation",
    "rossiiskaia",
    "federatsiia",
    "ukraina",
    "ukraine",
    "respublika",
    "resp",
];

/// Street-type words that still say something (prospekt vs ulitsa) are furniture too, but kept
/// apart so that they do not count as words either side lacks.
const STREET_TYPES: &[&str] = &["prospekt", "prospect", "lane", "square", "boulevard"];

/// Word stems (Latinised) and the English word they stand for.
const GLOSSARY: &[(&str, &str)] = &[
    ("moskv", "moscow"),
    ("moscow", "moscow"),
    ("sankt-peterburg", "petersburg"),
    ("peterburg", "petersburg"),
    ("petersburg", "petersburg"),
    ("kiev", "kyiv"),
    ("kyiv", "kyiv"),
    ("kyyiv", "kyiv"),
    ("kharkov", "kharkiv"),
    ("kharkiv", "kharkiv"),
    ("odess", "odesa"),
    ("odesa", "odesa"),
    ("arkhangelsk", "archangel"),
    ("archangel", "archangel"),
    ("federaln", "federal"),
    ("federal", "federal"),
    ("sluzhb", "service"),
    ("service", "service"),
    ("okhran", "protect"),
    ("okhor", "protect"),
    ("protect", "protect"),
    ("guard", "protect"),
    ("bezopasnost", "security"),
    ("bezpek", "security"),
    ("security", "security"),
    ("ministerstv", "ministry"),
    ("ministr", "ministry"),
    ("ministry", "ministry"),
    ("vnutrenn", "internal"),
    ("vnutrishn", "internal"),
    ("internal", "internal"),
    ("interior", "internal"),
    ("zheleznodorozhn", "railway"),
    ("zheleznaia", "railway"),
    ("railway", "railway"),
    ("railroad", "railway"),
    ("depo", "depot"),
    ("depot", "depot"),
    ("inzhener", "engineer"),
    ("inzhenier", "engineer"),
    ("engineer", "engineer"),
    ("sviaz", "communications"),
    ("zviaz", "communications"),
    ("communication", "communications"),
    ("telecom", "communications"),
    ("elektrik", "electrician"),
    ("elektromonter", "electrician"),
    ("electrician", "electrician"),
    ("voditel", "driver"),
    ("driver", "driver"),
    ("ofitser", "officer"),
    ("officer", "officer"),
    ("politsi", "police"),
    ("militsi", "police"),
    ("police", "police"),
    ("bank", "bank"),
    ("universitet", "university"),
    ("university", "university"),
    ("shkol", "school"),
    ("school", "school"),
    ("bolnits", "hospital"),
    ("hospital", "hospital"),
    ("zavod", "plant"),
    ("plant", "plant"),
    ("factory", "plant"),
    ("prezident", "president"),
    ("president", "president"),
    ("upravleni", "directorate"),
    ("directorate", "directorate"),
    ("department", "department"),
    ("departament", "department"),
    ("otdel", "department"),
];

/// One comparable word.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    key: String,
    number: bool,
}

/// Acronyms of public bodies a desk meets (Latinised), spelled out in English words.
const ACRONYMS: &[(&str, &str)] = &[
    ("fso", "federal protective service"),
    ("fsb", "federal security service"),
    ("svr", "foreign intelligence service"),
    ("gru", "main intelligence directorate"),
    ("mvd", "ministry internal affairs"),
    ("fsin", "federal penitentiary service"),
    ("fns", "federal tax service"),
    ("mchs", "ministry emergency situations"),
    ("mid", "ministry foreign affairs"),
    ("sbu", "security service ukraine"),
    ("gur", "main intelligence directorate"),
    ("rzhd", "russian railways"),
];

fn words(raw: &str) -> Vec<Word> {
    let latin = latin_key(raw);
    let expanded: Vec<&str> = latin
        .split(' ')
        .flat_map(|w| match ACRONYMS.iter().find(|(a, _)| *a == w) {
            Some((_, long)) => long.split(' ').collect::<Vec<_>>(),
            None => vec![w],
        })
        .collect();
    expanded
        .into_iter()
        .filter(|w| !w.is_empty() && !FURNITURE.contains(w) && !STREET_TYPES.contains(w))
        .map(|w| {
            let number = w.bytes().all(|b| b.is_ascii_digit());
            let text = if number {
                w.trim_start_matches('0').to_string()
            } else {
                GLOSSARY.iter().find(|(stem, _)| w.starts_with(stem)).map_or(w.to_string(), |(_, en)| en.to_string())
            };
            let key = if number { text.clone() } else { phonetic_key(&text) };
            Word { text, key, number }
        })
        .collect()
}

fn word_agrees(a: &Word, b: &Word) -> bool {
    if a.number || b.number {
        return a.number && b.number && a.text == b.text;
    }
    let prefix = |x: &str, y: &str| x.len() >= 4 && y.starts_with(x);
    a.text == b.text
        || a.key == b.key
        || prefix(&a.text, &b.text)
        || prefix(&b.text, &a.text)
        || (a.key.len().min(b.key.len()) >= 5 && key_similarity(&a.key, &b.key, 0.8) >= 0.8)
}

/// Share of the shorter side's words found in the longer side; 0 when a number of the shorter side
/// is missing from the other (house 5 is not house 7).
pub fn words_score(claimed: &str, record: &str) -> f64 {
    let (a, b) = (words(claimed), words(record));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    let mut used = vec![false; long.len()];
    let mut found = 0usize;
    for w in short.iter() {
        match long.iter().enumerate().find(|(j, l)| !used[*j] && word_agrees(w, l)) {
            Some((j, _)) => {
                used[j] = true;
                found += 1;
            }
            None if w.number && long.iter().any(|l| l.number) => return 0.0,
            None => {}
        }
    }
    found as f64 / short.len() as f64
}

/// Best name score of a claimed name against a record's names, with the record's name and detail.
pub fn best_name(claimed: &Name, record_names: &[String]) -> Option<(String, f64, String)> {
    let mut best: Option<(String, f64, String)> = None;
    for raw in record_names {
        let m = compare(claimed, &Name::parse(raw, claimed.kind));
        if best.as_ref().is_none_or(|(_, s, _)| m.score > *s) {
            best = Some((raw.clone(), m.score, m.detail));
        }
    }
    best
}

/// Organisation names: the organisation name matcher or the word comparison, whichever is higher.
pub fn employer_score(claimed: &str, record: &str) -> f64 {
    let by_name = compare(&Name::parse(claimed, NameKind::Organization), &Name::parse(record, NameKind::Organization));
    by_name.score.max(words_score(claimed, record))
}

/// Phone numbers: the same digits, or the same last ten digits when one side has a country or
/// trunk prefix the other lacks (`+7 916 555-01-23` is `8 (916) 555 01 23`).
pub fn same_phone(a: &str, b: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (a, b) = (digits(a), digits(b));
    if a.len() < 7 || b.len() < 7 {
        return false;
    }
    let tail = |s: &str| s[s.len().saturating_sub(10)..].to_string();
    a == b || (a.len() >= 10 && b.len() >= 10 && tail(&a) == tail(&b))
}

/// Text of any other kind (nationality spelled out, usernames...): equal after Latinising.
pub fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (latin_key(a), latin_key(b));
    !a.is_empty() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_addresses_across_scripts() {
        let table = [
            ("Tver", "г. Тверь", true),
            ("Tver", "Тверь", true),
            ("Tver", "Москва", false),
            ("Moscow, Lesnaya ul. 5-12", "г. Москва, ул. Лесная, д. 5, кв. 12", true),
            ("Moscow, Lesnaya ul. 5-12", "г. Москва, ул. Лесная, д. 7, кв. 12", false),
            ("Tver, prospekt Lenina 3", "Тверь, пр-т Ленина, 3", true),
            ("Kyiv", "Київ", true),
        ];
        for (a, b, want) in table {
            let s = words_score(a, b);
            assert_eq!(s >= WORDS_AGREE, want, "{a} / {b}: {s}");
        }
    }

    #[test]
    fn phones() {
        assert!(same_phone("+7 916 555-01-23", "8 (916) 555 01 23"));
        assert!(same_phone("+7 916 555-01-23", "79165550123"));
        assert!(!same_phone("+7 916 555-01-23", "+7 916 555-01-24"));
        assert!(!same_phone("12", "12"));
    }

    #[test]
    fn employers_across_languages_and_legal_forms() {
        let table = [
            ("Federal Protective Service", "Федеральная служба охраны", true),
            ("Federal Protective Service", "ФСО России", true),
            ("FSO", "Federal Protective Service of the Russian Federation", true),
            ("Federal Security Service", "ФСО России", false),
            ("Tver Railway Depot", "Тверское железнодорожное депо", true),
            ("Federal Protective Service", "Tver Railway Depot", false),
        ];
        for (a, b, want) in table {
            let s = employer_score(a, b);
            assert_eq!(s >= WORDS_AGREE, want, "{a} / {b}: {s}");
        }
    }
}
