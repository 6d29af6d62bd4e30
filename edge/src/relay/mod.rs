//! The `Relay` Durable Object: where a public channel's viewers' sockets
//! live (`<site>/<channel>/r<n>`, a viewer's `n` fixed by their member id;
//! see [`crate::calls::relay`]). It keeps the newest page of the channel
//! in memory, so a join or a resume is answered from it; it receives the
//! channel's new messages in batches and sends each to its sockets; every
//! frame a viewer sends goes to the channel, which answers it as if the
//! socket were its own. A viewer gets what a socket on the channel would
//! get: gapless (a batch that skips a sequence number makes the relay ask
//! the channel for what it missed), resumable (`after`), nothing lost.

mod sql;

use std::cell::RefCell;
use std::collections::VecDeque;

use shared::workflow::WorkflowKind;
use shared::{ChatMessage, ErrorCode, Role, ServerEnvelope, ServerMsg, WireName, PAGE};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketPair};

use crate::calls::relay::{ChannelCall, Joined, Missed, RelayCall, Relayed, Viewer};
use crate::calls::room::{channel_name, channel_room_id, RoomCall, CHANNEL};
use crate::headers::{header, CHANNEL as CHANNEL_HEADER, MEMBER, SITE};
use crate::socket::{self, CLOSE_BAD_REQUEST, CLOSE_FORBIDDEN};

/// The tag of a member's sockets.
fn member_tag(member: &str) -> String {
    format!("m:{member}")
}

/// What the relay knows of its channel while awake.
#[derive(Default)]
struct Cache {
    /// Which channel and relay, and the last sequence number sent on.
    meta: Option<sql::Meta>,
    /// The newest messages (at most a page), as customers see them.
    newest: VecDeque<ChatMessage>,
    /// Whether `newest` holds every message of the newest page (else a
    /// join asks the channel for it).
    full: bool,
    /// Removals of messages not yet received (a batch still on its way):
    /// blanked when they come.
    removed_ahead: Vec<u64>,
}

/// One relay of a channel.
#[durable_object]
pub struct Relay {
    state: State,
    env: Env,
    cache: RefCell<Cache>,
}

impl DurableObject for Relay {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = sql::ensure_schema(&state.storage().sql()) {
            worker::console_error!("relay schema: {e}");
        }
        Self { state, env, cache: RefCell::new(Cache::default()) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.path() == "/ws" {
            return self.attach(&req).await;
        }
        match crate::calls::read(&mut req).await {
            Ok(RelayCall::Messages(batch)) => {
                self.deliver(batch).await?;
                Response::from_json(&self.viewers())
            }
            Ok(RelayCall::Forget(oldest)) => {
                self.cache.borrow_mut().newest.retain(|m| m.seq >= oldest);
                Response::from_json(&self.viewers())
            }
            Ok(RelayCall::Removed(seq)) => {
                self.removed(seq);
                Response::from_json(&self.viewers())
            }
            Ok(RelayCall::Erased(seqs)) => {
                for seq in seqs {
                    self.removed(seq);
                    self.cache.borrow_mut().newest.iter_mut().filter(|m| m.seq == seq).for_each(|m| m.name = None);
                }
                Response::from_json(&self.viewers())
            }
            Ok(RelayCall::Viewers) => Response::from_json(&self.viewers()),
            Ok(RelayCall::Member { member, frame, close }) => {
                for ws in self.state.get_websockets_with_tag(&member_tag(&member)) {
                    socket::send(&ws, &frame);
                    if close {
                        let _ = ws.close(Some(CLOSE_FORBIDDEN), Some("banned"));
                    }
                }
                Response::from_json(&self.viewers())
            }
            Err(refused) => refused,
        }
    }

    async fn websocket_message(&self, ws: WebSocket, message: worker::WebSocketIncomingMessage) -> Result<()> {
        let Some(viewer) = ws.deserialize_attachment::<Viewer>()? else { return Ok(()) };
        let worker::WebSocketIncomingMessage::String(frame) = message else {
            socket::send(&ws, &ServerEnvelope::error(None, ErrorCode::Malformed, "frames are JSON text, not binary"));
            return Ok(());
        };
        match self.ask_channel::<Relayed>(ChannelCall::Frame { viewer, frame }).await {
            Ok(Some(relayed)) => {
                for f in &relayed.frames {
                    socket::send(&ws, f);
                }
                if let Some(viewer) = relayed.viewer {
                    ws.serialize_attachment(&viewer)?;
                }
            }
            _ => socket::send(
                &ws,
                &ServerEnvelope::error(None, ErrorCode::Internal, "the channel did not answer; resend"),
            ),
        }
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        socket::finish_close(&ws, code, reason);
        Ok(())
    }
}

