//! Issue 20, sharing with partner desks: `keys new`, `share`, `share open` end to end on
//! examples/defector and on invented cases; interoperability with Debian's `age`, `minisign`,
//! `tar` and `sha256sum` (skipped with a message when they are missing, failing under CI=true);
//! tampered bundles refused with the file named and nothing unpacked; and the privacy property:
//! no source note or comment, nor its SHA-256 or SHA-1, anywhere in a bundle.

use super::common::{crosscheck, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(data: &Path, args: &[&str]) -> Output {
    crosscheck(Some(data), args, None)
}

fn ok(out: &Output) -> &Output {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn refused<'a>(out: &'a Output, naming: &str) -> &'a Output {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(naming), "does not name {naming}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A folder with a desk's and a partner's keys, a data dir, and room for bundles.
struct Desks {
    dir: tempfile::TempDir,
}

impl Desks {
    fn new() -> Desks {
        let desks = Desks { dir: tempfile::tempdir().unwrap() };
        for who in ["desk", "partner"] {
            ok(&run(&desks.data(), &["keys", "new", "--out", s(&desks.path(who))]));
        }
        desks
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn data(&self) -> PathBuf {
        self.path("data")
    }
    fn key(&self, who: &str, file: &str) -> PathBuf {
        self.path(who).join(file)
    }
    /// `share CASE --out NAME --sign desk [extra]`.
    fn share(&self, case: &Path, name: &str, extra: &[&str]) -> PathBuf {
        let out = self.path(name);
        let sign = self.key("desk", "desk.minisign.key");
        let mut args = vec!["share", s(case), "--out", s(&out), "--sign", s(&sign)];
        args.extend_from_slice(extra);
        ok(&run(&self.data(), &args));
        out
    }
    fn open(&self, bundle: &Path, out: &str, trust_who: &str) -> Output {
        let trust = self.key(trust_who, "desk.minisign.pub");
        let identity = self.key("partner", "desk.age");
        let out = self.path(out);
        run(
            &self.data(),
            &["share", "open", s(bundle), "--trust", s(&trust), "--identity", s(&identity), "--out", s(&out)],
        )
    }
}

fn example() -> &'static Path {
    static CASE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    CASE.get_or_init(|| root().join("examples/defector/case.yaml"))
}

#[test]
fn the_example_case_is_bundled_encrypted_and_opens_for_the_partner() {
    let desks = Desks::new();
    let to = desks.key("partner", "desk.age.pub");
    let bundle = desks.share(example(), "defector.bundle", &["--to", s(&to)]);
    assert!(std::fs::read(&bundle).unwrap().starts_with(b"age-encryption.org/v1\n"));
    ok(&desks.open(&bundle, "opened", "desk"));
    let opened = desks.path("opened");
    let mut names: Vec<String> = walk(&opened);
    names.sort();
    assert_eq!(
        names,
        [
            "MANIFEST.json",
            "MANIFEST.json.minisig",
            "case.yaml",
            "evidence/leak-mirror.jsonl",
            "evidence/leak.jsonl",
            "evidence/mvd-wanted.jsonl",
            "evidence/registry.jsonl",
            "evidence/social.jsonl",
            "report.html",
            "report.json",
            "report.md",
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(opened.join("MANIFEST.json")).unwrap()).unwrap();
    super::common::validate("bundle-manifest.schema.json", &manifest);
    assert_eq!(manifest["case"], "defector-2024-001");
    assert_eq!(manifest["evidence"], "cited");
    assert!(manifest["scorer"].as_str().unwrap().starts_with("crosscheck-"));
    assert_eq!(manifest["datasets"].as_array().unwrap().len(), 5);
    // the report inside is verify's, and the case inside runs in the opened folder
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(opened.join("report.json")).unwrap()).unwrap();
    let verified = ok(&run(&desks.data(), &["verify", s(example()), "--output-format", "json"])).stdout.clone();
    let verified: serde_json::Value = serde_json::from_slice(&verified).unwrap();
    assert_eq!(report["claims"], verified["claims"]);
    assert_eq!(report["findings"], verified["findings"]);
    let rerun = ok(&run(&desks.path("data2"), &["verify", s(&opened.join("case.yaml")), "--output-format", "json"]))
        .stdout
        .clone();
    let rerun: serde_json::Value = serde_json::from_slice(&rerun).unwrap();
    assert_eq!(rerun["claims"].as_array().unwrap().len(), report["claims"].as_array().unwrap().len());
    // only cited records: the namesake set aside by the desk is in the report, others are not
    let case = std::fs::read_to_string(opened.join("case.yaml")).unwrap();
    assert!(!case.contains("note"), "{case}");
    // opening again into the same folder is refused; nothing changes
    refused(&desks.open(&bundle, "opened", "desk"), "already exists");
}

#[test]
fn secret_keys_are_the_owners_alone_and_never_replaced() {
    let desks = Desks::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["desk.age", "desk.minisign.key"] {
            let mode = std::fs::metadata(desks.key("desk", file)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
    let before = std::fs::read(desks.key("desk", "desk.age")).unwrap();
    refused(&run(&desks.data(), &["keys", "new", "--out", s(&desks.path("desk"))]), "exists already");
    assert_eq!(std::fs::read(desks.key("desk", "desk.age")).unwrap(), before);
    let recipient = std::fs::read_to_string(desks.key("desk", "desk.age.pub")).unwrap();
    assert!(recipient.starts_with("age1"), "{recipient}");
}

#[test]
fn a_passphrase_protected_key_signs_with_the_passphrase_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let with_phrase = |args: &[&str], phrase: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_crosscheck"));
        command.arg("--data-dir").arg(dir.path().join("data")).args(args).stdin(Stdio::null());
        match phrase {
            Some(p) => command.env("CROSSCHECK_SIGN_PASSPHRASE", p),
            None => command.env_remove("CROSSCHECK_SIGN_PASSPHRASE"),
        };
        command.output().unwrap()
    };
    ok(&with_phrase(&["keys", "new", "--out", s(&keys)], Some("a long passphrase")));
    let key = keys.join("desk.minisign.key");
    let bundle = dir.path().join("b.tar");
    let share = ["share", s(example()), "--out", s(&bundle), "--sign", s(&key), "--evidence", "none"];
    refused(&with_phrase(&share, None), "CROSSCHECK_SIGN_PASSPHRASE");
    refused(&with_phrase(&share, Some("wrong")), "passphrase is wrong");
    assert!(!bundle.exists());
    ok(&with_phrase(&share, Some("a long passphrase")));
    let trust = keys.join("desk.minisign.pub");
    let out = dir.path().join("out");
    ok(&with_phrase(&["share", "open", s(&bundle), "--trust", s(&trust), "--out", s(&out)], None));
    if tools_present() {
        minisign_verifies(&out, &trust);
    }
}

// ---- interoperability with the standard tools ----

/// Whether age, minisign, tar and sha256sum are installed: under CI=true they must be.
fn tools_present() -> bool {
    let missing: Vec<&str> = ["age", "minisign", "tar", "sha256sum"]
        .into_iter()
        .filter(|tool| {
            Command::new("sh")
                .arg("-c")
                .arg(format!("command -v {tool}"))
                .output()
                .map_or(true, |o| !o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI needs {missing:?} (.ci/run installs them)");
    skip(&format!("{missing:?} (apt-get install age minisign)"));
    false
}

#[allow(clippy::print_stderr)] // a skipped test says so on stderr
fn skip(what: &str) {
    eprintln!("SKIPPED: this test needs {what}");
}

fn sh(dir: &Path, script: &str) -> Output {
    let out = Command::new("sh").arg("-c").arg(script).current_dir(dir).output().unwrap();
    assert!(
        out.status.success(),
        "{script}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn minisign_verifies(dir: &Path, public: &Path) {
    sh(dir, &format!("minisign -V -p '{}' -m MANIFEST.json", s(public)));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("MANIFEST.json")).unwrap()).unwrap();
    let sums: String = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}  {}\n", f["sha256"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    std::fs::write(dir.join("../SHA256SUMS"), sums).unwrap();
    sh(dir, "sha256sum --strict -c ../SHA256SUMS");
}

#[test]
fn a_crosscheck_bundle_opens_with_age_tar_minisign_and_sha256sum() {
    if !tools_present() {
        return;
    }
    let desks = Desks::new();
    let to = desks.key("partner", "desk.age.pub");
    let bundle = desks.share(example(), "b.age", &["--to", s(&to), "--decisions"]);
    let out = desks.path("by-hand");
    std::fs::create_dir(&out).unwrap();
    sh(&out, &format!("age -d -i '{}' '{}' | tar x", s(&desks.key("partner", "desk.age")), s(&bundle)));
    minisign_verifies(&out, &desks.key("desk", "desk.minisign.pub"));
    assert!(out.join("decisions.jsonl").exists());
    // the tar lists nothing the manifest does not name
    let listed = sh(&out, &format!("age -d -i '{}' '{}' | tar t", s(&desks.key("partner", "desk.age")), s(&bundle)));
    let manifest = std::fs::read_to_string(out.join("MANIFEST.json")).unwrap();
    for name in String::from_utf8(listed.stdout).unwrap().lines() {
        assert!(name.starts_with("MANIFEST.json") || manifest.contains(&format!("\"{name}\"")), "{name}");
    }
}

#[test]
fn a_bundle_made_by_tar_minisign_and_age_opens_with_share_open() {
    if !tools_present() {
        return;
    }
    let desks = Desks::new();
    // a key made by minisign itself (no passphrase), signing crosscheck's manifest
    sh(desks.dir.path(), "minisign -G -W -p tools.pub -s tools.key");
    let plain = desks.dir.path().join("plain.tar");
    let tools_key = desks.path("tools.key");
    ok(&run(&desks.data(), &["share", s(example()), "--out", s(&plain), "--sign", s(&tools_key)]));
    let work = desks.path("work");
    std::fs::create_dir(&work).unwrap();
    sh(&work, "tar xf ../plain.tar && rm MANIFEST.json.minisig");
    sh(&work, "minisign -S -s ../tools.key -m MANIFEST.json -t 'signed by hand'");
    let recipient = std::fs::read_to_string(desks.key("partner", "desk.age.pub")).unwrap();
    sh(&work, &format!("tar cf ../by-tools.tar * && age -r {} -o ../by-tools.age ../by-tools.tar", recipient.trim()));
    let trust = desks.path("tools.pub");
    let identity = desks.key("partner", "desk.age");
    for bundle in ["by-tools.tar", "by-tools.age"] {
        let out = desks.path(&format!("opened-{bundle}"));
        let path = desks.path(bundle);
        let args = ["share", "open", s(&path), "--trust", s(&trust), "--identity", s(&identity), "--out", s(&out)];
        ok(&run(&desks.data(), &args));
        assert!(out.join("evidence/registry.jsonl").is_file());
    }
    // and the trusted key given as its `RW…` line, as `minisign -P` takes it
    let line = std::fs::read_to_string(&trust).unwrap().lines().nth(1).unwrap().to_string();
    let out = desks.path("opened-by-key");
    ok(&run(&desks.data(), &["share", "open", s(&desks.path("by-tools.tar")), "--trust", &line, "--out", s(&out)]));
}

// ---- tampering ----

type Entries = Vec<(String, Vec<u8>, tar::EntryType)>;

fn entries_of(bundle: &Path) -> Entries {
    crosscheck_share::read_entries(&std::fs::read(bundle).unwrap()[..])
        .unwrap()
        .into_iter()
        .map(|e| (e.path, e.bytes, tar::EntryType::Regular))
        .collect()
}

/// A ustar written header by header, so that `..` and absolute paths get in.
fn raw_tar(entries: &Entries) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, bytes, kind) in entries {
        let mut header = tar::Header::new_ustar();
        header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(*kind);
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0; 1024]);
    out
}

