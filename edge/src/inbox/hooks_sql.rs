//! The hooks part's tables: the site's endpoints (`hooks`: address,
//! events, signing secret) and their deliveries (`deliveries`: one row per
//! event and endpoint, unique by both, with the body as first built, the
//! attempts, the next attempt's time while pending, the last status).
//! Kept: a finished delivery 7 days, and at most the newest 10,000. The
//! list part keeps the events wanted (`hooks_wanted`), so a site without
//! webhooks costs its notices nothing.

use serde::Deserialize;
use shared::webhooks::{Delivery, DeliveryState, Hook, HookEvent};
use worker::{SqlStorage, SqlStorageValue};

use crate::room::sql::int;

/// How long a finished delivery stays in the log.
pub const KEEP_MS: u64 = 7 * 24 * 3_600_000;
/// The most deliveries kept.
pub const KEEP_ROWS: u64 = 10_000;

/// Creates the tables if they are missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS hooks (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT NOT NULL
        )",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS deliveries (
            id INTEGER PRIMARY KEY,
            hook TEXT NOT NULL,
            event TEXT NOT NULL,
            event_id TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER,
            status INTEGER,
            error TEXT,
            delivered_at INTEGER,
            replay INTEGER NOT NULL DEFAULT 0
        )",
        None,
    )?;
    // An event once per endpoint (replays are rows of their own).
    sql.exec(
        "CREATE UNIQUE INDEX IF NOT EXISTS deliveries_once ON deliveries (hook, event_id) WHERE replay = 0",
        None,
    )?;
    sql.exec("CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_at) WHERE next_at IS NOT NULL", None)?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS hooks_wanted (one INTEGER PRIMARY KEY CHECK (one = 1), events TEXT NOT NULL)",
        None,
    )?;
    Ok(())
}

fn events_of(joined: &str) -> Vec<HookEvent> {
    joined.split(',').filter_map(HookEvent::parse).collect()
}

fn joined(events: &[HookEvent]) -> String {
    events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",")
}

#[derive(Deserialize)]
struct HookRow {
    id: String,
    url: String,
    events: String,
    created_at: u64,
    created_by: String,
}

impl HookRow {
    fn hook(self) -> Hook {
        let events = events_of(&self.events);
        Hook { id: self.id, url: self.url, events, created_at: self.created_at, created_by: self.created_by }
    }
}

fn hook_rows(sql: &SqlStorage) -> worker::Result<Vec<HookRow>> {
    sql.exec("SELECT id, url, events, created_at, created_by FROM hooks ORDER BY created_at", None)?.to_array()
}

/// The endpoints, oldest first.
pub fn hooks(sql: &SqlStorage) -> worker::Result<Vec<Hook>> {
    Ok(hook_rows(sql)?.into_iter().map(HookRow::hook).collect())
}

/// Keeps a new endpoint.
pub fn add(sql: &SqlStorage, hook: &Hook, secret: &str) -> worker::Result<()> {
    sql.exec(
        "INSERT INTO hooks (id, url, events, secret, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            hook.id.as_str().into(),
            hook.url.as_str().into(),
            joined(&hook.events).into(),
            secret.into(),
            int(hook.created_at),
            hook.created_by.as_str().into(),
        ],
    )?;
    Ok(())
}

/// Removes an endpoint and its deliveries; `false`: no such endpoint.
pub fn remove(sql: &SqlStorage, id: &str) -> worker::Result<bool> {
    let gone = sql.exec("DELETE FROM hooks WHERE id = ?", vec![id.into()])?.rows_written() > 0;
    sql.exec("DELETE FROM deliveries WHERE hook = ?", vec![id.into()])?;
    Ok(gone)
}

/// The events any endpoint wants.
pub fn wanted_by_hooks(sql: &SqlStorage) -> worker::Result<Vec<HookEvent>> {
    let mut all: Vec<HookEvent> = hooks(sql)?.into_iter().flat_map(|h| h.events).collect();
    all.sort();
    all.dedup();
    Ok(all)
}

/// The list part's copy of the events wanted.
pub fn wanted(sql: &SqlStorage) -> worker::Result<Vec<HookEvent>> {
    #[derive(Deserialize)]
    struct Row {
        events: String,
    }
    let rows: Vec<Row> = sql.exec("SELECT events FROM hooks_wanted", None)?.to_array()?;
    Ok(rows.first().map(|r| events_of(&r.events)).unwrap_or_default())
}

/// Keeps the list part's copy of the events wanted.
pub fn set_wanted(sql: &SqlStorage, events: &[HookEvent]) -> worker::Result<()> {
    sql.exec(
        "INSERT INTO hooks_wanted (one, events) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET events = excluded.events",
        vec![joined(events).into()],
    )?;
    Ok(())
}

/// A delivery for each endpoint that wants `event` (once per endpoint
/// and event id), due `now`; how many rows were new.
pub fn enqueue(sql: &SqlStorage, event: HookEvent, id: &str, body: &str, at: u64, now: u64) -> worker::Result<usize> {
    let mut made = 0;
    for hook in hook_rows(sql)?.into_iter().filter(|h| events_of(&h.events).contains(&event)) {
        let cursor = sql.exec(
            "INSERT OR IGNORE INTO deliveries (hook, event, event_id, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)",
            vec![hook.id.as_str().into(), event.as_str().into(), id.into(), body.into(), int(at), int(now)],
        )?;
        made += cursor.rows_written().min(1);
    }
    Ok(made)
}

/// A delivery due, with where it goes and how it is signed.
#[derive(Debug, Deserialize)]
pub struct Due {
    /// The delivery.
    pub id: u64,
    /// The endpoint's address.
    pub url: String,
    /// Its secret.
    pub secret: String,
    /// The event.
    pub event: String,
    /// The body.
    pub body: String,
    /// Attempts before this one.
    pub attempts: u32,
}

