//! A file for the conversation ([`RoomCall::Attach`]): first whether the
//! uploader may send one here (the customer by their token, staff of the
//! conversation's site), then, once the Worker has checked and stored it,
//! its message, which the room core handles as any act (a resend with the
//! same client id is the same message) — or, where the site holds the
//! files of visitors it did not sign in, held for a moderator's review.
//!
//! [`RoomCall::Attach`]: crate::calls::room::RoomCall::Attach

use shared::files::Attachment;
use shared::Role;
use worker::{Response, Result};

use super::Conversation;
use crate::calls::room::{Attaching, Uploader};
use crate::room::shell::{Host, Posted};
use crate::room::{FilePost, Who};

impl Conversation {
    /// [`crate::calls::room::RoomCall::Attach`].
    pub(super) async fn attach_file(
        &self,
        site: Option<String>,
        uploader: Uploader,
        id: String,
        file: Option<Attachment>,
    ) -> Result<Response> {
        let missing = || Response::error("no such conversation", 404);
        let Some(meta) = self.ready().await?.then(|| self.meta.borrow().clone()).flatten() else { return missing() };
        let (who, verified) = match (uploader, site) {
            (Uploader::Customer { digest }, None) => {
                let Some(sender) = self.sender().filter(|_| meta.practice.is_none()) else { return missing() };
                if !self.admits(&digest).await? {
                    return missing();
                }
                // (A grant or token made for a signed-in customer.)
                let verified = matches!(self.customer_token(&digest)?, Some(Some(_)));
                (Who { role: Role::Customer, staff: None, member: sender.member, name: sender.name }, verified)
            }
            (Uploader::Staff { name, role }, Some(site)) if site == meta.site.as_str() => {
                (Who { role: Role::Operator, staff: Some(role), member: String::new(), name }, true)
            }
            _ => return missing(),
        };
        let Some(file) = file else { return Response::from_json(&Attaching { site: meta.site.clone() }) };
        let hold = !verified && self.settings().await?.config.files.hold_unverified;
        let post = FilePost { path: file.path(meta.conversation.as_str()), file, hold };
        match self.http(&who, Posted::File(id, post)).await? {
            Some(reply) => Response::from_json(&reply),
            None => missing(),
        }
    }
}
