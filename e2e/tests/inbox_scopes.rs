//! The inbox's scopes and pages, against the real Worker: a socket gets
//! only its scope's lines (mine, unassigned, a team's, all), and a line
//! that leaves a scope once more so the console drops it; a bad scope is
//! refused; older pages come by HTTP, newest first, without gaps or
//! repeats.

use std::collections::HashSet;
use std::time::Duration;

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::{create_conversation, Socket};
use shared::api::{customer_socket_path, inbox_page_path, inbox_socket_path, operator_socket_path};
use shared::scope::{Scope, PAGE};
use shared::staff::StaffRole;
use shared::workflow::Event;
use shared::{ConversationId, ConversationSummary, ErrorCode, ServerMsg};

fn op() -> &'static Staff {
    static OP: std::sync::OnceLock<Staff> = std::sync::OnceLock::new();
    OP.get_or_init(|| Staff::demo(&base_url(), StaffRole::Operator).unwrap())
}

/// An inbox socket on the demo site showing `scope`, past its first page.
fn inbox(scope: Scope) -> Socket {
    let mut s = op().socket(&inbox_socket_path("demo", &scope)).unwrap();
    assert!(matches!(s.recv().unwrap().msg, ServerMsg::Inbox { .. }));
    s
}

/// The first pushed line of `id` that `pred` accepts.
fn line_of(s: &mut Socket, id: &ConversationId, pred: impl Fn(&ConversationSummary) -> bool) -> ConversationSummary {
    let find = |msg: &ServerMsg| match msg {
        ServerMsg::InboxUpdate(changed) => changed.iter().find(|c| &c.id == id && pred(c)).cloned(),
        _ => None,
    };
    let (frame, _) = s.recv_until(|f| find(&f.msg).is_some()).unwrap();
    find(&frame.msg).unwrap()
}

/// Every line of `id` pushed to `s` within `wait`.
fn lines_within(s: &mut Socket, id: &ConversationId, wait: Duration) -> Vec<ConversationSummary> {
    s.set_read_timeout(wait).unwrap();
    let mut seen = Vec::new();
    while let Ok(frame) = s.recv() {
        if let ServerMsg::InboxUpdate(changed) = frame.msg {
            seen.extend(changed.into_iter().filter(|c| &c.id == id));
        }
    }
    seen
}

#[test]
fn each_socket_gets_its_scope_and_a_line_that_leaves_it_once_more() {
    let me = op().me.name.clone();
    let (mut all, mut mine, mut unassigned) = (inbox(Scope::All), inbox(Scope::Mine), inbox(Scope::Unassigned));
    let mut queue = inbox(Scope::Team("nobody-here".into()));
    let c = create_conversation(&base_url(), "demo").unwrap();
    let mut customer = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    customer.welcome_and_replay(0).unwrap();
    customer.send_acked("q1", "hello?").unwrap();
    line_of(&mut all, &c.conversation, |l| l.last_seq >= 1);
    line_of(&mut unassigned, &c.conversation, |l| l.assignee.is_none());

    let mut operator = op().socket(&operator_socket_path("demo", c.conversation.as_str(), 0)).unwrap();
    operator.welcome_and_replay(0).unwrap();
    operator.act("take", Event::Assign { to: me.clone() }).unwrap();
    let taken = line_of(&mut mine, &c.conversation, |_| true);
    assert_eq!(taken.assignee.as_deref(), Some(me.as_str()), "mine saw it only once it was mine");
    let left = line_of(&mut unassigned, &c.conversation, |l| l.assignee.is_some());
    assert_eq!(left.assignee.as_deref(), Some(me.as_str()), "the unassigned queue is told it left");

    customer.send_acked("q2", "still there?").unwrap();
    let newest = line_of(&mut all, &c.conversation, |l| l.preview == "still there?");
    line_of(&mut mine, &c.conversation, |l| l.last_seq == newest.last_seq);
    let after = lines_within(&mut unassigned, &c.conversation, Duration::from_millis(800));
    assert!(after.is_empty(), "no longer in the unassigned scope, yet pushed: {after:?}");
    let other_team = lines_within(&mut queue, &c.conversation, Duration::from_millis(200));
    assert!(other_team.is_empty(), "another team's queue got it: {other_team:?}");
}

#[test]
fn a_scope_that_is_not_one_is_refused() {
    let path = format!("{}&x=1", inbox_socket_path("demo", &Scope::All)).replace("scope=all", "scope=everyone");
    let mut s = op().socket(&path).unwrap();
    match s.recv().unwrap().msg {
        ServerMsg::Error { code, .. } => assert_eq!(code, ErrorCode::Malformed),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let page = op().get(&inbox_page_path("demo", &Scope::All, 1, "x").replace("before=1", "before=soon")).call();
    assert!(matches!(page, Err(ureq::Error::Status(400, _))), "{page:?}");
}

fn page(before: u64, id: &str) -> Vec<ConversationSummary> {
    op().get(&inbox_page_path("demo", &Scope::All, before, id)).call().unwrap().into_json().unwrap()
}

#[test]
fn older_pages_come_newest_first_with_no_gap_and_no_repeat() {
    // More lines than a page, so the socket's first frame is one page.
    let newest = page(i64::MAX as u64, "");
    for _ in newest.len()..=PAGE {
        create_conversation(&base_url(), "demo").unwrap();
    }
    let mut s = op().socket(&inbox_socket_path("demo", &Scope::All)).unwrap();
    let ServerMsg::Inbox { conversations: first } = s.recv().unwrap().msg else { panic!("no first page") };
    assert_eq!(first.len(), PAGE, "the first frame is one page");

    let mut lines = first;
    for _ in 0..1_000 {
        let last = lines.last().unwrap().clone();
        let older = page(last.updated_at, last.id.as_str());
        let full = older.len() == PAGE;
        lines.extend(older);
        if !full {
            break;
        }
    }
    for pair in lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!((a.updated_at, a.id.as_str()) > (b.updated_at, b.id.as_str()), "out of order: {a:?} then {b:?}");
    }
    let seen: HashSet<&ConversationId> = lines.iter().map(|l| &l.id).collect();
    assert_eq!(seen.len(), lines.len(), "a line came twice");
    assert!(seen.len() > PAGE, "{} lines in all", seen.len());
}
