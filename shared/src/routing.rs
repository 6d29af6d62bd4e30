//! Routing decisions as pure functions (issue "The operator's working
//! day"): who gets a new or escalated conversation ([`choose`]: an online,
//! ready member of the right team with spare capacity, least loaded first,
//! ties to who has waited longest for a chat), the customer's estimated
//! wait in a team's queue ([`estimated_wait_ms`]), and when a first reply
//! is overdue so the conversation goes back to the queue ([`overdue`]);
//! and the wire types of routing: an operator's seat (capacity, teams,
//! skills, mentor; set by supervisors), the supervisors' live board.

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

impl crate::WireName for Presence {
    const ALL: &'static [Self] = &[Presence::Online, Presence::Away, Presence::Offline];
    fn as_str(self) -> &'static str {
        match self {
            Presence::Online => "online",
            Presence::Away => "away",
            Presence::Offline => "offline",
        }
    }
}

/// Chats an operator may have at once when no supervisor set theirs.
pub const DEFAULT_CAPACITY: u32 = 3;
/// The most chats anyone may be given at once.
pub const MAX_CAPACITY: u32 = 20;

/// An operator's seat on a site, set by supervisors: how many chats at
/// once, which teams (with skills), who mentors them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seat {
    /// The operator's name (what conversations are assigned to).
    pub name: String,
    /// Chats at once, 0–[`MAX_CAPACITY`] (0: routing gives them none, e.g.
    /// a supervisor who only oversees; they can still take one).
    pub capacity: u32,
    /// Team ids they are a member of (the site's teams).
    #[serde(default)]
    pub teams: Vec<String>,
    /// What they are good at (free labels, e.g. `refunds`, `german`).
    #[serde(default)]
    pub skills: Vec<String>,
    /// Their mentor's name, while they are new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentor: Option<String>,
}

impl Seat {
    /// A seat nobody set: the default capacity, no team.
    pub fn default_for(name: &str) -> Self {
        Seat { name: name.to_owned(), capacity: DEFAULT_CAPACITY, teams: Vec::new(), skills: Vec::new(), mentor: None }
    }

    /// The first problem with it, if any (`teams`: the site's team ids).
    pub fn check(&self, teams: &[&str]) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err("a seat's name is 1–80 characters".into());
        }
        if self.capacity > MAX_CAPACITY {
            return Err(format!("capacity is 0–{MAX_CAPACITY} chats"));
        }
        if let Some(t) = self.teams.iter().find(|t| !teams.contains(&t.as_str())) {
            return Err(format!("no team {t:?} on this site"));
        }
        if self.skills.len() > 20 || self.skills.iter().any(|s| s.trim().is_empty() || s.chars().count() > 40) {
            return Err("up to 20 skills of 1–40 characters".into());
        }
        if self.mentor.as_deref().is_some_and(|m| m.trim().is_empty() || m == self.name) {
            return Err("a mentor is someone else".into());
        }
        Ok(())
    }
}

/// One operator on the supervisors' live board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardOperator {
    /// Their name.
    pub name: String,
    /// Online, away or offline.
    pub presence: Presence,
    /// Open chats assigned to them.
    pub load: u32,
    /// Chats at once.
    pub capacity: u32,
    /// Their teams.
    pub teams: Vec<String>,
    /// Their mentor, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentor: Option<String>,
}

/// One queue on the board: conversations waiting for an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueLine {
    /// The team (`None`: the site's general queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// How many wait.
    pub length: u32,
    /// Since when the first has waited (ms since the Unix epoch).
    pub oldest: u64,
}

/// One chat in progress on the board: an open conversation someone holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardChat {
    /// The conversation.
    pub conversation: crate::ConversationId,
    /// Who holds it.
    pub assignee: String,
    /// Its workflow.
    pub workflow: crate::workflow::WorkflowKind,
    /// The workflow step it is at (index into the workflow's steps).
    pub step: usize,
    /// Since when the customer has waited for a reply (ms since the Unix
    /// epoch; `None`: the last word was ours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<u64>,
}

/// The most chats in progress one board carries (longest waiting first).
pub const BOARD_CHATS: usize = 100;

