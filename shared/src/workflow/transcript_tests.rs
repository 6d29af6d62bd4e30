//! Transcript tests of the workflow state machine: each workflow walked step by step as a table of `(event, expected)` rows, every refusal with its exact typed error, `State::replay` against folding `apply`, and who may send each event.

use super::machine::{MAX_FIELD_CHARS, MAX_ITEMS};
use super::*;
use crate::pricing::Discount;
use crate::protocol::Role;
use crate::protocol::WireName;
use WorkflowError as E;
use WorkflowKind::{Moderation, Sales, Support};

// ---------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------

/// What an accepted row leads to: the current step afterwards (its id, or
/// [`END`] once every step is done) and the effects, in order.
#[derive(Debug)]
struct Then {
    at: &'static str,
    effects: Vec<Effect>,
}

/// A row's expectation: accepted with [`Then`], or refused with this error.
type Want = Result<Then, WorkflowError>;
/// One line of a transcript.
type Row = (Event, Want);
/// A workflow and the rows played from a new conversation of it.
type Transcript = (WorkflowKind, Vec<Row>);

/// The "current step" once every step is done.
const END: &str = "(every step done)";

/// Plays a transcript from a new conversation: each row is applied to the
/// state left by the last accepted row. Checks the step, the effects and their
/// consistency with the state for accepted rows, the exact error for refused
/// ones, and that replaying the timeline so
/// far (refused rows included) gives the same state, i.e. a refused event
/// changes nothing. Returns the final state.
fn play((kind, rows): &Transcript) -> State {
    let def = kind.def();
    let mut state = State::new(*kind);
    for (i, (event, want)) in rows.iter().enumerate() {
        let row = format!("{} row {i} ({event:?})", def.name);
        let got = apply(&state, event);
        match (got, want) {
            (Ok((next, effects)), Ok(then)) => {
                assert_eq!(next.current().map_or(END, |s| s.id), then.at, "{row}: current step");
                let index = def.step(then.at).map_or(def.steps.len(), |(i, _)| i);
                assert_eq!(next.done, index, "{row}: step index");
                assert_eq!(effects, then.effects, "{row}: effects");
                effects_match_states(&state, &next, &effects, &row);
                state = next;
            }
            (Err(error), Err(expected)) => {
                assert_eq!(&error, expected, "{row}: error");
                assert_eq!(apply(&state, event), Err(error), "{row}: refused again, the same way");
            }
            (got, want) => panic!("{row}:\n got  {got:?}\n want {want:?}"),
        }
        let so_far = State::replay(*kind, rows[..=i].iter().map(|(e, _)| e));
        assert_eq!(so_far, state, "{row}: replaying the rows so far (refusals change nothing)");
    }
    state
}

/// The effects say exactly what changed between `before` and `after`.
fn effects_match_states(before: &State, after: &State, effects: &[Effect], row: &str) {
    let reopened = effects.contains(&Effect::Reopened);
    assert!(after.done >= before.done || reopened, "{row}: steps are never undone (but by reopening)");
    let ticked: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::StepDone(id) => Some(*id),
            _ => None,
        })
        .collect();
    if reopened {
        // Only reopening undoes a step: the one closing had done.
        assert!(after.done <= before.done && ticked.is_empty(), "{row}: reopening ticks nothing");
    } else {
        let newly_done: Vec<&str> = before.def().steps[before.done..after.done].iter().map(|s| s.id).collect();
        assert_eq!(ticked, newly_done, "{row}: StepDone names exactly the steps newly done, in order");
    }
    for effect in effects {
        match effect {
            Effect::StepDone(_) => {}
            Effect::Queued(team) => {
                assert_eq!(after.team.as_ref(), Some(team), "{row}: queued");
                assert_eq!(after.assignee, None, "{row}: transferred, nobody's until taken");
            }
            Effect::Assigned(to) => assert_eq!(after.assignee.as_ref(), Some(to), "{row}: assigned"),
            Effect::Closed(outcome) => {
                assert!(before.outcome.is_none(), "{row}: closed twice");
                assert_eq!(after.outcome, Some(*outcome), "{row}: closed");
            }
            Effect::Reopened => {
                assert!(before.outcome.is_some() && after.outcome.is_none(), "{row}: reopened");
            }
        }
    }
    if let (None, Some(outcome)) = (before.outcome, after.outcome) {
        assert!(effects.contains(&Effect::Closed(outcome)), "{row}: closing says so");
    }
}

// ---------------------------------------------------------------------------
// Row helpers: expectations
// ---------------------------------------------------------------------------

fn ok<const N: usize>(at: &'static str, effects: [Effect; N]) -> Want {
    Ok(Then { at, effects: effects.into() })
}
fn done(step: &'static str) -> Effect {
    Effect::StepDone(step)
}
fn queued(team: &str) -> Effect {
    Effect::Queued(team.into())
}
fn assigned(to: &str) -> Effect {
    Effect::Assigned(to.into())
}
fn closed(outcome: Outcome) -> Effect {
    Effect::Closed(outcome)
}

fn unmet(step: &'static str, needs: &str) -> Want {
    Err(E::Unmet { step, needs: needs.into() })
}
fn out_of_order(step: &str, current: &'static str) -> Want {
    Err(E::OutOfOrder { step: step.into(), current })
}
fn already(step: &str) -> Want {
    Err(E::AlreadyDone(step.into()))
}
fn unknown(kind: WorkflowKind, step: &str) -> Want {
    Err(E::UnknownStep { workflow: kind.def().name, step: step.into() })
}
fn wrong(event: &'static str, kind: WorkflowKind) -> Want {
    Err(E::WrongWorkflow { event, workflow: kind.def().name })
}
fn wrong_outcome(kind: WorkflowKind, outcome: Outcome) -> Want {
    Err(E::WrongOutcome { workflow: kind.def().name, outcome: outcome.as_str() })
}
fn cannot(outcome: Outcome, why: &'static str) -> Want {
    Err(E::CannotClose { outcome: outcome.as_str(), why })
}
fn not_presented(product: &str) -> Want {
    Err(E::NotPresented(product.into()))
}
fn invalid(message: impl Into<String>) -> Want {
    Err(E::Invalid(message.into()))
}
fn bad_id(id: &str) -> Want {
    invalid(format!("{id:?} is not an id (1–32 of a–z, _ and -)"))
}
fn empty(what: &str) -> Want {
    invalid(format!("{what} is empty"))
}
fn too_long(what: &str) -> Want {
    invalid(format!("{what} is over {MAX_FIELD_CHARS} characters"))
}

