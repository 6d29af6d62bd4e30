//! The sans-IO heart of a conversation: sequence numbers without gaps,
//! idempotent sends and replay, over a small storage trait so it runs
//! natively in tests and on SQLite in the Durable Object.
//!
//! Architecture invariant: a message is acknowledged only after
//! [`MessageStore::insert`] returned; a client id (per author) maps to at
//! most one message for the conversation's whole life.

use shared::workflow::{apply, Event, State, WorkflowError};
use shared::WireName;
use shared::{ChatMessage, Role};

/// Storage failed; the caller reports an internal error and stores nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage: {0}")]
pub struct StoreError(pub String);

/// Where a room's messages live.
pub trait MessageStore {
    /// The sender's display name and member id, stamped on what it stores
    /// (channels; a conversation's messages carry neither).
    fn sender(&self) -> (Option<String>, Option<String>) {
        (None, None)
    }
    /// The message `author` sent with `client_id`, if any.
    fn find(&self, author: Role, client_id: &str) -> Result<Option<ChatMessage>, StoreError>;
    /// The highest stored sequence number (0 for none).
    fn last_seq(&self) -> Result<u64, StoreError>;
    /// Stores one message; its `seq` is `last_seq() + 1`.
    fn insert(&self, msg: &ChatMessage) -> Result<(), StoreError>;
    /// Up to `limit` messages with `seq > after`, in order.
    fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError>;
}

/// A conversation's store: messages and the workflow state.
pub trait WorkflowStore: MessageStore {
    /// The workflow state as of the newest message.
    fn workflow(&self) -> Result<State, StoreError>;
    /// Stores one event message and the state it leads to, together.
    fn insert_event(&self, msg: &ChatMessage, state: &State) -> Result<(), StoreError>;
}

/// What a send did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// A new message was stored: acknowledge it and deliver it to everyone.
    New(ChatMessage),
    /// The id was already used for this same text: acknowledge the original
    /// again, deliver nothing.
    Repeat(ChatMessage),
}

impl Sent {
    /// The stored message either way.
    pub fn message(&self) -> &ChatMessage {
        match self {
            Sent::New(m) | Sent::Repeat(m) => m,
        }
    }
}

