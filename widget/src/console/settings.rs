//! Site settings in the console: the site's teams, canned responses,
//! products, pre-chat form and triggers, edited as JSON and checked by the
//! Worker (which names the first problem) before it is stored.

use leptos::prelude::*;
use shared::api::site_config_path;

use super::Session;

/// The settings editor.
#[component]
pub fn Settings(on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let pretty = |c: &shared::site::SiteConfig| serde_json::to_string_pretty(c).unwrap_or_default();
    let text = RwSignal::new(session.config.with_untracked(|c| c.as_ref().map(pretty).unwrap_or_default()));
    let note = RwSignal::new(None::<Result<String, String>>);
    let save = move |_| {
        let body = text.get_untracked();
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
    };
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Site settings" data-testid="console-settings">
            <div class="settings">
                <h2>"Site settings"</h2>
                <p>"Teams, canned responses (per workflow and step), products, the pre-chat form and proactive triggers."</p>
                <textarea rows="24" spellcheck="false" aria-label="Settings (JSON)" data-testid="console-settings-json"
                    prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e))></textarea>
                <div class="actions">
                    <button data-testid="console-settings-save" on:click=save>"Save"</button>
                    <button class="link" on:click=move |_| on_close.run(())>"Close"</button>
                    {move || note.get().map(|n| match n {
                        Ok(m) => view! { <span class="ok" data-testid="console-settings-note">{m}</span> }.into_any(),
                        Err(e) => view! { <span class="error" role="alert" data-testid="console-settings-note">{e}</span> }.into_any(),
                    })}
                </div>
            </div>
        </div>
    }
}
