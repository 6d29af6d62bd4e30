//! The list part routes: who is online (from its operators' inbox
//! sockets), who gets each waiting conversation (`shared::routing::choose`,
//! their seats and open chats), the customers' places in the queues, and
//! the offers taken back when no first reply came in time. One routing
//! pass runs in the list part's alarm, after a change that can move
//! something (a line entering or leaving a queue, a console coming or
//! going, a presence or seat change, an offer running out): never per
//! message.

use std::collections::HashMap;

use shared::routing::{Board, BoardOperator, Operator, Presence, QueueLine, Seat, TeamAway};
use shared::site::Routing;
use shared::staff::{Capability, StaffRole};
use shared::{ConversationId, ServerEnvelope, ServerMsg};
use worker::{Result, SqlStorage, WebSocket};

use super::route_sql::{self, Waiting};
use super::{Inbox, Viewer};
use crate::calls::inbox::Reach;
use crate::calls::room::{RoomCall, Route, Routed};
use crate::socket;

/// Customers told their place: the first this many of each queue (those
/// behind keep the place they were last told, which only gets better).
const TOLD: u32 = 50;
/// The most waiting conversations one pass looks at.
const PASS: usize = 500;
/// A chat's handling time before any closed (for the estimated wait).
const HANDLING_MS: u64 = 10 * 60_000;

impl Viewer {
    /// Whether this socket's operator takes chats (their role replies).
    fn works(&self) -> bool {
        StaffRole::parse(&self.staff).is_some_and(|r| r.may(Capability::Reply))
    }

    /// Whether this socket's operator supervises.
    pub(super) fn supervises(&self) -> bool {
        StaffRole::parse(&self.staff).is_some_and(|r| r.may(Capability::Supervise))
    }

    /// The availability this socket shows at `now`: away when set so or
    /// idle past the site's time.
    fn presence(&self, now: u64, away_after_ms: u64) -> Presence {
        match self.status {
            Presence::Online if now.saturating_sub(self.active) >= away_after_ms => Presence::Away,
            status => status,
        }
    }
}

/// Who is at a console: each working operator's best presence over their sockets.
pub fn present(sockets: &[(WebSocket, Viewer)], now: u64, routing: &Routing) -> HashMap<String, Presence> {
    let away_after = u64::from(routing.away_after_minutes) * 60_000;
    let rank = |p: Presence| match p {
        Presence::Online => 2,
        Presence::Away => 1,
        Presence::Offline => 0,
    };
    let mut present: HashMap<String, Presence> = HashMap::new();
    for (_, v) in sockets.iter().filter(|(_, v)| v.works()) {
        let p = v.presence(now, away_after);
        let best = present.entry(v.me.clone()).or_insert(Presence::Offline);
        if rank(p) > rank(*best) {
            *best = p;
        }
    }
    present
}

/// The operators routing knows: every seat and everyone at a console.
/// `require_practice`: an operator is ready only with a passed practice
/// run of each required workflow (the site's onboarding rule).
fn operators(
    sql: &SqlStorage,
    present: &HashMap<String, Presence>,
    require_practice: bool,
) -> Result<Vec<(Operator, Option<String>)>> {
    let mut seats = route_sql::seats(sql)?;
    for name in present.keys() {
        if !seats.iter().any(|(s, _)| &s.name == name) {
            seats.push((Seat::default_for(name), 0));
        }
    }
    let names: Vec<&str> = seats.iter().map(|(s, _)| s.name.as_str()).collect();
    let loads = route_sql::loads(sql, &names)?;
    let mut ready = Vec::new();
    if require_practice {
        let results = route_sql::practice_of(sql, None)?;
        for name in &names {
            let theirs: Vec<_> = results.iter().filter(|r| r.trainee == *name).cloned().collect();
            if shared::practice::ready(&theirs) {
                ready.push((*name).to_owned());
            }
        }
    }
    Ok(seats
        .into_iter()
        .zip(loads)
        .map(|((seat, last), load)| {
            let presence = present.get(&seat.name).copied().unwrap_or(Presence::Offline);
            let is_ready = !require_practice || ready.contains(&seat.name);
            let op = Operator {
                name: seat.name,
                presence,
                teams: seat.teams,
                capacity: seat.capacity,
                load,
                last_assigned_at: last,
                ready: is_ready,
            };
            (op, seat.mentor)
        })
        .collect())
}

