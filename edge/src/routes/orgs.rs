//! New organisations: the deployment's first (`POST /api/setup` with the
//! `SETUP_KEY`, once), self-service sign-up (`POST /api/auth/signup`,
//! where `SIGNUP` is `on`), and the one-time migration of a deployment's
//! legacy Directory into per-organisation objects (`POST /api/setup/migrate`).
//! Site ids and e-mail addresses are claimed in the index before the
//! organisation's object is written; if one is taken, every claim made is
//! released and nothing is written.

use shared::staff::{Migrated, NewSite, Seed, Signup, StaffRole};
use shared::ErrorCode;
use worker::{Env, Request, Response};

use super::accounts::{address, json_body, limit, signed_in};
use crate::calls::index::{self, email_key, site_key, SETUP_KEY};
use crate::error::{RouteError, RouteResult};
use crate::org::legacy::{self, LegacyOp};
use crate::org::ops::{self, Issue, Issued, OrgOp, SeedAccount};
use crate::org::sql::Dump;
use crate::session::{org, ttl_ms};

/// Sign-ups one caller address may make per hour, unless the
/// `SIGNUPS_PER_ADDRESS_HOUR` variable says otherwise (the tests, whose
/// sites each sign up from one address).
const SIGNUPS_PER_ADDRESS_HOUR: u64 = 5;

/// Whether the request carries the deployment's setup key (none set: the
/// routes do not exist).
fn setup_key_given(req: &Request, env: &Env) -> Result<(), RouteError> {
    let key = env.secret("SETUP_KEY").map(|v| v.to_string()).unwrap_or_default();
    if key.is_empty() {
        return Err(RouteError::NotFound);
    }
    let given = req.headers().get("Authorization")?.unwrap_or_default();
    if !crate::auth::secrets_equal(&format!("Bearer {key}"), &given) {
        return Err(RouteError::Unauthorized);
    }
    Ok(())
}

/// Claims every key for `org`: on the first taken, releases those claimed
/// and answers which was taken.
async fn claim_all(env: &Env, org: &str, keys: &[(String, String)]) -> Result<Result<(), String>, RouteError> {
    for (i, (key, account)) in keys.iter().enumerate() {
        if !index::claim(env, key, org, account).await? {
            for (claimed, _) in &keys[..i] {
                index::release(env, claimed, org).await?;
            }
            return Ok(Err(key.clone()));
        }
    }
    Ok(Ok(()))
}

fn taken(key: &str) -> RouteError {
    let what = match key.split_once(':') {
        Some(("site", id)) => format!("the site id {id:?} is taken"),
        Some(("email", email)) => format!("{email} already has an account"),
        _ => "this deployment is set up already".to_owned(),
    };
    RouteError::refused(ErrorCode::IdConflict, what)
}

/// Creates an organisation from `seed` (passwords checked and hashed here);
/// `first` claims the one-time setup too. Its id and its accounts' ids.
async fn create(env: &Env, seed: Seed, first: bool) -> Result<(String, Vec<String>), RouteError> {
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
        accounts.push(SeedAccount { id: ops::new_account_id(), email, name: a.name, role: a.role, hash });
    }
    let id = ops::new_org_id();
    let mut keys: Vec<(String, String)> = Vec::new();
    if first {
        keys.push((SETUP_KEY.into(), String::new()));
    }
    keys.extend(seed.sites.iter().map(|s| (site_key(s.id.as_str()), String::new())));
    keys.extend(accounts.iter().map(|a| (email_key(&a.email), a.id.clone())));
    if let Err(key) = claim_all(env, &id, &keys).await? {
        return Err(taken(&key));
    }
    let ids = accounts.iter().map(|a| a.id.clone()).collect();
    let sites = seed.sites.clone();
    let () = org(env, &id, OrgOp::Seed(ops::Seed { id: id.clone(), org: seed.org, sites, accounts })).await?;
    for site in &seed.sites {
        crate::calls::inbox::register(env, site.id.as_str()).await?;
    }
    let () = org(env, &id, OrgOp::StaffNames).await?;
    Ok((id, ids))
}

/// `POST /api/setup` [`Seed`] with `Authorization: Bearer <SETUP_KEY>`: the
/// deployment's first organisation, its sites and accounts. Once: after it
/// (or a migration) the answer is 409.
pub async fn setup(mut req: Request, env: &Env) -> RouteResult {
    setup_key_given(&req, env)?;
    let seed: Seed = json_body(&mut req, "a seed").await?;
    let (id, _) = create(env, seed, true).await?;
    Ok(Response::from_json(&serde_json::json!({ "org": id }))?.with_status(201))
}

