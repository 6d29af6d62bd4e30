//! The SQLite side every room shares: [`Db`], the object's database with
//! its statements counted (the benchmark reads the counts, see
//! [`Counts`]); the tables of held messages, sanctions and the site's
//! settings as last seen (so the rules survive hibernation); and the
//! [`RoomStore`](super::store::RoomStore) parts both rooms implement the same way.

use std::cell::Cell;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::moderation_case::SanctionRecord;
use shared::site::SiteConfig;
use worker::{SqlStorage, SqlStorageValue};

use shared::moderation::Earlier;

use super::memory::HISTORY;
use super::store::{Recent, StoreError};
use super::Held;

/// Work an object did since it woke: SQLite statements that read, that
/// wrote, calls to other objects, and client frames handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Statements that read.
    pub reads: u64,
    /// Statements that wrote.
    pub writes: u64,
    /// Requests to other Durable Objects.
    pub calls: u64,
    /// Client frames handled.
    pub frames: u64,
}

/// The object's database, counting what it runs.
pub struct Db {
    sql: SqlStorage,
    counts: Cell<Counts>,
}

impl Db {
    /// Wraps the object's database.
    pub fn new(sql: SqlStorage) -> Self {
        Self { sql, counts: Cell::new(Counts::default()) }
    }

    /// The uncounted database (schema changes when the object starts).
    pub fn raw(&self) -> &SqlStorage {
        &self.sql
    }

    fn bump(&self, f: impl FnOnce(&mut Counts)) {
        let mut c = self.counts.get();
        f(&mut c);
        self.counts.set(c);
    }

    /// Runs a query and reads its rows.
    pub fn read<T: DeserializeOwned>(&self, query: &str, params: Vec<SqlStorageValue>) -> Result<Vec<T>, StoreError> {
        self.bump(|c| c.reads += 1);
        Ok(self.sql.exec(query, params)?.to_array()?)
    }

    /// Runs a statement that writes; the rows written (its indexes' count
    /// too, as Cloudflare bills them: 0 means nothing was written).
    pub fn write(&self, query: &str, params: Vec<SqlStorageValue>) -> Result<usize, StoreError> {
        self.bump(|c| c.writes += 1);
        Ok(self.sql.exec(query, params)?.rows_written())
    }

    /// Counts a request to another object.
    pub fn called(&self) {
        self.bump(|c| c.calls += 1);
    }

    /// Counts a client frame.
    pub fn framed(&self) {
        self.bump(|c| c.frames += 1);
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        self.counts.get()
    }
}

/// The rows of the room's `messages` table (bench only: what retention left).
pub fn message_rows(db: &Db) -> Result<u64, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        n: u64,
    }
    Ok(db.read::<Row>("SELECT count(*) AS n FROM messages", vec![])?.first().map_or(0, |r| r.n))
}

/// An integer parameter.
pub fn int(n: u64) -> SqlStorageValue {
    SqlStorageValue::from(n as i64)
}

/// Adds a column to a table unless it has it (schema migrations).
pub fn add_column(sql: &SqlStorage, table: &str, column: &str, decl: &str) -> worker::Result<()> {
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let query = format!("SELECT COUNT(*) AS n FROM pragma_table_info('{table}') WHERE name = ?");
    let has: Count = sql.exec(&query, vec![column.into()])?.one()?;
    if has.n == 0 {
        sql.exec(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"), None)?;
    }
    Ok(())
}

/// The room's own tables: held messages, sanctions known here, the
/// site's settings as last seen, and reports not yet filed.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS held (
            member TEXT NOT NULL,
            client_id TEXT NOT NULL,
            name TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (member, client_id)
        )",
        None,
    )?;
    add_column(sql, "held", "event", "TEXT")?;
    add_column(sql, "held", "detail", "TEXT")?;
    sql.exec("CREATE TABLE IF NOT EXISTS sanctions (member TEXT NOT NULL, json TEXT NOT NULL)", None)?;
    sql.exec(super::reports::SCHEMA, None)?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS settings (one INTEGER PRIMARY KEY CHECK (one = 1), version INTEGER NOT NULL, json TEXT NOT NULL)",
        None,
    )?;
    Ok(())
}

/// The site's settings as this room last saw them, with their version.
pub fn settings(db: &Db) -> Result<Option<(u64, SiteConfig)>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        version: u64,
        json: String,
    }
    let rows: Vec<Row> = db.read("SELECT version, json FROM settings WHERE one = 1", vec![])?;
    rows.into_iter().next().map(|r| Ok((r.version, serde_json::from_str(&r.json)?))).transpose()
}

/// Keeps the site's settings (and their version) for the next wake.
pub fn save_settings(db: &Db, version: u64, config: &SiteConfig) -> Result<(), StoreError> {
    db.write(
        "INSERT INTO settings (one, version, json) VALUES (1, ?, ?) \
         ON CONFLICT (one) DO UPDATE SET version = excluded.version, json = excluded.json",
        vec![int(version), serde_json::to_string(config)?.into()],
    )
    .map(drop)
}

