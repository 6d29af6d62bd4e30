//! The Org object's SQLite tables: the organisation, its sites and
//! accounts, sessions (only token digests are stored) and invitations
//! (where operators hold sockets: [`super::sockets`]). The legacy Directory held the
//! same tables for every organisation (hence the `org` columns), and
//! [`export`] reads one organisation's rows from it for the migration.

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use shared::staff::{Invitation, Person, SiteEntry, StaffRole};
use worker::{SqlCursor, SqlStorage, SqlStorageValue};

use crate::room::sql::int;

thread_local! {
    static ROWS_READ: Cell<u64> = const { Cell::new(0) };
}

/// Rows this isolate's organisations' statements read so far (the Org
/// object counts its own from the difference around a request, which runs
/// without a pause).
pub fn rows_read() -> u64 {
    ROWS_READ.get()
}

/// A statement's cursor; dropped once read, it adds the rows the statement
/// read to [`rows_read`].
pub(super) struct Counted(SqlCursor);

impl std::ops::Deref for Counted {
    type Target = SqlCursor;
    fn deref(&self) -> &SqlCursor {
        &self.0
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        ROWS_READ.set(ROWS_READ.get() + self.0.rows_read() as u64);
    }
}

/// Runs a statement, counting the rows it reads.
pub(super) fn run(
    sql: &SqlStorage,
    query: &str,
    bindings: impl Into<Option<Vec<SqlStorageValue>>>,
) -> worker::Result<Counted> {
    sql.exec(query, bindings).map(Counted)
}

/// Creates the tables if they are missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    for ddl in [
        "CREATE TABLE IF NOT EXISTS orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sites (id TEXT PRIMARY KEY, org TEXT NOT NULL, name TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS sites_by_org ON sites (org)",
        "CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, org TEXT NOT NULL, email TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL, role TEXT NOT NULL, password TEXT NOT NULL, created_at INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sessions (digest TEXT PRIMARY KEY, account TEXT NOT NULL, csrf TEXT NOT NULL,
            created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, replaced INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS sessions_by_account ON sessions (account)",
        "CREATE INDEX IF NOT EXISTS accounts_by_org ON accounts (org)",
        "CREATE TABLE IF NOT EXISTS invitations (id TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, org TEXT NOT NULL,
            email TEXT NOT NULL, role TEXT NOT NULL, expires_at INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS invitations_by_org ON invitations (org)",
        // Password reset links an admin made (digests), one use each.
        "CREATE TABLE IF NOT EXISTS resets (digest TEXT PRIMARY KEY, account TEXT NOT NULL, expires_at INTEGER NOT NULL)",
        // The sites someone works on; none: every site of the organisation.
        "CREATE TABLE IF NOT EXISTS access (account TEXT NOT NULL, site TEXT NOT NULL, PRIMARY KEY (account, site))",
    ] {
        run(sql, ddl, None)?;
    }
    // When the person signed in (carried through rotations; 0 in sessions
    // from before: their creation counts), for the absolute lifetime.
    crate::room::sql::add_column(sql, "sessions", "signed_in_at", "INTEGER NOT NULL DEFAULT 0")?;
    // The sign-in a session belongs to (carried through rotations): its
    // sockets close when the last session of the line ends. Sessions from
    // before are each a line of their own.
    crate::room::sql::add_column(sql, "sessions", "line", "TEXT NOT NULL DEFAULT ''")?;
    run(sql, "UPDATE sessions SET line = substr(digest, 1, 16) WHERE line = ''", None)?;
    run(sql, "CREATE INDEX IF NOT EXISTS sessions_by_line ON sessions (line)", None)?;
    super::sockets::ensure_schema(sql)?;
    super::keys::ensure_schema(sql)?;
    super::two_factor::ensure_schema(sql)
}

/// An account as stored.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub id: String,
    pub org: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password: String,
}

impl Account {
    /// Its role (an unknown stored role reads as the least powerful one).
    pub fn role(&self) -> StaffRole {
        StaffRole::parse(&self.role).unwrap_or(StaffRole::Operator)
    }
}

pub fn insert_org(sql: &SqlStorage, id: &str, name: &str, now: u64) -> worker::Result<()> {
    run(sql, "INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)", vec![id.into(), name.into(), int(now)])?;
    Ok(())
}

