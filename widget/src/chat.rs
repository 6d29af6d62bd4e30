//! One conversation on the client: the [`ChatLog`] in a signal, a
//! reconnecting socket that resumes from the log's last sequence number, and
//! sending through the outbox (shown as pending until stored).

use std::time::Duration;

use leptos::prelude::*;
use shared::chat_log::{ChatLog, Effect};
use shared::{validate_text, ServerEnvelope, TextError};

use crate::socket::{Socket, Status};

/// A conversation as the UI sees it. `Copy`: it only holds signal handles.
#[derive(Clone, Copy)]
pub struct Chat {
    /// Messages and outbox.
    pub log: RwSignal<ChatLog>,
    /// Connection status.
    pub status: RwSignal<Status>,
    socket: StoredValue<Socket, LocalStorage>,
}

impl Chat {
    /// A chat whose socket address is `url(after)`, or `None` while there is
    /// no conversation to attach to yet.
    pub fn new(url: impl Fn(u64) -> Option<String> + 'static) -> Self {
        let log = RwSignal::new(ChatLog::default());
        let status = RwSignal::new(Status::Idle);
        let socket_cell: StoredValue<Option<Socket>, LocalStorage> = StoredValue::new_local(None);
        // Frames are applied in batches, one signal update per batch: a
        // 10,000-message replay then renders once, not 10,000 times.
        let queue: StoredValue<Vec<ServerEnvelope>, LocalStorage> = StoredValue::new_local(Vec::new());
        let flush = move || {
            let frames = queue.try_update_value(std::mem::take).unwrap_or_default();
            let effects =
                log.try_update(|l| frames.into_iter().map(|f| l.receive(f)).collect::<Vec<_>>()).unwrap_or_default();
            let Some(socket) = socket_cell.get_value() else { return };
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
            move || url(log.with_untracked(ChatLog::last_seq)),
            move |frame| {
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
        Chat { log, status, socket: StoredValue::new_local(socket) }
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
        self.socket.with_value(|s| {
            if !s.send(&frame) {
                s.connect();
            }
        });
        Ok(())
    }

    /// Forgets a refused send.
    pub fn dismiss(&self, id: &str) {
        self.log.update(|l| l.dismiss(id));
    }

    /// Closes the socket for good.
    pub fn stop(&self) {
        self.socket.with_value(Socket::stop);
    }
}
