//! Names across scripts: normalisation, transliteration, name parts, and a name score that
//! explains itself. No IO.
//!
//! The API is two calls: [`Name::parse`] prepares a name once (the expensive part: normalising,
//! transliterating under every scheme, splitting, looking up frequencies and name groups), and
//! [`compare`] scores two prepared names (cheap: no allocation on the common paths beyond the
//! explanation). [`Name::index_keys`] gives the keys a candidate index files the name under.
//!
//! How a score is made (see `score.rs` for the reasons behind each number):
//! 1. every token gets a phonetic key that is the same for the usual transliterations of one
//!    Cyrillic word (`key.rs`), plus the word's spellings under each scheme for the explanation;
//! 2. token pairs are scored (identical, same key, gendered forms of one surname, one given
//!    name in the name-group tables, an initial, a typo by weighted edit similarity);
//! 3. tokens are aligned one to one by an optimal assignment weighted by token rarity;
//! 4. the score is the weighted mean of the aligned pairs, lowered for tokens one side lacks
//!    (a little: middle names go missing) and for tokens both sides have but disagree on
//!    (a lot: a different given name is a different person), and for a gender mismatch.
//!
//! Scripts and what each gets (tokens are compared on phonetic keys of a Latin form):
//! - Cyrillic: Russian words under ICAO 9303, Ukrainian words (і ї є ґ) under the national 2010
//!   system with the Russian reading as a second key (Oleh/Oleg), Belarusian words (ў) under
//!   the passport style; all fourteen schemes of [`translit`] are available and the
//!   explanation names the schemes that give the other side's spelling. Other Cyrillic letters
//!   (Serbian ђ ћ, Kazakh қ ұ, Mongolian ү ө) go through `any_ascii`.
//! - Latin: diacritics folded, with č/š/ž read as ch/sh/zh; Western names written in Cyrillic
//!   also match through a table of spellings learnt from Wikidata (White / Уайт).
//! - Greek, Armenian, Georgian, Hebrew, Devanagari, Thai, Ethiopic, Kana: `any_ascii`
//!   romanisation, then the same key (good for Armenian, Georgian, Greek; rough for the rest).
//! - Arabic and Persian (and Hebrew, Khmer, Thai, Indic scripts): `any_ascii` drops short
//!   vowels, so these names match other names in their script; against Latin spellings they
//!   match through Wikidata's pairs of name words (`script_pairs.tsv`, loaded on first use).
//! - Han and Hangul: one token per syllable, compared only for identity among themselves (a
//!   one-syllable difference is another person); against a Latin name, Han is read as pinyin
//!   and Hangul under a key joining its usual romanisations (see `score.rs`).
//!
//! ```
//! use crosscheck_names::{compare, Name, NameKind};
//!
//! let a = Name::parse("Иван Петрович Сидоров", NameKind::Person);
//! let b = Name::parse("SIDOROV, Ivan", NameKind::Person);
//! assert!(compare(&a, &b).score > 0.8);
//! assert!(a.index_keys().iter().any(|k| b.index_keys().contains(k)));
//! ```

mod gender;
pub mod key;
pub mod normalize;
mod reading;
mod score;
mod tables;
pub mod translit;

pub use gender::Gender;
pub use normalize::Script;

use normalize::{ascii_fold, char_script, detect_script, normalize};
use translit::{transliterate, Scheme};

/// What kind of thing a name names; decides which rules apply (patronymics, legal forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    Person,
    Organization,
    Any,
}

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
    pub profile: [u8; 8],
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
    pub spellings: std::sync::OnceLock<Vec<(String, u32)>>,
}

/// A name prepared for comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The name as given.
    pub raw: String,
    /// The kind it was parsed as.
    pub kind: NameKind,
    /// Latin, lower-case, ASCII tokens in the original order (honorifics removed; a legal form
    /// appears as its compare form, e.g. `llc`).
    pub tokens: Vec<String>,
    pub(crate) parts: Vec<Token>,
    /// The normalised raw name (original script), for the "identical" test.
    pub(crate) norm: String,
    pub(crate) gender: Option<Gender>,
    /// Keys of the word tokens joined in order (for names written without spaces).
    pub(crate) joined: String,
    /// How many tokens `joined` is made of.
    pub(crate) n_joined: usize,
    /// First letters of the word tokens (for abbreviations: PLA, ABC).
    pub(crate) acronym: String,
    /// Index (in `parts`) of the token after bin/ibn/ben: the father's name in an Arabic chain.
    pub(crate) father: Option<usize>,
}

