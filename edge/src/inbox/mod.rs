//! The `Inbox` Durable Object: one per site. It keeps one line per
//! conversation (updated by the Conversation objects), pushes every change
//! to the operators' sockets, and holds the site's configuration (teams,
//! canned responses, products, pre-chat form, triggers, channels, rules)
//! and the moderation desk ([`desk`]).
//!
//! Internal API (called by the Worker and by Conversation objects only):
//! - `GET /ws`: attach an operator socket; it first receives the whole list.
//! - `POST /touch` with a [`ConversationSummary`]: record a change; answers
//!   the settings version ([`Touched`]), so rooms know when to read again.
//! - `GET /config` (its version in the [`crate::headers::VERSION`] header), `PUT /config?site=`
//!   with a [`SiteConfig`]: read / replace the configuration (validated
//!   before it reaches here; the site's channels are told the new
//!   version); 404 for a site not registered. `PUT /site`: register the
//!   site (default configuration).
//! - `GET /drop?account=`: close that account's sockets.
//! - `GET /identity` (`POST`: replace it): the site's identity secret.
//! - `POST /user?user=&conversation=`, `GET /user?user=`: a verified
//!   customer's conversations; their latest.
//! - `POST /report?site=` with a [`Report`] (from a room): file it.
//! - `GET /sanctions?member=`: the member's sanctions in force and the
//!   settings version ([`Admission`]).
//! - `GET /admit?key=&limit=`: count a new conversation against a visitor or
//!   an address (at most `limit` an hour; 429 with the wait in ms).
//! - `/desk/...?site=&name=`: the console's moderation routes ([`desk`]).

mod desk;
mod desk_sql;
mod sql;

pub use desk::room_stub;

use std::cell::{Cell, RefCell};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::moderation_case::{DeskBatch, Report, SanctionRecord};
use shared::site::SiteConfig;
use shared::{ConversationSummary, ErrorCode, ServerEnvelope, ServerMsg};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

use crate::socket;

/// Name of the Inbox binding in `wrangler.toml`.
pub const BINDING: &str = "INBOX";

/// The answer to `/touch`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Touched {
    /// The site's settings version.
    pub version: u64,
}

/// The answer to `/sanctions`: what a room needs at a customer's connect.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Admission {
    /// The member's sanctions in force.
    pub sanctions: Vec<SanctionRecord>,
    /// The site's settings version.
    pub version: u64,
}

/// Records a conversation change in its site's inbox; the site's settings version.
pub async fn touch(env: &Env, summary: &ConversationSummary) -> Result<u64> {
    let stub = env.durable_object(BINDING)?.get_by_name(summary.site.as_str())?;
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post).with_body(Some(serde_json::to_string(summary)?.into()));
    let mut resp = stub.fetch_with_request(Request::new_with_init("https://inbox/touch", &init)?).await?;
    match resp.status_code() {
        200 => Ok(resp.json::<Touched>().await?.version),
        s => Err(crate::error::internal(format!("touch answered {s}"))),
    }
}

/// The site's configuration; `None`: no site has this id.
pub async fn config(env: &Env, site: &str) -> Result<Option<SiteConfig>> {
    Ok(settings(env, site).await?.map(|(_, config)| config))
}

/// The site's configuration and its version; `None`: no site has this id.
pub async fn settings(env: &Env, site: &str) -> Result<Option<(u64, SiteConfig)>> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let mut resp = stub.fetch_with_str("https://inbox/config").await?;
    match resp.status_code() {
        200 => {
            let version = resp.headers().get(crate::headers::VERSION)?.and_then(|v| v.parse().ok()).unwrap_or(0);
            Ok(Some((version, resp.json().await?)))
        }
        404 => Ok(None),
        s => Err(crate::error::internal(format!("config answered {s}"))),
    }
}

/// The site's identity secret; `rotate` replaces it first.
pub async fn identity_secret(env: &Env, site: &str, rotate: bool) -> Result<String> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let mut init = worker::RequestInit::new();
    init.with_method(if rotate { worker::Method::Post } else { worker::Method::Get });
    let mut resp = stub.fetch_with_request(Request::new_with_init("https://inbox/identity", &init)?).await?;
    Ok(resp.json::<shared::api::IdentitySecret>().await?.secret)
}

/// Records a verified customer's new conversation.
pub async fn add_user_conversation(env: &Env, site: &str, user: &str, conversation: &str) -> Result<()> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let (u, c) = (shared::api::encode_query(user), shared::api::encode_query(conversation));
    crate::stub::send_json(
        &stub,
        worker::Method::Post,
        &format!("https://inbox/user?user={u}&conversation={c}"),
        &(),
        200,
    )
    .await
}

