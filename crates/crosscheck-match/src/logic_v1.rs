//! nomenklatura's `logic-v1` algorithm: the best of several name and identifier features,
//! less qualifiers (different countries, birth dates, genders, last names, identifiers,
//! numbers in names).
//!
//! Written for crosscheck after nomenklatura's `matching/logic_v1/model.py` (`LogicV1`),
//! `logic_v1/phonetic.py`, `logic_v1/identifiers.py`, `logic_v1/multi.py` and
//! `matching/compare/{names,dates,countries,gender,identifiers,util}.py` (MIT, (c)
//! OpenSanctions); no code copied. Feature names, docs and weights are nomenklatura's.
//!
//! Where it departs (each said in the feature's doc too):
//! - `address_entity_match` is not ported (rigour's address normaliser and keyword tables):
//!   weight 0, so never computed, as nomenklatura skips a feature at weight 0.
//! - The identifier normalisers of rigour (`LEI`, `BIC`, `ISIN`, `INN`, `OGRN`) are ported as
//!   format checks (characters, length, LEI's and ISIN's check digits); INN's and OGRN's check
//!   digits are not verified. IMO numbers are read with both of rigour's check digit schemes.
//! - `country_mismatch` compares country codes as written; rigour's territory table (a former
//!   state overlapping its successors) is not ported.

use crate::nk::{has_schema, Ft, NkFeature, NkPrepared, PhoneticToken};
use crate::nk_text::{
    clean_name_ascii, is_levenshtein_plausible, jaro_winkler, levenshtein_similarity, levenshtein_similarity_default,
    name_words, strict_identifier,
};
use crate::phonetic::{metaphone_token, soundex_token};
use crate::scorer::{FeatureDef, FeatureWeights, Role};
use crosscheck_model::PropType;
use std::collections::BTreeSet;

macro_rules! main_feature {
    ($const:ident, $name:ident, $doc:expr) => {
        const $const: FeatureDef = FeatureDef {
            name: stringify!($name),
            doc: $doc,
            role: Role::Evidence,
            weights: |p| FeatureWeights { agrees: Some(p.$name), disagrees: None },
        };
    };
}

macro_rules! qualifier {
    ($const:ident, $name:ident, $doc:expr) => {
        const $const: FeatureDef = FeatureDef {
            name: stringify!($name),
            doc: $doc,
            role: Role::Penalty,
            weights: |p| FeatureWeights { agrees: None, disagrees: Some(-p.$name) },
        };
    };
}

