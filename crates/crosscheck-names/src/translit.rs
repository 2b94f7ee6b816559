//! Cyrillic → Latin transliteration under the schemes found in real documents.
//!
//! Decision: every scheme is data, not code. The Russian schemes are copied from the iuliia
//! project's JSON definitions (MIT) by `scripts/derive_names_translit.py`, which keeps iuliia's
//! four-table model: a letter map, a map keyed by (previous letter, letter) where a one-letter
//! key means "at the start of a word", a map keyed by (letter, next letter), and a map of
//! two-letter word endings. The Ukrainian systems come from translitua (MIT) and the Belarusian
//! ones from the official tables, both expressed in the same model, so one small interpreter
//! ([`transliterate`]) serves them all and a new scheme is a regenerated table, not new code.
//!
//! Which scheme a document used depends on who issued it and when; [`Scheme::for_issuer`]
//! answers that for Russian, Ukrainian and Belarusian passports so that a machine-readable zone
//! can be checked against the Cyrillic holder name ([`matching_schemes`]).
//!
//! ```
//! use crosscheck_names::translit::{transliterate, Scheme};
//! assert_eq!(transliterate("Юлия Щеглова", Scheme::Icao9303), "Iuliia Shcheglova");
//! assert_eq!(transliterate("Юлия Щеглова", Scheme::Mvd782), "Yuliya Shcheglova");
//! ```

mod tables;

/// One scheme's tables (see the module docs for their meaning). Sorted for binary search.
pub(crate) struct Table {
    mapping: &'static [(char, &'static str)],
    /// (previous letter, or NUL at the start of a word; letter)
    prev: &'static [((char, char), &'static str)],
    /// (letter, next letter)
    next: &'static [((char, char), &'static str)],
    /// the last two letters of a word
    ending: &'static [((char, char), &'static str)],
}

/// A Cyrillic → Latin transliteration scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// ICAO Doc 9303 (2015 edition): Russian passports since 2013 (FMS order 320 of 2012).
    Icao9303,
    /// MVD order 310 of 1997: Russian international passports 1997–2010.
    Mvd310,
    /// MVD order 782 of 2000: Russian international passports 2000–2010 (alongside 310).
    Mvd782,
    /// GOST 7.79-2000 system A (= ISO 9:1995), with diacritics: libraries, bibliographies.
    Gost779,
    /// GOST R 52535.1-2006: Russian passports 2010–2013.
    Gost52535,
    /// BGN/PCGN 1947: US and UK government lists (sanctions lists use it a lot).
    BgnPcgn,
    /// Scholarly transliteration (č, š, ž, x for х).
    Scientific,
    /// English Wikipedia's system (ye at word start, -iy/-yy endings as -y).
    Wikipedia,
    /// ALA-LC: US Library of Congress.
    AlaLc,
    /// Telegram: informal Latin typing.
    Telegram,
    /// Ukrainian national system, Cabinet of Ministers resolution 55 of 2010: Ukrainian passports since 2010.
    UkrainianNational2010,
    /// Ukrainian passport rules of 2007 (State Migration Service), before the 2010 system.
    UkrainianPassport2007,
    /// Belarusian national system (2007, UNGEGN resolution X/5): č, š, ž, ŭ, soft ć ĺ ń ś ź.
    Belarusian,
    /// ICAO-style romanisation in Belarusian passports (Аляксандр → ALIAKSANDR, Г → H, Ў → U).
    BelarusianPassport,
}

/// (scheme, first year, last year) as used by an issuer; `None` is open-ended.
pub type IssuerScheme = (Scheme, Option<i32>, Option<i32>);

const ALL: &[Scheme] = &[
    Scheme::Icao9303,
    Scheme::Mvd310,
    Scheme::Mvd782,
    Scheme::Gost779,
    Scheme::Gost52535,
    Scheme::BgnPcgn,
    Scheme::Scientific,
    Scheme::Wikipedia,
    Scheme::AlaLc,
    Scheme::Telegram,
    Scheme::UkrainianNational2010,
    Scheme::UkrainianPassport2007,
    Scheme::Belarusian,
    Scheme::BelarusianPassport,
];

