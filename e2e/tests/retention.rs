//! Retention against the real Worker, with shortened times: sessions live
//! 3 s, sign-in attempts count for 2 s, a site's "day" is a second, and
//! objects sweep every second. Expired sessions and attempts go, the
//! sockets of an account whose sessions all expired close (their rows go
//! too), live invitations stay, over rounds of sign-ins the rows of the
//! organisation's object and the index shards stay bounded; channel messages older than the site's setting go (a
//! member's file with them), and the channel's sequence goes on. Each test starts its own Worker, for its
//! short times.

use std::time::{Duration, Instant};

use e2e::accounts::{demo_email, Staff, TEST_PASSWORD};
use e2e::client::{create_conversation, Socket};
use e2e::wrangler::OwnWorker;
use serde::Deserialize;
use serde_json::json;
use shared::api::{
    channel_socket_path, inbox_socket_path, operator_channel_path, site_config_path, INVITATIONS_PATH, LOGIN_PATH,
};
use shared::api::{customer_socket_path, operator_socket_path, ConversationCreated};
use shared::moderation_case::{Case, Report};
use shared::site::{Retention, SiteConfig};
use shared::staff::{Invite, Login, StaffRole};
use shared::workflow::{Event, Outcome, Sanction, Severity};
use shared::{ErrorCode, ServerMsg};

/// The rows that expire: the demo organisation's and every index shard's
/// attempts (`GET /api/bench/expiring`).
#[derive(Debug, Deserialize, PartialEq, Eq)]
struct Expiring {
    sessions: u64,
    attempts: u64,
    invitations: u64,
    sockets: u64,
}

fn expiring(base: &str) -> Expiring {
    ureq::get(&format!("{base}/api/bench/expiring")).call().unwrap().into_json().unwrap()
}

