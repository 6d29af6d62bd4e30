//! Customer routes: start a conversation, attach the customer's socket, read
//! the site's public widget configuration, count what the customer has not
//! read (the loader's badge).

use shared::api::{ConversationCreated, CreateConversation};
use shared::moderation_case::banning;
use shared::site::SiteConfig;
use shared::workflow::{apply, Event, State, WorkflowKind};
use shared::{ConversationId, ErrorCode, SiteId};
use worker::{Env, Request, Response};

use super::socket_request;
use crate::calls::room::{Init, Meta, RoomCall};
use crate::error::{RouteError, RouteResult};
use crate::headers::{ROLE, TOKEN};
use crate::socket;

/// `POST /api/conversations` `{"site", "trigger"?, "fields"?, "email"?}` → 201
/// `{"conversation", "token"}`. A trigger must be one of the site's (its
/// greeting opens a sales conversation); pre-chat fields must be the form's,
/// with every required one filled.
pub async fn create(mut req: Request, env: &Env) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("conversations are started only from the chat widget".into()));
    }
    let body: CreateConversation = super::json(&mut req, "{\"site\": \"...\"}", super::MAX_BODY).await?;
    let settings = crate::settings_cache::settings(env, body.site.as_str())
        .await?
        .ok_or_else(|| RouteError::UnknownSite(body.site.to_string()))?;
    let crate::calls::inbox::Settings { version, config } = (*settings).clone();
    // A logged-in customer: signed by the site's server, in time, or refused.
    // Its token records the secret's version: a later secret revokes it.
    let user = match &body.identity {
        Some(identity) => {
            let key = crate::calls::inbox::identity_key(env, body.site.as_str(), false).await?;
            let now_s = worker::Date::now().as_millis() / 1000;
            crate::identity::verify(&key.secret, body.site.as_str(), identity, now_s)
                .map_err(|why| RouteError::refused(ErrorCode::Forbidden, why))?;
            Some((identity.user.clone(), key.version))
        }
        None => None,
    };
    if body.resume && user.is_none() {
        return Err(RouteError::BadRequest("only a verified customer resumes".into()));
    }
    // The site's start rules pick the workflow by the host page's address.
    let page = body.page.as_deref().unwrap_or_default();
    if page.len() > shared::profile::PAGE_BYTES {
        return Err(RouteError::BadRequest("the page address is over 2,000 bytes".into()));
    }
    let start = shared::site::workflow_for(&config.starts, page);
    let (workflow, greeting) = match &body.trigger {
        None if body.fields.is_empty() => (start, None),
        _ => {
            check_fields(&config, &body.fields)?;
            match &body.trigger {
                None => (start, None),
                Some(id) => {
                    let t = config.trigger(id).ok_or_else(|| RouteError::BadRequest(format!("no trigger {id:?}")))?;
                    (WorkflowKind::Sales, Some(t.greeting.clone()))
                }
            }
        }
    };
    // A message left while away comes with an e-mail to answer to.
    if body.email.as_deref().is_some_and(|e| !shared::staff::email_ok(e)) {
        return Err(RouteError::BadRequest("the e-mail address is not valid".into()));
    }
    // Sanctions are tied to the visitor (a token this service issued: one
    // without gets a new one, counted against the caller address's
    // issuance limit), and a signed-in customer's to their user id (the
    // conversation's member then): a banned one starts and resumes
    // nothing, in this browser or another.
    let (visitor, issued) = super::visitors::own_or_new(&req, env, body.site.as_str(), body.visitor.as_deref()).await?;
    let member = crate::auth::member_id(&visitor);
    let user_member = user.as_ref().map(|(u, _)| crate::auth::member_id(&format!("user:{}|{u}", body.site)));
    for m in std::iter::once(&member).chain(&user_member).filter(|m| !m.is_empty()) {
        let now = worker::Date::now().as_millis();
        let records = crate::calls::inbox::sanctions_of(env, body.site.as_str(), m).await?.sanctions;
        if let Some(ban) = banning(&records, m, now) {
            return Err(RouteError::Said(ban.refusal(shared::ErrorCode::Banned)));
        }
    }
    // Limits: per address (also for callers without a visitor token, from
    // the CONVERSATIONS_PER_ADDRESS_HOUR variable), and per visitor (the
    // site's setting). Resuming (a logged-in customer's page view in a new
    // browser) has its own counters, six times as large, and one per user:
    // a leaked identity cannot mint tokens without end.
    let address = super::accounts::address(&req)?;
    let per_address = env.var("CONVERSATIONS_PER_ADDRESS_HOUR").map(|v| v.to_string()).unwrap_or_default();
    let (kind, scale, what) =
        if body.resume { ("r", 6, "resuming conversations") } else { ("", 1, "starting conversations") };
    let per_address: usize = per_address.parse().unwrap_or(60);
    let mut keys = vec![(format!("{kind}a:{}", &crate::auth::token_digest(&address)[..16]), per_address * scale)];
    if !member.is_empty() {
        let per_visitor = config.limits.conversations_per_hour as usize;
        keys.push((format!("{kind}v:{member}"), per_visitor * scale));
    }
    if let (true, Some((user, _))) = (body.resume, &user) {
        keys.push((format!("ru:{}", &crate::auth::token_digest(user)[..16]), RESUMES_PER_USER_HOUR));
    }
    for (key, limit) in keys {
        if let Err(wait_ms) = crate::calls::inbox::admit(env, body.site.as_str(), &key, limit).await? {
            return Err(RouteError::Said(shared::Refusal::too_fast(what, wait_ms)));
        }
    }
    // Resuming passes the ban check and the limits above, as starting does.
    if let (true, Some((user, version))) = (body.resume, &user) {
        return resume(env, &body.site, user, *version, issued).await;
    }
    let conversation = crate::auth::new_conversation_id();
    let token = crate::auth::new_token();
    let meta = Meta {
        conversation: conversation.clone(),
        site: body.site,
        token_digest: crate::auth::token_digest(&token),
        member: user_member.unwrap_or(member),
        created_at: worker::Date::now().as_millis(),
        practice: None,
        identity: user.as_ref().map(|(_, version)| *version),
        visit: serde_json::to_string(&visit(&req, page, user.as_ref().map(|(u, _)| u.as_str()))).ok(),
    };
    let site = meta.site.clone();
    let mut fields = body.fields;
    fields.extend(body.email.map(|e| ("email".to_owned(), e)));
    let init = Init { meta, workflow, greeting, fields, settings: (version, config) };
    let stub = crate::calls::room::conversation(env, conversation.as_str())?;
    crate::calls::tell(&stub, &RoomCall::Init(Box::new(init))).await?;
    if let Some((user, _)) = user {
        crate::calls::inbox::add_user_conversation(env, site.as_str(), &user, conversation.as_str()).await?;
    }
    Ok(Response::from_json(&ConversationCreated { conversation, token, visitor: issued })?.with_status(201))
}

