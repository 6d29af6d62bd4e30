//! The list part's read marks: how far each operator (by account) has seen
//! each conversation, so unread counts follow them to every device. The
//! console says a mark at most every few seconds per conversation, and
//! when it leaves one — never once per message.
//!
//! Retention: a mark goes with its conversation's line ([`forget`]); an
//! operator's with their seat's removal is not done (see ARCHITECTURE.md).

use serde::Deserialize;
use shared::SeenMark;
use worker::{SqlStorage, SqlStorageValue};

use crate::room::sql::int;

/// Creates the table if it is missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS seen (account TEXT NOT NULL, conversation TEXT NOT NULL, seq INTEGER NOT NULL,
            PRIMARY KEY (account, conversation))",
        None,
    )?;
    sql.exec("CREATE INDEX IF NOT EXISTS seen_by_conversation ON seen (conversation)", None)?;
    Ok(())
}

/// Keeps `account`'s mark (a mark never goes back; only of a line the
/// list has). The mark as kept, if it moved on.
pub fn mark(sql: &SqlStorage, account: &str, m: &SeenMark) -> worker::Result<Option<SeenMark>> {
    // Only a conversation the list has, no further than its last message,
    // and only forward: a mark that does not move writes nothing.
    let written = sql
        .exec(
            "INSERT INTO seen (account, conversation, seq) SELECT ?, id, min(?, last_seq) FROM lines WHERE id = ?
             ON CONFLICT (account, conversation) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > seen.seq",
            vec![account.into(), int(m.seq), m.conversation.as_str().into()],
        )?
        .rows_written();
    if written == 0 {
        return Ok(None);
    }
    Ok(marks(sql, account, std::slice::from_ref(&m.conversation))?.pop())
}

/// `account`'s marks of these conversations (those it has).
pub fn marks(sql: &SqlStorage, account: &str, ids: &[shared::ConversationId]) -> worker::Result<Vec<SeenMark>> {
    #[derive(Deserialize)]
    struct Row {
        conversation: String,
        seq: u64,
    }
    let mut out = Vec::new();
    // A page at most (`shared::PAGE` ids) in chunks SQLite binds at once.
    for chunk in ids.chunks(90) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args: Vec<SqlStorageValue> = vec![account.into()];
        args.extend(chunk.iter().map(|c| SqlStorageValue::from(c.as_str())));
        let query = format!("SELECT conversation, seq FROM seen WHERE account = ? AND conversation IN ({marks})");
        let rows: Vec<Row> = sql.exec(&query, args)?.to_array()?;
        out.extend(
            rows.into_iter().filter_map(|r| Some(SeenMark { conversation: r.conversation.parse().ok()?, seq: r.seq })),
        );
    }
    Ok(out)
}

/// Forgets a deleted conversation's marks.
pub fn forget(sql: &SqlStorage, conversation: &str) -> worker::Result<()> {
    sql.exec("DELETE FROM seen WHERE conversation = ?", vec![conversation.into()])?;
    Ok(())
}
