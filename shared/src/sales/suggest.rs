//! What the console's guide suggests while selling: the add-ons and
//! cross-sells of the products presented, the upgrade (a named plan, or the
//! next variant up in the presented product's family) when the customer's answers in the needs step match a rule, each with
//! the offers that apply to it. The relations and rules are the site's
//! data (`Sales::related`, `Sales::upgrades`); the operator sends a
//! suggestion as a product card in one click.

use serde::{Deserialize, Serialize};

use super::Sales;
use crate::workflow::{Product, State};

/// A product's add-ons and cross-sells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Related {
    /// The product (catalogue id).
    pub product: String,
    /// What goes with it, best first.
    pub with: Vec<String>,
}

/// A step up the plans, suggested when a need matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upgrade {
    /// The plan presented (catalogue id).
    pub from: String,
    /// The plan up; empty: the next variant up (by price) in the family of
    /// `from`.
    #[serde(default)]
    pub to: String,
    /// The collected field (from the needs step) that is read.
    pub field: String,
    /// Text its value contains (any case) for the upgrade to fit.
    pub contains: String,
}

/// One suggestion for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The product to present.
    pub product: Product,
    /// Why, for the operator ("Goes with Team plan", "Upgrade: …").
    pub why: String,
    /// The offers (without a code) that apply to it now.
    pub offers: Vec<String>,
}

/// The suggestions for a sales conversation at `now`: add-ons of what was
/// presented, then upgrades whose need matches; never a product already
/// presented, each once.
pub fn suggest(sales: &Sales, products: &[Product], state: &State, now: u64) -> Vec<Suggestion> {
    let presented = |id: &str| state.presented.iter().any(|p| p.id == id);
    let name = |id: &str| products.iter().find(|p| p.id == id).map_or(id.to_owned(), |p| p.name.clone());
    let mut picks: Vec<(String, String)> = Vec::new();
    for p in &state.presented {
        for r in sales.related.iter().filter(|r| r.product == p.id) {
            picks.extend(r.with.iter().map(|w| (w.clone(), format!("Goes with {}", p.name))));
        }
    }
    for u in sales.upgrades.iter().filter(|u| presented(&u.from)) {
        let Some(to) = target(u, products) else { continue };
        if let Some(value) = state.field(&u.field).filter(|v| v.to_lowercase().contains(&u.contains.to_lowercase())) {
            picks.push((to, format!("Upgrade from {}: the customer said “{value}”", name(&u.from))));
        }
    }
    let mut out: Vec<Suggestion> = Vec::new();
    for (id, why) in picks {
        let Some(product) = products.iter().find(|p| p.id == id) else { continue };
        if presented(&id) || out.iter().any(|s| s.product.id == id) {
            continue;
        }
        let offers = sales.offers.iter().filter(|o| o.code.is_none() && o.running(now) && o.products.contains(&id));
        let offers = offers.map(|o| o.name.clone());
        out.push(Suggestion { product: product.clone(), why, offers: offers.collect() });
    }
    out
}

/// The next variant up from `id`: the cheapest dearer entry of its family.
pub fn next_up<'a>(products: &'a [Product], id: &str) -> Option<&'a Product> {
    let from = products.iter().find(|p| p.id == id).filter(|p| !p.family.is_empty())?;
    products.iter().filter(|p| p.family == from.family && p.price > from.price).min_by_key(|p| p.price)
}

/// The product an upgrade rule leads to (its `to`, or the next variant up).
fn target(u: &Upgrade, products: &[Product]) -> Option<String> {
    match u.to.as_str() {
        "" => next_up(products, &u.from).map(|p| p.id.clone()),
        to => Some(to.to_owned()),
    }
}

