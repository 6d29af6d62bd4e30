//! Follow-ups in a conversation: the room checks when one is due and fills
//! in who scheduled it; the Conversation object's alarm brings it back when
//! due (`Core::follow_up_due`), surviving restarts because the plan is in
//! the workflow state and the alarm in the object's storage.

use shared::workflow::Event;
use shared::ErrorCode;

use super::policy::Refusal;

/// The furthest ahead a follow-up may be scheduled.
pub const MOST_AHEAD_MS: u64 = 366 * 24 * 3_600_000;

/// A follow-up as the room stores it: due in the future (within a year),
/// scheduled by `by`.
pub fn scheduled(due: u64, note: String, by: &str, now: u64) -> Result<Event, Refusal> {
    if due <= now || due - now > MOST_AHEAD_MS {
        return Err(Refusal::new(ErrorCode::IllegalMove, "a follow-up is due in the future, within a year"));
    }
    Ok(Event::FollowUp { due, note, by: by.to_owned() })
}

/// The id the due event is stored under: one per plan, so a second alarm
/// (or a retry) stores nothing twice.
pub fn due_id(due: u64) -> String {
    format!("follow-up-{due}")
}