/// `POST /api/auth/signup` [`Signup`] → the new owner signed in (201): a
/// new organisation with its first site. Only where `SIGNUP` is `on`;
/// limited per caller address.
pub async fn signup(mut req: Request, env: &Env) -> RouteResult {
    if env.var("SIGNUP").map(|v| v.to_string()).unwrap_or_default() != "on" {
        return Err(RouteError::NotFound);
    }
    if !super::same_origin(&req)? {
        return Err(RouteError::CrossOrigin("sign up on this service's console".into()));
    }
    let body: Signup = json_body(&mut req, "{\"org\", \"site\", \"email\", \"name\", \"password\"}").await?;
    let (org_name, site_name, name) = (body.org.trim(), body.site.name.trim(), body.name.trim());
    if org_name.is_empty() || org_name.chars().count() > 80 || site_name.is_empty() || site_name.chars().count() > 80 {
        return Err(RouteError::BadRequest("an organisation's and a site's names have 1 to 80 characters".into()));
    }
    if name.is_empty() || name.chars().count() > 60 {
        return Err(RouteError::BadRequest("a name has 1 to 60 characters".into()));
    }
    let key = format!("signup:{}", address(&req)?);
    let most = crate::session::seconds(env, "SIGNUPS_PER_ADDRESS_HOUR", SIGNUPS_PER_ADDRESS_HOUR) as usize;
    limit(index::count(env, &key, most, 3_600_000).await?.wait_ms)?;
    let owner = shared::staff::SeedAccount {
        email: body.email,
        name: name.to_owned(),
        role: StaffRole::Owner,
        password: body.password,
    };
    let site = NewSite { id: body.site.id, name: site_name.to_owned() };
    let seed = Seed { org: org_name.to_owned(), sites: vec![site], accounts: vec![owner] };
    let (id, accounts) = create(env, seed, false).await?;
    let account = accounts.into_iter().next().unwrap_or_default();
    let issued: Issued = org(env, &id, OrgOp::LoginFinish(Issue { account, ttl_ms: ttl_ms(env), code: None })).await?;
    Ok(signed_in(env, issued)?.with_status(201))
}

/// `POST /api/setup/migrate` with the setup key → [`Migrated`]: copies
/// each organisation of the legacy Directory into its own object and
/// claims its sites and addresses in the index (again: the same rows, so a
/// migration cut short is simply run again), marks the deployment set up,
/// then empties the Directory; then moves each site's inbox lines and desk
/// rows from its settings object, which held them before the inbox was
/// split, into the list and desk objects. Sessions and pending invitations are not
/// carried (their tokens do not name an organisation): people sign in
/// again, and open invitations are sent again.
pub async fn migrate(req: Request, env: &Env) -> RouteResult {
    setup_key_given(&req, env)?;
    let (mut done, mut after, mut first) = (Migrated::default(), String::new(), None);
    while let Some(dump) = export(env, &after).await? {
        let id = dump.org.id.clone();
        let mut keys: Vec<(String, String)> = dump.sites.iter().map(|s| (site_key(&s.id), String::new())).collect();
        keys.extend(dump.accounts.iter().map(|a| (email_key(&a.email), a.id.clone())));
        if let Err(key) = claim_all(env, &id, &keys).await? {
            return Err(taken(&key));
        }
        let () = org(env, &id, OrgOp::Import(Box::new(dump.clone()))).await?;
        done.orgs += 1;
        done.sites += dump.sites.len() as u64;
        done.accounts += dump.accounts.len() as u64;
        first.get_or_insert_with(|| id.clone());
        after = id;
    }
    if let Some(first) = first {
        index::claim(env, SETUP_KEY, &first, "").await?;
    }
    let () = legacy_call(env, &LegacyOp::Forget).await?.unwrap_or_default();
    // Before the inbox was split, its settings object held the list and the desk.
    for site in index::sites(env).await? {
        done.inboxes += 1;
        done.moved += crate::calls::inbox::split(env, &site).await?;
    }
    Ok(Response::from_json(&done)?)
}

async fn export(env: &Env, after: &str) -> Result<Option<Dump>, RouteError> {
    Ok(legacy_call::<Option<Dump>>(env, &LegacyOp::Export { after: after.to_owned() }).await?.flatten())
}

/// A call to the legacy Directory.
pub async fn legacy_call<T: serde::de::DeserializeOwned>(env: &Env, op: &LegacyOp) -> Result<Option<T>, RouteError> {
    let stub = env.durable_object(legacy::BINDING)?.get_by_name(legacy::NAME)?;
    Ok(crate::calls::ask(&stub, op).await?)
}
