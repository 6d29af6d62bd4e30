//! Signed webhooks. The list part turns each notice into the events its
//! site's endpoints want (`moments`: a new conversation, each new message,
//! an assignment, a close, and the orders confirmed and ratings the
//! conversation put in the notice) and gives them to the hooks part
//! (`<site>/hooks`) before it records the notice, so a failed hand-over is
//! told again with the next notice; a site without webhooks pays nothing.
//! The hooks part keeps one delivery per event and endpoint and delivers
//! them on its alarm: each attempt is leased first (a Worker that stops
//! mid-delivery delivers it again when the lease ends — at least once;
//! receivers drop an event id they had), signed with HMAC-SHA256 over
//! `t.body` (`shared::webhooks`), retried on failure with backoff (10 s …
//! 24 h, then failed), logged for the console, which may replay one.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use shared::webhooks::{backoff, signature, signed_text, HookEvent, Payload, DELIVERY_HEADER, EVENT_HEADER};
use shared::ConversationSummary;
use worker::{Env, Response, Result, SqlStorage};

use super::hooks_sql::{self, Due};
use super::sql::Was;
use super::Inbox;
use crate::calls::inbox::{InboxCall, Moment, Said};

/// Deliveries attempted per alarm (at once).
const BATCH: usize = 20;
/// How long an endpoint has to answer, at most.
const TIMEOUT_MS: u64 = 10_000;
/// The longest error kept in the log.
const ERROR_CHARS: usize = 200;

/// The first retry's wait in ms (`HOOKS_RETRY_SECONDS`, 10 by default;
/// tests shorten it); later ones are multiples ([`backoff`]).
fn unit_ms(env: &Env) -> u64 {
    crate::session::seconds(env, "HOOKS_RETRY_SECONDS", 10) * 1000
}

/// The events a notice brings, of those `wanted`: the line is new
/// (`was` `None`), newly assigned or newly closed; each message after
/// `have` (what the index held before); the conversation's moments after
/// `have`.
pub fn moments(
    line: &ConversationSummary,
    was: &Was,
    said: Option<&Said>,
    have: u64,
    wanted: &[HookEvent],
) -> Vec<Moment> {
    let id = line.id.as_str();
    let conversation = serde_json::to_value(line).unwrap_or_default();
    let mut out = Vec::new();
    let mut put = |event: HookEvent, key: String, at: u64, seq: u64, data: serde_json::Value| {
        if wanted.contains(&event) {
            out.push(Moment { event, id: format!("{id}.{key}"), at, seq, data });
        }
    };
    if was.is_none() {
        put(
            HookEvent::ConversationCreated,
            "created".into(),
            line.created_at,
            0,
            json!({ "conversation": conversation }),
        );
    }
    let (was_assignee, was_open) = was.as_ref().map_or((None, true), |(_, a, open)| (a.as_ref(), *open));
    if let Some(to) = line.assignee.as_ref().filter(|a| Some(*a) != was_assignee) {
        let data = json!({ "conversation": conversation, "assignee": to });
        put(
            HookEvent::ConversationAssigned,
            format!("assigned.{}", line.last_seq),
            line.updated_at,
            line.last_seq,
            data,
        );
    }
    if let Some(outcome) = line.outcome.filter(|_| was_open) {
        let data = json!({ "conversation": conversation, "outcome": outcome });
        put(HookEvent::ConversationClosed, format!("closed.{}", line.last_seq), line.updated_at, line.last_seq, data);
    }
    for (seq, author, at, text) in said.iter().flat_map(|s| &s.messages).filter(|m| m.0 > have) {
        let message = json!({ "seq": seq, "author": author, "at": at, "text": text });
        put(
            HookEvent::MessageCreated,
            seq.to_string(),
            *at,
            *seq,
            json!({ "conversation": conversation, "message": message }),
        );
    }
    for m in said.iter().flat_map(|s| &s.moments).filter(|m| m.seq > have && wanted.contains(&m.event)) {
        let mut data = m.data.clone();
        data["conversation"] = conversation.clone();
        out.push(Moment { data, id: format!("{id}.{}", m.id), ..m.clone() });
    }
    out
}

