//! Operator routes: the site inbox socket, a conversation socket, a channel
//! socket, the moderation desk (forwarded to the site's Inbox) and the
//! site's configuration. Every one checks the session (cookie), the role's
//! capability and that the site is one of the caller's organisation
//! ([`crate::session`]); state-changing ones also the anti-CSRF token.

use shared::api::DeskRoute;
use shared::site::SiteConfig;
use shared::staff::{Capability, Me};
use shared::{ConversationId, ErrorCode, SiteId, WireName};
use worker::{Env, Request, Response};

use super::{query, socket_request};
use crate::calls::inbox::{DeskAsk, DeskCall, InboxCall};
use crate::error::{RouteError, RouteResult};
use crate::headers::{ACCOUNT, ROLE, SITE, STAFF};
use crate::session::{own_site, staff};
use crate::socket::{self, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHORIZED};
use shared::scope::Scope;

/// An operator socket being opened: who, on which site, its row.
struct Opening {
    me: Me,
    site: SiteId,
    row: crate::org::sockets::Opened,
}

impl Opening {
    /// The internal headers that tell an object who the operator is (and
    /// the socket's row tag); `extra` besides.
    fn headers<'a>(&'a self, extra: &[(&'static str, &'a str)]) -> Vec<(&'static str, &'a str)> {
        let me = &self.me;
        let mut headers = vec![
            (ROLE, "operator"),
            (ACCOUNT, me.account.as_str()),
            (STAFF, me.role.as_str()),
            (SITE, self.site.as_str()),
            (crate::headers::SOCKET_ROW, self.row.tag.as_str()),
        ];
        headers.extend_from_slice(extra);
        headers
    }

    /// Forwards the upgrade to the object; once it accepted the socket,
    /// the organisation writes its row (and drops it at once if the access
    /// it was checked with ended meanwhile).
    async fn open(self, stub: worker::Stub, inner: Request, env: &Env) -> RouteResult {
        let resp = stub.fetch_with_request(inner).await?;
        if resp.headers().get(crate::headers::OPENED)?.is_none() {
            return Ok(resp);
        }
        let client = resp.websocket().ok_or_else(|| crate::error::internal("an accepted upgrade without a socket"))?;
        let () = crate::session::org(env, &self.me.org, crate::org::ops::OrgOp::Opened(self.row)).await?;
        Ok(socket::upgraded(client)?)
    }
}

/// The checks of every operator socket: an upgrade, from the console's own
/// origin, signed in with a role that may `cap`, on a site of the caller's
/// organisation. `Err` is the refusal to answer with (on the socket, so the
/// browser can read why).
async fn operator_handshake(
    req: &Request,
    env: &Env,
    cap: Capability,
    site: &str,
    object: (&str, &str),
) -> Result<Result<Opening, Response>, RouteError> {
    if !socket::is_upgrade(req) {
        return Err(RouteError::UpgradeRequired);
    }
    if let Some(refused) = super::refuse_cross_origin(req)? {
        return Ok(Err(refused));
    }
    let (me, line) = match crate::session::checked(req, env, cap, None, crate::session::Gate::Enrolled).await {
        Ok(c) => (c.me, c.line),
        Err(RouteError::Said(r)) if r.code.http_status() == 403 => {
            return Ok(Err(socket::refuse(r.code, &r.message, CLOSE_FORBIDDEN)?))
        }
        Err(RouteError::Said(r)) => return Ok(Err(socket::refuse(r.code, &r.message, CLOSE_UNAUTHORIZED)?)),
        Err(RouteError::Unauthorized) => {
            return Ok(Err(socket::refuse(ErrorCode::Unauthorized, "not signed in", CLOSE_UNAUTHORIZED)?))
        }
        Err(e) => return Err(e),
    };
    let Ok(site) = own_site(&me, site) else {
        return Ok(Err(socket::refuse(ErrorCode::UnknownSite, "no site has this id", CLOSE_NOT_FOUND)?));
    };
    let row = crate::org::sockets::Opened {
        tag: socket::new_row_tag(&me.org),
        line,
        account: me.account.clone(),
        role: me.role,
        site: site.to_string(),
        binding: object.0.to_owned(),
        object: object.1.to_owned(),
    };
    Ok(Ok(Opening { me, site, row }))
}

