//! Captions as FollowTheMoney computes them (`EntityProxy.caption` in `followthemoney` 4.11,
//! with `pick_name` of `rigour` 2.6, both MIT), written here from their documented behaviour.
//!
//! The caption is the first of the schema's caption properties (`graph.rs`) that has a value.
//! For a name property with several values it is the one [`pick_name`] picks; otherwise the
//! first value. With no value at all it is the schema's label (`Person`, `Legal entity`).
//!
//! [`pick_name`] picks, from a bag of aliases in several scripts and cases, the one most
//! useful to a reader of the Latin alphabet:
//! - each value's casefolded form gets a weight of 1 plus its Latin share (the part of its
//!   letters that are Latin; Cyrillic and Greek letters count 0.3);
//! - when the values span more than one script, each form also votes, with the same weight,
//!   for its ASCII transliteration (when that is longer than two characters; a form in a script
//!   not spelt in Latin letters, such as Chinese or Arabic, votes for itself again), so that a Latin
//!   "Putin" and a Cyrillic "Путин" support the same form;
//! - a bag with exactly one mostly-Latin value (Latin share above 0.85) gives that value;
//! - otherwise forms are ranked by their weight times their summed Levenshtein similarity to
//!   every other form (a weighted centroid; ties keep the first form in sorted order), and
//!   within the best form the value with the highest Latin share, then the fewest case errors
//!   (a word not starting upper case costs 2, an upper-case letter inside a word 1, per
//!   character), then the shortest, then the first alphabetically, is the caption.
//!
//! Two approximations, both in the cross-script step only: the ASCII transliteration is ICU's
//! table for Cyrillic (as rigour uses it) and `any_ascii`'s for other scripts (its syllables
//! spaced and lower-cased as ICU's), and casefolding is Unicode lower case with `ß` folded to
//! `ss` (Python's `casefold` folds a few more rare letters). Where `any_ascii` and ICU differ
//! (Greek, Armenian, Georgian, Hangul spellings), the pick among Latin spellings that follow
//! different transliterations may differ from FtM's.

use crate::graph::GraphSchema;
use crate::Entity;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup, Script};
use icu_properties::CodePointMapData;

/// The caption of `entity` as FtM computes it (see the module documentation).
pub fn caption(entity: &Entity) -> String {
    let Some(schema) = GraphSchema::get(&entity.schema) else {
        return entity.caption();
    };
    for (prop, is_name) in schema.caption {
        let values = entity.get(prop);
        if *is_name && values.len() > 1 {
            let names: Vec<&str> = values.iter().map(String::as_str).collect();
            if let Some(name) = pick_name(&names) {
                return name;
            }
        } else if let Some(first) = values.first() {
            return first.clone();
        }
    }
    schema.label.to_string()
}

/// The display name FtM picks from `names` (see the module documentation); `None` when no
/// name has a letter or digit left after trimming.
pub fn pick_name(names: &[&str]) -> Option<String> {
    let mut sorted: Vec<&str> = names.to_vec();
    sorted.sort_unstable();
    let mut scripts: Vec<Script> = Vec::new();
    for name in &sorted {
        for s in text_scripts(name) {
            if !scripts.contains(&s) {
                scripts.push(s);
            }
        }
    }
    let cross_script = scripts.len() > 1;

    // forms in order of first appearance, with their weights and the values behind each
    let mut forms: Vec<(String, f64, Vec<&str>)> = Vec::new();
    fn vote<'a>(forms: &mut Vec<(String, f64, Vec<&'a str>)>, form: &str, weight: f64, value: Option<&'a str>) {
        let i = match forms.iter().position(|(f, _, _)| f == form) {
            Some(i) => i,
            None => {
                forms.push((form.to_string(), 0.0, Vec::new()));
                forms.len() - 1
            }
        };
        forms[i].1 += weight;
        if let Some(v) = value {
            if !forms[i].2.contains(&v) {
                forms[i].2.push(v);
            }
        }
    }
    let mut latin: Vec<&str> = Vec::new();
    for name in &sorted {
        let form = casefold(name.trim());
        if form.is_empty() {
            continue;
        }
        let share = latin_share(name);
        if share > 0.85 {
            latin.push(name);
        }
        let weight = 1.0 + share;
        vote(&mut forms, &form, weight, Some(name));
        if cross_script {
            let ascii = ascii_text(&form);
            if ascii.chars().count() > 2 {
                let value = (ascii != form).then_some(*name);
                vote(&mut forms, &ascii, weight, value);
            }
        }
    }
    if let [only] = latin.as_slice() {
        return Some(only.to_string());
    }
    let chars: Vec<Vec<char>> = forms.iter().map(|(f, _, _)| f.chars().collect()).collect();
    let mut scores = vec![0.0f64; forms.len()];
    for i in 0..forms.len() {
        for j in i + 1..forms.len() {
            let distance = strsim::generic_levenshtein(&chars[i], &chars[j]);
            let longest = chars[i].len().max(chars[j].len()).max(1);
            let similarity = 1.0 - distance as f64 / longest as f64;
            scores[i] += similarity * forms[i].1;
            scores[j] += similarity * forms[j].1;
        }
    }
    let mut ranked: Vec<usize> = (0..forms.len()).collect();
    ranked.sort_by(|a, b| scores[*b].partial_cmp(&scores[*a]).unwrap_or(std::cmp::Ordering::Equal));
    ranked.into_iter().find_map(|i| best_surface(&forms[i].2).map(str::to_string))
}

