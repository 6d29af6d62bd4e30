//! History by pages, against the real Worker: a connect to a long
//! conversation gets the newest page (and a marker that older ones exist),
//! older pages come when asked, a resume that fits in a page gets exactly
//! what it missed, `sync` and `history` are limited per socket, a channel
//! join costs one page, and an operator's welcome carries the workflow
//! state (their console may hold only the newest page).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::{create_conversation, Socket};
use shared::api::{channel_socket_path, customer_socket_path, operator_channel_path, operator_socket_path};
use shared::staff::StaffRole;
use shared::workflow::Event;
use shared::{ClientMsg, ErrorCode, ServerMsg, PAGE};

/// The demo site's operator, signed in once for this file.
fn op() -> &'static Staff {
    static OP: std::sync::OnceLock<Staff> = std::sync::OnceLock::new();
    OP.get_or_init(|| Staff::demo(&base_url(), StaffRole::Operator).unwrap())
}

/// Sends `n` messages on `s` (ids `{prefix}{i}`), reading the acks in batches.
fn send_many(s: &mut Socket, prefix: &str, n: usize) {
    for chunk in (0..n).collect::<Vec<_>>().chunks(50) {
        for i in chunk {
            s.send_text(&format!("{prefix}{i}"), &format!("message {i}")).unwrap();
        }
        for i in chunk {
            assert!(matches!(s.reply_to(&format!("{prefix}{i}")).unwrap().0, ServerMsg::Ack { .. }));
        }
    }
}

#[test]
fn a_long_conversation_opens_on_its_newest_page_and_older_pages_come_when_asked() {
    let c = create_conversation(&base_url(), "demo").unwrap();
    let id = c.conversation.as_str();
    let mut operator = op().socket(&operator_socket_path("demo", id, 0)).unwrap();
    operator.welcome_and_replay(0).unwrap();
    let me = op().me.name.clone();
    let assigned = operator.act("assign", Event::Assign { to: me }).unwrap();
    assert!(matches!(assigned, ServerMsg::Ack { .. }), "{assigned:?}");
    send_many(&mut operator, "m", 2 * PAGE + 49); // 250 messages with the assignment

    let mut s = Socket::open(&base_url(), &customer_socket_path(id, &c.token, 0)).unwrap();
    assert!(matches!(s.recv().unwrap().msg, ServerMsg::Welcome { last_seq: 250, .. }));
    match s.recv().unwrap().msg {
        ServerMsg::History { messages, more } => {
            let seqs: Vec<u64> = messages.iter().map(|m| m.seq).collect();
            assert_eq!(seqs, (151..=250).collect::<Vec<_>>(), "the newest page, oldest first");
            assert!(more, "older messages exist");
        }
        other => panic!("expected the newest page, got {other:?}"),
    }
    let (page, more) = s.page_before(151).unwrap();
    assert_eq!((page.first().map(|m| m.seq), page.last().map(|m| m.seq), more), (Some(51), Some(150), true));
    let (page, more) = s.page_before(51).unwrap();
    assert_eq!((page.len(), page[0].seq, more), (50, 1, false));
    let mut fresh = Socket::open(&base_url(), &customer_socket_path(id, &c.token, 0)).unwrap();
    assert_eq!(fresh.whole_history().unwrap().iter().map(|m| m.seq).collect::<Vec<_>>(), (1..=250).collect::<Vec<_>>());

    // A resume that fits in a page: exactly the missed messages, one by one.
    let mut resumed = Socket::open(&base_url(), &customer_socket_path(id, &c.token, 240)).unwrap();
    let (last, missed) = resumed.welcome_and_replay(240).unwrap();
    assert_eq!((last, missed.iter().map(|m| m.seq).collect::<Vec<_>>()), (250, (241..=250).collect::<Vec<_>>()));
    resumed.set_read_timeout(Duration::from_millis(300)).unwrap();
    assert!(resumed.recv().is_err(), "nothing more than what was missed");

    // An operator's welcome carries the workflow state as of its last message.
    let mut late = op().socket(&operator_socket_path("demo", id, 0)).unwrap();
    match late.recv().unwrap().msg {
        ServerMsg::Welcome { state: Some(state), last_seq: 250, .. } => {
            assert_eq!(state.assignee, Some(op().me.name.clone()))
        }
        other => panic!("expected an operator's welcome with the state, got {other:?}"),
    }
    let mut customer = Socket::open(&base_url(), &customer_socket_path(id, &c.token, 250)).unwrap();
    assert!(matches!(customer.recv().unwrap().msg, ServerMsg::Welcome { state: None, .. }), "customers get no state");
}

#[test]
fn sync_and_history_are_limited_per_socket() {
    let c = create_conversation(&base_url(), "demo").unwrap();
    let mut s = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    for i in 0..10 {
        let id = format!("history-{i}");
        s.send_msg(&id, ClientMsg::History { before: 1 }).unwrap();
        assert!(matches!(s.reply_to(&id).unwrap().0, ServerMsg::History { more: false, .. }));
    }
    // Syncs count in the same window: the eleventh request is refused.
    s.send_msg("sync-1", ClientMsg::Sync { after: 0 }).unwrap();
    match s.reply_to("sync-1").unwrap().0 {
        ServerMsg::Error { code: ErrorCode::RateLimited, message, .. } => {
            assert!(message.contains("asking for history too fast"), "{message}")
        }
        other => panic!("expected the limit, got {other:?}"),
    }
    // The socket still works for messages.
    s.send_acked("after-limit", "still here").unwrap();
}

#[test]
fn a_channel_join_costs_one_page_however_long_the_history() {
    let moderator = Staff::demo(&base_url(), StaffRole::Moderator).unwrap();
    let mut mo = moderator.socket(&operator_channel_path("demo", "live", u64::MAX >> 12)).unwrap();
    mo.recv().unwrap();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    send_many(&mut mo, &format!("h{nanos}-"), PAGE + 20);
    let visitor = e2e::identity::visitor_token("demo", format!("{nanos}-{}", std::process::id()));
    let mut s = Socket::open(&base_url(), &channel_socket_path("demo", "live", &visitor, "Joiner", 0)).unwrap();
    let last = match s.recv().unwrap().msg {
        ServerMsg::Welcome { last_seq, .. } => last_seq,
        other => panic!("expected a welcome, got {other:?}"),
    };
    match s.recv().unwrap().msg {
        ServerMsg::History { messages, more } => {
            assert_eq!(messages.len(), PAGE);
            assert_eq!((messages[PAGE - 1].seq, more), (last, true));
        }
        other => panic!("expected one page, got {other:?}"),
    }
    s.set_read_timeout(Duration::from_millis(300)).unwrap();
    assert!(s.recv().is_err(), "one page, nothing more");
}
