//! The `Conversation` Durable Object: one per chat. It owns the messages
//! (SQLite), numbers them without gaps, acknowledges a send only after the
//! write, replays what a (re)connecting client missed, and tells the site's
//! inbox about every change. Sockets are hibernatable: the role of each lives
//! in its attachment, and nothing keeps the object awake between frames.
//!
//! Workflow events arrive on the same sockets (`act`), are applied through
//! [`shared::workflow::apply`] (the object is the authority), stored in the
//! timeline like messages and broadcast; customers see internal events only
//! as plain notices ([`shared::ChatMessage::seen_by`]).
//!
//! Customers' messages are moderated before anything is stored or
//! broadcast, as in channels ([`crate::room`]).
//!
//! Internal API (called by the Worker and the site's Inbox only):
//! - `POST /init` with an [`Init`] body: create the conversation once.
//! - `GET /ws?after=N` with the `x-chat-*` headers: attach a socket.
//! - `GET /who?site=`: the customer's member id and name (for a moderation
//!   case), if the conversation is that site's.
//! - `GET /drop?account=`: close that operator account's sockets.
//! - `POST /grant` with a token digest: another browser of the verified customer.
//! - `POST /review`, `/sanction`, `/lift`: a moderator's decisions.

pub mod core;
pub mod sql;

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use shared::workflow::{Event, State as Workflow, WorkflowKind};
use shared::WireName;
use shared::{ChatMessage, ClientMsg, ConversationSummary, ErrorCode, Role, ServerEnvelope, ServerMsg};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

use self::core::{act, replay, send, ActError, MessageStore, SendError, Sent, WorkflowStore};
use self::sql::{ensure_schema, read_meta, write_meta, Meta, SqlStore};
use crate::error::internal;
use crate::room::{self, Draft, Lift, ReviewHeld, RulesCache, Screened, Sender};
use crate::socket::{self, CLOSE_BAD_REQUEST, CLOSE_NOT_FOUND, CLOSE_UNAUTHORIZED};
use shared::moderation_case::{Room, SanctionRecord};
use shared::staff::{Capability, StaffRole};

/// Header carrying the caller's role, set by the Worker after it checked the
/// operator's session (`operator`) or not (`customer`).
pub const ROLE_HEADER: &str = "x-chat-role";
/// Header carrying the customer's token, checked here against its digest.
pub const TOKEN_HEADER: &str = "x-chat-token";
/// Header carrying an operator's account id (their sockets are tagged with
/// it, so removing the account closes them).
pub const ACCOUNT_HEADER: &str = "x-chat-account";
/// Header carrying an operator's role in their organisation ([`StaffRole`]).
pub const STAFF_HEADER: &str = "x-chat-staff";
/// Header carrying the site the operator's session allows; a conversation
/// of another site answers as if it did not exist.
pub const SITE_HEADER: &str = "x-chat-site";

/// Body of `POST /init`: the conversation's identity and how it starts.
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
}

/// What each hibernatable socket remembers about its peer.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Attachment {
    role: Role,
    /// An operator's role in their organisation (`None` for the customer).
    staff: Option<StaffRole>,
}

/// One conversation.
#[durable_object]
pub struct Conversation {
    state: State,
    env: Env,
    /// The identity and workflow state for inbox lines, read once per wake
    /// (the identity never changes; the state only through `act`, which
    /// updates this too).
    line: RefCell<Option<(Meta, Workflow)>>,
    /// The site's moderation rules.
    rules: RulesCache,
}

/// `text, at` of the customer's newest messages (for [`room::history`]; the
/// member is the conversation's one customer).
const HISTORY_QUERY: &str =
    "SELECT text, at FROM messages WHERE author = 'customer' AND event IS NULL AND length(?) >= 0 ORDER BY seq DESC LIMIT ?";

/// `at` of the customer's newest events sent from the socket (for
/// [`room::limited_until`]; the form's answers are not counted).
const EVENTS_QUERY: &str = "SELECT at FROM messages WHERE author = 'customer' AND event IS NOT NULL \
     AND json_extract(event, '$.collect') IS NULL AND length(?) >= 0 ORDER BY seq DESC LIMIT ?";

