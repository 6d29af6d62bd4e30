//! The moderation desk, in the site's Inbox object: reports filed by the
//! rooms, the review of held messages, cases run through the moderation
//! workflow (the Inbox applies their events with the same `apply` and
//! enforces sanctions through the room), the site-wide sanctions rooms check
//! at connect, and the incident log with its JSON and CSV export. Every
//! change goes into a [`DeskBatch`] the Inbox pushes to the consoles as
//! `moderation` (with an alert on an escalation).

use shared::feedback::{FeedbackReport, Label, Verdict, DAY_MS, LABELS_PAGE, MAX_DAYS};
use shared::moderation_case::{
    incidents_csv, Case, CaseEntry, DeskBatch, DeskItem, Incident, Report, ReportStatus, Room, SanctionRecord, REMOVED,
};
use shared::rules::Action;
use shared::workflow::{apply, Event, Sanction, State, WorkflowKind};
use shared::ErrorCode;
use worker::{Env, Response, Result, SqlStorage};

use super::desk_sql as db;
use crate::calls::inbox::{DeskAsk, DeskCall};
use crate::calls::room::{Lift, ReviewHeld, RoomCall, Sender};

/// A JSON error answer.
fn fail(code: ErrorCode, message: impl Into<String>) -> Result<Response> {
    crate::error::refusal_response(shared::Refusal::new(code, message))
}

async fn tell_room(env: &Env, site: &str, room: &Room, call: RoomCall) -> Result<()> {
    crate::calls::tell(&crate::calls::room::stub(env, site, room)?, &call).await
}

/// The start of the first of the last `days` days, up to today (ms).
fn since(now: u64, days: u32) -> u64 {
    (now / DAY_MS).saturating_sub(u64::from(days)) * DAY_MS
}

