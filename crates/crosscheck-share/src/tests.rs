//! Round trips, and every way a bundle is refused, on invented files.

use super::*;

struct Desk {
    keys: DeskKeys,
    signer: SigningKey,
    trust: minisign::PublicKey,
    identities: Identities,
    recipients: Recipients,
}

fn desk() -> Desk {
    let keys = DeskKeys::generate(None).unwrap();
    let signer = SigningKey::parse(&keys.minisign_secret, None).unwrap();
    let trust = parse_public_key(&keys.minisign_public, "desk.minisign.pub").unwrap();
    let identities = parse_identities(&keys.age_identity, "desk.age").unwrap();
    let recipients = parse_recipients(&keys.age_recipient, "desk.age.pub").unwrap();
    Desk { keys, signer, trust, identities, recipients }
}

fn files() -> Vec<BundleFile> {
    vec![
        BundleFile { path: "report.json".into(), bytes: br#"{"case":"invented"}"#.to_vec() },
        BundleFile { path: "case.yaml".into(), bytes: b"case: invented\n".to_vec() },
        BundleFile { path: "evidence/registry.jsonl".into(), bytes: b"{\"id\":\"r1\"}\n".to_vec() },
    ]
}

fn head() -> ManifestHead {
    ManifestHead {
        case: "invented".into(),
        created_at: "2026-12-07T18:00:00Z".into(),
        crosscheck_version: "0.1.0".into(),
        scorer: "test".into(),
        evidence: "cited".into(),
        decisions: false,
        datasets: vec![],
    }
}

fn bundle(desk: &Desk, encrypted: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let none = Vec::new();
    let recipients = if encrypted { &desk.recipients } else { &none };
    write_bundle(head(), files(), &desk.signer, recipients, &mut out).unwrap();
    out
}

/// A tar of `entries` (path, bytes, kind) with the desk's signed manifest of `listed`.
/// An entry added to a tar: path, bytes, kind.
type Extra<'a> = (&'a str, &'a [u8], tar::EntryType);

fn tar_of(desk: &Desk, listed: &[BundleFile], extra: &[Extra]) -> Vec<u8> {
    let mut plain = Vec::new();
    write_bundle(head(), listed.to_vec(), &desk.signer, &Vec::new(), &mut plain).unwrap();
    let mut entries: Vec<(String, Vec<u8>, tar::EntryType)> =
        read_entries(&plain[..]).unwrap().into_iter().map(|e| (e.path, e.bytes, tar::EntryType::Regular)).collect();
    entries.extend(extra.iter().map(|(p, b, k)| (p.to_string(), b.to_vec(), *k)));
    raw_tar(&entries)
}

/// A tar written header by header, so that paths the `tar` crate refuses to write get in.
fn raw_tar(entries: &[(String, Vec<u8>, tar::EntryType)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, bytes, kind) in entries {
        let mut header = tar::Header::new_ustar();
        let name = header.as_old_mut().name.as_mut();
        name[..path.len()].copy_from_slice(path.as_bytes());
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(*kind);
        if kind.is_symlink() {
            header.set_link_name("/etc/passwd").unwrap();
        }
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0; 1024]);
    out
}

fn refused(desk: &Desk, bytes: &[u8]) -> String {
    open_bundle(bytes, &desk.trust, &desk.identities).unwrap_err().to_string()
}

