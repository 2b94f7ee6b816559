//! The desk's log and its keys: an append-only, hash-chained log of every decision, judgement,
//! token change and dataset load, and the access tokens of the team server, in one SQLite
//! database in the data directory (`desk.sqlite3`, owner-only).
//!
//! SQLite with write-ahead logging and `synchronous=FULL`: an entry [`Desk::append`] has
//! returned is on disk, and survives a `kill -9` the next instant. Each entry carries the
//! SHA-256 of the previous entry's hash and its own fields, and a head row keeps the last id
//! and hash, so [`Desk::verify`] finds the first entry edited, removed or appended by hand.
//!
//! Tokens are 32 random bytes shown once ([`Desk::add_token`]); only their SHA-256 is stored.
//! The log is a tamper-evident record for the desk, not a defence against someone who can write
//! the data directory: such a person could rebuild the whole chain.

mod tokens;

pub use tokens::{Role, TokenInfo};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The database's file name in the data directory.
pub const FILE_NAME: &str = "desk.sqlite3";

/// Errors of the desk's database.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("the desk's log `{path}` cannot be used: {reason}")]
    Database { path: PathBuf, reason: String },
    #[error("{0}")]
    Invalid(String),
}

/// A dataset's version in effect when an entry was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetVersion {
    pub dataset: String,
    pub version: String,
}

/// What an entry records, before it is numbered, stamped and chained.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEntry {
    /// A token's name, or the system user for the command line.
    pub by: String,
    /// `decision`, `judgement`, `token-add`, `token-revoke`, `load`, ...
    pub action: String,
    pub case: Option<String>,
    pub target: Option<String>,
    pub person: Option<String>,
    pub judgement: Option<String>,
    pub reason: Option<String>,
    pub datasets: Vec<DatasetVersion>,
    pub scorer: Option<String>,
    /// A judgement's pair of records (absent from other entries, and from entries written
    /// before judgements existed, whose stored text and hashes stay as they were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<RecordRef>,
}

/// A stored record, by dataset and id (one side of a judgement).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    pub dataset: String,
    pub id: String,
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    /// UTC, RFC 3339 to the microsecond.
    pub at: String,
    #[serde(flatten)]
    pub fields: NewEntry,
    /// The previous entry's hash (empty for the first).
    pub prev_hash: String,
    pub hash: String,
}

/// What [`Desk::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub entries: u64,
    /// The first entry that does not hold, and why; `None` when the chain is whole.
    pub broken: Option<Broken>,
}

/// The first place the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The entry's id (for a removed entry, the id that is missing).
    pub id: i64,
    pub reason: String,
}

/// The desk's database.
pub struct Desk {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// The tokens in force, read once and read again only when the database changed
    /// (`tokens::TokenCache`): the server checks a token on every request.
    tokens: Mutex<Option<tokens::TokenCache>>,
}

impl Desk {
    /// Opens (and creates, owner-only) `desk.sqlite3` in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Desk, AuditError> {
        let path = data_dir.join(FILE_NAME);
        let failed = |e: &dyn std::fmt::Display| AuditError::Database { path: path.clone(), reason: e.to_string() };
        std::fs::create_dir_all(data_dir).map_err(|e| failed(&e))?;
        create_private(&path).map_err(|e| failed(&e))?;
        let conn = Connection::open(&path).map_err(|e| failed(&e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| failed(&e))?;
        conn.execute_batch(SCHEMA).map_err(|e| failed(&e))?;
        Ok(Desk { path, conn: Mutex::new(conn), tokens: Mutex::new(None) })
    }

