//! The calls between objects, typed: one enum per kind of object
//! ([`inbox::InboxCall`], [`room::RoomCall`], [`index::IndexCall`]; an
//! organisation's is `org::ops::OrgOp`), sent as the JSON body of one `POST` and
//! handled there by one exhaustive `match`. Only attaching a socket (`/ws`)
//! and closing an account's sockets (`/drop`), which every object with
//! sockets does the same way, stay paths (`socket.rs`).
//!
//! This module uses no object module, and the objects reach each other
//! only through it: `room`, `conversation`, `channel` and `inbox` import
//! `calls`, never each other's internals.

pub mod inbox;
pub mod index;
pub mod relay;
pub mod room;

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Method, Request, RequestInit, Response, Result, Stub};

/// Posts `call` to `stub`; the object's answer, whatever its status.
pub async fn post(stub: &Stub, call: &impl Serialize) -> Result<Response> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(serde_json::to_string(call)?.into()));
    stub.fetch_with_request(Request::new_with_init("https://object/", &init)?).await
}

/// Posts `call`, which must succeed: its JSON answer (`None`: 404, the
/// object does not exist — no such site or room).
pub async fn ask<T: DeserializeOwned>(stub: &Stub, call: &impl Serialize) -> Result<Option<T>> {
    let mut resp = post(stub, call).await?;
    match resp.status_code() {
        200 | 201 => resp.json().await.map(Some),
        404 => Ok(None),
        s => Err(crate::error::internal(format!("an internal call answered {s}: {}", resp.text().await?))),
    }
}

/// Posts `call`, which must succeed and answers nothing.
pub async fn tell(stub: &Stub, call: &impl Serialize) -> Result<()> {
    let mut resp = post(stub, call).await?;
    match resp.status_code() {
        200..=204 => Ok(()),
        s => Err(crate::error::internal(format!("an internal call answered {s}: {}", resp.text().await?))),
    }
}

/// Reads a call from a request's body: `Err`: the 400 to answer.
pub async fn read<T: DeserializeOwned>(req: &mut Request) -> std::result::Result<T, Result<Response>> {
    req.json().await.map_err(|e| Response::error(format!("not a call this object takes: {e}"), 400))
}

/// FNV-1a of `key`: a stable hash (which shard or relay a key goes to never
/// changes between isolates or deployments).
pub fn stable_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
