//! The list part's search index: every text message of the site's
//! conversations (table `said`, one row each, unique by conversation and
//! sequence number) and its SQLite FTS5 index (`said_fts`, external
//! content, kept by triggers), filled by the conversations' inbox notices
//! (no request of its own) and emptied with each line (`forget`: retention
//! and erasure), so it is kept exactly as long as its conversation. A
//! search joins the index to the lines, whose columns hold the filters.

use serde::Deserialize;
use shared::search::{Hit, SearchPage, SearchQuery, Status, PAGE};
use shared::{ConversationSummary, Role, WireName};
use worker::{SqlStorage, SqlStorageValue};

use crate::calls::inbox::Said;
use crate::room::sql::int;

/// Creates the index if it is missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS said (
            id INTEGER PRIMARY KEY,
            conversation TEXT NOT NULL,
            seq INTEGER NOT NULL,
            author TEXT NOT NULL,
            at INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (conversation, seq)
        )",
        None,
    )?;
    sql.exec(
        "CREATE VIRTUAL TABLE IF NOT EXISTS said_fts USING fts5(
            text, content = 'said', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')",
        None,
    )?;
    sql.exec(
        "CREATE TRIGGER IF NOT EXISTS said_in AFTER INSERT ON said BEGIN
            INSERT INTO said_fts (rowid, text) VALUES (new.id, new.text);
        END",
        None,
    )?;
    sql.exec(
        "CREATE TRIGGER IF NOT EXISTS said_edit AFTER UPDATE OF text ON said BEGIN
            INSERT INTO said_fts (said_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO said_fts (rowid, text) VALUES (new.id, new.text);
        END",
        None,
    )?;
    sql.exec(
        "CREATE TRIGGER IF NOT EXISTS said_out AFTER DELETE ON said BEGIN
            INSERT INTO said_fts (said_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END",
        None,
    )?;
    // Every message up to this sequence number is in the index.
    crate::room::sql::add_column(sql, "lines", "indexed", "INTEGER NOT NULL DEFAULT 0")
}

/// Indexes a notice's messages after `have` (what [`super::sql::was_indexed`] said; each
/// message once); the conversation's indexed sequence number after it —
/// the run's end when it joins what was indexed before, else `have` (a
/// gap the conversation fills at once). The rows written, for the bench.
pub fn index(sql: &SqlStorage, id: &str, said: &Said, have: u64) -> worker::Result<(u64, usize)> {
    let mut written = 0;
    for (seq, author, at, text) in said.messages.iter().filter(|m| m.0 > have) {
        let cursor = sql.exec(
            "INSERT OR IGNORE INTO said (conversation, seq, author, at, text) VALUES (?, ?, ?, ?, ?)",
            vec![id.into(), int(*seq), author.as_str().into(), int(*at), text.as_str().into()],
        )?;
        written += cursor.rows_written();
    }
    // Operators' edits: the new text found, the old one not; deleted: gone.
    for (seq, text) in &said.edits {
        let (query, mut args) = match text.is_empty() {
            true => ("DELETE FROM said WHERE conversation = ? AND seq = ?", vec![]),
            false => ("UPDATE said SET text = ? WHERE conversation = ? AND seq = ?", vec![text.as_str().into()]),
        };
        args.extend([id.into(), int(*seq)]);
        written += sql.exec(query, args)?.rows_written();
    }
    if have >= said.after && said.upto > have {
        sql.exec("UPDATE lines SET indexed = ? WHERE id = ?", vec![int(said.upto), id.into()])?;
        return Ok((said.upto, written));
    }
    Ok((have, written))
}

/// Forgets a conversation's messages.
pub fn forget(sql: &SqlStorage, conversation: &str) -> worker::Result<()> {
    sql.exec("DELETE FROM said WHERE conversation = ?", vec![conversation.into()])?;
    Ok(())
}

/// The filters on a line (`l`), with their values.
fn filters(q: &SearchQuery, text: bool) -> (String, Vec<SqlStorageValue>) {
    let (mut clauses, mut values): (Vec<&str>, Vec<SqlStorageValue>) = (Vec::new(), Vec::new());
    if !q.customer.is_empty() {
        clauses.push("instr(lower(l.customer), lower(?)) > 0");
        values.push(q.customer.as_str().into());
    }
    if !q.tag.is_empty() {
        clauses.push("instr(',' || l.tags || ',', ',' || ? || ',') > 0");
        values.push(q.tag.as_str().into());
    }
    if let Some(w) = q.workflow {
        clauses.push("l.workflow = ?");
        values.push(w.as_str().into());
    }
    match q.status {
        Some(Status::Open) => clauses.push("l.outcome IS NULL"),
        Some(Status::Closed) => clauses.push("l.outcome IS NOT NULL"),
        None => {}
    }
    if !q.operator.is_empty() {
        clauses.push("l.assignee = ?");
        values.push(q.operator.as_str().into());
    }
    // Text: the message's time; without: the conversation's span.
    if let Some(from) = q.from {
        clauses.push(if text { "s.at >= ?" } else { "l.updated_at >= ?" });
        values.push(int(from));
    }
    if let Some(to) = q.to {
        clauses.push(if text { "s.at < ?" } else { "l.created_at < ?" });
        values.push(int(to));
    }
    let sql = clauses.iter().map(|c| format!(" AND {c}")).collect();
    (sql, values)
}

/// One page of a search, newest first: matching messages (text), or
/// matching conversations (no text). A cursor that does not parse starts
/// over.
pub fn search(sql: &SqlStorage, q: &SearchQuery) -> worker::Result<SearchPage> {
    match q.fts() {
        Some(fts) => messages(sql, q, &fts),
        None => conversations(sql, q),
    }
}

fn messages(sql: &SqlStorage, q: &SearchQuery, fts: &str) -> worker::Result<SearchPage> {
    #[derive(Deserialize)]
    struct Row {
        id: u64,
        conversation: String,
        seq: u64,
        author: String,
        at: u64,
        snippet: String,
    }
    let before = q.cursor.as_deref().and_then(|c| c.strip_prefix('m')?.parse::<u64>().ok()).unwrap_or(u64::MAX >> 11);
    let (filters, values) = filters(q, true);
    // The index is read newest row first and stops at a page (rowids
    // grow with each message indexed), the line joined by its key.
    let query = format!(
        "SELECT s.id AS id, s.conversation AS conversation, s.seq AS seq, s.author AS author, s.at AS at,
                snippet(said_fts, 0, char(2), char(3), '…', 16) AS snippet
         FROM said_fts JOIN said s ON s.id = said_fts.rowid JOIN lines l ON l.id = s.conversation
         WHERE said_fts MATCH ? AND said_fts.rowid < ?{filters}
         ORDER BY said_fts.rowid DESC LIMIT ?"
    );
    let mut args = vec![fts.into(), int(before)];
    args.extend(values);
    args.push(int(PAGE as u64 + 1));
    let mut rows: Vec<Row> = sql.exec(&query, args)?.to_array()?;
    let next = (rows.len() > PAGE).then(|| {
        rows.truncate(PAGE);
        format!("m{}", rows[PAGE - 1].id)
    });
    let lines = lines_of(sql, rows.iter().map(|r| r.conversation.as_str()))?;
    let hits = rows
        .into_iter()
        .filter_map(|r| {
            let line = lines.iter().find(|l| l.id.as_str() == r.conversation)?.clone();
            let author = [Role::Customer, Role::Operator].into_iter().find(|a| a.as_str() == r.author);
            Some(Hit { conversation: line, seq: r.seq, at: r.at, author, snippet: r.snippet })
        })
        .collect();
    Ok(SearchPage { hits, next })
}

fn conversations(sql: &SqlStorage, q: &SearchQuery) -> worker::Result<SearchPage> {
    let cursor = q.cursor.as_deref().and_then(|c| {
        let (at, id) = c.strip_prefix('c')?.split_once('.')?;
        Some((at.parse::<u64>().ok()?, id.to_owned()))
    });
    let (filters, mut values) = filters(q, false);
    let after = match cursor {
        Some((at, id)) => {
            values.extend([int(at), int(at), id.into()]);
            " AND (l.updated_at < ? OR (l.updated_at = ? AND l.id < ?))"
        }
        None => "",
    };
    let query = format!(
        "SELECT {} FROM lines l WHERE 1 = 1{filters}{after} ORDER BY l.updated_at DESC, l.id DESC LIMIT ?",
        super::sql::LINE
    );
    values.push(int(PAGE as u64 + 1));
    let mut lines: Vec<ConversationSummary> = sql.exec(&query, values)?.to_array()?;
    let next = (lines.len() > PAGE).then(|| {
        lines.truncate(PAGE);
        let last = &lines[PAGE - 1];
        format!("c{}.{}", last.updated_at, last.id)
    });
    let hits = lines
        .into_iter()
        .map(|l| Hit {
            seq: l.last_seq,
            at: l.updated_at,
            author: l.last_author,
            snippet: l.preview.clone(),
            conversation: l,
        })
        .collect();
    Ok(SearchPage { hits, next })
}

/// The lines of these conversations.
fn lines_of<'a>(sql: &SqlStorage, ids: impl Iterator<Item = &'a str>) -> worker::Result<Vec<ConversationSummary>> {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let query = format!("SELECT {} FROM lines l WHERE l.id IN ({marks})", super::sql::LINE);
    sql.exec(&query, ids.into_iter().map(SqlStorageValue::from).collect::<Vec<_>>())?.to_array()
}
