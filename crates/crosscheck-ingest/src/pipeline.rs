//! A whole load: open every file, read records, store entities, write rejects, switch versions.
//!
//! Used by `crosscheck load` and by `verify` for a case's own evidence files (into a scratch
//! store), so both count, reject and replace the same way.
//!
//! Rejects belong to their version: they are written to the builder's
//! [`crosscheck_store::Builder::rejects_path`] and published with the version
//! (`datasets/<name>/v…/rejects.jsonl`); the rejects of a load that fails or loads nothing are
//! kept at `datasets/<name>/failed-load.rejects.jsonl` and the live version's stay untouched.
//! Entities are hashed with the data directory's key (`Builder::new_batch`).

use crate::{open, EncodingUsed, Format, IngestError, ReaderOptions, Record, Reject};
use crosscheck_store::{AddError, DatasetMeta, PreparedBatch, Store, StoreError};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// What to load, and the provenance to record.
#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    pub files: Vec<PathBuf>,
    /// `None`: detected per file.
    pub format: Option<Format>,
    pub options: ReaderOptions,
    /// `None`: `watchlist` for official lists, else `other`.
    pub kind: Option<String>,
    /// `None`: the dataset name.
    pub origin: Option<String>,
    pub publisher: Option<String>,
    pub retrieved_at: Option<String>,
}

/// The outcome of a load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub dataset: String,
    pub read: u64,
    pub loaded: u64,
    pub rejected: u64,
    pub rejects_file: Option<PathBuf>,
    pub format: Format,
    pub encoding: EncodingUsed,
    pub values_dropped: u64,
    pub kind: String,
    pub origin: String,
}

