//! The widget's HTTP calls (only one: start a conversation), typed with
//! `shared::api`.

use shared::api::{ApiError, ConversationCreated, CreateConversation, CONVERSATIONS_PATH};
use shared::SiteId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

const UNREADABLE: &str = "the server's answer was unreadable";

/// `POST /api/conversations` for `site`; the error is a sentence for the customer.
pub async fn create_conversation(site: &SiteId) -> Result<ConversationCreated, String> {
    let body = crate::json::encode(&CreateConversation::new(site.clone())).ok_or(UNREADABLE)?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    let req = Request::new_with_str_and_init(CONVERSATIONS_PATH, &init).map_err(js_err)?;
    req.headers().set("Content-Type", "application/json").map_err(js_err)?;
    let window = web_sys::window().ok_or("no window")?;
    let resp: Response = JsFuture::from(window.fetch_with_request(&req))
        .await
        .map_err(|_| "you seem to be offline".to_string())?
        .unchecked_into();
    let text = JsFuture::from(resp.text().map_err(js_err)?).await.map_err(js_err)?.as_string().unwrap_or_default();
    if resp.ok() {
        crate::json::decode(&text).ok_or_else(|| UNREADABLE.to_string())
    } else {
        Err(crate::json::decode::<ApiError>(&text)
            .map(|e| e.message)
            .unwrap_or_else(|| format!("error {}", resp.status())))
    }
}

fn js_err(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| "the browser refused the request".into())
}
