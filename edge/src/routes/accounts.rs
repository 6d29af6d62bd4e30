//! Account routes: sign in and out (here and everywhere), the session (and
//! its rotation), changing one's password, accepting an invitation, the organisation's people
//! (invite, change a role, remove) and sites. Each goes to the caller's
//! own organisation's object; what must be unique across the deployment
//! (e-mail addresses, site ids) is claimed in the sharded index first and
//! released if the organisation refuses.

use shared::refusal::Detail;
use shared::staff::{
    Accept, Capability, Invite, Invited, Login, Me, NewSite, PasswordChange, People, SetRole, SiteEntry,
};
use shared::ErrorCode;
use worker::{Env, Request, Response};

use crate::calls::index::{self, email_key, site_key};
use crate::error::{RouteError, RouteResult};
use crate::org::ops::{
    self, AcceptOp, By, Candidate, Checked, InviteOp, Issue, Issued, OrgOp, PersonOp, RevokeOp, Rotation,
    SetPasswordOp, SiteOp,
};
use crate::session::{self, cleared_cookie, cookie, org, seconds, staff, ttl_ms, with_cookie};

/// The caller's address as rate limits count it ([`address_key`]).
pub fn address(req: &Request) -> Result<String, RouteError> {
    Ok(address_key(&req.headers().get("CF-Connecting-IP")?.unwrap_or_else(|| "local".into())))
}

/// An IPv6 address's /64 prefix (one subscriber's usual allocation: the
/// rest of the address is theirs to vary), any other address as it is.
pub fn address_key(ip: &str) -> String {
    match ip.trim().parse::<std::net::Ipv6Addr>() {
        Ok(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(v6) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        Err(_) => ip.trim().to_owned(),
    }
}

pub async fn json_body<T: serde::de::DeserializeOwned>(req: &mut Request, what: &str) -> Result<T, RouteError> {
    super::json(req, what, super::MAX_BODY).await
}

/// The answer to a sign-in: who, and the cookie.
pub fn signed_in(env: &Env, issued: Issued) -> RouteResult {
    let resp = Response::from_json(&issued.me)?;
    with_cookie(resp, &cookie(&issued.token, ttl_ms(env) / 1000))
}

fn wrong_credentials() -> RouteError {
    RouteError::refused(ErrorCode::Unauthorized, "wrong e-mail address or password")
}

/// Counts one attempt for an account and address pair (sign-in, password
/// change), slowed down progressively and refused past the window's limit.
pub async fn count_pair(env: &Env, pair: &str, window_ms: u64) -> Result<(), RouteError> {
    limit(index::count_slowly(env, pair, ops::LOGINS_PER_PAIR, ops::LOGIN_SLOW_MS, window_ms).await?.wait_ms)
}

/// `POST /api/auth/login` [`Login`] → [`Me`] and the session cookie.
/// Attempts slow down per caller address (its /64) and per account and
/// address pair (counted in their index shards, each past a few free ones
/// waiting twice as long as the one before), never per account alone: one
/// person's failures never refuse another's right password. An unknown
/// account costs the same round trips and hashing as a wrong password.
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
    let window_ms = ops::login_window_ms(env);
    let per_address = seconds(env, "LOGINS_PER_ADDRESS", 50) as usize;
    let address = address(&req)?;
    let slow_ms = ops::LOGIN_SLOW_MS;
    limit(index::count_slowly(env, &format!("address:{address}"), per_address, slow_ms, window_ms).await?.wait_ms)?;
    let key = email_key(&email);
    let pair = format!("login:{}|{address}", crate::auth::token_digest(&key));
    count_pair(env, &pair, window_ms).await?;
    let claim = index::find(env, &key).await?;
    let hash = match &claim {
        Some(c) => org::<Candidate>(env, &c.org, OrgOp::Hash(c.account.clone())).await?.hash,
        None => None,
    };
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(crate::password::decoy);
    let ok = crate::password::verify(&body.password, &hash).map_err(crate::error::internal)?;
    let Some(claim) = claim.filter(|_| ok && known) else {
        return Err(wrong_credentials());
    };
    let issue = Issue { account: claim.account, ttl_ms: ttl_ms(env), code: body.code };
    let issued: Issued = org(env, &claim.org, OrgOp::LoginFinish(issue)).await?;
    index::clear(env, &pair).await?;
    signed_in(env, issued)
}

