//! What moderators work with, as the Worker stores it and the console shows
//! it: the room a message was posted in, reports (the review queue: flagged,
//! held and blocked messages with the rules they broke), cases (one
//! offender, the moderation workflow's state and log, the evidence),
//! sanctions with their expiry, and incidents with their CSV export.

use serde::{Deserialize, Serialize};

use crate::ids::ConversationId;
use crate::protocol::WireName;
use crate::rules::Action;
use crate::workflow::{Event, Sanction, Severity, State};

/// Where a message was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "id")]
pub enum Room {
    /// A 1:1 conversation.
    Conversation(ConversationId),
    /// A public channel of the site.
    Channel(String),
}

impl Room {
    /// For people: `#live` or `conversation 3f2a…`.
    pub fn label(&self) -> String {
        match self {
            Room::Channel(id) => format!("#{id}"),
            Room::Conversation(id) => format!("conversation {}", &id.as_str()[..8.min(id.as_str().len())]),
        }
    }
}

/// A rule a message broke (the engine's verdict, as stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// The rule's id.
    pub rule: String,
    /// Its severity.
    pub severity: Severity,
    /// Its action.
    pub action: Action,
    /// What matched.
    pub why: String,
    /// The message's words a word rule matched (normalised), so a
    /// moderator can allow them in one click when they are innocent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReportStatus {
    /// Waiting for a moderator (a held message waits to be approved or rejected).
    Open,
    /// A held message a moderator approved: delivered.
    Approved,
    /// A held message a moderator rejected: never delivered.
    Rejected,
    /// Taken into a case, or dismissed.
    Done,
}

impl WireName for ReportStatus {
    const ALL: &'static [Self] =
        &[ReportStatus::Open, ReportStatus::Approved, ReportStatus::Rejected, ReportStatus::Done];
    fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Approved => "approved",
            ReportStatus::Rejected => "rejected",
            ReportStatus::Done => "done",
        }
    }
}

/// A message the rules caught: one line of the review queue, and evidence
/// kept as it was even if it is later removed from the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Id, given by the site's object.
    pub id: u64,
    /// Where it was posted.
    pub room: Room,
    /// The sender's member id.
    pub member: String,
    /// The sender's display name.
    pub name: String,
    /// The message's client id (a held message is approved by it).
    pub message: String,
    /// The text, exactly as sent.
    pub text: String,
    /// When it was sent (ms since the epoch).
    pub at: u64,
    /// The rules it broke.
    pub hits: Vec<Hit>,
    /// What the engine did with it.
    pub action: Action,
    /// The highest severity of the hits.
    pub severity: Severity,
    /// Where it stands.
    pub status: ReportStatus,
    /// How many messages it stands for: the sender's repeats within
    /// [`MERGE_MS`] are merged into one report ([`Report::absorb`]).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u32,
    /// A held upload's address (its capability), where the moderator looks
    /// at the file before deciding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// A sender's reports of one kind in one room, each within this time of
/// the last, are one line of the queue.
pub const MERGE_MS: u64 = 10 * 60_000;

impl Report {
    /// Merges `newer` into this report if it repeats it: the same sender,
    /// room and action, this one still open and its last message at most
    /// [`MERGE_MS`] before. The report then shows the newest message and
    /// counts both. A held message is never merged: each waits for its own
    /// review; nor is a removal's evidence (filed done). `false`: file
    /// `newer` as its own report.
    pub fn absorb(&mut self, newer: &Report) -> bool {
        let repeats = self.status == ReportStatus::Open
            && newer.status == ReportStatus::Open
            && self.reporters().next().is_none()
            && newer.reporters().next().is_none()
            && self.action != Action::Hold
            && newer.action == self.action
            && newer.room == self.room
            && newer.member == self.member
            && newer.at.saturating_sub(self.at) <= MERGE_MS;
        if repeats {
            let count = self.count.saturating_add(newer.count);
            let severity = self.severity.max(newer.severity);
            *self = Report { id: self.id, count, severity, ..newer.clone() };
        }
        repeats
    }

    /// The first rule hit whose action was taken (what the sender is told).
    pub fn rule(&self) -> &str {
        self.hits.iter().find(|h| h.action == self.action).map_or("", |h| h.rule.as_str())
    }

