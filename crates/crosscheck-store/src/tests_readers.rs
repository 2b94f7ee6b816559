//! Issue 12, "Store for many readers": snapshots while loads race, one writer per dataset,
//! garbage collection, damage found and named, stores of another format or key algorithm refused.

use crate::{DatasetMeta, LoadStats, Store, StoreError};
use crosscheck_model::Entity;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn person(id: &str, name: &str) -> Entity {
    let mut e = Entity::new(id, "Person");
    e.add("name", name);
    e
}

/// `n` people whose names and ids carry `tag`, so each load's version is recognisable.
fn people(tag: usize, n: usize) -> Vec<Entity> {
    (0..n).map(|i| person(&format!("t{tag}-p{i}"), &format!("Gleb Ivanov{} Tag{tag}", i % 7))).collect()
}

fn load(store: &Store, name: &str, entities: &[Entity]) -> Result<LoadStats, StoreError> {
    let mut builder = store.builder(DatasetMeta::new(name, "origin-a", "registry"))?;
    for e in entities {
        builder.add(e).map_err(|e| StoreError::Damaged { name: name.into(), reason: e.to_string() })?;
    }
    builder.finish()
}

/// Folder names in a dataset's folder: (version folders, temporary folders).
fn folders(dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut versions = Vec::new();
    let mut temps = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            if name.starts_with(".tmp-") {
                temps.push(name);
            } else {
                versions.push(name);
            }
        }
    }
    versions.sort();
    (versions, temps)
}

/// The end state every race must reach: `CURRENT` names a complete version (deep check passes)
/// of `n` entities, at most two versions kept, nothing left in temporary folders.
fn assert_one_complete_version(root: &Path, name: &str, n: usize) {
    let store = Store::open(root).unwrap();
    let live = store.snapshot(name).unwrap();
    assert_eq!(live.len(), n);
    let report = live.check().unwrap();
    assert!(report.is_ok(), "{report}");
    drop(live);
    drop(store);
    let (versions, temps) = folders(&root.join("datasets").join(name));
    assert!(temps.is_empty(), "temporary folders left: {temps:?}");
    assert!((1..=2).contains(&versions.len()), "versions kept: {versions:?}");
}

#[test]
fn issue_12_racing_loads_of_one_dataset_leave_one_complete_version() {
    let dir = tempfile::tempdir().unwrap();
    // four loads at once, each through a catalog of its own (as four processes would)
    std::thread::scope(|scope| {
        for tag in 0..4 {
            let root = dir.path();
            scope.spawn(move || {
                let store = Store::open(root).unwrap();
                load(&store, "reg", &people(tag, 300)).unwrap();
            });
        }
    });
    assert_one_complete_version(dir.path(), "reg", 300);
    // every command on every dataset still works: the live version is one of the four, whole
    let store = Store::open(dir.path()).unwrap();
    let live = store.snapshot("reg").unwrap();
    let tag = live.entity(0).unwrap().id.split('-').next().unwrap().to_string();
    assert!(live.iter().all(|e| e.unwrap().id.starts_with(&format!("{tag}-"))), "a mix of two loads");
}

