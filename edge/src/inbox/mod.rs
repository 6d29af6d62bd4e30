//! The `Inbox` Durable Object class: four objects per site, one per
//! [`Part`] of its inbox, each answering the calls of its part. The
//! settings part holds the site's configuration (teams, canned responses,
//! products, pre-chat form, triggers, channels, rules), its identity secret
//! and its verified customers' conversations, and copies new settings to
//! the list and the desk. The list part keeps one line per conversation
//! (updated by the Conversation objects) and pushes the changes to the
//! operators' sockets, gathered four times a second at most ([`push`]).
//! The desk part holds the moderation desk ([`desk`]) and sends its
//! changes to the list part for those pushes; the admission part counts new
//! conversations per visitor and address.
//!
//! Internal API: [`crate::calls::inbox::InboxCall`] (one exhaustive
//! `match` below), and the list part's operator sockets: `GET /ws` attaches
//! one (it first receives its scope's first page), `GET /drop?account=`
//! closes an account's.

mod desk;
mod desk_sql;
mod hooks;
mod hooks_sql;
mod push;
mod route;
mod route_sql;
mod search_sql;
mod seen;
mod sql;
mod stats;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::moderation_case::DeskBatch;
use shared::scope::Scope;
use shared::site::SiteConfig;
use shared::{ConversationSummary, ErrorCode, ServerEnvelope, ServerMsg};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

use crate::calls::inbox::{Admission, Admitted, InboxCall, InboxCounts, Part, Settings, Touched};
use crate::calls::room::{channel_name, RoomCall, CHANNEL};
use crate::socket;

/// The conversation list of one site.
#[durable_object]
pub struct Inbox {
    state: State,
    env: Env,
    /// The settings version, read once per wake (saves count it up).
    version: Cell<Option<u64>>,
    /// Changes not yet pushed to the consoles.
    gathered: RefCell<push::Gathered>,
    /// Whether the alarm that pushes them is set.
    push_set: Cell<bool>,
    /// What it was asked since it woke (the bench counts it).
    counts: Cell<InboxCounts>,
    /// The desk's retention sweeps.
    sweeps: crate::retention::Sweeps,
    /// Whether a routing pass is due at the next push ([`route`]).
    route_due: Cell<bool>,
    /// The offers out (conversation → operator, the assignment's
    /// sequence number), read once per wake, so a message is checked
    /// against them in memory.
    offers: RefCell<Option<HashMap<String, (String, u64)>>>,
    /// The events the site's webhooks want (the list part's copy), read
    /// once per wake.
    hooks_wanted: RefCell<Option<Vec<shared::webhooks::HookEvent>>>,
}

/// What an operator's inbox socket shows (kept with the socket, so it
/// survives hibernation).
#[derive(Debug, Serialize, Deserialize)]
struct Viewer {
    /// The scope, as written.
    scope: String,
    /// The operator's name.
    me: String,
    /// Their account (read marks are kept per account).
    #[serde(default)]
    account: String,
    /// Their role (`StaffRole`'s name): moderators take no chats.
    #[serde(default)]
    staff: String,
    /// Online or away, as the console last said.
    #[serde(default = "online")]
    status: shared::routing::Presence,
    /// When the console last said so (ms): idle past the site's time is away.
    #[serde(default)]
    active: u64,
}

fn online() -> shared::routing::Presence {
    shared::routing::Presence::Online
}

impl Default for Viewer {
    fn default() -> Self {
        let (scope, me, account, staff) = Default::default();
        Viewer { scope, me, account, staff, status: shared::routing::Presence::Offline, active: 0 }
    }
}

impl Viewer {
    fn scope(&self) -> Scope {
        Scope::parse(&self.scope).unwrap_or_default()
    }
}

