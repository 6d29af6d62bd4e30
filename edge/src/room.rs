//! What every room (a conversation or a channel) does to moderate a
//! customer's message before anything is broadcast: sanctions in force stop
//! it (with the end time), the site's rules screen it, held messages wait
//! in their own table (only the sender sees them, as pending), and every
//! catch is filed as a report with the site's Inbox. Also the room side of
//! a moderator's decisions: approve / reject a held message, apply or lift
//! a sanction.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use shared::moderation::{evaluate, Earlier, Rules};
use shared::moderation_case::{banning, stopping, Report, ReportStatus, Room, SanctionRecord};
use shared::rules::Action;
use shared::site::Limits;
use shared::text::too_fast;
use shared::workflow::Sanction;
use shared::{ErrorCode, ServerEnvelope, ServerMsg, WireName};
use worker::{Env, Response, SqlStorage, SqlStorageValue, State};

use crate::socket::{self, CLOSE_FORBIDDEN};

/// How long a room trusts its copy of the site's rules.
const RULES_TTL_MS: u64 = 5_000;
/// Earlier messages of the sender the flood and repeat rules look at.
const HISTORY: usize = 20;

/// Adds a column to a table unless it has it (schema migrations).
pub fn add_column(sql: &SqlStorage, table: &str, column: &str, decl: &str) -> worker::Result<()> {
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let query = format!("SELECT COUNT(*) AS n FROM pragma_table_info('{table}') WHERE name = ?");
    let has: Count = sql.exec(&query, vec![column.into()])?.one()?;
    if has.n == 0 {
        sql.exec(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"), None)?;
    }
    Ok(())
}

/// The room's moderation tables: held messages and sanctions known here.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS held (
            member TEXT NOT NULL,
            client_id TEXT NOT NULL,
            name TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (member, client_id)
        )",
        None,
    )?;
    sql.exec("CREATE TABLE IF NOT EXISTS sanctions (member TEXT NOT NULL, json TEXT NOT NULL)", None)?;
    Ok(())
}

/// Who is sending.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sender {
    /// Member id.
    pub member: String,
    /// Display name.
    pub name: String,
}

/// A message waiting for review.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Held {
    /// Sender's member id.
    pub member: String,
    /// Its client id.
    pub client_id: String,
    /// Sender's name.
    pub name: String,
    /// The text.
    pub text: String,
    /// When it was sent.
    pub at: u64,
    /// Why it is held.
    pub reason: String,
}

/// The held message `member` sent with `client_id`, if any.
pub fn find_held(sql: &SqlStorage, member: &str, client_id: &str) -> worker::Result<Option<Held>> {
    let rows: Vec<Held> = sql
        .exec(
            "SELECT member, client_id, name, text, at, reason FROM held WHERE member = ? AND client_id = ?",
            vec![member.into(), client_id.into()],
        )?
        .to_array()?;
    Ok(rows.into_iter().next())
}

/// Removes and returns a held message (a moderator decided).
pub fn take_held(sql: &SqlStorage, member: &str, client_id: &str) -> worker::Result<Option<Held>> {
    let held = find_held(sql, member, client_id)?;
    sql.exec("DELETE FROM held WHERE member = ? AND client_id = ?", vec![member.into(), client_id.into()])?;
    Ok(held)
}

/// The sanction that stops `member` now, as this room knows it.
fn stopped(sql: &SqlStorage, member: &str, now_ms: u64) -> worker::Result<Option<SanctionRecord>> {
    Ok(stopping(&sanctions(sql, member)?, member, now_ms).cloned())
}

fn sanctions(sql: &SqlStorage, member: &str) -> worker::Result<Vec<SanctionRecord>> {
    #[derive(Deserialize)]
    struct Row {
        json: String,
    }
    let rows: Vec<Row> = sql.exec("SELECT json FROM sanctions WHERE member = ?", vec![member.into()])?.to_array()?;
    Ok(rows.into_iter().filter_map(|r| serde_json::from_str(&r.json).ok()).collect())
}

