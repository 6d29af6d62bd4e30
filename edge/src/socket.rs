//! Socket helpers shared by the Durable Objects: sending typed frames,
//! refusing a connection with a typed error, the close codes used, and the
//! rows of operators' sockets (kept by their organisation's `Org`,
//! [`crate::org::sockets`]): each operator socket carries its row's tag, an
//! object's `/drop?tag=` closes it, and an object that sees it close says
//! so, so the row goes.

use shared::{ErrorCode, ServerEnvelope};
use worker::{Response, WebSocket, WebSocketPair};

/// Close code: the request was malformed (bad query parameter).
pub const CLOSE_BAD_REQUEST: u16 = 4400;
/// Close code: missing or wrong token, or no session (signed out, removed).
pub const CLOSE_UNAUTHORIZED: u16 = 4401;
/// Close code: refused (another origin, a ban).
pub const CLOSE_FORBIDDEN: u16 = 4403;
/// Close code: too many sockets open already.
pub const CLOSE_TOO_MANY: u16 = 4429;
/// Close code: no such conversation.
pub const CLOSE_NOT_FOUND: u16 = 4404;

/// Sends one server frame; a socket that is already gone is not an error
/// (its client will resume from its last sequence number).
pub fn send(ws: &WebSocket, frame: &ServerEnvelope) {
    match serde_json::to_string(frame) {
        Ok(text) => {
            if let Err(e) = ws.send_with_str(text) {
                worker::console_log!("send on a closing socket dropped: {e}");
            }
        }
        Err(e) => worker::console_error!("cannot encode a frame: {e}"),
    }
}

/// Answers an upgrade with a socket that carries one typed error and closes,
/// so browsers (which cannot read a refused upgrade's status) see why.
pub fn refuse(code: ErrorCode, message: &str, close_code: u16) -> worker::Result<Response> {
    refused(shared::Refusal::new(code, message), close_code)
}

/// [`refuse`] with a refusal's particulars.
pub fn refused(refusal: shared::Refusal, close_code: u16) -> worker::Result<Response> {
    let pair = WebSocketPair::new()?;
    pair.server.accept()?;
    let reason = refusal.message.chars().take(100).collect::<String>();
    send(&pair.server, &ServerEnvelope::refused(None, refusal));
    pair.server.close(Some(close_code), Some(reason))?;
    upgraded(pair.client)
}

/// The answer to an upgrade: `client`, speaking [`shared::api::SOCKET_PROTOCOL`]
/// (every client offers it, with its secret beside it).
pub fn upgraded(client: WebSocket) -> worker::Result<Response> {
    let headers = worker::Headers::new();
    headers.set("Sec-WebSocket-Protocol", shared::api::SOCKET_PROTOCOL)?;
    Ok(Response::from_websocket(client)?.with_headers(headers))
}

/// The refusal of a secret in a socket's address (it would reach logs).
pub const SECRET_IN_ADDRESS: &str =
    "tokens go in the Sec-WebSocket-Protocol header beside \"chat\", never in the address";

/// A socket's refusal when its address carries a secret as the query
/// parameter `name` (clients send it beside the protocol; see [`secret`]).
pub fn secret_in_address(req: &worker::Request, name: &str) -> worker::Result<Option<Response>> {
    match req.url()?.query_pairs().any(|(k, _)| k == name) {
        true => refuse(ErrorCode::Malformed, SECRET_IN_ADDRESS, CLOSE_BAD_REQUEST).map(Some),
        false => Ok(None),
    }
}

/// The secret a client offered beside the protocol, after `prefix` (`t.`
/// a customer's token, `v.` a visitor's); empty if none.
pub fn secret(req: &worker::Request, prefix: &str) -> worker::Result<String> {
    let offered = req.headers().get("Sec-WebSocket-Protocol")?.unwrap_or_default();
    Ok(offered.split(',').find_map(|p| p.trim().strip_prefix(prefix)).unwrap_or_default().to_owned())
}

