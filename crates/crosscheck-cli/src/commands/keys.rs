//! `crosscheck keys new --out DIR`: a desk's keys for sharing (issue 20): `desk.age` (an age
//! X25519 identity, to receive bundles) with `desk.age.pub` (its `age1…` recipient), and
//! `desk.minisign.key` with `desk.minisign.pub` (to sign them). The secret files are created
//! readable by the owner only (mode 0600 from the start, never widened), and no existing file is
//! replaced.

use crate::output::{diag, user_error};
use clap::{Args, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Make a desk's keys for sharing cases with partner desks
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck keys new --out ~/desk-keys
  CROSSCHECK_SIGN_PASSPHRASE='…' crosscheck keys new --out ~/desk-keys
  crosscheck keys new --out ~/desk-keys --passphrase

Writes desk.age and desk.age.pub (age: partners encrypt to desk.age.pub, you open with desk.age),
desk.minisign.key and desk.minisign.pub (minisign: you sign with the key, partners check with the
.pub). Send only the two .pub files to partners; keep the others secret. They are the standard
formats of the age and minisign tools (age-keygen, minisign -G).

The signing key is protected by a passphrase when CROSSCHECK_SIGN_PASSPHRASE is set or with
--passphrase (asked on the terminal); otherwise it is not (as `minisign -G -W`).

Exit codes: 0 keys written; 2 a key file exists already, or the folder cannot be written.")]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Make new keys in a folder (created when absent; no existing key file is replaced)
    New {
        /// The folder to write the four key files into
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Protect the signing key with a passphrase typed on the terminal (twice)
        #[arg(long)]
        passphrase: bool,
    },
}

/// The names of the files `keys new` writes.
pub const FILES: [&str; 4] = ["desk.age", "desk.age.pub", "desk.minisign.key", "desk.minisign.pub"];

pub fn run(args: KeysArgs) -> anyhow::Result<ExitCode> {
    let KeysAction::New { out, passphrase } = args.action;
    for name in FILES {
        if std::fs::symlink_metadata(out.join(name)).is_ok() {
            return Err(user_error(format!(
                "`{}` exists already: keys are never replaced; choose another folder or move it away",
                out.join(name).display()
            )));
        }
    }
    let phrase = match std::env::var("CROSSCHECK_SIGN_PASSPHRASE").ok().filter(|p| !p.is_empty()) {
        Some(p) => Some(p),
        None if passphrase => Some(ask_new_passphrase()?),
        None => None,
    };
    let keys = crosscheck_share::DeskKeys::generate(phrase.as_deref()).map_err(|e| user_error(e.to_string()))?;
    fs_err::create_dir_all(&out)
        .map_err(|e| user_error(format!("cannot make `{}`: {}", out.display(), super::io_reason(&e))))?;
    write_new(&out.join("desk.age"), keys.age_identity.as_bytes(), true)?;
    write_new(&out.join("desk.age.pub"), keys.age_recipient.as_bytes(), false)?;
    write_new(&out.join("desk.minisign.key"), keys.minisign_secret.as_bytes(), true)?;
    write_new(&out.join("desk.minisign.pub"), keys.minisign_public.as_bytes(), false)?;
    diag!(
        "wrote the desk's keys to `{}`: recipient {}, signing key id {}{}",
        out.display(),
        keys.age_recipient.trim(),
        keys.key_id,
        if phrase.is_some() { " (passphrase-protected)" } else { "" }
    );
    Ok(ExitCode::SUCCESS)
}

fn ask_new_passphrase() -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(user_error("--passphrase asks on a terminal; set CROSSCHECK_SIGN_PASSPHRASE instead"));
    }
    let first = rpassword::prompt_password("Passphrase for the signing key: ")?;
    let again = rpassword::prompt_password("The same passphrase again: ")?;
    if first != again {
        return Err(user_error("the two passphrases differ; nothing was written"));
    }
    if first.is_empty() {
        return Err(user_error("an empty passphrase; nothing was written"));
    }
    Ok(first)
}

/// Creates `path` (never replacing a file), mode 0600 from the start for a secret.
fn write_new(path: &Path, bytes: &[u8], secret: bool) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    let fail = |e: std::io::Error| user_error(format!("cannot write `{}`: {}", path.display(), super::io_reason(&e)));
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    Ok(())
}
