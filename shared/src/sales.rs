//! A site's sales settings — its currency, tax, offers, bundles and how much
//! discount each role may give on its own — and the quote of an order: the
//! priced summary ([`crate::pricing::totals`]) that the Worker stores with
//! every order and the customer's order card shows.

use serde::{Deserialize, Serialize};

use crate::pricing::{self, Bundle, Cart, Discount, Line, Offer, PriceError, Tax, WHOLE_BP};
use crate::staff::StaffRole;
use crate::workflow::{OrderLine, Product};

/// The saving id [`pricing::totals`] gives an operator's discount.
pub const NEGOTIATED: &str = "negotiated";

/// The most a role may take off an order on its own, in basis points of
/// what the order comes to before the discount (after bundles and offers).
/// Above it, a supervisor's approval is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Authority {
    /// Operators (default 10 %).
    pub operator: u32,
    /// Supervisors (default 25 %).
    pub supervisor: u32,
    /// Owners and admins (default 100 %).
    pub admin: u32,
}

impl Default for Authority {
    fn default() -> Self {
        Authority { operator: 1_000, supervisor: 2_500, admin: WHOLE_BP }
    }
}

impl Authority {
    /// What `role` may give on its own, in basis points (moderators: none).
    pub fn of(&self, role: StaffRole) -> u32 {
        match role {
            StaffRole::Owner | StaffRole::Admin => self.admin,
            StaffRole::Supervisor => self.supervisor,
            StaffRole::Operator => self.operator,
            StaffRole::Moderator => 0,
        }
    }
}

/// How a site sells: the catalogue's currency and tax, its promotions,
/// and its operators' authority to discount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Sales {
    /// ISO 4217 code of every price (`USD`, `EUR`, `JPY`, `KWD`).
    pub currency: String,
    /// Whether prices include tax, and its rate.
    pub tax: Tax,
    /// Promotions.
    pub offers: Vec<Offer>,
    /// Products sold together for one price.
    pub bundles: Vec<Bundle>,
    /// Discounts each role may give without approval.
    pub authority: Authority,
    /// Add-ons and cross-sells of products (the guide suggests them).
    pub related: Vec<suggest::Related>,
    /// Steps up the plans, suggested when the customer's needs match.
    pub upgrades: Vec<suggest::Upgrade>,
    /// The site's checkout, where a confirmed order's "Complete your
    /// purchase" goes: an `https://` address (or a path on the page's own
    /// origin) with `{cart}` and `{sig}` in it (see docs/checkout.md);
    /// empty: no checkout hand-off.
    pub checkout: String,
}

impl Default for Sales {
    fn default() -> Self {
        Sales {
            currency: "USD".into(),
            tax: Tax::Excluded(0),
            offers: Vec::new(),
            bundles: Vec::new(),
            authority: Authority::default(),
            related: Vec::new(),
            upgrades: Vec::new(),
            checkout: String::new(),
        }
    }
}

/// One line of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteLine {
    /// Catalogue id.
    pub product: String,
    /// Its name.
    pub name: String,
    /// How many.
    pub qty: u32,
    /// Its unit price, minor units.
    pub unit: i64,
}

/// A bundle, offer or negotiated discount as the customer reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteSaving {
    /// The bundle's or offer's id, or [`NEGOTIATED`].
    pub id: String,
    /// What the customer reads ("Spring sale", "Your discount").
    pub name: String,
    /// Minor units off.
    pub off: i64,
    /// When the offer ends (ms since the epoch), if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_ms: Option<u64>,
}

/// An order priced: what the Worker stores with it and the customer sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// ISO 4217 code.
    pub currency: String,
    /// The lines, at catalogue prices.
    pub lines: Vec<QuoteLine>,
    /// Each saving, in the order applied.
    pub savings: Vec<QuoteSaving>,
    /// Every unit at its price.
    pub subtotal: i64,
    /// Subtotal less savings.
    pub net: i64,
    /// The tax in it (included) or on it (excluded).
    pub tax: i64,
    /// Whether `net` includes the tax.
    pub tax_included: bool,
    /// What the customer pays.
    pub total: i64,
    /// What they would pay without any bundle, offer or discount (the
    /// price a card strikes through).
    pub list_total: i64,
}

