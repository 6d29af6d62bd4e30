//! The IO both room objects do the same way, as default methods of
//! [`Host`]: decoding a frame and handing it to the [`Core`], carrying out
//! the effects (answers, broadcasts, typing, history, reports kept and
//! filed, moderators' notices), and keeping the site's settings current — read from the
//! room's own storage when it wakes, fetched from the site's Inbox only
//! when the Inbox says the version changed.

use std::cell::RefCell;

use shared::workflow::Event;
use shared::{ChatMessage, ClientMsg, ErrorCode, Refusal, Role, ServerEnvelope, ServerMsg, WireName, PAGE};
use worker::{Env, State, WebSocket, WebSocketIncomingMessage};

use shared::moderation_case::SanctionRecord;

use super::core::{Core, Effect, Who};
use super::policy::{self, Settings};
use super::reports;
use super::sql::{self, Db};
use super::store::RoomStore;
use super::Attachment;
use crate::calls::room::{Lift, Removal, ReviewHeld, ViewerReport};
use crate::socket::{self, CLOSE_FORBIDDEN};

/// The history could not be read: the client is told to reconnect.
fn unreadable(out: &Out, e: super::StoreError) {
    worker::console_error!("history: {e}");
    out.send(&ServerEnvelope::error(None, ErrorCode::Internal, "could not read the history; reconnect"));
}

/// Where the frames answering one client go: its socket here, or (a
/// channel viewer on a relay) a list the relay sends on.
pub enum Out<'a> {
    /// A socket of this object.
    Socket(&'a WebSocket),
    /// Collected for the relay holding the socket.
    Relayed(&'a RefCell<Vec<ServerEnvelope>>),
}

impl Out<'_> {
    /// Sends (or collects) one frame.
    pub fn send(&self, frame: &ServerEnvelope) {
        match self {
            Out::Socket(ws) => socket::send(ws, frame),
            Out::Relayed(frames) => frames.borrow_mut().push(frame.clone()),
        }
    }
}

/// A refusal at connect: its code, the message, the socket's close code.
pub type Refused = (Refusal, u16);

/// What a room takes over HTTP ([`Host::http`]).
pub enum Posted {
    /// A client frame (the REST API).
    Frame(shared::ClientEnvelope),
    /// An uploaded file, under its client id.
    File(String, super::FilePost),
}

/// A moderator's decision, as the desk sends it.
pub enum Decision {
    /// On a held message.
    Review(ReviewHeld),
    /// A sanction.
    Sanction(SanctionRecord),
    /// A sanction lifted.
    Lift(Lift),
    /// A published message removed for everyone.
    Remove(Removal),
    /// A viewer's report of a published message.
    Report(ViewerReport),
}

/// What a room object gives the shared shell.
#[allow(async_fn_in_trait)]
pub trait Host {
    /// The object's state (sockets).
    fn state(&self) -> &State;
    /// The Worker's environment (other objects).
    fn env(&self) -> &Env;
    /// The counted database.
    fn db(&self) -> &Db;
    /// The core, once the object has woken.
    fn core(&self) -> &RefCell<Option<Core>>;
    /// The site this room belongs to.
    fn site(&self) -> String;
    /// The tag a member's sockets carry.
    fn member_tag(&self, member: &str) -> String;
    /// The room's store.
    fn store(&self) -> impl RoomStore + '_;
    /// Rebuilds the core after a wake (`None`: the room does not exist).
    async fn wake(&self) -> worker::Result<Option<Core>>;
    /// Tells the site's inbox about a new message; answers the site's
    /// settings version (`None`: not told, or a channel).
    async fn notify(&self, m: &ChatMessage) -> Option<u64>;
    /// A new message for the sockets held elsewhere (a channel's relays).
    async fn relay_message(&self, _m: &ChatMessage) {}
    /// A frame for `member`'s sockets held elsewhere, then (`close`) closing them.
    async fn relay_member(&self, _member: &str, _frame: ServerEnvelope, _close: bool) {}
    /// A removed message, for the sockets held elsewhere (a channel's relays).
    async fn relay_removed(&self, _seq: u64) {}

    /// Keeps a staff whisper (idempotent by its client id): the whisper as
    /// stored. Conversations only.
    fn keep_whisper(&self, _id: &str, _w: &shared::Whisper) -> Result<shared::Whisper, super::StoreError> {
        Err(super::StoreError("whispers are for conversations".into()))
    }

