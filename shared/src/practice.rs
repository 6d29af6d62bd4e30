//! Practice conversations (issue "The operator's working day"): scripted
//! customers as data (support, sales and moderation), each with a realistic
//! problem — the lines the customer says and the operator action each waits
//! for — and a practice run's result, graded by the same rules as live
//! conversations (`crate::grading`). The Worker plays the customer in a
//! conversation of its own (no inbox line, no routing, no figures); the
//! console lists the scripts and the results.

use serde::{Deserialize, Serialize};

use crate::grading::Grade;
use crate::staff::Capability;
use crate::workflow::{Event, Sanction, WorkflowKind};
use crate::{ChatMessage, Role};

/// The score a run needs to pass (percent).
pub const PASS_SCORE: u8 = 80;

/// What a scripted line waits for: the operator's next …
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// message (text).
    Reply,
    /// troubleshooting checklist.
    Checklist,
    /// "did this solve it?".
    AskResolution,
    /// request for a rating.
    AskRating,
    /// presented product.
    Present,
    /// order.
    Order,
    /// escalation.
    Escalate,
    /// warning (a flag or an assessment is internal: the customer never
    /// sees one; a mute or ban silences them).
    Warn,
}

impl Cue {
    /// Whether the operator's message `m` is what this cue waits for.
    pub fn matches(self, m: &ChatMessage) -> bool {
        if m.author != Role::Operator {
            return false;
        }
        match (self, &m.event) {
            (Cue::Reply, None) => true,
            (Cue::Checklist, Some(Event::Checklist { .. })) => true,
            (Cue::AskResolution, Some(Event::AskResolution {})) => true,
            (Cue::AskRating, Some(Event::AskRating {})) => true,
            (Cue::Present, Some(Event::Present(_))) => true,
            (Cue::Order, Some(Event::Order { .. })) => true,
            (Cue::Escalate, Some(Event::Escalate { .. })) => true,
            (Cue::Warn, Some(Event::Sanction { kind: Sanction::Warn, .. })) => true,
            _ => false,
        }
    }
}

/// One thing the scripted customer says or does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// What it waits for.
    pub cue: Cue,
    /// What the customer writes (empty: only the event).
    pub text: &'static str,
    /// What the customer does after writing (a customer's event).
    pub event: Option<Event>,
}

/// A scripted customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// Stable id (on the wire).
    pub id: &'static str,
    /// The workflow it trains.
    pub workflow: WorkflowKind,
    /// Its name in the list.
    pub title: &'static str,
    /// The situation, as the trainee reads it before starting.
    pub problem: &'static str,
    /// The customer's first message.
    pub opening: &'static str,
    /// What follows, in order.
    pub lines: Vec<Line>,
}

impl Script {
    /// What starting it takes: what writing in its conversation takes.
    pub fn needs(&self) -> Capability {
        writes_need(self.workflow)
    }
}

/// What writing in a conversation of `workflow` takes: moderating for
/// moderation (a chat never starts as one; practice runs do), replying for
/// the others. So a moderator practises moderation, an operator support and
/// sales.
pub fn writes_need(workflow: WorkflowKind) -> Capability {
    match workflow {
        WorkflowKind::Moderation => Capability::Moderate,
        WorkflowKind::Support | WorkflowKind::Sales => Capability::Reply,
    }
}

fn line(cue: Cue, text: &'static str, event: Option<Event>) -> Line {
    Line { cue, text, event }
}

