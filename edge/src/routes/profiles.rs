//! The customer profile beside a conversation, for the console: `GET
//! /api/console/sites/{site}/conversations/{id}/profile` (what the
//! conversation holds, and the customer's earlier conversations from the
//! site's list part), `POST …/notes` (a staff note), `PUT …/tags` (the
//! conversation's tags, all of them), `GET …/transcript` (the conversation
//! as JSON, CSV or text), `GET …/customers/export` (everything about one
//! customer) and `POST …/customers/erase` (erasing them, logged). Each
//! checks the session, the role and that the site is the caller's; a
//! conversation of another site is `unknownConversation`, as an unknown one.

use shared::profile::{NewNote, Tags};
use shared::staff::Capability;
use shared::transcript::{CustomerExport, Erasure, Format, Transcript, EXPORT_CONVERSATIONS};
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
    RouteError::refused(ErrorCode::UnknownConversation, "no conversation of this site has this id")
}

/// `GET …/conversations/{id}/profile` → [`shared::profile::Profile`].
pub async fn profile(req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let site = own_site(&me, site)?;
    let call = RoomCall::Profile { site: site.to_string() };
    let Profiled { mut profile, member } =
        crate::calls::ask(&conversation(env, id)?, &call).await?.ok_or_else(unknown)?;
    if !member.is_empty() {
        profile.earlier =
            crate::calls::inbox::earlier(env, site.as_str(), &member, id, shared::profile::EARLIER).await?;
    }
    Ok(Response::from_json(&profile)?)
}

/// `GET …/conversations/{id}/transcript?format=json|csv|text`: the whole
/// conversation as a file (for anyone who reads conversations).
pub async fn transcript(req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let site = own_site(&me, site)?;
    let format = Format::parse(super::query(&req, "format")?.as_deref()).map_err(RouteError::BadRequest)?;
    let call = RoomCall::Transcript { site: site.to_string() };
    let t: Transcript = crate::calls::ask(&conversation(env, id)?, &call).await?.ok_or_else(unknown)?;
    let body = match format {
        Format::Json => serde_json::to_string_pretty(&t).map_err(crate::error::internal)?,
        Format::Csv => shared::transcript::csv(&t),
        Format::Text => shared::transcript::text(&t),
    };
    download(body, format, &format!("conversation-{}", t.conversation))
}

/// `GET …/customers/export?conversation=ID | visitor=TOKEN | user=ID`:
/// everything kept about one customer — each of their conversations (the
/// newest [`EXPORT_CONVERSATIONS`]) and their sanctions — as JSON, for the
/// site's owners and admins (a data subject's request, GDPR Art. 15 and 20).
pub async fn customer_export(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    let member = customer(&req, env, site.as_str()).await?;
    let lines = crate::calls::inbox::earlier(env, site.as_str(), &member, "", EXPORT_CONVERSATIONS + 1).await?;
    let truncated = lines.len() > EXPORT_CONVERSATIONS;
    let mut conversations = Vec::with_capacity(lines.len().min(EXPORT_CONVERSATIONS));
    for line in lines.iter().take(EXPORT_CONVERSATIONS) {
        let call = RoomCall::Transcript { site: site.to_string() };
        if let Some(t) = crate::calls::ask(&conversation(env, line.id.as_str())?, &call).await? {
            conversations.push(t);
        }
    }
    let sanctions = match member.is_empty() {
        true => Vec::new(),
        false => crate::calls::inbox::sanctions_of(env, site.as_str(), &member).await?.sanctions,
    };
    let export = CustomerExport { member: member.clone(), conversations, truncated, sanctions };
    let body = serde_json::to_string_pretty(&export).map_err(crate::error::internal)?;
    download(body, Format::Json, &format!("customer-{}", &member[..member.len().min(16)]))
}

