//! The `Conversation` Durable Object: one per chat, a thin shell around the
//! room core ([`crate::room`]): it checks who connects, keeps the core in
//! memory while awake, and carries out what the core decides. Sockets are
//! hibernatable: each one's role is in its attachment. Closed long enough,
//! it deletes itself ([`end`]).
//!
//! Internal API (called by the Worker and the site's Inbox only):
//! [`RoomCall`] (creation, the customer for a moderation case, another
//! browser's token, a moderator's decisions, the work counts); `GET
//! /ws?after=N` with the `x-chat-*` headers attaches a socket, `GET
//! /drop?account=` closes an operator account's.

mod end;
mod files;
mod follow_up;
mod notice;
mod practice;
mod profile;
pub mod sql;
mod start;

use std::cell::RefCell;

use shared::moderation_case::Room;
use shared::staff::StaffRole;
use shared::{ChatMessage, ErrorCode, Role, ServerEnvelope, ServerMsg, WireName};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketPair};

use self::sql::{read_meta, SqlStore};
use crate::calls::room::Sender;
use crate::calls::room::{Meta, RoomCall, Route, Routed};
use crate::error::internal;
use crate::headers::{header, ACCOUNT, ROLE, SITE, STAFF, TOKEN};
use crate::room::shell::{Decision, Host, Out};
use crate::room::sql::Db;
use crate::room::{Attachment, Core, RoomStore, Who};
use crate::socket::{self, CLOSE_BAD_REQUEST, CLOSE_NOT_FOUND, CLOSE_UNAUTHORIZED};

/// One conversation.
#[durable_object]
pub struct Conversation {
    state: State,
    env: Env,
    db: Db,
    /// The identity, read when the object wakes (it never changes).
    meta: RefCell<Option<Meta>>,
    core: RefCell<Option<Core>>,
    notices: notice::Notices,
    sweeps: crate::retention::Sweeps,
    /// The customer's place in the queue and the estimated wait, as
    /// routing last said (told again to a customer who connects).
    queued: RefCell<Option<ServerEnvelope>>,
    /// The follow-up due time the alarm was last made sure of.
    follow_up_armed: std::cell::Cell<Option<u64>>,
    /// The conversation's tags (read when it wakes; every inbox notice carries them).
    tags: RefCell<Vec<String>>,
}

impl DurableObject for Conversation {
    fn new(state: State, env: Env) -> Self {
        let db = Db::new(state.storage().sql());
        if let Err(e) = sql::ensure_schema(db.raw()) {
            worker::console_error!("conversation schema: {e}");
        }
        let (meta, core) = (RefCell::new(None), RefCell::new(None));
        let (notices, sweeps, queued) = (Default::default(), Default::default(), RefCell::new(None));
        let (follow_up_armed, tags) = Default::default();
        Self { state, env, db, meta, core, notices, sweeps, queued, follow_up_armed, tags }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/ws" => return self.attach(&req).await,
            "/drop" => return socket::drop_request(&self.state, &req),
            _ => {}
        }
        let call = match crate::calls::read(&mut req).await {
            Ok(call) => call,
            Err(refused) => return refused,
        };
        let missing = || Response::error("no such conversation", 404);
        match call {
            RoomCall::Init(init) => self.init(*init).await,
            RoomCall::Who { site } => {
                let ours = self.ready().await? && self.meta.borrow().as_ref().is_some_and(|m| m.site.as_str() == site);
                self.sender().filter(|_| ours).map_or_else(missing, |who| Response::from_json(&who))
            }
            // A verified customer's other browser: one more token.
            RoomCall::Grant { digest, identity } if self.ready().await? => {
                sql::add_grant(&self.db, &digest, identity).map_err(internal)?;
                Response::empty()
            }
            RoomCall::Grant { .. } => missing(),
            RoomCall::Review(r) => self.moderate(Decision::Review(r)).await,
            RoomCall::Sanction(r) => self.moderate(Decision::Sanction(r)).await,
            RoomCall::Lift(l) => self.moderate(Decision::Lift(l)).await,
            RoomCall::Settings(version) => {
                self.refresh(version).await;
                Response::empty()
            }
            RoomCall::Counts => Response::from_json(&self.db.counts()),
            RoomCall::Rows => Response::from_json(&crate::room::sql::message_rows(&self.db).map_err(internal)?),
            RoomCall::Relay(_) | RoomCall::Remove(_) | RoomCall::Report(_) => {
                Response::error("a channel's call, not a conversation's", 404)
            }
            RoomCall::Route(route) => self.routed(route).await,
            RoomCall::Unread { site, digest, after, page } => {
                let ours = self.ready().await? && self.meta.borrow().as_ref().is_some_and(|m| m.site.as_str() == site);
                if !ours || !self.admits(&digest).await? {
                    return missing();
                }
                if let Some(page) = page {
                    self.visited(&page)?;
                }
                Response::from_json(&self.unread(after).map_err(internal)?)
            }
            RoomCall::Profile { site } => self.profile(&site).await,
            RoomCall::Note { site, author, text } => self.note(&site, &author, &text).await,
            RoomCall::Tag { site, tags } => self.tag(&site, tags).await,
            RoomCall::Transcript { site } => self.transcript(&site).await,
            RoomCall::Erase { site } => self.erase(&site).await,
            RoomCall::Write { site, name, frame } => self.written(&site, name, *frame).await,
            RoomCall::Attach { site, uploader, id, file } => self.attach_file(site, uploader, id, file).await,
            RoomCall::EraseMember { .. } => Response::error("a channel's call, not a conversation's", 404),
        }
    }

    async fn websocket_message(&self, ws: WebSocket, message: worker::WebSocketIncomingMessage) -> Result<()> {
        self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
        self.on_frame(&ws, message).await?;
        self.arm_follow_up().await?;
        self.practice_turn().await;
        Ok(())
    }

    /// A follow-up that is due comes back (`follow_up.rs`), the retention
    /// sweep (`end.rs`, which sets the next alarm), then the reports the
    /// Inbox has not taken are filed again.
    async fn alarm(&self) -> Result<Response> {
        self.follow_up_due().await;
        let swept = self.sweep().await;
        self.file_reports().await;
        swept
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        socket::finish_close(&ws, code, reason);
        socket::forget(&self.env, &self.state, &ws).await;
        Ok(())
    }
}

