//! Helpers shared by the official list readers (OFAC, UN, EU, OpenSanctions): date expressions,
//! country spellings, enumerated cells, stable ids and the listing's details. Written here rather
//! than taken from a crate because they follow these lists' own conventions (`Korea, North`,
//! `(a) X, (b) Y`, `DOB circa 1960`); generic cleaning stays in `crosscheck-model`.
//!
//! Lists write birth dates as prose: `circa 1960`, `1960 to 1962`, `Between 1963 and 1968`,
//! `7.4.1956 or 16.4.1956`, `1965; 1966`. FtM has no range or "approximately" type, so, as
//! OpenSanctions' crawlers do, a range becomes every year it covers (capped, so a typo such as
//! `1960 to 2960` cannot explode into a thousand values) and "approximately Y" becomes `Y`; the
//! matcher then compares partial dates by their precision. What cannot be read is returned as
//! unread, so the reader can record it in `Entity::dropped` (counted in the load summary) instead
//! of losing it silently.
//!
//! Countries are written inverted (`Congo, Democratic Republic of the`), qualified (`possibly
//! Syria`), several to a cell (`Sudan/South Sudan`, `Iranian and US`) or as "don't know"
//! (`None Identified`); [`country_values`] turns them into names the model's table knows and
//! leaves the rest for the model to drop and count.
//!
//! Every listing also carries its details on the entity itself, so `match` and `verify` can show
//! them without a second lookup: `topics: sanction`, `program`, `notes` (the listing's reason or
//! remarks), `createdAt` (the listing date) and `publisher` (the authority). We chose this over
//! separate FtM `Sanction` entities because `loaded` counts stored entities and one listing should
//! stay one entity; a `Sanction` per listing can still be derived from these values later.

use crosscheck_model::{Entity, PartialDate};

#[cfg(test)]
pub(crate) mod testgen;

/// The most years a range of birth years expands to; wider ranges keep their two ends only.
pub(crate) const MAX_RANGE_YEARS: i32 = 12;

/// Reads a date expression into partial dates. Returns the dates and the parts it could not read.
pub(crate) fn date_values(text: &str) -> (Vec<PartialDate>, Vec<String>) {
    let mut dates: Vec<PartialDate> = Vec::new();
    let mut unread = Vec::new();
    for alternative in split_alternatives(text) {
        match one_date_expression(&alternative) {
            Some(found) => {
                for d in found {
                    if !dates.contains(&d) {
                        dates.push(d);
                    }
                }
            }
            None => unread.push(alternative),
        }
    }
    (dates, unread)
}

/// Adds the dates of `text` to `prop`; unread parts go to `entity.dropped`.
pub(crate) fn add_dates(entity: &mut Entity, prop: &str, text: &str) {
    let (dates, unread) = date_values(text);
    for d in dates {
        entity.add_clean(prop, d.to_string());
    }
    for u in unread {
        entity.dropped.push((prop.to_string(), u, "not a date"));
    }
}

/// Splits `a or b`, `a; b`, `(a) x (b) y`, `x (or y)`, and `a, b` or `a/b` (only when every part
/// holds a four-digit year, so `14/03/1991` and `Aug. 12, 1974` stay whole) into alternatives.
fn split_alternatives(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Parentheses hold alternatives (`11.2.1984 (or 11.3.1984)`) or enumeration markers (`(a)`).
    let text = separate_parentheses(text);
    for part in text.split(';') {
        let part = strip_marker(part.trim());
        let lower = part.to_lowercase();
        let mut pieces: Vec<String> = Vec::new();
        let mut rest = part;
        let mut lower_rest = lower.as_str();
        while let Some(pos) = lower_rest.find(" or ") {
            pieces.push(rest[..pos].to_string());
            rest = &rest[pos + 4..];
            lower_rest = &lower_rest[pos + 4..];
        }
        pieces.push(rest.to_string());
        for piece in pieces {
            // `12 Aug 1974, 13 Aug 1974` and `1965, 1966` list alternatives; `Aug. 12, 1974` is one
            // date. Split on commas only when every comma-separated part has a four-digit year.
            let comma_parts: Vec<&str> = piece.split([',', '/']).collect();
            if comma_parts.len() > 1 && comma_parts.iter().all(|p| has_year(p)) {
                out.extend(comma_parts.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()));
            } else if !piece.trim().is_empty() {
                out.push(piece.trim().to_string());
            }
        }
    }
    out
}

