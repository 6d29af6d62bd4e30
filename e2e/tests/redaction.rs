//! Personal data against the real Worker: a card number, an IBAN and a
//! pasted password are redacted before the message is stored, so the
//! customer's own replay, the operator's socket, the history page and the
//! inbox line all carry the masked text; contacts go only when the site
//! turns that on, and a site can turn payment redaction off.

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::{create_conversation, Socket};
use shared::api::{customer_socket_path, inbox_socket_path, operator_socket_path, site_config_path};
use shared::redact::{EMAIL_REMOVED, PASSWORD_REMOVED};
use shared::scope::Scope;
use shared::site::SiteConfig;
use shared::ServerMsg;

fn site(tag: &str) -> (String, Vec<Staff>) {
    let site = format!("{tag}{}", std::process::id());
    let people = sign_up_org(&base_url(), tag, &site).unwrap();
    (site, people)
}

/// A customer writes `text` in a new conversation of `site`: the
/// conversation and the customer's token.
fn write(site: &str, text: &str) -> (shared::ConversationId, String) {
    let c = create_conversation(&base_url(), site).unwrap();
    let mut customer = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    customer.welcome_and_replay(0).unwrap();
    customer.send_acked("m1", text).unwrap();
    (c.conversation, c.token)
}

/// Every text of the conversation as `who` reads it on a fresh socket.
fn texts(site: &str, who: &Staff, c: &shared::ConversationId) -> Vec<String> {
    let mut op = who.socket(&operator_socket_path(site, c.as_str(), 0)).unwrap();
    op.welcome_and_replay(0).unwrap().1.into_iter().map(|m| m.text).collect()
}

#[test]
fn a_card_number_and_a_password_are_never_stored() {
    let (site, people) = site("redact");
    let operator = &people[3];
    let mut inbox = operator.socket(&inbox_socket_path(&site, &Scope::All)).unwrap();
    inbox.recv_until(|f| matches!(f.msg, ServerMsg::Inbox { .. })).unwrap();
    let raw = "card 4242 4242 4242 4242, IBAN DE89 3704 0044 0532 0130 00, password: hunter2";
    let (c, token) = write(&site, raw);
    let want = format!("card •••• •••• •••• 4242, IBAN DE•• •••• 3000, password: {PASSWORD_REMOVED}");

    // The operator's socket, the customer's own replay and the history page.
    assert!(texts(&site, operator, &c).contains(&want), "the operator reads it redacted");
    let mut customer = Socket::open(&base_url(), &customer_socket_path(c.as_str(), &token, 0)).unwrap();
    let mine: Vec<String> = customer.whole_history().unwrap().into_iter().map(|m| m.text).collect();
    assert!(mine.contains(&want), "the customer's own history: {mine:?}");
    let mut op = operator.socket(&operator_socket_path(&site, c.as_str(), 0)).unwrap();
    let whole = op.whole_history().unwrap();
    assert!(whole.iter().all(|m| !m.text.contains("4242 4242") && !m.text.contains("hunter2")));
    // The inbox line's preview is cut from the stored text.
    let (f, _) =
        inbox.recv_until(|f| matches!(&f.msg, ServerMsg::InboxUpdate(l) if l.iter().any(|s| s.id == c))).unwrap();
    let ServerMsg::InboxUpdate(lines) = f.msg else { unreachable!() };
    let line = lines.into_iter().find(|s| s.id == c).unwrap();
    assert!(line.preview.starts_with("card •••• •••• •••• 4242"), "{}", line.preview);
    assert!(!line.preview.contains("4242 4242"));
}

#[test]
fn contacts_go_only_when_the_site_says_and_payment_can_be_turned_off() {
    let (site, people) = site("contacts");
    let (owner, operator) = (&people[0], &people[3]);
    let raw = "mail ada@example.com, card 4242424242424242";
    let (c, _) = write(&site, raw);
    assert!(texts(&site, operator, &c).contains(&"mail ada@example.com, card •••• •••• •••• 4242".to_owned()));

    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    assert!(config.redaction.payment && config.redaction.passwords && !config.redaction.contacts, "the defaults");
    config.redaction.contacts = true;
    config.redaction.payment = false;
    owner.send("PUT", &path).send_json(&config).unwrap();
    // The rooms learn the new settings version at their next message.
    let (c, _) = write(&site, raw);
    let want = format!("mail {EMAIL_REMOVED}, card 4242424242424242");
    assert!(texts(&site, operator, &c).contains(&want), "{:?}", texts(&site, operator, &c));
}

#[test]
fn a_held_message_and_its_report_hold_only_the_redacted_text() {
    let (site, people) = site("redheld");
    let moderator = &people[4];
    let c = create_conversation(&base_url(), &site).unwrap();
    let mut customer = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    customer.welcome_and_replay(0).unwrap();
    // Held by the profanity rule, with a card in it.
    customer.send_text("h1", "this is shit, take 4242 4242 4242 4242 and refund me").unwrap();
    let (f, _) = customer.recv_until(|f| f.re.as_deref() == Some("h1")).unwrap();
    assert!(matches!(f.msg, ServerMsg::Held { .. }), "{f:?}");
    let path = format!("/api/console/sites/{site}/reports");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let report = loop {
        let reports: Vec<shared::moderation_case::Report> = moderator.get(&path).call().unwrap().into_json().unwrap();
        if let Some(r) = reports.into_iter().find(|r| r.message == "h1") {
            break r;
        }
        assert!(std::time::Instant::now() < deadline, "no report");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(report.text, "this is shit, take •••• •••• •••• 4242 and refund me");
}
