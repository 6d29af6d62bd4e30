//! What a sales order costs: one pure function ([`totals`]) over integer
//! minor units (cents, yen, fils), so the console, the customer's card and
//! the Worker that checks an order all get the same figures.
//!
//! The order in which prices change, each step on what the one before left:
//! 1. **Bundles**, in the catalogue's order, as often as the cart holds all
//!    their products: those units cost the bundle's price instead, and no
//!    offer applies to them again.
//! 2. **Offers** the cart qualifies for (started and not ended, the code
//!    given if one is needed, the minimum order met by what step 1 left).
//!    A product offer takes its percentage off the matching lines' amount,
//!    or its fixed amount off each matching unit (at most the unit's price);
//!    an order offer takes its percentage, then its fixed amount, off what
//!    is left. Each takes at most its cap. Exclusive offers combine with
//!    nothing: the best exclusive offer alone is compared with all the
//!    combinable ones together, and the larger saving wins (a tie goes to
//!    the combinable ones).
//! 3. **The negotiated discount** an operator gave, a percentage or an
//!    amount off what is left.
//! 4. **Tax**: prices either include it (its share is stated) or exclude
//!    it (added to the net).
//!
//! Rounding: every percentage is rounded to the nearest minor unit, halves
//! away from zero, once per offer (not per line); tax likewise, once per
//! order. Nothing takes the net below zero.

use serde::{Deserialize, Serialize};

/// Basis points in a whole (10,000 bp = 100 %).
pub const WHOLE_BP: u32 = 10_000;

/// How many decimals an ISO 4217 currency's minor unit has.
pub fn decimals(currency: &str) -> u8 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "UYI" | "VND"
        | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// An amount in minor units as people read it: `EUR 1,234.50`,
/// `JPY 1,200`, `KWD 1.250`, `-EUR 5.00`.
pub fn format(minor: i64, currency: &str) -> String {
    let d = u32::from(decimals(currency));
    let unit = 10u64.pow(d);
    let abs = minor.unsigned_abs();
    let whole = (abs / unit).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    match d {
        0 => format!("{sign}{currency} {grouped}"),
        _ => format!("{sign}{currency} {grouped}.{:0width$}", abs % unit, width = d as usize),
    }
}

/// An amount typed in major units (`49`, `1,234.5`, `1.250`) as minor
/// units of `currency`; `None` when it is not a plain non-negative number
/// or has more decimals than the currency.
pub fn parse(text: &str, currency: &str) -> Option<i64> {
    let d = usize::from(decimals(currency));
    let text: String = text.trim().chars().filter(|c| *c != ',').collect();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || !digits(whole) || !digits(fraction) || fraction.len() > d {
        return None;
    }
    let scaled = format!("{whole}{fraction:0<d$}");
    scaled.parse().ok()
}

/// An amount in minor units as typed into a form (`1234.50`, `1200`).
pub fn plain(minor: i64, currency: &str) -> String {
    format(minor, currency).rsplit(' ').next().unwrap_or_default().replace(',', "")
}

/// A share typed as a percentage (`12.5`, `12.5 %`) in basis points.
pub fn parse_percent(text: &str) -> Option<u32> {
    parse(text.trim().trim_end_matches('%'), "USD").and_then(|bp| u32::try_from(bp).ok())
}

/// Basis points as typed into a form (`12.50`).
pub fn plain_percent(bp: u32) -> String {
    plain(i64::from(bp), "USD")
}

/// A discount: a share, or an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Discount {
    /// This many basis points off (1,000 = 10 %).
    Percent(u32),
    /// This many minor units off.
    Amount(i64),
}

impl Discount {
    /// A discount as typed into a form: `10 %` a share, `5.00` an amount
    /// of `currency`.
    pub fn parse(text: &str, currency: &str) -> Option<Discount> {
        match text.trim().strip_suffix('%') {
            Some(share) => parse_percent(share).map(Discount::Percent),
            None => parse(text, currency).map(Discount::Amount),
        }
    }

