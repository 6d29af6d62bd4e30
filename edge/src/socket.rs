//! Socket helpers shared by the Durable Objects: sending typed frames,
//! refusing a connection with a typed error, the close codes used, and
//! closing an account's sockets (tagged with [`account_tag`]) when it is
//! removed or signs out everywhere — or, when one of its sessions signs
//! out, closing them for a reconnect, whose handshake checks each
//! session again (only the signed-out one is refused).

use shared::{ErrorCode, ServerEnvelope};
use worker::{Response, WebSocket, WebSocketPair};

/// Close code: the request was malformed (bad query parameter).
pub const CLOSE_BAD_REQUEST: u16 = 4400;
/// Close code: missing or wrong token, or no session (signed out, removed).
pub const CLOSE_UNAUTHORIZED: u16 = 4401;
/// Close code: reconnect (the handshake checks the sign-in again).
pub const CLOSE_RECHECK: u16 = 4000;
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
    let pair = WebSocketPair::new()?;
    pair.server.accept()?;
    send(&pair.server, &ServerEnvelope::error(None, code, message));
    pair.server.close(Some(close_code), Some(message.chars().take(100).collect::<String>()))?;
    upgraded(pair.client)
}

/// The answer to an upgrade: `client`, speaking [`shared::api::SOCKET_PROTOCOL`]
/// (every client offers it, with its secret beside it).
pub fn upgraded(client: WebSocket) -> worker::Result<Response> {
    let headers = worker::Headers::new();
    headers.set("Sec-WebSocket-Protocol", shared::api::SOCKET_PROTOCOL)?;
    Ok(Response::from_websocket(client)?.with_headers(headers))
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

/// Closes this object's sockets of `account` (the object's `/drop?account=`).
pub fn close_tagged(state: &worker::State, account: &str, recheck: bool) {
    for ws in state.get_websockets_with_tag(&account_tag(account)) {
        if recheck {
            let _ = ws.close(Some(CLOSE_RECHECK), Some("a session signed out: checking the sign-in again"));
        } else {
            send(&ws, &ServerEnvelope::error(None, ErrorCode::Unauthorized, "signed out"));
            let _ = ws.close(Some(CLOSE_UNAUTHORIZED), Some("signed out"));
        }
    }
}

/// An object's `GET /drop?account=…[&recheck=1]`: closes that account's
/// sockets here (see [`close_account`]).
pub fn drop_request(state: &worker::State, req: &worker::Request) -> worker::Result<Response> {
    let url = req.url()?;
    let param = |name| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    close_tagged(state, &param("account").unwrap_or_default(), param("recheck").as_deref() == Some("1"));
    Response::empty()
}

/// Asks every object in `objects` (`(binding, name)`) to close `account`'s
/// sockets — all at once, not one after another: for good, or
/// (`recheck`) for a reconnect that checks the sign-in again.
pub async fn close_account(env: &worker::Env, objects: &[(String, String)], account: &str, recheck: bool) {
    let url = format!(
        "https://object/drop?account={}{}",
        shared::api::encode_query(account),
        if recheck { "&recheck=1" } else { "" }
    );
    let drops = objects.iter().map(|(binding, name)| {
        let url = url.as_str();
        async move {
            let sent = match env.durable_object(binding).and_then(|ns| ns.get_by_name(name)) {
                Ok(stub) => stub.fetch_with_str(url).await.map(drop),
                Err(e) => Err(e),
            };
            if let Err(e) = sent {
                worker::console_error!("closing sockets on {binding}/{name}: {e}");
            }
        }
    });
    futures_util::future::join_all(drops).await;
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
