//! The checkout format against docs/checkout.md's test vector, and what
//! opening a cart refuses.

use super::*;
use shared::sales::{QuoteLine, QuoteSaving};

const DOC: &str = include_str!("../../../docs/checkout.md");
const SECRET: &str = "test-identity-secret";
const TEMPLATE: &str = "https://shop.example/checkout?cart={cart}&sig={sig}";

/// The cart of the documented example: two Team plans with 10 % off.
fn example() -> Cart {
    Cart {
        v: VERSION,
        site: "demo".into(),
        conversation: "0f8e7d6c5b4a39281706f5e4d3c2b1a0".into(),
        issued: 1_796_400_000_000,
        quote: Quote {
            currency: "USD".into(),
            lines: vec![QuoteLine { product: "team".into(), name: "Team plan".into(), qty: 2, unit: 4900 }],
            savings: vec![QuoteSaving { id: "welcome".into(), name: "Welcome".into(), off: 980, ends_ms: None }],
            subtotal: 9800,
            net: 8820,
            tax: 0,
            tax_included: false,
            total: 8820,
            list_total: 9800,
        },
    }
}

fn parts(link: &str) -> (&str, &str) {
    let query = link.split_once('?').unwrap().1;
    let (cart, sig) = query.split_once('&').unwrap();
    (cart.strip_prefix("cart=").unwrap(), sig.strip_prefix("sig=").unwrap())
}

#[test]
fn the_documented_test_vector_is_what_the_worker_signs() {
    let link = link(TEMPLATE, SECRET, &example());
    let (cart, sig) = parts(&link);
    let json = serde_json::to_string(&example()).unwrap();
    for (what, value) in [("cart JSON", json.as_str()), ("cart", cart), ("sig", sig), ("secret", SECRET)] {
        assert!(DOC.contains(value), "docs/checkout.md lacks the {what}: {value}");
    }
    assert_eq!(sig.len(), 64);
}

#[test]
fn only_the_sites_signature_of_that_very_cart_opens() {
    let link = link(TEMPLATE, SECRET, &example());
    let (cart, sig) = parts(&link);
    assert_eq!(open(SECRET, cart, sig), Some(example()));
    assert_eq!(open(SECRET, cart, &sig.to_uppercase()), Some(example()), "hex in either case");
    assert_eq!(open("another-secret", cart, sig), None, "another site's secret");
    assert_eq!(open("", cart, sig), None, "no secret");
    let mut cheaper = example();
    cheaper.quote.total = 1;
    let forged_link = self::link(TEMPLATE, "guessed", &cheaper);
    let (forged, _) = parts(&forged_link);
    assert_eq!(open(SECRET, forged, sig), None, "a changed cart with the old signature");
    assert_eq!(open(SECRET, "not base64!", &crate::identity::sign(SECRET, "not base64!")), None);
}