/// A refusal if an attempt counter said to wait.
pub fn limit(wait_ms: Option<u64>) -> Result<(), RouteError> {
    match wait_ms {
        Some(wait) => {
            let why = format!("Too many sign-in attempts — try again in {} s.", wait.div_ceil(1000));
            Err(RouteError::Said(shared::Refusal::new(ErrorCode::RateLimited, why).with(Detail::wait_ms(wait))))
        }
        None => Ok(()),
    }
}

/// `GET /api/auth/session` → [`Me`]; a session older than
/// `SESSION_ROTATE_SECONDS` (15 min) gets a new token (cookie) and the old
/// one stops working `SESSION_GRACE_SECONDS` (30 s) later; none lives past
/// `SESSION_MAX_SECONDS` (7 days) from the sign-in.
pub async fn current(req: Request, env: &Env) -> RouteResult {
    let rotation = Rotation {
        after_ms: seconds(env, "SESSION_ROTATE_SECONDS", 15 * 60) * 1000,
        grace_ms: seconds(env, "SESSION_GRACE_SECONDS", 30) * 1000,
        ttl_ms: ttl_ms(env),
        max_ms: session::max_ms(env),
    };
    let checked: Checked =
        session::checked(&req, env, Capability::ReadConversations, Some(rotation), session::Gate::Enrolling).await?;
    let resp = Response::from_json(&checked.me)?;
    match checked.rotated {
        Some(token) => with_cookie(resp, &cookie(&token, ttl_ms(env) / 1000)),
        None => Ok(resp),
    }
}

/// `POST /api/auth/logout`: ends this session.
pub async fn logout(req: Request, env: &Env) -> RouteResult {
    let me = session::staff_enrolling(&req, env).await?;
    let (token, _) = session::token(&req, env).unwrap_or_default();
    let () = org(env, &me.org, OrgOp::Logout(token)).await?;
    with_cookie(Response::empty()?.with_status(204), &cleared_cookie())
}

/// `POST /api/auth/logout-all`: ends every session of the account and
/// closes its sockets.
pub async fn logout_all(req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let () = org(env, &me.org, OrgOp::LogoutAll(me.account)).await?;
    with_cookie(Response::empty()?.with_status(204), &cleared_cookie())
}

