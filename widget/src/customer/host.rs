//! The bridge to the host page. Browsers deny storage to a third-party
//! iframe (and the customer's page is always another site than ours), so the
//! conversation id and token are kept in the host page's `localStorage` by
//! the loader and handed over with `postMessage`, origins checked both ways.
//!
//! Messages (JSON strings), iframe → loader: `{"type":"chat:ready"}`,
//! `{"type":"chat:save","session":{...}}`, `{"type":"chat:visitor",
//! "visitor"}` (a token the service issued), `{"type":"chat:clear"}`,
//! `{"type":"chat:close"}`, `{"type":"chat:message","text"}` (one from the
//! team came while the page was open); loader → iframe: `{"type":"chat:session",
//! "session":{...}|null,"visitor":"<64 hex>","page":"<url>","user":{"id","expires","hash","name"?,"email"?}?}` (the
//! visitor token ties moderation sanctions to this browser; `user` is the
//! host page's logged-in customer, signed by the site's server; its name
//! and e-mail, unsigned, only fill in the forms) and, once the loader has read it, the site's
//! widget configuration as it applies to the host page
//! `{"type":"chat:config","config":{"fields","welcome","greeting","expect","away"}}`, again with
//! `{"type":"chat:page","page"}` when a single-page app changes its address (the
//! loader fetches it anyway for the proactive triggers, and works out there
//! which form and greeting apply, so the widget carries none of that code;
//! `expect` and `away` are the site's availability as the chat opened, in
//! the customer's words and local time). Opened outside an iframe
//! (no `host` parameter) it keeps nothing: a reload starts afresh.

use std::time::Duration;

use leptos::prelude::*;
use shared::api::{ConversationCreated, Identity};
use wasm_bindgen::{JsCast, JsValue};

use crate::util::query_param;
use crate::wire::{self, HostConfig, Obj};

/// A message to the loader, `{"type": kind}`, to which the rest is put
/// (written with [`crate::wire`]'s helpers: no serde code).
fn to_host(kind: &str) -> Obj {
    Obj::new().put("type", kind)
}

/// The host page's origin: the `host` parameter the loader sets, if this
/// page is framed (the channel app's bridge uses it too).
pub(crate) fn host_origin() -> Option<String> {
    let window = web_sys::window().expect("a window");
    let framed = window.parent().ok().flatten().is_some_and(|p| p != window);
    query_param("host").filter(|_| framed)
}

/// Posts a JSON text to the loader on the `host` page.
pub(crate) fn post_to_host(host: &str, text: &str) {
    if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
        let _ = parent.post_message(&JsValue::from_str(text), host);
    }
}

/// The message the loader sent, parsed: from the parent window, with the
/// `host` origin, else `None`.
pub(crate) fn from_host(e: web_sys::Event, host: &str) -> Option<JsValue> {
    let e = e.dyn_into::<web_sys::MessageEvent>().ok()?;
    let window = web_sys::window()?;
    let from_parent =
        e.source().is_some_and(|s| Some(JsValue::from(s)) == window.parent().ok().flatten().map(JsValue::from));
    if e.origin() != host || !from_parent {
        return None;
    }
    e.data().as_string().and_then(|t| wire::parse(&t))
}

/// How long to wait for the loader's answer before starting without a session.
const LOOKUP_TIMEOUT: Duration = Duration::from_millis(3000);

/// Talks to the loader on the host page.
pub struct HostBridge {
    /// The host page's origin (from the `host` parameter the loader sets).
    host: Option<String>,
    /// The visitor token the loader keeps, once it said.
    visitor: StoredValue<Option<String>>,
    /// The logged-in customer the host page vouches for (checked by the server).
    identity: StoredValue<Option<Identity>>,
    /// The host page's address (the site's start rules pick the workflow).
    page: StoredValue<Option<String>>,
    /// The sends kept from the last load, `(id, text)`, until taken.
    unsent: StoredValue<Vec<(String, String)>>,
}

impl HostBridge {
    /// A bridge for this page.
    pub fn new() -> Self {
        Self {
            host: host_origin(),
            visitor: StoredValue::new(None),
            identity: StoredValue::new(None),
            page: StoredValue::new(None),
            unsent: StoredValue::new(Vec::new()),
        }
    }

    /// The visitor token, if the loader gave one.
    pub fn visitor(&self) -> Option<String> {
        self.visitor.get_value()
    }

    /// The host page's address, once the loader said.
    pub fn page(&self) -> Option<String> {
        self.page.get_value()
    }

