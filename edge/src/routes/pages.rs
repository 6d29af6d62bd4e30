//! `GET /widget?site=…` and `GET /channel?site=…`: the two app pages a
//! host page embeds, served from the static assets with the site's own
//! `frame-ancestors` (its allowed origins; `'none'` for an unknown site),
//! so no other page can frame the chat, in the visitor's language (its
//! catalogue in the page).

use shared::SiteId;
use worker::{Env, Request, Response};

use super::query;
use crate::error::RouteResult;

/// The app page `name` (`widget` or `channel`) for the request's site.
pub async fn app(req: &Request, env: &Env, name: &str) -> RouteResult {
    let url = req.url()?;
    let mut asset = env.assets("ASSETS")?.fetch(format!("{}/{name}", url.origin().ascii_serialization()), None).await?;
    if asset.status_code() != 200 {
        return Err(crate::error::internal(format!("asset /{name} answered {}", asset.status_code())).into());
    }
    let html = asset.text().await?;
    let config = match query(req, "site")?.and_then(|s| s.parse::<SiteId>().ok()) {
        Some(site) => crate::settings_cache::settings(env, site.as_str()).await?,
        None => None,
    };
    let locale = locale(req, config.as_ref().map(|c| c.config.appearance.locale.as_str()))?;
    let theme = config.as_ref().map_or(shared::site::Theme::Auto, |c| c.config.appearance.theme);
    let title = config.as_ref().map_or("", |c| c.config.appearance.title.as_str());
    let html = localize(&html, locale, theme, title);
    let ancestors = config.map_or_else(|| "'none'".into(), |c| c.config.frame_ancestors());
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https:; \
         connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; form-action 'self'"
    );
    let mut resp = Response::from_html(html)?;
    resp.headers_mut().set("Content-Security-Policy", &csp)?;
    resp.headers_mut().set("Content-Language", locale)?;
    resp.headers_mut().set("Vary", "Accept-Language")?;
    Ok(resp)
}

/// The page's locale: the host page's choice (`l`: its `data-locale` or
/// the JavaScript API's), else the browser's languages, else the site's.
pub(crate) fn locale(req: &Request, site_default: Option<&str>) -> Result<&'static str, crate::error::RouteError> {
    let chosen = query(req, "l")?.unwrap_or_default();
    let header = req.headers().get("Accept-Language")?.unwrap_or_default();
    let browser = shared::i18n::accept_language(&header);
    Ok(shared::i18n::negotiate(std::iter::once(chosen.as_str()).chain(browser), site_default))
}

/// `html` in `locale`: its language and direction on `<html>` (with the
/// site's light or dark `theme`, which `widget.css` follows), and its
/// catalogue as a JSON data block the app reads (not a script: the page's
/// CSP runs none inline), so a visitor downloads only their own; the
/// site's own `title` (if any) in it as the chat's title, in every language.
fn localize(html: &str, locale: &str, theme: shared::site::Theme, title: &str) -> String {
    use shared::protocol::WireName;
    let dir = if shared::i18n::rtl(locale) { "rtl" } else { "ltr" };
    // (`<` escaped: nothing in the data can close the block.)
    let catalogue = shared::i18n::catalogue_titled(locale, title).replace('<', "\\u003c");
    html.replacen(
        r#"<html lang="en">"#,
        &format!(r#"<html lang="{locale}" dir="{dir}" data-theme="{}">"#, theme.as_str()),
        1,
    )
    .replacen("</head>", &format!(r#"<script type="application/json" id="i18n">{catalogue}</script></head>"#), 1)
}