    /// As [`Discount::parse`] reads it back.
    pub fn plain(self, currency: &str) -> String {
        match self {
            Discount::Percent(bp) => format!("{} %", plain_percent(bp)),
            Discount::Amount(minor) => plain(minor, currency),
        }
    }

    /// Whether it takes something off and at most the whole: 0.01–100 %
    /// or a positive amount (what offers and operators may give).
    pub fn takes_something(self) -> bool {
        match self {
            Discount::Percent(bp) => (1..=WHOLE_BP).contains(&bp),
            Discount::Amount(minor) => minor > 0,
        }
    }
}

/// A promotion of the site's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    /// Its id.
    pub id: String,
    /// What customers read ("Spring sale").
    pub name: String,
    /// What it takes off.
    pub discount: Discount,
    /// The products it is for (none: the whole order).
    #[serde(default)]
    pub products: Vec<String>,
    /// The least the order must come to (after bundles), minor units.
    #[serde(default)]
    pub min_order: i64,
    /// The code a customer must give, if any (case does not matter).
    #[serde(default)]
    pub code: Option<String>,
    /// When it starts (ms since the epoch), if not at once.
    #[serde(default)]
    pub starts_ms: Option<u64>,
    /// When it ends (exclusive), if ever.
    #[serde(default)]
    pub ends_ms: Option<u64>,
    /// The most it takes off, minor units.
    #[serde(default)]
    pub cap: Option<i64>,
    /// Combines with nothing else.
    #[serde(default)]
    pub exclusive: bool,
}

impl Offer {
    /// An offer of `discount` on the whole order, for everyone, at once and
    /// for ever, uncapped and combinable (set the other fields to narrow it).
    pub fn new(id: &str, name: &str, discount: Discount) -> Offer {
        Offer {
            id: id.into(),
            name: name.into(),
            discount,
            products: Vec::new(),
            min_order: 0,
            code: None,
            starts_ms: None,
            ends_ms: None,
            cap: None,
            exclusive: false,
        }
    }

    /// Whether it runs at `now_ms`: started, not ended.
    pub fn running(&self, now_ms: u64) -> bool {
        self.starts_ms.is_none_or(|s| s <= now_ms) && self.ends_ms.is_none_or(|e| now_ms < e)
    }
}

/// Products sold together for one price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    /// Its id.
    pub id: String,
    /// What customers read.
    pub name: String,
    /// Each product and how many of it.
    pub items: Vec<(String, u32)>,
    /// The bundle's price, minor units.
    pub price: i64,
}

/// One line of a cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The product (or variant) id.
    pub product: String,
    /// Its unit price, minor units.
    pub unit: i64,
    /// How many.
    pub qty: u32,
}

/// Whether prices include tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Tax {
    /// Prices include tax at this many basis points (VAT-style).
    Included(u32),
    /// Tax at this many basis points is added to the net (sales-tax-style).
    Excluded(u32),
}

/// What to price.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cart {
    /// The lines.
    pub lines: Vec<Line>,
    /// Offer codes the customer gave.
    pub codes: Vec<String>,
    /// The discount an operator negotiated, if any.
    pub negotiated: Option<Discount>,
}

/// A saving applied, and how much it took off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saving {
    /// The bundle's or offer's id (`negotiated` for an operator's discount).
    pub id: String,
    /// Minor units off.
    pub off: i64,
}

/// What an order costs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// Every unit at its price.
    pub subtotal: i64,
    /// Each bundle, offer and negotiated discount applied, in order.
    pub savings: Vec<Saving>,
    /// All of them.
    pub discount: i64,
    /// What is charged for the goods: subtotal less discount.
    pub net: i64,
    /// The tax in it (included) or on it (excluded).
    pub tax: i64,
    /// What the customer pays.
    pub total: i64,
}

