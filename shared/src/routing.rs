//! Routing decisions as pure functions (issue "The operator's working
//! day"): who gets a new or escalated conversation ([`choose`]: an online,
//! ready member of the right team with spare capacity, least loaded first,
//! ties to who has waited longest for a chat), the customer's estimated
//! wait in a team's queue ([`estimated_wait_ms`]), and when a first reply
//! is overdue so the conversation goes back to the queue ([`overdue`]).

use serde::{Deserialize, Serialize};

/// An operator's availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Presence {
    /// At the console, taking chats.
    Online,
    /// Idle past the site's time, or set away: no new chats.
    Away,
    /// Signed out, or no console open.
    Offline,
}

/// What routing knows of one operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operator {
    /// Their name (what conversations are assigned to).
    pub name: String,
    /// Their availability.
    pub presence: Presence,
    /// The teams they are a member of.
    pub teams: Vec<String>,
    /// Chats they may have at once (set by supervisors).
    pub capacity: u32,
    /// Chats they have now.
    pub load: u32,
    /// When they were last given a chat (ms; 0: never).
    pub last_assigned_at: u64,
    /// They passed the site's required practice runs (or none is required).
    pub ready: bool,
}

impl Operator {
    /// Whether they can take one more chat of `team` (`None`: any operator).
    pub fn can_take(&self, team: Option<&str>) -> bool {
        self.presence == Presence::Online
            && self.ready
            && self.load < self.capacity
            && team.is_none_or(|t| self.teams.iter().any(|m| m == t))
    }
}

/// Who gets a conversation for `team` (`None`: the site's general queue,
/// any operator): among those who can take it, the least loaded; on a tie
/// the one given a chat longest ago; then by name, so the choice is the
/// same wherever it is made. `None`: it waits in the queue.
pub fn choose<'a>(operators: &'a [Operator], team: Option<&str>) -> Option<&'a Operator> {
    operators
        .iter()
        .filter(|o| o.can_take(team))
        .min_by(|a, b| (a.load, a.last_assigned_at, &a.name).cmp(&(b.load, b.last_assigned_at, &b.name)))
}

/// The wait a customer in `position` (1: next) of a queue can expect, when
/// a chat takes `handling_ms` on average and `slots` chats are handled at
/// once by the team's online members (their capacities summed): the
/// position's share of one handling time per slot, rounded up to a
/// minute. `None` when nobody is online to take it.
pub fn estimated_wait_ms(position: u32, handling_ms: u64, slots: u32) -> Option<u64> {
    const MINUTE: u64 = 60_000;
    if slots == 0 {
        return None;
    }
    let ms = (u64::from(position) * handling_ms).div_ceil(u64::from(slots));
    Some(ms.div_ceil(MINUTE).max(1) * MINUTE)
}

/// Whether a conversation assigned at `assigned_at` and not yet answered
/// (`answered`: `None`) waited past `limit_ms` at `now`: it goes back to
/// the queue and is offered to the next operator.
pub fn overdue(assigned_at: u64, answered: Option<u64>, now: u64, limit_ms: u64) -> bool {
    answered.is_none() && now.saturating_sub(assigned_at) >= limit_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &str, presence: Presence, teams: &[&str], capacity: u32, load: u32, last: u64) -> Operator {
        let teams = teams.iter().map(|t| t.to_string()).collect();
        Operator { name: name.into(), presence, teams, capacity, load, last_assigned_at: last, ready: true }
    }

    use Presence::{Away, Offline, Online};

    #[test]
    fn the_least_loaded_online_member_with_room_gets_it() {
        // (what, operators, team, chosen)
        type Case = (&'static str, Vec<Operator>, Option<&'static str>, Option<&'static str>);
        let cases: Vec<Case> = vec![
            (
                "least loaded first",
                vec![op("Ann", Online, &["t"], 3, 2, 0), op("Bo", Online, &["t"], 3, 1, 0)],
                Some("t"),
                Some("Bo"),
            ),
            (
                "a tie goes to who waited longest",
                vec![op("Ann", Online, &["t"], 3, 1, 500), op("Bo", Online, &["t"], 3, 1, 100)],
                Some("t"),
                Some("Bo"),
            ),
            (
                "then by name, the same everywhere",
                vec![op("Cy", Online, &["t"], 3, 1, 100), op("Ann", Online, &["t"], 3, 1, 100)],
                Some("t"),
                Some("Ann"),
            ),
            ("at capacity: no", vec![op("Ann", Online, &["t"], 2, 2, 0)], Some("t"), None),
            ("away: no", vec![op("Ann", Away, &["t"], 3, 0, 0)], Some("t"), None),
            ("offline: no", vec![op("Ann", Offline, &["t"], 3, 0, 0)], Some("t"), None),
            ("another team's member: no", vec![op("Ann", Online, &["u"], 3, 0, 0)], Some("t"), None),
            ("no team asked: anyone", vec![op("Ann", Online, &[], 3, 0, 0)], None, Some("Ann")),
            (
                "the busy one is skipped for the free one, however loaded",
                vec![op("Ann", Online, &["t"], 1, 1, 0), op("Bo", Online, &["t"], 9, 8, 0)],
                Some("t"),
                Some("Bo"),
            ),
            ("nobody: it waits", vec![], Some("t"), None),
        ];
        for (what, ops, team, want) in cases {
            assert_eq!(choose(&ops, team).map(|o| o.name.as_str()), want, "{what}");
        }
        let learner = Operator { ready: false, ..op("Ann", Online, &["t"], 3, 0, 0) };
        assert_eq!(choose(&[learner], Some("t")), None, "not past the required practice: no live chats");
    }

    #[test]
    fn the_wait_follows_the_position_and_the_slots() {
        const MIN: u64 = 60_000;
        let cases = [
            (1, 10 * MIN, 5, Some(2 * MIN)),
            (5, 10 * MIN, 5, Some(10 * MIN)),
            (6, 10 * MIN, 5, Some(12 * MIN)),
            (1, 10 * MIN, 50, Some(MIN)),        // at least a minute
            (1, 10 * MIN + 1, 5, Some(3 * MIN)), // rounded up
            (3, 10 * MIN, 0, None),              // nobody online
        ];
        for (position, handling, slots, want) in cases {
            assert_eq!(estimated_wait_ms(position, handling, slots), want, "{position} in line, {slots} slots");
        }
    }

    #[test]
    fn an_unanswered_assignment_is_overdue_at_the_limit() {
        assert!(!overdue(1_000, None, 60_999, 60_000));
        assert!(overdue(1_000, None, 61_000, 60_000));
        assert!(!overdue(1_000, Some(2_000), 999_999, 60_000), "answered: never overdue");
        assert!(!overdue(5_000, None, 1_000, 60_000), "a clock behind the assignment: not yet");
    }
}
