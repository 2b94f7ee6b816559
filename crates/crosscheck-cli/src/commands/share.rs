//! `crosscheck share CASE --out BUNDLE --sign KEY [--to RECIPIENT]...` and `crosscheck share
//! open BUNDLE --trust PUBKEY [--identity FILE] --out DIR` (issue 20, PRODUCT.md "Sharing with
//! partner desks"). The engine decides what a bundle holds ([`crosscheck_engine::share`]),
//! `crosscheck-share` writes, signs, encrypts and checks it; this command reads the key files,
//! asks for a passphrase when the signing key needs one, and writes the result.
//!
//! Log lines name files, counts and key ids: never a source.

use crate::output::{diag, user_error};
use crate::sink::Sink;
use clap::{Args, Subcommand, ValueEnum};
use crosscheck_engine::share::{unpack, EvidenceChoice, ShareOptions};
use crosscheck_engine::Engine;
use crosscheck_share::{ShareError, SigningKey};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Share a case with partner desks: a signed bundle, encrypted to the partners, sources redacted
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:
  crosscheck keys new --out ~/desk-keys
  crosscheck share cases/hollow/case.yaml --out hollow.bundle \\
      --sign ~/desk-keys/desk.minisign.key --to partners.txt \\
      --to age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq
  crosscheck share case.yaml --out case.tar --sign desk.minisign.key --evidence none
  crosscheck share case.yaml --out case.bundle --sign desk.minisign.key \\
      --to partner.age.pub --decisions
  crosscheck share open hollow.bundle --trust desk.minisign.pub \\
      --identity partner.age --out hollow/

The bundle is a tar of MANIFEST.json (the case, when, crosscheck's version, the scorer, each
dataset's provenance, and every other file's SHA-256 and size), MANIFEST.json.minisig (its
minisign signature), report.json, report.html (opens offline), report.md, case.yaml (every source
reduced to key, group, confirms and disputes: no note), evidence/<dataset>.jsonl (the records the
report cites; --evidence all or none to change that) and, with --decisions, decisions.jsonl (the
desk's decisions, with their notes). With --to (a partner's age1… recipient, an SSH public key,
or a file of them, one a line) the tar is encrypted with age to every recipient.

A partner without crosscheck opens it with the standard tools:
  age -d -i partner.age hollow.bundle | tar x
  minisign -V -p desk.minisign.pub -m MANIFEST.json
  then the SHA-256 sums of the files against MANIFEST.json (docs/sharing.md)

A signing key protected by a passphrase takes it from CROSSCHECK_SIGN_PASSPHRASE, else asks on the
terminal.

Exit codes: 0 the bundle was written (or opened); 2 a problem with the case, a key, a recipient,
or a bundle that was refused (the file is named; nothing is unpacked)."
)]
pub struct ShareArgs {
    #[command(subcommand)]
    pub open: Option<ShareAction>,

    /// The case file (YAML; see docs/case-file.md)
    #[arg(value_name = "CASE", required = true)]
    pub case: Option<PathBuf>,

    /// Where to write the bundle (replaced only when it is complete)
    #[arg(long, value_name = "BUNDLE", required = true)]
    pub out: Option<PathBuf>,

    /// The desk's minisign secret key (`desk.minisign.key` of `crosscheck keys new`, or `minisign -G`)
    #[arg(long, value_name = "KEY", required = true)]
    pub sign: Option<PathBuf>,

    /// Encrypt to this partner: an `age1…` recipient, an SSH public key, or a file of them (repeatable)
    #[arg(long = "to", value_name = "RECIPIENT")]
    pub to: Vec<String>,

    /// Which evidence records to include
    #[arg(long, value_enum, default_value_t = EvidenceArg::Cited)]
    pub evidence: EvidenceArg,

    /// Include the desk's decisions on the case, with their notes (decisions.jsonl)
    #[arg(long)]
    pub decisions: bool,

    /// Let the case's `file:` and `mapping:` paths point outside the case file's folder
    #[arg(long)]
    pub allow_outside_case_folder: bool,