/// Why an order cannot be priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceError {
    /// A line with no units.
    NoUnits(String),
    /// A negative price or discount.
    Negative(String),
    /// More than 100 % (or a tax over 100 %).
    OverWhole(u32),
    /// The sums do not fit.
    TooLarge,
}

impl std::fmt::Display for PriceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PriceError::NoUnits(p) => write!(f, "the line for {p} has no units"),
            PriceError::Negative(what) => write!(f, "{what} is negative"),
            PriceError::OverWhole(bp) => write!(f, "{} % is more than 100 %", f64::from(*bp) / 100.0),
            PriceError::TooLarge => write!(f, "the order's sums are too large"),
        }
    }
}

/// `amount × bp / 10,000`, rounded to the nearest unit, halves away from zero.
pub fn share(amount: i64, bp: u32) -> Result<i64, PriceError> {
    let product = i128::from(amount) * i128::from(bp);
    let whole = i128::from(WHOLE_BP);
    let rounded = (product.abs() + whole / 2) / whole * product.signum();
    i64::try_from(rounded).map_err(|_| PriceError::TooLarge)
}

fn add(a: i64, b: i64) -> Result<i64, PriceError> {
    a.checked_add(b).ok_or(PriceError::TooLarge)
}

fn times(a: i64, n: u32) -> Result<i64, PriceError> {
    a.checked_mul(i64::from(n)).ok_or(PriceError::TooLarge)
}

fn check(discount: Discount, what: &str) -> Result<(), PriceError> {
    match discount {
        Discount::Percent(bp) if bp > WHOLE_BP => Err(PriceError::OverWhole(bp)),
        Discount::Amount(a) if a < 0 => Err(PriceError::Negative(what.to_owned())),
        _ => Ok(()),
    }
}

/// A line's units not taken by bundles: (product, unit price, count).
type Left = Vec<(String, i64, u32)>;

/// Step 1: applies bundles as often as they fit; the units left.
fn bundle(lines: &[Line], bundles: &[Bundle], savings: &mut Vec<Saving>) -> Result<Left, PriceError> {
    let mut left: Left = lines.iter().map(|l| (l.product.clone(), l.unit, l.qty)).collect();
    for b in bundles {
        if b.price < 0 {
            return Err(PriceError::Negative(format!("bundle {}", b.id)));
        }
        let mut off = 0;
        loop {
            let fits = b.items.iter().all(|(p, n)| {
                let have: u32 = left.iter().filter(|l| &l.0 == p).map(|l| l.2).sum();
                have >= *n && *n > 0
            });
            if !fits || b.items.is_empty() {
                break;
            }
            let mut worth = 0;
            for (p, n) in &b.items {
                let mut need = *n;
                for l in left.iter_mut().filter(|l| &l.0 == p) {
                    let take = need.min(l.2);
                    (l.2, need) = (l.2 - take, need - take);
                    worth = add(worth, times(l.1, take)?)?;
                }
            }
            off = add(off, (worth - b.price).max(0))?;
        }
        if off > 0 {
            savings.push(Saving { id: b.id.clone(), off });
        }
    }
    Ok(left)
}

/// Whether `offer` is open to this cart at `now_ms` (its minimum aside).
fn open(offer: &Offer, codes: &[String], now_ms: u64) -> bool {
    let coded = offer.code.as_ref().is_none_or(|c| codes.iter().any(|g| g.trim().eq_ignore_ascii_case(c.trim())));
    offer.running(now_ms) && coded
}

