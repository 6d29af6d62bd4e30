//! The stats part (`<site>/stats`): the facts of each closed conversation
//! (`shared::metrics::Facts`, with its adherence grade), filed by the
//! conversation as it closes — one call per close, none per message — and
//! read by the performance page, which gets the period's report computed
//! here. Retention: a row is replaced when its conversation closes again
//! and deleted once it started more than [`KEEP_DAYS`] days ago (swept at
//! each filing, through the index on `started_at`).

use serde::Deserialize;
use shared::metrics::{Facts, DAY_MS};
use worker::SqlStorage;

use crate::room::sql::int;

/// How long facts are kept, in days (a year and a month: a year's trend).
pub const KEEP_DAYS: u64 = 400;
/// The most conversations one report reads.
const MOST: u64 = 50_000;

/// Creates the table if it is missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS facts (conversation TEXT PRIMARY KEY, started_at INTEGER NOT NULL,
            operator TEXT, json TEXT NOT NULL)",
        None,
    )?;
    sql.exec("CREATE INDEX IF NOT EXISTS facts_by_start ON facts (started_at)", None)?;
    Ok(())
}

/// Files a closed conversation's facts (again: replaced) and forgets those
/// past retention at `now`.
pub fn file(sql: &SqlStorage, conversation: &str, facts: &Facts, now: u64) -> worker::Result<()> {
    let started = facts.started_at.unwrap_or(now);
    sql.exec(
        "INSERT INTO facts (conversation, started_at, operator, json) VALUES (?, ?, ?, ?)
         ON CONFLICT (conversation) DO UPDATE SET started_at = excluded.started_at,
           operator = excluded.operator, json = excluded.json",
        vec![conversation.into(), int(started), facts.operator.as_deref().into(), serde_json::to_string(facts)?.into()],
    )?;
    sql.exec("DELETE FROM facts WHERE started_at < ?", vec![int(now.saturating_sub(KEEP_DAYS * DAY_MS))])?;
    Ok(())
}

/// The facts of conversations that started from `since` on (ms), of one
/// operator or everyone's.
pub fn since(sql: &SqlStorage, since: u64, operator: Option<&str>) -> worker::Result<Vec<Facts>> {
    #[derive(Deserialize)]
    struct Row {
        json: String,
    }
    let rows: Vec<Row> = match operator {
        Some(name) => sql
            .exec(
                "SELECT json FROM facts WHERE started_at >= ? AND operator = ? ORDER BY started_at LIMIT ?",
                vec![int(since), name.into(), int(MOST)],
            )?
            .to_array()?,
        None => sql
            .exec(
                "SELECT json FROM facts WHERE started_at >= ? ORDER BY started_at LIMIT ?",
                vec![int(since), int(MOST)],
            )?
            .to_array()?,
    };
    Ok(rows.into_iter().filter_map(|r| serde_json::from_str(&r.json).ok()).collect())
}
