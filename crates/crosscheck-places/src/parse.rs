//! A written place (a birth place, the town of an address) read into what the gazetteer knows of
//! it: candidate cities, a region named after a city, countries, and what it does not know.
//!
//! The text is cut at commas, semicolons, slashes and brackets into segments ("Moscow, Russia",
//! "Россия, Тверская обл., г. Тверь"), each Latinised and stripped of furniture (г., city of).
//! A segment is a region when it has a region word (область, oblast, region, krai, Greater)
//! beside a city's name or its adjective (Московская → Moskov → Moscow); a district when it has
//! a district word (район, district); otherwise it is looked up whole, then cut in two ("Moscow
//! Russia"). Segments the gazetteer does not know are kept as keys: a locality finer than what is
//! known ("Kirovsky district, Moscow"), unless it sits between a known city and a coarser known
//! segment ("Manchester, Lancashire, England"), where it is a county and is ignored.

use crate::gazetteer::{Entry, Gazetteer, FURNITURE};
use crosscheck_names::key::phonetic_key;
use crosscheck_names::latin_key;

/// Words that make a segment a first-level region (Latinised).
const REGION_WORDS: &[&str] = &[
    "obl",
    "oblast",
    "oblasti",
    "region",
    "regiona",
    "krai",
    "kray",
    "province",
    "provintsiia",
    "gubernia",
    "guberniia",
    "county",
    "greater",
    "metropolitan",
];

/// Words that make a segment a district: finer than a region, unknown to the gazetteer.
const DISTRICT_WORDS: &[&str] =
    &["r", "rn", "raion", "raiona", "rayon", "district", "okrug", "mikroraion", "mkr", "borough", "quarter"];

/// Endings of region adjectives (Латинised): Московская, Київська, Тверской.
const ADJECTIVE_ENDINGS: &[&str] =
    &["skaia", "skaya", "skaja", "skoi", "skoy", "skoj", "skogo", "skii", "skiy", "skij", "skyi", "skyy", "ska", "sky"];

/// Segments of at most this many words are tried cut in two.
const MAX_CUT_WORDS: usize = 6;

/// What the gazetteer knows of a written place.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// Candidate cities (indexes into the gazetteer): a name may name several (Manchester).
    pub cities: Vec<u32>,
    /// Cities a region is named after (Moscow for Московская область).
    pub region: Vec<u32>,
    /// Countries, as written or as the cities' or region's.
    pub countries: Vec<&'static str>,
    /// Keys of segments the gazetteer does not know that are finer than what it knows.
    pub unknown: Vec<String>,
    /// Whether the countries were written (not derived from the cities).
    pub countries_written: bool,
    /// Whether a qualifier the gazetteer does not know stands beside the city (a state, a
    /// county): it may narrow the candidates to a city the other side does not name.
    pub qualified: bool,
    /// Whether the region was read from an adjective (Приморский: a guess, which may name a city
    /// of another country): its country then never makes the two places different.
    pub region_guessed: bool,
}

impl Place {
    /// The most specific level the gazetteer knows.
    pub fn level(&self) -> Option<crate::Level> {
        if !self.cities.is_empty() {
            Some(crate::Level::City)
        } else if !self.region.is_empty() {
            Some(crate::Level::Region)
        } else if !self.countries.is_empty() {
            Some(crate::Level::Country)
        } else {
            None
        }
    }
}

#[derive(Debug)]
enum Seg {
    Known(Vec<Entry>, String),
    /// A region, by the cities it is named after; `true` when read from an adjective (a guess).
    Region(Vec<u32>, bool),
    Unknown {
        key: String,
        district: bool,
    },
}

fn words_of(segment: &str) -> Vec<String> {
    latin_key(segment).split(' ').filter(|w| !w.is_empty() && !FURNITURE.contains(w)).map(str::to_string).collect()
}

fn key_of(words: &[String]) -> String {
    words.iter().map(|w| phonetic_key(w)).collect::<Vec<_>>().join(" ")
}

fn region_cities(g: &Gazetteer, words: &[String]) -> (Vec<u32>, bool) {
    let cities = |key: &str| -> Vec<u32> {
        g.lookup(key)
            .iter()
            .filter_map(|e| match e {
                Entry::City(i) => Some(*i),
                _ => None,
            })
            .collect()
    };
    // a word with an adjective's ending is a guess even when it is also a city's name
    // (Приморский is Prymorskyi in Ukraine, and the name of a Russian krai)
    let adjective = words.len() == 1 && ADJECTIVE_ENDINGS.iter().any(|e| words[0].ends_with(e));
    let found = cities(&key_of(words));
    if !found.is_empty() || words.len() != 1 {
        return (found, adjective);
    }
    // an adjective (Тверская, Київська): the cities its stem may name that are the centre of
    // their region, all of them (Тульская: Tula, never Thul in Pakistan, which is no centre)
    let word = &words[0];
    let mut found = Vec::new();
    for ending in ADJECTIVE_ENDINGS {
        let Some(stem) = word.strip_suffix(ending) else { continue };
        if stem.len() < 3 {
            continue;
        }
        for candidate in [stem.to_string(), format!("{stem}sk"), format!("{stem}a")] {
            for c in cities(&phonetic_key(&candidate)) {
                if g.cities.get(c as usize).is_some_and(|city| city.centre) && !found.contains(&c) {
                    found.push(c);
                }
            }
        }
    }
    (found, true)
}

