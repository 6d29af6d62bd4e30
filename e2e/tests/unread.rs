//! The launcher's unread count against the real Worker: what came for the
//! customer after the newest message they saw — the site's words, cards and
//! notices, not their own, not what only staff see — asked with the token
//! in a POST body by a host page of the site's allowed origins; a wrong
//! token, another site or another origin learns nothing.

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::{create_conversation, Socket};
use shared::api::{customer_socket_path, operator_socket_path, unread_path, Unread, UnreadQuery};
use shared::staff::StaffRole;
use shared::workflow::Event;
use shared::ServerMsg;

const PAGE: &str = "http://localhost:4321";

fn ask(site: &str, origin: &str, q: &UnreadQuery) -> Result<Unread, u16> {
    let body = serde_json::to_string(q).unwrap();
    let r = ureq::post(&format!("{}{}", base_url(), unread_path(site)))
        .set("Origin", origin)
        .set("Content-Type", "text/plain")
        .send_string(&body);
    match r {
        Ok(r) => {
            assert_eq!(r.header("Access-Control-Allow-Origin"), Some(origin), "readable by the host page");
            Ok(r.into_json().unwrap())
        }
        Err(ureq::Error::Status(s, _)) => Err(s),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn the_badge_counts_what_came_for_the_customer_since_they_looked() {
    let c = create_conversation(&base_url(), "demo").unwrap();
    let id = c.conversation.as_str();
    let mut cust = Socket::open(&base_url(), &customer_socket_path(id, &c.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    let (seen, _) = cust.send_acked("c1", "Is my order on its way?").unwrap();
    let op = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    let mut s = op.socket(&operator_socket_path("demo", id, 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    s.send_acked("o1", "Let me look.").unwrap();
    // Staff only: fields collected.
    for (i, e) in [
        Event::Collect { field: "order".into(), value: "1042".into() },
        Event::Collect { field: "carrier".into(), value: "DHL".into() },
    ]
    .into_iter()
    .enumerate()
    {
        assert!(matches!(s.act(&format!("e{i}"), e).unwrap(), ServerMsg::Ack { .. }));
    }
    let (last, _) = s.send_acked("o2", "It left the warehouse today.").unwrap();
    cust.send_acked("c2", "Thanks!").unwrap();

    let q = |after| UnreadQuery { conversation: c.conversation.clone(), token: c.token.clone(), after, page: None };
    assert_eq!(
        ask("demo", PAGE, &q(seen)).unwrap().unread,
        2,
        "two answers; the customer's own and staff notes do not count"
    );
    assert_eq!(ask("demo", PAGE, &q(last)).unwrap(), Unread { unread: 0, last: last + 1 });
    assert_eq!(ask("demo", PAGE, &q(0)).unwrap().unread, 2);
    let wrong = UnreadQuery { token: "0".repeat(64), ..q(0) };
    assert_eq!(ask("demo", PAGE, &wrong), Err(404), "another token");
    assert_eq!(ask("demo", "https://evil.example", &q(0)), Err(403), "another origin");
    assert_eq!(ask("nosuchsite", PAGE, &q(0)).map(|_| ()).unwrap_err() / 100, 4, "another site");
}
