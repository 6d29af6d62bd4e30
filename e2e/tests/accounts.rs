//! Console accounts against the real Worker: anti-CSRF tokens and origins on
//! state-changing requests, the sign-in rate limit, invitations, what each
//! role may change, and a removed or re-roled person's open sockets closed
//! at once. (Session rotation and expiry: `sessions.rs`.)

use e2e::accounts::{Staff, TEST_PASSWORD};
use e2e::base_url;
use e2e::client::status;
use e2e::client::{create_conversation, Socket};
use serde_json::json;
use shared::api::{
    inbox_socket_path, operator_socket_path, remove_path, role_path, site_config_path, ACCEPT_PATH, CSRF_HEADER,
    INVITATIONS_PATH, LOGIN_PATH, LOGOUT_PATH, SESSION_PATH,
};
use shared::staff::{Invited, Me, StaffRole};
use shared::{ClientMsg, ErrorCode, ServerMsg};

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{tag}-{nanos}@demo.test")
}

/// `by` invites `email` as `role`.
fn invite(by: &Staff, email: &str, role: impl serde::Serialize) -> Invited {
    by.send("POST", INVITATIONS_PATH).send_json(json!({ "email": email, "role": role })).unwrap().into_json().unwrap()
}

/// Accepts an invitation link, in a browser signed in with `cookie` if any.
fn accept(token: &str, name: &str, password: &str, cookie: Option<&str>) -> Result<ureq::Response, ureq::Error> {
    let req = ureq::post(&format!("{}{ACCEPT_PATH}", base_url())).set("Origin", &base_url());
    let req = match cookie {
        Some(c) => req.set("Cookie", c),
        None => req,
    };
    req.send_json(json!({ "token": token, "name": name, "password": password }))
}

/// Invites `role` as `by`, accepts the link, and returns the new person signed in.
fn newcomer(by: &Staff, role: StaffRole) -> Staff {
    let email = unique(role.as_str());
    let invited = invite(by, &email, role);
    let resp = accept(&invited.token, "New Person", "a long enough password", None).unwrap();
    let cookie = resp.header("Set-Cookie").unwrap().split(';').next().unwrap().to_owned();
    let me: Me = resp.into_json().unwrap();
    assert_eq!((me.email.as_str(), me.role), (email.as_str(), role));
    Staff { base: base_url(), cookie, me }
}

/// Waits for the socket's refusal: an `unauthorized` error, then the close.
fn closed(s: &mut Socket) {
    let (f, _) = s.recv_until(|f| matches!(f.msg, ServerMsg::Error { .. })).unwrap();
    assert!(matches!(f.msg, ServerMsg::Error { code: ErrorCode::Unauthorized, .. }), "{f:?}");
    while s.recv().is_ok() {}
}

/// The refusal code of a socket refused at its handshake: `Some(None)` if
/// the upgrade itself was refused, `None` if the socket opened.
fn handshake_refusal(s: anyhow::Result<Socket>) -> Option<Option<ErrorCode>> {
    let Ok(mut s) = s else { return Some(None) };
    match s.recv().map(|f| f.msg) {
        Ok(ServerMsg::Error { code, .. }) => Some(Some(code)),
        _ => None,
    }
}

#[test]
fn state_changing_requests_need_the_sessions_token_and_the_services_origin() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let path = site_config_path("demo");
    let config = admin.get(&path).call().unwrap().into_string().unwrap();
    let url = format!("{}{path}", base_url());
    let put = || ureq::put(&url).set("Cookie", &admin.cookie).set("Content-Type", "application/json");
    assert_eq!(status(put().set("Origin", &base_url()).send_string(&config)), 403, "no token");
    assert_eq!(
        status(put().set("Origin", &base_url()).set(CSRF_HEADER, "0".repeat(64).as_str()).send_string(&config)),
        403
    );
    let evil = put().set("Origin", "http://evil.example").set(CSRF_HEADER, &admin.me.csrf);
    assert_eq!(status(evil.send_string(&config)), 403, "another origin");
    assert_eq!(status(put().set(CSRF_HEADER, &admin.me.csrf).send_string(&config)), 403, "no origin");
    assert_eq!(status(admin.send("PUT", &path).send_string(&config)), 200);
    // Reading needs no token; signing in needs the service's origin.
    assert_eq!(status(admin.get(&path).call()), 200);
    let login = json!({ "email": "admin@demo.test", "password": TEST_PASSWORD });
    assert_eq!(status(ureq::post(&format!("{}{LOGIN_PATH}", base_url())).send_json(&login)), 403);
}