main_feature!(
    NAME_LITERAL_MATCH,
    name_literal_match,
    "Two entities have the same name, without normalization applied to the name. (Names are \
     compared lower-cased, without dots, apostrophes and punctuation.)"
);
main_feature!(
    PERSON_NAME_JARO_WINKLER,
    person_name_jaro_winkler,
    "Compare two persons' names using the Jaro-Winkler string similarity algorithm. (The \
     whole names, and their words aligned pair by pair, each within a Levenshtein budget.)"
);
main_feature!(
    PERSON_NAME_PHONETIC_MATCH,
    person_name_phonetic_match,
    "Two persons have similar names, using a phonetic algorithm. (Metaphone codes of the \
     words, confirmed by a Levenshtein budget; the share of the query's words matched.)"
);
main_feature!(
    NAME_FINGERPRINT_LEVENSHTEIN,
    name_fingerprint_levenshtein,
    "Two non-person entities have similar fingerprinted names. This includes simplifying \
     entity type names (e.g. \"Limited\" -> \"Ltd\") and uses the Damerau-Levensthein string \
     distance algorithm. (Company types shortened with fingerprints' table; the distance is \
     Levenshtein's, as rigour measures it.)"
);
main_feature!(
    NAME_METAPHONE_MATCH,
    name_metaphone_match,
    "Two entities (person and non-person) have similar names, using the metaphone \
     algorithm. (Weight 0 in logic-v1: listed so that it can be weighed, as in nomenklatura.)"
);
main_feature!(
    NAME_SOUNDEX_MATCH,
    name_soundex_match,
    "Two entities (person and non-person) have similar names, using the soundex algorithm. \
     (Weight 0 in logic-v1: listed so that it can be weighed, as in nomenklatura.)"
);
main_feature!(
    ADDRESS_ENTITY_MATCH,
    address_entity_match,
    "Two address entities relate to similar addresses. NOT PORTED in crosscheck (rigour's \
     address normaliser and keyword tables are not carried): weight 0 here instead of \
     nomenklatura's 0.98, so two Address entities score on their names alone."
);
main_feature!(
    CRYPTO_WALLET_ADDRESS,
    crypto_wallet_address,
    "Two cryptocurrency wallets have the same public key. (Keys longer than ten characters.)"
);
main_feature!(
    ISIN_SECURITY_MATCH,
    isin_security_match,
    "Two securities have the same ISIN. (Format and check digit verified.)"
);
main_feature!(
    LEI_CODE_MATCH,
    lei_code_match,
    "Two entities have the same Legal Entity Identifier. (Format and check digits verified.)"
);
main_feature!(
    OGRN_CODE_MATCH,
    ogrn_code_match,
    "Two entities have the same Russian company registration (OGRN) code. (13 or 15 digits; \
     the check digit is not verified in crosscheck's port.)"
);
main_feature!(
    VESSEL_IMO_MMSI_MATCH,
    vessel_imo_mmsi_match,
    "Two vessels have the same IMO or MMSI identifier. (IMO numbers read with their check \
     digit, ship or company scheme.)"
);
main_feature!(
    INN_CODE_MATCH,
    inn_code_match,
    "Two entities have the same Russian tax identifier (INN). (10 or 12 digits; the check \
     digits are not verified in crosscheck's port.)"
);
main_feature!(
    BIC_CODE_MATCH,
    bic_code_match,
    "Two entities have the same SWIFT BIC. (Compared on the first eight characters, bank, \
     country and location.)"
);
main_feature!(
    IDENTIFIER_MATCH,
    identifier_match,
    "Two entities have the same tax or registration identifier. (Any identifier, letters and \
     digits only, upper case.)"
);
main_feature!(
    WEAK_ALIAS_MATCH,
    weak_alias_match,
    "The query name is exactly the same as a result's weak alias. (One-sided: the result's \
     weak aliases and abbreviations against every name of the query.)"
);
qualifier!(
    COUNTRY_MISMATCH,
    country_mismatch,
    "Both entities are linked to different countries. (Country codes compared as written: \
     rigour's table of overlapping territories is not ported.)"
);
qualifier!(
    LAST_NAME_MISMATCH,
    last_name_mismatch,
    "The two persons have different last names. (Both records give `lastName` and no word of \
     two letters or more is shared.)"
);
qualifier!(
    DOB_YEAR_DISJOINT,
    dob_year_disjoint,
    "The birth date of the two entities is not the same. (No birth year is shared.)"
);
qualifier!(
    DOB_DAY_DISJOINT,
    dob_day_disjoint,
    "The birth date of the two entities is not the same. (No full birth date is shared; half \
     when one is the other with day and month swapped.)"
);
qualifier!(GENDER_MISMATCH, gender_mismatch, "Both entities have a different gender associated with them.");
qualifier!(
    ORGID_DISJOINT,
    orgid_disjoint,
    "Two companies or organizations have different tax identifiers or registration numbers. \
     (Less when the closest pair is within a few edits.)"
);
qualifier!(
    NUMBERS_MISMATCH,
    numbers_mismatch,
    "Find numbers in names and addresses and penalise different numbers. (The share of the \
     query's numbers missing on the other side.)"
);

