//! JSON bodies of the HTTP routes (everything else goes over WebSockets).

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, SiteId};
use crate::protocol::ErrorCode;

/// `POST /api/conversations`: start a conversation on a site. It runs the
/// support workflow, or sales when it answers a proactive trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateConversation {
    /// The site whose widget asks.
    pub site: SiteId,
    /// The proactive trigger the customer answered: its greeting becomes
    /// the first (operator) message and the workflow is sales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    /// Pre-chat form answers (field id, value), collected into the workflow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, String)>,
    /// The visitor's token (64 hex digits, kept by the loader on the host
    /// page): what ties sanctions to this browser across conversations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor: Option<String>,
}

impl CreateConversation {
    /// A plain request for `site`.
    pub fn new(site: SiteId) -> Self {
        Self { site, trigger: None, fields: Vec::new(), visitor: None }
    }
}

/// Answer to [`CreateConversation`]: the conversation and the secret that
/// gives its customer access. The token is shown once; the server keeps only
/// its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationCreated {
    /// The new conversation.
    pub conversation: ConversationId,
    /// The customer's secret (64 hex digits).
    pub token: String,
}

/// Body of every refused HTTP request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
}

/// Path of [`CreateConversation`] (`POST`).
pub const CONVERSATIONS_PATH: &str = "/api/conversations";

/// Path of a site's full configuration in the console (`GET`, `PUT`,
/// [`crate::site::SiteConfig`]).
pub fn site_config_path(site: &str, key: &str) -> String {
    format!("/api/console/sites/{}/config?key={}", encode_query(site), encode_query(key))
}

/// Path of a customer's conversation socket, resuming after `after`.
pub fn customer_socket_path(conversation: &str, token: &str, after: u64) -> String {
    let (c, t) = (encode_query(conversation), encode_query(token));
    format!("{CONVERSATIONS_PATH}/{c}/ws?token={t}&after={after}")
}

/// Path of an operator's conversation socket, resuming after `after`.
pub fn operator_socket_path(conversation: &str, key: &str, after: u64) -> String {
    let (c, k) = (encode_query(conversation), encode_query(key));
    format!("/api/console/conversations/{c}/ws?key={k}&after={after}")
}

/// Path of an operator's inbox socket for `site`.
pub fn inbox_socket_path(site: &str, key: &str) -> String {
    format!("/api/console/sites/{}/inbox/ws?key={}", encode_query(site), encode_query(key))
}

/// Path of a customer's channel socket: the visitor's token, the display
/// name, resuming after `after`.
pub fn channel_socket_path(site: &str, channel: &str, visitor: &str, name: &str, after: u64) -> String {
    let (s, c, v, n) = (encode_query(site), encode_query(channel), encode_query(visitor), encode_query(name));
    format!("/api/sites/{s}/channels/{c}/ws?visitor={v}&name={n}&after={after}")
}

/// Path of a moderator's channel socket.
pub fn operator_channel_path(site: &str, channel: &str, key: &str, name: &str, after: u64) -> String {
    let (s, c, k, n) = (encode_query(site), encode_query(channel), encode_query(key), encode_query(name));
    format!("/api/console/sites/{s}/channels/{c}/ws?key={k}&name={n}&after={after}")
}

/// Whether a visitor token has the right form (64 lower-case hex digits).
pub fn visitor_token_ok(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Percent-encodes a path segment or query value: every byte but
/// `A–Z a–z 0–9 - _` becomes `%XX`.
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push('%');
            out.push_str(&crate::ids::hex(&[b]).to_ascii_uppercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_paths_encode_what_they_carry() {
        assert_eq!(encode_query("a-Z_9"), "a-Z_9");
        assert_eq!(encode_query("k&y=1 é"), "k%26y%3D1%20%C3%A9");
        assert_eq!(customer_socket_path("c1", "t", 3), "/api/conversations/c1/ws?token=t&after=3");
        assert_eq!(operator_socket_path("c1", "a&b", 0), "/api/console/conversations/c1/ws?key=a%26b&after=0");
        assert_eq!(inbox_socket_path("demo", "k"), "/api/console/sites/demo/inbox/ws?key=k");
    }
}
