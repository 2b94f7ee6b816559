//! Tokens: one word of a name (or a number, or a legal form), prepared for comparison: its Latin
//! form, phonetic key and second readings, class and rarity weight, Slavic surname stem, name
//! groups and spelling partners from the tables.
//!
//! Decision: a token depends only on its word and the kind of name (person, organisation,
//! any), never on its neighbours, so it can be prepared once per distinct word and reused
//! (the context's memo, [`make_token`]); what depends on position (a trailing particle read as a
//! surname, number and legal-form segments) is set by the caller afterwards.

use crate::gender::{self, Gender};
use crate::normalize::{self, ascii_fold, char_script, detect_script, normalize, Script};
use crate::tables::{self, Tables};
use crate::translit::{transliterate, Scheme};
use crate::{key, reading, NameKind};

/// What a token is, for weighting and for what a disagreement on it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TokenClass {
    Word,
    /// A single letter of a person's name (J. in "Hans J. Friedrich").
    Initial,
    /// al-, bin, von, de...: carries little identity.
    Particle,
    /// Org-name filler: the, of, and.
    Stop,
    /// A legal form (LLC, ООО, GmbH), reduced to its compare form.
    Legal,
    /// Digits.
    Number,
}

/// A token prepared for comparison (private: the public view is [`Name::tokens`]).
// Field order is layout order (`repr(C)`): the fields every token-pair test reads (hashes,
// masks, flags) share the first cache line, because comparing one name against many
// candidates is bound by memory, not arithmetic.
#[derive(Debug, Clone, PartialEq)]
#[repr(C)]
pub(crate) struct Token {
    /// Hashes of `text` and `key`, so that most inequalities cost one integer comparison.
    pub text_hash: u64,
    pub key_hash: u64,
    /// Bit (id mod 64) per group id: disjoint masks mean disjoint groups, without the walk.
    pub group_mask: u64,
    /// Class profile of `core` ([`key::class_profile`]), to skip hopeless edit distances.
    pub profile: key::Profile,
    /// Rarity weight: a rare surname weighs more than "Ivanov".
    pub weight: f32,
    pub class: TokenClass,
    pub script: Script,
    /// Han and Hangul syllables: only an identical character aligns (a one-syllable
    /// difference is a different name; romanisation would hide it).
    pub exact_only: bool,
    /// A Slavic patronymic (by its ending): aligns only with another patronymic.
    pub patronymic: bool,
    /// A given name the tables know (frequency table or name groups): two known given names
    /// that are not variants of each other never align as typos (Mohamed is not Ahmed).
    pub known_given: bool,
    /// A surname attested at least a hundred times in the frequency table: two such surnames
    /// that differ are two families, not a typo (Ryzhov / Chizhov).
    pub known_surname: bool,
    /// An org-name symbol (Corporation → co), a `Legal` token that is not a legal form proper.
    pub symbol: bool,
    /// A country name inside an organisation name (Banco Santander Chile): a qualifier that
    /// names a different entity when only one side has it.
    pub place: bool,
    /// ASCII lower-case Latin form (the public token).
    pub text: String,
    /// Phonetic key ([`key::phonetic_key`]).
    pub key: String,
    /// The key without a patronymic ending (Viktorovich → viktor), for typo similarity.
    pub core: String,
    /// Second key for a Cyrillic word read the other way (Ukrainian г = h vs Russian г = g),
    /// or for a Latin word the key of its English or Japanese reading (used only against
    /// Cyrillic: White / Уайт, Shinji / Синдзи).
    pub alt_key: Option<String>,
    /// A third reading of a Latin word: French spelling (Archambaud / Аршамбо), also only
    /// against Cyrillic.
    pub alt_key2: Option<String>,
    /// For Slavic surname forms: the key without its gender ending, and the ending's gender.
    pub stem: Option<(String, Gender)>,
    /// Name-group ids (hypocorisms, cross-language forms of one given name).
    pub groups: Vec<u32>,
    /// Hashes of the keys this key is a known Latin/Cyrillic spelling pair with (usually none).
    pub spelling_partners: Vec<u64>,
    /// The normalised word as written (any script).
    pub orig: String,
    /// Legal form (compare form, generic form) when `class` is `Legal`.
    pub legal: Option<(String, String)>,
    /// For Cyrillic words: distinct ASCII transliterations and the schemes giving each (bit i =
    /// `Scheme::all()[i]`), for explanations. Computed on first use: fourteen transliterations
    /// per word were most of the parse time, and only aligned cross-script tokens need them.
    /// Shared (an `Arc`) between the context's memo of the word and every token cloned from it,
    /// so that the first explanation that needs a word's spellings computes them for all later
    /// names with that word: a fresh cell per parsed name made `compare` (which explains every
    /// pair) transliterate each Cyrillic word fourteen times per pair, 28% of its time.
    pub spellings: SpellingsCell,
    /// Keys of a Latin word's Western readings ([`Token::western`]), computed on first use and
    /// shared with the memo's token like `spellings`: only scorers that read Western names
    /// (`NameParams::western_reading`, crosscheck-v2) ask for them, and only across scripts, so
    /// v1 never pays for the rewrites (3% of `compare` when they were made for every word).
    /// Last, so that it moves no field the pair rules read (v1's prepared pairs are memory-bound).
    pub western: WesternCell,
    /// Class profiles of `key`, `alt_key` and `alt_key2` (zeros for a missing key), made with
    /// the token so that the cross-script comparisons of alternative keys can skip hopeless
    /// edit distances without counting letters on every pair (14% of v2's prepared pairs).
    /// After the fields v1's rules read: only pairs of different scripts look at them.
    pub key_profile: key::Profile,
    pub alt_profile: key::Profile,
    pub alt2_profile: key::Profile,
    /// Hash of `alt_key` (0 without one), so that a Western reading meets it in one integer
    /// comparison before the strings are compared.
    pub alt_key_hash: u64,
}

