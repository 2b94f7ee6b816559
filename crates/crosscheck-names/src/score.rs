//! The name score: token-pair scores, an optimal one-to-one alignment, and the aggregate.
//!
//! Decisions and reasons (numbers are calibrated so that the match scorer's 0.7 line separates
//! "same person, written differently" from "different person"):
//! - Pair scores are capped below 1.0 unless the tokens are identical, so a score of exactly 1.0
//!   means "the same normalised name" and everything else ranks below it.
//! - Alignment is an optimal assignment (exhaustive over subsets of the shorter side, which has
//!   at most 8 tokens in practice; greedy beyond), maximising rarity-weighted pair scores.
//! - Missing tokens cost little for people (a middle name or patronymic is often left out) but
//!   more for organisations (an extra word usually names a sister company). Tokens both sides
//!   have but that disagree multiply the score down: one conflicting given name, surname or
//!   patronymic takes a perfect pair from 1.0 to about 0.55, however many other tokens agree,
//!   because that is what separates "Sergey Viktorovich Lavrov" from "Sergey Ivanovich Lavrov".
//! - Gender: gendered forms of one surname align (Ivanov/Ivanova), but when the two names point
//!   to different genders the score is multiplied by 0.7.
//! - Given names in the other gender's form are two names (Michel / Michelle, Angelo / Angela);
//!   a close spelling whose first consonants differ counts less (Lavrov / Navros: slips rarely
//!   hit the first letter); a word whose letters are scrambled aligns at 0.75 (Nitup / Putin).
//! - A name of initials only (N. N.) scores at most 0.6; a title and one word (President
//!   Macron) names someone by surname, so the other side's given names cost little.
//! - Arabic, Hebrew, Khmer, Thai and Indic words also align with the Latin spellings Wikidata
//!   gives them (`script_pairs.tsv`), since their romanisation loses the vowels.
//! - Fallbacks catch what token alignment cannot: a name written without spaces
//!   ("SergeiLavrov") compared on joined keys, an abbreviation ("PLA", also "PLA China")
//!   compared with the initials of the other name, and a Chinese name in Han characters read
//!   as pinyin against a Latin name (王明德 / Wang Mingde), a Korean name in Hangul likewise
//!   under a key that joins its romanisations (김정은 / Kim Jong Un).

// Index loops over the score, relation and weight matrices read better than zipped iterators.
#![allow(clippy::needless_range_loop)]

use crate::key::{class_profile, cost_lower_bound, key_similarity, key_similarity_len};
use crate::tables;
use crate::translit::Scheme;
use crate::{Name, NameKind, NameMatch, Script, Token, TokenClass};

/// Multiplier for each pair of disagreeing word tokens.
const CONFLICT: f32 = 0.55;
/// A typo-level spelling difference costs nothing above TYPO_HI similarity and a full
/// conflict at TYPO_LO, linearly in between.
const TYPO_LO: f32 = 0.5;
const TYPO_HI: f32 = 0.85;
/// Edit cost a typo may have in a word of up to eight letters (two substitutions), and the
/// margin over which it turns into a conflict.
const TYPO_SLIPS: f32 = 1.75;
const TYPO_SLIP_MARGIN: f32 = 0.4;
/// Multiplier for a close spelling whose first consonants differ.
const FIRST_LETTER: f32 = 0.9;
/// Similarity two different attested given names need to count as one spelling (Fridrich /
/// Friedrich 0.92, Mikhail / Michail 0.94; Marina / Mariya 0.82 is two names), and the same
/// for two surnames attested a hundred times (Ryzhov / Chizhov 0.85 are two families).
const KNOWN_GIVEN_FLOOR: f32 = 0.84;
const KNOWN_SURNAME_FLOOR: f32 = 0.86;
/// Multiplier for an initial that disagrees with the other side's word or initial.
const CONFLICT_INITIAL: f32 = 0.6;
/// Multiplier for different legal forms (AG vs GmbH).
const CONFLICT_LEGAL: f32 = 0.65;
/// Multiplier for different org-name symbols (Company vs International).
const CONFLICT_SYMBOL: f32 = 0.75;
/// Multiplier for different numbers.
const CONFLICT_NUMBER: f32 = 0.75;
/// Cap on the score of a name made only of initials against a written-out name (N. N. fits
/// thousands of people).
const INITIALS_ONLY_CAP: f32 = 0.6;
/// Score of two words spelling the same letters in another order (Nitup / Putin): scrambled
/// letters, a deliberate or careless garbling rather than a spelling.
const SCRAMBLED: f32 = 0.75;
/// Weight (relative to the token's own) that each word of the other name costs when one name is
/// a title and a surname (President Macron, Mr. Smith): the given names were left out on purpose.
const OMIT_AFTER_TITLE: f32 = 0.15;
/// Score of a name in Han characters whose pinyin spells the other, Latin name word for word:
/// high, but below a same-script match, since pinyin without tones joins homophones.
const HAN_PINYIN: f32 = 0.9;
/// The same for Hangul against a Latin name: the key that brings the romanisations together
/// (jeong / jong / chong) also joins a few syllables Hangul keeps apart (정 / 종).
const HANGUL_READING: f32 = 0.85;
/// Score of an abbreviation followed by a country against the written-out name.
const ACRONYM_WITH_PLACE: f32 = 0.75;
/// Multiplier when the names' forms point to different genders.
const GENDER_MISMATCH: f32 = 0.7;
/// Weight (relative to the token's own) that a token only one person name has costs.
const OMIT_PERSON: f32 = 0.3;
/// The same when at least two other words of the names agree.
const OMIT_PERSON_CORROBORATED: f32 = 0.2;
/// The same for organisation names: an extra word usually means another company.
const OMIT_ORG: f32 = 0.9;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rel {
    Exact,
    Variant,
    GenderForm,
    Equivalent,
    Initial,
    Typo,
    Scrambled,
    LegalGeneric,
    None,
}

