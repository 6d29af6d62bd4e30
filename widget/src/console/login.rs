//! The console's sign-in form (the operator key from `.dev.vars`, until real
//! accounts exist).

use leptos::prelude::*;

/// Asks for the operator key.
#[component]
pub fn Login(on_sign_in: Callback<String>, error: RwSignal<Option<String>>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    view! {
        <main class="login">
            <form on:submit=move |e| {
                e.prevent_default();
                let k = key.get_untracked().trim().to_string();
                if !k.is_empty() { on_sign_in.run(k); }
            }>
                <h1>"Operator console"</h1>
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
