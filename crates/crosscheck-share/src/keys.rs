//! A desk's keys, as the standard tools write them: an age X25519 identity (`AGE-SECRET-KEY-1…`,
//! as `age-keygen` writes it) with its `age1…` recipient, and a minisign key pair (as
//! `minisign -G` writes it; without a passphrase, as `minisign -G -W` does).
//!
//! Recipients are `age1…` strings or SSH public keys (`ssh-ed25519 …`, `ssh-rsa …`) as age takes
//! them, one a line in a file, `#` starting a comment. An identity file is an age identity file
//! or an unencrypted SSH private key.

use crate::ShareError;
use std::str::FromStr;

/// Recipients to encrypt a bundle to.
pub type Recipients = Vec<Box<dyn age::Recipient + Send>>;
/// Identities to decrypt a bundle with.
pub type Identities = Vec<Box<dyn age::Identity>>;

/// A new desk's keys, as the text of their four files.
pub struct DeskKeys {
    /// `desk.age`: the age identity (secret).
    pub age_identity: String,
    /// `desk.age.pub`: its `age1…` recipient, one line.
    pub age_recipient: String,
    /// `desk.minisign.key`: the minisign secret key (secret; encrypted when a passphrase was given).
    pub minisign_secret: String,
    /// `desk.minisign.pub`: the minisign public key, as `minisign -G` writes it.
    pub minisign_public: String,
    /// The minisign key id, as minisign prints it (16 hex digits).
    pub key_id: String,
}

impl DeskKeys {
    /// Makes new keys; the minisign secret key is encrypted with `passphrase` when one is given
    /// (scrypt, as minisign does: it takes a second or two and 1 GiB of memory).
    pub fn generate(passphrase: Option<&str>) -> Result<DeskKeys, ShareError> {
        use age::secrecy::ExposeSecret;
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        let age_identity = format!("# public key: {recipient}\n{}\n", identity.to_string().expose_secret());
        let gen_err = |e: minisign::PError| ShareError::Sign(e.to_string());
        let minisign::KeyPair { pk, sk } = match passphrase.filter(|p| !p.is_empty()) {
            Some(p) => minisign::KeyPair::generate_encrypted_keypair(Some(p.to_string())).map_err(gen_err)?,
            None => {
                // an unencrypted key as `minisign -G -W` writes it: the checksum, and "no KDF"
                let minisign::KeyPair { pk, sk } =
                    minisign::KeyPair::generate_encrypted_keypair(Some(String::new())).map_err(gen_err)?;
                let mut bytes = sk.to_bytes();
                bytes[2] = 0;
                bytes[3] = 0;
                let sk = minisign::SecretKey::from_bytes(&bytes).map_err(gen_err)?;
                minisign::KeyPair { pk, sk }
            }
        };
        let key_id = key_id(pk.keynum());
        let comment = format!("minisign public key {key_id}");
        let minisign_public = pk.to_box().map_err(gen_err)?.into_string();
        let minisign_public = replace_comment(&minisign_public, &comment);
        let minisign_secret = sk.to_box(Some("minisign encrypted secret key")).map_err(gen_err)?.into_string();
        Ok(DeskKeys { age_identity, age_recipient: format!("{recipient}\n"), minisign_secret, minisign_public, key_id })
    }
}

fn replace_comment(boxed: &str, comment: &str) -> String {
    match boxed.split_once('\n') {
        Some((_, rest)) => format!("untrusted comment: {comment}\n{rest}"),
        None => boxed.to_string(),
    }
}

/// A minisign key id as minisign prints it: the 8 bytes little-endian, 16 upper-case hex digits.
pub(crate) fn key_id(keynum: &[u8]) -> String {
    let mut n = 0u64;
    for (i, b) in keynum.iter().take(8).enumerate() {
        n |= u64::from(*b) << (8 * i);
    }
    format!("{n:016X}")
}

/// A minisign secret key, ready to sign.
pub struct SigningKey {
    pub(crate) secret: minisign::SecretKey,
    pub(crate) public: minisign::PublicKey,
}

impl SigningKey {
    /// Whether the key text `text` (of the file `file`) needs a passphrase.
    pub fn needs_passphrase(text: &str, file: &str) -> Result<bool, ShareError> {
        match Self::parse(text, None) {
            Ok(_) => Ok(false),
            Err(ShareError::NeedsPassphrase { .. }) => Ok(true),
            Err(ShareError::Key { reason, .. }) => Err(ShareError::Key { file: file.into(), reason }),
            Err(e) => Err(e),
        }
    }

