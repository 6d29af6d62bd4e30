//! The `Channel` Durable Object: one public room of a site (e.g. the chat
//! under a live event) where many customers post; a thin shell around the
//! room core ([`crate::room`]), with the same guarantees as a conversation
//! (gapless sequence, ack after the write, idempotent resend, resume) and
//! moderation before anything is broadcast. Messages older than the
//! site's retention setting are swept on an alarm ([`crate::retention`]).
//!
//! Viewers' sockets live on the channel's relays ([`crate::relay`]); the
//! channel keeps the sequence, the storage and moderation, handles each
//! viewer's frame as if it came on a socket here ([`relays`]), and sends
//! new messages to the relays in batches. Moderators' sockets attach here.
//!
//! Internal API (called by the Worker, its relays and the site's Inbox
//! only): [`RoomCall`] (a moderator's decisions, the site's new settings
//! version, the work counts, a relay's requests); `GET /ws?after=N` with
//! the `x-chat-*` headers attaches a socket, `GET /drop?account=` closes
//! an operator account's.

mod erase;
mod files;
mod relays;
pub mod sql;

use std::cell::RefCell;

use shared::moderation_case::Room;
use shared::staff::StaffRole;
use shared::workflow::WorkflowKind;
use shared::{ChatMessage, ErrorCode, Role, ServerEnvelope, ServerMsg, WireName};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketPair};

use self::sql::ChannelStore;
use crate::calls::room::{channel_room_id, RoomCall};
use crate::error::internal;
use crate::headers::{header, ACCOUNT, CHANNEL, MEMBER, ROLE, SITE, STAFF};
use crate::room::shell::{Decision, Host, Out};
use crate::room::sql::Db;
use crate::room::{Attachment, Core, RoomStore};
use crate::socket::{self, CLOSE_BAD_REQUEST};

fn member_tag(member: &str) -> String {
    format!("m:{member}")
}

/// One public channel.
#[durable_object]
pub struct Channel {
    state: State,
    env: Env,
    db: Db,
    /// Which site and channel, read when the object wakes.
    meta: RefCell<Option<sql::Meta>>,
    core: RefCell<Option<Core>>,
    sweeps: crate::retention::Sweeps,
    relays: relays::Relays,
}

impl DurableObject for Channel {
    fn new(state: State, env: Env) -> Self {
        let db = Db::new(state.storage().sql());
        if let Err(e) = sql::ensure_schema(db.raw()) {
            worker::console_error!("channel schema: {e}");
        }
        let (meta, core) = (RefCell::new(None), RefCell::new(None));
        Self { state, env, db, meta, core, sweeps: Default::default(), relays: Default::default() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/ws" => return self.attach(&req).await,
            "/drop" => return socket::drop_request(&self.state, &req),
            _ => {}
        }
        match crate::calls::read(&mut req).await {
            Ok(RoomCall::Review(r)) => self.review(r).await,
            Ok(RoomCall::Sanction(r)) => self.moderate(Decision::Sanction(r)).await,
            Ok(RoomCall::Lift(l)) => self.moderate(Decision::Lift(l)).await,
            Ok(RoomCall::Remove(r)) => self.remove(r).await,
            Ok(RoomCall::Report(r)) => self.moderate(Decision::Report(r)).await,
            Ok(RoomCall::Settings(version)) => {
                self.refresh(version).await;
                Response::empty()
            }
            Ok(RoomCall::Counts) => Response::from_json(&self.db.counts()),
            Ok(RoomCall::Rows) => Response::from_json(&crate::room::sql::message_rows(&self.db).map_err(internal)?),
            Ok(RoomCall::Relay(call)) => self.answer_relay(*call).await,
            Ok(RoomCall::EraseMember { site, member }) => self.erase_member(&site, &member).await,
            Ok(RoomCall::Attach { site, uploader, id, file }) => self.attach_file(site, uploader, id, file).await,
            Ok(
                RoomCall::Init(_)
                | RoomCall::Who { .. }
                | RoomCall::Grant { .. }
                | RoomCall::Route(_)
                | RoomCall::Unread { .. }
                | RoomCall::Profile { .. }
                | RoomCall::Note { .. }
                | RoomCall::Tag { .. }
                | RoomCall::Transcript { .. }
                | RoomCall::Erase { .. }
                | RoomCall::Write { .. },
            ) => Response::error("a conversation's call, not a channel's", 404),
            Err(refused) => refused,
        }
    }

    async fn websocket_message(&self, ws: WebSocket, message: worker::WebSocketIncomingMessage) -> Result<()> {
        self.on_frame(&ws, message).await
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        socket::finish_close(&ws, code, reason);
        socket::forget(&self.env, &self.state, &ws).await;
        Ok(())
    }

