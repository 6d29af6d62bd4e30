//! The workflow state machine: `apply(state, event) → (state, effects)` or a
//! typed error. Pure and deterministic: the Conversation object applies every
//! event through it (the server is the authority) and the console runs the
//! same function to show what is allowed next (and why not).

use crate::protocol::WireName;
use serde::{Deserialize, Serialize};

use super::defs::{Requirement, Step, Workflow, WorkflowKind};
use super::event::{Event, OrderLine, Outcome, Product, Sanction, Severity};
use crate::pricing::Discount;
use crate::sales::Quote;

/// Longest collected value, checklist item, note or summary, in characters.
pub const MAX_FIELD_CHARS: usize = 500;
/// Most items in a checklist and lines in an order.
pub const MAX_ITEMS: usize = 20;
/// Longest mute or ban with a duration: 30 days.
pub const MAX_SANCTION_MINUTES: u32 = 30 * 24 * 60;

/// Where a conversation stands in its workflow.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct State {
    /// Which workflow.
    pub workflow: WorkflowKind,
    /// How many steps are done (steps are done in order): the current step's index.
    pub done: usize,
    /// Collected fields, in the order first collected.
    pub fields: Vec<(String, String)>,
    /// Who has the conversation.
    pub assignee: Option<String>,
    /// The team whose queue it is in, once escalated.
    pub team: Option<String>,
    /// The latest troubleshooting checklist and which items are ticked.
    pub checklist: Vec<(String, bool)>,
    /// "Did this solve it?" was asked (and not yet answered).
    pub asked_resolution: bool,
    /// The customer's answer.
    pub solved: Option<bool>,
    /// Products presented so far.
    pub presented: Vec<Product>,
    /// Products the customer added.
    pub wanted: Vec<String>,
    /// The order, once created.
    pub order: Option<Vec<OrderLine>>,
    /// The customer confirmed the order.
    pub order_confirmed: bool,
    /// The order as the Worker priced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
    /// The discount asked for and not yet decided on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<Discount>,
    /// The latest discount a supervisor approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved: Option<Discount>,
    /// A rating was asked for.
    pub asked_rating: bool,
    /// The customer's rating.
    pub rating: Option<u8>,
    /// Moderation: the flagged violation.
    pub violation: Option<String>,
    /// Moderation: its severity.
    pub severity: Option<Severity>,
    /// Moderation: the sanctions applied.
    pub sanctions: Vec<Sanction>,
    /// Moderation: the sanctions lifted again (unmute / unban).
    #[serde(default)]
    pub lifted: Vec<Sanction>,
    /// Moderation: the incident summary.
    pub incident: Option<String>,
    /// Set once closed.
    pub outcome: Option<Outcome>,
    /// The follow-up scheduled, pending or due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp>,
}

/// A follow-up of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUp {
    /// When it is due, ms since the Unix epoch.
    pub due: u64,
    /// What to follow up on.
    pub note: String,
    /// Who scheduled it.
    pub by: String,
    /// It fell due (and the conversation came back); cleared at the next close.
    #[serde(default)]
    pub fired: bool,
}

/// What an accepted event changed, besides the state itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// This step is now done.
    StepDone(&'static str),
    /// The conversation moved to this team's queue (and has no operator
    /// until one of the team takes it).
    Queued(String),
    /// The conversation was assigned.
    Assigned(String),
    /// The conversation was closed.
    Closed(Outcome),
    /// The conversation was open again.
    Reopened,
}

