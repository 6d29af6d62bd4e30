//! Malformed and oversize input is refused by the Worker itself, before any
//! object sees it: JSON bodies over their cap (declared or streamed without
//! a length), e-mail addresses that are not one, and session cookies and
//! invitation tokens that do not have a token's form or whose MAC is not
//! this deployment's.

use std::io::Read;

use e2e::accounts::Staff;
use e2e::base_url;
use shared::api::{ApiError, CONVERSATIONS_PATH, LOGIN_PATH};
use shared::staff::StaffRole;
use shared::ErrorCode;

/// The refusal's status and code.
fn refusal(r: Result<ureq::Response, ureq::Error>) -> (u16, ErrorCode) {
    match r {
        Err(ureq::Error::Status(status, resp)) => (status, resp.into_json::<ApiError>().unwrap().code),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn post(path: &str) -> ureq::Request {
    ureq::post(&format!("{}{path}", base_url())).set("Origin", &base_url())
}

#[test]
fn bodies_over_the_cap_are_refused_whether_declared_or_streamed() {
    let big = format!(r#"{{"site":"demo","page":"{}"}}"#, "x".repeat(20 * 1024));
    assert_eq!(refusal(post(CONVERSATIONS_PATH).send_string(&big)), (413, ErrorCode::FrameTooLarge));
    // No Content-Length (ureq sends a reader chunked): refused while it streams.
    let chunked = post(CONVERSATIONS_PATH).send(big.as_bytes());
    assert_eq!(refusal(chunked), (413, ErrorCode::FrameTooLarge));
    // Under the cap, the same route works.
    assert!(post(CONVERSATIONS_PATH).send_string(r#"{"site":"demo"}"#).is_ok());
    // Not JSON at all: malformed.
    assert_eq!(refusal(post(CONVERSATIONS_PATH).send_string("{not json")), (400, ErrorCode::Malformed));
}

#[test]
fn a_sign_in_with_no_e_mail_address_is_refused_before_it_is_counted() {
    for email in ["x".repeat(300) + "@example.com", "no-at-sign".into(), "a@b".into(), String::new()] {
        let body = serde_json::json!({ "email": email, "password": "whatever it is" });
        assert_eq!(refusal(post(LOGIN_PATH).send_json(body)), (400, ErrorCode::Malformed), "{email:.20}");
    }
}

#[test]
fn made_up_session_cookies_and_invitation_tokens_are_refused() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let (name, _) = admin.cookie.split_once('=').unwrap();
    // The real cookie with its MAC changed, and one made up for the real organisation.
    let (_, real) = admin.cookie.split_once('=').unwrap();
    let flipped = format!("{}{}", &real[..real.len() - 1], if real.ends_with('0') { '1' } else { '0' });
    let made_up = format!("{}.{}", admin.me.org, "a".repeat(64));
    for token in ["", "abc", &"Z".repeat(64), &"a".repeat(10_000), &flipped, &made_up] {
        let r = ureq::get(&format!("{}{}", base_url(), shared::api::SESSION_PATH))
            .set("Cookie", &format!("{name}={token}"))
            .call();
        assert_eq!(refusal(r), (401, ErrorCode::Unauthorized), "{token:.20}");
    }
    let accept = serde_json::json!({ "token": "not a token", "name": "Eve", "password": "a long enough password" });
    assert_eq!(refusal(post(shared::api::ACCEPT_PATH).send_json(accept)), (404, ErrorCode::NotFound));
    // The real cookie still works.
    let mut body = String::new();
    admin.get(shared::api::SESSION_PATH).call().unwrap().into_reader().read_to_string(&mut body).unwrap();
    assert!(body.contains(&admin.me.account));
}
