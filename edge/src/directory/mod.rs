//! The `Directory` Durable Object (one per deployment, named `main`): who
//! may use the console. Organisations own sites; accounts belong to one
//! organisation with one role; sessions are random tokens of which only the
//! SHA-256 is stored, with expiry and rotation; invitations are links with
//! a secret; sign-in attempts are counted for the rate limit; and it
//! remembers which objects an account opened sockets on, so removing the
//! account or signing out everywhere closes them at once. What expires
//! (sessions, invitations, attempts, the sockets of accounts no longer
//! signed in) is swept on an alarm ([`crate::retention`]).
//!
//! Passwords are hashed and checked by the Worker (stateless, so the KDF's
//! cost does not queue here); this object only stores the hashes.
//!
//! Internal API: `POST https://directory/` with an [`ops::DirectoryOp`] as
//! its JSON body; refusals answer an [`shared::api::ApiError`] with its
//! code's status.

pub mod ops;
mod sql;

use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

/// Name of the Directory binding in `wrangler.toml`.
pub const BINDING: &str = "DIRECTORY";
/// The one instance's name.
pub const NAME: &str = "main";

/// The deployment's directory.
#[durable_object]
pub struct Directory {
    state: State,
    env: Env,
    sweeps: crate::retention::Sweeps,
}

impl DurableObject for Directory {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = sql::ensure_schema(&state.storage().sql()) {
            worker::console_error!("directory schema: {e}");
        }
        Self { state, env, sweeps: Default::default() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: ops::DirectoryOp = match req.json().await {
            Ok(op) => op,
            Err(e) => return Response::error(format!("not a directory operation: {e}"), 400),
        };
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
        match ops::run(&sql, op, now) {
            Ok(ops::Done::Json(v)) => Response::from_json(&v),
            Ok(ops::Done::Drop(objects, account)) => {
                crate::socket::close_account(&self.env, &objects, &account, false).await;
                Response::from_json(&serde_json::Value::Null)
            }
            Ok(ops::Done::Recheck(objects, account)) => {
                crate::socket::close_account(&self.env, &objects, &account, true).await;
                Response::from_json(&serde_json::Value::Null)
            }
            Err(ops::Refusal(code, message)) => {
                Ok(Response::from_json(&shared::api::ApiError { code, message })?.with_status(code.http_status()))
            }
        }
    }

    /// The retention sweep ([`crate::retention`]): expired sessions,
    /// invitations and sign-in attempts go; the sockets of accounts left
    /// with no live session close.
    async fn alarm(&self) -> Result<Response> {
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        for (account, objects) in sql::purge(&sql, now, ops::login_window_ms(&self.env))? {
            crate::socket::close_account(&self.env, &objects, &account, false).await;
        }
        let left = sql::expiring(&sql)?.any();
        let next = left.then(|| now + crate::retention::every_ms(&self.env));
        self.sweeps.rearm_at(&self.state.storage(), next, now).await?;
        Response::empty()
    }
}
