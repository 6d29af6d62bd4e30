//! Attachments over HTTP: uploads (`POST …/conversations/{id}/files?id=&name=`
//! with the bytes as the body: the customer's from the chat widget with the
//! conversation's token, staff's from the console, a program's with an API
//! key; a channel member's is `routes::channels`') and reading a file by
//! its capability (`GET /api/files/{room}/{id}/{key}`).
//!
//! An upload is checked before anything stores it: the uploader may write
//! to the conversation (one call to it), the size against the site's
//! limit as the body streams in, the type by the bytes against the site's
//! types and the name. Then the file goes to R2 under the digest of its
//! bytes and its message into the conversation, under the client's id: a
//! resend after a dropped connection stores nothing twice. Where the site
//! holds unverified visitors' files, the answer is 202 and the file waits
//! for a moderator.

use shared::files::{HeldFile, Refusal, Uploaded};
use shared::staff::Capability;
use shared::{ClientMsgId, ConversationId, ErrorCode, ServerMsg};
use worker::{Env, Request, Response};

use crate::calls::room::{Attaching, RoomCall, Uploader};
use crate::error::{RouteError, RouteResult};
use crate::session::{own_site, staff};

/// `POST /api/conversations/{id}/files`: the customer's upload, from the
/// chat widget (this service's own page) with the conversation's token.
pub async fn customer_upload(req: Request, env: &Env, conversation: &str) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("files are sent only from the chat widget".into()));
    }
    let header = req.headers().get("Authorization")?.unwrap_or_default();
    let token = header.strip_prefix("Bearer ").map(str::trim).unwrap_or_default();
    if token.is_empty() {
        return Err(RouteError::Unauthorized);
    }
    let uploader = Uploader::Customer { digest: crate::auth::token_digest(token) };
    upload(req, env, None, uploader, Target::conversation(env, conversation)?).await
}

/// `POST /api/console/sites/{site}/conversations/{id}/files` (and under
/// `/api/v1` with a write key): staff's upload.
pub async fn staff_upload(req: Request, env: &Env, site: &str, conversation: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Reply).await?;
    let site = own_site(&me, site)?;
    let uploader = Uploader::Staff { name: me.name, role: me.role };
    upload(req, env, Some(site.to_string()), uploader, Target::conversation(env, conversation)?).await
}

/// The room a file goes to.
pub struct Target {
    /// Its object.
    pub stub: worker::Stub,
    /// Its id (a channel's is derived from its site and name), under which
    /// the file is kept.
    pub room: ConversationId,
    /// A channel (only where the site lets channels take files).
    pub channel: bool,
}

impl Target {
    fn conversation(env: &Env, id: &str) -> Result<Self, RouteError> {
        let room: ConversationId = id.parse().map_err(|_| unknown())?;
        Ok(Target { stub: crate::calls::room::conversation(env, room.as_str())?, room, channel: false })
    }
}

fn unknown() -> RouteError {
    RouteError::refused(ErrorCode::UnknownConversation, "no such conversation for this caller")
}

