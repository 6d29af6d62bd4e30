//! The room's sales policy: an operator's order is priced against the
//! site's catalogue by the Worker (whatever price a client sent is
//! replaced), and its discount must be within the sender's authority or
//! within one a supervisor approved in this conversation; approving is a
//! supervisor's, within their own authority.

use shared::pricing::Discount;
use shared::sales;
use shared::site::SiteConfig;
use shared::staff::{Capability, StaffRole};
use shared::workflow::{Event, State};
use shared::ErrorCode;

use super::policy::Refusal;

/// `event` as the room stores it: an order with its quote; or the refusal.
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
        (
            ErrorCode::Forbidden,
            format!(
                "a discount of {} is beyond your authority ({} of this order): {then}",
                shared::pricing::format(off, currency),
                sales::describe(Discount::Percent(authority), currency),
            ),
        )
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
        Event::Decide { approve, note } => {
            if !staff.is_some_and(|r| r.may(Capability::Supervise)) {
                return Err((ErrorCode::Forbidden, "only a supervisor may answer a request for a discount".into()));
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
