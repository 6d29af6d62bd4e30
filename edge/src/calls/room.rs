//! Calls to a room (a `Conversation` or a `Channel` object): [`RoomCall`],
//! and what they carry — a conversation's identity and creation, a
//! moderator's decisions, the site's new settings version.

use serde::{Deserialize, Serialize};
use shared::moderation_case::{Room, SanctionRecord};
use shared::site::SiteConfig;
use shared::workflow::{Sanction, State, WorkflowKind};
use shared::{ChatMessage, ConversationId, ConversationSummary, SiteId};
use worker::{Env, Result, Stub};

/// Name of the Conversation binding in `wrangler.toml`.
pub const CONVERSATION: &str = "CONVERSATION";
/// Name of the Channel binding in `wrangler.toml`.
pub const CHANNEL: &str = "CHANNEL";

/// Every request to a room besides its sockets' (`/ws`, `/drop`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RoomCall {
    /// Creates the conversation once (201; conversations only).
    Init(Box<Init>),
    /// The customer, if the conversation is this site's → [`Sender`] (404: not).
    Who {
        /// The site asking.
        site: String,
    },
    /// Another browser of a verified customer: one more token (its
    /// digest), made under the site's identity secret of `identity`
    /// (`SiteConfig::identity_version`): a later secret revokes it.
    Grant {
        /// SHA-256 of the token.
        digest: String,
        /// The identity secret's version.
        identity: u32,
    },
    /// A moderator's decision on a held message.
    Review(ReviewHeld),
    /// A moderator's sanction.
    Sanction(SanctionRecord),
    /// A sanction lifted.
    Lift(Lift),
    /// A moderator removes a published message for everyone (channels) → 404: no such message.
    Remove(Removal),
    /// A viewer reports a published message (channels) → 404: no such message.
    Report(ViewerReport),
    /// The site's settings changed to this version (channels; from the Inbox).
    Settings(u64),
    /// The work done since the object woke (only with `BENCH=on`).
    Counts,
    /// The message rows it keeps → `u64` (only with `BENCH=on`).
    Rows,
    /// A relay's request (channels only).
    Relay(Box<super::relay::ChannelCall>),
    /// Routing's decision, from the site's list part (conversations only)
    /// → [`Routed`] for an assignment or a release.
    Route(Route),
    /// The customer's unread count for the loader's badge (conversations
    /// only) → [`shared::api::Unread`] (404: not this site's, or another
    /// token); the host page's address, if any, is a page view the
    /// profile records.
    Unread {
        /// The site asking.
        site: String,
        /// The token's digest.
        digest: String,
        /// The newest sequence number the customer saw.
        after: u64,
        /// The host page's address.
        page: Option<String>,
    },
    /// The customer profile's parts the conversation holds (conversations
    /// only) → [`Profiled`] (404: not this site's).
    Profile {
        /// The site asking.
        site: String,
    },
    /// A staff note (conversations only) → [`shared::profile::Note`] (404: not this site's).
    Note {
        /// The site asking.
        site: String,
        /// Who writes it.
        author: String,
        /// Its text, checked.
        text: String,
    },
    /// The whole record for an export (conversations only) →
    /// [`shared::transcript::Transcript`] (404: not this site's).
    Transcript {
        /// The site asking.
        site: String,
    },
    /// A customer's erasure: the conversation deleted whole (conversations
    /// only; 404: not this site's).
    Erase {
        /// The site asking.
        site: String,
    },
    /// A customer's erasure: their messages blanked to tombstones, their
    /// held ones dropped (channels only) → the number of messages blanked.
    EraseMember {
        /// The site asking.
        site: String,
        /// The customer's member id.
        member: String,
    },
    /// A frame written over HTTP by a program with the site's API key, as
    /// an operator named `name` (conversations only) → the `ServerMsg` that
    /// answers it (an ack or an error; 404: not this site's).
    Write {
        /// The site asking.
        site: String,
        /// Who writes (the key's name).
        name: String,
        /// The frame (a send or an act).
        frame: Box<shared::ClientEnvelope>,
    },
    /// A file for the conversation, or a member's for the channel.
    /// Without `file`: whether `uploader` may send one here →
    /// [`Attaching`]; with the file stored, its message → the `ServerMsg`
    /// that answers it (an ack, held, or a refusal). 404 either way: not
    /// this site's, or not their conversation.
    Attach {
        /// The site asking (`None`: the customer, whose token names the conversation).
        site: Option<String>,
        /// Who sends it.
        uploader: Uploader,
        /// The message's client id (a resend is not stored twice).
        id: String,
        /// The file, checked and stored.
        file: Option<shared::files::Attachment>,
    },
    /// The conversation's tags, all of them, checked (conversations only)
    /// → [`shared::profile::Tags`] (404: not this site's).
    Tag {
        /// The site asking.
        site: String,
        /// The tags.
        tags: Vec<String>,
    },
}