const RUSSIA: &[IssuerScheme] = &[
    (Scheme::Icao9303, Some(2013), None),
    (Scheme::Gost52535, Some(2010), Some(2013)),
    (Scheme::Mvd782, Some(2000), Some(2010)),
    (Scheme::Mvd310, Some(1997), Some(2010)),
];
const UKRAINE: &[IssuerScheme] =
    &[(Scheme::UkrainianNational2010, Some(2010), None), (Scheme::UkrainianPassport2007, Some(2007), Some(2010))];
const BELARUS: &[IssuerScheme] = &[(Scheme::BelarusianPassport, None, None), (Scheme::Belarusian, Some(2007), None)];

impl Scheme {
    /// Every scheme, Russian first.
    pub fn all() -> &'static [Scheme] {
        ALL
    }

    /// The Russian schemes (those that apply to Russian-language Cyrillic).
    pub fn russian() -> &'static [Scheme] {
        &ALL[..10]
    }

    /// A stable lower-case identifier, e.g. `icao_9303`.
    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Icao9303 => "icao_9303",
            Scheme::Mvd310 => "mvd_310",
            Scheme::Mvd782 => "mvd_782",
            Scheme::Gost779 => "gost_7.79",
            Scheme::Gost52535 => "gost_52535",
            Scheme::BgnPcgn => "bgn_pcgn",
            Scheme::Scientific => "scientific",
            Scheme::Wikipedia => "wikipedia",
            Scheme::AlaLc => "ala_lc",
            Scheme::Telegram => "telegram",
            Scheme::UkrainianNational2010 => "ukrainian_national_2010",
            Scheme::UkrainianPassport2007 => "ukrainian_passport_2007",
            Scheme::Belarusian => "belarusian_national",
            Scheme::BelarusianPassport => "belarusian_passport",
        }
    }

    /// The scheme named `name` (as returned by [`Scheme::name`]).
    pub fn from_name(name: &str) -> Option<Scheme> {
        ALL.iter().copied().find(|s| s.name() == name)
    }

    /// Schemes an issuing country (ISO 3166 alpha-3 as in an MRZ, or alpha-2) used for the
    /// holder's name in travel documents, newest first, with the years they applied.
    /// Unknown issuers get an empty slice. Years overlap where the record is fuzzy: a checker
    /// should accept any scheme whose range includes the issue year.
    pub fn for_issuer(country_code: &str) -> &'static [IssuerScheme] {
        match country_code.trim().to_ascii_uppercase().as_str() {
            "RUS" | "RU" | "SUN" => RUSSIA,
            "UKR" | "UA" => UKRAINE,
            "BLR" | "BY" => BELARUS,
            _ => &[],
        }
    }

    /// The schemes `country_code` used in `year` (all of its schemes when the year is unknown).
    pub fn for_issuer_in(country_code: &str, year: Option<i32>) -> Vec<Scheme> {
        Scheme::for_issuer(country_code)
            .iter()
            .filter(|(_, from, until)| match year {
                None => true,
                Some(y) => from.is_none_or(|f| y >= f) && until.is_none_or(|u| y <= u),
            })
            .map(|(s, _, _)| *s)
            .collect()
    }

    fn table(&self) -> &'static Table {
        match self {
            Scheme::Icao9303 => &tables::ICAO9303,
            Scheme::Mvd310 => &tables::MVD310,
            Scheme::Mvd782 => &tables::MVD782,
            Scheme::Gost779 => &tables::GOST779,
            Scheme::Gost52535 => &tables::GOST52535,
            Scheme::BgnPcgn => &tables::BGNPCGN,
            Scheme::Scientific => &tables::SCIENTIFIC,
            Scheme::Wikipedia => &tables::WIKIPEDIA,
            Scheme::AlaLc => &tables::ALALC,
            Scheme::Telegram => &tables::TELEGRAM,
            Scheme::UkrainianNational2010 => &tables::UKRAINIANNATIONAL2010,
            Scheme::UkrainianPassport2007 => &tables::UKRAINIANPASSPORT2007,
            Scheme::Belarusian => &tables::BELARUSIAN,
            Scheme::BelarusianPassport => &tables::BELARUSIANPASSPORT,
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn lookup(table: &[((char, char), &'static str)], key: (char, char)) -> Option<&'static str> {
    table.binary_search_by(|(k, _)| k.cmp(&key)).ok().map(|i| table[i].1)
}

fn is_word_char(c: char) -> bool {
    crate::normalize::is_letter(c) || matches!(c, '\'' | '’' | 'ʼ')
}

/// Transliterates `text` under `scheme`. Characters the scheme does not know (Latin letters,
/// digits, punctuation) pass through unchanged; letter case is kept (a word in capitals stays
/// in capitals). Never panics.
pub fn transliterate(text: &str, scheme: Scheme) -> String {
    let table = scheme.table();
    let mut out = String::with_capacity(text.len() * 2);
    let mut word: Vec<char> = Vec::new();
    for c in text.chars() {
        if is_word_char(c) {
            word.push(c);
        } else {
            translate_word(&word, table, &mut out);
            word.clear();
            out.push(c);
        }
    }
    translate_word(&word, table, &mut out);
    out
}

fn lower(c: char) -> char {
    match c as u32 {
        0x410..=0x42F => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        0x400..=0x40F => char::from_u32(c as u32 + 0x50).unwrap_or(c),
        0x430..=0x45F => c,
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

fn is_upper(c: char) -> bool {
    match c as u32 {
        0x400..=0x42F => true,
        0x430..=0x45F => false,
        _ => c.is_uppercase(),
    }
}

fn translate_word(word: &[char], table: &Table, out: &mut String) {
    if word.is_empty() {
        return;
    }
    let n_upper = word.iter().filter(|c| is_upper(**c)).count();
    let all_upper = word.len() > 1 && n_upper == word.iter().filter(|c| crate::normalize::is_letter(**c)).count();
    let mut buf = ['\0'; 32];
    let heap: Vec<char>;
    let low: &[char] = if word.len() <= buf.len() {
        for (b, &c) in buf.iter_mut().zip(word) {
            *b = lower(c);
        }
        &buf[..word.len()]
    } else {
        heap = word.iter().map(|&c| lower(c)).collect();
        &heap
    };
    let mut stem_len = low.len();
    let mut ending: Option<&str> = None;
    if low.len() > 2 && !table.ending.is_empty() {
        if let Some(e) = lookup(table.ending, (low[low.len() - 2], low[low.len() - 1])) {
            ending = Some(e);
            stem_len -= 2;
        }
    }
    for i in 0..stem_len {
        let curr = low[i];
        let mut piece: Option<&str> = None;
        if !table.prev.is_empty() {
            let prev = if i > 0 { low[i - 1] } else { '\0' };
            piece = lookup(table.prev, (prev, curr));
        }
        if piece.is_none() && !table.next.is_empty() && i + 1 < stem_len {
            piece = lookup(table.next, (curr, low[i + 1]));
        }
        let piece =
            piece.or_else(|| table.mapping.binary_search_by(|(k, _)| k.cmp(&curr)).ok().map(|j| table.mapping[j].1));
        match piece {
            None => out.push(word[i]),
            Some(p) => push_cased(p, is_upper(word[i]), all_upper, out),
        }
    }
    if let Some(e) = ending {
        push_cased(e, false, all_upper, out);
    }
}

fn push_cased(piece: &str, upper_first: bool, all_upper: bool, out: &mut String) {
    if all_upper {
        out.extend(piece.chars().flat_map(char::to_uppercase));
    } else if upper_first {
        let mut chars = piece.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    } else {
        out.push_str(piece);
    }
}

/// Writes a Latin-script name in Russian Cyrillic the way Russian writes foreign names: each
/// word's most frequent spelling in the Wikidata pairs (`names/translit_pairs`, CC0) when the
/// word is there (Bruce White → Брюс Уайт), otherwise its English or Japanese reading spelled
/// with the Russian letters of the BGN/PCGN scheme read backwards (sh → ш, ya → я, y → й
/// before a vowel, ...). Case follows the input word by word; non-letters pass through. For
/// display and for feeding Cyrillic-only systems: the matcher itself compares keys instead.
pub fn to_cyrillic(latin: &str) -> String {
    let mut out = String::with_capacity(latin.len() * 2);
    let mut word = String::new();
    for c in latin.chars() {
        if c.is_alphabetic() {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push_str(&word_to_cyrillic(&word));
            word.clear();
        }
        out.push(c);
    }
    if !word.is_empty() {
        out.push_str(&word_to_cyrillic(&word));
    }
    out
}

fn word_to_cyrillic(word: &str) -> String {
    let lower: String =
        crate::normalize::ascii_fold(&word.to_lowercase()).chars().filter(|c| c.is_ascii_alphabetic()).collect();
    if lower.is_empty() {
        return word.to_string();
    }
    let cyr = match crate::tables::CYRILLIC_SPELLING.get(&lower) {
        Some((c, _)) => c.clone(),
        None => letters_to_cyrillic(&crate::reading::reading(&lower).unwrap_or(lower)),
    };
    let upper_first = word.chars().next().is_some_and(char::is_uppercase);
    let all_upper = word.chars().count() > 1 && word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    if all_upper {
        cyr.to_uppercase()
    } else if upper_first {
        let mut chars = cyr.chars();
        chars.next().map(|f| f.to_uppercase().chain(chars).collect()).unwrap_or_default()
    } else {
        cyr
    }
}

/// Latin letters (already read) to Russian letters, longest match first.
fn letters_to_cyrillic(t: &str) -> String {
    const MAP: &[(&str, &str)] = &[
        ("shch", "щ"),
        ("dzh", "дж"),
        ("sh", "ш"),
        ("ch", "ч"),
        ("zh", "ж"),
        ("kh", "х"),
        ("ts", "ц"),
        ("ck", "к"),
        ("ph", "ф"),
        ("th", "т"),
        ("qu", "кв"),
        ("ya", "я"),
        ("yu", "ю"),
        ("yo", "ё"),
        ("ye", "е"),
        ("ia", "ия"),
        ("iu", "ю"),
        ("oo", "у"),
        ("ou", "у"),
        ("a", "а"),
        ("b", "б"),
        ("c", "к"),
        ("d", "д"),
        ("e", "е"),
        ("f", "ф"),
        ("g", "г"),
        ("h", "х"),
        ("i", "и"),
        ("j", "дж"),
        ("k", "к"),
        ("l", "л"),
        ("m", "м"),
        ("n", "н"),
        ("o", "о"),
        ("p", "п"),
        ("q", "к"),
        ("r", "р"),
        ("s", "с"),
        ("t", "т"),
        ("u", "у"),
        ("v", "в"),
        ("w", "у"),
        ("x", "кс"),
        ("y", "и"),
        ("z", "з"),
    ];
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len() * 2);
    let mut i = 0;
    while i < b.len() {
        // c before e, i, y sounds s; y before a vowel is й; e first in a word is э
        let rest = &t[i..];
        if rest.starts_with('c') && matches!(b.get(i + 1), Some(b'e' | b'i' | b'y')) {
            out.push('с');
            i += 1;
            continue;
        }
        if i == 0 && rest.starts_with('e') {
            out.push('э');
            i += 1;
            continue;
        }
        if rest.starts_with('y') && matches!(b.get(i + 1), Some(b'a' | b'e' | b'i' | b'o' | b'u')) && i > 0 {
            out.push('й');
            i += 1;
            continue;
        }
        // the second half of a diphthong (ai, ei, oi) before a consonant or at the end
        if rest.starts_with('i')
            && i > 0
            && matches!(b[i - 1], b'a' | b'e' | b'o' | b'u')
            && !matches!(b.get(i + 1), Some(b'a' | b'e' | b'i' | b'o' | b'u'))
        {
            out.push('й');
            i += 1;
            continue;
        }
        match MAP.iter().find(|(l, _)| rest.starts_with(l)) {
            Some((l, c)) => {
                out.push_str(c);
                i += l.len();
            }
            None => {
                out.push_str(&rest[..rest.chars().next().map_or(1, char::len_utf8)]);
                i += rest.chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    out
}

/// Folds a Latin string the way a machine-readable zone writes it: ASCII capitals only, every
/// other character dropped (diacritics are removed first, `<` and spaces disappear).
pub fn mrz_fold(text: &str) -> String {
    crate::normalize::ascii_fold(text)
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The schemes under which `cyrillic` transliterates to `latin`, compared as in a
/// machine-readable zone ([`mrz_fold`]: letters only, case and spacing ignored).
pub fn matching_schemes(cyrillic: &str, latin: &str) -> Vec<Scheme> {
    let want = mrz_fold(latin);
    ALL.iter().copied().filter(|s| mrz_fold(&transliterate(cyrillic, *s)) == want).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_passport_schemes() {
        assert_eq!(transliterate("Артём Краевой", Scheme::Icao9303), "Artem Kraevoi");
        assert_eq!(transliterate("Гайа Васильева", Scheme::Mvd782), "Gaya Vasilyeva");
        assert_eq!(transliterate("ЕЛЬЦИН", Scheme::Wikipedia), "YELTSIN");
        assert_eq!(transliterate("Юлия Щеглова", Scheme::Gost52535), "Iuliia Shcheglova");
        assert_eq!(transliterate("Сергей Лавров", Scheme::Wikipedia), "Sergey Lavrov");
    }

    #[test]
    fn ukrainian_and_belarusian() {
        assert_eq!(transliterate("Володимир Зеленський", Scheme::UkrainianNational2010), "Volodymyr Zelenskyi");
        assert_eq!(transliterate("Згурський Юрій", Scheme::UkrainianNational2010), "Zghurskyi Yurii");
        assert_eq!(transliterate("Аляксандр Лукашэнка", Scheme::BelarusianPassport), "Aliaksandr Lukashenka");
        assert_eq!(transliterate("Ягор Ільюшын", Scheme::Belarusian), "Jahor Iĺjušyn");
    }

    #[test]
    fn issuers_and_mrz() {
        assert_eq!(Scheme::for_issuer_in("RUS", Some(2015)), vec![Scheme::Icao9303]);
        assert!(Scheme::for_issuer_in("RUS", Some(2005)).contains(&Scheme::Mvd310));
        assert!(Scheme::for_issuer("XXX").is_empty());
        let schemes = matching_schemes("Юлия Щеглова", "IULIIA<<SHCHEGLOVA");
        assert!(schemes.contains(&Scheme::Icao9303));
        assert!(!schemes.contains(&Scheme::Mvd782));
        for s in Scheme::all() {
            assert_eq!(Scheme::from_name(s.name()), Some(*s));
        }
    }

    #[test]
    fn latin_to_cyrillic() {
        assert_eq!(to_cyrillic("Bruce White"), "Брюс Уайт");
        assert_eq!(to_cyrillic("SMITH"), "СМИТ");
        assert_eq!(to_cyrillic("Zyxwort"), "Зиксуорт");
        assert_eq!(to_cyrillic(""), "");
        assert_eq!(to_cyrillic("O'Neil, J."), to_cyrillic("O'Neil, J."));
    }

    #[test]
    fn passes_non_cyrillic_through() {
        assert_eq!(transliterate("ООО «Ромашка» 2000", Scheme::Icao9303), "OOO «Romashka» 2000");
        assert_eq!(transliterate("", Scheme::Icao9303), "");
    }
}
