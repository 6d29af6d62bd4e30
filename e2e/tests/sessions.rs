//! Session lifetime against its own Worker (sessions rotate after 2 s, a
//! rotated-out token works 2 s more, sessions live 6 s): the session route
//! hands out a new token when one is due, the old one stops working after
//! the grace period, and a session expires; a session in use still ends at
//! its absolute lifetime, and one that expires without a sign-out closes
//! its sockets and no other sign-in's; socket rows follow the handshake
//! and the close, and a failed drop is tried again (each against its own
//! Worker).

use e2e::client::{status, Socket};
use std::time::{Duration, Instant};

use e2e::accounts::{Staff, TEST_PASSWORD};
use e2e::wrangler::OwnWorker;
use shared::api::{inbox_socket_path, operator_channel_path, operator_socket_path, site_config_path};
use shared::api::{CreateConversation, LOGOUT_PATH, SESSION_PATH};
use shared::scope::Scope;
use shared::staff::StaffRole;
use shared::ServerMsg;

#[test]
fn sessions_rotate_and_expire() {
    let vars = [("SESSION_ROTATE_SECONDS", "2"), ("SESSION_GRACE_SECONDS", "2"), ("SESSION_TTL_SECONDS", "6")];
    let w = OwnWorker::start("e2e-sessions", &vars, true).unwrap();
    let old = Staff::login(w.base(), &e2e::accounts::demo_email(StaffRole::Operator), TEST_PASSWORD).unwrap();
    let fresh = old.get(SESSION_PATH).call().unwrap();
    assert!(fresh.header("Set-Cookie").is_none(), "a fresh session is not rotated");

    std::thread::sleep(Duration::from_millis(2_200));
    let rotated = old.get(SESSION_PATH).call().unwrap();
    let set = rotated.header("Set-Cookie").expect("a due session gets a new token").to_owned();
    assert!(set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Strict"), "{set}");
    let new = Staff { cookie: set.split(';').next().unwrap().to_owned(), ..old.clone() };
    assert_ne!(new.cookie, old.cookie);
    // Requests in flight with the old token still work for the grace period…
    assert_eq!(status(old.get(&site_config_path("demo")).call()), 200);
    std::thread::sleep(Duration::from_millis(2_300));
    // …then only the new one does.
    assert_eq!(status(old.get(&site_config_path("demo")).call()), 401, "the rotated-out token stopped working");
    assert_eq!(status(new.get(&site_config_path("demo")).call()), 200);

    // Unrenewed, the new one expires 6 s after it was issued.
    std::thread::sleep(Duration::from_millis(4_000));
    assert_eq!(status(new.get(&site_config_path("demo")).call()), 401, "the session expired");
}

/// However much a sign-in is used and rotated, it ends at its absolute
/// lifetime (here 5 s, sessions living 4 s unused and rotating after 1 s).
#[test]
fn a_used_session_still_ends_at_its_absolute_lifetime() {
    let vars = [
        ("SESSION_ROTATE_SECONDS", "1"),
        ("SESSION_GRACE_SECONDS", "1"),
        ("SESSION_TTL_SECONDS", "4"),
        ("SESSION_MAX_SECONDS", "5"),
    ];
    let w = OwnWorker::start("e2e-session-max", &vars, true).unwrap();
    let signed_in = std::time::Instant::now();
    let mut me = Staff::login(w.base(), &e2e::accounts::demo_email(StaffRole::Operator), TEST_PASSWORD).unwrap();
    let mut rotations = 0;
    let ended = loop {
        std::thread::sleep(Duration::from_millis(400));
        match me.get(SESSION_PATH).call() {
            Ok(r) => {
                if let Some(set) = r.header("Set-Cookie") {
                    me = Staff { cookie: set.split(';').next().unwrap().to_owned(), ..me.clone() };
                    rotations += 1;
                }
            }
            Err(ureq::Error::Status(401, _)) => break signed_in.elapsed(),
            Err(e) => panic!("{e}"),
        }
        assert!(signed_in.elapsed() < Duration::from_secs(9), "the session outlived its absolute lifetime");
    };
    assert!(rotations >= 3, "it was in use and rotated: {rotations}");
    assert!(ended >= Duration::from_millis(4_500), "it ended early, after {ended:?}");
}

/// A session that expires without a sign-out closes the sockets it opened
/// (the organisation's sweep, here every second; sessions live 5 s) — and
/// only those: the same person's later sign-in keeps its socket open.
#[test]
fn an_expired_session_closes_its_sockets_and_no_other_sign_ins() {
    let vars = [("SESSION_TTL_SECONDS", "5"), ("RETENTION_SWEEP_SECONDS", "1")];
    let w = OwnWorker::start("e2e-session-sockets", &vars, true).unwrap();
    let email = e2e::accounts::demo_email(StaffRole::Operator);
    let first = Staff::login(w.base(), &email, TEST_PASSWORD).unwrap();
    let site = "demo".parse().unwrap();
    let chat = e2e::client::create_conversation_with(w.base(), &CreateConversation::new(site)).unwrap();
    let path = operator_socket_path("demo", chat.conversation.as_str(), 0);
    let mut socket = first.socket(&path).unwrap();
    socket.welcome_and_replay(0).unwrap();
    let opened = Instant::now();
    // The same person signs in again (another browser) 3.5 s later.
    std::thread::sleep(Duration::from_millis(3_500));
    let second = Staff::login(w.base(), &email, TEST_PASSWORD).unwrap();
    let mut other = second.socket(&path).unwrap();
    other.welcome_and_replay(0).unwrap();
    wait_closed(&mut socket, "the socket outlived its session");
    assert!(opened.elapsed() >= Duration::from_millis(4_000), "closed before the session expired");
    assert_eq!(status(first.get(&site_config_path("demo")).call()), 401);
    assert!(open(&mut other), "the later sign-in's socket closed with the first");
    assert_eq!(status(second.get(&site_config_path("demo")).call()), 200);
}

/// Waits (at most 20 s) until the socket closes.
fn wait_closed(socket: &mut Socket, what: &str) {
    socket.set_read_timeout(Duration::from_millis(500)).unwrap();
    let start = Instant::now();
    loop {
        match socket.recv_raw() {
            Ok(_) => {}
            Err(e) if e2e::client::is_timeout(&e) => {}
            Err(_) => return,
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{what}");
    }
}

/// Whether the socket is still open (nothing but silence for 300 ms).
fn open(socket: &mut Socket) -> bool {
    socket.set_read_timeout(Duration::from_millis(300)).unwrap();
    loop {
        match socket.recv_raw() {
            Ok(_) => {}
            Err(e) => return e2e::client::is_timeout(&e),
        }
    }
}

/// The demo organisation's socket rows (`GET /api/bench/expiring`).
fn socket_rows(base: &str) -> u64 {
    let rows: serde_json::Value = ureq::get(&format!("{base}/api/bench/expiring")).call().unwrap().into_json().unwrap();
    rows["sockets"].as_u64().unwrap()
}

/// Waits (at most 20 s) until the demo organisation has `n` socket rows.
fn until_rows(base: &str, n: u64) {
    let start = Instant::now();
    while socket_rows(base) != n {
        assert!(start.elapsed() < Duration::from_secs(20), "socket rows: {} (want {n})", socket_rows(base));
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Where an operator holds sockets is recorded reliably: a row is written
/// only once the object accepted the socket (refused handshakes — another
/// site, a channel that does not exist — write none), goes when the socket
/// closes, and one whose drop fails (the first drop fails on purpose
/// here) is kept and tried again until the socket closed.
#[test]
fn socket_rows_follow_the_handshake_and_the_close_and_a_failed_drop_is_tried_again() {
    let w = OwnWorker::start("e2e-socket-rows", &[("SOCKET_DROP_FAULTS", "1"), ("BENCH", "on")], true).unwrap();
    let op = Staff::login(w.base(), &e2e::accounts::demo_email(StaffRole::Operator), TEST_PASSWORD).unwrap();
    let mut refused = vec![
        op.socket(&inbox_socket_path("not-ours", &Scope::All)).unwrap(),
        op.socket(&operator_channel_path("demo", "no-such-channel", 0)).unwrap(),
    ];
    for s in &mut refused {
        assert!(matches!(s.recv().unwrap().msg, ServerMsg::Error { .. }), "refused");
    }
    assert_eq!(socket_rows(w.base()), 0, "a refused handshake wrote a row");

    let mut inbox = op.socket(&inbox_socket_path("demo", &Scope::All)).unwrap();
    inbox.recv().unwrap();
    assert_eq!(socket_rows(w.base()), 1, "the open socket's row");
    inbox.close();
    until_rows(w.base(), 0);

    // Signing out drops the socket: the first try fails, the row stays and
    // the socket is open still; the retry (2 s on) closes it.
    let mut inbox = op.socket(&inbox_socket_path("demo", &Scope::All)).unwrap();
    inbox.recv().unwrap();
    let signed_out = Instant::now();
    assert_eq!(status(op.send("POST", LOGOUT_PATH).call()), 204);
    assert_eq!(socket_rows(w.base()), 1, "the row went before its socket closed");
    assert!(open(&mut inbox), "the failed drop closed the socket");
    wait_closed(&mut inbox, "the failed drop was not tried again");
    assert!(signed_out.elapsed() >= Duration::from_millis(1_000), "closed by the first, failing drop");
    until_rows(w.base(), 0);
}
