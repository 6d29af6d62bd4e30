//! Reports a room files with its site's Inbox, kept in the room's own
//! storage first: the row is written before the sender's answer goes out
//! (the output gate holds the answer until the write is durable), and
//! deleted once the Inbox has taken the report. A report the Inbox did not
//! take — it did not answer, or the process died in between — is filed
//! again on the next report, before a customer's admission (so a mute the
//! room applied is not undone by the site's older list), and on an alarm
//! set for the purpose. The Inbox takes the same report twice as once.

use std::time::Duration;

use serde::Deserialize;
use shared::moderation_case::Report;
use worker::Storage;

use super::sql::{int, Db};
use super::store::StoreError;

/// How soon a report the Inbox did not take is filed again.
pub const RETRY_MS: u64 = 30_000;

/// The table of reports not yet taken by the Inbox (bounded: a row lives
/// until the Inbox answers).
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS unfiled (id INTEGER PRIMARY KEY, json TEXT NOT NULL)";

/// Keeps a report until the Inbox takes it.
pub fn keep(db: &Db, report: &Report) -> Result<(), StoreError> {
    db.write("INSERT INTO unfiled (json) VALUES (?)", vec![serde_json::to_string(report)?.into()]).map(drop)
}

/// The reports kept, oldest first, with their row ids.
pub fn unfiled(db: &Db) -> Result<Vec<(u64, Report)>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        id: u64,
        json: String,
    }
    let rows: Vec<Row> = db.read("SELECT id, json FROM unfiled ORDER BY id", vec![])?;
    Ok(rows.into_iter().filter_map(|r| Some((r.id, serde_json::from_str(&r.json).ok()?))).collect())
}

/// Forgets a report the Inbox took.
pub fn filed(db: &Db, id: u64) -> Result<(), StoreError> {
    db.write("DELETE FROM unfiled WHERE id = ?", vec![int(id)]).map(drop)
}

/// Makes sure the object's alarm comes within [`RETRY_MS`] (an earlier
/// alarm is left as it is; each room's alarm files what is left).
pub async fn retry_soon(storage: &Storage, now: u64) -> worker::Result<()> {
    match storage.get_alarm().await? {
        Some(at) if (at.max(0) as u64) <= now + RETRY_MS => Ok(()),
        _ => storage.set_alarm(Duration::from_millis(RETRY_MS)).await,
    }
}
