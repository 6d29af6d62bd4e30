//! A site's settings as this Worker isolate last read them, so a page view,
//! a channel join or a new conversation does not ask the site's Inbox each
//! time. An entry is used as it is for `SETTINGS_CACHE_SECONDS` (10 s by
//! default); after that the next use asks the Inbox whether the version
//! changed (a few bytes back when it did not) and keeps the answer. A save
//! through this isolate forgets its entry at once; other isolates see it
//! within the period. At most [`MOST`] sites are kept (the least recently
//! checked goes), and an unknown site id is never kept.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use shared::site::SiteConfig;
use worker::{Env, Result};

use crate::calls::inbox::{self, Settings};

/// Sites kept per isolate.
pub const MOST: usize = 1_000;

struct Entry {
    settings: Rc<Settings>,
    checked_at: u64,
}

thread_local! {
    static CACHE: RefCell<HashMap<String, Entry>> = RefCell::new(HashMap::new());
}

fn fresh_ms(env: &Env) -> u64 {
    crate::session::seconds(env, "SETTINGS_CACHE_SECONDS", 10) * 1000
}

/// The site's settings (`None`: no site has this id).
pub async fn settings(env: &Env, site: &str) -> Result<Option<Rc<Settings>>> {
    let now = worker::Date::now().as_millis();
    let kept = CACHE.with_borrow(|c| c.get(site).map(|e| (e.settings.clone(), e.checked_at)));
    let fresh = match kept {
        Some((settings, at)) if now.saturating_sub(at) < fresh_ms(env) => return Ok(Some(settings)),
        Some((settings, _)) => match inbox::settings_since(env, site, settings.version).await? {
            None => None,
            Some(None) => Some(settings),
            Some(Some(newer)) => Some(Rc::new(newer)),
        },
        None => inbox::settings(env, site).await?.map(Rc::new),
    };
    CACHE.with_borrow_mut(|c| match &fresh {
        Some(settings) => {
            if c.len() >= MOST && !c.contains_key(site) {
                let oldest = c.iter().min_by_key(|(_, e)| e.checked_at).map(|(k, _)| k.clone());
                oldest.map(|k| c.remove(&k));
            }
            c.insert(site.to_owned(), Entry { settings: settings.clone(), checked_at: now });
        }
        None => {
            c.remove(site);
        }
    });
    Ok(fresh)
}

/// The site's configuration (`None`: no site has this id).
pub async fn config(env: &Env, site: &str) -> Result<Option<SiteConfig>> {
    Ok(settings(env, site).await?.map(|s| s.config.clone()))
}

/// Forgets a site's entry (its settings were just saved through this isolate).
pub fn forget(site: &str) {
    CACHE.with_borrow_mut(|c| c.remove(site));
}
