//! Restart test: messages, sequence numbers, idempotency keys, workflow
//! state, sanctions, reports and incidents survive a kill and restart of the
//! `wrangler dev` process (state on disk, SQLite).
//! Starts its own Worker, because it kills it.

use e2e::accounts::Staff;
use e2e::client::{create_conversation, Socket};
use e2e::wrangler::{Options, Wrangler};
use serde_json::json;
use shared::api::{channel_socket_path, customer_socket_path, operator_socket_path};
use shared::moderation_case::{Case, Incident, Report};
use shared::staff::StaffRole;
use shared::workflow::{Event, Sanction, Severity};
use shared::{ErrorCode, ServerMsg};

fn desk(path: &str) -> String {
    format!("/api/console/sites/demo/{path}")
}

/// Before the restart: Vic is banned through a case with its incident
/// logged; Tom is muted by the threat rule. Returns the case id.
fn sanction_two(base: &str, vic: &str, tom: &str) -> u64 {
    let mut v = Socket::open(base, &channel_socket_path("demo", "live", vic, "Vic", 0)).unwrap();
    v.welcome_and_replay(0).unwrap();
    v.send_text("v1", "this is shit").unwrap();
    assert!(matches!(v.reply_to("v1").unwrap().0, ServerMsg::Held { .. }));
    let mo = Staff::demo(base, StaffRole::Moderator).unwrap();
    let reports: Vec<Report> = mo.get(&desk("reports")).call().unwrap().into_json().unwrap();
    let report = reports.iter().find(|r| r.message == "v1").expect("a report");
    let case: Case =
        mo.send("POST", &desk("cases")).send_json(json!({ "report": report.id })).unwrap().into_json().unwrap();
    let act_path = desk(&format!("cases/{}/act", case.id));
    for event in [
        Event::Assess { severity: Severity::High },
        Event::Sanction { kind: Sanction::Ban, minutes: Some(600) },
        Event::LogIncident { summary: "banned for 10 h".into() },
    ] {
        mo.send("POST", &act_path).send_json(json!({ "event": event })).unwrap();
    }
    let mut t = Socket::open(base, &channel_socket_path("demo", "live", tom, "Tom", 0)).unwrap();
    t.welcome_and_replay(0).unwrap();
    t.send_text("t1", "kill yourself").unwrap();
    assert!(matches!(t.reply_to("t1").unwrap().0, ServerMsg::Error { code: ErrorCode::Blocked, .. }));
    case.id
}

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
    let operator = Staff::demo(&w.base_url, StaffRole::Operator).unwrap();
    let mut op = operator.socket(&operator_socket_path("demo", id, 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    assert!(matches!(op.act("w1", Event::AskResolution {}).unwrap(), ServerMsg::Ack { seq: 6, .. }));
    drop(op);
    cust.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.seq == 6)).unwrap();
    // Sent but not waited for: either stored (and then acked) or not at all.
    cust.send_text("m7", "in flight").unwrap();
    let (vic, tom) = (e2e::identity::visitor_token("demo", "vic"), e2e::identity::visitor_token("demo", "tom"));
    let case = sanction_two(&w.base_url, &vic, &tom);
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

    // The operator's session survived the restart too.
    let mut op = operator.socket(&operator_socket_path("demo", id, 0)).unwrap();
    let (last, all) = op.welcome_and_replay(0).unwrap();
    assert_eq!(last, 9);
    assert_eq!(all.iter().map(|m| m.seq).collect::<Vec<_>>(), (1..=9).collect::<Vec<_>>(), "gapless, once each");
    assert_eq!(all.iter().filter(|m| m.client_id == "m7").count(), 1);

    // Sanctions, reports and incidents survived too.
    let mut v = Socket::open(&w.base_url, &channel_socket_path("demo", "live", &vic, "Vic", 0)).unwrap();
    assert!(matches!(v.recv().unwrap().msg, ServerMsg::Error { code: ErrorCode::Banned, .. }));
    let mut t = Socket::open(&w.base_url, &channel_socket_path("demo", "live", &tom, "Tom", 0)).unwrap();
    t.welcome_and_replay(0).unwrap();
    t.send_text("t2", "can I talk now?").unwrap();
    assert!(matches!(t.reply_to("t2").unwrap().0, ServerMsg::Error { code: ErrorCode::Muted, .. }));
    let mo = Staff::demo(&w.base_url, StaffRole::Moderator).unwrap();
    let incidents: Vec<Incident> = mo.get(&desk("incidents")).call().unwrap().into_json().unwrap();
    assert!(incidents.iter().any(|i| i.case == case && i.evidence[0].text == "this is shit"));
    let reports: Vec<Report> = mo.get(&desk("reports")).call().unwrap().into_json().unwrap();
    assert!(reports.iter().any(|r| r.message == "t1"));
    drop(w);
    let _ = std::fs::remove_dir_all(&state);
}
