//! The bridge to the host page. Browsers deny storage to a third-party
//! iframe (and the customer's page is always another site than ours), so the
//! conversation id and token are kept in the host page's `localStorage` by
//! the loader and handed over with `postMessage`, origins checked both ways.
//!
//! Messages (JSON strings), iframe → loader: `{"type":"chat:ready"}`,
//! `{"type":"chat:save","session":{...}}`, `{"type":"chat:clear"}`,
//! `{"type":"chat:close"}`; loader → iframe: `{"type":"chat:session",
//! "session":{...}|null}`. Opened outside an iframe (no `host` parameter),
//! the widget uses its own `localStorage` instead.

use std::time::Duration;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::api::ConversationCreated;
use wasm_bindgen::JsValue;

use crate::util::{load, query_param, store};

/// A message between the iframe and the loader: `type` plus, for some, the
/// session. A flat struct rather than a tagged enum: it decodes without
/// serde's buffering, which keeps the widget small.
#[derive(Debug, Serialize, Deserialize)]
struct HostMsg {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session: Option<ConversationCreated>,
}

impl HostMsg {
    fn new(kind: &str, session: Option<ConversationCreated>) -> Self {
        Self { kind: kind.to_owned(), session }
    }
}

/// How long to wait for the loader's answer before starting without a session.
const LOOKUP_TIMEOUT: Duration = Duration::from_millis(3000);

const OWN_KEY: &str = "chat:session";

/// Talks to the loader on the host page, or to own storage when standalone.
pub struct HostBridge {
    /// The host page's origin (from the `host` parameter the loader sets).
    host: Option<String>,
}

impl HostBridge {
    /// A bridge for this page.
    pub fn new() -> Self {
        let window = web_sys::window().expect("a window");
        let framed = window.parent().ok().flatten().is_some_and(|p| p != window);
        Self { host: query_param("host").filter(|_| framed) }
    }

    fn post(&self, msg: &HostMsg) {
        let (Some(host), Some(parent)) = (&self.host, web_sys::window().and_then(|w| w.parent().ok().flatten())) else {
            return;
        };
        if let Some(text) = crate::json::encode(msg) {
            let _ = parent.post_message(&JsValue::from_str(&text), host);
        }
    }

    /// Finds the remembered conversation, then calls `done` once.
    pub fn lookup(&self, done: impl Fn(Option<ConversationCreated>) + Clone + 'static) {
        let Some(host) = self.host.clone() else {
            done(load(OWN_KEY).and_then(|s| crate::json::decode(&s)));
            return;
        };
        let answered = StoredValue::new(false);
        let once = {
            let done = done.clone();
            move |s| {
                if !answered.get_value() {
                    answered.set_value(true);
                    done(s);
                }
            }
        };
        let on_message = once.clone();
        let handle = window_event_listener(leptos::ev::message, move |e: web_sys::MessageEvent| {
            let window = web_sys::window().expect("a window");
            let from_parent =
                e.source().is_some_and(|s| Some(JsValue::from(s)) == window.parent().ok().flatten().map(JsValue::from));
            if e.origin() != host || !from_parent {
                return;
            }
            let msg = e.data().as_string().and_then(|t| crate::json::decode::<HostMsg>(&t));
            if let Some(msg) = msg.filter(|m| m.kind == "chat:session") {
                on_message(msg.session);
            }
        });
        std::mem::forget(handle);
        self.post(&HostMsg::new("chat:ready", None));
        set_timeout(move || once(None), LOOKUP_TIMEOUT);
    }

    /// Remembers the conversation (host page storage, or own storage).
    pub fn save(&self, session: &ConversationCreated) {
        match self.host {
            Some(_) => self.post(&HostMsg::new("chat:save", Some(session.clone()))),
            None => store(OWN_KEY, crate::json::encode(session).as_deref()),
        }
    }

    /// Forgets the conversation.
    pub fn clear(&self) {
        match self.host {
            Some(_) => self.post(&HostMsg::new("chat:clear", None)),
            None => store(OWN_KEY, None),
        }
    }

    /// Asks the loader to close the chat panel.
    pub fn close(&self) {
        self.post(&HostMsg::new("chat:close", None));
    }
}

impl Default for HostBridge {
    fn default() -> Self {
        Self::new()
    }
}
