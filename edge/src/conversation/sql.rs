//! The Conversation object's SQLite schema and its [`RoomStore`].

use serde::Deserialize;
use shared::workflow::{Event, State};
use shared::WireName;
use shared::{ChatMessage, Role};
use worker::{SqlStorage, SqlStorageValue};

use shared::moderation_case::SanctionRecord;

use crate::calls::room::Meta;
use crate::room::sql::{self as room_sql, int, Db};
use crate::room::store::Recent;
use crate::room::{Held, RoomStore, StoreError};

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
    crate::room::sql::add_column(sql, "messages", "event", "TEXT")?;
    // The operator who wrote a message (they alone may edit it).
    crate::room::sql::add_column(sql, "messages", "by", "TEXT")?;
    crate::room::sql::add_column(sql, "meta", "member", "TEXT NOT NULL DEFAULT ''")?;
    crate::room::sql::add_column(sql, "meta", "practice", "TEXT")?;
    // Tokens given to a verified customer's other browsers (digests), with
    // the identity secret's version each was made under.
    sql.exec("CREATE TABLE IF NOT EXISTS grants (digest TEXT PRIMARY KEY)", None)?;
    crate::room::sql::add_column(sql, "grants", "identity", "INTEGER NOT NULL DEFAULT 0")?;
    crate::room::sql::add_column(sql, "meta", "identity", "INTEGER")?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS workflow (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            state TEXT NOT NULL
        )",
        None,
    )?;
    // Staff whispers: outside the timeline (no sequence number), kept as
    // long as the conversation (deleted with it).
    sql.exec(
        "CREATE TABLE IF NOT EXISTS whispers (
            id INTEGER PRIMARY KEY,
            client_id TEXT NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            UNIQUE (author, client_id)
        )",
        None,
    )?;
    // The customer profile: how they came (JSON), the team's notes and the
    // conversation's tags; kept as long as the conversation (deleted with it).
    crate::room::sql::add_column(sql, "meta", "visit", "TEXT")?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS notes (
            id INTEGER PRIMARY KEY,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL
        )",
        None,
    )?;
    sql.exec("CREATE TABLE IF NOT EXISTS tags (one INTEGER PRIMARY KEY CHECK (one = 1), tags TEXT NOT NULL)", None)?;
    crate::room::sql::ensure_schema(sql)
}

/// The most notes a profile shows (the newest).
const NOTES: usize = 200;

/// Keeps a note; the note as kept.
pub fn add_note(db: &Db, author: &str, text: &str, at: u64) -> Result<shared::profile::Note, StoreError> {
    db.write("INSERT INTO notes (author, text, at) VALUES (?, ?, ?)", vec![author.into(), text.into(), int(at)])?;
    let kept: Vec<shared::profile::Note> =
        db.read("SELECT id, author, text, at FROM notes ORDER BY id DESC LIMIT 1", vec![])?;
    kept.into_iter().next().ok_or_else(|| StoreError("the note was not kept".into()))
}

/// The newest notes, oldest first.
pub fn notes(db: &Db) -> Result<Vec<shared::profile::Note>, StoreError> {
    db.read(
        "SELECT id, author, text, at FROM (SELECT id, author, text, at FROM notes ORDER BY id DESC LIMIT ?) ORDER BY id",
        vec![int(NOTES as u64)],
    )
}

/// The conversation's tags.
pub fn tags(db: &Db) -> Result<Vec<String>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        tags: String,
    }
    let rows: Vec<Row> = db.read("SELECT tags FROM tags WHERE one = 1", vec![])?;
    Ok(rows.into_iter().next().map(|r| shared::profile::split(&r.tags)).unwrap_or_default())
}

/// Replaces the conversation's tags.
pub fn set_tags(db: &Db, tags: &[String]) -> Result<(), StoreError> {
    let joined = shared::profile::joined(tags).unwrap_or_default();
    db.write(
        "INSERT INTO tags (one, tags) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET tags = excluded.tags",
        vec![joined.as_str().into()],
    )?;
    Ok(())
}

/// The most whispers a staff socket is sent when it connects (the newest).
const WHISPERS: usize = 100;

