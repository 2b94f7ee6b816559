//! Random fictional listed people for round-trip property tests: each reader's tests write one
//! in their list's layout and check the reader gives back what was written.
//!
//! Values are drawn so that cleaning keeps them unchanged (single spaces, known countries, real
//! calendar days), which lets the tests compare exactly.

use proptest::prelude::*;

/// A fictional listed person.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub last: String,
    pub given: String,
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub passport: String,
    /// An English country name the model knows, and its code.
    pub country: (&'static str, &'static str),
    pub alias: String,
    pub weak_alias: String,
    pub reason: String,
}

const COUNTRIES: &[(&str, &str)] = &[
    ("Egypt", "eg"),
    ("Russia", "ru"),
    ("Iran", "ir"),
    ("Germany", "de"),
    ("Afghanistan", "af"),
    ("Syria", "sy"),
    ("Mexico", "mx"),
    ("Ukraine", "ua"),
];

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl Listed {
    /// `1961-05-03`.
    pub fn iso_date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `03 May 1961`, as OFAC writes it.
    pub fn ofac_date(&self) -> String {
        format!("{:02} {} {}", self.day, MONTHS[usize::from(self.month) - 1], self.year)
    }

    /// `3.5.1961`, as the EU journal writes it.
    pub fn eu_date(&self) -> String {
        format!("{}.{}.{}", self.day, self.month, self.year)
    }
}

/// A name part: a capitalised word, or two.
fn word() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{2,9}( [A-Z][a-z]{2,9})?"
}

pub(crate) fn listed() -> impl Strategy<Value = Listed> {
    (
        word(),
        word(),
        (1920i32..2005, 1u8..=12, 1u8..=28),
        "[A-Z]{0,2}[0-9]{5,9}",
        proptest::sample::select(COUNTRIES),
        (word(), word(), "[A-Za-z][a-z ,.;'&<>\"]{0,40}[a-z]"),
    )
        .prop_map(|(last, given, (year, month, day), passport, country, (alias, weak_alias, reason))| Listed {
            last: last.to_uppercase(),
            given,
            year,
            month,
            day,
            passport,
            country,
            alias,
            weak_alias: weak_alias.to_uppercase(),
            reason,
        })
}
