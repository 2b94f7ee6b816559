//! `crosscheck-fuzz`: fuzz crosscheck's parsers of outside input on stable Rust.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool: its output is its interface

use clap::Parser;
use crosscheck_fuzz::{default_corpus, fuzz, targets, Config, Scratch, TARGETS};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Feeds mutated files to every parser of outside input (readers, mappings, case files, MRZ,
/// identifiers, places, dates) and reports crashes and slow inputs. Each input is made from the
/// seed and its iteration number only, so a run can be repeated exactly.
#[derive(Parser)]
#[command(name = "crosscheck-fuzz")]
struct Args {
    /// A target (see --list), or `all` for every target one after another.
    target: Option<String>,
    /// Executions per target.
    #[arg(long, default_value_t = 1_000_000)]
    iterations: u64,
    /// The run's random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop each target after this many seconds.
    #[arg(long, value_name = "S")]
    time_limit: Option<f64>,
    /// An input slower than this many milliseconds is reported as slow.
    #[arg(long, default_value_t = 250)]
    slow_ms: u64,
    /// An input running longer than this many seconds stops the run as a hang.
    #[arg(long, default_value_t = 20)]
    hang_s: u64,
    /// The seed corpus (a folder per target).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Where crashing, slow and hanging inputs are written.
    #[arg(long, default_value = "target/fuzz-findings")]
    findings: PathBuf,
    /// Run the target once on this file, without catching a panic (to reproduce a finding).
    #[arg(long)]
    input: Option<PathBuf>,
    /// Say how far a run is on stderr every this many seconds (0: never).
    #[arg(long, default_value_t = 60)]
    progress_s: u64,
    /// Threads for the readers' parallel steps (1 leaves the other cores to other work).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// List the targets.
    #[arg(long)]
    list: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        for t in TARGETS {
            println!("{:<22} {}", t.name, t.about);
        }
        return ExitCode::SUCCESS;
    }
    if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(args.threads.max(1)).build_global() {
        eprintln!("cannot set up {} threads: {e}", args.threads);
    }
    let Some(name) = args.target.as_deref() else {
        eprintln!("name a target or `all` (see --list)");
        return ExitCode::from(2);
    };
    let chosen: Vec<&'static targets::Target> = if name == "all" {
        TARGETS.iter().collect()
    } else if let Some(t) = targets::find(name) {
        vec![t]
    } else {
        eprintln!("unknown target `{name}` (see --list)");
        return ExitCode::from(2);
    };
    if let Some(path) = &args.input {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("cannot read `{}`: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let mut scratch = Scratch::new().expect("a scratch folder");
        for t in chosen {
            let depth = (t.run)(&mut scratch, &data);
            println!("{}: no crash on `{}` ({} bytes, {depth:?})", t.name, path.display(), data.len());
        }
        return ExitCode::SUCCESS;
    }
    let config = Config {
        iterations: args.iterations,
        seed: args.seed,
        time_limit: args.time_limit.map(Duration::from_secs_f64),
        slow: Duration::from_millis(args.slow_ms),
        hang: Duration::from_secs(args.hang_s),
        corpus: args.corpus.unwrap_or_else(default_corpus),
        findings: args.findings,
        progress: (args.progress_s > 0).then(|| Duration::from_secs(args.progress_s)),
    };
    println!(
        "{:<22} {:>6} {:>9} {:>11} {:>9} {:>9} {:>8} {:>6} {:>16} {:>18}",
        "target",
        "seeds",
        "mean len",
        "executions",
        "seconds",
        "exec/s",
        "crashes",
        "slow",
        "slowest",
        "refused/rej/parsed"
    );
    let mut failed = false;
    for t in chosen {
        let outcome = match fuzz(t, &config) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("{}: {e}", t.name);
                return ExitCode::from(2);
            }
        };
        println!(
            "{:<22} {:>6} {:>9.0} {:>11} {:>9.1} {:>9.0} {:>8} {:>6} {:>16} {:>18}",
            outcome.target,
            outcome.seeds,
            outcome.mean_len,
            outcome.executions,
            outcome.elapsed.as_secs_f64(),
            outcome.per_second(),
            outcome.crash_count(),
            outcome.slow.len(),
            format!("{:.1} ms/{} B", outcome.slowest.0.as_secs_f64() * 1000.0, outcome.slowest.1),
            {
                let n = outcome.executions.max(1) as f64;
                let [a, b, c] = outcome.depths.map(|d| 100.0 * d as f64 / n);
                format!("{a:.0}/{b:.0}/{c:.0} %")
            },
        );
        for c in &outcome.crashes {
            failed = true;
            println!(
                "  CRASH x{} at {}: {}\n    first at iteration {}, input {}\n    reproduce: cargo run --release -p crosscheck-fuzz -- {} --input {}",
                c.count,
                c.location,
                c.message,
                c.iteration,
                c.input.display(),
                t.name,
                c.input.display()
            );
        }
        for s in &outcome.slow {
            failed = true;
            println!(
                "  SLOW {:.0} ms on {} bytes (iteration {}), input {}",
                s.elapsed.as_secs_f64() * 1000.0,
                s.len,
                s.iteration,
                s.input.display()
            );
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