/// `POST /api/auth/password` [`PasswordChange`] → 204: the signed-in
/// person's new password, proved by the current one (attempts slow down
/// per account and address pair, as sign-ins do); every other session of
/// the account ends and its sockets close.
pub async fn change_password(mut req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let body: PasswordChange = json_body(&mut req, "{\"current\", \"new\"}").await?;
    let address = address(&req)?;
    let pair = format!("password:{}|{address}", me.account);
    let window_ms = ops::login_window_ms(env);
    count_pair(env, &pair, window_ms).await?;
    let hash = match body.current.chars().count() <= shared::staff::MAX_PASSWORD_CHARS {
        true => org::<Candidate>(env, &me.org, OrgOp::Hash(me.account.clone())).await?.hash,
        false => None,
    };
    let right = match &hash {
        Some(h) => crate::password::verify(&body.current, h).map_err(crate::error::internal)?,
        None => false,
    };
    if !right {
        return Err(RouteError::refused(ErrorCode::Forbidden, "the current password is wrong"));
    }
    if let Some(problem) = shared::staff::password_problem(&body.new) {
        return Err(RouteError::BadRequest(problem));
    }
    let hash = crate::password::hash(&body.new).map_err(crate::error::internal)?;
    let (keep, _) = session::token(&req, env).unwrap_or_default();
    let () = org(env, &me.org, OrgOp::SetPassword(SetPasswordOp { account: me.account, hash, keep })).await?;
    index::clear(env, &pair).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/org/people/{account}/reset` → [`shared::staff::ResetIssued`]
/// (201): a password reset link for someone the caller manages, working
/// once for 24 hours (an earlier one of theirs stops working), shown to
/// copy as invitation links are.
pub async fn issue_reset(req: Request, env: &Env, account: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople).await?;
    let op = OrgOp::IssueReset(PersonOp { by: by(&me), account: account.to_owned(), role: None });
    let issued: shared::staff::ResetIssued = org(env, &me.org, op).await?;
    Ok(Response::from_json(&issued)?.with_status(201))
}

/// `POST /api/auth/reset` [`shared::staff::ResetPassword`] → [`Me`] and a
/// session cookie: the new password is set, every session of the account
/// ends (its sockets close) and this browser is signed in.
pub async fn reset_password(mut req: Request, env: &Env) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("reset passwords in this service's console".into()));
    }
    let body: shared::staff::ResetPassword = json_body(&mut req, "{\"token\", \"password\"}").await?;
    let unknown = || RouteError::refused(ErrorCode::NotFound, "this password reset link is unknown, used or expired");
    let key = crate::auth::token_key(env).unwrap_or_default();
    let org_id = crate::auth::org_of(&body.token, &key).map(str::to_owned).ok_or_else(unknown)?;
    if let Some(problem) = shared::staff::password_problem(&body.password) {
        return Err(RouteError::BadRequest(problem));
    }
    // No password hash is spent on a link that does not work.
    let () = org(env, &org_id, OrgOp::CheckReset(body.token.clone())).await?;
    let hash = crate::password::hash(&body.password).map_err(crate::error::internal)?;
    let op = ops::ResetUse { token: body.token, hash, ttl_ms: ttl_ms(env) };
    signed_in(env, org::<Issued>(env, &org_id, OrgOp::UseReset(op)).await?)
}

/// `POST /api/auth/accept` [`Accept`] → [`Me`] and a session cookie.
pub async fn accept(mut req: Request, env: &Env) -> RouteResult {
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("accept invitations in this service's console".into()));
    }
    // The link is the invitee's proof of their address: it is not accepted
    // in a browser signed in to this service (the inviting admin's own, say).
    if session::token(&req, env).is_some() {
        return Err(RouteError::refused(
            ErrorCode::Forbidden,
            "this browser is signed in to the console: the person invited opens the link in their own browser",
        ));
    }
    let body: Accept = json_body(&mut req, "{\"token\", \"name\", \"password\"}").await?;
    let key = crate::auth::token_key(env).unwrap_or_default();
    let Some(org_id) = crate::auth::org_of(&body.token, &key).map(str::to_owned) else {
        return Err(RouteError::refused(ErrorCode::NotFound, "this invitation link is unknown, used or expired"));
    };
    if let Some(problem) = shared::staff::password_problem(&body.password) {
        return Err(RouteError::BadRequest(problem));
    }
    // No password hash is spent on a link that does not work.
    let email: String = org(env, &org_id, OrgOp::CheckInvite(body.token.clone())).await?;
    let hash = crate::password::hash(&body.password).map_err(crate::error::internal)?;
    let account = ops::new_account_id();
    if !index::claim(env, &email_key(&email), &org_id, &account).await? {
        return Err(RouteError::refused(ErrorCode::IdConflict, format!("{email} already has an account")));
    }
    let op = AcceptOp { token: body.token, account, name: body.name, hash, ttl_ms: ttl_ms(env) };
    match org::<Issued>(env, &org_id, OrgOp::Accept(op)).await {
        Ok(issued) => signed_in(env, issued),
        Err(refused) => {
            index::release(env, &email_key(&email), &org_id).await?;
            Err(refused)
        }
    }
}

/// Who asks, as the organisation's people operations take it.
pub fn by(me: &Me) -> By {
    By { account: me.account.clone(), org: me.org.clone(), role: me.role }
}

/// `GET /api/org/people` → [`People`].
pub async fn people(req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::ViewPeople).await?;
    let people: People = org(env, &me.org.clone(), OrgOp::People(me.org)).await?;
    Ok(Response::from_json(&people)?)
}

/// `POST /api/org/invitations` [`Invite`] → [`Invited`] (the link's secret, once).
pub async fn invite(mut req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople).await?;
    let body: Invite = json_body(&mut req, "{\"email\", \"role\"}").await?;
    let email = shared::staff::normalize_email(&body.email);
    if !shared::staff::email_ok(&email) {
        return Err(RouteError::BadRequest("not an e-mail address".into()));
    }
    // Whether the address has an account elsewhere is not told here (the
    // answer would say which addresses exist): accepting finds out.
    let invited: Invited =
        org(env, &me.org, OrgOp::Invite(InviteOp { by: by(&me), email: body.email, role: body.role })).await?;
    Ok(Response::from_json(&invited)?.with_status(201))
}

/// `POST /api/org/invitations/{id}/revoke` → 204: the invitation's link
/// stops working (only someone who could have sent it may; another
/// organisation's id is unknown).
pub async fn revoke_invitation(req: Request, env: &Env, id: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople).await?;
    let () = org(env, &me.org, OrgOp::Revoke(RevokeOp { by: by(&me), id: id.to_owned() })).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/org/people/{account}/role` [`SetRole`] or `…/remove`: the
/// person's open sockets close at once (removed: for good; a new role:
/// they reconnect under it).
pub async fn person(mut req: Request, env: &Env, account: &str, remove: bool) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople).await?;
    let role = if remove { None } else { Some(json_body::<SetRole>(&mut req, "{\"role\"}").await?.role) };
    let op = OrgOp::Person(PersonOp { by: by(&me), account: account.to_owned(), role });
    // A removed person's address is free again.
    if let Some(email) = org::<Option<String>>(env, &me.org, op).await? {
        index::release(env, &email_key(&email), &me.org).await?;
    }
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/org/people/{account}/sites` [`shared::staff::SetSites`]:
/// limits someone to some of the organisation's sites (empty: all).
pub async fn person_sites(mut req: Request, env: &Env, account: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople).await?;
    let body: shared::staff::SetSites = json_body(&mut req, "{\"sites\"}").await?;
    let sites = body.sites.into_iter().map(String::from).collect();
    let op = crate::org::ops::AccessOp { by: by(&me), account: account.to_owned(), sites };
    let () = org(env, &me.org, OrgOp::Access(op)).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/org/sites` [`NewSite`] → [`SiteEntry`]: a new site with the