/// A sign-in from `address` (as Cloudflare's `CF-Connecting-IP` names the caller).
fn sign_in_from(address: &str, email: &str, password: &str) -> Result<ureq::Response, ureq::Error> {
    let url = format!("{}{LOGIN_PATH}", base_url());
    let body = json!({ "email": email, "password": password });
    ureq::post(&url).set("Origin", &base_url()).set("CF-Connecting-IP", address).send_json(&body)
}

#[test]
fn sign_in_attempts_slow_down_per_account_and_address_with_the_wait() {
    let email = unique("guesser");
    for _ in 0..5 {
        assert_eq!(status(sign_in_from("192.0.2.10", &email, "wrong password")), 401);
    }
    match sign_in_from("192.0.2.10", &email, "wrong password") {
        Err(ureq::Error::Status(429, r)) => {
            let e = e2e::too_fast(r);
            assert!(e.message.contains("try again in 2 s"), "{}", e.message);
            assert_eq!(e.detail, Some(shared::Detail::Wait { seconds: 2 }));
        }
        other => panic!("expected 429, got {other:?}"),
    }
    // The wait is over: one more attempt goes through, and the next waits twice as long.
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    assert_eq!(status(sign_in_from("192.0.2.10", &email, "wrong password")), 401);
    match sign_in_from("192.0.2.10", &email, "wrong password") {
        Err(ureq::Error::Status(429, r)) => {
            let e = e2e::too_fast(r);
            assert!(e.message.contains("try again in 4 s"), "{}", e.message);
        }
        other => panic!("expected 429, got {other:?}"),
    }
}

#[test]
fn another_callers_failures_never_refuse_the_right_password() {
    let (email, password) = (unique("owner"), TEST_PASSWORD);
    let owner = Staff::demo(&base_url(), StaffRole::Owner).unwrap();
    let invited = invite(&owner, &email, "admin");
    accept(&invited.token, "Victim", password, None).unwrap();
    // Someone elsewhere tries twelve passwords for the account: slowed down.
    let tried: Vec<u16> = (0..12).map(|_| status(sign_in_from("203.0.113.66", &email, "guess guess"))).collect();
    assert!(tried[..5].iter().all(|s| *s == 401) && tried[5..].iter().all(|s| *s == 429), "{tried:?}");
    // The owner of the account, from their own address, is not.
    assert_eq!(status(sign_in_from("198.51.100.7", &email, password)), 200);
    // Nor from an IPv6 address outside the attacker's /64.
    assert_eq!(status(sign_in_from("2001:db8:7:7::1", &email, password)), 200);
    // An attacker spreading over their /64 is still one caller.
    for n in 0..5 {
        assert_eq!(status(sign_in_from(&format!("2001:db8:66:1::{n:x}"), &email, "guess guess")), 401);
    }
    assert_eq!(status(sign_in_from("2001:db8:66:1::ffff", &email, "guess guess")), 429, "the /64 is one caller");
}

#[test]
fn an_invitation_does_not_tell_whether_the_address_has_an_account_elsewhere() {
    let (a, b) = (
        e2e::accounts::sign_up_org(&base_url(), "invite-a", &format!("inva{}", std::process::id())).unwrap(),
        e2e::accounts::sign_up_org(&base_url(), "invite-b", &format!("invb{}", std::process::id())).unwrap(),
    );
    let taken = a[1].me.email.clone();
    let fresh = unique("nobody");
    let invite =
        |email: &str| b[0].send("POST", INVITATIONS_PATH).send_json(json!({ "email": email, "role": "operator" }));
    let (taken_answer, fresh_answer) = (invite(&taken).unwrap(), invite(&fresh).unwrap());
    assert_eq!((taken_answer.status(), fresh_answer.status()), (201, 201), "the same answer");
    // Accepting finds out (whoever holds the link).
    let token = taken_answer.into_json::<Invited>().unwrap().token;
    assert_eq!(status(accept(&token, "Someone", TEST_PASSWORD, None)), 409);
}

