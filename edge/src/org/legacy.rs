//! The legacy `Directory` Durable Object: before organisations had their
//! own objects, one Directory (named `main`) held every organisation's
//! rows in the same tables an [`Org`](super::Org) now holds one
//! organisation's. It is kept only to be migrated from: `POST
//! /api/setup/migrate` reads it one organisation at a time ([`LegacyOp::Export`])
//! into the organisations' objects and the index, then empties it
//! ([`LegacyOp::Forget`]). See DEPLOY notes in the README.

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use super::{ops, sql};

/// Name of the Directory binding in `wrangler.toml`.
pub const BINDING: &str = "DIRECTORY";
/// The one instance's name.
pub const NAME: &str = "main";

/// What the migration asks of the legacy Directory.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LegacyOp {
    /// Writes an organisation as the Directory held it (the migration test
    /// makes a legacy deployment with it; `BENCH=on` only).
    Seed(ops::Seed),
    /// The first organisation after this id → `Option<sql::Dump>`.
    Export {
        /// The last organisation migrated ("" to start).
        after: String,
    },
    /// Deletes everything (after a migration).
    Forget,
}

/// The deployment's former directory.
#[durable_object]
pub struct Directory {
    state: State,
}

impl DurableObject for Directory {
    fn new(state: State, _env: Env) -> Self {
        if let Err(e) = sql::ensure_schema(&state.storage().sql()) {
            worker::console_error!("directory schema: {e}");
        }
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: LegacyOp = match crate::calls::read(&mut req).await {
            Ok(op) => op,
            Err(resp) => return resp,
        };
        let sql = self.state.storage().sql();
        match op {
            LegacyOp::Seed(seed) => match ops::seed(&sql, seed, worker::Date::now().as_millis()) {
                Ok(_) => Response::from_json(&()),
                Err(refusal) => Response::error(refusal.message, 409),
            },
            LegacyOp::Export { after } => match sql::next_org(&sql, &after)? {
                Some(org) => Response::from_json(&Some(sql::export(&sql, &org)?)),
                None => Response::from_json(&None::<sql::Dump>),
            },
            LegacyOp::Forget => {
                let storage = self.state.storage();
                storage.delete_alarm().await?;
                storage.delete_all().await?;
                // Empty tables again: a later export finds nothing.
                sql::ensure_schema(&storage.sql())?;
                Response::from_json(&())
            }
        }
    }

    /// A sweep the Directory had set before the upgrade: nothing to do.
    async fn alarm(&self) -> Result<Response> {
        Response::empty()
    }
}
