//! The Inbox object's SQLite tables: one row per conversation of the site,
//! and the site's configuration (one JSON row, seeded with the defaults).

use serde::Deserialize;
use shared::scope::{Scope, PAGE};
use shared::site::SiteConfig;
use shared::WireName;
use shared::{ConversationSummary, Role};
use worker::{SqlStorage, SqlStorageValue};

/// Creates the tables if they are missing. (`lines` replaced the skeleton's
/// `conversations` table when summaries gained workflow columns; old rows
/// come back with their conversation's next change.)
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS lines (
            id TEXT PRIMARY KEY,
            site TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            last_author TEXT,
            preview TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            workflow TEXT NOT NULL,
            step INTEGER NOT NULL,
            team TEXT,
            assignee TEXT,
            outcome TEXT
        )",
        None,
    )?;
    sql.exec("CREATE INDEX IF NOT EXISTS lines_by_update ON lines (updated_at DESC)", None)?;
    crate::room::sql::add_column(sql, "lines", "follow_up", "INTEGER")?;
    crate::room::sql::add_column(sql, "lines", "follow_up_by", "TEXT")?;
    crate::room::sql::add_column(sql, "lines", "approval", "TEXT")?;
    crate::room::sql::add_column(sql, "lines", "customer", "TEXT")?;
    // Tags joined by commas; the customer's member id, for their earlier conversations.
    crate::room::sql::add_column(sql, "lines", "tags", "TEXT")?;
    crate::room::sql::add_column(sql, "lines", "member", "TEXT")?;
    sql.exec("CREATE INDEX IF NOT EXISTS lines_by_member ON lines (member, created_at DESC)", None)?;
    // One index per scope, so a page reads only its own rows.
    sql.exec("CREATE INDEX IF NOT EXISTS lines_by_assignee ON lines (assignee, updated_at DESC)", None)?;
    sql.exec("CREATE INDEX IF NOT EXISTS lines_by_team ON lines (team, updated_at DESC)", None)?;
    sql.exec("CREATE TABLE IF NOT EXISTS config (one INTEGER PRIMARY KEY CHECK (one = 1), json TEXT NOT NULL)", None)?;
    // Every save counts up, so rooms keep a copy until the version changes.
    crate::room::sql::add_column(sql, "config", "version", "INTEGER NOT NULL DEFAULT 1")?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS identity (one INTEGER PRIMARY KEY CHECK (one = 1), secret TEXT NOT NULL)",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS users (user TEXT NOT NULL, conversation TEXT NOT NULL, at INTEGER NOT NULL,
            PRIMARY KEY (user, conversation))",
        None,
    )?;
    Ok(())
}

/// Records a change; `false` if the row already had this or a newer state
/// (updates may arrive out of order).
pub fn upsert(sql: &SqlStorage, s: &ConversationSummary) -> worker::Result<bool> {
    let cursor = sql.exec(
        "INSERT INTO lines (id, site, last_seq, last_author, preview, created_at, updated_at,
                            workflow, step, team, assignee, outcome, follow_up, follow_up_by,
                            approval, customer, tags, member)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq, last_author = excluded.last_author,
             preview = excluded.preview, updated_at = excluded.updated_at, workflow = excluded.workflow,
             step = excluded.step, team = excluded.team, assignee = excluded.assignee, outcome = excluded.outcome,
             follow_up = excluded.follow_up, follow_up_by = excluded.follow_up_by, approval = excluded.approval,
             customer = excluded.customer, tags = excluded.tags, member = excluded.member
         WHERE excluded.last_seq > lines.last_seq",
        vec![
            s.id.as_str().into(),
            s.site.as_str().into(),
            SqlStorageValue::from(s.last_seq as i64),
            s.last_author.map(Role::as_str).into(),
            s.preview.as_str().into(),
            SqlStorageValue::from(s.created_at as i64),
            SqlStorageValue::from(s.updated_at as i64),
            s.workflow.as_str().into(),
            SqlStorageValue::from(s.step as i64),
            s.team.as_deref().into(),
            s.assignee.as_deref().into(),
            s.outcome.map(|o| o.as_str()).into(),
            s.follow_up.map_or(SqlStorageValue::Null, crate::room::sql::int),
            s.follow_up_by.as_deref().into(),
            s.approval.as_deref().into(),
            s.customer.as_deref().into(),
            shared::profile::joined(&s.tags).into(),
            s.member.as_deref().into(),
        ],
    )?;
    Ok(cursor.rows_written() > 0)
}

