//! Workflow protocol tests against the real Worker in `wrangler dev`: the
//! Conversation object is the authority (illegal or forbidden events are
//! refused whatever a client sends), pre-chat fields and proactive triggers
//! start the right workflow, customers never see internal events, a
//! customer's events are limited like texts and cannot fill fields, and the
//! state survives reconnects. (Restart: see `restart.rs`.)

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::{create_conversation_with, Socket};
use shared::api::{customer_socket_path, operator_socket_path, ConversationCreated, CreateConversation};
use shared::pricing::Discount;
use shared::site::SiteConfig;
use shared::staff::StaffRole;
use shared::workflow::{Event, OrderLine, Outcome, Product, State, WorkflowKind};
use shared::{ChatMessage, ErrorCode, ServerMsg};

fn create(body: CreateConversation) -> ConversationCreated {
    create_conversation_with(&base_url(), &body).expect("create a conversation")
}

fn demo() -> CreateConversation {
    CreateConversation::new("demo".parse().unwrap())
}

fn pre_chat() -> CreateConversation {
    let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    CreateConversation {
        fields: vec![
            f("name", "Ada"),
            f("email", "ada@example.com"),
            f("issue_type", "Technical problem"),
            f("error_message", "E42: sync failed"),
            f("account_id", "AC-1042"),
        ],
        ..demo()
    }
}

fn customer(c: &ConversationCreated) -> Socket {
    Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap()
}

/// The demo site's operator, signed in once for this file.
fn op() -> &'static Staff {
    static OP: std::sync::OnceLock<Staff> = std::sync::OnceLock::new();
    OP.get_or_init(|| Staff::demo(&base_url(), StaffRole::Operator).unwrap())
}

fn operator(c: &ConversationCreated) -> Socket {
    op().socket(&operator_socket_path("demo", c.conversation.as_str(), 0)).unwrap()
}

/// The workflow state an operator's replay folds to.
fn state_of(c: &ConversationCreated) -> State {
    let mut s = operator(c);
    let workflow = match s.recv().unwrap().msg {
        ServerMsg::Welcome { workflow, .. } => workflow,
        other => panic!("expected welcome, got {other:?}"),
    };
    let mut msgs: Vec<ChatMessage> = Vec::new();
    // Read the replay until quiet.
    s.set_read_timeout(std::time::Duration::from_millis(500)).unwrap();
    while let Ok(f) = s.recv() {
        if let ServerMsg::Message(m) = f.msg {
            msgs.push(m);
        }
    }
    State::replay(workflow, msgs.iter().filter_map(|m| m.event.as_ref()))
}

