//! The text helpers nomenklatura's algorithms (`name-based`, `logic-v1`) are built on, as
//! rigour, fingerprints and normality define them: name fingerprints, light cleaning, name
//! tokens, Jaro-Winkler and Levenshtein with rigour's cut-offs.
//!
//! Written for crosscheck after nomenklatura's `matching/compat.py` and rigour's
//! `text/distance.py` and `names/tokenize.py` (both MIT, (c) OpenSanctions); no code copied.
//! Where a helper leans on a large table or library we do not carry, the closest honest
//! version is used and the difference is said here:
//!
//! - `ascii_text` (normality, ICU) is `crosscheck-names`' Latin key: the same idea (every
//!   script to lower-case ASCII letters and digits), its own transliteration tables.
//! - Unicode general categories (normality's `category_replace`, rigour's `tokenize_name`) are
//!   read from Rust's `char` classes: letters and digits are kept, combining marks dropped,
//!   everything else separates words.
//! - fingerprints' `replace_types` (company-type spellings to their short form, "limited" to
//!   "ltd") reads fingerprints' own table (`data/fingerprints_types.tsv`, MIT), its forms
//!   cleaned by our ASCII cleaning, so a form written in another script may be spelled apart
//!   from the way fingerprints spells it and not be found.
//! - Jaro-Winkler and Levenshtein come from `strsim`; on 4,225 invented pairs they equal
//!   rigour's (rapidfuzz) to the last bit but one.

use std::collections::HashMap;
use std::sync::LazyLock;

/// rigour's `env.LEVENSHTEIN_MAX_EDITS`: at most this many edits make two words plausibly one.
pub(crate) const LEVENSHTEIN_MAX_EDITS: usize = 4;
/// rigour's `env.LEVENSHTEIN_MAX_PCT`: at most this share of the shorter word may be edited.
pub(crate) const LEVENSHTEIN_MAX_PERCENT: f64 = 0.2;
/// rigour's `jaro_winkler` cut-off: similarities at or below it count as 0.
const JARO_WINKLER_CUTOFF: f64 = 0.6;

/// Characters removed before cleaning, so "O'Brien" is one word and "U.S.A." is "usa"
/// (fingerprints' `CHARACTERS_REMOVE_RE`, rigour's tokenizer `SKIP_CHARS`).
fn is_skipped(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '‘' | 'ʼ' | 'ʹ' | '`' | '´')
}

/// Squashes runs of spaces into one and trims.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// fingerprints' `clean_name_light`: dots and apostrophes removed, lower case, accents and
/// other marks dropped, punctuation and symbols to spaces, no transliteration; `None` when
/// under two characters remain.
pub(crate) fn clean_name_light(text: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    // lower case, then compatibility-decomposed so accents fall away as marks (normality's
    // `category_replace` decomposes first)
    let lower: String = text.chars().filter(|c| !is_skipped(*c)).flat_map(char::to_lowercase).collect();
    for c in lower.nfkd() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !unicode_normalization::char::is_combining_mark(c) {
            out.push(' ');
        }
    }
    let out = squash(&out);
    (out.chars().count() >= 2).then_some(out)
}

/// fingerprints' `clean_name_ascii`: [`clean_name_light`] after transliteration to ASCII;
/// `None` when under two characters remain.
pub(crate) fn clean_name_ascii(text: &str) -> Option<String> {
    let kept: String = text.chars().filter(|c| !is_skipped(*c)).collect();
    let out = crosscheck_names::latin_key(&kept);
    (out.len() >= 2).then_some(out)
}

/// rigour's honorifics (`PERSON_NAME_PREFIXES`, the table `crosscheck-names` ships), lower case.
static PERSON_PREFIXES: LazyLock<Vec<String>> = LazyLock::new(|| {
    include_str!("../../crosscheck-names/data/person_prefixes.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().to_lowercase())
        .collect()
});

/// rigour's `remove_person_prefixes` on lower-cased text: leading non-word characters, then any
/// run of honorifics each followed by an optional dot and a space ("mr. dr. john" is "john").
fn remove_person_prefixes(text: &str) -> &str {
    let mut rest = text.trim_start_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
    'strip: loop {
        for prefix in PERSON_PREFIXES.iter() {
            if let Some(after) = rest.strip_prefix(prefix.as_str()) {
                let after = after.strip_prefix('.').unwrap_or(after);
                let trimmed = after.trim_start();
                if trimmed.len() < after.len() {
                    rest = trimmed;
                    continue 'strip;
                }
            }
        }
        return rest;
    }
}

