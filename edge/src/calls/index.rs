//! Calls to the sharded `Index` objects ([`IndexCall`]): what is unique
//! across the deployment (an e-mail address, a site id, the one-time setup)
//! and the sign-in attempts counted per address and per e-mail. A key
//! lives in one of [`SHARDS`] objects, chosen by its hash, so no object
//! sits on every organisation's path.

use serde::{Deserialize, Serialize};
use worker::{Env, Result, Stub};

use super::ask;

/// Name of the Index binding in `wrangler.toml`.
pub const BINDING: &str = "INDEX";
/// How many Index objects share the keys.
pub const SHARDS: u64 = 32;

/// Every request to an Index object.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IndexCall {
    /// Counts an attempt under `key` → [`Counted`] (with the key's claim).
    Count {
        /// `address:…` or `email:…`.
        key: String,
        /// Attempts allowed in the window (at once, when `slow_ms` is set).
        limit: usize,
        /// The window.
        window_ms: u64,
        /// Past `limit`, the wait before the next attempt, doubling each
        /// time (0: none allowed until the window moves on).
        #[serde(default)]
        slow_ms: u64,
    },
    /// Forgets `key`'s attempts (a sign-in went through).
    Clear {
        /// The key.
        key: String,
    },
    /// Claims `key` for `org` → `true`, or `false` if another organisation
    /// holds it (the same organisation claiming again gets `true`).
    Claim(Claim),
    /// Gives up `org`'s claim on `key`.
    Release {
        /// The key.
        key: String,
        /// Whose claim.
        org: String,
    },
    /// `key`'s claim → `Option<Claim>`.
    Find {
        /// The key.
        key: String,
    },
    /// Attempt rows kept (bench only) → `u64`.
    Expiring,
    /// Requests since the shard woke, these aside → `u64` (bench only).
    Requests,
    /// Claims many keys of this shard at once (the bench's seeding).
    ClaimAll(Vec<Claim>),
    /// Up to 500 claimed keys with this prefix after `after` → `Vec<String>`
    /// (the migration walks every site).
    Keys {
        /// The keys' prefix.
        prefix: String,
        /// The last key already read (`""` first).
        after: String,
    },
}

/// Who holds a key: an organisation (and for an e-mail address, its account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// `email:…`, `site:…` or `setup`.
    pub key: String,
    /// The organisation.
    pub org: String,
    /// The account (an e-mail address's), else empty.
    pub account: String,
}

/// Answer to [`IndexCall::Count`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Counted {
    /// How long until the next attempt is allowed (`None`: this one was).
    pub wait_ms: Option<u64>,
    /// The key's claim.
    pub claim: Option<Claim>,
}

/// The index key of an e-mail address (normalised before).
pub fn email_key(email: &str) -> String {
    format!("email:{email}")
}

/// The index key of a site id.
pub fn site_key(site: &str) -> String {
    format!("site:{site}")
}

/// The one-time setup's key.
pub const SETUP_KEY: &str = "setup";

/// The name of the object holding `key`.
pub fn shard_of(key: &str) -> String {
    format!("index-{}", super::stable_hash(key) % SHARDS)
}

fn stub(env: &Env, key: &str) -> Result<Stub> {
    env.durable_object(BINDING)?.get_by_name(&shard_of(key))
}

async fn call<T: serde::de::DeserializeOwned>(env: &Env, key: &str, call: &IndexCall) -> Result<T> {
    ask(&stub(env, key)?, call).await?.ok_or_else(|| worker::Error::RustError("the index did not answer".into()))
}

/// Counts an attempt under `key`: `limit` in the window, then none.
pub async fn count(env: &Env, key: &str, limit: usize, window_ms: u64) -> Result<Counted> {
    call(env, key, &IndexCall::Count { key: key.into(), limit, window_ms, slow_ms: 0 }).await
}

