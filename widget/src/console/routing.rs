//! The console's part of routing: the operator's availability (online or
//! away, said again on activity so the server can tell idle from present),
//! what routing gave them or took back, and the supervisors' live board
//! (operators with presence, load and capacity; queues with their length
//! and longest wait). The server decides all of it; this only shows it.
//! A chat routing gives the operator counts among what needs them
//! (`super::notify`) until they open it.

use leptos::prelude::*;
use shared::routing::{Board, Presence};
use shared::{ClientEnvelope, ClientMsg, ConversationId, WireName};

use crate::socket::Socket;

/// Activity is said again at most this often (ms).
const ACTIVE_EVERY_MS: f64 = 60_000.0;

/// What routing told this console.
#[derive(Clone, Copy)]
pub struct Routing {
    /// The availability the operator picked.
    pub presence: RwSignal<Presence>,
    /// When the server was last told (ms).
    told_at: StoredValue<f64>,
    /// Routing's news, newest first: (conversation, given to me, why).
    pub news: RwSignal<Vec<(ConversationId, bool, String)>>,
    /// The board (supervisors).
    pub board: RwSignal<Option<Board>>,
    /// The given chats opened since.
    opened: RwSignal<Vec<ConversationId>>,
}

impl Routing {
    /// Nothing told yet; online.
    pub fn new() -> Self {
        Routing {
            presence: RwSignal::new(Presence::Online),
            told_at: StoredValue::new(0.0),
            news: RwSignal::new(Vec::new()),
            board: RwSignal::new(None),
            opened: RwSignal::new(Vec::new()),
        }
    }

    /// Tells the server the picked availability on `socket`.
    pub fn tell(&self, socket: &Socket) {
        let status = self.presence.get_untracked();
        let id = format!("presence-{}", crate::util::new_id());
        socket.send(&ClientEnvelope { v: shared::PROTOCOL_VERSION, id, msg: ClientMsg::Presence { status } });
        self.told_at.set_value(js_sys::Date::now());
    }

    /// Activity: an online operator is said to be present again (at most once a minute).
    pub fn active(&self, socket: &Socket) {
        let due = js_sys::Date::now() - self.told_at.get_value() >= ACTIVE_EVERY_MS;
        if due && self.presence.get_untracked() == Presence::Online {
            self.tell(socket);
        }
    }

    /// Routing gave or took back a conversation.
    pub fn news(&self, conversation: ConversationId, to_you: bool, why: String) {
        self.news.update(|n| {
            n.insert(0, (conversation, to_you, why));
            n.truncate(5);
        });
    }

    /// A conversation was opened: if routing gave it, it no longer waits.
    pub fn opened(&self, conversation: &ConversationId) {
        if !self.opened.with_untracked(|o| o.contains(conversation)) {
            self.opened.update(|o| o.push(conversation.clone()));
        }
    }

    /// The chats given to the operator and not opened since (reactive).
    pub fn unopened(&self) -> Vec<ConversationId> {
        let opened = self.opened.get();
        self.news.with(|n| {
            n.iter().filter(|(c, to_you, _)| *to_you && !opened.contains(c)).map(|(c, ..)| c.clone()).collect()
        })
    }
}

/// The availability picker.
#[component]
pub fn PresencePicker(routing: Routing, on_change: Callback<()>) -> impl IntoView {
    let pick = move |e| {
        if let Some(p) = Presence::from_wire(&event_target_value(&e)) {
            routing.presence.set(p);
            on_change.run(());
        }
    };
    view! {
        <select data-testid="console-presence" aria-label="Availability" on:change=pick
            prop:value=move || routing.presence.get().as_str()>
            <option value="online">"Online"</option>
            <option value="away">"Away"</option>
        </select>
    }
}

/// Routing's news, each opening its conversation.
#[component]
pub fn News(routing: Routing, open: Callback<ConversationId>) -> impl IntoView {
    view! {
        <ul class="news" aria-live="polite">
            <For each=move || routing.news.get() key=|(c, to_you, why)| (c.clone(), *to_you, why.clone()) let:n>
                {
                    let (conversation, to_you, why) = n;
                    let label = format!("{why} · {}", super::visitor(&conversation));
                    let data = conversation.to_string();
                    view! {
                        <li data-testid="console-assignment" data-conversation=data class:given=to_you>
                            <button class="link" on:click=move |_| {
                                routing.opened(&conversation);
                                open.run(conversation.clone());
                            }>{label}</button>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

/// Minutes since `since` (ms), for people.
fn minutes_since(since: u64) -> String {
    let mins = ((js_sys::Date::now() - since as f64) / 60_000.0).max(0.0) as u64;
    format!("{mins} min")
}

/// The supervisors' live board: operators, chats in progress (each opens
/// its conversation, to read or whisper in) and queues.
#[component]
pub fn BoardView(routing: Routing, open: Callback<ConversationId>) -> impl IntoView {
    let board = move || routing.board.get().unwrap_or_default();
    view! {
        <section class="board" data-testid="console-board">
            <h3>"Team board"</h3>
            <ul>
                <For each=move || board().operators
                    key=|o| (o.name.clone(), o.presence.as_str(), o.load, o.capacity) let:o>
                    <li data-testid="console-board-operator" data-name=o.name.clone() data-presence=o.presence.as_str()>
                        {format!("{} · {} · {}/{}", o.name, o.presence.as_str(), o.load, o.capacity)}
                        {o.mentor.map(|m| format!(" · mentor {m}"))}
                    </li>
                </For>
                <For each=move || board().queues
                    key=|q| (q.team.clone(), q.length, q.oldest) let:q>
                    <li data-testid="console-board-queue">
                        {format!("Queue {}: {} waiting, longest {}", q.team.as_deref().unwrap_or("general"), q.length, minutes_since(q.oldest))}
                    </li>
                </For>
            </ul>
            <h3>"Chats in progress"</h3>
            <ul class="board-chats">
                <For each=move || board().chats key=|c| format!("{c:?}") let:c>
                    {
                        let def = c.workflow.def();
                        let step = def.steps.get(c.step).map_or("all steps done", |s| s.id);
                        let waiting = c.waiting_since.map(|w| format!(" · waiting {}", minutes_since(w))).unwrap_or_default();
                        let label = format!("{} · {} · {}: {step}{waiting}", super::visitor(&c.conversation), c.assignee, def.name);
                        let id = c.conversation.clone();
                        view! {
                            <li data-testid="console-board-chat" data-conversation=c.conversation.to_string()
                                data-assignee=c.assignee.clone() data-step=step data-waiting=c.waiting_since.is_some().to_string()>
                                <button class="link" on:click=move |_| open.run(id.clone())>{label}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