#[test]
fn issue_12_readers_query_in_a_loop_while_two_loads_race() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    load(&Store::open(root).unwrap(), "reg", &people(100, 200)).unwrap();
    let done = AtomicBool::new(false);
    let reads = AtomicUsize::new(0);
    let errors: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let query = crate::query_key_groups(&person("q", "Gleb Ivanov3"));
    std::thread::scope(|scope| {
        for reader in 0..3 {
            let (done, reads, errors, query) = (&done, &reads, &errors, &query);
            scope.spawn(move || {
                // one reader shares a catalog across its loop; the others open one per query, as
                // a `match` process does
                let shared = Store::open(root).unwrap();
                while !done.load(Ordering::Relaxed) {
                    let store = if reader == 0 { shared.clone() } else { Store::open(root).unwrap() };
                    let result = store.snapshot("reg").and_then(|ds| {
                        let found = ds.candidates_grouped(query, 5);
                        if found.is_empty() {
                            return Err(StoreError::Damaged { name: "reg".into(), reason: "no candidate".into() });
                        }
                        for c in found {
                            ds.entity(c.index)?;
                        }
                        Ok(())
                    });
                    if let Err(e) = result {
                        errors.lock().unwrap().push(e.to_string());
                    }
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let loaders: Vec<_> = (0..2)
            .map(|loader| {
                scope.spawn(move || {
                    let store = Store::open(root).unwrap();
                    for round in 0..3 {
                        load(&store, "reg", &people(loader * 10 + round, 200)).unwrap();
                    }
                })
            })
            .collect();
        for l in loaders {
            l.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
    });
    let errors = errors.into_inner().unwrap();
    assert!(
        errors.is_empty(),
        "{} failed reads of {}: {:?}",
        errors.len(),
        reads.load(Ordering::Relaxed),
        &errors[..errors.len().min(5)]
    );
    assert!(reads.load(Ordering::Relaxed) > 0);
    assert_one_complete_version(root, "reg", 200);
}

#[test]
fn issue_12_a_second_load_waits_for_the_first_and_the_later_publish_wins() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut first = store.builder(DatasetMeta::new("reg", "o", "other")).unwrap();
    first.add(&person("first", "Anna Petrova")).unwrap();
    let waited = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let second = scope.spawn(|| {
            let mut b = store
                .builder_waiting(DatasetMeta::new("reg", "o", "other"), &mut || waited.store(true, Ordering::SeqCst))
                .unwrap();
            b.add(&person("second", "Boris Petrov")).unwrap();
            b.finish().unwrap()
        });
        while !waited.load(Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        // the second load is waiting: the first finishes, then the second publishes over it
        first.finish().unwrap();
        second.join().unwrap();
    });
    assert_eq!(store.snapshot("reg").unwrap().entity(0).unwrap().id, "second");
    // another dataset is never held up
    let other = store.builder(DatasetMeta::new("other", "o", "other")).unwrap();
    drop(other);
}

#[test]
fn issue_12_a_snapshot_keeps_its_version_until_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    load(&store, "reg", &people(1, 10)).unwrap();
    let old = store.snapshot("reg").unwrap();
    let same = store.snapshot("reg").unwrap();
    assert!(std::sync::Arc::ptr_eq(&old, &same), "the catalog hands out the open version");
    drop(same);
    for tag in 2..5 {
        load(&store, "reg", &people(tag, 10)).unwrap();
    }
    // three publishes later the old snapshot still reads, whole
    assert!(old.dir().is_dir());
    assert!(old.iter().all(|e| e.unwrap().id.starts_with("t1-")));
    assert!(store.snapshot("reg").unwrap().entity(0).unwrap().id.starts_with("t4-"));
    let old_dir = old.dir();
    drop(old);
    assert!(!old_dir.exists(), "the last holder of a version no longer kept removes it");
    assert_eq!(folders(&dir.path().join("datasets/reg")).0.len(), 2);
}

#[test]
fn issue_12_an_orphan_version_and_stale_temp_folders_are_collected_by_the_next_load() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let stats = load(&store, "reg", &people(1, 10)).unwrap();
    let reg = dir.path().join("datasets/reg");
    // a complete version CURRENT never named (a disk that filled at the switch), and the temp
    // folder of a load whose process is gone (nobody holds its lock)
    let orphan = reg.join("v20000101T000000.000000Z-1-1");
    std::fs::create_dir(&orphan).unwrap();
    for entry in std::fs::read_dir(reg.join(&stats.version)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), orphan.join(entry.file_name())).unwrap();
    }
    std::fs::create_dir(reg.join(".tmp-999999-7")).unwrap();
    std::fs::write(reg.join(".tmp-999999-7/spill.jsonl"), "{}").unwrap();
    // the next load starts by collecting them, before it needs the space
    let builder = store.builder(DatasetMeta::new("reg", "o", "other")).unwrap();
    assert!(!orphan.exists() && !reg.join(".tmp-999999-7").exists());
    // its own temp folder is locked: a cleaner that is not its load leaves it alone
    let (_, temps) = folders(&reg);
    assert_eq!(temps.len(), 1);
    assert!(!crate::gc::remove_if_unused(&reg.join(&temps[0])));
    drop(builder);
    assert_one_complete_version(dir.path(), "reg", 10);
}

#[test]
fn issue_12_rejects_belong_to_their_version() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut builder = store.builder(DatasetMeta::new("reg", "o", "other")).unwrap();
    std::fs::write(builder.rejects_path(), "{\"line\": 1}\n").unwrap();
    builder.add(&person("a", "Anna")).unwrap();
    let stats = builder.finish().unwrap();
    let live_rejects = stats.rejects_file.clone().unwrap();
    assert!(live_rejects.starts_with(dir.path().join("datasets/reg").join(&stats.version)));
    assert_eq!(store.snapshot("reg").unwrap().rejects_file(), Some(live_rejects.clone()));
    // a reload that loads nothing, with rejects of its own: the live rejects are untouched
    let builder = store.builder(DatasetMeta::new("reg", "o", "other")).unwrap();
    std::fs::write(builder.rejects_path(), "{\"line\": 2}\n").unwrap();
    let failed = builder.abandon().unwrap();
    assert_eq!(failed, dir.path().join("datasets/reg/failed-load.rejects.jsonl"));
    assert_eq!(std::fs::read_to_string(&failed).unwrap(), "{\"line\": 2}\n");
    assert_eq!(std::fs::read_to_string(&live_rejects).unwrap(), "{\"line\": 1}\n");
    // an interrupted load (dropped) keeps its rejects aside too; a load without rejects has none
    let builder = store.builder(DatasetMeta::new("reg", "o", "other")).unwrap();
    std::fs::write(builder.rejects_path(), "{\"line\": 3}\n").unwrap();
    drop(builder);
    assert_eq!(std::fs::read_to_string(&failed).unwrap(), "{\"line\": 3}\n");
    let stats = load(&store, "reg", &people(2, 3)).unwrap();
    assert_eq!(stats.rejects_file, None);
    assert!(!failed.exists(), "a successful load supersedes the failed one's rejects");
    assert_eq!(
        std::fs::read_to_string(&live_rejects).unwrap(),
        "{\"line\": 1}\n",
        "the previous version keeps its own"
    );
}