fn code(reply: ServerMsg) -> ErrorCode {
    match reply {
        ServerMsg::Error { code, .. } => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn acked(reply: ServerMsg) -> u64 {
    match reply {
        ServerMsg::Ack { seq, .. } => seq,
        other => panic!("expected an ack, got {other:?}"),
    }
}

#[test]
fn illegal_and_forbidden_events_are_refused_by_the_server() {
    let c = create(demo());
    let mut cust = customer(&c);
    let mut op = operator(&c);
    cust.welcome_and_replay(0).unwrap();
    op.welcome_and_replay(0).unwrap();
    let close = |o| Event::Close { outcome: o };
    // A customer may not close, escalate or complete steps, whatever its client sends.
    assert_eq!(code(cust.act("c1", close(Outcome::Resolved)).unwrap()), ErrorCode::Forbidden);
    let escalate = Event::Escalate { team: "billing".into(), note: "x".into() };
    assert_eq!(code(cust.act("c2", escalate).unwrap()), ErrorCode::Forbidden);
    assert_eq!(code(cust.act("c3", Event::CompleteStep { step: "greet".into() }).unwrap()), ErrorCode::Forbidden);
    // An operator may not answer for the customer.
    assert_eq!(code(op.act("o1", Event::Resolve { solved: true }).unwrap()), ErrorCode::Forbidden);
    // Illegal moves: support closed neither resolved nor escalated; steps skipped; won in support.
    assert_eq!(code(op.act("o2", close(Outcome::Resolved)).unwrap()), ErrorCode::IllegalMove);
    assert_eq!(code(op.act("o3", Event::CompleteStep { step: "resolve".into() }).unwrap()), ErrorCode::IllegalMove);
    assert_eq!(code(op.act("o4", close(Outcome::Won)).unwrap()), ErrorCode::IllegalMove);
    assert_eq!(code(cust.act("c4", Event::ConfirmOrder { checkout: None }).unwrap()), ErrorCode::IllegalMove);
    assert_eq!(code(cust.act("c5", Event::Resolve { solved: true }).unwrap()), ErrorCode::IllegalMove);
    // Nothing was stored.
    assert_eq!(acked(op.act("o5", Event::AskResolution {}).unwrap()), 1);
    assert_eq!(state_of(&c), State { asked_resolution: true, ..State::new(WorkflowKind::Support) });
}

#[test]
fn a_customer_writing_after_close_reopens_the_conversation() {
    let c = create(pre_chat());
    let mut cust = customer(&c);
    let mut op = operator(&c);
    cust.welcome_and_replay(0).unwrap();
    op.welcome_and_replay(0).unwrap();
    acked(op.act("e", Event::Escalate { team: "billing".into(), note: "refund".into() }).unwrap());
    acked(op.act("x", Event::Close { outcome: Outcome::Escalated }).unwrap());
    assert!(state_of(&c).closed());
    // The customer writes again: stored, and the conversation is open again.
    let first = cust.send_acked("again", "One more question").unwrap();
    let state = state_of(&c);
    assert!(!state.closed(), "{state:?}");
    assert_eq!(state.team.as_deref(), Some("billing"), "the rest of the state is kept");
    // The operator saw the reopening, then the message.
    let mut seen = Vec::new();
    while seen.len() < 2 {
        if let ServerMsg::Message(m) = op.recv().unwrap().msg {
            if m.event.as_ref().is_some_and(|e| matches!(e, Event::Close { .. } | Event::Escalate { .. })) {
                continue;
            }
            seen.push((m.event, m.text));
        }
    }
    assert_eq!(seen[0].0, Some(Event::Reopen {}));
    assert_eq!(seen[1], (None, "One more question".into()));
    // A resend of the same message changes nothing; the operator can close it again.
    assert_eq!(cust.send_acked("again", "One more question").unwrap(), first);
    acked(op.act("x2", Event::Close { outcome: Outcome::Escalated }).unwrap());
    assert!(state_of(&c).closed());
}

#[test]
fn a_customer_cannot_fill_fields_from_the_socket_nor_flood_events() {
    let c = create(pre_chat());
    let mut cust = customer(&c);
    let mut op = operator(&c);
    cust.welcome_and_replay(0).unwrap();
    op.welcome_and_replay(0).unwrap();
    // Answers come only with the form (checked there), never later: not the
    // sales step's field, not a new name, not an account id.
    for (i, field) in ["needs", "name", "account_id"].into_iter().enumerate() {
        let collect = Event::Collect { field: field.into(), value: "forged".into() };
        assert_eq!(code(cust.act(&format!("f{i}"), collect).unwrap()), ErrorCode::Forbidden, "{field}");
    }
    assert_eq!(state_of(&c).field("name"), Some("Ada"));
    // Ticking a checklist item counts against the site's messages a minute.
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let config: shared::site::SiteConfig =
        admin.get(&shared::api::site_config_path("demo")).call().unwrap().into_json().unwrap();
    let per_minute = config.limits.messages_per_minute;
    acked(op.act("list", Event::Checklist { items: vec!["Restart the app".into()] }).unwrap());
    for i in 0..per_minute {
        acked(cust.act(&format!("t{i}"), Event::Tick { item: 0, done: i % 2 == 0 }).unwrap());
    }
    match cust.act("one-too-many", Event::Tick { item: 0, done: true }).unwrap() {
        ServerMsg::Error { code: ErrorCode::RateLimited, message, .. } => {
            assert!(message.contains("too fast — try again in"), "{message}")
        }
        other => panic!("expected rateLimited, got {other:?}"),
    }
    // A resend of a stored event is still answered as stored.
    acked(cust.act("t0", Event::Tick { item: 0, done: true }).unwrap());
}

#[test]
fn support_walks_its_steps_and_customers_see_only_their_cards_and_notices() {
    let c = create(pre_chat());
    let mut op = operator(&c);
    let (last, replayed) = op.welcome_and_replay(0).unwrap();
    assert_eq!(last, 5, "five pre-chat fields, one event each");
    assert!(replayed.iter().all(|m| matches!(m.event, Some(Event::Collect { .. }))));
    assert_eq!(state_of(&c).done, 2, "greet and collect ticked by the form");

    let mut cust = customer(&c);
    let (_, seen) = cust.welcome_and_replay(0).unwrap();
    assert!(seen.iter().all(|m| m.event.is_none() && m.text.is_empty()), "fields are not echoed: {seen:?}");

    let checklist = Event::Checklist { items: vec!["Sign out".into(), "Sign in again".into()] };
    acked(op.act("o1", checklist.clone()).unwrap());
    let (m, _) = cust.recv_until(|f| matches!(&f.msg, ServerMsg::Message(_))).unwrap();
    assert!(matches!(m.msg, ServerMsg::Message(ChatMessage { event: Some(Event::Checklist { .. }), .. })));
    acked(cust.act("c1", Event::Tick { item: 1, done: true }).unwrap());
    // Escalation goes to one of the site's teams; the customer gets a plain notice, never the note.
    let nowhere = Event::Escalate { team: "nowhere".into(), note: "x".into() };
    assert_eq!(code(op.act("o2x", nowhere).unwrap()), ErrorCode::IllegalMove);
    acked(op.act("o2", Event::Escalate { team: "billing".into(), note: "secret note".into() }).unwrap());
    let (n, _) = cust.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.text.contains("billing"))).unwrap();
    let ServerMsg::Message(notice) = n.msg else { unreachable!() };
    assert!(notice.event.is_none() && !notice.text.contains("secret"), "{notice:?}");

    // Reconnect: state folds the same from the replay.
    let s = state_of(&c);
    assert_eq!((s.done, s.team.as_deref(), s.checklist[1].1), (4, Some("billing"), true));
    acked(op.act("o3", Event::Close { outcome: Outcome::Escalated }).unwrap());
    assert!(state_of(&c).closed());
    assert_eq!(code(op.act("o4", Event::AskRating {}).unwrap()), ErrorCode::IllegalMove, "closed");
}

