//! Reading a bundle from outside: decrypt, read every tar entry into memory (refusing links,
//! devices, `..` and absolute paths), check the signature against the trusted key, then every
//! entry against the manifest. Nothing is returned, so nothing is written, unless all of it holds.

use crate::keys::{key_id, Identities};
use crate::manifest::Manifest;
use crate::{check_bundle_path, sha256_hex, OpenError, AGE_MAGIC, MANIFEST, SIGNATURE};
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// A bundle whose signature and files were checked.
#[derive(Debug)]
pub struct OpenedBundle {
    pub manifest: Manifest,
    /// Whether it was encrypted.
    pub encrypted: bool,
    /// The signer's key id.
    pub signer: String,
    /// Every file, the manifest and its signature first, then the listed files in the manifest's order.
    pub files: Vec<crate::BundleFile>,
}

/// The largest bundle opened (8 GiB decrypted): beyond any case, and a bound for a hostile stream.
const MAX_BUNDLE_BYTES: u64 = 8 << 30;

/// Opens the bundle `bytes` (a tar, or an age file holding one), checking it as the module says.
pub fn open_bundle(
    bytes: &[u8],
    trust: &minisign::PublicKey,
    identities: &Identities,
) -> Result<OpenedBundle, OpenError> {
    let encrypted = bytes.starts_with(AGE_MAGIC);
    let entries = if encrypted { read_entries(&decrypt(bytes, identities)?[..])? } else { read_entries(bytes)? };
    check(entries, trust, encrypted)
}

/// The tar inside an age-encrypted bundle.
pub fn decrypt(bytes: &[u8], identities: &Identities) -> Result<Vec<u8>, OpenError> {
    if identities.is_empty() {
        return Err(OpenError::NeedsIdentity);
    }
    let decryptor = age::Decryptor::new_buffered(bytes).map_err(|e| OpenError::Decrypt(e.to_string()))?;
    let reader = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| OpenError::Decrypt(decrypt_reason(&e)))?;
    let mut out = Vec::new();
    reader
        .take(MAX_BUNDLE_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| OpenError::Decrypt(format!("{e}: it is truncated or damaged")))?;
    Ok(out)
}

fn decrypt_reason(e: &age::DecryptError) -> String {
    match e {
        age::DecryptError::NoMatchingKeys => "it is not encrypted to this identity".into(),
        other => other.to_string(),
    }
}

/// One entry of the tar as read: a file, or a directory (`tar` writes one for `evidence/`).
#[derive(Debug)]
pub struct Entry {
    pub path: String,
    pub bytes: Vec<u8>,
    pub is_dir: bool,
}

/// Reads every entry of a tar into memory, refusing what could write outside the folder it is
/// opened in or is not a plain file: `..`, absolute paths, links, devices, pipes, duplicates.
pub fn read_entries(reader: impl Read) -> Result<Vec<Entry>, OpenError> {
    let mut archive = tar::Archive::new(reader);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let entries = archive.entries().map_err(|e| OpenError::NotTar(e.to_string()))?;
    for entry in entries {
        let after = || out.last().map_or("at its start".to_string(), |e: &Entry| format!("after `{}`", e.path));
        let mut entry = entry.map_err(|e| OpenError::NotTar(format!("{e}, {}", after())))?;
        let raw = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&raw).chars().take(200).collect::<String>();
        let refuse = |reason: &str| OpenError::Entry { path: shown.clone(), reason: reason.to_string() };
        let Ok(text) = std::str::from_utf8(&raw) else { return Err(refuse("a path that is not UTF-8")) };
        let kind = entry.header().entry_type();
        let is_dir = kind.is_dir();
        let mut path = text.trim_start_matches("./").to_string();
        if is_dir {
            path = path.trim_end_matches('/').to_string();
            if path.is_empty() || path == "." {
                continue; // `./`, as `tar cf - .` writes it
            }
        }
        check_bundle_path(&path).map_err(&refuse)?;
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Directory => {}
            tar::EntryType::Symlink | tar::EntryType::Link => {
                return Err(refuse("a link (a bundle holds plain files only)"))
            }
            tar::EntryType::Char | tar::EntryType::Block | tar::EntryType::Fifo => {
                return Err(refuse("a device or a pipe (a bundle holds plain files only)"))
            }
            _ => return Err(refuse("an entry of a kind a bundle does not hold (plain files only)")),
        }
        if !seen.insert(path.clone()) {
            return Err(refuse("is in the bundle twice"));
        }
        let size = entry.header().size().map_err(|e| OpenError::NotTar(e.to_string()))?;
        let mut bytes = Vec::with_capacity(size.min(1 << 24) as usize);
        entry.read_to_end(&mut bytes).map_err(|e| refuse(&format!("cannot be read: {e}; the bundle is truncated")))?;
        if (bytes.len() as u64) < size {
            return Err(refuse(&format!("is truncated ({} of {size} bytes)", bytes.len())));
        }
        out.push(Entry { path, bytes, is_dir });
    }
    Ok(out)
}

