//! A Latin reading beside Cyrillic values (issue 14), for editors who do not read Cyrillic:
//! `Гнатюк (Hnatiuk)`. The reading is the project's own transliteration
//! ([`crosscheck_names::translit`]) under the scheme that fits the record's country where it is
//! known (Ukraine's national system for a Ukrainian record, ICAO 9303 for a Russian one, the
//! Belarusian passport's for a Belarusian one); else a scheme the letters themselves point to
//! (і, ї, є, ґ are Ukrainian, ў Belarusian); else BGN/PCGN, the neutral reading English-language
//! lists and newsrooms use. A reading is for display only: values are compared as they are.

use crosscheck_model::{Entity, PropType};
use crosscheck_names::translit::{transliterate, Scheme};

/// Whether `text` has a Cyrillic letter.
pub fn has_cyrillic(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{0400}'..='\u{052F}'))
}

/// The countries an entity names (`country`, `nationality`, `jurisdiction`, ...), as written,
/// then the country its other values' letters point to: a record whose birth place is
/// `м. Харків` is read as Ukrainian even when its name, `Гнатюк Олександр Миколайович`, has no
/// letter only Ukrainian has.
pub fn countries(entity: &Entity) -> Vec<String> {
    let mut out: Vec<String> = entity.values_of_type(PropType::Country).map(|(_, v)| v.to_string()).collect();
    let letters =
        |pick: fn(char) -> bool| entity.properties.values().flatten().any(|v| v.to_lowercase().chars().any(pick));
    if letters(|c| c == 'ў') {
        out.push("by".into());
    } else if letters(|c| matches!(c, 'і' | 'ї' | 'є' | 'ґ')) {
        out.push("ua".into());
    }
    out
}

/// The scheme for `text` given the `countries` of its record or person (ISO codes; the first
/// one with a scheme wins).
pub fn scheme_for(countries: &[String], text: &str) -> Scheme {
    let by_country = countries.iter().find_map(|c| Scheme::for_issuer(c).first().map(|(s, _, _)| *s));
    if let Some(scheme) = by_country {
        return scheme;
    }
    let lower = text.to_lowercase();
    if lower.contains('ў') {
        Scheme::BelarusianPassport
    } else if lower.chars().any(|c| matches!(c, 'і' | 'ї' | 'є' | 'ґ')) {
        Scheme::UkrainianNational2010
    } else {
        Scheme::BgnPcgn
    }
}

/// The Latin reading of `text`, when it has Cyrillic letters.
pub fn reading(text: &str, countries: &[String]) -> Option<String> {
    has_cyrillic(text).then(|| transliterate(text, scheme_for(countries, text)))
}

/// `value (reading)` when there is a reading, else `value`.
pub fn beside(value: &str, latin: Option<&str>) -> String {
    match latin {
        Some(l) if l != value => format!("{value} ({l})"),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_of_invented_names_by_country_and_letters() {
        let none: Vec<String> = Vec::new();
        let ua = vec!["ua".to_string()];
        let ru = vec!["ru".to_string()];
        let by = vec!["by".to_string()];
        // (text, countries, reading)
        let table: &[(&str, &[String], Option<&str>)] = &[
            ("Гнатюк", &ua, Some("Hnatiuk")),
            ("Гнатюк Олександр Миколайович", &ua, Some("Hnatiuk Oleksandr Mykolaiovych")),
            ("Щеглова Юлия", &ru, Some("Shcheglova Iuliia")),
            ("Лебедев Кирилл", &none, Some("Lebedev Kirill")),
            ("Юлия", &none, Some("Yuliya")),
            // no country: Ukrainian letters choose the Ukrainian system
            ("м. Ізюм, Харківська обл.", &none, Some("m. Izium, Kharkivska obl.")),
            ("Аляксандр Ўсцінаў", &by, Some("Aliaksandr Ustsinau")),
            ("Ivan Petrov", &none, None),
            ("", &none, None),
            ("1985-04-09", &ru, None),
        ];
        for (text, countries, want) in table {
            assert_eq!(reading(text, countries).as_deref(), *want, "{text} {countries:?}");
        }
        // a record's other values point to its country when it names none
        let mut record = Entity::new("r1", "Person");
        record.add("name", "Гнатюк Олександр Миколайович");
        record.add("birthPlace", "м. Харків");
        let hinted = countries(&record);
        assert_eq!(hinted, ["ua"]);
        assert_eq!(reading("Гнатюк Олександр Миколайович", &hinted).as_deref(), Some("Hnatiuk Oleksandr Mykolaiovych"));
        assert_eq!(beside("Гнатюк", Some("Hnatiuk")), "Гнатюк (Hnatiuk)");
        assert_eq!(beside("Hnatiuk", None), "Hnatiuk");
    }
}