/// How the customer came: the page, the browser's headers, the network's
/// time zone and country (Cloudflare's, on the request), the verified user.
fn visit(req: &Request, page: &str, user: Option<&str>) -> shared::profile::Visit {
    use shared::profile::{first_language, AGENT_CHARS};
    let header = |name: &str| req.headers().get(name).ok().flatten().filter(|v| !v.is_empty());
    let cf = |key: &str| {
        let cf = worker::js_sys::Reflect::get(req.inner(), &"cf".into()).ok()?;
        let v = worker::js_sys::Reflect::get(&cf, &key.into()).ok()?.as_string()?;
        (!v.is_empty() && v.len() <= 64).then_some(v)
    };
    shared::profile::Visit {
        page: Some(page.to_owned()).filter(|p| !p.is_empty()),
        agent: header("user-agent").map(|a| a.chars().take(AGENT_CHARS).collect()),
        language: header("accept-language").and_then(|l| first_language(&l)),
        time_zone: cf("timezone"),
        country: cf("country"),
        user: user.map(str::to_owned),
        pages: Vec::new(),
    }
}

/// How often an hour one verified user may resume (from any address).
const RESUMES_PER_USER_HOUR: usize = 60;

/// A verified customer's latest conversation, with a new token for this
/// browser (their history on another device); 404 if they have none.
async fn resume(env: &Env, site: &SiteId, user: &str, identity: u32, visitor: Option<String>) -> RouteResult {
    let none = || RouteError::refused(ErrorCode::UnknownConversation, "no earlier conversation");
    let id = crate::calls::inbox::latest_of(env, site.as_str(), user).await?.ok_or_else(none)?;
    let conversation: ConversationId = id.parse().map_err(|_| none())?;
    let token = crate::auth::new_token();
    let stub = crate::calls::room::conversation(env, conversation.as_str())?;
    crate::calls::tell(&stub, &RoomCall::Grant { digest: crate::auth::token_digest(&token), identity }).await?;
    Ok(Response::from_json(&ConversationCreated { conversation, token, visitor })?)
}

/// Pre-chat answers: only the form's fields, each valid, every required one.
fn check_fields(config: &SiteConfig, fields: &[(String, String)]) -> Result<(), RouteError> {
    if fields.is_empty() {
        return Ok(());
    }
    let mut state = State::default();
    for (id, value) in fields {
        if !config.fields.iter().any(|f| &f.id == id) {
            return Err(RouteError::BadRequest(format!("the form has no field {id:?}")));
        }
        let event = Event::Collect { field: id.clone(), value: value.clone() };
        state = apply(&state, &event).map_err(|e| RouteError::BadRequest(format!("{id}: {e}")))?.0;
    }
    match config.fields.iter().find(|f| f.required && state.field(&f.id).is_none()) {
        Some(f) => Err(RouteError::BadRequest(format!("{} is required", f.label))),
        None => Ok(()),
    }
}

