//! The list part's routing tables: operators' seats (capacity, teams,
//! skills, mentor; when each was last given a chat), the queue of
//! conversations waiting for an operator, and the offers (auto-assigned
//! conversations waiting for their first reply).
//!
//! Retention: a queue row lives while its conversation waits (it goes
//! when the conversation is assigned, closed or deleted); an offer until
//! the first reply, the timeout, a reassignment or a close; a seat until a
//! supervisor removes it (one per operator of the site); an operator's
//! shifts until they replace them (none set: no row); a trainee's newest
//! 20 practice results.

use serde::Deserialize;
use shared::hours::Shifts;
use shared::practice::PracticeResult;
use shared::routing::{BoardChat, Seat, BOARD_CHATS};
use shared::workflow::WorkflowKind;
use shared::{ConversationSummary, WireName};
use worker::{SqlStorage, SqlStorageValue};

use crate::room::sql::int;

/// Creates the tables if they are missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS seats (name TEXT PRIMARY KEY, json TEXT NOT NULL,
            last_assigned_at INTEGER NOT NULL DEFAULT 0)",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS queue (conversation TEXT PRIMARY KEY, team TEXT, since INTEGER NOT NULL,
            told INTEGER NOT NULL DEFAULT 0, passed TEXT NOT NULL DEFAULT '[]')",
        None,
    )?;
    sql.exec("CREATE INDEX IF NOT EXISTS queue_by_since ON queue (since)", None)?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS offers (conversation TEXT PRIMARY KEY, operator TEXT NOT NULL,
            at INTEGER NOT NULL, seq INTEGER NOT NULL, since INTEGER NOT NULL, passed TEXT NOT NULL)",
        None,
    )?;
    sql.exec("CREATE TABLE IF NOT EXISTS shifts (name TEXT PRIMARY KEY, json TEXT NOT NULL)", None)?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS practice (id INTEGER PRIMARY KEY AUTOINCREMENT, trainee TEXT NOT NULL,
            json TEXT NOT NULL)",
        None,
    )?;
    sql.exec("CREATE INDEX IF NOT EXISTS practice_by_trainee ON practice (trainee, id)", None)?;
    // An operator's load is counted on the open lines only.
    sql.exec("CREATE INDEX IF NOT EXISTS lines_open_by_assignee ON lines (assignee) WHERE outcome IS NULL", None)?;
    Ok(())
}

/// One waiting conversation.
#[derive(Debug, Clone, Deserialize)]
pub struct Waiting {
    /// The conversation.
    pub conversation: String,
    /// Its team's queue (`None`: the general one).
    pub team: Option<String>,
    /// Waiting since (ms).
    pub since: u64,
    /// The place last told to the customer (0: none).
    pub told: u32,
    /// Operators who let it pass (no reply in time), as JSON.
    pub passed: String,
    /// Who scheduled its follow-up (offered it first).
    #[serde(default)]
    pub prefer: Option<String>,
}

impl Waiting {
    /// Who let it pass.
    pub fn passed(&self) -> Vec<String> {
        serde_json::from_str(&self.passed).unwrap_or_default()
    }
}

/// An auto-assignment waiting for its first reply.
#[derive(Debug, Clone, Deserialize)]
pub struct Offer {
    /// The conversation.
    pub conversation: String,
    /// Who was given it.
    pub operator: String,
    /// When (ms).
    pub at: u64,
    /// Since when it has waited, queue included (ms).
    pub since: u64,
    /// Who let it pass before, as JSON.
    pub passed: String,
}

/// Keeps the queue and the offers true to a changed line: an open line
/// that nobody has waits in its team's queue (at the back if it is new
/// there or changed team); any other leaves it; an offer ends when the line
/// closes, goes to someone else, or (`replied`) its operator wrote.
pub fn track(sql: &SqlStorage, s: &ConversationSummary, now: u64) -> worker::Result<()> {
    let id = s.id.as_str();
    if s.outcome.is_none() && s.assignee.is_none() {
        sql.exec(
            "INSERT INTO queue (conversation, team, since) VALUES (?, ?, ?)
             ON CONFLICT (conversation) DO UPDATE SET team = excluded.team, since = excluded.since, told = 0
             WHERE queue.team IS NOT excluded.team",
            vec![id.into(), s.team.as_deref().into(), int(now)],
        )?;
    } else {
        sql.exec("DELETE FROM queue WHERE conversation = ?", vec![id.into()])?;
    }
    sql.exec(
        "DELETE FROM offers WHERE conversation = ? AND (? IS NULL OR ? IS NOT NULL OR operator IS NOT ?)",
        vec![
            id.into(),
            s.assignee.as_deref().into(),
            s.outcome.map(|o| o.as_str()).into(),
            s.assignee.as_deref().into(),
        ],
    )?;
    Ok(())
}

