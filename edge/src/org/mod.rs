//! The `Org` Durable Object, one per organisation (named by its id,
//! `org_` and 16 hex digits): who may use its console. It holds the
//! organisation's sites, its accounts (one role each, and the sites each
//! may use), sessions — random tokens prefixed with the organisation's id,
//! of which only the SHA-256 is stored, with expiry and rotation —
//! invitations (links whose secret is prefixed the same way), and which
//! objects an account opened sockets on, so removing the account or
//! signing out everywhere closes them at once. A console request reaches
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

pub mod legacy;
pub mod ops;
pub mod sql;

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
}

impl DurableObject for Org {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = sql::ensure_schema(&state.storage().sql()) {
            worker::console_error!("org schema: {e}");
        }
        Self { state, env, sweeps: Default::default(), counts: Default::default() }
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
        let key = crate::auth::token_key(&self.env).unwrap_or_default();
        // `run` does not pause, so no other request's rows are counted here.
        let before = sql::rows_read();
        let done = ops::run(&sql, op, now, &key);
        let mut counts = self.counts.get();
        (counts.requests, counts.rows_read) = (counts.requests + 1, counts.rows_read + sql::rows_read() - before);
        self.counts.set(counts);
        match done {
            Ok(ops::Done::Json(v)) => Response::from_json(&v),
            Ok(ops::Done::Close { objects, account, recheck, answer }) => {
                crate::socket::close_account(&self.env, &objects, &account, recheck).await;
                Response::from_json(&answer)
            }
            Err(ops::Refusal(code, message)) => {
                Ok(Response::from_json(&shared::api::ApiError { code, message })?.with_status(code.http_status()))
            }
        }
    }

    /// The retention sweep ([`crate::retention`]): expired sessions and
    /// invitations go; the sockets of accounts left with no live session close.
    async fn alarm(&self) -> Result<Response> {
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        for (account, objects) in sql::purge(&sql, now)? {
            crate::socket::close_account(&self.env, &objects, &account, false).await;
        }
        let left = sql::expiring(&sql)?.any();
        let next = left.then(|| now + crate::retention::every_ms(&self.env));
        self.sweeps.rearm_at(&self.state.storage(), next, now).await?;
        Response::empty()
    }
}
