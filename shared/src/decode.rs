//! Decoding of client frames into typed envelopes, with a typed error for
//! every way a frame can be wrong. The error remembers the frame's id when it
//! could be read, so the answer can say which frame it refuses.

use serde_json::Value;

use crate::ids::ClientMsgId;
use crate::protocol::{ClientEnvelope, ClientMsg, ErrorCode, ServerEnvelope, PROTOCOL_VERSION};
use crate::refusal::{Detail, Refusal};
use crate::text::{validate_text, TextError, MAX_MESSAGE_CHARS};

/// Largest client frame read at all, in bytes. A maximal message (4,000
/// characters, each escaped to six bytes in JSON) fits with room to spare.
pub const MAX_FRAME_BYTES: usize = 32 * 1024;

/// A client frame that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    /// The frame's id, if it had a well-formed one.
    pub re: Option<String>,
    /// What went wrong.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
    /// The particulars (a text's limit), for a client to say it in its words.
    pub detail: Option<Detail>,
}

impl DecodeError {
    fn new(re: Option<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { re, code, message: message.into(), detail: None }
    }

    /// The error frame that answers the refused frame.
    pub fn into_frame(self) -> ServerEnvelope {
        let Self { re, code, message, detail } = self;
        ServerEnvelope::refused(re, Refusal { code, message, detail })
    }
}

