//! Places compared as places, not strings: Manchester is Манчестер, Kyiv is Киев and Київ,
//! Moscow lies within Московская область and within Russia, Hamburg is not Manchester. No IO.
//!
//! Issue 13: verify compared birth places as bags of Latinised words, so a Western place written
//! in Cyrillic (Гамбург, Кёльн) shared no word with its English name, was judged a *different*
//! place, and (a disagreeing birth place blocks resolution) lost the whole record. Here a place
//! is read against a **gazetteer** (cities of at least 50,000 people and every capital, with
//! their Latin and Cyrillic names from GeoNames; countries with their names from CLDR; see
//! `data/ATTRIBUTION.md`) into candidate cities, a region and countries (`parse`), and two
//! places are related level by level ([`compare`], [`explain`]):
//!
//! - **Same**: they share a city (a candidate of each side), or a region, or a country, and
//!   neither names something finer the gazetteer does not know; or the gazetteer knows neither
//!   and their words are the same words (Завидово / Zavidovo).
//! - **Within / Contains**: one lies in the other: a city in its country or in the region named
//!   after it ("Moscow" within "Московская область", "Manchester" within "England"), or a
//!   place the gazetteer does not know in a city or country it does ("Kirovsky district,
//!   Moscow" within "Moscow").
//! - **Different**: the gazetteer knows both as different places: two cities more than
//!   [`NEAR_KM`] apart (Kyiv / Lviv), a city outside the other side's country (Hamburg /
//!   Russia), two countries.
//! - **Unknown**: everything else, and it never disagrees: a place the gazetteer does not know,
//!   two places in one city or country that it cannot tell apart, two cities close enough that
//!   one may be a quarter of the other (Manchester / Salford), a town and a region it cannot
//!   place it in (Podolsk / Московская область).
//!
//! Decision: a place the gazetteer does not know is never *different*, even from one it knows
//! (a village against a city): a table of cities cannot say a village is not a quarter of one,
//! and a false "different" costs a whole record while a false "unknown" costs one agreement.
//! Decision: names that name several cities (Manchester in England and in New Hampshire) keep
//! every candidate; a written country narrows them ("Manchester, UK"). Containment uses GeoNames'
//! admin1 codes: a region is found by the city it is named after (Тверская → Tver), and a city
//! lies in it when it shares that city's country and admin1.
//!
//! ```
//! use crosscheck_places::{compare, PlaceRelation};
//!
//! assert_eq!(compare("Manchester", "Манчестер"), PlaceRelation::Same);
//! assert_eq!(compare("г. Москва", "Moscow, Russia"), PlaceRelation::Same);
//! assert_eq!(compare("Moscow", "Московская область"), PlaceRelation::Within);
//! assert_eq!(compare("Россия", "Tver"), PlaceRelation::Contains);
//! assert_eq!(compare("Kyiv", "Lviv"), PlaceRelation::Different);
//! assert_eq!(compare("Zavidovo", "Konakovo"), PlaceRelation::Unknown);
//! ```
//!
//! Decision: a region read from an adjective (Приморский край) is a guess at the city it is
//! named after, kept only among cities that are the most populous of their GeoNames region (so
//! Тульская is Tula, not Thul in Pakistan), and its country never makes two places different
//! unless the country is written too.
//!
//! Size and cost (`cargo run --release -p crosscheck-places --example gazetteer_size`,
//! 2026-12-07, 2-core machine under a load of 10-13 from other builds): the table is 1.34 MB of
//! TSV compiled in (81,000 names of 12,379 cities and 252 countries; no measurable compile
//! time: `include_str!`); the index (54,400 name keys) is built on first use in 0.28-0.43 s
//! (keys computed on every core); a comparison of two texts costs about 10 µs (two parses, a few
//! lookups), of two places parsed once ([`compare_parsed`]) about 1.2 µs.

mod gazetteer;
mod parse;

pub use gazetteer::{distance_km, City, Entry, Gazetteer};
pub use parse::{parse as parse_with, without_regions, Place};

/// How two written places relate. `Within` reads left to right: the first lies within the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceRelation {
    Same,
    /// The first place lies within the second (Moscow within Russia).
    Within,
    /// The first place contains the second (Russia contains Moscow).
    Contains,
    Different,
    /// Cannot be decided: never a disagreement.
    Unknown,
}

impl PlaceRelation {
    /// The relation read the other way round.
    pub fn flip(self) -> PlaceRelation {
        match self {
            PlaceRelation::Within => PlaceRelation::Contains,
            PlaceRelation::Contains => PlaceRelation::Within,
            other => other,
        }
    }