/// `GET /api/console/sites/{site}/conversations/{id}/ws?after=N`.
pub async fn conversation_socket(req: Request, env: &Env, site: &str, id: &str) -> RouteResult {
    let Ok(id) = id.parse::<ConversationId>() else {
        return Ok(socket::refuse(ErrorCode::UnknownConversation, "no conversation has this id", CLOSE_NOT_FOUND)?);
    };
    let object = (crate::calls::room::CONVERSATION, id.as_str());
    let opening = match operator_handshake(&req, env, Capability::ReadConversations, site, object).await? {
        Ok(ok) => ok,
        Err(refused) => return Ok(refused),
    };
    let display = shared::api::encode_query(&opening.me.name);
    let inner = socket_request(&req, &opening.headers(&[(crate::headers::NAME, display.as_str())]))?;
    opening.open(crate::calls::room::conversation(env, id.as_str())?, inner, env).await
}

/// `GET /api/console/sites/{site}/inbox/ws?scope=`: the site's live list,
/// the scope's lines only (`shared::scope::Scope`; all by default).
pub async fn inbox_socket(req: Request, env: &Env, site: &str) -> RouteResult {
    let Some(scope) = scope_of(&req)? else {
        return Ok(socket::refuse(
            ErrorCode::Malformed,
            "scope: all, mine, unassigned or team:<id>",
            socket::CLOSE_BAD_REQUEST,
        )?);
    };
    let list = crate::calls::inbox::Part::List.object(site);
    let object = (crate::calls::inbox::BINDING, list.as_str());
    let opening = match operator_handshake(&req, env, Capability::ReadConversations, site, object).await? {
        Ok(ok) => ok,
        Err(refused) => return Ok(refused),
    };
    let (display, scope) = (shared::api::encode_query(&opening.me.name), scope.to_string());
    let extra = [(crate::headers::NAME, display.as_str()), (crate::headers::SCOPE, scope.as_str())];
    let inner = socket_request(&req, &opening.headers(&extra))?;
    let stub = crate::calls::inbox::part(env, opening.site.as_str(), crate::calls::inbox::Part::List)?;
    opening.open(stub, inner, env).await
}

/// A request's `scope` (all if absent; `None`: not a scope).
fn scope_of(req: &Request) -> Result<Option<Scope>, RouteError> {
    Ok(match super::query(req, "scope")? {
        None => Some(Scope::All),
        Some(s) => Scope::parse(&s),
    })
}

/// `GET /api/console/sites/{site}/inbox?scope=&before=&id=`: an older page
/// of the inbox ([`shared::api::inbox_page_path`]).
pub async fn inbox_page(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let site = own_site(&me, site)?;
    let bad = || RouteError::BadRequest("scope, before (ms) and id are needed".into());
    let scope = scope_of(&req)?.ok_or_else(bad)?;
    let before = super::query(&req, "before")?.and_then(|b| b.parse::<u64>().ok()).ok_or_else(bad)?;
    // Calls cross JSON as JS numbers: a later time than 2^53 ms is "newest".
    let before = before.min((1 << 53) - 1);
    let id = super::query(&req, "id")?.filter(|id| id.len() <= 64).ok_or_else(bad)?;
    let call = InboxCall::Page { scope: scope.to_string(), me: me.name.clone(), before, id };
    Ok(Response::from_json(&crate::calls::inbox::page(env, site.as_str(), call).await?)?)
}

/// `GET` / `PUT /api/console/sites/{site}/config`: the site's configuration,
/// read (anyone signed in: operators need the canned responses) or replaced
/// whole (settings editors; validated, rules compiled; the error names the
/// first problem).
pub async fn site_config(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let put = req.method() == worker::Method::Put;
    let cap = if put { Capability::EditSettings } else { Capability::ReadConversations };
    let me = staff(&req, env, cap).await?;
    let site = own_site(&me, site)?;
    if put {
        let config: SiteConfig = super::json(&mut req, "a site configuration", super::MAX_CONFIG_BODY).await?;
        config.validate().map_err(RouteError::BadRequest)?;
        shared::moderation::Rules::new(config.rules.clone()).map_err(|e| RouteError::BadRequest(e.to_string()))?;
        if let Some(h) = config.hours.iter().find(|h| !shared::hours::zone_exists(&h.time_zone)) {
            return Err(RouteError::BadRequest(format!("hours: {:?} is not a known time zone", h.time_zone)));
        }
        crate::calls::inbox::save_config(env, site.as_str(), &config).await?;
        crate::settings_cache::forget(site.as_str());
        return Ok(Response::from_json(&config)?);
    }
    // The console edits the settings as stored, not as cached.
    let settings = crate::calls::inbox::settings(env, site.as_str())
        .await?
        .ok_or_else(|| RouteError::UnknownSite(site.to_string()))?;
    Ok(Response::from_json(&settings.config)?)
}

