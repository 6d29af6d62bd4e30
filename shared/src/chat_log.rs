//! The client side of a conversation, sans-IO: the messages received so far
//! (in order, each once), the sends not yet confirmed (the outbox), and what
//! to do with each server frame. Used by the widget and the console, so both
//! resume, resend and deduplicate the same way.
//!
//! Rules: a message is shown as sent only once the server stored it (its
//! [`ChatMessage`] arrived); until then it stays in the outbox as pending and
//! is resent with the same id after every reconnect (the server makes that
//! idempotent). A gap in sequence numbers triggers one `sync` (not one per
//! message past the gap).
//!
//! History comes in pages: the log holds a contiguous run of the newest
//! messages. A `history` page that leaves a gap before it (a reconnect
//! that missed more than a page) replaces what was held; an older page
//! that ends where the log begins is prepended ([`ChatLog::older_frame`]
//! asks for it).

use crate::protocol::{ChatMessage, ClientEnvelope, ClientMsg, ErrorCode, Role, ServerEnvelope, ServerMsg};
use crate::workflow::{apply, Event, State, WorkflowKind};
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
    /// Why the server refused it (the code, and the sentence), if it did;
    /// refused sends are not resent.
    pub refused: Option<(ErrorCode, String)>,
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
    /// The room we are attached to, and whether it takes our files (set by
    /// the welcome frame).
    room: Option<(crate::ConversationId, bool)>,
    /// The newest sequence number when the first welcome came: what is
    /// after it arrived while we were here.
    first_seq: Option<u64>,
    /// The latest moderation notice for us (a warning, a mute, a ban).
    notice: Option<String>,
    /// Our place in the queue, as the server last told it, in words.
    queue: Option<String>,
    /// Staff whispers (staff only ever get them), oldest first, each once.
    whispers: Vec<crate::Whisper>,
    /// Why the server refused the connection, if it did.
    refused: Option<ErrorCode>,
    /// Counter for sync frame ids.
    syncs: u64,
    /// The workflow state the welcome gave, and the `last_seq` it is as of.
    state: Option<(u64, State)>,
    /// The `last_seq` a sync was sent for and not yet answered.
    syncing: Option<u64>,
    /// The `before` of the older page asked for and not yet received.
    asking: Option<u64>,
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

    /// Whether older messages exist than the first one held.
    pub fn has_older(&self) -> bool {
        self.messages.first().is_some_and(|m| m.seq > 1)
    }

    /// The frame asking for the page before the oldest message held, unless
    /// there is none or it was asked for already.
    pub fn older_frame(&mut self) -> Option<ClientEnvelope> {
        let first = self.messages.first()?.seq;
        if first <= 1 || self.asking == Some(first) {
            return None;
        }
        self.asking = Some(first);
        let msg = ClientMsg::History { before: first };
        Some(ClientEnvelope { v: PROTOCOL_VERSION, id: format!("history-{first}"), msg })
    }

    /// The highest sequence number received without a gap (0 for none): the
    /// `after` to resume from.
    pub fn last_seq(&self) -> u64 {
        self.messages.last().map_or(0, |m| m.seq)
    }

    /// The latest moderation notice for us, else our place in the queue.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref().or(self.queue.as_deref())
    }

    /// The staff whispers received, oldest first.
    pub fn whispers(&self) -> &[crate::Whisper] {
        &self.whispers
    }

    /// Why the server refused the connection, if it did.
    pub fn refused(&self) -> Option<ErrorCode> {
        self.refused
    }

    /// Whether a stored message is ours: our role, and in a channel our member id.
    pub fn is_mine(&self, m: &ChatMessage) -> bool {
        Some(m.author) == self.role && (m.from.is_none() || m.from == self.member)
    }

    /// The workflow state: the welcome's (an operator's), with the events
    /// stored since folded on; without one, the fold of every event held.
    pub fn workflow_state(&self) -> State {
        let (at, start) = self.state.clone().unwrap_or((0, State::new(self.workflow)));
        let events = self.messages.iter().filter(|m| m.seq > at).filter_map(|m| m.event.as_ref());
        events.fold(start, |s, e| apply(&s, e).map_or(s, |(next, _)| next))
    }

    /// The room attached to (as the welcome named it), if any yet.
    pub fn room(&self) -> Option<&crate::ConversationId> {
        self.room.as_ref().map(|(id, _)| id)
    }

    /// Messages after this sequence number are news to this client: they
    /// came after its first welcome (`None`: no welcome yet).
    pub fn news_after(&self) -> Option<u64> {
        self.first_seq
    }

    /// Whether the room takes our files (as the welcome said).
    pub fn takes_files(&self) -> bool {
        self.room.as_ref().is_some_and(|(_, files)| *files)
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

    /// The typed texts not stored yet, `(id, text)`, oldest first: what a
    /// client keeps across a reload (refused ones and events are not kept).
    pub fn unsent(&self) -> Vec<(String, String)> {
        let typed = self.outbox.iter().filter(|p| p.event.is_none() && p.refused.is_none());
        typed.map(|p| (p.id.clone(), p.text.clone())).collect()
    }

    /// Queues texts kept from before a reload, with their ids (resent after
    /// the next welcome; the server stores each id once).
    pub fn restore(&mut self, unsent: Vec<(String, String)>) {
        for (id, text) in unsent {
            if !self.outbox.iter().any(|p| p.id == id) {
                self.queue(id, text);
            }
        }
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
            ServerMsg::Welcome { conversation, role, workflow, member, last_seq, state, files } => {
                self.state = state.map(|s| (last_seq, s));
                self.room = Some((conversation, files));
                self.first_seq.get_or_insert(last_seq);
                self.role = Some(role);
                self.workflow = workflow;
                self.member = member;
                (self.syncing, self.asking) = (None, None);
                Effect::Resend(self.resend_frames())
            }
            ServerMsg::Message(m) => self.insert(m),
            ServerMsg::History { messages, .. } => {
                self.page(messages);
                Effect::None
            }
            ServerMsg::Ack { seq, .. } => {
                if seq <= self.last_seq() {
                    if let Some(re) = frame.re {
                        self.outbox.retain(|p| p.id != re);
                    }
                }
                Effect::None
            }
            // (The particulars are said in the message already, or for programs.)
            ServerMsg::Error { code, message, .. } => match frame.re {
                // A refused sync or page (too many): asked again on the next need.
                Some(re) if re.starts_with("sync-") || re.starts_with("history-") => {
                    (self.syncing, self.asking) = (None, None);
                    Effect::None
                }
                Some(re) => {
                    let retry_later = code == ErrorCode::Internal;
                    if let Some(p) = self.outbox.iter_mut().find(|p| p.id == re && !retry_later) {
                        p.refused = Some((code, message));
                    }
                    Effect::None
                }
                None if matches!(
                    code,
                    ErrorCode::Unauthorized
                        | ErrorCode::UnknownConversation
                        | ErrorCode::Banned
                        | ErrorCode::RateLimited
                        | ErrorCode::Forbidden
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
            ServerMsg::Held { reason, .. } => {
                if let Some(p) = self.outbox.iter_mut().find(|p| Some(&p.id) == frame.re.as_ref()) {
                    p.held = Some(reason);
                }
                Effect::None
            }
            ServerMsg::Moderation { alert: Some(text), .. } => {
                self.notice = Some(text);
                Effect::None
            }
            // Replayed again at each reconnect (the console shows each once).
            ServerMsg::Whisper(w) => {
                self.whispers.push(w);
                Effect::None
            }
            ServerMsg::Queue { text, .. } => {
                self.queue = Some(text).filter(|t| !t.is_empty());
                Effect::None
            }
            ServerMsg::Removed { seq } => {
                // (A removed file is no longer drawn: the tombstone has no event.)
                if let Some(m) = self.messages.iter_mut().find(|m| m.seq == seq) {
                    (m.text, m.removed, m.event) = (crate::protocol::REMOVED.into(), true, None);
                }
                Effect::None
            }
            _ => Effect::None,
        }
    }

    fn insert(&mut self, m: ChatMessage) -> Effect {
        let last = self.last_seq();
        if m.seq <= last {
            // Held already: an operator's edit (or deletion) comes as the
            // message again with its new text.
            if let Some(held) = self.messages.iter_mut().find(|h| h.seq == m.seq && h.event.is_none()) {
                held.text = m.text;
            }
            return Effect::None;
        }
        if m.seq > last.saturating_add(1) {
            if !self.ahead.iter().any(|a| a.seq == m.seq) {
                self.ahead.push(m);
            }
            if self.syncing == Some(last) {
                return Effect::None;
            }
            self.syncing = Some(last);
            self.syncs += 1;
            return Effect::Sync(ClientEnvelope {
                v: PROTOCOL_VERSION,
                id: format!("sync-{}", self.syncs),
                msg: ClientMsg::Sync { after: last },
            });
        }
        self.confirm(&m);
        self.messages.push(m);
        self.drain_ahead();
        Effect::None
    }

    /// Moves the messages waiting past a gap that no longer is one.
    fn drain_ahead(&mut self) {
        while let Some(i) = self.ahead.iter().position(|a| Some(a.seq) == self.last_seq().checked_add(1)) {
            let next = self.ahead.swap_remove(i);
            self.confirm(&next);
            self.messages.push(next);
        }
        let last = self.last_seq();
        self.ahead.retain(|a| a.seq > last);
    }

    /// Takes a page (consecutive messages, oldest first): one newer than
    /// a gap (or the first) replaces everything held; one that ends where
    /// the log begins is put in front; any other (overlapping, or older
    /// than a gap) adds nothing. (Kept this simple for the widget's size:
    /// a server sends no other kind.)
    fn page(&mut self, mut page: Vec<ChatMessage>) {
        self.asking = None;
        let consecutive = page.windows(2).all(|w| w[0].seq.checked_add(1) == Some(w[1].seq));
        let (Some(first), Some(last), true) = (page.first().map(|m| m.seq), page.last().map(|m| m.seq), consecutive)
        else {
            return;
        };
        if self.messages.is_empty() || first > self.last_seq().saturating_add(1) {
            self.messages = page;
        } else if last.checked_add(1) == self.messages.first().map(|m| m.seq) {
            page.append(&mut self.messages);
            self.messages = page;
        } else {
            return;
        }
        let (role, member, messages) = (self.role, &self.member, &self.messages);
        let ours = |m: &ChatMessage| Some(m.author) == role && (m.from.is_none() || m.from == *member);
        self.outbox.retain(|p| !messages.iter().any(|m| m.client_id == p.id && ours(m)));
        self.drain_ahead();
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
            removed: false,
            by: None,
        }))
    }

    fn welcome(role: Role) -> ServerEnvelope {
        ServerEnvelope::push(ServerMsg::Welcome {
            conversation: "0".repeat(32).parse().unwrap(),
            role,
            last_seq: 0,
            workflow: WorkflowKind::Support,
            member: None,
            state: None,
            files: false,
        })
    }

    fn seqs(log: &ChatLog) -> Vec<u64> {
        log.messages().iter().map(|m| m.seq).collect()
    }

    #[test]
    fn the_welcome_names_the_room_and_whether_it_takes_files() {
        let mut log = ChatLog::default();
        assert!(log.room().is_none() && !log.takes_files(), "nothing known before the welcome");
        log.receive(welcome(Role::Customer));
        assert_eq!(log.room().map(|r| r.to_string()), Some("0".repeat(32)));
        assert!(!log.takes_files());
        let mut takes = welcome(Role::Customer);
        if let ServerMsg::Welcome { files, .. } = &mut takes.msg {
            *files = true;
        }
        log.receive(takes);
        assert!(log.takes_files());
        assert_eq!(log.news_after(), Some(0), "the first welcome's newest message stays the line");
        log.restart();
        assert!(log.room().is_none() && !log.takes_files(), "a new conversation waits for its welcome");
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

    fn page(seqs: std::ops::RangeInclusive<u64>) -> ServerEnvelope {
        let messages = seqs
            .map(|seq| match msg(seq, Role::Customer, &format!("p{seq}")).msg {
                ServerMsg::Message(m) => m,
                _ => unreachable!(),
            })
            .collect::<Vec<_>>();
        let more = messages.first().is_some_and(|m| m.seq > 1);
        ServerEnvelope::push(ServerMsg::History { messages, more })
    }

    #[test]
    fn a_message_sent_again_with_new_text_is_edited_in_place() {
        let mut log = ChatLog::default();
        for seq in 1..=2 {
            log.receive(msg(seq, Role::Operator, &format!("o{seq}")));
        }
        let again = |seq: u64, text: &str| {
            let ServerMsg::Message(m) = msg(seq, Role::Operator, &format!("o{seq}")).msg else { unreachable!() };
            ServerEnvelope::push(ServerMsg::Message(ChatMessage { text: text.into(), ..m }))
        };
        log.receive(again(1, "fixed"));
        log.receive(again(2, ""));
        let texts: Vec<(u64, &str)> = log.messages().iter().map(|m| (m.seq, m.text.as_str())).collect();
        assert_eq!(texts, [(1, "fixed"), (2, "")], "in place, no new row; deleted: no text");
    }

    #[test]
    fn a_removed_message_becomes_its_tombstone_in_place() {
        let mut log = ChatLog::default();
        for seq in 1..=2 {
            log.receive(msg(seq, Role::Customer, &format!("c{seq}")));
        }
        if let Some(m) = log.messages.first_mut() {
            let file = crate::files::Attachment {
                id: "a".repeat(32),
                name: "x.png".into(),
                kind: crate::files::FileType::Png,
                size: 1,
                key: "k".into(),
            };
            m.event = Some(crate::workflow::Event::File(Box::new(file)));
        }
        log.receive(ServerEnvelope::push(ServerMsg::Removed { seq: 1 }));
        log.receive(ServerEnvelope::push(ServerMsg::Removed { seq: 9 }));
        let kept: Vec<(u64, &str, bool)> = log.messages().iter().map(|m| (m.seq, m.text.as_str(), m.removed)).collect();
        assert_eq!(kept, [(1, crate::protocol::REMOVED, true), (2, "text 2", false)]);
        assert_eq!(log.messages()[0].event, None, "a removed file is not drawn");
    }

    #[test]
    fn one_sync_per_gap() {
        let mut log = ChatLog::default();
        log.receive(welcome(Role::Operator));
        log.receive(msg(1, Role::Customer, "x"));
        assert!(matches!(log.receive(msg(3, Role::Customer, "z")), Effect::Sync(_)));
        assert_eq!(log.receive(msg(4, Role::Customer, "w")), Effect::None, "the sync for this gap is on its way");
        log.receive(msg(2, Role::Customer, "y"));
        assert_eq!(seqs(&log), [1, 2, 3, 4]);
        assert!(matches!(log.receive(msg(6, Role::Customer, "v")), Effect::Sync(_)), "a new gap, a new sync");
        let refused = ServerMsg::Error { code: ErrorCode::RateLimited, message: "slow down".into(), detail: None };
        log.receive(ServerEnvelope::reply("sync-2", refused));
        assert!(matches!(log.receive(msg(7, Role::Customer, "u")), Effect::Sync(_)), "a refused sync is asked again");
    }

    #[test]
    fn pages_of_history_join_at_the_front_and_a_newer_page_past_a_gap_replaces() {
        let mut log = ChatLog::default();
        log.receive(welcome(Role::Customer));
        // Connect to a long conversation: the newest page, and older ones exist.
        log.receive(page(201..=300));
        assert_eq!((log.messages()[0].seq, log.last_seq(), log.has_older()), (201, 300, true));
        let ask = log.older_frame().expect("older exist");
        assert_eq!(ask.msg, ClientMsg::History { before: 201 });
        assert_eq!(log.older_frame(), None, "asked once until it arrives");
        log.receive(page(101..=200));
        assert_eq!(seqs(&log), (101..=300).collect::<Vec<_>>(), "prepended, gapless");
        log.receive(page(150..=250));
        assert_eq!(seqs(&log), (101..=300).collect::<Vec<_>>(), "an overlapping page doubles nothing");
        // A reconnect that missed more than a page: the newest page replaces the rest.
        log.receive(msg(302, Role::Customer, "ahead"));
        log.receive(page(401..=500));
        assert_eq!(seqs(&log), (401..=500).collect::<Vec<_>>());
        log.receive(page(1..=100));
        assert_eq!(log.messages()[0].seq, 401, "a page behind a gap is not kept");
        log.receive(page(301..=400));
        assert_eq!(seqs(&log), (301..=500).collect::<Vec<_>>());
        log.receive(page(201..=300));
        assert_eq!(log.messages()[0].seq, 201);
        log.receive(page(1..=200));
        assert!(!log.has_older());
        assert_eq!(log.older_frame(), None);
        assert_eq!(seqs(&log), (1..=500).collect::<Vec<_>>());
    }

    #[test]
    fn an_operators_workflow_state_folds_new_events_onto_the_welcomes() {
        let mut state = State::new(WorkflowKind::Support);
        state.assignee = Some("Ann".into());
        let welcome = ServerMsg::Welcome {
            conversation: "0".repeat(32).parse().unwrap(),
            role: Role::Operator,
            last_seq: 300,
            workflow: WorkflowKind::Support,
            member: None,
            state: Some(state),
            files: false,
        };
        let mut log = ChatLog::default();
        log.receive(ServerEnvelope::push(welcome));
        log.receive(page(201..=300));
        assert_eq!(log.workflow_state().assignee.as_deref(), Some("Ann"), "older events are in the welcome's state");
        let list = Event::Checklist { items: vec!["Restart".into()] };
        let event = ChatMessage { event: Some(list), ..message(301, "c") };
        log.receive(ServerEnvelope::push(ServerMsg::Message(event)));
        let s = log.workflow_state();
        assert_eq!((s.assignee.as_deref(), s.checklist.len()), (Some("Ann"), 1));
    }

    #[test]
    fn a_page_confirms_our_pending_sends() {
        let mut log = ChatLog::default();
        log.queue("p250".into(), "text 250".into());
        log.receive(welcome(Role::Customer));
        log.receive(page(201..=300));
        assert!(log.outbox().is_empty());
    }

    #[test]
    fn unsent_texts_survive_a_reload_with_their_ids() {
        let mut log = ChatLog::default();
        log.queue("a".into(), "typed offline".into());
        log.queue_event("e".into(), Event::Rate { score: 5 });
        log.queue("b".into(), "too long".into());
        log.receive(ServerEnvelope::reply(
            "b",
            ServerMsg::Error { code: ErrorCode::MessageTooLong, message: "x".into(), detail: None },
        ));
        let kept = log.unsent();
        assert_eq!(kept, [("a".to_owned(), "typed offline".to_owned())], "texts only, not refused ones");
        let mut after_reload = ChatLog::default();
        after_reload.restore(kept.clone());
        after_reload.restore(kept);
        let Effect::Resend(frames) = after_reload.receive(welcome(Role::Customer)) else { panic!() };
        assert_eq!(frames.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["a"], "resent once, same id");
    }

    #[test]
    fn refused_sends_stay_visible_and_are_not_resent() {
        let mut log = ChatLog::default();
        log.queue("a".into(), "x".into());
        log.queue("b".into(), "y".into());
        let refused = ServerMsg::Error { code: ErrorCode::MessageTooLong, message: "too long".into(), detail: None };
        log.receive(ServerEnvelope::reply("a", refused));
        let internal = ServerMsg::Error { code: ErrorCode::Internal, message: "oops".into(), detail: None };
        log.receive(ServerEnvelope::reply("b", internal));
        assert_eq!(log.outbox()[0].refused, Some((ErrorCode::MessageTooLong, "too long".into())));
        assert_eq!(log.outbox()[1].refused, None, "internal errors are retried");
        assert_eq!(log.resend_frames().len(), 1);
        log.dismiss("a");
        assert_eq!(log.outbox().len(), 1);
    }

    #[test]
    fn a_refused_connection_is_reported() {
        let mut log = ChatLog::default();
        let f = ServerEnvelope::push(ServerMsg::Error {
            code: ErrorCode::Unauthorized,
            message: "no".into(),
            detail: None,
        });
        assert_eq!(log.receive(f), Effect::Refused(ErrorCode::Unauthorized, "no".into()));
        // Too many windows: refused, and why (the conversation itself is not lost).
        let mut log = ChatLog::default();
        let f = ServerEnvelope::push(ServerMsg::Error {
            code: ErrorCode::RateLimited,
            message: "too many".into(),
            detail: None,
        });
        assert_eq!(log.receive(f), Effect::Refused(ErrorCode::RateLimited, "too many".into()));
        assert_eq!(log.refused(), Some(ErrorCode::RateLimited));
        // A channel name taken for staff: refused, so the app asks for another.
        let mut log = ChatLog::default();
        let f = ServerEnvelope::push(ServerMsg::Error {
            code: ErrorCode::Forbidden,
            message: "staff".into(),
            detail: None,
        });
        assert_eq!(log.receive(f), Effect::Refused(ErrorCode::Forbidden, "staff".into()));
        assert_eq!(log.refused(), Some(ErrorCode::Forbidden));
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
            state: None,
            files: false,
        };
        log.receive(ServerEnvelope::push(welcome));
        log.receive(ServerEnvelope::reply("a", ServerMsg::Held { reason: "review".into(), detail: None }));
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
            changed: Vec::new(),
            notice: None,
        }));
        assert_eq!(log.notice(), Some("You are muted until 10:00 UTC"));
        let ban = ServerMsg::Error { code: ErrorCode::Banned, message: "You are banned".into(), detail: None };
        assert_eq!(log.receive(ServerEnvelope::push(ban)), Effect::Refused(ErrorCode::Banned, "You are banned".into()));
        assert_eq!((log.notice(), log.refused()), (Some("You are banned"), Some(ErrorCode::Banned)));
    }

    #[test]
    fn the_place_in_the_queue_shows_until_someone_has_it() {
        let mut log = ChatLog::default();
        let text = crate::routing::queue_text(2, Some(240_000), None);
        log.receive(ServerEnvelope::push(ServerMsg::Queue { position: 2, wait_ms: Some(240_000), text, away: None }));
        assert_eq!(log.notice(), Some("You are number 2 in line. Expected wait: about 4 min."));
        log.receive(ServerEnvelope::push(ServerMsg::Queue {
            position: 0,
            wait_ms: None,
            text: String::new(),
            away: None,
        }));
        assert_eq!(log.notice(), None, "an operator has it");
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
            removed: false,
            by: None,
        }
    }
}
