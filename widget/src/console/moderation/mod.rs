//! The moderator's workspace in the console: the review queue, the cases
//! (each run through the moderation workflow), sanctions in force, the
//! incident log, a live channel monitor and the screening's feedback; here the desk's shared state,
//! its HTTP calls, the view that lays them out, the alert every console
//! shows on an escalation, and the pane's "Moderate customer" button.

mod case;
mod cases;
mod feedback;
mod incidents;
mod monitor;
mod queue;
mod rules;
mod sanctions;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::api::DeskRoute;
use shared::moderation_case::{Case, DeskItem, OpenCase};
use shared::ConversationId;

use super::Session;
use crate::http::UNREADABLE;

/// The moderation desk as every part of the console sees it. `Copy`: handles only.
#[derive(Clone, Copy)]
pub struct Desk {
    /// The moderation view is shown (instead of the inbox).
    pub shown: RwSignal<bool>,
    /// Bumped when the lists on screen must fetch again (our own action, or
    /// a push that could not say what changed).
    version: RwSignal<u32>,
    /// The latest push's changes: each list puts the items of its kind in place.
    pushed: RwSignal<Vec<DeskItem>>,
    /// The cases, newest first.
    cases: RwSignal<Vec<Case>>,
    /// The case open in the panel.
    selected: RwSignal<Option<u64>>,
    /// The latest alert for every moderator (an escalation), until dismissed.
    alert: RwSignal<Option<String>>,
}

impl Desk {
    /// A desk with nothing loaded, the inbox shown.
    pub fn new() -> Self {
        Desk {
            shown: RwSignal::new(false),
            version: RwSignal::new(0),
            pushed: RwSignal::new(Vec::new()),
            cases: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            alert: RwSignal::new(None),
        }
    }

    /// The Worker pushed desk changes (none: fetch the lists again); an
    /// `alert` is for every console.
    pub fn pushed(self, alert: Option<String>, changed: Vec<DeskItem>) {
        if let Some(a) = alert.filter(|a| !a.trim().is_empty()) {
            self.alert.try_set(Some(a));
        }
        if changed.is_empty() {
            return self.changed();
        }
        for item in &changed {
            if let DeskItem::Case(case) = item {
                self.cases.try_update(|l| match l.iter_mut().find(|c| c.id == case.id) {
                    Some(slot) => *slot = case.clone(),
                    None => l.insert(0, case.clone()),
                });
            }
        }
        self.pushed.try_set(changed);
    }

    /// Runs `apply` on every item of each push (the lists' way to follow them).
    fn on_push(self, apply: impl Fn(&DeskItem) + 'static) {
        crate::effect(move || self.pushed.with(|items| items.iter().for_each(&apply)));
    }

    /// Something changed: fetch what is on screen again.
    fn changed(self) {
        self.version.try_update(|v| *v = v.wrapping_add(1));
    }

    /// Puts a case as the server answered it in the list (in its place, or first).
    fn put(self, case: Case) {
        self.cases.try_update(|l| match l.iter_mut().find(|c| c.id == case.id) {
            Some(slot) => *slot = case,
            None => l.insert(0, case),
        });
        self.changed();
    }

    /// Shows a case just opened in the moderation view's panel.
    fn open(self, case: Case) {
        let id = case.id;
        self.put(case);
        self.selected.try_set(Some(id));
        self.shown.try_set(true);
    }
}

/// The desk's `route` for this console's site, with `more` query
/// parameters (`&q=…`).
fn path(session: Session, route: DeskRoute, more: &str) -> String {
    format!("{}?{more}", route.path(&session.site.get_value()))
}

/// POSTs `body` to `path`: the decoded answer, or the server's sentence.
async fn post<T: DeserializeOwned>(path: String, body: &impl Serialize) -> Result<T, String> {
    let body = crate::json::encode(body).ok_or("the request could not be written")?;
    let text = crate::console::api("POST", &path, Some(body)).await?;
    crate::json::decode(&text).ok_or_else(|| UNREADABLE.to_string())
}