/// `GET` / `PUT /api/console/sites/{site}/seats`: the operators' seats
/// (capacity, teams, skills, mentor), read by anyone signed in (the
/// console shows capacities) and set one at a time by supervisors, checked
/// against the site's teams.
pub async fn seats(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let put = req.method() == worker::Method::Put;
    let me = staff(&req, env, if put { Capability::Supervise } else { Capability::ReadConversations }).await?;
    let site = own_site(&me, site)?;
    if put {
        let seat: shared::routing::Seat = body(&mut req, "a seat {name, capacity, teams, skills, mentor}").await?;
        let settings = crate::calls::inbox::settings(env, site.as_str())
            .await?
            .ok_or_else(|| RouteError::UnknownSite(site.to_string()))?;
        let teams: Vec<&str> = settings.config.teams.iter().map(|t| t.id.as_str()).collect();
        seat.check(&teams).map_err(RouteError::BadRequest)?;
        crate::calls::inbox::set_seat(env, site.as_str(), seat.clone()).await?;
        return Ok(Response::from_json(&seat)?);
    }
    Ok(Response::from_json(&crate::calls::inbox::seats(env, site.as_str()).await?)?)
}

/// `GET` / `PUT /api/console/sites/{site}/shifts`: the signed-in
/// operator's own weekly shifts in their time zone (an empty week clears
/// them).
pub async fn shifts(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Reply).await?;
    let site = own_site(&me, site)?;
    if req.method() == worker::Method::Put {
        let shifts: shared::hours::Shifts = body(&mut req, "shifts {timeZone, week: [{day, from, to}]}").await?;
        shifts.check().map_err(RouteError::BadRequest)?;
        if !shared::hours::zone_exists(&shifts.time_zone) {
            return Err(RouteError::BadRequest(format!("shifts: {:?} is not a known time zone", shifts.time_zone)));
        }
        crate::calls::inbox::set_shifts(env, site.as_str(), &me.name, shifts.clone()).await?;
        return Ok(Response::from_json(&shifts)?);
    }
    Ok(Response::from_json(&crate::calls::inbox::shifts(env, site.as_str(), &me.name).await?.unwrap_or_default())?)
}

/// `GET /api/console/sites/{site}/coverage`: this week's coverage grid
/// (members on shift per team and hour, and the gaps), for supervisors.
pub async fn coverage(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Supervise).await?;
    let site = own_site(&me, site)?;
    Ok(Response::from_json(&crate::calls::inbox::coverage(env, site.as_str()).await?)?)
}

/// `GET /api/console/sites/{site}/performance?days=N&offset=M`: the
/// performance report of the last `N` days (1–366, default 7) with days in
/// a zone `M` minutes east of UTC: everyone's for supervisors, admins and
/// owners, the caller's own for anyone else who answers chats.
pub async fn performance(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Reply).await?;
    let site = own_site(&me, site)?;
    let number = |name: &str| -> Result<Option<i64>, RouteError> {
        super::query(&req, name)?
            .map(|v| v.parse::<i64>().map_err(|_| RouteError::BadRequest(format!("{name} must be a whole number"))))
            .transpose()
    };
    let days = number("days")?.unwrap_or(7);
    let offset = number("offset")?.unwrap_or(0);
    if !(1..=366).contains(&days) || !(-16 * 60..=16 * 60).contains(&offset) {
        return Err(RouteError::BadRequest("days is 1–366 and offset −960–960 minutes".into()));
    }
    let operator = (!me.role.may(Capability::Supervise)).then(|| me.name.clone());
    let call = InboxCall::Performance { days: days as u32, offset_ms: offset * 60_000, operator };
    Ok(Response::from_json(&crate::calls::inbox::performance(env, site.as_str(), call).await?)?)
}

