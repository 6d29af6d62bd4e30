//! Every script played through by a model operator: each line comes on its
//! cue, every event is one the workflow accepts from its sender, and the
//! run passes the grade; a careless run fails it with feedback.

use super::*;
use crate::grading::{grade, Rule};
use crate::workflow::{apply, Outcome, Product, State};

/// A model operator's actions for a script: a text, or an event.
fn model(id: &str) -> Vec<Result<&'static str, Event>> {
    let collect = |field: &str, value: &str| Err(Event::Collect { field: field.into(), value: value.into() });
    let team =
        Product { id: "team".into(), name: "Team plan (monthly)".into(), price_cents: 4900, image: String::new() };
    match id {
        "login" => vec![
            collect("issue_type", "Login"),
            Ok("Sorry about that! What does the error say, and what is your account id?"),
            collect("error_message", "Invalid session token (401)"),
            collect("account_id", "48213"),
            Err(Event::Checklist { items: vec!["Clear cookies".into(), "Sign in again".into()] }),
            Err(Event::AskResolution {}),
            Err(Event::AskRating {}),
            Err(Event::Close { outcome: Outcome::Resolved }),
        ],
        "double-charge" => vec![
            collect("issue_type", "Billing"),
            Ok("I'm sorry! Do you see an error, and what is your account id?"),
            collect("error_message", "none"),
            collect("account_id", "77120"),
            Err(Event::Checklist { items: vec!["Check whether one charge is still pending".into()] }),
            Err(Event::Escalate { team: "billing".into(), note: "double charge, account 77120".into() }),
            Ok("You're welcome! Billing will refund the second charge and write to you."),
            Err(Event::Close { outcome: Outcome::Escalated }),
        ],
        "team-plan" => vec![
            Ok("Happy to help! What matters most to your team?"),
            Err(Event::CompleteStep { step: "initiate".into() }),
            collect("needs", "shared inboxes, weekly reports, 12 seats"),
            Err(Event::Present(team)),
            Err(Event::CompleteStep { step: "negotiate".into() }),
            Err(Event::Order { lines: vec![crate::workflow::OrderLine { product: "team".into(), qty: 12 }] }),
            Err(Event::AskRating {}),
            Err(Event::Close { outcome: Outcome::Won }),
        ],
        other => panic!("no model run for {other}"),
    }
}

/// Plays `actions` against `script`, 20 s apart; the timeline.
fn play(script: &Script, actions: Vec<Result<&'static str, Event>>) -> Vec<ChatMessage> {
    let mut timeline = Vec::new();
    let mut state = State::new(script.workflow);
    let mut said = 0;
    let mut push = |author: Role, text: &str, event: Option<Event>, state: &mut State| {
        if let Some(e) = &event {
            assert!(e.allowed_for(author), "{}: {author:?} may not send {e:?}", script.id);
            *state = apply(state, e).unwrap_or_else(|err| panic!("{}: {e:?} refused: {err}", script.id)).0;
        }
        let n = timeline.len() as u64;
        let text = event.as_ref().map_or(text.to_owned(), Event::describe);
        timeline.push(ChatMessage {
            seq: n + 1,
            client_id: format!("m{n}"),
            author,
            text,
            at: n * 20_000,
            event,
            name: None,
            from: None,
        });
        timeline.last().cloned().unwrap()
    };
    push(Role::Customer, script.opening, None, &mut state);
    for action in actions {
        let m = match action {
            Ok(text) => push(Role::Operator, text, None, &mut state),
            Err(e) => push(Role::Operator, "", Some(e), &mut state),
        };
        if let Some(l) = next(script, said, &m) {
            if !l.text.is_empty() {
                push(Role::Customer, l.text, None, &mut state);
            }
            if let Some(e) = l.event.clone() {
                push(Role::Customer, "", Some(e), &mut state);
            }
            said += 1;
        }
    }
    assert_eq!(said, script.lines.len(), "{}: every line came on its cue", script.id);
    assert!(state.closed(), "{}", script.id);
    timeline
}

#[test]
fn every_script_played_well_passes_its_grade() {
    let workflows: Vec<WorkflowKind> = scripts().iter().map(|s| s.workflow).collect();
    for w in REQUIRED {
        assert!(workflows.contains(&w), "a script for {w:?}");
    }
    for s in scripts() {
        assert_eq!(script(s.id).as_ref(), Some(&s));
        let timeline = play(&s, model(s.id));
        let g = grade(s.workflow, &timeline, &[], 60_000);
        assert!(g.score >= PASS_SCORE, "{}: {g:?}", s.id);
    }
}

#[test]
fn a_careless_run_fails_with_feedback() {
    let s = script("login").unwrap();
    // Troubleshooting before asking anything, and slow: no fields collected.
    let careless = vec![
        Err(Event::Checklist { items: vec!["Restart".into()] }),
        Ok("Anything else?"),
        Err(Event::Escalate { team: "tech".into(), note: "no idea".into() }),
        Err(Event::Close { outcome: Outcome::Escalated }),
    ];
    let mut state = State::new(s.workflow);
    let mut timeline = vec![ChatMessage {
        seq: 1,
        client_id: "o".into(),
        author: Role::Customer,
        text: s.opening.into(),
        at: 0,
        event: None,
        name: None,
        from: None,
    }];
    for (i, a) in careless.into_iter().enumerate() {
        let (text, event) = match a {
            Ok(t) => (t.to_owned(), None),
            Err(e) => {
                state = apply(&state, &e).unwrap().0;
                (e.describe(), Some(e))
            }
        };
        let at = 300_000 * (i as u64 + 1);
        timeline.push(ChatMessage {
            seq: i as u64 + 2,
            client_id: format!("{i}"),
            author: Role::Operator,
            text,
            at,
            event,
            name: None,
            from: None,
        });
    }
    let g = grade(s.workflow, &timeline, &[], 60_000);
    assert!(g.score < PASS_SCORE, "{g:?}");
    let failed: Vec<Rule> = g.checks.iter().filter(|c| !c.passed).map(|c| c.rule).collect();
    assert!(failed.contains(&Rule::InOrder) && failed.contains(&Rule::ReplyTime), "{failed:?}");
    let result = PracticeResult { script: s.id.into(), workflow: s.workflow, trainee: "Ann".into(), at: 1, grade: g };
    assert!(!result.passed() && !ready(&[result]));
}
