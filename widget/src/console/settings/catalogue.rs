//! The catalogue form: currency, tax and discount authority; products with
//! their variants; offers, bundles, add-ons and upgrade rules. It edits a
//! copy of the stored settings, checks it as it is typed with the
//! validation the Worker runs (`SiteConfig::validate`, the first problem
//! named next to the save button) and saves it whole.
//!
//! Each list is a table of text cells: a column reads its cell from an
//! item and writes it back (`false` when the text cannot be read, e.g. a
//! price that is not a number, which marks the cell invalid).

use leptos::prelude::*;
use shared::pricing::{self, Bundle, Discount, Offer, Tax};
use shared::sales::suggest::{Related, Upgrade};
use shared::workflow::Product;

use super::note_view;
use super::table::{ids, read_ids, set, table, Col, TablesForm};

/// A date (`YYYY-MM-DD`, UTC) as the end of an offer: the day after, 00:00.
fn read_end(text: &str) -> Option<Option<u64>> {
    if text.trim().is_empty() {
        return Some(None);
    }
    let ms = js_sys::Date::parse(text.trim());
    (ms.is_finite() && ms >= 0.0).then(|| Some(ms as u64 + DAY_MS))
}

fn end_text(ends_ms: Option<u64>) -> String {
    let Some(end) = ends_ms else { return String::new() };
    let iso = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((end.saturating_sub(DAY_MS)) as f64)).to_iso_string();
    String::from(iso).chars().take(10).collect()
}

const DAY_MS: u64 = 86_400_000;

const PRODUCTS: &[Col<Product>] = &[
    Col {
        label: "Id",
        testid: "console-catalogue-product-id",
        get: |p, _| p.id.clone(),
        put: |p, v, _| set(&mut p.id, v),
    },
    Col {
        label: "Name",
        testid: "console-catalogue-product-name",
        get: |p, _| p.name.clone(),
        put: |p, v, _| set(&mut p.name, v),
    },
    Col {
        label: "Price",
        testid: "console-catalogue-product-price",
        get: |p, c| pricing::plain(i64::from(p.price), c),
        put: |p, v, c| pricing::parse(v, c).and_then(|m| u32::try_from(m).ok()).map(|m| p.price = m).is_some(),
    },
    Col {
        label: "Image",
        testid: "console-catalogue-product-image",
        get: |p, _| p.image.clone(),
        put: |p, v, _| set(&mut p.image, v),
    },
    Col {
        label: "Family",
        testid: "console-catalogue-product-family",
        get: |p, _| p.family.clone(),
        put: |p, v, _| set(&mut p.family, v),
    },
    Col {
        label: "Variant",
        testid: "console-catalogue-product-variant",
        get: |p, _| p.variant.clone(),
        put: |p, v, _| set(&mut p.variant, v),
    },
];

const OFFERS: &[Col<Offer>] = &[
    Col {
        label: "Id",
        testid: "console-catalogue-offer-id",
        get: |o, _| o.id.clone(),
        put: |o, v, _| set(&mut o.id, v),
    },
    Col {
        label: "Name",
        testid: "console-catalogue-offer-name",
        get: |o, _| o.name.clone(),
        put: |o, v, _| set(&mut o.name, v),
    },
    Col {
        label: "Discount (10 % or 5.00)",
        testid: "console-catalogue-offer-discount",
        get: |o, c| o.discount.plain(c),
        put: |o, v, c| Discount::parse(v, c).map(|d| o.discount = d).is_some(),
    },
    Col {
        label: "On products (none: the order)",
        testid: "console-catalogue-offer-products",
        get: |o, _| ids(&o.products),
        put: |o, v, _| {
            o.products = read_ids(v);
            true
        },
    },
    Col {
        label: "Minimum order",
        testid: "console-catalogue-offer-min",
        get: |o, c| pricing::plain(o.min_order, c),
        put: |o, v, c| pricing::parse(v, c).map(|m| o.min_order = m).is_some(),
    },
    Col {
        label: "Code",
        testid: "console-catalogue-offer-code",
        get: |o, _| o.code.clone().unwrap_or_default(),
        put: |o, v, _| {
            o.code = Some(v.trim().to_owned()).filter(|c| !c.is_empty());
            true
        },
    },
    Col {
        label: "Last day (UTC)",
        testid: "console-catalogue-offer-ends",
        get: |o, _| end_text(o.ends_ms),
        put: |o, v, _| read_end(v).map(|e| o.ends_ms = e).is_some(),
    },
];

