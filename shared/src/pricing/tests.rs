//! Table tests of order pricing: currencies with 0, 2 and 3 decimals,
//! stacked, capped and exclusive offers, rounding, bundles, tax and bad input.

use super::*;

fn line(product: &str, unit: i64, qty: u32) -> Line {
    Line { product: product.into(), unit, qty }
}

fn offer(id: &str, discount: Discount) -> Offer {
    Offer::new(id, id, discount)
}

fn cart(lines: Vec<Line>) -> Cart {
    Cart { lines, ..Cart::default() }
}

const NO_TAX: Tax = Tax::Excluded(0);

fn net(cart: &Cart, bundles: &[Bundle], offers: &[Offer]) -> i64 {
    totals(cart, bundles, offers, NO_TAX, 1_000).unwrap().net
}

#[test]
fn amounts_read_in_their_currencys_decimals() {
    let cases = [
        (123_450, "EUR", "EUR 1,234.50"),
        (5, "USD", "USD 0.05"),
        (-500, "EUR", "-EUR 5.00"),
        (1_200, "JPY", "JPY 1,200"),
        (1_234_567, "KRW", "KRW 1,234,567"),
        (1_250, "KWD", "KWD 1.250"),
        (7, "BHD", "BHD 0.007"),
        (0, "CHF", "CHF 0.00"),
    ];
    for (minor, currency, want) in cases {
        assert_eq!(format(minor, currency), want, "{minor} {currency}");
    }
    assert_eq!((decimals("JPY"), decimals("EUR"), decimals("KWD")), (0, 2, 3));
}

#[test]
fn amounts_typed_in_major_units_read_back_as_minor_units() {
    let cases = [
        ("49", "USD", Some(4_900)),
        (" 1,234.5 ", "EUR", Some(123_450)),
        ("0.05", "USD", Some(5)),
        ("1200", "JPY", Some(1_200)),
        ("1.250", "KWD", Some(1_250)),
        ("1.5", "JPY", None),
        ("1.005", "USD", None),
        ("-5", "USD", None),
        ("", "USD", None),
        (".5", "USD", None),
        ("4e3", "USD", None),
    ];
    for (text, currency, want) in cases {
        assert_eq!(parse(text, currency), want, "{text:?} {currency}");
    }
    for (minor, currency) in [(123_450, "EUR"), (1_200, "JPY"), (1_250, "KWD"), (0, "USD")] {
        assert_eq!(parse(&plain(minor, currency), currency), Some(minor), "{minor} {currency} round trip");
    }
    assert_eq!(plain(123_450, "EUR"), "1234.50");
    assert_eq!(parse_percent("12.5 %"), Some(1_250));
    assert_eq!(Discount::parse("10%", "EUR"), Some(Discount::Percent(1_000)));
    assert_eq!(Discount::parse("5", "EUR"), Some(Discount::Amount(500)));
    assert_eq!(Discount::parse("x %", "EUR"), None);
    for d in [Discount::Percent(1_250), Discount::Amount(1_999)] {
        assert_eq!(Discount::parse(&d.plain("EUR"), "EUR"), Some(d), "{d:?} round trip");
    }
}

#[test]
fn percentages_round_once_per_offer_halves_away_from_zero() {
    let cases = [(5, 1_000, 1), (4, 1_000, 0), (15, 1_000, 2), (-5, 1_000, -1), (999, 1_000, 100), (0, 5_000, 0)];
    for (amount, bp, want) in cases {
        assert_eq!(share(amount, bp).unwrap(), want, "{amount} × {bp} bp");
    }
    // Three lines of 0.05 at 10 %: 0.015 rounds to 0.02 once, not 0.01 three times.
    let lines = vec![line("a", 5, 1), line("b", 5, 1), line("c", 5, 1)];
    let ten = Offer { products: vec!["a".into(), "b".into(), "c".into()], ..offer("ten", Discount::Percent(1_000)) };
    assert_eq!(net(&cart(lines), &[], &[ten]), 13);
}

#[test]
fn the_same_discount_in_currencies_with_0_2_and_3_decimals() {
    // 15 % off three units: yen (0 decimals), euro cents (2), fils (3).
    let fifteen = offer("fifteen", Discount::Percent(1_500));
    let cases = [(333, 999, 849), (1_999, 5_997, 5_097), (1_250, 3_750, 3_187)];
    for (unit, subtotal, want) in cases {
        let t = totals(&cart(vec![line("p", unit, 3)]), &[], &[fifteen.clone()], NO_TAX, 0).unwrap();
        assert_eq!((t.subtotal, t.net, t.discount), (subtotal, want, subtotal - want), "unit {unit}");
    }
}

