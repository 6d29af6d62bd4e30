//! The Channel object's SQLite schema and its [`RoomStore`]: messages
//! carry their sender's member id and name, and a client id is unique per
//! member (not per role, as many customers share the customer role).

use serde::Deserialize;
use shared::WireName;
use shared::{ChatMessage, Role};
use worker::{SqlStorage, SqlStorageValue};

use shared::moderation_case::SanctionRecord;
use shared::workflow::{Event, State};

use crate::room::sql::{self as room_sql, int, Db};
use crate::room::store::Recent;
use crate::room::{Held, RoomStore, StoreError};

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
    // The relays with viewers, sent every new message.
    sql.exec("CREATE TABLE IF NOT EXISTS relays (n INTEGER PRIMARY KEY)", None)?;
    // A moderator removed it: the text is blank, the row stays (a tombstone).
    room_sql::add_column(sql, "messages", "removed", "INTEGER NOT NULL DEFAULT 0")?;
    // A member's file: the attachment, as JSON (its object is in R2).
    room_sql::add_column(sql, "messages", "file", "TEXT")?;
    crate::room::sql::ensure_schema(sql)
}

/// Blanks every message of `member` to a tombstone (no text, name or
/// file) and drops their held ones; the sequence numbers blanked, and the
/// ids of the files they sent (held ones too), whose objects go next.
pub fn erase_member(db: &Db, member: &str) -> Result<(Vec<u64>, Vec<String>), StoreError> {
    #[derive(Deserialize)]
    struct Row {
        seq: u64,
        file: Option<String>,
    }
    let rows: Vec<Row> =
        db.read("SELECT seq, file FROM messages WHERE member = ? AND removed = 0", vec![member.into()])?;
    let held = room_sql::held_of(db, member)?.into_iter().filter_map(|h| h.event);
    let files = rows.iter().filter_map(|r| r.file.clone()).chain(held).filter_map(|f| file_id(&f)).collect();
    db.write(
        "UPDATE messages SET text = '', name = '', file = NULL, removed = 1 WHERE member = ?",
        vec![member.into()],
    )?;
    db.write("DELETE FROM held WHERE member = ?", vec![member.into()])?;
    Ok((rows.into_iter().map(|r| r.seq).collect(), files))
}

/// The id of the file in an attachment's or a file event's JSON.
pub fn file_id(json: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct File {
        id: String,
    }
    #[derive(Deserialize)]
    struct Event {
        file: File,
    }
    let id = serde_json::from_str::<File>(json).map(|f| f.id);
    id.or_else(|_| serde_json::from_str::<Event>(json).map(|e| e.file.id)).ok()
}

/// The id of message `seq`'s file, if it has one (and is not removed).
pub fn file_of(db: &Db, seq: u64) -> Result<Option<String>, StoreError> {
    file_in(db, "SELECT file FROM messages WHERE seq = ? AND removed = 0", vec![int(seq)])
}

/// The id of the newest message's file, if it has one (retention keeps
/// the newest message, and so its file).
pub fn newest_file(db: &Db) -> Result<Option<String>, StoreError> {
    file_in(db, "SELECT file FROM messages ORDER BY seq DESC LIMIT 1", vec![])
}

/// The file id in the first row's `file` that `query` reads, if any.
fn file_in(db: &Db, query: &str, bindings: Vec<SqlStorageValue>) -> Result<Option<String>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        file: Option<String>,
    }
    let rows: Vec<Row> = db.read(query, bindings)?;
    Ok(rows.into_iter().next().and_then(|r| r.file).as_deref().and_then(file_id))
}

/// The relays with viewers.
pub fn relays(db: &Db) -> Result<Vec<u64>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        n: u64,
    }
    Ok(db.read::<Row>("SELECT n FROM relays ORDER BY n", vec![])?.into_iter().map(|r| r.n).collect())
}

/// Adds (`true`) or removes a relay.
pub fn set_relay(db: &Db, n: u64, on: bool) -> Result<(), StoreError> {
    let query = if on { "INSERT OR IGNORE INTO relays (n) VALUES (?)" } else { "DELETE FROM relays WHERE n = ?" };
    db.write(query, vec![int(n)]).map(drop)
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
pub fn read_meta(db: &Db) -> Result<Option<Meta>, StoreError> {
    Ok(db.read::<Meta>("SELECT site, channel FROM meta WHERE one = 1", vec![])?.into_iter().next())
}

/// Writes the identity unless it exists.
pub fn write_meta(db: &Db, site: &str, channel: &str) -> Result<(), StoreError> {
    db.write(
        "INSERT INTO meta (one, site, channel) VALUES (1, ?, ?) ON CONFLICT (one) DO NOTHING",
        vec![site.into(), channel.into()],
    )
    .map(drop)
}

/// The messages of one channel, over the object's (counted) database.
pub struct ChannelStore<'a>(pub &'a Db);

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
    removed: u64,
    file: Option<String>,
}

impl Row {
    fn into_message(self) -> ChatMessage {
        ChatMessage {
            seq: self.seq,
            client_id: self.client_id,
            author: self.author,
            text: self.text,
            at: self.at,
            event: self.file.and_then(|f| serde_json::from_str(&f).ok()).map(|f| Event::File(Box::new(f))),
            name: Some(self.name),
            from: (!self.member.is_empty()).then_some(self.member),
            removed: self.removed != 0,
            by: None,
        }
    }
}

