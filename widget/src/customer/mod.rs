//! The customer widget app, running in the iframe that the loader
//! (`/widget.js`) opens on the customer's page. It asks the site's pre-chat
//! questions (or, opened by a proactive trigger, shows its greeting), starts
//! a conversation on the form or the first send (no empty conversations in
//! the inbox), remembers it through the host page (see [`host`]), resumes it
//! after reloads, and draws workflow events as cards (see [`cards`]).

pub mod api;
pub mod cards;
pub mod host;
pub mod intro;

use leptos::prelude::*;
use shared::api::{customer_socket_path, ConversationCreated, CreateConversation};
use shared::SiteId;

use crate::chat::Chat;
use crate::components::{Composer, MessageList, StatusLine};
use crate::i18n::{t, tf};
use crate::socket::Status;
use crate::util::{query_param, ws_origin};
use crate::wire::HostConfig;
use host::HostBridge;
use intro::Intro;

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
    // A sentence for the customer when something needs saying (empty: none).
    let notice = RwSignal::new(String::new());
    let config = RwSignal::new(None::<HostConfig>);
    let trigger = StoredValue::new(query_param("trigger"));
    let answers = StoredValue::new(Vec::<(String, String)>::new());
    // The e-mail left with a message while the site was away.
    let email = StoredValue::new(None::<String>);
    let form_done = RwSignal::new(false);
    let chat = Chat::new(
        move |after| session.with_untracked(|s| s.as_ref().map(|s| socket_url(s, after))),
        &crate::wire::CUSTOMER,
        Some(host::keep_unsent),
    );
    let bridge = StoredValue::new_local(HostBridge::new());

    // Starts a conversation when there is something to send (a message or
    // the pre-chat answers) and none yet. A logged-in customer new to this
    // browser first gets their latest conversation from any device, if any.
    let resumed = StoredValue::new(false);
    let ensure_conversation = move || {
        let waiting = move || chat.log.with_untracked(|l| !l.outbox().is_empty()) || form_done.get_untracked();
        let identity = bridge.with_value(HostBridge::identity);
        let mut resume = identity.is_some() && !resumed.get_value();
        if session.with_untracked(Option::is_some)
            || !looked_up.get_untracked()
            || creating.get_untracked()
            || !(resume || waiting())
        {
            return;
        }
        let Some(site) = site.get_value() else {
            notice.set(t("This chat is not set up for this page (missing site)."));
            return;
        };
        creating.set(true);
        resumed.set_value(true);
        leptos::task::spawn_local(async move {
            loop {
                let body = CreateConversation {
                    trigger: trigger.get_value(),
                    fields: answers.get_value(),
                    visitor: bridge.with_value(HostBridge::visitor),
                    page: bridge.with_value(HostBridge::page),
                    identity: identity.clone(),
                    resume,
                    email: email.get_value(),
                    ..CreateConversation::new(site.clone())
                };
                match api::create_conversation(&body).await {
                    Ok(created) => {
                        bridge.with_value(|b| b.save(&created));
                        session.set(Some(created));
                        notice.set(match body.email {
                            Some(_) => t("Thanks! We'll answer here, or by e-mail, as soon as we're back."),
                            None => String::new(),
                        });
                        chat.connect();
                    }
                    // Nothing to resume: start one if the customer is waiting.
                    Err(_) if resume => {
                        resume = false;
                        if waiting() {
                            continue;
                        }
                    }
                    Err(e) => notice
                        .set(tf("Could not start the chat: {why}. Send again to retry.", &[("why", &e.to_string())])),
                }
                break;
            }
            creating.set(false);
        });
    };

    bridge.with_value(|b| {
        b.lookup(
            move |found| {
                // What was typed and not stored before the last reload:
                // queued again with its ids (the server stores each once).
                chat.restore(bridge.with_value(HostBridge::take_unsent));
                let resume = found.is_some();
                session.set(found);
                looked_up.set(true);
                if resume {
                    chat.connect();
                } else {
                    ensure_conversation();
                }
            },
            move |c: HostConfig| {
                // The site's own greeting in the empty chat (none if it has
                // none; a new site's, `shared::site::DEFAULT_GREETING`, in
                // the reader's language).
                if let Some(el) = crate::dom::find(".messages .empty") {
                    el.set_text_content(Some(&t(&c.welcome)));
                }
                config.set(Some(c))
            },
        )
    });

    // A remembered conversation the server no longer knows: start afresh,
    // keeping whatever the customer typed meanwhile.
    crate::effect(move || {
        // (A ban is not a lost conversation: its notice stays.)
        // (Nor is a refusal for too many open windows.)
        let banned = matches!(
            chat.log.with_untracked(|l| l.refused()),
            Some(shared::ErrorCode::Banned | shared::ErrorCode::RateLimited)
        );
        if matches!(chat.status.get(), Status::Refused(_)) && !banned && session.with_untracked(Option::is_some) {
            bridge.with_value(HostBridge::clear);
            session.set(None);
            chat.log.update(|l| l.restart());
            chat.status.set(Status::Idle);
            notice.set(t("Your earlier conversation has ended; this is a new one."));
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
    let on_leave = Callback::new(move |(address, text): (String, String)| {
        email.set_value(Some(address));
        match chat.send(text) {
            Ok(()) => ensure_conversation(),
            Err(e) => notice.set(e.to_string()),
        }
    });
    let on_edit = Callback::new(move |t: String| chat.typed(&t));
    // Where uploads.js sends files: the conversation, with its token,
    // once its welcome said it takes files (the button shows then).
    crate::effect(move || {
        let to = |s: &ConversationCreated| shared::files::upload_path(s.conversation.as_str()) + " " + &s.token;
        let files = chat.log.with(shared::chat_log::ChatLog::takes_files);
        crate::files::upload_to(session.with(|s| s.as_ref().filter(|_| files).map(to)));
    });
    // The host page hears each message from the team that came while it
    // was open (its `message` event): those after the first welcome (of
    // this conversation: a new one starts its own line), each once.
    let (mut line, mut told) = (None, 0);
    crate::effect(move || {
        chat.log.with(|l| {
            let Some(after) = l.news_after() else { return };
            if line != Some(after) {
                (line, told) = (Some(after), after);
            }
            let from = told;
            for m in l.messages().iter().filter(|m| m.seq > from) {
                if m.author == shared::Role::Operator && !m.text.is_empty() {
                    bridge.with_value(|b| b.message(&m.text));
                }
                told = m.seq;
            }
        })
    });
    let on_event = Callback::new(move |(el, m): (web_sys::Element, shared::ChatMessage)| match &m.event {
        Some(shared::workflow::Event::File(file)) => session.with_untracked(|s| {
            if let Some(s) = s {
                let mine = m.author == shared::Role::Customer;
                crate::files::row(&el, mine, s.conversation.as_str(), file, &m.text, "chat-file");
            }
        }),
        _ => cards::fill(chat, el, m),
    });
    // What shows before the conversation exists: the pre-chat form (not for
    // proactive or resumed chats), or a proactive trigger's greeting (the
    // conversation then stores it). Drawn in plain DOM (small wasm), and only
    // when it changes, so typing into the form is never lost.
    // Nothing is drawn (the composer stays hidden) until the widget knows
    // whether the form is due: a visitor who starts typing must not lose
    // the composer to a late form. (Nor while a conversation is being
    // started or resumed: the form must not flash before a resumed chat.)
    let mut drawn = None::<Intro>;
    crate::effect(move || {
        if !looked_up.get() || creating.get() || (session.with(Option::is_none) && config.with(Option::is_none)) {
            return;
        }
        let now = if session.with(Option::is_some) {
            Intro::None
        } else {
            config.with(|c| {
                let Some(c) = c else { return Intro::None };
                match trigger.get_value() {
                    Some(_) if c.greeting.is_empty() => Intro::None,
                    Some(_) => Intro::Greeting(c.greeting.clone()),
                    None if c.away && chat.log.with(|l| l.outbox().is_empty()) => Intro::Away,
                    // (The loader sends no form where the page starts a sales chat.)
                    None if !form_done.get() && !c.fields.is_empty() && chat.log.with(|l| l.outbox().is_empty()) => {
                        Intro::Form(c.fields.clone())
                    }
                    None => Intro::None,
                }
            })
        };
        if drawn.as_ref() != Some(&now) {
            let what = now.clone();
            request_animation_frame(move || intro::draw(what, on_answers, on_leave));
        }
        drawn = Some(now);
    });
    view! {
        <main class="chat">
            <header class="chat-header">
                <div class="title">
                    <strong>{t("Chat with us")}</strong>
                    <StatusLine status=chat.status testid="chat-status"/>
                </div>
                <button class="close" aria-label=t("Close chat") on:click=move |_| bridge.with_value(HostBridge::close)>
                    "×"
                </button>
            </header>
            <p class="expect" data-testid="chat-expect">
                {move || config.with(|c| c.as_ref().map(|c| c.expect.clone()).unwrap_or_default())}
            </p>
            <p class="notice" role="alert" data-testid="chat-notice">
                {move || chat.log.with(|l| l.notice().map(str::to_owned)).unwrap_or_else(|| notice.get())}
            </p>
            <MessageList
                log=chat.log
                testid="chat-message"
                on_dismiss=on_dismiss
                empty=""
                on_event=on_event
            />
            <div class="intro"></div>
            <p class="typing" aria-live="polite" data-testid="chat-typing" class:on=chat.typing>{t("Support is typing…")}</p>
            <div class="composer-wrap" hidden>
                <Composer on_send=on_send input_testid="chat-input" send_testid="chat-send"
                    placeholder=t("Type your message…") on_edit=on_edit/>
                // Uploads are uploads.js's (loaded on first use by
                // customer-boot.js), outside what a visitor loads to type;
                // the button shows once `<body data-upload>` is set.
                <div class="upload">
                    <label class="link">
                        "📎 " {t("Attach a file")}
                        <input type="file" multiple class="visually-hidden" data-testid="chat-attach"/>
                    </label>
                    <span role="status" data-testid="chat-attach-note"></span>
                </div>
            </div>
        </main>
    }
}