fn segment(g: &Gazetteer, raw: &str, out: &mut Vec<Seg>) {
    let words = words_of(raw);
    if words.is_empty() {
        return;
    }
    let is_region = |w: &String| REGION_WORDS.contains(&w.as_str());
    let is_district = |w: &String| DISTRICT_WORDS.contains(&w.as_str());
    let name: Vec<String> = words.iter().filter(|w| !is_region(w) && !is_district(w)).cloned().collect();
    if name.is_empty() {
        return;
    }
    if words.iter().any(is_district) {
        out.push(Seg::Unknown { key: key_of(&name), district: true });
        return;
    }
    if words.iter().any(is_region) {
        let (cities, guessed) = region_cities(g, &name);
        if cities.is_empty() {
            out.push(Seg::Unknown { key: key_of(&name), district: false });
        } else {
            out.push(Seg::Region(cities, guessed));
        }
        return;
    }
    let key = key_of(&name);
    let entries = g.lookup(&key);
    if !entries.is_empty() {
        out.push(Seg::Known(entries.to_vec(), key));
        return;
    }
    // "Moscow Russia", "Россия Москва": two known names without a comma (short segments only:
    // each cut is two lookups, and a long text is no place name)
    for cut in 1..name.len().min(MAX_CUT_WORDS) {
        let (first_key, second_key) = (key_of(&name[..cut]), key_of(&name[cut..]));
        let (first, second) = (g.lookup(&first_key), g.lookup(&second_key));
        if !first.is_empty() && !second.is_empty() {
            out.push(Seg::Known(first.to_vec(), first_key));
            out.push(Seg::Known(second.to_vec(), second_key));
            return;
        }
    }
    out.push(Seg::Unknown { key: key_of(&name), district: false });
}

