//! The channel app's bridge to the loader: it receives the visitor token
//! and the remembered display name (`{"type":"chat:session","visitor",
//! "name"}`) after `{"type":"chat:ready"}`, and saves a new name with
//! `{"type":"chat:save","name"}` and a new visitor token with
//! `{"type":"chat:visitor","visitor"}`; origins are checked both ways.
//! Opened outside an iframe it keeps both in its own storage. Visitor
//! tokens are issued by the service (a visitor without one asks for one).

use leptos::prelude::*;

use crate::customer::host::{from_host, host_origin, post_to_host};
use crate::util::{load, store};
use crate::wire::{self, Obj};

/// Where a standalone app keeps its visitor token (not `chat:visitor`,
/// where tokens made up by earlier versions may lie).
const OWN_VISITOR: &str = "chat:v";
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

    /// Calls `done(visitor token, remembered name)` once they are known;
    /// a visitor without a token is issued one (`Err`: why not).
    pub fn lookup(&self, site: String, done: impl Fn(Result<String, String>, Option<String>) + Copy + 'static) {
        let Some(host) = self.host.clone() else {
            let kept = load(OWN_VISITOR).filter(|v| shared::api::visitor_token_ok(v));
            self.kept_or_new(site, kept, load(OWN_NAME), done);
            return;
        };
        let bridge = self.clone();
        let handle = window_event_listener_untyped("message", move |e| {
            let Some(msg) = from_host(e, &host) else { return };
            if wire::text(&msg, "type").as_deref() != Some("chat:session") {
                return;
            }
            let kept = wire::text(&msg, "visitor").filter(|v| shared::api::visitor_token_ok(v));
            bridge.kept_or_new(site.clone(), kept, wire::text(&msg, "name"), done);
        });
        std::mem::forget(handle);
        self.post(Obj::new().put("type", "chat:ready"));
    }

    fn kept_or_new(
        &self,
        site: String,
        kept: Option<String>,
        name: Option<String>,
        done: impl Fn(Result<String, String>, Option<String>) + 'static,
    ) {
        match kept {
            Some(v) => done(Ok(v), name),
            None => self.renew(site, move |v| done(v, name.clone())),
        }
    }

    /// Asks the service for a new visitor token for `site` and keeps it
    /// (also when the one kept was refused).
    pub fn renew(&self, site: String, done: impl Fn(Result<String, String>) + 'static) {
        let bridge = self.clone();
        leptos::task::spawn_local(async move {
            let issued = crate::http::request("POST", &shared::api::visitors_path(&site), None).await;
            let issued = issued.and_then(|text| {
                let v = wire::parse(&text).and_then(|j| wire::text(&j, "visitor"));
                v.filter(|v| shared::api::visitor_token_ok(v)).ok_or_else(|| crate::http::UNREADABLE.to_owned())
            });
            if let Ok(v) = &issued {
                match bridge.host {
                    Some(_) => bridge.post(Obj::new().put("type", "chat:visitor").put("visitor", v.as_str())),
                    None => store(OWN_VISITOR, Some(v)),
                }
            }
            done(issued);
        });
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