/// A verified customer's latest conversation on the site.
pub async fn latest_of(env: &Env, site: &str, user: &str) -> Result<Option<String>> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let mut resp = stub.fetch_with_str(&format!("https://inbox/user?user={}", shared::api::encode_query(user))).await?;
    match resp.status_code() {
        200 => resp.json().await.map(Some),
        _ => Ok(None),
    }
}

/// Registers a new site (its configuration starts as the defaults).
pub async fn register(env: &Env, site: &str) -> Result<()> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    crate::stub::send_json(&stub, worker::Method::Put, "https://inbox/site", &(), 200).await
}

/// Replaces the site's configuration (validate it first).
pub async fn save_config(env: &Env, site: &str, config: &SiteConfig) -> Result<()> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let url = format!("https://inbox/config?site={}", shared::api::encode_query(site));
    crate::stub::send_json(&stub, worker::Method::Put, &url, config, 200).await
}

/// Files a room's report with its site's desk.
pub async fn report(env: &Env, site: &str, report: &Report) -> Result<()> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let url = format!("https://inbox/report?site={}", shared::api::encode_query(site));
    crate::stub::send_json(&stub, worker::Method::Post, &url, report, 200).await
}

/// The site's sanctions in force for `member`, and its settings version.
pub async fn sanctions_of(env: &Env, site: &str, member: &str) -> Result<Admission> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let url = format!("https://inbox/sanctions?member={}", shared::api::encode_query(member));
    let mut resp = stub.fetch_with_str(&url).await?;
    match resp.status_code() {
        200 => resp.json().await,
        s => Err(crate::error::internal(format!("sanctions answered {s}"))),
    }
}

/// Counts a new conversation against `key` (a visitor's or an address's):
/// at most `limit` per hour; `Err(ms)` is how long until the next one.
pub async fn admit(env: &Env, site: &str, key: &str, limit: usize) -> Result<std::result::Result<(), u64>> {
    let stub = env.durable_object(BINDING)?.get_by_name(site)?;
    let url = format!("https://inbox/admit?key={}&limit={limit}", shared::api::encode_query(key));
    let mut resp = stub.fetch_with_str(&url).await?;
    match resp.status_code() {
        200 => Ok(Ok(())),
        429 => Ok(Err(resp.json::<u64>().await?)),
        s => Err(crate::error::internal(format!("admit answered {s}"))),
    }
}

/// The conversation list of one site.
#[durable_object]
pub struct Inbox {
    state: State,
    env: Env,
    /// The settings version, read once per wake (saves count it up).
    version: Cell<Option<u64>>,
    /// Desk changes not yet pushed to the consoles.
    desk: RefCell<DeskBatch>,
    /// Whether the alarm that pushes them is set.
    push_set: Cell<bool>,
}

/// How long desk changes gather before one push tells the consoles.
const PUSH_AFTER: Duration = Duration::from_millis(250);

impl Inbox {
    /// The site's settings version.
    fn version(&self) -> Result<u64> {
        if let Some(v) = self.version.get() {
            return Ok(v);
        }
        let v = sql::version(&self.state.storage().sql())?;
        self.version.set(Some(v));
        Ok(v)
    }

    /// Tells the site's channels the settings changed (best effort: a
    /// channel also learns the version at its next connect).
    async fn tell_channels(&self, site: &str, config: &SiteConfig, version: u64) {
        for channel in &config.channels {
            let name = crate::channel::object_name(site, &channel.id);
            let stub = self.env.durable_object(crate::channel::BINDING).and_then(|ns| ns.get_by_name(&name));
            let told = match stub {
                Ok(stub) => {
                    let url = "https://channel/settings";
                    crate::stub::send_json(&stub, worker::Method::Post, url, &Touched { version }, 200).await
                }
                Err(e) => Err(e),
            };
            if let Err(e) = told {
                worker::console_error!("channel {name} not told of new settings: {e}");
            }
        }
    }

    /// Gathers desk changes; the first of a moment sets the alarm that
    /// pushes them to every console together ([`PUSH_AFTER`] later), so a
    /// burst of reports is one frame per console, not one each.
    async fn push_later(&self, changes: DeskBatch) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        {
            let mut desk = self.desk.borrow_mut();
            changes.items.into_iter().for_each(|item| desk.add(item));
            desk.too_many |= changes.too_many;
            desk.alert = changes.alert.or(desk.alert.take());
        }
        if !self.push_set.replace(true) {
            self.state.storage().set_alarm(PUSH_AFTER).await?;
        }
        Ok(())
    }
}

/// A query parameter of an internal request.
fn param(req: &Request, name: &str) -> Result<String> {
    Ok(req.url()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_default())
}

