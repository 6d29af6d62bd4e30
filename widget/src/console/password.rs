//! Changing one's password in the console: the current one, the new one
//! twice; the Worker checks the current one and the new one's length, and
//! ends the account's other sessions.

use leptos::prelude::*;
use shared::api::PASSWORD_PATH;
use shared::staff::{password_problem, PasswordChange};

use super::api;

/// The password dialog.
#[component]
pub fn PasswordView(on_close: Callback<()>) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let note = RwSignal::new(None::<Result<String, String>>);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (n, a) = (new.get_untracked(), again.get_untracked());
        if let Some(problem) = password_problem(&n) {
            note.set(Some(Err(problem)));
            return;
        }
        if n != a {
            note.set(Some(Err("the new password and its repetition differ".into())));
            return;
        }
        let body = crate::json::encode(&PasswordChange { current: current.get_untracked(), new: n });
        leptos::task::spawn_local(async move {
            match api("POST", PASSWORD_PATH, body).await {
                Ok(_) => {
                    for s in [current, new, again] {
                        s.set(String::new());
                    }
                    note.set(Some(Ok("Password changed. Your other sessions were signed out.".into())));
                }
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let field = move |label: &'static str, testid: &'static str, value: RwSignal<String>, auto: &'static str| {
        view! {
            <label class="wide">{label}" "<input type="password" autocomplete=auto data-testid=testid
                prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e))/></label>
        }
    };
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Password" data-testid="console-password-dialog">
            <form class="settings" on:submit=submit>
                <div class="settings-head">
                    <h2>"Change your password"</h2>
                    <button type="button" class="link" data-testid="console-password-close" on:click=move |_| on_close.run(())>"Close"</button>
                </div>
                {field("Current password", "console-password-current", current, "current-password")}
                {field("New password (at least 10 characters)", "console-password-new", new, "new-password")}
                {field("New password again", "console-password-again", again, "new-password")}
                <div class="actions">
                    <button type="submit" data-testid="console-password-save">"Change password"</button>
                    {super::settings::note_view(note, "console-password-note")}
                </div>
            </form>
        </div>
    }
}