    /// Reads a minisign secret key (the text of a `minisign -G` file), decrypting it with
    /// `passphrase` when it is encrypted.
    pub fn parse(text: &str, passphrase: Option<&str>) -> Result<SigningKey, ShareError> {
        let bad = |reason: &str| ShareError::Key { file: String::new(), reason: reason.into() };
        let looks_right = text.starts_with("untrusted comment:") && text.lines().nth(1).is_some_and(|l| l.len() > 100);
        if !looks_right {
            return Err(bad("is not a minisign secret key (made by `crosscheck keys new` or `minisign -G`)"));
        }
        // "no KDF" (as `minisign -G -W` writes it, with no checksum): the bytes are the key
        let line = text.lines().nth(1).unwrap_or_default().trim();
        let raw = {
            use ct_codecs::Decoder;
            ct_codecs::Base64::decode_to_vec(line, None)
                .map_err(|_| bad("is not a minisign secret key (bad base64)"))?
        };
        if raw.len() != 158 || &raw[..2] != b"Ed" {
            return Err(bad("is not a minisign Ed25519 secret key"));
        }
        let secret = if raw[2..4] == [0, 0] {
            minisign::SecretKey::from_bytes(&raw).map_err(|e| bad(&e.to_string()))?
        } else {
            let boxed = || minisign::SecretKeyBox::from_string(text);
            let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
                return Err(ShareError::NeedsPassphrase { file: String::new() });
            };
            boxed()
                .and_then(|b| b.into_secret_key(Some(passphrase.to_string())))
                .map_err(|_| bad("the passphrase is wrong, or the file is not a minisign secret key"))?
        };
        let public = minisign::PublicKey::from_secret_key(&secret).map_err(|e| bad(&e.to_string()))?;
        Ok(SigningKey { secret, public })
    }

    /// The key id, as minisign prints it.
    pub fn key_id(&self) -> String {
        key_id(self.public.keynum())
    }
}

/// Reads a minisign public key: a `.pub` file's text (`untrusted comment: …` and the key), or
/// the bare key (`RW…`, as `minisign -P` takes it).
pub fn parse_public_key(text: &str, file: &str) -> Result<minisign::PublicKey, ShareError> {
    let bad = || {
        ShareError::Key {
        file: file.into(),
        reason: "is not a minisign public key (the `.pub` file of `crosscheck keys new` or `minisign -G`, or its `RW…` line)".into(),
    }
    };
    let trimmed = text.trim();
    let key = if trimmed.starts_with("untrusted comment:") {
        trimmed.lines().nth(1).ok_or_else(bad)?.trim()
    } else {
        trimmed
    };
    minisign::PublicKey::from_base64(key).map_err(|_| bad())
}

/// Reads recipients: `age1…` recipients or SSH public keys, one a line, blank lines and `#`
/// comments skipped (a recipients file as `age -R` reads it, or one recipient).
pub fn parse_recipients(text: &str, file: &str) -> Result<Recipients, ShareError> {
    let mut out: Recipients = Vec::new();
    for (line_idx, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Ok(r) = age::x25519::Recipient::from_str(line) {
            out.push(Box::new(r));
        } else if let Ok(r) = age::ssh::Recipient::from_str(line) {
            out.push(Box::new(r));
        } else {
            return Err(ShareError::KeyLine {
                file: file.into(),
                line: line_idx + 1,
                reason: "not an age recipient (`age1…`) or an SSH public key (`ssh-ed25519 …`, `ssh-rsa …`)".into(),
            });
        }
    }
    if out.is_empty() {
        return Err(ShareError::Key { file: file.into(), reason: "holds no recipient".into() });
    }
    Ok(out)
}

/// Reads identities: an age identity file (`AGE-SECRET-KEY-1…` lines, as `age-keygen` writes
/// it), or an unencrypted SSH private key (as `age -i ~/.ssh/id_ed25519` takes it).
pub fn parse_identities(text: &str, file: &str) -> Result<Identities, ShareError> {
    let bad = |reason: &str| ShareError::Key { file: file.into(), reason: reason.into() };
    if text.contains("AGE-SECRET-KEY-") {
        let parsed = age::IdentityFile::from_buffer(text.as_bytes())
            .map_err(|_| bad("is not an age identity file (a line is not an `AGE-SECRET-KEY-1…` identity)"))?;
        let identities = parsed.into_identities().map_err(|e| bad(&e.to_string()))?;
        if identities.is_empty() {
            return Err(bad("holds no identity"));
        }
        return Ok(identities);
    }
    if text.contains("PRIVATE KEY-----") {
        let identity = age::ssh::Identity::from_buffer(text.as_bytes(), Some(file.into()))
            .map_err(|_| bad("is not an SSH private key age can use"))?;
        return match identity {
            age::ssh::Identity::Unencrypted(_) => Ok(vec![Box::new(identity)]),
            age::ssh::Identity::Encrypted(_) => Err(bad(
                "is a passphrase-protected SSH key: decrypt with `age -d -i` and open the tar, or use an age identity",
            )),
            age::ssh::Identity::Unsupported(_) => Err(bad("is an SSH key of a kind age does not support")),
        };
    }
    Err(bad("is not an age identity file (`AGE-SECRET-KEY-1…`) or an SSH private key"))
}