/// Who uploads a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Uploader {
    /// The customer, by their token's digest.
    Customer {
        /// SHA-256 of the token.
        digest: String,
    },
    /// Someone of the site's staff (or an API key, as an admin).
    Staff {
        /// Their name.
        name: String,
        /// Their role.
        role: shared::staff::StaffRole,
    },
    /// A channel's member, by their visitor token's member id.
    Member {
        /// The member id ([`crate::auth::member_id`]).
        member: String,
        /// Their display name, checked.
        name: String,
        /// The channel (checked against the site's settings): a channel
        /// no one has joined yet learns who it is from it.
        channel: String,
    },
}

/// The answer to [`RoomCall::Attach`] without a file: the uploader may.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attaching {
    /// The conversation's site (its settings say what it accepts).
    pub site: SiteId,
}

/// What a conversation holds of its customer's profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Profiled {
    /// The profile without the earlier conversations (the site's list part has those).
    pub profile: shared::profile::Profile,
    /// The customer's member id, to find them by.
    pub member: String,
}

/// Routing's decision for one conversation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Route {
    /// Give it to this operator (an `assign` event under `id`).
    Assign {
        /// The operator.
        to: String,
        /// The event's client id (a resend is not stored twice).
        id: String,
    },
    /// Take it back from its assignee: no first reply in time.
    Release {
        /// Who has it (if someone else has it now, it stays).
        from: String,
        /// The event's client id.
        id: String,
    },
    /// The customer's place in the queue (0: an operator has it) and the
    /// estimated wait.
    Queue {
        /// Place (1: next).
        position: u32,
        /// Estimated wait, ms.
        wait_ms: Option<u64>,
        /// The team is outside its hours: what the customer reads of it
        /// (`shared::routing::team_away`).
        #[serde(default)]
        away: Option<String>,
        /// The same, typed (for the customer's client to say).
        #[serde(default)]
        team: Option<shared::routing::TeamAway>,
    },
}

/// What a conversation answers to [`Route::Assign`] / [`Route::Release`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Routed {
    /// The stored event's sequence number (replies after it answer the customer)…
    pub seq: Option<u64>,
    /// …or why the workflow refused it (closed, released already, …).
    pub refused: Option<String>,
}

/// The conversation's identity, written once by [`RoomCall::Init`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// The conversation id.
    pub conversation: ConversationId,
    /// The site it belongs to.
    pub site: SiteId,
    /// SHA-256 of the customer's token.
    pub token_digest: String,
    /// The customer's member id (from their visitor token): what sanctions
    /// are tied to.
    #[serde(default)]
    pub member: String,
    /// When it was created (ms since the Unix epoch).
    pub created_at: u64,
    /// A practice run: its `shared::practice::Practice` as JSON (`None`: a
    /// real customer).
    #[serde(default)]
    pub practice: Option<String>,
    /// Started by a signed-in customer: the identity secret's version the
    /// token was made under (a later secret revokes it); `None`: anonymous.
    #[serde(default)]
    pub identity: Option<u32>,
    /// How the customer came ([`shared::profile::Visit`] as JSON).
    #[serde(default)]
    pub visit: Option<String>,
}