/// The offer of `conversation` is answered (its operator wrote after `seq`).
pub fn answered(sql: &SqlStorage, conversation: &str, after_seq: u64) -> worker::Result<()> {
    sql.exec("DELETE FROM offers WHERE conversation = ? AND seq < ?", vec![conversation.into(), int(after_seq)])?;
    Ok(())
}

/// The conversations with an offer out: each offer's operator and
/// sequence number.
pub fn offered(sql: &SqlStorage) -> worker::Result<Vec<(String, (String, u64))>> {
    #[derive(Deserialize)]
    struct Row {
        conversation: String,
        operator: String,
        seq: u64,
    }
    let rows: Vec<Row> = sql.exec("SELECT conversation, operator, seq FROM offers", None)?.to_array()?;
    Ok(rows.into_iter().map(|r| (r.conversation, (r.operator, r.seq))).collect())
}

/// The queue, longest waiting first (at most `limit`).
pub fn queue(sql: &SqlStorage, limit: usize) -> worker::Result<Vec<Waiting>> {
    sql.exec(
        "SELECT q.conversation AS conversation, q.team AS team, q.since AS since, q.told AS told,
                q.passed AS passed, l.follow_up_by AS prefer
         FROM queue q LEFT JOIN lines l ON l.id = q.conversation ORDER BY q.since, q.conversation LIMIT ?",
        vec![int(limit as u64)],
    )?
    .to_array()
}

/// Each queue's length and oldest wait: `(team, length, oldest)`.
pub fn queues(sql: &SqlStorage) -> worker::Result<Vec<(Option<String>, u32, u64)>> {
    #[derive(Deserialize)]
    struct Row {
        team: Option<String>,
        n: u32,
        oldest: u64,
    }
    let rows: Vec<Row> = sql
        .exec("SELECT team, count(*) AS n, min(since) AS oldest FROM queue GROUP BY team ORDER BY team", None)?
        .to_array()?;
    Ok(rows.into_iter().map(|r| (r.team, r.n, r.oldest)).collect())
}

/// The chats in progress for the board: open conversations someone holds,
/// customers waiting for a reply first (longest first), then the most
/// recently active; at most [`shared::routing::BOARD_CHATS`].
pub fn chats(sql: &SqlStorage) -> worker::Result<Vec<BoardChat>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        assignee: String,
        workflow: String,
        step: usize,
        waiting: i64,
        updated_at: u64,
    }
    let rows: Vec<Row> = sql
        .exec(
            "SELECT id, assignee, workflow, step, coalesce(last_author = 'customer', 0) AS waiting, updated_at FROM lines
             WHERE outcome IS NULL AND assignee IS NOT NULL
             ORDER BY waiting DESC, CASE WHEN waiting THEN updated_at ELSE -updated_at END LIMIT ?",
            vec![int(BOARD_CHATS as u64)],
        )?
        .to_array()?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(BoardChat {
                conversation: r.id.parse().ok()?,
                assignee: r.assignee,
                workflow: WorkflowKind::from_wire(&r.workflow)?,
                step: r.step,
                waiting_since: (r.waiting != 0).then_some(r.updated_at),
            })
        })
        .collect())
}