/// The body of an event's deliveries.
fn body(site: &str, m: &Moment) -> String {
    let payload =
        Payload { id: m.id.clone(), event: m.event, created_at: m.at, site: site.to_owned(), data: m.data.clone() };
    serde_json::to_string(&payload).unwrap_or_default()
}

/// The signature header of `body`, signed now.
fn sign(secret: &str, body: &str, now_ms: u64) -> String {
    let t = now_ms / 1000;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(signed_text(t, body).as_bytes());
    signature(t, &shared::ids::hex(&mac.finalize().into_bytes()))
}

/// How long an attempt holds its delivery: three retry units (30 s).
fn lease_ms(unit: u64) -> u64 {
    3 * unit
}

/// How long an endpoint has to answer: two retry units, at most 10 s.
fn timeout_ms(unit: u64) -> u64 {
    (2 * unit).min(TIMEOUT_MS)
}

/// One attempt: the endpoint's status, or why there was none.
async fn attempt(d: &Due, now: u64, timeout_ms: u64) -> std::result::Result<u16, String> {
    let headers = worker::Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|e| e.to_string());
    set("Content-Type", "application/json")?;
    set("User-Agent", "chat-webhooks/1")?;
    set(EVENT_HEADER, &d.event)?;
    set(DELIVERY_HEADER, &d.id.to_string())?;
    set(shared::webhooks::SIGNATURE_HEADER, &sign(&d.secret, &d.body, now))?;
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post).with_headers(headers).with_body(Some(d.body.clone().into()));
    let request = worker::Request::new_with_init(&d.url, &init).map_err(|e| e.to_string())?;
    let controller = worker::AbortController::default();
    let fetch = worker::Fetch::Request(request);
    let signal = controller.signal();
    let send = fetch.send_with_signal(&signal);
    let timeout = worker::Delay::from(std::time::Duration::from_millis(timeout_ms));
    futures_util::pin_mut!(send);
    match futures_util::future::select(send, timeout).await {
        futures_util::future::Either::Left((Ok(resp), _)) => Ok(resp.status_code()),
        futures_util::future::Either::Left((Err(e), _)) => Err(e.to_string()),
        futures_util::future::Either::Right(_) => {
            controller.abort();
            Err(format!("no answer in {} ms", timeout_ms))
        }
    }
}

impl Inbox {
    /// The list part: the events this notice brings that the site's
    /// endpoints want, handed to the hooks part (one request, only when
    /// there are some).
    pub(super) async fn hand_over(
        &self,
        sql: &SqlStorage,
        line: &ConversationSummary,
        was: &Was,
        said: Option<&Said>,
        have: u64,
    ) -> Result<()> {
        if self.hooks_wanted.borrow().is_none() {
            *self.hooks_wanted.borrow_mut() = Some(hooks_sql::wanted(sql)?);
        }
        let wanted = self.hooks_wanted.borrow().clone().unwrap_or_default();
        if wanted.is_empty() {
            return Ok(());
        }
        let events = moments(line, was, said, have, &wanted);
        if events.is_empty() {
            return Ok(());
        }
        self.counted(|c| c.hook_requests += 1);
        crate::calls::inbox::enqueue(&self.env, line.site.as_str(), events).await
    }

