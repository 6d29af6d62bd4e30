//! The moderation desk's SQLite tables in the site's Inbox object: reports
//! (the review queue), cases, sanctions and incidents, each row one JSON
//! value of its `shared::moderation_case` type (these are read whole, and
//! only a few hundred at a time).

use serde::de::DeserializeOwned;
use serde::Deserialize;
use shared::feedback::Label;
use shared::moderation_case::{queue_order, Case, Incident, Report, SanctionRecord, REMOVED, VIEWER_REPORT};
use shared::rules::Action;
use shared::transcript::{Erasure, ERASED};
use shared::workflow::Sanction;
use worker::{SqlStorage, SqlStorageValue};

use crate::calls::inbox::{Stored, DESK_TABLES as TABLES};

/// Most reports, cases and incidents read at once (newest first).
const LIMIT: i64 = 500;

/// Creates the tables if they are missing.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    for table in ["reports", "cases", "incidents"] {
        sql.exec(
            &format!("CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL)"),
            None,
        )?;
    }
    sql.exec(
        "CREATE TABLE IF NOT EXISTS sanctions (id INTEGER PRIMARY KEY AUTOINCREMENT, member TEXT NOT NULL, json TEXT NOT NULL)",
        None,
    )?;
    // A report's sender, to find their last one (repeats are merged into it).
    crate::room::sql::add_column(sql, "reports", "member", "TEXT NOT NULL DEFAULT ''")?;
    sql.exec("CREATE INDEX IF NOT EXISTS reports_by_member ON reports (member, id)", None)?;
    // The moderators' decisions as labels of the engine (`shared::feedback`).
    sql.exec(
        "CREATE TABLE IF NOT EXISTS labels (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, json TEXT NOT NULL)",
        None,
    )?;
    sql.exec("CREATE INDEX IF NOT EXISTS labels_by_at ON labels (at)", None)?;
    // Customers' erasures (GDPR Art. 17): the newest ERASURES kept.
    sql.exec("CREATE TABLE IF NOT EXISTS erasures (id INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL)", None)?;
    sql.exec("CREATE TABLE IF NOT EXISTS starts (key TEXT NOT NULL, at INTEGER NOT NULL)", None)?;
    sql.exec("CREATE INDEX IF NOT EXISTS starts_by_key ON starts (key, at)", None)?;
    Ok(())
}

/// Counts one more start for `key` unless `limit` were made within
/// `window_ms` before `now_ms`; `Err(ms)`: how long until one is allowed.
pub fn admit(
    sql: &SqlStorage,
    key: &str,
    limit: usize,
    window_ms: u64,
    now_ms: u64,
) -> worker::Result<Result<(), u64>> {
    #[derive(Deserialize)]
    struct At {
        at: u64,
    }
    let since = now_ms.saturating_sub(window_ms) as i64;
    sql.exec("DELETE FROM starts WHERE at <= ?", vec![SqlStorageValue::from(since)])?;
    let recent: Vec<At> = sql
        .exec(
            "SELECT at FROM starts WHERE key = ? ORDER BY at DESC LIMIT ?",
            vec![key.into(), SqlStorageValue::from(limit as i64)],
        )?
        .to_array()?;
    if recent.len() >= limit {
        let oldest = recent.last().map_or(now_ms, |r| r.at);
        return Ok(Err((oldest + window_ms).saturating_sub(now_ms)));
    }
    sql.exec("INSERT INTO starts (key, at) VALUES (?, ?)", vec![key.into(), SqlStorageValue::from(now_ms as i64)])?;
    Ok(Ok(()))
}

#[derive(Deserialize)]
struct Row {
    json: String,
}

fn rows<T: DeserializeOwned>(sql: &SqlStorage, query: &str, bindings: Vec<SqlStorageValue>) -> worker::Result<Vec<T>> {
    let rows: Vec<Row> = sql.exec(query, bindings)?.to_array()?;
    rows.iter().map(|r| serde_json::from_str(&r.json).map_err(crate::error::internal)).collect()
}

