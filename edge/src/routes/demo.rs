//! `GET /demo`: an ordinary customer web page with the one script tag (and
//! the same script again embedding the site's public channel), and
//! deliberately hostile CSS to show that none of it reaches the widget.
//!
//! The script is loaded from the other loopback name than the page
//! (`localhost` ↔ `127.0.0.1`), so locally, as in production, the widget runs
//! on another site than the page that embeds it.

use worker::{Request, Response};

use crate::error::RouteResult;

const PAGE: &str = include_str!("demo.html");

/// The script tag, as a site owner pastes it.
const TAG: &str = r#"<script src="{{WIDGET_ORIGIN}}/widget.js" data-site="demo" async></script>"#;
/// The same script embedding the site's public channel where it stands.
const CHANNEL_TAG: &str =
    r#"<script src="{{WIDGET_ORIGIN}}/widget.js" data-site="demo" data-channel="live" data-height="420px"></script>"#;

/// The demo page, with the script tag pointing at the Worker's other name;
/// `?control=1` serves the same page without it (the benchmarks' control).
pub fn page(req: &Request) -> RouteResult {
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
    let page = PAGE
        .replace("{{SCRIPT_TAG}}", if control { "" } else { TAG })
        .replace("{{CHANNEL_TAG}}", if control { "" } else { CHANNEL_TAG });
    let mut resp = Response::from_html(page.replace("{{WIDGET_ORIGIN}}", &origin))?;
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
