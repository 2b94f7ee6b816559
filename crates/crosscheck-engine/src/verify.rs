//! Verifying a case file: read and check the case, open its evidence (loaded datasets as
//! snapshots, its own files in a scratch store), evaluate every claim, and return the report
//! for a front end to render.
//!
//! Settings resolve in this order, and any problem stops before anything is written: the case
//! is read and checked, then every evidence file and mapping is checked (a regular file, inside
//! the case folder unless the user allows otherwise, a mapping no larger than
//! [`MAX_CASE_FILE_BYTES`] and recognisably a mapping), then the evidence is opened, then
//! evaluated. Errors name the case file and, for its entries, the line and key; human sources
//! appear in no error, and no error quotes the content of a file that is not what it should be.
//!
//! The path rule: a case file may come from someone else (a team server runs cases from a
//! folder), so its `file:` and `mapping:` paths must resolve, symlinks followed, inside the
//! folder that holds the case file. [`VerifyOptions::allow_outside_case_folder`] lifts it.

use crate::evidence::{self, EvidenceError};
use crate::Engine;
use crosscheck_ingest::{Format, Mapping, ReaderOptions, Record};
use crosscheck_model::Entity;
use crosscheck_verify::case::{looks_like_mapping, EvidenceSpec, FileEvidence};
use crosscheck_verify::evidence::{DatasetInfo, EvidenceSet, Screened, SetError};
use crosscheck_verify::{parse_case, CaseError, Pos, Report};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest case file or mapping file read (16 MiB): a real one is a few kilobytes, and a
/// path such as `/dev/zero` or a mistaken dump must not take all memory.
pub const MAX_CASE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A verified case.
pub struct Verified {
    pub report: Report,
    /// What loading the case's own files read and rejected: (file, read, loaded, rejected).
    pub loads: Vec<(String, u64, u64, u64)>,
}

/// How to verify.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Let `file:` and `mapping:` paths point outside the case file's folder.
    pub allow_outside_case_folder: bool,
    /// Ignore the desk's recorded decisions on the case (`verify --no-decisions`).
    pub no_decisions: bool,
}

/// A case read, checked and with its evidence open, not yet evaluated.
pub(crate) struct OpenedCase {
    pub case: crosscheck_verify::Case,
    pub evidence: evidence::Evidence,
}

/// Why a case could not be verified.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read case `{}`: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("case `{}` is not UTF-8 text", path.display())]
    NotText { path: PathBuf },
    #[error("case `{}`: {error}", path.display())]
    Case { path: PathBuf, error: CaseError },
    #[error("case `{}`, {pos}: {} `{}` {reason} (`{key}`)", path.display(), what(key), file.display())]
    Path { path: PathBuf, pos: Pos, key: String, file: PathBuf, reason: String },
    #[error("case `{}`, {error}", path.display())]
    Evidence { path: PathBuf, error: EvidenceError },
    #[error("case `{}`: {error}", path.display())]
    Dataset { path: PathBuf, error: crosscheck_verify::evidence::SetError },
    #[error(
        "case `{}`: the desk's decisions on it cannot be read: {reason} (verify with --no-decisions to leave them out)",
        path.display()
    )]
    Decisions { path: PathBuf, reason: String },
}

impl Engine {
    /// Verifies the case file at `path` (its evidence files are read relative to it), with the
    /// default options.
    pub fn verify(&self, path: &Path) -> Result<Verified, VerifyError> {
        self.verify_with(path, VerifyOptions::default())
    }

    /// Verifies the case file at `path` with `options`, applying the desk's decisions on the
    /// case (found by the name of the folder holding the case file, the server's `{case}`)
    /// unless `options.no_decisions`.
    pub fn verify_with(&self, path: &Path, options: VerifyOptions) -> Result<Verified, VerifyError> {
        let opened = self.open_case(path, options)?;
        let decisions = match case_name(path) {
            Some(name) if !options.no_decisions => self
                .recorded_decisions(&name)
                .map_err(|e| VerifyError::Decisions { path: path.into(), reason: e.to_string() })?,
            _ => Vec::new(),
        };
        let report = crosscheck_verify::verify_decided(
            &opened.case,
            &opened.evidence.sets,
            self.scorer().algorithm(),
            &decisions,
        )
        .map_err(|error| VerifyError::Dataset { path: path.into(), error })?;
        Ok(Verified { report, loads: opened.evidence.loads.clone() })
    }

