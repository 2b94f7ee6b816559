//! Fallbacks: what token alignment cannot see. A name written without spaces ("SergeiLavrov")
//! compared on joined keys, an abbreviation ("PLA", also "PLA China") compared with the initials
//! of the other name, and a Chinese name in Han characters read as pinyin against a Latin name
//! (王明德 / Wang Mingde), a Korean name in Hangul likewise under a key that joins its
//! romanisations (김정은 / Kim Jong Un).
//!
//! Decision: a fallback only ever raises the score, and when it does, its sentence replaces the
//! alignment's in the explanation (it is the reason for the score).

use super::aggregation::word_count;
use crate::key::key_similarity;
use crate::params::NameParams;
use crate::{Name, NameKind, Script, Token, TokenClass};

/// `score_v` raised to the best fallback above it, with that fallback's explanation.
pub(super) fn fallback(
    p: &NameParams,
    a: &Name,
    b: &Name,
    org: bool,
    gender_mismatch: bool,
    mut score_v: f32,
) -> (f32, Option<String>) {
    let mut fallback: Option<String> = None;
    let (wa, wb) = (word_count(a), word_count(b));
    // only for spacing and at most one slip: a longer joined string can hide a conflict
    // (Murat Krym-Gerievich / Umar Krymgerievich)
    if (wa != wb || a.n_joined != b.n_joined) && !a.joined.is_empty() && !b.joined.is_empty() {
        let len = a.joined.len().max(b.joined.len()) as f32;
        let sim = key_similarity(&a.joined, &b.joined, (1.0 - 1.0 / len).max(p.joined_min_similarity));
        let v = p.joined_scale * sim * if gender_mismatch { p.gender_mismatch } else { 1.0 };
        if v > score_v {
            score_v = v;
            fallback = Some(format!("written together: `{}` ~ `{}`", a.joined, b.joined));
        }
    }
    // a Chinese name in Han characters against its pinyin (习近平 / Xi Jinping), a Korean name
    // in Hangul against its usual romanisation (김정은 / Kim Jong Un)
    if !org {
        for (h, l) in [(a, b), (b, a)] {
            let pinyin = |joined: &str, w: &Token| joined == w.text || crate::key::phonetic_key(joined) == w.key;
            if let Some(groups) = syllable_reading(h, l, Script::Han, &pinyin) {
                if p.han_pinyin > score_v {
                    score_v = p.han_pinyin;
                    fallback = Some(format!("`{}` read as pinyin: {groups}", h.raw));
                }
            }
            let korean = |joined: &str, w: &Token| korean_key(joined) == korean_key(&w.text);
            if let Some(groups) = syllable_reading(h, l, Script::Hangul, &korean) {
                if p.hangul_reading > score_v {
                    score_v = p.hangul_reading;
                    fallback = Some(format!("`{}` read as {groups}", h.raw));
                }
            }
        }
    }
    if org || a.kind == NameKind::Any {
        for (x, y) in [(a, b), (b, a)] {
            if word_count(x) == 1 && y.acronym.len() >= 2 {
                let w = x.parts.iter().find(|t| t.class == TokenClass::Word).map(|t| t.text.as_str()).unwrap_or("");
                if w == y.acronym && p.acronym > score_v {
                    score_v = p.acronym;
                    fallback = Some(format!("`{w}` abbreviates `{}`", y.raw));
                }
            }
            // an abbreviation with the country it belongs to (PLA China, FSB Russia)
            let mut words = x.parts.iter().filter(|t| t.class == TokenClass::Word);
            let (n_places, n_words) = words.clone().fold((0, 0), |(p, n), t| (p + t.place as usize, n + 1));
            if n_words >= 2 && n_places == n_words - 1 && y.acronym.len() >= 2 {
                let w = words.find(|t| !t.place).map(|t| t.text.as_str()).unwrap_or("");
                if w == y.acronym && p.acronym_with_place > score_v {
                    score_v = p.acronym_with_place;
                    fallback = Some(format!("`{w}` abbreviates `{}` (with a country)", y.raw));
                }
            }
        }
    }
    (score_v, fallback)
}

/// When `han` is written in syllables of `script` only (Han, Hangul) and `latin` in Latin words
/// only, and the syllables' romanisations, in order, split into runs that spell each Latin
/// word once by `same` (in any order: Xi Jinping, Jinping Xi, Xi Jin Ping), the runs as
/// `xi+jin+ping` text for the explanation.
fn syllable_reading(han: &Name, latin: &Name, script: Script, same: &dyn Fn(&str, &Token) -> bool) -> Option<String> {
    // the common case, two Latin names, leaves at the first token and allocates nothing
    if !(2..=8).contains(&han.parts.len())
        || han.parts.iter().any(|t| t.script != script || t.text.is_empty())
        || latin.parts.iter().any(|t| t.script != Script::Latin)
    {
        return None;
    }
    let syllables: Vec<&str> = han.parts.iter().map(|t| t.text.as_str()).collect();
    let words: Vec<&Token> = latin.parts.iter().filter(|t| t.class == TokenClass::Word).collect();
    if words.is_empty() || words.len() > syllables.len() || words.len() < latin.parts.len() {
        return None;
    }
    // depth-first: at syllable `at`, try each unused word as the next run
    fn cover(
        syllables: &[&str],
        at: usize,
        words: &[&Token],
        same: &dyn Fn(&str, &Token) -> bool,
        used: &mut [bool],
        runs: &mut Vec<(usize, usize)>,
    ) -> bool {
        if at == syllables.len() {
            return used.iter().all(|u| *u);
        }
        for w in 0..words.len() {
            if used[w] {
                continue;
            }
            let mut joined = String::new();
            for end in at..syllables.len() {
                joined.push_str(syllables[end]);
                if joined.len() > words[w].text.len() + 2 {
                    break;
                }
                if same(&joined, words[w]) {
                    used[w] = true;
                    runs.push((at, end + 1));
                    if cover(syllables, end + 1, words, same, used, runs) {
                        return true;
                    }
                    runs.pop();
                    used[w] = false;
                }
            }
        }
        false
    }
    let mut used = vec![false; words.len()];
    let mut runs = Vec::new();
    if !cover(&syllables, 0, &words, same, &mut used, &mut runs) {
        return None;
    }
    Some(runs.iter().map(|&(s, e)| syllables[s..e].join("+")).collect::<Vec<_>>().join(" "))
}

/// A key under which the usual romanisations of Korean syllables agree: Revised Romanisation
/// (jeong, eun, gim), McCune-Reischauer without its breves (chong, un, kim) and common
/// spellings (jong, lee): eo / o, eu / u, ee / i, oo / u, voiced / unvoiced consonants, r / l.
fn korean_key(s: &str) -> String {
    let s: String = s.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect();
    let s = s
        .replace("ch", "c")
        .replace("sh", "s")
        .replace("eo", "o")
        .replace("eu", "u")
        .replace("ee", "i")
        .replace("oo", "u");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'g' => 'k',
            'd' => 't',
            'b' => 'p',
            'j' => 'c',
            'r' => 'l',
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}
