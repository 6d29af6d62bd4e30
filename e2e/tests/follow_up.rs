//! Follow-ups against the real Worker: the operator schedules one at close
//! (a time in the past or over a year ahead, and a client's `followUpDue`,
//! are refused; a client's `by` is replaced by the sender's name); the
//! Worker is killed and started again before it is due; at the due time
//! the conversation's Durable Object alarm brings it back — open again, in
//! the inbox with its follow-up — and routing offers it to the operator who
//! scheduled it, who is online. Starts its own Worker, because it kills it.

use std::time::{Duration, Instant};

use e2e::accounts::Staff;
use e2e::client::create_conversation_with;
use e2e::wrangler::{Options, Wrangler};
use shared::api::{inbox_socket_path, operator_socket_path, site_config_path, CreateConversation};
use shared::scope::Scope;
use shared::site::SiteConfig;
use shared::staff::StaffRole;
use shared::workflow::{Event, Outcome, State, WorkflowKind};
use shared::{ChatMessage, ConversationSummary, ErrorCode, Role, ServerMsg};

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

fn code(m: ServerMsg) -> ErrorCode {
    match m {
        ServerMsg::Error { code, .. } => code,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn acked(m: ServerMsg) {
    assert!(matches!(m, ServerMsg::Ack { .. }), "expected an ack, got {m:?}");
}

/// The timeline and the state it folds to, as an operator replays it.
fn timeline(op: &Staff, id: &str) -> (Vec<ChatMessage>, State) {
    let mut s = op.socket(&operator_socket_path("demo", id, 0)).unwrap();
    let (_, all) = s.welcome_and_replay(0).unwrap();
    let state = State::replay(WorkflowKind::Sales, all.iter().filter_map(|m| m.event.as_ref()));
    (all, state)
}

/// The conversation's inbox line, as an operator's inbox socket starts.
fn line(op: &Staff, id: &str) -> Option<ConversationSummary> {
    let mut all = op.socket(&inbox_socket_path("demo", &Scope::All)).unwrap();
    match all.recv().unwrap().msg {
        ServerMsg::Inbox { conversations } => conversations.into_iter().find(|c| c.id.as_str() == id),
        other => panic!("expected the inbox, got {other:?}"),
    }
}

#[test]
fn a_follow_up_scheduled_at_close_comes_back_through_the_alarm_after_a_restart() {
    let opts = Options::fresh_for_tests(&format!("e2e-follow-up-{}", std::process::id()));
    let state_dir = opts.state_dir.clone();
    let start = || Wrangler::start(opts.clone()).expect("start wrangler");
    let mut w = start();
    let base = w.base_url.clone();
    // Routing assigns on this site.
    let admin = Staff::demo(&base, StaffRole::Admin).unwrap();
    let mut config: SiteConfig = admin.get(&site_config_path("demo")).call().unwrap().into_json().unwrap();
    config.routing.auto_assign = true;
    admin.send("PUT", &site_config_path("demo")).send_json(&config).unwrap();

    let c = create_conversation_with(
        &base,
        &CreateConversation { trigger: Some("pricing".into()), ..CreateConversation::new("demo".parse().unwrap()) },
    )
    .unwrap();
    let id = c.conversation.as_str();
    let operator = Staff::demo(&base, StaffRole::Operator).unwrap();
    let mut op = operator.socket(&operator_socket_path("demo", id, 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    let follow_up = |due| Event::FollowUp { due, note: "Check the seats are set up".into(), by: "Mallory".into() };
    let now = now_ms();
    assert_eq!(code(op.act("f0", follow_up(now - 1_000)).unwrap()), ErrorCode::IllegalMove, "in the past");
    assert_eq!(code(op.act("f0", follow_up(now + 400 * 86_400_000)).unwrap()), ErrorCode::IllegalMove, "too far");
    let blank = Event::FollowUp { due: now + 60_000, note: " ".into(), by: String::new() };
    assert_eq!(code(op.act("f0", blank).unwrap()), ErrorCode::IllegalMove, "no note");
    assert_eq!(code(op.act("f0", Event::FollowUpDue {}).unwrap()), ErrorCode::Forbidden, "only the alarm");
    // Due after the restart below (which takes a few seconds).
    let due = now_ms() + 25_000;
    acked(op.act("f1", follow_up(due)).unwrap());
    acked(op.act("f2", Event::Close { outcome: Outcome::Lost }).unwrap());
    drop(op);
    let (_, closed) = timeline(&operator, id);
    assert!(closed.closed(), "closed with the follow-up to come");
    // The close reached the inbox before the kill (a notice in flight at a
    // kill is another matter than this test's).
    let deadline = Instant::now() + Duration::from_secs(20);
    while line(&operator, id).is_none_or(|l| l.outcome != Some(Outcome::Lost)) {
        assert!(Instant::now() < deadline, "the inbox never saw the close");
        std::thread::sleep(Duration::from_millis(200));
    }
    w.stop();

    let w = start();
    assert!(now_ms() < due, "the restart took longer than the follow-up's lead: make it longer");
    let operator = Staff::demo(&base, StaffRole::Operator).unwrap();
    // The operator is at the console when it falls due.
    let mut inbox = operator.socket(&inbox_socket_path("demo", &Scope::Mine)).unwrap();
    assert!(matches!(inbox.recv().unwrap().msg, ServerMsg::Inbox { .. }));
    // The alarm brings it back when due (within a minute, on a loaded machine).
    let deadline = Instant::now() + Duration::from_millis(due.saturating_sub(now_ms())) + Duration::from_secs(60);
    let came_back = |all: &[ChatMessage]| all.iter().any(|m| m.event == Some(Event::FollowUpDue {}));
    while !came_back(&timeline(&operator, id).0) {
        assert!(Instant::now() < deadline, "the follow-up did not come back by a minute after due");
        std::thread::sleep(Duration::from_millis(500));
    }
    let back_at = now_ms();
    assert!(back_at >= due, "not before it is due");
    // Routing offers it to the operator who scheduled it.
    inbox.set_read_timeout(Duration::from_secs(30)).unwrap();
    let (f, _) = inbox
        .recv_until(|f| matches!(&f.msg, ServerMsg::Assignment { conversation, .. } if conversation.as_str() == id))
        .expect("an assignment of the follow-up");
    assert!(matches!(f.msg, ServerMsg::Assignment { to_you: true, .. }), "offered to whoever scheduled it");

    let (all, state) = timeline(&operator, id);
    let scheduled = all.iter().find_map(|m| match &m.event {
        Some(Event::FollowUp { by, .. }) => Some(by.clone()),
        _ => None,
    });
    assert_eq!(scheduled.as_deref(), Some(operator.me.name.as_str()), "the sender's name, not the client's");
    let came_back = all.iter().find(|m| m.event == Some(Event::FollowUpDue {})).expect("a followUpDue event");
    assert_eq!((came_back.author, came_back.at >= due), (Role::Operator, true));
    assert!(!state.closed(), "open again");
    assert_eq!(state.assignee.as_deref(), Some(operator.me.name.as_str()));
    assert!(state.follow_up.as_ref().is_some_and(|f| f.fired && f.due == due));
    assert_eq!(all.iter().filter(|m| m.event == Some(Event::FollowUpDue {})).count(), 1, "brought back once");
    let l = line(&operator, id).expect("its inbox line");
    assert_eq!((l.outcome, l.follow_up, l.follow_up_by.as_deref()), (None, Some(due), Some(operator.me.name.as_str())));
    drop(w);
    let _ = std::fs::remove_dir_all(&state_dir);
}
