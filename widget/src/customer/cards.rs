//! Workflow events drawn as cards in the widget: a troubleshooting checklist
//! the customer ticks, product cards with "Add", an order summary with
//! "Confirm", "did this solve it?" and a 1–5 rating. A card's state (ticked,
//! added, confirmed, answered) is read from the customer's own answers later
//! in the timeline (and, for ticks, the outbox); the answers themselves draw
//! nothing.
//!
//! Every card is one data shape ([`Card`]) drawn by one view, and every
//! reactive value in it is a type-erased [`Signal`]: Leptos instantiates its
//! rendering code per view type and per closure type, so this keeps the
//! widget's wasm small (see ARCHITECTURE.md, "Sizes").

use leptos::prelude::*;
use shared::chat_log::ChatLog;
use shared::workflow::{Event, Product};
use shared::ChatMessage;

use crate::chat::Chat;

/// A line of a card: text and an amount, or a step the customer ticks.
struct Line {
    text: String,
    right: String,
    tick: Option<(u32, Signal<bool>)>,
}

/// A button of a card: sends `event`; disabled once `off`.
struct Button {
    label: &'static str,
    testid: &'static str,
    score: u8,
    event: Event,
    off: Signal<bool>,
    on: Signal<bool>,
}

/// Everything a card shows.
struct Card {
    testid: &'static str,
    product: String,
    image: String,
    title: String,
    lines: Vec<Line>,
    buttons: Vec<Button>,
    thanks: Option<Signal<bool>>,
}

/// Events of the timeline after `seq`, then the customer's unsent ones.
fn later(log: &ChatLog, seq: u64) -> impl Iterator<Item = &Event> {
    let stored = log.messages().iter().filter(move |m| m.seq > seq).filter_map(|m| m.event.as_ref());
    stored.chain(log.outbox().iter().filter_map(|p| p.event.as_ref()))
}

/// Whether an answer matching `f` follows the card at `seq`.
fn answered(chat: Chat, seq: u64, f: fn(&Event) -> bool) -> Signal<bool> {
    Signal::derive(move || chat.log.with(|l| later(l, seq).any(f)))
}

fn price(cents: u32) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

fn line(text: String, right: String) -> Line {
    Line { text, right, tick: None }
}

fn button(label: &'static str, testid: &'static str, event: Event, off: Signal<bool>) -> Button {
    Button { label, testid, score: 0, event, off, on: Signal::stored(false) }
}

fn card(testid: &'static str, title: &str, lines: Vec<Line>, buttons: Vec<Button>) -> Card {
    Card { testid, product: String::new(), image: String::new(), title: title.into(), lines, buttons, thanks: None }
}

/// The card model of an event message, if the event is a card.
fn model(chat: Chat, m: ChatMessage) -> Option<Card> {
    let seq = m.seq;
    Some(match m.event? {
        Event::Checklist { items } => {
            let lines = (0u32..)
                .zip(items)
                .map(|(i, text)| {
                    let done = Signal::derive(move || {
                        chat.log.with(|l| {
                            later(l, seq)
                                .filter_map(|e| match e {
                                    Event::Tick { item, done } if *item == i => Some(*done),
                                    _ => None,
                                })
                                .last()
                                .unwrap_or(false)
                        })
                    });
                    Line { text, right: String::new(), tick: Some((i, done)) }
                })
                .collect();
            card("chat-checklist", "Try these steps", lines, Vec::new())
        }
        Event::Present(Product { id, name, price_cents, image }) => {
            let pid = id.clone();
            let added = Signal::derive(move || {
                chat.log.with(|l| later(l, seq).any(|e| matches!(e, Event::Add { product } if *product == pid)))
            });
            let add = button("Add", "chat-product-add", Event::Add { product: id.clone() }, added);
            Card { product: id, image, ..card("chat-product", &name, vec![line(price(price_cents), String::new())], vec![add]) }
        }
        Event::Order { lines } => {
            let mut total = 0;
            let rows = chat.log.with_untracked(|l| {
                lines
                    .iter()
                    .map(|o| {
                        let presented = l.messages().iter().rev().find_map(|m| match &m.event {
                            Some(Event::Present(p)) if p.id == o.product => Some(p),
                            _ => None,
                        });
                        let (name, cents) = presented.map_or((o.product.clone(), 0), |p| (p.name.clone(), p.price_cents));
                        total += cents * o.qty;
                        line(format!("{} × {name}", o.qty), price(cents * o.qty))
                    })
                    .collect::<Vec<_>>()
            });
            let mut rows = rows;
            rows.push(line("Total".into(), price(total)));
            let confirmed = answered(chat, seq, |e| matches!(e, Event::ConfirmOrder {}));
            card("chat-order", "Your order", rows, vec![button("Confirm order", "chat-order-confirm", Event::ConfirmOrder {}, confirmed)])
        }
        Event::AskResolution {} => {
            let done = answered(chat, seq, |e| matches!(e, Event::Resolve { .. }));
            let yes = button("Yes", "chat-solved-yes", Event::Resolve { solved: true }, done);
            let no = button("No", "chat-solved-no", Event::Resolve { solved: false }, done);
            card("chat-resolution", "Did this solve it?", Vec::new(), vec![yes, no])
        }
        Event::AskRating {} => {
            let given = Signal::derive(move || {
                chat.log.with(|l| later(l, seq).find_map(|e| if let Event::Rate { score } = e { Some(*score) } else { None }))
            });
            let off = Signal::derive(move || given.get().is_some());
            let stars = (1..=5u8)
                .map(|n| Button {
                    score: n,
                    on: Signal::derive(move || given.get().is_some_and(|g| g >= n)),
                    ..button("★", "chat-rate", Event::Rate { score: n }, off)
                })
                .collect();
            Card { thanks: Some(off), ..card("chat-rating", "How did we do?", Vec::new(), stars) }
        }
        _ => return None,
    })
}

/// Draws an event message: its card, or nothing.
pub fn draw(chat: Chat, m: ChatMessage) -> AnyView {
    let Some(c) = model(chat, m) else { return ().into_any() };
    let lines = c
        .lines
        .into_iter()
        .map(|l| match l.tick {
            Some((item, done)) => view! {
                <li><label>
                    <input type="checkbox" data-testid="chat-check" prop:checked=done
                        on:change=move |e| chat.act(Event::Tick { item, done: event_target_checked(&e) })/>
                    {l.text}
                </label></li>
            }
            .into_any(),
            None => view! { <li>{l.text}<span>{l.right}</span></li> }.into_any(),
        })
        .collect_view();
    let buttons = c
        .buttons
        .into_iter()
        .map(|b| {
            let event = b.event;
            view! {
                <button data-testid=b.testid data-score=b.score disabled=b.off class:on=b.on
                    on:click=move |_| chat.act(event.clone())>{b.label}</button>
            }
        })
        .collect_view();
    let thanks = c.thanks.map(|t| {
        view! { <p data-testid="chat-rating-thanks" hidden=move || !t.get()>"Thank you for your rating!"</p> }
    });
    view! {
        <div class="card" data-testid=c.testid data-product=c.product>
            {(!c.image.is_empty()).then(|| view! { <img src=c.image alt=""/> })}
            <strong>{c.title}</strong>
            <ul>{lines}</ul>
            <div class="choices">{buttons}</div>
            {thanks}
        </div>
    }
    .into_any()
}
