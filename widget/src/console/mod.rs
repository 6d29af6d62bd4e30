//! The operator console app: sign in with the operator key, a live inbox of
//! the site's conversations, and the open conversation beside it.

mod inbox;
mod login;
mod pane;

use leptos::prelude::*;

use crate::util::{load, store};

const KEY: &str = "console:key";

/// How the console names an anonymous customer: by the start of the conversation id.
fn visitor(id: &shared::ConversationId) -> String {
    format!("Visitor {}", &id.as_str()[..6])
}

/// Mounts the console app into `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let key = RwSignal::new(load(KEY));
    let error = RwSignal::new(None::<String>);
    let sign_in = Callback::new(move |k: String| {
        store(KEY, Some(&k));
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
            Some(k) => view! { <inbox::Workspace operator_key=k on_sign_out=sign_out/> }.into_any(),
        }}
    }
}
