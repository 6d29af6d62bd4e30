//! Downloads the console makes from data it gathered (a file the browser
//! saves, from a `Blob`), and fetching every page of a paged list (each page
//! naming the next in its `Link: <…>; rel="next"` header).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlElement, Response, Url};

use crate::http::UNREADABLE;

/// Every page of the JSON array at `path`, as one JSON array.
pub async fn all_pages(path: String) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let (mut items, mut next) = (Vec::new(), Some(path));
    while let Some(path) = next.take() {
        let resp: Response = JsFuture::from(window.fetch_with_str(&path))
            .await
            .map_err(|_| "you seem to be offline".to_string())?
            .unchecked_into();
        let text = JsFuture::from(resp.text().map_err(|_| UNREADABLE)?).await.map_err(|_| UNREADABLE)?;
        let text = text.as_string().unwrap_or_default();
        if !resp.ok() {
            return Err(crate::http::refusal(resp.status(), &text).1);
        }
        let inner = text.trim().strip_prefix('[').and_then(|t| t.strip_suffix(']')).ok_or(UNREADABLE)?.trim();
        if !inner.is_empty() {
            items.push(inner.to_owned());
        }
        let link = resp.headers().get("Link").ok().flatten().unwrap_or_default();
        next = shared::api::next_link(&link).map(str::to_owned);
    }
    Ok(format!("[{}]", items.join(",")))
}

/// Has the browser save `json` as the file `name`.
pub fn save_json(name: &str, json: &str) -> Result<(), String> {
    let refused = |_: JsValue| "the browser refused the download".to_string();
    let kind = BlobPropertyBag::new();
    kind.set_type("application/json");
    let parts = js_sys::Array::of1(&JsValue::from_str(json));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &kind).map_err(refused)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(refused)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: HtmlElement = document.create_element("a").map_err(refused)?.unchecked_into();
    a.set_attribute("href", &url).map_err(refused)?;
    a.set_attribute("download", name).map_err(refused)?;
    a.click();
    // Revoked once the browser has taken the file.
    leptos::prelude::set_timeout(move || drop(Url::revoke_object_url(&url)), std::time::Duration::from_secs(60));
    Ok(())
}
