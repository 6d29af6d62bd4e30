//! A channel's slow mode and lock against the real Worker, on a site of
//! its own: a moderator sets them (others may not); slow mode refuses a
//! member's second message within the window with `rateLimited` and says
//! when to try again, and lets the next through after it; a locked channel
//! refuses customers with `forbidden` while staff still write; unlocking
//! lets customers in again. A word a rule matched by mistake, allowed by
//! a moderator from its report, is no longer caught; the rule still is.

use std::time::Duration;

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::Socket;
use shared::api::{
    allowed_words_path, channel_mode_path, channel_socket_path, operator_channel_path, site_config_path,
};
use shared::moderation_case::Report;
use shared::site::{AllowWord, ChannelDef, ChannelMode, SiteConfig};
use shared::workflow::Severity;
use shared::{Detail, ErrorCode, ServerMsg};

/// A site with a channel `town`; its people in `StaffRole::ALL` order.
fn site(tag: &str) -> (String, Vec<Staff>) {
    let site = format!("{tag}{}", std::process::id());
    let people = sign_up_org(&base_url(), tag, &site).unwrap();
    let path = site_config_path(&site);
    let mut config: SiteConfig = people[0].get(&path).call().unwrap().into_json().unwrap();
    config.channels =
        vec![ChannelDef { id: "town".into(), title: "Town square".into(), slow_seconds: 0, locked: false }];
    config.rules.clear();
    people[0].send("PUT", &path).send_json(&config).unwrap();
    (site, people)
}

fn set(site: &str, who: &Staff, mode: ChannelMode) -> Result<(), u16> {
    match who.send("POST", &channel_mode_path(site, "town")).send_json(mode) {
        Ok(_) => Ok(()),
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("{e}"),
    }
}

fn member(site: &str, visitor: &str, name: &str) -> Socket {
    let mut s = Socket::open(&base_url(), &channel_socket_path(site, "town", visitor, name, u64::MAX >> 12)).unwrap();
    s.recv_until(|f| matches!(f.msg, ServerMsg::Welcome { .. })).unwrap();
    s
}

/// Sends `text` as `id`; the answer (ack or error).
fn say(s: &mut Socket, id: &str, text: &str) -> ServerMsg {
    s.send_text(id, text).unwrap();
    s.reply_to(id).unwrap().0
}

#[test]
fn slow_mode_and_a_lock_are_the_servers_and_moderators_set_them() {
    let (site, people) = site("chmode");
    let (operator, moderator) = (&people[3], &people[4]);
    let slow = ChannelMode { slow_seconds: 2, locked: false };
    assert_eq!(set(&site, operator, slow), Err(403), "operators do not moderate");
    set(&site, moderator, slow).unwrap();

    let mut ann = member(&site, &e2e::identity::visitor_token(&site, 0xa11ce_u64 + std::process::id() as u64), "Ann");
    assert!(matches!(say(&mut ann, "a1", "hello town"), ServerMsg::Ack { .. }));
    match say(&mut ann, "a2", "hello again") {
        ServerMsg::Error { code: ErrorCode::RateLimited, message, detail } => {
            assert!(message.contains("Slow mode") && message.contains("Try again in"), "{message}");
            // The wait, for a client to say in its reader's language.
            assert!(matches!(detail, Some(Detail::Wait { seconds: 1 | 2 })), "{detail:?}");
        }
        other => panic!("slow mode: {other:?}"),
    }
    std::thread::sleep(Duration::from_millis(2_100));
    assert!(matches!(say(&mut ann, "a3", "after the wait"), ServerMsg::Ack { .. }), "the window passed");

    // Locked: customers are refused, staff still write.
    set(&site, moderator, ChannelMode { slow_seconds: 0, locked: true }).unwrap();
    match say(&mut ann, "a4", "let me in") {
        ServerMsg::Error { code: ErrorCode::Forbidden, message, detail } => {
            assert!(message.contains("locked"), "{message}");
            assert_eq!(detail, Some(Detail::Locked));
        }
        other => panic!("locked: {other:?}"),
    }
    let mut staff = moderator.socket(&operator_channel_path(&site, "town", 0)).unwrap();
    staff.recv_until(|f| matches!(f.msg, ServerMsg::Welcome { .. })).unwrap();
    assert!(matches!(say(&mut staff, "m1", "We are back in five minutes."), ServerMsg::Ack { .. }));
    set(&site, moderator, ChannelMode { slow_seconds: 0, locked: false }).unwrap();
    assert!(matches!(say(&mut ann, "a5", "thanks"), ServerMsg::Ack { .. }), "unlocked");

    // A mode for a channel the site does not have, or out of range.
    let none = moderator.send("POST", &channel_mode_path(&site, "nowhere")).send_json(slow);
    assert!(matches!(none, Err(ureq::Error::Status(404, _))));
    assert_eq!(set(&site, moderator, ChannelMode { slow_seconds: 99_999, locked: false }), Err(400));
}

#[test]
fn a_word_a_moderator_allows_from_the_queue_is_no_longer_caught() {
    let (site, people) = site("allow");
    let (owner, operator, moderator) = (&people[0], &people[3], &people[4]);
    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    let words = shared::rules::RuleKind::Words { list: vec!["*cunt*".into()] };
    let hold = shared::rules::Action::Hold;
    config.rules =
        vec![shared::rules::Rule { id: "profanity".into(), kind: words, severity: Severity::Medium, action: hold }];
    owner.send("PUT", &path).send_json(&config).unwrap();

    let mut ann = member(&site, &e2e::identity::visitor_token(&site, 0xbeef_u64 + std::process::id() as u64), "Ann");
    assert!(matches!(say(&mut ann, "s1", "Greetings from Scunthorpe"), ServerMsg::Held { .. }), "caught by mistake");
    let reports = format!("/api/console/sites/{site}/reports");
    let report = (0..50)
        .find_map(|_| {
            let all: Vec<Report> = moderator.get(&reports).call().unwrap().into_json().unwrap();
            let found = all.into_iter().find(|r| r.message == "s1");
            if found.is_none() {
                std::thread::sleep(Duration::from_millis(100));
            }
            found
        })
        .expect("the report");
    let word = report.hits[0].found.clone().expect("the word the rule matched");
    assert_eq!(word, "scunthorpe");

    let allow = |who: &Staff| who.send("POST", &allowed_words_path(&site)).send_json(AllowWord { word: word.clone() });
    assert!(matches!(allow(operator), Err(ureq::Error::Status(403, _))), "moderators allow words");
    allow(moderator).unwrap();
    allow(moderator).unwrap();
    let config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    assert_eq!(config.allowed_words, ["scunthorpe"], "kept once");
    assert!(matches!(say(&mut ann, "s2", "Greetings from SCUNTHORPE"), ServerMsg::Ack { .. }), "allowed now");
    assert!(matches!(say(&mut ann, "s3", "you cunt"), ServerMsg::Held { .. }), "the rule still holds the word itself");
}
