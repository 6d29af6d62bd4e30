//! The `Index` Durable Object: one of [`SHARDS`](crate::calls::index::SHARDS)
//! shards (named `index-N`) of what must be unique across the deployment
//! — e-mail address → account and organisation, site id → organisation,
//! the one-time setup — and of the sign-in attempts counted per caller
//! address and per e-mail address. A key's shard is fixed by its hash;
//! each call reads or writes one key's rows through its primary key or
//! index. Attempts expire and are swept on an alarm ([`crate::retention`]);
//! a claim lives as long as what it names (released when an account or
//! site goes).

mod sql;

use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use crate::calls::index::{Counted, IndexCall};

/// One shard of the deployment's index.
#[durable_object]
pub struct Index {
    state: State,
    env: Env,
    sweeps: crate::retention::Sweeps,
    /// Requests since it woke (the bench counts them).
    requests: std::cell::Cell<u64>,
}

impl DurableObject for Index {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = sql::ensure_schema(&state.storage().sql()) {
            worker::console_error!("index schema: {e}");
        }
        Self { state, env, sweeps: Default::default(), requests: Default::default() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let call: IndexCall = match crate::calls::read(&mut req).await {
            Ok(call) => call,
            Err(resp) => return resp,
        };
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        if !matches!(call, IndexCall::Requests) {
            self.requests.set(self.requests.get() + 1);
        }
        match call {
            IndexCall::Count { key, limit, window_ms, slow_ms } => {
                self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
                let wait_ms = sql::attempt(&sql, &key, limit, slow_ms, window_ms, now)?.err();
                Response::from_json(&Counted { wait_ms, claim: sql::find(&sql, &key)? })
            }
            IndexCall::Clear { key } => {
                sql::clear_attempts(&sql, &key)?;
                Response::from_json(&())
            }
            IndexCall::Claim(claim) => Response::from_json(&sql::claim(&sql, &claim)?),
            IndexCall::Release { key, org } => {
                sql::release(&sql, &key, &org)?;
                Response::from_json(&())
            }
            IndexCall::Find { key } => Response::from_json(&sql::find(&sql, &key)?),
            IndexCall::Expiring => Response::from_json(&sql::attempts(&sql)?),
            IndexCall::Requests => Response::from_json(&self.requests.get()),
            IndexCall::Keys { prefix, after } => Response::from_json(&sql::keys(&sql, &prefix, &after)?),
            IndexCall::ClaimAll(claims) => {
                for claim in &claims {
                    sql::claim(&sql, claim)?;
                }
                Response::from_json(&())
            }
        }
    }

    /// The retention sweep: attempts past their window go.
    async fn alarm(&self) -> Result<Response> {
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        let next = sql::purge(&sql, now)?;
        self.sweeps.rearm_at(&self.state.storage(), next, now).await?;
        Response::empty()
    }
}