/// Counts an attempt under `key`: `free` in the window at once, then each
/// after a wait that starts at `slow_ms` and doubles.
pub async fn count_slowly(env: &Env, key: &str, free: usize, slow_ms: u64, window_ms: u64) -> Result<Counted> {
    call(env, key, &IndexCall::Count { key: key.into(), limit: free, window_ms, slow_ms }).await
}

/// Forgets `key`'s attempts.
pub async fn clear(env: &Env, key: &str) -> Result<()> {
    call(env, key, &IndexCall::Clear { key: key.into() }).await
}

/// Claims `key` for `org` (and `account`): `false` if another holds it.
pub async fn claim(env: &Env, key: &str, org: &str, account: &str) -> Result<bool> {
    let claim = Claim { key: key.into(), org: org.into(), account: account.into() };
    call(env, key, &IndexCall::Claim(claim)).await
}

/// Gives up `org`'s claim on `key`.
pub async fn release(env: &Env, key: &str, org: &str) -> Result<()> {
    call(env, key, &IndexCall::Release { key: key.into(), org: org.into() }).await
}

/// Who holds `key`.
pub async fn find(env: &Env, key: &str) -> Result<Option<Claim>> {
    call(env, key, &IndexCall::Find { key: key.into() }).await
}

/// Shard `n`'s stub.
fn shard(env: &Env, n: u64) -> Result<Stub> {
    env.durable_object(BINDING)?.get_by_name(&format!("index-{n}"))
}

/// The sum of every shard's answer to `call`.
async fn summed(env: &Env, call: &IndexCall) -> Result<u64> {
    let mut total = 0;
    for n in 0..SHARDS {
        let stub = shard(env, n)?;
        total += ask::<u64>(&stub, call).await?.unwrap_or(0);
    }
    Ok(total)
}

/// Attempt rows kept in every shard (bench only).
pub async fn expiring(env: &Env) -> Result<u64> {
    summed(env, &IndexCall::Expiring).await
}

/// Requests to every shard since each woke (bench only).
pub async fn requests(env: &Env) -> Result<u64> {
    summed(env, &IndexCall::Requests).await
}

/// Every site id claimed in the deployment (every shard read, a page at a time).
pub async fn sites(env: &Env) -> Result<Vec<String>> {
    let prefix = site_key("");
    let mut all = Vec::new();
    for n in 0..SHARDS {
        let stub = shard(env, n)?;
        let mut after = String::new();
        loop {
            let call = IndexCall::Keys { prefix: prefix.clone(), after: after.clone() };
            let keys: Vec<String> = ask(&stub, &call).await?.unwrap_or_default();
            let Some(last) = keys.last().cloned() else { break };
            all.extend(keys.iter().filter_map(|k| k.strip_prefix(&prefix).map(str::to_owned)));
            after = last;
        }
    }
    Ok(all)
}

/// Claims `claims`, one call per shard they fall in (the bench's seeding).
pub async fn claim_all(env: &Env, claims: Vec<Claim>) -> Result<()> {
    let mut by_shard = std::collections::BTreeMap::<String, Vec<Claim>>::new();
    for c in claims {
        by_shard.entry(shard_of(&c.key)).or_default().push(c);
    }
    for (shard, claims) in by_shard {
        let stub = env.durable_object(BINDING)?.get_by_name(&shard)?;
        super::tell(&stub, &IndexCall::ClaimAll(claims)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_spread_evenly_over_the_shards_and_stay_put() {
        let mut per_shard = std::collections::HashMap::<String, usize>::new();
        for i in 0..3_200 {
            let key = email_key(&format!("person{i}@example.com"));
            assert_eq!(shard_of(&key), shard_of(&key.clone()));
            *per_shard.entry(shard_of(&key)).or_default() += 1;
        }
        assert_eq!(per_shard.len() as u64, SHARDS, "every shard is used");
        let busiest = per_shard.values().max().copied().unwrap_or(0);
        assert!(busiest < 200, "the busiest shard holds {busiest} of 3,200 keys (100 each if even)");
    }
}
