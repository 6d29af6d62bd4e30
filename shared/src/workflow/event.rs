//! Workflow events: everything that moves a conversation along its task
//! sequence. Each accepted event is stored in the conversation's timeline as
//! a message, so replay, resend and deduplication work for events exactly as
//! for text. Some events are cards in the widget (checklist, product, order,
//! "did this solve it?", rating); some are internal and reach the customer
//! only as a plain notice, or not at all.

use serde::{Deserialize, Serialize};

use crate::pricing::{self, Discount};
use crate::protocol::{Role, WireName};
use crate::sales::Quote;

/// How a closed conversation ended.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The customer's issue was solved.
    Resolved,
    /// Handed to another team.
    Escalated,
    /// A sale was made (needs a confirmed order).
    Won,
    /// No sale.
    Lost,
}

impl WireName for Outcome {
    const ALL: &'static [Self] = &[Outcome::Resolved, Outcome::Escalated, Outcome::Won, Outcome::Lost];
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::Escalated => "escalated",
            Outcome::Won => "won",
            Outcome::Lost => "lost",
        }
    }
}

/// How serious a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Minor.
    Low,
    /// Needs a warning.
    Medium,
    /// Needs a sanction.
    High,
    /// Needs a sanction and escalation.
    Critical,
}

impl WireName for Severity {
    const ALL: &'static [Self] = &[Severity::Low, Severity::Medium, Severity::High, Severity::Critical];
    fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A warning or sanction against a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Sanction {
    /// A warning the customer sees.
    Warn,
    /// No posting for a while.
    Mute,
    /// No posting on this site.
    Ban,
}

impl WireName for Sanction {
    const ALL: &'static [Self] = &[Sanction::Warn, Sanction::Mute, Sanction::Ban];
    fn as_str(self) -> &'static str {
        match self {
            Sanction::Warn => "warn",
            Sanction::Mute => "mute",
            Sanction::Ban => "ban",
        }
    }
}

/// A product as presented to the customer (a snapshot of the catalogue entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Catalogue id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Price in minor units of the site's currency (cents, yen, fils).
    #[serde(alias = "priceCents")]
    pub price: u32,
    /// Picture (https URL), may be empty.
    #[serde(default)]
    pub image: String,
    /// The product this is a variant of (its family, e.g. `team-plan`):
    /// each variant is a catalogue entry with its own id and price, and the
    /// entries of a family differ in `variant`. Empty: no variants.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub family: String,
    /// What sets this variant apart in its family ("Monthly", "Size M").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub variant: String,
    /// One of it priced with the offers running when it was presented
    /// (filled by the Worker, so the card can strike the old price through
    /// and show the saving; never part of the catalogue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<crate::sales::Quote>,
}

impl Product {
    /// A product without variants or a quote.
    pub fn new(id: &str, name: &str, price: u32) -> Product {
        Product {
            id: id.into(),
            name: name.into(),
            price,
            image: String::new(),
            family: String::new(),
            variant: String::new(),
            quote: None,
        }
    }

    /// As the catalogue lists it: without the Worker's quote.
    pub fn listed(&self) -> Product {
        Product { quote: None, ..self.clone() }
    }
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    /// Catalogue id of a presented product.
    pub product: String,
    /// How many, 1–99.
    pub qty: u32,
}

