//! Gender hints from the forms of a name (for scoring a mismatch against a pair, never as a fact).
//!
//! Decision: patronymics are the strongest signal (-ovich/-evich/-ich/-ovych vs -ovna/-evna/-ichna/
//! -ivna), then surname endings with a known opposite form (-ova/-eva/-ina/-skaya/-aya vs -ov/-ev/
//! -in/-sky), then given names. Tokens arrive already transliterated to Latin, so one rule set
//! serves Cyrillic and Latin input; endings cover the common romanisations (-skiy, -skii, -sky,
//! -skyi, -skij). Contradicting signals give `None`.

/// Grammatical gender of a person's name forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Female,
    Male,
}

const PATRONYMIC_F: &[&str] = &["ovna", "evna", "ievna", "ichna", "ivna", "yevna", "ovnaa", "ovny"];
const PATRONYMIC_M: &[&str] =
    &["ovich", "evich", "ovych", "evych", "ich", "ych", "ovic", "ovitch", "evitch", "ovitsch"];
const SURNAME_F: &[&str] =
    &["ova", "eva", "yova", "ina", "yna", "skaya", "skaia", "skaja", "tskaya", "tskaia", "zkaya", "aya", "aia", "kaya"];
const SURNAME_M: &[&str] = &[
    "ov", "ev", "yov", "in", "yn", "sky", "skiy", "skii", "skij", "skyi", "skyy", "ski", "tskiy", "tsky", "oy", "iy",
    "off", "ow", "ew",
];

/// (Latin token) → gender of a patronymic form, if it is one.
pub(crate) fn patronymic_gender(token: &str) -> Option<Gender> {
    if token.len() < 6 {
        return None;
    }
    if PATRONYMIC_F.iter().any(|s| token.ends_with(s)) {
        return Some(Gender::Female);
    }
    if PATRONYMIC_M.iter().any(|s| token.ends_with(s)) && token.len() >= 7 {
        return Some(Gender::Male);
    }
    None
}

/// (Latin token) → gender of a Slavic surname form, if its ending marks one.
pub(crate) fn surname_gender(token: &str) -> Option<Gender> {
    if token.len() < 4 {
        return None;
    }
    if SURNAME_F.iter().any(|s| token.ends_with(s)) {
        return Some(Gender::Female);
    }
    if SURNAME_M.iter().any(|s| token.ends_with(s)) {
        return Some(Gender::Male);
    }
    None
}

pub(crate) fn hint(tables: &crate::tables::Tables, tokens: &[crate::Token]) -> Option<Gender> {
    hint_with(tables, tokens, false)
}

/// [`hint`] from the forms that mark gender in Slavic and Baltic names only: a male patronymic
/// ending (-ovich, -ich) only in a name of three words or more (given name, patronymic,
/// surname; in "Petar Jovanović" -ić is a South Slavic surname, which has no gender), a surname
/// ending only on a surname the frequency table knows (so Medina or Kaya, which end like
/// Russian feminine forms, point nowhere), the Lithuanian feminine endings (-ienė, -aitė,
/// -ytė), and given names the tables know.
pub(crate) fn hint_strict(tables: &crate::tables::Tables, tokens: &[crate::Token]) -> Option<Gender> {
    hint_with(tables, tokens, true)
}

/// Lithuanian married and maiden surname endings (Latin keys): feminine, and found on no
/// masculine name.
const BALTIC_F: &[&str] = &["iene", "aite", "yte", "ute"];

fn hint_with(tables: &crate::tables::Tables, tokens: &[crate::Token], strict: bool) -> Option<Gender> {
    let mut female: u32 = 0;
    let mut male: u32 = 0;
    let n_words = tokens.iter().filter(|t| t.class == crate::TokenClass::Word).count();
    for tok in tokens {
        if tok.class != crate::TokenClass::Word {
            continue;
        }
        let t = &tok.text;
        let patronymic = patronymic_gender(t).filter(|g| !strict || *g == Gender::Female || n_words >= 3);
        if strict && patronymic.is_none() && BALTIC_F.iter().any(|s| t.len() > s.len() + 2 && t.ends_with(s)) {
            female += 1;
            continue;
        }
        if let Some(g) = patronymic {
            match g {
                Gender::Female => female += 3,
                Gender::Male => male += 3,
            }
        } else if let Some(g) = tables.given_name_gender_by_key(&tok.key) {
            match g {
                Gender::Female => female += 2,
                Gender::Male => male += 2,
            }
        } else if let Some(g) = surname_gender(t).filter(|_| !strict || tok.known_surname) {
            match g {
                Gender::Female => female += 1,
                Gender::Male => male += 1,
            }
        }
    }
    match (female, male) {
        (0, 0) => None,
        (f, m) if f > 0 && m > 0 && f.abs_diff(m) < 2 => None,
        (f, m) if f > m => Some(Gender::Female),
        _ => Some(Gender::Male),
    }
}
