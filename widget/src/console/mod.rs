//! The operator console app: sign in (operator key and a display name), a
//! live inbox of the site's conversations with filters and keyboard
//! shortcuts, the open conversation beside it, and the workflow guide; the
//! moderation view (queue, cases, sanctions, incidents, channel monitor).

mod guide;
mod inbox;
mod keys;
mod login;
mod moderation;
mod pane;
mod settings;

use leptos::prelude::*;
use shared::api::site_config_path;
use shared::site::SiteConfig;

use crate::util::{load, query_param, store};

const KEY: &str = "console:key";
const NAME: &str = "console:name";

/// How the console names an anonymous customer: by the start of the conversation id.
fn visitor(id: &shared::ConversationId) -> String {
    format!("Visitor {}", &id.as_str()[..6])
}

/// What every part of a signed-in console shares. `Copy`: handles only.
#[derive(Clone, Copy)]
pub struct Session {
    /// The operator key.
    pub key: StoredValue<String>,
    /// The operator's display name (assignments are in this name).
    pub name: StoredValue<String>,
    /// The site.
    pub site: StoredValue<String>,
    /// The site's configuration (teams, canned responses, products), once loaded.
    pub config: RwSignal<Option<SiteConfig>>,
}

impl Session {
    /// Loads (or reloads) the site's configuration.
    pub fn load_config(self) {
        leptos::task::spawn_local(async move {
            let path = site_config_path(&self.site.get_value(), &self.key.get_value());
            if let Ok(text) = crate::http::request("GET", &path, None).await {
                self.config.set(crate::json::decode(&text));
            }
        });
    }
}

/// Mounts the console app into `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let key = RwSignal::new(load(KEY));
    let error = RwSignal::new(None::<String>);
    let sign_in = Callback::new(move |(k, name): (String, String)| {
        store(KEY, Some(&k));
        store(NAME, Some(&name));
        error.set(None);
        key.set(Some(k));
    });
    let sign_out = Callback::new(move |why: Option<String>| {
        store(KEY, None);
        error.set(why);
        key.set(None);
    });
    view! {
        {move || match key.get() {
            None => view! { <login::Login on_sign_in=sign_in error=error/> }.into_any(),
            Some(k) => {
                let session = Session {
                    key: StoredValue::new(k),
                    name: StoredValue::new(load(NAME).unwrap_or_else(|| "Operator".into())),
                    site: StoredValue::new(query_param("site").unwrap_or_else(|| "demo".into())),
                    config: RwSignal::new(None),
                };
                session.load_config();
                provide_context(session);
                view! { <inbox::Workspace on_sign_out=sign_out/> }.into_any()
            }
        }}
    }
}