pub fn org_name(sql: &SqlStorage, org: &str) -> worker::Result<String> {
    #[derive(Deserialize)]
    struct Row {
        name: String,
    }
    let rows: Vec<Row> = run(sql, "SELECT name FROM orgs WHERE id = ?", vec![org.into()])?.to_array()?;
    Ok(rows.into_iter().next().map(|r| r.name).unwrap_or_default())
}

/// `false` if the site id is taken.
pub fn insert_site(sql: &SqlStorage, id: &str, org: &str, name: &str) -> worker::Result<bool> {
    let c = run(
        sql,
        "INSERT INTO sites (id, org, name) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
        vec![id.into(), org.into(), name.into()],
    )?;
    Ok(c.rows_written() > 0)
}

pub fn rename_site(sql: &SqlStorage, id: &str, org: &str, name: &str) -> worker::Result<()> {
    run(sql, "UPDATE sites SET name = ? WHERE id = ? AND org = ?", vec![name.into(), id.into(), org.into()])?;
    Ok(())
}

pub fn sites(sql: &SqlStorage, org: &str) -> worker::Result<Vec<SiteEntry>> {
    run(sql, "SELECT id, name FROM sites WHERE org = ? ORDER BY id", vec![org.into()])?.to_array()
}

pub fn site_taken(sql: &SqlStorage, id: &str) -> worker::Result<bool> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        id: String,
    }
    let rows: Vec<Row> = run(sql, "SELECT id FROM sites WHERE id = ?", vec![id.into()])?.to_array()?;
    Ok(!rows.is_empty())
}

/// `false` if the e-mail address is taken.
pub fn insert_account(sql: &SqlStorage, a: &Account, now: u64) -> worker::Result<bool> {
    let c = run(
        sql,
        "INSERT INTO accounts (id, org, email, name, role, password, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (email) DO NOTHING",
        vec![
            a.id.as_str().into(),
            a.org.as_str().into(),
            a.email.as_str().into(),
            a.name.as_str().into(),
            a.role.as_str().into(),
            a.password.as_str().into(),
            int(now),
        ],
    )?;
    Ok(c.rows_written() > 0)
}

const ACCOUNT_COLUMNS: &str = "id, org, email, name, role, password";

pub fn account_by_email(sql: &SqlStorage, email: &str) -> worker::Result<Option<Account>> {
    let q = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = ?");
    Ok(run(sql, &q, vec![email.into()])?.to_array()?.into_iter().next())
}

pub fn account(sql: &SqlStorage, id: &str) -> worker::Result<Option<Account>> {
    let q = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?");
    Ok(run(sql, &q, vec![id.into()])?.to_array()?.into_iter().next())
}

pub fn people(sql: &SqlStorage, org: &str) -> worker::Result<Vec<Person>> {
    let mut people: Vec<Person> = sql
        .exec("SELECT id AS account, email, name, role FROM accounts WHERE org = ? ORDER BY email", vec![org.into()])?
        .to_array()?;
    for p in &mut people {
        p.sites = access(sql, &p.account)?;
    }
    Ok(people)
}

/// The sites `account` is limited to (empty: every site).
pub fn access(sql: &SqlStorage, account: &str) -> worker::Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        site: String,
    }
    let rows: Vec<Row> =
        run(sql, "SELECT site FROM access WHERE account = ? ORDER BY site", vec![account.into()])?.to_array()?;
    Ok(rows.into_iter().map(|r| r.site).collect())
}

/// Limits `account` to `sites` (empty: every site).
pub fn set_access(sql: &SqlStorage, account: &str, sites: &[String]) -> worker::Result<()> {
    run(sql, "DELETE FROM access WHERE account = ?", vec![account.into()])?;
    for site in sites {
        run(
            sql,
            "INSERT OR IGNORE INTO access (account, site) VALUES (?, ?)",
            vec![account.into(), site.as_str().into()],
        )?;
    }
    Ok(())
}

pub fn count_role(sql: &SqlStorage, org: &str, role: StaffRole) -> worker::Result<usize> {
    #[derive(Deserialize)]
    struct Row {
        n: i64,
    }
    let rows: Vec<Row> = sql
        .exec("SELECT count(*) AS n FROM accounts WHERE org = ? AND role = ?", vec![org.into(), role.as_str().into()])?
        .to_array()?;
    Ok(rows.first().map_or(0, |r| r.n as usize))
}

