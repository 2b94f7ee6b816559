//! Inputs shared by the criterion bench (`name_pairs.rs`) and the CPU-time example
//! (`examples/score_bench.rs`): a few dozen given names, patronymics and surnames written by us
//! (no reference data needed); each Cyrillic person name is paired with a Latin spelling of
//! itself under a rotating passport scheme (a true pair) and with Latin spellings of two other
//! people (one sharing the surname, one sharing the given name).

use crosscheck_names::translit::{transliterate, Scheme};
use crosscheck_names::{Name, NameKind};

const GIVEN_M: &[&str] = &["Александр", "Сергей", "Владимир", "Дмитрий", "Андрей", "Алексей", "Юрий", "Игорь"];
const GIVEN_F: &[&str] = &["Елена", "Ольга", "Наталья", "Татьяна", "Юлия", "Мария", "Анна", "Ирина"];
const PATR: &[&str] = &["Иванович", "Петрович", "Сергеевич", "Викторович", "Николаевич", "Юрьевич"];
const PATR_F: &[&str] = &["Ивановна", "Петровна", "Сергеевна", "Викторовна", "Николаевна", "Юрьевна"];
const SURNAME: &[(&str, &str)] = &[
    ("Кузнецов", "Кузнецова"),
    ("Щеглов", "Щеглова"),
    ("Завершинский", "Завершинская"),
    ("Хабибуллин", "Хабибуллина"),
    ("Цыганков", "Цыганкова"),
    ("Жуков", "Жукова"),
    ("Ельцин", "Ельцина"),
    ("Чистюхин", "Чистюхина"),
    ("Лавров", "Лаврова"),
    ("Рыжков", "Рыжкова"),
];

pub fn people() -> Vec<String> {
    let mut out = Vec::new();
    for (k, (m, f)) in SURNAME.iter().enumerate() {
        for i in 0..4 {
            let male = (i + k) % 2 == 0;
            let (given, patr, surname) = if male {
                (GIVEN_M[(i * 3 + k) % GIVEN_M.len()], PATR[(i + k) % PATR.len()], *m)
            } else {
                (GIVEN_F[(i * 5 + k) % GIVEN_F.len()], PATR_F[(i + 2 * k) % PATR_F.len()], *f)
            };
            out.push(format!("{given} {patr} {surname}"));
        }
    }
    out
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
