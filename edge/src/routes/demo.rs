//! `GET /demo`: an ordinary customer web page with the one script tag (and
//! the same script again embedding the site's public channel), and
//! deliberately hostile CSS to show that none of it reaches the widget.
//!
//! `?user=<id>` plays a site whose customer is logged in: like the site's
//! server would, the page signs the id with the site's identity secret and
//! puts it in the tag (`data-user-id`, `data-user-hash`). `?site=<id>`
//! embeds another site than `demo` (a site signed up locally, the tests'
//! own sites).
//!
//! The script is loaded from the other loopback name than the page
//! (`localhost` ↔ `127.0.0.1`), so locally, as in production, the widget runs
//! on another site than the page that embeds it.
//!
//! Served only with the `DEMO` variable `on` (`cargo xtask dev`, tests):
//! anywhere else it would sign any user id for any site.

use worker::{Env, Request, Response};

use crate::error::{RouteError, RouteResult};

const PAGE: &str = include_str!("demo.html");

/// The script tag, as a site owner pastes it.
const TAG: &str = r#"<script src="{{WIDGET_ORIGIN}}/widget.js" data-site="{{SITE}}"{{USER}} async></script>"#;
/// The same script embedding the site's public channel where it stands.
const CHANNEL_TAG: &str = r#"<script src="{{WIDGET_ORIGIN}}/widget.js" data-site="{{SITE}}" data-channel="live" data-height="420px"></script>"#;

/// The demo page, with the script tag pointing at the Worker's other name;
/// `?control=1` serves the same page without it (the benchmarks' control).
pub async fn page(req: &Request, env: &Env) -> RouteResult {
    if env.var("DEMO").map(|v| v.to_string()).unwrap_or_default() != "on" {
        return Err(RouteError::NotFound);
    }
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
    let user_attrs = match user {
        Some(user) => {
            let hash = crate::identity::sign(&crate::calls::inbox::identity_secret(env, &site, false).await?, &user);
            format!(r#" data-user-id="{}" data-user-hash="{hash}""#, escape_attr(&user))
        }
        None => String::new(),
    };
    let tag = TAG.replace("{{USER}}", &user_attrs);
    let page = PAGE
        .replace("{{SCRIPT_TAG}}", if control { "" } else { &tag })
        .replace("{{CHANNEL_TAG}}", if control { "" } else { CHANNEL_TAG });
    // (A site id is `[a-z0-9-]`: nothing to escape.)
    let mut resp = Response::from_html(page.replace("{{WIDGET_ORIGIN}}", &origin).replace("{{SITE}}", &site))?;
    // No inline script anywhere; the loader (from the widget's origin)
    // styles its shadow root with an inline <style>, hence 'unsafe-inline'
    // for styles only.
    let csp = format!(
        "default-src 'self'; script-src 'self' {origin}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self' {origin}; frame-src {origin}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    resp.headers_mut().set("Content-Security-Policy", &csp)?;
    Ok(resp)
}

/// `s` safe inside a double-quoted HTML attribute.
fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}