    /// Whether the core is in memory (waking the object if needed).
    async fn ready(&self) -> worker::Result<bool> {
        if self.core().borrow().is_none() {
            let mut core = self.wake().await?;
            if let Some(core) = core.as_mut() {
                core.unfiled = !reports::unfiled(self.db()).map_err(crate::error::internal)?.is_empty();
            }
            let mut slot = self.core().borrow_mut();
            if slot.is_none() {
                *slot = core;
            }
        }
        Ok(self.core().borrow().is_some())
    }

    /// A message as `role` receives it ([`ChatMessage::seen_by`]; a
    /// conversation names its customer to staff).
    fn seen(&self, m: ChatMessage, role: Role) -> ChatMessage {
        m.seen_by(role)
    }

    /// Who is on a socket, from its attachment (a conversation fills in
    /// its customer).
    fn who(&self, a: &Attachment) -> Who {
        Who { role: a.role, staff: a.staff, member: a.member.clone(), name: a.name.clone() }
    }

    /// One client frame from `ws`.
    async fn on_frame(&self, ws: &WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        let Some(mut attached) = ws.deserialize_attachment::<Attachment>()? else { return Ok(()) };
        let WebSocketIncomingMessage::String(frame) = message else {
            socket::send(ws, &ServerEnvelope::error(None, ErrorCode::Malformed, "frames are JSON text, not binary"));
            return Ok(());
        };
        if self.handle_frame(&Out::Socket(ws), &mut attached, &frame).await? {
            ws.serialize_attachment(&attached)?;
        }
        Ok(())
    }

    /// One client frame, from a socket here or relayed; whether the
    /// socket's attachment changed (its replay times).
    async fn handle_frame(&self, out: &Out<'_>, attached: &mut Attachment, frame: &str) -> worker::Result<bool> {
        self.db().framed();
        let env = match shared::decode_client(frame) {
            Ok(env) => env,
            Err(e) => {
                out.send(&e.into_frame());
                return Ok(false);
            }
        };
        if !self.ready().await? {
            return Ok(false);
        }
        let id = env.id.clone();
        let now = worker::Date::now().as_millis();
        let who = self.who(attached);
        let mut changed = false;
        let signer = self.signer_for(&env.msg).await;
        let mut effects = {
            let store = self.store();
            let mut core = self.core().borrow_mut();
            let core = core.as_mut().expect("ready");
            core.signer = signer;
            let effects = core.handle(&store, &who, env, now);
            core.signer = None;
            effects
        };
        // Replays and pages are limited per socket (the times live in its attachment).
        if effects.iter().any(|e| matches!(e, Effect::Replay(_) | Effect::Page(_))) {
            match policy::replay_allowed(&mut attached.replays, now) {
                Ok(()) => changed = true,
                Err(refusal) => effects = vec![Effect::Reply(refusal.into())],
            }
        }
        self.carry_out(Some((out, &id, who.role)), effects).await;
        Ok(changed)
    }

    /// The site's identity secret when `msg` confirms an order and the site
    /// hands orders to its checkout (one Inbox call per confirmation; a
    /// failure leaves none, and the confirmation is refused to be resent).
    async fn signer_for(&self, msg: &ClientMsg) -> Option<super::sales::Signer> {
        let confirms = matches!(msg, ClientMsg::Act { event: Event::ConfirmOrder { .. } });
        let checkout = self.core().borrow().as_ref().is_some_and(|c| !c.settings.config.sales.checkout.is_empty());
        if !confirms || !checkout {
            return None;
        }
        let site = self.site();
        match crate::calls::inbox::identity_secret(self.env(), &site, false).await {
            Ok(secret) => Some(super::sales::Signer { site, secret }),
            Err(e) => {
                worker::console_error!("checkout not signed: {e}");
                None
            }
        }
    }

