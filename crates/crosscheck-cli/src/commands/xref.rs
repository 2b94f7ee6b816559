//! `crosscheck xref`: cross-reference a loaded dataset with itself (duplicates) or with another
//! (who of one is in the other). The use case is `Engine::xref`; this reads the flags and the
//! judgements file, writes the lines and shows progress.

use super::matching::{scorer, threshold};
use crate::output::{diag, user_error, write_json_line};
use crate::sink::Sink;
use clap::Args;
use crosscheck_engine::xref::{
    read_judgements, XrefError, XrefProgress, XrefRequest, XrefSink, XrefSummary, REVIEW_PAIRS,
};
use crosscheck_engine::{wire, Engine, Scorer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Find the records that are the same person: within one dataset, or between two.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # which rows of a leak are the same person written several ways
  crosscheck xref --dataset leak --clusters leak-people.jsonl -o leak-pairs.jsonl
  # who in the leak is on a watchlist (pairs only across the two)
  crosscheck xref --dataset leak --against un-sanctions -o hits.jsonl
  # with the desk's judgements of earlier runs (`crosscheck audit --judgements`)
  crosscheck audit --judgements > judged.jsonl
  crosscheck xref --dataset registry --judgements judged.jsonl --clusters people.jsonl

Output: one JSON line per pair scoring at least half the threshold, `{\"left\": {\"dataset\", \"id\"},
\"right\": {...}, \"score\", \"match\", \"explanation\"}`, in a fixed order; with --clusters, one line per
cluster `{\"cluster\", \"size\", \"members\"}` covering every record. Judgements (`same`, `different`)
win over scores; those recorded on the team server are used too. A summary goes to stderr.

Exit codes: 0 done; 2 usage or input error (an unknown dataset, --against the dataset itself, a
judgements line that cannot be read); nothing is written to an --output or --clusters file then.")]
pub struct XrefArgs {
    /// The dataset to cross-reference
    #[arg(long, value_name = "NAME")]
    pub dataset: String,
    /// Link mode: pair the dataset's records with this one's, never two of one dataset
    #[arg(long, value_name = "NAME")]
    pub against: Option<String>,
    /// Decision threshold: `match` is `score >= threshold` [default: the scorer's, 0.7]
    #[arg(long, value_name = "T", value_parser = threshold)]
    pub threshold: Option<f64>,
    /// Write the pairs scoring at least S [default: half the threshold]; 0 writes every
    /// candidate pair scored
    #[arg(long, value_name = "S", value_parser = threshold)]
    pub min_score: Option<f64>,
    /// Scoring algorithm, by name or id, as `compare` takes it; `crosscheck-v3` is made for
    /// registries and leaks (addresses, exact birth dates, namesakes kept apart) [default:
    /// crosscheck-v2]
    #[arg(long, value_name = "NAME", value_parser = scorer)]
    pub scorer: Option<Scorer>,
    /// Judgements to apply, JSON lines as `crosscheck audit --judgements` writes them
    #[arg(long, value_name = "FILE")]
    pub judgements: Option<PathBuf>,
    /// Write the pairs to FILE (replaced only when the run finishes) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the clusters to FILE (replaced only when the run finishes)
    #[arg(long, value_name = "FILE")]
    pub clusters: Option<PathBuf>,
    /// Candidate pairs held at once, in millions (8 bytes each); more pairs run in passes
    #[arg(long, value_name = "MILLIONS", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub pair_budget: u32,
}

/// A judgements file larger than this is refused: it is a file of pairs a desk judged by hand.
const MAX_JUDGEMENTS_BYTES: u64 = 256 << 20;

pub fn run(args: XrefArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut request = XrefRequest::new(&args.dataset);
    request.against = args.against.clone();
    request.threshold = args.threshold;
    request.min_score = args.min_score;
    request.pair_budget = args.pair_budget as usize * (1 << 20);
    if let Some(path) = &args.judgements {
        request.judgements = judgements(path)?;
    }
    let engine = Engine::open(data_dir)?.with_scorer(args.scorer.unwrap_or_default());
    let mut lines = Lines { pairs: Sink::open(args.output.as_deref())?, clusters: None };
    if let Some(path) = &args.clusters {
        lines.clusters = Some(Sink::open(Some(path))?);
    }
    let bar = Bar::new();
    let summary = engine.xref(&request, &mut lines, &bar).map_err(|e| match e {
        XrefError::Engine(e) => super::engine_error(e),
        XrefError::SameDataset(_) => user_error(e.to_string()),
        e => anyhow::Error::new(e),
    })?;
    bar.0.finish_and_clear();
    lines.pairs.finish()?;
    if let Some(clusters) = lines.clusters {
        clusters.finish()?;
    }
    report(&summary);
    Ok(ExitCode::SUCCESS)
}

/// The judgements file, read whole: a line that cannot be read stops the run before it starts.
fn judgements(path: &Path) -> anyhow::Result<Vec<crosscheck_engine::xref::JudgedPair>> {
    let shown = path.display();
    let cannot = |e: &std::io::Error| user_error(format!("cannot read `{shown}`: {}", super::io_reason(e)));
    let meta = fs_err::metadata(path).map_err(|e| cannot(&e))?;
    if !meta.is_file() {
        return Err(user_error(format!("cannot read `{shown}`: not a file")));
    }
    if meta.len() > MAX_JUDGEMENTS_BYTES {
        return Err(user_error(format!(
            "`{shown}` is {} MiB: a judgements file is at most {} MiB",
            meta.len() >> 20,
            MAX_JUDGEMENTS_BYTES >> 20
        )));
    }
    let bytes = fs_err::read(path).map_err(|e| cannot(&e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        user_error(format!("`{shown}`, line {line}: not UTF-8 text"))
    })?;
    read_judgements(&text).map_err(|e| user_error(format!("`{shown}`, {e}")))
}

struct Lines {
    pairs: Sink,
    clusters: Option<Sink>,
}

impl XrefSink for Lines {
    fn pairs(&mut self, pairs: &[wire::XrefPair]) -> std::io::Result<()> {
        write_batch(&mut self.pairs, pairs)
    }

    fn clusters(&mut self, clusters: &[wire::XrefCluster]) -> std::io::Result<()> {
        match &mut self.clusters {
            Some(out) => write_batch(out, clusters),
            None => Ok(()),
        }
    }

    fn wants_clusters(&self) -> bool {
        self.clusters.is_some()
    }
}

/// Writes a batch of JSON lines, serialised on every core (a run writes hundreds of megabytes).
fn write_batch<T: serde::Serialize + Sync>(out: &mut Sink, batch: &[T]) -> std::io::Result<()> {
    use rayon::prelude::*;
    let chunks: Vec<Vec<u8>> = batch
        .par_chunks(512)
        .map(|chunk| {
            let mut bytes = Vec::with_capacity(chunk.len() * 512);
            for line in chunk {
                write_json_line(&mut bytes, line)?;
            }
            Ok(bytes)
        })
        .collect::<std::io::Result<_>>()?;
    chunks.iter().try_for_each(|bytes| std::io::Write::write_all(out, bytes))
}

/// A bar on a terminal's stderr, nothing elsewhere.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::new(0);
        if std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{msg}: {wide_bar} {human_pos}/{human_len} ({per_sec}, {eta} left)")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        Bar(bar)
    }
}

