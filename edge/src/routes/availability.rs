//! `GET /api/sites/{site}/availability`: what a customer can expect now,
//! for the loader when the chat opens — someone online within the site's
//! hours (and the usual wait), or away until the next opening. The hours
//! come from the isolate's settings copy; who is online from the site's
//! list part, asked at most once per isolate and site every
//! `SETTINGS_CACHE_SECONDS` (the answer is kept that long), so opening
//! chats adds no load that grows with them.

use std::cell::RefCell;
use std::collections::HashMap;

use shared::api::Availability;
use shared::SiteId;
use worker::{Env, Request, Response};

use crate::calls::inbox::Reach;
use crate::error::{RouteError, RouteResult};

thread_local! {
    /// Per site: who could take a chat, and when that was asked.
    static REACH: RefCell<HashMap<String, (Reach, u64)>> = RefCell::new(HashMap::new());
}

/// Who can take the site's new chat, asked again after the cache period.
async fn reach(env: &Env, site: &str, now: u64) -> worker::Result<Reach> {
    let fresh_ms = crate::session::seconds(env, "SETTINGS_CACHE_SECONDS", 10) * 1000;
    if let Some((r, _)) =
        REACH.with_borrow(|c| c.get(site).copied()).filter(|(_, at)| now.saturating_sub(*at) < fresh_ms)
    {
        return Ok(r);
    }
    let r = crate::calls::inbox::reach(env, site).await?;
    REACH.with_borrow_mut(|c| {
        if c.len() >= crate::settings_cache::MOST {
            c.retain(|_, (_, at)| now.saturating_sub(*at) < fresh_ms);
        }
        c.insert(site.to_owned(), (r, now));
    });
    Ok(r)
}

/// The site's availability for a host page of one of its allowed origins.
pub async fn availability(req: &Request, env: &Env, site: &str) -> RouteResult {
    let site: SiteId = site.parse().map_err(|_| RouteError::UnknownSite(site.to_owned()))?;
    let (settings, origin) = super::conversations::embedding(req, env, &site).await?;
    let config = &settings.config;
    let now = worker::Date::now().as_millis();
    let hours = match shared::hours::hours_of(&config.hours, None) {
        Some(h) => shared::hours::status(h, now).map_err(RouteError::BadRequest)?,
        None => shared::hours::Status { open: true, next_open: None },
    };
    let answer = if hours.open {
        let r = reach(env, site.as_str(), now).await?;
        Availability {
            online: r.online > 0,
            reply_ms: r.wait_ms.filter(|_| r.online > 0),
            away: false,
            next_open: None,
        }
    } else {
        Availability { online: false, reply_ms: None, away: true, next_open: hours.next_open }
    };
    super::conversations::allow_origin(Response::from_json(&answer)?, &origin)
}