/// At most `limit` deliveries due at `now`, oldest due first.
pub fn due(sql: &SqlStorage, now: u64, limit: usize) -> worker::Result<Vec<Due>> {
    sql.exec(
        "SELECT d.id AS id, h.url AS url, h.secret AS secret, d.event AS event, d.body AS body, d.attempts AS attempts
         FROM deliveries d JOIN hooks h ON h.id = d.hook
         WHERE d.next_at IS NOT NULL AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?",
        vec![int(now), int(limit as u64)],
    )?
    .to_array()
}

/// An attempt starts: counted, and due again at `lease` unless it ends
/// first (a Worker that stops mid-delivery delivers it again then).
pub fn start(sql: &SqlStorage, id: u64, lease: u64) -> worker::Result<()> {
    sql.exec("UPDATE deliveries SET attempts = attempts + 1, next_at = ? WHERE id = ?", vec![int(lease), int(id)])?;
    Ok(())
}

/// An attempt ended: delivered (`next` `None`, `delivered` set), to be
/// tried again at `next`, or failed for good (both `None`).
pub fn ended(
    sql: &SqlStorage,
    id: u64,
    status: Option<u16>,
    error: Option<&str>,
    next: Option<u64>,
    delivered: Option<u64>,
) -> worker::Result<()> {
    sql.exec(
        "UPDATE deliveries SET status = ?, error = ?, next_at = ?, delivered_at = ? WHERE id = ?",
        vec![
            status.map_or(SqlStorageValue::Null, |s| int(u64::from(s))),
            error.into(),
            next.map_or(SqlStorageValue::Null, int),
            delivered.map_or(SqlStorageValue::Null, int),
            int(id),
        ],
    )?;
    Ok(())
}

/// When the next delivery is due.
pub fn next_due(sql: &SqlStorage) -> worker::Result<Option<u64>> {
    #[derive(Deserialize)]
    struct Row {
        at: Option<u64>,
    }
    let rows: Vec<Row> =
        sql.exec("SELECT min(next_at) AS at FROM deliveries WHERE next_at IS NOT NULL", None)?.to_array()?;
    Ok(rows.first().and_then(|r| r.at))
}

#[derive(Deserialize)]
struct DeliveryRow {
    id: u64,
    hook: String,
    event: String,
    event_id: String,
    created_at: u64,
    attempts: u32,
    next_at: Option<u64>,
    status: Option<u16>,
    error: Option<String>,
    delivered_at: Option<u64>,
}

impl DeliveryRow {
    fn delivery(self) -> Option<Delivery> {
        let state = match (self.delivered_at, self.next_at) {
            (Some(_), _) => DeliveryState::Delivered,
            (None, Some(_)) => DeliveryState::Pending,
            (None, None) => DeliveryState::Failed,
        };
        Some(Delivery {
            id: self.id,
            hook: self.hook,
            event: HookEvent::parse(&self.event)?,
            event_id: self.event_id,
            created_at: self.created_at,
            attempts: self.attempts,
            state,
            status: self.status,
            error: self.error,
            next_at: self.next_at,
            delivered_at: self.delivered_at,
        })
    }
}

const DELIVERY: &str = "id, hook, event, event_id, created_at, attempts, next_at, status, error, delivered_at";

/// The newest 100 deliveries (of one endpoint).
pub fn deliveries(sql: &SqlStorage, hook: Option<&str>) -> worker::Result<Vec<Delivery>> {
    let rows: Vec<DeliveryRow> = match hook {
        Some(h) => sql.exec(
            &format!("SELECT {DELIVERY} FROM deliveries WHERE hook = ? ORDER BY id DESC LIMIT 100"),
            vec![h.into()],
        )?,
        None => sql.exec(&format!("SELECT {DELIVERY} FROM deliveries ORDER BY id DESC LIMIT 100"), None)?,
    }
    .to_array()?;
    Ok(rows.into_iter().filter_map(DeliveryRow::delivery).collect())
}

/// A delivery sent again: a new row with the same event and body, due
/// `now` (`None`: no such delivery).
pub fn replay(sql: &SqlStorage, id: u64, now: u64) -> worker::Result<Option<Delivery>> {
    let was: Vec<DeliveryRow> =
        sql.exec(&format!("SELECT {DELIVERY} FROM deliveries WHERE id = ?"), vec![int(id)])?.to_array()?;
    if was.is_empty() {
        return Ok(None);
    }
    sql.exec(
        "INSERT INTO deliveries (hook, event, event_id, body, created_at, next_at, replay)
         SELECT hook, event, event_id, body, created_at, ?, 1 FROM deliveries WHERE id = ?",
        vec![int(now), int(id)],
    )?;
    let rows: Vec<DeliveryRow> =
        sql.exec(&format!("SELECT {DELIVERY} FROM deliveries WHERE id = last_insert_rowid()"), None)?.to_array()?;
    Ok(rows.into_iter().next().and_then(DeliveryRow::delivery))
}

/// Retention: finished deliveries older than [`KEEP_MS`] go, and all but
/// the newest [`KEEP_ROWS`].
pub fn purge(sql: &SqlStorage, now: u64) -> worker::Result<()> {
    sql.exec(
        "DELETE FROM deliveries WHERE next_at IS NULL AND created_at < ?",
        vec![int(now.saturating_sub(KEEP_MS))],
    )?;
    sql.exec(
        "DELETE FROM deliveries WHERE id <= (SELECT id FROM deliveries ORDER BY id DESC LIMIT 1 OFFSET ?)",
        vec![int(KEEP_ROWS)],
    )?;
    Ok(())
}