#[test]
fn tampered_bundles_are_refused_naming_the_file_and_nothing_is_unpacked() {
    let desks = Desks::new();
    let bundle = desks.share(example(), "plain.tar", &[]);
    let entries = entries_of(&bundle);
    assert!(entries.len() >= 8);
    let mut n_case = 0;
    let mut check = |name: &str, bytes: Vec<u8>, naming: &str| {
        n_case += 1;
        let path = desks.path(&format!("t{n_case}.tar"));
        std::fs::write(&path, bytes).unwrap();
        let out = format!("out{n_case}");
        refused(&desks.open(&path, &out, "desk"), naming);
        assert!(!desks.path(&out).exists(), "{name}: something was unpacked");
    };
    for (idx, (path, bytes, _)) in entries.iter().enumerate() {
        let mut altered = entries.clone();
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 0x20;
        altered[idx].1 = flipped;
        check(&format!("flip {path}"), raw_tar(&altered), &format!("`{path}`"));
    }
    let mut added = entries.clone();
    added.push(("evidence/planted.jsonl".into(), b"{}\n".to_vec(), tar::EntryType::Regular));
    check("added", raw_tar(&added), "`evidence/planted.jsonl` is not listed in the manifest");
    let removed: Entries = entries.iter().filter(|e| e.0 != "report.md").cloned().collect();
    check("removed", raw_tar(&removed), "`report.md` is missing");
    let whole = std::fs::read(&bundle).unwrap();
    check("truncated", whole[..whole.len() / 2].to_vec(), "truncated");
    let mut dotdot = entries.clone();
    dotdot.push(("../../escaped.txt".into(), b"x".to_vec(), tar::EntryType::Regular));
    check("dotdot", raw_tar(&dotdot), "`../../escaped.txt`");
    let mut absolute = entries.clone();
    absolute.push(("/tmp/absolute.txt".into(), b"x".to_vec(), tar::EntryType::Regular));
    check("absolute", raw_tar(&absolute), "`/tmp/absolute.txt`: an absolute path");
    let mut link = entries.clone();
    link.push(("evidence/link".into(), Vec::new(), tar::EntryType::Symlink));
    check("link", raw_tar(&link), "`evidence/link`: a link");
    assert!(!desks.path("escaped.txt").exists() && !Path::new("/tmp/absolute.txt").exists());

    // another signer: the partner's key does not vouch for the desk's bundle
    let out = desks.open(&bundle, "other", "partner");
    refused(&out, "`MANIFEST.json.minisig`: the manifest is signed by another key");
    // an encrypted bundle truncated
    let to = desks.key("partner", "desk.age.pub");
    let encrypted = std::fs::read(desks.share(example(), "enc.age", &["--to", s(&to)])).unwrap();
    check("truncated age", encrypted[..encrypted.len() - 100].to_vec(), "cannot be decrypted");
    // and without the identity
    let path = desks.path("enc.age");
    let trust = desks.key("desk", "desk.minisign.pub");
    let out = run(&desks.data(), &["share", "open", s(&path), "--trust", s(&trust), "--out", s(&desks.path("x"))]);
    refused(&out, "--identity");
}