/// Company-type phrases (cleaned to ASCII words) and their short form, from fingerprints'
/// table (`data/fingerprints_types.tsv`), as its `normalize_replacements` builds them: a form
/// that cleans to its main form is left out, and of two mains for one form the first wins;
/// and the most words a phrase has.
static ORG_TYPES: LazyLock<(HashMap<String, String>, usize)> = LazyLock::new(|| {
    let mut map = HashMap::new();
    let mut max_words = 1;
    for line in include_str!("../data/fingerprints_types.tsv").lines().filter(|l| !l.starts_with('#')) {
        let Some((form, main)) = line.split_once('\t') else { continue };
        let (Some(form), Some(main)) = (clean_name_ascii(form), clean_name_ascii(main)) else { continue };
        if form != main {
            max_words = max_words.max(form.split(' ').count());
            map.entry(form).or_insert(main);
        }
    }
    (map, max_words)
});

/// fingerprints' `replace_types` on cleaned words: each company-type phrase (the longest at each
/// place) becomes its short form ("acme trading limited" is "acme trading ltd").
fn replace_types(cleaned: &str) -> String {
    let (map, max_words) = &*ORG_TYPES;
    let words: Vec<&str> = cleaned.split(' ').collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    'words: while i < words.len() {
        for n in (1..=(*max_words).min(words.len() - i)).rev() {
            if let Some(short) = map.get(&words[i..i + n].join(" ")) {
                out.push(short);
                i += n;
                continue 'words;
            }
        }
        out.push(words[i]);
        i += 1;
    }
    out.join(" ")
}

/// nomenklatura's `fingerprint_name`: lower case, honorifics removed, cleaned to ASCII words,
/// company types shortened (see the module doc); `None` when nothing is left.
pub(crate) fn fingerprint_name(original: &str) -> Option<String> {
    let lower = original.to_lowercase();
    let cleaned = clean_name_ascii(remove_person_prefixes(&lower))?;
    let out = squash(&replace_types(&cleaned));
    (!out.is_empty()).then_some(out)
}

/// nomenklatura's `name_words`: the space-separated words of at least `min_length` characters.
pub(crate) fn name_words(name: Option<&str>, min_length: usize) -> Vec<String> {
    name.map(|n| n.split(' ').filter(|w| w.chars().count() >= min_length).map(str::to_string).collect())
        .unwrap_or_default()
}

/// nomenklatura's `names_word_list`: the words of every name's fingerprint.
pub(crate) fn names_word_list<'a>(names: impl IntoIterator<Item = &'a str>, min_length: usize) -> Vec<String> {
    names.into_iter().flat_map(|n| name_words(fingerprint_name(n).as_deref(), min_length)).collect()
}

/// rigour's `tokenize_name`: dots and apostrophes removed, combining marks dropped, letters and
/// digits kept, everything else splits; tokens of at least `min_length` characters.
pub(crate) fn tokenize_name(text: &str, min_length: usize) -> Vec<String> {
    let mut buf = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !is_skipped(*c)) {
        if c.is_alphanumeric() {
            buf.push(c);
        } else if !unicode_normalization::char::is_combining_mark(c) {
            buf.push(' ');
        }
    }
    buf.split_whitespace().filter(|t| t.chars().count() >= min_length).map(str::to_string).collect()
}

/// Whether a text can be written in Latin letters (rigour's `can_latinize`): every letter is
/// Latin, Cyrillic, Greek, Armenian, Georgian or Hangul (not Han, Kana, Arabic, Hebrew).
pub(crate) fn can_latinize(text: &str) -> bool {
    use crosscheck_names::Script;
    text.chars().filter(|c| c.is_alphabetic()).all(|c| {
        matches!(
            crosscheck_names::normalize::char_script(c),
            Script::Latin | Script::Cyrillic | Script::Greek | Script::Armenian | Script::Georgian | Script::Hangul
        )
    })
}

/// rigour's `jaro_winkler`: the Jaro-Winkler similarity, 0 at or below 0.6.
pub(crate) fn jaro_winkler(a: &str, b: &str) -> f64 {
    let score = strsim::jaro_winkler(a, b);
    if score > JARO_WINKLER_CUTOFF {
        score
    } else {
        0.0
    }
}

/// The edit budget rigour allows two strings: `max_percent` of the shorter one (rounded up),
/// at most `max_edits`.
fn edit_budget(a_len: usize, b_len: usize, max_edits: Option<usize>, max_percent: f64) -> usize {
    let pct = (a_len.min(b_len) as f64 * max_percent).ceil() as usize;
    max_edits.map_or(pct, |m| m.min(pct))
}

/// rigour's `is_levenshtein_plausible`: the two are within the edit budget (at most 4 edits and
/// a fifth of the shorter string).
pub(crate) fn is_levenshtein_plausible(a: &str, b: &str) -> bool {
    let budget =
        edit_budget(a.chars().count(), b.chars().count(), Some(LEVENSHTEIN_MAX_EDITS), LEVENSHTEIN_MAX_PERCENT);
    a == b || strsim::levenshtein(a, b) <= budget
}

