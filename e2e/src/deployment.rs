//! The scale bench's deployment counts (`cargo xtask bench --only
//! deployment`): many organisations seeded (sites and accounts claimed in
//! the index like any other's), then the work one organisation's console
//! requests cause, counted on the objects: calls to its own `Org` and rows
//! read there, and calls to every object outside it (the index shards and
//! every other organisation). Measured before and after the seeding, so a
//! count that grew with the deployment would show.

use anyhow::Result;
use serde::Deserialize;
use shared::api::{PEOPLE_PATH, SESSION_PATH};

use crate::accounts::Staff;

/// The seeded accounts' password.
const PASSWORD: &str = "bench-seed-password-1";

/// An `Org` object's counts since it woke.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgCounts {
    /// Requests.
    pub requests: u64,
    /// Rows their statements read.
    pub rows_read: u64,
}

fn org_counts(base: &str, org: &str) -> Result<OrgCounts> {
    Ok(ureq::get(&format!("{base}/api/bench/org-counts/{org}")).call()?.into_json()?)
}

fn index_requests(base: &str) -> Result<u64> {
    Ok(ureq::get(&format!("{base}/api/bench/index-requests")).call()?.into_json()?)
}

/// Seeds organisations `from..from + count` (`sites` and `accounts` each); their ids.
fn seed(base: &str, from: usize, count: usize, sites: usize, accounts: usize) -> Result<Vec<String>> {
    let body =
        serde_json::json!({ "from": from, "count": count, "sites": sites, "accounts": accounts, "password": PASSWORD });
    Ok(ureq::post(&format!("{base}/api/bench/seed-orgs")).send_json(body)?.into_json()?)
}

/// What one organisation's console requests cost.
#[derive(Debug, Clone, Copy)]
pub struct RequestCost {
    /// Console requests made.
    pub requests: u64,
    /// Calls to the caller's own `Org` per request.
    pub own_calls: f64,
    /// Rows read in it per request (mean) and in the costliest round.
    pub rows_read: (f64, u64),
    /// Calls to objects outside the caller's organisation, in all.
    pub outside_calls: u64,
}

/// One run: the deployment's size and the costs before and after seeding it.
#[derive(Debug, Clone)]
pub struct DeploymentLoad {
    /// Organisations, sites and accounts in the end.
    pub orgs: usize,
    /// Sites.
    pub sites: usize,
    /// Accounts.
    pub accounts: usize,
    /// Seconds the seeding took.
    pub seed_seconds: f64,
    /// With one organisation.
    pub before: RequestCost,
    /// With all of them.
    pub after: RequestCost,
}

/// `rounds` rounds of the console's requests (the session check, the
/// people page) by `staff` of `org`, counted; `others`: every other
/// organisation, whose objects must not be asked.
fn cost(staff: &Staff, org: &str, others: &[String], rounds: usize) -> Result<RequestCost> {
    let base = staff.base.as_str();
    let others_before: Vec<OrgCounts> = others.iter().map(|o| org_counts(base, o)).collect::<Result<_>>()?;
    let (index_before, start) = (index_requests(base)?, org_counts(base, org)?);
    let (mut requests, mut most, mut last) = (0, 0, start);
    for _ in 0..rounds {
        for path in [SESSION_PATH, PEOPLE_PATH] {
            staff.get(path).call()?;
            requests += 1;
        }
        let now = org_counts(base, org)?;
        most = most.max(now.rows_read - last.rows_read);
        last = now;
    }
    let outside = index_requests(base)? - index_before
        + others
            .iter()
            .zip(&others_before)
            .map(|(o, b)| Ok(org_counts(base, o)?.requests - b.requests))
            .sum::<Result<u64>>()?;
    Ok(RequestCost {
        requests,
        own_calls: (last.requests - start.requests) as f64 / requests as f64,
        rows_read: ((last.rows_read - start.rows_read) as f64 / requests as f64, most),
        outside_calls: outside,
    })
}

/// Seeds `orgs` organisations of `sites` sites and `accounts` accounts,
/// measuring the first one's console requests (`rounds` rounds of two)
/// before the others exist and after.
pub fn deployment_load(
    base: &str,
    orgs: usize,
    sites: usize,
    accounts: usize,
    rounds: usize,
) -> Result<DeploymentLoad> {
    let first = seed(base, 0, 1, sites, accounts)?.remove(0);
    let staff = Staff::login(base, "seed0-0@bench.test", PASSWORD)?;
    let before = cost(&staff, &first, &[], rounds)?;
    let start = std::time::Instant::now();
    let mut others = Vec::new();
    for from in (1..orgs).step_by(20) {
        others.extend(seed(base, from, 20.min(orgs - from), sites, accounts)?);
    }
    let seed_seconds = start.elapsed().as_secs_f64();
    let after = cost(&staff, &first, &others, rounds)?;
    Ok(DeploymentLoad { orgs, sites: orgs * sites, accounts: orgs * accounts, seed_seconds, before, after })
}
