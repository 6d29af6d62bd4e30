//! The operator console app: sign in (e-mail and password; or accept an
//! invitation link), a live inbox of the site's conversations with filters
//! and keyboard shortcuts, the open conversation beside it, and the
//! workflow guide; the moderation view (queue, cases, sanctions, incidents,
//! channel monitor); settings, the organisation's people, and changing
//! one's password.

mod attach;
mod download;
mod edit;
mod follow_up;
mod guide;
mod inbox;
mod keys;
mod login;
mod moderation;
mod notify;
mod order;
mod pane;
mod password;
mod people;
mod performance;
mod practice;
mod profile;
mod routing;
mod search;
mod seats;
mod settings;
mod shifts;
mod two_factor;

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use shared::api::{site_config_path, CSRF_HEADER, LOGOUT_PATH, SESSION_PATH};
use shared::site::SiteConfig;
use shared::staff::Me;

use crate::util::query_param;

/// How often the console renews its session (the server rotates the token
/// when it is due).
const RENEW: Duration = Duration::from_secs(5 * 60);

thread_local! {
    /// The signed-in session's anti-CSRF token.
    static CSRF: RefCell<String> = const { RefCell::new(String::new()) };
}

/// A console API call: [`crate::http::request`] with the session's
/// anti-CSRF token (the cookie goes by itself).
pub async fn api(method: &str, path: &str, body: Option<String>) -> Result<String, String> {
    let csrf = CSRF.with(|c| c.borrow().clone());
    crate::http::request_with(method, path, body, Some((CSRF_HEADER, &csrf))).await
}

/// The session's anti-CSRF token (for calls made without [`api`]: uploads).
pub fn csrf() -> (&'static str, String) {
    (CSRF_HEADER, CSRF.with(|c| c.borrow().clone()))
}

/// How the console names an anonymous customer: by the start of the conversation id.
fn visitor(id: &shared::ConversationId) -> String {
    format!("Visitor {}", &id.as_str()[..6])
}

/// How the console names a conversation's customer: the name they gave,
/// else [`visitor`].
fn customer_name(name: Option<&str>, id: &shared::ConversationId) -> String {
    name.map(str::to_owned).unwrap_or_else(|| visitor(id))
}

/// What every part of a signed-in console shares. `Copy`: handles only.
#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in account (role, organisation, sites).
    pub me: StoredValue<Me>,
    /// The operator's display name (assignments are in this name).
    pub name: StoredValue<String>,
    /// The site.
    pub site: StoredValue<String>,
    /// The site's configuration (teams, canned responses, products), once loaded.
    pub config: RwSignal<Option<SiteConfig>>,
}

impl Session {
    /// The site's currency (USD until its configuration has loaded).
    pub fn currency(self) -> String {
        self.config.with(|c| c.as_ref().map_or_else(|| "USD".into(), |c| c.sales.currency.clone()))
    }

    /// Loads (or reloads) the site's configuration.
    pub fn load_config(self) {
        leptos::task::spawn_local(async move {
            if let Ok(text) = api("GET", &site_config_path(&self.site.get_value()), None).await {
                self.config.set(crate::json::decode(&text));
            }
        });
    }

    /// Whether the signed-in role may do `cap`.
    pub fn may(self, cap: shared::staff::Capability) -> bool {
        self.me.with_value(|m| m.role.may(cap))
    }
}

/// Mounts the console app into `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let me = RwSignal::new(None::<Me>);
    let checked = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let sign_in = Callback::new(move |who: Me| {
        CSRF.with(|c| *c.borrow_mut() = who.csrf.clone());
        error.set(None);
        me.set(Some(who));
    });
    let renew = move || {
        leptos::task::spawn_local(async move {
            match crate::http::request("GET", SESSION_PATH, None).await.map(|t| crate::json::decode::<Me>(&t)) {
                Ok(Some(who)) if me.get_untracked().is_none() => sign_in.run(who),
                Ok(_) => {}
                Err(e) if me.get_untracked().is_some() => {
                    me.set(None);
                    error.set(Some(format!("Signed out: {e}")));
                }
                Err(_) => {}
            }
            checked.set(true);
        });
    };
    renew();
    let tick = set_interval_with_handle(renew, RENEW).ok();
    on_cleanup(move || tick.into_iter().for_each(|t| t.clear()));
    let sign_out = Callback::new(move |why: Option<String>| {
        forget_work();
        if why.is_none() {
            leptos::task::spawn_local(async move {
                let _ = api("POST", LOGOUT_PATH, None).await;
            });
        }
        error.set(why);
        me.set(None);
    });
    // Set up at last: the session again, now past the requirement.
    let enrolled = Callback::new(move |_: bool| {
        leptos::task::spawn_local(async move {
            if let Ok(Some(who)) =
                crate::http::request("GET", SESSION_PATH, None).await.map(|t| crate::json::decode::<Me>(&t))
            {
                sign_in.run(who);
            }
        });
    });
    view! {
        {move || match me.get() {
            None if !checked.get() => view! { <main class="login"><p>"Loading…"</p></main> }.into_any(),
            None => view! { <login::Login on_sign_in=sign_in error=error/> }.into_any(),
            Some(who) if who.two_factor.due() => view! {
                <main class="login">
                    <two_factor::TwoFactorView state=who.two_factor on_change=enrolled on_close=None/>
                    <button class="link" data-testid="console-sign-out" on:click=move |_| sign_out.run(None)>"Sign out"</button>
                </main>
            }.into_any(),
            Some(who) => {
                let first = who.sites.first().map(|s| s.id.to_string()).unwrap_or_default();
                let site = query_param("site").filter(|s| who.sites.iter().any(|x| x.id.as_str() == s)).unwrap_or(first);
                let session = Session {
                    name: StoredValue::new(who.name.clone()),
                    me: StoredValue::new(who),
                    site: StoredValue::new(site),
                    config: RwSignal::new(None),
                };
                session.load_config();
                provide_context(session);
                view! { <inbox::Workspace on_sign_out=sign_out/> }.into_any()
            }
        }}
    }
}

/// What an account leaves in this browser's storage — drafts, unsent
/// messages, read marks — goes at sign-out (however it came), so the next
/// person at this browser neither reads nor sends it. Preferences stay.
fn forget_work() {
    let Some(s) = crate::util::local_storage() else { return };
    let keys: Vec<String> = (0..s.length().unwrap_or(0)).filter_map(|i| s.key(i).ok().flatten()).collect();
    for k in keys {
        if ["console:draft:", "console:outbox:", "console:seen"].iter().any(|p| k.starts_with(p)) {
            let _ = s.remove_item(&k);
        }
    }
}