/// Who can take a new chat at `now`: the operators online who take chats,
/// and the wait of a chat joining the site's own queue (behind those
/// waiting), from their capacities and the recent handling time.
pub fn reach(sql: &SqlStorage, viewers: &[(WebSocket, Viewer)], routing: &Routing, now: u64) -> Result<Reach> {
    let present = present(viewers, now, routing);
    let ops = operators(sql, &present, routing.require_practice)?;
    let online: Vec<&Operator> =
        ops.iter().map(|(o, _)| o).filter(|o| o.presence == Presence::Online && o.capacity > 0).collect();
    let slots = online.iter().map(|o| o.capacity).sum();
    let waiting = route_sql::queues(sql)?.into_iter().find(|(team, ..)| team.is_none()).map_or(0, |(_, n, _)| n);
    let handling = route_sql::handling_ms(sql)?.unwrap_or(HANDLING_MS);
    let wait_ms = shared::routing::estimated_wait_ms(waiting + 1, handling, slots);
    Ok(Reach { online: online.len() as u32, wait_ms })
}

/// The board from what routing knows of the operators (`ops`, with
/// their mentors): those present or holding chats, the chats in progress
/// and the queues.
fn board(sql: &SqlStorage, ops: Vec<(Operator, Option<String>)>) -> Result<Board> {
    let operators = ops
        .into_iter()
        .filter(|(o, _)| o.presence != Presence::Offline || o.load > 0)
        .map(|(o, mentor)| BoardOperator {
            name: o.name,
            presence: o.presence,
            load: o.load,
            capacity: o.capacity,
            teams: o.teams,
            mentor,
        })
        .collect();
    let queues =
        route_sql::queues(sql)?.into_iter().map(|(team, length, oldest)| QueueLine { team, length, oldest }).collect();
    Ok(Board { operators, chats: route_sql::chats(sql)?, queues })
}

/// The board at `now` without a routing pass (a push changed the chats
/// in progress between passes).
pub fn board_now(sql: &SqlStorage, viewers: &[(WebSocket, Viewer)], routing: &Routing, now: u64) -> Result<Board> {
    let present = present(viewers, now, routing);
    board(sql, operators(sql, &present, routing.require_practice)?)
}

/// What a customer waiting for `team` reads when the team's own hours
/// (`SiteConfig::hours` for that team) say closed at `now`, in English and
/// typed; `None`: open, no hours of its own, or the site's queue (the
/// widget says the site's).
fn team_away(config: &shared::site::SiteConfig, team: Option<&str>, now: u64) -> Option<(String, TeamAway)> {
    let team = team?;
    let hours = config.hours.iter().find(|h| h.team.as_deref() == Some(team))?;
    let status = shared::hours::status(hours, now).ok().filter(|s| !s.open)?;
    let name = config.teams.iter().find(|t| t.id == team).map_or(team, |t| t.name.as_str());
    let label = status.next_open.and_then(|at| shared::hours::local_label(at, &hours.time_zone).ok());
    let typed = TeamAway { team: name.to_owned(), until: status.next_open.filter(|_| label.is_some()) };
    Some((shared::routing::team_away(name, label.as_deref()), typed))
}

impl Inbox {
    /// The list part's sockets with what each shows.
    pub(super) fn viewers(&self) -> Vec<(WebSocket, Viewer)> {
        let viewer = |ws: &WebSocket| ws.deserialize_attachment().ok().flatten().unwrap_or_default();
        self.state.get_websockets().into_iter().map(|ws| (viewer(&ws), ws)).map(|(v, ws)| (ws, v)).collect()
    }

    /// Counts this object's work (the bench reads it).
    pub(super) fn counted(&self, f: impl FnOnce(&mut crate::calls::inbox::InboxCounts)) {
        let mut c = self.counts.get();
        f(&mut c);
        self.counts.set(c);
    }

