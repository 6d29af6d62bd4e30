//! What a room keeps in memory while it is awake, so a message costs the
//! same whatever the history: each member's recent texts and send times
//! (the flood and repeat rules' history and the rate window, refused
//! attempts included), their held messages' ids, and the sanctions in
//! force. Rebuilt from storage when the object wakes (a member's part when
//! they first write). Bounded: at most [`MAX_MEMBERS`] members are kept;
//! the least recently active is forgotten first and read again if they
//! come back.

use std::collections::{HashMap, VecDeque};

use shared::moderation::Earlier;
use shared::moderation_case::{banning, stopping, SanctionRecord};
use shared::workflow::Sanction;
use shared::ServerMsg;

use super::store::Recent;

/// Earlier texts of a sender the flood and repeat rules look at.
pub const HISTORY: usize = 20;
/// Members whose recent activity is kept in memory.
pub const MAX_MEMBERS: usize = 4_096;
/// The rate window.
pub const MINUTE_MS: u64 = 60_000;

/// One member's recent activity.
#[derive(Debug, Clone, Default)]
pub struct MemberLog {
    /// Newest stored or held texts, oldest first (at most [`HISTORY`]).
    pub texts: Vec<Earlier>,
    /// Times of their text attempts (stored, held or refused), oldest first.
    pub attempts: VecDeque<u64>,
    /// Times of their workflow events, oldest first.
    pub events: VecDeque<u64>,
    /// Held messages: client id → what they were told (a `held` frame).
    pub held: HashMap<String, ServerMsg>,
    /// When they last did anything (for eviction).
    pub active: u64,
}

impl MemberLog {
    /// From what storage holds.
    pub fn from_recent(recent: Recent) -> Self {
        let attempts = recent.sent.into();
        let mut events: Vec<u64> = recent.events;
        events.sort_unstable();
        Self {
            texts: recent.texts,
            attempts,
            events: events.into(),
            held: recent.held.into_iter().collect(),
            active: 0,
        }
    }

    /// Remembers a stored or held text.
    pub fn wrote(&mut self, text: &str, at: u64) {
        self.texts.push(Earlier { text: text.to_owned(), at });
        if self.texts.len() > HISTORY {
            self.texts.remove(0);
        }
    }
}

/// When a sender with these attempt times (oldest first) may try again, if
/// `per_minute` of them fall in the minute before `now`: the time the
/// `per_minute`-th newest leaves that minute.
pub fn free_at(times: &VecDeque<u64>, per_minute: u32, now: u64) -> Option<u64> {
    let n = per_minute as usize;
    if n == 0 {
        return Some(now + MINUTE_MS);
    }
    let nth = times.len().checked_sub(n).map(|i| times[i])?;
    Some(nth + MINUTE_MS).filter(|free| *free > now)
}

/// Records an attempt at `now`, keeping only the window's worth.
pub fn record(times: &mut VecDeque<u64>, now: u64, per_minute: u32) {
    times.push_back(now);
    while times.len() > per_minute.max(1) as usize || times.front().is_some_and(|t| t + MINUTE_MS <= now) {
        times.pop_front();
    }
}

/// The members of a room whose activity is in memory.
#[derive(Debug, Default)]
pub struct Members(HashMap<String, MemberLog>);

impl Members {
    /// `member`'s log, if it is in memory.
    pub fn get_mut(&mut self, member: &str) -> Option<&mut MemberLog> {
        self.0.get_mut(member)
    }

    /// Whether `member`'s log is in memory.
    pub fn has(&self, member: &str) -> bool {
        self.0.contains_key(member)
    }

    /// Keeps `member`'s log (read from storage), forgetting the least
    /// recently active member if the room is full.
    pub fn load(&mut self, member: &str, log: MemberLog) {
        if self.0.len() >= MAX_MEMBERS {
            if let Some(oldest) = self.0.iter().min_by_key(|(_, l)| l.active).map(|(m, _)| m.clone()) {
                self.0.remove(&oldest);
            }
        }
        self.0.insert(member.to_owned(), log);
    }

    /// Forgets `member`'s log (their data was erased).
    pub fn forget(&mut self, member: &str) {
        self.0.remove(member);
    }

    /// How many members are in memory.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no member is in memory.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The sanctions this room knows, by member.
#[derive(Debug, Default, Clone)]
pub struct Sanctions(HashMap<String, Vec<SanctionRecord>>);

impl Sanctions {
    /// From every stored record (expired ones are dropped by the caller's `now`).
    pub fn from_records(records: Vec<SanctionRecord>, now: u64) -> Self {
        let mut all = Self::default();
        for r in records.into_iter().filter(|r| r.in_force(now)) {
            all.0.entry(r.member.clone()).or_default().push(r);
        }
        all
    }

    /// The sanction that stops `member` writing now (a mute or a ban).
    pub fn stopping(&self, member: &str, now: u64) -> Option<&SanctionRecord> {
        self.0.get(member).and_then(|r| stopping(r, member, now))
    }

    /// The ban in force for `member`.
    pub fn banning(&self, member: &str, now: u64) -> Option<&SanctionRecord> {
        self.0.get(member).and_then(|r| banning(r, member, now))
    }

    /// `member`'s records.
    pub fn of(&self, member: &str) -> Vec<SanctionRecord> {
        self.0.get(member).cloned().unwrap_or_default()
    }

    /// Replaces `member`'s records.
    pub fn set(&mut self, member: &str, records: Vec<SanctionRecord>) {
        if records.is_empty() {
            self.0.remove(member);
        } else {
            self.0.insert(member.to_owned(), records);
        }
    }

    /// `member`'s records with one more (a warning is never kept).
    pub fn with(&self, record: &SanctionRecord) -> Vec<SanctionRecord> {
        let mut records = self.of(&record.member);
        if record.kind != Sanction::Warn {
            records.push(record.clone());
        }
        records
    }

    /// `member`'s records without those of `kind` (unmute, unban).
    pub fn without(&self, member: &str, kind: Sanction) -> Vec<SanctionRecord> {
        self.of(member).into_iter().filter(|r| r.kind != kind).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_window_frees_when_the_nth_newest_leaves_the_minute() {
        let mut times = VecDeque::new();
        for t in [1_000, 2_000, 3_000] {
            assert_eq!(free_at(&times, 3, t), None);
            record(&mut times, t, 3);
        }
        assert_eq!(free_at(&times, 3, 4_000), Some(61_000), "the third newest (1 s) leaves at 61 s");
        assert_eq!(free_at(&times, 3, 61_000), None);
        assert_eq!(free_at(&times, 0, 5), Some(60_005), "a limit of 0 stops everyone");
        record(&mut times, 50_000, 3);
        assert_eq!(
            times,
            [2_000, 3_000, 50_000].into_iter().collect::<VecDeque<_>>(),
            "only the limit's worth is kept"
        );
        record(&mut times, 200_000, 3);
        assert_eq!(times.len(), 1, "older than a minute is dropped");
    }

    #[test]
    fn a_full_room_forgets_its_least_recently_active_member() {
        let mut members = Members::default();
        for i in 0..MAX_MEMBERS {
            members.load(&format!("m{i}"), MemberLog { active: 10 + i as u64, ..MemberLog::default() });
        }
        members.get_mut("m0").unwrap().active = 1_000_000;
        members.load("new", MemberLog::default());
        assert_eq!(members.len(), MAX_MEMBERS);
        assert!(members.has("m0") && members.has("new") && !members.has("m1"));
    }
}
