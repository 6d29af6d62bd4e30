//! The room's policy as pure functions: who may write, and what happens to
//! a customer's new text (the sanction in force, the rate window, the
//! site's rules). No storage, no sockets: [`super::core`] reads what these
//! need from memory and carries out what they decide.

use shared::moderation::{evaluate, Rules};
use shared::moderation_case::{Report, ReportStatus, Room};
use shared::rules::Action;
use shared::site::SiteConfig;
use shared::staff::{Capability, StaffRole};
use shared::{Detail, ErrorCode};

use super::memory::{free_at, MemberLog, Sanctions};

/// A site's settings as a room uses them: the configuration, its rules
/// compiled, and the version they are (the site's counter of saves).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The site's settings version these are.
    pub version: u64,
    /// The configuration (limits, teams, products).
    pub config: SiteConfig,
    /// Its moderation rules, compiled.
    pub rules: Rules,
}

impl Settings {
    /// Compiles the rules (saved rules were checked on the way in; a broken
    /// one leaves the room without rules rather than without messages).
    pub fn new(version: u64, config: SiteConfig) -> Self {
        let rules = Rules::new(config.rules.clone()).unwrap_or_else(|_| Rules::new(Vec::new()).expect("no rules"));
        let rules = rules.allowing(&config.allowed_words);
        Self { version, config, rules }
    }
}

pub use shared::Refusal;

/// Whether a person of `staff` (`None`: a customer) may write here, where
/// writing takes `needs`.
pub fn authorise(staff: Option<StaffRole>, needs: Capability) -> Result<(), Refusal> {
    match staff {
        Some(s) if !s.may(needs) => Err(Refusal::new(ErrorCode::Forbidden, "your role reads conversations only")),
        _ => Ok(()),
    }
}

/// What happens to a customer's new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screening {
    /// Store and deliver it; file the report if it was flagged.
    Deliver(Option<Report>),
    /// Keep it for review (only the sender sees it, pending) and report it;
    /// the sender is told why (in English, and typed).
    Hold(Report, String, Detail),
    /// Refuse it; report it if the rules caught it; a mute comes with it.
    Refuse(Refusal, Option<Report>),
}

/// One customer text to screen.
pub struct Draft<'a> {
    /// The room.
    pub room: &'a Room,
    /// The sender's member id.
    pub member: &'a str,
    /// The sender's display name.
    pub name: &'a str,
    /// Its client id.
    pub client_id: &'a str,
    /// Its text (validated).
    pub text: &'a str,
    /// When.
    pub now: u64,
}

/// Screens a customer's new text: a mute or ban in force stops it (with
/// the end time), then the rate window (every attempt counts), then the
/// site's rules on the text and the sender's recent ones.
pub fn screen(d: &Draft, log: &MemberLog, sanctions: &Sanctions, settings: &Settings) -> Screening {
    if let Some(s) = sanctions.stopping(d.member, d.now) {
        return Screening::Refuse(s.refusal(ErrorCode::Muted), None);
    }
    if let Some(free) = free_at(&log.attempts, settings.config.limits.messages_per_minute, d.now) {
        return Screening::Refuse(Refusal::too_fast("sending messages", free.saturating_sub(d.now)), None);
    }
    if let Some(refusal) = channel_mode(d, log, settings) {
        return Screening::Refuse(refusal, None);
    }
    let verdict = evaluate(d.text, d.now, &log.texts, &settings.rules);
    let (Some(action), Some(severity)) = (verdict.action(), verdict.severity()) else {
        return Screening::Deliver(None);
    };
    let report = Report {
        id: 0,
        room: d.room.clone(),
        member: d.member.to_owned(),
        name: d.name.to_owned(),
        message: d.client_id.to_owned(),
        text: d.text.to_owned(),
        at: d.now,
        hits: verdict.hits,
        action,
        severity,
        status: ReportStatus::Open,
        count: 1,
        file: None,
    };
    let notice = action.sender_notice(report.rule());
    let rule = Detail::Rule { rule: report.rule().to_owned() };
    match action {
        Action::Flag => Screening::Deliver(Some(report)),
        Action::Hold => Screening::Hold(report, notice, rule),
        Action::Block | Action::Mute { .. } => {
            Screening::Refuse(Refusal::new(ErrorCode::Blocked, notice).with(rule), Some(report))
        }
    }
}

/// A channel's mode stops a customer's text: locked (only staff write),
/// or slow mode and their last message too recent.
fn channel_mode(d: &Draft, log: &MemberLog, settings: &Settings) -> Option<Refusal> {
    let Room::Channel(id) = d.room else { return None };
    let def = settings.config.channels.iter().find(|c| c.id == *id)?;
    if def.locked {
        let said = Refusal::new(ErrorCode::Forbidden, "This channel is locked: only the team can write for now.");
        return Some(said.with(Detail::Locked));
    }
    let last = log.texts.last().map(|t| t.at)?;
    let free = last + u64::from(def.slow_seconds) * 1000;
    let wait = free.saturating_sub(d.now).div_ceil(1000);
    let why = format!("Slow mode is on: one message every {} s. Try again in {wait} s.", def.slow_seconds);
    let said = Refusal::new(ErrorCode::RateLimited, why).with(Detail::Wait { seconds: wait.max(1) });
    (def.slow_seconds > 0 && free > d.now).then_some(said)
}

/// Replays (`sync`) and pages (`history`) one socket may ask for in
/// [`REPLAY_WINDOW_MS`].
pub const REPLAYS: usize = 10;
/// The window of [`REPLAYS`].
pub const REPLAY_WINDOW_MS: u64 = 10_000;

/// Whether a socket that asked for replays or pages at `times` may ask
/// again at `now` (if so, `now` is recorded).
pub fn replay_allowed(times: &mut Vec<u64>, now: u64) -> Result<(), Refusal> {
    times.retain(|t| t + REPLAY_WINDOW_MS > now);
    if let Some(first) = times.first().filter(|_| times.len() >= REPLAYS) {
        let wait = (first + REPLAY_WINDOW_MS).saturating_sub(now);
        return Err(Refusal::too_fast("asking for history", wait));
    }
    times.push(now);
    Ok(())
}

/// Whether a customer's workflow event may go on: the rate window of
/// events (every attempt counts).
pub fn event_rate(log: &MemberLog, per_minute: u32, now: u64) -> Result<(), Refusal> {
    match free_at(&log.events, per_minute, now) {
        Some(free) => Err(Refusal::too_fast("sending", free.saturating_sub(now))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_asks_for_history_at_most_ten_times_in_ten_seconds() {
        let mut times = Vec::new();
        for i in 0..REPLAYS as u64 {
            assert_eq!(replay_allowed(&mut times, 1_000 + i), Ok(()));
        }
        let refused = replay_allowed(&mut times, 2_000).unwrap_err();
        assert_eq!((refused.code, refused.detail), (ErrorCode::RateLimited, Some(Detail::Wait { seconds: 9 })));
        assert!(refused.message.contains("try again in 9 s"), "{}", refused.message);
        assert_eq!(times.len(), REPLAYS, "a refusal is not recorded");
        assert_eq!(replay_allowed(&mut times, 11_000), Ok(()), "the first one left the window");
    }
}