/// Answers one desk request; what it changed goes into `changes`.
pub async fn handle(env: &Env, sql: &SqlStorage, ask: DeskAsk, changes: &mut DeskBatch) -> Result<Response> {
    let now = worker::Date::now().as_millis();
    let DeskAsk { site, name, call } = ask;
    match call {
        DeskCall::Reports => Response::from_json(&db::reports(sql)?),
        DeskCall::Cases => Response::from_json(&db::cases(sql)?),
        DeskCall::Sanctions => Response::from_json(&db::sanctions(sql, None, now)?),
        DeskCall::Feedback { days } => {
            let days = days.clamp(1, MAX_DAYS);
            Response::from_json(&FeedbackReport::of(&db::label_counts(sql, since(now, days))?, now, days))
        }
        DeskCall::Labels { days, limit, before } => {
            let days = days.clamp(1, MAX_DAYS);
            let limit = limit.clamp(1, LABELS_PAGE);
            let (page, next) = db::labels(sql, since(now, days), before, limit)?;
            let mut answer = Response::from_json(&page)?;
            if let Some(next) = next {
                answer.headers_mut().set("Link", &shared::api::labels_link(&site, days, limit, next))?;
            }
            Ok(answer)
        }
        DeskCall::Incidents { q, csv } => {
            let list = db::incidents(sql, &q)?;
            if csv {
                let mut resp = Response::ok(incidents_csv(&list))?;
                resp.headers_mut().set("Content-Type", "text/csv; charset=utf-8")?;
                resp.headers_mut().set("Content-Disposition", "attachment; filename=\"incidents.csv\"")?;
                return Ok(resp);
            }
            let mut resp = Response::from_json(&list)?;
            resp.headers_mut().set("Content-Disposition", "attachment; filename=\"incidents.json\"")?;
            Ok(resp)
        }
        DeskCall::Review { report: id, review } => {
            let Some(mut report) = db::report(sql, id)? else {
                return fail(ErrorCode::NotFound, "no such report");
            };
            if report.action != Action::Hold || report.status != ReportStatus::Open {
                return fail(ErrorCode::IllegalMove, "only a held message waiting for review can be reviewed");
            }
            let body =
                ReviewHeld { member: report.member.clone(), message: report.message.clone(), approve: review.approve };
            tell_room(env, &site, &report.room, RoomCall::Review(body)).await?;
            report.status = if review.approve { ReportStatus::Approved } else { ReportStatus::Rejected };
            db::save_report(sql, &report)?;
            let rules = report.hits.iter().map(|h| h.rule.clone()).collect();
            let verdict = Verdict::of_review(review.approve);
            db::add_label(sql, &Label { at: now, verdict, rules, text: report.text.clone(), by: name.clone() })?;
            changes.add(DeskItem::Report(report.clone()));
            Response::from_json(&report)
        }
        DeskCall::OpenCase(open) => {
            let case = match (open.report, open.conversation) {
                (Some(id), _) => {
                    let Some(report) = db::report(sql, id)? else {
                        return fail(ErrorCode::NotFound, "no such report");
                    };
                    case_from_report(sql, report, &name, now)?
                }
                (None, Some(conversation)) => {
                    let room = Room::Conversation(conversation);
                    let stub = crate::calls::room::stub(env, &site, &room)?;
                    let Some(who) = crate::calls::ask::<Sender>(&stub, &RoomCall::Who { site: site.clone() }).await?
                    else {
                        return fail(ErrorCode::UnknownConversation, "no conversation has this id");
                    };
                    case_about(sql, room, who, &name, now)?
                }
                (None, None) => return fail(ErrorCode::Malformed, "name a report or a conversation"),
            };
            // Its evidence left the queue.
            for r in &case.evidence {
                changes.add(DeskItem::Report(r.clone()));
            }
            changes.add(DeskItem::Case(case.clone()));
            Ok(Response::from_json(&case)?.with_status(201))
        }
        DeskCall::Act { case: id, act } => {
            let Some(mut case) = db::case(sql, id)? else {
                return fail(ErrorCode::NotFound, "no such case");
            };
            if let Event::Escalate { .. } = &act.event {
                let config = super::sql::config(sql)?.map(|(_, c)| c).unwrap_or_default();
                if let Err(why) = config.check_event(&act.event) {
                    return fail(ErrorCode::IllegalMove, why);
                }
            }
            let state = match apply(&case.state, &act.event) {
                Ok((state, _)) => state,
                Err(e) => return fail(ErrorCode::IllegalMove, e.to_string()),
            };
            case.state = state;
            case.log.push(CaseEntry { by: name.clone(), at: now, event: act.event.clone() });
            enforce(env, sql, (&site, &name), &case, &act.event, now, changes).await?;
            db::save_case(sql, &case)?;
            changes.add(DeskItem::Case(case.clone()));
            Response::from_json(&case)
        }
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
    (site, moderator): (&str, &str),
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
            tell_room(env, site, &case.room, RoomCall::Sanction(record)).await?;
        }
        Event::Lift { kind } => {
            db::lift(sql, &case.member, *kind)?;
            changes.add(DeskItem::Lifted { member: case.member.clone(), kind: *kind });
            tell_room(env, site, &case.room, RoomCall::Lift(Lift { member: case.member.clone(), kind: *kind })).await?;
        }
        Event::LogIncident { summary } => {
            let incident = Incident::of(case, moderator, summary, now);
            db::add_incident(sql, &incident)?;
            // The site's webhooks (best effort: the incident is logged either way).
            let moment = crate::calls::inbox::Moment {
                event: shared::webhooks::HookEvent::IncidentLogged,
                id: format!("{site}.incident.{}.{now}", case.id),
                at: now,
                seq: 0,
                data: serde_json::json!({ "incident": incident }),
            };
            if let Err(e) = crate::calls::inbox::enqueue(env, site, vec![moment]).await {
                worker::console_error!("incident webhook: {e}");
            }
            changes.add(DeskItem::Incident(incident));
        }
        Event::Escalate { team, note } => {
            let (id, name, room, by) = (case.id, &case.name, case.room.label(), moderator);
            changes.alert = Some(format!("Case {id} ({name}, {room}) escalated to {team} by {by}: {note}"));
        }
        _ => {}
    }
    Ok(())
}

/// Files a report from a room; an auto-mute is recorded site-wide, and a
/// moderator's removal is kept as a label (a false negative: it got
/// through). The same report filed again changes nothing.
pub fn file(sql: &SqlStorage, report: Report, changes: &mut DeskBatch) -> Result<()> {
    let mute = report.auto_mute();
    let removal = report.hits.iter().find(|h| h.rule == REMOVED).map(|h| h.found.clone().unwrap_or_default());
    let flags = if removal.is_some() { db::flags_of(sql, &report)? } else { Vec::new() };
    let text = report.text.clone();
    let Some(line) = db::add_report(sql, report)? else { return Ok(()) };
    if let Some(by) = removal {
        let at = worker::Date::now().as_millis();
        db::add_label(sql, &Label { at, verdict: Verdict::FalseNegative, rules: flags, text, by })?;
    }
    if let Some(mute) = mute {
        db::add_sanction(sql, &mute)?;
        changes.add(DeskItem::Sanction(mute));
    }
    changes.add(DeskItem::Report(line));
    Ok(())
}
