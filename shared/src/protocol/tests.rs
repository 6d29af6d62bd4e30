//! What counts as news for a customer's unread badge.

use super::*;
use crate::workflow::{Event, Outcome};

fn message(author: Role, text: &str, event: Option<Event>) -> ChatMessage {
    ChatMessage {
        seq: 1,
        client_id: "m".into(),
        author,
        text: text.into(),
        at: 0,
        event,
        name: None,
        from: None,
        removed: false,
        by: None,
    }
}

#[test]
fn news_for_a_customer_is_what_they_would_read_from_the_site() {
    let op = |text: &str, event| message(Role::Operator, text, event);
    let cases = [
        (op("Did you pick a plan?", None), true, "the site's words"),
        (op("Checklist", Some(Event::Checklist { items: vec!["Restart".into()] })), true, "a card"),
        (op("Closed", Some(Event::Close { outcome: Outcome::Lost })), true, "a notice"),
        (op("Assigned to Ada", Some(Event::Assign { to: "Ada".into() })), false, "staff only"),
        (op("Follow-up due", Some(Event::FollowUpDue {})), false, "staff only"),
        (message(Role::Customer, "Hello", None), false, "their own"),
    ];
    for (m, news, what) in cases {
        assert_eq!(m.news_for_customer(), news, "{what}");
    }
}
