//! The message list: stored messages in sequence order, then the pending
//! ones (sending, or refused with the reason). Text is always rendered as a
//! text node, never parsed as HTML.

use leptos::html::Div;
use leptos::prelude::*;
use shared::chat_log::{ChatLog, Pending};
use shared::{ChatMessage, Role};

use crate::util::clock;

/// The messages of a conversation, seen from `me`'s side.
#[component]
pub fn MessageList(
    /// The conversation.
    log: RwSignal<ChatLog>,
    /// Whose messages are drawn as "mine" (right-aligned).
    me: Role,
    /// `data-testid` of each message bubble.
    testid: &'static str,
    /// Called with a refused send's id when the user dismisses it.
    on_dismiss: Callback<String>,
    /// Shown when there are no messages yet.
    #[prop(into)]
    empty: String,
) -> impl IntoView {
    let list = NodeRef::<Div>::new();
    // Keep the newest message in view.
    Effect::new(move |_| {
        log.track();
        if let Some(el) = list.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let stored = move || log.with(|l| l.messages().to_vec());
    let pending = move || log.with(|l| l.outbox().to_vec());
    let is_empty = move || log.with(|l| l.messages().is_empty() && l.outbox().is_empty());
    view! {
        <div class="messages" node_ref=list role="log" aria-live="polite" aria-label="Messages">
            <Show when=is_empty>
                <p class="empty">{empty.clone()}</p>
            </Show>
            <For each=stored key=|m| m.seq let:m>
                <StoredMessage m=m me=me testid=testid/>
            </For>
            <For each=pending key=|p| (p.id.clone(), p.refused.clone()) let:p>
                <PendingMessage p=p testid=testid on_dismiss=on_dismiss/>
            </For>
        </div>
    }
}

#[component]
fn StoredMessage(m: ChatMessage, me: Role, testid: &'static str) -> impl IntoView {
    let mine = m.author == me;
    let who = match (mine, m.author) {
        (true, _) => "You",
        (false, Role::Customer) => "Customer",
        (false, Role::Operator) => "Support",
    };
    view! {
        <div class=if mine { "row mine" } else { "row theirs" } data-seq=m.seq>
            <div class="bubble" data-testid=testid data-state="sent">{m.text}</div>
            <div class="meta">{who}" · "{clock(m.at)}</div>
        </div>
    }
}

#[component]
fn PendingMessage(p: Pending, testid: &'static str, on_dismiss: Callback<String>) -> impl IntoView {
    let refused = p.refused.clone();
    let id = p.id.clone();
    view! {
        <div class="row mine pending">
            <div class="bubble" data-testid=testid data-state=if refused.is_some() { "refused" } else { "pending" }>
                {p.text}
            </div>
            {match refused {
                None => view! { <div class="meta">"Sending…"</div> }.into_any(),
                Some(why) => view! {
                    <div class="meta error" role="alert">
                        "Not sent: "{why}" "
                        <button class="link" on:click=move |_| on_dismiss.run(id.clone())>"Dismiss"</button>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}
