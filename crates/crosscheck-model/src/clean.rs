//! Cleaning a raw value into the canonical form of its property type.
//!
//! Cleaning never fails: a value that cannot be read as its type becomes [`Cleaned::Dropped`]
//! with the reason, so loaders can count it and explanations can mention it. This follows
//! FollowTheMoney's `types/common.py`, where an invalid value cleans to "no value".

use crate::schema::PropType;
use crate::{country, date::PartialDate};
use unicode_normalization::UnicodeNormalization;

/// The outcome of cleaning one raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cleaned {
    /// The canonical value.
    Value(String),
    /// Nothing to keep (blank input).
    Empty,
    /// The value could not be read as its type; the reason says why.
    Dropped(&'static str),
}

/// ASCII text that [`collapse`] would return unchanged.
fn is_collapsed_ascii(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    raw.is_ascii()
        && !bytes.first().is_some_and(|b| b.is_ascii_whitespace())
        && !bytes.last().is_some_and(|b| b.is_ascii_whitespace())
        && !bytes.iter().any(|b| b.is_ascii_control())
        && !bytes.windows(2).any(|w| w[0] == b' ' && w[1] == b' ')
}

/// `raw` itself when cleaning it as `kind` would return it unchanged (already collapsed ASCII
/// of a type cleaning does not rewrite), so the caller keeps its string instead of a copy.
pub fn already_clean(kind: PropType, raw: String) -> Result<String, String> {
    let rewritten = matches!(kind, PropType::Date | PropType::Country | PropType::Gender | PropType::Email);
    if !rewritten && !raw.is_empty() && is_collapsed_ascii(&raw) {
        Ok(raw)
    } else {
        Err(raw)
    }
}

/// Collapses whitespace, strips control and zero-width characters, and composes to NFC.
pub fn collapse(raw: &str) -> String {
    collapse_cow(raw).into_owned()
}

/// [`collapse`], borrowing `raw` when it is already collapsed.
fn collapse_cow(raw: &str) -> std::borrow::Cow<'_, str> {
    // Fast path: most values are already clean ASCII (no NFC work, nothing to collapse).
    if is_collapsed_ascii(raw) {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.nfc() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' || c == '\u{200c}' || c == '\u{200d}' {
            if c.is_whitespace() {
                pending_space = !out.is_empty();
            }
            continue;
        }
        if c.is_control() {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out.into()
}

/// Normalises gender spellings to FtM's `male`, `female`, `other`.
pub fn gender(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    // already canonical (nearly every value a load sees): no lower-cased copy
    if let Some(g) = ["male", "female", "other"].into_iter().find(|g| *g == raw) {
        return Some(g);
    }
    match raw.to_lowercase().as_str() {
        "m" | "male" | "man" | "м" | "муж" | "мужской" | "чоловіча" => Some("male"),
        "f" | "female" | "woman" | "ж" | "жен" | "женский" | "жіноча" => Some("female"),
        "x" | "other" | "diverse" => Some("other"),
        _ => None,
    }
}

/// Cleans `raw` as a value of type `kind`.
pub fn clean_value(kind: PropType, raw: &str) -> Cleaned {
    let text = collapse_cow(raw);
    if text.is_empty() {
        return Cleaned::Empty;
    }
    match kind {
        PropType::Date => match PartialDate::parse_loose(&text) {
            Some(d) => Cleaned::Value(d.to_iso()),
            None => Cleaned::Dropped("not a date"),
        },
        PropType::Country => match country::code(&text) {
            Some(c) => Cleaned::Value(c),
            None => Cleaned::Dropped("not a known country"),
        },
        PropType::Gender => match gender(&text) {
            Some(g) => Cleaned::Value(g.to_string()),
            None => Cleaned::Dropped("not a gender"),
        },
        PropType::Email => Cleaned::Value(text.to_lowercase()),
        _ => Cleaned::Value(text.into_owned()),
    }
}

#[cfg(test)]
mod kept {
    use super::*;

    proptest::proptest! {
        /// A value kept as it is must be exactly what cleaning would have made of it.
        #[test]
        fn a_kept_value_is_its_own_cleaning(raw in "[ -~\t\n\u{a0}é]{0,20}", k in 0usize..14) {
            let kinds = [
                PropType::Name, PropType::Date, PropType::Country, PropType::Identifier, PropType::Address,
                PropType::Phone, PropType::Email, PropType::Url, PropType::Entity, PropType::Gender,
                PropType::Text, PropType::String, PropType::Number, PropType::Topic,
            ];
            if let Ok(same) = already_clean(kinds[k], raw.clone()) {
                proptest::prop_assert_eq!(clean_value(kinds[k], &raw), Cleaned::Value(same));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_table() {
        let table = [
            (PropType::Name, "  Gleb \u{200b} Ivanov\n", Cleaned::Value("Gleb Ivanov".into())),
            (PropType::Name, "   ", Cleaned::Empty),
            (PropType::Date, "14.03.1991", Cleaned::Value("1991-03-14".into())),
            (PropType::Date, "someday", Cleaned::Dropped("not a date")),
            (PropType::Country, "Russian Federation", Cleaned::Value("ru".into())),
            (PropType::Gender, "M", Cleaned::Value("male".into())),
            (PropType::Gender, "жен", Cleaned::Value("female".into())),
            (PropType::Email, "A@B.org", Cleaned::Value("a@b.org".into())),
        ];
        for (kind, input, want) in table {
            assert_eq!(clean_value(kind, input), want, "{kind:?} {input:?}");
        }
    }
}
