//! Access tokens: who may use the team server, and for what (PRODUCT.md, "Who may do what").
//! A token is shown once when it is made; the database keeps its SHA-256 only. Every change is
//! an entry of the log.

use crate::{append_in, hex, AuditError, Desk, NewEntry};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The matching API and reading cases.
    Reader,
    /// Also decisions and judgements.
    Reviewer,
    /// Everything.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reader" => Some(Role::Reader),
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// A token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub created_by: String,
}

/// The tokens in force by their stored hash, as of the database's `data_version`: SQLite
/// changes that number when another connection (a `crosscheck token` command) commits, and this
/// desk forgets the table itself when it changes a token. So a check costs one pragma, not two
/// queries, and a token revoked anywhere is refused from the next request on.
pub(crate) struct TokenCache {
    data_version: i64,
    by_hash: HashMap<String, TokenInfo>,
}

/// The prefix of every token, so that one pasted in the wrong place is recognisable.
const PREFIX: &str = "cc_";

impl Desk {
    /// Makes a token for `name` with `role`, logged as made `by`; returns the token (the only
    /// time it is seen).
    pub fn add_token(&self, name: &str, role: Role, by: &str) -> Result<String, AuditError> {
        check_name(name)?;
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| AuditError::Invalid(format!("no random numbers: {e}")))?;
        let token = format!("{PREFIX}{}", hex(&secret));
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| self.failed(e))?;
        let exists: Option<String> = tx
            .query_row("SELECT name FROM tokens WHERE name = ?1", [name], |r| r.get(0))
            .optional()
            .map_err(|e| self.failed(e))?;
        if exists.is_some() {
            return Err(AuditError::Invalid(format!(
                "a token named `{name}` exists: revoke it first (`crosscheck token revoke {name}`) or pick another name"
            )));
        }
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        tx.execute(
            "INSERT INTO tokens (name, role, hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, role.as_str(), digest(&token), now, by],
        )
        .map_err(|e| self.failed(e))?;
        tx.commit().map_err(|e| self.failed(e))?;
        self.forget_tokens();
        let entry = NewEntry {
            by: by.into(),
            action: "token-add".into(),
            target: Some(name.into()),
            judgement: Some(role.as_str().into()),
            ..NewEntry::default()
        };
        append_in(&mut conn, entry).map_err(|e| self.failed(e))?;
        Ok(token)
    }

    /// Ends the token `name`, logged as ended `by`.
    pub fn revoke_token(&self, name: &str, by: &str) -> Result<(), AuditError> {
        let mut conn = self.lock();
        let removed = conn.execute("DELETE FROM tokens WHERE name = ?1", [name]).map_err(|e| self.failed(e))?;
        if removed == 0 {
            return Err(AuditError::Invalid(format!("no token named `{name}` (`crosscheck token list` shows them)")));
        }
        self.forget_tokens();
        let entry =
            NewEntry { by: by.into(), action: "token-revoke".into(), target: Some(name.into()), ..NewEntry::default() };
        append_in(&mut conn, entry).map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// The tokens in force, by name.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, AuditError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT name, role, created_at, created_by FROM tokens ORDER BY name")
            .map_err(|e| self.failed(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })
            .map_err(|e| self.failed(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (name, role, created_at, created_by) = row.map_err(|e| self.failed(e))?;
            let role = Role::parse(&role).unwrap_or(Role::Reader); // only this code writes roles
            out.push(TokenInfo { name, role, created_at, created_by });
        }
        Ok(out)
    }

    /// Whether any token is in force (then every route but health checks needs one).
    pub fn has_tokens(&self) -> Result<bool, AuditError> {
        self.with_tokens(|tokens| !tokens.is_empty())
    }

    /// The token's holder, when `token` is one in force.
    pub fn authenticate(&self, token: &str) -> Result<Option<TokenInfo>, AuditError> {
        let hash = digest(token.trim());
        self.with_tokens(|tokens| tokens.get(&hash).cloned())
    }

    /// `f` of the tokens in force, by hash: the table kept since the last change, or read again.
    fn with_tokens<R>(&self, f: impl FnOnce(&HashMap<String, TokenInfo>) -> R) -> Result<R, AuditError> {
        let conn = self.lock();
        let data_version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| self.failed(e))?;
        let mut cache = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(cached) = cache.as_ref().filter(|c| c.data_version == data_version) {
            return Ok(f(&cached.by_hash));
        }
        let mut stmt =
            conn.prepare("SELECT hash, name, role, created_at, created_by FROM tokens").map_err(|e| self.failed(e))?;
        let rows = stmt
            .query_map([], |r| {
                let role: String = r.get(2)?;
                let info = TokenInfo {
                    name: r.get(1)?,
                    role: Role::parse(&role).unwrap_or(Role::Reader), // only this code writes roles
                    created_at: r.get(3)?,
                    created_by: r.get(4)?,
                };
                Ok((r.get::<_, String>(0)?, info))
            })
            .map_err(|e| self.failed(e))?;
        let by_hash = rows.collect::<Result<HashMap<_, _>, _>>().map_err(|e| self.failed(e))?;
        let answer = f(&by_hash);
        *cache = Some(TokenCache { data_version, by_hash });
        Ok(answer)
    }

    /// Drops the kept table of tokens after this desk changed one (its own commits leave
    /// `data_version` as it was).
    fn forget_tokens(&self) {
        *self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}

/// The stored form of a token.
fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Token names appear in logs and the audit trail: letters, digits, `.`, `_`, `-`, `@`.
fn check_name(name: &str) -> Result<(), AuditError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(AuditError::Invalid(format!(
            "`{name}` cannot name a token: use up to 64 letters, digits, `.`, `_`, `-` or `@` (e.g. `anna.desk`)"
        )))
    }
}
