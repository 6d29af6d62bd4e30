//! The console's sign-in form: the operator key from `.dev.vars` (until real
//! accounts exist) and the name the operator works under.

use leptos::prelude::*;

use crate::util::load;

/// Asks for the operator key and a display name.
#[component]
pub fn Login(on_sign_in: Callback<(String, String)>, error: RwSignal<Option<String>>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let name = RwSignal::new(load(super::NAME).unwrap_or_default());
    view! {
        <main class="login">
            <form on:submit=move |e| {
                e.prevent_default();
                let k = key.get_untracked().trim().to_string();
                let n = name.get_untracked().trim().to_string();
                let n = if n.is_empty() { "Operator".to_string() } else { n };
                if !k.is_empty() { on_sign_in.run((k, n)); }
            }>
                <h1>"Operator console"</h1>
                <label for="name">"Your name"</label>
                <input id="name" autocomplete="name" data-testid="console-name" maxlength="40"
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
                <label for="key">"Operator key"</label>
                <input id="key" type="password" autocomplete="current-password" data-testid="console-key"
                    prop:value=move || key.get() on:input=move |e| key.set(event_target_value(&e))/>
                <button type="submit" data-testid="console-login">"Sign in"</button>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <p class="hint">"The key is OPERATOR_KEY in edge/.dev.vars; cargo xtask dev prints it."</p>
            </form>
        </main>
    }
}
