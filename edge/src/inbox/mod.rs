//! The `Inbox` Durable Object: one per site. It keeps one line per
//! conversation (updated by the Conversation objects), pushes every change
//! to the operators' sockets, and holds the site's configuration (teams,
//! canned responses, products, pre-chat form, triggers).
//!
//! Internal API (called by the Worker and by Conversation objects only):
//! - `GET /ws`: attach an operator socket; it first receives the whole list.
//! - `POST /touch` with a [`ConversationSummary`]: record a change.
//! - `GET /config`, `PUT /config` with a [`SiteConfig`]: read / replace the
//!   configuration (validated before it reaches here).

mod sql;

use shared::site::SiteConfig;
use shared::{ConversationSummary, ErrorCode, ServerEnvelope, ServerMsg};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

use crate::socket;

/// Name of the Inbox binding in `wrangler.toml`.
pub const BINDING: &str = "INBOX";

/// Records a conversation change in its site's inbox.
pub async fn touch(env: &Env, summary: &ConversationSummary) -> Result<()> {
    let stub = env.durable_object(BINDING)?.get_by_name(summary.site.as_str())?;
    crate::stub::send_json(&stub, worker::Method::Post, "https://inbox/touch", summary, 200).await
}

/// The site's configuration.
pub async fn config(env: &Env, site: &str) -> Result<SiteConfig> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let mut resp = stub.fetch_with_str("https://inbox/config").await?;
    match resp.status_code() {
        200 => resp.json().await,
        s => Err(crate::error::internal(format!("config answered {s}"))),
    }
}

/// Replaces the site's configuration (validate it first).
pub async fn save_config(env: &Env, site: &str, config: &SiteConfig) -> Result<()> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    crate::stub::send_json(&stub, worker::Method::Put, "https://inbox/config", config, 200).await
}

/// The conversation list of one site.
#[durable_object]
pub struct Inbox {
    state: State,
}

impl DurableObject for Inbox {
    fn new(state: State, _env: Env) -> Self {
        if let Err(e) = sql::ensure_schema(&state.storage().sql()) {
            worker::console_error!("inbox schema: {e}");
        }
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/touch" => {
                let summary: ConversationSummary = req.json().await?;
                if sql::upsert(&self.state.storage().sql(), &summary)? {
                    let frame = ServerEnvelope::push(ServerMsg::InboxUpdate(summary));
                    for ws in self.state.get_websockets() {
                        socket::send(&ws, &frame);
                    }
                }
                Response::empty()
            }
            "/config" if req.method() == worker::Method::Put => {
                let config: SiteConfig = req.json().await?;
                sql::save_config(&self.state.storage().sql(), &config)?;
                Response::empty()
            }
            "/config" => Response::from_json(&sql::config(&self.state.storage().sql())?),
            "/ws" => {
                let pair = WebSocketPair::new()?;
                self.state.accept_web_socket(&pair.server);
                let conversations = sql::list(&self.state.storage().sql())?;
                socket::send(&pair.server, &ServerEnvelope::push(ServerMsg::Inbox { conversations }));
                Response::from_websocket(pair.client)
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn websocket_message(&self, ws: WebSocket, _message: WebSocketIncomingMessage) -> Result<()> {
        socket::send(&ws, &ServerEnvelope::error(None, ErrorCode::UnknownType, "the inbox socket only listens"));
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        socket::finish_close(&ws, code, reason);
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}
