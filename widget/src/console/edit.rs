//! Editing or deleting one's own last message, in a conversation's pane:
//! "Edit my last message" finds the newest text this operator wrote (the
//! server keeps who wrote each), opens it in a box, and saves the new text
//! or deletes it (`Event::Edit`; the server checks it is theirs and within
//! the site's window, and says why not). The customer's view changes in
//! place; the timeline keeps the edit as an event.

use leptos::prelude::*;
use shared::workflow::Event;
use shared::ChatMessage;

use crate::chat::Chat;

/// The newest text `me` wrote in `messages` (not deleted).
fn last_of<'a>(messages: &'a [ChatMessage], me: &str) -> Option<&'a ChatMessage> {
    messages.iter().rev().find(|m| m.event.is_none() && !m.text.is_empty() && m.by.as_deref() == Some(me))
}

/// The edit bar under a pane's composer.
#[component]
pub fn EditLast(chat: Chat, me: String) -> impl IntoView {
    let editing = RwSignal::new(None::<u64>);
    let text = RwSignal::new(String::new());
    let open = move |_| {
        if let Some((seq, was)) =
            chat.log.with_untracked(|l| last_of(l.messages(), &me).map(|m| (m.seq, m.text.clone())))
        {
            text.set(was);
            editing.set(Some(seq));
        }
    };
    let done = move |new: Option<String>| {
        if let Some(seq) = editing.get_untracked() {
            chat.act(Event::Edit { seq, text: new.unwrap_or_default(), was: None });
        }
        editing.set(None);
    };
    view! {
        <div class="edit-last">
            <Show when=move || editing.with(Option::is_none)>
                <button type="button" class="link" data-testid="console-edit-last" on:click=open.clone()>"Edit my last message"</button>
            </Show>
            {move || editing.get().map(|seq| view! {
                <div class="edit-box" data-testid="console-edit" data-seq=seq>
                    <textarea aria-label="The message's new text" data-testid="console-edit-text" prop:value=text
                        on:input=move |e| text.set(event_target_value(&e))></textarea>
                    <button type="button" data-testid="console-edit-save" on:click=move |_| done(Some(text.get_untracked()))>"Save"</button>
                    <button type="button" data-testid="console-edit-delete" on:click=move |_| done(None)>"Delete"</button>
                    <button type="button" class="link" data-testid="console-edit-cancel" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            })}
        </div>
    }
}