/// The feature table as published, in nomenklatura's order.
pub static LOGIC_V1_FEATURES: [FeatureDef; 23] = [
    NAME_LITERAL_MATCH,
    PERSON_NAME_JARO_WINKLER,
    PERSON_NAME_PHONETIC_MATCH,
    NAME_FINGERPRINT_LEVENSHTEIN,
    NAME_METAPHONE_MATCH,
    NAME_SOUNDEX_MATCH,
    ADDRESS_ENTITY_MATCH,
    CRYPTO_WALLET_ADDRESS,
    ISIN_SECURITY_MATCH,
    LEI_CODE_MATCH,
    OGRN_CODE_MATCH,
    VESSEL_IMO_MMSI_MATCH,
    INN_CODE_MATCH,
    BIC_CODE_MATCH,
    IDENTIFIER_MATCH,
    WEAK_ALIAS_MATCH,
    COUNTRY_MISMATCH,
    LAST_NAME_MISMATCH,
    DOB_YEAR_DISJOINT,
    DOB_DAY_DISJOINT,
    GENDER_MISMATCH,
    ORGID_DISJOINT,
    NUMBERS_MISMATCH,
];

const fn row(i: usize, qualifier: bool, func: crate::nk::FeatureFn) -> NkFeature {
    NkFeature { def: &LOGIC_V1_FEATURES[i], qualifier, func }
}

/// The feature table with its code.
pub(crate) static LOGIC_V1_IMPL: [NkFeature; 23] = [
    row(0, false, name_literal_match),
    row(1, false, person_name_jaro_winkler),
    row(2, false, person_name_phonetic_match),
    row(3, false, name_fingerprint_levenshtein),
    row(4, false, name_metaphone_match),
    row(5, false, name_soundex_match),
    row(6, false, not_ported),
    row(7, false, crypto_wallet_address),
    row(8, false, isin_security_match),
    row(9, false, lei_code_match),
    row(10, false, ogrn_code_match),
    row(11, false, vessel_imo_mmsi_match),
    row(12, false, inn_code_match),
    row(13, false, bic_code_match),
    row(14, false, identifier_match),
    row(15, false, weak_alias_match),
    row(16, true, country_mismatch),
    row(17, true, last_name_mismatch),
    row(18, true, dob_year_disjoint),
    row(19, true, dob_day_disjoint),
    row(20, true, gender_mismatch),
    row(21, true, orgid_disjoint),
    row(22, true, numbers_mismatch),
];

fn not_ported(_: &NkPrepared, _: &NkPrepared, explain: bool) -> Ft {
    Ft::new(0.0, explain.then(|| "not ported to crosscheck".to_string()))
}

fn joined<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    items.into_iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}

fn name_literal_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    let overlap: Vec<&String> = q.light_names.intersection(&r.light_names).collect();
    if overlap.is_empty() {
        return Ft::none();
    }
    Ft::new(1.0, explain.then(|| format!("Identical names: {}", joined(overlap))))
}

/// nomenklatura's `_align_name_parts`: pairs the words best first, one use each; every query
/// word must find one, and the aligned strings must be within the Levenshtein budget. The
/// product of the pairs' similarities.
fn align_name_parts(query: &[String], result: &[String]) -> f64 {
    if query.is_empty() || result.is_empty() {
        return 0.0;
    }
    let mut scores: Vec<(&str, &str, f64)> = Vec::new();
    let q_set: BTreeSet<&String> = query.iter().collect();
    let r_set: BTreeSet<&String> = result.iter().collect();
    for qn in &q_set {
        for rn in &r_set {
            let score = jaro_winkler(qn, rn);
            if score > 0.0 && is_levenshtein_plausible(qn, rn) {
                scores.push((qn, rn, score));
            }
        }
    }
    // best first; ties in a fixed order (Python's follows its set iteration)
    scores.sort_by(|a, b| b.2.total_cmp(&a.2));
    let length = query.len();
    let (mut query, mut result) = (query.to_vec(), result.to_vec());
    let mut total = 1.0;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (qn, rn, score) in scores {
        while let (Some(qi), Some(ri)) = (query.iter().position(|x| x == qn), result.iter().position(|x| x == rn)) {
            query.remove(qi);
            result.remove(ri);
            total *= score;
            pairs.push((qn.to_string(), rn.to_string()));
        }
    }
    if pairs.len() < length {
        return 0.0;
    }
    let q_aligned: String = pairs.iter().rev().map(|p| p.0.as_str()).collect();
    let r_aligned: String = pairs.iter().rev().map(|p| p.1.as_str()).collect();
    if !is_levenshtein_plausible(&q_aligned, &r_aligned) {
        return 0.0;
    }
    total
}