    /// Reads and checks the case file at `path` and opens its evidence.
    pub(crate) fn open_case(&self, path: &Path, options: VerifyOptions) -> Result<OpenedCase, VerifyError> {
        let bytes = read_limited(path).map_err(|reason| VerifyError::Read { path: path.into(), reason })?;
        let text = String::from_utf8(bytes).map_err(|_| VerifyError::NotText { path: path.into() })?;
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "case".into());
        let case = parse_case(&text, &stem, evidence::today())
            .map_err(|error| VerifyError::Case { path: path.into(), error })?;
        // A case from a pipe (`/dev/stdin`, `<(...)`) has no folder of its own: its evidence paths
        // are read from the current folder. `/dev/stdin < case.yaml` is a regular file behind a
        // device path, whose folder (`/dev`) is not the case's either.
        let device_path = path.starts_with("/dev") || path.starts_with("/proc");
        let from_pipe = device_path || !std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let case_dir = match path.parent() {
            Some(dir) if !from_pipe && !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        check_paths(&case.evidence, &case_dir, options).map_err(|(pos, key, file, reason)| VerifyError::Path {
            path: path.into(),
            pos,
            key,
            file,
            reason,
        })?;
        evidence::clean_stale_scratch();
        let mut opened = evidence::open(&case, &case_dir, self.store(), *self.scorer())
            .map_err(|error| VerifyError::Evidence { path: path.into(), error })?;
        let sets = std::mem::take(&mut opened.sets);
        opened.sets = sets
            .into_iter()
            .zip(&case.evidence)
            .map(|(set, spec)| match spec {
                EvidenceSpec::File(f) => Box::new(Lined::new(set, f, &case_dir)) as Box<dyn EvidenceSet>,
                EvidenceSpec::Dataset { .. } => set,
            })
            .collect();
        Ok(OpenedCase { case, evidence: opened })
    }
}

/// The name a case's decisions are recorded under: the name of the folder holding the case file
/// (the server's `{case}`); none for a case read from a pipe.
pub fn case_name(path: &Path) -> Option<String> {
    if path.starts_with("/dev") || path.starts_with("/proc") || !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    // the folder as named (a symlinked case folder keeps its name), else as resolved (`../case.yaml`)
    let named = std::path::absolute(path).ok().and_then(|p| Some(p.parent()?.file_name()?.to_owned()));
    let name = match named {
        Some(name) => name,
        None => std::fs::canonicalize(path).ok()?.parent()?.file_name()?.to_owned(),
    };
    name.to_str().map(str::to_string)
}

/// A case's evidence file with the line of each of its records (issue 14: "registry.csv line 4"
/// beside each item of evidence). The store keeps no line numbers, so the file is read once more
/// with the same reader, which mints the same ids the load did: lazily, at the first record asked
/// about, so a file no evidence comes from is not read again. A file that cannot be read again
/// gives no lines rather than failing a verification that has read it once already.
struct Lined {
    inner: Box<dyn EvidenceSet>,
    spec: FileEvidence,
    case_dir: PathBuf,
    lines: std::cell::OnceCell<HashMap<String, Vec<u64>>>,
}

impl Lined {
    fn new(inner: Box<dyn EvidenceSet>, spec: &FileEvidence, case_dir: &Path) -> Lined {
        Lined { inner, spec: spec.clone(), case_dir: case_dir.to_path_buf(), lines: std::cell::OnceCell::new() }
    }

    fn read_lines(&self) -> HashMap<String, Vec<u64>> {
        let spec = &self.spec;
        let resolve = |p: &Path| if p.is_absolute() { p.to_path_buf() } else { self.case_dir.join(p) };
        let mut lines: HashMap<String, Vec<u64>> = HashMap::new();
        let mapping = spec.mapping.as_ref().map(|m| resolve(m));
        let parsed = match &mapping {
            Some(m) => fs_err::read_to_string(m).ok().and_then(|t| Mapping::parse(&t).ok()),
            None => None,
        };
        let format = spec.format.as_deref().and_then(Format::from_name);
        let options = ReaderOptions {
            mapping: parsed,
            mapping_path: mapping,
            encoding: spec.encoding.clone(),
            dataset: spec.dataset.clone(),
        };
        if let Ok(opened) = crosscheck_ingest::open(&resolve(&spec.file), format, &options) {
            for record in opened.records {
                if let Record::Entities { line, entities } = record {
                    for e in entities {
                        let at = lines.entry(e.id).or_default();
                        if !at.contains(&line) {
                            at.push(line);
                        }
                    }
                }
            }
        }
        lines
    }
}

impl EvidenceSet for Lined {
    fn info(&self) -> &DatasetInfo {
        self.inner.info()
    }
    fn candidates(&self, query: &Entity, limit: usize) -> Result<Vec<Entity>, SetError> {
        self.inner.candidates(query, limit)
    }
    fn screen(&self, query: &Entity, threshold: f64) -> Result<Vec<Screened>, SetError> {
        self.inner.screen(query, threshold)
    }
    fn get(&self, id: &str) -> Result<Option<Entity>, SetError> {
        self.inner.get(id)
    }
    fn referencing(&self, ids: &[String]) -> Result<Vec<Entity>, SetError> {
        self.inner.referencing(ids)
    }
    fn all(&self) -> Option<Result<Vec<Entity>, SetError>> {
        self.inner.all()
    }
    fn lines(&self, id: &str) -> Vec<u64> {
        self.lines.get_or_init(|| self.read_lines()).get(id).cloned().unwrap_or_default()
    }
}

