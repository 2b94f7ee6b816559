//! Loading files into a dataset, with progress and cancellation passed in by the front end.
//!
//! The load itself (readers on every core, the builder on its own thread, rejects, the atomic
//! switch) is `crosscheck_ingest::load`; this module is the front ends' door to it, so a
//! command line, a server and a scheduled job load the same way.

use crosscheck_ingest::{LoadError, LoadReport, LoadRequest};
use crosscheck_store::Store;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What a long load reports as it goes. Called from the reading thread, between batches.
pub trait Progress: Sync {
    /// `records` source records of `file` and the files before it have been read.
    fn read(&self, _file: &str, _records: u64) {}
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

/// Loads `request` into `store`.
pub fn load(store: &Store, request: &LoadRequest, progress: &dyn Progress) -> Result<LoadReport, LoadError> {
    crosscheck_ingest::load(store, request, &mut |file, n| progress.read(file, n))
}
