//! The customer widget app, running in the iframe that the loader
//! (`/widget.js`) opens on the customer's page. It starts a conversation on
//! the first send (no empty conversations in the inbox), remembers it through
//! the host page (see [`host`]), and resumes it after reloads.

pub mod api;
pub mod host;

use leptos::prelude::*;
use shared::api::{customer_socket_path, ConversationCreated};
use shared::{Role, SiteId};

use crate::chat::Chat;
use crate::components::{Composer, MessageList, StatusLine};
use crate::socket::Status;
use crate::util::{query_param, ws_origin};
use host::HostBridge;

/// Mounts the widget app into `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

fn socket_url(s: &ConversationCreated, after: u64) -> String {
    format!("{}{}", ws_origin(), customer_socket_path(s.conversation.as_str(), &s.token, after))
}

#[component]
fn App() -> impl IntoView {
    let site = StoredValue::new(query_param("site").and_then(|s| s.parse::<SiteId>().ok()));
    let session = RwSignal::new(None::<ConversationCreated>);
    let looked_up = RwSignal::new(false);
    let creating = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let chat = Chat::new(move |after| session.with_untracked(|s| s.as_ref().map(|s| socket_url(s, after))));
    let bridge = StoredValue::new_local(HostBridge::new());

    // Starts a conversation when there is something to send and none yet.
    let ensure_conversation = move || {
        let has_outbox = chat.log.with_untracked(|l| !l.outbox().is_empty());
        if session.with_untracked(Option::is_some)
            || !looked_up.get_untracked()
            || creating.get_untracked()
            || !has_outbox
        {
            return;
        }
        let Some(site) = site.get_value() else {
            notice.set(Some("This chat is not set up for this page (missing site).".into()));
            return;
        };
        creating.set(true);
        leptos::task::spawn_local(async move {
            match api::create_conversation(&site).await {
                Ok(created) => {
                    bridge.with_value(|b| b.save(&created));
                    session.set(Some(created));
                    notice.set(None);
                    chat.connect();
                }
                Err(e) => notice.set(Some(format!("Could not start the chat: {e}. Send again to retry."))),
            }
            creating.set(false);
        });
    };

    bridge.with_value(|b| {
        b.lookup(move |found| {
            let resume = found.is_some();
            session.set(found);
            looked_up.set(true);
            if resume {
                chat.connect();
            } else {
                ensure_conversation();
            }
        })
    });

    // A remembered conversation the server no longer knows: start afresh,
    // keeping whatever the customer typed meanwhile.
    Effect::new(move |_| {
        if matches!(chat.status.get(), Status::Refused(_)) && session.with_untracked(Option::is_some) {
            bridge.with_value(HostBridge::clear);
            session.set(None);
            chat.log.update(|l| l.restart());
            chat.status.set(Status::Idle);
            notice.set(Some("Your earlier conversation has ended; this is a new one.".into()));
            ensure_conversation();
        }
    });

    let on_send = Callback::new(move |text: String| {
        chat.send(text)?;
        ensure_conversation();
        Ok(())
    });
    let on_dismiss = Callback::new(move |id: String| chat.dismiss(&id));
    view! {
        <main class="chat">
            <header class="chat-header">
                <div class="title">
                    <strong>"Chat with us"</strong>
                    <StatusLine status=chat.status testid="chat-status"/>
                </div>
                <button class="close" aria-label="Close chat" on:click=move |_| bridge.with_value(HostBridge::close)>
                    "×"
                </button>
            </header>
            {move || notice.get().map(|n| view! { <p class="notice" role="alert" data-testid="chat-notice">{n}</p> })}
            <MessageList
                log=chat.log
                me=Role::Customer
                testid="chat-message"
                on_dismiss=on_dismiss
                empty="Hi! Ask us anything — we usually answer within a few minutes."
            />
            <Composer on_send=on_send input_testid="chat-input" send_testid="chat-send" placeholder="Type your message…"/>
        </main>
    }
}