/// Why a load failed. The previous version of the dataset is kept in every case.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("nothing was loaded into `{dataset}`: the previous version, if any, is kept")]
    Empty { dataset: String, rejected: u64, rejects_file: Option<PathBuf> },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the load of `{dataset}` was cancelled: the previous version, if any, is kept")]
    Cancelled { dataset: String },
    #[error("cannot write rejects to `{path}`")]
    Rejects {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What a load tells the one who started it as it goes, and asks them: whether to stop.
pub trait LoadObserver {
    /// `records` source records of `file` and the files before it have been read (after each
    /// batch; once more at the end with an empty `file`).
    fn read(&mut self, _file: &str, _records: u64) {}
    /// Another load of `dataset` is running: this one waits for it to finish first.
    fn waiting(&mut self, _dataset: &str) {}
    /// Whether to stop. Asked between batches; a stopped load publishes nothing and the
    /// previous version stays live.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Nobody watches: the load runs to its end.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unobserved;

impl LoadObserver for Unobserved {}

/// Loads `request.files` into dataset `request.options.dataset` of `store`, telling `observer`
/// how far it got and asking it whether to go on.
pub fn load(store: &Store, request: &LoadRequest, observer: &mut dyn LoadObserver) -> Result<LoadReport, LoadError> {
    let dataset = request.options.dataset.clone();
    let mut opened = Vec::new();
    for path in &request.files {
        if !path.is_file() {
            return Err(IngestError::Io {
                path: path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            }
            .into());
        }
        opened.push((path.display().to_string(), open(path, request.format, &request.options)?));
    }
    let Some(first) = opened.first() else {
        return Err(LoadError::Empty { dataset, rejected: 0, rejects_file: None });
    };
    let format = first.1.format;
    let encoding = first.1.encoding.clone();
    let kind = request.kind.clone().unwrap_or_else(|| format.default_kind().to_string());
    let origin = request.origin.clone().unwrap_or_else(|| dataset.clone());
    let mut meta = DatasetMeta::new(&dataset, &origin, &kind);
    meta.publisher = request.publisher.clone();
    meta.retrieved_at = request.retrieved_at.clone();
    meta.files = opened.iter().map(|(p, _)| p.clone()).collect();
    meta.format = format.name().to_string();
    // A second load of the dataset waits for the one running; the observer hears of it.
    let builder = store.builder_waiting(meta, &mut || observer.waiting(&dataset))?;
    let rejects_path = builder.rejects_path();
    let rejects = RejectsFile::new(&rejects_path);
    let key = builder.hash_key();
    // Reading and preparing (parsing, cleaning, serialising, keying) run on every core, batch by
    // batch; filing into the builder is sequential, so it runs on a thread of its own, filing
    // one batch while the next is prepared. The channel holds two batches: memory stays bounded.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(std::sync::Arc<str>, Vec<Prepared>)>(2);
    let mut read = 0u64;
    let mut cancelled = false;
    let (mut builder, rejects, dropped) = std::thread::scope(|scope| {
        let filer = scope.spawn(move || file_batches(builder, rejects, rx));
        'files: for (display, file) in opened {
            let display: std::sync::Arc<str> = display.into();
            for batch in file.records.into_batches() {
                if observer.cancelled() {
                    cancelled = true;
                    break 'files;
                }
                let prepared: Vec<Prepared> = batch.par_fold_runs(|| Prepared::new(key), |p, r| p.push(r, &display));
                read += prepared.iter().map(|p| p.records.len() as u64).sum::<u64>();
                observer.read(&display, read);
                if tx.send((display.clone(), prepared)).is_err() {
                    break 'files; // the filer stopped on an error, which its join returns
                }
            }
        }
        drop(tx);
        filer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    let rejected = rejects.count;
    rejects.finish()?;
    if cancelled || observer.cancelled() {
        builder.abandon();
        return Err(LoadError::Cancelled { dataset });
    }
    observer.read("", read);
    if builder.is_empty() {
        let rejects_file = builder.abandon();
        return Err(LoadError::Empty { dataset, rejected, rejects_file });
    }
    builder.meta_mut().read = read;
    builder.meta_mut().rejected = rejected;
    let stats = builder.finish()?;
    Ok(LoadReport {
        dataset,
        read,
        loaded: stats.entities,
        rejected,
        rejects_file: stats.rejects_file,
        format,
        encoding,
        values_dropped: dropped,
        kind,
        origin,
    })
}

/// Files prepared batches into the builder, in order, until the channel closes; refused
/// entities go to the rejects file. Returns the builder, the rejects and the values dropped.
fn file_batches<'a>(
    mut builder: crosscheck_store::Builder,
    mut rejects: RejectsFile<'a>,
    batches: std::sync::mpsc::Receiver<(std::sync::Arc<str>, Vec<Prepared>)>,
) -> Result<(crosscheck_store::Builder, RejectsFile<'a>, u64), LoadError> {
    let mut dropped = 0u64;
    for (display, runs) in batches {
        for run in runs {
            let mut next = 0;
            for record in run.records {
                let (line, end) = match record {
                    PreparedRecord::Rejected(r) => {
                        rejects.write(&r)?;
                        continue;
                    }
                    PreparedRecord::Entities { line, end, dropped: n } => {
                        dropped += n;
                        (line, end)
                    }
                };
                for i in std::mem::replace(&mut next, end)..end {
                    match builder.add_from(&run.entities, i) {
                        Ok(()) => {}
                        Err(AddError::Rejected { error, raw }) => {
                            let reason = error.to_string();
                            let raw = String::from_utf8_lossy(&raw).into_owned();
                            rejects.write(&Reject { file: display.to_string(), line, reason, raw })?;
                            break;
                        }
                        Err(AddError::Store(e)) => return Err(e.into()),
                    }
                }
            }
        }
    }
    Ok((builder, rejects, dropped))
}

/// A run of records after their entities were serialised and keyed: the entities packed in one
/// batch, and what each record became.
struct Prepared {
    entities: PreparedBatch,
    records: Vec<PreparedRecord>,
}

enum PreparedRecord {
    /// The record's entities are those of the batch up to `end` (from where the previous
    /// record's ended); `dropped` values were cleaned away.
    Entities {
        line: u64,
        end: usize,
        dropped: u64,
    },
    Rejected(Reject),
}

impl Prepared {
    fn new(key: crosscheck_store::HashKey) -> Self {
        Prepared { entities: PreparedBatch::new(key), records: Vec::new() }
    }

    fn push(&mut self, record: Record, display: &str) {
        let (line, entities) = match record {
            Record::Rejected(r) => return self.records.push(PreparedRecord::Rejected(r)),
            Record::Entities { line, entities } => (line, entities),
        };
        let before = self.entities.len();
        for entity in &entities {
            if let Err(e) = self.entities.push(entity) {
                self.entities.truncate(before);
                let raw = serde_json::to_string(entity).unwrap_or_default();
                let reject = Reject { file: display.to_string(), line, reason: e.to_string(), raw };
                return self.records.push(PreparedRecord::Rejected(reject));
            }
        }
        let dropped = entities.iter().map(|e| e.dropped.len() as u64).sum();
        self.records.push(PreparedRecord::Entities { line, end: self.entities.len(), dropped });
    }
}

/// The rejects file, created at the first reject.
struct RejectsFile<'a> {
    path: &'a Path,
    out: Option<BufWriter<fs_err::File>>,
    count: u64,
}

impl<'a> RejectsFile<'a> {
    fn new(path: &'a Path) -> Self {
        RejectsFile { path, out: None, count: 0 }
    }

    fn err(&self, source: std::io::Error) -> LoadError {
        LoadError::Rejects { path: self.path.to_path_buf(), source }
    }

    fn write(&mut self, reject: &Reject) -> Result<(), LoadError> {
        self.count += 1;
        if self.out.is_none() {
            if let Some(dir) = self.path.parent() {
                fs_err::create_dir_all(dir).map_err(|e| self.err(e))?;
            }
            let file = fs_err::File::create(self.path).map_err(|e| self.err(e))?;
            self.out = Some(BufWriter::new(file));
        }
        let line = serde_json::to_string(reject).map_err(|e| self.err(e.into()))?;
        let result = match &mut self.out {
            Some(out) => writeln!(out, "{line}"),
            None => Ok(()),
        };
        result.map_err(|e| self.err(e))
    }

    /// Flushes (the file, if any, lies in the version being built: the builder publishes it).
    fn finish(mut self) -> Result<(), LoadError> {
        if let Some(mut out) = self.out.take() {
            out.flush().map_err(|e| self.err(e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! The load pipeline (batches, runs packed on every core, a filing thread) must store what
    //! adding each record's entities one by one stores, and account for every line.
    use super::*;
    use crate::formats::ftm::parse_line;
    use crosscheck_store::index_keys;

    /// Loads `lines` as an FtM file through the pipeline and, beside it, by adding the parsed
    /// entities one at a time; compares the counts, the stored entities and their index.
    fn check(lines: &[String]) -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let file = dir.path().join("in.jsonl");
        std::fs::write(&file, lines.join("\n")).map_err(|e| e.to_string())?;
        let store = Store::open(&dir.path().join("data")).map_err(|e| e.to_string())?;
        let request = LoadRequest {
            files: vec![file],
            format: Some(Format::Ftm),
            options: ReaderOptions { dataset: "piped".into(), ..Default::default() },
            ..Default::default()
        };
        let report = load(&store, &request, &mut Unobserved);

        let mut builder = store.builder(DatasetMeta::new("single", "o", "other")).map_err(|e| e.to_string())?;
        let (mut read, mut rejected) = (0u64, 0u64);
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            read += 1;
            match parse_line("in.jsonl", i as u64 + 1, line) {
                Record::Rejected(_) => rejected += 1,
                Record::Entities { entities, .. } => {
                    for e in &entities {
                        if builder.add(e).is_err() {
                            rejected += 1;
                            break;
                        }
                    }
                }
            }
        }
        let report = match (report, builder.is_empty()) {
            (Ok(report), false) => report,
            (Err(LoadError::Empty { rejected: r, .. }), true) => {
                return (r == rejected).then_some(()).ok_or(format!("rejected {r}, want {rejected}"))
            }
            (other, empty) => return Err(format!("pipeline gave {other:?}, one by one stored nothing: {empty}")),
        };
        builder.finish().map_err(|e| e.to_string())?;
        if (report.read, report.rejected) != (read, rejected) {
            return Err(format!("read/rejected {:?}, want {:?}", (report.read, report.rejected), (read, rejected)));
        }
        let (piped, single) = (store.dataset("piped").unwrap(), store.dataset("single").unwrap());
        if piped.len() != single.len() || report.loaded != single.len() as u64 {
            return Err(format!("{} stored, {} reported, want {}", piped.len(), report.loaded, single.len()));
        }
        for i in 0..single.len() as u32 {
            let want = single.entity(i).unwrap();
            if piped.entity(i).unwrap() != want {
                return Err(format!("entity {i} differs"));
            }
            for key in index_keys(&want) {
                let (a, b): (Vec<u32>, Vec<u32>) = (piped.postings(&key).collect(), single.postings(&key).collect());
                if a != b {
                    return Err(format!("key {key}: {a:?} against {b:?}"));
                }
            }
        }
        Ok(())
    }

    /// An FtM line: ids from a small pool (so records repeat and merge, or conflict), or a line
    /// that is not an entity, or a blank one.
    fn line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let entity = (0..6u8, 0..4usize, "[A-Za-zА-Яа-я ]{0,16}", proptest::option::of("[0-9A-Z]{3,9}")).prop_map(
            |(id, schema, name, passport)| {
                let schema = ["Person", "Company", "LegalEntity", "Organization"][schema];
                let mut props = serde_json::json!({ "name": [name] });
                if let Some(p) = passport {
                    props["passportNumber"] = serde_json::json!([p]);
                }
                serde_json::json!({ "id": format!("e{id}"), "schema": schema, "properties": props }).to_string()
            },
        );
        prop_oneof![8 => entity, 1 => Just("{not json".to_string()), 1 => Just("  ".to_string())]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]
        #[test]
        fn the_pipeline_stores_what_adding_one_by_one_stores(lines in proptest::collection::vec(line(), 0..300)) {
            proptest::prop_assert_eq!(check(&lines), Ok(()));
        }
    }

    #[test]
    fn more_lines_than_a_batch_are_stored_as_one_by_one() {
        let lines: Vec<String> = (0..4_500)
            .map(|i| {
                let name = format!("Person Number{} Family{}", i % 977, i % 13);
                serde_json::json!({ "id": format!("p{}", i % 4_300), "schema": "Person", "properties": { "name": [name] } })
                    .to_string()
            })
            .collect();
        assert_eq!(check(&lines), Ok(()));
    }
}
