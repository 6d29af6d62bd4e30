//! Identity verification against the real Worker: a site's logged-in
//! customer, signed as `site|user|expires` with the site's identity secret
//! (HMAC-SHA256, docs/identity.md), finds their conversation from another
//! browser; wrong or missing signatures, another user's or another site's
//! signature, the old unexpiring format, expired claims, claims made to
//! last over 10 minutes and signatures under a replaced secret are refused,
//! and replacing the secret revokes the tokens made for signed-in customers
//! under the old one; resuming is limited per user; only settings editors
//! read the secret.

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::Socket;
use e2e::identity::{hmac_hex, now_s, signed, signed_until};
use shared::api::{
    customer_socket_path, identity_secret_path, ConversationCreated, CreateConversation, Identity, IdentitySecret,
    CONVERSATIONS_PATH,
};
use shared::staff::StaffRole;
use shared::{ErrorCode, ServerMsg};

fn post(body: &CreateConversation) -> Result<ConversationCreated, (u16, ErrorCode, String)> {
    match ureq::post(&format!("{}{CONVERSATIONS_PATH}", base_url())).set("Origin", &base_url()).send_json(body) {
        Ok(r) => Ok(r.into_json().unwrap()),
        Err(ureq::Error::Status(s, r)) => {
            let e = r.into_json::<shared::api::ApiError>().unwrap();
            Err((s, e.code, e.message))
        }
        Err(e) => panic!("{e}"),
    }
}

fn code(r: Result<ConversationCreated, (u16, ErrorCode, String)>) -> (u16, ErrorCode) {
    let (status, code, _) = r.unwrap_err();
    (status, code)
}

/// Whether the customer's socket opens with the token (`false`: refused as unauthorized).
fn opens(c: &ConversationCreated) -> bool {
    let mut s = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    match s.recv().unwrap().msg {
        ServerMsg::Welcome { .. } => true,
        ServerMsg::Error { code: ErrorCode::Unauthorized, .. } => false,
        other => panic!("{other:?}"),
    }
}

fn as_user(identity: Identity, resume: bool) -> CreateConversation {
    CreateConversation { identity: Some(identity), resume, ..CreateConversation::new("demo".parse().unwrap()) }
}

#[test]
fn a_verified_customer_sees_their_history_on_another_device_and_nothing_else_passes() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let secret: IdentitySecret = admin.get(&identity_secret_path("demo")).call().unwrap().into_json().unwrap();
    let operator = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    assert!(matches!(operator.get(&identity_secret_path("demo")).call(), Err(ureq::Error::Status(403, _))));

    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let (alice, bob) = (format!("alice-{nanos}"), format!("bob-{nanos}"));
    let alice_id = signed(&secret.secret, "demo", &alice);

    // Nothing to resume yet; a new conversation from the laptop.
    assert_eq!(code(post(&as_user(alice_id.clone(), true))), (404, ErrorCode::UnknownConversation));
    let laptop = post(&as_user(alice_id.clone(), false)).unwrap();
    let mut s =
        Socket::open(&base_url(), &customer_socket_path(laptop.conversation.as_str(), &laptop.token, 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    s.send_acked("l1", "sent from my laptop").unwrap();

    // The phone: the same conversation, its own token, the whole history.
    let phone = post(&as_user(alice_id.clone(), true)).unwrap();
    assert_eq!(phone.conversation, laptop.conversation);
    assert_ne!(phone.token, laptop.token);
    let mut p = Socket::open(&base_url(), &customer_socket_path(phone.conversation.as_str(), &phone.token, 0)).unwrap();
    let (_, history) = p.welcome_and_replay(0).unwrap();
    assert_eq!(history.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(), ["sent from my laptop"]);
    // The laptop's token still works.
    Socket::open(&base_url(), &customer_socket_path(laptop.conversation.as_str(), &laptop.token, 0))
        .unwrap()
        .welcome_and_replay(0)
        .unwrap();

    // Claims that are not the site's signature of that user are refused.
    let forbidden = (403, ErrorCode::Forbidden);
    let made_up = Identity { hash: "0".repeat(64), ..alice_id.clone() };
    assert_eq!(code(post(&as_user(made_up, true))), forbidden, "a made-up hash");
    let bobs = Identity { user: alice.clone(), ..signed(&secret.secret, "demo", &bob) };
    assert_eq!(code(post(&as_user(bobs, true))), forbidden, "bob's hash");
    assert_eq!(code(post(&as_user(signed("another secret", "demo", &alice), true))), forbidden);
    assert_eq!(code(post(&as_user(signed(&secret.secret, "shop", &alice), true))), forbidden, "another site's");
    // The old format, the user id alone signed, never expiring: refused.
    let old = Identity { hash: hmac_hex(&secret.secret, &alice), ..alice_id.clone() };
    assert_eq!(code(post(&as_user(old, true))), forbidden, "unexpiring");
    // Time: an expired claim, and one made to last an hour, are refused with their reason.
    let expired = signed_until(&secret.secret, "demo", &alice, now_s() - 300);
    let (status, why, message) = post(&as_user(expired, true)).unwrap_err();
    assert_eq!((status, why), forbidden);
    assert!(message.contains("expired"), "{message}");
    let (_, _, message) =
        post(&as_user(signed_until(&secret.secret, "demo", &alice, now_s() + 3600), true)).unwrap_err();
    assert!(message.contains("longer than 10 minutes"), "{message}");
    assert_eq!(post(&as_user(alice_id.clone(), false)).map(|_| ()), Ok(()), "a second chat is allowed");
    let anonymous = CreateConversation { resume: true, ..CreateConversation::new("demo".parse().unwrap()) };
    assert_eq!(code(post(&anonymous)).0, 400, "resuming needs an identity");
    // Bob, verified, has nothing of Alice's.
    assert_eq!(code(post(&as_user(signed(&secret.secret, "demo", &bob), true))), (404, ErrorCode::UnknownConversation));

    // A replaced secret: the old signatures stop working, new ones work.
    let fresh: IdentitySecret = admin.send("POST", &identity_secret_path("demo")).call().unwrap().into_json().unwrap();
    assert_ne!(fresh.secret, secret.secret);
    assert_eq!(code(post(&as_user(alice_id, true))), forbidden);
    let again = post(&as_user(signed(&fresh.secret, "demo", &alice), true)).unwrap();
    assert_ne!(again.conversation, laptop.conversation, "the latest conversation: the second chat");
    // Every token made for a signed-in customer under the old secret is
    // revoked (the laptop's own, the phone's grant; the isolates' settings
    // caches learn of the new secret within 5 s); an anonymous customer's
    // token and a grant under the new secret open as before.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while opens(&laptop) || opens(&phone) {
        assert!(std::time::Instant::now() < deadline, "tokens made under the replaced secret still open");
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert!(opens(&again), "a grant under the new secret");
    assert!(opens(&post(&CreateConversation::new("demo".parse().unwrap())).unwrap()), "an anonymous token");

    // One user's signed identity cannot mint tokens without end: resuming
    // is limited per user (60 an hour), whatever the address or visitor.
    // (Here, after the secret's replacement: the tests in this file share it.)
    let carol = signed(&fresh.secret, "demo", &format!("carol-{nanos}"));
    post(&as_user(carol.clone(), false)).unwrap();
    let answers: Vec<_> =
        (0..61).map(|_| post(&as_user(carol.clone(), true)).map(|_| ()).map_err(|(s, c, _)| (s, c))).collect();
    assert!(answers[..60].iter().all(Result::is_ok), "{answers:?}");
    assert_eq!(answers[60], Err((429, ErrorCode::RateLimited)));
}
