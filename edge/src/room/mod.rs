//! What every room (a conversation or a public channel) does, written once.
//!
//! # Layout
//! - [`core`]: the sans-IO [`Core`]: a client frame in, [`Effect`]s out —
//!   authorisation by role, idempotency, sequence numbers, the workflow,
//!   reopening, moderation outcomes (flag, hold, block, auto-mute), a
//!   moderator's review, sanction and lift.
//! - [`edit`]: the checks of an operator's edit of their own message.
//! - [`policy`]: the pure decisions the core applies: who may write, and
//!   what happens to a customer's text (sanction, rate window, rules).
//! - [`memory`]: what the core keeps in memory while the object is awake
//!   (members' recent texts and send times, held ids, sanctions).
//! - [`store`]: the storage trait ([`RoomStore`]) and an in-memory store
//!   for the native tests.
//! - [`sql`]: the counted database ([`sql::Db`]) and the tables both rooms
//!   share (held, sanctions, the site's settings as last seen).
//! - [`reports`]: reports kept in the room until the site's Inbox takes them.
//! - [`shell`]: the IO both Durable Objects do the same way: carrying out
//!   effects on sockets and other objects, refreshing the settings.
//!
//! The Durable Objects (`conversation`, `channel`) are shells: they decode
//! frames, hold the [`Core`] in a `RefCell`, and carry out its effects.

pub mod core;
pub mod edit;
pub mod follow_up;
pub mod memory;
pub mod policy;
pub mod reports;
pub mod sales;
pub mod shell;
pub mod sql;
pub mod store;
#[cfg(test)]
mod transcript_tests;

use serde::{Deserialize, Serialize};
use shared::site::Limits;
use shared::staff::StaffRole;
use shared::{ErrorCode, Role, ServerMsg};

pub use self::core::{Core, Effect, FilePost, Who};
pub use self::policy::Settings;
pub use self::store::{RoomStore, StoreError};

/// What each hibernatable socket of a room remembers about its peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Customer or operator.
    pub role: Role,
    /// A staff member's role in their organisation (`None`: a customer).
    #[serde(default)]
    pub staff: Option<StaffRole>,
    /// A channel member's id (a conversation's customer is in its identity).
    #[serde(default)]
    pub member: String,
    /// A channel member's display name.
    #[serde(default)]
    pub name: String,
    /// When this socket last asked for missed messages or a page.
    #[serde(default)]
    pub replays: Vec<u64>,
}

/// A message waiting for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// Sender's member id.
    pub member: String,
    /// Its client id.
    pub client_id: String,
    /// Sender's name.
    pub name: String,
    /// The text.
    pub text: String,
    /// When it was sent.
    pub at: u64,
    /// Why it is held (English).
    pub reason: String,
    /// The event it carries, as JSON (a file held for review).
    #[serde(default)]
    pub event: Option<String>,
    /// Why it is held, typed ([`shared::Detail`] as JSON; none in rows
    /// from before it was kept).
    #[serde(default)]
    pub detail: Option<String>,
}

impl Held {
    /// What its sender is told (again at a resend).
    pub fn told(&self) -> ServerMsg {
        let detail = self.detail.as_deref().and_then(|d| serde_json::from_str(d).ok());
        ServerMsg::Held { reason: self.reason.clone(), detail }
    }
}

/// At a customer's connect, holding `open` sockets already: the refusal if
/// that is the site's `windowsPerCustomer` (nothing else is touched).
pub fn refuse_windows(open: usize, limits: Limits) -> Option<shell::Refused> {
    let most = limits.windows_per_customer as usize;
    (open >= most).then(|| {
        let msg = format!("Too many open chat windows ({most}) — close one and try again.");
        (shared::Refusal::new(ErrorCode::RateLimited, msg), crate::socket::CLOSE_TOO_MANY)
    })
}
