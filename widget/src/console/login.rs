//! The console's sign-in form (e-mail and password), the form that
//! accepts an invitation link (`/console#invite=<secret>`: a name and a new
//! password, then signed in), and the one a password reset link opens
//! (`/console#reset=<secret>`: a new password, then signed in).

use leptos::prelude::*;
use shared::api::{ACCEPT_PATH, LOGIN_PATH, RESET_PATH};
use shared::staff::{Accept, Login as LoginBody, Me, ResetPassword};

/// A secret in the page's fragment after `prefix` (`#invite=`, `#reset=`), if any.
fn link(prefix: &str) -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix(prefix).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Posts `body` to `path` and signs in with the answer.
fn submit(path: &'static str, body: Option<String>, on_sign_in: Callback<Me>, error: RwSignal<Option<String>>) {
    leptos::task::spawn_local(async move {
        match crate::http::request("POST", path, body).await {
            Ok(text) => match crate::json::decode::<Me>(&text) {
                Some(me) => {
                    if path != LOGIN_PATH {
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().set_hash("");
                        }
                    }
                    on_sign_in.run(me)
                }
                None => error.set(Some(crate::http::UNREADABLE.into())),
            },
            Err(e) => error.set(Some(e)),
        }
    });
}

/// Asks for an e-mail address and a password (or, with an invitation
/// link, a name and a new password).
#[component]
pub fn Login(on_sign_in: Callback<Me>, error: RwSignal<Option<String>>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let invite = link("#invite=");
    let reset = link("#reset=");
    let accepting = invite.is_some();
    let resetting = reset.is_some();
    let on_submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        error.set(None);
        let (path, body) = match (&invite, &reset) {
            (Some(token), _) => {
                let body =
                    Accept { token: token.clone(), name: name.get_untracked(), password: password.get_untracked() };
                (ACCEPT_PATH, crate::json::encode(&body))
            }
            (None, Some(token)) => {
                let body = ResetPassword { token: token.clone(), password: password.get_untracked() };
                (RESET_PATH, crate::json::encode(&body))
            }
            (None, None) => {
                let body = LoginBody { email: email.get_untracked(), password: password.get_untracked() };
                (LOGIN_PATH, crate::json::encode(&body))
            }
        };
        submit(path, body, on_sign_in, error);
    };
    view! {
        <main class="login">
            <form on:submit=on_submit>
                <h1>{match (accepting, resetting) {
                    (true, _) => "Join your team",
                    (false, true) => "Choose a new password",
                    (false, false) => "Operator console",
                }}</h1>
                {if resetting && !accepting {
                    ().into_any()
                } else if accepting {
                    view! {
                        <label for="name">"Your name"</label>
                        <input id="name" autocomplete="name" data-testid="console-accept-name" maxlength="60" required
                            prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
                    }.into_any()
                } else {
                    view! {
                        <label for="email">"E-mail"</label>
                        <input id="email" type="email" autocomplete="username" data-testid="console-email" required
                            prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e))/>
                    }.into_any()
                }}
                <label for="password">{if accepting || resetting { "Choose a password (10 characters or more)" } else { "Password" }}</label>
                <input id="password" type="password" data-testid="console-password" required
                    autocomplete=if accepting || resetting { "new-password" } else { "current-password" }
                    prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
                <button type="submit" data-testid="console-login">{match (accepting, resetting) {
                    (true, _) => "Join",
                    (false, true) => "Set password",
                    (false, false) => "Sign in",
                }}</button>
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="console-login-error">{e}</p> })}
                {(!accepting && !resetting).then(|| view! {
                    <p class="hint">"cargo xtask dev prints the demo logins (also in edge/.dev-logins)."</p>
                })}
            </form>
        </main>
    }
}
