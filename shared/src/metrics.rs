//! Performance figures as pure functions over stored timelines: what one
//! conversation says about how it was handled ([`facts`]), and the figures
//! of many ([`figures`]: chats, first-response time median and p90,
//! average handling time, resolution and escalation rates, CSAT), per
//! operator, per team and per day ([`grouped`], [`daily`]). The console's
//! performance page and its CSV come from these; the server keeps the facts
//! of each conversation as it closes, so no figure costs work per message.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::workflow::{Event, Outcome, WorkflowKind};
use crate::{ChatMessage, Role};

/// How one conversation was handled, read from its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Facts {
    /// Its workflow.
    pub workflow: WorkflowKind,
    /// Who had it last (the assignee when it closed; `None`: nobody).
    pub operator: Option<String>,
    /// The team whose queue it was in last, if any.
    pub team: Option<String>,
    /// The customer's first message (ms since the epoch); `None`: they
    /// never wrote, so nothing was waited for.
    pub started_at: Option<u64>,
    /// From the customer's first message to the first answer they saw.
    pub first_response_ms: Option<u64>,
    /// From the customer's first message to the close.
    pub handling_ms: Option<u64>,
    /// How it ended (`None`: still open).
    pub outcome: Option<Outcome>,
    /// It was escalated to a team at some point.
    pub escalated: bool,
    /// The customer's rating, 1–5.
    pub rating: Option<u8>,
}

/// Whether `m` is an operator's answer the customer sees: a message, or a
/// card (checklist, product, order, question). Internal events are not.
pub(crate) fn answers_customer(m: &ChatMessage) -> bool {
    m.author == Role::Operator
        && match &m.event {
            None => true,
            Some(e) => matches!(
                e,
                Event::Checklist { .. }
                    | Event::Present(_)
                    | Event::Order { .. }
                    | Event::AskResolution {}
                    | Event::AskRating {}
            ),
        }
}

/// The facts of one conversation from its whole timeline, oldest first.
pub fn facts(workflow: WorkflowKind, timeline: &[ChatMessage]) -> Facts {
    let mut f = Facts {
        workflow,
        operator: None,
        team: None,
        started_at: None,
        first_response_ms: None,
        handling_ms: None,
        outcome: None,
        escalated: false,
        rating: None,
    };
    for m in timeline {
        if m.author == Role::Customer && m.event.is_none() && f.started_at.is_none() {
            f.started_at = Some(m.at);
        }
        if let (Some(start), None) = (f.started_at, f.first_response_ms) {
            if answers_customer(m) {
                f.first_response_ms = Some(m.at.saturating_sub(start));
            }
        }
        match &m.event {
            Some(Event::Assign { to, .. }) => f.operator = Some(to.clone()),
            Some(Event::Escalate { team, .. }) => {
                (f.team, f.operator, f.escalated) = (Some(team.clone()), None, true);
            }
            Some(Event::Close { outcome }) => {
                f.outcome = Some(*outcome);
                f.handling_ms = f.started_at.map(|s| m.at.saturating_sub(s));
            }
            Some(Event::Reopen {}) => (f.outcome, f.handling_ms) = (None, None),
            Some(Event::Rate { score }) => f.rating = Some(*score),
            _ => {}
        }
    }
    f
}

/// The figures of a set of conversations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    /// Conversations closed.
    pub chats: u64,
    /// First-response time, median (ms), over those with one.
    pub first_response_p50_ms: Option<u64>,
    /// First-response time, 90th percentile (ms).
    pub first_response_p90_ms: Option<u64>,
    /// Average handling time (ms), over those the customer wrote in.
    pub handling_mean_ms: Option<u64>,
    /// Share of closed chats resolved or won (0–1).
    pub resolution_rate: Option<f64>,
    /// Share of closed chats escalated at some point (0–1).
    pub escalation_rate: Option<f64>,
    /// Average rating (1–5).
    pub csat_mean: Option<f64>,
    /// Ratings given.
    pub csat_count: u64,
}

/// The `p`-th percentile (0–100) of `values` by nearest rank.
pub fn percentile(values: &mut [u64], p: u32) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (u64::from(p.min(100)) * values.len() as u64).div_ceil(100).max(1);
    values.get(rank as usize - 1).copied()
}

/// The figures of the closed conversations among `all`.
pub fn figures<'a>(all: impl IntoIterator<Item = &'a Facts>) -> Figures {
    let closed: Vec<&Facts> = all.into_iter().filter(|f| f.outcome.is_some()).collect();
    let n = closed.len() as u64;
    let share =
        |pred: &dyn Fn(&Facts) -> bool| (n > 0).then(|| closed.iter().filter(|f| pred(f)).count() as f64 / n as f64);
    let mut responses: Vec<u64> = closed.iter().filter_map(|f| f.first_response_ms).collect();
    let handling: Vec<u64> = closed.iter().filter_map(|f| f.handling_ms).collect();
    let ratings: Vec<u8> = closed.iter().filter_map(|f| f.rating).collect();
    Figures {
        chats: n,
        first_response_p50_ms: percentile(&mut responses, 50),
        first_response_p90_ms: percentile(&mut responses, 90),
        handling_mean_ms: (!handling.is_empty()).then(|| handling.iter().sum::<u64>() / handling.len() as u64),
        resolution_rate: share(&|f| matches!(f.outcome, Some(Outcome::Resolved | Outcome::Won))),
        escalation_rate: share(&|f| f.escalated),
        csat_mean: (!ratings.is_empty())
            .then(|| ratings.iter().map(|&r| f64::from(r)).sum::<f64>() / ratings.len() as f64),
        csat_count: ratings.len() as u64,
    }
}

/// The figures per key (`key`: an operator's name, a team; conversations
/// without one are left out).
pub fn grouped<'a>(
    all: impl IntoIterator<Item = &'a Facts>,
    key: impl Fn(&Facts) -> Option<&str>,
) -> BTreeMap<String, Figures> {
    let mut groups: BTreeMap<String, Vec<&Facts>> = BTreeMap::new();
    for f in all {
        if let Some(k) = key(f) {
            groups.entry(k.to_owned()).or_default().push(f);
        }
    }
    groups.into_iter().map(|(k, fs)| (k, figures(fs))).collect()
}

/// The figures per day (`day_ms` long, days starting at `offset_ms` past
/// the epoch's midnight: a time zone's offset), by the day each closed
/// conversation started; days with none are left out.
pub fn daily<'a>(all: impl IntoIterator<Item = &'a Facts>, day_ms: u64, offset_ms: i64) -> BTreeMap<u64, Figures> {
    let mut days: BTreeMap<u64, Vec<&Facts>> = BTreeMap::new();
    for f in all {
        if let Some(start) = f.started_at {
            let local = (start as i64 + offset_ms).max(0) as u64;
            days.entry(local / day_ms).or_default().push(f);
        }
    }
    days.into_iter().map(|(d, fs)| (d, figures(fs))).collect()
}

#[cfg(test)]
mod tests;