/// `GET /api/sites/{site}/widget?l=`: the public part of the site's
/// configuration (pre-chat form, proactive triggers), for the loader on a
/// host page of one of the site's allowed origins (and for no other), with
/// the launcher's words in the visitor's language (as the app pages choose
/// it: `l`, the browser's, the site's).
pub async fn widget_config(req: &Request, env: &Env, site: &str) -> RouteResult {
    let site: SiteId = site.parse().map_err(|_| RouteError::UnknownSite(site.to_owned()))?;
    let (settings, origin) = embedding(req, env, &site).await?;
    let locale = super::pages::locale(req, Some(&settings.config.appearance.locale))?;
    let mut words = shared::site::LauncherWords::of(locale);
    // The site's own words beside the icon name it too (WCAG 2.5.3).
    if !settings.config.appearance.launcher.is_empty() {
        words.open = settings.config.appearance.launcher.clone();
    }
    let config = shared::site::WidgetConfig { words, ..settings.config.widget() };
    let mut resp = allow_origin(Response::from_json(&config)?, &origin)?;
    resp.headers_mut().set("Vary", "Origin, Accept-Language")?;
    Ok(resp)
}

/// `POST /api/sites/{site}/unread` [`shared::api::UnreadQuery`] (any content
/// type: the loader sends `text/plain`, a request without preflight) →
/// [`shared::api::Unread`], for a host page of one of the site's origins;
/// the loader asks at each page view, so its page goes to the profile.
/// One call to the conversation's object (none to the site's Inbox: the
/// settings are the isolate's copy). A wrong token or another site's
/// conversation is `unknownConversation`, as an unknown id.
pub async fn unread(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let site: SiteId = site.parse().map_err(|_| RouteError::UnknownSite(site.to_owned()))?;
    let (_, origin) = embedding(&req, env, &site).await?;
    let what = "{\"conversation\", \"token\", \"after\", \"page\"?}";
    let q: shared::api::UnreadQuery = super::json(&mut req, what, 3_072).await?;
    let digest = crate::auth::token_digest(&q.token);
    let call = RoomCall::Unread { site: site.to_string(), digest, after: q.after, page: q.page };
    let stub = crate::calls::room::conversation(env, q.conversation.as_str())?;
    let unread: Option<shared::api::Unread> = crate::calls::ask(&stub, &call).await?;
    let unknown = || RouteError::refused(ErrorCode::UnknownConversation, "no such conversation for this token");
    allow_origin(Response::from_json(&unread.ok_or_else(unknown)?)?, &origin)
}

/// The site's settings (the isolate's copy) for a host page of one of its
/// allowed origins, and that origin; any other is refused.
pub async fn embedding(
    req: &Request,
    env: &Env,
    site: &SiteId,
) -> Result<(std::rc::Rc<crate::calls::inbox::Settings>, String), RouteError> {
    let settings = crate::settings_cache::settings(env, site.as_str())
        .await?
        .ok_or_else(|| RouteError::UnknownSite(site.to_string()))?;
    let origin = super::origin(req)?.unwrap_or_default();
    if !settings.config.origin_allowed(&origin) {
        return Err(RouteError::CrossOrigin(format!("the origin {origin:?} may not embed this site's chat")));
    }
    Ok((settings, origin))
}

/// `resp` readable by the host page of `origin`.
pub fn allow_origin(mut resp: Response, origin: &str) -> RouteResult {
    resp.headers_mut().set("Access-Control-Allow-Origin", origin)?;
    resp.headers_mut().set("Vary", "Origin")?;
    Ok(resp)
}

/// `GET /api/conversations/{id}/ws?after=N`, the token offered as the
/// `t.<token>` protocol beside `chat`: the customer's socket.
/// A bad id or token is answered on the socket with a typed error.
pub async fn customer_socket(req: Request, env: &Env, id: &str) -> RouteResult {
    if !socket::is_upgrade(&req) {
        return Err(RouteError::UpgradeRequired);
    }
    if let Some(refused) = super::refuse_cross_origin(&req)? {
        return Ok(refused);
    }
    let Ok(id) = id.parse::<ConversationId>() else {
        return Ok(socket::refuse(
            ErrorCode::UnknownConversation,
            "no conversation has this id",
            crate::socket::CLOSE_NOT_FOUND,
        )?);
    };
    if let Some(refusal) = crate::socket::secret_in_address(&req, "token")? {
        return Ok(refusal);
    }
    let token = crate::socket::secret(&req, "t.")?;
    if token.is_empty() {
        return Ok(socket::refuse(ErrorCode::Unauthorized, "a token is required", crate::socket::CLOSE_UNAUTHORIZED)?);
    }
    let inner = socket_request(&req, &[(ROLE, "customer"), (TOKEN, &token)])?;
    Ok(crate::calls::room::conversation(env, id.as_str())?.fetch_with_request(inner).await?)
}