/// Inserts a row and returns its new id.
fn insert(sql: &SqlStorage, table: &str, json: String) -> worker::Result<u64> {
    #[derive(Deserialize)]
    struct Id {
        id: u64,
    }
    let id: Id = sql.exec(&format!("INSERT INTO {table} (json) VALUES (?) RETURNING id"), vec![json.into()])?.one()?;
    Ok(id.id)
}

fn update(sql: &SqlStorage, table: &str, id: u64, json: String) -> worker::Result<()> {
    sql.exec(
        &format!("UPDATE {table} SET json = ? WHERE id = ?"),
        vec![json.into(), SqlStorageValue::from(id as i64)],
    )?;
    Ok(())
}

fn one<T: DeserializeOwned>(sql: &SqlStorage, table: &str, id: u64) -> worker::Result<Option<T>> {
    let found = rows(sql, &format!("SELECT json FROM {table} WHERE id = ?"), vec![SqlStorageValue::from(id as i64)])?;
    Ok(found.into_iter().next())
}

/// How many of a sender's newest reports a viewer's report is matched
/// against (the same message reported again).
const VIEWER_REPORTS_SCANNED: i64 = 50;

/// Files a report, merged into its sender's last one if it repeats it
/// ([`Report::absorb`]); returns the queue's line (with its id), or `None`
/// if that line already stands for this very message (a room filing again
/// after it was not told the first filing went through). A viewer's report
/// joins the line of the same published message (the rules' flag of it,
/// or other viewers' reports; [`Report::also_reported`]).
pub fn add_report(sql: &SqlStorage, mut report: Report) -> worker::Result<Option<Report>> {
    if report.reporters().next().is_some() {
        let query = "SELECT json FROM reports WHERE member = ? ORDER BY id DESC LIMIT ?";
        let bindings = vec![report.member.as_str().into(), SqlStorageValue::from(VIEWER_REPORTS_SCANNED)];
        let lines = rows::<Report>(sql, query, bindings)?;
        let published = |l: &Report| (&l.room, &l.message, l.action) == (&report.room, &report.message, Action::Flag);
        if let Some(mut line) = lines.into_iter().find(published) {
            if !line.also_reported(&report) {
                return Ok(None);
            }
            save_report(sql, &line)?;
            return Ok(Some(line));
        }
    } else {
        let query = "SELECT json FROM reports WHERE member = ? ORDER BY id DESC LIMIT 1";
        if let Some(mut last) = rows::<Report>(sql, query, vec![report.member.as_str().into()])?.pop() {
            let filed_before = (&last.room, &last.message, last.at, last.rule());
            if filed_before == (&report.room, &report.message, report.at, report.rule()) {
                return Ok(None);
            }
            if last.absorb(&report) {
                save_report(sql, &last)?;
                return Ok(Some(last));
            }
        }
    }
    #[derive(Deserialize)]
    struct Id {
        id: u64,
    }
    let query = "INSERT INTO reports (json, member) VALUES ('{}', ?) RETURNING id";
    report.id = sql.exec(query, vec![report.member.as_str().into()])?.one::<Id>()?.id;
    save_report(sql, &report)?;
    Ok(Some(report))
}

/// The rules that flagged a published message of `report`'s sender (not
/// viewers' reports or removals), from their newest reports.
pub fn flags_of(sql: &SqlStorage, report: &Report) -> worker::Result<Vec<String>> {
    let query = "SELECT json FROM reports WHERE member = ? ORDER BY id DESC LIMIT ?";
    let bindings = vec![report.member.as_str().into(), SqlStorageValue::from(VIEWER_REPORTS_SCANNED)];
    let mut rules: Vec<String> = Vec::new();
    for line in rows::<Report>(sql, query, bindings)? {
        if (&line.room, &line.message) != (&report.room, &report.message) {
            continue;
        }
        for hit in line.hits {
            if ![VIEWER_REPORT, REMOVED].contains(&hit.rule.as_str()) && !rules.contains(&hit.rule) {
                rules.push(hit.rule);
            }
        }
    }
    Ok(rules)
}

/// One report.
pub fn report(sql: &SqlStorage, id: u64) -> worker::Result<Option<Report>> {
    one(sql, "reports", id)
}

