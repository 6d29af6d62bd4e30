//! The REST API under `/api/v1/sites/{site}/…`, for a site's own programs:
//! authenticated by the site's API keys (`Authorization: Bearer ck_…`,
//! [`crate::session::checked`]), each scoped read or write; the same
//! handlers, tenant checks and refusals as the console's routes. And the
//! console's management of those keys (`/api/console/sites/{site}/keys`:
//! owners and admins make, list and revoke them).

use shared::keys::{IssuedKey, NewKey};
use shared::profile::{CloseWith, PostMessage, Stored};
use shared::scope::Scope;
use shared::staff::Capability;
use shared::{ClientEnvelope, ClientMsg, ConversationId, ErrorCode, ServerMsg, SiteId, PROTOCOL_VERSION};
use worker::{Env, Request, Response};

use crate::calls::inbox::InboxCall;
use crate::calls::room::RoomCall;
use crate::error::{RouteError, RouteResult};
use crate::org::ops::OrgOp;
use crate::session::{org, own_site, staff};

/// `GET /api/v1/openapi.json`: the REST API's OpenAPI 3.1 document
/// (`shared::openapi`, generated from the types and checked by the tests).
pub fn openapi() -> RouteResult {
    let mut resp = Response::ok(include_str!("../../../shared/openapi.json"))?;
    resp.headers_mut().set("Content-Type", "application/json; charset=utf-8")?;
    Ok(resp)
}

/// `GET /api/v1/sites/{site}/conversations?before=MS&id=ID`: a page of the
/// site's conversations, newest activity first (the next page: `before`
/// and `id` of the last line).
pub async fn conversations(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let site = own_site(&me, site)?;
    let before = super::query(&req, "before")?.and_then(|b| b.parse::<u64>().ok()).unwrap_or(u64::MAX);
    let id = super::query(&req, "id")?.filter(|id| id.len() <= 64).unwrap_or_default();
    let call = InboxCall::Page { scope: Scope::All.to_string(), me: me.name, before: before.min((1 << 53) - 1), id };
    Ok(Response::from_json(&crate::calls::inbox::page(env, site.as_str(), call).await?)?)
}

/// `POST /api/v1/sites/{site}/conversations/{id}/messages` [`PostMessage`]
/// → 201 [`Stored`]: an operator message under the key's name, stored and
/// delivered as one typed in the console (a resend with the same `id`
/// gets the same answer).
pub async fn post_message(mut req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Reply).await?;
    let site = own_site(&me, site)?;
    let body: PostMessage = super::json(&mut req, "{\"id\"?, \"text\"}", super::MAX_BODY).await?;
    let frame_id = body.id.unwrap_or_else(|| format!("api-{}", &crate::auth::new_token()[..24]));
    write(env, &site, id, me.name, frame_id, ClientMsg::Send { text: body.text }).await
}

/// `POST /api/v1/sites/{site}/conversations/{id}/close` [`CloseWith`] →
/// 201 [`Stored`]: closed with that outcome, if the workflow allows it now
/// (`illegalMove` with the reason if not).
pub async fn close(mut req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Reply).await?;
    let site = own_site(&me, site)?;
    let body: CloseWith = super::json(&mut req, "{\"outcome\"}", super::MAX_BODY).await?;
    let frame_id = format!("api-close-{}", &crate::auth::new_token()[..16]);
    let msg = ClientMsg::Act { event: shared::workflow::Event::Close { outcome: body.outcome } };
    write(env, &site, id, me.name, frame_id, msg).await
}

/// Writes one frame into conversation `id` as `name`: its ack as
/// [`Stored`], or its refusal.
async fn write(env: &Env, site: &SiteId, id: &str, name: String, frame_id: String, msg: ClientMsg) -> RouteResult {
    let unknown = || RouteError::refused(ErrorCode::UnknownConversation, "no conversation of this site has this id");
    let conversation: ConversationId = id.parse().map_err(|_| unknown())?;
    let frame = ClientEnvelope { v: PROTOCOL_VERSION, id: frame_id, msg };
    let frame = shared::decode_client(&serde_json::to_string(&frame).map_err(crate::error::internal)?)
        .map_err(|e| RouteError::BadRequest(e.to_string()))?;
    let call = RoomCall::Write { site: site.to_string(), name, frame: Box::new(frame) };
    let stub = crate::calls::room::conversation(env, conversation.as_str())?;
    match crate::calls::ask::<ServerMsg>(&stub, &call).await?.ok_or_else(unknown)? {
        ServerMsg::Ack { seq, at } => Ok(Response::from_json(&Stored { seq, at })?.with_status(201)),
        ServerMsg::Error { code, message, detail } => Err(RouteError::Said(shared::Refusal { code, message, detail })),
        _ => Err(crate::error::internal("an unexpected answer to a frame").into()),
    }
}

/// `GET` (the list) or `POST` ([`NewKey`] → 201 [`IssuedKey`], shown
/// once) `/api/console/sites/{site}/keys`.
pub async fn keys(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    if req.method() == worker::Method::Get {
        let list: Vec<shared::keys::ApiKey> =
            org(env, &me.org, OrgOp::Keys { org: me.org.clone(), site: site.to_string() }).await?;
        return Ok(Response::from_json(&list)?);
    }
    let new: NewKey = super::json(&mut req, "{\"label\", \"scope\": \"read\" | \"write\"}", super::MAX_BODY).await?;
    let label = shared::keys::label(&new.label).map_err(RouteError::BadRequest)?;
    let by = super::accounts::by(&me);
    let create = crate::org::keys::Create { by, by_name: me.name, site: site.to_string(), label, scope: new.scope };
    let issued: IssuedKey = org(env, &me.org, OrgOp::KeyCreate(create)).await?;
    Ok(Response::from_json(&issued)?.with_status(201))
}

/// `POST /api/console/sites/{site}/keys/{id}/revoke`: the key stops working at once.
pub async fn revoke(req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    let by = super::accounts::by(&me);
    let () = org(env, &me.org, OrgOp::KeyRevoke { by, site: site.to_string(), id: id.to_owned() }).await?;
    Ok(Response::empty()?)
}

#[cfg(test)]
mod tests {
    /// The `/api/v1` routes the router has, as `(method, path)`.
    fn routed() -> Vec<(String, String)> {
        let router = include_str!("../router.rs");
        let mut out = Vec::new();
        for line in router.lines().filter(|l| l.contains(r#"["api", "v1", "sites""#)) {
            let (methods, pattern) = line.split_once(", [").expect("(Method::X, [..])");
            let path: Vec<String> = pattern
                .split(']')
                .next()
                .unwrap()
                .split(", ")
                .map(|s| if s.starts_with('"') { s.trim_matches('"').to_owned() } else { format!("{{{s}}}") })
                .collect();
            for method in methods.split("Method::").skip(1) {
                let method = method.split(|c: char| !c.is_alphanumeric()).next().unwrap().to_lowercase();
                out.push((method, format!("/{}", path.join("/"))));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_openapi_document_describes_exactly_the_routes_there_are() {
        let mut documented: Vec<(String, String)> =
            shared::openapi::operations().into_iter().map(|(m, p)| (m.to_owned(), format!("/api/v1{p}"))).collect();
        documented.sort();
        assert_eq!(routed(), documented);
        let served: serde_json::Value = serde_json::from_str(include_str!("../../../shared/openapi.json")).unwrap();
        assert_eq!(served, shared::openapi::document(), "the served file is the document");
    }
}
