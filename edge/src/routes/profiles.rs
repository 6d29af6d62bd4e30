//! The customer profile beside a conversation, for the console: `GET
//! /api/console/sites/{site}/conversations/{id}/profile` (what the
//! conversation holds, and the customer's earlier conversations from the
//! site's list part), `POST …/notes` (a staff note) and `PUT …/tags` (the
//! conversation's tags, all of them). Each checks the session, the role and
//! that the site is the caller's; a conversation of another site is
//! `unknownConversation`, as an unknown one.

use shared::profile::{NewNote, Tags};
use shared::staff::Capability;
use shared::{ConversationId, ErrorCode};
use worker::{Env, Request, Response};

use crate::calls::room::{Profiled, RoomCall};
use crate::error::{RouteError, RouteResult};
use crate::session::{own_site, staff};

/// The conversation's object, or the refusal for an id that cannot be one.
fn conversation(env: &Env, id: &str) -> Result<worker::Stub, RouteError> {
    let id: ConversationId = id.parse().map_err(|_| unknown())?;
    Ok(crate::calls::room::conversation(env, id.as_str())?)
}

fn unknown() -> RouteError {
    RouteError::Refused(ErrorCode::UnknownConversation, "no conversation of this site has this id".into())
}

/// `GET …/conversations/{id}/profile` → [`shared::profile::Profile`].
pub async fn profile(req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let site = own_site(&me, site)?;
    let call = RoomCall::Profile { site: site.to_string() };
    let Profiled { mut profile, member } =
        crate::calls::ask(&conversation(env, id)?, &call).await?.ok_or_else(unknown)?;
    if !member.is_empty() {
        profile.earlier = crate::calls::inbox::earlier(env, site.as_str(), &member, id).await?;
    }
    Ok(Response::from_json(&profile)?)
}

/// `POST …/conversations/{id}/notes` [`NewNote`] → 201 [`shared::profile::Note`].
pub async fn note(mut req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Reply).await?;
    let site = own_site(&me, site)?;
    let new: NewNote = super::json(&mut req, "{\"text\"}", super::MAX_BODY).await?;
    let text = shared::profile::note(&new.text).map_err(RouteError::BadRequest)?;
    let call = RoomCall::Note { site: site.to_string(), author: me.name, text };
    let note: shared::profile::Note = crate::calls::ask(&conversation(env, id)?, &call).await?.ok_or_else(unknown)?;
    Ok(Response::from_json(&note)?.with_status(201))
}

/// `PUT …/conversations/{id}/tags` [`Tags`] → the tags as kept.
pub async fn tags(mut req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Reply).await?;
    let site = own_site(&me, site)?;
    let given: Tags = super::json(&mut req, "{\"tags\": [\"...\"]}", super::MAX_BODY).await?;
    let tags = shared::profile::tags(&given.tags).map_err(RouteError::BadRequest)?;
    let call = RoomCall::Tag { site: site.to_string(), tags };
    let kept: Tags = crate::calls::ask(&conversation(env, id)?, &call).await?.ok_or_else(unknown)?;
    Ok(Response::from_json(&kept)?)
}