/// Every script.
pub fn scripts() -> Vec<Script> {
    use Cue::*;
    vec![
        Script {
            id: "login",
            workflow: WorkflowKind::Support,
            title: "Locked out after an update",
            problem: "A customer cannot sign in since this morning's update. Collect the issue type, the error \
                      message and the account id before troubleshooting; send a checklist; confirm it is solved; \
                      ask for a rating; close as resolved.",
            opening: "Hi, I can't log in to my account since this morning.",
            lines: vec![
                line(Reply, "It says \"Invalid session token (401)\". My account id is 48213.", None),
                line(Checklist, "I cleared my cookies and signed in again, and it works now. Thanks!", None),
                line(AskResolution, "", Some(Event::Resolve { solved: true })),
                line(AskRating, "", Some(Event::Rate { score: 5 })),
            ],
        },
        Script {
            id: "double-charge",
            workflow: WorkflowKind::Support,
            title: "Charged twice",
            problem: "A customer was charged twice this month. Collect the issue type, the error message (there is \
                      none: say so) and the account id; rule out a pending charge with a checklist; then escalate \
                      to billing with a note, tell the customer, and close as escalated.",
            opening: "Hello, I was charged twice for my subscription this month.",
            lines: vec![
                line(Reply, "No error, both charges are on my card statement. My account id is 77120.", None),
                line(Checklist, "Both charges are settled, neither is pending.", None),
                line(Escalate, "Okay, thank you for passing it on to billing.", None),
            ],
        },
        Script {
            id: "team-plan",
            workflow: WorkflowKind::Sales,
            title: "A team choosing a plan",
            problem: "A team lead asks which plan fits a team of 12. Greet them and mark first contact done, collect \
                      their needs, present a product, mark the negotiation done, build an \
                      order, get it confirmed, ask for a rating and close as won.",
            opening: "Hi! We're a team of 12. Which plan would suit us?",
            lines: vec![
                line(Reply, "We mostly need shared inboxes and weekly reports.", None),
                line(Present, "That looks right. Can we order it?", None),
                line(Order, "", Some(Event::ConfirmOrder { checkout: None })),
                line(AskRating, "", Some(Event::Rate { score: 4 })),
            ],
        },
        Script {
            id: "abuse",
            workflow: WorkflowKind::Moderation,
            title: "Insults in a chat",
            problem: "A customer waiting for a refund insults our staff. Mark monitoring done and answer calmly; \
                      flag the message naming the rule it breaks; assess the severity (a first insult, no threat); \
                      warn them, with the step's canned warning; mark the notify step done (nothing to escalate: no \
                      threat, nothing illegal); log the incident (rule, evidence, action) and close as resolved.",
            opening: "Third time I'm asking about my refund. Are you all idiots over there? Your staff are useless \
                      clowns.",
            lines: vec![
                line(Reply, "Oh relax, I was only joking. I still want my refund though.", None),
                line(Warn, "Fine. Sorry. I'm just fed up with waiting for my money.", None),
            ],
        },
    ]
}

/// The script with this id.
pub fn script(id: &str) -> Option<Script> {
    scripts().into_iter().find(|s| s.id == id)
}

/// The client id of a script's line `i` (`text`) or its event: a line is
/// stored once however often the turn is looked at.
pub fn line_id(i: usize, event: bool) -> String {
    if event {
        format!("script-{i}-event")
    } else {
        format!("script-{i}")
    }
}

/// The line to say after the operator's `m`, when `said` lines were said.
pub fn next<'a>(script: &'a Script, said: usize, m: &ChatMessage) -> Option<&'a Line> {
    script.lines.get(said).filter(|l| l.cue.matches(m))
}

/// The body of `POST …/practice`: the script to play.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartPractice {
    /// Its id.
    pub script: String,
}

/// The answer to `POST …/practice`: the practice conversation to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeStarted {
    /// Its id (the operator's socket path opens it like any other).
    pub conversation: crate::ConversationId,
}

/// A practice conversation, as its conversation keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practice {
    /// The script played.
    pub script: String,
    /// Who practises (their name).
    pub trainee: String,
}

/// A practice run's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PracticeResult {
    /// The script.
    pub script: String,
    /// Its workflow.
    pub workflow: WorkflowKind,
    /// Who practised.
    pub trainee: String,
    /// When it closed (ms since the epoch).
    pub at: u64,
    /// The grade, with per-check feedback.
    pub grade: Grade,
}

impl PracticeResult {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.grade.score >= PASS_SCORE
    }
}

/// The workflows a site can require a practice run of before live chats
/// (a live chat is support or sales; moderators practise moderation).
pub const REQUIRED: [WorkflowKind; 2] = [WorkflowKind::Support, WorkflowKind::Sales];

/// Whether `results` (one trainee's) hold a passed run of each required workflow.
pub fn ready(results: &[PracticeResult]) -> bool {
    REQUIRED.iter().all(|w| results.iter().any(|r| r.workflow == *w && r.passed()))
}

#[cfg(test)]
mod tests;