fn person_name_jaro_winkler(q: &NkPrepared, r: &NkPrepared, _explain: bool) -> Ft {
    if !has_schema(q, r, "Person") {
        return Ft::none();
    }
    let mut score: f64 = 0.0;
    for qn in &q.name_parts {
        for rn in &r.name_parts {
            let (qns, rns) = (qn.concat(), rn.concat());
            if is_levenshtein_plausible(&qns, &rns) {
                score = score.max(jaro_winkler(&qns, &rns).powi(qns.chars().count() as i32));
            }
            score = score.max(align_name_parts(qn, rn));
        }
    }
    Ft::new(score, None)
}

/// nomenklatura's `compare_parts_phonetic`: the same Metaphone code and ASCII forms within the
/// Levenshtein budget, or the same token.
fn compare_parts_phonetic(left: &PhoneticToken, right: &PhoneticToken) -> bool {
    if let (Some(lm), Some(rm)) = (&left.metaphone, &right.metaphone) {
        if lm == rm {
            if let (Some(la), Some(ra)) = (&left.ascii, &right.ascii) {
                if is_levenshtein_plausible(la, ra) {
                    return true;
                }
            }
        }
    }
    left.token == right.token
}

fn person_name_phonetic_match(q: &NkPrepared, r: &NkPrepared, _explain: bool) -> Ft {
    if !has_schema(q, r, "Person") {
        return Ft::none();
    }
    let mut score: f64 = 0.0;
    for qp in &q.phonetic {
        if qp.is_empty() {
            continue;
        }
        for rp in &r.phonetic {
            let mut remaining: Vec<&PhoneticToken> = rp.iter().collect();
            let mut matched = 0usize;
            for part in qp {
                if let Some(at) = remaining.iter().position(|other| compare_parts_phonetic(part, other)) {
                    remaining.remove(at);
                    matched += 1;
                }
            }
            score = score.max(matched as f64 / qp.len() as f64);
        }
    }
    Ft::new(score, None)
}

fn name_fingerprint_levenshtein(q: &NkPrepared, r: &NkPrepared, _explain: bool) -> Ft {
    if has_schema(q, r, "Person") {
        return Ft::none();
    }
    let mut max_score: f64 = 0.0;
    for (qi, qn) in q.names.iter().enumerate() {
        for (ri, rn) in r.names.iter().enumerate() {
            max_score = max_score.max(levenshtein_similarity_default(qn, rn));
            let (Some(qfp), Some(rfp)) = (&q.fingerprints[qi], &r.fingerprints[ri]) else { continue };
            max_score = max_score.max(levenshtein_similarity_default(&qfp.replace(' ', ""), &rfp.replace(' ', "")));
            let mut qtokens = name_words(Some(qfp), 2);
            let mut rtokens = name_words(Some(rfp), 2);
            for part in name_words(clean_name_ascii(rfp).as_deref(), 2) {
                if !rtokens.contains(&part) {
                    rtokens.push(part);
                }
            }
            let q_set: BTreeSet<String> = qtokens.iter().cloned().collect();
            let r_set: BTreeSet<String> = rtokens.iter().cloned().collect();
            let mut scores: Vec<(String, String, f64)> = Vec::new();
            for a in &q_set {
                for b in &r_set {
                    scores.push((a.clone(), b.clone(), levenshtein_similarity(a, b, None, 1.0)));
                }
            }
            // best first, then by the pair itself, both descending (nomenklatura's key)
            scores.sort_by(|x, y| y.2.total_cmp(&x.2).then_with(|| (&y.0, &y.1).cmp(&(&x.0, &x.1))));
            let mut aligned: Vec<(String, String)> = Vec::new();
            for (a, b, _) in scores {
                while let (Some(ai), Some(bi)) =
                    (qtokens.iter().position(|x| *x == a), rtokens.iter().position(|x| *x == b))
                {
                    qtokens.remove(ai);
                    rtokens.remove(bi);
                    aligned.push((a.clone(), b.clone()));
                }
            }
            if !qtokens.is_empty() {
                continue;
            }
            let qa: String = aligned.iter().map(|p| p.0.as_str()).collect();
            let ra: String = aligned.iter().map(|p| p.1.as_str()).collect();
            max_score = max_score.max(levenshtein_similarity_default(&qa, &ra));
        }
    }
    Ft::new(max_score, None)
}

