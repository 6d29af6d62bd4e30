//! Customer routes: start a conversation, attach the customer's socket.

use shared::api::{ConversationCreated, CreateConversation};
use shared::{ConversationId, ErrorCode};
use worker::{Env, Request, Response};

use super::{query, site_known, socket_request};
use crate::conversation::{sql::Meta, ROLE_HEADER, TOKEN_HEADER};
use crate::error::{RouteError, RouteResult};
use crate::socket;

/// Name of the Conversation binding in `wrangler.toml`.
pub const BINDING: &str = "CONVERSATION";

/// `POST /api/conversations` `{"site": "..."}` → 201 `{"conversation", "token"}`.
pub async fn create(mut req: Request, env: &Env) -> RouteResult {
    let body: CreateConversation =
        req.json().await.map_err(|e| RouteError::BadRequest(format!("expected {{\"site\": \"...\"}}: {e}")))?;
    if !site_known(env, body.site.as_str()) {
        return Err(RouteError::UnknownSite(body.site.to_string()));
    }
    let conversation = crate::auth::new_conversation_id();
    let token = crate::auth::new_token();
    let meta = Meta {
        conversation: conversation.clone(),
        site: body.site,
        token_digest: crate::auth::token_digest(&token),
        created_at: worker::Date::now().as_millis(),
    };
    let stub = env.durable_object(BINDING)?.get_by_name(conversation.as_str())?;
    crate::stub::post_json(&stub, "https://object/init", &meta, 201).await?;
    Ok(Response::from_json(&ConversationCreated { conversation, token })?.with_status(201))
}

/// `GET /api/conversations/{id}/ws?token=...&after=N`: the customer's socket.
/// A bad id or token is answered on the socket with a typed error.
pub async fn customer_socket(req: Request, env: &Env, id: &str) -> RouteResult {
    if !socket::is_upgrade(&req) {
        return Err(RouteError::UpgradeRequired);
    }
    let Ok(id) = id.parse::<ConversationId>() else {
        return Ok(socket::refuse(
            ErrorCode::UnknownConversation,
            "no conversation has this id",
            crate::socket::CLOSE_NOT_FOUND,
        )?);
    };
    let Some(token) = query(&req, "token")? else {
        return Ok(socket::refuse(ErrorCode::Unauthorized, "a token is required", crate::socket::CLOSE_UNAUTHORIZED)?);
    };
    let inner = socket_request(&req, &[(ROLE_HEADER, "customer"), (TOKEN_HEADER, &token)])?;
    let stub = env.durable_object(BINDING)?.get_by_name(id.as_str())?;
    Ok(stub.fetch_with_request(inner).await?)
}