/// The cell of [`Token::western`]: `on` for a Latin word of a name that is not an
/// organisation's; a cache of a pure function of the word, equal whatever it holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct WesternCell {
    on: bool,
    cell: SharedCell<(u64, String, key::Profile)>,
}

/// A cache cell shared by a memo's token and its clones: filled once, read by all.
type SharedCell<T> = std::sync::Arc<std::sync::OnceLock<Box<[T]>>>;

impl PartialEq for WesternCell {
    fn eq(&self, other: &Self) -> bool {
        self.on == other.on
    }
}

/// The cell of [`Token::spellings`]: a cache of a pure function of the token's word, so two
/// tokens are equal whether or not either has filled it yet (a name parsed before and after an
/// explanation is the same name).
#[derive(Debug, Clone, Default)]
pub(crate) struct SpellingsCell(SharedCell<(String, u32)>);

impl PartialEq for SpellingsCell {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Lower-cases, strips diacritics and transliterates every script to Latin, keeping letters and
/// digits and turning everything else into single spaces.
pub fn latin_key(raw: &str) -> String {
    let norm = normalize(raw);
    let mut out = String::with_capacity(norm.len());
    for w in norm.split(' ') {
        let t = ascii_token(&latin_word(w));
        if t.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t);
    }
    out
}

pub(crate) fn is_ukrainian(word: &str) -> bool {
    word.chars().any(|c| matches!(c, 'і' | 'ї' | 'є' | 'ґ'))
}

/// Latin form of one normalised word, diacritics kept: Cyrillic under ICAO 9303 (Russian
/// passports), the Ukrainian national system when the word has Ukrainian letters, the
/// Belarusian passport style when it has ў; other scripts through `any_ascii`.
pub(crate) fn latin_word(word: &str) -> String {
    let script = detect_script(word);
    let lat = match script {
        Script::Latin | Script::Common => return word.to_string(),
        Script::Cyrillic => {
            let scheme = if word.contains('ў') {
                Scheme::BelarusianPassport
            } else if is_ukrainian(word) {
                Scheme::UkrainianNational2010
            } else {
                Scheme::Icao9303
            };
            transliterate(word, scheme)
        }
        _ => word.to_string(),
    };
    // letters no scheme covered (Serbian, Kazakh, Greek, Arabic, Han...) go through any_ascii
    let mut out = String::with_capacity(lat.len());
    for c in lat.chars() {
        if c.is_ascii() || char_script(c) == Script::Latin {
            out.push(c);
        } else {
            out.push_str(&any_ascii::any_ascii_char(c).to_lowercase());
        }
    }
    out
}

