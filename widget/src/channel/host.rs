//! The channel app's bridge to the loader: it receives the visitor token
//! and the remembered display name (`{"type":"chat:session","visitor",
//! "name"}`) after `{"type":"chat:ready"}`, and saves a new name with
//! `{"type":"chat:save","name"}`; origins are checked both ways. Opened
//! outside an iframe it keeps both in its own storage.

use leptos::prelude::*;

use crate::customer::host::{from_host, host_origin, post_to_host};
use crate::util::{load, random_hex, store};
use crate::wire::{self, Obj};

const OWN_VISITOR: &str = "chat:visitor";
const OWN_NAME: &str = "chat:channel-name";

/// Talks to the loader, or to own storage when standalone.
#[derive(Clone)]
pub struct Bridge {
    host: Option<String>,
}

impl Bridge {
    /// The bridge for this page.
    pub fn new() -> Self {
        Self { host: host_origin() }
    }

    fn post(&self, msg: Obj) {
        if let Some(host) = &self.host {
            post_to_host(host, &wire::stringify(&msg.js()));
        }
    }

    /// Calls `done(visitor token, remembered name)` once they are known.
    pub fn lookup(&self, done: impl Fn(String, Option<String>) + 'static) {
        let Some(host) = self.host.clone() else {
            let visitor = load(OWN_VISITOR).filter(|v| shared::api::visitor_token_ok(v)).unwrap_or_else(|| {
                let v = random_hex::<32>();
                store(OWN_VISITOR, Some(&v));
                v
            });
            done(visitor, load(OWN_NAME));
            return;
        };
        let handle = window_event_listener_untyped("message", move |e| {
            let Some(msg) = from_host(e, &host) else { return };
            if wire::text(&msg, "type").as_deref() != Some("chat:session") {
                return;
            }
            if let Some(v) = wire::text(&msg, "visitor").filter(|v| shared::api::visitor_token_ok(v)) {
                done(v, wire::text(&msg, "name"));
            }
        });
        std::mem::forget(handle);
        self.post(Obj::new().put("type", "chat:ready"));
    }

    /// Remembers the display name.
    pub fn save_name(&self, name: &str) {
        match self.host {
            Some(_) => self.post(Obj::new().put("type", "chat:save").put("name", name)),
            None => store(OWN_NAME, Some(name)),
        }
    }
}

impl Default for Bridge {
    fn default() -> Self {
        Self::new()
    }
}
