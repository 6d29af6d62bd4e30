//! The public-channel app, in the iframe the loader embeds for a script tag
//! with `data-channel`: many customers post in one room. The visitor picks
//! a display name once; messages show who wrote them; held messages stay
//! pending with the reason, refused ones say why, and moderators' notices
//! (warning, mute with its end time, ban) show above the list.

pub mod host;

use leptos::prelude::*;

use shared::api::{report_message_path, ViewerReport};
use shared::rules::Category;

use crate::chat::Chat;
use crate::components::{Composer, MessageList, StatusLine};
use crate::util::{query_param, ws_origin};
use host::Bridge;

/// Longest display name (the Worker checks it too).
const MAX_NAME: usize = 40;

/// Mounts the channel app into `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

/// What a viewer can report a message for (a category's key, or "other").
const REASONS: &[(&str, &str)] = &[
    ("harassment", "Harassment or threats"),
    ("hate", "Hate"),
    ("sexual", "Sexual content"),
    ("spam", "Spam or a scam"),
    ("selfHarm", "Someone may hurt themselves"),
    ("other", "Something else"),
];

/// Adds a "Report" button to every other viewer's message that has none.
fn report_buttons() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(rows) = document.query_selector_all(".row.theirs[data-seq]") else { return };
    for i in 0..rows.length() {
        let Some(row) = rows.item(i).and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok()) else {
            continue;
        };
        if row.query_selector(".report").ok().flatten().is_some() {
            continue;
        }
        let (Some(seq), Ok(button)) = (row.get_attribute("data-seq"), document.create_element("button")) else {
            continue;
        };
        button.set_class_name("link report");
        button.set_text_content(Some("Report"));
        for (name, value) in [("data-testid", "channel-report"), ("data-report", seq.as_str()), ("type", "button")] {
            let _ = button.set_attribute(name, value);
        }
        let _ = row.append_child(&button);
    }
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
    bridge.with_value(|b| {
        b.lookup(move |v, n| {
            visitor.set(Some(v));
            name.set(n.filter(|n| !n.trim().is_empty()));
        })
    });
    crate::effect(move || {
        if visitor.with(Option::is_some) && name.with(Option::is_some) {
            chat.connect();
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
    // Each other viewer's message gets a "Report" button, added to the rows
    // the shared message list draws (the customer widget's list, and its
    // size budget, stay as they are); a click opens the reason form.
    let reporting = RwSignal::new(None::<u64>);
    let reason = RwSignal::new(Category::Harassment.key().to_owned());
    crate::effect(move || {
        chat.log.track();
        request_animation_frame(report_buttons);
    });
    let on_list_click = move |e: leptos::ev::MouseEvent| {
        let target = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let seq = target.and_then(|t| t.get_attribute("data-report")).and_then(|s| s.parse::<u64>().ok());
        if seq.is_some() {
            reporting.set(seq);
        }
    };
    let thanks = RwSignal::new(None::<String>);
    let send_report = move |_| {
        let (Some(seq), Some(visitor)) = (reporting.get_untracked(), visitor.get_untracked()) else { return };
        reporting.set(None);
        let body = ViewerReport { visitor, reason: Category::from_key(&reason.get_untracked()) };
        let path = report_message_path(&site_of.get_value(), &channel.get_value(), seq);
        leptos::task::spawn_local(async move {
            let answer = crate::http::request("POST", &path, crate::json::encode(&body)).await;
            let text = answer.map(|t| {
                let v = crate::wire::parse(&t).unwrap_or(wasm_bindgen::JsValue::NULL);
                crate::wire::text(&v, "text").unwrap_or_default()
            });
            thanks.set(Some(text.unwrap_or_else(|e| format!("Not reported: {e}"))));
        });
    };
    let on_dismiss = Callback::new(move |id: String| chat.dismiss(&id));
    let notice = move || chat.log.with(|l| l.notice().map(str::to_owned)).or_else(|| thanks.get()).unwrap_or_default();
    view! {
        <main class="chat">
            <header class="chat-header">
                <div class="title">
                    <strong>"#" {channel.get_value()}</strong>
                    <StatusLine status=chat.status testid="channel-status"/>
                </div>
            </header>
            <p class="notice" role="alert" data-testid="channel-notice">{notice}</p>
            <div class="channel-list" on:click=on_list_click>
                <MessageList
                    log=chat.log
                    testid="channel-message"
                    on_dismiss=on_dismiss
                    empty="No messages yet. Say hello!"
                    on_event=Callback::new(|_| {})
                    on_top=Callback::new(move |_| chat.older())
                />
            </div>
            {move || reporting.get().map(|_| view! {
                <div class="report-form" role="dialog" aria-label="Report a message" data-testid="channel-report-form">
                    <label>"Why? "
                        <select data-testid="channel-report-reason" on:change=move |e| reason.set(event_target_value(&e))>
                            {REASONS.iter().map(|(key, label)| view! {
                                <option value=*key selected=move || reason.get() == *key>{*label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button data-testid="channel-report-send" on:click=send_report>"Report"</button>
                    <button class="link" data-testid="channel-report-cancel" on:click=move |_| reporting.set(None)>"Cancel"</button>
                </div>
            })}
            <Show
                when=move || name.with(Option::is_some)
                fallback=move || view! {
                    <form class="prechat" on:submit=join data-testid="channel-join-form">
                        <label for="channel-name">"Your name in this channel"</label>
                        <input id="channel-name" data-testid="channel-name" maxlength="40" required
                            on:input=move |e| draft.set(event_target_value(&e))/>
                        <button data-testid="channel-join">"Join"</button>
                    </form>
                }
            >
                <div class="composer-wrap">
                    <Composer on_send=on_send input_testid="channel-input" send_testid="channel-send"
                        placeholder="Write to everyone…"/>
                </div>
            </Show>
        </main>
    }
}