/// The checks, the file stored, its message: 201 [`Uploaded`] (202
/// [`HeldFile`]: it waits for a moderator).
pub async fn upload(
    mut req: Request,
    env: &Env,
    site: Option<String>,
    uploader: Uploader,
    target: Target,
) -> RouteResult {
    let id = super::query(&req, "id")?.unwrap_or_default();
    ClientMsgId::check(&id).map_err(|e| RouteError::refused(ErrorCode::InvalidId, format!("?id=: {e}")))?;
    let name = super::query(&req, "name")?.unwrap_or_default();
    let scope = match &uploader {
        Uploader::Member { member, .. } => member.clone(),
        _ => String::new(),
    };
    let stub = &target.stub;
    let ask = |file| RoomCall::Attach { site: site.clone(), uploader: uploader.clone(), id: id.clone(), file };
    let may: Attaching = crate::calls::ask(stub, &ask(None)).await?.ok_or_else(unknown)?;
    let settings = crate::settings_cache::settings(env, may.site.as_str())
        .await?
        .ok_or_else(|| RouteError::UnknownSite(may.site.to_string()))?;
    let files = &settings.config.files;
    if target.channel && !files.channels {
        return Err(refused(Refusal::Off));
    }
    let too_large = || refused(Refusal::TooLarge(files.max_bytes));
    let bytes = super::body(&mut req, files.max_bytes as usize).await?.ok_or_else(too_large)?;
    let (name, kind) = shared::files::check(files, &name, &bytes).map_err(refused)?;
    let file_id = crate::files::id_of(&scope, &bytes);
    let room = target.room.as_str();
    let key = crate::files::key(env, room, &file_id)
        .ok_or_else(|| crate::error::internal("no token key: files cannot be read"))?;
    let size = bytes.len() as u64;
    crate::files::store(env, room, &file_id, kind, &name, bytes).await?;
    let file = shared::files::Attachment { id: file_id, name, kind, size, key };
    match crate::calls::ask::<ServerMsg>(stub, &ask(Some(file.clone()))).await?.ok_or_else(unknown)? {
        ServerMsg::Ack { seq, at } => Ok(Response::from_json(&Uploaded { seq, at, file })?.with_status(201)),
        ServerMsg::Held { reason, detail } => {
            Ok(Response::from_json(&HeldFile { held: reason, detail })?.with_status(202))
        }
        ServerMsg::Error { code, message, detail } => Err(RouteError::Said(shared::Refusal { code, message, detail })),
        _ => Err(crate::error::internal("an unexpected answer to a file").into()),
    }
}

/// An upload's refusal with its code: too large (413), files off (403),
/// or a file the site does not take (415).
fn refused(why: Refusal) -> RouteError {
    let (code, detail) = match why {
        Refusal::TooLarge(max) => (ErrorCode::FrameTooLarge, Some(shared::Detail::Size { bytes: max.into() })),
        Refusal::Off => (ErrorCode::Forbidden, None),
        _ => (ErrorCode::FileRefused, None),
    };
    RouteError::Said(shared::Refusal { code, message: why.to_string(), detail })
}

/// `GET /api/files/{conversation}/{id}/{key}`: the file, to whoever holds
/// its capability. Pictures show inline; anything else downloads. Never
/// sniffed, never run: `nosniff` (the router's) and a sandbox with nothing allowed.
pub async fn read(env: &Env, conversation: &str, id: &str, key: &str) -> RouteResult {
    let valid = conversation.parse::<ConversationId>().is_ok() && shared::files::id_ok(id);
    let expected = crate::files::key(env, conversation, id).filter(|_| valid);
    if !expected.is_some_and(|k| crate::auth::secrets_equal(&k, key)) {
        return Err(RouteError::NotFound);
    }
    let (bytes, kind, name) = crate::files::read(env, conversation, id).await?.ok_or(RouteError::NotFound)?;
    let mut resp = Response::from_bytes(bytes)?;
    let h = resp.headers_mut();
    h.set("Content-Type", &kind)?;
    let inline = kind.starts_with("image/");
    h.set("Content-Disposition", &disposition(inline, &name))?;
    h.set("Content-Security-Policy", "default-src 'none'; sandbox")?;
    // The bytes under an id never change; a deleted file goes within the hour.
    h.set("Cache-Control", "private, max-age=3600")?;
    Ok(resp)
}

/// `inline` or `attachment`, with the name as RFC 6266 writes it (an
/// ASCII fallback, and the UTF-8 name percent-encoded).
fn disposition(inline: bool, name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    // (RFC 5987 lets any byte be percent-encoded.)
    let encoded = shared::api::encode_query(name);
    let how = if inline { "inline" } else { "attachment" };
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn names_are_quoted_and_encoded() {
        assert_eq!(
            disposition(false, "Facture é\"1\".pdf"),
            "attachment; filename=\"Facture __1_.pdf\"; filename*=UTF-8''Facture%20%C3%A9%221%22%2Epdf"
        );
        assert_eq!(disposition(true, "a.png"), "inline; filename=\"a.png\"; filename*=UTF-8''a%2Epng");
    }
}
