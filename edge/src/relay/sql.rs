//! The Relay object's one row: which channel it relays, which relay it
//! is (`n`), and the last sequence number it sent on (so a relay that woke
//! knows where its sockets are).

use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

/// Creates the table if it is missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (one INTEGER PRIMARY KEY CHECK (one = 1), site TEXT NOT NULL,
            channel TEXT NOT NULL, n INTEGER NOT NULL, last_seq INTEGER NOT NULL)",
        None,
    )?;
    Ok(())
}

/// The relay's identity and position.
#[derive(Debug, Clone, Deserialize)]
pub struct Meta {
    pub site: String,
    pub channel: String,
    pub last_seq: u64,
}

pub fn read_meta(sql: &SqlStorage) -> worker::Result<Option<Meta>> {
    Ok(sql.exec("SELECT site, channel, last_seq FROM meta WHERE one = 1", None)?.to_array()?.into_iter().next())
}

pub fn write_meta(sql: &SqlStorage, site: &str, channel: &str, n: u64) -> worker::Result<()> {
    sql.exec(
        "INSERT INTO meta (one, site, channel, n, last_seq) VALUES (1, ?, ?, ?, 0) ON CONFLICT (one) DO NOTHING",
        vec![site.into(), channel.into(), SqlStorageValue::from(n as i64)],
    )?;
    Ok(())
}

pub fn save_last_seq(sql: &SqlStorage, last_seq: u64) -> worker::Result<()> {
    sql.exec("UPDATE meta SET last_seq = ? WHERE one = 1", vec![SqlStorageValue::from(last_seq as i64)])?;
    Ok(())
}
