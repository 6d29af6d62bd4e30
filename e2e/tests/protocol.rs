//! Protocol tests against the real Worker in `wrangler dev` (started by
//! `cargo xtask test`): acks carry sequence numbers, resends are idempotent,
//! reconnects get exactly what they missed, bad input gets typed errors and
//! changes nothing.

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::{create_conversation, Socket};
use shared::api::{customer_socket_path, inbox_socket_path, operator_socket_path, ConversationCreated};
use shared::staff::StaffRole;
use shared::{ChatMessage, ErrorCode, Role, ServerMsg};

fn new_conversation() -> ConversationCreated {
    create_conversation(&base_url(), "demo").expect("create a conversation")
}

fn customer(c: &ConversationCreated, after: u64) -> Socket {
    Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, after)).unwrap()
}

/// The demo site's operator, signed in once for this file.
fn op() -> &'static Staff {
    static OP: std::sync::OnceLock<Staff> = std::sync::OnceLock::new();
    OP.get_or_init(|| Staff::demo(&base_url(), StaffRole::Operator).unwrap())
}

fn operator(c: &ConversationCreated, after: u64) -> Socket {
    op().socket(&operator_socket_path("demo", c.conversation.as_str(), after)).unwrap()
}

/// The whole stored history, as a fresh customer socket replays it.
fn history(c: &ConversationCreated) -> Vec<ChatMessage> {
    let mut s = customer(c, 0);
    let msgs = s.whole_history().unwrap();
    s.close();
    msgs
}

fn texts(msgs: &[ChatMessage]) -> Vec<&str> {
    msgs.iter().map(|m| m.text.as_str()).collect()
}

#[test]
fn send_is_acked_with_its_sequence_number() {
    let c = new_conversation();
    let mut s = customer(&c, 0);
    match s.recv().unwrap().msg {
        ServerMsg::Welcome { conversation, role, last_seq, workflow, member, .. } => {
            assert_eq!((conversation, role, last_seq), (c.conversation.clone(), Role::Customer, 0));
            assert_eq!(member, None, "conversations have no channel member id");
            assert_eq!(workflow, shared::workflow::WorkflowKind::Support);
        }
        other => panic!("expected welcome, got {other:?}"),
    }
    assert_eq!(s.send_acked("a1", "hello").unwrap().0, 1);
    assert_eq!(s.send_acked("a2", "is anyone there?").unwrap().0, 2);
    let h = history(&c);
    assert_eq!(h.iter().map(|m| m.seq).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(texts(&h), ["hello", "is anyone there?"]);
    assert!(h.iter().all(|m| m.author == Role::Customer));
}

#[test]
fn resending_an_id_returns_the_original_ack_and_stores_once() {
    let c = new_conversation();
    let mut s = customer(&c, 0);
    s.welcome_and_replay(0).unwrap();
    let first = s.send_acked("dup", "only once").unwrap();
    let again = s.send_acked("dup", "only once").unwrap();
    assert_eq!(first, again, "same seq and time");
    s.close();
    // Also from another socket, later.
    let mut s2 = customer(&c, 1);
    s2.welcome_and_replay(1).unwrap();
    assert_eq!(s2.send_acked("dup", "only once").unwrap(), first);
    assert_eq!(texts(&history(&c)), ["only once"]);
}

#[test]
fn reconnect_with_last_seq_gets_exactly_the_missed_messages() {
    let c = new_conversation();
    let mut cust = customer(&c, 0);
    cust.welcome_and_replay(0).unwrap();
    for i in 1..=3 {
        cust.send_acked(&format!("c{i}"), &format!("customer {i}")).unwrap();
    }
    cust.close();
    let mut op = operator(&c, 0);
    let (_, seen) = op.welcome_and_replay(0).unwrap();
    assert_eq!(seen.len(), 3);
    op.send_acked("o1", "operator 4").unwrap();
    op.send_acked("o2", "operator 5").unwrap();

    let mut back = customer(&c, 3);
    let (last, missed) = back.welcome_and_replay(3).unwrap();
    assert_eq!(last, 5);
    assert_eq!(
        missed.iter().map(|m| (m.seq, m.author)).collect::<Vec<_>>(),
        [(4, Role::Operator), (5, Role::Operator)]
    );
    // Nothing else was queued before the next answer.
    let (reply, between) = {
        back.send_text("c4", "customer 6").unwrap();
        back.reply_to("c4").unwrap()
    };
    assert!(matches!(reply, ServerMsg::Ack { seq: 6, .. }), "{reply:?}");
    assert!(between.is_empty(), "unexpected frames: {between:?}");
    // A sync asks again for what came after a sequence number.
    back.send_msg("s1", shared::ClientMsg::Sync { after: 4 }).unwrap();
    let (m5, _) = back.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.seq == 5)).unwrap();
    let (m6, _) = back.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.seq == 6)).unwrap();
    assert!(matches!(m5.msg, ServerMsg::Message(_)) && matches!(m6.msg, ServerMsg::Message(_)));
}