    /// The host page's logged-in customer, if it named one.
    pub fn identity(&self) -> Option<Identity> {
        self.identity.get_value()
    }

    /// The sends kept from the last load, `(id, text)` (once: they are then
    /// the outbox's).
    pub fn take_unsent(&self) -> Vec<(String, String)> {
        self.unsent.try_update_value(std::mem::take).unwrap_or_default()
    }

    fn post(&self, msg: Obj) {
        if let Some(host) = &self.host {
            post_to_host(host, &wire::stringify(&msg.js()));
        }
    }

    /// Finds the remembered conversation, then calls `done` once; calls
    /// `config` with the site's widget configuration when the loader sends it
    /// (outside an iframe: at once, with none of the loader's features).
    pub fn lookup(
        &self,
        done: impl Fn(Option<ConversationCreated>) + Clone + 'static,
        config: impl Fn(HostConfig) + 'static,
    ) {
        let Some(host) = self.host.clone() else {
            done(None);
            config(HostConfig::default());
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
        let (visitor, identity, page, unsent) = (self.visitor, self.identity, self.page, self.unsent);
        // Untyped, like the socket's listeners: one listener helper in the wasm.
        let handle = window_event_listener_untyped("message", move |e| {
            let Some(msg) = from_host(e, &host) else { return };
            match wire::text(&msg, "type").as_deref() {
                Some("chat:session") => {
                    visitor.set_value(wire::text(&msg, "visitor").filter(|v| shared::api::visitor_token_ok(v)));
                    page.set_value(wire::text(&msg, "page"));
                    let kept = wire::list(&msg, "outbox", true, wire::string).unwrap_or_default();
                    unsent.set_value(kept.chunks_exact(2).map(|p| (p[0].clone(), p[1].clone())).collect());
                    let user = wire::get(&msg, "user");
                    if let (Some(user), Some(expires), Some(hash)) =
                        (wire::text(&user, "id"), wire::uint(&user, "expires"), wire::text(&user, "hash"))
                    {
                        identity.set_value(Some(Identity { user, expires, hash }).filter(Identity::well_formed));
                    }
                    // What the site said of its customer (`identify`'s name
                    // and e-mail): the forms start with it (intro.rs).
                    if let Some(body) = crate::dom::find("body") {
                        crate::dom::set_prop(&body, "known", &wire::get(&msg, "user"));
                    }
                    on_message(wire::created_from(&wire::get(&msg, "session")));
                }
                // A single-page app moved on: the page the chat starts on.
                Some("chat:page") => page.set_value(wire::text(&msg, "page")),
                Some("chat:config") => {
                    let given = wire::get(&msg, "config");
                    if let Some(mut c) = wire::host_config(&given) {
                        c.expect = crate::i18n::expect(&wire::get(&given, "expect"));
                        config(c);
                    }
                }
                _ => {}
            }
        });
        std::mem::forget(handle);
        self.post(to_host("chat:ready"));
        set_timeout(move || once(None), LOOKUP_TIMEOUT);
    }

    /// Remembers the conversation in the host page's storage, and the
    /// visitor token the service issued with it, if it did.
    pub fn save(&self, session: &ConversationCreated) {
        self.post(to_host("chat:save").put("session", wire::created_js(session)));
        if let (Some(v), Some(_)) = (&session.visitor, &self.host) {
            self.visitor.set_value(Some(v.clone()));
            self.post(to_host("chat:visitor").put("visitor", v.as_str()));
        }
    }

    /// Forgets the conversation.
    pub fn clear(&self) {
        self.post(to_host("chat:clear"));
    }

    /// Asks the loader to close the chat panel.
    pub fn close(&self) {
        self.post(to_host("chat:close"));
    }

    /// Tells the host page a message came from the team (its `message`
    /// event, docs/js-api.md).
    pub fn message(&self, text: &str) {
        self.post(to_host("chat:message").put("text", text));
    }
}

/// Keeps the customer's unsent texts in the host page's storage (see
/// [`crate::chat::Keep`]), as `[id, text, …]`.
pub fn keep_unsent(unsent: &[(String, String)]) {
    if let Some(host) = host_origin() {
        let flat = js_sys::Array::new();
        for (id, text) in unsent {
            flat.push(&JsValue::from_str(id));
            flat.push(&JsValue::from_str(text));
        }
        post_to_host(&host, &wire::stringify(&to_host("chat:outbox").put("outbox", flat).js()));
    }
}

impl Default for HostBridge {
    fn default() -> Self {
        Self::new()
    }
}