impl Meta {
    /// The practice run this conversation is, if it is one.
    pub fn practice(&self) -> Option<shared::practice::Practice> {
        self.practice.as_deref().and_then(|p| serde_json::from_str(p).ok())
    }

    /// The conversation's inbox line, as of its newest message (`None`: no
    /// message yet) and its workflow state.
    pub fn summary(&self, newest: Option<&ChatMessage>, state: &State) -> ConversationSummary {
        ConversationSummary {
            id: self.conversation.clone(),
            site: self.site.clone(),
            last_seq: newest.map_or(0, |m| m.seq),
            last_author: newest.map(|m| m.author),
            preview: newest.map(|m| shared::protocol::preview(&m.text)).unwrap_or_default(),
            created_at: self.created_at,
            updated_at: newest.map_or(self.created_at, |m| m.at),
            workflow: state.workflow,
            step: state.done,
            team: state.team.clone(),
            assignee: state.assignee.clone(),
            outcome: state.outcome,
            follow_up: state.follow_up.as_ref().map(|f| f.due),
            follow_up_by: state.follow_up.as_ref().map(|f| f.by.clone()),
            approval: state.asked.zip(state.quote.as_ref()).map(|(d, q)| {
                let before = shared::pricing::format(q.before_negotiation(), &q.currency);
                format!("{} off {before}", shared::sales::describe(d, &q.currency))
            }),
            customer: state.field("name").map(str::to_owned).filter(|n| !n.trim().is_empty()),
            tags: Vec::new(),
            member: Some(self.member.clone()).filter(|m| !m.is_empty()),
        }
    }
}

/// A conversation's creation: its identity and how it starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Init {
    /// Identity.
    pub meta: Meta,
    /// Its workflow.
    pub workflow: WorkflowKind,
    /// A proactive greeting, stored as the first operator message.
    pub greeting: Option<String>,
    /// Pre-chat answers, collected as customer events (already checked
    /// against the site's form).
    pub fields: Vec<(String, String)>,
    /// The site's settings as the Worker read them, and their version.
    pub settings: (u64, SiteConfig),
}

/// Who is sending (a moderation case's offender).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sender {
    /// Member id.
    pub member: String,
    /// Display name.
    pub name: String,
}

/// A moderator's decision on a held message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewHeld {
    /// The sender.
    pub member: String,
    /// The held message's client id.
    pub message: String,
    /// Deliver it, or drop it.
    pub approve: bool,
}

/// A viewer's report of a published channel message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ViewerReport {
    /// The viewer's member id.
    pub member: String,
    /// The message.
    pub seq: u64,
    /// Why (`None`: something else).
    pub reason: Option<shared::rules::Category>,
}

/// A moderator's removal of a published message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Removal {
    /// Its sequence number.
    pub seq: u64,
    /// The moderator's name (in the evidence report).
    pub by: String,
}

/// A sanction lifted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lift {
    /// Whom.
    pub member: String,
    /// Which.
    pub kind: Sanction,
}

/// The object name of a site's channel.
pub fn channel_name(site: &str, channel: &str) -> String {
    format!("{site}/{channel}")
}

/// A channel's id on the wire (the `conversation` of its welcome frame):
/// 128 bits of the SHA-256 of its object name.
pub fn channel_room_id(site: &str, channel: &str) -> ConversationId {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(channel_name(site, channel).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    ConversationId::from_random(bytes)
}

/// The object holding `room` of `site`.
pub fn stub(env: &Env, site: &str, room: &Room) -> Result<Stub> {
    match room {
        Room::Conversation(id) => conversation(env, id.as_str()),
        Room::Channel(id) => env.durable_object(CHANNEL)?.get_by_name(&channel_name(site, id)),
    }
}

/// The object of conversation `id`.
pub fn conversation(env: &Env, id: &str) -> Result<Stub> {
    env.durable_object(CONVERSATION)?.get_by_name(id)
}
