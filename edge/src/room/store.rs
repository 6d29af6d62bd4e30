//! The storage a room needs, as a trait: the Durable Objects implement it
//! over SQLite (`conversation/sql.rs`, `channel/sql.rs`), the native tests
//! over memory ([`mem::MemStore`]). Every method is one statement or one
//! implicit transaction; which ones run per message is the room core's
//! business ([`super::core`]).

use shared::moderation::Earlier;
use shared::moderation_case::SanctionRecord;
use shared::workflow::State;
use shared::{ChatMessage, Role};

use super::Held;

/// Storage failed; the caller reports an internal error and stores nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage: {0}")]
pub struct StoreError(pub String);

impl From<worker::Error> for StoreError {
    fn from(e: worker::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError(e.to_string())
    }
}

/// What a member did lately, read once when the member first writes after
/// the object woke ([`super::memory::Members`] keeps it from then on).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recent {
    /// Their newest stored or held texts, oldest first (at most
    /// [`super::memory::HISTORY`]).
    pub texts: Vec<Earlier>,
    /// When they sent the texts stored or held in the window, oldest first.
    pub sent: Vec<u64>,
    /// Their held messages: client id and what they were told.
    pub held: Vec<(String, shared::ServerMsg)>,
    /// When they sent their newest workflow events (not the form's answers).
    pub events: Vec<u64>,
}

/// Where a room's timeline and moderation state live.
pub trait RoomStore {
    /// The message `author` (`member`, in a channel) sent with `client_id`.
    fn find(&self, author: Role, member: &str, client_id: &str) -> Result<Option<ChatMessage>, StoreError>;
    /// The highest stored sequence number (0 for none).
    fn last_seq(&self) -> Result<u64, StoreError>;
    /// Stores one message (and, for an event, the workflow state it leads
    /// to, in the same implicit transaction); `false`: its author already
    /// stored a message with its client id, and nothing was written.
    fn insert(&self, msg: &ChatMessage, workflow: Option<&State>) -> Result<bool, StoreError>;
    /// Up to `limit` messages with `seq > after`, in order.
    fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError>;
    /// The newest `limit` messages with `seq < before`, in order.
    fn before(&self, before: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError>;
    /// `member`'s recent activity: their newest texts (stored and held),
    /// held ids, and the times of at most `limit` texts and events since `since`.
    fn recent(&self, member: &str, since: u64, limit: usize) -> Result<Recent, StoreError>;
    /// Keeps a held message.
    fn hold(&self, held: &Held) -> Result<(), StoreError>;
    /// Removes and returns a held message (a moderator decided).
    fn take_held(&self, member: &str, client_id: &str) -> Result<Option<Held>, StoreError>;
    /// Takes a published message's text out of the room for everyone (a
    /// moderator's removal): its row stays, blank and marked removed;
    /// returns the message as it was (`None`: no such message, already
    /// removed, or a room that does not remove).
    fn remove(&self, seq: u64) -> Result<Option<ChatMessage>, StoreError>;
    /// Message `seq` as stored (`None`: no such message).
    fn at(&self, seq: u64) -> Result<Option<ChatMessage>, StoreError> {
        Ok(self.after(seq.saturating_sub(1), 1)?.into_iter().find(|m| m.seq == seq))
    }
    /// An operator's edit: message `seq`'s new text, in place (`false`: a
    /// room whose messages are not edited).
    fn edit(&self, seq: u64, text: &str) -> Result<bool, StoreError>;
    /// Every sanction this room knows (read when the object wakes).
    fn sanctions(&self) -> Result<Vec<SanctionRecord>, StoreError>;
    /// Replaces what this room knows of `member`'s sanctions.
    fn set_sanctions(&self, member: &str, records: &[SanctionRecord]) -> Result<(), StoreError>;
}

#[cfg(test)]
pub(crate) mod mem {
    //! A [`RoomStore`] in memory, for native tests; it counts its reads
    //! and writes as the SQLite stores do.
    use super::*;
    use shared::workflow::Event;
    use std::cell::{Cell, RefCell};

    /// Messages (with the sender's member id), held messages, sanctions,
    /// the workflow state; and counters.
    #[derive(Default)]
    pub struct MemStore {
        /// The timeline, with each message's member id.
        pub messages: RefCell<Vec<(String, ChatMessage)>>,
        /// Held messages.
        pub held: RefCell<Vec<Held>>,
        /// Sanctions.
        pub sanctions: RefCell<Vec<SanctionRecord>>,
        /// The workflow state last stored.
        pub workflow: RefCell<Option<State>>,
        /// Statements that read.
        pub reads: Cell<u64>,
        /// Statements that write.
        pub writes: Cell<u64>,
        /// Fail every write (a storage outage).
        pub broken: Cell<bool>,
    }

    impl MemStore {
        fn read(&self) {
            self.reads.set(self.reads.get() + 1);
        }
        fn write(&self) -> Result<(), StoreError> {
            self.writes.set(self.writes.get() + 1);
            if self.broken.get() {
                return Err(StoreError("disk on fire".into()));
            }
            Ok(())
        }
    }

