//! Restart test: messages, sequence numbers, idempotency keys and workflow
//! state survive a kill and restart of the `wrangler dev` process (state on
//! disk, SQLite).
//! Starts its own Worker, because it kills it.

use e2e::client::{create_conversation, Socket};
use e2e::wrangler::{Options, Wrangler};
use e2e::TEST_OPERATOR_KEY as KEY;
use shared::api::{customer_socket_path, operator_socket_path};
use shared::workflow::Event;
use shared::ServerMsg;

#[test]
fn restart_loses_nothing() {
    let opts = Options::fresh_for_tests(&format!("e2e-restart-{}", std::process::id()));
    let state = opts.state_dir.clone();
    let start = || Wrangler::start(opts.clone()).expect("start wrangler");

    let mut w = start();
    let c = create_conversation(&w.base_url, "demo").unwrap();
    let id = c.conversation.as_str();
    let mut cust = Socket::open(&w.base_url, &customer_socket_path(id, &c.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    let mut acks = Vec::new();
    for i in 1..=5 {
        acks.push(cust.send_acked(&format!("m{i}"), &format!("before restart {i}")).unwrap());
    }
    // Workflow state before the restart: the customer was asked a question.
    let mut op = Socket::open(&w.base_url, &operator_socket_path(id, KEY, 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    assert!(matches!(op.act("w1", Event::AskResolution {}).unwrap(), ServerMsg::Ack { seq: 6, .. }));
    drop(op);
    cust.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.seq == 6)).unwrap();
    // Sent but not waited for: either stored (and then acked) or not at all.
    cust.send_text("m7", "in flight").unwrap();
    w.stop();
    drop(cust);

    let w = start();
    let mut back = Socket::open(&w.base_url, &customer_socket_path(id, &c.token, 3)).unwrap();
    let (last, missed) = back.welcome_and_replay(3).unwrap();
    assert!(last == 6 || last == 7, "last seq {last}");
    assert_eq!(missed.iter().map(|m| m.seq).collect::<Vec<_>>(), (4..=last).collect::<Vec<_>>());
    assert_eq!(missed[0].text, "before restart 4");

    // Idempotency keys survive the restart: the old id gets the old ack.
    assert_eq!(back.send_acked("m2", "before restart 2").unwrap(), acks[1]);
    // The in-flight message is sent again and stored exactly once.
    let (seq7, _) = back.send_acked("m7", "in flight").unwrap();
    assert_eq!(seq7, 7);
    // The workflow state survived: the question asked before can be answered now, once.
    assert!(matches!(back.act("w2", Event::Resolve { solved: true }).unwrap(), ServerMsg::Ack { seq: 8, .. }));
    assert!(matches!(back.act("w3", Event::Resolve { solved: true }).unwrap(), ServerMsg::Error { .. }));
    assert_eq!(back.send_acked("m8", "after restart").unwrap().0, 9);

    let mut op = Socket::open(&w.base_url, &operator_socket_path(id, KEY, 0)).unwrap();
    let (last, all) = op.welcome_and_replay(0).unwrap();
    assert_eq!(last, 9);
    assert_eq!(all.iter().map(|m| m.seq).collect::<Vec<_>>(), (1..=9).collect::<Vec<_>>(), "gapless, once each");
    assert_eq!(all.iter().filter(|m| m.client_id == "m7").count(), 1);
    drop(w);
    let _ = std::fs::remove_dir_all(&state);
}
