//! Visitor tokens against the real Worker: the service issues them per
//! site and refuses ones it did not issue — made up, or another site's —
//! at the channel socket and in reports; a conversation started without
//! one of its own gets a new one; and issuance is limited per caller
//! address, so clearing storage to shed a ban runs out (that part against
//! a Worker of its own with a limit of three an hour).

use e2e::base_url;
use e2e::client::{create_conversation_with, status, Socket};
use e2e::wrangler::OwnWorker;
use shared::api::{
    channel_socket_path, report_message_path, visitors_path, CreateConversation, ViewerReport, VisitorIssued,
};
use shared::{ErrorCode, ServerMsg};

/// Asks `base` for a visitor token for `site` from caller address `ip`.
fn issue(base: &str, site: &str, ip: &str) -> Result<ureq::Response, ureq::Error> {
    ureq::post(&format!("{base}{}", visitors_path(site))).set("Origin", base).set("CF-Connecting-IP", ip).call()
}

/// The first frame of a channel socket opened with `visitor`: its refusal code, if any.
fn joined(base: &str, visitor: &str) -> Option<ErrorCode> {
    let mut s = Socket::open(base, &channel_socket_path("demo", "live", visitor, "Vera", u64::MAX >> 12)).unwrap();
    match s.recv().unwrap().msg {
        ServerMsg::Error { code, .. } => Some(code),
        _ => None,
    }
}

#[test]
fn only_visitor_tokens_the_service_issued_for_the_site_are_accepted() {
    let base = base_url();
    let issued: VisitorIssued = issue(&base, "demo", "203.0.113.40").unwrap().into_json().unwrap();
    assert!(shared::api::visitor_token_ok(&issued.visitor), "{issued:?}");
    assert_eq!(joined(&base, &issued.visitor), None, "an issued token joins");
    let made_up = "7".repeat(64);
    assert_eq!(joined(&base, &made_up), Some(ErrorCode::Unauthorized), "a made-up token");
    let elsewhere = e2e::identity::visitor_token("another-site", "x");
    assert_eq!(joined(&base, &elsewhere), Some(ErrorCode::Unauthorized), "another site's token");
    let report = |visitor: &str| {
        ureq::post(&format!("{base}{}", report_message_path("demo", "live", 1)))
            .set("Origin", &base)
            .send_json(ViewerReport { visitor: visitor.into(), reason: None })
    };
    assert_eq!(status(report(&made_up)), 401, "a report with a made-up token");
    // No visitor token, or a made-up one: the conversation comes with a new one.
    for given in [None, Some(made_up.clone())] {
        let body = CreateConversation { visitor: given.clone(), ..CreateConversation::new("demo".parse().unwrap()) };
        let created = create_conversation_with(&base, &body).unwrap();
        let new = created.visitor.expect("a new visitor token");
        assert_ne!(Some(&new), given.as_ref());
        assert_eq!(joined(&base, &new), None, "the new token joins");
    }
    // An issued one is kept: none comes back.
    let body = CreateConversation { visitor: Some(issued.visitor), ..CreateConversation::new("demo".parse().unwrap()) };
    assert_eq!(create_conversation_with(&base, &body).unwrap().visitor, None);
    // Only from the service's own pages, only for a site that exists.
    let foreign = ureq::post(&format!("{base}{}", visitors_path("demo"))).set("Origin", "https://evil.example").call();
    assert_eq!(status(foreign), 403);
    assert_eq!(status(issue(&base, "no-such-site", "203.0.113.40")), 404);
}

/// A visitor banned by their token who clears their storage needs a new
/// one: three an hour per address here (its /64 for IPv6), whether asked
/// for or handed out with a conversation started without one.
#[test]
fn new_visitor_tokens_are_limited_per_caller_address() {
    let w = OwnWorker::start("e2e-visitors", &[("VISITORS_PER_ADDRESS_HOUR", "3")], true).unwrap();
    let base = w.base();
    for n in 0..3 {
        assert_eq!(status(issue(base, "demo", &format!("2001:db8:9:9::{n}"))), 201, "token {n}");
    }
    match issue(base, "demo", "2001:db8:9:9::ffff") {
        Err(ureq::Error::Status(429, r)) => {
            let e = e2e::too_fast(r);
            assert!(e.message.contains("new visitors"), "{}", e.message);
        }
        other => panic!("a fourth token from the /64: {other:?}"),
    }
    let tokenless = ureq::post(&format!("{base}{}", shared::api::CONVERSATIONS_PATH))
        .set("Origin", base)
        .set("CF-Connecting-IP", "2001:db8:9:9::abc")
        .send_json(CreateConversation::new("demo".parse().unwrap()));
    assert_eq!(status(tokenless), 429, "a conversation without a token is a new visitor too");
    assert_eq!(status(issue(base, "demo", "2001:db8:7:7::1")), 201, "another address is not limited");
}
