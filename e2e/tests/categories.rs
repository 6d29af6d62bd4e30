//! The screening engine's categories against the real Worker, on a site of
//! its own: the rule form's test box says what the site's rules would do
//! and why (nothing sent; moderators only), a category's action set by a
//! moderator is what a member's message meets, and rules that cannot work
//! are refused whole.

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::Socket;
use shared::api::{channel_socket_path, rules_path, rules_test_path, site_config_path};
use shared::rules::{Action, Category, Rule, RuleKind, RuleTest, RuleTestResult};
use shared::site::{ChannelDef, SiteConfig};
use shared::workflow::Severity;
use shared::{ErrorCode, ServerMsg};

/// A site with a channel `town` and the default rules; its people in `StaffRole::ALL` order.
fn site(tag: &str) -> (String, Vec<Staff>) {
    let site = format!("{tag}{}", std::process::id());
    let people = sign_up_org(&base_url(), tag, &site).unwrap();
    let path = site_config_path(&site);
    let mut config: SiteConfig = people[0].get(&path).call().unwrap().into_json().unwrap();
    config.channels =
        vec![ChannelDef { id: "town".into(), title: "Town square".into(), slow_seconds: 0, locked: false }];
    people[0].send("PUT", &path).send_json(&config).unwrap();
    (site, people)
}

fn test(site: &str, who: &Staff, text: &str) -> Result<RuleTestResult, u16> {
    match who.send("POST", &rules_test_path(site)).send_json(RuleTest { text: text.into() }) {
        Ok(r) => Ok(r.into_json().unwrap()),
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn the_test_box_says_what_would_happen_and_why() {
    let (site, people) = site("rulebox");
    let (operator, moderator) = (&people[3], &people[4]);
    let threat = test(&site, moderator, "k i l l yourself").unwrap();
    assert_eq!(threat.action, Some(Action::Mute { minutes: 10 }), "{threat:?}");
    assert_eq!(threat.hits[0].rule, Category::Harassment.rule_id());
    assert!(threat.hits[0].why.contains("Harassment"), "{:?}", threat.hits[0]);
    let clean = test(&site, moderator, "Where is my parcel? It was due on Monday.").unwrap();
    assert_eq!((clean.action, clean.hits.len()), (None, 0));
    let card = test(&site, moderator, "my card is 4242 4242 4242 4242").unwrap();
    assert!(!card.text.contains("4242 4242") && card.text.contains("4242"), "redacted first: {}", card.text);
    assert_eq!(test(&site, operator, "hello"), Err(403), "moderators test rules");
    assert_eq!(test(&site, moderator, &"x".repeat(shared::MAX_MESSAGE_CHARS + 1)), Err(400));
}

#[test]
fn a_categorys_action_set_by_a_moderator_is_what_a_message_meets() {
    let (site, people) = site("rulecat");
    let (owner, operator, moderator) = (&people[0], &people[3], &people[4]);
    let config: SiteConfig = owner.get(&site_config_path(&site)).call().unwrap().into_json().unwrap();
    let mut rules = config.rules.clone();
    let profanity = rules.iter_mut().find(|r| r.kind == RuleKind::Category { category: Category::Profanity }).unwrap();
    (profanity.severity, profanity.action) = (Severity::High, Action::Block);
    assert!(matches!(operator.send("POST", &rules_path(&site)).send_json(&rules), Err(ureq::Error::Status(403, _))));
    moderator.send("POST", &rules_path(&site)).send_json(&rules).unwrap();

    let visitor = e2e::identity::visitor_token(&site, 0xca7_u64 + std::process::id() as u64);
    let mut ann = Socket::open(&base_url(), &channel_socket_path(&site, "town", &visitor, "Ann", 0)).unwrap();
    ann.recv_until(|f| matches!(f.msg, ServerMsg::Welcome { .. })).unwrap();
    ann.send_text("p1", "this is f.u.c.k.i.n.g useless").unwrap();
    match ann.reply_to("p1").unwrap().0 {
        ServerMsg::Error { code: ErrorCode::Blocked, message, .. } => {
            assert!(message.contains("profanity"), "{message}")
        }
        other => panic!("expected blocked by the profanity category, got {other:?}"),
    }
    ann.send_text("p2", "thanks, that helped").unwrap();
    assert!(matches!(ann.reply_to("p2").unwrap().0, ServerMsg::Ack { .. }));

    // Rules that cannot work are refused whole; the saved ones stay.
    let broken = vec![Rule {
        id: "flood".into(),
        kind: RuleKind::Flood { max: 0, seconds: 10 },
        severity: Severity::Low,
        action: Action::Block,
    }];
    assert!(matches!(moderator.send("POST", &rules_path(&site)).send_json(&broken), Err(ureq::Error::Status(400, _))));
    let kept: SiteConfig = owner.get(&site_config_path(&site)).call().unwrap().into_json().unwrap();
    assert_eq!(kept.rules, rules);
}
