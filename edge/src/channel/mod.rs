//! The `Channel` Durable Object: one public room of a site (e.g. the chat
//! under a live event) where many customers post. Same guarantees as a
//! conversation (gapless sequence, ack after the write, idempotent resend,
//! resume), plus moderation before anything is broadcast ([`crate::room`]):
//! a blocked message reaches no one, a held one only its sender (as
//! pending) until a moderator approves it, and muted or banned members are
//! stopped with the sanction's end time.
//!
//! Internal API (called by the Worker and the site's Inbox only):
//! - `GET /ws?after=N` with the `x-chat-*` headers: attach a socket.
//! - `GET /drop?account=`: close that operator account's sockets.
//! - `POST /review` ([`ReviewHeld`]), `POST /sanction` ([`SanctionRecord`]),
//!   `POST /lift` ([`Lift`]): a moderator's decisions.

pub mod sql;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::moderation_case::{Room, SanctionRecord};
use shared::workflow::WorkflowKind;
use shared::{ChatMessage, ClientMsg, ConversationId, ErrorCode, Role, ServerEnvelope, ServerMsg, WireName};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

use self::sql::{ChannelStore, HISTORY_QUERY};
use crate::conversation::core::{replay, send, MessageStore, SendError, Sent};
use crate::conversation::ROLE_HEADER;
use crate::error::internal;
use crate::room::{self, Draft, Lift, ReviewHeld, RulesCache, Screened, Sender};
use crate::socket::{self, CLOSE_BAD_REQUEST};

/// Name of the Channel binding in `wrangler.toml`.
pub const BINDING: &str = "CHANNEL";
/// Header: the customer's member id (the Worker derives it from the visitor token).
pub const MEMBER_HEADER: &str = "x-chat-member";
/// Header: the sender's display name, percent-encoded.
pub const NAME_HEADER: &str = "x-chat-name";
/// Header: the site.
pub const SITE_HEADER: &str = "x-chat-site";
/// Header: the channel id.
pub const CHANNEL_HEADER: &str = "x-chat-channel";

/// The object name of a site's channel.
pub fn object_name(site: &str, channel: &str) -> String {
    format!("{site}/{channel}")
}

/// What each socket remembers about its peer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Attachment {
    role: Role,
    member: String,
    name: String,
}

fn member_tag(member: &str) -> String {
    format!("m:{member}")
}

/// One public channel.
#[durable_object]
pub struct Channel {
    state: State,
    env: Env,
    rules: RulesCache,
}

