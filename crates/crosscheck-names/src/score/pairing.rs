//! Pairing: the score of one token pair, in [0, 1), and how the two relate (same, spelling
//! variant, gendered form, name variant, initial, close spelling, scrambled letters, same legal
//! form); and how much a close spelling counts as a disagreement.
//!
//! Decision: rules first ([`pair_decided`]), because most pairs are decided by a hash comparison
//! or a table; the edit similarity ([`pair_fuzzy`]) runs only where no rule decides, and only
//! after a profile bound says it could reach the floor.
//!
//! Western names in Cyrillic (crosscheck-v2, `NameParams::western_reading`): a Latin word one of
//! whose readings (`reading::western`: German, Polish, English... spelling as Russian writes it)
//! gives the Cyrillic word's key is a spelling (`Rel::Reading`), never a conflict; a close
//! spelling of a reading from `western_reading_close` similarity up is one too, so it pays no
//! typo penalty (Russian spells a foreign name by ear, and one vowel may still differ). Under
//! v1's neutral values the readings are never looked at.

use crate::key::{key_similarity, key_similarity_len, profiles_rule_out, Profile};
use crate::params::NameParams;
use crate::tables::Tables;
use crate::{Names, Script, Token, TokenClass};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Rel {
    Exact,
    Variant,
    GenderForm,
    Equivalent,
    Initial,
    Typo,
    Scrambled,
    LegalGeneric,
    /// A Latin word read as Russian writes a Western name (Dietrich / Дитрих), exactly or as a
    /// close spelling of its reading: a spelling, never a disagreement (crosscheck-v2).
    Reading,
    None,
}

fn min_similarity(p: &NameParams, len: usize) -> f32 {
    match len {
        0..=3 => p.min_similarity_short,
        _ => p.min_similarity,
    }
}

/// Score of one token pair, in [0, 1): 0 means "do not align". `None` when only the edit
/// similarity ([`pair_fuzzy`]) can tell.
#[inline]
pub(super) fn pair_cheap(names: &Names, a: &Token, b: &Token, org: bool) -> Option<(f32, Rel)> {
    let r = pair_decided(names, a, b, org);
    (r.1 != Rel::Typo).then_some(r)
}

/// Every rule before the edit similarity; `Rel::Typo` means "undecided".
#[inline]
fn pair_decided(names: &Names, a: &Token, b: &Token, org: bool) -> (f32, Rel) {
    use TokenClass::*;
    let p = &names.params;
    if a.exact_only || b.exact_only {
        return if a.orig == b.orig { (1.0, Rel::Exact) } else { (0.0, Rel::None) };
    }
    if a.text_hash == b.text_hash && a.text == b.text && !a.text.is_empty() {
        return (1.0, Rel::Exact);
    }
    match (a.class, b.class) {
        (Legal, Legal) => {
            let (la, lb) = (a.legal.as_ref(), b.legal.as_ref());
            return match (la, lb) {
                (Some(x), Some(y)) if x.0 == y.0 => (1.0, Rel::Exact),
                (Some(x), Some(y)) if x.1 == y.1 => (p.same_legal_form, Rel::LegalGeneric),
                _ => (0.0, Rel::None),
            };
        }
        (Legal, _) | (_, Legal) => return (0.0, Rel::None),
        (Initial, Word) | (Word, Initial) => {
            let (i, w) = if a.class == Initial { (a, b) } else { (b, a) };
            let first = i.key.as_bytes().first();
            return if first.is_some()
                && (w.key.as_bytes().first() == first || w.text.as_bytes().first() == i.text.as_bytes().first())
            {
                (p.initial, Rel::Initial)
            } else {
                (0.0, Rel::None)
            };
        }
        (Initial, _) | (_, Initial) => return (0.0, Rel::None),
        (Number, _) | (_, Number) => return (0.0, Rel::None),
        _ => {}
    }
    let cross = a.script != b.script;
    if (a.key_hash == b.key_hash && a.key == b.key)
        || (cross && a.alt_key.is_some() && a.alt_key.as_ref() == Some(&b.key))
        || (cross && b.alt_key.is_some() && b.alt_key.as_ref() == Some(&a.key))
        || (cross && a.alt_key2.is_some() && a.alt_key2.as_ref() == Some(&b.key))
        || (cross && b.alt_key2.is_some() && b.alt_key2.as_ref() == Some(&a.key))
    {
        return (p.same_key, Rel::Variant);
    }
    if let (Some((sa, ga)), Some((sb, gb))) = (&a.stem, &b.stem) {
        if sa == sb && ga != gb {
            return (p.gender_form, Rel::GenderForm);
        }
    }
    // the other gender's form of a given name is another person's name (Michel / Michelle),
    // even when Wikidata puts both in one group (through a shared Cyrillic spelling)
    if !org && (a.known_given || b.known_given) && !a.patronymic && !b.patronymic && gendered_pair(&a.text, &b.text) {
        return (0.0, Rel::None);
    }
    if a.group_mask & b.group_mask != 0 && shares(&a.groups, &b.groups) {
        return (p.name_variant, Rel::Equivalent);
    }
    // Western names in Cyrillic: spellings learnt from Wikidata (White / Уайт)
    if a.script != b.script && (a.spelling_partners.contains(&b.key_hash) || native_spelling(&names.tables, a, b)) {
        return (p.spelling_pair, Rel::Variant);
    }
    // and read by the rules of their language (Dietrich / Дитрих), when the scorer asks for it
    if p.western_reading > 0.0 && cross && western_reading(a, b) {
        return (p.western_reading, Rel::Reading);
    }
    if matches!(a.class, Particle | Stop) || matches!(b.class, Particle | Stop) {
        // von / фон, du / дю: particles across scripts
        if a.class == Particle
            && b.class == Particle
            && a.script != b.script
            && key_similarity(&a.key, &b.key, p.particle_similarity) >= p.particle_similarity
        {
            return (p.particle_variant, Rel::Variant);
        }
        return (0.0, Rel::None);
    }
    // a patronymic is not a given name or a surname: Vladimir is not Vladimirovich
    if a.patronymic != b.patronymic {
        return (0.0, Rel::None);
    }
    // short organisation words are acronyms: ABC is not NABC
    if org && (a.text.len() <= 3 || b.text.len() <= 3) {
        return (0.0, Rel::None);
    }
    (0.0, Rel::Typo)
}

