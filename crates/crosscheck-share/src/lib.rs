//! Bundles for partner desks (issue 20): what a desk hands another newsroom, on standard formats
//! so that the partner needs no crosscheck.
//!
//! A bundle is a POSIX (ustar) tar of `MANIFEST.json`, its minisign signature
//! `MANIFEST.json.minisig`, and the files the manifest lists with their SHA-256 and size;
//! optionally encrypted with age to one or more recipients. A partner opens it with
//! `age -d -i partner.age BUNDLE | tar x`, `minisign -V -p desk.minisign.pub -m MANIFEST.json`
//! and `sha256sum`, or with `crosscheck share open`.
//!
//! Decisions, and why:
//! - The signature covers the manifest only, and the manifest covers every other file by hash:
//!   one signature a partner checks with the stock `minisign` tool, and files checked with the
//!   stock `sha256sum`.
//! - [`open_bundle`] reads outside input. It checks everything in memory before the caller
//!   writes a byte: the signature against the trusted key, then every entry against the
//!   manifest; a link, a device, a path with `..` or an absolute path, a file the manifest does
//!   not list, a file it lists that is missing, altered or truncated is refused with the entry
//!   named. Nothing is trusted from the manifest before its signature is checked.
//! - This crate does no file IO: keys, recipients and bundles come in and go out as bytes;
//!   the engine and the command line read and write the files.
//!
//! ```
//! use crosscheck_share::{open_bundle, write_bundle, BundleFile, DeskKeys, ManifestHead, SigningKey};
//!
//! let keys = DeskKeys::generate(None).unwrap();
//! let signer = SigningKey::parse(&keys.minisign_secret, None).unwrap();
//! let recipients = crosscheck_share::parse_recipients(&keys.age_recipient, "desk.age.pub").unwrap();
//! let head = ManifestHead { case: "demo".into(), ..ManifestHead::default() };
//! let files = vec![BundleFile { path: "report.md".into(), bytes: b"# demo\n".to_vec() }];
//! let mut bundle = Vec::new();
//! write_bundle(head, files, &signer, &recipients, &mut bundle).unwrap();
//!
//! let trust = crosscheck_share::parse_public_key(&keys.minisign_public, "desk.minisign.pub").unwrap();
//! let identities = crosscheck_share::parse_identities(&keys.age_identity, "desk.age").unwrap();
//! let opened = open_bundle(&bundle, &trust, &identities).unwrap();
//! assert_eq!(opened.manifest.case, "demo");
//! assert_eq!(opened.files.last().unwrap().path, "report.md");
//! ```

mod keys;
mod manifest;
mod read;
mod write;

pub use keys::{parse_identities, parse_public_key, parse_recipients, DeskKeys, Identities, Recipients, SigningKey};
pub use manifest::{FileEntry, Manifest, ManifestHead, FORMAT};
pub use read::{decrypt, open_bundle, read_entries, Entry, OpenedBundle};
pub use write::{write_bundle, BundleFile};

/// The manifest's name in a bundle.
pub const MANIFEST: &str = "MANIFEST.json";
/// The manifest's minisign signature's name in a bundle.
pub const SIGNATURE: &str = "MANIFEST.json.minisig";
/// How an age file starts (the binary format; the armored one is not read).
pub const AGE_MAGIC: &[u8] = b"age-encryption.org/";

/// Why keys could not be made or read, or a bundle written.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error("`{file}`: {reason}")]
    Key { file: String, reason: String },
    #[error("`{file}`, line {line}: {reason}")]
    KeyLine { file: String, line: usize, reason: String },
    #[error(
        "the signing key `{file}` is protected by a passphrase: type it when asked, or set CROSSCHECK_SIGN_PASSPHRASE"
    )]
    NeedsPassphrase { file: String },
    #[error("`{path}` cannot be put in a bundle: {reason}")]
    BadPath { path: String, reason: String },
    #[error("cannot sign the manifest: {0}")]
    Sign(String),
    #[error("cannot encrypt the bundle: {0}")]
    Encrypt(String),
    #[error("cannot write the bundle: {0}")]
    Io(#[from] std::io::Error),
}

/// Why a bundle was refused. Every variant names the file (the bundle's entry) it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the bundle is encrypted with age: give the identity that can read it with --identity")]
    NeedsIdentity,
    #[error("the bundle cannot be decrypted: {0}")]
    Decrypt(String),
    #[error("the bundle is not a readable tar ({0}): it is truncated or damaged")]
    NotTar(String),
    #[error("`{path}`: {reason}")]
    Entry { path: String, reason: String },
    #[error("`{path}` is missing from the bundle{why}")]
    Missing { path: String, why: &'static str },
    #[error("`{path}` is not listed in the manifest: the bundle was altered")]
    Unlisted { path: String },
    #[error("`MANIFEST.json.minisig`: the manifest is signed by another key (key id {signer}), not by the trusted key {trusted}")]
    OtherSigner { signer: String, trusted: String },
    #[error("`MANIFEST.json.minisig`: {0}")]
    Signature(String),
    #[error("`MANIFEST.json`: {0}")]
    Manifest(String),
    #[error("`{path}` was altered: {reason}")]
    Altered { path: String, reason: String },
}

/// SHA-256 of `bytes`, lower-case hex (as `sha256sum` prints it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Checks a path as a bundle may hold it: relative, `/`-separated plain names, no `.` or `..`
/// component, no backslash or NUL, at most 255 bytes. `Err` says why.
pub fn check_bundle_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("an empty path");
    }
    if path.starts_with('/') {
        return Err("an absolute path (a bundle holds only paths inside it)");
    }
    if path.len() > 255 {
        return Err("a path longer than 255 bytes");
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("a path with a backslash or NUL");
    }
    for part in path.split('/') {
        match part {
            ".." => return Err("a path with `..` (it could write outside the folder it is opened in)"),
            "" | "." => return Err("a path with an empty or `.` component"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
