//! A customer's erasure (GDPR Art. 17) against the real Worker: their two
//! conversations (messages, form answers, profile, notes, tags, token),
//! their messages in the site's channel, the reports of their messages and
//! their name and words in a case and an incident. Afterwards nothing of
//! them is readable through any route or socket: the conversations are
//! unknown to the customer's and the operator's sockets, the profile,
//! transcript, badge and export routes; the inbox has no line; the
//! channel's replay and relays hold tombstones without text or name; the
//! desk's reports have none of theirs and the incident is a redacted copy.
//! The erasure is logged; only owners and admins may erase.

use std::time::Duration;

use e2e::accounts::sign_up_org;
use e2e::base_url;
use e2e::client::{status, Socket};
use e2e::identity::visitor_token;
use shared::api::{
    channel_socket_path, customer_socket_path, inbox_page_path, operator_socket_path, profile_path,
    report_message_path, site_config_path, tags_path, transcript_path, unread_path, ConversationCreated,
    CreateConversation, UnreadQuery, ViewerReport, CONVERSATIONS_PATH,
};
use shared::moderation_case::{Case, Incident, Report};
use shared::scope::Scope;
use shared::site::{ChannelDef, SiteConfig};
use shared::transcript::{CustomerExport, Erasure, ERASED};
use shared::workflow::Event;
use shared::{ConversationSummary, ServerMsg};

const NAME: &str = "Erin Erasable";
const WORDS: &str = "my flat is at 12 Secret Lane";
const CHANNEL_WORDS: &str = "Erin was here in the channel";

fn start(site: &str, visitor: &str) -> ConversationCreated {
    let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let body = CreateConversation {
        fields: vec![
            f("name", NAME),
            f("email", "erin@example.com"),
            f("issue_type", "Billing"),
            f("error_message", "none"),
            f("account_id", "AC-9"),
        ],
        visitor: Some(visitor.to_owned()),
        ..CreateConversation::new(site.parse().unwrap())
    };
    let url = format!("{}{CONVERSATIONS_PATH}", base_url());
    ureq::post(&url).set("Origin", &base_url()).send_json(&body).unwrap().into_json().unwrap()
}

