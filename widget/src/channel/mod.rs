//! The public-channel app, in the iframe the loader embeds for a script tag
//! with `data-channel`: many customers post in one room. The visitor picks
//! a display name once; messages show who wrote them; held messages stay
//! pending with the reason, refused ones say why, and moderators' notices
//! (warning, mute with its end time, ban) show above the list. Where the
//! site lets channels take files, members attach them (`uploads.js`) and
//! everyone sees them as thumbnails or download links.

pub mod host;
mod report;

use leptos::prelude::*;

use shared::api::ViewerReport;
use shared::chat_log::ChatLog;

use crate::chat::Chat;
use crate::components::{Composer, MessageList, StatusLine};
use crate::i18n::t;
use crate::util::{query_param, ws_origin};
use host::Bridge;

/// Longest display name (the Worker checks it too).
const MAX_NAME: usize = 40;

/// Mounts the channel app into `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let site = query_param("site").unwrap_or_default();
    let site_of = StoredValue::new(site.clone());
    let channel = StoredValue::new(query_param("channel").unwrap_or_default());
    let visitor = RwSignal::new(None::<String>);
    let name = RwSignal::new(None::<String>);
    let bridge = StoredValue::new(Bridge::new());
    let chat = Chat::new(
        move |after| {
            let (v, n) = (visitor.try_get_untracked()??, name.try_get_untracked()??);
            let path = shared::api::channel_socket_path(&site, &channel.get_value(), &v, &n, after);
            Some(ws_origin() + &path)
        },
        &crate::wire::CHANNEL,
        None,
    );
    // What the viewer is told besides the log's notices (a report's
    // thanks, why no visitor token came).
    let thanks = RwSignal::new(None::<String>);
    let got = move |v: Result<String, String>| match v {
        Ok(v) => visitor.set(Some(v)),
        Err(e) => thanks.set(Some(e)),
    };
    bridge.with_value(|b| {
        b.lookup(site_of.get_value(), move |v, n| {
            got(v);
            name.set(n.filter(|n| !n.trim().is_empty()));
        })
    });
    // A kept token the service refuses (issued under an earlier key): a
    // new one, once.
    let renewed = StoredValue::new(false);
    crate::effect(move || {
        let refused = matches!(chat.status.get(), crate::socket::Status::Refused(_));
        if refused
            && chat.log.with_untracked(|l| l.refused()) == Some(shared::ErrorCode::Unauthorized)
            && !renewed.get_value()
        {
            renewed.set_value(true);
            visitor.set(None);
            bridge.with_value(|b| b.renew(site_of.get_value(), got));
        }
    });
    crate::effect(move || {
        if visitor.with(Option::is_some) && name.with(Option::is_some) {
            chat.connect();
        }
    });
    // A name the server refused (one a reader could take for staff): the
    // join form comes back, the reason stays in the status line.
    crate::effect(move || {
        let refused = matches!(chat.status.get(), crate::socket::Status::Refused(_));
        if refused && chat.log.with_untracked(|l| l.refused()) == Some(shared::ErrorCode::Forbidden) {
            bridge.with_value(|b| b.save_name(""));
            name.set(None);
        }
    });
    let draft = RwSignal::new(String::new());
    let join = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let n: String = draft.get_untracked().trim().chars().take(MAX_NAME).collect();
        if !n.is_empty() {
            bridge.with_value(|b| b.save_name(&n));
            name.set(Some(n));
        }
    };
    let on_send = Callback::new(move |text: String| chat.send(text));
    // Where uploads.js sends files, once the member has joined and where
    // the site's channels take them: the channel, with the visitor token
    // and the display name.
    crate::effect(move || {
        let (v, n, files) = (visitor.get(), name.get(), chat.log.with(ChatLog::takes_files));
        let path = shared::files::channel_upload_path(&site_of.get_value(), &channel.get_value());
        let to = v.zip(n).filter(|_| files).map(|(v, n)| path + "?as=" + &shared::api::encode_query(&n) + " " + &v);
        crate::files::upload_to(to);
    });
    // A file: a thumbnail or a download link, with who sent it.
    let on_event = Callback::new(move |(el, m): (web_sys::Element, shared::ChatMessage)| {
        let Some(shared::workflow::Event::File(file)) = &m.event else { return };
        let (room, mine) = chat.log.with_untracked(|l| (l.room().map(|r| r.to_string()), l.is_mine(&m)));
        crate::files::row(&el, mine, &room.unwrap_or_default(), file, &m.text, "channel-file");
        let who = if mine { t("You") } else { m.name.clone().unwrap_or_default() };
        crate::dom::add(&el, "div", "meta", &(who + " · " + &crate::util::clock(m.at)));
    });
    // Each other viewer's message gets a "Report" button, added to the rows
    // the shared message list draws (the customer widget's list, and its
    // size budget, stay as they are); a click opens the reason form.
    crate::effect(move || {
        chat.log.track();
        request_animation_frame(report::buttons);
    });
    let on_click = move |e: leptos::ev::MouseEvent| {
        let Some(seq) = report::clicked(&e) else { return };
        report::open(seq, move |seq, reason| {
            let Some(visitor) = visitor.get_untracked() else { return };
            let report = ViewerReport { visitor, reason };
            leptos::task::spawn_local(async move {
                let said = report::send(&site_of.get_value(), &channel.get_value(), seq, &report).await;
                thanks.set(Some(said));
            });
        });
    };
    let on_dismiss = Callback::new(move |id: String| chat.dismiss(&id));
    let notice = move || chat.log.with(|l| l.notice().map(str::to_owned)).or_else(|| thanks.get()).unwrap_or_default();
    view! {
        <main class="chat" on:click=on_click>
            <header class="chat-header">
                <div class="title">
                    <strong>"#" {channel.get_value()}</strong>
                    <StatusLine status=chat.status testid="channel-status"/>
                </div>
            </header>
            <p class="notice" role="alert" data-testid="channel-notice">{notice}</p>
            <MessageList
                log=chat.log
                testid="channel-message"
                on_dismiss=on_dismiss
                // (Kept for the page's life: the list takes a `&'static str`,
                // which costs the customer widget less than a `String`.)
                empty=Box::leak(t("No messages yet. Say hello!").into_boxed_str())
                on_event=on_event
                on_top=Callback::new(move |_| chat.older())
            />
            <div class="reporting"></div>
            <Show
                when=move || name.with(Option::is_some)
                fallback=move || view! {
                    <form class="prechat" on:submit=join data-testid="channel-join-form">
                        <label for="channel-name">{t("Your name in this channel")}</label>
                        <input id="channel-name" data-testid="channel-name" maxlength="40" required
                            on:input=move |e| draft.set(event_target_value(&e))/>
                        <button data-testid="channel-join">{t("Join")}</button>
                    </form>
                }
            >
                <div class="composer-wrap">
                    <Composer on_send=on_send input_testid="channel-input" send_testid="channel-send"
                        placeholder=t("Write to everyone…")/>
                    // Sent by uploads.js, loaded on first use by channel-boot.js;
                    // the button shows once `<body data-upload>` is set.
                    <div class="upload">
                        <label class="link">
                            "📎 " {t("Attach a file")}
                            <input type="file" multiple class="visually-hidden" data-testid="channel-attach"/>
                        </label>
                        <span role="status" data-testid="channel-attach-note"></span>
                    </div>
                </div>
            </Show>
        </main>
    }
}