/// Records a sanction here.
pub fn remember(sql: &SqlStorage, record: &SanctionRecord) -> worker::Result<()> {
    let json = serde_json::to_string(record)?;
    sql.exec("INSERT INTO sanctions (member, json) VALUES (?, ?)", vec![record.member.as_str().into(), json.into()])?;
    Ok(())
}

/// Replaces what this room knows of `member`'s sanctions with the site's.
pub fn refresh(sql: &SqlStorage, member: &str, records: &[SanctionRecord]) -> worker::Result<()> {
    sql.exec("DELETE FROM sanctions WHERE member = ?", vec![member.into()])?;
    records.iter().try_for_each(|r| remember(sql, r))
}

/// Forgets `member`'s sanctions of `kind` (unmute / unban).
pub fn forget(sql: &SqlStorage, member: &str, kind: Sanction) -> worker::Result<()> {
    let keep: Vec<SanctionRecord> = sanctions(sql, member)?.into_iter().filter(|r| r.kind != kind).collect();
    refresh(sql, member, &keep)
}

/// `member`'s newest `n` earlier messages in this room, oldest first, from
/// `query` (which selects `text, at` for one `?` member, newest first, up to
/// a `?` limit) and the held table.
pub fn history(sql: &SqlStorage, query: &str, member: &str, n: usize) -> worker::Result<Vec<Earlier>> {
    #[derive(Deserialize)]
    struct Row {
        text: String,
        at: u64,
    }
    let mut rows: Vec<Row> = sql.exec(query, vec![member.into(), SqlStorageValue::from(n as i64)])?.to_array()?;
    let held: Vec<Row> = sql
        .exec(
            "SELECT text, at FROM held WHERE member = ? ORDER BY at DESC LIMIT ?",
            vec![member.into(), SqlStorageValue::from(n as i64)],
        )?
        .to_array()?;
    rows.extend(held);
    rows.sort_by_key(|r| r.at);
    Ok(rows.into_iter().map(|r| Earlier { text: r.text, at: r.at }).collect())
}

/// When `member` may send again, if they already sent `per_minute` stored
/// messages in the minute before `now_ms`: the time their `per_minute`-th
/// newest message leaves that minute (one row read, with `query` as for
/// [`history`] plus an offset).
pub fn limited_until(
    sql: &SqlStorage,
    query: &str,
    member: &str,
    per_minute: u32,
    now_ms: u64,
) -> worker::Result<Option<u64>> {
    let nth = &format!("{query} OFFSET ?");
    free_at(sql, nth, vec![member.into(), SqlStorageValue::from(1), offset(per_minute)], now_ms)
}

/// [`limited_until`], counting `member`'s held messages too.
fn sent_or_held_until(
    sql: &SqlStorage,
    query: &str,
    member: &str,
    per_minute: u32,
    now_ms: u64,
) -> worker::Result<Option<u64>> {
    let n = SqlStorageValue::from(i64::from(per_minute));
    let nth = &format!(
        "SELECT at FROM (SELECT at FROM ({query}) UNION ALL \
         SELECT at FROM (SELECT at FROM held WHERE member = ? ORDER BY at DESC LIMIT ?)) \
         ORDER BY at DESC LIMIT 1 OFFSET ?"
    );
    free_at(sql, nth, vec![member.into(), n.clone(), member.into(), n, offset(per_minute)], now_ms)
}

fn offset(per_minute: u32) -> SqlStorageValue {
    SqlStorageValue::from(i64::from(per_minute) - 1)
}

/// The time the one row `nth` selects (`at`) leaves the minute, if after `now_ms`.
fn free_at(sql: &SqlStorage, nth: &str, params: Vec<SqlStorageValue>, now_ms: u64) -> worker::Result<Option<u64>> {
    #[derive(Deserialize)]
    struct At {
        at: u64,
    }
    let rows: Vec<At> = sql.exec(nth, params)?.to_array()?;
    Ok(rows.first().map(|r| r.at + 60_000).filter(|free_at| *free_at > now_ms))
}

/// The site's rules, compiled, and its limits, refreshed every few seconds.
#[derive(Default)]
pub struct RulesCache(RefCell<Option<(u64, Rules, Limits)>>);

