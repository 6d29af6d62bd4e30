//! An operator's edit or deletion of their own message (`Event::Edit`):
//! whose it is, how old, what it may say — checked here, purely; the core
//! then changes the message in place for everyone and keeps the edit (with
//! what it said before) as an internal event in the timeline, its audit.

use shared::text::{validate_text, TextError};
use shared::{ChatMessage, ErrorCode, Role};

use super::core::Who;
use super::policy::Refusal;

/// The message an operator may edit (`seq`'s, as stored) and the text it
/// takes: an operator's own text, not an event, not deleted already, at
/// most `minutes` old; the new text not too long (empty: deleted).
pub fn checked(
    original: Option<ChatMessage>,
    who: &Who,
    text: &str,
    minutes: u32,
    now: u64,
) -> Result<(ChatMessage, String), Refusal> {
    let refused = |code, why: &str| Err(Refusal::new(code, why));
    let Some(m) = original.filter(|m| m.event.is_none()) else {
        return refused(ErrorCode::IllegalMove, "no message of this conversation has that number");
    };
    if m.author != Role::Operator || m.by.as_deref() != Some(who.name.as_str()) {
        return refused(ErrorCode::Forbidden, "only the operator who wrote a message may edit it");
    }
    if m.text.is_empty() {
        return refused(ErrorCode::IllegalMove, "the message was deleted");
    }
    if now.saturating_sub(m.at) > u64::from(minutes) * 60_000 {
        let why = match minutes {
            0 => "this site does not let operators edit messages".to_owned(),
            n => format!("a message can be edited for {n} minutes after it was sent"),
        };
        return Err(Refusal::new(ErrorCode::IllegalMove, why));
    }
    let text = text.trim();
    match validate_text(text) {
        Ok(()) | Err(TextError::Empty) => Ok((m, text.to_owned())),
        Err(e @ TextError::TooLong { .. }) => Err(Refusal::new(ErrorCode::MessageTooLong, e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(by: &str, at: u64) -> ChatMessage {
        ChatMessage {
            seq: 3,
            client_id: "o3".into(),
            author: Role::Operator,
            text: "The invoice is atached.".into(),
            at,
            event: None,
            name: None,
            from: None,
            removed: false,
            by: Some(by.into()),
        }
    }

    fn who(name: &str, role: Role) -> Who {
        Who { role, staff: None, member: String::new(), name: name.into() }
    }

    #[test]
    fn an_operator_edits_their_own_text_within_the_window() {
        let ada = who("Ada", Role::Operator);
        let minute = 60_000;
        let (m, text) = checked(Some(sent("Ada", 0)), &ada, "  The invoice is attached. ", 15, 15 * minute).unwrap();
        assert_eq!((m.seq, text.as_str()), (3, "The invoice is attached."));
        assert_eq!(checked(Some(sent("Ada", 0)), &ada, "", 15, 0).unwrap().1, "", "an empty text deletes it");
        let code = |r: Result<(ChatMessage, String), Refusal>| r.unwrap_err().code;
        assert_eq!(code(checked(Some(sent("Bo", 0)), &ada, "x", 15, 0)), ErrorCode::Forbidden, "someone else's");
        let customer = ChatMessage { author: Role::Customer, by: None, ..sent("Ada", 0) };
        assert_eq!(code(checked(Some(customer), &ada, "x", 15, 0)), ErrorCode::Forbidden, "a customer's");
        assert_eq!(code(checked(Some(sent("Ada", 0)), &ada, "x", 15, 15 * minute + 1)), ErrorCode::IllegalMove);
        assert!(checked(Some(sent("Ada", 0)), &ada, "x", 0, 1).unwrap_err().message.contains("does not let"));
        assert_eq!(code(checked(None, &ada, "x", 15, 0)), ErrorCode::IllegalMove, "no such message");
        let event = ChatMessage { event: Some(shared::workflow::Event::AskRating {}), ..sent("Ada", 0) };
        assert_eq!(code(checked(Some(event), &ada, "x", 15, 0)), ErrorCode::IllegalMove, "an event");
        let deleted = ChatMessage { text: String::new(), ..sent("Ada", 0) };
        assert!(checked(Some(deleted), &ada, "x", 15, 0).unwrap_err().message.contains("deleted"));
        let long = "x".repeat(shared::text::MAX_MESSAGE_CHARS + 1);
        assert_eq!(code(checked(Some(sent("Ada", 0)), &ada, &long, 15, 0)), ErrorCode::MessageTooLong);
    }
}
