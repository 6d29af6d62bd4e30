//! The console workspace: the live inbox (its scope — all, mine, unassigned
//! or a team's queue — is the socket's, a page at a time, with older pages
//! on demand; filters, unread counts, previews, waiting time; newest
//! activity first), the open conversation, keyboard
//! shortcuts and their help, and the site settings; up to three
//! conversations side by side; what needs the operator counted in the tab
//! and pinged (`super::notify`); the moderation view in its place when
//! picked, and moderation alerts over both.

use shared::WireName;
use std::collections::HashMap;
use std::time::Duration;

use leptos::prelude::*;
use shared::api::{inbox_page_path, inbox_socket_path};
use shared::scope::{Scope, PAGE};
use shared::workflow::WorkflowKind;
use shared::{ClientEnvelope, ClientMsg, ConversationId, ConversationSummary, Role, SeenMark, ServerMsg};

use super::keys::{self, Action, Help};
use super::moderation::{Alert, Desk, Moderation};
use super::notify::{Notify, NotifyControls};
use super::pane::Pane;
use super::people::People;
use super::performance::Performance;
use super::practice::PracticeView;
use super::routing::{BoardView, News, PresencePicker, Routing};
use super::search::{Found, SearchView};
use super::seats::{Seats, SeatsView};
use super::settings::Settings;
use super::shifts::ShiftsView;
use super::Session;
use crate::components::StatusLine;
use crate::socket::{Socket, Status};
use crate::util::{clock, load, store, ws_origin};
use shared::staff::Capability;

const SEEN: &str = "console:seen";

/// A conversation's read mark is told the server at most this often while
/// it is open (ms); at once when it is left.
const SEEN_EVERY_MS: f64 = 10_000.0;

/// Most conversations open beside the focused one.
const BESIDE: usize = 2;

/// The inbox filters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Filter {
    /// `all`, `mine`, `unassigned`, or `team:<id>` (a team's queue).
    scope: String,
    /// `""` for every workflow, else its wire name.
    workflow: String,
    /// `open`, `closed`, `approval` (a discount waiting for a supervisor)
    /// or `""` for all.
    status: String,
    /// `""` for any, else a tag the conversation carries (as typed; compared lower-cased).
    tag: String,
}

impl Filter {
    fn scope(&self) -> Scope {
        Scope::parse(&self.scope).unwrap_or_default()
    }

    fn keeps(&self, c: &ConversationSummary, me: &str) -> bool {
        let scope = self.scope().keeps(c, me);
        let workflow = self.workflow.is_empty() || self.workflow == c.workflow.as_str();
        let status = match self.status.as_str() {
            "open" => c.outcome.is_none(),
            "closed" => c.outcome.is_some(),
            "approval" => c.approval.is_some(),
            _ => true,
        };
        let tag = self.tag.trim().to_lowercase();
        let tagged = tag.is_empty() || c.tags.contains(&tag);
        scope && workflow && status && tagged
    }
}

/// "4 min" since `since` (ms), for waiting customers.
fn waited(now: f64, since: u64) -> String {
    let mins = ((now - since as f64) / 60_000.0).max(0.0) as u64;
    match mins {
        0 => "just now".into(),
        m if m < 60 => format!("{m} min"),
        m => format!("{} h {} min", m / 60, m % 60),
    }
}