/// Keeps a held message.
pub fn hold(db: &Db, h: &Held) -> Result<(), StoreError> {
    db.write(
        "INSERT INTO held (member, client_id, name, text, at, reason, event, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT DO NOTHING",
        vec![
            h.member.as_str().into(),
            h.client_id.as_str().into(),
            h.name.as_str().into(),
            h.text.as_str().into(),
            int(h.at),
            h.reason.as_str().into(),
            h.event.as_deref().into(),
            h.detail.as_deref().into(),
        ],
    )
    .map(drop)
}

/// Removes and returns a held message.
pub fn take_held(db: &Db, member: &str, client_id: &str) -> Result<Option<Held>, StoreError> {
    let rows: Vec<Held> = db.read(
        "SELECT member, client_id, name, text, at, reason, event, detail FROM held WHERE member = ? AND client_id = ?",
        vec![member.into(), client_id.into()],
    )?;
    db.write("DELETE FROM held WHERE member = ? AND client_id = ?", vec![member.into(), client_id.into()])?;
    Ok(rows.into_iter().next())
}

/// `member`'s held messages, oldest first.
pub fn held_of(db: &Db, member: &str) -> Result<Vec<Held>, StoreError> {
    db.read(
        "SELECT member, client_id, name, text, at, reason, event, detail FROM held WHERE member = ? ORDER BY at",
        vec![member.into()],
    )
}

/// Every sanction this room knows.
pub fn sanctions(db: &Db) -> Result<Vec<SanctionRecord>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        json: String,
    }
    let rows: Vec<Row> = db.read("SELECT json FROM sanctions", vec![])?;
    Ok(rows.into_iter().filter_map(|r| serde_json::from_str(&r.json).ok()).collect())
}

/// Forgets sanctions that ended before `now_ms` (a channel's retention:
/// its many members' mutes would otherwise stay).
pub fn purge_sanctions(db: &Db, now_ms: u64) -> Result<(), StoreError> {
    let query =
        "DELETE FROM sanctions WHERE json_extract(json, '$.until') IS NOT NULL AND json_extract(json, '$.until') <= ?";
    db.write(query, vec![int(now_ms)])?;
    Ok(())
}

/// Replaces `member`'s sanctions.
pub fn set_sanctions(db: &Db, member: &str, records: &[SanctionRecord]) -> Result<(), StoreError> {
    db.write("DELETE FROM sanctions WHERE member = ?", vec![member.into()])?;
    for r in records {
        let json = serde_json::to_string(r)?;
        db.write("INSERT INTO sanctions (member, json) VALUES (?, ?)", vec![member.into(), json.into()])?;
    }
    Ok(())
}

/// `text, at` of a stored message.
#[derive(Deserialize)]
struct TextAt {
    text: String,
    at: u64,
}

/// `at` of a stored message.
#[derive(Deserialize)]
struct At {
    at: u64,
}

/// A member's recent activity, from three queries over the room's
/// messages — `texts` (`text, at`, newest first, `LIMIT ?`), `sent` and
/// `events` (`at` since `?`, newest first, `LIMIT ?`; `None`: the room has
/// no events) — each taking `first` before those parameters — and the
/// held table.
pub fn recent(
    db: &Db,
    member: &str,
    first: &[&str],
    [texts, sent, events]: [Option<&str>; 3],
    since: u64,
    limit: usize,
) -> Result<Recent, StoreError> {
    let with = |rest: Vec<SqlStorageValue>| {
        let mut params: Vec<SqlStorageValue> = first.iter().map(|p| (*p).into()).collect();
        params.extend(rest);
        params
    };
    let mut earlier: Vec<TextAt> = db.read(texts.unwrap_or_default(), with(vec![int(HISTORY as u64)]))?;
    let mut times: Vec<u64> = db
        .read::<At>(sent.unwrap_or_default(), with(vec![int(since), int(limit as u64)]))?
        .into_iter()
        .map(|r| r.at)
        .collect();
    let events = match events {
        Some(query) => {
            db.read::<At>(query, with(vec![int(since), int(limit as u64)]))?.into_iter().map(|r| r.at).collect()
        }
        None => Vec::new(),
    };
    let held = held_of(db, member)?;
    earlier.extend(held.iter().map(|h| TextAt { text: h.text.clone(), at: h.at }));
    earlier.sort_by_key(|t| t.at);
    let skip = earlier.len().saturating_sub(HISTORY);
    times.extend(held.iter().map(|h| h.at).filter(|at| *at >= since));
    times.sort_unstable();
    let skip_times = times.len().saturating_sub(limit);
    Ok(Recent {
        texts: earlier.into_iter().skip(skip).map(|t| Earlier { text: t.text, at: t.at }).collect(),
        sent: times.split_off(skip_times),
        held: held.iter().map(|h| (h.client_id.clone(), h.told())).collect(),
        events,
    })
}
