//! The widget's one HTTP call: start a conversation (typed with
//! `shared::api`). The site's widget configuration comes from the loader.

use shared::api::{ConversationCreated, CreateConversation, CONVERSATIONS_PATH};

use crate::http::{request, UNREADABLE};

/// `POST /api/conversations`; the error is a sentence for the customer.
pub async fn create_conversation(body: &CreateConversation) -> Result<ConversationCreated, String> {
    let text = request("POST", CONVERSATIONS_PATH, Some(crate::wire::create(body))).await?;
    crate::wire::created(&text).ok_or_else(|| UNREADABLE.to_string())
}