    /// The mute an auto-muting rule applied (no case), if it did.
    pub fn auto_mute(&self) -> Option<SanctionRecord> {
        let Action::Mute { minutes } = self.action else { return None };
        let reason = format!("rule {}", self.rule());
        Some(SanctionRecord::new(&self.member, 0, Sanction::Mute, Some(minutes), &reason, self.at))
    }
}

/// The queue's order: open first, then most severe, then newest.
pub fn queue_order(a: &Report, b: &Report) -> std::cmp::Ordering {
    let open = |r: &Report| r.status == ReportStatus::Open;
    open(b).cmp(&open(a)).then(b.severity.cmp(&a.severity)).then(b.at.cmp(&a.at))
}

/// One entry of a case's log: a moderation workflow event, who, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEntry {
    /// The moderator.
    pub by: String,
    /// When (ms since the epoch).
    pub at: u64,
    /// What.
    pub event: Event,
}

/// A moderation case: one offender in one room, run through the moderation
/// workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    /// Id, given by the site's object.
    pub id: u64,
    /// Where.
    pub room: Room,
    /// The offender's member id.
    pub member: String,
    /// Their display name.
    pub name: String,
    /// The evidence: the reports taken into the case, as they were.
    pub evidence: Vec<Report>,
    /// The moderation workflow's state.
    pub state: State,
    /// Every event applied, in order.
    pub log: Vec<CaseEntry>,
    /// When it was opened.
    pub opened_at: u64,
}

/// Body of `POST …/cases`: open a case about a report, or about a member
/// of a room (an abusive customer in a 1:1 chat) with a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenCase {
    /// The report the case is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<u64>,
    /// Or: the conversation whose customer the case is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<ConversationId>,
}

/// Body of `POST …/reports/{id}/review`: approve or reject a held message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// Deliver it (`true`) or drop it for good.
    pub approve: bool,
}

/// Body of `POST …/cases/{id}/act`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAct {
    /// The moderation event.
    pub event: Event,
}

/// A mute or ban in force (or a warning, kept for the record).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SanctionRecord {
    /// Whom (member id).
    pub member: String,
    /// Which.
    #[cfg_attr(feature = "openapi", schemars(with = "String"))]
    pub kind: Sanction,
    /// Until when (ms since the epoch); `None`: for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u64>,
    /// Why, as the customer is told.
    pub reason: String,
    /// The case that applied it.
    pub case: u64,
    /// When it was applied.
    pub at: u64,
}

impl SanctionRecord {
    /// The record for a sanction event of a case at `now_ms`.
    pub fn new(member: &str, case: u64, kind: Sanction, minutes: Option<u32>, reason: &str, now_ms: u64) -> Self {
        let until = minutes.map(|m| now_ms + u64::from(m) * 60_000);
        Self { member: member.into(), kind, until, reason: reason.into(), case, at: now_ms }
    }

    /// Whether it stops the member at `now_ms` (a warning never does).
    pub fn in_force(&self, now_ms: u64) -> bool {
        self.kind != Sanction::Warn && self.until.is_none_or(|u| now_ms < u)
    }

    /// The refusal `code` of what this sanction stops: its notice, with
    /// the end time and reason as particulars.
    pub fn refusal(&self, code: crate::ErrorCode) -> crate::Refusal {
        crate::Refusal::new(code, self.notice()).with(crate::Detail::sanction(self.until, &self.reason))
    }

    /// What the customer is told, typed.
    pub fn told(&self) -> crate::refusal::Notice {
        let (kind, until, reason) = (self.kind, self.until, self.reason.clone());
        crate::refusal::Notice { kind, until, reason, lifted: false }
    }

    /// What the customer is told, in English, with the end time (UTC).
    pub fn notice(&self) -> String {
        self.told().english()
    }
}

/// The sanction that stops `member` at `now_ms`, if any: a ban before a mute.
pub fn stopping<'a>(records: &'a [SanctionRecord], member: &str, now_ms: u64) -> Option<&'a SanctionRecord> {
    records
        .iter()
        .filter(|r| r.member == member && r.in_force(now_ms))
        .max_by_key(|r| (r.kind == Sanction::Ban, r.until))
}

