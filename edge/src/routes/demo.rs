//! `GET /demo`: an ordinary customer web page with the one script tag, and
//! deliberately hostile CSS to show that none of it reaches the widget.
//!
//! The script is loaded from the other loopback name than the page
//! (`localhost` ↔ `127.0.0.1`), so locally, as in production, the widget runs
//! on another site than the page that embeds it.

use worker::{Request, Response};

use crate::error::RouteResult;

const PAGE: &str = include_str!("demo.html");

/// The demo page, with the script tag pointing at the Worker's other name.
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
    Ok(Response::from_html(PAGE.replace("{{WIDGET_ORIGIN}}", &origin))?)
}
