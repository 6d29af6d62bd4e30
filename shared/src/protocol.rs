//! The WebSocket protocol: a versioned envelope around one enum per direction.
//!
//! Every frame is a JSON object `{"v":1, ...}`. Client frames carry an `id`
//! chosen by the client (for a `send`, that id is the idempotency key of the
//! message); server frames that answer a client frame carry it back as `re`.
//! Enums are externally tagged (`"msg":{"send":{"text":"hi"}}`) and camelCase:
//! serde decodes that form in one streaming pass, while adjacent tagging
//! buffers every frame and cost the widget ~40 KB of wasm (see
//! ARCHITECTURE.md). Every variant has a golden JSON file under `shared/golden/`.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, SiteId};
use crate::refusal::{Detail, Refusal};
use crate::workflow::{Event, Outcome, WorkflowKind};

/// Version of the wire protocol spoken by this build; frames with another `v`
/// are refused with [`ErrorCode::UnsupportedVersion`].
pub const PROTOCOL_VERSION: u16 = 1;

/// A client → server frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientEnvelope {
    /// Protocol version, always [`PROTOCOL_VERSION`].
    pub v: u16,
    /// Client-chosen id of this frame (1–64 of `[A-Za-z0-9_-]`). For
    /// [`ClientMsg::Send`] it is the message's idempotency key for the whole
    /// life of the conversation.
    pub id: String,
    /// What the client asks for.
    pub msg: ClientMsg,
}

/// Most messages in one [`ServerMsg::History`] page, and the most a
/// (re)connect or a sync replays one by one.
pub const PAGE: usize = 100;

/// What a client (customer widget or operator console) can ask of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ClientMsg {
    /// Store and deliver a chat message. Answered by [`ServerMsg::Ack`] once
    /// stored; a resend with the same envelope id gets the original ack.
    Send {
        /// The message text, 1–[`crate::MAX_MESSAGE_CHARS`] characters, not blank.
        text: String,
    },
    /// Ask again for every message after `after` (e.g. after a gap was seen).
    /// Answered by the missing [`ServerMsg::Message`] frames, in order, when
    /// they fit in a page ([`crate::PAGE`]); otherwise by the newest page as
    /// one [`ServerMsg::History`]. Limited per socket.
    Sync {
        /// The highest sequence number the client already has (0 for none).
        after: u64,
    },
    /// Apply a workflow event (see [`crate::workflow::apply`]). Stored and
    /// acknowledged like a send (same idempotency by envelope id), or refused
    /// with [`ErrorCode::IllegalMove`] / [`ErrorCode::Forbidden`].
    Act {
        /// What happened.
        event: Event,
    },
    /// The sender started or stopped typing (not stored; relayed to the
    /// other side as [`ServerMsg::Typing`]).
    Typing {
        /// Typing now.
        on: bool,
    },
    /// Ask for the page of messages just older than `before` (the oldest
    /// sequence number the client has). Answered by one
    /// [`ServerMsg::History`]. Limited per socket.
    History {
        /// Only messages with a smaller sequence number.
        before: u64,
    },
    /// Staff only, on a conversation socket: a note for the conversation's
    /// operators and supervisors that the customer never receives. Stored
    /// outside the timeline (no sequence number, so the customer's log has
    /// no gap) and answered by [`ServerMsg::Whisper`] to every staff socket.
    Whisper {
        /// The note, 1–[`crate::MAX_MESSAGE_CHARS`] characters.
        text: String,
    },
    /// On an operator's inbox socket: their availability (online or away;
    /// sent again on activity, so the server can tell idle from present).
    Presence {
        /// Online or away.
        status: crate::routing::Presence,
    },
    /// On an operator's inbox socket: they have seen a conversation up to
    /// `seq` (kept per operator on the server, so unread counts follow
    /// them to every device; the console says it at most every few seconds
    /// per conversation, and when it leaves one).
    Seen(SeenMark),
}

impl ClientMsg {
    /// The wire names of every variant, used to tell an unknown type from a
    /// malformed known one.
    pub const TYPES: &'static [&'static str] =
        &["send", "sync", "act", "typing", "history", "whisper", "presence", "seen"];
}

/// A server → client frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerEnvelope {
    /// Protocol version, always [`PROTOCOL_VERSION`].
    pub v: u16,
    /// The id of the client frame this answers, if it answers one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub re: Option<String>,
    /// What the server says.
    pub msg: ServerMsg,
}