#[test]
fn customer_and_operator_see_each_other_live_and_the_inbox_updates() {
    let c = new_conversation();
    let mut inbox = op().socket(&inbox_socket_path("demo", &shared::scope::Scope::All)).unwrap();
    match inbox.recv().unwrap().msg {
        ServerMsg::Inbox { conversations } => {
            assert!(conversations.iter().any(|s| s.id == c.conversation), "created conversations are listed");
        }
        other => panic!("expected the inbox, got {other:?}"),
    }
    let mut cust = customer(&c, 0);
    cust.welcome_and_replay(0).unwrap();
    let mut op = operator(&c, 0);
    op.welcome_and_replay(0).unwrap();

    cust.send_acked("q", "where is my order?").unwrap();
    let (f, _) = op.recv_until(|f| matches!(f.msg, ServerMsg::Message(_))).unwrap();
    assert!(matches!(&f.msg, ServerMsg::Message(m) if m.text == "where is my order?" && m.author == Role::Customer));
    let ours = |f: &shared::ServerEnvelope| match &f.msg {
        ServerMsg::InboxUpdate(changed) => changed.iter().find(|s| s.id == c.conversation && s.last_seq == 1).cloned(),
        _ => None,
    };
    let (u, _) = inbox.recv_until(|f| ours(f).is_some()).unwrap();
    assert_eq!(ours(&u).unwrap().preview, "where is my order?");

    op.send_acked("a", "It ships today.").unwrap();
    let (f, _) = cust.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.seq == 2)).unwrap();
    assert!(matches!(&f.msg, ServerMsg::Message(m) if m.text == "It ships today." && m.author == Role::Operator));
}

/// Sends one bad frame and checks its error code; returns the `re` it carried.
fn expect_error(s: &mut Socket, frame: &str, want: ErrorCode) -> Option<String> {
    s.send_raw(frame).unwrap();
    let (f, _) = s.recv_until(|f| matches!(f.msg, ServerMsg::Error { .. })).unwrap();
    match f.msg {
        ServerMsg::Error { code, message, .. } => {
            assert_eq!(code, want, "for {}: {message}", &frame[..frame.len().min(60)]);
            assert!(!message.is_empty());
        }
        _ => unreachable!(),
    }
    f.re
}

