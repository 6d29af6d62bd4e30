//! The channel's side of its relays ([`crate::calls::relay`]): admitting a
//! relay's viewer (and from then on sending that relay new messages),
//! handling a viewer's frame as if it came on a socket here, the messages
//! a relay missed, and sending new messages to the relays in batches — one
//! request per relay with viewers for all the messages stored while the
//! previous batch was on its way, so under load each request carries many.

use std::cell::RefCell;

use futures_util::future::join_all;
use shared::{ChatMessage, Role, ServerEnvelope, PAGE};
use worker::{Response, Result};

use super::{sql, Channel};
use crate::calls::relay::{self, ChannelCall, Joined, Missed, RelayCall, Relayed, Viewer};
use crate::error::internal;
use crate::room::shell::{Host, Out};
use crate::room::{Attachment, RoomStore};

/// Relays and the batch on its way to them.
#[derive(Default)]
pub struct Relays {
    /// The relays with viewers (`None`: not read since the object woke).
    known: RefCell<Option<Vec<u64>>>,
    /// New messages not yet sent to the relays.
    pending: RefCell<Vec<ChatMessage>>,
    /// A batch is on its way (the messages stored meanwhile wait for the next).
    sending: std::cell::Cell<bool>,
    /// Joins handled since the object woke: a relay that answers "no
    /// viewers" is dropped only if no join came while the batch was on its
    /// way (that join may have been its first viewer's).
    joins: std::cell::Cell<u64>,
}

impl Channel {
    /// The relays with viewers.
    fn relays(&self) -> Result<Vec<u64>> {
        if self.relays.known.borrow().is_none() {
            *self.relays.known.borrow_mut() = Some(sql::relays(&self.db).map_err(internal)?);
        }
        Ok(self.relays.known.borrow().clone().unwrap_or_default())
    }

    fn set_relay(&self, n: u64, on: bool) -> Result<()> {
        let mut known = self.relays()?;
        if known.contains(&n) == on {
            return Ok(());
        }
        sql::set_relay(&self.db, n, on).map_err(internal)?;
        known.retain(|&k| k != n);
        if on {
            known.push(n);
        }
        *self.relays.known.borrow_mut() = Some(known);
        Ok(())
    }

    /// A relay's request.
    pub(super) async fn answer_relay(&self, call: ChannelCall) -> Result<Response> {
        let ready = match &call {
            ChannelCall::Join { site, channel, .. } => self.ready_as(site, channel).await?,
            _ => self.ready().await?,
        };
        if !ready {
            return Response::error("no such channel", 404);
        }
        match call {
            ChannelCall::Join { relay, member, open, cold, .. } => {
                self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
                let refused = self.admit_customer(&member, open).await?;
                // Registered and read with no wait between: every message
                // after `last_seq` goes to the relay.
                if refused.is_none() {
                    self.relays.joins.set(self.relays.joins.get() + 1);
                    self.set_relay(relay, true)?;
                }
                let last_seq = self.core.borrow().as_ref().map_or(0, |c| c.last_seq);
                let newest = match cold && refused.is_none() {
                    true => self.customer_view(self.store().before(last_seq + 1, PAGE)),
                    false => Vec::new(),
                };
                let oldest = sql::oldest_seq(&self.db).map_err(internal)?.unwrap_or(0);
                let files = self.takes_files();
                Response::from_json(&Joined { refused, last_seq, newest, oldest, files })
            }
            ChannelCall::Frame { viewer, frame } => {
                let frames = RefCell::new(Vec::new());
                let Viewer { member, name, replays } = viewer;
                let mut who = Attachment { role: Role::Customer, staff: None, member, name, replays };
                let changed = self.handle_frame(&Out::Relayed(&frames), &mut who, &frame).await?;
                let viewer = changed.then_some(Viewer { member: who.member, name: who.name, replays: who.replays });
                Response::from_json(&Relayed { frames: frames.into_inner(), viewer })
            }
            ChannelCall::After(after) => {
                let last = self.core.borrow().as_ref().map_or(0, |c| c.last_seq);
                let store = self.store();
                let missed = match last.saturating_sub(after) > PAGE as u64 {
                    true => None,
                    false => Some(store.after(after, PAGE).map_err(internal)?)
                        .filter(|m| m.first().is_none_or(|m| m.seq == after + 1)),
                };
                let answer = match missed {
                    Some(messages) => Missed { messages: self.customer_view(Ok(messages)), complete: true },
                    None => Missed { messages: self.customer_view(store.before(last + 1, PAGE)), complete: false },
                };
                Response::from_json(&answer)
            }
        }
    }

