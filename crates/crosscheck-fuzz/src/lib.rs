//! Fuzzing on stable Rust, for every parser of outside input (issue 15).
//!
//! Each [`Target`] takes a seed corpus of small valid files (invented data, `corpus/<target>/`)
//! and feeds its parser mutations of them ([`mutate`]): the input of iteration `i` under seed `s`
//! depends on `(s, i)` only, so a run is reproducible and any one input can be made again. A panic
//! is caught, counted by where it happened and its input written to a file; an input that takes
//! longer than the slow budget is reported the same way (a super-linear path), and one that runs
//! past the hang budget stops the run with its input written. `cargo fuzz` targets with
//! libFuzzer's coverage guidance stay in the crates for machines with nightly; this runner needs
//! no more than `cargo`.

pub mod mutate;
pub mod targets;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

pub use targets::{Depth, Scratch, Target, TARGETS};

/// The seed corpus shipped with the crate.
pub fn default_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// How long and how hard to fuzz one target.
#[derive(Debug, Clone)]
pub struct Config {
    pub iterations: u64,
    pub seed: u64,
    /// Stop early after this long, whatever `iterations` says.
    pub time_limit: Option<Duration>,
    /// One input slower than this is reported as slow.
    pub slow: Duration,
    /// One input slower than this stops the run (the watchdog writes it out and exits).
    pub hang: Duration,
    pub corpus: PathBuf,
    /// Where crashing, slow and hanging inputs are written.
    pub findings: PathBuf,
    /// Say how far the run is on stderr this often.
    pub progress: Option<Duration>,
}

/// One kind of crash: the place it panicked, its message, how often and the first input.
#[derive(Debug, Clone)]
pub struct Crash {
    pub location: String,
    pub message: String,
    pub count: u64,
    pub iteration: u64,
    pub input: PathBuf,
}

/// An input that took longer than the slow budget.
#[derive(Debug, Clone)]
pub struct Slow {
    pub elapsed: Duration,
    pub len: usize,
    pub iteration: u64,
    pub input: PathBuf,
}

/// What a run of one target did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub target: &'static str,
    pub executions: u64,
    pub elapsed: Duration,
    pub crashes: Vec<Crash>,
    pub slow: Vec<Slow>,
    /// The slowest input (the least of three runs when it was slow): its time and length.
    pub slowest: (Duration, usize),
    pub seeds: usize,
    /// The mean input length in bytes.
    pub mean_len: f64,
    /// Executions refused whole, rejected, and parsed (see [`Depth`]).
    pub depths: [u64; 3],
}

impl Outcome {
    pub fn crash_count(&self) -> u64 {
        self.crashes.iter().map(|c| c.count).sum()
    }

