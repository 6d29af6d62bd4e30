//! The message list: stored messages in sequence order, then the pending
//! ones (sending, or refused with the reason), windowed to the newest ones;
//! scrolling to the top can ask the server for the older page when the log
//! holds no more.
//! Text is always rendered as a text node, never parsed as HTML.

use leptos::html::Div;
use leptos::prelude::*;
use shared::chat_log::{ChatLog, Pending};
use shared::{ChatMessage, Role};
use web_sys::Element;

use crate::i18n::{t, tf};
use crate::util::clock;

/// How many messages the list renders at first, and adds per step back.
const WINDOW: usize = 100;

/// The messages of a conversation or channel; ours (as the log knows us)
/// are drawn as "mine".
#[component]
pub fn MessageList(
    /// The conversation.
    log: RwSignal<ChatLog>,
    /// `data-testid` of each message bubble.
    testid: &'static str,
    /// Called with a refused send's id when the user dismisses it.
    on_dismiss: Callback<String>,
    /// Shown while nothing visible is in the list yet.
    empty: &'static str,
    /// Fills the element given for a workflow event (a card in the widget,
    /// a timeline line in the console).
    on_event: Callback<(Element, ChatMessage)>,
    /// Asks for older history when the reader reaches the top of what the
    /// log holds (the console and channels; the customer widget keeps to
    /// the newest page and its size budget).
    #[prop(optional)]
    on_top: Option<Callback<()>>,
) -> impl IntoView {
    let list = NodeRef::<Div>::new();
    // Windowed: only the newest `shown` messages are in the DOM (100 at
    // first, 100 more each time the reader reaches the top), so the DOM stays
    // small however long the history is.
    let shown = RwSignal::new(WINDOW);
    // Whether the reader is at the newest message (then new ones stay in view).
    let at_bottom = StoredValue::new(true);
    // After each render: keep the newest message in view if the reader is
    // there, and hand new workflow-event slots to the app.
    let after_render = move |keep_top: Option<(i32, i32)>| {
        request_animation_frame(move || {
            let Some(el) = list.try_get_untracked().flatten() else { return };
            match keep_top {
                // Keep the message the reader was looking at where it was.
                Some((height, top)) => el.set_scroll_top(top + el.scroll_height() - height),
                None if at_bottom.get_value() => el.set_scroll_top(el.scroll_height()),
                None => {}
            }
            fill_slots(&el, log, on_event);
        });
    };
    let mut seen = None;
    crate::effect(move || {
        let len = log.with(|l| l.messages().len());
        if !at_bottom.get_value() {
            // Reading older messages: grow the window instead of sliding it,
            // so what the reader looks at stays in place.
            shown.update(|n| *n += len - seen.unwrap_or(len).min(len));
        }
        after_render(None);
        seen = Some(len);
    });
    let on_scroll = move |_| {
        let Some(el) = list.get_untracked() else { return };
        at_bottom.set_value(el.scroll_height() - el.scroll_top() - el.client_height() < 40);
        let total = log.with_untracked(|l| l.messages().len());
        if el.scroll_top() < 80 {
            if shown.get_untracked() < total {
                let (height, top) = (el.scroll_height(), el.scroll_top());
                shown.update(|n| *n += WINDOW);
                after_render(Some((height, top)));
            } else if let Some(f) = on_top {
                f.run(());
            }
        }
    };
    // Stored messages (windowed), then the pending sends: one list, one row
    // shape (each extra view shape or keyed list costs wasm).
    let rows = move || {
        let n = shown.get();
        log.with(|l| {
            let all = l.messages();
            let stored = all[all.len().saturating_sub(n)..].iter().map(|m| Row::Stored(Line::of(m), l.is_mine(m)));
            stored.chain(l.outbox().iter().cloned().map(Row::Pending)).collect::<Vec<_>>()
        })
    };
    view! {
        <div class="messages" node_ref=list tabindex="0" role="log" aria-live="polite" aria-label=t("Messages") on:scroll=on_scroll>
            // Hidden by CSS once anything visible is in the list.
            <p class="empty" data-testid="chat-empty">{empty}</p>
            <For each=rows key=Row::key let:r>
                <Message r=r testid=testid on_dismiss=on_dismiss/>
            </For>
        </div>
    }
}

/// What a row shows of a stored message (not its event: the app fills an
/// event's slot from the log, so rows never copy events).
#[derive(Clone)]
struct Line {
    seq: u64,
    author: Role,
    name: Option<String>,
    text: String,
    at: u64,
    event: bool,
    removed: bool,
}

