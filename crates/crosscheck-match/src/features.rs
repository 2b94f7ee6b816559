//! The features of `crosscheck-v1`, computed on entities prepared once.
//!
//! Preparing (parsing names, dates, identifiers) is the expensive part; a screening query is
//! prepared once and compared with many candidates.

use crate::explain::FeatureResult;
use crate::Weights;
use crosscheck_model::date::DateRelation;
use crosscheck_model::{identifier, Entity, PartialDate, PropType};
use crosscheck_names::{compare_best, latin_key, Name, NameKind};

/// An entity in the form the features compare.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: NameKind,
    /// Whether the schema is `Person` (or below it).
    pub is_person: bool,
    pub names: Vec<Name>,
    pub birth_dates: Vec<PartialDate>,
    pub identifiers: Vec<String>,
    pub countries: Vec<String>,
    pub gender: Option<String>,
    pub birth_places: Vec<Vec<String>>,
    /// The `firstName` values, when the record says which words are given names.
    pub first_names: Vec<Name>,
}

impl Prepared {
    /// Prepares an entity for scoring.
    pub fn new(entity: &Entity) -> Prepared {
        let is_person = entity.schema_def().is_some_and(|s| s.is_a("Person"));
        let kind = match entity.schema_def() {
            Some(s) if s.is_a("Person") => NameKind::Person,
            Some(s) if s.is_a("Organization") => NameKind::Organization,
            _ => NameKind::Any,
        };
        let is_vessel = entity.schema_def().is_some_and(|s| s.is_a("Vessel"));
        let mut raw_names: Vec<String> = Vec::new();
        for n in entity.names() {
            let n = if is_vessel { strip_vessel_prefix(&n).to_string() } else { n };
            let n = spell_percent(&n);
            // a person's parts must be names on their own (not "Anna Ivanova/Petrova")
            let mut parts = alternatives(&n);
            if kind == NameKind::Person && parts.iter().any(|p| p.split_whitespace().count() < 2) {
                parts.clear();
            }
            for alt in parts {
                if !raw_names.contains(&alt) {
                    raw_names.push(alt);
                }
            }
            if !raw_names.contains(&n) {
                raw_names.push(n);
            }
        }
        let names = raw_names.iter().map(|n| Name::parse(n, kind)).filter(|n| !n.tokens.is_empty()).collect();
        let first_names = entity
            .get("firstName")
            .iter()
            .map(|n| Name::parse(n, NameKind::Person))
            .filter(|n| !n.tokens.is_empty())
            .collect();
        let birth_dates = entity.get("birthDate").iter().filter_map(|d| PartialDate::parse(d)).collect();
        let mut identifiers: Vec<String> = entity
            .values_of_type(PropType::Identifier)
            .map(|(_, v)| identifier::normalize(v))
            .filter(|v| v.chars().count() >= 5)
            .collect();
        identifiers.sort();
        identifiers.dedup();
        let mut countries: Vec<String> = ["nationality", "citizenship", "country", "birthCountry", "jurisdiction"]
            .iter()
            .flat_map(|p| entity.get(p).iter().cloned())
            .collect();
        countries.sort();
        countries.dedup();
        let gender = entity.first("gender").filter(|g| *g == "male" || *g == "female").map(str::to_string);
        let birth_places = entity
            .get("birthPlace")
            .iter()
            .map(|p| latin_key(p).split(' ').filter(|t| t.len() >= 4).map(str::to_string).collect())
            .collect();
        Prepared { kind, is_person, names, birth_dates, identifiers, countries, gender, birth_places, first_names }
    }
}

/// A per cent sign after a number read as the word (3% Club = 3 Percent Club, 3%ers =
/// 3 Percenters): the name's words are written out on the other side as often as not.
fn spell_percent(name: &str) -> String {
    if !name.contains('%') {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() + 8);
    let mut prev_digit = false;
    for c in name.chars() {
        if c == '%' && prev_digit {
            out.push_str(" percent");
        } else {
            out.push(c);
        }
        prev_digit = c.is_ascii_digit();
    }
    out
}

