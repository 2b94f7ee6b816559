//! Segmentation: a raw name read into words, and each run of words into what it is (a number
//! spelt in words or digits, a legal form of one or more words, a plain word). Shared by
//! [`crate::Name::parse`] and [`crate::for_each_index_key`], so a stored record and a query are
//! always read the same way.
//!
//! Decision: words are kept as byte ranges of the normalised name, not as strings, because the
//! load's keying path segments every name it stores and most names need no string per word.

use crate::normalize::{self, char_script, normalize, Script};
use crate::tables::{self, Tables};
use crate::tokens::{ascii_token, is_roman, latin_word};
use crate::NameKind;

/// A name read into words, and what each run of words is. Shared by [`Name::parse`] and
/// [`for_each_index_key`], so a stored record and a query are always read the same way.
pub(crate) struct Segmented<'t> {
    /// The normalised name (original script).
    pub full_norm: String,
    /// For organisations, the name normalised after dotted abbreviations were joined.
    pub org_norm: Option<String>,
    /// Each word as a byte range of `org_norm`, else of `full_norm` (no string per word).
    pub spans: Vec<(usize, usize)>,
    pub segments: Vec<Segment<'t>>,
}

impl Segmented<'_> {
    pub(crate) fn word(&self, i: usize) -> &str {
        let (start, end) = self.spans[i];
        &self.org_norm.as_deref().unwrap_or(&self.full_norm)[start..end]
    }

    /// Words `start..start + n` joined by spaces.
    pub(crate) fn phrase(&self, start: usize, n: usize) -> String {
        (start..start + n).map(|i| self.word(i)).collect::<Vec<_>>().join(" ")
    }
}

/// One token-to-be: a number (several words may spell one), a legal form (may be several
/// words), or one word.
pub(crate) enum Segment<'t> {
    Number { start: usize, n: usize, value: String },
    Legal { start: usize, n: usize, form: &'t tables::LegalForm },
    Word(usize),
}

pub(crate) fn segment<'t>(tables: &'t Tables, raw: &str, kind: NameKind) -> Segmented<'t> {
    let full_norm = normalize(raw);
    let org_norm = (kind != NameKind::Person).then(|| normalize(&collapse_dotted(raw)));
    let norm = org_norm.as_deref().unwrap_or(&full_norm);
    let mut words: Vec<&str> = Vec::with_capacity(8);
    let raw_all_caps = !raw.chars().any(char::is_lowercase);
    for w in norm.split(' ').filter(|w| !w.is_empty()) {
        // Han and Hangul names come without spaces: one token per syllable (both lie above
        // U+1100, whose UTF-8 lead bytes are 0xE1 and up: most words need no look at their
        // characters)
        if w.bytes().any(|b| b >= 0xE1) && w.chars().any(|c| matches!(char_script(c), Script::Han | Script::Hangul)) {
            words.extend(chars_of(w));
        } else if kind != NameKind::Organization && !raw_all_caps && is_initials(w, raw) {
            // "JC Juncker": capitals without a vowel are initials
            words.extend(chars_of(w));
        } else {
            words.push(w);
        }
    }
    if kind != NameKind::Organization {
        strip_prefixes(tables, &mut words);
    }
    let mut segments = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        // numbers first: "II" is also a Lithuanian legal form in the tables
        // (number words only in organisation names: Ten, Seven, First are people's surnames)
        if kind != NameKind::Person {
            if let Some((n, value)) = number_words(&words[i..], kind) {
                segments.push(Segment::Number { start: i, n, value });
                i += n;
                continue;
            }
            if let Some((n, form)) = match_legal_form(tables, &words[i..]) {
                segments.push(Segment::Legal { start: i, n, form });
                i += n;
                continue;
            }
        }
        segments.push(Segment::Word(i));
        i += 1;
    }
    // every word is a slice of `norm`: keep its byte range
    let base = norm.as_ptr() as usize;
    let spans = words.iter().map(|w| (w.as_ptr() as usize - base, w.as_ptr() as usize - base + w.len())).collect();
    Segmented { full_norm, org_norm, spans, segments }
}

/// Each character of `w`, as a slice of it.
fn chars_of(w: &str) -> impl Iterator<Item = &str> {
    w.char_indices().map(move |(i, c)| &w[i..i + c.len_utf8()])
}

