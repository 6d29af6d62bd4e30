//! Ids used on the wire and their formats: conversations (unguessable, issued
//! by the server), sites (chosen by the site owner) and client message ids
//! (chosen by the sender, used as idempotency keys).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// A conversation id is 32 lowercase hex digits (128 random bits).
    #[error("a conversation id is 32 lowercase hex digits")]
    Conversation,
    /// A site id is 1–40 of `[a-z0-9-]`.
    #[error("a site id is 1-40 characters of a-z, 0-9 and '-'")]
    Site,
    /// A client message id is 1–64 of `[A-Za-z0-9_-]`.
    #[error("a message id is 1-64 characters of A-Z, a-z, 0-9, '_' and '-'")]
    ClientMsg,
}

/// Id of a conversation: 32 lowercase hex digits, generated from 128 random
/// bits by the Worker. Knowing it is not enough to read the conversation: the
/// customer's token or an operator's credentials are needed too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ConversationId(String);

impl ConversationId {
    /// Makes an id from 16 random bytes.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(hex(&bytes))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ConversationId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        let ok = s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then_some(Self(s)).ok_or(IdError::Conversation)
    }
}

impl std::str::FromStr for ConversationId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::try_from(s.to_owned())
    }
}

impl From<ConversationId> for String {
    fn from(id: ConversationId) -> String {
        id.0
    }
}

impl fmt::Display for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Id of a site (one website that embeds the widget): 1–40 of `[a-z0-9-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteId(String);

impl SiteId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SiteId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        let ok = (1..=40).contains(&s.len()) && s.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'));
        ok.then_some(Self(s)).ok_or(IdError::Site)
    }
}

impl std::str::FromStr for SiteId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::try_from(s.to_owned())
    }
}

impl From<SiteId> for String {
    fn from(id: SiteId) -> String {
        id.0
    }
}

impl fmt::Display for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a client-chosen frame id (1–64 of `[A-Za-z0-9_-]`).
pub struct ClientMsgId;

impl ClientMsgId {
    /// Longest accepted client frame id, in bytes.
    pub const MAX_LEN: usize = 64;

    /// `Ok` if `id` is a well-formed client frame id.
    pub fn check(id: &str) -> Result<(), IdError> {
        let ok = (1..=Self::MAX_LEN).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        ok.then_some(()).ok_or(IdError::ClientMsg)
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_ids() {
        let id = ConversationId::from_random([0xab; 16]);
        assert_eq!(id.as_str(), "abababababababababababababababab");
        for bad in ["", "ABABABABABABABABABABABABABABABAB", "abab", "zbababababababababababababababab"] {
            assert_eq!(bad.parse::<ConversationId>(), Err(IdError::Conversation), "{bad:?}");
        }
        assert!(serde_json::from_str::<ConversationId>("\"nope\"").is_err());
    }

    #[test]
    fn site_ids() {
        assert!("demo".parse::<SiteId>().is_ok());
        assert!("my-shop-2".parse::<SiteId>().is_ok());
        for bad in ["", "Demo", "a b", "x/y", &"a".repeat(41)] {
            assert_eq!(bad.parse::<SiteId>(), Err(IdError::Site), "{bad:?}");
        }
    }

    #[test]
    fn client_msg_ids() {
        assert!(ClientMsgId::check("c-1_A").is_ok());
        assert!(ClientMsgId::check(&"a".repeat(64)).is_ok());
        for bad in ["", "a b", "é", "<img>", &"a".repeat(65)] {
            assert_eq!(ClientMsgId::check(bad), Err(IdError::ClientMsg), "{bad:?}");
        }
    }
}
