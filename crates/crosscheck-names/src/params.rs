//! The name score's numbers, named and documented in one struct: [`NameParams`]. `V1` holds the
//! numbers the score has used since it was calibrated (they were inline `const`s and literals in
//! `score.rs`); the goldens (`tests/golden.rs`) hold that `V1` reproduces those scores bit for
//! bit.
//!
//! Decisions:
//! - One macro declares each field once, with its doc and its `V1` value, and generates the
//!   struct, `V1` and [`NameParams::canonical`] from that one list, so a field cannot be added
//!   to the struct and forgotten in the canonical text (and so in a scorer id that hashes it).
//! - The canonical text is one `name = value` line per field, in declaration order, each value
//!   written by `f32`'s `Debug` (the shortest text that parses back to the same bits: `0.55`,
//!   not `0.550000011920929`), so it is the same on every platform and release of Rust.
//! - Numbers are calibrated so that the match scorer's 0.7 line separates "same person, written
//!   differently" from "different person". Pair scores are capped below 1.0 unless the tokens are
//!   identical, so a score of exactly 1.0 means "the same normalised name".
//! - Out of scope on purpose: the token weights (`tokens.rs`: word 1.0, initial 0.3, particle
//!   0.15, the rarity curve) and the frequency thresholds of the tables, because a token is
//!   prepared once and memoised per word, and the index keys must not depend on a score setting.

