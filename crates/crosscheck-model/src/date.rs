//! Dates with partial precision, as FtM writes them: `1962`, `1962-07`, `1962-07-02`.
//!
//! Official lists write dates many ways (`14.03.1991`, `12 Aug. 1974`, `1974/08/12`); [`PartialDate::parse_loose`]
//! reads the common ones. Ranges and "approximately" are the loaders' business: they expand a
//! range into several values, because FtM has no range type.

use std::cmp::Ordering;
use std::fmt;

/// A calendar date known to the year, the month or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// How two partial dates relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRelation {
    /// Both known to the day and equal.
    Exact,
    /// Equal as far as the less precise one goes (`1991` and `1991-03-14`).
    Contains,
    /// Different.
    Differs,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl PartialDate {
    /// Builds a date, checking month and day ranges. Years run from 1000 to 2999.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Option<Self> {
        if !(1000..=2999).contains(&year) {
            return None;
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return None;
            }
            if let Some(d) = day {
                if d == 0 || d > days_in_month(year, m) {
                    return None;
                }
            }
        } else if day.is_some() {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// Parses the ISO forms `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (a time after `T` or a space is ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let s = s.split(['T', ' ']).next().unwrap_or(s);
        let mut parts = s.split('-');
        let year = parse_num(parts.next()?, 4, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_num(m, 1, 2)? as u8),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_num(d, 1, 2)? as u8),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Self::new(year as i32, month, day)
    }

    /// Parses ISO forms and the common European and English ones: `14.03.1991`, `14/03/1991`,
    /// `1991/03/14`, `03.1991`, `14 Mar 1991`, `March 1991`, `Mar. 14, 1991`.
    /// Slashed dates are read day first, as on the lists we load.
    pub fn parse_loose(s: &str) -> Option<Self> {
        let s = s.trim().trim_end_matches('.');
        if let Some(d) = Self::parse(s) {
            return Some(d);
        }
        let lower = s.to_lowercase();
        let tokens: Vec<&str> = lower
            .split(|c: char| c == '.' || c == '/' || c == ',' || c == '-' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .collect();
        let month_of = |t: &str| -> Option<u8> {
            let t = t.trim_end_matches('.');
            if t.len() < 3 {
                return None;
            }
            MONTHS.iter().position(|m| t.starts_with(m)).map(|i| i as u8 + 1)
        };
        let num = |t: &str| -> Option<u32> { t.parse::<u32>().ok() };
        match tokens.as_slice() {
            [a, b, c] => {
                if a.len() == 4 && a.bytes().all(|b| b.is_ascii_digit()) {
                    // 1991/03/14
                    let m = num(b).or_else(|| month_of(b).map(u32::from))?;
                    return Self::new(num(a)? as i32, Some(m as u8), Some(num(c)? as u8));
                }
                if let Some(m) = month_of(a) {
                    // Mar 14 1991
                    return Self::new(num(c)? as i32, Some(m), Some(num(b)? as u8));
                }
                let m = num(b).or_else(|| month_of(b).map(u32::from))?;
                if c.len() != 4 {
                    return None;
                }
                Self::new(num(c)? as i32, Some(m as u8), Some(num(a)? as u8))
            }
            [a, b] => {
                let (m, y) = if b.len() == 4 { (a, b) } else { (b, a) };
                if y.len() != 4 {
                    return None;
                }
                let m = num(m).or_else(|| month_of(m).map(u32::from))?;
                Self::new(num(y)? as i32, Some(m as u8), None)
            }
            [y] if y.len() == 4 => Self::new(num(y)? as i32, None, None),
            _ => None,
        }
    }

    /// How `self` relates to `other`, respecting precision.
    pub fn relation(&self, other: &Self) -> DateRelation {
        if self.year != other.year {
            return DateRelation::Differs;
        }
        match (self.month, other.month) {
            (Some(a), Some(b)) if a != b => DateRelation::Differs,
            (Some(_), Some(_)) => match (self.day, other.day) {
                (Some(a), Some(b)) if a != b => DateRelation::Differs,
                (Some(_), Some(_)) => DateRelation::Exact,
                _ => DateRelation::Contains,
            },
            _ => DateRelation::Contains,
        }
    }

    /// Whole years between this date (a birth date) and `at`, when both allow it.
    /// With only a year known, the age is the one reached during `at`'s year minus one if
    /// ambiguous: `None` is returned when the partial date cannot decide.
    pub fn age_at(&self, at: &PartialDate) -> Option<i32> {
        let years = at.year - self.year;
        let (Some(am), Some(bm)) = (at.month, self.month) else {
            return None;
        };
        match am.cmp(&bm) {
            Ordering::Greater => Some(years),
            Ordering::Less => Some(years - 1),
            Ordering::Equal => match (at.day, self.day) {
                (Some(ad), Some(bd)) => Some(if ad >= bd { years } else { years - 1 }),
                _ => None,
            },
        }
    }

    /// The possible ages at `at`: one value when precise enough, else the two candidates.
    pub fn possible_ages_at(&self, at: &PartialDate) -> (i32, i32) {
        match self.age_at(at) {
            Some(a) => (a, a),
            None => (at.year - self.year - 1, at.year - self.year),
        }
    }

    /// How many components are known: 1 year, 2 month, 3 day.
    pub fn precision(&self) -> u8 {
        1 + u8::from(self.month.is_some()) + u8::from(self.day.is_some())
    }
}

