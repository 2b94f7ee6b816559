//! Writing a bundle: hash every file, write and sign the manifest, write the ustar, and encrypt
//! it with age when there are recipients.

use crate::keys::{Recipients, SigningKey};
use crate::manifest::{FileEntry, Manifest, ManifestHead, FORMAT};
use crate::{check_bundle_path, sha256_hex, ShareError, MANIFEST, SIGNATURE};
use std::io::Write;

/// One file of a bundle, by its path inside the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Writes the bundle of `files` (in this order, after the manifest and its signature) to `out`:
/// a ustar, encrypted with age to `recipients` when there are any. Returns the manifest.
pub fn write_bundle(
    head: ManifestHead,
    files: Vec<BundleFile>,
    key: &SigningKey,
    recipients: &Recipients,
    out: &mut dyn Write,
) -> Result<Manifest, ShareError> {
    let mut entries = Vec::with_capacity(files.len());
    let mut seen = std::collections::HashSet::new();
    for file in &files {
        check_bundle_path(&file.path)
            .map_err(|reason| ShareError::BadPath { path: file.path.clone(), reason: reason.into() })?;
        if file.path == MANIFEST || file.path == SIGNATURE || !seen.insert(file.path.as_str()) {
            return Err(ShareError::BadPath { path: file.path.clone(), reason: "is named twice".into() });
        }
        entries.push(FileEntry {
            path: file.path.clone(),
            sha256: sha256_hex(&file.bytes),
            size: file.bytes.len() as u64,
        });
    }
    let mtime = epoch_seconds(&head.created_at);
    let trusted_comment = format!(
        "crosscheck bundle of case {} made {}",
        head.case.chars().filter(|c| !c.is_control()).take(120).collect::<String>(),
        head.created_at
    )
    .trim()
    .to_string(); // minisign trims a trusted comment when reading it
    let manifest = Manifest { format: FORMAT.into(), head, files: entries };
    let manifest_bytes = manifest.to_bytes();
    let signature = minisign::sign(
        Some(&key.public),
        &key.secret,
        std::io::Cursor::new(&manifest_bytes),
        Some(&trusted_comment),
        Some("signature from crosscheck secret key"),
    )
    .map_err(|e| ShareError::Sign(e.to_string()))?
    .into_string();

    let write_tar = |sink: &mut dyn Write| -> Result<(), ShareError> {
        let mut tar = tar::Builder::new(sink);
        append(&mut tar, MANIFEST, &manifest_bytes, mtime)?;
        append(&mut tar, SIGNATURE, signature.as_bytes(), mtime)?;
        for file in &files {
            append(&mut tar, &file.path, &file.bytes, mtime)?;
        }
        tar.finish()?;
        Ok(())
    };
    if recipients.is_empty() {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, out);
        write_tar(&mut buffered)?;
        buffered.flush()?;
    } else {
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient))
            .map_err(|e| ShareError::Encrypt(e.to_string()))?;
        let buffered = std::io::BufWriter::with_capacity(1 << 20, out);
        let mut stream = encryptor.wrap_output(buffered)?;
        write_tar(&mut stream)?;
        stream.finish()?.flush()?;
    }
    Ok(manifest)
}

fn append(tar: &mut tar::Builder<&mut dyn Write>, path: &str, bytes: &[u8], mtime: u64) -> Result<(), ShareError> {
    let mut header = tar::Header::new_ustar();
    header.set_path(path).map_err(|e| ShareError::BadPath {
        path: path.into(),
        reason: format!("does not fit a POSIX tar header ({e})"),
    })?;
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    tar.append(&header, bytes)?;
    Ok(())
}

/// Seconds since 1970 of an RFC 3339 UTC time (`2026-12-07T18:00:00Z`); 0 when it is not one.
fn epoch_seconds(at: &str) -> u64 {
    let parse = || -> Option<u64> {
        let (date, time) = at.split_once('T')?;
        let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
        let (y, m, day) = (d.next()??, d.next()??, d.next()??);
        let mut t = time.trim_end_matches('Z').split(':').map(|p| p.split('.').next()?.parse::<i64>().ok());
        let (hh, mm, ss) = (t.next()??, t.next()??, t.next()??);
        // days from civil (Howard Hinnant's algorithm)
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
    };
    parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_become_seconds_since_1970() {
        assert_eq!(super::epoch_seconds("1970-01-01T00:00:00Z"), 0);
        assert_eq!(super::epoch_seconds("2026-12-07T18:00:00Z"), 1_796_666_400);
        assert_eq!(super::epoch_seconds("nonsense"), 0);
    }
}