    /// The hooks part's calls, and the list part's copy of what is wanted.
    pub(super) async fn hooks_call(&self, sql: &SqlStorage, call: InboxCall, now: u64) -> Result<Response> {
        match call {
            InboxCall::Hooks => Response::from_json(&hooks_sql::hooks(sql)?),
            InboxCall::AddHook { site, hook, by } => {
                if hooks_sql::hooks(sql)?.len() >= shared::webhooks::MOST_HOOKS {
                    return Response::error(shared::webhooks::HookError::TooMany.to_string(), 409);
                }
                let made = shared::webhooks::Hook {
                    id: format!("wh_{}", &crate::auth::new_token()[..16]),
                    url: hook.url,
                    events: hook.events,
                    created_at: now,
                    created_by: by,
                };
                let secret = format!("{}{}", shared::webhooks::SECRET_PREFIX, crate::auth::new_token());
                hooks_sql::add(sql, &made, &secret)?;
                crate::calls::inbox::hooks_wanted(&self.env, &site, hooks_sql::wanted_by_hooks(sql)?).await?;
                let created = shared::webhooks::CreatedHook { hook: made, secret };
                Response::from_json(&created).map(|r| r.with_status(201))
            }
            InboxCall::RemoveHook { site, id } => {
                if !hooks_sql::remove(sql, &id)? {
                    return Response::error("no such webhook", 404);
                }
                crate::calls::inbox::hooks_wanted(&self.env, &site, hooks_sql::wanted_by_hooks(sql)?).await?;
                Response::empty()
            }
            InboxCall::Deliveries { hook } => Response::from_json(&hooks_sql::deliveries(sql, hook.as_deref())?),
            InboxCall::Replay { delivery } => match hooks_sql::replay(sql, delivery, now)? {
                Some(d) => {
                    self.deliver_soon(sql).await?;
                    Response::from_json(&d).map(|r| r.with_status(201))
                }
                None => Response::error("no such delivery", 404),
            },
            InboxCall::Enqueue { site, moments } => {
                for m in &moments {
                    hooks_sql::enqueue(sql, m.event, &m.id, &body(&site, m), m.at, now)?;
                }
                hooks_sql::purge(sql, now)?;
                self.deliver_soon(sql).await?;
                Response::empty()
            }
            InboxCall::HooksWanted(events) => {
                hooks_sql::set_wanted(sql, &events)?;
                *self.hooks_wanted.borrow_mut() = Some(events);
                Response::empty()
            }
            _ => Response::error("not a webhooks call", 400),
        }
    }

    /// Makes sure the alarm comes by the next delivery due.
    async fn deliver_soon(&self, sql: &SqlStorage) -> Result<()> {
        let Some(due) = hooks_sql::next_due(sql)? else { return Ok(()) };
        let storage = self.state.storage();
        let set = storage.get_alarm().await?;
        if set.is_none_or(|at| at as u64 > due) {
            let wait = due.saturating_sub(worker::Date::now().as_millis()).max(1);
            storage.set_alarm(std::time::Duration::from_millis(wait)).await?;
        }
        Ok(())
    }