fn has_year(s: &str) -> bool {
    s.split(|c: char| !c.is_ascii_digit()).any(|t| t.len() == 4)
}

/// Turns parentheses and enumeration markers into `;` separators: `x (or y)` → `x ; or y `,
/// `(a) x (b) y` → `;a; x ;b; y`, `a) x b) y` → `; x ; y`.
fn separate_parentheses(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' => out.push(';'),
            ')' => {
                // `a)` at the start or after a space is a marker: drop the letter too.
                let letter = i >= 1 && chars[i - 1].is_ascii_lowercase();
                let alone = i < 2 || !chars[i - 2].is_alphanumeric();
                if letter && alone {
                    out.pop();
                }
                out.push(';');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Drops an enumeration marker (`a)`, or `a` left from `(a)`) or a leading `or` from the start.
fn strip_marker(s: &str) -> &str {
    let bytes = s.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_lowercase() && (bytes[1] == b')' || bytes[1] == b' ') {
        // `a) 1964`, or `a  1964` left from `(a) 1964`; but not `approximately`, `circa`, `or`.
        let rest = s[2..].trim_start();
        if bytes[1] == b')' || rest.starts_with(|c: char| c.is_ascii_digit() || c.is_uppercase()) {
            return rest;
        }
    }
    s.strip_prefix("or ").unwrap_or(s).trim()
}

/// One expression: a date, an approximate date, or a range.
fn one_date_expression(raw: &str) -> Option<Vec<PartialDate>> {
    // Four-letter month names would read as a year first (`June 30, 2012`): shorten them.
    let mut s = raw
        .trim()
        .trim_end_matches(['.', ',', ')'])
        .trim()
        .to_lowercase()
        .replace("june", "jun")
        .replace("july", "jul");
    s = s.replace("sept.", "sep.").replace("sept ", "sep ");
    for prefix in [
        "circa ",
        "ca. ",
        "ca ",
        "c. ",
        "approximately ",
        "approx. ",
        "approx ",
        "about ",
        "around ",
        "probably ",
        "possibly ",
        "born in ",
        "in ",
        "or ",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim().to_string();
        }
    }
    if let Some(rest) = s.strip_prefix("between ") {
        let (a, b) = rest.split_once(" and ")?;
        return range(a, b);
    }
    for sep in [" to ", " - ", " – ", "–"] {
        if let Some((a, b)) = s.split_once(sep) {
            return range(a, b);
        }
    }
    // `1960-1962`: two bare years joined by a hyphen (an ISO date has a month after the hyphen).
    if let Some((a, b)) = s.split_once('-') {
        if a.len() == 4
            && b.len() == 4
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
        {
            return range(a, b);
        }
    }
    if let Some(d) = PartialDate::parse_loose(&s) {
        return Some(vec![d]);
    }
    // A date followed by a remark: `4.6.1978 for the alias X`, `21.9.1964 POB: Oakvale`.
    let tokens: Vec<&str> = s.split_whitespace().collect();
    (1..=tokens.len().min(3)).rev().find_map(|n| {
        let rest_is_words = tokens.get(n).is_some_and(|t| !t.starts_with(|c: char| c.is_ascii_digit()));
        rest_is_words.then(|| PartialDate::parse_loose(&tokens[..n].join(" "))).flatten().map(|d| vec![d])
    })
}

/// Expands a range into the years it covers; a range within one year keeps the year.
fn range(a: &str, b: &str) -> Option<Vec<PartialDate>> {
    let from = PartialDate::parse_loose(a.trim())?;
    let to = PartialDate::parse_loose(b.trim())?;
    if to.year < from.year {
        return Some(vec![from, to]);
    }
    if from.year == to.year {
        return Some(vec![PartialDate::new(from.year, None, None)?]);
    }
    if to.year - from.year >= MAX_RANGE_YEARS {
        return Some(vec![from, to]);
    }
    Some((from.year..=to.year).filter_map(|y| PartialDate::new(y, None, None)).collect())
}

/// A stable id from a prefix and the parts that identify a record (hashed, 20 hex digits).
pub(crate) fn hashed_id(prefix: &str, parts: &[&str]) -> String {
    format!("{prefix}-{}", &sha1_smol::Sha1::from(parts.join("\u{1f}")).digest().to_string()[..20])
}

/// Splits a list cell on `sep`, trimming and dropping empty parts.
pub(crate) fn split_list(cell: &str, sep: char) -> impl Iterator<Item = &str> {
    cell.split(sep).map(str::trim).filter(|s| !s.is_empty())
}

/// Splits a cell on `;` and on enumeration markers `(a)`, `(b)`, ... (lists enumerate
/// alternatives: `(a) Sheikh, (b) Colonel`), trimming separators and stray quotes. A marker counts
/// only at the start or after a space, comma or quote, so `Company (a) Ltd` style text is rare to
/// split wrongly, and the parenthesised remarks of a value (`G. T. Road (probably ...)`) stay.
pub(crate) fn split_enumerated(cell: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    for piece in cell.split(';') {
        let bytes = piece.as_bytes();
        let (mut start, mut i) = (0, 0);
        while i + 2 < bytes.len() {
            let marker = bytes[i] == b'(' && bytes[i + 1].is_ascii_lowercase() && bytes[i + 2] == b')';
            if marker && (i == 0 || matches!(bytes[i - 1], b' ' | b',' | b'"')) {
                parts.push(&piece[start..i]);
                start = i + 3;
                i += 3;
            } else {
                i += 1;
            }
        }
        parts.push(&piece[start..]);
    }
    parts.into_iter().map(|p| p.trim().trim_matches(['"', ',', ' ']).trim()).filter(|p| !p.is_empty()).collect()
}

/// Adds `value` to `prop` when the entity's schema declares `prop`; otherwise to `fallback`
/// (when given and declared). Keeps e.g. a nationality on a company as its `country`.
pub(crate) fn add_declared(entity: &mut Entity, prop: &str, fallback: Option<&str>, value: &str) {
    let declared = |e: &Entity, p: &str| e.schema_def().and_then(|s| s.prop_type(p)).is_some();
    if declared(entity, prop) {
        entity.add(prop, value);
    } else if let Some(f) = fallback.filter(|f| declared(entity, f)) {
        entity.add(f, value);
    }
}

/// Adds the countries a list cell names (see [`country_values`]) to `prop` (or `fallback`).
pub(crate) fn add_countries(entity: &mut Entity, prop: &str, fallback: Option<&str>, cell: &str) {
    for value in country_values(cell) {
        add_declared(entity, prop, fallback, &value);
    }
}

/// The countries a list cell names. Lists write `Korea, North`, `Congo, Democratic Republic of
/// the`, `St. Kitts & Nevis`, `possibly Palestinian`, `Sudan/South Sudan`, `Iranian and US`,
/// `(a) German (b) Moroccan`: qualifiers and markers are dropped, inverted names turned round,
/// and a part is split on `/`, `,` and ` and ` only when it is not one known country as a whole
/// (so `Bosnia and Herzegovina` stays one). What is still unknown is returned as written, for the
/// model's cleaning to drop and count.
pub(crate) fn country_values(cell: &str) -> Vec<String> {
    if ["none identified", "unknown", "n/a", "-"].contains(&cell.trim().to_lowercase().as_str()) {
        return Vec::new(); // the list says it does not know: no value, rather than a dropped one
    }
    if let Some(whole) = one_country(cell) {
        return vec![whole]; // `Iran (Islamic Republic of)`
    }
    let cell = separate_parentheses(cell);
    let mut out = Vec::new();
    for part in cell.split(';') {
        let part = strip_marker(part.trim());
        if part.is_empty() {
            continue;
        }
        if let Some(c) = one_country(part) {
            out.push(c);
            continue;
        }
        let pieces: Vec<&str> = part.split([',', '/']).flat_map(|p| p.split(" and ")).collect();
        if pieces.len() > 1 && pieces.iter().all(|p| one_country(p.trim()).is_some()) {
            out.extend(pieces.iter().filter_map(|p| one_country(p.trim())));
        } else {
            out.push(part.to_string());
        }
    }
    out
}

/// One country name in a list's spelling, turned into a spelling the model's table knows.
fn one_country(raw: &str) -> Option<String> {
    let mut s = raw.trim().trim_end_matches('.').replace('&', "and");
    for qualifier in ["possibly ", "allegedly ", "assumed ", "presumed ", "probably ", "or ", "former "] {
        if s.to_lowercase().starts_with(qualifier) {
            s = s[qualifier.len()..].trim().to_string();
        }
    }
    if let Some(rest) = s.strip_prefix("St. ") {
        s = format!("Saint {rest}");
    }
    let known = |c: &str| crosscheck_model::country::code(c).map(|_| c.to_string());
    if let Some(c) = known(&s) {
        return Some(c);
    }
    // `Korea, North` → `North Korea`; `Congo, Democratic Republic of the` → `Democratic Republic of the Congo`.
    let (head, tail) = s.split_once(", ")?;
    known(&format!("{tail} {head}"))
}

/// Marks an entity as a listed target and records the authority.
pub(crate) fn mark_listed(entity: &mut Entity, publisher: &str) {
    entity.add_clean("topics", "sanction".to_string());
    entity.add("publisher", publisher);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(s: &str) -> (Vec<String>, Vec<String>) {
        let (d, u) = date_values(s);
        (d.iter().map(ToString::to_string).collect(), u)
    }

    #[test]
    fn date_expression_table() {
        let table: &[(&str, &[&str])] = &[
            ("10 Dec 1948", &["1948-12-10"]),
            ("1946", &["1946"]),
            ("circa 1960", &["1960"]),
            ("Approximately 1961", &["1961"]),
            ("1960 to 1962", &["1960", "1961", "1962"]),
            ("01 Jan 1960 to 31 Dec 1961", &["1960", "1961"]),
            ("Between 1963 and 1968", &["1963", "1964", "1965", "1966", "1967", "1968"]),
            ("12.9.1961", &["1961-09-12"]),
            ("7.4.1956 or 16.4.1956", &["1956-04-07", "1956-04-16"]),
            ("1965 or 1966", &["1965", "1966"]),
            ("1965; 1966", &["1965", "1966"]),
            ("29 April 1938", &["1938-04-29"]),
            ("Aug. 12, 1974", &["1974-08-12"]),
            ("12 Aug 1974, 13 Aug 1974", &["1974-08-12", "1974-08-13"]),
            ("1960-1962", &["1960", "1961", "1962"]),
            ("1962-07", &["1962-07"]),
            ("1900 to 1990", &["1900", "1990"]),
        ];
        for (input, want) in table {
            let (got, unread) = dates(input);
            assert_eq!(got, *want, "{input}");
            assert!(unread.is_empty(), "{input}: {unread:?}");
        }
        for (input, want) in [
            ("(a) 29.11.1961 (b) 12.11.1961", &["1961-11-29", "1961-11-12"][..]),
            ("a) 1965 b) 27.7.1963", &["1965", "1963-07-27"]),
            ("11.2.1984 (or 11.3.1984)", &["1984-02-11", "1984-03-11"]),
            ("1959/1960", &["1959", "1960"]),
            ("22.10.1966 / 1967", &["1966-10-22", "1967"]),
            ("(Apr. 1963)", &["1963-04"]),
            ("Probably 1973", &["1973"]),
            ("14/03/1991", &["1991-03-14"]),
            ("June 30, 2012", &["2012-06-30"]),
            ("4.6.1978 (16.5.1975 for the alias X)", &["1978-06-04", "1975-05-16"]),
            ("21.9.1964 POB: Oakvale", &["1964-09-21"]),
        ] {
            assert_eq!(dates(input).0, want, "{input}");
        }
        assert_eq!(dates("unknown").1, ["unknown"]);
        assert_eq!(dates("1970 or later").0, ["1970"]);
    }

    #[test]
    fn country_spellings() {
        let table: &[(&str, &[&str])] = &[
            ("Bosnia and Herzegovina", &["Bosnia and Herzegovina"]),
            ("Sudan/South Sudan", &["Sudan", "South Sudan"]),
            ("(a) Germany (b) Morocco", &["Germany", "Morocco"]),
            ("possibly Syria", &["Syria"]),
            ("Russian and Ukrainian", &["Russian", "Ukrainian"]),
            ("St. Lucia", &["Saint Lucia"]),
            ("Atlantis", &["Atlantis"]),
            ("None Identified", &[]),
            ("Iran (Islamic Republic of)", &["Iran (Islamic Republic of)"]),
        ];
        for (input, want) in table {
            let got = country_values(input);
            assert_eq!(got, *want, "{input}");
        }
    }

    /// The fictional files in `tests/fixtures/lists` are detected as their format and read
    /// with the expected counts of entities and rejects.
    #[test]
    fn fixtures_are_detected_and_read() {
        use crate::{open, Format, ReaderOptions, Record};
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists");
        let table = [
            ("ofac/sdn.csv", Format::OfacSdn, 4, 0),
            ("ofac/alt.csv", Format::OfacSdn, 3, 0), // alone: nothing to check the orphan against
            ("ofac/add.csv", Format::OfacSdn, 2, 0),
            ("un/consolidated.xml", Format::UnXml, 3, 0),
            ("eu/32099R0001.csv", Format::EuJournal, 3, 0),
            ("opensanctions/targets.simple.csv", Format::OpenSanctionsSimple, 3, 0),
        ];
        for (file, format, n_entities, n_rejects) in table {
            let path = dir.join(file);
            assert_eq!(crate::detect_format(&path, false).unwrap(), format, "{file}");
            let options = ReaderOptions { dataset: format!("fixture-{file}"), ..Default::default() };
            let records: Vec<Record> = open(&path, None, &options).unwrap().records.collect();
            let rejects = records.iter().filter(|r| matches!(r, Record::Rejected(_))).count();
            assert_eq!((records.len() - rejects, rejects), (n_entities, n_rejects), "{file}");
        }
    }

    #[test]
    fn enumerated_cells() {
        let table: &[(&str, &[&str])] = &[
            ("(a) Sheikh, (b) Colonel", &["Sheikh", "Colonel"]),
            (
                "\"(a) 1 Road (probably Main Road), Oakvale; (b) 2 Lane",
                &["1 Road (probably Main Road), Oakvale", "2 Lane"],
            ),
            ("Toby Quill; Тоби Квил", &["Toby Quill", "Тоби Квил"]),
            ("Oakvale", &["Oakvale"]),
            ("", &[]),
        ];
        for (input, want) in table {
            assert_eq!(split_enumerated(input), *want, "{input}");
        }
    }

    #[test]
    fn hashed_ids_are_stable() {
        assert_eq!(hashed_id("eu", &["a", "b"]), hashed_id("eu", &["a", "b"]));
        assert_ne!(hashed_id("eu", &["a", "b"]), hashed_id("eu", &["ab", ""]));
        assert_eq!(hashed_id("eu", &["a"]).len(), "eu-".len() + 20);
    }
}