const COLUMNS: &str = r#"seq, member, name, author, client_id AS "clientId", text, at, removed, file"#;

impl ChannelStore<'_> {
    fn rows(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Result<Vec<ChatMessage>, StoreError> {
        Ok(self.0.read::<Row>(query, bindings)?.into_iter().map(Row::into_message).collect())
    }
}

impl RoomStore for ChannelStore<'_> {
    /// Client ids are unique per member (many customers share the role).
    fn find(&self, _author: Role, member: &str, client_id: &str) -> Result<Option<ChatMessage>, StoreError> {
        let query = format!("SELECT {COLUMNS} FROM messages WHERE member = ? AND client_id = ?");
        Ok(self.rows(&query, vec![member.into(), client_id.into()])?.into_iter().next())
    }

    fn last_seq(&self) -> Result<u64, StoreError> {
        #[derive(Deserialize)]
        struct Last {
            last: u64,
        }
        let rows: Vec<Last> = self.0.read("SELECT COALESCE(MAX(seq), 0) AS last FROM messages", vec![])?;
        Ok(rows.first().map_or(0, |r| r.last))
    }

    fn insert(&self, m: &ChatMessage, _workflow: Option<&State>) -> Result<bool, StoreError> {
        self.0
            .write(
                "INSERT INTO messages (seq, member, name, author, client_id, text, at, file)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member, client_id) DO NOTHING",
                vec![
                    int(m.seq),
                    m.from.as_deref().unwrap_or_default().into(),
                    m.name.as_deref().unwrap_or_default().into(),
                    m.author.as_str().into(),
                    m.client_id.as_str().into(),
                    m.text.as_str().into(),
                    int(m.at),
                    match &m.event {
                        Some(Event::File(f)) => serde_json::to_string(f)?.into(),
                        _ => SqlStorageValue::Null,
                    },
                ],
            )
            .map(|written| written > 0)
    }

    fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
        let query = format!("SELECT {COLUMNS} FROM messages WHERE seq > ? ORDER BY seq LIMIT ?");
        self.rows(&query, vec![int(after), int(limit as u64)])
    }

    fn before(&self, before: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
        let query = format!("SELECT {COLUMNS} FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?");
        let mut page = self.rows(&query, vec![int(before), int(limit as u64)])?;
        page.reverse();
        Ok(page)
    }

    fn recent(&self, member: &str, since: u64, limit: usize) -> Result<Recent, StoreError> {
        let texts = "SELECT text, at FROM messages WHERE member = ? ORDER BY seq DESC LIMIT ?";
        let sent = "SELECT at FROM messages WHERE member = ? AND at >= ? ORDER BY seq DESC LIMIT ?";
        room_sql::recent(self.0, member, &[member], [Some(texts), Some(sent), None], since, limit)
    }

    fn remove(&self, seq: u64) -> Result<Option<ChatMessage>, StoreError> {
        let query = format!("SELECT {COLUMNS} FROM messages WHERE seq = ? AND removed = 0");
        let Some(original) = self.rows(&query, vec![int(seq)])?.into_iter().next() else { return Ok(None) };
        self.0.write("UPDATE messages SET text = '', file = NULL, removed = 1 WHERE seq = ?", vec![int(seq)])?;
        Ok(Some(original))
    }

    /// Channel messages are not edited (staff remove them instead).
    fn edit(&self, _seq: u64, _text: &str) -> Result<bool, StoreError> {
        Ok(false)
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

/// Forgets the messages stored before `cutoff` (ms), always keeping the
/// newest (the sequence goes on from it after a wake); returns when the
/// oldest message left will be as old, if another one is left to expire.
pub fn forget_before(db: &Db, cutoff: u64) -> Result<Option<u64>, StoreError> {
    db.write("DELETE FROM messages WHERE at < ? AND seq < (SELECT max(seq) FROM messages)", vec![int(cutoff)])?;
    #[derive(Deserialize)]
    struct Row {
        at: Option<i64>,
    }
    let oldest = "SELECT min(at) AS at FROM messages WHERE seq < (SELECT max(seq) FROM messages)";
    Ok(db.read::<Row>(oldest, vec![])?.into_iter().next().and_then(|r| r.at).map(|at| at as u64))
}

/// The oldest message's sequence number, if any is stored.
pub fn oldest_seq(db: &Db) -> Result<Option<u64>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        seq: Option<i64>,
    }
    let rows: Vec<Row> = db.read("SELECT min(seq) AS seq FROM messages", vec![])?;
    Ok(rows.into_iter().next().and_then(|r| r.seq).map(|s| s as u64))
}

#[cfg(test)]
mod tests {
    use shared::files::{Attachment, FileType};
    use shared::workflow::Event;

    #[test]
    fn a_files_id_is_read_from_a_message_row_and_from_a_held_event() {
        let file =
            Attachment { id: "a".repeat(32), name: "x.png".into(), kind: FileType::Png, size: 1, key: "k".into() };
        let row = serde_json::to_string(&file).unwrap();
        let held = serde_json::to_string(&Event::File(Box::new(file))).unwrap();
        assert_eq!(super::file_id(&row), Some("a".repeat(32)));
        assert_eq!(super::file_id(&held), Some("a".repeat(32)));
        assert_eq!(super::file_id("{\"send\":{}}"), None);
    }
}