/// Why an event was refused. The state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// Nothing but a rating (or the customer writing again) may happen after closing.
    #[error("the conversation is closed")]
    Closed,
    /// Only a closed conversation can be reopened.
    #[error("the conversation is not closed")]
    NotClosed,
    /// The event does not belong to this workflow.
    #[error("{event} is not part of the {workflow} workflow")]
    WrongWorkflow {
        /// The event's wire name.
        event: &'static str,
        /// The workflow's name.
        workflow: &'static str,
    },
    /// No step has this id.
    #[error("the {workflow} workflow has no step {step:?}")]
    UnknownStep {
        /// The workflow's name.
        workflow: &'static str,
        /// The id given.
        step: String,
    },
    /// Steps are done in order; this one is not the current one.
    #[error("step {step:?} cannot be done before {current:?}")]
    OutOfOrder {
        /// The step asked for.
        step: String,
        /// The current step.
        current: &'static str,
    },
    /// The step was already done.
    #[error("step {0:?} is already done")]
    AlreadyDone(String),
    /// The step's requirement does not hold yet.
    #[error("step {step:?} needs {needs}")]
    Unmet {
        /// The step.
        step: &'static str,
        /// What it still needs.
        needs: String,
    },
    /// A value is empty, too long or malformed.
    #[error("{0}")]
    Invalid(String),
    /// There is no checklist item with this index.
    #[error("there is no checklist item {0}")]
    NoSuchItem(u32),
    /// The product was not presented in this conversation.
    #[error("product {0:?} was not presented")]
    NotPresented(String),
    /// There is no order to confirm.
    #[error("there is no order to confirm")]
    NoOrder,
    /// The order was already confirmed.
    #[error("the order is already confirmed")]
    AlreadyConfirmed,
    /// A confirmed order is changed only by cancelling it first.
    #[error("the order is confirmed: cancel it before changing it")]
    Confirmed,
    /// There is no confirmed order to cancel.
    #[error("there is no confirmed order to cancel")]
    NotConfirmed,
    /// A supervisor's answer with no request waiting.
    #[error("no discount is waiting for approval")]
    NothingAsked,
    /// No follow-up is waiting to fall due.
    #[error("no follow-up is scheduled")]
    NothingDue,
    /// The customer was not asked this.
    #[error("the customer was not asked for this")]
    NotAsked,
    /// This outcome is not one of the workflow's.
    #[error("a {workflow} conversation cannot close as {outcome}")]
    WrongOutcome {
        /// The workflow's name.
        workflow: &'static str,
        /// The outcome asked for.
        outcome: &'static str,
    },
    /// The closure rule does not hold.
    #[error("cannot close as {outcome}: {why}")]
    CannotClose {
        /// The outcome asked for.
        outcome: &'static str,
        /// What is missing.
        why: &'static str,
    },
}

impl State {
    /// A new conversation of `workflow`, at its first step.
    pub fn new(workflow: WorkflowKind) -> Self {
        Self { workflow, ..Self::default() }
    }

    /// The workflow's definition.
    pub fn def(&self) -> &'static Workflow {
        self.workflow.def()
    }

    /// The current step (`None` once every step is done).
    pub fn current(&self) -> Option<&'static Step> {
        self.def().steps.get(self.done)
    }

    /// Whether the conversation is closed.
    pub fn closed(&self) -> bool {
        self.outcome.is_some()
    }

    /// A collected field's value.
    pub fn field(&self, id: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == id).map(|(_, v)| v.as_str())
    }

    /// Whether a requirement holds now.
    pub fn holds(&self, r: Requirement) -> bool {
        match r {
            Requirement::Operator => false,
            Requirement::Fields(f) => f.iter().all(|id| self.field(id).is_some()),
            Requirement::Checklist => !self.checklist.is_empty(),
            Requirement::ResolvedOrEscalated => self.solved == Some(true) || self.team.is_some(),
            Requirement::ProductPresented => !self.presented.is_empty(),
            Requirement::Order => self.order.is_some(),
            Requirement::OrderConfirmed => self.order_confirmed,
            Requirement::Violation => self.violation.is_some(),
            Requirement::Severity => self.severity.is_some(),
            Requirement::Sanction => !self.sanctions.is_empty(),
            Requirement::Incident => self.incident.is_some(),
            Requirement::Closed => self.closed(),
        }
    }

    /// What the order comes to in minor units: the Worker's quote, or
    /// (unpriced) the presented prices.
    pub fn order_total(&self) -> i64 {
        if let Some(q) = &self.quote {
            return q.total;
        }
        let price = |id: &str| self.presented.iter().find(|p| p.id == id).map_or(0, |p| i64::from(p.price));
        self.order.iter().flatten().map(|l| price(&l.product) * i64::from(l.qty)).sum()
    }

    /// The state after a timeline: every event in it applied in order (the
    /// server stored only accepted ones, so none fails here).
    pub fn replay<'a>(workflow: WorkflowKind, events: impl IntoIterator<Item = &'a Event>) -> Self {
        events.into_iter().fold(State::new(workflow), |s, e| apply(&s, e).map_or(s, |(next, _)| next))
    }
}