/// An invitation link proves the invitee's address: the inviting admin
/// cannot accept it in their own signed-in browser (and so claim an
/// address for their organisation); the invitee, signed out, can.
#[test]
fn the_inviting_admin_cannot_accept_their_own_invitation_in_their_session() {
    let people = e2e::accounts::sign_up_org(&base_url(), "claim", &format!("clm{}", std::process::id())).unwrap();
    let admin = &people[1];
    let email = unique("ceo");
    let invited = invite(admin, &email, "operator");
    let as_admin = accept(&invited.token, "Not the CEO", TEST_PASSWORD, Some(&admin.cookie));
    assert_eq!(status(as_admin), 403, "accepted in the admin's signed-in browser");
    let as_invitee = accept(&invited.token, "Not the CEO", TEST_PASSWORD, None);
    assert_eq!(status(as_invitee), 200, "the link still works for the invitee");
}

#[test]
fn a_removed_persons_sockets_close_at_once_and_their_session_ends() {
    let owner = Staff::demo(&base_url(), StaffRole::Owner).unwrap();
    let temp = newcomer(&owner, StaffRole::Operator);
    let c = create_conversation(&base_url(), "demo").unwrap();
    let mut inbox = temp.socket(&inbox_socket_path("demo", &shared::scope::Scope::All)).unwrap();
    inbox.recv().unwrap();
    let mut chat = temp.socket(&operator_socket_path("demo", c.conversation.as_str(), 0)).unwrap();
    chat.welcome_and_replay(0).unwrap();
    assert_eq!(status(owner.send("POST", &remove_path(&temp.me.account)).call()), 204);
    closed(&mut inbox);
    closed(&mut chat);
    assert_eq!(status(temp.get(SESSION_PATH).call()), 401, "the session ended");
    let login = json!({ "email": temp.me.email, "password": "a long enough password" });
    assert_eq!(
        status(ureq::post(&format!("{}{LOGIN_PATH}", base_url())).set("Origin", &base_url()).send_json(login)),
        401
    );
}

#[test]
fn an_operator_limited_to_one_site_sees_nothing_of_the_others() {
    let owner = Staff::demo(&base_url(), StaffRole::Owner).unwrap();
    let other = format!("demob{}", std::process::id());
    let added = owner.send("POST", shared::api::SITES_PATH).send_json(json!({ "id": other, "name": "Second shop" }));
    assert_eq!(status(added), 201);
    let op = newcomer(&owner, StaffRole::Operator);
    let mut inbox = op.socket(&inbox_socket_path("demo", &shared::scope::Scope::All)).unwrap();
    inbox.recv().unwrap();
    let limit = |sites: serde_json::Value| {
        owner.send("POST", &shared::api::sites_path(&op.me.account)).send_json(json!({ "sites": sites }))
    };
    // Not a site of the organisation: refused.
    assert_eq!(status(limit(json!(["nope"]))), 404);
    assert_eq!(status(limit(json!([other]))), 204);
    // The open socket on the demo site closes at once; nothing of it is reachable.
    closed(&mut inbox);
    let me: Me = op.get(SESSION_PATH).call().unwrap().into_json().unwrap();
    assert_eq!(me.sites.iter().map(|s| s.id.to_string()).collect::<Vec<_>>(), std::slice::from_ref(&other));
    assert_eq!(status(op.get(&site_config_path("demo")).call()), 404);
    assert!(
        handshake_refusal(op.socket(&inbox_socket_path("demo", &shared::scope::Scope::All))).is_some(),
        "the demo inbox opened"
    );
    let mut own = op.socket(&inbox_socket_path(&other, &shared::scope::Scope::All)).unwrap();
    assert!(!matches!(own.recv().unwrap().msg, ServerMsg::Error { .. }), "its own site's inbox");
    // None ticked: every site again. Owners and admins are never limited.
    assert_eq!(status(limit(json!([]))), 204);
    assert_eq!(status(op.get(&site_config_path("demo")).call()), 200);
    let admin = newcomer(&owner, StaffRole::Admin);
    let limit_admin =
        owner.send("POST", &shared::api::sites_path(&admin.me.account)).send_json(json!({ "sites": [other] }));
    assert_eq!(status(limit_admin), 204);
    assert_eq!(status(admin.get(&site_config_path("demo")).call()), 200);
}