/// Waits (at most 20 s) until `ok` holds for the counts.
fn until(base: &str, what: &str, ok: impl Fn(&Expiring) -> bool) -> Expiring {
    let start = Instant::now();
    loop {
        let now = expiring(base);
        if ok(&now) {
            return now;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{what}: still {now:?}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Starts a Worker of the test's own with `vars`.
fn worker(name: &str, vars: &[(&str, &str)]) -> OwnWorker {
    OwnWorker::start(name, vars, true).unwrap()
}

fn wrong_sign_in(base: &str, i: usize) {
    let body = Login { email: format!("nobody-{i}@retention.test"), password: "not the password".into(), code: None };
    let r = ureq::post(&format!("{base}{LOGIN_PATH}")).set("Origin", base).send_json(&body);
    assert!(matches!(r, Err(ureq::Error::Status(401, _))), "{r:?}");
}

#[test]
fn expired_sessions_attempts_and_socket_rows_are_swept_and_rows_stay_bounded() {
    let w = worker(
        "retention",
        &[
            ("SESSION_TTL_SECONDS", "3"),
            ("LOGIN_WINDOW_SECONDS", "2"),
            ("RETENTION_SWEEP_SECONDS", "1"),
            ("BENCH", "on"),
        ],
    );
    let base = w.base();

    let admin = Staff::demo(base, StaffRole::Admin).unwrap();
    let invite = Invite { email: "new.hire@retention.test".into(), role: StaffRole::Operator };
    admin.send("POST", INVITATIONS_PATH).send_json(&invite).unwrap();
    let operator = Staff::demo(base, StaffRole::Operator).unwrap();
    let mut socket = operator.socket(&inbox_socket_path("demo", &shared::scope::Scope::All)).unwrap();
    socket.recv().unwrap(); // the inbox list: the socket is open
    for i in 0..5 {
        wrong_sign_in(base, i);
    }
    let before = expiring(base);
    assert!(before.sessions >= 2 && before.attempts >= 5 && before.sockets >= 1, "{before:?}");
    assert_eq!(before.invitations, 1);

    // Past the sessions' 3 s and the attempts' 2 s, a sweep removes them;
    // the operator's socket closes with its last session, and its row goes.
    let after = until(base, "the sweep", |e| e.sessions == 0 && e.attempts == 0 && e.sockets == 0);
    assert_eq!(after.invitations, 1, "a live invitation stays");
    let (f, _) = socket.recv_until(|f| matches!(f.msg, ServerMsg::Error { .. })).unwrap();
    assert!(matches!(f.msg, ServerMsg::Error { code: ErrorCode::Unauthorized, .. }), "{f:?}");
    while socket.recv().is_ok() {}

    // Rounds of sign-ins: the rows never pile up past one round's worth.
    for round in 0..3 {
        for i in 0..10 {
            Staff::login(base, &demo_email(StaffRole::Operator), TEST_PASSWORD).unwrap();
            wrong_sign_in(base, 100 * round + i);
        }
        let peak = expiring(base);
        assert!(peak.sessions <= 10 && peak.attempts <= 30, "round {round}: {peak:?}");
        until(base, "the round's sweep", |e| e.sessions == 0 && e.attempts == 0);
    }
}

/// A join of the demo site's `live` channel from `after`: the messages it
/// is sent (waiting until 300 ms pass without a frame).
fn join(base: &str, visitor: &str, after: u64) -> (Vec<u64>, bool) {
    let path = channel_socket_path("demo", "live", visitor, "Joiner", after);
    let mut s = Socket::open(base, &path).unwrap();
    assert!(matches!(s.recv().unwrap().msg, ServerMsg::Welcome { .. }));
    s.set_read_timeout(Duration::from_millis(300)).unwrap();
    let (mut seqs, mut paged) = (Vec::new(), false);
    while let Ok(f) = s.recv() {
        match f.msg {
            ServerMsg::Message(m) => seqs.push(m.seq),
            ServerMsg::History { messages, .. } => {
                paged = true;
                seqs.extend(messages.iter().map(|m| m.seq));
            }
            other => panic!("expected history, got {other:?}"),
        }
    }
    (seqs, paged)
}

/// Changes the demo site's retention settings, as its admin.
fn set_retention(base: &str, change: impl FnOnce(&mut Retention)) {
    set_config(base, |c| change(&mut c.retention));
}

/// Changes the demo site's settings, as its admin.
fn set_config(base: &str, change: impl FnOnce(&mut SiteConfig)) {
    let admin = Staff::demo(base, StaffRole::Admin).unwrap();
    let mut config: SiteConfig = admin.get(&site_config_path("demo")).call().unwrap().into_json().unwrap();
    change(&mut config);
    admin.send("PUT", &site_config_path("demo")).send_json(&config).unwrap();
}

#[test]
fn channel_messages_older_than_the_sites_setting_are_swept_and_the_sequence_goes_on() {
    let w = worker(
        "retention-channel",
        &[("RETENTION_DAY_SECONDS", "1"), ("RETENTION_SWEEP_SECONDS", "1"), ("BENCH", "on")],
    );
    let base = w.base();
    set_config(base, |c| {
        c.retention.channel_days = 4; // four seconds here
        c.files.channels = true;
    });

    let mo = Staff::demo(base, StaffRole::Moderator).unwrap();
    let mut s = mo.socket(&operator_channel_path("demo", "live", 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    for i in 1..=5 {
        s.send_acked(&format!("old-{i}"), &format!("old message {i}")).unwrap();
    }
    assert_eq!(join(base, &e2e::identity::visitor_token("demo", "a"), 0).0, vec![1, 2, 3, 4, 5]);
    // A member's picture among the old messages (its object in R2).
    let fay = e2e::identity::visitor_token("demo", "f");
    let mut member = Socket::open(base, &channel_socket_path("demo", "live", &fay, "Fay", 0)).unwrap();
    let ServerMsg::Welcome { conversation: room, .. } = member.recv().unwrap().msg else { panic!("a welcome") };
    let picture = e2e::files::member_upload(base, ("demo", "live"), (&fay, "Fay"), "p1", "old.png", &e2e::files::PNG);
    assert_eq!(picture.map(|r| r.status()).ok(), Some(201));
    assert_eq!(e2e::files::stored(base, room.as_str()).len(), 1);
    std::thread::sleep(Duration::from_secs(5));
    s.send_acked("new-1", "a new message").unwrap();
    // Swept: only the new one is left; a resume from before the gap gets
    // the newest page, not messages with a hole before them.
    let start = Instant::now();
    while join(base, &e2e::identity::visitor_token("demo", "b"), 0).0 != vec![7] {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "not swept: {:?}",
            join(base, &e2e::identity::visitor_token("demo", "b"), 0)
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(join(base, &e2e::identity::visitor_token("demo", "c"), 2), (vec![7], true));
    assert!(e2e::files::stored(base, room.as_str()).is_empty(), "the picture went with the old messages");
    // The sequence goes on (the newest row is always kept, so a wake reads
    // the last sequence number from it).
    // (7 may be swept meanwhile on a slow machine: it is old enough once 8 is stored.)
    s.send_acked("new-2", "another").unwrap();
    let (seqs, _) = join(base, &e2e::identity::visitor_token("demo", "d"), 0);
    assert!(seqs.last() == Some(&8) && seqs.iter().all(|&n| n >= 7), "{seqs:?}");
}

#[test]
fn a_conversation_closed_past_the_sites_setting_is_deleted_and_an_open_one_stays() {
    let w = worker("retention-conversations", &[("RETENTION_DAY_SECONDS", "1"), ("RETENTION_SWEEP_SECONDS", "1")]);
    let base = w.base();
    set_retention(base, |r| r.closed_days = 2); // two seconds here

    let operator = Staff::demo(base, StaffRole::Operator).unwrap();
    let customer = |c: &ConversationCreated| {
        Socket::open(base, &customer_socket_path(c.conversation.as_str(), &c.token, 0))
            .and_then(|mut s| s.welcome_and_replay(0).map(|_| s))
    };
    let (closed, open) = (create_conversation(base, "demo").unwrap(), create_conversation(base, "demo").unwrap());
    for c in [&closed, &open] {
        customer(c).unwrap().send_acked("q", "hello").unwrap();
    }
    let mut op = operator.socket(&operator_socket_path("demo", closed.conversation.as_str(), 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    op.act("e", Event::Escalate { team: "billing".into(), note: "refund".into() }).unwrap();
    op.act("x", Event::Close { outcome: Outcome::Escalated }).unwrap();

    // Two "days" after it closed, the sweep deletes it: its customer finds no conversation.
    let start = Instant::now();
    loop {
        match customer(&closed) {
            Err(e) if format!("{e:#}").contains("UnknownConversation") => break,
            Err(e) => panic!("{e:#}"),
            Ok(_) => {}
        }
        assert!(start.elapsed() < Duration::from_secs(20), "not deleted");
        std::thread::sleep(Duration::from_millis(250));
    }
    // The open one stays, though as old; the inbox lists it and not the deleted one.
    customer(&open).unwrap().send_acked("q2", "still here").unwrap();
    let mut inbox = operator.socket(&inbox_socket_path("demo", &shared::scope::Scope::All)).unwrap();
    let ServerMsg::Inbox { conversations } = inbox.recv().unwrap().msg else { panic!("expected the inbox list") };
    assert!(conversations.iter().any(|s| s.id == open.conversation));
    assert!(!conversations.iter().any(|s| s.id == closed.conversation), "the deleted one's line is gone");
}

#[test]
fn dealt_with_reports_labels_and_warnings_go_after_the_sites_setting_and_open_reports_stay() {
    let w =
        worker("retention-desk", &[("RETENTION_DAY_SECONDS", "1"), ("RETENTION_SWEEP_SECONDS", "1"), ("BENCH", "on")]);
    let base = w.base();
    set_retention(base, |r| r.closed_days = 2); // two seconds here
    let rows = || -> [u64; 3] {
        let all: serde_json::Value =
            ureq::get(&format!("{base}/api/bench/site-rows/demo")).call().unwrap().into_json().unwrap();
        serde_json::from_value(all["desk"].clone()).unwrap()
    };
    let desk = |path: &str| format!("/api/console/sites/demo/{path}");

    let mut v =
        Socket::open(base, &channel_socket_path("demo", "live", &e2e::identity::visitor_token("demo", "e"), "Eve", 0))
            .unwrap();
    v.welcome_and_replay(0).unwrap();
    for id in ["dealt", "approved", "waiting"] {
        v.send_text(id, "this is shit").unwrap();
        assert!(matches!(v.reply_to(id).unwrap().0, ServerMsg::Held { .. }));
    }
    let mo = Staff::demo(base, StaffRole::Moderator).unwrap();
    let reports: Vec<Report> = mo.get(&desk("reports")).call().unwrap().into_json().unwrap();
    let dealt = reports.iter().find(|r| r.message == "dealt").expect("a report");
    let case: Case =
        mo.send("POST", &desk("cases")).send_json(json!({ "report": dealt.id })).unwrap().into_json().unwrap();
    let act = desk(&format!("cases/{}/act", case.id));
    for event in [Event::Assess { severity: Severity::Low }, Event::Sanction { kind: Sanction::Warn, minutes: None }] {
        mo.send("POST", &act).send_json(json!({ "event": event })).unwrap();
    }
    // A review is kept as a label of the engine (a false positive).
    let approved = reports.iter().find(|r| r.message == "approved").expect("a report");
    let review = desk(&format!("reports/{}/review", approved.id));
    mo.send("POST", &review).send_json(json!({ "approve": true })).unwrap();
    assert!(rows()[1] >= 1, "a report dealt with is kept for now: {:?}", rows());
    assert_eq!(rows()[2], 1, "the review is a label: {:?}", rows());

    let start = Instant::now();
    while rows()[1] != 0 || rows()[2] != 0 {
        assert!(start.elapsed() < Duration::from_secs(20), "not swept: {:?}", rows());
        std::thread::sleep(Duration::from_millis(250));
    }
    let left: Vec<Report> = mo.get(&desk("reports")).call().unwrap().into_json().unwrap();
    assert!(left.iter().any(|r| r.message == "waiting"), "the open report stays");
    assert!(!left.iter().any(|r| r.message == "dealt" || r.message == "approved"), "those dealt with are gone");
}