/// How long changes gather before one push tells the consoles: an inbox
/// socket gets at most four pushes a second however busy the site is.
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

    /// Tells the list and the desk parts and the site's channels the
    /// settings changed (best effort: a channel also learns the version at
    /// its next connect; the parts at the next save).
    async fn tell_parts(&self, site: &str) -> Result<()> {
        let Some((version, config)) = sql::config(&self.state.storage().sql())? else { return Ok(()) };
        let copy = InboxCall::Copy(Box::new(Settings { version, config: config.clone() }));
        for part in [Part::List, Part::Desk] {
            let told = match crate::calls::inbox::part(&self.env, site, part) {
                Ok(stub) => crate::calls::tell(&stub, &copy).await,
                Err(e) => Err(e),
            };
            if let Err(e) = told {
                worker::console_error!("{} not told of new settings: {e}", part.object(site));
            }
        }
        self.tell_channels(site, &config, version).await;
        Ok(())
    }

    /// Tells the site's channels the settings changed.
    async fn tell_channels(&self, site: &str, config: &SiteConfig, version: u64) {
        for channel in &config.channels {
            let name = channel_name(site, &channel.id);
            let stub = self.env.durable_object(CHANNEL).and_then(|ns| ns.get_by_name(&name));
            let told = match stub {
                Ok(stub) => crate::calls::tell(&stub, &RoomCall::Settings(version)).await,
                Err(e) => Err(e),
            };
            if let Err(e) = told {
                worker::console_error!("channel {name} not told of new settings: {e}");
            }
        }
    }

    /// The desk part: sends its changes to the list part, which gathers
    /// them for its next push, so a burst of reports is one frame per
    /// console, not one each.
    async fn push_later(&self, site: &str, changes: DeskBatch) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let stub = crate::calls::inbox::part(&self.env, site, Part::List)?;
        crate::calls::tell(&stub, &InboxCall::DeskChanges(Box::new(changes))).await
    }

    /// Gathers a changed conversation for the next push: a burst of
    /// messages over many conversations is one frame per console.
    async fn changed_later(&self, summary: ConversationSummary, was: sql::Was) -> Result<()> {
        self.gathered.borrow_mut().conversation(summary, was);
        self.push_soon().await
    }

    /// The first change of a moment sets the alarm that pushes what
    /// gathered ([`PUSH_AFTER`] later).
    async fn push_soon(&self) -> Result<()> {
        if !self.push_set.replace(true) {
            self.state.storage().set_alarm(PUSH_AFTER).await?;
        }
        Ok(())
    }
}

impl Inbox {
    /// An operator's read mark: kept, and told to their other devices'
    /// inbox sockets (a mark that does not move on is dropped).
    fn seen(&self, ws: &WebSocket, viewer: &Viewer, mark: shared::SeenMark) -> Result<()> {
        if viewer.account.is_empty() {
            return Ok(());
        }
        let Some(mark) = seen::mark(&self.state.storage().sql(), &viewer.account, &mark)? else { return Ok(()) };
        let frame = ServerEnvelope::push(ServerMsg::Seen(vec![mark]));
        for other in self.state.get_websockets_with_tag(&socket::account_tag(&viewer.account)) {
            if other != *ws {
                socket::send(&other, &frame);
            }
        }
        Ok(())
    }

    /// Counts a request (`settings`: a settings read).
    fn count(&self, settings: bool) {
        self.counted(|c| {
            c.requests += 1;
            c.config_reads += u64::from(settings);
        });
    }

    /// Attaches an operator's socket showing the scope the Worker checked
    /// (`x-chat-scope`); it first receives the scope's first page.
    fn attach(&self, req: &Request) -> Result<Response> {
        let pair = WebSocketPair::new()?;
        let account = crate::headers::header(req, crate::headers::ACCOUNT);
        let viewer = Viewer {
            scope: crate::headers::header(req, crate::headers::SCOPE),
            me: crate::headers::name(req),
            account: account.clone(),
            staff: crate::headers::header(req, crate::headers::STAFF),
            status: online(),
            active: worker::Date::now().as_millis(),
        };
        socket::accept(&self.state, req, &pair.server, &[socket::account_tag(&account).as_str()]);
        pair.server.serialize_attachment(&viewer)?;
        let sql = self.state.storage().sql();
        let conversations = sql::page(&sql, &viewer.scope(), &viewer.me, None)?;
        let ids: Vec<_> = conversations.iter().map(|c| c.id.clone()).collect();
        socket::send(&pair.server, &ServerEnvelope::push(ServerMsg::Inbox { conversations }));
        // How far they have seen those (on any device).
        let marks = seen::marks(&sql, &account, &ids)?;
        if !marks.is_empty() {
            socket::send(&pair.server, &ServerEnvelope::push(ServerMsg::Seen(marks)));
        }
        crate::socket::accepted(req, pair.client)
    }
}

