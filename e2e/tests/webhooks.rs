//! Signed webhooks against the real Worker and a receiver on this machine
//! (`e2e::hooks`): a site's endpoint gets the events it wants — a new
//! conversation, each message, the assignment, the close, the rating —
//! each signed (HMAC-SHA256 of `t.body`, checked by the receiver); a
//! failed delivery is tried again and logged with its attempts; a replay
//! delivers the same event id again; bad endpoints are refused with the
//! reason; a removed endpoint gets nothing more; and a Worker stopped in
//! the middle of a delivery delivers it again after its restart (at least
//! once: the receiver sees the event id twice, and every event arrives).

use std::time::Duration;

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::{create_conversation_with, status_text, Socket};
use e2e::hooks::{Got, Receiver};
use e2e::wrangler::{Options, Wrangler};
use shared::api::{customer_socket_path, operator_socket_path, CreateConversation};
use shared::webhooks::{CreatedHook, Delivery, DeliveryState, HookEvent};
use shared::workflow::{Event, Outcome};
use shared::ServerMsg;

fn hooks_path(site: &str) -> String {
    format!("/api/console/sites/{site}/webhooks")
}

/// An endpoint at `receiver` for `events`, its secret given to the receiver.
fn add_hook(owner: &Staff, site: &str, receiver: &Receiver, events: &[HookEvent]) -> CreatedHook {
    let body = serde_json::json!({ "url": receiver.url, "events": events });
    let r = owner.send("POST", &hooks_path(site)).send_json(body);
    let (code, text) = status_text(r);
    assert_eq!(code, 201, "{text}");
    let made: CreatedHook = serde_json::from_str(&text).unwrap();
    receiver.set_secret(&made.secret);
    made
}

/// A sales conversation (it may close as lost at once) with its customer's socket.
fn start(base: &str, site: &str) -> (String, Socket) {
    let body = CreateConversation { trigger: Some("pricing".into()), ..CreateConversation::new(site.parse().unwrap()) };
    let c = create_conversation_with(base, &body).unwrap();
    let mut s = Socket::open(base, &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    (c.conversation.to_string(), s)
}

fn of<'a>(got: &'a [Got], conversation: &str, event: HookEvent) -> Vec<&'a Got> {
    got.iter().filter(|g| g.payload.event == event && g.payload.data["conversation"]["id"] == conversation).collect()
}

