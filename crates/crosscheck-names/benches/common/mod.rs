//! Inputs shared by the criterion bench (`name_pairs.rs`) and the CPU-time example
//! (`examples/score_bench.rs`): the invented people of `crosscheck_testdata::invented`, each
//! Cyrillic name paired with a Latin spelling of itself under a rotating passport scheme (a true
//! pair) and with Latin spellings of two other people (one sharing the surname, one sharing the
//! given name).

use crosscheck_names::translit::{transliterate, Scheme};
use crosscheck_names::{Name, NameKind};

pub fn people() -> Vec<String> {
    crosscheck_testdata::invented::russian_people().into_iter().map(|p| p.name).collect()
}

pub fn pairs() -> Vec<(Name, Name)> {
    let people = people();
    let schemes = [Scheme::Icao9303, Scheme::Mvd782, Scheme::BgnPcgn, Scheme::Gost52535, Scheme::Wikipedia];
    let mut out = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let cyr = Name::parse(p, NameKind::Person);
        for (k, j) in [i, (i + 1) % people.len(), (i + 7) % people.len()].into_iter().enumerate() {
            let lat = transliterate(&people[j], schemes[(i + k) % schemes.len()]);
            // surname first with a comma for a third of them, as lists write it
            let lat = if i % 3 == 0 {
                let mut w: Vec<&str> = lat.split(' ').collect();
                let last = w.pop().unwrap_or_default().to_uppercase();
                format!("{last}, {}", w.join(" "))
            } else {
                lat
            };
            out.push((cyr.clone(), Name::parse(&lat, NameKind::Person)));
        }
    }
    out
}
