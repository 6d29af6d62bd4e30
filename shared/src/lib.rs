//! Types and pure logic shared by every part of the chat platform: the wire
//! protocol, ids, limits and input validation. No IO, no runtime: compiles for
//! `wasm32-unknown-unknown` and natively.
//!
//! # Layout
//! - [`protocol`]: the versioned envelope and the one enum per direction
//!   (client → server, server → client) spoken on every WebSocket.
//! - [`refusal`]: a refusal's code, English sentence and typed particulars
//!   (a wait, a limit, a sanction's end) for clients to say in any language.
//! - [`decode`]: turns a raw client frame into a typed envelope or a typed
//!   error that names the frame it answers.
//! - [`chat_log`]: the client side of a conversation (received messages,
//!   outbox, resend and gap handling), used by the widget and the console.
//! - [`api`]: the JSON bodies of the few HTTP routes (create a conversation).
//! - [`workflow`]: the support, sales and moderation workflows as data and
//!   the pure state machine that moves a conversation through one.
//! - [`site`]: a site's configuration (teams, canned responses, products,
//!   pre-chat form, proactive triggers) and its seeded defaults.
//! - [`rules`]: a site's moderation rules as data; `moderation` (feature
//!   `moderation`): the rule engine, `evaluate(message, sender history,
//!   rules) → verdict`.
//! - [`moderation_case`]: what moderators work with: rooms, reports (the
//!   review queue), cases, sanctions (with expiry) and incidents.
//! - [`staff`]: console accounts: roles and what each may do, and the
//!   bodies of the sign-in, people, invitation and site routes.
//! - [`hours`]: business hours and shifts in time zones; with feature
//!   `hours`, whether open now, the next opening and the coverage grid.
//! - [`profile`]: the customer profile beside a conversation (visit,
//!   earlier conversations, notes, tags) and the checks of notes and tags.
//! - [`transcript`]: a conversation's export (JSON, CSV, text) and one
//!   customer's whole record.
//! - [`search`]: search across a site's conversations (the query, its
//!   full-text form, the paged hits).
//! - [`webhooks`]: signed webhooks (events, endpoints, deliveries, the
//!   signature header, the retry schedule).
//! - [`keys`]: API keys for the REST API (scopes, what the console lists).
//! - `openapi` (feature `openapi`): the REST API's OpenAPI 3.1 document
//!   from these types (`shared/openapi.json`, served by the Worker).
//! - [`ids`]: conversation, site and client-message ids and their formats.
//! - [`text`]: message text validation and its limits, used by the widget
//!   before sending and by the Worker before storing.

pub mod api;
pub mod chat_log;
pub mod decode;
pub mod feedback;
pub mod files;
pub mod grading;
pub mod hours;
pub mod i18n;
pub mod ids;
pub mod keys;
pub mod metrics;
#[cfg(feature = "moderation")]
pub mod moderation;
pub mod moderation_case;
pub mod names;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod practice;
pub mod pricing;
pub mod profile;
pub mod protocol;
pub mod redact;
pub mod refusal;
pub mod routing;
pub mod rules;
pub mod sales;
pub mod scope;
pub mod search;
pub mod site;
pub mod staff;
pub mod text;
pub mod transcript;
pub mod webhooks;
pub mod workflow;

#[cfg(test)]
mod golden_tests;

pub use decode::{decode_client, DecodeError};
pub use ids::{ClientMsgId, ConversationId, IdError, SiteId};
pub use protocol::{
    Author, ChatMessage, ClientEnvelope, ClientMsg, ConversationSummary, ErrorCode, Role, SeenMark, ServerEnvelope,
    ServerMsg, Whisper, WireName, PAGE, PROTOCOL_VERSION,
};
pub use refusal::{Detail, Notice, Refusal};
pub use text::{validate_text, TextError, MAX_MESSAGE_CHARS};
