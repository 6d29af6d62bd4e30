//! The Conversation object's SQLite schema and its [`MessageStore`].

use serde::{Deserialize, Serialize};
use shared::{ChatMessage, Role};
use worker::{SqlStorage, SqlStorageValue};

use super::core::{MessageStore, StoreError};

/// Creates the tables if they are missing (cheap; runs on every wake-up).
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            conversation TEXT NOT NULL,
            site TEXT NOT NULL,
            token_digest TEXT NOT NULL,
            created_at INTEGER NOT NULL
        )",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS messages (
            seq INTEGER PRIMARY KEY,
            author TEXT NOT NULL,
            client_id TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            UNIQUE (author, client_id)
        )",
        None,
    )?;
    Ok(())
}

/// The conversation's identity, written once by `/init`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// The conversation id.
    pub conversation: String,
    /// The site it belongs to.
    pub site: String,
    /// SHA-256 of the customer's token.
    pub token_digest: String,
    /// When it was created (ms since the Unix epoch).
    pub created_at: u64,
}

/// Reads the conversation's identity; `None` if it was never created.
pub fn read_meta(sql: &SqlStorage) -> worker::Result<Option<Meta>> {
    let rows: Vec<Meta> =
        sql.exec("SELECT conversation, site, token_digest, created_at FROM meta WHERE one = 1", None)?.to_array()?;
    Ok(rows.into_iter().next())
}

/// Writes the conversation's identity unless it exists; `false` if it did.
pub fn write_meta(sql: &SqlStorage, meta: &Meta) -> worker::Result<bool> {
    let cursor = sql.exec(
        "INSERT INTO meta (one, conversation, site, token_digest, created_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (one) DO NOTHING",
        vec![
            meta.conversation.as_str().into(),
            meta.site.as_str().into(),
            meta.token_digest.as_str().into(),
            SqlStorageValue::from(meta.created_at as i64),
        ],
    )?;
    Ok(cursor.rows_written() > 0)
}

/// A [`MessageStore`] over the object's SQLite database.
pub struct SqlStore<'a>(pub &'a SqlStorage);

#[derive(Deserialize)]
struct Row {
    seq: u64,
    author: String,
    client_id: String,
    text: String,
    at: u64,
}

impl Row {
    fn into_message(self) -> Result<ChatMessage, StoreError> {
        let author = match self.author.as_str() {
            "customer" => Role::Customer,
            "operator" => Role::Operator,
            other => return Err(StoreError(format!("unknown author {other:?}"))),
        };
        Ok(ChatMessage { seq: self.seq, client_id: self.client_id, author, text: self.text, at: self.at })
    }
}

fn author_column(role: Role) -> &'static str {
    match role {
        Role::Customer => "customer",
        Role::Operator => "operator",
    }
}

fn store_err(e: worker::Error) -> StoreError {
    StoreError(e.to_string())
}

impl SqlStore<'_> {
    fn rows(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Result<Vec<ChatMessage>, StoreError> {
        let rows: Vec<Row> = self.0.exec(query, bindings).and_then(|c| c.to_array()).map_err(store_err)?;
        rows.into_iter().map(Row::into_message).collect()
    }
}

impl MessageStore for SqlStore<'_> {
    fn find(&self, author: Role, client_id: &str) -> Result<Option<ChatMessage>, StoreError> {
        let rows = self.rows(
            "SELECT seq, author, client_id, text, at FROM messages WHERE author = ? AND client_id = ?",
            vec![author_column(author).into(), client_id.into()],
        )?;
        Ok(rows.into_iter().next())
    }

    fn last_seq(&self) -> Result<u64, StoreError> {
        #[derive(Deserialize)]
        struct Last {
            last: u64,
        }
        let last: Last = self
            .0
            .exec("SELECT COALESCE(MAX(seq), 0) AS last FROM messages", None)
            .and_then(|c| c.one())
            .map_err(store_err)?;
        Ok(last.last)
    }

    fn insert(&self, m: &ChatMessage) -> Result<(), StoreError> {
        self.0
            .exec(
                "INSERT INTO messages (seq, author, client_id, text, at) VALUES (?, ?, ?, ?, ?)",
                vec![
                    SqlStorageValue::from(m.seq as i64),
                    author_column(m.author).into(),
                    m.client_id.as_str().into(),
                    m.text.as_str().into(),
                    SqlStorageValue::from(m.at as i64),
                ],
            )
            .map(drop)
            .map_err(store_err)
    }

    fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
        self.rows(
            "SELECT seq, author, client_id, text, at FROM messages WHERE seq > ? ORDER BY seq LIMIT ?",
            vec![SqlStorageValue::from(after as i64), SqlStorageValue::from(limit as i64)],
        )
    }
}
