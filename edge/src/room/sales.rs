//! The room's sales policy: an operator's order is priced against the
//! site's catalogue by the Worker (whatever price a client sent is
//! replaced), and its discount must be within the sender's authority or
//! within one a supervisor approved in this conversation; approving is a
//! supervisor's, within their own authority. A confirmation carries the
//! site's checkout with the cart signed (`crate::checkout`).

use shared::moderation_case::Room;
use shared::pricing::Discount;
use shared::sales::{self, Sales};
use shared::site::SiteConfig;
use shared::staff::{Capability, StaffRole};
use shared::workflow::{Event, OrderLine, Product, State};
use shared::ErrorCode;

use super::policy::Refusal;

/// What signs a checkout cart: the site and its identity secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The site's id.
    pub site: String,
    /// Its identity secret.
    pub secret: String,
}

/// The customer's confirmation as the room stores it: with the site's
/// checkout and the signed cart when the site has a checkout (refused if
/// the secret could not be had: the customer's widget sends it again).
pub fn confirmed(
    sales: &Sales,
    state: &State,
    room: &Room,
    signer: Option<Signer>,
    now: u64,
) -> Result<Event, Refusal> {
    let (Some(quote), false, Room::Conversation(id)) = (&state.quote, sales.checkout.is_empty(), room) else {
        return Ok(Event::ConfirmOrder { checkout: None });
    };
    let Some(Signer { site, secret }) = signer else {
        return Err(Refusal::new(ErrorCode::Internal, "the order could not be signed for the checkout: try again"));
    };
    let cart = crate::checkout::Cart {
        v: crate::checkout::VERSION,
        site,
        conversation: id.to_string(),
        issued: now,
        quote: quote.clone(),
    };
    Ok(Event::ConfirmOrder { checkout: Some(crate::checkout::link(&sales.checkout, &secret, &cart)) })
}

/// `event` as the room stores it: an order, or a product presented, with
/// its quote; or the refusal.
pub fn priced(
    config: &SiteConfig,
    state: &State,
    staff: Option<StaffRole>,
    event: Event,
    now: u64,
) -> Result<Event, Refusal> {
    let authority = config.sales.authority.of(staff.unwrap_or(StaffRole::Operator));
    let currency = config.sales.currency.as_str();
    let beyond = |off: i64, then: &str| {
        let why = format!(
            "a discount of {} is beyond your authority ({} of this order): {then}",
            shared::pricing::format(off, currency),
            sales::describe(Discount::Percent(authority), currency),
        );
        Refusal::new(ErrorCode::Forbidden, why)
    };
    match event {
        Event::Order { lines, codes, discount, .. } => {
            let quote = sales::quote(&config.sales, &config.products, &lines, &codes, discount, now)
                .map_err(|e| (ErrorCode::IllegalMove, e.to_string()))?;
            if discount.is_some() && !sales::within(&quote, authority) && !sales::approved(state.approved, &quote) {
                return Err(beyond(quote.negotiated(), "ask a supervisor to approve it"));
            }
            Ok(Event::Order { lines, codes, discount, quote: Some(quote) })
        }
        Event::Present(p) => {
            let one = [OrderLine { product: p.id.clone(), qty: 1 }];
            let quote = sales::quote(&config.sales, &config.products, &one, &[], None, now)
                .map_err(|e| (ErrorCode::IllegalMove, e.to_string()))?;
            Ok(Event::Present(Product { quote: Some(quote), ..p }))
        }
        Event::Decide { approve, note } => {
            if !staff.is_some_and(|r| r.may(Capability::Supervise)) {
                return Err(Refusal::new(
                    ErrorCode::Forbidden,
                    "only a supervisor may answer a request for a discount",
                ));
            }
            if let (true, Some(asked), Some(quote)) = (approve, state.asked, &state.quote) {
                let before = quote.before_negotiation();
                let off = sales::takes(asked, before);
                if !sales::allows(off, before, authority) {
                    return Err(beyond(off, "an admin may approve it"));
                }
            }
            Ok(Event::Decide { approve, note })
        }
        other => Ok(other),
    }
}
