//! Names across scripts: normalisation, transliteration, name parts, and a name score that
//! explains itself. No IO.
//!
//! The API is two calls: [`Name::parse`] prepares a name once (the expensive part: normalising,
//! transliterating under every scheme, splitting, looking up frequencies and name groups), and
//! [`compare`] scores two prepared names (cheap: no allocation on the common paths beyond the
//! explanation). [`Name::index_keys`] gives the keys a candidate index files the name under.
//!
//! **Context, no hidden state.** Everything those calls need (the derived tables, the score's
//! numbers [`NameParams`], the memos of prepared words) is owned by a [`Names`] context, and
//! every operation is a method on it ([`Names::parse`], [`Names::compare`],
//! [`Names::compare_score`], [`Names::compare_best`], [`Names::index_keys`],
//! [`Names::for_each_index_key`], [`Names::write_index_keys`], [`Names::to_cyrillic`]). The free
//! functions ([`Name::parse`], [`compare`], [`compare_score`], [`compare_best`],
//! [`for_each_index_key`], [`write_index_keys`], [`translit::to_cyrillic`], [`warm_up`]) are thin
//! wrappers over one process-wide default context, [`Names::shared`], so that the other crates
//! compile unchanged; that default is the crate's only static state (besides constant data:
//! the transliteration tables and the key's letter classes), and callers will move to an
//! explicit context (an `Arc<Names>` or `&'static Names` handed down) over time. A scorer that
//! tunes the numbers builds `Names::with_params(params)` and hashes [`NameParams::canonical`]
//! into its id.
//!
//! Layout, along the data's path: `segmentation.rs` (raw name → words and segments),
//! `tokens.rs` (word → token), `name.rs` (tokens → [`Name`]), `index_keys.rs` (what a name is
//! filed under), `score/` (`pairing` → `alignment` → `aggregation` → `fallbacks` →
//! `explanation`), `params.rs`, `context.rs`, `tables.rs` (the derived tables); beside them the
//! building blocks `normalize`, `translit`, `key`, `reading`, `gender`.
//!
//! How a score is made (see `score/` and `params.rs` for the reasons behind each number):
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
//!   and Hangul under a key joining its usual romanisations (see `score/fallbacks.rs`).
//!
//! ```
//! use crosscheck_names::{compare, Name, NameKind};
//!
//! let a = Name::parse("Иван Петрович Сидоров", NameKind::Person);
//! let b = Name::parse("SIDOROV, Ivan", NameKind::Person);
//! assert!(compare(&a, &b).score > 0.8);
//! assert!(a.index_keys().iter().any(|k| b.index_keys().contains(k)));
//! ```

mod context;
mod gender;
mod index_keys;
pub mod key;
mod name;
pub mod normalize;
mod params;
mod reading;
mod score;
mod segmentation;
mod tables;
mod tokens;
pub mod translit;

pub use context::Names;
pub use gender::Gender;
pub use index_keys::{for_each_index_key, write_index_keys};
pub use name::{Name, NameData, NameKind};
pub use normalize::Script;
pub use params::NameParams;
pub use score::{compare, compare_best, compare_score, NameMatch};
pub use tokens::latin_key;

pub(crate) use tokens::{ascii_token, latin_word, Token, TokenClass};

/// Builds the default context ([`Names::shared`]): its tables (frequencies, name groups,
/// spellings, legal forms, honorifics) are built side by side on several threads, about 80 ms
/// of one core, instead of at the first name a command meets. Returns when all are built; call
/// it from a thread of its own to overlap it with reading input.
pub fn warm_up() {
    Names::shared();
}

#[cfg(test)]
mod tests;
