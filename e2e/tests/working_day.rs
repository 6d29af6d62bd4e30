//! The operator's working day against the real Worker, on a site of its
//! own: a closed conversation's facts reach the performance report (with
//! its first reply and adherence grade), an operator sees only their own
//! figures while a supervisor sees everyone's; shifts are checked against
//! the time-zone database and the coverage grid is for supervisors only;
//! a message left while away starts a conversation with the e-mail
//! collected, and a bad address is refused.

use std::time::{Duration, Instant};

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::{create_conversation, create_conversation_with, Socket};
use shared::api::{coverage_path, customer_socket_path, operator_socket_path, performance_path, shifts_path};
use shared::api::{ApiError, CreateConversation};
use shared::hours::{Day, Opening, Shifts};
use shared::metrics::Report;
use shared::workflow::{Event, Outcome};
use shared::ServerMsg;

/// A fresh organisation's site; its people in `StaffRole::ALL` order
/// (owner, admin, supervisor, operator, moderator).
fn site(tag: &str) -> (String, Vec<Staff>) {
    let site = format!("{tag}{}", std::process::id());
    let people = sign_up_org(&base_url(), tag, &site).unwrap();
    (site, people)
}

fn report(who: &Staff, site: &str) -> Report {
    who.get(&performance_path(site, 7, 0)).call().unwrap().into_json().unwrap()
}

fn refusal(r: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    match r {
        Err(ureq::Error::Status(code, resp)) => (code, resp.into_json::<ApiError>().unwrap().message),
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.status())),
    }
}

