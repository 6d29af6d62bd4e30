//! Account routes: sign in and out (here and everywhere), the session (and
//! its rotation), accepting an invitation, the organisation's people
//! (invite, change a role, remove) and sites, and the first-run seed.

use shared::staff::{Accept, Capability, Invite, Invited, Login, Me, NewSite, People, Seed, SetRole, SiteEntry};
use shared::ErrorCode;
use worker::{Env, Request, Response};

use crate::directory::ops::{
    self, AcceptOp, By, Candidate, Checked, DirectoryOp, InviteOp, Issue, Issued, PersonOp, Rotation, SiteOp,
};
use crate::error::{RouteError, RouteResult};
use crate::session::{self, cleared_cookie, cookie, directory, seconds, staff, ttl_ms, with_cookie};

/// The caller's address (rate limits).
fn address(req: &Request) -> Result<String, RouteError> {
    Ok(req.headers().get("CF-Connecting-IP")?.unwrap_or_else(|| "local".into()))
}

async fn json_body<T: serde::de::DeserializeOwned>(req: &mut Request, what: &str) -> Result<T, RouteError> {
    super::json(req, what, super::MAX_BODY).await
}

/// The answer to a sign-in: who, and the cookie.
fn signed_in(env: &Env, issued: Issued) -> RouteResult {
    let resp = Response::from_json(&issued.me)?;
    with_cookie(resp, &cookie(&issued.token, ttl_ms(env) / 1000))
}

fn wrong_credentials() -> RouteError {
    RouteError::Refused(ErrorCode::Unauthorized, "wrong e-mail address or password".into())
}

/// `POST /api/auth/login` [`Login`] → [`Me`] and the session cookie. Limited
/// per e-mail address and per caller address; an unknown address costs the
/// same hashing as a wrong password.
pub async fn login(mut req: Request, env: &Env) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("sign in from this service's console".into()));
    }
    let body: Login = json_body(&mut req, "{\"email\", \"password\"}").await?;
    let email = shared::staff::normalize_email(&body.email);
    if !shared::staff::email_ok(&email) {
        return Err(RouteError::BadRequest("not an e-mail address".into()));
    }
    if body.password.chars().count() > shared::staff::MAX_PASSWORD_CHARS {
        return Err(wrong_credentials());
    }
    let begin = ops::LoginBegin {
        email,
        address: address(&req)?,
        address_limit: seconds(env, "LOGINS_PER_ADDRESS", 50) as usize,
        window_ms: ops::login_window_ms(env),
    };
    let candidate: Candidate = directory(env, DirectoryOp::LoginBegin(begin)).await?;
    let ok = crate::password::verify(&body.password, &candidate.hash).map_err(crate::error::internal)?;
    let Some(account) = candidate.account.filter(|_| ok) else {
        return Err(wrong_credentials());
    };
    let issued: Issued = directory(env, DirectoryOp::LoginFinish(Issue { account, ttl_ms: ttl_ms(env) })).await?;
    signed_in(env, issued)
}

/// `GET /api/auth/session` → [`Me`]; a session older than
/// `SESSION_ROTATE_SECONDS` (15 min) gets a new token (cookie) and the old
/// one stops working `SESSION_GRACE_SECONDS` (30 s) later.
pub async fn current(req: Request, env: &Env) -> RouteResult {
    let rotation = Rotation {
        after_ms: seconds(env, "SESSION_ROTATE_SECONDS", 15 * 60) * 1000,
        grace_ms: seconds(env, "SESSION_GRACE_SECONDS", 30) * 1000,
        ttl_ms: ttl_ms(env),
    };
    let checked: Checked = session::checked(&req, env, Capability::ReadConversations, None, Some(rotation)).await?;
    let resp = Response::from_json(&checked.me)?;
    match checked.rotated {
        Some(token) => with_cookie(resp, &cookie(&token, ttl_ms(env) / 1000)),
        None => Ok(resp),
    }
}

/// `POST /api/auth/logout`: ends this session.
pub async fn logout(req: Request, env: &Env) -> RouteResult {
    staff(&req, env, Capability::ReadConversations, None).await?;
    let token = session::token(&req).unwrap_or_default();
    let () = directory(env, DirectoryOp::Logout(token)).await?;
    with_cookie(Response::empty()?.with_status(204), &cleared_cookie())
}

/// `POST /api/auth/logout-all`: ends every session of the account and
/// closes its sockets.
pub async fn logout_all(req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations, None).await?;
    let () = directory(env, DirectoryOp::LogoutAll(me.account)).await?;
    with_cookie(Response::empty()?.with_status(204), &cleared_cookie())
}

/// `POST /api/auth/accept` [`Accept`] → [`Me`] and a session cookie.
pub async fn accept(mut req: Request, env: &Env) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("accept invitations in this service's console".into()));
    }
    let body: Accept = json_body(&mut req, "{\"token\", \"name\", \"password\"}").await?;
    if !crate::auth::token_ok(&body.token) {
        return Err(RouteError::Refused(
            ErrorCode::NotFound,
            "this invitation link is unknown, used or expired".into(),
        ));
    }
    if let Some(problem) = shared::staff::password_problem(&body.password) {
        return Err(RouteError::BadRequest(problem));
    }
    // No password hash is spent on a link that does not work.
    let () = directory(env, DirectoryOp::CheckInvite(body.token.clone())).await?;
    let hash = crate::password::hash(&body.password).map_err(crate::error::internal)?;
    let op = AcceptOp { token: body.token, name: body.name, hash, ttl_ms: ttl_ms(env) };
    let issued: Issued = directory(env, DirectoryOp::Accept(op)).await?;
    signed_in(env, issued)
}

