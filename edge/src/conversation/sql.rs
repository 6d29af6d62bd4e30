//! The Conversation object's SQLite schema and its [`MessageStore`].

use serde::{Deserialize, Serialize};
use shared::workflow::{Event, State};
use shared::WireName;
use shared::{ChatMessage, ConversationId, ConversationSummary, Role, SiteId};
use worker::{SqlStorage, SqlStorageValue};

use super::core::{MessageStore, StoreError, WorkflowStore};

/// Creates the tables if they are missing (cheap; runs on every wake-up).
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            conversation TEXT NOT NULL,
            site TEXT NOT NULL,
            token_digest TEXT NOT NULL,
            member TEXT NOT NULL DEFAULT '',
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
            event TEXT,
            UNIQUE (author, client_id)
        )",
        None,
    )?;
    // Databases created before workflows had no event column.
    crate::room::add_column(sql, "messages", "event", "TEXT")?;
    crate::room::add_column(sql, "meta", "member", "TEXT NOT NULL DEFAULT ''")?;
    // Tokens given to a verified customer's other browsers (digests).
    sql.exec("CREATE TABLE IF NOT EXISTS grants (digest TEXT PRIMARY KEY)", None)?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS workflow (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            state TEXT NOT NULL
        )",
        None,
    )?;
    Ok(())
}

/// Adds a token (its digest) for another browser of the verified customer.
pub fn add_grant(sql: &SqlStorage, digest: &str) -> worker::Result<()> {
    sql.exec("INSERT INTO grants (digest) VALUES (?) ON CONFLICT DO NOTHING", vec![digest.into()])?;
    Ok(())
}

/// Whether a token digest was granted to another browser.
pub fn granted(sql: &SqlStorage, digest: &str) -> worker::Result<bool> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        digest: String,
    }
    let rows: Vec<Row> = sql.exec("SELECT digest FROM grants WHERE digest = ?", vec![digest.into()])?.to_array()?;
    Ok(!rows.is_empty())
}

/// The conversation's identity, written once by `/init`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// The conversation id.
    pub conversation: ConversationId,
    /// The site it belongs to.
    pub site: SiteId,
    /// SHA-256 of the customer's token.
    pub token_digest: String,
    /// The customer's member id (from their visitor token): what sanctions
    /// are tied to.
    #[serde(default)]
    pub member: String,
    /// When it was created (ms since the Unix epoch).
    pub created_at: u64,
}

impl Meta {
    /// The conversation's inbox line, as of its newest message (`None`: no
    /// message yet) and its workflow state.
    pub fn summary(&self, newest: Option<&ChatMessage>, state: &State) -> ConversationSummary {
        ConversationSummary {
            id: self.conversation.clone(),
            site: self.site.clone(),
            last_seq: newest.map_or(0, |m| m.seq),
            last_author: newest.map(|m| m.author),
            preview: newest.map(|m| shared::protocol::preview(&m.text)).unwrap_or_default(),
            created_at: self.created_at,
            updated_at: newest.map_or(self.created_at, |m| m.at),
            workflow: state.workflow,
            step: state.done,
            team: state.team.clone(),
            assignee: state.assignee.clone(),
            outcome: state.outcome,
        }
    }
}

/// Reads the conversation's identity; `None` if it was never created.
pub fn read_meta(sql: &SqlStorage) -> worker::Result<Option<Meta>> {
    let rows: Vec<Meta> = sql
        .exec("SELECT conversation, site, token_digest, member, created_at FROM meta WHERE one = 1", None)?
        .to_array()?;
    Ok(rows.into_iter().next())
}

/// Writes the conversation's identity unless it exists; `false` if it did.
pub fn write_meta(sql: &SqlStorage, meta: &Meta) -> worker::Result<bool> {
    let cursor = sql.exec(
        "INSERT INTO meta (one, conversation, site, token_digest, member, created_at) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (one) DO NOTHING",
        vec![
            meta.conversation.as_str().into(),
            meta.site.as_str().into(),
            meta.token_digest.as_str().into(),
            meta.member.as_str().into(),
            SqlStorageValue::from(meta.created_at as i64),
        ],
    )?;
    Ok(cursor.rows_written() > 0)
}

/// A [`MessageStore`] over the object's SQLite database.
pub struct SqlStore<'a>(pub &'a SqlStorage);

/// The columns of a [`ChatMessage`], named as its fields on the wire, so a
/// row deserializes straight into a [`Row`] (an unknown author fails to).
const MESSAGE_COLUMNS: &str = r#"seq, author, client_id AS "clientId", text, at, event"#;

/// A stored message: the event is a JSON text column.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    seq: u64,
    author: Role,
    client_id: String,
    text: String,
    at: u64,
    event: Option<String>,
}

impl Row {
    fn into_message(self) -> Result<ChatMessage, StoreError> {
        let event = match self.event {
            Some(json) => Some(serde_json::from_str::<Event>(&json).map_err(|e| StoreError(e.to_string()))?),
            None => None,
        };
        Ok(ChatMessage {
            seq: self.seq,
            client_id: self.client_id,
            author: self.author,
            text: self.text,
            at: self.at,
            event,
            name: None,
            from: None,
        })
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

    /// Stores the workflow state (as of the newest message).
    pub fn set_workflow(&self, state: &State) -> Result<(), StoreError> {
        let json = serde_json::to_string(state).map_err(|e| StoreError(e.to_string()))?;
        self.0
            .exec(
                "INSERT INTO workflow (one, state) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET state = excluded.state",
                vec![json.into()],
            )
            .map(drop)
            .map_err(store_err)
    }
}

impl MessageStore for SqlStore<'_> {
    fn find(&self, author: Role, client_id: &str) -> Result<Option<ChatMessage>, StoreError> {
        let rows = self.rows(
            &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE author = ? AND client_id = ?"),
            vec![author.as_str().into(), client_id.into()],
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
                "INSERT INTO messages (seq, author, client_id, text, at, event) VALUES (?, ?, ?, ?, ?, ?)",
                vec![
                    SqlStorageValue::from(m.seq as i64),
                    m.author.as_str().into(),
                    m.client_id.as_str().into(),
                    m.text.as_str().into(),
                    SqlStorageValue::from(m.at as i64),
                    m.event
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()
                        .map_err(|e| StoreError(e.to_string()))?
                        .into(),
                ],
            )
            .map(drop)
            .map_err(store_err)
    }

    fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
        self.rows(
            &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE seq > ? ORDER BY seq LIMIT ?"),
            vec![SqlStorageValue::from(after as i64), SqlStorageValue::from(limit as i64)],
        )
    }
}

impl WorkflowStore for SqlStore<'_> {
    fn workflow(&self) -> Result<State, StoreError> {
        #[derive(Deserialize)]
        struct Stored {
            state: String,
        }
        let rows: Vec<Stored> = self
            .0
            .exec("SELECT state FROM workflow WHERE one = 1", None)
            .and_then(|c| c.to_array())
            .map_err(store_err)?;
        match rows.into_iter().next() {
            Some(r) => serde_json::from_str(&r.state).map_err(|e| StoreError(e.to_string())),
            None => Ok(State::default()),
        }
    }

    /// Both writes happen in one synchronous step, so the object's implicit
    /// transaction commits them together.
    fn insert_event(&self, msg: &ChatMessage, state: &State) -> Result<(), StoreError> {
        self.insert(msg)?;
        self.set_workflow(state)
    }
}