impl Relay {
    /// The viewer sockets open here.
    fn viewers(&self) -> u64 {
        self.state.get_websockets().len() as u64
    }

    /// The channel's identity, from storage once the object wakes.
    fn meta(&self) -> Result<Option<sql::Meta>> {
        if self.cache.borrow().meta.is_none() {
            self.cache.borrow_mut().meta = sql::read_meta(&self.state.storage().sql())?;
        }
        Ok(self.cache.borrow().meta.clone())
    }

    async fn ask_channel<T: serde::de::DeserializeOwned>(&self, call: ChannelCall) -> Result<Option<T>> {
        let Some(meta) = self.meta()? else { return Ok(None) };
        let stub = self.env.durable_object(CHANNEL)?.get_by_name(&channel_name(&meta.site, &meta.channel))?;
        crate::calls::ask(&stub, &RoomCall::Relay(Box::new(call))).await
    }

    /// Takes messages in order after the last one sent on: each new one is
    /// kept in the newest page and sent to every socket; `history` (more
    /// were missed than a page holds) replaces the page and is pushed whole.
    fn take(&self, messages: Vec<ChatMessage>, history: bool) -> Result<()> {
        let mut cache = self.cache.borrow_mut();
        let Some(mut last) = cache.meta.as_ref().map(|m| m.last_seq) else { return Ok(()) };
        let mut messages = messages;
        if !cache.removed_ahead.is_empty() {
            for m in messages.iter_mut().filter(|m| cache.removed_ahead.contains(&m.seq)) {
                (m.text, m.removed) = (String::new(), true);
            }
            let newest = messages.last().map_or(last, |m| m.seq);
            cache.removed_ahead.retain(|seq| *seq > newest);
        }
        let sockets = self.state.get_websockets();
        if history {
            let more = messages.first().is_some_and(|m| m.seq > 1);
            last = messages.last().map_or(last, |m| m.seq);
            let frame = ServerEnvelope::push(ServerMsg::History { messages: messages.clone(), more });
            sockets.iter().for_each(|ws| socket::send(ws, &frame));
            cache.newest = messages.into();
            cache.full = true;
        } else {
            for m in messages {
                if m.seq <= last {
                    continue;
                }
                last = m.seq;
                let frame = ServerEnvelope::push(ServerMsg::Message(m.clone()));
                sockets.iter().for_each(|ws| socket::send(ws, &frame));
                cache.newest.push_back(m);
                if cache.newest.len() > PAGE {
                    cache.newest.pop_front();
                }
            }
        }
        if let Some(meta) = cache.meta.as_mut() {
            meta.last_seq = last;
        }
        sql::save_last_seq(&self.state.storage().sql(), last)
    }

    /// A moderator removed message `seq`: blanked in the newest page (or
    /// when it arrives), and every socket told.
    fn removed(&self, seq: u64) {
        let mut cache = self.cache.borrow_mut();
        let last = cache.meta.as_ref().map_or(0, |m| m.last_seq);
        if let Some(m) = cache.newest.iter_mut().find(|m| m.seq == seq) {
            (m.text, m.removed) = (String::new(), true);
        } else if seq > last && !cache.removed_ahead.contains(&seq) {
            cache.removed_ahead.push(seq);
        }
        let frame = ServerEnvelope::push(ServerMsg::Removed { seq });
        self.state.get_websockets().iter().for_each(|ws| socket::send(ws, &frame));
    }

