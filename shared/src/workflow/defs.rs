//! The three workflows as data: their task sequences (steps with guidance,
//! tone, requirement and escalation target) and their decision-matrix column.
//! The console renders both from here; nothing about a workflow is spelled
//! out in a component.

use serde::{Deserialize, Serialize};

/// Which workflow a conversation runs.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WorkflowKind {
    /// Real-time help and troubleshooting.
    #[default]
    Support,
    /// Product advice and orders.
    Sales,
    /// Rule enforcement in channels and chats.
    Moderation,
}

impl WorkflowKind {
    /// Every workflow, in the decision matrix's column order.
    pub const ALL: [WorkflowKind; 3] = [WorkflowKind::Support, WorkflowKind::Sales, WorkflowKind::Moderation];

    /// The workflow's definition.
    pub fn def(self) -> &'static Workflow {
        match self {
            WorkflowKind::Support => &SUPPORT,
            WorkflowKind::Sales => &SALES,
            WorkflowKind::Moderation => &MODERATION,
        }
    }
}

impl crate::protocol::WireName for WorkflowKind {
    const ALL: &'static [Self] = &Self::ALL;
    /// The wire name (`"support"`, `"sales"`, `"moderation"`).
    fn as_str(self) -> &'static str {
        match self {
            WorkflowKind::Support => "support",
            WorkflowKind::Sales => "sales",
            WorkflowKind::Moderation => "moderation",
        }
    }
}

/// What must hold before a step counts as done. Steps with a requirement
/// other than [`Requirement::Operator`] tick themselves as soon as it holds
/// (and every step before them is done).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Nothing the system can see: the operator marks the step done.
    Operator,
    /// These collected fields (by id) are present.
    Fields(&'static [&'static str]),
    /// A troubleshooting checklist was sent to the customer.
    Checklist,
    /// The customer confirmed the issue is solved, or the chat was escalated.
    ResolvedOrEscalated,
    /// At least one product was presented.
    ProductPresented,
    /// An order was created.
    Order,
    /// The customer confirmed the order.
    OrderConfirmed,
    /// A violation was flagged.
    Violation,
    /// Its severity was assessed.
    Severity,
    /// A warning or sanction was applied.
    Sanction,
    /// The incident was logged.
    Incident,
    /// The conversation was closed with an outcome.
    Closed,
}

impl Requirement {
    /// What the operator still has to do, in a sentence fragment.
    pub fn describe(self) -> String {
        match self {
            Requirement::Operator => "the operator marks it done".into(),
            Requirement::Fields(f) => format!("these fields collected: {}", f.join(", ")),
            Requirement::Checklist => "a troubleshooting checklist sent".into(),
            Requirement::ResolvedOrEscalated => "the customer confirms it is solved, or an escalation".into(),
            Requirement::ProductPresented => "a product presented".into(),
            Requirement::Order => "an order created".into(),
            Requirement::OrderConfirmed => "the customer confirms the order".into(),
            Requirement::Violation => "a violation flagged".into(),
            Requirement::Severity => "the severity assessed".into(),
            Requirement::Sanction => "a warning or sanction applied".into(),
            Requirement::Incident => "the incident logged".into(),
            Requirement::Closed => "the conversation closed with an outcome".into(),
        }
    }
}

/// One step of a task sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Stable id, unique within its workflow (used on the wire).
    pub id: &'static str,
    /// Short title, as in the brief.
    pub title: &'static str,
    /// What the operator should do and say in this step.
    pub guidance: &'static str,
    /// The tone to keep.
    pub tone: &'static str,
    /// What must hold before the step is done.
    pub requires: Requirement,
    /// The team (id) an escalation from this step goes to by default.
    pub escalation: &'static str,
}

/// The decision matrix's row names, top to bottom (as in the brief).
pub const MATRIX_ROWS: [&str; 6] = [
    "Initial contact",
    "Information gathering",
    "Interaction focus",
    "Communication tone",
    "When escalation is needed",
    "Closure",
];

/// A workflow: its steps and its column of the decision matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workflow {
    /// Which one.
    pub kind: WorkflowKind,
    /// Display name.
    pub name: &'static str,
    /// The task sequence, in order.
    pub steps: &'static [Step],
    /// Its decision-matrix column, in [`MATRIX_ROWS`] order.
    pub matrix: [&'static str; 6],
    /// The outcomes a conversation of this workflow may close with.
    pub outcomes: &'static [super::Outcome],
}

impl Workflow {
    /// The step with this id and its index.
    pub fn step(&self, id: &str) -> Option<(usize, &'static Step)> {
        self.steps.iter().enumerate().find(|(_, s)| s.id == id)
    }

    /// The tone row of the matrix.
    pub fn tone(&self) -> &'static str {
        self.matrix[3]
    }

    /// The closure row of the matrix.
    pub fn closure(&self) -> &'static str {
        self.matrix[5]
    }
}

use super::Outcome;

const SUPPORT_TONE: &str = "Empathetic & patient";
const SALES_TONE: &str = "Persuasive & friendly";
const MODERATION_TONE: &str = "Neutral & firm";