/// What an evidence key names, in words ("evidence file", "mapping").
fn what(key: &str) -> &'static str {
    if key.ends_with(".mapping") {
        "mapping"
    } else {
        "evidence file"
    }
}

/// What a path is when it is not a regular file, in words.
fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    if meta.is_dir() {
        Some("is a directory")
    } else if !meta.is_file() {
        Some("is not a regular file (a device, a pipe or a socket)")
    } else {
        None
    }
}

/// Reads a case or mapping file of at most [`MAX_CASE_FILE_BYTES`]. A pipe or character device
/// (`/dev/stdin`, `<(...)`) is read too, at most the limit plus one byte, so `/dev/zero` is refused
/// quickly with the limit named; a directory is refused.
fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let meta = fs_err::metadata(path).map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("is a directory".into());
    }
    let file = fs_err::File::open(path).map_err(|e| io_reason(&e))?;
    let mut bytes = Vec::new();
    file.take(MAX_CASE_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > MAX_CASE_FILE_BYTES {
        return Err("is larger than 16 MiB, the limit for a case or mapping file".into());
    }
    Ok(bytes)
}

type PathProblem = (Pos, String, PathBuf, String);

/// Checks every `file:` and `mapping:` of the case's evidence (see the module docs).
fn check_paths(specs: &[EvidenceSpec], case_dir: &Path, options: VerifyOptions) -> Result<(), PathProblem> {
    let resolve = |p: &Path| if p.is_absolute() { p.to_path_buf() } else { case_dir.join(p) };
    let folder = std::fs::canonicalize(case_dir).unwrap_or_else(|_| case_dir.to_path_buf());
    let files = specs.iter().enumerate().filter_map(|(i, s)| match s {
        EvidenceSpec::File(f) => Some((i, f)),
        EvidenceSpec::Dataset { .. } => None,
    });
    for (i, f) in files {
        let entries = std::iter::once(("file", &f.file)).chain(f.mapping.as_ref().map(|m| ("mapping", m)));
        for (name, written) in entries {
            let key = format!("evidence[{}].{name}", i + 1);
            let full = resolve(written);
            let problem = |reason: &str| (f.pos, key.clone(), full.clone(), reason.to_string());
            let meta = match std::fs::metadata(&full) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(problem("does not exist")),
                Err(e) => return Err(problem(&format!("cannot be read: {}", io_reason(&e)))),
            };
            if let Some(what) = not_a_file(&meta) {
                return Err(problem(what));
            }
            if !options.allow_outside_case_folder {
                let real = std::fs::canonicalize(&full).map_err(|e| problem(&io_reason(&e)))?;
                if !real.starts_with(&folder) {
                    return Err(problem(
                        "is outside the case file's folder; move it there, or run verify with \
                         --allow-outside-case-folder if you trust this case file",
                    ));
                }
            }
            if name == "mapping" {
                let bytes = read_limited(&full).map_err(|r| problem(&r))?;
                let recognised = std::str::from_utf8(&bytes).is_ok_and(looks_like_mapping);
                if !recognised {
                    return Err(problem(
                        "is not a mapping file (a YAML file with `schema` and `properties`, as `crosscheck load --mapping` reads)",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The reason of an IO error without the path (fs-err adds one the message already names).
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            // fs-err's message names the path again: keep the reason only
            let text = e.to_string();
            text.split_once(" at path ").map_or(text.clone(), |(head, _)| head.to_string())
        }
    }
}

#[cfg(test)]
mod case_name_tests {
    use super::case_name;

    #[test]
    fn a_cases_decisions_are_found_by_its_folders_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hollow-2024").join("case.yaml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "case: x").unwrap();
        assert_eq!(case_name(&file).as_deref(), Some("hollow-2024"));
        let dotted = dir.path().join("hollow-2024").join(".").join("case.yaml");
        assert_eq!(case_name(&dotted).as_deref(), Some("hollow-2024"));
        let up = dir.path().join("hollow-2024").join("sub").join("..").join("case.yaml");
        std::fs::create_dir_all(dir.path().join("hollow-2024").join("sub")).unwrap();
        assert_eq!(case_name(&up).as_deref(), Some("hollow-2024"));
        assert_eq!(case_name(std::path::Path::new("/dev/stdin")), None, "a pipe has no folder");
        assert_eq!(case_name(&dir.path().join("absent.yaml")), None);
    }
}

#[cfg(test)]
mod read_limited_tests {
    use super::read_limited;
    use std::path::Path;

    #[test]
    fn a_device_is_read_up_to_the_limit_then_refused() {
        let zero = Path::new("/dev/zero");
        if !zero.exists() {
            return;
        }
        let reason = read_limited(zero).unwrap_err();
        assert!(reason.contains("16 MiB"), "{reason}");
    }

    #[test]
    fn a_directory_is_refused() {
        let reason = read_limited(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_err();
        assert_eq!(reason, "is a directory");
    }
}
