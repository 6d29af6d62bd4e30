//! Workflow events drawn as cards in the widget: a troubleshooting checklist
//! the customer ticks, product cards with "Add" (the price an offer
//! lowers struck through, the saving and its end date), an order summary with
//! "Confirm", the confirmed order's "Complete your purchase" link to the
//! site's checkout, "did this solve it?" and a 1–5 rating. A card's state (ticked,
//! added, confirmed, answered) is read from the customer's own answers later
//! in the timeline (and the outbox, so a tick shows at once); the answers
//! themselves draw nothing.
//!
//! Cards are built with the plain helpers of [`crate::dom`] inside the
//! element the message list gives them, and kept current by one effect per
//! card: this costs a fraction of the wasm of Leptos views.

use leptos::prelude::*;
use shared::chat_log::ChatLog;
use shared::workflow::{Event, Product};
use shared::ChatMessage;
use wasm_bindgen::JsValue;
use web_sys::Element;

use crate::chat::Chat;
use crate::dom::{add, flag, on, prop, set, set_prop};
use crate::i18n::{day, money, t, tf};
use shared::sales::Quote;

/// Whether `e` answers the card `card`, and with which score (1 if none).
fn answer(card: &Event, e: &Event) -> Option<u8> {
    match (card, e) {
        (Event::Present(p), Event::Add { product }) if *product == p.id => Some(1),
        // A changed order replaces the card; a cancelled one closes it.
        (Event::Order { .. }, Event::ConfirmOrder { .. } | Event::Order { .. } | Event::CancelOrder { .. }) => Some(1),
        (Event::AskResolution {}, Event::Resolve { .. }) => Some(1),
        (Event::AskRating {}, Event::Rate { score }) => Some(*score),
        _ => None,
    }
}

/// What the customer has done about the card at `seq` so far: ticked items
/// and the answer (its score), stored or still in the outbox.
fn progress(log: &ChatLog, seq: u64, card: &Event) -> (Vec<(u32, bool)>, Option<u8>) {
    let stored = log.messages().iter().filter(|m| m.seq > seq).filter_map(|m| m.event.as_ref());
    let mut ticks = Vec::new();
    let mut answered = None;
    for e in stored.chain(log.outbox().iter().filter_map(|p| p.event.as_ref())) {
        if let Event::Tick { item, done } = e {
            ticks.push((*item, *done));
        }
        answered = answered.or(answer(card, e));
    }
    (ticks, answered)
}

/// A price: `now`, with `was` struck through before it when they differ.
fn price(el: &Element, was: i64, now: i64, currency: &str) {
    if was != now {
        add(el, "s", "", &money(was as f64, currency));
        el.append_with_str_1(" ").ok();
    }
    el.append_with_str_1(&money(now as f64, currency)).ok();
}

/// A quote's savings, each with its end date.
fn saving_rows(list: &Element, q: &Quote, testid: &str) {
    for s in &q.savings {
        let li = add(list, "li", "saving", &s.name);
        set(&li, "data-testid", testid);
        if let Some(end) = s.ends_ms {
            add(&li, "small", "", &(" ".to_owned() + &tf("until {date}", &[("date", &day(end as f64))])));
        }
        add(&li, "span", "", &money(-s.off as f64, &q.currency));
    }
}

/// An order card's rows: each line, each saving (with its end date), the
/// tax, and the total with the price before savings struck through.
fn order_rows(list: &Element, q: &Quote) {
    let money = |minor: i64| money(minor as f64, &q.currency);
    for l in &q.lines {
        let li = add(list, "li", "", &format!("{} × {}", l.qty, l.name));
        add(&li, "span", "", &money(l.unit * i64::from(l.qty)));
    }
    saving_rows(list, q, "chat-order-saving");
    if q.tax > 0 {
        let li = add(list, "li", "", &t(if q.tax_included { "Tax included" } else { "Tax" }));
        add(&li, "span", "", &money(q.tax));
    }
    let total = add(list, "li", "total", &t("Total"));
    set(&total, "data-testid", "chat-order-total");
    price(&add(&total, "span", "", ""), q.list_total, q.total, &q.currency);
}

/// A button that sends `event` when pressed.
fn button(chat: Chat, parent: &Element, label: &str, testid: &str, event: Event) -> Element {
    let b = add(parent, "button", "", label);
    set(&b, "data-testid", testid);
    on(&b, "click", Box::new(move |_| chat.act(event.clone())));
    b
}

