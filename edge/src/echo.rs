//! The `Echo` Durable Object: the benchmarks' two baselines. It echoes
//! every text frame back; a socket attached with [`crate::headers::DURABLE`] set
//! first inserts the frame into SQLite (one statement, the floor of any
//! durable send), the other stores nothing (the bare cost of a socket
//! through a Durable Object). Reachable only when the `BENCH` variable is
//! `on` (never in production).

use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

/// Name of the Echo binding in `wrangler.toml`.
pub const BINDING: &str = "ECHO";
/// The tag of a durable socket.
const DURABLE: &str = "durable";

/// Echoes frames; stores them first on a durable socket.
#[durable_object]
pub struct Echo {
    state: State,
}

impl DurableObject for Echo {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        let table = "CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, text TEXT NOT NULL)";
        if let Err(e) = sql.exec(table, None) {
            worker::console_error!("echo schema: {e}");
        }
        Self { state }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let durable = crate::headers::header(&req, crate::headers::DURABLE) == "1";
        if durable {
            // Only a benchmark's worth is kept: each durable socket starts empty.
            self.state.storage().sql().exec("DELETE FROM frames", None)?;
        }
        let pair = WebSocketPair::new()?;
        self.state.accept_websocket_with_tags(&pair.server, &[if durable { DURABLE } else { "plain" }]);
        crate::socket::upgraded(pair.client)
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        if let WebSocketIncomingMessage::String(text) = message {
            if self.state.get_tags(&ws).iter().any(|t| t == DURABLE) {
                self.state.storage().sql().exec("INSERT INTO frames (text) VALUES (?)", vec![text.as_str().into()])?;
            }
            let _ = ws.send_with_str(text);
        }
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        crate::socket::finish_close(&ws, code, reason);
        Ok(())
    }
}