pub(crate) fn is_initials(word: &str, raw: &str) -> bool {
    let n = word.chars().count();
    (2..=3).contains(&n)
        && word.chars().all(|c| c.is_ascii_lowercase() && !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
        && raw.split(|c: char| !c.is_alphanumeric()).any(|rw| rw == word.to_ascii_uppercase())
}

pub(crate) fn strip_prefixes(tables: &Tables, words: &mut Vec<&str>) {
    let prefixes = &tables.person_prefixes;
    loop {
        if words.is_empty() || !tables.person_prefix_first.contains(words[0]) {
            return;
        }
        let hit = prefixes.iter().find(|p| words.len() > p.len() && words[..p.len()] == p[..]).map(|p| p.len());
        match hit {
            Some(n) => {
                words.drain(..n);
            }
            None => return,
        }
    }
}

/// The legal form (from the org-types table) that `words` start with, and how many words it takes.
pub(crate) fn match_legal_form<'t>(tables: &'t Tables, words: &[&str]) -> Option<(usize, &'t tables::LegalForm)> {
    let table = &tables.org_types;
    // Most words start no legal form: one set lookup (of the word, then of its Latin form)
    // before any phrase is joined and looked up.
    let first = *words.first()?;
    if !table.first_words.contains(first) && !table.first_words.contains(&ascii_token(&latin_word(first))) {
        return None;
    }
    let max = table.max_words.min(words.len());
    for n in (1..=max).rev() {
        let phrase = words[..n].join(" ");
        if let Some(f) = table.by_phrase.get(&phrase) {
            return Some((n, f));
        }
        let folded = words[..n].iter().map(|w| ascii_token(&latin_word(w))).collect::<Vec<_>>().join(" ");
        if let Some(f) = table.by_phrase.get(&folded) {
            return Some((n, f));
        }
    }
    None
}

/// Number words and Roman numerals at the start of `words`, as digits (forty four → 44,
/// first → 1, 1st → 1, viii → 8). Hand-written: a dozen English words cover the cases seen in
/// company names; a general number parser would be a dependency for little gain.
pub(crate) fn number_words(words: &[&str], kind: NameKind) -> Option<(usize, String)> {
    const UNITS: &[&str] =
        &["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    const TENS: &[(&str, u32)] = &[
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("fourty", 40),
        ("fifty", 50),
        ("sixty", 60),
        ("seventy", 70),
        ("eighty", 80),
        ("ninety", 90),
    ];
    const ORDINALS: &[&str] =
        &["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
    let w = *words.first()?;
    let value = |w: &str| -> Option<u32> {
        if let Some(i) = UNITS.iter().position(|u| *u == w) {
            return Some(i as u32);
        }
        if let Some(i) = ORDINALS.iter().position(|u| *u == w) {
            return Some(i as u32);
        }
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        if !digits.is_empty() && digits.len() < w.len() && digits.chars().all(|c| c.is_ascii_digit()) {
            let suffix = &w[digits.len()..];
            if matches!(suffix, "st" | "nd" | "rd" | "th") {
                return digits.parse().ok();
            }
        }
        None
    };
    if let Some((_, tens)) = TENS.iter().find(|(t, _)| *t == w) {
        if let Some(u) = words.get(1).and_then(|n| UNITS[1..10].iter().position(|x| x == n)) {
            return Some((2, (tens + u as u32 + 1).to_string()));
        }
        // the units in digits: Forty 4
        if let Some(u) = words.get(1).filter(|n| n.len() == 1).and_then(|n| n.parse::<u32>().ok()).filter(|u| *u > 0) {
            return Some((2, (tens + u).to_string()));
        }
        return Some((1, tens.to_string()));
    }
    if kind != NameKind::Person && is_roman(w) {
        let v = match w {
            "i" => 1,
            "v" => 5,
            "x" => 10,
            "ii" => 2,
            "iii" => 3,
            "iv" => 4,
            "vi" => 6,
            "vii" => 7,
            "viii" => 8,
            "ix" => 9,
            "xi" => 11,
            "xii" => 12,
            "xiii" => 13,
            "xiv" => 14,
            "xv" => 15,
            "xvi" => 16,
            "xx" => 20,
            _ => return None,
        };
        return Some((1, v.to_string()));
    }
    value(w).map(|v| (1, v.to_string()))
}

/// Removes the dots of dotted abbreviations (L.L.C. → LLC, A.B.C. → ABC, U.S. → US) so that
/// they read as one word; other dots stay (they become word boundaries later).
pub(crate) fn collapse_dotted(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '.' {
            let single_before =
                i >= 1 && normalize::is_letter(chars[i - 1]) && (i < 2 || !normalize::is_letter(chars[i - 2]));
            let letter_after = chars.get(i + 1).is_some_and(|n| normalize::is_letter(*n))
                && chars.get(i + 2).is_none_or(|n| !normalize::is_letter(*n));
            if single_before && letter_after {
                continue;
            }
        }
        out.push(c);
    }
    out
}
