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

/// Counts an attempt under `key`: `Err(ms)` until the next is allowed (the
/// refused one is not counted). The first `free` attempts in the last
/// `window_ms` go at once; with `slow_ms` 0 that is all, otherwise each
/// later one must wait `slow_ms`, doubled for every attempt past `free`
/// (at most the window) after the one before.
pub fn attempt(
    sql: &SqlStorage,
    key: &str,
    free: usize,
    slow_ms: u64,
    window_ms: u64,
    now: u64,
) -> worker::Result<Result<(), u64>> {
    sql.exec("DELETE FROM attempts WHERE key = ? AND at <= ?", vec![key.into(), int(now.saturating_sub(window_ms))])?;
    #[derive(Deserialize)]
    struct Row {
        at: i64,
    }
    let rows: Vec<Row> =
        sql.exec("SELECT at FROM attempts WHERE key = ? ORDER BY at ASC", vec![key.into()])?.to_array()?;
    if let Some(wait) = wait_ms(&rows.iter().map(|r| r.at as u64).collect::<Vec<_>>(), free, slow_ms, window_ms, now) {
        return Ok(Err(wait));
    }
    sql.exec(
        "INSERT INTO attempts (key, at, until) VALUES (?, ?, ?)",
        vec![key.into(), int(now), int(now + window_ms)],
    )?;
    Ok(Ok(()))
}

/// How long the next attempt must wait, given the window's attempts (oldest first).
pub fn wait_ms(at: &[u64], free: usize, slow_ms: u64, window_ms: u64, now: u64) -> Option<u64> {
    if at.len() < free {
        return None;
    }
    let wait = if slow_ms == 0 {
        at.first().map_or(now, |a| *a) + window_ms
    } else {
        let doubled = slow_ms.saturating_mul(1u64 << (at.len() - free).min(40));
        at.last().map_or(now, |a| *a) + doubled.min(window_ms)
    };
    (wait > now).then(|| wait - now)
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

#[cfg(test)]
mod tests {
    use super::wait_ms;

    #[test]
    fn past_the_free_attempts_each_waits_twice_as_long_up_to_the_window() {
        let window = 900_000;
        // Fixed: five in the window, then none until the oldest leaves it.
        assert_eq!(wait_ms(&[10, 20, 30, 40], 5, 0, window, 50), None);
        assert_eq!(wait_ms(&[10, 20, 30, 40, 50], 5, 0, window, 60), Some(window - 50));
        // Slow: the sixth waits 2 s after the fifth, the seventh 4 s, ...
        let five = [0, 1, 2, 3, 4];
        assert_eq!(wait_ms(&five, 5, 2_000, window, 1_004), Some(1_000));
        assert_eq!(wait_ms(&five, 5, 2_000, window, 2_004), None);
        let six = [0, 1, 2, 3, 4, 2_004];
        assert_eq!(wait_ms(&six, 5, 2_000, window, 2_005), Some(3_999));
        assert_eq!(wait_ms(&six, 5, 2_000, window, 6_004), None);
        // However many, never longer than the window.
        let many: Vec<u64> = (0..60).collect();
        assert_eq!(wait_ms(&many, 5, 2_000, window, 59), Some(window));
    }
}
