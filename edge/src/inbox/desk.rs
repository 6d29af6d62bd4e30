//! The moderation desk, in the site's Inbox object: reports filed by the
//! rooms, the review of held messages, cases run through the moderation
//! workflow (the Inbox applies their events with the same `apply` and
//! enforces sanctions through the room), the site-wide sanctions rooms check
//! at connect, and the incident log with its JSON and CSV export. Every
//! change goes into a [`DeskBatch`] the Inbox pushes to the consoles as
//! `moderation` (with an alert on an escalation).

use serde::Serialize;
use shared::api::ApiError;
use shared::moderation_case::{
    incidents_csv, Case, CaseAct, CaseEntry, DeskBatch, DeskItem, Incident, OpenCase, Report, ReportStatus, Review,
    Room, SanctionRecord,
};
use shared::rules::Action;
use shared::workflow::{apply, Event, Sanction, State, WorkflowKind};
use shared::ErrorCode;
use worker::{Env, Method, Request, Response, Result, SqlStorage, Stub};

use super::desk_sql as db;
use crate::room::{Lift, ReviewHeld, Sender};

/// A JSON error answer.
fn fail(status: u16, code: ErrorCode, message: impl Into<String>) -> Result<Response> {
    Ok(Response::from_json(&ApiError { code, message: message.into() })?.with_status(status))
}

/// The object holding `room` of `site`.
pub fn room_stub(env: &Env, site: &str, room: &Room) -> Result<Stub> {
    match room {
        Room::Conversation(id) => env.durable_object(crate::routes::conversations::BINDING)?.get_by_name(id.as_str()),
        Room::Channel(id) => {
            env.durable_object(crate::channel::BINDING)?.get_by_name(&crate::channel::object_name(site, id))
        }
    }
}

async fn tell_room(env: &Env, site: &str, room: &Room, path: &str, body: &impl Serialize) -> Result<()> {
    let stub = room_stub(env, site, room)?;
    crate::stub::send_json(&stub, Method::Post, &format!("https://room{path}"), body, 200).await
}

/// What a console request to the desk asks: the path after `/desk/`, the
/// moderator's name and the site (both from the query).
pub struct Ask<'a> {
    /// Path segments after `/desk/`.
    pub path: Vec<&'a str>,
    /// The site.
    pub site: String,
    /// The moderator.
    pub name: String,
    /// Search text (incidents).
    pub q: String,
    /// `csv` for the CSV export.
    pub format: String,
}