#[test]
fn an_erased_customer_leaves_nothing_readable_behind() {
    let site = format!("erase{}", std::process::id());
    let people = sign_up_org(&base_url(), "Erase", &site).unwrap();
    let (owner, operator, moderator) = (&people[0], &people[3], &people[4]);
    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    config.channels =
        vec![ChannelDef { id: "town".into(), title: "Town square".into(), slow_seconds: 0, locked: false }];
    config.origins = vec!["http://localhost:*".into()];
    owner.send("PUT", &path).send_json(&config).unwrap();
    let visitor = visitor_token(&site, format!("erin-{}", std::process::id()));
    let other_visitor = visitor_token(&site, format!("other-{}", std::process::id()));

    // Two conversations, a message, a note and a tag.
    let a = start(&site, &visitor);
    let b = start(&site, &visitor);
    let kept = start(&site, &other_visitor);
    let mut cust = Socket::open(&base_url(), &customer_socket_path(a.conversation.as_str(), &a.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    cust.send_acked("c1", WORDS).unwrap();
    let ida = a.conversation.as_str();
    operator.send("POST", &shared::api::notes_path(&site, ida)).send_json(serde_json::json!({ "text": NAME })).unwrap();
    operator.send("PUT", &tags_path(&site, ida)).send_json(serde_json::json!({ "tags": ["erin"] })).unwrap();
    // In the channel: a message, reported by another viewer, a case and an incident about it.
    let channel =
        |v: &str, name: &str| Socket::open(&base_url(), &channel_socket_path(&site, "town", v, name, 0)).unwrap();
    let mut erin = channel(&visitor, NAME);
    erin.welcome_and_replay(0).unwrap();
    let (seq, _) = erin.send_acked("k1", CHANNEL_WORDS).unwrap();
    let mut watcher = channel(&other_visitor, "Watcher");
    watcher.welcome_and_replay(0).unwrap();
    let report = ViewerReport { visitor: other_visitor.clone(), reason: None };
    ureq::post(&format!("{}{}", base_url(), report_message_path(&site, "town", seq)))
        .set("Origin", &base_url())
        .send_json(report)
        .unwrap();
    let desk = |rest: &str| format!("/api/console/sites/{site}/{rest}");
    let reports = || -> Vec<Report> { moderator.get(&desk("reports")).call().unwrap().into_json().unwrap() };
    let report = (0..50)
        .find_map(|_| {
            let found = reports().into_iter().find(|r| r.text == CHANNEL_WORDS);
            found.is_none().then(|| std::thread::sleep(Duration::from_millis(100)));
            found
        })
        .expect("the viewer's report");
    let case: Case = moderator
        .send("POST", &desk("cases"))
        .send_json(serde_json::json!({ "report": report.id }))
        .unwrap()
        .into_json()
        .unwrap();
    let act = |event: Event| {
        moderator
            .send("POST", &desk(&format!("cases/{}/act", case.id)))
            .send_json(serde_json::json!({ "event": event }))
    };
    for event in [
        Event::Assess { severity: shared::workflow::Severity::High },
        Event::Sanction { kind: shared::workflow::Sanction::Warn, minutes: None },
        Event::Escalate { team: "admin-legal".into(), note: "a test of the erasure".into() },
        Event::CompleteStep { step: "notify".into() },
        Event::LogIncident { summary: "logged before the erasure".into() },
    ] {
        act(event).unwrap();
    }
    let incidents = || -> Vec<Incident> { moderator.get(&desk("incidents")).call().unwrap().into_json().unwrap() };
    assert!(incidents().iter().any(|i| i.name == NAME), "the incident names them before");

    // The launcher's badge reads the conversation with its token.
    let unread = |c: &ConversationCreated| {
        let q = UnreadQuery { conversation: c.conversation.clone(), token: c.token.clone(), after: 0, page: None };
        status(
            ureq::post(&format!("{}{}", base_url(), unread_path(&site)))
                .set("Origin", "http://localhost:4321")
                .send_string(&serde_json::to_string(&q).unwrap()),
        )
    };
    assert_eq!((unread(&a), unread(&b)), (200, 200));

    // Only owners and admins erase.
    let erase = format!("/api/console/sites/{site}/customers/erase?visitor={visitor}");
    assert_eq!(status(operator.send("POST", &erase).call()), 403);
    assert_eq!(status(moderator.send("POST", &erase).call()), 403);
    let erasure: Erasure = owner.send("POST", &erase).call().unwrap().into_json().unwrap();
    assert_eq!((erasure.conversations, erasure.channel_messages), (2, 1), "{erasure:?}");
    assert!(erasure.reports >= 1 && erasure.redacted >= 2, "a case and an incident redacted: {erasure:?}");
    assert_eq!(erasure.by, owner.me.name);
    let log: Vec<Erasure> = owner.get(&desk("customers/erasures")).call().unwrap().into_json().unwrap();
    assert_eq!(log.first(), Some(&erasure), "logged");
    assert_eq!(erasure.member.len(), 8);

    // Nothing of them is readable: routes…
    for id in [&a.conversation, &b.conversation] {
        let id = id.as_str();
        for path in [profile_path(&site, id), transcript_path(&site, id, "json")] {
            assert_eq!(status(owner.get(&path).call()), 404, "{path}");
        }
    }
    assert_eq!((unread(&a), unread(&b)), (404, 404), "no badge for an erased conversation");
    let export: CustomerExport = owner
        .get(&format!("/api/console/sites/{site}/customers/export?visitor={visitor}"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert!(export.conversations.is_empty(), "nothing to export");
    let page: Vec<ConversationSummary> =
        owner.get(&inbox_page_path(&site, &Scope::All, u64::MAX / 2, "")).call().unwrap().into_json().unwrap();
    assert!(page.iter().all(|l| l.id != a.conversation && l.id != b.conversation), "no inbox line");
    assert!(page.iter().any(|l| l.id == kept.conversation), "another customer's conversation stays");
    assert!(reports().iter().all(|r| r.text != CHANNEL_WORDS && r.name != NAME), "no report of theirs");
    let after = incidents();
    let incident = after.iter().find(|i| i.case == case.id).expect("the incident stays, redacted");
    assert_eq!((incident.name.as_str(), incident.member.as_str()), (ERASED, ""));
    assert!(incident.evidence.iter().all(|r| r.text == ERASED && r.name == ERASED));
    assert_eq!(incident.summary, "logged before the erasure");
    // …and sockets: the customer's token and the operator's socket find no conversation.
    let mut again = Socket::open(&base_url(), &customer_socket_path(ida, &a.token, 0)).unwrap();
    assert!(matches!(again.recv().unwrap().msg, ServerMsg::Error { .. }), "the customer's socket is refused");
    let mut op = operator.socket(&operator_socket_path(&site, ida, 0)).unwrap();
    assert!(matches!(op.recv().unwrap().msg, ServerMsg::Error { .. }), "the operator's socket is refused");
    // The channel: a live viewer is told, a new viewer's replay has a tombstone without text or name.
    watcher.recv_until(|f| matches!(f.msg, ServerMsg::Removed { seq: s } if s == seq)).expect("told live");
    let mut newcomer = channel(&visitor_token(&site, "newcomer"), "New");
    let (_, replay) = newcomer.welcome_and_replay(0).unwrap();
    let tomb = replay.iter().find(|m| m.seq == seq).expect("the sequence number stays");
    assert!(tomb.removed && tomb.text.is_empty() && tomb.name.as_deref().unwrap_or_default().is_empty(), "{tomb:?}");
    assert!(replay.iter().all(|m| !m.text.contains("Erin") && m.name.as_deref() != Some(NAME)));
}