fn parse_num(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl PartialDate {
    /// The ISO form (`1962`, `1962-07`, `1962-07-02`). Written digit by digit: a load formats
    /// every date it cleans, and the formatting machinery cost more than the parse.
    pub fn to_iso(&self) -> String {
        let mut out = String::with_capacity(10);
        if (0..=9999).contains(&self.year) {
            let y = self.year as u32;
            out.extend([y / 1000, y / 100 % 10, y / 10 % 10, y % 10].map(|d| char::from(b'0' + d as u8)));
        } else {
            // not a year `new` accepts; only a hand-built value gets here
            out.push_str(&format!("{:04}", self.year));
        }
        let two = |n: u8| ['-', char::from(b'0' + n / 10 % 10), char::from(b'0' + n % 10)];
        if let Some(m) = self.month {
            out.extend(two(m));
            if let Some(d) = self.day {
                out.extend(two(d));
            }
        }
        out
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}

#[cfg(test)]
mod iso {
    use super::*;

    proptest::proptest! {
        /// The digit-by-digit form is what `format!` writes.
        #[test]
        fn to_iso_equals_the_formatted_form(year in -20000i32..20000, month in proptest::option::of(0u8..=99), day in proptest::option::of(0u8..=99)) {
            let d = PartialDate { year, month, day: month.and(day) };
            let mut want = format!("{:04}", d.year);
            if let Some(m) = d.month {
                want += &format!("-{m:02}");
                if let Some(day) = d.day {
                    want += &format!("-{day:02}");
                }
            }
            proptest::prop_assert_eq!(d.to_iso(), want);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_and_loose_forms() {
        let table = [
            ("1962", Some("1962")),
            ("1962-07", Some("1962-07")),
            ("1962-07-02", Some("1962-07-02")),
            ("1962-07-02T00:00:00", Some("1962-07-02")),
            ("02.07.1962", Some("1962-07-02")),
            ("2.7.1962", Some("1962-07-02")),
            ("02/07/1962", Some("1962-07-02")),
            ("1962/07/02", Some("1962-07-02")),
            ("07.1962", Some("1962-07")),
            ("12 Aug. 1974", Some("1974-08-12")),
            ("12 August 1974", Some("1974-08-12")),
            ("Aug 12, 1974", Some("1974-08-12")),
            ("June 30, 2012", Some("2012-06-30")),
            ("30 June 2012", Some("2012-06-30")),
            ("August 1974", Some("1974-08")),
            ("1962-02-30", None),
            ("1962-13", None),
            ("abc", None),
            ("", None),
            ("62", None),
        ];
        for (input, want) in table {
            let got = PartialDate::parse_loose(input).map(|d| d.to_string());
            assert_eq!(got.as_deref(), want, "input {input:?}");
        }
    }

    #[test]
    fn relations_respect_precision() {
        let d = |s| PartialDate::parse(s).unwrap();
        assert_eq!(d("1991").relation(&d("1991-03-14")), DateRelation::Contains);
        assert_eq!(d("1991-03-14").relation(&d("1991-03-14")), DateRelation::Exact);
        assert_eq!(d("1991-03").relation(&d("1991-04-01")), DateRelation::Differs);
        assert_eq!(d("1990").relation(&d("1991")), DateRelation::Differs);
    }

    #[test]
    fn ages() {
        let d = |s| PartialDate::parse(s).unwrap();
        assert_eq!(d("1991-03-14").age_at(&d("2024-11-01")), Some(33));
        assert_eq!(d("1991-11-14").age_at(&d("2024-11-01")), Some(32));
        assert_eq!(d("1991").age_at(&d("2024-11-01")), None);
        assert_eq!(d("1991").possible_ages_at(&d("2024-11-01")), (32, 33));
    }

    proptest::proptest! {
        #[test]
        fn loose_parse_never_panics(s in "\\PC{0,24}") {
            let _ = PartialDate::parse_loose(&s);
        }

        #[test]
        fn display_round_trips(y in 1000i32..2999, m in 1u8..=12, d in 1u8..=28) {
            let date = PartialDate::new(y, Some(m), Some(d)).unwrap();
            proptest::prop_assert_eq!(PartialDate::parse(&date.to_string()), Some(date));
        }
    }
}