/// The ban that stops `member` at `now_ms`, if any.
pub fn banning<'a>(records: &'a [SanctionRecord], member: &str, now_ms: u64) -> Option<&'a SanctionRecord> {
    stopping(records, member, now_ms).filter(|r| r.kind == Sanction::Ban)
}

/// `YYYY-MM-DD HH:MM` of a time in ms since the epoch (UTC; civil-from-days).
pub fn clock(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    format!("{} {:02}:{:02}", crate::metrics::day_label(days), rest / 3600, rest % 3600 / 60)
}

/// One change of the moderation desk, pushed to every console, which puts
/// it in its list (instead of fetching the lists again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeskItem {
    /// A report filed, merged or decided.
    Report(Report),
    /// A case opened or moved on.
    Case(Case),
    /// A mute or ban now in force site-wide.
    Sanction(SanctionRecord),
    /// A member's sanction of this kind lifted.
    Lifted {
        /// Whom.
        member: String,
        /// Which.
        kind: Sanction,
    },
    /// An incident logged.
    Incident(Incident),
}

/// Most changes one push carries; a busier moment pushes none, and the
/// consoles fetch their lists again.
pub const DESK_BATCH: usize = 100;

/// The changes of a moment, pushed together: a newer state of the same
/// report or case replaces the older; `too_many` once past [`DESK_BATCH`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeskBatch {
    /// The changes, oldest first.
    pub items: Vec<DeskItem>,
    /// More changed than one push carries.
    pub too_many: bool,
    /// The newest alert for every moderator, if any.
    pub alert: Option<String>,
}

impl DeskBatch {
    /// Adds one change (none once there are too many: the consoles will
    /// fetch their lists again).
    pub fn add(&mut self, item: DeskItem) {
        if self.too_many {
            return;
        }
        let same = |old: &DeskItem| match (old, &item) {
            (DeskItem::Report(a), DeskItem::Report(b)) => a.id == b.id,
            (DeskItem::Case(a), DeskItem::Case(b)) => a.id == b.id,
            _ => false,
        };
        self.items.retain(|old| !same(old));
        self.items.push(item);
        if self.items.len() > DESK_BATCH {
            self.items.clear();
            self.too_many = true;
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && !self.too_many && self.alert.is_none()
    }

    /// The changes one push carries: none when there were too many.
    pub fn pushed(self) -> (Option<String>, Vec<DeskItem>) {
        (self.alert, if self.too_many { Vec::new() } else { self.items })
    }
}

/// A closed record of what happened: the case's rules, evidence, severity,
/// actions, moderator, time and escalation.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    /// The case.
    pub case: u64,
    /// Where.
    #[cfg_attr(feature = "openapi", schemars(with = "serde_json::Value"))]
    pub room: Room,
    /// The offender's member id.
    pub member: String,
    /// Their display name.
    pub name: String,
    /// The rules broken (from the evidence and the flag).
    pub rules: Vec<String>,
    /// The messages, as they were.
    #[cfg_attr(feature = "openapi", schemars(with = "Vec<serde_json::Value>"))]
    pub evidence: Vec<Report>,
    /// The assessed severity.
    #[cfg_attr(feature = "openapi", schemars(with = "Option<String>"))]
    pub severity: Option<Severity>,
    /// The sanctions applied (`"mute 30 min"`, `"ban"`, `"warn"`), lifts included.
    pub actions: Vec<String>,
    /// Who logged it.
    pub moderator: String,
    /// When.
    pub at: u64,
    /// The escalation (team and note), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// The moderator's summary.
    pub summary: String,
}