const NOT_SOLVED: &str = "the customer has not confirmed it is solved";
const NOT_ESCALATED: &str = "it was not escalated";
const NO_INCIDENT: &str = "the incident is not logged";
const NO_CONFIRMED_ORDER: &str = "there is no confirmed order";
const EARLIER_STEPS: &str = "earlier steps are not done";
const BAD_IMAGE: &str = "a product image must be an https:// or site-relative URL";

/// One character over the limit.
fn oversize() -> String {
    "x".repeat(MAX_FIELD_CHARS + 1)
}

// ---------------------------------------------------------------------------
// Row helpers: events
// ---------------------------------------------------------------------------

fn step(id: &str) -> Event {
    Event::CompleteStep { step: id.into() }
}
fn collect(field: &str, value: &str) -> Event {
    Event::Collect { field: field.into(), value: value.into() }
}
fn assign(to: &str) -> Event {
    Event::Assign { to: to.into() }
}
fn escalate(team: &str, note: &str) -> Event {
    Event::Escalate { team: team.into(), note: note.into() }
}
fn checklist(items: &[&str]) -> Event {
    Event::Checklist { items: items.iter().map(|i| i.to_string()).collect() }
}
fn tick(item: u32, done: bool) -> Event {
    Event::Tick { item, done }
}
/// A product card with a plain name and no picture.
fn present(id: &str, price: u32) -> Event {
    Event::Present(Product::new(id, &format!("Plan {id}"), price))
}
/// A product card priced 49.00, to try names and pictures.
fn product(id: &str, name: &str, image: &str) -> Event {
    Event::Present(Product { image: image.into(), ..Product::new(id, name, 4900) })
}
fn add(product: &str) -> Event {
    Event::Add { product: product.into() }
}
fn order(lines: &[(&str, u32)]) -> Event {
    Event::order(lines.iter().map(|&(p, qty)| OrderLine { product: p.into(), qty }).collect())
}
/// An order with the operator's discount.
fn discounted(lines: &[(&str, u32)], discount: Discount) -> Event {
    match order(lines) {
        Event::Order { lines, .. } => Event::Order { lines, codes: Vec::new(), discount: Some(discount), quote: None },
        _ => unreachable!("order() makes orders"),
    }
}
fn confirm() -> Event {
    Event::ConfirmOrder { checkout: None }
}
fn cancel(reason: &str) -> Event {
    Event::CancelOrder { reason: reason.into() }
}
fn ask_approval(discount: Discount, note: &str) -> Event {
    Event::AskApproval { discount, note: note.into() }
}
fn decide(approve: bool) -> Event {
    Event::Decide { approve, note: String::new() }
}
fn ask_resolution() -> Event {
    Event::AskResolution {}
}
fn resolve(solved: bool) -> Event {
    Event::Resolve { solved }
}
fn ask_rating() -> Event {
    Event::AskRating {}
}
fn rate(score: u8) -> Event {
    Event::Rate { score }
}
fn flag(note: &str) -> Event {
    Event::Flag { note: note.into() }
}
fn assess(severity: Severity) -> Event {
    Event::Assess { severity }
}
fn lift(kind: Sanction) -> Event {
    Event::Lift { kind }
}

fn sanction(kind: Sanction) -> Event {
    let minutes = (kind == Sanction::Mute).then_some(30);
    Event::Sanction { kind, minutes }
}
fn log(summary: &str) -> Event {
    Event::LogIncident { summary: summary.into() }
}
fn follow_up(due: u64, note: &str) -> Event {
    Event::FollowUp { due, note: note.into(), by: "Ann".into() }
}
fn close(outcome: Outcome) -> Event {
    Event::Close { outcome }
}

/// The wire name of an event. The match has no wildcard, so a new variant
/// does not compile until it is named here (and so in [`who_sends`]).
fn wire_name(event: &Event) -> &'static str {
    let index = match event {
        Event::CompleteStep { .. } => 0,
        Event::Collect { .. } => 1,
        Event::Assign { .. } => 2,
        Event::Release {} => 3,
        Event::Escalate { .. } => 4,
        Event::Checklist { .. } => 5,
        Event::Tick { .. } => 6,
        Event::Present(_) => 7,
        Event::Add { .. } => 8,
        Event::Order { .. } => 9,
        Event::ConfirmOrder { .. } => 10,
        Event::CancelOrder { .. } => 11,
        Event::AskApproval { .. } => 12,
        Event::Decide { .. } => 13,
        Event::AskResolution {} => 14,
        Event::Resolve { .. } => 15,
        Event::AskRating {} => 16,
        Event::Rate { .. } => 17,
        Event::Flag { .. } => 18,
        Event::Assess { .. } => 19,
        Event::Sanction { .. } => 20,
        Event::Lift { .. } => 21,
        Event::LogIncident { .. } => 22,
        Event::Close { .. } => 23,
        Event::Reopen {} => 24,
        Event::FollowUp { .. } => 25,
        Event::FollowUpDue {} => 26,
        Event::Edit { .. } => 27,
        Event::File(_) => 28,
    };
    Event::TYPES[index]
}

const CUSTOMER: &[Role] = &[Role::Customer];
const OPERATOR: &[Role] = &[Role::Operator];
const BOTH: &[Role] = &[Role::Customer, Role::Operator];

/// One event of every variant, in [`Event::TYPES`] order, and who may send it.
fn who_sends() -> Vec<(Event, &'static [Role])> {
    vec![
        (step("greet"), OPERATOR),
        (collect("account_id", "AC-1042"), BOTH),
        (assign("Ann"), OPERATOR),
        (Event::Release {}, OPERATOR),
        (escalate("technical", "Tried everything"), OPERATOR),
        (checklist(&["Restart"]), OPERATOR),
        (tick(0, true), CUSTOMER),
        (present("team", 4900), OPERATOR),
        (add("team"), CUSTOMER),
        (order(&[("team", 1)]), OPERATOR),
        (confirm(), CUSTOMER),
        (cancel("Changed their mind"), OPERATOR),
        (ask_approval(Discount::Percent(2_000), "Loyal customer"), OPERATOR),
        (decide(true), OPERATOR),
        (ask_resolution(), OPERATOR),
        (resolve(true), CUSTOMER),
        (ask_rating(), OPERATOR),
        (rate(5), CUSTOMER),
        (flag("Rule 2: insults"), OPERATOR),
        (assess(Severity::Medium), OPERATOR),
        (sanction(Sanction::Warn), OPERATOR),
        (lift(Sanction::Mute), OPERATOR),
        (log("Rule 2; warned"), OPERATOR),
        (close(Outcome::Resolved), OPERATOR),
        (Event::Reopen {}, CUSTOMER),
        (follow_up(7, "Check the seats are set up"), OPERATOR),
        (Event::FollowUpDue {}, OPERATOR),
        (Event::Edit { seq: 1, text: "fixed".into(), was: None }, OPERATOR),
        (Event::File(Box::new(crate::files::tests::attachment())), BOTH),
    ]
}