/// Something that moves a conversation's workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Event {
    /// The operator marks the current step done (`step` is its id).
    CompleteStep {
        /// The step's id.
        step: String,
    },
    /// A piece of information was collected (pre-chat form or operator).
    Collect {
        /// Field id (1–32 of `[a-z_-]`, e.g. `account_id`).
        field: String,
        /// Its value.
        value: String,
    },
    /// The conversation is given to an operator: taken ("assign to me"),
    /// transferred to a named colleague (a transfer's note is a whisper,
    /// which the customer never receives), taken over by a supervisor, or
    /// given by routing.
    Assign {
        /// Operator name.
        to: String,
    },
    /// The assignee gives the conversation back: it waits in its team's
    /// queue (or the general one) for the next operator.
    Release {},
    /// Escalated / transferred to a team's queue, with a note for that team;
    /// nobody has it until someone takes it.
    Escalate {
        /// Team id.
        team: String,
        /// Internal note (never shown to the customer).
        note: String,
    },
    /// Troubleshooting steps sent as a checklist card.
    Checklist {
        /// The steps, in order.
        items: Vec<String>,
    },
    /// The customer ticks (or unticks) an item of the latest checklist.
    Tick {
        /// Index into the checklist.
        item: u32,
        /// Ticked or not.
        done: bool,
    },
    /// A product card.
    Present(Product),
    /// The customer adds a presented product to their wishes.
    Add {
        /// Product id.
        product: String,
    },
    /// The operator creates an order from presented products, or changes
    /// it before the customer confirms it.
    Order {
        /// What is ordered.
        lines: Vec<OrderLine>,
        /// Offer codes the customer gave.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        codes: Vec<String>,
        /// The operator's discount: within their authority, or one a
        /// supervisor approved in this conversation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        discount: Option<Discount>,
        /// The order priced by the Worker (whatever a client sends here is
        /// replaced).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quote: Option<Quote>,
    },
    /// The customer confirms the order.
    ConfirmOrder {
        /// The site's checkout with the signed cart (filled by the Worker
        /// when the site has a checkout; whatever a client sends is
        /// replaced). A path is on the host page's origin.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checkout: Option<String>,
    },
    /// The operator cancels a confirmed order (the customer changed their
    /// mind); a new order can follow.
    CancelOrder {
        /// Why (the customer reads it).
        reason: String,
    },
    /// The operator asks a supervisor to approve a discount beyond their
    /// authority (internal: the customer never sees it).
    AskApproval {
        /// The discount.
        discount: Discount,
        /// Why it is worth it.
        note: String,
    },
    /// A supervisor answers the request for approval.
    Decide {
        /// Approved or not.
        approve: bool,
        /// A word to the operator.
        #[serde(default)]
        note: String,
    },
    /// Asks the customer "did this solve it?".
    AskResolution {},
    /// The customer answers "did this solve it?".
    Resolve {
        /// Solved or not.
        solved: bool,
    },
    /// Asks the customer for a rating.
    AskRating {},
    /// The customer rates the conversation, 1–5.
    Rate {
        /// The score.
        score: u8,
    },
    /// A moderator flags a violation.
    Flag {
        /// Which rule, and what happened.
        note: String,
    },
    /// A moderator rates the violation.
    Assess {
        /// How serious it is.
        severity: Severity,
    },
    /// A moderator warns or sanctions.
    Sanction {
        /// Which.
        kind: Sanction,
        /// How long a mute (required) or a ban (absent: for good) lasts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minutes: Option<u32>,
    },
    /// A moderator lifts a mute or ban this case applied (unmute / unban).
    Lift {
        /// Which.
        kind: Sanction,
    },
    /// A moderator logs the incident.
    LogIncident {
        /// Summary of rule, evidence and action.
        summary: String,
    },
    /// The conversation ends.
    Close {
        /// How.
        outcome: Outcome,
    },
    /// The customer wrote again after closing: the conversation is open
    /// again at its closing step (the server applies it, in the customer's
    /// name, before storing their message).
    Reopen {},
    /// The operator schedules a follow-up, at any step or at close (one per
    /// conversation: a new one replaces it). Internal: the customer only
    /// reads what the operator writes when it is due.
    FollowUp {
        /// When it is due, ms since the Unix epoch.
        due: u64,
        /// What to follow up on ("check the delivery arrived").
        note: String,
        /// Who scheduled it (filled by the Worker; a client's is replaced).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        by: String,
    },
    /// The follow-up fell due (the Worker's alarm): the conversation is open
    /// again and waits for whoever scheduled it, or its team's queue.
    FollowUpDue {},
    /// An operator edits their own message `seq` within the site's window
    /// (empty text: deletes it). The message changes in place for everyone;
    /// this event is the timeline's audit of it (internal).
    Edit {
        /// The message.
        seq: u64,
        /// Its new text (empty: deleted).
        text: String,
        /// What it said before (filled by the Worker; a client's is replaced).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        was: Option<String>,
    },
    /// A file the customer or an operator sent. Only the Worker writes
    /// it, after the upload passed the site's checks and was stored; a
    /// client's is refused.
    File(Box<crate::files::Attachment>),
}

impl Event {
    /// An order of `lines` with no code, discount or price yet.
    pub fn order(lines: Vec<OrderLine>) -> Event {
        Event::Order { lines, codes: Vec::new(), discount: None, quote: None }
    }

    /// The event as its sender sent it: without what the Worker adds (an
    /// order's or a product's quote, a confirmation's checkout), to recognise
    /// a resend.
    pub fn as_sent(&self) -> Event {
        match self {
            Event::Order { lines, codes, discount, .. } => {
                Event::Order { lines: lines.clone(), codes: codes.clone(), discount: *discount, quote: None }
            }
            Event::ConfirmOrder { .. } => Event::ConfirmOrder { checkout: None },
            Event::Present(p) => Event::Present(p.listed()),
            Event::FollowUp { due, note, .. } => Event::FollowUp { due: *due, note: note.clone(), by: String::new() },
            Event::Edit { seq, text, .. } => Event::Edit { seq: *seq, text: text.clone(), was: None },
            other => other.clone(),
        }
    }