/// Saves a changed report.
pub fn save_report(sql: &SqlStorage, report: &Report) -> worker::Result<()> {
    update(sql, "reports", report.id, serde_json::to_string(report)?)
}

/// The newest reports, in queue order.
pub fn reports(sql: &SqlStorage) -> worker::Result<Vec<Report>> {
    let mut list: Vec<Report> =
        rows(sql, "SELECT json FROM reports ORDER BY id DESC LIMIT ?", vec![SqlStorageValue::from(LIMIT)])?;
    list.sort_by(queue_order);
    Ok(list)
}

/// Opens a case; returns it with its id.
pub fn add_case(sql: &SqlStorage, mut case: Case) -> worker::Result<Case> {
    let id = insert(sql, "cases", "{}".into())?;
    case.id = id;
    update(sql, "cases", id, serde_json::to_string(&case)?)?;
    Ok(case)
}

/// One case.
pub fn case(sql: &SqlStorage, id: u64) -> worker::Result<Option<Case>> {
    one(sql, "cases", id)
}

/// Saves a changed case.
pub fn save_case(sql: &SqlStorage, case: &Case) -> worker::Result<()> {
    update(sql, "cases", case.id, serde_json::to_string(case)?)
}

/// The newest cases first.
pub fn cases(sql: &SqlStorage) -> worker::Result<Vec<Case>> {
    rows(sql, "SELECT json FROM cases ORDER BY id DESC LIMIT ?", vec![SqlStorageValue::from(LIMIT)])
}

/// Records a sanction.
pub fn add_sanction(sql: &SqlStorage, record: &SanctionRecord) -> worker::Result<()> {
    sql.exec(
        "INSERT INTO sanctions (member, json) VALUES (?, ?)",
        vec![record.member.as_str().into(), serde_json::to_string(record)?.into()],
    )?;
    Ok(())
}

/// The sanctions in force at `now_ms` (of one member, or of everyone).
pub fn sanctions(sql: &SqlStorage, member: Option<&str>, now_ms: u64) -> worker::Result<Vec<SanctionRecord>> {
    let all: Vec<SanctionRecord> = match member {
        Some(m) => rows(sql, "SELECT json FROM sanctions WHERE member = ?", vec![m.into()])?,
        None => rows(sql, "SELECT json FROM sanctions ORDER BY id DESC", vec![])?,
    };
    Ok(all.into_iter().filter(|r| r.in_force(now_ms)).collect())
}

/// Ends `member`'s sanctions of `kind`.
pub fn lift(sql: &SqlStorage, member: &str, kind: Sanction) -> worker::Result<()> {
    let all: Vec<SanctionRecord> = rows(sql, "SELECT json FROM sanctions WHERE member = ?", vec![member.into()])?;
    sql.exec("DELETE FROM sanctions WHERE member = ?", vec![member.into()])?;
    all.iter().filter(|r| r.kind != kind).try_for_each(|r| add_sanction(sql, r))
}

/// Records an incident.
pub fn add_incident(sql: &SqlStorage, incident: &Incident) -> worker::Result<()> {
    insert(sql, "incidents", serde_json::to_string(incident)?).map(drop)
}

/// The newest incidents a search for `q` finds.
pub fn incidents(sql: &SqlStorage, q: &str) -> worker::Result<Vec<Incident>> {
    let all: Vec<Incident> =
        rows(sql, "SELECT json FROM incidents ORDER BY id DESC LIMIT ?", vec![SqlStorageValue::from(LIMIT)])?;
    Ok(all.into_iter().filter(|i| i.matches(q)).collect())
}

fn table(name: &str) -> worker::Result<&'static str> {
    TABLES.into_iter().find(|t| *t == name).ok_or_else(|| crate::error::internal(format!("no desk table {name}")))
}

/// Up to 500 rows of a desk table after id `after` (a move to the desk part).
pub fn export(sql: &SqlStorage, name: &str, after: u64) -> worker::Result<Vec<Stored>> {
    let t = table(name)?;
    let member = if matches!(t, "reports" | "sanctions") { "member" } else { "NULL AS member" };
    let query = format!("SELECT id, json, {member} FROM {t} WHERE id > ? ORDER BY id LIMIT 500");
    sql.exec(&query, vec![SqlStorageValue::from(after as i64)])?.to_array()
}

