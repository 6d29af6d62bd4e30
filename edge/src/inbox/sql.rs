//! The Inbox object's SQLite table: one row per conversation of the site.

use shared::{ConversationSummary, Role};
use worker::{SqlStorage, SqlStorageValue};

/// Most conversations sent in the first inbox frame (newest first).
pub const LIST_LIMIT: usize = 500;

/// Creates the table if it is missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS conversations (
            id TEXT PRIMARY KEY,
            site TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            last_author TEXT,
            preview TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        )",
        None,
    )?;
    sql.exec("CREATE INDEX IF NOT EXISTS by_update ON conversations (updated_at DESC)", None)?;
    Ok(())
}

/// Records a change; `false` if the row already had this or a newer state
/// (updates may arrive out of order).
pub fn upsert(sql: &SqlStorage, s: &ConversationSummary) -> worker::Result<bool> {
    let cursor = sql.exec(
        "INSERT INTO conversations (id, site, last_seq, last_author, preview, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq, last_author = excluded.last_author,
             preview = excluded.preview, updated_at = excluded.updated_at
         WHERE excluded.last_seq > conversations.last_seq",
        vec![
            s.id.as_str().into(),
            s.site.as_str().into(),
            SqlStorageValue::from(s.last_seq as i64),
            s.last_author.map(Role::as_str).into(),
            s.preview.as_str().into(),
            SqlStorageValue::from(s.created_at as i64),
            SqlStorageValue::from(s.updated_at as i64),
        ],
    )?;
    Ok(cursor.rows_written() > 0)
}

/// The site's conversations, newest activity first. Columns are named as
/// the summary's fields on the wire, so rows deserialize straight into it.
pub fn list(sql: &SqlStorage) -> worker::Result<Vec<ConversationSummary>> {
    sql.exec(
        r#"SELECT id, site, last_seq AS "lastSeq", last_author AS "lastAuthor", preview,
                  created_at AS "createdAt", updated_at AS "updatedAt"
           FROM conversations ORDER BY updated_at DESC LIMIT ?"#,
        vec![SqlStorageValue::from(LIST_LIMIT as i64)],
    )?
    .to_array()
}