impl XrefProgress for Bar {
    fn stage(&self, what: &str, total: u64) {
        self.0.set_message(what.to_string());
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.reset_eta();
    }

    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}

fn report(s: &XrefSummary) {
    diag!(
        "cross-referenced {} records in {:.1} s: {} candidate pairs scored, {} written (score ≥ {:.2}), {} matches (≥ {:.2})",
        s.entities,
        s.seconds,
        s.candidate_pairs,
        s.pairs_written,
        s.min_score,
        s.matches,
        s.threshold
    );
    diag!(
        "clusters: {} ({} of two or more records); {} joins refused because two of their records disagree",
        s.clusters,
        s.clusters_joined,
        s.joins_refused
    );
    diag!(
        "blocks: {} paired whole, {} too large (paired by birth date); {} pass{}; scorer {}",
        s.blocks_whole,
        s.blocks_sorted,
        s.passes,
        if s.passes == 1 { "" } else { "es" },
        s.scorer
    );
    match (&s.review_file, &s.review_error) {
        (Some(_), _) => {
            diag!("the best pairs (up to {}) wait for the desk's judgement on the review page, /ui/xref", REVIEW_PAIRS)
        }
        (None, Some(e)) => diag!("warning: the pairs could not be kept for the review page: {e}"),
        (None, None) => {}
    }
    if s.judgements_applied + s.judgements_elsewhere > 0 {
        diag!(
            "judgements: {} applied, {} on records not in these datasets",
            s.judgements_applied,
            s.judgements_elsewhere
        );
    }
}