/// After closing, every event but a rating is refused as [`WorkflowError::Closed`].
fn all_refused_after_close() -> Vec<Row> {
    who_sends()
        .into_iter()
        .filter(|(e, _)| {
            !matches!(
                e,
                Event::Rate { .. }
                    | Event::Reopen {}
                    | Event::FollowUp { .. }
                    | Event::FollowUpDue {}
                    | Event::Edit { .. }
                    | Event::File(_)
            )
        })
        .map(|(e, _)| (e, Err(E::Closed)))
        .chain([(close(Outcome::Escalated), Err(E::Closed)), (close(Outcome::Lost), Err(E::Closed))])
        .collect()
}

// ---------------------------------------------------------------------------
// The walks: each workflow's sequence, in order
// ---------------------------------------------------------------------------

/// Support up to the last step: the pre-chat form ticks greet and collect,
/// the checklist ticks troubleshoot, "yes, solved" ticks resolve.
fn support_walk() -> Vec<Row> {
    vec![
        (collect("issue_type", "Billing"), ok("collect", [done("greet")])),
        (collect("error_message", "E42: payment declined"), ok("collect", [])),
        (collect("account_id", "AC-1042"), ok("troubleshoot", [done("collect")])),
        (checklist(&["Sign out and in again", "Clear the browser cache"]), ok("resolve", [done("troubleshoot")])),
        (ask_resolution(), ok("resolve", [])),
        (resolve(true), ok("close", [done("resolve")])),
    ]
}

/// Sales, every step done: one row per step.
fn sales_walk() -> Vec<Row> {
    vec![
        (step("initiate"), ok("needs", [done("initiate")])),
        (collect("needs", "Team of five, monthly billing"), ok("present", [done("needs")])),
        (present("team", 4900), ok("negotiate", [done("present")])),
        (step("negotiate"), ok("purchase", [done("negotiate")])),
        (order(&[("team", 5)]), ok("confirm", [done("purchase")])),
        (confirm(), ok(END, [done("confirm")])),
    ]
}

/// Moderation, every step done: one row per step.
fn moderation_walk() -> Vec<Row> {
    vec![
        (step("monitor"), ok("detect", [done("monitor")])),
        (flag("Rule 2: insults another user"), ok("evaluate", [done("detect")])),
        (assess(Severity::High), ok("sanction", [done("evaluate")])),
        (sanction(Sanction::Mute), ok("notify", [done("sanction")])),
        (step("notify"), ok("log", [done("notify")])),
        (log("Rule 2; messages 7 and 9; muted for a day"), ok(END, [done("log")])),
    ]
}

fn walk(kind: WorkflowKind) -> Vec<Row> {
    match kind {
        Support => support_walk(),
        Sales => sales_walk(),
        Moderation => moderation_walk(),
    }
}

/// The first `k` rows.
fn first(mut rows: Vec<Row>, k: usize) -> Vec<Row> {
    rows.truncate(k);
    rows
}

/// `rows` followed by `more`.
fn then(mut rows: Vec<Row>, more: impl IntoIterator<Item = Row>) -> Vec<Row> {
    rows.extend(more);
    rows
}

// ---------------------------------------------------------------------------
// Transcripts: support
// ---------------------------------------------------------------------------

fn support_resolved() -> Transcript {
    use Outcome::Resolved;
    let rows = vec![
        (collect("issue_type", "Billing"), ok("collect", [done("greet")])),
        (collect("error_message", "E42: payment declined"), ok("collect", [])),
        (collect("account_id", "AC-1042"), ok("troubleshoot", [done("collect")])),
        (assign("Ann"), ok("troubleshoot", [assigned("Ann")])),
        (checklist(&["Sign out and in again", "Clear the browser cache"]), ok("resolve", [done("troubleshoot")])),
        (tick(0, true), ok("resolve", [])),
        (tick(1, true), ok("resolve", [])),
        (tick(1, false), ok("resolve", [])),
        (tick(1, true), ok("resolve", [])),
        (ask_resolution(), ok("resolve", [])),
        (resolve(true), ok("close", [done("resolve")])),
        (ask_rating(), ok("close", [])),
        (close(Resolved), ok(END, [closed(Resolved), done("close")])),
        (rate(5), ok(END, [])),
    ];
    (Support, rows)
}

#[test]
fn support_every_step_in_order_then_resolved_and_rated() {
    let s = play(&support_resolved());
    assert_eq!(s.outcome, Some(Outcome::Resolved));
    assert_eq!(s.rating, Some(5));
    assert_eq!(s.assignee.as_deref(), Some("Ann"));
    assert_eq!((s.field("issue_type"), s.field("account_id")), (Some("Billing"), Some("AC-1042")));
    assert!(s.checklist.iter().all(|(_, ticked)| *ticked));
    assert_eq!(s.solved, Some(true));
    assert!(!s.asked_resolution, "answered");
}

fn support_not_solved_then_escalated() -> Transcript {
    use Outcome::{Escalated, Resolved};
    let rows = then(
        first(support_walk(), 4),
        [
            (ask_resolution(), ok("resolve", [])),
            (resolve(false), ok("resolve", [])),
            (close(Resolved), cannot(Resolved, NOT_SOLVED)),
            (step("resolve"), unmet("resolve", "the customer confirms it is solved, or an escalation")),
            (resolve(true), Err(E::NotAsked)),
            (escalate("technical", "Tried both; still E42"), ok("close", [queued("technical"), done("resolve")])),
            (close(Resolved), cannot(Resolved, NOT_SOLVED)),
            (close(Escalated), ok(END, [closed(Escalated), done("close")])),
            (resolve(true), Err(E::Closed)),
        ],
    );
    (Support, rows)
}

