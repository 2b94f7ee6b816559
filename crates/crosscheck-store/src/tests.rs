//! Store round trips: build, reopen, look up, merge by id, replace atomically. Many readers and
//! racing loads, damage and old stores (issue 12) are in `tests_readers.rs`.

use crate::{index_keys, query_key_groups, DatasetMeta, Store, StoreError};
use crosscheck_model::Entity;

fn person(id: &str, name: &str, passport: Option<&str>) -> Entity {
    let mut e = Entity::new(id, "Person");
    e.add("name", name);
    if let Some(p) = passport {
        e.add("passportNumber", p);
    }
    e
}

fn load(store: &Store, name: &str, entities: &[Entity]) -> Result<u64, StoreError> {
    let mut builder = store.builder(DatasetMeta::new(name, "origin-a", "registry"))?;
    for e in entities {
        builder.add(e).map_err(|e| StoreError::Damaged { name: name.into(), reason: e.to_string() })?;
    }
    Ok(builder.finish()?.entities)
}

#[test]
fn build_reopen_lookup_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut alias = Entity::new("p1", "LegalEntity");
    alias.add("alias", "Gleb Ivanov");
    let entities = [
        person("p1", "Глеб Иванов", Some("45 09 123456")),
        person("p2", "Anna Petrova", None),
        alias,
        person("p3", "Gleb Smirnov", None),
    ];
    assert_eq!(load(&store, "reg", &entities).unwrap(), 3, "p1's two records merge");
    let ds = store.dataset("reg").unwrap();
    assert_eq!(ds.len(), 3);
    assert_eq!(ds.meta().origin, "origin-a");
    let p1 = ds.get("p1").unwrap().unwrap();
    assert_eq!(p1.schema, "Person", "the more specific schema wins");
    assert_eq!(p1.get("alias"), ["Gleb Ivanov"]);
    assert!(ds.get("nope").unwrap().is_none());
    // A query by identifier alone finds p1 first; by Latin name, p1 before the other Gleb.
    let mut q = Entity::new("q", "Person");
    q.add("passportNumber", "4509-123456");
    let top = ds.candidates(&index_keys(&q), 5);
    assert_eq!(ds.entity(top[0].index).unwrap().id, "p1");
    let top = ds.candidates(&index_keys(&person("q", "Ivanov Gleb", None)), 5);
    assert_eq!(ds.entity(top[0].index).unwrap().id, "p1");
    assert_eq!(ds.iter().count(), 3);
    assert_eq!(ds.referencing("p1").count(), 0);
    assert_eq!(store.list().unwrap(), ["reg"]);
}

#[test]
fn a_rare_surname_outranks_a_frequent_given_name_spelled_several_ways() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // 1,000 people with made-up names, 30 of them named Ankabe (a given name that spells several
    // ways in Latin, so it yields several keys), and one Анкабе Ледери with a rare surname.
    let syllables = ["ka", "ri", "mo", "sa", "le", "ni", "to", "va", "de", "lu", "po", "ra"];
    let word = |i: usize| -> String {
        let w: String = [i % 12, (i / 12) % 12, (i / 144) % 12].iter().map(|&j| syllables[j]).collect();
        let mut c = w.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    };
    let mut entities: Vec<Entity> = (0..1000)
        .map(|i| {
            let given = if i < 30 { "Ankabe".to_string() } else { word(i + 7) };
            person(&format!("n{i}"), &format!("{given} {}", word(i * 7 + 3)), None)
        })
        .collect();
    entities.push(person("target", "Анкабе Ледери", None));
    load(&store, "reg", &entities).unwrap();
    let ds = store.dataset("reg").unwrap();
    let groups = query_key_groups(&person("q", "LEDERI, Ankabe", None));
    let top = ds.candidates_grouped(&groups, 3);
    assert_eq!(ds.entity(top[0].index).unwrap().id, "target", "{top:?}");
    // Every key of the query is in exactly one group (but the `u:` keys of an undated person:
    // a query's name keys find every namesake).
    let mut flat: Vec<String> = groups.concat();
    flat.sort();
    let mut want = index_keys(&person("q", "LEDERI, Ankabe", None));
    want.retain(|k| !k.starts_with("u:"));
    assert_eq!(flat, want);
}

