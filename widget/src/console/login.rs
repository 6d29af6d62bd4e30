//! The console's sign-in form (e-mail and password), the form that
//! accepts an invitation link (`/console#invite=<secret>`: a name and a new
//! password, then signed in), and the one a password reset link opens
//! (`/console#reset=<secret>`: a new password, then signed in).

use leptos::prelude::*;
use shared::api::{ACCEPT_PATH, LOGIN_PATH, RESET_PATH};
use shared::staff::{Accept, Login as LoginBody, Me, ResetPassword};

/// The link the page was opened with, if any: its secret is in the fragment.
#[derive(Clone)]
enum Link {
    /// `#invite=<secret>`: a name and a new password.
    Invite(String),
    /// `#reset=<secret>`: a new password.
    Reset(String),
    /// Neither: the sign-in form.
    None,
}

impl Link {
    fn of_page() -> Self {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let secret = |prefix| hash.strip_prefix(prefix).filter(|t| !t.is_empty()).map(str::to_owned);
        match (secret("#invite="), secret("#reset=")) {
            (Some(token), _) => Link::Invite(token),
            (None, Some(token)) => Link::Reset(token),
            (None, None) => Link::None,
        }
    }

    /// The form's heading and its button's label.
    fn words(&self) -> (&'static str, &'static str) {
        match self {
            Link::Invite(_) => ("Join your team", "Join"),
            Link::Reset(_) => ("Choose a new password", "Set password"),
            Link::None => ("Operator console", "Sign in"),
        }
    }
}

/// Posts `body` to `path` and signs in with the answer; a refusal that
/// asks for the second factor shows its field (`needs_code`).
fn submit(
    path: &'static str,
    body: Option<String>,
    on_sign_in: Callback<Me>,
    (error, needs_code): (RwSignal<Option<String>>, RwSignal<bool>),
) {
    leptos::task::spawn_local(async move {
        match crate::http::request_coded("POST", path, body, None).await {
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
            Err((code, e)) => {
                if code == Some(shared::ErrorCode::SecondFactor) {
                    needs_code.set(true);
                }
                error.set(Some(e));
            }
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
    let code = RwSignal::new(String::new());
    let needs_code = RwSignal::new(false);
    let page = Link::of_page();
    let new_password = !matches!(page, Link::None);
    let (heading, button) = page.words();
    let fields = match page {
        Link::Reset(_) => ().into_any(),
        Link::Invite(_) => view! {
            <label for="name">"Your name"</label>
            <input id="name" autocomplete="name" data-testid="console-accept-name" maxlength="60" required
                prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
        }
        .into_any(),
        Link::None => view! {
            <label for="email">"E-mail"</label>
            <input id="email" type="email" autocomplete="username" data-testid="console-email" required
                prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e))/>
        }
        .into_any(),
    };
    let on_submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        error.set(None);
        let (path, body) = match &page {
            Link::Invite(token) => {
                let body =
                    Accept { token: token.clone(), name: name.get_untracked(), password: password.get_untracked() };
                (ACCEPT_PATH, crate::json::encode(&body))
            }
            Link::Reset(token) => {
                let body = ResetPassword { token: token.clone(), password: password.get_untracked() };
                (RESET_PATH, crate::json::encode(&body))
            }
            Link::None => {
                let code = Some(code.get_untracked()).filter(|c| !c.trim().is_empty());
                let body = LoginBody { email: email.get_untracked(), password: password.get_untracked(), code };
                (LOGIN_PATH, crate::json::encode(&body))
            }
        };
        submit(path, body, on_sign_in, (error, needs_code));
    };
    view! {
        <main class="login">
            <form on:submit=on_submit>
                <h1>{heading}</h1>
                {fields}
                <label for="password">{if new_password { "Choose a password (10 characters or more)" } else { "Password" }}</label>
                <input id="password" type="password" data-testid="console-password" required
                    autocomplete=if new_password { "new-password" } else { "current-password" }
                    prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
                {move || needs_code.get().then(|| view! {
                    <label for="code">"Code from your authenticator app"</label>
                    <input id="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required
                        data-testid="console-login-code" prop:value=move || code.get() on:input=move |e| code.set(event_target_value(&e))/>
                })}
                <button type="submit" data-testid="console-login">{button}</button>
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="console-login-error">{e}</p> })}
                {(!new_password).then(|| view! {
                    <p class="hint">"cargo xtask dev prints the demo logins (also in edge/.dev-logins)."</p>
                })}
            </form>
        </main>
    }
}