    fn customer_view(
        &self,
        messages: std::result::Result<Vec<ChatMessage>, crate::room::StoreError>,
    ) -> Vec<ChatMessage> {
        match messages {
            Ok(messages) => messages.into_iter().map(|m| m.seen_by(Role::Customer)).collect(),
            Err(e) => {
                worker::console_error!("history for a relay: {e}");
                Vec::new()
            }
        }
    }

    /// Queues a new message for the relays and, unless a batch is on its
    /// way (which then takes it), sends batches until none is left.
    pub(super) async fn to_relays(&self, m: &ChatMessage) {
        self.relays.pending.borrow_mut().push(m.clone().seen_by(Role::Customer));
        if self.relays.sending.replace(true) {
            return;
        }
        loop {
            let batch = std::mem::take(&mut *self.relays.pending.borrow_mut());
            if batch.is_empty() {
                break;
            }
            let relays = self.relays().unwrap_or_default();
            let joins = self.relays.joins.get();
            let sends = relays.iter().map(|&n| {
                let call = RelayCall::Messages(batch.clone());
                async move { (n, self.tell_relay(n, &call).await) }
            });
            for (n, answer) in join_all(sends).await {
                match answer {
                    Ok(Some(0)) if self.relays.joins.get() == joins => {
                        if let Err(e) = self.set_relay(n, false) {
                            worker::console_error!("relay {n} not forgotten: {e}");
                        }
                    }
                    Ok(_) => {}
                    Err(e) => worker::console_error!("relay {n}: {e}"),
                }
            }
        }
        self.relays.sending.set(false);
    }

    /// After a retention sweep: the relays forget what the channel forgot.
    pub(super) async fn forget_on_relays(&self) -> Result<()> {
        let Some(oldest) = sql::oldest_seq(&self.db).map_err(internal)? else { return Ok(()) };
        let relays = self.relays()?;
        let call = &RelayCall::Forget(oldest);
        for (n, answer) in join_all(relays.iter().map(|&n| async move { (n, self.tell_relay(n, call).await) })).await {
            if let Err(e) = answer {
                worker::console_error!("relay {n}: {e}");
            }
        }
        Ok(())
    }

    /// A moderator removed message `seq`: every relay blanks it in its page
    /// and tells its sockets.
    pub(super) async fn removed_on_relays(&self, seq: u64) {
        let relays = self.relays().unwrap_or_default();
        let call = &RelayCall::Removed(seq);
        for (n, answer) in join_all(relays.iter().map(|&n| async move { (n, self.tell_relay(n, call).await) })).await {
            if let Err(e) = answer {
                worker::console_error!("relay {n}: {e}");
            }
        }
    }

    /// A customer's messages were erased: every relay blanks them (text and
    /// name) in its page and tells its sockets.
    pub(super) async fn erased_on_relays(&self, seqs: &[u64]) {
        let relays = self.relays().unwrap_or_default();
        let call = &RelayCall::Erased(seqs.to_vec());
        for (n, answer) in join_all(relays.iter().map(|&n| async move { (n, self.tell_relay(n, call).await) })).await {
            if let Err(e) = answer {
                worker::console_error!("relay {n}: {e}");
            }
        }
    }

    /// A frame for `member`'s sockets on their relay (then closing them).
    pub(super) async fn to_member_relay(&self, member: &str, frame: ServerEnvelope, close: bool) {
        let n = relay::relay_of(member);
        if !self.relays().unwrap_or_default().contains(&n) {
            return;
        }
        let call = RelayCall::Member { member: member.to_owned(), frame: Box::new(frame), close };
        if let Err(e) = self.tell_relay(n, &call).await {
            worker::console_error!("relay {n}: {e}");
        }
    }

    async fn tell_relay(&self, n: u64, call: &RelayCall) -> Result<Option<u64>> {
        let (site, channel) = match self.meta.borrow().as_ref() {
            Some(m) => (m.site.clone(), m.channel.clone()),
            None => return Ok(None),
        };
        self.db.called();
        crate::calls::ask(&relay::stub(&self.env, &site, &channel, n)?, call).await
    }
}
