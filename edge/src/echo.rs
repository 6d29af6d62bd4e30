//! The `Echo` Durable Object: the benchmark baseline. It echoes every text
//! frame back and stores nothing, so `cargo xtask bench` can compare a
//! durable send with the bare cost of a socket through a Durable Object.
//! Reachable only when the `BENCH` variable is `on` (never in production).

use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

/// Name of the Echo binding in `wrangler.toml`.
pub const BINDING: &str = "ECHO";

/// Echoes frames; stores nothing.
#[durable_object]
pub struct Echo {
    state: State,
}

impl DurableObject for Echo {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, _req: Request) -> Result<Response> {
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        Response::from_websocket(pair.client)
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        if let WebSocketIncomingMessage::String(text) = message {
            let _ = ws.send_with_str(text);
        }
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        crate::socket::finish_close(&ws, code, reason);
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}
