//! Identity verification against the real Worker: a site's logged-in
//! customer, signed with the site's identity secret (HMAC-SHA256), finds
//! their conversation from another browser; wrong or missing signatures,
//! another user's signature and signatures under a replaced secret are
//! refused; only settings editors read the secret.

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::Socket;
use hmac::{Hmac, Mac};
use shared::api::{
    customer_socket_path, identity_secret_path, ConversationCreated, CreateConversation, Identity, IdentitySecret,
    CONVERSATIONS_PATH,
};
use shared::staff::StaffRole;
use shared::ErrorCode;

fn sign(secret: &str, user: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(user.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn post(body: &CreateConversation) -> Result<ConversationCreated, (u16, ErrorCode)> {
    match ureq::post(&format!("{}{CONVERSATIONS_PATH}", base_url())).set("Origin", &base_url()).send_json(body) {
        Ok(r) => Ok(r.into_json().unwrap()),
        Err(ureq::Error::Status(s, r)) => Err((s, r.into_json::<shared::api::ApiError>().unwrap().code)),
        Err(e) => panic!("{e}"),
    }
}

fn as_user(user: &str, hash: &str, resume: bool) -> CreateConversation {
    let identity = Some(Identity { user: user.into(), hash: hash.into() });
    CreateConversation { identity, resume, ..CreateConversation::new("demo".parse().unwrap()) }
}

#[test]
fn a_verified_customer_sees_their_history_on_another_device_and_nothing_else_passes() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let secret: IdentitySecret = admin.get(&identity_secret_path("demo")).call().unwrap().into_json().unwrap();
    let operator = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    assert!(matches!(operator.get(&identity_secret_path("demo")).call(), Err(ureq::Error::Status(403, _))));

    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let (alice, bob) = (format!("alice-{nanos}"), format!("bob-{nanos}"));
    let alice_hash = sign(&secret.secret, &alice);

    // Nothing to resume yet; a new conversation from the laptop.
    assert_eq!(post(&as_user(&alice, &alice_hash, true)).unwrap_err(), (404, ErrorCode::UnknownConversation));
    let laptop = post(&as_user(&alice, &alice_hash, false)).unwrap();
    let mut s =
        Socket::open(&base_url(), &customer_socket_path(laptop.conversation.as_str(), &laptop.token, 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    s.send_acked("l1", "sent from my laptop").unwrap();

    // The phone: the same conversation, its own token, the whole history.
    let phone = post(&as_user(&alice, &alice_hash, true)).unwrap();
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
    assert_eq!(post(&as_user(&alice, &"0".repeat(64), true)).unwrap_err(), forbidden, "a made-up hash");
    assert_eq!(post(&as_user(&alice, &sign(&secret.secret, &bob), true)).unwrap_err(), forbidden, "bob's hash");
    assert_eq!(post(&as_user(&alice, &sign("another site", &alice), true)).unwrap_err(), forbidden);
    assert_eq!(post(&as_user(&alice, &alice_hash, false).clone()).map(|_| ()), Ok(()), "a second chat is allowed");
    let anonymous = CreateConversation { resume: true, ..CreateConversation::new("demo".parse().unwrap()) };
    assert_eq!(post(&anonymous).unwrap_err().0, 400, "resuming needs an identity");
    // Bob, verified, has nothing of Alice's.
    let bob_hash = sign(&secret.secret, &bob);
    assert_eq!(post(&as_user(&bob, &bob_hash, true)).unwrap_err(), (404, ErrorCode::UnknownConversation));

    // A replaced secret: the old signatures stop working, new ones work.
    let fresh: IdentitySecret = admin.send("POST", &identity_secret_path("demo")).call().unwrap().into_json().unwrap();
    assert_ne!(fresh.secret, secret.secret);
    assert_eq!(post(&as_user(&alice, &alice_hash, true)).unwrap_err(), forbidden);
    let again = post(&as_user(&alice, &sign(&fresh.secret, &alice), true)).unwrap();
    assert_ne!(again.conversation, laptop.conversation, "the latest conversation: the second chat");
}