impl DurableObject for Conversation {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = ensure_schema(&sql).and_then(|()| room::ensure_schema(&sql)) {
            worker::console_error!("conversation schema: {e}");
        }
        Self { state, env, line: RefCell::new(None), rules: RulesCache::default() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/init" => {
                let init: Init = req.json().await?;
                self.init(init).await
            }
            "/ws" => self.attach(&req).await,
            "/who" => {
                let site = req.url()?.query_pairs().find(|(k, _)| k == "site").map(|(_, v)| v.into_owned());
                let mine = self.with_line(|meta, _| Some(meta.site.as_str()) == site.as_deref()).unwrap_or(false);
                match self.sender().filter(|_| mine) {
                    Some(who) => Response::from_json(&who),
                    None => Response::error("no such conversation", 404),
                }
            }
            // A verified customer's other browser: one more token.
            "/grant" => {
                let digest: String = req.json().await?;
                let sql = self.state.storage().sql();
                if read_meta(&sql)?.is_none() {
                    return Response::error("no such conversation", 404);
                }
                sql::add_grant(&sql, &digest)?;
                Response::empty()
            }
            "/drop" => socket::drop_request(&self.state, &req),
            "/review" => {
                let review: ReviewHeld = req.json().await?;
                self.review(review).await?;
                Response::empty()
            }
            // The conversation's one customer: their sockets carry the role's tag.
            "/sanction" => {
                let record: SanctionRecord = req.json().await?;
                room::sanction(&self.state, Role::Customer.as_str(), &record)?;
                Response::empty()
            }
            "/lift" => {
                let lift: Lift = req.json().await?;
                room::lift(&self.state, Role::Customer.as_str(), &lift)?;
                Response::empty()
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        let Some(Attachment { role, staff }) = ws.deserialize_attachment()? else {
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
        // Every message is authorised: an operator writes only if their role may reply.
        let writes = matches!(env.msg, ClientMsg::Send { .. } | ClientMsg::Act { .. } | ClientMsg::Typing { .. });
        if writes && staff.is_some_and(|s| !s.may(Capability::Reply)) {
            let frame = ServerEnvelope::error(Some(env.id), ErrorCode::Forbidden, "your role reads conversations only");
            socket::send(&ws, &frame);
            return Ok(());
        }
        match env.msg {
            ClientMsg::Send { text } => self.on_send(&ws, role, env.id, &text).await,
            ClientMsg::Act { event } => self.on_act(&ws, role, env.id, &event).await,
            ClientMsg::Typing { on } => {
                let other = match role {
                    Role::Customer => Role::Operator,
                    Role::Operator => Role::Customer,
                };
                let frame = ServerEnvelope::push(ServerMsg::Typing { role, on });
                for peer in self.state.get_websockets_with_tag(other.as_str()) {
                    socket::send(&peer, &frame);
                }
                Ok(())
            }
            ClientMsg::Sync { after } => {
                self.replay_to(&ws, role, after);
                Ok(())
            }
            _ => {
                let frame = ServerEnvelope::error(Some(env.id), ErrorCode::UnknownType, "not supported on this socket");
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

impl Conversation {
    async fn init(&self, init: Init) -> Result<Response> {
        let sql = self.state.storage().sql();
        if !write_meta(&sql, &init.meta)? {
            return Response::error("conversation exists", 409);
        }
        let store = SqlStore(&sql);
        store.set_workflow(&Workflow::new(init.workflow)).map_err(internal)?;
        let now = init.meta.created_at;
        if let Some(greeting) = &init.greeting {
            send(&store, Role::Operator, "greeting", greeting, now).map_err(internal)?;
        }
        for (field, value) in init.fields {
            let event = Event::Collect { field: field.clone(), value };
            act(&store, Role::Customer, &format!("field-{field}"), &event, now).map_err(internal)?;
        }
        let newest = store.after(store.last_seq().map_err(internal)?.saturating_sub(1), 1).map_err(internal)?;
        let state = store.workflow().map_err(internal)?;
        self.tell_inbox(&init.meta.summary(newest.first(), &state)).await;
        Response::empty().map(|r| r.with_status(201))
    }

    async fn attach(&self, req: &Request) -> Result<Response> {
        let sql = self.state.storage().sql();
        let Some(meta) = read_meta(&sql)? else {
            return socket::refuse(ErrorCode::UnknownConversation, "no conversation has this id", CLOSE_NOT_FOUND);
        };
        let header = |name| req.headers().get(name).ok().flatten().unwrap_or_default();
        let (role, staff) = match header(ROLE_HEADER).as_str() {
            "operator" => (Role::Operator, StaffRole::parse(&header(STAFF_HEADER))),
            _ => (Role::Customer, None),
        };
        if role == Role::Operator && (staff.is_none() || header(SITE_HEADER) != meta.site.as_str()) {
            return socket::refuse(ErrorCode::UnknownConversation, "no conversation has this id", CLOSE_NOT_FOUND);
        }
        if role == Role::Customer {
            let digest = crate::auth::token_digest(&header(TOKEN_HEADER));
            if !crate::auth::secrets_equal(&digest, &meta.token_digest) && !sql::granted(&sql, &digest)? {
                return socket::refuse(
                    ErrorCode::Unauthorized,
                    "wrong token for this conversation",
                    CLOSE_UNAUTHORIZED,
                );
            }
            // A customer's open windows are limited (each is a socket here).
            let (_, limits) = self.rules.get(&self.env, meta.site.as_str(), worker::Date::now().as_millis()).await?;
            if let Some(refused) =
                room::refuse_windows(self.state.get_websockets_with_tag(Role::Customer.as_str()).len(), limits)
            {
                return refused;
            }
            // The site's sanctions decide at every connect.
            if !meta.member.is_empty() {
                if let Some(refused) = room::refuse_banned(&self.env, &sql, meta.site.as_str(), &meta.member).await? {
                    return Ok(refused);
                }
            }
        }
        let after = match after_param(req) {
            Ok(after) => after,
            Err(msg) => return socket::refuse(ErrorCode::Malformed, &msg, CLOSE_BAD_REQUEST),
        };
        let pair = WebSocketPair::new()?;
        let account = socket::account_tag(&header(ACCOUNT_HEADER));
        self.state.accept_websocket_with_tags(&pair.server, &[role.as_str(), account.as_str()]);
        pair.server.serialize_attachment(Attachment { role, staff })?;
        let store = SqlStore(&sql);
        let last_seq = store.last_seq().map_err(internal)?;
        let workflow = store.workflow().map_err(internal)?.workflow;
        let welcome = ServerMsg::Welcome { conversation: meta.conversation, role, last_seq, workflow, member: None };
        socket::send(&pair.server, &ServerEnvelope::push(welcome));
        self.replay_to(&pair.server, role, after);
        Response::from_websocket(pair.client)
    }

    async fn on_send(&self, ws: &WebSocket, role: Role, id: String, text: &str) -> Result<()> {
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        let mut flagged = None;
        // A customer's new message (not a resend) is screened, and reopens a closed conversation.
        let fresh = role == Role::Customer && SqlStore(&sql).find(role, &id).map_err(internal)?.is_none();
        if fresh {
            match self.screen(&id, text, now).await? {
                Screened::Deliver(report) => flagged = report,
                Screened::Held(reason) => {
                    socket::send(ws, &ServerEnvelope::reply(id, ServerMsg::Held { reason }));
                    return Ok(());
                }
                Screened::Refused(code, message) => {
                    socket::send(ws, &ServerEnvelope::reply(id, ServerMsg::Error { code, message }));
                    return Ok(());
                }
            }
        }
        let site = self.with_line(|meta, _| meta.site.clone());
        if let (Some(report), Some(site)) = (flagged, site) {
            room::file(&self.env, site.as_str(), &report).await;
        }
        if fresh && self.with_line(|_, state| state.closed()) == Some(true) {
            self.reopen(&sql, &id, now).await;
        }
        match send(&SqlStore(&sql), role, &id, text, now) {
            Ok(sent) => {
                let m = sent.message();
                socket::send(ws, &ServerEnvelope::reply(id, ServerMsg::Ack { seq: m.seq, at: m.at }));
                if let Sent::New(m) = sent {
                    self.broadcast(&m);
                    self.tell_inbox_about(&m).await;
                }
            }
            Err(SendError::IdConflict(_)) => {
                let msg = "this id was already used for another message";
                socket::send(ws, &ServerEnvelope::error(Some(id), ErrorCode::IdConflict, msg));
            }
            Err(SendError::Store(e)) => {
                worker::console_error!("store: {e}");
                socket::send(ws, &ServerEnvelope::error(Some(id), ErrorCode::Internal, "not stored; please resend"));
            }
        }
        Ok(())
    }

    /// The customer wrote into a closed conversation (their message `id`
    /// is stored next): the conversation opens again, as an event in the
    /// timeline, so the message lands in the operators' open queue.
    async fn reopen(&self, sql: &worker::SqlStorage, id: &str, now: u64) {
        match act(&SqlStore(sql), Role::Customer, &format!("reopen-{id}"), &Event::Reopen {}, now) {
            Ok((sent, state)) => {
                if let Some((_, cached)) = self.line.borrow_mut().as_mut() {
                    *cached = state;
                }
                if let Sent::New(m) = sent {
                    self.broadcast(&m);
                    self.tell_inbox_about(&m).await;
                }
            }
            // The message is stored all the same; it shows in the closed conversation.
            Err(e) => worker::console_error!("reopen: {e}"),
        }
    }

    async fn on_act(&self, ws: &WebSocket, role: Role, id: String, event: &Event) -> Result<()> {
        let refuse = |code, msg: String| socket::send(ws, &ServerEnvelope::error(Some(id.clone()), code, msg));
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        // Not a resend of a stored event (those `act` answers as stored);
        // read only when a check below needs it.
        let checked = role == Role::Customer || matches!(event, Event::Escalate { .. } | Event::Present(_));
        let fresh = checked && SqlStore(&sql).find(role, &id).map_err(internal)?.is_none();
        if role == Role::Customer {
            if let Some((code, why)) = self.refuse_customer_event(&sql, fresh, event, now).await? {
                refuse(code, why);
                return Ok(());
            }
        }
        // Teams and products are the site's: checked against its settings.
        if fresh && matches!(event, Event::Escalate { .. } | Event::Present(_)) {
            if let Some(site) = self.with_line(|meta, _| meta.site.clone()) {
                let config = crate::inbox::config(&self.env, site.as_str()).await?.unwrap_or_default();
                if let Err(why) = config.check_event(event) {
                    refuse(ErrorCode::IllegalMove, why);
                    return Ok(());
                }
            }
        }
        match act(&SqlStore(&sql), role, &id, event, now) {
            Ok((sent, state)) => {
                if let Some((_, cached)) = self.line.borrow_mut().as_mut() {
                    *cached = state;
                }
                let m = sent.message();
                socket::send(ws, &ServerEnvelope::reply(id.clone(), ServerMsg::Ack { seq: m.seq, at: m.at }));
                if let Sent::New(m) = sent {
                    self.broadcast(&m);
                    self.tell_inbox_about(&m).await;
                }
            }
            Err(e @ ActError::Forbidden(_)) => refuse(ErrorCode::Forbidden, e.to_string()),
            Err(ActError::Illegal(e)) => refuse(ErrorCode::IllegalMove, e.to_string()),
            Err(e @ ActError::IdConflict(_)) => refuse(ErrorCode::IdConflict, e.to_string()),
            Err(ActError::Store(e)) => {
                worker::console_error!("store: {e}");
                refuse(ErrorCode::Internal, "not stored; please resend".into());
            }
        }
        Ok(())
    }

    /// Why a customer's event is refused before it reaches the workflow:
    /// the form's answers are collected when the chat starts (checked
    /// against the site's form there), never later from the socket; and
    /// new events count against the site's messages a minute, as texts do.
    /// (`fresh`: not a resend of a stored event.)
    async fn refuse_customer_event(
        &self,
        sql: &worker::SqlStorage,
        fresh: bool,
        event: &Event,
        now: u64,
    ) -> Result<Option<(ErrorCode, String)>> {
        if matches!(event, Event::Collect { .. }) {
            return Ok(Some((ErrorCode::Forbidden, "answers are collected by the form when the chat starts".into())));
        }
        let (Some(site), true) = (self.with_line(|meta, _| meta.site.clone()), fresh) else {
            return Ok(None);
        };
        let (_, limits) = self.rules.get(&self.env, site.as_str(), now).await?;
        Ok(room::limited_until(sql, EVENTS_QUERY, "", limits.messages_per_minute, now)?
            .map(|free_at| (ErrorCode::RateLimited, shared::text::too_fast("sending", free_at.saturating_sub(now)))))
    }

    /// The customer: member id and name (the pre-chat form's, or "Visitor").
    fn sender(&self) -> Option<Sender> {
        self.with_line(|meta, state| Sender {
            member: meta.member.clone(),
            name: state.field("name").unwrap_or("Visitor").to_owned(),
        })
    }

    /// Moderates a customer's message (a resend of a held one is held again).
    async fn screen(&self, id: &str, text: &str, now: u64) -> Result<Screened> {
        let sql = self.state.storage().sql();
        let (Some(sender), Some(site)) = (self.sender(), self.with_line(|meta, _| meta.site.clone())) else {
            return Ok(Screened::Deliver(None));
        };
        if let Some(h) = room::find_held(&sql, &sender.member, id)? {
            return Ok(Screened::Held(h.reason));
        }
        let conversation = self.with_line(|meta, _| meta.conversation.clone()).expect("read above");
        let draft = Draft {
            site: site.as_str(),
            room: Room::Conversation(conversation),
            sender: &sender,
            client_id: id,
            text,
            now_ms: now,
            history: HISTORY_QUERY,
        };
        Ok(room::screen(&self.env, &sql, &self.rules, draft).await)
    }

    /// A moderator's decision on a held message.
    async fn review(&self, review: ReviewHeld) -> Result<()> {
        let sql = self.state.storage().sql();
        let Some(held) = room::take_held(&sql, &review.member, &review.message)? else { return Ok(()) };
        if !review.approve {
            room::reject(&self.state, Role::Customer.as_str(), held);
            return Ok(());
        }
        let now = worker::Date::now().as_millis();
        if let Sent::New(m) =
            send(&SqlStore(&sql), Role::Customer, &held.client_id, &held.text, now).map_err(internal)?
        {
            self.broadcast(&m);
            self.tell_inbox_about(&m).await;
        }
        Ok(())
    }

    /// Delivers a new timeline message to every socket, as each role sees it.
    fn broadcast(&self, m: &ChatMessage) {
        for role in [Role::Customer, Role::Operator] {
            let frame = ServerEnvelope::push(ServerMsg::Message(m.clone().seen_by(role)));
            for peer in self.state.get_websockets_with_tag(role.as_str()) {
                socket::send(&peer, &frame);
            }
        }
    }

    fn replay_to(&self, ws: &WebSocket, role: Role, after: u64) {
        let sql = self.state.storage().sql();
        match replay(&SqlStore(&sql), after) {
            Ok(messages) => {
                for m in messages {
                    socket::send(ws, &ServerEnvelope::push(ServerMsg::Message(m.seen_by(role))));
                }
            }
            Err(e) => {
                worker::console_error!("replay: {e}");
                let frame = ServerEnvelope::error(None, ErrorCode::Internal, "could not read the history; reconnect");
                socket::send(ws, &frame);
            }
        }
    }

    /// `f` of the identity and workflow state, read from storage once per wake.
    fn with_line<R>(&self, f: impl FnOnce(&Meta, &Workflow) -> R) -> Option<R> {
        if self.line.borrow().is_none() {
            let sql = self.state.storage().sql();
            let (Ok(Some(meta)), Ok(state)) = (read_meta(&sql), SqlStore(&sql).workflow()) else { return None };
            *self.line.borrow_mut() = Some((meta, state));
        }
        self.line.borrow().as_ref().map(|(meta, state)| f(meta, state))
    }

    async fn tell_inbox_about(&self, m: &ChatMessage) {
        let Some(summary) = self.with_line(|meta, state| meta.summary(Some(m), state)) else { return };
        self.tell_inbox(&summary).await;
    }

    /// Best effort: the message is already stored and acknowledged; a lost
    /// inbox update is repaired by the next one (updates carry `last_seq`).
    async fn tell_inbox(&self, summary: &ConversationSummary) {
        if let Err(e) = crate::inbox::touch(&self.env, summary).await {
            worker::console_error!("inbox update failed: {e}");
        }
    }
}

/// The `after` query parameter: the last sequence number the client has.
pub fn after_param(req: &Request) -> std::result::Result<u64, String> {
    let url = req.url().map_err(|e| e.to_string())?;
    match url.query_pairs().find(|(k, _)| k == "after") {
        None => Ok(0),
        Some((_, v)) => v.parse().map_err(|_| format!("after must be a sequence number, not {v:?}")),
    }
}
