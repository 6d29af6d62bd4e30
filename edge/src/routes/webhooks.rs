//! A site's webhooks, for owners and admins: `GET` and `POST
//! /api/console/sites/{site}/webhooks` (list; add an endpoint: checked,
//! its secret answered once), `POST …/webhooks/{id}/delete`, `GET
//! …/webhooks/deliveries?hook=` (the delivery log, newest 100) and `POST
//! …/webhooks/deliveries/{id}/replay` (the same event again, as a new
//! delivery). Each is one call to the site's hooks part.

use shared::staff::Capability;
use shared::webhooks::NewHook;
use worker::{Env, Method, Request};

use crate::calls::inbox::InboxCall;
use crate::error::{RouteError, RouteResult};
use crate::session::{own_site, staff};

/// Whether endpoints may be `http://` (`HOOKS_HTTP = "on"`: development,
/// whose receivers run on the same machine).
fn allow_http(env: &Env) -> bool {
    env.var("HOOKS_HTTP").map(|v| v.to_string() == "on").unwrap_or(false)
}

/// The hooks part's answer: as it is when it succeeded, else its words as the refusal.
async fn answer(env: &Env, site: &str, call: InboxCall) -> RouteResult {
    let mut resp = crate::calls::inbox::hooks(env, site, &call).await?;
    match resp.status_code() {
        200..=299 => super::relay(resp).await,
        404 => Err(RouteError::NotFound),
        _ => Err(RouteError::BadRequest(resp.text().await?)),
    }
}

/// `GET` (the endpoints) or `POST` a [`NewHook`] (→ 201 `CreatedHook`).
pub async fn hooks(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    if req.method() == Method::Get {
        return answer(env, site.as_str(), InboxCall::Hooks).await;
    }
    let new: NewHook = super::json(&mut req, "{\"url\", \"events\"}", super::MAX_BODY).await?;
    let hook = shared::webhooks::check(&new, allow_http(env)).map_err(|e| RouteError::BadRequest(e.to_string()))?;
    answer(env, site.as_str(), InboxCall::AddHook { site: site.to_string(), hook, by: me.name }).await
}

/// `POST …/webhooks/{id}/delete`.
pub async fn remove(req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    answer(env, site.as_str(), InboxCall::RemoveHook { site: site.to_string(), id: id.to_owned() }).await
}

/// `GET …/webhooks/deliveries?hook=`.
pub async fn deliveries(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    let hook = super::query(&req, "hook")?.filter(|h| !h.is_empty());
    answer(env, site.as_str(), InboxCall::Deliveries { hook }).await
}

/// `POST …/webhooks/deliveries/{id}/replay` → 201 the new delivery.
pub async fn replay(req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    let delivery = id.parse::<u64>().map_err(|_| RouteError::NotFound)?;
    answer(env, site.as_str(), InboxCall::Replay { delivery }).await
}