/// Ship-type prefixes written before a vessel's name (MV, M/V motor vessel; MT, M/T motor tanker;
/// the first two from rigour's `OBJ_NAME_PREFIXES`): not part of the name.
fn strip_vessel_prefix(name: &str) -> &str {
    let trimmed = name.trim_start();
    for prefix in ["M/V", "M/T", "MV", "MT"] {
        if let Some(rest) = trimmed.get(..prefix.len()).filter(|p| p.eq_ignore_ascii_case(prefix)) {
            let rest = &trimmed[rest.len()..];
            if rest.starts_with([' ', '.']) && rest.trim_start_matches(['.', ' ']).chars().any(char::is_alphanumeric) {
                return rest.trim_start_matches(['.', ' ']);
            }
        }
    }
    name
}

/// The names a value lists as alternatives ("Al-Qa'ida/Islamic Army", "X a.k.a. Y"): each part
/// of at least two letters, or nothing when the value is one name ("M/V", "Maersk A/S" keep
/// their slash).
pub(crate) fn alternatives(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut parts: Vec<String> = vec![name.to_string()];
    for sep in [" a.k.a. ", " a.k.a ", " aka ", " f.k.a. ", " also known as ", " formerly known as "] {
        if let Some(at) = lower.find(sep) {
            // byte offsets of the lower-cased text match the original for these ASCII separators
            // only when lower-casing kept lengths; otherwise leave the value whole
            if lower.len() == name.len() {
                parts = vec![name[..at].to_string(), name[at + sep.len()..].to_string()];
            }
            break;
        }
    }
    let parts: Vec<String> =
        parts.iter().flat_map(|p| p.split(['/', ';']).map(str::trim)).map(str::to_string).collect();
    let letters = |p: &str| p.chars().filter(|c| c.is_alphabetic()).count();
    if parts.len() < 2 || parts.iter().any(|p| letters(p) < 2) {
        return Vec::new();
    }
    parts
}

fn feature(name: &'static str, weight: f64, value: f64, detail: String) -> FeatureResult {
    FeatureResult { name, weight, value, contribution: weight * value, detail }
}

/// Evaluates every feature of `left` against `right`.
pub fn evaluate(left: &Prepared, right: &Prepared, w: &Weights) -> Vec<FeatureResult> {
    let mut out = Vec::with_capacity(6);
    out.push(match compare_best(&left.names, &right.names) {
        Some((i, j, m)) => feature(
            "name",
            w.name,
            m.score,
            format!("`{}` against `{}`: {}", left.names[i].raw, right.names[j].raw, m.detail),
        ),
        None => feature("name", w.name, 0.0, "one side has no name".into()),
    });
    // A person matched against a legal entity that is not a person (lists file groups and firms
    // as `LegalEntity`): possible, but a name alone should not carry it.
    if left.is_person != right.is_person {
        let (person, other) = if left.is_person { ("left", "right") } else { ("right", "left") };
        out.push(feature(
            "schema",
            w.schema_mismatch,
            -1.0,
            format!("the {person} side is a person, the {other} side is not known to be one"),
        ));
    }
    if let Some(f) = first_names(left, right, w) {
        out.push(f);
    }
    if let Some(f) = birth_date(left, right, w) {
        out.push(f);
    }
    if let Some(shared) = left.identifiers.iter().find(|i| right.identifiers.binary_search(i).is_ok()) {
        out.push(feature("identifier", w.identifier, 1.0, format!("both carry the identifier `{shared}`")));
    }
    if !left.countries.is_empty() && !right.countries.is_empty() {
        let shared: Vec<&String> = left.countries.iter().filter(|c| right.countries.contains(c)).collect();
        out.push(if shared.is_empty() {
            feature(
                "country",
                w.country_disagrees,
                -1.0,
                format!("countries differ: {} against {}", left.countries.join(", "), right.countries.join(", ")),
            )
        } else {
            feature("country", w.country_agrees, 1.0, format!("both linked to {}", shared[0]))
        });
    }
    if let (Some(a), Some(b)) = (&left.gender, &right.gender) {
        out.push(if a == b {
            feature("gender", w.gender_agrees, 1.0, format!("both {a}"))
        } else {
            feature("gender", w.gender_disagrees, -1.0, format!("{a} against {b}"))
        });
    }
    let place =
        left.birth_places.iter().flat_map(|a| a.iter()).find(|t| right.birth_places.iter().any(|b| b.contains(t)));
    if let Some(t) = place {
        out.push(feature("birthPlace", w.birth_place, 1.0, format!("birth places share `{t}`")));
    }
    out
}

