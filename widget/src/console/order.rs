//! The guide's order panel of a sales conversation: quantities for the
//! products the customer wanted (or was shown), the offer codes they gave,
//! the operator's discount with a live quote from the same pricing the
//! Worker runs, whether that discount is within the operator's authority,
//! a request for a supervisor's approval (which supervisors answer here),
//! and cancelling a confirmed order.

use leptos::prelude::*;
use shared::pricing::{format, Discount};
use shared::sales::{self, Quote};
use shared::staff::Capability;
use shared::workflow::{Event, OrderLine, State};

use super::guide::Act;
use super::Session;

/// A percentage as typed ("15", "12.5") in basis points.
fn percent(text: &str) -> Option<u32> {
    let n: f64 = text.trim().parse().ok()?;
    (n > 0.0 && n <= 100.0).then(|| (n * 100.0).round() as u32)
}

/// The order panel.
#[component]
pub fn OrderPanel(state: Memo<State>, busy: RwSignal<bool>, run: Callback<Event>) -> impl IntoView {
    let session = expect_context::<Session>();
    let role = session.me.with_value(|m| m.role);
    let qty = RwSignal::new(Vec::<(String, u32)>::new());
    let codes = RwSignal::new(String::new());
    let discount = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());

    // The lines: what the customer added (else everything shown), at the
    // quantities typed here (1 unless changed).
    let lines = move || {
        state.with(|s| {
            let from =
                if s.wanted.is_empty() { s.presented.iter().map(|p| p.id.clone()).collect() } else { s.wanted.clone() };
            qty.with(|q| {
                from.into_iter()
                    .map(|product| {
                        let n = q.iter().find(|(p, _)| *p == product).map_or(1, |(_, n)| *n);
                        OrderLine { product, qty: n }
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let typed_discount = move || percent(&discount.get()).map(Discount::Percent);
    let typed_codes =
        move || codes.with(|c| c.split([',', ' ']).filter(|c| !c.is_empty()).map(String::from).collect::<Vec<_>>());
    let preview = move || -> Option<Result<Quote, String>> {
        let lines = lines();
        if lines.is_empty() {
            return None;
        }
        let now = js_sys::Date::now() as u64;
        session.config.with(|c| {
            let c = c.as_ref()?;
            Some(
                sales::quote(&c.sales, &c.products, &lines, &typed_codes(), typed_discount(), now)
                    .map_err(|e| e.to_string()),
            )
        })
    };
    let authority = move || session.config.with(|c| c.as_ref().map_or(0, |c| c.sales.authority.of(role)));
    let may_give = move |q: &Quote| {
        q.negotiated() == 0 || sales::within(q, authority()) || state.with(|s| sales::approved(s.approved, q))
    };
    // An order the server would refuse is not offered (the preview says why).
    let order = move || {
        let lines = lines();
        let refused = matches!(preview(), Some(Ok(q)) if !may_give(&q));
        (!lines.is_empty() && !refused).then(|| Event::Order {
            lines,
            codes: typed_codes(),
            discount: typed_discount(),
            quote: None,
        })
    };
    let currency = move || session.currency();
    let summary = move || match preview() {
        None => String::new(),
        Some(Err(e)) => e,
        Some(Ok(q)) => {
            let savings: Vec<String> =
                q.savings.iter().map(|s| format!("{} −{}", s.name, format(s.off, &q.currency))).collect();
            let within = if q.negotiated() == 0 {
                String::new()
            } else if may_give(&q) {
                " — within your authority".into()
            } else {
                format!(
                    " — beyond your authority ({}): ask a supervisor",
                    sales::describe(Discount::Percent(authority()), &q.currency)
                )
            };
            format!(
                "{}{}{within}",
                format(q.total, &q.currency),
                if savings.is_empty() { String::new() } else { format!(" ({})", savings.join(", ")) }
            )
        }
    };
    let ask = move || typed_discount().map(|d| Event::AskApproval { discount: d, note: note.get() });
    let asked = move || state.with(|s| s.asked.map(|d| sales::describe(d, &currency())));
    let approved = move || {
        state.with(|s| s.approved.map(|d| format!("A supervisor approved up to {}.", sales::describe(d, &currency()))))
    };
    let supervises = role.may(Capability::Supervise);
    let recorded = move || {
        state.with(|s| {
            s.quote.as_ref().map(|q| {
                let status = if s.order_confirmed { "confirmed by the customer" } else { "waiting for the customer" };
                let lines: Vec<String> = q.lines.iter().map(|l| format!("{} × {}", l.qty, l.name)).collect();
                format!("Order: {} — {} ({status})", lines.join(", "), format(q.total, &q.currency))
            })
        })
    };
    let quantities = move || {
        lines()
            .into_iter()
            .map(|l| {
                let id = l.product.clone();
                let set_id = id.clone();
                view! { <label>{id.clone()}" × "
                    <input type="number" min="1" max="99" data-testid="console-order-qty" data-product=id prop:value=l.qty.to_string()
                        on:input=move |e| {
                            let n = event_target_value(&e).parse().unwrap_or(1);
                            qty.update(|q| { q.retain(|(p, _)| *p != set_id); q.push((set_id.clone(), n)); });
                        }/>
                </label> }
            })
            .collect_view()
    };

    view! {
        <div class="order-form">
            {quantities}
            <input placeholder="Offer codes the customer gave" aria-label="Offer codes" data-testid="console-order-codes"
                prop:value=move || codes.get() on:input=move |e| codes.set(event_target_value(&e))/>
            <input placeholder="Discount %" aria-label="Discount in percent" data-testid="console-order-discount"
                prop:value=move || discount.get() on:input=move |e| discount.set(event_target_value(&e))/>
            <p data-testid="console-order-preview">{summary}</p>
            <Act state busy run label="Create order" testid="console-create-order" make=order/>
            <input placeholder="Why the discount is worth it" aria-label="Note for the supervisor" data-testid="console-approval-note"
                prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e))/>
            <Act state busy run label="Ask a supervisor" testid="console-ask-approval" make=ask/>
            <p data-testid="console-approval">
                {move || asked().map(|d| format!("Waiting for a supervisor to approve {d}."))}
                {approved}
            </p>
            <Show when=move || supervises && asked().is_some()>
                <Act state busy run label="Approve" testid="console-approve" make=|| Some(Event::Decide { approve: true, note: String::new() })/>
                <Act state busy run label="Decline" testid="console-decline" make=|| Some(Event::Decide { approve: false, note: String::new() })/>
            </Show>
            <p data-testid="console-order">{recorded}</p>
            <input placeholder="Why the order is cancelled" aria-label="Cancellation reason" data-testid="console-cancel-reason"
                prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e))/>
            <Act state busy run label="Cancel order" testid="console-cancel-order" make=move || Some(Event::CancelOrder { reason: reason.get() })/>
        </div>
    }
}
