//! The channel monitor: a moderator's live view of one of the site's public
//! channels (who wrote what, as it arrives, over the same socket protocol
//! as a conversation), where they can post too, remove a published
//! message for everyone (a tombstone takes its place), and set its slow
//! mode and lock (kept in the site's settings; the server enforces both).

use leptos::html::Ol;
use leptos::prelude::*;
use shared::api::{operator_channel_path, remove_message_path};
use shared::chat_log::ChatLog;
use shared::site::ChannelMode;
use shared::workflow::Event;
use shared::Role;

use super::Session;
use crate::chat::Chat;
use crate::components::{Composer, StatusLine};
use crate::util::{clock, ws_origin};

/// How many of the newest messages are shown.
const SHOWN: usize = 200;

/// One line of the channel: who, when (or how the send stands), what.
#[derive(Clone)]
struct Line {
    key: String,
    /// A stored message's sequence number (it can be removed).
    seq: Option<u64>,
    who: String,
    meta: String,
    text: String,
    state: &'static str,
    /// A file's address (the text is its caption).
    file: Option<String>,
}

/// The newest stored messages with their senders' names, then our sends
/// on their way (or refused, with why).
fn lines(log: &ChatLog, me: &str) -> Vec<Line> {
    let all = log.messages();
    let newest = &all[all.len().saturating_sub(SHOWN)..];
    let room = log.room().map(|r| r.to_string()).unwrap_or_default();
    let shown = |m: &&shared::ChatMessage| matches!(m.event, None | Some(Event::File(_)));
    let stored = newest.iter().filter(shown).filter(|m| m.removed || !m.text.is_empty()).map(|m| {
        let file = match &m.event {
            Some(Event::File(f)) if !m.removed => Some(f.path(&room)),
            _ => None,
        };
        let fallback = if m.author == Role::Operator { "Moderator" } else { "Customer" };
        let who = m.name.clone().unwrap_or_else(|| fallback.to_string());
        let (key, text, state) = match m.removed {
            true => (format!("{}:removed", m.seq), m.text.clone(), "removed"),
            false => (m.seq.to_string(), m.text.clone(), "sent"),
        };
        Line { key, seq: Some(m.seq).filter(|_| !m.removed), who, meta: clock(m.at), text, state, file }
    });
    let pending = log.outbox().iter().filter(|p| p.event.is_none()).map(|p| {
        let (meta, state) = match &p.refused {
            Some((_, why)) => (format!("Not sent: {why}"), "refused"),
            None => ("Sending…".to_string(), "pending"),
        };
        let key = format!("{}:{state}", p.id);
        Line { key, seq: None, who: me.to_owned(), meta, text: p.text.clone(), state, file: None }
    });
    stored.chain(pending).collect()
}

/// The channel picker and the picked channel (the first one until another is picked).
#[component]
pub fn Monitor() -> impl IntoView {
    let session = expect_context::<Session>();
    let channels = move || session.config.with(|c| c.as_ref().map(|c| c.channels.clone()).unwrap_or_default());
    let picked = RwSignal::new(None::<String>);
    let current = Memo::new(move |_| picked.get().or_else(|| channels().first().map(|c| c.id.clone())));
    view! {
        <section class="monitor">
            <h3>"Channels"</h3>
            <Show when=move || session.config.with(|c| c.as_ref().is_some_and(|c| c.channels.is_empty()))>
                <p class="empty">"This site has no public channels."</p>
            </Show>
            <div class="channel-picker">
                {move || channels().into_iter().map(|c| {
                    let (id, active_id) = (c.id.clone(), c.id.clone());
                    view! {
                        <button type="button" data-testid="console-channel" data-channel=c.id.clone()
                            class:active=move || current.with(|x| x.as_deref() == Some(active_id.as_str()))
                            on:click=move |_| picked.set(Some(id.clone()))>{format!("#{}", c.title)}</button>
                    }
                }).collect_view()}
            </div>
            {move || current.get().map(|id| view! { <ModeControls id=id.clone()/><Channel id=id/> })}
        </section>
    }
}

