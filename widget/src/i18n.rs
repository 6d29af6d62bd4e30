//! The customer-facing apps' texts in the visitor's language: the page the
//! Worker serves carries the chosen locale on `<html lang dir>` and its
//! catalogue as a JSON block (see `shared::i18n`), which `/i18n.js` (each
//! boot script's first import) reads. [`t`] looks an English text up
//! (missing: the English), [`tf`] also fills in its `{name}` values,
//! [`SAID`] says a server's refusals and notices; [`money`], [`day`] and [`expect`]
//! write with the browser's `Intl` in the page's locale. (In JavaScript:
//! the same calls in Rust cost the customer widget ~1.5 KB gzip more.)

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    /// `en` in the page's language (the English itself where the catalogue has none).
    #[wasm_bindgen(js_name = chatT)]
    pub fn t(en: &str) -> String;
    /// [`t`] with each `{name}` filled from the object `values`.
    #[wasm_bindgen(js_name = chatT)]
    fn t_with(en: &str, values: &wasm_bindgen::JsValue) -> String;
    /// `minor` units of `currency` as the page's locale writes money.
    #[wasm_bindgen(js_name = chatMoney)]
    pub fn money(minor: f64, currency: &str) -> String;
    /// A time (ms since the epoch) as a date.
    #[wasm_bindgen(js_name = chatDay)]
    pub fn day(ms: f64) -> String;
    /// The site's availability (`shared::api::Availability`, as the loader
    /// asked for it) in a sentence: someone there and the usual wait, or
    /// away until the next opening (in the visitor's time), or back soon
    /// (empty: not known).
    #[wasm_bindgen(js_name = chatExpect)]
    pub fn expect(availability: &wasm_bindgen::JsValue) -> String;
    /// What the server wrote for people in the page's language: an `error`
    /// object (a refusal, by its code and particulars, else its English
    /// `message`), a `moderation` one (a notice, by its `notice`, else its
    /// English `alert`), a `held` one (by its `detail`, else its `reason`)
    /// or a `queue` place (by its numbers and `away`, else its `text`);
    /// undefined: none.
    #[wasm_bindgen(js_name = chatSay)]
    fn say(said: &wasm_bindgen::JsValue) -> wasm_bindgen::JsValue;
}

/// `en` in the page's language with each `{name}` replaced by its value
/// (filled by `i18n.js`, as `uploads.js`'s texts are).
#[inline(never)]
pub fn tf(en: &str, values: &[(&str, &str)]) -> String {
    let given = values.iter().fold(crate::wire::Obj::new(), |o, (name, value)| o.put(name, *value));
    t_with(en, &given.js())
}

/// How the customer apps' readers say what the server wrote for people, in
/// the page's language: a refusal, the catalogue's sentence for its code
/// and particulars (`error.<code>.<why>`, filled in: the wait, the limit, a
/// sanction's end in the visitor's time), else for the code alone
/// (`error.<code>`), else the server's own (English) message; a moderator's
/// notice, a hold and a queue place likewise (`notice.<kind>…`, `held.<why>`,
/// `queue.…`, else the English of the field named).
pub const SAID: crate::wire::Say = |said, _| say(said).as_string();