impl ServerEnvelope {
    /// A frame that answers the client frame `re`.
    pub fn reply(re: impl Into<String>, msg: ServerMsg) -> Self {
        Self { v: PROTOCOL_VERSION, re: Some(re.into()), msg }
    }

    /// A frame that answers nothing (a push).
    pub fn push(msg: ServerMsg) -> Self {
        Self { v: PROTOCOL_VERSION, re: None, msg }
    }

    /// An error frame, answering the client frame `re` if given.
    pub fn error(re: Option<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::refused(re, Refusal::new(code, message))
    }

    /// The frame that says `refusal`, answering the client frame `re` if given.
    pub fn refused(re: Option<String>, refusal: Refusal) -> Self {
        Self { v: PROTOCOL_VERSION, re, msg: refusal.into() }
    }
}

impl From<Refusal> for ServerMsg {
    fn from(Refusal { code, message, detail }: Refusal) -> Self {
        ServerMsg::Error { code, message, detail }
    }
}

/// What the server can say on a socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ServerMsg {
    /// First frame on a conversation socket, before any replayed message.
    #[serde(rename_all = "camelCase")]
    Welcome {
        /// The conversation this socket is attached to.
        conversation: ConversationId,
        /// Whom the server took the caller for.
        role: Role,
        /// Sequence number of the newest stored message (0 for none).
        last_seq: u64,
        /// The conversation's workflow (its state is the fold of the
        /// timeline's events, see [`crate::workflow::State::replay`]).
        workflow: WorkflowKind,
        /// In a channel: the caller's member id, as in the `from` of the
        /// messages it sends.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
        /// To an operator: the workflow state as of `last_seq` (the client
        /// may hold only the newest page of the timeline, so it folds the
        /// events after `last_seq` onto this, not the whole timeline).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<crate::workflow::State>,
        /// The room takes files from the caller (the site's
        /// [`crate::files::Files`] settings).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        files: bool,
    },
    /// A stored message: replayed after a (re)connect or a sync, or live.
    Message(ChatMessage),
    /// The message sent with envelope id `re` is stored under `seq`.
    Ack {
        /// Its per-conversation sequence number.
        seq: u64,
        /// When it was stored, in milliseconds since the Unix epoch.
        at: u64,
    },
    /// The frame `re` (or the connection, when `re` is absent) was refused.
    /// The socket stays open unless the error says the connection is refused.
    Error {
        /// What went wrong, for programs.
        code: ErrorCode,
        /// What went wrong, for people (English).
        message: String,
        /// The sentence's particulars, for a client to say it in its
        /// reader's language.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<Detail>,
    },
    /// First frame on an operator's inbox socket: every conversation of the site.
    Inbox {
        /// Newest activity first.
        conversations: Vec<ConversationSummary>,
    },
    /// Conversations of the inbox that changed (new, or a new message),
    /// gathered for a moment: an inbox socket gets at most a few of these a
    /// second however many conversations change, each conversation once,
    /// as it is now.
    InboxUpdate(Vec<ConversationSummary>),
    /// The send `re` is stored but held for a moderator's review: only its
    /// sender sees it, as pending; it is delivered if approved.
    Held {
        /// Why, for the sender (English).
        reason: String,
        /// Why, typed (`held.<why>` in a catalogue, [`crate::refusal::HELD`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<crate::Detail>,
    },
    /// On an operator's inbox socket: the moderation desk changed; the
    /// console puts each `changed` item in its list (none: too much changed
    /// at once, fetch the lists again). `alert` is set when moderators must
    /// look now (an escalation to admin / legal). On a customer's socket: a
    /// moderator's notice (`alert` only).
    Moderation {
        /// What to tell every moderator, if anything.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alert: Option<String>,
        /// What changed, oldest first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        changed: Vec<crate::moderation_case::DeskItem>,
        /// On a customer's socket: the notice in `alert`, typed, for the
        /// client to say it in its reader's language.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice: Option<crate::refusal::Notice>,
    },
    /// The other side started or stopped typing.
    Typing {
        /// Who.
        role: Role,
        /// Typing now.
        on: bool,
    },
    /// A page of stored messages, oldest first, in one frame: the answer to
    /// [`ClientMsg::History`], or — at a (re)connect or a sync that missed
    /// more than a page — the newest page, which replaces what the client
    /// had (it has a gap before it).
    History {
        /// At most [`crate::PAGE`] messages, consecutive, oldest first.
        messages: Vec<ChatMessage>,
        /// Whether older messages exist before the first one.
        more: bool,
    },
    /// To a customer waiting for an operator: their place in the queue
    /// (1: next; 0: an operator has it now), the estimated wait (absent:
    /// nobody online to say), and both in words for the customer (empty
    /// at 0), as [`crate::routing::queue_text`] writes them (a client
    /// says them from the numbers, [`crate::routing::QUEUE_KEYS`]).
    #[serde(rename_all = "camelCase")]
    Queue {
        /// Place in the queue.
        position: u32,
        /// Estimated wait in ms, rounded up to a minute.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wait_ms: Option<u64>,
        /// What the customer reads (English).
        text: String,
        /// The team waited for is outside its hours (said in `text`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        away: Option<crate::routing::TeamAway>,
    },
    /// On a staff socket of a conversation: a whisper (never on a
    /// customer's socket; replayed to staff when they connect).
    Whisper(Whisper),
    /// On a supervisor's inbox socket: the live board, whenever it changes.
    Board(crate::routing::Board),
    /// On a channel's sockets: a moderator removed message `seq` for
    /// everyone; each viewer shows a tombstone in its place.
    Removed {
        /// The removed message.
        seq: u64,
    },
    /// On an operator's inbox socket: routing gave them a conversation, or
    /// took one back (no first reply in time), with why.
    #[serde(rename_all = "camelCase")]
    Assignment {
        /// The conversation.
        conversation: ConversationId,
        /// Given to them (or taken back).
        to_you: bool,
        /// Why, for people.
        why: String,
    },
    /// On an operator's inbox socket: how far they have seen conversations
    /// (after the first page, its lines' marks; then a mark another of
    /// their devices said).
    Seen(Vec<SeenMark>),
}

