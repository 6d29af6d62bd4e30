//! Transcript tests of the room core, native: tables of `(time, who, what
//! they do, what comes out)`, played on a [`Core`] over the in-memory
//! store — every outcome (stored, held, flagged, blocked, auto-muted,
//! reopened, reviewed, sanctioned, lifted, banned at connect) and every
//! refusal with its code; waking from storage keeps the policy's state;
//! the steady path's reads and writes are counted.

use shared::files::FileType;
use shared::moderation_case::{ReportStatus, Room, SanctionRecord};
use shared::rules::Action;
use shared::site::SiteConfig;
use shared::staff::StaffRole;
use shared::workflow::{Event, Outcome, Sanction, State, WorkflowKind};
use shared::{ClientEnvelope, ClientMsg, ErrorCode, Role, ServerMsg};

use super::core::{Core, Effect, FilePost, Who};
use super::policy::Settings;
use super::store::mem::MemStore;
use crate::calls::room::{Lift, Removal, ReviewHeld, ViewerReport};

/// What one effect amounts to, compactly.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    Ack(u64),
    Held,
    Err(ErrorCode),
    Report(Action),
    Broadcast(u64),
    Notify(u64),
    Typing,
    Replay(u64),
    Page(u64),
    Tell,
    Ban,
    Rejected,
    Log,
    Whisper(String),
    Removed(u64),
}
use Out::*;

fn compact(effects: Vec<Effect>) -> Vec<Out> {
    effects
        .into_iter()
        .map(|e| match e {
            Effect::Reply(ServerMsg::Ack { seq, .. }) => Ack(seq),
            Effect::Reply(ServerMsg::Held { .. }) => Held,
            Effect::Reply(ServerMsg::Error { code, .. }) => Err(code),
            Effect::Reply(other) => panic!("unexpected reply {other:?}"),
            Effect::Report(r) => Report(r.action),
            Effect::Broadcast(m) => Broadcast(m.seq),
            Effect::Notify(m) => Notify(m.seq),
            Effect::Typing(..) => Typing,
            Effect::Replay(after) => Replay(after),
            Effect::Page(before) => Page(before),
            Effect::Tell(..) => Tell,
            Effect::Ban(..) => Ban,
            Effect::Rejected(..) => Rejected,
            Effect::Log(_) => Log,
            Effect::Whisper(_, w) => Whisper(w.from),
            Effect::Removed(seq) => Removed(seq),
        })
        .collect()
}

