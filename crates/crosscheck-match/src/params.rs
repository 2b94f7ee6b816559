//! Every number a scorer uses, in one struct, each named and documented.
//!
//! Decision: the numbers live in data, not in the feature code, so that an algorithm is its
//! feature table plus one [`Params`] value, and so that the parameters have a canonical text
//! ([`Params::canonical_text`]) whose hash goes into the scorer's id (`crosscheck-v1+1a2b3c4d`).
//! A report that records the id therefore records exactly which numbers produced its scores.
//! The struct, its `V1` value and the list that feeds the canonical text are written once, by
//! the `params!` macro below, so a field cannot be added without reaching the hash.
//!
//! The name matcher's numbers (`crosscheck_names::NameParams`: conflict factors, typo bands,
//! floors, the gender and initials caps) are [`Params::names_params`], so v1's id covers them
//! too.

/// A value with a canonical text form: stable across platforms and Rust versions.
pub(crate) trait Canonical {
    fn canonical(&self) -> String;
}

impl Canonical for f64 {
    fn canonical(&self) -> String {
        // `{:?}` is the shortest text that reads back to the same bits ("0.12", "1.0").
        format!("{self:?}")
    }
}

impl Canonical for usize {
    fn canonical(&self) -> String {
        self.to_string()
    }
}

impl Canonical for crosscheck_names::NameParams {
    /// The names crate's own canonical text (`name = value` per line), on one line.
    fn canonical(&self) -> String {
        crosscheck_names::NameParams::canonical(self).lines().collect::<Vec<_>>().join("; ")
    }
}

/// One parameter as published: name, doc and value in its canonical text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamEntry {
    pub name: &'static str,
    pub doc: String,
    pub value: String,
}