/// What `offers` (applied in the stated order) take off `left`, whose
/// units come to `amount`.
fn offers_off(offers: &[&Offer], left: &Left, amount: i64) -> Result<Vec<Saving>, PriceError> {
    let mut out = Vec::new();
    let mut remaining = amount;
    let product_offers = offers.iter().filter(|o| !o.products.is_empty());
    let percent_first = |o: &&&Offer| matches!(o.discount, Discount::Amount(_));
    let mut order_offers: Vec<&&Offer> = offers.iter().filter(|o| o.products.is_empty()).collect();
    order_offers.sort_by_key(percent_first);
    for o in product_offers {
        let matching = left.iter().filter(|l| o.products.contains(&l.0));
        let off = match o.discount {
            Discount::Percent(bp) => {
                let mut sum = 0;
                for l in matching {
                    sum = add(sum, times(l.1, l.2)?)?;
                }
                share(sum, bp)?
            }
            Discount::Amount(a) => {
                let mut sum = 0;
                for l in matching {
                    sum = add(sum, times(a.min(l.1), l.2)?)?;
                }
                sum
            }
        };
        let off = o.cap.map_or(off, |c| off.min(c)).min(remaining);
        remaining -= off;
        out.push(Saving { id: o.id.clone(), off });
    }
    for o in order_offers {
        let off = match o.discount {
            Discount::Percent(bp) => share(remaining, bp)?,
            Discount::Amount(a) => a,
        };
        let off = o.cap.map_or(off, |c| off.min(c)).min(remaining);
        remaining -= off;
        out.push(Saving { id: o.id.clone(), off });
    }
    out.retain(|s| s.off > 0);
    Ok(out)
}

/// The order's totals (see the module's documentation for the order of
/// the steps and the rounding).
pub fn totals(cart: &Cart, bundles: &[Bundle], offers: &[Offer], tax: Tax, now_ms: u64) -> Result<Totals, PriceError> {
    let mut subtotal = 0;
    for l in &cart.lines {
        if l.qty == 0 {
            return Err(PriceError::NoUnits(l.product.clone()));
        }
        if l.unit < 0 {
            return Err(PriceError::Negative(format!("the price of {}", l.product)));
        }
        subtotal = add(subtotal, times(l.unit, l.qty)?)?;
    }
    for o in offers {
        check(o.discount, &format!("offer {}", o.id))?;
    }
    let mut savings = Vec::new();
    let left = bundle(&cart.lines, bundles, &mut savings)?;
    let bundled: i64 = savings.iter().map(|s| s.off).sum();
    let after_bundles = subtotal - bundled;
    let open: Vec<&Offer> =
        offers.iter().filter(|o| open(o, &cart.codes, now_ms) && after_bundles >= o.min_order).collect();
    let combinable: Vec<&Offer> = open.iter().copied().filter(|o| !o.exclusive).collect();
    let mut best = offers_off(&combinable, &left, after_bundles)?;
    for o in open.iter().filter(|o| o.exclusive) {
        let alone = offers_off(&[o], &left, after_bundles)?;
        let sum = |s: &[Saving]| s.iter().map(|x| x.off).sum::<i64>();
        if sum(&alone) > sum(&best) {
            best = alone;
        }
    }
    savings.extend(best);
    let mut net = subtotal - savings.iter().map(|s| s.off).sum::<i64>();
    if let Some(d) = cart.negotiated {
        check(d, "the negotiated discount")?;
        let off = match d {
            Discount::Percent(bp) => share(net, bp)?,
            Discount::Amount(a) => a,
        }
        .min(net);
        if off > 0 {
            net -= off;
            savings.push(Saving { id: "negotiated".into(), off });
        }
    }
    let (tax, total) = match tax {
        Tax::Included(bp) | Tax::Excluded(bp) if bp > WHOLE_BP => return Err(PriceError::OverWhole(bp)),
        Tax::Included(bp) => {
            let without = i128::from(net) * i128::from(WHOLE_BP);
            let whole = i128::from(WHOLE_BP + bp);
            let before_tax = i64::try_from((without + whole / 2) / whole).map_err(|_| PriceError::TooLarge)?;
            (net - before_tax, net)
        }
        Tax::Excluded(bp) => {
            let tax = share(net, bp)?;
            (tax, add(net, tax)?)
        }
    };
    Ok(Totals { subtotal, discount: subtotal - net, savings, net, tax, total })
}

#[cfg(test)]
mod tests;