impl Incident {
    /// The incident a case's log amounts to, logged by `moderator` at `now_ms`.
    pub fn of(case: &Case, moderator: &str, summary: &str, now_ms: u64) -> Self {
        let mut rules: Vec<String> = case.evidence.iter().flat_map(|r| r.hits.iter().map(|h| h.rule.clone())).collect();
        rules.dedup();
        let mut actions = Vec::new();
        let mut escalation = None;
        for entry in &case.log {
            match &entry.event {
                Event::Sanction { kind, minutes: Some(m) } => actions.push(format!("{} {m} min", kind.as_str())),
                Event::Sanction { kind, minutes: None } => actions.push(kind.as_str().to_owned()),
                Event::Lift { kind } => actions.push(format!("lift {}", kind.as_str())),
                Event::Escalate { team, note } => escalation = Some(format!("{team}: {note}")),
                _ => {}
            }
        }
        Incident {
            case: case.id,
            room: case.room.clone(),
            member: case.member.clone(),
            name: case.name.clone(),
            rules,
            evidence: case.evidence.clone(),
            severity: case.state.severity,
            actions,
            moderator: moderator.into(),
            at: now_ms,
            escalation,
            summary: summary.into(),
        }
    }

    /// Whether a search for `q` (case-insensitive, in any text) finds it.
    pub fn matches(&self, q: &str) -> bool {
        let q = q.trim().to_lowercase();
        q.is_empty() || csv_row(self).to_lowercase().contains(&q)
    }
}

/// The CSV header of [`incidents_csv`].
pub const CSV_HEADER: &str =
    "case,time_utc,room,member,name,rules,severity,actions,moderator,escalation,summary,evidence";

/// Incidents as CSV (RFC 4180 quoting; cells that a spreadsheet would read
/// as a formula are prefixed with `'`).
pub fn incidents_csv(incidents: &[Incident]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for i in incidents {
        out.push_str(&csv_row(i));
        out.push_str("\r\n");
    }
    out
}

fn csv_row(i: &Incident) -> String {
    let evidence: Vec<String> = i.evidence.iter().map(|r| format!("[{}] {}", clock(r.at), r.text)).collect();
    let cells = [
        i.case.to_string(),
        clock(i.at),
        i.room.label(),
        i.member.clone(),
        i.name.clone(),
        i.rules.join(" "),
        i.severity.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        i.actions.join("; "),
        i.moderator.clone(),
        i.escalation.clone().unwrap_or_default(),
        i.summary.clone(),
        evidence.join(" | "),
    ];
    cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",")
}

/// One CSV cell: RFC 4180 quoting, and a leading `'` on what a spreadsheet would
/// read as a formula.
pub fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.into() };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The rule of a viewer's report: the hit's `why` is the viewer's reason
/// and its `found` the viewer's member id.
pub const VIEWER_REPORT: &str = "report";

/// The rule of a moderator's removal of a published message (the evidence
/// report): the hit's `found` is the moderator's name.
pub const REMOVED: &str = "removed";

impl Report {
    /// The viewers who reported the message (a viewer's report of a
    /// published channel message: one [`VIEWER_REPORT`] hit each; none for
    /// the rules' reports).
    pub fn reporters(&self) -> impl Iterator<Item = &str> {
        self.hits.iter().filter(|h| h.rule == VIEWER_REPORT).filter_map(|h| h.found.as_deref())
    }

    /// Counts the viewers of `newer`, a viewer's report of the same message,
    /// into this one (the rules' flag of it, or the viewers' line): the
    /// first viewer of a flag brings their reason's severity if graver, and
    /// each further new viewer raises it a step (up to critical); a report
    /// that was dismissed reopens. `false`: not the same message, or nobody
    /// new (a viewer reporting again counts once).
    pub fn also_reported(&mut self, newer: &Report) -> bool {
        let same = (&self.room, &self.message) == (&newer.room, &newer.message);
        let known: Vec<String> = self.reporters().map(str::to_owned).collect();
        let new: Vec<Hit> = newer
            .hits
            .iter()
            .filter(|h| h.rule == VIEWER_REPORT && h.found.as_ref().is_some_and(|f| !known.contains(f)))
            .cloned()
            .collect();
        if !same || new.is_empty() {
            return false;
        }
        let mut raises = new.len();
        if known.is_empty() {
            self.severity = self.severity.max(newer.severity);
            raises -= 1;
        }
        for _ in 0..raises {
            self.severity = match self.severity {
                Severity::Low => Severity::Medium,
                Severity::Medium => Severity::High,
                _ => Severity::Critical,
            };
        }
        self.hits.extend(new);
        self.status = ReportStatus::Open;
        true
    }
}

#[cfg(test)]
mod tests;