impl Quote {
    /// What the negotiated discount takes off.
    pub fn negotiated(&self) -> i64 {
        self.savings.iter().filter(|s| s.id == NEGOTIATED).map(|s| s.off).sum()
    }

    /// What the order came to before the negotiated discount.
    pub fn before_negotiation(&self) -> i64 {
        self.net + self.negotiated()
    }
}

/// Why an order cannot be quoted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    /// A line names no product of the catalogue.
    #[error("product {0:?} is not in this site's catalogue")]
    Unknown(String),
    /// The pricing refused it.
    #[error("{0}")]
    Price(String),
}

impl From<PriceError> for QuoteError {
    fn from(e: PriceError) -> Self {
        QuoteError::Price(e.to_string())
    }
}

/// Prices `lines` (with the offer `codes` the customer gave and the
/// operator's `negotiated` discount) against the catalogue at `now_ms`.
pub fn quote(
    sales: &Sales,
    products: &[Product],
    lines: &[OrderLine],
    codes: &[String],
    negotiated: Option<Discount>,
    now_ms: u64,
) -> Result<Quote, QuoteError> {
    let mut quoted = Vec::with_capacity(lines.len());
    for l in lines {
        let p = products.iter().find(|p| p.id == l.product).ok_or_else(|| QuoteError::Unknown(l.product.clone()))?;
        quoted.push(QuoteLine { product: p.id.clone(), name: p.name.clone(), qty: l.qty, unit: i64::from(p.price) });
    }
    let cart = Cart {
        lines: quoted.iter().map(|l| Line { product: l.product.clone(), unit: l.unit, qty: l.qty }).collect(),
        codes: codes.to_vec(),
        negotiated,
    };
    let t = pricing::totals(&cart, &sales.bundles, &sales.offers, sales.tax, now_ms)?;
    let list = Cart { codes: Vec::new(), negotiated: None, ..cart };
    let list_total = pricing::totals(&list, &[], &[], sales.tax, now_ms)?.total;
    let savings = t
        .savings
        .into_iter()
        .map(|s| {
            let offer = sales.offers.iter().find(|o| o.id == s.id);
            let name = match (offer, sales.bundles.iter().find(|b| b.id == s.id)) {
                (Some(o), _) => o.name.clone(),
                (None, Some(b)) => b.name.clone(),
                (None, None) => "Your discount".into(),
            };
            QuoteSaving { name, ends_ms: offer.and_then(|o| o.ends_ms), id: s.id, off: s.off }
        })
        .collect();
    Ok(Quote {
        currency: sales.currency.clone(),
        lines: quoted,
        savings,
        subtotal: t.subtotal,
        net: t.net,
        tax: t.tax,
        tax_included: matches!(sales.tax, Tax::Included(_)),
        total: t.total,
        list_total,
    })
}

/// Whether taking `off` from an order that came to `before` is within `bp`
/// of it.
pub fn allows(off: i64, before: i64, bp: u32) -> bool {
    pricing::share(before, bp).is_ok_and(|most| off <= most)
}

/// Whether `quote`'s negotiated discount is within `bp` of what the order
/// came to before it.
pub fn within(quote: &Quote, bp: u32) -> bool {
    allows(quote.negotiated(), quote.before_negotiation(), bp)
}

/// Whether a supervisor's `approval` covers the discount in `quote`.
pub fn approved(approval: Option<Discount>, quote: &Quote) -> bool {
    approval.is_some_and(|a| quote.negotiated() <= takes(a, quote.before_negotiation()))
}

/// What `discount` takes off an order that came to `before` (as
/// [`pricing::totals`] takes a negotiated discount).
pub fn takes(discount: Discount, before: i64) -> i64 {
    match discount {
        Discount::Percent(bp) => pricing::share(before, bp).unwrap_or(i64::MAX),
        Discount::Amount(minor) => minor.min(before),
    }
}