    /// A batch from the channel: a gap before it is filled from the channel first.
    async fn deliver(&self, batch: Vec<ChatMessage>) -> Result<()> {
        let Some(meta) = self.meta()? else { return Ok(()) };
        let Some(first) = batch.iter().find(|m| m.seq > meta.last_seq) else { return Ok(()) };
        if first.seq == meta.last_seq + 1 {
            return self.take(batch, false);
        }
        match self.ask_channel::<Missed>(ChannelCall::After(meta.last_seq)).await? {
            Some(missed) => self.take(missed.messages, !missed.complete),
            None => Ok(()),
        }
    }

    /// A viewer's socket (the Worker checked the site, channel, visitor and name).
    async fn attach(&self, req: &Request) -> Result<Response> {
        let (site, channel, member) = (header(req, SITE), header(req, CHANNEL_HEADER), header(req, MEMBER));
        let relay = crate::calls::relay::relay_of(&member);
        if self.meta()?.is_none() {
            sql::write_meta(&self.state.storage().sql(), &site, &channel, relay)?;
            self.cache.borrow_mut().meta = sql::read_meta(&self.state.storage().sql())?;
        }
        let after = match socket::after_param(req) {
            Ok(after) => after,
            Err(msg) => return socket::refuse(ErrorCode::Malformed, &msg, CLOSE_BAD_REQUEST),
        };
        let open = self.state.get_websockets_with_tag(&member_tag(&member)).len();
        let cold = !self.cache.borrow().full;
        let join = ChannelCall::Join {
            site: site.clone(),
            channel: channel.clone(),
            relay,
            member: member.clone(),
            open,
            cold,
        };
        let Some(joined) = self.ask_channel::<Joined>(join).await? else {
            return socket::refuse(ErrorCode::UnknownChannel, "no such channel", socket::CLOSE_NOT_FOUND);
        };
        if let Some((refusal, close)) = joined.refused {
            return socket::refused(refusal, close);
        }
        if cold {
            let mut cache = self.cache.borrow_mut();
            cache.newest = joined.newest.into();
            cache.full = true;
            if let Some(meta) = cache.meta.as_mut() {
                meta.last_seq = joined.last_seq;
            }
            drop(cache);
            sql::save_last_seq(&self.state.storage().sql(), joined.last_seq)?;
        } else {
            // A sweep while this relay had no viewers (and so was off the
            // channel's list) did not reach its page.
            self.cache.borrow_mut().newest.retain(|m| m.seq >= joined.oldest);
        }
        if !cold && joined.last_seq > self.meta()?.map_or(0, |m| m.last_seq) {
            // A batch is on its way or was lost: what this relay missed, now.
            let last = self.meta()?.map_or(0, |m| m.last_seq);
            if let Some(missed) = self.ask_channel::<Missed>(ChannelCall::After(last)).await? {
                self.take(missed.messages, !missed.complete)?;
            }
        }
        let pair = WebSocketPair::new()?;
        let tags = [Role::Customer.as_str().to_owned(), member_tag(&member)];
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        let name = crate::headers::name(req);
        pair.server.serialize_attachment(&Viewer { member: member.clone(), name, replays: Vec::new() })?;
        let last_seq = self.meta()?.map_or(0, |m| m.last_seq);
        let welcome = ServerMsg::Welcome {
            conversation: channel_room_id(&site, &channel),
            role: Role::Customer,
            last_seq,
            workflow: WorkflowKind::Moderation,
            member: Some(member),
            state: None,
            files: joined.files,
        };
        socket::send(&pair.server, &ServerEnvelope::push(welcome));
        self.replay(&pair.server, after, last_seq);
        crate::socket::upgraded(pair.client)
    }

    /// What a new socket missed after `after`, from the newest page: one by
    /// one if the page reaches back that far, else the page whole.
    fn replay(&self, ws: &WebSocket, after: u64, last: u64) {
        let cache = self.cache.borrow();
        let reaches = cache.newest.front().is_none_or(|m| m.seq <= after + 1);
        if after >= last {
            return;
        }
        if reaches {
            for m in cache.newest.iter().filter(|m| m.seq > after) {
                socket::send(ws, &ServerEnvelope::push(ServerMsg::Message(m.clone())));
            }
        } else {
            let messages: Vec<ChatMessage> = cache.newest.iter().cloned().collect();
            let more = messages.first().is_some_and(|m| m.seq > 1);
            socket::send(ws, &ServerEnvelope::push(ServerMsg::History { messages, more }));
        }
    }
}
