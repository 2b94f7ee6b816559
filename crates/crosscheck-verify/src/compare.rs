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
//! Birth places are compared as places first (`crosscheck-places`, issue 13): a gazetteer of
//! cities and countries with their names in other scripts says that Манчестер is Manchester and
//! Гамбург is not Manchester, and that Moscow lies within Московская область. What it cannot decide
//! (a village it does not know, two quarters of one city) is [`Agreement::Unknown`], which never
//! disagrees: only a place the gazetteer knows as another place contradicts a claimed birth place
//! or keeps a record from resolving. The word comparison still gives every agreement it gave.
//!
//! Employers and positions are compared by words and, for employers, the organisation matcher;
//! where they do not agree, [`employer_agreement`] and [`position_agreement`] say *different*
//! only when both sides are in one script or every word of both is in the glossary. A pair in two
//! scripts the glossary cannot relate ("Manchester City Council" / "Мэрия Манчестера") is unknown.
//!
//! Employers also get the organisation name matcher (legal forms: "ПАО «Ростелеком»" is
//! Rostelecom), and the better of the two scores counts. The glossary is hand-written and short
//! on purpose: it covers the words of public bodies and jobs a desk meets in Russian and Ukrainian
//! records, names of cities whose English name is not a transliteration, and the acronyms of a few
//! public bodies (ФСО, ФСБ, МВД...). Each glossary entry is a stem (prefix) of the Latinised word.

use crosscheck_names::key::{key_similarity, phonetic_key};
use crosscheck_names::normalize::{detect_script, Script};
use crosscheck_names::{latin_key, Name, NameKind, Names};
use crosscheck_places::PlaceRelation;

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
    "rossii",
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

/// Best name score of a claimed name against a record's names, with the record's name and
/// detail, under `names` (the scorer's names context: its rules decide what a name agreement is).
pub fn best_name(names: &Names, claimed: &Name, record_names: &[String]) -> Option<(String, f64, String)> {
    let mut best: Option<(String, f64, String)> = None;
    for raw in record_names {
        let m = names.compare(claimed, &names.parse(raw, claimed.kind));
        if best.as_ref().is_none_or(|(_, s, _)| m.score > *s) {
            best = Some((raw.clone(), m.score, m.detail));
        }
    }
    best
}

/// Organisation names: the organisation name matcher or the word comparison, whichever is higher.
pub fn employer_score(names: &Names, claimed: &str, record: &str) -> f64 {
    let by_name =
        names.compare(&names.parse(claimed, NameKind::Organization), &names.parse(record, NameKind::Organization));
    by_name.score.max(words_score(claimed, record))
}

/// Whether a claimed value and a record's agree, differ, or cannot be told (which never
/// disagrees), with the score shown in the evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Agreement {
    Agrees(f64),
    Differs(f64),
    Unknown(f64),
}

impl Agreement {
    pub fn agrees(self) -> bool {
        matches!(self, Agreement::Agrees(_))
    }

    pub fn differs(self) -> bool {
        matches!(self, Agreement::Differs(_))
    }

    pub fn score(self) -> f64 {
        match self {
            Agreement::Agrees(s) | Agreement::Differs(s) | Agreement::Unknown(s) => s,
        }
    }
}

