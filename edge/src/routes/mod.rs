//! One module per resource the Worker serves itself.

pub mod accounts;
pub mod api_v1;
pub mod availability;
pub mod bench;
pub mod channels;
pub mod console;
pub mod conversations;
pub mod demo;
pub mod files;
pub mod orgs;
pub mod pages;
pub mod profiles;
pub mod search;
pub mod seed;
pub mod two_factor;
pub mod visitors;
pub mod webhooks;

use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use shared::ErrorCode;
use worker::Request;

use crate::error::RouteError;

/// The largest JSON body a route reads (16 KiB): more is refused before it
/// is parsed or any object sees it.
pub const MAX_BODY: usize = 16 * 1024;

/// The largest site configuration (its canned responses, products, rules
/// and channels): 512 KiB.
pub const MAX_CONFIG_BODY: usize = 512 * 1024;

/// Reads a JSON body of at most `limit` bytes as `T` (`what` names the
/// expected shape in the refusal). The body is read as a stream and
/// refused as soon as it passes the limit, whatever its `Content-Length`
/// says.
pub async fn json<T: DeserializeOwned>(req: &mut Request, what: &str, limit: usize) -> Result<T, RouteError> {
    let too_large = || RouteError::refused(ErrorCode::FrameTooLarge, format!("the body is over {limit} bytes"));
    let body = body(req, limit).await?.ok_or_else(too_large)?;
    serde_json::from_slice(&body).map_err(|e| RouteError::BadRequest(format!("expected {what}: {e}")))
}

/// A body of at most `limit` bytes (`None`: it is larger), read as a
/// stream and given up as soon as it passes the limit, whatever its
/// `Content-Length` says.
pub async fn body(req: &mut Request, limit: usize) -> Result<Option<Vec<u8>>, RouteError> {
    let declared = req.headers().get("Content-Length")?.and_then(|n| n.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Ok(None);
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0));
    if let Ok(mut stream) = req.stream() {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > limit {
                return Ok(None);
            }
            body.extend_from_slice(&chunk);
        }
    }
    Ok(Some(body))
}

/// An object's answer passed on as it is: its status, body, and content
/// headers copied into a new response (the object's own headers are
/// immutable, and the router adds its own).
pub async fn relay(mut inner: worker::Response) -> Result<worker::Response, RouteError> {
    let headers = worker::Headers::new();
    for name in ["Content-Type", "Content-Disposition", "Link"] {
        if let Some(v) = inner.headers().get(name)? {
            headers.set(name, &v)?;
        }
    }
    Ok(worker::Response::from_bytes(inner.bytes().await?)?.with_status(inner.status_code()).with_headers(headers))
}

/// A query parameter of the request, if present.
pub fn query(req: &Request, name: &str) -> Result<Option<String>, RouteError> {
    let url = req.url()?;
    Ok(url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}

/// Builds the internal request that attaches a socket to a Durable Object:
/// `https://object/ws?after=N` with the given internal headers. Only headers
/// set here reach the object: nothing a client sends can pose as one.
pub fn socket_request(req: &Request, headers: &[(&str, &str)]) -> Result<Request, RouteError> {
    let after = query(req, "after")?.unwrap_or_else(|| "0".into());
    let h = worker::Headers::new();
    h.set("Upgrade", "websocket")?;
    for (k, v) in headers {
        h.set(k, v)?;
    }
    let mut init = worker::RequestInit::new();
    init.with_headers(h);
    let url = format!("https://object/ws?after={}", shared::api::encode_query(&after));
    Ok(Request::new_with_init(&url, &init)?)
}

/// The request's `Origin` header, if any.
pub fn origin(req: &Request) -> Result<Option<String>, RouteError> {
    Ok(req.headers().get("Origin")?)
}

/// Whether the request comes from a page of the Worker's own origin (the
/// widget, channel and console apps). Fails closed: no `Origin`, no access.
/// Browsers always send it on WebSocket handshakes and `POST`s.
pub fn same_origin(req: &Request) -> Result<bool, RouteError> {
    let own = req.url()?.origin().ascii_serialization();
    Ok(origin(req)?.is_some_and(|o| o == own))
}

/// The refusal for a WebSocket handshake from another origin (OWASP:
/// check `Origin`; stops cross-site WebSocket hijacking), if it is one.
pub fn refuse_cross_origin(req: &Request) -> Result<Option<worker::Response>, RouteError> {
    if same_origin(req)? {
        return Ok(None);
    }
    let msg = "connections are accepted only from this service's own pages";
    Ok(Some(crate::socket::refuse(shared::ErrorCode::Forbidden, msg, crate::socket::CLOSE_FORBIDDEN)?))
}