    /// Opens `desk.sqlite3` in `data_dir` when it exists; `None` when it does not (a reading
    /// command never creates it).
    pub fn open_existing(data_dir: &Path) -> Result<Option<Desk>, AuditError> {
        if data_dir.join(FILE_NAME).is_file() {
            Desk::open(data_dir).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Where the database is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // a panic while holding the connection leaves SQLite consistent (transactions roll back)
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn failed(&self, e: rusqlite::Error) -> AuditError {
        AuditError::Database { path: self.path.clone(), reason: e.to_string() }
    }

    /// Appends an entry, durably, and returns it numbered, stamped and chained.
    pub fn append(&self, entry: NewEntry) -> Result<Entry, AuditError> {
        let mut conn = self.lock();
        append_in(&mut conn, entry).map_err(|e| self.failed(e))
    }

    /// Every entry, oldest first; only those of `case` when given.
    pub fn entries(&self, case: Option<&str>) -> Result<Vec<Entry>, AuditError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT id, at, body, prev_hash, hash FROM log WHERE ?1 IS NULL OR json_extract(body, '$.case') = ?1 ORDER BY id")
            .map_err(|e| self.failed(e))?;
        let rows = stmt
            .query_map(params![case], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })
            .map_err(|e| self.failed(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, body, prev_hash, hash) = row.map_err(|e| self.failed(e))?;
            let fields: NewEntry = serde_json::from_str(&body)
                .map_err(|e| AuditError::Database { path: self.path.clone(), reason: format!("entry {id}: {e}") })?;
            out.push(Entry { id, at, fields, prev_hash, hash });
        }
        Ok(out)
    }

    /// Recomputes the chain: the first entry whose hash, link or number does not hold.
    pub fn verify(&self) -> Result<Verification, AuditError> {
        let conn = self.lock();
        let mut stmt =
            conn.prepare("SELECT id, at, body, prev_hash, hash FROM log ORDER BY id").map_err(|e| self.failed(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.failed(e))?;
        let (mut expected_id, mut prev, mut entries) = (1i64, String::new(), 0u64);
        while let Some(row) = rows.next().map_err(|e| self.failed(e))? {
            let (id, at, body, prev_hash, hash): (i64, String, String, String, String) = (
                row.get(0).map_err(|e| self.failed(e))?,
                row.get(1).map_err(|e| self.failed(e))?,
                row.get(2).map_err(|e| self.failed(e))?,
                row.get(3).map_err(|e| self.failed(e))?,
                row.get(4).map_err(|e| self.failed(e))?,
            );
            let broken =
                |reason: &str| Ok(Verification { entries, broken: Some(Broken { id, reason: reason.into() }) });
            if id != expected_id {
                let missing = Broken { id: expected_id, reason: format!("entry {expected_id} is missing (removed)") };
                return Ok(Verification { entries, broken: Some(missing) });
            }
            if prev_hash != prev {
                return broken("it does not link to the entry before it");
            }
            if chain_hash(&prev, id, &at, &body) != hash {
                return broken("its contents were changed after it was written");
            }
            entries += 1;
            expected_id += 1;
            prev = hash;
        }
        drop(rows);
        drop(stmt);
        let head: Option<(i64, String)> = conn
            .query_row("SELECT last_id, last_hash FROM head WHERE one = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.failed(e))?;
        let (last_id, last_hash) = head.unwrap_or((0, String::new()));
        if last_id != expected_id - 1 || last_hash != prev {
            let id = last_id.max(expected_id);
            let reason = if last_id > expected_id - 1 {
                format!("the log ends at entry {} but {last_id} were written (the last removed)", expected_id - 1)
            } else {
                "entries were added outside crosscheck".to_string()
            };
            return Ok(Verification { entries, broken: Some(Broken { id, reason }) });
        }
        Ok(Verification { entries, broken: None })
    }
}

fn append_in(conn: &mut Connection, entry: NewEntry) -> rusqlite::Result<Entry> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (last_id, prev): (i64, String) = tx
        .query_row("SELECT last_id, last_hash FROM head WHERE one = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, String::new()));
    let id = last_id + 1;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let body = serde_json::to_string(&entry).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let hash = chain_hash(&prev, id, &at, &body);
    tx.execute(
        "INSERT INTO log (id, at, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, at, body, prev, hash],
    )?;
    tx.execute(
        "INSERT INTO head (one, last_id, last_hash) VALUES (1, ?1, ?2) ON CONFLICT(one) DO UPDATE SET last_id = ?1, last_hash = ?2",
        params![id, hash],
    )?;
    tx.commit()?;
    Ok(Entry { id, at, fields: entry, prev_hash: prev, hash })
}

/// SHA-256 over the previous hash and the entry's number, time and fields, in hex.
fn chain_hash(prev: &str, id: i64, at: &str, body: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [prev, &id.to_string(), at, body] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex(&hasher.finalize())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Creates `path` readable by its owner only, when it does not exist (SQLite gives its `-wal`
/// and `-shm` files the database's permissions).
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    last_id INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
";

#[cfg(test)]
mod tests;