    /// Scoring algorithm, by name or id [default: crosscheck-v2]
    #[arg(long, value_name = "NAME", value_parser = super::matching::scorer)]
    pub scorer: Option<crosscheck_engine::Scorer>,
}

#[derive(Debug, Subcommand)]
pub enum ShareAction {
    /// Check a bundle (signature, every file) and unpack it; refuse it if anything is wrong
    #[command(after_help = "Examples:
  crosscheck share open hollow.bundle --trust desk.minisign.pub \\
      --identity partner.age --out hollow/
  crosscheck share open hollow.tar --out hollow/ \\
      --trust RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3

The bundle is refused (exit 2, the file named, nothing written) when it was altered, truncated,
signed by another key than --trust, carries a file the manifest does not list or misses one it
lists, or holds a link, a device, a path with `..` or an absolute path.")]
    Open(OpenArgs),
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The bundle (a tar, or an age file holding one)
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,

    /// The sending desk's minisign public key: its `.pub` file, or the `RW…` key itself
    #[arg(long, value_name = "PUBKEY")]
    pub trust: String,

    /// The age identity to decrypt with (`desk.age` of `crosscheck keys new`, age-keygen's file, or an SSH private key)
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,

    /// The new folder to unpack into (it must not exist, or be empty)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `--evidence` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvidenceArg {
    /// The records the report cites
    Cited,
    /// Every record of every evidence dataset
    All,
    /// No record
    None,
}

/// The largest key, recipients or identity file read (1 MiB).
const MAX_KEY_FILE: u64 = 1 << 20;