/// Why a send stored nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The id was already used by this author for another text.
    #[error("the id {0:?} was already used for another message")]
    IdConflict(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stores `text` from `author` under `client_id` unless that id was used before.
/// The text must already be validated ([`shared::validate_text`]).
pub fn send(
    store: &impl MessageStore,
    author: Role,
    client_id: &str,
    text: &str,
    now_ms: u64,
) -> Result<Sent, SendError> {
    if let Some(existing) = store.find(author, client_id)? {
        return if existing.text == text {
            Ok(Sent::Repeat(existing))
        } else {
            Err(SendError::IdConflict(client_id.to_owned()))
        };
    }
    let (name, from) = store.sender();
    let msg = ChatMessage {
        seq: store.last_seq()? + 1,
        client_id: client_id.to_owned(),
        author,
        text: text.to_owned(),
        at: now_ms,
        event: None,
        name,
        from,
    };
    store.insert(&msg)?;
    Ok(Sent::New(msg))
}

/// Why an event stored nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    /// This role may not send this event.
    #[error("a {0} may not do this")]
    Forbidden(&'static str),
    /// The workflow refused it.
    #[error(transparent)]
    Illegal(#[from] WorkflowError),
    /// The id was used for something else.
    #[error("the id {0:?} was already used for another message")]
    IdConflict(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Applies `event` from `author` through the workflow and, if accepted,
/// stores it as the next timeline message together with the new state.
/// A resend of the same id and event answers with the original.
pub fn act(
    store: &impl WorkflowStore,
    author: Role,
    client_id: &str,
    event: &Event,
    now_ms: u64,
) -> Result<(Sent, State), ActError> {
    if !event.allowed_for(author) {
        return Err(ActError::Forbidden(author.as_str()));
    }
    if let Some(existing) = store.find(author, client_id)? {
        return if existing.event.as_ref() == Some(event) {
            Ok((Sent::Repeat(existing), store.workflow()?))
        } else {
            Err(ActError::IdConflict(client_id.to_owned()))
        };
    }
    let (state, _effects) = apply(&store.workflow()?, event)?;
    let msg = ChatMessage {
        seq: store.last_seq()? + 1,
        client_id: client_id.to_owned(),
        author,
        text: event.describe(),
        at: now_ms,
        event: Some(event.clone()),
        name: None,
        from: None,
    };
    store.insert_event(&msg, &state)?;
    Ok((Sent::New(msg), state))
}

/// Largest batch of messages sent in one replay step.
pub const REPLAY_BATCH: usize = 500;

/// Every message after `after`, in order, read in batches.
pub fn replay(store: &impl MessageStore, after: u64) -> Result<Vec<ChatMessage>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = after;
    loop {
        let batch = store.after(cursor, REPLAY_BATCH)?;
        let done = batch.len() < REPLAY_BATCH;
        if let Some(last) = batch.last() {
            cursor = last.seq;
        }
        out.extend(batch);
        if done {
            return Ok(out);
        }
    }
}

#[cfg(test)]
pub(crate) mod mem {
    //! An in-memory [`MessageStore`] for native tests.
    use super::*;
    use std::cell::RefCell;

    /// Messages in a vector, and the workflow state.
    #[derive(Default)]
    pub struct MemStore(pub RefCell<Vec<ChatMessage>>, pub RefCell<State>);

    impl MessageStore for MemStore {
        fn find(&self, author: Role, client_id: &str) -> Result<Option<ChatMessage>, StoreError> {
            Ok(self.0.borrow().iter().find(|m| m.author == author && m.client_id == client_id).cloned())
        }
        fn last_seq(&self) -> Result<u64, StoreError> {
            Ok(self.0.borrow().last().map_or(0, |m| m.seq))
        }
        fn insert(&self, msg: &ChatMessage) -> Result<(), StoreError> {
            self.0.borrow_mut().push(msg.clone());
            Ok(())
        }
        fn after(&self, after: u64, limit: usize) -> Result<Vec<ChatMessage>, StoreError> {
            Ok(self.0.borrow().iter().filter(|m| m.seq > after).take(limit).cloned().collect())
        }
    }

    impl WorkflowStore for MemStore {
        fn workflow(&self) -> Result<State, StoreError> {
            Ok(self.1.borrow().clone())
        }
        fn insert_event(&self, msg: &ChatMessage, state: &State) -> Result<(), StoreError> {
            self.insert(msg)?;
            *self.1.borrow_mut() = state.clone();
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mem::MemStore;
    use super::*;
    use Role::{Customer, Operator};

    /// One step of a transcript: who sends which id with which text, and the
    /// expected outcome (`Ok(seq, is_new)` or the error).
    type Step = (Role, &'static str, &'static str, Result<(u64, bool), SendError>);

    fn run(steps: &[Step]) -> MemStore {
        let store = MemStore::default();
        for (i, (author, id, text, want)) in steps.iter().enumerate() {
            let got = send(&store, *author, id, text, 1000 + i as u64).map(|s| match s {
                Sent::New(m) => (m.seq, true),
                Sent::Repeat(m) => (m.seq, false),
            });
            assert_eq!(&got, want, "step {i}: {author:?} {id} {text:?}");
        }
        store
    }

    #[test]
    fn transcript_of_sends() {
        let store = run(&[
            (Customer, "a", "hello", Ok((1, true))),
            (Operator, "a", "hi, how can I help?", Ok((2, true))), // ids are per author
            (Customer, "b", "my order", Ok((3, true))),
            (Customer, "a", "hello", Ok((1, false))), // resend: original ack
            (Customer, "a", "changed", Err(SendError::IdConflict("a".into()))),
            (Customer, "c", "still there?", Ok((4, true))),
        ]);
        let seqs: Vec<u64> = store.0.borrow().iter().map(|m| m.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4], "gapless, nothing doubled");
        assert_eq!(store.0.borrow()[0].at, 1000, "a repeat keeps the original time");
    }

    #[test]
    fn events_are_authorised_applied_stored_and_idempotent() {
        use shared::workflow::{Outcome, WorkflowError};
        let store = MemStore::default();
        let close = Event::Close { outcome: Outcome::Resolved };
        let tick = Event::Tick { item: 0, done: true };
        assert_eq!(act(&store, Customer, "c", &close, 1), Err(ActError::Forbidden("customer")));
        assert!(matches!(
            act(&store, Operator, "c", &close, 1),
            Err(ActError::Illegal(WorkflowError::CannotClose { .. }))
        ));
        assert_eq!(act(&store, Customer, "t", &tick, 1), Err(ActError::Illegal(WorkflowError::NoSuchItem(0))));
        assert!(store.0.borrow().is_empty(), "refused events store nothing");
        let list = Event::Checklist { items: vec!["Restart".into()] };
        let (sent, state) = act(&store, Operator, "l", &list, 2).unwrap();
        assert!(matches!(sent, Sent::New(ChatMessage { seq: 1, .. })));
        assert_eq!(state.checklist.len(), 1);
        let (again, _) = act(&store, Operator, "l", &list, 3).unwrap();
        assert!(matches!(again, Sent::Repeat(ChatMessage { seq: 1, at: 2, .. })), "a resend gets the original");
        assert_eq!(act(&store, Operator, "l", &close, 3), Err(ActError::IdConflict("l".into())));
        act(&store, Customer, "t", &tick, 4).unwrap();
        assert!(store.1.borrow().checklist[0].1);
        assert_eq!(store.0.borrow().len(), 2);
    }

    #[test]
    fn replay_returns_exactly_what_is_missing() {
        let store = MemStore::default();
        for i in 0..1203u64 {
            send(&store, Customer, &format!("m{i}"), "x", i).unwrap();
        }
        let seqs = |after| replay(&store, after).unwrap().iter().map(|m| m.seq).collect::<Vec<_>>();
        assert_eq!(seqs(1200), [1201, 1202, 1203]);
        assert_eq!(seqs(1203), Vec::<u64>::new());
        assert_eq!(seqs(0), (1..=1203).collect::<Vec<_>>(), "across several batches");
    }
}