/// A waiting conversation was given to `operator` (event `seq`): it
/// leaves the queue and its offer waits for the first reply.
pub fn offer(sql: &SqlStorage, w: &Waiting, operator: &str, seq: u64, now: u64) -> worker::Result<()> {
    sql.exec("DELETE FROM queue WHERE conversation = ?", vec![w.conversation.as_str().into()])?;
    sql.exec(
        "INSERT INTO offers (conversation, operator, at, seq, since, passed) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation) DO UPDATE SET operator = excluded.operator, at = excluded.at,
             seq = excluded.seq, since = excluded.since, passed = excluded.passed",
        vec![
            w.conversation.as_str().into(),
            operator.into(),
            int(now),
            int(seq),
            int(w.since),
            w.passed.as_str().into(),
        ],
    )?;
    sql.exec(
        "UPDATE lines SET assignee = ? WHERE id = ? AND assignee IS NULL",
        vec![operator.into(), w.conversation.as_str().into()],
    )?;
    sql.exec(
        "INSERT INTO seats (name, json, last_assigned_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET last_assigned_at = excluded.last_assigned_at",
        vec![operator.into(), serde_json::to_string(&Seat::default_for(operator))?.into(), int(now)],
    )?;
    Ok(())
}

/// Drops a waiting conversation (routing found it closed or taken).
pub fn unqueue(sql: &SqlStorage, conversation: &str) -> worker::Result<()> {
    sql.exec("DELETE FROM queue WHERE conversation = ?", vec![conversation.into()])?;
    Ok(())
}

/// Offers with no first reply since `before` (their assignment).
pub fn overdue(sql: &SqlStorage, before: u64) -> worker::Result<Vec<Offer>> {
    sql.exec("SELECT * FROM offers WHERE at <= ? ORDER BY at", vec![int(before)])?.to_array()
}

/// When the next offer runs out, given the timeout (`None`: no offer).
pub fn next_deadline(sql: &SqlStorage, timeout_ms: u64) -> worker::Result<Option<u64>> {
    #[derive(Deserialize)]
    struct Row {
        at: Option<u64>,
    }
    let row: Row = sql.exec("SELECT min(at) AS at FROM offers", None)?.one()?;
    Ok(row.at.map(|at| at + timeout_ms))
}

/// The offer ran out: the conversation waits again, first in its queue
/// (it keeps its waiting time), and will not be offered to its operator.
pub fn taken_back(sql: &SqlStorage, o: &Offer, team: Option<&str>) -> worker::Result<()> {
    let mut passed: Vec<String> = serde_json::from_str(&o.passed).unwrap_or_default();
    passed.push(o.operator.clone());
    sql.exec("DELETE FROM offers WHERE conversation = ?", vec![o.conversation.as_str().into()])?;
    sql.exec(
        "INSERT INTO queue (conversation, team, since, passed) VALUES (?, ?, ?, ?)
         ON CONFLICT (conversation) DO UPDATE SET since = excluded.since, passed = excluded.passed, told = 0",
        vec![o.conversation.as_str().into(), team.into(), int(o.since), serde_json::to_string(&passed)?.into()],
    )?;
    sql.exec("UPDATE lines SET assignee = NULL WHERE id = ?", vec![o.conversation.as_str().into()])?;
    Ok(())
}

/// The customer was told their place.
pub fn told(sql: &SqlStorage, conversation: &str, position: u32) -> worker::Result<()> {
    sql.exec(
        "UPDATE queue SET told = ? WHERE conversation = ?",
        vec![SqlStorageValue::from(i64::from(position)), conversation.into()],
    )?;
    Ok(())
}

/// Every seat, and when each was last given a chat.
pub fn seats(sql: &SqlStorage) -> worker::Result<Vec<(Seat, u64)>> {
    #[derive(Deserialize)]
    struct Row {
        json: String,
        last_assigned_at: u64,
    }
    let rows: Vec<Row> = sql.exec("SELECT json, last_assigned_at FROM seats ORDER BY name", None)?.to_array()?;
    Ok(rows.into_iter().filter_map(|r| Some((serde_json::from_str(&r.json).ok()?, r.last_assigned_at))).collect())
}

/// An operator's shifts, if they set any.
pub fn shifts_of(sql: &SqlStorage, name: &str) -> worker::Result<Option<Shifts>> {
    #[derive(Deserialize)]
    struct Row {
        json: String,
    }
    let rows: Vec<Row> = sql.exec("SELECT json FROM shifts WHERE name = ?", vec![name.into()])?.to_array()?;
    Ok(rows.into_iter().next().and_then(|r| serde_json::from_str(&r.json).ok()))
}

