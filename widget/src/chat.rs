//! One conversation on the client: the [`ChatLog`] in a signal, a
//! reconnecting socket that resumes from the log's last sequence number, and
//! sending through the outbox (shown as pending until stored).

use std::time::Duration;

use leptos::prelude::*;
use shared::chat_log::{ChatLog, Effect};
use shared::workflow::Event;
use shared::{validate_text, ClientEnvelope, ClientMsg, ServerEnvelope, ServerMsg, TextError, PROTOCOL_VERSION};

use crate::socket::{Socket, Status};

/// Keeps a chat's unsent texts, `(id, text)` oldest first, where the next
/// load finds them (called after each change; empty: forget them).
pub type Keep = fn(&[(String, String)]);

/// A conversation as the UI sees it. `Copy`: it only holds signal handles.
#[derive(Clone, Copy)]
pub struct Chat {
    /// Messages and outbox.
    pub log: RwSignal<ChatLog>,
    /// Connection status.
    pub status: RwSignal<Status>,
    /// The other side is typing.
    pub typing: RwSignal<bool>,
    socket: StoredValue<Socket, LocalStorage>,
    /// Told the unsent texts whenever they may have changed (see [`Keep`]).
    keep: Option<Keep>,
    /// When we last told the other side we type (ms), 0 for "stopped".
    typed_at: StoredValue<f64>,
}

impl Chat {
    /// A chat whose socket address is `url(after)`, or `None` while there is
    /// no conversation to attach to yet; `keep` keeps its outbox over reloads.
    pub fn new(
        url: impl Fn(u64) -> Option<String> + 'static,
        codec: &'static crate::wire::Codec,
        keep: Option<Keep>,
    ) -> Self {
        let log = RwSignal::new(ChatLog::default());
        let status = RwSignal::new(Status::Idle);
        let typing = RwSignal::new(false);
        let typing_gen = StoredValue::new(0u32);
        let socket_cell: StoredValue<Option<Socket>, LocalStorage> = StoredValue::new_local(None);
        // Frames are applied in batches, one signal update per batch: a
        // 10,000-message replay then renders once, not 10,000 times.
        let queue: StoredValue<Vec<ServerEnvelope>, LocalStorage> = StoredValue::new_local(Vec::new());
        let flush = move || {
            let frames = queue.try_update_value(std::mem::take).unwrap_or_default();
            // A new message ends the other side's "typing".
            if frames.iter().any(|f| matches!(f.msg, ServerMsg::Message(_))) {
                typing.try_set(false);
            }
            let effects = log
                .try_update(|l| {
                    let before = l.outbox().len();
                    let effects = frames.into_iter().map(|f| l.receive(f)).collect::<Vec<_>>();
                    if let (Some(keep), true) = (keep, l.outbox().len() != before) {
                        keep(&l.unsent());
                    }
                    effects
                })
                .unwrap_or_default();
            // (`try_`: frames can still arrive after the chat was closed.)
            let Some(socket) = socket_cell.try_get_value().flatten() else { return };
            for effect in effects {
                match effect {
                    Effect::Resend(frames) => frames.iter().for_each(|f| {
                        socket.send(f);
                    }),
                    Effect::Sync(f) => {
                        socket.send(&f);
                    }
                    Effect::Refused(_, why) => status.set(Status::Refused(why)),
                    Effect::None => {}
                }
            }
        };
        let socket = Socket::new(
            move || log.try_with_untracked(ChatLog::last_seq).and_then(&url),
            codec,
            move |frame: ServerEnvelope| {
                if let ServerMsg::Typing { on, .. } = frame.msg {
                    // "Typing" fades after 6 s without news (frames come every 3 s while typing).
                    let generation = typing_gen.try_get_value().unwrap_or(0) + 1;
                    typing_gen.try_set_value(generation);
                    typing.try_set(on);
                    set_timeout(
                        move || {
                            if typing_gen.try_get_value() == Some(generation) {
                                typing.try_set(false);
                            }
                        },
                        Duration::from_secs(6),
                    );
                    return;
                }
                let first = queue.try_update_value(|q| {
                    q.push(frame);
                    q.len() == 1
                });
                if first == Some(true) {
                    // After the frames already queued by the browser (same burst).
                    set_timeout(flush, Duration::ZERO);
                }
            },
            status,
        );
        socket_cell.set_value(Some(socket.clone()));
        Chat { log, status, typing, socket: StoredValue::new_local(socket), keep, typed_at: StoredValue::new(0.0) }
    }

    /// (Re)opens the socket if it is not open.
    pub fn connect(&self) {
        self.socket.with_value(Socket::connect);
    }

    /// Validates and queues `text`; sends it now if connected, else after the
    /// next welcome.
    pub fn send(&self, text: String) -> Result<(), TextError> {
        validate_text(&text)?;
        let frame = self.log.try_update(|l| l.queue(crate::util::new_id(), text)).expect("log is alive");
        self.push(&frame);
        Ok(())
    }

    /// Queues a workflow event like a send (resent until stored; a refusal
    /// shows its reason).
    pub fn act(&self, event: Event) {
        let frame = self.log.try_update(|l| l.queue_event(crate::util::new_id(), event)).expect("log is alive");
        self.push(&frame);
    }

    /// Sends a staff whisper now; `false` if not connected (not kept: the
    /// console shows it once the server sends it back).
    pub fn whisper(&self, text: String) -> bool {
        let frame = ClientEnvelope {
            v: shared::PROTOCOL_VERSION,
            id: crate::util::new_id(),
            msg: shared::ClientMsg::Whisper { text },
        };
        self.socket.with_value(|s| s.send(&frame))
    }

    fn push(&self, frame: &ClientEnvelope) {
        self.kept();
        self.socket.with_value(|s| {
            if !s.send(frame) {
                s.connect();
            }
        });
    }

    /// Tells the other side we are typing, after an edit that left `text`
    /// in the box: "typing" at most every 3 s while it has text, "stopped"
    /// once it is empty again (sent, or wiped) after we said "typing".
    pub fn typed(&self, text: &str) {
        let now = js_sys::Date::now();
        let said = self.typed_at.get_value();
        let on = !text.trim().is_empty();
        let due = if on { now - said > 3000.0 } else { said > 0.0 };
        if due {
            self.typed_at.set_value(if on { now } else { 0.0 });
            let frame = ClientEnvelope { v: PROTOCOL_VERSION, id: "typing".into(), msg: ClientMsg::Typing { on } };
            self.socket.with_value(|s| s.send(&frame));
        }
    }

    /// Asks for the page before the oldest message held, if there is one
    /// (and it was not asked for already).
    pub fn older(&self) {
        if let Some(frame) = self.log.try_update(ChatLog::older_frame).flatten() {
            self.socket.with_value(|s| s.send(&frame));
        }
    }

    /// Forgets a refused send.
    pub fn dismiss(&self, id: &str) {
        self.log.update(|l| l.dismiss(id));
        self.kept();
    }

    /// Queues the texts kept from before a reload (same ids: the server
    /// stores each once) to be sent after the next welcome.
    pub fn restore(&self, unsent: Vec<(String, String)>) {
        self.log.update(|l| l.restore(unsent));
        self.kept();
    }

    fn kept(&self) {
        if let Some(keep) = self.keep {
            self.log.with_untracked(|l| keep(&l.unsent()));
        }
    }

    /// Closes the socket for good.
    pub fn stop(&self) {
        self.socket.with_value(Socket::stop);
    }
}