/// default settings but no allowed origins (fail closed).
pub async fn add_site(mut req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let site: NewSite = json_body(&mut req, "{\"id\", \"name\"}").await?;
    let key = site_key(site.id.as_str());
    if !index::claim(env, &key, &me.org, "").await? {
        return Err(RouteError::refused(ErrorCode::IdConflict, format!("the site id {:?} is taken", site.id.as_str())));
    }
    let entry: SiteEntry = match org(env, &me.org, OrgOp::Site(SiteOp { by: by(&me), site })).await {
        Ok(entry) => entry,
        Err(refused) => {
            index::release(env, &key, &me.org).await?;
            return Err(refused);
        }
    };
    crate::calls::inbox::register(env, entry.id.as_str()).await?;
    // A new site is embeddable nowhere until its owner lists its origins.
    let config = shared::site::SiteConfig { origins: Vec::new(), ..Default::default() };
    crate::calls::inbox::save_config(env, entry.id.as_str(), &config).await?;
    let () = org(env, &me.org, OrgOp::StaffNames).await?;
    Ok(Response::from_json(&entry)?.with_status(201))
}

/// `POST /api/org/sites/{site}` [`NewSite`] (its `id` the same): renames a
/// site of the caller's organisation.
pub async fn rename_site(mut req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::EditSettings).await?;
    let id = crate::session::own_site(&me, site)?;
    let body: NewSite = json_body(&mut req, "{\"id\", \"name\"}").await?;
    let name = body.name.trim();
    if body.id != id || name.is_empty() || name.chars().count() > 80 {
        return Err(RouteError::BadRequest("a site name has 1 to 80 characters".into()));
    }
    let op = SiteOp { by: by(&me), site: NewSite { id, name: name.to_owned() } };
    let () = org(env, &me.org, OrgOp::RenameSite(op)).await?;
    Ok(Response::empty()?.with_status(204))
}

#[cfg(test)]
mod tests {
    use super::address_key;

    #[test]
    fn ipv6_callers_are_counted_by_their_64_prefix() {
        let cases = [
            ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
            ("2001:DB8::1", "2001:db8:0:0::/64"),
            ("::ffff:203.0.113.7", "203.0.113.7"),
            ("203.0.113.7", "203.0.113.7"),
            ("local", "local"),
        ];
        for (ip, want) in cases {
            assert_eq!(address_key(ip), want, "{ip}");
        }
    }
}