pub(crate) fn ascii_token(latin: &str) -> String {
    ascii_fold(latin).chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

const PARTICLES: &[&str] = &[
    "al", "el", "bin", "ibn", "ben", "bint", "binti", "bte", "de", "da", "di", "du", "del", "della", "dos", "das",
    "van", "von", "der", "den", "ter", "ten", "la", "le", "y", "zu", "ul", "ud", "ur", "abd", "ould", "ait",
    // as Russian writes them (фон, дю, цу)
    "fon", "diu", "tsu",
];
const ORG_STOPWORDS: &[&str] = &["the", "of", "and", "for", "in", "on", "at", "und", "et", "a", "an", "и"];

/// A particle written last is a surname (Тен / Ten, De): particles precede the name (Arabic bin
/// and al excepted: a trailing one is a truncated chain).
pub(crate) fn trailing_particle_is_surname(class: TokenClass, text: &str) -> bool {
    class == TokenClass::Particle && !matches!(text, "bin" | "al")
}

pub(crate) fn hash_str(s: &str) -> u64 {
    tables::fnv(s)
}

/// Org-name symbols that only say "a company" (Company, Corporation, Organisation, Group,
/// Enterprise, Concern): as light as a legal form.
const LIGHT_SYMBOLS: &[&str] = &["co", "corp", "org", "grp", "enterprise", "concern"];

pub(crate) fn legal_token(orig: &str, form: &tables::LegalForm) -> Token {
    Token {
        text: ascii_token(&latin_word(&form.compare)),
        orig: orig.to_string(),
        script: detect_script(orig),
        class: TokenClass::Legal,
        key: form.compare.clone(),
        core: form.compare.clone(),
        profile: key::class_profile(&form.compare),
        group_mask: 0,
        text_hash: 0,
        key_hash: 0,
        spelling_partners: Vec::new(),
        known_given: false,
        known_surname: false,
        symbol: form.symbol,
        place: false,
        patronymic: false,
        exact_only: false,
        alt_key: None,
        alt_key2: None,
        western: WesternCell::default(),
        key_profile: key::class_profile(&form.compare),
        alt_profile: key::Profile::default(),
        alt2_profile: key::Profile::default(),
        alt_key_hash: 0,
        stem: None,
        groups: Vec::new(),
        weight: if !form.symbol {
            0.35
        } else if LIGHT_SYMBOLS.contains(&form.compare.as_str()) {
            0.4
        } else {
            // Trust, Systems, Holding, Global...: they say which company of a group it is
            0.8
        },
        legal: Some((form.compare.clone(), form.generic.clone())),
        spellings: Default::default(),
    }
}

/// Each distinct word's token, per kind of name (one map per kind: a word is prepared
/// differently in a person's and a company's name). Owned by a [`crate::Names`] context.
pub(crate) type TokenMemo = [rustc_hash::FxHashMap<Box<str>, Token>; 3];

/// [`build_token`] through a memo of the context's. Names are Zipf-distributed (a few thousand given
/// names and common surnames make most tokens of any list), so a load of a million names prepares
/// each distinct word once instead of every time; a clone costs a few small allocations against
/// the microseconds of transliterating and keying a word. Bounded: the memo is emptied when it
/// holds [`TOKEN_MEMO_CAP`] words, so a stream of unique words costs a lookup, never unbounded
/// memory.
pub(crate) fn make_token(memo: &mut TokenMemo, tables: &Tables, word: &str, kind: NameKind) -> Token {
    let memo = &mut memo[kind as usize];
    if let Some(t) = memo.get(word) {
        return t.clone();
    }
    let t = build_token(tables, word, kind);
    if memo.len() >= TOKEN_MEMO_CAP {
        memo.clear();
    }
    memo.insert(Box::from(word), t.clone());
    t
}

/// Words each memo keeps prepared, per kind of name (a few hundred bytes each).
const TOKEN_MEMO_CAP: usize = 1 << 16;

/// Prepares one word of a name (pure: the same word and kind always give the same token).
pub(crate) fn build_token(tables: &Tables, word: &str, kind: NameKind) -> Token {
    let script = detect_script(word);
    let lat = latin_word(word);
    let mut text = ascii_token(&lat);
    // particles written several ways are one particle
    if kind != NameKind::Organization {
        match text.as_str() {
            "ben" | "ibn" | "bin" => text = "bin".into(),
            "el" | "al" | "ul" => text = "al".into(),
            _ => {}
        }
    }
    // digits standing in for letters (Ig0r Sech1n)
    let has_letter = lat.chars().any(normalize::is_letter);
    let lat = if kind != NameKind::Organization && has_letter && lat.chars().any(|c| c.is_ascii_digit()) {
        lat.chars()
            .map(|c| match c {
                '0' => 'o',
                '1' => 'i',
                '3' => 'e',
                '4' => 'a',
                '5' => 's',
                '9' => 'g',
                _ => c,
            })
            .collect()
    } else {
        lat
    };
    let mut key = key::phonetic_key(&lat);
    let class = if word.chars().all(|c| c.is_ascii_digit()) || (kind != NameKind::Person && is_roman(word)) {
        TokenClass::Number
    } else if kind != NameKind::Organization && word.chars().count() == 1 {
        TokenClass::Initial
    } else if kind != NameKind::Organization && PARTICLES.contains(&text.as_str()) {
        TokenClass::Particle
    } else if kind != NameKind::Person && ORG_STOPWORDS.contains(&text.as_str()) {
        TokenClass::Stop
    } else {
        TokenClass::Word
    };
    if key.is_empty() {
        key = text.clone();
    }
    let mut alt_key = None;
    let mut alt_key2 = None;
    let mut western = WesternCell::default();
    if script == Script::Cyrillic {
        // the other reading of г: Ukrainian h vs Russian g (Oleh/Oleg, Serhiy/Sergei)
        if word.contains('г') {
            let other = if is_ukrainian(word) {
                transliterate(word, Scheme::Icao9303)
            } else {
                transliterate(word, Scheme::UkrainianNational2010)
            };
            let k = key::phonetic_key(&other);
            if k != key {
                alt_key = Some(k);
            }
        }
    } else if script == Script::Latin && kind != NameKind::Organization {
        if let Some(r) = reading::reading(&text) {
            let k = key::phonetic_key(&r);
            if k != key {
                alt_key = Some(k);
            }
        }
        if let Some(r) = reading::french(&text) {
            let k = key::phonetic_key(&r);
            if k != key && Some(&k) != alt_key.as_ref() {
                alt_key2 = Some(k);
            }
        }
        western.on = true;
    }
    let mut weight = match class {
        TokenClass::Word => 1.0,
        TokenClass::Initial => 0.3,
        TokenClass::Particle => 0.15,
        TokenClass::Stop => 0.1,
        TokenClass::Legal => 0.35,
        TokenClass::Number => 0.5,
    };
    let mut stem = None;
    let mut groups = Vec::new();
    let mut known_given = false;
    let mut known_surname = false;
    let mut place = false;
    if class == TokenClass::Word {
        if let Some(info) = tables.freq.get(&key) {
            known_given = info.given_count >= 50;
            known_surname = info.surname_count >= 100;
            let count = info.given_count.max(info.surname_count) as f32;
            weight = (1.25 - 0.07 * (1.0 + count).ln()).clamp(0.55, 1.2);
        }
        if kind != NameKind::Organization {
            stem = surname_stem(&key, &text);
            if let Some(g) = tables.name_groups.get(&key) {
                groups = g.clone();
                known_given = true;
            }
        } else {
            if text.len() <= 3 {
                weight = 0.8;
            }
            place = text.len() > 3
                && (celes::Country::from_name(&text).is_ok() || celes::Country::from_alias(&text).is_ok());
        }
    }
    let patronymic = kind != NameKind::Organization && gender::patronymic_gender(&text).is_some();
    let core = if patronymic { patronymic_core(&key) } else { key.clone() };
    let exact_only = matches!(script, Script::Han | Script::Hangul);
    let key_profile = key::class_profile(&key);
    Token {
        text,
        orig: word.to_string(),
        script,
        class,
        key,
        profile: key::class_profile(&core),
        key_profile,
        alt_profile: alt_key.as_deref().map(key::class_profile).unwrap_or_default(),
        alt2_profile: alt_key2.as_deref().map(key::class_profile).unwrap_or_default(),
        alt_key_hash: alt_key.as_deref().map_or(0, hash_str),
        group_mask: groups.iter().fold(0u64, |m, g| m | 1u64 << (g % 64)),
        text_hash: 0,
        key_hash: 0,
        spelling_partners: Vec::new(),
        core,
        known_given,
        known_surname,
        symbol: false,
        place,
        patronymic,
        exact_only,
        alt_key,
        alt_key2,
        western,
        stem,
        groups,
        weight,
        legal: None,
        spellings: Default::default(),
    }
}

impl Token {
    /// Keys of a Latin word's Western readings (German, Polish, English... spelling as Russian
    /// writes it: Dietrich → ditrih, Łazarkiewicz → lazarkeviC, [`reading::western`]), with
    /// their hashes and class profiles; only those that differ from `key`, `alt_key` and `alt_key2`. Empty for
    /// other words. Consulted only against Cyrillic (`score/pairing.rs`).
    pub(crate) fn western(&self) -> &[(u64, String, key::Profile)] {
        if !self.western.on {
            return &[];
        }
        self.western.cell.get_or_init(|| {
            let mut keys: Vec<(u64, String, key::Profile)> = Vec::new();
            for r in reading::western(&self.orig, &self.text) {
                let k = key::phonetic_key(&r);
                if !k.is_empty()
                    && k != self.key
                    && Some(&k) != self.alt_key.as_ref()
                    && Some(&k) != self.alt_key2.as_ref()
                    && !keys.iter().any(|(_, x, _)| *x == k)
                {
                    let profile = key::class_profile(&k);
                    keys.push((hash_str(&k), k, profile));
                }
            }
            keys.into()
        })
    }

    /// The word's spellings under every scheme (Cyrillic words only; empty otherwise).
    pub(crate) fn spellings(&self) -> &[(String, u32)] {
        self.spellings.0.get_or_init(|| {
            let mut out: Vec<(String, u32)> = Vec::new();
            if self.script != Script::Cyrillic || self.class == TokenClass::Legal {
                return out.into();
            }
            for (i, s) in Scheme::all().iter().enumerate() {
                let sp = ascii_token(&transliterate(&self.orig, *s));
                match out.iter_mut().find(|(x, _)| *x == sp) {
                    Some((_, bits)) => *bits |= 1 << i,
                    None => out.push((sp, 1 << i)),
                }
            }
            out.into()
        })
    }
}

/// The key of a patronymic without its ending (magomedovich → magomed).
pub(crate) fn patronymic_core(key: &str) -> String {
    for end in ["ovic", "evic", "ovna", "evna", "ovc", "ivna", "icna", "inicna", "ic", "na"] {
        // endings in key form: ch → C, so -ovich is "oviC"
        let end = end.replace('c', "C");
        if let Some(s) = key.strip_suffix(end.as_str()) {
            if s.len() >= 3 {
                return s.to_string();
            }
        }
    }
    key.to_string()
}

pub(crate) fn is_roman(word: &str) -> bool {
    const ROMAN: &[&str] =
        &["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xx"];
    ROMAN.contains(&word)
}

/// Key of a Slavic surname without its gender ending (Ivanova → ivanov, Zavershinskaya →
/// zaversinsk), with the gender the ending marks.
pub(crate) fn surname_stem(key: &str, text: &str) -> Option<(String, Gender)> {
    if key.len() < 5 || gender::patronymic_gender(text).is_some() {
        return None;
    }
    const FEMALE: &[(&str, &str)] =
        &[("skaia", "sk"), ("ckaia", "ck"), ("aia", ""), ("ova", "ov"), ("eva", "ev"), ("ina", "in")];
    const MALE: &[(&str, &str)] = &[("ski", "sk"), ("cki", "ck"), ("oi", ""), ("ov", "ov"), ("ev", "ev"), ("in", "in")];
    for (end, rep) in FEMALE {
        if let Some(s) = key.strip_suffix(end) {
            return Some((format!("{s}{rep}"), Gender::Female));
        }
    }
    for (end, rep) in MALE {
        if let Some(s) = key.strip_suffix(end) {
            return Some((format!("{s}{rep}"), Gender::Male));
        }
    }
    None
}