#[test]
fn support_customer_says_not_solved_then_escalation() {
    let s = play(&support_not_solved_then_escalated());
    assert_eq!((s.solved, s.team.as_deref(), s.outcome), (Some(false), Some("technical"), Some(Outcome::Escalated)));
}

fn support_second_try() -> Transcript {
    use Outcome::Resolved;
    let rows = then(
        first(support_walk(), 4),
        [
            (ask_resolution(), ok("resolve", [])),
            (resolve(false), ok("resolve", [])),
            (checklist(&["Reinstall the app"]), ok("resolve", [])),
            (tick(1, true), Err(E::NoSuchItem(1))),
            (tick(0, true), ok("resolve", [])),
            (ask_resolution(), ok("resolve", [])),
            (resolve(true), ok("close", [done("resolve")])),
            (close(Resolved), ok(END, [closed(Resolved), done("close")])),
        ],
    );
    (Support, rows)
}

#[test]
fn support_not_solved_then_a_new_checklist_solves_it() {
    let s = play(&support_second_try());
    assert_eq!(s.checklist, vec![("Reinstall the app".to_owned(), true)], "the latest checklist replaces the first");
}

fn support_escalated_early() -> Transcript {
    use Outcome::Escalated;
    let rows = vec![
        (collect("issue_type", "Billing"), ok("collect", [done("greet")])),
        (escalate("billing", "Refund over the limit"), ok("collect", [queued("billing")])),
        (collect("error_message", "none"), ok("collect", [])),
        (collect("account_id", "AC-1042"), ok("troubleshoot", [done("collect")])),
        // The escalation already satisfies "resolve": the checklist ticks both.
        (checklist(&["Check the invoice"]), ok("close", [done("troubleshoot"), done("resolve")])),
        (close(Escalated), ok(END, [closed(Escalated), done("close")])),
    ];
    (Support, rows)
}

#[test]
fn support_escalated_midway_keeps_walking_in_order() {
    play(&support_escalated_early());
}

fn support_solved_too_early() -> Transcript {
    use Outcome::Resolved;
    let rows = vec![
        (ask_resolution(), ok("greet", [])),
        (resolve(true), ok("greet", [])),
        (close(Resolved), cannot(Resolved, EARLIER_STEPS)),
        (collect("issue_type", "Technical problem"), ok("collect", [done("greet")])),
        (collect("account_id", "AC-7"), ok("collect", [])),
        (collect("error_message", "E500"), ok("troubleshoot", [done("collect")])),
        (close(Resolved), cannot(Resolved, EARLIER_STEPS)),
        (checklist(&["Retry"]), ok("close", [done("troubleshoot"), done("resolve")])),
        (close(Resolved), ok(END, [closed(Resolved), done("close")])),
    ];
    (Support, rows)
}

#[test]
fn support_cannot_close_resolved_before_the_steps_are_done() {
    play(&support_solved_too_early());
}

fn support_illegal_moves() -> Transcript {
    use Outcome::{Escalated, Lost, Resolved, Won};
    let long_id = "a".repeat(33);
    let longest_id = "a".repeat(32);
    let longest_value = "é".repeat(MAX_FIELD_CHARS); // 500 characters, 1000 bytes
    let too_many: Vec<&str> = vec!["Restart"; MAX_ITEMS + 1];
    let most: Vec<&str> = vec!["Restart"; MAX_ITEMS];
    let rows = vec![
        // Closing rules and outcomes.
        (close(Resolved), cannot(Resolved, NOT_SOLVED)),
        (close(Escalated), cannot(Escalated, NOT_ESCALATED)),
        (close(Won), wrong_outcome(Support, Won)),
        (close(Lost), wrong_outcome(Support, Lost)),
        // Steps by hand.
        (step("greet"), unmet("greet", "these fields collected: issue_type")),
        (step("collect"), out_of_order("collect", "greet")),
        (step("close"), out_of_order("close", "greet")),
        (step("nope"), unknown(Support, "nope")),
        (step("initiate"), unknown(Support, "initiate")),
        (step("Greet"), unknown(Support, "Greet")),
        (step(""), unknown(Support, "")),
        // Answers to cards never sent.
        (add("team"), not_presented("team")),
        (confirm(), Err(E::NoOrder)),
        (tick(0, true), Err(E::NoSuchItem(0))),
        (resolve(true), Err(E::NotAsked)),
        (rate(5), Err(E::NotAsked)),
        (rate(0), Err(E::NotAsked)),
        // Malformed values.
        (checklist(&[]), invalid(format!("a checklist has 1–{MAX_ITEMS} items"))),
        (checklist(&too_many), invalid(format!("a checklist has 1–{MAX_ITEMS} items"))),
        (checklist(&["Restart", "   "]), empty("a checklist item")),
        (checklist(&["Restart", &oversize()]), too_long("a checklist item")),
        (collect("Issue_type", "Billing"), bad_id("Issue_type")),
        (collect("issue type", "Billing"), bad_id("issue type")),
        (collect("", "Billing"), bad_id("")),
        (collect(&long_id, "Billing"), bad_id(&long_id)),
        (collect("issue_type", ""), empty("the value")),
        (collect("issue_type", " \n\t "), empty("the value")),
        (collect("issue_type", &oversize()), too_long("the value")),
        (assign("  "), empty("the operator name")),
        (assign(&oversize()), too_long("the operator name")),
        (escalate("Technical", "Stuck"), bad_id("Technical")),
        (escalate("", "Stuck"), bad_id("")),
        (escalate("technical", " "), empty("the note")),
        (escalate("technical", &oversize()), too_long("the note")),
        // The limits themselves are fine.
        (collect("issue_type", &longest_value), ok("collect", [done("greet")])),
        (collect(&longest_id, "x"), ok("collect", [])),
        (collect("error_message", "E42"), ok("collect", [])),
        (collect("account_id", "AC-1042"), ok("troubleshoot", [done("collect")])),
        (step("greet"), already("greet")),
        (step("collect"), already("collect")),
        (step("troubleshoot"), unmet("troubleshoot", "a troubleshooting checklist sent")),
        (step("resolve"), out_of_order("resolve", "troubleshoot")),
        (checklist(&most), ok("resolve", [done("troubleshoot")])),
        (checklist(&["Restart the app"]), ok("resolve", [])),
        (tick(1, true), Err(E::NoSuchItem(1))),
        (tick(u32::MAX, true), Err(E::NoSuchItem(u32::MAX))),
        (tick(0, true), ok("resolve", [])),
        (step("troubleshoot"), already("troubleshoot")),
        (step("resolve"), unmet("resolve", "the customer confirms it is solved, or an escalation")),
        (close(Resolved), cannot(Resolved, NOT_SOLVED)),
        (ask_resolution(), ok("resolve", [])),
        (resolve(true), ok("close", [done("resolve")])),
        (resolve(true), Err(E::NotAsked)),
        (step("resolve"), already("resolve")),
        (step("close"), unmet("close", "the conversation closed with an outcome")),
        (close(Won), wrong_outcome(Support, Won)),
        (rate(5), Err(E::NotAsked)),
        (ask_rating(), ok("close", [])),
        (rate(0), invalid("a rating is 1–5, not 0")),
        (rate(6), invalid("a rating is 1–5, not 6")),
        (close(Resolved), ok(END, [closed(Resolved), done("close")])),
    ];
    let after = then(all_refused_after_close(), [(rate(6), invalid("a rating is 1–5, not 6")), (rate(1), ok(END, []))]);
    // The customer writes again: open at the closing step, closed again as before.
    let again = [
        (Event::Reopen {}, ok("close", [Effect::Reopened])),
        (Event::Reopen {}, Err(E::NotClosed)),
        (step("close"), unmet("close", "the conversation closed with an outcome")),
        (close(Resolved), ok(END, [closed(Resolved), done("close")])),
    ];
    (Support, then(then(rows, after), again))
}