/// nomenklatura's `_token_names_compare`: the best share of shared tokens (counted with
/// repeats) over the query name's tokens, at least two.
fn token_names_compare(query: &[Vec<String>], result: &[Vec<String>]) -> f64 {
    let mut score: f64 = 0.0;
    for q in query {
        for r in result {
            let mut rest: Vec<&String> = r.iter().collect();
            let mut shared = 0usize;
            for t in q {
                if let Some(at) = rest.iter().position(|x| *x == t) {
                    rest.remove(at);
                    shared += 1;
                }
            }
            score = score.max(shared as f64 / (q.len() as f64).max(2.0));
        }
    }
    score
}

/// The phonetic codes of each name's fingerprint words (two letters or more), for names whose
/// script can be written in Latin letters.
fn coded_names(p: &NkPrepared, code: fn(&str) -> String) -> Vec<Vec<String>> {
    p.names
        .iter()
        .zip(&p.fingerprints)
        .map(|(n, fp)| {
            let fp = fp.as_deref().filter(|_| crate::nk_text::can_latinize(n));
            name_words(fp, 2).iter().map(|w| code(w)).collect()
        })
        .collect()
}

fn name_metaphone_match(q: &NkPrepared, r: &NkPrepared, _explain: bool) -> Ft {
    Ft::new(token_names_compare(&coded_names(q, metaphone_token), &coded_names(r, metaphone_token)), None)
}

fn name_soundex_match(q: &NkPrepared, r: &NkPrepared, _explain: bool) -> Ft {
    Ft::new(token_names_compare(&coded_names(q, soundex_token), &coded_names(r, soundex_token)), None)
}

fn crypto_wallet_address(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    if !has_schema(q, r, "CryptoWallet") {
        return Ft::none();
    }
    let rv = r.prop("publicKey");
    match q.prop("publicKey").into_iter().find(|k| rv.contains(k) && k.chars().count() > 10) {
        Some(key) => Ft::new(1.0, explain.then(|| format!("Matched address: {key}"))),
        None => Ft::none(),
    }
}

/// A normaliser of one kind of identifier: its compact form, or `None` when the value is not
/// one.
type Clean = fn(&str) -> Option<String>;

/// nomenklatura's `_id_prop_match`: the query's values of `prop`, cleaned, against every
/// identifier of the result, cleaned.
fn id_prop_match(q: &NkPrepared, r: &NkPrepared, prop: &str, clean: Clean) -> bool {
    let Some(schema) = q.schema else { return false };
    let Some(kind) = schema.prop_type(prop) else { return false };
    let lv: BTreeSet<String> = q.prop(prop).iter().filter_map(|v| clean(v)).filter(|v| !v.is_empty()).collect();
    if lv.is_empty() {
        return false;
    }
    r.of_type(kind).iter().filter_map(|v| clean(v)).any(|v| lv.contains(&v))
}