/// A claimed birth place against a record's: the gazetteer's relation (`crosscheck-places`),
/// then the word comparison for what it cannot decide.
/// - agrees: the same place, or the record's place lies in the claimed one (a record's "Tver"
///   supports "born in Russia"), or the claimed place is a part of the record's city; or the
///   words of the places, their region segments left out, agree and the gazetteer does not know
///   the two as different places (a region never confirms a city: "Kharkiv" against
///   "Харківська обл." or "м. Ізюм, Харківська обл." is unknown);
/// - differs: the gazetteer knows them as different places (Manchester / Hamburg, Kyiv / Lviv,
///   Hamburg / Russia), scored 0;
/// - unknown: anything else (a place it does not know, a claimed city against a record's
///   country or region it cannot place it in).
pub fn place_agreement(claimed: &str, record: &str) -> Agreement {
    let place = crosscheck_places::explain(claimed, record);
    // the words of the places themselves: a region's adjective (Харківська) shares its stem
    // with the city it is named after, and is no confirmation of it (issue 14)
    let (claimed_place, record_place) =
        (crosscheck_places::without_regions(claimed), crosscheck_places::without_regions(record));
    let words = if claimed_place.is_empty() || record_place.is_empty() {
        0.0
    } else {
        words_score(&claimed_place, &record_place)
    };
    match place.relation {
        PlaceRelation::Same | PlaceRelation::Contains => Agreement::Agrees(1.0),
        PlaceRelation::Within if place.level == Some(crosscheck_places::Level::City) => Agreement::Agrees(1.0),
        // scored 0 whatever the words say ("Manchester" / "Manchester, Jamaica" share a word)
        PlaceRelation::Different => Agreement::Differs(0.0),
        // the record names only a region or a country the claimed place lies in: it says less
        // than the claim, so it neither confirms nor denies it ("Kharkiv" / "Харківська обл.")
        PlaceRelation::Within => Agreement::Unknown(words),
        PlaceRelation::Unknown if words >= WORDS_AGREE => Agreement::Agrees(words),
        PlaceRelation::Unknown => Agreement::Unknown(words),
    }
}

/// Whether every word of `raw` has a meaning the glossary knows (or is a number): then two such
/// texts that do not agree are different things, whatever their scripts.
fn glossary_covers(raw: &str) -> bool {
    let latin = latin_key(raw);
    let mut any = false;
    for w in latin.split(' ').filter(|w| !w.is_empty() && !FURNITURE.contains(w) && !STREET_TYPES.contains(w)) {
        any = true;
        let known = w.bytes().all(|b| b.is_ascii_digit())
            || ACRONYMS.iter().any(|(a, _)| *a == w)
            || GLOSSARY.iter().any(|(stem, _)| w.starts_with(stem));
        if !known {
            return false;
        }
    }
    any
}

/// Whether two texts can be told apart when their words do not agree: both in one script (the
/// words were compared as written), or both wholly in the glossary (compared by meaning).
fn comparable(a: &str, b: &str) -> bool {
    let (sa, sb) = (detect_script(a), detect_script(b));
    (sa == sb && sa != Script::Common) || (glossary_covers(a) && glossary_covers(b))
}

fn graded_agreement(score: f64, claimed: &str, record: &str) -> Agreement {
    if score >= WORDS_AGREE {
        Agreement::Agrees(score)
    } else if comparable(claimed, record) {
        Agreement::Differs(score)
    } else {
        Agreement::Unknown(score)
    }
}

/// A claimed employer against a record's: [`employer_score`], and unknown rather than different
/// when the two are in different scripts and the glossary cannot relate them.
pub fn employer_agreement(names: &Names, claimed: &str, record: &str) -> Agreement {
    graded_agreement(employer_score(names, claimed, record), claimed, record)
}

