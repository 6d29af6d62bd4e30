//! Retention against the real Worker, with shortened times: sessions live
//! 3 s, sign-in attempts count for 2 s, and objects sweep every second.
//! Expired sessions and attempts go, the sockets of an account whose
//! sessions all expired close (their rows go too), live invitations stay,
//! and over rounds of sign-ins the Directory's rows stay bounded.
//! Starts its own Worker, for its short times.

use std::time::{Duration, Instant};

use e2e::accounts::{demo_email, Staff, TEST_PASSWORD};
use e2e::wrangler::{Options, Wrangler};
use serde::Deserialize;
use shared::api::{inbox_socket_path, INVITATIONS_PATH, LOGIN_PATH};
use shared::staff::{Invite, Login, StaffRole};
use shared::{ErrorCode, ServerMsg};

/// The Directory's rows that expire (`GET /api/bench/expiring`).
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

fn wrong_sign_in(base: &str, i: usize) {
    let body = Login { email: format!("nobody-{i}@retention.test"), password: "not the password".into() };
    let r = ureq::post(&format!("{base}{LOGIN_PATH}")).set("Origin", base).send_json(&body);
    assert!(matches!(r, Err(ureq::Error::Status(401, _))), "{r:?}");
}

#[test]
fn expired_sessions_attempts_and_socket_rows_are_swept_and_rows_stay_bounded() {
    let mut opts = Options::fresh_for_tests("retention");
    for (k, v) in [("SESSION_TTL_SECONDS", "3"), ("LOGIN_WINDOW_SECONDS", "2"), ("RETENTION_SWEEP_SECONDS", "1")] {
        opts.vars.push((k.into(), v.into()));
    }
    opts.vars.push(("BENCH".into(), "on".into()));
    let w = Wrangler::start(opts).unwrap();
    let base = w.base_url.as_str();

    let admin = Staff::demo(base, StaffRole::Admin).unwrap();
    let invite = Invite { email: "new.hire@retention.test".into(), role: StaffRole::Operator };
    admin.send("POST", INVITATIONS_PATH).send_json(&invite).unwrap();
    let operator = Staff::demo(base, StaffRole::Operator).unwrap();
    let mut socket = operator.socket(&inbox_socket_path("demo")).unwrap();
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