impl RulesCache {
    /// The rules and limits as of at most [`RULES_TTL_MS`] ago.
    pub async fn get(&self, env: &Env, site: &str, now_ms: u64) -> worker::Result<(Rules, Limits)> {
        if let Some((at, rules, limits)) = self.0.borrow().as_ref() {
            if now_ms.saturating_sub(*at) < RULES_TTL_MS {
                return Ok((rules.clone(), *limits));
            }
        }
        let config = crate::inbox::config(env, site).await?.unwrap_or_default();
        // Saved rules were checked on the way in; a broken one is skipped, not fatal.
        let rules = Rules::new(config.rules.clone()).unwrap_or_else(|e| {
            worker::console_error!("site rules: {e}");
            Rules::new(Vec::new()).expect("no rules compile")
        });
        *self.0.borrow_mut() = Some((now_ms, rules.clone(), config.limits));
        Ok((rules, config.limits))
    }
}

/// What to do with a customer's message.
pub enum Screened {
    /// Store and deliver it (and file the report, if flagged).
    Deliver(Option<Report>),
    /// It is held (already stored in `held` and reported): answer `held`.
    Held(String),
    /// Refused: answer this error; nothing reaches anyone.
    Refused(ErrorCode, String),
}

/// One message to screen.
pub struct Draft<'a> {
    /// The site.
    pub site: &'a str,
    /// The room.
    pub room: Room,
    /// Who.
    pub sender: &'a Sender,
    /// Its client id.
    pub client_id: &'a str,
    /// Its text (validated).
    pub text: &'a str,
    /// When.
    pub now_ms: u64,
    /// Selects the sender's earlier messages (see [`history`]).
    pub history: &'static str,
}

/// Screens a customer's message: sanctions, then the site's rules. Holds,
/// blocks and auto-mutes are recorded here and reported to the Inbox. If
/// screening itself fails, the answer is `internal` (the client resends).
pub async fn screen(env: &Env, sql: &SqlStorage, rules: &RulesCache, d: Draft<'_>) -> Screened {
    match screen_or_fail(env, sql, rules, d).await {
        Ok(s) => s,
        Err(e) => {
            worker::console_error!("screening failed: {e}");
            Screened::Refused(ErrorCode::Internal, "not stored; please resend".into())
        }
    }
}

async fn screen_or_fail(env: &Env, sql: &SqlStorage, rules: &RulesCache, d: Draft<'_>) -> worker::Result<Screened> {
    if let Some(s) = stopped(sql, &d.sender.member, d.now_ms)? {
        return Ok(Screened::Refused(ErrorCode::Muted, s.notice()));
    }
    let (rules, limits) = rules.get(env, d.site, d.now_ms).await?;
    if let Some(free_at) = sent_or_held_until(sql, d.history, &d.sender.member, limits.messages_per_minute, d.now_ms)? {
        let why = too_fast("sending messages", free_at.saturating_sub(d.now_ms));
        return Ok(Screened::Refused(ErrorCode::RateLimited, why));
    }
    let history = history(sql, d.history, &d.sender.member, HISTORY)?;
    let verdict = evaluate(d.text, d.now_ms, &history, &rules);
    let (Some(action), Some(severity)) = (verdict.action(), verdict.severity()) else {
        return Ok(Screened::Deliver(None));
    };
    let report = Report {
        id: 0,
        room: d.room,
        member: d.sender.member.clone(),
        name: d.sender.name.clone(),
        message: d.client_id.to_owned(),
        text: d.text.to_owned(),
        at: d.now_ms,
        hits: verdict.hits.clone(),
        action,
        severity,
        status: ReportStatus::Open,
    };
    let notice = action.sender_notice(report.rule());
    Ok(match action {
        Action::Flag => Screened::Deliver(Some(report)),
        Action::Hold => {
            sql.exec(
                "INSERT INTO held (member, client_id, name, text, at, reason) VALUES (?, ?, ?, ?, ?, ?)",
                vec![
                    d.sender.member.as_str().into(),
                    d.client_id.into(),
                    d.sender.name.as_str().into(),
                    d.text.into(),
                    SqlStorageValue::from(d.now_ms as i64),
                    notice.as_str().into(),
                ],
            )?;
            file(env, d.site, &report).await;
            Screened::Held(notice)
        }
        Action::Block => {
            file(env, d.site, &report).await;
            Screened::Refused(ErrorCode::Blocked, notice)
        }
        Action::Mute { .. } => {
            if let Some(mute) = report.auto_mute() {
                remember(sql, &mute)?;
            }
            file(env, d.site, &report).await;
            Screened::Refused(ErrorCode::Blocked, notice)
        }
    })
}

