//! Moderating what got through, against the real Worker (the channel, its
//! relays, the moderation desk). Viewers report a published message with a
//! reason: one queue line per message, each further viewer raising it a
//! step, a viewer counted once. A moderator removes a published message for
//! everyone: every viewer's socket is told at once; a new viewer's replay
//! and any page of history carry a tombstone in its place (its sequence
//! number stays, its text is gone); the original is kept as evidence in a
//! report. Only moderators remove; an unknown message, channel or number is
//! refused with its status, and a message is removed once. Moderators'
//! approvals, rejections and removals are kept as labels, counted per day and
//! per rule as the engine's false positives and negatives.

use std::time::Duration;

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::Socket;
use shared::api::{channel_socket_path, remove_message_path, site_config_path};
use shared::api::{report_message_path, DeskRoute, Thanks, ViewerReport};
use shared::feedback::{FeedbackDay, FeedbackReport, Label, Verdict};
use shared::moderation_case::{Report, ReportStatus, REMOVED};
use shared::rules::Action;
use shared::rules::Category;
use shared::site::{ChannelDef, SiteConfig};
use shared::workflow::Severity;
use shared::ServerMsg;

/// A site with a channel `town`; its people in `StaffRole::ALL` order.
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

fn visitor(site: &str, n: u64) -> String {
    e2e::identity::visitor_token(site, n * 1_000_003 + u64::from(std::process::id()))
}

fn viewer(site: &str, n: u64, name: &str, after: u64) -> Socket {
    Socket::open(&base_url(), &channel_socket_path(site, "town", &visitor(site, n), name, after)).unwrap()
}

/// The site's report about the message sent as `client_id`, once the desk has it (and `ready` holds).
fn report_of(site: &str, moderator: &Staff, client_id: &str, ready: impl Fn(&Report) -> bool) -> Report {
    let reports = format!("/api/console/sites/{site}/reports");
    (0..50)
        .find_map(|_| {
            let all: Vec<Report> = moderator.get(&reports).call().unwrap().into_json().unwrap();
            let found = all.into_iter().find(|r| r.message == client_id && ready(r));
            if found.is_none() {
                std::thread::sleep(Duration::from_millis(100));
            }
            found
        })
        .expect("the report")
}

/// A POST from the channel app's origin.
fn post(path: &str) -> ureq::Request {
    ureq::post(&format!("{}{path}", base_url())).set("Origin", &base_url())
}