/// How far an operator has seen one conversation ([`ClientMsg::Seen`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenMark {
    /// The conversation.
    pub conversation: ConversationId,
    /// The last sequence number seen.
    pub seq: u64,
}

/// A note between staff in a conversation ([`ClientMsg::Whisper`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whisper {
    /// Who wrote it (their account's name).
    pub from: String,
    /// The note.
    pub text: String,
    /// When it was stored (ms since the Unix epoch).
    pub at: u64,
}

/// An enum without data, spelled on the wire as a plain string: its every
/// value and their names, so clients that decode JSON by hand (the browser
/// apps, see `widget/src/wire.rs`) need no serde code for it. A test checks
/// the names are serde's.
pub trait WireName: Sized + Copy + 'static {
    /// Every value.
    const ALL: &'static [Self];
    /// The wire name.
    fn as_str(self) -> &'static str;
    /// The value with this wire name.
    fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == name)
    }
}

/// Who is on the other end of a socket.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// The website visitor who owns the conversation.
    Customer,
    /// A person answering in the console.
    Operator,
}

impl WireName for Role {
    const ALL: &'static [Self] = &[Role::Customer, Role::Operator];
    /// The wire name (`"customer"`, `"operator"`), also used in storage and
    /// as a socket tag.
    fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Operator => "operator",
        }
    }
}

/// Who wrote a message.
pub type Author = Role;

/// A stored chat message.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    /// Per-conversation sequence number: 1, 2, 3, ... with no gaps.
    pub seq: u64,
    /// The envelope id the author sent it with (lets a sender match its own
    /// pending messages to stored ones).
    pub client_id: String,
    /// Who wrote it.
    pub author: Author,
    /// What they wrote, as typed (for an event: its description, or the
    /// customer's notice). Always rendered as text, never as HTML.
    pub text: String,
    /// When it was stored, in milliseconds since the Unix epoch.
    pub at: u64,
    /// The workflow event this timeline entry records, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schemars(with = "Option<serde_json::Value>"))]
    pub event: Option<Event>,
    /// In a channel: the sender's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// In a channel: the sender's member id (public; see `Welcome::member`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// In a channel: a moderator removed it for everyone. Its text is gone
    /// from the room (kept as evidence in a report); its sequence number
    /// stays, shown as a tombstone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
    /// In a conversation: the operator who wrote it (staff see it; the
    /// customer does not). An operator may edit only their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