/// Answers one desk request; what it changed goes into `changes`.
pub async fn handle(
    env: &Env,
    sql: &SqlStorage,
    mut req: Request,
    ask: Ask<'_>,
    changes: &mut DeskBatch,
) -> Result<Response> {
    let now = worker::Date::now().as_millis();
    match (req.method(), ask.path.as_slice()) {
        (Method::Get, ["reports"]) => Response::from_json(&db::reports(sql)?),
        (Method::Get, ["cases"]) => Response::from_json(&db::cases(sql)?),
        (Method::Get, ["sanctions"]) => Response::from_json(&db::sanctions(sql, None, now)?),
        (Method::Get, ["incidents"]) => {
            let list = db::incidents(sql, &ask.q)?;
            if ask.format == "csv" {
                let mut resp = Response::ok(incidents_csv(&list))?;
                resp.headers_mut().set("Content-Type", "text/csv; charset=utf-8")?;
                resp.headers_mut().set("Content-Disposition", "attachment; filename=\"incidents.csv\"")?;
                return Ok(resp);
            }
            let mut resp = Response::from_json(&list)?;
            resp.headers_mut().set("Content-Disposition", "attachment; filename=\"incidents.json\"")?;
            Ok(resp)
        }
        (Method::Post, ["reports", id, "review"]) => {
            let review: Review = match req.json().await {
                Ok(r) => r,
                Err(e) => return fail(400, ErrorCode::Malformed, format!("expected {{\"approve\": bool}}: {e}")),
            };
            let Some(mut report) = id.parse().ok().map(|id| db::report(sql, id)).transpose()?.flatten() else {
                return fail(404, ErrorCode::Malformed, "no such report");
            };
            if report.action != Action::Hold || report.status != ReportStatus::Open {
                return fail(409, ErrorCode::IllegalMove, "only a held message waiting for review can be reviewed");
            }
            let body =
                ReviewHeld { member: report.member.clone(), message: report.message.clone(), approve: review.approve };
            tell_room(env, &ask.site, &report.room, "/review", &body).await?;
            report.status = if review.approve { ReportStatus::Approved } else { ReportStatus::Rejected };
            db::save_report(sql, &report)?;
            changes.add(DeskItem::Report(report.clone()));
            Response::from_json(&report)
        }
        (Method::Post, ["cases"]) => {
            let open: OpenCase = match req.json().await {
                Ok(o) => o,
                Err(e) => return fail(400, ErrorCode::Malformed, format!("expected {{\"report\": id}}: {e}")),
            };
            let case = match (open.report, open.conversation) {
                (Some(id), _) => {
                    let Some(report) = db::report(sql, id)? else {
                        return fail(404, ErrorCode::Malformed, "no such report");
                    };
                    case_from_report(sql, report, &ask.name, now)?
                }
                (None, Some(conversation)) => {
                    let room = Room::Conversation(conversation);
                    let stub = room_stub(env, &ask.site, &room)?;
                    let mut resp = stub
                        .fetch_with_str(&format!("https://room/who?site={}", shared::api::encode_query(&ask.site)))
                        .await?;
                    if resp.status_code() != 200 {
                        return fail(404, ErrorCode::UnknownConversation, "no conversation has this id");
                    }
                    let who: Sender = resp.json().await?;
                    case_about(sql, room, who, &ask.name, now)?
                }
                (None, None) => return fail(400, ErrorCode::Malformed, "name a report or a conversation"),
            };
            // Its evidence left the queue.
            for r in &case.evidence {
                changes.add(DeskItem::Report(r.clone()));
            }
            changes.add(DeskItem::Case(case.clone()));
            Ok(Response::from_json(&case)?.with_status(201))
        }
        (Method::Post, ["cases", id, "act"]) => {
            let act: CaseAct = match req.json().await {
                Ok(a) => a,
                Err(e) => return fail(400, ErrorCode::Malformed, format!("expected {{\"event\": ...}}: {e}")),
            };
            let Some(mut case) = id.parse().ok().map(|id| db::case(sql, id)).transpose()?.flatten() else {
                return fail(404, ErrorCode::Malformed, "no such case");
            };
            if let Event::Escalate { .. } = &act.event {
                let config = super::sql::config(sql)?.map(|(_, c)| c).unwrap_or_default();
                if let Err(why) = config.check_event(&act.event) {
                    return fail(409, ErrorCode::IllegalMove, why);
                }
            }
            let state = match apply(&case.state, &act.event) {
                Ok((state, _)) => state,
                Err(e) => return fail(409, ErrorCode::IllegalMove, e.to_string()),
            };
            case.state = state;
            case.log.push(CaseEntry { by: ask.name.clone(), at: now, event: act.event.clone() });
            enforce(env, sql, &ask, &case, &act.event, now, changes).await?;
            db::save_case(sql, &case)?;
            changes.add(DeskItem::Case(case.clone()));
            Response::from_json(&case)
        }
        _ => fail(404, ErrorCode::Malformed, "no such desk route"),
    }
}

