//! A name prepared for comparison: [`Name::parse`] reads the words (`segmentation.rs`), makes a
//! token of each (`tokens.rs`) and derives what the score needs of the whole name (gender hint,
//! the keys written together, the acronym, the father's name in an Arabic chain).
//!
//! Decision: the parse does everything that depends on one name only, once, so that comparing
//! a name against many candidates (`score/`) allocates nothing on the common paths.

use crate::gender::{self, Gender};
use crate::index_keys::{extra_index_keys, visit_index_keys};
use crate::normalize::{detect_script, Script};
use crate::segmentation::{segment, Segment};
use crate::tokens::{hash_str, legal_token, make_token, trailing_particle_is_surname, Token, TokenClass};
use crate::{key, Names};
use std::sync::Arc;

/// What kind of thing a name names; decides which rules apply (patronymics, legal forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    Person,
    Organization,
    Any,
}

/// What a word of a person's name is, when the way it is written says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRole {
    Unknown,
    Given,
    Surname,
}

/// The roles of a person name's parts, read from how lists and registers write names: a
/// surname in capitals among words that are not ("Yafi DAVID"), the surname before a comma
/// ("DAVID, Yafi"), or a given name, middle initials and a surname ("Donald G. Davis"). Names
/// that show none of these (most) say nothing: "Ivanov Sergei" and "Sergei Ivanov" are both
/// common, so word order alone decides nothing.
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty())
}

fn name_roles(raw: &str, parts: &[Token], kind: NameKind) -> Vec<NameRole> {
    let mut roles = vec![NameRole::Unknown; parts.len()];
    let words = parts.iter().filter(|t| t.class == TokenClass::Word).count();
    if kind == NameKind::Organization || words < 2 {
        return roles;
    }
    // one pass over the words: is one in capitals (two capitals or more, nothing lower-case)
    // and another not? Most names have neither, and leave here having normalised nothing.
    let case_of = |w: &str| {
        let (mut upper, mut lower) = (0usize, 0usize);
        for c in w.chars() {
            if c.is_lowercase() {
                lower += 1;
            } else if c.is_uppercase() {
                upper += 1;
            }
        }
        (upper, lower)
    };
    let (mut any_upper, mut any_lower) = (false, false);
    for w in raw_words(raw) {
        match case_of(w) {
            (u, 0) if u >= 2 => any_upper = true,
            (_, l) if l >= 1 => any_lower = true,
            _ => {}
        }
    }
    let mark = |roles: &mut Vec<NameRole>, surnames: &[String]| {
        for (role, t) in roles.iter_mut().zip(parts) {
            if t.class == TokenClass::Word {
                *role = if surnames.contains(&t.orig) { NameRole::Surname } else { NameRole::Given };
            }
        }
    };
    if any_upper && any_lower {
        let surnames: Vec<String> = raw_words(raw)
            .filter(|w| matches!(case_of(w), (u, 0) if u >= 2))
            .map(crate::normalize::normalize)
            .collect();
        mark(&mut roles, &surnames);
        return roles;
    }
    if let Some((before, after)) = raw.split_once(',') {
        if after.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !after.contains(',') {
            let surnames: Vec<String> = before.split_whitespace().map(crate::normalize::normalize).collect();
            mark(&mut roles, &surnames);
        }
        return roles;
    }
    // Given I. Surname: initials strictly between two words
    let n = parts.len();
    if n >= 3
        && parts[0].class == TokenClass::Word
        && parts[n - 1].class == TokenClass::Word
        && parts[1..n - 1].iter().all(|t| t.class == TokenClass::Initial)
    {
        roles[0] = NameRole::Given;
        roles[n - 1] = NameRole::Surname;
    }
    roles
}

/// A name prepared for comparison. Its fields ([`NameData`]) are shared by every copy: a clone
/// (of the context's memo of names, of a prepared record) is a pointer copy.
#[derive(Clone, PartialEq)]
pub struct Name(Arc<NameData>);

impl std::ops::Deref for Name {
    type Target = NameData;

