//! The message list: stored messages in sequence order, then the pending
//! ones (sending, or refused with the reason), windowed to the newest ones.
//! Text is always rendered as a text node, never parsed as HTML.

use leptos::html::Div;
use leptos::prelude::*;
use shared::chat_log::{ChatLog, Pending};
use shared::{ChatMessage, Role};
use web_sys::Element;

use crate::util::clock;

/// How many messages the list renders at first, and adds per step back.
const WINDOW: usize = 100;

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
    /// Fills the element given for a workflow event (a card in the widget,
    /// a timeline line in the console).
    on_event: Callback<(Element, ChatMessage)>,
) -> impl IntoView {
    let list = NodeRef::<Div>::new();
    // Windowed: only the newest `shown` messages are in the DOM (100 at
    // first, 100 more each time the reader reaches the top), so the DOM stays
    // small however long the history is.
    let shown = RwSignal::new(WINDOW);
    // Whether the reader is at the newest message (then new ones stay in view).
    let at_bottom = StoredValue::new(true);
    Effect::new(move |seen: Option<usize>| {
        let len = log.with(|l| l.messages().len());
        if !at_bottom.get_value() {
            // Reading older messages: grow the window instead of sliding it,
            // so what the reader looks at stays in place.
            shown.update(|n| *n += len - seen.unwrap_or(len).min(len));
        } else {
            request_animation_frame(move || {
                if let Some(el) = list.try_get_untracked().flatten() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
        len
    });
    // Workflow events render as empty slots first; the app fills each once
    // it is in the DOM (plain DOM: far less wasm than a view per card kind).
    Effect::new(move |_| {
        log.track();
        shown.track();
        request_animation_frame(move || {
            if let Some(el) = list.try_get_untracked().flatten() {
                fill_slots(&el, log, on_event);
            }
        });
    });
    let on_scroll = move |_| {
        let Some(el) = list.get_untracked() else { return };
        at_bottom.set_value(el.scroll_height() - el.scroll_top() - el.client_height() < 40);
        let total = log.with_untracked(|l| l.messages().len());
        if el.scroll_top() < 80 && shown.get_untracked() < total {
            let (height, top) = (el.scroll_height(), el.scroll_top());
            shown.update(|n| *n += WINDOW);
            // Keep the message the reader was looking at where it was.
            request_animation_frame(move || el.set_scroll_top(top + el.scroll_height() - height));
        }
    };
    let stored = move || {
        let n = shown.get();
        log.with(|l| {
            let all = l.messages();
            all[all.len().saturating_sub(n)..].to_vec()
        })
    };
    let pending = move || log.with(|l| l.outbox().to_vec());
    let is_empty = move || log.with(|l| l.messages().is_empty() && l.outbox().is_empty());
    view! {
        <div class="messages" node_ref=list role="log" aria-live="polite" aria-label="Messages" on:scroll=on_scroll>
            <Show when=is_empty>
                <p class="empty">{empty.clone()}</p>
            </Show>
            <For each=stored key=|m| m.seq let:m>
                {match &m.event {
                    Some(_) => view! { <div class="slot" data-seq=m.seq></div> }.into_any(),
                    None if m.text.is_empty() => ().into_any(),
                    None => view! { <StoredMessage m=m me=me testid=testid/> }.into_any(),
                }}
            </For>
            <For each=pending key=|p| (p.id.clone(), p.refused.clone()) let:p>
                <PendingMessage p=p testid=testid on_dismiss=on_dismiss/>
            </For>
        </div>
    }
    .into_any()
}

/// Hands every unfilled event slot under `list` to `on_event`, once.
fn fill_slots(list: &Element, log: RwSignal<ChatLog>, on_event: Callback<(Element, ChatMessage)>) {
    let Ok(slots) = list.query_selector_all(".slot") else { return };
    for i in 0..slots.length() {
        let Some(el) = slots.item(i).and_then(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok()) else { continue };
        el.set_class_name("");
        let seq = el.get_attribute("data-seq").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
        let m = log
            .try_with_untracked(|l| {
                let all = l.messages();
                all.binary_search_by_key(&seq, |m| m.seq).ok().map(|i| all[i].clone())
            })
            .flatten();
        if let Some(m) = m {
            on_event.run((el, m));
        }
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
    .into_any()
}

#[component]
fn PendingMessage(p: Pending, testid: &'static str, on_dismiss: Callback<String>) -> impl IntoView {
    let refused = p.refused.clone();
    let id = p.id.clone();
    if p.event.is_some() {
        // An action (card answer, workflow step): invisible while on its way,
        // its refusal shown with the reason.
        return refused
            .map(|why| {
                view! {
                    <div class="event refused" role="alert" data-testid="timeline-refused">
                        "Not done: "{why}" "
                        <button class="link" on:click=move |_| on_dismiss.run(id.clone())>"Dismiss"</button>
                    </div>
                }
            })
            .into_any();
    }
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
    .into_any()
}
