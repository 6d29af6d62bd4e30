//! The site's API keys for the REST API (`/api/v1`): made with a name and
//! a scope (the key shown once, to copy), listed by name, scope and last
//! four characters, and revoked (it stops working at once).

use leptos::prelude::*;
use shared::keys::{keys_path, revoke_key_path, ApiKey, IssuedKey, KeyScope, NewKey};

use super::Note;
use crate::console::{api, Session};

/// The API keys section.
#[component]
pub fn Keys() -> impl IntoView {
    let session = expect_context::<Session>();
    let keys = RwSignal::new(Vec::<ApiKey>::new());
    let shown = RwSignal::new(None::<String>);
    let note: Note = RwSignal::new(None);
    let (label, scope) = (RwSignal::new(String::new()), RwSignal::new("read".to_owned()));
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(text) = api("GET", &keys_path(&session.site.get_value()), None).await {
                keys.set(crate::json::decode(&text).unwrap_or_default());
            }
        })
    };
    reload();
    let create = move |_| {
        let body = NewKey {
            label: label.get_untracked(),
            scope: KeyScope::parse(&scope.get_untracked()).unwrap_or(KeyScope::Read),
        };
        leptos::task::spawn_local(async move {
            match api("POST", &keys_path(&session.site.get_value()), crate::json::encode(&body)).await {
                Ok(text) => match crate::json::decode::<IssuedKey>(&text) {
                    Some(issued) => {
                        shown.set(Some(issued.key));
                        label.set(String::new());
                        note.set(Some(Ok("Copy the key now: it is not shown again.".into())));
                        reload();
                    }
                    None => note.set(Some(Err(crate::http::UNREADABLE.into()))),
                },
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let revoke = move |id: String| {
        leptos::task::spawn_local(async move {
            match api("POST", &revoke_key_path(&session.site.get_value(), &id), None).await {
                Ok(_) => {
                    note.set(Some(Ok("Revoked.".into())));
                    reload();
                }
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    view! {
        <section data-testid="console-keys">
            <h3>"API keys"</h3>
            <p>"For your own programs: the REST API under "<code>"/api/v1/sites/…"</code>" with "
                <code>"Authorization: Bearer <key>"</code>". A read key reads conversations, profiles, transcripts and incidents; a write key also sets tags and notes and exports or erases a customer."</p>
            <ul>
                <For each=move || keys.get() key=|k| k.id.clone() let:k>
                    {
                        let id = k.id.clone();
                        view! {
                            <li data-testid="console-key" data-key=k.id.clone()>
                                {format!("{} · {} · …{} · by {}", k.label, k.scope.as_str(), k.last4, k.created_by)}" "
                                <button type="button" class="link" data-testid="console-key-revoke"
                                    on:click=move |_| revoke(id.clone())>"Revoke"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <div class="actions">
                <input aria-label="Key name" placeholder="Name (e.g. CRM sync)" data-testid="console-key-label"
                    prop:value=label on:input=move |e| label.set(event_target_value(&e))/>
                <select aria-label="Scope" data-testid="console-key-scope" on:change=move |e| scope.set(event_target_value(&e))>
                    <option value="read">"read"</option>
                    <option value="write">"write"</option>
                </select>
                <button type="button" data-testid="console-key-create" on:click=create>"Make key"</button>
                {move || shown.get().map(|k| view! { <code data-testid="console-key-secret">{k}</code> })}
                {super::note_view(note, "console-key-note")}
            </div>
        </section>
    }
}