#[test]
fn records_linking_to_an_entity_are_found_by_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut family = Entity::new("f1", "Family");
    family.add("person", "p1");
    family.add("relative", "p2");
    family.add("relationship", "wife");
    let mut job = Entity::new("e1", "Employment");
    job.add("employee", "p1");
    load(&store, "reg", &[person("p1", "Gleb Ivanov", None), person("p2", "Anna Ivanova", None), family, job]).unwrap();
    let ds = store.dataset("reg").unwrap();
    let ids = |id: &str| ds.referencing(id).map(|i| ds.entity(i).unwrap().id).collect::<Vec<_>>();
    assert_eq!(ids("p1"), ["f1", "e1"]);
    assert_eq!(ids("p2"), ["f1"]);
    assert!(ids("f1").is_empty());
    // Reference keys are never screening keys.
    assert!(index_keys(&ds.get("f1").unwrap().unwrap()).iter().all(|k| !k.starts_with("r:")));
}

#[test]
fn empty_or_failed_loads_keep_the_previous_version() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    load(&store, "reg", &[person("a", "Anna Petrova", None)]).unwrap();
    assert!(matches!(load(&store, "reg", &[]), Err(StoreError::Empty(_))));
    // A builder dropped before finishing (an interrupted load) leaves nothing behind.
    let mut builder = store.builder(DatasetMeta::new("reg", "o", "other")).unwrap();
    builder.add(&person("b", "Boris", None)).unwrap();
    drop(builder);
    let ds = store.dataset("reg").unwrap();
    assert_eq!(ds.len(), 1);
    assert_eq!(ds.entity(0).unwrap().id, "a");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("datasets/reg"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
    // A reload replaces the version; the one replaced is kept (a reader may be on it), older go.
    drop(ds);
    for names in [["c", "d"], ["e", "f"], ["g", "h"]] {
        load(&store, "reg", &[person(names[0], "Carl", None), person(names[1], "Dora", None)]).unwrap();
    }
    assert_eq!(store.dataset("reg").unwrap().len(), 2);
    let versions = std::fs::read_dir(dir.path().join("datasets/reg"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .count();
    assert_eq!(versions, 2);
}

#[test]
fn bad_names_and_versions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for bad in ["", "../x", ".hidden", "a/b"] {
        assert!(matches!(store.builder(DatasetMeta::new(bad, "o", "other")), Err(StoreError::InvalidName(_))), "{bad}");
    }
    assert!(matches!(store.dataset("missing"), Err(StoreError::NoSuchDataset { .. })));
    load(&store, "reg", &[person("a", "Anna", None)]).unwrap();
    let version = std::fs::read_to_string(dir.path().join("datasets/reg/CURRENT")).unwrap();
    let meta_path = dir.path().join("datasets/reg").join(version.trim()).join("meta.json");
    let meta = std::fs::read_to_string(&meta_path)
        .unwrap()
        .replace(&format!("\"format_version\": {}", crate::FORMAT_VERSION), "\"format_version\": 99");
    std::fs::write(&meta_path, meta).unwrap();
    let err = store.dataset("reg").err().unwrap().to_string();
    assert!(err.contains("format 99") && err.contains("load it again"), "{err}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Whatever the ids (repeated or not, so both the direct and the merging finish run), every
    /// id is stored once, found by id, and found by its own name's keys.
    #[test]
    fn every_entity_is_found_by_id_and_by_its_own_keys(
        rows in proptest::collection::vec((0u8..40, "[A-Z][a-z]{2,7} [A-Z][a-z]{2,9}"), 1..60),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let entities: Vec<Entity> = rows.iter().map(|(id, name)| person(&format!("id-{id}"), name, None)).collect();
        let distinct: std::collections::BTreeSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
        proptest::prop_assert_eq!(load(&store, "reg", &entities).unwrap(), distinct.len() as u64);
        let ds = store.dataset("reg").unwrap();
        for e in &entities {
            let stored = ds.get(&e.id).unwrap().expect("stored");
            proptest::prop_assert!(stored.get("name").contains(&e.get("name")[0]));
            let found = ds.candidates(&index_keys(e), distinct.len());
            proptest::prop_assert!(found.iter().any(|c| ds.entity(c.index).unwrap().id == e.id));
        }
    }
}

#[test]
fn a_large_index_answers_every_key_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // made-up words from a counter: three distinct words per name, ~100,000 distinct keys
    let word = |i: usize| -> String {
        let letters = ["k", "r", "m", "s", "l", "n", "t", "v", "d", "p"];
        let vowels = ["a", "o", "e", "i", "u"];
        (0..4).map(|d| format!("{}{}", letters[(i / 10usize.pow(d)) % 10], vowels[(i / 7usize.pow(d)) % 5])).collect()
    };
    let entities: Vec<Entity> = (0..25_000)
        .map(|i| person(&format!("e{i}"), &format!("{} {} {}", word(3 * i), word(3 * i + 1), word(3 * i + 2)), None))
        .collect();
    load(&store, "big", &entities).unwrap();
    let ds = store.dataset("big").unwrap();
    for e in entities.iter().step_by(997) {
        for key in index_keys(e) {
            assert!(ds.postings(&key).any(|i| ds.entity(i).unwrap().id == e.id), "{key} of {}", e.id);
        }
    }
    assert_eq!(ds.postings("n:zzzzzz").count(), 0);
    assert_eq!(ds.postings("").count(), 0);
}

proptest::proptest! {
    /// A load hashes keys without building their strings; a query looks them up by string.
    /// Both must give the same hashes for any entity.
    #[test]
    fn hashed_keys_equal_the_hashes_of_the_key_strings(
        name in "[A-Za-zА-Яа-яёЁ .,'-]{0,30}",
        alias in "[A-Za-z0-9 ]{0,20}",
        passport in "[0-9 -]{0,12}",
        birth in "(1[0-9]{3}(-0[1-9](-1[0-9])?)?|[0-9]{1,3}|x)?",
        schema in proptest::sample::select(vec!["Person", "Company", "Organization", "Vessel", "Family"]),
    ) {
        let mut e = Entity::new("x", schema);
        e.add("name", &name);
        e.add("birthDate", &birth);
        e.add("alias", &alias);
        e.add("passportNumber", &passport);
        e.add("registrationNumber", &passport);
        e.add("person", "p-1");
        let key = crate::keyindex::HashKey(3, 5);
        let mut want: Vec<(u64, u32)> = index_keys(&e)
            .iter()
            .chain(&crate::keys::reference_keys(&e))
            .map(|k| crate::keyindex::split(key.hash(k)))
            .collect();
        want.sort_unstable();
        want.dedup();
        proptest::prop_assert_eq!(crate::keys::key_hashes(&e, key), want);
    }
}

fn born(mut e: Entity, dates: &[&str]) -> Entity {
    for d in dates {
        e.add("birthDate", d);
    }
    e.validate().expect("a valid entity")
}

#[test]
fn issue_13_a_dated_person_is_filed_under_each_name_key_with_each_birth_year() {
    let plain = index_keys(&person("p", "Сергей Иванов", None));
    let names: Vec<&str> = plain.iter().filter_map(|k| k.strip_prefix("n:")).collect();
    assert!(names.len() >= 3, "{plain:?}");
    // two dates of 1975 (one partial) and one of 1980: two years, each with every name key
    let dated = index_keys(&born(person("p", "Сергей Иванов", None), &["1975-03-02", "1975", "1980-01"]));
    let mut want: Vec<String> = plain.iter().filter(|k| k.starts_with("n:")).cloned().collect();
    for name in &names {
        want.extend(["1975", "1980"].map(|y| format!("y:{name}:{y}")));
    }
    want.sort();
    assert_eq!(dated, want);
    // an undated person is filed under `u:` instead; an entity that has no birth date at all
    // (a company) under neither
    let undated: Vec<String> = plain.iter().filter(|k| k.starts_with("u:")).cloned().collect();
    assert_eq!(undated.len(), names.len(), "{plain:?}");
    let mut company = Entity::new("c", "Company");
    company.add("name", "Ivanov Trading");
    assert!(index_keys(&company).iter().all(|k| k.starts_with("n:")), "{:?}", index_keys(&company));
    // a date as a source writes it (not cleaned yet) gives the same year
    let mut raw = person("p", "Сергей Иванов", None);
    raw.add_clean("birthDate", "02.03.1975".to_string());
    assert!(index_keys(&raw).contains(&format!("y:{}:1975", names[0])), "{:?}", index_keys(&raw));
}

#[test]
fn issue_13_a_dated_query_groups_each_year_key_with_its_name_key_and_asks_for_undated_namesakes() {
    let query = born(person("q", "Иванов Сергей Петрович", None), &["1975-03-02"]);
    let groups = query_key_groups(&query);
    for group in &groups {
        for key in group.iter().filter_map(|k| k.strip_prefix("n:")) {
            assert!(group.contains(&format!("y:{key}:1975")), "{key} in {group:?}");
            assert!(group.contains(&format!("u:{key}")), "{key} in {group:?}");
        }
    }
    // every key of the query is in exactly one group; the `u:` keys are the only others
    let mut flat: Vec<String> = groups.concat().into_iter().filter(|k| !k.starts_with("u:")).collect();
    flat.sort();
    assert_eq!(flat, index_keys(&query));
    // an undated query asks for neither (its name keys find every namesake)
    let undated = person("q", "Иванов Сергей Петрович", None);
    let groups = query_key_groups(&undated);
    assert!(groups.concat().iter().all(|k| k.starts_with("n:")), "{groups:?}");
    let mut flat = groups.concat();
    flat.sort();
    assert_eq!(flat, index_keys(&undated).into_iter().filter(|k| !k.starts_with("u:")).collect::<Vec<_>>());
}

#[test]
fn issue_13_among_thousands_of_namesakes_the_one_born_that_year_comes_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // 3,000 people sharing one name, born over 70 years (about 43 a year), 20 with no date, 20
    // known only to the year
    let date = |i: usize| format!("{}-{:02}-{:02}", 1940 + i % 70, 1 + i / 70 % 12, 1 + i / 840 % 28);
    let mut entities: Vec<Entity> = (0..3000)
        .map(|i| {
            let p = person(&format!("p{i}"), "Иванов Сергей Петрович", None);
            match i {
                0..20 => born(p, &[]),
                20..40 => born(p, &[&(1940 + i % 70).to_string()]),
                _ => born(p, &[&date(i)]),
            }
        })
        .collect();
    entities.push(person("other", "Петров Иван", None));
    load(&store, "reg", &entities).unwrap();
    let ds = store.dataset("reg").unwrap();
    let ids = |groups: &[Vec<String>]| -> Vec<String> {
        ds.candidates_grouped(groups, 64).into_iter().map(|c| ds.entity(c.index).unwrap().id).collect()
    };
    for i in [41, 1777, 2999] {
        let query = born(person("q", "Иванов Сергей Петрович", None), &[&date(i)]);
        let found = ids(&query_key_groups(&query));
        assert!(found.contains(&format!("p{i}")), "p{i} not among {} candidates", found.len());
        assert!(found.len() <= 512, "{}", found.len());
        // the undated namesakes come too (the scorer judges them)
        assert!(found.contains(&"p0".to_string()), "{found:?}");
    }
    // p27 is known only to be born in 1967, as p1777 is
    let query = born(person("q", "Иванов Сергей Петрович", None), &[&date(1777)]);
    assert!(ids(&query_key_groups(&query)).contains(&"p27".to_string()));
    // a year-only query reaches those born that year, whatever the precision of their dates
    let query = born(person("q", "Иванов Сергей Петрович", None), &["1960"]);
    let found = ids(&query_key_groups(&query));
    assert!(found.contains(&"p20".to_string()) && found.contains(&"p2960".to_string()), "{found:?}");
}

