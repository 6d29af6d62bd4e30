//! Routing against the real Worker, on sites of their own with
//! auto-assignment on: a new conversation goes to an online operator with
//! spare capacity, the next waits with its place told to the customer, an
//! away operator gets none, a freed slot takes the longest waiting; an
//! assignment with no first reply in time goes back and to the next
//! operator, and the first is told. Whispers reach staff sockets only. A
//! site's onboarding rule holds live chats from an operator until they
//! pass a practice run of each workflow, played here through the socket.

use std::time::Duration;

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::{create_conversation, Socket};
use shared::api::{customer_socket_path, inbox_socket_path, operator_socket_path, seats_path, site_config_path};
use shared::hours::{Day, Hours, Opening};
use shared::routing::{Presence, Seat};
use shared::scope::Scope;
use shared::site::SiteConfig;
use shared::workflow::Event;
use shared::{ClientMsg, ConversationId, ErrorCode, ServerMsg};

/// A fresh organisation's site with auto-assignment on and the given
/// no-reply time; its people in `StaffRole::ALL` order.
fn site(tag: &str, no_reply_seconds: u32) -> (String, Vec<Staff>) {
    let site = format!("{tag}{}", std::process::id());
    let people = sign_up_org(&base_url(), tag, &site).unwrap();
    let owner = &people[0];
    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    config.routing.auto_assign = true;
    config.routing.no_reply_seconds = no_reply_seconds;
    owner.send("PUT", &path).send_json(&config).unwrap();
    (site, people)
}

/// A supervisor sets `who`'s capacity.
fn seat(site: &str, supervisor: &Staff, who: &Staff, capacity: u32) {
    let seat = Seat { capacity, ..Seat::default_for(&who.me.name) };
    supervisor.send("PUT", &seats_path(site)).send_json(&seat).unwrap();
}

/// `who`'s inbox socket (they are online from now), past its first page.
fn online(site: &str, who: &Staff) -> Socket {
    let mut s = who.socket(&inbox_socket_path(site, &Scope::Mine)).unwrap();
    assert!(matches!(s.recv().unwrap().msg, ServerMsg::Inbox { .. }));
    s
}

/// A new conversation with its customer's socket open (and its token).
fn customer_with_token(site: &str) -> (ConversationId, Socket, String) {
    let c = create_conversation(&base_url(), site).unwrap();
    let mut s = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    (c.conversation, s, c.token)
}

/// A new conversation with its customer's socket open.
fn customer(site: &str) -> (ConversationId, Socket) {
    let (c, s, _) = customer_with_token(site);
    (c, s)
}

/// The next assignment frame on an inbox socket: (conversation, to you).
fn assignment(s: &mut Socket) -> (ConversationId, bool) {
    let (f, _) = s.recv_until(|f| matches!(f.msg, ServerMsg::Assignment { .. })).unwrap();
    let ServerMsg::Assignment { conversation, to_you, .. } = f.msg else { unreachable!() };
    (conversation, to_you)
}

/// The next place in the queue a customer is told.
fn place(s: &mut Socket) -> u32 {
    let (f, _) = s.recv_until(|f| matches!(f.msg, ServerMsg::Queue { .. })).unwrap();
    let ServerMsg::Queue { position, .. } = f.msg else { unreachable!() };
    position
}

/// Frames that arrive on `s` within `wait`.
fn within(s: &mut Socket, wait: Duration) -> Vec<ServerMsg> {
    s.set_read_timeout(wait).unwrap();
    let mut seen = Vec::new();
    while let Ok(f) = s.recv() {
        seen.push(f.msg);
    }
    s.set_read_timeout(Duration::from_secs(10)).unwrap();
    seen
}

fn presence(s: &mut Socket, status: Presence) {
    s.send_msg(&format!("p-{}", status as u8), ClientMsg::Presence { status }).unwrap();
}