/// Whether a Western reading of either word gives the other's key. Kept out of line: only v2
/// calls it, and v1's pair rules must stay small enough to inline into the alignment loop.
#[inline(never)]
fn western_reading(a: &Token, b: &Token) -> bool {
    reads_as(a, b) || reads_as(b, a)
}

/// Whether a Western reading of the Latin word `latin` gives the key (or second reading) of
/// the Cyrillic word `cyr`.
fn reads_as(latin: &Token, cyr: &Token) -> bool {
    latin.script == Script::Latin
        && cyr.script == Script::Cyrillic
        && latin.western().iter().any(|(h, k, _)| {
            (*h == cyr.key_hash && *k == cyr.key) || (*h == cyr.alt_key_hash && cyr.alt_key.as_deref() == Some(k))
        })
}

/// The Western readings of whichever of `a`, `b` is the Latin word, each beside the other
/// word's key, when the other is Cyrillic; with both class profiles.
fn reading_pairs<'t>(a: &'t Token, b: &'t Token) -> impl Iterator<Item = (&'t str, &'t Profile, &'t str, &'t Profile)> {
    let (latin, cyr) = if a.script == Script::Latin { (a, b) } else { (b, a) };
    let on = latin.script == Script::Latin && cyr.script == Script::Cyrillic;
    let readings: &[(u64, String, Profile)] = if on { latin.western() } else { &[] };
    readings.iter().map(move |(_, k, p)| (k.as_str(), p, cyr.key.as_str(), &cyr.key_profile))
}

/// A name in a script whose romanisation loses vowels against a Latin spelling Wikidata gives
/// for it (ماري / Marie, ពត / Pot).
fn native_spelling(tables: &Tables, a: &Token, b: &Token) -> bool {
    let native = |s: Script| matches!(s, Script::Arabic | Script::Hebrew | Script::Other);
    let (n, l) = match (a.script, b.script) {
        (x, Script::Latin) if native(x) => (a, b),
        (Script::Latin, y) if native(y) => (b, a),
        _ => return false,
    };
    tables.native_partners(&n.key).contains(&l.key)
}

