//! Index keys: what a name is filed under in a candidate index, by two paths that a test holds
//! equal: [`crate::Name::index_keys`] on a prepared name (a query), and [`for_each_index_key`]
//! straight from the raw text (a load, which keys every name it stores).
//!
//! Decision: one function, [`visit_index_keys`], decides the keys for both paths, so they cannot
//! drift; the fast path differs only in where a word's keys come from (a memo of each distinct
//! word's keys instead of a whole prepared token).

use crate::segmentation::{segment, Segment};
use crate::tables::Tables;
use crate::tokens::{build_token, trailing_particle_is_surname, Token, TokenClass};
use crate::{NameKind, Names};

/// What a token gives a candidate index besides its key: its second and third readings, the
/// gender-neutral stem of a Slavic surname, and its known Cyrillic/Latin spellings (Western
/// names in Cyrillic, learnt from Wikidata).
pub(crate) fn extra_index_keys(tables: &Tables, t: &Token) -> Vec<String> {
    let mut keys: Vec<String> = t.alt_key.iter().chain(t.alt_key2.iter()).cloned().collect();
    if let Some((stem, _)) = &t.stem {
        keys.push(format!("{stem}~"));
    }
    keys.extend(tables.spelling_partners(&t.key).iter().filter(|k| k.len() >= 3).cloned());
    keys
}

/// Calls `f` with each index key of a name's tokens, given in order as (class, key, extra keys).
/// The one place that decides what a name is filed under, for [`Name::index_keys`] and
/// [`for_each_index_key`] alike.
pub(crate) fn visit_index_keys<'a>(
    tokens: impl Iterator<Item = (TokenClass, &'a str, &'a [String])>,
    f: &mut dyn FnMut(&str),
) {
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

/// What one word of a name gives the index, kept in the context's memo by [`for_each_index_key`].
pub(crate) struct WordKeys {
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
/// the same segments as [`Name::parse`] and keeps each distinct word's keys in a memo of the context's,
/// so a million names cost a few hundred nanoseconds each. A test holds the two paths equal.
pub fn write_index_keys(raw: &str, kind: NameKind, prefix: &str, out: &mut Vec<String>) {
    Names::shared().write_index_keys(raw, kind, prefix, out)
}

/// Calls `f` with each index key of `raw` (the keys of [`write_index_keys`], without a prefix
/// and without building a string for each): for a caller that only hashes them. Uses the
/// default context ([`Names::for_each_index_key`] on [`Names::shared`]).
pub fn for_each_index_key(raw: &str, kind: NameKind, f: &mut dyn FnMut(&str)) {
    Names::shared().for_each_index_key(raw, kind, f)
}

/// Word -> its keys. A lookup is bound by memory (the memo outgrows the caches), so the word
/// and its keys sit inline in the table's slot: one slot read per word, no pointer chased.
pub(crate) type Memo = rustc_hash::FxHashMap<smol_str::SmolStr, WordKeys>;

/// One [`Memo`] per kind of name, owned by a [`Names`] context.
pub(crate) type WordKeysMemo = [Memo; 3];

impl Names {
    /// [`write_index_keys`] under this context.
    pub fn write_index_keys(&self, raw: &str, kind: NameKind, prefix: &str, out: &mut Vec<String>) {
        self.for_each_index_key(raw, kind, &mut |key| out.push(prefixed(prefix, key)));
    }

    /// [`for_each_index_key`] under this context.
    pub fn for_each_index_key(&self, raw: &str, kind: NameKind, f: &mut dyn FnMut(&str)) {
        let tables = &self.tables;
        let read = segment(tables, raw, kind);
        let segments = &read.segments;
        let words =
            || segments.iter().filter_map(|s| if let Segment::Word(i) = s { Some(read.word(*i)) } else { None });
        self.word_keys_memo.with(|memo| {
            let memo = &mut memo[kind as usize];
            // bounded: emptied when full (before this name's words go in, so they all stay)
            if memo.len() + segments.len() > WORD_KEYS_MEMO_CAP {
                *memo = Memo::default();
            }
            for word in words() {
                if !memo.contains_key(word) {
                    let t = build_token(tables, word, kind);
                    let keys = WordKeys {
                        class: t.class,
                        text_is_bin_or_al: !trailing_particle_is_surname(TokenClass::Particle, &t.text),
                        extra: extra_index_keys(tables, &t).into_boxed_slice(),
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
}

/// Distinct words each memo keeps keyed, per kind of name (about a hundred bytes each).
const WORD_KEYS_MEMO_CAP: usize = 1 << 17;