/// Keeps `target` filled with what the desk serves at `path()`, fetched
/// again whenever the signals `path` reads change and on every desk change;
/// an older answer never overwrites a newer one. Returns the fetch's error.
fn fetch_into<T>(desk: Desk, target: RwSignal<T>, path: impl Fn() -> String + 'static) -> RwSignal<Option<String>>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    let error = RwSignal::new(None::<String>);
    let latest = StoredValue::new(0u32);
    crate::effect(move || {
        desk.version.track();
        let path = path();
        let ticket = latest.get_value().wrapping_add(1);
        latest.set_value(ticket);
        spawn_local(async move {
            let answer = crate::console::api("GET", &path, None).await;
            if latest.try_get_value() != Some(ticket) {
                return;
            }
            match answer.and_then(|t| crate::json::decode::<T>(&t).ok_or_else(|| UNREADABLE.to_string())) {
                Ok(v) => {
                    target.try_set(v);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    error
}

/// Opens a case (about a report, or a conversation's customer) and shows
/// it; `busy` meanwhile; a refusal lands in `error`.
fn open_case(session: Session, desk: Desk, body: OpenCase, busy: RwSignal<bool>, error: RwSignal<Option<String>>) {
    let path = path(session, DeskRoute::Cases, "");
    busy.set(true);
    error.set(None);
    spawn_local(async move {
        let answer = post::<Case>(path, &body).await;
        busy.try_set(false);
        match answer {
            Ok(case) => desk.open(case),
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
}

/// `Some(message)` for a list's error line.
fn error_line(error: RwSignal<Option<String>>, testid: &'static str) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="error" role="alert" data-testid=testid>{e}</p> })
}

/// The moderation view: queue and cases, the open case, channels,
/// sanctions and incidents.
#[component]
pub fn Moderation() -> impl IntoView {
    let session = expect_context::<Session>();
    let desk = expect_context::<Desk>();
    let cases_error = fetch_into(desk, desk.cases, move || path(session, DeskRoute::Cases, ""));
    view! {
        <div class="desk">
            <header class="desk-header">
                <button class="link" data-testid="console-tab-inbox" on:click=move |_| desk.shown.set(false)>"← Inbox"</button>
                <strong>"Moderation · "{session.site.get_value()}</strong>
                <span class="me">{session.name.get_value()}</span>
            </header>
            <div class="desk-col">
                <queue::Queue/>
                <cases::Cases error=cases_error/>
            </div>
            <div class="desk-col case-col">
                {move || match desk.selected.get() {
                    Some(id) => view! { <case::CasePanel id=id/> }.into_any(),
                    None => view! { <p class="empty">"Open a case from the queue, or pick one from the cases."</p> }.into_any(),
                }}
            </div>
            <div class="desk-col">
                <rules::RuleForm/>
                <monitor::Monitor/>
                <sanctions::Sanctions/>
                <incidents::Incidents/>
                <feedback::Feedback/>
            </div>
        </div>
    }
}

/// The latest alert (an escalation), over whichever view is open.
#[component]
pub fn Alert() -> impl IntoView {
    let desk = expect_context::<Desk>();
    move || {
        desk.alert.get().map(|a| {
            view! {
                <div class="alert" role="alert" data-testid="console-alert">
                    <span>{a}</span>
                    <button class="link" on:click=move |_| {
                        desk.shown.set(true);
                        desk.alert.set(None);
                    }>"Open moderation"</button>
                    <button class="link" on:click=move |_| desk.alert.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// In a conversation's pane: opens a case about its customer and shows it.
#[component]
pub fn ModerateCustomer(id: ConversationId) -> impl IntoView {
    let session = expect_context::<Session>();
    let desk = expect_context::<Desk>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let open = move |_| {
        let body = OpenCase { report: None, conversation: Some(id.get_value()) };
        open_case(session, desk, body, busy, error);
    };
    view! {
        <button class="link" type="button" data-testid="console-moderate-customer" disabled=move || busy.get()
            title="Open a moderation case about this customer" on:click=open>"Moderate customer"</button>
        {move || error.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
    }
}