/// Reads a written place. Never fails: what the gazetteer does not know is kept as unknown keys.
pub fn parse(g: &Gazetteer, raw: &str) -> Place {
    let mut segs = Vec::new();
    for part in raw.split([',', ';', '/', '(', ')', '\n', '|']) {
        segment(g, part, &mut segs);
    }
    // classify known segments: cities, countries, or either (Luxembourg, Singapore)
    let mut cities_at: Vec<(usize, Vec<u32>)> = Vec::new();
    let mut countries_at: Vec<(usize, Vec<&'static str>)> = Vec::new();
    let mut either: Vec<(usize, Vec<u32>, Vec<&'static str>)> = Vec::new();
    let mut region: Vec<u32> = Vec::new();
    let mut region_at: Option<usize> = None;
    let mut place_region_guessed = false;
    for (idx, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Known(entries, _) => {
                let cities: Vec<u32> = entries
                    .iter()
                    .filter_map(|e| match e {
                        Entry::City(i) => Some(*i),
                        _ => None,
                    })
                    .collect();
                let mut countries: Vec<&'static str> =
                    entries.iter().filter(|e| !matches!(e, Entry::City(_))).flat_map(|e| g.countries_of(*e)).collect();
                countries.sort_unstable();
                countries.dedup();
                match (cities.is_empty(), countries.is_empty()) {
                    (false, true) => cities_at.push((idx, cities)),
                    (true, false) => countries_at.push((idx, countries)),
                    (false, false) => either.push((idx, cities, countries)),
                    (true, true) => {}
                }
            }
            Seg::Region(cities, guessed) => {
                if region.is_empty() {
                    region = cities.clone();
                    region_at = Some(idx);
                    place_region_guessed = *guessed;
                }
            }
            Seg::Unknown { .. } => {}
        }
    }
    for (idx, cities, countries) in either {
        if cities_at.is_empty() && region.is_empty() && countries_at.is_empty() {
            cities_at.push((idx, cities));
        } else {
            countries_at.push((idx, countries));
        }
    }
    cities_at.sort_by_key(|(idx, _)| *idx);
    countries_at.sort_by_key(|(idx, _)| *idx);
    let mut place = Place::default();
    let mut unknown_cities: Vec<String> = Vec::new();
    // several city segments: one city if they agree, else the last is the city and the others
    // are places in it ("Kolpino, Saint Petersburg")
    let mut city_idx = None;
    if let Some((idx, last)) = cities_at.last() {
        let common: Vec<u32> = last.iter().copied().filter(|c| cities_at.iter().all(|(_, s)| s.contains(c))).collect();
        if common.is_empty() {
            for (seg_idx, _) in &cities_at[..cities_at.len() - 1] {
                if let Seg::Known(_, key) = &segs[*seg_idx] {
                    unknown_cities.push(key.clone());
                }
            }
            place.cities = last.clone();
        } else {
            place.cities = common;
        }
        city_idx = Some(*idx);
    }
    // countries written: their intersection, or all of them if they do not meet
    if let Some((_, first)) = countries_at.first() {
        let common: Vec<&'static str> =
            first.iter().copied().filter(|c| countries_at.iter().all(|(_, s)| s.contains(c))).collect();
        place.countries = if common.is_empty() {
            let mut all: Vec<&'static str> = countries_at.iter().flat_map(|(_, s)| s.iter().copied()).collect();
            all.sort_unstable();
            all.dedup();
            all
        } else {
            common
        };
        place.countries_written = true;
    }
    // a written country keeps only the cities in it; none left: a namesake town the gazetteer
    // does not know ("Manchester, Jamaica")
    let mut lost_city = false;
    if place.countries_written && !place.cities.is_empty() {
        let countries = place.countries.clone();
        place.cities.retain(|&c| g.cities.get(c as usize).is_some_and(|city| countries.contains(&city.country)));
        lost_city = place.cities.is_empty();
    }
    if place.countries_written && !region.is_empty() {
        let countries = place.countries.clone();
        region.retain(|&c| g.cities.get(c as usize).is_some_and(|city| countries.contains(&city.country)));
    }
    // a region keeps only the cities in it, when that leaves any (its admin1 is a guess)
    if !region.is_empty() && !place.cities.is_empty() {
        let inside: Vec<u32> = place.cities.iter().copied().filter(|&c| in_region(g, c, &region)).collect();
        if !inside.is_empty() {
            place.cities = inside;
        }
    }
    place.region = region;
    place.region_guessed = place_region_guessed;
    if !place.countries_written {
        let from = if place.cities.is_empty() { &place.region } else { &place.cities };
        let mut countries: Vec<&'static str> =
            from.iter().filter_map(|&c| g.cities.get(c as usize).map(|city| city.country)).collect();
        countries.sort_unstable();
        countries.dedup();
        place.countries = countries;
    }
    // unknown segments: finer than what is known, unless on the coarse side of the city: between
    // it and a coarser segment, or after it when nothing coarser is written ("Manchester, New
    // Hampshire"). Such a qualifier cannot be read, so it may pick another of the candidates.
    let coarser: Vec<usize> = countries_at.iter().map(|(i, _)| *i).chain(region_at).collect();
    for (idx, seg) in segs.iter().enumerate() {
        let Seg::Unknown { key, district } = seg else { continue };
        let qualifier = !district
            && city_idx.is_some_and(|c| {
                coarser.iter().any(|&k| (c < idx && idx < k) || (k < idx && idx < c)) || (coarser.is_empty() && idx > c)
            });
        if qualifier {
            place.qualified = true;
        } else {
            place.unknown.push(key.clone());
        }
    }
    if lost_city {
        for (seg_idx, _) in &cities_at {
            if let Seg::Known(_, key) = &segs[*seg_idx] {
                place.unknown.push(key.clone());
            }
        }
    }
    place.unknown.extend(unknown_cities);
    place.unknown.sort();
    place.unknown.dedup();
    place
}

/// `raw` without its region segments ("м. Ізюм, Харківська обл." → "м. Ізюм"): what is left
/// names the place itself. A region's adjective (Харківська) shares its stem with the city the
/// region is named after, so a word comparison of the whole text would take the region for the
/// city (issue 14); callers that fall back on words compare what this leaves.
pub fn without_regions(raw: &str) -> String {
    raw.split([',', ';', '/', '(', ')', '\n', '|'])
        .filter(|part| !latin_key(part).split(' ').any(|w| REGION_WORDS.contains(&w)))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether city `c` lies in the region named after `region`'s cities: it is one of them, or in
/// the same country and GeoNames admin1 region as one of them.
pub fn in_region(g: &Gazetteer, c: u32, region: &[u32]) -> bool {
    let Some(city) = g.cities.get(c as usize) else { return false };
    region.iter().any(|&r| {
        r == c || g.cities.get(r as usize).is_some_and(|rc| rc.country == city.country && rc.admin1 == city.admin1)
    })
}