/// The first relation or rule naming a product not in the catalogue.
pub fn check(sales: &Sales, products: &[Product]) -> Result<(), String> {
    let known = |id: &String| products.iter().any(|p| &p.id == id);
    for r in &sales.related {
        if let Some(p) = std::iter::once(&r.product).chain(&r.with).find(|p| !known(p)) {
            return Err(format!("related products: {p:?} is not in the catalogue"));
        }
    }
    for u in &sales.upgrades {
        if let Some(p) = [&u.from, &u.to].into_iter().find(|p| !p.is_empty() && !known(p)) {
            return Err(format!("upgrades: {p:?} is not in the catalogue"));
        }
        if target(u, products).is_none() {
            return Err(format!("upgrade from {:?}: name the plan up; it has no dearer variant", u.from));
        }
        if u.field.trim().is_empty() || u.contains.trim().is_empty() {
            return Err(format!("upgrade to {:?}: a field and the text its value contains are needed", u.to));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::SiteConfig;
    use crate::workflow::{apply, Event, WorkflowKind};

    fn state(events: &[Event]) -> State {
        events.iter().fold(State::new(WorkflowKind::Sales), |s, e| apply(&s, e).expect("a legal move").0)
    }

    fn presented(c: &SiteConfig, id: &str) -> Event {
        Event::Present(c.products.iter().find(|p| p.id == id).expect("in the demo catalogue").clone())
    }

    #[test]
    fn add_ons_of_what_was_presented_then_the_upgrade_the_needs_match() {
        let c = SiteConfig::default();
        let step = |s: &str| Event::CompleteStep { step: s.into() };
        let needs = |v: &str| Event::Collect { field: "needs".into(), value: v.into() };
        let ids = |s: &[Suggestion]| s.iter().map(|s| s.product.id.clone()).collect::<Vec<_>>();
        let base = [step("initiate"), needs("Five seats, billed monthly")];
        assert!(suggest(&c.sales, &c.products, &state(&base), 0).is_empty(), "nothing presented yet");

        let team = state(&[base.clone().as_slice(), &[presented(&c, "team")]].concat());
        let s = suggest(&c.sales, &c.products, &team, 0);
        assert_eq!(ids(&s), ["onboarding"], "monthly: no upgrade, the add-on");
        assert_eq!(s[0].why, "Goes with Team plan (monthly)");
        assert_eq!(s[0].offers, ["Half-price onboarding with an annual plan"], "the offer on it");

        let annual = [step("initiate"), needs("Five seats, would pay ANNUALLY"), presented(&c, "team")];
        let s = suggest(&c.sales, &c.products, &state(&annual), 0);
        assert_eq!(ids(&s), ["onboarding", "annual-team"]);
        assert_eq!(s[1].why, "Upgrade from Team plan (monthly): the customer said “Five seats, would pay ANNUALLY”");

        let both = [annual.as_slice(), &[presented(&c, "onboarding")]].concat();
        assert_eq!(ids(&suggest(&c.sales, &c.products, &state(&both), 0)), ["annual-team"], "never one presented");
    }

    #[test]
    fn relations_name_catalogue_products() {
        let c = SiteConfig::default();
        assert_eq!(check(&c.sales, &c.products), Ok(()));
        let mut bad = c.sales.clone();
        bad.related[0].with.push("ghost".into());
        assert_eq!(check(&bad, &c.products).unwrap_err(), "related products: \"ghost\" is not in the catalogue");
        let mut bad = c.sales.clone();
        bad.upgrades[0].contains = " ".into();
        assert!(check(&bad, &c.products).unwrap_err().contains("a field and the text"));
        let mut bad = c.sales.clone();
        bad.upgrades[0].from = "onboarding".into();
        assert!(check(&bad, &c.products).unwrap_err().contains("no dearer variant"), "no family, no next variant");
    }

    #[test]
    fn the_next_variant_up_is_the_cheapest_dearer_one_of_the_family() {
        let c = SiteConfig::default();
        let up = |id: &str| next_up(&c.products, id).map(|p| p.id.as_str());
        assert_eq!(up("starter"), Some("team"));
        assert_eq!(up("team"), Some("annual-team"));
        assert_eq!(up("annual-team"), None, "the top of the family");
        assert_eq!(up("onboarding"), None, "no family");
        let needs = |v: &str| Event::Collect { field: "needs".into(), value: v.into() };
        let s = state(&[
            Event::CompleteStep { step: "initiate".into() },
            needs("We need 8 seats"),
            presented(&c, "starter"),
        ]);
        let s = suggest(&c.sales, &c.products, &s, 0);
        assert_eq!(s.iter().map(|s| s.product.id.as_str()).collect::<Vec<_>>(), ["onboarding", "team"]);
    }
}