/// nomenklatura's `_bidi_id_prop_match`: the property's identifier shared, either way round.
fn bidi_id_prop_match(q: &NkPrepared, r: &NkPrepared, prop: &str, clean: Clean, explain: bool) -> Ft {
    if id_prop_match(q, r, prop, clean) || id_prop_match(r, q, prop, clean) {
        return Ft::new(1.0, explain.then(|| format!("Property match: '{prop}'")));
    }
    Ft::new(0.0, explain.then(|| "No match on identifiers.".to_string()))
}

/// Letters and digits only, upper case.
fn compact(value: &str) -> String {
    value.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase()
}

/// The value of a letter or digit in ISO 7064 mod 97-10 (A = 10 ... Z = 35).
fn mod97(text: &str) -> Option<u32> {
    let mut rem: u32 = 0;
    for c in text.chars() {
        let v = c.to_digit(36)?;
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    Some(rem)
}

/// An LEI: 20 letters and digits whose ISO 7064 check gives 1.
pub(crate) fn clean_lei(value: &str) -> Option<String> {
    let v = compact(value);
    (v.len() == 20 && mod97(&v) == Some(1)).then_some(v)
}

/// A BIC: 4 letters of bank, 2 of country, 2 of location, an optional branch; compared on
/// the first eight.
pub(crate) fn clean_bic(value: &str) -> Option<String> {
    let v = compact(value);
    let b = v.as_bytes();
    let ok = (v.len() == 8 || v.len() == 11) && b[..6].iter().all(u8::is_ascii_alphabetic);
    ok.then(|| v[..8].to_string())
}

/// An ISIN: 2 letters of country, 9 letters or digits, a Luhn check digit over the letters
/// read as numbers.
pub(crate) fn clean_isin(value: &str) -> Option<String> {
    let v = compact(value);
    let b = v.as_bytes();
    if v.len() != 12 || !b[..2].iter().all(u8::is_ascii_alphabetic) || !b[11].is_ascii_digit() {
        return None;
    }
    let digits: Vec<u32> = v
        .chars()
        .flat_map(|c| {
            let n = c.to_digit(36).unwrap_or(0);
            if n >= 10 {
                vec![n / 10, n % 10]
            } else {
                vec![n]
            }
        })
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10).then_some(v)
}

fn digits_of_len(value: &str, lens: &[usize]) -> Option<String> {
    let v: String = value.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (v.chars().all(|c| c.is_ascii_digit()) && lens.contains(&v.len())).then_some(v)
}

/// An INN: 10 digits (an organisation) or 12 (a person); check digits not verified.
pub(crate) fn clean_inn(value: &str) -> Option<String> {
    digits_of_len(value, &[10, 12])
}

/// An OGRN: 13 digits (a company) or 15 (a sole trader); check digit not verified.
pub(crate) fn clean_ogrn(value: &str) -> Option<String> {
    digits_of_len(value, &[13, 15])
}

/// An IMO number in the text, as rigour reads it: runs of 5 to 7 digits (longer first, then
/// one written after "IMO", then the earliest), zero-padded to 7, the first whose check digit
/// holds in the ship or the company scheme; `IMO0000000`.
pub(crate) fn clean_imo(value: &str) -> Option<String> {
    let upper = value.to_uppercase();
    let bytes = upper.as_bytes();
    let mut runs: Vec<(usize, bool, usize, &str)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let len = i - start;
            if (5..=7).contains(&len) {
                let before = upper[..start].trim_end_matches([' ', ':', '.', '#', '-']);
                runs.push((len, before.ends_with("IMO"), start, &upper[start..i]));
            }
        } else {
            i += 1;
        }
    }
    runs.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for (_, _, _, run) in runs {
        let padded = format!("{run:0>7}");
        let d: Vec<u32> = padded.chars().filter_map(|c| c.to_digit(10)).collect();
        if d.iter().all(|&x| x == 0) {
            continue;
        }
        let vessel = d[..6].iter().enumerate().map(|(i, x)| x * (7 - i as u32)).sum::<u32>() % 10 == d[6];
        let weights = [8, 6, 4, 2, 9, 7];
        let sum: u32 = d.iter().zip(weights).map(|(x, w)| x * w).sum();
        let company = (11 - sum % 11) % 10 == d[6];
        if vessel || company {
            return Some(format!("IMO{padded}"));
        }
    }
    None
}

