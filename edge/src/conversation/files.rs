//! A file for the conversation ([`RoomCall::Attach`]): first whether the
//! uploader may send one here (the customer by their token, staff of the
//! conversation's site), then, once the Worker has checked and stored it,
//! its message, which the room core handles as any act (a resend with the
//! same client id is the same message).
//!
//! [`RoomCall::Attach`]: crate::calls::room::RoomCall::Attach

use shared::files::Attachment;
use shared::workflow::Event;
use shared::{ClientEnvelope, ClientMsg, Role, PROTOCOL_VERSION};
use worker::{Response, Result};

use super::Conversation;
use crate::calls::room::{Attaching, Uploader};
use crate::room::shell::Host;
use crate::room::Who;

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
        let who = match (uploader, site) {
            (Uploader::Customer { digest }, None) => {
                let Some(sender) = self.sender().filter(|_| meta.practice.is_none()) else { return missing() };
                if !self.admits(&digest).await? {
                    return missing();
                }
                Who { role: Role::Customer, staff: None, member: sender.member, name: sender.name }
            }
            (Uploader::Staff { name, role }, Some(site)) if site == meta.site.as_str() => {
                Who { role: Role::Operator, staff: Some(role), member: String::new(), name }
            }
            _ => return missing(),
        };
        let Some(file) = file else { return Response::from_json(&Attaching { site: meta.site.clone() }) };
        let frame =
            ClientEnvelope { v: PROTOCOL_VERSION, id, msg: ClientMsg::Act { event: Event::File(Box::new(file)) } };
        match self.http_frame(&who, frame).await? {
            Some(reply) => Response::from_json(&reply),
            None => missing(),
        }
    }
}