const BUNDLES: &[Col<Bundle>] = &[
    Col {
        label: "Id",
        testid: "console-catalogue-bundle-id",
        get: |b, _| b.id.clone(),
        put: |b, v, _| set(&mut b.id, v),
    },
    Col {
        label: "Name",
        testid: "console-catalogue-bundle-name",
        get: |b, _| b.name.clone(),
        put: |b, v, _| set(&mut b.name, v),
    },
    Col {
        label: "Products (id × count, …)",
        testid: "console-catalogue-bundle-items",
        get: |b, _| b.items.iter().map(|(p, n)| format!("{p} × {n}")).collect::<Vec<_>>().join(", "),
        put: |b, v, _| {
            let items: Option<Vec<(String, u32)>> = read_ids(v)
                .into_iter()
                .map(|item| match item.split_once('×').or_else(|| item.split_once('x')) {
                    Some((p, n)) => Some((p.trim().to_owned(), n.trim().parse().ok()?)),
                    None => Some((item, 1)),
                })
                .collect();
            items.map(|i| b.items = i).is_some()
        },
    },
    Col {
        label: "Price",
        testid: "console-catalogue-bundle-price",
        get: |b, c| pricing::plain(b.price, c),
        put: |b, v, c| pricing::parse(v, c).map(|m| b.price = m).is_some(),
    },
];

const RELATED: &[Col<Related>] = &[
    Col {
        label: "Product",
        testid: "console-catalogue-related-product",
        get: |r, _| r.product.clone(),
        put: |r, v, _| set(&mut r.product, v),
    },
    Col {
        label: "Add-ons and cross-sells (ids, best first)",
        testid: "console-catalogue-related-with",
        get: |r, _| ids(&r.with),
        put: |r, v, _| {
            r.with = read_ids(v);
            true
        },
    },
];

const UPGRADES: &[Col<Upgrade>] = &[
    Col {
        label: "From",
        testid: "console-catalogue-upgrade-from",
        get: |u, _| u.from.clone(),
        put: |u, v, _| set(&mut u.from, v),
    },
    Col {
        label: "To (empty: the next variant up)",
        testid: "console-catalogue-upgrade-to",
        get: |u, _| u.to.clone(),
        put: |u, v, _| set(&mut u.to, v),
    },
    Col {
        label: "When field",
        testid: "console-catalogue-upgrade-field",
        get: |u, _| u.field.clone(),
        put: |u, v, _| set(&mut u.field, v),
    },
    Col {
        label: "Contains",
        testid: "console-catalogue-upgrade-contains",
        get: |u, _| u.contains.clone(),
        put: |u, v, _| {
            u.contains = v.to_owned();
            true
        },
    },
];