impl DurableObject for Inbox {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        let schema = sql::ensure_schema(&sql).and_then(|()| desk_sql::ensure_schema(&sql));
        let schema = schema.and_then(|()| route_sql::ensure_schema(&sql));
        let schema = schema.and_then(|()| seen::ensure_schema(&sql));
        let schema = schema.and_then(|()| search_sql::ensure_schema(&sql));
        let schema = schema.and_then(|()| hooks_sql::ensure_schema(&sql));
        if let Err(e) = schema.and_then(|()| stats::ensure_schema(&sql)) {
            worker::console_error!("inbox schema: {e}");
        }
        let (gathered, push_set, counts) = (RefCell::default(), Cell::new(false), Cell::default());
        let (sweeps, route_due, offers) = (Default::default(), Cell::new(false), RefCell::new(None));
        let hooks_wanted = RefCell::new(None);
        Self {
            state,
            env,
            version: Cell::new(None),
            gathered,
            push_set,
            counts,
            sweeps,
            route_due,
            offers,
            hooks_wanted,
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/ws" => {
                let attached = self.attach(&req)?;
                // Someone came online: routing may give them a chat.
                self.route_soon().await?;
                return Ok(attached);
            }
            "/drop" => return socket::drop_request(&self.state, &req),
            _ => {}
        }
        let call = match crate::calls::read::<InboxCall>(&mut req).await {
            Ok(call) => call,
            Err(refused) => return refused,
        };
        let sql = self.state.storage().sql();
        let now = worker::Date::now().as_millis();
        if !matches!(call, InboxCall::Counts | InboxCall::Config | InboxCall::ConfigSince(_) | InboxCall::Lines) {
            self.count(false);
        }
        match call {
            InboxCall::Touch(summary, said) => {
                let id = summary.id.as_str();
                let (was, have) = sql::was_indexed(&sql, id)?;
                // Webhooks first: a failed hand-over fails the notice, told again.
                self.hand_over(&sql, &summary, &was, said.as_ref(), have).await?;
                let changed = sql::upsert(&sql, &summary)?;
                let mut indexed = have;
                if let Some(said) = &said {
                    let rows;
                    (indexed, rows) = search_sql::index(&sql, id, said, have)?;
                    let gap = indexed < said.after;
                    self.counted(|c| {
                        c.indexed += said.messages.len() as u64;
                        c.index_rows += rows as u64;
                        c.index_gaps += u64::from(gap);
                    });
                }
                if changed {
                    if self.track(&sql, &summary, &was, now)? {
                        self.route_due.set(true);
                    }
                    self.changed_later(summary, was).await?;
                }
                Response::from_json(&Touched { version: self.version()?, indexed })
            }
            InboxCall::Search(query) => Response::from_json(&search_sql::search(&sql, &query)?),
            call @ (InboxCall::Hooks
            | InboxCall::AddHook { .. }
            | InboxCall::RemoveHook { .. }
            | InboxCall::Deliveries { .. }
            | InboxCall::Replay { .. }
            | InboxCall::Enqueue { .. }
            | InboxCall::HooksWanted(_)) => self.hooks_call(&sql, call, now).await,
            InboxCall::Erase { member, erasure } => Response::from_json(&desk_sql::erase(&sql, &member, erasure)?),
            InboxCall::Erasures => Response::from_json(&desk_sql::erasures(&sql)?),
            InboxCall::Retag(summary) => {
                let was = sql::was(&sql, summary.id.as_str())?;
                if sql::retag(&sql, &summary)? {
                    self.changed_later(summary, was).await?;
                }
                Response::empty()
            }
            InboxCall::Earlier { member, except, limit } => {
                Response::from_json(&sql::earlier(&sql, &member, &except, limit.min(1_000))?)
            }
            InboxCall::Page { scope, me, before, id } => {
                let scope = Scope::parse(&scope).unwrap_or_default();
                Response::from_json(&sql::page(&sql, &scope, &me, Some((before, &id)))?)
            }
            InboxCall::Config => {
                self.count(true);
                match sql::config(&sql)? {
                    Some((version, config)) => Response::from_json(&Settings { version, config }),
                    None => Response::error("no such site", 404),
                }
            }
            InboxCall::ConfigSince(known) => {
                self.count(true);
                // Version 0: no site (answered 404 below).
                if known != 0 && self.version()? == known {
                    return Response::from_json(&None::<Settings>);
                }
                match sql::config(&sql)? {
                    Some((version, config)) => Response::from_json(&Some(Settings { version, config })),
                    None => Response::error("no such site", 404),
                }
            }
            InboxCall::Counts => {
                let counts = InboxCounts { db_bytes: sql.database_size() as u64, ..self.counts.get() };
                Response::from_json(&counts)
            }
            InboxCall::DeskRows => Response::from_json(&desk_sql::expiring(&sql)?),
            InboxCall::Lines => Response::from_json(&sql::lines(&sql)?),
            InboxCall::DeskExport { table, after } => Response::from_json(&desk_sql::export(&sql, &table, after)?),
            InboxCall::DeskImport { table, rows } => {
                desk_sql::import(&sql, &table, &rows)?;
                Response::empty()
            }
            InboxCall::Seats => {
                Response::from_json(&route_sql::seats(&sql)?.into_iter().map(|(s, _)| s).collect::<Vec<_>>())
            }
            InboxCall::File(all) => {
                let now = worker::Date::now().as_millis();
                for (conversation, facts) in &all {
                    stats::file(&sql, conversation, facts, now)?;
                }
                Response::empty()
            }
            InboxCall::Performance { days, offset_ms, operator } => {
                let days = days.clamp(1, 366);
                let now = worker::Date::now().as_millis();
                let since = now.saturating_sub(u64::from(days + 1) * shared::metrics::DAY_MS);
                let facts = stats::since(&sql, since, operator.as_deref())?;
                Response::from_json(&shared::metrics::report(&facts, now, days, offset_ms))
            }
            InboxCall::Practiced(result) => {
                route_sql::practiced(&sql, &result)?;
                // Passing may make someone ready for live chats.
                self.route_soon().await?;
                Response::empty()
            }
            InboxCall::PracticeResults { trainee, mentor } => {
                let whose = match (trainee, mentor) {
                    (None, None) => None,
                    (trainee, mentor) => {
                        let mut names: Vec<String> = trainee.into_iter().collect();
                        if let Some(m) = mentor {
                            let seats = route_sql::seats(&sql)?;
                            names.extend(
                                seats.into_iter().filter(|(s, _)| s.mentor.as_deref() == Some(&m)).map(|(s, _)| s.name),
                            );
                        }
                        Some(names)
                    }
                };
                Response::from_json(&route_sql::practice_of(&sql, whose.as_deref())?)
            }
            InboxCall::Reach => {
                let routing = sql::config(&sql)?.map(|(_, c)| c.routing).unwrap_or_default();
                Response::from_json(&route::reach(&sql, &self.viewers(), &routing, worker::Date::now().as_millis())?)
            }
            InboxCall::Shifts(name) => Response::from_json(&route_sql::shifts_of(&sql, &name)?),
            InboxCall::SetShifts(name, shifts) => {
                route_sql::set_shifts(&sql, &name, &shifts)?;
                Response::empty()
            }
            InboxCall::Coverage => {
                let config = sql::config(&sql)?.map(|(_, c)| c).unwrap_or_default();
                let mut teams: Vec<&str> = config.teams.iter().map(|t| t.id.as_str()).collect();
                teams.push("");
                let seats = route_sql::seats(&sql)?;
                let members: Vec<(Vec<String>, shared::hours::Shifts)> = route_sql::all_shifts(&sql)?
                    .into_iter()
                    .map(|(name, shifts)| {
                        let teams = seats.iter().find(|(s, _)| s.name == name).map(|(s, _)| s.teams.clone());
                        (teams.unwrap_or_default(), shifts)
                    })
                    .collect();
                let now = worker::Date::now().as_millis();
                let grid = shared::hours::coverage(&teams, &members, &config.hours, now)
                    .map_err(|e| worker::Error::RustError(e))?;
                Response::from_json(&grid)
            }
            InboxCall::SetSeat(seat) => {
                route_sql::set_seat(&sql, &seat)?;
                self.route_soon().await?;
                Response::empty()
            }
            InboxCall::LinesImport(lines) => {
                for line in &lines {
                    sql::upsert(&sql, line)?;
                }
                Response::empty()
            }
            InboxCall::Moved => {
                sql::clear_lines(&sql)?;
                desk_sql::clear(&sql)?;
                Response::empty()
            }
            InboxCall::SaveConfig { site, mut config } => {
                // The identity secret's version and the staff's names are the
                // Worker's, not the editor's.
                if let Some((_, stored)) = sql::config(&sql)? {
                    (config.identity_version, config.staff_names) = (stored.identity_version, stored.staff_names);
                }
                sql::save_config(&sql, &config)?;
                self.version.set(None);
                self.tell_parts(&site).await?;
                Response::empty()
            }
            InboxCall::Register { site } => {
                sql::register(&sql)?;
                self.version.set(None);
                self.tell_parts(&site).await?;
                Response::empty()
            }
            InboxCall::CopyToParts { site } => {
                self.tell_parts(&site).await?;
                Response::empty()
            }
            InboxCall::Copy(settings) => {
                sql::keep_copy(&sql, settings.version, &settings.config)?;
                self.version.set(None);
                Response::empty()
            }
            InboxCall::DeskChanges(changes) => {
                self.gathered.borrow_mut().desk(*changes);
                self.push_soon().await?;
                Response::empty()
            }
            InboxCall::Identity { site, rotate } => {
                let secret = if rotate { sql::new_identity_secret(&sql)? } else { sql::identity_secret(&sql)? };
                let mut config = sql::config(&sql)?.map(|(_, c)| c);
                if let (true, Some(config)) = (rotate, config.as_mut()) {
                    config.identity_version += 1;
                    sql::save_config(&sql, config)?;
                    self.version.set(None);
                    self.tell_parts(&site).await?;
                }
                let version = config.map_or(0, |c| c.identity_version);
                Response::from_json(&crate::calls::inbox::IdentityKey { secret, version })
            }
            InboxCall::StaffNames { site, names } => {
                if let Some((_, mut config)) = sql::config(&sql)? {
                    if config.staff_names != names {
                        config.staff_names = names;
                        sql::save_config(&sql, &config)?;
                        self.version.set(None);
                        self.tell_parts(&site).await?;
                    }
                }
                Response::empty()
            }
            InboxCall::AddUser { user, conversation } => {
                sql::add_user_conversation(&sql, &user, &conversation, now)?;
                Response::empty()
            }
            InboxCall::Forget { conversation } => {
                sql::forget(&sql, &conversation)?;
                search_sql::forget(&sql, &conversation)?;
                Response::empty()
            }
            InboxCall::LatestOf { user } => match sql::latest_of(&sql, &user)? {
                Some(conversation) => Response::from_json(&conversation),
                None => Response::error("no conversation", 404),
            },
            InboxCall::Report { site, report } => {
                let mut changes = DeskBatch::default();
                desk::file(&sql, *report, &mut changes)?;
                self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
                self.push_later(&site, changes).await?;
                Response::empty()
            }
            InboxCall::Sanctions { member } => {
                let sanctions = desk_sql::sanctions(&sql, Some(&member), now)?;
                Response::from_json(&Admission { sanctions, version: self.version()? })
            }
            InboxCall::Admit { key, limit } => {
                let wait_ms = desk_sql::admit(&sql, &key, limit, 3_600_000, now)?.err();
                Response::from_json(&Admitted { wait_ms })
            }
            InboxCall::Desk(ask) => {
                let mut changes = DeskBatch::default();
                let site = ask.site.clone();
                let resp = desk::handle(&self.env, &sql, *ask, &mut changes).await?;
                self.sweeps.arm(&self.state.storage(), crate::retention::every_ms(&self.env)).await?;
                self.push_later(&site, changes).await?;
                Ok(resp)
            }
        }
    }

    /// The list part: pushes what gathered ([`push::Gathered::frames`]) to
    /// every console, then runs a routing pass if one is due ([`route`]),
    /// and sets the alarm again for the next offer to run out. The desk part (whose config copy says which
    /// retention): the desk's retention ([`desk_sql::purge`]), and while
    /// rows that expire are left, the alarm comes again a period later.
    async fn alarm(&self) -> Result<Response> {
        let sql = self.state.storage().sql();
        // The hooks part delivers.
        if self.deliver(&sql).await? {
            return Response::empty();
        }
        // Only the list part pushes, and only it has sockets and offers
        // (after an eviction it forgot that a push was due).
        let routing = sql::config(&sql)?.map(|(_, c)| c.routing).unwrap_or_default();
        let now = worker::Date::now().as_millis();
        let timeout = routing.no_reply_ms();
        let deadline = route_sql::next_deadline(&sql, timeout)?;
        let pushing = self.push_set.replace(false);
        if pushing || !self.state.get_websockets().is_empty() || deadline.is_some() {
            // An alarm set only for an offer running out pushes nothing
            // (with nothing gathered, a push would send every console its
            // first page again, as after an eviction).
            if pushing || !deadline.is_some_and(|d| d <= now) {
                let push = self.gathered.borrow_mut().take();
                for ws in self.state.get_websockets() {
                    let viewer: Viewer = ws.deserialize_attachment()?.unwrap_or_default();
                    let scope = viewer.scope();
                    let frames = push.frames(&scope, &viewer.me, || sql::page(&sql, &scope, &viewer.me, None))?;
                    frames.iter().for_each(|f| socket::send(&ws, f));
                }
            }
            // Routing after the push: what changes meanwhile gathers for the next.
            // The board follows: after a pass, or after a push (which may
            // have changed the chats in progress) while a supervisor watches.
            let board = if self.routing_due(deadline, now) {
                Some(self.route(&sql, &routing, now).await?)
            } else if pushing {
                let viewers = self.viewers();
                let watched = viewers.iter().any(|(_, v)| v.supervises());
                watched.then(|| route::board_now(&sql, &viewers, &routing, now)).transpose()?
            } else {
                None
            };
            if let Some(board) = board {
                let board = ServerEnvelope::push(ServerMsg::Board(board));
                for (ws, _) in self.viewers().iter().filter(|(_, v)| v.supervises()) {
                    socket::send(ws, &board);
                }
            }
            // The next offer that runs out, unless a push comes first.
            if let Some(deadline) = route_sql::next_deadline(&sql, timeout)? {
                if !self.push_set.get() {
                    let wait = deadline.saturating_sub(worker::Date::now().as_millis()).max(1);
                    self.state.storage().set_alarm(Duration::from_millis(wait)).await?;
                }
            }
            return Response::empty();
        }
        let Some((_, config)) = sql::config(&sql)? else { return Response::empty() };
        let (now, every) = (worker::Date::now().as_millis(), crate::retention::every_ms(&self.env));
        let keep_ms = u64::from(config.retention.closed_days) * crate::retention::day_ms(&self.env);
        let left = desk_sql::purge(&sql, now, keep_ms)?;
        self.sweeps.rearm_at(&self.state.storage(), (left > 0).then_some(now + every), now).await?;
        Response::empty()
    }

    /// The console says its operator is online or away (again on
    /// activity), or how far they have seen a conversation; nothing else
    /// is taken here.
    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        let WebSocketIncomingMessage::String(frame) = message else {
            socket::send(&ws, &ServerEnvelope::error(None, ErrorCode::Malformed, "frames are JSON text, not binary"));
            return Ok(());
        };
        let env = match shared::decode_client(&frame) {
            Ok(env) => env,
            Err(e) => {
                socket::send(&ws, &e.into_frame());
                return Ok(());
            }
        };
        let mut viewer: Viewer = ws.deserialize_attachment()?.unwrap_or_default();
        let status = match env.msg {
            shared::ClientMsg::Presence { status } => status,
            shared::ClientMsg::Seen(mark) => return self.seen(&ws, &viewer, mark),
            _ => {
                let refusal = "the inbox socket takes presence and seen marks only";
                socket::send(&ws, &ServerEnvelope::error(Some(env.id), ErrorCode::UnknownType, refusal));
                return Ok(());
            }
        };
        viewer.status = status;
        viewer.active = worker::Date::now().as_millis();
        ws.serialize_attachment(&viewer)?;
        self.route_soon().await
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        socket::finish_close(&ws, code, reason);
        socket::forget(&self.env, &self.state, &ws).await;
        // Maybe their last console: the board shows them offline.
        self.route_soon().await
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}