/// Slow mode and lock of channel `id`, as the site's settings hold them.
#[component]
fn ModeControls(id: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let def =
        session.config.with_untracked(|c| c.as_ref().and_then(|c| c.channels.iter().find(|x| x.id == id).cloned()));
    let slow = RwSignal::new(def.as_ref().map_or(0, |d| d.slow_seconds));
    let locked = RwSignal::new(def.as_ref().is_some_and(|d| d.locked));
    let note = RwSignal::new(None::<Result<String, String>>);
    let path = shared::api::channel_mode_path(&session.site.get_value(), &id);
    let save = move || {
        let path = path.clone();
        let mode = ChannelMode { slow_seconds: slow.get_untracked(), locked: locked.get_untracked() };
        leptos::task::spawn_local(async move {
            match crate::console::api("POST", &path, crate::json::encode(&mode)).await {
                Ok(_) => {
                    let what = match (mode.locked, mode.slow_seconds) {
                        (true, _) => "Locked: only the team can write.".to_owned(),
                        (false, 0) => "Open, no slow mode.".to_owned(),
                        (false, s) => format!("Slow mode: one message every {s} s."),
                    };
                    note.set(Some(Ok(what)));
                    session.load_config();
                }
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let save_slow = save.clone();
    view! {
        <div class="channel-mode">
            <label>"Slow mode "
                <select data-testid="console-channel-slow" aria-label="Slow mode"
                    on:change=move |e| {
                        slow.set(event_target_value(&e).parse().unwrap_or(0));
                        save_slow();
                    }>
                    {[0u32, 5, 10, 30, 60, 300].into_iter().map(|s| {
                        let label = if s == 0 { "off".to_owned() } else { format!("{s} s") };
                        view! { <option value=s.to_string() selected=move || slow.get() == s>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="button" data-testid="console-channel-lock" aria-pressed=move || locked.get().to_string()
                on:click=move |_| {
                    locked.update(|l| *l = !*l);
                    save();
                }>{move || if locked.get() { "Unlock" } else { "Lock" }}</button>
            {move || note.get().map(|n| match n {
                Ok(t) => view! { <span class="ok" data-testid="console-channel-mode-note">{t}</span> }.into_any(),
                Err(t) => view! { <span class="error" role="alert" data-testid="console-channel-mode-error">{t}</span> }.into_any(),
            })}
        </div>
    }
}

/// One channel, attached as a moderator.
#[component]
fn Channel(id: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let (site, me) = (session.site.get_value(), session.name.get_value());
    let (site_of, channel_of) = (StoredValue::new(site.clone()), StoredValue::new(id.clone()));
    let error = RwSignal::new(None::<String>);
    // Removed for everyone: the channel tells every socket, this one too.
    let remove = move |seq: u64| {
        let path = remove_message_path(&site_of.get_value(), &channel_of.get_value(), seq);
        leptos::task::spawn_local(async move {
            error.set(crate::console::api("POST", &path, None).await.err());
        });
    };
    let chat = Chat::new(
        move |after| Some(ws_origin() + &operator_channel_path(&site, &id, after)),
        &crate::wire::OPERATOR,
        None,
    );
    chat.connect();
    on_cleanup(move || chat.stop());
    let list = NodeRef::<Ol>::new();
    // Live: keep the newest message in view.
    crate::effect(move || {
        chat.log.track();
        request_animation_frame(move || {
            if let Some(el) = list.try_get_untracked().flatten() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });
    let on_send = Callback::new(move |t: String| chat.send(t));
    view! {
        <div class="channel">
            <StatusLine status=chat.status testid="console-channel-status"/>
            // (The live region wraps the list: a list given role="log" is
            // no list, and its items would be orphans.)
            <div role="log" aria-live="polite" aria-label="Channel messages">
            <ol class="channel-messages" node_ref=list>
                <For each=move || chat.log.with(|l| lines(l, &me)) key=|l| l.key.clone() let:l>
                    <li data-testid="console-channel-message" data-state=l.state class=l.state>
                        <span class="who">{l.who}</span>
                        <span class="time">{l.meta}</span>
                        <span class="text">{l.text}</span>
                        {l.file.map(|href| view! {
                            <a class="link" href=href target="_blank" rel="noopener"
                                data-testid="console-channel-file">"Open the file"</a>
                        })}
                        {l.seq.map(|seq| view! {
                            <button class="link" data-testid="console-channel-remove" data-seq=seq
                                title="Remove this message for everyone"
                                on:click=move |_| remove(seq)>"Remove"</button>
                        })}
                    </li>
                </For>
            </ol>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="console-channel-remove-error">{e}</p> })}
            <Composer on_send=on_send input_testid="console-channel-input" send_testid="console-channel-send"
                placeholder="Write in the channel as a moderator…"/>
        </div>
    }
}