/// Every operator's shifts, by name.
pub fn all_shifts(sql: &SqlStorage) -> worker::Result<Vec<(String, Shifts)>> {
    #[derive(Deserialize)]
    struct Row {
        name: String,
        json: String,
    }
    let rows: Vec<Row> = sql.exec("SELECT name, json FROM shifts ORDER BY name", None)?.to_array()?;
    Ok(rows.into_iter().filter_map(|r| Some((r.name, serde_json::from_str(&r.json).ok()?))).collect())
}

/// Sets an operator's shifts (checked by the Worker); none left: the row goes.
pub fn set_shifts(sql: &SqlStorage, name: &str, shifts: &Shifts) -> worker::Result<()> {
    if shifts.week.is_empty() {
        sql.exec("DELETE FROM shifts WHERE name = ?", vec![name.into()])?;
    } else {
        sql.exec(
            "INSERT INTO shifts (name, json) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET json = excluded.json",
            vec![name.into(), serde_json::to_string(shifts)?.into()],
        )?;
    }
    Ok(())
}

/// Practice results kept per trainee (the newest).
pub const PRACTICE_KEPT: u64 = 20;

/// Files a practice result; only the trainee's newest [`PRACTICE_KEPT`] stay.
pub fn practiced(sql: &SqlStorage, r: &PracticeResult) -> worker::Result<()> {
    sql.exec(
        "INSERT INTO practice (trainee, json) VALUES (?, ?)",
        vec![r.trainee.as_str().into(), serde_json::to_string(r)?.into()],
    )?;
    sql.exec(
        "DELETE FROM practice WHERE trainee = ? AND id NOT IN
           (SELECT id FROM practice WHERE trainee = ? ORDER BY id DESC LIMIT ?)",
        vec![r.trainee.as_str().into(), r.trainee.as_str().into(), int(PRACTICE_KEPT)],
    )?;
    Ok(())
}

/// Practice results of these trainees (`None`: everyone's), newest first.
pub fn practice_of(sql: &SqlStorage, trainees: Option<&[String]>) -> worker::Result<Vec<PracticeResult>> {
    #[derive(Deserialize)]
    struct Row {
        trainee: String,
        json: String,
    }
    let rows: Vec<Row> = sql.exec("SELECT trainee, json FROM practice ORDER BY id DESC LIMIT 500", None)?.to_array()?;
    Ok(rows
        .into_iter()
        .filter(|r| trainees.is_none_or(|t| t.contains(&r.trainee)))
        .filter_map(|r| serde_json::from_str(&r.json).ok())
        .collect())
}

/// Sets a seat (checked by the Worker).
pub fn set_seat(sql: &SqlStorage, seat: &Seat) -> worker::Result<()> {
    sql.exec(
        "INSERT INTO seats (name, json) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET json = excluded.json",
        vec![seat.name.as_str().into(), serde_json::to_string(seat)?.into()],
    )?;
    Ok(())
}

/// Open chats per operator, for `names`.
pub fn loads(sql: &SqlStorage, names: &[&str]) -> worker::Result<Vec<u32>> {
    #[derive(Deserialize)]
    struct Row {
        n: u32,
    }
    names
        .iter()
        .map(|name| {
            let q = "SELECT count(*) AS n FROM lines WHERE assignee = ? AND outcome IS NULL";
            Ok(sql.exec(q, vec![(*name).into()])?.one::<Row>()?.n)
        })
        .collect()
}

/// The mean handling time of the last 50 closed conversations (ms;
/// `None`: none closed yet).
pub fn handling_ms(sql: &SqlStorage) -> worker::Result<Option<u64>> {
    #[derive(Deserialize)]
    struct Row {
        ms: Option<f64>,
    }
    let row: Row = sql
        .exec(
            "SELECT avg(updated_at - created_at) AS ms FROM (SELECT created_at, updated_at FROM lines
             WHERE outcome IS NOT NULL ORDER BY updated_at DESC LIMIT 50)",
            None,
        )?
        .one()?;
    Ok(row.ms.map(|ms| ms as u64))
}

/// A deleted conversation leaves the queue and its offer.
pub fn forget(sql: &SqlStorage, conversation: &str) -> worker::Result<()> {
    sql.exec("DELETE FROM queue WHERE conversation = ?", vec![conversation.into()])?;
    sql.exec("DELETE FROM offers WHERE conversation = ?", vec![conversation.into()])?;
    Ok(())
}