/// Applies one event: the new state and what changed, or why not.
pub fn apply(state: &State, event: &Event) -> Result<(State, Vec<Effect>), WorkflowError> {
    let mut s = state.clone();
    let mut effects = Vec::new();
    let def = s.def();
    let wrong = |event| Err(WorkflowError::WrongWorkflow { event, workflow: def.name });
    let after_close = matches!(
        event,
        Event::Rate { .. }
            | Event::Reopen {}
            | Event::FollowUp { .. }
            | Event::FollowUpDue {}
            | Event::Edit { .. }
            | Event::File(_)
    );
    if s.closed() && !after_close {
        return Err(WorkflowError::Closed);
    }
    match event {
        Event::CompleteStep { step } => {
            let (index, found) =
                def.step(step).ok_or_else(|| WorkflowError::UnknownStep { workflow: def.name, step: step.clone() })?;
            if index < s.done {
                return Err(WorkflowError::AlreadyDone(step.clone()));
            }
            if index > s.done {
                let current = def.steps[s.done].id;
                return Err(WorkflowError::OutOfOrder { step: step.clone(), current });
            }
            if found.requires != Requirement::Operator && !s.holds(found.requires) {
                return Err(WorkflowError::Unmet { step: found.id, needs: found.requires.describe() });
            }
            s.done += 1;
            effects.push(Effect::StepDone(found.id));
        }
        Event::Collect { field, value } => {
            valid_field_id(field)?;
            let value = bounded("the value", value)?;
            match s.fields.iter_mut().find(|(k, _)| k == field) {
                Some(slot) => slot.1 = value,
                None => s.fields.push((field.clone(), value)),
            }
        }
        Event::Assign { to } => {
            let to = bounded("the operator name", to)?;
            s.assignee = Some(to.clone());
            effects.push(Effect::Assigned(to));
        }
        Event::Release {} => {
            if s.assignee.take().is_none() {
                return Err(WorkflowError::Invalid("nobody has this conversation".into()));
            }
        }
        Event::Escalate { team, note } => {
            valid_field_id(team)?;
            bounded("the note", note)?;
            s.team = Some(team.clone());
            // Transferred: it waits in the team's queue for whoever takes it.
            s.assignee = None;
            effects.push(Effect::Queued(team.clone()));
        }
        Event::Checklist { items } => {
            if s.workflow != WorkflowKind::Support {
                return wrong("checklist");
            }
            if items.is_empty() || items.len() > MAX_ITEMS {
                return Err(WorkflowError::Invalid(format!("a checklist has 1–{MAX_ITEMS} items")));
            }
            s.checklist =
                items.iter().map(|i| bounded("a checklist item", i).map(|i| (i, false))).collect::<Result<_, _>>()?;
        }
        Event::Tick { item, done } => {
            let slot = s.checklist.get_mut(*item as usize).ok_or(WorkflowError::NoSuchItem(*item))?;
            slot.1 = *done;
        }
        Event::Present(p) => {
            if s.workflow != WorkflowKind::Sales {
                return wrong("present");
            }
            valid_field_id(&p.id)?;
            bounded("the product name", &p.name)?;
            if !(p.image.is_empty() || p.image.starts_with("https://") || p.image.starts_with('/')) {
                return Err(WorkflowError::Invalid("a product image must be an https:// or site-relative URL".into()));
            }
            s.presented.retain(|q| q.id != p.id);
            s.presented.push(p.listed());
        }
        Event::Add { product } => {
            if !s.presented.iter().any(|p| &p.id == product) {
                return Err(WorkflowError::NotPresented(product.clone()));
            }
            if !s.wanted.contains(product) {
                s.wanted.push(product.clone());
            }
        }
        Event::Order { lines, codes, discount, quote } => {
            if s.workflow != WorkflowKind::Sales {
                return wrong("order");
            }
            if s.order_confirmed {
                return Err(WorkflowError::Confirmed);
            }
            if codes.len() > MAX_ITEMS || codes.iter().any(|c| !(1..=32).contains(&c.chars().count())) {
                return Err(WorkflowError::Invalid(format!("up to {MAX_ITEMS} offer codes of 1–32 characters")));
            }
            if discount.is_some_and(|d| !d.takes_something()) {
                return Err(WorkflowError::Invalid("a discount is 0.01–100 % or a positive amount".into()));
            }
            if lines.is_empty() || lines.len() > MAX_ITEMS {
                return Err(WorkflowError::Invalid(format!("an order has 1–{MAX_ITEMS} lines")));
            }
            if let Some(l) = lines.iter().find(|l| !(1..=99).contains(&l.qty)) {
                return Err(WorkflowError::Invalid(format!("quantity {} is not within 1–99", l.qty)));
            }
            if let Some(l) = lines.iter().find(|l| !s.presented.iter().any(|p| p.id == l.product)) {
                return Err(WorkflowError::NotPresented(l.product.clone()));
            }
            s.order = Some(lines.clone());
            s.quote = quote.clone();
            s.order_confirmed = false;
        }
        Event::CancelOrder { reason } => {
            if !s.order_confirmed {
                return Err(WorkflowError::NotConfirmed);
            }
            bounded("the reason", reason)?;
            s.order = None;
            s.quote = None;
            s.order_confirmed = false;
        }
        Event::AskApproval { discount, note } => {
            if s.order.is_none() {
                return Err(WorkflowError::NoOrder);
            }
            if s.order_confirmed {
                return Err(WorkflowError::Confirmed);
            }
            bounded("the note", note)?;
            s.asked = Some(*discount);
        }
        Event::Decide { approve, note } => {
            let asked = s.asked.take().ok_or(WorkflowError::NothingAsked)?;
            if !note.is_empty() {
                bounded("the note", note)?;
            }
            if *approve {
                s.approved = Some(asked);
            }
        }
        Event::ConfirmOrder { .. } => {
            if s.order.is_none() {
                return Err(WorkflowError::NoOrder);
            }
            if s.order_confirmed {
                return Err(WorkflowError::AlreadyConfirmed);
            }
            s.order_confirmed = true;
        }
        Event::AskResolution {} => {
            if s.workflow != WorkflowKind::Support {
                return wrong("askResolution");
            }
            s.asked_resolution = true;
        }
        Event::Resolve { solved } => {
            if !s.asked_resolution {
                return Err(WorkflowError::NotAsked);
            }
            s.asked_resolution = false;
            s.solved = Some(*solved);
        }
        Event::AskRating {} => s.asked_rating = true,
        Event::Rate { score } => {
            if !s.asked_rating {
                return Err(WorkflowError::NotAsked);
            }
            if !(1..=5).contains(score) {
                return Err(WorkflowError::Invalid(format!("a rating is 1–5, not {score}")));
            }
            s.rating = Some(*score);
        }
        Event::Flag { note } => {
            if s.workflow != WorkflowKind::Moderation {
                return wrong("flag");
            }
            s.violation = Some(bounded("the note", note)?);
        }
        Event::Assess { severity } => {
            if s.workflow != WorkflowKind::Moderation {
                return wrong("assess");
            }
            if s.violation.is_none() {
                return Err(WorkflowError::Unmet { step: "evaluate", needs: Requirement::Violation.describe() });
            }
            s.severity = Some(*severity);
        }
        Event::Sanction { kind, minutes } => {
            if s.workflow != WorkflowKind::Moderation {
                return wrong("sanction");
            }
            if s.severity.is_none() {
                return Err(WorkflowError::Unmet { step: "sanction", needs: Requirement::Severity.describe() });
            }
            match (kind, minutes) {
                (Sanction::Mute, None) => return Err(WorkflowError::Invalid("a mute needs a duration".into())),
                (_, Some(m)) if !(1..=MAX_SANCTION_MINUTES).contains(m) => {
                    return Err(WorkflowError::Invalid(format!("a duration is 1–{MAX_SANCTION_MINUTES} minutes")))
                }
                _ => {}
            }
            s.sanctions.push(*kind);
        }
        Event::Lift { kind } => {
            if s.workflow != WorkflowKind::Moderation {
                return wrong("lift");
            }
            if *kind == Sanction::Warn {
                return Err(WorkflowError::Invalid("a warning cannot be lifted".into()));
            }
            if !s.sanctions.contains(kind) || s.lifted.contains(kind) {
                return Err(WorkflowError::Invalid(format!("this case has no {} in force to lift", kind.as_str())));
            }
            s.lifted.push(*kind);
        }
        Event::LogIncident { summary } => {
            if s.workflow != WorkflowKind::Moderation {
                return wrong("logIncident");
            }
            if s.severity.is_none() {
                return Err(WorkflowError::Unmet { step: "log", needs: Requirement::Severity.describe() });
            }
            s.incident = Some(bounded("the summary", summary)?);
        }
        Event::Close { outcome } => {
            close(&s, *outcome)?;
            s.outcome = Some(*outcome);
            // A follow-up that came back is done; one still to come stays.
            s.follow_up = s.follow_up.take().filter(|f| !f.fired);
            effects.push(Effect::Closed(*outcome));
        }
        Event::Reopen {} => {
            if !s.closed() {
                return Err(WorkflowError::NotClosed);
            }
            reopen(&mut s, &mut effects);
            // Nothing else ticks: the steps before were done already.
            return Ok((s, effects));
        }
        Event::FollowUp { due, note, by } => {
            let note = bounded("the note", note)?;
            s.follow_up = Some(FollowUp { due: *due, note, by: by.clone(), fired: false });
            return Ok((s, effects));
        }
        // A message's edit changes no step (the Worker checks whose and when).
        Event::Edit { .. } => return Ok((s, effects)),
        // A file is a message: it changes no step.
        Event::File(_) => return Ok((s, effects)),
        Event::FollowUpDue {} => {
            match &mut s.follow_up {
                Some(f) if !f.fired => f.fired = true,
                _ => return Err(WorkflowError::NothingDue),
            }
            if s.closed() {
                reopen(&mut s, &mut effects);
            }
            // Back in its queue: routing offers it to whoever scheduled it first.
            s.assignee = None;
            return Ok((s, effects));
        }
    }
    advance(&mut s, &mut effects);
    Ok((s, effects))
}