/// The live version's folder of `reg`.
fn live_dir(root: &Path) -> std::path::PathBuf {
    let version = std::fs::read_to_string(root.join("datasets/reg/CURRENT")).unwrap();
    root.join("datasets/reg").join(version.trim())
}

fn open_error(root: &Path) -> String {
    Store::open(root).unwrap().snapshot("reg").err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn issue_12_current_must_name_a_version_folder_of_its_own_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    load(&store, "reg", &people(1, 3)).unwrap();
    load(&store, "other", &people(2, 3)).unwrap();
    let other_version = std::fs::read_to_string(dir.path().join("datasets/other/CURRENT")).unwrap();
    for bad in [format!("../other/{other_version}"), "/etc".into(), "v../../other".into(), "".into(), "CURRENT".into()]
    {
        std::fs::write(dir.path().join("datasets/reg/CURRENT"), &bad).unwrap();
        let err = open_error(dir.path());
        assert!(err.contains("dataset `reg` is damaged") && err.contains("load it again"), "{bad}: {err}");
    }
    // a version name of its own that does not exist
    std::fs::write(dir.path().join("datasets/reg/CURRENT"), "v1").unwrap();
    assert!(open_error(dir.path()).contains("missing"), "{}", open_error(dir.path()));
    // the other dataset is unharmed
    assert_eq!(store.snapshot("other").unwrap().len(), 3);
}

#[test]
fn issue_12_damaged_files_are_errors_naming_the_dataset() {
    let emptied = |bytes: &[u8]| -> Vec<u8> {
        let _ = bytes;
        Vec::new()
    };
    let halved = |bytes: &[u8]| bytes[..bytes.len() / 2].to_vec();
    let flipped = |bytes: &[u8]| {
        let mut b = bytes.to_vec();
        let at = b.len() / 2;
        b[at] ^= 0x20; // same size: found by the deep check
        b
    };
    type Damage<'a> = &'a dyn Fn(&[u8]) -> Vec<u8>;
    // (file, damage, whether opening must already refuse it)
    let cases: [(&str, Damage, bool); 6] = [
        ("entities.jsonl", &emptied, true),
        ("entities.jsonl", &halved, true),
        ("postings.bin", &emptied, true),
        ("keys.idx", &halved, true),
        ("entities.jsonl", &flipped, false),
        ("postings.bin", &flipped, false),
    ];
    for (file, damage, on_open) in cases {
        let dir = tempfile::tempdir().unwrap();
        load(&Store::open(dir.path()).unwrap(), "reg", &people(1, 50)).unwrap();
        let path = live_dir(dir.path()).join(file);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, damage(&bytes)).unwrap();
        let store = Store::open(dir.path()).unwrap();
        match store.snapshot("reg") {
            Err(e) => {
                assert!(on_open, "{file}: refused on open, a cheap check was not expected to see it: {e}");
                let e = e.to_string();
                assert!(e.contains("dataset `reg` is damaged") && e.contains(file), "{file}: {e}");
            }
            Ok(ds) => {
                assert!(!on_open, "{file}: damage not found on open");
                let report = ds.check().unwrap();
                assert!(!report.is_ok(), "{file}: {report}");
                let e = report.into_result().unwrap_err().to_string();
                assert!(e.contains("dataset `reg` is damaged") && e.contains(file), "{file}: {e}");
            }
        }
    }
}

