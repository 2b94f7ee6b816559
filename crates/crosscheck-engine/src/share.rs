//! Sharing a case with partner desks (issue 20, PRODUCT.md "Sharing with partner desks"): what
//! goes into a bundle, and unpacking one that [`crosscheck_share::open_bundle`] has checked.
//!
//! A bundle carries the reports (JSON, HTML, Markdown) exactly as `verify` renders them with the
//! case's decisions applied, the case file with every source reduced to `key`, `group`,
//! `confirms` and `disputes`, the evidence records the report cites (or all, or none) as FtM
//! JSON lines, and with `decisions` the desk's decisions. Privacy rules, and how they hold:
//! - a source's `note` never reaches a report (the renderers print sources by key and group);
//!   the case file is rebuilt from its parsed tree with only those four keys per source, and with
//!   no comment of the original (a comment is where a desk scribbles who a source is);
//! - the decisions' reasons (desk notes) are in the bundle only with `decisions`: without it the
//!   report lists the decisions applied, without their reasons;
//! - nothing hashes a source's value: the manifest hashes the files as they are in the bundle.
//!
//! The case file inside names the bundle's evidence files, so `crosscheck verify case.yaml` runs
//! in an opened bundle (on the records it carries).

use crate::verify::{case_name, VerifyError, VerifyOptions};
use crate::Engine;
use crosscheck_share::{BundleFile, ManifestHead};
use crosscheck_verify::render::{self, Format};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlEmitter, YamlLoader};

/// Which evidence records a bundle carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EvidenceChoice {
    /// The records the report cites (claims' evidence, findings, records set aside).
    #[default]
    Cited,
    All,
    None,
}

impl EvidenceChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceChoice::Cited => "cited",
            EvidenceChoice::All => "all",
            EvidenceChoice::None => "none",
        }
    }
}

/// What to share.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShareOptions {
    pub evidence: EvidenceChoice,
    /// Put the desk's decisions (with their notes) in the bundle.
    pub decisions: bool,
    pub allow_outside_case_folder: bool,
}

/// A bundle's contents, ready for [`crosscheck_share::write_bundle`].
pub struct ShareContents {
    pub head: ManifestHead,
    pub files: Vec<BundleFile>,
    /// Evidence records per dataset, as written.
    pub records: Vec<(String, usize)>,
}

/// Why a bundle could not be made or unpacked.
#[derive(Debug, thiserror::Error)]
pub enum ShareUseError {
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error("case `{}`: {reason}", path.display())]
    Case { path: PathBuf, reason: String },
    #[error("`{}`: {reason}", path.display())]
    Out { path: PathBuf, reason: String },
}

