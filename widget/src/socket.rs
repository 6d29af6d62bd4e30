//! A WebSocket that reconnects: exponential backoff with jitter (0.5 s up to
//! 10 s), a status signal for the UI, and no reconnect after the server
//! refused the connection (close codes 4400–4499).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use shared::{ClientEnvelope, ServerEnvelope};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use crate::i18n::{t, tf};
use crate::wire::Codec;

/// What the user is told about the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not started (e.g. no conversation yet).
    Idle,
    /// Opening the socket.
    Connecting,
    /// Attached and live.
    Online,
    /// Lost; trying again after a delay.
    Offline {
        /// Seconds until the next attempt.
        retry_in_s: u32,
    },
    /// The server refused the connection; no retry.
    Refused(String),
}

impl Status {
    /// The text the status line shows.
    pub fn label(&self) -> String {
        match self {
            Status::Idle => t("Ready"),
            Status::Connecting => t("Connecting…"),
            Status::Online => t("Connected"),
            Status::Offline { retry_in_s } => {
                tf("Offline — reconnecting in {seconds} s", &[("seconds", &retry_in_s.to_string())])
            }
            Status::Refused(why) => tf("Disconnected: {why}", &[("why", why)]),
        }
    }
}

type Handlers = (Closure<dyn FnMut(Event)>, Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(CloseEvent)>);

struct Inner {
    url: Box<dyn Fn() -> Option<String>>,
    /// Reads and writes frames ([`crate::wire::CUSTOMER`] or `OPERATOR`).
    codec: &'static Codec,
    on_frame: Box<dyn Fn(ServerEnvelope)>,
    status: RwSignal<Status>,
    ws: RefCell<Option<(WebSocket, Handlers)>>,
    attempts: Cell<u32>,
    stopped: Cell<bool>,
    generation: Cell<u32>,
    listeners: RefCell<Vec<WindowListenerHandle>>,
}

/// A reconnecting socket. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Socket(Rc<Inner>);

impl Socket {
    /// `url` gives the address to (re)connect to, or `None` to stay idle;
    /// `on_frame` gets every decoded server frame.
    pub fn new(
        url: impl Fn() -> Option<String> + 'static,
        codec: &'static Codec,
        on_frame: impl Fn(ServerEnvelope) + 'static,
        status: RwSignal<Status>,
    ) -> Self {
        let socket = Socket(Rc::new(Inner {
            url: Box::new(url),
            codec,
            on_frame: Box::new(on_frame),
            status,
            ws: RefCell::new(None),
            attempts: Cell::new(0),
            stopped: Cell::new(false),
            generation: Cell::new(0),
            listeners: RefCell::new(Vec::new()),
        }));
        // Back online, or back to the tab: retry now rather than after the backoff.
        for event in ["online", "visibilitychange"] {
            let me = socket.clone();
            let handle = window_event_listener_untyped(event, move |_| me.retry_now());
            socket.0.listeners.borrow_mut().push(handle); // removed by `stop`
        }
        socket
    }

    fn retry_now(&self) {
        if matches!(self.0.status.get_untracked(), Status::Offline { .. }) {
            self.0.attempts.set(0);
            self.connect();
        }
    }

    /// Opens the socket unless it is open or opening.
    pub fn connect(&self) {
        let open = self.0.ws.borrow().as_ref().is_some_and(|(ws, _)| ws.ready_state() <= WebSocket::OPEN);
        if open || self.0.stopped.get() {
            return;
        }
        let Some(url) = (self.0.url)() else { return };
        // A secret (a token) goes beside the protocol, never in the address.
        let (address, secret) = shared::api::socket_target(&url);
        let protocols = js_sys::Array::of1(&shared::api::SOCKET_PROTOCOL.into());
        if let Some(s) = secret {
            protocols.push(&s.into());
        }
        let Ok(ws) = WebSocket::new_with_str_sequence(address, &protocols) else {
            self.retry_later();
            return;
        };
        self.0.status.set(Status::Connecting);
        let generation = self.0.generation.get() + 1;
        self.0.generation.set(generation);
        let me = self.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| {
            me.0.attempts.set(0);
            me.0.status.set(Status::Online);
        });
        let me = self.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(text) = e.data().as_string() else { return };
            // A frame this build cannot read is skipped (a newer server may
            // add variants).
            if let Some(frame) = (me.0.codec.decode)(&text) {
                (me.0.on_frame)(frame);
            }
        });
        let me = self.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            if me.0.generation.get() != generation {
                return;
            }
            if (4400..4500).contains(&e.code()) {
                if !matches!(me.0.status.get_untracked(), Status::Refused(_)) {
                    me.0.status.set(Status::Refused(e.reason()));
                }
                return;
            }
            me.retry_later();
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        if let Some((old, _)) = self.0.ws.replace(Some((ws, (on_open, on_message, on_close)))) {
            detach(&old);
        }
    }

    fn retry_later(&self) {
        if self.0.stopped.get() {
            return;
        }
        let n = self.0.attempts.get();
        self.0.attempts.set(n + 1);
        let base = 500.0 * 2f64.powi(n.min(5) as i32);
        let delay_ms = (base.min(10_000.0) * (0.75 + 0.5 * js_sys::Math::random())) as u64;
        self.0.status.set(Status::Offline { retry_in_s: delay_ms.div_ceil(1000) as u32 });
        let me = self.clone();
        set_timeout(move || me.connect(), Duration::from_millis(delay_ms));
    }

    /// Sends a frame if the socket is open; `false` if not (the caller keeps
    /// it in its outbox and resends after the next welcome).
    pub fn send(&self, frame: &ClientEnvelope) -> bool {
        let ws = self.0.ws.borrow();
        let Some((ws, _)) = ws.as_ref().filter(|(ws, _)| ws.ready_state() == WebSocket::OPEN) else {
            return false;
        };
        let text = (self.0.codec.encode)(frame);
        ws.send_with_str(&text).is_ok()
    }

    /// Closes the socket and opens it again at once (its address changed).
    pub fn reconnect(&self) {
        if let Some((ws, _)) = self.0.ws.take() {
            detach(&ws);
        }
        self.0.attempts.set(0);
        self.connect();
    }

    /// Closes for good (the view that owned it went away).
    pub fn stop(&self) {
        self.0.stopped.set(true);
        self.0.listeners.take().into_iter().for_each(WindowListenerHandle::remove);
        if let Some((ws, _)) = self.0.ws.take() {
            detach(&ws);
        }
    }
}

fn detach(ws: &WebSocket) {
    ws.set_onopen(None);
    ws.set_onmessage(None);
    ws.set_onclose(None);
    let _ = ws.close();
}