/// A line's new tags (whatever its sequence number); `false`: no such line.
pub fn retag(sql: &SqlStorage, s: &ConversationSummary) -> worker::Result<bool> {
    let cursor = sql.exec(
        "UPDATE lines SET tags = ? WHERE id = ?",
        vec![shared::profile::joined(&s.tags).into(), s.id.as_str().into()],
    )?;
    Ok(cursor.rows_written() > 0)
}

/// The columns of a line, named as the summary's fields on the wire.
pub(super) const LINE: &str = r#"id, site, last_seq AS "lastSeq", last_author AS "lastAuthor", preview,
    created_at AS "createdAt", updated_at AS "updatedAt", workflow, step, team, assignee, outcome,
    follow_up AS "followUp", follow_up_by AS "followUpBy", approval, customer, tags, member"#;

/// A customer's other conversations (by member id), newest first, at most `limit`.
pub fn earlier(sql: &SqlStorage, member: &str, except: &str, limit: usize) -> worker::Result<Vec<ConversationSummary>> {
    let query = format!("SELECT {LINE} FROM lines WHERE member = ? AND id != ? ORDER BY created_at DESC LIMIT ?");
    let limit = SqlStorageValue::from(limit as i64);
    sql.exec(&query, vec![member.into(), except.into(), limit])?.to_array()
}

/// A line's team, assignee and whether it was open, before a change
/// (`None`: a new line).
pub type Was = Option<(Option<String>, Option<String>, bool)>;

/// The team, assignee and openness of a line as it is (read before it
/// changes, so an inbox that showed it learns it left its scope, and
/// routing sees it enter or leave a queue).
pub fn was(sql: &SqlStorage, id: &str) -> worker::Result<Was> {
    Ok(was_indexed(sql, id)?.0)
}

/// [`was`], and up to which sequence number the search index holds the
/// conversation (0: nothing, or no line), in one read: a notice needs both.
pub fn was_indexed(sql: &SqlStorage, id: &str) -> worker::Result<(Was, u64)> {
    #[derive(Deserialize)]
    struct Row {
        team: Option<String>,
        assignee: Option<String>,
        open: u8,
        indexed: u64,
    }
    let rows: Vec<Row> = sql
        .exec("SELECT team, assignee, outcome IS NULL AS open, indexed FROM lines WHERE id = ?", vec![id.into()])?
        .to_array()?;
    Ok(match rows.into_iter().next() {
        Some(r) => (Some((r.team, r.assignee, r.open == 1)), r.indexed),
        None => (None, 0),
    })
}

/// A line's team (`None`: none, or no such line).
pub fn team_of(sql: &SqlStorage, id: &str) -> worker::Result<Option<String>> {
    Ok(was(sql, id)?.and_then(|(team, _, _)| team))
}

/// One page of a scope's conversations, newest activity first: all, or
/// those changed before `before = (updated_at, id)`. Columns are named as
/// the summary's fields on the wire, so rows deserialize straight into it.
pub fn page(
    sql: &SqlStorage,
    scope: &Scope,
    me: &str,
    before: Option<(u64, &str)>,
) -> worker::Result<Vec<ConversationSummary>> {
    let (filter, mut args): (&str, Vec<SqlStorageValue>) = match scope {
        Scope::All => ("1 = 1", vec![]),
        Scope::Mine => ("assignee = ?", vec![me.into()]),
        Scope::Unassigned => ("assignee IS NULL", vec![]),
        Scope::Team(team) => ("team = ?", vec![team.as_str().into()]),
        Scope::Operator(name) => ("assignee = ?", vec![name.as_str().into()]),
    };
    let (at, id) = before.unwrap_or((i64::MAX as u64, ""));
    let at = SqlStorageValue::from(at.min(i64::MAX as u64) as i64);
    args.extend([at.clone(), at, id.into(), SqlStorageValue::from(PAGE as i64)]);
    let query = format!(
        r#"SELECT {LINE}
           FROM lines WHERE {filter} AND (updated_at < ? OR (updated_at = ? AND id < ?))
           ORDER BY updated_at DESC, id DESC LIMIT ?"#
    );
    sql.exec(&query, args)?.to_array()
}

/// The site's configuration; `None` until the site is registered (its
/// configuration starts as the defaults).
pub fn config(sql: &SqlStorage) -> worker::Result<Option<(u64, SiteConfig)>> {
    #[derive(Deserialize)]
    struct Row {
        version: u64,
        json: String,
    }
    let rows: Vec<Row> = sql.exec("SELECT version, json FROM config WHERE one = 1", None)?.to_array()?;
    rows.into_iter()
        .next()
        .map(|row| Ok((row.version, serde_json::from_str(&row.json).map_err(crate::error::internal)?)))
        .transpose()
}