fn lei_code_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    bidi_id_prop_match(q, r, "leiCode", clean_lei, explain)
}

fn bic_code_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    bidi_id_prop_match(q, r, "swiftBic", clean_bic, explain)
}

fn ogrn_code_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    bidi_id_prop_match(q, r, "ogrnCode", clean_ogrn, explain)
}

fn inn_code_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    bidi_id_prop_match(q, r, "innCode", clean_inn, explain)
}

fn isin_security_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    if !has_schema(q, r, "Security") {
        return Ft::none();
    }
    bidi_id_prop_match(q, r, "isin", clean_isin, explain)
}

fn vessel_imo_mmsi_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    let imo = bidi_id_prop_match(q, r, "imoNumber", clean_imo, explain);
    if imo.score > 0.0 {
        return imo;
    }
    bidi_id_prop_match(q, r, "mmsi", |v| Some(v.to_string()), explain)
}

fn strict_ids(p: &NkPrepared) -> BTreeSet<String> {
    p.of_type(PropType::Identifier).iter().filter_map(|v| strict_identifier(v)).filter(|v| !v.is_empty()).collect()
}

fn identifier_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    let (qi, ri) = (strict_ids(q), strict_ids(r));
    let common: Vec<&String> = qi.intersection(&ri).collect();
    if common.is_empty() {
        return Ft::none();
    }
    Ft::new(1.0, explain.then(|| format!("Matched identifiers: {}", joined(common))))
}

fn weak_alias_match(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    if r.light_weak_aliases.is_empty() {
        return Ft::none();
    }
    let overlap: Vec<&String> = q.light_all_names.intersection(&r.light_weak_aliases).collect();
    if overlap.is_empty() {
        return Ft::none();
    }
    Ft::new(1.0, explain.then(|| format!("Matched weak alias: {}", joined(overlap))))
}

fn country_mismatch(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    let norm = |p: &NkPrepared| -> BTreeSet<String> {
        p.of_type(PropType::Country).iter().map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()).collect()
    };
    let (qv, rv) = (norm(q), norm(r));
    if !qv.is_empty() && !rv.is_empty() && qv.is_disjoint(&rv) {
        return Ft::new(1.0, explain.then(|| format!("Different countries: {} / {}", joined(&qv), joined(&rv))));
    }
    Ft::none()
}

fn last_name_mismatch(q: &NkPrepared, r: &NkPrepared, _explain: bool) -> Ft {
    let disjoint =
        !q.last_names.is_empty() && !r.last_names.is_empty() && !q.last_names.iter().any(|w| r.last_names.contains(w));
    Ft::new(if disjoint { 1.0 } else { 0.0 }, None)
}

/// The birth dates cut to a precision (`len` characters: 4 a year, 10 a day), those long
/// enough.
fn dates_cut(p: &NkPrepared, len: usize) -> BTreeSet<String> {
    p.prop("birthDate").iter().filter(|d| d.chars().count() >= len).map(|d| d.chars().take(len).collect()).collect()
}

/// `YYYY-MM-DD` as `YYYY-DD-MM` (day and month swapped is a common slip).
fn flip_day_month(value: &str) -> String {
    let mut parts = value.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{y}-{d}-{m}"),
        _ => value.to_string(),
    }
}

