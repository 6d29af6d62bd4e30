//! Grading a conversation against its workflow, as a pure function over its
//! timeline (issue "The operator's working day"): the same rules score a
//! practice run and give a live conversation its adherence score. Each
//! step: was it done in order (its requirement met only after every
//! earlier step's — e.g. the account id collected before troubleshooting),
//! and was its canned guidance used (when the site has some for it, at any
//! point of the conversation); then
//! were the customer's messages answered within the reply time, and was
//! the conversation closed by the workflow's rule (every step done, an
//! outcome it allows). The score is the share of checks passed.

use serde::{Deserialize, Serialize};

use crate::site::Canned;
use crate::workflow::{apply, Requirement, State, WorkflowKind};
use crate::{ChatMessage, Role};

/// What a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Rule {
    /// The step was done, and after every earlier one.
    InOrder,
    /// An operator message in the step used one of its canned responses.
    Guidance,
    /// Every customer message was answered within the reply time.
    ReplyTime,
    /// Closed with every step done and an outcome the workflow allows.
    Closing,
}

/// One check and its feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// The step it is about (`None`: the whole conversation).
    pub step: Option<String>,
    /// What it looks at.
    pub rule: Rule,
    /// Whether it passed.
    pub passed: bool,
    /// Feedback, in a sentence.
    pub note: String,
}

/// A conversation's grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grade {
    /// Checks passed, in percent (rounded down).
    pub score: u8,
    /// Every check, steps first in order, then the whole conversation's.
    pub checks: Vec<Check>,
}

/// Whether `canned` was used in `text` (as inserted, perhaps edited after
/// its first 40 characters).
fn uses(text: &str, canned: &str) -> bool {
    let head: String = canned.trim().chars().take(40).collect::<String>().to_lowercase();
    !head.is_empty() && text.trim().to_lowercase().starts_with(&head)
}

/// Grades `timeline` (oldest first) of a `kind` conversation; `canned`:
/// the site's canned responses; `reply_ms`: the site's reply time.
pub fn grade(kind: WorkflowKind, timeline: &[ChatMessage], canned: &[Canned], reply_ms: u64) -> Grade {
    let steps = kind.def().steps;
    let mut state = State::new(kind);
    // When each step's requirement first held (its CompleteStep for a step
    // only the operator can tell), by sequence number.
    let mut met: Vec<Option<u64>> = vec![None; steps.len()];
    // Operator messages (a step's guidance counts whenever it was used: a
    // pre-chat form may have done the first step before anyone spoke).
    let mut said: Vec<&str> = Vec::new();
    // Customer messages waiting for an answer, and how many were late.
    let (mut waiting, mut asked, mut late) = (None::<u64>, 0, 0);
    for m in timeline {
        if let Some(event) = &m.event {
            if let Ok((next, _)) = apply(&state, event) {
                for (k, step) in steps.iter().enumerate() {
                    let now = match step.requires {
                        Requirement::Operator => next.done > k,
                        r => next.holds(r),
                    };
                    if now && met[k].is_none() {
                        met[k] = Some(m.seq);
                    }
                }
                state = next;
            }
        }
        if state.closed() {
            continue;
        }
        match m.author {
            Role::Customer if m.event.is_none() => {
                asked += 1;
                waiting.get_or_insert(m.at);
            }
            Role::Operator if crate::metrics::answers_customer(m) => {
                if let Some(since) = waiting.take() {
                    late += u32::from(m.at.saturating_sub(since) > reply_ms);
                }
                if m.event.is_none() {
                    said.push(m.text.as_str());
                }
            }
            _ => {}
        }
    }
    late += u32::from(waiting.is_some());

    let mut checks = Vec::new();
    for (k, step) in steps.iter().enumerate() {
        let earlier_late = steps[..k].iter().zip(&met).find(|(_, at)| match (at, met[k]) {
            (None, _) => true,
            (Some(a), Some(b)) => *a > b,
            (Some(_), None) => false,
        });
        let (passed, note) = match (met[k], earlier_late) {
            (None, _) => (false, format!("not done: {}", step.requires.describe())),
            (Some(_), Some((before, _))) => (false, format!("done before \"{}\"", before.title)),
            (Some(_), None) => (true, "done in order".into()),
        };
        checks.push(Check { step: Some(step.id.into()), rule: Rule::InOrder, passed, note });
        let own: Vec<&Canned> = canned.iter().filter(|c| c.workflow == kind && c.step == step.id).collect();
        if !own.is_empty() {
            let used = said.iter().any(|text| own.iter().any(|c| uses(text, &c.text)));
            let note = if used { "used the step's canned guidance" } else { "the step's canned guidance was not used" };
            checks.push(Check { step: Some(step.id.into()), rule: Rule::Guidance, passed: used, note: note.into() });
        }
    }
    let minutes = reply_ms.div_ceil(60_000);
    let note = match late {
        0 => format!("all {asked} customer messages answered within {minutes} min"),
        n => format!("{n} of {asked} customer messages answered after {minutes} min, or not at all"),
    };
    checks.push(Check { step: None, rule: Rule::ReplyTime, passed: late == 0, note });
    let allowed = state.outcome.is_some_and(|o| kind.def().outcomes.contains(&o));
    let closing = state.closed() && state.done == steps.len() && allowed;
    let note = match (state.closed(), state.done == steps.len()) {
        (false, _) => "not closed".to_owned(),
        (true, false) => format!("closed with {} of {} steps done", state.done, steps.len()),
        (true, true) => "closed with every step done".to_owned(),
    };
    checks.push(Check { step: None, rule: Rule::Closing, passed: closing, note });
    let passed = checks.iter().filter(|c| c.passed).count();
    Grade { score: (passed * 100 / checks.len()) as u8, checks }
}

#[cfg(test)]
mod tests;
