//! A conversation's end under the site's retention setting: closed and
//! quiet for `retention.closedDays`, it is deleted with its messages, and
//! its inbox line goes (incidents keep their own copy of the evidence). An
//! open one is left alone; the sweep comes again once it is used. A
//! pending follow-up keeps it, and the alarm comes by its due time. The
//! same deletion erases it at once when its customer's data is erased.
//! Its files in R2 go with it.

use shared::{ErrorCode, ServerEnvelope};
use worker::{Response, Result};

use super::{sql, Conversation};
use crate::error::internal;
use crate::room::shell::Host;
use crate::socket;

impl Conversation {
    /// The retention sweep (the object's alarm).
    pub(super) async fn sweep(&self) -> Result<Response> {
        let storage = self.state.storage();
        let now = worker::Date::now().as_millis();
        if !self.ready().await? {
            return Response::empty();
        }
        let (closed, days, follow_up) = {
            let core = self.core.borrow();
            let core = core.as_ref().expect("ready");
            let closed = core.workflow.as_ref().is_some_and(|w| w.closed());
            (closed, core.settings.config.retention.closed_days, core.next_follow_up())
        };
        if !closed {
            self.sweeps.rearm_at(&storage, follow_up, now).await?;
            return Response::empty();
        }
        let until =
            sql::last_activity(&self.db).map_err(internal)? + u64::from(days) * crate::retention::day_ms(&self.env);
        if until > now || follow_up.is_some() {
            let next = follow_up.into_iter().chain((until > now).then_some(until)).min();
            self.sweeps.rearm_at(&storage, next, now).await?;
            return Response::empty();
        }
        if !self.delete().await? {
            self.sweeps.rearm_at(&storage, Some(now + crate::retention::every_ms(&self.env)), now).await?;
        }
        Response::empty()
    }

    /// Erases the conversation for its customer's erasure (GDPR Art. 17),
    /// whatever its state: 404 if it is not `site`'s.
    pub(super) async fn erase(&self, site: &str) -> Result<Response> {
        let ours = self.ready().await? && self.meta.borrow().as_ref().is_some_and(|m| m.site.as_str() == site);
        if !ours {
            return Response::error("no such conversation", 404);
        }
        if !self.delete().await? {
            return Response::error("the site's inbox could not be told; try again", 503);
        }
        Response::empty()
    }

    /// Deletes the conversation: its inbox line first (a line whose
    /// conversation is gone would open on nothing; `false`: the Inbox could
    /// not be told, nothing was deleted), then its files in R2 (`false`:
    /// not all could be, and the rest is kept to try again), then its
    /// sockets and all its storage.
    async fn delete(&self) -> Result<bool> {
        let storage = self.state.storage();
        let meta = self.meta.borrow().clone().expect("ready");
        if let Err(e) = crate::calls::inbox::forget(&self.env, meta.site.as_str(), meta.conversation.as_str()).await {
            worker::console_error!("conversation not forgotten by its inbox: {e}");
            return Ok(false);
        }
        if let Err(e) = crate::files::forget(&self.env, meta.conversation.as_str()).await {
            worker::console_error!("conversation's files not deleted: {e}");
            return Ok(false);
        }
        let gone = ServerEnvelope::error(None, ErrorCode::UnknownConversation, "this conversation was deleted");
        for ws in self.state.get_websockets() {
            socket::send(&ws, &gone);
            let _ = ws.close(Some(socket::CLOSE_NOT_FOUND), Some("deleted"));
        }
        storage.delete_all().await?;
        storage.delete_alarm().await?;
        *self.core.borrow_mut() = None;
        *self.meta.borrow_mut() = None;
        self.tags.borrow_mut().clear();
        // An empty object again: whoever comes next finds no conversation.
        sql::ensure_schema(self.db.raw())?;
        Ok(true)
    }
}
