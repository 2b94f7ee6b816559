//! The features of `crosscheck-v1`: the declared table ([`V1_FEATURES`]) and the code that
//! evaluates it on entities prepared once.
//!
//! Preparing (parsing names, dates, identifiers) is the expensive part; a screening query is
//! prepared once and compared with many candidates.
//!
//! Decision: one evaluator, generic over what it feeds ([`Sink`]), serves both the fast path
//! (`Scorer::score`: a running sum, no strings) and the explaining path (`Scorer::explain`:
//! one [`FeatureResult`] per feature). The two cannot drift apart, because they run the same
//! comparisons and add the same products in the same order; only the sentences (built in
//! closures the fast path never calls) and the name matcher's explanation are skipped.

use crate::explain::FeatureResult;
use crate::params::Params;
use crate::scorer::{FeatureDef, FeatureWeights, Role};
use crosscheck_model::date::DateRelation;
use crosscheck_model::{identifier, Entity, PartialDate, PropType};
use crosscheck_names::{latin_key, Name, NameKind, Names};

/// An entity in the form the features compare.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: NameKind,
    /// Whether the schema is `Person` (or below it).
    pub is_person: bool,
    /// Whether it is an organisation: by schema, or by a legal form or org-name word in a name
    /// (lists file firms as `LegalEntity` when they do not say).
    pub is_org: bool,
    pub names: Vec<Name>,
    pub birth_dates: Vec<PartialDate>,
    pub identifiers: Vec<String>,
    pub countries: Vec<String>,
    pub gender: Option<String>,
    pub birth_places: Vec<Vec<String>>,
    /// The words of each address, sorted and unique (only for scorers that compare addresses:
    /// `address_agrees` > 0).
    pub addresses: Vec<Vec<String>>,
    /// The birth places as the gazetteer reads them (only for scorers that compare places as
    /// places: `birth_place_disagrees` > 0).
    pub places: Vec<crosscheck_places::Place>,
    /// The `firstName` values, when the record says which words are given names.
    pub first_names: Vec<Name>,
    /// The entity as nomenklatura's algorithms read it (only for those: `name-based`,
    /// `logic-v1`; `None` for crosscheck's own, whose preparation it would slow).
    pub(crate) nk: Option<Box<crate::nk::NkPrepared>>,
}

impl Prepared {
    /// Prepares an entity for scoring with `crosscheck-v1`'s cut-offs. Prefer
    /// [`Scorer::prepare`](crate::Scorer::prepare), which uses the scorer's own.
    pub fn new(entity: &Entity) -> Prepared {
        Prepared::with_params(entity, &Params::V1)
    }