#[test]
fn bad_frames_get_typed_errors_keep_the_socket_and_change_nothing() {
    let c = new_conversation();
    let mut s = customer(&c, 0);
    s.welcome_and_replay(0).unwrap();
    s.send_acked("keep1", "first").unwrap();
    s.send_acked("keep2", "second").unwrap();
    let before = history(&c);

    let long = "x".repeat(shared::MAX_MESSAGE_CHARS + 1);
    let cases: Vec<(String, ErrorCode, Option<&str>)> = vec![
        ("{not json".into(), ErrorCode::Malformed, None),
        (r#"{"v":1,"id":"u1","msg":{"shout":{"text":"hi"}}}"#.into(), ErrorCode::UnknownType, Some("u1")),
        (r#"{"v":1,"id":"e1","msg":{"send":{"text":"  "}}}"#.into(), ErrorCode::EmptyMessage, Some("e1")),
        (format!(r#"{{"v":1,"id":"l1","msg":{{"send":{{"text":"{long}"}}}}}}"#), ErrorCode::MessageTooLong, Some("l1")),
        (r#"{"v":9,"id":"v1","msg":{"send":{"text":"hi"}}}"#.into(), ErrorCode::UnsupportedVersion, Some("v1")),
        (r#"{"v":1,"id":"no spaces","msg":{"send":{"text":"hi"}}}"#.into(), ErrorCode::InvalidId, None),
        (r#"{"v":1,"id":"keep1","msg":{"send":{"text":"rewritten"}}}"#.into(), ErrorCode::IdConflict, Some("keep1")),
        (
            format!(r#"{{"v":1,"id":"f1","msg":{{"send":{{"text":"{}"}}}}}}"#, "y".repeat(40_000)),
            ErrorCode::FrameTooLarge,
            None,
        ),
    ];
    for (frame, code, re) in &cases {
        assert_eq!(expect_error(&mut s, frame, *code).as_deref(), *re, "{code:?}");
    }
    s.send_binary(&[0, 1, 2]).unwrap();
    let (f, _) = s.recv_until(|f| matches!(f.msg, ServerMsg::Error { .. })).unwrap();
    assert!(matches!(f.msg, ServerMsg::Error { code: ErrorCode::Malformed, .. }));

    assert_eq!(history(&c), before, "bad input altered the history");
    assert_eq!(s.send_acked("keep3", "still usable").unwrap().0, 3, "the socket still works");
    println!("{} bad frames refused with their error codes, history unchanged", cases.len() + 1);
}

/// Opens a socket that the server refuses; returns the error code it sent.
fn refused(path: &str) -> ErrorCode {
    refused_on(Socket::open(&base_url(), path).unwrap(), path)
}

fn refused_on(mut s: Socket, path: &str) -> ErrorCode {
    let code = match s.recv().unwrap().msg {
        ServerMsg::Error { code, .. } => code,
        other => panic!("expected an error on {path}, got {other:?}"),
    };
    assert!(s.recv().is_err(), "the refused socket is closed");
    code
}

#[test]
fn unknown_conversations_wrong_tokens_and_keys_are_refused() {
    let c = new_conversation();
    let other = new_conversation();
    let unknown = "0123456789abcdef0123456789abcdef";
    let id = c.conversation.as_str();
    let cases = [
        (customer_socket_path(unknown, &c.token, 0), ErrorCode::UnknownConversation),
        (customer_socket_path("not-an-id", &c.token, 0), ErrorCode::UnknownConversation),
        (customer_socket_path(id, &other.token, 0), ErrorCode::Unauthorized),
        (customer_socket_path(id, "", 0), ErrorCode::Unauthorized),
        (format!("/api/conversations/{id}/ws"), ErrorCode::Unauthorized),
        (format!("/api/conversations/{id}/ws?after=-1#t.{}", c.token), ErrorCode::Malformed),
        // A token in the address (where logs would keep it) is refused.
        (format!("/api/conversations/{id}/ws?token={}&after=0", c.token), ErrorCode::Malformed),
        (operator_socket_path("demo", id, 0), ErrorCode::Unauthorized),
        (inbox_socket_path("demo", &shared::scope::Scope::All), ErrorCode::Unauthorized),
    ];
    for (path, want) in &cases {
        assert_eq!(refused(path), *want, "{path}");
    }
    // Signed in: an unknown site or conversation is still unknown.
    let signed_in = [
        (inbox_socket_path("nope", &shared::scope::Scope::All), ErrorCode::UnknownSite),
        (operator_socket_path("demo", unknown, 0), ErrorCode::UnknownConversation),
    ];
    for (path, want) in &signed_in {
        assert_eq!(refused_on(op().socket(path).unwrap(), path), *want, "{path}");
    }
    let create = || ureq::post(&format!("{}/api/conversations", base_url())).set("Origin", &base_url());
    let err = create().send_string("{\"site\":\"nope\"}");
    assert!(matches!(err, Err(ureq::Error::Status(404, _))), "unknown site is refused");
    let err = create().send_string("garbage");
    assert!(matches!(err, Err(ureq::Error::Status(400, _))), "malformed body is refused");
    println!("{} refused connections, each with its error code", cases.len() + signed_in.len());
}

#[test]
fn customers_see_an_operators_name_only_where_the_site_says_so() {
    let base = base_url();
    let site = format!("names{}", std::process::id());
    let people = e2e::accounts::sign_up_org(&base, "Names", &site).unwrap();
    let (owner, operator) = (&people[0], &people[3]);
    let said_by = |label: &str| {
        let c = create_conversation(&base, &site).unwrap();
        let mut cust = customer(&c, 0);
        cust.welcome_and_replay(0).unwrap();
        let mut op = operator.socket(&operator_socket_path(&site, c.conversation.as_str(), 0)).unwrap();
        op.welcome_and_replay(0).unwrap();
        op.send_acked(label, "How can I help?").unwrap();
        let (f, _) = cust.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == label)).unwrap();
        let ServerMsg::Message(m) = f.msg else { unreachable!() };
        (m.author, m.name)
    };
    assert_eq!(said_by("o1"), (Role::Operator, None), "by default customers read \"Support\"");
    let path = shared::api::site_config_path(&site);
    let mut config: shared::site::SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    config.appearance.operator_names = true;
    owner.send("PUT", &path).send_json(&config).unwrap();
    let named = (0..50).find_map(|i| {
        let said = said_by(&format!("o2-{i}"));
        (said.1.is_some()).then_some(said).or_else(|| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            None
        })
    });
    assert_eq!(named, Some((Role::Operator, Some(operator.me.name.clone()))), "the operator's own name");
}
