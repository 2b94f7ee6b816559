use super::*;

fn decision(n: usize) -> NewEntry {
    NewEntry {
        by: "anna".into(),
        action: "decision".into(),
        case: Some(if n.is_multiple_of(2) { "hollow" } else { "quill" }.into()),
        target: Some(format!("registry:r{n}")),
        person: Some("subject".into()),
        judgement: Some("same".into()),
        reason: Some(format!("reason {n}")),
        datasets: vec![DatasetVersion { dataset: "registry".into(), version: "v1".into() }],
        scorer: Some("crosscheck-v2+399fb8c4".into()),
        left: None,
        right: None,
    }
}

fn desk_with(n: usize) -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(dir.path()).unwrap();
    for i in 0..n {
        desk.append(decision(i)).unwrap();
    }
    (dir, desk)
}

/// Tampers with the database as someone with file access would.
fn tamper(dir: &Path, sql: &str) {
    Connection::open(dir.join(FILE_NAME)).unwrap().execute_batch(sql).unwrap();
}

#[test]
fn entries_are_numbered_chained_and_read_back_by_case() {
    let (dir, desk) = desk_with(5);
    let all = desk.entries(None).unwrap();
    assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(all[0].prev_hash, "");
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    assert_eq!(all[3].fields, decision(3));
    assert_eq!(desk.entries(Some("quill")).unwrap().len(), 2);
    assert_eq!(desk.verify().unwrap(), Verification { entries: 5, broken: None });
    drop(desk);
    let reopened = Desk::open(dir.path()).unwrap();
    assert_eq!(reopened.append(decision(9)).unwrap().id, 6, "numbering goes on after a reopen");
}

#[test]
fn verify_names_the_first_entry_edited_or_removed() {
    for (sql, id, words) in [
        ("UPDATE log SET body = replace(body, 'reason 2', 'reason X') WHERE id = 3", 3, "changed"),
        ("DELETE FROM log WHERE id = 2", 2, "missing"),
        ("DELETE FROM log WHERE id = 5", 5, "last removed"),
        ("UPDATE log SET at = '2020-01-01T00:00:00Z' WHERE id = 4", 4, "changed"),
        ("INSERT INTO log VALUES (6, 'x', '{}', 'y', 'z')", 6, "does not link"),
    ] {
        let (dir, desk) = desk_with(5);
        tamper(dir.path(), sql);
        let broken = desk.verify().unwrap().broken.unwrap_or_else(|| panic!("{sql}: not found"));
        assert_eq!(broken.id, id, "{sql}: {broken:?}");
        assert!(broken.reason.contains(words), "{sql}: {broken:?}");
    }
}

#[test]
fn tokens_are_shown_once_stored_hashed_and_logged() {
    let (dir, desk) = desk_with(0);
    assert!(!desk.has_tokens().unwrap());
    let token = desk.add_token("anna.desk", Role::Reviewer, "system:test").unwrap();
    assert!(token.starts_with("cc_") && token.len() == 67, "{token}");
    assert!(desk.has_tokens().unwrap());
    assert_eq!(desk.authenticate(&token).unwrap().unwrap().role, Role::Reviewer);
    assert!(desk.authenticate("cc_wrong").unwrap().is_none());
    let bytes = std::fs::read(dir.path().join(FILE_NAME)).unwrap();
    let wal = std::fs::read(dir.path().join(format!("{FILE_NAME}-wal"))).unwrap_or_default();
    let secret = &token.as_bytes()[3..];
    for file in [&bytes, &wal] {
        assert!(!file.windows(secret.len()).any(|w| w == secret), "the token is stored in the clear");
    }
    assert!(desk.add_token("anna.desk", Role::Admin, "system:test").is_err(), "one token per name");
    assert!(desk.add_token("anna desk; drop", Role::Admin, "system:test").is_err());
    desk.revoke_token("anna.desk", "system:test").unwrap();
    assert!(desk.authenticate(&token).unwrap().is_none());
    assert!(desk.revoke_token("anna.desk", "system:test").is_err());
    let actions: Vec<String> = desk.entries(None).unwrap().into_iter().map(|e| e.fields.action).collect();
    assert_eq!(actions, ["token-add", "token-revoke"]);
    assert!(desk.verify().unwrap().broken.is_none());
}

/// The server keeps the tokens it has read; a `crosscheck token` command in another process
/// (here another connection) adds or revokes one, and the server sees it on the next check.
#[test]
fn a_token_changed_by_another_process_counts_from_the_next_check() {
    let (dir, server) = desk_with(0);
    assert!(!server.has_tokens().unwrap());
    let command = Desk::open(dir.path()).unwrap();
    let token = command.add_token("anna.desk", Role::Reader, "system:test").unwrap();
    assert!(server.has_tokens().unwrap(), "added elsewhere");
    assert_eq!(server.authenticate(&token).unwrap().map(|t| t.name), Some("anna.desk".into()));
    let own = server.add_token("boris", Role::Admin, "system:test").unwrap();
    assert_eq!(server.authenticate(&own).unwrap().map(|t| t.role), Some(Role::Admin), "added here");
    command.revoke_token("anna.desk", "system:test").unwrap();
    assert!(server.authenticate(&token).unwrap().is_none(), "revoked elsewhere");
    server.revoke_token("boris", "system:test").unwrap();
    assert!(server.authenticate(&own).unwrap().is_none(), "revoked here");
    assert!(!server.has_tokens().unwrap());
}

#[cfg(unix)]
#[test]
fn the_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _desk) = desk_with(1);
    for name in [FILE_NAME.to_string(), format!("{FILE_NAME}-wal")] {
        let mode = std::fs::metadata(dir.path().join(&name)).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{name} is {mode:o}");
    }
}

#[test]
fn roles_allow_what_is_below_them() {
    assert!(Role::Admin.allows(Role::Reviewer) && Role::Reviewer.allows(Role::Reader));
    assert!(!Role::Reader.allows(Role::Reviewer) && !Role::Reviewer.allows(Role::Admin));
}

#[test]
fn a_judgement_keeps_its_pair_and_an_entry_without_one_keeps_its_stored_text() {
    let (dir, desk) = desk_with(1);
    let pair = |d: &str, id: &str| Some(RecordRef { dataset: d.into(), id: id.into() });
    let judged = NewEntry {
        by: "boris".into(),
        action: "judgement".into(),
        judgement: Some("different".into()),
        left: pair("leak", "l1"),
        right: pair("registry", "r1"),
        ..NewEntry::default()
    };
    desk.append(judged.clone()).unwrap();
    let entries = desk.entries(None).unwrap();
    assert_eq!(entries[1].fields, judged);
    let body: String = Connection::open(dir.path().join(FILE_NAME))
        .unwrap()
        .query_row("SELECT body FROM log WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert!(!body.contains("left") && !body.contains("right"), "{body}");
    assert_eq!(desk.verify().unwrap().broken, None);
    assert!(Desk::open_existing(&dir.path().join("elsewhere")).unwrap().is_none());
    assert!(Desk::open_existing(dir.path()).unwrap().is_some());
}