impl DurableObject for Inbox {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql::ensure_schema(&sql).and_then(|()| desk_sql::ensure_schema(&sql)) {
            worker::console_error!("inbox schema: {e}");
        }
        Self { state, env, version: Cell::new(None), desk: RefCell::default(), push_set: Cell::new(false) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        if let Some(rest) = path.strip_prefix("/desk/") {
            let ask = desk::Ask {
                path: rest.split('/').collect(),
                site: param(&req, "site")?,
                name: param(&req, "name")?,
                q: param(&req, "q")?,
                format: param(&req, "format")?,
            };
            let mut changes = DeskBatch::default();
            let resp = desk::handle(&self.env, &self.state.storage().sql(), req, ask, &mut changes).await?;
            self.push_later(changes).await?;
            return Ok(resp);
        }
        match path.as_str() {
            "/report" => {
                let report: Report = req.json().await?;
                let mut changes = DeskBatch::default();
                desk::file(&self.state.storage().sql(), report, &mut changes)?;
                self.push_later(changes).await?;
                Response::empty()
            }
            "/admit" => {
                let limit = param(&req, "limit")?.parse().unwrap_or(0);
                let now = worker::Date::now().as_millis();
                match desk_sql::admit(&self.state.storage().sql(), &param(&req, "key")?, limit, 3_600_000, now)? {
                    Ok(()) => Response::empty(),
                    Err(wait_ms) => Ok(Response::from_json(&wait_ms)?.with_status(429)),
                }
            }
            "/sanctions" => {
                let member = param(&req, "member")?;
                let now = worker::Date::now().as_millis();
                let sanctions = desk_sql::sanctions(&self.state.storage().sql(), Some(&member), now)?;
                Response::from_json(&Admission { sanctions, version: self.version()? })
            }
            "/touch" => {
                let summary: ConversationSummary = req.json().await?;
                if sql::upsert(&self.state.storage().sql(), &summary)? {
                    let frame = ServerEnvelope::push(ServerMsg::InboxUpdate(summary));
                    for ws in self.state.get_websockets() {
                        socket::send(&ws, &frame);
                    }
                }
                Response::from_json(&Touched { version: self.version()? })
            }
            "/config" if req.method() == worker::Method::Put => {
                let config: SiteConfig = req.json().await?;
                sql::save_config(&self.state.storage().sql(), &config)?;
                self.version.set(None);
                let version = self.version()?;
                self.tell_channels(&param(&req, "site")?, &config, version).await;
                Response::empty()
            }
            "/config" => match sql::config(&self.state.storage().sql())? {
                Some((version, config)) => {
                    let mut resp = Response::from_json(&config)?;
                    resp.headers_mut().set(crate::headers::VERSION, &version.to_string())?;
                    Ok(resp)
                }
                None => Response::error("no such site", 404),
            },
            "/site" => {
                sql::register(&self.state.storage().sql())?;
                self.version.set(None);
                Response::empty()
            }
            "/identity" => {
                let sql = self.state.storage().sql();
                let secret = match req.method() {
                    worker::Method::Post => sql::new_identity_secret(&sql)?,
                    _ => sql::identity_secret(&sql)?,
                };
                Response::from_json(&shared::api::IdentitySecret { secret })
            }
            "/user" if req.method() == worker::Method::Post => {
                let now = worker::Date::now().as_millis();
                let sql = self.state.storage().sql();
                sql::add_user_conversation(&sql, &param(&req, "user")?, &param(&req, "conversation")?, now)?;
                Response::empty()
            }
            "/user" => match sql::latest_of(&self.state.storage().sql(), &param(&req, "user")?)? {
                Some(conversation) => Response::from_json(&conversation),
                None => Response::error("no conversation", 404),
            },
            "/drop" => socket::drop_request(&self.state, &req),
            "/ws" => {
                let pair = WebSocketPair::new()?;
                let account = req.headers().get(crate::headers::ACCOUNT)?.unwrap_or_default();
                self.state.accept_websocket_with_tags(&pair.server, &[socket::account_tag(&account).as_str()]);
                let conversations = sql::list(&self.state.storage().sql())?;
                socket::send(&pair.server, &ServerEnvelope::push(ServerMsg::Inbox { conversations }));
                Response::from_websocket(pair.client)
            }
            _ => Response::error("not found", 404),
        }
    }

    /// Pushes the gathered desk changes. With none (the object was evicted
    /// meanwhile, or too much changed for one frame) the push carries no
    /// change, and the consoles fetch their lists again.
    async fn alarm(&self) -> Result<Response> {
        self.push_set.set(false);
        let DeskBatch { items, alert, .. } = self.desk.take();
        let frame = ServerEnvelope::push(ServerMsg::Moderation { alert, changed: items });
        for ws in self.state.get_websockets() {
            socket::send(&ws, &frame);
        }
        Response::empty()
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