/// Among the values of one form: the most Latin, then the best cased, the shortest, the first.
fn best_surface<'a>(values: &[&'a str]) -> Option<&'a str> {
    values.iter().copied().min_by(|a, b| {
        latin_share(b)
            .partial_cmp(&latin_share(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| case_errors(a).partial_cmp(&case_errors(b)).unwrap_or(std::cmp::Ordering::Equal))
            .then_with(|| a.chars().count().cmp(&b.chars().count()))
            .then_with(|| a.cmp(b))
    })
}

/// Case errors per character: one for every character, two more for a word starting in lower
/// case, one more for an upper-case letter inside a word.
fn case_errors(s: &str) -> f64 {
    let (mut errors, mut total, mut word_start) = (0.0f64, 0.0f64, true);
    for c in s.chars() {
        total += 1.0;
        errors += 1.0;
        if !c.is_alphabetic() {
            word_start = true;
        } else if word_start {
            if !c.is_uppercase() {
                errors += 2.0;
            }
            word_start = false;
        } else if c.is_uppercase() {
            errors += 1.0;
        }
    }
    if total == 0.0 {
        0.0
    } else {
        errors / total
    }
}

/// The part of `text`'s letters that a Latin reader reads: Latin 1, Cyrillic and Greek 0.3.
fn latin_share(text: &str) -> f64 {
    let map = CodePointMapData::<Script>::new();
    let (mut latin, mut letters) = (0.0f64, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        latin += match map.get(c) {
            Script::Latin => 1.0,
            Script::Cyrillic | Script::Greek => 0.3,
            _ => 0.0,
        };
    }
    if letters == 0 {
        0.0
    } else {
        latin / letters as f64
    }
}

/// The scripts of `text`'s letters and digits, leaving out the shared ones (Common, Inherited).
fn text_scripts(text: &str) -> Vec<Script> {
    let scripts = CodePointMapData::<Script>::new();
    let categories = CodePointMapData::<GeneralCategory>::new();
    let mut out = Vec::new();
    for c in text.chars() {
        let category = categories.get(c);
        if !GeneralCategoryGroup::Letter.contains(category) && !GeneralCategoryGroup::Number.contains(category) {
            continue;
        }
        let script = scripts.get(c);
        if !matches!(script, Script::Common | Script::Inherited | Script::Unknown) && !out.contains(&script) {
            out.push(script);
        }
    }
    out
}

/// ASCII for a casefolded form. `any_ascii` writes the syllables of Chinese and other scripts
/// without spaces, each capitalised (`LiXiaoMing`); ICU, as rigour uses it, writes them apart
/// and in lower case (`li xiao ming`), which this follows.
/// Scripts other than these are left as they are (rigour's `maybe_ascii`): Chinese, Arabic,
/// Hebrew and the rest are not spelt out in Latin letters.
fn ascii_text(form: &str) -> String {
    let latinizable = |s: &Script| {
        matches!(
            *s,
            Script::Latin | Script::Cyrillic | Script::Greek | Script::Armenian | Script::Georgian | Script::Hangul
        )
    };
    if !text_scripts(form).iter().all(latinizable) {
        return form.to_string();
    }
    let raw = any_ascii::any_ascii(&cyrillic_to_latin(form));
    let mut out = String::with_capacity(raw.len() + 4);
    let mut previous: Option<char> = None;
    for c in raw.chars() {
        if c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase()) {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
        previous = Some(c);
    }
    out
}

/// Lower-case Cyrillic letters as ICU's Cyrillic-to-Latin transliteration and rigour's ASCII
/// step write them (`ё` `yo`, `х` `h`, `ц` `ts`, `й` `i`, the signs dropped; `-ий` and `-ый`
/// ending a word `y`); any other character is left for `any_ascii`.
fn cyrillic_to_latin(text: &str) -> String {
    const TABLE: &[(char, &str)] = &[
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "g"),
        ('д', "d"),
        ('е', "e"),
        ('ё', "yo"),
        ('ж', "zh"),
        ('з', "z"),
        ('и', "i"),
        ('й', "i"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ф', "f"),
        ('х', "h"),
        ('ц', "ts"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('щ', "shch"),
        ('ъ', ""),
        ('ы', "y"),
        ('ь', ""),
        ('э', "e"),
        ('ю', "yu"),
        ('я', "ya"),
        ('і', "i"),
        ('ї', "i"),
        ('є', "e"),
        ('ґ', "g"),
        ('ў', "u"),
        ('ђ', "dj"),
        ('ј', "j"),
        ('љ', "lj"),
        ('њ', "nj"),
        ('ћ', "c"),
        ('џ', "dz"),
        ('ѓ', "gj"),
        ('ќ', "k"),
        ('ѕ', "z"),
    ];
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let ends_word = chars.get(i + 2).is_none_or(|n| !n.is_alphabetic());
        if matches!(c, 'и' | 'ы') && chars.get(i + 1) == Some(&'й') && ends_word {
            out.push('y');
            i += 2;
            continue;
        }
        match TABLE.iter().find(|(k, _)| *k == c) {
            Some((_, latin)) => out.push_str(latin),
            None => out.push(c),
        }
        i += 1;
    }
    out
}