impl ChatMessage {
    /// The message as `role` receives it: customers get internal events only
    /// as their plain notice (often nothing: an empty text, not shown), so
    /// notes, fields and steps never reach them; sequence numbers stay gapless.
    pub fn seen_by(mut self, role: Role) -> Self {
        if role == Role::Customer {
            self.by = None;
            if let Some(event) = self.event.take_if(|e| !e.visible_to_customer()) {
                self.text = event.customer_notice();
            }
        }
        self
    }

    /// Whether this is news for the customer: the site's words, a card, or a
    /// notice (not their own, not what only staff see).
    pub fn news_for_customer(&self) -> bool {
        self.author == Role::Operator
            && match &self.event {
                None => !self.text.is_empty(),
                Some(e) => e.visible_to_customer() || !e.customer_notice().is_empty(),
            }
    }
}

/// What a removed message reads as on a viewer's list (its tombstone).
pub const REMOVED: &str = "Removed by a moderator";

/// One line of an operator's inbox.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    /// The conversation.
    #[cfg_attr(feature = "openapi", schemars(with = "String"))]
    pub id: ConversationId,
    /// The site it started on.
    #[cfg_attr(feature = "openapi", schemars(with = "String"))]
    pub site: SiteId,
    /// Sequence number of its newest message.
    pub last_seq: u64,
    /// Who wrote the newest message, if any.
    pub last_author: Option<Author>,
    /// The newest message's text, cut to [`PREVIEW_CHARS`] characters.
    pub preview: String,
    /// When it started, in milliseconds since the Unix epoch.
    pub created_at: u64,
    /// When its newest message was stored, in milliseconds since the Unix epoch.
    pub updated_at: u64,
    /// Its workflow.
    pub workflow: WorkflowKind,
    /// How many steps of the workflow are done.
    pub step: usize,
    /// The team whose queue it is in, once escalated.
    pub team: Option<String>,
    /// The operator who has it.
    pub assignee: Option<String>,
    /// How it ended, once closed.
    pub outcome: Option<Outcome>,
    /// When its follow-up is (or was, while it has not closed again) due,
    /// ms since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<u64>,
    /// Who scheduled the follow-up (routing offers it to them first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_by: Option<String>,
    /// A discount waiting for a supervisor's approval, as they read it
    /// ("20 % off USD 245.00").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<String>,
    /// The name the customer gave (the pre-chat form's `name`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The conversation's tags (operators set them; the inbox filters on them).
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "crate::profile::tags_of")]
    #[cfg_attr(feature = "openapi", schemars(with = "Vec<String>"))]
    pub tags: Vec<String>,
    /// The customer's member id (a digest of their visitor token or the
    /// site's user id): what ties a customer's conversations together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

impl ConversationSummary {
    /// The line of a conversation where nothing has happened yet: no
    /// message, step, team, assignee, outcome, customer or tags.
    pub fn new(id: ConversationId, site: SiteId, workflow: WorkflowKind) -> Self {
        ConversationSummary {
            id,
            site,
            last_seq: 0,
            last_author: None,
            preview: String::new(),
            created_at: 0,
            updated_at: 0,
            workflow,
            step: 0,
            team: None,
            assignee: None,
            outcome: None,
            follow_up: None,
            follow_up_by: None,
            approval: None,
            customer: None,
            tags: Vec::new(),
            member: None,
        }
    }
}

/// How many characters of the newest message an inbox line shows.
pub const PREVIEW_CHARS: usize = 140;

/// Cuts a message to its inbox preview.
pub fn preview(text: &str) -> String {
    text.chars().take(PREVIEW_CHARS).collect()
}

