//! Session lifetime against its own Worker (sessions rotate after 2 s, a
//! rotated-out token works 2 s more, sessions live 6 s): the session route
//! hands out a new token when one is due, the old one stops working after
//! the grace period, and a session expires; a session in use still ends at
//! its absolute lifetime, and one that expires without a sign-out closes
//! its sockets (each against its own Worker).

use e2e::client::status;
use std::time::Duration;

use e2e::accounts::{Staff, TEST_PASSWORD};
use e2e::wrangler::OwnWorker;
use shared::api::{operator_socket_path, site_config_path, CreateConversation, SESSION_PATH};
use shared::staff::StaffRole;

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
/// (the organisation's sweep, here every second; sessions live 3 s).
#[test]
fn an_expired_session_closes_its_sockets() {
    let vars = [("SESSION_TTL_SECONDS", "3"), ("RETENTION_SWEEP_SECONDS", "1")];
    let w = OwnWorker::start("e2e-session-sockets", &vars, true).unwrap();
    let op = Staff::login(w.base(), &e2e::accounts::demo_email(StaffRole::Operator), TEST_PASSWORD).unwrap();
    let site = "demo".parse().unwrap();
    let chat = e2e::client::create_conversation_with(w.base(), &CreateConversation::new(site)).unwrap();
    let mut socket = op.socket(&operator_socket_path("demo", chat.conversation.as_str(), 0)).unwrap();
    socket.welcome_and_replay(0).unwrap();
    socket.set_read_timeout(Duration::from_millis(500)).unwrap();
    let opened = std::time::Instant::now();
    loop {
        match socket.recv_raw() {
            Ok(_) => {}
            Err(e) if e2e::client::is_timeout(&e) => {}
            Err(_) => break,
        }
        assert!(opened.elapsed() < Duration::from_secs(20), "the socket outlived its session");
    }
    assert!(opened.elapsed() >= Duration::from_millis(2_000), "closed before the session expired");
    assert_eq!(status(op.get(&site_config_path("demo")).call()), 401);
}