/// The supervisors' live board: every operator with a seat or a console
/// open, the chats in progress (step, holder, waiting since) and every
/// queue that has someone waiting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Board {
    /// Operators, by name.
    pub operators: Vec<BoardOperator>,
    /// Chats in progress, waiting customers first (longest first), at most [`BOARD_CHATS`].
    #[serde(default)]
    pub chats: Vec<BoardChat>,
    /// Queues with someone waiting.
    pub queues: Vec<QueueLine>,
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

/// [`choose`], but `prefer` first (whoever scheduled the conversation's
/// follow-up) when they can take one more chat, whatever the team: it is
/// theirs, and the team's only when they are away or full.
pub fn choose_preferring<'a>(
    operators: &'a [Operator],
    team: Option<&str>,
    prefer: Option<&str>,
) -> Option<&'a Operator> {
    let preferred = prefer.and_then(|p| operators.iter().find(|o| o.name == p && o.can_take(None)));
    preferred.or_else(|| choose(operators, team))
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

/// A team outside its hours, as a customer waiting for it is told: its
/// name and its next opening (ms since the Unix epoch; none: not within two
/// weeks), which a client writes in its reader's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamAway {
    /// The team's name.
    pub team: String,
    /// When it opens next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u64>,
}

/// How a client says a queue place ([`crate::ServerMsg::Queue`]) in its
/// reader's language: the catalogue sentences, each with its `{name}`s
/// (`minutes`: the wait, rounded up; `team` and `until`: [`TeamAway`]'s).
pub const QUEUE_KEYS: &[(&str, &[&str])] = &[
    ("queue.wait", &["position", "minutes"]),
    ("queue.nobody", &["position"]),
    ("queue.away", &["position", "team"]),
    ("queue.away.until", &["position", "team", "until"]),
];

/// What a waiting customer reads: their place and, when someone is online
/// to say, the estimated wait (place 0: nothing, an operator has it); or,
/// when their team is outside its hours, `away` ([`team_away`]).
pub fn queue_text(position: u32, wait_ms: Option<u64>, away: Option<&str>) -> String {
    match (position, wait_ms) {
        (0, _) => String::new(),
        (p, _) if away.is_some() => format!("You are number {p} in line. {}", away.unwrap_or_default()),
        (p, Some(ms)) => format!("You are number {p} in line. Expected wait: about {} min.", ms.div_ceil(60_000)),
        (p, None) => format!("You are number {p} in line. Nobody is online right now; we will answer here."),
    }
}

/// The queue frame of place `position` (0: taken, an operator has the
/// chat), its English sentence said from the numbers ([`queue_text`]).
pub fn place(position: u32, wait_ms: Option<u64>, away: Option<&str>, team: Option<TeamAway>) -> crate::ServerMsg {
    let text = queue_text(position, wait_ms, away);
    crate::ServerMsg::Queue { position, wait_ms, text, away: team }
}

/// What a customer waiting for `team` (its name) reads while the team is
/// outside its hours: until when (`until`, the team's local day and time
/// with its zone), if an opening comes within two weeks.
pub fn team_away(team: &str, until: Option<&str>) -> String {
    match until {
        Some(u) => format!("The {team} team is away until {u}; your message waits for them here."),
        None => format!("The {team} team is away for now; your message waits for them here."),
    }
}

/// Whether a conversation assigned at `assigned_at` and not yet answered
/// (`answered`: `None`) waited past `limit_ms` at `now`: it goes back to
/// the queue and is offered to the next operator.
pub fn overdue(assigned_at: u64, answered: Option<u64>, now: u64, limit_ms: u64) -> bool {
    answered.is_none() && now.saturating_sub(assigned_at) >= limit_ms
}

