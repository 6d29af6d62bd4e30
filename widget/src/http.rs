//! HTTP calls to our own Worker with `fetch`: JSON in, JSON text out, and a
//! refused request turned into the server's sentence (its `ApiError`).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// The answer when it cannot be read.
pub const UNREADABLE: &str = "the server's answer was unreadable";

/// `method path` with an optional JSON body; the answer's text, or why not
/// as a sentence for people.
pub async fn request(method: &str, path: &str, body: Option<String>) -> Result<String, String> {
    request_with(method, path, body, None).await
}

/// [`request`] with one more header (the console's anti-CSRF token).
pub async fn request_with(
    method: &str,
    path: &str,
    body: Option<String>,
    header: Option<(&str, &str)>,
) -> Result<String, String> {
    match request_raw(method, path, body, header).await? {
        (200..=299, text) => Ok(text),
        (status, text) => Err(refusal(status, &text).1),
    }
}

/// [`request_with`], the refusal with its code when the server gave one.
pub async fn request_coded(
    method: &str,
    path: &str,
    body: Option<String>,
    header: Option<(&str, &str)>,
) -> Result<String, (Option<shared::ErrorCode>, String)> {
    match request_raw(method, path, body, header).await.map_err(|e| (None, e))? {
        (200..=299, text) => Ok(text),
        (status, text) => Err(refusal(status, &text)),
    }
}

/// `POST`s a file's bytes to `path` (`?id=&name=` in it) with one more
/// header (the console's anti-CSRF token; the customer's uploads are
/// `uploads.js`'s); the answer's text, or why not as a sentence.
pub async fn upload(path: &str, file: &web_sys::Blob, header: (&str, &str)) -> Result<String, String> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(file);
    let req = Request::new_with_str_and_init(path, &init).map_err(js_err)?;
    req.headers().set(header.0, header.1).map_err(js_err)?;
    match send(&req).await? {
        (200..=299, text) => Ok(text),
        (status, text) => Err(refusal(status, &text).1),
    }
}

/// A refused request's code and sentence (the server's `ApiError`, said
/// in the page's language where it has a catalogue).
pub fn refusal(status: u16, text: &str) -> (Option<shared::ErrorCode>, String) {
    match crate::wire::api_error(text, crate::i18n::SAID) {
        Some(e) => (Some(e.code), e.message),
        None => (None, format!("error {status}")),
    }
}

/// The answer's status and text (or why there is none).
async fn request_raw(
    method: &str,
    path: &str,
    body: Option<String>,
    header: Option<(&str, &str)>,
) -> Result<(u16, String), String> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = &body {
        init.set_body(&JsValue::from_str(body));
    }
    let req = Request::new_with_str_and_init(path, &init).map_err(js_err)?;
    if body.is_some() {
        req.headers().set("Content-Type", "application/json").map_err(js_err)?;
    }
    if let Some((name, value)) = header {
        req.headers().set(name, value).map_err(js_err)?;
    }
    send(&req).await
}

/// Sends a request: the answer's status and text (or why there is none).
async fn send(req: &Request) -> Result<(u16, String), String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp: Response = JsFuture::from(window.fetch_with_request(req))
        .await
        .map_err(|_| "you seem to be offline".to_string())?
        .unchecked_into();
    let text = JsFuture::from(resp.text().map_err(js_err)?).await.map_err(js_err)?.as_string().unwrap_or_default();
    Ok((resp.status(), text))
}

fn js_err(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| "the browser refused the request".into())
}