    /// Something routing depends on changed: a pass runs at the next push.
    pub(super) async fn route_soon(&self) -> Result<()> {
        self.route_due.set(true);
        self.push_soon().await
    }

    /// Whether a routing pass is due: asked for, or the next offer
    /// (`deadline`, as the alarm read it) ran out.
    pub(super) fn routing_due(&self, deadline: Option<u64>, now: u64) -> bool {
        self.route_due.replace(false) || deadline.is_some_and(|d| d <= now)
    }

    /// One routing pass at `now`: offers that ran out are taken back, then
    /// each waiting conversation (longest waiting first) goes to whoever
    /// `choose` picks, and the customers still waiting learn their place.
    /// The board for the supervisors, as it is after the pass.
    pub(super) async fn route(&self, sql: &SqlStorage, routing: &Routing, now: u64) -> Result<Board> {
        self.counted(|c| c.routing_passes += 1);
        let viewers = self.viewers();
        let present = present(&viewers, now, routing);
        let mut ops = operators(sql, &present, routing.require_practice)?;
        if routing.auto_assign {
            self.take_back(sql, routing, now, &viewers, &mut ops).await?;
            let waiting = route_sql::queue(sql, PASS)?;
            self.assign(sql, waiting, now, &viewers, &mut ops).await?;
            self.tell_places(sql, &ops).await?;
        }
        board(sql, ops)
    }

    /// Offers with no first reply in time go back to their queue; their
    /// operators are told.
    async fn take_back(
        &self,
        sql: &SqlStorage,
        routing: &Routing,
        now: u64,
        viewers: &[(WebSocket, Viewer)],
        ops: &mut [(Operator, Option<String>)],
    ) -> Result<()> {
        for o in route_sql::overdue(sql, now.saturating_sub(routing.no_reply_ms()))? {
            let id = format!("noreply-{}", o.at);
            let call = RoomCall::Route(Route::Release { from: o.operator.clone(), id });
            let stub = crate::calls::room::conversation(&self.env, &o.conversation)?;
            self.counted(|c| c.routing_calls += 1);
            let routed: Option<Routed> = crate::calls::ask(&stub, &call).await?;
            let team = super::sql::team_of(sql, &o.conversation)?;
            match routed {
                Some(Routed { seq: Some(_), .. }) => {
                    route_sql::taken_back(sql, &o, team.as_deref())?;
                    if let Some((op, _)) = ops.iter_mut().find(|(op, _)| op.name == o.operator) {
                        op.load = op.load.saturating_sub(1);
                    }
                    let why = format!("No first reply in {} s: back in the queue", routing.no_reply_seconds);
                    tell(viewers, &o.operator, &o.conversation, false, &why);
                }
                // Closed, released or moved meanwhile: the offer is over.
                _ => route_sql::forget(sql, &o.conversation).and_then(|()| route_sql::unqueue(sql, &o.conversation))?,
            }
        }
        Ok(())
    }

    /// Gives each waiting conversation, longest waiting first, to the
    /// operator `choose` picks among those who did not let it pass.
    async fn assign(
        &self,
        sql: &SqlStorage,
        waiting: Vec<Waiting>,
        now: u64,
        viewers: &[(WebSocket, Viewer)],
        ops: &mut [(Operator, Option<String>)],
    ) -> Result<()> {
        for w in waiting {
            let passed = w.passed();
            let candidates: Vec<Operator> =
                ops.iter().map(|(o, _)| o).filter(|o| !passed.contains(&o.name)).cloned().collect();
            let chosen = shared::routing::choose_preferring(&candidates, w.team.as_deref(), w.prefer.as_deref());
            let Some(chosen) = chosen else { continue };
            let to = chosen.name.clone();
            let call = RoomCall::Route(Route::Assign { to: to.clone(), id: format!("route-{}-{now}", w.since) });
            let stub = crate::calls::room::conversation(&self.env, &w.conversation)?;
            self.counted(|c| c.routing_calls += 1);
            match crate::calls::ask::<Routed>(&stub, &call).await? {
                Some(Routed { seq: Some(seq), .. }) => {
                    route_sql::offer(sql, &w, &to, seq, now)?;
                    if let Some(offers) = self.offers.borrow_mut().as_mut() {
                        offers.insert(w.conversation.clone(), (to.clone(), seq));
                    }
                    if let Some((op, _)) = ops.iter_mut().find(|(o, _)| o.name == to) {
                        op.load += 1;
                        op.last_assigned_at = now;
                    }
                    tell(viewers, &to, &w.conversation, true, "New conversation for you");
                }
                // Closed or taken meanwhile: it no longer waits.
                _ => route_sql::unqueue(sql, &w.conversation)?,
            }
        }
        Ok(())
    }

