//! Operator routes: the site inbox socket, a conversation socket, a channel
//! socket, the moderation desk (forwarded to the site's Inbox) and the
//! site's configuration, all behind the operator key (`OPERATOR_KEY` in `.dev.vars`) until real
//! accounts exist. Without a configured key the console is closed.

use shared::site::SiteConfig;
use shared::{ConversationId, ErrorCode, SiteId};
use worker::{Env, Request, Response};

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

/// The checks of every operator socket: an upgrade, from the console's own
/// origin, with the operator key; `Some` is the refusal to answer with.
fn operator_handshake(req: &Request, env: &Env) -> Result<Option<Response>, RouteError> {
    if !socket::is_upgrade(req) {
        return Err(RouteError::UpgradeRequired);
    }
    if let Some(refused) = super::refuse_cross_origin(req)? {
        return Ok(Some(refused));
    }
    if !operator_key_ok(req, env)? {
        return Ok(Some(socket::refuse(ErrorCode::Unauthorized, "wrong operator key", CLOSE_UNAUTHORIZED)?));
    }
    Ok(None)
}

/// `GET /api/console/conversations/{id}/ws?key=...&after=N`.
pub async fn conversation_socket(req: Request, env: &Env, id: &str) -> RouteResult {
    if let Some(refused) = operator_handshake(&req, env)? {
        return Ok(refused);
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
    if let Some(refused) = operator_handshake(&req, env)? {
        return Ok(refused);
    }
    let site = match site.parse::<SiteId>() {
        Ok(site) if site_known(env, site.as_str()) => site,
        _ => return Ok(socket::refuse(ErrorCode::UnknownSite, "no site has this id", CLOSE_NOT_FOUND)?),
    };
    let inner = socket_request(&req, &[])?;
    let stub = env.durable_object(crate::inbox::BINDING)?.get_by_name(site.as_str())?;
    Ok(stub.fetch_with_request(inner).await?)
}

/// `GET` / `PUT /api/console/sites/{site}/config?key=...`: the site's
/// configuration, read or replaced whole (validated; the error names the
/// first problem).
pub async fn site_config(mut req: Request, env: &Env, site: &str) -> RouteResult {
    if !operator_key_ok(&req, env)? {
        return Err(RouteError::Unauthorized);
    }
    let site = match site.parse::<SiteId>() {
        Ok(site) if site_known(env, site.as_str()) => site,
        _ => return Err(RouteError::UnknownSite(site.to_owned())),
    };
    if req.method() == worker::Method::Put {
        let config: SiteConfig =
            req.json().await.map_err(|e| RouteError::BadRequest(format!("not a site configuration: {e}")))?;
        config.validate().map_err(RouteError::BadRequest)?;
        shared::moderation::Rules::new(config.rules.clone()).map_err(|e| RouteError::BadRequest(e.to_string()))?;
        crate::inbox::save_config(env, site.as_str(), &config).await?;
        return Ok(Response::from_json(&config)?);
    }
    Ok(Response::from_json(&crate::inbox::config(env, site.as_str()).await?)?)
}

/// The site of a console HTTP route, checked with the operator key.
fn console_site(req: &Request, env: &Env, site: &str) -> Result<SiteId, RouteError> {
    if !operator_key_ok(req, env)? {
        return Err(RouteError::Unauthorized);
    }
    match site.parse::<SiteId>() {
        Ok(site) if site_known(env, site.as_str()) => Ok(site),
        _ => Err(RouteError::UnknownSite(site.to_owned())),
    }
}

/// `GET /api/console/sites/{site}/channels/{channel}/ws?key=…&name=…&after=N`:
/// a moderator watching (and writing in) a channel.
pub async fn channel_socket(req: Request, env: &Env, site: &str, channel: &str) -> RouteResult {
    if let Some(refused) = operator_handshake(&req, env)? {
        return Ok(refused);
    }
    let site = match super::channels::channel_of(env, site, channel).await? {
        Ok(site) => site,
        Err((code, msg)) => return Ok(socket::refuse(code, &msg, CLOSE_NOT_FOUND)?),
    };
    let name = query(&req, "name")?.unwrap_or_default();
    let name = shared::api::encode_query(if name.trim().is_empty() { "Moderator" } else { name.trim() });
    let headers = [
        (ROLE_HEADER, "operator"),
        (crate::channel::MEMBER_HEADER, ""),
        (crate::channel::NAME_HEADER, name.as_str()),
        (crate::channel::SITE_HEADER, site.as_str()),
        (crate::channel::CHANNEL_HEADER, channel),
    ];
    let inner = socket_request(&req, &headers)?;
    let stub = env
        .durable_object(crate::channel::BINDING)?
        .get_by_name(&crate::channel::object_name(site.as_str(), channel))?;
    Ok(stub.fetch_with_request(inner).await?)
}

/// `/api/console/sites/{site}/{reports|cases|sanctions|incidents}/…?key=…&name=…`:
/// the moderation desk, answered by the site's Inbox object.
pub async fn desk(mut req: Request, env: &Env, site: &str, rest: &[&str]) -> RouteResult {
    let site = console_site(&req, env, site)?;
    let mut url = format!("https://inbox/desk/{}?site={}", rest.join("/"), shared::api::encode_query(site.as_str()));
    for param in ["name", "q", "format"] {
        if let Some(v) = query(&req, param)? {
            url.push_str(&format!("&{param}={}", shared::api::encode_query(&v)));
        }
    }
    let mut init = worker::RequestInit::new();
    init.with_method(req.method());
    if req.method() == worker::Method::Post {
        init.with_body(Some(req.text().await?.into()));
    }
    let stub = env.durable_object(crate::inbox::BINDING)?.get_by_name(site.as_str())?;
    let mut inner = stub.fetch_with_request(Request::new_with_init(&url, &init)?).await?;
    // The object's response has immutable headers; the router adds its own.
    let headers = worker::Headers::new();
    for name in ["Content-Type", "Content-Disposition"] {
        if let Some(v) = inner.headers().get(name)? {
            headers.set(name, &v)?;
        }
    }
    Ok(Response::from_bytes(inner.bytes().await?)?.with_status(inner.status_code()).with_headers(headers))
}
