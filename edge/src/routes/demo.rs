//! `GET /demo`: an ordinary customer web page with the one script tag (and
//! the same script again embedding the site's public channel), and
//! deliberately hostile CSS to show that none of it reaches the widget.
//!
//! `?user=<id>` plays a site whose customer is logged in: like the site's
//! server would, the page signs `site|id|expires` (10 minutes ahead) with
//! the site's identity secret and puts it in the tag (`data-user-id`,
//! `data-user-expires`, `data-user-hash`; docs/identity.md). `?site=<id>`
//! embeds another site than `demo` (a site signed up locally, the tests'
//! own sites).
//!
//! The script is loaded from the other loopback name than the page
//! (`localhost` ↔ `127.0.0.1`), so locally, as in production, the widget runs
//! on another site than the page that embeds it.
//!
//! `GET /demo/api` is the JavaScript API's page of examples (its buttons
//! call `chatWidget(…)`; docs/js-api.md), under the same policy.
//!
//! `GET /demo/checkout?cart=…&sig=…` plays the site's checkout that a
//! confirmed order hands over to (docs/checkout.md): it checks the cart's
//! signature with the site's identity secret and shows what it would charge.
//!
//! Served only with the `DEMO` variable `on` (`cargo xtask dev`, tests):
//! anywhere else it would sign any user id for any site.

use worker::{Env, Request, Response};

use crate::error::{RouteError, RouteResult};

const PAGE: &str = include_str!("demo.html");
/// The JavaScript API's page of examples (`/demo/api`).
const API_PAGE: &str = include_str!("demo-api.html");

/// The script tag, as a site owner pastes it.
const TAG: &str = r#"<script src="{{WIDGET_ORIGIN}}/widget.js" data-site="{{SITE}}"{{USER}} async></script>"#;
/// The same script embedding the site's public channel where it stands.
const CHANNEL_TAG: &str = r#"<script src="{{WIDGET_ORIGIN}}/widget.js" data-site="{{SITE}}" data-channel="live" data-height="420px"></script>"#;

/// The demo page, with the script tag pointing at the Worker's other name;
/// `?control=1` serves the same page without it (the benchmarks' control);
/// `api`: the JavaScript API's page of examples instead.
pub async fn page(req: &Request, env: &Env, api: bool) -> RouteResult {
    demo_on(env)?;
    let url = req.url()?;
    let host = url.host_str().unwrap_or("127.0.0.1");
    let other = match host {
        "localhost" => "127.0.0.1",
        "127.0.0.1" => "localhost",
        h => h,
    };
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let origin = format!("{}://{other}{port}", url.scheme());
    let control = url.query_pairs().any(|(k, v)| k == "control" && v == "1");
    let user = url.query_pairs().find(|(k, _)| k == "user").map(|(_, v)| v.into_owned()).filter(|u| !u.is_empty());
    let site = url
        .query_pairs()
        .find(|(k, _)| k == "site")
        .and_then(|(_, v)| v.parse::<shared::SiteId>().ok())
        .map_or_else(|| "demo".to_owned(), |s| s.to_string());
    let signed = match user {
        Some(user) => {
            // As a site's server does on each page view (docs/identity.md).
            let secret = crate::calls::inbox::identity_secret(env, &site, false).await?;
            let expires = worker::Date::now().as_millis() / 1000 + shared::api::IDENTITY_LIFETIME_S;
            Some((crate::identity::sign_identity(&secret, &site, &user, expires), user, expires))
        }
        None => None,
    };
    // The tag carries the signed-in customer; on the API's page, its identify button does.
    let user_attrs = match &signed {
        Some((hash, user, expires)) if !api => {
            format!(r#" data-user-id="{}" data-user-expires="{expires}" data-user-hash="{hash}""#, escape_attr(user))
        }
        _ => String::new(),
    };
    let identify = match &signed {
        Some((hash, user, expires)) => {
            let email = format!("{user}@example.com");
            let who = serde_json::json!({ "id": user, "expires": expires, "hash": hash, "name": "Ada Lovelace", "email": email });
            let call = serde_json::json!(["identify", who]);
            escape_attr(&call.to_string())
        }
        None => r#"["identify", {"id": "nobody", "expires": 1, "hash": "unsigned"}]"#.to_owned(),
    };
    let tag = TAG.replace("{{USER}}", &user_attrs);
    let page = if api { API_PAGE } else { PAGE }
        .replace("{{IDENTIFY}}", &identify)
        .replace("{{SCRIPT_TAG}}", if control { "" } else { &tag })
        .replace("{{CHANNEL_TAG}}", if control { "" } else { CHANNEL_TAG });
    // (A site id is `[a-z0-9-]`: nothing to escape.)
    let mut resp = Response::from_html(page.replace("{{WIDGET_ORIGIN}}", &origin).replace("{{SITE}}", &site))?;
    // The strict policy a host page may have (README, "Content Security
    // Policy"): no inline script or style anywhere; the loader styles its
    // shadow roots with constructed stylesheets.
    let csp = format!(
        "default-src 'self'; script-src 'self' {origin}; connect-src 'self' {origin}; frame-src {origin}; \
         img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    resp.headers_mut().set("Content-Security-Policy", &csp)?;
    Ok(resp)
}

fn demo_on(env: &Env) -> Result<(), RouteError> {
    match env.var("DEMO").map(|v| v.to_string()).unwrap_or_default().as_str() {
        "on" => Ok(()),
        _ => Err(RouteError::NotFound),
    }
}

/// The demo site's checkout: whether the cart is signed by its site, and
/// what it holds.
pub async fn checkout(req: &Request, env: &Env) -> RouteResult {
    demo_on(env)?;
    let url = req.url()?;
    let param =
        |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_default();
    let (cart, sig) = (param("cart"), param("sig"));
    let site = crate::checkout::peek(&cart).and_then(|c| c.site.parse::<shared::SiteId>().ok());
    let opened = match site {
        Some(site) => {
            crate::checkout::open(&crate::calls::inbox::identity_secret(env, site.as_str(), false).await?, &cart, &sig)
        }
        None => None,
    };
    let body = match opened {
        Some(c) => {
            let money = |minor| escape_attr(&shared::pricing::format(minor, &c.quote.currency));
            let lines: String = c
                .quote
                .lines
                .iter()
                .map(|l| format!("<li>{} × {} <span>{}</span></li>", l.qty, escape_attr(&l.name), money(l.unit)))
                .chain(
                    c.quote
                        .savings
                        .iter()
                        .map(|s| format!("<li>{} <span>−{}</span></li>", escape_attr(&s.name), money(s.off))),
                )
                .collect();
            format!(
                r#"<p data-testid="demo-checkout" data-valid="true">The cart is signed by the site: its prices can be trusted.</p>
<ul>{lines}</ul><p>To pay: <strong data-testid="demo-checkout-total">{}</strong></p>"#,
                money(c.quote.total)
            )
        }
        None => {
            r#"<p data-testid="demo-checkout" data-valid="false">This cart is not signed by the site: refused.</p>"#
                .into()
        }
    };
    let page = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Checkout — Acme Outdoor</title>
<link rel="stylesheet" href="/demo.css"></head><body><h1>Checkout</h1>{body}</body></html>"#
    );
    let mut resp = Response::from_html(page)?;
    resp.headers_mut().set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; frame-ancestors 'none'")?;
    Ok(resp)
}

/// `s` safe inside a double-quoted HTML attribute (and as element text).
fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('\'', "&#39;").replace('<', "&lt;").replace('>', "&gt;")
}