/// Writes moved rows with their ids (again: kept as they are).
pub fn import(sql: &SqlStorage, name: &str, rows: &[Stored]) -> worker::Result<()> {
    let t = table(name)?;
    for r in rows {
        let id = SqlStorageValue::from(r.id as i64);
        match (t, &r.member) {
            ("reports" | "sanctions", Some(m)) => sql.exec(
                &format!("INSERT OR IGNORE INTO {t} (id, json, member) VALUES (?, ?, ?)"),
                vec![id, r.json.as_str().into(), m.as_str().into()],
            )?,
            _ => sql.exec(
                &format!("INSERT OR IGNORE INTO {t} (id, json) VALUES (?, ?)"),
                vec![id, r.json.as_str().into()],
            )?,
        };
    }
    Ok(())
}

/// Keeps a moderator's decision as a label.
pub fn add_label(sql: &SqlStorage, label: &Label) -> worker::Result<()> {
    let json = serde_json::to_string(label).map_err(|e| worker::Error::RustError(e.to_string()))?;
    sql.exec("INSERT INTO labels (at, json) VALUES (?, ?)", vec![SqlStorageValue::from(label.at as i64), json.into()])?;
    Ok(())
}

/// Most labels one report counts (newest first).
const LABELS_READ: i64 = 20_000;

/// The labels since `since_ms`, newest first, to count: without their texts
/// (up to [`LABELS_READ`] × 4,000 characters, more than a Worker holds).
pub fn label_counts(sql: &SqlStorage, since_ms: u64) -> worker::Result<Vec<Label>> {
    rows(
        sql,
        "SELECT json_set(json, '$.text', '') AS json FROM labels WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?",
        vec![SqlStorageValue::from(since_ms as i64), SqlStorageValue::from(LABELS_READ)],
    )
}

/// Most bytes of labels' JSON one page holds.
const LABELS_PAGE_BYTES: usize = 4 << 20;

/// A page of the labels since `since_ms` kept before label `before`, newest
/// first: at most `limit` of them and [`LABELS_PAGE_BYTES`] (at least one);
/// and the label to continue before, if more remain.
pub fn labels(
    sql: &SqlStorage,
    since_ms: u64,
    before: Option<u64>,
    limit: u32,
) -> worker::Result<(Vec<Label>, Option<u64>)> {
    #[derive(Deserialize)]
    struct Kept {
        id: u64,
        json: String,
    }
    let before = before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
    let cursor = sql.exec(
        "SELECT id, json FROM labels WHERE at >= ? AND id < ? ORDER BY id DESC",
        vec![SqlStorageValue::from(since_ms as i64), SqlStorageValue::from(before)],
    )?;
    let (mut page, mut bytes) = (Vec::new(), 0);
    let mut last = None;
    for row in cursor.next::<Kept>() {
        let row = row?;
        bytes += row.json.len();
        if let Some(last) = last.filter(|_| page.len() >= limit as usize || bytes > LABELS_PAGE_BYTES) {
            return Ok((page, Some(last)));
        }
        page.push(serde_json::from_str(&row.json).map_err(crate::error::internal)?);
        last = Some(row.id);
    }
    Ok((page, None))
}

/// Empties the desk's tables (the settings part, once they moved).
pub fn clear(sql: &SqlStorage) -> worker::Result<()> {
    for t in TABLES {
        sql.exec(&format!("DELETE FROM {t}"), None)?;
    }
    Ok(())
}

/// Retention of the desk: sanctions no longer in force go, and reports a
/// moderator dealt with (not open) and labels once older than `keep_ms`. Open reports,
/// cases and incidents (the evidence) stay. The rows left that can expire.
pub fn purge(sql: &SqlStorage, now_ms: u64, keep_ms: u64) -> worker::Result<u64> {
    let now = SqlStorageValue::from(now_ms as i64);
    sql.exec(
        "DELETE FROM sanctions WHERE json_extract(json, '$.kind') = 'warn'
            OR (json_extract(json, '$.until') IS NOT NULL AND json_extract(json, '$.until') <= ?)",
        vec![now],
    )?;
    let cutoff = SqlStorageValue::from(now_ms.saturating_sub(keep_ms) as i64);
    sql.exec(
        "DELETE FROM reports WHERE json_extract(json, '$.status') != 'open' AND json_extract(json, '$.at') < ?",
        vec![cutoff.clone()],
    )?;
    sql.exec("DELETE FROM labels WHERE at < ?", vec![cutoff])?;
    Ok(expiring(sql)?.iter().sum())
}

