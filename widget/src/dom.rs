//! A few non-generic DOM helpers for the widget's leaf parts (workflow cards,
//! the pre-chat form). Leptos instantiates its rendering code per view type
//! and per closure type; parts built with these plain functions cost a
//! fraction of that in wasm (see ARCHITECTURE.md, "Sizes"). Text is only
//! ever set with `textContent`, never parsed as HTML.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// The first element of the page matching `selector`.
pub fn find(selector: &str) -> Option<Element> {
    web_sys::window()?.document()?.query_selector(selector).ok().flatten()
}

/// Appends a new `<tag class=...>` to `parent`, with `text` as its text.
pub fn add(parent: &Element, tag: &str, class: &str, text: &str) -> Element {
    let el = parent.owner_document().expect("a document").create_element(tag).expect("a valid tag");
    if !class.is_empty() {
        el.set_class_name(class);
    }
    if !text.is_empty() {
        el.set_text_content(Some(text));
    }
    let _ = parent.append_child(&el);
    el
}

/// Sets an attribute (ignoring the impossible failure for valid names).
pub fn set(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// Sets or removes a boolean attribute (`disabled`, `hidden`, `required`).
pub fn flag(el: &Element, name: &str, on: bool) {
    let _ = if on { el.set_attribute(name, "") } else { el.remove_attribute(name) };
}

/// Reads a JS property of an element (`value`, `checked`).
pub fn prop(el: &Element, name: &str) -> JsValue {
    js_sys::Reflect::get(el, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Writes a JS property of an element (`checked`).
pub fn set_prop(el: &Element, name: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(el, &JsValue::from_str(name), value);
}

/// Calls `f` on every `event` on `el`, for as long as the page lives (the
/// parts built here are few and small).
pub fn on(el: &Element, event: &str, f: Box<dyn FnMut(web_sys::Event)>) {
    let closure = Closure::wrap(f);
    let _ = el.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}