/// Inbox and open conversation, for one site.
#[component]
pub fn Workspace(on_sign_out: Callback<Option<String>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let site = session.site.get_value();
    let me = session.name.get_value();
    let list = RwSignal::new(Vec::<ConversationSummary>::new());
    let status = RwSignal::new(Status::Idle);
    let selected = RwSignal::new(None::<ConversationId>);
    provide_context(super::profile::OpenConversation(Callback::new(move |c| selected.set(Some(c)))));
    let filter = RwSignal::new(Filter {
        scope: "all".into(),
        workflow: String::new(),
        status: "open".into(),
        tag: String::new(),
    });
    let help = RwSignal::new(false);
    let settings = RwSignal::new(false);
    let people = RwSignal::new(false);
    let shifts = RwSignal::new(false);
    let performance = RwSignal::new(false);
    let search = RwSignal::new(false);
    let found = Found(RwSignal::new(None));
    provide_context(found);
    let practice = RwSignal::new(false);
    let seats_open = RwSignal::new(false);
    let password = RwSignal::new(false);
    let two_factor = RwSignal::new(false);
    let two_factor_state = RwSignal::new(session.me.with_value(|m| m.two_factor));
    // Open beside the focused one, in order.
    let beside = RwSignal::new(Vec::<ConversationId>::new());
    let is_open = move |id: &ConversationId| {
        selected.with_untracked(|s| s.as_ref() == Some(id)) || beside.with_untracked(|b| b.contains(id))
    };
    let seats = Seats(RwSignal::new(Vec::new()));
    seats.load(site.clone());
    provide_context(seats);
    let notify = Notify::new();
    let now = RwSignal::new(js_sys::Date::now());
    let desk = Desk::new();
    provide_context(desk);
    let routing = Routing::new();
    let tick = set_interval_with_handle(
        move || {
            now.try_set(js_sys::Date::now());
        },
        Duration::from_secs(30),
    )
    .ok();
    on_cleanup(move || tick.into_iter().for_each(|t| t.clear()));
    let seen =
        RwSignal::new(load(SEEN).and_then(|s| crate::json::decode::<HashMap<String, u64>>(&s)).unwrap_or_default());
    crate::effect(move || seen.with(|s| store(SEEN, crate::json::encode(s).as_deref())));
    // The marks the server has (from this or another device), and when told.
    let told = StoredValue::new(
        seen.with_untracked(|s| s.iter().map(|(k, v)| (k.clone(), (*v, 0.0))).collect::<HashMap<_, _>>()),
    );

    // Set once the socket exists (its frames can ask to tell the presence).
    let tell_presence: StoredValue<Box<dyn Fn()>, LocalStorage> = StoredValue::new_local(Box::new(|| {}));
    // Whether an older page may be left (the last one read was full).
    let more = RwSignal::new(false);
    let url_site = site.clone();
    let me_for_socket = me.clone();
    let socket = Socket::new(
        move || Some(format!("{}{}", ws_origin(), inbox_socket_path(&url_site, &filter.get_untracked().scope()))),
        &crate::wire::OPERATOR,
        move |frame| match frame.msg {
            ServerMsg::Inbox { conversations } => {
                more.set(conversations.len() >= PAGE);
                list.set(conversations);
                // A new socket starts online: say "away" again if it is.
                if routing.presence.get_untracked() != shared::routing::Presence::Online {
                    tell_presence.with_value(|f| f());
                }
            }
            ServerMsg::Assignment { conversation, to_you, why } => {
                if to_you {
                    notify.ping(
                        "A chat for you",
                        &format!("{why} · {}", super::visitor(&conversation)),
                        conversation.as_str(),
                    );
                }
                routing.news(conversation, to_you, why);
            }
            ServerMsg::Board(board) => routing.board.set(Some(board)),
            ServerMsg::Seen(marks) => {
                let at = js_sys::Date::now();
                seen.update(|s| {
                    for m in marks {
                        let id = m.conversation.to_string();
                        let mine = s.entry(id.clone()).or_insert(0);
                        *mine = (*mine).max(m.seq);
                        told.update_value(|t| {
                            t.insert(id, (m.seq, at));
                        });
                    }
                });
            }
            ServerMsg::InboxUpdate(changed) => list.update(|l| {
                // A customer wrote in one of mine that is not open (or the console is not in front).
                let hidden =
                    web_sys::window().and_then(|w| w.document()).is_some_and(|d| !d.has_focus().unwrap_or(true));
                for c in &changed {
                    let newer = l.iter().find(|o| o.id == c.id).is_none_or(|o| o.last_seq < c.last_seq);
                    let mine = c.assignee.as_deref() == Some(me_for_socket.as_str());
                    if newer
                        && mine
                        && c.outcome.is_none()
                        && c.last_author == Some(Role::Customer)
                        && (hidden || !is_open(&c.id))
                    {
                        let who = super::customer_name(c.customer.as_deref(), &c.id);
                        notify.ping(&format!("{who} wrote"), &c.preview, c.id.as_str());
                    }
                }
                let scope = filter.get_untracked().scope();
                l.retain(|c| !changed.iter().any(|s| s.id == c.id));
                // A line that left the scope comes once more, to be dropped.
                l.extend(changed.into_iter().filter(|c| scope.keeps(c, &me_for_socket)));
                l.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
            }),
            ServerMsg::Moderation { alert, changed, .. } => desk.pushed(alert, changed),
            _ => {}
        },
        status,
    );
    socket.connect();
    let socket = StoredValue::new_local(socket);
    on_cleanup(move || socket.with_value(Socket::stop));
    tell_presence.set_value(Box::new(move || socket.with_value(|s| routing.tell(s))));
    // Read marks to the server: the open ones every few seconds, a left one at once.
    let flush = move || {
        let at = js_sys::Date::now();
        let due: Vec<(String, u64)> = seen.with_untracked(|s| {
            s.iter()
                .filter(|(id, seq)| {
                    let (sent, when) = told.with_value(|t| t.get(*id).copied().unwrap_or((0, 0.0)));
                    let open = id.parse().is_ok_and(|c| is_open(&c));
                    **seq > sent && (!open || at - when >= SEEN_EVERY_MS)
                })
                .map(|(id, seq)| (id.clone(), *seq))
                .collect()
        });
        for (id, seq) in due {
            let Ok(conversation) = id.parse() else { continue };
            let frame = ClientEnvelope {
                v: shared::PROTOCOL_VERSION,
                id: format!("seen-{}", crate::util::new_id()),
                msg: ClientMsg::Seen(SeenMark { conversation, seq }),
            };
            if socket.with_value(|s| s.send(&frame)) {
                told.update_value(|t| {
                    t.insert(id, (seq, at));
                });
            }
        }
    };
    crate::effect(move || {
        (seen.track(), selected.track(), beside.track(), now.track());
        flush();
    });
    let on_presence = Callback::new(move |_| socket.with_value(|s| routing.tell(s)));
    let activity = window_event_listener(leptos::ev::pointerdown, move |_| socket.with_value(|s| routing.active(s)));
    on_cleanup(move || activity.remove());
    // Another scope: another socket (the list object sends only the scope's lines).
    let scope_shown = StoredValue::new(filter.with_untracked(|f| f.scope.clone()));
    crate::effect(move || {
        let scope = filter.with(|f| f.scope.clone());
        if scope_shown.with_value(|s| *s != scope) {
            scope_shown.set_value(scope);
            (list.set(Vec::new()), more.set(false));
            socket.with_value(Socket::reconnect);
        }
    });
    let older_site = site.clone();
    let older = move |_| {
        // The oldest line shown, as the list object orders them.
        let oldest = list.with_untracked(|l| {
            l.iter()
                .map(|c| (c.updated_at, c.id.to_string()))
                .min_by(|a, b| (a.0, a.1.as_str()).cmp(&(b.0, b.1.as_str())))
        });
        let Some(last) = oldest else { return };
        let path = inbox_page_path(&older_site, &filter.get_untracked().scope(), last.0, &last.1);
        leptos::task::spawn_local(async move {
            let page = super::api("GET", &path, None)
                .await
                .ok()
                .and_then(|t| crate::json::decode::<Vec<ConversationSummary>>(&t));
            if let Some(page) = page {
                more.set(page.len() >= PAGE);
                list.update(|l| {
                    l.retain(|c| !page.iter().any(|p| p.id == c.id));
                    l.extend(page);
                    l.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
                });
            }
        });
    };
    crate::effect(move || {
        if let Status::Refused(why) = status.get() {
            on_sign_out.run(Some(format!("Signed out: {why}")));
        }
    });

    // Messages past the last one seen in this browser.
    let unread = move |id: &str, last_seq: u64| {
        let seen = seen.with(|s| s.get(id).copied().unwrap_or(0));
        last_seq.saturating_sub(seen)
    };
    // What needs the operator: chats given and not opened, and their
    // conversations with unseen messages that are not open.
    let me_for_count = me.clone();
    let waiting_for_me = Memo::new(move |_| {
        let mut ids = routing.unopened();
        let open = (selected.get(), beside.get());
        list.with(|l| {
            for c in l {
                let shown = open.0.as_ref() == Some(&c.id) || open.1.contains(&c.id);
                let mine = c.assignee.as_deref() == Some(me_for_count.as_str()) && c.outcome.is_none();
                if mine && !shown && unread(c.id.as_str(), c.last_seq) > 0 && !ids.contains(&c.id) {
                    ids.push(c.id.clone());
                }
            }
        });
        ids.len()
    });
    crate::effect(move || notify.show(waiting_for_me.get()));
    // Whatever is opened no longer waits as routing's news.
    crate::effect(move || {
        let open = (selected.get(), beside.get());
        open.0.iter().chain(open.1.iter()).for_each(|c| routing.opened(c));
    });
    let open_beside = move |id: ConversationId| {
        if selected.with_untracked(Option::is_none) {
            selected.set(Some(id));
        } else if !is_open(&id) {
            beside.update(|b| {
                b.push(id);
                if b.len() > BESIDE {
                    b.remove(0);
                }
            });
        }
    };
    // Picking one already open beside focuses it.
    crate::effect(move || {
        if let Some(id) = selected.get() {
            if beside.with_untracked(|b| b.contains(&id)) {
                beside.update(|b| b.retain(|x| *x != id));
            }
        }
    });
    let me_for_filter = me.clone();
    let shown = Memo::new(move |_| {
        let f = filter.get();
        list.with(|l| l.iter().filter(|c| f.keeps(c, &me_for_filter)).cloned().collect::<Vec<_>>())
    });

    // Keyboard: move through the shown list, jump to unread, help, and the
    // pane's actions (found by their test ids).
    let handle = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && help.get_untracked() {
            help.set(false);
            return;
        }
        // The shortcuts are the inbox's.
        if desk.shown.get_untracked() {
            return;
        }
        let Some(action) = keys::action(&e) else { return };
        e.prevent_default();
        let ids: Vec<(ConversationId, u64)> =
            shown.with_untracked(|l| l.iter().map(|c| (c.id.clone(), c.last_seq)).collect());
        let at = selected.with_untracked(|s| s.as_ref().and_then(|s| ids.iter().position(|(i, _)| i == s)));
        let pick = |i: usize| ids.get(i).map(|(id, _)| id.clone());
        match action {
            Action::Next => selected
                .set(pick(at.map_or(0, |i| (i + 1).min(ids.len().saturating_sub(1)))).or(selected.get_untracked())),
            Action::Previous => selected.set(pick(at.map_or(0, |i| i.saturating_sub(1))).or(selected.get_untracked())),
            Action::NextUnread => {
                let start = at.map_or(0, |i| i + 1);
                let n = ids.len();
                let next = (0..n).map(|k| (start + k) % n.max(1)).find(|&i| {
                    let (id, last) = &ids[i];
                    Some(i) != at && unread(id.as_str(), *last) > 0
                });
                if let Some(i) = next {
                    selected.set(pick(i));
                }
            }
            Action::Canned => keys::focus("[data-testid=console-canned-item]", false),
            Action::Advance => keys::focus("[data-testid=console-complete-step]", true),
            Action::Reply => keys::focus("[data-testid=console-input]", false),
            Action::Help => help.update(|h| *h = !*h),
        }
    });
    on_cleanup(move || handle.remove());

    let me_for_follow = me.clone();
    let supervises = session.may(Capability::Supervise);
    let followed = move || match supervises {
        true => seats
            .names()
            .into_iter()
            .filter(|n| *n != me_for_follow)
            .map(|n| (n.clone(), format!("Operator: {n}")))
            .collect(),
        false => {
            seats.mentees(&me_for_follow).into_iter().map(|n| (n.clone(), format!("Mentee: {n}"))).collect::<Vec<_>>()
        }
    };
    let teams = move || session.config.with(|c| c.as_ref().map(|c| c.teams.clone()).unwrap_or_default());
    let set = move |f: fn(&mut Filter, String)| move |e| filter.update(|x| f(x, event_target_value(&e)));
    view! {
        // The moderation view hides the inbox, the pane and the guide (by CSS: the
        // conversation stays connected).
        <div class="console" class:moderating=move || desk.shown.get()
            class:split-2=move || beside.with(|b| b.len() == 1) class:split-3=move || beside.with(|b| b.len() == 2)>
            <aside class="inbox">
                <header>
                    <strong>"Inbox · "{site.clone()}</strong>
                    <StatusLine status=status testid="console-status"/>
                    <span class="me" data-testid="console-me">{me.clone()}</span>
                    <span class="role" data-testid="console-role">{session.me.with_value(|m| m.role.as_str())}</span>
                    {session.may(Capability::Reply).then(|| view! { <PresencePicker routing=routing on_change=on_presence/> })}
                    <NotifyControls notify=notify/>
                    {session.may(Capability::ReadDesk).then(|| view! {
                        <button class="link" data-testid="console-tab-moderation" on:click=move |_| desk.shown.set(true)>"Moderation"</button>
                    })}
                    {session.may(Capability::EditSettings).then(|| view! {
                        <button class="link" data-testid="console-settings-open" on:click=move |_| settings.update(|s| *s = !*s)>"Settings"</button>
                    })}
                    {session.may(Capability::ViewPeople).then(|| view! {
                        <button class="link" data-testid="console-people-open" on:click=move |_| people.set(true)>"People"</button>
                    })}
                    {session.may(Capability::Supervise).then(|| view! {
                        <button class="link" data-testid="console-seats-open" on:click=move |_| seats_open.set(true)>"Seats"</button>
                    })}
                    {session.may(Capability::Reply).then(|| view! {
                        <button class="link" data-testid="console-shifts-open" on:click=move |_| shifts.set(true)>"Shifts"</button>
                        <button class="link" data-testid="console-performance-open" on:click=move |_| performance.set(true)>"Performance"</button>
                    })}
                    // Operators practise support and sales, moderators moderation.
                    {(session.may(Capability::Reply) || session.may(Capability::Moderate)).then(|| view! {
                        <button class="link" data-testid="console-practice-open" on:click=move |_| practice.set(true)>"Practice"</button>
                    })}
                    <button class="link" data-testid="console-help-open" on:click=move |_| help.set(true)>"Shortcuts"</button>
                    <button class="link" data-testid="console-password-open" on:click=move |_| password.set(true)>"Password"</button>
                    <button class="link" data-testid="console-2fa-open" on:click=move |_| two_factor.set(true)>"Two-factor"</button>
                    <button class="link" data-testid="console-sign-out" on:click=move |_| on_sign_out.run(None)>"Sign out"</button>
                    <button class="link" data-testid="console-sign-out-everywhere" on:click=move |_| {
                        leptos::task::spawn_local(async move {
                            let _ = super::api("POST", shared::api::LOGOUT_ALL_PATH, None).await;
                            on_sign_out.run(Some("Signed out on every device.".into()));
                        });
                    }>"Sign out everywhere"</button>
                </header>
                <button class="link" data-testid="console-search-open" on:click=move |_| search.set(true)>"Search"</button>
                <News routing=routing open=Callback::new(move |c| selected.set(Some(c)))/>
                {session.may(Capability::Supervise).then(|| view! { <BoardView routing=routing open=Callback::new(move |c| selected.set(Some(c)))/> })}
                <div class="filters">
                    <select data-testid="console-filter-scope" aria-label="Whose" on:change=set(|f, v| f.scope = v)>
                        <option value="all">"All"</option>
                        <option value="mine">"Mine"</option>
                        <option value="unassigned">"Unassigned"</option>
                        {move || teams().into_iter().map(|t| view! {
                            <option value=format!("team:{}", t.id)>{format!("Queue: {}", t.name)}</option>
                        }).collect_view()}
                        // Mentors follow their mentees; supervisors anyone.
                        {move || followed().into_iter().map(|(n, label)| view! {
                            <option value=format!("operator:{n}")>{label}</option>
                        }).collect_view()}
                    </select>
                    <select data-testid="console-filter-workflow" aria-label="Workflow" on:change=set(|f, v| f.workflow = v)>
                        <option value="">"Any workflow"</option>
                        {WorkflowKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.def().name}</option> }).collect_view()}
                    </select>
                    <select data-testid="console-filter-status" aria-label="Status" on:change=set(|f, v| f.status = v)>
                        <option value="open">"Open"</option>
                        <option value="closed">"Closed"</option>
                        <option value="">"Open and closed"</option>
                        <option value="approval">"Awaiting approval"</option>
                    </select>
                    <input data-testid="console-filter-tag" aria-label="Tag" placeholder="Tag" size="8"
                        on:input=set(|f, v| f.tag = v)/>
                </div>
                <Show when=move || shown.with(Vec::is_empty)>
                    <p class="empty">"No conversations here. Open the demo page and say hello."</p>
                </Show>
                <ul>
                    <For each=move || shown.get() key=|c| (c.id.clone(), c.last_seq, c.tags.clone()) let:c>
                        {
                            let id = c.id.clone();
                            let beside_id = c.id.clone();
                            let active_id = c.id.clone();
                            let (seen_id, last_seq) = (c.id.to_string(), c.last_seq);
                            let count = move || unread(&seen_id, last_seq);
                            let who = match c.last_author { Some(Role::Operator) => "Us: ", _ => "" };
                            let waiting = (c.outcome.is_none() && c.last_author == Some(Role::Customer)).then_some(c.updated_at);
                            let def = c.workflow.def();
                            let step = def.steps.get(c.step).map_or("all steps done", |s| s.id);
                            let tags = format!(
                                "{} · {}{}{}",
                                def.name,
                                c.outcome.map_or(step, |o| o.as_str()),
                                c.team.as_ref().map(|t| format!(" · queue {t}")).unwrap_or_default(),
                                c.assignee.as_ref().map(|a| format!(" · {a}")).unwrap_or_else(|| " · unassigned".into()),
                            );
                            view! {
                                <li>
                                    <button
                                        data-testid="console-conversation"
                                        data-conversation=c.id.to_string()
                                        data-workflow=c.workflow.as_str()
                                        class:active=move || selected.with(|s| s.as_ref() == Some(&active_id))
                                        on:click=move |_| selected.set(Some(id.clone()))
                                    >
                                        <span class="line1">
                                            <span class="who" data-testid="console-conversation-customer">{super::customer_name(c.customer.as_deref(), &c.id)}</span>
                                            <span class="time">{clock(c.updated_at)}</span>
                                        </span>
                                        <span class="line2">
                                            <span class="preview">{who}{c.preview.clone()}</span>
                                            {move || {
                                                let n = count();
                                                (n > 0).then(|| view! { <span class="unread" data-testid="console-unread">{n}</span> })
                                            }}
                                        </span>
                                        <span class="line3">
                                            <span class="tags" data-testid="console-tags">{tags}</span>
                                            {c.tags.iter().map(|t| view! {
                                                <span class="tag" data-testid="console-conversation-tag">{t.clone()}</span>
                                            }).collect_view()}
                                            {waiting.map(|since| view! {
                                                <span class="waiting" data-testid="console-waiting">"waiting "{move || waited(now.get(), since)}</span>
                                            })}
                                            {c.approval.clone().map(|what| view! {
                                                <span class="approval" data-testid="console-approval-asked">"approve? "{what}</span>
                                            })}
                                            {c.follow_up.map(|due| {
                                                // Fresh at each render too (a line comes back when it falls due).
                                                let due_now = move || due as f64 <= js_sys::Date::now().max(now.get());
                                                view! {
                                                    <span class="follow-up" data-testid="console-follow-up-due" data-due=due.to_string()
                                                        class:due=due_now>
                                                        {move || if due_now() { "follow-up due" } else { "follow-up" }}
                                                    </span>
                                                }
                                            })}
                                        </span>
                                    </button>
                                    <button class="link open-beside" data-testid="console-open-beside" data-conversation=c.id.to_string()
                                        title="Open beside" aria-label="Open beside" on:click=move |_| open_beside(beside_id.clone())>"⧉"</button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <Show when=move || more.get()>
                    <button class="link" data-testid="console-inbox-more" on:click=older.clone()>"Older conversations"</button>
                </Show>
            </aside>
            {move || match selected.get() {
                None => view! { <section class="pane"><p class="empty">"Pick a conversation (Alt+↓)."</p></section> }.into_any(),
                Some(id) => view! { <Pane id=id seen=seen/> }.into_any(),
            }}
            <For each=move || beside.get() key=|id| id.clone() let:id>
                {
                    let (focus_id, close_id) = (id.clone(), id.clone());
                    let focus = Callback::new(move |_| {
                        let was = selected.get_untracked();
                        beside.update(|b| {
                            if let Some(i) = b.iter().position(|x| *x == focus_id) {
                                match was {
                                    Some(w) => b[i] = w,
                                    None => { b.remove(i); }
                                }
                            }
                        });
                        selected.set(Some(focus_id.clone()));
                    });
                    let close = Callback::new(move |_| beside.update(|b| b.retain(|x| *x != close_id)));
                    view! { <Pane id=id seen=seen beside=(focus, close)/> }
                }
            </For>
            <Show when=move || desk.shown.get()>
                <Moderation/>
            </Show>
            <Alert/>
            <Help open=help/>
            <Show when=move || people.get()>
                <People on_close=Callback::new(move |_| people.set(false))/>
            </Show>
            <Show when=move || practice.get()>
                <PracticeView on_close=Callback::new(move |_| practice.set(false)) open=Callback::new(move |c| selected.set(Some(c)))/>
            </Show>
            <Show when=move || search.get()>
                <SearchView on_close=Callback::new(move |_| search.set(false)) open=Callback::new(move |(c, seq): (shared::ConversationId, u64)| {
                    search.set(false);
                    found.0.set(Some((c.clone(), seq)));
                    selected.set(Some(c));
                })/>
            </Show>
            <Show when=move || performance.get()>
                <Performance on_close=Callback::new(move |_| performance.set(false))/>
            </Show>
            <Show when=move || shifts.get()>
                <ShiftsView on_close=Callback::new(move |_| shifts.set(false))/>
            </Show>
            <Show when=move || two_factor.get()>
                <super::two_factor::TwoFactorView state=two_factor_state.get_untracked()
                    on_change=Callback::new(move |on| two_factor_state.update(|s| s.enrolled = on))
                    on_close=Some(Callback::new(move |_| two_factor.set(false)))/>
            </Show>
            <Show when=move || password.get()>
                <super::password::PasswordView on_close=Callback::new(move |_| password.set(false))/>
            </Show>
            <Show when=move || seats_open.get()>
                <SeatsView seats=seats on_close=Callback::new(move |_| seats_open.set(false))/>
            </Show>
            <Show when=move || settings.get()>
                <Settings on_close=Callback::new(move |_| settings.set(false))/>
            </Show>
        </div>
    }
}
