//! The site's identity secret: shown on request to those who edit
//! settings, with how the site's server signs a logged-in customer, and
//! replaced on request (every signature made with the old one stops
//! working).

use leptos::prelude::*;
use shared::api::{identity_secret_path, IdentitySecret};

use super::Note;
use crate::console::{api, Session};

/// The identity section.
#[component]
pub fn Identity() -> impl IntoView {
    let session = expect_context::<Session>();
    let secret = RwSignal::new(None::<String>);
    let note: Note = RwSignal::new(None);
    // Replacing breaks every signature in use: the first click only asks.
    let armed = RwSignal::new(false);
    let call = move |method: &'static str| {
        leptos::task::spawn_local(async move {
            let path = identity_secret_path(&session.site.get_value());
            match api(method, &path, None).await.map(|t| crate::json::decode::<IdentitySecret>(&t)) {
                Ok(Some(s)) => {
                    secret.set(Some(s.secret));
                    note.set((method == "POST").then(|| Ok("Replaced: sign with the new secret from now on.".into())));
                }
                Ok(None) => note.set(Some(Err(crate::http::UNREADABLE.into()))),
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    view! {
        <section>
            <h3>"Logged-in customers"</h3>
            <p>"So that a logged-in customer finds their conversations on any device, your server signs their user id with this secret and adds both to the script tag: "
                <code>"data-user-id=\"42\" data-user-hash=\"<hex HMAC-SHA256 of 42>\""</code>
                ". Unsigned or wrongly signed ids are never trusted. Keep the secret on your server."</p>
            <div class="actions">
                <button type="button" data-testid="console-identity-show" on:click=move |_| call("GET")>"Show secret"</button>
                <button type="button" class="link" data-testid="console-identity-rotate" on:click=move |_| {
                    if armed.get_untracked() { call("POST") }
                    armed.update(|a| *a = !*a);
                }>{move || if armed.get() { "Replace it: old signatures stop working" } else { "Replace secret…" }}</button>
                {move || secret.get().map(|s| view! { <code data-testid="console-identity-secret">{s}</code> })}
                {super::note_view(note, "console-identity-note")}
            </div>
        </section>
    }
}