#[test]
fn support_illegal_moves_are_refused_with_their_error() {
    let s = play(&support_illegal_moves());
    assert_eq!(s.field("issue_type").map(|v| v.chars().count()), Some(MAX_FIELD_CHARS));
    assert_eq!(s.rating, Some(1));
}

// ---------------------------------------------------------------------------
// Transcripts: sales
// ---------------------------------------------------------------------------

fn sales_won() -> Transcript {
    use Outcome::Won;
    let rows = vec![
        (step("initiate"), ok("needs", [done("initiate")])),
        (collect("needs", "  Team of five, monthly billing  "), ok("present", [done("needs")])),
        (present("team", 4900), ok("negotiate", [done("present")])),
        (present("onboarding", 15000), ok("negotiate", [])),
        (add("team"), ok("negotiate", [])),
        (add("team"), ok("negotiate", [])),
        (step("negotiate"), ok("purchase", [done("negotiate")])),
        (order(&[("team", 5), ("onboarding", 1)]), ok("confirm", [done("purchase")])),
        (confirm(), ok(END, [done("confirm")])),
        (close(Won), ok(END, [closed(Won)])),
    ];
    (Sales, rows)
}

#[test]
fn sales_every_step_in_order_then_won() {
    let s = play(&sales_won());
    assert_eq!(s.done, Sales.def().steps.len());
    assert_eq!(s.field("needs"), Some("Team of five, monthly billing"), "values are trimmed");
    assert_eq!(s.wanted, vec!["team".to_owned()], "adding twice keeps one");
    assert_eq!(s.order_total(), 5 * 4900 + 15000);
    assert!(s.order_confirmed);
}

fn sales_lost_early() -> Transcript {
    use Outcome::Lost;
    let rows = vec![
        (step("initiate"), ok("needs", [done("initiate")])),
        (close(Lost), ok("needs", [closed(Lost)])),
        (present("team", 4900), Err(E::Closed)),
        (collect("needs", "Just looking"), Err(E::Closed)),
        (rate(3), Err(E::NotAsked)),
    ];
    (Sales, rows)
}

#[test]
fn sales_closed_as_lost_early() {
    play(&sales_lost_early());
}

fn sales_escalated() -> Transcript {
    use Outcome::{Escalated, Won};
    let rows = vec![
        (step("initiate"), ok("needs", [done("initiate")])),
        (collect("needs", "200 seats, custom contract"), ok("present", [done("needs")])),
        (close(Escalated), cannot(Escalated, NOT_ESCALATED)),
        (escalate("sales", "Enterprise deal, 200 seats"), ok("present", [queued("sales")])),
        (close(Won), cannot(Won, NO_CONFIRMED_ORDER)),
        (close(Escalated), ok("present", [closed(Escalated)])),
    ];
    (Sales, rows)
}

#[test]
fn sales_escalated_as_a_complex_sale() {
    play(&sales_escalated());
}