    /// Same, within or contains: the two are compatible and overlap.
    pub fn overlaps(self) -> bool {
        matches!(self, PlaceRelation::Same | PlaceRelation::Within | PlaceRelation::Contains)
    }
}

/// The level at which the gazetteer knows a place, finest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    City,
    Region,
    Country,
}

/// A comparison with the level it was decided at and a plain sentence saying why.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceComparison {
    pub relation: PlaceRelation,
    /// When they overlap, the level of the place they share or the containing one (a district
    /// within Moscow: `City`; Moscow within Russia: `Country`); when different, the level they
    /// differ at; `None` when the gazetteer decided nothing.
    pub level: Option<Level>,
    pub reason: String,
}

/// Two cities closer than this may be one place (a quarter, a suburb that grew into it):
/// never different. Zelenograd, an okrug of Moscow with a GeoNames row of its own, is 37 km
/// from Moscow's centre.
pub const NEAR_KM: f64 = 40.0;

/// Reads a written place against the shared gazetteer.
pub fn parse(raw: &str) -> Place {
    parse::parse(Gazetteer::shared(), raw)
}

/// How place `a` relates to place `b` (see the crate docs). Symmetric: `compare(b, a)` is
/// `compare(a, b).flip()`. Never panics; text it cannot read is `Unknown`.
pub fn compare(a: &str, b: &str) -> PlaceRelation {
    explain(a, b).relation
}

/// [`compare`] with its level and reason.
pub fn explain(a: &str, b: &str) -> PlaceComparison {
    let g = Gazetteer::shared();
    relate(g, &parse::parse(g, a), &parse::parse(g, b))
}

/// [`explain`] on places read once with [`parse`]: a scorer reads each entity's birth places
/// once and compares the read places pair by pair (no Latinising, a few set operations).
pub fn compare_parsed(a: &Place, b: &Place) -> PlaceComparison {
    relate(Gazetteer::shared(), a, b)
}

fn result(relation: PlaceRelation, level: Option<Level>, reason: String) -> PlaceComparison {
    PlaceComparison { relation, level, reason }
}

fn city_label(g: &Gazetteer, cities: &[u32]) -> String {
    let mut labels: Vec<String> = cities
        .iter()
        .filter_map(|&c| g.cities.get(c as usize))
        .map(|c| format!("{} ({})", c.name, c.country))
        .collect();
    labels.sort();
    labels.dedup();
    match labels.len() {
        0 => "no city".into(),
        1..=3 => labels.join(" or "),
        n => format!("{} or {} more", labels[..2].join(" or "), n - 2),
    }
}

fn countries_label(countries: &[&str]) -> String {
    match countries.len() {
        0..=4 => countries.join("/"),
        n => format!("{} and {} more", countries[..3].join("/"), n - 3),
    }
}

fn meet<T: PartialEq + Copy>(a: &[T], b: &[T]) -> Vec<T> {
    a.iter().copied().filter(|x| b.contains(x)).collect()
}

/// The relation of two overlapping places by which side names something finer than the shared
/// part: neither (same), one (it lies within the other), both (two places in it: unknown).
fn by_finer(a: &Place, b: &Place, level: Level, what: String) -> PlaceComparison {
    match (a.unknown.is_empty(), b.unknown.is_empty()) {
        (true, true) => result(PlaceRelation::Same, Some(level), format!("both are {what}")),
        (false, true) => result(PlaceRelation::Within, Some(level), format!("the first is a place in {what}")),
        (true, false) => result(PlaceRelation::Contains, Some(level), format!("the second is a place in {what}")),
        (false, false) if a.unknown == b.unknown => {
            result(PlaceRelation::Same, Some(level), format!("the same place in {what}"))
        }
        (false, false) => {
            result(PlaceRelation::Unknown, None, format!("two places in {what} the gazetteer does not know"))
        }
    }
}

fn relate(g: &Gazetteer, a: &Place, b: &Place) -> PlaceComparison {
    match (a.level(), b.level()) {
        (None, None) => {
            if !a.unknown.is_empty() && a.unknown == b.unknown {
                result(PlaceRelation::Same, None, "the same words".into())
            } else {
                result(PlaceRelation::Unknown, None, "the gazetteer knows neither place".into())
            }
        }
        (None, Some(_)) | (Some(_), None) => {
            result(PlaceRelation::Unknown, None, "the gazetteer does not know one of the places".into())
        }
        (Some(la), Some(lb)) if la > lb => relate_finer_first(g, b, a, lb).flip_comparison(),
        (Some(la), Some(_)) => relate_finer_first(g, a, b, la),
    }
}