    /// Prepares an entity for scoring with the cut-offs of `params`.
    pub(crate) fn with_params(entity: &Entity, params: &Params) -> Prepared {
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
            let mut parts = alternatives(&n, params.min_alternative_letters);
            if kind == NameKind::Person
                && parts.iter().any(|p| p.split_whitespace().count() < params.min_person_alternative_words)
            {
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
        let names: Vec<Name> =
            raw_names.iter().map(|n| Name::parse(n, kind)).filter(|n| !n.tokens.is_empty()).collect();
        let is_org = !is_person && (kind == NameKind::Organization || names.iter().any(Name::has_org_words));
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
            .filter(|v| v.chars().count() >= params.min_identifier_chars)
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
            .map(|p| {
                latin_key(p)
                    .split(' ')
                    .filter(|t| t.len() >= params.min_birth_place_token_len)
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        let places = if params.birth_place_disagrees > 0.0 {
            entity.get("birthPlace").iter().map(|p| crosscheck_places::parse(p)).collect()
        } else {
            Vec::new()
        };
        let addresses = if params.address_agrees > 0.0 {
            entity.get("address").iter().map(|a| address_words(a)).filter(|w| w.len() >= 2).collect()
        } else {
            Vec::new()
        };
        Prepared {
            kind,
            is_person,
            is_org,
            names,
            places,
            addresses,
            birth_dates,
            identifiers,
            countries,
            gender,
            birth_places,
            first_names,
            nk: None,
        }
    }

    /// Prepares an entity for one of nomenklatura's algorithms: what they read (names as
    /// written, properties by type) and the kinds, without crosscheck's name parsing.
    pub(crate) fn for_nomenklatura(entity: &Entity) -> Prepared {
        let is_person = entity.schema_def().is_some_and(|s| s.is_a("Person"));
        let kind = match entity.schema_def() {
            Some(s) if s.is_a("Person") => NameKind::Person,
            Some(s) if s.is_a("Organization") => NameKind::Organization,
            _ => NameKind::Any,
        };
        Prepared {
            kind,
            is_person,
            is_org: kind == NameKind::Organization,
            names: Vec::new(),
            birth_dates: Vec::new(),
            identifiers: Vec::new(),
            countries: Vec::new(),
            gender: None,
            birth_places: Vec::new(),
            addresses: Vec::new(),
            places: Vec::new(),
            first_names: Vec::new(),
            nk: Some(Box::new(crate::nk::NkPrepared::new(entity))),
        }
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

/// What separates alternative names in one value (lower case; the first found is used).
const ALTERNATIVE_SEPARATORS: [&str; 6] =
    [" a.k.a. ", " a.k.a ", " aka ", " f.k.a. ", " also known as ", " formerly known as "];

/// The names a value lists as alternatives ("Al-Qa'ida/Islamic Army", "X a.k.a. Y"): each part
/// of at least `min_letters` letters, or nothing when the value is one name ("M/V", "Maersk
/// A/S" keep their slash).
pub(crate) fn alternatives(name: &str, min_letters: usize) -> Vec<String> {
    // most names hold no separator: every one below has a slash, a semicolon or a k (a.k.a.,
    // aka, f.k.a., known), and without them the name is one part (and so no alternatives)
    if !name.bytes().any(|b| matches!(b, b'/' | b';' | b'k' | b'K')) {
        return Vec::new();
    }
    // an ASCII name with a k but no slash, semicolon or separator is one part too (Nikolay
    // Kvitka): the same answer as below without lower-casing and splitting it
    if name.is_ascii()
        && !name.bytes().any(|b| matches!(b, b'/' | b';'))
        && !ALTERNATIVE_SEPARATORS
            .iter()
            .any(|sep| name.as_bytes().windows(sep.len()).any(|w| w.eq_ignore_ascii_case(sep.as_bytes())))
    {
        return Vec::new();
    }
    let lower = name.to_lowercase();
    let mut parts: Vec<String> = vec![name.to_string()];
    for sep in ALTERNATIVE_SEPARATORS {
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
    if parts.len() < 2 || parts.iter().any(|p| letters(p) < min_letters) {
        return Vec::new();
    }
    parts
}

/// The features of `crosscheck-v1`, in the order explanations list them.
pub static V1_FEATURES: [FeatureDef; 8] =
    [NAME, SCHEMA, FIRST_NAME, BIRTH_DATE, IDENTIFIER, COUNTRY, GENDER, BIRTH_PLACE];

/// The features of `crosscheck-v2`, in the order explanations list them.
pub static V2_FEATURES: [FeatureDef; 8] =
    [NAME, SCHEMA_V2, FIRST_NAME, BIRTH_DATE, IDENTIFIER, COUNTRY, GENDER, BIRTH_PLACE_V2];

/// The features of `crosscheck-v3`, in the order explanations list them.
pub static V3_FEATURES: [FeatureDef; 9] =
    [NAME, SCHEMA_V2, FIRST_NAME, BIRTH_DATE_V3, IDENTIFIER, COUNTRY, GENDER, BIRTH_PLACE_V2, ADDRESS];

const NAME: FeatureDef = FeatureDef {
    name: "name",
    doc: "Compares every name of one side (names, aliases, assembled name parts, alternatives a \
          value lists) with every name of the other through the name matcher (scripts, \
          transliteration, word order, initials) and takes the best pair. Names are what a \
          screening query is made of, so this is the score's base: with full weight, a pair \
          with names alone scores what the name matcher gives it. Evidence: adds from 0 (no \
          word alike, or a side without names) to its weight.",
    role: Role::Evidence,
    weights: |p| FeatureWeights { agrees: Some(p.name_agrees), disagrees: None },
};

const SCHEMA: FeatureDef = FeatureDef {
    name: "schema",
    doc: "Whether one side is a person and the other a legal entity not known to be a person. \
          Lists file groups and firms as `LegalEntity`, so such a pair is possible, but a name \
          alone should not carry it. Penalty: subtracts its weight when the kinds differ; \
          absent otherwise.",
    role: Role::Penalty,
    weights: |p| FeatureWeights { agrees: None, disagrees: Some(p.schema_disagrees) },
};

const SCHEMA_V2: FeatureDef = FeatureDef {
    name: "schema",
    doc: "Whether one side is a person and the other is not. Against an organisation (by \
          schema, or by a legal form or org-name word in its name, since lists file firms as \
          `LegalEntity` when they do not say) it weighs enough that a name alone never makes \
          them one: \"Pamela Wagner\" is not the Wagner Group, though a shared identifier can \
          still carry the pair. Against a legal entity not known to be either, it weighs \
          little (`schema_disagrees`). Penalty: subtracts `schema_org_disagrees` (the weight \
          shown) against an organisation, `schema_disagrees` against a legal entity not known \
          to be either; absent when the kinds agree.",
    role: Role::Penalty,
    weights: |p| FeatureWeights { agrees: None, disagrees: Some(p.schema_org_disagrees) },
};

const FIRST_NAME: FeatureDef = FeatureDef {
    name: "firstName",
    doc: "When both records say which words are the given names (`firstName`), whether the \
          best pair of them is unlike. Friedrich Hans and Hans Friedrich hold the same words, \
          but the people have different first names, which the full-name comparison cannot \
          see. Penalty: subtracts its weight when the given names differ; absent when they \
          agree or a side does not say.",
    role: Role::Penalty,
    weights: |p| FeatureWeights { agrees: None, disagrees: Some(p.first_name_disagrees) },
};

const BIRTH_DATE: FeatureDef = FeatureDef {
    name: "birthDate",
    doc: "Compares the birth dates (partial dates allowed); the best-agreeing pair decides: \
          exact, then one containing the other (a year contains its days), then one clerical \
          slip apart (a year off by one, one of day or month different, day and month \
          swapped), then different. A birth date tells namesakes apart better than anything \
          but an identifier. Both: adds when the dates agree (less for a shared year alone), \
          subtracts a little for one slip and in full for dates years apart; absent when a \
          side has none.",
    role: Role::Both,
    weights: |p| FeatureWeights { agrees: Some(p.birth_date_agrees), disagrees: Some(p.birth_date_disagrees) },
};

const BIRTH_DATE_V3: FeatureDef = FeatureDef {
    name: "birthDate",
    doc: "Compares the birth dates as v2 does (exact, one containing the other, one clerical \
          slip apart, different), and weighs the same full day more than a shared year or \
          month: one person in about 25,000 shares a full birth date by chance, one in 70 a \
          year. 1 January counts as a year: registries write it when only the year is known. \
          Both: adds `birth_date_agrees` when the dates agree (less for a shared year alone) \
          plus `birth_date_day_agrees` for the same full day (the weight shown); dates one slip \
          apart subtract over half of `birth_date_disagrees` and dates years apart all of it, \
          as much as the threshold, so that a name never carries a differing birth date (among \
          thousands of namesakes a date one keystroke away is as likely another person); \
          absent when a side has none.",
    role: Role::Both,
    weights: |p| FeatureWeights {
        agrees: Some(p.birth_date_agrees + p.birth_date_day_agrees),
        disagrees: Some(p.birth_date_disagrees),
    },
};

const ADDRESS: FeatureDef = FeatureDef {
    name: "address",
    doc: "Whether two addresses are one: they share at least two words (in the Latin key, so \
          scripts meet), one of them a number (a house number, a postcode) or three words in \
          all; the value is the share of the shorter address's words found in the other. A \
          household shares an address, so it weighs less than an identifier; a city and a \
          country alone, shared by millions, never count, and a different address is not \
          evidence against, since people move. Evidence: adds up to its weight; absent \
          otherwise.",
    role: Role::Evidence,
    weights: |p| FeatureWeights { agrees: Some(p.address_agrees), disagrees: None },
};

const IDENTIFIER: FeatureDef = FeatureDef {
    name: "identifier",
    doc: "Whether the two records share an identifier (passport, tax, registration, IMO \
          number...) once normalised, ignoring very short ones. A shared number is strong \
          evidence of one entity; a different number is not evidence against, because people \
          and firms hold many. Evidence: adds its weight when one is shared; absent otherwise.",
    role: Role::Evidence,
    weights: |p| FeatureWeights { agrees: Some(p.identifier_agrees), disagrees: None },
};

const COUNTRY: FeatureDef = FeatureDef {
    name: "country",
    doc: "Whether the countries linked to each side (nationality, citizenship, country, birth \
          country, jurisdiction) overlap. A weak signal either way: people hold several \
          nationalities and firms work abroad. Both: adds its small weight when a country is \
          shared, subtracts when both sides name countries and none is shared; absent when a \
          side names none.",
    role: Role::Both,
    weights: |p| FeatureWeights { agrees: Some(p.country_agrees), disagrees: Some(p.country_disagrees) },
};

const GENDER: FeatureDef = FeatureDef {
    name: "gender",
    doc: "Compares the recorded genders (`male` or `female`; other values are ignored). \
          Agreement says little (half of all people share one), a difference is strong \
          evidence of two people with one name. Both: adds a little when equal, subtracts \
          enough to keep an identical name below the threshold when different; absent when a \
          side has none.",
    role: Role::Both,
    weights: |p| FeatureWeights { agrees: Some(p.gender_agrees), disagrees: Some(p.gender_disagrees) },
};

const BIRTH_PLACE: FeatureDef = FeatureDef {
    name: "birthPlace",
    doc: "Whether the birth places share a word of their Latin key (so Новосибирск meets \
          Novosibirsk), ignoring short words. Places are written too loosely (a town, a \
          region, an old name) for a difference to count against. Evidence: adds its small \
          weight when a word is shared; absent otherwise.",
    role: Role::Evidence,
    weights: |p| FeatureWeights { agrees: Some(p.birth_place_agrees), disagrees: None },
};

const BIRTH_PLACE_V2: FeatureDef = FeatureDef {
    name: "birthPlace",
    doc: "Compares the birth places as places, through a gazetteer of cities and countries \
          with their names in other scripts (GeoNames, CC BY 4.0): Кёльн is Cologne, a \
          district of Moscow lies within Moscow. Where the gazetteer cannot decide (a village \
          it does not know, a region it cannot place), a shared word of the Latin keys still \
          agrees. Both: adds its small weight when the places agree at the level of a city; \
          subtracts a little only when the gazetteer knows them as different places (people \
          write where they grew up, or the nearest city); absent otherwise.",
    role: Role::Both,
    weights: |p| FeatureWeights { agrees: Some(p.birth_place_agrees), disagrees: Some(p.birth_place_disagrees) },
};

/// Where the evaluator puts each feature's result: a running sum or explanation rows.
pub(crate) trait Sink {
    /// Whether the sentences are wanted (and so the name matcher's explanation).
    const EXPLAIN: bool;
    fn push(&mut self, def: &'static FeatureDef, weight: f64, value: f64, detail: impl FnOnce() -> String);
}

/// The fast path: the raw score, added in feature order from 0.0.
pub(crate) struct RawSum(pub f64);

impl Sink for RawSum {
    const EXPLAIN: bool = false;
    #[inline]
    fn push(&mut self, _def: &'static FeatureDef, weight: f64, value: f64, _detail: impl FnOnce() -> String) {
        self.0 += weight * value;
    }
}

impl Sink for Vec<FeatureResult> {
    const EXPLAIN: bool = true;
    fn push(&mut self, def: &'static FeatureDef, weight: f64, value: f64, detail: impl FnOnce() -> String) {
        Vec::push(
            self,
            FeatureResult { name: def.name, weight, value, contribution: weight * value, detail: detail() },
        );
    }
}

/// The best score among all pairs of two sets of names, as [`compare_best`] finds it, without
/// writing any explanation; `None` when a side has none.
fn best_name_score(names: &Names, a: &[Name], b: &[Name]) -> Option<f64> {
    let mut best: Option<f64> = None;
    for na in a {
        for nb in b {
            let score = names.compare_score(na, nb);
            if best.is_none_or(|s| score > s) {
                best = Some(score);
            }
        }
    }
    best
}

/// Evaluates every feature of `crosscheck-v1` of `left` against `right` into `sink`.
pub(crate) fn evaluate<S: Sink>(names: &Names, left: &Prepared, right: &Prepared, p: &Params, sink: &mut S) {
    if S::EXPLAIN {
        match names.compare_best(&left.names, &right.names) {
            Some((i, j, m)) => sink.push(&NAME, p.name_agrees, m.score, || {
                format!("`{}` against `{}`: {}", left.names[i].raw, right.names[j].raw, m.detail)
            }),
            None => sink.push(&NAME, p.name_agrees, 0.0, || "one side has no name".into()),
        }
    } else {
        let value = best_name_score(names, &left.names, &right.names).unwrap_or(0.0);
        sink.push(&NAME, p.name_agrees, value, String::new);
    }
    if left.is_person != right.is_person {
        let (person, other) = if left.is_person { ("left", "right") } else { ("right", "left") };
        // v2's rule is on when its weight differs from the general one (in v1 they are equal)
        if (left.is_org || right.is_org) && p.schema_org_disagrees != p.schema_disagrees {
            sink.push(&SCHEMA, p.schema_org_disagrees, -1.0, || {
                format!("the {person} side is a person, the {other} side an organisation")
            });
        } else {
            sink.push(&SCHEMA, p.schema_disagrees, -1.0, || {
                format!("the {person} side is a person, the {other} side is not known to be one")
            });
        }
    }
    first_names(names, left, right, p, sink);
    birth_date(left, right, p, sink);
    if let Some(shared) = left.identifiers.iter().find(|i| right.identifiers.binary_search(i).is_ok()) {
        sink.push(&IDENTIFIER, p.identifier_agrees, 1.0, || format!("both carry the identifier `{shared}`"));
    }
    if !left.countries.is_empty() && !right.countries.is_empty() {
        match left.countries.iter().find(|c| right.countries.contains(c)) {
            Some(shared) => sink.push(&COUNTRY, p.country_agrees, 1.0, || format!("both linked to {shared}")),
            None => sink.push(&COUNTRY, p.country_disagrees, -1.0, || {
                format!("countries differ: {} against {}", left.countries.join(", "), right.countries.join(", "))
            }),
        }
    }
    if let (Some(a), Some(b)) = (&left.gender, &right.gender) {
        if a == b {
            sink.push(&GENDER, p.gender_agrees, 1.0, || format!("both {a}"));
        } else {
            sink.push(&GENDER, p.gender_disagrees, -1.0, || format!("{a} against {b}"));
        }
    }
    if !(p.birth_place_disagrees > 0.0 && birth_places(left, right, p, sink)) {
        let place =
            left.birth_places.iter().flat_map(|a| a.iter()).find(|t| right.birth_places.iter().any(|b| b.contains(t)));
        if let Some(t) = place {
            sink.push(&BIRTH_PLACE, p.birth_place_agrees, 1.0, || format!("birth places share `{t}`"));
        }
    }
    if p.address_agrees > 0.0 {
        address(left, right, p, sink);
    }
}

/// The words of an address as [`address`] compares them: the Latin key's words, sorted, unique.
fn address_words(raw: &str) -> Vec<String> {
    let mut words: Vec<String> = latin_key(raw).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// v3: the best pair of addresses that share what few people share (see `ADDRESS`).
fn address<S: Sink>(left: &Prepared, right: &Prepared, p: &Params, sink: &mut S) {
    let mut best: Option<(f64, &[String], &[String])> = None;
    for a in &left.addresses {
        for b in &right.addresses {
            let shared = a.iter().filter(|w| b.binary_search(w).is_ok());
            let (mut n, mut numbered) = (0usize, false);
            for w in shared {
                n += 1;
                numbered |= w.bytes().any(|c| c.is_ascii_digit());
            }
            if n < 2 || !(numbered || n >= 3) {
                continue;
            }
            let value = n as f64 / a.len().min(b.len()) as f64;
            if best.is_none_or(|(v, _, _)| value > v) {
                best = Some((value, a, b));
            }
        }
    }
    if let Some((value, a, b)) = best {
        sink.push(&ADDRESS, p.address_agrees, value, || {
            let shared: Vec<&str> = a.iter().filter(|w| b.binary_search(w).is_ok()).map(String::as_str).collect();
            format!("addresses share {} of {} words: {}", shared.len(), a.len().min(b.len()), shared.join(" "))
        });
    }
}

/// v2: birth places compared as places through the gazetteer. The best-agreeing pair decides:
/// one place, or one within the other at the level of a city, agrees; two places the gazetteer
/// knows apart disagree; anything else (a country containing a city says little, and what
/// cannot be decided is unknown) leaves the word comparison to speak. Returns whether it
/// pushed the feature.
fn birth_places<S: Sink>(left: &Prepared, right: &Prepared, p: &Params, sink: &mut S) -> bool {
    use crosscheck_places::{Level, PlaceRelation};
    let mut agree: Option<crosscheck_places::PlaceComparison> = None;
    let mut differ: Option<crosscheck_places::PlaceComparison> = None;
    for a in &left.places {
        for b in &right.places {
            let c = crosscheck_places::compare_parsed(a, b);
            match c.relation {
                PlaceRelation::Same | PlaceRelation::Within | PlaceRelation::Contains
                    if c.level == Some(Level::City) =>
                {
                    agree = Some(c);
                }
                PlaceRelation::Different if differ.is_none() => differ = Some(c),
                _ => {}
            }
        }
    }
    if let Some(c) = agree {
        sink.push(&BIRTH_PLACE, p.birth_place_agrees, 1.0, || format!("birth places agree: {}", c.reason));
        return true;
    }
    if let Some(c) = differ {
        sink.push(&BIRTH_PLACE, p.birth_place_disagrees, -1.0, || format!("birth places differ: {}", c.reason));
        return true;
    }
    false
}

/// Both records say which words are the given names, and those disagree (Friedrich Hans against
/// Hans Friedrich: the full names hold the same words, the people have different first names).
fn first_names<S: Sink>(names: &Names, left: &Prepared, right: &Prepared, p: &Params, sink: &mut S) {
    if left.first_names.is_empty() || right.first_names.is_empty() {
        return;
    }
    if S::EXPLAIN {
        if let Some((i, j, m)) = names.compare_best(&left.first_names, &right.first_names) {
            if m.score < p.first_name_differs_below {
                sink.push(&FIRST_NAME, p.first_name_disagrees, -1.0, || {
                    let (a, b) = (&left.first_names[i].raw, &right.first_names[j].raw);
                    format!("first names differ: `{a}` against `{b}`")
                });
            }
        }
    } else if best_name_score(names, &left.first_names, &right.first_names)
        .is_some_and(|s| s < p.first_name_differs_below)
    {
        sink.push(&FIRST_NAME, p.first_name_disagrees, -1.0, String::new);
    }
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

/// The best-agreeing pair of birth dates and how it agrees: 3 exact, 2 one containing the other,
/// 1 one slip apart, 0 different; `None` when a side has none.
fn best_birth_dates<'a>(left: &'a Prepared, right: &'a Prepared) -> Option<(u8, &'a PartialDate, &'a PartialDate)> {
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
    best
}

/// Whether both records give birth dates and none agrees (one slip apart included): what
/// `birthDate` counts against. Cross-reference refuses to chain such records together.
pub fn birth_dates_disagree(left: &Prepared, right: &Prepared) -> bool {
    best_birth_dates(left, right).is_some_and(|(rank, _, _)| rank <= 1)
}

fn birth_date<S: Sink>(left: &Prepared, right: &Prepared, p: &Params, sink: &mut S) {
    // The best-agreeing pair decides: exact, then contained, then one slip apart, then different.
    let Some((r, a, b)) = best_birth_dates(left, right) else { return };
    let def = &BIRTH_DATE;
    match r {
        3 if p.birth_date_day_agrees > 0.0 && a.day.is_some() && !(a.month == Some(1) && a.day == Some(1)) => sink
            .push(&BIRTH_DATE_V3, p.birth_date_agrees + p.birth_date_day_agrees, 1.0, || {
                format!("both born {a}, the same day")
            }),
        3 => sink.push(def, p.birth_date_agrees, 1.0, || format!("both born {a}")),
        2 => {
            let (lo, hi) = if a.precision() <= b.precision() { (a, b) } else { (b, a) };
            // A shared year alone says less than a shared month.
            let value = if lo.precision() >= 2 { p.birth_date_month_contains } else { p.birth_date_year_contains };
            sink.push(def, p.birth_date_agrees, value, || format!("{hi} falls within {lo}"));
        }
        1 => sink.push(def, p.birth_date_disagrees, p.birth_date_one_slip, || {
            format!("birth dates one slip apart (a typo or off-by-one year?): {a} against {b}")
        }),
        _ => sink.push(def, p.birth_date_disagrees, -1.0, || format!("birth dates differ: {a} against {b}")),
    }
}