#[test]
fn routing_respects_presence_and_capacity() {
    let (site, people) = site("routed", 600);
    let (supervisor, operator) = (&people[2], &people[3]);
    seat(&site, supervisor, operator, 1);
    let mut inbox = online(&site, operator);

    let (a, _ca) = customer(&site);
    assert_eq!(assignment(&mut inbox), (a.clone(), true), "online with room: the first is theirs");
    let (b, mut cb) = customer(&site);
    assert_eq!(place(&mut cb), 1, "at capacity: the next waits, first in line");
    assert!(within(&mut inbox, Duration::from_millis(800)).iter().all(|m| !matches!(m, ServerMsg::Assignment { .. })));

    presence(&mut inbox, Presence::Away);
    let (c, mut cc) = customer(&site);
    assert_eq!(place(&mut cc), 2, "second in line");
    let mut chat = operator.socket(&operator_socket_path(&site, a.as_str(), 0)).unwrap();
    chat.welcome_and_replay(0).unwrap();
    // Passed to a team the operator is not in: their slot is free, and
    // the conversation waits in that team's queue.
    let passed = chat.act("pass", Event::Escalate { team: "billing".into(), note: "refund".into() }).unwrap();
    assert!(matches!(passed, ServerMsg::Ack { .. }), "{passed:?}");
    let quiet = within(&mut inbox, Duration::from_millis(1500));
    assert!(quiet.iter().all(|m| !matches!(m, ServerMsg::Assignment { .. })), "away: given nothing: {quiet:?}");

    presence(&mut inbox, Presence::Online);
    let (given, to_you) = assignment(&mut inbox);
    assert!(to_you && given == b, "back online with a free slot: the longest waiting, {given}");
    assert_eq!(place(&mut cb), 0, "the customer is told someone has it");
    assert_eq!(place(&mut cc), 1, "the one behind moves up");
    let more = within(&mut inbox, Duration::from_millis(1000));
    assert!(more.iter().all(|m| !matches!(m, ServerMsg::Assignment { .. })), "at capacity again: {more:?}");

    // A billing member with room takes the billing queue only.
    let supervisor_seat = Seat { capacity: 5, teams: vec!["billing".into()], ..Seat::default_for(&supervisor.me.name) };
    supervisor.send("PUT", &seats_path(&site)).send_json(&supervisor_seat).unwrap();
    let mut billing = online(&site, supervisor);
    let (first, _) = assignment(&mut billing);
    let (second, _) = assignment(&mut billing);
    let mut got = [first, second];
    let mut want = [a, c];
    got.sort_by(|x, y| x.as_str().cmp(y.as_str()));
    want.sort_by(|x, y| x.as_str().cmp(y.as_str()));
    assert_eq!(got, want, "a member of billing takes billing's queue and the general one");
}

#[test]
fn an_unanswered_assignment_goes_to_the_next_operator() {
    let (site, people) = site("noreply", 10);
    let (supervisor, operator) = (&people[2], &people[3]);
    let mut first = online(&site, operator);
    let (a, _ca) = customer(&site);
    assert_eq!(assignment(&mut first), (a.clone(), true));
    let mut second = online(&site, supervisor);
    // Nobody answers within 10 s.
    let (back, to_you) = assignment(&mut first);
    assert_eq!((back, to_you), (a.clone(), false), "the first operator is told it went back");
    assert_eq!(assignment(&mut second), (a.clone(), true), "offered to the next operator, not the same");
    let mut chat = supervisor.socket(&operator_socket_path(&site, a.as_str(), 0)).unwrap();
    let (_, timeline) = chat.welcome_and_replay(0).unwrap();
    let events: Vec<_> = timeline.iter().filter_map(|m| m.event.clone()).collect();
    let moves: Vec<_> =
        events.iter().filter(|e| matches!(e, Event::Assign { .. } | Event::Release {})).cloned().collect();
    assert_eq!(
        moves,
        [
            Event::Assign { to: operator.me.name.clone() },
            Event::Release {},
            Event::Assign { to: supervisor.me.name.clone() },
        ],
        "the timeline says who had it"
    );
}

#[test]
fn a_whisper_never_reaches_a_customer_socket() {
    let (site, people) = site("whisper", 600);
    let (supervisor, operator) = (&people[2], &people[3]);
    let (c, mut customer_socket, token) = customer_with_token(&site);
    let open = |who: &Staff| {
        let mut s = who.socket(&operator_socket_path(&site, c.as_str(), 0)).unwrap();
        s.welcome_and_replay(0).unwrap();
        s
    };
    let (mut op, mut sup) = (open(operator), open(supervisor));
    let secret = "offer the refund, it is within policy";
    sup.send_msg("w1", ClientMsg::Whisper { text: secret.into() }).unwrap();
    for s in [&mut op, &mut sup] {
        let (f, _) = s.recv_until(|f| matches!(f.msg, ServerMsg::Whisper(_))).unwrap();
        let ServerMsg::Whisper(w) = f.msg else { unreachable!() };
        assert_eq!((w.from.as_str(), w.text.as_str()), (supervisor.me.name.as_str(), secret));
    }
    customer_socket.send_msg("w2", ClientMsg::Whisper { text: "me too".into() }).unwrap();
    let (answer, _) = customer_socket.reply_to("w2").unwrap();
    assert!(matches!(answer, ServerMsg::Error { code: ErrorCode::Forbidden, .. }), "{answer:?}");
    op.send_acked("after", "Good news: a refund is on its way").unwrap();
    customer_socket.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == "after")).unwrap();

    // Every frame a customer got, live and on a reconnect, has no whisper in it.
    let mut again = Socket::open(&base_url(), &customer_socket_path(c.as_str(), &token, 0)).unwrap();
    let live = within(&mut customer_socket, Duration::from_millis(500));
    let replay = within(&mut again, Duration::from_millis(800));
    for m in live.iter().chain(&replay) {
        let json = serde_json::to_string(m).unwrap();
        assert!(!json.contains(secret) && !matches!(m, ServerMsg::Whisper(_)), "a customer got {json}");
    }
    // Staff who connect later get it.
    let mut late = supervisor.socket(&operator_socket_path(&site, c.as_str(), 0)).unwrap();
    let (f, _) = late.recv_until(|f| matches!(f.msg, ServerMsg::Whisper(_))).unwrap();
    assert!(matches!(f.msg, ServerMsg::Whisper(w) if w.text == secret));
}

