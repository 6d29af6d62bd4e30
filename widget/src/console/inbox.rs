//! The console workspace: the live inbox (one line per conversation, newest
//! activity first, with unread counts) and the open conversation.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::api::inbox_socket_path;
use shared::{ConversationId, ConversationSummary, Role, ServerMsg};

use super::pane::Pane;
use crate::components::StatusLine;
use crate::socket::{Socket, Status};
use crate::util::{clock, load, query_param, store, ws_origin};

const SEEN: &str = "console:seen";

/// Inbox and open conversation, for one site.
#[component]
pub fn Workspace(operator_key: String, on_sign_out: Callback<Option<String>>) -> impl IntoView {
    let site = query_param("site").unwrap_or_else(|| "demo".into());
    let list = RwSignal::new(Vec::<ConversationSummary>::new());
    let status = RwSignal::new(Status::Idle);
    let selected = RwSignal::new(None::<ConversationId>);
    let seen =
        RwSignal::new(load(SEEN).and_then(|s| crate::json::decode::<HashMap<String, u64>>(&s)).unwrap_or_default());
    Effect::new(move |_| seen.with(|s| store(SEEN, crate::json::encode(s).as_deref())));

    let url = format!("{}{}", ws_origin(), inbox_socket_path(&site, &operator_key));
    let socket = Socket::new(
        move || Some(url.clone()),
        move |frame| match frame.msg {
            ServerMsg::Inbox { conversations } => list.set(conversations),
            ServerMsg::InboxUpdate(s) => list.update(|l| {
                l.retain(|c| c.id != s.id);
                l.insert(0, s);
                l.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
            }),
            _ => {}
        },
        status,
    );
    socket.connect();
    let socket = StoredValue::new_local(socket);
    on_cleanup(move || socket.with_value(Socket::stop));
    Effect::new(move |_| {
        if let Status::Refused(why) = status.get() {
            on_sign_out.run(Some(format!("Signed out: {why}")));
        }
    });

    let key = StoredValue::new(operator_key);
    // Messages past the last one seen in this browser.
    let unread = move |id: &str, last_seq: u64| {
        let seen = seen.with(|s| s.get(id).copied().unwrap_or(0));
        last_seq.saturating_sub(seen)
    };
    view! {
        <div class="console">
            <aside class="inbox">
                <header>
                    <strong>"Inbox · "{site.clone()}</strong>
                    <StatusLine status=status testid="console-status"/>
                    <button class="link" data-testid="console-sign-out" on:click=move |_| on_sign_out.run(None)>"Sign out"</button>
                </header>
                <Show when=move || list.with(Vec::is_empty)>
                    <p class="empty">"No conversations yet. Open the demo page and say hello."</p>
                </Show>
                <ul>
                    <For each=move || list.get() key=|c| (c.id.clone(), c.last_seq) let:c>
                        {
                            let id = c.id.clone();
                            let active_id = c.id.clone();
                            let (seen_id, last_seq) = (c.id.to_string(), c.last_seq);
                            let count = move || unread(&seen_id, last_seq);
                            let who = match c.last_author { Some(Role::Operator) => "You: ", _ => "" };
                            view! {
                                <li>
                                    <button
                                        data-testid="console-conversation"
                                        data-conversation=c.id.to_string()
                                        class:active=move || selected.with(|s| s.as_ref() == Some(&active_id))
                                        on:click=move |_| selected.set(Some(id.clone()))
                                    >
                                        <span class="line1">
                                            <span class="who">{super::visitor(&c.id)}</span>
                                            <span class="time">{clock(c.updated_at)}</span>
                                        </span>
                                        <span class="line2">
                                            <span class="preview">{who}{c.preview.clone()}</span>
                                            {move || {
                                                let n = count();
                                                (n > 0).then(|| view! { <span class="unread" data-testid="console-unread">{n}</span> })
                                            }}
                                        </span>
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </aside>
            <section class="pane">
                {move || match selected.get() {
                    None => view! { <p class="empty">"Pick a conversation."</p> }.into_any(),
                    Some(id) => view! { <Pane id=id operator_key=key.get_value() seen=seen/> }.into_any(),
                }}
            </section>
        </div>
    }
}