    /// Carries out effects; `sender` is the socket, frame id and role they answer.
    async fn carry_out(&self, sender: Option<(&Out<'_>, &str, Role)>, effects: Vec<Effect>) {
        let reported = self.keep_reports(&effects).await;
        for effect in effects {
            match effect {
                Effect::Reply(msg) => {
                    if let Some((out, id, _)) = sender {
                        out.send(&ServerEnvelope::reply(id, msg));
                    }
                }
                Effect::Broadcast(m) => {
                    self.broadcast(&m);
                    self.relay_message(&m).await;
                }
                Effect::Notify(m) => {
                    if let Some(version) = self.notify(&m).await {
                        self.refresh(version).await;
                    }
                }
                // Kept before anything was sent; filed after the rest.
                Effect::Report(_) => {}
                Effect::Typing(role, on) => {
                    let other = if role == Role::Customer { Role::Operator } else { Role::Customer };
                    let frame = ServerEnvelope::push(ServerMsg::Typing { role, on });
                    self.send_tagged(other.as_str(), &frame);
                }
                Effect::Replay(after) => {
                    if let Some((out, _, role)) = sender {
                        self.replay(out, role, after);
                    }
                }
                Effect::Page(before) => {
                    if let Some((out, id, role)) = sender {
                        self.page(out, Some(id), role, before);
                    }
                }
                Effect::Tell(member, notice) => {
                    let alert = Some(notice.english());
                    let told = ServerMsg::Moderation { alert, changed: Vec::new(), notice: Some(notice) };
                    let frame = ServerEnvelope::push(told);
                    self.send_tagged(&self.member_tag(&member), &frame);
                    self.relay_member(&member, frame, false).await;
                }
                Effect::Ban(member, refusal) => {
                    let frame = ServerEnvelope::refused(None, refusal);
                    for ws in self.state().get_websockets_with_tag(&self.member_tag(&member)) {
                        socket::send(&ws, &frame);
                        let _ = ws.close(Some(CLOSE_FORBIDDEN), Some("banned"));
                    }
                    self.relay_member(&member, frame, true).await;
                }
                Effect::Rejected(member, client_id) => {
                    let msg = "A moderator did not publish this message.";
                    let frame = ServerEnvelope::reply(client_id, Refusal::new(ErrorCode::Blocked, msg).into());
                    self.send_tagged(&self.member_tag(&member), &frame);
                    self.relay_member(&member, frame, false).await;
                }
                Effect::Log(e) => worker::console_error!("room: {e}"),
                Effect::Removed(seq) => {
                    let frame = ServerEnvelope::push(ServerMsg::Removed { seq });
                    self.state().get_websockets().iter().for_each(|ws| socket::send(ws, &frame));
                    self.relay_removed(seq).await;
                }
                // Staff sockets only: a customer's socket never gets one.
                Effect::Whisper(id, w) => match self.keep_whisper(&id, &w) {
                    Ok(kept) => {
                        self.send_tagged(Role::Operator.as_str(), &ServerEnvelope::push(ServerMsg::Whisper(kept)))
                    }
                    Err(e) => {
                        worker::console_error!("whisper not kept: {e}");
                        if let Some((out, id, _)) = sender {
                            let error = Refusal::new(ErrorCode::Internal, "not kept; resend");
                            out.send(&ServerEnvelope::reply(id, error.into()));
                        }
                    }
                },
            }
        }
        if reported {
            self.file_reports().await;
        }
    }

    /// Keeps the reports among `effects` (see [`reports`]); whether there were any.
    async fn keep_reports(&self, effects: &[Effect]) -> bool {
        let mut kept = false;
        for report in effects.iter().filter_map(|e| if let Effect::Report(r) = e { Some(r) } else { None }) {
            match reports::keep(self.db(), report) {
                Ok(()) => kept = true,
                Err(e) => worker::console_error!("report not kept: {e}"),
            }
        }
        if kept {
            if let Some(core) = self.core().borrow_mut().as_mut() {
                core.unfiled = true;
            }
            let now = worker::Date::now().as_millis();
            if let Err(e) = reports::retry_soon(&self.state().storage(), now).await {
                worker::console_error!("no alarm to file reports again: {e}");
            }
        }
        kept
    }

    /// Files the reports kept and not yet taken by the site's Inbox, oldest
    /// first; stops at the first the Inbox does not take (the alarm tries again).
    async fn file_reports(&self) {
        if !self.core().borrow().as_ref().is_some_and(|c| c.unfiled) {
            return;
        }
        let kept = match reports::unfiled(self.db()) {
            Ok(kept) => kept,
            Err(e) => return worker::console_error!("reports not read: {e}"),
        };
        for (id, report) in kept {
            self.db().called();
            if let Err(e) = crate::calls::inbox::report(self.env(), &self.site(), report).await {
                worker::console_error!("report not filed: {e}");
                let now = worker::Date::now().as_millis();
                if let Err(e) = reports::retry_soon(&self.state().storage(), now).await {
                    worker::console_error!("no alarm to file reports again: {e}");
                }
                return;
            }
            if let Err(e) = reports::filed(self.db(), id) {
                worker::console_error!("filed report not forgotten: {e}");
            }
        }
        if let Some(core) = self.core().borrow_mut().as_mut() {
            core.unfiled = false;
        }
    }

    /// Sends a frame to every socket with `tag`.
    fn send_tagged(&self, tag: &str, frame: &ServerEnvelope) {
        for ws in self.state().get_websockets_with_tag(tag) {
            socket::send(&ws, frame);
        }
    }

    /// Delivers a new timeline message to every socket, as each role sees it.
    fn broadcast(&self, m: &ChatMessage) {
        for role in [Role::Customer, Role::Operator] {
            let frame = ServerEnvelope::push(ServerMsg::Message(self.seen(m.clone(), role)));
            self.send_tagged(role.as_str(), &frame);
        }
    }

    /// Sends `out` what it missed after `after`: one by one if it fits in a
    /// page, else the newest page (the client drops what it had before it).
    fn replay(&self, out: &Out, role: Role, after: u64) {
        let last = self.core().borrow().as_ref().map_or(0, |c| c.last_seq);
        if last.saturating_sub(after) > PAGE as u64 {
            return self.page(out, None, role, last + 1);
        }
        match self.store().after(after, PAGE) {
            // Retention removed some of what it missed: the newest page
            // instead (the client drops what it had).
            Ok(missed) if missed.first().is_some_and(|m| m.seq > after + 1) => self.page(out, None, role, last + 1),
            Ok(missed) => {
                for m in missed {
                    out.send(&ServerEnvelope::push(ServerMsg::Message(self.seen(m, role))));
                }
            }
            Err(e) => unreadable(out, e),
        }
    }

    /// Sends `ws` the page of messages before `before` (in answer to frame
    /// `re`, or pushed at a connect).
    fn page(&self, out: &Out, re: Option<&str>, role: Role, before: u64) {
        match self.store().before(before, PAGE) {
            Ok(page) => {
                let more = page.first().is_some_and(|m| m.seq > 1);
                let messages = page.into_iter().map(|m| self.seen(m, role)).collect();
                let msg = ServerMsg::History { messages, more };
                let frame = match re {
                    Some(re) => ServerEnvelope::reply(re, msg),
                    None => ServerEnvelope::push(msg),
                };
                out.send(&frame);
            }
            Err(e) => unreadable(out, e),
        }
    }

    /// The site's settings for a room that wakes: its own copy, or (the
    /// first time) the Inbox's, kept for the next wake.
    async fn settings(&self) -> worker::Result<Settings> {
        if let Some((version, config)) = sql::settings(self.db()).map_err(crate::error::internal)? {
            return Ok(Settings::new(version, config));
        }
        let (version, config) = self.fetch_settings().await?;
        Ok(Settings::new(version, config))
    }

    /// Fetches the site's settings from its Inbox and keeps them.
    async fn fetch_settings(&self) -> worker::Result<(u64, shared::site::SiteConfig)> {
        self.db().called();
        let settings = crate::calls::inbox::settings(self.env(), &self.site()).await?.unwrap_or_default();
        let (version, config) = (settings.version, settings.config);
        sql::save_settings(self.db(), version, &config).map_err(crate::error::internal)?;
        Ok((version, config))
    }

    /// The site's settings are at `version`: fetched again if this room's
    /// copy is another.
    async fn refresh(&self, version: u64) {
        let mine = self.core().borrow().as_ref().map(|c| c.settings.version);
        // Version 0: the part that answered has no copy of the settings yet.
        if mine.is_none() || mine == Some(version) || version == 0 {
            return;
        }
        match self.fetch_settings().await {
            Ok((version, config)) => {
                if let Some(core) = self.core().borrow_mut().as_mut() {
                    core.settings = Settings::new(version, config);
                }
            }
            Err(e) => worker::console_error!("settings not refreshed: {e}"),
        }
    }

    /// At a customer's connect: the open-window limit, then the site's
    /// sanctions for `member` (one Inbox call, which also says the settings
    /// version). The refusal to answer with, if any.
    async fn admit_customer(&self, member: &str, open: usize) -> worker::Result<Option<Refused>> {
        let limits = self.core().borrow().as_ref().map(|c| c.settings.config.limits).unwrap_or_default();
        if let Some(refused) = super::refuse_windows(open, limits) {
            return Ok(Some(refused));
        }
        if member.is_empty() {
            return Ok(None);
        }
        // The site's list must not undo a mute this room applied and has not filed yet.
        self.file_reports().await;
        self.db().called();
        let admission = crate::calls::inbox::sanctions_of(self.env(), &self.site(), member).await?;
        self.refresh(admission.version).await;
        let now = worker::Date::now().as_millis();
        let verdict = {
            let store = self.store();
            let mut core = self.core().borrow_mut();
            core.as_mut().expect("ready").admit(&store, member, admission.sanctions, now)
        };
        match verdict.map_err(crate::error::internal)? {
            Ok(()) => Ok(None),
            Err(refusal) => Ok(Some((refusal, CLOSE_FORBIDDEN))),
        }
    }

    /// Routing's decision from the site's inbox: the event is stored and
    /// delivered like an operator's; the message's sequence number, or
    /// why the workflow refused it.
    async fn route(
        &self,
        event: &shared::workflow::Event,
        id: &str,
        holder: Option<&str>,
    ) -> worker::Result<Result<u64, String>> {
        if !self.ready().await? {
            return Ok(Err("no such room".into()));
        }
        let now = worker::Date::now().as_millis();
        let effects = {
            let store = self.store();
            let mut core = self.core().borrow_mut();
            core.as_mut().expect("ready").route(&store, event, id, holder, now)
        };
        let effects = match effects {
            Ok(effects) => effects,
            Err(why) => return Ok(Err(why)),
        };
        let seq =
            effects
                .iter()
                .find_map(|e| if let Effect::Reply(ServerMsg::Ack { seq, .. }) = e { Some(*seq) } else { None });
        self.carry_out(None, effects).await;
        Ok(Ok(seq.unwrap_or_default()))
    }

    /// What came from `who` over HTTP: a frame (the REST API), handled as
    /// a socket's frame would be ([`Core::handle`]), or an uploaded file
    /// under its client id ([`Core::file`]). Its effects are carried out;
    /// the reply (an ack, held, or a refusal), `None` if the room does not
    /// exist.
    async fn http(&self, who: &super::Who, post: Posted) -> worker::Result<Option<ServerMsg>> {
        if !self.ready().await? {
            return Ok(None);
        }
        let now = worker::Date::now().as_millis();
        let effects = {
            let store = self.store();
            let mut core = self.core().borrow_mut();
            let core = core.as_mut().expect("ready");
            match post {
                Posted::Frame(frame) => core.handle(&store, who, frame, now),
                Posted::File(id, file) => core.file(&store, who, &id, file, now),
            }
        };
        let reply = effects.iter().find_map(|e| if let Effect::Reply(m) = e { Some(m.clone()) } else { None });
        self.carry_out(None, effects).await;
        Ok(reply)
    }

    /// A moderator's decision from the desk.
    async fn moderate(&self, decision: Decision) -> worker::Result<worker::Response> {
        if !self.ready().await? {
            return worker::Response::error("no such room", 404);
        }
        let now = worker::Date::now().as_millis();
        let effects = {
            let store = self.store();
            let mut core = self.core().borrow_mut();
            let core = core.as_mut().expect("ready");
            match &decision {
                Decision::Review(r) => core.review(&store, r, now),
                Decision::Sanction(r) => core.sanction(&store, r),
                Decision::Lift(l) => core.lift(&store, l),
                Decision::Remove(r) => core.remove(&store, r),
                Decision::Report(r) => core.report(&store, r),
            }
        };
        let effects = effects.map_err(crate::error::internal)?;
        if matches!(decision, Decision::Remove(_) | Decision::Report(_)) && effects.is_empty() {
            return worker::Response::error("no such message, or already removed", 404);
        }
        self.carry_out(None, effects).await;
        worker::Response::empty()
    }
}