fn sales_illegal_moves() -> Transcript {
    use Outcome::{Escalated, Resolved, Won};
    let too_many = vec![("team", 1); MAX_ITEMS + 1];
    let rows = vec![
        (close(Won), cannot(Won, NO_CONFIRMED_ORDER)),
        (close(Resolved), wrong_outcome(Sales, Resolved)),
        (close(Escalated), cannot(Escalated, NOT_ESCALATED)),
        (step("negotiate"), out_of_order("negotiate", "initiate")),
        (step("needs"), out_of_order("needs", "initiate")),
        (step("greet"), unknown(Sales, "greet")),
        (step("Initiate"), unknown(Sales, "Initiate")),
        (confirm(), Err(E::NoOrder)),
        (order(&[("team", 1)]), not_presented("team")),
        (add("team"), not_presented("team")),
        (resolve(true), Err(E::NotAsked)),
        (tick(0, true), Err(E::NoSuchItem(0))),
        (product("Team 2", "Team plan", ""), bad_id("Team 2")),
        (product("team", "  ", ""), empty("the product name")),
        (product("team", &oversize(), ""), too_long("the product name")),
        (product("team", "Team plan", "http://cdn.example/team.png"), invalid(BAD_IMAGE)),
        (product("team", "Team plan", "javascript:alert(1)"), invalid(BAD_IMAGE)),
        (product("team", "Team plan", "https://cdn.example/team.png"), ok("initiate", [])),
        (product("team", "Team plan (monthly)", "/img/team.png"), ok("initiate", [])),
        (present("onboarding", 15000), ok("initiate", [])),
        // An order and its confirmation may come early; "won" still needs every step.
        (order(&[("team", 2)]), ok("initiate", [])),
        (confirm(), ok("initiate", [])),
        (confirm(), Err(E::AlreadyConfirmed)),
        (close(Won), cannot(Won, EARLIER_STEPS)),
        // A confirmed order changes only by cancelling it first.
        (order(&[("team", 1)]), Err(E::Confirmed)),
        (ask_approval(Discount::Percent(1_000), "Loyal"), Err(E::Confirmed)),
        (cancel("  "), empty("the reason")),
        (cancel("Wants three seats"), ok("initiate", [])),
        (cancel("Again"), Err(E::NotConfirmed)),
        (confirm(), Err(E::NoOrder)),
        (order(&[("team", 2)]), ok("initiate", [])),
        (confirm(), ok("initiate", [])),
        (step("initiate"), ok("needs", [done("initiate")])),
        (step("initiate"), already("initiate")),
        (step("needs"), unmet("needs", "these fields collected: needs")),
        (collect("needs", "A team plan for five"), ok("negotiate", [done("needs"), done("present")])),
        (step("present"), already("present")),
        (cancel("Wants three seats and onboarding"), ok("negotiate", [])),
        (order(&[]), invalid(format!("an order has 1–{MAX_ITEMS} lines"))),
        (order(&too_many), invalid(format!("an order has 1–{MAX_ITEMS} lines"))),
        (order(&[("team", 0)]), invalid("quantity 0 is not within 1–99")),
        (order(&[("team", 1), ("onboarding", 100)]), invalid("quantity 100 is not within 1–99")),
        (order(&[("team", 1), ("ghost", 1)]), not_presented("ghost")),
        (add("ghost"), not_presented("ghost")),
        // A new order needs a new confirmation.
        (order(&[("team", 3), ("onboarding", 1)]), ok("negotiate", [])),
        (close(Won), cannot(Won, NO_CONFIRMED_ORDER)),
        (step("negotiate"), ok("confirm", [done("negotiate"), done("purchase")])),
        (step("confirm"), unmet("confirm", "the customer confirms the order")),
        (confirm(), ok(END, [done("confirm")])),
        (step("confirm"), already("confirm")),
        (step("nope"), unknown(Sales, "nope")),
        (close(Resolved), wrong_outcome(Sales, Resolved)),
        (close(Won), ok(END, [closed(Won)])),
    ];
    (Sales, then(rows, all_refused_after_close()))
}

/// Negotiation: a discounted order, a request for approval and the
/// supervisor's answers, each with its illegal moves. (Whose authority a
/// discount is within, the Worker decides: it knows the sender's role.)
fn sales_negotiated() -> Transcript {
    use Outcome::Won;
    let twenty = Discount::Percent(2_000);
    let rows = vec![
        (ask_approval(twenty, "Loyal customer"), Err(E::NoOrder)),
        (decide(true), Err(E::NothingAsked)),
        (Event::FollowUpDue {}, Err(E::NothingDue)),
        (step("initiate"), ok("needs", [done("initiate")])),
        (collect("needs", "Five seats, wants a deal"), ok("present", [done("needs")])),
        (present("team", 4900), ok("negotiate", [done("present")])),
        (discounted(&[("team", 5)], Discount::Percent(0)), invalid(BAD_DISCOUNT)),
        (discounted(&[("team", 5)], Discount::Percent(10_001)), invalid(BAD_DISCOUNT)),
        (discounted(&[("team", 5)], Discount::Amount(0)), invalid(BAD_DISCOUNT)),
        (discounted(&[("team", 5)], Discount::Amount(-5)), invalid(BAD_DISCOUNT)),
        (discounted(&[("team", 5)], Discount::Percent(1_000)), ok("negotiate", [])),
        (ask_approval(twenty, " "), empty("the note")),
        (ask_approval(twenty, "Five seats for two years"), ok("negotiate", [])),
        (decide(false), ok("negotiate", [])),
        (decide(false), Err(E::NothingAsked)),
        (ask_approval(twenty, "They will sign today"), ok("negotiate", [])),
        (Event::Decide { approve: true, note: oversize() }, too_long("the note")),
        (decide(true), ok("negotiate", [])),
        (step("negotiate"), ok("confirm", [done("negotiate"), done("purchase")])),
        (discounted(&[("team", 5)], twenty), ok("confirm", [])),
        (confirm(), ok(END, [done("confirm")])),
        (discounted(&[("team", 5)], twenty), Err(E::Confirmed)),
        // Scheduled at close: it stays through the close, comes back when
        // due (open again, for the queue), and goes at the next close.
        (follow_up(9, " "), empty("the note")),
        (follow_up(9, "Check the seats are set up"), ok(END, [])),
        (follow_up(DUE, "Check the seats are set up"), ok(END, [])),
        (close(Won), ok(END, [closed(Won)])),
        (Event::FollowUpDue {}, ok(END, [Effect::Reopened])),
        (Event::FollowUpDue {}, Err(E::NothingDue)),
        (close(Won), ok(END, [closed(Won)])),
    ];
    (Sales, rows)
}

/// When the follow-up of [`sales_negotiated`] is due.
const DUE: u64 = 1_800_000_000_000;

const BAD_DISCOUNT: &str = "a discount is 0.01–100 % or a positive amount";

#[test]
fn sales_negotiation_asks_and_records_approval() {
    let s = play(&sales_negotiated());
    assert_eq!((s.asked, s.approved), (None, Some(Discount::Percent(2_000))), "the approval stays for the order");
    assert!(s.order_confirmed);
    assert_eq!(s.follow_up, None, "a follow-up that came back ends at the next close");
    let (kind, mut rows) = sales_negotiated();
    let due_at = rows.iter().position(|(e, r)| *e == Event::FollowUpDue {} && r.is_ok()).expect("it falls due");
    rows.truncate(due_at);
    let s = play(&(kind, rows));
    let pending = FollowUp { due: DUE, note: "Check the seats are set up".into(), by: "Ann".into(), fired: false };
    assert_eq!((s.closed(), s.follow_up), (true, Some(pending)), "closing keeps a follow-up to come");
}

#[test]
fn sales_illegal_moves_are_refused_with_their_error() {
    let s = play(&sales_illegal_moves());
    assert_eq!(s.order_total(), 3 * 4900 + 15000);
    let team = s.presented.iter().find(|p| p.id == "team").unwrap();
    assert_eq!(
        (team.name.as_str(), team.image.as_str()),
        ("Team plan (monthly)", "/img/team.png"),
        "re-presenting replaces"
    );
    assert_eq!(s.presented.len(), 2);
}

