//! A site's API keys in its organisation's object: made by owners and
//! admins (the key shown once; only its SHA-256 kept), listed, revoked, and
//! checked on every `/api/v1` request (the key names its organisation, as a
//! session token does, so a made-up key reaches no object) and counted:
//! at most [`PER_MINUTE`] requests a key and minute. Revoked keys are
//! deleted: nothing of them is kept.

use serde::{Deserialize, Serialize};
use shared::keys::{ApiKey, IssuedKey, KeyScope, KEY_PREFIX, MOST_KEYS};
use shared::staff::{Me, SiteEntry, StaffRole};
use worker::{SqlStorage, SqlStorageValue};

use crate::auth::{org_token, token_digest};

/// Creates the table if it is missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, org TEXT NOT NULL, site TEXT NOT NULL,
            label TEXT NOT NULL, scope TEXT NOT NULL, digest TEXT NOT NULL UNIQUE, last4 TEXT NOT NULL,
            created_at INTEGER NOT NULL, created_by TEXT NOT NULL)",
        None,
    )?;
    // Requests per key and minute (this minute's and the last only).
    sql.exec(
        "CREATE TABLE IF NOT EXISTS key_minutes (id TEXT NOT NULL, minute INTEGER NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (id, minute))",
        None,
    )?;
    Ok(())
}

/// Requests one key may make in a minute.
pub const PER_MINUTE: u64 = 600;

/// Counts one request of key `id` at `now`; `Err(ms)`: over [`PER_MINUTE`]
/// this minute, how long until the next.
fn count(sql: &SqlStorage, id: &str, now: u64) -> worker::Result<Result<(), u64>> {
    #[derive(Deserialize)]
    struct N {
        n: u64,
    }
    let minute = now / 60_000;
    sql.exec(
        "DELETE FROM key_minutes WHERE id = ? AND minute < ?",
        vec![id.into(), SqlStorageValue::from(minute as i64)],
    )?;
    let n: N = sql
        .exec(
            "INSERT INTO key_minutes (id, minute, n) VALUES (?, ?, 1)
             ON CONFLICT (id, minute) DO UPDATE SET n = n + 1 RETURNING n",
            vec![id.into(), SqlStorageValue::from(minute as i64)],
        )?
        .one()?;
    Ok(if n.n > PER_MINUTE { Err((minute + 1) * 60_000 - now) } else { Ok(()) })
}

/// A key being made.
#[derive(Debug, Serialize, Deserialize)]
pub struct Create {
    /// Who makes it.
    pub by: super::ops::By,
    /// Their name (shown in the list).
    pub by_name: String,
    /// The site.
    pub site: String,
    /// Its checked label.
    pub label: String,
    /// Its scope.
    pub scope: KeyScope,
}

/// The caller a key stands for, as `/api/v1` routes check it.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeyCaller {
    /// The caller, as a session's would be: its one site, the key's name.
    pub me: Me,
    /// What it may do.
    pub scope: KeyScope,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    id: String,
    site: String,
    label: String,
    scope: String,
    last4: String,
    created_at: u64,
    created_by: String,
}

impl Row {
    fn listed(self) -> Option<ApiKey> {
        Some(ApiKey {
            id: self.id,
            site: self.site.parse().ok()?,
            label: self.label,
            scope: KeyScope::parse(&self.scope)?,
            last4: self.last4,
            created_at: self.created_at,
            created_by: self.created_by,
        })
    }
}

const COLUMNS: &str = r#"id, site, label, scope, last4, created_at AS "createdAt", created_by AS "createdBy""#;

/// The site's keys, newest first.
pub fn list(sql: &SqlStorage, org: &str, site: &str) -> worker::Result<Vec<ApiKey>> {
    let query = format!("SELECT {COLUMNS} FROM api_keys WHERE org = ? AND site = ? ORDER BY created_at DESC");
    let rows: Vec<Row> = sql.exec(&query, vec![org.into(), site.into()])?.to_array()?;
    Ok(rows.into_iter().filter_map(Row::listed).collect())
}

/// Makes a key: `Err` says why not (not an owner or admin, too many).
pub fn create(sql: &SqlStorage, c: Create, now: u64, secret: &str) -> worker::Result<Result<IssuedKey, String>> {
    if !matches!(c.by.role, StaffRole::Owner | StaffRole::Admin) {
        return Ok(Err("only owners and admins make API keys".into()));
    }
    if list(sql, &c.by.org, &c.site)?.len() >= MOST_KEYS {
        return Ok(Err(format!("a site has at most {MOST_KEYS} keys: revoke one first")));
    }
    let key = format!("{KEY_PREFIX}{}", org_token(&c.by.org, secret));
    let id = crate::auth::new_token()[..16].to_owned();
    let last4: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    sql.exec(
        "INSERT INTO api_keys (id, org, site, label, scope, digest, last4, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            id.as_str().into(),
            c.by.org.as_str().into(),
            c.site.as_str().into(),
            c.label.as_str().into(),
            c.scope.as_str().into(),
            token_digest(&key).into(),
            last4.as_str().into(),
            SqlStorageValue::from(now as i64),
            c.by_name.as_str().into(),
        ],
    )?;
    let info = ApiKey {
        id,
        site: c.site.parse().map_err(|_| worker::Error::RustError("a bad site id".into()))?,
        label: c.label,
        scope: c.scope,
        last4,
        created_at: now,
        created_by: c.by_name,
    };
    Ok(Ok(IssuedKey { key, info }))
}

/// Revokes (deletes) key `id` of `site`; `false`: no such key.
pub fn revoke(sql: &SqlStorage, org: &str, site: &str, id: &str) -> worker::Result<bool> {
    let gone = sql
        .exec("DELETE FROM api_keys WHERE org = ? AND site = ? AND id = ?", vec![org.into(), site.into(), id.into()])?;
    Ok(gone.rows_written() > 0)
}

/// What checking a key found.
pub enum Checked {
    /// The caller it stands for.
    Caller(KeyCaller),
    /// No live key (or its site is gone).
    Unknown,
    /// Over its requests per minute: the wait in ms.
    TooFast(u64),
}

/// The caller a key stands for, if it is a live key of this organisation
/// whose site is still the organisation's and it is within its requests
/// per minute.
pub fn check(sql: &SqlStorage, key: &str, now: u64) -> worker::Result<Checked> {
    #[derive(Deserialize)]
    struct Found {
        org: String,
        #[serde(flatten)]
        row: Row,
    }
    let query = format!("SELECT org, {COLUMNS} FROM api_keys WHERE digest = ?");
    let rows: Vec<Found> = sql.exec(&query, vec![token_digest(key).into()])?.to_array()?;
    let Some(Found { org, row }) = rows.into_iter().next() else { return Ok(Checked::Unknown) };
    let Some(listed) = row.listed() else { return Ok(Checked::Unknown) };
    let sites: Vec<SiteEntry> = super::sql::sites(sql, &org)?;
    let Some(site) = sites.into_iter().find(|s| s.id == listed.site) else { return Ok(Checked::Unknown) };
    if let Err(wait) = count(sql, &listed.id, now)? {
        return Ok(Checked::TooFast(wait));
    }
    let me = Me {
        account: format!("key:{}", listed.id),
        email: String::new(),
        name: format!("API key {}", listed.label),
        role: StaffRole::Admin,
        org_name: super::sql::org_name(sql, &org)?,
        org,
        sites: vec![site],
        csrf: String::new(),
        two_factor: Default::default(),
    };
    Ok(Checked::Caller(KeyCaller { me, scope: listed.scope }))
}