impl Engine {
    /// What a bundle of the case file at `path` holds (see the module docs).
    pub fn share_contents(&self, path: &Path, options: ShareOptions) -> Result<ShareContents, ShareUseError> {
        let verify_options =
            VerifyOptions { allow_outside_case_folder: options.allow_outside_case_folder, no_decisions: false };
        let opened = self.open_case(path, verify_options)?;
        let decisions = match case_name(path) {
            Some(name) => self
                .recorded_decisions(&name)
                .map_err(|e| VerifyError::Decisions { path: path.into(), reason: e.to_string() })?,
            None => Vec::new(),
        };
        let sets = &opened.evidence.sets;
        let mut report = crosscheck_verify::verify_decided(&opened.case, sets, self.scorer().algorithm(), &decisions)
            .map_err(|error| VerifyError::Dataset { path: path.into(), error })?;
        let case_error = |reason: String| ShareUseError::Case { path: path.into(), reason };

        let mut decision_lines = String::new();
        if options.decisions {
            for line in &report.decisions {
                decision_lines.push_str(&serde_json::to_string(line).expect("a decision serialises"));
                decision_lines.push('\n');
            }
        } else {
            // desk notes travel only with --decisions
            for line in &mut report.decisions {
                line.reason = None;
            }
            for note in report.claims.iter_mut().flat_map(|c| c.notes.iter_mut()) {
                note.reason = None;
            }
        }

        // the evidence records, per dataset in the case's order
        let mut cited: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for claim in &report.claims {
            for item in &claim.evidence {
                if let Some(dataset) = &item.dataset {
                    cited.entry(dataset).or_default().insert(&item.record);
                }
            }
        }
        for f in &report.findings {
            cited.entry(&f.dataset).or_default().insert(&f.record);
        }
        for s in &report.set_aside {
            cited.entry(&s.dataset).or_default().insert(&s.record);
        }
        let mut evidence_files = Vec::new();
        let mut records = Vec::new();
        let mut taken = BTreeSet::new();
        for set in sets {
            let name = set.info().dataset.clone();
            let entities = match options.evidence {
                EvidenceChoice::None => Vec::new(),
                EvidenceChoice::All => match set.all() {
                    Some(all) => all.map_err(|error| VerifyError::Dataset { path: path.into(), error })?,
                    None => return Err(case_error(format!("the records of `{name}` cannot be listed"))),
                },
                EvidenceChoice::Cited => {
                    let mut out = Vec::new();
                    for id in cited.get(name.as_str()).into_iter().flatten() {
                        let got = set.get(id).map_err(|error| VerifyError::Dataset { path: path.into(), error })?;
                        out.extend(got);
                    }
                    out
                }
            };
            if entities.is_empty() {
                continue;
            }
            let mut bytes = Vec::with_capacity(entities.len() * 256);
            for e in &entities {
                serde_json::to_writer(&mut bytes, e).expect("an entity serialises");
                bytes.push(b'\n');
            }
            let file = evidence_path(&name, &mut taken);
            records.push((name.clone(), entities.len()));
            evidence_files.push((name, file, bytes));
        }

        let text = fs_err::read_to_string(path).map_err(|e| case_error(crate::verify::io_reason(&e)))?;
        let in_bundle: BTreeMap<&str, &str> = evidence_files.iter().map(|(n, f, _)| (n.as_str(), f.as_str())).collect();
        let redacted = redact_case(&text, &report.datasets, &in_bundle).map_err(case_error)?;

        let mut files = vec![
            BundleFile { path: "report.json".into(), bytes: render::render(&report, Format::Json).into_bytes() },
            BundleFile { path: "report.html".into(), bytes: render::render(&report, Format::Html).into_bytes() },
            BundleFile { path: "report.md".into(), bytes: render::render(&report, Format::Markdown).into_bytes() },
            BundleFile { path: "case.yaml".into(), bytes: redacted.into_bytes() },
        ];
        for (_, file, bytes) in evidence_files {
            files.push(BundleFile { path: file, bytes });
        }
        if options.decisions {
            files.push(BundleFile { path: "decisions.jsonl".into(), bytes: decision_lines.into_bytes() });
        }
        let head = ManifestHead {
            case: report.case.clone(),
            created_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            crosscheck_version: report.crosscheck_version.clone(),
            scorer: report.scorer.clone(),
            evidence: options.evidence.as_str().into(),
            decisions: options.decisions,
            datasets: report.datasets.iter().map(|d| serde_json::to_value(d).expect("provenance serialises")).collect(),
        };
        Ok(ShareContents { head, files, records })
    }
}

/// `evidence/<dataset>.jsonl`: the dataset's name with anything but letters, digits, `.`, `_`
/// and `-` as `_` (and no leading `.`), made unique among `taken` with `-2`, `-3`, ...
fn evidence_path(dataset: &str, taken: &mut BTreeSet<String>) -> String {
    let mut stem: String =
        dataset.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect();
    if stem.is_empty() || stem.starts_with('.') {
        stem.insert(0, '_');
    }
    stem = stem.chars().take(100).collect();
    let mut name = stem.clone();
    let mut n = 1;
    while !taken.insert(name.clone()) {
        n += 1;
        name = format!("{stem}-{n}");
    }
    format!("evidence/{name}.jsonl")
}