#[test]
fn a_closed_conversation_reaches_the_report_and_operators_see_only_their_own() {
    let (site, people) = site("perf");
    let (supervisor, operator) = (&people[2], &people[3]);
    let c = create_conversation(&base_url(), &site).unwrap();
    let mut customer = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    customer.welcome_and_replay(0).unwrap();
    let mut op = operator.socket(&operator_socket_path(&site, c.conversation.as_str(), 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    customer.send_acked("c1", "My invoice is wrong").unwrap();
    op.act("a", Event::Assign { to: operator.me.name.clone() }).unwrap();
    op.send_acked("o1", "Sorry about that, let me look").unwrap();
    op.act("e", Event::Escalate { team: "billing".into(), note: "refund".into() }).unwrap();
    assert!(matches!(op.act("x", Event::Close { outcome: Outcome::Escalated }).unwrap(), ServerMsg::Ack { .. }));

    // Filed as the conversation closed (after its inbox notice).
    let deadline = Instant::now() + Duration::from_secs(10);
    let r = loop {
        let r = report(supervisor, &site);
        if r.total.chats == 1 || Instant::now() > deadline {
            break r;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(r.total.chats, 1, "{r:?}");
    assert_eq!(r.total.escalation_rate, Some(1.0));
    assert!(r.total.first_response_p50_ms.is_some(), "the customer was answered");
    assert!(r.total.adherence_mean.is_some_and(|a| (0.0..=100.0).contains(&a)), "graded at close");
    assert_eq!(r.teams.keys().collect::<Vec<_>>(), ["billing"]);
    assert_eq!((r.days, r.daily.len(), r.daily.last().unwrap().chats), (7, 7, 1));

    // A seeded week: the supervisor sees everyone, the operator only themselves.
    let names = [supervisor.me.name.clone(), operator.me.name.clone()];
    let seed = format!("/api/console/sites/{site}/performance/seed");
    supervisor.send("POST", &seed).send_json(serde_json::json!({ "operators": names })).unwrap();
    let all = report(supervisor, &site);
    assert_eq!(all.operators.keys().cloned().collect::<Vec<_>>(), {
        let mut n = names.to_vec();
        n.sort();
        n
    });
    assert!(all.total.chats > 20);
    let own = report(operator, &site);
    assert_eq!(own.operators.keys().collect::<Vec<_>>(), [&operator.me.name]);
    assert_eq!(own.total.chats, all.operators[&operator.me.name].chats);
    // Seeding is a supervisor's (and a demo's) only.
    assert_eq!(refusal(operator.send("POST", &seed).send_json(serde_json::json!({}))).0, 403);
}

#[test]
fn shifts_are_checked_and_coverage_is_for_supervisors() {
    let (site, people) = site("shift");
    let (supervisor, operator) = (&people[2], &people[3]);
    let path = shifts_path(&site);
    let bad = Shifts { time_zone: "Mars/Olympus".into(), week: vec![] };
    let (code, message) = refusal(operator.send("PUT", &path).send_json(&bad));
    assert_eq!(code, 400);
    assert!(message.contains("not a known time zone"), "{message}");
    let late = Opening { day: Day::Mon, from: "18:00".into(), to: "09:00".into() };
    let (code, _) =
        refusal(operator.send("PUT", &path).send_json(Shifts { time_zone: "UTC".into(), week: vec![late] }));
    assert_eq!(code, 400);
    let good = Shifts {
        time_zone: "Asia/Tokyo".into(),
        week: vec![Opening { day: Day::Tue, from: "09:00".into(), to: "12:00".into() }],
    };
    operator.send("PUT", &path).send_json(&good).unwrap();
    let back: Shifts = operator.get(&path).call().unwrap().into_json().unwrap();
    assert_eq!(back, good);
    assert_eq!(refusal(operator.get(&coverage_path(&site)).call()).0, 403);
    let grid: shared::hours::Coverage = supervisor.get(&coverage_path(&site)).call().unwrap().into_json().unwrap();
    let everyone = grid.teams.iter().find(|t| t.team.is_empty()).unwrap();
    // Tuesday 09:00–12:00 in Tokyo is Tuesday 00:00–03:00 UTC (the grid's zone).
    assert_eq!(&everyone.counts[24..28], &[1, 1, 1, 0]);
}

#[test]
fn a_message_left_while_away_starts_a_conversation_with_the_email() {
    let (site, people) = site("away");
    let body = |email: &str| CreateConversation {
        email: Some(email.into()),
        ..CreateConversation::new(site.parse().unwrap())
    };
    let url = format!("{}{}", base_url(), shared::api::CONVERSATIONS_PATH);
    let (code, message) = refusal(ureq::post(&url).set("Origin", &base_url()).send_json(body("not an address")));
    assert_eq!(code, 400);
    assert!(message.contains("e-mail"), "{message}");
    let c = create_conversation_with(&base_url(), &body("ada@example.com")).unwrap();
    let mut op = people[3].socket(&operator_socket_path(&site, c.conversation.as_str(), 0)).unwrap();
    let (_, replay) = op.welcome_and_replay(0).unwrap();
    let collected = replay.iter().find_map(|m| match &m.event {
        Some(Event::Collect { field, value }) if field == "email" => Some(value.clone()),
        _ => None,
    });
    assert_eq!(collected.as_deref(), Some("ada@example.com"));
}

/// Reads frames until one matches `pred`, or none comes within a second.
fn next_seen(s: &mut Socket) -> Option<Vec<shared::SeenMark>> {
    s.set_read_timeout(Duration::from_secs(1)).unwrap();
    let found = s.recv_until(|f| matches!(f.msg, ServerMsg::Seen(_))).ok().map(|(f, _)| match f.msg {
        ServerMsg::Seen(marks) => marks,
        _ => unreachable!(),
    });
    s.set_read_timeout(Duration::from_secs(10)).unwrap();
    found
}

#[test]
fn read_marks_are_kept_per_operator_and_follow_them_to_their_other_devices() {
    let (site, people) = site("seen");
    let (supervisor, operator) = (&people[2], &people[3]);
    let c = create_conversation(&base_url(), &site).unwrap();
    let mut customer = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    customer.welcome_and_replay(0).unwrap();
    let (seq, _) = customer.send_acked("c1", "Hello?").unwrap();
    customer.send_acked("c2", "Anyone?").unwrap();
    let inbox = shared::api::inbox_socket_path(&site, &shared::scope::Scope::All);
    let mut laptop = operator.socket(&inbox).unwrap();
    let mut phone = operator.socket(&inbox).unwrap();
    let mut other = supervisor.socket(&inbox).unwrap();
    for s in [&mut laptop, &mut phone, &mut other] {
        s.recv_until(|f| matches!(f.msg, ServerMsg::Inbox { .. })).unwrap();
    }

    // The laptop has seen the first message: the phone is told, the supervisor is not.
    let mark = shared::SeenMark { conversation: c.conversation.clone(), seq };
    laptop.send_msg("s1", shared::ClientMsg::Seen(mark.clone())).unwrap();
    assert_eq!(next_seen(&mut phone), Some(vec![mark.clone()]));
    assert_eq!(next_seen(&mut other), None, "marks are the operator's own");
    // A mark that goes back, or past the last message, or of a conversation
    // the site does not have, changes nothing; past the end is kept as the end.
    laptop.send_msg("s2", shared::ClientMsg::Seen(shared::SeenMark { seq: seq - 1, ..mark.clone() })).unwrap();
    assert_eq!(next_seen(&mut phone), None, "a mark never goes back");
    let stranger = create_conversation(&base_url(), "demo").unwrap();
    let unknown = shared::SeenMark { conversation: stranger.conversation.clone(), seq: 1 };
    laptop.send_msg("s3", shared::ClientMsg::Seen(unknown)).unwrap();
    assert_eq!(next_seen(&mut phone), None, "another site's conversation");
    laptop.send_msg("s4", shared::ClientMsg::Seen(shared::SeenMark { seq: 1_000, ..mark.clone() })).unwrap();
    let end = next_seen(&mut phone).expect("the mark moved on");
    assert_eq!(end.len(), 1);
    assert!(end[0].seq > seq && end[0].seq < 1_000, "kept as the last message's: {end:?}");

    // A new device gets the marks with its first page; another operator none.
    let mut tablet = operator.socket(&inbox).unwrap();
    let (_, skipped) = tablet.recv_until(|f| matches!(f.msg, ServerMsg::Seen(_))).unwrap();
    assert!(skipped.iter().any(|f| matches!(f.msg, ServerMsg::Inbox { .. })), "the page first");
    let mut fresh = supervisor.socket(&inbox).unwrap();
    fresh.recv_until(|f| matches!(f.msg, ServerMsg::Inbox { .. })).unwrap();
    assert_eq!(next_seen(&mut fresh), None);

    // A conversation socket takes no marks.
    let mut op = operator.socket(&operator_socket_path(&site, c.conversation.as_str(), 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    op.send_msg("s5", shared::ClientMsg::Seen(mark)).unwrap();
    let (refused, _) = op.reply_to("s5").unwrap();
    assert!(matches!(refused, ServerMsg::Error { code: shared::ErrorCode::UnknownType, .. }), "{refused:?}");
}

/// The next board on `s` that `pred` accepts.
fn board_where(s: &mut Socket, what: &str, pred: impl Fn(&shared::routing::Board) -> bool) -> shared::routing::Board {
    let (f, _) = s.recv_until(|f| matches!(&f.msg, ServerMsg::Board(b) if pred(b))).expect(what);
    match f.msg {
        ServerMsg::Board(b) => b,
        _ => unreachable!(),
    }
}

#[test]
fn the_board_lists_chats_in_progress_with_their_step_and_who_waits() {
    let (site, people) = site("board");
    let (supervisor, operator) = (&people[2], &people[3]);
    let mut board = supervisor.socket(&shared::api::inbox_socket_path(&site, &shared::scope::Scope::All)).unwrap();
    let c = create_conversation(&base_url(), &site).unwrap();
    let mut customer = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    customer.welcome_and_replay(0).unwrap();
    let mut op = operator.socket(&operator_socket_path(&site, c.conversation.as_str(), 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    op.act("a", Event::Assign { to: operator.me.name.clone() }).unwrap();
    customer.send_acked("c1", "My parcel is late").unwrap();
    // Held, and the customer's word is the last: waiting since it.
    let held = |b: &shared::routing::Board| b.chats.iter().any(|x| x.conversation == c.conversation);
    let waits = |b: &shared::routing::Board| {
        b.chats.iter().any(|x| x.conversation == c.conversation && x.waiting_since.is_some())
    };
    let b = board_where(&mut board, "held, the customer waiting", waits);
    let chat = b.chats.iter().find(|x| x.conversation == c.conversation).unwrap();
    assert_eq!(
        (chat.assignee.as_str(), chat.workflow, chat.step),
        (operator.me.name.as_str(), shared::workflow::WorkflowKind::Support, 0)
    );
    assert!(chat.waiting_since.is_some(), "{chat:?}");
    // Answered: nobody waits; released: off the board (nobody holds it).
    op.send_acked("o1", "Let me check").unwrap();
    board_where(&mut board, "answered", |b| held(b) && !waits(b));
    assert!(matches!(op.act("r", Event::Release {}).unwrap(), ServerMsg::Ack { .. }));
    board_where(&mut board, "released", |b| !held(b));
}
