//! Public channels: the customer's socket to a site's channel, attached to
//! the member's relay of the channel ([`crate::relay`]). The visitor token
//! identifies the member (sanctions are tied to it); the display name is
//! checked here (its length, and that no reader could take it for the
//! site's staff: `shared::names`); the Channel object decides the rest.
//! Also a viewer's report of a message, and a member's file upload.

use shared::api::{Thanks, ViewerReport};
use shared::moderation_case::Room;
use shared::{ErrorCode, SiteId};
use worker::{Env, Request};

use super::files::Target;
use super::{query, socket_request};
use crate::calls::room::Uploader;
use crate::error::{RouteError, RouteResult};
use crate::headers::{CHANNEL, MEMBER, NAME, ROLE, SITE};
use crate::socket::{self, CLOSE_BAD_REQUEST, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND};

/// Longest display name in a channel.
const MAX_NAME: usize = 40;

/// The refusal of a visitor token this service did not issue for the site.
const NOT_ISSUED: &str = "a visitor token issued by this service for the site is required";

/// The site and channel of a channel route, both checked against the
/// site's settings; `Err` is the refusal to answer on the socket.
pub async fn channel_of(
    env: &Env,
    site: &str,
    channel: &str,
) -> Result<Result<SiteId, (ErrorCode, String)>, RouteError> {
    let unknown = || Ok(Err((ErrorCode::UnknownSite, "no site has this id".into())));
    let Ok(site) = site.parse::<SiteId>() else { return unknown() };
    let Some(settings) = crate::settings_cache::settings(env, site.as_str()).await? else { return unknown() };
    if !settings.config.has_channel(channel) {
        return Ok(Err((ErrorCode::UnknownChannel, format!("this site has no channel {channel:?}"))));
    }
    Ok(Ok(site))
}

/// As [`channel_of`], the refusal as the route's error.
async fn site_of(env: &Env, site: &str, channel: &str) -> Result<SiteId, RouteError> {
    match channel_of(env, site, channel).await? {
        Ok(site) => Ok(site),
        Err((ErrorCode::UnknownSite, msg)) => Err(RouteError::UnknownSite(msg)),
        Err((_, msg)) => Err(RouteError::UnknownChannel(msg)),
    }
}

/// A display name as a channel takes it (trimmed): 1–[`MAX_NAME`]
/// characters, none a control, and none a reader could take for the
/// site's staff; `Err` is the refusal.
async fn display_name(env: &Env, site: &SiteId, name: &str) -> Result<Result<String, shared::Refusal>, RouteError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        let why = format!("a display name is 1–{MAX_NAME} characters");
        return Ok(Err(shared::Refusal::new(ErrorCode::Malformed, why)));
    }
    let staff = crate::settings_cache::settings(env, site.as_str()).await?.map(|s| s.config.staff_names.clone());
    if shared::names::imitates_staff(name, site.as_str())
        || shared::names::takes_staff_name(name, &staff.unwrap_or_default())
    {
        let why = format!("“{name}” could be taken for the site's staff: choose another name");
        return Ok(Err(shared::Refusal::new(ErrorCode::Forbidden, why).with(shared::Detail::StaffName)));
    }
    Ok(Ok(name.to_owned()))
}

/// `POST /api/sites/{site}/channels/{channel}/files?id=&name=&as=`: a
/// member's file, from the channel app, with their visitor token as the
/// bearer and their display name as `as` (checked as at the socket).
/// Where the site's channels take no files: 403.
pub async fn upload(req: Request, env: &Env, site: &str, channel: &str) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("files are sent only from the channel app".into()));
    }
    let site = site_of(env, site, channel).await?;
    let header = req.headers().get("Authorization")?.unwrap_or_default();
    let visitor = header.strip_prefix("Bearer ").map(str::trim).unwrap_or_default();
    if !shared::api::visitor_token_ok(visitor) || !super::visitors::issued(env, site.as_str(), visitor) {
        return Err(RouteError::refused(ErrorCode::Unauthorized, NOT_ISSUED));
    }
    let name = query(&req, "as")?.unwrap_or_default();
    let name = display_name(env, &site, &name).await?.map_err(RouteError::Said)?;
    let uploader = Uploader::Member { member: crate::auth::member_id(visitor), name, channel: channel.to_owned() };
    let room = Room::Channel(channel.to_owned());
    let target = Target {
        stub: crate::calls::room::stub(env, site.as_str(), &room)?,
        room: crate::calls::room::channel_room_id(site.as_str(), channel),
        channel: true,
    };
    super::files::upload(req, env, Some(site.to_string()), uploader, target).await
}

