//! Getting the operator's attention when something needs them and they
//! look elsewhere: the count in the tab's title and on the favicon (chats
//! routing gave them and not yet opened, and their conversations with
//! messages they have not seen), an optional short tone, and a desktop
//! notification once the browser allows them (only while the console is
//! not in focus). The sound choice is kept in this browser.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::util::{load, store};

const SOUND: &str = "console:sound";

/// The operator's notification choices.
#[derive(Clone, Copy)]
pub struct Notify {
    /// Play a tone.
    pub sound: RwSignal<bool>,
    /// The browser's answer to desktop notifications (`granted`, `denied`, `default`).
    pub desktop: RwSignal<String>,
}

fn permission() -> String {
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => "granted",
        web_sys::NotificationPermission::Denied => "denied",
        _ => "default",
    }
    .into()
}

/// Whether the browser has desktop notifications at all.
fn supported() -> bool {
    web_sys::window().is_some_and(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false))
}

/// The favicon: a speech bubble, with a red badge holding `count` when there is one.
fn favicon(count: usize) -> String {
    let badge = match count {
        0 => String::new(),
        n => format!(
            "<circle cx='23' cy='9' r='9' fill='%23d93025'/><text x='23' y='13' font-size='12' font-family='sans-serif' \
             font-weight='bold' text-anchor='middle' fill='white'>{}</text>",
            if n > 9 { "9+".to_owned() } else { n.to_string() }
        ),
    };
    format!(
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><path d='M4 6h18a3 3 0 0 1 3 \
         3v11a3 3 0 0 1-3 3H12l-6 5v-5H4a3 3 0 0 1-3-3V9a3 3 0 0 1 3-3z' fill='%233b5bdb'/>{badge}</svg>"
    )
}

impl Notify {
    /// The choices as kept.
    pub fn new() -> Self {
        let desktop = if supported() { permission() } else { "unsupported".into() };
        Notify { sound: RwSignal::new(load(SOUND).as_deref() == Some("on")), desktop: RwSignal::new(desktop) }
    }

    /// Shows `count` things waiting in the title ("(n) ") and on the favicon.
    pub fn show(&self, count: usize) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let title = doc.title();
        let base = title.split_once(") ").filter(|_| title.starts_with('(')).map_or(title.as_str(), |(_, b)| b);
        doc.set_title(&if count > 0 { format!("({count}) {base}") } else { base.to_owned() });
        if let Ok(Some(link)) = doc.query_selector("link[rel=icon]") {
            let _ = link.set_attribute("href", &favicon(count));
            let _ = link.set_attribute("data-count", &count.to_string());
        }
    }

    /// Something new for the operator: a tone if chosen, and a desktop
    /// notification if allowed and the console is not in focus. `tag`:
    /// one notification per conversation (a newer one replaces it).
    pub fn ping(&self, title: &str, body: &str, tag: &str) {
        if self.sound.get_untracked() {
            tone();
        }
        let focused = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.has_focus().unwrap_or(true));
        if focused || self.desktop.get_untracked() != "granted" {
            return;
        }
        let options = web_sys::NotificationOptions::new();
        options.set_body(body);
        options.set_tag(tag);
        if let Ok(n) = web_sys::Notification::new_with_options(title, &options) {
            // Clicking it brings the console forward.
            let focus = wasm_bindgen::closure::Closure::once_into_js(move || {
                if let Some(w) = web_sys::window() {
                    let _ = w.focus();
                }
            });
            n.set_onclick(Some(focus.unchecked_ref()));
        }
    }

    /// Asks the browser for desktop notifications.
    fn ask(&self) {
        let this = *self;
        let Ok(promise) = web_sys::Notification::request_permission() else { return };
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            this.desktop.set(permission());
        });
    }
}

/// A short two-note tone (no sound file to load).
fn tone() {
    let Ok(ctx) = web_sys::AudioContext::new() else { return };
    let now = ctx.current_time();
    for (i, freq) in [660.0_f32, 880.0].into_iter().enumerate() {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
        let start = now + i as f64 * 0.12;
        osc.frequency().set_value(freq);
        gain.gain().set_value(0.08);
        let _ = osc.connect_with_audio_node(&gain).and_then(|_| gain.connect_with_audio_node(&ctx.destination()));
        let _ = osc.start_with_when(start);
        let _ = osc.stop_with_when(start + 0.1);
    }
}

/// The operator's notification switches.
#[component]
pub fn NotifyControls(notify: Notify) -> impl IntoView {
    let toggle = move |e| {
        let on = event_target_checked(&e);
        notify.sound.set(on);
        store(SOUND, Some(if on { "on" } else { "off" }));
        if on {
            tone();
        }
    };
    view! {
        <label class="notify">
            <input type="checkbox" data-testid="console-notify-sound" prop:checked=notify.sound on:change=toggle/>
            "Sound"
        </label>
        {move || match notify.desktop.get().as_str() {
            "default" => view! {
                <button class="link" data-testid="console-notify-desktop" on:click=move |_| notify.ask()>"Desktop notifications"</button>
            }.into_any(),
            "granted" => view! { <span class="notify" data-testid="console-notify-desktop-on">"Desktop notifications on"</span> }.into_any(),
            _ => ().into_any(),
        }}
    }
}