impl DurableObject for Channel {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = sql::ensure_schema(&state.storage().sql()) {
            worker::console_error!("channel schema: {e}");
        }
        Self { state, env, rules: RulesCache::default() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/ws" => self.attach(&req).await,
            "/drop" => socket::drop_request(&self.state, &req),
            "/review" => {
                let review: ReviewHeld = req.json().await?;
                self.review(review)?;
                Response::empty()
            }
            "/sanction" => {
                let record: SanctionRecord = req.json().await?;
                room::sanction(&self.state, &member_tag(&record.member), &record)?;
                Response::empty()
            }
            "/lift" => {
                let lift: Lift = req.json().await?;
                room::lift(&self.state, &member_tag(&lift.member), &lift)?;
                Response::empty()
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        let Some(who) = ws.deserialize_attachment::<Attachment>()? else {
            return Ok(());
        };
        let WebSocketIncomingMessage::String(frame) = message else {
            socket::send(&ws, &ServerEnvelope::error(None, ErrorCode::Malformed, "frames are JSON text, not binary"));
            return Ok(());
        };
        let env = match shared::decode_client(&frame) {
            Ok(env) => env,
            Err(e) => {
                socket::send(&ws, &e.into_frame());
                return Ok(());
            }
        };
        match env.msg {
            ClientMsg::Send { text } => self.on_send(&ws, &who, env.id, &text).await,
            ClientMsg::Sync { after } => {
                self.replay_to(&ws, after);
                Ok(())
            }
            ClientMsg::Typing { .. } => Ok(()),
            _ => {
                let frame = ServerEnvelope::error(Some(env.id), ErrorCode::UnknownType, "not supported in a channel");
                socket::send(&ws, &frame);
                Ok(())
            }
        }
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        socket::finish_close(&ws, code, reason);
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}

impl Channel {
    async fn attach(&self, req: &Request) -> Result<Response> {
        let header = |name| req.headers().get(name).ok().flatten().unwrap_or_default();
        let (site, channel) = (header(SITE_HEADER), header(CHANNEL_HEADER));
        let sql = self.state.storage().sql();
        sql::write_meta(&sql, &site, &channel)?;
        let role = if header(ROLE_HEADER) == "operator" { Role::Operator } else { Role::Customer };
        let who = Attachment { role, member: header(MEMBER_HEADER), name: decode_name(&header(NAME_HEADER))? };
        if role == Role::Customer {
            // A member's open windows are limited (each is a socket here).
            let (_, limits) = self.rules.get(&self.env, &site, worker::Date::now().as_millis()).await?;
            if let Some(refused) =
                room::refuse_windows(self.state.get_websockets_with_tag(&member_tag(&who.member)).len(), limits)
            {
                return refused;
            }
            if let Some(refused) = room::refuse_banned(&self.env, &sql, &site, &who.member).await? {
                return Ok(refused);
            }
        }
        let after = match crate::conversation::after_param(req) {
            Ok(after) => after,
            Err(msg) => return socket::refuse(ErrorCode::Malformed, &msg, CLOSE_BAD_REQUEST),
        };
        let pair = WebSocketPair::new()?;
        let account = socket::account_tag(&header(crate::conversation::ACCOUNT_HEADER));
        let tags = [role.as_str().to_owned(), member_tag(&who.member), account];
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        pair.server.serialize_attachment(&who)?;
        let store = ChannelStore { sql: &sql, member: &who.member, name: &who.name };
        let last_seq = store.last_seq().map_err(internal)?;
        let member = (role == Role::Customer).then(|| who.member.clone());
        let welcome = ServerMsg::Welcome {
            conversation: room_id(&site, &channel),
            role,
            last_seq,
            workflow: WorkflowKind::Moderation,
            member,
        };
        socket::send(&pair.server, &ServerEnvelope::push(welcome));
        self.replay_to(&pair.server, after);
        Response::from_websocket(pair.client)
    }

    async fn on_send(&self, ws: &WebSocket, who: &Attachment, id: String, text: &str) -> Result<()> {
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        let store = ChannelStore { sql: &sql, member: &who.member, name: &who.name };
        let reply = |msg| socket::send(ws, &ServerEnvelope::reply(id.clone(), msg));
        let known = store.find(who.role, &id).map_err(internal)?.is_some();
        let mut report = None;
        if who.role == Role::Customer && !known {
            if let Some(h) = room::find_held(&sql, &who.member, &id)? {
                reply(ServerMsg::Held { reason: h.reason });
                return Ok(());
            }
            let Some(meta) = sql::read_meta(&sql)? else { return Ok(()) };
            let sender = Sender { member: who.member.clone(), name: who.name.clone() };
            let draft = Draft {
                site: &meta.site,
                room: Room::Channel(meta.channel.clone()),
                sender: &sender,
                client_id: &id,
                text,
                now_ms: now,
                history: HISTORY_QUERY,
            };
            match room::screen(&self.env, &sql, &self.rules, draft).await {
                Screened::Deliver(flagged) => report = flagged.map(|r| (meta.site, r)),
                Screened::Held(reason) => {
                    reply(ServerMsg::Held { reason });
                    return Ok(());
                }
                Screened::Refused(code, message) => {
                    reply(ServerMsg::Error { code, message });
                    return Ok(());
                }
            }
        }
        match send(&store, who.role, &id, text, now) {
            Ok(sent) => {
                let m = sent.message();
                reply(ServerMsg::Ack { seq: m.seq, at: m.at });
                if let Sent::New(m) = sent {
                    self.broadcast(&m);
                }
            }
            Err(SendError::IdConflict(_)) => {
                reply(ServerMsg::Error {
                    code: ErrorCode::IdConflict,
                    message: "this id was already used for another message".into(),
                });
            }
            Err(SendError::Store(e)) => {
                worker::console_error!("store: {e}");
                reply(ServerMsg::Error { code: ErrorCode::Internal, message: "not stored; please resend".into() });
            }
        }
        if let Some((site, r)) = report {
            room::file(&self.env, &site, &r).await;
        }
        Ok(())
    }

    /// A moderator's decision on a held message: deliver it to everyone
    /// (the sender's pending copy is confirmed by its id), or drop it and
    /// tell the sender.
    fn review(&self, review: ReviewHeld) -> Result<()> {
        let sql = self.state.storage().sql();
        let Some(held) = room::take_held(&sql, &review.member, &review.message)? else { return Ok(()) };
        if !review.approve {
            let tag = member_tag(&held.member);
            room::reject(&self.state, &tag, held);
            return Ok(());
        }
        let store = ChannelStore { sql: &sql, member: &held.member, name: &held.name };
        let now = worker::Date::now().as_millis();
        if let Sent::New(m) = send(&store, Role::Customer, &held.client_id, &held.text, now).map_err(internal)? {
            self.broadcast(&m);
        }
        Ok(())
    }

    fn broadcast(&self, m: &ChatMessage) {
        let frame = ServerEnvelope::push(ServerMsg::Message(m.clone()));
        for ws in self.state.get_websockets() {
            socket::send(&ws, &frame);
        }
    }

    fn replay_to(&self, ws: &WebSocket, after: u64) {
        let sql = self.state.storage().sql();
        let store = ChannelStore { sql: &sql, member: "", name: "" };
        match replay(&store, after) {
            Ok(messages) => {
                for m in messages {
                    socket::send(ws, &ServerEnvelope::push(ServerMsg::Message(m)));
                }
            }
            Err(e) => {
                worker::console_error!("replay: {e}");
                let frame = ServerEnvelope::error(None, ErrorCode::Internal, "could not read the history; reconnect");
                socket::send(ws, &frame);
            }
        }
    }
}

/// The display name from its percent-encoded header.
fn decode_name(encoded: &str) -> Result<String> {
    let url = worker::Url::parse(&format!("https://name/?n={encoded}")).map_err(internal)?;
    Ok(url.query_pairs().next().map(|(_, v)| v.into_owned()).unwrap_or_default())
}

/// The channel's id on the wire (the `conversation` of its welcome frame):
/// 128 bits of the SHA-256 of its object name.
fn room_id(site: &str, channel: &str) -> ConversationId {
    let digest = Sha256::digest(object_name(site, channel).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    ConversationId::from_random(bytes)
}