    /// The hooks part's alarm: the deliveries due, at once; then the
    /// alarm for the next. `false`: this object has no webhooks.
    pub(super) async fn deliver(&self, sql: &SqlStorage) -> Result<bool> {
        // Only the hooks part keeps endpoints: the other parts' alarms (the
        // list part's pushes, up to 4 a second) skip the query. An object
        // whose name the runtime does not pass on still asks.
        let hooks_part = self.state.id().name().is_none_or(|name| name.ends_with("/hooks"));
        if !hooks_part || hooks_sql::hooks(sql)?.is_empty() {
            return Ok(false);
        }
        let now = worker::Date::now().as_millis();
        let due = hooks_sql::due(sql, now, BATCH)?;
        let unit = unit_ms(&self.env);
        let lease = now + lease_ms(unit);
        for d in &due {
            hooks_sql::start(sql, d.id, lease)?;
        }
        // Should this Worker stop mid-delivery, the alarm comes back when
        // the leases end.
        if !due.is_empty() {
            self.state.storage().set_alarm(std::time::Duration::from_millis(lease_ms(unit))).await?;
        }
        let wait = timeout_ms(unit);
        let results = futures_util::future::join_all(due.iter().map(|d| attempt(d, now, wait))).await;
        let ended = worker::Date::now().as_millis();
        for (d, result) in due.iter().zip(results) {
            let retry = || backoff(d.attempts + 1, unit).map(|wait| ended + wait);
            match result {
                Ok(status) if (200..300).contains(&status) => {
                    hooks_sql::ended(sql, d.id, Some(status), None, None, Some(ended))?;
                }
                Ok(status) => hooks_sql::ended(sql, d.id, Some(status), None, retry(), None)?,
                Err(e) => {
                    let e: String = e.chars().take(ERROR_CHARS).collect();
                    hooks_sql::ended(sql, d.id, None, Some(&e), retry(), None)?;
                }
            }
        }
        self.deliver_soon(sql).await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::workflow::WorkflowKind;
    use shared::Role;

    fn line(last_seq: u64, assignee: Option<&str>, closed: bool) -> ConversationSummary {
        ConversationSummary {
            last_seq,
            created_at: 1,
            updated_at: 2,
            assignee: assignee.map(str::to_owned),
            outcome: closed.then_some(shared::workflow::Outcome::Resolved),
            ..ConversationSummary::new("c1".repeat(16).parse().unwrap(), "demo".parse().unwrap(), WorkflowKind::Support)
        }
    }

    /// Events and ids, the conversation's id written `c`.
    fn kinds(m: &[Moment]) -> Vec<(HookEvent, String)> {
        m.iter().map(|m| (m.event, m.id.replace(&"c1".repeat(16), "c"))).collect()
    }

    #[test]
    fn a_notice_brings_the_events_wanted_each_with_an_id_it_keeps() {
        let all = HookEvent::ALL;
        let said = Said {
            after: 2,
            upto: 4,
            messages: vec![(3, Role::Customer, 30, "hi".into()), (4, Role::Operator, 40, "hello".into())],
            moments: vec![Moment {
                event: HookEvent::CsatReceived,
                id: "rated.4".into(),
                at: 40,
                seq: 4,
                data: json!({ "rating": 5 }),
            }],
            edits: Vec::new(),
        };
        // New, assigned and closed at once, with two messages (one indexed already).
        let got = moments(&line(4, Some("Ada"), true), &None, Some(&said), 3, &all);
        let want = [
            (HookEvent::ConversationCreated, "c.created"),
            (HookEvent::ConversationAssigned, "c.assigned.4"),
            (HookEvent::ConversationClosed, "c.closed.4"),
            (HookEvent::MessageCreated, "c.4"),
            (HookEvent::CsatReceived, "c.rated.4"),
        ];
        assert_eq!(kinds(&got), want.map(|(e, id)| (e, id.to_owned())));
        assert_eq!(got[3].data["message"]["text"], "hello");
        assert_eq!(got[4].data["rating"], 5);
        assert_eq!(got[4].data["conversation"]["id"], "c1".repeat(16));
        // Nothing changed: only what is new since.
        let was: Was = Some((None, Some("Ada".into()), false));
        assert!(moments(&line(4, Some("Ada"), true), &was, Some(&said), 4, &all).is_empty());
        // Only what is wanted.
        let only = moments(&line(4, Some("Ada"), true), &None, Some(&said), 0, &[HookEvent::MessageCreated]);
        assert_eq!(
            kinds(&only),
            [(HookEvent::MessageCreated, "c.3".into()), (HookEvent::MessageCreated, "c.4".into())]
        );
    }

    #[test]
    fn a_signature_is_hmac_sha256_of_the_time_and_the_body() {
        // RFC 4231 test case 2 as key and data ("what do ya want for nothing?").
        let header = sign("Jefe", "ya want for nothing?", 1_000 * 1000);
        assert_eq!(
            header,
            "t=1000,v1=".to_owned()
                + &{
                    let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
                    mac.update(b"1000.ya want for nothing?");
                    shared::ids::hex(&mac.finalize().into_bytes())
                }
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            shared::ids::hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