pub fn set_role(sql: &SqlStorage, id: &str, role: StaffRole) -> worker::Result<()> {
    run(sql, "UPDATE accounts SET role = ? WHERE id = ?", vec![role.as_str().into(), id.into()])?;
    Ok(())
}

/// Deletes the account and its sessions.
pub fn delete_account(sql: &SqlStorage, id: &str) -> worker::Result<()> {
    run(sql, "DELETE FROM sessions WHERE account = ?", vec![id.into()])?;
    run(sql, "DELETE FROM access WHERE account = ?", vec![id.into()])?;
    run(sql, "DELETE FROM accounts WHERE id = ?", vec![id.into()])?;
    Ok(())
}

/// A session as stored.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub account: String,
    pub csrf: String,
    pub created_at: i64,
    pub replaced: i64,
    pub signed_in_at: i64,
    /// Its sign-in (see [`ensure_schema`]).
    pub line: String,
}

impl Session {
    /// When its person signed in (a rotation keeps it).
    pub fn signed_in(&self) -> u64 {
        (if self.signed_in_at > 0 { self.signed_in_at } else { self.created_at }) as u64
    }
}

/// A session of the sign-in `line`, signed in at `signed_in`, issued
/// `now`: it lives `ttl_ms`, but never past `last` (the absolute
/// lifetime's end).
pub fn insert_session(
    sql: &SqlStorage,
    (digest, line): (&str, &str),
    account: &str,
    csrf: &str,
    (now, ttl_ms): (u64, u64),
    (signed_in, last): (u64, u64),
) -> worker::Result<()> {
    run(
        sql,
        "INSERT INTO sessions (digest, line, account, csrf, created_at, expires_at, signed_in_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            digest.into(),
            line.into(),
            account.into(),
            csrf.into(),
            int(now),
            int((now + ttl_ms).min(last)),
            int(signed_in),
        ],
    )?;
    Ok(())
}

/// The session with this digest, if it has not expired.
pub fn session(sql: &SqlStorage, digest: &str, now: u64) -> worker::Result<Option<Session>> {
    let rows: Vec<Session> = sql
        .exec(
            "SELECT account, csrf, created_at, replaced, signed_in_at, line FROM sessions WHERE digest = ? AND expires_at > ?",
            vec![digest.into(), int(now)],
        )?
        .to_array()?;
    Ok(rows.into_iter().next())
}

/// Marks a rotated session replaced: it stays valid for `grace_ms` more
/// (requests already in flight), then expires.
pub fn replace_session(sql: &SqlStorage, digest: &str, now: u64, grace_ms: u64) -> worker::Result<()> {
    run(
        sql,
        "UPDATE sessions SET replaced = 1, expires_at = min(expires_at, ?) WHERE digest = ?",
        vec![int(now + grace_ms), digest.into()],
    )?;
    Ok(())
}

/// Ends a sign-in: its session and the rotated-out ones still in their grace.
pub fn delete_line(sql: &SqlStorage, line: &str) -> worker::Result<()> {
    run(sql, "DELETE FROM sessions WHERE line = ?", vec![line.into()])?;
    Ok(())
}

/// Whether the sign-in `line` has a live session.
pub fn line_live(sql: &SqlStorage, line: &str, now: u64) -> worker::Result<bool> {
    let rows = run(
        sql,
        "SELECT 1 AS one FROM sessions WHERE line = ? AND expires_at > ? LIMIT 1",
        vec![line.into(), int(now)],
    )?;
    Ok(rows.to_array::<serde_json::Value>()?.len() == 1)
}

/// A reset link for `account` (its token's digest), until `expires_at`;
/// an earlier link of the account stops working.
pub fn insert_reset(sql: &SqlStorage, digest: &str, account: &str, expires_at: u64) -> worker::Result<()> {
    run(sql, "DELETE FROM resets WHERE account = ?", vec![account.into()])?;
    run(
        sql,
        "INSERT INTO resets (digest, account, expires_at) VALUES (?, ?, ?)",
        vec![digest.into(), account.into(), int(expires_at)],
    )?;
    Ok(())
}

