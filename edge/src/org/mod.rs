//! The `Org` Durable Object, one per organisation (named by its id,
//! `org_` and 16 hex digits): who may use its console. It holds the
//! organisation's sites, its accounts (one role each, and the sites each
//! may use), sessions — random tokens prefixed with the organisation's id,
//! of which only the SHA-256 is stored, with expiry and rotation —
//! invitations (links whose secret is prefixed the same way), and where
//! its operators hold sockets ([`sockets`]), so a sign-out, a removal or
//! a new role closes them — reliably: a row stays until its object
//! confirmed the close, and a failed drop is tried again. A console request reaches
//! only its own organisation's object (the token names it) and reads a
//! few rows through primary keys. What must be unique across the
//! deployment (e-mail addresses, site ids) is claimed first in the
//! sharded [`crate::index`]. What expires (sessions, invitations, the
//! sockets of accounts no longer signed in) is swept on an alarm
//! ([`crate::retention`]).
//!
//! Passwords are hashed and checked by the Worker (stateless, so the KDF's
//! cost does not queue here); this object only stores the hashes.
//!
//! Internal API: `POST https://org/` with an [`ops::OrgOp`] as its JSON
//! body; refusals answer an [`shared::api::ApiError`] with its code's status.

pub mod keys;
pub mod legacy;
pub mod ops;
pub mod sockets;
pub mod sql;
pub mod two_factor;

use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

/// Name of the Org binding in `wrangler.toml`.
pub const BINDING: &str = "ORG";

/// Whether `id` has the form of an organisation's id (`org_` and 16 hex digits).
pub fn id_ok(id: &str) -> bool {
    id.strip_prefix("org_")
        .is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// One organisation's accounts and sessions.
#[durable_object]
pub struct Org {
    state: State,
    env: Env,
    sweeps: crate::retention::Sweeps,
    /// What it did since it woke (the bench counts it).
    counts: std::cell::Cell<ops::OrgCounts>,
    /// Drops still to fail on purpose (`SOCKET_DROP_FAULTS`, tests only:
    /// the retry is tested against the real Worker).
    faults: std::cell::Cell<Option<u64>>,
}

impl DurableObject for Org {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = sql::ensure_schema(&state.storage().sql()) {
            worker::console_error!("org schema: {e}");
        }
        Self { state, env, sweeps: Default::default(), counts: Default::default(), faults: Default::default() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: ops::OrgOp = match crate::calls::read(&mut req).await {
            Ok(op) => op,
            Err(resp) => return resp,
        };
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
        if matches!(op, ops::OrgOp::Counts) {
            return Response::from_json(&self.counts.get());
        }
        // Whether the people's names may change (the sites' settings keep them).
        let names = matches!(
            op,
            ops::OrgOp::Accept(_) | ops::OrgOp::Person(_) | ops::OrgOp::Import(_) | ops::OrgOp::StaffNames
        );
        let key = crate::auth::token_key(&self.env).unwrap_or_default();
        // `run` does not pause, so no other request's rows are counted here.
        let before = sql::rows_read();
        let done = ops::run(&sql, op, now, &key);
        let mut counts = self.counts.get();
        (counts.requests, counts.rows_read) = (counts.requests + 1, counts.rows_read + sql::rows_read() - before);
        self.counts.set(counts);
        if names && done.is_ok() {
            self.push_staff_names().await?;
        }
        match done {
            Ok(ops::Done::Json(v)) => Response::from_json(&v),
            Ok(ops::Done::Drop(answer)) => {
                self.drop_closing(now).await?;
                Response::from_json(&answer)
            }
            Err(refusal) => crate::error::refusal_response(refusal),
        }
    }

    /// The retention sweep ([`crate::retention`]): expired sessions and
    /// invitations go; the sockets of sign-ins with no live session close,
    /// and failed drops are tried again (soon, while any is left).
    async fn alarm(&self) -> Result<Response> {
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        sql::purge(&sql, now)?;
        let failed = self.drop_closing(now).await?;
        let every = crate::retention::every_ms(&self.env);
        let next = match failed {
            true => Some(now + every.min(sockets::RETRY_MS)),
            false => sql::expiring(&sql)?.any().then(|| now + every),
        };
        self.sweeps.rearm_at(&self.state.storage(), next, now).await?;
        Response::empty()
    }
}

impl Org {
    /// Tells each site's settings the people's display names (channel
    /// members may not take them).
    async fn push_staff_names(&self) -> Result<()> {
        let (names, sites) = sql::names_and_sites(&self.state.storage().sql())?;
        let told = sites.iter().map(|site| crate::calls::inbox::staff_names(&self.env, site, names.clone()));
        for (site, result) in sites.iter().zip(futures_util::future::join_all(told).await) {
            if let Err(e) = result {
                worker::console_error!("staff names not told to {site}: {e}");
            }
        }
        Ok(())
    }

    /// Drops the sockets whose rows are closing and forgets those the
    /// objects confirmed; `true` if any failed, for which the alarm comes
    /// back within [`sockets::RETRY_MS`].
    async fn drop_closing(&self, now: u64) -> Result<bool> {
        let sql = self.state.storage().sql();
        let rows = sockets::closing(&sql)?;
        if rows.is_empty() {
            return Ok(false);
        }
        let (faulty, rows) = self.injected_faults(rows);
        let dropped = crate::socket::drop_rows(&self.env, &rows).await;
        sockets::dropped(&sql, &dropped)?;
        let failed = faulty || dropped.len() < rows.len();
        if failed {
            let storage = self.state.storage();
            let due = now + sockets::RETRY_MS;
            if storage.get_alarm().await?.is_none_or(|at| at as u64 > due) {
                storage.set_alarm(std::time::Duration::from_millis(sockets::RETRY_MS)).await?;
            }
        }
        Ok(failed)
    }

    /// Takes the rows whose drop fails on purpose off `rows`
    /// (`SOCKET_DROP_FAULTS`: that many of the first drops fail).
    fn injected_faults(&self, mut rows: Vec<sockets::Closing>) -> (bool, Vec<sockets::Closing>) {
        let left = self.faults.get().unwrap_or_else(|| {
            self.env.var("SOCKET_DROP_FAULTS").ok().and_then(|v| v.to_string().parse().ok()).unwrap_or(0)
        });
        let failing = (left as usize).min(rows.len());
        self.faults.set(Some(left - failing as u64));
        if failing > 0 {
            worker::console_log!("SOCKET_DROP_FAULTS: {failing} drop(s) fail on purpose");
        }
        (failing > 0, rows.split_off(failing))
    }
}
