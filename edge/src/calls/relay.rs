//! A public channel's relays: the objects its viewers' sockets live on, so
//! a channel is not bounded by one object's sockets and sends each new
//! message once per relay rather than once per viewer. A viewer's relay is
//! fixed by their member id ([`relay_of`]), so all their windows share one
//! relay (the window limit and a ban reach all of them). Calls both ways:
//! [`RelayCall`] (channel → relay) and [`ChannelCall`] (relay → channel).

use serde::{Deserialize, Serialize};
use shared::{ChatMessage, ServerEnvelope};
use worker::{Env, Result, Stub};

use super::room::channel_name;

/// Name of the Relay binding in `wrangler.toml`.
pub const BINDING: &str = "RELAY";
/// Relays per channel: at most 32,768 sockets each (Cloudflare's limit per
/// object), so 16 hold 524,288 viewers; a channel sends a message to at
/// most 16 objects, and only to those with viewers.
pub const RELAYS: u64 = 16;

/// The relay of `member` (0..[`RELAYS`]).
pub fn relay_of(member: &str) -> u64 {
    super::stable_hash(member) % RELAYS
}

/// The object name of relay `n` of a site's channel.
pub fn relay_name(site: &str, channel: &str, n: u64) -> String {
    format!("{}/r{n}", channel_name(site, channel))
}

/// Relay `n` of a site's channel.
pub fn stub(env: &Env, site: &str, channel: &str, n: u64) -> Result<Stub> {
    env.durable_object(BINDING)?.get_by_name(&relay_name(site, channel, n))
}

/// Every request a channel makes of its relays (besides `/ws` from the Worker).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RelayCall {
    /// New messages in sequence order, as customers see them → `u64` (the
    /// relay's viewer sockets: 0 and the channel stops sending).
    Messages(Vec<ChatMessage>),
    /// Retention removed the messages before this sequence number: the
    /// relay forgets them too → `u64` (its viewer sockets).
    Forget(u64),
    /// A moderator removed this message: blank it in the newest page and
    /// tell the sockets → `u64` (its viewer sockets).
    Removed(u64),
    /// A customer's data was erased: blank these messages (text and name)
    /// in the newest page and tell the sockets → `u64` (its viewer sockets).
    Erased(Vec<u64>),
    /// Its viewer sockets → `u64` (bench only).
    Viewers,
    /// A frame for a member's sockets, then (`close`) closing them (a ban).
    Member {
        /// Whose.
        member: String,
        /// The frame.
        frame: Box<ServerEnvelope>,
        /// Close them after (code 4403).
        close: bool,
    },
}

/// A viewer as the relay knows them (their socket's attachment there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// Member id.
    pub member: String,
    /// Display name.
    pub name: String,
    /// When this socket last asked for missed messages or a page.
    #[serde(default)]
    pub replays: Vec<u64>,
}

/// Every request a relay makes of its channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChannelCall {
    /// A viewer connects to relay `relay`, holding `open` sockets there
    /// already → [`Joined`]; the relay is sent new messages from now on.
    Join {
        /// The site (the channel's identity, if this is its first visitor).
        site: String,
        /// The channel id.
        channel: String,
        /// Which relay.
        relay: u64,
        /// The viewer's member id.
        member: String,
        /// Their sockets already open on the relay.
        open: usize,
        /// The relay has not the newest page: send it.
        cold: bool,
    },
    /// A viewer's frame → [`Relayed`].
    Frame {
        /// Who.
        viewer: Viewer,
        /// The frame as the client sent it.
        frame: String,
    },
    /// The messages after `after`, as customers see them → [`Missed`].
    After(u64),
}

/// Answer to [`ChannelCall::Join`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Joined {
    /// The refusal and the close code, if refused.
    pub refused: Option<(shared::Refusal, u16)>,
    /// The channel's newest sequence number.
    pub last_seq: u64,
    /// The newest page (when the relay was cold), as customers see it.
    pub newest: Vec<ChatMessage>,
    /// The channel's oldest kept sequence number: a warm relay that was off
    /// the channel's list during a retention sweep forgets what is older.
    #[serde(default)]
    pub oldest: u64,
    /// The channel takes its members' files (the site's settings).
    #[serde(default)]
    pub files: bool,
}

/// Answer to [`ChannelCall::Frame`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Relayed {
    /// The frames for the viewer's socket.
    pub frames: Vec<ServerEnvelope>,
    /// The viewer's attachment, if it changed.
    pub viewer: Option<Viewer>,
}

/// Answer to [`ChannelCall::After`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Missed {
    /// The messages, in order.
    pub messages: Vec<ChatMessage>,
    /// All of them (else the newest page: more were missed than a page
    /// holds, or retention removed some).
    pub complete: bool,
}