/// Both records say which words are the given names, and those disagree (Friedrich Hans against
/// Hans Friedrich: the full names hold the same words, the people have different first names).
fn first_names(left: &Prepared, right: &Prepared, w: &Weights) -> Option<FeatureResult> {
    if left.first_names.is_empty() || right.first_names.is_empty() {
        return None;
    }
    let (i, j, m) = compare_best(&left.first_names, &right.first_names)?;
    (m.score < 0.5).then(|| {
        feature(
            "firstName",
            w.first_name_disagrees,
            -1.0,
            format!("first names differ: `{}` against `{}`", left.first_names[i].raw, right.first_names[j].raw),
        )
    })
}

/// Whether two different dates are one slip apart: a year off by one with the rest equal, one
/// of day or month different with the rest equal, or day and month swapped. Such differences are
/// common clerical and OCR errors, unlike dates years apart.
fn one_slip_apart(a: &PartialDate, b: &PartialDate) -> bool {
    let same_md = a.month == b.month && a.day == b.day;
    if (a.year - b.year).abs() == 1 && same_md {
        return true;
    }
    if a.year != b.year {
        return false;
    }
    match (a.month, a.day, b.month, b.day) {
        (Some(am), Some(ad), Some(bm), Some(bd)) => (am == bm) != (ad == bd) || (am == bd && ad == bm),
        (Some(am), None, Some(bm), None) => am != bm,
        _ => false,
    }
}

fn birth_date(left: &Prepared, right: &Prepared, w: &Weights) -> Option<FeatureResult> {
    if left.birth_dates.is_empty() || right.birth_dates.is_empty() {
        return None;
    }
    // The best-agreeing pair decides: exact, then contained, then one slip apart, then different.
    let rank = |a: &PartialDate, b: &PartialDate| match a.relation(b) {
        DateRelation::Exact => 3,
        DateRelation::Contains => 2,
        DateRelation::Differs if one_slip_apart(a, b) => 1,
        DateRelation::Differs => 0,
    };
    let mut best: Option<(u8, &PartialDate, &PartialDate)> = None;
    for a in &left.birth_dates {
        for b in &right.birth_dates {
            let r = rank(a, b);
            if best.is_none_or(|(br, _, _)| r > br) {
                best = Some((r, a, b));
            }
        }
    }
    let (r, a, b) = best?;
    Some(match r {
        3 => feature("birthDate", w.birth_date_agrees, 1.0, format!("both born {a}")),
        2 => {
            let (lo, hi) = if a.precision() <= b.precision() { (a, b) } else { (b, a) };
            // A shared year alone says less than a shared month.
            let value = if lo.precision() >= 2 { 0.8 } else { 0.6 };
            feature("birthDate", w.birth_date_agrees, value, format!("{hi} falls within {lo}"))
        }
        1 => feature(
            "birthDate",
            w.birth_date_disagrees,
            -0.15,
            format!("birth dates one slip apart (a typo or off-by-one year?): {a} against {b}"),
        ),
        _ => feature("birthDate", w.birth_date_disagrees, -1.0, format!("birth dates differ: {a} against {b}")),
    })
}