/// Keeps a whisper once per author and client id: the one stored.
pub fn keep_whisper(db: &Db, id: &str, w: &shared::Whisper) -> Result<shared::Whisper, StoreError> {
    db.write(
        "INSERT INTO whispers (client_id, author, text, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        vec![id.into(), w.from.as_str().into(), w.text.as_str().into(), int(w.at)],
    )?;
    let kept: Vec<shared::Whisper> = db.read(
        r#"SELECT author AS "from", text, at FROM whispers WHERE author = ? AND client_id = ?"#,
        vec![w.from.as_str().into(), id.into()],
    )?;
    kept.into_iter().next().ok_or_else(|| StoreError("the whisper was not kept".into()))
}

/// The newest whispers, oldest first.
pub fn whispers(db: &Db) -> Result<Vec<shared::Whisper>, StoreError> {
    db.read(
        r#"SELECT "from", text, at FROM (SELECT id, author AS "from", text, at FROM whispers ORDER BY id DESC LIMIT ?)
           ORDER BY id"#,
        vec![int(WHISPERS as u64)],
    )
}

/// Adds a token (its digest) for another browser of the verified
/// customer, made under the identity secret's version `identity`.
pub fn add_grant(db: &Db, digest: &str, identity: u32) -> Result<(), StoreError> {
    db.write(
        "INSERT INTO grants (digest, identity) VALUES (?, ?) ON CONFLICT DO NOTHING",
        vec![digest.into(), int(u64::from(identity))],
    )
    .map(drop)
}

/// The identity secret's version a token digest was granted under, if it was.
pub fn granted(db: &Db, digest: &str) -> Result<Option<u32>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        identity: u32,
    }
    let rows: Vec<Row> = db.read("SELECT identity FROM grants WHERE digest = ?", vec![digest.into()])?;
    Ok(rows.first().map(|r| r.identity))
}

/// Reads the conversation's identity; `None` if it was never created.
pub fn read_meta(db: &Db) -> Result<Option<Meta>, StoreError> {
    let rows: Vec<Meta> = db.read(
        "SELECT conversation, site, token_digest, member, created_at, practice, identity, visit FROM meta WHERE one = 1",
        vec![],
    )?;
    Ok(rows.into_iter().next())
}

/// Replaces how the customer came (a page view added).
pub fn set_visit(db: &Db, visit: &str) -> Result<(), StoreError> {
    db.write("UPDATE meta SET visit = ? WHERE one = 1", vec![visit.into()])?;
    Ok(())
}

/// Writes the conversation's identity unless it exists; `false` if it did.
pub fn write_meta(db: &Db, meta: &Meta) -> Result<bool, StoreError> {
    let written = db.write(
        "INSERT INTO meta (one, conversation, site, token_digest, member, created_at, practice, identity, visit)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (one) DO NOTHING",
        vec![
            meta.conversation.as_str().into(),
            meta.site.as_str().into(),
            meta.token_digest.as_str().into(),
            meta.member.as_str().into(),
            int(meta.created_at),
            meta.practice.as_deref().into(),
            meta.identity.map(|v| int(u64::from(v))).unwrap_or(SqlStorageValue::Null),
            meta.visit.as_deref().into(),
        ],
    )?;
    Ok(written > 0)
}

/// The conversation's [`RoomStore`] over the object's (counted) database.
pub struct SqlStore<'a>(pub &'a Db);

/// The columns of a [`ChatMessage`], named as its fields on the wire, so a
/// row deserializes straight into a [`Row`] (an unknown author fails to).
const MESSAGE_COLUMNS: &str = r#"seq, author, client_id AS "clientId", text, at, event, by"#;

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
    by: Option<String>,
}

impl Row {
    fn into_message(self) -> Result<ChatMessage, StoreError> {
        let event = self.event.map(|json| serde_json::from_str::<Event>(&json)).transpose()?;
        Ok(ChatMessage {
            seq: self.seq,
            client_id: self.client_id,
            author: self.author,
            text: self.text,
            at: self.at,
            event,
            name: None,
            from: None,
            removed: false,
            by: self.by,
        })
    }
}

impl SqlStore<'_> {
    fn rows(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Result<Vec<ChatMessage>, StoreError> {
        self.0.read::<Row>(query, bindings)?.into_iter().map(Row::into_message).collect()
    }

    /// The workflow state as of the newest message (read when the object wakes).
    pub fn workflow(&self) -> Result<State, StoreError> {
        #[derive(Deserialize)]
        struct Stored {
            state: String,
        }
        let rows: Vec<Stored> = self.0.read("SELECT state FROM workflow WHERE one = 1", vec![])?;
        match rows.into_iter().next() {
            Some(r) => Ok(serde_json::from_str(&r.state)?),
            None => Ok(State::default()),
        }
    }

    fn set_workflow(&self, state: &State) -> Result<(), StoreError> {
        let json = serde_json::to_string(state)?;
        self.0
            .write(
                "INSERT INTO workflow (one, state) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET state = excluded.state",
                vec![json.into()],
            )
            .map(drop)
    }
}

