//! `GET /widget?site=…` and `GET /channel?site=…`: the two app pages a
//! host page embeds, served from the static assets with the site's own
//! `frame-ancestors` (its allowed origins; `'none'` for an unknown site),
//! so no other page can frame the chat.

use shared::SiteId;
use worker::{Env, Request, Response};

use super::query;
use crate::error::RouteResult;

/// The app page `name` (`widget` or `channel`) for the request's site.
pub async fn app(req: &Request, env: &Env, name: &str) -> RouteResult {
    let url = req.url()?;
    let mut asset = env.assets("ASSETS")?.fetch(format!("{}/{name}", url.origin().ascii_serialization()), None).await?;
    if asset.status_code() != 200 {
        return Err(crate::error::internal(format!("asset /{name} answered {}", asset.status_code())).into());
    }
    let html = asset.text().await?;
    let config = match query(req, "site")?.and_then(|s| s.parse::<SiteId>().ok()) {
        Some(site) => crate::settings_cache::settings(env, site.as_str()).await?,
        None => None,
    };
    let ancestors = config.map_or_else(|| "'none'".into(), |c| c.config.frame_ancestors());
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https:; \
         connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; form-action 'self'"
    );
    let mut resp = Response::from_html(html)?;
    resp.headers_mut().set("Content-Security-Policy", &csp)?;
    Ok(resp)
}