#[test]
fn combinable_offers_stack_percent_first_and_each_takes_at_most_its_cap() {
    let order = cart(vec![line("p", 5_000, 2)]);
    // Listed amount first: the percentage still goes first (10 % of 100.00, then 5.00).
    let offers = [offer("five", Discount::Amount(500)), offer("ten", Discount::Percent(1_000))];
    let t = totals(&order, &[], &offers, NO_TAX, 0).unwrap();
    assert_eq!(t.net, 8_500);
    let ids: Vec<_> = t.savings.iter().map(|s| (s.id.as_str(), s.off)).collect();
    assert_eq!(ids, [("ten", 1_000), ("five", 500)]);
    // Half off, capped at 20.00.
    let capped = Offer { cap: Some(2_000), ..offer("half", Discount::Percent(5_000)) };
    assert_eq!(net(&order, &[], &[capped]), 8_000);
    // An amount larger than the order takes it to zero, not below.
    assert_eq!(net(&order, &[], &[offer("all", Discount::Amount(50_000))]), 0);
}

#[test]
fn an_exclusive_offer_applies_alone_when_it_saves_more() {
    let order = cart(vec![line("p", 10_000, 1)]);
    let stack = [offer("ten", Discount::Percent(1_000)), offer("five", Discount::Amount(500))]; // 14.50 together
    let big = Offer { exclusive: true, ..offer("quarter", Discount::Percent(2_500)) };
    let small = Offer { exclusive: true, ..offer("twelve", Discount::Percent(1_200)) };
    let tie = Offer { exclusive: true, ..offer("tie", Discount::Amount(1_450)) };
    let ids = |offers: &[Offer]| -> Vec<String> {
        let t = totals(&order, &[], offers, NO_TAX, 0).unwrap();
        t.savings.into_iter().map(|s| s.id).collect()
    };
    assert_eq!(ids(&[stack[0].clone(), stack[1].clone(), big]), ["quarter"]);
    assert_eq!(ids(&[stack[0].clone(), stack[1].clone(), small]), ["ten", "five"]);
    assert_eq!(ids(&[stack[0].clone(), stack[1].clone(), tie]), ["ten", "five"], "a tie goes to the combinable ones");
}

#[test]
fn offers_need_their_dates_code_minimum_and_products() {
    let order = cart(vec![line("shirt", 2_000, 2), line("cap", 1_000, 1)]);
    let base = offer("x", Discount::Percent(1_000));
    let cases = [
        (Offer { starts_ms: Some(2_000), ..base.clone() }, 5_000, "not started"),
        (Offer { ends_ms: Some(1_000), ..base.clone() }, 5_000, "ended (the end is exclusive)"),
        (Offer { ends_ms: Some(1_001), ..base.clone() }, 4_500, "still running"),
        (Offer { code: Some("SPRING".into()), ..base.clone() }, 5_000, "no code given"),
        (Offer { min_order: 5_001, ..base.clone() }, 5_000, "under the minimum"),
        (Offer { min_order: 5_000, ..base.clone() }, 4_500, "at the minimum"),
        (Offer { products: vec!["shirt".into()], ..base.clone() }, 4_600, "the shirts only"),
        (Offer { products: vec!["cap".into()], ..offer("y", Discount::Amount(1_500)) }, 4_000, "at most the unit"),
        (Offer { products: vec!["shirt".into()], ..offer("z", Discount::Amount(300)) }, 4_400, "per unit"),
    ];
    for (o, want, why) in cases {
        assert_eq!(totals(&order, &[], &[o], NO_TAX, 1_000).unwrap().net, want, "{why}");
    }
    let coded = Offer { code: Some("SPRING".into()), ..base };
    let with_code = Cart { codes: vec![" spring ".into()], ..order };
    assert_eq!(net(&with_code, &[], &[coded]), 4_500, "codes match whatever their case and spaces");
}