impl Conversation {
    async fn attach(&self, req: &Request) -> Result<Response> {
        if !self.ready().await? {
            return socket::refuse(ErrorCode::UnknownConversation, "no conversation has this id", CLOSE_NOT_FOUND);
        }
        let meta = self.meta.borrow().clone().expect("ready");
        let (role, staff) = match header(req, ROLE).as_str() {
            "operator" => (Role::Operator, StaffRole::parse(&header(req, STAFF))),
            _ => (Role::Customer, None),
        };
        if role == Role::Operator && (staff.is_none() || header(req, SITE) != meta.site.as_str()) {
            return socket::refuse(ErrorCode::UnknownConversation, "no conversation has this id", CLOSE_NOT_FOUND);
        }
        if role == Role::Customer {
            let digest = crate::auth::token_digest(&header(req, TOKEN));
            if !self.admits(&digest).await? {
                return socket::refuse(
                    ErrorCode::Unauthorized,
                    "wrong token for this conversation",
                    CLOSE_UNAUTHORIZED,
                );
            }
            let open = self.state.get_websockets_with_tag(Role::Customer.as_str()).len();
            if let Some((refusal, close)) = self.admit_customer(&meta.member, open).await? {
                return socket::refused(refusal, close);
            }
        }
        let after = match socket::after_param(req) {
            Ok(after) => after,
            Err(msg) => return socket::refuse(ErrorCode::Malformed, &msg, CLOSE_BAD_REQUEST),
        };
        let pair = WebSocketPair::new()?;
        let account = socket::account_tag(&header(req, ACCOUNT));
        socket::accept(&self.state, req, &pair.server, &[role.as_str(), account.as_str()]);
        // Staff write under their account's name (whispers, who may move it).
        let name = if role == Role::Operator { crate::headers::name(req) } else { String::new() };
        let attached = Attachment { role, staff, member: String::new(), name, replays: Vec::new() };
        pair.server.serialize_attachment(&attached)?;
        let (last_seq, state, files) = {
            let core = self.core.borrow();
            let core = core.as_ref().expect("ready");
            (core.last_seq, core.workflow.clone().unwrap_or_default(), core.settings.config.files.enabled)
        };
        let workflow = state.workflow;
        // An operator gets the workflow state: they may hold only the newest page.
        let state = (role == Role::Operator).then_some(state);
        let conversation = meta.conversation;
        let welcome = ServerMsg::Welcome { conversation, role, last_seq, workflow, member: None, state, files };
        socket::send(&pair.server, &ServerEnvelope::push(welcome));
        self.replay(&Out::Socket(&pair.server), role, after);
        if role == Role::Operator {
            for w in sql::whispers(&self.db).map_err(internal)? {
                socket::send(&pair.server, &ServerEnvelope::push(ServerMsg::Whisper(w)));
            }
        } else if let Some(place) = self.queued.borrow().as_ref() {
            socket::send(&pair.server, place);
        }
        crate::socket::accepted(req, pair.client)
    }

    /// Whether a token's digest is the customer's (or another browser's
    /// grant of a verified customer): `None` if neither, else the identity
    /// secret's version it was made under (`None` within: anonymous).
    fn customer_token(&self, digest: &str) -> Result<Option<Option<u32>>> {
        let Some((mine, identity)) = self.meta.borrow().as_ref().map(|m| (m.token_digest.clone(), m.identity)) else {
            return Ok(None);
        };
        if crate::auth::secrets_equal(digest, &mine) {
            return Ok(Some(identity));
        }
        Ok(sql::granted(&self.db, digest).map_err(internal)?.map(Some))
    }

