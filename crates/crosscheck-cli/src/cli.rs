//! Raw command-line arguments (clap derive). Commands turn these into settings.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

use crate::commands;

/// crosscheck: check who a person is and which parts of their account hold up.
///
/// Screen names against watchlists, score record pairs, validate identity documents and
/// identifiers, and verify a subject's account claim by claim.
#[derive(Debug, Parser)]
#[command(name = "crosscheck", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// Where loaded datasets live [default: $CROSSCHECK_DATA_DIR, else the per-user data directory]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

pub const EXIT_CODES: &str = "Exit codes: 0 success; 1 finished with findings that need review (check-id: an invalid value; verify --strict); 2 usage or input error.";

#[derive(Debug, Subcommand)]
pub enum Command {
    Load(commands::load::LoadArgs),
    Match(commands::matching::MatchArgs),
    Compare(commands::compare::CompareArgs),
    Datasets(commands::datasets::DatasetsArgs),
    Show(commands::show::ShowArgs),
    /// Validate identity documents and identifiers (MRZ, INN, SNILS, OGRN, IBAN, LEI, ...)
    CheckId(commands::check_id::CheckIdArgs),
    /// Verify a subject's account against evidence, claim by claim
    Verify(commands::verify::VerifyArgs),
    /// Find the records that are the same person, within a dataset or between two
    Xref(commands::xref::XrefArgs),
    Serve(commands::serve::ServeArgs),
    Token(commands::token::TokenArgs),
    Audit(commands::audit::AuditArgs),
    /// Make a desk's keys for sharing cases with partner desks (issue 20)
    Keys(commands::keys::KeysArgs),
    /// Share a case with partner desks: a signed bundle, encrypted to them, sources redacted
    Share(commands::share::ShareArgs),
}