/// rigour's `levenshtein_similarity`: one less the edits over the longer length, 0 for an
/// empty side or when the edits exceed the budget.
pub(crate) fn levenshtein_similarity(a: &str, b: &str, max_edits: Option<usize>, max_percent: f64) -> f64 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let budget = edit_budget(la, lb, max_edits, max_percent);
    if la.abs_diff(lb) > budget {
        return 0.0;
    }
    let distance = if a == b { 0 } else { strsim::levenshtein(a, b) };
    if distance > budget {
        return 0.0;
    }
    1.0 - distance as f64 / la.max(lb) as f64
}

/// [`levenshtein_similarity`] with rigour's default budget.
pub(crate) fn levenshtein_similarity_default(a: &str, b: &str) -> f64 {
    levenshtein_similarity(a, b, Some(LEVENSHTEIN_MAX_EDITS), LEVENSHTEIN_MAX_PERCENT)
}

/// rigour's `StrictFormat.normalize` for identifiers: ASCII, letters and digits only, upper
/// case; `None` when the ASCII text is under two characters.
pub(crate) fn strict_identifier(value: &str) -> Option<String> {
    let ascii = crosscheck_names::normalize::ascii_fold(value);
    let ascii = any_ascii_like(&ascii);
    if ascii.chars().count() < 2 {
        return None;
    }
    let out: String = ascii.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase();
    Some(out)
}

/// ASCII text of a value, letter for letter where the Latin key knows one (identifiers are
/// mostly ASCII already).
fn any_ascii_like(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    text.split_whitespace()
        .map(|w| if w.is_ascii() { w.to_string() } else { crosscheck_names::latin_key(w).replace(' ', "") })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_table() {
        let table: &[(&str, Option<&str>, Option<&str>)] = &[
            // (input, clean_name_light, fingerprint_name)
            ("John O'Brien", Some("john obrien"), Some("john obrien")),
            ("Mr. John Smith", Some("mr john smith"), Some("john smith")),
            ("U.S.A. Trading, Ltd.", Some("usa trading ltd"), Some("usa trading ltd")),
            ("Иван Петров", Some("иван петров"), Some("ivan petrov")),
            ("x", None, None),
            ("Dr. Dr. Anna-Maria Weiß", Some("dr dr anna maria weiß"), Some("anna maria weiss")),
            ("Simonyán Ça Ǆ", Some("simonyan ca dz"), Some("simonyan ca dz")),
        ];
        for (input, light, fp) in table {
            assert_eq!(clean_name_light(input).as_deref(), *light, "light {input}");
            assert_eq!(fingerprint_name(input).as_deref(), *fp, "fingerprint {input}");
        }
    }

    #[test]
    fn tokens_table() {
        assert_eq!(tokenize_name("o'brien-smith, jr. 3rd x", 2), ["obrien", "smith", "jr", "3rd"]);
        assert_eq!(tokenize_name("al-qa'ida/islamic.army", 1), ["al", "qaida", "islamicarmy"]);
        assert_eq!(names_word_list(["Mrs Jane Doe", "J. Doe"], 2), ["jane", "doe", "doe"]);
        assert_eq!(fingerprint_name("ACME Trading Limited").as_deref(), Some("acme trading ltd"));
        assert_eq!(fingerprint_name("Blau Gesellschaft mit beschränkter Haftung").as_deref(), Some("blau gmbh"));
        assert_eq!(fingerprint_name("Limitedness Inc.").as_deref(), Some("limitedness inc"), "whole words only");
    }

    #[test]
    fn distances_table() {
        // values as rigour 2.6 gives them for these invented words
        let table: &[(&str, &str, f64, bool)] = &[
            ("martha", "marhta", 0.9611111111111111, true),
            ("dwayne", "duane", 0.8400000000000001, false),
            ("zakharov", "zaharov", 0.9666666666666667, true),
            ("jones", "johnson", 0.8323809523809523, false),
            ("abc", "xyz", 0.0, false),
            ("ivan", "iwan", 0.8500000000000001, true),
            ("aleksandr", "alexander", 0.8962962962962963, false),
            ("crate", "trace", 0.7333333333333334, false),
        ];
        for (a, b, jw, plausible) in table {
            assert!((jaro_winkler(a, b) - jw).abs() < 1e-12, "{a} {b}: {}", jaro_winkler(a, b));
            assert_eq!(is_levenshtein_plausible(a, b), *plausible, "{a} {b}");
        }
        assert_eq!(levenshtein_similarity_default("petrov", "petrova"), 1.0 - 1.0 / 7.0);
        assert_eq!(levenshtein_similarity_default("petrov", "ivanov"), 0.0, "over the budget");
        assert_eq!(levenshtein_similarity("abcdef", "abcxyz", None, 1.0), 0.5);
        assert_eq!(levenshtein_similarity_default("", "a"), 0.0);
    }

    #[test]
    fn identifiers_table() {
        assert_eq!(strict_identifier("ab-12 345").as_deref(), Some("AB12345"));
        assert_eq!(strict_identifier("7").as_deref(), None);
        assert_eq!(strict_identifier("№ 12").as_deref(), Some("NO12"), "as rigour reads it");
    }
}