// ---------------------------------------------------------------------------
// Transcripts: moderation
// ---------------------------------------------------------------------------

fn moderation_resolved() -> Transcript {
    use Outcome::Resolved;
    (Moderation, then(moderation_walk(), [(close(Resolved), ok(END, [closed(Resolved)]))]))
}

#[test]
fn moderation_every_step_in_order_then_resolved() {
    let s = play(&moderation_resolved());
    assert_eq!((s.severity, s.sanctions.as_slice()), (Some(Severity::High), &[Sanction::Mute][..]));
    assert!(s.incident.is_some());
}

fn moderation_illegal_moves() -> Transcript {
    use Outcome::{Escalated, Lost, Resolved, Won};
    let rows = vec![
        (close(Resolved), cannot(Resolved, NO_INCIDENT)),
        (close(Won), wrong_outcome(Moderation, Won)),
        (close(Lost), wrong_outcome(Moderation, Lost)),
        (close(Escalated), cannot(Escalated, NOT_ESCALATED)),
        (assess(Severity::Low), unmet("evaluate", "a violation flagged")),
        (sanction(Sanction::Warn), unmet("sanction", "the severity assessed")),
        (log("Rule 2"), unmet("log", "the severity assessed")),
        (step("detect"), out_of_order("detect", "monitor")),
        (step("log"), out_of_order("log", "monitor")),
        (step("greet"), unknown(Moderation, "greet")),
        (flag("  "), empty("the note")),
        (flag(&oversize()), too_long("the note")),
        (flag("Rule 4: threatens another user"), ok("monitor", [])),
        (step("monitor"), ok("evaluate", [done("monitor"), done("detect")])),
        (step("monitor"), already("monitor")),
        (sanction(Sanction::Ban), unmet("sanction", "the severity assessed")),
        (step("evaluate"), unmet("evaluate", "the severity assessed")),
        (assess(Severity::Critical), ok("sanction", [done("evaluate")])),
        (step("sanction"), unmet("sanction", "a warning or sanction applied")),
        (step("notify"), out_of_order("notify", "sanction")),
        (sanction(Sanction::Warn), ok("notify", [done("sanction")])),
        (sanction(Sanction::Ban), ok("notify", [])),
        (lift(Sanction::Mute), invalid("this case has no mute in force to lift")),
        (lift(Sanction::Warn), invalid("a warning cannot be lifted")),
        (Event::Sanction { kind: Sanction::Mute, minutes: None }, invalid("a mute needs a duration")),
        (Event::Sanction { kind: Sanction::Mute, minutes: Some(0) }, invalid("a duration is 1–43200 minutes")),
        (Event::Sanction { kind: Sanction::Ban, minutes: Some(43_201) }, invalid("a duration is 1–43200 minutes")),
        (lift(Sanction::Ban), ok("notify", [])),
        (lift(Sanction::Ban), invalid("this case has no ban in force to lift")),
        (close(Resolved), cannot(Resolved, NO_INCIDENT)),
        (escalate("admin-legal", "Threat; messages 12-14"), ok("notify", [queued("admin-legal")])),
        (close(Escalated), cannot(Escalated, NO_INCIDENT)),
        (log(" "), empty("the summary")),
        (log(&oversize()), too_long("the summary")),
        (step("notify"), ok("log", [done("notify")])),
        (step("log"), unmet("log", "the incident logged")),
        (log("Rule 4; messages 12-14; warned then banned; passed to admin-legal"), ok(END, [done("log")])),
        (close(Won), wrong_outcome(Moderation, Won)),
        (close(Escalated), ok(END, [closed(Escalated)])),
    ];
    (Moderation, then(rows, all_refused_after_close()))
}

#[test]
fn moderation_illegal_moves_are_refused_with_their_error() {
    let s = play(&moderation_illegal_moves());
    assert_eq!(s.sanctions, vec![Sanction::Warn, Sanction::Ban], "sanctions accumulate");
    assert_eq!(s.lifted, vec![Sanction::Ban], "the ban was lifted");
    assert_eq!(s.severity, Some(Severity::Critical));
}

// ---------------------------------------------------------------------------
// Across workflows
// ---------------------------------------------------------------------------

/// Events that belong to one workflow only, and that workflow.
fn owned_events() -> Vec<(Event, WorkflowKind)> {
    vec![
        (checklist(&["Restart"]), Support),
        (checklist(&[]), Support),
        (ask_resolution(), Support),
        (present("team", 4900), Sales),
        (product("Bad Id", "", "http://x"), Sales),
        (order(&[("team", 1)]), Sales),
        (flag("spam"), Moderation),
        (assess(Severity::Low), Moderation),
        (sanction(Sanction::Warn), Moderation),
        (log("spam"), Moderation),
    ]
}

fn wrong_workflow(kind: WorkflowKind) -> Transcript {
    let rows = owned_events()
        .into_iter()
        .filter(|(_, owner)| *owner != kind)
        .map(|(event, _)| {
            let name = wire_name(&event);
            (event, wrong(name, kind))
        })
        .collect();
    (kind, rows)
}

#[test]
fn events_of_another_workflow_are_refused_before_anything_else() {
    let mut refused = 0;
    for kind in WorkflowKind::ALL {
        let t = wrong_workflow(kind);
        refused += t.1.len();
        assert_eq!(play(&t), State::new(kind));
    }
    assert_eq!(refused, 2 * owned_events().len(), "each event is refused by the two other workflows");
}

/// Events every workflow takes at any step.
fn common_events(kind: WorkflowKind) -> Transcript {
    let first = kind.def().steps[0].id;
    let rows = vec![
        (assign("Ann"), ok(first, [assigned("Ann")])),
        (assign("Bob"), ok(first, [assigned("Bob")])),
        (collect("note", "Prefers email"), ok(first, [])),
        (collect("note", "Prefers phone"), ok(first, [])),
        (escalate("billing", "Wrong queue"), ok(first, [queued("billing")])),
        (assign("Cy"), ok(first, [assigned("Cy")])),
        (ask_rating(), ok(first, [])),
        (rate(4), ok(first, [])),
    ];
    (kind, rows)
}

