//! The benchmarks' routes, answering 404 unless the `BENCH` variable is
//! `on` (never in production): `GET /api/bench/echo/ws` (the baseline
//! socket, [`crate::echo`]; `?durable=1` for the one that stores each frame
//! in SQLite first), `GET /api/bench/counts/{conversation}` (the work a
//! conversation object did since it woke: statements and internal calls,
//! [`crate::room::sql::Counts`]), `GET /api/bench/expiring` (the rows
//! that expire — the demo site's organisation's, and the attempts in every
//! index shard — counted: the retention test reads them), and `POST
//! /api/bench/legacy-seed` (an organisation written into the legacy
//! Directory, as a deployment from before per-organisation objects had it:
//! the migration test starts from it).

use shared::staff::Seed;
use shared::ConversationId;
use worker::{Env, Request};

use crate::org::legacy::LegacyOp;
use crate::org::ops::{self, OrgOp};

use crate::error::{RouteError, RouteResult};

fn bench_on(env: &Env) -> Result<(), RouteError> {
    match env.var("BENCH").map(|v| v.to_string()).unwrap_or_default().as_str() {
        "on" => Ok(()),
        _ => Err(RouteError::NotFound),
    }
}

/// Attaches a socket to an Echo object (`?durable=1`: the one that stores).
pub async fn echo_socket(req: Request, env: &Env) -> RouteResult {
    bench_on(env)?;
    if !crate::socket::is_upgrade(&req) {
        return Err(RouteError::UpgradeRequired);
    }
    let durable = super::query(&req, "durable")?.is_some_and(|v| v == "1");
    let inner = super::socket_request(&req, &[(crate::headers::DURABLE, if durable { "1" } else { "" })])?;
    let name = if durable { "durable-echo" } else { "echo" };
    let stub = env.durable_object(crate::echo::BINDING)?.get_by_name(name)?;
    Ok(stub.fetch_with_request(inner).await?)
}

/// A conversation object's work counts.
pub async fn counts(env: &Env, id: &str) -> RouteResult {
    bench_on(env)?;
    let id: ConversationId = id.parse().map_err(|_| RouteError::NotFound)?;
    let stub = crate::calls::room::conversation(env, id.as_str())?;
    let counts: Option<crate::room::sql::Counts> =
        crate::calls::ask(&stub, &crate::calls::room::RoomCall::Counts).await?;
    // A new response: the object's own has immutable headers.
    Ok(worker::Response::from_json(&counts.ok_or(RouteError::NotFound)?)?)
}

/// The rows that expire, counted: the demo site's organisation's
/// sessions, invitations and socket rows, and every index shard's attempts.
pub async fn expiring(env: &Env) -> RouteResult {
    bench_on(env)?;
    let claim = crate::calls::index::find(env, &crate::calls::index::site_key("demo")).await?;
    let org = claim.ok_or(RouteError::NotFound)?.org;
    let rows: crate::org::sql::Expiring = crate::session::org(env, &org, OrgOp::Expiring).await?;
    let attempts = crate::calls::index::expiring(env).await?;
    let mut answer = serde_json::to_value(rows).map_err(crate::error::internal)?;
    answer["attempts"] = attempts.into();
    Ok(worker::Response::from_json(&answer)?)
}

/// What each part of a site's inbox was asked since it woke (requests,
/// settings reads), in the order of `Part::ALL`.
pub async fn inbox_counts(env: &Env, site: &str) -> RouteResult {
    bench_on(env)?;
    Ok(worker::Response::from_json(&crate::calls::inbox::counts(env, site).await?)?)
}

/// A site's desk rows that retention removes in time: `[sanctions, reports]`.
pub async fn desk_rows(env: &Env, site: &str) -> RouteResult {
    bench_on(env)?;
    let stub = crate::calls::inbox::part(env, site, crate::calls::inbox::Part::Desk)?;
    let rows: Option<[u64; 2]> = crate::calls::ask(&stub, &crate::calls::inbox::InboxCall::DeskRows).await?;
    Ok(worker::Response::from_json(&rows.ok_or(RouteError::NotFound)?)?)
}

/// Writes a [`Seed`] into the legacy Directory (passwords hashed here).
pub async fn legacy_seed(mut req: Request, env: &Env) -> RouteResult {
    bench_on(env)?;
    let seed: Seed = super::json(&mut req, "a seed", super::MAX_BODY).await?;
    let mut accounts = Vec::new();
    for a in seed.accounts {
        let hash = crate::password::hash(&a.password).map_err(crate::error::internal)?;
        let email = shared::staff::normalize_email(&a.email);
        accounts.push(ops::SeedAccount { id: ops::new_account_id(), email, name: a.name, role: a.role, hash });
    }
    let id = ops::new_org_id();
    let op = LegacyOp::Seed(ops::Seed { id: id.clone(), org: seed.org, sites: seed.sites.clone(), accounts });
    let () = super::orgs::legacy_call(env, &op).await?.ok_or(RouteError::NotFound)?;
    for site in &seed.sites {
        crate::calls::inbox::register(env, site.id.as_str()).await?;
    }
    Ok(worker::Response::from_json(&serde_json::json!({ "org": id }))?.with_status(201))
}
