//! The Index object's SQLite tables: claims (key → organisation, account)
//! and sign-in attempts (key, when, until when they count).

use serde::Deserialize;
use worker::SqlStorage;

use crate::calls::index::Claim;
use crate::room::sql::int;

/// Creates the tables if they are missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    for ddl in [
        "CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, org TEXT NOT NULL, account TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS attempts (key TEXT NOT NULL, at INTEGER NOT NULL, until INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS attempts_by_key ON attempts (key, at)",
        "CREATE INDEX IF NOT EXISTS attempts_by_until ON attempts (until)",
    ] {
        sql.exec(ddl, None)?;
    }
    Ok(())
}

/// Claims a key: `false` if another organisation holds it.
pub fn claim(sql: &SqlStorage, c: &Claim) -> worker::Result<bool> {
    sql.exec(
        "INSERT INTO claims (key, org, account) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
        vec![c.key.as_str().into(), c.org.as_str().into(), c.account.as_str().into()],
    )?;
    Ok(find(sql, &c.key)?.is_some_and(|held| held.org == c.org))
}

/// Up to 500 claimed keys starting with `prefix`, after `after` (in key order).
pub fn keys(sql: &SqlStorage, prefix: &str, after: &str) -> worker::Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        key: String,
    }
    let rows: Vec<Row> = sql
        .exec(
            "SELECT key FROM claims WHERE key > ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT 500",
            vec![after.into(), prefix.into(), prefix.into()],
        )?
        .to_array()?;
    Ok(rows.into_iter().map(|r| r.key).collect())
}

/// Gives up `org`'s claim on `key`.
pub fn release(sql: &SqlStorage, key: &str, org: &str) -> worker::Result<()> {
    sql.exec("DELETE FROM claims WHERE key = ? AND org = ?", vec![key.into(), org.into()])?;
    Ok(())
}

/// Who holds `key`.
pub fn find(sql: &SqlStorage, key: &str) -> worker::Result<Option<Claim>> {
    let rows: Vec<Claim> =
        sql.exec("SELECT key, org, account FROM claims WHERE key = ?", vec![key.into()])?.to_array()?;
    Ok(rows.into_iter().next())
}

/// Counts an attempt under `key`: `Err(ms)` until the next is allowed when
/// `limit` attempts were made in the last `window_ms` (the refused one is
/// not counted).
pub fn attempt(sql: &SqlStorage, key: &str, limit: usize, window_ms: u64, now: u64) -> worker::Result<Result<(), u64>> {
    sql.exec("DELETE FROM attempts WHERE key = ? AND at <= ?", vec![key.into(), int(now.saturating_sub(window_ms))])?;
    #[derive(Deserialize)]
    struct Row {
        at: i64,
    }
    let rows: Vec<Row> =
        sql.exec("SELECT at FROM attempts WHERE key = ? ORDER BY at ASC", vec![key.into()])?.to_array()?;
    if rows.len() >= limit {
        let oldest = rows.first().map_or(now, |r| r.at as u64);
        return Ok(Err((oldest + window_ms).saturating_sub(now).max(1)));
    }
    sql.exec(
        "INSERT INTO attempts (key, at, until) VALUES (?, ?, ?)",
        vec![key.into(), int(now), int(now + window_ms)],
    )?;
    Ok(Ok(()))
}

/// Forgets `key`'s attempts.
pub fn clear_attempts(sql: &SqlStorage, key: &str) -> worker::Result<()> {
    sql.exec("DELETE FROM attempts WHERE key = ?", vec![key.into()])?;
    Ok(())
}

#[derive(Deserialize)]
struct Count {
    n: u64,
}

/// Attempt rows kept.
pub fn attempts(sql: &SqlStorage) -> worker::Result<u64> {
    Ok(sql.exec("SELECT count(*) AS n FROM attempts", None)?.one::<Count>()?.n)
}

/// Deletes the attempts that no longer count; when the next one expires, if any is left.
pub fn purge(sql: &SqlStorage, now: u64) -> worker::Result<Option<u64>> {
    sql.exec("DELETE FROM attempts WHERE until <= ?", vec![int(now)])?;
    #[derive(Deserialize)]
    struct Next {
        at: Option<i64>,
    }
    let next: Next = sql.exec("SELECT min(until) AS at FROM attempts", None)?.one()?;
    Ok(next.at.map(|at| at as u64))
}