    /// The retention sweep: messages older than the site's `channelDays`
    /// go (the newest stays) with their files, from the relays' newest
    /// pages too, and sanctions that ended; the next sweep is when the
    /// oldest message left expires. Then reports the Inbox has not taken
    /// are filed again.
    async fn alarm(&self) -> Result<Response> {
        if !self.ready().await? {
            return Response::empty();
        }
        let days = self.core.borrow().as_ref().map_or(0, |c| c.settings.config.retention.channel_days);
        let keep_ms = u64::from(days) * crate::retention::day_ms(&self.env);
        let now = worker::Date::now().as_millis();
        let cutoff = now.saturating_sub(keep_ms);
        let oldest = sql::forget_before(&self.db, cutoff).map_err(internal)?;
        self.forget_files_before(cutoff).await?;
        crate::room::sql::purge_sanctions(&self.db, now).map_err(internal)?;
        self.forget_on_relays().await?;
        self.sweeps.rearm_at(&self.state.storage(), oldest.map(|at| at + keep_ms), now).await?;
        self.file_reports().await;
        Response::empty()
    }
}

impl Channel {
    /// Whether the room is ready (`Host::ready`), as the channel `channel`
    /// of `site`: one nobody has reached yet (no join, no upload) first
    /// learns who it is.
    async fn ready_as(&self, site: &str, channel: &str) -> Result<bool> {
        if self.meta.borrow().is_none() {
            sql::write_meta(&self.db, site, channel).map_err(internal)?;
        }
        self.ready().await
    }

    async fn attach(&self, req: &Request) -> Result<Response> {
        let (site, channel) = (header(req, SITE), header(req, CHANNEL));
        if !self.ready_as(&site, &channel).await? {
            return Response::error("no such channel", 404);
        }
        self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
        let (role, staff) = match header(req, ROLE).as_str() {
            "operator" => (Role::Operator, StaffRole::parse(&header(req, STAFF))),
            _ => (Role::Customer, None),
        };
        let (member, name) = (header(req, MEMBER), crate::headers::name(req));
        let who = Attachment { role, staff, member, name, replays: Vec::new() };
        if role == Role::Customer {
            let open = self.state.get_websockets_with_tag(&member_tag(&who.member)).len();
            if let Some((refusal, close)) = self.admit_customer(&who.member, open).await? {
                return socket::refused(refusal, close);
            }
        }
        let after = match socket::after_param(req) {
            Ok(after) => after,
            Err(msg) => return socket::refuse(ErrorCode::Malformed, &msg, CLOSE_BAD_REQUEST),
        };
        let pair = WebSocketPair::new()?;
        let tags = [role.as_str().to_owned(), member_tag(&who.member), socket::account_tag(&header(req, ACCOUNT))];
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        socket::accept(&self.state, req, &pair.server, &tags);
        pair.server.serialize_attachment(&who)?;
        let last_seq = self.core.borrow().as_ref().map_or(0, |c| c.last_seq);
        let welcome = ServerMsg::Welcome {
            conversation: channel_room_id(&site, &channel),
            role,
            last_seq,
            workflow: WorkflowKind::Moderation,
            member: (role == Role::Customer).then(|| who.member.clone()),
            state: None,
            files: role == Role::Customer && self.takes_files(),
        };
        socket::send(&pair.server, &ServerEnvelope::push(welcome));
        self.replay(&Out::Socket(&pair.server), role, after);
        crate::socket::accepted(req, pair.client)
    }
}

impl Host for Channel {
    fn state(&self) -> &State {
        &self.state
    }
    fn env(&self) -> &Env {
        &self.env
    }
    fn db(&self) -> &Db {
        &self.db
    }
    fn core(&self) -> &RefCell<Option<Core>> {
        &self.core
    }
    fn site(&self) -> String {
        self.meta.borrow().as_ref().map(|m| m.site.clone()).unwrap_or_default()
    }
    fn member_tag(&self, member: &str) -> String {
        member_tag(member)
    }
    fn store(&self) -> impl RoomStore + '_ {
        ChannelStore(&self.db)
    }

    async fn wake(&self) -> Result<Option<Core>> {
        let Some(meta) = sql::read_meta(&self.db).map_err(internal)? else { return Ok(None) };
        let room = Room::Channel(meta.channel.clone());
        *self.meta.borrow_mut() = Some(meta);
        let settings = self.settings().await?;
        let now = worker::Date::now().as_millis();
        Core::wake(&ChannelStore(&self.db), room, settings, None, now).map(Some).map_err(internal)
    }

    /// A channel's messages are not inbox lines.
    async fn notify(&self, _m: &ChatMessage) -> Option<u64> {
        None
    }

    async fn relay_message(&self, m: &ChatMessage) {
        self.to_relays(m).await;
    }

    async fn relay_member(&self, member: &str, frame: ServerEnvelope, close: bool) {
        self.to_member_relay(member, frame, close).await;
    }

    async fn relay_removed(&self, seq: u64) {
        self.removed_on_relays(seq).await;
    }
}
