//! The organisation's sites in the settings: switch the console to another
//! site, or add one (its id goes into its script tag; it starts with the
//! default settings).

use leptos::prelude::*;
use shared::api::SITES_PATH;
use shared::staff::{NewSite, SiteEntry};

use super::{note_view, Note};
use crate::console::{api, Session};

/// Opens the console on `site` (a page load: every socket is the new site's).
fn open(site: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_search(&format!("?site={}", shared::api::encode_query(site)));
    }
}

/// The sites section.
#[component]
pub fn Sites() -> impl IntoView {
    let session = expect_context::<Session>();
    let sites = session.me.with_value(|m| m.sites.clone());
    let current = session.site.get_value();
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let note: Note = RwSignal::new(None);
    let add = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let Ok(site) = id.get_untracked().trim().parse() else {
            note.set(Some(Err("A site id has 1–64 letters, digits, - or _.".into())));
            return;
        };
        let body = crate::json::encode(&NewSite { id: site, name: name.get_untracked() });
        leptos::task::spawn_local(async move {
            match api("POST", SITES_PATH, body).await.map(|t| crate::json::decode::<SiteEntry>(&t)) {
                Ok(Some(entry)) => open(entry.id.as_str()),
                Ok(None) => note.set(Some(Err(crate::http::UNREADABLE.into()))),
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    view! {
        <section>
            <h3>"Sites"</h3>
            <div class="actions">
                <label>"Working on "<select data-testid="console-site-switch" prop:value=current
                    on:change=move |e| open(&event_target_value(&e))>
                    {sites.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}" ("{s.id.to_string()}")"</option> }).collect_view()}
                </select></label>
            </div>
            <form class="actions" on:submit=add>
                <label>"New site id "<input required maxlength="64" pattern="[A-Za-z0-9_\\-]+" data-testid="console-site-new-id"
                    prop:value=move || id.get() on:input=move |e| id.set(event_target_value(&e))/></label>
                <label>"name "<input required maxlength="80" data-testid="console-site-new-name"
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/></label>
                <button type="submit" data-testid="console-site-add">"Add site"</button>
                {note_view(note, "console-site-add-note")}
            </form>
        </section>
    }
}
