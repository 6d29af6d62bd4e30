//! A customer's erasure in a channel (GDPR Art. 17): every message they
//! posted becomes a tombstone with neither text nor name (its sequence
//! number stays, as a moderator's removal leaves it), their files go from
//! R2, their held messages and the texts the flood and repeat rules remembered go, and every
//! viewer — here and on the relays — is told which messages went.

use shared::{ServerEnvelope, ServerMsg};
use worker::{Response, Result};

use super::Channel;
use crate::error::internal;
use crate::room::shell::Host;
use crate::socket;

impl Channel {
    /// [`crate::calls::room::RoomCall::EraseMember`] → how many messages were blanked.
    pub(super) async fn erase_member(&self, site: &str, member: &str) -> Result<Response> {
        let ours = self.ready().await? && self.meta.borrow().as_ref().is_some_and(|m| m.site == site);
        if !ours || member.is_empty() {
            return Response::error("no such channel", 404);
        }
        let (seqs, files) = super::sql::erase_member(&self.db, member).map_err(internal)?;
        self.forget_files(&files).await?;
        if let Some(core) = self.core.borrow_mut().as_mut() {
            core.members.forget(member);
        }
        for &seq in &seqs {
            let frame = ServerEnvelope::push(ServerMsg::Removed { seq });
            self.state.get_websockets().iter().for_each(|ws| socket::send(ws, &frame));
        }
        if !seqs.is_empty() {
            self.erased_on_relays(&seqs).await;
        }
        Response::from_json(&(seqs.len() as u64))
    }
}
