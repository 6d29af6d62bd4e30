//! The client side of a conversation, sans-IO: the messages received so far
//! (in order, each once), the sends not yet confirmed (the outbox), and what
//! to do with each server frame. Used by the widget and the console, so both
//! resume, resend and deduplicate the same way.
//!
//! Rules: a message is shown as sent only once the server stored it (its
//! [`ChatMessage`] arrived); until then it stays in the outbox as pending and
//! is resent with the same id after every reconnect (the server makes that
//! idempotent). A gap in sequence numbers triggers a `sync`.

use crate::protocol::{ChatMessage, ClientEnvelope, ClientMsg, ErrorCode, Role, ServerEnvelope, ServerMsg};
use crate::workflow::{Event, WorkflowKind};
use crate::PROTOCOL_VERSION;

/// A send the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The envelope id (idempotency key).
    pub id: String,
    /// What was typed (empty for an event: the UI draws events itself).
    pub text: String,
    /// The workflow event, if this send is one.
    pub event: Option<Event>,
    /// Why the server refused it, if it did; refused sends are not resent.
    pub refused: Option<String>,
    /// Why it waits for a moderator, if it does (stored, not yet delivered).
    pub held: Option<String>,
}

/// What the caller should do after [`ChatLog::receive`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Nothing.
    None,
    /// The socket is attached: send these frames (the outbox, again).
    Resend(Vec<ClientEnvelope>),
    /// A gap was seen: send this `sync` frame.
    Sync(ClientEnvelope),
    /// The server refused the connection itself; do not reconnect.
    Refused(ErrorCode, String),
}

/// Received messages and unconfirmed sends of one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatLog {
    /// Stored messages, contiguous from seq 1 (or from where loading began).
    messages: Vec<ChatMessage>,
    /// Messages received past a gap, waiting for the gap to fill (a plain
    /// vector: it is almost always empty, and a map costs wasm size).
    ahead: Vec<ChatMessage>,
    /// Unconfirmed sends, oldest first.
    outbox: Vec<Pending>,
    /// Whom the server took us for (set by the welcome frame).
    role: Option<Role>,
    /// The conversation's workflow (set by the welcome frame).
    workflow: WorkflowKind,
    /// In a channel: our member id (set by the welcome frame).
    member: Option<String>,
    /// The latest moderation notice for us (a warning, a mute, a ban).
    notice: Option<String>,
    /// Why the server refused the connection, if it did.
    refused: Option<ErrorCode>,
    /// Counter for sync frame ids.
    syncs: u64,
}

impl ChatLog {
    /// The stored messages, in order.
    pub fn messages(&self) -> &[ChatMessage] {
        &self.messages
    }

    /// The unconfirmed sends, oldest first.
    pub fn outbox(&self) -> &[Pending] {
        &self.outbox
    }

    /// The highest sequence number received without a gap (0 for none): the
    /// `after` to resume from.
    pub fn last_seq(&self) -> u64 {
        self.messages.last().map_or(0, |m| m.seq)
    }

    /// The latest moderation notice for us, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Why the server refused the connection, if it did.
    pub fn refused(&self) -> Option<ErrorCode> {
        self.refused
    }

    /// Whether a stored message is ours: our role, and in a channel our member id.
    pub fn is_mine(&self, m: &ChatMessage) -> bool {
        Some(m.author) == self.role && (m.from.is_none() || m.from == self.member)
    }

    /// The conversation's workflow, as the server said.
    pub fn workflow(&self) -> WorkflowKind {
        self.workflow
    }

    /// Queues a send and returns its frame. Call only with validated text.
    pub fn queue(&mut self, id: String, text: String) -> ClientEnvelope {
        self.outbox.push(Pending { id: id.clone(), text: text.clone(), event: None, refused: None, held: None });
        ClientEnvelope { v: PROTOCOL_VERSION, id, msg: ClientMsg::Send { text } }
    }

    /// Queues a workflow event and returns its frame.
    pub fn queue_event(&mut self, id: String, event: Event) -> ClientEnvelope {
        let pending =
            Pending { id: id.clone(), text: String::new(), event: Some(event.clone()), refused: None, held: None };
        self.outbox.push(pending);
        ClientEnvelope { v: PROTOCOL_VERSION, id, msg: ClientMsg::Act { event } }
    }

    /// Starts over for a new conversation: forgets the messages, keeps the
    /// outbox (what the user typed is not lost).
    pub fn restart(&mut self) {
        *self = ChatLog { outbox: std::mem::take(&mut self.outbox), ..ChatLog::default() };
    }

    /// Forgets a refused send (the user dismissed it).
    pub fn dismiss(&mut self, id: &str) {
        self.outbox.retain(|p| p.id != id);
    }