/// The catalogue form over the stored settings (taken again whenever they
/// are saved).
#[component]
pub fn Catalogue() -> impl IntoView {
    let form = TablesForm::new();
    let TablesForm { draft, unread, note, .. } = form;
    let problem =
        form.problem("prices and amounts are numbers such as 49.00, discounts 10 % or 5.00, dates YYYY-MM-DD");
    let submit = move |e| form.submit(e);
    let sales_text = move |get: fn(&shared::sales::Sales) -> String| move || draft.with(|d| get(&d.sales));
    let tax_kind =
        move || draft.with(|d| if matches!(d.sales.tax, Tax::Included(_)) { "included" } else { "excluded" });
    let tax_rate = move || {
        draft.with(|d| match d.sales.tax {
            Tax::Included(bp) | Tax::Excluded(bp) => pricing::plain_percent(bp),
        })
    };
    let set_tax = move |included: Option<bool>, rate: Option<u32>| {
        draft.update(|d| {
            let (was_in, was_rate) = match d.sales.tax {
                Tax::Included(bp) => (true, bp),
                Tax::Excluded(bp) => (false, bp),
            };
            let bp = rate.unwrap_or(was_rate);
            d.sales.tax = if included.unwrap_or(was_in) { Tax::Included(bp) } else { Tax::Excluded(bp) };
        })
    };
    let authority = move |label: &'static str,
                          testid: &'static str,
                          get: fn(&shared::sales::Authority) -> u32,
                          put: fn(&mut shared::sales::Authority, u32)| {
        view! {
            <label>{label}" "<input size="6" data-testid=testid
                prop:value=move || draft.with(|d| pricing::plain_percent(get(&d.sales.authority)))
                on:change=move |e| if let Some(bp) = pricing::parse_percent(&event_target_value(&e)) {
                    draft.update(|d| put(&mut d.sales.authority, bp))
                }/>" %"</label>
        }
    };
    view! {
        <form class="settings-form" data-testid="console-catalogue" on:submit=submit>
            <section>
                <h3>"Catalogue and offers"</h3>
                <div class="actions">
                    <label>"Currency "<input size="4" maxlength="3" data-testid="console-catalogue-currency"
                        prop:value=sales_text(|s| s.currency.clone())
                        on:change=move |e| { let v = event_target_value(&e).trim().to_uppercase(); draft.update(|d| d.sales.currency = v) }/></label>
                    <label>"Prices "<select data-testid="console-catalogue-tax-kind" prop:value=tax_kind
                        on:change=move |e| set_tax(Some(event_target_value(&e) == "included"), None)>
                        <option value="excluded">"exclude tax"</option>
                        <option value="included">"include tax"</option>
                    </select></label>
                    <label>"Tax rate "<input size="6" data-testid="console-catalogue-tax-rate" prop:value=tax_rate
                        on:change=move |e| set_tax(None, pricing::parse_percent(&event_target_value(&e)))/>" %"</label>
                </div>
                <p>"Discounts each role may give without a supervisor's approval:"</p>
                <div class="actions">
                    {authority("Operators", "console-catalogue-authority-operator", |a| a.operator, |a, v| a.operator = v)}
                    {authority("Supervisors", "console-catalogue-authority-supervisor", |a| a.supervisor, |a, v| a.supervisor = v)}
                    {authority("Admins", "console-catalogue-authority-admin", |a| a.admin, |a, v| a.admin = v)}
                </div>
                <p>"A product's variants (sizes, plans) are entries of one family, each with its own id and price; the guide suggests the next variant up when an upgrade rule has no target."</p>
                {table(draft, unread, "Products", "console-catalogue-products", (|d| &d.products, |d| &mut d.products), PRODUCTS, || Product::new("", "", 0))}
                {table(draft, unread, "Offers", "console-catalogue-offers", (|d| &d.sales.offers, |d| &mut d.sales.offers), OFFERS, || Offer::new("", "", Discount::Percent(1_000)))}
                {table(draft, unread, "Bundles", "console-catalogue-bundles", (|d| &d.sales.bundles, |d| &mut d.sales.bundles), BUNDLES, || Bundle { id: String::new(), name: String::new(), items: Vec::new(), price: 0 })}
                {table(draft, unread, "Add-ons and cross-sells", "console-catalogue-related", (|d| &d.sales.related, |d| &mut d.sales.related), RELATED, || Related { product: String::new(), with: Vec::new() })}
                {table(draft, unread, "Upgrades", "console-catalogue-upgrades", (|d| &d.sales.upgrades, |d| &mut d.sales.upgrades), UPGRADES, || Upgrade { from: String::new(), to: String::new(), field: "needs".into(), contains: String::new() })}
            </section>
            <div class="actions">
                <button type="submit" data-testid="console-catalogue-save">"Save"</button>
                {note_view(note, "console-catalogue-note")}
                <span class="error" role="status" data-testid="console-catalogue-check">{problem}</span>
            </div>
        </form>
    }
}
