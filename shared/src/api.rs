//! JSON bodies of the HTTP routes (everything else goes over WebSockets).

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, SiteId};
use crate::protocol::ErrorCode;

/// `POST /api/conversations`: start a conversation on a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateConversation {
    /// The site whose widget asks.
    pub site: SiteId,
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
