//! The Channel object's SQLite schema and its [`MessageStore`]: messages
//! carry their sender's member id and name, and a client id is unique per
//! member (not per role, as many customers share the customer role).

use serde::Deserialize;
use shared::WireName;
use shared::{ChatMessage, Role};
use worker::{SqlStorage, SqlStorageValue};

use crate::conversation::core::{MessageStore, StoreError};

/// Creates the tables if they are missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (one INTEGER PRIMARY KEY CHECK (one = 1), site TEXT NOT NULL, channel TEXT NOT NULL)",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS messages (
            seq INTEGER PRIMARY KEY,
            member TEXT NOT NULL,
            name TEXT NOT NULL,
            author TEXT NOT NULL,
            client_id TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            UNIQUE (member, client_id)
        )",
        None,
    )?;
    crate::room::ensure_schema(sql)
}

/// Which site and channel this object is (written by the first socket).
#[derive(Debug, Clone, Deserialize)]
pub struct Meta {
    /// The site.
    pub site: String,
    /// The channel id.
    pub channel: String,
}

/// Reads the identity.
pub fn read_meta(sql: &SqlStorage) -> worker::Result<Option<Meta>> {
    let rows: Vec<Meta> = sql.exec("SELECT site, channel FROM meta WHERE one = 1", None)?.to_array()?;
    Ok(rows.into_iter().next())
}

/// Writes the identity unless it exists.
pub fn write_meta(sql: &SqlStorage, site: &str, channel: &str) -> worker::Result<()> {
    sql.exec(
        "INSERT INTO meta (one, site, channel) VALUES (1, ?, ?) ON CONFLICT (one) DO NOTHING",
        vec![site.into(), channel.into()],
    )?;
    Ok(())
}

/// `text, at` of one member's newest messages (for [`crate::room::history`]).
pub const HISTORY_QUERY: &str = "SELECT text, at FROM messages WHERE member = ? ORDER BY seq DESC LIMIT ?";

/// The messages of one channel, written as one member.
pub struct ChannelStore<'a> {
    /// The database.
    pub sql: &'a SqlStorage,
    /// The writer's member id (`""` for moderators).
    pub member: &'a str,
    /// The writer's display name.
    pub name: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    seq: u64,
    member: String,
    name: String,
    author: Role,
    client_id: String,
    text: String,
    at: u64,
}

impl Row {
    fn into_message(self) -> ChatMessage {
        ChatMessage {
            seq: self.seq,
            client_id: self.client_id,
            author: self.author,
            text: self.text,
            at: self.at,
            event: None,
            name: Some(self.name),
            from: (!self.member.is_empty()).then_some(self.member),
        }
    }
}

const COLUMNS: &str = r#"seq, member, name, author, client_id AS "clientId", text, at"#;

fn err(e: worker::Error) -> StoreError {
    StoreError(e.to_string())
}

impl ChannelStore<'_> {
    fn rows(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Result<Vec<ChatMessage>, StoreError> {
        let rows: Vec<Row> = self.sql.exec(query, bindings).and_then(|c| c.to_array()).map_err(err)?;
        Ok(rows.into_iter().map(Row::into_message).collect())
    }
}

impl MessageStore for ChannelStore<'_> {
    fn sender(&self) -> (Option<String>, Option<String>) {
        (Some(self.name.to_owned()), (!self.member.is_empty()).then(|| self.member.to_owned()))
    }

    fn find(&self, _author: Role, client_id: &str) -> Result<Option<ChatMessage>, StoreError> {
        let query = format!("SELECT {COLUMNS} FROM messages WHERE member = ? AND client_id = ?");
        Ok(self.rows(&query, vec![self.member.into(), client_id.into()])?.into_iter().next())
    }

    fn last_seq(&self) -> Result<u64, StoreError> {
        #[derive(Deserialize)]
        struct Last {
            last: u64,
        }
        let last: Last = self
            .sql
            .exec("SELECT COALESCE(MAX(seq), 0) AS last FROM messages", None)
            .and_then(|c| c.one())
            .map_err(err)?;
        Ok(last.last)
    }

    fn insert(&self, m: &ChatMessage) -> Result<(), StoreError> {
        self.sql
            .exec(
                "INSERT INTO messages (seq, member, name, author, client_id, text, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    SqlStorageValue::from(m.seq as i64),
                    self.member.into(),
                    self.name.into(),
                    m.author.as_str().into(),
                    m.client_id.as_str().into(),
                    m.text.as_str().into(),
                    SqlStorageValue::from(m.at as i64),
                ],
            )
            .map(drop)
            .map_err(err)
    }

    fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
        let query = format!("SELECT {COLUMNS} FROM messages WHERE seq > ? ORDER BY seq LIMIT ?");
        self.rows(&query, vec![SqlStorageValue::from(after as i64), SqlStorageValue::from(limit as i64)])
    }
}
