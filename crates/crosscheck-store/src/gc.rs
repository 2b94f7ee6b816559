//! Locks, the `CURRENT` pointer and garbage collection of a dataset's folders.
//!
//! ```text
//! DATA_DIR/datasets/<name>/.load.lock     the writer lock: held exclusively for a whole load
//!                          CURRENT        the live version's folder name
//!                          v<stamp>-<pid>-<n>/.lock   shared by every reader of the version,
//!                                                     exclusive while it is being built or removed
//!                          .tmp-<pid>-<stamp>-<n>/    a version being built (becomes v… by rename)
//!                          failed-load.rejects.jsonl  the rejects of the last load that failed
//! ```
//!
//! All locks are advisory `flock`s (std's `File::lock`), which the kernel releases when their
//! process dies, so a crashed load or reader never leaves a lock behind, and which conflict
//! between two handles of one process too (a reader thread and the publishing thread).
//!
//! **Which folders go.** After a publish, the writer keeps `CURRENT` and the version it
//! replaced (a reader may have read `CURRENT` just before the switch), and removes every other
//! version folder and every temporary folder whose `.lock` it can take exclusively: no reader
//! holds it and no load is building it. That includes orphans (complete versions `CURRENT` never
//! named, left by a disk that filled at the switch) and folders of older formats. A load does
//! the same when it starts, before it needs disk space, and a reader that drops the last
//! snapshot of a version that is no longer kept removes it (as tantivy's managed directory
//! deletes files no searcher holds). A version folder is never removed while `CURRENT` names it.

use crate::StoreError;
use fs_err::{File, OpenOptions};
use std::fs::TryLockError;
use std::path::Path;

pub(crate) const WRITER_LOCK: &str = ".load.lock";
pub(crate) const FOLDER_LOCK: &str = ".lock";
pub(crate) const TMP_PREFIX: &str = ".tmp-";
pub(crate) const CURRENT: &str = "CURRENT";
pub(crate) const CURRENT_TMP: &str = ".CURRENT.tmp";
pub(crate) const FAILED_REJECTS: &str = "failed-load.rejects.jsonl";

/// Makes the entries of `dir` (a rename, a new file) durable.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Whether `name` can be a version folder of a dataset: `v` then letters, digits, `-`, `_`
/// and `.`, no `..`, no path separator. `CURRENT` must hold such a name.
pub(crate) fn is_version_name(name: &str) -> bool {
    name.len() > 1
        && name.len() < 128
        && name.starts_with('v')
        && !name.contains("..")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The version `CURRENT` names, `None` when there is no `CURRENT` (no dataset yet). A `CURRENT`
/// that names anything but a version folder of its own dataset (`../other/v…`, `/etc`) makes
/// the dataset damaged.
pub(crate) fn read_current(name: &str, dir: &Path) -> Result<Option<String>, StoreError> {
    let text = match fs_err::read(dir.join(CURRENT)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let version = String::from_utf8_lossy(&text).trim().to_string();
    if !is_version_name(&version) {
        let shown: String = version.chars().take(80).collect();
        return Err(StoreError::Damaged {
            name: name.to_string(),
            reason: format!("`CURRENT` names `{shown}`, which is not a version folder of the dataset"),
        });
    }
    Ok(Some(version))
}

/// The versions garbage collection keeps: the one `CURRENT` names and the one it replaced.
/// `None` when that cannot be told (no `CURRENT`, or a damaged one): then nothing is removed.
fn kept_versions(dir: &Path) -> Option<[String; 2]> {
    let current = read_current("", dir).ok()??;
    let meta = fs_err::read(dir.join(&current).join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_slice(&meta).ok()?;
    let previous = meta.get("previous_version").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    Some([current, previous])
}

/// Takes the writer lock of the dataset folder `dir`, waiting for a load that holds it; calls
/// `on_wait` once before waiting.
pub(crate) fn lock_writer(dir: &Path, on_wait: &mut dyn FnMut()) -> Result<File, StoreError> {
    let lock = OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(WRITER_LOCK))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(TryLockError::WouldBlock) => {
            on_wait();
            lock.lock()?;
            Ok(lock)
        }
        Err(TryLockError::Error(e)) => Err(e.into()),
    }
}

/// Creates `folder` with its `.lock` held exclusively by the returned handle.
pub(crate) fn create_locked_folder(folder: &Path) -> Result<File, StoreError> {
    fs_err::create_dir(folder)?;
    let lock = File::create(folder.join(FOLDER_LOCK))?;
    lock.lock()?;
    Ok(lock)
}

/// Removes `folder` (temporary or version) if nobody holds its lock; whether it was removed.
/// A folder without a `.lock` (a load that died before making it, or an older format) goes too.
pub(crate) fn remove_if_unused(folder: &Path) -> bool {
    match File::open(folder.join(FOLDER_LOCK)) {
        Ok(lock) => match lock.try_lock() {
            // removed while we hold the lock: a reader that opened `.lock` before waits, then
            // finds the files gone and reads `CURRENT` again
            Ok(()) => fs_err::remove_dir_all(folder).is_ok(),
            Err(_) => false,
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fs_err::remove_dir_all(folder).is_ok(),
        Err(_) => false,
    }
}

/// Removes temporary folders of loads that are gone and versions that are neither `CURRENT` nor
/// the one it replaced, when no reader holds them. Run by a load, under the writer lock.
pub(crate) fn collect(dir: &Path) -> Result<(), StoreError> {
    let kept = kept_versions(dir);
    let mut removed = false;
    for entry in fs_err::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && name.starts_with(TMP_PREFIX) {
            removed |= remove_if_unused(&entry.path());
        } else if is_dir && is_version_name(&name) {
            if let Some(kept) = &kept {
                if !kept.contains(&name) {
                    removed |= remove_if_unused(&entry.path());
                }
            }
        } else if name == CURRENT_TMP {
            let _ = fs_err::remove_file(entry.path());
        }
    }
    if removed {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Removes `version` if it is no longer kept and nobody else holds it: called when the last
/// snapshot of it is dropped. Errors are ignored: a reader may not be allowed to write, and the
/// next load collects what is left.
pub(crate) fn collect_version(dir: &Path, version: &str) {
    match read_current("", dir) {
        Ok(Some(current)) if current != version => {}
        _ => return,
    }
    if kept_versions(dir).is_some_and(|kept| !kept.iter().any(|k| k == version)) {
        remove_if_unused(&dir.join(version));
    }
}
