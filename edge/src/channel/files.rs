//! A member's file for the channel ([`RoomCall::Attach`]), where the site
//! lets channels take files: first whether the uploader may (the site's
//! own channel, files on for channels), then, once the Worker has checked
//! and stored it, its message — screened by its caption as any text from
//! the member is, or held for a moderator where the site holds unverified
//! visitors' files (a channel's members are never signed in). A file
//! leaves R2 with its message: a moderator's removal or rejection, the
//! member's erasure, the retention sweep.
//!
//! [`RoomCall::Attach`]: crate::calls::room::RoomCall::Attach

use shared::files::Attachment;
use shared::Role;
use worker::{Response, Result};

use super::Channel;
use crate::calls::room::{channel_room_id, Attaching, Removal, ReviewHeld, Uploader};
use crate::error::internal;
use crate::room::shell::{Decision, Host, Posted};
use crate::room::{FilePost, Who};

impl Channel {
    /// Whether the channel takes its members' files (the site's settings).
    pub(super) fn takes_files(&self) -> bool {
        self.core.borrow().as_ref().is_some_and(|c| c.settings.config.files.enabled && c.settings.config.files.channels)
    }

    /// [`crate::calls::room::RoomCall::Attach`].
    pub(super) async fn attach_file(
        &self,
        site: Option<String>,
        uploader: Uploader,
        id: String,
        file: Option<Attachment>,
    ) -> Result<Response> {
        let missing = || Response::error("no such channel", 404);
        let (Some(site), Uploader::Member { member, name, channel }) = (site, uploader) else { return missing() };
        let Some(meta) = self.ready_as(&site, &channel).await?.then(|| self.meta.borrow().clone()).flatten() else {
            return missing();
        };
        let Ok(site_id) = site.parse() else { return missing() };
        if site != meta.site || channel != meta.channel || member.is_empty() {
            return missing();
        }
        let Some(file) = file else { return Response::from_json(&Attaching { site: site_id }) };
        // (Its files go with the retention sweep, also where no one joined.)
        self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
        if !self.takes_files() {
            let off = shared::Refusal::new(shared::ErrorCode::Forbidden, shared::files::Refusal::Off.to_string());
            return Response::from_json(&shared::ServerMsg::from(off));
        }
        let hold = self.core.borrow().as_ref().is_some_and(|c| c.settings.config.files.hold_unverified);
        let post = FilePost { path: file.path(self.room_id().as_str()), file, hold };
        let who = Who { role: Role::Customer, staff: None, member, name };
        match self.http(&who, Posted::File(id, post)).await? {
            Some(reply) => Response::from_json(&reply),
            None => missing(),
        }
    }
}

impl Channel {
    /// A moderator removes message `seq` for everyone: its file goes from
    /// R2 too (the evidence keeps its caption and who sent it).
    pub(super) async fn remove(&self, removal: Removal) -> Result<Response> {
        let file = super::sql::file_of(&self.db, removal.seq).map_err(internal)?;
        let answer = self.moderate(Decision::Remove(removal)).await?;
        if let Some(id) = file {
            self.forget_files(&[id]).await?;
        }
        Ok(answer)
    }

    /// A moderator's review of a held message: a rejected file goes from
    /// R2 too (an approved one is published).
    pub(super) async fn review(&self, review: ReviewHeld) -> Result<Response> {
        let held = crate::room::sql::held_of(&self.db, &review.member).map_err(internal)?;
        let file = held.into_iter().find(|h| h.client_id == review.message).and_then(|h| h.event);
        let rejected = !review.approve;
        let answer = self.moderate(Decision::Review(review)).await?;
        if let Some(id) = file.filter(|_| rejected).as_deref().and_then(super::sql::file_id) {
            self.forget_files(&[id]).await?;
        }
        Ok(answer)
    }

    /// Deletes these files of the channel from R2.
    pub(super) async fn forget_files(&self, ids: &[String]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        crate::files::forget_ids(&self.env, self.room_id().as_str(), ids).await
    }

    /// The retention sweep's part in R2: files stored before `cutoff` (ms)
    /// go, but for the newest message's, which the sweep keeps.
    pub(super) async fn forget_files_before(&self, cutoff: u64) -> Result<()> {
        let keep = super::sql::newest_file(&self.db).map_err(internal)?;
        crate::files::forget_before(&self.env, self.room_id().as_str(), cutoff, keep.as_deref()).await.map(drop)
    }

    /// The channel's room id, under which its files are kept.
    fn room_id(&self) -> shared::ConversationId {
        let meta = self.meta.borrow();
        let meta = meta.as_ref();
        channel_room_id(meta.map_or("", |m| m.site.as_str()), meta.map_or("", |m| m.channel.as_str()))
    }
}
