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
//! the migration test starts from it), `POST /api/bench/legacy-inbox/{site}`
//! (lines and reports where a site's inbox kept them before its split); for the deployment's scale table,
//! `POST /api/bench/seed-orgs` (many organisations at once),
//! `GET /api/bench/org-counts/{org}` and `GET /api/bench/index-requests`.

use shared::moderation_case::Room;
use shared::staff::Seed;
use shared::ConversationId;
use worker::{Env, Request};

use crate::calls::index::{email_key, site_key, Claim};
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

/// The files R2 holds for a conversation (their keys).
pub async fn files(env: &Env, id: &str) -> RouteResult {
    bench_on(env)?;
    let id: ConversationId = id.parse().map_err(|_| RouteError::NotFound)?;
    Ok(worker::Response::from_json(&crate::files::list(env, id.as_str()).await?)?)
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

/// What a site's inbox held before the split, to write the old way.
#[derive(Debug, serde::Deserialize)]
pub struct LegacyInbox {
    lines: Vec<shared::ConversationSummary>,
    reports: Vec<shared::moderation_case::Report>,
}

/// Writes [`LegacyInbox`] into the site's settings object, which held the
/// list and the desk before the split (the migration test starts from it).
pub async fn legacy_inbox(mut req: Request, env: &Env, site: &str) -> RouteResult {
    use crate::calls::inbox::{part, InboxCall, Part};
    bench_on(env)?;
    let legacy: LegacyInbox = super::json(&mut req, "lines and reports", super::MAX_BODY).await?;
    let stub = part(env, site, Part::Settings)?;
    crate::calls::tell(&stub, &InboxCall::LinesImport(legacy.lines)).await?;
    for report in legacy.reports {
        crate::calls::tell(&stub, &InboxCall::Report { site: site.into(), report: Box::new(report) }).await?;
    }
    Ok(worker::Response::empty()?.with_status(201))
}

/// What the bench seeds: organisations `from..from + count`, each with
/// `sites` sites and `accounts` accounts (the first its owner) whose
/// addresses and site ids are claimed in the index like any other's.
#[derive(Debug, serde::Deserialize)]
pub struct SeedOrgs {
    from: u32,
    count: u32,
    sites: u32,
    accounts: u32,
    /// Every account's password (hashed once).
    password: String,
}

/// Seeds [`SeedOrgs`] (no Inbox objects: a console request does not read
/// them); answers the organisations' ids. Accounts are
/// `seed{org}-{n}@bench.test`, sites `seed{org}-s{n}`.
pub async fn seed_orgs(mut req: Request, env: &Env) -> RouteResult {
    bench_on(env)?;
    let s: SeedOrgs = super::json(&mut req, "a seed", super::MAX_BODY).await?;
    let hash = crate::password::hash(&s.password).map_err(crate::error::internal)?;
    let (mut ids, mut claims) = (Vec::new(), Vec::new());
    for o in s.from..s.from + s.count {
        let id = ops::new_org_id();
        let mut sites = Vec::new();
        for n in 0..s.sites {
            let site = format!("seed{o}-s{n}");
            claims.push(Claim { key: site_key(&site), org: id.clone(), account: String::new() });
            sites.push(shared::staff::NewSite { id: site.parse().map_err(crate::error::internal)?, name: site });
        }
        let mut accounts = Vec::new();
        for n in 0..s.accounts {
            let (email, account) = (format!("seed{o}-{n}@bench.test"), ops::new_account_id());
            claims.push(Claim { key: email_key(&email), org: id.clone(), account: account.clone() });
            let role = if n == 0 { shared::staff::StaffRole::Owner } else { shared::staff::StaffRole::Operator };
            accounts.push(ops::SeedAccount {
                id: account,
                email,
                name: format!("Seed {o}-{n}"),
                role,
                hash: hash.clone(),
            });
        }
        let seed = ops::Seed { id: id.clone(), org: format!("Seed {o}"), sites, accounts };
        let () = crate::session::org(env, &id, OrgOp::Seed(seed)).await?;
        ids.push(id);
    }
    crate::calls::index::claim_all(env, claims).await?;
    Ok(worker::Response::from_json(&ids)?.with_status(201))
}

/// What an organisation's object did since it woke: requests, rows read.
pub async fn org_counts(env: &Env, org: &str) -> RouteResult {
    bench_on(env)?;
    if !crate::org::id_ok(org) {
        return Err(RouteError::NotFound);
    }
    let counts: ops::OrgCounts = crate::session::org(env, org, OrgOp::Counts).await?;
    Ok(worker::Response::from_json(&counts)?)
}

/// A channel's work counts since it woke, and each of its relays' viewer
/// sockets: `{"channel": Counts, "viewers": [u64; 16]}`.
pub async fn channel_counts(env: &Env, site: &str, channel: &str) -> RouteResult {
    use crate::calls::relay::{self, RelayCall, RELAYS};
    use crate::calls::room::{self, RoomCall};
    bench_on(env)?;
    let stub = room::stub(env, site, &Room::Channel(channel.into()))?;
    let counts: Option<crate::room::sql::Counts> = crate::calls::ask(&stub, &RoomCall::Counts).await?;
    let mut viewers = Vec::new();
    for n in 0..RELAYS {
        viewers.push(crate::calls::ask::<u64>(&relay::stub(env, site, channel, n)?, &RelayCall::Viewers).await?);
    }
    Ok(worker::Response::from_json(&serde_json::json!({ "channel": counts, "viewers": viewers }))?)
}

/// A site's rows that retention bounds: its list's lines, its desk's
/// expiring rows and each of its channels' message rows →
/// `{"lines", "desk": [sanctions, reports, labels], "channels": {id: rows}}`.
pub async fn site_rows(env: &Env, site: &str) -> RouteResult {
    use crate::calls::inbox::{part, InboxCall, Part};
    use crate::calls::room::{self, RoomCall};
    bench_on(env)?;
    let lines: Option<u64> = crate::calls::ask(&part(env, site, Part::List)?, &InboxCall::Lines).await?;
    let desk: Option<[u64; 3]> = crate::calls::ask(&part(env, site, Part::Desk)?, &InboxCall::DeskRows).await?;
    let config = crate::settings_cache::config(env, site).await?.ok_or(RouteError::NotFound)?;
    let mut channels = serde_json::Map::new();
    for c in &config.channels {
        let stub = room::stub(env, site, &Room::Channel(c.id.to_string()))?;
        let rows: Option<u64> = crate::calls::ask(&stub, &RoomCall::Rows).await?;
        channels.insert(c.id.to_string(), rows.unwrap_or(0).into());
    }
    Ok(worker::Response::from_json(&serde_json::json!({ "lines": lines, "desk": desk, "channels": channels }))?)
}

/// Requests to the index shards since each woke, summed.
pub async fn index_requests(env: &Env) -> RouteResult {
    bench_on(env)?;
    Ok(worker::Response::from_json(&crate::calls::index::requests(env).await?)?)
}