/// A case about a report: the monitor step done, the violation flagged
/// with the report's rules; the report leaves the queue.
fn case_from_report(sql: &SqlStorage, mut report: Report, by: &str, now: u64) -> Result<Case> {
    let rules: Vec<&str> = report.hits.iter().map(|h| h.rule.as_str()).collect();
    let note = format!("rule {}: {}", rules.join(", "), shared::protocol::preview(&report.text));
    let mut state = State::new(WorkflowKind::Moderation);
    let mut log = Vec::new();
    for event in [Event::CompleteStep { step: "monitor".into() }, Event::Flag { note }] {
        state = apply(&state, &event).map_err(crate::error::internal)?.0;
        log.push(CaseEntry { by: by.into(), at: now, event });
    }
    report.status = ReportStatus::Done;
    db::save_report(sql, &report)?;
    let case = Case {
        id: 0,
        room: report.room.clone(),
        member: report.member.clone(),
        name: report.name.clone(),
        evidence: vec![report],
        state,
        log,
        opened_at: now,
    };
    db::add_case(sql, case)
}

/// A case about a room's customer (an abusive customer in a 1:1 chat): the
/// open reports about them there become its evidence.
fn case_about(sql: &SqlStorage, room: Room, who: Sender, by: &str, now: u64) -> Result<Case> {
    let mut evidence = Vec::new();
    for mut r in db::reports(sql)? {
        if r.room == room && r.member == who.member && r.status == ReportStatus::Open {
            r.status = ReportStatus::Done;
            db::save_report(sql, &r)?;
            evidence.push(r);
        }
    }
    let event = Event::CompleteStep { step: "monitor".into() };
    let state = apply(&State::new(WorkflowKind::Moderation), &event).map_err(crate::error::internal)?.0;
    let case = Case {
        id: 0,
        room,
        member: who.member,
        name: who.name,
        evidence,
        state,
        log: vec![CaseEntry { by: by.into(), at: now, event }],
        opened_at: now,
    };
    db::add_case(sql, case)
}

/// Carries out an applied case event: sanctions and lifts reach the room
/// (and the site-wide list rooms check at connect), an incident is logged,
/// an escalation alerts every console.
async fn enforce(
    env: &Env,
    sql: &SqlStorage,
    ask: &Ask<'_>,
    case: &Case,
    event: &Event,
    now: u64,
    changes: &mut DeskBatch,
) -> Result<()> {
    match event {
        Event::Sanction { kind, minutes } => {
            let reason = case.state.violation.clone().unwrap_or_else(|| "the chat rules".into());
            let record = SanctionRecord::new(&case.member, case.id, *kind, *minutes, &reason, now);
            if *kind != Sanction::Warn {
                db::add_sanction(sql, &record)?;
                changes.add(DeskItem::Sanction(record.clone()));
            }
            tell_room(env, &ask.site, &case.room, "/sanction", &record).await?;
        }
        Event::Lift { kind } => {
            db::lift(sql, &case.member, *kind)?;
            changes.add(DeskItem::Lifted { member: case.member.clone(), kind: *kind });
            tell_room(env, &ask.site, &case.room, "/lift", &Lift { member: case.member.clone(), kind: *kind }).await?;
        }
        Event::LogIncident { summary } => {
            let incident = Incident::of(case, &ask.name, summary, now);
            db::add_incident(sql, &incident)?;
            changes.add(DeskItem::Incident(incident));
        }
        Event::Escalate { team, note } => {
            let (id, name, room, by) = (case.id, &case.name, case.room.label(), &ask.name);
            changes.alert = Some(format!("Case {id} ({name}, {room}) escalated to {team} by {by}: {note}"));
        }
        _ => {}
    }
    Ok(())
}

/// Files a report from a room; an auto-mute is recorded site-wide.
pub fn file(sql: &SqlStorage, report: Report, changes: &mut DeskBatch) -> Result<()> {
    if let Some(mute) = report.auto_mute() {
        db::add_sanction(sql, &mute)?;
        changes.add(DeskItem::Sanction(mute));
    }
    changes.add(DeskItem::Report(db::add_report(sql, report)?));
    Ok(())
}
