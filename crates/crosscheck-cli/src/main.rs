//! The `crosscheck` binary: the only crate that prints.
//!
//! Arguments are parsed by clap in [`cli`], then each command in [`commands`] resolves its
//! settings and runs. Exit codes (PRODUCT.md): 0 success; 1 completed with findings that need
//! review, where a command documents it; 2 usage or input error. Data goes to stdout; logs,
//! progress and errors to stderr. A closed stdout (`crosscheck match ... | head`) ends quietly.
#![allow(clippy::print_stdout, clippy::print_stderr)] // this crate is where printing belongs

mod cli;
mod commands;
mod output;

use clap::Parser;

/// mimalloc: glibc's allocator spends most of a parallel load freeing, on one thread, what
/// rayon's threads allocated; mimalloc's per-thread heaps cut load time by more than half.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => output::report_error(&err),
    }
}
