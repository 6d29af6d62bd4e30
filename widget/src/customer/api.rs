//! The widget's HTTP calls: start a conversation, read the site's widget
//! configuration; typed with `shared::api`.

use shared::api::{widget_config_path, ConversationCreated, CreateConversation, CONVERSATIONS_PATH};
use shared::site::WidgetConfig;

use crate::http::{request, UNREADABLE};

/// `POST /api/conversations`; the error is a sentence for the customer.
pub async fn create_conversation(body: &CreateConversation) -> Result<ConversationCreated, String> {
    let body = crate::json::encode(body).ok_or(UNREADABLE)?;
    let text = request("POST", CONVERSATIONS_PATH, Some(body)).await?;
    crate::json::decode(&text).ok_or_else(|| UNREADABLE.to_string())
}

/// `GET /api/sites/{site}/widget`.
pub async fn widget_config(site: &str) -> Result<WidgetConfig, String> {
    let text = request("GET", &widget_config_path(site), None).await?;
    crate::json::decode(&text).ok_or_else(|| UNREADABLE.to_string())
}
