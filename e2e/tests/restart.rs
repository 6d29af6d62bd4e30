//! Restart test: messages, sequence numbers and idempotency keys survive a
//! kill and restart of the `wrangler dev` process (state on disk, SQLite).
//! Starts its own Worker, because it kills it.

use e2e::client::{create_conversation, Socket};
use e2e::wrangler::{Options, Wrangler};
use e2e::TEST_OPERATOR_KEY as KEY;
use shared::api::{customer_socket_path, operator_socket_path};

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
    // Sent but not waited for: either stored (and then acked) or not at all.
    cust.send_text("m6", "in flight").unwrap();
    w.stop();
    drop(cust);

    let w = start();
    let mut back = Socket::open(&w.base_url, &customer_socket_path(id, &c.token, 3)).unwrap();
    let (last, missed) = back.welcome_and_replay(3).unwrap();
    assert!(last == 5 || last == 6, "last seq {last}");
    assert_eq!(missed.iter().map(|m| m.seq).collect::<Vec<_>>(), (4..=last).collect::<Vec<_>>());
    assert_eq!(missed[0].text, "before restart 4");

    // Idempotency keys survive the restart: the old id gets the old ack.
    assert_eq!(back.send_acked("m2", "before restart 2").unwrap(), acks[1]);
    // The in-flight message is sent again and stored exactly once.
    let (seq6, _) = back.send_acked("m6", "in flight").unwrap();
    assert_eq!(seq6, 6);
    assert_eq!(back.send_acked("m7", "after restart").unwrap().0, 7);

    let mut op = Socket::open(&w.base_url, &operator_socket_path(id, KEY, 0)).unwrap();
    let (last, all) = op.welcome_and_replay(0).unwrap();
    assert_eq!(last, 7);
    assert_eq!(all.iter().map(|m| m.seq).collect::<Vec<_>>(), (1..=7).collect::<Vec<_>>(), "gapless, once each");
    assert_eq!(all.iter().filter(|m| m.client_id == "m6").count(), 1);
    drop(w);
    let _ = std::fs::remove_dir_all(&state);
}
