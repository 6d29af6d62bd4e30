//! Limits against the real Worker: a visitor may start only the site's
//! number of conversations an hour, and a customer send only the site's
//! number of messages a minute, and hold only the site's number of sockets
//! on one conversation or channel; each refusal says when to try again
//! and stores nothing. (The per-address limit is a deployment variable, raised
//! for tests, which all come from one address.)

use std::time::{SystemTime, UNIX_EPOCH};

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::{create_conversation_with, Socket};
use shared::api::{channel_socket_path, site_config_path, CreateConversation};
use shared::site::SiteConfig;
use shared::staff::StaffRole;
use shared::{ErrorCode, ServerMsg};

fn visitor(tag: u8) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    e2e::identity::visitor_token("demo", format!("{nanos}-{}-{tag}", std::process::id()))
}

#[test]
fn a_visitor_starts_at_most_the_sites_number_of_conversations_an_hour() {
    let body = CreateConversation { visitor: Some(visitor(1)), ..CreateConversation::new("demo".parse().unwrap()) };
    let url = format!("{}{}", base_url(), shared::api::CONVERSATIONS_PATH);
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let config: SiteConfig = admin.get(&site_config_path("demo")).call().unwrap().into_json().unwrap();
    for _ in 0..config.limits.conversations_per_hour {
        create_conversation_with(&base_url(), &body).unwrap();
    }
    match ureq::post(&url).set("Origin", &base_url()).send_json(&body) {
        Err(ureq::Error::Status(429, r)) => {
            let e = e2e::too_fast(r);
            assert!(e.message.contains("starting conversations too fast — try again in"), "{}", e.message);
        }
        other => panic!("expected 429, got {other:?}"),
    }
    // Another visitor is not affected.
    let other = CreateConversation { visitor: Some(visitor(2)), ..body };
    create_conversation_with(&base_url(), &other).unwrap();
}

#[test]
fn a_customer_sends_at_most_the_sites_number_of_messages_a_minute() {
    // The flood rule (8 in 10 s) would stop the sender first: for this
    // test the site has no flood rule and a limit of 12 a minute (restored after).
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let path = site_config_path("demo");
    let saved: SiteConfig = admin.get(&path).call().unwrap().into_json().unwrap();
    let mut config = saved.clone();
    config.rules.retain(|r| !matches!(r.kind, shared::rules::RuleKind::Flood { .. }));
    config.limits.messages_per_minute = 12;
    admin.send("PUT", &path).send_json(&config).unwrap();
    // The site's channels are told of new settings before the save answers.
    let result = std::panic::catch_unwind(|| {
        let path = channel_socket_path("demo", "live", &visitor(3), "Rita", u64::MAX >> 12);
        let mut s = Socket::open(&base_url(), &path).unwrap();
        s.recv().unwrap();
        // Held messages count too (every third one has a link the rules hold).
        for i in 0..12 {
            if i % 3 == 0 {
                s.send_text(&format!("r{i}"), &format!("look at https://spam{i}.test")).unwrap();
                let reply = s.reply_to(&format!("r{i}")).unwrap().0;
                assert!(matches!(reply, ServerMsg::Held { .. }), "{reply:?}");
            } else {
                s.send_acked(&format!("r{i}"), &format!("message number {i}")).unwrap();
            }
        }
        s.send_text("r12", "one too many").unwrap();
        match s.reply_to("r12").unwrap().0 {
            ServerMsg::Error { code: ErrorCode::RateLimited, message, .. } => {
                assert!(message.contains("sending messages too fast — try again in"), "{message}")
            }
            other => panic!("expected rateLimited, got {other:?}"),
        }
    });
    admin.send("PUT", &path).send_json(&saved).unwrap();
    result.unwrap();
}

#[test]
fn a_customer_holds_at_most_the_sites_number_of_sockets_on_a_conversation_and_a_channel() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let config: SiteConfig = admin.get(&site_config_path("demo")).call().unwrap().into_json().unwrap();
    let most = config.limits.windows_per_customer;
    assert_eq!(most, 10, "the seeded site's setting");
    let c = e2e::client::create_conversation(&base_url(), "demo").unwrap();
    let path = shared::api::customer_socket_path(c.conversation.as_str(), &c.token, 0);
    let mut open = Vec::new();
    for _ in 0..most {
        let mut s = Socket::open(&base_url(), &path).unwrap();
        s.welcome_and_replay(0).unwrap();
        open.push(s);
    }
    let too_many = |path: &str| {
        let mut s = Socket::open(&base_url(), path).unwrap();
        match s.recv().unwrap().msg {
            shared::ServerMsg::Error { code: ErrorCode::RateLimited, message, .. } => {
                assert_eq!(message, format!("Too many open chat windows ({most}) — close one and try again."))
            }
            other => panic!("an extra socket was accepted: {other:?}"),
        }
    };
    too_many(&path);
    // Closing one makes room.
    open.pop().unwrap().close();
    let mut accepted = false;
    for _ in 0..50 {
        let mut s = Socket::open(&base_url(), &path).unwrap();
        if !matches!(s.recv().unwrap().msg, shared::ServerMsg::Error { .. }) {
            accepted = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(accepted, "a closed socket's place is free again");

    let member = visitor(9);
    let channel = channel_socket_path("demo", "live", &member, "Many Tabs", u64::MAX >> 12);
    let mut tabs = Vec::new();
    for _ in 0..most {
        let mut s = Socket::open(&base_url(), &channel).unwrap();
        assert!(!matches!(s.recv().unwrap().msg, shared::ServerMsg::Error { .. }));
        tabs.push(s);
    }
    too_many(&channel);
}