/// `POST …/customers/erase?conversation=ID | visitor=TOKEN | user=ID`: a
/// data subject's erasure (GDPR Art. 17), for the site's owners and
/// admins. Every conversation of the customer is deleted whole (messages,
/// fields, profile, notes, tags, grants and tokens; their sockets closed),
/// their messages in each of the site's channels become tombstones with
/// neither text nor name, the reports of their messages go from the desk
/// and cases and incidents about them keep a redacted copy; the erasure is
/// logged (`GET …/customers/erasures`) → the log's entry.
pub async fn erase(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    let member = customer(&req, env, site.as_str()).await?;
    let mut conversations = 0u32;
    // A conversation from before visitor tokens has no member: only it goes
    // (an empty member id would match every such row elsewhere).
    let rounds = if member.is_empty() { 0 } else { ERASE_ROUNDS };
    // Each erased conversation takes its line with it: ask until none is left.
    for _ in 0..rounds {
        let lines = crate::calls::inbox::earlier(env, site.as_str(), &member, "", EXPORT_CONVERSATIONS).await?;
        if lines.is_empty() {
            break;
        }
        for line in lines {
            let call = RoomCall::Erase { site: site.to_string() };
            let stub = conversation(env, line.id.as_str())?;
            match crate::calls::post(&stub, &call).await?.status_code() {
                200..=204 => conversations += 1,
                // Gone already: only its line was left.
                404 => crate::calls::inbox::forget(env, site.as_str(), line.id.as_str()).await?,
                s => return Err(crate::error::internal(format!("erasing {}: {s}", line.id)).into()),
            }
        }
    }
    // A conversation named by id whose line predates member ids.
    if let Some(id) = super::query(&req, "conversation")? {
        let call = RoomCall::Erase { site: site.to_string() };
        if crate::calls::post(&conversation(env, &id)?, &call).await?.status_code() < 300 {
            conversations += 1;
        }
    }
    let settings = crate::settings_cache::settings(env, site.as_str()).await?;
    let mut channel_messages = 0u32;
    let channels = settings.iter().flat_map(|s| s.config.channels.iter()).filter(|_| !member.is_empty());
    for channel in channels {
        let room = shared::moderation_case::Room::Channel(channel.id.clone());
        let stub = crate::calls::room::stub(env, site.as_str(), &room)?;
        let call = RoomCall::EraseMember { site: site.to_string(), member: member.clone() };
        channel_messages += crate::calls::ask::<u64>(&stub, &call).await?.unwrap_or(0) as u32;
    }
    let erasure = Erasure {
        at: worker::Date::now().as_millis(),
        by: me.name.clone(),
        member: member.chars().take(8).collect(),
        conversations,
        channel_messages,
        reports: 0,
        redacted: 0,
    };
    // The desk part leaves its rows alone for an empty member id and only logs.
    let logged = crate::calls::inbox::erase_on_desk(env, site.as_str(), &member, erasure).await?;
    Ok(Response::from_json(&logged)?)
}

/// Rounds of [`EXPORT_CONVERSATIONS`] conversations an erasure deletes at most.
const ERASE_ROUNDS: usize = 10;

/// `GET …/customers/erasures`: the site's erasure log, newest first.
pub async fn erasures(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    Ok(Response::from_json(&crate::calls::inbox::erasures(env, site.as_str()).await?)?)
}

/// The customer a request names: by one of their conversations, their
/// visitor token, or the site's user id; their member id.
async fn customer(req: &Request, env: &Env, site: &str) -> Result<String, RouteError> {
    if let Some(id) = super::query(req, "conversation")? {
        let call = RoomCall::Profile { site: site.to_owned() };
        let found: Profiled = crate::calls::ask(&conversation(env, &id)?, &call).await?.ok_or_else(unknown)?;
        return Ok(found.member);
    }
    match (super::query(req, "visitor")?, super::query(req, "user")?) {
        (Some(visitor), _) if !visitor.is_empty() => return Ok(crate::auth::member_id(&visitor)),
        (_, Some(user)) if !user.is_empty() => return Ok(crate::auth::member_id(&format!("user:{site}|{user}"))),
        _ => {}
    }
    Err(RouteError::BadRequest("name the customer: conversation=, visitor= or user=".into()))
}

/// A file to download: its media type, a name, and never sniffed.
fn download(body: String, format: Format, name: &str) -> RouteResult {
    let (extension, media) = format.file();
    let mut resp = Response::ok(body)?;
    let headers = resp.headers_mut();
    headers.set("Content-Type", media)?;
    headers.set("Content-Disposition", &format!("attachment; filename=\"{name}.{extension}\""))?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    Ok(resp)
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
