//! Workflow events drawn as cards in the widget: a troubleshooting checklist
//! the customer ticks, product cards with "Add", an order summary with
//! "Confirm", "did this solve it?" and a 1–5 rating. A card's state (ticked,
//! added, confirmed, answered) is read from the customer's own answers later
//! in the timeline; the answers themselves draw nothing.

use leptos::prelude::*;
use shared::chat_log::ChatLog;
use shared::workflow::{Event, Product};
use shared::ChatMessage;

use crate::chat::Chat;

/// Events of the timeline after `seq`.
fn later(log: &ChatLog, seq: u64) -> impl Iterator<Item = &Event> {
    log.messages().iter().filter(move |m| m.seq > seq).filter_map(|m| m.event.as_ref())
}

fn price(cents: u32) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

/// The card for one event message.
pub fn card(chat: Chat, m: ChatMessage) -> AnyView {
    let seq = m.seq;
    let answered = move |f: fn(&Event) -> bool| move || chat.log.with(|l| later(l, seq).any(f));
    match m.event {
        Some(Event::Checklist { items }) => {
            let rows = items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let i = i as u32;
                    // Ticks count as soon as they are sent (the outbox), so the box does not flicker back.
                    let done = move || {
                        chat.log.with(|l| {
                            later(l, seq)
                                .chain(l.outbox().iter().filter_map(|p| p.event.as_ref()))
                                .filter_map(|e| match e {
                                    Event::Tick { item, done } if *item == i => Some(*done),
                                    _ => None,
                                })
                                .last()
                                .unwrap_or(false)
                        })
                    };
                    view! {
                        <li><label>
                            <input type="checkbox" data-testid="chat-check" prop:checked=done
                                on:change=move |e| chat.act(Event::Tick { item: i, done: event_target_checked(&e) })/>
                            <span>{item}</span>
                        </label></li>
                    }
                })
                .collect_view();
            view! { <div class="card" data-testid="chat-checklist"><strong>"Try these steps"</strong><ol>{rows}</ol></div> }
                .into_any()
        }
        Some(Event::Present(Product { id, name, price_cents, image })) => {
            let pid = StoredValue::new(id.clone());
            let added = move || {
                chat.log.with(|l| {
                    later(l, seq).any(|e| matches!(e, Event::Add { product } if pid.with_value(|p| p == product)))
                })
            };
            view! {
                <div class="card product" data-testid="chat-product" data-product=id>
                    {(!image.is_empty()).then(|| view! { <img src=image alt=""/> })}
                    <strong>{name}</strong>
                    <span class="price">{price(price_cents)}</span>
                    <button data-testid="chat-product-add" disabled=added
                        on:click=move |_| chat.act(Event::Add { product: pid.get_value() })>
                        {move || if added() { "Added" } else { "Add" }}
                    </button>
                </div>
            }
            .into_any()
        }
        Some(Event::Order { lines }) => {
            let confirmed = answered(|e| matches!(e, Event::ConfirmOrder {}));
            let (rows, total) = chat.log.with_untracked(|l| {
                let products: Vec<&Product> = l
                    .messages()
                    .iter()
                    .filter_map(|m| match &m.event {
                        Some(Event::Present(p)) => Some(p),
                        _ => None,
                    })
                    .collect();
                let mut total = 0;
                let rows = lines
                    .iter()
                    .map(|line| {
                        let p = products.iter().rev().find(|p| p.id == line.product);
                        let (name, cents) = p.map_or((line.product.clone(), 0), |p| (p.name.clone(), p.price_cents));
                        total += cents * line.qty;
                        view! { <li>{line.qty}" × "{name}<span>{price(cents * line.qty)}</span></li> }
                    })
                    .collect_view();
                (rows, total)
            });
            view! {
                <div class="card" data-testid="chat-order">
                    <strong>"Your order"</strong>
                    <ul>{rows}</ul>
                    <p class="total">"Total "{price(total)}</p>
                    <button data-testid="chat-order-confirm" disabled=confirmed on:click=move |_| chat.act(Event::ConfirmOrder {})>
                        {move || if confirmed() { "Confirmed" } else { "Confirm order" }}
                    </button>
                </div>
            }
            .into_any()
        }
        Some(Event::AskResolution {}) => {
            let done = answered(|e| matches!(e, Event::Resolve { .. }));
            view! {
                <div class="card" data-testid="chat-resolution">
                    <strong>"Did this solve it?"</strong>
                    <div class="choices">
                        <button data-testid="chat-solved-yes" disabled=done on:click=move |_| chat.act(Event::Resolve { solved: true })>"Yes"</button>
                        <button data-testid="chat-solved-no" disabled=done on:click=move |_| chat.act(Event::Resolve { solved: false })>"No"</button>
                    </div>
                </div>
            }
            .into_any()
        }
        Some(Event::AskRating {}) => {
            let given = move || {
                chat.log.with(|l| {
                    later(l, seq).find_map(|e| if let Event::Rate { score } = e { Some(*score) } else { None })
                })
            };
            let stars = (1..=5u8)
                .map(|n| {
                    view! {
                        <button data-testid="chat-rate" data-score=n aria-label=format!("{n} of 5")
                            class:on=move || given().is_some_and(|g| g >= n) disabled=move || given().is_some()
                            on:click=move |_| chat.act(Event::Rate { score: n })>"★"</button>
                    }
                })
                .collect_view();
            view! {
                <div class="card" data-testid="chat-rating">
                    <strong>"How did we do?"</strong>
                    <div class="stars">{stars}</div>
                    {move || given().map(|_| view! { <p data-testid="chat-rating-thanks">"Thank you for your rating!"</p> })}
                </div>
            }
            .into_any()
        }
        _ => ().into_any(),
    }
}