macro_rules! name_params {
    (
        $( $(#[doc = $doc:expr])+ $field:ident = $value:expr ),+ $(,)?
        ;
        added for v2:
        $( $(#[doc = $adoc:expr])+ $afield:ident = $aneutral:expr ),* $(,)?
    ) => {
        /// The numbers of the name score (see the module doc). Every field is a multiplier, a
        /// score in [0, 1] or a similarity threshold.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct NameParams {
            $( $(#[doc = $doc])+ pub $field: f32, )+
            $( $(#[doc = $adoc])+ pub $afield: f32, )*
        }

        impl NameParams {
            /// The numbers of the score as calibrated (scorer `crosscheck-v1`); the fields added
            /// since hold their neutral value, at which their rule does nothing.
            pub const V1: NameParams = NameParams { $( $field: $value, )+ $( $afield: $aneutral, )* };

            /// Every field as `name = value`, one per line in declaration order, values in
            /// `f32`'s shortest round-trip form: stable across platforms, for hashing into a
            /// scorer id. A field added after v1 is written only when it is not at its neutral
            /// value, so that adding a rule leaves the text (and the id) of v1 as it was.
            pub fn canonical(&self) -> String {
                let mut out = String::new();
                $(
                    out.push_str(concat!(stringify!($field), " = "));
                    out.push_str(&format!("{:?}", self.$field));
                    out.push('\n');
                )+
                $(
                    if self.$afield.to_bits() != ($aneutral as f32).to_bits() {
                        out.push_str(concat!(stringify!($afield), " = "));
                        out.push_str(&format!("{:?}", self.$afield));
                        out.push('\n');
                    }
                )*
                out
            }
        }
    };
}

name_params! {
    // --- token pairs (pairing.rs)
    /// Two tokens whose phonetic keys (or second readings, across scripts) are equal.
    same_key = 0.97,
    /// A Latin/Cyrillic spelling pair learnt from Wikidata (White / Уайт), or a native-script
    /// word against a Latin spelling Wikidata gives for it (ماري / Marie).
    spelling_pair = 0.95,
    /// Gendered forms of one Slavic surname (Ivanov / Ivanova).
    gender_form = 0.92,
    /// Given names in one name group (hypocorisms, cross-language forms: Sasha / Aleksandr).
    name_variant = 0.88,
    /// An initial against a word it starts.
    initial = 0.85,
    /// Two legal forms with the same generic form (ООО / LLC).
    same_legal_form = 0.9,
    /// Particles across scripts (von / фон).
    particle_variant = 0.9,
    /// Key similarity two particles across scripts need.
    particle_similarity = 0.6,
    /// A close spelling scores this times its edit similarity.
    typo_scale = 0.95,
    /// Similarity a close spelling needs: keys of up to three letters, and (next) longer keys.
    min_similarity_short = 0.79,
    /// (longer keys)
    min_similarity = 0.62,
    /// Similarity two different attested given names need to count as one spelling (Fridrich /
    /// Friedrich 0.92, Mikhail / Michail 0.94; Marina / Mariya 0.82 is two names).
    known_given_floor = 0.84,
    /// The same for two surnames attested a hundred times (Ryzhov / Chizhov 0.85: two families).
    known_surname_floor = 0.86,
    /// Score of two words spelling the same letters in another order (Nitup / Putin): a
    /// deliberate or careless garbling rather than a spelling.
    scrambled = 0.75,
    /// A close spelling costs nothing above `typo_hi` similarity and a full conflict at
    /// `typo_lo`, linearly in between.
    typo_lo = 0.5,
    /// (see `typo_lo`)
    typo_hi = 0.85,
    /// Edit cost a typo may have in a word of up to `typo_slip_letters` letters (two
    /// substitutions), and the margin over which it turns into a conflict: typing errors come
    /// one or two per word whatever its length (Castro / Castillo is another name).
    typo_slips = 1.75,
    /// (see `typo_slips`)
    typo_slip_margin = 0.4,
    /// (see `typo_slips`)
    typo_slip_letters = 8.0,
    /// Multiplier for a close spelling whose first consonants differ (Lavrov / Navros: slips
    /// rarely hit the first letter).
    first_letter = 0.9,

    // --- alignment (alignment.rs)
    /// A pair at least this good is a near-perfect partner: the edit similarity is not tried
    /// between two tokens that both have one (it could not change the alignment).
    strong_pair = 0.95,
    /// Similarity two neighbouring words joined need with one word of the other name to count
    /// as one word written in two pieces (Patr ushev / Patrushev).
    split_similarity = 0.9,
    /// The pair score of such a split is this times its similarity.
    split_scale = 0.95,

    // --- aggregation (aggregation.rs)
    /// Multiplier for each pair of disagreeing word tokens: one conflicting given name, surname
    /// or patronymic takes a perfect pair from 1.0 to about 0.55, however many others agree.
    conflict = 0.55,
    /// Multiplier for an initial that disagrees with the other side's word or initial.
    conflict_initial = 0.6,
    /// Multiplier for different legal forms (AG vs GmbH).
    conflict_legal = 0.65,
    /// Multiplier for different org-name symbols (Company vs International).
    conflict_symbol = 0.75,
    /// Multiplier for different numbers.
    conflict_number = 0.75,
    /// Weight (relative to the token's own) that a word only one person name has costs: a
    /// middle name or patronymic is often left out.
    omit_person = 0.3,
    /// The same when at least two other words of the names agree.
    omit_person_corroborated = 0.2,
    /// The same for organisation names: an extra word usually means another company.
    omit_org = 0.9,
    /// The same for a word of the other name when one name is a title and a surname
    /// (President Macron): the given names were left out on purpose.
    omit_after_title = 0.15,
    /// The same for a country in one company name only (a national subsidiary).
    omit_place = 1.5,
    /// The same for a series number in one company name only (another fund or vehicle), and
    /// in a person's name.
    omit_number_org = 2.0,
    /// (a number in a person's name)
    omit_number = 0.5,
    /// The same for a light org-name symbol (Company, Group), and for any other token
    /// (particles, stopwords, legal forms).
    omit_light_symbol = 0.5,
    /// (any other token)
    omit_other = 0.15,
    /// Token weight from which an org-name symbol says which company of a group it is
    /// (Trust, Systems, Holding): it conflicts and is omitted like a word.
    heavy_symbol_weight = 0.8,
    /// Multiplier when no word aligned at all although both names have words.
    no_word_aligned = 0.3,
    /// Cap on the score of a name made only of initials against a written-out name (N. N. fits
    /// thousands of people).
    initials_only_cap = 0.6,
    /// Multiplier when the names' forms point to different genders.
    gender_mismatch = 0.7,

    // --- fallbacks (fallbacks.rs)
    /// A name written without spaces: this times the similarity of the joined keys, which must
    /// reach at least `joined_min_similarity` (and at most one slip).
    joined_scale = 0.95,
    /// (see `joined_scale`)
    joined_min_similarity = 0.9,
    /// Score of a name in Han characters whose pinyin spells the other, Latin name word for
    /// word: high, but below a same-script match, since pinyin without tones joins homophones.
    han_pinyin = 0.9,
    /// The same for Hangul against a Latin name: the key that brings the romanisations
    /// together (jeong / jong / chong) also joins a few syllables Hangul keeps apart (정 / 종).
    hangul_reading = 0.85,
    /// Score of an abbreviation against the written-out name (PLA / People's Liberation Army).
    acronym = 0.85,
    /// The same with a country after the abbreviation (PLA China).
    acronym_with_place = 0.75,
    /// Highest score of two names that are not the same normalised name.
    max_score = 0.99;

    // Fields added for crosscheck-v2. Each has a neutral value (its rule does nothing; v1
    // keeps it) and its v2 value is set in `NameParams::V2`.
    added for v2:
    // --- false alarms on common names (aggregation.rs)
    /// 1 = an initial aligned with a word counts only when every other word of the initial's
    /// name found a partner: "J. Smith" is John Smith, but the C of "Jon C. Porter" says
    /// nothing of "Cheng Yun" once Porter is left over (0 = the rule is off).
    initial_needs_rest = 0.0,
    /// Cap on the score when a given name the tables know is all two person names share
    /// while one of them has two words or more ("Reza Weimer" / "Reza", "Ben Ali" / "Ali
    /// Ozmai"): thousands of people are called Mark or Reza, so one shared given name is weak
    /// evidence, which a birth date alone must not lift over the line. A shared rare word (a
    /// surname: Ben Netanyahu / Benjamin Netanyahu) is not capped. 1 = no cap.
    single_given_cap = 1.0,
    /// A given name aligned with a surname, where the writing of both names says which word is
    /// which (capitals, a comma, Given I. Surname): the pair counts this times its score, and a
    /// given-name variant (David / Davis) does not align across roles at all. 1 = off.
    cross_role = 1.0,
    /// Two patronymics aligned as a close spelling below this similarity are different
    /// fathers and conflict like two given names (Yuryevich / Igorevich), instead of costing a
    /// typo's share; above it they are spellings of one (Yurievich / Yuryevich). 0 = off.
    patronymic_min_similarity = 0.0,
    /// 1 = a name's gender is read only from forms that mark it in Slavic and Baltic names (a
    /// patronymic with a given name and a surname beside it, a surname ending the tables know
    /// as gendered, a given name), so a South Slavic -ić or a Spanish Medina points nowhere; and
    /// two words align as gendered forms of one surname only when they are Slavic (a known
    /// surname, Cyrillic, or beside a patronymic): Martin / Martina are two given names.
    slavic_gender_only = 0.0,

    // --- Western names in Cyrillic (pairing.rs)
    /// Score of a Latin word against a Cyrillic word when one of the Latin word's Western
    /// readings (its German, Polish, English, Italian, Spanish or Hungarian spelling as Russian
    /// writes it: Dietrich / Дитрих, Łazarkiewicz / Лазаркевич, Wakefield / Уэйкфилд) gives the
    /// Cyrillic word's key. Neutral 0: the readings are not consulted.
    western_reading = 0.0,
    /// Similarity from which an aligned close spelling across scripts, measured on a Western
    /// reading of the Latin word, is a spelling rather than a slip, so it costs no typo penalty:
    /// Russian spells a foreign name by ear and one vowel may still differ (Hornbuckle /
    /// Хорнбакл). The readings also count towards the similarity only when
    /// `western_reading` is on. Neutral 2 (above any similarity): never.
    western_reading_close = 2.0,
}

impl NameParams {
    /// The numbers of scorer `crosscheck-v2`: v1's, with the rules added since switched on.
    pub const V2: NameParams = NameParams {
        initial_needs_rest: 1.0,
        cross_role: 0.5,
        single_given_cap: 0.5,
        patronymic_min_similarity: 0.85,
        slavic_gender_only: 1.0,
        // Western names in Cyrillic: a reading is as good as a learnt spelling pair
        // (`spelling_pair`); a close reading from the similarity at which v1's typo penalty
        // starts to bite (`typo_hi`) down to a few points below it
        western_reading: 0.95,
        western_reading_close: 0.75,
        ..NameParams::V1
    };
}

impl Default for NameParams {
    fn default() -> Self {
        NameParams::V1
    }
}

#[cfg(test)]
mod tests {
    use super::NameParams;

    #[test]
    fn canonical_lists_every_field_and_reads_back() {
        let text = NameParams::V1.canonical();
        assert!(text.starts_with("same_key = 0.97\nspelling_pair = 0.95\n"), "{text}");
        assert!(text.contains("\nconflict = 0.55\n") && text.ends_with("max_score = 0.99\n"), "{text}");
        for line in text.lines() {
            let (name, value) = line.split_once(" = ").expect("name = value");
            assert!(!name.is_empty() && value.parse::<f32>().is_ok(), "{line}");
        }
        // a changed number changes the text
        let tuned = NameParams { conflict: 0.5, ..NameParams::V1 };
        assert_ne!(tuned.canonical(), text);
        assert!(tuned.canonical().contains("\nconflict = 0.5\n"));
    }
}