/// The case file `text` as a bundle carries it: every source reduced to `key`, `group`,
/// `confirms` and `disputes`; no comment; each evidence entry naming the bundle's file for its
/// dataset (with its provenance), or the dataset by name when the bundle has no records of it.
pub fn redact_case(
    text: &str,
    datasets: &[crosscheck_verify::evidence::DatasetInfo],
    in_bundle: &BTreeMap<&str, &str>,
) -> Result<String, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|_| "cannot be read again as YAML".to_string())?;
    let Some(Yaml::Hash(top)) = docs.into_iter().next() else {
        return Err("is not a YAML mapping".into());
    };
    let key = |k: &str| Yaml::String(k.into());
    let mut out = yaml_rust2::yaml::Hash::new();
    for (k, v) in top {
        let value = match k.as_str() {
            Some("sources") => match v {
                Yaml::Array(sources) => Yaml::Array(sources.into_iter().map(|s| reduce_source(s, &key)).collect()),
                _ => Yaml::Array(Vec::new()),
            },
            Some("evidence") => {
                let entries = datasets
                    .iter()
                    .map(|d| {
                        let mut e = yaml_rust2::yaml::Hash::new();
                        if let Some(file) = in_bundle.get(d.dataset.as_str()) {
                            e.insert(key("file"), Yaml::String((*file).into()));
                            e.insert(key("dataset"), Yaml::String(d.dataset.clone()));
                            e.insert(key("origin"), Yaml::String(d.origin.clone()));
                            e.insert(key("kind"), Yaml::String(d.kind.clone()));
                            if let Some(p) = &d.publisher {
                                e.insert(key("publisher"), Yaml::String(p.clone()));
                            }
                            if let Some(r) = &d.retrieved_at {
                                e.insert(key("retrieved_at"), Yaml::String(r.clone()));
                            }
                        } else {
                            e.insert(key("dataset"), Yaml::String(d.dataset.clone()));
                        }
                        Yaml::Hash(e)
                    })
                    .collect();
                Yaml::Array(entries)
            }
            _ => v,
        };
        out.insert(k, value);
    }
    let mut written = String::new();
    YamlEmitter::new(&mut written).dump(&Yaml::Hash(out)).map_err(|e| format!("cannot be written again: {e}"))?;
    let written = written.strip_prefix("---\n").unwrap_or(&written).to_string() + "\n";
    Ok(format!("# The case as shared by crosscheck: human sources by key and group only.\n{written}"))
}

fn reduce_source(source: Yaml, key: &dyn Fn(&str) -> Yaml) -> Yaml {
    let Yaml::Hash(fields) = source else { return Yaml::Hash(Default::default()) };
    let mut out = yaml_rust2::yaml::Hash::new();
    for name in ["key", "group", "confirms", "disputes"] {
        if let Some(v) = fields.get(&key(name)) {
            out.insert(key(name), v.clone());
        }
    }
    Yaml::Hash(out)
}

