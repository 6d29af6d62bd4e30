//! Internal calls to a Durable Object: a JSON `POST` that must succeed with
//! an expected status (used for `/init` and `/touch`).

use serde::Serialize;
use worker::{Method, Request, RequestInit, Result, Stub};

/// POSTs `body` as JSON to `url` on `stub`; an answer other than `expect` is an error.
pub async fn post_json(stub: &Stub, url: &str, body: &impl Serialize, expect: u16) -> Result<()> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(serde_json::to_string(body)?.into()));
    let resp = stub.fetch_with_request(Request::new_with_init(url, &init)?).await?;
    match resp.status_code() {
        s if s == expect => Ok(()),
        s => Err(crate::error::internal(format!("{url} answered {s}"))),
    }
}