fn by(me: &Me) -> By {
    By { account: me.account.clone(), org: me.org.clone(), role: me.role }
}

/// `GET /api/org/people` → [`People`].
pub async fn people(req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::ViewPeople, None).await?;
    let people: People = directory(env, DirectoryOp::People(me.org)).await?;
    Ok(Response::from_json(&people)?)
}

/// `POST /api/org/invitations` [`Invite`] → [`Invited`] (the link's secret, once).
pub async fn invite(mut req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople, None).await?;
    let body: Invite = json_body(&mut req, "{\"email\", \"role\"}").await?;
    if !shared::staff::email_ok(&shared::staff::normalize_email(&body.email)) {
        return Err(RouteError::BadRequest("not an e-mail address".into()));
    }
    let invited: Invited =
        directory(env, DirectoryOp::Invite(InviteOp { by: by(&me), email: body.email, role: body.role })).await?;
    Ok(Response::from_json(&invited)?.with_status(201))
}

/// `POST /api/org/people/{account}/role` [`SetRole`] or `…/remove`: the
/// person's open sockets close at once (removed: for good; a new role:
/// they reconnect under it).
pub async fn person(mut req: Request, env: &Env, account: &str, remove: bool) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople, None).await?;
    let role = if remove { None } else { Some(json_body::<SetRole>(&mut req, "{\"role\"}").await?.role) };
    let () = directory(env, DirectoryOp::Person(PersonOp { by: by(&me), account: account.to_owned(), role })).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/org/people/{account}/sites` [`shared::staff::SetSites`]:
/// limits someone to some of the organisation's sites (empty: all).
pub async fn person_sites(mut req: Request, env: &Env, account: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople, None).await?;
    let body: shared::staff::SetSites = json_body(&mut req, "{\"sites\"}").await?;
    let sites = body.sites.into_iter().map(String::from).collect();
    let op = crate::directory::ops::AccessOp { by: by(&me), account: account.to_owned(), sites };
    let () = directory(env, DirectoryOp::Access(op)).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/org/sites` [`NewSite`] → [`SiteEntry`]: a new site with the
/// default settings but no allowed origins (fail closed).
pub async fn add_site(mut req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings, None).await?;
    let site: NewSite = json_body(&mut req, "{\"id\", \"name\"}").await?;
    let entry: SiteEntry = directory(env, DirectoryOp::Site(SiteOp { by: by(&me), site })).await?;
    crate::calls::inbox::register(env, entry.id.as_str()).await?;
    // A new site is embeddable nowhere until its owner lists its origins.
    let config = shared::site::SiteConfig { origins: Vec::new(), ..Default::default() };
    crate::calls::inbox::save_config(env, entry.id.as_str(), &config).await?;
    Ok(Response::from_json(&entry)?.with_status(201))
}

/// `POST /api/org/sites/{site}` [`NewSite`] (its `id` the same): renames a
/// site of the caller's organisation.
pub async fn rename_site(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings, None).await?;
    let id = crate::session::own_site(&me, site)?;
    let body: NewSite = json_body(&mut req, "{\"id\", \"name\"}").await?;
    let name = body.name.trim();
    if body.id != id || name.is_empty() || name.chars().count() > 80 {
        return Err(RouteError::BadRequest("a site name has 1 to 80 characters".into()));
    }
    let op = SiteOp { by: by(&me), site: NewSite { id, name: name.to_owned() } };
    let () = directory(env, DirectoryOp::RenameSite(op)).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/setup` [`Seed`] with `Authorization: Bearer <SETUP_KEY>`: an
/// organisation, its sites and accounts. Without a configured key the
/// route does not exist.
pub async fn setup(mut req: Request, env: &Env) -> RouteResult {
    let key = env.secret("SETUP_KEY").map(|v| v.to_string()).unwrap_or_default();
    if key.is_empty() {
        return Err(RouteError::NotFound);
    }
    let given = req.headers().get("Authorization")?.unwrap_or_default();
    if !crate::auth::secrets_equal(&format!("Bearer {key}"), &given) {
        return Err(RouteError::Unauthorized);
    }
    let seed: Seed = json_body(&mut req, "a seed").await?;
    let mut accounts = Vec::new();
    for a in seed.accounts {
        let email = shared::staff::normalize_email(&a.email);
        if !shared::staff::email_ok(&email) {
            return Err(RouteError::BadRequest(format!("{:?} is not an e-mail address", a.email)));
        }
        if let Some(problem) = shared::staff::password_problem(&a.password) {
            return Err(RouteError::BadRequest(format!("{email}: {problem}")));
        }
        let hash = crate::password::hash(&a.password).map_err(crate::error::internal)?;
        accounts.push(ops::SeedAccount { email, name: a.name, role: a.role, hash });
    }
    let sites = seed.sites.clone();
    let org: serde_json::Value =
        directory(env, DirectoryOp::Seed(ops::Seed { org: seed.org, sites, accounts })).await?;
    for site in &seed.sites {
        crate::calls::inbox::register(env, site.id.as_str()).await?;
    }
    Ok(Response::from_json(&org)?.with_status(201))
}