/// Opens a closed conversation again at its closing step.
fn reopen(s: &mut State, effects: &mut Vec<Effect>) {
    s.outcome = None;
    // A step done by closing is to do again.
    if let Some(i) = s.def().steps.iter().position(|step| step.requires == Requirement::Closed) {
        s.done = s.done.min(i);
    }
    effects.push(Effect::Reopened);
}

/// The closure rule of each workflow.
fn close(s: &State, outcome: Outcome) -> Result<(), WorkflowError> {
    let def = s.def();
    let name = outcome.as_str();
    if !def.outcomes.contains(&outcome) {
        return Err(WorkflowError::WrongOutcome { workflow: def.name, outcome: name });
    }
    let before_last = s.done + 1 >= def.steps.len();
    let why = match (s.workflow, outcome) {
        (_, Outcome::Escalated) if s.team.is_none() => Some("it was not escalated"),
        (WorkflowKind::Moderation, _) if s.incident.is_none() => Some("the incident is not logged"),
        (WorkflowKind::Support, Outcome::Resolved) if s.solved != Some(true) => {
            Some("the customer has not confirmed it is solved")
        }
        (WorkflowKind::Support, Outcome::Resolved) if !before_last => Some("earlier steps are not done"),
        (WorkflowKind::Sales, Outcome::Won) if !s.order_confirmed => Some("there is no confirmed order"),
        (WorkflowKind::Sales, Outcome::Won) if s.done < def.steps.len() => Some("earlier steps are not done"),
        _ => None,
    };
    match why {
        Some(why) => Err(WorkflowError::CannotClose { outcome: name, why }),
        None => Ok(()),
    }
}

/// Ticks every step, in order, whose requirement the system can see holding.
fn advance(s: &mut State, effects: &mut Vec<Effect>) {
    while let Some(step) = s.current() {
        if step.requires == Requirement::Operator || !s.holds(step.requires) {
            return;
        }
        s.done += 1;
        effects.push(Effect::StepDone(step.id));
    }
}

fn valid_field_id(id: &str) -> Result<(), WorkflowError> {
    let ok = (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(WorkflowError::Invalid(format!("{id:?} is not an id (1–32 of a–z, _ and -)")))
    }
}

fn bounded(what: &str, value: &str) -> Result<String, WorkflowError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(WorkflowError::Invalid(format!("{what} is empty")));
    }
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(WorkflowError::Invalid(format!("{what} is over {MAX_FIELD_CHARS} characters")));
    }
    Ok(value.to_owned())
}