    fn deref(&self) -> &NameData {
        &self.0
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What a [`Name`] holds (read through it: `name.raw`, `name.tokens`).
#[derive(Debug, PartialEq)]
pub struct NameData {
    /// The name as given.
    pub raw: String,
    /// The kind it was parsed as.
    pub kind: NameKind,
    /// Latin, lower-case, ASCII tokens in the original order (honorifics removed; a legal form
    /// appears as its compare form, e.g. `llc`).
    pub tokens: Vec<String>,
    pub(crate) parts: Vec<Token>,
    /// What each part is, where the writing says ([`NameRole`]).
    pub(crate) roles: Vec<NameRole>,
    /// The normalised raw name (original script), for the "identical" test.
    pub(crate) norm: String,
    pub(crate) gender: Option<Gender>,
    /// The gender read only from Slavic and Baltic forms (`gender::hint_strict`), for scorers
    /// with `slavic_gender_only`.
    pub(crate) gender_strict: Option<Gender>,
    /// Keys of the word tokens joined in order (for names written without spaces).
    pub(crate) joined: String,
    /// How many tokens `joined` is made of.
    pub(crate) n_joined: usize,
    /// First letters of the word tokens (for abbreviations: PLA, ABC).
    pub(crate) acronym: String,
    /// Index (in `parts`) of the token after bin/ibn/ben: the father's name in an Arabic chain.
    pub(crate) father: Option<usize>,
}

impl Name {
    /// Prepares `raw` for comparison with the default context ([`Names::parse`] on
    /// [`Names::shared`]). Never fails: an unusable name gives no tokens and scores 0.
    pub fn parse(raw: &str, kind: NameKind) -> Self {
        Names::shared().parse(raw, kind)
    }

    /// The gender the name's forms point to: a Slavic patronymic (-ovich / -ovna, -ivna), a
    /// gendered surname (-ova, -skaya, -ina / -ov, -sky), or a given name known to the tables.
    /// `None` when the forms disagree or say nothing. Works on Cyrillic and Latin spellings.
    pub fn gender_hint(&self) -> Option<Gender> {
        self.gender
    }

    /// Whether the name carries a legal form or an org-name word (LLC, GmbH, ООО, Ltda., Group,
    /// Company): an organisation's name, whatever the record's schema says.
    pub fn has_org_words(&self) -> bool {
        self.parts.iter().any(|t| t.class == TokenClass::Legal)
    }

    /// The dominant script of the name as written.
    pub fn script(&self) -> Script {
        detect_script(&self.raw)
    }

    /// The name's index keys under the default context ([`Names::index_keys`]).
    pub fn index_keys(&self) -> Vec<String> {
        Names::shared().index_keys(self)
    }
}

/// Names the context's memo of names keeps prepared, per kind (about a kilobyte each with their
/// tokens), so a stream of distinct names costs a lookup, never unbounded memory.
pub(crate) const NAME_MEMO_CAP: usize = 1 << 16;

/// Shards of that memo: enough that two threads rarely want the same one at once.
pub(crate) const NAME_MEMO_SHARDS: usize = 64;

impl Names {
    /// Prepares `raw` for comparison. Never fails: an unusable name gives no tokens and scores 0.
    ///
    /// Each distinct name is prepared once, in the context's memo of names: a name seen again
    /// (the same person on many pairs, a common name among candidates) is a lookup and a
    /// pointer copy.
    pub fn parse(&self, raw: &str, kind: NameKind) -> Name {
        if let Some(name) = self.name_memo.get(kind, raw) {
            return name;
        }
        let name = self.parse_uncached(raw, kind);
        self.name_memo.insert(kind, raw, name.clone());
        name
    }

    /// [`Names::parse`] without the memo.
    pub(crate) fn parse_uncached(&self, raw: &str, kind: NameKind) -> Name {
        let tables = &self.tables;
        let read = segment(tables, raw, kind);
        let mut parts: Vec<Token> = Vec::with_capacity(read.segments.len());
        self.token_memo.with(|memo| {
            for seg in &read.segments {
                parts.push(match seg {
                    Segment::Number { start, n, value } => {
                        let mut t = make_token(memo, tables, &read.phrase(*start, *n), kind);
                        t.class = TokenClass::Number;
                        t.text = value.clone();
                        t.key = value.clone();
                        t.profile = key::class_profile(value);
                        t.key_profile = t.profile;
                        t.core = value.clone();
                        // a series number identifies a company (Fund II) more than a person
                        t.weight = if kind == NameKind::Organization { 1.0 } else { 0.5 };
                        t
                    }
                    Segment::Legal { start, n, form } => legal_token(&read.phrase(*start, *n), form),
                    Segment::Word(i) => make_token(memo, tables, read.word(*i), kind),
                });
            }
        });
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
                t.spelling_partners = tables.spelling_partners(&t.key).iter().map(|k| hash_str(k)).collect();
            }
        }
        let tokens = parts.iter().map(|t| t.text.clone()).filter(|t| !t.is_empty()).collect();
        let gender = if kind == NameKind::Organization { None } else { gender::hint(tables, &parts) };
        let gender_strict = if kind == NameKind::Organization { None } else { gender::hint_strict(tables, &parts) };
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
        let roles = name_roles(raw, &parts, kind);
        Name(Arc::new(NameData {
            raw: raw.to_string(),
            kind,
            tokens,
            parts,
            roles,
            norm: read.full_norm,
            gender,
            gender_strict,
            joined,
            n_joined,
            acronym,
            father,
        }))
    }

