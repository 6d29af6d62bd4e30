//! Message text validation, shared by the widget (before sending) and the
//! Worker (before storing), so both refuse exactly the same input; and what
//! a customer is told when a limit stops them.

/// Longest message accepted, in Unicode scalar values (what `chars()` counts).
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// What a customer is told when a limit stops them: the wait, in whole seconds.
pub fn too_fast(what: &str, retry_in_ms: u64) -> String {
    let s = retry_in_ms.div_ceil(1000).max(1);
    let wait = if s >= 120 { format!("{} min", s.div_ceil(60)) } else { format!("{s} s") };
    format!("You're {what} too fast — try again in {wait}.")
}

/// Why a message text is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but whitespace.
    #[error("the message is empty")]
    Empty,
    /// Over [`MAX_MESSAGE_CHARS`].
    #[error("the message is {chars} characters long; the limit is {MAX_MESSAGE_CHARS}")]
    TooLong {
        /// How long it was.
        chars: usize,
    },
}

/// `Ok` if `text` can be sent: not blank and at most [`MAX_MESSAGE_CHARS`].
/// The text is stored exactly as given (no trimming), so what the sender saw
/// is what everyone sees.
pub fn validate_text(text: &str) -> Result<(), TextError> {
    if text.trim().is_empty() {
        return Err(TextError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(TextError::TooLong { chars });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check() {
        let cases: &[(&str, Result<(), TextError>)] = &[
            ("hi", Ok(())),
            ("  padded  ", Ok(())),
            ("", Err(TextError::Empty)),
            (" \n\t ", Err(TextError::Empty)),
            ("<img src=x onerror=alert(1)>", Ok(())),
        ];
        for (text, want) in cases {
            assert_eq!(&validate_text(text), want, "{text:?}");
        }
        assert_eq!(validate_text(&"é".repeat(MAX_MESSAGE_CHARS)), Ok(()));
        assert_eq!(
            validate_text(&"é".repeat(MAX_MESSAGE_CHARS + 1)),
            Err(TextError::TooLong { chars: MAX_MESSAGE_CHARS + 1 })
        );
    }

    #[test]
    fn limits_say_when_to_try_again() {
        assert_eq!(too_fast("sending messages", 19_001), "You're sending messages too fast — try again in 20 s.");
        assert_eq!(too_fast("sending messages", 0), "You're sending messages too fast — try again in 1 s.");
        assert_eq!(
            too_fast("starting conversations", 3_000_000),
            "You're starting conversations too fast — try again in 50 min."
        );
    }
}