/// The outcome of comparing two names.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    /// Similarity in [0, 1]; 1.0 only when the normalised names are identical.
    pub score: f64,
    /// One plain sentence: which tokens aligned and how.
    pub detail: String,
}

/// Builds the name tables (frequencies, name groups, spellings, legal forms, honorifics) side
/// by side on several threads, instead of one after another at the first name a command meets:
/// they are about 80 ms of one core. Returns when all are built; call it from a thread of its
/// own to overlap it with reading input. Tables used only for rare scripts stay lazy.
pub fn warm_up() {
    std::thread::scope(|s| {
        s.spawn(|| tables::FREQ.len());
        s.spawn(|| tables::NAME_GROUP_INDEX.len());
        s.spawn(|| tables::SPELLING_PAIRS.len());
        s.spawn(|| tables::CYRILLIC_SPELLING.len());
        s.spawn(|| (tables::ORG_TYPES_TABLE.by_phrase.len(), tables::PERSON_PREFIX_FIRST.len()));
    });
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

fn is_ukrainian(word: &str) -> bool {
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

/// A name read into words, and what each run of words is. Shared by [`Name::parse`] and
/// [`for_each_index_key`], so a stored record and a query are always read the same way.
struct Segmented {
    /// The normalised name (original script).
    full_norm: String,
    /// For organisations, the name normalised after dotted abbreviations were joined.
    org_norm: Option<String>,
    /// Each word as a byte range of `org_norm`, else of `full_norm` (no string per word).
    spans: Vec<(usize, usize)>,
    segments: Vec<Segment>,
}

impl Segmented {
    fn word(&self, i: usize) -> &str {
        let (start, end) = self.spans[i];
        &self.org_norm.as_deref().unwrap_or(&self.full_norm)[start..end]
    }

    /// Words `start..start + n` joined by spaces.
    fn phrase(&self, start: usize, n: usize) -> String {
        (start..start + n).map(|i| self.word(i)).collect::<Vec<_>>().join(" ")
    }
}

/// One token-to-be: a number (several words may spell one), a legal form (may be several
/// words), or one word.
enum Segment {
    Number { start: usize, n: usize, value: String },
    Legal { start: usize, n: usize, form: &'static tables::LegalForm },
    Word(usize),
}

fn segment(raw: &str, kind: NameKind) -> Segmented {
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
        strip_prefixes(&mut words);
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
            if let Some((n, form)) = match_legal_form(&words[i..]) {
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

impl Name {
    /// Prepares `raw` for comparison. Never fails: an unusable name gives no tokens and scores 0.
    pub fn parse(raw: &str, kind: NameKind) -> Self {
        let read = segment(raw, kind);
        let mut parts: Vec<Token> = Vec::with_capacity(read.segments.len());
        for seg in &read.segments {
            parts.push(match seg {
                Segment::Number { start, n, value } => {
                    let mut t = make_token(&read.phrase(*start, *n), kind);
                    t.class = TokenClass::Number;
                    t.text = value.clone();
                    t.key = value.clone();
                    t.profile = key::class_profile(value);
                    t.core = value.clone();
                    // a series number identifies a company (Fund II) more than a person
                    t.weight = if kind == NameKind::Organization { 1.0 } else { 0.5 };
                    t
                }
                Segment::Legal { start, n, form } => legal_token(&read.phrase(*start, *n), form),
                Segment::Word(i) => make_token(read.word(*i), kind),
            });
        }
        if parts.len() > 1 {
            if let Some(last) = parts.last_mut() {
                if trailing_particle_is_surname(last.class, &last.text) {
                    last.class = TokenClass::Word;
                    last.weight = 1.0;
                }
            }
        }
        for t in &mut parts {
            t.text_hash = hash_str(&t.text);
            t.key_hash = hash_str(&t.key);
            if t.class == TokenClass::Word {
                t.spelling_partners = tables::spelling_partners(&t.key).iter().map(|k| hash_str(k)).collect();
            }
        }
        let tokens = parts.iter().map(|t| t.text.clone()).filter(|t| !t.is_empty()).collect();
        let gender = if kind == NameKind::Organization { None } else { gender::hint(&parts) };
        let words_only = parts.iter().filter(|t| t.class == TokenClass::Word);
        let joinable = |t: &&Token| matches!(t.class, TokenClass::Word | TokenClass::Legal);
        let joined: String = parts.iter().filter(joinable).map(|t| t.key.as_str()).collect();
        let n_joined = parts.iter().filter(joinable).count();
        let acronym: String = words_only.filter_map(|t| t.text.chars().next()).collect();
        let father = if kind == NameKind::Organization || raw.contains(',') {
            None
        } else {
            parts
                .iter()
                .position(|t| matches!(t.text.as_str(), "bin" | "bint" | "binti"))
                .and_then(|k| (k + 1..parts.len()).find(|&j| parts[j].class == TokenClass::Word))
        };
        Name {
            raw: raw.to_string(),
            kind,
            tokens,
            parts,
            norm: read.full_norm,
            gender,
            joined,
            n_joined,
            acronym,
            father,
        }
    }

    /// The gender the name's forms point to: a Slavic patronymic (-ovich / -ovna, -ivna), a
    /// gendered surname (-ova, -skaya, -ina / -ov, -sky), or a given name known to the tables.
    /// `None` when the forms disagree or say nothing. Works on Cyrillic and Latin spellings.
    pub fn gender_hint(&self) -> Option<Gender> {
        self.gender
    }

    /// The dominant script of the name as written.
    pub fn script(&self) -> Script {
        detect_script(&self.raw)
    }

    /// Keys for a candidate index, several per name and each selective: the phonetic key of
    /// every word token of three letters or more (so the same name in another script,
    /// transliteration or word order shares keys), its second reading (Ukrainian г, English or
    /// Japanese reading of a Latin word) and known Cyrillic/Latin spellings, the gender-neutral
    /// stem of a Slavic surname (Ivanov and Ivanova share it), and the key of the whole name
    /// written without spaces. Typos are not covered: a candidate index wants exact keys.
    pub fn index_keys(&self) -> Vec<String> {
        let extras: Vec<Vec<String>> = self.parts.iter().map(extra_index_keys).collect();
        let mut keys = Vec::new();
        let tokens = self.parts.iter().zip(&extras).map(|(t, e)| (t.class, t.key.as_str(), e.as_slice()));
        visit_index_keys(tokens, &mut |key| keys.push(key.to_string()));
        keys.sort();
        keys.dedup();
        keys
    }
}

/// A particle written last is a surname (Тен / Ten, De): particles precede the name (Arabic bin
/// and al excepted: a trailing one is a truncated chain).
fn trailing_particle_is_surname(class: TokenClass, text: &str) -> bool {
    class == TokenClass::Particle && !matches!(text, "bin" | "al")
}

/// What a token gives a candidate index besides its key: its second and third readings, the
/// gender-neutral stem of a Slavic surname, and its known Cyrillic/Latin spellings (Western
/// names in Cyrillic, learnt from Wikidata).
fn extra_index_keys(t: &Token) -> Vec<String> {
    let mut keys: Vec<String> = t.alt_key.iter().chain(t.alt_key2.iter()).cloned().collect();
    if let Some((stem, _)) = &t.stem {
        keys.push(format!("{stem}~"));
    }
    keys.extend(tables::spelling_partners(&t.key).iter().filter(|k| k.len() >= 3).cloned());
    keys
}

/// Calls `f` with each index key of a name's tokens, given in order as (class, key, extra keys).
/// The one place that decides what a name is filed under, for [`Name::index_keys`] and
/// [`for_each_index_key`] alike.
fn visit_index_keys<'a>(tokens: impl Iterator<Item = (TokenClass, &'a str, &'a [String])>, f: &mut dyn FnMut(&str)) {
    let mut joined = String::new();
    let mut n_words = 0;
    for (class, key, extra) in tokens {
        if matches!(class, TokenClass::Word | TokenClass::Legal) {
            joined.push_str(key);
        }
        if class != TokenClass::Word {
            continue;
        }
        n_words += 1;
        if key.len() < 3 {
            continue;
        }
        f(key);
        for k in extra {
            f(k);
        }
    }
    if n_words > 1 {
        f(&joined);
    }
}

fn prefixed(prefix: &str, key: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + key.len());
    s.push_str(prefix);
    s.push_str(key);
    s
}

/// What one word of a name gives the index, kept per thread by [`for_each_index_key`].
struct WordKeys {
    class: TokenClass,
    /// Its ASCII form is bin or al (a trailing particle that stays a particle).
    text_is_bin_or_al: bool,
    /// Inline (no pointer to follow) for keys of up to 23 bytes: nearly all.
    key: smol_str::SmolStr,
    extra: Box<[String]>,
}

/// Appends the index keys of `raw` (as [`Name::parse`]`(raw, kind).index_keys()` gives them, each
/// with `prefix`, unsorted and possibly repeated) to `out`, without preparing the whole name.
///
/// Why a second path: a load keys every name it stores, and most of a parse (weights, name
/// groups, gender, explanations) is for scoring, not for filing. This path reads the name into
/// the same segments as [`Name::parse`] and keeps each distinct word's keys in a per-thread memo,
/// so a million names cost a few hundred nanoseconds each. A test holds the two paths equal.
pub fn write_index_keys(raw: &str, kind: NameKind, prefix: &str, out: &mut Vec<String>) {
    for_each_index_key(raw, kind, &mut |key| out.push(prefixed(prefix, key)));
}

/// Calls `f` with each index key of `raw` (the keys of [`write_index_keys`], without a prefix
/// and without building a string for each): for a caller that only hashes them.
pub fn for_each_index_key(raw: &str, kind: NameKind, f: &mut dyn FnMut(&str)) {
    // Word -> its keys. A lookup is bound by memory (the memo outgrows the caches), so the word
    // and its keys sit inline in the table's slot: one slot read per word, no pointer chased.
    type Memo = rustc_hash::FxHashMap<smol_str::SmolStr, WordKeys>;
    thread_local! {
        static MEMO: std::cell::RefCell<[Memo; 3]> = Default::default();
    }
    let read = segment(raw, kind);
    let segments = &read.segments;
    let words = || segments.iter().filter_map(|s| if let Segment::Word(i) = s { Some(read.word(*i)) } else { None });
    MEMO.with(|memo| {
        let memo = &mut memo.borrow_mut()[kind as usize];
        // bounded: emptied when full (before this name's words go in, so they all stay)
        if memo.len() + segments.len() > WORD_KEYS_MEMO_CAP {
            *memo = Memo::default();
        }
        for word in words() {
            if !memo.contains_key(word) {
                let t = build_token(word, kind);
                let keys = WordKeys {
                    class: t.class,
                    text_is_bin_or_al: !trailing_particle_is_surname(TokenClass::Particle, &t.text),
                    extra: extra_index_keys(&t).into_boxed_slice(),
                    key: t.key.into(),
                };
                memo.insert(word.into(), keys);
            }
        }
        let last = segments.len().saturating_sub(1);
        let memo = &*memo;
        let tokens = segments.iter().enumerate().map(|(j, seg)| match seg {
            Segment::Number { value, .. } => (TokenClass::Number, value.as_str(), &[][..]),
            Segment::Legal { form, .. } => (TokenClass::Legal, form.compare.as_str(), &[][..]),
            Segment::Word(i) => match memo.get(read.word(*i)) {
                Some(w) => {
                    let class = if j == last && j > 0 && w.class == TokenClass::Particle && !w.text_is_bin_or_al {
                        TokenClass::Word
                    } else {
                        w.class
                    };
                    (class, w.key.as_str(), &w.extra[..])
                }
                // every word was put in above
                None => (TokenClass::Stop, "", &[][..]),
            },
        });
        visit_index_keys(tokens, f);
    });
}

/// Distinct words each thread keeps keyed, per kind of name (about a hundred bytes each).
const WORD_KEYS_MEMO_CAP: usize = 1 << 17;

pub(crate) fn hash_str(s: &str) -> u64 {
    tables::fnv(s)
}

fn is_initials(word: &str, raw: &str) -> bool {
    let n = word.chars().count();
    (2..=3).contains(&n)
        && word.chars().all(|c| c.is_ascii_lowercase() && !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
        && raw.split(|c: char| !c.is_alphanumeric()).any(|rw| rw == word.to_ascii_uppercase())
}

fn strip_prefixes(words: &mut Vec<&str>) {
    let prefixes = &*tables::PERSON_PREFIX_SET;
    loop {
        if words.is_empty() || !tables::PERSON_PREFIX_FIRST.contains(words[0]) {
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
fn match_legal_form(words: &[&str]) -> Option<(usize, &'static tables::LegalForm)> {
    let table: &'static tables::OrgTypes = &tables::ORG_TYPES_TABLE;
    // Most words start no legal form: one set lookup (of the word, then of its Latin form)
    // before any phrase is joined and looked up.
    static FIRST_WORDS: std::sync::LazyLock<std::collections::HashSet<String>> = std::sync::LazyLock::new(|| {
        tables::ORG_TYPES_TABLE.by_phrase.keys().map(|k| k.split(' ').next().unwrap_or_default().to_string()).collect()
    });
    let first = *words.first()?;
    if !FIRST_WORDS.contains(first) && !FIRST_WORDS.contains(&ascii_token(&latin_word(first))) {
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

/// Org-name symbols that only say "a company" (Company, Corporation, Organisation, Group,
/// Enterprise, Concern): as light as a legal form.
const LIGHT_SYMBOLS: &[&str] = &["co", "corp", "org", "grp", "enterprise", "concern"];

fn legal_token(orig: &str, form: &tables::LegalForm) -> Token {
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
        spellings: std::sync::OnceLock::new(),
    }
}

/// [`build_token`] through a per-thread memo. Names are Zipf-distributed (a few thousand given
/// names and common surnames make most tokens of any list), so a load of a million names prepares
/// each distinct word once instead of every time; a clone costs a few small allocations against
/// the microseconds of transliterating and keying a word. Bounded: the memo is emptied when it
/// holds [`TOKEN_MEMO_CAP`] words, so a stream of unique words costs a lookup, never unbounded
/// memory.
fn make_token(word: &str, kind: NameKind) -> Token {
    thread_local! {
        // one memo per kind: a word is prepared differently in a person's and a company's name
        static MEMO: std::cell::RefCell<[rustc_hash::FxHashMap<Box<str>, Token>; 3]> = Default::default();
    }
    MEMO.with(|memo| {
        let memo = &mut memo.borrow_mut()[kind as usize];
        if let Some(t) = memo.get(word) {
            return t.clone();
        }
        let t = build_token(word, kind);
        if memo.len() >= TOKEN_MEMO_CAP {
            memo.clear();
        }
        memo.insert(Box::from(word), t.clone());
        t
    })
}

/// Words each thread keeps prepared, per kind of name (a few hundred bytes each).
const TOKEN_MEMO_CAP: usize = 1 << 16;

/// Prepares one word of a name (pure: the same word and kind always give the same token).
fn build_token(word: &str, kind: NameKind) -> Token {
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
        if let Some(info) = tables::FREQ.get(&key) {
            known_given = info.given_count >= 50;
            known_surname = info.surname_count >= 100;
            let count = info.given_count.max(info.surname_count) as f32;
            weight = (1.25 - 0.07 * (1.0 + count).ln()).clamp(0.55, 1.2);
        }
        if kind != NameKind::Organization {
            stem = surname_stem(&key, &text);
            if let Some(g) = tables::NAME_GROUP_INDEX.get(&key) {
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
    Token {
        text,
        orig: word.to_string(),
        script,
        class,
        key,
        profile: key::class_profile(&core),
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
        stem,
        groups,
        weight,
        legal: None,
        spellings: std::sync::OnceLock::new(),
    }
}

impl Token {
    /// The word's spellings under every scheme (Cyrillic words only; empty otherwise).
    pub(crate) fn spellings(&self) -> &[(String, u32)] {
        self.spellings.get_or_init(|| {
            let mut out: Vec<(String, u32)> = Vec::new();
            if self.script != Script::Cyrillic || self.class == TokenClass::Legal {
                return out;
            }
            for (i, s) in Scheme::all().iter().enumerate() {
                let sp = ascii_token(&transliterate(&self.orig, *s));
                match out.iter_mut().find(|(x, _)| *x == sp) {
                    Some((_, bits)) => *bits |= 1 << i,
                    None => out.push((sp, 1 << i)),
                }
            }
            out
        })
    }
}

/// The key of a patronymic without its ending (magomedovich → magomed).
fn patronymic_core(key: &str) -> String {
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

fn is_roman(word: &str) -> bool {
    const ROMAN: &[&str] =
        &["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xx"];
    ROMAN.contains(&word)
}

/// Number words and Roman numerals at the start of `words`, as digits (forty four → 44,
/// first → 1, 1st → 1, viii → 8). Hand-written: a dozen English words cover the cases seen in
/// company names; a general number parser would be a dependency for little gain.
fn number_words(words: &[&str], kind: NameKind) -> Option<(usize, String)> {
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

/// Key of a Slavic surname without its gender ending (Ivanova → ivanov, Zavershinskaya →
/// zaversinsk), with the gender the ending marks.
fn surname_stem(key: &str, text: &str) -> Option<(String, Gender)> {
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

pub use score::{compare, compare_best, compare_score};

#[cfg(test)]
mod tests;