    /// Keys for a candidate index, several per name and each selective: the phonetic key of
    /// every word token of three letters or more (so the same name in another script,
    /// transliteration or word order shares keys), its second reading (Ukrainian г, English or
    /// Japanese reading of a Latin word) and known Cyrillic/Latin spellings, the gender-neutral
    /// stem of a Slavic surname (Ivanov and Ivanova share it), and the key of the whole name
    /// written without spaces. Typos are not covered: a candidate index wants exact keys.
    pub fn index_keys(&self, name: &Name) -> Vec<String> {
        let extras: Vec<Vec<String>> = name.parts.iter().map(|t| extra_index_keys(&self.tables, t)).collect();
        let mut keys = Vec::new();
        let tokens = name.parts.iter().zip(&extras).map(|(t, e)| (t.class, t.key.as_str(), e.as_slice()));
        visit_index_keys(tokens, &mut |key| keys.push(key.to_string()));
        keys.sort();
        keys.dedup();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::NAME_MEMO_CAP;
    use crate::{NameKind, Names};

    /// A name the memo gives back is the name a fresh parse gives, for each kind, and the memo
    /// keeps kinds apart (a word reads differently in a company's name than in a person's).
    #[test]
    fn the_memo_gives_what_a_parse_gives() {
        let names = Names::new();
        let raws = ["Иван Петрович Сидоров", "SIDOROV, Ivan", "Hans J. Friedrich", "Acme Holding LLC", "Fund II", ""];
        for raw in raws {
            for kind in [NameKind::Person, NameKind::Organization, NameKind::Any] {
                let fresh = names.parse_uncached(raw, kind);
                assert_eq!(names.parse(raw, kind), fresh, "{raw:?} as {kind:?}, first parse");
                assert_eq!(names.parse(raw, kind), fresh, "{raw:?} as {kind:?}, from the memo");
            }
        }
        assert_ne!(names.parse("Fund II", NameKind::Person), names.parse("Fund II", NameKind::Organization));
    }

    /// A stream of distinct names never holds more than the cap.
    #[test]
    fn the_memo_is_bounded() {
        let names = Names::new();
        for i in 0..NAME_MEMO_CAP + 10 {
            names.parse(&format!("Invented Person{i}"), NameKind::Person);
        }
        let held = names.name_memo.len(NameKind::Person);
        assert!(held <= NAME_MEMO_CAP, "{held}");
        assert_eq!(
            names.parse("Invented Person7", NameKind::Person),
            names.parse_uncached("Invented Person7", NameKind::Person)
        );
    }
}
