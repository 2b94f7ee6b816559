//! `crosscheck token add|list|revoke`: who may use the team server (PRODUCT.md, "Who may do
//! what"). A new token is printed once, on stdout; the data directory keeps only its hash, and
//! every change is an entry of the desk's log (`crosscheck audit`).

use super::matching::LinesFormat;
use crate::output::user_error;
use clap::{Args, Subcommand, ValueEnum};
use crosscheck_engine::{Engine, EngineError, Role};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Manage the team server's access tokens.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck token add anna --role reviewer
  crosscheck token list
  crosscheck token revoke anna

Roles: reader (matching API, reading cases), reviewer (also decisions and judgements), admin
(everything). Once any token exists, the server asks every client for one; without tokens it
answers only on a loopback address.

Exit codes: 0 done; 2 a name that exists (add) or does not (revoke), or a usage error.")]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: TokenAction,
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Make a token and print it (once: it cannot be shown again)
    Add {
        /// Who holds it (letters, digits, `.`, `_`, `-`, `@`): the server's log and the desk's log name it
        name: String,
        /// What it may do
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List the tokens in force: names, roles, when and by whom they were made
    List {
        /// text: a table; json: one JSON object per token
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LinesFormat::Text)]
        output_format: LinesFormat,
        /// Write to FILE (replaced only when the listing is complete) instead of stdout
        #[arg(short, long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
    /// End a token: requests with it are refused from now on
    Revoke {
        /// The token's name, as `token list` shows it
        name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Reader,
    Reviewer,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Reader => Role::Reader,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Admin => Role::Admin,
        }
    }
}

/// A desk error as the person running the command reads it.
pub fn desk_error(e: EngineError) -> anyhow::Error {
    match e {
        EngineError::Audit(crosscheck_engine::AuditError::Invalid(message)) => user_error(message),
        e => super::engine_error(e),
    }
}

pub fn run(args: TokenArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(data_dir)?;
    let mut out = std::io::stdout().lock();
    match args.action {
        TokenAction::Add { name, role } => {
            let token = engine.add_token(&name, role.into()).map_err(desk_error)?;
            writeln!(out, "{token}")?;
            crate::output::diag!(
                "made token `{name}` ({}): it is printed above, once; give it to {name} and keep it secret",
                Role::from(role).as_str()
            );
        }
        TokenAction::List { output_format, output } => {
            let tokens = engine.desk().and_then(|d| Ok(d.tokens()?)).map_err(desk_error)?;
            let mut out = crate::sink::Sink::open(output.as_deref())?;
            match output_format {
                LinesFormat::Json => {
                    for token in &tokens {
                        crate::output::write_json_line(&mut out, token)?;
                    }
                }
                LinesFormat::Text if tokens.is_empty() => {
                    crate::output::diag!("no tokens: the server answers on loopback addresses only");
                }
                LinesFormat::Text => {
                    let width = tokens.iter().map(|t| t.name.chars().count()).max().unwrap_or(0).max(4);
                    writeln!(out, "{:<width$}  {:<8}  {:<20}  made by", "name", "role", "made")?;
                    for t in &tokens {
                        writeln!(
                            out,
                            "{:<width$}  {:<8}  {:<20}  {}",
                            t.name,
                            t.role.as_str(),
                            t.created_at,
                            t.created_by
                        )?;
                    }
                }
            }
            out.finish()?;
        }
        TokenAction::Revoke { name } => {
            engine.revoke_token(&name).map_err(desk_error)?;
            crate::output::diag!("revoked token `{name}`: requests with it are refused from now on");
        }
    }
    Ok(ExitCode::SUCCESS)
}
