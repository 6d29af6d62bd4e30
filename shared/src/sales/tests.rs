//! Table tests of quoting an order against a site's catalogue and of the
//! discount authority.

use super::*;
use crate::pricing::{Discount, Tax};
use crate::site::SiteConfig;
use crate::staff::StaffRole;
use crate::workflow::{OrderLine, Product};

fn line(product: &str, qty: u32) -> OrderLine {
    OrderLine { product: product.into(), qty }
}

fn demo() -> SiteConfig {
    SiteConfig::default()
}

fn quoted(lines: &[OrderLine], codes: &[&str], negotiated: Option<Discount>) -> Result<Quote, QuoteError> {
    let c = demo();
    let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    quote(&c.sales, &c.products, lines, &codes, negotiated, 0)
}

#[test]
fn the_demo_catalogue_is_valid() {
    demo().validate().unwrap();
}

#[test]
fn a_quote_names_its_lines_and_savings() {
    // Team plan and onboarding: the bundle (49.00 + 150.00 → 179.00); the
    // code takes 10 % of the rest; 5 % negotiated on what is left.
    let q = quoted(
        &[line("team", 1), line("onboarding", 1), line("starter", 1)],
        &["welcome"],
        Some(Discount::Percent(500)),
    )
    .unwrap();
    assert_eq!(q.currency, "USD");
    assert_eq!(
        q.lines[0],
        QuoteLine { product: "team".into(), name: "Team plan (monthly)".into(), qty: 1, unit: 4900 }
    );
    assert_eq!(q.subtotal, 4900 + 15000 + 1900);
    let names: Vec<(&str, &str, i64)> = q.savings.iter().map(|s| (s.id.as_str(), s.name.as_str(), s.off)).collect();
    // After the bundle: 17,900 + 1,900 = 19,800; 10 % = 1,980; 5 % of 17,820 = 891.
    assert_eq!(
        names,
        vec![
            ("team-start", "Team plan with onboarding", 2000),
            ("welcome", "Welcome code", 1980),
            (NEGOTIATED, "Your discount", 891),
        ]
    );
    assert_eq!((q.net, q.tax, q.total, q.tax_included), (16929, 0, 16929, false));
    assert_eq!((q.negotiated(), q.before_negotiation()), (891, 17820));
}

#[test]
fn unknown_products_and_bad_discounts_are_refused() {
    assert_eq!(quoted(&[line("ghost", 1)], &[], None), Err(QuoteError::Unknown("ghost".into())));
    let over = quoted(&[line("team", 1)], &[], Some(Discount::Percent(10_001))).unwrap_err();
    assert_eq!(over.to_string(), "100.01 % is more than 100 %");
}

#[test]
fn authority_is_a_share_of_the_order_before_the_discount() {
    let a = Authority::default();
    assert_eq!(
        StaffRole::ALL.map(|r| a.of(r)),
        [10_000, 10_000, 2_500, 1_000, 0],
        "owner, admin, supervisor, operator, moderator"
    );
    // 10 % of 49.00 is 4.90: an amount of 4.90 is within, 4.91 is not.
    for (discount, operator, supervisor) in [
        (Discount::Percent(1_000), true, true),
        (Discount::Percent(1_020), false, true),
        (Discount::Amount(490), true, true),
        (Discount::Amount(491), false, true),
        (Discount::Percent(2_500), false, true),
        (Discount::Amount(1_226), false, false),
    ] {
        let q = quoted(&[line("team", 1)], &[], Some(discount)).unwrap();
        assert_eq!((within(&q, a.operator), within(&q, a.supervisor)), (operator, supervisor), "{discount:?}");
    }
}

#[test]
fn tax_included_is_stated_and_currencies_keep_their_decimals() {
    let mut c = demo();
    c.sales.currency = "JPY".into();
    c.sales.tax = Tax::Included(1_000);
    c.products = vec![Product::new("tea", "Tea", 1_100)];
    c.sales.offers.clear();
    c.sales.bundles.clear();
    let q = quote(&c.sales, &c.products, &[line("tea", 3)], &[], None, 0).unwrap();
    assert_eq!((q.net, q.tax, q.total, q.tax_included), (3_300, 300, 3_300, true));
    assert_eq!(describe(Discount::Amount(500), "JPY"), "JPY 500");
    assert_eq!(describe(Discount::Percent(1_250), "JPY"), "12.50 %");
    assert_eq!(describe(Discount::Amount(1_250), "KWD"), "KWD 1.250");
}

#[test]
fn settings_name_their_first_problem() {
    for fine in ["", "https://shop.example/checkout?cart={cart}&sig={sig}", "/checkout/{cart}?s={sig}"] {
        let mut c = demo();
        c.sales.checkout = fine.into();
        assert_eq!(c.validate(), Ok(()), "{fine}");
    }
    let cases: Vec<(fn(&mut Sales), &str)> = vec![
        (|s| s.currency = "usd".into(), "currency"),
        (|s| s.tax = Tax::Excluded(10_001), "tax is 0–100 %"),
        (|s| s.authority.operator = 10_001, "authority"),
        (|s| s.offers[0].products = vec!["ghost".into()], "product \"ghost\" is not in the catalogue"),
        (|s| s.offers[0].discount = Discount::Percent(0), "a discount of 0.01–100 %"),
        (|s| s.offers[1].code = Some("TWO WORDS".into()), "without spaces"),
        (|s| s.offers[0].ends_ms = Some(5), "ends before it starts"),
        (|s| s.bundles[0].items.push(("ghost".into(), 1)), "bundle \"team-start\""),
        (|s| s.offers[1].id = "team-start".into(), "used twice"),
        (|s| s.offers[1].id = NEGOTIATED.into(), "used twice (or reserved)"),
        (|s| s.checkout = "https://shop.example/pay?cart={cart}".into(), "with {cart} and {sig}"),
        (|s| s.checkout = "javascript:alert(1)//{cart}{sig}".into(), "an https:// address"),
        (|s| s.checkout = "//evil.example/{cart}/{sig}".into(), "an https:// address"),
        (|s| s.checkout = "http://shop.example/{cart}/{sig}".into(), "an https:// address"),
        (|s| s.checkout = "/pay?cart={cart}&sig={sig}\"onclick=".into(), "no spaces or quotes"),
    ];
    for (change, expected) in cases {
        let mut c = demo();
        c.sales.offers[0].starts_ms = Some(10);
        change(&mut c.sales);
        let err = c.validate().unwrap_err();
        assert!(err.contains(expected), "{expected:?} not in {err:?}");
    }
}