impl RoomStore for SqlStore<'_> {
    /// A conversation's messages are not removed (only a channel's are).
    fn remove(&self, _seq: u64) -> Result<Option<ChatMessage>, StoreError> {
        Ok(None)
    }

    fn edit(&self, seq: u64, text: &str) -> Result<bool, StoreError> {
        Ok(self.0.write("UPDATE messages SET text = ? WHERE seq = ? AND event IS NULL", vec![text.into(), int(seq)])?
            > 0)
    }

    fn find(&self, author: Role, _member: &str, client_id: &str) -> Result<Option<ChatMessage>, StoreError> {
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
        let rows: Vec<Last> = self.0.read("SELECT COALESCE(MAX(seq), 0) AS last FROM messages", vec![])?;
        Ok(rows.first().map_or(0, |r| r.last))
    }

    /// An event's state is written in the same synchronous step, so the
    /// object's implicit transaction commits both together.
    fn insert(&self, m: &ChatMessage, workflow: Option<&State>) -> Result<bool, StoreError> {
        let written = self.0.write(
            "INSERT INTO messages (seq, author, client_id, text, at, event, by) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (author, client_id) DO NOTHING",
            vec![
                int(m.seq),
                m.author.as_str().into(),
                m.client_id.as_str().into(),
                m.text.as_str().into(),
                int(m.at),
                m.event.as_ref().map(serde_json::to_string).transpose()?.into(),
                m.by.as_deref().into(),
            ],
        )?;
        if written == 0 {
            return Ok(false);
        }
        workflow.map_or(Ok(()), |state| self.set_workflow(state)).map(|()| true)
    }

    fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
        self.rows(
            &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE seq > ? ORDER BY seq LIMIT ?"),
            vec![int(after), int(limit as u64)],
        )
    }

    fn before(&self, before: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
        let mut page = self.rows(
            &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?"),
            vec![int(before), int(limit as u64)],
        )?;
        page.reverse();
        Ok(page)
    }

    /// The conversation's one customer: their texts, held messages, and
    /// events sent from the socket (not the form's answers).
    fn recent(&self, member: &str, since: u64, limit: usize) -> Result<Recent, StoreError> {
        const CUSTOMER: &str = "FROM messages WHERE author = 'customer'";
        let texts = format!("SELECT text, at {CUSTOMER} AND event IS NULL ORDER BY seq DESC LIMIT ?");
        let sent = format!("SELECT at {CUSTOMER} AND event IS NULL AND at >= ? ORDER BY seq DESC LIMIT ?");
        let events = format!(
            "SELECT at {CUSTOMER} AND event IS NOT NULL AND json_extract(event, '$.collect') IS NULL \
             AND at >= ? ORDER BY seq DESC LIMIT ?"
        );
        // The conversation's messages are its one customer's: no member column.
        room_sql::recent(self.0, member, &[], [Some(&texts), Some(&sent), Some(&events)], since, limit)
    }

    fn hold(&self, held: &Held) -> Result<(), StoreError> {
        room_sql::hold(self.0, held)
    }

    fn take_held(&self, member: &str, client_id: &str) -> Result<Option<Held>, StoreError> {
        room_sql::take_held(self.0, member, client_id)
    }

    fn sanctions(&self) -> Result<Vec<SanctionRecord>, StoreError> {
        room_sql::sanctions(self.0)
    }

    fn set_sanctions(&self, member: &str, records: &[SanctionRecord]) -> Result<(), StoreError> {
        room_sql::set_sanctions(self.0, member, records)
    }
}

/// When the conversation last changed: its newest message's time, or its
/// start's.
pub fn last_activity(db: &Db) -> Result<u64, StoreError> {
    #[derive(serde::Deserialize)]
    struct Row {
        at: Option<i64>,
    }
    let q = "SELECT coalesce((SELECT max(at) FROM messages), (SELECT created_at FROM meta WHERE one = 1)) AS at";
    Ok(db.read::<Row>(q, vec![])?.into_iter().next().and_then(|r| r.at).unwrap_or(0) as u64)
}
