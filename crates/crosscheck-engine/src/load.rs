//! Loading files into a dataset, with progress and cancellation passed in by the front end.
//!
//! The load itself (readers on every core, the builder on its own thread, rejects, the atomic
//! switch) is `crosscheck_ingest::load`; this module is the front ends' door to it, so a
//! command line, a server and a scheduled job load the same way.

use crosscheck_ingest::{LoadError, LoadObserver, LoadReport, LoadRequest};
use crosscheck_store::Store;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What a long load reports as it goes. Called from the reading thread, between batches.
pub trait Progress: Sync {
    /// `records` source records of `file` and the files before it have been read.
    fn read(&self, _file: &str, _records: u64) {}
    /// Another load of `dataset` is running; this one waits for it (one writer per dataset).
    fn waiting(&self, _dataset: &str) {}
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {}

/// A flag another thread raises to stop a load between batches; the previous version of the
/// dataset then stays live, as after any failed load.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Asks the load to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Loads `request` into `store`, reporting to `progress`, stopping between batches once
/// `cancel` is raised (then `LoadError::Cancelled`, and the previous version stays live).
pub fn load(
    store: &Store,
    request: &LoadRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<LoadReport, LoadError> {
    crosscheck_ingest::load(store, request, &mut Observer { progress, cancel })
}

/// The pipeline's observer, made of the front end's progress and cancellation.
struct Observer<'a> {
    progress: &'a dyn Progress,
    cancel: &'a Cancel,
}

impl LoadObserver for Observer<'_> {
    fn read(&mut self, file: &str, records: u64) {
        self.progress.read(file, records);
    }

    fn waiting(&mut self, dataset: &str) {
        self.progress.waiting(dataset);
    }

    fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosscheck_ingest::ReaderOptions;

    /// Cancels the load once the first batch has been read.
    struct CancelAfterFirst<'a>(&'a Cancel);

    impl Progress for CancelAfterFirst<'_> {
        fn read(&self, _file: &str, _records: u64) {
            self.0.cancel();
        }
    }

    #[test]
    fn a_cancelled_load_keeps_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("data")).unwrap();
        let file = dir.path().join("people.jsonl");
        let line = |i: usize, name: &str| {
            format!("{{\"id\":\"p{i}\",\"schema\":\"Person\",\"properties\":{{\"name\":[\"{name} {i}\"]}}}}\n")
        };
        std::fs::write(&file, (0..3).map(|i| line(i, "Anna Berg")).collect::<String>()).unwrap();
        let request = LoadRequest {
            files: vec![file.clone()],
            options: ReaderOptions { dataset: "people".into(), ..ReaderOptions::default() },
            ..LoadRequest::default()
        };
        load(&store, &request, &Quiet, &Cancel::default()).unwrap();
        let before = store.snapshot("people").unwrap().version().to_string();

        // a file of many batches, cancelled after the first
        std::fs::write(&file, (0..200_000).map(|i| line(i, "Olga Wendt")).collect::<String>()).unwrap();
        let cancel = Cancel::default();
        let err = load(&store, &request, &CancelAfterFirst(&cancel), &cancel).unwrap_err();
        assert!(matches!(err, LoadError::Cancelled { .. }), "{err}");
        let after = store.snapshot("people").unwrap();
        assert_eq!((after.version(), after.len()), (before.as_str(), 3), "the previous version stays live");
    }
}
