//! Every script played through by a model operator: each line comes on its
//! cue, every event is one the workflow accepts from its sender, and the
//! run passes the grade; a careless run fails it with feedback, a run out
//! of order scores lower. Who may play which script.

use super::*;
use crate::grading::{grade, Rule};
use crate::workflow::{apply, Outcome, Product, Severity, State};

/// The default site's canned warning (the moderation "sanction" step's).
const WARNING: &str = "Please keep the chat respectful; further violations lead to a mute.";
/// The abuse script's incident, as a model moderator logs it.
const INCIDENT: &str = "Respect rule: customer called staff \"idiots\" and \"useless clowns\"; medium, first \
                        time; warned.";

/// A model operator's actions for a script: a text, or an event.
fn model(id: &str) -> Vec<Result<&'static str, Event>> {
    let collect = |field: &str, value: &str| Err(Event::Collect { field: field.into(), value: value.into() });
    let team = Product::new("team", "Team plan (monthly)", 4900);
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
            Err(Event::order(vec![crate::workflow::OrderLine { product: "team".into(), qty: 12 }])),
            Err(Event::AskRating {}),
            Err(Event::Close { outcome: Outcome::Won }),
        ],
        "abuse" => vec![
            Err(Event::CompleteStep { step: "monitor".into() }),
            Ok("I'm sorry you're still waiting for your refund. Please don't call our staff names, though."),
            Ok(WARNING),
            Err(Event::Flag { note: "Respect rule: insulted staff (\"idiots\", \"useless clowns\")".into() }),
            Err(Event::Assess { severity: Severity::Medium }),
            Err(Event::Sanction { kind: Sanction::Warn, minutes: None }),
            Ok("Thank you. I've asked billing about your refund; they will write to you today."),
            Err(Event::CompleteStep { step: "notify".into() }),
            Err(Event::LogIncident { summary: INCIDENT.into() }),
            Err(Event::Close { outcome: Outcome::Resolved }),
        ],
        other => panic!("no model run for {other}"),
    }
}

/// Plays `actions` against `script`, 20 s apart; the timeline, after every
/// line came on its cue and the run closed.
fn play(script: &Script, actions: Vec<Result<&'static str, Event>>) -> Vec<ChatMessage> {
    let (timeline, said, state) = run(script, actions);
    assert_eq!(said, script.lines.len(), "{}: every line came on its cue", script.id);
    assert!(state.closed(), "{}", script.id);
    timeline
}

/// Plays `actions` against `script`, 20 s apart: the timeline, the lines
/// said and the workflow state.
fn run(script: &Script, actions: Vec<Result<&'static str, Event>>) -> (Vec<ChatMessage>, usize, State) {
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
            removed: false,
            by: None,
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
    (timeline, said, state)
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
        removed: false,
        by: None,
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
            removed: false,
            by: None,
        });
    }
    let g = grade(s.workflow, &timeline, &[], 60_000);
    assert!(g.score < PASS_SCORE, "{g:?}");
    let failed: Vec<Rule> = g.checks.iter().filter(|c| !c.passed).map(|c| c.rule).collect();
    assert!(failed.contains(&Rule::InOrder) && failed.contains(&Rule::ReplyTime), "{failed:?}");
    let result = PracticeResult { script: s.id.into(), workflow: s.workflow, trainee: "Ann".into(), at: 1, grade: g };
    assert!(!result.passed() && !ready(&[result]));
}

/// The failed checks of a grade.
fn failed(g: &Grade) -> Vec<(Option<&str>, Rule)> {
    g.checks.iter().filter(|c| !c.passed).map(|c| (c.step.as_deref(), c.rule)).collect()
}

#[test]
fn the_moderation_script_played_well_passes_on_the_site_defaults() {
    let s = script("abuse").unwrap();
    assert_eq!(s.workflow, WorkflowKind::Moderation);
    let timeline = play(&s, model("abuse"));
    // Graded as the Worker grades it: the default site's canned guidance
    // (a warning for the sanction step) and reply time.
    let config = crate::site::SiteConfig::default();
    let g = grade(s.workflow, &timeline, &config.canned, config.routing.no_reply_ms());
    assert_eq!(g.score, 100, "{g:?}");
    assert!(g.checks.iter().any(|c| c.step.as_deref() == Some("sanction") && c.rule == Rule::Guidance && c.passed));
    // The customer's lines came after the operator's reply and the warning.
    let said: Vec<&str> = timeline.iter().filter(|m| m.author == Role::Customer).map(|m| m.text.as_str()).collect();
    assert_eq!(said, [s.opening, s.lines[0].text, s.lines[1].text]);
    // A moderation run counts for no onboarding rule.
    let result = PracticeResult { script: s.id.into(), workflow: s.workflow, trainee: "Mo".into(), at: 1, grade: g };
    assert!(result.passed() && !ready(&[result]));
}

