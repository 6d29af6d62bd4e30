//! Internal calls to a Durable Object: a JSON `POST`/`PUT` that must succeed
//! with an expected status (used for `/init`, `/touch` and `/config`).

use serde::Serialize;
use worker::{Method, Request, RequestInit, Result, Stub};

/// Sends `body` as JSON to `url` on `stub`; an answer other than `expect` is an error.
pub async fn send_json(stub: &Stub, method: Method, url: &str, body: &impl Serialize, expect: u16) -> Result<()> {
    let mut init = RequestInit::new();
    init.with_method(method).with_body(Some(serde_json::to_string(body)?.into()));
    let resp = stub.fetch_with_request(Request::new_with_init(url, &init)?).await?;
    match resp.status_code() {
        s if s == expect => Ok(()),
        s => Err(crate::error::internal(format!("{url} answered {s}"))),
    }
}
