//! Table tests of grading against the workflows.

use super::*;
use crate::workflow::{Event, Outcome};

const MIN: u64 = 60_000;

use Role::{Customer as C, Operator as O};

/// `(author, minute, text, event)` rows → a timeline.
fn timeline(rows: Vec<(Role, u64, &str, Option<Event>)>) -> Vec<ChatMessage> {
    rows.into_iter()
        .enumerate()
        .map(|(i, (author, min, text, event))| ChatMessage {
            seq: i as u64 + 1,
            client_id: format!("c{i}"),
            author,
            text: text.into(),
            at: min * MIN,
            event,
            name: None,
            from: None,
            removed: false,
            by: None,
        })
        .collect()
}

fn collect(field: &str) -> Option<Event> {
    Some(Event::Collect { field: field.into(), value: "x".into() })
}

fn checklist() -> Option<Event> {
    Some(Event::Checklist { items: vec!["Restart the app".into()] })
}

const GREETING: &str = "Hello, thanks for reaching out! I am sorry the app gives you trouble.";

fn canned() -> Vec<Canned> {
    let c = |step: &str, text: &str| Canned {
        workflow: WorkflowKind::Support,
        step: step.into(),
        title: step.into(),
        text: text.into(),
    };
    vec![c("greet", GREETING), Canned { workflow: WorkflowKind::Sales, ..c("collect", "A sales line") }]
}

/// A support conversation done by the book, with `swap` sending the
/// checklist before the account id, `slow` answering the second message
/// after 5 minutes, `unguided` greeting in the operator's own words, and
/// `open` leaving it open.
fn support(swap: bool, slow: bool, unguided: bool, open: bool) -> Vec<ChatMessage> {
    let greeting = if unguided {
        "hi"
    } else {
        "Hello, thanks for reaching out! I am sorry the app gives you trouble. Let's fix it."
    };
    let mut rows = vec![
        (C, 0, "my app crashes", None),
        (O, 1, "", collect("issue_type")),
        (O, 1, greeting, None),
        (C, 2, "error 42, account 7", None),
        (O, if slow { 8 } else { 3 }, "thanks, noted", None),
        (O, 3, "", collect("error_message")),
    ];
    let account = (O, 4, "", collect("account_id"));
    let list = (O, 4, "", checklist());
    if swap {
        rows.extend([list, account]);
    } else {
        rows.extend([account, list]);
    }
    rows.extend([
        (C, 5, "", Some(Event::Tick { item: 0, done: true })),
        (O, 5, "", Some(Event::AskResolution {})),
        (C, 6, "", Some(Event::Resolve { solved: true })),
        (O, 6, "Glad it works again!", None),
    ]);
    if !open {
        rows.push((O, 7, "", Some(Event::Close { outcome: Outcome::Resolved })));
        rows.push((C, 30, "thanks!", None)); // after the close: waits for nobody
    }
    timeline(rows)
}

fn failed(g: &Grade) -> Vec<(Option<&str>, Rule)> {
    g.checks.iter().filter(|c| !c.passed).map(|c| (c.step.as_deref(), c.rule)).collect()
}

#[test]
fn a_conversation_by_the_book_scores_full_marks() {
    let g = grade(WorkflowKind::Support, &support(false, false, false, false), &canned(), 2 * MIN);
    assert_eq!(failed(&g), vec![], "{g:#?}");
    assert_eq!(g.score, 100);
    // Five steps in order, the greeting's guidance, the reply time, the close.
    assert_eq!(g.checks.len(), 8);
    assert_eq!(g.checks.iter().filter(|c| c.rule == Rule::Guidance).count(), 1, "only support's greet has canned text");
}

#[test]
fn each_slip_fails_its_own_check_with_feedback() {
    // (what, timeline, the checks that fail, score)
    type Case = (&'static str, Vec<ChatMessage>, Vec<(Option<&'static str>, Rule)>, u8);
    let cases: Vec<Case> = vec![
        (
            "troubleshooting before the account id",
            support(true, false, false, false),
            vec![(Some("troubleshoot"), Rule::InOrder)],
            87,
        ),
        ("a reply after 5 minutes", support(false, true, false, false), vec![(None, Rule::ReplyTime)], 87),
        (
            "the greeting in one's own words",
            support(false, false, true, false),
            vec![(Some("greet"), Rule::Guidance)],
            87,
        ),
        (
            "left open",
            support(false, false, false, true),
            vec![(Some("close"), Rule::InOrder), (None, Rule::Closing)],
            75,
        ),
    ];
    for (what, timeline, fails, score) in cases {
        let g = grade(WorkflowKind::Support, &timeline, &canned(), 2 * MIN);
        assert_eq!(failed(&g), fails, "{what}: {g:#?}");
        assert_eq!(g.score, score, "{what}");
        assert!(g.checks.iter().all(|c| !c.note.is_empty()), "{what}: every check says why");
    }
    let swapped = grade(WorkflowKind::Support, &support(true, false, false, false), &canned(), 2 * MIN);
    let note = &swapped.checks.iter().find(|c| !c.passed).unwrap().note;
    assert_eq!(note, "done before \"Collect necessary information\"");
}

#[test]
fn an_unanswered_customer_and_an_empty_timeline_fail() {
    let waiting = timeline(vec![(C, 0, "hello?", None)]);
    let g = grade(WorkflowKind::Sales, &waiting, &canned(), 2 * MIN);
    let reply = g.checks.iter().find(|c| c.rule == Rule::ReplyTime).unwrap();
    assert!(!reply.passed, "never answered is late");
    assert_eq!(reply.note, "1 of 1 customer messages answered after 2 min, or not at all");
    assert_eq!(g.score, 0, "nothing else passed either");
    let empty = grade(WorkflowKind::Moderation, &[], &[], MIN);
    assert_eq!(empty.checks.iter().filter(|c| c.passed).map(|c| c.rule).collect::<Vec<_>>(), [Rule::ReplyTime]);
}
