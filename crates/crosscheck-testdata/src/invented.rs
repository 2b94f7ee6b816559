//! Invented Russian people for benchmarks: a few dozen given names, patronymics and surnames
//! written by us (no reference data needed), combined into 40 people, half men, half women, each
//! with a birth date. The name and score benches of `crosscheck-names` and `crosscheck-match`
//! draw their pairs from this one list, so their figures describe the same names.

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

/// One invented person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Given name, patronymic and surname, in Cyrillic.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// `male` or `female`.
    pub gender: &'static str,
}

/// The 40 people, in a fixed order.
pub fn russian_people() -> Vec<Person> {
    let mut out = Vec::new();
    for (k, (m, f)) in SURNAME.iter().enumerate() {
        for i in 0..4 {
            let male = (i + k) % 2 == 0;
            let (given, patr, surname) = if male {
                (GIVEN_M[(i * 3 + k) % GIVEN_M.len()], PATR[(i + k) % PATR.len()], *m)
            } else {
                (GIVEN_F[(i * 5 + k) % GIVEN_F.len()], PATR_F[(i + 2 * k) % PATR_F.len()], *f)
            };
            let birth_date =
                format!("19{}-{:02}-{:02}", 50 + (i * 7 + k * 3) % 45, 1 + (i + k) % 12, 1 + (i * 11 + k) % 28);
            out.push(Person {
                name: format!("{given} {patr} {surname}"),
                birth_date,
                gender: if male { "male" } else { "female" },
            });
        }
    }
    out
}
