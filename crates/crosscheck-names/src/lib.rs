//! Names across scripts: normalisation, transliteration to a Latin key, tokens, and a name score
//! that explains itself. No IO.
//!
//! The API is two calls: [`Name::parse`] prepares a name once (the expensive part: normalising,
//! transliterating, splitting), and [`compare`] scores two prepared names. [`Name::index_keys`]
//! gives the keys a candidate index files the name under, chosen so that the same name in
//! another script, transliteration or word order shares at least one key.
//!
//! ```
//! use crosscheck_names::{compare, Name, NameKind};
//!
//! let a = Name::parse("Иван Петрович Сидоров", NameKind::Person);
//! let b = Name::parse("SIDOROV, Ivan", NameKind::Person);
//! assert!(compare(&a, &b).score > 0.8);
//! assert!(a.index_keys().iter().any(|k| b.index_keys().contains(k)));
//! ```

use unicode_normalization::UnicodeNormalization;

mod gender;
pub mod normalize;
mod tables;
pub mod translit;

pub use gender::Gender;

/// What kind of thing a name names; decides which rules apply (patronymics, legal forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    Person,
    Organization,
    Any,
}

/// A name prepared for comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The name as given.
    pub raw: String,
    /// The kind it was parsed as.
    pub kind: NameKind,
    /// Latin, lower-case tokens in the original order.
    pub tokens: Vec<String>,
}

/// The outcome of comparing two names.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    /// Similarity in [0, 1]; 1.0 only when the normalised names are identical.
    pub score: f64,
    /// One plain sentence: which tokens aligned and how.
    pub detail: String,
}

/// Lower-cases, strips diacritics and transliterates every script to Latin, keeping letters and
/// digits and turning everything else into single spaces.
pub fn latin_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut buf = [0u8; 4];
    for c in raw.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let ascii: &str = if c.is_ascii() { c.encode_utf8(&mut buf) } else { any_ascii::any_ascii_char(c) };
        for a in ascii.chars() {
            if a.is_ascii_alphanumeric() {
                out.push(a.to_ascii_lowercase());
            } else if !out.ends_with(' ') && !out.is_empty() && a != '\'' {
                out.push(' ');
            }
        }
    }
    out.trim_end().to_string()
}

impl Name {
    /// Prepares `raw` for comparison.
    pub fn parse(raw: &str, kind: NameKind) -> Self {
        let key = latin_key(raw);
        let tokens = key.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect();
        Self { raw: raw.to_string(), kind, tokens }
    }

    /// The gender the name's forms point to: a Slavic patronymic (-ovich / -ovna, -ivna), a
    /// gendered surname (-ova, -skaya, -ina / -ov, -sky), or a given name known to the tables.
    /// `None` when the forms disagree or say nothing. Works on Cyrillic and Latin spellings.
    pub fn gender_hint(&self) -> Option<Gender> {
        gender::hint(&self.tokens)
    }

    /// Keys for a candidate index: one per token of two letters or more, reduced to a skeleton
    /// that transliteration variants share (vowels after the first letter dropped, doubled
    /// letters collapsed, `y`/`j`/`i` and `kh`/`h` merged).
    pub fn index_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.tokens.iter().filter(|t| t.len() > 1).map(|t| skeleton(t)).collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

fn skeleton(token: &str) -> String {
    let t = token.replace("kh", "h").replace("ks", "x").replace("ph", "f");
    let mut out = String::new();
    for (i, c) in t.chars().enumerate() {
        let c = match c {
            'y' | 'j' => 'i',
            'w' => 'v',
            'c' if i == 0 => 'k',
            _ => c,
        };
        if i > 0 && matches!(c, 'a' | 'e' | 'i' | 'o' | 'u') {
            continue;
        }
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Scores two prepared names by aligning their tokens one to one (best pairs first).
pub fn compare(a: &Name, b: &Name) -> NameMatch {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return NameMatch { score: 0.0, detail: "one of the names is empty".into() };
    }
    if a.tokens == b.tokens {
        return NameMatch { score: 1.0, detail: format!("`{}` and `{}` are the same name", a.raw, b.raw) };
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::with_capacity(a.tokens.len() * b.tokens.len());
    for (i, ta) in a.tokens.iter().enumerate() {
        for (j, tb) in b.tokens.iter().enumerate() {
            pairs.push((strsim::jaro_winkler(ta, tb), i, j));
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut used_a = vec![false; a.tokens.len()];
    let mut used_b = vec![false; b.tokens.len()];
    let mut total = 0.0;
    let mut weight = 0.0;
    let mut aligned = Vec::new();
    for (s, i, j) in pairs {
        if used_a[i] || used_b[j] {
            continue;
        }
        used_a[i] = true;
        used_b[j] = true;
        let w = (a.tokens[i].len() + b.tokens[j].len()) as f64;
        let s = if s < 0.8 { 0.0 } else { s };
        total += s * w;
        weight += w;
        aligned.push(format!("{}~{}", a.tokens[i], b.tokens[j]));
    }
    let unmatched: usize = a
        .tokens
        .iter()
        .zip(&used_a)
        .chain(b.tokens.iter().zip(&used_b))
        .filter(|(_, u)| !**u)
        .map(|(t, _)| t.len())
        .sum();
    // Unaligned tokens (a missing middle name) count half: omission is common, not disagreement.
    weight += unmatched as f64 * 0.5;
    let score = if weight > 0.0 { (total / weight).min(0.999) } else { 0.0 };
    NameMatch { score, detail: format!("tokens aligned: {}", aligned.join(", ")) }
}

/// The best-scoring pair among two sets of names, with the indices of the pair.
pub fn compare_best(a: &[Name], b: &[Name]) -> Option<(usize, usize, NameMatch)> {
    let mut best: Option<(usize, usize, NameMatch)> = None;
    for (i, na) in a.iter().enumerate() {
        for (j, nb) in b.iter().enumerate() {
            let m = compare(na, nb);
            if best.as_ref().is_none_or(|(_, _, bm)| m.score > bm.score) {
                best = Some((i, j, m));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_script_and_order() {
        let p = |s| Name::parse(s, NameKind::Person);
        assert!(compare(&p("Иван Петрович Сидоров"), &p("Ivan Sidorov")).score > 0.7);
        assert!(compare(&p("John Smith"), &p("Smith, John")).score >= 0.99);
        assert!(compare(&p("John Smith"), &p("Maria Gonzalez")).score < 0.5);
    }

    #[test]
    fn gender_hints() {
        let g = |s| Name::parse(s, NameKind::Person).gender_hint();
        assert_eq!(g("Иванова Мария Петровна"), Some(Gender::Female));
        assert_eq!(g("Ivanov Ivan Ivanovich"), Some(Gender::Male));
        assert_eq!(g("Olena Viktorivna Kovalenko"), Some(Gender::Female));
        assert_eq!(g("Anna Zavershinskaya"), Some(Gender::Female));
        assert_eq!(g("John Smith"), None);
    }
}
