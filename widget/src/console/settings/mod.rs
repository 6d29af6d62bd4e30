//! Site settings in the console: a form for what a site owner sets most
//! (name, script tag, allowed origins, appearance, the workflow by page,
//! limits, files, the identity secret), the catalogue form (products, variants,
//! offers, bundles, add-ons, upgrades), the organisation's sites (switch, add)
//! and every setting as JSON (teams, canned
//! responses, products, pre-chat form, triggers, rules). The Worker checks
//! each save and names the first problem before anything is stored.

mod catalogue;
mod files;
mod form;
mod hooks;
mod identity;
mod keys;
mod lists;
mod sites;
mod table;

use leptos::prelude::*;
use shared::api::site_config_path;
use shared::site::SiteConfig;

use super::Session;

/// A save's outcome, shown next to its button.
pub type Note = RwSignal<Option<Result<String, String>>>;

/// Stores `config` (JSON text) as the site's settings; on success the
/// console's copy is the stored one and the form and editor show it.
pub fn save(session: Session, body: String, note: Note) {
    leptos::task::spawn_local(async move {
        let path = site_config_path(&session.site.get_value());
        match crate::console::api("PUT", &path, Some(body)).await {
            Ok(saved) => {
                session.config.set(crate::json::decode(&saved));
                note.set(Some(Ok("Saved.".into())));
            }
            Err(e) => note.set(Some(Err(e))),
        }
    });
}

/// A save's outcome as text (`testid` names it).
pub fn note_view(note: Note, testid: &'static str) -> impl IntoView {
    move || {
        note.get().map(|n| match n {
            Ok(m) => view! { <span class="ok" data-testid=testid>{m}</span> }.into_any(),
            Err(e) => view! { <span class="error" role="alert" data-testid=testid>{e}</span> }.into_any(),
        })
    }
}

/// A form's copy of the stored settings, taken again whenever they are
/// saved (`on_fresh` runs then too).
pub fn draft_of(session: Session, on_fresh: impl Fn() + 'static) -> RwSignal<shared::site::SiteConfig> {
    let draft = RwSignal::new(shared::site::SiteConfig::default());
    crate::effect(move || {
        if let Some(c) = session.config.get() {
            draft.set(c);
            on_fresh();
        }
    });
    draft
}

/// Saves a form's draft whole (the Worker checks it).
pub fn save_draft(session: Session, draft: RwSignal<shared::site::SiteConfig>, note: Note) {
    match crate::json::encode(&draft.get_untracked()) {
        Some(body) => save(session, body, note),
        None => note.set(Some(Err(crate::http::UNREADABLE.into()))),
    }
}

/// The settings overlay.
#[component]
pub fn Settings(on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let pretty = |c: &SiteConfig| serde_json::to_string_pretty(c).unwrap_or_default();
    let text = RwSignal::new(String::new());
    // The editor follows the stored settings (also after the form saved).
    crate::effect(move || session.config.with(|c| text.set(c.as_ref().map(pretty).unwrap_or_default())));
    let note = RwSignal::new(None);
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Site settings" data-testid="console-settings">
            <div class="settings">
                <div class="settings-head">
                    <h2>"Site settings"</h2>
                    <button class="link" data-testid="console-settings-close" on:click=move |_| on_close.run(())>"Close"</button>
                </div>
                <Show when=move || session.config.with(Option::is_some)>
                    <form::Form/>
                    <lists::Lists/>
                    <catalogue::Catalogue/>
                </Show>
                <identity::Identity/>
                {session.may(shared::staff::Capability::EditSettings).then(|| view! { <keys::Keys/> <hooks::Hooks/> })}
                <sites::Sites/>
                <section>
                    <h3>"Every setting (JSON)"</h3>
                    <p>"Teams, canned responses (per workflow and step), products, the pre-chat form, proactive triggers, channels and moderation rules."</p>
                    <textarea rows="18" spellcheck="false" aria-label="Settings (JSON)" data-testid="console-settings-json"
                        prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e))></textarea>
                    <div class="actions">
                        <button data-testid="console-settings-save" on:click=move |_| save(session, text.get_untracked(), note)>"Save"</button>
                        {note_view(note, "console-settings-note")}
                    </div>
                </section>
            </div>
        </div>
    }
}