#[test]
fn signing_out_closes_that_sessions_sockets_and_no_others() {
    let owner = Staff::demo(&base_url(), StaffRole::Owner).unwrap();
    let laptop = newcomer(&owner, StaffRole::Operator);
    let phone = e2e::accounts::Staff::login(&base_url(), &laptop.me.email, "a long enough password").unwrap();
    let path = inbox_socket_path("demo", &shared::scope::Scope::All);
    let mut on_laptop = laptop.socket(&path).unwrap();
    on_laptop.recv().unwrap();
    let mut on_phone = phone.socket(&path).unwrap();
    on_phone.recv().unwrap();
    assert_eq!(status(laptop.send("POST", LOGOUT_PATH).call()), 204);
    // The signed-out session's socket closes at once (a stolen cookie's
    // sockets do not outlive the sign-out) and cannot come back...
    closed(&mut on_laptop);
    let refused = handshake_refusal(laptop.socket(&path));
    assert!(matches!(refused, Some(None | Some(ErrorCode::Unauthorized))), "the signed-out session reconnected");
    // ...while the other sign-in's socket stays open: a new conversation reaches it.
    let c = create_conversation(&base_url(), "demo").unwrap();
    let path = shared::api::customer_socket_path(c.conversation.as_str(), &c.token, 0);
    let mut customer = Socket::open(&base_url(), &path).unwrap();
    customer.welcome_and_replay(0).unwrap();
    customer.send_acked("m1", "hello from the phone test").unwrap();
    let reached = |f: &shared::ServerEnvelope| match &f.msg {
        ServerMsg::InboxUpdate(lines) => lines.iter().any(|l| l.id == c.conversation),
        _ => false,
    };
    on_phone.recv_until(reached).expect("the other sign-in's socket closed");
}

#[test]
fn roles_decide_who_changes_whom_and_a_new_role_applies_at_once() {
    let owner = Staff::demo(&base_url(), StaffRole::Owner).unwrap();
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let operator = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    let person = newcomer(&admin, StaffRole::Operator);
    let c = create_conversation(&base_url(), "demo").unwrap();
    let path = operator_socket_path("demo", c.conversation.as_str(), 0);
    let mut s = person.socket(&path).unwrap();
    s.welcome_and_replay(0).unwrap();
    s.send_acked("hi", "Hello, how can I help?").unwrap();

    // Made a moderator: the socket closes; back in, they read but cannot write.
    assert_eq!(
        status(admin.send("POST", &role_path(&person.me.account)).send_json(json!({ "role": "moderator" }))),
        204
    );
    closed(&mut s);
    let mut s = person.socket(&path).unwrap();
    s.welcome_and_replay(0).unwrap();
    s.send_msg("w", ClientMsg::Send { text: "still here?".into() }).unwrap();
    let (f, _) = s.recv_until(|f| f.re.as_deref() == Some("w")).unwrap();
    assert!(matches!(f.msg, ServerMsg::Error { code: ErrorCode::Forbidden, .. }), "{f:?}");

    let role = |by: &Staff, account: &str, role: &str| {
        status(by.send("POST", &role_path(account)).send_json(json!({ "role": role })))
    };
    assert_eq!(role(&admin, &person.me.account, "owner"), 403, "an admin makes no owners");
    assert_eq!(role(&admin, &owner.me.account, "operator"), 403, "an admin changes no owner");
    assert_eq!(status(admin.send("POST", &remove_path(&owner.me.account)).call()), 403);
    assert_eq!(role(&operator, &person.me.account, "operator"), 403, "an operator manages no one");
    let invite = json!({ "email": unique("x"), "role": "operator" });
    assert_eq!(status(operator.send("POST", INVITATIONS_PATH).send_json(invite)), 403);
    assert_eq!(role(&owner, &owner.me.account, "admin"), 403, "the last owner stays an owner");
    assert_eq!(status(owner.send("POST", &remove_path(&owner.me.account)).call()), 403);
    assert_eq!(status(admin.send("POST", &remove_path(&person.me.account)).call()), 204);
}

#[test]
fn signing_out_ends_the_session_and_short_passwords_are_refused() {
    let me = Staff::demo(&base_url(), StaffRole::Supervisor).unwrap();
    assert_eq!(status(me.get(SESSION_PATH).call()), 200);
    assert_eq!(status(me.send("POST", LOGOUT_PATH).call()), 204);
    assert_eq!(status(me.get(SESSION_PATH).call()), 401);
    assert_eq!(status(me.get(&site_config_path("demo")).call()), 401);

    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let invited = invite(&admin, &unique("short"), "operator");
    assert_eq!(status(accept(&invited.token, "Shorty", "short", None)), 400);
}
