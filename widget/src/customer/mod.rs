//! The customer widget app, running in the iframe that the loader
//! (`/widget.js`) opens on the customer's page. It asks the site's pre-chat
//! questions (or, opened by a proactive trigger, shows its greeting), starts
//! a conversation on the form or the first send (no empty conversations in
//! the inbox), remembers it through the host page (see [`host`]), resumes it
//! after reloads, and draws workflow events as cards (see [`cards`]).

pub mod api;
pub mod cards;
pub mod host;
pub mod prechat;

use leptos::prelude::*;
use shared::api::{customer_socket_path, ConversationCreated, CreateConversation};
use shared::site::WidgetConfig;
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
    ws_origin() + &customer_socket_path(s.conversation.as_str(), &s.token, after)
}

#[component]
fn App() -> impl IntoView {
    let site = StoredValue::new(query_param("site").and_then(|s| s.parse::<SiteId>().ok()));
    let session = RwSignal::new(None::<ConversationCreated>);
    let looked_up = RwSignal::new(false);
    let creating = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let config = RwSignal::new(None::<WidgetConfig>);
    let trigger = StoredValue::new(query_param("trigger"));
    let answers = StoredValue::new(Vec::<(String, String)>::new());
    let form_done = RwSignal::new(false);
    if let Some(site) = site.get_value() {
        leptos::task::spawn_local(async move { config.set(api::widget_config(site.as_str()).await.ok()) });
    }
    let chat = Chat::new(move |after| session.with_untracked(|s| s.as_ref().map(|s| socket_url(s, after))));
    let bridge = StoredValue::new_local(HostBridge::new());

    // Starts a conversation when there is something to send (a message or
    // the pre-chat answers) and none yet.
    let ensure_conversation = move || {
        let has_outbox = chat.log.with_untracked(|l| !l.outbox().is_empty());
        if session.with_untracked(Option::is_some)
            || !looked_up.get_untracked()
            || creating.get_untracked()
            || !(has_outbox || form_done.get_untracked())
        {
            return;
        }
        let Some(site) = site.get_value() else {
            notice.set(Some("This chat is not set up for this page (missing site).".into()));
            return;
        };
        creating.set(true);
        leptos::task::spawn_local(async move {
            let body = CreateConversation { site, trigger: trigger.get_value(), fields: answers.get_value() };
            match api::create_conversation(&body).await {
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
    let on_answers = Callback::new(move |a: Vec<(String, String)>| {
        answers.set_value(a);
        form_done.set(true);
        ensure_conversation();
    });
    let on_edit = Callback::new(move |_: String| chat.typed());
    let prechat_form = NodeRef::<leptos::html::Form>::new();
    let on_event = Callback::new(move |(el, m)| cards::fill(chat, el, m));
    // The pre-chat form, until answered (not for proactive chats or resumed
    // ones). A memo: the composer below is rebuilt only when this changes,
    // never while someone types.
    let form = Memo::new(move |_| {
        let fresh =
            looked_up.get() && session.with(Option::is_none) && !form_done.get() && trigger.get_value().is_none();
        let fields = config.with(|c| c.as_ref().map(|c| c.fields.clone()).unwrap_or_default());
        (fresh && !fields.is_empty() && chat.log.with(|l| l.outbox().is_empty())).then_some(fields)
    });
    // A proactive trigger's greeting, until the conversation (which stores it) exists.
    let greeting = move || {
        let id = trigger.get_value()?;
        if session.with(Option::is_some) {
            return None;
        }
        config.with(|c| c.as_ref()?.triggers.iter().find(|t| t.id == id).map(|t| t.greeting.clone()))
    };
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
            {move || greeting().map(|g| view! {
                <div class="row theirs"><div class="bubble" data-testid="chat-greeting">{g}</div></div>
            })}
            <MessageList
                log=chat.log
                me=Role::Customer
                testid="chat-message"
                on_dismiss=on_dismiss
                empty="Hi! Ask us anything — we usually answer within a few minutes."
                on_event=on_event
            />
            <p class="typing" aria-live="polite" data-testid="chat-typing" class:on=chat.typing>"Support is typing…"</p>
            {move || match form.get() {
                Some(fields) => {
                    // Built in plain DOM once the (empty) form is in the page.
                    request_animation_frame(move || {
                        if let Some(form) = prechat_form.try_get_untracked().flatten() {
                            prechat::fill(form.into(), fields, on_answers);
                        }
                    });
                    view! { <form class="prechat" data-testid="chat-prechat" node_ref=prechat_form></form> }.into_any()
                }
                None => view! {
                    <Composer on_send=on_send input_testid="chat-input" send_testid="chat-send"
                        placeholder="Type your message…" on_edit=on_edit/>
                }.into_any(),
            }}
        </main>
    }
}