/// Why a frame, request or connection was refused.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ErrorCode {
    /// Not JSON, or JSON of the wrong shape.
    Malformed,
    /// The frame's `v` is not [`PROTOCOL_VERSION`].
    UnsupportedVersion,
    /// The frame's `msg.type` is not one this server knows.
    UnknownType,
    /// The frame's id (or another id in it) has the wrong format.
    InvalidId,
    /// The message text is empty or blank.
    EmptyMessage,
    /// The message text is over [`crate::MAX_MESSAGE_CHARS`] characters.
    MessageTooLong,
    /// The frame is over [`crate::decode::MAX_FRAME_BYTES`] bytes.
    FrameTooLarge,
    /// The id was already used for a message with another text.
    IdConflict,
    /// No conversation has this id.
    UnknownConversation,
    /// No site has this id.
    UnknownSite,
    /// Missing or wrong token, or no valid session; the connection is closed.
    Unauthorized,
    /// The workflow does not allow this event now; nothing was stored.
    IllegalMove,
    /// This role may not do this (e.g. a customer closing the conversation).
    Forbidden,
    /// Something broke on the server; nothing was stored.
    Internal,
    /// The moderation rules refused the message; it reached no one.
    Blocked,
    /// The sender is muted; the message says until when.
    Muted,
    /// The visitor is banned from the site's chat; the connection is refused.
    Banned,
    /// The site has no channel with this id.
    UnknownChannel,
    /// Too many messages, conversations or connections; the message says
    /// when to try again. Nothing was stored.
    RateLimited,
    /// No such route, report, case, person or invitation.
    NotFound,
    /// A WebSocket route was called without `Upgrade: websocket`.
    UpgradeRequired,
    /// The account signs in with a second factor: its code is missing,
    /// wrong or already used.
    SecondFactor,
    /// A file the site does not take: its type (by its bytes), a name that
    /// says another type, no name, or empty.
    FileRefused,
}

impl ErrorCode {
    /// The status of an HTTP answer with this code: the one mapping (a
    /// socket sends the code alone).
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::Malformed
            | ErrorCode::UnsupportedVersion
            | ErrorCode::UnknownType
            | ErrorCode::InvalidId
            | ErrorCode::EmptyMessage
            | ErrorCode::MessageTooLong => 400,
            ErrorCode::Unauthorized | ErrorCode::SecondFactor => 401,
            ErrorCode::FileRefused => 415,
            ErrorCode::Forbidden | ErrorCode::Blocked | ErrorCode::Muted | ErrorCode::Banned => 403,
            ErrorCode::UnknownConversation
            | ErrorCode::UnknownSite
            | ErrorCode::UnknownChannel
            | ErrorCode::NotFound => 404,
            ErrorCode::IdConflict | ErrorCode::IllegalMove => 409,
            ErrorCode::FrameTooLarge => 413,
            ErrorCode::UpgradeRequired => 426,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }
}

impl WireName for ErrorCode {
    const ALL: &'static [Self] = &[
        ErrorCode::Malformed,
        ErrorCode::UnsupportedVersion,
        ErrorCode::UnknownType,
        ErrorCode::InvalidId,
        ErrorCode::EmptyMessage,
        ErrorCode::MessageTooLong,
        ErrorCode::FrameTooLarge,
        ErrorCode::IdConflict,
        ErrorCode::UnknownConversation,
        ErrorCode::UnknownSite,
        ErrorCode::Unauthorized,
        ErrorCode::IllegalMove,
        ErrorCode::Forbidden,
        ErrorCode::Internal,
        ErrorCode::Blocked,
        ErrorCode::Muted,
        ErrorCode::Banned,
        ErrorCode::UnknownChannel,
        ErrorCode::RateLimited,
        ErrorCode::NotFound,
        ErrorCode::UpgradeRequired,
        ErrorCode::SecondFactor,
        ErrorCode::FileRefused,
    ];
    fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "malformed",
            ErrorCode::UnsupportedVersion => "unsupportedVersion",
            ErrorCode::UnknownType => "unknownType",
            ErrorCode::InvalidId => "invalidId",
            ErrorCode::EmptyMessage => "emptyMessage",
            ErrorCode::MessageTooLong => "messageTooLong",
            ErrorCode::FrameTooLarge => "frameTooLarge",
            ErrorCode::IdConflict => "idConflict",
            ErrorCode::UnknownConversation => "unknownConversation",
            ErrorCode::UnknownSite => "unknownSite",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::IllegalMove => "illegalMove",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Internal => "internal",
            ErrorCode::Blocked => "blocked",
            ErrorCode::Muted => "muted",
            ErrorCode::Banned => "banned",
            ErrorCode::UnknownChannel => "unknownChannel",
            ErrorCode::RateLimited => "rateLimited",
            ErrorCode::NotFound => "notFound",
            ErrorCode::UpgradeRequired => "upgradeRequired",
            ErrorCode::SecondFactor => "secondFactor",
            ErrorCode::FileRefused => "fileRefused",
        }
    }
}

#[cfg(test)]
mod tests;