/// `POST /api/console/sites/{site}/practice` `{"script"}`: starts a
/// practice run for the caller (a conversation of its own that the Worker
/// plays the customer in: no inbox line, no routing, no figures) →
/// `{"conversation"}`; a script takes what writing in its conversation
/// takes (`Script::needs`: moderating for moderation, replying else).
/// `GET`: practice results, newest first — everyone's for supervisors,
/// admins and owners; one's own and one's mentees' else.
pub async fn practice(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let site = own_site(&me, site)?;
    if req.method() == worker::Method::Get {
        let call = match me.role.may(Capability::Supervise) {
            true => InboxCall::PracticeResults { trainee: None, mentor: None },
            false => InboxCall::PracticeResults { trainee: Some(me.name.clone()), mentor: Some(me.name.clone()) },
        };
        return Ok(Response::from_json(&crate::calls::inbox::practice_results(env, site.as_str(), call).await?)?);
    }
    let start: shared::practice::StartPractice = body(&mut req, "{\"script\": \"...\"}").await?;
    let script = shared::practice::script(&start.script)
        .ok_or_else(|| RouteError::BadRequest(format!("no practice script {:?}", start.script)))?;
    if !me.role.may(script.needs()) {
        let msg = format!("a {} may not practise {}", me.role.as_str(), script.workflow.as_str());
        return Err(RouteError::refused(ErrorCode::Forbidden, msg));
    }
    let settings = crate::calls::inbox::settings(env, site.as_str())
        .await?
        .ok_or_else(|| RouteError::UnknownSite(site.to_string()))?;
    let practice = shared::practice::Practice { script: script.id.into(), trainee: me.name.clone() };
    let conversation = crate::auth::new_conversation_id();
    let meta = crate::calls::room::Meta {
        conversation: conversation.clone(),
        site,
        // Nobody connects as the customer: the token is thrown away.
        token_digest: crate::auth::token_digest(&crate::auth::new_token()),
        member: String::new(),
        created_at: worker::Date::now().as_millis(),
        practice: Some(serde_json::to_string(&practice).map_err(crate::error::internal)?),
        identity: None,
        visit: None,
    };
    let init = crate::calls::room::Init {
        meta,
        workflow: script.workflow,
        greeting: None,
        fields: Vec::new(),
        settings: (settings.version, settings.config),
    };
    let stub = crate::calls::room::conversation(env, conversation.as_str())?;
    crate::calls::tell(&stub, &crate::calls::room::RoomCall::Init(Box::new(init))).await?;
    Ok(Response::from_json(&shared::practice::PracticeStarted { conversation })?.with_status(201))
}

/// `GET` / `POST /api/console/sites/{site}/identity`: the site's identity
/// secret for its server to sign customers with (settings editors only);
/// `POST` replaces it.
pub async fn identity_secret(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site = own_site(&me, site)?;
    let rotate = req.method() == worker::Method::Post;
    let secret = crate::calls::inbox::identity_secret(env, site.as_str(), rotate).await?;
    Ok(Response::from_json(&shared::api::IdentitySecret { secret })?)
}

/// `GET /api/console/sites/{site}/channels/{channel}/ws?after=N`: a
/// moderator watching (and writing in) a channel, under their name.
pub async fn channel_socket(req: Request, env: &Env, site: &str, channel: &str) -> RouteResult {
    let name = crate::calls::room::channel_name(site, channel);
    let object = (crate::calls::room::CHANNEL, name.as_str());
    let opening = match operator_handshake(&req, env, Capability::Moderate, site, object).await? {
        Ok(ok) => ok,
        Err(refused) => return Ok(refused),
    };
    if let Err((code, msg)) = super::channels::channel_of(env, opening.site.as_str(), channel).await? {
        return Ok(socket::refuse(code, &msg, CLOSE_NOT_FOUND)?);
    }
    let display = shared::api::encode_query(&opening.me.name);
    let extra =
        [(crate::headers::MEMBER, ""), (crate::headers::NAME, display.as_str()), (crate::headers::CHANNEL, channel)];
    let inner = socket_request(&req, &opening.headers(&extra))?;
    let stub = env.durable_object(crate::calls::room::CHANNEL)?.get_by_name(&name)?;
    opening.open(stub, inner, env).await
}

