//! The records of an open file, read ahead in batches that can be finished on every core.
//!
//! Most readers make records one at a time (CSV rows, XML elements, joined OFAC files); FtM JSON
//! lines instead hands over raw lines, whose parsing is most of the work. A [`Batch`] is either
//! kind, and [`Batch::par_fold_runs`] runs a caller's step on each record on the thread that
//! made it: a load parses, validates, serialises and keys one line in one go, and the parsed
//! entity is freed where it was allocated.

use crate::Record;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::sync::Arc;

/// Records handed over together; large enough to keep every core busy, small enough to stream.
pub(crate) const BATCH: usize = 4096;

/// Turns one non-blank line into a record: (file as displayed, line number, line).
pub(crate) type ParseLine = fn(&str, u64, &str) -> Record;

/// A batch of records, or of lines still to be parsed.
pub struct Batch(Inner);

enum Inner {
    Records(Vec<Record>),
    Lines {
        display: Arc<str>,
        /// The lines end to end (one allocation per batch, not per line).
        text: String,
        /// Each line as (line number, start, end) in `text`.
        lines: Vec<(u64, usize, usize)>,
        parse: ParseLine,
    },
}

impl Batch {
    pub(crate) fn records(records: Vec<Record>) -> Batch {
        Batch(Inner::Records(records))
    }

    pub(crate) fn lines(display: Arc<str>, text: String, lines: Vec<(u64, usize, usize)>, parse: ParseLine) -> Batch {
        Batch(Inner::Lines { display, text, lines, parse })
    }

    /// Folds the records in runs of consecutive records, on every core: `fold` of each record of
    /// a run into the run's accumulator (made by `init`); the accumulators in order. Blank lines are
    /// not records. For a caller that packs its results together rather than one allocation per
    /// record.
    pub fn par_fold_runs<A: Send>(
        self,
        init: impl Fn() -> A + Sync + Send,
        fold: impl Fn(&mut A, Record) + Sync + Send,
    ) -> Vec<A> {
        match self.0 {
            Inner::Records(records) => records
                .into_par_iter()
                .chunks(RUN)
                .map(|run| {
                    let mut acc = init();
                    run.into_iter().for_each(|r| fold(&mut acc, r));
                    acc
                })
                .collect(),
            Inner::Lines { display, text, lines, parse } => lines
                .par_chunks(RUN)
                .map(|run| {
                    let mut acc = init();
                    for &(n, start, end) in run {
                        let line = text[start..end].trim();
                        if !line.is_empty() {
                            fold(&mut acc, parse(&display, n, line));
                        }
                    }
                    acc
                })
                .collect(),
        }
    }
}

/// Records per run of [`Batch::par_fold_runs`]: enough to share allocations, with enough runs
/// per batch to balance the cores.
const RUN: usize = 64;

/// The records of an open file, in file order. Iterate it for one record at a time, or take
/// [`Records::into_batches`] to finish each batch on every core.
pub struct Records {
    batches: Box<dyn Iterator<Item = Batch>>,
    ready: VecDeque<Record>,
}

impl Records {
    /// Records made one at a time, handed over in batches.
    pub(crate) fn new(records: impl Iterator<Item = Record> + 'static) -> Records {
        let mut records = records.peekable();
        let batches = std::iter::from_fn(move || {
            records.peek()?;
            Some(Batch::records(records.by_ref().take(BATCH).collect()))
        });
        Records::from_batches(batches)
    }

    pub(crate) fn from_batches(batches: impl Iterator<Item = Batch> + 'static) -> Records {
        Records { batches: Box::new(batches), ready: VecDeque::new() }
    }

    /// The remaining records in batches.
    pub fn into_batches(self) -> impl Iterator<Item = Batch> {
        let ready = (!self.ready.is_empty()).then(|| Batch::records(self.ready.into()));
        ready.into_iter().chain(self.batches)
    }
}

impl Iterator for Records {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while self.ready.is_empty() {
            let runs = self.batches.next()?.par_fold_runs(Vec::new, |run: &mut Vec<Record>, r| run.push(r));
            self.ready.extend(runs.into_iter().flatten());
        }
        self.ready.pop_front()
    }
}