#[test]
fn bad_keys_and_recipients_exit_2_naming_the_file() {
    let desks = Desks::new();
    let junk = desks.path("junk.txt");
    std::fs::write(&junk, "not a key\n").unwrap();
    let out = desks.path("b.tar");
    let sign = desks.key("desk", "desk.minisign.key");
    refused(&run(&desks.data(), &["share", s(example()), "--out", s(&out), "--sign", s(&junk)]), "junk.txt");
    let args = ["share", s(example()), "--out", s(&out), "--sign", s(&sign), "--to", s(&junk)];
    refused(&run(&desks.data(), &args), "junk.txt`, line 1");
    let args = ["share", s(example()), "--out", s(&out), "--sign", s(&sign), "--to", "age1nope"];
    refused(&run(&desks.data(), &args), "--to");
    assert!(!out.exists());
}

// ---- privacy ----

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.extend(walk(&path).into_iter().map(|p| format!("{name}/{p}")));
        } else {
            out.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

fn hexes(marker: &str) -> Vec<String> {
    use sha2::Digest;
    let sha256: String = sha2::Sha256::digest(marker.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let sha1 = sha1_smol::Sha1::from(marker).digest().to_string();
    vec![sha256.clone(), sha256.to_uppercase(), sha1.clone(), sha1.to_uppercase()]
}

/// An invented case whose sources carry `marker` in their notes and in comments beside them.
fn invented_case(dir: &Path, marker: &str) -> PathBuf {
    let folder = dir.join("invented-case");
    std::fs::create_dir_all(folder.join("evidence")).unwrap();
    std::fs::write(
        folder.join("evidence/registry.jsonl"),
        concat!(
            r#"{"id":"reg-1","schema":"Person","properties":{"name":["Olga Marchenko"],"birthDate":["1979-04-02"],"birthPlace":["Vologda"]}}"#,
            "\n",
            r#"{"id":"reg-2","schema":"Person","properties":{"name":["Ivan Otherman"],"birthDate":["1950-01-01"]}}"#,
            "\n"
        ),
    )
    .unwrap();
    let case = format!(
        "case: invented-1 # {marker}\n\
         as_of: 2024-11-01\n\
         subject: {{name: Olga Marchenko, birthDate: 1979-04-02, birthPlace: Vologda}}\n\
         sources:\n\
         \x20 # source A is {marker}\n\
         \x20 - {{key: A, group: colleagues, confirms: [subject.name], note: \"{marker}\"}}\n\
         \x20 - key: B  # {marker}\n\
         \x20   group: neighbours\n\
         \x20   disputes: [subject.birthPlace]\n\
         \x20   note: |\n\
         \x20     met at the {marker} cafe\n\
         evidence:\n\
         \x20 - {{file: evidence/registry.jsonl, origin: registry-2021, kind: government}}\n"
    );
    let path = folder.join("case.yaml");
    std::fs::write(&path, case).unwrap();
    path
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 6, ..Default::default() })]
    #[test]
    fn no_source_note_nor_a_hash_of_it_is_anywhere_in_a_bundle(marker in "[A-Za-z][A-Za-z0-9]{11,23}") {
        let desks = Desks::new();
        let case = invented_case(desks.dir.path(), &marker);
        let to = desks.key("partner", "desk.age.pub");
        for (name, evidence) in [("cited.age", "cited"), ("all.age", "all")] {
            let bundle = desks.share(&case, name, &["--to", s(&to), "--evidence", evidence, "--decisions"]);
            let identities = crosscheck_share::parse_identities(
                &std::fs::read_to_string(desks.key("partner", "desk.age")).unwrap(), "partner").unwrap();
            let trust = crosscheck_share::parse_public_key(
                &std::fs::read_to_string(desks.key("desk", "desk.minisign.pub")).unwrap(), "desk").unwrap();
            let bytes = std::fs::read(&bundle).unwrap();
            let opened = crosscheck_share::open_bundle(&bytes, &trust, &identities).unwrap();
            // the decrypted tar, every byte of it
            let tar = crosscheck_share::decrypt(&bytes, &identities).unwrap();
            let text = String::from_utf8_lossy(&tar);
            proptest::prop_assert!(!text.contains(&marker), "{evidence}: the marker is in the bundle");
            for hex in hexes(&marker) {
                proptest::prop_assert!(!text.contains(&hex), "{evidence}: a hash of the marker is in the bundle");
            }
            let listed: Vec<&str> = opened.manifest.files.iter().map(|f| f.path.as_str()).collect();
            for entry in crosscheck_share::read_entries(&tar[..]).unwrap() {
                let own = entry.path == "MANIFEST.json" || entry.path == "MANIFEST.json.minisig";
                proptest::prop_assert!(own || listed.contains(&entry.path.as_str()), "{} is not listed", entry.path);
            }
            let case_inside = &opened.files.iter().find(|f| f.path == "case.yaml").unwrap().bytes;
            let case_inside = String::from_utf8_lossy(case_inside);
            proptest::prop_assert!(case_inside.contains("key: A") && case_inside.contains("group: neighbours"));
            proptest::prop_assert!(case_inside.contains("subject.birthPlace"));
        }
    }
}