/// What someone does.
enum Do {
    Send(&'static str, &'static str),
    Whisper(&'static str),
    Act(&'static str, Event),
    Typing,
    Sync(u64),
    History(u64),
    Remove(u64),
    Report(u64),
    Review(&'static str, bool),
    /// A customer's uploaded file (`name`), held for review (`true`: the
    /// site holds unverified visitors' files).
    File(&'static str, &'static str, bool),
    Sanction(Sanction, Option<u32>),
    Lift(Sanction),
    /// A connect, with the site's sanctions for the member.
    Connect(Vec<Sanction>),
    /// The object hibernates and wakes: the core is rebuilt from storage.
    Wake,
    /// Storage fails from now on (`true`) or works again.
    Break(bool),
    /// The shell fetched the site's identity secret for the next frame.
    Sign(&'static str),
    /// The object's alarm: a follow-up that is due comes back.
    Alarm,
}

fn who(role: Role, staff: Option<StaffRole>, member: &str) -> Who {
    Who { role, staff, member: member.into(), name: format!("{member} name") }
}
fn customer() -> Who {
    who(Role::Customer, None, "v1")
}
fn operator() -> Who {
    who(Role::Operator, Some(StaffRole::Operator), "")
}
fn moderator() -> Who {
    who(Role::Operator, Some(StaffRole::Moderator), "")
}
fn member(name: &str) -> Who {
    who(Role::Customer, None, name)
}

/// The demo site's settings with a limit of `per_minute` messages.
fn settings(per_minute: u32) -> Settings {
    let mut config = SiteConfig::default();
    config.limits.messages_per_minute = per_minute;
    // A site that mutes for an hour (the preset: ten minutes): a category's action applies.
    let harassment = config.rules.iter_mut().find(|r| r.id == "harassment").expect("a preset rule");
    harassment.action = Action::Mute { minutes: 60 };
    config.sales.checkout = "/checkout?cart={cart}&sig={sig}".into();
    // An offer on one product that ends: its card shows it.
    let launch = shared::pricing::Offer::new("launch", "Launch week", shared::pricing::Discount::Percent(1_000));
    config.sales.offers.push(shared::pricing::Offer {
        products: vec!["starter".into()],
        ends_ms: Some(S + 60_000),
        ..launch
    });
    Settings::new(1, config)
}

fn room(workflow: Option<WorkflowKind>) -> Room {
    match workflow {
        Some(_) => Room::Conversation("c".repeat(32).parse().expect("an id")),
        None => Room::Channel("live".into()),
    }
}

/// Plays rows on a new room (a conversation of `workflow`, or a channel).
fn play(workflow: Option<WorkflowKind>, per_minute: u32, rows: Vec<(u64, Who, Do, Vec<Out>)>) -> (Core, MemStore) {
    let store = MemStore::default();
    let wake = |store: &MemStore, state: Option<State>, now| {
        Core::wake(store, room(workflow), settings(per_minute), state, now).expect("wakes")
    };
    let mut core = wake(&store, workflow.map(State::new), 0);
    for (i, (now, who, what, want)) in rows.into_iter().enumerate() {
        let got = match what {
            Do::Send(id, text) => frame(&mut core, &store, &who, id, ClientMsg::Send { text: text.into() }, now),
            Do::Act(id, event) => frame(&mut core, &store, &who, id, ClientMsg::Act { event }, now),
            Do::Whisper(text) => frame(&mut core, &store, &who, "w", ClientMsg::Whisper { text: text.into() }, now),
            Do::Typing => frame(&mut core, &store, &who, "t", ClientMsg::Typing { on: true }, now),
            Do::Sync(after) => frame(&mut core, &store, &who, "s", ClientMsg::Sync { after }, now),
            Do::History(before) => frame(&mut core, &store, &who, "h", ClientMsg::History { before }, now),
            Do::Report(seq) => {
                let reason = Some(shared::rules::Category::Harassment);
                let report = ViewerReport { member: who.member.clone(), seq, reason };
                core.report(&store, &report).expect("read")
            }
            Do::Review(id, approve) => {
                let review = ReviewHeld { member: who.member.clone(), message: id.into(), approve };
                core.review(&store, &review, now).expect("stored")
            }
            Do::File(id, name, hold) => {
                let post = FilePost { file: file(name), path: "/api/files/x".into(), hold };
                core.file(&store, &who, id, post, now)
            }
            Do::Sanction(kind, minutes) => {
                let record = SanctionRecord::new(&who.member, 7, kind, minutes, "case 7", now);
                core.sanction(&store, &record).expect("stored")
            }
            Do::Lift(kind) => core.lift(&store, &Lift { member: who.member.clone(), kind }).expect("stored"),
            Do::Remove(seq) => {
                let effects = core.remove(&store, &Removal { seq, by: "Mo".into() }).expect("stored");
                if let Some(Effect::Report(evidence)) = effects.first() {
                    assert_eq!(
                        (evidence.text.as_str(), evidence.status),
                        ("I disagree with everyone here", ReportStatus::Done)
                    );
                    assert!(evidence.hits[0].why.contains("removed for everyone by Mo"), "{:?}", evidence.hits);
                }
                effects
            }
            Do::Connect(kinds) => {
                let records = kinds.into_iter().map(|k| SanctionRecord::new(&who.member, 7, k, Some(60), "", now));
                match core.admit(&store, &who.member, records.collect(), now).expect("stored") {
                    Ok(()) => Vec::new(),
                    Result::Err(r) => {
                        vec![Effect::Reply(ServerMsg::Error { code: r.code, message: String::new(), detail: None })]
                    }
                }
            }
            Do::Wake => {
                let state = store.workflow.borrow().clone().or(workflow.map(State::new));
                core = wake(&store, state, now);
                Vec::new()
            }
            Do::Break(broken) => {
                store.broken.set(broken);
                Vec::new()
            }
            Do::Alarm => core.follow_up_due(&store, now).expect("stored"),
            Do::Sign(secret) => {
                core.signer = Some(super::sales::Signer { site: "demo".into(), secret: secret.into() });
                Vec::new()
            }
        };
        assert_eq!(compact(got), want, "row {i}");
    }
    (core, store)
}

fn frame(core: &mut Core, store: &MemStore, who: &Who, id: &str, msg: ClientMsg, now: u64) -> Vec<Effect> {
    core.handle(store, who, ClientEnvelope { v: 1, id: id.into(), msg }, now)
}

/// Stored, acknowledged, delivered and told to the inbox.
fn stored(seq: u64) -> Vec<Out> {
    vec![Ack(seq), Broadcast(seq), Notify(seq)]
}

const S: u64 = 1_000;

#[test]
fn conversation_sends_resends_and_authorisation() {
    let (core, store) = play(
        Some(WorkflowKind::Support),
        30,
        vec![
            (S, customer(), Do::Send("a", "hello"), stored(1)),
            (2 * S, customer(), Do::Send("a", "hello"), vec![Ack(1)]),
            (3 * S, customer(), Do::Send("a", "changed"), vec![Err(ErrorCode::IdConflict)]),
            (4 * S, operator(), Do::Send("a", "hi, how can I help?"), stored(2)),
            (5 * S, moderator(), Do::Send("m", "I only read"), vec![Err(ErrorCode::Forbidden)]),
            (5 * S, moderator(), Do::Typing, vec![Err(ErrorCode::Forbidden)]),
            (5 * S, operator(), Do::Typing, vec![Typing]),
            (6 * S, customer(), Do::Sync(1), vec![Replay(1)]),
            (6 * S, operator(), Do::History(3), vec![Page(3)]),
            (7 * S, customer(), Do::Send("b", "still there?"), stored(3)),
        ],
    );
    let seqs: Vec<u64> = store.messages.borrow().iter().map(|(_, m)| m.seq).collect();
    assert_eq!(seqs, [1, 2, 3], "gapless, nothing doubled");
    assert_eq!(core.last_seq, 3);
}

/// Whispers are staff's; taking, passing on and releasing follow
/// `shared::routing::may_reassign` (the names are the sockets' accounts').
#[test]
fn whispers_and_who_moves_a_conversation() {
    let ann = || who(Role::Operator, Some(StaffRole::Operator), "ann");
    let bo = || who(Role::Operator, Some(StaffRole::Operator), "bo");
    let sam = || who(Role::Operator, Some(StaffRole::Supervisor), "sam");
    let assign = |to: &str| Event::Assign { to: format!("{to} name") };
    let (core, store) = play(
        Some(WorkflowKind::Support),
        30,
        vec![
            (S, sam(), Do::Whisper("offer the refund"), vec![Whisper("sam name".into())]),
            (S, customer(), Do::Whisper("let me in"), vec![Err(ErrorCode::Forbidden)]),
            (S, moderator(), Do::Whisper("I only read"), vec![Err(ErrorCode::Forbidden)]),
            (2 * S, ann(), Do::Act("a1", assign("bo")), vec![Err(ErrorCode::Forbidden)]),
            (2 * S, ann(), Do::Act("a2", assign("ann")), stored(1)),
            (3 * S, bo(), Do::Act("b1", assign("bo")), vec![Err(ErrorCode::Forbidden)]),
            (3 * S, bo(), Do::Act("b2", Event::Release {}), vec![Err(ErrorCode::Forbidden)]),
            (4 * S, ann(), Do::Act("a3", assign("bo")), stored(2)),
            (5 * S, sam(), Do::Act("s1", assign("sam")), stored(3)),
            (6 * S, sam(), Do::Act("s2", Event::Release {}), stored(4)),
            (7 * S, sam(), Do::Act("s3", Event::Release {}), vec![Err(ErrorCode::IllegalMove)]),
        ],
    );
    assert_eq!(store.messages.borrow().len(), 4, "whispers are not in the timeline");
    assert_eq!(core.workflow.as_ref().and_then(|s| s.assignee.clone()), None);
}

#[test]
fn routing_acts_in_the_timeline_once() {
    let store = MemStore::default();
    let mut core = Core::wake(&store, room(Some(WorkflowKind::Support)), settings(30), None, 0).unwrap();
    let assign = Event::Assign { to: "Ann".into() };
    assert_eq!(compact(core.route(&store, &assign, "route-1", None, S).unwrap()), stored(1));
    assert_eq!(compact(core.route(&store, &assign, "route-1", None, S).unwrap()), vec![Ack(1)], "a resend");
    assert!(core.route(&store, &assign, "route-2", None, S).is_err(), "Ann has it: not given again");
    assert!(core.route(&store, &Event::Release {}, "route-3", Some("Bo"), S).is_err(), "Bo does not have it");
    assert_eq!(compact(core.route(&store, &Event::Release {}, "route-4", Some("Ann"), S).unwrap()), stored(2));
}

#[test]
fn moderation_outcomes_in_a_conversation() {
    let (_, store) = play(
        Some(WorkflowKind::Support),
        30,
        vec![
            (S, customer(), Do::Send("l", "look at https://spam.test"), vec![Held, Report(Action::Hold)]),
            (2 * S, customer(), Do::Send("l", "look at https://spam.test"), vec![Held]),
            (3 * S, customer(), Do::Send("p", "this is shit"), vec![Held, Report(Action::Hold)]),
            (4 * S, customer(), Do::Send("s", "you nigger"), vec![Err(ErrorCode::Blocked), Report(Action::Block)]),
            (
                5 * S,
                customer(),
                Do::Send("c", "WHY IS NOTHING WORKING TODAY"),
                vec![Ack(1), Broadcast(1), Report(Action::Flag), Notify(1)],
            ),
            (6 * S, customer(), Do::Review("l", true), vec![Broadcast(2), Notify(2)]),
            (7 * S, customer(), Do::Review("p", false), vec![Rejected]),
            (7 * S, customer(), Do::Review("p", true), vec![]),
            (
                8 * S,
                customer(),
                Do::Send("k", "kys"),
                vec![Err(ErrorCode::Blocked), Tell, Report(Action::Mute { minutes: 60 })],
            ),
            (9 * S, customer(), Do::Send("n", "sorry"), vec![Err(ErrorCode::Muted)]),
            (10 * S, customer(), Do::Lift(Sanction::Mute), vec![Tell]),
            (11 * S, customer(), Do::Send("n", "sorry"), stored(3)),
        ],
    );
    assert!(store.held.borrow().is_empty(), "reviewed messages leave the held table");
    assert!(store.sanctions.borrow().is_empty(), "the lifted mute is gone");
}

/// A stored file, as the upload route hands it over.
fn file(name: &str) -> shared::files::Attachment {
    let (id, key) = ("a".repeat(32), "k".repeat(43));
    shared::files::Attachment { id, name: name.into(), kind: FileType::Png, size: 2_048, key }
}

const PNG: &str = "screenshot.png";

#[test]
fn a_held_file_is_published_by_an_approval_and_only_then() {
    let (_, store) = play(
        Some(WorkflowKind::Support),
        30,
        vec![
            (S, customer(), Do::File("f1", PNG, true), vec![Held, Report(Action::Hold)]),
            (2 * S, customer(), Do::File("f1", PNG, true), vec![Held]),
            (3 * S, customer(), Do::File("f2", PNG, true), vec![Held, Report(Action::Hold)]),
            (4 * S, customer(), Do::Review("f1", true), vec![Broadcast(1), Notify(1)]),
            (5 * S, customer(), Do::File("f1", PNG, true), vec![Ack(1)]),
            (6 * S, customer(), Do::Review("f2", false), vec![Rejected]),
        ],
    );
    let published = store.messages.borrow();
    assert_eq!(published.len(), 1, "the rejected file was never published");
    let m = &published[0].1;
    assert!(matches!(&m.event, Some(Event::File(f)) if **f == file(PNG)), "{m:?}");
    assert_eq!(m.text, file(PNG).describe());
    assert!(store.held.borrow().is_empty());
}

#[test]
fn a_channels_file_is_screened_as_its_caption_and_may_be_held() {
    let (_, store) = play(
        None,
        30,
        vec![
            (S, member("eve"), Do::File("f1", PNG, false), vec![Ack(1), Broadcast(1)]),
            (2 * S, member("eve"), Do::File("f1", PNG, false), vec![Ack(1)]),
            (
                3 * S,
                member("bob"),
                Do::File("f1", "kys.png", false),
                vec![Err(ErrorCode::Blocked), Tell, Report(Action::Mute { minutes: 60 })],
            ),
            (4 * S, member("bob"), Do::File("f2", PNG, false), vec![Err(ErrorCode::Muted)]),
            (5 * S, member("ann"), Do::File("f3", PNG, true), vec![Held, Report(Action::Hold)]),
            (6 * S, member("ann"), Do::File("f3", PNG, true), vec![Held]),
            (7 * S, member("ann"), Do::Review("f3", true), vec![Broadcast(2)]),
        ],
    );
    let published = store.messages.borrow();
    assert_eq!(published.len(), 2, "neither the blocked nor the muted member's file was published");
    assert!(published.iter().all(|(_, m)| matches!(&m.event, Some(Event::File(f)) if f.name == PNG)));
    assert_eq!(published[1].1.name.as_deref(), Some("ann name"), "the approved file is its sender's");
}

#[test]
fn every_attempt_counts_towards_the_rate_window() {
    play(
        Some(WorkflowKind::Support),
        3,
        vec![
            (S, customer(), Do::Send("1", "one"), stored(1)),
            (2 * S, customer(), Do::Send("2", "you nigger"), vec![Err(ErrorCode::Blocked), Report(Action::Block)]),
            (3 * S, customer(), Do::Send("3", "see https://x.test"), vec![Held, Report(Action::Hold)]),
            (4 * S, customer(), Do::Send("4", "four"), vec![Err(ErrorCode::RateLimited)]),
            // Refused attempts count too: a sender who keeps trying stays limited.
            (30 * S, customer(), Do::Send("5", "five"), vec![Err(ErrorCode::RateLimited)]),
            (62 * S, customer(), Do::Send("6", "six"), vec![Err(ErrorCode::RateLimited)]),
            (63 * S, operator(), Do::Send("o", "operators are not limited"), stored(2)),
            // Free a minute after the third-newest attempt (at 4 s).
            (125 * S, customer(), Do::Send("7", "seven"), stored(3)),
            // After a wake the window and the held ids are read from storage.
            (126 * S, customer(), Do::Wake, vec![]),
            (127 * S, customer(), Do::Send("3", "see https://x.test"), vec![Held]),
            (128 * S, customer(), Do::Send("8", "eight"), stored(4)),
            (129 * S, customer(), Do::Send("9", "nine"), stored(5)),
            (130 * S, customer(), Do::Send("10", "ten"), vec![Err(ErrorCode::RateLimited)]),
        ],
    );
}

#[test]
fn workflow_events_are_authorised_applied_and_idempotent() {
    let close = |outcome| Event::Close { outcome };
    let list = Event::Checklist { items: vec!["Restart".into()] };
    let escalate = Event::Escalate { team: "nobody".into(), note: "?".into() };
    let (core, _) = play(
        Some(WorkflowKind::Support),
        30,
        vec![
            (
                S,
                customer(),
                Do::Act("f", Event::Collect { field: "name".into(), value: "Eve".into() }),
                vec![Err(ErrorCode::Forbidden)],
            ),
            (S, customer(), Do::Act("c", close(Outcome::Resolved)), vec![Err(ErrorCode::Forbidden)]),
            (S, operator(), Do::Act("c", close(Outcome::Resolved)), vec![Err(ErrorCode::IllegalMove)]),
            (S, operator(), Do::Act("e", escalate), vec![Err(ErrorCode::IllegalMove)]),
            (S, moderator(), Do::Act("l", list.clone()), vec![Err(ErrorCode::Forbidden)]),
            (2 * S, operator(), Do::Act("l", list.clone()), stored(1)),
            (3 * S, operator(), Do::Act("l", list), vec![Ack(1)]),
            (3 * S, operator(), Do::Act("l", close(Outcome::Resolved)), vec![Err(ErrorCode::IdConflict)]),
            (4 * S, customer(), Do::Act("t", Event::Tick { item: 0, done: true }), stored(2)),
        ],
    );
    assert!(core.workflow.expect("a conversation").checklist[0].1);
}

/// A moderation conversation (a practice run's) is written in by those who
/// moderate, as a channel: not by operators, who reply in the others.
#[test]
fn writing_in_a_moderation_conversation_takes_moderating() {
    let flag = Event::Flag { note: "insulted staff".into() };
    let (core, _) = play(
        Some(WorkflowKind::Moderation),
        30,
        vec![
            (S, customer(), Do::Send("a", "you are all useless"), stored(1)),
            (2 * S, operator(), Do::Send("o", "please keep it civil"), vec![Err(ErrorCode::Forbidden)]),
            (2 * S, operator(), Do::Act("f", flag.clone()), vec![Err(ErrorCode::Forbidden)]),
            (2 * S, operator(), Do::Typing, vec![Err(ErrorCode::Forbidden)]),
            (3 * S, moderator(), Do::Typing, vec![Typing]),
            (3 * S, moderator(), Do::Send("m", "please keep it civil"), stored(2)),
            (4 * S, moderator(), Do::Act("f", flag), stored(3)),
            (5 * S, customer(), Do::Send("b", "only joking"), stored(4)),
        ],
    );
    assert_eq!(core.workflow.expect("a conversation").violation.as_deref(), Some("insulted staff"));
}

#[test]
fn a_customer_writing_after_close_reopens_the_conversation() {
    let (core, store) = play(
        Some(WorkflowKind::Sales),
        30,
        vec![
            (S, operator(), Do::Act("x", Event::Close { outcome: Outcome::Lost }), stored(1)),
            (
                2 * S,
                customer(),
                Do::Send("m", "wait, one more thing"),
                vec![Broadcast(2), Notify(2), Ack(3), Broadcast(3), Notify(3)],
            ),
            (3 * S, customer(), Do::Send("m", "wait, one more thing"), vec![Ack(3)]),
        ],
    );
    assert!(!core.workflow.expect("a conversation").closed());
    assert_eq!(store.messages.borrow()[1].1.event, Some(Event::Reopen {}));
}

#[test]
fn a_resend_of_a_stored_message_is_acked_whatever_the_policy_says_now() {
    let (core, store) = play(
        Some(WorkflowKind::Sales),
        2,
        vec![
            (S, customer(), Do::Send("a", "hello"), stored(1)),
            (2 * S, customer(), Do::Send("b", "anyone?"), stored(2)),
            // Over the limit now, but stored already: acked again (and counted).
            (3 * S, customer(), Do::Send("a", "hello"), vec![Ack(1)]),
            (3 * S, customer(), Do::Send("a", "changed"), vec![Err(ErrorCode::IdConflict)]),
            (4 * S, customer(), Do::Send("c", "more"), vec![Err(ErrorCode::RateLimited)]),
            (5 * S, operator(), Do::Act("x", Event::Close { outcome: Outcome::Lost }), stored(3)),
            // A resend after the close does not reopen the conversation.
            (90 * S, customer(), Do::Send("b", "anyone?"), vec![Ack(2)]),
        ],
    );
    assert!(core.workflow.expect("a conversation").closed());
    assert_eq!(store.messages.borrow().len(), 3);
}

#[test]
fn sanctions_from_moderators_and_at_connect() {
    play(
        None,
        30,
        vec![
            (S, member("eve"), Do::Connect(vec![]), vec![]),
            (S, member("eve"), Do::Sanction(Sanction::Warn, None), vec![Tell]),
            (2 * S, member("eve"), Do::Send("1", "hi"), vec![Ack(1), Broadcast(1)]),
            (3 * S, member("eve"), Do::Sanction(Sanction::Mute, Some(5)), vec![Tell]),
            (4 * S, member("eve"), Do::Send("2", "hi?"), vec![Err(ErrorCode::Muted)]),
            (4 * S, member("bob"), Do::Send("2", "others write on"), vec![Ack(2), Broadcast(2)]),
            (5 * S, member("eve"), Do::Wake, vec![]),
            (6 * S, member("eve"), Do::Send("3", "hi??"), vec![Err(ErrorCode::Muted)]),
            (7 * S, member("eve"), Do::Sanction(Sanction::Ban, None), vec![Tell, Ban]),
            (8 * S, member("eve"), Do::Connect(vec![Sanction::Ban]), vec![Err(ErrorCode::Banned)]),
            (9 * S, member("eve"), Do::Connect(vec![]), vec![]),
            (9 * S, member("eve"), Do::Send("4", "back"), vec![Ack(3), Broadcast(3)]),
            (10 * S, member("eve"), Do::Lift(Sanction::Ban), vec![Tell]),
        ],
    );
}

#[test]
fn channel_ids_are_per_member_and_workflow_frames_are_refused() {
    let (_, store) = play(
        None,
        30,
        vec![
            (S, member("alice"), Do::Send("1", "hello all"), vec![Ack(1), Broadcast(1)]),
            (2 * S, member("bob"), Do::Send("1", "hi alice"), vec![Ack(2), Broadcast(2)]),
            (3 * S, member("alice"), Do::Send("1", "hello all"), vec![Ack(1)]),
            (4 * S, member("alice"), Do::Act("a", Event::Reopen {}), vec![Err(ErrorCode::UnknownType)]),
            (4 * S, member("alice"), Do::Typing, vec![]),
            (5 * S, operator(), Do::Send("o", "operators do not moderate"), vec![Err(ErrorCode::Forbidden)]),
            (6 * S, moderator(), Do::Send("o", "Please keep it friendly"), vec![Ack(3), Broadcast(3)]),
        ],
    );
    let names: Vec<_> = store.messages.borrow().iter().map(|(_, m)| (m.name.clone(), m.from.clone())).collect();
    assert_eq!(names[0], (Some("alice name".into()), Some("alice".into())), "a channel's messages carry their sender");
    assert_eq!(names[2].1, None, "a moderator has no member id");
}

#[test]
fn a_storage_failure_stores_nothing_and_the_resend_fills_no_gap() {
    let (core, store) = play(
        Some(WorkflowKind::Support),
        30,
        vec![
            (S, customer(), Do::Send("1", "one"), stored(1)),
            (2 * S, customer(), Do::Break(true), vec![]),
            (3 * S, customer(), Do::Send("2", "two"), vec![Log, Err(ErrorCode::Internal)]),
            (4 * S, customer(), Do::Break(false), vec![]),
            (5 * S, customer(), Do::Send("2", "two"), stored(2)),
        ],
    );
    assert_eq!(core.last_seq, 2);
    assert_eq!(store.messages.borrow().len(), 2);
}

#[test]
fn the_steady_path_of_a_message_is_one_write_and_no_read() {
    let (mut core, store) =
        play(Some(WorkflowKind::Support), 1_000, vec![(S, customer(), Do::Send("0", "first"), stored(1))]);
    let (reads, writes) = (store.reads.get(), store.writes.get());
    for i in 1..=100u64 {
        let effects = frame(
            &mut core,
            &store,
            &customer(),
            &format!("m{i}"),
            ClientMsg::Send { text: format!("message {i}") },
            S + i * 2 * S,
        );
        assert_eq!(compact(effects), stored(i + 1));
    }
    assert_eq!(store.reads.get() - reads, 0, "no read: the insert itself finds a resend");
    assert_eq!(store.writes.get() - writes, 100, "one write a message: the insert");
}

/// A moderator removes a published channel message: the evidence report
/// (done) carries the original, the room's row keeps its sequence number
/// blank and marked removed, every socket is told; removing it again, or
/// a message that does not exist, does nothing.
#[test]
fn a_removed_message_leaves_a_tombstone_and_becomes_evidence() {
    let (_, store) = play(
        None,
        30,
        vec![
            (S, member("eve"), Do::Send("a", "I disagree with everyone here"), vec![Ack(1), Broadcast(1)]),
            (2 * S, member("bob"), Do::Send("b", "calm down"), vec![Ack(2), Broadcast(2)]),
            (3 * S, moderator(), Do::Remove(1), vec![Report(Action::Block), Removed(1)]),
            (4 * S, moderator(), Do::Remove(1), vec![]),
            (4 * S, moderator(), Do::Remove(9), vec![]),
            (5 * S, member("eve"), Do::History(3), vec![Page(3)]),
        ],
    );
    let messages = store.messages.borrow();
    let kept: Vec<(u64, &str, bool)> = messages.iter().map(|(_, m)| (m.seq, m.text.as_str(), m.removed)).collect();
    assert_eq!(kept, [(1, "", true), (2, "calm down", false)]);
}

/// A viewer reports another's channel message: a flagged report about its
/// sender, with the viewer and the reason; an unknown or removed message
/// files nothing; a conversation has no reports by viewers.
#[test]
fn a_viewer_reports_a_channel_message() {
    play(
        None,
        30,
        vec![
            (S, member("eve"), Do::Send("a", "I disagree with everyone here"), vec![Ack(1), Broadcast(1)]),
            (2 * S, member("bob"), Do::Report(1), vec![Report(Action::Flag)]),
            (3 * S, member("bob"), Do::Report(7), vec![]),
            (4 * S, moderator(), Do::Remove(1), vec![Report(Action::Block), Removed(1)]),
            (5 * S, member("bob"), Do::Report(1), vec![]),
        ],
    );
    play(
        Some(WorkflowKind::Support),
        30,
        vec![(S, customer(), Do::Send("a", "hello"), stored(1)), (2 * S, customer(), Do::Report(1), vec![])],
    );
}

/// Sales: the room prices every order itself, refuses a discount beyond
/// the sender's authority (operators 10 %), lets a supervisor approve one
/// within theirs (25 %), and then takes it; a resend of the priced order
/// is recognised as the same order. The customer's confirmation carries the
/// site's checkout with the cart signed (refused while there is no secret
/// to sign it with; a client's own checkout is replaced).
#[test]
fn discounts_beyond_authority_need_a_supervisors_approval() {
    use shared::pricing::Discount;
    use shared::workflow::OrderLine;
    let supervisor = || who(Role::Operator, Some(StaffRole::Supervisor), "");
    let team = SiteConfig::default().products.into_iter().find(|p| p.id == "team").expect("a demo product");
    let order = |discount: Option<Discount>, quote| Event::Order {
        lines: vec![OrderLine { product: "team".into(), qty: 5 }],
        codes: Vec::new(),
        discount,
        quote,
    };
    let fake = shared::sales::Quote {
        currency: "USD".into(),
        lines: Vec::new(),
        savings: Vec::new(),
        subtotal: 1,
        net: 1,
        tax: 0,
        tax_included: false,
        total: 1,
        list_total: 1,
    };
    let ask = |bp| Event::AskApproval { discount: Discount::Percent(bp), note: "Five seats for two years".into() };
    let decide = |approve| Event::Decide { approve, note: String::new() };
    let confirm = |url: &str| Event::ConfirmOrder { checkout: Some(url.into()) };
    let (core, store) = play(
        Some(WorkflowKind::Sales),
        30,
        vec![
            (S, operator(), Do::Act("p", Event::Present(team)), stored(1)),
            // A client's price is replaced by the room's.
            (S, operator(), Do::Act("o1", order(None, Some(fake))), stored(2)),
            (
                S,
                operator(),
                Do::Act("o2", order(Some(Discount::Percent(2_000)), None)),
                vec![Err(ErrorCode::Forbidden)],
            ),
            (S, operator(), Do::Act("o2", order(Some(Discount::Percent(1_000)), None)), stored(3)),
            (S, operator(), Do::Act("o2", order(Some(Discount::Percent(1_000)), None)), vec![Ack(3)]),
            (S, operator(), Do::Act("d", decide(true)), vec![Err(ErrorCode::Forbidden)]),
            (S, supervisor(), Do::Act("d", decide(true)), vec![Err(ErrorCode::IllegalMove)]),
            (S, operator(), Do::Act("a1", ask(3_000)), stored(4)),
            (S, supervisor(), Do::Act("d1", decide(true)), vec![Err(ErrorCode::Forbidden)]),
            (S, supervisor(), Do::Act("d1", decide(false)), stored(5)),
            (S, operator(), Do::Act("a2", ask(2_000)), stored(6)),
            (S, supervisor(), Do::Act("d2", decide(true)), stored(7)),
            (
                S,
                operator(),
                Do::Act("o3", order(Some(Discount::Percent(2_500)), None)),
                vec![Err(ErrorCode::Forbidden)],
            ),
            (S, operator(), Do::Act("o3", order(Some(Discount::Percent(2_000)), None)), stored(8)),
            (S, supervisor(), Do::Act("o4", order(Some(Discount::Percent(2_500)), None)), stored(9)),
            (S, customer(), Do::Act("c", confirm("https://evil.example/")), vec![Err(ErrorCode::Internal)]),
            (S, customer(), Do::Sign("s3cret"), Vec::new()),
            (S + 5, customer(), Do::Act("c", confirm("https://evil.example/")), stored(10)),
            (S + 9, customer(), Do::Act("c", Event::ConfirmOrder { checkout: None }), vec![Ack(10)]),
        ],
    );
    let state = core.workflow.expect("a conversation");
    let quote = state.quote.expect("priced");
    assert_eq!((quote.subtotal, quote.negotiated(), quote.total), (24_500, 6_125, 18_375));
    let stored: Vec<Option<i64>> = store
        .messages
        .borrow()
        .iter()
        .map(|m| match &m.1.event {
            Some(Event::Order { quote, .. }) => quote.as_ref().map(|q| q.total),
            _ => None,
        })
        .collect();
    assert_eq!(stored, [None, Some(24_500), Some(22_050), None, None, None, None, Some(19_600), Some(18_375), None]);
    let messages = store.messages.borrow();
    let Some(Event::ConfirmOrder { checkout: Some(link) }) = &messages.last().expect("stored").1.event else {
        panic!("a confirmation with its checkout")
    };
    let query = link.strip_prefix("/checkout?cart=").expect("the site's template");
    let (cart, sig) = query.split_once("&sig=").expect("both filled in");
    let cart = crate::checkout::open("s3cret", cart, sig).expect("signed with the site's secret");
    assert_eq!((cart.site.as_str(), cart.conversation.as_str(), cart.issued), ("demo", "c".repeat(32).as_str(), S + 5));
    assert_eq!(cart.quote, quote);
}

/// A product is presented as the catalogue lists it (a made-up price is
/// refused) and stored with its quote: the offers running on it then, and
/// when they end; a resend with or without a quote is the same message.
#[test]
fn presented_products_carry_the_offers_running_on_them() {
    let listed = |id: &str| SiteConfig::default().products.into_iter().find(|p| p.id == id).expect("a demo product");
    let cheap = shared::workflow::Product { price: 100, ..listed("starter") };
    let (_, store) = play(
        Some(WorkflowKind::Sales),
        30,
        vec![
            (S, operator(), Do::Act("p", Event::Present(cheap)), vec![Err(ErrorCode::IllegalMove)]),
            (S, operator(), Do::Act("p", Event::Present(listed("starter"))), stored(1)),
            (S, operator(), Do::Act("p", Event::Present(listed("starter"))), vec![Ack(1)]),
            (S + 60_000, operator(), Do::Act("q", Event::Present(listed("starter"))), stored(2)),
        ],
    );
    let quotes: Vec<_> = store
        .messages
        .borrow()
        .iter()
        .map(|m| match &m.1.event {
            Some(Event::Present(p)) => p.quote.clone().map(|q| (q.subtotal, q.net, q.savings)),
            _ => None,
        })
        .collect();
    let launch = shared::sales::QuoteSaving {
        id: "launch".into(),
        name: "Launch week".into(),
        off: 190,
        ends_ms: Some(S + 60_000),
    };
    assert_eq!(quotes, [Some((1_900, 1_710, vec![launch])), Some((1_900, 1_900, Vec::new()))], "ended: no saving");
}

/// Follow-ups: scheduled by an operator (in the future, within a year; the
/// sender's name replaces a client's), kept through the close; the alarm
/// stores `followUpDue` once, when due, which opens the conversation again
/// for the queue. Nobody sends `followUpDue` but the alarm.
#[test]
fn a_follow_up_comes_back_when_due_and_only_then() {
    let due = 10 * S;
    let plan = |due| Event::FollowUp { due, note: "Check the delivery".into(), by: "Mallory".into() };
    let year = super::follow_up::MOST_AHEAD_MS;
    let (core, store) = play(
        Some(WorkflowKind::Sales),
        30,
        vec![
            (S, operator(), Do::Act("f", plan(S)), vec![Err(ErrorCode::IllegalMove)]),
            (S, operator(), Do::Act("f", plan(S + year + 1)), vec![Err(ErrorCode::IllegalMove)]),
            (S, operator(), Do::Act("f", Event::FollowUpDue {}), vec![Err(ErrorCode::Forbidden)]),
            (S, customer(), Do::Act("f", plan(due)), vec![Err(ErrorCode::Forbidden)]),
            (S, operator(), Do::Act("f", plan(due)), stored(1)),
            (S, operator(), Do::Act("f", plan(due)), vec![Ack(1)]),
            (2 * S, operator(), Do::Act("c", Event::Close { outcome: Outcome::Lost }), stored(2)),
            (due - 1, operator(), Do::Alarm, Vec::new()),
            (due, operator(), Do::Alarm, vec![Ack(3), Broadcast(3), Notify(3)]),
            (due + 1, operator(), Do::Alarm, Vec::new()),
            (due + 2, operator(), Do::Wake, Vec::new()),
            (due + 3, operator(), Do::Alarm, Vec::new()),
        ],
    );
    let messages = store.messages.borrow();
    assert_eq!(
        messages[0].1.event,
        Some(Event::FollowUp { due, note: "Check the delivery".into(), by: operator().name }),
        "the sender's name"
    );
    assert_eq!((messages[2].1.event.clone(), messages[2].1.author), (Some(Event::FollowUpDue {}), Role::Operator));
    assert_eq!(core.next_follow_up(), None);
    drop(messages);
    let mut core = core;
    let assign = Event::Assign { to: "Ann".into() };
    let routed = core.route(&store, &assign, "route-1", None, due + 4).expect("routing assigns it");
    assert_eq!(compact(routed), vec![Ack(4), Broadcast(4), Notify(4)]);
    let state = core.workflow.expect("a conversation");
    assert!(!state.closed() && state.assignee.as_deref() == Some("Ann"), "open again, routed");
}