/// The account a live reset link is for.
pub fn reset_account(sql: &SqlStorage, digest: &str, now: u64) -> worker::Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        account: String,
    }
    let rows: Vec<Row> = sql
        .exec("SELECT account FROM resets WHERE digest = ? AND expires_at > ?", vec![digest.into(), int(now)])?
        .to_array()?;
    Ok(rows.into_iter().next().map(|r| r.account))
}

/// Spends a reset link.
pub fn delete_reset(sql: &SqlStorage, digest: &str) -> worker::Result<()> {
    run(sql, "DELETE FROM resets WHERE digest = ?", vec![digest.into()])?;
    Ok(())
}

/// Sets an account's password hash.
pub fn set_password(sql: &SqlStorage, account: &str, hash: &str) -> worker::Result<()> {
    run(sql, "UPDATE accounts SET password = ? WHERE id = ?", vec![hash.into(), account.into()])?;
    Ok(())
}

/// Ends every session of `account` but the one with digest `keep`.
/// Ends the account's sign-ins but `keep`.
pub fn delete_other_lines(sql: &SqlStorage, account: &str, keep: &str) -> worker::Result<()> {
    run(sql, "DELETE FROM sessions WHERE account = ? AND line != ?", vec![account.into(), keep.into()])?;
    Ok(())
}

pub fn delete_sessions(sql: &SqlStorage, account: &str) -> worker::Result<()> {
    run(sql, "DELETE FROM sessions WHERE account = ?", vec![account.into()])?;
    Ok(())
}

pub fn insert_invitation(sql: &SqlStorage, inv: &Invitation, digest: &str, org: &str) -> worker::Result<()> {
    run(
        sql,
        "INSERT INTO invitations (id, digest, org, email, role, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            inv.id.as_str().into(),
            digest.into(),
            org.into(),
            inv.email.as_str().into(),
            inv.role.as_str().into(),
            int(inv.expires_at),
        ],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub org: String,
    pub email: String,
    pub role: String,
    pub expires_at: i64,
}

impl InvitationRow {
    pub fn public(&self) -> Invitation {
        Invitation {
            id: self.id.clone(),
            email: self.email.clone(),
            role: StaffRole::parse(&self.role).unwrap_or(StaffRole::Operator),
            expires_at: self.expires_at as u64,
        }
    }
}

pub fn invitations(sql: &SqlStorage, org: &str, now: u64) -> worker::Result<Vec<InvitationRow>> {
    run(
        sql,
        "SELECT id, org, email, role, expires_at FROM invitations WHERE org = ? AND expires_at > ? ORDER BY email",
        vec![org.into(), int(now)],
    )?
    .to_array()
}

pub fn invitation(sql: &SqlStorage, digest: &str, now: u64) -> worker::Result<Option<InvitationRow>> {
    let rows: Vec<InvitationRow> = sql
        .exec(
            "SELECT id, org, email, role, expires_at FROM invitations WHERE digest = ? AND expires_at > ?",
            vec![digest.into(), int(now)],
        )?
        .to_array()?;
    Ok(rows.into_iter().next())
}

pub fn delete_invitation(sql: &SqlStorage, id: &str) -> worker::Result<()> {
    run(sql, "DELETE FROM invitations WHERE id = ?", vec![id.into()])?;
    Ok(())
}

/// Every account's display name and every site's id (what the sites'
/// settings keep of the people: [`shared::site::SiteConfig::staff_names`]).
pub fn names_and_sites(sql: &SqlStorage) -> worker::Result<(Vec<String>, Vec<String>)> {
    #[derive(Deserialize)]
    struct Row {
        v: String,
    }
    let names: Vec<Row> = run(sql, "SELECT DISTINCT name AS v FROM accounts ORDER BY name", None)?.to_array()?;
    let sites: Vec<Row> = run(sql, "SELECT id AS v FROM sites ORDER BY id", None)?.to_array()?;
    Ok((names.into_iter().map(|r| r.v).collect(), sites.into_iter().map(|r| r.v).collect()))
}

/// The sign-in a session digest belongs to (expired or not).
pub fn session_line(sql: &SqlStorage, digest: &str) -> worker::Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        line: String,
    }
    let rows: Vec<Row> = run(sql, "SELECT line FROM sessions WHERE digest = ?", vec![digest.into()])?.to_array()?;
    Ok(rows.into_iter().next().map(|r| r.line))
}

