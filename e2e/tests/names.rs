//! Channel display names against the real Worker: a name a reader could
//! take for the site's staff or the site itself is refused at the
//! handshake (`forbidden`, with the reason), as is the name of one of the
//! site's people, however it is written; an ordinary name that only looks
//! close joins.

use std::time::{Duration, Instant};

use e2e::accounts::{Staff, TEST_PASSWORD};
use e2e::base_url;
use e2e::client::Socket;
use serde_json::json;
use shared::api::{channel_socket_path, ACCEPT_PATH, INVITATIONS_PATH};
use shared::staff::{Invited, StaffRole};
use shared::{ErrorCode, ServerMsg};

/// The first frame's refusal code of a join of the `live` channel as `name`.
fn refusal(n: u64, name: &str) -> Option<ErrorCode> {
    let mut s =
        Socket::open(&base_url(), &channel_socket_path("demo", "live", &visitor(n), name, u64::MAX >> 12)).unwrap();
    match s.recv().unwrap().msg {
        ServerMsg::Error { code, .. } => Some(code),
        _ => None,
    }
}

fn visitor(n: u64) -> String {
    e2e::identity::visitor_token("demo", n * 7_919 + u64::from(std::process::id()))
}

#[test]
fn names_that_imitate_staff_are_refused_and_ordinary_ones_join() {
    for (n, name) in ["Support", "M0derator", "a d m i n", "Demo"].iter().enumerate() {
        let mut s =
            Socket::open(&base_url(), &channel_socket_path("demo", "live", &visitor(n as u64), name, 0)).unwrap();
        match s.recv().map(|f| f.msg) {
            Ok(ServerMsg::Error { code: ErrorCode::Forbidden, message, detail }) => {
                assert!(message.contains("staff"), "{message}");
                assert_eq!(detail, Some(shared::Detail::StaffName), "said apart from a locked channel");
            }
            other => panic!("{name:?} was not refused: {other:?}"),
        }
    }
    let mut s =
        Socket::open(&base_url(), &channel_socket_path("demo", "live", &visitor(9), "Supportive Sam", 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
}

#[test]
fn the_name_of_one_of_the_sites_people_is_theirs() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let pid = std::process::id();
    let (email, name) = (format!("priya-{pid}@demo.test"), format!("Priya Patel {pid}"));
    let invited: Invited = admin
        .send("POST", INVITATIONS_PATH)
        .send_json(json!({ "email": email, "role": "moderator" }))
        .unwrap()
        .into_json()
        .unwrap();
    let accept = json!({ "token": invited.token, "name": name, "password": TEST_PASSWORD });
    ureq::post(&format!("{}{ACCEPT_PATH}", base_url())).set("Origin", &base_url()).send_json(accept).unwrap();
    // Within the settings cache's period, her name is hers, however written.
    let start = Instant::now();
    while refusal(20, &name.to_uppercase()) != Some(ErrorCode::Forbidden) {
        assert!(start.elapsed() < Duration::from_secs(20), "{name} was not kept for her");
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(refusal(21, &format!("priya   pate1 {pid}")), Some(ErrorCode::Forbidden));
    assert_eq!(refusal(22, "Priya"), None, "a first name alone is anyone's");
}