/// A discount as people read it: `15 %` or `EUR 20.00`.
pub fn describe(d: Discount, currency: &str) -> String {
    match d {
        Discount::Percent(bp) if bp % 100 == 0 => format!("{} %", bp / 100),
        Discount::Percent(bp) => format!("{}.{:02} %", bp / 100, bp % 100),
        Discount::Amount(minor) => pricing::format(minor, currency).trim().to_string(),
    }
}

impl Sales {
    /// Checks the currency, the tax and the promotions against `products`;
    /// the error names the first problem.
    pub fn validate(&self, products: &[Product]) -> Result<(), String> {
        let id_ok = |id: &str| {
            (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
        };
        let known = |id: &String| products.iter().any(|p| &p.id == id);
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!("sales: currency {:?} must be an ISO 4217 code such as EUR", self.currency));
        }
        let (Tax::Included(bp) | Tax::Excluded(bp)) = self.tax;
        if bp > WHOLE_BP {
            return Err("sales: tax is 0–100 %".into());
        }
        let a = self.authority;
        if [a.operator, a.supervisor, a.admin].iter().any(|bp| *bp > WHOLE_BP) {
            return Err("sales: discount authority is 0–100 % for each role".into());
        }
        for o in &self.offers {
            let name_ok = !o.name.trim().is_empty() && o.name.chars().count() <= 60;
            if !id_ok(&o.id) || !name_ok {
                return Err(format!("offer {:?}: id must be 1–32 of a–z _ -, name 1–60 characters", o.id));
            }
            if !o.discount.takes_something() || o.min_order < 0 || o.cap.is_some_and(|c| c <= 0) {
                return Err(format!(
                    "offer {:?}: a discount of 0.01–100 % or a positive amount, no negative sums",
                    o.id
                ));
            }
            if let Some(p) = o.products.iter().find(|p| !known(p)) {
                return Err(format!("offer {:?}: product {p:?} is not in the catalogue", o.id));
            }
            if o.code.as_ref().is_some_and(|c| !(1..=32).contains(&c.len()) || c.contains(char::is_whitespace)) {
                return Err(format!("offer {:?}: a code is 1–32 characters without spaces", o.id));
            }
            if let (Some(s), Some(e)) = (o.starts_ms, o.ends_ms) {
                if e <= s {
                    return Err(format!("offer {:?}: it ends before it starts", o.id));
                }
            }
        }
        for b in &self.bundles {
            if !id_ok(&b.id) || b.name.trim().is_empty() || b.items.is_empty() || b.price < 0 {
                return Err(format!("bundle {:?}: an id, a name, its products and a price are needed", b.id));
            }
            if let Some((p, _)) = b.items.iter().find(|(p, n)| !known(p) || *n == 0) {
                return Err(format!("bundle {:?}: product {p:?} is not in the catalogue (or counts 0)", b.id));
            }
        }
        checkout_ok(&self.checkout)?;
        suggest::check(self, products)?;
        let ids: Vec<&str> =
            self.offers.iter().map(|o| o.id.as_str()).chain(self.bundles.iter().map(|b| b.id.as_str())).collect();
        if let Some(dup) = ids.iter().enumerate().find(|(i, id)| ids[..*i].contains(id) || **id == NEGOTIATED) {
            return Err(format!("sales: the id {:?} is used twice (or reserved)", dup.1));
        }
        Ok(())
    }
}

/// A checkout template: empty, or an `https://` address (`http://` only on
/// a loopback name, for development) or a path on the page's own origin,
/// holding both placeholders, with nothing that needs escaping.
fn checkout_ok(t: &str) -> Result<(), String> {
    if t.is_empty() {
        return Ok(());
    }
    let origin_ok = ["https://", "http://localhost", "http://127.0.0.1"].iter().any(|p| t.starts_with(p))
        || (t.starts_with('/') && !t.starts_with("//"));
    let plain = t.len() <= 500 && t.bytes().all(|b| b.is_ascii_graphic() && !b"\"'<>`\\".contains(&b));
    if !origin_ok || !plain || !t.contains("{cart}") || !t.contains("{sig}") {
        return Err("sales: the checkout is an https:// address or a /path (at most 500 characters, no spaces or quotes) with {cart} and {sig} in it"
            .into());
    }
    Ok(())
}

pub mod suggest;

#[cfg(test)]
mod tests;