#[test]
fn a_proactive_trigger_starts_a_sales_conversation_that_is_won_only_with_a_confirmed_order() {
    let c = create(CreateConversation { trigger: Some("pricing".into()), ..demo() });
    let mut cust = customer(&c);
    let (_, first) = cust.welcome_and_replay(0).unwrap();
    assert!(first[0].text.contains("Comparing plans"), "the greeting opens the chat: {first:?}");
    let mut op = operator(&c);
    op.welcome_and_replay(0).unwrap();
    acked(op.act("o1", Event::CompleteStep { step: "initiate".into() }).unwrap());
    acked(op.act("o2", Event::Collect { field: "needs".into(), value: "5 seats".into() }).unwrap());
    let team = demo_product("team");
    // Only the site's catalogue, as it is: no made-up price.
    let cheap = Product { price: 100, ..team.clone() };
    assert_eq!(code(op.act("o3x", Event::Present(cheap)).unwrap()), ErrorCode::IllegalMove);
    acked(op.act("o3", Event::Present(team)).unwrap());
    acked(cust.act("c1", Event::Add { product: "team".into() }).unwrap());
    let won = Event::Close { outcome: Outcome::Won };
    assert_eq!(code(op.act("o4", won.clone()).unwrap()), ErrorCode::IllegalMove, "no order yet");
    acked(op.act("o5", Event::CompleteStep { step: "negotiate".into() }).unwrap());
    let order = Event::order(vec![OrderLine { product: "team".into(), qty: 5 }]);
    acked(op.act("o6", order).unwrap());
    assert_eq!(code(op.act("o7", won.clone()).unwrap()), ErrorCode::IllegalMove, "not confirmed");
    // A resend of the confirmation is idempotent: same ack, stored once.
    let a = acked(cust.act("c2", Event::ConfirmOrder { checkout: None }).unwrap());
    assert_eq!(acked(cust.act("c2", Event::ConfirmOrder { checkout: None }).unwrap()), a);
    acked(op.act("o8", won).unwrap());
    let s = state_of(&c);
    assert_eq!((s.workflow, s.done, s.outcome, s.order_total()), (WorkflowKind::Sales, 6, Some(Outcome::Won), 24500));
}

/// The next chat message (an order, a request, an answer) pushed to `s`.
fn next_event(s: &mut Socket) -> Event {
    let (f, _) = s.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.event.is_some())).unwrap();
    match f.msg {
        ServerMsg::Message(m) => m.event.unwrap(),
        _ => unreachable!("matched above"),
    }
}