/// Parses and checks one client frame: size, JSON, version, id, type, shape,
/// and the text of a `send`.
pub fn decode_client(frame: &str) -> Result<ClientEnvelope, DecodeError> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(DecodeError::new(
            None,
            ErrorCode::FrameTooLarge,
            format!("frames are limited to {MAX_FRAME_BYTES} bytes"),
        ));
    }
    let value: Value = serde_json::from_str(frame)
        .map_err(|e| DecodeError::new(None, ErrorCode::Malformed, format!("not JSON: {e}")))?;
    let Value::Object(obj) = &value else {
        return Err(DecodeError::new(None, ErrorCode::Malformed, "a frame is a JSON object"));
    };
    let re = match obj.get("id") {
        Some(Value::String(id)) if ClientMsgId::check(id).is_ok() => Some(id.clone()),
        Some(Value::String(_)) => {
            return Err(DecodeError::new(None, ErrorCode::InvalidId, crate::IdError::ClientMsg.to_string()))
        }
        _ => return Err(DecodeError::new(None, ErrorCode::Malformed, "a frame needs a string \"id\"")),
    };
    match obj.get("v").and_then(Value::as_u64) {
        Some(v) if v == u64::from(PROTOCOL_VERSION) => {}
        Some(v) => {
            return Err(DecodeError::new(
                re,
                ErrorCode::UnsupportedVersion,
                format!("protocol version {v} is not supported; this server speaks {PROTOCOL_VERSION}"),
            ))
        }
        None => return Err(DecodeError::new(re, ErrorCode::Malformed, "a frame needs a numeric \"v\"")),
    }
    let kind = match obj.get("msg") {
        Some(Value::Object(m)) if m.len() == 1 => m.keys().next().map(String::as_str),
        Some(Value::String(k)) => Some(k.as_str()),
        _ => None,
    };
    match kind {
        Some(k) if ClientMsg::TYPES.contains(&k) => {}
        Some(k) => {
            let k: String = k.chars().take(40).collect();
            return Err(DecodeError::new(re, ErrorCode::UnknownType, format!("unknown message type {k:?}")));
        }
        None => {
            return Err(DecodeError::new(
                re,
                ErrorCode::Malformed,
                "\"msg\" is an object with one key, the message type",
            ))
        }
    }
    let env: ClientEnvelope =
        serde_json::from_value(value).map_err(|e| DecodeError::new(re.clone(), ErrorCode::Malformed, e.to_string()))?;
    if let ClientMsg::Send { text } | ClientMsg::Whisper { text } = &env.msg {
        validate_text(text).map_err(|e| {
            let refused = |code| DecodeError::new(re.clone(), code, e.to_string());
            match e {
                TextError::Empty => refused(ErrorCode::EmptyMessage),
                TextError::TooLong { .. } => DecodeError {
                    detail: Some(Detail::Max { max: MAX_MESSAGE_CHARS as u64 }),
                    ..refused(ErrorCode::MessageTooLong)
                },
            }
        })?;
    }
    // A file comes by upload, which checks and stores it: never as a frame.
    if let ClientMsg::Act { event: crate::workflow::Event::File(_) } = &env.msg {
        return Err(DecodeError::new(re, ErrorCode::Forbidden, "files are sent by upload, not as a frame"));
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(frame: &str) -> (Option<String>, ErrorCode) {
        let e = decode_client(frame).expect_err(frame);
        (e.re, e.code)
    }

    #[test]
    fn accepts_well_formed_frames() {
        let env = decode_client(r#"{"v":1,"id":"c1","msg":{"send":{"text":"hi"}}}"#).unwrap();
        assert_eq!(env.msg, ClientMsg::Send { text: "hi".into() });
        let env = decode_client(r#"{"v":1,"id":"s","msg":{"sync":{"after":3}}}"#).unwrap();
        assert_eq!(env.msg, ClientMsg::Sync { after: 3 });
    }

    #[test]
    fn a_file_is_never_a_frame() {
        let file = r#"{"id":"00000000000000000000000000000000","name":"a.png","type":"png","size":1,"key":"k"}"#;
        let frame = format!(r#"{{"v":1,"id":"f1","msg":{{"act":{{"event":{{"file":{file}}}}}}}}}"#);
        assert_eq!(code(&frame), (Some("f1".into()), ErrorCode::Forbidden));
    }

    #[test]
    fn refuses_bad_frames_with_their_code() {
        let long = "a".repeat(crate::MAX_MESSAGE_CHARS + 1);
        let too_long = format!(r#"{{"v":1,"id":"c2","msg":{{"send":{{"text":"{long}"}}}}}}"#);
        let huge = format!(r#"{{"v":1,"id":"c3","msg":{{"send":{{"text":"{}"}}}}}}"#, "a".repeat(MAX_FRAME_BYTES));
        let c1 = Some("c1".to_string());
        let cases: Vec<(&str, (Option<String>, ErrorCode))> = vec![
            ("not json", (None, ErrorCode::Malformed)),
            ("[1,2]", (None, ErrorCode::Malformed)),
            (r#"{"v":1,"msg":{"send":{"text":"x"}}}"#, (None, ErrorCode::Malformed)),
            (r#"{"v":1,"id":"bad id","msg":{"send":{"text":"x"}}}"#, (None, ErrorCode::InvalidId)),
            (r#"{"id":"c1","msg":{"send":{"text":"x"}}}"#, (c1.clone(), ErrorCode::Malformed)),
            (r#"{"v":2,"id":"c1","msg":{"send":{"text":"x"}}}"#, (c1.clone(), ErrorCode::UnsupportedVersion)),
            (r#"{"v":1,"id":"c1","msg":{"shout":{}}}"#, (c1.clone(), ErrorCode::UnknownType)),
            (r#"{"v":1,"id":"c1","msg":{}}"#, (c1.clone(), ErrorCode::Malformed)),
            (r#"{"v":1,"id":"c1","msg":{"send":{"txt":"x"}}}"#, (c1.clone(), ErrorCode::Malformed)),
            (r#"{"v":1,"id":"c1","msg":{"send":{"text":"   "}}}"#, (c1.clone(), ErrorCode::EmptyMessage)),
            (&too_long, (Some("c2".into()), ErrorCode::MessageTooLong)),
            (&huge, (None, ErrorCode::FrameTooLarge)),
        ];
        for (frame, want) in cases {
            assert_eq!(code(frame), want, "{}", &frame[..frame.len().min(80)]);
        }
    }

    #[test]
    fn error_frame_names_the_refused_frame() {
        let e = decode_client(r#"{"v":1,"id":"c9","msg":{"nope":{}}}"#).unwrap_err();
        let frame = serde_json::to_string(&e.into_frame()).unwrap();
        assert!(frame.starts_with(r#"{"v":1,"re":"c9","msg":{"error":{"code":"unknownType""#), "{frame}");
    }
}