fn casefold(s: &str) -> String {
    let lower = s.to_lowercase();
    if lower.contains('ß') {
        lower.replace('ß', "ss")
    } else {
        lower
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(schema: &str, props: &[(&str, &[&str])]) -> Entity {
        let mut e = Entity::new("x", schema);
        for (prop, values) in props {
            for v in *values {
                e.add_clean(prop, v.to_string());
            }
        }
        e
    }

    /// Invented entities; the captions are what followthemoney 4.11.2 (with rigour 2.6.1) gives them.
    #[test]
    fn captions_are_ftms() {
        type Props = &'static [(&'static str, &'static [&'static str])];
        let table: &[(&str, Props, &str)] = &[
            ("Person", &[("name", &["Olga Testova", "OLGA TESTOVA", "Ольга Тестова"])], "Olga Testova"),
            (
                "Person",
                &[(
                    "name",
                    &["Ivan Petrovich Sidorkin", "Иван Петрович Сидоркин", "Сидоркин Иван Петрович", "SIDORKIN, Ivan"],
                )],
                "SIDORKIN, Ivan",
            ),
            ("Person", &[("name", &["Мария Тестовна", "Марія Тестівна"])], "Мария Тестовна"),
            ("Person", &[("name", &["anna von example", "Anna Von Example", "ANNA VON EXAMPLE"])], "Anna Von Example"),
            ("Person", &[("name", &["Jon Smithers", "John Smithers", "Jonathan Smithers"])], "John Smithers"),
            ("Person", &[("alias", &["Zed"]), ("lastName", &["Quux"])], "Zed"),
            ("Person", &[("lastName", &["Quux"]), ("firstName", &["Zed"])], "Quux"),
            ("Person", &[], "Person"),
            ("LegalEntity", &[], "Legal entity"),
            ("Company", &[("registrationNumber", &["12345"]), ("abbreviation", &["ACME"])], "ACME"),
            ("Company", &[("name", &["Acme Trading GmbH", "ACME TRADING GMBH", "Акме Трейдинг"])], "Acme Trading GmbH"),
            ("Payment", &[("amount", &["100", "200"])], "100"),
            ("Ownership", &[("percentage", &["50"])], "Ownership"),
            ("Address", &[("full", &["1 Invented Road, Nowhere", "Invented Road 1"])], "1 Invented Road, Nowhere"),
            ("Person", &[("name", &["Straße Müller", "Strasse Mueller"])], "Strasse Mueller"),
            ("Person", &[("name", &["李小明", "Li Xiaoming", "Lee Xiao Ming"])], "Lee Xiao Ming"),
            (
                "Person",
                &[(
                    "name",
                    &["Ахмедов Тимур", "Akhmedov Timur", "Ахмедов Тимур Рашидович", "Akhmedov Timur Rashidovich"],
                )],
                "Akhmedov Timur Rashidovich",
            ),
            ("Person", &[("name", &["Ли Сяомин", "Li Xiaoming", "Lee Xiao Ming"])], "Li Xiaoming"),
            ("Person", &[("name", &["Пётр Тестов", "Petr Testov", "Pyotr Testov"])], "Pyotr Testov"),
            ("Person", &[("name", &["احمد تست", "Ahmad Test", "Ahmed Test"])], "Ahmad Test"),
            ("Person", &[("name", &["김테스트", "Kim Teseuteu", "Kim Test"])], "Kim Teseuteu"),
            ("Company", &[("name", &["ООО Тест", "OOO Test", "LLC Test"])], "OOO Test"),
        ];
        for (schema, props, want) in table {
            assert_eq!(caption(&entity(schema, props)), *want, "{schema} {props:?}");
        }
    }

    #[test]
    fn pick_name_edges() {
        assert_eq!(pick_name(&[]), None);
        assert_eq!(pick_name(&["  ", ""]), None);
        assert_eq!(pick_name(&["Solo"]).as_deref(), Some("Solo"));
        // one mostly-Latin value among others is taken as it is
        assert_eq!(pick_name(&["Ольга Тестова", "Olga Testova"]).as_deref(), Some("Olga Testova"));
    }

    #[test]
    fn cyrillic_is_spelt_as_icu_spells_it() {
        for (given, want) in [
            ("юрий петров", "yury petrov"),
            ("жёлтый", "zhyolty"),
            ("андрей", "andrei"),
            ("йод", "iod"),
            ("щука", "shchuka"),
            ("объект", "obekt"),
            ("ўладзімір", "uladzimir"),
        ] {
            assert_eq!(ascii_text(given), want, "{given}");
        }
    }
}
