//! The customer profile's parts a conversation holds: how the customer came
//! (recorded at creation), the name and e-mail they gave (the workflow's
//! fields), the team's notes and the conversation's tags, which it keeps in
//! memory for its inbox line and tells the site's list part when they change;
//! the whole record for an export; and the frames a program writes over the
//! REST API as an operator.

use shared::profile::{Note, Profile, Tags, Visit};
use shared::transcript::Transcript;
use worker::{Response, Result};

use super::sql::{self, SqlStore};
use super::Conversation;
use crate::calls::room::Profiled;
use crate::error::internal;
use crate::room::shell::{Host, Posted};
use crate::room::RoomStore;

/// Rows read at a time for an export.
const EXPORT_PAGE: usize = 500;

impl Conversation {
    /// Whether the conversation exists and is `site`'s (and no practice run).
    async fn profiled(&self, site: &str) -> Result<bool> {
        let ready = self.ready().await?;
        Ok(ready && self.meta.borrow().as_ref().is_some_and(|m| m.site.as_str() == site && m.practice.is_none()))
    }

    /// [`crate::calls::room::RoomCall::Profile`].
    pub(super) async fn profile(&self, site: &str) -> Result<Response> {
        if !self.profiled(site).await? {
            return Response::error("no such conversation", 404);
        }
        let member = self.meta.borrow().as_ref().map(|m| m.member.clone()).unwrap_or_default();
        let profile = Profile { notes: sql::notes(&self.db).map_err(internal)?, ..self.profile_parts() };
        Response::from_json(&Profiled { profile, member })
    }

    /// The profile as the conversation holds it in memory (no notes, no
    /// earlier conversations).
    fn profile_parts(&self) -> Profile {
        let (started_at, visit) = {
            let meta = self.meta.borrow();
            let meta = meta.as_ref().expect("ready");
            let visit: Visit = meta.visit.as_deref().and_then(|v| serde_json::from_str(v).ok()).unwrap_or_default();
            (meta.created_at, visit)
        };
        let field = |id: &str| {
            let core = self.core.borrow();
            core.as_ref()?.workflow.as_ref()?.field(id).map(str::to_owned).filter(|v| !v.trim().is_empty())
        };
        Profile {
            name: field("name"),
            email: field("email"),
            visit,
            started_at,
            earlier: Vec::new(),
            notes: Vec::new(),
            tags: self.tags.borrow().clone(),
        }
    }

    /// [`crate::calls::room::RoomCall::Transcript`]: the profile's parts and
    /// the whole timeline, read a page of [`EXPORT_PAGE`] rows at a time.
    pub(super) async fn transcript(&self, site: &str) -> Result<Response> {
        if !self.profiled(site).await? {
            return Response::error("no such conversation", 404);
        }
        let profile = self.profile_parts();
        let store = SqlStore(&self.db);
        let mut messages = Vec::new();
        loop {
            let after = messages.last().map_or(0, |m: &shared::ChatMessage| m.seq);
            let page = store.after(after, EXPORT_PAGE).map_err(internal)?;
            let full = page.len() == EXPORT_PAGE;
            messages.extend(page);
            if !full {
                break;
            }
        }
        let meta = self.meta.borrow().clone().expect("ready");
        Response::from_json(&Transcript {
            conversation: meta.conversation,
            site: meta.site,
            started_at: profile.started_at,
            name: profile.name,
            email: profile.email,
            visit: profile.visit,
            tags: profile.tags,
            notes: sql::notes(&self.db).map_err(internal)?,
            messages,
        })
    }

    /// [`crate::calls::room::RoomCall::Write`]: a program's frame (a send or
    /// an act) as an operator named `name`, with an admin's rights; the reply.
    pub(super) async fn written(&self, site: &str, name: String, frame: shared::ClientEnvelope) -> Result<Response> {
        if !self.profiled(site).await? {
            return Response::error("no such conversation", 404);
        }
        let who = crate::room::Who {
            role: shared::Role::Operator,
            staff: Some(shared::staff::StaffRole::Admin),
            member: String::new(),
            name,
        };
        match self.http(&who, Posted::Frame(frame)).await? {
            Some(reply) => Response::from_json(&reply),
            None => Response::error("no such conversation", 404),
        }
    }

    /// A page view of the customer's (the loader's badge call): kept in
    /// the profile's visit when it is a new page (one UPDATE; the newest
    /// [`shared::profile::MOST_PAGES`]).
    pub(super) fn visited(&self, page: &str) -> Result<()> {
        let mut meta = self.meta.borrow_mut();
        let Some(meta) = meta.as_mut() else { return Ok(()) };
        let mut visit: Visit = meta.visit.as_deref().and_then(|v| serde_json::from_str(v).ok()).unwrap_or_default();
        if visit.visited(page, worker::Date::now().as_millis()) {
            let json = serde_json::to_string(&visit).map_err(|e| internal(e.to_string()))?;
            sql::set_visit(&self.db, &json).map_err(internal)?;
            meta.visit = Some(json);
        }
        Ok(())
    }

    /// [`crate::calls::room::RoomCall::Note`]: kept, answered as kept.
    pub(super) async fn note(&self, site: &str, author: &str, text: &str) -> Result<Response> {
        if !self.profiled(site).await? {
            return Response::error("no such conversation", 404);
        }
        let note: Note = sql::add_note(&self.db, author, text, worker::Date::now().as_millis()).map_err(internal)?;
        Response::from_json(&note)
    }

    /// [`crate::calls::room::RoomCall::Tag`]: kept, and the inbox line retagged.
    pub(super) async fn tag(&self, site: &str, tags: Vec<String>) -> Result<Response> {
        if !self.profiled(site).await? {
            return Response::error("no such conversation", 404);
        }
        sql::set_tags(&self.db, &tags).map_err(internal)?;
        self.tags.replace(tags.clone());
        let summary = {
            let (core, meta) = (self.core.borrow(), self.meta.borrow());
            let (core, meta) = (core.as_ref().expect("ready"), meta.as_ref().expect("ready"));
            let newest = SqlStore(&self.db).before(core.last_seq + 1, 1).map_err(internal)?.pop();
            let workflow = core.workflow.as_ref().expect("a conversation");
            shared::ConversationSummary { tags: tags.clone(), ..meta.summary(newest.as_ref(), workflow) }
        };
        if let Err(e) = crate::calls::inbox::retag(&self.env, summary).await {
            worker::console_error!("inbox retag: {e}");
        }
        Response::from_json(&Tags { tags })
    }
}