    impl RoomStore for MemStore {
        fn find(&self, author: Role, member: &str, client_id: &str) -> Result<Option<ChatMessage>, StoreError> {
            self.read();
            let messages = self.messages.borrow();
            let ours = |from: &String| from.is_empty() || from == member;
            let found = messages.iter().find(|(from, m)| m.author == author && m.client_id == client_id && ours(from));
            Ok(found.map(|(_, m)| m.clone()))
        }
        fn last_seq(&self) -> Result<u64, StoreError> {
            self.read();
            Ok(self.messages.borrow().last().map_or(0, |(_, m)| m.seq))
        }
        fn insert(&self, msg: &ChatMessage, workflow: Option<&State>) -> Result<bool, StoreError> {
            self.write()?;
            let member = msg.from.clone().unwrap_or_default();
            let taken = |(from, stored): &(String, ChatMessage)| {
                stored.author == msg.author && *from == member && stored.client_id == msg.client_id
            };
            if self.messages.borrow().iter().any(taken) {
                return Ok(false);
            }
            self.messages.borrow_mut().push((member, msg.clone()));
            if let Some(state) = workflow {
                *self.workflow.borrow_mut() = Some(state.clone());
            }
            Ok(true)
        }
        fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
            self.read();
            let messages = self.messages.borrow();
            Ok(messages.iter().map(|(_, m)| m).filter(|m| m.seq > after).take(limit).cloned().collect())
        }
        fn before(&self, before: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
            self.read();
            let messages = self.messages.borrow();
            let older: Vec<_> = messages.iter().map(|(_, m)| m).filter(|m| m.seq < before).cloned().collect();
            Ok(older[older.len().saturating_sub(limit)..].to_vec())
        }
        fn recent(&self, member: &str, since: u64, limit: usize) -> Result<Recent, StoreError> {
            self.read();
            let messages = self.messages.borrow();
            let mine =
                messages.iter().filter(|(from, m)| (from.is_empty() || from == member) && m.author == Role::Customer);
            let mut texts: Vec<Earlier> = mine
                .clone()
                .filter(|(_, m)| m.event.is_none())
                .map(|(_, m)| Earlier { text: m.text.clone(), at: m.at })
                .collect();
            let held = self.held.borrow();
            let held_mine = held.iter().filter(|h| h.member == member);
            texts.extend(held_mine.clone().map(|h| Earlier { text: h.text.clone(), at: h.at }));
            texts.sort_by_key(|e| e.at);
            let mut sent: Vec<u64> = texts.iter().map(|e| e.at).filter(|at| *at >= since).collect();
            sent = sent.split_off(sent.len().saturating_sub(limit));
            let skip = texts.len().saturating_sub(crate::room::memory::HISTORY);
            Ok(Recent {
                texts: texts.split_off(skip),
                sent,
                held: held_mine.map(|h| (h.client_id.clone(), h.told())).collect(),
                events: mine
                    .filter(|(_, m)| m.event.as_ref().is_some_and(|e| !matches!(e, Event::Collect { .. })))
                    .map(|(_, m)| m.at)
                    .filter(|at| *at >= since)
                    .collect(),
            })
        }
        fn hold(&self, held: &Held) -> Result<(), StoreError> {
            self.write()?;
            self.held.borrow_mut().push(held.clone());
            Ok(())
        }
        fn take_held(&self, member: &str, client_id: &str) -> Result<Option<Held>, StoreError> {
            self.write()?;
            let mut held = self.held.borrow_mut();
            let at = held.iter().position(|h| h.member == member && h.client_id == client_id);
            Ok(at.map(|i| held.remove(i)))
        }
        fn remove(&self, seq: u64) -> Result<Option<ChatMessage>, StoreError> {
            self.write()?;
            let mut messages = self.messages.borrow_mut();
            let Some((_, m)) = messages.iter_mut().find(|(_, m)| m.seq == seq && !m.removed) else { return Ok(None) };
            let original = m.clone();
            (m.text, m.removed) = (String::new(), true);
            Ok(Some(original))
        }
        fn edit(&self, seq: u64, text: &str) -> Result<bool, StoreError> {
            self.write()?;
            let mut messages = self.messages.borrow_mut();
            let found = messages.iter_mut().find(|(_, m)| m.seq == seq);
            Ok(found.map(|(_, m)| m.text = text.to_owned()).is_some())
        }
        fn sanctions(&self) -> Result<Vec<SanctionRecord>, StoreError> {
            self.read();
            Ok(self.sanctions.borrow().clone())
        }
        fn set_sanctions(&self, member: &str, records: &[SanctionRecord]) -> Result<(), StoreError> {
            self.write()?;
            let mut all = self.sanctions.borrow_mut();
            all.retain(|r| r.member != member);
            all.extend(records.iter().cloned());
            Ok(())
        }
    }
}