#[test]
fn an_endpoint_gets_the_events_it_wants_signed_retried_logged_and_replayed() {
    let base = base_url();
    let site = format!("hooks{}", std::process::id());
    let owner = sign_up_org(&base, "Hooks org", &site).unwrap().remove(0);
    let receiver = Receiver::start().unwrap();

    // Bad endpoints: refused with the reason.
    for (body, why) in [
        (serde_json::json!({ "url": "ftp://x.example", "events": ["message.created"] }), "https://"),
        (serde_json::json!({ "url": receiver.url, "events": [] }), "at least one event"),
        (serde_json::json!({ "url": receiver.url, "events": ["message.deleted"] }), ""),
    ] {
        let (code, text) = status_text(owner.send("POST", &hooks_path(&site)).send_json(body));
        assert_eq!(code, 400, "{text}");
        assert!(text.contains(why), "{text}");
    }
    let hook = add_hook(&owner, &site, &receiver, &HookEvent::ALL);
    assert!(hook.secret.starts_with("whsec_"));
    let listed: Vec<shared::webhooks::Hook> = owner.get(&hooks_path(&site)).call().unwrap().into_json().unwrap();
    assert_eq!(listed, vec![hook.hook.clone()]);
    assert!(!serde_json::to_string(&listed).unwrap().contains(&hook.secret), "the secret is shown once");

    // The first delivery of each message fails once: it comes again.
    let failed = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    receiver.answer(Box::new(move |g: &Got| {
        let first = g.payload.event == HookEvent::MessageCreated && failed.lock().unwrap().insert(g.payload.id.clone());
        (if first { 500 } else { 200 }, Duration::ZERO)
    }));
    let (id, mut customer) = start(&base, &site);
    customer.send_acked("c1", "Hello hooks").unwrap();
    let mut op = owner.socket(&operator_socket_path(&site, &id, 0)).unwrap();
    op.welcome_and_replay(0).unwrap();
    assert!(matches!(op.act("a", Event::Assign { to: owner.me.name.clone() }).unwrap(), ServerMsg::Ack { .. }));
    op.send_acked("o1", "Hello from us").unwrap();
    assert!(matches!(op.act("close", Event::Close { outcome: Outcome::Lost }).unwrap(), ServerMsg::Ack { .. }));

    let twice = |got: &[Got], text: &str| {
        of(got, &id, HookEvent::MessageCreated).iter().filter(|g| g.payload.data["message"]["text"] == text).count()
            >= 2
    };
    let got = receiver.until(30, |got| {
        twice(got, "Hello hooks")
            && twice(got, "Hello from us")
            && !of(got, &id, HookEvent::ConversationClosed).is_empty()
    });
    assert!(got.iter().all(|g| g.valid), "every delivery is signed with the secret: {got:?}");
    assert!(got.iter().all(|g| g.payload.site == site && g.event == g.payload.event.as_str()));
    assert_eq!(of(&got, &id, HookEvent::ConversationCreated).len(), 1);
    assert_eq!(of(&got, &id, HookEvent::ConversationAssigned).len(), 1);
    assert_eq!(of(&got, &id, HookEvent::ConversationAssigned)[0].payload.data["assignee"], owner.me.name.as_str());
    let closed = of(&got, &id, HookEvent::ConversationClosed);
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].payload.data["outcome"], "lost");
    let messages = of(&got, &id, HookEvent::MessageCreated);
    let texts: Vec<&str> = messages.iter().filter_map(|g| g.payload.data["message"]["text"].as_str()).collect();
    // Each text twice (failed, then delivered), under one event id each.
    for text in ["Hello hooks", "Hello from us"] {
        let same: Vec<_> = messages.iter().filter(|g| g.payload.data["message"]["text"] == text).collect();
        assert_eq!(same.len(), 2, "{text}: {texts:?}");
        assert_eq!(same[0].payload.id, same[1].payload.id);
        assert_eq!(same[0].delivery, same[1].delivery, "a retry is the same delivery");
    }

    // The log: the retried delivery's two attempts, delivered.
    let log: Vec<Delivery> =
        owner.get(&format!("{}/deliveries", hooks_path(&site))).call().unwrap().into_json().unwrap();
    let first = *messages.iter().find(|g| g.payload.data["message"]["text"] == "Hello hooks").unwrap();
    let logged = log.iter().find(|d| d.id.to_string() == first.delivery).expect("in the log");
    assert_eq!((logged.attempts, logged.state, logged.status), (2, DeliveryState::Delivered, Some(200)));
    assert_eq!(logged.event_id, first.payload.id);

    // A replay: the same event again, as a new delivery.
    let path = format!("{}/deliveries/{}/replay", hooks_path(&site), logged.id);
    let (code, text) = status_text(owner.send("POST", &path).call());
    assert_eq!(code, 201, "{text}");
    let again = receiver.until(15, |got| got.iter().filter(|g| g.payload.id == first.payload.id).count() >= 3);
    let copies: Vec<_> = again.iter().filter(|g| g.payload.id == first.payload.id).collect();
    assert_eq!(copies.len(), 3);
    assert_ne!(copies[2].delivery, first.delivery, "a replay is a delivery of its own");
    assert_eq!(
        status_text(owner.send("POST", &format!("{}/deliveries/999999/replay", hooks_path(&site))).call()).0,
        404
    );

    // Removed: nothing more arrives.
    let remove = format!("{}/{}/delete", hooks_path(&site), hook.hook.id);
    assert_eq!(status_text(owner.send("POST", &remove).call()).0, 200);
    let before = receiver.got().len();
    let (_, mut later) = start(&base, &site);
    later.send_acked("l1", "Nobody listens").unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(receiver.got().len(), before, "no delivery after the endpoint went");
    assert_eq!(status_text(owner.send("POST", &remove).call()).0, 404);
    // Operators may not see or make webhooks.
    let operator = Staff::demo(&base, shared::staff::StaffRole::Operator).unwrap();
    assert_eq!(status_text(operator.get(&hooks_path("demo")).call()).0, 403);
}

#[test]
fn a_worker_stopped_mid_delivery_delivers_again_after_its_restart() {
    let opts = Options::fresh_for_tests(&format!("e2e-hooks-restart-{}", std::process::id()));
    let start_worker = || Wrangler::start(opts.clone()).expect("start wrangler");
    let mut w = start_worker();
    let site = format!("hookr{}", std::process::id());
    let owner = sign_up_org(&w.base_url, "Hooks restart", &site).unwrap().remove(0);
    let receiver = Receiver::start().unwrap();
    add_hook(&owner, &site, &receiver, &[HookEvent::MessageCreated]);
    // The first delivery is held past the Worker's stop.
    let held = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let h = held.clone();
    receiver.answer(Box::new(move |_| {
        let first = !h.swap(true, std::sync::atomic::Ordering::SeqCst);
        (200, if first { Duration::from_secs(5) } else { Duration::ZERO })
    }));
    let (_, mut customer) = start(&w.base_url, &site);
    customer.send_acked("m1", "Before the stop").unwrap();
    receiver.until(15, |got| !got.is_empty());
    w.stop();
    drop(customer);

    let w = start_worker();
    // Another message after the restart: both arrive, the first again.
    let (_, mut next) = start(&w.base_url, &site);
    next.send_acked("m2", "After the restart").unwrap();
    let got = receiver.until(40, |got| {
        let texts: Vec<_> = got.iter().filter_map(|g| g.payload.data["message"]["text"].as_str()).collect();
        texts.iter().filter(|t| **t == "Before the stop").count() >= 2 && texts.contains(&"After the restart")
    });
    let first: Vec<_> = got.iter().filter(|g| g.payload.data["message"]["text"] == "Before the stop").collect();
    assert!(first.len() >= 2, "delivered again after the restart: {got:?}");
    assert!(first.windows(2).all(|w| w[0].payload.id == w[1].payload.id), "one event id: receivers drop the copy");
    assert!(got.iter().any(|g| g.payload.data["message"]["text"] == "After the restart"));
    assert!(got.iter().all(|g| g.valid));
    let duplicates = first.len() - 1;
    println!("webhooks across a restart: {} deliveries, {duplicates} duplicate(s) of one event", got.len());
}