    /// Whether a token opens this conversation as its customer: its own or
    /// a grant, one made for a signed-in customer only while the site's
    /// identity secret is the one it was made under (replacing the secret
    /// revokes it; read through the isolate's settings cache).
    async fn admits(&self, digest: &str) -> Result<bool> {
        let Some(made_under) = self.customer_token(digest)? else { return Ok(false) };
        let Some(version) = made_under else { return Ok(true) };
        let settings = crate::settings_cache::settings(&self.env, &self.site()).await?;
        Ok(settings.is_some_and(|s| s.config.identity_version == version))
    }

    /// The customer's news after `after` (counted up to
    /// [`shared::api::MOST_UNREAD`]) and the newest sequence number.
    fn unread(&self, after: u64) -> std::result::Result<shared::api::Unread, crate::room::StoreError> {
        let store = self.store();
        let last = store.last_seq()?;
        let most = shared::api::MOST_UNREAD as usize;
        let news = store.after(after, 4 * most)?.iter().filter(|m| m.news_for_customer()).count().min(most);
        Ok(shared::api::Unread { unread: news as u32, last })
    }

    /// Routing's decision from the site's list part.
    async fn routed(&self, route: Route) -> Result<Response> {
        let event = match route {
            Route::Queue { position, wait_ms, away, team } => {
                let place = ServerEnvelope::push(shared::routing::place(position, wait_ms, away.as_deref(), team));
                self.send_tagged(Role::Customer.as_str(), &place);
                self.queued.replace((position > 0).then_some(place));
                return Response::empty();
            }
            Route::Assign { to, id } => (shared::workflow::Event::Assign { to }, id, None),
            Route::Release { from, id } => (shared::workflow::Event::Release {}, id, Some(from)),
        };
        let (event, id, holder) = event;
        let routed = match self.route(&event, &id, holder.as_deref()).await? {
            Ok(seq) => {
                if holder.is_none() {
                    // Taken: the customer no longer waits.
                    self.queued.replace(None);
                    let taken = ServerEnvelope::push(shared::routing::place(0, None, None, None));
                    self.send_tagged(Role::Customer.as_str(), &taken);
                }
                Routed { seq: Some(seq), refused: None }
            }
            Err(why) => Routed { seq: None, refused: Some(why) },
        };
        Response::from_json(&routed)
    }

    /// The customer: member id and name (the pre-chat form's, or "Visitor").
    fn sender(&self) -> Option<Sender> {
        let member = self.meta.borrow().as_ref()?.member.clone();
        let core = self.core.borrow();
        let name = core.as_ref()?.workflow.as_ref()?.field("name").unwrap_or("Visitor").to_owned();
        Some(Sender { member, name })
    }
}

impl Host for Conversation {
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
        self.meta.borrow().as_ref().map(|m| m.site.to_string()).unwrap_or_default()
    }
    /// The conversation's one customer: their sockets carry the role's tag.
    fn member_tag(&self, _member: &str) -> String {
        Role::Customer.as_str().to_owned()
    }
    fn store(&self) -> impl RoomStore + '_ {
        SqlStore(&self.db)
    }
    /// Staff read the customer's messages under the name the form
    /// collected (the customer's own view is unchanged).
    fn seen(&self, m: ChatMessage, role: Role) -> ChatMessage {
        let mut m = m.seen_by(role);
        if role == Role::Operator && m.author == Role::Customer && m.event.is_none() && m.name.is_none() {
            let core = self.core.borrow();
            m.name = core.as_ref().and_then(|c| c.workflow.as_ref()?.field("name")).map(str::to_owned);
        }
        m
    }

    /// The customer is the conversation's one member, named by the form.
    fn who(&self, a: &Attachment) -> Who {
        let (member, name) = match (a.role, self.sender()) {
            (Role::Customer, Some(s)) => (s.member, s.name),
            (Role::Customer, None) => (String::new(), String::new()),
            (Role::Operator, _) => (String::new(), a.name.clone()),
        };
        Who { role: a.role, staff: a.staff, member, name }
    }

    async fn wake(&self) -> Result<Option<Core>> {
        let Some(meta) = read_meta(&self.db).map_err(internal)? else { return Ok(None) };
        let room = Room::Conversation(meta.conversation.clone());
        *self.meta.borrow_mut() = Some(meta);
        *self.tags.borrow_mut() = sql::tags(&self.db).map_err(internal)?;
        let settings = self.settings().await?;
        let store = SqlStore(&self.db);
        let workflow = store.workflow().map_err(internal)?;
        let now = worker::Date::now().as_millis();
        Core::wake(&store, room, settings, Some(workflow), now).map(Some).map_err(internal)
    }

    async fn notify(&self, m: &ChatMessage) -> Option<u64> {
        let version = self.tell_inbox(m).await;
        if matches!(m.event, Some(shared::workflow::Event::Close { .. })) {
            match self.practice() {
                Some(p) => self.file_practice(p).await,
                None => self.file_facts().await,
            }
        }
        version
    }

    fn keep_whisper(
        &self,
        id: &str,
        w: &shared::Whisper,
    ) -> std::result::Result<shared::Whisper, crate::room::StoreError> {
        sql::keep_whisper(&self.db, id, w)
    }
}