fn rel_name(rel: Rel) -> &'static str {
    match rel {
        Rel::Exact => "same",
        Rel::Variant => "spelling variant",
        Rel::GenderForm => "gendered form",
        Rel::Equivalent => "name variant",
        Rel::Initial => "initial",
        Rel::Typo => "close spelling",
        Rel::Scrambled => "letters scrambled",
        Rel::LegalGeneric => "same legal form",
        Rel::None => "",
    }
}

fn min_similarity(len: usize) -> f32 {
    match len {
        0..=3 => 0.79,
        _ => 0.62,
    }
}

/// Score of one token pair, in [0, 1): 0 means "do not align". `None` when only the edit
/// similarity ([`pair_fuzzy`]) can tell.
fn pair_cheap(a: &Token, b: &Token, org: bool) -> Option<(f32, Rel)> {
    let r = pair_decided(a, b, org);
    (r.1 != Rel::Typo).then_some(r)
}

/// Every rule before the edit similarity; `Rel::Typo` means "undecided".
fn pair_decided(a: &Token, b: &Token, org: bool) -> (f32, Rel) {
    use TokenClass::*;
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
                (Some(x), Some(y)) if x.1 == y.1 => (0.9, Rel::LegalGeneric),
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
                (0.85, Rel::Initial)
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
        return (0.97, Rel::Variant);
    }
    if let (Some((sa, ga)), Some((sb, gb))) = (&a.stem, &b.stem) {
        if sa == sb && ga != gb {
            return (0.92, Rel::GenderForm);
        }
    }
    // the other gender's form of a given name is another person's name (Michel / Michelle),
    // even when Wikidata puts both in one group (through a shared Cyrillic spelling)
    if !org && (a.known_given || b.known_given) && !a.patronymic && !b.patronymic && gendered_pair(&a.text, &b.text) {
        return (0.0, Rel::None);
    }
    if a.group_mask & b.group_mask != 0 && shares(&a.groups, &b.groups) {
        return (0.88, Rel::Equivalent);
    }
    // Western names in Cyrillic: spellings learnt from Wikidata (White / Уайт)
    if a.script != b.script && (a.spelling_partners.contains(&b.key_hash) || native_spelling(a, b)) {
        return (0.95, Rel::Variant);
    }
    if matches!(a.class, Particle | Stop) || matches!(b.class, Particle | Stop) {
        // von / фон, du / дю: particles across scripts
        if a.class == Particle
            && b.class == Particle
            && a.script != b.script
            && key_similarity(&a.key, &b.key, 0.6) >= 0.6
        {
            return (0.9, Rel::Variant);
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

/// A name in a script whose romanisation loses vowels against a Latin spelling Wikidata gives
/// for it (ماري / Marie, ពត / Pot).
fn native_spelling(a: &Token, b: &Token) -> bool {
    let native = |s: Script| matches!(s, Script::Arabic | Script::Hebrew | Script::Other);
    let (n, l) = match (a.script, b.script) {
        (x, Script::Latin) if native(x) => (a, b),
        (Script::Latin, y) if native(y) => (b, a),
        _ => return false,
    };
    tables::native_partners(&n.key).contains(&l.key)
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
fn pair_fuzzy(a: &Token, b: &Token) -> (f32, Rel) {
    let key_len = a.core.len().max(b.core.len());
    let text_len = a.text.len().max(b.text.len()).max(key_len);
    let len = 0.5 * (key_len + text_len) as f32;
    // two different known given names are two names, not a typo (Mohamed / Ahmed), unless
    // they are as close as a spelling variant (Fridrich / Friedrich)
    // and two different attested surnames are two families (Ryzhov / Chizhov)
    let mut floor = min_similarity(key_len);
    if a.known_given && b.known_given {
        floor = floor.max(KNOWN_GIVEN_FLOOR);
    }
    if a.known_surname && b.known_surname {
        floor = floor.max(KNOWN_SURNAME_FLOOR);
    }
    let max_cost = (1.0 - floor) * len;
    let mut sim = 0.0f32;
    if cost_lower_bound(&a.profile, &b.profile) <= max_cost {
        sim = key_similarity_len(&a.core, &b.core, len, floor);
    }
    let alts = if a.script != b.script {
        [
            (a.alt_key.as_deref(), Some(b.key.as_str())),
            (Some(a.key.as_str()), b.alt_key.as_deref()),
            (a.alt_key2.as_deref(), Some(b.key.as_str())),
            (Some(a.key.as_str()), b.alt_key2.as_deref()),
        ]
    } else {
        [(None, None); 4]
    };
    for (x, y) in alts {
        if let (Some(x), Some(y)) = (x, y) {
            if cost_lower_bound(&class_profile(x), &class_profile(y)) <= max_cost {
                sim = sim.max(key_similarity_len(x, y, len, floor));
            }
        }
    }
    if sim >= floor {
        (0.95 * sim, Rel::Typo)
    } else if scrambled(a, b) {
        (SCRAMBLED, Rel::Scrambled)
    } else {
        (0.0, Rel::None)
    }
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

/// How much a close spelling counts as agreement (1) or disagreement (CONFLICT). Two views,
/// the stricter wins: relative (similarity between TYPO_LO and TYPO_HI) and absolute, in
/// slips: typing errors come one or two per word whatever its length, so a cost above about
/// two substitutions in a word of up to eight letters is another name (Castro/Castillo,
/// Sanchez/Sancho), not a typo (Merkel/Merkur).
fn typo_factor(sim: f32, a: &Token, b: &Token) -> f32 {
    let relative = ((sim - TYPO_LO) / (TYPO_HI - TYPO_LO)).clamp(0.0, 1.0);
    let key_len = a.core.len().max(b.core.len());
    let len = 0.5 * (key_len + a.text.len().max(b.text.len()).max(key_len)) as f32;
    let cost = (1.0 - sim) * len;
    let allowed = TYPO_SLIPS * (len / 8.0).max(1.0);
    let absolute = ((allowed + TYPO_SLIP_MARGIN - cost) / TYPO_SLIP_MARGIN).clamp(0.0, 1.0);
    let factor = CONFLICT + (1.0 - CONFLICT) * relative.min(absolute);
    // slips rarely hit the first letter (the reason for Jaro-Winkler's prefix weight): two
    // different first consonants make another name more likely (Lavrov / Navros); across
    // scripts, transliteration moves first letters by itself (Harry / Гарри)
    let consonant = |k: &str| k.bytes().next().filter(|c| !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'j'));
    match (consonant(&a.key), consonant(&b.key)) {
        (Some(x), Some(y)) if x != y && a.script == b.script => factor * FIRST_LETTER,
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

const MAX_TOKENS: usize = 12;

/// Optimal assignment maximising Σ score·weight; returns, for each row, the aligned column.
fn assign(
    score: &[[f32; MAX_TOKENS]; MAX_TOKENS],
    weight: &[[f32; MAX_TOKENS]; MAX_TOKENS],
    n: usize,
    m: usize,
) -> [Option<usize>; MAX_TOKENS] {
    let mut best = [None; MAX_TOKENS];
    if m <= 8 && n <= MAX_TOKENS {
        // DP over rows, state = set of used columns
        let states = 1usize << m;
        let size = (n + 1) * states;
        // small problems (the usual 2-4 tokens) stay on the stack
        let mut dp_stack = [f32::NEG_INFINITY; 256];
        let mut choice_stack = [u8::MAX; 256];
        let mut dp_heap = Vec::new();
        let mut choice_heap = Vec::new();
        let (dp, choice): (&mut [f32], &mut [u8]) = if size <= 256 {
            (&mut dp_stack[..size], &mut choice_stack[..size])
        } else {
            dp_heap.resize(size, f32::NEG_INFINITY);
            choice_heap.resize(size, u8::MAX);
            (&mut dp_heap[..], &mut choice_heap[..])
        };
        dp[0] = 0.0;
        for i in 0..n {
            for mask in 0..states {
                let cur = dp[i * states + mask];
                if cur == f32::NEG_INFINITY {
                    continue;
                }
                // leave row i unaligned
                let next = (i + 1) * states + mask;
                if cur > dp[next] {
                    dp[next] = cur;
                    choice[next] = u8::MAX;
                }
                for j in 0..m {
                    if mask & (1 << j) != 0 || score[i][j] <= 0.0 {
                        continue;
                    }
                    let v = cur + score[i][j] * weight[i][j];
                    let next = (i + 1) * states + (mask | (1 << j));
                    if v > dp[next] {
                        dp[next] = v;
                        choice[next] = j as u8;
                    }
                }
            }
        }
        let (mut mask, _) = (0..states).map(|s| (s, dp[n * states + s])).fold((0, f32::NEG_INFINITY), |acc, x| {
            if x.1 > acc.1 {
                x
            } else {
                acc
            }
        });
        for i in (0..n).rev() {
            let c = choice[(i + 1) * states + mask];
            if c != u8::MAX {
                best[i] = Some(c as usize);
                mask &= !(1 << c);
            }
        }
        return best;
    }
    // greedy for long names
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for i in 0..n {
        for j in 0..m {
            if score[i][j] > 0.0 {
                pairs.push((score[i][j] * weight[i][j], i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut used = [false; MAX_TOKENS];
    for (_, i, j) in pairs {
        if best[i].is_none() && !used[j] {
            best[i] = Some(j);
            used[j] = true;
        }
    }
    best
}

/// Scores two prepared names. Symmetric up to ties in the alignment.
pub fn compare(a: &Name, b: &Name) -> NameMatch {
    compare_with(a, b, true)
}

/// The score of [`compare`] without writing the explanation: for callers that rank many
/// pairs and explain only the best (about a fifth cheaper).
pub fn compare_score(a: &Name, b: &Name) -> f64 {
    compare_with(a, b, false).score
}

/// [`compare`], with the explanation only when `explain` (the score is the same).
fn compare_with(a: &Name, b: &Name, explain: bool) -> NameMatch {
    if a.parts.is_empty() || b.parts.is_empty() {
        return NameMatch { score: 0.0, detail: "one of the names is empty".into() };
    }
    if a.norm == b.norm {
        return NameMatch { score: 1.0, detail: format!("`{}` and `{}` are the same name", a.raw, b.raw) };
    }
    let (pa, pb) = (&a.parts[..a.parts.len().min(MAX_TOKENS)], &b.parts[..b.parts.len().min(MAX_TOKENS)]);
    // rows = the longer side, columns = the shorter (the DP enumerates column subsets)
    let swap = pb.len() > pa.len();
    let (rows, cols) = if swap { (pb, pa) } else { (pa, pb) };
    let (n, m) = (rows.len(), cols.len());
    let org = a.kind == NameKind::Organization || b.kind == NameKind::Organization;
    let mut score = [[0f32; MAX_TOKENS]; MAX_TOKENS];
    let mut rel = [[Rel::None; MAX_TOKENS]; MAX_TOKENS];
    let mut weight = [[0f32; MAX_TOKENS]; MAX_TOKENS];
    // rules first; the edit similarity only where a rule did not decide and the two tokens do
    // not both already have a near-perfect partner (it could not change the alignment)
    let mut undecided = [[false; MAX_TOKENS]; MAX_TOKENS];
    let mut row_strong = [false; MAX_TOKENS];
    let mut col_strong = [false; MAX_TOKENS];
    for i in 0..n {
        for j in 0..m {
            match pair_cheap(&rows[i], &cols[j], org) {
                Some((s, r)) => {
                    score[i][j] = s;
                    rel[i][j] = r;
                    if s >= 0.95 {
                        row_strong[i] = true;
                        col_strong[j] = true;
                    }
                }
                None => undecided[i][j] = true,
            }
        }
    }
    for i in 0..n {
        for j in 0..m {
            if undecided[i][j] && !(row_strong[i] && col_strong[j]) {
                let (s, r) = pair_fuzzy(&rows[i], &cols[j]);
                score[i][j] = s;
                rel[i][j] = r;
            }
            // the lighter token decides: an initial aligned with a full name counts as an initial
            weight[i][j] = rows[i].weight.min(cols[j].weight);
        }
    }
    // one word written in two pieces on one side (Mohammad Hasni / Mohammadhasni): keep the
    // pieces from aligning alone with the whole word, so that the split below joins them
    hold_split_pieces(rows, cols, (&row_strong, &col_strong), &mut score, false);
    hold_split_pieces(cols, rows, (&col_strong, &row_strong), &mut score, true);
    let aligned = assign(&score, &weight, n, m);

    let mut num = 0f32;
    let mut den = 0f32;
    let mut col_used = [false; MAX_TOKENS];
    let mut n_aligned_words = 0;
    let mut gender_form = false;
    let mut penalty = 1f32;
    for i in 0..n {
        if let Some(j) = aligned[i] {
            col_used[j] = true;
            num += weight[i][j] * score[i][j];
            den += weight[i][j];
            if rows[i].class == TokenClass::Word && cols[j].class == TokenClass::Word {
                n_aligned_words += 1;
            }
            match rel[i][j] {
                Rel::GenderForm => gender_form = true,
                // a distant spelling is partly a disagreement: Sancho/Sanchez, Navros/Lavrov
                Rel::Typo => {
                    let sim = score[i][j] / 0.95;
                    penalty *= typo_factor(sim, &rows[i], &cols[j]);
                }
                _ => {}
            }
        }
    }
    // Arabic chains: "X bin Y" names Y as the father; another father is another person
    let mut father_differs = false;
    if let (Some(fa), Some(fb)) = (a.father, b.father) {
        let (fr, fc) = if swap { (fb, fa) } else { (fa, fb) };
        // only when both fathers' names appear on the other side, in another place
        if fr < n && fc < m && aligned[fr].is_some() && col_used[fc] && aligned[fr] != Some(fc) {
            father_differs = true;
            penalty *= CONFLICT;
        }
    }
    // leftovers: pair them up as conflicts by class, the rest are omissions
    let mut left_cols = [false; MAX_TOKENS];
    for j in 0..m {
        left_cols[j] = !col_used[j];
    }
    let mut left_rows = [false; MAX_TOKENS];
    for i in 0..n {
        left_rows[i] = aligned[i].is_none();
    }
    // one word written in two pieces on one side (Patr ushev / Patrushev): join neighbours
    let mut split: Option<(bool, usize, usize, f32)> = None;
    if let Some((k, o, sim)) = find_split(rows, cols, &mut left_rows, &mut left_cols) {
        split = Some((true, k, o, sim));
    } else if let Some((k, o, sim)) = find_split(cols, rows, &mut left_cols, &mut left_rows) {
        split = Some((false, k, o, sim));
    }
    if let Some((is_row, _, o, sim)) = split {
        let w = if is_row { cols[o].weight } else { rows[o].weight };
        num += w * 0.95 * sim;
        den += w;
        n_aligned_words += 1;
    }
    // (row, col) conflicts and omitted tokens (true = a row token, false = a column token)
    let mut conflicts = [(0usize, 0usize); MAX_TOKENS];
    let mut n_conflicts = 0;
    let mut omitted = [(false, 0usize); 2 * MAX_TOKENS];
    let mut n_omitted = 0;
    for i in 0..n {
        if !left_rows[i] {
            continue;
        }
        // prefer a partner of the same role (patronymic with patronymic)
        let partner = (0..m)
            .filter(|&j| left_cols[j] && conflicting(&rows[i], &cols[j]))
            .max_by_key(|&j| (rows[i].patronymic == cols[j].patronymic) as u8 * 2 + (j == i) as u8);
        match partner {
            Some(j) => {
                left_cols[j] = false;
                penalty *= conflict_factor(&rows[i], &cols[j]);
                conflicts[n_conflicts] = (i, j);
                n_conflicts += 1;
            }
            None => {
                omitted[n_omitted] = (true, i);
                n_omitted += 1;
            }
        }
    }
    for j in 0..m {
        if left_cols[j] {
            omitted[n_omitted] = (false, j);
            n_omitted += 1;
        }
    }
    let omit_factor = if org { OMIT_ORG } else { OMIT_PERSON };
    // with two or more words agreeing, a missing middle name is routine
    let omit_factor = if !org && n_aligned_words >= 2 { OMIT_PERSON_CORROBORATED } else { omit_factor };
    // "President Erdogan": a title and one word name someone by surname on purpose; the other
    // name's given names are not missing, only unsaid
    let titled = |x: &Name, y: &Name| {
        x.kind != NameKind::Organization && word_count(x) == 1 && word_count(y) >= 2 && titled_surname(x)
    };
    let (titled_row, titled_col) = if swap { (titled(b, a), titled(a, b)) } else { (titled(a, b), titled(b, a)) };
    let titled_surname_aligned = n_aligned_words == 1
        && ((titled_row && aligned_to_end(rows, cols, &aligned, true))
            || (titled_col && aligned_to_end(rows, cols, &aligned, false)));
    let tok = |(is_row, k): (bool, usize)| if is_row { &rows[k] } else { &cols[k] };
    for &o in &omitted[..n_omitted] {
        let t = tok(o);
        let f = match t.class {
            // a country in one company name only: a national subsidiary
            TokenClass::Word if t.place => 1.5,
            TokenClass::Word if titled_surname_aligned => OMIT_AFTER_TITLE,
            TokenClass::Word => omit_factor,
            // a series number in one company name only: another fund, trust or vehicle
            TokenClass::Number if org => 2.0,
            TokenClass::Number => 0.5,
            // org-name symbols (Trust, Systems, Holding) say what the company is
            TokenClass::Legal if t.symbol && t.weight >= 0.8 => omit_factor,
            TokenClass::Legal if t.symbol => 0.5,
            _ => 0.15,
        };
        den += f * t.weight;
    }
    let mut base = if den > 0.0 { num / den } else { 0.0 };
    if n_aligned_words == 0 && word_count(a) > 0 && word_count(b) > 0 {
        base *= 0.3;
    }
    let mut score_v = base * penalty;
    // initials alone (N. N.) say little about whose they are
    let initials_only = |x: &Name| word_count(x) == 0 && x.parts.iter().any(|t| t.class == TokenClass::Initial);
    if (initials_only(a) && word_count(b) > 0) || (initials_only(b) && word_count(a) > 0) {
        score_v = score_v.min(INITIALS_ONLY_CAP);
    }
    let gender_mismatch = matches!((a.gender, b.gender), (Some(x), Some(y)) if x != y);
    if gender_mismatch {
        score_v *= GENDER_MISMATCH;
    }

    // fallbacks: joined spelling, abbreviation
    let mut fallback: Option<String> = None;
    let (wa, wb) = (word_count(a), word_count(b));
    // only for spacing and at most one slip: a longer joined string can hide a conflict
    // (Murat Krym-Gerievich / Umar Krymgerievich)
    if (wa != wb || a.n_joined != b.n_joined) && !a.joined.is_empty() && !b.joined.is_empty() {
        let len = a.joined.len().max(b.joined.len()) as f32;
        let sim = key_similarity(&a.joined, &b.joined, (1.0 - 1.0 / len).max(0.9));
        let v = 0.95 * sim * if gender_mismatch { GENDER_MISMATCH } else { 1.0 };
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
                if HAN_PINYIN > score_v {
                    score_v = HAN_PINYIN;
                    fallback = Some(format!("`{}` read as pinyin: {groups}", h.raw));
                }
            }
            let korean = |joined: &str, w: &Token| korean_key(joined) == korean_key(&w.text);
            if let Some(groups) = syllable_reading(h, l, Script::Hangul, &korean) {
                if HANGUL_READING > score_v {
                    score_v = HANGUL_READING;
                    fallback = Some(format!("`{}` read as {groups}", h.raw));
                }
            }
        }
    }
    if org || a.kind == NameKind::Any {
        for (x, y) in [(a, b), (b, a)] {
            if word_count(x) == 1 && y.acronym.len() >= 2 {
                let w = x.parts.iter().find(|t| t.class == TokenClass::Word).map(|t| t.text.as_str()).unwrap_or("");
                if w == y.acronym && 0.85 > score_v {
                    score_v = 0.85;
                    fallback = Some(format!("`{w}` abbreviates `{}`", y.raw));
                }
            }
            // an abbreviation with the country it belongs to (PLA China, FSB Russia)
            let mut words = x.parts.iter().filter(|t| t.class == TokenClass::Word);
            let (n_places, n_words) = words.clone().fold((0, 0), |(p, n), t| (p + t.place as usize, n + 1));
            if n_words >= 2 && n_places == n_words - 1 && y.acronym.len() >= 2 {
                let w = words.find(|t| !t.place).map(|t| t.text.as_str()).unwrap_or("");
                if w == y.acronym && ACRONYM_WITH_PLACE > score_v {
                    score_v = ACRONYM_WITH_PLACE;
                    fallback = Some(format!("`{w}` abbreviates `{}` (with a country)", y.raw));
                }
            }
        }
    }
    let score_v = score_v.clamp(0.0, 0.99) as f64;

    if !explain {
        return NameMatch { score: score_v, detail: String::new() };
    }
    // explanation
    let mut detail = String::with_capacity(96);
    if let Some(f) = fallback {
        detail.push_str(&f);
    } else {
        let mut first = true;
        for i in 0..n {
            if let Some(j) = aligned[i] {
                let (x, y) = if swap { (&cols[j], &rows[i]) } else { (&rows[i], &cols[j]) };
                detail.push_str(if first { "aligned " } else { ", " });
                first = false;
                describe_pair(x, y, rel[i][j], &mut detail);
            }
        }
        if let Some((is_row, k, o, _)) = split {
            let (side, other) = if is_row { (rows, cols) } else { (cols, rows) };
            detail.push_str(if first { "aligned " } else { ", " });
            first = false;
            detail.push_str(&side[k].orig);
            detail.push('+');
            detail.push_str(&side[k + 1].orig);
            detail.push('~');
            detail.push_str(&other[o].orig);
            detail.push_str(" (written apart)");
        }
        if first {
            detail.push_str("no tokens aligned");
        }
        for &(i, j) in &conflicts[..n_conflicts] {
            let (x, y) = if swap { (&cols[j], &rows[i]) } else { (&rows[i], &cols[j]) };
            detail.push_str("; differ ");
            detail.push_str(&x.text);
            detail.push('/');
            detail.push_str(&y.text);
        }
        if n_omitted > 0 {
            detail.push_str("; only one side has ");
            for (k, &o) in omitted[..n_omitted].iter().enumerate() {
                if k > 0 {
                    detail.push(' ');
                }
                detail.push_str(&tok(o).text);
            }
        }
    }
    if father_differs {
        detail.push_str("; the fathers' names (after bin/ibn) differ");
    }
    if gender_mismatch {
        detail.push_str("; the names point to different genders");
    } else if gender_form {
        detail.push_str("; surname in the other gender's form");
    }
    NameMatch { score: score_v, detail }
}

/// Two neighbouring unaligned words of `side` that together spell an unaligned word of `other`.
fn find_split(
    side: &[Token],
    other: &[Token],
    left_side: &mut [bool],
    left_other: &mut [bool],
) -> Option<(usize, usize, f32)> {
    for k in 0..side.len().saturating_sub(1) {
        if !(left_side[k] && left_side[k + 1])
            || side[k].class != TokenClass::Word
            || side[k + 1].class != TokenClass::Word
        {
            continue;
        }
        let (x, y) = (side[k].key.as_str(), side[k + 1].key.as_str());
        // quick length test before building the joined key
        if !(0..other.len()).any(|o| left_other[o] && other[o].key.len().abs_diff(x.len() + y.len()) <= 2) {
            continue;
        }
        let joined = format!("{x}{y}");
        let best = (0..other.len())
            .filter(|&o| left_other[o] && other[o].class == TokenClass::Word)
            .filter(|&o| !(other[o].patronymic && (side[k].known_given || side[k + 1].known_given)))
            .map(|o| (o, key_similarity(&joined, &other[o].key, 0.9)))
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((o, sim)) = best.filter(|(_, sim)| *sim >= 0.9) {
            left_side[k] = false;
            left_side[k + 1] = false;
            left_other[o] = false;
            return Some((k, o, sim));
        }
    }
    None
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

/// Makes neighbouring words of `side` that together spell a word of `other` (which no token
/// matches closely) unable to align alone with it. `strong`: which tokens of `side` and `other`
/// have a near-perfect partner (they are no pieces). `transposed`: `side` indexes the columns.
fn hold_split_pieces(
    side: &[Token],
    other: &[Token],
    strong: (&[bool; MAX_TOKENS], &[bool; MAX_TOKENS]),
    score: &mut [[f32; MAX_TOKENS]; MAX_TOKENS],
    transposed: bool,
) {
    let at = |score: &[[f32; MAX_TOKENS]; MAX_TOKENS], k: usize, o: usize| {
        if transposed {
            score[o][k]
        } else {
            score[k][o]
        }
    };
    for k in 0..side.len().saturating_sub(1) {
        if side[k].class != TokenClass::Word || side[k + 1].class != TokenClass::Word || strong.0[k] || strong.0[k + 1]
        {
            continue;
        }
        let (x, y) = (side[k].key.as_str(), side[k + 1].key.as_str());
        for o in 0..other.len() {
            if other[o].class != TokenClass::Word
                || strong.1[o]
                || other[o].key.len().abs_diff(x.len() + y.len()) > 2
                || at(score, k, o) >= 0.95
                || at(score, k + 1, o) >= 0.95
                || (other[o].patronymic && (side[k].known_given || side[k + 1].known_given))
            {
                continue;
            }
            let joined = format!("{x}{y}");
            if key_similarity(&joined, &other[o].key, 0.9) >= 0.9 {
                for p in [k, k + 1] {
                    if transposed {
                        score[o][p] = 0.0;
                    } else {
                        score[p][o] = 0.0;
                    }
                }
            }
        }
    }
}

/// Whether `name` is a title followed by one word (Mr. Smith, President Erdogan).
fn titled_surname(name: &Name) -> bool {
    let norm = crate::normalize::normalize(&name.raw);
    let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
    let first = &*tables::PERSON_PREFIX_FIRST;
    words.len() >= 2
        && first.contains(words[0])
        && tables::PERSON_PREFIX_SET.iter().any(|p| p.len() < words.len() && p.iter().zip(&words).all(|(x, y)| x == y))
}

/// Whether the one aligned word of the titled side (`rows` when `titled_rows`) is aligned with
/// the first or last word of the other side (where surnames are written).
fn aligned_to_end(rows: &[Token], cols: &[Token], aligned: &[Option<usize>; MAX_TOKENS], titled_rows: bool) -> bool {
    let ends = |side: &[Token], k: usize| {
        let words: Vec<usize> = (0..side.len()).filter(|&i| side[i].class == TokenClass::Word).collect();
        words.first() == Some(&k) || words.last() == Some(&k)
    };
    (0..rows.len()).any(|i| match aligned[i] {
        Some(j) if rows[i].class == TokenClass::Word && cols[j].class == TokenClass::Word => {
            if titled_rows {
                ends(cols, j)
            } else {
                ends(rows, i)
            }
        }
        _ => false,
    })
}

fn word_count(n: &Name) -> usize {
    n.parts.iter().filter(|t| t.class == TokenClass::Word).count()
}

fn conflicting(a: &Token, b: &Token) -> bool {
    use TokenClass::*;
    matches!(
        (a.class, b.class),
        (Word, Word) | (Word, Initial) | (Initial, Word) | (Initial, Initial) | (Legal, Legal) | (Number, Number)
    )
}

fn conflict_factor(a: &Token, b: &Token) -> f32 {
    use TokenClass::*;
    match (a.class, b.class) {
        (Word, Word) => CONFLICT,
        (Legal, Legal) if (a.symbol && a.weight >= 0.8) || (b.symbol && b.weight >= 0.8) => CONFLICT,
        (Legal, Legal) if a.symbol || b.symbol => CONFLICT_SYMBOL,
        (Legal, Legal) => CONFLICT_LEGAL,
        (Number, Number) => CONFLICT_NUMBER,
        _ => CONFLICT_INITIAL,
    }
}

fn describe_pair(x: &Token, y: &Token, rel: Rel, out: &mut String) {
    out.push_str(&x.orig);
    out.push('~');
    out.push_str(&y.orig);
    if rel == Rel::Exact && x.orig == y.orig {
        return;
    }
    out.push_str(" (");
    out.push_str(rel_name(rel));
    // which transliteration turns the Cyrillic side into the Latin side
    let (cyr, lat) = if x.script == Script::Cyrillic && y.script == Script::Latin {
        (x, y)
    } else if y.script == Script::Cyrillic && x.script == Script::Latin {
        (y, x)
    } else {
        out.push(')');
        return;
    };
    if let Some((_, bits)) = cyr.spellings().iter().find(|(s, _)| *s == lat.text) {
        out.push_str(", as ");
        let mut k = 0;
        for (i, s) in Scheme::all().iter().enumerate() {
            if bits & (1 << i) != 0 {
                if k > 0 {
                    out.push('/');
                }
                out.push_str(s.name());
                k += 1;
                if k == 3 && bits.count_ones() > 3 {
                    out.push_str("...");
                    break;
                }
            }
        }
    }
    out.push(')');
}

/// The best-scoring pair among two sets of names, with the indices of the pair. Only the
/// winning pair's explanation is written.
pub fn compare_best(a: &[Name], b: &[Name]) -> Option<(usize, usize, NameMatch)> {
    let mut best: Option<(usize, usize, f64)> = None;
    for (i, na) in a.iter().enumerate() {
        for (j, nb) in b.iter().enumerate() {
            let score = compare_with(na, nb, false).score;
            if best.is_none_or(|(_, _, s)| score > s) {
                best = Some((i, j, score));
            }
        }
    }
    best.map(|(i, j, _)| (i, j, compare(&a[i], &b[j])))
}