/// `POST /api/sites/{site}/channels/{channel}/messages/{seq}/report`
/// `{"visitor", "reason"}`: a viewer reports a published message to the
/// site's moderators (the channel files it with the desk: one line per
/// message, each further viewer raising it a step). 404: no such channel
/// or message (or it was removed); 429 past 30 reports an hour from one
/// caller address.
pub async fn report(mut req: Request, env: &Env, site: &str, channel: &str, seq: &str) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("messages are reported only from the channel app".into()));
    }
    let site = site_of(env, site, channel).await?;
    let seq: u64 = seq.parse().map_err(|_| RouteError::BadRequest(format!("{seq:?} is not a message's number")))?;
    let body: ViewerReport =
        super::json(&mut req, "{\"visitor\": \"…\", \"reason\": \"spam\"}", super::MAX_BODY).await?;
    if !shared::api::visitor_token_ok(&body.visitor) {
        return Err(RouteError::BadRequest("a visitor token (64 hex digits) is required".into()));
    }
    if !super::visitors::issued(env, site.as_str(), &body.visitor) {
        return Err(RouteError::refused(ErrorCode::Unauthorized, NOT_ISSUED));
    }
    // Made-up visitor tokens must not multiply one person's reports.
    let caller = super::accounts::address(&req)?;
    let key = format!("report:{}", &crate::auth::token_digest(&caller)[..16]);
    if let Some(wait) = crate::calls::index::count(env, &key, REPORTS_PER_ADDRESS_HOUR, 3_600_000).await?.wait_ms {
        return Err(RouteError::Said(shared::Refusal::too_fast("reporting messages", wait)));
    }
    let call = crate::calls::room::RoomCall::Report(crate::calls::room::ViewerReport {
        member: crate::auth::member_id(&body.visitor),
        seq,
        reason: body.reason,
    });
    let room = shared::moderation_case::Room::Channel(channel.to_owned());
    let answer = crate::calls::post(&crate::calls::room::stub(env, site.as_str(), &room)?, &call).await?;
    match answer.status_code() {
        200..=204 => Ok(worker::Response::from_json(&Thanks { text: THANKS.into() })?),
        404 => Err(RouteError::NotFound),
        s => Err(RouteError::from(crate::error::internal(format!("the channel answered {s}")))),
    }
}

/// Reports one caller address (an IPv6 one's /64) may make in an hour.
const REPORTS_PER_ADDRESS_HOUR: usize = 30;

/// What a viewer who reported a message reads.
const THANKS: &str = "Thank you: the moderators will look at this message.";

/// `GET /api/sites/{site}/channels/{channel}/ws?name=…&after=N`, the
/// visitor's token offered as the `v.<token>` protocol beside `chat`.
pub async fn customer_socket(req: Request, env: &Env, site: &str, channel: &str) -> RouteResult {
    if !socket::is_upgrade(&req) {
        return Err(RouteError::UpgradeRequired);
    }
    if let Some(refused) = super::refuse_cross_origin(&req)? {
        return Ok(refused);
    }
    let site = match channel_of(env, site, channel).await? {
        Ok(site) => site,
        Err((code, msg)) => return Ok(socket::refuse(code, &msg, CLOSE_NOT_FOUND)?),
    };
    if let Some(refusal) = socket::secret_in_address(&req, "visitor")? {
        return Ok(refusal);
    }
    let visitor = crate::socket::secret(&req, "v.")?;
    if !super::visitors::issued(env, site.as_str(), &visitor) {
        return Ok(socket::refuse(ErrorCode::Unauthorized, NOT_ISSUED, socket::CLOSE_UNAUTHORIZED)?);
    }
    let name = query(&req, "name")?.unwrap_or_default();
    let name = match display_name(env, &site, &name).await? {
        Ok(name) => name,
        Err(refusal) => {
            let close = if refusal.code == ErrorCode::Forbidden { CLOSE_FORBIDDEN } else { CLOSE_BAD_REQUEST };
            return Ok(socket::refused(refusal, close)?);
        }
    };
    let member = crate::auth::member_id(&visitor);
    // Headers carry Latin-1 only: the name travels percent-encoded.
    let name = shared::api::encode_query(&name);
    let headers = [
        (ROLE, "customer"),
        (MEMBER, member.as_str()),
        (NAME, name.as_str()),
        (SITE, site.as_str()),
        (CHANNEL, channel),
    ];
    let inner = socket_request(&req, &headers)?;
    let relay = crate::calls::relay::relay_of(&member);
    Ok(crate::calls::relay::stub(env, site.as_str(), channel, relay)?.fetch_with_request(inner).await?)
}