/// Whether two given names are the masculine and feminine forms of one name, by the endings
/// European languages form them with: -o / -a (Angelo / Angela), -us / -a (Julius / Julia),
/// + -a (Paul / Paula, Ivan / Ivana), -el / -elle (Daniel / Danielle).
fn gendered_pair(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() < 3 {
        return false;
    }
    if long.len() == short.len() {
        let (sa, sb) = (&short[..short.len() - 1], &long[..long.len() - 1]);
        let (ea, eb) = (short.as_bytes()[short.len() - 1], long.as_bytes()[long.len() - 1]);
        return sa == sb && matches!((ea, eb), (b'o', b'a') | (b'a', b'o'));
    }
    let Some(rest) = long.strip_prefix(short) else {
        return long.strip_suffix('a').is_some_and(|stem| short.strip_suffix("us") == Some(stem));
    };
    // Paul / Paula, but not Mari / Maria (a vowel before the -a is a spelling: Mari / Maria)
    let consonant_end = !matches!(short.as_bytes()[short.len() - 1], b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    (rest == "a" && consonant_end) || (rest == "le" && short.ends_with("el"))
}

/// Edit similarity of two word tokens that no rule decided.
pub(super) fn pair_fuzzy(p: &NameParams, a: &Token, b: &Token) -> (f32, Rel) {
    let key_len = a.core.len().max(b.core.len());
    let text_len = a.text.len().max(b.text.len()).max(key_len);
    let len = 0.5 * (key_len + text_len) as f32;
    // two different known given names are two names, not a typo (Mohamed / Ahmed), unless
    // they are as close as a spelling variant (Fridrich / Friedrich)
    // and two different attested surnames are two families (Ryzhov / Chizhov)
    let mut floor = min_similarity(p, key_len);
    if a.known_given && b.known_given {
        floor = floor.max(p.known_given_floor);
    }
    if a.known_surname && b.known_surname {
        floor = floor.max(p.known_surname_floor);
    }
    let max_cost = (1.0 - floor) * len;
    let mut sim = 0.0f32;
    if !profiles_rule_out(&a.profile, &b.profile, max_cost) {
        sim = key_similarity_len(&a.core, &b.core, len, floor);
    }
    if a.script != b.script {
        let alts = [
            (a.alt_key.as_deref(), &a.alt_profile, Some(b.key.as_str()), &b.key_profile),
            (Some(a.key.as_str()), &a.key_profile, b.alt_key.as_deref(), &b.alt_profile),
            (a.alt_key2.as_deref(), &a.alt2_profile, Some(b.key.as_str()), &b.key_profile),
            (Some(a.key.as_str()), &a.key_profile, b.alt_key2.as_deref(), &b.alt2_profile),
        ];
        for (x, px, y, py) in alts {
            if let (Some(x), Some(y)) = (x, y) {
                if !profiles_rule_out(px, py, max_cost) {
                    sim = sim.max(key_similarity_len(x, y, len, floor));
                }
            }
        }
    }
    // Western readings of a Latin word against a Cyrillic one (crosscheck-v2): a close
    // spelling of the reading is the name as Russian hears it, not a slip
    if p.western_reading > 0.0 {
        let reading_sim = western_similarity(a, b, len, floor, max_cost);
        if reading_sim >= floor && reading_sim >= p.western_reading_close && reading_sim >= sim {
            return (p.typo_scale * reading_sim, Rel::Reading);
        }
        sim = sim.max(reading_sim);
    }
    if sim >= floor {
        (p.typo_scale * sim, Rel::Typo)
    } else if scrambled(a, b) {
        (p.scrambled, Rel::Scrambled)
    } else {
        (0.0, Rel::None)
    }
}

/// The best similarity of a Western reading of the Latin word with the Cyrillic word's key
/// (0 when neither is such a pair). Out of line for the reason of [`western_reading`].
#[inline(never)]
fn western_similarity(a: &Token, b: &Token, len: f32, floor: f32, max_cost: f32) -> f32 {
    let mut best = 0.0f32;
    for (x, px, y, py) in reading_pairs(a, b) {
        if !profiles_rule_out(px, py, max_cost) {
            best = best.max(key_similarity_len(x, y, len, floor));
        }
    }
    best
}

/// Two words of five letters or more made of the same letters in another order (Nitup /
/// Putin), unless both are names in their own right (Nadia / Diana).
fn scrambled(a: &Token, b: &Token) -> bool {
    // Latin only: romanised abjads have no vowels, so their letter sets collide too often
    if a.text.len() != b.text.len() || a.text.len() < 5 || a.script != Script::Latin || b.script != Script::Latin {
        return false;
    }
    if (a.known_given || a.known_surname) && (b.known_given || b.known_surname) {
        return false;
    }
    let mut x: Vec<u8> = a.text.bytes().collect();
    let mut y: Vec<u8> = b.text.bytes().collect();
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

/// How much a close spelling counts as agreement (1) or disagreement (`conflict`). Two views,
/// the stricter wins: relative (similarity between `typo_lo` and `typo_hi`) and absolute, in
/// slips: typing errors come one or two per word whatever its length, so a cost above about
/// two substitutions in a word of up to eight letters is another name (Castro/Castillo,
/// Sanchez/Sancho), not a typo (Merkel/Merkur).
pub(super) fn typo_factor(p: &NameParams, sim: f32, a: &Token, b: &Token) -> f32 {
    let relative = ((sim - p.typo_lo) / (p.typo_hi - p.typo_lo)).clamp(0.0, 1.0);
    let key_len = a.core.len().max(b.core.len());
    let len = 0.5 * (key_len + a.text.len().max(b.text.len()).max(key_len)) as f32;
    let cost = (1.0 - sim) * len;
    let allowed = p.typo_slips * (len / p.typo_slip_letters).max(1.0);
    let absolute = ((allowed + p.typo_slip_margin - cost) / p.typo_slip_margin).clamp(0.0, 1.0);
    let factor = p.conflict + (1.0 - p.conflict) * relative.min(absolute);
    // slips rarely hit the first letter (the reason for Jaro-Winkler's prefix weight): two
    // different first consonants make another name more likely (Lavrov / Navros); across
    // scripts, transliteration moves first letters by itself (Harry / Гарри)
    let consonant = |k: &str| k.bytes().next().filter(|c| !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'j'));
    match (consonant(&a.key), consonant(&b.key)) {
        (Some(x), Some(y)) if x != y && a.script == b.script => factor * p.first_letter,
        _ => factor,
    }
}

fn shares(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}