    /// The frames of every send still worth (re)sending.
    pub fn resend_frames(&self) -> Vec<ClientEnvelope> {
        self.outbox
            .iter()
            .filter(|p| p.refused.is_none())
            .map(|p| ClientEnvelope {
                v: PROTOCOL_VERSION,
                id: p.id.clone(),
                msg: match &p.event {
                    Some(event) => ClientMsg::Act { event: event.clone() },
                    None => ClientMsg::Send { text: p.text.clone() },
                },
            })
            .collect()
    }

    /// Applies one server frame.
    pub fn receive(&mut self, frame: ServerEnvelope) -> Effect {
        match frame.msg {
            ServerMsg::Welcome { role, workflow, member, .. } => {
                self.role = Some(role);
                self.workflow = workflow;
                self.member = member;
                Effect::Resend(self.resend_frames())
            }
            ServerMsg::Message(m) => self.insert(m),
            ServerMsg::Ack { seq, .. } => {
                if seq <= self.last_seq() {
                    if let Some(re) = frame.re {
                        self.outbox.retain(|p| p.id != re);
                    }
                }
                Effect::None
            }
            ServerMsg::Error { code, message } => match frame.re {
                Some(re) => {
                    let retry_later = code == ErrorCode::Internal;
                    if let Some(p) = self.outbox.iter_mut().find(|p| p.id == re && !retry_later) {
                        p.refused = Some(message);
                    }
                    Effect::None
                }
                None if matches!(
                    code,
                    ErrorCode::Unauthorized
                        | ErrorCode::UnknownConversation
                        | ErrorCode::Banned
                        | ErrorCode::RateLimited
                ) =>
                {
                    self.refused = Some(code);
                    if code == ErrorCode::Banned {
                        self.notice = Some(message.clone());
                    }
                    Effect::Refused(code, message)
                }
                None => Effect::None,
            },
            ServerMsg::Held { reason } => {
                if let Some(p) = self.outbox.iter_mut().find(|p| Some(&p.id) == frame.re.as_ref()) {
                    p.held = Some(reason);
                }
                Effect::None
            }
            ServerMsg::Moderation { alert: Some(text) } => {
                self.notice = Some(text);
                Effect::None
            }
            _ => Effect::None,
        }
    }

    fn insert(&mut self, m: ChatMessage) -> Effect {
        let last = self.last_seq();
        if m.seq <= last {
            return Effect::None;
        }
        if m.seq > last + 1 {
            if !self.ahead.iter().any(|a| a.seq == m.seq) {
                self.ahead.push(m);
            }
            self.syncs += 1;
            return Effect::Sync(ClientEnvelope {
                v: PROTOCOL_VERSION,
                id: format!("sync-{}", self.syncs),
                msg: ClientMsg::Sync { after: last },
            });
        }
        self.confirm(&m);
        self.messages.push(m);
        while let Some(i) = self.ahead.iter().position(|a| a.seq == self.last_seq() + 1) {
            let next = self.ahead.swap_remove(i);
            self.confirm(&next);
            self.messages.push(next);
        }
        let last = self.last_seq();
        self.ahead.retain(|a| a.seq > last);
        Effect::None
    }