fn dob_day_disjoint(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    if q.prop("birthDate").is_empty() || r.prop("birthDate").is_empty() {
        return Ft::new(0.0, explain.then(|| "No birth dates provided".to_string()));
    }
    let (qd, rd) = (dates_cut(q, 10), dates_cut(r, 10));
    if qd.is_empty() || rd.is_empty() {
        return Ft::new(0.0, explain.then(|| "No birth days provided".to_string()));
    }
    let common: Vec<&String> = qd.intersection(&rd).collect();
    if !common.is_empty() {
        return Ft::new(0.0, explain.then(|| format!("Birth day match: {}", joined(common))));
    }
    let flipped: BTreeSet<String> = qd.iter().map(|d| flip_day_month(d)).collect();
    let common: Vec<&String> = rd.intersection(&flipped).collect();
    if !common.is_empty() {
        return Ft::new(0.5, explain.then(|| format!("Birth day mis-match (flipped): {}", joined(common))));
    }
    Ft::new(1.0, explain.then(|| format!("Birth day mis-match: {} vs {}", joined(&qd), joined(&rd))))
}

fn dob_year_disjoint(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    let (qy, ry) = (dates_cut(q, 4), dates_cut(r, 4));
    if qy.is_empty() || ry.is_empty() {
        return Ft::new(0.0, explain.then(|| "No birth years provided".to_string()));
    }
    let common: Vec<&String> = qy.intersection(&ry).collect();
    if !common.is_empty() {
        return Ft::new(0.0, explain.then(|| format!("Birth year match: {}", joined(common))));
    }
    Ft::new(1.0, explain.then(|| format!("Birth years: {} vs {}", joined(&qy), joined(&ry))))
}

fn gender_mismatch(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    let (qv, rv) = (q.prop("gender"), r.prop("gender"));
    if !qv.is_empty() && !rv.is_empty() && !qv.iter().any(|g| rv.contains(g)) {
        return Ft::new(1.0, explain.then(|| format!("Different genders: {} / {}", qv.join(", "), rv.join(", "))));
    }
    Ft::none()
}

fn orgid_disjoint(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    if !has_schema(q, r, "Organization") {
        return Ft::none();
    }
    let (qi, ri) = (strict_ids(q), strict_ids(r));
    if qi.is_empty() || ri.is_empty() || !qi.is_disjoint(&ri) {
        return Ft::none();
    }
    let mut max_ratio: f64 = 0.0;
    for a in &qi {
        for b in &ri {
            let distance = strsim::levenshtein(a, b);
            let ratio = 1.0 - distance as f64 / a.chars().count().max(b.chars().count()) as f64;
            if ratio > 0.7 {
                max_ratio = max_ratio.max(ratio);
            }
        }
    }
    Ft::new(1.0 - max_ratio, explain.then(|| format!("Mismatched identifiers: {} vs {}", joined(&qi), joined(&ri))))
}

/// The runs of digits in some texts.
fn numbers(values: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for v in values {
        let mut run = String::new();
        for c in v.chars().chain([' ']) {
            if c.is_ascii_digit() {
                run.push(c);
            } else if !run.is_empty() {
                out.insert(std::mem::take(&mut run));
            }
        }
    }
    out
}

fn numbers_mismatch(q: &NkPrepared, r: &NkPrepared, explain: bool) -> Ft {
    let (qv, rv) = if has_schema(q, r, "Address") {
        (q.of_type(PropType::Address), r.of_type(PropType::Address))
    } else {
        (q.names.clone(), r.names.clone())
    };
    let (qn, rn) = (numbers(&qv), numbers(&rv));
    let base = qn.len().min(rn.len());
    let mismatch = qn.difference(&rn).count();
    let score = mismatch as f64 / base.max(1) as f64;
    Ft::new(score, explain.then(|| format!("Mismatching numbers: {mismatch}")))
}

#[cfg(test)]
#[path = "logic_v1_tests.rs"]
mod tests;