#[test]
fn issue_12_an_unreadable_record_is_an_error_not_a_missing_candidate() {
    let dir = tempfile::tempdir().unwrap();
    load(&Store::open(dir.path()).unwrap(), "reg", &[person("a", "Anna Petrova"), person("b", "Boris Petrov")])
        .unwrap();
    let path = live_dir(dir.path()).join("entities.jsonl");
    let bytes = std::fs::read(&path).unwrap();
    // the same size, its first line no longer JSON
    std::fs::write(&path, [b"{{{{{".as_slice(), &bytes[5..]].concat()).unwrap();
    let ds = Store::open(dir.path()).unwrap().snapshot("reg").unwrap();
    let e = ds.entity(0).unwrap_err().to_string();
    assert!(e.contains("dataset `reg` is damaged") && e.contains("entity 0"), "{e}");
    assert!(ds.entity(1).is_ok());
    let e = ds.entity(2).unwrap_err().to_string();
    assert!(e.contains("dataset `reg` is damaged"), "{e}");
    assert!(!ds.check().unwrap().is_ok());
}

#[test]
fn issue_12_a_store_of_another_key_algorithm_or_format_is_refused_with_advice_to_load_again() {
    let dir = tempfile::tempdir().unwrap();
    load(&Store::open(dir.path()).unwrap(), "reg", &people(1, 3)).unwrap();
    let meta_path = live_dir(dir.path()).join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let other_keys = meta.replace(&format!("\"key_version\": {}", crate::KEY_VERSION), "\"key_version\": 0");
    assert_ne!(meta, other_keys);
    std::fs::write(&meta_path, &other_keys).unwrap();
    let e = open_error(dir.path());
    assert!(e.contains("key algorithm 0") && e.contains("load it again"), "{e}");
    // a store built before the key file (format 3: no index.key, no `.lock`, no checksums)
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("datasets/reg/v20261125T000000.000000");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(dir.path().join("datasets/reg/CURRENT"), "v20261125T000000.000000").unwrap();
    let old_meta = serde_json::json!({"format_version": 3, "dataset": "reg", "origin": "reg", "kind": "other",
        "publisher": null, "retrieved_at": null, "records": 1, "read": 1, "rejected": 0, "files": [],
        "loaded_at": "2026-11-25T00:00:00Z", "format": "ftm"});
    std::fs::write(v.join("meta.json"), old_meta.to_string()).unwrap();
    let e = open_error(dir.path());
    assert!(e.contains("format 3") && e.contains("load it again"), "{e}");
    // and loading again works, replacing it
    let store = Store::open(dir.path()).unwrap();
    load(&store, "reg", &people(2, 3)).unwrap();
    assert_eq!(store.snapshot("reg").unwrap().len(), 3);
}

#[test]
fn issue_12_the_hash_key_belongs_to_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<crate::HashKey> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..4).map(|_| scope.spawn(|| Store::open(dir.path()).unwrap().hash_key().unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(keys.windows(2).all(|w| w[0] == w[1]), "racing first loads drew one key: {keys:?}");
    let from_file = crate::HashKey::read(&dir.path().join(crate::INDEX_KEY_FILE)).unwrap();
    assert_eq!(from_file, keys[0], "a Spark executor reading index.key computes the same hashes");
    // a batch hashed with another key is refused
    let store = Store::open(dir.path()).unwrap();
    let mut builder = store.builder(DatasetMeta::new("reg", "o", "other")).unwrap();
    let mut foreign = crate::PreparedBatch::new(crate::HashKey(keys[0].0 ^ 1, keys[0].1));
    foreign.push(&person("a", "Anna")).unwrap();
    assert!(matches!(builder.add_from(&foreign, 0), Err(crate::AddError::Store(StoreError::WrongKey { .. }))));
    let mut own = builder.new_batch();
    own.push(&person("a", "Anna")).unwrap();
    builder.add_from(&own, 0).unwrap();
    builder.finish().unwrap();
    // and a damaged key file says what to do
    std::fs::write(dir.path().join(crate::INDEX_KEY_FILE), "garbage").unwrap();
    let e = Store::open(dir.path()).unwrap().builder(DatasetMeta::new("reg", "o", "other")).err().unwrap().to_string();
    assert!(e.contains("index.key") && e.contains("remove it"), "{e}");
}

#[test]
fn readers_opening_a_new_version_at_once_share_one_open_version() {
    let dir = tempfile::tempdir().unwrap();
    load(&Store::open(dir.path()).unwrap(), "reg", &people(1, 50)).unwrap();
    for _ in 0..20 {
        // a store that has opened nothing yet, and eight readers at the same instant
        let store = Store::open(dir.path()).unwrap();
        let start = std::sync::Arc::new(std::sync::Barrier::new(8));
        let readers: Vec<_> = (0..8)
            .map(|_| {
                let (store, start) = (store.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    store.snapshot("reg").unwrap()
                })
            })
            .collect();
        let opened: Vec<_> = readers.into_iter().map(|t| t.join().unwrap()).collect();
        assert!(opened.iter().all(|d| std::sync::Arc::ptr_eq(d, &opened[0])), "one version, opened once");
    }
}