#[test]
fn bundles_apply_as_often_as_they_fit_and_their_units_take_no_offer() {
    let kit = Bundle {
        id: "kit".into(),
        name: "Starter kit".into(),
        items: vec![("a".into(), 1), ("b".into(), 2)],
        price: 2_000,
    };
    // a 10.00, b 6.00: the kit's units are worth 22.00, sold for 20.00.
    let order = cart(vec![line("a", 1_000, 3), line("b", 600, 4), line("c", 500, 1)]);
    let t = totals(&order, &[kit.clone()], &[], NO_TAX, 0).unwrap();
    assert_eq!(t.subtotal, 3_000 + 2_400 + 500);
    assert_eq!(t.savings, [Saving { id: "kit".into(), off: 400 }], "twice (only four b)");
    // A product offer on a takes off only the a left over (one of three).
    let on_a = Offer { products: vec!["a".into()], ..offer("a10", Discount::Percent(1_000)) };
    let t = totals(&order, &[kit.clone()], &[on_a], NO_TAX, 0).unwrap();
    assert_eq!(t.savings.last(), Some(&Saving { id: "a10".into(), off: 100 }));
    // A bundle that costs more than its parts saves nothing; one that does not fit is not applied.
    let dear = Bundle { price: 5_000, ..kit.clone() };
    assert!(totals(&order, &[dear], &[], NO_TAX, 0).unwrap().savings.is_empty());
    assert_eq!(net(&cart(vec![line("a", 1_000, 1), line("b", 600, 1)]), &[kit], &[]), 1_600);
    // The minimum order counts what the bundles left.
    let min = Offer { min_order: 5_900, ..offer("min", Discount::Amount(100)) };
    let kit = Bundle { id: "kit".into(), name: "Kit".into(), items: vec![("a".into(), 1)], price: 900 };
    assert_eq!(net(&order, &[kit], &[min]), 5_600, "5,900 less 300 of bundles is under the minimum");
}

#[test]
fn the_negotiated_discount_comes_last_and_never_below_zero() {
    let order = Cart { negotiated: Some(Discount::Percent(500)), ..cart(vec![line("p", 10_000, 1)]) };
    let t = totals(&order, &[], &[offer("ten", Discount::Percent(1_000))], NO_TAX, 0).unwrap();
    // 10 % of 100.00, then 5 % of the 90.00 left.
    assert_eq!((t.net, t.savings.last().map(|s| (s.id.as_str(), s.off))), (8_550, Some(("negotiated", 450))));
    let all = Cart { negotiated: Some(Discount::Amount(1_000_000)), ..order };
    assert_eq!(net(&all, &[], &[]), 0);
}

#[test]
fn tax_is_either_the_share_inside_the_price_or_added_to_it() {
    let order = cart(vec![line("p", 12_000, 1)]);
    let t = totals(&order, &[], &[], Tax::Included(2_000), 0).unwrap();
    assert_eq!((t.net, t.tax, t.total), (12_000, 2_000, 12_000), "20 % VAT inside 120.00");
    let t = totals(&order, &[], &[], Tax::Excluded(825), 0).unwrap();
    assert_eq!((t.net, t.tax, t.total), (12_000, 990, 12_990), "8.25 % sales tax on top");
    // On the discounted net, rounded once: 7 % of 9.99 is 0.6993.
    let t = totals(&cart(vec![line("p", 999, 1)]), &[], &[], Tax::Excluded(700), 0).unwrap();
    assert_eq!((t.tax, t.total), (70, 1_069));
    let t = totals(&cart(vec![line("p", 1_000, 1)]), &[], &[], Tax::Included(1_900), 0).unwrap();
    assert_eq!(t.tax, 160, "19 % VAT inside 10.00: 1.5966 rounds to 1.60");
}

#[test]
fn bad_orders_are_refused_with_what_is_wrong() {
    let no_units = cart(vec![line("p", 100, 0)]);
    assert_eq!(totals(&no_units, &[], &[], NO_TAX, 0), Err(PriceError::NoUnits("p".into())));
    let negative = cart(vec![line("p", -1, 1)]);
    assert!(matches!(totals(&negative, &[], &[], NO_TAX, 0), Err(PriceError::Negative(_))));
    let order = cart(vec![line("p", 100, 1)]);
    let over = offer("x", Discount::Percent(10_001));
    assert_eq!(totals(&order, &[], &[over], NO_TAX, 0), Err(PriceError::OverWhole(10_001)));
    assert!(matches!(
        totals(&order, &[], &[offer("x", Discount::Amount(-5))], NO_TAX, 0),
        Err(PriceError::Negative(_))
    ));
    assert_eq!(totals(&order, &[], &[], Tax::Excluded(20_000), 0), Err(PriceError::OverWhole(20_000)));
    let huge = cart(vec![line("p", i64::MAX / 2, 3)]);
    assert_eq!(totals(&huge, &[], &[], NO_TAX, 0), Err(PriceError::TooLarge));
    assert_eq!(PriceError::OverWhole(12_550).to_string(), "125.5 % is more than 100 %");
}