    pub fn per_second(&self) -> f64 {
        self.executions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Reads a target's seed files (sorted by name, so a run does not depend on the file system).
pub fn load_seeds(corpus: &Path, target: &str) -> std::io::Result<Vec<Vec<u8>>> {
    let dir = corpus.join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| std::io::Error::new(e.kind(), format!("seed corpus `{}`: {e}", dir.display())))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths.iter().map(std::fs::read).collect()
}

/// The random stream of one iteration: splitmix64 of the run's seed and the iteration number.
pub fn iteration_seed(seed: u64, iteration: u64) -> u64 {
    let mut z = seed ^ iteration.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(0x632b_e59b_d9b4_e9b5);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

thread_local! {
    /// Set while a target runs, so the panic hook keeps quiet for caught panics only.
    static IN_TARGET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static LAST_PANIC: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_TARGET.with(|t| t.get()) {
                let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
                let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
                    (*s).to_string()
                } else if let Some(s) = info.payload().downcast_ref::<String>() {
                    s.clone()
                } else {
                    "a panic without a message".to_string()
                };
                LAST_PANIC.with(|p| *p.borrow_mut() = Some((location, message)));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `target` once on `data`, returning the panic's location and message if it panicked.
pub fn run_one(target: &Target, scratch: &mut Scratch, data: &[u8]) -> Result<Depth, (String, String)> {
    install_panic_hook();
    IN_TARGET.with(|t| t.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| (target.run)(scratch, data)));
    IN_TARGET.with(|t| t.set(false));
    result.map_err(|_| LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| ("?".into(), "a panic".into())))
}

fn timed(target: &Target, scratch: &mut Scratch, data: &[u8]) -> Duration {
    let t0 = Instant::now();
    let _ = run_one(target, scratch, data);
    t0.elapsed()
}

/// What the watchdog sees of the input being run.
struct Watched {
    started_ms: AtomicU64,
    input: Mutex<(u64, Vec<u8>)>,
    done: AtomicBool,
}

fn write_finding(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join(name);
    if let Err(e) = std::fs::write(&path, data) {
        eprintln_quiet(&format!("cannot write `{}`: {e}", path.display()));
    }
    path
}

/// A diagnostic that never panics, even with stderr closed.
fn eprintln_quiet(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// Fuzzes one target.
pub fn fuzz(target: &'static Target, config: &Config) -> std::io::Result<Outcome> {
    let seeds = load_seeds(&config.corpus, target.name)?;
    let n_seeds = seeds.len();
    let mutator = mutate::Mutator::new(seeds, target.tokens);
    let mut scratch = Scratch::new()?;
    let findings = config.findings.join(target.name);

    let watched = Arc::new(Watched {
        started_ms: AtomicU64::new(0),
        input: Mutex::new((0, Vec::new())),
        done: AtomicBool::new(false),
    });
    let epoch = Instant::now();
    let watchdog = {
        let watched = Arc::clone(&watched);
        let hang = config.hang;
        let findings = findings.clone();
        let (name, seed) = (target.name, config.seed);
        let scratch_dir = scratch.path().to_path_buf();
        std::thread::spawn(move || {
            while !watched.done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let started = watched.started_ms.load(Ordering::Relaxed);
                if started == 0 {
                    continue;
                }
                let running = epoch.elapsed().saturating_sub(Duration::from_millis(started));
                if running > hang {
                    let (iteration, input) = watched.input.lock().map(|g| g.clone()).unwrap_or_default();
                    let path = write_finding(&findings, &format!("hang-seed{seed}-iter{iteration}.bin"), &input);
                    eprintln_quiet(&format!(
                        "{name}: HANG: one input ({} bytes) has run for over {} s; written to {}\n\
                         reproduce: cargo run --release -p crosscheck-fuzz -- {name} --input {}",
                        input.len(),
                        hang.as_secs(),
                        path.display(),
                        path.display()
                    ));
                    let _ = std::fs::remove_dir_all(&scratch_dir); // exit skips its clean-up
                    std::process::exit(3);
                }
            }
        })
    };

    // Warm up (lazy tables such as the gazetteer load on first use), so the first input's time
    // is the parser's; a seed that crashes is found again as iteration input.
    for seed in mutator.seeds() {
        let _ = run_one(target, &mut scratch, seed);
    }
    let mut crashes: BTreeMap<String, Crash> = BTreeMap::new();
    let mut slow = Vec::new();
    let mut slowest = (Duration::ZERO, 0);
    let mut input = Vec::with_capacity(mutate::MAX_LEN);
    let start = Instant::now();
    let mut executions = 0;
    let mut total_len = 0u64;
    let mut depths = [0u64; 3];
    let mut last_progress = Duration::ZERO;
    for iteration in 0..config.iterations {
        if iteration % 256 == 0 {
            let elapsed = start.elapsed();
            if config.time_limit.is_some_and(|limit| elapsed >= limit) {
                break;
            }
            if let Some(every) = config.progress {
                if elapsed >= last_progress + every {
                    last_progress = elapsed;
                    let rate = iteration as f64 / elapsed.as_secs_f64().max(1e-9);
                    let crashed: u64 = crashes.values().map(|c| c.count).sum();
                    eprintln_quiet(&format!(
                        "{}: {iteration} executions, {rate:.0}/s, {crashed} crashes, {} slow",
                        target.name,
                        slow.len()
                    ));
                }
            }
        }
        let mut rng = fastrand::Rng::with_seed(iteration_seed(config.seed, iteration));
        mutator.generate(&mut rng, &mut input);
        if let Ok(mut w) = watched.input.lock() {
            w.0 = iteration;
            w.1.clear();
            w.1.extend_from_slice(&input);
        }
        let t0 = Instant::now();
        watched.started_ms.store((t0 - epoch).as_millis() as u64 + 1, Ordering::Relaxed);
        let result = run_one(target, &mut scratch, &input);
        let took = t0.elapsed();
        watched.started_ms.store(0, Ordering::Relaxed);
        executions += 1;
        total_len += input.len() as u64;
        // A slow input is run twice more and counts only when every run is slow: on a shared
        // machine one slow run is as often the scheduler as the parser.
        let took = if took > config.slow {
            (0..2).map(|_| timed(target, &mut scratch, &input)).fold(took, Duration::min)
        } else {
            took
        };
        if took > slowest.0 {
            slowest = (took, input.len());
        }
        if took > config.slow && slow.len() < 20 {
            let path = write_finding(&findings, &format!("slow-seed{}-iter{iteration}.bin", config.seed), &input);
            slow.push(Slow { elapsed: took, len: input.len(), iteration, input: path });
        }
        if let Ok(depth) = result {
            depths[depth as usize] += 1;
        }
        if let Err((location, message)) = result {
            let entry = crashes.entry(location.clone()).or_insert_with(|| {
                let path = write_finding(&findings, &format!("crash-seed{}-iter{iteration}.bin", config.seed), &input);
                Crash { location, message, count: 0, iteration, input: path }
            });
            entry.count += 1;
        }
    }
    let elapsed = start.elapsed();
    watched.done.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    Ok(Outcome {
        target: target.name,
        executions,
        elapsed,
        crashes: crashes.into_values().collect(),
        slow,
        slowest,
        seeds: n_seeds,
        mean_len: total_len as f64 / executions.max(1) as f64,
        depths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_seeds() {
        for target in TARGETS {
            let seeds = load_seeds(&default_corpus(), target.name).unwrap();
            assert!(!seeds.is_empty(), "{} has no seed", target.name);
        }
    }

    #[test]
    fn a_panic_is_caught_with_its_place_and_message() {
        fn boom(_: &mut Scratch, data: &[u8]) -> Depth {
            assert!(data.len() < 3, "too long: {}", data.len());
            Depth::Parsed
        }
        let target = Target { name: "boom", about: "", tokens: &[], run: boom };
        let mut scratch = Scratch::new().unwrap();
        assert!(run_one(&target, &mut scratch, b"ab").is_ok());
        let (location, message) = run_one(&target, &mut scratch, b"abcd").unwrap_err();
        assert!(location.contains("lib.rs"), "{location}");
        assert_eq!(message, "too long: 4");
    }
}