macro_rules! params {
    (
        $( $(#[doc = $doc:literal])+ $field:ident: $ty:ty = $v1:expr; )+
        added for v2:
        $( $(#[doc = $adoc:literal])+ $afield:ident: $aty:ty = $aneutral:expr; )*
    ) => {
        /// The numbers of one algorithm: weights, the values and cut-offs inside features, the
        /// squash and rounding of the score, the default threshold, and preparation cut-offs.
        ///
        /// Weights are what a feature adds (`…_agrees`) or takes away (`…_disagrees`) at full
        /// strength; a feature's value in [-1, 1] scales them.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct Params {
            $( $(#[doc = $doc])+ pub $field: $ty, )+
            $( $(#[doc = $adoc])+ pub $afield: $aty, )*
        }

        impl Params {
            /// The parameters of `crosscheck-v1`, frozen: scores made with them are reproduced
            /// bit for bit (the golden tests hold it). Fields added since hold their neutral
            /// value, at which their rule does nothing.
            pub const V1: Params = Params { $( $field: $v1, )+ $( $afield: $aneutral, )* };

            /// Every parameter with its doc and canonical value, in declaration order. A
            /// parameter added after v1 is listed only when it is not at its neutral value, so
            /// that adding a rule leaves v1's canonical text, and so its id, as they were.
            pub fn entries(&self) -> Vec<ParamEntry> {
                #[allow(unused_mut)]
                let mut out = vec![$(
                    ParamEntry {
                        name: stringify!($field),
                        doc: doc_text(&[$($doc),+]),
                        value: Canonical::canonical(&self.$field),
                    },
                )+];
                $(
                    let neutral: $aty = $aneutral;
                    if Canonical::canonical(&self.$afield) != Canonical::canonical(&neutral) {
                        out.push(ParamEntry {
                            name: stringify!($afield),
                            doc: doc_text(&[$($adoc),+]),
                            value: Canonical::canonical(&self.$afield),
                        });
                    }
                )*
                out
            }
        }
    };
}

/// The canonical text of some parameters: one `name = value` line each, in the order given.
pub(crate) fn canonical_text(entries: &[ParamEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        out.push_str(entry.name);
        out.push_str(" = ");
        out.push_str(&entry.value);
        out.push('\n');
    }
    out
}

/// The first 8 hex digits of the SHA-1 of the parameters' canonical text.
pub(crate) fn digest_entries(entries: &[ParamEntry]) -> String {
    let hex = sha1_smol::Sha1::from(canonical_text(entries)).digest().to_string();
    hex[..8].to_string()
}

/// Joins `///` lines (each starts with a space) into one paragraph.
fn doc_text(lines: &[&str]) -> String {
    lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

params! {
    // weights
    /// Weight of `name`: the name matcher's score counts in full, so a pair with names alone
    /// scores what `crosscheck-names` gives it.
    name_agrees: f64 = 1.00;
    /// Weight of `birthDate` when the dates agree (exact) or one contains the other.
    birth_date_agrees: f64 = 0.12;
    /// Weight of `birthDate` when the dates differ: large enough that an identical name with a
    /// birth date years apart stays below the default threshold.
    birth_date_disagrees: f64 = 0.35;
    /// Weight of `identifier`: both records carry one normalised identifier.
    identifier_agrees: f64 = 0.30;
    /// Weight of `country` when the two sets of countries overlap.
    country_agrees: f64 = 0.04;
    /// Weight of `country` when both sides name countries and none is shared.
    country_disagrees: f64 = 0.08;
    /// Weight of `gender` when both sides give the same gender.
    gender_agrees: f64 = 0.02;
    /// Weight of `gender` when the genders differ: keeps an identical name below the threshold.
    gender_disagrees: f64 = 0.35;
    /// Weight of `birthPlace` when the birth places share a word.
    birth_place_agrees: f64 = 0.04;
    /// Weight of `schema` when one side is a person and the other is not known to be one.
    schema_disagrees: f64 = 0.10;
    /// Weight of `firstName` when both records name the given names and those differ.
    first_name_disagrees: f64 = 0.30;
    // values and cut-offs inside features
    /// `birthDate` value when a date of month precision (or finer) contains the other.
    birth_date_month_contains: f64 = 0.8;
    /// `birthDate` value when only a shared year contains the other date.
    birth_date_year_contains: f64 = 0.6;
    /// `birthDate` value when the dates are one clerical slip apart (a year off by one, one of
    /// day or month different, day and month swapped): a little against, far from `-1`.
    birth_date_one_slip: f64 = -0.15;
    /// `firstName` speaks against when the best pair of given names scores below this.
    first_name_differs_below: f64 = 0.5;
    // the score
    /// Raw scores above this are compressed smoothly toward (never to) 1.0, so strong pairs
    /// keep their order instead of piling up at 1.0.
    squash_from: f64 = 0.9;
    /// Scores are rounded down to multiples of one over this (10 000: four decimals), for
    /// stable output; a strong pair lands at 0.99xx, not 1.0.
    score_scale: f64 = 10_000.0;
    /// The default decision threshold: a pair is a match when its score reaches it. The name
    /// matcher calibrates 0.7 to separate the same name from different ones.
    default_threshold: f64 = 0.7;
    // preparation
    /// Identifiers shorter than this (in characters, once normalised) are ignored: short
    /// numbers are shared by chance.
    min_identifier_chars: usize = 5;
    /// Birth-place words shorter than this (in bytes of the Latin key) are ignored ("g.", "ul").
    min_birth_place_token_len: usize = 4;
    /// A name value is split into alternatives ("A/B", "A a.k.a. B") only when every part has
    /// at least this many letters ("M/V", "A/S" stay whole).
    min_alternative_letters: usize = 2;
    /// A person's alternatives are used only when each has at least this many words ("Anna
    /// Ivanova/Petrova" is one name with two surnames, not two names).
    min_person_alternative_words: usize = 2;
    // the name matcher
    /// The name matcher's own numbers (`crosscheck_names::NameParams`: conflict factors, typo
    /// bands, floors and caps), part of the scorer's id so that a change there changes it too.
    names_params: crosscheck_names::NameParams = crosscheck_names::NameParams::V1;
    added for v2:
    /// Weight of `schema` when one side is a person and the other an organisation (by schema,
    /// or by a legal form or org-name word in its name): large enough that a name alone never
    /// makes them one (an identical name lands below the threshold), small enough that a shared
    /// identifier still does. Neutral: v1's `schema_disagrees`, which v1 uses for both.
    schema_org_disagrees: f64 = 0.10;
    /// Weight of `birthPlace` when the gazetteer knows both birth places as different places
    /// (Hamburg against Lviv; never when it cannot decide: a place it does not know, two
    /// scripts it cannot relate, two towns a suburb apart). It also switches on the gazetteer
    /// for agreement: Кёльн is Cologne, Tver lies within Russia. Neutral 0: v1 compares words.
    birth_place_disagrees: f64 = 0.0;
    // added for v3 (issue 18: records of registries and leaks, which carry addresses and
    // full birth dates, cross-referenced whole)
    /// Weight of `address` when two addresses share what few people share: at least two
    /// words, one of them a number (a house number, a postcode) or three words in all. A
    /// household shares its address, so less than an identifier; a city and a country, which
    /// millions share, never count. A different address is not evidence against: people move.
    /// Neutral 0: v1 and v2 do not compare addresses.
    address_agrees: f64 = 0.0;
    /// What `birthDate` adds on top of `birth_date_agrees` when both dates are the same full
    /// day: one person in about 25,000 shares a full birth date by chance, one in 70 a year.
    /// Never for 1 January, which registries write when only the year is known. Neutral 0: v1
    /// and v2 weigh every agreement alike.
    birth_date_day_agrees: f64 = 0.0;
    // nomenklatura's algorithms (`name-based`, `logic-v1`): one weight per feature, named as
    // nomenklatura names the feature, signed as it writes them (a qualifier's is negative)
    /// Weight of nomenklatura's `jaro_name_parts` feature in `name-based`. Neutral 0: not part of v1 or v2.
    jaro_name_parts: f64 = 0.0;
    /// Weight of nomenklatura's `soundex_name_parts` feature in `name-based`. Neutral 0: not part of v1 or v2.
    soundex_name_parts: f64 = 0.0;
    /// Weight of nomenklatura's `name_literal_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    name_literal_match: f64 = 0.0;
    /// Weight of nomenklatura's `person_name_jaro_winkler` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    person_name_jaro_winkler: f64 = 0.0;
    /// Weight of nomenklatura's `person_name_phonetic_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    person_name_phonetic_match: f64 = 0.0;
    /// Weight of nomenklatura's `name_fingerprint_levenshtein` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    name_fingerprint_levenshtein: f64 = 0.0;
    /// Weight of nomenklatura's `name_metaphone_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    name_metaphone_match: f64 = 0.0;
    /// Weight of nomenklatura's `name_soundex_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    name_soundex_match: f64 = 0.0;
    /// Weight of nomenklatura's `address_entity_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    address_entity_match: f64 = 0.0;
    /// Weight of nomenklatura's `crypto_wallet_address` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    crypto_wallet_address: f64 = 0.0;
    /// Weight of nomenklatura's `isin_security_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    isin_security_match: f64 = 0.0;
    /// Weight of nomenklatura's `lei_code_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    lei_code_match: f64 = 0.0;
    /// Weight of nomenklatura's `ogrn_code_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    ogrn_code_match: f64 = 0.0;
    /// Weight of nomenklatura's `vessel_imo_mmsi_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    vessel_imo_mmsi_match: f64 = 0.0;
    /// Weight of nomenklatura's `inn_code_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    inn_code_match: f64 = 0.0;
    /// Weight of nomenklatura's `bic_code_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    bic_code_match: f64 = 0.0;
    /// Weight of nomenklatura's `identifier_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    identifier_match: f64 = 0.0;
    /// Weight of nomenklatura's `weak_alias_match` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    weak_alias_match: f64 = 0.0;
    /// Weight of nomenklatura's `country_mismatch` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    country_mismatch: f64 = 0.0;
    /// Weight of nomenklatura's `last_name_mismatch` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    last_name_mismatch: f64 = 0.0;
    /// Weight of nomenklatura's `dob_year_disjoint` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    dob_year_disjoint: f64 = 0.0;
    /// Weight of nomenklatura's `dob_day_disjoint` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    dob_day_disjoint: f64 = 0.0;
    /// Weight of nomenklatura's `gender_mismatch` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    gender_mismatch: f64 = 0.0;
    /// Weight of nomenklatura's `orgid_disjoint` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    orgid_disjoint: f64 = 0.0;
    /// Weight of nomenklatura's `numbers_mismatch` feature in `logic-v1`. Neutral 0: not part of v1 or v2.
    numbers_mismatch: f64 = 0.0;
}

impl Params {
    /// The parameters of `crosscheck-v2`: v1's, with the rules added since switched on and the
    /// name matcher's v2 numbers.
    pub const V2: Params = Params {
        schema_org_disagrees: 0.45,
        birth_place_disagrees: 0.08,
        names_params: crosscheck_names::NameParams::V2,
        ..Params::V1
    };

    /// `crosscheck-v3`: v2 with addresses compared and a shared full birth day weighing more
    /// (issue 18: whole registries and leaks cross-referenced, whose records carry both), and
    /// birth dates that disagree weighing enough that a name never carries them: born years
    /// apart (`birth_date_disagrees` 0.75: more than the threshold, so that an identical name
    /// with country and gender agreeing falls below half of it, not even a possible match) only
    /// an identifier with an address outweighs; one slip apart (`birth_date_one_slip` -0.55: among thousands of namesakes a
    /// date one keystroke away is as likely another person as a typo) an address or an
    /// identifier does. In v2 an identical name with country and gender agreeing still matched
    /// a birth date years apart (1.0 + 0.04 + 0.02 - 0.35).
    pub const V3: Params = Params {
        address_agrees: 0.25,
        birth_date_day_agrees: 0.12,
        birth_date_disagrees: 0.75,
        birth_date_one_slip: -0.55,
        ..Params::V2
    };
}

impl Params {
    /// The parameters of nomenklatura's `name-based`: its two feature weights (v1's other
    /// numbers are unused by it and not published).
    pub const NAME_BASED: Params = Params { jaro_name_parts: 0.5, soundex_name_parts: 0.5, ..Params::V1 };

    /// The parameters of nomenklatura's `logic-v1`: its feature weights as nomenklatura sets
    /// them, `address_entity_match` at 0 (not ported; see the scorer's doc). v1's other numbers
    /// are unused by it and not published.
    pub const LOGIC_V1: Params = Params {
        name_literal_match: 1.0,
        person_name_jaro_winkler: 0.8,
        person_name_phonetic_match: 0.9,
        name_fingerprint_levenshtein: 0.9,
        name_metaphone_match: 0.0,
        name_soundex_match: 0.0,
        address_entity_match: 0.0,
        crypto_wallet_address: 0.98,
        isin_security_match: 0.98,
        lei_code_match: 0.95,
        ogrn_code_match: 0.95,
        vessel_imo_mmsi_match: 0.95,
        inn_code_match: 0.95,
        bic_code_match: 0.95,
        identifier_match: 0.85,
        weak_alias_match: 0.8,
        country_mismatch: -0.2,
        last_name_mismatch: -0.2,
        dob_year_disjoint: -0.15,
        dob_day_disjoint: -0.2,
        gender_mismatch: -0.2,
        orgid_disjoint: -0.2,
        numbers_mismatch: -0.1,
        ..Params::V1
    };
}

impl Params {
    /// The canonical text the id hashes: one `name = value` line per parameter, in declaration
    /// order, floats in shortest round-trip form.
    pub fn canonical_text(&self) -> String {
        canonical_text(&self.entries())
    }

    /// The first 8 hex digits of the SHA-1 of [`Params::canonical_text`].
    pub fn digest(&self) -> String {
        digest_entries(&self.entries())
    }

    /// Compresses raw scores above `squash_from` smoothly toward (never past) 1.0, clamps below
    /// 0, and rounds down to multiples of `1 / score_scale`.
    pub fn squash(&self, raw: f64) -> f64 {
        let squashed = if raw <= self.squash_from {
            raw.max(0.0)
        } else {
            let room = 1.0 - self.squash_from;
            self.squash_from + room * (1.0 - (-(raw - self.squash_from) / room).exp())
        };
        (squashed * self.score_scale).floor() / self.score_scale
    }
}