/// The settings version (0: no site).
pub fn version(sql: &SqlStorage) -> worker::Result<u64> {
    #[derive(Deserialize)]
    struct Row {
        version: u64,
    }
    let rows: Vec<Row> = sql.exec("SELECT version FROM config WHERE one = 1", None)?.to_array()?;
    Ok(rows.first().map_or(0, |r| r.version))
}

/// The site's identity secret (made at the first call).
pub fn identity_secret(sql: &SqlStorage) -> worker::Result<String> {
    sql.exec(
        "INSERT INTO identity (one, secret) VALUES (1, ?) ON CONFLICT (one) DO NOTHING",
        vec![crate::auth::new_token().into()],
    )?;
    #[derive(Deserialize)]
    struct Row {
        secret: String,
    }
    let rows: Vec<Row> = sql.exec("SELECT secret FROM identity WHERE one = 1", None)?.to_array()?;
    Ok(rows.into_iter().next().map(|r| r.secret).unwrap_or_default())
}

/// Replaces the identity secret: every hash signed with the old one stops working.
pub fn new_identity_secret(sql: &SqlStorage) -> worker::Result<String> {
    sql.exec("DELETE FROM identity", None)?;
    identity_secret(sql)
}

/// Records a verified customer's conversation.
pub fn add_user_conversation(sql: &SqlStorage, user: &str, conversation: &str, at: u64) -> worker::Result<()> {
    sql.exec(
        "INSERT INTO users (user, conversation, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        vec![user.into(), conversation.into(), SqlStorageValue::from(at as i64)],
    )?;
    Ok(())
}

/// A verified customer's latest conversation.
pub fn latest_of(sql: &SqlStorage, user: &str) -> worker::Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        conversation: String,
    }
    let rows: Vec<Row> = sql
        .exec("SELECT conversation FROM users WHERE user = ? ORDER BY at DESC LIMIT 1", vec![user.into()])?
        .to_array()?;
    Ok(rows.into_iter().next().map(|r| r.conversation))
}

/// Registers the site: its configuration becomes the defaults, unless it has one.
pub fn register(sql: &SqlStorage) -> worker::Result<()> {
    let json = serde_json::to_string(&SiteConfig::default())?;
    sql.exec("INSERT INTO config (one, json) VALUES (1, ?) ON CONFLICT (one) DO NOTHING", vec![json.into()])?;
    Ok(())
}

/// Saves the configuration (already validated).
pub fn save_config(sql: &SqlStorage, config: &SiteConfig) -> worker::Result<()> {
    let json = serde_json::to_string(config)?;
    sql.exec(
        "INSERT INTO config (one, json) VALUES (1, ?) \
         ON CONFLICT (one) DO UPDATE SET json = excluded.json, version = config.version + 1",
        vec![json.into()],
    )?;
    Ok(())
}

/// Empties the list (the settings part, once its lines moved).
pub fn clear_lines(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec("DELETE FROM lines", None)?;
    Ok(())
}

/// How many lines the list holds (bench only).
pub fn lines(sql: &SqlStorage) -> worker::Result<u64> {
    #[derive(Deserialize)]
    struct Row {
        n: u64,
    }
    Ok(sql.exec("SELECT count(*) AS n FROM lines", None)?.one::<Row>()?.n)
}

/// Keeps the settings part's copy of the settings at `version`, unless this
/// object has a newer one (copies may arrive out of order).
pub fn keep_copy(sql: &SqlStorage, version: u64, config: &SiteConfig) -> worker::Result<()> {
    let json = serde_json::to_string(config)?;
    sql.exec(
        "INSERT INTO config (one, json, version) VALUES (1, ?, ?) \
         ON CONFLICT (one) DO UPDATE SET json = excluded.json, version = excluded.version \
         WHERE excluded.version > config.version",
        vec![json.into(), SqlStorageValue::from(version as i64)],
    )?;
    Ok(())
}

/// Forgets a deleted conversation: its line and its customer's link.
pub fn forget(sql: &SqlStorage, conversation: &str) -> worker::Result<()> {
    sql.exec("DELETE FROM lines WHERE id = ?", vec![conversation.into()])?;
    sql.exec("DELETE FROM users WHERE conversation = ?", vec![conversation.into()])?;
    super::seen::forget(sql, conversation)?;
    super::route_sql::forget(sql, conversation)
}