/// The support workflow.
pub static SUPPORT: Workflow = Workflow {
    kind: WorkflowKind::Support,
    name: "Support",
    steps: &[
        Step {
            id: "greet",
            title: "Greet the customer and identify the issue",
            guidance: "Greet them by name, thank them for reaching out and restate the issue in your own words.",
            tone: SUPPORT_TONE,
            requires: Requirement::Fields(&["issue_type"]),
            escalation: "technical",
        },
        Step {
            id: "collect",
            title: "Collect necessary information",
            guidance: "Ask for the exact error message and the account id; record each answer as a field.",
            tone: SUPPORT_TONE,
            requires: Requirement::Fields(&["error_message", "account_id"]),
            escalation: "technical",
        },
        Step {
            id: "troubleshoot",
            title: "Give step-by-step troubleshooting guidance",
            guidance: "Send a checklist of small steps the customer can tick; wait for each before the next.",
            tone: SUPPORT_TONE,
            requires: Requirement::Checklist,
            escalation: "technical",
        },
        Step {
            id: "resolve",
            title: "Confirm the issue is resolved, or escalate to a specialised team",
            guidance: "Ask whether it is solved. If not, escalate to the right team with a note of what was tried.",
            tone: SUPPORT_TONE,
            requires: Requirement::ResolvedOrEscalated,
            escalation: "technical",
        },
        Step {
            id: "close",
            title: "Close with confirmation and an offer of further help",
            guidance: "Summarise the fix, offer further help, ask for a rating, then close as resolved or escalated.",
            tone: SUPPORT_TONE,
            requires: Requirement::Closed,
            escalation: "technical",
        },
    ],
    matrix: [
        "Greet & identify issue",
        "Collect error / account info",
        "Troubleshooting",
        SUPPORT_TONE,
        "Escalate technical issue",
        "Confirm resolution",
    ],
    outcomes: &[Outcome::Resolved, Outcome::Escalated],
};

/// The sales workflow.
pub static SALES: Workflow = Workflow {
    kind: WorkflowKind::Sales,
    name: "Sales",
    steps: &[
        Step {
            id: "initiate",
            title: "Initiate the chat or answer the inbound question",
            guidance: "Answer the greeting or question warmly and invite them to say what they are looking for.",
            tone: SALES_TONE,
            requires: Requirement::Operator,
            escalation: "sales",
        },
        Step {
            id: "needs",
            title: "Understand the customer's needs",
            guidance: "Ask open, probing questions (use, budget, timing); record a summary as the \"needs\" field.",
            tone: SALES_TONE,
            requires: Requirement::Fields(&["needs"]),
            escalation: "sales",
        },
        Step {
            id: "present",
            title: "Present suitable products or services",
            guidance: "Present the products that fit the needs, with offers, discounts or add-ons where they help.",
            tone: SALES_TONE,
            requires: Requirement::ProductPresented,
            escalation: "sales",
        },
        Step {
            id: "negotiate",
            title: "Handle objections and negotiate",
            guidance: "Acknowledge each objection, answer it with facts, and stay within the allowed discounts.",
            tone: SALES_TONE,
            requires: Requirement::Operator,
            escalation: "sales",
        },
        Step {
            id: "purchase",
            title: "Guide through the purchase",
            guidance: "Create the order from the presented products the customer chose.",
            tone: SALES_TONE,
            requires: Requirement::Order,
            escalation: "sales",
        },
        Step {
            id: "confirm",
            title: "Confirm order details and give next steps",
            guidance: "Ask the customer to confirm the order summary, then explain delivery and follow-up.",
            tone: SALES_TONE,
            requires: Requirement::OrderConfirmed,
            escalation: "sales",
        },
    ],
    matrix: [
        "Engage & assess needs",
        "Understand needs / questions",
        "Product promotion",
        SALES_TONE,
        "Escalate complex sale",
        "Confirm purchase / order",
    ],
    outcomes: &[Outcome::Won, Outcome::Lost, Outcome::Escalated],
};

/// The moderation workflow.
pub static MODERATION: Workflow = Workflow {
    kind: WorkflowKind::Moderation,
    name: "Moderation",
    steps: &[
        Step {
            id: "monitor",
            title: "Continuously monitor chat channels",
            guidance: "Watch the channel without taking part; note anything that may break the rules.",
            tone: MODERATION_TONE,
            requires: Requirement::Operator,
            escalation: "admin-legal",
        },
        Step {
            id: "detect",
            title: "Detect policy violations",
            guidance: "Flag the message that breaks a rule and name the rule.",
            tone: MODERATION_TONE,
            requires: Requirement::Violation,
            escalation: "admin-legal",
        },
        Step {
            id: "evaluate",
            title: "Evaluate severity and decide the action",
            guidance: "Rate the severity against the rules, impartially; the same act gets the same action.",
            tone: MODERATION_TONE,
            requires: Requirement::Severity,
            escalation: "admin-legal",
        },
        Step {
            id: "sanction",
            title: "Warn, or apply sanctions",
            guidance:
                "Warn for a first or low-severity case; mute or ban for high severity or repeats. Say why, briefly.",
            tone: MODERATION_TONE,
            requires: Requirement::Sanction,
            escalation: "admin-legal",
        },
        Step {
            id: "notify",
            title: "Notify the relevant team when escalation is needed",
            guidance: "Escalate threats, illegal content or legal requests to admin / legal with the evidence.",
            tone: MODERATION_TONE,
            requires: Requirement::Operator,
            escalation: "admin-legal",
        },
        Step {
            id: "log",
            title: "Log the incident",
            guidance: "Record the rule, the evidence, the severity and the action taken, then close the case.",
            tone: MODERATION_TONE,
            requires: Requirement::Incident,
            escalation: "admin-legal",
        },
    ],
    matrix: [
        "Monitor passively",
        "Detect rule violations",
        "Enforcement",
        MODERATION_TONE,
        "Escalate to admin / legal",
        "Log incident & close",
    ],
    outcomes: &[Outcome::Resolved, Outcome::Escalated],
};