pub fn run(args: ShareArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    if let Some(ShareAction::Open(open)) = args.open {
        return run_open(open);
    }
    let (Some(case), Some(out), Some(sign)) = (args.case, args.out, args.sign) else {
        return Err(user_error("give CASE, --out BUNDLE and --sign KEY"));
    };
    // keys and recipients first: a typo there should not wait for a verification
    let key_text = read_small(&sign, "signing key")?;
    let key = signing_key(&key_text, &sign)?;
    let mut recipients = Vec::new();
    for to in &args.to {
        let trimmed = to.trim();
        let parsed = if trimmed.starts_with("age1") || trimmed.starts_with("ssh-") {
            crosscheck_share::parse_recipients(trimmed, "--to")
        } else {
            let text = read_small(Path::new(to), "recipients file")?;
            crosscheck_share::parse_recipients(&text, to)
        };
        recipients.extend(parsed.map_err(|e| user_error(e.to_string()))?);
    }
    let engine = Engine::open(data_dir)?.with_scorer(args.scorer.unwrap_or_default());
    let evidence = match args.evidence {
        EvidenceArg::Cited => EvidenceChoice::Cited,
        EvidenceArg::All => EvidenceChoice::All,
        EvidenceArg::None => EvidenceChoice::None,
    };
    let options =
        ShareOptions { evidence, decisions: args.decisions, allow_outside_case_folder: args.allow_outside_case_folder };
    let contents = engine.share_contents(&case, options).map_err(|e| user_error(e.to_string()))?;
    let n_files = contents.files.len();
    let mut sink = Sink::open(Some(&out))?;
    let manifest = crosscheck_share::write_bundle(contents.head, contents.files, &key, &recipients, &mut sink)
        .map_err(|e| user_error(format!("`{}`: {e}", out.display())))?;
    sink.flush()?;
    sink.finish()?;
    let records: usize = contents.records.iter().map(|(_, n)| n).sum();
    diag!(
        "wrote `{}`: case {}, {} files with the manifest and signature, {records} evidence records, signed by key {}, {}",
        out.display(),
        manifest.case,
        n_files + 2,
        key.key_id(),
        match recipients.len() {
            0 => "not encrypted".to_string(),
            1 => "encrypted to 1 recipient".to_string(),
            n => format!("encrypted to {n} recipients"),
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn run_open(args: OpenArgs) -> anyhow::Result<ExitCode> {
    let trust_path = Path::new(&args.trust);
    // a minisign public key line is `RW` and 54 more base64 characters (which may hold a `/`)
    let is_key_line = args.trust.len() == 56
        && args.trust.starts_with("RW")
        && args.trust.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=');
    let looks_like_a_path = !is_key_line && (args.trust.contains('/') || args.trust.ends_with(".pub"));
    if looks_like_a_path && !trust_path.is_file() {
        return Err(user_error(format!("cannot read the trusted public key `{}`: no such file", args.trust)));
    }
    let trust = if trust_path.is_file() {
        let text = read_small(trust_path, "public key")?;
        crosscheck_share::parse_public_key(&text, &args.trust)
    } else {
        crosscheck_share::parse_public_key(&args.trust, "--trust")
    }
    .map_err(|e| user_error(e.to_string()))?;
    let identities = match &args.identity {
        Some(path) => {
            let text = read_small(path, "identity")?;
            crosscheck_share::parse_identities(&text, &path.display().to_string())
                .map_err(|e| user_error(e.to_string()))?
        }
        None => Vec::new(),
    };
    let shown = args.bundle.display();
    let meta = fs_err::metadata(&args.bundle)
        .map_err(|e| user_error(format!("cannot read `{shown}`: {}", super::io_reason(&e))))?;
    if !meta.is_file() {
        return Err(user_error(format!("`{shown}` is not a file")));
    }
    let bytes = fs_err::read(&args.bundle)
        .map_err(|e| user_error(format!("cannot read `{shown}`: {}", super::io_reason(&e))))?;
    let opened = crosscheck_share::open_bundle(&bytes, &trust, &identities)
        .map_err(|e| user_error(format!("bundle `{shown}` refused: {e}")))?;
    unpack(&opened.files, &args.out).map_err(|e| user_error(e.to_string()))?;
    diag!(
        "opened `{shown}`: case {}, made {}, signed by the trusted key {}, {} files checked against the manifest, unpacked into `{}`",
        opened.manifest.case,
        opened.manifest.created_at,
        opened.signer,
        opened.files.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The signing key, with its passphrase from CROSSCHECK_SIGN_PASSPHRASE or the terminal.
fn signing_key(text: &str, path: &Path) -> anyhow::Result<SigningKey> {
    let file = path.display().to_string();
    let named = |e: ShareError| match e {
        ShareError::Key { reason, .. } => user_error(format!("`{file}` {reason}")),
        ShareError::NeedsPassphrase { .. } => {
            user_error(ShareError::NeedsPassphrase { file: file.clone() }.to_string())
        }
        e => user_error(e.to_string()),
    };
    if !SigningKey::needs_passphrase(text, &file).map_err(named)? {
        return SigningKey::parse(text, None).map_err(named);
    }
    let phrase = match std::env::var("CROSSCHECK_SIGN_PASSPHRASE").ok().filter(|p| !p.is_empty()) {
        Some(p) => p,
        None if std::io::stdin().is_terminal() => rpassword::prompt_password(format!("Passphrase for `{file}`: "))?,
        None => return Err(named(ShareError::NeedsPassphrase { file: file.clone() })),
    };
    SigningKey::parse(text, Some(&phrase)).map_err(named)
}

/// Reads a key, identity or recipients file of at most 1 MiB.
fn read_small(path: &Path, what: &str) -> anyhow::Result<String> {
    use std::io::Read;
    let shown = path.display();
    let file = fs_err::File::open(path)
        .map_err(|e| user_error(format!("cannot read the {what} `{shown}`: {}", super::io_reason(&e))))?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| user_error(format!("cannot read the {what} `{shown}`: {}", super::io_reason(&e))))?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(user_error(format!("the {what} `{shown}` is larger than 1 MiB: not a key file")));
    }
    String::from_utf8(bytes).map_err(|_| user_error(format!("the {what} `{shown}` is not text")))
}