    /// Tells the first [`TOLD`] customers of each queue their place and
    /// estimated wait, when it changed.
    async fn tell_places(&self, sql: &SqlStorage, ops: &[(Operator, Option<String>)]) -> Result<()> {
        let handling = route_sql::handling_ms(sql)?.unwrap_or(HANDLING_MS);
        let config = super::sql::config(sql)?.map(|(_, c)| c).unwrap_or_default();
        let now = worker::Date::now().as_millis();
        let mut away: HashMap<Option<String>, Option<(String, TeamAway)>> = HashMap::new();
        let mut places: HashMap<Option<String>, u32> = HashMap::new();
        for w in route_sql::queue(sql, PASS)? {
            let place = places.entry(w.team.clone()).or_default();
            *place += 1;
            if *place > TOLD || *place == w.told {
                continue;
            }
            let slots: u32 = ops
                .iter()
                .map(|(o, _)| o)
                .filter(|o| o.presence == Presence::Online && w.team.as_ref().is_none_or(|t| o.teams.contains(t)))
                .map(|o| o.capacity)
                .sum();
            let wait_ms = shared::routing::estimated_wait_ms(*place, handling, slots);
            let (away, team) = away
                .entry(w.team.clone())
                .or_insert_with(|| team_away(&config, w.team.as_deref(), now))
                .clone()
                .unzip();
            let stub = crate::calls::room::conversation(&self.env, &w.conversation)?;
            let call = RoomCall::Route(Route::Queue { position: *place, wait_ms, away, team });
            self.counted(|c| c.routing_calls += 1);
            if let Err(e) = crate::calls::tell(&stub, &call).await {
                worker::console_error!("queue place not told to {}: {e}", w.conversation);
                continue;
            }
            route_sql::told(sql, &w.conversation, *place)?;
        }
        Ok(())
    }

    /// A changed line: the queue and offers follow it; a reply after an
    /// offer answers it. Whether routing should look again.
    pub(super) fn track(
        &self,
        sql: &SqlStorage,
        s: &shared::ConversationSummary,
        was: &super::sql::Was,
        now: u64,
    ) -> Result<bool> {
        let moved = match was {
            None => true,
            Some((team, assignee, open)) => team != &s.team || assignee != &s.assignee || *open != s.outcome.is_none(),
        };
        if moved {
            route_sql::track(sql, s, now)?;
        }
        let mut offers = self.offers.borrow_mut();
        let offers = match offers.as_mut() {
            Some(o) => o,
            None => offers.insert(route_sql::offered(sql)?.into_iter().collect()),
        };
        let Some((operator, seq)) = offers.get(s.id.as_str()) else { return Ok(moved) };
        // As `route_sql::track` ends it: closed, released, or someone else's.
        let over = s.outcome.is_some() || s.assignee.as_ref() != Some(operator);
        let replied = s.last_author == Some(shared::Role::Operator) && s.last_seq > *seq;
        if replied && !over {
            route_sql::answered(sql, s.id.as_str(), s.last_seq)?;
        }
        if over || replied {
            offers.remove(s.id.as_str());
        }
        Ok(moved)
    }
}

/// Tells `operator`'s inbox sockets routing gave them (or took back) a conversation.
fn tell(viewers: &[(WebSocket, Viewer)], operator: &str, conversation: &str, to_you: bool, why: &str) {
    let Ok(conversation) = conversation.parse::<ConversationId>() else { return };
    let frame = ServerEnvelope::push(ServerMsg::Assignment { conversation, to_you, why: why.into() });
    for (ws, _) in viewers.iter().filter(|(_, v)| v.me == operator) {
        socket::send(ws, &frame);
    }
}
