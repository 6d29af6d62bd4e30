//! Two-factor sign-in in the console: set it up (the Worker makes a
//! secret, shown to type into an authenticator app or as its `otpauth://`
//! link; a first code confirms it) or turn it off with a current code. The
//! same view stands alone, with no way past it but signing out, when the
//! organisation requires two-factor sign-in and the person has none yet.

use leptos::prelude::*;
use shared::api::{TOTP_CONFIRM_PATH, TOTP_DISABLE_PATH, TOTP_PATH};
use shared::staff::{TwoFactor, TwoFactorCode, TwoFactorSetup};

use super::api;

type Note = RwSignal<Option<Result<String, String>>>;

/// Posts a code to `path`; `done` runs once the Worker took it.
fn send_code(path: &'static str, code: RwSignal<String>, note: Note, done: impl Fn() + 'static) {
    let body = crate::json::encode(&TwoFactorCode { code: code.get_untracked() });
    leptos::task::spawn_local(async move {
        match api("POST", path, body).await {
            Ok(_) => {
                code.set(String::new());
                done();
            }
            Err(e) => note.set(Some(Err(e))),
        }
    });
}

/// Setting two-factor sign-in up or off. `state` is the account's as the
/// session said; `on_change` gets whether it is now on; `on_close` closes
/// the dialog (none: it cannot be closed, the organisation requires it).
#[component]
pub fn TwoFactorView(state: TwoFactor, on_change: Callback<bool>, on_close: Option<Callback<()>>) -> impl IntoView {
    let enrolled = RwSignal::new(state.enrolled);
    let setup = RwSignal::new(None::<TwoFactorSetup>);
    let code = RwSignal::new(String::new());
    let note: Note = RwSignal::new(None);
    let begin = move |_| {
        note.set(None);
        leptos::task::spawn_local(async move {
            match api("POST", TOTP_PATH, None).await.map(|t| crate::json::decode::<TwoFactorSetup>(&t)) {
                Ok(Some(s)) => setup.set(Some(s)),
                Ok(None) => note.set(Some(Err(crate::http::UNREADABLE.into()))),
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if enrolled.get_untracked() {
            send_code(TOTP_DISABLE_PATH, code, note, move || {
                enrolled.set(false);
                note.set(Some(Ok("Two-factor sign-in is off.".into())));
                on_change.run(false);
            });
        } else {
            send_code(TOTP_CONFIRM_PATH, code, note, move || {
                enrolled.set(true);
                setup.set(None);
                note.set(Some(Ok("Two-factor sign-in is on: sign-ins ask for a code from now on.".into())));
                on_change.run(true);
            });
        }
    };
    let code_field = move || {
        view! {
            <label class="wide">"Code from the app" <input inputmode="numeric" autocomplete="one-time-code" maxlength="8"
                data-testid="console-2fa-code" prop:value=move || code.get() on:input=move |e| code.set(event_target_value(&e))/></label>
        }
    };
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Two-factor sign-in" data-testid="console-2fa-dialog">
            <form class="settings" on:submit=submit>
                <div class="settings-head">
                    <h2>"Two-factor sign-in"</h2>
                    {on_close.map(|close| view! {
                        <button type="button" class="link" data-testid="console-2fa-close" on:click=move |_| close.run(())>"Close"</button>
                    })}
                </div>
                {(on_close.is_none()).then(|| view! {
                    <p data-testid="console-2fa-required">"Your organisation requires two-factor sign-in. Set it up to go on."</p>
                })}
                {move || match (enrolled.get(), setup.get()) {
                    (true, _) => view! {
                        <p data-testid="console-2fa-state">"On: each sign-in asks for a code from your authenticator app."</p>
                        {(!state.required).then(|| view! {
                            {code_field()}
                            <div class="actions"><button type="submit" data-testid="console-2fa-disable">"Turn off"</button></div>
                        })}
                    }.into_any(),
                    (false, None) => view! {
                        <p data-testid="console-2fa-state">"Off. With it on, a sign-in also needs a code from an authenticator app on your phone."</p>
                        <div class="actions"><button type="button" data-testid="console-2fa-begin" on:click=begin>"Set up"</button></div>
                    }.into_any(),
                    (false, Some(s)) => view! {
                        <p>"Add this key to your authenticator app (or open the link on the phone), then enter the code it shows."</p>
                        <p><code data-testid="console-2fa-secret">{s.secret.clone()}</code></p>
                        <p><a data-testid="console-2fa-uri" href=s.uri.clone()>{s.uri.clone()}</a></p>
                        {code_field()}
                        <div class="actions"><button type="submit" data-testid="console-2fa-confirm">"Turn on"</button></div>
                    }.into_any(),
                }}
                <div class="actions">{super::settings::note_view(note, "console-2fa-note")}</div>
            </form>
        </div>
    }
}