    /// The wire names of every variant.
    pub const TYPES: &'static [&'static str] = &[
        "completeStep",
        "collect",
        "assign",
        "release",
        "escalate",
        "checklist",
        "tick",
        "present",
        "add",
        "order",
        "confirmOrder",
        "cancelOrder",
        "askApproval",
        "decide",
        "askResolution",
        "resolve",
        "askRating",
        "rate",
        "flag",
        "assess",
        "sanction",
        "lift",
        "logIncident",
        "close",
        "reopen",
        "followUp",
        "followUpDue",
        "edit",
        "file",
    ];

    /// Who may send this event: customers answer cards and fill the pre-chat
    /// form; everything else is the operator's.
    pub fn allowed_for(&self, role: Role) -> bool {
        match self {
            Event::Collect { .. } => true,
            Event::Tick { .. }
            | Event::Add { .. }
            | Event::ConfirmOrder { .. }
            | Event::Resolve { .. }
            | Event::Rate { .. }
            | Event::Reopen {} => role == Role::Customer,
            Event::File(_) => true,
            _ => role == Role::Operator,
        }
    }

    /// A one-line description for the timeline and the inbox preview.
    pub fn describe(&self) -> String {
        match self {
            Event::CompleteStep { step } => format!("Step done: {step}"),
            Event::Collect { field, value } => format!("{field}: {value}"),
            Event::Assign { to } => format!("Assigned to {to}"),
            Event::Release {} => "Back in the queue".into(),
            Event::Escalate { team, note } => format!("Escalated to {team}: {note}"),
            Event::Checklist { items } => format!("Checklist: {}", items.join(" / ")),
            Event::Tick { item, done } => format!("Step {} {}", item + 1, if *done { "done" } else { "not done" }),
            Event::Present(p) => format!("Product: {}", p.name),
            Event::Add { product } => format!("Added {product}"),
            Event::Order { lines, quote, .. } => {
                let items = lines.iter().map(|l| l.qty).sum::<u32>();
                match quote {
                    Some(q) => format!("Order of {items} item(s): {}", pricing::format(q.total, &q.currency)),
                    None => format!("Order of {items} item(s)"),
                }
            }
            Event::ConfirmOrder { .. } => "Order confirmed".into(),
            Event::CancelOrder { reason } => format!("Order cancelled: {reason}"),
            Event::AskApproval { discount, note } => {
                format!("Approval asked for a discount of {}: {note}", crate::sales::describe(*discount, ""))
            }
            Event::Decide { approve: true, note } => format!("Discount approved {note}").trim_end().into(),
            Event::Decide { approve: false, note } => format!("Discount declined {note}").trim_end().into(),
            Event::AskResolution {} => "Did this solve it?".into(),
            Event::Resolve { solved } => (if *solved { "Yes, it is solved" } else { "No, not solved" }).into(),
            Event::AskRating {} => "How did we do?".into(),
            Event::Rate { score } => format!("Rated {score}/5"),
            Event::Flag { note } => format!("Flagged: {note}"),
            Event::Assess { severity } => format!("Severity: {}", severity.as_str()),
            Event::Sanction { kind, minutes: Some(m) } => format!("Sanction: {} for {m} min", kind.as_str()),
            Event::Sanction { kind, minutes: None } => format!("Sanction: {}", kind.as_str()),
            Event::Lift { kind } => format!("Lifted: {}", kind.as_str()),
            Event::LogIncident { summary } => format!("Incident logged: {summary}"),
            Event::Close { outcome } => format!("Closed: {}", outcome.as_str()),
            Event::Reopen {} => "Reopened: the customer wrote again".into(),
            Event::FollowUp { note, by, .. } if by.is_empty() => format!("Follow-up scheduled: {note}"),
            Event::FollowUp { note, by, .. } => format!("Follow-up scheduled by {by}: {note}"),
            Event::FollowUpDue {} => "Follow-up due".into(),
            Event::Edit { seq, text, .. } if text.is_empty() => format!("Message {seq} deleted"),
            Event::Edit { seq, .. } => format!("Message {seq} edited"),
            Event::File(file) => file.describe(),
        }
    }

    /// Whether the customer receives this event itself (a card, or their
    /// own answer). Other events reach them only as [`Event::customer_notice`].
    pub fn visible_to_customer(&self) -> bool {
        matches!(
            self,
            Event::Checklist { .. }
                | Event::Tick { .. }
                | Event::Present(_)
                | Event::Add { .. }
                | Event::Order { .. }
                | Event::ConfirmOrder { .. }
                | Event::AskResolution {}
                | Event::Resolve { .. }
                | Event::AskRating {}
                | Event::Rate { .. }
                | Event::File(_)
        )
    }

    /// The plain notice a customer sees instead of an internal event (empty:
    /// nothing). Internal notes never reach them.
    pub fn customer_notice(&self) -> String {
        match self {
            Event::Escalate { team, .. } => {
                format!("We have passed your conversation to our {team} team. They will answer here.")
            }
            Event::Sanction { kind: Sanction::Warn, .. } => {
                "A moderator warned you: please keep to the chat rules.".into()
            }
            Event::Close { .. } => "This conversation is closed. Write again if you need anything else.".into(),
            Event::CancelOrder { reason } => format!("Your order was cancelled: {reason}"),
            _ => String::new(),
        }
    }
}
