//! Where an organisation's operators hold sockets: one row per socket,
//! with its sign-in ("line": a session and the rotations that followed
//! it), written only once the object accepted the socket, removed when it
//! closes, and — when the line ends, the account is removed or its role or
//! sites change — marked closing and kept until the object confirmed it
//! closed it (a failed drop is tried again).
//!
//! A row is named by a tag its socket carries in the object
//! ([`crate::socket::new_row_tag`]), so a drop closes exactly that socket.
//! A socket that closes before its row is written leaves the row until its
//! line ends (the drop then finds nothing to close).

use serde::{Deserialize, Serialize};
use shared::staff::StaffRole;
use worker::SqlStorage;

use super::sql::run;
use crate::room::sql::int;

/// How soon a failed drop is tried again.
pub const RETRY_MS: u64 = 2_000;

/// Creates the table; the one before lines (rows per account, dropped
/// before the drop was confirmed) goes: a deploy closes every socket.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    for ddl in [
        "DROP TABLE IF EXISTS sockets",
        "CREATE TABLE IF NOT EXISTS socket_rows (tag TEXT PRIMARY KEY, line TEXT NOT NULL, account TEXT NOT NULL,
            binding TEXT NOT NULL, object TEXT NOT NULL, closing INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS socket_rows_by_account ON socket_rows (account)",
        "CREATE INDEX IF NOT EXISTS socket_rows_by_line ON socket_rows (line)",
        "CREATE INDEX IF NOT EXISTS socket_rows_closing ON socket_rows (closing) WHERE closing = 1",
    ] {
        run(sql, ddl, None)?;
    }
    Ok(())
}

/// A socket an object accepted: the row the Worker asks to write.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Opened {
    /// Its row's tag, which the socket carries.
    pub tag: String,
    pub line: String,
    pub account: String,
    /// The role and site the handshake was checked with.
    pub role: StaffRole,
    pub site: String,
    pub binding: String,
    pub object: String,
}

/// A row to drop: its tag and where its socket is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Closing {
    pub tag: String,
    pub binding: String,
    pub object: String,
}

/// Writes the row of an accepted socket, `closing` when the access it
/// was opened with ended while it opened.
pub fn open(sql: &SqlStorage, row: &Opened, closing: bool) -> worker::Result<()> {
    run(
        sql,
        "INSERT INTO socket_rows (tag, line, account, binding, object, closing) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (tag) DO NOTHING",
        vec![
            row.tag.as_str().into(),
            row.line.as_str().into(),
            row.account.as_str().into(),
            row.binding.as_str().into(),
            row.object.as_str().into(),
            int(u64::from(closing)),
        ],
    )?;
    Ok(())
}

/// The socket of `tag` closed: its row goes.
pub fn closed(sql: &SqlStorage, tag: &str) -> worker::Result<()> {
    run(sql, "DELETE FROM socket_rows WHERE tag = ?", vec![tag.into()])?;
    Ok(())
}

/// Marks the account's rows closing (removed, new role, other sites,
/// signed out everywhere).
pub fn close_account(sql: &SqlStorage, account: &str) -> worker::Result<()> {
    run(sql, "UPDATE socket_rows SET closing = 1 WHERE account = ?", vec![account.into()])?;
    Ok(())
}

/// Marks one sign-in's rows closing.
pub fn close_line(sql: &SqlStorage, line: &str) -> worker::Result<()> {
    run(sql, "UPDATE socket_rows SET closing = 1 WHERE line = ?", vec![line.into()])?;
    Ok(())
}

/// Marks the account's rows closing but `keep`'s (a password change).
pub fn close_lines_but(sql: &SqlStorage, account: &str, keep: &str) -> worker::Result<()> {
    run(sql, "UPDATE socket_rows SET closing = 1 WHERE account = ? AND line != ?", vec![account.into(), keep.into()])?;
    Ok(())
}

/// Marks closing the rows of sign-ins with no live session left.
pub fn close_ended(sql: &SqlStorage) -> worker::Result<()> {
    run(sql, "UPDATE socket_rows SET closing = 1 WHERE line NOT IN (SELECT line FROM sessions)", None)?;
    Ok(())
}

/// The rows to drop.
pub fn closing(sql: &SqlStorage) -> worker::Result<Vec<Closing>> {
    run(sql, "SELECT tag, binding, object FROM socket_rows WHERE closing = 1", None)?.to_array()
}

/// Forgets rows whose sockets the objects closed.
pub fn dropped(sql: &SqlStorage, tags: &[String]) -> worker::Result<()> {
    for tag in tags {
        closed(sql, tag)?;
    }
    Ok(())
}
