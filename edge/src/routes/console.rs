//! Operator routes: the site inbox socket and a conversation socket, both
//! behind the operator key (`OPERATOR_KEY` in `.dev.vars`) until real
//! accounts exist. Without a configured key the console is closed.

use shared::{ConversationId, ErrorCode, SiteId};
use worker::{Env, Request};

use super::{query, site_known, socket_request};
use crate::auth::secrets_equal;
use crate::conversation::ROLE_HEADER;
use crate::error::{RouteError, RouteResult};
use crate::socket::{self, CLOSE_NOT_FOUND, CLOSE_UNAUTHORIZED};

/// Whether the request carries the configured operator key (`?key=`).
fn operator_key_ok(req: &Request, env: &Env) -> Result<bool, RouteError> {
    let configured = env.secret("OPERATOR_KEY").map(|v| v.to_string()).unwrap_or_default();
    let given = query(req, "key")?.unwrap_or_default();
    Ok(!configured.is_empty() && secrets_equal(&configured, &given))
}

/// `GET /api/console/conversations/{id}/ws?key=...&after=N`.
pub async fn conversation_socket(req: Request, env: &Env, id: &str) -> RouteResult {
    if !socket::is_upgrade(&req) {
        return Err(RouteError::UpgradeRequired);
    }
    if !operator_key_ok(&req, env)? {
        return Ok(socket::refuse(ErrorCode::Unauthorized, "wrong operator key", CLOSE_UNAUTHORIZED)?);
    }
    let Ok(id) = id.parse::<ConversationId>() else {
        return Ok(socket::refuse(ErrorCode::UnknownConversation, "no conversation has this id", CLOSE_NOT_FOUND)?);
    };
    let inner = socket_request(&req, &[(ROLE_HEADER, "operator")])?;
    let stub = env.durable_object(super::conversations::BINDING)?.get_by_name(id.as_str())?;
    Ok(stub.fetch_with_request(inner).await?)
}

/// `GET /api/console/sites/{site}/inbox/ws?key=...`: the site's live list.
pub async fn inbox_socket(req: Request, env: &Env, site: &str) -> RouteResult {
    if !socket::is_upgrade(&req) {
        return Err(RouteError::UpgradeRequired);
    }
    if !operator_key_ok(&req, env)? {
        return Ok(socket::refuse(ErrorCode::Unauthorized, "wrong operator key", CLOSE_UNAUTHORIZED)?);
    }
    let site = match site.parse::<SiteId>() {
        Ok(site) if site_known(env, site.as_str()) => site,
        _ => return Ok(socket::refuse(ErrorCode::UnknownSite, "no site has this id", CLOSE_NOT_FOUND)?),
    };
    let inner = socket_request(&req, &[])?;
    let stub = env.durable_object(crate::inbox::BINDING)?.get_by_name(site.as_str())?;
    Ok(stub.fetch_with_request(inner).await?)
}
