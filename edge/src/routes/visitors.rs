//! Visitor tokens, issued by the service for a site: a browser cannot make
//! one up, so a visitor who clears their storage to shed a ban needs a new
//! one, and issuance is limited per caller address (its /64):
//! `VISITORS_PER_ADDRESS_HOUR`, 20 by default, counted by the site's Inbox
//! admission part as conversations are.

use shared::api::VisitorIssued;
use worker::{Env, Request, Response};

use crate::error::{RouteError, RouteResult};

/// Visitor tokens one caller address may be issued per site an hour.
fn per_address_hour(env: &Env) -> usize {
    env.var("VISITORS_PER_ADDRESS_HOUR").ok().and_then(|v| v.to_string().parse().ok()).unwrap_or(20)
}

/// The caller's visitor token `given` if this service issued it for
/// `site`; else a new one (`Err` past the caller's issuance limit). The
/// second value is the new token, to hand back.
pub async fn own_or_new(
    req: &Request,
    env: &Env,
    site: &str,
    given: Option<&str>,
) -> Result<(String, Option<String>), RouteError> {
    let key = crate::auth::token_key(env).unwrap_or_default();
    if let Some(token) = given.filter(|t| crate::auth::visitor_token_valid(&key, site, t)) {
        return Ok((token.to_owned(), None));
    }
    let address = super::accounts::address(req)?;
    let counter = format!("vi:{}", &crate::auth::token_digest(&address)[..16]);
    if let Err(wait_ms) = crate::calls::inbox::admit(env, site, &counter, per_address_hour(env)).await? {
        return Err(RouteError::Said(shared::Refusal::too_fast("arriving as new visitors", wait_ms)));
    }
    let token = crate::auth::new_visitor_token(&key, site);
    Ok((token.clone(), Some(token)))
}

/// Whether `token` is a visitor token this service issued for `site`.
pub fn issued(env: &Env, site: &str, token: &str) -> bool {
    crate::auth::visitor_token_valid(&crate::auth::token_key(env).unwrap_or_default(), site, token)
}

/// `POST /api/sites/{site}/visitors` → 201 [`VisitorIssued`]: a new
/// visitor token for the site (the channel app asks when it has none).
pub async fn issue(req: Request, env: &Env, site: &str) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("visitor tokens are issued only to this service's own pages".into()));
    }
    if crate::settings_cache::settings(env, site).await?.is_none() {
        return Err(RouteError::UnknownSite(site.to_owned()));
    }
    let (_, issued) = own_or_new(&req, env, site, None).await?;
    let visitor = issued.ok_or_else(|| crate::error::internal("no token issued"))?;
    Ok(Response::from_json(&VisitorIssued { visitor })?.with_status(201))
}
