//! The Worker's side of console accounts: calls to an organisation's
//! object, the session cookie (`__Host-` prefixed, `HttpOnly; Secure; SameSite=Strict`),
//! and the check every console route and socket makes — signed in, allowed
//! by the role, the site one of the caller's organisation, and for a
//! state-changing request the same origin and the session's anti-CSRF token.

use serde::de::DeserializeOwned;
use shared::api::CSRF_HEADER;
use shared::staff::{Capability, Me};
use shared::{ErrorCode, SiteId};
use worker::{Env, Method, Request, RequestInit, Response};

use crate::error::RouteError;
use crate::org::ops::{Check, Checked, OrgOp, Rotation};

/// The session cookie's name. `__Host-`: only set over a secure origin, for
/// `/`, by this host (no sub-domain can plant one).
pub const COOKIE: &str = "__Host-chat_session";

/// A duration setting in seconds from the environment, or `default`.
pub fn seconds(env: &Env, name: &str, default: u64) -> u64 {
    env.var(name).ok().and_then(|v| v.to_string().parse().ok()).unwrap_or(default)
}

/// How long a session lives unused (`SESSION_TTL_SECONDS`, 12 h by
/// default; never more than [`max_ms`]).
pub fn ttl_ms(env: &Env) -> u64 {
    (seconds(env, "SESSION_TTL_SECONDS", 12 * 3600) * 1000).min(max_ms(env))
}

/// The absolute lifetime of a sign-in, however much it is used and rotated
/// (`SESSION_MAX_SECONDS`, 7 days by default): then the password again.
pub fn max_ms(env: &Env) -> u64 {
    seconds(env, "SESSION_MAX_SECONDS", 7 * 24 * 3600) * 1000
}

/// Runs `op` in organisation `org`'s object; its refusals become route errors.
pub async fn org<R: DeserializeOwned>(env: &Env, org: &str, op: OrgOp) -> Result<R, RouteError> {
    let stub = env.durable_object(crate::org::BINDING)?.get_by_name(org)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(serde_json::to_string(&op).map_err(crate::error::internal)?.into()));
    let mut resp = stub.fetch_with_request(Request::new_with_init("https://org/", &init)?).await?;
    if resp.status_code() == 200 {
        return Ok(resp.json().await?);
    }
    Err(RouteError::Said(resp.json().await?))
}

/// The session token from the request's cookie and the organisation it
/// names, if it is a token this deployment made (a made-up cookie reaches
/// no object).
pub fn token(req: &Request, env: &Env) -> Option<(String, String)> {
    let cookies = req.headers().get("Cookie").ok().flatten()?;
    let token = cookies.split(';').find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))?;
    let org = crate::auth::org_of(token, &crate::auth::token_key(env)?)?.to_owned();
    Some((token.to_owned(), org))
}

/// The `Set-Cookie` value for a session token.
pub fn cookie(token: &str, max_age_s: u64) -> String {
    format!("{COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_s}")
}

/// The `Set-Cookie` value that deletes the session cookie.
pub fn cleared_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0")
}

/// Adds `Set-Cookie` to a response.
pub fn with_cookie(resp: Response, value: &str) -> Result<Response, RouteError> {
    let mut resp = resp;
    resp.headers_mut().append("Set-Cookie", value)?;
    Ok(resp)
}

/// Whether `req` changes state (and so needs the anti-CSRF token).
fn changes_state(req: &Request) -> bool {
    !matches!(req.method(), Method::Get | Method::Head | Method::Options)
}

/// The signed-in caller, if their role may do `cap` (and they need not
/// enrol in two-factor sign-in first).
pub async fn staff(req: &Request, env: &Env, cap: Capability) -> Result<Me, RouteError> {
    checked(req, env, cap, None, Gate::Enrolled).await.map(|c| c.me)
}

/// The signed-in caller, even one whose organisation requires two-factor
/// sign-in they have not set up yet (enrolling, signing out).
pub async fn staff_enrolling(req: &Request, env: &Env) -> Result<Me, RouteError> {
    checked(req, env, Capability::ReadConversations, None, Gate::Enrolling).await.map(|c| c.me)
}

/// Whether a route serves people who must enrol in two-factor sign-in first.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// No: they are refused until they have.
    Enrolled,
    /// Yes (the session, enrolment, signing out).
    Enrolling,
}

/// [`staff`] that may also rotate the session (the session route).
pub async fn checked(
    req: &Request,
    env: &Env,
    cap: Capability,
    rotate: Option<Rotation>,
    gate: Gate,
) -> Result<Checked, RouteError> {
    if req.path().starts_with("/api/v1/") {
        return key_caller(req, env, cap).await;
    }
    let (token, org_id) = token(req, env).ok_or(RouteError::Unauthorized)?;
    if changes_state(req) && !crate::routes::same_origin(req)? {
        return Err(RouteError::CrossOrigin("requests are accepted only from this service's own pages".into()));
    }
    let checked: Checked = org(env, &org_id, OrgOp::Session(Check { token, rotate })).await?;
    if changes_state(req) {
        let given = req.headers().get(CSRF_HEADER)?.unwrap_or_default();
        if !crate::auth::secrets_equal(&given, &checked.me.csrf) {
            return Err(RouteError::refused(ErrorCode::Forbidden, "missing or wrong anti-CSRF token"));
        }
    }
    if gate == Gate::Enrolled && checked.me.two_factor.due() {
        let msg = "your organisation requires two-factor sign-in: set it up first";
        return Err(RouteError::refused(ErrorCode::Forbidden, msg));
    }
    if !checked.me.role.may(cap) {
        let msg = format!("a {} may not do this", checked.me.role.as_str());
        return Err(RouteError::refused(ErrorCode::Forbidden, msg));
    }
    Ok(checked)
}

/// A REST API caller: the site's API key in `Authorization: Bearer`, if
/// its scope may do `cap`. The key names its organisation (a made-up one
/// reaches no object); no cookie, so no anti-CSRF token.
async fn key_caller(req: &Request, env: &Env, cap: Capability) -> Result<Checked, RouteError> {
    let header = req.headers().get("Authorization")?.unwrap_or_default();
    let key = header.strip_prefix("Bearer ").map(str::trim).ok_or(RouteError::Unauthorized)?;
    let signed = key.strip_prefix(shared::keys::KEY_PREFIX).ok_or(RouteError::Unauthorized)?;
    let secret = crate::auth::token_key(env).ok_or(RouteError::Unauthorized)?;
    let org_id = crate::auth::org_of(signed, &secret).ok_or(RouteError::Unauthorized)?.to_owned();
    let caller: crate::org::keys::KeyCaller = org(env, &org_id, OrgOp::KeyCheck(key.to_owned())).await?;
    if !caller.scope.may(cap) {
        let msg = format!("a {} key may not do this", caller.scope.as_str());
        return Err(RouteError::refused(ErrorCode::Forbidden, msg));
    }
    Ok(Checked { me: caller.me, rotated: None, line: String::new() })
}

/// The site `site` if it is one of the caller's organisation. Any other id
/// — another organisation's or none — is "unknown": nothing tells them apart.
pub fn own_site(me: &Me, site: &str) -> Result<SiteId, RouteError> {
    me.sites
        .iter()
        .find(|s| s.id.as_str() == site)
        .map(|s| s.id.clone())
        .ok_or_else(|| RouteError::UnknownSite(site.to_owned()))
}