/// Writes the checked files of an opened bundle into the new folder `out`: first into a
/// temporary folder beside it, then renamed, so a failure leaves nothing half-written. `out`
/// must not exist, or be an empty folder.
pub fn unpack(files: &[BundleFile], out: &Path) -> Result<(), ShareUseError> {
    let err = |reason: String| ShareUseError::Out { path: out.into(), reason };
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        let empty_dir = meta.is_dir() && std::fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty_dir {
            return Err(err("already exists: give a new folder to unpack the bundle into".into()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".crosscheck-open-")
        .tempdir_in(&parent)
        .map_err(|e| err(format!("cannot make a folder beside it: {}", crate::verify::io_reason(&e))))?;
    for file in files {
        // paths were checked by the reader: relative, plain names, no `..`
        let target = temp.path().join(&file.path);
        if let Some(dir) = target.parent() {
            fs_err::create_dir_all(dir).map_err(|e| err(crate::verify::io_reason(&e)))?;
        }
        fs_err::write(&target, &file.bytes).map_err(|e| err(crate::verify::io_reason(&e)))?;
    }
    let temp = temp.keep();
    if std::fs::symlink_metadata(out).is_ok() {
        let _ = std::fs::remove_dir(out); // the empty folder checked above
    }
    std::fs::rename(&temp, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&temp);
        err(format!("cannot be made: {}", crate::verify::io_reason(&e)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::DecisionRequest;
    use crosscheck_verify::Judgement;

    const CASE: &str = "case: shared-1 # who A is: SECRET-COMMENT\n\
        as_of: 2024-11-01\n\
        subject: {name: Olga Marchenko, birthDate: 1979-04-02}\n\
        sources:\n\
        \x20 - {key: A, group: colleagues, confirms: [subject.name], note: SECRET-NOTE}\n\
        evidence:\n\
        \x20 - {file: evidence/registry.jsonl, origin: registry-2021, kind: government}\n";

    fn case_folder() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("cases").join("shared-1");
        std::fs::create_dir_all(folder.join("evidence")).unwrap();
        std::fs::write(folder.join("case.yaml"), CASE).unwrap();
        let records = concat!(
            r#"{"id":"r1","schema":"Person","properties":{"name":["Olga Marchenko"],"birthDate":["1979-04-02"]}}"#,
            "\n",
            r#"{"id":"r2","schema":"Person","properties":{"name":["Somebody Else"],"birthDate":["1950-01-01"]}}"#,
            "\n"
        );
        std::fs::write(folder.join("evidence/registry.jsonl"), records).unwrap();
        (dir, folder.join("case.yaml"))
    }

    fn file<'a>(contents: &'a ShareContents, path: &str) -> Option<&'a str> {
        contents.files.iter().find(|f| f.path == path).map(|f| std::str::from_utf8(&f.bytes).unwrap())
    }

    #[test]
    fn desk_notes_travel_only_with_decisions_and_source_notes_never() {
        let (dir, case) = case_folder();
        let engine = Engine::open(&dir.path().join("data")).unwrap();
        let request = DecisionRequest {
            target: "subject.birthDate".into(),
            person: None,
            judgement: Judgement::Note,
            reason: Some("DESK-NOTE: call the registry".into()),
        };
        engine.decide(&dir.path().join("cases"), "shared-1", request).unwrap();
        let without = engine.share_contents(&case, ShareOptions::default()).unwrap();
        let with = engine.share_contents(&case, ShareOptions { decisions: true, ..Default::default() }).unwrap();
        for contents in [&without, &with] {
            for f in &contents.files {
                let text = String::from_utf8_lossy(&f.bytes);
                assert!(!text.contains("SECRET"), "{}: {text}", f.path);
            }
            assert_eq!(file(contents, "evidence/registry.jsonl").unwrap().lines().count(), 1, "only the cited record");
        }
        assert!(!without.files.iter().any(|f| String::from_utf8_lossy(&f.bytes).contains("DESK-NOTE")));
        assert!(file(&without, "decisions.jsonl").is_none());
        assert!(file(&with, "decisions.jsonl").unwrap().contains("DESK-NOTE"));
        assert!(file(&with, "report.json").unwrap().contains("DESK-NOTE"));
        let all = engine.share_contents(&case, ShareOptions { evidence: EvidenceChoice::All, ..Default::default() });
        assert_eq!(file(&all.unwrap(), "evidence/registry.jsonl").unwrap().lines().count(), 2);
        let none = engine.share_contents(&case, ShareOptions { evidence: EvidenceChoice::None, ..Default::default() });
        let none = none.unwrap();
        assert!(file(&none, "evidence/registry.jsonl").is_none());
        assert!(file(&none, "case.yaml").unwrap().contains("dataset: registry"));
    }

    #[test]
    fn evidence_files_have_plain_unique_names() {
        let mut taken = BTreeSet::new();
        assert_eq!(evidence_path("leak", &mut taken), "evidence/leak.jsonl");
        assert_eq!(evidence_path("my leak", &mut taken), "evidence/my_leak.jsonl");
        assert_eq!(evidence_path("my/leak", &mut taken), "evidence/my_leak-2.jsonl");
        assert_eq!(evidence_path("..", &mut taken), "evidence/_...jsonl");
        assert_eq!(evidence_path("", &mut taken), "evidence/_.jsonl");
    }

    #[test]
    fn the_redacted_case_keeps_key_group_confirms_disputes_and_parses() {
        let (_dir, case) = case_folder();
        let text = std::fs::read_to_string(case).unwrap();
        let info = crosscheck_verify::evidence::DatasetInfo {
            dataset: "registry".into(),
            origin: "registry-2021".into(),
            kind: "government".into(),
            publisher: None,
            retrieved_at: None,
            records: 2,
            loaded_at: String::new(),
            file: None,
        };
        let in_bundle = BTreeMap::from([("registry", "evidence/registry.jsonl")]);
        let redacted = redact_case(&text, &[info], &in_bundle).unwrap();
        assert!(!redacted.contains("SECRET"), "{redacted}");
        assert!(redacted.contains("key: A") && redacted.contains("group: colleagues"), "{redacted}");
        let parsed = crosscheck_verify::parse_case(&redacted, "case", crate::evidence::today()).unwrap();
        assert_eq!(parsed.sources.len(), 1);
        assert_eq!(parsed.sources[0].key, "A");
    }
}