#[test]
fn the_customer_answers_a_warning_only() {
    let s = script("abuse").unwrap();
    let operator = |event: Event| ChatMessage {
        seq: 1,
        client_id: "o".into(),
        author: Role::Operator,
        text: event.describe(),
        at: 0,
        event: Some(event),
        name: None,
        from: None,
        removed: false,
        by: None,
    };
    let warn = operator(Event::Sanction { kind: Sanction::Warn, minutes: None });
    assert_eq!(next(&s, 1, &warn), Some(&s.lines[1]));
    // A flag or an assessment is internal; a mute silences the customer.
    for other in [
        Event::Flag { note: "insults".into() },
        Event::Assess { severity: Severity::Medium },
        Event::Sanction { kind: Sanction::Mute, minutes: Some(30) },
    ] {
        assert_eq!(next(&s, 1, &operator(other.clone())), None, "{other:?}");
    }
    assert!(!Cue::Warn.matches(&ChatMessage { author: Role::Customer, ..warn }));
}

#[test]
fn who_may_practise_what() {
    use crate::staff::StaffRole;
    for s in scripts() {
        let moderation = s.workflow == WorkflowKind::Moderation;
        assert_eq!(StaffRole::Moderator.may(s.needs()), moderation, "{}", s.id);
        assert_eq!(StaffRole::Operator.may(s.needs()), !moderation, "{}", s.id);
        assert!(StaffRole::Admin.may(s.needs()), "{}", s.id);
    }
    assert!(scripts().iter().any(|s| s.workflow == WorkflowKind::Moderation), "a moderation script");
}

#[test]
fn a_moderation_run_out_of_order_scores_lower() {
    let s = script("abuse").unwrap();
    let well = grade(s.workflow, &play(&s, model("abuse")), &[], 60_000);
    // The incident logged before the warning: the log step is done before
    // the sanction step.
    let mut actions = model("abuse");
    let log = actions.iter().position(|a| matches!(a, Err(Event::LogIncident { .. }))).unwrap();
    let incident = actions.remove(log);
    let warn = actions.iter().position(|a| matches!(a, Err(Event::Sanction { .. }))).unwrap();
    actions.insert(warn, incident);
    let g = grade(s.workflow, &play(&s, actions), &[], 60_000);
    assert!(g.score < well.score, "{g:?}");
    assert_eq!(failed(&g), [(Some("log"), Rule::InOrder)]);
    let log = g.checks.iter().find(|c| c.step.as_deref() == Some("log")).unwrap();
    assert_eq!(log.note, "done before \"Warn, or apply sanctions\"");
}

#[test]
fn a_careless_moderation_run_fails_with_feedback() {
    let s = script("abuse").unwrap();
    // A warning before anything is flagged is refused (the console's
    // button says why); so is an assessment.
    let fresh = State::new(s.workflow);
    assert!(apply(&fresh, &Event::Sanction { kind: Sanction::Warn, minutes: None }).is_err());
    assert!(apply(&fresh, &Event::Assess { severity: Severity::Medium }).is_err());
    // Then: no word to the customer, no step marked done, the incident
    // logged before the warning, closed.
    let careless = vec![
        Err(Event::Flag { note: "rude".into() }),
        Err(Event::Assess { severity: Severity::Low }),
        Err(Event::LogIncident { summary: "rude customer".into() }),
        Err(Event::Sanction { kind: Sanction::Warn, minutes: None }),
        Err(Event::Close { outcome: Outcome::Resolved }),
    ];
    let (timeline, said, state) = run(&s, careless);
    assert!(state.closed() && said == 0, "no reply: the customer said nothing more");
    let g = grade(s.workflow, &timeline, &[], 60_000);
    assert!(g.score < PASS_SCORE, "{g:?}");
    let failed = failed(&g);
    for want in [
        (Some("monitor"), Rule::InOrder),
        (Some("notify"), Rule::InOrder),
        (None, Rule::ReplyTime),
        (None, Rule::Closing),
    ] {
        assert!(failed.contains(&want), "{want:?} in {failed:?}");
    }
    let result = PracticeResult { script: s.id.into(), workflow: s.workflow, trainee: "Mo".into(), at: 1, grade: g };
    assert!(!result.passed());
}