#[test]
fn a_partner_with_an_ssh_key_gets_a_bundle_as_age_would_encrypt_it() {
    let has_keygen =
        Command::new("sh").arg("-c").arg("command -v ssh-keygen").output().is_ok_and(|o| o.status.success());
    if !has_keygen {
        skip("ssh-keygen (openssh-client)");
        return;
    }
    let desks = Desks::new();
    sh(desks.dir.path(), "ssh-keygen -q -t ed25519 -N '' -C partner@example -f partner_ssh");
    let bundle = desks.share(example(), "ssh.age", &["--to", s(&desks.path("partner_ssh.pub"))]);
    let trust = desks.key("desk", "desk.minisign.pub");
    let out = desks.path("opened-ssh");
    let identity = desks.path("partner_ssh");
    let args = ["share", "open", s(&bundle), "--trust", s(&trust), "--identity", s(&identity), "--out", s(&out)];
    ok(&run(&desks.data(), &args));
    assert!(out.join("report.html").is_file());
    // and the same recipient given inline, as `ssh-ed25519 AAAA… comment`
    let inline = std::fs::read_to_string(desks.path("partner_ssh.pub")).unwrap();
    desks.share(example(), "ssh-inline.age", &["--to", inline.trim()]);
    if tools_present() {
        let by_hand = desks.path("ssh-by-hand");
        std::fs::create_dir(&by_hand).unwrap();
        sh(&by_hand, "age -d -i ../partner_ssh ../ssh-inline.age | tar x");
        minisign_verifies(&by_hand, &trust);
    }
}