#[test]
fn a_discount_beyond_authority_is_refused_until_a_supervisor_approves_it() {
    let c = create(CreateConversation { trigger: Some("pricing".into()), ..demo() });
    let mut cust = customer(&c);
    cust.welcome_and_replay(0).unwrap();
    let mut op = operator(&c);
    op.welcome_and_replay(0).unwrap();
    let sup_staff = Staff::demo(&base_url(), StaffRole::Supervisor).unwrap();
    let mut sup = sup_staff.socket(&operator_socket_path("demo", c.conversation.as_str(), 0)).unwrap();
    sup.welcome_and_replay(0).unwrap();
    let team = demo_product("team");
    acked(op.act("p", Event::Present(team)).unwrap());
    let order = |bp| Event::Order {
        lines: vec![OrderLine { product: "team".into(), qty: 5 }],
        codes: Vec::new(),
        discount: Some(Discount::Percent(bp)),
        quote: None,
    };
    // 20 % of 245.00 is beyond an operator's 10 %.
    let refused = op.act("o1", order(2_000)).unwrap();
    assert!(
        matches!(&refused, ServerMsg::Error { code: ErrorCode::Forbidden, message, .. } if message.contains("USD 49.00") && message.contains("10 %")),
        "{refused:?}"
    );
    assert_eq!(code(op.act("d0", Event::Decide { approve: true, note: String::new() }).unwrap()), ErrorCode::Forbidden);
    acked(op.act("o2", order(1_000)).unwrap());
    let ask = Event::AskApproval { discount: Discount::Percent(2_000), note: "Five seats for two years".into() };
    acked(op.act("a1", ask.clone()).unwrap());
    // The request reaches the supervisor live; the customer never sees it.
    while !matches!(next_event(&mut sup), Event::AskApproval { .. }) {}
    acked(sup.act("d1", Event::Decide { approve: true, note: "Fine for two years".into() }).unwrap());
    while !matches!(next_event(&mut op), Event::Decide { approve: true, .. }) {}
    // Approved: the same 20 % is taken, priced by the Worker.
    acked(op.act("o1", order(2_000)).unwrap());
    let quote = loop {
        if let Event::Order { quote: Some(q), discount: Some(Discount::Percent(2_000)), .. } = next_event(&mut cust) {
            break q;
        }
    };
    assert_eq!((quote.subtotal, quote.negotiated(), quote.total, quote.list_total), (24_500, 4_900, 19_600, 24_500));
    let (_, seen) = customer(&c).welcome_and_replay(0).unwrap();
    assert!(
        !seen.is_empty()
            && seen.iter().all(|m| !matches!(m.event, Some(Event::AskApproval { .. } | Event::Decide { .. }))),
        "requests and answers are internal"
    );
    // Anything above the approval is refused again.
    assert_eq!(code(op.act("o3", order(2_500)).unwrap()), ErrorCode::Forbidden);
    acked(cust.act("c1", Event::ConfirmOrder { checkout: None }).unwrap());
    assert_eq!(code(op.act("o4", order(1_000)).unwrap()), ErrorCode::IllegalMove, "confirmed: cancel first");
    acked(op.act("x", Event::CancelOrder { reason: "Wants annual billing".into() }).unwrap());
    let s = state_of(&c);
    assert_eq!((s.order.is_none(), s.approved), (true, Some(Discount::Percent(2_000))));
}

#[test]
fn bad_pre_chat_forms_and_unknown_triggers_are_refused() {
    let post = |body: &CreateConversation| create_conversation_with(&base_url(), body);
    let missing = CreateConversation { fields: vec![("name".into(), "Ada".into())], ..demo() };
    assert!(post(&missing).unwrap_err().to_string().contains("400"), "required fields missing");
    let unknown = CreateConversation { fields: vec![("password".into(), "x".into())], ..pre_chat() };
    assert!(post(&unknown).is_err(), "a field the form does not have");
    assert!(post(&CreateConversation { trigger: Some("nope".into()), ..demo() }).is_err());
}

#[test]
fn the_sites_start_rules_pick_the_workflow_by_page_address() {
    // A rule of the demo site's: "?page=start-rule-test" starts as sales.
    let admin = e2e::accounts::Staff::demo(&base_url(), shared::staff::StaffRole::Admin).unwrap();
    let path = shared::api::site_config_path("demo");
    let mut config: shared::site::SiteConfig = admin.get(&path).call().unwrap().into_json().unwrap();
    let rule = shared::site::StartRule { contains: "?page=start-rule-test".into(), workflow: WorkflowKind::Sales };
    if !config.starts.contains(&rule) {
        config.starts.push(rule);
        admin.send("PUT", &path).send_json(&config).unwrap();
    }
    let on = |page: &str| CreateConversation { page: Some(page.into()), ..demo() };
    let sales = create(on("http://localhost:8787/demo?page=start-rule-test"));
    assert_eq!(state_of(&sales).workflow, WorkflowKind::Sales);
    let support = create(on("http://localhost:8787/demo?page=orders"));
    assert_eq!(state_of(&support).workflow, WorkflowKind::Support);
    assert_eq!(state_of(&create(demo())).workflow, WorkflowKind::Support, "no page: support");
    let long = on(&format!("http://localhost/{}", "x".repeat(2_100)));
    assert!(create_conversation_with(&base_url(), &long).is_err(), "an over-long page address is refused");
}

/// The demo catalogue's entry `id`, as the console presents it.
fn demo_product(id: &str) -> Product {
    SiteConfig::default().products.into_iter().find(|p| p.id == id).expect("in the demo catalogue")
}