/// Fills `el` (given by the message list) with the card for `m`; nothing
/// for events that are not cards.
pub fn fill(chat: Chat, el: Element, m: ChatMessage) {
    let Some(card) = m.event else { return };
    let (testid, title) = match &card {
        Event::Checklist { .. } => ("chat-checklist", t("Try these steps")),
        Event::Present(_) => ("chat-product", String::new()),
        Event::Order { .. } => ("chat-order", t("Your order")),
        Event::ConfirmOrder { checkout: Some(_) } => ("chat-confirmed", t("Order confirmed")),
        Event::AskResolution {} => ("chat-resolution", t("Did this solve it?")),
        Event::AskRating {} => ("chat-rating", t("How did we do?")),
        _ => return,
    };
    el.set_class_name("card");
    set(&el, "data-testid", testid);
    let heading = add(&el, "strong", "", &title);
    let list = add(&el, "ul", "", "");
    let choices = add(&el, "div", "choices", "");
    let mut checks = Vec::new();
    let mut buttons = Vec::new();
    match &card {
        Event::Checklist { items } => {
            for (i, item) in (0u32..).zip(items) {
                let label = add(&add(&list, "li", "", ""), "label", "", "");
                let input = add(&label, "input", "", "");
                set(&input, "type", "checkbox");
                set(&input, "data-testid", "chat-check");
                add(&label, "span", "", item);
                let sender = input.clone();
                on(
                    &input,
                    "change",
                    Box::new(move |_| {
                        let done = prop(&sender, "checked").as_bool().unwrap_or(false);
                        chat.act(Event::Tick { item: i, done });
                    }),
                );
                checks.push((i, input));
            }
        }
        Event::Present(Product { id, name, image, quote, .. }) => {
            set(&el, "data-product", id);
            heading.set_text_content(Some(name));
            if !image.is_empty() {
                let img = add(&el, "img", "", "");
                set(&img, "src", image);
                set(&img, "alt", "");
                let _ = el.insert_before(&img, Some(&heading));
            }
            // The price before tax, after the offers running when it was
            // presented (the Worker quotes every product it stores).
            if let Some(q) = quote {
                let tag = add(&list, "li", "price", "");
                set(&tag, "data-testid", "chat-product-price");
                price(&tag, q.subtotal, q.net, &q.currency);
                saving_rows(&list, q, "chat-product-saving");
            }
            buttons
                .push((0, button(chat, &choices, &t("Add"), "chat-product-add", Event::Add { product: id.clone() })));
        }
        Event::Order { quote, .. } => {
            if let Some(q) = quote {
                order_rows(&list, q);
            }
            buttons.push((
                0,
                button(
                    chat,
                    &choices,
                    &t("Confirm order"),
                    "chat-order-confirm",
                    Event::ConfirmOrder { checkout: None },
                ),
            ));
        }
        Event::ConfirmOrder { checkout: Some(url) } => {
            // A path is on the host page's origin; nothing but http(s) is followed.
            let href = match url.strip_prefix('/') {
                Some(_) => super::host::host_origin().map(|o| o + url),
                None => Some(url.clone()),
            };
            if let Some(href) = href.filter(|h| h.starts_with("https://") || h.starts_with("http://")) {
                let a = add(&choices, "a", "button", &t("Complete your purchase"));
                set(&a, "data-testid", "chat-checkout");
                set(&a, "href", &href);
                set(&a, "target", "_blank");
                set(&a, "rel", "noopener");
            }
        }
        Event::AskResolution {} => {
            buttons.push((0, button(chat, &choices, &t("Yes"), "chat-solved-yes", Event::Resolve { solved: true })));
            buttons.push((0, button(chat, &choices, &t("No"), "chat-solved-no", Event::Resolve { solved: false })));
        }
        _ => {
            choices.set_class_name("choices stars");
            for n in 1..=5u8 {
                let b = button(chat, &choices, "★", "chat-rate", Event::Rate { score: n });
                set(&b, "data-score", &n.to_string());
                set(&b, "aria-label", &tf("{n} of 5", &[("n", &n.to_string())]));
                buttons.push((n, b));
            }
        }
    }
    let thanks = matches!(card, Event::AskRating {}).then(|| add(&el, "p", "", &t("Thank you for your rating!")));
    if let Some(t) = &thanks {
        set(t, "data-testid", "chat-rating-thanks");
    }
    let seq = m.seq;
    crate::effect(move || {
        let (ticks, answered) = chat.log.with(|l| progress(l, seq, &card));
        for (i, input) in &checks {
            let done = ticks.iter().rev().find(|(item, _)| item == i).is_some_and(|(_, d)| *d);
            set_prop(input, "checked", &JsValue::from_bool(done));
        }
        for (score, b) in &buttons {
            flag(b, "disabled", answered.is_some());
            flag(b, "data-on", answered.is_some_and(|a| *score > 0 && a >= *score));
        }
        if let Some(t) = &thanks {
            flag(t, "hidden", answered.is_none());
        }
    });
}
