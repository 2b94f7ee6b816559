//! The `crosscheck` binary: the only crate that prints.
//!
//! Arguments are parsed by clap in [`cli`], then each command in [`commands`] resolves its
//! settings and runs. Exit codes (PRODUCT.md): 0 success; 1 completed with findings that need
//! review, where a command documents it; 2 usage or input error. Data goes to stdout; logs,
//! progress and errors to stderr. A closed stdout (`crosscheck match ... | head`) ends quietly;
//! a closed stderr (a log reader that exited) stops nothing: diagnostics go through
//! `output::diag!`, which ignores a failed write, never through `eprintln!`, which panics.
#![allow(clippy::print_stdout)] // this crate is where printing belongs; stderr only through `diag!`

mod cli;
mod commands;
mod output;
mod sink;

use clap::Parser;

/// mimalloc: glibc's allocator spends most of a parallel load freeing, on one thread, what
/// rayon's threads allocated; mimalloc's per-thread heaps cut load time by more than half.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

/// mimalloc options, by their number in mimalloc.h's `mi_option_e` (v3; the crate does not name them).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // Keep freed memory instead of handing it back to the OS after 10 ms, and ask for ordinary
    // pages, not transparent huge ones: a load frees and reallocates batch after batch, and
    // every page handed back came back as a fresh 2 MB page the kernel had to zero (a tenth of
    // a 1M-entity load's CPU, measured with perf). A command is one short process: the memory
    // goes back when it exits.
    // The server runs for days: it keeps mimalloc's default, which hands memory back.
    if !matches!(cli.command, cli::Command::Serve(_)) {
        // SAFETY: sets a plain integer option before any thread exists; mimalloc allows it at any time.
        #[allow(unsafe_code)]
        unsafe {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        }
    }
    // What mimalloc's `allow_thp` option does at start-up, which is over before `main` runs.
    // SAFETY: prctl with integer arguments only changes a flag of this process.
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => output::report_error(&err),
    }
}