/// Files a report with the site's Inbox (best effort: the decision is
/// already applied; a lost report is logged).
pub async fn file(env: &Env, site: &str, report: &Report) {
    if let Err(e) = crate::inbox::report(env, site, report).await {
        worker::console_error!("report not filed: {e}");
    }
}

/// Body of a room's `POST /review`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewHeld {
    /// The sender.
    pub member: String,
    /// The held message's client id.
    pub message: String,
    /// Deliver it, or drop it.
    pub approve: bool,
}

/// Body of a room's `POST /lift`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lift {
    /// Whom.
    pub member: String,
    /// Which.
    pub kind: Sanction,
}

/// At a customer's connect, holding `open` sockets already: the refusal if
/// that is the site's `windowsPerCustomer` (nothing else is touched).
pub fn refuse_windows(open: usize, limits: Limits) -> Option<worker::Result<Response>> {
    let most = limits.windows_per_customer as usize;
    (open >= most).then(|| {
        let msg = format!("Too many open chat windows ({most}) — close one and try again.");
        socket::refuse(ErrorCode::RateLimited, &msg, socket::CLOSE_TOO_MANY)
    })
}

/// At a customer's connect: takes the site's sanctions for `member` into
/// this room (a ban or mute made elsewhere, or before a reconnect, holds
/// here too) and answers the refusal if a ban is in force.
pub async fn refuse_banned(env: &Env, sql: &SqlStorage, site: &str, member: &str) -> worker::Result<Option<Response>> {
    let records = crate::inbox::sanctions_of(env, site, member).await?;
    refresh(sql, member, &records)?;
    match banning(&records, member, worker::Date::now().as_millis()) {
        Some(ban) => socket::refuse(ErrorCode::Banned, &ban.notice(), CLOSE_FORBIDDEN).map(Some),
        None => Ok(None),
    }
}

/// A moderator's notice to the sockets tagged `tag` (not part of the timeline).
pub fn tell(state: &State, tag: &str, text: String) {
    let frame = ServerEnvelope::push(ServerMsg::Moderation { alert: Some(text) });
    for ws in state.get_websockets_with_tag(tag) {
        socket::send(&ws, &frame);
    }
}

/// Applies a moderator's sanction here at once for the member whose sockets
/// are tagged `tag`: remembered (a warning is only told), the member told; a
/// ban closes their sockets.
pub fn sanction(state: &State, tag: &str, record: &SanctionRecord) -> worker::Result<()> {
    if record.kind != Sanction::Warn {
        remember(&state.storage().sql(), record)?;
    }
    tell(state, tag, record.notice());
    if record.kind == Sanction::Ban {
        for ws in state.get_websockets_with_tag(tag) {
            socket::send(&ws, &ServerEnvelope::error(None, ErrorCode::Banned, record.notice()));
            let _ = ws.close(Some(CLOSE_FORBIDDEN), Some("banned"));
        }
    }
    Ok(())
}

/// Lifts a sanction here (unmute / unban) and tells the member.
pub fn lift(state: &State, tag: &str, lift: &Lift) -> worker::Result<()> {
    forget(&state.storage().sql(), &lift.member, lift.kind)?;
    tell(state, tag, format!("A moderator lifted your {}; you can write again.", lift.kind.as_str()));
    Ok(())
}

/// Tells the sender of a held message a moderator rejected (their pending
/// copy shows why).
pub fn reject(state: &State, tag: &str, held: Held) {
    let error =
        ServerMsg::Error { code: ErrorCode::Blocked, message: "A moderator did not publish this message.".into() };
    let frame = ServerEnvelope::reply(held.client_id, error);
    for ws in state.get_websockets_with_tag(tag) {
        socket::send(&ws, &frame);
    }
}