/// Whether `me` (`supervises`: their role may supervise) may give a
/// conversation that `assignee` has to `to` (`None`: release it back to
/// the queue). Taking a free one is anyone's; passing on or releasing
/// one's own is the assignee's; taking over or moving someone else's is a
/// supervisor's. The reason when not.
pub fn may_reassign(assignee: Option<&str>, me: &str, to: Option<&str>, supervises: bool) -> Result<(), String> {
    let mine = assignee == Some(me);
    match (to, assignee) {
        _ if supervises || mine => Ok(()),
        (Some(to), None) if to == me => Ok(()),
        (None, None) => Err("nobody has this conversation".into()),
        (_, None) => Err("only a supervisor gives a free conversation to someone else".into()),
        (_, Some(other)) => Err(format!("{other} has this conversation; only a supervisor can move it")),
    }
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
    fn a_follow_up_goes_to_whoever_scheduled_it_unless_they_are_away_or_full() {
        let ops =
            |ann: Presence, ann_load| vec![op("Ann", ann, &[], 3, ann_load, 0), op("Bo", Online, &["t"], 3, 2, 0)];
        let chosen = |ops: &[Operator], prefer| choose_preferring(ops, Some("t"), prefer).map(|o| o.name.clone());
        assert_eq!(chosen(&ops(Online, 0), Some("Ann")).as_deref(), Some("Ann"), "theirs, though not on the team");
        assert_eq!(chosen(&ops(Away, 0), Some("Ann")).as_deref(), Some("Bo"), "away: the team's");
        assert_eq!(chosen(&ops(Online, 3), Some("Ann")).as_deref(), Some("Bo"), "full: the team's");
        assert_eq!(chosen(&ops(Online, 0), Some("Cy")).as_deref(), Some("Bo"), "gone from the site: the team's");
        assert_eq!(chosen(&ops(Online, 0), None).as_deref(), Some("Bo"), "no follow-up: as ever");
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
    fn a_seat_is_checked_against_the_site() {
        let teams = ["billing", "sales"];
        let ann = || Seat::default_for("Ann");
        let ok =
            Seat { teams: vec!["billing".into()], skills: vec!["refunds".into()], mentor: Some("Sam".into()), ..ann() };
        assert_eq!(ok.check(&teams), Ok(()));
        assert_eq!(Seat { capacity: 0, ..ann() }.check(&teams), Ok(()), "0: oversees, routing gives none");
        let bad = [
            ("no name", Seat { name: " ".into(), ..ann() }),
            ("too many chats", Seat { capacity: MAX_CAPACITY + 1, ..ann() }),
            ("another site's team", Seat { teams: vec!["legal".into()], ..ann() }),
            ("a blank skill", Seat { skills: vec![" ".into()], ..ann() }),
            ("their own mentor", Seat { mentor: Some("Ann".into()), ..ann() }),
        ];
        for (what, seat) in bad {
            assert!(seat.check(&teams).is_err(), "{what}");
        }
    }

    #[test]
    fn a_waiting_customer_reads_their_place() {
        assert_eq!(queue_text(0, Some(60_000), None), "", "an operator has it");
        assert_eq!(queue_text(3, Some(120_001), None), "You are number 3 in line. Expected wait: about 3 min.");
        assert!(queue_text(1, None, None).starts_with("You are number 1 in line. Nobody is online"));
        let away = team_away("Billing", Some("Monday 09:00 (Europe/Berlin)"));
        assert_eq!(
            queue_text(2, Some(60_000), Some(&away)),
            "You are number 2 in line. The Billing team is away until Monday 09:00 (Europe/Berlin); your message \
             waits for them here."
        );
        assert!(team_away("Billing", None).contains("away for now"));
    }

    #[test]
    fn who_may_move_a_conversation() {
        // (what, assignee, me, to, supervises, allowed)
        let cases = [
            ("take a free one", None, "Ann", Some("Ann"), false, true),
            ("give a free one away", None, "Ann", Some("Bo"), false, false),
            ("a supervisor gives a free one", None, "Sam", Some("Bo"), true, true),
            ("pass one's own on", Some("Ann"), "Ann", Some("Bo"), false, true),
            ("release one's own", Some("Ann"), "Ann", None, false, true),
            ("take someone else's", Some("Bo"), "Ann", Some("Ann"), false, false),
            ("release someone else's", Some("Bo"), "Ann", None, false, false),
            ("a supervisor takes over", Some("Bo"), "Sam", Some("Sam"), true, true),
            ("a supervisor moves it", Some("Bo"), "Sam", Some("Ann"), true, true),
            ("release a free one", None, "Ann", None, false, false),
        ];
        for (what, assignee, me, to, supervises, allowed) in cases {
            assert_eq!(may_reassign(assignee, me, to, supervises).is_ok(), allowed, "{what}");
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