    /// A stored message of ours confirms the pending send with its id.
    fn confirm(&mut self, m: &ChatMessage) {
        if self.is_mine(m) {
            self.outbox.retain(|p| p.id != m.client_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(seq: u64, author: Role, id: &str) -> ServerEnvelope {
        ServerEnvelope::push(ServerMsg::Message(ChatMessage {
            seq,
            client_id: id.into(),
            author,
            text: format!("text {seq}"),
            at: seq,
            event: None,
            name: None,
            from: None,
        }))
    }

    fn welcome(role: Role) -> ServerEnvelope {
        ServerEnvelope::push(ServerMsg::Welcome {
            conversation: "0".repeat(32).parse().unwrap(),
            role,
            last_seq: 0,
            workflow: WorkflowKind::Support,
            member: None,
        })
    }

    fn seqs(log: &ChatLog) -> Vec<u64> {
        log.messages().iter().map(|m| m.seq).collect()
    }

    #[test]
    fn pending_until_stored_and_resent_after_reconnect() {
        let mut log = ChatLog::default();
        log.queue("a".into(), "hello".into());
        assert_eq!(log.outbox().len(), 1);
        // Reconnect: the welcome asks to resend the outbox.
        let Effect::Resend(frames) = log.receive(welcome(Role::Customer)) else { panic!() };
        assert_eq!(frames.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["a"]);
        // The ack alone (message not yet here) keeps it pending; the message confirms it.
        log.receive(ServerEnvelope::reply("a", ServerMsg::Ack { seq: 1, at: 1 }));
        assert_eq!(log.outbox().len(), 1);
        log.receive(msg(1, Role::Customer, "a"));
        assert!(log.outbox().is_empty());
        assert_eq!(seqs(&log), [1]);
    }

    #[test]
    fn duplicates_ignored_and_gaps_synced() {
        let mut log = ChatLog::default();
        log.receive(welcome(Role::Operator));
        log.receive(msg(1, Role::Customer, "x"));
        log.receive(msg(1, Role::Customer, "x"));
        let eff = log.receive(msg(3, Role::Customer, "z"));
        assert!(matches!(eff, Effect::Sync(ClientEnvelope { msg: ClientMsg::Sync { after: 1 }, .. })), "{eff:?}");
        assert_eq!(seqs(&log), [1], "nothing shown past a gap");
        log.receive(msg(2, Role::Customer, "y"));
        assert_eq!(seqs(&log), [1, 2, 3]);
        log.receive(msg(3, Role::Customer, "z"));
        assert_eq!(seqs(&log), [1, 2, 3]);
    }

    #[test]
    fn refused_sends_stay_visible_and_are_not_resent() {
        let mut log = ChatLog::default();
        log.queue("a".into(), "x".into());
        log.queue("b".into(), "y".into());
        let refused = ServerMsg::Error { code: ErrorCode::MessageTooLong, message: "too long".into() };
        log.receive(ServerEnvelope::reply("a", refused));
        let internal = ServerMsg::Error { code: ErrorCode::Internal, message: "oops".into() };
        log.receive(ServerEnvelope::reply("b", internal));
        assert_eq!(log.outbox()[0].refused.as_deref(), Some("too long"));
        assert_eq!(log.outbox()[1].refused, None, "internal errors are retried");
        assert_eq!(log.resend_frames().len(), 1);
        log.dismiss("a");
        assert_eq!(log.outbox().len(), 1);
    }

    #[test]
    fn a_refused_connection_is_reported() {
        let mut log = ChatLog::default();
        let f = ServerEnvelope::push(ServerMsg::Error { code: ErrorCode::Unauthorized, message: "no".into() });
        assert_eq!(log.receive(f), Effect::Refused(ErrorCode::Unauthorized, "no".into()));
        // Too many windows: refused, and why (the conversation itself is not lost).
        let mut log = ChatLog::default();
        let f = ServerEnvelope::push(ServerMsg::Error { code: ErrorCode::RateLimited, message: "too many".into() });
        assert_eq!(log.receive(f), Effect::Refused(ErrorCode::RateLimited, "too many".into()));
        assert_eq!(log.refused(), Some(ErrorCode::RateLimited));
    }

    #[test]
    fn in_a_channel_only_our_member_id_is_ours_and_held_sends_wait() {
        let mut log = ChatLog::default();
        log.queue("a".into(), "look at www.x.ru".into());
        let welcome = ServerMsg::Welcome {
            conversation: "0".repeat(32).parse().unwrap(),
            role: Role::Customer,
            last_seq: 0,
            workflow: WorkflowKind::Moderation,
            member: Some("me".into()),
        };
        log.receive(ServerEnvelope::push(welcome));
        log.receive(ServerEnvelope::reply("a", ServerMsg::Held { reason: "review".into() }));
        assert_eq!(log.outbox()[0].held.as_deref(), Some("review"));
        assert_eq!(log.resend_frames().len(), 1, "a held send is resent (the server answers held again)");
        // Another member's message with the same client id confirms nothing.
        let theirs = ChatMessage { from: Some("other".into()), ..message(1, "a") };
        log.receive(ServerEnvelope::push(ServerMsg::Message(theirs.clone())));
        assert!(!log.is_mine(&theirs));
        assert_eq!(log.outbox().len(), 1);
        // Approved: ours arrives and confirms it.
        let ours = ChatMessage { from: Some("me".into()), ..message(2, "a") };
        log.receive(ServerEnvelope::push(ServerMsg::Message(ours.clone())));
        assert!(log.is_mine(&ours));
        assert!(log.outbox().is_empty());
    }

    #[test]
    fn moderation_notices_are_kept_and_a_ban_refuses_the_connection() {
        let mut log = ChatLog::default();
        log.receive(ServerEnvelope::push(ServerMsg::Moderation {
            alert: Some("You are muted until 10:00 UTC".into()),
        }));
        assert_eq!(log.notice(), Some("You are muted until 10:00 UTC"));
        let ban = ServerMsg::Error { code: ErrorCode::Banned, message: "You are banned".into() };
        assert_eq!(log.receive(ServerEnvelope::push(ban)), Effect::Refused(ErrorCode::Banned, "You are banned".into()));
        assert_eq!((log.notice(), log.refused()), (Some("You are banned"), Some(ErrorCode::Banned)));
    }

    fn message(seq: u64, id: &str) -> ChatMessage {
        ChatMessage {
            seq,
            client_id: id.into(),
            author: Role::Customer,
            text: "t".into(),
            at: seq,
            event: None,
            name: Some("N".into()),
            from: None,
        }
    }
}