impl Line {
    fn of(m: &ChatMessage) -> Self {
        // A tombstone in the reader's language.
        let text = if m.removed { t("Removed by a moderator") } else { m.text.clone() };
        let (seq, author, name, at) = (m.seq, m.author, m.name.clone(), m.at);
        Line { seq, author, name, text, at, event: m.event.is_some(), removed: m.removed }
    }
}

/// A row of the list.
#[derive(Clone)]
enum Row {
    /// A stored message, and whether it is ours.
    Stored(Line, bool),
    /// A send not confirmed yet (or refused).
    Pending(Pending),
}

impl Row {
    /// Rows are redrawn when this changes: a stored message when its text
    /// does (an operator's edit or deletion, a moderator's removal — the
    /// log then holds its tombstone's words); a pending one when it is
    /// refused or held.
    fn key(&self) -> (u64, String, Option<String>) {
        match self {
            Row::Stored(m, _) => (m.seq, m.text.clone(), None),
            Row::Pending(p) => (0, p.id.clone(), p.refused.clone().map(|r| r.1).or(p.held.clone())),
        }
    }
}

/// Hands every unfilled event slot under `list` to `on_event`, once.
fn fill_slots(list: &Element, log: RwSignal<ChatLog>, on_event: Callback<(Element, ChatMessage)>) {
    let Ok(slots) = list.query_selector_all(".slot") else { return };
    for i in 0..slots.length() {
        let Some(el) = slots.item(i).and_then(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok()) else { continue };
        el.set_class_name("");
        el.set_text_content(None);
        let seq = el.get_attribute("data-seq").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
        let m = log
            .try_with_untracked(|l| {
                let all = l.messages();
                all.binary_search_by_key(&seq, |m| m.seq).ok().map(|i| all[i].clone())
            })
            .flatten();
        if let Some(m) = m {
            on_event.run((el, m));
        }
    }
}

/// One row. A workflow event becomes an empty slot the app fills (see
/// [`fill_slots`]); a message without text (an internal event as a customer
/// sees it, or an action on its way) is hidden; a refused send shows why.
#[component]
fn Message(r: Row, testid: &'static str, on_dismiss: Callback<String>) -> impl IntoView {
    let (class, state, seq, text, meta, refused) = match r {
        Row::Stored(m, mine) => {
            // In a channel, staff (the server sets the author) are badged:
            // a member's chosen name never reads as theirs.
            let who = match (mine, m.author, &m.name) {
                (true, _, _) => t("You"),
                (false, Role::Operator, Some(name)) => name.to_owned() + " · " + &t("Staff"),
                (false, _, Some(name)) => name.to_owned(),
                (false, Role::Customer, None) => t("Customer"),
                (false, Role::Operator, None) => t("Support"),
            };
            // A tombstone is no one's message any more: nothing to report.
            let (class, state) = match (m.event, m.text.is_empty(), mine) {
                (true, _, _) => ("slot", "slot"),
                (false, true, _) => ("row hidden", "hidden"),
                (false, false, true) if m.removed => ("row mine removed", "removed"),
                (false, false, false) if m.removed => ("row theirs removed", "removed"),
                (false, false, true) => ("row mine", "sent"),
                (false, false, false) => ("row theirs", "sent"),
            };
            let meta = who + " · " + &clock(m.at);
            (class, state, Some(m.seq), m.text, meta, None)
        }
        Row::Pending(p) => match p.refused {
            None if p.event.is_some() => ("row hidden", "pending", None, p.text, String::new(), None),
            None => {
                let meta = p.held.unwrap_or_else(|| t("Sending…"));
                ("row mine pending", "pending", None, p.text, meta, None)
            }
            Some((_, why)) => {
                let meta = tf("Not sent: {why}", &[("why", &why)]) + " ";
                ("row mine pending", "refused", None, p.text, meta, Some(p.id))
            }
        },
    };
    let error = refused.is_some();
    view! {
        <div class=class data-seq=seq>
            <div class="bubble" data-testid=testid data-state=state>{text}</div>
            <div class="meta" class:error=error role=error.then_some("alert")>
                {meta}
                <button class="link" hidden=!error on:click=move |_| {
                    if let Some(id) = refused.clone() {
                        on_dismiss.run(id);
                    }
                }>{t("Dismiss")}</button>
            </div>
        </div>
    }
}
