//! An operator's edit and deletion of their own message against the real
//! Worker: the customer's view changes in place, live and after a reload
//! (never learning who wrote it), the timeline keeps the edit with what it
//! said before, search finds the new words and not the old; someone
//! else's message, a customer, a deleted message and a site whose window
//! is 0 minutes are refused with the reason.

use std::time::{Duration, Instant};

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::{create_conversation, Socket};
use shared::api::{customer_socket_path, operator_socket_path, search_path, site_config_path};
use shared::search::{SearchPage, SearchQuery};
use shared::staff::StaffRole;
use shared::workflow::Event;
use shared::{ChatMessage, ErrorCode, ServerMsg};

fn edit(seq: u64, text: &str) -> Event {
    Event::Edit { seq, text: text.into(), was: None }
}

fn refused(msg: ServerMsg) -> (ErrorCode, String) {
    match msg {
        ServerMsg::Error { code, message, .. } => (code, message),
        other => panic!("not refused: {other:?}"),
    }
}

/// Waits until the customer's socket gets message `seq` with `text`.
fn sees(customer: &mut Socket, seq: u64, text: &str) -> ChatMessage {
    let (f, _) = customer
        .recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.seq == seq && m.text == text))
        .unwrap_or_else(|e| panic!("message {seq} as {text:?}: {e}"));
    let ServerMsg::Message(m) = f.msg else { unreachable!() };
    m
}

fn hits(staff: &Staff, word: &str) -> usize {
    let q = SearchQuery { text: word.into(), ..Default::default() };
    let page: SearchPage = staff.get(&search_path("demo", &q)).call().unwrap().into_json().unwrap();
    page.hits.len()
}

#[test]
fn an_operator_edits_and_deletes_their_own_message_and_the_customer_sees_it_in_place() {
    let base = base_url();
    let c = create_conversation(&base, "demo").unwrap();
    let id = c.conversation.as_str();
    let mut customer = Socket::open(&base, &customer_socket_path(id, &c.token, 0)).unwrap();
    customer.welcome_and_replay(0).unwrap();
    let ada = Staff::demo(&base, StaffRole::Operator).unwrap();
    let mut op = ada.socket(&operator_socket_path("demo", id, 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let (old, new) = (format!("atachedz{nanos}"), format!("attachedz{nanos}"));
    let (seq, _) = op.send_acked("o1", &format!("The invoice is {old}.")).unwrap();
    sees(&mut customer, seq, &format!("The invoice is {old}."));

    // Edited: in place for the customer, the audit in the timeline.
    let ack = op.act("e1", edit(seq, &format!("The invoice is {new}."))).unwrap();
    assert!(matches!(ack, ServerMsg::Ack { .. }), "{ack:?}");
    let seen = sees(&mut customer, seq, &format!("The invoice is {new}."));
    assert_eq!(seen.by, None, "the customer does not learn who wrote it");
    let mut again = Socket::open(&base, &customer_socket_path(id, &c.token, 0)).unwrap();
    let (_, history) = again.welcome_and_replay(0).unwrap();
    let kept = history.iter().find(|m| m.seq == seq).unwrap();
    assert_eq!(kept.text, format!("The invoice is {new}."), "after a reload too");
    assert!(history.iter().all(|m| m.by.is_none()));
    let mut staff = ada.socket(&operator_socket_path("demo", id, 0)).unwrap();
    let (_, timeline) = staff.welcome_and_replay(0).unwrap();
    assert_eq!(timeline.iter().find(|m| m.seq == seq).unwrap().by.as_deref(), Some(ada.me.name.as_str()));
    let audit = timeline.iter().find_map(|m| match &m.event {
        Some(Event::Edit { seq: s, was, .. }) if *s == seq => Some(was.clone()),
        _ => None,
    });
    assert_eq!(audit, Some(Some(format!("The invoice is {old}."))), "the audit keeps what it said");

    // Search follows the edit.
    let deadline = Instant::now() + Duration::from_secs(15);
    while (hits(&ada, &new) == 0 || hits(&ada, &old) > 0) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!((hits(&ada, &new), hits(&ada, &old)), (1, 0));

    // Not theirs, not a customer's to edit.
    let bo = Staff::demo(&base, StaffRole::Supervisor).unwrap();
    let mut other = bo.socket(&operator_socket_path("demo", id, 0)).unwrap();
    other.welcome_and_replay(0).unwrap();
    let (code, why) = refused(other.act("b1", edit(seq, "mine now")).unwrap());
    assert_eq!(code, ErrorCode::Forbidden);
    assert!(why.contains("only the operator who wrote"), "{why}");
    assert_eq!(refused(customer.act("c1", edit(seq, "changed")).unwrap()).0, ErrorCode::Forbidden);
    let (code, _) = refused(op.act("e9", edit(9_999, "x")).unwrap());
    assert_eq!(code, ErrorCode::IllegalMove, "no such message");

    // Deleted: gone for the customer; a deleted message is not edited again.
    assert!(matches!(op.act("e2", edit(seq, "")).unwrap(), ServerMsg::Ack { .. }));
    sees(&mut customer, seq, "");
    let (code, why) = refused(op.act("e3", edit(seq, "back")).unwrap());
    assert_eq!(code, ErrorCode::IllegalMove);
    assert!(why.contains("deleted"), "{why}");
    let deadline = Instant::now() + Duration::from_secs(15);
    while hits(&ada, &new) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(hits(&ada, &new), 0, "a deleted message is not found");
}

#[test]
fn a_site_whose_window_is_zero_minutes_refuses_every_edit() {
    let base = base_url();
    let site = format!("edits{}", std::process::id());
    let owner = sign_up_org(&base, "Edits org", &site).unwrap().remove(0);
    let path = site_config_path(&site);
    let mut config: shared::site::SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    config.limits.edit_minutes = 0;
    owner.send("PUT", &path).send_json(&config).unwrap();
    // A bad window is refused with the reason.
    config.limits.edit_minutes = 100_000;
    let r = owner.send("PUT", &path).send_json(&config);
    let (code, why) = e2e::client::status_text(r);
    assert_eq!(code, 400);
    assert!(why.contains("edit their messages"), "{why}");

    let c = create_conversation(&base, &site).unwrap();
    let mut op = owner.socket(&operator_socket_path(&site, c.conversation.as_str(), 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    let (seq, _) = op.send_acked("o1", "Typo here").unwrap();
    let (code, why) = refused(op.act("e1", edit(seq, "No typo")).unwrap());
    assert_eq!(code, ErrorCode::IllegalMove);
    assert!(why.contains("does not let operators edit"), "{why}");
}