/// Rows of the desk that retention removes in time: sanctions (all but
/// those for good), reports not open, labels → `[sanctions, reports, labels]`.
pub fn expiring(sql: &SqlStorage) -> worker::Result<[u64; 3]> {
    #[derive(Deserialize)]
    struct Row {
        sanctions: u64,
        reports: u64,
        labels: u64,
    }
    let row: Row = sql
        .exec(
            "SELECT (SELECT count(*) FROM sanctions WHERE json_extract(json, '$.until') IS NOT NULL) AS sanctions,
                (SELECT count(*) FROM reports WHERE json_extract(json, '$.status') != 'open') AS reports,
                (SELECT count(*) FROM labels) AS labels",
            None,
        )?
        .one()?;
    Ok([row.sanctions, row.reports, row.labels])
}

/// Erasure log rows kept (the oldest go first).
const ERASURES: i64 = 10_000;

/// Erases a customer from the desk: the reports of their messages go;
/// cases and incidents about them stay as a redacted copy (no member id,
/// name or text: the moderation record without the person); the erasure
/// is logged. `erasure` comes with the rooms' counts filled in.
pub fn erase(sql: &SqlStorage, member: &str, mut erasure: Erasure) -> worker::Result<Erasure> {
    // An empty member id is no one's (it would match every such row): only logged.
    if !member.is_empty() {
        let deleted = sql.exec("DELETE FROM reports WHERE member = ?", vec![member.into()])?.rows_written();
        erasure.reports = deleted as u32;
        erasure.redacted = redact_about(sql, member)?;
    }
    let json = serde_json::to_string(&erasure).map_err(|e| worker::Error::RustError(e.to_string()))?;
    sql.exec("INSERT INTO erasures (json) VALUES (?)", vec![json.into()])?;
    sql.exec("DELETE FROM erasures WHERE id <= (SELECT MAX(id) FROM erasures) - ?", vec![ERASURES.into()])?;
    Ok(erasure)
}

/// Cases and incidents about `member` without their person; how many.
fn redact_about(sql: &SqlStorage, member: &str) -> worker::Result<u32> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        json: String,
    }
    let mut redacted = 0;
    for table in ["cases", "incidents"] {
        let query = format!("SELECT id, json FROM {table} WHERE json_extract(json, '$.member') = ?");
        let rows: Vec<Row> = sql.exec(&query, vec![member.into()])?.to_array()?;
        for row in rows {
            let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&row.json) else { continue };
            redact_person(&mut v);
            if let Some(evidence) = v.get_mut("evidence").and_then(|e| e.as_array_mut()) {
                evidence.iter_mut().for_each(redact_person);
            }
            let update = format!("UPDATE {table} SET json = ? WHERE id = ?");
            sql.exec(&update, vec![v.to_string().into(), SqlStorageValue::from(row.id)])?;
            redacted += 1;
        }
    }
    Ok(redacted)
}

/// A report, case or incident without its person: member id, name and text.
fn redact_person(v: &mut serde_json::Value) {
    for (key, blank) in [("member", ""), ("name", ERASED), ("text", ERASED)] {
        if let Some(field) = v.get_mut(key) {
            *field = serde_json::Value::String(blank.into());
        }
    }
}

/// The erasure log, newest first (at most 500).
pub fn erasures(sql: &SqlStorage) -> worker::Result<Vec<Erasure>> {
    #[derive(Deserialize)]
    struct Row {
        json: String,
    }
    let rows: Vec<Row> =
        sql.exec("SELECT json FROM erasures ORDER BY id DESC LIMIT ?", vec![LIMIT.into()])?.to_array()?;
    Ok(rows.iter().filter_map(|r| serde_json::from_str(&r.json).ok()).collect())
}