/// The moderation desk's routes ([`DeskRoute`]), answered by the site's
/// Inbox object: reading needs the desk, acting moderation. The body is
/// checked and typed here; the moderator's name is their account's.
pub async fn desk(mut req: Request, env: &Env, site: &str, route: DeskRoute) -> RouteResult {
    let post = req.method() == worker::Method::Post;
    let me = staff(&req, env, if post { Capability::Moderate } else { Capability::ReadDesk }).await?;
    let site = own_site(&me, site)?;
    let call = match (post, route) {
        (false, DeskRoute::Reports) => DeskCall::Reports,
        (false, DeskRoute::Cases) => DeskCall::Cases,
        (false, DeskRoute::Sanctions) => DeskCall::Sanctions,
        (false, DeskRoute::Incidents) => DeskCall::Incidents {
            q: query(&req, "q")?.unwrap_or_default(),
            csv: query(&req, "format")?.as_deref() == Some("csv"),
        },
        (false, DeskRoute::Feedback) => DeskCall::Feedback { days: days(&req)? },
        (false, DeskRoute::Labels) => DeskCall::Labels {
            days: days(&req)?,
            limit: number(&req, "limit", "limit is a whole number of labels")?.unwrap_or(shared::feedback::LABELS_PAGE),
            before: number(&req, "before", "before is a label's number, from a Link header")?,
        },
        (true, DeskRoute::Review(report)) => {
            DeskCall::Review { report, review: body(&mut req, "{\"approve\": bool}").await? }
        }
        (true, DeskRoute::Cases) => DeskCall::OpenCase(body(&mut req, "{\"report\": id}").await?),
        (true, DeskRoute::Act(case)) => DeskCall::Act { case, act: body(&mut req, "{\"event\": ...}").await? },
        _ => return Err(RouteError::NotFound),
    };
    let ask = DeskAsk { site: site.to_string(), name: me.name, call };
    super::relay(crate::calls::inbox::desk(env, ask).await?).await
}

/// A request's `days` (default 30), or a 400.
fn days(req: &Request) -> Result<u32, RouteError> {
    Ok(number(req, "days", "days is a whole number of days")?.unwrap_or(30))
}

/// A request's whole-number query parameter `name`, or a 400 saying `what`.
fn number<T: std::str::FromStr>(req: &Request, name: &str, what: &str) -> Result<Option<T>, RouteError> {
    let value = query(req, name)?.map(|v| v.parse::<T>()).transpose();
    value.map_err(|_| RouteError::BadRequest(what.into()))
}

/// A request's JSON body, or a 400 saying what was expected.
async fn body<T: serde::de::DeserializeOwned>(req: &mut Request, what: &str) -> Result<T, RouteError> {
    super::json(req, what, super::MAX_BODY).await
}

/// `POST /api/console/sites/{site}/channels/{channel}/mode`
/// `{slowSeconds, locked}`: a moderator sets a channel's slow mode and
/// lock. Kept in the site's settings (one source for every room and
/// relay: the channel learns it as any settings change), so only these two
/// fields of this channel change.
pub async fn channel_mode(mut req: Request, env: &Env, site: &str, channel: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Moderate).await?;
    let site = own_site(&me, site)?;
    let mode: shared::site::ChannelMode = body(&mut req, "{\"slowSeconds\": 0-3600, \"locked\": bool}").await?;
    edit_config(env, &site, |config| {
        let def = config.channels.iter_mut().find(|c| c.id == channel).ok_or(RouteError::NotFound)?;
        (def.slow_seconds, def.locked) = (mode.slow_seconds, mode.locked);
        Ok(())
    })
    .await?;
    Ok(Response::from_json(&mode)?)
}

/// `POST /api/console/sites/{site}/channels/{channel}/messages/{seq}/remove`:
/// a moderator removes a published message for everyone. The channel
/// blanks it (its sequence number stays, a tombstone on every viewer's
/// list, live and after a reload) and files the original with the
/// moderation desk as evidence. 404: no such channel or message, or
/// already removed.
pub async fn remove_message(req: Request, env: &Env, site: &str, channel: &str, seq: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Moderate).await?;
    let site = own_site(&me, site)?;
    let seq: u64 = seq.parse().map_err(|_| RouteError::BadRequest(format!("{seq:?} is not a message's number")))?;
    let settings = crate::calls::inbox::settings(env, site.as_str())
        .await?
        .ok_or_else(|| RouteError::UnknownSite(site.to_string()))?;
    if !settings.config.channels.iter().any(|c| c.id == channel) {
        return Err(RouteError::NotFound);
    }
    let room = shared::moderation_case::Room::Channel(channel.to_owned());
    let stub = crate::calls::room::stub(env, site.as_str(), &room)?;
    let removal = crate::calls::room::Removal { seq, by: me.name.clone() };
    let answer = crate::calls::post(&stub, &crate::calls::room::RoomCall::Remove(removal)).await?;
    match answer.status_code() {
        200..=204 => Ok(Response::from_json(&serde_json::json!({ "removed": seq }))?),
        404 => Err(RouteError::NotFound),
        s => Err(RouteError::from(crate::error::internal(format!("the channel answered {s}")))),
    }
}

