//! A channel's viewers over its relays, against the real Worker: viewers
//! whose member ids fall on many different relays each get every message,
//! in order and once; a viewer's own send goes through their relay and is
//! acked, a held one is answered as held; a viewer who drops and comes
//! back with `after` gets exactly what they missed; one who joins late
//! gets the newest messages; a banned member's sockets on their relay close.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::Socket;
use shared::api::{channel_socket_path, operator_channel_path};
use shared::staff::StaffRole;
use shared::{ChatMessage, ErrorCode, ServerMsg};

/// A fresh visitor token (64 hex digits), `i` apart.
fn visitor(i: u64) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64;
    e2e::identity::visitor_token("demo", format!("{nanos}-{}-{i}", std::process::id()))
}

fn join(token: &str, name: &str, after: u64) -> (Socket, u64, Vec<ChatMessage>) {
    let mut s = Socket::open(&base_url(), &channel_socket_path("demo", "live", token, name, after)).unwrap();
    let (last, missed) = s.welcome_and_replay(after).unwrap();
    (s, last, missed)
}

/// Messages on `s` until `seq` is reached.
fn until(s: &mut Socket, seq: u64) -> Vec<ChatMessage> {
    let mut got = Vec::new();
    while got.last().is_none_or(|m: &ChatMessage| m.seq < seq) {
        match s.recv().unwrap().msg {
            ServerMsg::Message(m) => got.push(m),
            ServerMsg::Moderation { .. } => {}
            other => panic!("expected a message, got {other:?}"),
        }
    }
    got
}

#[test]
fn viewers_on_many_relays_get_everything_once_in_order_and_resume() {
    let moderator = Staff::demo(&base_url(), StaffRole::Moderator).unwrap();
    let mut mo = moderator.socket(&operator_channel_path("demo", "live", u64::MAX >> 12)).unwrap();
    mo.recv().unwrap();
    let mut viewers: Vec<(Socket, u64)> = (0..24)
        .map(|i| {
            let (s, last, _) = join(&visitor(i), &format!("Viewer {i}"), u64::MAX >> 12);
            (s, last)
        })
        .collect();
    let relays: std::collections::HashSet<u64> = (0..24).map(|i| relay_of_visitor(&visitor(i))).collect();
    assert!(relays.len() >= 8, "24 viewers fall on {} relays", relays.len());

    let mut last = 0;
    for i in 0..30 {
        last = mo.send_acked(&format!("r{}-{i}", std::process::id()), &format!("relayed {i}")).unwrap().0;
    }
    for (s, start) in &mut viewers {
        let got = until(s, last);
        let seqs: Vec<u64> = got.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (*start + 1..=last).collect::<Vec<_>>(), "gapless, in order, once");
    }

    // A viewer's own send goes through their relay.
    let (v, _) = &mut viewers[0];
    let (seq, _) = v.send_acked("own-1", "hello from a relay").unwrap();
    assert!(seq > last);
    v.send_text("own-2", "this is shit").unwrap();
    assert!(matches!(v.reply_to("own-2").unwrap().0, ServerMsg::Held { .. }));
    for (s, _) in viewers.iter_mut().skip(1) {
        assert_eq!(until(s, seq).last().unwrap().text, "hello from a relay");
    }

    // Dropped after `seq`, back after 10 more: exactly those 10.
    let (gone, _) = viewers.pop().unwrap();
    gone.drop_abruptly();
    let mut after = seq;
    for i in 0..10 {
        after = mo.send_acked(&format!("m{}-{i}", std::process::id()), &format!("missed {i}")).unwrap().0;
    }
    let (_, back_last, missed) = join(&visitor(23), "Viewer 23", seq);
    assert_eq!(back_last, after);
    assert_eq!(missed.iter().map(|m| m.seq).collect::<Vec<_>>(), (seq + 1..=after).collect::<Vec<_>>());
    // A late joiner gets the newest page, ending with the newest message.
    let (_, late_last, newest) = join(&visitor(99), "Late", 0);
    assert_eq!(newest.last().map(|m| m.seq), Some(late_last));
}

#[test]
fn a_ban_closes_the_members_sockets_on_their_relay() {
    let token = visitor(7_000);
    let (mut a, _, _) = join(&token, "Twice", u64::MAX >> 12);
    let (mut b, _, _) = join(&token, "Twice", u64::MAX >> 12);
    a.send_text("b1", "this is shit").unwrap();
    assert!(matches!(a.reply_to("b1").unwrap().0, ServerMsg::Held { .. }));
    let mo = Staff::demo(&base_url(), StaffRole::Moderator).unwrap();
    let reports: Vec<shared::moderation_case::Report> =
        mo.get("/api/console/sites/demo/reports").call().unwrap().into_json().unwrap();
    let report = reports.iter().find(|r| r.message == "b1" && r.name == "Twice").expect("a report");
    let case: shared::moderation_case::Case = mo
        .send("POST", "/api/console/sites/demo/cases")
        .send_json(serde_json::json!({ "report": report.id }))
        .unwrap()
        .into_json()
        .unwrap();
    let act = format!("/api/console/sites/demo/cases/{}/act", case.id);
    for event in [
        shared::workflow::Event::Assess { severity: shared::workflow::Severity::High },
        shared::workflow::Event::Sanction { kind: shared::workflow::Sanction::Ban, minutes: Some(5) },
    ] {
        mo.send("POST", &act).send_json(serde_json::json!({ "event": event })).unwrap();
    }
    for s in [&mut a, &mut b] {
        s.set_read_timeout(Duration::from_secs(5)).unwrap();
        let banned = s.recv_until(|f| matches!(f.msg, ServerMsg::Error { code: ErrorCode::Banned, .. }));
        assert!(banned.is_ok(), "both windows are told");
        while s.recv().is_ok() {}
    }
    let again = Socket::open(&base_url(), &channel_socket_path("demo", "live", &token, "Twice", 0)).unwrap().recv();
    assert!(matches!(again.map(|f| f.msg), Ok(ServerMsg::Error { code: ErrorCode::Banned, .. })));
}

/// The relay a visitor's sockets go to (as the Worker computes it: FNV-1a
/// of the member id, which is 64 bits of SHA-256 of `member:<token>`, mod 16).
fn relay_of_visitor(token: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let member: String =
        Sha256::digest(format!("member:{token}").as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect();
    member.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)) % 16
}