/// Reports message `seq` as viewer `n`: the thanks, or the status.
fn report(site: &str, n: u64, seq: u64, reason: Option<Category>) -> Result<Thanks, u16> {
    let body = ViewerReport { visitor: visitor(site, n), reason };
    match post(&report_message_path(site, "town", seq)).send_json(body) {
        Ok(r) => Ok(r.into_json().unwrap()),
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn viewers_report_a_message_and_each_new_one_raises_it() {
    let (site, people) = site("reports");
    let moderator = &people[4];
    let mut ann = viewer(&site, 11, "Ann", 0);
    ann.welcome_and_replay(0).unwrap();
    let (seq, _) = ann.send_acked("q1", "I disagree with everyone here").unwrap();
    let thanks = report(&site, 12, seq, Some(Category::Spam)).unwrap();
    assert!(thanks.text.contains("moderators"), "{thanks:?}");
    let first = report_of(&site, moderator, "q1", |_| true);
    assert_eq!((first.severity, first.reporters().count(), first.status), (Severity::Medium, 1, ReportStatus::Open));
    assert!(first.hits.iter().any(|h| h.rule == "report" && h.why.contains("Spam")), "{:?}", first.hits);

    // Bob (viewer 12) again counts once; Carl (13) raises it a step.
    report(&site, 12, seq, Some(Category::Spam)).unwrap();
    report(&site, 13, seq, None).unwrap();
    let raised = report_of(&site, moderator, "q1", |r| r.reporters().count() == 2);
    assert_eq!((raised.id, raised.severity), (first.id, Severity::High), "one line, raised a step");
    assert!(raised.hits.iter().any(|h| h.why.contains("something else")), "{:?}", raised.hits);
    // A message the rules flagged (a phone number is personal data): the
    // viewer's report joins that line, with their reason's severity.
    let (flagged, _) = ann.send_acked("q2", "meet me behind the stadium, call 0151 23456789").unwrap();
    let flag = report_of(&site, moderator, "q2", |_| true);
    report(&site, 12, flagged, Some(Category::Harassment)).unwrap();
    let joined = report_of(&site, moderator, "q2", |r| r.reporters().count() == 1);
    assert_eq!((joined.id, joined.severity), (flag.id, Severity::High), "{joined:?}");
    // Bad input: an unknown message or channel, a malformed number or visitor.
    assert_eq!(report(&site, 13, 999, None).unwrap_err(), 404);
    let nowhere = report_message_path(&site, "nowhere", seq);
    assert!(matches!(
        post(&nowhere).send_json(ViewerReport { visitor: visitor(&site, 13), reason: None }),
        Err(ureq::Error::Status(404, _))
    ));
    let bad = format!("/api/sites/{site}/channels/town/messages/first/report");
    assert!(matches!(
        post(&bad).send_json(ViewerReport { visitor: visitor(&site, 13), reason: None }),
        Err(ureq::Error::Status(400, _))
    ));
    let anon = ViewerReport { visitor: "me".into(), reason: None };
    assert!(matches!(post(&report_message_path(&site, "town", seq)).send_json(anon), Err(ureq::Error::Status(400, _))));
    // Another site's page (or no page at all) does not report.
    let forged = ureq::post(&format!("{}{}", base_url(), report_message_path(&site, "town", seq)))
        .set("Origin", "https://evil.example")
        .send_json(ViewerReport { visitor: visitor(&site, 14), reason: None });
    assert!(matches!(forged, Err(ureq::Error::Status(403, _))), "{forged:?}");
}

#[test]
fn one_caller_cannot_multiply_reports_with_made_up_visitor_tokens() {
    let (site, _) = site("flood");
    // Thirty reports an hour from one address (unknown messages count too),
    // whatever visitor token each carries; then the wait.
    let from = |n: u64| {
        let body = ViewerReport { visitor: visitor(&site, 100 + n), reason: None };
        post(&report_message_path(&site, "town", 999)).set("CF-Connecting-IP", "198.51.100.200").send_json(body)
    };
    for n in 0..30 {
        assert!(matches!(from(n), Err(ureq::Error::Status(404, _))), "report {n}");
    }
    match from(30) {
        Err(ureq::Error::Status(429, r)) => {
            let e = e2e::too_fast(r);
            assert!(e.message.contains("reporting messages too fast"), "{}", e.message);
        }
        other => panic!("expected 429, got {other:?}"),
    }
    // Another address is not slowed.
    let other = ViewerReport { visitor: visitor(&site, 200), reason: None };
    let answer =
        post(&report_message_path(&site, "town", 999)).set("CF-Connecting-IP", "198.51.100.201").send_json(other);
    assert!(matches!(answer, Err(ureq::Error::Status(404, _))));
}

fn remove(who: &Staff, path: &str) -> Result<(), u16> {
    match who.send("POST", path).call() {
        Ok(_) => Ok(()),
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_removed_message_is_a_tombstone_for_every_viewer_and_evidence_for_moderators() {
    let (site, people) = site("removal");
    let (operator, moderator) = (&people[3], &people[4]);
    let mut ann = viewer(&site, 1, "Ann", 0);
    ann.welcome_and_replay(0).unwrap();
    let mut bob = viewer(&site, 2, "Bob", 0);
    bob.welcome_and_replay(0).unwrap();
    let original = "meet me behind the stadium, bring cash";
    let (seq, _) = ann.send_acked("r1", original).unwrap();
    ann.send_acked("r2", "anyone else here?").unwrap();
    bob.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == "r2")).unwrap();

    let path = remove_message_path(&site, "town", seq);
    assert_eq!(remove(operator, &path), Err(403), "moderators remove");
    remove(moderator, &path).unwrap();
    for socket in [&mut ann, &mut bob] {
        let (told, _) = socket.recv_until(|f| matches!(f.msg, ServerMsg::Removed { .. })).unwrap();
        assert_eq!(told.msg, ServerMsg::Removed { seq }, "every viewer is told at once");
    }
    assert_eq!(remove(moderator, &path), Err(404), "removed once");
    assert_eq!(remove(moderator, &remove_message_path(&site, "town", 999)), Err(404));
    assert_eq!(remove(moderator, &remove_message_path(&site, "nowhere", seq)), Err(404));
    let bad = format!("/api/console/sites/{site}/channels/town/messages/first/remove");
    assert_eq!(remove(moderator, &bad), Err(400));

    // A new viewer's replay (the relay's page) and a page of history (the
    // channel's storage) both carry the tombstone, never the text.
    let mut carl = viewer(&site, 3, "Carl", 0);
    let (last, replay) = carl.welcome_and_replay(0).unwrap();
    assert_eq!(last, seq + 1);
    let tomb = replay.iter().find(|m| m.seq == seq).expect("the sequence number stays");
    assert!(tomb.removed && tomb.text.is_empty(), "{tomb:?}");
    let (page, _) = bob.page_before(seq + 2).unwrap();
    let tomb = page.iter().find(|m| m.seq == seq).expect("in the page");
    assert!(tomb.removed && tomb.text.is_empty(), "{tomb:?}");
    assert!(!page.iter().chain(&replay).any(|m| m.text.contains("stadium")), "the text is gone everywhere");

    // The original, as evidence.
    let evidence = report_of(&site, moderator, "r1", |_| true);
    assert_eq!((evidence.text.as_str(), evidence.status), (original, ReportStatus::Done));
    assert_eq!(evidence.hits[0].rule, "removed");
}

/// The site's feedback report of the last `days` days.
fn feedback(site: &str, who: &Staff, days: &str) -> Result<FeedbackReport, u16> {
    of_days(DeskRoute::Feedback, site, who, days)
}

/// A desk route's answer about the last `days` days.
fn of_days<T: serde::de::DeserializeOwned>(route: DeskRoute, site: &str, who: &Staff, days: &str) -> Result<T, u16> {
    match who.get(&format!("{}?days={days}", route.path(site))).call() {
        Ok(r) => Ok(r.into_json().unwrap()),
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn moderators_decisions_are_labels_and_the_feedback_report_counts_them() {
    let (site, people) = site("feedback");
    let moderator = &people[4];
    let before = feedback(&site, moderator, "7").unwrap();
    assert_eq!(before.days.len(), 7);
    assert_eq!(before.total.false_positives + before.total.true_positives + before.total.false_negatives, 0);

    let mut ann = viewer(&site, 21, "Ann", 0);
    ann.welcome_and_replay(0).unwrap();
    for id in ["held1", "held2"] {
        ann.send_text(id, "this is shit").unwrap();
        assert!(matches!(ann.reply_to(id).unwrap().0, ServerMsg::Held { .. }));
    }
    // (Flagged by the rules: a phone number is personal data. It was
    // published all the same.)
    let (seq, _) = ann.send_acked("passed", "meet me behind the stadium, call 0151 23456789").unwrap();
    report_of(&site, moderator, "passed", |r| r.action == Action::Flag);
    // Approved: a false positive; rejected: a true one; removed: a false negative.
    for (id, approve) in [("held1", true), ("held2", false)] {
        let report = report_of(&site, moderator, id, |_| true);
        let review = DeskRoute::Review(report.id).path(&site);
        moderator.send("POST", &review).send_json(serde_json::json!({ "approve": approve })).unwrap();
    }
    remove(moderator, &remove_message_path(&site, "town", seq)).unwrap();
    let evidence = report_of(&site, moderator, "passed", |r| r.hits.iter().any(|h| h.rule == REMOVED));
    assert!(evidence.text.contains("stadium"), "the flagged message's evidence is kept: {evidence:?}");

    let after = feedback(&site, moderator, "7").unwrap();
    let today = after.days.last().unwrap();
    let counts = |d: &FeedbackDay| (d.false_positives, d.true_positives, d.false_negatives);
    assert_eq!(counts(today), (1, 1, 1), "{after:?}");
    assert_eq!(counts(&after.total), (1, 1, 1));
    let profanity = after.rules.iter().find(|r| r.rule == "profanity").expect("the rule that held them");
    assert_eq!((profanity.false_positives, profanity.true_positives), (1, 1));
    // The same decisions with their texts, newest first, to retrain on.
    let labels: Vec<Label> = of_days(DeskRoute::Labels, &site, moderator, "7").unwrap();
    let seen: Vec<(Verdict, bool)> = labels.iter().map(|l| (l.verdict, l.text.contains("stadium"))).collect();
    assert_eq!(
        seen,
        [(Verdict::FalseNegative, true), (Verdict::TruePositive, false), (Verdict::FalsePositive, false)],
        "{labels:?}"
    );
    assert!(labels[1..].iter().all(|l| l.text == "this is shit" && l.rules == ["profanity"]), "{labels:?}");
    assert_eq!(of_days::<Vec<Label>>(DeskRoute::Labels, &site, &people[3], "7").unwrap_err(), 403);
    // By pages of `limit` labels, each full one naming the next in its `Link`.
    let first = moderator.get(&format!("{}?days=7&limit=2", DeskRoute::Labels.path(&site))).call().unwrap();
    let link = first.header("Link").expect("a full page links the next").to_owned();
    assert_eq!(first.into_json::<Vec<Label>>().unwrap(), &labels[..2]);
    let next = shared::api::next_link(&link).unwrap_or_else(|| panic!("{link}"));
    let last = moderator.get(next).call().unwrap();
    assert_eq!(last.header("Link"), None, "the last page links none");
    assert_eq!(last.into_json::<Vec<Label>>().unwrap(), &labels[2..]);
    assert_eq!(of_days::<Vec<Label>>(DeskRoute::Labels, &site, moderator, "7&limit=all").unwrap_err(), 400);
    // Bad input; and reading the desk is for those who may.
    assert_eq!(feedback(&site, moderator, "week").unwrap_err(), 400);
    assert_eq!(feedback(&site, &people[3], "7").unwrap_err(), 403, "an operator does not read the desk");
}