/// Changes part of a site's stored settings with `change`, checks the
/// whole and saves it (the parts and channels are told, the isolate's copy
/// forgotten): for moderators' changes that are not a settings editor's.
async fn edit_config(
    env: &Env,
    site: &SiteId,
    change: impl FnOnce(&mut SiteConfig) -> Result<(), RouteError>,
) -> Result<(), RouteError> {
    let settings = crate::calls::inbox::settings(env, site.as_str())
        .await?
        .ok_or_else(|| RouteError::UnknownSite(site.to_string()))?;
    let mut config = settings.config;
    change(&mut config)?;
    config.validate().map_err(RouteError::BadRequest)?;
    crate::calls::inbox::save_config(env, site.as_str(), &config).await?;
    crate::settings_cache::forget(site.as_str());
    Ok(())
}

/// `POST /api/console/sites/{site}/rules` `[rule, …]`: a moderator sets
/// the site's moderation rules (the rule form: each category's severity
/// and action). Checked as a whole: a rule that cannot work is refused
/// with its id, and nothing is saved.
pub async fn save_rules(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Moderate).await?;
    let site = own_site(&me, site)?;
    let rules: Vec<shared::rules::Rule> = body(&mut req, "[{\"id\", \"kind\", \"severity\", \"action\"}, …]").await?;
    shared::moderation::Rules::new(rules.clone()).map_err(|e| RouteError::BadRequest(e.to_string()))?;
    edit_config(env, &site, |config| {
        config.rules = rules.clone();
        Ok(())
    })
    .await?;
    Ok(Response::from_json(&rules)?)
}

/// `POST /api/console/sites/{site}/rules/test` `{"text"}`: the rule form's
/// test box. Screens the text as the site's rooms would (redaction, the
/// rules, the allowed words; no sender history) and says what would happen
/// and why. Nothing is stored, sent or reported.
pub async fn test_rules(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Moderate).await?;
    let site = own_site(&me, site)?;
    let test: shared::rules::RuleTest = body(&mut req, "{\"text\": \"...\"}").await?;
    shared::text::validate_text(&test.text).map_err(|e| RouteError::BadRequest(e.to_string()))?;
    let settings = crate::calls::inbox::settings(env, site.as_str())
        .await?
        .ok_or_else(|| RouteError::UnknownSite(site.to_string()))?;
    let config = settings.config;
    let rules = shared::moderation::Rules::new(config.rules.clone())
        .map_err(|e| RouteError::BadRequest(e.to_string()))?
        .allowing(&config.allowed_words);
    let (text, _) = shared::redact::redact(&test.text, config.redaction);
    let verdict = shared::moderation::evaluate(&text, worker::Date::now().as_millis(), &[], &rules);
    let action = verdict.action();
    Ok(Response::from_json(&shared::rules::RuleTestResult { text, hits: verdict.hits, action })?)
}

/// `POST /api/console/sites/{site}/allowed-words` `{"word"}`: a moderator
/// allows a word the rules matched by mistake (from a queue item); kept in
/// the site's settings (`allowedWords`), so every room stops matching it
/// at its next settings check. Allowing a word twice keeps it once.
pub async fn allow_word(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::Moderate).await?;
    let site = own_site(&me, site)?;
    let allow: shared::site::AllowWord = body(&mut req, "{\"word\": \"...\"}").await?;
    let word = allow.word.trim().to_owned();
    edit_config(env, &site, |config| {
        if !config.allowed_words.iter().any(|w| w.eq_ignore_ascii_case(&word)) {
            config.allowed_words.push(word.clone());
        }
        Ok(())
    })
    .await?;
    Ok(Response::from_json(&shared::site::AllowWord { word })?)
}