/// The rows that expire, counted (the retention test and the bench read them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expiring {
    pub sessions: u64,
    pub invitations: u64,
    pub sockets: u64,
}

impl Expiring {
    /// Whether any row is left for a later sweep.
    pub fn any(&self) -> bool {
        self.sessions + self.invitations + self.sockets > 0
    }
}

pub fn expiring(sql: &SqlStorage) -> worker::Result<Expiring> {
    let rows: Vec<Expiring> = sql
        .exec(
            "SELECT (SELECT count(*) FROM sessions) AS sessions,
                (SELECT count(*) FROM invitations) AS invitations, (SELECT count(*) FROM socket_rows) AS sockets",
            None,
        )?
        .to_array()?;
    Ok(rows.into_iter().next().unwrap_or_default())
}

/// Deletes what expired by `now` — sessions, invitations, reset links —
/// and marks closing the sockets of sign-ins with no session left.
pub fn purge(sql: &SqlStorage, now: u64) -> worker::Result<()> {
    run(sql, "DELETE FROM sessions WHERE expires_at <= ?", vec![int(now)])?;
    run(sql, "DELETE FROM invitations WHERE expires_at <= ?", vec![int(now)])?;
    run(sql, "DELETE FROM resets WHERE expires_at <= ?", vec![int(now)])?;
    super::sockets::close_ended(sql)
}

/// One organisation's lasting rows (what the migration carries from the
/// legacy Directory: sessions and invitations are not carried, their
/// tokens do not name the organisation).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Dump {
    pub org: OrgRow,
    pub sites: Vec<SiteRow>,
    pub accounts: Vec<AccountRow>,
    pub access: Vec<AccessRow>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteRow {
    pub id: String,
    pub org: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub org: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessRow {
    pub account: String,
    pub site: String,
}

/// The first organisation (by id) after `after`, if any.
pub fn next_org(sql: &SqlStorage, after: &str) -> worker::Result<Option<String>> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let rows: Vec<Id> =
        run(sql, "SELECT id FROM orgs WHERE id > ? ORDER BY id LIMIT 1", vec![after.into()])?.to_array()?;
    Ok(rows.into_iter().next().map(|r| r.id))
}

/// `org`'s lasting rows.
pub fn export(sql: &SqlStorage, org: &str) -> worker::Result<Dump> {
    let one = |q: &str| run(sql, q, vec![org.into()]);
    Ok(Dump {
        org: one("SELECT id, name, created_at FROM orgs WHERE id = ?")?
            .to_array()?
            .into_iter()
            .next()
            .unwrap_or_default(),
        sites: one("SELECT id, org, name FROM sites WHERE org = ?")?.to_array()?,
        accounts: one("SELECT id, org, email, name, role, password, created_at FROM accounts WHERE org = ?")?
            .to_array()?,
        access: one("SELECT account, site FROM access WHERE account IN (SELECT id FROM accounts WHERE org = ?)")?
            .to_array()?,
    })
}

/// Writes a dump's rows (again: the same rows, replaced).
pub fn import(sql: &SqlStorage, d: &Dump) -> worker::Result<()> {
    let o = &d.org;
    run(
        sql,
        "INSERT OR REPLACE INTO orgs (id, name, created_at) VALUES (?, ?, ?)",
        vec![o.id.as_str().into(), o.name.as_str().into(), o.created_at.into()],
    )?;
    for s in &d.sites {
        run(
            sql,
            "INSERT OR REPLACE INTO sites (id, org, name) VALUES (?, ?, ?)",
            vec![s.id.as_str().into(), s.org.as_str().into(), s.name.as_str().into()],
        )?;
    }
    for a in &d.accounts {
        run(
            sql,
            "INSERT OR REPLACE INTO accounts (id, org, email, name, role, password, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                a.id.as_str().into(),
                a.org.as_str().into(),
                a.email.as_str().into(),
                a.name.as_str().into(),
                a.role.as_str().into(),
                a.password.as_str().into(),
                a.created_at.into(),
            ],
        )?;
    }
    for x in &d.access {
        run(
            sql,
            "INSERT OR IGNORE INTO access (account, site) VALUES (?, ?)",
            vec![x.account.as_str().into(), x.site.as_str().into()],
        )?;
    }
    Ok(())
}