/// Plays `script` as a model operator would (the workflow's canned
/// guidance first, then `actions`) through the real socket; the
/// conversation is closed at the end.
fn practise(site: &str, who: &Staff, script: &str, actions: Vec<Event>) {
    let config: SiteConfig = who.get(&site_config_path(site)).call().unwrap().into_json().unwrap();
    let started: shared::practice::PracticeStarted = who
        .send("POST", &shared::api::practice_path(site))
        .send_json(shared::practice::StartPractice { script: script.into() })
        .unwrap()
        .into_json()
        .unwrap();
    let workflow = shared::practice::script(script).unwrap().workflow;
    let mut chat = who.socket(&operator_socket_path(site, started.conversation.as_str(), 0)).unwrap();
    chat.welcome_and_replay(0).unwrap();
    for (i, c) in config.canned.iter().filter(|c| c.workflow == workflow).enumerate() {
        chat.send_acked(&format!("g{i}"), &c.text).unwrap();
    }
    for (i, e) in actions.into_iter().enumerate() {
        let answer = chat.act(&format!("a{i}"), e.clone()).unwrap();
        assert!(matches!(answer, ServerMsg::Ack { .. }), "{script}: {e:?} → {answer:?}");
    }
}

#[test]
fn onboarding_holds_live_chats_until_each_practice_run_passes() {
    use shared::workflow::{OrderLine, Outcome};
    let (site, people) = site("onboard", 600);
    let (owner, operator) = (&people[0], &people[3]);
    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    config.routing.require_practice = true;
    owner.send("PUT", &path).send_json(&config).unwrap();
    let mut inbox = online(&site, operator);
    let (waiting, mut customer) = customer(&site);
    assert_eq!(place(&mut customer), 1, "not onboarded: the chat waits");

    let collect = |field: &str, value: &str| Event::Collect { field: field.into(), value: value.into() };
    practise(
        &site,
        operator,
        "login",
        vec![
            collect("issue_type", "Login"),
            collect("error_message", "Invalid session token (401)"),
            collect("account_id", "48213"),
            Event::Checklist { items: vec!["Clear cookies".into(), "Sign in again".into()] },
            Event::AskResolution {},
            Event::AskRating {},
            Event::Close { outcome: Outcome::Resolved },
        ],
    );
    let quiet = within(&mut inbox, Duration::from_millis(1000));
    assert!(quiet.iter().all(|m| !matches!(m, ServerMsg::Assignment { .. })), "support alone is not enough");
    let team = config.products.iter().find(|p| p.id == "team").unwrap().clone();
    practise(
        &site,
        operator,
        "team-plan",
        vec![
            Event::CompleteStep { step: "initiate".into() },
            collect("needs", "shared inboxes, weekly reports, 12 seats"),
            Event::Present(team),
            Event::CompleteStep { step: "negotiate".into() },
            Event::order(vec![OrderLine { product: "team".into(), qty: 12 }]),
            Event::AskRating {},
            Event::Close { outcome: Outcome::Won },
        ],
    );
    let results: Vec<shared::practice::PracticeResult> =
        operator.get(&shared::api::practice_path(&site)).call().unwrap().into_json().unwrap();
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(results.iter().all(|r| r.passed()), "{results:?}");
    assert_eq!(assignment(&mut inbox), (waiting, true), "onboarded: the waiting chat is theirs");
}

/// A customer passed to a team outside its own hours reads until when it is away.
#[test]
fn a_customer_waiting_for_a_team_outside_its_hours_is_told_when_it_is_back() {
    let (site, people) = site("teamhours", 120);
    let (owner, operator) = (&people[0], &people[3]);
    // Billing works every day, but not today nor the next two days (UTC).
    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    let today = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 86_400;
    let week = Day::ALL.iter().map(|d| Opening { day: *d, from: "00:00".into(), to: "24:00".into() }).collect();
    let holidays = (today..today + 3).map(shared::metrics::day_label).collect();
    config.hours.push(Hours { team: Some("billing".into()), time_zone: "UTC".into(), week, holidays });
    owner.send("PUT", &path).send_json(&config).unwrap();

    let (c, mut customer) = customer(&site);
    let mut chat = operator.socket(&operator_socket_path(&site, c.as_str(), 0)).unwrap();
    chat.welcome_and_replay(0).unwrap();
    chat.act("take", Event::Assign { to: operator.me.name.clone() }).unwrap();
    chat.act("pass", Event::Escalate { team: "billing".into(), note: "refund".into() }).unwrap();
    let (f, _) = customer
        .recv_until(|f| matches!(&f.msg, ServerMsg::Queue { text, .. } if text.contains("team is away")))
        .unwrap();
    let ServerMsg::Queue { text, position, .. } = f.msg else { unreachable!() };
    // The day after the holidays, at midnight in the team's zone (1970-01-01 was a Thursday).
    let days = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"];
    let back = format!("until {} 00:00 (UTC);", days[((today + 3) % 7) as usize]);
    assert_eq!(position, 1);
    assert!(text.contains(&back) && text.ends_with("your message waits for them here."), "{text} ({back})");
}