#[test]
fn issue_13_a_store_indexed_before_year_keys_is_refused_with_advice_to_load_again() {
    const { assert!(crate::KEY_VERSION >= 2, "year keys came with key algorithm 2") };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    load(&store, "reg", &[born(person("a", "Anna Petrova", None), &["1970"])]).unwrap();
    let version = std::fs::read_to_string(dir.path().join("datasets/reg/CURRENT")).unwrap();
    let meta_path = dir.path().join("datasets/reg").join(version.trim()).join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let old = meta.replace(&format!("\"key_version\": {}", crate::KEY_VERSION), "\"key_version\": 1");
    assert_ne!(meta, old);
    std::fs::write(&meta_path, old).unwrap();
    let err = Store::open(dir.path()).unwrap().dataset("reg").err().unwrap().to_string();
    assert!(err.contains("key algorithm 1") && err.contains("load it again"), "{err}");
}

proptest::proptest! {
    /// The galloping lookup of candidates in a key's postings finds exactly those present.
    #[test]
    fn candidates_are_found_in_sorted_postings_as_by_a_scan(
        postings in proptest::collection::btree_set(0u32..5000, 0..400),
        candidates in proptest::collection::btree_set(0u32..5000, 0..60),
    ) {
        let bytes: Vec<u8> = postings.iter().flat_map(|p| p.to_le_bytes()).collect();
        let sorted: Vec<u32> = candidates.iter().copied().collect();
        let mut found = Vec::new();
        crate::dataset::for_each_in_postings(&bytes, &sorted, |idx| found.push(idx));
        let want: Vec<u32> = sorted.iter().copied().filter(|c| postings.contains(c)).collect();
        proptest::prop_assert_eq!(found, want);
    }
}

#[test]
fn records_read_after_their_pages_are_released_are_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let entities: Vec<Entity> =
        (0..2_000).map(|i| person(&format!("p{i}"), &format!("Person Number {i}"), None)).collect();
    load(&store, "reg", &entities).unwrap();
    let ds = store.dataset("reg").unwrap();
    let before: Vec<Vec<u8>> = (0..ds.len() as u32).map(|n| ds.raw(n).to_vec()).collect();
    ds.release_read_pages();
    let after: Vec<Vec<u8>> = (0..ds.len() as u32).map(|n| ds.raw(n).to_vec()).collect();
    assert_eq!(before, after);
    assert_eq!(ds.get("p1999").unwrap().unwrap().first("name"), Some("Person Number 1999"));
}