fn check(entries: Vec<Entry>, trust: &minisign::PublicKey, encrypted: bool) -> Result<OpenedBundle, OpenError> {
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    let mut dirs = Vec::new();
    let mut order = Vec::new();
    for entry in entries {
        if entry.is_dir {
            dirs.push(entry.path);
        } else {
            order.push(entry.path.clone());
            files.insert(entry.path, entry.bytes);
        }
    }
    let manifest_bytes = files
        .remove(MANIFEST)
        .ok_or(OpenError::Missing { path: MANIFEST.into(), why: ": this is not a crosscheck bundle, or it was cut" })?;
    let signature_bytes = files
        .remove(SIGNATURE)
        .ok_or(OpenError::Missing { path: SIGNATURE.into(), why: ": the bundle is not signed" })?;
    let signature_text = std::str::from_utf8(&signature_bytes)
        .map_err(|_| OpenError::Signature("is not a minisign signature".into()))?;
    let signature = minisign::SignatureBox::from_string(signature_text)
        .map_err(|e| OpenError::Signature(format!("is not a minisign signature ({e})")))?;
    let signer = key_id(signature.keynum());
    if signature.keynum() != trust.keynum() {
        return Err(OpenError::OtherSigner { signer, trusted: key_id(trust.keynum()) });
    }
    minisign::verify(trust, &signature, std::io::Cursor::new(&manifest_bytes), true, false, false).map_err(|e| {
        if e.to_string().contains("Comment") {
            OpenError::Altered {
                path: SIGNATURE.into(),
                reason: "its trusted comment does not verify with the trusted key".into(),
            }
        } else {
            OpenError::Altered {
                path: format!("{MANIFEST}` or `{SIGNATURE}"),
                reason: "the signature does not verify with the trusted key".into(),
            }
        }
    })?;
    // minisign reads a signature leniently (spaces, line ends); a changed byte is a changed file
    if signature.to_string() != signature_text {
        return Err(OpenError::Altered {
            path: SIGNATURE.into(),
            reason: "it is not byte for byte as minisign writes a signature (it was changed after signing)".into(),
        });
    }
    let manifest = Manifest::parse(&manifest_bytes).map_err(OpenError::Manifest)?;
    let listed: HashSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    if let Some(path) =
        order.iter().find(|p| p.as_str() != MANIFEST && p.as_str() != SIGNATURE && !listed.contains(p.as_str()))
    {
        return Err(OpenError::Unlisted { path: path.clone() });
    }
    for dir in &dirs {
        let prefix = format!("{dir}/");
        if !listed.iter().any(|p| p.starts_with(&prefix)) {
            return Err(OpenError::Unlisted { path: format!("{dir}/") });
        }
    }
    let mut out = vec![
        crate::BundleFile { path: MANIFEST.into(), bytes: manifest_bytes },
        crate::BundleFile { path: SIGNATURE.into(), bytes: signature_bytes },
    ];
    for file in &manifest.files {
        let bytes = files
            .remove(&file.path)
            .ok_or(OpenError::Missing { path: file.path.clone(), why: ", though the manifest lists it" })?;
        if bytes.len() as u64 != file.size {
            return Err(OpenError::Altered {
                path: file.path.clone(),
                reason: format!("{} bytes where the manifest says {}", bytes.len(), file.size),
            });
        }
        if !sha256_hex(&bytes).eq_ignore_ascii_case(&file.sha256) {
            return Err(OpenError::Altered {
                path: file.path.clone(),
                reason: "its SHA-256 is not the manifest's".into(),
            });
        }
        out.push(crate::BundleFile { path: file.path.clone(), bytes });
    }
    Ok(OpenedBundle { manifest, encrypted, signer, files: out })
}