impl PlaceComparison {
    fn flip_comparison(mut self) -> PlaceComparison {
        self.relation = self.relation.flip();
        self.reason = match self.relation {
            PlaceRelation::Within | PlaceRelation::Contains => self
                .reason
                .replace("the first", "\u{0}")
                .replace("the second", "the first")
                .replace('\u{0}', "the second"),
            _ => self.reason,
        };
        self
    }
}

/// `a` is known at `level`, `b` at that level or a coarser one.
fn relate_finer_first(g: &Gazetteer, a: &Place, b: &Place, level: Level) -> PlaceComparison {
    // a region guessed from an adjective, its country not written, says nothing of its country
    let trusted = |p: &Place| !(p.level() == Some(Level::Region) && p.region_guessed && !p.countries_written);
    let countries_apart = trusted(a)
        && trusted(b)
        && !a.countries.is_empty()
        && !b.countries.is_empty()
        && meet(&a.countries, &b.countries).is_empty();
    let apart = |why: String| {
        if countries_apart {
            result(
                PlaceRelation::Different,
                Some(Level::Country),
                format!("{why}: {} is not {}", countries_label(&a.countries), countries_label(&b.countries)),
            )
        } else {
            result(PlaceRelation::Unknown, None, why)
        }
    };
    match (level, b.level()) {
        (Level::City, Some(Level::City)) => {
            let common = meet(&a.cities, &b.cities);
            if !common.is_empty() {
                // an unread qualifier ("Manchester, New Hampshire") may mean a candidate the
                // other side does not share
                let unsure = |p: &Place| p.qualified && p.cities.iter().any(|c| !common.contains(c));
                if unsure(a) || unsure(b) {
                    return result(
                        PlaceRelation::Unknown,
                        None,
                        format!(
                            "{} share a name, and a qualifier the gazetteer cannot read may tell them apart",
                            city_label(g, &common)
                        ),
                    );
                }
                return by_finer(a, b, Level::City, city_label(g, &common));
            }
            let nearest = a
                .cities
                .iter()
                .filter_map(|&x| g.cities.get(x as usize))
                .flat_map(|x| b.cities.iter().filter_map(|&y| g.cities.get(y as usize)).map(move |y| distance_km(x, y)))
                .fold(f64::INFINITY, f64::min);
            let (ca, cb) = (city_label(g, &a.cities), city_label(g, &b.cities));
            if nearest < NEAR_KM {
                result(
                    PlaceRelation::Unknown,
                    None,
                    format!("{ca} and {cb} are {nearest:.0} km apart: one may be part of the other"),
                )
            } else {
                result(PlaceRelation::Different, Some(Level::City), format!("{ca} is not {cb}"))
            }
        }
        (Level::City, Some(Level::Region)) | (Level::Region, Some(Level::Region)) => {
            let inside = if level == Level::City {
                a.cities.iter().any(|&c| parse::in_region(g, c, &b.region))
            } else {
                b.region.iter().any(|&c| parse::in_region(g, c, &a.region))
                    || a.region.iter().any(|&c| parse::in_region(g, c, &b.region))
            };
            let what = format!("the region of {}", city_label(g, &b.region));
            if !inside {
                return apart(format!("the gazetteer cannot place {} in {what}", side_label(g, a)));
            }
            if level == Level::Region {
                return by_finer(a, b, Level::Region, what);
            }
            if b.unknown.is_empty() {
                result(PlaceRelation::Within, Some(Level::Region), format!("{} is in {what}", city_label(g, &a.cities)))
            } else {
                result(
                    PlaceRelation::Unknown,
                    None,
                    format!("the second is a place in {what} the gazetteer does not know"),
                )
            }
        }
        (_, Some(Level::Country)) => {
            let common = meet(&a.countries, &b.countries);
            if common.is_empty() {
                return apart(String::from("different countries"));
            }
            let what = countries_label(&common);
            if level == Level::Country {
                return by_finer(a, b, Level::Country, what);
            }
            if b.unknown.is_empty() {
                result(PlaceRelation::Within, Some(Level::Country), format!("{} is in {what}", side_label(g, a)))
            } else {
                result(
                    PlaceRelation::Unknown,
                    None,
                    format!("the second is a place in {what} the gazetteer does not know"),
                )
            }
        }
        _ => result(PlaceRelation::Unknown, None, "nothing to compare".into()),
    }
}

fn side_label(g: &Gazetteer, p: &Place) -> String {
    if !p.cities.is_empty() {
        city_label(g, &p.cities)
    } else if !p.region.is_empty() {
        format!("the region of {}", city_label(g, &p.region))
    } else {
        countries_label(&p.countries)
    }
}

#[cfg(test)]
mod tests;