/// A claimed position against a record's: [`words_score`], unknown rather than different as for
/// employers.
pub fn position_agreement(claimed: &str, record: &str) -> Agreement {
    graded_agreement(words_score(claimed, record), claimed, record)
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
    /// A claimed name is judged on the scorer's terms: crosscheck-v2 reads a Western name through
    /// its Cyrillic spelling, so the record of the same man in Russian is the same name there.
    #[test]
    fn claimed_names_are_compared_with_the_scorers_names_context() {
        let claimed = super::Name::parse("Klingenberg Wakefield", super::NameKind::Person);
        let record = ["Клингенберг Уэйкфилд".to_string()];
        let score = |scorer: &crosscheck_match::Scorer| super::best_name(scorer.names(), &claimed, &record).unwrap().1;
        assert!(score(&crosscheck_match::CROSSCHECK_V1) < super::NAME_AGREES);
        assert!(score(&crosscheck_match::CROSSCHECK_V2) >= super::NAME_AGREES);
    }

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
    fn birth_places_as_places() {
        use Agreement::*;
        // (claimed, record, agrees, differs, why)
        let table = [
            ("Manchester", "Манчестер", true, false, "one city across scripts (issue 13)"),
            ("Hamburg", "Гамбург", true, false, "GeoNames' Russian name"),
            ("Kyiv", "Киев", true, false, "Russian name of Kyiv"),
            ("Tver", "г. Тверь", true, false, "as before"),
            ("Russia", "Тверь", true, false, "a record's city in the claimed country supports it"),
            ("Moscow", "Moscow region", false, false, "a region is not the city it is named after"),
            ("Kharkiv", "Харківська обл.", false, false, "the region adjective is not the city (issue 14)"),
            ("Kharkiv", "м. Ізюм, Харківська обл.", false, false, "a town of the region the gazetteer does not know"),
            ("Kharkiv", "м. Лозова, Харківська обл.", false, true, "another town of the region, both known"),
            ("Izium, Kharkiv oblast", "м. Ізюм, Харківська обл.", true, false, "the town's own words agree"),
            ("Kharkiv oblast", "м. Ізюм, Харківська обл.", true, false, "the claimed region holds the town"),
            ("Manchester", "Hamburg", false, true, "two cities the gazetteer knows"),
            ("Kyiv", "Львов", false, true, "two Ukrainian cities"),
            ("Tver", "Москва", false, true, "as before"),
            ("Hamburg", "Россия", false, true, "a city outside the record's country"),
            ("Zavidovo", "Конаково", false, false, "two villages the gazetteer does not know"),
            ("Tver", "Россия", false, false, "the record says less than the claim"),
            ("Podolsk", "Московская обл.", false, false, "a town the gazetteer cannot place in the region"),
        ];
        for (claimed, record, agrees, differs, why) in table {
            let got = place_agreement(claimed, record);
            assert_eq!((got.agrees(), got.differs()), (agrees, differs), "{claimed} / {record} ({why}): {got:?}");
            assert!(!matches!(got, Unknown(_)) || !(agrees || differs));
        }
    }

    #[test]
    fn employers_and_positions_unknown_across_scripts() {
        // (claimed, record, agrees, differs, why)
        let employers = [
            ("Federal Protective Service", "Федеральная служба охраны", true, false, "the glossary"),
            ("Federal Security Service", "ФСО России", false, true, "both wholly in the glossary"),
            ("Federal Protective Service", "Tver Railway Depot", false, true, "one script, other words"),
            ("Manchester City Council", "Мэрия Манчестера", false, false, "two scripts, no glossary answer"),
            ("Acme Widgets Ltd", "ООО «Ромашка»", false, false, "two scripts, no glossary answer"),
        ];
        for (claimed, record, agrees, differs, why) in employers {
            let got = employer_agreement(Names::shared(), claimed, record);
            assert_eq!((got.agrees(), got.differs()), (agrees, differs), "{claimed} / {record} ({why}): {got:?}");
        }
        let positions = [
            ("communications engineer", "инженер связи", true, false, "the glossary"),
            ("electrician", "водитель", false, true, "both in the glossary"),
            ("accountant", "бухгалтер", false, false, "not in the glossary: unknown"),
            ("accountant", "driver", false, true, "one script"),
        ];
        for (claimed, record, agrees, differs, why) in positions {
            let got = position_agreement(claimed, record);
            assert_eq!((got.agrees(), got.differs()), (agrees, differs), "{claimed} / {record} ({why}): {got:?}");
        }
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
            let s = employer_score(Names::shared(), a, b);
            assert_eq!(s >= WORDS_AGREE, want, "{a} / {b}: {s}");
        }
    }
}