/// Whether the request asks for a WebSocket upgrade.
pub fn is_upgrade(req: &worker::Request) -> bool {
    req.headers().get("Upgrade").ok().flatten().is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Completes the closing handshake the peer started (the socket may already
/// be gone). 1005/1006 are reserved codes that cannot be sent back.
pub fn finish_close(ws: &WebSocket, code: usize, reason: String) {
    let code = if code == 1005 || code == 1006 { 1000 } else { code as u16 };
    let _ = ws.close(Some(code), Some(reason));
}

/// The tag an operator's socket carries: its account.
pub fn account_tag(account: &str) -> String {
    format!("acct:{account}")
}

/// A new operator socket's row tag, in organisation `org`.
pub fn new_row_tag(org: &str) -> String {
    format!("{ROW_PREFIX}{org}|{}", &crate::auth::new_token()[..16])
}

const ROW_PREFIX: &str = "sock:";

/// The row tag an operator's socket is opened with (the Worker's header),
/// to tag it with; none for other sockets.
pub fn row_tag(req: &worker::Request) -> Option<String> {
    Some(crate::headers::header(req, crate::headers::SOCKET_ROW)).filter(|t| t.starts_with(ROW_PREFIX))
}

/// Accepts a socket (hibernatable) with `tags`, and its row tag if it
/// has one.
pub fn accept(state: &worker::State, req: &worker::Request, server: &WebSocket, tags: &[&str]) {
    let row = row_tag(req);
    let mut all = tags.to_vec();
    all.extend(row.as_deref());
    state.accept_websocket_with_tags(server, &all);
}

/// An object's answer to an upgrade it accepted: [`upgraded`], saying so
/// when the socket has a row to write.
pub fn accepted(req: &worker::Request, client: WebSocket) -> worker::Result<Response> {
    let resp = upgraded(client)?;
    if row_tag(req).is_some() {
        resp.headers().set(crate::headers::OPENED, "1")?;
    }
    Ok(resp)
}

/// Closes this object's socket(s) tagged `tag`: their access ended.
pub fn close_tagged(state: &worker::State, tag: &str) {
    for ws in state.get_websockets_with_tag(tag) {
        send(&ws, &ServerEnvelope::error(None, ErrorCode::Unauthorized, "signed out"));
        let _ = ws.close(Some(CLOSE_UNAUTHORIZED), Some("signed out"));
    }
}

/// An object's `GET /drop?tag=…`: closes the socket with that row tag.
pub fn drop_request(state: &worker::State, req: &worker::Request) -> worker::Result<Response> {
    let url = req.url()?;
    let tag = url.query_pairs().find(|(k, _)| k == "tag").map(|(_, v)| v.into_owned()).unwrap_or_default();
    if tag.starts_with(ROW_PREFIX) {
        close_tagged(state, &tag);
    }
    Response::empty()
}

/// Asks each row's object to close its socket — all at once — and returns
/// the tags of those that answered (the others are tried again later).
pub async fn drop_rows(env: &worker::Env, rows: &[crate::org::sockets::Closing]) -> Vec<String> {
    let drops = rows.iter().map(|row| async move {
        let url = format!("https://object/drop?tag={}", shared::api::encode_query(&row.tag));
        let sent = match env.durable_object(&row.binding).and_then(|ns| ns.get_by_name(&row.object)) {
            Ok(stub) => stub.fetch_with_str(&url).await.and_then(|r| match r.status_code() {
                200..=299 => Ok(()),
                status => Err(worker::Error::RustError(format!("status {status}"))),
            }),
            Err(e) => Err(e),
        };
        match sent {
            Ok(()) => Some(row.tag.clone()),
            Err(e) => {
                worker::console_error!("closing a socket on {}/{}: {e}", row.binding, row.object);
                None
            }
        }
    });
    futures_util::future::join_all(drops).await.into_iter().flatten().collect()
}

/// An operator's socket closed here: its organisation forgets its row.
pub async fn forget(env: &worker::Env, state: &worker::State, ws: &WebSocket) {
    let Some(tag) = state.get_tags(ws).into_iter().find(|t| t.starts_with(ROW_PREFIX)) else { return };
    let org = tag[ROW_PREFIX.len()..].split('|').next().unwrap_or_default().to_owned();
    if !crate::org::id_ok(&org) {
        return;
    }
    let done: Result<(), _> = crate::session::org(env, &org, crate::org::ops::OrgOp::Closed(tag)).await;
    if let Err(e) = done {
        worker::console_error!("forgetting a closed socket's row: {e:?}");
    }
}

/// A socket request's `after` parameter: the last sequence number the
/// client has (0 when missing).
pub fn after_param(req: &worker::Request) -> Result<u64, String> {
    let url = req.url().map_err(|_| "the address is not a URL".to_owned())?;
    match url.query_pairs().find(|(k, _)| k == "after") {
        None => Ok(0),
        Some((_, v)) => v.parse().map_err(|_| format!("after must be a sequence number, not {v:?}")),
    }
}