#[test]
fn a_bundle_opens_as_it_was_written_plain_or_encrypted() {
    let desk = desk();
    for encrypted in [false, true] {
        let bytes = bundle(&desk, encrypted);
        assert_eq!(bytes.starts_with(AGE_MAGIC), encrypted);
        let opened = open_bundle(&bytes, &desk.trust, &desk.identities).unwrap();
        assert_eq!(opened.encrypted, encrypted);
        assert_eq!(opened.signer, desk.keys.key_id);
        let paths: Vec<&str> = opened.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, [MANIFEST, SIGNATURE, "report.json", "case.yaml", "evidence/registry.jsonl"]);
        assert_eq!(opened.files[4].bytes, b"{\"id\":\"r1\"}\n");
        assert_eq!(opened.manifest.files[0].sha256, sha256_hex(br#"{"case":"invented"}"#));
    }
}

#[test]
fn several_partners_can_each_open_it() {
    let (desk, a, b) = (desk(), desk(), desk());
    let text = format!("# partners\n{}\n{}", a.keys.age_recipient, b.keys.age_recipient);
    let recipients = parse_recipients(&text, "partners.txt").unwrap();
    assert_eq!(recipients.len(), 2);
    let mut bytes = Vec::new();
    write_bundle(head(), files(), &desk.signer, &recipients, &mut bytes).unwrap();
    for partner in [&a, &b] {
        open_bundle(&bytes, &desk.trust, &partner.identities).unwrap();
    }
    let other = refused(&Desk { trust: desk.trust.clone(), ..crate::tests::desk() }, &bytes);
    assert!(other.contains("not encrypted to this identity"), "{other}");
    let none = open_bundle(&bytes, &desk.trust, &Vec::new()).unwrap_err();
    assert_eq!(none, OpenError::NeedsIdentity);
}

#[test]
fn a_bundle_signed_by_another_key_is_refused() {
    let (desk, other) = (desk(), desk());
    let bytes = bundle(&other, false);
    let e = refused(&desk, &bytes);
    assert!(e.contains("MANIFEST.json.minisig") && e.contains("another key"), "{e}");
    assert!(e.contains(&other.keys.key_id), "{e}");
}

#[test]
fn one_byte_flipped_anywhere_in_a_file_is_refused_naming_it() {
    let desk = desk();
    let bytes = bundle(&desk, false);
    let entries = read_entries(&bytes[..]).unwrap();
    // offsets of each entry's data in the tar: headers are 512 bytes, data padded to 512
    let mut offset = 0;
    for entry in &entries {
        let data_at = offset + 512;
        for at in [0, entry.bytes.len() / 2, entry.bytes.len() - 1] {
            let mut altered = bytes.clone();
            altered[data_at + at] ^= 0x01;
            let e = refused(&desk, &altered);
            assert!(e.contains(&format!("`{}`", entry.path)), "{}: {e}", entry.path);
        }
        offset = data_at + entry.bytes.len().div_ceil(512) * 512;
    }
}

#[test]
fn added_missing_and_unsafe_entries_are_refused_naming_them() {
    let desk = desk();
    let reg = tar::EntryType::Regular;
    let table: &[(&[Extra], &str)] = &[
        (&[("extra.txt", b"x", reg)], "`extra.txt` is not listed in the manifest"),
        (&[("../escape.txt", b"x", reg)], "`../escape.txt`: a path with `..`"),
        (&[("evidence/../../x", b"x", reg)], "`evidence/../../x`: a path with `..`"),
        (&[("/tmp/absolute.txt", b"x", reg)], "`/tmp/absolute.txt`: an absolute path"),
        (&[("link", b"", tar::EntryType::Symlink)], "`link`: a link"),
        (&[("hard", b"", tar::EntryType::Link)], "`hard`: a link"),
        (&[("dev", b"", tar::EntryType::Char)], "`dev`: a device"),
        (&[("fifo", b"", tar::EntryType::Fifo)], "`fifo`: a device or a pipe"),
        (&[("report.json", b"again", reg)], "`report.json`: is in the bundle twice"),
        (&[("stray/", b"", tar::EntryType::Directory)], "`stray/` is not listed"),
    ];
    for (extra, want) in table {
        let e = refused(&desk, &tar_of(&desk, &files(), extra));
        assert!(e.contains(want), "{want}: {e}");
    }
    // `evidence/` as `tar` writes it is fine; `./` prefixes too
    let ok = tar_of(&desk, &files(), &[("evidence/", b"", tar::EntryType::Directory)]);
    open_bundle(&ok, &desk.trust, &desk.identities).unwrap();

    // a file the manifest lists, removed
    let mut plain = Vec::new();
    write_bundle(head(), files(), &desk.signer, &Vec::new(), &mut plain).unwrap();
    let entries: Vec<_> = read_entries(&plain[..])
        .unwrap()
        .into_iter()
        .filter(|e| e.path != "case.yaml")
        .map(|e| (e.path, e.bytes, reg))
        .collect();
    let e = refused(&desk, &raw_tar(&entries));
    assert!(e.contains("`case.yaml` is missing"), "{e}");
    for gone in [MANIFEST, SIGNATURE] {
        let entries: Vec<_> = read_entries(&plain[..])
            .unwrap()
            .into_iter()
            .filter(|e| e.path != gone)
            .map(|e| (e.path, e.bytes, reg))
            .collect();
        let e = refused(&desk, &raw_tar(&entries));
        assert!(e.contains(&format!("`{gone}` is missing")), "{e}");
    }
}

#[test]
fn a_truncated_bundle_is_refused() {
    let desk = desk();
    for encrypted in [false, true] {
        let bytes = bundle(&desk, encrypted);
        for keep in [100, 600, 1500, bytes.len() / 2, bytes.len() - 1100] {
            let e = open_bundle(&bytes[..keep], &desk.trust, &desk.identities).unwrap_err();
            let text = e.to_string();
            assert!(
                text.contains("truncated") || text.contains("missing") || text.contains("decrypted"),
                "{encrypted} {keep}: {text}"
            );
        }
    }
}

#[test]
fn a_passphrase_protects_the_signing_key() {
    let keys = DeskKeys::generate(Some("correct horse")).unwrap();
    assert!(SigningKey::needs_passphrase(&keys.minisign_secret, "k").unwrap());
    assert!(matches!(SigningKey::parse(&keys.minisign_secret, None), Err(ShareError::NeedsPassphrase { .. })));
    assert!(SigningKey::parse(&keys.minisign_secret, Some("wrong")).is_err());
    let key = SigningKey::parse(&keys.minisign_secret, Some("correct horse")).unwrap();
    assert_eq!(key.key_id(), keys.key_id);
    let unprotected = DeskKeys::generate(None).unwrap();
    assert!(!SigningKey::needs_passphrase(&unprotected.minisign_secret, "k").unwrap());
}

#[test]
fn keys_and_recipients_that_are_not_say_which_file_and_line() {
    let e = parse_recipients("age1qqq\n", "partners.txt").err().unwrap().to_string();
    assert!(e.contains("`partners.txt`, line 1"), "{e}");
    let e = parse_recipients("# nobody\n", "partners.txt").err().unwrap().to_string();
    assert!(e.contains("no recipient"), "{e}");
    assert!(parse_public_key("hello", "x.pub").unwrap_err().to_string().contains("`x.pub`"));
    assert!(parse_identities("hello", "x.age").err().unwrap().to_string().contains("`x.age`"));
    assert!(SigningKey::parse("hello", None).is_err());

    let ssh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@example";
    assert_eq!(parse_recipients(ssh, "id.pub").unwrap().len(), 1);
}

#[test]
fn paths_outside_the_bundle_are_refused_when_writing() {
    let desk = desk();
    for bad in ["../x", "/etc/x", "a//b", "./a", "a\\b"] {
        let files = vec![BundleFile { path: bad.into(), bytes: vec![] }];
        assert!(write_bundle(head(), files, &desk.signer, &Vec::new(), &mut Vec::new()).is_err(), "{bad}");
    }
}

#[test]
fn garbage_is_refused_without_a_panic() {
    let desk = desk();
    for bytes in [&b""[..], b"hello", b"age-encryption.org/v1\n-> X25519 nonsense\n", &[0u8; 2048]] {
        assert!(open_bundle(bytes, &desk.trust, &desk.identities).is_err());
    }
}