#[test]
fn assign_collect_escalate_and_rating_work_in_every_workflow() {
    for kind in WorkflowKind::ALL {
        let s = play(&common_events(kind));
        assert_eq!((s.assignee.as_deref(), s.team.as_deref(), s.rating), (Some("Cy"), Some("billing"), Some(4)));
        assert_eq!(s.fields, vec![("note".to_owned(), "Prefers phone".to_owned())], "collecting again replaces");
    }
}

/// The row closing as `outcome` after the first `k` rows of the walk (with
/// the conversation escalated first if `escalated`), from the brief's
/// closure rules: support "resolved" needs the customer's yes after every
/// earlier step; sales "won" needs a confirmed order and every step;
/// moderation needs the logged incident; "escalated" needs an escalation.
fn closing(kind: WorkflowKind, at: &'static str, escalated: bool, outcome: Outcome) -> Row {
    use Outcome::{Escalated, Resolved, Won};
    let want = match (kind, outcome) {
        _ if !kind.def().outcomes.contains(&outcome) => wrong_outcome(kind, outcome),
        (_, Escalated) if !escalated => cannot(outcome, NOT_ESCALATED),
        (Moderation, _) if at != END => cannot(outcome, NO_INCIDENT),
        // The walks end with the customer's "yes" (support) and confirmation (sales).
        (Support, Resolved) if at != "close" => cannot(outcome, NOT_SOLVED),
        (Sales, Won) if at != END => cannot(outcome, NO_CONFIRMED_ORDER),
        (Support, _) if at == "close" => ok(END, [closed(outcome), done("close")]),
        _ => ok(at, [closed(outcome)]),
    };
    (close(outcome), want)
}

#[test]
fn closing_rules_at_every_point_of_every_walk() {
    let outcomes = [Outcome::Resolved, Outcome::Escalated, Outcome::Won, Outcome::Lost];
    let mut transcripts = 0;
    for kind in WorkflowKind::ALL {
        let def = kind.def();
        for k in 0..=walk(kind).len() {
            let at = first(walk(kind), k).last().map_or(def.steps[0].id, |(_, want)| want.as_ref().unwrap().at);
            // Without escalating: every outcome tried; the first accepted one ends the transcript.
            let mut rows = first(walk(kind), k);
            for outcome in outcomes {
                let row = closing(kind, at, false, outcome);
                let accepted = row.1.is_ok();
                rows.push(row);
                if accepted {
                    rows.extend(all_refused_after_close());
                    break;
                }
            }
            play(&(kind, rows));
            // Escalated at this point, to the step's own escalation team.
            let team = def.step(at).map_or(def.steps[def.steps.len() - 1].escalation, |(_, s)| s.escalation);
            let mut rows = first(walk(kind), k);
            rows.push(if kind == Support && at == "resolve" {
                (escalate(team, "Needs a specialist"), ok("close", [queued(team), done("resolve")]))
            } else {
                (escalate(team, "Needs a specialist"), ok(at, [queued(team)]))
            });
            let at = if kind == Support && at == "resolve" { "close" } else { at };
            let close_escalated = closing(kind, at, true, Outcome::Escalated);
            let accepted = close_escalated.1.is_ok();
            rows.push(close_escalated);
            if accepted {
                rows.extend(all_refused_after_close());
            }
            assert_eq!(accepted, kind != Moderation || at == END, "{} after {k} rows: escalated close", def.name);
            play(&(kind, rows));
            transcripts += 2;
        }
    }
    assert_eq!(transcripts, 2 * (7 + 7 + 7));
}

/// Every fixed transcript above.
fn all_transcripts() -> Vec<Transcript> {
    let mut all = vec![
        support_resolved(),
        support_not_solved_then_escalated(),
        support_second_try(),
        support_escalated_early(),
        support_solved_too_early(),
        support_illegal_moves(),
        sales_won(),
        sales_lost_early(),
        sales_escalated(),
        sales_illegal_moves(),
        sales_negotiated(),
        moderation_resolved(),
        moderation_illegal_moves(),
    ];
    for kind in WorkflowKind::ALL {
        all.push(wrong_workflow(kind));
        all.push(common_events(kind));
    }
    all
}

#[test]
fn replay_equals_folding_apply_over_the_accepted_events() {
    for t in all_transcripts() {
        let (kind, rows) = &t;
        let accepted: Vec<&Event> = rows.iter().filter(|(_, want)| want.is_ok()).map(|(e, _)| e).collect();
        let folded = accepted.iter().fold(State::new(*kind), |s, e| apply(&s, e).expect("an accepted row").0);
        let everything = State::replay(*kind, rows.iter().map(|(e, _)| e));
        assert_eq!(everything, folded, "{}: replay of every row, refusals included", kind.as_str());
        assert_eq!(State::replay(*kind, accepted.iter().copied()), folded, "{}: replay of the accepted", kind.as_str());
        assert_eq!(play(&t), folded, "{}: the harness's state", kind.as_str());
        // The timeline stores events as JSON: replaying them from there gives the same state.
        let stored: Vec<Event> =
            accepted.iter().map(|e| serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap()).collect();
        assert_eq!(State::replay(*kind, &stored), folded, "{}: replay from JSON", kind.as_str());
        let state_json = serde_json::to_string(&folded).unwrap();
        assert_eq!(serde_json::from_str::<State>(&state_json).unwrap(), folded, "State round-trips through JSON");
    }
}

#[test]
fn who_may_send_every_event() {
    let table = who_sends();
    assert_eq!(table.len(), Event::TYPES.len(), "one row per variant");
    let names: Vec<&str> = table.iter().map(|(e, _)| wire_name(e)).collect();
    assert_eq!(names, Event::TYPES, "every variant, in TYPES order");
    for (event, roles) in &table {
        let json = serde_json::to_value(event).unwrap();
        let tag: Vec<&str> = json.as_object().expect("externally tagged").keys().map(String::as_str).collect();
        assert_eq!(tag, [wire_name(event)], "TYPES names the wire tag");
        for role in [Role::Customer, Role::Operator] {
            assert_eq!(event.allowed_for(role), roles.contains(&role), "{} from {}", wire_name(event), role.as_str());
        }
    }
    // The customer only answers cards, fills the pre-chat form and sends files.
    let customer: Vec<&str> =
        table.iter().filter(|(e, _)| e.allowed_for(Role::Customer)).map(|(e, _)| wire_name(e)).collect();
    assert_eq!(customer, ["collect", "tick", "add", "confirmOrder", "resolve", "rate", "reopen", "file"]);
}
