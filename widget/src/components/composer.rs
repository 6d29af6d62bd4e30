//! The message composer: a textarea (Enter sends, Shift+Enter breaks the
//! line), a send button, a character count near the limit, and the reason
//! when a message cannot be sent. Validation is `shared`'s, as on the server.

use leptos::html::Textarea;
use leptos::prelude::*;
use shared::{TextError, MAX_MESSAGE_CHARS};

use crate::i18n::{t, tf};

/// Where the user types.
#[component]
pub fn Composer(
    /// Sends the text; an error keeps it in the box with the reason shown.
    on_send: Callback<String, Result<(), TextError>>,
    /// `data-testid` of the textarea.
    input_testid: &'static str,
    /// `data-testid` of the send button.
    send_testid: &'static str,
    /// Placeholder text.
    #[prop(into)]
    placeholder: String,
    /// Called with the text after every edit (to save drafts, say "typing").
    #[prop(optional)]
    on_edit: Option<Callback<String>>,
    /// The text, when the caller starts it (a saved draft) or also writes
    /// into the box (canned responses).
    #[prop(optional)]
    text: Option<RwSignal<String>>,
) -> impl IntoView {
    let text = text.unwrap_or_else(|| RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let input = NodeRef::<Textarea>::new();
    let submit = move || {
        let value = text.get_untracked();
        match on_send.run(value) {
            Ok(()) => {
                text.set(String::new());
                error.set(None);
                if let Some(cb) = on_edit {
                    cb.run(String::new());
                }
            }
            Err(TextError::Empty) => {}
            Err(TextError::TooLong { chars }) => error.set(Some(tf(
                "The message is {chars} characters long; the limit is {max}.",
                &[("chars", &chars.to_string()), ("max", &MAX_MESSAGE_CHARS.to_string())],
            ))),
        }
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
        }
    };
    let count = move || {
        let n = text.with(|t| t.chars().count());
        (n > MAX_MESSAGE_CHARS - 500).then(|| format!("{n} / {MAX_MESSAGE_CHARS}"))
    };
    view! {
        <form class="composer" on:submit=move |e| { e.prevent_default(); submit(); }>
            <textarea
                node_ref=input
                data-testid=input_testid
                rows="1"
                aria-label=t("Message")
                placeholder=placeholder
                prop:value=move || text.get()
                on:input=move |e| {
                    let v = event_target_value(&e);
                    if let Some(cb) = on_edit { cb.run(v.clone()); }
                    text.set(v);
                }
                on:keydown=move |e| {
                    if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                        e.prevent_default();
                        submit();
                    }
                }
            ></textarea>
            <button type="submit" data-testid=send_testid>{t("Send")}</button>
        </form>
        <div class="composer-note" role="status">
            {move || error.get().map(|e| view! { <span class="error">{e}</span> })}
            {move || count().map(|c| view! { <span class="count">{c}</span> })}
        </div>
    }
}
